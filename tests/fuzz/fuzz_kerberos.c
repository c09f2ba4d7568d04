/*
 * fuzz_kerberos.c - libFuzzer target for the Kerberos package through the
 * SSPI entry points, against a throwaway realm started at initialisation
 * (tests/fixtures/realm.sh; SSPI_GSS_REALM_SH names it).
 *
 * The first input byte picks what the rest is:
 *   0  a first AcceptSecurityContext token
 *   1  changes (offset, xor) to a genuine AP-REQ, to the acceptor
 *   2  the server's answer, after our client's genuine AP-REQ
 *   3  a message on an established context, in SecBufferDesc shapes the
 *      next bytes choose (TOKEN/DATA/STREAM/PADDING/READONLY, counts)
 * Any status is fine; a crash, a leak of ours or a sanitizer report is a
 * finding.
 */
#define SECURITY_WIN32
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security.h>

#include "fuzz_util.h"
#include "realm.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct realm realm;
static CredHandle client_cred, server_cred;
static uint8_t ap_req[4096];
static size_t ap_req_len;

static void stop_realm(void)
{
	realm_stop(&realm);
}

static SECURITY_STATUS leg(int client, CtxtHandle *ctx, int first, const void *in, size_t in_len,
			   SecBuffer *out)
{
	return fuzz_leg(client ? &client_cred : &server_cred, client, ctx, first, in, in_len, out);
}

/* The target: the realm's HTTP/localhost, not fuzz_leg's default. */
static SECURITY_STATUS client_first(CtxtHandle *ctx, SecBuffer *out)
{
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
	ULONG attrs;
	TimeStamp t;
	SECURITY_STATUS s = InitializeSecurityContextA(&client_cred, NULL, "HTTP/localhost",
						       FUZZ_REQ | ISC_REQ_MUTUAL_AUTH, 0, 0, NULL,
						       0, ctx, &od, &attrs, &t);

	*out = ob;
	return s;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {(unsigned char *)"alice", 5,
					(unsigned char *)"SSPI.TEST", 9,
					(unsigned char *)"Alice-Pass-1", 12,
					SEC_WINNT_AUTH_IDENTITY_ANSI};
	CtxtHandle c;
	SecBuffer tok;
	TimeStamp t;

	(void)argc, (void)argv;
	if (realm_start(&realm) != 0)
		abort();
	atexit(stop_realm);
	if (AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL,
				      &client_cred, &t) != SEC_E_OK ||
	    AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
				      &server_cred, &t) != SEC_E_OK ||
	    client_first(&c, &tok) != SEC_I_CONTINUE_NEEDED || tok.cbBuffer > sizeof(ap_req))
		abort();
	memcpy(ap_req, tok.pvBuffer, tok.cbBuffer);
	ap_req_len = tok.cbBuffer;
	FreeContextBuffer(tok.pvBuffer);
	DeleteSecurityContext(&c);
	return 0;
}

static void mutated_ap_req(const uint8_t *data, size_t size)
{
	uint8_t tok[sizeof(ap_req)];
	CtxtHandle s;

	memcpy(tok, ap_req, ap_req_len);
	fuzz_flip(tok, ap_req_len, data, size);
	if (leg(0, &s, 1, tok, ap_req_len, NULL) == SEC_E_OK)
		DeleteSecurityContext(&s);
}

static void answer(const uint8_t *data, size_t size)
{
	CtxtHandle c;
	SecBuffer tok;

	if (client_first(&c, &tok) != SEC_I_CONTINUE_NEEDED)
		abort();
	FreeContextBuffer(tok.pvBuffer);
	(void)leg(1, &c, 0, data, size, NULL);
	DeleteSecurityContext(&c);
}

static void messages(const uint8_t *data, size_t size)
{
	static int ready;
	static CtxtHandle c, s;
	static const ULONG types[] = {SECBUFFER_TOKEN, SECBUFFER_DATA, SECBUFFER_STREAM,
				      SECBUFFER_PADDING, SECBUFFER_DATA | SECBUFFER_READONLY,
				      SECBUFFER_EMPTY};
	SecBuffer b[4];
	SecBufferDesc d = {SECBUFFER_VERSION, 0, b};
	uint8_t *copy;
	size_t at;
	ULONG qop;

	if (!ready) {
		SecBuffer tok, rep;

		if (client_first(&c, &tok) != SEC_I_CONTINUE_NEEDED ||
		    leg(0, &s, 1, tok.pvBuffer, tok.cbBuffer, &rep) != SEC_E_OK ||
		    leg(1, &c, 0, rep.pvBuffer, rep.cbBuffer, NULL) != SEC_E_OK)
			abort();
		FreeContextBuffer(tok.pvBuffer);
		FreeContextBuffer(rep.pvBuffer);
		ready = 1;
	}
	if (size < 1 || (copy = malloc(size)) == NULL)
		return;
	memcpy(copy, data, size);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CtxtHandle s;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		if (leg(0, &s, 1, data + 1, size - 1, NULL) == SEC_E_OK)
			DeleteSecurityContext(&s);
		break;
	case 1:
		mutated_ap_req(data + 1, size - 1);
		break;
	case 2:
		answer(data + 1, size - 1);
		break;
	default:
		messages(data + 1, size - 1);
		break;
	}
	return 0;
}

#ifndef SG_LIBFUZZER
int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	return fuzz_driver(argc, argv, "fuzz_kerberos", 4, NULL);
}
#endif
