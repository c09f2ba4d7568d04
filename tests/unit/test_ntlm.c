/*
 * test_ntlm.c - the NTLM package through the SSPI, client and server in one
 * process, the server validating against a user file (NTLM_USER_FILE).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kerberos_util.h"

#define NREQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT | \
	      ISC_REQ_REPLAY_DETECT | ISC_REQ_CONNECTION)

static char user_file[64], client_file[64];

/* This host's NetBIOS name: the domain our acceptor is, the domain of its
 * domain-less (local) accounts. */
static void local_domain(char out[16])
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	host[15] = '\0';
	for (char *p = host; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	strcpy(out, host);
}

static void write_temp(char *path, const char *pattern, const char *text)
{
	int fd;
	FILE *f;

	strcpy(path, pattern);
	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static void make_acceptor_file(void);

static void make_user_file(void)
{
	/* The client's own credentials (its default identity is the first). */
	write_temp(client_file, "/tmp/sspi-gss-ntlm-client-XXXXXX",
		   "SSPI:alice:Alice-Pass-1\nSSPI.TEST:carol:Carol-Pass-3\n");
	setenv("SSPI_GSS_NTLM_CLIENT_FILE", client_file, 1);
	make_acceptor_file();
}

static void make_acceptor_file(void)
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

/* The status of a credential's first InitializeSecurityContext. */
static SECURITY_STATUS first_leg(CredHandle *c)
{
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &tok};
	CtxtHandle ctx;
	ULONG attrs;
	SECURITY_STATUS st;

	st = InitializeSecurityContextA(c, NULL, "HTTP/server.example",
					NREQ | ISC_REQ_ALLOCATE_MEMORY, 0, SECURITY_NATIVE_DREP, NULL,
					0, &ctx, &out, &attrs, NULL);
	if (tok.pvBuffer != NULL)
		FreeContextBuffer(tok.pvBuffer);
	if (st == SEC_I_CONTINUE_NEEDED)
		DeleteSecurityContext(&ctx);
	return st;
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
	{
		/* A user file is no domain: no logon information either side. */
		PSSPI_GSS_LOGON_INFO info = NULL;

		ck_status(QueryContextAttributesA(&p.sctx, SSPI_GSS_ATTR_LOGON_INFO, &info),
			  SEC_E_UNSUPPORTED_FUNCTION);
		ck_status(QueryContextAttributesW(&p.cctx, SSPI_GSS_ATTR_LOGON_INFO, &info),
			  SEC_E_UNSUPPORTED_FUNCTION);
		ck_assert_ptr_null(info);
	}
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

/* Large sealed messages (both ways of sealing, AUTO switching
 * between them), split in DATA parts with a read-only part between: a
 * forged one is refused, its ciphertext left as it came, and the genuine
 * one then opens; 20 rounds so that AUTO takes each way. */
START_TEST(forged_large_sealed)
{
	static const size_t lengths[] = {0, 1, 511, 512, 513, 2048, 8193, 70000};
	struct npair p;
	unsigned char tok[16], hdr[7] = "HEADER";
	unsigned char *a = malloc(70000), *plain = malloc(70000), *sent = malloc(70000);
	ULONG qop;

	ck_assert(a != NULL && plain != NULL && sent != NULL);
	npair_up(&p, "alice", "SSPI", "Alice-Pass-1");
	for (int round = 0; round < 20; round++)
		for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
			size_t len = lengths[k], cut = len / 3;
			SecBuffer b[4] = {{sizeof(tok), SECBUFFER_TOKEN, tok},
					  {(ULONG)cut, SECBUFFER_DATA, a},
					  {sizeof(hdr), SECBUFFER_DATA | SECBUFFER_READONLY, hdr},
					  {(ULONG)(len - cut), SECBUFFER_DATA, a + cut}};
			SecBufferDesc d = {SECBUFFER_VERSION, 4, b};

			for (size_t i = 0; i < len; i++)
				plain[i] = (unsigned char)(i * 13 + k + (size_t)round);
			memcpy(a, plain, len);
			ck_status(EncryptMessage(&p.cctx, 0, &d, (ULONG)k), SEC_E_OK);
			memcpy(sent, a, len);
			/* Forged: one ciphertext byte, or the signature. */
			if (len > 0)
				a[len / 2] ^= 0x40;
			else
				tok[5] ^= 1;
			ck_status(DecryptMessage(&p.sctx, &d, 0, &qop), SEC_E_MESSAGE_ALTERED);
			if (len > 0) {
				a[len / 2] ^= 0x40;
				ck_assert_msg(memcmp(a, sent, len) == 0,
					      "round %d, %zu bytes: ciphertext not put back", round, len);
			} else {
				tok[5] ^= 1;
			}
			ck_status(DecryptMessage(&p.sctx, &d, 0, &qop), SEC_E_OK);
			ck_assert_msg(len == 0 || memcmp(a, plain, len) == 0,
				      "round %d, %zu bytes: plaintext", round, len);
		}
	npair_down(&p);
	free(a);
	free(plain);
	free(sent);
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

/* More buffers than live on the stack (16): 20 DATA pieces sealed open
 * as one DATA buffer (the signature and key stream run over the pieces in
 * order); READONLY pieces among them; signed only. */
START_TEST(many_buffers)
{
	struct npair p;
	unsigned char tok[16], data[200], plain[200];
	SecBuffer b[24];
	SecBufferDesc d = {SECBUFFER_VERSION, 21, b};
	ULONG qop;

	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (unsigned char)(i * 7 + 1);
	npair_up(&p, "alice", "SSPI", "Alice-Pass-1");
	memcpy(data, plain, sizeof(data));
	b[0] = (SecBuffer){sizeof(tok), SECBUFFER_TOKEN, tok};
	for (int i = 0; i < 20; i++)
		b[1 + i] = (SecBuffer){10, SECBUFFER_DATA, data + 10 * i};
	ck_status(EncryptMessage(&p.cctx, 0, &d, 0), SEC_E_OK);
	ck_assert(memcmp(data, plain, sizeof(data)) != 0);
	b[1] = (SecBuffer){sizeof(data), SECBUFFER_DATA, data};
	d.cBuffers = 2;
	ck_status(DecryptMessage(&p.sctx, &d, 0, &qop), SEC_E_OK);
	ck_assert_mem_eq(data, plain, sizeof(data));

	/* 20 pieces, every fifth read-only, plus two more: 23 buffers. */
	memcpy(data, plain, sizeof(data));
	for (int i = 0; i < 22; i++)
		b[1 + i] = (SecBuffer){i < 20 ? 10 : 0,
				       i % 5 == 0 ? SECBUFFER_DATA | SECBUFFER_READONLY
						  : SECBUFFER_DATA,
				       i < 20 ? data + 10 * i : NULL};
	b[0] = (SecBuffer){sizeof(tok), SECBUFFER_TOKEN, tok};
	d.cBuffers = 23;
	ck_status(EncryptMessage(&p.sctx, 0, &d, 0), SEC_E_OK);
	ck_assert_mem_eq(data, plain, 10); /* read-only: not encrypted */
	ck_assert(memcmp(data + 10, plain + 10, 10) != 0);
	data[50] ^= 1; /* a read-only piece changed */
	ck_status(DecryptMessage(&p.cctx, &d, 0, &qop), SEC_E_MESSAGE_ALTERED);
	data[50] ^= 1;
	ck_status(DecryptMessage(&p.cctx, &d, 0, &qop), SEC_E_OK);
	ck_assert_mem_eq(data, plain, sizeof(data));

	/* Signed only: nothing encrypted, the same checks. */
	ck_status(EncryptMessage(&p.cctx, SECQOP_WRAP_NO_ENCRYPT, &d, 0), SEC_E_OK);
	ck_assert_mem_eq(data, plain, sizeof(data));
	ck_status(VerifySignature(&p.sctx, &d, 0, &qop), SEC_E_OK);
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
	ck_assert_ptr_nonnull(
		strstr(SspiGssGetLastErrorText(), "unknown user or wrong password for SSPI\\alice"));
	/* A failing last leg leaves the context to be deleted by the caller. */
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);

	ck_status(acquire_ntlm("mallory", "SSPI", "x", &c), SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_LOGON_DENIED);
	/* An unknown user is told apart from a wrong password by nothing. */
	ck_assert_ptr_nonnull(
		strstr(SspiGssGetLastErrorText(), "unknown user or wrong password for SSPI\\mallory"));
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	/* A name with a line break cannot forge a line of the error text. */
	ck_status(acquire_ntlm("mal\nlory", "SSPI", "x", &c), SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_LOGON_DENIED);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "SSPI\\mal?lory"));
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
	/* A domain-less hash line: a local account, whatever domain the
	 * client names, reported as of this server's domain. */
	{
		char local[16], want[64];

		local_domain(local);
		snprintf(want, sizeof(want), "%s\\bob", local);
		npair_up(&p, "bob", "WHEREVER", "Bob-Pass-2");
		expect_client_name(&p.sctx, want);
		npair_down(&p);
	}
	/* A UPN, sent whole with no domain as Windows does. */
	npair_up(&p, "carol@SSPI.TEST", NULL, "Carol-Pass-3");
	/* The entry it matched names her, as a Windows server would. */
	expect_client_name(&p.sctx, "SSPI.TEST\\carol");
	npair_down(&p);
	/* No identity: the client file's first entry. */
	npair_up(&p, NULL, NULL, NULL);
	expect_client_name(&p.sctx, "SSPI\\alice");
	npair_down(&p);
	/* A user without a password: the client file supplies it. */
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

