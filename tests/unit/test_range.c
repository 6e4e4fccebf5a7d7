// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for ioas ranges and range lists (include/ioas/range.h).
 *
 * Each public function gets its documented success and error cases, with
 * the edges at 0 and UINT64_MAX, output-aliases-input calls, and a
 * canonical-form check (ioas_range_list_check()) after every mutation. A
 * seeded random walk then compares every operation against a bitmap model
 * whose blocks tile the whole 64-bit space, single bytes at both ends.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/range.h>

#include "ioas_private.h"

#define MAX UINT64_MAX
#define R(s, l) ((struct ioas_range){ (s), (l) })

/* The list is canonical and holds exactly @n ranges @exp. */
static void t_list_is_(const struct ioas_range_list *l,
		       const struct ioas_range *exp, size_t n)
{
	size_t i;

	assert_int_equal(ioas_range_list_check(l), 0);
	assert_int_equal(l->nr, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(l->v[i].start, exp[i].start);
		assert_int_equal(l->v[i].last, exp[i].last);
	}
}

#define t_list_is(l, ...)                                              \
	do {                                                           \
		const struct ioas_range exp_[] = { __VA_ARGS__ };      \
		t_list_is_((l), exp_, ARRAY_SIZE(exp_));               \
	} while (0)

#define t_list_empty(l) t_list_is_((l), NULL, 0)

static int _t_add(struct ioas_range_list *l, uint64_t s, uint64_t e)
{
	struct ioas_range r = R(s, e);

	return ioas_range_list_add(l, &r);
}

static int _t_remove(struct ioas_range_list *l, uint64_t s, uint64_t e)
{
	struct ioas_range r = R(s, e);

	return ioas_range_list_remove(l, &r);
}

#define t_add(l, s, e)                                              \
	do {                                                        \
		assert_int_equal(_t_add((l), (s), (e)), 0);         \
		assert_int_equal(ioas_range_list_check(l), 0);      \
	} while (0)
#define t_add_err(E, l, s, e) assert_int_equal(_t_add((l), (s), (e)), -(E))
#define t_remove(l, s, e)                                           \
	do {                                                        \
		assert_int_equal(_t_remove((l), (s), (e)), 0);      \
		assert_int_equal(ioas_range_list_check(l), 0);      \
	} while (0)
#define t_remove_err(E, l, s, e) \
	assert_int_equal(_t_remove((l), (s), (e)), -(E))

/* Build a list from ranges given in any order. */
static void t_set_(struct ioas_range_list *l, const struct ioas_range *v,
		   size_t n)
{
	size_t i;

	ioas_range_list_fini(l);
	for (i = 0; i < n; i++)
		t_add(l, v[i].start, v[i].last);
}

#define t_set(l, ...)                                                  \
	do {                                                           \
		const struct ioas_range in_[] = { __VA_ARGS__ };       \
		t_set_((l), in_, ARRAY_SIZE(in_));                     \
	} while (0)

static bool covers(const struct ioas_range_list *l, uint64_t s, uint64_t e)
{
	struct ioas_range r = R(s, e);

	return ioas_range_list_covers(l, &r);
}

static bool intersects(const struct ioas_range_list *l, uint64_t s,
		       uint64_t e)
{
	struct ioas_range r = R(s, e);

	return ioas_range_list_intersects(l, &r);
}

/* ---- ioas_range_from_len and the inline predicates ---- */

static void test_range_from_len_builds_closed_range(void **state)
{
	struct ioas_range r;

	(void)state;
	/* A page at 0x1000 ends at 0x1fff */
	assert_int_equal(ioas_range_from_len(0x1000, 0x1000, &r), 0);
	assert_int_equal(r.start, 0x1000);
	assert_int_equal(r.last, 0x1fff);
	/* One byte is start == last */
	assert_int_equal(ioas_range_from_len(7, 1, &r), 0);
	assert_int_equal(r.start, 7);
	assert_int_equal(r.last, 7);
	/* The longest range from 0 stops one byte short of the top */
	assert_int_equal(ioas_range_from_len(0, MAX, &r), 0);
	assert_int_equal(r.start, 0);
	assert_int_equal(r.last, MAX - 1);
}

static void test_range_from_len_reaches_uint64_max(void **state)
{
	struct ioas_range r;

	(void)state;
	/* The last page of the space ends exactly at UINT64_MAX */
	assert_int_equal(ioas_range_from_len(MAX - 0xfff, 0x1000, &r), 0);
	assert_int_equal(r.start, MAX - 0xfff);
	assert_int_equal(r.last, MAX);
	/* The very last byte */
	assert_int_equal(ioas_range_from_len(MAX, 1, &r), 0);
	assert_int_equal(r.start, MAX);
	assert_int_equal(r.last, MAX);
	/* [1, UINT64_MAX] has length UINT64_MAX */
	assert_int_equal(ioas_range_from_len(1, MAX, &r), 0);
	assert_int_equal(r.start, 1);
	assert_int_equal(r.last, MAX);
}

static void test_range_from_len_rejects_zero_len(void **state)
{
	struct ioas_range r = R(11, 22);

	(void)state;
	/* Zero length is -EINVAL, and @out is untouched */
	assert_int_equal(ioas_range_from_len(0x1000, 0, &r), -EINVAL);
	assert_int_equal(r.start, 11);
	assert_int_equal(r.last, 22);
	/* Zero length wins even at the top, where it could not overflow */
	assert_int_equal(ioas_range_from_len(MAX, 0, &r), -EINVAL);
}

