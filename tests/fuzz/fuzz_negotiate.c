/*
 * fuzz_negotiate.c - libFuzzer target for the Negotiate package through the
 * SSPI entry points, with NTLM underneath (no KDC needed; Kerberos tokens
 * reach Heimdal's decoder and fail there).
 *
 * The first input byte picks what the rest is:
 *   0  a first AcceptSecurityContext token (NegTokenInit, raw NTLM or
 *      Kerberos, anything)
 *   1  the client's second token, after a genuine NegTokenInit/answer
 *   2  the server's answer, after our client's NegTokenInit
 *   3  changes (offset, xor) to a genuine client second token (the NTLM
 *      AUTHENTICATE and the mechListMIC inside SPNEGO)
 *   4  a message on an established Negotiate context, in SecBufferDesc
 *      shapes the next bytes choose (TOKEN/DATA/STREAM/PADDING, counts)
 *   5  UTF-16 strings: a W target name and a W identity
 * Any status is fine; a crash, a leak or a sanitizer report is a finding.
 */
#define SECURITY_WIN32
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security.h>

#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static CredHandle client_cred, server_cred;
static char path[] = "/tmp/sspi-gss-fuzz-nego-XXXXXX";

static void remove_user_file(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	SEC_WINNT_AUTH_IDENTITY_EXA id = {SEC_WINNT_AUTH_IDENTITY_VERSION, sizeof(id),
					  (unsigned char *)"alice", 5, (unsigned char *)"SSPI", 4,
					  (unsigned char *)"Alice-Pass-1", 12,
					  SEC_WINNT_AUTH_IDENTITY_ANSI, (unsigned char *)"NTLM", 4};
	TimeStamp t;
	int fd = mkstemp(path);

	(void)argc, (void)argv;
	if (fd < 0 || write(fd, "SSPI:alice:Alice-Pass-1\n", 24) != 24)
		abort();
	close(fd);
	atexit(remove_user_file);
	setenv("NTLM_USER_FILE", path, 1);
	/* No Kerberos here: an unreadable configuration keeps Heimdal local. */
	setenv("KRB5_CONFIG", "/nonexistent/krb5.conf", 1);
	if (AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_OUTBOUND, NULL, &id, NULL,
				      NULL, &client_cred, &t) != SEC_E_OK ||
	    AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
				      NULL, &server_cred, &t) != SEC_E_OK)
		abort();
	return 0;
}

static SECURITY_STATUS leg(int client, CtxtHandle *ctx, int first, const void *in, size_t in_len,
			   SecBuffer *out)
{
	return fuzz_leg(client ? &client_cred : &server_cred, client, ctx, first, in, in_len, out);
}

/* A genuine exchange up to the client's second token (in *second). */
static int exchange(CtxtHandle *c, CtxtHandle *s, SecBuffer *second)
{
	return fuzz_exchange(&client_cred, &server_cred, c, s, SEC_I_CONTINUE_NEEDED, second);
}

static void mutate(const uint8_t *data, size_t size)
{
	CtxtHandle c, s;
	SecBuffer second;
	uint8_t *tok;

	if (exchange(&c, &s, &second) != 0)
		abort();
	tok = second.pvBuffer;
	fuzz_flip(tok, second.cbBuffer, data, size);
	(void)leg(0, &s, 0, tok, second.cbBuffer, NULL);
	FreeContextBuffer(second.pvBuffer);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
}

