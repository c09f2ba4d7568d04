/*
 * fuzz_spnego.c - the SPNEGO codec under any bytes: NegTokenInit(2),
 * NegTokenResp and the InitialContextToken framing must decode or refuse
 * without reading outside the input, and whatever decodes must encode
 * back to a token that decodes to the same fields.
 *
 * The first byte picks the decoder (even: NegTokenInit, odd: NegTokenResp);
 * the rest is the token. Built with libFuzzer under clang (docs/fuzzing.md),
 * otherwise with a driver of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spnego/spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(struct spnego_bytes a, struct spnego_bytes b)
{
	if (a.data == NULL || b.data == NULL)
		return a.data == b.data;
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

static void init_round_trip(const uint8_t *tok, size_t len)
{
	struct spnego_init a, b;
	struct spnego_bytes oid;
	uint8_t *types = NULL, *out = NULL;
	size_t types_len = 0, out_len = 0;

	(void)spnego_token_mech(tok, len, &oid);
	if (spnego_decode_init(tok, len, &a) != 0)
		return;
	if (a.nmechs > SPNEGO_MAX_MECHS)
		return; /* only the first ones are kept: nothing to compare */
	if (spnego_encode_mech_types(a.mechs, a.nmechs, &types, &types_len) != 0 ||
	    spnego_encode_init((struct spnego_bytes){types, types_len}, a.mech_token, &out,
			       &out_len) != 0 ||
	    spnego_decode_init(out, out_len, &b) != 0 || b.nmechs != a.nmechs ||
	    !same(b.mech_token, a.mech_token))
		abort();
	for (size_t i = 0; i < a.nmechs; i++)
		if (!spnego_oid_equal(a.mechs[i], b.mechs[i]))
			abort();
	free(types);
	free(out);
}

static void resp_round_trip(const uint8_t *tok, size_t len)
{
	struct spnego_resp a, b;
	uint8_t *out = NULL;
	size_t out_len = 0;

	if (spnego_decode_resp(tok, len, &a) != 0)
		return;
	if (spnego_encode_resp(a.state, a.supported_mech, a.response_token, a.mech_list_mic, &out,
			       &out_len) != 0 ||
	    spnego_decode_resp(out, out_len, &b) != 0 || b.state != a.state ||
	    !same(b.supported_mech, a.supported_mech) || !same(b.response_token, a.response_token) ||
	    !same(b.mech_list_mic, a.mech_list_mic))
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		resp_round_trip(data + 1, size - 1);
	else
		init_round_trip(data + 1, size - 1);
	return 0;
}

#ifndef SG_LIBFUZZER
/* Without libFuzzer: the files given, then N pseudo-random inputs
 * (SG_FUZZ_RUNS, default 20000) from a fixed seed, each starting like a
 * token so that the decoders get past the first tag. */
int main(int argc, char **argv)
{
	unsigned seed = 1;
	long runs = getenv("SG_FUZZ_RUNS") ? atol(getenv("SG_FUZZ_RUNS")) : 20000;
	uint8_t buf[512];

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
		buf[0] = (uint8_t)(r & 1);
		buf[1] = (r & 1) ? 0xa1 : 0x60;
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz_spnego: %ld inputs, no crash\n", runs + argc - 1);
	return 0;
}
#endif
