// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for the region module: the type and origin name tables,
 * Linux's group merge (kernel-spec.md §1.3, every test vector is its own
 * test), ioas_region_list_ranges(), and the sysfs reserved_regions format
 * (§1.4): the parser against real lines captured from Linux 6.12 (see
 * /work/shared/fixtures/kernel-6.12-x86-results) and one named negative
 * test per malformation, the printer byte-exact against the kernel's
 * "0x%016llx 0x%016llx %s\n".
 *
 * After every successful insert the list is checked against the merged
 * form: (start, type) strictly ascending, same-type regions neither
 * overlapping nor touching.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/range.h>
#include <ioas/region.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define MAX64 UINT64_MAX

#define REG(t, s, l) \
	((struct ioas_region){ .range = { (s), (l) }, .type = (t) })
#define REGP(t, s, l, p, o) \
	((struct ioas_region){ .range = { (s), (l) }, .type = (t), \
			       .prot = (p), .origin = (o) })

/* Helpers ---------------------------------------------------------------- */

static void check_merged_form(const struct ioas_region_list *l)
{
	size_t i, j;

	assert_true(l->nr <= l->cap);
	for (i = 0; i < l->nr; i++) {
		const struct ioas_region *a = &l->v[i];

		assert_true(a->range.start <= a->range.last);
		if (i) {
			const struct ioas_region *p = &l->v[i - 1];

			assert_true(p->range.start < a->range.start ||
				    (p->range.start == a->range.start &&
				     p->type < a->type));
		}
		for (j = i + 1; j < l->nr; j++) {
			const struct ioas_region *b = &l->v[j];

			if (b->type != a->type)
				continue;
			/* Neither overlapping nor touching. */
			assert_true(a->range.last != MAX64);
			assert_true(b->range.start > a->range.last + 1);
		}
	}
}

static void t_insert(struct ioas_region_list *l, struct ioas_region r)
{
	assert_int_equal(ioas_region_list_insert(l, &r), 0);
	check_merged_form(l);
}

static void expect_regions(const struct ioas_region_list *l,
			   const struct ioas_region *exp, size_t n)
{
	size_t i;

	assert_int_equal(l->nr, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(l->v[i].range.start, exp[i].range.start);
		assert_int_equal(l->v[i].range.last, exp[i].range.last);
		assert_int_equal(l->v[i].type, exp[i].type);
	}
}

/* Field by field: struct ioas_region has padding that memcmp() would see. */
static void expect_identical(const struct ioas_region *a,
			     const struct ioas_region *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(a[i].range.start, b[i].range.start);
		assert_int_equal(a[i].range.last, b[i].range.last);
		assert_int_equal(a[i].type, b[i].type);
		assert_int_equal(a[i].prot, b[i].prot);
		assert_int_equal(a[i].origin, b[i].origin);
	}
}

#define EXPECT(l, ...)							\
	do {								\
		const struct ioas_region exp_[] = { __VA_ARGS__ };	\
		expect_regions((l), exp_, ARRAY_SIZE(exp_));		\
	} while (0)

/* A list whose storage is exactly full (nr == cap), built by hand. */
static void build_list(struct ioas_region_list *l,
		       const struct ioas_region *v, size_t n)
{
	struct ioas_region_list src = { (struct ioas_region *)(uintptr_t)v,
					n, n };

	ioas_region_list_init(l);
	assert_int_equal(ioas_region_list_copy(l, &src), 0);
}

/* Type names ------------------------------------------------------------- */

static void test_type_names_are_the_kernels_plus_sw_msi(void **state)
{
	(void)state;
	assert_string_equal(ioas_region_type_name(IOAS_REGION_DIRECT),
			    "direct");
	assert_string_equal(
		ioas_region_type_name(IOAS_REGION_DIRECT_RELAXABLE),
		"direct-relaxable");
	assert_string_equal(ioas_region_type_name(IOAS_REGION_RESERVED),
			    "reserved");
	assert_string_equal(ioas_region_type_name(IOAS_REGION_MSI), "msi");
	assert_string_equal(ioas_region_type_name(IOAS_REGION_SW_MSI),
			    "sw-msi");
}

static void test_type_name_out_of_range_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(ioas_region_type_name(IOAS_REGION_NR_TYPES),
			    "unknown");
	assert_string_equal(ioas_region_type_name(UINT32_MAX), "unknown");
	assert_string_equal(ioas_region_type_sysfs_name(IOAS_REGION_NR_TYPES),
			    "unknown");
}

static void test_type_sysfs_name_prints_sw_msi_as_msi(void **state)
{
	uint32_t t;

	(void)state;
	/* Both MSI kinds look alike in sysfs */
	assert_string_equal(ioas_region_type_sysfs_name(IOAS_REGION_SW_MSI),
			    "msi");
	assert_string_equal(ioas_region_type_sysfs_name(IOAS_REGION_MSI),
			    "msi");
	/* Every other type keeps its own name */
	for (t = 0; t < IOAS_REGION_MSI; t++)
		assert_string_equal(ioas_region_type_sysfs_name(t),
				    ioas_region_type_name(t));
}

static void test_type_names_round_trip_through_parse(void **state)
{
	uint32_t t, got;

	(void)state;
	for (t = 0; t < IOAS_REGION_NR_TYPES; t++) {
		const char *n = ioas_region_type_name(t);

		got = 99;
		assert_int_equal(ioas_region_type_parse_n(n, strlen(n), &got),
				 0);
		assert_int_equal(got, t);
	}
}

static void test_type_parse_rejects_other_strings(void **state)
{
	static const char *const bad[] = {
		"", "MSI", "Msi", "ms", "msix", "sw_msi", "swmsi", "direct ",
		" direct", "direct-relax", "unknown", "reserved\n",
	};
	uint32_t got = 77;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(ioas_region_type_parse_n(bad[i],
							  strlen(bad[i]),
							  &got),
				 -EINVAL);
	/* A failed parse leaves the output alone */
	assert_int_equal(got, 77);
}

static void test_type_parse_reads_only_len_bytes(void **state)
{
	uint32_t got = 99;

	(void)state;
	assert_int_equal(ioas_region_type_parse_n("msix", 3, &got), 0);
	assert_int_equal(got, IOAS_REGION_MSI);
	assert_int_equal(ioas_region_type_parse_n("reserved", 7, &got),
			 -EINVAL);
	assert_int_equal(ioas_region_type_parse_n(NULL, 0, &got), -EINVAL);
}

/* Origin names ----------------------------------------------------------- */

static void test_origin_short_names_are_stable(void **state)
{
	static const char *const names[IOAS_REGION_NR_ORIGINS] = {
		[IOAS_ORIGIN_UNKNOWN] = "unknown",
		[IOAS_ORIGIN_USER] = "user",
		[IOAS_ORIGIN_SMMU_SW_MSI] = "smmu-sw-msi",
		[IOAS_ORIGIN_VIRTIO_SW_MSI] = "virtio-sw-msi",
		[IOAS_ORIGIN_X86_MSI] = "x86-msi",
		[IOAS_ORIGIN_RMRR] = "rmrr",
		[IOAS_ORIGIN_ISA_FLOPPY] = "isa-floppy",
		[IOAS_ORIGIN_IVMD] = "ivmd",
		[IOAS_ORIGIN_AMD_HT] = "amd-ht",
		[IOAS_ORIGIN_IORT_RMR] = "iort-rmr",
		[IOAS_ORIGIN_ITS_MSI] = "its-msi",
		[IOAS_ORIGIN_DT_RESV] = "dt-resv",
		[IOAS_ORIGIN_VIRTIO_PROBE] = "virtio-probe",
		[IOAS_ORIGIN_PCI_WINDOW] = "pci-window",
	};
	uint32_t o;

	(void)state;
	for (o = 0; o < IOAS_REGION_NR_ORIGINS; o++)
		assert_string_equal(ioas_region_origin_name(o), names[o]);
}

