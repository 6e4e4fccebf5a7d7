// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Allocation-failure sweeps for the IOVA allocator (iommufd_fail_nth.c
 * style).
 *
 * Each operation that may allocate runs with the n-th fallible point
 * failing, for n = 1, 2, ... until a run completes without reaching it.
 * A failed run must return -ENOMEM and leave the domain exactly as it was
 * (its holes, counters and reservations; ioas_iova_check() passes); a
 * successful run must give the undisturbed result. The domains are built
 * so that the operation under test needs to grow the node pool (fill():
 * the claims that fit before one must grow it), which is where an
 * allocation can fail. Releases never
 * allocate; their sweeps must see no failure at all. Leaks show up under
 * ASan/LSan and valgrind.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/iova.h>

#include "ioas_private.h"

/*
 * How many single-pfn claims a fresh domain takes before the next one
 * must grow the node bank (measured, so the sweeps follow the pool's
 * geometry): FILL claims, then the operation under test grows it.
 */
static unsigned int fill(void)
{
	static unsigned int n;
	struct ioas_iova_config cfg = { .size = sizeof(cfg), .start_pfn = 1,
					.last_pfn = 1 << 20 };
	struct ioas_iova_info i = { .size = sizeof(i) };
	struct ioas_iova_domain *d;
	uint64_t m;

	if (n)
		return n;
	assert_int_equal(ioas_iova_domain_new(&cfg, &d), 0);
	assert_int_equal(ioas_iova_info(d, &i), 0);
	m = i.meta_bytes;
	for (;;) {
		assert_true(n < 100000);
		assert_int_equal(ioas_iova_claim(d, 2 + n, 1), 0);
		assert_int_equal(ioas_iova_info(d, &i), 0);
		if (i.meta_bytes != m)
			break;
		n++;
	}
	ioas_iova_domain_free(d);
	assert_true(n > 20);
	return n;
}

#define FILL fill()

struct snap {
	struct ioas_range h[4096];
	size_t nr;
	struct ioas_iova_info i;
};

static void snap_take(struct ioas_iova_domain *d, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(ioas_iova_check(d), 0);
	assert_int_equal(ioas_iova_holes(d, s->h, 4096, &s->nr), 0);
	s->i.size = sizeof(s->i);
	assert_int_equal(ioas_iova_info(d, &s->i), 0);
}

static bool snap_equal(const struct snap *a, const struct snap *b)
{
	return a->nr == b->nr &&
	       !memcmp(a->h, b->h, a->nr * sizeof(a->h[0])) &&
	       a->i.nr_allocated == b->i.nr_allocated &&
	       a->i.nr_cached == b->i.nr_cached &&
	       a->i.nr_reserved == b->i.nr_reserved &&
	       a->i.nr_extents == b->i.nr_extents &&
	       a->i.free_pfns == b->i.free_pfns;
}

/* A domain [1, 1 << 20] with FILL single-page allocations at 2.. */
static struct ioas_iova_domain *build(struct ioas_iova_cache **c)
{
	struct ioas_iova_config cfg = { .size = sizeof(cfg), .start_pfn = 1,
					.last_pfn = 1 << 20 };
	struct ioas_iova_domain *d;
	unsigned int i;

	assert_int_equal(ioas_iova_domain_new(&cfg, &d), 0);
	for (i = 0; i < FILL; i++)
		assert_int_equal(ioas_iova_claim(d, 2 + i, 1), 0);
	if (c)
		assert_int_equal(ioas_iova_cache_new(d, c), 0);
	return d;
}

typedef int op_fn(struct ioas_iova_domain *d, struct ioas_iova_cache *c,
		  uint64_t *out);

static int op_alloc(struct ioas_iova_domain *d, struct ioas_iova_cache *c,
		    uint64_t *out)
{
	(void)c;
	return ioas_iova_alloc(d, 3, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED, out);
}

static int op_alloc_in(struct ioas_iova_domain *d, struct ioas_iova_cache *c,
		       uint64_t *out)
{
	struct ioas_iova_req q = { .size = sizeof(q), .npages = 5,
				   .min_pfn = 100, .align = 8, .phase = 1,
				   .flags = IOAS_IOVA_BOTTOMUP };

	(void)c;
	return ioas_iova_alloc_in(d, &q, out);
}

static int op_claim(struct ioas_iova_domain *d, struct ioas_iova_cache *c,
		    uint64_t *out)
{
	int ret;

	(void)c;
	ret = ioas_iova_claim(d, 100000, 7);
	if (!ret)
		*out = 0;
	return ret;
}

static int op_reserve(struct ioas_iova_domain *d, struct ioas_iova_cache *c,
		      uint64_t *out)
{
	int ret;

	(void)c;
	/* Splits a free extent: needs a node and a reservation record */
	ret = ioas_iova_reserve(d, 200000, 200010);
	if (!ret)
		*out = 0;
	return ret;
}

static int op_alloc_fast(struct ioas_iova_domain *d,
			 struct ioas_iova_cache *c, uint64_t *out)
{
	(void)d;
	return ioas_iova_alloc_fast(c, 4, 0xfffff, out);
}

static int op_cache_new(struct ioas_iova_domain *d,
			struct ioas_iova_cache *c, uint64_t *out)
{
	struct ioas_iova_cache *nc = NULL;
	int ret;

	(void)c;
	ret = ioas_iova_cache_new(d, &nc);
	if (!ret) {
		*out = 0;
		ioas_iova_cache_free(nc);
	} else {
		assert_null(nc);
	}
	return ret;
}

