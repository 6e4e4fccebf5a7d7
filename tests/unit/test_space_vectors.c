// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Conformance vectors: kernel-spec.md §9, and the real Linux 6.12 answers
 * captured under QEMU in shared/fixtures/kernel-6.12-x86-results
 * (deb-intel-tcg.out: VFIO type1; iommufd-intel-tcg.out: iommufd, a kernel
 * without THP so automatic alignment is capped at PAGE_SIZE).
 */
#include "t_helpers.h"

/* §9: type1, aperture [0, 2^48-1], SW_MSI + RESERVED (AMD HT). */
static const struct ioas_region arm_like[] = {
	R(SW_MSI, 0x8000000, 0x80fffff),
	R(RESERVED, 0xfd00000000ull, 0xffffffffffull),
};

static struct ioas_space *t1_vec_space(void)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, (1ull << 48) - 1, arm_like, 2);

	g.pgsizes = PG;
	t_attach(s, &g);
	return s;
}

static void test_t1_vec_iova_list(void **state)
{
	struct ioas_space *s = t1_vec_space();

	(void)state;
	t_usable_is(s, 3, 0ull, 0x7ffffffull, 0x8100000ull, 0xfcffffffffull,
		    0x10000000000ull, 0xffffffffffffull);
	ioas_space_free(s);
}

static void test_t1_vec_map_errors(void **state)
{
	struct ioas_space *s = t1_vec_space();

	(void)state;
	/* inside SW_MSI */
	t_map_err(EINVAL, s, 0x8000000, 0x1000);
	/* crosses into SW_MSI */
	t_map_err(EINVAL, s, 0x7fff000, 0x2000);
	/* unaligned size */
	t_map_err(EINVAL, s, 0x1000, 0x1800);
	/* A = [0x100000, +0x200000) ok, then overlap -> EEXIST */
	t_map(s, 0x100000, 0x200000);
	t_map_err(EEXIST, s, 0x200000, 0x1000);
	ioas_space_free(s);
}

static void test_t1_vec_unmap(void **state)
{
	struct ioas_space *s = t1_vec_space();

	(void)state;
	t_map(s, 0x100000, 0x200000);
	/* bisects A */
	t_unmap_err(EINVAL, s, 0x100000, 0x1000);
	t_unmap(s, 0, 0x400000, 0x200000);
	t_unmap(s, 0, 0x400000, 0);
	ioas_space_free(s);
}

static void test_t1_vec_unmap_all(void **state)
{
	struct ioas_space *s = t1_vec_space();
	uint64_t out = 0;

	(void)state;
	t_map(s, 0x100000, 0x200000);
	t_map(s, 0x400000, 0x1000);
	assert_int_equal(ioas_space_unmap_all(s, &out, NULL), 0);
	assert_true(out == 0x201000);
	assert_int_equal(t_nr_maps(s), 0);
	assert_int_equal(ioas_space_check(s), 0);
	ioas_space_free(s);
}

static void test_t1_vec_dma_limit(void **state)
{
	struct ioas_space *s = t1_vec_space();
	struct ioas_space_info info = { .size = sizeof(info) };
	uint64_t i;

	(void)state;
	for (i = 0; i < 65535; i++) {
		uint64_t iova = (0x10000000000ull) + i * PG;
		struct ioas_map_req r = { .size = sizeof(r), .flags = FIX,
					  .iova = iova, .length = PG };

		assert_int_equal(ioas_space_map(s, &r, NULL), 0);
	}
	assert_int_equal(ioas_space_check(s), 0);
	/* the next MAP -> ENOSPC, DMA_AVAIL reports 0 */
	t_map_err(ENOSPC, s, 0x20000000000ull, PG);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_int_equal(info.dma_avail, 0);
	/* EEXIST is checked before ENOSPC */
	t_map_err(EEXIST, s, 0x10000000000ull, PG);
	/* an unmap frees a slot */
	t_unmap(s, 0x10000000000ull, PG, PG);
	t_map(s, 0x20000000000ull, PG);
	ioas_space_free(s);
}

static void test_t1_vec_attach_small_aperture_conflict(void **state)
{
	struct ioas_space *s = t1_vec_space();
	struct ioas_group_config g2 = t_group(2, 0, (1ull << 39) - 1, NULL, 0);

	(void)state;
	g2.pgsizes = PG;
	t_map(s, 1ull << 40, PG);
	t_attach_err(EINVAL, s, &g2);
	ioas_space_free(s);
}

