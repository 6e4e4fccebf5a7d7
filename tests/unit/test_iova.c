// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for the IOVA allocator (include/ioas/iova.h).
 *
 * Each public function gets its documented success and error cases, every
 * errno row included; kernel-spec.md §6.6's four 2016 vectors and the
 * w5-tiny windows are pinned; ioas_iova_check() runs after every mutating
 * step. The differential search against a bitmap lives in
 * tests/fuzz/fuzz_iova.c. The threaded tests at the end check that
 * concurrent caches never hand out overlapping ranges, never lose or
 * double a range (not even while ioas_iova_check() holds them), and never
 * hide parked ranges from a claim or a reservation (IOAS_IOVA_MT_ITERS
 * sets their iteration count).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <ioas/iova.h>

#include "ioas_private.h"

#define DMA32 UINT64_C(0xfffff)

static struct ioas_iova_domain *t_domain(uint64_t start, uint64_t last,
					 uint32_t flags)
{
	struct ioas_iova_config c = { .size = sizeof(c), .flags = flags,
				      .granule = 4096, .start_pfn = start,
				      .last_pfn = last };
	struct ioas_iova_domain *d = NULL;

	assert_int_equal(ioas_iova_domain_new(&c, &d), 0);
	assert_non_null(d);
	assert_int_equal(ioas_iova_check(d), 0);
	return d;
}

static int _t_alloc(struct ioas_iova_domain *d, uint64_t n, uint64_t limit,
		    unsigned int flags, uint64_t *pfn)
{
	int ret = ioas_iova_alloc(d, n, limit, flags, pfn);

	assert_int_equal(ioas_iova_check(d), 0);
	return ret;
}

/* Allocate and return the pfn; asserts success. */
static uint64_t t_alloc(struct ioas_iova_domain *d, uint64_t n, uint64_t limit,
			unsigned int flags)
{
	uint64_t pfn = 0xdead;

	assert_int_equal(_t_alloc(d, n, limit, flags, &pfn), 0);
	return pfn;
}

#define t_alloc_err(E, d, n, limit, flags)                                  \
	do {                                                                \
		uint64_t _p = 0xdead;                                       \
		assert_int_equal(_t_alloc((d), (n), (limit), (flags), &_p), \
				 -(E));                                     \
		assert_true(_p == 0xdead);                                  \
	} while (0)

static int _t_step(struct ioas_iova_domain *d, int ret)
{
	assert_int_equal(ioas_iova_check(d), 0);
	return ret;
}

#define t_ok(d, call) assert_int_equal(_t_step((d), (call)), 0)
#define t_err(E, d, call) assert_int_equal(_t_step((d), (call)), -(E))

static uint64_t t_req(struct ioas_iova_domain *d, struct ioas_iova_req *q)
{
	uint64_t pfn = 0xdead;

	assert_int_equal(ioas_iova_alloc_in(d, q, &pfn), 0);
	assert_int_equal(ioas_iova_check(d), 0);
	return pfn;
}

static struct ioas_iova_info t_info(struct ioas_iova_domain *d)
{
	struct ioas_iova_info i = { .size = sizeof(i) };

	assert_int_equal(ioas_iova_info(d, &i), 0);
	return i;
}

/* The free extents equal the n (start, last) pairs given. */
static void t_holes_are(struct ioas_iova_domain *d, size_t n, ...)
{
	struct ioas_range h[16];
	size_t nr = 0, i;
	va_list ap;

	assert_int_equal(ioas_iova_holes(d, h, 16, &nr), 0);
	assert_int_equal(nr, n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		uint64_t a = va_arg(ap, uint64_t), b = va_arg(ap, uint64_t);

		assert_true(h[i].start == a);
		assert_true(h[i].last == b);
	}
	va_end(ap);
}

#define U(x) ((uint64_t)(x))

/* ------------------------------------------------------------------ */

static void test_iova_domain_new_rejects_bad_geometry(void **state)
{
	struct ioas_iova_config c = { .size = sizeof(c), .start_pfn = 1 };
	struct ioas_iova_domain *d = NULL;

	(void)state;
	/* Granule not a power of two */
	c.granule = 3000;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EINVAL);
	c.granule = 4096;
	/* pfn 0 is never part of a domain */
	c.start_pfn = 0;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EINVAL);
	/* last < start */
	c.start_pfn = 10;
	c.last_pfn = 9;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EINVAL);
	/* Beyond the 56-bit pfn space */
	c.last_pfn = IOAS_IOVA_MAX_PFN + 1;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EINVAL);
	/* A 128-byte granule cannot cover all of 64-bit IOVA in 56 bits */
	c.granule = 128;
	c.last_pfn = 0;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EINVAL);
	c.granule = 4096;
	c.last_pfn = 100;
	/* Both orders, unknown flags */
	c.flags = IOAS_IOVA_TOPDOWN | IOAS_IOVA_BOTTOMUP;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EINVAL);
	c.flags = IOAS_IOVA_SIZE_ALIGNED;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EOPNOTSUPP);
	c.flags = 0;
	/* Too small a struct */
	c.size = 4;
	assert_int_equal(ioas_iova_domain_new(&c, &d), -EINVAL);
	assert_null(d);
}

static void test_iova_domain_new_extensible_struct(void **state)
{
	struct {
		struct ioas_iova_config c;
		uint64_t tail;
	} big = { { .size = sizeof(big), .start_pfn = 1, .last_pfn = 10 }, 1 };
	struct ioas_iova_domain *d = NULL;
	struct ioas_iova_info i;

	(void)state;
	/* A larger struct with a non-zero tail is refused */
	assert_int_equal(ioas_iova_domain_new(&big.c, &d), -E2BIG);
	assert_null(d);
	/* With a zero tail it is accepted */
	big.tail = 0;
	assert_int_equal(ioas_iova_domain_new(&big.c, &d), 0);
	ioas_iova_domain_free(d);
	/* A smaller one is zero-extended: last_pfn 0 means the top */
	big.c.size = offsetof(struct ioas_iova_config, last_pfn);
	assert_int_equal(ioas_iova_domain_new(&big.c, &d), 0);
	i = t_info(d);
	assert_true(i.granule == 4096);
	assert_true(i.last_pfn == UINT64_MAX >> 12);
	assert_true(i.flags == IOAS_IOVA_TOPDOWN);
	ioas_iova_domain_free(d);
	/* Freeing NULL is a no-op */
	ioas_iova_domain_free(NULL);
}

/* kernel-spec §6.6 vector 1: space [N, N], alloc 1 -> N. */
static void test_iova_2016_single_page_domain_allocates_it(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t n = 0x1000;

	(void)state;
	d = t_domain(n, n, 0);
	assert_true(t_alloc(d, 1, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED) == n);
	t_alloc_err(ENOSPC, d, 1, UINT64_MAX, 0);
	t_ok(d, ioas_iova_free(d, n, 1));
	/* Bottom-up, and with limit_pfn == start_pfn */
	assert_true(t_alloc(d, 1, n, IOAS_IOVA_BOTTOMUP) == n);
	ioas_iova_domain_free(d);
}

/* Vector 2: space [N, N+7], reserve [N+1, N+7], alloc 1 -> N. */
static void test_iova_2016_single_free_page_below_reserve(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t n = 0x80;

	(void)state;
	d = t_domain(n, n + 7, 0);
	t_ok(d, ioas_iova_reserve(d, n + 1, n + 7));
	assert_true(t_alloc(d, 1, n + 7, IOAS_IOVA_SIZE_ALIGNED) == n);
	t_alloc_err(ENOSPC, d, 1, n + 7, 0);
	ioas_iova_domain_free(d);
}

/* Vector 3: everything taken: must fail, never wrap below pfn 0. */
static void test_iova_2016_full_space_fails_without_wrap(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t p;

	(void)state;
	d = t_domain(1, 8, 0);
	t_ok(d, ioas_iova_claim(d, 1, 8));
	t_alloc_err(ENOSPC, d, 1, UINT64_MAX, 0);
	t_alloc_err(ENOSPC, d, 1, UINT64_MAX, IOAS_IOVA_BOTTOMUP);
	t_alloc_err(ENOSPC, d, 4, 3, IOAS_IOVA_SIZE_ALIGNED);
	t_ok(d, ioas_iova_free(d, 1, 8));
	/* A limit below the domain (pfn 0) is an empty window */
	t_alloc_err(ENOSPC, d, 1, 0, 0);
	/* A request larger than the domain */
	t_alloc_err(ENOSPC, d, 9, UINT64_MAX, 0);
	/* Exactly the domain */
	p = t_alloc(d, 8, UINT64_MAX, 0);
	assert_true(p == 1);
	ioas_iova_domain_free(d);
}

/* Vector 4: size-aligned 3 pages in [.., 15] with [12, 15] used. */
static void test_iova_2016_size_aligned_three_pages(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t p;

	(void)state;
	d = t_domain(1, 15, 0);
	t_ok(d, ioas_iova_claim(d, 12, 4));
	p = t_alloc(d, 3, 15, IOAS_IOVA_SIZE_ALIGNED);
	assert_true(p % 4 == 0);
	assert_true(p == 8);
	t_holes_are(d, 2, U(1), U(7), U(11), U(11));
	ioas_iova_domain_free(d);
}

