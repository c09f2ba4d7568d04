/*
 * test_ntlm.c - the NTLM package through the SSPI, client and server in one
 * process, the server validating against a user file (NTLM_USER_FILE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kerberos_util.h"

#define NREQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT | \
	      ISC_REQ_REPLAY_DETECT | ISC_REQ_CONNECTION)

static char user_file[64];

static void make_user_file(void)
{
	int fd;
	FILE *f;

	strcpy(user_file, "/tmp/sspi-gss-ntlm-users-XXXXXX");
	fd = mkstemp(user_file);
	f = fdopen(fd, "w");
	/* bob's line is the NT hash of "Bob-Pass-2", so no plaintext. */
	fputs("SSPI:alice:Alice-Pass-1\n"
	      ":bob:04f495a6fcf83f82883cf5f484c1c6ab\n"
	      "SSPI.TEST:carol:Carol-Pass-3\n",
	      f);
	fclose(f);
	setenv("NTLM_USER_FILE", user_file, 1);
}

static SECURITY_STATUS acquire_ntlm(const char *user, const char *domain, const char *pw,
				    CredHandle *cred)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {
		.User = (UCHAR *)user,
		.UserLength = user ? (ULONG)strlen(user) : 0,
		.Domain = (UCHAR *)domain,
		.DomainLength = domain ? (ULONG)strlen(domain) : 0,
		.Password = (UCHAR *)pw,
		.PasswordLength = pw ? (ULONG)strlen(pw) : 0,
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI,
	};
	TimeStamp expiry;

	return AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_OUTBOUND, NULL,
					 user ? &id : NULL, NULL, NULL, cred, &expiry);
}

static void acquire_ntlm_server(CredHandle *cred)
{
	TimeStamp expiry;

	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					    NULL, cred, &expiry),
		  SEC_E_OK);
}

static SECURITY_STATUS ntlm_handshake(CredHandle *c, CredHandle *s, CtxtHandle *cctx,
				      CtxtHandle *sctx, ULONG *cattrs, ULONG *sattrs)
{
	struct loop o = {.target = "HTTP/server.example", .isc_req = NREQ,
			 .asc_req = ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY};
	SECURITY_STATUS st = handshake_loop(&o, c, s, cctx, sctx, cattrs, sattrs);

	if (st == SEC_E_OK)
		ck_assert_int_eq(o.legs, 3); /* NEGOTIATE, CHALLENGE, AUTHENTICATE */
	return st;
}

struct npair {
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	ULONG cattrs, sattrs;
};

static void npair_up(struct npair *p, const char *user, const char *domain, const char *pw)
{
	ck_status(acquire_ntlm(user, domain, pw, &p->ccred), SEC_E_OK);
	acquire_ntlm_server(&p->scred);
	ck_status(ntlm_handshake(&p->ccred, &p->scred, &p->cctx, &p->sctx, &p->cattrs, &p->sattrs),
		  SEC_E_OK);
}

static void npair_down(struct npair *p)
{
	ck_status(DeleteSecurityContext(&p->cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&p->sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&p->ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&p->scred), SEC_E_OK);
}

static void expect_client_name(CtxtHandle *h, const char *want)
{
	SecPkgContext_NamesA names;

	ck_status(QueryContextAttributesA(h, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, want);
	FreeContextBuffer(names.sUserName);
}

START_TEST(handshake_and_attributes)
{
	struct npair p;
	SecPkgContext_Sizes sizes;
	SecPkgContext_SessionKey ck, sk;
	SecPkgContext_PackageInfoA pi;

	npair_up(&p, "alice", "SSPI", "Alice-Pass-1");
	ck_assert_uint_eq(p.cattrs & (ISC_RET_CONFIDENTIALITY | ISC_RET_INTEGRITY),
			  ISC_RET_CONFIDENTIALITY | ISC_RET_INTEGRITY);
	ck_assert_uint_eq(p.cattrs & ISC_RET_MUTUAL_AUTH, 0); /* NTLM never is */
	ck_assert_uint_eq(p.sattrs & (ASC_RET_CONFIDENTIALITY | ASC_RET_INTEGRITY),
			  ASC_RET_CONFIDENTIALITY | ASC_RET_INTEGRITY);
	expect_client_name(&p.sctx, "SSPI\\alice");
	expect_client_name(&p.cctx, "SSPI\\alice");
	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
	ck_assert_uint_eq(sizes.cbMaxToken, 2888);
	ck_assert_uint_eq(sizes.cbMaxSignature, 16);
	ck_assert_uint_eq(sizes.cbBlockSize, 0);
	ck_assert_uint_eq(sizes.cbSecurityTrailer, 16);
	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_SESSION_KEY, &ck), SEC_E_OK);
	ck_status(QueryContextAttributesA(&p.sctx, SECPKG_ATTR_SESSION_KEY, &sk), SEC_E_OK);
	ck_assert_uint_eq(ck.SessionKeyLength, 16);
	ck_assert_uint_eq(sk.SessionKeyLength, 16);
	ck_assert_mem_eq(ck.SessionKey, sk.SessionKey, 16);
	FreeContextBuffer(ck.SessionKey);
	FreeContextBuffer(sk.SessionKey);
	ck_status(QueryContextAttributesA(&p.sctx, SECPKG_ATTR_PACKAGE_INFO, &pi), SEC_E_OK);
	ck_assert_str_eq(pi.PackageInfo->Name, "NTLM");
	FreeContextBuffer(pi.PackageInfo);
	seal_and_open(&p.cctx, &p.sctx, 0);
	seal_and_open(&p.sctx, &p.cctx, 0);
	seal_and_open(&p.cctx, &p.sctx, 0);
	npair_down(&p);
}
END_TEST