static void test_t1_vec_attach_reserved_conflict(void **state)
{
	struct ioas_space *s = t1_vec_space();
	const struct ioas_region rsv[] = { R(RESERVED, 0x100000, 0x100fff) };
	const struct ioas_region rel[] = { R(DIRECT_RELAXABLE, 0x100000, 0x100fff) };
	struct ioas_group_config g2 = t_group(2, 0, (1ull << 48) - 1, rsv, 1);
	struct ioas_group_config g3 = t_group(3, 0, (1ull << 48) - 1, rel, 1);

	(void)state;
	g2.pgsizes = g3.pgsizes = PG;
	t_map(s, 0x100000, 0x200000);
	t_attach_err(EINVAL, s, &g2);
	t_attach(s, &g3);
	ioas_space_free(s);
}

/* deb-intel-tcg.out: group 1, e1000e, aw-bits 39, x86 MSI range. */
static const struct ioas_region x86_msi[] = {
	R(MSI, 0xfee00000, 0xfeefffff),
};

static struct ioas_space *intel_t1(void)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);

	t_attach(s, &g);
	return s;
}

static void test_fixture_intel_type1(void **state)
{
	struct ioas_space *s = intel_t1();
	struct ioas_space_info info = { .size = sizeof(info) };

	(void)state;
	t_usable_is(s, 2, 0ull, 0xfedfffffull, 0xfef00000ull, 0x7fffffffffull);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.pgsizes == 0x40201000ull);
	assert_int_equal(info.dma_avail, 65535);
	t_map(s, 0x100000, 0x200000);                 /* valid */
	t_map_err(EINVAL, s, 0xfee00000, 0x1000);     /* reserved_inside */
	t_map_err(EINVAL, s, 0xfedff000, 0x2000);     /* reserved_straddle_start */
	t_map_err(EEXIST, s, 0x100000, 0x200000);     /* overlap_exact */
	t_map_err(EEXIST, s, 0x200000, 0x200000);     /* overlap_partial */
	t_map_err(EEXIST, s, 0x101000, 0x1000);       /* overlap_contained */
	t_map(s, 0x300000, 0x1000);                   /* adjacent_after */
	t_map(s, 0xff000, 0x1000);                    /* adjacent_before */
	t_map_err(EINVAL, s, 0x10000800, 0x1000);     /* unaligned_iova */
	t_map_err(EINVAL, s, 0x10000000, 0x800);      /* unaligned_size */
	t_map_err(EINVAL, s, 0x10000000, 0);          /* zero_size */
	{
		uint64_t i = 0x10000000;

		/* no_rw_flags */
		assert_int_equal(_t_map(s, &i, 0x1000, IOAS_MAP_FIXED, 0),
				 -EINVAL);
		/* bad_flags */
		assert_int_equal(_t_map(s, &i, 0x1000, FIX | 0x80, 0), -EINVAL);
	}
	t_map_err(EINVAL, s, 0x8000000000ull, 0x1000);        /* above_aperture */
	t_map_err(EINVAL, s, 0x7ffffff000ull, 0x2000);        /* straddle_top */
	t_map_err(EINVAL, s, 0xfffffffffffff000ull, 0x2000);  /* wrap_u64 */
	t_unmap_err(EINVAL, s, 0x101000, 0x1000);     /* partial_middle */
	t_unmap(s, 0x30000000, 0x1000, 0);            /* unmapped_range */
	t_unmap_err(EINVAL, s, 0x100800, 0x1000);     /* unaligned */
	t_unmap(s, 0x100000, 0x200000, 0x200000);     /* exact_valid */
	t_unmap(s, 0x100000, 0x200000, 0);            /* again_valid */
	t_unmap(s, 0xff000, 0x203000, 0x2000);        /* span_two */
	t_map(s, 0x100000, 0x200000);                 /* remap_after_unmap */
	{
		uint64_t out = 0;

		assert_int_equal(ioas_space_unmap_all(s, &out, NULL), 0);
		assert_true(out == 0x200000);         /* all_flag */
	}
	ioas_space_free(s);
}

/* iommufd-intel-tcg.out */
static struct ioas_space *intel_fd(void)
{
	struct ioas_space_config c = { .size = sizeof(c),
				       .profile = IOAS_PROFILE_IOMMUFD,
				       .hpage_size = 0x1000 };
	struct ioas_space *s = NULL;

	assert_int_equal(ioas_space_new(&c, &s), 0);
	return s;
}