/* Extended protection set on the server's credential: off, required, and
 * the target name checked, for NTLM and for Negotiate choosing NTLM. */
static SECURITY_STATUS set_epa(CredHandle *s, unsigned level, unsigned flags,
			       const char *const *names)
{
	SSPI_GSS_EXTENDED_PROTECTION ep = {SSPI_GSS_EXTENDED_PROTECTION_VERSION, sizeof(ep),
					   level, flags, names};

	return SetCredentialsAttributesA(s, SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION, &ep,
					 sizeof(ep));
}

static SECURITY_STATUS bound_logon(const char *package, CredHandle *s, const char *target,
				   SecBuffer *ccb, SecBuffer *scb)
{
	SEC_WINNT_AUTH_IDENTITY_EXA id = {
		.Version = SEC_WINNT_AUTH_IDENTITY_VERSION, .Length = sizeof(id),
		.User = (UCHAR *)"alice", .UserLength = 5, .Domain = (UCHAR *)"SSPI",
		.DomainLength = 4, .Password = (UCHAR *)"Alice-Pass-1", .PasswordLength = 12,
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI, .PackageList = (UCHAR *)"NTLM",
		.PackageListLength = 4,
	};
	struct loop o = {.target = target, .isc_req = NREQ, .client_cb = ccb, .server_cb = scb};
	CredHandle c;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	TimeStamp t;
	SECURITY_STATUS st;

	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL,
					    &id, NULL, NULL, &c, &t),
		  SEC_E_OK);
	st = handshake_loop(&o, &c, s, &cctx, &sctx, &ca, &sa);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	return st;
}

