/*
 * sspi-gss-bench-winpr - the NTLM baseline of sspi-gss-bench: the same
 * work done by FreeRDP WinPR's NTLM (libwinpr2), which we did not write.
 *
 *   sspi-gss-bench-winpr SECONDS DIR
 *
 * Client and server contexts in one process, as sspi-gss-bench has them.
 * The server reads its user from DIR/winpr.sam (user:DOMAIN::NTHASH:::,
 * written here with WinPR's own NTOWFv1). Answers sspi-gss-bench's
 * requests (bench.h, bench_serve), each one batch of SECONDS:
 * "handshake 0" (ns), "seal SIZE" (EncryptMessage plus DecryptMessage of
 * SIZE bytes, ns), "memory 0" (heap bytes per established context).
 * WinPR 2.11's NTLM has no MakeSignature/VerifySignature ("TODO:
 * Implement"), hence no sign request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winpr/ntlm.h>
#include <winpr/sspi.h>

#include "bench.h"

/* WinPR 2.11 never frees the SAM file name it copies (ntlm_ContextFree):
 * its leak, not ours. When this program is built with LeakSanitizer (the
 * test suite's sanitizer build), LSan is told so through its hook. */
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void);
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void)
{
	return "leak:libwinpr2.so\n";
}

static SecurityFunctionTableA *t;
static CredHandle client_cred, server_cred;
static char sam_path[4096];

struct pair {
	CtxtHandle c, s;
};

static int establish(struct pair *p)
{
	static unsigned char tok[2][4096];
	ULONG len = 0, attrs;
	TimeStamp exp;
	SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED;
	int client_turn = 1, first_c = 1, first_s = 1;

	while (cs != SEC_E_OK || ss != SEC_E_OK) {
		SecBuffer ib = {len, SECBUFFER_TOKEN, tok[client_turn]};
		SecBuffer ob = {sizeof(tok[0]), SECBUFFER_TOKEN, tok[!client_turn]};
		SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};

		if (client_turn) {
			cs = t->InitializeSecurityContextA(
				&client_cred, first_c ? NULL : &p->c, "HTTP/localhost",
				ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY, 0, SECURITY_NATIVE_DREP,
				first_c ? NULL : &in, 0, &p->c, &out, &attrs, &exp);
			first_c = 0;
			if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED)
				return -1;
		} else {
			ss = t->AcceptSecurityContext(&server_cred, first_s ? NULL : &p->s, &in,
						      ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY,
						      SECURITY_NATIVE_DREP, &p->s, &out, &attrs, &exp);
			if (first_s && t->SetContextAttributesA(&p->s, SECPKG_ATTR_AUTH_NTLM_SAM_FILE,
								sam_path,
								(ULONG)strlen(sam_path) + 1) != SEC_E_OK)
				return -1;
			first_s = 0;
			if (ss == SEC_I_COMPLETE_NEEDED) {
				SecBufferDesc none = {SECBUFFER_VERSION, 0, NULL};

				ss = t->CompleteAuthToken(&p->s, &none);
			}
			if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED)
				return -1;
		}
		len = ob.cbBuffer;
		if (len == 0 && (cs != SEC_E_OK || ss != SEC_E_OK))
			return -1;
		client_turn = !client_turn;
	}
	return 0;
}

static void release(struct pair *p)
{
	t->DeleteSecurityContext(&p->c);
	t->DeleteSecurityContext(&p->s);
}

static int handshake_op(void *arg)
{
	struct pair p;

	(void)arg;
	if (establish(&p) != 0)
		return -1;
	release(&p);
	return 0;
}

struct message {
	struct pair *p;
	unsigned char *buf;
	size_t size;
};

static int seal_op(void *arg)
{
	struct message *m = arg;
	SecBuffer b[2] = {{16, SECBUFFER_TOKEN, m->buf}, {(ULONG)m->size, SECBUFFER_DATA, m->buf + 16}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	ULONG qop;

	if (t->EncryptMessage(&m->p->c, 0, &d, 0) != SEC_E_OK)
		return -1;
	return t->DecryptMessage(&m->p->s, &d, 0, &qop) == SEC_E_OK ? 0 : -1;
}

static int write_sam(const char *dir)
{
	BYTE hash[16];
	FILE *f;

	snprintf(sam_path, sizeof(sam_path), "%s/winpr.sam", dir);
	if (!NTOWFv1A(BENCH_PASSWORD, (UINT32)strlen(BENCH_PASSWORD), hash))
		return -1;
	f = fopen(sam_path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%s:%s::", BENCH_USER, BENCH_DOMAIN);
	for (int i = 0; i < 16; i++)
		fprintf(f, "%02x", hash[i]);
	fprintf(f, ":::\n");
	return fclose(f) == 0 ? 0 : -1;
}

static double seconds;
static struct pair message_pair;
static int have_pair;

static double memory(void)
{
	struct pair pairs[BENCH_MEMORY_PAIRS];
	size_t before = bench_heap_bytes();
	double bytes;

	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++)
		if (establish(&pairs[i]) != 0)
			return -1;
	bytes = (double)(bench_heap_bytes() - before) / (2.0 * BENCH_MEMORY_PAIRS);
	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++)
		release(&pairs[i]);
	return bytes;
}

static double answer(const char *op, size_t size)
{
	if (strcmp(op, "handshake") == 0)
		return bench_time(handshake_op, NULL, seconds);
	if (strcmp(op, "memory") == 0)
		return memory();
	if (strcmp(op, "seal") == 0) {
		struct message m = {&message_pair, calloc(1, 16 + size), size};
		double ns;

		if (m.buf == NULL)
			return -1;
		if (!have_pair) {
			if (establish(&message_pair) != 0) {
				free(m.buf);
				return -1;
			}
			have_pair = 1;
		}
		ns = bench_time(seal_op, &m, seconds);
		free(m.buf);
		return ns;
	}
	return -1;
}

int main(int argc, char **argv)
{
	SEC_WINNT_AUTH_IDENTITY id;
	TimeStamp exp;

	if (argc != 3) {
		fprintf(stderr, "usage: sspi-gss-bench-winpr SECONDS DIR\n");
		return 2;
	}
	seconds = atof(argv[1]);
	t = InitSecurityInterfaceExA(0);
	memset(&id, 0, sizeof(id));
	if (t == NULL || write_sam(argv[2]) != 0 ||
	    sspi_SetAuthIdentity(&id, BENCH_USER, BENCH_DOMAIN, BENCH_PASSWORD) < 0 ||
	    t->AcquireCredentialsHandleA(NULL, NTLM_SSP_NAME, SECPKG_CRED_OUTBOUND, NULL, &id, NULL,
					 NULL, &client_cred, &exp) != SEC_E_OK ||
	    t->AcquireCredentialsHandleA(NULL, NTLM_SSP_NAME, SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					 NULL, &server_cred, &exp) != SEC_E_OK) {
		fprintf(stderr, "sspi-gss-bench-winpr: WinPR's NTLM credentials failed\n");
		return 1;
	}
	bench_serve(answer);
	if (have_pair)
		release(&message_pair);
	t->FreeCredentialsHandle(&client_cred);
	t->FreeCredentialsHandle(&server_cred);
	free(id.User);
	free(id.Domain);
	free(id.Password);
	return 0;
}