static void test_origin_names_round_trip_through_parse(void **state)
{
	uint32_t o, got;

	(void)state;
	for (o = 0; o < IOAS_REGION_NR_ORIGINS; o++) {
		const char *n = ioas_region_origin_name(o);

		got = 99;
		assert_int_equal(ioas_region_origin_parse_n(n, strlen(n),
							    &got),
				 0);
		assert_int_equal(got, o);
	}
}

static void test_origin_parse_rejects_unknown_names(void **state)
{
	static const char *const bad[] = {
		"", "RMRR", "x86_msi", "smmu", "pci-window ", "amd-ht-hole",
	};
	uint32_t got = 55;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(ioas_region_origin_parse_n(bad[i],
							    strlen(bad[i]),
							    &got),
				 -EINVAL);
	assert_int_equal(got, 55);
	/* Only @len bytes count */
	assert_int_equal(ioas_region_origin_parse_n("rmrrx", 4, &got), 0);
	assert_int_equal(got, IOAS_ORIGIN_RMRR);
}

static void test_origin_descriptions_are_human_and_distinct(void **state)
{
	uint32_t a, b;

	(void)state;
	assert_string_equal(
		ioas_region_origin_describe(IOAS_ORIGIN_SMMU_SW_MSI),
		"ARM SMMU software MSI window");
	assert_string_equal(ioas_region_origin_describe(IOAS_ORIGIN_X86_MSI),
			    "x86 interrupt address range (IOAPIC/MSI)");
	assert_string_equal(ioas_region_origin_describe(IOAS_ORIGIN_RMRR),
			    "Intel VT-d RMRR (ACPI DMAR)");
	assert_string_equal(ioas_region_origin_describe(IOAS_ORIGIN_AMD_HT),
			    "AMD HyperTransport hole");
	assert_string_equal(ioas_region_origin_describe(IOAS_ORIGIN_PCI_WINDOW),
			    "PCI host-bridge window");
	for (a = 0; a < IOAS_REGION_NR_ORIGINS; a++) {
		const char *da = ioas_region_origin_describe(a);

		assert_non_null(da);
		assert_true(strlen(da) > 3);
		/* A description is not just the short name again */
		assert_string_not_equal(da, ioas_region_origin_name(a));
		for (b = a + 1; b < IOAS_REGION_NR_ORIGINS; b++)
			assert_string_not_equal(da,
						ioas_region_origin_describe(b));
	}
}

static void test_origin_out_of_range_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(ioas_region_origin_name(IOAS_REGION_NR_ORIGINS),
			    "unknown");
	assert_string_equal(ioas_region_origin_name(UINT32_MAX), "unknown");
	assert_string_equal(ioas_region_origin_describe(UINT32_MAX),
			    ioas_region_origin_describe(IOAS_ORIGIN_UNKNOWN));
}

/* List lifetime and copy ------------------------------------------------- */

static void test_list_init_is_empty_and_fini_null_is_noop(void **state)
{
	struct ioas_region_list l;

	(void)state;
	memset(&l, 0xa5, sizeof(l));
	ioas_region_list_init(&l);
	assert_null(l.v);
	assert_int_equal(l.nr, 0);
	assert_int_equal(l.cap, 0);
	ioas_region_list_fini(NULL);
}

static void test_list_fini_leaves_list_empty_and_reusable(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	ioas_region_list_fini(&l);
	assert_null(l.v);
	assert_int_equal(l.nr, 0);
	assert_int_equal(l.cap, 0);
	t_insert(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	assert_int_equal(l.nr, 1);
	ioas_region_list_fini(&l);
}

static void test_list_copy_duplicates_every_field(void **state)
{
	struct ioas_region_list a = IOAS_REGION_LIST_INIT;
	struct ioas_region_list b = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&a, REGP(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff,
			  IOAS_PROT_WRITE, IOAS_ORIGIN_SMMU_SW_MSI));
	t_insert(&a, REGP(IOAS_REGION_DIRECT, 0x1000, 0x1fff,
			  IOAS_PROT_READ, IOAS_ORIGIN_RMRR));
	assert_int_equal(ioas_region_list_copy(&b, &a), 0);
	assert_int_equal(b.nr, 2);
	assert_ptr_not_equal(b.v, a.v);
	expect_identical(b.v, a.v, 2);
	ioas_region_list_fini(&a);
	ioas_region_list_fini(&b);
}

static void test_list_copy_replaces_previous_content(void **state)
{
	struct ioas_region_list a = IOAS_REGION_LIST_INIT;
	struct ioas_region_list b = IOAS_REGION_LIST_INIT;
	struct ioas_region_list e = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&a, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	t_insert(&b, REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	t_insert(&b, REG(IOAS_REGION_MSI, 0x9000, 0x9fff));
	/* Smaller source: dst shrinks to it */
	assert_int_equal(ioas_region_list_copy(&b, &a), 0);
	EXPECT(&b, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	/* Empty source: dst becomes empty */
	assert_int_equal(ioas_region_list_copy(&b, &e), 0);
	assert_int_equal(b.nr, 0);
	ioas_region_list_fini(&a);
	ioas_region_list_fini(&b);
}

static void test_list_copy_onto_itself_is_noop(void **state)
{
	struct ioas_region_list a = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&a, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	assert_int_equal(ioas_region_list_copy(&a, &a), 0);
	EXPECT(&a, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	ioas_region_list_fini(&a);
}

/* kernel-spec §1.3 test vectors ------------------------------------------ */

static void test_vector_touching_reserved_regions_merge(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	ioas_region_list_fini(&l);
}

static void test_vector_reserved_and_msi_overlap_stay_apart(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0x1800, 0x1fff));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff),
	       REG(IOAS_REGION_MSI, 0x1800, 0x1fff));
	ioas_region_list_fini(&l);
}

static void test_vector_equal_start_lists_lower_type_first(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
	       REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	ioas_region_list_fini(&l);
}

static void test_vector_two_devices_same_sw_msi_give_one_entry(void **state)
{
	struct ioas_region_list dev0 = IOAS_REGION_LIST_INIT;
	struct ioas_region_list dev1 = IOAS_REGION_LIST_INIT;
	struct ioas_region_list group = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&dev0, REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	t_insert(&dev1, REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	/* iommu_get_group_resv_regions(): one device after the other */
	assert_int_equal(ioas_region_list_merge(&group, &dev0), 0);
	assert_int_equal(ioas_region_list_merge(&group, &dev1), 0);
	check_merged_form(&group);
	EXPECT(&group, REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	ioas_region_list_fini(&dev0);
	ioas_region_list_fini(&dev1);
	ioas_region_list_fini(&group);
}

static void test_vector_direct_gap_filled_later_merges_all(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0x0, 0xfff));
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0x3000, 0x3fff));
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 0x0, 0xfff),
	       REG(IOAS_REGION_DIRECT, 0x3000, 0x3fff));
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0x1000, 0x2fff));
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 0x0, 0x3fff));
	ioas_region_list_fini(&l);
}