START_TEST(extended_protection)
{
	static const char *const ours[] = {"HTTP/server.example", NULL};
	static const char *const pkgs[] = {"NTLM", "Negotiate"};
	unsigned char a[128], b[128];
	SecBuffer ca = bindings((void *)a, sizeof(a), "tls-server-end-point:AAAA");
	SecBuffer cb = bindings((void *)b, sizeof(b), "tls-server-end-point:BBBB");
	SSPI_GSS_EXTENDED_PROTECTION bad = {SSPI_GSS_EXTENDED_PROTECTION_VERSION, sizeof(bad), 7, 0,
					    NULL};
	CredHandle s, c;
	TimeStamp t;

	for (int i = 0; i < 2; i++) {
		ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkgs[i], SECPKG_CRED_INBOUND,
						    NULL, NULL, NULL, NULL, &s, &t),
			  SEC_E_OK);
		/* The default (when supported): other bindings are refused. */
		ck_status(bound_logon(pkgs[i], &s, "HTTP/server.example", &ca, &cb),
			  SEC_E_BAD_BINDINGS);
		/* Off: not looked at. */
		ck_status(set_epa(&s, SSPI_GSS_EPA_OFF, 0, NULL), SEC_E_OK);
		ck_status(bound_logon(pkgs[i], &s, "HTTP/server.example", &ca, &cb), SEC_E_OK);
		/* Required: a client without bindings is refused... */
		ck_status(set_epa(&s, SSPI_GSS_EPA_REQUIRED, SSPI_GSS_EPA_CHECK_TARGET_NAME, ours),
			  SEC_E_OK);
		ck_status(bound_logon(pkgs[i], &s, "HTTP/server.example", NULL, &ca),
			  SEC_E_BAD_BINDINGS);
		/* ...one bound to our channel and naming us passes... */
		ck_status(bound_logon(pkgs[i], &s, "http/SERVER.example", &ca, &ca), SEC_E_OK);
		/* ...one whose token was meant for another service does not. */
		ck_status(bound_logon(pkgs[i], &s, "HTTP/other.example", &ca, &ca),
			  SEC_E_BAD_BINDINGS);
		ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "target name"));
		/* Bad settings change nothing. */
		ck_status(SetCredentialsAttributesA(&s, SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION, &bad,
						    sizeof(bad)),
			  SEC_E_INVALID_PARAMETER);
		ck_status(SetCredentialsAttributesW(&s, SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION, &bad,
						    sizeof(bad) - 1),
			  SEC_E_INVALID_PARAMETER);
		ck_status(bound_logon(pkgs[i], &s, "HTTP/other.example", &ca, &ca),
			  SEC_E_BAD_BINDINGS);
		FreeCredentialsHandle(&s);
	}
	/* Outbound credentials take none. */
	ck_status(acquire_ntlm("alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	ck_status(set_epa(&c, SSPI_GSS_EPA_REQUIRED, 0, NULL), SEC_E_INVALID_PARAMETER);
	ck_status(SetCredentialsAttributesA(&c, 12345, &bad, sizeof(bad)),
		  SEC_E_UNSUPPORTED_FUNCTION);
	FreeCredentialsHandle(&c);
	ck_status(set_epa(&c, SSPI_GSS_EPA_REQUIRED, 0, NULL), SEC_E_INVALID_HANDLE);
}
END_TEST

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
	unsetenv("SSPI_GSS_NTLM_CLIENT_FILE");
	ck_status(acquire_ntlm(NULL, NULL, NULL, &c), SEC_E_NO_CREDENTIALS);
	setenv("SSPI_GSS_NTLM_CLIENT_FILE", client_file, 1);
	setenv("NTLM_USER_FILE", user_file, 1);
	/* A user with no password is acquired, as on Windows; the logon
	 * fails at the first leg, with the reason. */
	ck_status(acquire_ntlm("nobody", "SSPI", NULL, &c), SEC_E_OK);
	ck_status(first_leg(&c), SEC_E_NO_CREDENTIALS);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "no password given"));
	FreeCredentialsHandle(&c);
}
END_TEST