static void test_range_from_len_rejects_wrap(void **state)
{
	struct ioas_range r = R(11, 22);

	(void)state;
	/* Two bytes from UINT64_MAX wrap: -EOVERFLOW, @out untouched */
	assert_int_equal(ioas_range_from_len(MAX, 2, &r), -EOVERFLOW);
	assert_int_equal(r.start, 11);
	assert_int_equal(r.last, 22);
	/* A page that crosses the top */
	assert_int_equal(ioas_range_from_len(MAX - 0xffe, 0x1000, &r),
			 -EOVERFLOW);
	/* A length of UINT64_MAX from 2 */
	assert_int_equal(ioas_range_from_len(2, MAX, &r), -EOVERFLOW);
	assert_int_equal(r.start, 11);
	assert_int_equal(r.last, 22);
}

static void test_range_overlaps_is_closed_interval(void **state)
{
	struct ioas_range a = R(10, 19), b;

	(void)state;
	/* Sharing one byte at either end overlaps */
	b = R(19, 30);
	assert_true(ioas_range_overlaps(&a, &b));
	assert_true(ioas_range_overlaps(&b, &a));
	b = R(0, 10);
	assert_true(ioas_range_overlaps(&a, &b));
	/* Touching is not overlapping */
	b = R(20, 30);
	assert_false(ioas_range_overlaps(&a, &b));
	b = R(0, 9);
	assert_false(ioas_range_overlaps(&b, &a));
	/* The full space overlaps the top byte */
	a = R(0, MAX);
	b = R(MAX, MAX);
	assert_true(ioas_range_overlaps(&a, &b));
}

static void test_range_contains_needs_both_ends(void **state)
{
	struct ioas_range a = R(10, 19), b;

	(void)state;
	/* A range contains itself */
	assert_true(ioas_range_contains(&a, &a));
	/* Sticking out at either end is not contained */
	b = R(9, 19);
	assert_false(ioas_range_contains(&a, &b));
	b = R(10, 20);
	assert_false(ioas_range_contains(&a, &b));
	/* [0, UINT64_MAX] contains everything */
	b = R(MAX, MAX);
	a = R(0, MAX);
	assert_true(ioas_range_contains(&a, &b));
	assert_false(ioas_range_contains(&b, &a));
}

/* ---- init, fini, copy ---- */

static void test_range_list_init_and_fini_leave_empty(void **state)
{
	struct ioas_range_list s = IOAS_RANGE_LIST_INIT, l;

	(void)state;
	/* The static initialiser is an empty canonical list */
	t_list_empty(&s);
	/* init makes an empty list whatever was there */
	memset(&l, 0xa5, sizeof(l));
	ioas_range_list_init(&l);
	assert_null(l.v);
	assert_int_equal(l.nr, 0);
	assert_int_equal(l.cap, 0);
	/* fini frees and empties, and the list can be used again */
	t_add(&l, 1, 2);
	ioas_range_list_fini(&l);
	assert_null(l.v);
	assert_int_equal(l.nr, 0);
	assert_int_equal(l.cap, 0);
	t_add(&l, 3, 4);
	t_list_is(&l, R(3, 4));
	ioas_range_list_fini(&l);
	/* fini(NULL) is a no-op */
	ioas_range_list_fini(NULL);
}

static void test_range_list_copy_replaces_dst(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list d = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 0), R(10, 20), R(MAX, MAX));
	/* Copy into an empty list */
	assert_int_equal(ioas_range_list_copy(&d, &a), 0);
	t_list_is(&d, R(0, 0), R(10, 20), R(MAX, MAX));
	/* The copy is independent of the source */
	t_add(&a, 1, 9);
	t_list_is(&d, R(0, 0), R(10, 20), R(MAX, MAX));
	/* Copy over a list with more ranges shrinks it */
	t_set(&a, R(5, 6));
	assert_int_equal(ioas_range_list_copy(&d, &a), 0);
	t_list_is(&d, R(5, 6));
	/* Copy over a list with fewer ranges grows it */
	t_set(&a, R(1, 1), R(3, 3), R(5, 5), R(7, 7), R(9, 9), R(11, 11));
	assert_int_equal(ioas_range_list_copy(&d, &a), 0);
	t_list_is(&d, R(1, 1), R(3, 3), R(5, 5), R(7, 7), R(9, 9), R(11, 11));
	/* Copying an empty list empties the destination */
	ioas_range_list_fini(&a);
	assert_int_equal(ioas_range_list_copy(&d, &a), 0);
	t_list_empty(&d);
	ioas_range_list_fini(&d);
}

static void test_range_list_copy_to_itself_is_noop(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(1, 2), R(4, 5));
	/* dst == src succeeds and changes nothing */
	assert_int_equal(ioas_range_list_copy(&a, &a), 0);
	t_list_is(&a, R(1, 2), R(4, 5));
	ioas_range_list_fini(&a);
}

/* ---- add ---- */

static void test_range_list_add_keeps_sorted(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* Into an empty list */
	t_add(&l, 100, 199);
	t_list_is(&l, R(100, 199));
	/* After, before, and between existing ranges */
	t_add(&l, 300, 399);
	t_add(&l, 0, 49);
	t_add(&l, 250, 260);
	t_list_is(&l, R(0, 49), R(100, 199), R(250, 260), R(300, 399));
	ioas_range_list_fini(&l);
}

static void test_range_list_add_merges_overlap(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(10, 19), R(40, 49));
	/* Overlapping the start of a range extends it down */
	t_add(&l, 5, 12);
	t_list_is(&l, R(5, 19), R(40, 49));
	/* Overlapping the end extends it up */
	t_add(&l, 45, 60);
	t_list_is(&l, R(5, 19), R(40, 60));
	/* A range already covered changes nothing */
	t_add(&l, 41, 42);
	t_list_is(&l, R(5, 19), R(40, 60));
	/* A range covering an existing one replaces it */
	t_add(&l, 0, 30);
	t_list_is(&l, R(0, 30), R(40, 60));
	ioas_range_list_fini(&l);
}