/* The w5-tiny trace: single-page windows under and above 4 GiB. */
static void test_iova_w5_tiny_windows_never_fail(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t limits[3] = { DMA32, 1, 0x1fffff }, p;
	unsigned int i;

	(void)state;
	d = t_domain(1, (UINT64_C(1) << 36) - 1, 0);
	t_ok(d, ioas_iova_reserve(d, 2, DMA32));
	t_ok(d, ioas_iova_reserve(d, DMA32 + 1, 0x1ffffe));
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	for (i = 0; i < 3000; i++) {
		uint64_t lim = limits[i % 3];

		if (i & 1) {
			assert_int_equal(ioas_iova_alloc_fast(c, 1, lim, &p),
					 0);
			assert_true(p == 1 || p == 0x1fffff);
			assert_true(p <= lim);
			assert_int_equal(ioas_iova_free_fast(c, p, 1), 0);
		} else {
			p = t_alloc(d, 1, lim, IOAS_IOVA_SIZE_ALIGNED);
			/* Top-down: the highest page under the limit */
			assert_true(p == (lim == 1 ? 1 : lim == DMA32 ? 1 :
					  0x1fffff) ||
				    t_info(d).nr_cached);
			t_ok(d, ioas_iova_free(d, p, 1));
		}
	}
	assert_int_equal(ioas_iova_check(d), 0);
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
}

static void test_iova_alloc_respects_dma32_limit(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t p;

	(void)state;
	d = t_domain(1, (UINT64_C(1) << 36) - 1, 0);
	/* No limit: the top of the domain */
	p = t_alloc(d, 1, UINT64_MAX, 0);
	assert_true(p == (UINT64_C(1) << 36) - 1);
	/* DMA32: the top page below 4 GiB, even for 16 pages */
	p = t_alloc(d, 16, DMA32, IOAS_IOVA_SIZE_ALIGNED);
	assert_true(p + 15 == DMA32);
	p = t_alloc(d, 1, DMA32, IOAS_IOVA_SIZE_ALIGNED);
	assert_true(p == DMA32 - 16);
	/* Bottom-up ignores the top: the first free page */
	p = t_alloc(d, 2, DMA32, IOAS_IOVA_BOTTOMUP | IOAS_IOVA_SIZE_ALIGNED);
	assert_true(p == 2);
	ioas_iova_domain_free(d);
}

static void test_iova_size_aligned_results_are_aligned(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t n, p;

	(void)state;
	d = t_domain(1, 1 << 16, 0);
	for (n = 1; n <= 70; n++) {
		uint64_t a = 1;

		while (a < n)
			a <<= 1;
		p = t_alloc(d, n, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED);
		assert_true(p % a == 0);
		p = t_alloc(d, n, UINT64_MAX,
			    IOAS_IOVA_SIZE_ALIGNED | IOAS_IOVA_BOTTOMUP);
		assert_true(p % a == 0);
	}
	/* Too large to align */
	t_alloc_err(EINVAL, d, (UINT64_C(1) << 63) + 1, UINT64_MAX,
		    IOAS_IOVA_SIZE_ALIGNED);
	ioas_iova_domain_free(d);
}

static void test_iova_size_aligned_prefers_whole_aligned_blocks(void **state)
{
	struct ioas_iova_domain *d;

	(void)state;
	/* Free: [4, 6] (3 pages at an aligned 4) and [8, 15] */
	d = t_domain(1, 40, 0);
	t_ok(d, ioas_iova_claim(d, 1, 3));
	t_ok(d, ioas_iova_claim(d, 7, 1));
	t_ok(d, ioas_iova_claim(d, 16, 25));
	/* Bottom-up: [8, 15] holds a whole aligned 4-block, so it wins */
	assert_true(t_alloc(d, 3, 40, IOAS_IOVA_SIZE_ALIGNED |
				       IOAS_IOVA_BOTTOMUP) == 8);
	/* Then [12, 15]; then only the near miss [4, 6] is left */
	assert_true(t_alloc(d, 3, 40, IOAS_IOVA_SIZE_ALIGNED |
				       IOAS_IOVA_BOTTOMUP) == 12);
	assert_true(t_alloc(d, 3, 40, IOAS_IOVA_SIZE_ALIGNED |
				       IOAS_IOVA_BOTTOMUP) == 4);
	t_alloc_err(ENOSPC, d, 3, 40, IOAS_IOVA_SIZE_ALIGNED);
	ioas_iova_domain_free(d);
}

static void test_iova_topdown_and_bottomup_orders(void **state)
{
	struct ioas_iova_domain *td, *bu;

	(void)state;
	td = t_domain(1, 100, IOAS_IOVA_TOPDOWN);
	bu = t_domain(1, 100, IOAS_IOVA_BOTTOMUP);
	/* Each domain's default order */
	assert_true(t_alloc(td, 1, UINT64_MAX, 0) == 100);
	assert_true(t_alloc(td, 1, UINT64_MAX, 0) == 99);
	assert_true(t_alloc(bu, 1, UINT64_MAX, 0) == 1);
	assert_true(t_alloc(bu, 1, UINT64_MAX, 0) == 2);
	/* Overridden per call */
	assert_true(t_alloc(td, 1, UINT64_MAX, IOAS_IOVA_BOTTOMUP) == 1);
	assert_true(t_alloc(bu, 1, UINT64_MAX, IOAS_IOVA_TOPDOWN) == 100);
	/* Freed holes are reused first-fit in each order */
	t_ok(td, ioas_iova_free(td, 99, 1));
	assert_true(t_alloc(td, 1, UINT64_MAX, 0) == 99);
	t_ok(bu, ioas_iova_free(bu, 1, 1));
	assert_true(t_alloc(bu, 1, UINT64_MAX, 0) == 1);
	ioas_iova_domain_free(td);
	ioas_iova_domain_free(bu);
}

static void test_iova_never_returns_zero(void **state)
{
	struct ioas_iova_req q = { .size = sizeof(q), .npages = 1,
				   .flags = IOAS_IOVA_BOTTOMUP };
	struct ioas_iova_domain *d;
	unsigned int i;

	(void)state;
	d = t_domain(1, 64, 0);
	/* First fit at or above pfn 0 is pfn 1 */
	assert_true(t_req(d, &q) == 1);
	for (i = 0; i < 63; i++)
		assert_true(t_alloc(d, 1, UINT64_MAX, IOAS_IOVA_BOTTOMUP) != 0);
	t_alloc_err(ENOSPC, d, 1, UINT64_MAX, 0);
	ioas_iova_domain_free(d);
}

static void test_iova_alloc_errors(void **state)
{
	struct ioas_iova_domain *d;

	(void)state;
	d = t_domain(1, 100, 0);
	t_alloc_err(EINVAL, d, 0, UINT64_MAX, 0);
	t_alloc_err(EOPNOTSUPP, d, 1, UINT64_MAX, 1u << 7);
	t_alloc_err(EINVAL, d, 1, UINT64_MAX,
		    IOAS_IOVA_TOPDOWN | IOAS_IOVA_BOTTOMUP);
	t_alloc_err(ENOSPC, d, 101, UINT64_MAX, 0);
	t_alloc_err(ENOSPC, d, 64, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED | 0);
	/* 64 aligned pages fit only at [64, 127]: beyond the domain */
	assert_true(t_alloc(d, 32, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED) == 64);
	ioas_iova_domain_free(d);
}

static void test_iova_reserve_keeps_ranges_out(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t p;

	(void)state;
	d = t_domain(1, 100, 0);
	t_ok(d, ioas_iova_reserve(d, 50, 100));
	p = t_alloc(d, 1, UINT64_MAX, 0);
	assert_true(p == 49);
	/* Reservations may overlap and count separately */
	t_ok(d, ioas_iova_reserve(d, 20, 30));
	t_ok(d, ioas_iova_reserve(d, 20, 30));
	t_ok(d, ioas_iova_reserve(d, 25, 35));
	assert_true(t_info(d).nr_reserved == 4);
	t_holes_are(d, 2, U(1), U(19), U(36), U(48));
	assert_true(t_alloc(d, 8, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED) == 40);
	t_ok(d, ioas_iova_free(d, 40, 8));
	t_ok(d, ioas_iova_unreserve(d, 50, 100));
	t_holes_are(d, 3, U(1), U(19), U(36), U(48), U(50), U(100));
	t_ok(d, ioas_iova_unreserve(d, 20, 30));
	/* Still reserved once, and [25, 35] by the other */
	t_holes_are(d, 3, U(1), U(19), U(36), U(48), U(50), U(100));
	t_ok(d, ioas_iova_unreserve(d, 20, 30));
	t_holes_are(d, 3, U(1), U(24), U(36), U(48), U(50), U(100));
	t_ok(d, ioas_iova_unreserve(d, 25, 35));
	/* Everything but the allocation at 49 is free again */
	t_holes_are(d, 2, U(1), U(48), U(50), U(100));
	/* Unknown reservations */
	t_err(ENOENT, d, ioas_iova_unreserve(d, 20, 30));
	t_err(ENOENT, d, ioas_iova_unreserve(d, 1, 2));
	t_err(EINVAL, d, ioas_iova_unreserve(d, 5, 4));
	t_err(EINVAL, d, ioas_iova_reserve(d, 5, 4));
	ioas_iova_domain_free(d);
}

