// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Space behaviour by profile: attach/detach rules, the type1 iova-list
 * quirks, iommufd reservation rules, native's corrections, argument
 * validation, extensible structs, info, and thread safety.
 */
#include <pthread.h>

#include <ioas/msi.h>

#include "ioas_private.h"
#include "t_helpers.h"

static const struct ioas_region x86_msi[] = { R(MSI, 0xfee00000, 0xfeefffff) };

/* ---- creation and validation ---- */

static void test_space_new_rejects_bad_config(void **state)
{
	struct ioas_space_config c = { .size = sizeof(c) };
	struct ioas_space *s = (struct ioas_space *)0x1;
	unsigned char big[sizeof(c) + 8];

	(void)state;
	/* bad profile */
	assert_int_equal(ioas_space_new(&c, &s), -EINVAL);
	assert_true(s == (struct ioas_space *)0x1);
	c.profile = 9;
	assert_int_equal(ioas_space_new(&c, &s), -EINVAL);
	/* unknown flag */
	c.profile = IOAS_PROFILE_TYPE1;
	c.flags = 2;
	assert_int_equal(ioas_space_new(&c, &s), -EOPNOTSUPP);
	c.flags = 0;
	/* page size not a power of two */
	c.page_size = 3000;
	assert_int_equal(ioas_space_new(&c, &s), -EINVAL);
	c.page_size = 0;
	/* hpage below page */
	c.page_size = 0x10000;
	c.hpage_size = 0x1000;
	assert_int_equal(ioas_space_new(&c, &s), -EINVAL);
	c.page_size = c.hpage_size = 0;
	/* iommufd has no entry limit */
	c.profile = IOAS_PROFILE_IOMMUFD;
	c.dma_limit = 5;
	assert_int_equal(ioas_space_new(&c, &s), -EINVAL);
	c.dma_limit = 0;
	/* native aperture start > last */
	c.profile = IOAS_PROFILE_NATIVE;
	c.aperture.start = 10;
	c.aperture.last = 5;
	assert_int_equal(ioas_space_new(&c, &s), -EINVAL);
	c.aperture.start = c.aperture.last = 0;
	/* too small a struct */
	c.size = 4;
	assert_int_equal(ioas_space_new(&c, &s), -EINVAL);
	/* a larger struct: zero tail accepted, non-zero tail -> E2BIG */
	memset(big, 0, sizeof(big));
	c.size = sizeof(big);
	memcpy(big, &c, sizeof(c));
	assert_int_equal(ioas_space_new((void *)big, &s), 0);
	ioas_space_free(s);
	big[sizeof(c) + 3] = 1;
	assert_int_equal(ioas_space_new((void *)big, &s), -E2BIG);
	/* NULL arguments */
	assert_int_equal(ioas_space_new(NULL, &s), -EINVAL);
	ioas_space_free(NULL);
}

static void test_profile_names(void **state)
{
	(void)state;
	assert_string_equal(ioas_profile_name(IOAS_PROFILE_TYPE1), "type1");
	assert_string_equal(ioas_profile_name(IOAS_PROFILE_IOMMUFD), "iommufd");
	assert_string_equal(ioas_profile_name(IOAS_PROFILE_NATIVE), "native");
	assert_string_equal(ioas_profile_name(0), "unknown");
}

static void test_attach_rejects_malformed_group(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region bad[] = { R(MSI, 0x2000, 0x1000) };
	struct ioas_region badtype[] = { R(MSI, 0x1000, 0x2000) };
	struct ioas_group_config g = t_group(1, 0, U64MAX, NULL, 0);

	(void)state;
	g.pgsizes = 0;
	t_attach_err(EINVAL, s, &g);
	g.pgsizes = PG;
	g.aperture.start = 5;
	g.aperture.last = 4;
	t_attach_err(EINVAL, s, &g);
	g = t_group(1, 0, U64MAX, bad, 1);
	t_attach_err(EINVAL, s, &g);
	badtype[0].type = 7;
	g = t_group(1, 0, U64MAX, badtype, 1);
	t_attach_err(EINVAL, s, &g);
	g = t_group(1, 0, U64MAX, NULL, 1);
	t_attach_err(EINVAL, s, &g);
	g = t_group(1, 0, U64MAX, NULL, 0);
	g.flags = 0x80;
	t_attach_err(EOPNOTSUPP, s, &g);
	assert_int_equal(ioas_space_attach(s, NULL, NULL), -EINVAL);
	ioas_space_free(s);
}

/* ---- type1 ---- */

static void test_t1_without_group_is_einval(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	struct ioas_why why;

	(void)state;
	t_map_err(EINVAL, s, 0x1000, 0x1000);
	t_unmap_err(EINVAL, s, 0x1000, 0x1000);
	assert_int_equal(ioas_space_unmap_all(s, NULL, &why), -EINVAL);
	assert_non_null(why.what);
	assert_int_equal(ioas_space_usable(s, &l, NULL), -EINVAL);
	t_detach_err(ENOENT, s, 1);
	assert_int_equal(ioas_space_allow(s, NULL, 0, NULL), -EOPNOTSUPP);
	ioas_space_free(s);
}

static void test_t1_refuses_direct_region(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region r[] = { R(DIRECT, 0x50000000, 0x500fffff),
					 R(MSI, 0xfee00000, 0xfeefffff) };
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, r, 2);
	struct ioas_why why;

	(void)state;
	assert_int_equal(ioas_space_attach(s, &g, &why), -EINVAL);
	assert_true(why.flags & IOAS_WHY_REGION);
	assert_int_equal(why.region.type, IOAS_REGION_DIRECT);
	assert_true(why.region.range.start == 0x50000000);
	ioas_space_free(s);
}

static void test_t1_relaxable_region_stays_usable(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region r[] = { R(DIRECT_RELAXABLE, 0x40000000, 0x40ffffff),
					 R(MSI, 0xfee00000, 0xfeefffff) };
	struct ioas_group_config g = t_group(4, 0, 0x7fffffffffull, r, 2);

	(void)state;
	t_attach(s, &g);
	t_usable_is(s, 2, 0ull, 0xfedfffffull, 0xfef00000ull, 0x7fffffffffull);
	t_map(s, 0x40000000, 0x1000);
	ioas_space_free(s);
}

static void test_t1_attach_twice_is_einval(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);

	(void)state;
	t_attach(s, &g);
	t_attach_err(EINVAL, s, &g);
	ioas_space_free(s);
}

