/*
 * test_spnego.c - the SPNEGO codec (sspi-gss/negotiate/spnego.c): tokens written out
 * by hand from RFC 4178 4.2 and MS-SPNG 2.2.1, encoded byte for byte and
 * decoded back; NegTokenInit2 with negHints; long lengths; raw Kerberos
 * framing; and every prefix, every flipped byte and random bytes through
 * the decoders.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "spnego.h"

#define ck_bytes(got, got_len, want)                                                   \
	do {                                                                           \
		ck_assert_uint_eq((got_len), sizeof(want));                            \
		ck_assert_msg(memcmp((got), (want), sizeof(want)) == 0, "%s differs from %s", \
			      #got, #want);                                            \
	} while (0)

#define KRB5_OID 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02
#define NTLM_OID 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a
#define SPNEGO_OID 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02

/* MechTypeList { krb5, NTLM }. */
static const uint8_t mech_types[] = {0x30, 0x17, 0x06, 0x09, KRB5_OID, 0x06, 0x0a, NTLM_OID};

/* InitialContextToken { spnego, [0] NegTokenInit { [0] mech_types,
 * [2] OCTET STRING "abc" } }. */
static const uint8_t init_token[] = {
	0x60, 0x2e, 0x06, 0x06, SPNEGO_OID,
	0xa0, 0x24, 0x30, 0x22,
	0xa0, 0x19, 0x30, 0x17, 0x06, 0x09, KRB5_OID, 0x06, 0x0a, NTLM_OID,
	0xa2, 0x05, 0x04, 0x03, 'a', 'b', 'c'};

/* [1] NegTokenResp { accept-incomplete, NTLM, "xy" }. */
static const uint8_t resp_token[] = {
	0xa1, 0x1b, 0x30, 0x19,
	0xa0, 0x03, 0x0a, 0x01, 0x01,
	0xa1, 0x0c, 0x06, 0x0a, NTLM_OID,
	0xa2, 0x04, 0x04, 0x02, 'x', 'y'};

/* MS-SPNG NegTokenInit2 as Windows servers send it: negHints with
 * "not_defined_in_RFC4178@please_ignore", and a mechListMIC in [4]. */
static const uint8_t init2_token[] = {
	0x60, 0x4d, 0x06, 0x06, SPNEGO_OID,
	0xa0, 0x43, 0x30, 0x41,
	0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, KRB5_OID,
	0xa3, 0x2a, 0x30, 0x28, 0xa0, 0x26, 0x1b, 0x24,
	'n', 'o', 't', '_', 'd', 'e', 'f', 'i', 'n', 'e', 'd', '_', 'i', 'n', '_', 'R', 'F', 'C',
	'4', '1', '7', '8', '@', 'p', 'l', 'e', 'a', 's', 'e', '_', 'i', 'g', 'n', 'o', 'r', 'e',
	0xa4, 0x04, 0x04, 0x02, 'm', 'c'};

START_TEST(encodes_mech_types)
{
	struct spnego_bytes mechs[2] = {spnego_oid_krb5, spnego_oid_ntlm};
	uint8_t *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(spnego_encode_mech_types(mechs, 2, &out, &len), 0);
	ck_bytes(out, len, mech_types);
	free(out);
	ck_assert_int_eq(spnego_encode_mech_types(mechs, 0, &out, &len), -1);
}
END_TEST

START_TEST(encodes_and_decodes_init)
{
	struct spnego_bytes types = {mech_types, sizeof(mech_types)}, tok = {(const uint8_t *)"abc", 3};
	struct spnego_init init;
	uint8_t *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(spnego_encode_init(types, tok, &out, &len), 0);
	ck_bytes(out, len, init_token);
	free(out);

	ck_assert_int_eq(spnego_decode_init(init_token, sizeof(init_token), &init), 0);
	ck_assert_uint_eq(init.nmechs, 2);
	ck_assert(spnego_oid_equal(init.mechs[0], spnego_oid_krb5));
	ck_assert(spnego_oid_equal(init.mechs[1], spnego_oid_ntlm));
	/* The MIC covers the list exactly as received. */
	ck_bytes(init.mech_types.data, init.mech_types.len, mech_types);
	ck_assert_uint_eq(init.mech_token.len, 3);
	ck_assert(memcmp(init.mech_token.data, "abc", 3) == 0);
	ck_assert_ptr_null(init.mech_list_mic.data);
}
END_TEST