/* SSPI_GSS_NTLM_DATABASE: each credential its own user file, none in the
 * environment. */
static SECURITY_STATUS acquire_with_file(ULONG use, const char *file, unsigned int length,
					 CredHandle *cred)
{
	SSPI_GSS_NTLM_DATABASE db = {SSPI_GSS_NTLM_DATABASE_VERSION, length, file, NULL, 0};
	TimeStamp t;

	return AcquireCredentialsHandleA(NULL, "NTLM", use, NULL, &db, NULL, NULL, cred, &t);
}

/* FreeRDP WinPR's workstation-name attributes (sspi-gss.h): the client
 * sets the name before its AUTHENTICATE, both sides read it after, as
 * FreeRDP 3 does. */
START_TEST(winpr_hostname_attributes)
{
	CredHandle c, sv;
	CtxtHandle cctx, sctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, ib, sb = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};
	SecBufferDesc sout = {SECBUFFER_VERSION, 1, &sb};
	ULONG attrs, len = 0;
	TimeStamp exp;
	char name[64];
	SEC_WCHAR wname[64];

	ck_status(acquire_ntlm("alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	acquire_ntlm_server(&sv);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/server.example",
					     NREQ | ISC_REQ_ALLOCATE_MEMORY, 0, 0, NULL, 0, &cctx,
					     &out, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	/* Not yet known: the AUTHENTICATE carries it. */
	ck_status(QueryContextAttributesA(&cctx, SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME_LEN, &len),
		  SEC_E_INVALID_HANDLE);
	ck_status(SetContextAttributesA(&cctx, SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME, "RDPBOX", 6),
		  SEC_E_OK);
	ib = ob;
	ck_status(AcceptSecurityContext(&sv, NULL, &in, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &sout,
					&attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ib.pvBuffer);
	ib = sb;
	ob = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextA(&c, &cctx, "HTTP/server.example",
					     NREQ | ISC_REQ_ALLOCATE_MEMORY, 0, 0, &in, 0, &cctx,
					     &out, &attrs, &exp),
		  SEC_E_OK);
	FreeContextBuffer(ib.pvBuffer);
	ck_status(accept_token(&sv, &sctx, &sctx, ob.pvBuffer, ob.cbBuffer), SEC_E_OK);
	FreeContextBuffer(ob.pvBuffer);
	for (int side = 0; side < 2; side++) {
		CtxtHandle *h = side ? &sctx : &cctx;

		ck_status(QueryContextAttributesA(h, SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME_LEN, &len),
			  SEC_E_OK);
		ck_assert_uint_eq(len, 12); /* UTF-16 bytes */
		memset(name, 0, sizeof(name));
		ck_status(QueryContextAttributesA(h, SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME, name),
			  SEC_E_OK);
		ck_assert_str_eq(name, "RDPBOX");
		memset(wname, 0, sizeof(wname));
		ck_status(QueryContextAttributesW(h, SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME, wname),
			  SEC_E_OK);
		ck_assert(memcmp(wname, u"RDPBOX", 12) == 0 && wname[6] == 0);
	}
	/* Once the AUTHENTICATE is gone, the name is no longer the client's to set. */
	ck_status(SetContextAttributesA(&cctx, SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME, "X", 1),
		  SEC_E_INVALID_HANDLE);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&sv);
}
END_TEST

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
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "unknown user or wrong password"));
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

