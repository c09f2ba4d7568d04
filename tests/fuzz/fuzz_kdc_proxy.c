/*
 * fuzz_kdc_proxy.c - the KDC-PROXY-MESSAGE codec (sspi-gss/kerberos/kdc_proxy.c,
 * MS-KKDCP 2.2.2) under any bytes, the way a proxy's reply reaches it.
 *
 * The decoder must refuse or accept without reading outside the input,
 * and what it accepts must be DER: encoding the decoded fields again gives
 * the input back, byte for byte (DER has one encoding per value, so
 * anything else accepted is a laxity). The first byte picks the mode:
 *   0: the rest decoded as it is;
 *   1: a valid message built from the rest (message, realm, hint), then
 *      damaged by (position, xor) edits from the input's tail, decoded;
 *   2: the same valid message decoded whole: the fields come back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "kdc_proxy.h"

/* Decodes a copy of exactly len bytes; on success, re-encodes and requires
 * the input back. */
static void decode_checked(const uint8_t *in, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1), *again;
	struct sg_kkdcp_message m;
	char realm[1100];
	size_t again_len;

	if (copy == NULL)
		return;
	memcpy(copy, in, len);
	if (sg_kkdcp_decode(copy, len, &m) == 0) {
		if (m.kerb < copy || m.kerb + m.kerb_len > copy + len || m.kerb_len == 0)
			abort();
		if (m.realm != NULL) {
			if ((const uint8_t *)m.realm < copy ||
			    (const uint8_t *)m.realm + m.realm_len > copy + len ||
			    m.realm_len >= sizeof(realm) || memchr(m.realm, 0, m.realm_len))
				abort();
			memcpy(realm, m.realm, m.realm_len);
			realm[m.realm_len] = '\0';
		}
		if (sg_kkdcp_encode(m.kerb, m.kerb_len, m.realm ? realm : NULL,
				    m.has_hint ? &m.hint : NULL, &again, &again_len) != 0 ||
		    again_len != len || memcmp(again, copy, len) != 0)
			abort();
		free(again);
	}
	free(copy);
}

/* A valid message from data: [kerb_len][realm_len][hint?4] then bytes. */
static int build(const uint8_t *data, size_t size, uint8_t **out, size_t *out_len,
		 struct sg_kkdcp_message *want, char *realm)
{
	size_t kl, rl;
	int64_t hint = 0;
	int with_hint;

	if (size < 7)
		return -1;
	kl = 1 + data[0] % 200;
	rl = data[1] % 20;
	with_hint = data[2] & 1;
	hint = (int32_t)((uint32_t)data[3] << 24 | (uint32_t)data[4] << 16 |
			 (uint32_t)data[5] << 8 | data[6]);
	if (data[2] & 2)
		hint = (int64_t)(uint32_t)hint; /* the upper half of the range */
	data += 7;
	size -= 7;
	if (size < kl + rl)
		return -1;
	for (size_t i = 0; i < rl; i++)
		realm[i] = (char)('A' + data[kl + i] % 26);
	realm[rl] = '\0';
	memset(want, 0, sizeof(*want));
	want->kerb = data;
	want->kerb_len = kl;
	want->realm_len = rl;
	want->has_hint = with_hint;
	want->hint = hint;
	return sg_kkdcp_encode(data, kl, rl ? realm : NULL, with_hint ? &hint : NULL, out,
			       out_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_kkdcp_message want, got;
	char realm[32];
	uint8_t *msg;
	size_t len;

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		decode_checked(data + 1, size - 1);
		break;
	case 1:
		if (build(data + 1, size - 1, &msg, &len, &want, realm) != 0)
			break;
		/* The edits: the input's last 12 bytes, as (position, position, xor). */
		if (size > 13)
			fuzz_flip(msg, len, data + size - 12, 12);
		decode_checked(msg, len);
		free(msg);
		break;
	default:
		if (build(data + 1, size - 1, &msg, &len, &want, realm) != 0)
			break;
		if (sg_kkdcp_decode(msg, len, &got) != 0 || got.kerb_len != want.kerb_len ||
		    memcmp(got.kerb, want.kerb, want.kerb_len) != 0 ||
		    got.realm_len != want.realm_len ||
		    (want.realm_len && memcmp(got.realm, realm, want.realm_len) != 0) ||
		    got.has_hint != want.has_hint || (want.has_hint && got.hint != want.hint))
			abort();
		free(msg);
		break;
	}
	return 0;
}

#ifndef SG_LIBFUZZER
/* Random inputs for mode 0 start with a SEQUENCE and [0], so the decoder
 * gets past the first tags. */
static void plant_tags(uint8_t *buf, size_t n, long r)
{
	(void)r;
	if (n > 4 && buf[0] == 0) {
		buf[1] = 0x30;
		buf[3] = 0xa0;
	}
}

int main(int argc, char **argv)
{
	return fuzz_driver(argc, argv, "fuzz_kdc_proxy", 3, plant_tags);
}
#endif
