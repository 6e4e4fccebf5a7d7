// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Allocation-failure sweep over space operations (iommufd_fail_nth.c
 * style). For every step of a script, in every profile, and for n = 1, 2,
 * ...: rebuild the space up to that step, snapshot it, make the n-th
 * allocation fail, run the step. A failed step must return -ENOMEM (or the
 * error it returns without injection) and leave the snapshot identical; the
 * sweep of a step ends when the n-th point is no longer reached. ASan/LSan
 * and valgrind catch leaks on every path.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ioas/msi.h>

#include "ioas_private.h"
#include "../unit/t_helpers.h"

static const struct ioas_region g1r[] = {
	R(SW_MSI, 0x8000000, 0x80fffff),
	R(RESERVED, 0xfd00000000ull, 0xffffffffffull),
};
static const struct ioas_region g2r[] = {
	R(MSI, 0xfee00000, 0xfeefffff),
	R(DIRECT_RELAXABLE, 0x40000000, 0x40ffffff),
	R(RESERVED, 0x1000, 0x1fff),
};

enum op { ATTACH1, ATTACH2, ATTACH3, MAPF, MAPA, COPY, ALLOW, UNMAP,
	  UNMAPALL, DETACH1, DETACH2, USABLE, REGIONS, MSI1, MSI2, MSIFREE,
	  NR_OPS };

static int run_op(struct ioas_space *s, int op)
{
	struct ioas_group_config g1 = t_group(1, 0, 0xffffffffffffull, g1r, 2);
	struct ioas_group_config g2 = t_group(2, 0, 0xffffffffffffull, g2r, 3);
	struct ioas_group_config g3 = t_group(3, 0, 0x7fffffffffull, NULL, 0);
	struct ioas_map_req r = { .size = sizeof(r), .flags = FIX,
				  .iova = 0x100000, .length = 0x4000 };
	struct ioas_range allow[] = { { 0x20000000, 0x2fffffff },
				      { 0x10000000, 0x1fffffff } };
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	struct ioas_region_list rl = IOAS_REGION_LIST_INIT;
	struct ioas_msi_doorbell db;
	struct ioas_why why;
	uint64_t out, dst = 0;
	int ret;

	switch (op) {
	case MSI1:
		return ioas_msi_map(s, 1, 0x08090040, &db, &why);
	case MSI2:
		return ioas_msi_map(s, 1, 0x08020040, &db, &why);
	case MSIFREE:
		return ioas_msi_unmap(s, 1, 0x08090040, &db, &why);
	case ATTACH1:
		return ioas_space_attach(s, &g1, &why);
	case ATTACH2:
		return ioas_space_attach(s, &g2, &why);
	case ATTACH3:
		return ioas_space_attach(s, &g3, &why);
	case MAPF:
		return ioas_space_map(s, &r, &why);
	case MAPA:
		r.flags = RW;
		r.va = 0x7f0000000000ull;
		return ioas_space_map(s, &r, &why);
	case COPY:
		return ioas_space_copy(s, 0x101000, 0x2000, RW, &dst, &why);
	case ALLOW:
		return ioas_space_allow(s, allow, 2, &why);
	case UNMAP:
		return ioas_space_unmap(s, 0x100000, 0x4000, &out, &why);
	case UNMAPALL:
		return ioas_space_unmap_all(s, &out, &why);
	case DETACH1:
		return ioas_space_detach(s, 1, &why);
	case DETACH2:
		return ioas_space_detach(s, 2, &why);
	case USABLE:
		ret = ioas_space_usable(s, &l, &why);
		ioas_range_list_fini(&l);
		return ret;
	case REGIONS:
		ret = ioas_space_regions(s, &rl);
		ioas_region_list_fini(&rl);
		return ret;
	}
	return -EINVAL;
}

/* The script: each step depends on the ones before it. */
static const int script[] = {
	ATTACH1, MSI1, MSI1, MAPF, ATTACH2, MSI2, MAPA, ALLOW, MAPA, COPY,
	USABLE, REGIONS, MSIFREE, MSIFREE, ATTACH3, UNMAP, DETACH1, MAPF,
	DETACH2, UNMAPALL, ATTACH1, MSI1, MAPF, DETACH1,
};

