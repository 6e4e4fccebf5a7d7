/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test helpers: _t_x() returns the rc, t_x() asserts success, t_x_err(E,
 * ...) asserts -E (liburing / iommufd selftest style). Every mutating
 * helper runs the space's invariant checker afterwards.
 */
#ifndef IOAS_T_HELPERS_H
#define IOAS_T_HELPERS_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/ioas.h>

#define PG 0x1000ull
#define U64MAX UINT64_MAX

static inline struct ioas_space *t_space(uint32_t profile, uint32_t flags)
{
	struct ioas_space_config c = { .size = sizeof(c), .profile = profile,
				       .flags = flags };
	struct ioas_space *s = NULL;

	assert_int_equal(ioas_space_new(&c, &s), 0);
	assert_non_null(s);
	return s;
}

static inline struct ioas_group_config t_group(uint32_t id, uint64_t ap_start,
					       uint64_t ap_last,
					       const struct ioas_region *r,
					       uint32_t nr)
{
	struct ioas_group_config g = {
		.size = sizeof(g), .id = id, .nr_regions = nr,
		.aperture = { ap_start, ap_last }, .pgsizes = 0x40201000ull,
		.regions = r,
	};
	return g;
}

#define R(t, s, l) { { (s), (l) }, IOAS_REGION_##t, 0, IOAS_ORIGIN_USER }

static inline int _t_attach(struct ioas_space *s,
			    const struct ioas_group_config *g)
{
	struct ioas_why why;
	int ret = ioas_space_attach(s, g, &why);

	assert_int_equal(ioas_space_check(s), 0);
	if (ret)
		assert_non_null(why.what);
	return ret;
}
#define t_attach(s, g) assert_int_equal(_t_attach((s), (g)), 0)
#define t_attach_err(E, s, g) assert_int_equal(_t_attach((s), (g)), -(E))

static inline int _t_detach(struct ioas_space *s, uint32_t id)
{
	int ret = ioas_space_detach(s, id, NULL);

	assert_int_equal(ioas_space_check(s), 0);
	return ret;
}
#define t_detach(s, id) assert_int_equal(_t_detach((s), (id)), 0)
#define t_detach_err(E, s, id) assert_int_equal(_t_detach((s), (id)), -(E))

static inline int _t_map(struct ioas_space *s, uint64_t *iova, uint64_t len,
			 uint32_t flags, uint64_t va)
{
	struct ioas_map_req r = { .size = sizeof(r), .flags = flags,
				  .va = va, .iova = *iova, .length = len };
	struct ioas_why why;
	int ret = ioas_space_map(s, &r, &why);

	assert_int_equal(ioas_space_check(s), 0);
	if (ret)
		assert_non_null(why.what);
	else
		*iova = r.iova;
	return ret;
}

#define RW (IOAS_MAP_READ | IOAS_MAP_WRITE)
#define FIX (RW | IOAS_MAP_FIXED)

/* fixed map */
#define t_map(s, iova, len)                                              \
	do {                                                             \
		uint64_t _i = (iova);                                    \
		assert_int_equal(_t_map((s), &_i, (len), FIX, 0), 0);    \
		assert_true(_i == (uint64_t)(iova));                     \
	} while (0)
#define t_map_err(E, s, iova, len)                                       \
	do {                                                             \
		uint64_t _i = (iova);                                    \
		assert_int_equal(_t_map((s), &_i, (len), FIX, 0), -(E)); \
	} while (0)

/* automatic map, returns the IOVA */
static inline uint64_t t_map_auto(struct ioas_space *s, uint64_t len,
				  uint64_t va)
{
	uint64_t iova = 0;

	assert_int_equal(_t_map(s, &iova, len, RW, va), 0);
	return iova;
}

static inline int _t_unmap(struct ioas_space *s, uint64_t iova, uint64_t len,
			   uint64_t *out)
{
	int ret = ioas_space_unmap(s, iova, len, out, NULL);

	assert_int_equal(ioas_space_check(s), 0);
	return ret;
}
#define t_unmap(s, iova, len, want)                                        \
	do {                                                               \
		uint64_t _u = 0xdead;                                      \
		assert_int_equal(_t_unmap((s), (iova), (len), &_u), 0);    \
		assert_true(_u == (uint64_t)(want));                       \
	} while (0)
#define t_unmap_err(E, s, iova, len)                                         \
	do {                                                                 \
		uint64_t _u;                                                 \
		assert_int_equal(_t_unmap((s), (iova), (len), &_u), -(E));   \
	} while (0)

/* Assert the usable list equals the n (start, last) pairs given. */
static inline void t_usable_is(struct ioas_space *s, size_t n, ...)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	va_list ap;
	size_t i;

	assert_int_equal(ioas_space_usable(s, &l, NULL), 0);
	assert_int_equal(l.nr, n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		uint64_t a = va_arg(ap, uint64_t), b = va_arg(ap, uint64_t);

		assert_true(l.v[i].start == a);
		assert_true(l.v[i].last == b);
	}
	va_end(ap);
	ioas_range_list_fini(&l);
}

static inline size_t t_nr_maps(struct ioas_space *s)
{
	size_t nr = 0;
	int ret = ioas_space_mappings(s, NULL, 0, &nr);

	assert_true(ret == 0 || ret == -EMSGSIZE);
	return nr;
}

#endif