static void test_t1_unsafe_interrupts(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_space *u = t_space(IOAS_PROFILE_TYPE1,
				       IOAS_SPACE_UNSAFE_INTERRUPTS);
	struct ioas_group_config g = t_group(1, 0, U64MAX, x86_msi, 1);

	(void)state;
	g.flags = IOAS_GROUP_NO_IRQ_REMAP;
	t_attach_err(EPERM, s, &g);
	t_attach(u, &g);
	t_usable_is(u, 2, 0ull, 0xfedfffffull, 0xfef00000ull, U64MAX);
	ioas_space_free(u);
	ioas_space_free(s);
}

static void test_t1_eperm_comes_after_einval(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region all[] = { R(RESERVED, 0, U64MAX) };
	struct ioas_group_config g = t_group(1, 0, U64MAX, all, 1);

	(void)state;
	/* nothing usable -> EINVAL even though interrupts are unsafe too */
	g.flags = IOAS_GROUP_NO_IRQ_REMAP;
	t_attach_err(EINVAL, s, &g);
	ioas_space_free(s);
}

static void test_t1_detach_keeps_edge_hole_while_domain_lives(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region a[] = { R(RESERVED, 0, 0xfff) };
	struct ioas_group_config ga = t_group(1, 0, 0x7fffffffffull, a, 1);
	struct ioas_group_config gb = t_group(2, 0, 0x7fffffffffull, NULL, 0);

	(void)state;
	t_attach(s, &ga);
	t_attach(s, &gb);   /* same geometry: shares A's domain */
	t_usable_is(s, 1, 0x1000ull, 0x7fffffffffull);
	t_detach(s, 1);
	/* the kernel quirk: the bottom page never grows back */
	t_usable_is(s, 1, 0x1000ull, 0x7fffffffffull);
	t_map_err(EINVAL, s, 0, 0x1000);
	ioas_space_free(s);
}

static void test_t1_detach_expands_when_domain_goes(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region a[] = { R(RESERVED, 0, 0xfff) };
	struct ioas_group_config ga = t_group(1, 0, 0x7fffffffffull, a, 1);
	struct ioas_group_config gb = t_group(2, 0, 0xffffffffffffull, NULL, 0);

	(void)state;
	t_attach(s, &ga);
	t_attach(s, &gb);   /* other aperture: its own domain */
	t_usable_is(s, 1, 0x1000ull, 0x7fffffffffull);
	t_detach(s, 1);
	/* A's domain goes: aper_expand to B's aperture, edge restored */
	t_usable_is(s, 1, 0ull, 0xffffffffffffull);
	ioas_space_free(s);
}

static void test_t1_last_detach_drops_mappings(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_space_info info = { .size = sizeof(info) };

	(void)state;
	t_attach(s, &g);
	t_map(s, 0x100000, 0x1000);
	t_detach(s, 1);
	assert_int_equal(t_nr_maps(s), 0);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_int_equal(info.nr_groups, 0);
	assert_int_equal(info.nr_domains, 0);
	/* and the container is unset again */
	t_map_err(EINVAL, s, 0x100000, 0x1000);
	/* a fresh attach starts over with a full entry budget */
	t_attach(s, &g);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_int_equal(info.dma_avail, 65535);
	ioas_space_free(s);
}

static void test_t1_detach_refresh_keeps_other_groups_regions(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region a[] = { R(RESERVED, 0x10000000, 0x1fffffff) };
	struct ioas_group_config ga = t_group(1, 0, 0x7fffffffffull, a, 1);
	struct ioas_group_config gb = t_group(2, 0, 0x7fffffffffull, x86_msi, 1);

	(void)state;
	t_attach(s, &ga);
	t_attach(s, &gb);
	t_usable_is(s, 3, 0ull, 0xfffffffull, 0x20000000ull, 0xfedfffffull,
		    0xfef00000ull, 0x7fffffffffull);
	t_detach(s, 1);
	t_usable_is(s, 2, 0ull, 0xfedfffffull, 0xfef00000ull, 0x7fffffffffull);
	t_detach_err(ENOENT, s, 1);
	ioas_space_free(s);
}

static void test_t1_aperture_end_on_first_byte_deletes_node(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region a[] = { R(RESERVED, 0x1000, 0x1fff) };
	struct ioas_group_config ga = t_group(1, 0, 0xffffffffull, a, 1);
	/* B's aperture ends exactly on the first byte of A's upper node */
	struct ioas_group_config gb = t_group(2, 0, 0x2000, NULL, 0);

	(void)state;
	t_attach(s, &ga);
	t_usable_is(s, 2, 0ull, 0xfffull, 0x2000ull, 0xffffffffull);
	t_attach(s, &gb);
	/* vfio_iommu_aper_resize's 'end > node.start' drops [0x2000, ..] */
	t_usable_is(s, 1, 0ull, 0xfffull);
	ioas_space_free(s);
}

static void test_t1_attach_disjoint_aperture_is_einval(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config ga = t_group(1, 0, 0xffffffffull, NULL, 0);
	struct ioas_group_config gb = t_group(2, 0x100000000ull,
					      0x1ffffffffull, NULL, 0);
	struct ioas_group_config gc = t_group(3, 0x10000000ull,
					      0x1ffffffffull, NULL, 0);

	(void)state;
	t_attach(s, &ga);
	t_attach_err(EINVAL, s, &gb);
	/* a mapping below the new aperture start -> EINVAL */
	t_map(s, 0x1000, 0x1000);
	t_attach_err(EINVAL, s, &gc);
	t_unmap(s, 0x1000, 0x1000, 0x1000);
	t_attach(s, &gc);
	t_usable_is(s, 1, 0x10000000ull, 0xffffffffull);
	ioas_space_free(s);
}

