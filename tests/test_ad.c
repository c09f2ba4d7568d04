/*
 * test_ad.c - the library in an Active Directory domain: a Samba AD DC
 * (tests/samba-dc.sh runs this suite inside its namespace).
 *
 * Kerberos and Negotiate with the domain named as the realm, as the NetBIOS
 * domain and as a UPN; the acceptor's PAC (logon information, SIDs and
 * groups checked against wbinfo's answers; a PAC re-signed with a wrong key
 * refused); the NTLM acceptor on winbind (session key, sealing, the
 * Negotiate mechListMIC, the domain's refusals); faults: the DC stopped,
 * winbind's socket gone, a clock off by an hour.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerberos_util.h"

#define REALM "AD.SSPI.TEST"
#define NETBIOS "ADSSPI"
#define TARGET "HTTP/localhost"

/* The fixture's facts, asked of the domain itself (wbinfo), never typed in. */
static char *run_out(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	static char buf[8192];
	size_t n;

	ck_assert_msg(f != NULL, "%s", cmd);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	ck_assert_msg(pclose(f) == 0, "%s failed: %s", cmd, buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return strdup(buf);
}

/* "S-1-5-21-... SID_USER (1)" -> the SID. */
static char *wbinfo_sid(const char *name)
{
	char cmd[256], *out, *sp;

	snprintf(cmd, sizeof(cmd), "wbinfo -n '%s'", name);
	out = run_out(cmd);
	sp = strchr(out, ' ');
	if (sp != NULL)
		*sp = '\0';
	return out;
}

static void server_cred_of(const char *package, CredHandle *h)
{
	TimeStamp exp;

	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, h, &exp),
		  SEC_E_OK);
}

static SECURITY_STATUS pair(CredHandle *ccred, CredHandle *scred, const char *target,
			    CtxtHandle *c, CtxtHandle *s)
{
	struct loop o = {.target = target, .isc_req = REQ, .asc_req = ASC_REQ_MUTUAL_AUTH |
								ASC_REQ_CONFIDENTIALITY};
	ULONG ca, sa;

	return handshake_loop(&o, ccred, scred, c, s, &ca, &sa);
}

static char *names_of(CtxtHandle *h)
{
	SecPkgContext_NamesA n;
	char *copy;

	ck_status(QueryContextAttributesA(h, SECPKG_ATTR_NAMES, &n), SEC_E_OK);
	copy = strdup(n.sUserName);
	FreeContextBuffer(n.sUserName);
	return copy;
}

static int has_group(const SSPI_GSS_LOGON_INFO *info, const char *sid)
{
	for (unsigned i = 0; i < info->GroupCount; i++)
		if (strcmp(info->GroupSids[i], sid) == 0)
			return 1;
	return 0;
}

/* The logon information of the server context: alice as the domain knows her. */
static void check_alice(CtxtHandle *s, const char *source)
{
	PSSPI_GSS_LOGON_INFO info = NULL;
	char *alice_sid = wbinfo_sid(NETBIOS "\\alice");
	char *staff_sid = wbinfo_sid(NETBIOS "\\sspi-staff");
	char *users_sid = wbinfo_sid(NETBIOS "\\Domain Users");
	char *name = names_of(s);
	char *groups, cmd[256];

	ck_assert_str_eq(name, NETBIOS "\\alice");
	ck_status(QueryContextAttributesA(s, SSPI_GSS_ATTR_LOGON_INFO, &info), SEC_E_OK);
	ck_assert_str_eq(info->Source, source);
	ck_assert_str_eq(info->Domain, NETBIOS);
	ck_assert_str_eq(info->Account, "alice");
	ck_assert_str_eq(info->UserSid, alice_sid);
	ck_assert_str_eq(info->PrimaryGroupSid, users_sid);
	ck_assert_msg(has_group(info, staff_sid), "sspi-staff (%s) missing", staff_sid);
	ck_assert_msg(has_group(info, users_sid), "Domain Users missing");
	/* Every domain group wbinfo names is in the logon information. */
	snprintf(cmd, sizeof(cmd), "wbinfo --user-domgroups=%s", alice_sid);
	groups = run_out(cmd);
	for (char *save = NULL, *g = strtok_r(groups, "\n", &save); g != NULL;
	     g = strtok_r(NULL, "\n", &save))
		if (strcmp(g, alice_sid) != 0) /* winbind lists the user too */
			ck_assert_msg(has_group(info, g), "group %s of wbinfo missing", g);
	ck_status(FreeContextBuffer(info), SEC_E_OK);
	free(groups);
	free(name);
	free(alice_sid);
	free(staff_sid);
	free(users_sid);
}

static void check_native(CtxtHandle *s, const char *client, const char *server)
{
	SecPkgContext_NativeNamesA n;

	ck_status(QueryContextAttributesA(s, SECPKG_ATTR_NATIVE_NAMES, &n), SEC_E_OK);
	ck_assert_str_eq(n.sClientName, client);
	ck_assert_str_eq(n.sServerName, server);
	FreeContextBuffer(n.sClientName);
	FreeContextBuffer(n.sServerName);
}

/* Kerberos with the domain given as the realm, as the NetBIOS name (in
 * either case) and as a UPN: the PAC, NAMES and sealing both ways. */
