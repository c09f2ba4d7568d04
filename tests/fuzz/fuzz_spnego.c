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

#include "fuzz_util.h"
#include "spnego.h"

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
/* Random inputs start like tokens, so the decoders get past the first tag. */
static void plant_tag(uint8_t *buf, size_t n, long r)
{
	(void)n;
	buf[1] = (r & 1) ? 0xa1 : 0x60;
}

int main(int argc, char **argv)
{
	return fuzz_driver(argc, argv, "fuzz_spnego", 2, plant_tag);
}
#endif
