// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential fuzz target for the IOVA allocator (lib/iova.c) against a
 * trivially correct model: one byte of state per pfn of a small domain
 * (free, allocated, or reserved n times), placed at the bottom, in the
 * middle or at the very top of the pfn space.
 *
 * The input is decoded into a domain and a sequence of operations: reserve,
 * unreserve, alloc (top-down and bottom-up, limits, size alignment),
 * alloc_in (windows, explicit alignments and phases), find, claim, free,
 * bad frees, cache alloc/free/flush. For every domain-level allocation the
 * model computes the exact answer by brute force: the highest (top-down)
 * or lowest (bottom-up) fitting pfn among the holes the allocator reports,
 * or, when there is none there but the model knows of free pfns parked in
 * caches, among all free pfns (the allocator drains its caches and retries).
 * Cache allocations are checked for validity only (inside the limit, size
 * aligned, free in the model), and a cache allocation may only fail when no
 * free run holds a whole aligned block of the size. Error codes are
 * predicted too. After every step ioas_iova_check() must pass, the
 * allocator's holes must be free in the model, the counters must agree,
 * and free pfns may be missing from the holes only while ranges are
 * parked in caches. Any disagreement abort()s.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/iova.h>

#include "fuzz_check.h"
#include "ioas_private.h"

#define MAXP 512   /* pfns in the model domain */
#define MAXA 256   /* live allocations tracked */
#define MAXR 32    /* reservations tracked */
#define MAXOPS 3000

enum { FREE = 0, ALLOC = 0xff }; /* else: reservation count */

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t u16(struct rd *r)
{
	return (uint16_t)(u8(r) | u8(r) << 8);
}

struct model {
	uint64_t base, np; /* domain = [base, base + np - 1] */
	uint8_t st[MAXP];
	struct {
		uint64_t pfn, n;
		bool cached_alloc;
	} a[MAXA];
	unsigned int na;
	struct {
		uint64_t f, l;
	} r[MAXR];
	unsigned int nr;
	struct ioas_range holes[MAXP + 1];
	size_t nholes;
	bool in_hole[MAXP];
};

static struct model M;

static bool in_dom(uint64_t pfn)
{
	return pfn >= M.base && pfn - M.base < M.np;
}

static uint8_t *st(uint64_t pfn)
{
	return &M.st[pfn - M.base];
}

/* Refresh the allocator's holes and check them against the model. */
static void sync_holes(struct ioas_iova_domain *d)
{
	struct ioas_iova_info info = { .size = sizeof(info) };
	uint64_t pfn, parked = 0, holes_pfns = 0;
	size_t i;

	CHECK(ioas_iova_check(d) == 0);
	CHECK(ioas_iova_holes(d, M.holes, MAXP + 1, &M.nholes) == 0);
	memset(M.in_hole, 0, sizeof(M.in_hole));
	for (i = 0; i < M.nholes; i++) {
		CHECK(M.holes[i].start <= M.holes[i].last);
		CHECK(in_dom(M.holes[i].start) && in_dom(M.holes[i].last));
		if (i)
			CHECK(M.holes[i - 1].last + 1 < M.holes[i].start);
		for (pfn = M.holes[i].start; pfn <= M.holes[i].last; pfn++) {
			CHECK(*st(pfn) == FREE);
			M.in_hole[pfn - M.base] = true;
			holes_pfns++;
		}
	}
	for (pfn = 0; pfn < M.np; pfn++)
		if (M.st[pfn] == FREE && !M.in_hole[pfn])
			parked++;
	CHECK(ioas_iova_info(d, &info) == 0);
	CHECK(info.free_pfns == holes_pfns);
	CHECK(info.nr_extents == M.nholes);
	CHECK(info.nr_reserved == M.nr);
	/* Every free pfn the tree lacks is parked in a cache. */
	if (!info.nr_cached)
		CHECK(parked == 0);
	CHECK(info.nr_allocated == M.na + info.nr_cached);
}

