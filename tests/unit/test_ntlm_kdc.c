/*
 * test_ntlm_kdc.c - the NTLM acceptor's KDC backend: a throwaway realm with
 * the digest service on, the server holding host/localhost's tickets
 * (NTLM_ACCEPTOR_CCACHE) and no user file. The KDC checks the users'
 * passwords; the contexts it authenticates have no session key, so
 * signing and sealing must be refused, not faked.
 */
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerberos_util.h"

/* Authentication only: the KDC backend grants no signing or sealing, and
 * a client that asks for them fails (client_asking_for_sealing_fails). */
#define NREQ ISC_REQ_CONNECTION

static struct realm realm;
static char service_ccache[512];

/* host/localhost's tickets in a FILE cache, from the realm's keytab, as a
 * service's start-up script would get them (kinit -k). */
static void service_tickets(void)
{
	krb5_context k;
	krb5_principal me;
	krb5_keytab kt;
	krb5_ccache cc;
	krb5_creds creds;

	snprintf(service_ccache, sizeof(service_ccache), "FILE:%s/service.ccache", realm.dir);
	ck_assert_int_eq(krb5_init_context(&k), 0);
	ck_assert_int_eq(krb5_parse_name(k, "host/localhost@SSPI.TEST", &me), 0);
	ck_assert_int_eq(krb5_kt_default(k, &kt), 0);
	ck_assert_int_eq(krb5_get_init_creds_keytab(k, &creds, me, kt, 0, NULL, NULL), 0);
	ck_assert_int_eq(krb5_cc_resolve(k, service_ccache, &cc), 0);
	ck_assert_int_eq(krb5_cc_initialize(k, cc, me), 0);
	ck_assert_int_eq(krb5_cc_store_cred(k, cc, &creds), 0);
	krb5_cc_close(k, cc);
	krb5_free_cred_contents(k, &creds);
	krb5_kt_close(k, kt);
	krb5_free_principal(k, me);
	krb5_free_context(k);
}

static void setup(void)
{
	if (service_ccache[0] == '\0')
		service_tickets();
	unsetenv("NTLM_USER_FILE");
	setenv("NTLM_ACCEPTOR_CCACHE", service_ccache, 1);
}

static void acquire_ntlm_server(CredHandle *cred)
{
	TimeStamp expiry;

	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					    NULL, cred, &expiry),
		  SEC_E_OK);
}