static void test_range_list_add_merges_touching(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(10, 19));
	/* Touching on the right merges */
	t_add(&l, 20, 29);
	t_list_is(&l, R(10, 29));
	/* Touching on the left merges */
	t_add(&l, 5, 9);
	t_list_is(&l, R(5, 29));
	/* A one-byte gap is kept */
	t_add(&l, 31, 40);
	t_list_is(&l, R(5, 29), R(31, 40));
	/* Filling that byte joins both neighbours */
	t_add(&l, 30, 30);
	t_list_is(&l, R(5, 40));
	ioas_range_list_fini(&l);
}

static void test_range_list_add_bridges_many(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(0, 9), R(20, 29), R(40, 49), R(60, 69), R(80, 89));
	/* One range swallowing three and touching a fourth merges all four */
	t_add(&l, 5, 59);
	t_list_is(&l, R(0, 69), R(80, 89));
	ioas_range_list_fini(&l);
}

static void test_range_list_add_rejects_reversed(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(1, 2));
	/* start > last is -EINVAL and the list is unchanged */
	t_add_err(EINVAL, &l, 10, 9);
	t_add_err(EINVAL, &l, MAX, 0);
	t_list_is(&l, R(1, 2));
	ioas_range_list_fini(&l);
}

static void test_range_list_add_edges_of_space(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* [0, UINT64_MAX] is one range */
	t_add(&l, 0, MAX);
	t_list_is(&l, R(0, MAX));
	/* Adding inside it changes nothing */
	t_add(&l, MAX, MAX);
	t_add(&l, 0, 0);
	t_list_is(&l, R(0, MAX));
	/* The top byte and the bottom byte do not touch across the wrap */
	t_set(&l, R(MAX, MAX));
	t_add(&l, 0, 0);
	t_list_is(&l, R(0, 0), R(MAX, MAX));
	t_set(&l, R(0, 0));
	t_add(&l, MAX, MAX);
	t_list_is(&l, R(0, 0), R(MAX, MAX));
	/* The top byte touching [.., UINT64_MAX - 1] merges */
	t_add(&l, 1, MAX - 1);
	t_list_is(&l, R(0, MAX));
	/* Touching at the bottom merges too */
	t_set(&l, R(1, 5));
	t_add(&l, 0, 0);
	t_list_is(&l, R(0, 5));
	/* A gap of one byte below the top is kept */
	t_set(&l, R(0, MAX - 2));
	t_add(&l, MAX, MAX);
	t_list_is(&l, R(0, MAX - 2), R(MAX, MAX));
	ioas_range_list_fini(&l);
}

static void test_range_list_add_grows_past_capacity(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	uint64_t i;

	(void)state;
	/* 1000 disjoint ranges added in descending order all stay */
	for (i = 1000; i-- > 0;)
		t_add(&l, i * 4, i * 4 + 1);
	assert_int_equal(l.nr, 1000);
	assert_true(l.cap >= l.nr);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(l.v[i].start, i * 4);
		assert_int_equal(l.v[i].last, i * 4 + 1);
	}
	ioas_range_list_fini(&l);
}

/* ---- remove ---- */

static void test_range_list_remove_missing_is_noop(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* Removing from an empty list succeeds */
	t_remove(&l, 0, MAX);
	t_list_empty(&l);
	t_set(&l, R(0, 9), R(11, 19));
	/* Removing a gap, even one that touches both sides, changes nothing */
	t_remove(&l, 10, 10);
	t_list_is(&l, R(0, 9), R(11, 19));
	/* Removing above everything changes nothing */
	t_remove(&l, 20, MAX);
	t_list_is(&l, R(0, 9), R(11, 19));
	ioas_range_list_fini(&l);
}

static void test_range_list_remove_trims_ends(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(10, 19), R(30, 39));
	/* Overlapping the low end trims it */
	t_remove(&l, 0, 12);
	t_list_is(&l, R(13, 19), R(30, 39));
	/* Overlapping the high end trims it */
	t_remove(&l, 35, 100);
	t_list_is(&l, R(13, 19), R(30, 34));
	/* The exact range goes away */
	t_remove(&l, 13, 19);
	t_list_is(&l, R(30, 34));
	ioas_range_list_fini(&l);
}

static void test_range_list_remove_splits_middle(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(0, 9), R(20, 29), R(40, 49));
	/* A hole in the middle of a range splits it in two */
	t_remove(&l, 24, 25);
	t_list_is(&l, R(0, 9), R(20, 23), R(26, 29), R(40, 49));
	/* A one-byte hole at the first byte after start */
	t_remove(&l, 1, 1);
	t_list_is(&l, R(0, 0), R(2, 9), R(20, 23), R(26, 29), R(40, 49));
	ioas_range_list_fini(&l);
}

static void test_range_list_remove_spans_many(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(0, 9), R(20, 29), R(40, 49), R(60, 69));
	/* Trims the first and last it touches and drops those between */
	t_remove(&l, 5, 62);
	t_list_is(&l, R(0, 4), R(63, 69));
	/* Removing everything empties the list */
	t_remove(&l, 0, MAX);
	t_list_empty(&l);
	ioas_range_list_fini(&l);
}

static void test_range_list_remove_rejects_reversed(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&l, R(1, 20));
	/* start > last is -EINVAL and the list is unchanged */
	t_remove_err(EINVAL, &l, 10, 9);
	t_list_is(&l, R(1, 20));
	ioas_range_list_fini(&l);
}

static void test_range_list_remove_edges_of_space(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* Removing byte 0 from the full space leaves [1, UINT64_MAX] */
	t_set(&l, R(0, MAX));
	t_remove(&l, 0, 0);
	t_list_is(&l, R(1, MAX));
	/* Removing the top byte leaves [1, UINT64_MAX - 1] */
	t_remove(&l, MAX, MAX);
	t_list_is(&l, R(1, MAX - 1));
	/* Splitting the full space keeps both end bytes */
	t_set(&l, R(0, MAX));
	t_remove(&l, 1, MAX - 1);
	t_list_is(&l, R(0, 0), R(MAX, MAX));
	/* Removing the full space empties the list */
	t_remove(&l, 0, MAX);
	t_list_empty(&l);
	ioas_range_list_fini(&l);
}

