/*
 * fuzz_util.h - what the fuzz targets share: one ISC/ASC leg through the
 * SSPI, and, without libFuzzer, a driver that runs the files named on the
 * command line and then SG_FUZZ_RUNS (default 20000) pseudo-random inputs
 * from a fixed seed. Header-only: each target is one program.
 */
#ifndef SG_FUZZ_UTIL_H
#define SG_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <security.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_ALLOCATE_MEMORY)

/* One leg with the client's or the server's credential; out (may be NULL)
 * gets the token, which the caller frees. */
static inline SECURITY_STATUS fuzz_leg(CredHandle *cred, int client, CtxtHandle *ctx, int first,
				       const void *in, size_t in_len, SecBuffer *out)
{
	SecBuffer ib = {(ULONG)in_len, SECBUFFER_TOKEN, (void *)in}, ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc id = {SECBUFFER_VERSION, 1, &ib}, od = {SECBUFFER_VERSION, 1, &ob};
	ULONG attrs;
	TimeStamp t;
	SECURITY_STATUS s;

	if (client)
		s = InitializeSecurityContextA(cred, first ? NULL : ctx, "HTTP/fuzz", FUZZ_REQ, 0, 0,
					       in ? &id : NULL, 0, ctx, &od, &attrs, &t);
	else
		s = AcceptSecurityContext(cred, first ? NULL : ctx, &id, ASC_REQ_ALLOCATE_MEMORY, 0,
					  ctx, &od, &attrs, &t);
	if (out != NULL)
		*out = ob;
	else if (ob.pvBuffer != NULL)
		FreeContextBuffer(ob.pvBuffer);
	return s;
}

/* A genuine exchange up to the client's second token (in *second): ISC,
 * ASC, ISC, the last ending with last_status (NTLM: SEC_E_OK, with the
 * AUTHENTICATE; Negotiate: SEC_I_CONTINUE_NEEDED). 0 with both contexts
 * alive; -1 with neither. */
static inline int fuzz_exchange(CredHandle *ccred, CredHandle *scred, CtxtHandle *c,
				CtxtHandle *s, SECURITY_STATUS last_status, SecBuffer *second)
{
	SecBuffer first, answer;

	if (fuzz_leg(ccred, 1, c, 1, NULL, 0, &first) != SEC_I_CONTINUE_NEEDED)
		return -1;
	if (fuzz_leg(scred, 0, s, 1, first.pvBuffer, first.cbBuffer, &answer) !=
	    SEC_I_CONTINUE_NEEDED) {
		FreeContextBuffer(first.pvBuffer);
		DeleteSecurityContext(c);
		return -1;
	}
	FreeContextBuffer(first.pvBuffer);
	if (fuzz_leg(ccred, 1, c, 0, answer.pvBuffer, answer.cbBuffer, second) != last_status) {
		FreeContextBuffer(answer.pvBuffer);
		DeleteSecurityContext(c);
		DeleteSecurityContext(s);
		return -1;
	}
	FreeContextBuffer(answer.pvBuffer);
	return 0;
}

/* Changes a genuine token in place: data is (offset high, offset low, xor)
 * triples, offsets taken modulo the token's length. */
static inline void fuzz_flip(uint8_t *tok, size_t len, const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 3 <= size; i += 3)
		tok[((size_t)data[i] << 8 | data[i + 1]) % len] ^= data[i + 2];
}

#ifndef SG_LIBFUZZER
/* The driver: input r starts with r % modes (the target's mode byte); shape,
 * when given, may change the input further (e.g. plant a likely tag). */
static inline int fuzz_driver(int argc, char **argv, const char *name, int modes,
			      void (*shape)(uint8_t *buf, size_t n, long r))
{
	unsigned seed = 1;
	long runs = getenv("SG_FUZZ_RUNS") ? atol(getenv("SG_FUZZ_RUNS")) : 20000;
	uint8_t buf[1024];

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (f == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	for (long r = 0; r < runs; r++) {
		size_t n = 2 + (size_t)rand_r(&seed) % (sizeof(buf) - 2);

		for (size_t j = 0; j < n; j++)
			buf[j] = (uint8_t)rand_r(&seed);
		buf[0] = (uint8_t)(r % modes);
		if (shape != NULL)
			shape(buf, n, r);
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("%s: %ld inputs, no crash\n", name, runs + argc - 1);
	return 0;
}
#endif

#endif