/* Merge rules ------------------------------------------------------------ */

static void test_merge_keeps_prot_and_origin_of_first_kept(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REGP(IOAS_REGION_DIRECT, 0x1000, 0x1fff,
			  IOAS_PROT_READ, IOAS_ORIGIN_RMRR));
	t_insert(&l, REGP(IOAS_REGION_DIRECT, 0x1800, 0x2fff,
			  IOAS_PROT_WRITE | IOAS_PROT_MMIO,
			  IOAS_ORIGIN_IORT_RMR));
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 0x1000, 0x2fff));
	/* prot is not OR-ed: the absorbed region's bits are dropped */
	assert_int_equal(l.v[0].prot, IOAS_PROT_READ);
	assert_int_equal(l.v[0].origin, IOAS_ORIGIN_RMRR);
	ioas_region_list_fini(&l);
}

static void test_merge_lower_region_inserted_later_keeps_its_prot(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REGP(IOAS_REGION_RESERVED, 0x2000, 0x2fff,
			  IOAS_PROT_WRITE, IOAS_ORIGIN_AMD_HT));
	t_insert(&l, REGP(IOAS_REGION_RESERVED, 0x1000, 0x2000,
			  IOAS_PROT_READ, IOAS_ORIGIN_IVMD));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	/* The lower-addressed element is the kept one */
	assert_int_equal(l.v[0].prot, IOAS_PROT_READ);
	assert_int_equal(l.v[0].origin, IOAS_ORIGIN_IVMD);
	ioas_region_list_fini(&l);
}

static void test_merge_equal_start_later_insert_is_kept(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	/*
	 * The kernel places the new region before an equal (start, type)
	 * element, so the newcomer is the one kept.
	 */
	t_insert(&l, REGP(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff, 0,
			  IOAS_ORIGIN_X86_MSI));
	t_insert(&l, REGP(IOAS_REGION_MSI, 0xfee00000, 0xfee0ffff,
			  IOAS_PROT_WRITE, IOAS_ORIGIN_USER));
	EXPECT(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	assert_int_equal(l.v[0].prot, IOAS_PROT_WRITE);
	assert_int_equal(l.v[0].origin, IOAS_ORIGIN_USER);
	ioas_region_list_fini(&l);
}

static void test_merge_one_byte_gap_keeps_regions_apart(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x2001, 0x2fff));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
	       REG(IOAS_REGION_RESERVED, 0x2001, 0x2fff));
	/* Filling the one byte joins them */
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x2000, 0x2000));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	ioas_region_list_fini(&l);
}

static void test_merge_touching_from_below_merges(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_MSI, 0x2000, 0x2fff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	EXPECT(&l, REG(IOAS_REGION_MSI, 0x1000, 0x2fff));
	ioas_region_list_fini(&l);
}

static void test_merge_contained_region_is_absorbed(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x8fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff));
	/* last is the max of both, not the absorbed region's last */
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x8fff));
	ioas_region_list_fini(&l);
}

static void test_merge_wide_region_swallows_several(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x0, 0xfff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x4000, 0x4fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x800, 0x4800));
	/* The MSI region in between is neither merged nor moved */
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x0, 0x4fff),
	       REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	ioas_region_list_fini(&l);
}

static void test_merge_different_types_overlap_freely(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	uint32_t t;

	(void)state;
	for (t = 0; t < IOAS_REGION_NR_TYPES; t++)
		t_insert(&l, REG(t, 0x1000, 0x1fff));
	/* Touching regions of other types do not merge either */
	t_insert(&l, REG(IOAS_REGION_MSI, 0x2000, 0x2fff));
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 0x1000, 0x1fff),
	       REG(IOAS_REGION_DIRECT_RELAXABLE, 0x1000, 0x1fff),
	       REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
	       REG(IOAS_REGION_MSI, 0x1000, 0x2fff),
	       REG(IOAS_REGION_SW_MSI, 0x1000, 0x1fff));
	ioas_region_list_fini(&l);
}

static void test_order_ties_by_type_whatever_the_insert_order(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	int t;

	(void)state;
	for (t = IOAS_REGION_NR_TYPES - 1; t >= 0; t--)
		t_insert(&l, REG((uint32_t)t, 0x5000, 0x5fff + (uint32_t)t));
	t_insert(&l, REG(IOAS_REGION_SW_MSI, 0x100, 0x1ff));
	EXPECT(&l, REG(IOAS_REGION_SW_MSI, 0x100, 0x1ff),
	       REG(IOAS_REGION_DIRECT, 0x5000, 0x5fff),
	       REG(IOAS_REGION_DIRECT_RELAXABLE, 0x5000, 0x6000),
	       REG(IOAS_REGION_RESERVED, 0x5000, 0x6001),
	       REG(IOAS_REGION_MSI, 0x5000, 0x6002),
	       REG(IOAS_REGION_SW_MSI, 0x5000, 0x6003));
	ioas_region_list_fini(&l);
}

static void test_merge_pass_leaves_other_types_untouched(void **state)
{
	/* Not in merged form: two touching RESERVED regions, as a hand-built
	 * or sysfs-read list may be. */
	static const struct ioas_region raw[] = {
		REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
		REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff),
	};
	struct ioas_region_list l;

	(void)state;
	build_list(&l, raw, ARRAY_SIZE(raw));
	/* An MSI insert only runs the merge pass over MSI regions */
	assert_int_equal(ioas_region_list_insert(&l,
		&REG(IOAS_REGION_MSI, 0x0, 0xfff)), 0);
	EXPECT(&l, REG(IOAS_REGION_MSI, 0x0, 0xfff),
	       REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
	       REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff));
	/* A RESERVED insert merges every RESERVED region */
	assert_int_equal(ioas_region_list_insert(&l,
		&REG(IOAS_REGION_RESERVED, 0x8000, 0x8fff)), 0);
	EXPECT(&l, REG(IOAS_REGION_MSI, 0x0, 0xfff),
	       REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff),
	       REG(IOAS_REGION_RESERVED, 0x8000, 0x8fff));
	ioas_region_list_fini(&l);
}

static void test_merge_saturates_at_top_of_address_space(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	/*
	 * The kernel computes K.last + 1 = 0 here and keeps the overlapping
	 * second region apart; ioas saturates and merges it.
	 */
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0xffffffffffff0000, MAX64));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0xfffffffffffff000, MAX64));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0xffffffffffff0000, MAX64));
	t_insert(&l, REG(IOAS_REGION_RESERVED, MAX64, MAX64));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0xffffffffffff0000, MAX64));
	ioas_region_list_fini(&l);
}

static void test_merge_whole_space_region_absorbs_its_type(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0xfd00000000, 0xffffffffff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0, MAX64));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0, MAX64),
	       REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	/* Anything of that type inserted later is absorbed too */
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x5000, MAX64));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0, MAX64),
	       REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	ioas_region_list_fini(&l);
}

static void test_merge_single_byte_regions_at_both_ends(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_DIRECT, MAX64, MAX64));
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0, 0));
	t_insert(&l, REG(IOAS_REGION_DIRECT, 1, 1));
	t_insert(&l, REG(IOAS_REGION_DIRECT, MAX64 - 1, MAX64 - 1));
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 0, 1),
	       REG(IOAS_REGION_DIRECT, MAX64 - 1, MAX64));
	ioas_region_list_fini(&l);
}

