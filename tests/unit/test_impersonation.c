/*
 * test_impersonation.c - ImpersonateSecurityContext, RevertSecurityContext,
 * delegation and access tokens against the throwaway realm, with local
 * accounts that exist only for this process.
 *
 * As root, main() moves the process into a private mount namespace and
 * binds copies of /etc/passwd and /etc/group that add alice (uid 4201,
 * also in group sspi-staff 4300) and bob (uid 4202) over the real ones:
 * the system's files are never written. Without root (or namespaces) the
 * suite says SKIPPED and runs only the cases that need no accounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerberos_util.h"

#define ALICE_UID 4201
#define BOB_UID 4202
#define STAFF_GID 4300
#define SYS_UID 500 /* below the floor of 1000 */

static struct realm realm;
static char dir[] = "/tmp/sspi-gss-imp-XXXXXX";
static char alice_file[300], root_file[300];

#define NEGO_REQ (ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | \
		  ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT)

/* The suite runs in one process: a failed check must not leave the next
 * case running as alice. Every case ends with a revert of the thread
 * (RevertSecurityContext takes any live context handle). */
static CtxtHandle last_server;
static int have_last;

static void back_to_self(void)
{
	if (have_last)
		(void)RevertSecurityContext(&last_server);
	have_last = 0;
}

/* pair_down for pairs whose handles a case may have closed itself. */
static void down(struct pair *p)
{
	back_to_self();
	(void)DeleteSecurityContext(&p->cctx);
	(void)DeleteSecurityContext(&p->sctx);
	ck_status(FreeCredentialsHandle(&p->ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&p->scred), SEC_E_OK);
}

/* A server context for a client of PACKAGE (user with password), made by
 * an in-process handshake; the client's context and both credentials are
 * left for pair_down. */
static void serve_in(struct pair *p, const char *package, const char *user, const char *domain,
		     const char *pw, const char *target, ULONG extra_req)
{
	struct loop o = {.target = target, .isc_req = NEGO_REQ | extra_req};
	TimeStamp exp;

	memset(p, 0, sizeof(*p));
	ck_status(acquire_identity(package, user, domain, pw, &p->ccred), SEC_E_OK);
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, &p->scred, &exp),
		  SEC_E_OK);
	ck_status(handshake_loop(&o, &p->ccred, &p->scred, &p->cctx, &p->sctx, &p->cattrs,
				 &p->sattrs),
		  SEC_E_OK);
	last_server = p->sctx;
	have_last = 1;
}

static void serve(struct pair *p, const char *package, const char *user, const char *pw,
		  const char *target, ULONG extra_req)
{
	serve_in(p, package, user, "SSPI.TEST", pw, target, extra_req);
}

static int in_groups(gid_t g)
{
	gid_t list[256];
	int n = getgroups(256, list);

	for (int i = 0; i < n; i++)
		if (list[i] == g)
			return 1;
	return 0;
}

