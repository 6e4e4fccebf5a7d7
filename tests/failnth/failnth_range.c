// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Allocation-failure sweeps for range lists (iommufd_fail_nth.c style).
 *
 * For every range-list operation that may allocate, run it with the n-th
 * fallible point failing, for n = 1, 2, ... until a run succeeds without
 * reaching the n-th point. Each failed run must return -ENOMEM and leave
 * every list it was given, output and inputs alike, exactly as it was;
 * each successful run must give the same result as an undisturbed run.
 * Operations that alias the output with an input are swept too, and so are
 * the cases documented (here) never to allocate. Leaks show up under ASan.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ioas/range.h>

#include "ioas_private.h"

#define MAX UINT64_MAX
#define R(s, l) ((struct ioas_range){ (s), (l) })

typedef int op_fn(struct ioas_range_list *out, struct ioas_range_list *a,
		  struct ioas_range_list *b, const struct ioas_range *r);

static int op_add(struct ioas_range_list *out, struct ioas_range_list *a,
		  struct ioas_range_list *b, const struct ioas_range *r)
{
	(void)a;
	(void)b;
	return ioas_range_list_add(out, r);
}

static int op_remove(struct ioas_range_list *out, struct ioas_range_list *a,
		     struct ioas_range_list *b, const struct ioas_range *r)
{
	(void)a;
	(void)b;
	return ioas_range_list_remove(out, r);
}

static int op_union(struct ioas_range_list *out, struct ioas_range_list *a,
		    struct ioas_range_list *b, const struct ioas_range *r)
{
	(void)r;
	return ioas_range_list_union(out, a, b);
}

static int op_intersect(struct ioas_range_list *out, struct ioas_range_list *a,
			struct ioas_range_list *b, const struct ioas_range *r)
{
	(void)r;
	return ioas_range_list_intersect(out, a, b);
}

static int op_subtract(struct ioas_range_list *out, struct ioas_range_list *a,
		       struct ioas_range_list *b, const struct ioas_range *r)
{
	(void)r;
	return ioas_range_list_subtract(out, a, b);
}

static int op_invert(struct ioas_range_list *out, struct ioas_range_list *a,
		     struct ioas_range_list *b, const struct ioas_range *r)
{
	(void)b;
	return ioas_range_list_invert(out, a, r);
}

static int op_copy(struct ioas_range_list *out, struct ioas_range_list *a,
		   struct ioas_range_list *b, const struct ioas_range *r)
{
	(void)b;
	(void)r;
	return ioas_range_list_copy(out, a);
}

enum alias { OUT_SEPARATE, OUT_IS_A, OUT_IS_B };

/* Fixtures: a, b and the output's previous content. */
static struct ioas_range_list fa, fb, fo;

/* Each range [i * step, i * step + len - 1] for i < n, offset by @base. */
static void fill(struct ioas_range_list *l, uint64_t base, unsigned int n,
		 uint64_t step, uint64_t len)
{
	unsigned int i;

	ioas_range_list_fini(l);
	for (i = 0; i < n; i++) {
		struct ioas_range r = R(base + i * step,
					base + i * step + len - 1);

		assert_int_equal(ioas_range_list_add(l, &r), 0);
	}
}

static void t_copy(struct ioas_range_list *dst,
		   const struct ioas_range_list *src)
{
	ioas_range_list_init(dst);
	assert_int_equal(ioas_range_list_copy(dst, src), 0);
	/* The sweep relies on copies being exactly full */
	assert_int_equal(dst->cap, dst->nr);
}

/*
 * Run @op on fresh copies of the fixtures with the n-th fallible point
 * failing, for n = 1, 2, ... Returns how many runs failed.
 */
static unsigned int sweep(op_fn *op, enum alias alias,
			  const struct ioas_range *r)
{
	struct ioas_range_list want;
	unsigned int n, failed = 0;

	if (!ioas_fail_nth_supported_())
		skip();

	/* The undisturbed result */
	{
		struct ioas_range_list a, b, o, *out;

		t_copy(&a, &fa);
		t_copy(&b, &fb);
		t_copy(&o, &fo);
		out = alias == OUT_IS_A ? &a : alias == OUT_IS_B ? &b : &o;
		assert_int_equal(op(out, &a, &b, r), 0);
		t_copy(&want, out);
		ioas_range_list_fini(&a);
		ioas_range_list_fini(&b);
		ioas_range_list_fini(&o);
	}

	for (n = 1;; n++) {
		struct ioas_range_list a, b, o, *out;
		bool pending;
		int rc;

		assert_true(n < 1000);
		t_copy(&a, &fa);
		t_copy(&b, &fb);
		t_copy(&o, &fo);
		out = alias == OUT_IS_A ? &a : alias == OUT_IS_B ? &b : &o;

		ioas_fail_nth_set_(n);
		rc = op(out, &a, &b, r);
		pending = ioas_fail_nth_pending_();
		ioas_fail_nth_set_(0);

		if (rc) {
			/* Failure is -ENOMEM and leaves every list as it was */
			assert_int_equal(rc, -ENOMEM);
			assert_false(pending);
			assert_true(ioas_range_list_equal(&a, &fa));
			assert_true(ioas_range_list_equal(&b, &fb));
			assert_true(ioas_range_list_equal(&o, &fo));
			failed++;
		} else {
			/* A success matches the undisturbed run */
			assert_true(ioas_range_list_equal(out, &want));
		}
		assert_int_equal(ioas_range_list_check(&a), 0);
		assert_int_equal(ioas_range_list_check(&b), 0);
		assert_int_equal(ioas_range_list_check(&o), 0);
		ioas_range_list_fini(&a);
		ioas_range_list_fini(&b);
		ioas_range_list_fini(&o);
		if (!rc && pending)
			break;
	}
	ioas_range_list_fini(&want);
	return failed;
}