/* An acceptor credential with its own user file. */
static void server_with_file(const char *file, CredHandle *cred)
{
	SSPI_GSS_NTLM_DATABASE db = {SSPI_GSS_NTLM_DATABASE_VERSION, sizeof(db), file, NULL, 0};
	TimeStamp t;

	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, &db, NULL, NULL,
					    cred, &t),
		  SEC_E_OK);
}

static SECURITY_STATUS logon_to(CredHandle *s, const char *user, const char *domain,
				const char *pw, CtxtHandle *sctx)
{
	struct loop o = {.target = "HTTP/server.example", .isc_req = NREQ};
	CredHandle c;
	CtxtHandle cctx;
	ULONG ca, sa;
	SECURITY_STATUS st;

	ck_status(acquire_ntlm(user, domain, pw, &c), SEC_E_OK);
	st = handshake_loop(&o, &c, s, &cctx, sctx, &ca, &sa);
	DeleteSecurityContext(&cctx);
	if (st != SEC_E_OK && o.failed_side == 's')
		DeleteSecurityContext(sctx);
	FreeCredentialsHandle(&c);
	return st;
}

/*
 * Who the client is comes from the entry that matched, never from its
 * claim: an entry of the very domain wins over a domain-less one, an empty
 * domain is the server's own (no wildcard), and the names come back as the
 * file spells them.
 */