static SECURITY_STATUS sign(CtxtHandle *h, unsigned char *sig, char *text)
{
	SecBuffer b[2] = {{(ULONG)strlen(text), SECBUFFER_DATA, text}, {16, SECBUFFER_TOKEN, sig}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};

	return MakeSignature(h, 0, &d, 0);
}

static SECURITY_STATUS verify(CtxtHandle *h, unsigned char *sig, ULONG sig_len, char *text)
{
	SecBuffer b[2] = {{(ULONG)strlen(text), SECBUFFER_DATA, text},
			  {sig_len, SECBUFFER_TOKEN, sig}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	ULONG qop;

	return VerifySignature(h, &d, 0, &qop);
}

START_TEST(signatures_tamper_and_replay)
{
	struct npair p;
	unsigned char s1[16], s2[16], s3[16];
	char m1[] = "first message", m2[] = "second message", m3[] = "third";

	npair_up(&p, "alice", "SSPI", "Alice-Pass-1");
	ck_status(sign(&p.cctx, s1, m1), SEC_E_OK);
	ck_status(sign(&p.cctx, s2, m2), SEC_E_OK);
	ck_status(sign(&p.cctx, s3, m3), SEC_E_OK);
	ck_status(verify(&p.sctx, s1, 16, m1), SEC_E_OK);
	/* Replayed: the sequence number is behind. */
	ck_status(verify(&p.sctx, s1, 16, m1), SEC_E_OUT_OF_SEQUENCE);
	/* Changed text, changed checksum, short and malformed signatures. */
	m2[0] ^= 1;
	ck_status(verify(&p.sctx, s2, 16, m2), SEC_E_MESSAGE_ALTERED);
	m2[0] ^= 1;
	s2[5] ^= 1;
	ck_status(verify(&p.sctx, s2, 16, m2), SEC_E_MESSAGE_ALTERED);
	s2[5] ^= 1;
	ck_status(verify(&p.sctx, s2, 15, m2), SEC_E_INVALID_TOKEN);
	s2[0] = 2;
	ck_status(verify(&p.sctx, s2, 16, m2), SEC_E_INVALID_TOKEN);
	s2[0] = 1;
	/* None of that cost the context its place: the genuine ones pass. */
	ck_status(verify(&p.sctx, s2, 16, m2), SEC_E_OK);
	/* Skipped ahead: message 3 before message 2 would be out of order. */
	ck_status(verify(&p.sctx, s3, 16, m3), SEC_E_OK);
	/* The other direction has its own keys and numbers. */
	ck_status(sign(&p.sctx, s1, m1), SEC_E_OK);
	ck_status(verify(&p.sctx, s1, 16, m1), SEC_E_OUT_OF_SEQUENCE);
	ck_status(verify(&p.cctx, s1, 16, m1), SEC_E_OK);
	npair_down(&p);
}
END_TEST

START_TEST(sealed_tamper_stream_readonly)
{
	struct npair p;
	unsigned char tok[16], data[32], hdr[4] = "HDR!", stream[64];
	const char *text = "sealed payload 1234567890";
	size_t n = strlen(text);
	SecBuffer b[3];
	SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
	ULONG qop;

	npair_up(&p, "alice", "SSPI", "Alice-Pass-1");
	/* [TOKEN, DATA, READONLY DATA]: the header is signed, not encrypted. */
	memcpy(data, text, n);
	b[0] = (SecBuffer){sizeof(tok), SECBUFFER_TOKEN, tok};
	b[1] = (SecBuffer){(ULONG)n, SECBUFFER_DATA, data};
	b[2] = (SecBuffer){sizeof(hdr), SECBUFFER_DATA | SECBUFFER_READONLY, hdr};
	ck_status(EncryptMessage(&p.cctx, 0, &d, 0), SEC_E_OK);
	ck_assert_uint_eq(b[0].cbBuffer, 16);
	ck_assert(memcmp(data, text, n) != 0);
	ck_assert_mem_eq(hdr, "HDR!", 4);
	/* A changed read-only header is caught, and the ciphertext is left as
	 * it came, so the genuine message still opens. */
	hdr[0] = 'X';
	ck_status(DecryptMessage(&p.sctx, &d, 0, &qop), SEC_E_MESSAGE_ALTERED);
	hdr[0] = 'H';
	ck_status(DecryptMessage(&p.sctx, &d, 0, &qop), SEC_E_OK);
	ck_assert_mem_eq(data, text, n);
	ck_assert_uint_eq(qop, 0);

	/* [STREAM, DATA]: signature and ciphertext as one received block. */
	memcpy(data, text, n);
	b[0] = (SecBuffer){sizeof(tok), SECBUFFER_TOKEN, tok};
	b[1] = (SecBuffer){(ULONG)n, SECBUFFER_DATA, data};
	d.cBuffers = 2;
	ck_status(EncryptMessage(&p.sctx, 0, &d, 0), SEC_E_OK);
	memcpy(stream, tok, 16);
	memcpy(stream + 16, data, n);
	b[0] = (SecBuffer){(ULONG)(16 + n), SECBUFFER_STREAM, stream};
	b[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
	ck_status(DecryptMessage(&p.cctx, &d, 0, &qop), SEC_E_OK);
	ck_assert_uint_eq(b[1].cbBuffer, n);
	ck_assert_mem_eq(b[1].pvBuffer, text, n);
	/* A token buffer too small for the signature. */
	b[0] = (SecBuffer){8, SECBUFFER_TOKEN, tok};
	b[1] = (SecBuffer){(ULONG)n, SECBUFFER_DATA, data};
	ck_status(EncryptMessage(&p.cctx, 0, &d, 0), SEC_E_BUFFER_TOO_SMALL);
	npair_down(&p);
}
END_TEST

START_TEST(wrong_password_and_unknown_user)
{
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	struct loop o = {.target = "HTTP/server.example", .isc_req = NREQ};

	acquire_ntlm_server(&s);
	ck_status(acquire_ntlm("alice", "SSPI", "wrong", &c), SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_LOGON_DENIED);
	ck_assert_int_eq(o.failed_side, 's');
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "wrong password"));
	/* A failing last leg leaves the context to be deleted by the caller. */
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);

	ck_status(acquire_ntlm("mallory", "SSPI", "x", &c), SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_LOGON_DENIED);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "no user"));
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

