// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MSI windows and doorbells: Linux's cookie in type1 and iommufd (new-domain
 * rule, bump pointer, dedupe, no release, spill past the window) and
 * native's placed, bounded, refcounted window.
 */
#include <ioas/msi.h>

#include "t_helpers.h"

#define SWMSI_BASE 0x8000000ull
#define ITS_BASE 0x08080000ull	/* QEMU virt GICv3 ITS */
#define V2M_BASE 0x08020000ull	/* QEMU virt GICv2m frame */

static const struct ioas_region smmu[] = {
	{ { SWMSI_BASE, 0x80fffff }, IOAS_REGION_SW_MSI, 0,
	  IOAS_ORIGIN_SMMU_SW_MSI },
};

static struct ioas_group_config smmu_group(uint32_t id)
{
	struct ioas_group_config g = t_group(id, 0, 0xffffffffffffull, smmu, 1);

	g.pgsizes = 0x40201000ull;
	return g;
}

static uint64_t t_doorbell(struct ioas_space *s, uint32_t g, uint64_t phys,
			   uint32_t *flags)
{
	struct ioas_msi_doorbell d;
	struct ioas_why why;

	assert_int_equal(ioas_msi_map(s, g, phys, &d, &why), 0);
	assert_null(why.what);
	assert_int_equal(ioas_space_check(s), 0);
	if (flags)
		*flags = d.flags;
	return d.iova;
}

static void test_msi_doorbell_helpers(void **state)
{
	(void)state;
	/* the addresses the arm64 guest reads back behind 0x08000040 */
	assert_true(ioas_msi_its_doorbell(ITS_BASE) == 0x08090040ull);
	assert_true(ioas_msi_gicv2m_doorbell(V2M_BASE) == 0x08020040ull);
}

static void test_msi_type1_its_doorbell_lands_at_window_base(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = smmu_group(1);
	struct ioas_msi_window w;
	uint32_t fl;

	(void)state;
	t_attach(s, &g);
	/* what the arm64 guest's e1000e reads back from its MSI-X table */
	assert_true(t_doorbell(s, 1, ioas_msi_its_doorbell(ITS_BASE), &fl) ==
		    0x08000040ull);
	assert_int_equal(fl, 0);
	/* a second vector on the same doorbell page shares the IOVA page */
	assert_true(t_doorbell(s, 1, 0x08090044ull, &fl) == 0x08000044ull);
	assert_int_equal(fl, IOAS_MSI_SHARED);
	/* another page gets the next bump-pointer page */
	assert_true(t_doorbell(s, 1, ioas_msi_gicv2m_doorbell(V2M_BASE), &fl) ==
		    0x08001040ull);
	assert_int_equal(ioas_msi_window(s, 1, &w), 0);
	assert_true(w.window.start == SWMSI_BASE);
	assert_true(w.window.last == 0x80fffffull);
	assert_true(w.granule == 0x1000);
	assert_true(w.next == 0x8002000ull);
	assert_int_equal(w.nr_pages, 2);
	assert_int_equal(w.capacity, 256);
	assert_int_equal(w.flags, 0);
	assert_int_equal(w.origin, IOAS_ORIGIN_SMMU_SW_MSI);
	ioas_space_free(s);
}

static void test_msi_type1_never_releases(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = smmu_group(1);
	struct ioas_msi_doorbell d;
	struct ioas_msi_window w;

	(void)state;
	t_attach(s, &g);
	t_doorbell(s, 1, 0x08090040ull, NULL);
	assert_int_equal(ioas_msi_unmap(s, 1, 0x08090040ull, &d, NULL), 0);
	assert_int_equal(d.flags & IOAS_MSI_RELEASED, 0);
	assert_int_equal(ioas_msi_unmap(s, 1, 0x08090040ull, &d, NULL), 0);
	assert_int_equal(ioas_msi_window(s, 1, &w), 0);
	assert_int_equal(w.nr_pages, 1);
	/* unmapping a page never mapped is an error in every profile */
	assert_int_equal(ioas_msi_unmap(s, 1, 0x09000000ull, &d, NULL), -ENOENT);
	assert_int_equal(ioas_msi_unmap(s, 7, 0x08090040ull, &d, NULL), -ENOENT);
	assert_int_equal(ioas_msi_map(s, 7, 0x08090040ull, &d, NULL), -ENOENT);
	assert_int_equal(ioas_msi_map(s, 1, 0x08090040ull, NULL, NULL), -EINVAL);
	ioas_space_free(s);
}

