/*
 * test_windows_facts.c - Windows behaviour, as Wine's conformance tests
 * (dlls/secur32/tests/ntlm.c, negotiate.c, main.c) observe it on real
 * Windows in Wine's test bots, checked against our NTLM and Negotiate.
 * Each test names the fact; the tests are ours, written from the facts.
 *
 * No KDC: KRB5_CONFIG points at nothing, so Negotiate has NTLM only, and
 * the server's users are in a user file of this test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "kerberos_util.h"

#define MAX_TOKEN 2888

static char user_file[64];

static SECURITY_STATUS client_cred(const char *package, CredHandle *c)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {(UCHAR *)"testuser", 8, (UCHAR *)"WORKGROUP", 9,
					(UCHAR *)"testpass", 8, SEC_WINNT_AUTH_IDENTITY_ANSI};
	TimeStamp t;

	return AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL, &id,
					 NULL, NULL, c, &t);
}

static void server_cred(const char *package, CredHandle *s)
{
	TimeStamp t;

	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, s, &t),
		  SEC_E_OK);
}

/* ntlm.c runClient: the first InitializeSecurityContext, NULL target, no
 * flags, given no room for its token, fails so, and creates nothing. */
START_TEST(no_room_for_the_first_token)
{
	unsigned char buf[MAX_TOKEN];
	SecBuffer ob = {sizeof(buf), SECBUFFER_TOKEN, buf};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
	CredHandle c;
	CtxtHandle ctx;
	ULONG attrs;
	TimeStamp t;
	SECURITY_STATUS s;

	ck_status(client_cred("NTLM", &c), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&c, NULL, NULL, 0, 0, SECURITY_NETWORK_DREP, NULL, 0,
					     &ctx, NULL, &attrs, &t),
		  SEC_E_BUFFER_TOO_SMALL);
	/* A length with no memory: SEC_E_INTERNAL_ERROR (or, on newer
	 * Windows, success). */
	ob.pvBuffer = NULL;
	s = InitializeSecurityContextA(&c, NULL, NULL, 0, 0, SECURITY_NETWORK_DREP, NULL, 0, &ctx,
				       &out, &attrs, &t);
	ck_assert_msg(s == SEC_E_INTERNAL_ERROR || s == SEC_I_CONTINUE_NEEDED, "got %s",
		      SspiGssStatusName(s));
	if (s == SEC_I_CONTINUE_NEEDED)
		DeleteSecurityContext(&ctx);
	ob.pvBuffer = buf;
	ob.cbBuffer = 0;
	ck_status(InitializeSecurityContextA(&c, NULL, NULL, 0, 0, SECURITY_NETWORK_DREP, NULL, 0,
					     &ctx, &out, &attrs, &t),
		  SEC_E_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(ob.cbBuffer, 0);
	ob.cbBuffer = sizeof(buf);
	ob.BufferType = SECBUFFER_DATA;
	ck_status(InitializeSecurityContextA(&c, NULL, NULL, 0, 0, SECURITY_NETWORK_DREP, NULL, 0,
					     &ctx, &out, &attrs, &t),
		  SEC_E_BUFFER_TOO_SMALL);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
}
END_TEST

/* ntlm.c testInitializeSecurityContextFlags: NEGOTIATE asks for SIGN
 * (0x10) only with integrity, replay or sequence detection, and for SEAL
 * (0x20) only with confidentiality. */