static void test_t1_pgsizes_and_replay(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config ga = t_group(1, 0, 0xffffffffull, NULL, 0);
	struct ioas_group_config gb = t_group(2, 0, 0xfffffffffull, NULL, 0);
	struct ioas_group_config gc = t_group(3, 0, 0xfffffffffull, NULL, 0);
	struct ioas_space_info info = { .size = sizeof(info) };

	(void)state;
	/* sub-page sizes are hidden behind PAGE_SIZE */
	ga.pgsizes = 0x800 | 0x1000 | 0x10000 | 0x200000;
	t_attach(s, &ga);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.pgsizes == (0x1000 | 0x10000 | 0x200000));
	t_map(s, 0x1000, 0x1000);
	/* a 64K-page domain cannot take a 4K mapping (replay fails) */
	gb.pgsizes = 0x10000 | 0x200000;
	t_attach_err(EINVAL, s, &gb);
	t_unmap(s, 0x1000, 0x1000, 0x1000);
	t_attach(s, &gb);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.pgsizes == (0x10000 | 0x200000));
	assert_int_equal(info.nr_domains, 2);
	t_map_err(EINVAL, s, 0x1000, 0x1000);
	t_map(s, 0x10000, 0x10000);
	/* a third group with B's geometry joins B's domain */
	gc.pgsizes = 0x10000 | 0x200000;
	t_attach(s, &gc);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_int_equal(info.nr_domains, 2);
	assert_int_equal(info.nr_groups, 3);
	ioas_space_free(s);
}

static void test_t1_disjoint_page_sizes_refused(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g1 = t_group(1, 0, 0xffffffffffull, NULL, 0);
	struct ioas_group_config g2 = t_group(2, 0, 0xffffffffffull, NULL, 0);

	(void)state;
	/* fuzz-found: a bitmap AND of 0 would leave no page size at all */
	g1.pgsizes = 0x1000;
	g2.pgsizes = 0x100;
	t_attach(s, &g1);
	t_map(s, 0x1000, 0x1000);
	t_attach_err(EINVAL, s, &g2);
	t_unmap(s, 0x1000, 0x1000, 0x1000);
	ioas_space_free(s);
}

static void test_t1_raised_page_keeps_old_mappings(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g1 = t_group(1, 0, 0xffffffffffull, NULL, 0);
	struct ioas_group_config g2 = t_group(2, 0, 0xffffffffffull, NULL, 0);
	struct ioas_space_info info = { .size = sizeof(info) };

	(void)state;
	/* fuzz-found: 0x11000 & 0x10800 = 0x10000 raises the smallest page
	 * to 64K while a 4K mapping exists; the kernel keeps the mapping
	 * (replay into the new 2K domain succeeds) and then refuses to
	 * unmap it with a 4K size */
	g1.pgsizes = 0x11000;
	g2.pgsizes = 0x10800;
	t_attach(s, &g1);
	t_map(s, 0x1000, 0x1000);
	t_attach(s, &g2);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.pgsizes == 0x10000);
	t_unmap_err(EINVAL, s, 0x1000, 0x1000);
	t_unmap(s, 0, 0x10000, 0x1000);
	ioas_space_free(s);
}

static void test_t1_map_wrap_and_va(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, U64MAX, NULL, 0);
	uint64_t i = 0x1000;

	(void)state;
	t_attach(s, &g);
	/* va must be page aligned and must not wrap */
	assert_int_equal(_t_map(s, &i, 0x1000, FIX, 0x123), -EINVAL);
	assert_int_equal(_t_map(s, &i, 0x2000, FIX, U64MAX - 0xfff), -EINVAL);
	/* type1 has no automatic IOVA */
	assert_int_equal(_t_map(s, &i, 0x1000, RW, 0), -EINVAL);
	/* a map reaching 2^64-1 is fine */
	t_map(s, U64MAX - 0xfff, 0x1000);
	ioas_space_free(s);
}

static void test_t1_top_of_space_quirks(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, U64MAX, NULL, 0);

	(void)state;
	t_attach(s, &g);
	t_map(s, U64MAX - 0x1fff, 0x1000);
	/* an unmap whose end is 2^64-1: iova + size wraps to 0 in the
	 * kernel's loop, so nothing is removed and the call succeeds */
	t_unmap(s, U64MAX - 0xffff, 0x10000, 0);
	assert_int_equal(t_nr_maps(s), 1);
	t_unmap(s, U64MAX - 0x1fff, 0x1000, 0x1000);
	ioas_space_free(s);
}

static void test_t1_attach_conflict_at_top_is_detected(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config ga = t_group(1, 0, U64MAX, NULL, 0);
	const struct ioas_region top[] = { R(RESERVED, 0xffff000000000000ull, U64MAX) };
	struct ioas_group_config gb = t_group(2, 0, U64MAX, top, 1);
	struct ioas_group_config gc = t_group(3, 0, 0xffffffffffffull, NULL, 0);

	(void)state;
	t_attach(s, &ga);
	t_map(s, 0xffff000000001000ull, 0x1000);
	/* the kernel's vfio_find_dma() wraps for a range ending at 2^64-1
	 * and would miss both conflicts; ioas reports them */
	t_attach_err(EINVAL, s, &gb);
	t_attach_err(EINVAL, s, &gc);
	/* and a map over a mapping that ends at 2^64-1 is EEXIST */
	t_map(s, U64MAX - 0xfff, 0x1000);
	t_map_err(EEXIST, s, U64MAX - 0x1fff, 0x2000);
	ioas_space_free(s);
}

static void test_t1_unmap_cut_through_top_mapping_takes_it_all(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, U64MAX, NULL, 0);
	uint64_t u = 1;

	(void)state;
	t_attach(s, &g);
	t_map(s, U64MAX - 0x1fff, 0x2000);
	/* a mapping ending at 2^64-1 is invisible to both bisection checks,
	 * so the cut is not refused; and vfio_find_dma_first_node() never
	 * starts the removal walk at it either, so nothing is removed
	 * (measured on Linux 6.12 by tests/kernel, virtio-type1; the name
	 * of this test predates the measurement) */
	t_unmap(s, U64MAX - 0x1fff, 0x1000, 0);
	t_unmap(s, U64MAX - 0xfff, 0x1000, 0);
	/* UNMAP_ALL starts the same walk: with only that mapping, it
	 * removes nothing */
	assert_int_equal(ioas_space_unmap_all(s, &u, NULL), 0);
	assert_true(u == 0);
	assert_int_equal(t_nr_maps(s), 1);
	/* the last detach drops it (vfio_iommu_unmap_unpin_all walks the
	 * whole tree) */
	t_detach(s, 1);
	assert_int_equal(t_nr_maps(s), 0);
	t_attach(s, &g);
	/* an ordinary cut is refused */
	t_map(s, 0x10000, 0x2000);
	t_unmap_err(EINVAL, s, 0x10000, 0x1000);
	ioas_space_free(s);
}

/* ---- iommufd ---- */