static void test_iova_reserve_over_allocation_is_refused(void **state)
{
	struct ioas_iova_domain *d;

	(void)state;
	d = t_domain(1, 100, 0);
	assert_true(t_alloc(d, 4, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED) == 96);
	/* Reserving over a live allocation: refused, nothing changes */
	t_err(EADDRINUSE, d, ioas_iova_reserve(d, 90, 97));
	t_holes_are(d, 2, U(1), U(95), U(100), U(100));
	assert_true(t_info(d).nr_reserved == 0);
	/* Around it is fine */
	t_ok(d, ioas_iova_reserve(d, 90, 95));
	t_ok(d, ioas_iova_free(d, 96, 4));
	t_ok(d, ioas_iova_reserve(d, 90, 97));
	t_holes_are(d, 2, U(1), U(89), U(98), U(100));
	ioas_iova_domain_free(d);
}

static void test_iova_reserve_outside_domain_has_no_effect(void **state)
{
	struct ioas_iova_domain *d;

	(void)state;
	d = t_domain(10, 20, 0);
	t_ok(d, ioas_iova_reserve(d, 0, 9));
	t_ok(d, ioas_iova_reserve(d, 21, UINT64_MAX));
	t_ok(d, ioas_iova_reserve(d, 0, UINT64_MAX - 1));
	t_holes_are(d, 0);
	t_ok(d, ioas_iova_unreserve(d, 0, UINT64_MAX - 1));
	t_holes_are(d, 1, U(10), U(20));
	t_ok(d, ioas_iova_unreserve(d, 0, 9));
	t_ok(d, ioas_iova_unreserve(d, 21, UINT64_MAX));
	ioas_iova_domain_free(d);
}

static void test_iova_claim_errors(void **state)
{
	struct ioas_iova_domain *d;

	(void)state;
	d = t_domain(10, 100, 0);
	t_err(EINVAL, d, ioas_iova_claim(d, 10, 0));
	t_err(EINVAL, d, ioas_iova_claim(d, 9, 2));
	t_err(EINVAL, d, ioas_iova_claim(d, 100, 2));
	t_err(EOVERFLOW, d, ioas_iova_claim(d, UINT64_MAX, 2));
	t_ok(d, ioas_iova_reserve(d, 50, 59));
	t_err(EADDRINUSE, d, ioas_iova_claim(d, 45, 10));
	t_ok(d, ioas_iova_claim(d, 40, 5));
	t_err(EEXIST, d, ioas_iova_claim(d, 44, 1));
	/* Reserved wins over allocated */
	t_err(EADDRINUSE, d, ioas_iova_claim(d, 40, 20));
	t_holes_are(d, 3, U(10), U(39), U(45), U(49), U(60), U(100));
	t_ok(d, ioas_iova_free(d, 40, 5));
	t_holes_are(d, 2, U(10), U(49), U(60), U(100));
	ioas_iova_domain_free(d);
}

static void test_iova_free_errors_leave_domain_unchanged(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t p;

	(void)state;
	d = t_domain(10, 100, 0);
	t_ok(d, ioas_iova_reserve(d, 20, 29));
	p = t_alloc(d, 8, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED);
	assert_true(p == 88);
	t_err(EINVAL, d, ioas_iova_free(d, p, 0));
	t_err(EINVAL, d, ioas_iova_free(d, 5, 1));
	t_err(EINVAL, d, ioas_iova_free(d, 100, 2));
	t_err(EOVERFLOW, d, ioas_iova_free(d, UINT64_MAX - 1, 3));
	/* Free space and reserved space are not allocations */
	t_err(ENOENT, d, ioas_iova_free(d, 10, 1));
	t_err(ENOENT, d, ioas_iova_free(d, 20, 2));
	t_err(ENOENT, d, ioas_iova_free(d, 87, 2));
	t_err(ENOENT, d, ioas_iova_free(d, 95, 2));
	t_holes_are(d, 3, U(10), U(19), U(30), U(87), U(96), U(100));
	t_ok(d, ioas_iova_free(d, p, 8));
	/* A double free is refused */
	t_err(ENOENT, d, ioas_iova_free(d, p, 8));
	t_holes_are(d, 2, U(10), U(19), U(30), U(100));
	ioas_iova_domain_free(d);
}

/*
 * Releases and claims test reservations on a flat copy while they make 15
 * ranges or fewer (touching and overlapping ones coalesced, clamped to the
 * domain), and on the tree beyond that. Both answer the same, through
 * every change of the count; ioas_iova_check() compares the copy with the
 * tree at every step.
 */
static void t_resv_all_refused(struct ioas_iova_domain *d, unsigned int nr)
{
	unsigned int k;

	for (k = 0; k < nr; k++) {
		uint64_t f = 1000 + 100 * k;

		/* [f, f + 9] reserved; f - 1 and f + 10 were claimed */
		t_err(ENOENT, d, ioas_iova_free(d, f, 1));
		t_err(ENOENT, d, ioas_iova_free(d, f + 9, 1));
		t_err(ENOENT, d, ioas_iova_free(d, f - 1, 2));
		t_err(ENOENT, d, ioas_iova_free(d, f + 9, 2));
		t_err(ENOENT, d, ioas_iova_free(d, f - 1, 12));
		t_err(EADDRINUSE, d, ioas_iova_claim(d, f + 4, 1));
		t_err(EADDRINUSE, d, ioas_iova_claim(d, f - 50, 51));
		/* The neighbours are allocations: released and taken back. */
		t_ok(d, ioas_iova_free(d, f - 1, 1));
		t_ok(d, ioas_iova_claim(d, f - 1, 1));
		t_ok(d, ioas_iova_free(d, f + 10, 1));
		t_ok(d, ioas_iova_claim(d, f + 10, 1));
	}
}

static void test_iova_many_reservations_flat_and_tree(void **state)
{
	struct ioas_iova_domain *d;
	unsigned int k, nr = 40;

	(void)state;
	d = t_domain(1, 1 << 20, 0);
	for (k = 0; k < nr; k++) {
		uint64_t f = 1000 + 100 * k;

		t_ok(d, ioas_iova_claim(d, f - 1, 1));
		t_ok(d, ioas_iova_claim(d, f + 10, 1));
		t_ok(d, ioas_iova_reserve(d, f, f + 9));
		t_resv_all_refused(d, k + 1);
	}
	/* Back down through 15 ranges to none. */
	for (k = nr; k-- > 0;) {
		uint64_t f = 1000 + 100 * k;

		t_ok(d, ioas_iova_unreserve(d, f, f + 9));
		t_ok(d, ioas_iova_free(d, f - 1, 1));
		t_ok(d, ioas_iova_free(d, f + 10, 1));
		t_ok(d, ioas_iova_claim(d, f, 10));
		t_ok(d, ioas_iova_free(d, f, 10));
		t_resv_all_refused(d, k);
	}
	/*
	 * Twenty touching or overlapping reservations make one range: still
	 * the flat copy, and it ends where the last one does.
	 */
	t_ok(d, ioas_iova_claim(d, 4999, 1));
	t_ok(d, ioas_iova_claim(d, 5200, 1));
	for (k = 0; k < 20; k++)
		t_ok(d, ioas_iova_reserve(d, 5000 + 10 * k,
					  5000 + 10 * k + (k % 2 ? 9 : 14)));
	t_err(ENOENT, d, ioas_iova_free(d, 5199, 1));
	t_err(ENOENT, d, ioas_iova_free(d, 5100, 1));
	t_ok(d, ioas_iova_free(d, 5200, 1));
	t_ok(d, ioas_iova_free(d, 4999, 1));
	/* One that starts later but ends sooner does not shorten the range. */
	t_ok(d, ioas_iova_reserve(d, 6000, 6099));
	t_ok(d, ioas_iova_reserve(d, 6010, 6019));
	t_err(ENOENT, d, ioas_iova_free(d, 6050, 1));
	t_err(EADDRINUSE, d, ioas_iova_claim(d, 6099, 1));
	/* Reservations reaching past the domain are clamped to it. */
	t_ok(d, ioas_iova_claim(d, 1, 1));
	t_ok(d, ioas_iova_claim(d, (1 << 20) - 1, 1));
	t_ok(d, ioas_iova_reserve(d, 0, 0));
	t_ok(d, ioas_iova_reserve(d, 1 << 20, UINT64_MAX));
	t_ok(d, ioas_iova_free(d, 1, 1));
	t_ok(d, ioas_iova_free(d, (1 << 20) - 1, 1));
	t_err(ENOENT, d, ioas_iova_free(d, 1 << 20, 1));
	t_err(EADDRINUSE, d, ioas_iova_claim(d, 1 << 20, 1));
	ioas_iova_domain_free(d);
}