static void test_insert_rejects_start_after_last(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct ioas_region *v;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	v = l.v;
	assert_int_equal(ioas_region_list_insert(&l,
		&REG(IOAS_REGION_RESERVED, 0x2000, 0x1fff)), -EINVAL);
	/* The list is unchanged */
	assert_ptr_equal(l.v, v);
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	ioas_region_list_fini(&l);
}

static void test_insert_rejects_unknown_type(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(ioas_region_list_insert(&l,
		&REG(IOAS_REGION_NR_TYPES, 0x1000, 0x1fff)), -EINVAL);
	assert_int_equal(ioas_region_list_insert(&l,
		&REG(UINT32_MAX, 0x1000, 0x1fff)), -EINVAL);
	assert_int_equal(l.nr, 0);
	assert_null(l.v);
}

static void test_insert_single_byte_region_is_valid(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1000));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x1000));
	ioas_region_list_fini(&l);
}

static void test_insert_keeps_prot_and_origin_of_unmerged(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REGP(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff,
			  IOAS_PROT_WRITE | IOAS_PROT_NOEXEC | IOAS_PROT_MMIO,
			  IOAS_ORIGIN_SMMU_SW_MSI));
	t_insert(&l, REGP(IOAS_REGION_RESERVED, 0x8000000, 0x80fffff,
			  IOAS_PROT_PRIV, IOAS_ORIGIN_DT_RESV));
	assert_int_equal(l.v[0].prot, IOAS_PROT_PRIV);
	assert_int_equal(l.v[0].origin, IOAS_ORIGIN_DT_RESV);
	assert_int_equal(l.v[1].prot,
			 IOAS_PROT_WRITE | IOAS_PROT_NOEXEC | IOAS_PROT_MMIO);
	assert_int_equal(l.v[1].origin, IOAS_ORIGIN_SMMU_SW_MSI);
	ioas_region_list_fini(&l);
}

static void test_insert_many_regions_grows_the_list(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	uint64_t i;

	(void)state;
	/* Descending starts: every insert goes to the front */
	for (i = 100; i > 0; i--)
		t_insert(&l, REG(IOAS_REGION_RESERVED, i * 0x2000,
				 i * 0x2000 + 0xfff));
	assert_int_equal(l.nr, 100);
	assert_int_equal(l.v[0].range.start, 0x2000);
	assert_int_equal(l.v[99].range.start, 100 * 0x2000);
	/* Odd pages fill the gaps: everything joins into one region */
	for (i = 1; i <= 100; i++)
		t_insert(&l, REG(IOAS_REGION_RESERVED, i * 0x2000 + 0x1000,
				 i * 0x2000 + 0x1fff));
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x2000, 100 * 0x2000 + 0x1fff));
	ioas_region_list_fini(&l);
}

/* ioas_region_list_merge ------------------------------------------------- */

static void test_list_merge_inserts_in_source_order(void **state)
{
	struct ioas_region_list dst = IOAS_REGION_LIST_INIT;
	struct ioas_region_list src = IOAS_REGION_LIST_INIT;
	static const struct ioas_region dev[] = {
		/* A device's list, in the driver's order (not sorted) */
		REGP(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff, 0,
		     IOAS_ORIGIN_X86_MSI),
		REGP(IOAS_REGION_RESERVED, 0xfd00000000, 0xffffffffff, 0,
		     IOAS_ORIGIN_AMD_HT),
		REGP(IOAS_REGION_DIRECT, 0x1000, 0x1fff, IOAS_PROT_READ,
		     IOAS_ORIGIN_IVMD),
		REGP(IOAS_REGION_DIRECT, 0x1000, 0x1fff, IOAS_PROT_WRITE,
		     IOAS_ORIGIN_IVMD),
	};

	(void)state;
	build_list(&src, dev, ARRAY_SIZE(dev));
	t_insert(&dst, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	assert_int_equal(ioas_region_list_merge(&dst, &src), 0);
	check_merged_form(&dst);
	EXPECT(&dst, REG(IOAS_REGION_DIRECT, 0x1000, 0x1fff),
	       REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff),
	       REG(IOAS_REGION_RESERVED, 0xfd00000000, 0xffffffffff));
	/* Equal duplicates: the later one goes in front and is kept */
	assert_int_equal(dst.v[0].prot, IOAS_PROT_WRITE);
	/* The source is not modified */
	expect_identical(src.v, dev, ARRAY_SIZE(dev));
	ioas_region_list_fini(&dst);
	ioas_region_list_fini(&src);
}

static void test_list_merge_rejects_bad_region_without_change(void **state)
{
	struct ioas_region_list dst = IOAS_REGION_LIST_INIT;
	struct ioas_region_list src;
	static const struct ioas_region dev[] = {
		REG(IOAS_REGION_RESERVED, 0x3000, 0x3fff),
		REG(IOAS_REGION_RESERVED, 0x5000, 0x4fff),
	};
	static const struct ioas_region dev2[] = {
		REG(IOAS_REGION_RESERVED, 0x3000, 0x3fff),
		REG(IOAS_REGION_NR_TYPES, 0x5000, 0x5fff),
	};

	(void)state;
	t_insert(&dst, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	/* The first region alone would merge; nothing happens at all */
	build_list(&src, dev, ARRAY_SIZE(dev));
	assert_int_equal(ioas_region_list_merge(&dst, &src), -EINVAL);
	EXPECT(&dst, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	ioas_region_list_fini(&src);
	build_list(&src, dev2, ARRAY_SIZE(dev2));
	assert_int_equal(ioas_region_list_merge(&dst, &src), -EINVAL);
	EXPECT(&dst, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	ioas_region_list_fini(&src);
	ioas_region_list_fini(&dst);
}

static void test_list_merge_into_itself_reinserts_each(void **state)
{
	static const struct ioas_region raw[] = {
		REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
		REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff),
		REG(IOAS_REGION_MSI, 0x1000, 0x1fff),
	};
	struct ioas_region_list l;

	(void)state;
	build_list(&l, raw, ARRAY_SIZE(raw));
	assert_int_equal(ioas_region_list_merge(&l, &l), 0);
	check_merged_form(&l);
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff),
	       REG(IOAS_REGION_MSI, 0x1000, 0x1fff));
	ioas_region_list_fini(&l);
}

static void test_list_merge_of_empty_source_changes_nothing(void **state)
{
	struct ioas_region_list dst = IOAS_REGION_LIST_INIT;
	struct ioas_region_list src = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(ioas_region_list_merge(&dst, &src), 0);
	assert_null(dst.v);
	t_insert(&dst, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	assert_int_equal(ioas_region_list_merge(&dst, &src), 0);
	EXPECT(&dst, REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff));
	ioas_region_list_fini(&dst);
}

/* ioas_region_list_ranges ------------------------------------------------ */

static void test_ranges_skip_direct_relaxable(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct ioas_range_list r = IOAS_RANGE_LIST_INIT;

	(void)state;
	/* The RMRR fixture group: floppy WA + x86 MSI */
	t_insert(&l, REG(IOAS_REGION_DIRECT_RELAXABLE, 0x0, 0xffffff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0x50000000, 0x500fffff));
	assert_int_equal(ioas_region_list_ranges(&l, &r), 0);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.v[0].start, 0x50000000);
	assert_int_equal(r.v[0].last, 0x500fffff);
	assert_int_equal(r.v[1].start, 0xfee00000);
	assert_int_equal(r.v[1].last, 0xfeefffff);
	assert_int_equal(ioas_range_list_check(&r), 0);
	ioas_range_list_fini(&r);
	ioas_region_list_fini(&l);
}

