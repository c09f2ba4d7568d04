/*
 * test_ccache_mirror.c - default credentials from a kinit FILE cache, kept
 * in memory (sspi-gss/kerberos/ccache_mirror.c): no reads of the file per
 * handshake, yet every change to the file is seen by the next context and
 * the tickets the library obtains land in the file.
 *
 * File opens are counted with inotify on the cache's directory; the same
 * counts with SSPI_GSS_CCACHE_MIRROR=0 (Heimdal reading the file itself)
 * show the counter sees what it should. Where the two modes must agree
 * (the client a server sees after kinit as someone else, the status after
 * kdestroy), both run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kerberos_util.h"

static struct realm realm;
static char cache_path[400];

static void kinit(const char *user)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd),
		 "KRB5CCNAME='FILE:%s' kinit --password-file='%s/%s.password' %s@SSPI.TEST",
		 cache_path, realm.dir, user, user);
	ck_assert_int_eq(system(cmd), 0);
}

static void kdestroy(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "KRB5CCNAME='FILE:%s' kdestroy", cache_path);
	ck_assert_int_eq(system(cmd), 0);
}

/* How many tickets for HTTP/localhost the file holds (klist). */
static int service_tickets(void)
{
	char cmd[600], line[512];
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "KRB5CCNAME='FILE:%s' klist 2>/dev/null", cache_path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "HTTP/localhost@SSPI.TEST") != NULL)
			n++;
	pclose(f);
	return n;
}

static void setup(void)
{
	char env[500];

	snprintf(cache_path, sizeof(cache_path), "%s/mirror.ccache", realm.dir);
	snprintf(env, sizeof(env), "FILE:%s", cache_path);
	setenv("KRB5CCNAME", env, 1);
	unsetenv("SSPI_GSS_CCACHE_MIRROR");
	kinit("alice");
}

static void acquire_default(const char *package, int mirror, CredHandle *c, CredHandle *s)
{
	TimeStamp exp;

	if (!mirror)
		setenv("SSPI_GSS_CCACHE_MIRROR", "0", 1);
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL,
					    NULL, NULL, NULL, c, &exp),
		  SEC_E_OK);
	unsetenv("SSPI_GSS_CCACHE_MIRROR");
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, s, &exp),
		  SEC_E_OK);
}

/* One handshake; the client name the server sees into who (or NULL). */
static SECURITY_STATUS one(CredHandle *c, CredHandle *s, char *who, size_t len)
{
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	struct loop o = {"HTTP/localhost", REQ, ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONFIDENTIALITY |
		ASC_REQ_INTEGRITY | ASC_REQ_ALLOCATE_MEMORY, NULL, NULL, 0, 0};
	SECURITY_STATUS st = handshake_loop(&o, c, s, &cctx, &sctx, &ca, &sa);

	if (st != SEC_E_OK)
		return st;
	if (who != NULL) {
		SecPkgContext_NamesA n;

		ck_status(QueryContextAttributesA(&sctx, SECPKG_ATTR_NAMES, &n), SEC_E_OK);
		snprintf(who, len, "%s", n.sUserName);
		FreeContextBuffer(n.sUserName);
	}
	seal_and_open(&cctx, &sctx, 0);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	return SEC_E_OK;
}

static int watch_start(void)
{
	return opens_watch_start(realm.dir);
}

static int watch_count(int fd)
{
	return opens_watch_count(fd, "mirror.ccache");
}

/* 20 handshakes after the first: how often the file was opened. */
static int opens_per_20(const char *package, int mirror)
{
	CredHandle c, s;
	int fd, n;

	acquire_default(package, mirror, &c, &s);
	ck_status(one(&c, &s, NULL, 0), SEC_E_OK); /* fetches the service ticket */
	fd = watch_start();
	for (int i = 0; i < 20; i++)
		ck_status(one(&c, &s, NULL, 0), SEC_E_OK);
	n = watch_count(fd);
	close(fd);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
	return n;
}

START_TEST(no_reads_per_handshake)
{
	const char *package = _i == 0 ? "Kerberos" : "Negotiate";
	int heimdal = opens_per_20(package, 0), mirrored = opens_per_20(package, 1);

	fprintf(stderr, "%s: cache file opened %d times in 20 handshakes by Heimdal, %d mirrored\n",
		package, heimdal, mirrored);
	ck_assert_int_ge(heimdal, 20);
	ck_assert_int_eq(mirrored, 0);
}
END_TEST

