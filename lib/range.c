// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Closed IOVA ranges and range lists.
 *
 * This file owns struct ioas_range_list: a heap array of [start, last]
 * ranges kept in canonical form (sorted by start, disjoint, and never
 * touching, so [a, b] and [b + 1, c] are always one range [a, c]). Every
 * function leaves its output canonical and assumes canonical inputs;
 * ioas_range_list_check() is the proof. 'last' is inclusive throughout and
 * 'end' never appears. The hazard is the top of the space: last + 1 wraps
 * at UINT64_MAX and start - 1 wraps at 0, so every such step below is
 * either guarded by a comparison that rules the wrap out or goes through
 * lib/overflow.h. Failed calls leave their list exactly as it was: add and
 * remove grow the array (the only fallible step) before touching a range,
 * and the set operations build a new array aside and swap it in, which is
 * also what makes it safe for the output to alias an input.
 */
#include <errno.h>
#include <string.h>

#include <ioas/range.h>

#include "ioas_private.h"
#include "overflow.h"

IOAS_EXPORT int ioas_range_from_len(uint64_t start, uint64_t len,
				    struct ioas_range *out)
{
	uint64_t last;

	if (!len)
		return -EINVAL;
	if (check_add_overflow(start, len - 1, &last))
		return -EOVERFLOW;
	out->start = start;
	out->last = last;
	return 0;
}

IOAS_EXPORT void ioas_range_list_init(struct ioas_range_list *l)
{
	l->v = NULL;
	l->nr = 0;
	l->cap = 0;
}

IOAS_EXPORT void ioas_range_list_fini(struct ioas_range_list *l)
{
	if (!l)
		return;
	ioas_free_(l->v);
	ioas_range_list_init(l);
}

/* Index of the first range with last >= @x; nr if none. */
static size_t first_last_ge(const struct ioas_range_list *l, uint64_t x)
{
	size_t lo = 0, hi = l->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].last >= x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Index of the first range with start > @x; nr if none. */
static size_t first_start_gt(const struct ioas_range_list *l, uint64_t x)
{
	size_t lo = 0, hi = l->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].start > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * Make room for one more range, doubling so that n adds cost O(n) copies in
 * all. The contents are untouched either way.
 */