static void test_ranges_union_overlapping_types(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct ioas_range_list r = IOAS_RANGE_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0x1000, 0x2fff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0x2000, 0x3fff));
	t_insert(&l, REG(IOAS_REGION_SW_MSI, 0x4000, 0x4fff));
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0x0, 0xfff));
	assert_int_equal(ioas_region_list_ranges(&l, &r), 0);
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.v[0].start, 0x0);
	assert_int_equal(r.v[0].last, 0x4fff);
	ioas_range_list_fini(&r);
	ioas_region_list_fini(&l);
}

static void test_ranges_replace_previous_output(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct ioas_range_list r = IOAS_RANGE_LIST_INIT;
	struct ioas_range junk = { 0x100000, 0x1fffff };

	(void)state;
	assert_int_equal(ioas_range_list_add(&r, &junk), 0);
	t_insert(&l, REG(IOAS_REGION_DIRECT_RELAXABLE, 0x0, 0xffffff));
	/* Only relaxable regions: nothing is excluded */
	assert_int_equal(ioas_region_list_ranges(&l, &r), 0);
	assert_int_equal(r.nr, 0);
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0, MAX64));
	assert_int_equal(ioas_region_list_ranges(&l, &r), 0);
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.v[0].start, 0);
	assert_int_equal(r.v[0].last, MAX64);
	ioas_range_list_fini(&r);
	ioas_region_list_fini(&l);
}

static void test_ranges_of_unsorted_list_are_canonical(void **state)
{
	static const struct ioas_region raw[] = {
		REG(IOAS_REGION_MSI, 0x9000, 0x9fff),
		REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
		REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff),
	};
	struct ioas_region_list l;
	struct ioas_range_list r = IOAS_RANGE_LIST_INIT;

	(void)state;
	build_list(&l, raw, ARRAY_SIZE(raw));
	assert_int_equal(ioas_region_list_ranges(&l, &r), 0);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.v[0].start, 0x1000);
	assert_int_equal(r.v[0].last, 0x2fff);
	assert_int_equal(r.v[1].start, 0x9000);
	assert_int_equal(ioas_range_list_check(&r), 0);
	ioas_range_list_fini(&r);
	ioas_region_list_fini(&l);
}

/* sysfs parse: accepted input -------------------------------------------- */

/* Lines as Linux 6.12 printed them (fixtures kernel-6.12-x86-results). */
#define FIX_X86_MSI "0x00000000fee00000 0x00000000feefffff msi\n"
#define FIX_RMRR_DIRECT "0x0000000050000000 0x00000000500fffff direct\n"
#define FIX_RMRR_USB "0x0000000040000000 0x0000000040ffffff direct-relaxable\n"
#define FIX_FLOPPY "0x0000000000000000 0x0000000000ffffff direct-relaxable\n"
#define FIX_ARM_SW_MSI "0x0000000008000000 0x00000000080fffff msi\n"

static int parse_str(const char *s, struct ioas_region_list *out,
		     struct ioas_diag *diag)
{
	return ioas_region_sysfs_parse(s, strlen(s), out, diag);
}

static void test_parse_fixture_x86_msi_line(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str(FIX_X86_MSI, &l, NULL), 1);
	EXPECT(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	ioas_region_list_fini(&l);
}

static void test_parse_fixture_rmrr_groups(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	/* group 1 of deb-intel-rmrr-tcg */
	assert_int_equal(parse_str(FIX_RMRR_DIRECT FIX_X86_MSI, &l, NULL), 2);
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 0x50000000, 0x500fffff),
	       REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	/* group 4 */
	assert_int_equal(parse_str(FIX_RMRR_USB FIX_X86_MSI, &l, NULL), 2);
	EXPECT(&l, REG(IOAS_REGION_DIRECT_RELAXABLE, 0x40000000, 0x40ffffff),
	       REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	/* group 5: the ISA floppy workaround starts at 0 */
	assert_int_equal(parse_str(FIX_FLOPPY FIX_X86_MSI, &l, NULL), 2);
	EXPECT(&l, REG(IOAS_REGION_DIRECT_RELAXABLE, 0x0, 0xffffff),
	       REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	ioas_region_list_fini(&l);
}

static void test_parse_msi_is_hardware_msi_and_sw_msi_is_accepted(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str(FIX_ARM_SW_MSI
				   "0x0000000008000000 0x00000000080fffff sw-msi\n",
				   &l, NULL), 2);
	EXPECT(&l, REG(IOAS_REGION_MSI, 0x8000000, 0x80fffff),
	       REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	ioas_region_list_fini(&l);
}

static void test_parse_every_type_name(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str("0x1 0x1 direct\n"
				   "0x2 0x2 direct-relaxable\n"
				   "0x3 0x3 reserved\n"
				   "0x4 0x4 msi\n"
				   "0x5 0x5 sw-msi\n", &l, NULL), 5);
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 1, 1),
	       REG(IOAS_REGION_DIRECT_RELAXABLE, 2, 2),
	       REG(IOAS_REGION_RESERVED, 3, 3),
	       REG(IOAS_REGION_MSI, 4, 4),
	       REG(IOAS_REGION_SW_MSI, 5, 5));
	ioas_region_list_fini(&l);
}

static void test_parse_last_newline_is_optional(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str(FIX_RMRR_DIRECT
				   "0x00000000fee00000 0x00000000feefffff msi",
				   &l, NULL), 2);
	EXPECT(&l, REG(IOAS_REGION_DIRECT, 0x50000000, 0x500fffff),
	       REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	ioas_region_list_fini(&l);
}

static void test_parse_empty_file_is_zero_regions(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str(FIX_X86_MSI, &l, NULL), 1);
	/* An empty group prints nothing; the old content is replaced */
	assert_int_equal(ioas_region_sysfs_parse("", 0, &l, NULL), 0);
	assert_int_equal(l.nr, 0);
	assert_int_equal(ioas_region_sysfs_parse(NULL, 0, &l, NULL), 0);
	assert_int_equal(l.nr, 0);
	ioas_region_list_fini(&l);
}

static void test_parse_accepts_short_and_uppercase_hex(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str("0xFEE00000 0xfeeFFfff msi\n"
				   "0x0 0xA reserved\n", &l, NULL), 2);
	EXPECT(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff),
	       REG(IOAS_REGION_RESERVED, 0, 0xa));
	ioas_region_list_fini(&l);
}

static void test_parse_accepts_whole_address_space(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str("0x0000000000000000 0xffffffffffffffff reserved\n"
				   "0xffffffffffffffff 0xFFFFFFFFFFFFFFFF direct\n",
				   &l, NULL), 2);
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0, MAX64),
	       REG(IOAS_REGION_DIRECT, MAX64, MAX64));
	ioas_region_list_fini(&l);
}

static void test_parse_keeps_file_order_without_merging(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str("0x3000 0x3fff reserved\n"
				   "0x1000 0x1fff reserved\n"
				   "0x2000 0x2fff reserved\n", &l, NULL), 3);
	EXPECT(&l, REG(IOAS_REGION_RESERVED, 0x3000, 0x3fff),
	       REG(IOAS_REGION_RESERVED, 0x1000, 0x1fff),
	       REG(IOAS_REGION_RESERVED, 0x2000, 0x2fff));
	ioas_region_list_fini(&l);
}