static void test_iova_alloc_in_window_alignment_and_phase(void **state)
{
	struct ioas_iova_req q = { .size = sizeof(q) };
	struct ioas_iova_domain *d;
	uint64_t p;

	(void)state;
	d = t_domain(1, 1 << 20, IOAS_IOVA_BOTTOMUP);
	/* First fit at or above X */
	q.npages = 4;
	q.min_pfn = 1000;
	assert_true(t_req(d, &q) == 1000);
	assert_true(t_req(d, &q) == 1004);
	/* Alignment 512 with phase 3: congruent to a VA modulo 2 MiB */
	q.align = 512;
	q.phase = 3;
	p = t_req(d, &q);
	assert_true(p % 512 == 3 && p >= 1008);
	assert_true(p == 1024 + 3);
	/* Window top: [min_pfn, max_pfn] top-down */
	q.flags = IOAS_IOVA_TOPDOWN;
	q.max_pfn = 0x10000;
	q.align = 0;
	q.phase = 0;
	assert_true(t_req(d, &q) == 0x10000 - 3);
	/* Size-aligned through the request */
	q.flags = IOAS_IOVA_SIZE_ALIGNED | IOAS_IOVA_TOPDOWN;
	q.npages = 3;
	assert_true(t_req(d, &q) % 4 == 0);
	/* Errors */
	p = 0xdead;
	q.align = 8;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -EINVAL);
	q.flags = 0;
	q.align = 12;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -EINVAL);
	q.align = 8;
	q.phase = 8;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -EINVAL);
	q.phase = 0;
	q.min_pfn = 20;
	q.max_pfn = 10;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -EINVAL);
	q.max_pfn = 0;
	q.npages = 0;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -EINVAL);
	q.npages = 1;
	q.flags = 1u << 9;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -EOPNOTSUPP);
	q.flags = 0;
	q.min_pfn = 2u << 20;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -ENOSPC);
	q.size = 8;
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -EINVAL);
	assert_int_equal(ioas_iova_alloc_in(d, NULL, &p), -EINVAL);
	assert_true(p == 0xdead);
	{
		struct {
			struct ioas_iova_req q;
			uint32_t tail;
		} big = { { .size = sizeof(big), .npages = 1 }, 7 };

		assert_int_equal(ioas_iova_alloc_in(d, &big.q, &p), -E2BIG);
		big.tail = 0;
		assert_int_equal(ioas_iova_alloc_in(d, &big.q, &p), 0);
	}
	assert_int_equal(ioas_iova_check(d), 0);
	ioas_iova_domain_free(d);
}

static void test_iova_find_does_not_allocate(void **state)
{
	struct ioas_iova_req q = { .size = sizeof(q), .npages = 2 };
	struct ioas_iova_domain *d;
	uint64_t p = 0, p2 = 0;

	(void)state;
	d = t_domain(1, 100, 0);
	assert_int_equal(ioas_iova_find(d, &q, &p), 0);
	assert_int_equal(ioas_iova_find(d, &q, &p2), 0);
	assert_true(p == 99 && p2 == 99);
	assert_true(t_info(d).nr_allocated == 0);
	assert_true(t_req(d, &q) == p);
	q.npages = 200;
	assert_int_equal(ioas_iova_find(d, &q, &p), -ENOSPC);
	q.npages = 0;
	assert_int_equal(ioas_iova_find(d, &q, &p), -EINVAL);
	ioas_iova_domain_free(d);
}

static void test_iova_cache_reuses_freed_ranges(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t a, b, x;

	(void)state;
	d = t_domain(1, 1 << 20, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 2, DMA32, &a), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 2, DMA32, &b), 0);
	assert_true(a % 2 == 0 && b % 2 == 0 && a != b);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_int_equal(ioas_iova_free_fast(c, a, 2), 0);
	assert_int_equal(ioas_iova_check(d), 0);
	/* LIFO: the range just freed comes back */
	assert_int_equal(ioas_iova_alloc_fast(c, 2, DMA32, &x), 0);
	assert_true(x == a);
	/* Unless it is above the caller's limit */
	assert_int_equal(ioas_iova_free_fast(c, x, 2), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 2, 7, &x), 0);
	assert_true(x + 1 <= 7 && x % 2 == 0);
	assert_int_equal(ioas_iova_free_fast(c, x, 2), 0);
	/* Sizes beyond 64 and unaligned ranges bypass the cache */
	assert_int_equal(ioas_iova_alloc_fast(c, 100, DMA32, &x), 0);
	assert_true(x % 128 == 0);
	assert_int_equal(ioas_iova_free_fast(c, x, 100), 0);
	x = t_alloc(d, 3, DMA32, IOAS_IOVA_BOTTOMUP);
	assert_int_equal(ioas_iova_free_fast(c, x, 3), 0);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).nr_cached >= 2);
	/* Flushing returns them all */
	ioas_iova_cache_flush(c);
	assert_true(t_info(d).nr_cached == 0);
	assert_int_equal(ioas_iova_free_fast(c, b, 2), 0);
	ioas_iova_cache_free(c);
	ioas_iova_cache_free(NULL);
	assert_true(t_info(d).nr_allocated == 0);
	t_holes_are(d, 1, U(1), U(1 << 20));
	/* Errors */
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 0, DMA32, &x), -EINVAL);
	assert_int_equal(ioas_iova_alloc_fast(c, 1, 0, &x), -ENOSPC);
	assert_int_equal(ioas_iova_free_fast(c, 0, 65), -EINVAL);
	assert_int_equal(ioas_iova_free_fast(c, 5, 65), -ENOENT);
	ioas_iova_domain_free(d); /* frees the cache too */
}

static void test_iova_cached_ranges_never_cause_failures(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t p[64], x;
	unsigned int i;

	(void)state;
	d = t_domain(1, 64, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	for (i = 0; i < 64; i++)
		assert_int_equal(ioas_iova_alloc_fast(c, 1, 64, &p[i]), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 1, 64, &x), -ENOSPC);
	for (i = 0; i < 64; i++)
		assert_int_equal(ioas_iova_free_fast(c, p[i], 1), 0);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).nr_cached > 0);
	/* Everything is parked: a big allocation drains the cache */
	assert_true(t_alloc(d, 64, UINT64_MAX, 0) == 1);
	t_ok(d, ioas_iova_free(d, 1, 64));
	for (i = 0; i < 64; i++)
		assert_int_equal(ioas_iova_alloc_fast(c, 1, 64, &p[i]), 0);
	for (i = 0; i < 64; i++)
		assert_int_equal(ioas_iova_free_fast(c, p[i], 1), 0);
	/* ... so do claims and reservations */
	t_ok(d, ioas_iova_claim(d, 10, 10));
	t_ok(d, ioas_iova_reserve(d, 30, 40));
	assert_true(t_info(d).nr_cached == 0);
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
}

/*
 * The cached path's fail-fast hint: a failure stands only for larger
 * sizes under lower or equal limits, and only until free space returns.
 */
static void test_iova_fail_fast_hint_is_exact(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t x;

	(void)state;
	d = t_domain(1, 2047, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	/* Aligned 512-blocks: [0,511] has pfn 0, 512 and 1536 are taken. */
	t_ok(d, ioas_iova_claim(d, 512, 1));
	t_ok(d, ioas_iova_claim(d, 1536, 1));
	assert_int_equal(ioas_iova_alloc_fast(c, 512, 1023, &x), -ENOSPC);
	assert_int_equal(ioas_iova_alloc_fast(c, 1024, 1023, &x), -ENOSPC);
	assert_int_equal(ioas_iova_alloc_fast(c, 300, 1023, &x), -ENOSPC);
	/* A higher limit is not covered by the failure. */
	assert_int_equal(ioas_iova_alloc_fast(c, 512, 2047, &x), 0);
	assert_true(x == 1024);
	t_ok(d, ioas_iova_free(d, 1024, 512));
	/* A smaller size is not either. */
	assert_int_equal(ioas_iova_alloc_fast(c, 256, 1023, &x), 0);
	assert_true(x == 768);
	t_ok(d, ioas_iova_free(d, 768, 256));
	assert_int_equal(ioas_iova_alloc_fast(c, 512, 1023, &x), -ENOSPC);
	assert_int_equal(ioas_iova_alloc_fast(c, 500, 1000, &x), -ENOSPC);
	/* Free space coming back voids the hint. */
	t_ok(d, ioas_iova_free(d, 512, 1));
	assert_int_equal(ioas_iova_alloc_fast(c, 500, 1023, &x), 0);
	assert_true(x == 512);
	t_ok(d, ioas_iova_free(d, 512, 500));
	assert_int_equal(ioas_iova_alloc_fast(c, 512, 1023, &x), 0);
	assert_true(x == 512);
	t_ok(d, ioas_iova_free(d, 512, 512));
	/* So does an unreservation. */
	t_ok(d, ioas_iova_reserve(d, 600, 600));
	assert_int_equal(ioas_iova_alloc_fast(c, 512, 1023, &x), -ENOSPC);
	t_ok(d, ioas_iova_unreserve(d, 600, 600));
	assert_int_equal(ioas_iova_alloc_fast(c, 512, 1023, &x), 0);
	assert_true(x == 512);
	t_ok(d, ioas_iova_free(d, 512, 512));
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
}

/*
 * A failure the hint already answers skips the query, but still drains a
 * range parked since, and still rejects sizes the query would reject.
 */
static void test_iova_fail_fast_hint_still_drains(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c1, *c2;
	uint64_t x;

	(void)state;
	d = t_domain(1, 2047, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c1), 0);
	assert_int_equal(ioas_iova_cache_new(d, &c2), 0);
	t_ok(d, ioas_iova_claim(d, 1, 1019));
	t_ok(d, ioas_iova_claim(d, 1020, 4));
	assert_int_equal(ioas_iova_alloc_fast(c1, 4, 1023, &x), -ENOSPC);
	/* Answered by the hint: same errors as without it. */
	assert_int_equal(ioas_iova_alloc_fast(c1, 8, 1023, &x), -ENOSPC);
	assert_int_equal(ioas_iova_alloc_fast(c1, UINT64_C(1) << 63, 1023,
					      &x), -ENOSPC);
	assert_int_equal(ioas_iova_alloc_fast(c1, (UINT64_C(1) << 63) + 1,
					      1023, &x), -EINVAL);
	assert_int_equal(ioas_iova_alloc_fast(c1, 0, 1023, &x), -EINVAL);
	/* Parked in another cache: the tree did not change, the hint
	 * stands, and the failure must still drain it. */
	t_ok(d, ioas_iova_free_fast(c2, 1020, 4));
	assert_int_equal(ioas_iova_alloc_fast(c1, 4, 1023, &x), 0);
	assert_true(x == 1020);
	t_ok(d, ioas_iova_free(d, 1020, 4));
	t_ok(d, ioas_iova_free(d, 1, 1019));
	ioas_iova_cache_free(c1);
	ioas_iova_cache_free(c2);
	ioas_iova_domain_free(d);
}