START_TEST(negotiate_flags_follow_the_request)
{
	static const struct {
		ULONG req;
		int sign, seal;
	} rows[] = {
		{0, 0, 0},
		{ISC_REQ_CONNECTION, 0, 0},
		{ISC_REQ_EXTENDED_ERROR, 0, 0},
		{ISC_REQ_MUTUAL_AUTH, 0, 0},
		{ISC_REQ_USE_DCE_STYLE, 0, 0},
		{ISC_REQ_DELEGATE, 0, 0},
		{ISC_REQ_INTEGRITY, 1, 0},
		{ISC_REQ_REPLAY_DETECT, 1, 0},
		{ISC_REQ_SEQUENCE_DETECT, 1, 0},
		{ISC_REQ_CONFIDENTIALITY, -1, 1}, /* SIGN: Windows does not say */
	};
	unsigned char buf[MAX_TOKEN];
	CredHandle c;

	ck_status(client_cred("NTLM", &c), SEC_E_OK);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		SecBuffer ob = {sizeof(buf), SECBUFFER_TOKEN, buf};
		SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
		CtxtHandle ctx;
		ULONG attrs;
		TimeStamp t;

		ck_status(InitializeSecurityContextA(&c, NULL, NULL, rows[i].req, 0,
						     SECURITY_NETWORK_DREP, NULL, 0, &ctx, &out,
						     &attrs, &t),
			  SEC_I_CONTINUE_NEEDED);
		if (rows[i].sign >= 0)
			ck_assert_msg(((buf[12] & 0x10) != 0) == rows[i].sign,
				      "req 0x%lx: flags 0x%02x", (unsigned long)rows[i].req, buf[12]);
		ck_assert_msg(((buf[12] & 0x20) != 0) == rows[i].seal, "req 0x%lx: flags 0x%02x",
			      (unsigned long)rows[i].req, buf[12]);
		ck_status(DeleteSecurityContext(&ctx), SEC_E_OK);
	}
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
}
END_TEST

/* One authentication the way Wine's tests drive it: caller's buffers of
 * cbMaxToken bytes, no flags, no target, and no credential handle after
 * the first call. Returns the client's last status. */
static SECURITY_STATUS wine_style_logon(const char *package, CtxtHandle *cctx, CtxtHandle *sctx)
{
	unsigned char cbuf[MAX_TOKEN], sbuf[MAX_TOKEN], in_c[MAX_TOKEN], in_s[MAX_TOKEN];
	SecBuffer cob, sob, cib, sib;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &cob}, sout = {SECBUFFER_VERSION, 1, &sob};
	SecBufferDesc cin = {SECBUFFER_VERSION, 1, &cib}, sin = {SECBUFFER_VERSION, 1, &sib};
	SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED;
	CredHandle c, s;
	ULONG attrs;
	TimeStamp t;
	int first = 1;

	ck_status(client_cred(package, &c), SEC_E_OK);
	server_cred(package, &s);
	while (cs == SEC_I_CONTINUE_NEEDED && ss == SEC_I_CONTINUE_NEEDED) {
		cob = (SecBuffer){sizeof(cbuf), SECBUFFER_TOKEN, cbuf};
		cs = InitializeSecurityContextA(first ? &c : NULL, first ? NULL : cctx, NULL, 0, 0,
						SECURITY_NETWORK_DREP, first ? NULL : &cin, 0, cctx,
						&cout, &attrs, &t);
		ck_assert_msg(cs == SEC_E_OK || cs == SEC_I_CONTINUE_NEEDED, "%s client: %s", package,
			      SspiGssStatusName(cs));
		ck_assert_uint_eq(cob.BufferType, SECBUFFER_TOKEN);
		ck_assert_uint_lt(cob.cbBuffer, sizeof(cbuf));
		if (cob.cbBuffer == 0)
			break;
		memcpy(in_s, cbuf, cob.cbBuffer);
		sib = (SecBuffer){cob.cbBuffer, SECBUFFER_TOKEN, in_s};
		sob = (SecBuffer){sizeof(sbuf), SECBUFFER_TOKEN, sbuf};
		ss = AcceptSecurityContext(&s, first ? NULL : sctx, &sin, 0, SECURITY_NETWORK_DREP,
					   sctx, &sout, &attrs, &t);
		ck_assert_msg(ss == SEC_E_OK || ss == SEC_I_CONTINUE_NEEDED, "%s server: %s (%s)",
			      package, SspiGssStatusName(ss), SspiGssGetLastErrorText());
		if (sob.cbBuffer != 0 && cs == SEC_I_CONTINUE_NEEDED) {
			memcpy(in_c, sbuf, sob.cbBuffer);
			cib = (SecBuffer){sob.cbBuffer, SECBUFFER_TOKEN, in_c};
			if (ss == SEC_E_OK) { /* a last token for the client */
				cob = (SecBuffer){sizeof(cbuf), SECBUFFER_TOKEN, cbuf};
				cs = InitializeSecurityContextA(NULL, cctx, NULL, 0, 0,
								SECURITY_NETWORK_DREP, &cin, 0, cctx,
								&cout, &attrs, &t);
			}
		}
		first = 0;
	}
	ck_status(ss, SEC_E_OK);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
	return cs;
}