static void test_fixture_intel_iommufd(void **state)
{
	struct ioas_space *s = intel_fd();
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_space_info info = { .size = sizeof(info) };
	uint64_t i;

	(void)state;
	/* fresh IOAS: [0, 2^64-1], alignment 1 */
	t_usable_is(s, 1, 0ull, U64MAX);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.iova_alignment == 1);
	t_attach(s, &g);
	t_usable_is(s, 2, 0ull, 0xfedfffffull, 0xfef00000ull, 0x7fffffffffull);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.iova_alignment == 0x1000);

	assert_true(t_map_auto(s, 0x1000, 0x7efc1ad54000ull) == 0x1000);
	assert_true(t_map_auto(s, 0x1000, 0x7efc1ad55000ull) == 0x2000);
	assert_true(t_map_auto(s, 0x200000, 0x7efc1af54000ull) == 0x3000);
	assert_true(t_map_auto(s, 0x10000, 0x7efc1ad57000ull) == 0x203000);
	assert_true(t_map_auto(s, 0x1000, 0x7efc1ad54000ull) == 0x213000);
	assert_true(t_map_auto(s, 0x200000, 0x7efc1ae00000ull) == 0x214000);
	assert_true(t_map_auto(s, 0x100000, 0x7efc1ae00000ull) == 0x414000);
	t_map(s, 0x100000000ull, 0x200000);                  /* fixed_valid */
	t_map_err(EINVAL, s, 0xfee00000, 0x1000);            /* reserved_inside */
	t_map_err(EINVAL, s, 0xfedff000, 0x2000);            /* reserved_straddle */
	t_map_err(EEXIST, s, 0x100000000ull, 0x200000);      /* overlap_exact */
	t_map_err(EEXIST, s, 0x100100000ull, 0x200000);      /* overlap_partial */
	t_map_err(EEXIST, s, 0x1000, 0x1000);                /* overlap_auto */
	t_map_err(EINVAL, s, 0x200000800ull, 0x1000);        /* unaligned_iova */
	t_map_err(EINVAL, s, 0x200000000ull, 0x800);         /* unaligned_len */
	t_map_err(EINVAL, s, 0x200000000ull, 0);             /* zero_len */
	i = 0x200000000ull;
	assert_int_equal(_t_map(s, &i, 0x1000, IOAS_MAP_FIXED, 0), -EINVAL);
	assert_int_equal(_t_map(s, &i, 0x1000, FIX | 0x100, 0), -EOPNOTSUPP);
	t_map_err(EINVAL, s, 0x8000000000ull, 0x1000);       /* above_last */
	t_map_err(EOVERFLOW, s, 0xfffffffffffff000ull, 0x2000); /* wrap */
	t_unmap_err(ENOENT, s, 0x100001000ull, 0x1000);      /* partial */
	t_unmap_err(ENOENT, s, 0x300000000ull, 0x1000);      /* nothing */
	t_unmap(s, 0x100000000ull, 0x200000, 0x200000);      /* exact */
	t_unmap(s, 0x1000, 0x1000, 0x1000);
	assert_true(t_map_auto(s, 0x1000, 0x7efc1ad54000ull) == 0x1000);
	t_unmap(s, 0, U64MAX, 0x513000);                     /* all */

	/* allow narrows automatic allocation only */
	{
		struct ioas_range a = { 0x10000000, 0x1fffffff };
		struct ioas_range rsv = { 0xfee00000, 0xfee00fff };
		struct ioas_range b = { 0x18000000, 0x1fffffff };

		assert_int_equal(ioas_space_allow(s, &a, 1, NULL), 0);
		t_usable_is(s, 2, 0ull, 0xfedfffffull, 0xfef00000ull,
			    0x7fffffffffull);
		assert_true(t_map_auto(s, 0x1000, 0x7efc1ad54000ull) ==
			    0x10000000);
		t_map(s, 0x100000, 0x1000);           /* fixed_outside_allowed */
		t_map(s, 0x10100000, 0x1000);         /* fixed_inside_allowed */
		assert_int_equal(ioas_space_allow(s, &rsv, 1, NULL), -EADDRINUSE);
		assert_int_equal(ioas_space_allow(s, &b, 1, NULL), 0);
		assert_int_equal(ioas_space_allow(s, NULL, 0, NULL), 0);
		assert_int_equal(ioas_space_check(s), 0);
	}
	t_unmap(s, 0, U64MAX, 0x3000);                       /* all2 */
	/* the device leaves: back to [0, 2^64-1], alignment 1 */
	t_detach(s, 1);
	t_usable_is(s, 1, 0ull, U64MAX);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.iova_alignment == 1);
	ioas_space_free(s);
}