START_TEST(encodes_and_decodes_resp)
{
	struct spnego_bytes none = {NULL, 0}, tok = {(const uint8_t *)"xy", 2};
	struct spnego_resp resp;
	uint8_t *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(spnego_encode_resp(SPNEGO_ACCEPT_INCOMPLETE, spnego_oid_ntlm, tok, none,
					    &out, &len),
			 0);
	ck_bytes(out, len, resp_token);
	free(out);

	ck_assert_int_eq(spnego_decode_resp(resp_token, sizeof(resp_token), &resp), 0);
	ck_assert_int_eq(resp.state, SPNEGO_ACCEPT_INCOMPLETE);
	ck_assert(spnego_oid_equal(resp.supported_mech, spnego_oid_ntlm));
	ck_assert_uint_eq(resp.response_token.len, 2);
	ck_assert_ptr_null(resp.mech_list_mic.data);

	/* Everything absent: an empty NegTokenResp. */
	ck_assert_int_eq(spnego_encode_resp(SPNEGO_ABSENT, none, none, none, &out, &len), 0);
	ck_assert_int_eq(spnego_decode_resp(out, len, &resp), 0);
	ck_assert_int_eq(resp.state, SPNEGO_ABSENT);
	ck_assert_ptr_null(resp.supported_mech.data);
	ck_assert_ptr_null(resp.response_token.data);
	free(out);

	/* Only a MIC, and an empty token that is still present. */
	ck_assert_int_eq(spnego_encode_resp(SPNEGO_ACCEPT_COMPLETED, none,
					    (struct spnego_bytes){(const uint8_t *)"", 0},
					    (struct spnego_bytes){(const uint8_t *)"0123456789abcdef", 16},
					    &out, &len),
			 0);
	ck_assert_int_eq(spnego_decode_resp(out, len, &resp), 0);
	ck_assert_int_eq(resp.state, SPNEGO_ACCEPT_COMPLETED);
	ck_assert_ptr_nonnull(resp.response_token.data);
	ck_assert_uint_eq(resp.response_token.len, 0);
	ck_assert_uint_eq(resp.mech_list_mic.len, 16);
	free(out);
}
END_TEST

START_TEST(decodes_init2_with_hints)
{
	struct spnego_init init;

	ck_assert_int_eq(spnego_decode_init(init2_token, sizeof(init2_token), &init), 0);
	ck_assert_uint_eq(init.nmechs, 1);
	ck_assert(spnego_oid_equal(init.mechs[0], spnego_oid_krb5));
	ck_assert_ptr_null(init.mech_token.data);
	ck_assert_uint_eq(init.mech_list_mic.len, 2);
	ck_assert(memcmp(init.mech_list_mic.data, "mc", 2) == 0);
}
END_TEST

START_TEST(long_lengths)
{
	struct spnego_bytes types = {mech_types, sizeof(mech_types)}, tok, none = {NULL, 0};
	static uint8_t big[70000];
	struct spnego_init init;
	struct spnego_resp resp;
	uint8_t *out = NULL;
	size_t len = 0;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	for (size_t n = 126; n < sizeof(big); n = n * 3 + 1) {
		tok.data = big;
		tok.len = n;
		ck_assert_int_eq(spnego_encode_init(types, tok, &out, &len), 0);
		ck_assert_int_eq(spnego_decode_init(out, len, &init), 0);
		ck_assert_uint_eq(init.mech_token.len, n);
		ck_assert(memcmp(init.mech_token.data, big, n) == 0);
		free(out);
		ck_assert_int_eq(spnego_encode_resp(SPNEGO_ACCEPT_INCOMPLETE, none, tok, none, &out,
						    &len),
				 0);
		ck_assert_int_eq(spnego_decode_resp(out, len, &resp), 0);
		ck_assert_uint_eq(resp.response_token.len, n);
		free(out);
	}
}
END_TEST