START_TEST(identity_forms)
{
	struct npair p;

	/* DOMAIN\user in the user field. */
	npair_up(&p, "SSPI\\alice", NULL, "Alice-Pass-1");
	expect_client_name(&p.sctx, "SSPI\\alice");
	npair_down(&p);
	/* A hash line that matches any domain. */
	npair_up(&p, "bob", "WHEREVER", "Bob-Pass-2");
	expect_client_name(&p.sctx, "WHEREVER\\bob");
	npair_down(&p);
	/* A UPN, sent whole with no domain as Windows does. */
	npair_up(&p, "carol@SSPI.TEST", NULL, "Carol-Pass-3");
	expect_client_name(&p.sctx, "carol@SSPI.TEST");
	npair_down(&p);
	/* No identity: the user file's first entry. */
	npair_up(&p, NULL, NULL, NULL);
	expect_client_name(&p.sctx, "SSPI\\alice");
	npair_down(&p);
	/* A user without a password: the user file supplies it. */
	npair_up(&p, "carol", "SSPI.TEST", NULL);
	npair_down(&p);
}
END_TEST

START_TEST(wide_forms)
{
	SEC_WINNT_AUTH_IDENTITY_W id = {
		.User = (unsigned short *)u"alice",
		.UserLength = 5,
		.Domain = (unsigned short *)u"SSPI",
		.DomainLength = 4,
		.Password = (unsigned short *)u"Alice-Pass-1",
		.PasswordLength = 12,
		.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE,
	};
	SecBuffer ctok = {0, SECBUFFER_TOKEN, NULL}, stok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ctok}, sout = {SECBUFFER_VERSION, 1, &stok};
	SecBufferDesc cin = {SECBUFFER_VERSION, 1, &stok}, sin = {SECBUFFER_VERSION, 1, &ctok};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	SecPkgContext_NamesW names;
	ULONG a;
	TimeStamp t;

	ck_status(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"NTLM", SECPKG_CRED_OUTBOUND, NULL,
					    &id, NULL, NULL, &c, &t),
		  SEC_E_OK);
	ck_status(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"NTLM", SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, &s, &t),
		  SEC_E_OK);
	ck_status(InitializeSecurityContextW(&c, NULL, (SEC_WCHAR *)u"HTTP/server.example",
					     NREQ | ISC_REQ_ALLOCATE_MEMORY, 0, 0, NULL, 0, &cctx,
					     &cout, &a, &t),
		  SEC_I_CONTINUE_NEEDED);
	ck_status(AcceptSecurityContext(&s, NULL, &sin, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &sout,
					&a, &t),
		  SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ctok.pvBuffer);
	ck_status(InitializeSecurityContextW(&c, &cctx, NULL, NREQ | ISC_REQ_ALLOCATE_MEMORY, 0,
					     0, &cin, 0, &cctx, &cout, &a, &t),
		  SEC_E_OK);
	FreeContextBuffer(stok.pvBuffer);
	ck_status(AcceptSecurityContext(&s, &sctx, &sin, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &sout,
					&a, &t),
		  SEC_E_OK);
	ck_assert_uint_eq(stok.cbBuffer, 0);
	FreeContextBuffer(ctok.pvBuffer);
	ck_status(QueryContextAttributesW(&sctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_mem_eq(names.sUserName, u"SSPI\\alice", sizeof(u"SSPI\\alice"));
	FreeContextBuffer(names.sUserName);
	seal_and_open(&cctx, &sctx, 0);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

static SecBuffer bindings(SEC_CHANNEL_BINDINGS *cb, size_t size, const char *app)
{
	memset(cb, 0, size);
	cb->dwApplicationDataOffset = sizeof(*cb);
	cb->cbApplicationDataLength = (ULONG)strlen(app);
	memcpy((char *)cb + sizeof(*cb), app, strlen(app));
	return (SecBuffer){(ULONG)(sizeof(*cb) + strlen(app)), SECBUFFER_CHANNEL_BINDINGS, cb};
}

START_TEST(channel_bindings)
{
	unsigned char a[128], b[128];
	SecBuffer ca = bindings((void *)a, sizeof(a), "tls-server-end-point:AAAA");
	SecBuffer cb = bindings((void *)b, sizeof(b), "tls-server-end-point:BBBB");
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG x, y;
	struct loop o = {.target = "HTTP/server.example", .isc_req = NREQ};

	ck_status(acquire_ntlm("alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	acquire_ntlm_server(&s);
	o.client_cb = &ca;
	o.server_cb = &ca;
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &x, &y), SEC_E_OK);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	o.server_cb = &cb;
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &x, &y), SEC_E_BAD_BINDINGS);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	/* Bindings on one side only: let in, as Windows does by default. */
	o.server_cb = NULL;
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &x, &y), SEC_E_OK);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* One leg with a given input token. */
static SECURITY_STATUS accept_token(CredHandle *s, CtxtHandle *in_ctx, CtxtHandle *out_ctx,
				    void *tok, ULONG len)
{
	SecBuffer ib = {len, SECBUFFER_TOKEN, tok}, ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};
	ULONG a;
	TimeStamp t;
	SECURITY_STATUS st = AcceptSecurityContext(s, in_ctx, &in, ASC_REQ_ALLOCATE_MEMORY, 0,
						   out_ctx, &out, &a, &t);

	FreeContextBuffer(ob.pvBuffer);
	return st;
}