static void messages(const uint8_t *data, size_t size)
{
	static int ready;
	static CtxtHandle c, s;
	SecBuffer b[4];
	SecBufferDesc d = {SECBUFFER_VERSION, 0, b};
	static const ULONG types[] = {SECBUFFER_TOKEN, SECBUFFER_DATA, SECBUFFER_STREAM,
				      SECBUFFER_PADDING, SECBUFFER_DATA | SECBUFFER_READONLY,
				      SECBUFFER_EMPTY};
	uint8_t *copy;
	size_t at = 0;
	ULONG qop;

	if (!ready) {
		SecBuffer second, last;

		if (exchange(&c, &s, &second) != 0 ||
		    leg(0, &s, 0, second.pvBuffer, second.cbBuffer, &last) != SEC_E_OK ||
		    leg(1, &c, 0, last.pvBuffer, last.cbBuffer, NULL) != SEC_E_OK)
			abort();
		FreeContextBuffer(second.pvBuffer);
		FreeContextBuffer(last.pvBuffer);
		ready = 1;
	}
	if (size < 1)
		return;
	copy = malloc(size);
	if (copy == NULL)
		return;
	memcpy(copy, data, size);
	/* The first byte: how many buffers (1-4) and their types; the rest
	 * is split among them by the following length bytes. */
	d.cBuffers = 1 + (copy[0] & 3);
	at = 1;
	for (ULONG i = 0; i < d.cBuffers; i++) {
		size_t len = at < size ? copy[at] : 0;

		at++;
		if (len > (at < size ? size - at : 0))
			len = at < size ? size - at : 0;
		b[i].BufferType = types[((copy[0] >> 2) + i * 3) % 6];
		b[i].cbBuffer = (ULONG)len;
		b[i].pvBuffer = at < size ? copy + at : NULL;
		at += len;
	}
	(void)DecryptMessage(&s, &d, 0, &qop);
	memcpy(copy, data, size);
	(void)VerifySignature(&c, &d, 0, &qop);
	free(copy);
}

static void wide_strings(const uint8_t *data, size_t size)
{
	size_t n = size / 2, half = n / 2;
	SEC_WCHAR *w = calloc(n + 1, sizeof(SEC_WCHAR));
	SEC_WINNT_AUTH_IDENTITY_W id;
	CredHandle cred;
	CtxtHandle ctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
	ULONG attrs;
	TimeStamp t;

	if (w == NULL)
		return;
	memcpy(w, data, n * 2);
	/* A target name: the whole string, NUL-terminated. */
	if (InitializeSecurityContextW(&client_cred, NULL, w, FUZZ_REQ, 0, 0, NULL, 0, &ctx, &od, &attrs,
				       &t) == SEC_I_CONTINUE_NEEDED) {
		FreeContextBuffer(ob.pvBuffer);
		DeleteSecurityContext(&ctx);
	}
	/* An identity: user and password halves, counted, not terminated. */
	id = (SEC_WINNT_AUTH_IDENTITY_W){w, (ULONG)half, NULL, 0, w + half, (ULONG)(n - half),
					  SEC_WINNT_AUTH_IDENTITY_UNICODE};
	if (AcquireCredentialsHandleW(NULL, u"NTLM", SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL,
				      &cred, &t) == SEC_E_OK)
		FreeCredentialsHandle(&cred);
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CtxtHandle c, s;

	if (size == 0)
		return 0;
	switch (data[0] % 6) {
	case 0:
		if (leg(0, &s, 1, data + 1, size - 1, NULL) == SEC_I_CONTINUE_NEEDED)
			DeleteSecurityContext(&s);
		break;
	case 1: {
		SecBuffer second;

		if (exchange(&c, &s, &second) != 0)
			abort();
		FreeContextBuffer(second.pvBuffer);
		(void)leg(0, &s, 0, data + 1, size - 1, NULL);
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&s);
		break;
	}
	case 2: {
		SecBuffer init;

		if (leg(1, &c, 1, NULL, 0, &init) != SEC_I_CONTINUE_NEEDED)
			abort();
		FreeContextBuffer(init.pvBuffer);
		(void)leg(1, &c, 0, data + 1, size - 1, NULL);
		DeleteSecurityContext(&c);
		break;
	}
	case 3:
		mutate(data + 1, size - 1);
		break;
	case 4:
		messages(data + 1, size - 1);
		break;
	default:
		wide_strings(data + 1, size - 1);
		break;
	}
	return 0;
}

#ifndef SG_LIBFUZZER
int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	return fuzz_driver(argc, argv, "fuzz_negotiate", 6, NULL);
}
#endif