static void delete_both(CtxtHandle *cctx, CtxtHandle *sctx)
{
	ck_status(DeleteSecurityContext(cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(sctx), SEC_E_OK);
}

static SECURITY_STATUS logon(const char *user, const char *pw, CtxtHandle *cctx,
			     CtxtHandle *sctx, ULONG *cattrs, ULONG *sattrs, char *failed_side)
{
	CredHandle c, s;
	struct loop o = {.target = "HTTP/localhost", .isc_req = NREQ};
	SECURITY_STATUS st;

	ck_status(acquire_identity("NTLM", user, "SSPI", pw, &c), SEC_E_OK);
	acquire_ntlm_server(&s);
	st = handshake_loop(&o, &c, &s, cctx, sctx, cattrs, sattrs);
	if (st == SEC_E_OK)
		ck_assert_int_eq(o.legs, 3);
	*failed_side = o.failed_side;
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
	return st;
}

START_TEST(kdc_checks_the_password)
{
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	char side;
	SecPkgContext_NamesA names;

	ck_status(logon("alice", "Alice-Pass-1", &cctx, &sctx, &ca, &sa, &side), SEC_E_OK);
	ck_status(QueryContextAttributesA(&sctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, "SSPI\\alice");
	FreeContextBuffer(names.sUserName);
	/* The KDC gave no session key: neither side claims session security. */
	ck_assert_uint_eq(sa & (ASC_RET_CONFIDENTIALITY | ASC_RET_INTEGRITY), 0);
	ck_assert_uint_eq(ca & (ISC_RET_CONFIDENTIALITY | ISC_RET_INTEGRITY), 0);
	delete_both(&cctx, &sctx);

	ck_status(logon("bob", "Bob-Pass-2", &cctx, &sctx, &ca, &sa, &side), SEC_E_OK);
	ck_status(QueryContextAttributesA(&sctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, "SSPI\\bob");
	FreeContextBuffer(names.sUserName);
	delete_both(&cctx, &sctx);
}
END_TEST

START_TEST(no_session_security)
{
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	char side, data[] = "payload";
	uint8_t trailer[64];
	SecBuffer b[2] = {{sizeof(trailer), SECBUFFER_TOKEN, trailer},
			  {sizeof(data), SECBUFFER_DATA, data}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	SecPkgContext_SessionKey key;

	ck_status(logon("alice", "Alice-Pass-1", &cctx, &sctx, &ca, &sa, &side), SEC_E_OK);
	ck_status(EncryptMessage(&sctx, 0, &d, 0), SEC_E_UNSUPPORTED_FUNCTION);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "no session key"));
	ck_assert_str_eq(data, "payload");
	ck_status(MakeSignature(&sctx, 0, &d, 0), SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(DecryptMessage(&sctx, &d, 0, NULL), SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(VerifySignature(&sctx, &d, 0, NULL), SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(QueryContextAttributesA(&sctx, SECPKG_ATTR_SESSION_KEY, &key),
		  SEC_E_UNSUPPORTED_FUNCTION);
	delete_both(&cctx, &sctx);
}
END_TEST

START_TEST(wrong_password_and_unknown_user)
{
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	char side;

	ck_status(logon("alice", "wrong", &cctx, &sctx, &ca, &sa, &side), SEC_E_LOGON_DENIED);
	ck_assert_int_eq(side, 's');
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "the KDC refused"));
	delete_both(&cctx, &sctx);

	ck_status(logon("mallory", "x", &cctx, &sctx, &ca, &sa, &side), SEC_E_LOGON_DENIED);
	ck_assert_int_eq(side, 's');
	delete_both(&cctx, &sctx);
}
END_TEST

START_TEST(kdc_down_and_no_tickets)
{
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	char side;
	char missing[600];

	/* The first ASC call fails: no server context comes back. */
	realm_kdc_stop(&realm);
	ck_status(logon("alice", "Alice-Pass-1", &cctx, &sctx, &ca, &sa, &side),
		  SEC_E_NO_AUTHENTICATING_AUTHORITY);
	ck_assert_int_eq(side, 's');
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_assert_int_eq(realm_kdc_start(&realm), 0);

	snprintf(missing, sizeof(missing), "FILE:%s/no-such.ccache", realm.dir);
	setenv("NTLM_ACCEPTOR_CCACHE", missing, 1);
	ck_status(logon("alice", "Alice-Pass-1", &cctx, &sctx, &ca, &sa, &side),
		  SEC_E_NO_CREDENTIALS);
	ck_assert_int_eq(side, 's');
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	setenv("NTLM_ACCEPTOR_CCACHE", service_ccache, 1);
	/* And the realm works again. */
	ck_status(logon("alice", "Alice-Pass-1", &cctx, &sctx, &ca, &sa, &side), SEC_E_OK);
	delete_both(&cctx, &sctx);
}
END_TEST

/* A client that asks for confidentiality and integrity is not granted
 * them by this backend, and fails rather than go on unprotected. */
START_TEST(client_asking_for_sealing_fails)
{
	struct loop o = {.target = "HTTP/localhost",
			 .isc_req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;

	ck_status(acquire_identity("NTLM", "alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	acquire_ntlm_server(&s);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_UNSUPPORTED_FUNCTION);
	ck_assert_int_eq(o.failed_side, 'c');
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "confidentiality"));
	delete_both(&cctx, &sctx);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

/* Channel bindings are checked on this backend as with the user file,
 * once the KDC has found the response (and its AV pairs) authentic. */
START_TEST(channel_bindings_checked)
{
	struct cb_storage cst, sst;
	SecBuffer ccb = make_cb(&cst, "tls-unique:client"), scb = make_cb(&sst, "tls-unique:server");
	struct loop o = {.target = "HTTP/localhost", .isc_req = NREQ, .client_cb = &ccb,
			 .server_cb = &scb};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;

	ck_status(acquire_identity("NTLM", "alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	acquire_ntlm_server(&s);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_BAD_BINDINGS);
	ck_assert_int_eq(o.failed_side, 's');
	delete_both(&cctx, &sctx);
	/* The same bindings on both sides pass. */
	scb = make_cb(&sst, "tls-unique:client");
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	delete_both(&cctx, &sctx);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

/* The ticket cache given to the credential (SSPI_GSS_NTLM_DATABASE), none
 * in the environment. */
START_TEST(ccache_per_credential)
{
	SSPI_GSS_NTLM_DATABASE db = {SSPI_GSS_NTLM_DATABASE_VERSION, sizeof(db), NULL,
				     service_ccache, 0};
	struct loop o = {.target = "HTTP/localhost", .isc_req = NREQ};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	TimeStamp exp;
	SecPkgContext_NamesA names;

	unsetenv("NTLM_ACCEPTOR_CCACHE");
	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					    NULL, &s, &exp),
		  SEC_E_NO_CREDENTIALS);
	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, &db, NULL,
					    NULL, &s, &exp),
		  SEC_E_OK);
	ck_status(acquire_identity("NTLM", "alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	ck_status(QueryContextAttributesA(&sctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, "SSPI\\alice");
	FreeContextBuffer(names.sUserName);
	delete_both(&cctx, &sctx);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

/* Negotiate choosing NTLM, its server on the KDC backend: Negotiate asks
 * NTLM for integrity (as Windows' does, for the mechListMIC), which this
 * backend cannot grant, so the client refuses rather than go on
 * unprotected. */
START_TEST(negotiate_over_the_kdc_backend)
{
	SEC_WINNT_AUTH_IDENTITY_EXA id = {
		.Version = SEC_WINNT_AUTH_IDENTITY_VERSION,
		.Length = sizeof(id),
		.User = (UCHAR *)"alice",
		.UserLength = 5,
		.Domain = (UCHAR *)"SSPI",
		.DomainLength = 4,
		.Password = (UCHAR *)"Alice-Pass-1",
		.PasswordLength = 12,
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI,
		.PackageList = (UCHAR *)"NTLM",
		.PackageListLength = 4,
	};
	struct loop o = {.target = "HTTP/localhost", .isc_req = NREQ};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	TimeStamp exp;

	ck_status(AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_OUTBOUND, NULL, &id,
					    NULL, NULL, &c, &exp),
		  SEC_E_OK);
	ck_status(AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_INBOUND, NULL, NULL,
					    NULL, NULL, &s, &exp),
		  SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_UNSUPPORTED_FUNCTION);
	ck_assert_int_eq(o.failed_side, 'c');
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "integrity"));
	delete_both(&cctx, &sctx);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ntlm_kdc");
	TCase *t = tcase_create("digest");

	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, kdc_checks_the_password);
	tcase_add_test(t, no_session_security);
	tcase_add_test(t, wrong_password_and_unknown_user);
	tcase_add_test(t, kdc_down_and_no_tickets);
	tcase_add_test(t, ccache_per_credential);
	tcase_add_test(t, client_asking_for_sealing_fails);
	tcase_add_test(t, channel_bindings_checked);
	tcase_add_test(t, negotiate_over_the_kdc_backend);
	tcase_set_timeout(t, 120);
	suite_add_tcase(s, t);
	return run_with_realm(&realm, s);
}
