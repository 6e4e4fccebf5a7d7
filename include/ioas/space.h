/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioas spaces: an IO address space (a VFIO container or an iommufd IOAS)
 * with attached groups, derived usable ranges and user mappings.
 *
 * A space follows one rule set, its profile, chosen at creation:
 *
 *   IOAS_PROFILE_TYPE1    Linux 6.12 VFIO type1 v2, exactly: attach order
 *                         and errors, the iova list with its detach-edge
 *                         quirk, MAP_DMA/UNMAP_DMA precedence, UNMAP_ALL,
 *                         the dma entry limit. A space with no group is a
 *                         container with no IOMMU set: every call but attach
 *                         fails with -EINVAL, and the last detach drops every
 *                         mapping, as the kernel does.
 *   IOAS_PROFILE_IOMMUFD  Linux 6.12 iommufd IOAS, exactly: reserved ranges
 *                         per device and per domain aperture, IOVA_RANGES,
 *                         ALLOW_IOVAS, fixed and automatic MAP, UNMAP (not
 *                         atomic across areas), COPY, error codes.
 *   IOAS_PROFILE_NATIVE   ioas's own rules: usable = intersection of the
 *                         apertures minus every region (recomputed on each
 *                         change, so detach restores edges), reserved
 *                         conflicts are -EADDRINUSE, unmap is all-or-nothing
 *                         and reports what it removed, allowed ranges bind
 *                         fixed maps too, single-byte allowed ranges work.
 *
 * Groups are described by the caller (struct ioas_group_config): an id, the
 * aperture and page sizes of the IOMMU domain it would get, whether its
 * interrupts are isolated, and its reserved regions (already merged, e.g.
 * from sysfs). A space copies what it needs; the caller keeps ownership.
 *
 * Locking: a space is internally synchronized by one mutex (struct
 * ioas_space.lock); every call may come from any thread. Calls that fail
 * leave the space exactly as it was, except where a profile reproduces a
 * kernel that does not (iommufd UNMAP; documented at ioas_space_unmap()).
 */
#ifndef IOAS_SPACE_H
#define IOAS_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>
#include <ioas/region.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioas_space;

/**
 * enum ioas_profile - the rule set a space follows
 * @IOAS_PROFILE_TYPE1: Linux VFIO type1 v2
 * @IOAS_PROFILE_IOMMUFD: Linux iommufd IOAS
 * @IOAS_PROFILE_NATIVE: ioas's own, corrected rules
 */
enum ioas_profile {
	IOAS_PROFILE_TYPE1 = 1,
	IOAS_PROFILE_IOMMUFD = 2,
	IOAS_PROFILE_NATIVE = 3,
};

/* struct ioas_space_config.flags */
#define IOAS_SPACE_UNSAFE_INTERRUPTS (1u << 0) /* allow_unsafe_interrupts=1 */

/**
 * struct ioas_space_config - how to build a space (extensible)
 * @size: sizeof(struct ioas_space_config) as the caller knows it
 * @profile: enum ioas_profile
 * @flags: IOAS_SPACE_* bits
 * @dma_limit: type1 dma_entry_limit (0 means the kernel's 65535); native:
 *             maximum number of mappings (0 means unlimited); iommufd:
 *             must be 0
 * @page_size: the CPU's PAGE_SIZE, a power of two (0 means 4096)
 * @hpage_size: iommufd/native cap on automatic IOVA alignment (HPAGE_SIZE
 *              with THP, PAGE_SIZE without); power of two >= @page_size
 *              (0 means 2 MiB)
 * @aperture: native only: the addressable range of a space with no group
 *            attached ([0, 0], the zero value, means [0, 2^64-1])
 * @pgsizes: native only: page-size bitmap of a space with no group (0 means
 *           @page_size and every larger power of two)
 *
 * A larger struct from a newer caller is accepted when its unknown tail is
 * zero (-E2BIG otherwise); a smaller one is zero-extended.
 */
