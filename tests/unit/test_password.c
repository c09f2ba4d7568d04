/*
 * test_password.c - ChangeAccountPasswordA/W against the throwaway realm's
 * own password service (Heimdal's kpasswdd on a UDP port of 127.0.0.1,
 * started here and stopped by PID).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerberos_util.h"

static struct realm realm;
static pid_t kpasswdd;

static int start_kpasswdd(void)
{
	char conf[400], port[64], path[400];
	FILE *f;
	int p = 0;

	snprintf(path, sizeof(path), "%s/kpasswd_port", realm.dir);
	f = fopen(path, "r");
	if (f == NULL || fscanf(f, "%d", &p) != 1) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(conf, sizeof(conf), "--config-file=%s/krb5.conf", realm.dir);
	snprintf(port, sizeof(port), "--port=%d", p);
	kpasswdd = fork();
	if (kpasswdd < 0)
		return -1;
	if (kpasswdd == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		snprintf(path, sizeof(path), "%s/kpasswdd.out", realm.dir);
		if (freopen(path, "a", stdout) == NULL || freopen(path, "a", stderr) == NULL)
			_exit(1);
		execl("/usr/lib/heimdal-servers/kpasswdd", "kpasswdd", conf, port,
		      "--addresses=127.0.0.1", "--realm=SSPI.TEST", (char *)NULL);
		_exit(127);
	}
	usleep(500000);
	return 0;
}

static void stop_kpasswdd(void)
{
	if (kpasswdd > 0) {
		kill(kpasswdd, SIGTERM);
		waitpid(kpasswdd, NULL, 0);
		kpasswdd = 0;
	}
}

/* bob's logon (the first InitializeSecurityContext asks the KDC). */
static SECURITY_STATUS logon(const char *package, const char *pw)
{
	return logon_first_leg(package, "bob", "SSPI.TEST", pw, "HTTP/localhost");
}

static SEC_WCHAR *w(const char *s)
{
	static SEC_WCHAR buf[4][64];
	static int n;
	SEC_WCHAR *out = buf[n++ % 4];
	size_t i = 0;

	for (; s[i] != '\0' && i < 63; i++)
		out[i] = (SEC_WCHAR)s[i];
	out[i] = 0;
	return out;
}

START_TEST(change_and_use)
{
	ck_assert_int_eq(start_kpasswdd(), 0);
	ck_status(logon("Kerberos", "Bob-Pass-2"), SEC_E_OK);
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", "bob", "Bob-Pass-2",
					 "Bob-New-Pass-3", FALSE, 0, NULL),
		  SEC_E_OK);
	/* The KDC has the new key: the new password logs on, the old not. */
	ck_status(logon("Kerberos", "Bob-New-Pass-3"), SEC_E_OK);
	ck_status(logon("Kerberos", "Bob-Pass-2"), SEC_E_LOGON_DENIED);
	/* A wrong old password changes nothing. */
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", "bob", "not-the-password",
					 "Bob-Other-Pass-4", FALSE, 0, NULL),
		  SEC_E_LOGON_DENIED);
	ck_status(logon("Kerberos", "Bob-New-Pass-3"), SEC_E_OK);
	/* The W form, through Negotiate, with the realm in the account. */
	ck_status(ChangeAccountPasswordW(w("Negotiate"), NULL, w("bob@SSPI.TEST"),
					 w("Bob-New-Pass-3"), w("Bob-Pass-5"), FALSE, 0, NULL),
		  SEC_E_OK);
	ck_status(logon("Negotiate", "Bob-Pass-5"), SEC_E_OK);
	ck_status(logon("Kerberos", "Bob-New-Pass-3"), SEC_E_LOGON_DENIED);
	/* An account the realm does not have: a failed logon, as on Windows. */
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", "nobody-here", "x", "y", FALSE, 0,
					 NULL),
		  SEC_E_LOGON_DENIED);
	stop_kpasswdd();
}
END_TEST

/* ChangeAccountPassword's AS exchange is a logon and is refused as one:
 * a disabled account (Heimdal's KDC_ERR_POLICY, which the status table
 * reads as delegation's policy) and an expired one are SEC_E_LOGON_DENIED,
 * as InitializeSecurityContext says for the same accounts. */
START_TEST(refused_accounts)
{
	static const struct {
		const char *user, *options;
	} accounts[] = {
		{"gina", "--attributes=+disallow-all-tix"},
		{"hank", "--expiration-time=2001-01-01"},
	};
	char pw[64];

	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		realm_add_principal(&realm, accounts[i].user, accounts[i].options);
		snprintf(pw, sizeof(pw), "%s-Pass-1", accounts[i].user);
		ck_assert_msg(ChangeAccountPasswordA("Kerberos", "SSPI.TEST",
						     (SEC_CHAR *)accounts[i].user, pw, "Other-Pass-2",
						     FALSE, 0, NULL) == SEC_E_LOGON_DENIED,
			      "%s: %s", accounts[i].user, SspiGssGetLastErrorText());
		ck_status(logon_first_leg("Kerberos", accounts[i].user, "SSPI.TEST", pw,
					  "HTTP/localhost"),
			  SEC_E_LOGON_DENIED);
	}
}
END_TEST

START_TEST(misuse)
{
	SecBufferDesc bad = {SECBUFFER_VERSION + 1, 0, NULL};

	ck_status(ChangeAccountPasswordA(NULL, "SSPI.TEST", "bob", "a", "b", FALSE, 0, NULL),
		  SEC_E_SECPKG_NOT_FOUND);
	ck_status(ChangeAccountPasswordA("NoSuchPackage", "SSPI.TEST", "bob", "a", "b", FALSE, 0,
					 NULL),
		  SEC_E_SECPKG_NOT_FOUND);
	ck_status(ChangeAccountPasswordA("NTLM", "SSPI.TEST", "bob", "a", "b", FALSE, 0, NULL),
		  SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", NULL, "a", "b", FALSE, 0, NULL),
		  SEC_E_INVALID_PARAMETER);
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", "bob", NULL, "b", FALSE, 0, NULL),
		  SEC_E_INVALID_PARAMETER);
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", "bob", "a", NULL, FALSE, 0, NULL),
		  SEC_E_INVALID_PARAMETER);
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", "bob", "a", "b", FALSE, 1, NULL),
		  SEC_E_INVALID_PARAMETER);
	ck_status(ChangeAccountPasswordA("Kerberos", "SSPI.TEST", "bob", "a", "b", FALSE, 0, &bad),
		  SEC_E_INVALID_PARAMETER);
	ck_status(ChangeAccountPasswordW(NULL, NULL, NULL, NULL, NULL, FALSE, 0, NULL),
		  SEC_E_SECPKG_NOT_FOUND);
}
END_TEST

static Suite *password_suite(void)
{
	Suite *s = suite_create("password");
	TCase *tc = tcase_create("password");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, misuse);
	tcase_add_test(tc, change_and_use);
	tcase_add_test(tc, refused_accounts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc = run_with_realm(&realm, password_suite());

	stop_kpasswdd();
	return rc;
}