static void test_fixture_iommufd_attach_conflicts(void **state)
{
	struct ioas_space *s = intel_fd();
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_range hole = { 0xfee00000, 0xfee00fff };

	(void)state;
	/* a map in the hole before the device attaches -> EADDRINUSE */
	t_map(s, 0xfee00000, 0x1000);
	t_attach_err(EADDRINUSE, s, &g);
	t_unmap(s, 0xfee00000, 0x1000, 0x1000);
	/* an allowed range in the hole -> EADDRINUSE */
	assert_int_equal(ioas_space_allow(s, &hole, 1, NULL), 0);
	t_attach_err(EADDRINUSE, s, &g);
	assert_int_equal(ioas_space_allow(s, NULL, 0, NULL), 0);
	t_attach(s, &g);
	assert_true(t_map_auto(s, 0x1000, 0x7efc1ad54000ull) == 0x1000);
	t_map(s, 0x100000, 0x1000);
	ioas_space_free(s);
}

/* §9 iommufd, no domain */
static void test_fd_vec_no_domain(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_range single = { 5, 5 };
	struct ioas_range two[] = { { 0x1000, 0x2fff }, { 0x2000, 0x3fff } };

	(void)state;
	t_usable_is(s, 1, 0ull, U64MAX);
	assert_int_equal(ioas_space_allow(s, &single, 1, NULL), -EINVAL);
	assert_int_equal(ioas_space_allow(s, two, 2, NULL), -EINVAL);
	/* auto map of 1 page from a page-aligned buffer: >= 0x1000 */
	assert_true(t_map_auto(s, PG, 0x7f0000001000ull) >= 0x1000);
	/* 3 pages from a 2 MiB aligned buffer: aligned to 4 pages */
	assert_true((t_map_auto(s, 3 * PG, 0x7f0000200000ull) & (4 * PG - 1)) == 0);
	/* unmap everything on a non-empty and then an empty IOAS */
	t_unmap(s, 0, U64MAX, 4 * PG);
	t_unmap(s, 0, U64MAX, 0);
	t_unmap_err(ENOENT, s, 0x1000, 0x1000);
	ioas_space_free(s);
}

static void test_fd_vec_copy(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	uint64_t dst = 0;

	(void)state;
	t_map(s, 0x100000, 0x4000);
	t_map(s, 0x200000, 0x1000);
	/* a sub-range of one area */
	assert_int_equal(ioas_space_copy(s, 0x101000, 0x2000, RW, &dst, NULL), 0);
	assert_true(dst != 0);
	/* a range with a hole -> ENOENT */
	assert_int_equal(ioas_space_copy(s, 0x103000, 0x2000, RW, &dst, NULL),
			 -ENOENT);
	assert_int_equal(ioas_space_check(s), 0);
	ioas_space_free(s);
}

static void test_fd_vec_domain_aperture(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_group_config g = t_group(1, 16ull << 20, (2ull << 30) - 1,
					     NULL, 0);
	struct ioas_range a = { 0x1000, 0x1fffff };
	struct ioas_space_info info = { .size = sizeof(info) };

	(void)state;
	g.pgsizes = PG;
	assert_int_equal(ioas_space_allow(s, &a, 1, NULL), 0);
	t_attach_err(EADDRINUSE, s, &g);
	assert_int_equal(ioas_space_allow(s, NULL, 0, NULL), 0);
	t_attach(s, &g);
	t_usable_is(s, 1, 16ull << 20, (2ull << 30) - 1);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	assert_true(info.iova_alignment == PG);
	ioas_space_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t1_vec_iova_list),
		cmocka_unit_test(test_t1_vec_map_errors),
		cmocka_unit_test(test_t1_vec_unmap),
		cmocka_unit_test(test_t1_vec_unmap_all),
		cmocka_unit_test(test_t1_vec_dma_limit),
		cmocka_unit_test(test_t1_vec_attach_small_aperture_conflict),
		cmocka_unit_test(test_t1_vec_attach_reserved_conflict),
		cmocka_unit_test(test_fixture_intel_type1),
		cmocka_unit_test(test_fixture_intel_iommufd),
		cmocka_unit_test(test_fixture_iommufd_attach_conflicts),
		cmocka_unit_test(test_fd_vec_no_domain),
		cmocka_unit_test(test_fd_vec_copy),
		cmocka_unit_test(test_fd_vec_domain_aperture),
	};

	return cmocka_run_group_tests_name("space_vectors", tests, NULL, NULL);
}
