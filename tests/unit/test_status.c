/* The status mapping (sspi-gss/core/status.c), one expectation per row, written
 * out here independently of the table it checks. */
#include <krb5.h>
#include <string.h>

#include "check_main.h"
#include "sspi-gss.h"
#include "status.h"

struct expect {
	long code;
	SECURITY_STATUS status;
};

static const struct expect krb5_expect[] = {
	{KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, SEC_E_TARGET_UNKNOWN},
	{KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_PREAUTH_FAILED, SEC_E_LOGON_DENIED},
	{KRB5KRB_AP_ERR_BAD_INTEGRITY, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_CLIENT_REVOKED, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_KEY_EXPIRED, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_NAME_EXP, SEC_E_LOGON_DENIED},
	{KRB5KRB_AP_ERR_SKEW, SEC_E_TIME_SKEW},
	{KRB5KRB_AP_ERR_TKT_NYV, SEC_E_TIME_SKEW},
	{KRB5_KDC_UNREACH, SEC_E_NO_AUTHENTICATING_AUTHORITY},
	{KRB5_REALM_UNKNOWN, SEC_E_NO_AUTHENTICATING_AUTHORITY},
	{KRB5_REALM_CANT_RESOLVE, SEC_E_NO_AUTHENTICATING_AUTHORITY},
	{KRB5_FCC_NOFILE, SEC_E_NO_CREDENTIALS},
	{KRB5_CC_NOTFOUND, SEC_E_NO_CREDENTIALS},
	{KRB5_CC_END, SEC_E_NO_CREDENTIALS},
	{KRB5_KT_NOTFOUND, SEC_E_NO_CREDENTIALS},
	{KRB5_KT_END, SEC_E_NO_CREDENTIALS},
	{KRB5KRB_AP_ERR_NOKEY, SEC_E_NO_CREDENTIALS},
	{KRB5KRB_AP_ERR_MODIFIED, SEC_E_WRONG_PRINCIPAL},
	{KRB5KRB_AP_ERR_BADKEYVER, SEC_E_WRONG_PRINCIPAL},
	{KRB5KRB_AP_ERR_BADMATCH, SEC_E_WRONG_PRINCIPAL},
	{KRB5KRB_AP_ERR_TKT_EXPIRED, SEC_E_CONTEXT_EXPIRED},
	{KRB5KRB_AP_ERR_REPEAT, SEC_E_OUT_OF_SEQUENCE},
	{KRB5KDC_ERR_ETYPE_NOSUPP, SEC_E_KDC_UNKNOWN_ETYPE},
	{KRB5KDC_ERR_POLICY, SEC_E_DELEGATION_POLICY},
};

START_TEST(krb5_row)
{
	const struct expect *e = &krb5_expect[_i];

	ck_assert_msg(sg_status_from_krb5(e->code) == e->status,
		      "krb5 code %ld: expected %s, got %s", e->code, SspiGssStatusName(e->status),
		      SspiGssStatusName(sg_status_from_krb5(e->code)));
	/* The same code as a GSS minor status behind GSS_S_FAILURE. */
	ck_assert_int_eq(sg_status_from_gss(GSS_S_FAILURE, (OM_uint32)e->code), e->status);
}
END_TEST

struct gss_expect {
	OM_uint32 major;
	SECURITY_STATUS status;
};