START_TEST(malformed_tokens)
{
	unsigned char junk[64], neg[40];
	CredHandle c, s;
	CtxtHandle sctx, cctx;
	SecBuffer ctok = {0, SECBUFFER_TOKEN, NULL}, bad = {sizeof(junk), SECBUFFER_TOKEN, junk};
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ctok}, cin = {SECBUFFER_VERSION, 1, &bad};
	ULONG a;
	TimeStamp t;

	memset(junk, 0xA5, sizeof(junk));
	acquire_ntlm_server(&s);
	ck_status(accept_token(&s, NULL, &sctx, junk, sizeof(junk)), SEC_E_INVALID_TOKEN);
	/* A CHALLENGE is not a first message either. */
	memcpy(junk, "NTLMSSP\0\2\0\0\0", 12);
	ck_status(accept_token(&s, NULL, &sctx, junk, sizeof(junk)), SEC_E_INVALID_TOKEN);

	/* A real NEGOTIATE, then junk where the AUTHENTICATE belongs: the
	 * context survives, to be deleted. */
	ck_status(acquire_ntlm("alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/x", NREQ | ISC_REQ_ALLOCATE_MEMORY, 0,
					     0, NULL, 0, &cctx, &cout, &a, &t),
		  SEC_I_CONTINUE_NEEDED);
	ck_assert_uint_le(ctok.cbBuffer, sizeof(neg));
	memcpy(neg, ctok.pvBuffer, ctok.cbBuffer);
	ck_status(accept_token(&s, NULL, &sctx, neg, ctok.cbBuffer), SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ctok.pvBuffer);
	memcpy(junk, "NTLMSSP\0\3\0\0\0", 12);
	ck_status(accept_token(&s, &sctx, &sctx, junk, sizeof(junk)), SEC_E_INVALID_TOKEN);
	/* The challenge is used up: no second answer to it. */
	ck_status(accept_token(&s, &sctx, &sctx, junk, sizeof(junk)), SEC_E_OUT_OF_SEQUENCE);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	/* The client fed junk instead of a CHALLENGE. */
	ck_status(InitializeSecurityContextA(&c, &cctx, "HTTP/x", NREQ | ISC_REQ_ALLOCATE_MEMORY, 0,
					     0, &cin, 0, &cctx, &cout, &a, &t),
		  SEC_E_INVALID_TOKEN);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