/*
 * Releases in random order through every tree case (new leaf, merge with
 * one neighbour, merge with both, rotations), checked after each step.
 */
/* Shuffle p[] and n[] alike (Fisher-Yates, a 64-bit LCG from *seed). */
static void t_shuffle2(uint64_t *p, uint64_t *n, unsigned int nr,
		       uint64_t *seed)
{
	unsigned int i, j;

	for (i = nr - 1; i > 0; i--) {
		uint64_t t;

		*seed = *seed * 6364136223846793005u + 1442695040888963407u;
		j = (unsigned int)((*seed >> 33) % (i + 1));
		t = p[i];
		p[i] = p[j];
		p[j] = t;
		t = n[i];
		n[i] = n[j];
		n[j] = t;
	}
}

static void test_iova_random_releases_keep_tree_exact(void **state)
{
	enum { N = 3000 };
	static uint64_t p[N], n[N];
	struct ioas_iova_domain *d;
	uint64_t seed = 12345;
	unsigned int i, round;

	(void)state;
	d = t_domain(1, 4 * N, IOAS_IOVA_BOTTOMUP);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < N; i++) {
			n[i] = 1 + (i + round) % 4;
			assert_int_equal(ioas_iova_alloc(d, n[i], UINT64_MAX, 0,
							 &p[i]),
					 0);
		}
		t_shuffle2(p, n, N, &seed);
		for (i = 0; i < N; i++) {
			assert_int_equal(ioas_iova_free(d, p[i], n[i]), 0);
			if (i % 16 == 0 || i > N - 64)
				assert_int_equal(ioas_iova_check(d), 0);
		}
		assert_int_equal(ioas_iova_check(d), 0);
		assert_true(t_info(d).free_pfns == 4 * N);
		assert_true(t_info(d).nr_extents == 1);
	}
	ioas_iova_domain_free(d);
}

/*
 * Spills locate two runs at once and reuse the second path while the
 * tree's shape holds (spill()): through a tree five levels deep, every
 * reused path must be what a new descent finds, and the releases must
 * leave exactly the free space a bitmap says.
 */
static void test_iova_spills_reuse_paths_exactly(void **state)
{
	enum { N = 6000, SPAN = 4 * N };
	static uint64_t p[N], n[N];
	static unsigned char used[SPAN + 1];
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t seed = 777, k, nfree = 0;
	unsigned int i, j;

	(void)state;
	d = t_domain(1, SPAN, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	assert_int_equal(ioas_iova_verify_paths_(d, true), 0);
	for (i = 0; i < N; i++) {
		n[i] = 1 + i % 4;
		assert_int_equal(ioas_iova_alloc(d, n[i], UINT64_MAX, 0, &p[i]),
				 0);
		for (k = 0; k < n[i]; k++)
			used[p[i] + k] = 1;
	}
	t_shuffle2(p, n, N, &seed);
	for (i = 0; i < N; i++) {
		assert_int_equal(ioas_iova_free_fast(c, p[i], n[i]), 0);
		for (k = 0; k < n[i]; k++)
			used[p[i] + k] = 0;
		if (i % 2000 == 1999) {
			struct ioas_iova_info v = t_info(d);
			uint64_t cached = 0;

			assert_int_equal(ioas_iova_check(d), 0);
			/* Free in the tree = free by the bitmap - parked. */
			for (j = 0, nfree = 0; j <= SPAN; j++)
				nfree += j >= 1 && !used[j];
			cached = nfree - v.free_pfns;
			assert_true(nfree >= v.free_pfns);
			assert_true(cached <= 4 * 64 * 4);
		}
	}
	ioas_iova_cache_flush(c);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).free_pfns == SPAN);
	assert_true(t_info(d).nr_extents == 1);
	/* Most second paths were reused, each checked. */
	assert_true(ioas_iova_verify_paths_(d, false) > N / 64);
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
}

/*
 * The first release of a spill pair splits the root leaf (16 extents):
 * the tree grows a level, and the second path, located the level before,
 * must be located again.
 */
static void test_iova_spill_pair_across_a_root_split(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t k;

	(void)state;
	d = t_domain(1, 1000, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	(void)ioas_iova_verify_paths_(d, true);
	for (k = 1; k <= 1000; k++)
		t_ok(d, ioas_iova_claim(d, k, 1));
	for (k = 1; k <= 15; k++)
		t_ok(d, ioas_iova_free(d, 10 * k, 1));
	assert_true(t_info(d).nr_extents == 15);
	/* 64 lone pages: the 64th push spills the first 32, two by two. */
	for (k = 0; k < 64; k++)
		assert_int_equal(ioas_iova_free_fast(c, 500 + 2 * k, 1), 0);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).nr_extents == 15 + 32);
	ioas_iova_cache_flush(c);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).nr_extents == 15 + 64);
	(void)ioas_iova_verify_paths_(d, false);
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
}

static void test_iova_cache_is_bounded(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t *p = calloc(1000, sizeof(*p));
	unsigned int i;

	(void)state;
	assert_non_null(p);
	d = t_domain(1, 1 << 20, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	for (i = 0; i < 1000; i++)
		p[i] = t_alloc(d, 1, UINT64_MAX, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(ioas_iova_free_fast(c, p[i], 1), 0);
	/* At most 64 ranges of one size are parked */
	assert_true(t_info(d).nr_cached <= 64);
	assert_true(t_info(d).nr_allocated == t_info(d).nr_cached);
	assert_int_equal(ioas_iova_check(d), 0);
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
	free(p);
}

/*
 * The count word of each size also addresses its stack (lib/iova.c): its
 * edges are npages 0 (a size held for good), 64 (the last size), 65 (the
 * tree), a stack filling up exactly (spill with the size held), a
 * stack emptied exactly, and misaligned releases (the tree).
 */
static void test_iova_cache_count_word_edges(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t p[200], x;
	unsigned int i, n;

	(void)state;
	d = t_domain(1, 1 << 20, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 0, UINT64_MAX, &x), -EINVAL);
	assert_int_equal(ioas_iova_free_fast(c, 64, 0), -EINVAL);
	assert_int_equal(ioas_iova_free_fast(c, 0, 0), -EINVAL);
	assert_int_equal(ioas_iova_check(d), 0);
	for (n = 1; n <= 65; n += 63) {
		/* fill, overfill (spills at 64), then empty every size */
		for (i = 0; i < 200; i++)
			assert_int_equal(
				ioas_iova_alloc_fast(c, n, UINT64_MAX, &p[i]),
				0);
		for (i = 0; i < 200; i++) {
			assert_int_equal(ioas_iova_free_fast(c, p[i], n), 0);
			assert_true(t_info(d).nr_cached <= 63);
			if (i == 62 || i == 63 || i == 64)
				assert_int_equal(ioas_iova_check(d), 0);
		}
		assert_int_equal(ioas_iova_check(d), 0);
		for (i = 0; i < 200; i++)
			assert_int_equal(
				ioas_iova_alloc_fast(c, n, UINT64_MAX, &p[i]),
				0);
		assert_true(t_info(d).nr_cached == 0 || n == 1);
		assert_true(t_info(d).nr_allocated >= 200);
		for (i = 0; i < 200; i++)
			assert_int_equal(ioas_iova_free_fast(c, p[i], n), 0);
		assert_int_equal(ioas_iova_check(d), 0);
		ioas_iova_cache_flush(c);
		assert_true(t_info(d).nr_allocated == 0);
	}
	/* a size-64 range goes to the stack, 65 to the tree */
	assert_int_equal(ioas_iova_alloc_fast(c, 64, UINT64_MAX, &x), 0);
	assert_int_equal(ioas_iova_free_fast(c, x, 64), 0);
	assert_true(t_info(d).nr_cached == 1);
	assert_int_equal(ioas_iova_alloc_fast(c, 64, UINT64_MAX, &p[0]), 0);
	assert_true(p[0] == x && t_info(d).nr_cached == 0);
	assert_int_equal(ioas_iova_free_fast(c, x, 64), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 65, UINT64_MAX, &x), 0);
	assert_int_equal(ioas_iova_free_fast(c, x, 65), 0);
	assert_true(t_info(d).nr_cached == 1);
	/* misaligned: to the tree, not parked */
	ioas_iova_cache_flush(c);
	t_ok(d, ioas_iova_claim(d, 1001, 2));
	assert_int_equal(ioas_iova_free_fast(c, 1001, 2), 0);
	assert_true(t_info(d).nr_cached == 0 && t_info(d).nr_allocated == 0);
	t_ok(d, ioas_iova_claim(d, 1001, 2));
	t_ok(d, ioas_iova_free(d, 1001, 2));
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
}