struct ioas_space_config {
	uint32_t size;
	uint32_t profile;
	uint32_t flags;
	uint32_t dma_limit;
	uint64_t page_size;
	uint64_t hpage_size;
	struct ioas_range aperture;
	uint64_t pgsizes;
};

/* struct ioas_group_config.flags */
#define IOAS_GROUP_NO_IRQ_REMAP (1u << 0) /* MSIs not isolated */

/**
 * struct ioas_group_config - a group as an attach sees it (extensible)
 * @size: sizeof(struct ioas_group_config) as the caller knows it
 * @id: group id (as in /sys/kernel/iommu_groups/<id>)
 * @flags: IOAS_GROUP_* bits
 * @nr_regions: number of entries at @regions
 * @aperture: the IOMMU domain's aperture for this group
 * @pgsizes: the IOMMU domain's page-size bitmap (non-zero)
 * @regions: the group's reserved regions (kernel merged order not needed)
 *
 * Two groups with equal @aperture and @pgsizes share one IOMMU domain, as
 * compatible groups do in the kernel; others get a domain of their own.
 *
 * Regions whose origin is IOAS_ORIGIN_PCI_WINDOW (PCI host-bridge windows,
 * where peer-to-peer traffic would alias) are kept out of user IOVA by the
 * native profile only: Linux reserves them for its own DMA API domains and
 * never shows them to VFIO or iommufd, so type1 and iommufd ignore them.
 */
struct ioas_group_config {
	uint32_t size;
	uint32_t id;
	uint32_t flags;
	uint32_t nr_regions;
	struct ioas_range aperture;
	uint64_t pgsizes;
	const struct ioas_region *regions;
};

/**
 * struct ioas_why - what a failed (or partly failed) call ran into
 * @what: static sentence fragment naming the rule, e.g. "overlaps a
 *        reserved region"; NULL if nothing was recorded
 * @flags: which of the fields below are meaningful (IOAS_WHY_*)
 * @group: group id involved
 * @range: the caller's range the rule was applied to
 * @region: the region in the way, with its type and origin
 * @other: another range involved: a mapping, aperture, usable or allowed
 *         range, as @what says
 * @value: a number involved (alignment, limit, bytes already removed)
 *
 * Every space call takes an optional struct ioas_why; on failure it is
 * filled so that a front end can say which argument, range, region and
 * origin made the call fail. It is zeroed at the start of every call.
 */
struct ioas_why {
	const char *what;
	uint32_t flags;
	uint32_t group;
	struct ioas_range range;
	struct ioas_region region;
	struct ioas_range other;
	uint64_t value;
};

#define IOAS_WHY_GROUP  (1u << 0)
#define IOAS_WHY_RANGE  (1u << 1)
#define IOAS_WHY_REGION (1u << 2)
#define IOAS_WHY_OTHER  (1u << 3)
#define IOAS_WHY_VALUE  (1u << 4)

/* struct ioas_map_req.flags */
#define IOAS_MAP_READ  (1u << 0)
#define IOAS_MAP_WRITE (1u << 1)
#define IOAS_MAP_FIXED (1u << 2) /* use @iova; else the space picks one */

/**
 * struct ioas_map_req - one map request (extensible)
 * @size: sizeof(struct ioas_map_req) as the caller knows it
 * @flags: IOAS_MAP_* bits; type1 maps are always fixed
 * @va: user virtual address of the memory; only its alignment matters
 *      (type1: must be page aligned; iommufd: sub-page offset and automatic
 *      alignment). 0 stands for "naturally aligned memory".
 * @iova: in: the IOVA for a fixed map; out: the IOVA used
 * @length: bytes, non-zero
 */
struct ioas_map_req {
	uint32_t size;
	uint32_t flags;
	uint64_t va;
	uint64_t iova;
	uint64_t length;
};

