/*
 * test_kerberos_context.c - Kerberos contexts beyond the basic exchange:
 * key and authority attributes, lifespan, W forms, DCE style, channel
 * bindings, Export/ImportSecurityContext. Against a real Heimdal KDC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kerberos_util.h"
#include "realm.h"

static struct realm realm;

/* 100 ns ticks since 1601 -> Unix seconds. */
static long long unix_from(const TimeStamp *t)
{
	unsigned long long ticks = (unsigned long long)t->HighPart << 32 | t->LowPart;

	return (long long)(ticks / 10000000ULL) - 11644473600LL;
}

START_TEST(session_key_and_key_info)
{
	struct pair p;
	SecPkgContext_SessionKey ck, sk;
	SecPkgContext_KeyInfoA ki;
	SecPkgContext_KeyInfoW kw;
	SEC_WCHAR enc_w[] = u"aes256-cts-hmac-sha1-96";

	pair_up(&p);
	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_SESSION_KEY, &ck), SEC_E_OK);
	ck_status(QueryContextAttributesA(&p.sctx, SECPKG_ATTR_SESSION_KEY, &sk), SEC_E_OK);
	/* Both ends hold the same AES-256 key, and it is not all zero. */
	ck_assert_uint_eq(ck.SessionKeyLength, 32);
	ck_assert_uint_eq(sk.SessionKeyLength, 32);
	ck_assert_mem_eq(ck.SessionKey, sk.SessionKey, 32);
	{
		unsigned char zero[32] = {0};

		ck_assert(memcmp(ck.SessionKey, zero, 32) != 0);
	}
	ck_status(FreeContextBuffer(ck.SessionKey), SEC_E_OK);
	ck_status(FreeContextBuffer(sk.SessionKey), SEC_E_OK);

	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_KEY_INFO, &ki), SEC_E_OK);
	ck_assert_uint_eq(ki.EncryptAlgorithm, 18); /* the Kerberos enctype */
	ck_assert_uint_eq(ki.SignatureAlgorithm, 16);
	ck_assert_uint_eq(ki.KeySize, 256);
	ck_assert_str_eq(ki.sEncryptAlgorithmName, "aes256-cts-hmac-sha1-96");
	ck_assert_str_eq(ki.sSignatureAlgorithmName, "hmac-sha1-96-aes256");
	FreeContextBuffer(ki.sEncryptAlgorithmName);
	FreeContextBuffer(ki.sSignatureAlgorithmName);
	ck_status(QueryContextAttributesW(&p.sctx, SECPKG_ATTR_KEY_INFO, &kw), SEC_E_OK);
	ck_assert_mem_eq(kw.sEncryptAlgorithmName, enc_w, sizeof(enc_w));
	ck_assert_uint_eq(kw.EncryptAlgorithm, 18);
	FreeContextBuffer(kw.sEncryptAlgorithmName);
	FreeContextBuffer(kw.sSignatureAlgorithmName);
	pair_down(&p);
}
END_TEST

START_TEST(authority_and_lifespan)
{
	struct pair p;
	SecPkgContext_AuthorityA aa;
	SecPkgContext_AuthorityW aw;
	SecPkgContext_Lifespan cl, sl;
	SEC_WCHAR realm_w[] = u"SSPI.TEST";
	long long now = (long long)time(NULL);

	pair_up(&p);
	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_AUTHORITY, &aa), SEC_E_OK);
	ck_assert_str_eq(aa.sAuthorityName, "SSPI.TEST");
	FreeContextBuffer(aa.sAuthorityName);
	ck_status(QueryContextAttributesW(&p.sctx, SECPKG_ATTR_AUTHORITY, &aw), SEC_E_OK);
	ck_assert_mem_eq(aw.sAuthorityName, realm_w, sizeof(realm_w));
	FreeContextBuffer(aw.sAuthorityName);

	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_LIFESPAN, &cl), SEC_E_OK);
	ck_status(QueryContextAttributesA(&p.sctx, SECPKG_ATTR_LIFESPAN, &sl), SEC_E_OK);
	/* The start is the authentication time of the ticket, seconds ago;
	 * the realm's default ticket life is a day. */
	ck_assert_int_le(llabs(unix_from(&sl.tsStart) - now), 60);
	ck_assert_int_le(llabs(unix_from(&cl.tsStart) - now), 60);
	ck_assert_int_gt(unix_from(&cl.tsExpiry), now + 3600);
	ck_assert_int_gt(unix_from(&sl.tsExpiry), now + 3600);
	pair_down(&p);
}
END_TEST

