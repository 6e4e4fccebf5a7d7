// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * usable_ranges: the IOVA a VFIO type1 container would offer a VMM.
 *
 * Builds a type1 space, attaches one x86 group as Linux 6.12 would see it
 * behind Intel VT-d (a 39-bit aperture, 4K/2M/1G pages, the interrupt
 * range 0xfee00000-0xfeefffff as a hardware MSI region) and prints the
 * usable ranges, i.e. what VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE reports.
 *
 *   cc usable_ranges.c $(pkg-config --cflags --libs ioas)
 */
#include <stdio.h>

#include <ioas/ioas.h>

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
		.pgsizes = 0x40201000, /* 4 KiB | 2 MiB | 1 GiB */
		.regions = &msi,
	};
	struct ioas_range_list usable = IOAS_RANGE_LIST_INIT;
	struct ioas_space *s;
	struct ioas_why why;
	size_t i;
	int ret;

	ret = ioas_space_new(&cfg, &s);
	if (ret) {
		fprintf(stderr, "ioas_space_new: %s\n", ioas_strerror(ret));
		return 1;
	}
	ret = ioas_space_attach(s, &grp, &why);
	if (!ret)
		ret = ioas_space_usable(s, &usable, &why);
	if (ret) {
		fprintf(stderr, "%s: %s%s%s\n", ioas_errno_name(ret),
			ioas_strerror(ret), why.what ? ": " : "",
			why.what ? why.what : "");
		ioas_space_free(s);
		return 1;
	}

	printf("%s space, group %u, %s region 0x%llx-0x%llx (%s)\n",
	       ioas_profile_name(cfg.profile), grp.id,
	       ioas_region_type_name(msi.type),
	       (unsigned long long)msi.range.start,
	       (unsigned long long)msi.range.last,
	       ioas_region_origin_name(msi.origin));
	printf("usable IOVA ranges:\n");
	for (i = 0; i < usable.nr; i++)
		printf("  0x%016llx-0x%016llx\n",
		       (unsigned long long)usable.v[i].start,
		       (unsigned long long)usable.v[i].last);

	ioas_range_list_fini(&usable);
	ioas_space_free(s);
	return 0;
}
