// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the sysfs reserved_regions parser and printer, and for
 * Linux's group merge fed with whatever the parser accepts.
 *
 * For every input: a rejected input must be -EBADMSG with a sane
 * diagnostic (line >= 1, offset inside the input, static reason). An
 * accepted one must round-trip: print, re-parse, and get the same regions
 * (sw-msi comes back as msi: sysfs cannot tell them apart) and the same
 * bytes when printed again. Then the regions are inserted one by one and
 * after every insert the merged form is checked; at the end each type's
 * regions are compared with a trivially correct model (sort and coalesce
 * ranges that overlap or touch, saturating at 2^64), ioas_region_list_merge()
 * must agree with the one-by-one inserts, and ioas_region_list_ranges()
 * must cover exactly the non-relaxable regions. Any violation abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/range.h>
#include <ioas/region.h>

#include "fuzz_check.h"

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	CHECK(p);
	return p;
}

static void check_parsed(const struct ioas_region_list *l, int ret)
{
	size_t i;

	CHECK(ret >= 0 && (size_t)ret == l->nr);
	CHECK(l->nr <= l->cap);
	for (i = 0; i < l->nr; i++) {
		CHECK(l->v[i].range.start <= l->v[i].range.last);
		CHECK(l->v[i].type < IOAS_REGION_NR_TYPES);
		CHECK(l->v[i].prot == 0);
		CHECK(l->v[i].origin == IOAS_ORIGIN_UNKNOWN);
	}
}

/* Field by field: struct ioas_region has padding. */
static bool region_eq(const struct ioas_region *a, const struct ioas_region *b)
{
	return a->range.start == b->range.start &&
	       a->range.last == b->range.last && a->type == b->type &&
	       a->prot == b->prot && a->origin == b->origin;
}

static uint32_t sysfs_type(uint32_t t)
{
	return t == IOAS_REGION_SW_MSI ? IOAS_REGION_MSI : t;
}

/* Print @l into a fresh buffer, checking the size contract on the way. */
static char *print_checked(const struct ioas_region_list *l, size_t *len)
{
	size_t need = 0, expect = 0, i;
	char *buf;
	long ret;

	for (i = 0; i < l->nr; i++) {
		uint32_t t = l->v[i].type;

		expect += 39 + strlen(ioas_region_type_sysfs_name(t));
	}
	ret = ioas_region_sysfs_print(l, NULL, 0, &need);
	CHECK(need == expect);
	CHECK(ret == (l->nr ? -EMSGSIZE : 0));
	buf = xmalloc(need);
	if (need) {
		CHECK(ioas_region_sysfs_print(l, buf, need - 1, NULL) ==
		      -EMSGSIZE);
	}
	ret = ioas_region_sysfs_print(l, buf, need, &need);
	CHECK(ret >= 0 && (size_t)ret == expect && need == expect);
	*len = expect;
	return buf;
}

static void check_round_trip(const struct ioas_region_list *l)
{
	struct ioas_region_list l2 = IOAS_REGION_LIST_INIT;
	size_t len, len2, i;
	char *text, *text2;
	int ret;

	text = print_checked(l, &len);
	ret = ioas_region_sysfs_parse(text, len, &l2, NULL);
	CHECK(ret >= 0 && (size_t)ret == l->nr);
	for (i = 0; i < l->nr; i++) {
		CHECK(l2.v[i].range.start == l->v[i].range.start);
		CHECK(l2.v[i].range.last == l->v[i].range.last);
		CHECK(l2.v[i].type == sysfs_type(l->v[i].type));
	}
	text2 = print_checked(&l2, &len2);
	CHECK(len2 == len);
	CHECK(!len || memcmp(text, text2, len) == 0);
	free(text);
	free(text2);
	ioas_region_list_fini(&l2);
}

static void check_merged_form(const struct ioas_region_list *m)
{
	size_t i, j;

	CHECK(m->nr <= m->cap);
	for (i = 0; i < m->nr; i++) {
		const struct ioas_region *a = &m->v[i];

		CHECK(a->range.start <= a->range.last);
		if (i) {
			const struct ioas_region *p = &m->v[i - 1];

			CHECK(p->range.start < a->range.start ||
			      (p->range.start == a->range.start &&
			       p->type < a->type));
		}
		for (j = i + 1; j < m->nr; j++) {
			const struct ioas_region *b = &m->v[j];

			if (b->type != a->type)
				continue;
			CHECK(a->range.last != UINT64_MAX);
			CHECK(b->range.start > a->range.last + 1);
		}
	}
}

