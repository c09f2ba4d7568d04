/*
 * test_faults.c - the surroundings failing: a KDC that accepts and never
 * answers, a ticket cache that cannot be read, a keytab that is not there.
 * Each gives the documented code, and the library keeps working after it.
 * (A stopped KDC is in test_kerberos.c and test_negotiate.c, a skewed
 * clock in interop-mit.sh.)
 *
 * The realm's configuration gets a second realm, SLOW.TEST, whose only
 * KDC is a listener here that takes TCP connections and UDP datagrams and
 * never answers, and a short kdc_timeout, before the first Kerberos call
 * reads the file.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerberos_util.h"

static struct realm realm;
static int silent_fd = -1;
static const char *self; /* argv[0]: /proc/self/exe is valgrind under valgrind */

/* A KDC that takes TCP connections (the kernel does) and UDP datagrams,
 * and never reads or answers either. */
static int silent_udp_fd = -1;

static int silent_listener(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	silent_udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (silent_udp_fd < 0 || bind(silent_udp_fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static int add_slow_realm(const struct realm *r)
{
	char path[512], line[256];
	FILE *in, *out;
	char tmp[600];
	int port;

	silent_fd = silent_listener(&port);
	if (silent_fd < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/krb5.conf", r->dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	in = fopen(path, "r");
	out = fopen(tmp, "w");
	if (in == NULL || out == NULL)
		return -1;
	while (fgets(line, sizeof(line), in) != NULL) {
		fputs(line, out);
		if (strncmp(line, "[libdefaults]", 13) == 0)
			fprintf(out, "\tkdc_timeout = 1\n\tmax_retries = 1\n");
		if (strncmp(line, "[realms]", 8) == 0)
			fprintf(out, "\tSLOW.TEST = {\n\t\tkdc = 127.0.0.1:%d\n\t}\n", port);
	}
	fclose(in);
	if (fclose(out) != 0)
		return -1;
	return rename(tmp, path);
}

/* The library still makes a whole Kerberos handshake. */
static void still_works(void)
{
	struct pair p;

	pair_up(&p);
	seal_and_open(&p.cctx, &p.sctx, 0);
	pair_down(&p);
}

START_TEST(silent_kdc)
{
	CredHandle cred;
	CtxtHandle ctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
	ULONG attrs;

	/* The credential needs no KDC; its first context finds none. */
	ck_status(acquire_password("alice", "SLOW.TEST", "Alice-Pass-1", &cred), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&cred, NULL, "HTTP/localhost", ISC_REQ_ALLOCATE_MEMORY,
					     0, 0, NULL, 0, &ctx, &out, &attrs, NULL),
		  SEC_E_NO_AUTHENTICATING_AUTHORITY);
	ck_assert_msg(strlen(SspiGssGetLastErrorText()) > 0, "no reason given");
	ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
	still_works();
}
END_TEST

START_TEST(unreadable_ticket_cache)
{
	char path[600], cache[700];
	CredHandle cred;
	TimeStamp exp;
	FILE *f;

	/* A cache of garbage, and a cache that is a directory. */
	snprintf(path, sizeof(path), "%s/garbage.cc", realm.dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is no credential cache\n", f);
	fclose(f);
	snprintf(cache, sizeof(cache), "FILE:%s", path);
	setenv("KRB5CCNAME", cache, 1);
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
					    NULL, &cred, &exp),
		  SEC_E_NO_CREDENTIALS);
	snprintf(cache, sizeof(cache), "FILE:%s", realm.dir);
	setenv("KRB5CCNAME", cache, 1);
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
					    NULL, &cred, &exp),
		  SEC_E_NO_CREDENTIALS);
	setenv("KRB5CCNAME", "MEMORY:sspi-gss-tests", 1);
	still_works();
}
END_TEST

/* A server whose keytab does not exist, in a process of its own started
 * afresh (Heimdal reads the keytab's name once, when the process's first
 * Kerberos call starts it): exit status 0 when the documented codes came. */
static int server_without_keytab(void)
{
	CredHandle c, s;
	CtxtHandle cc, sc;
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, sout = {SECBUFFER_VERSION, 1, &st};
	SecBufferDesc in = {SECBUFFER_VERSION, 1, &ct};
	ULONG attrs;
	TimeStamp exp;
	SECURITY_STATUS acquired, accepted;

	if (acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &c) != SEC_E_OK ||
	    InitializeSecurityContextA(&c, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0, &cc, &cout,
				       &attrs, &exp) != SEC_I_CONTINUE_NEEDED)
		return 10;
	acquired = AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL,
					     NULL, NULL, &s, &exp);
	if (acquired != SEC_E_OK)
		return acquired == SEC_E_NO_CREDENTIALS ? 0 : 11;
	accepted = AcceptSecurityContext(&s, NULL, &in, ASC_REQ_ALLOCATE_MEMORY, 0, &sc, &sout,
					 &attrs, &exp);
	fprintf(stderr, "without a keytab: AcceptSecurityContext = %s\n",
		SspiGssStatusName(accepted));
	return accepted == SEC_E_NO_CREDENTIALS ? 0 : 12;
}

START_TEST(missing_keytab)
{
	pid_t pid = fork();
	int status = -1;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setenv("KRB5_KTNAME", "FILE:/nonexistent/sspi-gss.keytab", 1);
		execl(self, "test_faults", "--server-without-keytab", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the keytab-less server gave other codes (%d)", WEXITSTATUS(status));
	still_works();
}
END_TEST

static Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("realm");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, silent_kdc);
	tcase_add_test(tc, unreadable_ticket_cache);
	tcase_add_test(tc, missing_keytab);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *runner;
	int failed;

	if (argc == 2 && strcmp(argv[1], "--server-without-keytab") == 0)
		return server_without_keytab();
	self = argv[0];

	if (realm_start(&realm) != 0 || add_slow_realm(&realm) != 0) {
		realm_stop(&realm);
		return EXIT_FAILURE;
	}
	runner = srunner_create(faults_suite());
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	realm_stop(&realm);
	close(silent_fd);
	close(silent_udp_fd);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
