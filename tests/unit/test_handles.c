/* The handle table (sspi-gss/core/handles.c): stale, double-freed, forged and
 * wrong-kind handles are not found; a lookup holds its object alive past a
 * racing close, and every object is destroyed exactly once. */
#include <pthread.h>
#include <stdlib.h>

#include "check_main.h"
#include "handles.h"

struct counted {
	struct sg_object obj;
	_Atomic int destroyed;
	int heap; /* freed by destroy */
};

static _Atomic long destroyed_total;

static void counted_destroy(struct sg_object *o)
{
	struct counted *c = (struct counted *)o;

	atomic_fetch_add(&c->destroyed, 1);
	atomic_fetch_add(&destroyed_total, 1);
	if (c->heap)
		free(c);
}

static void counted_init(struct counted *c)
{
	sg_object_init(&c->obj, counted_destroy);
	atomic_init(&c->destroyed, 0);
	c->heap = 0;
}

static struct counted obj_a, obj_b;

static void setup(void)
{
	counted_init(&obj_a);
	counted_init(&obj_b);
}

/* A lookup's reference, dropped at once: is h live? */
static struct sg_object *peek(const SecHandle *h, enum sg_handle_kind kind)
{
	struct sg_object *o = sg_handle_ref(h, kind);

	sg_object_unref(o);
	return o;
}

START_TEST(new_ref_close)
{
	SecHandle h;
	struct sg_object *o;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CREDENTIAL, &obj_a.obj, &h), SEC_E_OK);
	o = sg_handle_ref(&h, SG_HANDLE_CREDENTIAL);
	ck_assert_ptr_eq(o, &obj_a.obj);
	ck_assert_uint_eq(atomic_load(&obj_a.obj.refs), 2);
	sg_object_unref(o);
	o = sg_handle_close(&h, SG_HANDLE_CREDENTIAL);
	ck_assert_ptr_eq(o, &obj_a.obj);
	ck_assert_ptr_null(peek(&h, SG_HANDLE_CREDENTIAL));
	ck_assert_int_eq(atomic_load(&obj_a.destroyed), 0);
	sg_object_unref(o);
	ck_assert_int_eq(atomic_load(&obj_a.destroyed), 1);
}
END_TEST

/* DeleteSecurityContext while another call runs: the handle dies at once,
 * the object when the running call lets go of it. */
START_TEST(close_waits_for_running_call)
{
	SecHandle h;
	struct sg_object *running, *closer;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_a.obj, &h), SEC_E_OK);
	running = sg_handle_ref(&h, SG_HANDLE_CONTEXT);
	closer = sg_handle_close(&h, SG_HANDLE_CONTEXT);
	ck_assert_ptr_eq(closer, &obj_a.obj);
	ck_assert_ptr_null(sg_handle_ref(&h, SG_HANDLE_CONTEXT));
	sg_object_unref(closer);
	ck_assert_int_eq(atomic_load(&obj_a.destroyed), 0);
	sg_object_unref(running);
	ck_assert_int_eq(atomic_load(&obj_a.destroyed), 1);
}
END_TEST

START_TEST(double_free_is_reported)
{
	SecHandle h;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_a.obj, &h), SEC_E_OK);
	sg_object_unref(sg_handle_close(&h, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_close(&h, SG_HANDLE_CONTEXT));
	ck_assert_int_eq(atomic_load(&obj_a.destroyed), 1);
}
END_TEST

START_TEST(stale_handle_after_reuse)
{
	SecHandle old, fresh;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_a.obj, &old), SEC_E_OK);
	sg_object_unref(sg_handle_close(&old, SG_HANDLE_CONTEXT));
	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_b.obj, &fresh), SEC_E_OK);
	/* The freed slot is reused, but the old handle must not reach the new object. */
	ck_assert_uint_eq(fresh.dwLower, old.dwLower);
	ck_assert_uint_ne(fresh.dwUpper, old.dwUpper);
	ck_assert_ptr_null(peek(&old, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_close(&old, SG_HANDLE_CONTEXT));
	sg_object_unref(sg_handle_close(&fresh, SG_HANDLE_CONTEXT));
	ck_assert_int_eq(atomic_load(&obj_b.destroyed), 1);
}
END_TEST