START_TEST(names_come_from_the_entry)
{
	char file[64], local[16], want[64];
	CredHandle s;
	CtxtHandle sctx;

	write_temp(file, "/tmp/sspi-gss-ntlm-names-XXXXXX",
		   ":bob:Guest-Bob-1\nCORP:bob:Corp-Bob-Secret\nLAB:admin:Admin-Pass\n");
	local_domain(local);
	server_with_file(file, &s);
	/* The guest's password does not make one CORP\bob. */
	ck_status(logon_to(&s, "bob", "CORP", "Guest-Bob-1", &sctx), SEC_E_LOGON_DENIED);
	ck_status(logon_to(&s, "BOB", "corp", "Corp-Bob-Secret", &sctx), SEC_E_OK);
	expect_client_name(&sctx, "CORP\\bob");
	DeleteSecurityContext(&sctx);
	/* No domain: this server's, where bob is the local account. */
	ck_status(logon_to(&s, "bob", "", "Guest-Bob-1", &sctx), SEC_E_OK);
	snprintf(want, sizeof(want), "%s\\bob", local);
	expect_client_name(&sctx, want);
	DeleteSecurityContext(&sctx);
	/* LAB's admin is nobody's admin without naming LAB. */
	ck_status(logon_to(&s, "admin", "", "Admin-Pass", &sctx), SEC_E_LOGON_DENIED);
	ck_status(logon_to(&s, "admin", "lab", "Admin-Pass", &sctx), SEC_E_OK);
	expect_client_name(&sctx, "LAB\\admin");
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&s);
	unlink(file);
}
END_TEST

/* The acceptor's database is never the client's: with only NTLM_USER_FILE,
 * an outbound credential without identity or password finds nothing. */
START_TEST(default_identity_is_not_the_acceptors)
{
	CredHandle c;

	unsetenv("SSPI_GSS_NTLM_CLIENT_FILE");
	ck_status(acquire_ntlm(NULL, NULL, NULL, &c), SEC_E_NO_CREDENTIALS);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "SSPI_GSS_NTLM_CLIENT_FILE"));
	ck_status(acquire_ntlm("alice", "SSPI", NULL, &c), SEC_E_OK);
	ck_status(first_leg(&c), SEC_E_NO_CREDENTIALS);
	FreeCredentialsHandle(&c);
	setenv("SSPI_GSS_NTLM_CLIENT_FILE", client_file, 1);
	ck_status(acquire_ntlm(NULL, NULL, NULL, &c), SEC_E_OK);
	FreeCredentialsHandle(&c);
	/* bob is in the acceptor's file only. */
	ck_status(acquire_ntlm("bob", "", NULL, &c), SEC_E_OK);
	ck_status(first_leg(&c), SEC_E_NO_CREDENTIALS);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "client credentials file"));
	FreeCredentialsHandle(&c);
}
END_TEST

/* A client that offers OEM names and not Unicode (python3-ntlm-auth's
 * NEGOTIATE, flags 0xe288b032) gets an OEM CHALLENGE (MS-NLMP 2.2.2.5,
 * 3.2.5.1.1); one that offers neither is refused. Tests/python-peers.py
 * logs that client on. */
START_TEST(oem_client)
{
	unsigned char neg[32] = "NTLMSSP";
	CredHandle s;
	CtxtHandle sctx;
	SecBuffer ib = {sizeof(neg), SECBUFFER_TOKEN, neg}, ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};
	const unsigned char *ch;
	unsigned flags, name_len, name_off;
	ULONG a;
	TimeStamp t;

	neg[8] = 1;
	neg[12] = 0x32, neg[13] = 0xb0, neg[14] = 0x88, neg[15] = 0xe2;
	acquire_ntlm_server(&s);
	ck_status(AcceptSecurityContext(&s, NULL, &in, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx, &out, &a,
					&t),
		  SEC_I_CONTINUE_NEEDED);
	ch = ob.pvBuffer;
	flags = ch[20] | ch[21] << 8 | ch[22] << 16 | (unsigned)ch[23] << 24;
	ck_assert_uint_eq(flags & 3, 2); /* OEM, not UNICODE */
	name_len = ch[12] | ch[13] << 8;
	name_off = ch[16] | ch[17] << 8;
	ck_assert_uint_gt(name_len, 0);
	ck_assert_uint_le(name_off + name_len, ob.cbBuffer);
	for (unsigned i = 0; i < name_len; i++) /* one byte a character */
		ck_assert_uint_ne(ch[name_off + i], 0);
	FreeContextBuffer(ob.pvBuffer);
	DeleteSecurityContext(&sctx);
	neg[12] &= (unsigned char)~3;
	ck_status(accept_token(&s, NULL, &sctx, neg, sizeof(neg)), SEC_E_INVALID_TOKEN);
	ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "neither Unicode nor OEM"));
	FreeCredentialsHandle(&s);
}
END_TEST