START_TEST(mic_protects_the_exchange)
{
	SecBuffer ctok = {0, SECBUFFER_TOKEN, NULL}, stok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ctok}, sout = {SECBUFFER_VERSION, 1, &stok};
	SecBufferDesc cin = {SECBUFFER_VERSION, 1, &stok}, sin = {SECBUFFER_VERSION, 1, &ctok};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG a;
	TimeStamp t;

	ck_status(acquire_ntlm("alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	acquire_ntlm_server(&s);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/x", NREQ | ISC_REQ_ALLOCATE_MEMORY, 0,
					     0, NULL, 0, &cctx, &cout, &a, &t),
		  SEC_I_CONTINUE_NEEDED);
	ck_status(AcceptSecurityContext(&s, NULL, &sin, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &sout,
					&a, &t),
		  SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ctok.pvBuffer);
	ck_status(InitializeSecurityContextA(&c, &cctx, "HTTP/x", NREQ | ISC_REQ_ALLOCATE_MEMORY, 0,
					     0, &cin, 0, &cctx, &cout, &a, &t),
		  SEC_E_OK);
	FreeContextBuffer(stok.pvBuffer);
	/* Our server's CHALLENGE has a timestamp, so the client sent a MIC
	 * at offset 72; one changed bit there is caught. */
	((unsigned char *)ctok.pvBuffer)[72] ^= 1;
	ck_status(AcceptSecurityContext(&s, &sctx, &sin, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &sout,
					&a, &t),
		  SEC_E_MESSAGE_ALTERED);
	FreeContextBuffer(ctok.pvBuffer);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

START_TEST(integrity_only_and_credentials)
{
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	struct loop o = {.target = "HTTP/server.example", .isc_req = ISC_REQ_INTEGRITY};
	unsigned char tok[16], sig[16];
	char data[] = "abc", msg[] = "signed";
	SecBuffer b[2] = {{16, SECBUFFER_TOKEN, tok}, {3, SECBUFFER_DATA, data}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	SecPkgCredentials_NamesA cn;
	TimeStamp t;

	ck_status(acquire_ntlm("alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	ck_status(QueryCredentialsAttributesA(&c, SECPKG_CRED_ATTR_NAMES, &cn), SEC_E_OK);
	ck_assert_str_eq(cn.sUserName, "SSPI\\alice");
	FreeContextBuffer(cn.sUserName);
	acquire_ntlm_server(&s);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	ck_assert_uint_eq(ca & ISC_RET_CONFIDENTIALITY, 0);
	/* No sealing was negotiated: EncryptMessage has nothing to use. */
	ck_status(EncryptMessage(&cctx, 0, &d, 0), SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(sign(&cctx, sig, msg), SEC_E_OK);
	ck_status(verify(&sctx, sig, 16, msg), SEC_E_OK);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);

	/* No user database: the acceptor has nothing to check against, and
	 * an unknown user with no password has nothing to prove. */
	unsetenv("NTLM_USER_FILE");
	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					    NULL, &s, &t),
		  SEC_E_NO_CREDENTIALS);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "NTLM_USER_FILE"));
	ck_status(acquire_ntlm(NULL, NULL, NULL, &c), SEC_E_NO_CREDENTIALS);
	setenv("NTLM_USER_FILE", user_file, 1);
	ck_status(acquire_ntlm("nobody", "SSPI", NULL, &c), SEC_E_NO_CREDENTIALS);
}
END_TEST

