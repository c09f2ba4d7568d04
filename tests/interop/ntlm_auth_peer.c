/*
 * ntlm_auth_peer.c - our NTLM, Negotiate or Kerberos package speaking the
 * line protocol of Samba's ntlm_auth helpers, so that peers we did not
 * write face ours: Samba's NTLMSSP and SPNEGO (tests/interop/samba-peer.py),
 * and the Python clients python3-ntlm-auth and python3-impacket
 * (tests/interop/python-peers.py).
 *
 *   ntlm_auth_peer server PACKAGE [require-mic] [dce] [bindings=<b64>]
 *       users from NTLM_USER_FILE, Kerberos keys from KRB5_KTNAME
 *       (require-mic: extended protection with SSPI_GSS_EPA_REQUIRE_MIC;
 *       dce: ASC_REQ_USE_DCE_STYLE, the three-leg exchange of DCE/RPC;
 *       bindings: a SECBUFFER_CHANNEL_BINDINGS whose application data is
 *       the base64 given, passed with every AcceptSecurityContext call);
 *       reads "YR <b64>" (first token) and "KK <b64>" (later ones); answers
 *       "TT <b64>" (continue), "AF [<b64>] <user>" (done, with a last token
 *       for the client when there is one) or "NA <status>".
 *   ntlm_auth_peer client PACKAGE USER DOMAIN PASSWORD TARGET [seal|sign|none]
 *       reads "YR" (start) and "TT <b64>" (the server's tokens); answers
 *       "YR <b64>" (first token), "KK <b64>" (more), "AF <b64>" (its last
 *       token), "AF *" (done, nothing to send) or "BH <status>".
 *
 * Once the context is established, either side also takes these requests
 * (every field base64, an empty field is an empty message):
 *
 *   SE <data> [<signed>]     EncryptMessage [TOKEN, (signed,) DATA, PADDING],
 *                            signed being a DATA buffer marked
 *                            SECBUFFER_READONLY_WITH_CHECKSUM (signed, not
 *                            sealed); answers "SE <token> <data+padding>"
 *   UN <token> <data> [<signed>]
 *                            DecryptMessage [TOKEN, (signed,) DATA];
 *                            answers "UN <plaintext>"
 *   SG <data>                MakeSignature [DATA, TOKEN]; answers "SG <sig>"
 *   VF <data> <sig>          VerifySignature; answers "VF ok"
 *   GK                       the session key: "GK <b64>" (as Samba's helper)
 *
 * A call that fails answers "ER <status>" and says why on standard error.
 *
 * After authentication each side prints, to standard error, one line
 * "result: user=... flags=0x... key=<hex>" (the session key), so that the
 * driver can compare it with what its peer says.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECURITY_WIN32
#include <security.h>
#include <sspi-gss.h>

#include "base64.h"

/* Prints n bytes as base64. */
static void put_b64(const unsigned char *p, size_t n)
{
	char *text = sg_b64_encode(p, n);

	fputs(text != NULL ? text : "", stdout);
	free(text);
}

/* Decodes base64 up to the first space or the end into out; returns
 * the length or -1. */
static long get_b64(const char *s, unsigned char *out, size_t cap)
{
	size_t n;
	unsigned char *bytes = sg_b64_decode(s, &n);

	if (bytes == NULL || n > cap) {
		free(bytes);
		return -1;
	}
	memcpy(out, bytes, n);
	free(bytes);
	return (long)n;
}