/* No user but a password (Windows: the logged-on user with that
 * password): the default user, the password given; not the file's. */
START_TEST(password_without_user)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	TimeStamp t;

	acquire_ntlm_server(&s);
	id.Password = (UCHAR *)"Wrong-Pass";
	id.PasswordLength = (ULONG)strlen("Wrong-Pass");
	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_OUTBOUND, NULL, &id, NULL,
					    NULL, &c, &t),
		  SEC_E_OK);
	ck_status(ntlm_handshake(&c, &s, &cctx, &sctx, &ca, &sa), SEC_E_LOGON_DENIED);
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	id.Password = (UCHAR *)"Alice-Pass-1";
	id.PasswordLength = (ULONG)strlen("Alice-Pass-1");
	id.Domain = (UCHAR *)"SSPI";
	id.DomainLength = 4;
	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_OUTBOUND, NULL, &id, NULL,
					    NULL, &c, &t),
		  SEC_E_OK);
	ck_status(ntlm_handshake(&c, &s, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	expect_client_name(&sctx, "SSPI\\alice");
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* The AV pair of id `id` in a CHALLENGE's target info, or NULL. */
static unsigned char *challenge_av(unsigned char *msg, ULONG len, unsigned id)
{
	unsigned tlen = msg[40] | msg[41] << 8;
	unsigned off = msg[44] | msg[45] << 8 | msg[46] << 16 | (unsigned)msg[47] << 24;

	for (unsigned p = off; p + 4 <= off + tlen && p + 4 <= len;) {
		unsigned pid = msg[p] | msg[p + 1] << 8, n = msg[p + 2] | msg[p + 3] << 8;

		if (pid == id)
			return msg + p;
		if (pid == 0)
			break;
		p += 4 + n;
	}
	return NULL;
}

/*
 * A man in the middle between our client and server. Clearing SEAL in
 * the NEGOTIATE: the client, which asked for confidentiality, refuses the
 * CHALLENGE that does not grant it. Renaming the CHALLENGE's timestamp
 * pair (so the client sends no MIC): the server refuses the AUTHENTICATE.
 */
START_TEST(man_in_the_middle_cannot_downgrade)
{
	SecBuffer ctok = {0, SECBUFFER_TOKEN, NULL}, stok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ctok}, sout = {SECBUFFER_VERSION, 1, &stok};
	SecBufferDesc cin = {SECBUFFER_VERSION, 1, &stok}, sin = {SECBUFFER_VERSION, 1, &ctok};
	ULONG req = NREQ | ISC_REQ_ALLOCATE_MEMORY, a;
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	unsigned char *ts;
	TimeStamp t;

	ck_status(acquire_ntlm("alice", "SSPI", "Alice-Pass-1", &c), SEC_E_OK);
	acquire_ntlm_server(&s);
	for (int attack = 0; attack < 2; attack++) {
		ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/x", req, 0, 0, NULL, 0, &cctx,
						     &cout, &a, &t),
			  SEC_I_CONTINUE_NEEDED);
		if (attack == 0)
			((unsigned char *)ctok.pvBuffer)[12] &= (unsigned char)~0x20; /* SEAL */
		ck_status(AcceptSecurityContext(&s, NULL, &sin, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx,
						&sout, &a, &t),
			  SEC_I_CONTINUE_NEEDED);
		FreeContextBuffer(ctok.pvBuffer);
		if (attack == 0) {
			ck_status(InitializeSecurityContextA(&c, &cctx, "HTTP/x", req, 0, 0, &cin, 0,
							     &cctx, &cout, &a, &t),
				  SEC_E_UNSUPPORTED_FUNCTION);
			ck_assert_ptr_nonnull(strstr(SspiGssGetLastErrorText(), "confidentiality"));
			FreeContextBuffer(stok.pvBuffer);
		} else {
			ts = challenge_av(stok.pvBuffer, stok.cbBuffer, 7);
			ck_assert_ptr_nonnull(ts);
			ts[0] = 0x42; /* an id nobody knows */
			ck_status(InitializeSecurityContextA(&c, &cctx, "HTTP/x", req, 0, 0, &cin, 0,
							     &cctx, &cout, &a, &t),
				  SEC_E_OK);
			FreeContextBuffer(stok.pvBuffer);
			ck_status(AcceptSecurityContext(&s, &sctx, &sin, ASC_REQ_ALLOCATE_MEMORY, 0,
							&sctx, &sout, &a, &t),
				  SEC_E_MESSAGE_ALTERED);
			FreeContextBuffer(ctok.pvBuffer);
		}
		DeleteSecurityContext(&cctx);
		DeleteSecurityContext(&sctx);
	}
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* DeleteSecurityContext while another thread seals on the context: the
 * sealing thread sees SEC_E_OK until the handle is gone, then
 * SEC_E_INVALID_HANDLE, and nothing is used after it is freed (ASan,
 * valgrind and TSan run this). */
