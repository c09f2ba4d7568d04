/*
 * ntlm_auth_peer.c - our NTLM or Negotiate package speaking the line
 * protocol of Samba's ntlm_auth helpers, so that Samba's NTLMSSP and
 * SPNEGO, which we did not write, face ours (tests/samba-peer.py drives
 * the two).
 *
 *   ntlm_auth_peer server PACKAGE [require-mic]
 *       users from NTLM_USER_FILE (require-mic: extended protection with
 *       SSPI_GSS_EPA_REQUIRE_MIC); reads "YR <b64>" (first token) and
 *       "KK <b64>" (later ones); answers "TT <b64>" (continue),
 *       "AF [<b64>] <user>" (done, with a last token for the client when
 *       there is one) or "NA <status>".
 *   ntlm_auth_peer client PACKAGE USER DOMAIN PASSWORD TARGET [seal|sign|none]
 *       reads "YR" (start) and "TT <b64>" (the server's tokens); answers
 *       "YR <b64>" (first token), "KK <b64>" (more), "AF <b64>" (its last
 *       token), "AF *" (done, nothing to send) or "BH <status>".
 *
 * After authentication each side prints, to standard error, one line
 * "result: user=... flags=0x... key=<hex>" (the session key), so that the
 * driver can compare it with what Samba says.
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

static int server(const char *package, int require_mic)
{
	SSPI_GSS_EXTENDED_PROTECTION ep = {SSPI_GSS_EXTENDED_PROTECTION_VERSION, sizeof(ep),
					   SSPI_GSS_EPA_WHEN_SUPPORTED, SSPI_GSS_EPA_REQUIRE_MIC,
					   NULL};
	char line[100000];
	CredHandle cred;
	CtxtHandle ctx;
	TimeStamp t;
	int have_ctx = 0;
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
		SecBuffer ib = {0, SECBUFFER_TOKEN, in_tok}, ob = {0, SECBUFFER_TOKEN, NULL};
		SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};
		ULONG attrs = 0;
		long n;

		if ((strncmp(line, "YR ", 3) != 0 && strncmp(line, "KK ", 3) != 0) ||
		    (n = get_b64(line + 3, in_tok, sizeof(in_tok))) <= 0) {
			printf("BH bad request\n");
			continue;
		}
		if (line[0] == 'Y' && have_ctx) {
			DeleteSecurityContext(&ctx);
			have_ctx = 0;
		}
		ib.cbBuffer = (ULONG)n;
		s = AcceptSecurityContext(&cred, have_ctx ? &ctx : NULL, &in,
					  ASC_REQ_ALLOCATE_MEMORY | ASC_REQ_CONFIDENTIALITY |
						  ASC_REQ_INTEGRITY,
					  0, &ctx, &out, &attrs, &t);
		if (s == SEC_I_CONTINUE_NEEDED) {
			have_ctx = 1;
			printf("TT ");
			put_b64(ob.pvBuffer, ob.cbBuffer);
			printf("\n");
		} else if (s == SEC_E_OK) {
			SecPkgContext_NamesA names;

			have_ctx = 1;
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
			have_ctx = 0;
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
	int have_ctx = 0;
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

		if (!first && (strncmp(line, "TT ", 3) != 0 ||
			       (n = get_b64(line + 3, in_tok, sizeof(in_tok))) <= 0)) {
			printf("BH bad request\n");
			continue;
		}
		if (first && have_ctx) {
			DeleteSecurityContext(&ctx);
			have_ctx = 0;
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
		if (s == SEC_E_OK)
			report(&ctx, attrs);
		if (ob.pvBuffer != NULL)
			FreeContextBuffer(ob.pvBuffer);
	}
	if (have_ctx)
		DeleteSecurityContext(&ctx);
	FreeCredentialsHandle(&cred);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "server") == 0)
		return server(argv[2], argc == 4 && strcmp(argv[3], "require-mic") == 0);
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "client") == 0)
		return client(argv[2], argv[3], argv[4], argv[5], argv[6],
			      argc == 8 ? argv[7] : "seal");
	fprintf(stderr, "usage: ntlm_auth_peer server PACKAGE [require-mic]\n"
			"       ntlm_auth_peer client PACKAGE USER DOMAIN PASSWORD TARGET "
			"[seal|sign|none]\n");
	return 2;
}
