/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioas ranges.
 *
 * Every IOVA range in libioas is a closed interval [start, last]. Using
 * 'last' rather than an exclusive 'end' lets a range cover the top of the
 * 64-bit space: [0, UINT64_MAX] is valid, and its length (2^64) is not
 * representable, so lengths are never stored, only computed by callers who
 * know they fit. Functions that accept (start, len) check start + len - 1
 * for overflow and fail with -EOVERFLOW.
 *
 * A range list (struct ioas_range_list) is a plain value: a heap array of
 * ranges kept sorted by start, pairwise disjoint and never touching (two
 * ranges [a, b] and [b + 1, c] are always merged into [a, c]). This is the
 * canonical form; every function here produces it and every function that
 * reads a list may assume it (ioas_range_list_check() verifies it). Range
 * lists have no locks: the caller serialises access.
 */
#ifndef IOAS_RANGE_H
#define IOAS_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ioas_range - a closed IOVA interval
 * @start: first byte address in the range
 * @last: last byte address in the range, inclusive; @start <= @last
 */
struct ioas_range {
	uint64_t start;
	uint64_t last;
};

/**
 * struct ioas_range_list - sorted, disjoint, non-touching ranges
 * @v: the ranges, ascending; owned by the list
 * @nr: number of ranges in @v
 * @cap: allocated capacity of @v, in ranges
 *
 * Initialise with IOAS_RANGE_LIST_INIT or ioas_range_list_init(), release
 * with ioas_range_list_fini(). The fields may be read directly; change them
 * only through the functions below.
 */
struct ioas_range_list {
	struct ioas_range *v;
	size_t nr;
	size_t cap;
};

#define IOAS_RANGE_LIST_INIT { NULL, 0, 0 }

/**
 * ioas_range_from_len() - build a range from a start and a byte length
 * @start: first byte address
 * @len: number of bytes, must be non-zero
 * @out: filled on success, untouched on failure
 *
 * Return: 0 on success; -EINVAL if @len is zero; -EOVERFLOW if the range
 * would extend past UINT64_MAX.
 */
int ioas_range_from_len(uint64_t start, uint64_t len, struct ioas_range *out);

/**
 * ioas_range_overlaps() - whether two ranges share at least one byte
 * @a: first range
 * @b: second range
 *
 * Return: true if @a and @b intersect.
 */
static inline bool ioas_range_overlaps(const struct ioas_range *a,
				       const struct ioas_range *b)
{
	return a->start <= b->last && b->start <= a->last;
}

/**
 * ioas_range_contains() - whether @outer covers all of @inner
 * @outer: enclosing range
 * @inner: enclosed range
 *
 * Return: true if every byte of @inner is in @outer.
 */
static inline bool ioas_range_contains(const struct ioas_range *outer,
				       const struct ioas_range *inner)
{
	return outer->start <= inner->start && inner->last <= outer->last;
}

/**
 * ioas_range_list_init() - make an empty list
 * @l: list to initialise; any previous content is not freed
 */
void ioas_range_list_init(struct ioas_range_list *l);

/**
 * ioas_range_list_fini() - release a list's memory and leave it empty
 * @l: list, may be NULL
 *
 * Cannot fail. The list may be reused afterwards.
 */
void ioas_range_list_fini(struct ioas_range_list *l);

/**
 * ioas_range_list_copy() - replace @dst with a copy of @src
 * @dst: destination; unchanged on failure
 * @src: source list
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_range_list_copy(struct ioas_range_list *dst,
			 const struct ioas_range_list *src);

/**
 * ioas_range_list_add() - add one range to a list (set union)
 * @l: list; unchanged on failure
 * @r: range to add; overlapping and touching ranges are merged with it
 *
 * Return: 0 on success; -EINVAL if @r has start > last; -ENOMEM.
 */
int ioas_range_list_add(struct ioas_range_list *l, const struct ioas_range *r);

/**
 * ioas_range_list_remove() - remove one range from a list (set difference)
 * @l: list; unchanged on failure
 * @r: range to remove; ranges it covers partly are trimmed or split
 *
 * Return: 0 on success; -EINVAL if @r has start > last; -ENOMEM (a split
 * needs one more slot).
 */
int ioas_range_list_remove(struct ioas_range_list *l,
			   const struct ioas_range *r);

/**
 * ioas_range_list_union() - @out = @a ∪ @b
 * @out: result; replaced on success, unchanged on failure; may alias @a/@b
 * @a: first operand
 * @b: second operand
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_range_list_union(struct ioas_range_list *out,
			  const struct ioas_range_list *a,
			  const struct ioas_range_list *b);

/**
 * ioas_range_list_intersect() - @out = @a ∩ @b
 * @out: result; replaced on success, unchanged on failure; may alias @a/@b
 * @a: first operand
 * @b: second operand
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_range_list_intersect(struct ioas_range_list *out,
			      const struct ioas_range_list *a,
			      const struct ioas_range_list *b);

/**
 * ioas_range_list_subtract() - @out = @a minus @b
 * @out: result; replaced on success, unchanged on failure; may alias @a/@b
 * @a: minuend
 * @b: subtrahend
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_range_list_subtract(struct ioas_range_list *out,
			     const struct ioas_range_list *a,
			     const struct ioas_range_list *b);

/**
 * ioas_range_list_invert() - @out = @within minus @a (the holes of @a)
 * @out: result; replaced on success, unchanged on failure; may alias @a
 * @a: list to invert
 * @within: the universe, e.g. [0, UINT64_MAX] or an aperture
 *
 * Return: 0 on success; -EINVAL if @within has start > last; -ENOMEM.
 */
int ioas_range_list_invert(struct ioas_range_list *out,
			   const struct ioas_range_list *a,
			   const struct ioas_range *within);

/**
 * ioas_range_list_find() - index of the range that contains an address
 * @l: list
 * @addr: address to look up
 *
 * O(log n).
 *
 * Return: index into @l->v (>= 0); -ENOENT if no range contains @addr.
 */
long ioas_range_list_find(const struct ioas_range_list *l, uint64_t addr);

/**
 * ioas_range_list_covers() - whether one element of @l contains all of @r
 * @l: list
 * @r: range; must have start <= last
 *
 * Because the list never has touching ranges, "covered by the union" and
 * "covered by one element" are the same thing.
 *
 * Return: true if every byte of @r is in @l.
 */
bool ioas_range_list_covers(const struct ioas_range_list *l,
			    const struct ioas_range *r);

/**
 * ioas_range_list_intersects() - whether any byte of @r is in @l
 * @l: list
 * @r: range; must have start <= last
 *
 * Return: true if @r overlaps some element of @l.
 */
bool ioas_range_list_intersects(const struct ioas_range_list *l,
				const struct ioas_range *r);

/**
 * ioas_range_list_equal() - whether two lists hold the same set
 * @a: first list
 * @b: second list
 *
 * Return: true if equal.
 */
bool ioas_range_list_equal(const struct ioas_range_list *a,
			   const struct ioas_range_list *b);

/**
 * ioas_range_list_check() - verify the canonical form
 * @l: list to check
 *
 * Return: 0 if sorted, disjoint, non-touching, every start <= last and
 * nr <= cap; -EINVAL otherwise.
 */
int ioas_range_list_check(const struct ioas_range_list *l);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_RANGE_H */