/* ---- union, intersect, subtract, invert ---- */

static void test_range_list_union_merges_interleaved(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 9), R(30, 39), R(60, 69));
	t_set(&b, R(5, 14), R(40, 49), R(80, 89));
	t_set(&o, R(1000, 2000));
	/* Overlapping and touching pieces merge; the old @out goes */
	assert_int_equal(ioas_range_list_union(&o, &a, &b), 0);
	t_list_is(&o, R(0, 14), R(30, 49), R(60, 69), R(80, 89));
	/* Union with an empty list is a copy */
	ioas_range_list_fini(&b);
	assert_int_equal(ioas_range_list_union(&o, &a, &b), 0);
	t_list_is(&o, R(0, 9), R(30, 39), R(60, 69));
	assert_int_equal(ioas_range_list_union(&o, &b, &a), 0);
	t_list_is(&o, R(0, 9), R(30, 39), R(60, 69));
	/* Two empty lists give an empty list */
	assert_int_equal(ioas_range_list_union(&o, &b, &b), 0);
	t_list_empty(&o);
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&o);
}

static void test_range_list_union_one_range_spans_many(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(10, 19), R(30, 39), R(50, 59));
	t_set(&b, R(0, 45));
	/* A long range from @b swallows several of @a */
	assert_int_equal(ioas_range_list_union(&o, &a, &b), 0);
	t_list_is(&o, R(0, 45), R(50, 59));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
	ioas_range_list_fini(&o);
}

static void test_range_list_union_aliasing(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 9), R(20, 29));
	t_set(&b, R(10, 15), R(40, 49));
	/* @out == @a */
	assert_int_equal(ioas_range_list_union(&a, &a, &b), 0);
	t_list_is(&a, R(0, 15), R(20, 29), R(40, 49));
	/* @out == @b */
	t_set(&a, R(0, 9), R(20, 29));
	assert_int_equal(ioas_range_list_union(&b, &a, &b), 0);
	t_list_is(&b, R(0, 15), R(20, 29), R(40, 49));
	/* @out == @a == @b */
	assert_int_equal(ioas_range_list_union(&a, &a, &a), 0);
	t_list_is(&a, R(0, 9), R(20, 29));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
}

static void test_range_list_union_edges_of_space(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* Bottom and top bytes stay apart: no touching across the wrap */
	t_set(&a, R(MAX, MAX));
	t_set(&b, R(0, 0));
	assert_int_equal(ioas_range_list_union(&o, &a, &b), 0);
	t_list_is(&o, R(0, 0), R(MAX, MAX));
	/* Two halves that touch make the full space */
	t_set(&a, R(0, MAX / 2));
	t_set(&b, R(MAX / 2 + 1, MAX));
	assert_int_equal(ioas_range_list_union(&o, &a, &b), 0);
	t_list_is(&o, R(0, MAX));
	/* Anything after a range ending at UINT64_MAX is absorbed */
	t_set(&a, R(5, MAX));
	t_set(&b, R(7, 8), R(MAX, MAX));
	assert_int_equal(ioas_range_list_union(&o, &a, &b), 0);
	t_list_is(&o, R(5, MAX));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
	ioas_range_list_fini(&o);
}

static void test_range_list_intersect_keeps_common(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 9), R(20, 29), R(40, 49));
	t_set(&b, R(5, 24), R(29, 41), R(100, 200));
	t_set(&o, R(1000, 2000));
	/* Only the shared bytes remain, including single bytes */
	assert_int_equal(ioas_range_list_intersect(&o, &a, &b), 0);
	t_list_is(&o, R(5, 9), R(20, 24), R(29, 29), R(40, 41));
	/* Disjoint lists, even touching ones, share nothing */
	t_set(&b, R(10, 19), R(30, 39));
	assert_int_equal(ioas_range_list_intersect(&o, &a, &b), 0);
	t_list_empty(&o);
	/* Intersecting with an empty list is empty */
	ioas_range_list_fini(&b);
	assert_int_equal(ioas_range_list_intersect(&o, &a, &b), 0);
	t_list_empty(&o);
	assert_int_equal(ioas_range_list_intersect(&o, &b, &a), 0);
	t_list_empty(&o);
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&o);
}

static void test_range_list_intersect_clips_many(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 9), R(20, 29), R(40, 49), R(60, 69));
	t_set(&b, R(5, 45), R(65, 65));
	/* One range of @b clips every range of @a it crosses */
	assert_int_equal(ioas_range_list_intersect(&o, &a, &b), 0);
	t_list_is(&o, R(5, 9), R(20, 29), R(40, 45), R(65, 65));
	/* And the same with the operands swapped */
	assert_int_equal(ioas_range_list_intersect(&o, &b, &a), 0);
	t_list_is(&o, R(5, 9), R(20, 29), R(40, 45), R(65, 65));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
	ioas_range_list_fini(&o);
}

static void test_range_list_intersect_aliasing(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 9), R(20, 29));
	t_set(&b, R(5, 25));
	/* @out == @a */
	assert_int_equal(ioas_range_list_intersect(&a, &a, &b), 0);
	t_list_is(&a, R(5, 9), R(20, 25));
	/* @out == @b */
	t_set(&a, R(0, 9), R(20, 29));
	assert_int_equal(ioas_range_list_intersect(&b, &a, &b), 0);
	t_list_is(&b, R(5, 9), R(20, 25));
	/* @out == @a == @b is the identity */
	assert_int_equal(ioas_range_list_intersect(&a, &a, &a), 0);
	t_list_is(&a, R(0, 9), R(20, 29));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
}