/* The W entry points from start to finish. */
START_TEST(wide_initiator)
{
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	SEC_WCHAR pkg[] = u"Kerberos", target[] = u"HTTP/localhost";
	SEC_WCHAR user[] = u"alice", pw[] = u"Alice-Pass-1";
	SEC_WINNT_AUTH_IDENTITY_W id = {user, 5, NULL, 0, pw, 12, SEC_WINNT_AUTH_IDENTITY_UNICODE};
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, sb = {0, SECBUFFER_TOKEN, NULL}, ib;
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, sout = {SECBUFFER_VERSION, 1, &sb};
	SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib};
	SecPkgContext_NamesW names;
	SecPkgContext_NativeNamesW native;
	SEC_WCHAR alice[] = u"alice@SSPI.TEST", http[] = u"HTTP/localhost@SSPI.TEST";
	ULONG a;
	TimeStamp exp;

	ck_status(AcquireCredentialsHandleW(NULL, pkg, SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL,
					    &ccred, &exp),
		  SEC_E_OK);
	ck_status(AcquireCredentialsHandleW(NULL, pkg, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
					    &scred, &exp),
		  SEC_E_OK);
	ck_status(InitializeSecurityContextW(&ccred, NULL, target, REQ, 0, 0, NULL, 0, &cctx, &out,
					     &a, &exp),
		  SEC_I_CONTINUE_NEEDED);
	ib = ob;
	ck_status(AcceptSecurityContext(&scred, NULL, &in, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &sout,
					&a, &exp),
		  SEC_E_OK);
	FreeContextBuffer(ob.pvBuffer);
	ib = sb;
	ob = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextW(&ccred, &cctx, target, REQ, 0, 0, &in, 0, &cctx, &out,
					     &a, &exp),
		  SEC_E_OK);
	FreeContextBuffer(sb.pvBuffer);
	ck_status(QueryContextAttributesW(&sctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_mem_eq(names.sUserName, alice, sizeof(alice));
	FreeContextBuffer(names.sUserName);
	ck_status(QueryContextAttributesW(&cctx, SECPKG_ATTR_NATIVE_NAMES, &native), SEC_E_OK);
	ck_assert_mem_eq(native.sServerName, http, sizeof(http));
	FreeContextBuffer(native.sClientName);
	FreeContextBuffer(native.sServerName);
	seal_and_open(&cctx, &sctx, 0);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

/* ISC_REQ_USE_DCE_STYLE: three legs (AP-REQ, AP-REP, AP-REP back), as DCE
 * RPC uses Kerberos; both sides report it and messages still work. */
START_TEST(dce_style)
{
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	struct loop o = {.target = "host/localhost",
			 .isc_req = REQ | ISC_REQ_USE_DCE_STYLE,
			 .asc_req = ASC_REQ_MUTUAL_AUTH};

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	acquire_server(&scred);
	ck_status(handshake_loop(&o, &ccred, &scred, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	ck_assert_int_eq(o.legs, 3);
	ck_assert(ca & ISC_RET_USED_DCE_STYLE);
	ck_assert(sa & ASC_RET_USED_DCE_STYLE);
	ck_assert(ca & ISC_RET_MUTUAL_AUTH);
	seal_and_open(&cctx, &sctx, 0);
	seal_and_open(&sctx, &cctx, 0);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

static SECURITY_STATUS bound_handshake(const char *capp, const char *sapp, char *side)
{
	struct cb_storage cst, sst;
	SecBuffer ccb, scb;
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	struct loop o = {.target = "HTTP/localhost", .isc_req = REQ};
	SECURITY_STATUS s;

	if (capp) {
		ccb = make_cb(&cst, capp);
		o.client_cb = &ccb;
	}
	if (sapp) {
		scb = make_cb(&sst, sapp);
		o.server_cb = &scb;
	}
	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	acquire_server(&scred);
	s = handshake_loop(&o, &ccred, &scred, &cctx, &sctx, &ca, &sa);
	*side = o.failed_side;
	if (s == SEC_E_OK) {
		seal_and_open(&cctx, &sctx, 0);
		ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	}
	/* The client's context exists after its first leg, whatever the
	 * server made of the token. */
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
	return s;
}

START_TEST(channel_bindings)
{
	char side = 0;
	struct cb_storage st;
	SecBuffer bad;
	CredHandle ccred;
	CtxtHandle cctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &bad};
	ULONG a;

	ck_status(bound_handshake("tls-server-end-point:AAAA", "tls-server-end-point:AAAA", &side),
		  SEC_E_OK);
	ck_status(bound_handshake("tls-server-end-point:AAAA", "tls-server-end-point:BBBB", &side),
		  SEC_E_BAD_BINDINGS);
	ck_assert_int_eq(side, 's');
	/* A server that does not ask for bindings accepts any. */
	ck_status(bound_handshake("tls-server-end-point:AAAA", NULL, &side), SEC_E_OK);

	/* A bindings buffer whose offsets point outside it. */
	bad = make_cb(&st, "x");
	st.h.dwApplicationDataOffset = 4096;
	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", REQ, 0, 0, &in, 0,
					     &cctx, &out, &a, NULL),
		  SEC_E_BAD_BINDINGS);
	bad.cbBuffer = 4;
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", REQ, 0, 0, &in, 0,
					     &cctx, &out, &a, NULL),
		  SEC_E_BAD_BINDINGS);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
}
END_TEST