START_TEST(kerberos_logon_forms)
{
	static const struct {
		const char *user, *domain;
	} forms[] = {
		{"alice", REALM},       {"alice", NETBIOS},       {"alice", "adsspi"},
		{"alice", "ad.sspi.test"}, {"alice@ad.sspi.test", ""}, {NETBIOS "\\alice", NULL},
	};
	const char *pkg = _i < 6 ? "Kerberos" : "Negotiate";
	CredHandle ccred, scred;
	CtxtHandle c, s;

	ck_status(acquire_identity(pkg, forms[_i % 6].user, forms[_i % 6].domain, "Alice-Pass-1",
				   &ccred),
		  SEC_E_OK);
	server_cred_of(pkg, &scred);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	check_alice(&s, "PAC");
	check_native(&s, "alice@" REALM, TARGET "@" REALM);
	seal_and_open(&c, &s, 0);
	seal_and_open(&s, &c, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* An inbound credential whose NTLM logons the domain checks (winbind). */
static SECURITY_STATUS winbind_server(const char *package, CredHandle *h)
{
	SSPI_GSS_NTLM_DATABASE db = {SSPI_GSS_NTLM_DATABASE_VERSION, sizeof(db), NULL, NULL,
				     SSPI_GSS_NTLM_DATABASE_WINBIND};
	TimeStamp exp;

	return AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL, &db,
					 NULL, NULL, h, &exp);
}

static const char *chosen_package(CtxtHandle *h)
{
	static char name[32];
	SecPkgContext_NegotiationInfoA ni;

	ck_status(QueryContextAttributesA(h, SECPKG_ATTR_NEGOTIATION_INFO, &ni), SEC_E_OK);
	snprintf(name, sizeof(name), "%s", ni.PackageInfo->Name);
	FreeContextBuffer(ni.PackageInfo);
	return name;
}

/* The NTLM acceptor on winbind: alice logs on as the domain's user, in
 * every spelling of her domain, with a session key (sealing both ways). */
START_TEST(ntlm_winbind_logon)
{
	static const struct {
		const char *user, *domain;
	} forms[] = {
		{"alice", NETBIOS}, {"alice", REALM}, {"alice", ""}, {"alice@ad.sspi.test", ""},
	};
	CredHandle ccred, scred;
	CtxtHandle c, s;

	ck_status(acquire_identity("NTLM", forms[_i].user, forms[_i].domain, "Alice-Pass-1",
				   &ccred),
		  SEC_E_OK);
	ck_status(winbind_server("NTLM", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	check_alice(&s, "winbind");
	seal_and_open(&c, &s, 0);
	seal_and_open(&s, &c, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* Negotiate to an address goes to NTLM (no ticket names an address), to a
 * name to Kerberos; on winbind the NTLM leg has a session key, so the
 * mechListMIC is exchanged and sealing works. */
START_TEST(negotiate_address_and_name)
{
	const char *target = _i == 0 ? "HTTP/127.0.0.1" : TARGET;
	CredHandle ccred, scred;
	CtxtHandle c, s;

	ck_status(acquire_identity("Negotiate", "alice", NETBIOS, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(winbind_server("Negotiate", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, target, &c, &s), SEC_E_OK);
	ck_assert_str_eq(chosen_package(&s), _i == 0 ? "NTLM" : "Kerberos");
	ck_assert_str_eq(chosen_package(&c), _i == 0 ? "NTLM" : "Kerberos");
	check_alice(&s, _i == 0 ? "winbind" : "PAC");
	seal_and_open(&c, &s, 0);
	seal_and_open(&s, &c, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* The domain's refusals: the documented code, its reason in the text. */
START_TEST(ntlm_winbind_refusals)
{
	static const struct {
		const char *user, *password, *reason;
	} cases[] = {
		{"alice", "wrong-password", "NT_STATUS_WRONG_PASSWORD"},
		{"carol", "Carol-Pass-1", "NT_STATUS_ACCOUNT_DISABLED"},
		{"nobody-such", "whatever", "NT_STATUS_NO_SUCH_USER"},
	};
	CredHandle ccred, scred;
	CtxtHandle c, s;
	const char *text;

	ck_status(acquire_identity("NTLM", cases[_i].user, NETBIOS, cases[_i].password, &ccred),
		  SEC_E_OK);
	ck_status(winbind_server("NTLM", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_LOGON_DENIED);
	text = SspiGssGetLastErrorText();
	ck_assert_msg(strstr(text, cases[_i].reason) != NULL ||
			      (_i != 1 && strstr(text, "NT_STATUS_LOGON_FAILURE") != NULL),
		      "last error: %s", text);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

Suite *ad_suite(void)
{
	Suite *s = suite_create("ad");
	TCase *k = tcase_create("kerberos");

	tcase_set_timeout(k, 120);
	tcase_add_loop_test(k, kerberos_logon_forms, 0, 12);
	suite_add_tcase(s, k);
	k = tcase_create("ntlm");
	tcase_set_timeout(k, 120);
	tcase_add_loop_test(k, ntlm_winbind_logon, 0, 4);
	tcase_add_loop_test(k, negotiate_address_and_name, 0, 2);
	tcase_add_loop_test(k, ntlm_winbind_refusals, 0, 3);
	suite_add_tcase(s, k);
	return s;
}

int main(void)
{
	SRunner *runner;
	int failed;

	if (getenv("SSPI_GSS_AD_DIR") == NULL) {
		printf("skipped: run inside tests/samba-dc.sh\n");
		return 77;
	}
	runner = srunner_create(ad_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
