// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The running kernel's usable IOVA ranges (live.h), through libioas's host
 * API (lib/host_vfio.c, lib/host_iommufd.c).
 *
 * Whether to ask at all: type1 needs DEV/vfio/vfio and, for every group,
 * DEV/vfio/<group> (a device bound to a VFIO driver); iommufd needs
 * DEV/iommu and a VFIO cdev for every device of the groups. When those are
 * missing there is nothing to compare and the answer is "not asked"; when
 * they exist and a call fails (a group in use by a VM: EBUSY; not root:
 * EACCES), the answer is that error and the call that gave it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "live.h"

static bool node_exists(const char *dev_root, const char *rel)
{
	char path[4096];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dev_root, rel) >=
	    sizeof(path))
		return false;
	return !stat(path, &st);
}

void live_type1(const char *dev_root, const uint32_t *groups, size_t nr,
		struct live_answer *a)
{
	struct ioas_host_vfio *c = NULL;
	size_t i;

	memset(a, 0, sizeof(*a));
	ioas_range_list_init(&a->usable);
	if (!nr || !node_exists(dev_root, "vfio/vfio"))
		return;
	for (i = 0; i < nr; i++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "vfio/%" PRIu32, groups[i]);
		if (!node_exists(dev_root, rel))
			return;
	}
	a->asked = true;
	a->step = "open /dev/vfio/vfio";
	a->err = ioas_host_vfio_open(dev_root, &c);
	for (i = 0; !a->err && i < nr; i++) {
		a->step = "VFIO_GROUP_SET_CONTAINER";
		a->err = ioas_host_vfio_attach(c, groups[i]);
	}
	if (!a->err) {
		a->step = "VFIO_IOMMU_GET_INFO";
		a->err = ioas_host_vfio_usable(c, &a->usable, NULL);
	}
	if (!a->err)
		a->step = NULL;
	ioas_host_vfio_close(c);
}

void live_iommufd(const char *sysfs_root, const char *dev_root,
		  const struct ioas_host *h, const uint32_t *groups, size_t nr,
		  struct live_answer *a)
{
	struct ioas_host_iommufd *f = NULL;
	uint32_t ioas_id = 0;
	size_t i, j;

	memset(a, 0, sizeof(*a));
	ioas_range_list_init(&a->usable);
	if (!nr || !node_exists(dev_root, "iommu"))
		return;
	/* Every device of every group needs its VFIO cdev. */
	for (i = 0; i < nr; i++) {
		const struct ioas_host_group *g = ioas_host_group_find(h, groups[i]);

		if (!g || !g->nr_devices)
			return;
		for (j = 0; j < g->nr_devices; j++) {
			struct ioas_host_dev_state st;

			if (ioas_host_dev_state(sysfs_root, g->devices[j].name,
						&st) || !st.cdev[0])
				return;
		}
	}
	a->asked = true;
	a->step = "open /dev/iommu";
	a->err = ioas_host_iommufd_open(dev_root, &f);
	if (!a->err) {
		a->step = "IOMMU_IOAS_ALLOC";
		a->err = ioas_host_iommufd_ioas_alloc(f, &ioas_id);
	}
	for (i = 0; !a->err && i < nr; i++) {
		const struct ioas_host_group *g = ioas_host_group_find(h, groups[i]);

		for (j = 0; !a->err && j < g->nr_devices; j++) {
			struct ioas_host_dev_state st;
			uint32_t dev_id = 0, pt = ioas_id;

			a->step = "sysfs vfio-dev";
			a->err = ioas_host_dev_state(sysfs_root,
						     g->devices[j].name, &st);
			if (!a->err) {
				a->step = "VFIO_DEVICE_BIND_IOMMUFD";
				a->err = ioas_host_iommufd_bind(f, st.cdev,
								&dev_id);
			}
			if (!a->err) {
				a->step = "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
				a->err = ioas_host_iommufd_attach(f, dev_id, &pt);
			}
		}
	}
	if (!a->err) {
		a->step = "IOMMU_IOAS_IOVA_RANGES";
		a->err = ioas_host_iommufd_iova_ranges(f, ioas_id, &a->usable,
						       NULL);
	}
	if (!a->err)
		a->step = NULL;
	ioas_host_iommufd_close(f);
}

void live_answer_fini(struct live_answer *a)
{
	ioas_range_list_fini(&a->usable);
}