static int cmp_range(const void *pa, const void *pb)
{
	const struct ioas_range *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

/* The model: sort one type's ranges and coalesce overlap-or-touch. */
static void check_type_against_model(const struct ioas_region_list *in,
				     const struct ioas_region_list *m,
				     uint32_t type)
{
	struct ioas_range *r = xmalloc(in->nr * sizeof(*r));
	size_t n = 0, out = 0, i, j;

	for (i = 0; i < in->nr; i++)
		if (in->v[i].type == type)
			r[n++] = in->v[i].range;
	qsort(r, n, sizeof(*r), cmp_range);
	for (i = 0; i < n; i++) {
		struct ioas_range cur = r[i];

		while (i + 1 < n && (cur.last == UINT64_MAX ||
				     r[i + 1].start <= cur.last + 1)) {
			i++;
			if (r[i].last > cur.last)
				cur.last = r[i].last;
		}
		r[out++] = cur;
	}
	for (i = 0, j = 0; i < m->nr; i++) {
		if (m->v[i].type != type)
			continue;
		CHECK(j < out);
		CHECK(m->v[i].range.start == r[j].start);
		CHECK(m->v[i].range.last == r[j].last);
		j++;
	}
	CHECK(j == out);
	free(r);
}

/* A kept region never changes start, prot or origin: it is some input. */
static void check_kept_from_input(const struct ioas_region_list *in,
				  const struct ioas_region_list *m)
{
	size_t i, j;

	for (i = 0; i < m->nr; i++) {
		for (j = 0; j < in->nr; j++) {
			if (in->v[j].type == m->v[i].type &&
			    in->v[j].range.start == m->v[i].range.start &&
			    in->v[j].prot == m->v[i].prot &&
			    in->v[j].origin == m->v[i].origin)
				break;
		}
		CHECK(j < in->nr);
	}
}

static void check_ranges(const struct ioas_region_list *in,
			 const struct ioas_region_list *m)
{
	struct ioas_range_list a = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list b = IOAS_RANGE_LIST_INIT;
	size_t i, j;

	CHECK(ioas_region_list_ranges(in, &a) == 0);
	CHECK(ioas_region_list_ranges(m, &b) == 0);
	CHECK(ioas_range_list_check(&a) == 0);
	/* Merging changes no type's union, so the exclusions agree */
	CHECK(ioas_range_list_equal(&a, &b));
	for (i = 0; i < in->nr; i++) {
		bool relax = in->v[i].type == IOAS_REGION_DIRECT_RELAXABLE;

		CHECK(ioas_range_list_covers(&a, &in->v[i].range) || relax);
	}
	/* Each excluded range starts and ends on a non-relaxable region */
	for (i = 0; i < a.nr; i++) {
		bool s = false, l = false;

		for (j = 0; j < in->nr; j++) {
			if (in->v[j].type == IOAS_REGION_DIRECT_RELAXABLE)
				continue;
			s |= in->v[j].range.start == a.v[i].start;
			l |= in->v[j].range.last == a.v[i].last;
		}
		CHECK(s && l);
	}
	ioas_range_list_fini(&a);
	ioas_range_list_fini(&b);
}

static void check_merge(const struct ioas_region_list *parsed)
{
	struct ioas_region_list in = IOAS_REGION_LIST_INIT;
	struct ioas_region_list m = IOAS_REGION_LIST_INIT;
	struct ioas_region_list m2 = IOAS_REGION_LIST_INIT;
	uint32_t t;
	size_t i;

	/* Give every region its own prot and origin to trace it. */
	CHECK(ioas_region_list_copy(&in, parsed) == 0);
	for (i = 0; i < in.nr; i++) {
		in.v[i].prot = (uint32_t)(i & 0x3f);
		in.v[i].origin = (uint32_t)(i % IOAS_REGION_NR_ORIGINS);
	}
	for (i = 0; i < in.nr; i++) {
		CHECK(ioas_region_list_insert(&m, &in.v[i]) == 0);
		CHECK(m.nr <= i + 1);
		check_merged_form(&m);
	}
	for (t = 0; t < IOAS_REGION_NR_TYPES; t++)
		check_type_against_model(&in, &m, t);
	check_kept_from_input(&in, &m);

	/* One call does what the loop did */
	CHECK(ioas_region_list_merge(&m2, &in) == 0);
	CHECK(m2.nr == m.nr);
	for (i = 0; i < m.nr; i++)
		CHECK(region_eq(&m.v[i], &m2.v[i]));

	/* Merging the merged list again changes nothing */
	CHECK(ioas_region_list_merge(&m2, &m) == 0);
	CHECK(m2.nr == m.nr);
	for (i = 0; i < m.nr; i++) {
		CHECK(m2.v[i].range.start == m.v[i].range.start);
		CHECK(m2.v[i].range.last == m.v[i].range.last);
		CHECK(m2.v[i].type == m.v[i].type);
	}

	check_ranges(&in, &m);
	ioas_region_list_fini(&in);
	ioas_region_list_fini(&m);
	ioas_region_list_fini(&m2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct ioas_diag d = { 0, 0, NULL };
	int ret;

	ret = ioas_region_sysfs_parse((const char *)data, size, &l, &d);
	if (ret < 0) {
		CHECK(ret == -EBADMSG);
		CHECK(d.reason && d.reason[0]);
		CHECK(d.line >= 1);
		CHECK(d.offset <= size);
		CHECK(l.nr == 0 && l.v == NULL);
		return 0;
	}
	check_parsed(&l, ret);
	check_round_trip(&l);
	check_merge(&l);
	ioas_region_list_fini(&l);
	return 0;
}
