/* The package registry through the public API: EnumerateSecurityPackagesA/W,
 * QuerySecurityPackageInfoA/W, InitSecurityInterfaceA/W, FreeContextBuffer. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

#include "check_main.h"

struct expect_pkg {
	const char *name, *comment;
	ULONG caps;
	USHORT rpcid;
	ULONG max_token;
};

/* What Windows 10 reports for these packages. */
static const struct expect_pkg expected[] = {
	{"Negotiate", "Microsoft Package Negotiator", 0x00883BB3, 9, 65791},
	{"Kerberos", "Microsoft Kerberos V1.0", 0x008F3BBF, 16, 65535},
	{"NTLM", "NTLM Security Package", 0x00882B37, 10, 2888},
};

/* Compares a UTF-16 string with ASCII text. */
static int wide_eq(const SEC_WCHAR *w, const char *a)
{
	for (; *a != '\0'; w++, a++)
		if (*w != (SEC_WCHAR)*a)
			return 0;
	return *w == 0;
}

START_TEST(enumerate_a)
{
	ULONG count = 0;
	PSecPkgInfoA info = NULL;

	ck_assert_int_eq(EnumerateSecurityPackagesA(&count, &info), SEC_E_OK);
	ck_assert_uint_eq(count, 3);
	for (ULONG i = 0; i < count; i++) {
		ck_assert_str_eq(info[i].Name, expected[i].name);
		ck_assert_str_eq(info[i].Comment, expected[i].comment);
		ck_assert_uint_eq(info[i].fCapabilities, expected[i].caps);
		ck_assert_uint_eq(info[i].wVersion, 1);
		ck_assert_uint_eq(info[i].wRPCID, expected[i].rpcid);
		ck_assert_uint_eq(info[i].cbMaxToken, expected[i].max_token);
	}
	ck_assert_int_eq(FreeContextBuffer(info), SEC_E_OK);
}
END_TEST

START_TEST(enumerate_w)
{
	ULONG count = 0;
	PSecPkgInfoW info = NULL;

	ck_assert_int_eq(EnumerateSecurityPackagesW(&count, &info), SEC_E_OK);
	ck_assert_uint_eq(count, 3);
	for (ULONG i = 0; i < count; i++) {
		ck_assert(wide_eq(info[i].Name, expected[i].name));
		ck_assert(wide_eq(info[i].Comment, expected[i].comment));
		ck_assert_uint_eq(info[i].fCapabilities, expected[i].caps);
		ck_assert_uint_eq(info[i].wRPCID, expected[i].rpcid);
		ck_assert_uint_eq(info[i].cbMaxToken, expected[i].max_token);
	}
	ck_assert_int_eq(FreeContextBuffer(info), SEC_E_OK);
}
END_TEST

START_TEST(enumerate_null_arguments)
{
	ULONG count = 7;
	PSecPkgInfoA info = NULL;

	ck_assert_int_eq(EnumerateSecurityPackagesA(NULL, &info), SEC_E_INVALID_PARAMETER);
	ck_assert_int_eq(EnumerateSecurityPackagesA(&count, NULL), SEC_E_INVALID_PARAMETER);
	ck_assert_int_eq(EnumerateSecurityPackagesW(NULL, NULL), SEC_E_INVALID_PARAMETER);
}
END_TEST

START_TEST(query_a_case_insensitive)
{
	const char *names[] = {"Kerberos", "kerberos", "KERBEROS", "ntlm", "NeGoTiAtE"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		PSecPkgInfoA info = NULL;

		ck_assert_int_eq(QuerySecurityPackageInfoA((SEC_CHAR *)names[i], &info), SEC_E_OK);
		ck_assert_int_eq(strcasecmp(info->Name, names[i]), 0);
		ck_assert_int_eq(FreeContextBuffer(info), SEC_E_OK);
	}
}
END_TEST