static void test_range_list_intersect_edges_of_space(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* The full space is the identity */
	t_set(&a, R(0, MAX));
	t_set(&b, R(0, 0), R(10, 20), R(MAX, MAX));
	assert_int_equal(ioas_range_list_intersect(&o, &a, &b), 0);
	t_list_is(&o, R(0, 0), R(10, 20), R(MAX, MAX));
	/* Two ranges meeting at UINT64_MAX share the top byte */
	t_set(&a, R(MAX - 10, MAX));
	t_set(&b, R(MAX, MAX));
	assert_int_equal(ioas_range_list_intersect(&o, &a, &b), 0);
	t_list_is(&o, R(MAX, MAX));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
	ioas_range_list_fini(&o);
}

static void test_range_list_subtract_splits_middle(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 99));
	t_set(&b, R(10, 19), R(50, 50));
	t_set(&o, R(1000, 2000));
	/* Holes cut the range into pieces; the old @out goes */
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(0, 9), R(20, 49), R(51, 99));
	/* Subtracting the ends trims them */
	t_set(&b, R(0, 0), R(99, 200));
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(1, 98));
	/* Subtracting something disjoint changes nothing */
	t_set(&b, R(100, 200));
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(0, 99));
	/* Subtracting a cover leaves nothing */
	t_set(&b, R(0, 99));
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_empty(&o);
	/* Subtracting an empty list is a copy; from an empty list is empty */
	ioas_range_list_fini(&b);
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(0, 99));
	assert_int_equal(ioas_range_list_subtract(&o, &b, &a), 0);
	t_list_empty(&o);
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&o);
}

static void test_range_list_subtract_one_range_cuts_many(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 9), R(20, 29), R(40, 49));
	t_set(&b, R(5, 44));
	/* One range of @b cuts the end of one, all of one, the start of one */
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(0, 4), R(45, 49));
	/* Several ranges of @b inside one range of @a */
	t_set(&a, R(0, 99));
	t_set(&b, R(10, 10), R(20, 20), R(30, 30));
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(0, 9), R(11, 19), R(21, 29), R(31, 99));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
	ioas_range_list_fini(&o);
}

static void test_range_list_subtract_aliasing(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_set(&a, R(0, 29));
	t_set(&b, R(10, 19));
	/* @out == @a */
	assert_int_equal(ioas_range_list_subtract(&a, &a, &b), 0);
	t_list_is(&a, R(0, 9), R(20, 29));
	/* @out == @b */
	t_set(&a, R(0, 29));
	assert_int_equal(ioas_range_list_subtract(&b, &a, &b), 0);
	t_list_is(&b, R(0, 9), R(20, 29));
	/* @out == @a == @b is empty */
	assert_int_equal(ioas_range_list_subtract(&a, &a, &a), 0);
	t_list_empty(&a);
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
}

static void test_range_list_subtract_edges_of_space(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* Cutting both end bytes out of the full space */
	t_set(&a, R(0, MAX));
	t_set(&b, R(0, 0), R(MAX, MAX));
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(1, MAX - 1));
	/* Cutting everything but the end bytes */
	t_set(&b, R(1, MAX - 1));
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(0, 0), R(MAX, MAX));
	/* A subtrahend ending at UINT64_MAX ends the walk */
	t_set(&a, R(0, 9), R(20, 29), R(MAX - 5, MAX));
	t_set(&b, R(25, MAX));
	assert_int_equal(ioas_range_list_subtract(&o, &a, &b), 0);
	t_list_is(&o, R(0, 9), R(20, 24));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
	ioas_range_list_fini(&o);
}

static void test_range_list_invert_gives_holes(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;
	struct ioas_range w = R(0x1000, 0xffff);

	(void)state;
	t_set(&a, R(0, 0x1fff), R(0x4000, 0x4fff), R(0xf000, 0x1ffff));
	t_set(&o, R(1, 1));
	/* Holes inside @within; ranges sticking out of it are clipped */
	assert_int_equal(ioas_range_list_invert(&o, &a, &w), 0);
	t_list_is(&o, R(0x2000, 0x3fff), R(0x5000, 0xefff));
	/* A window entirely inside one range has no holes */
	w = R(0x4100, 0x4200);
	assert_int_equal(ioas_range_list_invert(&o, &a, &w), 0);
	t_list_empty(&o);
	/* A window inside one hole is all hole */
	w = R(0x3000, 0x3000);
	assert_int_equal(ioas_range_list_invert(&o, &a, &w), 0);
	t_list_is(&o, R(0x3000, 0x3000));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&o);
}

static void test_range_list_invert_edges_of_space(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;
	struct ioas_range all = R(0, MAX);

	(void)state;
	/* Inverting an empty list within [0, UINT64_MAX] is the full space */
	assert_int_equal(ioas_range_list_invert(&o, &a, &all), 0);
	t_list_is(&o, R(0, MAX));
	/* Inverting the full space is empty */
	assert_int_equal(ioas_range_list_invert(&o, &o, &all), 0);
	t_list_empty(&o);
	/* The end bytes invert to the middle, and back */
	t_set(&a, R(0, 0), R(MAX, MAX));
	assert_int_equal(ioas_range_list_invert(&o, &a, &all), 0);
	t_list_is(&o, R(1, MAX - 1));
	assert_int_equal(ioas_range_list_invert(&o, &o, &all), 0);
	t_list_is(&o, R(0, 0), R(MAX, MAX));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&o);
}