static void test_parse_sets_origin_unknown_and_prot_zero(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str(FIX_ARM_SW_MSI, &l, NULL), 1);
	assert_int_equal(l.v[0].origin, IOAS_ORIGIN_UNKNOWN);
	assert_int_equal(l.v[0].prot, 0);
	ioas_region_list_fini(&l);
}

static void test_parse_reads_only_len_bytes(void **state)
{
	static const char text[] = FIX_X86_MSI "garbage";
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(ioas_region_sysfs_parse(text, strlen(FIX_X86_MSI),
						 &l, NULL), 1);
	/* Cut inside the type: "msix" read as "msi" */
	assert_int_equal(ioas_region_sysfs_parse("0x1 0x2 msix", 11, &l, NULL),
			 1);
	EXPECT(&l, REG(IOAS_REGION_MSI, 1, 2));
	ioas_region_list_fini(&l);
}

static void test_parse_many_lines(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	char buf[200 * 64], *p = buf;
	int i;

	(void)state;
	for (i = 0; i < 200; i++)
		p += sprintf(p, "0x%016llx 0x%016llx reserved\n",
			     (unsigned long long)i * 0x10000,
			     (unsigned long long)i * 0x10000 + 0xfff);
	assert_int_equal(ioas_region_sysfs_parse(buf, (size_t)(p - buf), &l,
						 NULL),
			 200);
	assert_int_equal(l.v[199].range.start, 199 * 0x10000);
	ioas_region_list_fini(&l);
}

/* sysfs parse: one test per malformation --------------------------------- */

/*
 * Parse @len bytes of @text into a list holding one sentinel region and
 * check -EBADMSG, the diagnostic, and that the list is untouched.
 */
static void expect_bad_n(const char *text, size_t len, unsigned int line,
			 size_t offset, const char *reason)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct ioas_diag d = { 12345, 678, "untouched" };
	struct ioas_region *v;

	t_insert(&l, REGP(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff, 7,
			  IOAS_ORIGIN_USER));
	v = l.v;
	assert_int_equal(ioas_region_sysfs_parse(text, len, &l, &d), -EBADMSG);
	assert_string_equal(d.reason, reason);
	assert_int_equal(d.line, line);
	assert_int_equal(d.offset, offset);
	/* The output is untouched */
	assert_ptr_equal(l.v, v);
	EXPECT(&l, REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	assert_int_equal(l.v[0].prot, 7);
	assert_int_equal(l.v[0].origin, IOAS_ORIGIN_USER);
	/* Without a diag the error is the same */
	assert_int_equal(ioas_region_sysfs_parse(text, len, &l, NULL),
			 -EBADMSG);
	EXPECT(&l, REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	ioas_region_list_fini(&l);
}

static void expect_bad(const char *text, unsigned int line, size_t offset,
		       const char *reason)
{
	expect_bad_n(text, strlen(text), line, offset, reason);
}

#define NOT_HEX_START "start is not a hex number"
#define NOT_HEX_LAST "last is not a hex number"

static void test_parse_rejects_start_with_non_hex_digit(void **state)
{
	(void)state;
	expect_bad("0xg000000000001000 0x2000 msi\n", 1, 2, NOT_HEX_START);
	expect_bad("0x12g4 0x2000 msi\n", 1, 4, NOT_HEX_START);
}

static void test_parse_rejects_start_without_0x_prefix(void **state)
{
	(void)state;
	expect_bad("1000 0x2000 msi\n", 1, 0, NOT_HEX_START);
	expect_bad("x1000 0x2000 msi\n", 1, 0, NOT_HEX_START);
	expect_bad("0", 1, 1, NOT_HEX_START);
}

static void test_parse_rejects_uppercase_0X_prefix(void **state)
{
	(void)state;
	expect_bad("0X1000 0x2000 msi\n", 1, 1, NOT_HEX_START);
	expect_bad("0x1000 0X2000 msi\n", 1, 8, NOT_HEX_LAST);
}

static void test_parse_rejects_0x_without_digits(void **state)
{
	(void)state;
	expect_bad("0x 0x2000 msi\n", 1, 2, NOT_HEX_START);
	expect_bad("0x1000 0x msi\n", 1, 9, NOT_HEX_LAST);
}

static void test_parse_rejects_negative_number(void **state)
{
	(void)state;
	expect_bad("-0x1000 0x2000 msi\n", 1, 0, NOT_HEX_START);
}

static void test_parse_rejects_start_with_17_digits(void **state)
{
	(void)state;
	/* Even a leading zero: the kernel never prints more than 16 */
	expect_bad("0x00000000000001000 0x2000 msi\n", 1, 18,
		   "start has more than 16 hex digits");
}

static void test_parse_rejects_last_with_17_digits(void **state)
{
	(void)state;
	expect_bad("0x1000 0x10000000000000000 msi\n", 1, 25,
		   "last has more than 16 hex digits");
}

static void test_parse_rejects_last_with_non_hex_digit(void **state)
{
	(void)state;
	expect_bad("0x1000 0xzz msi\n", 1, 9, NOT_HEX_LAST);
	expect_bad("0x1000 0x1fffg msi\n", 1, 13, NOT_HEX_LAST);
}

static void test_parse_rejects_start_after_last(void **state)
{
	(void)state;
	expect_bad("0x2000 0x1fff reserved\n", 1, 7, "start > last");
	expect_bad("0xffffffffffffffff 0x0 reserved\n", 1, 19,
		   "start > last");
}

static void test_parse_rejects_unknown_type(void **state)
{
	(void)state;
	expect_bad("0x1000 0x1fff msix\n", 1, 14, "unknown region type");
	expect_bad("0x1000 0x1fff MSI\n", 1, 14, "unknown region type");
	expect_bad("0x1000 0x1fff sw_msi\n", 1, 14, "unknown region type");
	expect_bad("0x1000 0x1fff msi\t\n", 1, 14, "unknown region type");
}

static void test_parse_rejects_trailing_characters(void **state)
{
	(void)state;
	expect_bad("0x1000 0x1fff msi extra\n", 1, 17, "trailing characters");
}

static void test_parse_rejects_trailing_space(void **state)
{
	(void)state;
	expect_bad("0x1000 0x1fff msi \n", 1, 17, "trailing characters");
}

static void test_parse_rejects_nul_byte(void **state)
{
	static const char a[] = "0x1000\0 0x1fff msi\n";
	static const char b[] = FIX_X86_MSI "0x1000 0x1fff msi\0\n";

	(void)state;
	expect_bad_n(a, sizeof(a) - 1, 1, 6, "NUL byte");
	/* A NUL is named even where another error comes first */
	expect_bad_n(b, sizeof(b) - 1, 2, strlen(FIX_X86_MSI) + 17,
		     "NUL byte");
	expect_bad_n("\0", 1, 1, 0, "NUL byte");
}

static void test_parse_rejects_missing_type(void **state)
{
	(void)state;
	expect_bad("0x1000 0x1fff\n", 1, 13, "missing field");
	expect_bad("0x1000 0x1fff \n", 1, 14, "missing field");
	expect_bad("0x1000 0x1fff", 1, 13, "missing field");
	expect_bad("0x1000 0x1fff  msi\n", 1, 14, "missing field");
}

static void test_parse_rejects_missing_last(void **state)
{
	(void)state;
	expect_bad("0x1000\n", 1, 6, "missing field");
	expect_bad("0x1000 \n", 1, 7, "missing field");
	expect_bad("0x1000 0x\n", 1, 9, "missing field");
	expect_bad("0x", 1, 2, "missing field");
}

static void test_parse_rejects_crlf(void **state)
{
	(void)state;
	expect_bad("0x1000 0x1fff msi\r\n", 1, 17, "CRLF line ending");
	expect_bad(FIX_X86_MSI "0x1000 0x1fff msi\r", 2,
		   strlen(FIX_X86_MSI) + 17, "CRLF line ending");
}

static void test_parse_rejects_blank_line(void **state)
{
	(void)state;
	/* At the end, in the middle, at the start, alone */
	expect_bad(FIX_X86_MSI "\n", 2, strlen(FIX_X86_MSI), "blank line");
	expect_bad(FIX_X86_MSI "\n" FIX_X86_MSI, 2, strlen(FIX_X86_MSI),
		   "blank line");
	expect_bad("\n" FIX_X86_MSI, 1, 0, "blank line");
	expect_bad("\n", 1, 0, "blank line");
}

static void test_parse_rejects_double_space(void **state)
{
	(void)state;
	expect_bad("0x1000  0x1fff msi\n", 1, 7, NOT_HEX_LAST);
}

static void test_parse_rejects_tab_separator(void **state)
{
	(void)state;
	expect_bad("0x1000\t0x1fff msi\n", 1, 6, NOT_HEX_START);
	expect_bad("0x1000 0x1fff\tmsi\n", 1, 13, NOT_HEX_LAST);
}

static void test_parse_rejects_leading_space(void **state)
{
	(void)state;
	expect_bad(" 0x1000 0x1fff msi\n", 1, 0, NOT_HEX_START);
	expect_bad(" ", 1, 0, NOT_HEX_START);
}

static void test_parse_reports_line_and_absolute_offset(void **state)
{
	(void)state;
	/* Third line bad; the offset counts from the start of the buffer */
	expect_bad(FIX_RMRR_DIRECT FIX_X86_MSI "0x1000 0x0fff msi\n", 3,
		   strlen(FIX_RMRR_DIRECT FIX_X86_MSI) + 7, "start > last");
}

static void test_parse_stops_at_first_bad_line(void **state)
{
	(void)state;
	expect_bad("0x1 0x2 bogus\n0x3 0x2 msi\n", 1, 8,
		   "unknown region type");
}

static void test_parse_success_leaves_diag_untouched(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct ioas_diag d = { 1, 2, "untouched" };

	(void)state;
	assert_int_equal(parse_str(FIX_X86_MSI, &l, &d), 1);
	assert_int_equal(d.offset, 1);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.reason, "untouched");
	ioas_region_list_fini(&l);
}

