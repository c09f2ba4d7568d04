/*
 * test_keytab_mirror.c - an acceptor's keys from a FILE keytab, kept in
 * memory (sspi-gss/kerberos/keytab_mirror.c): no reads of the file per
 * handshake, yet a key rotated into the file, a file removed and a file
 * put back are each seen by the next context, on the same credential.
 *
 * File opens are counted with inotify on the keytab's directory; the same
 * count with SSPI_GSS_KEYTAB_MIRROR=0 (Heimdal reading the file itself)
 * shows the counter sees what it should. Where the two modes must agree
 * (no keytab), both run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>

#include "kerberos_util.h"

static struct realm realm;

static void server_cred(const char *package, int mirror, CredHandle *s)
{
	TimeStamp exp;

	if (!mirror)
		setenv("SSPI_GSS_KEYTAB_MIRROR", "0", 1);
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, s, &exp),
		  SEC_E_OK);
	unsetenv("SSPI_GSS_KEYTAB_MIRROR");
}

/* One handshake of client credential c with s. */
static SECURITY_STATUS with(CredHandle *c, CredHandle *s)
{
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	struct loop o = {"HTTP/localhost", REQ, ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONFIDENTIALITY |
		ASC_REQ_INTEGRITY | ASC_REQ_ALLOCATE_MEMORY, NULL, NULL, 0, 0};
	SECURITY_STATUS st = handshake_loop(&o, c, s, &cctx, &sctx, &ca, &sa);

	if (st == SEC_E_OK) {
		seal_and_open(&cctx, &sctx, 0);
		DeleteSecurityContext(&cctx);
		DeleteSecurityContext(&sctx);
	}
	return st;
}

/* One handshake with a new client credential (a new service ticket, so
 * one made with the KDC's current key). */
static SECURITY_STATUS one(const char *package, CredHandle *s)
{
	CredHandle c;
	SECURITY_STATUS st;

	ck_status(acquire_identity(package, "alice", "SSPI.TEST", "Alice-Pass-1", &c), SEC_E_OK);
	st = with(&c, s);
	FreeCredentialsHandle(&c);
	return st;
}

static int watch_start(void)
{
	return opens_watch_start(realm.dir);
}

static int watch_count(int fd)
{
	return opens_watch_count(fd, "service.keytab");
}

/* Until the keytab's times are over a second old: a copy of a file
 * written just before is taken again at each context until then
 * (file_stamp.h, sg_file_stamp_racy). */
static void keytab_settled(void)
{
	char path[600];
	struct stat st;
	struct timespec now;

	snprintf(path, sizeof(path), "%s/service.keytab", realm.dir);
	for (;;) {
		ck_assert_int_eq(stat(path, &st), 0);
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec - st.st_mtim.tv_sec > 2 && now.tv_sec - st.st_ctim.tv_sec > 2)
			return;
		usleep(100000);
	}
}

/* 10 handshakes on one server credential, after a first: opens of the
 * keytab. */
static int opens_per_10(const char *package, int mirror)
{
	CredHandle c, s;
	int fd, n;

	if (mirror)
		keytab_settled();
	server_cred(package, mirror, &s);
	ck_status(acquire_identity(package, "alice", "SSPI.TEST", "Alice-Pass-1", &c), SEC_E_OK);
	ck_status(with(&c, &s), SEC_E_OK); /* fetches the service ticket */
	fd = watch_start();
	for (int i = 0; i < 10; i++)
		ck_status(with(&c, &s), SEC_E_OK);
	n = watch_count(fd);
	close(fd);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
	return n;
}

START_TEST(no_reads_per_handshake)
{
	const char *package = _i == 0 ? "Kerberos" : "Negotiate";
	int heimdal = opens_per_10(package, 0), mirrored = opens_per_10(package, 1);

	fprintf(stderr, "%s: keytab opened %d times in 10 handshakes by Heimdal, %d mirrored\n",
		package, heimdal, mirrored);
	ck_assert_int_ge(heimdal, 10);
	ck_assert_int_eq(mirrored, 0);
}
END_TEST

/* A copy of a keytab written less than a second before it is not
 * trusted: a second write within the same tick of the file's times would
 * leave the stamp as it was (file_stamp.h, sg_file_stamp_racy). So the next
 * contexts read the file again, until its times are older; then no more. */
START_TEST(fresh_keytab_read_again)
{
	char path[600];
	CredHandle c, s;
	int fd, fresh, settled;

	snprintf(path, sizeof(path), "%s/service.keytab", realm.dir);
	keytab_settled();
	/* Its modification time three seconds ahead, so that the copy the
	 * credential takes is too close to it however slow the machine is
	 * (valgrind); the change time becomes now. */
	{
		struct timespec t[2];

		clock_gettime(CLOCK_REALTIME, &t[0]);
		t[1] = t[0];
		t[1].tv_sec += 3;
		ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
	}
	server_cred("Kerberos", 1, &s);
	ck_status(acquire_identity("Kerberos", "alice", "SSPI.TEST", "Alice-Pass-1", &c), SEC_E_OK);
	fd = watch_start();
	ck_status(with(&c, &s), SEC_E_OK);
	fresh = watch_count(fd);
	keytab_settled();
	ck_status(with(&c, &s), SEC_E_OK); /* the last copy, of a fresh file */
	(void)watch_count(fd);
	ck_status(with(&c, &s), SEC_E_OK);
	ck_status(with(&c, &s), SEC_E_OK);
	settled = watch_count(fd);
	close(fd);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
	fprintf(stderr, "fresh keytab: read %d times by a context, settled: %d in two\n", fresh,
		settled);
	ck_assert_int_ge(fresh, 1);
	ck_assert_int_eq(settled, 0);
}
END_TEST