static void test_range_list_invert_aliasing(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range w = R(0, 99);

	(void)state;
	t_set(&a, R(10, 19), R(50, 59));
	/* @out == @a */
	assert_int_equal(ioas_range_list_invert(&a, &a, &w), 0);
	t_list_is(&a, R(0, 9), R(20, 49), R(60, 99));
	/* Inverting twice within the same window gives the original back */
	assert_int_equal(ioas_range_list_invert(&a, &a, &w), 0);
	t_list_is(&a, R(10, 19), R(50, 59));
	ioas_range_list_fini(&a);
}

static void test_range_list_invert_rejects_bad_within(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list o = IOAS_RANGE_LIST_INIT;
	struct ioas_range w = R(100, 99);

	(void)state;
	t_set(&a, R(10, 19));
	t_set(&o, R(1, 2));
	/* start > last is -EINVAL and @out is unchanged */
	assert_int_equal(ioas_range_list_invert(&o, &a, &w), -EINVAL);
	t_list_is(&o, R(1, 2));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&o);
}

/* ---- queries ---- */

static void test_range_list_find_returns_index(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* An empty list finds nothing */
	assert_int_equal(ioas_range_list_find(&l, 0), -ENOENT);
	assert_int_equal(ioas_range_list_find(&l, MAX), -ENOENT);
	t_set(&l, R(0, 0), R(10, 19), R(30, 39), R(MAX, MAX));
	/* First, last and inner bytes of each range */
	assert_int_equal(ioas_range_list_find(&l, 0), 0);
	assert_int_equal(ioas_range_list_find(&l, 10), 1);
	assert_int_equal(ioas_range_list_find(&l, 15), 1);
	assert_int_equal(ioas_range_list_find(&l, 19), 1);
	assert_int_equal(ioas_range_list_find(&l, 30), 2);
	assert_int_equal(ioas_range_list_find(&l, 39), 2);
	assert_int_equal(ioas_range_list_find(&l, MAX), 3);
	/* Bytes in the gaps, just outside each range */
	assert_int_equal(ioas_range_list_find(&l, 1), -ENOENT);
	assert_int_equal(ioas_range_list_find(&l, 9), -ENOENT);
	assert_int_equal(ioas_range_list_find(&l, 20), -ENOENT);
	assert_int_equal(ioas_range_list_find(&l, 40), -ENOENT);
	assert_int_equal(ioas_range_list_find(&l, MAX - 1), -ENOENT);
	ioas_range_list_fini(&l);
}

static void test_range_list_find_in_long_list(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	uint64_t i;

	(void)state;
	for (i = 0; i < 1025; i++)
		t_add(&l, i * 10, i * 10 + 4);
	/* Every range's ends are found at their index, every gap is not */
	for (i = 0; i < 1025; i++) {
		assert_int_equal(ioas_range_list_find(&l, i * 10), (long)i);
		assert_int_equal(ioas_range_list_find(&l, i * 10 + 4), (long)i);
		assert_int_equal(ioas_range_list_find(&l, i * 10 + 5), -ENOENT);
		assert_int_equal(ioas_range_list_find(&l, i * 10 + 9), -ENOENT);
	}
	assert_int_equal(ioas_range_list_find(&l, MAX), -ENOENT);
	ioas_range_list_fini(&l);
}

static void test_range_list_covers_needs_one_range(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* An empty list covers nothing */
	assert_false(covers(&l, 0, 0));
	t_set(&l, R(0, 9), R(11, 19), R(MAX - 9, MAX));
	/* Inside one range, up to both ends */
	assert_true(covers(&l, 0, 9));
	assert_true(covers(&l, 12, 13));
	assert_true(covers(&l, MAX - 9, MAX));
	assert_true(covers(&l, MAX, MAX));
	/* Spanning a one-byte gap is not covered */
	assert_false(covers(&l, 5, 15));
	/* Sticking out of either end is not covered */
	assert_false(covers(&l, 11, 20));
	assert_false(covers(&l, 10, 19));
	assert_false(covers(&l, MAX - 10, MAX));
	/* A reversed range is never covered */
	assert_false(covers(&l, 9, 0));
	/* The full space covers the full space */
	t_set(&l, R(0, MAX));
	assert_true(covers(&l, 0, MAX));
	ioas_range_list_fini(&l);
}

static void test_range_list_intersects_any_byte(void **state)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* An empty list intersects nothing */
	assert_false(intersects(&l, 0, MAX));
	t_set(&l, R(10, 19), R(30, 39), R(MAX, MAX));
	/* Sharing one byte at either end intersects */
	assert_true(intersects(&l, 0, 10));
	assert_true(intersects(&l, 19, 25));
	assert_true(intersects(&l, 20, 30));
	/* A gap, even touching both sides, does not */
	assert_false(intersects(&l, 20, 29));
	assert_false(intersects(&l, 0, 9));
	assert_false(intersects(&l, 40, MAX - 1));
	/* The top byte */
	assert_true(intersects(&l, MAX, MAX));
	assert_true(intersects(&l, 40, MAX));
	/* Spanning a whole range intersects */
	assert_true(intersects(&l, 5, 25));
	/* A reversed range intersects nothing */
	assert_false(intersects(&l, 15, 12));
	ioas_range_list_fini(&l);
}

static void test_range_list_equal_compares_sets(void **state)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* Two empty lists are equal */
	assert_true(ioas_range_list_equal(&a, &b));
	/* Same ranges built differently, with different capacities */
	t_set(&a, R(0, 9), R(20, 29));
	t_set(&b, R(20, 25), R(0, 9), R(26, 29), R(100, 100), R(200, 200),
	      R(300, 300));
	t_remove(&b, 100, 300);
	assert_true(b.cap > a.cap);
	assert_true(ioas_range_list_equal(&a, &b));
	/* Different counts */
	t_add(&b, 40, 40);
	assert_false(ioas_range_list_equal(&a, &b));
	assert_false(ioas_range_list_equal(&b, &a));
	/* Same count, a different start, then a different last */
	t_set(&b, R(1, 9), R(20, 29));
	assert_false(ioas_range_list_equal(&a, &b));
	t_set(&b, R(0, 9), R(20, 28));
	assert_false(ioas_range_list_equal(&a, &b));
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
}

