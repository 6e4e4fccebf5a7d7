// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas_host_space(): a struct ioas_space holding some of a host's groups
 * together, as a VFIO container or an iommufd IOAS would, built from the
 * snapshot's regions, geometry and interrupt isolation.
 */
#include <errno.h>
#include <string.h>

#include <ioas/host.h>
#include <ioas/ioas.h>

#include "ioas_private.h"

IOAS_EXPORT int ioas_host_space(const struct ioas_host *h, uint32_t profile,
				const uint32_t *groups, size_t nr,
				uint32_t flags, struct ioas_space **out,
				struct ioas_why *why)
{
	struct ioas_space_config cfg = {
		.size = sizeof(cfg),
		.profile = profile,
		.flags = flags,
	};
	struct ioas_space *s = NULL;
	size_t i;
	int ret;

	if (why)
		memset(why, 0, sizeof(*why));
	if (!h || !out || (nr && !groups))
		return -EINVAL;
	ret = ioas_space_new(&cfg, &s);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		const struct ioas_host_group *g =
			ioas_host_group_find(h, groups[i]);
		struct ioas_group_config gc = { .size = sizeof(gc) };

		if (!g) {
			if (why) {
				why->what = "the host has no IOMMU group with that number";
				why->group = groups[i];
				why->flags |= IOAS_WHY_GROUP;
			}
			ret = -ENOENT;
			break;
		}
		gc.id = g->id;
		gc.nr_regions = (uint32_t)g->nr_regions;
		gc.regions = g->regions;
		gc.aperture = g->geom.aperture;
		gc.pgsizes = g->geom.pgsizes;
		if (g->flags & IOAS_HOST_GROUP_MSI_UNISOLATED)
			gc.flags |= IOAS_GROUP_NO_IRQ_REMAP;
		ret = ioas_space_attach(s, &gc, why);
		if (ret) {
			if (why) {
				why->group = g->id;
				why->flags |= IOAS_WHY_GROUP;
			}
			break;
		}
	}
	if (ret) {
		ioas_space_free(s);
		return ret;
	}
	*out = s;
	return 0;
}