START_TEST(tells_raw_kerberos)
{
	/* The framing of a raw Kerberos AP-REQ: [APPLICATION 0] { krb5 OID, ... }. */
	static const uint8_t ap_req[] = {0x60, 0x0f, 0x06, 0x09, KRB5_OID, 0x01, 0x00, 0x6e, 0x00};
	struct spnego_bytes oid;
	struct spnego_init init;

	ck_assert_int_eq(spnego_token_mech(ap_req, sizeof(ap_req), &oid), 0);
	ck_assert(spnego_oid_equal(oid, spnego_oid_krb5));
	ck_assert_int_eq(spnego_decode_init(ap_req, sizeof(ap_req), &init), -1);
	ck_assert_int_eq(spnego_token_mech(init_token, sizeof(init_token), &oid), 0);
	ck_assert(spnego_oid_equal(oid, spnego_oid_spnego));
	ck_assert_int_eq(spnego_token_mech((const uint8_t *)"NTLMSSP", 8, &oid), -1);
	ck_assert_int_eq(spnego_token_mech(NULL, 0, &oid), -1);
}
END_TEST

/* Every prefix fails; every single-byte change either decodes or fails,
 * never reads outside (ASan and valgrind watch the suite). */
static void damage(const uint8_t *tok, size_t len, int resp)
{
	uint8_t *copy = malloc(len);
	struct spnego_init init;
	struct spnego_resp r;

	ck_assert_ptr_nonnull(copy);
	for (size_t n = 0; n < len; n++) {
		memcpy(copy, tok, n);
		ck_assert_int_eq(resp ? spnego_decode_resp(copy, n, &r) : spnego_decode_init(copy, n, &init),
				 -1);
	}
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(copy, tok, len);
			copy[i] ^= (uint8_t)(1 << bit);
			if (resp)
				(void)spnego_decode_resp(copy, len, &r);
			else
				(void)spnego_decode_init(copy, len, &init);
		}
	free(copy);
}

START_TEST(damaged_tokens)
{
	damage(init_token, sizeof(init_token), 0);
	damage(init2_token, sizeof(init2_token), 0);
	damage(resp_token, sizeof(resp_token), 1);
}
END_TEST

START_TEST(indefinite_and_oversized_lengths)
{
	static const uint8_t indefinite[] = {0xa1, 0x80, 0x30, 0x00, 0x00, 0x00};
	static const uint8_t five_byte[] = {0xa1, 0x85, 0x00, 0x00, 0x00, 0x00, 0x02, 0x30, 0x00};
	static const uint8_t too_long[] = {0xa1, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30, 0x00};
	static const uint8_t trailing[] = {0xa1, 0x02, 0x30, 0x00, 0x00};
	static const uint8_t bad_state[] = {0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x04};
	struct spnego_resp r;

	ck_assert_int_eq(spnego_decode_resp(indefinite, sizeof(indefinite), &r), -1);
	ck_assert_int_eq(spnego_decode_resp(five_byte, sizeof(five_byte), &r), -1);
	ck_assert_int_eq(spnego_decode_resp(too_long, sizeof(too_long), &r), -1);
	ck_assert_int_eq(spnego_decode_resp(trailing, sizeof(trailing), &r), -1);
	ck_assert_int_eq(spnego_decode_resp(bad_state, sizeof(bad_state), &r), -1);
	ck_assert_int_eq(spnego_decode_resp(trailing, 4, &r), 0);
}
END_TEST

START_TEST(random_bytes)
{
	uint8_t buf[256];
	struct spnego_init init;
	struct spnego_resp r;
	unsigned seed = 1;

	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(rand_r(&seed) % (int)sizeof(buf));

		for (size_t j = 0; j < n; j++)
			buf[j] = (uint8_t)rand_r(&seed);
		/* Valid-looking first bytes, so the decoders go deep. */
		if (n > 2)
			buf[0] = (i & 1) ? 0xa1 : 0x60;
		(void)spnego_decode_init(buf, n, &init);
		(void)spnego_decode_resp(buf, n, &r);
	}
}
END_TEST

static Suite *spnego_suite(void)
{
	Suite *s = suite_create("spnego");
	TCase *t = tcase_create("codec");

	tcase_add_test(t, encodes_mech_types);
	tcase_add_test(t, encodes_and_decodes_init);
	tcase_add_test(t, encodes_and_decodes_resp);
	tcase_add_test(t, decodes_init2_with_hints);
	tcase_add_test(t, long_lengths);
	tcase_add_test(t, tells_raw_kerberos);
	tcase_add_test(t, damaged_tokens);
	tcase_add_test(t, indefinite_and_oversized_lengths);
	tcase_add_test(t, random_bytes);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return s;
}

SG_CHECK_MAIN(spnego_suite)