static void report(CtxtHandle *ctx, ULONG attrs)
{
	SecPkgContext_NamesA names;
	SecPkgContext_SessionKey key;

	fprintf(stderr, "result: user=");
	if (QueryContextAttributesA(ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
		fprintf(stderr, "%s", names.sUserName);
		FreeContextBuffer(names.sUserName);
	}
	fprintf(stderr, " flags=0x%lX key=", (unsigned long)attrs);
	if (QueryContextAttributesA(ctx, SECPKG_ATTR_SESSION_KEY, &key) == SEC_E_OK) {
		for (ULONG i = 0; i < key.SessionKeyLength; i++)
			fprintf(stderr, "%02x", key.SessionKey[i]);
		FreeContextBuffer(key.SessionKey);
	}
	fprintf(stderr, "\n");
}

static const char *status(SECURITY_STATUS s)
{
	return SspiGssStatusName(s) ? SspiGssStatusName(s) : "unknown";
}

static unsigned char in_tok[65536];

/* The base64 fields of a message request, after its two letters. */
#define MAX_FIELDS 3
struct fields {
	unsigned char *p[MAX_FIELDS];
	size_t n[MAX_FIELDS];
	int count;
};

static void free_fields(struct fields *f)
{
	for (int i = 0; i < f->count; i++)
		free(f->p[i]);
	f->count = 0;
}

/* Decodes the space-separated fields of s (which starts at the first one);
 * 0, or -1 for bad base64 or too many fields. */
static int get_fields(const char *s, struct fields *f)
{
	f->count = 0;
	for (;;) {
		const char *space = strchr(s, ' ');

		if (f->count == MAX_FIELDS)
			return -1;
		f->p[f->count] = sg_b64_decode(s, &f->n[f->count]);
		if (f->p[f->count] == NULL)
			return -1;
		f->count++;
		if (space == NULL)
			return 0;
		s = space + 1;
	}
}

static void answer_error(const char *call, SECURITY_STATUS s)
{
	fprintf(stderr, "%s: %s: %s\n", call, status(s), SspiGssGetLastErrorText());
	printf("ER %s\n", status(s));
}

/* SE: seals f->p[0], signing f->p[1] (if given) without sealing it. */
static void seal(CtxtHandle *ctx, struct fields *f)
{
	SecPkgContext_Sizes sizes;
	SecBuffer b[4];
	SecBufferDesc desc = {SECBUFFER_VERSION, 0, b};
	unsigned char *token = NULL, *out = NULL;
	SECURITY_STATUS s;
	ULONG i = 0, data;

	if ((s = QueryContextAttributesA(ctx, SECPKG_ATTR_SIZES, &sizes)) != SEC_E_OK) {
		answer_error("sizes", s);
		return;
	}
	token = malloc(sizes.cbSecurityTrailer + 1);
	/* The data, then room for the padding right behind it. */
	out = malloc(f->n[0] + sizes.cbBlockSize + 1);
	if (token == NULL || out == NULL) {
		printf("ER out of memory\n");
		goto out;
	}
	memcpy(out, f->p[0], f->n[0]);
	b[i++] = (SecBuffer){sizes.cbSecurityTrailer, SECBUFFER_TOKEN, token};
	if (f->count > 1)
		b[i++] = (SecBuffer){(ULONG)f->n[1], SECBUFFER_DATA | SECBUFFER_READONLY_WITH_CHECKSUM,
				     f->p[1]};
	data = i;
	b[i++] = (SecBuffer){(ULONG)f->n[0], SECBUFFER_DATA, out};
	b[i++] = (SecBuffer){sizes.cbBlockSize, SECBUFFER_PADDING, out + f->n[0]};
	desc.cBuffers = i;
	if ((s = EncryptMessage(ctx, 0, &desc, 0)) != SEC_E_OK) {
		answer_error("EncryptMessage", s);
		goto out;
	}
	/* The padding follows the data, as it does on the wire. */
	if (b[i - 1].cbBuffer != 0 && (unsigned char *)b[i - 1].pvBuffer != out + b[data].cbBuffer)
		memmove(out + b[data].cbBuffer, b[i - 1].pvBuffer, b[i - 1].cbBuffer);
	printf("SE ");
	put_b64(token, b[0].cbBuffer);
	printf(" ");
	put_b64(out, b[data].cbBuffer + b[i - 1].cbBuffer);
	printf("\n");
out:
	free(token);
	free(out);
}

/* UN: opens token f->p[0] and data f->p[1], with f->p[2] (if given) signed
 * but not sealed. */
static void unseal(CtxtHandle *ctx, struct fields *f)
{
	SecBuffer b[3];
	SecBufferDesc desc = {SECBUFFER_VERSION, 0, b};
	SECURITY_STATUS s;
	ULONG i = 0, qop = 0;

	if (f->count < 2) {
		printf("BH bad request\n");
		return;
	}
	b[i++] = (SecBuffer){(ULONG)f->n[0], SECBUFFER_TOKEN, f->p[0]};
	if (f->count > 2)
		b[i++] = (SecBuffer){(ULONG)f->n[2], SECBUFFER_DATA | SECBUFFER_READONLY_WITH_CHECKSUM,
				     f->p[2]};
	b[i++] = (SecBuffer){(ULONG)f->n[1], SECBUFFER_DATA, f->p[1]};
	desc.cBuffers = i;
	if ((s = DecryptMessage(ctx, &desc, 0, &qop)) != SEC_E_OK) {
		answer_error("DecryptMessage", s);
		return;
	}
	printf("UN ");
	put_b64(b[i - 1].pvBuffer, b[i - 1].cbBuffer);
	printf("\n");
}

/* SG: signs f->p[0]. */
static void sign(CtxtHandle *ctx, struct fields *f)
{
	SecPkgContext_Sizes sizes;
	SecBuffer b[2];
	SecBufferDesc desc = {SECBUFFER_VERSION, 2, b};
	unsigned char *sig;
	SECURITY_STATUS s;

	if ((s = QueryContextAttributesA(ctx, SECPKG_ATTR_SIZES, &sizes)) != SEC_E_OK) {
		answer_error("sizes", s);
		return;
	}
	if ((sig = malloc(sizes.cbMaxSignature + 1)) == NULL) {
		printf("ER out of memory\n");
		return;
	}
	b[0] = (SecBuffer){(ULONG)f->n[0], SECBUFFER_DATA, f->p[0]};
	b[1] = (SecBuffer){sizes.cbMaxSignature, SECBUFFER_TOKEN, sig};
	if ((s = MakeSignature(ctx, 0, &desc, 0)) != SEC_E_OK) {
		answer_error("MakeSignature", s);
	} else {
		printf("SG ");
		put_b64(sig, b[1].cbBuffer);
		printf("\n");
	}
	free(sig);
}

/* VF: checks signature f->p[1] over f->p[0]. */
static void verify(CtxtHandle *ctx, struct fields *f)
{
	SecBuffer b[2];
	SecBufferDesc desc = {SECBUFFER_VERSION, 2, b};
	SECURITY_STATUS s;
	ULONG qop = 0;

	if (f->count != 2) {
		printf("BH bad request\n");
		return;
	}
	b[0] = (SecBuffer){(ULONG)f->n[0], SECBUFFER_DATA, f->p[0]};
	b[1] = (SecBuffer){(ULONG)f->n[1], SECBUFFER_TOKEN, f->p[1]};
	if ((s = VerifySignature(ctx, &desc, 0, &qop)) != SEC_E_OK)
		answer_error("VerifySignature", s);
	else
		printf("VF ok\n");
}

/* Answers a message request (SE, UN, SG, VF, GK) on an established
 * context; 0 if line is none of them. */
static int message_request(CtxtHandle *ctx, int established, const char *line)
{
	static const char *const names[] = {"SE ", "UN ", "SG ", "VF "};
	static void (*const calls[])(CtxtHandle *, struct fields *) = {seal, unseal, sign, verify};
	struct fields f = {.count = 0};

	if (strncmp(line, "GK", 2) == 0 && (line[2] == '\n' || line[2] == '\0')) {
		SecPkgContext_SessionKey key;
		SECURITY_STATUS s;

		if (!established) {
			printf("ER no context\n");
		} else if ((s = QueryContextAttributesA(ctx, SECPKG_ATTR_SESSION_KEY, &key)) !=
			   SEC_E_OK) {
			answer_error("session key", s);
		} else {
			printf("GK ");
			put_b64(key.SessionKey, key.SessionKeyLength);
			printf("\n");
			FreeContextBuffer(key.SessionKey);
		}
		return 1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strncmp(line, names[i], 3) != 0)
			continue;
		if (!established)
			printf("ER no context\n");
		else if (get_fields(line + 3, &f) != 0)
			printf("BH bad request\n");
		else
			calls[i](ctx, &f);
		free_fields(&f);
		return 1;
	}
	return 0;
}