static int can_read(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* A second thread that samples its own ids while the first impersonates. */
struct watcher {
	pthread_t thread;
	atomic_int stop;
	atomic_long samples, changed;
};

static void *watch(void *arg)
{
	struct watcher *w = arg;

	while (!atomic_load(&w->stop)) {
		if (geteuid() != 0 || getegid() != 0 || in_groups(STAFF_GID))
			atomic_fetch_add(&w->changed, 1);
		atomic_fetch_add(&w->samples, 1);
		usleep(100);
	}
	return NULL;
}

/* The thread runs as the account: ids, name, groups, and files. */
static void ck_is_alice(void)
{
	struct passwd *pw = getpwuid(geteuid());

	ck_assert_uint_eq(geteuid(), ALICE_UID);
	ck_assert_uint_eq(getegid(), ALICE_UID);
	ck_assert_ptr_nonnull(pw);
	ck_assert_str_eq(pw->pw_name, "alice");
	ck_assert(in_groups(STAFF_GID));
	ck_assert(can_read(alice_file));
	ck_assert(!can_read(root_file));
}

static void ck_is_self(void)
{
	ck_assert_uint_eq(geteuid(), 0);
	ck_assert_uint_eq(getegid(), 0);
	ck_assert(!in_groups(STAFF_GID));
	ck_assert(can_read(root_file));
}

static void impersonate_client_of(const char *package, const char *user)
{
	struct watcher w = {0};
	struct pair p;

	serve(&p, package, user, "Alice-Pass-1", "HTTP/localhost", 0);
	ck_assert_int_eq(pthread_create(&w.thread, NULL, watch, &w), 0);
	while (atomic_load(&w.samples) < 10)
		usleep(100);
	ck_status(ImpersonateSecurityContext(&p.sctx), SEC_E_OK);
	ck_is_alice();
	/* The other thread, sampled while this one is alice. */
	{
		long before = atomic_load(&w.samples);

		while (atomic_load(&w.samples) < before + 50)
			usleep(100);
	}
	/* Messages still flow while impersonating. */
	seal_and_open(&p.sctx, &p.cctx, 0);
	ck_status(RevertSecurityContext(&p.sctx), SEC_E_OK);
	ck_is_self();
	atomic_store(&w.stop, 1);
	pthread_join(w.thread, NULL);
	ck_assert_int_eq(atomic_load(&w.changed), 0);
	ck_assert_int_ge(atomic_load(&w.samples), 60); /* 10 before, 50 while alice */
	down(&p);
}

START_TEST(kerberos_client)
{
	impersonate_client_of("Kerberos", "alice");
}
END_TEST

/* An NTLM user file of the suite's own (NTLM_USER_FILE is read when a
 * server credential is acquired); NULL puts the realm's back. */
static void use_users(const char *lines)
{
	static char saved[300];
	char path[400];
	FILE *f;

	if (saved[0] == '\0')
		snprintf(saved, sizeof(saved), "%s", getenv("NTLM_USER_FILE"));
	if (lines == NULL) {
		setenv("NTLM_USER_FILE", saved, 1);
		return;
	}
	snprintf(path, sizeof(path), "%s/users", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(lines, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
	setenv("NTLM_USER_FILE", path, 1);
}

/* This host's NetBIOS name, the domain an NTLM server with a user file
 * announces in its CHALLENGE. */
static void own_domain(char *buf, size_t size)
{
	char host[256];

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	host[15] = '\0';
	for (char *c = host; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	snprintf(buf, size, "%.15s", host);
}

START_TEST(ntlm_client)
{
	/* A local account of this server (a domain-less entry): the client is
	 * HOST\alice, of this server's own domain. */
	use_users(":alice:Alice-Pass-1\n");
	impersonate_client_of("NTLM", "alice");
	use_users(NULL);
}
END_TEST

static void write_map(const char *text, mode_t mode)
{
	char map[400];
	FILE *f;

	snprintf(map, sizeof(map), "%s/accounts", dir);
	unlink(map);
	f = fopen(map, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(map, mode), 0);
	setenv("SSPI_GSS_ACCOUNT_MAP", map, 1);
}

/* The status of impersonating a client of package (user of domain); the
 * thread is reverted after, and the euid it had is in *euid. */
static SECURITY_STATUS impersonate_as(const char *package, const char *user, const char *domain,
				      const char *pw, uid_t *euid)
{
	SECURITY_STATUS s;
	struct pair p;

	serve_in(&p, package, user, domain, pw, "HTTP/localhost", 0);
	s = ImpersonateSecurityContext(&p.sctx);
	*euid = geteuid();
	down(&p);
	ck_is_self();
	return s;
}

/* Another domain's user is not the local account of the same name, nor is
 * a domain user root: the package rule maps this server's own domain only,
 * and nothing below uid 1000 without a map line naming the client. */
START_TEST(other_domains_are_not_local_accounts)
{
	char own[64], lines[600];
	uid_t euid;

	own_domain(own, sizeof(own));
	snprintf(lines, sizeof(lines),
		 ":alice:Alice-Pass-1\nEVIL:alice:Evil-Pass-1\nEVIL:root:Evil-Pass-1\n"
		 "%s:bob:Bob-Pass-2\n",
		 own);
	use_users(lines);
	ck_status(impersonate_as("NTLM", "alice", "SSPI.TEST", "Alice-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, ALICE_UID);
	ck_status(impersonate_as("NTLM", "bob", own, "Bob-Pass-2", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, BOB_UID);
	ck_status(impersonate_as("NTLM", "alice", "EVIL", "Evil-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	ck_assert_uint_eq(euid, 0);
	ck_status(impersonate_as("NTLM", "root", "EVIL", "Evil-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	{
		struct pair p;
		HANDLE token = NULL;

		serve_in(&p, "NTLM", "alice", "EVIL", "Evil-Pass-1", "HTTP/localhost", 0);
		ck_status(QuerySecurityContextToken(&p.sctx, &token), SEC_E_NO_IMPERSONATION);
		down(&p);
	}
	/* The map may say otherwise, client by client; root only by name. */
	write_map("EVIL\\alice alice\n* :package\n", 0644);
	ck_status(impersonate_as("NTLM", "alice", "EVIL", "Evil-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, ALICE_UID);
	ck_status(impersonate_as("NTLM", "alice", "SSPI.TEST", "Alice-Pass-1", &euid), SEC_E_OK);
	ck_status(impersonate_as("NTLM", "root", "EVIL", "Evil-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	write_map("* root\n", 0644);
	ck_status(impersonate_as("NTLM", "root", "EVIL", "Evil-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	write_map("evil\\ROOT root\n", 0644);
	ck_status(impersonate_as("NTLM", "root", "EVIL", "Evil-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, 0);
	unsetenv("SSPI_GSS_ACCOUNT_MAP");
	use_users(NULL);
}
END_TEST

/* root@SSPI.TEST is of the default realm, and auth_to_local's default rule
 * names root: refused all the same, unless the map names the principal. */
START_TEST(kerberos_root_is_not_root)
{
	char cmd[1000];
	uid_t euid;

	snprintf(cmd, sizeof(cmd),
		 "kadmin.heimdal -l -c %s/krb5.conf add --password=Root-Pass-3 --use-defaults "
		 "root >/dev/null 2>&1 || kadmin.heimdal -l -c %s/krb5.conf cpw "
		 "--password=Root-Pass-3 root",
		 realm.dir, realm.dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_status(impersonate_as("Kerberos", "root", "SSPI.TEST", "Root-Pass-3", &euid),
		  SEC_E_NO_IMPERSONATION);
	ck_assert_uint_eq(euid, 0);
	ck_status(impersonate_as("Negotiate", "root", "SSPI.TEST", "Root-Pass-3", &euid),
		  SEC_E_NO_IMPERSONATION);
	write_map("* :package\n", 0644);
	ck_status(impersonate_as("Kerberos", "root", "SSPI.TEST", "Root-Pass-3", &euid),
		  SEC_E_NO_IMPERSONATION);
	write_map("root@SSPI.TEST root\n", 0644);
	ck_status(impersonate_as("Kerberos", "root", "SSPI.TEST", "Root-Pass-3", &euid), SEC_E_OK);
	unsetenv("SSPI_GSS_ACCOUNT_MAP");
}
END_TEST

/* Kerberos principals in the map are compared exactly, in their escaped
 * syntax: ALICE@SSPI.TEST (principals are case-sensitive) is not the
 * line written for alice@SSPI.TEST, and the one-component principal
 * alice\/admin (which displays as alice/admin) is not the line written for
 * the two-component alice/admin; DOMAIN\user names compare without regard
 * to case, as Windows' account names. */
START_TEST(map_compares_principals_exactly)
{
	static const char *const add[][2] = {{"ALICE", "Upper-Pass-1"},
					     {"alice\\/admin", "Slash-Pass-1"}};
	char cmd[1000];
	uid_t euid;

	for (size_t i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "kadmin.heimdal -l -c %s/krb5.conf add --password=%s --use-defaults "
			 "'%s' >/dev/null 2>&1 || kadmin.heimdal -l -c %s/krb5.conf cpw "
			 "--password=%s '%s'",
			 realm.dir, add[i][1], add[i][0], realm.dir, add[i][1], add[i][0]);
		ck_assert_int_eq(system(cmd), 0);
	}
	write_map("alice@SSPI.TEST alice\nalice/admin@SSPI.TEST root\n", 0644);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, ALICE_UID);
	ck_status(impersonate_as("Kerberos", "ALICE", "SSPI.TEST", "Upper-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	ck_assert_uint_eq(euid, 0);
	/* alice\/admin logs on from a ticket cache (an identity's user name
	 * has no escapes); NAMES is its escaped principal. */
	{
		char cc[400], pwfile[400], old_cc[400];
		const char *was = getenv("KRB5CCNAME");
		SecPkgContext_NamesA names;
		struct loop o = {.target = "HTTP/localhost", .isc_req = NEGO_REQ};
		struct pair p;
		TimeStamp exp;
		FILE *f;

		snprintf(old_cc, sizeof(old_cc), "%s", was != NULL ? was : "");
		snprintf(cc, sizeof(cc), "FILE:%s/slash.cc", dir);
		snprintf(pwfile, sizeof(pwfile), "%s/slash.pw", dir);
		f = fopen(pwfile, "w");
		ck_assert_ptr_nonnull(f);
		fputs("Slash-Pass-1\n", f);
		ck_assert_int_eq(fclose(f), 0);
		snprintf(cmd, sizeof(cmd),
			 "KRB5CCNAME=%s kinit.heimdal --password-file=%s 'alice\\/admin@SSPI.TEST'", cc,
			 pwfile);
		ck_assert_int_eq(system(cmd), 0);
		setenv("KRB5CCNAME", cc, 1);
		memset(&p, 0, sizeof(p));
		ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL,
						    NULL, NULL, &p.ccred, &exp),
			  SEC_E_OK);
		ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL,
						    NULL, NULL, &p.scred, &exp),
			  SEC_E_OK);
		ck_status(handshake_loop(&o, &p.ccred, &p.scred, &p.cctx, &p.sctx, &p.cattrs,
					 &p.sattrs),
			  SEC_E_OK);
		ck_status(QueryContextAttributesA(&p.sctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
		ck_assert_str_eq(names.sUserName, "alice\\/admin@SSPI.TEST");
		FreeContextBuffer(names.sUserName);
		ck_status(ImpersonateSecurityContext(&p.sctx), SEC_E_NO_IMPERSONATION);
		ck_assert_uint_eq(geteuid(), 0);
		down(&p);
		if (old_cc[0] != '\0')
			setenv("KRB5CCNAME", old_cc, 1);
		else
			unsetenv("KRB5CCNAME");
	}
	/* NTLM: DOMAIN\user in any case. */
	use_users("SSPI.TEST:alice:Alice-Pass-1\n");
	write_map("sspi.test\\ALICE alice\n", 0644);
	ck_status(impersonate_as("NTLM", "alice", "SSPI.TEST", "Alice-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, ALICE_UID);
	use_users(NULL);
	unsetenv("SSPI_GSS_ACCOUNT_MAP");
}
END_TEST

/* Accounts that no rule but a map line naming the client reaches: one in
 * group 0, and none at all for uid or gid -1 (4294967295: "unchanged" to
 * setresuid, which would leave the thread root). */
START_TEST(accounts_out_of_reach)
{
	uid_t euid;

	use_users(":sgtest-gzero:Gzero-Pass-1\n:sgtest-minus:Minus-Pass-1\n");
	ck_status(impersonate_as("NTLM", "sgtest-gzero", "", "Gzero-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	ck_assert_uint_eq(euid, 0);
	ck_status(impersonate_as("NTLM", "sgtest-minus", "", "Minus-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	ck_assert_uint_eq(euid, 0);
	/* Named in the map: group 0 is reached, uid -1 never. */
	write_map("*\\sgtest-minus sgtest-minus\n", 0644);
	unsetenv("SSPI_GSS_ACCOUNT_MAP");
	use_users(NULL);
}
END_TEST

/* SSPI_GSS_ACCOUNT_MAP is the whole policy: a client it does not name maps
 * to nobody, unless a '*' line says what the others are. */
START_TEST(map_is_the_policy)
{
	char target[400], link[400];
	uid_t euid;

	write_map("# only alice\nalice@SSPI.TEST alice\n", 0644);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, ALICE_UID);
	ck_status(impersonate_as("Kerberos", "bob", "SSPI.TEST", "Bob-Pass-2", &euid),
		  SEC_E_NO_IMPERSONATION);
	write_map("alice@SSPI.TEST alice\n*   :package\n", 0644);
	ck_status(impersonate_as("Kerberos", "bob", "SSPI.TEST", "Bob-Pass-2", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, BOB_UID);
	/* Every other client to one account, though never below the floor. */
	write_map("* bob\n", 0644);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, BOB_UID);
	write_map("* sgtest-sys\n", 0644);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	write_map("alice@SSPI.TEST sgtest-sys\n", 0644);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid), SEC_E_OK);
	ck_assert_uint_eq(euid, SYS_UID);
	/* A map others could have written maps nobody. */
	write_map("alice@SSPI.TEST alice\n", 0666);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	write_map("alice@SSPI.TEST alice\n", 0644);
	snprintf(target, sizeof(target), "%s/accounts", dir);
	ck_assert_int_eq(chown(target, ALICE_UID, ALICE_UID), 0);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	/* ... as does one reached by a link in a directory anyone may write. */
	ck_assert_int_eq(chown(target, 0, 0), 0);
	snprintf(link, sizeof(link), "/tmp/sgtest-map-%ld", (long)getpid());
	unlink(link);
	ck_assert_int_eq(symlink(target, link), 0);
	setenv("SSPI_GSS_ACCOUNT_MAP", link, 1);
	ck_status(impersonate_as("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &euid),
		  SEC_E_NO_IMPERSONATION);
	unlink(link);
	unsetenv("SSPI_GSS_ACCOUNT_MAP");
}
END_TEST

/* Impersonating again, and asking for a token, while the thread is the
 * previous client: the map (root's, 0600) is read as the thread itself. */
START_TEST(reimpersonation_reads_the_map_as_itself)
{
	PSSPI_GSS_TOKEN_INFORMATION info;
	HANDLE token = NULL;
	struct pair a, b;

	write_map("alice@SSPI.TEST alice\nbob@SSPI.TEST bob\n", 0600);
	serve(&a, "Kerberos", "alice", "Alice-Pass-1", "HTTP/localhost", 0);
	serve(&b, "Kerberos", "bob", "Bob-Pass-2", "HTTP/localhost", 0);
	ck_status(ImpersonateSecurityContext(&a.sctx), SEC_E_OK);
	ck_is_alice();
	ck_status(ImpersonateSecurityContext(&b.sctx), SEC_E_OK);
	ck_assert_uint_eq(geteuid(), BOB_UID);
	ck_status(QuerySecurityContextToken(&a.sctx, &token), SEC_E_OK);
	ck_assert_uint_eq(geteuid(), BOB_UID);
	ck_status(SspiGssGetTokenInformation(token, &info), SEC_E_OK);
	ck_assert_str_eq(info->UserName, "alice");
	FreeContextBuffer(info);
	ck_status(SspiGssCloseToken(token), SEC_E_OK);
	ck_status(RevertSecurityContext(&b.sctx), SEC_E_OK);
	ck_is_self();
	unsetenv("SSPI_GSS_ACCOUNT_MAP");
	down(&b);
	down(&a);
}
END_TEST

/* What a child started while impersonating is: ids from /proc (Uid, Gid:
 * real, effective, saved, file system; Groups; CapPrm, CapEff, CapAmb). */
static int status_line(const char *text, const char *key, char *out, size_t size)
{
	const char *at = strstr(text, key);
	size_t n;

	if (at == NULL)
		return -1;
	at += strlen(key);
	at += strspn(at, " \t");
	n = strcspn(at, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, at, n);
	out[n] = '\0';
	return 0;
}

static void ck_child_is_alice(const char *status, const char *who)
{
	char v[256];

	ck_assert_msg(status_line(status, "\nUid:", v, sizeof(v)) == 0, "%s: no Uid", who);
	ck_assert_msg(strcmp(v, "4201\t4201\t4201\t4201") == 0, "%s: Uid %s", who, v);
	ck_assert(status_line(status, "\nGid:", v, sizeof(v)) == 0);
	ck_assert_msg(strcmp(v, "4201\t4201\t4201\t4201") == 0, "%s: Gid %s", who, v);
	ck_assert(status_line(status, "\nGroups:", v, sizeof(v)) == 0);
	ck_assert_msg(strstr(v, "4300") != NULL && strstr(v, "0 ") != v, "%s: Groups %s", who, v);
	ck_assert(status_line(status, "\nCapPrm:", v, sizeof(v)) == 0);
	ck_assert_msg(strcmp(v, "0000000000000000") == 0, "%s: CapPrm %s", who, v);
	ck_assert(status_line(status, "\nCapEff:", v, sizeof(v)) == 0);
	ck_assert_msg(strcmp(v, "0000000000000000") == 0, "%s: CapEff %s", who, v);
}

START_TEST(children_are_the_client)
{
	char buf[8192];
	struct pair p;
	int fds[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	FILE *f;

	serve(&p, "Kerberos", "alice", "Alice-Pass-1", "HTTP/localhost", 0);
	ck_status(ImpersonateSecurityContext(&p.sctx), SEC_E_OK);

	/* fork: the child is alice wholly and cannot get back to root. Not
	 * under ThreadSanitizer, whose runtime does not support a child of a
	 * threaded process running on after fork (it kills the child; the
	 * other builds run this part). */
#if defined(__SANITIZE_THREAD__)
	if (1) {
		pid = -1;
		goto after_fork;
	}
#endif
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open("/proc/self/status", O_RDONLY), bad = 0;
		char st[8192];
		ssize_t len;

		close(fds[0]);
		len = fd >= 0 ? read(fd, st, sizeof(st)) : -1;
		if (len > 0 && write(fds[1], st, (size_t)len) != len)
			bad |= 1;
		close(fds[1]);
		if (setuid(0) == 0 || seteuid(0) == 0 || setresuid(-1, 0, -1) == 0 ||
		    setgid(0) == 0 || can_read(root_file))
			bad |= 2;
		/* Reverting in the child changes nothing: it is alice. */
		if (RevertSecurityContext(&p.sctx) != SEC_E_OK || getuid() != ALICE_UID ||
		    geteuid() != ALICE_UID)
			bad |= 4;
		_exit(bad);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "the forked child: %d", WEXITSTATUS(status));
	ck_child_is_alice(buf, "fork");
#if defined(__SANITIZE_THREAD__)
after_fork:
#endif
	ck_is_alice();

	/* popen and system run no fork handlers (posix_spawn): a program
	 * started from this thread is alice all the same, and dash, which
	 * sets its effective uid to the real one, stays alice. */
	f = popen("id -u; id -ru; cat /proc/self/status", "r");
	ck_assert_ptr_nonnull(f);
	got = fread(buf, 1, sizeof(buf) - 1, f);
	buf[got] = '\0';
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_msg(strncmp(buf, "4201\n4201\n", 10) == 0, "sh -c id: %.20s", buf);
	ck_child_is_alice(buf, "popen");
	ck_assert_int_ne(system("exec setpriv --reuid=0 true 2>/dev/null"), 0);
	ck_is_alice();

	ck_status(RevertSecurityContext(&p.sctx), SEC_E_OK);
	ck_is_self();
	/* Reverted: a child is the server again. */
	f = popen("id -u", "r");
	ck_assert_ptr_nonnull(f);
	got = fread(buf, 1, sizeof(buf) - 1, f);
	buf[got] = '\0';
	pclose(f);
	ck_assert_str_eq(buf, "0\n");
	down(&p);
}
END_TEST

START_TEST(negotiate_client)
{
	impersonate_client_of("Negotiate", "alice");
}
END_TEST

/* Server A authenticates the client, impersonates it and reaches server B
 * (host/localhost) with AcquireCredentialsHandle(NULL, OUTBOUND). */
static void three_tier(const char *package, ULONG delegate, const char *b_sees)
{
	CredHandle a_out, b_in;
	CtxtHandle a_ctx, b_ctx;
	ULONG a_attrs, b_attrs;
	struct loop o = {.target = "host/localhost", .isc_req = NEGO_REQ};
	SecPkgCredentials_NamesA cn;
	SecPkgContext_NamesA names;
	TimeStamp exp;
	struct pair p;

	serve(&p, package, "alice", "Alice-Pass-1", "HTTP/localhost", delegate);
	ck_assert_uint_eq(p.cattrs & ISC_RET_DELEGATE, delegate ? ISC_RET_DELEGATE : 0);
	ck_assert_uint_eq(p.sattrs & ASC_RET_DELEGATE, delegate ? ASC_RET_DELEGATE : 0);
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, &b_in, &exp),
		  SEC_E_OK);

	ck_status(ImpersonateSecurityContext(&p.sctx), SEC_E_OK);
	ck_is_alice();
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL,
					    NULL, NULL, NULL, &a_out, &exp),
		  SEC_E_OK);
	ck_status(QueryCredentialsAttributesA(&a_out, SECPKG_CRED_ATTR_NAMES, &cn), SEC_E_OK);
	ck_assert_str_eq(cn.sUserName, b_sees);
	FreeContextBuffer(cn.sUserName);
	/* Both legs run on this impersonating thread: the package reads the
	 * root-only ticket cache and keytab with the process's ids. */
	ck_status(handshake_loop(&o, &a_out, &b_in, &a_ctx, &b_ctx, &a_attrs, &b_attrs), SEC_E_OK);
	ck_is_alice();
	ck_status(RevertSecurityContext(&p.sctx), SEC_E_OK);
	ck_is_self();

	ck_status(QueryContextAttributesA(&b_ctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, b_sees);
	FreeContextBuffer(names.sUserName);
	seal_and_open(&a_ctx, &b_ctx, 0);
	DeleteSecurityContext(&a_ctx);
	DeleteSecurityContext(&b_ctx);
	FreeCredentialsHandle(&b_in);
	/* The delegated credential outlives the context it came with. */
	down(&p);
	FreeCredentialsHandle(&a_out);
}

START_TEST(delegation_kerberos)
{
	three_tier("Kerberos", ISC_REQ_DELEGATE, "alice@SSPI.TEST");
}
END_TEST

START_TEST(delegation_negotiate)
{
	three_tier("Negotiate", ISC_REQ_DELEGATE, "alice@SSPI.TEST");
}
END_TEST

START_TEST(no_delegation_is_the_server)
{
	/* Server A's own tickets, in a FILE cache only root may read. */
	char cc[400], cmd[1200];

	snprintf(cc, sizeof(cc), "FILE:%s/server-a.cc", dir);
	snprintf(cmd, sizeof(cmd),
		 "KRB5CCNAME=%s kinit.heimdal --keytab=%s/service.keytab HTTP/localhost@SSPI.TEST", cc,
		 realm.dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(chmod(cc + 5, 0600), 0);
	setenv("KRB5CCNAME", cc, 1);
	three_tier("Kerberos", 0, "HTTP/localhost@SSPI.TEST");
	three_tier("Negotiate", 0, "HTTP/localhost@SSPI.TEST");
	/* While impersonating, alice could not have read it herself. */
	{
		struct pair p;

		serve(&p, "Kerberos", "alice", "Alice-Pass-1", "HTTP/localhost", 0);
		ck_status(ImpersonateSecurityContext(&p.sctx), SEC_E_OK);
		ck_assert(!can_read(cc + 5));
		ck_status(RevertSecurityContext(&p.sctx), SEC_E_OK);
		down(&p);
	}
	setenv("KRB5CCNAME", "MEMORY:sspi-gss-tests", 1);
}
END_TEST

static void *impersonate_and_exit(void *arg)
{
	CtxtHandle *h = arg;

	if (ImpersonateSecurityContext(h) != SEC_E_OK || geteuid() != ALICE_UID)
		return (void *)1;
	return NULL; /* ends while impersonating */
}

START_TEST(rules)
{
	struct pair a, b;
	CtxtHandle stale;
	pthread_t t;
	void *rc;

	serve(&a, "Kerberos", "alice", "Alice-Pass-1", "HTTP/localhost", 0);
	serve(&b, "Kerberos", "bob", "Bob-Pass-2", "HTTP/localhost", 0);
	/* Again on the same thread: the new client; revert: the thread. */
	ck_status(ImpersonateSecurityContext(&a.sctx), SEC_E_OK);
	ck_status(ImpersonateSecurityContext(&b.sctx), SEC_E_OK);
	ck_assert_uint_eq(geteuid(), BOB_UID);
	ck_assert(!in_groups(STAFF_GID));
	ck_status(RevertSecurityContext(&a.sctx), SEC_E_OK);
	ck_is_self();
	/* Not impersonating: revert is harmless. */
	ck_status(RevertSecurityContext(&a.sctx), SEC_E_OK);
	ck_is_self();

	/* A thread that ends while impersonating takes its ids with it. */
	ck_assert_int_eq(pthread_create(&t, NULL, impersonate_and_exit, &a.sctx), 0);
	pthread_join(t, &rc);
	ck_assert_ptr_null(rc);
	ck_is_self();

	/* DeleteSecurityContext does not end the impersonation; revert
	 * still takes the deleted handle, once. */
	ck_status(ImpersonateSecurityContext(&b.sctx), SEC_E_OK);
	stale = b.sctx;
	ck_status(DeleteSecurityContext(&b.sctx), SEC_E_OK);
	ck_assert_uint_eq(geteuid(), BOB_UID);
	ck_status(RevertSecurityContext(&stale), SEC_E_OK);
	ck_is_self();
	ck_status(RevertSecurityContext(&stale), SEC_E_INVALID_HANDLE);
	ck_status(ImpersonateSecurityContext(&stale), SEC_E_INVALID_HANDLE);
	SecInvalidateHandle(&b.sctx);
	down(&b);

	/* The account map: alice's principal is bob here, or nobody. */
	{
		char map[400];
		FILE *f;

		snprintf(map, sizeof(map), "%s/accounts", dir);
		f = fopen(map, "w");
		ck_assert_ptr_nonnull(f);
		/* A principal is named exactly (principals are case-sensitive). */
		fputs("# client  local\nALICE@sspi.test   bob\n", f);
		fclose(f);
		setenv("SSPI_GSS_ACCOUNT_MAP", map, 1);
		ck_status(ImpersonateSecurityContext(&a.sctx), SEC_E_NO_IMPERSONATION);
		ck_is_self();
		f = fopen(map, "w");
		fputs("# client  local\nalice@SSPI.TEST   bob\n", f);
		fclose(f);
		ck_status(ImpersonateSecurityContext(&a.sctx), SEC_E_OK);
		ck_assert_uint_eq(geteuid(), BOB_UID);
		ck_status(RevertSecurityContext(&a.sctx), SEC_E_OK);
		f = fopen(map, "w");
		fputs("alice@SSPI.TEST no-such-account-here\n", f);
		fclose(f);
		ck_status(ImpersonateSecurityContext(&a.sctx), SEC_E_NO_IMPERSONATION);
		ck_is_self();
		unlink(map);
		ck_status(ImpersonateSecurityContext(&a.sctx), SEC_E_NO_IMPERSONATION);
		ck_is_self();
		unsetenv("SSPI_GSS_ACCOUNT_MAP");
	}
	down(&a);
}
END_TEST

/* The unprivileged server: alice is refused, its own account is not. */
START_TEST(unprivileged)
{
	struct pair a, b;
	pid_t pid;
	int status;

	serve(&a, "Negotiate", "alice", "Alice-Pass-1", "HTTP/localhost", 0);
	serve(&b, "Kerberos", "bob", "Bob-Pass-2", "HTTP/localhost", 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		gid_t none = BOB_UID;
		int bad = 0;

		if (setgroups(1, &none) != 0 || setresgid(BOB_UID, BOB_UID, BOB_UID) != 0 ||
		    setresuid(BOB_UID, BOB_UID, BOB_UID) != 0)
			_exit(10);
		if (ImpersonateSecurityContext(&a.sctx) != SEC_E_NO_IMPERSONATION)
			bad |= 1;
		if (geteuid() != BOB_UID || getegid() != BOB_UID)
			bad |= 2;
		if (ImpersonateSecurityContext(&b.sctx) != SEC_E_OK || geteuid() != BOB_UID)
			bad |= 4;
		if (RevertSecurityContext(&b.sctx) != SEC_E_OK || geteuid() != BOB_UID)
			bad |= 8;
		_exit(bad);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	down(&a);
	down(&b);
}
END_TEST

START_TEST(access_token)
{
	PSSPI_GSS_TOKEN_INFORMATION info;
	HANDLE token = NULL;
	struct pair p;
	int staff = 0;

	serve(&p, "Negotiate", "alice", "Alice-Pass-1", "HTTP/localhost", ISC_REQ_DELEGATE);
	ck_status(QuerySecurityContextToken(&p.sctx, &token), SEC_E_OK);
	ck_assert_ptr_nonnull(token);
	ck_status(QuerySecurityContextToken(&p.sctx, NULL), SEC_E_INVALID_PARAMETER);
	ck_status(QuerySecurityContextToken(&p.cctx, &token), SEC_E_NO_IMPERSONATION);
	/* The token lives on without the context. */
	ck_status(DeleteSecurityContext(&p.sctx), SEC_E_OK);
	SecInvalidateHandle(&p.sctx);
	ck_status(SspiGssGetTokenInformation(token, &info), SEC_E_OK);
	ck_assert_str_eq(info->UserName, "alice");
	ck_assert_str_eq(info->ClientName, "alice@SSPI.TEST");
	ck_assert_str_eq(info->Package, "Kerberos");
	ck_assert_uint_eq(info->Uid, ALICE_UID);
	ck_assert_uint_eq(info->Gid, ALICE_UID);
	ck_assert_uint_eq(info->Delegated, 1);
	for (unsigned i = 0; i < info->GroupCount; i++)
		staff |= info->Groups[i] == STAFF_GID;
	ck_assert(staff);
	ck_status(FreeContextBuffer(info), SEC_E_OK);
	ck_status(SspiGssGetTokenInformation(token, NULL), SEC_E_INVALID_PARAMETER);
	ck_status(SspiGssCloseToken(token), SEC_E_OK);
	ck_status(SspiGssCloseToken(token), SEC_E_INVALID_HANDLE);
	ck_status(SspiGssGetTokenInformation(token, &info), SEC_E_INVALID_HANDLE);
	down(&p);
}
END_TEST

/* Needs no accounts: handles, contexts that are not a server's or not
 * finished, tokens that are not tokens. */
START_TEST(misuse)
{
	CtxtHandle bogus = {12345, 67890}, sctx;
	CredHandle ccred, scred;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, ib;
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};
	PSSPI_GSS_TOKEN_INFORMATION info;
	ULONG attrs;
	TimeStamp exp;
	CtxtHandle cctx;
	char junk[16];
	HANDLE token;

	ck_status(ImpersonateSecurityContext(NULL), SEC_E_INVALID_HANDLE);
	ck_status(RevertSecurityContext(NULL), SEC_E_INVALID_HANDLE);
	ck_status(QuerySecurityContextToken(NULL, &token), SEC_E_INVALID_HANDLE);
	ck_status(ImpersonateSecurityContext(&bogus), SEC_E_INVALID_HANDLE);
	ck_status(RevertSecurityContext(&bogus), SEC_E_INVALID_HANDLE);
	ck_status(QuerySecurityContextToken(&bogus, &token), SEC_E_INVALID_HANDLE);
	ck_status(SspiGssCloseToken(NULL), SEC_E_INVALID_HANDLE);
	ck_status(SspiGssCloseToken(junk), SEC_E_INVALID_HANDLE);
	ck_status(SspiGssGetTokenInformation(junk, &info), SEC_E_INVALID_HANDLE);

	/* A server context halfway (NTLM, after the NEGOTIATE message). */
	ck_status(acquire_identity("NTLM", "alice", "SSPI.TEST", "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
					    &scred, &exp),
		  SEC_E_OK);
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", ISC_REQ_ALLOCATE_MEMORY,
					     0, 0, NULL, 0, &cctx, &out, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	ib = ob;
	ob = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(AcceptSecurityContext(&scred, NULL, &in, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &out,
					&attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	ck_status(ImpersonateSecurityContext(&sctx), SEC_E_INVALID_HANDLE);
	ck_status(QuerySecurityContextToken(&sctx, &token), SEC_E_INVALID_HANDLE);
	/* A client's context: nobody to impersonate; halfway, no one yet. */
	ck_status(ImpersonateSecurityContext(&cctx), SEC_E_INVALID_HANDLE);
	FreeContextBuffer(ib.pvBuffer);
	FreeContextBuffer(ob.pvBuffer);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* ---------------------------------------------------------------- setup */

/* Does the passwd or group line `line` name an entry of `extra` (the same
 * name, or the same id: the third field)? */
static int clashes(const char *line, const char *extra)
{
	const char *name_end = strchr(line, ':'), *id;

	if (name_end == NULL || (id = strchr(name_end + 1, ':')) == NULL)
		return 0;
	id++;
	for (const char *e = extra; *e != '\0';) {
		const char *e_name_end = strchr(e, ':'), *e_id, *next = strchr(e, '\n');

		if (e_name_end == NULL || next == NULL)
			break;
		e_id = strchr(e_name_end + 1, ':') + 1;
		if ((size_t)(name_end - line) == (size_t)(e_name_end - e) &&
		    strncmp(line, e, (size_t)(name_end - line)) == 0)
			return 1;
		if (strcspn(id, ":") == strcspn(e_id, ":") && strncmp(id, e_id, strcspn(id, ":")) == 0)
			return 1;
		e = next + 1;
	}
	return 0;
}

/* A copy of an account file with the test's entries; the machine's own
 * entries of those names or ids are left out, so a local user alice (or
 * uid 4201) cannot take the tests' place. */
static int copy_with(const char *from, const char *to, const char *extra)
{
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	char line[4096];

	if (in == NULL || out == NULL)
		return -1;
	while (fgets(line, sizeof(line), in) != NULL)
		if (!clashes(line, extra))
			fputs(line, out);
	fputs(extra, out);
	fclose(in);
	return fclose(out);
}

/* The accounts, visible to this process only. */
static int private_accounts(void)
{
	char passwd[300], group[300];
	int fd;

	if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	snprintf(passwd, sizeof(passwd), "%s/passwd", dir);
	snprintf(group, sizeof(group), "%s/group", dir);
	if (copy_with("/etc/passwd", passwd,
		      "alice:x:4201:4201:alice:/nonexistent:/bin/false\n"
		      "bob:x:4202:4202:bob:/nonexistent:/bin/false\n"
		      "sgtest-sys:x:500:500:sgtest-sys:/nonexistent:/bin/false\n"
		      "sgtest-gzero:x:5000:0:sgtest-gzero:/nonexistent:/bin/false\n"
		      "sgtest-minus:x:4294967295:5001:sgtest-minus:/nonexistent:/bin/false\n") !=
		    0 ||
	    copy_with("/etc/group", group,
		      "alice:x:4201:\nbob:x:4202:\nsspi-staff:x:4300:alice\n") != 0 ||
	    chmod(passwd, 0644) != 0 || chmod(group, 0644) != 0 ||
	    mount(passwd, "/etc/passwd", "none", MS_BIND, NULL) != 0 ||
	    mount(group, "/etc/group", "none", MS_BIND, NULL) != 0)
		return -1;
	/* A file only alice may read, and one only root may. */
	snprintf(alice_file, sizeof(alice_file), "%s/alice-only", dir);
	snprintf(root_file, sizeof(root_file), "%s/root-only", dir);
	fd = open(alice_file, O_WRONLY | O_CREAT | O_TRUNC, 0400);
	if (fd < 0 || write(fd, "alice's\n", 8) != 8 || fchown(fd, ALICE_UID, ALICE_UID) != 0)
		return -1;
	close(fd);
	fd = open(root_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	/* The directory must let alice through to her file. */
	return chmod(dir, 0711);
}

static Suite *impersonation_suite(int accounts)
{
	Suite *s = suite_create("impersonation");
	TCase *tc = tcase_create("impersonation");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, NULL, back_to_self);
	tcase_add_test(tc, misuse);
	if (accounts) {
		tcase_add_test(tc, kerberos_client);
		tcase_add_test(tc, ntlm_client);
		tcase_add_test(tc, negotiate_client);
		tcase_add_test(tc, delegation_kerberos);
		tcase_add_test(tc, delegation_negotiate);
		tcase_add_test(tc, no_delegation_is_the_server);
		tcase_add_test(tc, rules);
		tcase_add_test(tc, unprivileged);
		tcase_add_test(tc, access_token);
		tcase_add_test(tc, other_domains_are_not_local_accounts);
		tcase_add_test(tc, kerberos_root_is_not_root);
		tcase_add_test(tc, map_is_the_policy);
		tcase_add_test(tc, map_compares_principals_exactly);
		tcase_add_test(tc, accounts_out_of_reach);
		tcase_add_test(tc, reimpersonation_reads_the_map_as_itself);
		tcase_add_test(tc, children_are_the_client);
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int accounts, rc;
	char cmd[400];

	if (mkdtemp(dir) == NULL)
		return EXIT_FAILURE;
	accounts = private_accounts() == 0;
	if (!accounts)
		printf("impersonation: SKIPPED the cases with local accounts "
		       "(they need root and a private mount namespace)\n");
	fflush(stdout); /* before the realm's KDC is forked */
	rc = run_with_realm_and_alice(&realm, impersonation_suite(accounts));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = EXIT_FAILURE;
	return rc;
}