static void test_fd_msi_and_sw_msi_refused(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space *n = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_space *t = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region r[] = { R(SW_MSI, 0x8000000, 0x80fffff),
					 R(MSI, 0x8090000, 0x809ffff) };
	const struct ioas_region two[] = { R(SW_MSI, 0x8000000, 0x80fffff),
					   R(SW_MSI, 0x9000000, 0x90fffff) };
	struct ioas_group_config g = t_group(1, 0, 0xffffffffffffull, r, 2);
	struct ioas_group_config g2 = t_group(2, 0, 0xffffffffffffull, two, 2);
	struct ioas_why why;

	(void)state;
	assert_int_equal(ioas_space_attach(s, &g, &why), -EINVAL);
	assert_int_equal(why.region.type, IOAS_REGION_MSI);
	t_usable_is(s, 1, 0ull, U64MAX);   /* nothing left reserved */
	t_attach_err(EINVAL, s, &g2);
	/* type1 and native accept the mix (hardware MSI wins) */
	t_attach(t, &g);
	t_attach(n, &g);
	ioas_space_free(s);
	ioas_space_free(n);
	ioas_space_free(t);
}

static void test_fd_detach_restores_regions_and_domain(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	const struct ioas_region a[] = { R(RESERVED, 0, 0xfff) };
	struct ioas_group_config ga = t_group(1, 0, 0x7fffffffffull, a, 1);
	struct ioas_group_config gb = t_group(2, 0, 0x7fffffffffull, NULL, 0);

	(void)state;
	t_attach(s, &ga);
	t_attach(s, &gb);
	t_usable_is(s, 1, 0x1000ull, 0x7fffffffffull);
	t_detach(s, 1);
	/* iommufd drops exactly the leaving device's reservations */
	t_usable_is(s, 1, 0ull, 0x7fffffffffull);
	t_detach(s, 2);
	t_usable_is(s, 1, 0ull, U64MAX);
	ioas_space_free(s);
}

static void test_fd_direct_refused_native_accepts(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space *n = t_space(IOAS_PROFILE_NATIVE, 0);
	const struct ioas_region r[] = { R(DIRECT, 0x50000000, 0x500fffff) };
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, r, 1);

	(void)state;
	t_attach_err(EINVAL, s, &g);
	t_attach(n, &g);
	/* native keeps the identity map out of user IOVA */
	t_map_err(EADDRINUSE, n, 0x50000000, 0x1000);
	ioas_space_free(s);
	ioas_space_free(n);
}

static void test_fd_eperm_before_einval(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	const struct ioas_region r[] = { R(DIRECT, 0x50000000, 0x500fffff) };
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, r, 1);

	(void)state;
	g.flags = IOAS_GROUP_NO_IRQ_REMAP;
	/* iommufd_device_bind checks isolation before DMA ownership */
	t_attach_err(EPERM, s, &g);
	ioas_space_free(s);
}

static void test_fd_domain_page_too_big(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space *n = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_group_config g = t_group(1, 0, U64MAX, NULL, 0);

	(void)state;
	g.pgsizes = 0x10000;
	t_attach_err(EINVAL, s, &g);
	t_attach(n, &g);
	ioas_space_free(s);
	ioas_space_free(n);
}

static void test_fd_alignment_grows_with_domain(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_group_config g = t_group(1, 0, U64MAX, NULL, 0);
	uint64_t i = 0x800;

	(void)state;
	/* no domain: byte granular */
	assert_int_equal(_t_map(s, &i, 0x800, FIX, 0x800), 0);
	/* a 4K domain cannot take the 2K area -> EADDRINUSE */
	t_attach_err(EADDRINUSE, s, &g);
	t_unmap(s, 0x800, 0x800, 0x800);
	t_attach(s, &g);
	/* length and sub-page offset of the VA must now be 4K aligned */
	i = 0x10000;
	assert_int_equal(_t_map(s, &i, 0x1000, FIX, 0x7f0000000800ull), -EINVAL);
	/* automatic: a VA aligned below the IOAS alignment -> EINVAL */
	i = 0;
	assert_int_equal(_t_map(s, &i, 0x1000, RW, 0x7f0000000800ull), -EINVAL);
	ioas_space_free(s);
}

static void test_fd_map_overflow_checks(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	uint64_t i;

	(void)state;
	i = U64MAX;
	assert_int_equal(_t_map(s, &i, 0x1000, FIX, 0), -EOVERFLOW);
	i = 0x1000;
	assert_int_equal(_t_map(s, &i, U64MAX, FIX, 0), -EOVERFLOW);
	/* va + length wraps */
	assert_int_equal(_t_map(s, &i, 0x2000, FIX, U64MAX - 0xfff), -EOVERFLOW);
	/* too large for automatic allocation */
	i = 0;
	assert_int_equal(_t_map(s, &i, U64MAX / 2, RW, 0), -EOVERFLOW);
	t_unmap_err(EOVERFLOW, s, U64MAX, 1);
	t_unmap_err(EOVERFLOW, s, 0x1000, U64MAX);
	t_unmap_err(EINVAL, s, 0x1000, 0);
	t_unmap_err(EOVERFLOW, s, U64MAX - 1, 5);
	ioas_space_free(s);
}

static void test_fd_auto_never_uses_first_or_last_page(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_range top = { U64MAX - 0x3fff, U64MAX - 1 };

	(void)state;
	assert_true(t_map_auto(s, 0x1000, 0) == 0x1000);
	/* confine to the top: only the page below the last one fits */
	assert_int_equal(ioas_space_allow(s, &top, 1, NULL), 0);
	assert_true(t_map_auto(s, 0x1000, 0) == U64MAX - 0x3fff);
	assert_true(t_map_auto(s, 0x1000, 0) == U64MAX - 0x2fff);
	assert_true(t_map_auto(s, 0x1000, 0) == U64MAX - 0x1fff);
	/* the last page is never handed out */
	{
		uint64_t i = 0;

		assert_int_equal(_t_map(s, &i, 0x1000, RW, 0), -ENOSPC);
	}
	ioas_space_free(s);
}

static void test_fd_auto_keeps_page_offset(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);

	(void)state;
	/* no domain: a buffer at page offset 0x80 keeps it */
	assert_true((t_map_auto(s, 0x100, 0x7f0000000080ull) & 0xfff) == 0x80);
	ioas_space_free(s);
}

