/* The handle table (sspi-gss/handles.c): stale, double-freed, forged and
 * wrong-kind handles are not found; concurrent use is safe. */
#include <pthread.h>

#include "check_main.h"
#include "handles.h"

static int obj_a, obj_b;

START_TEST(new_get_take)
{
	SecHandle h;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CREDENTIAL, &obj_a, &h), SEC_E_OK);
	ck_assert_ptr_eq(sg_handle_get(&h, SG_HANDLE_CREDENTIAL), &obj_a);
	ck_assert_ptr_eq(sg_handle_take(&h, SG_HANDLE_CREDENTIAL), &obj_a);
	ck_assert_ptr_null(sg_handle_get(&h, SG_HANDLE_CREDENTIAL));
}
END_TEST

START_TEST(double_free_is_reported)
{
	SecHandle h;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_a, &h), SEC_E_OK);
	ck_assert_ptr_eq(sg_handle_take(&h, SG_HANDLE_CONTEXT), &obj_a);
	ck_assert_ptr_null(sg_handle_take(&h, SG_HANDLE_CONTEXT));
}
END_TEST

START_TEST(stale_handle_after_reuse)
{
	SecHandle old, fresh;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_a, &old), SEC_E_OK);
	sg_handle_take(&old, SG_HANDLE_CONTEXT);
	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_b, &fresh), SEC_E_OK);
	/* The freed slot is reused, but the old handle must not reach the new object. */
	ck_assert_uint_eq(fresh.dwLower, old.dwLower);
	ck_assert_uint_ne(fresh.dwUpper, old.dwUpper);
	ck_assert_ptr_null(sg_handle_get(&old, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_take(&old, SG_HANDLE_CONTEXT));
	ck_assert_ptr_eq(sg_handle_take(&fresh, SG_HANDLE_CONTEXT), &obj_b);
}
END_TEST

START_TEST(wrong_kind_is_not_found)
{
	SecHandle h;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CREDENTIAL, &obj_a, &h), SEC_E_OK);
	ck_assert_ptr_null(sg_handle_get(&h, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_take(&h, SG_HANDLE_CONTEXT));
	ck_assert_ptr_eq(sg_handle_take(&h, SG_HANDLE_CREDENTIAL), &obj_a);
}
END_TEST

START_TEST(garbage_handles)
{
	SecHandle zero = {0, 0};
	SecHandle invalid = {(ULONG_PTR)-1, (ULONG_PTR)-1};
	SecHandle pointerish = {(ULONG_PTR)&obj_a, (ULONG_PTR)&obj_b};
	SecHandle huge_index = {0x7FFFFFFF, (1u << 8) | SG_HANDLE_CONTEXT};
	SecHandle h;

	ck_assert_ptr_null(sg_handle_get(NULL, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_get(&zero, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_get(&invalid, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_get(&pointerish, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_get(&huge_index, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_take(&pointerish, SG_HANDLE_CONTEXT));
	/* A live handle with one bit of its tag changed is not found either. */
	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_a, &h), SEC_E_OK);
	h.dwUpper ^= 0x100;
	ck_assert_ptr_null(sg_handle_get(&h, SG_HANDLE_CONTEXT));
	h.dwUpper ^= 0x100;
	ck_assert_ptr_eq(sg_handle_take(&h, SG_HANDLE_CONTEXT), &obj_a);
}
END_TEST

#define THREADS 8
#define ROUNDS 20000

static void *churn(void *arg)
{
	long failures = 0;

	for (int i = 0; i < ROUNDS; i++) {
		SecHandle h;

		if (sg_handle_new(SG_HANDLE_CONTEXT, arg, &h) != SEC_E_OK)
			failures++;
		else if (sg_handle_get(&h, SG_HANDLE_CONTEXT) != arg)
			failures++;
		else if (sg_handle_take(&h, SG_HANDLE_CONTEXT) != arg)
			failures++;
		else if (sg_handle_take(&h, SG_HANDLE_CONTEXT) != NULL)
			failures++;
	}
	return (void *)failures;
}

START_TEST(concurrent_churn)
{
	pthread_t threads[THREADS];
	int objs[THREADS];
	size_t before = sg_handle_count();

	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, churn, &objs[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		void *failures;

		pthread_join(threads[i], &failures);
		ck_assert_int_eq((long)failures, 0);
	}
	ck_assert_uint_eq(sg_handle_count(), before);
}
END_TEST

START_TEST(many_live_handles)
{
	enum { N = 3000 };
	static SecHandle hs[N];

	for (int i = 0; i < N; i++)
		ck_assert_int_eq(sg_handle_new(SG_HANDLE_CREDENTIAL, &hs[i], &hs[i]), SEC_E_OK);
	for (int i = 0; i < N; i++) {
		SecHandle copy = hs[i];

		ck_assert_ptr_eq(sg_handle_take(&copy, SG_HANDLE_CREDENTIAL), &hs[i]);
	}
}
END_TEST

static Suite *handles_suite(void)
{
	Suite *s = suite_create("handles");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, new_get_take);
	tcase_add_test(tc, double_free_is_reported);
	tcase_add_test(tc, stale_handle_after_reuse);
	tcase_add_test(tc, wrong_kind_is_not_found);
	tcase_add_test(tc, garbage_handles);
	tcase_add_test(tc, concurrent_churn);
	tcase_add_test(tc, many_live_handles);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(handles_suite)
