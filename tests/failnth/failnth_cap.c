// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Allocation-failure sweep over the cap module (iommufd_fail_nth.c style).
 *
 * The encoders and decoders never allocate; the *_from_space() helpers do
 * (they read the space's usable ranges and regions first). For each helper,
 * in each profile, and for n = 1, 2, ...: make the n-th allocation fail and
 * call it on a buffer full of a sentinel byte. A call that reached the n-th
 * point must return -ENOMEM and leave the buffer untouched and the space
 * as it was; the sweep ends when the point is no longer reached, and that
 * call must produce exactly the bytes of the reference run. ASan/LSan and
 * valgrind catch leaks on every path. A last test proves the pure encoders
 * and decoders never reach an allocation point at all.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ioas_private.h"
#include "../unit/t_helpers.h"

#define BUFSZ 1024

static const struct ioas_region g1r[] = {
	{ { 0x40000000, 0x40ffffff },
	  IOAS_REGION_DIRECT_RELAXABLE,
	  IOAS_PROT_READ | IOAS_PROT_WRITE,
	  IOAS_ORIGIN_RMRR },
	{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0, IOAS_ORIGIN_X86_MSI },
	{ { 0x80000000, 0xbfffffff },
	  IOAS_REGION_RESERVED,
	  0,
	  IOAS_ORIGIN_PCI_WINDOW },
};
static const struct ioas_region g2r[] = {
	{ { 0x1000, 0x1fff }, IOAS_REGION_RESERVED, 0, IOAS_ORIGIN_USER },
	{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0, IOAS_ORIGIN_X86_MSI },
};

enum op { VFIO, VFIO_RESV, VFIO_SHORT, IOMMUFD, VIRTIO, NR_OPS };

static long run_op(struct ioas_space *s, int op, uint8_t *buf)
{
	size_t need;

	switch (op) {
	case VFIO:
		return ioas_cap_vfio_info_from_space(s, 0, BUFSZ, buf, BUFSZ);
	case VFIO_RESV:
		return ioas_cap_vfio_info_from_space(s, IOAS_CAP_WITH_RESV,
						     BUFSZ, buf, BUFSZ);
	case VFIO_SHORT:
		return ioas_cap_vfio_info_from_space(s, IOAS_CAP_WITH_RESV, 24,
						     buf, BUFSZ);
	case IOMMUFD:
		return ioas_cap_iommufd_ranges_from_space(s, 1, buf, BUFSZ);
	case VIRTIO:
		return ioas_cap_virtio_probe_from_space(s, buf, 256, &need);
	}
	return -EINVAL;
}

static struct ioas_space *build(uint32_t profile)
{
	struct ioas_space *s = t_space(profile, IOAS_SPACE_UNSAFE_INTERRUPTS);
	struct ioas_group_config a = t_group(1, 0, 0x7fffffffffull, g1r, 3);
	struct ioas_group_config b = t_group(2, 0, 0xffffffffffffull, g2r, 2);

	t_attach(s, &a);
	t_attach(s, &b);
	return s;
}

/* What the space says, to prove a failed call changed nothing. */
static void snapshot(struct ioas_space *s, struct ioas_range_list *u,
		     struct ioas_region_list *r)
{
	assert_int_equal(ioas_space_usable(s, u, NULL), 0);
	assert_int_equal(ioas_space_regions(s, r), 0);
	assert_int_equal(ioas_space_check(s), 0);
}

static void sweep(uint32_t profile)
{
	struct ioas_space *s = build(profile);
	struct ioas_range_list u0 = IOAS_RANGE_LIST_INIT;
	struct ioas_region_list r0 = IOAS_REGION_LIST_INIT;
	static uint8_t ref[BUFSZ], buf[BUFSZ];
	unsigned long points = 0;
	int op;

	if (!ioas_fail_nth_supported_())
		skip();
	snapshot(s, &u0, &r0);
	for (op = 0; op < NR_OPS; op++) {
		long want;
		unsigned long n;

		memset(ref, 0xee, sizeof(ref));
		want = run_op(s, op, ref);
		assert_true(want > 0);
		for (n = 1; n < 1000; n++) {
			struct ioas_range_list u = IOAS_RANGE_LIST_INIT;
			struct ioas_region_list r = IOAS_REGION_LIST_INIT;
			bool pending;
			long ret;
			size_t i;

			memset(buf, 0xee, sizeof(buf));
			ioas_fail_nth_set_(n);
			ret = run_op(s, op, buf);
			pending = ioas_fail_nth_pending_();
			ioas_fail_nth_set_(0);
			if (pending) {
				/* the n-th point was never reached */
				assert_int_equal(ret, want);
				assert_memory_equal(buf, ref, sizeof(buf));
				break;
			}
			points++;
			assert_int_equal(ret, -ENOMEM);
			for (i = 0; i < sizeof(buf); i++)
				if (buf[i] != 0xee)
					fail_msg(
						"profile %u op %d n=%lu wrote byte %zu on failure",
						profile, op, n, i);
			snapshot(s, &u, &r);
			assert_true(ioas_range_list_equal(&u, &u0));
			assert_int_equal(r.nr, r0.nr);
			ioas_range_list_fini(&u);
			ioas_region_list_fini(&r);
		}
	}
	printf("# %s: %lu injection points\n", ioas_profile_name(profile),
	       points);
	assert_true(points >= NR_OPS);
	ioas_range_list_fini(&u0);
	ioas_region_list_fini(&r0);
	ioas_space_free(s);
}

static void test_failnth_cap_type1(void **state)
{
	(void)state;
	sweep(IOAS_PROFILE_TYPE1);
}

static void test_failnth_cap_iommufd(void **state)
{
	(void)state;
	sweep(IOAS_PROFILE_IOMMUFD);
}

static void test_failnth_cap_native(void **state)
{
	(void)state;
	sweep(IOAS_PROFILE_NATIVE);
}

/* The pure encoders and decoders have no allocation point to fail. */
static void test_pure_functions_never_allocate(void **state)
{
	static const struct ioas_range r[] = { { 0, 0xfedfffff },
					       { 0xfef00000, 0x7fffffffff } };
	static const struct ioas_region reg[] = {
		{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0, 0 },
	};
	struct ioas_cap_resv e = { reg[0], IOAS_CAP_RESV_EXCLUDED };
	struct ioas_cap_vfio_src src = {
		.size = sizeof(src),
		.flags = IOAS_CAP_WITH_RESV,
		.iova_pgsizes = 0x40201000,
		.dma_avail = 65535,
		.iovas = r,
		.nr_iovas = 2,
		.resv = &e,
		.nr_resv = 1,
	};
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_cap_iommufd_ranges ir = { .size = sizeof(ir) };
	struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
	struct ioas_cap_virtio_resv v[2];
	struct ioas_cap_resv eo[2];
	struct ioas_range ro[2];
	static uint8_t buf[BUFSZ];

	(void)state;
	if (!ioas_fail_nth_supported_())
		skip();
	ioas_fail_nth_set_(1);
	assert_int_equal(ioas_cap_vfio_info_encode(&src, BUFSZ, buf, BUFSZ),
			 176);
	assert_int_equal(ioas_cap_vfio_info_decode(buf, BUFSZ, &vi, ro, 2, eo,
						   2, NULL),
			 0);
	assert_int_equal(ioas_cap_check(buf, BUFSZ, 24, NULL), 4);
	assert_int_equal(
		ioas_cap_iommufd_ranges_encode(r, 2, 0x1000, 1, buf, 64), 64);
	assert_int_equal(
		ioas_cap_iommufd_ranges_decode(buf, 64, &ir, ro, 2, NULL), 0);
	assert_int_equal(ioas_cap_virtio_probe_encode(reg, 1, buf, 64, NULL),
			 24);
	assert_int_equal(ioas_cap_virtio_probe_decode(buf, 64, &vp, v, 2, NULL),
			 0);
	assert_int_equal(ioas_cap_detect(buf, 64),
			 IOAS_CAP_FORMAT_VIRTIO_PROBE);
	/* still armed: nothing above reached an allocation point */
	assert_true(ioas_fail_nth_pending_());
	ioas_fail_nth_set_(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failnth_cap_type1),
		cmocka_unit_test(test_failnth_cap_iommufd),
		cmocka_unit_test(test_failnth_cap_native),
		cmocka_unit_test(test_pure_functions_never_allocate),
	};

	return cmocka_run_group_tests_name("failnth_cap", tests, NULL, NULL);
}