START_TEST(wrong_kind_is_not_found)
{
	SecHandle h;

	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CREDENTIAL, &obj_a.obj, &h), SEC_E_OK);
	ck_assert_ptr_null(peek(&h, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_close(&h, SG_HANDLE_CONTEXT));
	ck_assert_ptr_eq(peek(&h, SG_HANDLE_CREDENTIAL), &obj_a.obj);
	sg_object_unref(sg_handle_close(&h, SG_HANDLE_CREDENTIAL));
}
END_TEST

START_TEST(garbage_handles)
{
	SecHandle zero = {0, 0};
	SecHandle invalid = {(ULONG_PTR)-1, (ULONG_PTR)-1};
	SecHandle pointerish = {(ULONG_PTR)&obj_a, (ULONG_PTR)&obj_b};
	SecHandle huge_index = {0x7FFFFFFF, (1u << 8) | SG_HANDLE_CONTEXT};
	SecHandle h;

	ck_assert_ptr_null(peek(NULL, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(peek(&zero, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(peek(&invalid, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(peek(&pointerish, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(peek(&huge_index, SG_HANDLE_CONTEXT));
	ck_assert_ptr_null(sg_handle_close(&pointerish, SG_HANDLE_CONTEXT));
	/* A live handle with one bit of its tag changed is not found either. */
	ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &obj_a.obj, &h), SEC_E_OK);
	h.dwUpper ^= 0x100;
	ck_assert_ptr_null(peek(&h, SG_HANDLE_CONTEXT));
	h.dwUpper ^= 0x100;
	ck_assert_ptr_eq(peek(&h, SG_HANDLE_CONTEXT), &obj_a.obj);
	sg_object_unref(sg_handle_close(&h, SG_HANDLE_CONTEXT));
}
END_TEST

#define THREADS 8
#define ROUNDS 20000

static void *churn(void *arg)
{
	struct counted *c = arg;
	long failures = 0;

	for (int i = 0; i < ROUNDS; i++) {
		SecHandle h;

		sg_object_init(&c->obj, counted_destroy);
		if (sg_handle_new(SG_HANDLE_CONTEXT, &c->obj, &h) != SEC_E_OK)
			failures++;
		else if (peek(&h, SG_HANDLE_CONTEXT) != &c->obj)
			failures++;
		else {
			struct sg_object *o = sg_handle_close(&h, SG_HANDLE_CONTEXT);

			if (o != &c->obj || sg_handle_close(&h, SG_HANDLE_CONTEXT) != NULL)
				failures++;
			sg_object_unref(o);
		}
	}
	return (void *)failures;
}

START_TEST(concurrent_churn)
{
	pthread_t threads[THREADS];
	struct counted objs[THREADS];
	size_t before = sg_handle_count();

	for (int i = 0; i < THREADS; i++) {
		counted_init(&objs[i]);
		ck_assert_int_eq(pthread_create(&threads[i], NULL, churn, &objs[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		void *failures;

		pthread_join(threads[i], &failures);
		ck_assert_int_eq((long)failures, 0);
		ck_assert_int_eq(atomic_load(&objs[i].destroyed), ROUNDS);
	}
	ck_assert_uint_eq(sg_handle_count(), before);
}
END_TEST

/*
 * Lookups racing closes and slot reuse: readers look up whatever handle is
 * published in a shared array while a writer closes each and replaces it
 * with a new heap object in the same slot. A reader must get either NULL
 * or the very object it was published with (never another generation's),
 * and every object is destroyed exactly once (ASan sees any use after
 * free).
 */
#define RACE_SLOTS 16
#define RACE_ROUNDS 20000

struct race {
	_Atomic ULONG_PTR lower[RACE_SLOTS], upper[RACE_SLOTS];
	_Atomic int stop;
	_Atomic long wrong;
};

static void *race_reader(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		for (int i = 0; i < RACE_SLOTS; i++) {
			SecHandle h = {atomic_load(&r->lower[i]), atomic_load(&r->upper[i])};
			struct sg_object *o = sg_handle_ref(&h, SG_HANDLE_CONTEXT);

			if (o == NULL)
				continue;
			/* The object must still be alive and unclosed here. */
			if (atomic_load(&((struct counted *)o)->destroyed) != 0)
				atomic_fetch_add(&r->wrong, 1);
			sg_object_unref(o);
		}
	}
	return NULL;
}

START_TEST(lookups_race_closes)
{
	static struct race r;
	pthread_t readers[3];
	SecHandle hs[RACE_SLOTS];
	long before = atomic_load(&destroyed_total);
	size_t live = sg_handle_count();

	for (int i = 0; i < RACE_SLOTS; i++) {
		struct counted *c = calloc(1, sizeof(*c));

		counted_init(c);
		c->heap = 1;
		ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &c->obj, &hs[i]), SEC_E_OK);
		atomic_store(&r.lower[i], hs[i].dwLower);
		atomic_store(&r.upper[i], hs[i].dwUpper);
	}
	for (int t = 0; t < 3; t++)
		ck_assert_int_eq(pthread_create(&readers[t], NULL, race_reader, &r), 0);
	for (int n = 0; n < RACE_ROUNDS; n++) {
		int i = n % RACE_SLOTS;
		struct counted *c = calloc(1, sizeof(*c));

		sg_object_unref(sg_handle_close(&hs[i], SG_HANDLE_CONTEXT));
		counted_init(c);
		c->heap = 1;
		ck_assert_int_eq(sg_handle_new(SG_HANDLE_CONTEXT, &c->obj, &hs[i]), SEC_E_OK);
		atomic_store(&r.lower[i], hs[i].dwLower);
		atomic_store(&r.upper[i], hs[i].dwUpper);
	}
	atomic_store(&r.stop, 1);
	for (int t = 0; t < 3; t++)
		pthread_join(readers[t], NULL);
	for (int i = 0; i < RACE_SLOTS; i++)
		sg_object_unref(sg_handle_close(&hs[i], SG_HANDLE_CONTEXT));
	ck_assert_int_eq(atomic_load(&r.wrong), 0);
	ck_assert_int_eq(atomic_load(&destroyed_total) - before, RACE_ROUNDS + RACE_SLOTS);
	ck_assert_uint_eq(sg_handle_count(), live);
}
END_TEST

START_TEST(many_live_handles)
{
	enum { N = 3000 };
	static struct counted objs[N];
	static SecHandle hs[N];

	for (int i = 0; i < N; i++) {
		counted_init(&objs[i]);
		ck_assert_int_eq(sg_handle_new(SG_HANDLE_CREDENTIAL, &objs[i].obj, &hs[i]), SEC_E_OK);
	}
	for (int i = 0; i < N; i++) {
		struct sg_object *o = sg_handle_close(&hs[i], SG_HANDLE_CREDENTIAL);

		ck_assert_ptr_eq(o, &objs[i].obj);
		sg_object_unref(o);
		ck_assert_int_eq(atomic_load(&objs[i].destroyed), 1);
	}
}
END_TEST

static Suite *handles_suite(void)
{
	Suite *s = suite_create("handles");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, new_ref_close);
	tcase_add_test(tc, close_waits_for_running_call);
	tcase_add_test(tc, double_free_is_reported);
	tcase_add_test(tc, stale_handle_after_reuse);
	tcase_add_test(tc, wrong_kind_is_not_found);
	tcase_add_test(tc, garbage_handles);
	tcase_add_test(tc, concurrent_churn);
	tcase_add_test(tc, lookups_race_closes);
	tcase_add_test(tc, many_live_handles);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(handles_suite)