/* Releases: a free that needs a new extent node, and an unreserve. */
static int op_free(struct ioas_iova_domain *d, struct ioas_iova_cache *c,
		   uint64_t *out)
{
	(void)c;
	*out = 0;
	return ioas_iova_free(d, 2 + FILL / 2, 1);
}

static int op_free_fast(struct ioas_iova_domain *d,
			struct ioas_iova_cache *c, uint64_t *out)
{
	(void)d;
	*out = 0;
	return ioas_iova_free_fast(c, 2 + 10, 1);
}

/*
 * Sweep @op over fresh domains; returns how many runs failed. With
 * @exact false, a success after an injected failure may differ from the
 * undisturbed run (a cache refill that fell back to a single allocation).
 */
static unsigned int sweep_(op_fn *op, bool cache, bool exact)
{
	static struct snap before, after, want;
	struct ioas_iova_cache *c = NULL;
	struct ioas_iova_domain *d;
	uint64_t want_out = 0;
	unsigned int n, failed = 0;

	if (!ioas_fail_nth_supported_())
		skip();

	/* The undisturbed result */
	d = build(cache ? &c : NULL);
	assert_int_equal(op(d, c, &want_out), 0);
	snap_take(d, &want);
	ioas_iova_domain_free(d);

	for (n = 1;; n++) {
		uint64_t out = 0xdead;
		bool pending;
		int rc;

		assert_true(n < 200);
		c = NULL;
		d = build(cache ? &c : NULL);
		snap_take(d, &before);

		ioas_fail_nth_set_(n);
		rc = op(d, c, &out);
		pending = ioas_fail_nth_pending_();
		ioas_fail_nth_set_(0);

		snap_take(d, &after);
		if (rc) {
			/* -ENOMEM, and the domain is exactly as it was */
			assert_int_equal(rc, -ENOMEM);
			assert_false(pending);
			assert_true(snap_equal(&before, &after));
			assert_true(out == 0xdead);
			failed++;
		} else if (exact || pending) {
			/* A success matches the undisturbed run */
			assert_true(out == want_out);
			assert_true(snap_equal(&after, &want));
		} else {
			/* A degraded success: one more allocation */
			assert_true(after.i.nr_allocated ==
				    before.i.nr_allocated + 1);
		}
		ioas_iova_domain_free(d);
		if (!rc && pending)
			break;
	}
	return failed;
}

static unsigned int sweep(op_fn *op, bool cache)
{
	return sweep_(op, cache, true);
}

static void test_failnth_iova_domain_new(void **state)
{
	struct ioas_iova_config cfg = { .size = sizeof(cfg), .start_pfn = 1 };
	unsigned int n, failed = 0;

	(void)state;
	if (!ioas_fail_nth_supported_())
		skip();
	for (n = 1;; n++) {
		struct ioas_iova_domain *d = NULL;
		bool pending;
		int rc;

		assert_true(n < 100);
		ioas_fail_nth_set_(n);
		rc = ioas_iova_domain_new(&cfg, &d);
		pending = ioas_fail_nth_pending_();
		ioas_fail_nth_set_(0);
		if (rc) {
			/* Nothing is returned, nothing leaks */
			assert_int_equal(rc, -ENOMEM);
			assert_null(d);
			failed++;
			continue;
		}
		assert_int_equal(ioas_iova_check(d), 0);
		ioas_iova_domain_free(d);
		if (pending)
			break;
	}
	/* The domain and its node array */
	assert_int_equal(failed, 2);
}

static void test_failnth_iova_alloc_growing_the_bank(void **state)
{
	(void)state;
	assert_int_equal(sweep(op_alloc, false), 1);
	assert_int_equal(sweep(op_alloc_in, false), 1);
}

static void test_failnth_iova_claim_growing_the_bank(void **state)
{
	(void)state;
	assert_int_equal(sweep(op_claim, false), 1);
}

static void test_failnth_iova_reserve(void **state)
{
	(void)state;
	/* The reservation record, and the bank */
	assert_int_equal(sweep(op_reserve, false), 2);
}

static void test_failnth_iova_alloc_fast_batch_and_single(void **state)
{
	(void)state;
	/*
	 * The batch refill cannot grow the bank: it falls back to a single
	 * allocation, which then succeeds. Never an error, never a change
	 * beyond that one allocation.
	 */
	assert_int_equal(sweep_(op_alloc_fast, true, false), 0);
}

static void test_failnth_iova_cache_new(void **state)
{
	(void)state;
	assert_int_equal(sweep(op_cache_new, false), 1);
}

static void test_failnth_iova_releases_never_fail(void **state)
{
	(void)state;
	/* A free between two allocations needs an extent node: banked */
	assert_int_equal(sweep(op_free, false), 0);
	assert_int_equal(sweep(op_free_fast, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failnth_iova_domain_new),
		cmocka_unit_test(test_failnth_iova_alloc_growing_the_bank),
		cmocka_unit_test(test_failnth_iova_claim_growing_the_bank),
		cmocka_unit_test(test_failnth_iova_reserve),
		cmocka_unit_test(test_failnth_iova_alloc_fast_batch_and_single),
		cmocka_unit_test(test_failnth_iova_cache_new),
		cmocka_unit_test(test_failnth_iova_releases_never_fail),
	};

	return cmocka_run_group_tests_name("failnth-iova", tests, NULL, NULL);
}