static void test_fd_unmap_is_not_atomic(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space *n = t_space(IOAS_PROFILE_NATIVE, 0);
	uint64_t out = 0;
	struct ioas_why why;

	(void)state;
	t_map(s, 0x100000, 0x1000);
	t_map(s, 0x200000, 0x2000);
	t_map(n, 0x100000, 0x1000);
	t_map(n, 0x200000, 0x2000);
	/* the second area is cut at the end: ENOENT, first already gone */
	assert_int_equal(ioas_space_unmap(s, 0x100000, 0x101000, &out, &why),
			 -ENOENT);
	assert_true(out == 0x1000);
	assert_true(why.value == 0x1000);
	assert_int_equal(t_nr_maps(s), 1);
	/* native refuses without removing anything */
	assert_int_equal(ioas_space_unmap(n, 0x100000, 0x101000, &out, NULL),
			 -ENOENT);
	assert_true(out == 0);
	assert_int_equal(t_nr_maps(n), 2);
	/* native superset unmap reports what it removed */
	t_unmap(n, 0, 0x10000000, 0x3000);
	t_unmap_err(ENOENT, n, 0, 0x10000000);
	ioas_space_free(s);
	ioas_space_free(n);
}

static void test_fd_copy_rules(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space *t = t_space(IOAS_PROFILE_TYPE1, 0);
	uint64_t dst;

	(void)state;
	t_map(s, 0x100000, 0x2000);
	t_map(s, 0x102000, 0x2000);
	/* across two adjacent areas */
	dst = 0x400000;
	assert_int_equal(ioas_space_copy(s, 0x101000, 0x2000, FIX, &dst, NULL),
			 0);
	assert_true(dst == 0x400000);
	/* fixed destination over an area -> EEXIST */
	dst = 0x100000;
	assert_int_equal(ioas_space_copy(s, 0x101000, 0x1000, FIX, &dst, NULL),
			 -EEXIST);
	/* errors */
	assert_int_equal(ioas_space_copy(s, 0x101000, 0, RW, &dst, NULL),
			 -EINVAL);
	assert_int_equal(ioas_space_copy(s, 0x101000, 0x1000, 0, &dst, NULL),
			 -EINVAL);
	assert_int_equal(ioas_space_copy(s, 0x101000, 0x1000, 0x40, &dst,
					 NULL), -EOPNOTSUPP);
	assert_int_equal(ioas_space_copy(s, U64MAX, 1, RW, &dst, NULL),
			 -EOVERFLOW);
	assert_int_equal(ioas_space_copy(s, 0x90000, 0x1000, RW, &dst, NULL),
			 -ENOENT);
	assert_int_equal(ioas_space_copy(t, 0x1000, 0x1000, RW, &dst, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(ioas_space_check(s), 0);
	ioas_space_free(s);
	ioas_space_free(t);
}

/*
 * Found by the kernel differential suite (tests/kernel/): IOMMU_IOAS_COPY
 * makes one destination area per source area it covers
 * (iopt_alloc_area_pages() walks the pages list), so the copy can then be
 * unmapped piece by piece at the source's boundaries; and a writable copy
 * of pages that were pinned read-only is -EPERM (iopt_insert_area()),
 * checked after the destination IOVA, whatever the source area's own
 * permission (a read-only copy of writable pages is still writable pages).
 */
static void test_fd_copy_per_source_area_and_eperm(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	uint64_t dst, iova;

	(void)state;
	t_map(s, 0x100000, 0x2000);
	t_map(s, 0x102000, 0x2000);
	dst = 0x400000;
	assert_int_equal(ioas_space_copy(s, 0x101000, 0x2000, FIX, &dst, NULL),
			 0);
	assert_int_equal(t_nr_maps(s), 4);
	/* the two pieces are areas of their own */
	t_unmap(s, 0x400000, 0x1000, 0x1000);
	t_unmap(s, 0x401000, 0x1000, 0x1000);

	/* read-only pages: a writable copy is EPERM, a read-only one works */
	iova = 0x200000;
	assert_int_equal(_t_map(s, &iova, 0x1000,
				IOAS_MAP_READ | IOAS_MAP_FIXED, 0), 0);
	dst = 0x500000;
	assert_int_equal(ioas_space_copy(s, 0x200000, 0x1000, FIX, &dst, NULL),
			 -EPERM);
	assert_int_equal(ioas_space_copy(s, 0x200000, 0x1000,
					 IOAS_MAP_READ | IOAS_MAP_FIXED, &dst,
					 NULL), 0);
	/* the destination is checked first: EEXIST wins over EPERM */
	dst = 0x100000;
	assert_int_equal(ioas_space_copy(s, 0x200000, 0x1000, FIX, &dst, NULL),
			 -EEXIST);
	/* a read-only copy of writable pages can be copied writable */
	dst = 0x600000;
	assert_int_equal(ioas_space_copy(s, 0x100000, 0x1000,
					 IOAS_MAP_READ | IOAS_MAP_FIXED, &dst,
					 NULL), 0);
	dst = 0x700000;
	assert_int_equal(ioas_space_copy(s, 0x600000, 0x1000, FIX, &dst, NULL),
			 0);
	assert_int_equal(ioas_space_check(s), 0);
	ioas_space_free(s);
}

/*
 * Found by the kernel differential suite: attaching an attached device is
 * a replace (vfio_iommufd_physical_attach_ioas() ->
 * iommufd_device_replace()), and replacing with the same HWPT succeeds
 * without a change. type1's VFIO_GROUP_SET_CONTAINER of a group already in
 * a container stays -EINVAL.
 */
static void test_fd_reattach_is_a_noop(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space *t = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_group_config g2 = t_group(1, 0, 0x7fffffffffull, NULL, 0);

	(void)state;
	t_attach(s, &g);
	t_map(s, 0x100000, 0x1000);
	/* even with another description: nothing is read again */
	t_attach(s, &g2);
	t_usable_is(s, 2, 0x0ull, 0xfedfffffull, 0xfef00000ull,
		    0x7fffffffffull);
	assert_int_equal(t_nr_maps(s), 1);
	t_detach(s, 1);
	t_detach_err(ENOENT, s, 1);
	t_attach(t, &g);
	t_attach_err(EINVAL, t, &g);
	ioas_space_free(s);
	ioas_space_free(t);
}

static void test_fd_allow_replaces_atomically(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_group_config g = t_group(1, 0, U64MAX, x86_msi, 1);
	struct ioas_range ok[] = { { 0x20000000, 0x2fffffff },
				   { 0x10000000, 0x1fffffff } };
	struct ioas_range bad[] = { { 0x30000000, 0x3fffffff },
				    { 0xfee00000, 0xfeefffff } };

	(void)state;
	g.pgsizes = PG;
	t_attach(s, &g);
	/* unsorted input is fine; touching ranges are fine */
	assert_int_equal(ioas_space_allow(s, ok, 2, NULL), 0);
	assert_true(t_map_auto(s, 0x1000, 0) == 0x10000000);
	/* a bad list leaves the old one in force */
	assert_int_equal(ioas_space_allow(s, bad, 2, NULL), -EADDRINUSE);
	assert_true(t_map_auto(s, 0x1000, 0) == 0x10001000);
	assert_int_equal(ioas_space_allow(s, NULL, 3, NULL), -EINVAL);
	ioas_space_free(s);
}

static void test_fd_auto_enospc(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_range a = { 0x10000, 0x1ffff };
	uint64_t i = 0;

	(void)state;
	assert_int_equal(ioas_space_allow(s, &a, 1, NULL), 0);
	assert_int_equal(_t_map(s, &i, 0x20000, RW, 0), -ENOSPC);
	assert_true(t_map_auto(s, 0x10000, 0) == 0x10000);
	assert_int_equal(_t_map(s, &i, 0x1000, RW, 0), -ENOSPC);
	ioas_space_free(s);
}

/* ---- native ---- */

static void test_native_detach_restores_edges(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	const struct ioas_region a[] = { R(RESERVED, 0, 0xfff) };
	struct ioas_group_config ga = t_group(1, 0, 0x7fffffffffull, a, 1);
	struct ioas_group_config gb = t_group(2, 0, 0x7fffffffffull, NULL, 0);

	(void)state;
	t_attach(s, &ga);
	t_attach(s, &gb);
	t_usable_is(s, 1, 0x1000ull, 0x7fffffffffull);
	t_detach(s, 1);
	t_usable_is(s, 1, 0ull, 0x7fffffffffull);
	/* mappings survive the last detach */
	t_map(s, 0x100000, 0x1000);
	t_detach(s, 2);
	assert_int_equal(t_nr_maps(s), 1);
	t_usable_is(s, 1, 0ull, U64MAX);
	ioas_space_free(s);
}

static void test_native_reserved_is_eaddrinuse(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_why why;
	uint64_t i = 0xfee00000;

	(void)state;
	t_attach(s, &g);
	assert_int_equal(ioas_space_map(s, &(struct ioas_map_req){
		.size = sizeof(struct ioas_map_req), .flags = FIX,
		.iova = i, .length = 0x1000 }, &why), -EADDRINUSE);
	assert_true(why.flags & IOAS_WHY_REGION);
	assert_int_equal(why.region.type, IOAS_REGION_MSI);
	assert_int_equal(why.group, 1);
	t_map_err(EADDRINUSE, s, 0x8000000000ull, 0x1000);
	ioas_space_free(s);
}

static void test_native_allowed_binds_fixed_maps(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_range a = { 0x10000000, 0x10000fff };
	struct ioas_range one = { 0x20000000, 0x20000000 };

	(void)state;
	assert_int_equal(ioas_space_allow(s, &a, 1, NULL), 0);
	t_map_err(EADDRINUSE, s, 0x100000, 0x1000);
	t_map(s, 0x10000000, 0x1000);
	/* single-byte allowed ranges are accepted by native */
	assert_int_equal(ioas_space_allow(s, &one, 1, NULL), 0);
	ioas_space_free(s);
}

static void test_native_own_aperture_and_pages(void **state)
{
	struct ioas_space_config c = { .size = sizeof(c),
				       .profile = IOAS_PROFILE_NATIVE,
				       .aperture = { 0x100000, 0xffffffff },
				       .pgsizes = 0x10000, .dma_limit = 2 };
	struct ioas_space *s = NULL;
	struct ioas_space_info info = { .size = sizeof(info) };

	(void)state;
	assert_int_equal(ioas_space_new(&c, &s), 0);
	t_usable_is(s, 1, 0x100000ull, 0xffffffffull);
	t_map_err(EINVAL, s, 0x101000, 0x1000);
	t_map_err(EADDRINUSE, s, 0, 0x10000);
	t_map(s, 0x100000, 0x10000);
	/* automatic allocation is first fit from the bottom */
	assert_true(t_map_auto(s, 0x10000, 0) == 0x110000);
	/* the mapping limit */
	t_map_err(ENOSPC, s, 0x200000, 0x10000);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_int_equal(info.dma_avail, 0);
	assert_true(info.iova_alignment == 0x10000);
	ioas_space_free(s);
}

static void test_native_auto_fits_exactly_at_hole_end(void **state)
{
	struct ioas_space_config c = { .size = sizeof(c),
				       .profile = IOAS_PROFILE_NATIVE,
				       .pgsizes = 1 };
	struct ioas_space *n = NULL;
	struct ioas_space *f = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_range one = { 0x10000, 0x10000 };
	struct ioas_range two = { 0x10000, 0x10001 };
	uint64_t i = 0;

	(void)state;
	assert_int_equal(ioas_space_new(&c, &n), 0);
	/* iommufd rejects a candidate equal to the hole's last byte */
	assert_int_equal(ioas_space_allow(f, &two, 1, NULL), 0);
	assert_int_equal(_t_map(f, &(uint64_t){ 0x10000 }, 1, FIX, 0), 0);
	assert_int_equal(_t_map(f, &i, 1, RW, 0), -ENOSPC);
	/* native does not */
	assert_int_equal(ioas_space_allow(n, &one, 1, NULL), 0);
	assert_true(t_map_auto(n, 1, 0) == 0x10000);
	ioas_space_free(f);
	ioas_space_free(n);
}

static void test_pci_windows_bind_native_only(void **state)
{
	const struct ioas_region r[] = {
		{ { 0xc0000000, 0xfebfffff }, IOAS_REGION_RESERVED, 0,
		  IOAS_ORIGIN_PCI_WINDOW },
		R(MSI, 0xfee00000, 0xfeefffff),
	};
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, r, 2);
	struct ioas_space *t = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_space *f = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space *n = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_region_list rl = IOAS_REGION_LIST_INIT;

	(void)state;
	t_attach(t, &g);
	t_attach(f, &g);
	t_attach(n, &g);
	/* Linux never shows host-bridge windows to VFIO or iommufd */
	t_usable_is(t, 2, 0ull, 0xfedfffffull, 0xfef00000ull, 0x7fffffffffull);
	t_usable_is(f, 2, 0ull, 0xfedfffffull, 0xfef00000ull, 0x7fffffffffull);
	t_map(t, 0xc0000000, 0x1000);
	assert_int_equal(ioas_space_regions(t, &rl), 0);
	assert_int_equal(rl.nr, 1);
	/* native keeps peer-to-peer windows out of user IOVA */
	t_usable_is(n, 3, 0ull, 0xbfffffffull, 0xfec00000ull, 0xfedfffffull,
		    0xfef00000ull, 0x7fffffffffull);
	t_map_err(EADDRINUSE, n, 0xc0000000, 0x1000);
	assert_int_equal(ioas_space_regions(n, &rl), 0);
	assert_int_equal(rl.nr, 2);
	assert_int_equal(rl.v[0].origin, IOAS_ORIGIN_PCI_WINDOW);
	ioas_region_list_fini(&rl);
	ioas_space_free(t);
	ioas_space_free(f);
	ioas_space_free(n);
}

/* ---- reporting ---- */

static void test_mappings_and_regions_report(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region a[] = { R(MSI, 0xfee00000, 0xfeefffff),
					 R(RESERVED, 0x1000, 0x1fff) };
	struct ioas_group_config g1 = t_group(1, 0, 0x7fffffffffull, a, 2);
	struct ioas_group_config g2 = t_group(2, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_region_list rl = IOAS_REGION_LIST_INIT;
	struct ioas_mapping m[2];
	size_t nr = 0;

	(void)state;
	t_attach(s, &g1);
	t_attach(s, &g2);
	t_map(s, 0x200000, 0x1000);
	t_map(s, 0x100000, 0x1000);
	assert_int_equal(ioas_space_mappings(s, m, 1, &nr), -EMSGSIZE);
	assert_int_equal(nr, 2);
	assert_true(m[0].range.start == 0x100000);
	assert_int_equal(ioas_space_mappings(s, m, 2, &nr), 0);
	assert_true(m[1].range.start == 0x200000);
	assert_int_equal(m[1].prot, RW);
	/* the same MSI range from two groups merges into one */
	assert_int_equal(ioas_space_regions(s, &rl), 0);
	assert_int_equal(rl.nr, 2);
	assert_true(rl.v[0].range.start == 0x1000);
	assert_true(rl.v[1].range.start == 0xfee00000);
	ioas_region_list_fini(&rl);
	ioas_space_free(s);
}

static void test_info_size_negotiation(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_space_info info;

	(void)state;
	memset(&info, 0xff, sizeof(info));
	info.size = 4;
	assert_int_equal(ioas_space_get_info(s, &info), -EINVAL);
	info.size = offsetof(struct ioas_space_info, nr_domains);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_int_equal(info.nr_groups, 0);
	/* bytes past the caller's size are untouched */
	assert_int_equal(info.nr_domains, 0xffffffffu);
	ioas_space_free(s);
}

static void test_why_is_reset_each_call(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_map_req r = { .size = sizeof(r), .flags = FIX,
				  .iova = 0x1000, .length = 0x1000 };
	struct ioas_why why;

	(void)state;
	assert_int_equal(ioas_space_map(s, &r, &why), 0);
	assert_int_equal(ioas_space_map(s, &r, &why), -EEXIST);
	assert_non_null(why.what);
	assert_true(why.flags & IOAS_WHY_OTHER);
	r.iova = 0x2000;
	assert_int_equal(ioas_space_map(s, &r, &why), 0);
	assert_null(why.what);
	assert_int_equal(why.flags, 0);
	ioas_space_free(s);
}

/* ---- threads ---- */

struct thr {
	struct ioas_space *s;
	int id;
	int errors;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	int i;

	for (i = 0; i < 2000; i++) {
		uint64_t iova = 0x100000000ull * (uint64_t)(t->id + 1) +
				(uint64_t)(i % 64) * 0x1000;
		struct ioas_map_req r = { .size = sizeof(r), .flags = FIX,
					  .iova = iova, .length = 0x1000 };
		uint64_t out;

		if (ioas_space_map(t->s, &r, NULL))
			t->errors++;
		if (ioas_space_unmap(t->s, iova, 0x1000, &out, NULL) ||
		    out != 0x1000)
			t->errors++;
		if (!(i % 97)) {
			r.flags = RW;
			if (!ioas_space_map(t->s, &r, NULL))
				ioas_space_unmap(t->s, r.iova, 0x1000, NULL,
						 NULL);
		}
	}
	return NULL;
}

static void test_space_is_thread_safe(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	pthread_t th[4];
	struct thr t[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		t[i] = (struct thr){ s, i, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, thr_main, &t[i]),
				 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].errors, 0);
	}
	assert_int_equal(ioas_space_check(s), 0);
	assert_int_equal(t_nr_maps(s), 0);
	ioas_space_free(s);
}