START_TEST(export_import)
{
	struct pair p;
	SecBuffer packed = {0, SECBUFFER_EMPTY, NULL};
	CtxtHandle copy, moved;
	SecPkgContext_NamesA names;
	SecPkgContext_Sizes sizes;
	SecPkgContext_Flags flags;
	void *token = (void *)1;
	SEC_WCHAR pkg_w[] = u"Kerberos";

	pair_up(&p);
	/* Without DELETE_OLD the old context keeps working. */
	ck_status(ExportSecurityContext(&p.cctx, 0, &packed, &token), SEC_E_OK);
	ck_assert_ptr_null(token);
	ck_assert_uint_gt(packed.cbBuffer, 60);
	ck_status(ImportSecurityContextA("Kerberos", &packed, NULL, &copy), SEC_E_OK);
	ck_status(FreeContextBuffer(packed.pvBuffer), SEC_E_OK);
	ck_status(QueryContextAttributesA(&copy, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, "alice@SSPI.TEST");
	FreeContextBuffer(names.sUserName);
	ck_status(QueryContextAttributesA(&copy, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
	ck_assert_uint_eq(sizes.cbSecurityTrailer, 60);
	ck_status(QueryContextAttributesA(&copy, SECPKG_ATTR_FLAGS, &flags), SEC_E_OK);
	ck_assert_uint_eq(flags.Flags, p.cattrs);
	/* Both hold the state of the moment of export, sequence numbers
	 * included (as on Windows): the old context receives the server's
	 * first message, the copy sends the client's first message. */
	seal_and_open(&p.sctx, &p.cctx, 0);
	seal_and_open(&copy, &p.sctx, 0);
	ck_status(DeleteSecurityContext(&p.cctx), SEC_E_OK);
	p.cctx = copy;

	/* DELETE_OLD: the server context moves to a new handle (W import). */
	packed = (SecBuffer){0, SECBUFFER_EMPTY, NULL};
	ck_status(ExportSecurityContext(&p.sctx, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &packed, NULL),
		  SEC_E_OK);
	ck_status(DeleteSecurityContext(&p.sctx), SEC_E_INVALID_HANDLE);
	ck_status(ImportSecurityContextW(pkg_w, &packed, NULL, &moved), SEC_E_OK);
	p.sctx = moved;
	/* It had sent one message and received one on the fast path
	 * (docs/kerberos.md): its numbers and window came along. It takes
	 * the client's next messages (numbers 1-3) in sequence... */
	for (int i = 0; i < 3; i++)
		seal_and_open(&p.cctx, &p.sctx, 0);
	/* ...and sends on from number 1. The client context (the copy)
	 * never received number 0, which went to the old one: number 1 is a
	 * gap for it, reported as out of sequence; number 2 then follows. */
	{
		unsigned char token[128], data[16] = "after the move";
		SecBuffer b[3] = {{sizeof(token), SECBUFFER_TOKEN, token},
				  {sizeof(data), SECBUFFER_DATA, data},
				  {0, SECBUFFER_PADDING, NULL}};
		SecBufferDesc d = {SECBUFFER_VERSION, 3, b};

		ck_status(EncryptMessage(&p.sctx, 0, &d, 0), SEC_E_OK);
		ck_status(DecryptMessage(&p.cctx, &d, 0, NULL), SEC_E_OUT_OF_SEQUENCE);
	}
	seal_and_open(&p.sctx, &p.cctx, 0);

	/* Damaged and misdirected records. */
	((unsigned char *)packed.pvBuffer)[0] ^= 0xFF;
	ck_status(ImportSecurityContextA("Kerberos", &packed, NULL, &copy), SEC_E_INVALID_TOKEN);
	((unsigned char *)packed.pvBuffer)[0] ^= 0xFF;
	packed.cbBuffer -= 1;
	ck_status(ImportSecurityContextA("Kerberos", &packed, NULL, &copy), SEC_E_INVALID_TOKEN);
	packed.cbBuffer = 20;
	ck_status(ImportSecurityContextA("Kerberos", &packed, NULL, &copy), SEC_E_INVALID_TOKEN);
	ck_status(ImportSecurityContextA("Kerbero", &packed, NULL, &copy), SEC_E_SECPKG_NOT_FOUND);
	ck_status(ImportSecurityContextA(NULL, &packed, NULL, &copy), SEC_E_INVALID_PARAMETER);
	ck_status(ImportSecurityContextA("Kerberos", NULL, NULL, &copy), SEC_E_INVALID_PARAMETER);
	ck_status(FreeContextBuffer(packed.pvBuffer), SEC_E_OK);
	ck_status(ExportSecurityContext(&p.cctx, 0, NULL, NULL), SEC_E_INVALID_PARAMETER);
	ck_status(ExportSecurityContext(&p.cctx, SECPKG_CONTEXT_EXPORT_TO_KERNEL, &packed, NULL),
		  SEC_E_INVALID_PARAMETER);
	{
		CtxtHandle gone = {0, 0};

		ck_status(ExportSecurityContext(&gone, 0, &packed, NULL), SEC_E_INVALID_HANDLE);
	}

	/* The moved server context goes on where it left off. */
	seal_and_open(&p.cctx, &p.sctx, 0);
	pair_down(&p);
}
END_TEST

START_TEST(export_needs_established_context)
{
	CredHandle ccred;
	CtxtHandle cctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, packed = {0, SECBUFFER_EMPTY, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
	ULONG a;

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0,
					     &cctx, &out, &a, NULL),
		  SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ob.pvBuffer);
	ck_status(ExportSecurityContext(&cctx, 0, &packed, NULL), SEC_E_INVALID_HANDLE);
	ck_status(QueryContextAttributesA(&cctx, SECPKG_ATTR_SESSION_KEY, &packed),
		  SEC_E_INVALID_HANDLE);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
}
END_TEST

/* The SPN forms Windows programs pass, each against the acceptor key it
 * names (pszPrincipal), so a wrong mapping cannot pass by luck. */
START_TEST(spn_forms)
{
	static const struct {
		const char *target, *acceptor;
	} forms[] = {
		{"HTTP/localhost", "HTTP/localhost"},
		{"HTTP/localhost@SSPI.TEST", "HTTP/localhost"},
		{"HTTP/localhost:8080", "HTTP/localhost:8080"},
		{"host/localhost", "host/localhost@SSPI.TEST"},
	};
	CredHandle ccred;

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		CredHandle scred;
		CtxtHandle cctx, sctx;
		SecPkgContext_NativeNamesA names;
		ULONG ca, sa;
		char expect[64];

		ck_status(AcquireCredentialsHandleA((SEC_CHAR *)forms[i].acceptor, "Kerberos",
						    SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
						    &scred, NULL),
			  SEC_E_OK);
		ck_status(handshake(&ccred, &scred, forms[i].target, &cctx, &sctx, &ca, &sa),
			  SEC_E_OK);
		ck_status(QueryContextAttributesA(&sctx, SECPKG_ATTR_NATIVE_NAMES, &names),
			  SEC_E_OK);
		snprintf(expect, sizeof(expect), "%.*s@SSPI.TEST",
			 (int)strcspn(forms[i].target, "@"), forms[i].target);
		ck_assert_str_eq(names.sServerName, expect);
		FreeContextBuffer(names.sClientName);
		FreeContextBuffer(names.sServerName);
		ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
		ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
		ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
	}
	/* A port the KDC does not know is another principal. */
	{
		CredHandle scred;
		CtxtHandle cctx, sctx;
		ULONG ca, sa;

		acquire_server(&scred);
		ck_status(handshake(&ccred, &scred, "HTTP/localhost:9999", &cctx, &sctx, &ca, &sa),
			  SEC_E_TARGET_UNKNOWN);
		ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
	}
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
}
END_TEST

/* Outbound credentials from the default ticket cache, as a logged-in user
 * (kinit) has them; inbound credentials for a named principal. */
START_TEST(default_ccache_and_named_acceptor)
{
	char cc[300], cmd[900], *saved = getenv("KRB5CCNAME") ? strdup(getenv("KRB5CCNAME")) : NULL;
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	SecPkgCredentials_NamesA cn;
	TimeStamp exp;
	ULONG ca, sa;
	long long now = (long long)time(NULL);

	snprintf(cc, sizeof(cc), "FILE:%s/user.ccache", realm.dir);
	snprintf(cmd, sizeof(cmd),
		 "KRB5CCNAME='%s' kinit --password-file='%s/bob.password' bob@SSPI.TEST", cc,
		 realm.dir);
	ck_assert_int_eq(system(cmd), 0);
	setenv("KRB5CCNAME", cc, 1);
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
					    NULL, &ccred, &exp),
		  SEC_E_OK);
	ck_assert_int_gt(unix_from(&exp), now + 3600);
	ck_status(QueryCredentialsAttributesA(&ccred, SECPKG_CRED_ATTR_NAMES, &cn), SEC_E_OK);
	ck_assert_str_eq(cn.sUserName, "bob@SSPI.TEST");
	FreeContextBuffer(cn.sUserName);
	ck_status(AcquireCredentialsHandleA("HTTP/localhost", "Kerberos", SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, &scred, NULL),
		  SEC_E_OK);
	ck_status(handshake(&ccred, &scred, "HTTP/localhost", &cctx, &sctx, &ca, &sa), SEC_E_OK);
	seal_and_open(&cctx, &sctx, 0);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
	/* No key for this principal in the keytab. */
	ck_status(AcquireCredentialsHandleA("HTTP/elsewhere", "Kerberos", SECPKG_CRED_INBOUND,
					    NULL, NULL, NULL, NULL, &scred, NULL),
		  SEC_E_NO_CREDENTIALS);
	if (saved != NULL)
		setenv("KRB5CCNAME", saved, 1);
	free(saved);
}
END_TEST

static Suite *context_suite(void)
{
	Suite *s = suite_create("kerberos-context");
	TCase *tc = tcase_create("realm");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, session_key_and_key_info);
	tcase_add_test(tc, authority_and_lifespan);
	tcase_add_test(tc, wide_initiator);
	tcase_add_test(tc, dce_style);
	tcase_add_test(tc, channel_bindings);
	tcase_add_test(tc, export_import);
	tcase_add_test(tc, export_needs_established_context);
	tcase_add_test(tc, spn_forms);
	tcase_add_test(tc, default_ccache_and_named_acceptor);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm(&realm, context_suite());
}