static void test_iova_check_catches_a_double_release_through_a_cache(
	void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *c;
	uint64_t p;

	(void)state;
	d = t_domain(1, 1 << 10, 0);
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	assert_int_equal(ioas_iova_alloc_fast(c, 2, UINT64_MAX, &p), 0);
	assert_int_equal(ioas_iova_free_fast(c, p, 2), 0);
	/* A caller bug the fast path does not see... */
	assert_int_equal(ioas_iova_free_fast(c, p, 2), 0);
	/* ... the invariant checker does */
	assert_int_equal(ioas_iova_check(d), -EUCLEAN);
	/* Draining returns the range once and drops the duplicate */
	ioas_iova_cache_flush(c);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).nr_allocated == 0);
	ioas_iova_cache_free(c);
	t_holes_are(d, 1, U(1), U(1 << 10));
	ioas_iova_domain_free(d);
}

static void test_iova_info_and_holes_errors(void **state)
{
	struct ioas_iova_domain *d;
	struct ioas_iova_info i = { .size = 8 };
	struct ioas_range h[1];
	size_t nr = 0;

	(void)state;
	d = t_domain(1, 100, 0);
	assert_int_equal(ioas_iova_info(d, &i), -EINVAL);
	t_ok(d, ioas_iova_claim(d, 50, 1));
	assert_int_equal(ioas_iova_holes(d, h, 1, &nr), -EMSGSIZE);
	assert_int_equal(nr, 2);
	assert_true(h[0].start == 1 && h[0].last == 49);
	assert_int_equal(ioas_iova_holes(d, NULL, 0, &nr), -EMSGSIZE);
	assert_int_equal(nr, 2);
	i = t_info(d);
	assert_true(i.nr_extents == 2 && i.free_pfns == 99);
	assert_true(i.meta_bytes > 0 && i.meta_peak_bytes >= i.meta_bytes);
	ioas_iova_domain_free(d);
}

static void test_iova_huge_requests_and_top_of_pfn_space(void **state)
{
	struct ioas_iova_domain *d;
	uint64_t p, big = UINT64_C(1) << 33;

	(void)state;
	d = t_domain(1, IOAS_IOVA_MAX_PFN, 0);
	/* The top of the pfn space */
	p = t_alloc(d, 1, UINT64_MAX, 0);
	assert_true(p == IOAS_IOVA_MAX_PFN);
	/* Requests beyond the 32-bit summary saturation still work */
	p = t_alloc(d, big, UINT64_MAX, IOAS_IOVA_SIZE_ALIGNED);
	assert_true(p % big == 0 && p + big - 1 < IOAS_IOVA_MAX_PFN);
	p = t_alloc(d, big + 1, UINT64_MAX, IOAS_IOVA_BOTTOMUP);
	assert_true(p == 1);
	t_ok(d, ioas_iova_free(d, 1, big + 1));
	ioas_iova_domain_free(d);
}

/* Many extents: the tree stays balanced and exact under churn. */
static void test_iova_churn_keeps_invariants(void **state)
{
	struct ioas_iova_domain *d;
	static uint64_t pf[2048], np[2048];
	unsigned int i, n = 0, seed = 12345;

	(void)state;
	d = t_domain(1, 1 << 16, 0);
	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		if (n < 2048 && (n == 0 || (seed >> 16) % 3)) {
			uint64_t sz = 1 + (seed >> 20) % 9, p;
			unsigned int fl = (seed >> 8) & 1 ?
					  IOAS_IOVA_SIZE_ALIGNED : 0;

			fl |= (seed >> 9) & 1 ? IOAS_IOVA_BOTTOMUP : 0;
			if (ioas_iova_alloc(d, sz, UINT64_MAX, fl, &p))
				continue;
			pf[n] = p;
			np[n++] = sz;
		} else {
			unsigned int k = (seed >> 16) % n;

			assert_int_equal(ioas_iova_free(d, pf[k], np[k]), 0);
			pf[k] = pf[--n];
			np[k] = np[n];
		}
		if (i % 500 == 0)
			assert_int_equal(ioas_iova_check(d), 0);
	}
	while (n) {
		n--;
		assert_int_equal(ioas_iova_free(d, pf[n], np[n]), 0);
	}
	t_holes_are(d, 1, U(1), U(1 << 16));
	ioas_iova_domain_free(d);
}

/*
 * Free space compared with a bitmap model: every hole is a maximal run of
 * free pfns, in order, and nothing else is free.
 */
static void t_holes_match(struct ioas_iova_domain *d, const uint8_t *used,
			  uint64_t last)
{
	static struct ioas_range h[40000];
	size_t nr = 0, i;
	uint64_t p = 1;

	assert_int_equal(ioas_iova_holes(d, h, 40000, &nr), 0);
	for (i = 0; i < nr; i++) {
		for (; p < h[i].start; p++)
			assert_true(used[p]);
		for (; p <= h[i].last; p++)
			assert_false(used[p]);
		/* Maximal: the next pfn is not free. */
		assert_true(p > last || used[p]);
	}
	for (; p <= last; p++)
		assert_true(used[p]);
}

/*
 * The free-extent tree four levels deep: a full domain of single pfns,
 * every other one freed (20,000 extents: leaf and inner splits, a growing
 * root), a reservation across thousands of extents and back, then the
 * rest freed in a scrambled order (merges of both neighbours, leaves and
 * inner nodes under their minimum, the root collapsing back to a leaf).
 * The checker verifies keys, summaries, fill and counts at every step
 * that matters; the holes are compared with a bitmap.
 */
static void test_iova_deep_tree_splits_merges_and_collapses(void **state)
{
	enum { LAST = 40000 };
	static uint8_t used[LAST + 1];
	struct ioas_iova_domain *d;
	struct ioas_iova_info info = { .size = sizeof(info) };
	uint64_t p, k, perm;
	struct ioas_iova_req q = { .size = sizeof(q), .npages = 1,
				   .flags = IOAS_IOVA_BOTTOMUP };

	(void)state;
	memset(used, 0, sizeof(used));
	d = t_domain(1, LAST, IOAS_IOVA_BOTTOMUP);
	for (k = 1; k <= LAST; k++) {
		assert_int_equal(ioas_iova_alloc_in(d, &q, &p), 0);
		assert_true(p == k);
		used[p] = 1;
	}
	assert_int_equal(ioas_iova_alloc_in(d, &q, &p), -ENOSPC);
	for (k = 1; k <= LAST; k += 2) {
		assert_int_equal(ioas_iova_free(d, k, 1), 0);
		used[k] = 0;
		if (k % 1999 == 0)
			assert_int_equal(ioas_iova_check(d), 0);
	}
	assert_int_equal(ioas_iova_check(d), 0);
	assert_int_equal(ioas_iova_info(d, &info), 0);
	assert_true(info.nr_extents == LAST / 2);
	t_holes_match(d, used, LAST);
	/* A freed pfn again, and a range straddling free space: refused. */
	assert_int_equal(ioas_iova_free(d, 20001, 1), -ENOENT);
	assert_int_equal(ioas_iova_free(d, 20000, 2), -ENOENT);
	assert_int_equal(ioas_iova_check(d), 0);
	/* Over allocations a reservation is refused; on a free pfn it takes
	 * that extent out of a deep leaf, and gives it back. */
	assert_int_equal(ioas_iova_reserve(d, 10000, 19999), -EADDRINUSE);
	for (k = 1; k <= 8001; k += 800) {
		assert_int_equal(ioas_iova_reserve(d, k, k), 0);
		assert_int_equal(ioas_iova_check(d), 0);
	}
	assert_int_equal(ioas_iova_info(d, &info), 0);
	assert_true(info.nr_extents == LAST / 2 - 11);
	assert_int_equal(ioas_iova_claim(d, 801, 1), -EADDRINUSE);
	for (k = 1; k <= 8001; k += 800) {
		assert_int_equal(ioas_iova_unreserve(d, k, k), 0);
		assert_int_equal(ioas_iova_check(d), 0);
	}
	t_holes_match(d, used, LAST);
	/* A claim in a deep leaf, released again. */
	assert_int_equal(ioas_iova_claim(d, 30001, 1), 0);
	assert_int_equal(ioas_iova_claim(d, 30001, 1), -EEXIST);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_int_equal(ioas_iova_free(d, 30001, 1), 0);
	t_holes_match(d, used, LAST);
	/* Top-down, size-aligned 2 pfns: nothing fits in 1-pfn holes. */
	assert_int_equal(ioas_iova_alloc(d, 2, UINT64_MAX,
					 IOAS_IOVA_SIZE_ALIGNED, &p),
			 -ENOSPC);
	/* The rest, scrambled: k * 7919 mod 20000 visits every even pfn. */
	for (k = 0; k < LAST / 2; k++) {
		perm = (k * 7919) % (LAST / 2);
		p = 2 * perm + 2;
		assert_int_equal(ioas_iova_free(d, p, 1), 0);
		used[p] = 0;
		if (k % 997 == 0 || LAST / 2 - k < 40) {
			assert_int_equal(ioas_iova_check(d), 0);
			if (k % 4985 == 0)
				t_holes_match(d, used, LAST);
		}
	}
	t_holes_are(d, 1, U(1), U(LAST));
	assert_int_equal(ioas_iova_info(d, &info), 0);
	assert_true(info.nr_extents == 1);
	assert_true(info.free_pfns == LAST);
	ioas_iova_domain_free(d);
}