START_TEST(query_w)
{
	SEC_WCHAR name[] = u"NTLM";
	PSecPkgInfoW info = NULL;

	ck_assert_int_eq(QuerySecurityPackageInfoW(name, &info), SEC_E_OK);
	ck_assert(wide_eq(info->Name, "NTLM"));
	ck_assert(wide_eq(info->Comment, "NTLM Security Package"));
	ck_assert_uint_eq(info->cbMaxToken, 2888);
	ck_assert_int_eq(FreeContextBuffer(info), SEC_E_OK);
}
END_TEST

START_TEST(query_unknown_package)
{
	PSecPkgInfoA a = (PSecPkgInfoA)1;
	PSecPkgInfoW w = (PSecPkgInfoW)1;
	SEC_WCHAR wname[] = u"Schannel";
	SEC_WCHAR bad_utf16[] = {'N', 0xD800, 'T', 0};

	/* Windows leaves the output untouched (Wine's main.c tests, run on
	 * Windows). */
	ck_assert_int_eq(QuerySecurityPackageInfoA("Schannel", &a), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_ptr_eq(a, (PSecPkgInfoA)1);
	ck_assert_int_eq(QuerySecurityPackageInfoA("", &a), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_int_eq(QuerySecurityPackageInfoA("Kerberos ", &a), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_int_eq(QuerySecurityPackageInfoA(NULL, &a), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_int_eq(QuerySecurityPackageInfoW(wname, &w), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_ptr_eq(w, (PSecPkgInfoW)1);
	ck_assert_int_eq(QuerySecurityPackageInfoW(bad_utf16, &w), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_ptr_eq(w, (PSecPkgInfoW)1);
	ck_assert_int_eq(QuerySecurityPackageInfoW(bad_utf16, &w), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_int_eq(QuerySecurityPackageInfoW(NULL, &w), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_int_eq(QuerySecurityPackageInfoA("NTLM", NULL), SEC_E_INVALID_PARAMETER);
	ck_assert_int_eq(QuerySecurityPackageInfoW(wname, NULL), SEC_E_INVALID_PARAMETER);
}
END_TEST

START_TEST(free_context_buffer_misuse)
{
	int not_ours_stack;
	void *not_ours_heap = malloc(32);
	PSecPkgInfoA info = NULL;

	ck_assert_int_eq(FreeContextBuffer(NULL), SEC_E_OK);
	ck_assert_int_eq(FreeContextBuffer(&not_ours_stack), SEC_E_INVALID_HANDLE);
	ck_assert_int_eq(FreeContextBuffer(not_ours_heap), SEC_E_INVALID_HANDLE);
	free(not_ours_heap);
	ck_assert_int_eq(QuerySecurityPackageInfoA("NTLM", &info), SEC_E_OK);
	ck_assert_int_eq(FreeContextBuffer(info), SEC_E_OK);
	/* A second free of the same block is refused instead of corrupting the heap. */
	ck_assert_int_eq(FreeContextBuffer(info), SEC_E_INVALID_HANDLE);
}
END_TEST

START_TEST(function_tables)
{
	PSecurityFunctionTableA a = InitSecurityInterfaceA();
	PSecurityFunctionTableW w = InitSecurityInterfaceW();
	void *const *slots;
	ULONG count = 0;
	PSecPkgInfoA info = NULL;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_eq(InitSecurityInterfaceA(), a);
	ck_assert_uint_eq(a->dwVersion, SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_5);
	ck_assert_uint_eq(w->dwVersion, SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_5);
	/* Every slot but Reserved2 (5) and Reserved8 (23) is set, in both
	 * tables: Reserved3 and Reserved4 (18, 19) hold EncryptMessage and
	 * DecryptMessage, as on Windows (test_windows_facts). */
	slots = (void *const *)&a->EnumerateSecurityPackagesA;
	for (size_t i = 0; i < 31; i++) {
		int reserved = (i + 1 == 5 || i + 1 == 23);

		ck_assert_msg((slots[i] == NULL) == reserved, "A table slot %zu", i + 1);
	}
	slots = (void *const *)&w->EnumerateSecurityPackagesW;
	for (size_t i = 0; i < 31; i++) {
		int reserved = (i + 1 == 5 || i + 1 == 23);

		ck_assert_msg((slots[i] == NULL) == reserved, "W table slot %zu", i + 1);
	}
	/* The table's entries are the exported functions themselves. */
	ck_assert_ptr_eq(a->EnumerateSecurityPackagesA, EnumerateSecurityPackagesA);
	ck_assert_ptr_eq(w->QuerySecurityPackageInfoW, QuerySecurityPackageInfoW);
	ck_assert_ptr_eq(a->FreeContextBuffer, w->FreeContextBuffer);
	ck_assert_int_eq(a->EnumerateSecurityPackagesA(&count, &info), SEC_E_OK);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(a->FreeContextBuffer(info), SEC_E_OK);
}
END_TEST

START_TEST(package_mech_extension)
{
	SSPI_GSS_PACKAGE_MECH m;

	ck_assert_int_eq(SspiGssQueryPackageMech("kerberos", &m), SEC_E_OK);
	ck_assert_str_eq(m.PackageName, "Kerberos");
	ck_assert_str_eq(m.MechOid, "1.2.840.113554.1.2.2");
	ck_assert_int_eq(SspiGssQueryPackageMech("Negotiate", &m), SEC_E_OK);
	ck_assert_str_eq(m.MechOid, "1.3.6.1.5.5.2");
	ck_assert_int_eq(SspiGssQueryPackageMech("NTLM", &m), SEC_E_OK);
	ck_assert_str_eq(m.MechOid, "1.3.6.1.4.1.311.2.2.10");
	ck_assert_int_eq(SspiGssQueryPackageMech("Digest", &m), SEC_E_SECPKG_NOT_FOUND);
	ck_assert_int_eq(SspiGssQueryPackageMech(NULL, &m), SEC_E_INVALID_PARAMETER);
	ck_assert_int_eq(SspiGssQueryPackageMech("NTLM", NULL), SEC_E_INVALID_PARAMETER);
	ck_assert_str_eq(SspiGssVersion(), "0.1.0");
}
END_TEST

/* Nothing has failed in a new thread: the text is empty, never NULL. */
static void *last_error_of_new_thread(void *arg)
{
	const char *text = SspiGssGetLastErrorText();

	*(int *)arg = text != NULL && text[0] == '\0';
	return NULL;
}

START_TEST(last_error_text_starts_empty)
{
	pthread_t t;
	int empty = 0;

	ck_assert_int_eq(pthread_create(&t, NULL, last_error_of_new_thread, &empty), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(empty, 1);
	ck_assert_ptr_nonnull(SspiGssGetLastErrorText());
	ck_assert_str_eq(SspiGssGetLastErrorText(), "");
}
END_TEST

START_TEST(mechanism_check)
{
	const char *reason = NULL;

	ck_assert_msg(SspiGssCheckMechanisms(&reason) == SEC_E_OK, "check failed: %s", reason);
	ck_assert_int_eq(SspiGssCheckMechanisms(NULL), SEC_E_OK);
}
END_TEST

static Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("packages");

	tcase_add_test(tc, enumerate_a);
	tcase_add_test(tc, enumerate_w);
	tcase_add_test(tc, enumerate_null_arguments);
	tcase_add_test(tc, query_a_case_insensitive);
	tcase_add_test(tc, query_w);
	tcase_add_test(tc, query_unknown_package);
	tcase_add_test(tc, free_context_buffer_misuse);
	tcase_add_test(tc, function_tables);
	tcase_add_test(tc, package_mech_extension);
	tcase_add_test(tc, mechanism_check);
	tcase_add_test(tc, last_error_text_starts_empty);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(registry_suite)