/* sysfs print ------------------------------------------------------------ */

static void expect_print(const struct ioas_region_list *l, const char *text)
{
	char buf[4096];
	size_t need = 0, n = strlen(text);

	memset(buf, '#', sizeof(buf));
	assert_int_equal(ioas_region_sysfs_print(l, buf, sizeof(buf), &need),
			 (long)n);
	assert_int_equal(need, n);
	assert_memory_equal(buf, text, n);
	/* No NUL terminator */
	assert_int_equal(buf[n], '#');
}

static void test_print_x86_msi_byte_exact(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	expect_print(&l, FIX_X86_MSI);
	ioas_region_list_fini(&l);
}

static void test_print_sw_msi_as_msi(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	expect_print(&l, "0x0000000008000000 0x00000000080fffff msi\n");
	ioas_region_list_fini(&l);
}

static void test_print_every_type_with_kernel_string(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0x50000000, 0x500fffff));
	t_insert(&l, REG(IOAS_REGION_DIRECT_RELAXABLE, 0x0, 0xffffff));
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0xfd00000000, 0xffffffffff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	expect_print(&l, FIX_FLOPPY FIX_RMRR_DIRECT FIX_X86_MSI
		     "0x000000fd00000000 0x000000ffffffffff reserved\n");
	ioas_region_list_fini(&l);
}

static void test_print_line_is_39_bytes_plus_type(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	size_t need = 0;
	uint32_t t;

	(void)state;
	for (t = 0; t < IOAS_REGION_NR_TYPES; t++) {
		ioas_region_list_fini(&l);
		t_insert(&l, REG(t, 0x1000, 0x1fff));
		assert_int_equal(ioas_region_sysfs_print(&l, NULL, 0, &need),
				 -EMSGSIZE);
		assert_int_equal(need,
				 39 + strlen(ioas_region_type_sysfs_name(t)));
	}
	ioas_region_list_fini(&l);
}

static void test_print_address_space_boundaries(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_RESERVED, 0, MAX64));
	t_insert(&l, REG(IOAS_REGION_DIRECT, MAX64, MAX64));
	expect_print(&l, "0x0000000000000000 0xffffffffffffffff reserved\n"
		     "0xffffffffffffffff 0xffffffffffffffff direct\n");
	ioas_region_list_fini(&l);
}

static void test_print_empty_list_writes_nothing(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	size_t need = 99;

	(void)state;
	assert_int_equal(ioas_region_sysfs_print(&l, NULL, 0, &need), 0);
	assert_int_equal(need, 0);
}

static void test_print_short_buffer_is_emsgsize_with_needed(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	const size_t n = strlen(FIX_RMRR_DIRECT FIX_X86_MSI);
	char buf[128];
	size_t need = 0;

	(void)state;
	t_insert(&l, REG(IOAS_REGION_DIRECT, 0x50000000, 0x500fffff));
	t_insert(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	memset(buf, '#', sizeof(buf));
	assert_int_equal(ioas_region_sysfs_print(&l, buf, n - 1, &need),
			 -EMSGSIZE);
	assert_int_equal(need, n);
	/* Nothing is written */
	assert_int_equal(buf[0], '#');
	/* Asking with no buffer gives the size too */
	need = 0;
	assert_int_equal(ioas_region_sysfs_print(&l, NULL, 0, &need),
			 -EMSGSIZE);
	assert_int_equal(need, n);
	/* @needed is optional */
	assert_int_equal(ioas_region_sysfs_print(&l, buf, n - 1, NULL),
			 -EMSGSIZE);
	ioas_region_list_fini(&l);
}

static void test_print_exact_size_fits(void **state)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	const size_t n = strlen(FIX_X86_MSI);
	char buf[64];

	(void)state;
	t_insert(&l, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	memset(buf, '#', sizeof(buf));
	assert_int_equal(ioas_region_sysfs_print(&l, buf, n, NULL), (long)n);
	assert_memory_equal(buf, FIX_X86_MSI, n);
	assert_int_equal(buf[n], '#');
	ioas_region_list_fini(&l);
}

static void test_print_rejects_unknown_type(void **state)
{
	static const struct ioas_region raw[] = {
		REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff),
		REG(IOAS_REGION_NR_TYPES, 0x1000, 0x1fff),
	};
	struct ioas_region_list l;
	char buf[256];
	size_t need = 4242;

	(void)state;
	build_list(&l, raw, ARRAY_SIZE(raw));
	assert_int_equal(ioas_region_sysfs_print(&l, buf, sizeof(buf), &need),
			 -EINVAL);
	assert_int_equal(need, 4242);
	ioas_region_list_fini(&l);
}