/*
 * native: automatic maps through the free-IOVA index must land exactly
 * where the linear hole walk puts them. Two spaces get the same random
 * operations (attach and detach of groups with regions, fixed and
 * automatic maps of random sizes and user addresses, unmaps, allowed
 * ranges, MSI windows, copies); one finds IOVAs through the index, the
 * other walks its holes; every answer must be equal, and the invariant
 * checker (which compares the index with the truth) runs after each step.
 */
static uint64_t xs(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static int fidx_op(struct ioas_space *s, int off, uint64_t r1, uint64_t r2,
		   uint64_t r3, uint64_t *out)
{
	static const struct ioas_region ga[] = {
		R(SW_MSI, 0x8000000, 0x80fffff),
		R(RESERVED, 0x40000000, 0x40003fff),
	};
	static const struct ioas_region gb[] = {
		R(MSI, 0xfee00000, 0xfeefffff),
		R(RESERVED, 0x3000, 0x5fff),
	};
	struct ioas_group_config a = t_group(1, 0, 0xffffffffffull, ga, 2);
	struct ioas_group_config b = t_group(2, 0x1000, 0x7fffffffull, gb, 2);
	struct ioas_map_req m = { .size = sizeof(m), .flags = RW };
	struct ioas_msi_doorbell db;
	int ret;

	ioas_space_fidx_off_(off);
	*out = 0;
	switch (r1 % 16) {
	case 0:
		ret = ioas_space_attach(s, r2 & 1 ? &a : &b, NULL);
		break;
	case 1:
		ret = ioas_space_detach(s, r2 & 1 ? 1 : 2, NULL);
		break;
	case 2: {
		struct ioas_range al[2] = {
			{ (r2 % 64) << 22, ((r2 % 64) << 22) + (r3 % 16 + 1) * 0x100000 - 1 },
			{ 0x7000000000ull, 0x70ffffffffull },
		};
		ret = ioas_space_allow(s, al, (r3 >> 8) % 3, NULL);
		break;
	}
	case 3:
		ret = ioas_space_unmap(s, (r2 % 512) << 20, ((r3 % 64) + 1) << 20,
				       out, NULL);
		break;
	case 4:
		ret = ioas_msi_map(s, r2 & 1 ? 1 : 2, 0x08090040 + (r3 % 3) * 0x1000,
				   &db, NULL);
		*out = ret ? 0 : db.iova;
		break;
	case 5:
		m.flags = FIX;
		m.iova = (r2 % 4096) << 12;
		m.length = ((r3 % 32) + 1) << 12;
		ret = ioas_space_map(s, &m, NULL);
		break;
	case 6:
		ret = ioas_space_copy(s, (r2 % 512) << 20, ((r3 % 8) + 1) << 12,
				      RW, out, NULL);
		break;
	default:
		/* automatic: sizes from a page to 16 MiB, user addresses
		 * page-aligned with random low bits (alignment) or 0 */
		m.length = r2 % 4 ? ((r2 >> 2) % 64 + 1) << 12 :
				    ((r2 >> 2) % 16 + 1) << 20;
		m.va = r3 % 3 ? (r3 >> 4) << 12 : 0;
		ret = ioas_space_map(s, &m, NULL);
		*out = m.iova;
		break;
	}
	ioas_space_fidx_off_(0);
	assert_int_equal(ioas_space_check(s), 0);
	return ret;
}

static void test_native_index_matches_hole_walk(void **state)
{
	uint64_t st = 0x9e3779b97f4a7c15ull;
	int round, i;

	(void)state;
	for (round = 0; round < 8; round++) {
		struct ioas_space *x = t_space(IOAS_PROFILE_NATIVE, 0);
		struct ioas_space *y = t_space(IOAS_PROFILE_NATIVE, 0);

		for (i = 0; i < 600; i++) {
			uint64_t r1 = xs(&st), r2 = xs(&st), r3 = xs(&st);
			uint64_t ox, oy;
			int rx = fidx_op(x, 0, r1, r2, r3, &ox);
			int ry = fidx_op(y, 1, r1, r2, r3, &oy);

			assert_int_equal(rx, ry);
			assert_true(ox == oy);
		}
		assert_int_equal(t_nr_maps(x), t_nr_maps(y));
		ioas_space_free(x);
		ioas_space_free(y);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_space_new_rejects_bad_config),
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_attach_rejects_malformed_group),
		cmocka_unit_test(test_t1_without_group_is_einval),
		cmocka_unit_test(test_t1_refuses_direct_region),
		cmocka_unit_test(test_t1_relaxable_region_stays_usable),
		cmocka_unit_test(test_t1_attach_twice_is_einval),
		cmocka_unit_test(test_t1_unsafe_interrupts),
		cmocka_unit_test(test_t1_eperm_comes_after_einval),
		cmocka_unit_test(test_t1_detach_keeps_edge_hole_while_domain_lives),
		cmocka_unit_test(test_t1_detach_expands_when_domain_goes),
		cmocka_unit_test(test_t1_last_detach_drops_mappings),
		cmocka_unit_test(test_t1_detach_refresh_keeps_other_groups_regions),
		cmocka_unit_test(test_t1_aperture_end_on_first_byte_deletes_node),
		cmocka_unit_test(test_t1_attach_disjoint_aperture_is_einval),
		cmocka_unit_test(test_t1_pgsizes_and_replay),
		cmocka_unit_test(test_t1_disjoint_page_sizes_refused),
		cmocka_unit_test(test_t1_raised_page_keeps_old_mappings),
		cmocka_unit_test(test_t1_map_wrap_and_va),
		cmocka_unit_test(test_t1_top_of_space_quirks),
		cmocka_unit_test(test_t1_attach_conflict_at_top_is_detected),
		cmocka_unit_test(test_t1_unmap_cut_through_top_mapping_takes_it_all),
		cmocka_unit_test(test_fd_msi_and_sw_msi_refused),
		cmocka_unit_test(test_fd_detach_restores_regions_and_domain),
		cmocka_unit_test(test_fd_direct_refused_native_accepts),
		cmocka_unit_test(test_fd_eperm_before_einval),
		cmocka_unit_test(test_fd_domain_page_too_big),
		cmocka_unit_test(test_fd_alignment_grows_with_domain),
		cmocka_unit_test(test_fd_map_overflow_checks),
		cmocka_unit_test(test_fd_auto_never_uses_first_or_last_page),
		cmocka_unit_test(test_fd_auto_keeps_page_offset),
		cmocka_unit_test(test_fd_unmap_is_not_atomic),
		cmocka_unit_test(test_fd_copy_rules),
		cmocka_unit_test(test_fd_copy_per_source_area_and_eperm),
		cmocka_unit_test(test_fd_reattach_is_a_noop),
		cmocka_unit_test(test_fd_allow_replaces_atomically),
		cmocka_unit_test(test_fd_auto_enospc),
		cmocka_unit_test(test_native_detach_restores_edges),
		cmocka_unit_test(test_native_reserved_is_eaddrinuse),
		cmocka_unit_test(test_native_allowed_binds_fixed_maps),
		cmocka_unit_test(test_native_own_aperture_and_pages),
		cmocka_unit_test(test_native_auto_fits_exactly_at_hole_end),
		cmocka_unit_test(test_pci_windows_bind_native_only),
		cmocka_unit_test(test_mappings_and_regions_report),
		cmocka_unit_test(test_info_size_negotiation),
		cmocka_unit_test(test_why_is_reset_each_call),
		cmocka_unit_test(test_space_is_thread_safe),
		cmocka_unit_test(test_native_index_matches_hole_walk),
	};

	return cmocka_run_group_tests_name("space", tests, NULL, NULL);
}