/**
 * struct ioas_mapping - one user mapping, as reported
 * @range: its IOVAs
 * @va: the user address given when it was created
 * @prot: IOAS_MAP_READ / IOAS_MAP_WRITE
 */
struct ioas_mapping {
	struct ioas_range range;
	uint64_t va;
	uint32_t prot;
};

/**
 * struct ioas_space_info - counters and derived geometry (extensible)
 * @size: sizeof(struct ioas_space_info) as the caller knows it
 * @profile: enum ioas_profile
 * @nr_groups: attached groups
 * @nr_domains: IOMMU domains in use
 * @nr_mappings: user mappings
 * @dma_avail: type1: mapping slots left (dma_avail); native: slots left or
 *             UINT32_MAX when unlimited; iommufd: UINT32_MAX
 * @pgsizes: type1: the container's pgsize_bitmap; others: AND of the
 *           attached domains' bitmaps (0 with no domain)
 * @iova_alignment: the unit every map must be aligned to
 * @mapped_bytes: sum of mapping lengths (saturates at UINT64_MAX)
 */
struct ioas_space_info {
	uint32_t size;
	uint32_t profile;
	uint32_t nr_groups;
	uint32_t nr_domains;
	uint64_t nr_mappings;
	uint32_t dma_avail;
	uint32_t pad;
	uint64_t pgsizes;
	uint64_t iova_alignment;
	uint64_t mapped_bytes;
};

/**
 * ioas_profile_name() - "type1", "iommufd" or "native"
 * @profile: enum ioas_profile
 *
 * Return: static string; "unknown" for other values.
 */
const char *ioas_profile_name(uint32_t profile);

/**
 * ioas_space_new() - create an empty space
 * @cfg: configuration (see struct ioas_space_config)
 * @out: receives the space on success; untouched on failure
 *
 * The caller owns *@out and releases it with ioas_space_free().
 *
 * Return: 0 on success; -EINVAL for a bad profile, page size, hpage size,
 * aperture or a dma_limit given to iommufd; -EOPNOTSUPP for unknown flags;
 * -E2BIG for a larger struct with a non-zero tail; -ENOMEM.
 */
int ioas_space_new(const struct ioas_space_config *cfg,
		   struct ioas_space **out);

/**
 * ioas_space_free() - destroy a space and everything it tracks
 * @s: space, may be NULL
 */
void ioas_space_free(struct ioas_space *s);

/**
 * ioas_space_attach() - attach a group
 * @s: space
 * @g: the group; copied
 * @why: optional; filled on failure
 *
 * type1 checks, in the kernel's order: group already attached (-EINVAL),
 * a non-relaxable direct region (-EINVAL: DMA ownership cannot be claimed),
 * aperture conflict with the iova list or a mapping (-EINVAL), a
 * non-relaxable region over a mapping (-EINVAL), nothing usable left
 * (-EINVAL), interrupts not isolated without IOAS_SPACE_UNSAFE_INTERRUPTS
 * (-EPERM), and for a group that needs a new domain an existing mapping
 * its smallest page cannot hold (-EINVAL, replay fails). iommufd: already
 * attached (-EINVAL), not isolated (-EPERM), direct (-EINVAL), a region over
 * a mapping or allowed range (-EADDRINUSE), msi together with sw-msi or two
 * sw-msi (-EINVAL), domain page larger than PAGE_SIZE (-EINVAL), mappings
 * misaligned for the domain or outside its aperture (-EADDRINUSE). native:
 * as iommufd, except that direct regions, msi + sw-msi and large domain
 * pages are accepted.
 *
 * Return: 0 on success; the errors above; -EINVAL for a NULL argument or a
 * malformed @g (zero pgsizes, aperture start > last, region start > last or
 * unknown type, regions missing); -EOPNOTSUPP for unknown @g->flags;
 * -E2BIG for a larger @g with a non-zero tail; -ENOMEM.
 */
int ioas_space_attach(struct ioas_space *s, const struct ioas_group_config *g,
		      struct ioas_why *why);