static void test_msi_type1_cookie_only_for_new_domain(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	const struct ioas_region other[] = {
		{ { 0x9000000, 0x90fffff }, IOAS_REGION_SW_MSI, 0,
		  IOAS_ORIGIN_SMMU_SW_MSI },
	};
	struct ioas_group_config g1 = smmu_group(1);
	struct ioas_group_config g2 = t_group(2, 0, 0xffffffffffffull, other, 1);
	struct ioas_group_config g3 = t_group(3, 0, 0xffffffffffull, other, 1);

	(void)state;
	g2.pgsizes = g1.pgsizes;
	g3.pgsizes = g1.pgsizes;
	t_attach(s, &g1);
	/* g2 joins g1's domain: its own sw-msi base is ignored */
	t_attach(s, &g2);
	assert_true(t_doorbell(s, 2, 0x08090040ull, NULL) == 0x08000040ull);
	/* g3 needs a new domain (other aperture): a cookie at its base */
	t_attach(s, &g3);
	assert_true(t_doorbell(s, 3, 0x08090040ull, NULL) == 0x09000040ull);
	ioas_space_free(s);
}

static void test_msi_type1_joining_cookieless_domain_is_untranslated(void **state)
{
	struct ioas_space *t = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_space *f = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_group_config plain = t_group(1, 0, 0xffffffffffffull, NULL, 0);
	struct ioas_group_config g2 = smmu_group(2);
	uint32_t fl;

	(void)state;
	plain.pgsizes = g2.pgsizes;
	/* the domain is created by a group without a sw-msi region */
	t_attach(t, &plain);
	t_attach(t, &g2);
	/* type1 installs cookies on new domains only: untranslated */
	assert_true(t_doorbell(t, 2, 0x08090040ull, &fl) == 0x08090040ull);
	assert_int_equal(fl, IOAS_MSI_UNTRANSLATED);
	/* iommufd installs it when the first sw-msi group arrives */
	t_attach(f, &plain);
	t_attach(f, &g2);
	assert_true(t_doorbell(f, 2, 0x08090040ull, &fl) == 0x08000040ull);
	/* and the domain's first group uses it too */
	assert_true(t_doorbell(f, 1, 0x08090040ull, &fl) == 0x08000040ull);
	assert_int_equal(fl, IOAS_MSI_SHARED);
	ioas_space_free(t);
	ioas_space_free(f);
}

static void test_msi_x86_bypass_is_untranslated(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_space *n = t_space(IOAS_PROFILE_NATIVE, 0);
	const struct ioas_region both[] = {
		R(MSI, 0xfee00000, 0xfeefffff),
		{ { SWMSI_BASE, 0x80fffff }, IOAS_REGION_SW_MSI, 0,
		  IOAS_ORIGIN_SMMU_SW_MSI },
	};
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, both, 2);
	struct ioas_msi_window w;
	uint32_t fl;

	(void)state;
	t_attach(s, &g);
	t_attach(n, &g);
	/* a hardware msi region wins over sw-msi: nothing is mapped */
	assert_true(t_doorbell(s, 1, 0xfee00000ull, &fl) == 0xfee00000ull);
	assert_int_equal(fl, IOAS_MSI_UNTRANSLATED);
	assert_true(t_doorbell(n, 1, 0xfee00000ull, &fl) == 0xfee00000ull);
	assert_int_equal(ioas_msi_window(s, 1, &w), -ENOENT);
	assert_int_equal(ioas_msi_window(n, 1, &w), -ENOENT);
	assert_int_equal(ioas_msi_unmap(s, 1, 0xfee00000ull, NULL, NULL), 0);
	/* native keeps the unused sw-msi region out of user IOVA */
	t_map_err(EADDRINUSE, n, SWMSI_BASE, 0x1000);
	ioas_space_free(s);
	ioas_space_free(n);
}

static void test_msi_type1_spill_past_window(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = smmu_group(1);
	struct ioas_msi_doorbell d;
	struct ioas_why why;
	uint64_t i;

	(void)state;
	t_attach(s, &g);
	for (i = 0; i < 256; i++)
		assert_true(t_doorbell(s, 1, 0x40000000ull + i * 0x1000, NULL) ==
			    SWMSI_BASE + i * 0x1000);
	/* a user mapping right above the window */
	t_map(s, 0x8100000, 0x1000);
	/* page 257: the unbounded cookie would map onto it: iommu_map fails */
	assert_int_equal(ioas_msi_map(s, 1, 0x40100000ull, &d, &why), -ENOMEM);
	assert_true(why.flags & IOAS_WHY_REGION);
	assert_int_equal(why.region.type, IOAS_REGION_SW_MSI);
	assert_true(why.other.start == 0x8100000ull);
	assert_int_equal(ioas_space_check(s), 0);
	/* without the mapping the page spills into user IOVA */
	t_unmap(s, 0x8100000, 0x1000, 0x1000);
	assert_int_equal(ioas_msi_map(s, 1, 0x40100000ull, &d, NULL), 0);
	assert_true(d.iova == 0x8100000ull);
	assert_true(d.flags & IOAS_MSI_SPILLED);
	assert_int_equal(ioas_space_check(s), 0);
	/* and a later user map there fails in the IOMMU page table */
	t_map_err(EEXIST, s, 0x8100000, 0x2000);
	t_map(s, 0x8101000, 0x1000);
	/* the usable ranges are what the kernel reports: unchanged */
	t_usable_is(s, 2, 0ull, 0x7ffffffull, 0x8100000ull, 0xffffffffffffull);
	ioas_space_free(s);
}

