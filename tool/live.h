/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The running kernel's own answer for a set of groups in one container:
 * VFIO type1 (a container, VFIO_IOMMU_GET_INFO's IOVA_RANGE capability)
 * and iommufd (an IOAS with every device of the groups attached,
 * IOMMU_IOAS_IOVA_RANGES), for `ioas show` to print beside what it
 * computed from sysfs. Asking attaches the groups for a moment, as a VMM
 * would, and lets go again; nothing else changes.
 */
#ifndef IOAS_TOOL_LIVE_H
#define IOAS_TOOL_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/host.h>
#include <ioas/range.h>

struct live_answer {
	bool asked;	/* false: nothing to ask (no VFIO/iommufd, or a
			 * group not bound to a VFIO driver) */
	int err;	/* 0: @usable is the kernel's; else its -errno */
	const char *step; /* the call that failed */
	struct ioas_range_list usable;
};

void live_type1(const char *dev_root, const uint32_t *groups, size_t nr,
		struct live_answer *a);
void live_iommufd(const char *sysfs_root, const char *dev_root,
		  const struct ioas_host *h, const uint32_t *groups, size_t nr,
		  struct live_answer *a);
void live_answer_fini(struct live_answer *a);

#endif