/* The SECBUFFER_CHANNEL_BINDINGS contents for application data only (a
 * TLS channel binding such as "tls-server-end-point:<hash>"); NULL on bad
 * base64. */
static unsigned char *make_bindings(const char *b64, ULONG *len)
{
	SEC_CHANNEL_BINDINGS cb = {0};
	unsigned char *app, *out;
	size_t n;

	if ((app = sg_b64_decode(b64, &n)) == NULL)
		return NULL;
	if ((out = malloc(sizeof(cb) + n)) != NULL) {
		cb.cbApplicationDataLength = (ULONG)n;
		cb.dwApplicationDataOffset = sizeof(cb);
		memcpy(out, &cb, sizeof(cb));
		memcpy(out + sizeof(cb), app, n);
		*len = (ULONG)(sizeof(cb) + n);
	}
	free(app);
	return out;
}

static int server(const char *package, int require_mic, int dce, const unsigned char *bindings,
		  ULONG bindings_len)
{
	SSPI_GSS_EXTENDED_PROTECTION ep = {SSPI_GSS_EXTENDED_PROTECTION_VERSION, sizeof(ep),
					   SSPI_GSS_EPA_WHEN_SUPPORTED, SSPI_GSS_EPA_REQUIRE_MIC,
					   NULL};
	char line[100000];
	CredHandle cred;
	CtxtHandle ctx;
	TimeStamp t;
	int have_ctx = 0, established = 0;
	SECURITY_STATUS s;

	s = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL, NULL,
				      NULL, NULL, &cred, &t);
	if (s != SEC_E_OK) {
		fprintf(stderr, "server credential: %s\n", status(s));
		return 1;
	}
	if (require_mic && (s = SetCredentialsAttributesA(&cred, SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION,
							  &ep, sizeof(ep))) != SEC_E_OK) {
		fprintf(stderr, "server extended protection: %s\n", status(s));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		SecBuffer ib[2] = {{0, SECBUFFER_TOKEN, in_tok},
				   {bindings_len, SECBUFFER_CHANNEL_BINDINGS, (void *)bindings}};
		SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
		SecBufferDesc in = {SECBUFFER_VERSION, bindings != NULL ? 2 : 1, ib};
		SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
		ULONG attrs = 0;
		long n;

		if (message_request(&ctx, established, line))
			continue;
		if ((strncmp(line, "YR ", 3) != 0 && strncmp(line, "KK ", 3) != 0) ||
		    (n = get_b64(line + 3, in_tok, sizeof(in_tok))) <= 0) {
			printf("BH bad request\n");
			continue;
		}
		if (line[0] == 'Y' && have_ctx) {
			DeleteSecurityContext(&ctx);
			have_ctx = established = 0;
		}
		ib[0].cbBuffer = (ULONG)n;
		s = AcceptSecurityContext(&cred, have_ctx ? &ctx : NULL, &in,
					  ASC_REQ_ALLOCATE_MEMORY | ASC_REQ_CONFIDENTIALITY |
						  ASC_REQ_INTEGRITY |
						  (dce ? ASC_REQ_USE_DCE_STYLE | ASC_REQ_MUTUAL_AUTH : 0),
					  0, &ctx, &out, &attrs, &t);
		if (s == SEC_I_CONTINUE_NEEDED) {
			have_ctx = 1;
			printf("TT ");
			put_b64(ob.pvBuffer, ob.cbBuffer);
			printf("\n");
		} else if (s == SEC_E_OK) {
			SecPkgContext_NamesA names;

			have_ctx = established = 1;
			report(&ctx, attrs);
			printf("AF ");
			if (ob.cbBuffer != 0) {
				put_b64(ob.pvBuffer, ob.cbBuffer);
				printf(" ");
			}
			if (QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
				printf("%s\n", names.sUserName);
				FreeContextBuffer(names.sUserName);
			} else {
				printf("?\n");
			}
		} else {
			fprintf(stderr, "server: %s: %s\n", status(s), SspiGssGetLastErrorText());
			printf("NA %s\n", status(s));
			if (have_ctx)
				DeleteSecurityContext(&ctx);
			have_ctx = established = 0;
		}
		if (ob.pvBuffer != NULL)
			FreeContextBuffer(ob.pvBuffer);
	}
	if (have_ctx)
		DeleteSecurityContext(&ctx);
	FreeCredentialsHandle(&cred);
	return 0;
}