/* The service ticket the library obtained is in the file, once. */
START_TEST(tickets_written_back)
{
	CredHandle c, s;

	ck_assert_int_eq(service_tickets(), 0);
	acquire_default("Kerberos", 1, &c, &s);
	for (int i = 0; i < 5; i++)
		ck_status(one(&c, &s, NULL, 0), SEC_E_OK);
	ck_assert_int_eq(service_tickets(), 1);
	/* kinit again: a new file without it; the next context fetches it
	 * again and it goes into the new file. */
	kinit("alice");
	ck_assert_int_eq(service_tickets(), 0);
	ck_status(one(&c, &s, NULL, 0), SEC_E_OK);
	ck_assert_int_eq(service_tickets(), 1);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* kinit as someone else, kdestroy, kinit again, all after
 * AcquireCredentialsHandle: with and without the mirror, the same. */
START_TEST(changes_after_acquire)
{
	int mirror = _i;
	CredHandle c, s;
	char who[256];

	acquire_default("Kerberos", mirror, &c, &s);
	ck_status(one(&c, &s, who, sizeof(who)), SEC_E_OK);
	ck_assert_str_eq(who, "alice@SSPI.TEST");
	kinit("bob");
	ck_status(one(&c, &s, who, sizeof(who)), SEC_E_OK);
	ck_assert_str_eq(who, "bob@SSPI.TEST");
	kdestroy();
	{
		CtxtHandle cctx;
		SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
		SecBufferDesc out = {SECBUFFER_VERSION, 1, &tok};
		ULONG attrs;

		ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/localhost",
						     REQ | ISC_REQ_ALLOCATE_MEMORY, 0,
						     SECURITY_NATIVE_DREP, NULL, 0, &cctx, &out,
						     &attrs, NULL),
			  SEC_E_NO_CREDENTIALS);
		if (mirror)
			ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "ticket cache"));
	}
	kinit("alice");
	ck_status(one(&c, &s, who, sizeof(who)), SEC_E_OK);
	ck_assert_str_eq(who, "alice@SSPI.TEST");
	/* A cache file that is no cache (garbage, or empty). */
	for (int empty = 0; empty < 2; empty++) {
		FILE *f = fopen(cache_path, "w");
		CtxtHandle cctx;
		SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
		SecBufferDesc out = {SECBUFFER_VERSION, 1, &tok};
		ULONG attrs;

		ck_assert_ptr_nonnull(f);
		if (!empty)
			fputs("this is not a ticket cache\n", f);
		fclose(f);
		ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/localhost",
						     REQ | ISC_REQ_ALLOCATE_MEMORY, 0,
						     SECURITY_NATIVE_DREP, NULL, 0, &cctx, &out,
						     &attrs, NULL),
			  SEC_E_NO_CREDENTIALS);
	}
	kinit("alice");
	ck_status(one(&c, &s, who, sizeof(who)), SEC_E_OK);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* AcquireCredentialsHandle from a cache file that is no cache. */
START_TEST(acquire_from_garbage)
{
	FILE *f = fopen(cache_path, "w");
	CredHandle c;
	TimeStamp exp;

	ck_assert_ptr_nonnull(f);
	fputs("this is not a ticket cache\n", f);
	fclose(f);
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL,
					    NULL, NULL, &c, &exp),
		  SEC_E_NO_CREDENTIALS);
	kdestroy();
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL,
					    NULL, NULL, &c, &exp),
		  SEC_E_NO_CREDENTIALS);
}
END_TEST

/* Handshakes on four threads sharing one credential while the file is
 * replaced again and again. */
struct worker {
	CredHandle *c, *s;
	int failures, done;
};

static int kinits_done;

/* At least 20 times, and until one handshake has started after the last
 * kinit: the flag is read before the handshake, so the handshake that
 * ends the loop began with the final file in place (a loop that tested
 * the flag after its handshake could stop with every thread's last
 * handshake begun before the last kinit, and no ticket in the file). */
static void *work(void *arg)
{
	struct worker *w = arg;

	for (int i = 0;; i++) {
		int after_kinits = __atomic_load_n(&kinits_done, __ATOMIC_ACQUIRE);

		if (one(w->c, w->s, NULL, 0) != SEC_E_OK)
			w->failures++;
		w->done++;
		if (i >= 19 && after_kinits)
			break;
	}
	return NULL;
}

START_TEST(threads_while_kinit)
{
	CredHandle c, s;
	pthread_t t[4];
	struct worker w[4];

	acquire_default("Negotiate", 1, &c, &s);
	kinits_done = 0;
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){&c, &s, 0, 0};
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 5; i++)
		kinit("alice");
	__atomic_store_n(&kinits_done, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(w[i].failures, 0);
		ck_assert_int_ge(w[i].done, 20);
	}
	/* The last kinit's file got the ticket (one per thread that fetched
	 * it at the same moment, as without the mirror). */
	ck_assert_int_ge(service_tickets(), 1);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

static Suite *mirror_suite(void)
{
	Suite *s = suite_create("ccache-mirror");
	TCase *tc = tcase_create("realm");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, no_reads_per_handshake, 0, 2);
	tcase_add_test(tc, tickets_written_back);
	tcase_add_loop_test(tc, changes_after_acquire, 0, 2);
	tcase_add_test(tc, acquire_from_garbage);
	tcase_add_test(tc, threads_while_kinit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm(&realm, mirror_suite());
}