struct sealer {
	CtxtHandle ctx;
	_Atomic int started;
	long ok, invalid, other;
};

static void *seal_until_gone(void *arg)
{
	struct sealer *z = arg;

	for (;;) {
		char data[64] = "sealed while deleted";
		unsigned char sig[16];
		SecBuffer b[2] = {{sizeof(sig), SECBUFFER_TOKEN, sig}, {sizeof(data), SECBUFFER_DATA, data}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
		SECURITY_STATUS st = EncryptMessage(&z->ctx, 0, &d, 0);

		atomic_store(&z->started, 1);
		if (st == SEC_E_OK)
			z->ok++;
		else if (st == SEC_E_INVALID_HANDLE)
			return (z->invalid++, NULL);
		else
			return (z->other++, NULL);
	}
}

START_TEST(delete_while_sealing)
{
	struct npair p;
	struct sealer z[2];
	pthread_t th[2];

	npair_up(&p, "alice", "SSPI", "Alice-Pass-1");
	z[0] = (struct sealer){.ctx = p.cctx};
	z[1] = (struct sealer){.ctx = p.cctx};
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, seal_until_gone, &z[i]), 0);
	while (!atomic_load(&z[0].started) || !atomic_load(&z[1].started))
		sched_yield();
	usleep(2000);
	ck_status(DeleteSecurityContext(&p.cctx), SEC_E_OK);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_gt(z[i].ok, 0);
		ck_assert_int_eq(z[i].invalid, 1);
		ck_assert_int_eq(z[i].other, 0);
	}
	ck_status(DeleteSecurityContext(&p.cctx), SEC_E_INVALID_HANDLE);
	ck_status(DeleteSecurityContext(&p.sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&p.ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&p.scred), SEC_E_OK);
}
END_TEST

static Suite *ntlm_suite(void)
{
	Suite *s = suite_create("ntlm");
	TCase *t = tcase_create("sspi");

	tcase_add_test(t, handshake_and_attributes);
	tcase_add_test(t, signatures_tamper_and_replay);
	tcase_add_test(t, sealed_tamper_stream_readonly);
	tcase_add_test(t, many_buffers);
	tcase_add_test(t, wrong_password_and_unknown_user);
	tcase_add_test(t, identity_forms);
	tcase_add_test(t, wide_forms);
	tcase_add_test(t, channel_bindings);
	tcase_add_test(t, extended_protection);
	tcase_add_test(t, malformed_tokens);
	tcase_add_test(t, mic_protects_the_exchange);
	tcase_add_test(t, integrity_only_and_credentials);
	tcase_add_test(t, user_file_per_credential);
	tcase_add_test(t, names_come_from_the_entry);
	tcase_add_test(t, default_identity_is_not_the_acceptors);
	tcase_add_test(t, password_without_user);
	tcase_add_test(t, oem_client);
	tcase_add_test(t, man_in_the_middle_cannot_downgrade);
	tcase_add_test(t, delete_while_sealing);
	tcase_add_test(t, forged_large_sealed);
	tcase_add_test(t, winpr_hostname_attributes);
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
	unlink(client_file);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