static int client(const char *package, const char *user, const char *domain, const char *pass,
		  const char *target, const char *protect)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {(UCHAR *)user, (ULONG)strlen(user), (UCHAR *)domain,
					(ULONG)strlen(domain), (UCHAR *)pass, (ULONG)strlen(pass),
					SEC_WINNT_AUTH_IDENTITY_ANSI};
	ULONG req = ISC_REQ_ALLOCATE_MEMORY;
	char line[100000];
	CredHandle cred;
	CtxtHandle ctx;
	TimeStamp t;
	int have_ctx = 0, established = 0;
	SECURITY_STATUS s;

	if (strcmp(protect, "seal") == 0)
		req |= ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY;
	else if (strcmp(protect, "sign") == 0)
		req |= ISC_REQ_INTEGRITY;
	s = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL, &id,
				      NULL, NULL, &cred, &t);
	if (s != SEC_E_OK) {
		fprintf(stderr, "client credential: %s\n", status(s));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		SecBuffer ib = {0, SECBUFFER_TOKEN, in_tok}, ob = {0, SECBUFFER_TOKEN, NULL};
		SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};
		int first = strncmp(line, "YR", 2) == 0;
		ULONG attrs = 0;
		long n = 0;

		if (message_request(&ctx, established, line))
			continue;
		if (!first && (strncmp(line, "TT ", 3) != 0 ||
			       (n = get_b64(line + 3, in_tok, sizeof(in_tok))) <= 0)) {
			printf("BH bad request\n");
			continue;
		}
		if (first && have_ctx) {
			DeleteSecurityContext(&ctx);
			have_ctx = established = 0;
		}
		ib.cbBuffer = (ULONG)n;
		s = InitializeSecurityContextA(&cred, have_ctx ? &ctx : NULL, (SEC_CHAR *)target, req,
					       0, 0, first ? NULL : &in, 0, &ctx, &out, &attrs, &t);
		if (s == SEC_I_CONTINUE_NEEDED || (s == SEC_E_OK && ob.cbBuffer != 0)) {
			have_ctx = 1;
			printf("%s ", first ? "YR" : s == SEC_E_OK ? "AF" : "KK");
			put_b64(ob.pvBuffer, ob.cbBuffer);
			printf("\n");
		} else if (s == SEC_E_OK) {
			have_ctx = 1;
			printf("AF *\n");
		} else {
			fprintf(stderr, "client: %s: %s\n", status(s), SspiGssGetLastErrorText());
			printf("BH %s\n", status(s));
		}
		if (s == SEC_E_OK) {
			established = 1;
			report(&ctx, attrs);
		}
		if (ob.pvBuffer != NULL)
			FreeContextBuffer(ob.pvBuffer);
	}
	if (have_ctx)
		DeleteSecurityContext(&ctx);
	FreeCredentialsHandle(&cred);
	return 0;
}