/* SSPI_GSS_NTLM_DATABASE: each credential its own user file, none in the
 * environment. */
static SECURITY_STATUS acquire_with_file(ULONG use, const char *file, unsigned int length,
					 CredHandle *cred)
{
	SSPI_GSS_NTLM_DATABASE db = {SSPI_GSS_NTLM_DATABASE_VERSION, length, file, NULL};
	TimeStamp t;

	return AcquireCredentialsHandleA(NULL, "NTLM", use, NULL, &db, NULL, NULL, cred, &t);
}

START_TEST(user_file_per_credential)
{
	char only_bob[64] = "/tmp/sspi-gss-ntlm-bob-XXXXXX";
	int fd = mkstemp(only_bob);
	FILE *f = fdopen(fd, "w");
	CredHandle c, s_all, s_bob;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	struct loop o = {.target = "HTTP/server.example", .isc_req = NREQ};

	fputs("SSPI:bob:Bob-Pass-2\n", f);
	fclose(f);
	unsetenv("NTLM_USER_FILE");
	ck_status(acquire_with_file(SECPKG_CRED_INBOUND, user_file, sizeof(SSPI_GSS_NTLM_DATABASE),
				    &s_all),
		  SEC_E_OK);
	ck_status(acquire_with_file(SECPKG_CRED_INBOUND, only_bob, sizeof(SSPI_GSS_NTLM_DATABASE),
				    &s_bob),
		  SEC_E_OK);
	/* An outbound credential takes the file's first entry: alice. */
	ck_status(acquire_with_file(SECPKG_CRED_OUTBOUND, user_file,
				    sizeof(SSPI_GSS_NTLM_DATABASE), &c),
		  SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s_all, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	expect_client_name(&sctx, "SSPI\\alice");
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	/* The other server's file has no alice. */
	ck_status(handshake_loop(&o, &c, &s_bob, &cctx, &sctx, &ca, &sa), SEC_E_LOGON_DENIED);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), only_bob));
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	ck_status(acquire_ntlm("bob", "SSPI", "Bob-Pass-2", &c), SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s_bob, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	expect_client_name(&sctx, "SSPI\\bob");
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s_all);
	FreeCredentialsHandle(&s_bob);

	/* A wrong Length is refused, not read as an identity. */
	ck_status(acquire_with_file(SECPKG_CRED_INBOUND, user_file, 8, &s_all),
		  SEC_E_INVALID_PARAMETER);
	/* An outbound credential whose file cannot be read finds nobody. */
	ck_status(acquire_with_file(SECPKG_CRED_OUTBOUND, "/nonexistent/users",
				    sizeof(SSPI_GSS_NTLM_DATABASE), &c),
		  SEC_E_NO_CREDENTIALS);
	setenv("NTLM_USER_FILE", user_file, 1);
	unlink(only_bob);
}
END_TEST

static Suite *ntlm_suite(void)
{
	Suite *s = suite_create("ntlm");
	TCase *t = tcase_create("sspi");

	tcase_add_test(t, handshake_and_attributes);
	tcase_add_test(t, signatures_tamper_and_replay);
	tcase_add_test(t, sealed_tamper_stream_readonly);
	tcase_add_test(t, wrong_password_and_unknown_user);
	tcase_add_test(t, identity_forms);
	tcase_add_test(t, wide_forms);
	tcase_add_test(t, channel_bindings);
	tcase_add_test(t, malformed_tokens);
	tcase_add_test(t, mic_protects_the_exchange);
	tcase_add_test(t, integrity_only_and_credentials);
	tcase_add_test(t, user_file_per_credential);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *runner;
	int failed;

	make_user_file();
	runner = srunner_create(ntlm_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	unlink(user_file);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