/**
 * ioas_space_detach() - detach a group
 * @s: space
 * @group: group id
 * @why: optional; filled on failure
 *
 * type1: recomputes the iova list as the kernel does (keeping a departing
 * group's edge holes while its domain survives), and the last detach drops
 * every mapping. iommufd: drops that group's reservations, and its
 * domain's when the domain has no group left. native: recomputes
 * everything; mappings stay.
 *
 * Return: 0 on success; -ENOENT if @group is not attached; -ENOMEM.
 */
int ioas_space_detach(struct ioas_space *s, uint32_t group,
		      struct ioas_why *why);

/**
 * ioas_space_map() - create a mapping
 * @s: space
 * @req: the request; @req->iova is written back on success
 * @why: optional; filled on failure
 *
 * type1 (VFIO_IOMMU_MAP_DMA): no group (-EINVAL), no R/W (-EINVAL), not
 * fixed (-EINVAL), zero or misaligned length/iova/va (-EINVAL), wrap
 * (-EINVAL), overlap (-EEXIST), no slot left (-ENOSPC), not inside one
 * usable range (-EINVAL). iommufd (IOMMU_IOAS_MAP): iova or length
 * >= 2^64-1 (-EOVERFLOW), no R/W (-EINVAL), zero length (-EINVAL), va +
 * length wraps (-EOVERFLOW), length misaligned (-EINVAL); automatic:
 * alignment below the IOAS alignment (-EINVAL), no hole (-ENOSPC); fixed:
 * misaligned (-EINVAL), wrap (-EOVERFLOW), reserved (-EINVAL), overlap
 * (-EEXIST); va sub-page offset misaligned (-EINVAL). native: as iommufd
 * but reserved, outside the aperture or outside allowed ranges is
 * -EADDRINUSE, and the dma limit gives -ENOSPC.
 *
 * Unknown flag bits are -EINVAL for type1 (as VFIO) and -EOPNOTSUPP for
 * iommufd and native (as iommufd).
 *
 * Return: 0 on success; the errors above; -EINVAL for a NULL argument;
 * -E2BIG for a larger @req with a non-zero tail; -ENOMEM.
 */
int ioas_space_map(struct ioas_space *s, struct ioas_map_req *req,
		   struct ioas_why *why);

/**
 * ioas_space_unmap() - remove the mappings inside a range
 * @s: space
 * @iova: first byte
 * @length: bytes
 * @unmapped: if non-NULL, receives the bytes removed (also on iommufd's
 *            partial failure, where the kernel does not report it)
 * @why: optional; filled on failure
 *
 * type1 (v2): no group, misaligned, zero, wrap (-EINVAL), a mapping cut by
 * either end (-EINVAL); nothing there is success with 0 bytes. iommufd:
 * iova/length >= 2^64-1 (-EOVERFLOW), zero (-EINVAL), wrap (-EOVERFLOW),
 * a cut mapping (-ENOENT, after removing the mappings before it, as the
 * kernel does), nothing there (-ENOENT). native: as iommufd but nothing is
 * removed unless the whole call succeeds.
 *
 * Return: 0 on success; the errors above.
 */
int ioas_space_unmap(struct ioas_space *s, uint64_t iova, uint64_t length,
		     uint64_t *unmapped, struct ioas_why *why);

/**
 * ioas_space_unmap_all() - remove every mapping
 * @s: space
 * @unmapped: if non-NULL, receives the bytes removed
 * @why: optional; filled on failure
 *
 * VFIO_DMA_UNMAP_FLAG_ALL / IOMMU_IOAS_UNMAP of [0, 2^64-1].
 *
 * Return: 0 on success; type1 with no group: -EINVAL.
 */
int ioas_space_unmap_all(struct ioas_space *s, uint64_t *unmapped,
			 struct ioas_why *why);