struct t_held {
	struct ioas_iova_cache *c;
	uint32_t nr;
};

static void *t_unhold_later(void *arg)
{
	struct t_held *h = arg;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	ioas_iova_cache_unhold_(h->c, 1, h->nr);
	return NULL;
}

/*
 * A failing call drains the caches; when a size is held by someone (its
 * owner in a fast path, a refill, a spill), the drain cannot just empty
 * the sizes it can take under the domain's lock: it waits for the held
 * one, returns what it parks, and the retry succeeds.
 */
static void test_iova_drain_waits_for_a_held_size(void **state)
{
	struct ioas_iova_domain *d = t_domain(16, 31, 0);
	struct ioas_iova_cache *c;
	struct ioas_iova_info info = { .size = sizeof(info) };
	struct t_held h;
	pthread_t th;
	uint64_t p = 0;

	(void)state;
	assert_int_equal(ioas_iova_cache_new(d, &c), 0);
	/* A batch refill: one page for the caller, fifteen parked. */
	assert_int_equal(ioas_iova_alloc_fast(c, 1, UINT64_MAX, &p), 0);
	assert_true(p == 31);
	assert_int_equal(ioas_iova_info(d, &info), 0);
	assert_true(info.nr_cached == 15 && info.free_pfns == 0);
	h.c = c;
	h.nr = ioas_iova_cache_hold_(c, 1);
	assert_true(h.nr == 15);
	assert_int_equal(pthread_create(&th, NULL, t_unhold_later, &h), 0);
	/* Only the parked pages can serve it: the drain must wait. */
	assert_int_equal(ioas_iova_alloc(d, 2, UINT64_MAX, 0, &p), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(p >= 16 && p + 1 <= 30);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_int_equal(ioas_iova_info(d, &info), 0);
	assert_true(info.nr_cached == 0 && info.free_pfns == 13);
	ioas_iova_cache_free(c);
	ioas_iova_domain_free(d);
}

/*
 * Threads. cmocka's assertions longjmp, so worker threads only record the
 * line of their first failure (t_bad()); the main thread asserts after
 * joining, which names that line.
 */
#define t_bad(t)                         \
	do {                             \
		if (!(t)->bad)           \
			(t)->bad = __LINE__; \
	} while (0)

/*
 * Iterations per thread: IOAS_IOVA_MT_ITERS, or @dflt. The defaults keep
 * both tests near a tenth of a second (a few seconds under valgrind,
 * which runs one thread at a time), and made them fail in about nine runs
 * out of ten before the races were fixed; raise it to hunt for races.
 */
static unsigned int t_mt_iters(unsigned int dflt)
{
	const char *s = getenv("IOAS_IOVA_MT_ITERS");
	unsigned long v;
	char *end;

	if (!s || !*s)
		return dflt;
	v = strtoul(s, &end, 10);
	return *end || !v || v > 100000000 ? dflt : (unsigned int)v;
}

#define MT_THREADS 4
#define MT_LIVE 256
#define MT_WORDS ((DMA32 + 1) / 64)

/*
 * What the threads believe is live: a bit per pfn under DMA32, set right
 * after an allocation or claim returns and cleared right before the
 * release, so a set bit always means a live range. Setting a bit that is
 * already set means two live ranges overlap.
 */
static uint64_t mt_live[MT_WORDS];

/* Set (or clear) the bits of [pfn, pfn + n - 1]; false if any already was. */
static bool mt_mark(uint64_t pfn, uint64_t n, bool set)
{
	bool ok = true;

	while (n) {
		unsigned int sh = pfn % 64;
		uint64_t k = n < 64 - sh ? n : 64 - sh;
		uint64_t m = (k == 64 ? ~UINT64_C(0) :
			      ((UINT64_C(1) << k) - 1)) << sh, old;

		if (set)
			old = __atomic_fetch_or(&mt_live[pfn / 64], m,
						__ATOMIC_RELAXED) & m;
		else
			old = ~__atomic_fetch_and(&mt_live[pfn / 64], ~m,
						  __ATOMIC_RELAXED) & m;
		ok = ok && !old;
		pfn += k;
		n -= k;
	}
	return ok;
}

static bool mt_is_clear(uint64_t pfn)
{
	return !(__atomic_load_n(&mt_live[pfn / 64], __ATOMIC_RELAXED) &
		 UINT64_C(1) << pfn % 64);
}

static uint64_t t_pow2_up(uint64_t v)
{
	uint64_t a = 1;

	while (a < v)
		a <<= 1;
	return a;
}

struct thr {
	struct ioas_iova_domain *d;
	pthread_barrier_t *go;
	unsigned int seed, iters;
	int bad;
};

static unsigned int thr_rand(struct thr *t)
{
	t->seed = t->seed * 1103515245u + 12345u;
	return t->seed >> 8;
}

/* Release through the cache, or (a tenth of the time) past it. */
static void thr_release(struct thr *t, struct ioas_iova_cache *c,
			uint64_t pfn, uint64_t n)
{
	if (!mt_mark(pfn, n, false))
		t_bad(t);
	if (thr_rand(t) % 10 ? ioas_iova_free_fast(c, pfn, n) :
			       ioas_iova_free(t->d, pfn, n))
		t_bad(t);
}

static void *thr_main(void *arg)
{
	/* 3 is size-aligned to 4 but not batched; 128 is never cached. */
	static const uint64_t sizes[] = { 1, 1, 1, 2, 2, 4, 4, 8, 3, 16, 32,
					  128 };
	struct thr *t = arg;
	struct ioas_iova_cache *c;
	struct ioas_iova_info info = { .size = sizeof(info) };
	uint64_t p[MT_LIVE], n[MT_LIVE], x, sz;
	unsigned int i, k, nr = 0;
	int ret;

	if (ioas_iova_cache_new(t->d, &c))
		t_bad(t);
	/* All start at once, so that they overlap however slow creation is. */
	pthread_barrier_wait(t->go);
	if (t->bad)
		return NULL;
	for (i = 0; i < t->iters && !t->bad; i++) {
		unsigned int r = thr_rand(t);

		if (nr < MT_LIVE && (nr == 0 || r & 1)) {
			sz = sizes[(r >> 1) % (sizeof(sizes) / sizeof(*sizes))];
			/* The space is ample: nothing may ever fail. */
			if (ioas_iova_alloc_fast(c, sz, DMA32, &x) || !x ||
			    x + sz - 1 > DMA32 ||
			    (x & (t_pow2_up(sz) - 1)) ||
			    !mt_mark(x, sz, true)) {
				t_bad(t);
				break;
			}
			p[nr] = x;
			n[nr++] = sz;
		} else {
			k = (r >> 1) % nr;
			thr_release(t, c, p[k], n[k]);
			p[k] = p[--nr];
			n[k] = n[nr];
		}
		r = thr_rand(t);
		if (i % 61 == 0 && nr < MT_LIVE) {
			/*
			 * Claim near the top, among the other threads' live
			 * and parked ranges: only live ones (-EEXIST) and
			 * their passing reservations may refuse it.
			 */
			sz = UINT64_C(1) << r % 4;
			x = (DMA32 - (r >> 2) % 8192) & ~(sz - 1);
			ret = ioas_iova_claim(t->d, x, sz);
			if (!ret) {
				if (!mt_mark(x, sz, true))
					t_bad(t);
				p[nr] = x;
				n[nr++] = sz;
			} else if (ret != -EEXIST && ret != -EADDRINUSE) {
				t_bad(t);
			}
		}
		if (i % 499 == 0) {
			/* A reservation that succeeds overlaps nothing live. */
			x = DMA32 - (r >> 2) % 8192;
			ret = ioas_iova_reserve(t->d, x, x);
			if (!ret) {
				if (!mt_is_clear(x) ||
				    ioas_iova_unreserve(t->d, x, x))
					t_bad(t);
			} else if (ret != -EADDRINUSE) {
				t_bad(t);
			}
		}
		if (i % 997 == 0)
			ioas_iova_cache_flush(c);
		if (i % 2003 == 0 &&
		    (ioas_iova_check(t->d) || ioas_iova_info(t->d, &info) ||
		     info.nr_cached > info.nr_allocated))
			t_bad(t);
	}
	while (nr) {
		nr--;
		thr_release(t, c, p[nr], n[nr]);
	}
	ioas_iova_cache_free(c);
	return NULL;
}

/*
 * Four threads allocate, release, claim, reserve, flush and check through
 * their caches at once. Every result is checked against the live bitmap
 * (no two live ranges overlap, none fails), every thread runs
 * ioas_iova_check() while the others work, and at the end every range has
 * come back exactly once.
 */
static void test_iova_threads_with_caches_stay_consistent(void **state)
{
	struct ioas_iova_domain *d;
	struct thr t[MT_THREADS];
	pthread_t th[MT_THREADS];
	struct ioas_iova_info info;
	pthread_barrier_t go;
	unsigned int i, iters = t_mt_iters(50000);

	(void)state;
	memset(mt_live, 0, sizeof(mt_live));
	d = t_domain(1, 1 << 20, 0);
	assert_int_equal(pthread_barrier_init(&go, NULL, MT_THREADS), 0);
	for (i = 0; i < MT_THREADS; i++) {
		t[i].d = d;
		t[i].go = &go;
		t[i].seed = i * 7919 + 1;
		t[i].iters = iters;
		t[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, thr_main, &t[i]),
				 0);
	}
	for (i = 0; i < MT_THREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&go);
	/* A non-zero value is the line in thr_main() that saw the failure. */
	for (i = 0; i < MT_THREADS; i++)
		assert_int_equal(t[i].bad, 0);
	for (i = 0; i < MT_WORDS; i++)
		assert_true(mt_live[i] == 0);
	/* Every range came back exactly once: the space is whole again. */
	assert_int_equal(ioas_iova_check(d), 0);
	info = t_info(d);
	assert_true(info.nr_allocated == 0);
	assert_true(info.nr_cached == 0);
	assert_true(info.nr_reserved == 0);
	t_holes_are(d, 1, U(1), U(1 << 20));
	ioas_iova_domain_free(d);
}

