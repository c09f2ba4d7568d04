/*
 * fuzz_ntlm.c - libFuzzer target for the NTLM package: every byte a peer
 * can send, through the SSPI entry points a server and a client call.
 *
 * The first input byte picks what the rest is:
 *   0  a first AcceptSecurityContext token (NEGOTIATE)
 *   1  the AUTHENTICATE, after a genuine NEGOTIATE/CHALLENGE
 *   2  the CHALLENGE, after our client's NEGOTIATE
 *   3  changes (offset, xor) applied to a genuine AUTHENTICATE
 *   4  a sealed or signed message for an established context
 *   5  the engine's decoders directly
 * Any status is fine; a crash, a leak or a sanitizer report is a finding.
 *
 * Built with clang -fsanitize=fuzzer (meson -Dfuzz=true, CC=clang); with
 * another compiler, main() below runs the files named on the command line
 * and then a bounded number of pseudo-random inputs.
 */
#define SECURITY_WIN32
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security.h>

#include "fuzz_util.h"
#include "ntlm.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static CredHandle client_cred, server_cred;
static char path[] = "/tmp/sspi-gss-fuzz-users-XXXXXX";

static void remove_user_file(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {(unsigned char *)"alice", 5, (unsigned char *)"SSPI", 4,
					(unsigned char *)"Alice-Pass-1", 12,
					SEC_WINNT_AUTH_IDENTITY_ANSI};
	TimeStamp t;
	int fd = mkstemp(path);

	(void)argc, (void)argv;
	if (fd < 0 || write(fd, "SSPI:alice:Alice-Pass-1\n", 24) != 24)
		abort();
	close(fd);
	atexit(remove_user_file);
	setenv("NTLM_USER_FILE", path, 1);
	if (AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL,
				      &client_cred, &t) != SEC_E_OK ||
	    AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
				      &server_cred, &t) != SEC_E_OK)
		abort();
	return 0;
}

static SECURITY_STATUS leg(int client, CtxtHandle *ctx, int first, const void *in, size_t in_len,
			   SecBuffer *out)
{
	return fuzz_leg(client ? &client_cred : &server_cred, client, ctx, first, in, in_len, out);
}

/* A genuine exchange up to the AUTHENTICATE token (in *auth). */
static int exchange(CtxtHandle *c, CtxtHandle *s, SecBuffer *auth)
{
	return fuzz_exchange(&client_cred, &server_cred, c, s, SEC_E_OK, auth);
}

static void messages(const uint8_t *data, size_t size)
{
	static int ready;
	static CtxtHandle c, s;
	uint8_t *copy = malloc(size + 1);

	if (!ready) {
		SecBuffer auth;

		if (exchange(&c, &s, &auth) != 0 || leg(0, &s, 0, auth.pvBuffer, auth.cbBuffer, NULL) != SEC_E_OK)
			abort();
		FreeContextBuffer(auth.pvBuffer);
		ready = 1;
	}
	if (copy == NULL)
		return;
	memcpy(copy, data, size);
	{
		size_t tok = size < 16 ? size : 16;
		SecBuffer b[2] = {{(ULONG)tok, SECBUFFER_TOKEN, copy},
				  {(ULONG)(size - tok), SECBUFFER_DATA, copy + tok}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
		ULONG qop;

		(void)DecryptMessage(&s, &d, 0, &qop);
		memcpy(copy, data, size);
		(void)VerifySignature(&c, &d, 0, &qop);
		memcpy(copy, data, size);
		b[0] = (SecBuffer){(ULONG)size, SECBUFFER_STREAM, copy};
		b[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
		(void)DecryptMessage(&c, &d, 0, &qop);
	}
	free(copy);
}

static void decoders(const uint8_t *data, size_t size)
{
	struct ntlm_negotiate n;
	struct ntlm_challenge c;
	struct ntlm_authenticate a;
	struct ntlm_bytes v;
	char *str;

	(void)ntlm_decode_negotiate(data, size, &n);
	if (ntlm_decode_challenge(data, size, &c) == 0)
		(void)ntlm_av_find(c.target_info, MSV_AV_TIMESTAMP, &v);
	if (ntlm_decode_authenticate(data, size, &a) == 0 &&
	    ntlm_string_from_wire(a.user, 1, &str) == 0)
		free(str);
	(void)ntlm_av_valid((struct ntlm_bytes){data, size});
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CtxtHandle c, s;
	SecBuffer tok;

	if (size < 1)
		return 0;
	switch (data[0] % 6) {
	case 0:
		if (leg(0, &s, 1, data + 1, size - 1, NULL) == SEC_I_CONTINUE_NEEDED)
			DeleteSecurityContext(&s);
		break;
	case 1:
		if (exchange(&c, &s, &tok) != 0)
			abort();
		FreeContextBuffer(tok.pvBuffer);
		(void)leg(0, &s, 0, data + 1, size - 1, NULL);
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&s);
		break;
	case 2:
		if (leg(1, &c, 1, NULL, 0, &tok) != SEC_I_CONTINUE_NEEDED)
			abort();
		FreeContextBuffer(tok.pvBuffer);
		if (leg(1, &c, 0, data + 1, size - 1, &tok) == SEC_E_OK)
			FreeContextBuffer(tok.pvBuffer);
		DeleteSecurityContext(&c);
		break;
	case 3:
		if (exchange(&c, &s, &tok) != 0)
			abort();
		fuzz_flip(tok.pvBuffer, tok.cbBuffer, data + 1, size - 1);
		(void)leg(0, &s, 0, tok.pvBuffer, tok.cbBuffer, NULL);
		FreeContextBuffer(tok.pvBuffer);
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&s);
		break;
	case 4:
		messages(data + 1, size - 1);
		break;
	default:
		decoders(data + 1, size - 1);
		break;
	}
	return 0;
}

#ifndef SG_LIBFUZZER
int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	return fuzz_driver(argc, argv, "fuzz_ntlm", 6, NULL);
}
#endif