/* ntlm.c testAuth/testSignSeal, negotiate.c test_authentication: that
 * logon completes for NTLM and for Negotiate (NTLM then), the sizes are
 * Windows', and Negotiate says NTLM was chosen. */
START_TEST(logon_without_target_or_flags)
{
	static const char *const pkgs[] = {"NTLM", "Negotiate"};

	for (int i = 0; i < 2; i++) {
		CtxtHandle cctx, sctx;
		SecPkgContext_Sizes sizes;
		SecPkgContext_NegotiationInfoA ni;
		SecPkgContext_KeyInfoA key;

		ck_status(wine_style_logon(pkgs[i], &cctx, &sctx), SEC_E_OK);
		ck_status(QueryContextAttributesA(&cctx, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
		ck_assert(sizes.cbMaxToken == 2888 || sizes.cbMaxToken == 1904);
		ck_assert_uint_eq(sizes.cbMaxSignature, 16);
		ck_assert_uint_eq(sizes.cbSecurityTrailer, 16);
		ck_assert_uint_eq(sizes.cbBlockSize, 0);
		/* NTLM answers NEGOTIATION_INFO too, with itself (ntlm.c testAuth). */
		ck_status(QueryContextAttributesA(&cctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni), SEC_E_OK);
		ck_assert_uint_eq(ni.NegotiationState, SECPKG_NEGOTIATION_COMPLETE);
		ck_assert_str_eq(ni.PackageInfo->Name, "NTLM");
		ck_assert_uint_eq(ni.PackageInfo->wRPCID, RPC_C_AUTHN_WINNT);
		ck_assert_uint_eq(ni.PackageInfo->wVersion, 1);
		FreeContextBuffer(ni.PackageInfo);
		/* KEY_INFO in Windows' names and ids, extended session security:
		 * the signature algorithm a Kerberos checksum type (-138). */
		ck_status(QueryContextAttributesA(&cctx, SECPKG_ATTR_KEY_INFO, &key), SEC_E_OK);
		ck_assert_str_eq(key.sSignatureAlgorithmName, "HMAC-MD5");
		ck_assert_str_eq(key.sEncryptAlgorithmName, "RSADSI RC4");
		ck_assert_uint_eq(key.SignatureAlgorithm, 0xffffff76u);
		ck_assert_uint_eq(key.EncryptAlgorithm, 0x6801); /* CALG_RC4 */
		ck_assert_uint_eq(key.KeySize, 128);
		FreeContextBuffer(key.sSignatureAlgorithmName);
		FreeContextBuffer(key.sEncryptAlgorithmName);
		ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
		ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	}
}
END_TEST

/*
 * negotiate.c test_authentication: the loop runs while BOTH sides return
 * SEC_I_CONTINUE_NEEDED and no more; the client must then be at SEC_E_OK
 * (Windows reaches the checks that follow, whose values only Windows
 * gives). So the client completes on the leg that sends its AUTHENTICATE
 * and mechListMIC, without the server's last token, and is usable there:
 * sizes, NTLM named, signatures both ways.
 */
START_TEST(negotiate_client_completes_without_the_last_token)
{
	unsigned char cbuf[MAX_TOKEN], sbuf[MAX_TOKEN], in_c[MAX_TOKEN], in_s[MAX_TOKEN];
	SecBuffer cob, sob, cib = {0, SECBUFFER_TOKEN, in_c}, sib;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &cob}, sout = {SECBUFFER_VERSION, 1, &sob};
	SecBufferDesc cin = {SECBUFFER_VERSION, 1, &cib}, sin = {SECBUFFER_VERSION, 1, &sib};
	SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED;
	SecPkgContext_Sizes sizes;
	SecPkgContext_NegotiationInfoA ni;
	char data[] = "after the loop";
	unsigned char sig[16];
	SecBuffer mb[2] = {{sizeof(data), SECBUFFER_DATA, data}, {sizeof(sig), SECBUFFER_TOKEN, sig}};
	SecBufferDesc md = {SECBUFFER_VERSION, 2, mb};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG attrs, qop;
	TimeStamp t;
	int first = 1, legs = 0;

	ck_status(client_cred("Negotiate", &c), SEC_E_OK);
	server_cred("Negotiate", &s);
	while (cs == SEC_I_CONTINUE_NEEDED && ss == SEC_I_CONTINUE_NEEDED) {
		cob = (SecBuffer){sizeof(cbuf), SECBUFFER_TOKEN, cbuf};
		cs = InitializeSecurityContextA(first ? &c : NULL, first ? NULL : &cctx, NULL, 0, 0,
						SECURITY_NETWORK_DREP, first ? NULL : &cin, 0, &cctx,
						&cout, &attrs, &t);
		ck_assert_msg(cs == SEC_E_OK || cs == SEC_I_CONTINUE_NEEDED, "client: %s (%s)",
			      SspiGssStatusName(cs), SspiGssGetLastErrorText());
		memcpy(in_s, cbuf, cob.cbBuffer);
		sib = (SecBuffer){cob.cbBuffer, SECBUFFER_TOKEN, in_s};
		sob = (SecBuffer){sizeof(sbuf), SECBUFFER_TOKEN, sbuf};
		ss = AcceptSecurityContext(&s, first ? NULL : &sctx, &sin, 0, SECURITY_NETWORK_DREP,
					   &sctx, &sout, &attrs, &t);
		ck_assert_msg(ss == SEC_E_OK || ss == SEC_I_CONTINUE_NEEDED, "server: %s (%s)",
			      SspiGssStatusName(ss), SspiGssGetLastErrorText());
		memcpy(in_c, sbuf, sob.cbBuffer);
		cib.cbBuffer = sob.cbBuffer;
		first = 0;
		legs++;
	}
	ck_status(cs, SEC_E_OK);
	ck_status(ss, SEC_E_OK);
	ck_assert_int_eq(legs, 2);
	ck_status(QueryContextAttributesA(&cctx, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
	ck_assert(sizes.cbMaxToken == 2888 || sizes.cbMaxToken == 1904);
	ck_assert_uint_eq(sizes.cbMaxSignature, 16);
	ck_assert_uint_eq(sizes.cbSecurityTrailer, 16);
	ck_assert_uint_eq(sizes.cbBlockSize, 0);
	ck_status(QueryContextAttributesA(&cctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni), SEC_E_OK);
	ck_assert_uint_eq(ni.NegotiationState, SECPKG_NEGOTIATION_COMPLETE);
	ck_assert_str_eq(ni.PackageInfo->Name, "NTLM");
	FreeContextBuffer(ni.PackageInfo);
	/* The server's first messages, after its MIC, open at the client
	 * that never saw that MIC; and the other way. */
	for (int i = 0; i < 2; i++) {
		mb[1].cbBuffer = sizeof(sig);
		ck_status(MakeSignature(&sctx, 0, &md, 0), SEC_E_OK);
		ck_status(VerifySignature(&cctx, &md, 0, &qop), SEC_E_OK);
		mb[1].cbBuffer = sizeof(sig);
		ck_status(MakeSignature(&cctx, 0, &md, 0), SEC_E_OK);
		ck_status(VerifySignature(&sctx, &md, 0, &qop), SEC_E_OK);
	}
	/* The server's last token, passed late, still has its MIC checked:
	 * here the copy kept in in_c, one byte of its MIC flipped first. */
	in_c[cib.cbBuffer - 5] ^= 0x40;
	cob = (SecBuffer){sizeof(cbuf), SECBUFFER_TOKEN, cbuf};
	ck_status(InitializeSecurityContextA(NULL, &cctx, NULL, 0, 0, SECURITY_NETWORK_DREP, &cin, 0,
					     &cctx, &cout, &attrs, &t),
		  SEC_E_MESSAGE_ALTERED);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* ntlm.c testSignSeal: without signing negotiated, MakeSignature gives the
 * dummy signature (version 1, zeros), VerifySignature takes it and refuses
 * any other; a message with no TOKEN buffer is SEC_E_INVALID_TOKEN; and
 * (Vista and later) EncryptMessage without sealing is unsupported. */
START_TEST(dummy_signature_without_signing)
{
	static const unsigned char dummy[16] = {1};
	static const unsigned char real[16] = {1, 0, 0, 0, 0, 0, 0, 0, 0xe8, 0xc7,
					       0xaa, 0x26, 0x16, 0x39, 0x07, 0x4e};
	char msg[] = "Hello, world!";
	unsigned char sig[16], trailer[16];
	SecBuffer b[2] = {{sizeof(sig), SECBUFFER_TOKEN, sig}, {13, SECBUFFER_DATA, msg}};
	SecBuffer fake[2] = {{16, SECBUFFER_DATA, trailer}, {13, SECBUFFER_DATA, msg}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b}, fd = {SECBUFFER_VERSION, 2, fake};
	CtxtHandle cctx, sctx;
	ULONG qop;

	ck_status(wine_style_logon("NTLM", &cctx, &sctx), SEC_E_OK);
	ck_status(MakeSignature(&cctx, 0, &fd, 0), SEC_E_INVALID_TOKEN);
	ck_status(MakeSignature(&cctx, 0, &d, 0), SEC_E_OK);
	ck_assert_uint_eq(b[0].cbBuffer, 16);
	ck_assert_mem_eq(sig, dummy, 16);
	/* The client's own dummy verifies, as if the server had sent it. */
	ck_status(VerifySignature(&cctx, &d, 0, &qop), SEC_E_OK);
	ck_status(VerifySignature(&sctx, &d, 0, &qop), SEC_E_OK);
	memcpy(sig, real, 16);
	ck_status(VerifySignature(&sctx, &d, 0, &qop), SEC_E_MESSAGE_ALTERED);
	b[0].cbBuffer = sizeof(sig);
	ck_status(EncryptMessage(&cctx, 0, &d, 0), SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
}
END_TEST

/* secur32.c test_InitSecurityInterface: in both tables Reserved2 is NULL and
 * Reserved3 and Reserved4 are EncryptMessage and DecryptMessage (the old
 * SealMessage and UnsealMessage slots); a message sealed through the one
 * opens through the other. */
START_TEST(reserved_slots_seal)
{
	PSecurityFunctionTableA a = InitSecurityInterfaceA();
	PSecurityFunctionTableW w = InitSecurityInterfaceW();
	ENCRYPT_MESSAGE_FN seal;
	DECRYPT_MESSAGE_FN unseal;
	CtxtHandle cctx, sctx;
	unsigned char sig[16];
	char msg[] = "Hello, world!";
	SecBuffer b[2] = {{sizeof(sig), SECBUFFER_TOKEN, sig}, {13, SECBUFFER_DATA, msg}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	struct loop o = {"HTTP/localhost", REQ, ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY |
		ASC_REQ_ALLOCATE_MEMORY, NULL, NULL, 0, 0};
	CredHandle c, s;
	ULONG qop, ca, sa;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_null(a->Reserved2);
	ck_assert_ptr_null(w->Reserved2);
	ck_assert(a->Reserved3 == (void *)(uintptr_t)a->EncryptMessage);
	ck_assert(a->Reserved4 == (void *)(uintptr_t)a->DecryptMessage);
	ck_assert(w->Reserved3 == (void *)(uintptr_t)w->EncryptMessage);
	ck_assert(w->Reserved4 == (void *)(uintptr_t)w->DecryptMessage);
	seal = (ENCRYPT_MESSAGE_FN)(uintptr_t)a->Reserved3;
	unseal = (DECRYPT_MESSAGE_FN)(uintptr_t)w->Reserved4;
	ck_status(client_cred("NTLM", &c), SEC_E_OK);
	server_cred("NTLM", &s);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	ck_status(seal(&cctx, 0, &d, 0), SEC_E_OK);
	ck_assert(memcmp(msg, "Hello, world!", 13) != 0);
	ck_status(unseal(&sctx, &d, 0, &qop), SEC_E_OK);
	ck_assert_mem_eq(msg, "Hello, world!", 13);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* main.c: QuerySecurityPackageInfo of an unknown package leaves the output
 * as it was; the packages' capabilities and RPC ids are Windows'. */
START_TEST(package_info)
{
	PSecPkgInfoA info = (PSecPkgInfoA)0xdeadbeef;
	const ULONG ntlm_base = SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_TOKEN_ONLY |
				SECPKG_FLAG_CONNECTION | SECPKG_FLAG_MULTI_REQUIRED |
				SECPKG_FLAG_IMPERSONATION | SECPKG_FLAG_ACCEPT_WIN32_NAME |
				SECPKG_FLAG_NEGOTIABLE | SECPKG_FLAG_LOGON;
	const ULONG nego_base = SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY |
				SECPKG_FLAG_CONNECTION | SECPKG_FLAG_MULTI_REQUIRED |
				SECPKG_FLAG_EXTENDED_ERROR | SECPKG_FLAG_IMPERSONATION |
				SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_NEGOTIABLE |
				SECPKG_FLAG_GSS_COMPATIBLE | SECPKG_FLAG_LOGON;
	const ULONG newer = SECPKG_FLAG_RESTRICTED_TOKENS | SECPKG_FLAG_APPCONTAINER_CHECKS;

	ck_status(QuerySecurityPackageInfoA("Winetest", &info), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_ptr_eq(info, (PSecPkgInfoA)0xdeadbeef);
	ck_status(QuerySecurityPackageInfoA("NTLM", &info), SEC_E_OK);
	ck_assert(info->fCapabilities == ntlm_base || info->fCapabilities == (ntlm_base | newer));
	ck_assert_uint_eq(info->wVersion, 1);
	ck_assert_uint_eq(info->wRPCID, RPC_C_AUTHN_WINNT);
	FreeContextBuffer(info);
	ck_status(QuerySecurityPackageInfoA("Negotiate", &info), SEC_E_OK);
	ck_assert(info->fCapabilities == nego_base || info->fCapabilities == (nego_base | newer));
	ck_assert_uint_eq(info->wVersion, 1);
	ck_assert_uint_eq(info->wRPCID, RPC_C_AUTHN_GSS_NEGOTIATE);
	FreeContextBuffer(info);
}
END_TEST

/* A CHALLENGE as an old or minimal server sends it: flags 0xa0828205
 * (Unicode, NTLM, ALWAYS_SIGN, TARGET_INFO, 128, 56: no extended session
 * security, no SIGN, SEAL or KEY_EXCH), NetBIOS and DNS names, no
 * timestamp. Built here byte by byte. */
static size_t old_server_challenge(unsigned char *m)
{
	static const char *const names[] = {"CASINO01", "CASINO01", "casino01", "casino01"};
	static const unsigned ids[] = {2, 1, 4, 3};
	size_t off = 48, ti_off, n;

	memset(m, 0, 512);
	memcpy(m, "NTLMSSP", 8);
	m[8] = 2;
	/* Target name at 48: "CASINO01" in UTF-16LE. */
	for (n = 0; n < 8; n++)
		m[off + 2 * n] = (unsigned char)names[0][n];
	m[12] = m[14] = 16;
	m[16] = 48;
	off += 16;
	m[20] = 0x05, m[21] = 0x82, m[22] = 0x82, m[23] = 0xa0;
	memcpy(m + 24, "\xe9\x58\x7f\x14\xa2\x86\x3b\x63", 8);
	ti_off = off;
	for (int i = 0; i < 4; i++) {
		m[off] = (unsigned char)ids[i];
		m[off + 2] = 16;
		for (n = 0; n < 8; n++)
			m[off + 4 + 2 * n] = (unsigned char)names[i][n];
		off += 4 + 16;
	}
	off += 4; /* MsvAvEOL */
	m[40] = m[42] = (unsigned char)(off - ti_off);
	m[44] = (unsigned char)ti_off;
	return off;
}

/* ntlm.c testAuth/testSignSeal (fake server): a CHALLENGE without
 * extended session security is taken when no signing or sealing was asked
 * for; the signatures are then the dummy ones. Asked for sealing, we
 * refuse it (NTLMv1-style session security is not implemented). */
START_TEST(challenge_without_extended_session_security)
{
	static const unsigned char dummy[16] = {1};
	unsigned char buf[MAX_TOKEN], chal[512], sig[16];
	char msg[] = "Hello, world!";
	SecBuffer ob, ib, b[2] = {{sizeof(sig), SECBUFFER_TOKEN, sig}, {13, SECBUFFER_DATA, msg}};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	size_t chal_len = old_server_challenge(chal);
	CredHandle c;
	CtxtHandle ctx;
	ULONG attrs, qop;
	TimeStamp t;
	SecPkgContext_KeyInfoA key;

	ck_status(client_cred("NTLM", &c), SEC_E_OK);
	for (int seal = 0; seal < 2; seal++) {
		ULONG req = seal ? ISC_REQ_CONFIDENTIALITY : 0;

		ob = (SecBuffer){sizeof(buf), SECBUFFER_TOKEN, buf};
		ck_status(InitializeSecurityContextA(&c, NULL, NULL, req, 0, SECURITY_NETWORK_DREP,
						     NULL, 0, &ctx, &out, &attrs, &t),
			  SEC_I_CONTINUE_NEEDED);
		ib = (SecBuffer){(ULONG)chal_len, SECBUFFER_TOKEN, chal};
		ob = (SecBuffer){sizeof(buf), SECBUFFER_TOKEN, buf};
		if (seal) {
			ck_status(InitializeSecurityContextA(NULL, &ctx, NULL, req, 0,
							     SECURITY_NETWORK_DREP, &in, 0, &ctx,
							     &out, &attrs, &t),
				  SEC_E_UNSUPPORTED_FUNCTION);
			ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "extended"));
		} else {
			ck_status(InitializeSecurityContextA(NULL, &ctx, NULL, req, 0,
							     SECURITY_NETWORK_DREP, &in, 0, &ctx,
							     &out, &attrs, &t),
				  SEC_E_OK);
			ck_assert_uint_gt(ob.cbBuffer, 0);
			/* Without extended session security: RC4 over a CRC32 (-132). */
			ck_status(QueryContextAttributesA(&ctx, SECPKG_ATTR_KEY_INFO, &key), SEC_E_OK);
			ck_assert_str_eq(key.sSignatureAlgorithmName, "RSADSI RC4-CRC32");
			ck_assert_str_eq(key.sEncryptAlgorithmName, "RSADSI RC4");
			ck_assert_uint_eq(key.SignatureAlgorithm, 0xffffff7cu);
			ck_assert_uint_eq(key.EncryptAlgorithm, 0x6801);
			FreeContextBuffer(key.sSignatureAlgorithmName);
			FreeContextBuffer(key.sEncryptAlgorithmName);
			ck_status(MakeSignature(&ctx, 0, &d, 0), SEC_E_OK);
			ck_assert_mem_eq(sig, dummy, 16);
			ck_status(VerifySignature(&ctx, &d, 0, &qop), SEC_E_OK);
			sig[8] = 0xe8;
			ck_status(VerifySignature(&ctx, &d, 0, &qop), SEC_E_MESSAGE_ALTERED);
			b[0].cbBuffer = sizeof(sig);
		}
		ck_status(DeleteSecurityContext(&ctx), SEC_E_OK);
	}
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
}
END_TEST

/* The same downgrade done by a man in the middle to our own server:
 * extended session security cleared from the client's NEGOTIATE. The
 * server goes along (nothing was asked that needs it), but the client's
 * MIC covers the NEGOTIATE it sent, so the server refuses the AUTHENTICATE. */
START_TEST(extended_session_security_stripped_on_the_way)
{
	unsigned char cbuf[MAX_TOKEN], sbuf[MAX_TOKEN];
	SecBuffer cob, sob, cib, sib;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &cob}, sout = {SECBUFFER_VERSION, 1, &sob};
	SecBufferDesc cin = {SECBUFFER_VERSION, 1, &cib}, sin = {SECBUFFER_VERSION, 1, &sib};
	CredHandle c, s;
	CtxtHandle cc, sc;
	ULONG attrs;
	TimeStamp t;

	ck_status(client_cred("NTLM", &c), SEC_E_OK);
	server_cred("NTLM", &s);
	cob = (SecBuffer){sizeof(cbuf), SECBUFFER_TOKEN, cbuf};
	ck_status(InitializeSecurityContextA(&c, NULL, NULL, 0, 0, 0, NULL, 0, &cc, &cout, &attrs,
					     &t),
		  SEC_I_CONTINUE_NEEDED);
	cbuf[14] &= (unsigned char)~0x08; /* NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY */
	sib = (SecBuffer){cob.cbBuffer, SECBUFFER_TOKEN, cbuf};
	sob = (SecBuffer){sizeof(sbuf), SECBUFFER_TOKEN, sbuf};
	ck_status(AcceptSecurityContext(&s, NULL, &sin, 0, 0, &sc, &sout, &attrs, &t),
		  SEC_I_CONTINUE_NEEDED);
	ck_assert_uint_eq(sbuf[22] & 0x08, 0); /* the CHALLENGE offers none either */
	cib = (SecBuffer){sob.cbBuffer, SECBUFFER_TOKEN, sbuf};
	cob = (SecBuffer){sizeof(cbuf), SECBUFFER_TOKEN, cbuf};
	ck_status(InitializeSecurityContextA(NULL, &cc, NULL, 0, 0, 0, &cin, 0, &cc, &cout, &attrs,
					     &t),
		  SEC_E_OK);
	sib = (SecBuffer){cob.cbBuffer, SECBUFFER_TOKEN, cbuf};
	sob = (SecBuffer){sizeof(sbuf), SECBUFFER_TOKEN, sbuf};
	ck_status(AcceptSecurityContext(&s, &sc, &sin, 0, 0, &sc, &sout, &attrs, &t),
		  SEC_E_MESSAGE_ALTERED);
	ck_status(DeleteSecurityContext(&cc), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sc), SEC_E_OK);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("windows_facts");
	TCase *t = tcase_create("wine");
	SRunner *runner;
	int fd, failed;
	const char line[] = "WORKGROUP:testuser:testpass\n";

	strcpy(user_file, "/tmp/sspi-gss-facts-XXXXXX");
	fd = mkstemp(user_file);
	if (fd < 0 || write(fd, line, sizeof(line) - 1) != (ssize_t)(sizeof(line) - 1))
		return EXIT_FAILURE;
	close(fd);
	setenv("NTLM_USER_FILE", user_file, 1);
	/* Never the machine's Kerberos: Negotiate then has NTLM alone. */
	setenv("KRB5_CONFIG", "/nonexistent/krb5.conf", 1);
	setenv("KRB5CCNAME", "FILE:/nonexistent/ccache", 1);
	setenv("KRB5_KTNAME", "FILE:/nonexistent/keytab", 1);
	tcase_add_test(t, no_room_for_the_first_token);
	tcase_add_test(t, negotiate_flags_follow_the_request);
	tcase_add_test(t, logon_without_target_or_flags);
	tcase_add_test(t, negotiate_client_completes_without_the_last_token);
	tcase_add_test(t, dummy_signature_without_signing);
	tcase_add_test(t, package_info);
	tcase_add_test(t, reserved_slots_seal);
	tcase_add_test(t, challenge_without_extended_session_security);
	tcase_add_test(t, extended_session_security_stripped_on_the_way);
	suite_add_tcase(s, t);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	unlink(user_file);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
