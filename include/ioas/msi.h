/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioas MSI doorbells: the remappable MSI window of a space.
 *
 * An IOMMU that translates MSI writes (ARM SMMU, virtio-iommu without an
 * MSI bypass region) needs every device's doorbell (a GICv3 ITS
 * GITS_TRANSLATER page, a GICv2m frame, ...) mapped somewhere in the
 * device's IOVA space. The 2016 design gives that job to the system: it
 * owns a window (Linux on ARM: 0x8000000, 1 MiB, reported as a sw-msi
 * region) and maps doorbell pages there on the device's behalf. Hardware
 * msi regions (x86 0xfee00000, bypass doorbells) are never mapped: a
 * doorbell there is used untranslated.
 *
 * Per profile:
 *
 *   type1    Linux's MSI cookie (dma-iommu iommu_get_msi_cookie and
 *            iommu_dma_get_msi_page): installed only when a group with a
 *            sw-msi region (and no msi region) gets a NEW domain, at that
 *            group's sw-msi base; doorbell pages of one CPU page each
 *            handed out by a bump pointer, deduplicated by physical page,
 *            never released. The bump pointer has no bound: past the
 *            window the page spills into user IOVA; if a user mapping is
 *            there the doorbell fails (-ENOMEM, as the kernel's
 *            iommu_map() failure), else it succeeds and later user maps
 *            over the page fail (-EEXIST). ioas names the window and the
 *            range involved instead of corrupting anything.
 *   iommufd  the same cookie, installed when the first group with a sw-msi
 *            region attaches to a domain that has none yet (existing or
 *            new; iommufd_group_setup_msi).
 *   native   one window per space, placed by the space: at the group's
 *            sw-msi base when that is free, else the lowest free window
 *            of the same size, aligned to it, below 4 GiB, clear of every
 *            reservation, mapping and allowed range; reported as a sw-msi
 *            region. Pages are max(PAGE_SIZE, the domain's smallest page),
 *            refcounted per group and released when the last user goes;
 *            the window is bounded (-ENOSPC when full).
 *
 * The doorbell functions take the space's lock like every space call.
 */
#ifndef IOAS_MSI_H
#define IOAS_MSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>
#include <ioas/space.h>

#ifdef __cplusplus
extern "C" {
#endif

/* struct ioas_msi_doorbell.flags */
#define IOAS_MSI_UNTRANSLATED (1u << 0) /* no window: the device writes phys */
#define IOAS_MSI_SHARED       (1u << 1) /* the page was already mapped */
#define IOAS_MSI_SPILLED      (1u << 2) /* page lies past the window (Linux) */
#define IOAS_MSI_RELEASED     (1u << 3) /* unmap: the page went away */

/**
 * struct ioas_msi_doorbell - where a doorbell landed
 * @iova: the address the device must write: the IOVA page plus the
 *        doorbell's offset in its page, or the physical address itself
 *        when untranslated
 * @page: the IOVA page mapped for it (start and last byte); zero when
 *        untranslated
 * @phys_page: first byte of the physical page behind @page
 * @refs: users of the page after the call (native counts every map; the
 *        Linux profiles report 1 for a mapped page: they do not count)
 * @flags: IOAS_MSI_* bits
 * @conflict: for IOAS_MSI_SPILLED, the usable range the page landed in
 */
struct ioas_msi_doorbell {
	uint64_t iova;
	struct ioas_range page;
	uint64_t phys_page;
	uint32_t refs;
	uint32_t flags;
	struct ioas_range conflict;
};

/* struct ioas_msi_window.flags */
#define IOAS_MSI_WINDOW_BOUNDED  (1u << 0) /* full window is an error */
#define IOAS_MSI_WINDOW_RELEASES (1u << 1) /* pages freed at refs == 0 */
#define IOAS_MSI_WINDOW_MOVED    (1u << 2) /* native: not at the group's base */

/**
 * struct ioas_msi_window - a domain's (or a native space's) MSI window
 * @window: the sw-msi window
 * @granule: bytes per doorbell page
 * @next: Linux profiles: the bump pointer (next page handed out)
 * @nr_pages: doorbell pages mapped now (including spilled ones)
 * @capacity: pages that fit in @window
 * @flags: IOAS_MSI_WINDOW_* bits
 * @origin: enum ioas_region_origin of the sw-msi region it came from
 */
struct ioas_msi_window {
	struct ioas_range window;
	uint64_t granule;
	uint64_t next;
	uint32_t nr_pages;
	uint32_t capacity;
	uint32_t flags;
	uint32_t origin;
};

/**
 * ioas_msi_its_doorbell() - GICv3 ITS doorbell address
 * @its_base: physical base of the ITS (its 64 KiB control frame)
 *
 * Return: the GITS_TRANSLATER address, @its_base + 0x10040 (second
 * 64 KiB frame, offset 0x40).
 */
static inline uint64_t ioas_msi_its_doorbell(uint64_t its_base)
{
	return its_base + 0x10040;
}

/**
 * ioas_msi_gicv2m_doorbell() - GICv2m frame doorbell address
 * @frame_base: physical base of the v2m frame
 *
 * Return: the MSI_SETSPI_NS address, @frame_base + 0x40.
 */
static inline uint64_t ioas_msi_gicv2m_doorbell(uint64_t frame_base)
{
	return frame_base + 0x40;
}

/**
 * ioas_msi_map() - map a device's MSI doorbell (iommu_dma_prepare_msi)
 * @s: space
 * @group: attached group whose device will signal the doorbell
 * @phys: physical doorbell address
 * @out: receives where the doorbell landed
 * @why: optional; filled on failure
 *
 * Without a window for the group's domain (x86, bypass msi regions, or a
 * type1 group that joined a domain created without one) the doorbell is
 * untranslated: @out->iova = @phys and nothing is mapped.
 *
 * Return: 0 on success; -ENOENT if @group is not attached; -ENOSPC
 * (native) when the window is full; -ENOMEM (type1/iommufd) when a page
 * past the window would land on a user mapping, as the kernel's iommu_map()
 * fails, or when memory runs out; -EINVAL for a NULL argument.
 */
int ioas_msi_map(struct ioas_space *s, uint32_t group, uint64_t phys,
		 struct ioas_msi_doorbell *out, struct ioas_why *why);

/**
 * ioas_msi_unmap() - drop one user of a doorbell
 * @s: space
 * @group: the group that mapped it
 * @phys: the physical doorbell address given to ioas_msi_map()
 * @out: if non-NULL, receives the page and its remaining users
 *       (IOAS_MSI_RELEASED when it went away)
 * @why: optional; filled on failure
 *
 * native releases the page when its last user goes. Linux never releases
 * MSI pages (until the domain itself goes), so type1 and iommufd only
 * check that the doorbell was mapped and report it unchanged.
 *
 * Return: 0 on success; -ENOENT if @group is not attached or never mapped
 * a doorbell in that page; -EINVAL for a NULL @s.
 */
int ioas_msi_unmap(struct ioas_space *s, uint32_t group, uint64_t phys,
		   struct ioas_msi_doorbell *out, struct ioas_why *why);

/**
 * ioas_msi_window() - the MSI window serving a group
 * @s: space
 * @group: attached group
 * @out: receives the window
 *
 * Return: 0 on success; -ENOENT if @group is not attached or its domain
 * has no window (doorbells are untranslated); -EINVAL for a NULL argument.
 */
int ioas_msi_window(struct ioas_space *s, uint32_t group,
		    struct ioas_msi_window *out);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_MSI_H */