static int setup(void **state)
{
	(void)state;
	/* 64 ranges from 0; 47 interleaved with them, and the top 256 bytes */
	fill(&fa, 0, 64, 0x100, 0x80);
	fill(&fb, 0x40, 47, 0x100, 0x80);
	{
		struct ioas_range top = R(MAX - 0xff, MAX);

		assert_int_equal(ioas_range_list_add(&fb, &top), 0);
	}
	fill(&fo, 0x100000, 3, 0x100, 0x10);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ioas_range_list_fini(&fa);
	ioas_range_list_fini(&fb);
	ioas_range_list_fini(&fo);
	return 0;
}

static void test_failnth_range_add_that_grows(void **state)
{
	struct ioas_range r = R(0x100000 + 0x1000, 0x100000 + 0x1fff);

	(void)state;
	/* A new disjoint range needs a slot the full list lacks */
	assert_int_equal(sweep(op_add, OUT_SEPARATE, &r), 1);
}

static void test_failnth_range_add_that_merges_never_fails(void **state)
{
	struct ioas_range r = R(0x100005, 0x100105);

	(void)state;
	/* Merging into existing ranges needs no memory */
	assert_int_equal(sweep(op_add, OUT_SEPARATE, &r), 0);
}

static void test_failnth_range_remove_that_splits(void **state)
{
	struct ioas_range r = R(0x100104, 0x100104);

	(void)state;
	/* A split needs one more slot */
	assert_int_equal(sweep(op_remove, OUT_SEPARATE, &r), 1);
}

static void test_failnth_range_remove_that_trims_never_fails(void **state)
{
	struct ioas_range r = R(0x100008, 0x100108);

	(void)state;
	/* Trimming and dropping ranges needs no memory */
	assert_int_equal(sweep(op_remove, OUT_SEPARATE, &r), 0);
}

static void test_failnth_range_union(void **state)
{
	(void)state;
	/* Into a separate list, and over either operand */
	assert_true(sweep(op_union, OUT_SEPARATE, NULL) >= 1);
	assert_true(sweep(op_union, OUT_IS_A, NULL) >= 1);
	assert_true(sweep(op_union, OUT_IS_B, NULL) >= 1);
}

static void test_failnth_range_intersect(void **state)
{
	(void)state;
	/* Into a separate list, and over either operand */
	assert_true(sweep(op_intersect, OUT_SEPARATE, NULL) >= 1);
	assert_true(sweep(op_intersect, OUT_IS_A, NULL) >= 1);
	assert_true(sweep(op_intersect, OUT_IS_B, NULL) >= 1);
}

static void test_failnth_range_subtract(void **state)
{
	(void)state;
	/* Into a separate list, and over either operand */
	assert_true(sweep(op_subtract, OUT_SEPARATE, NULL) >= 1);
	assert_true(sweep(op_subtract, OUT_IS_A, NULL) >= 1);
	assert_true(sweep(op_subtract, OUT_IS_B, NULL) >= 1);
}

static void test_failnth_range_invert(void **state)
{
	struct ioas_range all = R(0, MAX), w = R(0x1000, 0x2fff);

	(void)state;
	/* Within the full space and within a window, also in place */
	assert_true(sweep(op_invert, OUT_SEPARATE, &all) >= 1);
	assert_true(sweep(op_invert, OUT_IS_A, &all) >= 1);
	assert_true(sweep(op_invert, OUT_SEPARATE, &w) >= 1);
	assert_true(sweep(op_invert, OUT_IS_A, &w) >= 1);
}

static void test_failnth_range_copy(void **state)
{
	(void)state;
	/* Into a list too small for the source */
	assert_int_equal(sweep(op_copy, OUT_SEPARATE, NULL), 1);
}

static void test_failnth_range_copy_into_room_never_fails(void **state)
{
	(void)state;
	/* Into a list that already has room: no allocation */
	fill(&fb, 0, 100, 0x10, 1);
	assert_int_equal(sweep(op_copy, OUT_IS_B, NULL), 0);
}

static void test_failnth_range_empty_results_never_fail(void **state)
{
	struct ioas_range all = R(0, MAX);

	(void)state;
	/* a ∩ (the holes of a) is empty and needs no memory */
	assert_int_equal(ioas_range_list_invert(&fb, &fa, &all), 0);
	assert_int_equal(sweep(op_intersect, OUT_SEPARATE, NULL), 0);
	/* a - a, likewise */
	assert_int_equal(ioas_range_list_copy(&fb, &fa), 0);
	assert_int_equal(sweep(op_subtract, OUT_SEPARATE, NULL), 0);
	assert_int_equal(sweep(op_subtract, OUT_IS_A, NULL), 0);
}

/* Every test gets fresh fixtures; some tests reshape them first. */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_failnth_range_add_that_grows),
		T(test_failnth_range_add_that_merges_never_fails),
		T(test_failnth_range_remove_that_splits),
		T(test_failnth_range_remove_that_trims_never_fails),
		T(test_failnth_range_union),
		T(test_failnth_range_intersect),
		T(test_failnth_range_subtract),
		T(test_failnth_range_invert),
		T(test_failnth_range_copy),
		T(test_failnth_range_copy_into_room_never_fails),
		T(test_failnth_range_empty_results_never_fail),
	};

	return cmocka_run_group_tests_name("failnth-range", tests, NULL, NULL);
}
