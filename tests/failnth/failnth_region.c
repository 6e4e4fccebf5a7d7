// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fail-nth sweeps for the region module (iommufd_fail_nth.c style).
 *
 * Each scenario sets up its objects, snapshots them, makes the n-th
 * fallible operation fail, and runs one library call, for n = 1, 2, ...
 * A failed call must return -ENOMEM and leave every object byte-identical
 * to its snapshot (array pointer, count, capacity and contents). The sweep
 * ends when the call succeeds while the n-th point is still pending, i.e.
 * the call has fewer than n fallible steps; its result must then equal a
 * reference run made without fault injection. A call that succeeds after
 * its n-th step failed has swallowed an error, which is a failure too.
 * ASan/valgrind runs of this file check that no error path leaks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/range.h>
#include <ioas/region.h>

#include "ioas_private.h"

#define REG(t, s, l) \
	((struct ioas_region){ .range = { (s), (l) }, .type = (t) })

/*
 * Everything a scenario touches. The library call may modify @a (the
 * object under test) and @r (a range-list output); @b is an input.
 */
struct ctx {
	struct ioas_region_list a;
	struct ioas_region_list b;
	struct ioas_range_list r;
};

/* A deep snapshot of what the call may change, taken with plain malloc. */
struct snap {
	struct ioas_region_list a;
	struct ioas_region *a_v;
	struct ioas_range_list r;
	struct ioas_range *r_v;
};

/* Field by field: struct ioas_region has padding that memcmp() would see. */
static void expect_regions_identical(const struct ioas_region *a,
				     const struct ioas_region *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(a[i].range.start, b[i].range.start);
		assert_int_equal(a[i].range.last, b[i].range.last);
		assert_int_equal(a[i].type, b[i].type);
		assert_int_equal(a[i].prot, b[i].prot);
		assert_int_equal(a[i].origin, b[i].origin);
	}
}

static void snap_take(struct snap *s, const struct ctx *c)
{
	s->a = c->a;
	s->a_v = malloc(c->a.nr * sizeof(*c->a.v) + 1);
	assert_non_null(s->a_v);
	if (c->a.nr)
		memcpy(s->a_v, c->a.v, c->a.nr * sizeof(*c->a.v));
	s->r = c->r;
	s->r_v = malloc(c->r.nr * sizeof(*c->r.v) + 1);
	assert_non_null(s->r_v);
	if (c->r.nr)
		memcpy(s->r_v, c->r.v, c->r.nr * sizeof(*c->r.v));
}

static void snap_check(const struct snap *s, const struct ctx *c)
{
	assert_ptr_equal(c->a.v, s->a.v);
	assert_int_equal(c->a.nr, s->a.nr);
	assert_int_equal(c->a.cap, s->a.cap);
	expect_regions_identical(c->a.v, s->a_v, s->a.nr);
	assert_ptr_equal(c->r.v, s->r.v);
	assert_int_equal(c->r.nr, s->r.nr);
	assert_int_equal(c->r.cap, s->r.cap);
	if (s->r.nr)
		assert_memory_equal(c->r.v, s->r_v, s->r.nr * sizeof(*c->r.v));
}

static void snap_free(struct snap *s)
{
	free(s->a_v);
	free(s->r_v);
}

static void ctx_fini(struct ctx *c)
{
	ioas_region_list_fini(&c->a);
	ioas_region_list_fini(&c->b);
	ioas_range_list_fini(&c->r);
}

static void expect_same_result(const struct ctx *got, const struct ctx *ref)
{
	assert_int_equal(got->a.nr, ref->a.nr);
	expect_regions_identical(got->a.v, ref->a.v, ref->a.nr);
	assert_true(ioas_range_list_equal(&got->r, &ref->r));
}

struct scenario {
	void (*setup)(struct ctx *c);
	int (*op)(struct ctx *c);
};

/*
 * The sweep. Returns the number of injected failures, so that callers can
 * insist that the scenario really allocates.
 */
static unsigned long sweep(const struct scenario *sc)
{
	struct ctx ref = { 0 };
	unsigned long n;

	sc->setup(&ref);
	assert_int_equal(sc->op(&ref), 0);

	for (n = 1;; n++) {
		struct ctx c = { 0 };
		struct snap s;
		bool pending;
		int ret;

		sc->setup(&c);
		snap_take(&s, &c);
		ioas_fail_nth_set_(n);
		ret = sc->op(&c);
		pending = ioas_fail_nth_pending_();
		ioas_fail_nth_set_(0);
		if (ret) {
			/* The failure is the injected one, and it is clean */
			assert_int_equal(ret, -ENOMEM);
			assert_false(pending);
			snap_check(&s, &c);
		} else {
			/* No swallowed failure */
			assert_true(pending);
			expect_same_result(&c, &ref);
		}
		snap_free(&s);
		ctx_fini(&c);
		if (!ret)
			break;
		assert_true(n < 10000);
	}
	ctx_fini(&ref);
	return n - 1;
}

static void skip_unless_supported(void)
{
	if (!ioas_fail_nth_supported_())
		skip();
}

/* Region lists built with plain inserts, before fault injection is on. */
static void fill(struct ioas_region_list *l, size_t nr, uint64_t stride,
		 uint32_t type)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		struct ioas_region r = REG(type, i * stride,
					   i * stride + stride / 2 - 1);

		assert_int_equal(ioas_region_list_insert(l, &r), 0);
	}
}