static const struct gss_expect gss_expect[] = {
	{GSS_S_COMPLETE, SEC_E_OK},
	{GSS_S_CONTINUE_NEEDED, SEC_I_CONTINUE_NEEDED},
	{GSS_S_BAD_MECH, SEC_E_SECPKG_NOT_FOUND},
	{GSS_S_BAD_NAME, SEC_E_TARGET_UNKNOWN},
	{GSS_S_BAD_NAMETYPE, SEC_E_TARGET_UNKNOWN},
	{GSS_S_BAD_BINDINGS, SEC_E_BAD_BINDINGS},
	{GSS_S_BAD_STATUS, SEC_E_INTERNAL_ERROR},
	{GSS_S_BAD_SIG, SEC_E_MESSAGE_ALTERED},
	{GSS_S_BAD_MIC, SEC_E_MESSAGE_ALTERED},
	{GSS_S_NO_CRED, SEC_E_NO_CREDENTIALS},
	{GSS_S_NO_CONTEXT, SEC_E_INVALID_HANDLE},
	{GSS_S_DEFECTIVE_TOKEN, SEC_E_INVALID_TOKEN},
	{GSS_S_DEFECTIVE_CREDENTIAL, SEC_E_UNKNOWN_CREDENTIALS},
	{GSS_S_CREDENTIALS_EXPIRED, SEC_E_NO_CREDENTIALS},
	{GSS_S_CONTEXT_EXPIRED, SEC_E_CONTEXT_EXPIRED},
	{GSS_S_FAILURE, SEC_E_INTERNAL_ERROR},
	{GSS_S_BAD_QOP, SEC_E_QOP_NOT_SUPPORTED},
	{GSS_S_UNAUTHORIZED, SEC_E_LOGON_DENIED},
	{GSS_S_UNAVAILABLE, SEC_E_UNSUPPORTED_FUNCTION},
	{GSS_S_DUPLICATE_ELEMENT, SEC_E_INTERNAL_ERROR},
	{GSS_S_NAME_NOT_MN, SEC_E_INTERNAL_ERROR},
	{GSS_S_DUPLICATE_TOKEN, SEC_E_OUT_OF_SEQUENCE},
	{GSS_S_OLD_TOKEN, SEC_E_OUT_OF_SEQUENCE},
	{GSS_S_UNSEQ_TOKEN, SEC_E_OUT_OF_SEQUENCE},
	{GSS_S_GAP_TOKEN, SEC_E_OUT_OF_SEQUENCE},
	/* A routine error outranks supplementary bits. */
	{GSS_S_BAD_SIG | GSS_S_UNSEQ_TOKEN, SEC_E_MESSAGE_ALTERED},
};

START_TEST(gss_row)
{
	const struct gss_expect *e = &gss_expect[_i];
	SECURITY_STATUS got = sg_status_from_gss(e->major, 0);

	ck_assert_msg(got == e->status, "GSS major 0x%x: expected %s, got %s", e->major,
		      SspiGssStatusName(e->status), SspiGssStatusName(got));
}
END_TEST