/* Largest k with an aligned 2^k block inside [s, e] (absolute pfns). */
static unsigned int run_order(uint64_t s, uint64_t e)
{
	unsigned int k;

	for (k = 63; k > 0; k--) {
		uint64_t m = (UINT64_C(1) << k) - 1;

		if (e - s >= m && ((s + m) & ~m) + m <= e)
			return k;
	}
	return 0;
}

/*
 * Brute force: the fit the allocator must find, over holes or all free.
 * @min_order: only inside a free run that holds an aligned block of that
 * order (the preference for size-aligned sizes that are not powers of two).
 */
static bool model_fit_(uint64_t n, uint64_t lo, uint64_t hi, uint64_t align,
		       uint64_t phase, bool topdown, bool holes_only,
		       unsigned int min_order, uint64_t *out)
{
	static uint8_t ord[MAXP];
	uint64_t x, k, first, last, rs, re;

	for (rs = 0; rs < M.np; rs = re + 1) {
		re = rs;
		if (M.st[rs] != FREE || (holes_only && !M.in_hole[rs]))
			continue;
		while (re + 1 < M.np && M.st[re + 1] == FREE &&
		       (!holes_only || M.in_hole[re + 1]))
			re++;
		memset(&ord[rs], run_order(M.base + rs, M.base + re),
		       re - rs + 1);
	}

	if (lo < M.base)
		lo = M.base;
	if (hi > M.base + M.np - 1)
		hi = M.base + M.np - 1;
	if (lo > hi || n - 1 > hi - lo)
		return false;
	first = lo;
	last = hi - (n - 1);
	for (k = 0; k <= last - first; k++) {
		bool ok = true;
		uint64_t j;

		x = topdown ? last - k : first + k;
		if (align > 1 && (x & (align - 1)) != phase)
			continue;
		if (min_order && (M.st[x - M.base] != FREE ||
				  ord[x - M.base] < min_order))
			continue;
		for (j = 0; j < n && ok; j++) {
			uint64_t i = x + j - M.base;

			ok = M.st[i] == FREE && (!holes_only || M.in_hole[i]);
		}
		if (ok) {
			*out = x;
			return true;
		}
	}
	return false;
}

static bool model_fit(uint64_t n, uint64_t lo, uint64_t hi, uint64_t align,
		      uint64_t phase, bool topdown, bool holes_only,
		      bool size_aligned, uint64_t *out)
{
	unsigned int j = 0;

	if (size_aligned && align != n) {
		while ((UINT64_C(1) << j) < align)
			j++;
		if (model_fit_(n, lo, hi, align, phase, topdown, holes_only, j,
			       out))
			return true;
	}
	return model_fit_(n, lo, hi, align, phase, topdown, holes_only, 0,
			  out);
}

static bool any_parked(void)
{
	uint64_t i;

	for (i = 0; i < M.np; i++)
		if (M.st[i] == FREE && !M.in_hole[i])
			return true;
	return false;
}

static void record(uint64_t pfn, uint64_t n, bool cached_alloc)
{
	uint64_t j;

	for (j = 0; j < n; j++) {
		CHECK(*st(pfn + j) == FREE);
		*st(pfn + j) = ALLOC;
	}
	CHECK(M.na < MAXA);
	M.a[M.na].pfn = pfn;
	M.a[M.na].n = n;
	M.a[M.na].cached_alloc = cached_alloc;
	M.na++;
}

/* The model's answer for a domain-level allocation, then compare. */
static void do_alloc(struct ioas_iova_domain *d, uint64_t n, uint64_t lo,
		     uint64_t hi, uint64_t align, uint64_t phase,
		     bool topdown, bool sa, int ret, uint64_t got, bool find)
{
	uint64_t want;
	bool fit;

	(void)d;
	fit = model_fit(n, lo, hi, align, phase, topdown, true, sa, &want);
	if (!fit && !find && any_parked())
		fit = model_fit(n, lo, hi, align, phase, topdown, false, sa,
				&want);
	if (!fit) {
		CHECK(ret == -ENOSPC);
		return;
	}
	CHECK(ret == 0);
	CHECK(got == want);
	if (!find)
		record(got, n, false);
}