static void test_range_list_check_rejects_non_canonical(void **state)
{
	struct ioas_range v[3];
	struct ioas_range_list l = { v, 0, 3 };

	(void)state;
	/* Empty with or without storage is fine */
	assert_int_equal(ioas_range_list_check(&l), 0);
	l = (struct ioas_range_list){ NULL, 0, 0 };
	assert_int_equal(ioas_range_list_check(&l), 0);
	/* Canonical, including both ends of the space */
	l = (struct ioas_range_list){ v, 3, 3 };
	v[0] = R(0, 0);
	v[1] = R(2, 5);
	v[2] = R(MAX, MAX);
	assert_int_equal(ioas_range_list_check(&l), 0);
	/* Touching ranges */
	v[1] = R(1, 5);
	assert_int_equal(ioas_range_list_check(&l), -EINVAL);
	/* Overlapping ranges */
	v[1] = R(0, 5);
	assert_int_equal(ioas_range_list_check(&l), -EINVAL);
	/* Out of order */
	v[1] = R(MAX - 1, MAX - 1);
	v[2] = R(2, 5);
	assert_int_equal(ioas_range_list_check(&l), -EINVAL);
	/* start > last */
	v[1] = R(5, 2);
	v[2] = R(MAX, MAX);
	assert_int_equal(ioas_range_list_check(&l), -EINVAL);
	/* nr > cap */
	v[1] = R(2, 5);
	l.cap = 2;
	assert_int_equal(ioas_range_list_check(&l), -EINVAL);
	/* Ranges without storage */
	l = (struct ioas_range_list){ NULL, 1, 1 };
	assert_int_equal(ioas_range_list_check(&l), -EINVAL);
	/* [0, UINT64_MAX] is canonical; anything after it overlaps */
	l = (struct ioas_range_list){ v, 1, 3 };
	v[0] = R(0, MAX);
	assert_int_equal(ioas_range_list_check(&l), 0);
	l.nr = 2;
	v[1] = R(MAX, MAX);
	assert_int_equal(ioas_range_list_check(&l), -EINVAL);
}

/* ---- randomized differential test ---- */

/*
 * The model: NB blocks tiling [0, UINT64_MAX]. Blocks 0..63 are the bytes
 * 0..63, block 64 is [64, UINT64_MAX - 64], blocks 65..128 are the top 64
 * bytes. Lists built from block-aligned ranges stay block-aligned under
 * every operation, so a bitmap of blocks is an exact model, and the edges at
 * 0 and UINT64_MAX get exercised at byte granularity.
 */
#define NB 129
#define NL 4

static uint64_t blk_lo(unsigned int k)
{
	if (k <= 64)
		return k;
	return MAX - (NB - 1 - k);
}

static uint64_t blk_hi(unsigned int k)
{
	if (k < 64)
		return k;
	if (k == 64)
		return MAX - 64;
	return blk_lo(k);
}