static void test_msi_detach_frees_cookie_and_spill(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_group_config g = smmu_group(1);
	uint64_t i;

	(void)state;
	t_attach(s, &g);
	for (i = 0; i < 257; i++)
		t_doorbell(s, 1, 0x40000000ull + i * 0x1000, NULL);
	t_map_err(EEXIST, s, 0x8100000, 0x1000);
	t_detach(s, 1);
	/* the domain and its MSI pages are gone with the device */
	t_map(s, 0x8100000, 0x1000);
	ioas_space_free(s);
}

static void test_msi_native_bounded_and_releasing(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_group_config g = smmu_group(1);
	struct ioas_msi_doorbell d;
	struct ioas_msi_window w;
	struct ioas_why why;
	uint64_t i;

	(void)state;
	t_attach(s, &g);
	assert_int_equal(ioas_msi_window(s, 1, &w), 0);
	assert_true(w.window.start == SWMSI_BASE);
	assert_int_equal(w.flags, IOAS_MSI_WINDOW_BOUNDED |
				  IOAS_MSI_WINDOW_RELEASES);
	for (i = 0; i < 256; i++)
		t_doorbell(s, 1, 0x40000000ull + i * 0x1000, NULL);
	/* the 257th page is an error naming the window, not a spill */
	assert_int_equal(ioas_msi_map(s, 1, 0x40100000ull, &d, &why), -ENOSPC);
	assert_true(why.region.range.start == SWMSI_BASE);
	assert_true(why.value == 256);
	/* release page 5; its slot is the next one handed out */
	assert_int_equal(ioas_msi_unmap(s, 1, 0x40005000ull, &d, NULL), 0);
	assert_true(d.flags & IOAS_MSI_RELEASED);
	assert_int_equal(ioas_space_check(s), 0);
	assert_true(t_doorbell(s, 1, 0x40100040ull, NULL) == SWMSI_BASE + 0x5040);
	ioas_space_free(s);
}

static void test_msi_native_refcounts_per_group(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_group_config g1 = smmu_group(1), g2 = smmu_group(2);
	struct ioas_msi_doorbell d;
	struct ioas_msi_window w;

	(void)state;
	t_attach(s, &g1);
	t_attach(s, &g2);
	t_doorbell(s, 1, 0x08090040ull, NULL);
	t_doorbell(s, 1, 0x08090044ull, NULL);
	t_doorbell(s, 2, 0x08090048ull, NULL);
	assert_int_equal(ioas_msi_unmap(s, 1, 0x08090040ull, &d, NULL), 0);
	assert_int_equal(d.refs, 2);
	assert_int_equal(d.flags & IOAS_MSI_RELEASED, 0);
	/* group 2 never mapped it twice */
	assert_int_equal(ioas_msi_unmap(s, 2, 0x08090040ull, &d, NULL), 0);
	assert_int_equal(d.refs, 1);
	assert_int_equal(ioas_msi_unmap(s, 2, 0x08090040ull, &d, NULL), -ENOENT);
	/* detaching group 1 drops its last reference: the page goes */
	t_detach(s, 1);
	assert_int_equal(ioas_msi_window(s, 2, &w), 0);
	assert_int_equal(w.nr_pages, 0);
	ioas_space_free(s);
}