static void kadmin(const char *args)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "kadmin -l -c '%s/krb5.conf' %s >/dev/null", realm.dir, args);
	ck_assert_int_eq(system(cmd), 0);
}

static void keytab_path(char *buf, size_t len, const char *suffix)
{
	snprintf(buf, len, "%s/service.keytab%s", realm.dir, suffix);
}

/* The service's key changes in the KDC and in a new keytab renamed over
 * the old one, as a key rotation does: the credential acquired before
 * accepts tickets under the new key. */
START_TEST(key_rotation_seen)
{
	const char *package = _i == 0 ? "Kerberos" : "Negotiate";
	char path[600], fresh[600], args[1024];
	CredHandle s;

	server_cred(package, 1, &s);
	ck_status(one(package, &s), SEC_E_OK);
	keytab_path(path, sizeof(path), "");
	keytab_path(fresh, sizeof(fresh), ".new");
	kadmin("cpw --random-key HTTP/localhost");
	unlink(fresh);
	snprintf(args, sizeof(args),
		 "ext_keytab -k '%s' HTTP/localhost host/localhost HTTP/localhost:8080", fresh);
	kadmin(args);
	ck_assert_int_eq(rename(fresh, path), 0);
	ck_status(one(package, &s), SEC_E_OK);
	FreeCredentialsHandle(&s);
}
END_TEST

/* No keytab: the next context fails as it does with Heimdal reading the
 * file; the keytab back: it succeeds again, on the same credential. */
START_TEST(keytab_removed_and_back)
{
	char path[600], away[600];
	CredHandle heimdal, mirrored;
	SECURITY_STATUS h, m;

	keytab_path(path, sizeof(path), "");
	keytab_path(away, sizeof(away), ".away");
	server_cred("Kerberos", 0, &heimdal);
	server_cred("Kerberos", 1, &mirrored);
	ck_status(one("Kerberos", &mirrored), SEC_E_OK);
	ck_assert_int_eq(rename(path, away), 0);
	h = one("Kerberos", &heimdal);
	m = one("Kerberos", &mirrored);
	ck_assert_int_eq(rename(away, path), 0);
	ck_assert_msg(h != SEC_E_OK, "Heimdal accepted without a keytab");
	ck_assert_msg(m == h, "without a keytab: mirrored %s, Heimdal %s", SspiGssStatusName(m),
		      SspiGssStatusName(h));
	ck_status(one("Kerberos", &mirrored), SEC_E_OK);
	ck_status(one("Kerberos", &heimdal), SEC_E_OK);
	FreeCredentialsHandle(&heimdal);
	FreeCredentialsHandle(&mirrored);
}
END_TEST

/* An application that restricted Heimdal's default acceptor to
 * a keytab of its own (gsskrb5_register_acceptor_identity) gets a
 * credential that accepts only that keytab's principals; the mirror must
 * not widen it to KRB5_KTNAME's keys. Here the registered keytab holds
 * host/localhost alone, KRB5_KTNAME also HTTP/localhost: a ticket for
 * HTTP/localhost must be refused in both modes. */
START_TEST(registered_acceptor_identity_kept)
{
	char only_host[600], args[1024];
	CredHandle heimdal, mirrored;
	SECURITY_STATUS h, m;
	OM_uint32 major;

	keytab_path(only_host, sizeof(only_host), ".host-only");
	unlink(only_host);
	snprintf(args, sizeof(args), "ext_keytab -k '%s' host/localhost", only_host);
	kadmin(args);
	major = gsskrb5_register_acceptor_identity(only_host);
	ck_assert_int_eq(major, GSS_S_COMPLETE);
	server_cred("Kerberos", 0, &heimdal);
	server_cred("Kerberos", 1, &mirrored);
	h = one("Kerberos", &heimdal);
	m = one("Kerberos", &mirrored);
	FreeCredentialsHandle(&heimdal);
	FreeCredentialsHandle(&mirrored);
	/* Back to the realm's keytab for whatever runs next. */
	keytab_path(args, sizeof(args), "");
	(void)gsskrb5_register_acceptor_identity(args);
	unlink(only_host);
	ck_assert_msg(h != SEC_E_OK, "Heimdal accepted HTTP/localhost from a host-only keytab");
	ck_assert_msg(m == h,
		      "registered acceptor identity: Heimdal %s, mirrored %s (the mirror read "
		      "KRB5_KTNAME instead of the registered keytab)",
		      SspiGssStatusName(h), SspiGssStatusName(m));
}
END_TEST

static Suite *mirror_suite(void)
{
	Suite *s = suite_create("keytab_mirror");
	TCase *tc = tcase_create("keytab");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, no_reads_per_handshake, 0, 2);
	tcase_add_test(tc, keytab_removed_and_back);
	tcase_add_loop_test(tc, key_rotation_seen, 0, 2);
	tcase_add_test(tc, registered_acceptor_identity_kept);
	tcase_add_test(tc, fresh_keytab_read_again);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm(&realm, mirror_suite());
}