static unsigned int blk_of(uint64_t addr)
{
	unsigned int k;

	for (k = 0; k < NB; k++)
		if (addr <= blk_hi(k))
			return k;
	fail();
	return 0;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* A random block range, mostly short. */
static void rnd_blocks(unsigned int *a, unsigned int *b)
{
	unsigned int len = rnd_below(4) ? rnd_below(8) : rnd_below(NB);

	*a = rnd_below(NB);
	*b = *a + len < NB ? *a + len : NB - 1;
}

static uint64_t rnd_addr(void)
{
	unsigned int k = rnd_below(NB);

	switch (rnd_below(3)) {
	case 0:
		return blk_lo(k);
	case 1:
		return blk_hi(k);
	default:
		return blk_lo(k) + rnd() % (blk_hi(k) - blk_lo(k) + 1);
	}
}

/* The list is canonical and holds exactly the blocks set in @m. */
static void model_match(const struct ioas_range_list *l, const bool *m)
{
	bool got[NB] = { false };
	size_t i;
	unsigned int k, runs = 0;

	assert_int_equal(ioas_range_list_check(l), 0);
	for (i = 0; i < l->nr; i++) {
		unsigned int a = blk_of(l->v[i].start);
		unsigned int b = blk_of(l->v[i].last);

		assert_int_equal(l->v[i].start, blk_lo(a));
		assert_int_equal(l->v[i].last, blk_hi(b));
		for (k = a; k <= b; k++)
			got[k] = true;
	}
	for (k = 0; k < NB; k++) {
		assert_int_equal(got[k], m[k]);
		runs += m[k] && (k == 0 || !m[k - 1]);
	}
	/* check() forbids touching, so this is the canonical run count */
	assert_int_equal(l->nr, runs);
}

static void test_range_list_random_ops_match_bitmap_model(void **state)
{
	struct ioas_range_list l[NL];
	bool m[NL][NB] = { { false } }, tmp[NB];
	unsigned int step, i, k;

	(void)state;
	for (i = 0; i < NL; i++)
		ioas_range_list_init(&l[i]);
	for (step = 0; step < 20000; step++) {
		unsigned int x = rnd_below(NL), y = rnd_below(NL);
		unsigned int z = rnd_below(NL), a, b;
		struct ioas_range r;
		uint64_t addr;
		long idx;
		bool want;

		rnd_blocks(&a, &b);
		r = R(blk_lo(a), blk_hi(b));
		switch (rnd_below(11)) {
		case 0:
		case 1:
			assert_int_equal(ioas_range_list_add(&l[x], &r), 0);
			for (k = a; k <= b; k++)
				m[x][k] = true;
			break;
		case 2:
			assert_int_equal(ioas_range_list_remove(&l[x], &r), 0);
			for (k = a; k <= b; k++)
				m[x][k] = false;
			break;
		case 3:
			assert_int_equal(ioas_range_list_union(&l[x], &l[y],
							       &l[z]), 0);
			for (k = 0; k < NB; k++)
				tmp[k] = m[y][k] || m[z][k];
			memcpy(m[x], tmp, sizeof(tmp));
			break;
		case 4:
			assert_int_equal(ioas_range_list_intersect(&l[x], &l[y],
								   &l[z]), 0);
			for (k = 0; k < NB; k++)
				tmp[k] = m[y][k] && m[z][k];
			memcpy(m[x], tmp, sizeof(tmp));
			break;
		case 5:
			assert_int_equal(ioas_range_list_subtract(&l[x], &l[y],
								  &l[z]), 0);
			for (k = 0; k < NB; k++)
				tmp[k] = m[y][k] && !m[z][k];
			memcpy(m[x], tmp, sizeof(tmp));
			break;
		case 6:
			assert_int_equal(ioas_range_list_invert(&l[x], &l[y],
								&r), 0);
			for (k = 0; k < NB; k++)
				tmp[k] = k >= a && k <= b && !m[y][k];
			memcpy(m[x], tmp, sizeof(tmp));
			break;
		case 7:
			assert_int_equal(ioas_range_list_copy(&l[x], &l[y]), 0);
			memcpy(m[x], m[y], sizeof(m[y]));
			break;
		case 8:
			addr = rnd_addr();
			idx = ioas_range_list_find(&l[x], addr);
			if (!m[x][blk_of(addr)]) {
				assert_int_equal(idx, -ENOENT);
				break;
			}
			assert_in_range(idx, 0, (long)l[x].nr - 1);
			assert_true(l[x].v[idx].start <= addr &&
				    addr <= l[x].v[idx].last);
			break;
		case 9:
			want = true;
			for (k = a; k <= b; k++)
				want = want && m[x][k];
			assert_int_equal(ioas_range_list_covers(&l[x], &r),
					 want);
			want = false;
			for (k = a; k <= b; k++)
				want = want || m[x][k];
			assert_int_equal(ioas_range_list_intersects(&l[x], &r),
					 want);
			break;
		default:
			assert_int_equal(ioas_range_list_equal(&l[x], &l[y]),
					 !memcmp(m[x], m[y], sizeof(m[x])));
			break;
		}
		for (i = 0; i < NL; i++)
			model_match(&l[i], m[i]);
	}
	for (i = 0; i < NL; i++)
		ioas_range_list_fini(&l[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_from_len_builds_closed_range),
		cmocka_unit_test(test_range_from_len_reaches_uint64_max),
		cmocka_unit_test(test_range_from_len_rejects_zero_len),
		cmocka_unit_test(test_range_from_len_rejects_wrap),
		cmocka_unit_test(test_range_overlaps_is_closed_interval),
		cmocka_unit_test(test_range_contains_needs_both_ends),
		cmocka_unit_test(test_range_list_init_and_fini_leave_empty),
		cmocka_unit_test(test_range_list_copy_replaces_dst),
		cmocka_unit_test(test_range_list_copy_to_itself_is_noop),
		cmocka_unit_test(test_range_list_add_keeps_sorted),
		cmocka_unit_test(test_range_list_add_merges_overlap),
		cmocka_unit_test(test_range_list_add_merges_touching),
		cmocka_unit_test(test_range_list_add_bridges_many),
		cmocka_unit_test(test_range_list_add_rejects_reversed),
		cmocka_unit_test(test_range_list_add_edges_of_space),
		cmocka_unit_test(test_range_list_add_grows_past_capacity),
		cmocka_unit_test(test_range_list_remove_missing_is_noop),
		cmocka_unit_test(test_range_list_remove_trims_ends),
		cmocka_unit_test(test_range_list_remove_splits_middle),
		cmocka_unit_test(test_range_list_remove_spans_many),
		cmocka_unit_test(test_range_list_remove_rejects_reversed),
		cmocka_unit_test(test_range_list_remove_edges_of_space),
		cmocka_unit_test(test_range_list_union_merges_interleaved),
		cmocka_unit_test(test_range_list_union_one_range_spans_many),
		cmocka_unit_test(test_range_list_union_aliasing),
		cmocka_unit_test(test_range_list_union_edges_of_space),
		cmocka_unit_test(test_range_list_intersect_keeps_common),
		cmocka_unit_test(test_range_list_intersect_clips_many),
		cmocka_unit_test(test_range_list_intersect_aliasing),
		cmocka_unit_test(test_range_list_intersect_edges_of_space),
		cmocka_unit_test(test_range_list_subtract_splits_middle),
		cmocka_unit_test(test_range_list_subtract_one_range_cuts_many),
		cmocka_unit_test(test_range_list_subtract_aliasing),
		cmocka_unit_test(test_range_list_subtract_edges_of_space),
		cmocka_unit_test(test_range_list_invert_gives_holes),
		cmocka_unit_test(test_range_list_invert_edges_of_space),
		cmocka_unit_test(test_range_list_invert_aliasing),
		cmocka_unit_test(test_range_list_invert_rejects_bad_within),
		cmocka_unit_test(test_range_list_find_returns_index),
		cmocka_unit_test(test_range_list_find_in_long_list),
		cmocka_unit_test(test_range_list_covers_needs_one_range),
		cmocka_unit_test(test_range_list_intersects_any_byte),
		cmocka_unit_test(test_range_list_equal_compares_sets),
		cmocka_unit_test(test_range_list_check_rejects_non_canonical),
		cmocka_unit_test(test_range_list_random_ops_match_bitmap_model),
	};

	return cmocka_run_group_tests_name("range", tests, NULL, NULL);
}