static uint64_t pick_align(struct rd *r, uint64_t *phase)
{
	uint8_t b = u8(r);
	uint64_t a;

	if (b < 64)
		a = b & 1; /* 0 or 1: none */
	else if (b < 240)
		a = UINT64_C(1) << (b % 9);
	else
		a = UINT64_C(1) << (20 + b % 40);
	*phase = 0;
	if (a > 1 && (u8(r) & 3) == 0)
		*phase = ((uint64_t)u16(r) * 7919) & (a - 1);
	return a;
}

static uint64_t pick_pfn(struct rd *r)
{
	uint8_t b = u8(r);
	uint16_t v = u16(r);

	if (b < 8)
		return v; /* around zero, likely below the domain */
	if (b < 16)
		return M.base + M.np - 1 + (v & 7); /* around the top */
	return M.base + v % (M.np + 2) - 1;
}

static void free_one(struct ioas_iova_domain *d, struct ioas_iova_cache *c,
		     unsigned int i, bool fast)
{
	uint64_t pfn = M.a[i].pfn, n = M.a[i].n, j;
	int ret;

	ret = fast ? ioas_iova_free_fast(c, pfn, n) : ioas_iova_free(d, pfn, n);
	CHECK(ret == 0);
	for (j = 0; j < n; j++)
		*st(pfn + j) = FREE;
	M.a[i] = M.a[--M.na];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };
	struct ioas_iova_config cfg = { .size = sizeof(cfg) };
	struct ioas_iova_domain *d = NULL;
	struct ioas_iova_cache *c = NULL;
	bool topdown;
	unsigned int ops;
	uint8_t g = u8(&r);

	memset(&M, 0, sizeof(M));
	M.np = 1 + u8(&r) + (uint64_t)(u8(&r) & 1) * 255;
	switch (g & 3) {
	case 0:
		M.base = 1 + (g >> 2 & 7);
		break;
	case 1:
		M.base = (UINT64_C(1) << 32) - 200;
		break;
	case 2:
		M.base = IOAS_IOVA_MAX_PFN - (M.np - 1);
		break;
	default:
		M.base = (UINT64_C(1) << 20) - (M.np / 2);
		break;
	}
	topdown = !(g & 0x80);
	cfg.flags = topdown ? (g & 0x40 ? IOAS_IOVA_TOPDOWN : 0) :
			      IOAS_IOVA_BOTTOMUP;
	cfg.start_pfn = M.base;
	cfg.last_pfn = M.base + M.np - 1;
	CHECK(ioas_iova_domain_new(&cfg, &d) == 0);
	CHECK(ioas_iova_cache_new(d, &c) == 0);
	/* Every path a spill reuses is checked against a new descent. */
	(void)ioas_iova_verify_paths_(d, true);
	sync_holes(d);

	for (ops = 0; ops < MAXOPS && r.n; ops++) {
		uint8_t op = u8(&r);
		uint64_t n, lo, hi, align, phase, pfn = 0, j;
		unsigned int flags;
		bool td;
		int ret;

		switch (op % 12) {
		case 0: { /* reserve */
			uint64_t f = pick_pfn(&r), l;
			bool busy = false;

			l = f + (u8(&r) & 31);
			if (u8(&r) == 0xff)
				l = UINT64_MAX;
			ret = ioas_iova_reserve(d, f, l);
			for (j = f > M.base ? f : M.base;
			     j <= l && j < M.base + M.np; j++)
				if (in_dom(j) && *st(j) == ALLOC)
					busy = true;
			if (busy) {
				CHECK(ret == -EADDRINUSE);
				break;
			}
			CHECK(ret == 0);
			for (j = f > M.base ? f : M.base;
			     j <= l && j < M.base + M.np; j++)
				(*st(j))++;
			if (M.nr < MAXR) {
				M.r[M.nr].f = f;
				M.r[M.nr].l = l;
				M.nr++;
			} else {
				/* Too many to track: take it back. */
				CHECK(ioas_iova_unreserve(d, f, l) == 0);
				for (j = f > M.base ? f : M.base;
				     j <= l && j < M.base + M.np; j++)
					(*st(j))--;
			}
			break;
		}
		case 1: { /* unreserve, existing or not */
			uint8_t b = u8(&r);

			if (M.nr && b < 200) {
				unsigned int i = b % M.nr;
				uint64_t f = M.r[i].f, l = M.r[i].l;

				CHECK(ioas_iova_unreserve(d, f, l) == 0);
				for (j = f > M.base ? f : M.base;
				     j <= l && j < M.base + M.np; j++)
					(*st(j))--;
				M.r[i] = M.r[--M.nr];
			} else {
				uint64_t f = pick_pfn(&r);
				bool exists = false;
				unsigned int i;

				for (i = 0; i < M.nr; i++)
					if (M.r[i].f == f && M.r[i].l == f + 1)
						exists = true;
				if (!exists)
					CHECK(ioas_iova_unreserve(d, f, f + 1) ==
					      -ENOENT);
				CHECK(ioas_iova_unreserve(d, 5, 4) == -EINVAL);
			}
			break;
		}
		case 2:
		case 3: { /* ioas_iova_alloc */
			uint8_t b = u8(&r);

			n = 1 + (u8(&r) & (b & 0x80 ? 63 : 7));
			hi = pick_pfn(&r);
			if (b & 0x40)
				hi = UINT64_MAX;
			flags = b & 3;
			if (flags == 3)
				flags = 0;
			if (b & 4)
				flags |= IOAS_IOVA_SIZE_ALIGNED;
			td = flags & IOAS_IOVA_TOPDOWN ? true :
			     flags & IOAS_IOVA_BOTTOMUP ? false : topdown;
			ret = ioas_iova_alloc(d, n, hi, flags, &pfn);
			align = b & 4 ? 1 : 0;
			if (align) {
				align = 1;
				while (align < n)
					align <<= 1;
			}
			do_alloc(d, n, 0, hi, align, 0, td, b & 4, ret, pfn,
				 false);
			break;
		}
		case 4:
		case 5: { /* ioas_iova_alloc_in / ioas_iova_find */
			struct ioas_iova_req q = { .size = sizeof(q) };
			uint8_t b = u8(&r);

			n = 1 + (u8(&r) & (b & 0x80 ? 63 : 7));
			lo = pick_pfn(&r);
			hi = pick_pfn(&r);
			if (b & 0x40)
				hi = 0; /* no limit */
			align = pick_align(&r, &phase);
			flags = b & 3;
			if (flags == 3)
				flags = 0;
			if ((b & 0x24) == 0x24) {
				/* Size-aligned: an alignment is an error */
				flags |= IOAS_IOVA_SIZE_ALIGNED;
				if (align > 1) {
					q.flags = flags;
					q.npages = n;
					q.align = align;
					CHECK(ioas_iova_alloc_in(d, &q, &pfn) ==
					      -EINVAL);
				}
				align = 1;
				while (align < n)
					align <<= 1;
				phase = 0;
			}
			q.flags = flags;
			q.npages = n;
			q.min_pfn = lo;
			q.max_pfn = hi;
			q.align = flags & IOAS_IOVA_SIZE_ALIGNED ? 0 : align;
			q.phase = phase;
			if (b & 8)
				ret = ioas_iova_find(d, &q, &pfn);
			else
				ret = ioas_iova_alloc_in(d, &q, &pfn);
			if (!hi)
				hi = UINT64_MAX;
			if (lo > hi) {
				CHECK(ret == -EINVAL);
				break;
			}
			td = flags & IOAS_IOVA_TOPDOWN ? true :
			     flags & IOAS_IOVA_BOTTOMUP ? false : topdown;
			do_alloc(d, n, lo, hi, align, phase, td,
				 flags & IOAS_IOVA_SIZE_ALIGNED, ret, pfn,
				 b & 8);
			break;
		}
		case 6: { /* claim */
			bool inres = false, inall = false;

			pfn = pick_pfn(&r);
			n = 1 + (u8(&r) & 15);
			ret = ioas_iova_claim(d, pfn, n);
			if (!in_dom(pfn) || !in_dom(pfn + n - 1)) {
				CHECK(ret == -EINVAL);
				break;
			}
			for (j = 0; j < n; j++) {
				uint8_t s = *st(pfn + j);

				inres |= s != FREE && s != ALLOC;
				inall |= s == ALLOC;
			}
			if (inres)
				CHECK(ret == -EADDRINUSE);
			else if (inall)
				CHECK(ret == -EEXIST);
			else {
				CHECK(ret == 0);
				record(pfn, n, false);
			}
			break;
		}
		case 7:
		case 8: /* free a live allocation */
			if (M.na)
				free_one(d, c, u8(&r) % M.na, op & 0x80);
			break;
		case 9: { /* a bad free: must be refused, never accepted */
			bool detect = false, parked = false;

			pfn = pick_pfn(&r);
			n = 1 + (u8(&r) & 7);
			if (!in_dom(pfn) || !in_dom(pfn + n - 1)) {
				CHECK(ioas_iova_free(d, pfn, n) == -EINVAL);
				break;
			}
			for (j = 0; j < n; j++) {
				uint64_t i = pfn + j - M.base;

				detect |= M.st[i] != ALLOC;
				parked |= M.st[i] == FREE && !M.in_hole[i];
			}
			/* Ranges over parked or allocated pfns are caller bugs
			 * the domain cannot see: not tested. */
			if (detect && !parked)
				CHECK(ioas_iova_free(d, pfn, n) == -ENOENT);
			break;
		}
		case 10: { /* cache allocation: valid, not exact */
			n = 1 + (u8(&r) & 15);
			hi = pick_pfn(&r);
			ret = ioas_iova_alloc_fast(c, n, hi, &pfn);
			align = 1;
			while (align < n)
				align <<= 1;
			if (ret) {
				uint64_t x;

				unsigned int o = 0;

				CHECK(ret == -ENOSPC);
				/*
				 * After draining, no free run held a whole
				 * aligned block of that size (the cached path
				 * takes whole blocks, as alloc_iova_fast()).
				 */
				while ((UINT64_C(1) << o) < align)
					o++;
				CHECK(!model_fit_(n, 0, hi, align, 0, true,
						  false, o, &x));
				break;
			}
			CHECK(pfn >= M.base && pfn + n - 1 <= hi);
			CHECK(!(pfn & (align - 1)));
			record(pfn, n, true);
			break;
		}
		default: /* flush, or errors */
			if (op & 0x80) {
				ioas_iova_cache_flush(c);
			} else {
				CHECK(ioas_iova_alloc(d, 0, 10, 0, &pfn) ==
				      -EINVAL);
				CHECK(ioas_iova_alloc(d, 1, 10, 0x80, &pfn) ==
				      -EOPNOTSUPP);
				CHECK(ioas_iova_alloc(d, 1, UINT64_MAX,
						      IOAS_IOVA_TOPDOWN |
						      IOAS_IOVA_BOTTOMUP,
						      &pfn) == -EINVAL);
				CHECK(ioas_iova_claim(d, UINT64_MAX, 2) ==
				      -EOVERFLOW);
			}
			break;
		}
		sync_holes(d);
	}
	/* Release everything; the domain must end with one extent per
	 * unreserved stretch, and the caches must return their ranges. */
	while (M.na)
		free_one(d, c, M.na - 1, M.na & 1);
	ioas_iova_cache_free(c);
	while (M.nr) {
		CHECK(ioas_iova_unreserve(d, M.r[M.nr - 1].f,
					  M.r[M.nr - 1].l) == 0);
		M.nr--;
	}
	{
		struct ioas_iova_info info = { .size = sizeof(info) };

		CHECK(ioas_iova_check(d) == 0);
		CHECK(ioas_iova_info(d, &info) == 0);
		CHECK(info.nr_extents == 1 && info.free_pfns == M.np);
		CHECK(info.nr_allocated == 0 && info.nr_cached == 0);
	}
	ioas_iova_domain_free(d);
	return 0;
}