/**
 * ioas_space_allow() - replace the allowed IOVA ranges
 * @s: space (iommufd or native)
 * @ranges: the new allowed ranges, any order; may be NULL if @nr is 0
 * @nr: number of ranges; 0 clears the list
 * @why: optional; filled on failure
 *
 * IOMMU_IOAS_ALLOW_IOVAS. Automatic maps only use allowed IOVA, and later
 * attaches may not reserve it.
 *
 * Return: 0 on success; -EOPNOTSUPP for type1; -EINVAL for start >= last
 * (iommufd; native: start > last) or two overlapping ranges; -EADDRINUSE
 * if a range intersects a reserved range; -ENOMEM.
 */
int ioas_space_allow(struct ioas_space *s, const struct ioas_range *ranges,
		     size_t nr, struct ioas_why *why);

/**
 * ioas_space_copy() - map already-mapped memory at another IOVA
 * @s: space (iommufd or native)
 * @src_iova: first byte of the source
 * @length: bytes
 * @flags: IOAS_MAP_* (READ/WRITE required; FIXED to use *@dst_iova)
 * @dst_iova: in: destination for a fixed copy; out: the IOVA used
 * @why: optional; filled on failure
 *
 * IOMMU_IOAS_COPY within one IOAS: the source must be covered by a
 * contiguous run of mappings; the destination follows the map rules with
 * the source's user address.
 *
 * Return: 0 on success; -EOPNOTSUPP for type1 or unknown flags;
 * -EOVERFLOW; -EINVAL; -ENOENT if the source is not fully mapped; the
 * destination errors of ioas_space_map(); -ENOMEM.
 */
int ioas_space_copy(struct ioas_space *s, uint64_t src_iova, uint64_t length,
		    uint32_t flags, uint64_t *dst_iova, struct ioas_why *why);

/**
 * ioas_space_usable() - the usable IOVA ranges
 * @s: space
 * @out: replaced with the ranges on success, unchanged on failure
 * @why: optional; filled on failure
 *
 * type1: the iova list (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE). iommufd: the
 * holes of the reserved ranges (IOMMU_IOAS_IOVA_RANGES; allowed ranges are
 * not applied, as in the kernel). native: the apertures' intersection minus
 * every region that is not direct-relaxable.
 *
 * Return: 0 on success; type1 with no group: -EINVAL; -ENOMEM.
 */
int ioas_space_usable(struct ioas_space *s, struct ioas_range_list *out,
		      struct ioas_why *why);

/**
 * ioas_space_mappings() - list the mappings in IOVA order
 * @s: space
 * @out: array to fill, may be NULL when @cap is 0
 * @cap: entries available at @out
 * @nr: receives the number of mappings
 *
 * Return: 0 on success; -EMSGSIZE if @cap < *@nr (the first @cap entries
 * are written).
 */
int ioas_space_mappings(struct ioas_space *s, struct ioas_mapping *out,
			size_t cap, size_t *nr);

/**
 * ioas_space_regions() - the reserved regions of the attached groups
 * @s: space
 * @out: replaced with every attached group's regions merged with Linux's
 *       rules; unchanged on failure
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_space_regions(struct ioas_space *s, struct ioas_region_list *out);

/**
 * ioas_space_get_info() - counters and geometry
 * @s: space
 * @info: filled up to @info->size bytes (set @info->size first)
 *
 * Return: 0 on success; -EINVAL if @info->size is smaller than the first
 * two fields.
 */
int ioas_space_get_info(struct ioas_space *s, struct ioas_space_info *info);

/**
 * ioas_space_check() - verify every internal invariant
 * @s: space
 *
 * Mappings sorted and disjoint, inside the usable ranges (type1) or clear
 * of every reservation (iommufd, native), aligned, counters consistent,
 * the iova list in canonical form. Tests call it after each mutating step.
 *
 * Return: 0 if consistent; -EUCLEAN otherwise.
 */
int ioas_space_check(struct ioas_space *s);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_SPACE_H */