/* Storage exactly full (nr == cap), so the next insert must grow it. */
static void make_full(struct ioas_region_list *l)
{
	struct ioas_region_list tight = IOAS_REGION_LIST_INIT;

	assert_int_equal(ioas_region_list_copy(&tight, l), 0);
	assert_int_equal(tight.cap, tight.nr);
	ioas_region_list_fini(l);
	*l = tight;
}

/* Scenarios -------------------------------------------------------------- */

static void setup_full_list(struct ctx *c)
{
	fill(&c->a, 5, 0x10000, IOAS_REGION_RESERVED);
	make_full(&c->a);
}

static int op_insert_merging(struct ctx *c)
{
	/* Joins the first two reserved regions */
	struct ioas_region r = REG(IOAS_REGION_RESERVED, 0x7000, 0x10fff);

	return ioas_region_list_insert(&c->a, &r);
}

static int op_insert_other_type(struct ctx *c)
{
	struct ioas_region r = REG(IOAS_REGION_MSI, 0x20000, 0x2ffff);

	return ioas_region_list_insert(&c->a, &r);
}

static void setup_empty(struct ctx *c)
{
	(void)c;
}

static int op_insert_first(struct ctx *c)
{
	struct ioas_region r = REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff);

	return ioas_region_list_insert(&c->a, &r);
}

static void setup_merge(struct ctx *c)
{
	setup_full_list(c);
	fill(&c->b, 9, 0x4000, IOAS_REGION_MSI);
	fill(&c->b, 3, 0x8000, IOAS_REGION_RESERVED);
}

static int op_merge(struct ctx *c)
{
	return ioas_region_list_merge(&c->a, &c->b);
}

static int op_merge_self(struct ctx *c)
{
	return ioas_region_list_merge(&c->a, &c->a);
}

static void setup_copy(struct ctx *c)
{
	fill(&c->a, 2, 0x10000, IOAS_REGION_DIRECT);
	make_full(&c->a);
	fill(&c->b, 7, 0x10000, IOAS_REGION_MSI);
}

static int op_copy(struct ctx *c)
{
	return ioas_region_list_copy(&c->a, &c->b);
}

static void setup_parse(struct ctx *c)
{
	fill(&c->a, 3, 0x10000, IOAS_REGION_DIRECT);
}

static int op_parse(struct ctx *c)
{
	char text[64 * 40], *p = text;
	int i, ret;

	/* Enough lines to grow the list several times */
	for (i = 0; i < 40; i++)
		p += sprintf(p, "0x%016x 0x%016x %s\n", i * 0x2000,
			     i * 0x2000 + 0xfff, i & 1 ? "msi" : "reserved");
	ret = ioas_region_sysfs_parse(text, (size_t)(p - text), &c->a, NULL);
	return ret < 0 ? ret : 0;
}

static void setup_ranges(struct ctx *c)
{
	struct ioas_range junk = { 0x123000, 0x123fff };

	fill(&c->a, 12, 0x10000, IOAS_REGION_RESERVED);
	fill(&c->a, 12, 0x10000, IOAS_REGION_DIRECT_RELAXABLE);
	fill(&c->a, 6, 0x30000, IOAS_REGION_MSI);
	assert_int_equal(ioas_range_list_add(&c->r, &junk), 0);
}

static int op_ranges(struct ctx *c)
{
	return ioas_region_list_ranges(&c->a, &c->r);
}

/* Tests ------------------------------------------------------------------ */

#define SWEEP_TEST(name, su, o, min_failures)				\
	static void name(void **state)					\
	{								\
		static const struct scenario sc = { su, o };		\
									\
		(void)state;						\
		skip_unless_supported();				\
		assert_true(sweep(&sc) >= (min_failures));		\
	}

SWEEP_TEST(test_failnth_insert_growing_full_list, setup_full_list,
	   op_insert_merging, 1)
SWEEP_TEST(test_failnth_insert_other_type_into_full_list, setup_full_list,
	   op_insert_other_type, 1)
SWEEP_TEST(test_failnth_insert_into_empty_list, setup_empty,
	   op_insert_first, 1)
SWEEP_TEST(test_failnth_merge_lists, setup_merge, op_merge, 1)
SWEEP_TEST(test_failnth_merge_list_into_itself, setup_full_list,
	   op_merge_self, 2)
SWEEP_TEST(test_failnth_copy_into_smaller_list, setup_copy, op_copy, 1)
SWEEP_TEST(test_failnth_sysfs_parse_many_lines, setup_parse, op_parse, 4)
SWEEP_TEST(test_failnth_ranges_replace_output, setup_ranges, op_ranges, 1)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failnth_insert_growing_full_list),
		cmocka_unit_test(test_failnth_insert_other_type_into_full_list),
		cmocka_unit_test(test_failnth_insert_into_empty_list),
		cmocka_unit_test(test_failnth_merge_lists),
		cmocka_unit_test(test_failnth_merge_list_into_itself),
		cmocka_unit_test(test_failnth_copy_into_smaller_list),
		cmocka_unit_test(test_failnth_sysfs_parse_many_lines),
		cmocka_unit_test(test_failnth_ranges_replace_output),
	};

	return cmocka_run_group_tests_name("failnth-region", tests, NULL,
					   NULL);
}
