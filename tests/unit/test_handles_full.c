/*
 * test_handles_full.c - a full handle table (white box: includes
 * sspi-gss/core/handles.c to reach its statics).
 *
 * With every chunk handed out (MAX_CHUNKS, 1,048,576 live handles), each
 * sg_handle_new from a shard whose own free list is empty once did
 * atomic_fetch_add(&chunks_made, 1) before finding c >= MAX_CHUNKS. After
 * 2^32 - MAX_CHUNKS such calls the counter wraps to 0, the next call
 * "allocates" chunk 0 again: it replaces the live chunk 0 (its handles
 * lost, their objects leaked) and hands out index 0 with generation 1,
 * which is exactly the first handle ever made: the old handle now names the
 * new object.
 *
 * 2^32 real calls take too long for a test, so after checking that one
 * failing call advances the counter by one, the counter is set to where
 * those calls would have left it.
 */
#include "../../sspi-gss/core/handles.c"

#include <stdio.h>

#include "check_main.h"

static void nop_destroy(struct sg_object *o)
{
	(void)o;
}

START_TEST(full_table_does_not_wrap)
{
	static struct sg_object a, b, filler;
	SecHandle first, h, again;
	uint32_t before;
	size_t made = 1;

	sg_object_init(&a, nop_destroy);
	sg_object_init(&b, nop_destroy);
	sg_object_init(&filler, nop_destroy);
	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &a, &first), SEC_E_OK);
	/* Fill the table. */
	while (sg_handle_new(SG_HANDLE_CONTEXT, &filler, &h) == SEC_E_OK)
		made++;
	ck_assert_uint_eq(made, (size_t)MAX_CHUNKS * CHUNK_SLOTS);
	/* Each failing call moves the counter on. */
	before = atomic_load(&chunks_made);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_ne(sg_handle_new(SG_HANDLE_CONTEXT, &b, &h), SEC_E_OK);
	fprintf(stderr, "chunks_made: %u after filling, %u after 1000 refusals\n", before,
		atomic_load(&chunks_made));
	/* Where 2^32 - MAX_CHUNKS refusals in all leave it. */
	atomic_store(&chunks_made, UINT32_MAX);
	ck_assert_int_ne(sg_handle_new(SG_HANDLE_CONTEXT, &b, &h), SEC_E_OK);
	/* The table is still full: this must be refused... */
	ck_assert_msg(sg_handle_new(SG_HANDLE_CONTEXT, &b, &again) != SEC_E_OK,
		      "a full table handed out a handle (%lu, %lx)%s", (unsigned long)again.dwLower,
		      (unsigned long)again.dwUpper,
		      again.dwLower == first.dwLower && again.dwUpper == first.dwUpper
			      ? ": the same as the first handle ever made, still open"
			      : "");
	/* ...and the first handle still names its own object. */
	ck_assert_ptr_eq(sg_handle_ref(&first, SG_HANDLE_CONTEXT), &a);
}
END_TEST

static Suite *wrap_suite(void)
{
	Suite *s = suite_create("handles_full");
	TCase *tc = tcase_create("wrap");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, full_table_does_not_wrap);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(wrap_suite)
