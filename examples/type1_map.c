// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * type1_map: what VFIO_IOMMU_MAP_DMA would say, and why.
 *
 * Builds a type1 space with one x86 group (39-bit aperture, hardware MSI
 * region 0xfee00000-0xfeefffff), maps 2 MiB of guest RAM, then tries to
 * map a page over the MSI region. Linux refuses that with EINVAL; libioas
 * returns the same code and fills struct ioas_why with the rule and the
 * ranges involved, which this program prints, together with the region in
 * the way.
 *
 *   cc type1_map.c $(pkg-config --cflags --libs ioas)
 */
#include <errno.h>
#include <stdio.h>

#include <ioas/ioas.h>

static void print_range(const char *label, const struct ioas_range *r)
{
	printf("  %-8s 0x%llx-0x%llx\n", label, (unsigned long long)r->start,
	       (unsigned long long)r->last);
}

static void print_why(int err, const struct ioas_why *why)
{
	printf("error: %s (%d): %s\n", ioas_errno_name(err), err,
	       ioas_strerror(err));
	printf("  why:     %s\n", why->what ? why->what : "(not recorded)");
	if (why->flags & IOAS_WHY_GROUP)
		printf("  group:   %u\n", why->group);
	if (why->flags & IOAS_WHY_RANGE)
		print_range("range:", &why->range);
	if (why->flags & IOAS_WHY_REGION)
		printf("  region:  0x%llx-0x%llx %s (%s)\n",
		       (unsigned long long)why->region.range.start,
		       (unsigned long long)why->region.range.last,
		       ioas_region_type_name(why->region.type),
		       ioas_region_origin_describe(why->region.origin));
	if (why->flags & IOAS_WHY_OTHER)
		print_range("other:", &why->other);
	if (why->flags & IOAS_WHY_VALUE)
		printf("  value:   0x%llx\n", (unsigned long long)why->value);
}

/* The attached regions that a failed range ran into (type1 does not name
 * them in struct ioas_why: the kernel only checks the iova list). */
static void print_regions_hit(struct ioas_space *s, const struct ioas_range *r)
{
	struct ioas_region_list regs = IOAS_REGION_LIST_INIT;
	size_t i;

	if (ioas_space_regions(s, &regs))
		return;
	for (i = 0; i < regs.nr; i++) {
		const struct ioas_region *g = &regs.v[i];

		if (ioas_range_overlaps(&g->range, r))
			printf("  hits:    0x%llx-0x%llx %s, %s\n",
			       (unsigned long long)g->range.start,
			       (unsigned long long)g->range.last,
			       ioas_region_type_name(g->type),
			       ioas_region_origin_describe(g->origin));
	}
	ioas_region_list_fini(&regs);
}

static int map(struct ioas_space *s, uint64_t iova, uint64_t len)
{
	struct ioas_map_req req = {
		.size = sizeof(req),
		.flags = IOAS_MAP_READ | IOAS_MAP_WRITE | IOAS_MAP_FIXED,
		.va = 0x7f0000000000 + iova, /* page-aligned user memory */
		.iova = iova,
		.length = len,
	};
	struct ioas_range want = { iova, iova + len - 1 };
	struct ioas_why why;
	int ret;

	printf("map 0x%llx-0x%llx: ", (unsigned long long)want.start,
	       (unsigned long long)want.last);
	ret = ioas_space_map(s, &req, &why);
	if (!ret) {
		printf("ok\n");
		return 0;
	}
	print_why(ret, &why);
	print_regions_hit(s, &want);
	return ret;
}

int main(void)
{
	struct ioas_space_config cfg = {
		.size = sizeof(cfg),
		.profile = IOAS_PROFILE_TYPE1,
	};
	struct ioas_region msi = {
		.range = { 0xfee00000, 0xfeefffff },
		.type = IOAS_REGION_MSI,
		.origin = IOAS_ORIGIN_X86_MSI,
	};
	struct ioas_group_config grp = {
		.size = sizeof(grp),
		.id = 5,
		.nr_regions = 1,
		.aperture = { 0, (1ull << 39) - 1 },
		.pgsizes = 0x40201000,
		.regions = &msi,
	};
	struct ioas_space *s;
	int ret;

	ret = ioas_space_new(&cfg, &s);
	if (ret) {
		fprintf(stderr, "ioas_space_new: %s\n", ioas_strerror(ret));
		return 1;
	}
	ret = ioas_space_attach(s, &grp, NULL);
	if (ret) {
		fprintf(stderr, "ioas_space_attach: %s\n", ioas_strerror(ret));
		ioas_space_free(s);
		return 1;
	}

	/* Guest RAM below the interrupt range: accepted. */
	if (map(s, 0x100000, 0x200000))
		ret = 1;
	/* A page over the MSI region: the kernel says EINVAL, so do we. */
	if (map(s, 0xfee00000, 0x1000) != -EINVAL)
		ret = 1;

	ioas_space_free(s);
	return ret;
}
