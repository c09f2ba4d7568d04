/* UTF-8 <-> UTF-16 conversion at the API edge (sspi-gss/core/strings.c). */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "strings.h"

START_TEST(ascii_round_trip)
{
	const SEC_WCHAR in[] = {'K', 'e', 'r', 'b', 'e', 'r', 'o', 's', 0};
	char *u8 = NULL;
	SEC_WCHAR *u16 = NULL;
	size_t n8 = 0, n16 = 0;

	ck_assert_uint_eq(sg_utf16_len(in), 8);
	ck_assert_int_eq(sg_utf16_to_utf8(in, 8, &u8, &n8), SEC_E_OK);
	ck_assert_str_eq(u8, "Kerberos");
	ck_assert_uint_eq(n8, 8);
	ck_assert_int_eq(sg_utf8_to_utf16(u8, n8, &u16, &n16), SEC_E_OK);
	ck_assert_uint_eq(n16, 8);
	ck_assert_mem_eq(u16, in, sizeof(in));
	free(u8);
	free(u16);
}
END_TEST

START_TEST(non_ascii_and_surrogate_pairs)
{
	/* "é€😀": 2-byte, 3-byte and a 4-byte character (surrogate pair). */
	const SEC_WCHAR in[] = {0x00E9, 0x20AC, 0xD83D, 0xDE00};
	const char expect[] = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
	char *u8 = NULL;
	SEC_WCHAR *u16 = NULL;
	size_t n8 = 0, n16 = 0;

	ck_assert_int_eq(sg_utf16_to_utf8(in, 4, &u8, &n8), SEC_E_OK);
	ck_assert_uint_eq(n8, strlen(expect));
	ck_assert_str_eq(u8, expect);
	ck_assert_int_eq(sg_utf8_to_utf16(expect, strlen(expect), &u16, &n16), SEC_E_OK);
	ck_assert_uint_eq(n16, 4);
	ck_assert_mem_eq(u16, in, sizeof(in));
	ck_assert_uint_eq(u16[4], 0);
	free(u8);
	free(u16);
}
END_TEST

START_TEST(invalid_utf16_is_refused)
{
	const SEC_WCHAR lone_high[] = {'a', 0xD800, 'b'};
	const SEC_WCHAR lone_low[] = {0xDC00, 'a'};
	const SEC_WCHAR high_at_end[] = {'a', 0xDBFF};
	char *u8 = (char *)1;

	ck_assert_int_eq(sg_utf16_to_utf8(lone_high, 3, &u8, NULL), SEC_E_INVALID_PARAMETER);
	ck_assert_ptr_null(u8);
	ck_assert_int_eq(sg_utf16_to_utf8(lone_low, 2, &u8, NULL), SEC_E_INVALID_PARAMETER);
	ck_assert_int_eq(sg_utf16_to_utf8(high_at_end, 2, &u8, NULL), SEC_E_INVALID_PARAMETER);
	ck_assert_int_eq(sg_utf16_to_cstr(lone_high, 3, &u8), SEC_E_INVALID_PARAMETER);
}
END_TEST

START_TEST(invalid_utf8_is_refused)
{
	const char *bad[] = {
		"\xC3",             /* truncated 2-byte sequence */
		"\xC0\xAF",         /* overlong '/' */
		"\xED\xA0\x80",     /* encoded surrogate */
		"\xF4\x90\x80\x80", /* beyond U+10FFFF */
		"\xFF",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SEC_WCHAR *u16 = (SEC_WCHAR *)1;
		char *c = (char *)1;

		ck_assert_int_eq(sg_utf8_to_utf16(bad[i], strlen(bad[i]), &u16, NULL),
				 SEC_E_INVALID_PARAMETER);
		ck_assert_ptr_null(u16);
		ck_assert_int_eq(sg_utf8_to_cstr(bad[i], strlen(bad[i]), &c),
				 SEC_E_INVALID_PARAMETER);
		ck_assert_ptr_null(c);
	}
}
END_TEST

START_TEST(embedded_nul_kept_or_refused)
{
	const SEC_WCHAR in[] = {'a', 0, 'b'};
	char *u8 = NULL;
	size_t n8 = 0;

	/* The counted conversion keeps every unit... */
	ck_assert_int_eq(sg_utf16_to_utf8(in, 3, &u8, &n8), SEC_E_OK);
	ck_assert_uint_eq(n8, 3);
	ck_assert_mem_eq(u8, "a\0b", 4);
	free(u8);
	/* ...but a C string must not silently end at the NUL. */
	u8 = (char *)1;
	ck_assert_int_eq(sg_utf16_to_cstr(in, 3, &u8), SEC_E_INVALID_PARAMETER);
	ck_assert_ptr_null(u8);
	ck_assert_int_eq(sg_utf8_to_cstr("a\0b", 3, &u8), SEC_E_INVALID_PARAMETER);
}
END_TEST

START_TEST(empty_strings)
{
	char *u8 = NULL;
	SEC_WCHAR *u16 = NULL;
	size_t n = 99;

	ck_assert_int_eq(sg_utf16_to_utf8(NULL, 0, &u8, &n), SEC_E_OK);
	ck_assert_str_eq(u8, "");
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(sg_utf8_to_utf16("", 0, &u16, &n), SEC_E_OK);
	ck_assert_uint_eq(u16[0], 0);
	ck_assert_uint_eq(n, 0);
	free(u8);
	free(u16);
	ck_assert_int_eq(sg_utf16_to_utf8(NULL, 3, &u8, NULL), SEC_E_INVALID_PARAMETER);
}
END_TEST

START_TEST(case_insensitive_names)
{
	ck_assert_int_eq(sg_ascii_casecmp("Kerberos", "kERBEROS"), 0);
	ck_assert_int_ne(sg_ascii_casecmp("Kerberos", "Kerberos5"), 0);
	ck_assert_int_ne(sg_ascii_casecmp("NTLM", "NTLN"), 0);
}
END_TEST

/* Control characters from a peer become '?' (C0, DEL, and C1 in UTF-8);
 * other UTF-8 stays. */
START_TEST(controls_neutralised)
{
	char s[] = "a\nb\rc\x1b" "[31md\x7f\xc2\x85" "e\xc3\xa9";

	sg_neutralise_controls(s);
	ck_assert_str_eq(s, "a?b?c?[31md???" "e\xc3\xa9");
}
END_TEST

static Suite *strings_suite(void)
{
	Suite *s = suite_create("strings");
	TCase *tc = tcase_create("conversion");

	tcase_add_test(tc, ascii_round_trip);
	tcase_add_test(tc, non_ascii_and_surrogate_pairs);
	tcase_add_test(tc, invalid_utf16_is_refused);
	tcase_add_test(tc, invalid_utf8_is_refused);
	tcase_add_test(tc, embedded_nul_kept_or_refused);
	tcase_add_test(tc, empty_strings);
	tcase_add_test(tc, case_insensitive_names);
	tcase_add_test(tc, controls_neutralised);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(strings_suite)