/* The server's options after PACKAGE; 0, or -1 for an unknown one. */
static int server_main(int argc, char **argv)
{
	int require_mic = 0, dce = 0, rc;
	unsigned char *bindings = NULL;
	ULONG bindings_len = 0;

	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "require-mic") == 0) {
			require_mic = 1;
		} else if (strcmp(argv[i], "dce") == 0) {
			dce = 1;
		} else if (strncmp(argv[i], "bindings=", 9) == 0 && bindings == NULL) {
			if ((bindings = make_bindings(argv[i] + 9, &bindings_len)) == NULL)
				return -1;
		} else {
			free(bindings);
			return -1;
		}
	}
	rc = server(argv[2], require_mic, dce, bindings, bindings_len);
	free(bindings);
	return rc;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc >= 3 && strcmp(argv[1], "server") == 0 && (rc = server_main(argc, argv)) >= 0)
		return rc;
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "client") == 0)
		return client(argv[2], argv[3], argv[4], argv[5], argv[6],
			      argc == 8 ? argv[7] : "seal");
	fprintf(stderr, "usage: ntlm_auth_peer server PACKAGE [require-mic] [dce] [bindings=<b64>]\n"
			"       ntlm_auth_peer client PACKAGE USER DOMAIN PASSWORD TARGET "
			"[seal|sign|none]\n");
	return 2;
}