struct checked {
	struct ioas_iova_domain *d;
	pthread_barrier_t go;
	unsigned int rounds;
	int done;
	int bad;
};

/* Keep eight pages parked and cycle one more through the cache. */
static void *checked_main(void *arg)
{
	struct checked *t = arg;
	struct ioas_iova_cache *c;
	uint64_t p[8], x;
	unsigned int i;

	if (ioas_iova_cache_new(t->d, &c))
		t_bad(t);
	pthread_barrier_wait(&t->go);
	if (!t->bad) {
		for (i = 0; i < 8; i++)
			if (ioas_iova_alloc_fast(c, 1, UINT64_MAX, &p[i]))
				t_bad(t);
		for (i = 0; i < 8 && !t->bad; i++)
			if (ioas_iova_free_fast(c, p[i], 1))
				t_bad(t);
		for (i = 0; i < t->rounds && !t->bad; i++)
			if (ioas_iova_alloc_fast(c, 1, UINT64_MAX, &x) ||
			    ioas_iova_free_fast(c, x, 1))
				t_bad(t);
		ioas_iova_cache_free(c);
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * ioas_iova_check() holds every size of every cache while it looks at the
 * parked ranges, and the owners' fast calls keep knocking on those sizes
 * meanwhile. Whatever they do, the counts the check holds must survive:
 * once the cache is freed, nothing may be left allocated.
 */
static void test_iova_check_beside_cached_calls_loses_nothing(void **state)
{
	struct ioas_iova_domain *d;
	struct checked t = { .rounds = t_mt_iters(50000) * 4 };
	pthread_t th;
	int bad = 0;

	(void)state;
	d = t_domain(1, 1 << 10, 0);
	t.d = d;
	assert_int_equal(pthread_barrier_init(&t.go, NULL, 2), 0);
	assert_int_equal(pthread_create(&th, NULL, checked_main, &t), 0);
	pthread_barrier_wait(&t.go);
	do {
		if (ioas_iova_check(d))
			bad = __LINE__;
	} while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE) && !bad);
	assert_int_equal(pthread_join(th, NULL), 0);
	pthread_barrier_destroy(&t.go);
	assert_int_equal(bad, 0);
	assert_int_equal(t.bad, 0);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).nr_allocated == 0);
	t_holes_are(d, 1, U(1), U(1 << 10));
	ioas_iova_domain_free(d);
}

struct refill {
	struct ioas_iova_domain *d;
	pthread_barrier_t go;
	unsigned int rounds;
	int done;
	int bad;
};

/* Refill an empty cache from the whole domain, again and again. */
static void *refill_main(void *arg)
{
	struct refill *t = arg;
	struct ioas_iova_cache *c;
	uint64_t x;
	unsigned int i;

	if (ioas_iova_cache_new(t->d, &c))
		t_bad(t);
	pthread_barrier_wait(&t->go);
	if (!t->bad) {
		for (i = 0; i < t->rounds && !t->bad; i++) {
			/*
			 * A miss: with pfn 16 free, one carve takes [16, 31],
			 * 31 comes back and [16, 30] is parked; otherwise it
			 * is a single page, still the highest free one.
			 */
			if (ioas_iova_alloc_fast(c, 1, 31, &x) || x < 17 ||
			    ioas_iova_free_fast(c, x, 1))
				t_bad(t);
			ioas_iova_cache_flush(c);
		}
		ioas_iova_cache_free(c);
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A refill takes a whole batch out of the tree and parks all but one of
 * it. Pfn 16 is never live here, only free or parked, so a claim or a
 * reservation of it must always succeed, whether it runs while the batch
 * is being parked or while the cache is being flushed: the ranges of a
 * batch are never out of a drain's sight.
 */
static void test_iova_claim_and_reserve_never_see_a_refill_in_flight(
	void **state)
{
	struct ioas_iova_domain *d;
	struct refill t = { .rounds = t_mt_iters(50000) };
	pthread_t th;
	int bad = 0;

	(void)state;
	d = t_domain(16, 31, IOAS_IOVA_TOPDOWN);
	t.d = d;
	assert_int_equal(pthread_barrier_init(&t.go, NULL, 2), 0);
	assert_int_equal(pthread_create(&th, NULL, refill_main, &t), 0);
	pthread_barrier_wait(&t.go);
	do {
		if (ioas_iova_claim(d, 16, 1) || ioas_iova_free(d, 16, 1))
			bad = __LINE__;
		else if (ioas_iova_reserve(d, 16, 16) ||
			 ioas_iova_unreserve(d, 16, 16))
			bad = __LINE__;
	} while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE) && !bad);
	assert_int_equal(pthread_join(th, NULL), 0);
	pthread_barrier_destroy(&t.go);
	/* A non-zero value is the line that saw the failure. */
	assert_int_equal(bad, 0);
	assert_int_equal(t.bad, 0);
	assert_int_equal(ioas_iova_check(d), 0);
	assert_true(t_info(d).nr_allocated == 0);
	t_holes_are(d, 1, U(16), U(31));
	ioas_iova_domain_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iova_domain_new_rejects_bad_geometry),
		cmocka_unit_test(test_iova_domain_new_extensible_struct),
		cmocka_unit_test(test_iova_2016_single_page_domain_allocates_it),
		cmocka_unit_test(test_iova_2016_single_free_page_below_reserve),
		cmocka_unit_test(test_iova_2016_full_space_fails_without_wrap),
		cmocka_unit_test(test_iova_2016_size_aligned_three_pages),
		cmocka_unit_test(test_iova_w5_tiny_windows_never_fail),
		cmocka_unit_test(test_iova_alloc_respects_dma32_limit),
		cmocka_unit_test(test_iova_size_aligned_results_are_aligned),
		cmocka_unit_test(test_iova_size_aligned_prefers_whole_aligned_blocks),
		cmocka_unit_test(test_iova_topdown_and_bottomup_orders),
		cmocka_unit_test(test_iova_never_returns_zero),
		cmocka_unit_test(test_iova_alloc_errors),
		cmocka_unit_test(test_iova_reserve_keeps_ranges_out),
		cmocka_unit_test(test_iova_reserve_over_allocation_is_refused),
		cmocka_unit_test(test_iova_reserve_outside_domain_has_no_effect),
		cmocka_unit_test(test_iova_claim_errors),
		cmocka_unit_test(test_iova_free_errors_leave_domain_unchanged),
		cmocka_unit_test(test_iova_many_reservations_flat_and_tree),
		cmocka_unit_test(test_iova_alloc_in_window_alignment_and_phase),
		cmocka_unit_test(test_iova_find_does_not_allocate),
		cmocka_unit_test(test_iova_cache_reuses_freed_ranges),
		cmocka_unit_test(test_iova_cached_ranges_never_cause_failures),
		cmocka_unit_test(test_iova_fail_fast_hint_is_exact),
		cmocka_unit_test(test_iova_fail_fast_hint_still_drains),
		cmocka_unit_test(test_iova_random_releases_keep_tree_exact),
		cmocka_unit_test(test_iova_spills_reuse_paths_exactly),
		cmocka_unit_test(test_iova_spill_pair_across_a_root_split),
		cmocka_unit_test(test_iova_cache_is_bounded),
		cmocka_unit_test(test_iova_cache_count_word_edges),
		cmocka_unit_test(
			test_iova_check_catches_a_double_release_through_a_cache),
		cmocka_unit_test(test_iova_info_and_holes_errors),
		cmocka_unit_test(test_iova_huge_requests_and_top_of_pfn_space),
		cmocka_unit_test(test_iova_churn_keeps_invariants),
		cmocka_unit_test(test_iova_deep_tree_splits_merges_and_collapses),
		cmocka_unit_test(test_iova_drain_waits_for_a_held_size),
		cmocka_unit_test(test_iova_threads_with_caches_stay_consistent),
		cmocka_unit_test(
			test_iova_check_beside_cached_calls_loses_nothing),
		cmocka_unit_test(
			test_iova_claim_and_reserve_never_see_a_refill_in_flight),
	};

	return cmocka_run_group_tests_name("iova", tests, NULL, NULL);
}