/* Round trips ------------------------------------------------------------ */

static void test_round_trip_kernel_text_parse_then_print(void **state)
{
	static const char text[] = FIX_FLOPPY FIX_RMRR_DIRECT FIX_X86_MSI
		"0x000000fd00000000 0x000000ffffffffff reserved\n"
		"0x0000000000000000 0xffffffffffffffff direct\n";
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;

	(void)state;
	assert_int_equal(parse_str(text, &l, NULL), 5);
	expect_print(&l, text);
	ioas_region_list_fini(&l);
}

static void test_round_trip_list_print_then_parse(void **state)
{
	struct ioas_region_list a = IOAS_REGION_LIST_INIT;
	struct ioas_region_list b = IOAS_REGION_LIST_INIT;
	char buf[1024];
	long n;
	size_t i;

	(void)state;
	t_insert(&a, REG(IOAS_REGION_DIRECT, 0, 0));
	t_insert(&a, REG(IOAS_REGION_DIRECT_RELAXABLE, 0x40000000, 0x40ffffff));
	t_insert(&a, REG(IOAS_REGION_RESERVED, 0x1234, 0x56789abcdef));
	t_insert(&a, REG(IOAS_REGION_MSI, 0xfee00000, 0xfeefffff));
	t_insert(&a, REG(IOAS_REGION_SW_MSI, 0x8000000, 0x80fffff));
	t_insert(&a, REG(IOAS_REGION_RESERVED, MAX64, MAX64));
	n = ioas_region_sysfs_print(&a, buf, sizeof(buf), NULL);
	assert_true(n > 0);
	assert_int_equal(ioas_region_sysfs_parse(buf, (size_t)n, &b, NULL),
			 (int)a.nr);
	assert_int_equal(b.nr, a.nr);
	for (i = 0; i < a.nr; i++) {
		uint32_t t = a.v[i].type;

		assert_int_equal(b.v[i].range.start, a.v[i].range.start);
		assert_int_equal(b.v[i].range.last, a.v[i].range.last);
		/* sysfs cannot tell the MSI kinds apart */
		assert_int_equal(b.v[i].type,
				 t == IOAS_REGION_SW_MSI ? IOAS_REGION_MSI : t);
	}
	ioas_region_list_fini(&a);
	ioas_region_list_fini(&b);
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_type_names_are_the_kernels_plus_sw_msi),
		T(test_type_name_out_of_range_is_unknown),
		T(test_type_sysfs_name_prints_sw_msi_as_msi),
		T(test_type_names_round_trip_through_parse),
		T(test_type_parse_rejects_other_strings),
		T(test_type_parse_reads_only_len_bytes),
		T(test_origin_short_names_are_stable),
		T(test_origin_names_round_trip_through_parse),
		T(test_origin_parse_rejects_unknown_names),
		T(test_origin_descriptions_are_human_and_distinct),
		T(test_origin_out_of_range_is_unknown),
		T(test_list_init_is_empty_and_fini_null_is_noop),
		T(test_list_fini_leaves_list_empty_and_reusable),
		T(test_list_copy_duplicates_every_field),
		T(test_list_copy_replaces_previous_content),
		T(test_list_copy_onto_itself_is_noop),
		T(test_vector_touching_reserved_regions_merge),
		T(test_vector_reserved_and_msi_overlap_stay_apart),
		T(test_vector_equal_start_lists_lower_type_first),
		T(test_vector_two_devices_same_sw_msi_give_one_entry),
		T(test_vector_direct_gap_filled_later_merges_all),
		T(test_merge_keeps_prot_and_origin_of_first_kept),
		T(test_merge_lower_region_inserted_later_keeps_its_prot),
		T(test_merge_equal_start_later_insert_is_kept),
		T(test_merge_one_byte_gap_keeps_regions_apart),
		T(test_merge_touching_from_below_merges),
		T(test_merge_contained_region_is_absorbed),
		T(test_merge_wide_region_swallows_several),
		T(test_merge_different_types_overlap_freely),
		T(test_order_ties_by_type_whatever_the_insert_order),
		T(test_merge_pass_leaves_other_types_untouched),
		T(test_merge_saturates_at_top_of_address_space),
		T(test_merge_whole_space_region_absorbs_its_type),
		T(test_merge_single_byte_regions_at_both_ends),
		T(test_insert_rejects_start_after_last),
		T(test_insert_rejects_unknown_type),
		T(test_insert_single_byte_region_is_valid),
		T(test_insert_keeps_prot_and_origin_of_unmerged),
		T(test_insert_many_regions_grows_the_list),
		T(test_list_merge_inserts_in_source_order),
		T(test_list_merge_rejects_bad_region_without_change),
		T(test_list_merge_into_itself_reinserts_each),
		T(test_list_merge_of_empty_source_changes_nothing),
		T(test_ranges_skip_direct_relaxable),
		T(test_ranges_union_overlapping_types),
		T(test_ranges_replace_previous_output),
		T(test_ranges_of_unsorted_list_are_canonical),
		T(test_parse_fixture_x86_msi_line),
		T(test_parse_fixture_rmrr_groups),
		T(test_parse_msi_is_hardware_msi_and_sw_msi_is_accepted),
		T(test_parse_every_type_name),
		T(test_parse_last_newline_is_optional),
		T(test_parse_empty_file_is_zero_regions),
		T(test_parse_accepts_short_and_uppercase_hex),
		T(test_parse_accepts_whole_address_space),
		T(test_parse_keeps_file_order_without_merging),
		T(test_parse_sets_origin_unknown_and_prot_zero),
		T(test_parse_reads_only_len_bytes),
		T(test_parse_many_lines),
		T(test_parse_rejects_start_with_non_hex_digit),
		T(test_parse_rejects_start_without_0x_prefix),
		T(test_parse_rejects_uppercase_0X_prefix),
		T(test_parse_rejects_0x_without_digits),
		T(test_parse_rejects_negative_number),
		T(test_parse_rejects_start_with_17_digits),
		T(test_parse_rejects_last_with_17_digits),
		T(test_parse_rejects_last_with_non_hex_digit),
		T(test_parse_rejects_start_after_last),
		T(test_parse_rejects_unknown_type),
		T(test_parse_rejects_trailing_characters),
		T(test_parse_rejects_trailing_space),
		T(test_parse_rejects_nul_byte),
		T(test_parse_rejects_missing_type),
		T(test_parse_rejects_missing_last),
		T(test_parse_rejects_crlf),
		T(test_parse_rejects_blank_line),
		T(test_parse_rejects_double_space),
		T(test_parse_rejects_tab_separator),
		T(test_parse_rejects_leading_space),
		T(test_parse_reports_line_and_absolute_offset),
		T(test_parse_stops_at_first_bad_line),
		T(test_parse_success_leaves_diag_untouched),
		T(test_print_x86_msi_byte_exact),
		T(test_print_sw_msi_as_msi),
		T(test_print_every_type_with_kernel_string),
		T(test_print_line_is_39_bytes_plus_type),
		T(test_print_address_space_boundaries),
		T(test_print_empty_list_writes_nothing),
		T(test_print_short_buffer_is_emsgsize_with_needed),
		T(test_print_exact_size_fits),
		T(test_print_rejects_unknown_type),
		T(test_round_trip_kernel_text_parse_then_print),
		T(test_round_trip_list_print_then_parse),
	};

	return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