/* A textual dump of everything observable (taken without injection). */
static char *dump(struct ioas_space *s)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	struct ioas_region_list rl = IOAS_REGION_LIST_INIT;
	struct ioas_space_info info = { .size = sizeof(info) };
	struct ioas_mapping m[64];
	size_t nr = 0, i, len = 0;
	char *buf = malloc(16384);
	int ret;

	assert_non_null(buf);
	assert_int_equal(ioas_space_check(s), 0);
	assert_int_equal(ioas_space_get_info(s, &info), 0);
	len += (size_t)snprintf(buf + len, 16384 - len,
		"g=%u d=%u m=%llu avail=%u pg=%llx al=%llx bytes=%llx\n",
		info.nr_groups, info.nr_domains,
		(unsigned long long)info.nr_mappings, info.dma_avail,
		(unsigned long long)info.pgsizes,
		(unsigned long long)info.iova_alignment,
		(unsigned long long)info.mapped_bytes);
	assert_int_equal(ioas_space_mappings(s, m, 64, &nr), 0);
	for (i = 0; i < nr; i++)
		len += (size_t)snprintf(buf + len, 16384 - len, "map %llx-%llx\n",
			(unsigned long long)m[i].range.start,
			(unsigned long long)m[i].range.last);
	ret = ioas_space_usable(s, &l, NULL);
	len += (size_t)snprintf(buf + len, 16384 - len, "usable %d:", ret);
	for (i = 0; i < l.nr; i++)
		len += (size_t)snprintf(buf + len, 16384 - len, " %llx-%llx",
			(unsigned long long)l.v[i].start,
			(unsigned long long)l.v[i].last);
	for (i = 1; i <= 3; i++) {
		struct ioas_msi_window w;

		if (!ioas_msi_window(s, (uint32_t)i, &w))
			len += (size_t)snprintf(buf + len, 16384 - len,
				"\nwindow %zu %llx-%llx pages=%u next=%llx", i,
				(unsigned long long)w.window.start,
				(unsigned long long)w.window.last, w.nr_pages,
				(unsigned long long)w.next);
	}
	assert_int_equal(ioas_space_regions(s, &rl), 0);
	for (i = 0; i < rl.nr; i++)
		len += (size_t)snprintf(buf + len, 16384 - len, "\nregion %u %llx",
			rl.v[i].type, (unsigned long long)rl.v[i].range.start);
	ioas_range_list_fini(&l);
	ioas_region_list_fini(&rl);
	return buf;
}

static struct ioas_space *replay(uint32_t profile, size_t upto, int *rets)
{
	struct ioas_space *s = t_space(profile, IOAS_SPACE_UNSAFE_INTERRUPTS);
	size_t i;

	for (i = 0; i < upto; i++) {
		int ret = run_op(s, script[i]);

		if (rets)
			rets[i] = ret;
	}
	return s;
}

static void sweep(uint32_t profile)
{
	int base[sizeof(script) / sizeof(script[0])];
	size_t step, nsteps = sizeof(script) / sizeof(script[0]);
	unsigned long points = 0;

	if (!ioas_fail_nth_supported_())
		skip();
	/* the reference run, without injection */
	ioas_space_free(replay(profile, nsteps, base));

	for (step = 0; step < nsteps; step++) {
		unsigned long n;

		for (n = 1; n < 10000; n++) {
			struct ioas_space *s = replay(profile, step, NULL);
			char *before = dump(s), *after;
			bool pending;
			int ret;

			ioas_fail_nth_set_(n);
			ret = run_op(s, script[step]);
			pending = ioas_fail_nth_pending_();
			ioas_fail_nth_set_(0);
			if (pending) {
				/* the n-th point was never reached */
				assert_int_equal(ret, base[step]);
				free(before);
				ioas_space_free(s);
				break;
			}
			points++;
			if (ret != -ENOMEM) {
				/* the injection hit a point whose failure
				 * the operation may absorb only by
				 * succeeding as without it */
				assert_int_equal(ret, base[step]);
			} else {
				after = dump(s);
				if (strcmp(before, after)) {
					fprintf(stderr,
						"profile %u step %zu n=%lu changed state:\n%s\n---\n%s\n",
						profile, step, n, before, after);
					fail();
				}
				free(after);
			}
			free(before);
			ioas_space_free(s);
		}
	}
	/* the sweep did reach allocation points */
	printf("# %s: %lu injection points over %zu steps\n",
	       ioas_profile_name(profile), points, nsteps);
	assert_true(points > 10);
}

static void test_failnth_type1(void **state)
{
	(void)state;
	sweep(IOAS_PROFILE_TYPE1);
}

static void test_failnth_iommufd(void **state)
{
	(void)state;
	sweep(IOAS_PROFILE_IOMMUFD);
}

static void test_failnth_native(void **state)
{
	(void)state;
	sweep(IOAS_PROFILE_NATIVE);
}

static void test_failnth_space_new(void **state)
{
	struct ioas_space_config c = { .size = sizeof(c),
				       .profile = IOAS_PROFILE_NATIVE,
				       .aperture = { 0x1000, 0xffffffff } };
	unsigned long n;

	(void)state;
	if (!ioas_fail_nth_supported_())
		skip();
	for (n = 1; n < 100; n++) {
		struct ioas_space *s = NULL;
		bool pending;
		int ret;

		ioas_fail_nth_set_(n);
		ret = ioas_space_new(&c, &s);
		pending = ioas_fail_nth_pending_();
		ioas_fail_nth_set_(0);
		if (pending) {
			assert_int_equal(ret, 0);
			ioas_space_free(s);
			return;
		}
		assert_int_equal(ret, -ENOMEM);
		assert_null(s);
	}
	fail();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failnth_space_new),
		cmocka_unit_test(test_failnth_type1),
		cmocka_unit_test(test_failnth_iommufd),
		cmocka_unit_test(test_failnth_native),
	};

	return cmocka_run_group_tests_name("failnth_space", tests, NULL, NULL);
}