START_TEST(routine_error_outranks_minor)
{
	/* An altered message carries the same krb5 code as a wrong password. */
	ck_assert_int_eq(sg_status_from_gss(GSS_S_BAD_MIC, (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY),
			 SEC_E_MESSAGE_ALTERED);
	ck_assert_int_eq(sg_status_from_gss(GSS_S_DEFECTIVE_TOKEN, (OM_uint32)KRB5KRB_AP_ERR_MODIFIED),
			 SEC_E_INVALID_TOKEN);
	ck_assert_int_eq(sg_status_from_gss(GSS_S_NO_CRED, (OM_uint32)KRB5KDC_ERR_PREAUTH_FAILED),
			 SEC_E_LOGON_DENIED);
	ck_assert_int_eq(sg_status_from_gss(GSS_S_NO_CRED, (OM_uint32)KRB5_KDC_UNREACH),
			 SEC_E_NO_AUTHENTICATING_AUTHORITY);
}
END_TEST

/* On a message the same krb5 codes mean an altered message (or a replay),
 * while the logon and context mapping stays as it was. */
static const struct expect message_expect[] = {
	{KRB5KRB_AP_ERR_BAD_INTEGRITY, SEC_E_MESSAGE_ALTERED},
	{KRB5KRB_AP_ERR_MODIFIED, SEC_E_MESSAGE_ALTERED},
	{KRB5KRB_AP_ERR_INAPP_CKSUM, SEC_E_MESSAGE_ALTERED},
	{KRB5_BAD_MSIZE, SEC_E_MESSAGE_ALTERED},
	{KRB5KRB_AP_ERR_REPEAT, SEC_E_OUT_OF_SEQUENCE},
};

START_TEST(message_row)
{
	const struct expect *e = &message_expect[_i];
	SECURITY_STATUS got = sg_status_from_gss_message(GSS_S_FAILURE, (OM_uint32)e->code);

	ck_assert_msg(got == e->status, "message, krb5 code %ld: expected %s, got %s", e->code,
		      SspiGssStatusName(e->status), SspiGssStatusName(got));
}
END_TEST

START_TEST(message_mapping_by_call)
{
	/* The code behind the reported defect: a logon says denied, a message altered. */
	ck_assert_int_eq(sg_status_from_gss(GSS_S_FAILURE, (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY),
			 SEC_E_LOGON_DENIED);
	ck_assert_int_eq(
		sg_status_from_gss_message(GSS_S_FAILURE, (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY),
		SEC_E_MESSAGE_ALTERED);
	/* Routine errors that say what happened stand on messages too. */
	ck_assert_int_eq(
		sg_status_from_gss_message(GSS_S_DEFECTIVE_TOKEN, (OM_uint32)KRB5KRB_AP_ERR_MODIFIED),
		SEC_E_INVALID_TOKEN);
	ck_assert_int_eq(sg_status_from_gss_message(GSS_S_CONTEXT_EXPIRED, 0),
			 SEC_E_CONTEXT_EXPIRED);
	ck_assert_int_eq(sg_status_from_gss_message(GSS_S_COMPLETE | GSS_S_DUPLICATE_TOKEN, 0),
			 SEC_E_OUT_OF_SEQUENCE);
	/* Other failures keep their meaning. */
	ck_assert_int_eq(sg_status_from_gss_message(GSS_S_FAILURE, 12345), SEC_E_INTERNAL_ERROR);
}
END_TEST

START_TEST(unknown_minor_falls_back_to_major)
{
	ck_assert_int_eq(sg_status_from_gss(GSS_S_DEFECTIVE_TOKEN, 12345), SEC_E_INVALID_TOKEN);
	ck_assert_int_eq(sg_status_from_krb5(12345), SEC_E_INTERNAL_ERROR);
}
END_TEST

START_TEST(status_names)
{
	ck_assert_str_eq(SspiGssStatusName(SEC_E_OK), "SEC_E_OK");
	ck_assert_str_eq(SspiGssStatusName(SEC_E_LOGON_DENIED), "SEC_E_LOGON_DENIED");
	ck_assert_str_eq(SspiGssStatusName(SEC_I_CONTINUE_NEEDED), "SEC_I_CONTINUE_NEEDED");
	ck_assert_str_eq(SspiGssStatusName(SEC_E_INSUFFICIENT_BUFFERS), "SEC_E_INSUFFICIENT_BUFFERS");
	ck_assert_str_eq(SspiGssStatusName(SEC_I_CONTEXT_EXPIRED), "SEC_I_CONTEXT_EXPIRED");
	ck_assert_ptr_null(SspiGssStatusName((SECURITY_STATUS)0x12345678));
	ck_assert_str_eq(SspiGssStatusText(SEC_E_LOGON_DENIED), "The logon attempt failed.");
	ck_assert_str_eq(SspiGssStatusText((SECURITY_STATUS)0x12345678), "Unknown security status.");
}
END_TEST

/* Every number in the range Windows uses has a name, as a SEC_E_ error or,
 * for the numbers that are informational, as the SEC_I_ code. */
START_TEST(every_code_has_a_name)
{
	for (uint32_t c = 0x80090300; c <= 0x8009036B; c++) {
		/* Numbers Windows leaves unassigned in both forms. */
		if ((c >= 0x80090319 && c <= 0x8009031F) || (c >= 0x8009032A && c <= 0x8009032F) ||
		    c == 0x80090344 || (c >= 0x8009034A && c <= 0x8009034F))
			continue;
		ck_assert_msg(SspiGssStatusName((SECURITY_STATUS)c) != NULL ||
				      SspiGssStatusName((SECURITY_STATUS)(c & 0x7FFFFFFF)) != NULL,
			      "0x%08X has no name", c);
	}
}
END_TEST

static Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("mapping");

	tcase_add_loop_test(tc, krb5_row, 0, sizeof(krb5_expect) / sizeof(krb5_expect[0]));
	tcase_add_loop_test(tc, message_row, 0, sizeof(message_expect) / sizeof(message_expect[0]));
	tcase_add_test(tc, message_mapping_by_call);
	tcase_add_loop_test(tc, gss_row, 0, sizeof(gss_expect) / sizeof(gss_expect[0]));
	tcase_add_test(tc, routine_error_outranks_minor);
	tcase_add_test(tc, unknown_minor_falls_back_to_major);
	tcase_add_test(tc, status_names);
	tcase_add_test(tc, every_code_has_a_name);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(status_suite)