static void test_msi_native_window_moves_around_mappings(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	const struct ioas_region r[] = {
		{ { SWMSI_BASE, 0x80fffff }, IOAS_REGION_SW_MSI, 0,
		  IOAS_ORIGIN_SMMU_SW_MSI },
		R(RESERVED, 0, 0x1fffff),
	};
	struct ioas_group_config g = t_group(1, 0, 0xffffffffffffull, r, 2);
	struct ioas_region_list rl = IOAS_REGION_LIST_INIT;
	struct ioas_msi_window w;

	(void)state;
	/* guest RAM already mapped at 128 MiB, where ARM Linux puts it */
	t_map(s, 0x8000000, 0x400000);
	t_map(s, 0x200000, 0x100000);
	t_attach(s, &g);
	assert_int_equal(ioas_msi_window(s, 1, &w), 0);
	/* the lowest free 1 MiB-aligned window below 4 GiB */
	assert_true(w.window.start == 0x300000ull);
	assert_true(w.window.last == 0x3fffffull);
	assert_true(w.flags & IOAS_MSI_WINDOW_MOVED);
	assert_true(t_doorbell(s, 1, 0x08090040ull, NULL) == 0x300040ull);
	t_usable_is(s, 2, 0x200000ull, 0x2fffffull, 0x400000ull,
		    0xffffffffffffull);
	t_map_err(EADDRINUSE, s, 0x300000, 0x1000);
	/* it is reported as a sw-msi region where it really is */
	assert_int_equal(ioas_space_regions(s, &rl), 0);
	assert_int_equal(rl.nr, 2);
	assert_int_equal(rl.v[1].type, IOAS_REGION_SW_MSI);
	assert_true(rl.v[1].range.start == 0x300000ull);
	ioas_region_list_fini(&rl);
	/* the window goes with the last domain */
	t_detach(s, 1);
	t_usable_is(s, 1, 0ull, U64MAX);
	t_map(s, 0x300000, 0x1000);
	ioas_space_free(s);
}

static void test_msi_native_window_avoids_allowed_and_fails_cleanly(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_group_config g = smmu_group(1);
	struct ioas_range low = { 0x1000, 0xffffffffull };
	struct ioas_range part = { 0x1000, 0x80fffffull };
	struct ioas_msi_window w;

	(void)state;
	/* the user was promised everything below 4 GiB: no room */
	assert_int_equal(ioas_space_allow(s, &low, 1, NULL), 0);
	t_attach_err(ENOSPC, s, &g);
	t_usable_is(s, 1, 0ull, U64MAX);
	/* with room above the promise, the window goes just above it */
	assert_int_equal(ioas_space_allow(s, &part, 1, NULL), 0);
	t_attach(s, &g);
	assert_int_equal(ioas_msi_window(s, 1, &w), 0);
	assert_true(w.window.start == 0x8100000ull);
	ioas_space_free(s);
}

static void test_msi_native_granule_follows_domain_page(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_NATIVE, 0);
	struct ioas_group_config g = smmu_group(1);
	struct ioas_msi_window w;

	(void)state;
	g.pgsizes = 0x10000 | 0x20000000;	/* 64K granule SMMU */
	t_attach(s, &g);
	assert_int_equal(ioas_msi_window(s, 1, &w), 0);
	assert_true(w.granule == 0x10000);
	assert_int_equal(w.capacity, 16);
	assert_true(t_doorbell(s, 1, 0x08090040ull, NULL) == 0x08000040ull);
	assert_true(t_doorbell(s, 1, 0x080a0040ull, NULL) == 0x08010040ull);
	ioas_space_free(s);
}

static void test_msi_type1_pages_stay_cpu_pages(void **state)
{
	struct ioas_space_config c = { .size = sizeof(c),
				       .profile = IOAS_PROFILE_TYPE1,
				       .page_size = 0x10000 };
	struct ioas_space *s = NULL;
	struct ioas_group_config g = smmu_group(1);
	struct ioas_msi_window w;

	(void)state;
	/* a 64K-page arm64 kernel: PAGE_SIZE pages, 16 in the window */
	assert_int_equal(ioas_space_new(&c, &s), 0);
	t_attach(s, &g);
	assert_int_equal(ioas_msi_window(s, 1, &w), 0);
	assert_true(w.granule == 0x10000);
	assert_int_equal(w.capacity, 16);
	assert_true(t_doorbell(s, 1, 0x08090040ull, NULL) == 0x08000040ull);
	ioas_space_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msi_doorbell_helpers),
		cmocka_unit_test(test_msi_type1_its_doorbell_lands_at_window_base),
		cmocka_unit_test(test_msi_type1_never_releases),
		cmocka_unit_test(test_msi_type1_cookie_only_for_new_domain),
		cmocka_unit_test(test_msi_type1_joining_cookieless_domain_is_untranslated),
		cmocka_unit_test(test_msi_x86_bypass_is_untranslated),
		cmocka_unit_test(test_msi_type1_spill_past_window),
		cmocka_unit_test(test_msi_detach_frees_cookie_and_spill),
		cmocka_unit_test(test_msi_native_bounded_and_releasing),
		cmocka_unit_test(test_msi_native_refcounts_per_group),
		cmocka_unit_test(test_msi_native_window_moves_around_mappings),
		cmocka_unit_test(test_msi_native_window_avoids_allowed_and_fails_cleanly),
		cmocka_unit_test(test_msi_native_granule_follows_domain_page),
		cmocka_unit_test(test_msi_type1_pages_stay_cpu_pages),
	};

	return cmocka_run_group_tests_name("msi", tests, NULL, NULL);
}