static int reserve_one(struct ioas_range_list *l)
{
	struct ioas_range *v;
	size_t cap = 4;

	if (l->nr < l->cap)
		return 0;
	if (l->cap && check_mul_overflow(l->cap, (size_t)2, &cap))
		return -ENOMEM;
	v = ioas_realloc_(l->v, cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

/*
 * Replace the @nold ranges at @i with the @nnew ranges in @with. The caller
 * has already reserved room, so this cannot fail.
 */
static void splice(struct ioas_range_list *l, size_t i, size_t nold,
		   const struct ioas_range *with, size_t nnew)
{
	memmove(&l->v[i + nnew], &l->v[i + nold],
		(l->nr - i - nold) * sizeof(*l->v));
	if (nnew)
		memcpy(&l->v[i], with, nnew * sizeof(*with));
	l->nr = l->nr - nold + nnew;
}

IOAS_EXPORT int ioas_range_list_copy(struct ioas_range_list *dst,
				     const struct ioas_range_list *src)
{
	struct ioas_range *v;

	if (dst == src)
		return 0;
	if (src->nr > dst->cap) {
		/* No realloc: the old contents are not worth copying. */
		v = ioas_realloc_(NULL, src->nr, sizeof(*v));
		if (!v)
			return -ENOMEM;
		ioas_free_(dst->v);
		dst->v = v;
		dst->cap = src->nr;
	}
	if (src->nr)
		memcpy(dst->v, src->v, src->nr * sizeof(*src->v));
	dst->nr = src->nr;
	return 0;
}

IOAS_EXPORT int ioas_range_list_add(struct ioas_range_list *l,
				    const struct ioas_range *r)
{
	struct ioas_range m = *r;
	size_t i, j;

	if (r->start > r->last)
		return -EINVAL;
	/*
	 * [i, j) are the ranges that overlap or touch @r: last >= start - 1
	 * and start <= last + 1, with the +-1 dropped where it would wrap
	 * (nothing can touch below 0 or above UINT64_MAX).
	 */
	i = first_last_ge(l, r->start ? r->start - 1 : 0);
	j = first_start_gt(l, sat_next_u64(r->last));
	if (i == j) {
		if (reserve_one(l))
			return -ENOMEM;
	} else {
		if (l->v[i].start < m.start)
			m.start = l->v[i].start;
		if (l->v[j - 1].last > m.last)
			m.last = l->v[j - 1].last;
	}
	splice(l, i, j - i, &m, 1);
	return 0;
}

IOAS_EXPORT int ioas_range_list_remove(struct ioas_range_list *l,
				       const struct ioas_range *r)
{
	struct ioas_range keep[2];
	size_t i, j, k = 0;

	if (r->start > r->last)
		return -EINVAL;
	/* [i, j) are the ranges that share a byte with @r. */
	i = first_last_ge(l, r->start);
	j = first_start_gt(l, r->last);
	if (i == j)
		return 0;
	/* The comparisons rule out r->start - 1 and r->last + 1 wrapping. */
	if (l->v[i].start < r->start) {
		keep[k].start = l->v[i].start;
		keep[k++].last = r->start - 1;
	}
	if (l->v[j - 1].last > r->last) {
		keep[k].start = r->last + 1;
		keep[k++].last = l->v[j - 1].last;
	}
	if (k > j - i && reserve_one(l))
		return -ENOMEM;
	splice(l, i, j - i, keep, k);
	return 0;
}

/*
 * Set operations run twice over their operands: once with v == NULL to
 * count the result, once to fill an array of exactly that size. That costs
 * a second O(n) pass but never over-allocates, and the only fallible step
 * happens before @out is touched.
 */
struct build {
	struct ioas_range *v;
	size_t nr;
	struct ioas_range tail;
};

/* Append [start, last]; starts arrive non-decreasing. Merges touching. */
static void build_push(struct build *b, uint64_t start, uint64_t last)
{
	if (b->nr && sat_next_u64(b->tail.last) >= start) {
		if (last > b->tail.last)
			b->tail.last = last;
	} else {
		b->tail.start = start;
		b->tail.last = last;
		b->nr++;
	}
	if (b->v)
		b->v[b->nr - 1] = b->tail;
}

typedef void set_op_fn(struct build *out, const struct ioas_range_list *a,
		       const struct ioas_range_list *b);

static void op_union(struct build *out, const struct ioas_range_list *a,
		     const struct ioas_range_list *b)
{
	size_t i = 0, j = 0;

	while (i < a->nr || j < b->nr) {
		const struct ioas_range *r;

		if (j == b->nr ||
		    (i < a->nr && a->v[i].start <= b->v[j].start))
			r = &a->v[i++];
		else
			r = &b->v[j++];
		build_push(out, r->start, r->last);
	}
}

static void op_intersect(struct build *out, const struct ioas_range_list *a,
			 const struct ioas_range_list *b)
{
	size_t i = 0, j = 0;

	while (i < a->nr && j < b->nr) {
		uint64_t lo = a->v[i].start > b->v[j].start ? a->v[i].start :
							      b->v[j].start;
		uint64_t hi = a->v[i].last < b->v[j].last ? a->v[i].last :
							    b->v[j].last;

		if (lo <= hi)
			build_push(out, lo, hi);
		if (a->v[i].last < b->v[j].last)
			i++;
		else
			j++;
	}
}

static void op_subtract(struct build *out, const struct ioas_range_list *a,
			const struct ioas_range_list *b)
{
	size_t i, j = 0;

	for (i = 0; i < a->nr; i++) {
		uint64_t cur = a->v[i].start;
		bool done = false;

		while (j < b->nr && b->v[j].last < cur)
			j++;
		/*
		 * b->v[j] is not consumed when it runs past this range: it may
		 * cut the next one too.
		 */
		for (; j < b->nr && b->v[j].start <= a->v[i].last; j++) {
			if (b->v[j].start > cur)
				build_push(out, cur, b->v[j].start - 1);
			if (b->v[j].last >= a->v[i].last) {
				done = true;
				break;
			}
			cur = b->v[j].last + 1;
		}
		if (!done)
			build_push(out, cur, a->v[i].last);
	}
}

static int set_op(struct ioas_range_list *out, const struct ioas_range_list *a,
		  const struct ioas_range_list *b, set_op_fn *fn)
{
	struct build count = { 0 }, fill = { 0 };

	fn(&count, a, b);
	if (count.nr) {
		fill.v = ioas_realloc_(NULL, count.nr, sizeof(*fill.v));
		if (!fill.v)
			return -ENOMEM;
		fn(&fill, a, b);
	}
	/* @out may be @a or @b: only now are they done with. */
	ioas_free_(out->v);
	out->v = fill.v;
	out->nr = count.nr;
	out->cap = count.nr;
	return 0;
}

IOAS_EXPORT int ioas_range_list_union(struct ioas_range_list *out,
				      const struct ioas_range_list *a,
				      const struct ioas_range_list *b)
{
	return set_op(out, a, b, op_union);
}

IOAS_EXPORT int ioas_range_list_intersect(struct ioas_range_list *out,
					  const struct ioas_range_list *a,
					  const struct ioas_range_list *b)
{
	return set_op(out, a, b, op_intersect);
}

IOAS_EXPORT int ioas_range_list_subtract(struct ioas_range_list *out,
					 const struct ioas_range_list *a,
					 const struct ioas_range_list *b)
{
	return set_op(out, a, b, op_subtract);
}

IOAS_EXPORT int ioas_range_list_invert(struct ioas_range_list *out,
				       const struct ioas_range_list *a,
				       const struct ioas_range *within)
{
	struct ioas_range w;
	struct ioas_range_list wl = { &w, 1, 1 };

	if (within->start > within->last)
		return -EINVAL;
	w = *within;
	return set_op(out, &wl, a, op_subtract);
}

IOAS_EXPORT long ioas_range_list_find(const struct ioas_range_list *l,
				      uint64_t addr)
{
	size_t i = first_start_gt(l, addr);

	if (!i || l->v[i - 1].last < addr)
		return -ENOENT;
	return (long)(i - 1);
}

IOAS_EXPORT bool ioas_range_list_covers(const struct ioas_range_list *l,
					const struct ioas_range *r)
{
	long i;

	if (r->start > r->last)
		return false;
	i = ioas_range_list_find(l, r->start);
	return i >= 0 && r->last <= l->v[i].last;
}

IOAS_EXPORT bool ioas_range_list_intersects(const struct ioas_range_list *l,
					    const struct ioas_range *r)
{
	size_t i;

	if (r->start > r->last)
		return false;
	i = first_last_ge(l, r->start);
	return i < l->nr && l->v[i].start <= r->last;
}

IOAS_EXPORT bool ioas_range_list_equal(const struct ioas_range_list *a,
				       const struct ioas_range_list *b)
{
	size_t i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++)
		if (a->v[i].start != b->v[i].start ||
		    a->v[i].last != b->v[i].last)
			return false;
	return true;
}

IOAS_EXPORT int ioas_range_list_check(const struct ioas_range_list *l)
{
	size_t i;

	if (l->nr > l->cap || (l->nr && !l->v))
		return -EINVAL;
	for (i = 0; i < l->nr; i++) {
		if (l->v[i].start > l->v[i].last)
			return -EINVAL;
		/* Sorted, disjoint and a gap of at least one byte. */
		if (i && (l->v[i - 1].last >= l->v[i].start ||
			  l->v[i - 1].last + 1 == l->v[i].start))
			return -EINVAL;
	}
	return 0;
}
