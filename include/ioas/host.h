/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioas host: what a Linux host's sysfs says about its IOMMU groups.
 *
 * ioas_host_load() reads a sysfs tree (the real /sys, or a copy given with
 * --sysfs) once and returns an immutable snapshot, struct ioas_host, that
 * owns every string and array reachable from it:
 *
 *   ROOT/kernel/iommu_groups/<N>/{type,reserved_regions,devices/<dev>}
 *   ROOT/class/iommu/<unit>/[intel-iommu/{cap,ecap}, devices/<dev>]
 *   ROOT/bus/pci/devices/<dev>/{vendor,device,class,driver}
 *
 * Groups come out in ascending numeric id order, each group's devices in
 * name order, each group's regions in the file's (the kernel's merged)
 * order.
 *
 * Sysfs says less than ioas wants, and this module fills the gaps with
 * guesses that it always labels as such:
 *
 *   - The kernel prints both MSI kinds as "msi". An "msi" line at
 *     [0x8000000, 0x80fffff] is typed sw-msi (the ARM SMMU and virtio-iommu
 *     software window); every other "msi" line stays a hardware msi.
 *   - Sysfs has no origins. Where the firmware's ACPI tables are readable
 *     (ROOT/firmware/acpi/tables/{DMAR,IVRS,IORT}, root only), a region
 *     that RMRRs, IVMDs or IORT RMRs explain gets its origin from them
 *     (ioas_host_region_origin(), IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE).
 *     Every other region gets one from its address, its type and the kind
 *     of IOMMU the group sits behind (x86 interrupt range, HyperTransport
 *     hole, ...), and the group carries IOAS_HOST_GROUP_ORIGINS_GUESSED.
 *   - Sysfs has no aperture or page sizes. Intel VT-d units expose their
 *     capability register (intel-iommu/cap), from which the aperture and
 *     page sizes are computed as the 6.12 driver does; other kinds get their
 *     driver's rule or a stated default (struct ioas_host_geometry).
 *
 * Finally, each group's usable IOVA ranges are what VFIO type1 would report
 * for a container holding that group alone: a type1 struct ioas_space is
 * built with the group's aperture, page sizes and regions (with
 * IOAS_SPACE_UNSAFE_INTERRUPTS, so that interrupt isolation, which sysfs
 * cannot show, does not hide the answer).
 *
 * Everything read is untrusted: every file read is bounded, every entry
 * name is length-checked, no path is built in a fixed buffer (directories
 * are opened relative to each other), FIFOs and devices are refused, and
 * symlinks are followed only where sysfs itself has them (a group's
 * devices/<dev> entries are used by name, so dangling links are fine).
 */
#ifndef IOAS_HOST_H
#define IOAS_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>
#include <ioas/region.h>
#include <ioas/space.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioas_host;

/**
 * enum ioas_host_iommu_kind - which IOMMU driver a unit belongs to
 * @IOAS_HOST_IOMMU_UNKNOWN: no class/iommu entry, or a name ioas does not
 *                           know
 * @IOAS_HOST_IOMMU_INTEL_VTD: Intel VT-d ("dmar<N>")
 * @IOAS_HOST_IOMMU_AMD_VI: AMD-Vi ("ivhd<N>")
 * @IOAS_HOST_IOMMU_ARM_SMMU: ARM SMMU v1/v2 ("smmu.<addr>", "arm-smmu...")
 * @IOAS_HOST_IOMMU_ARM_SMMUV3: ARM SMMUv3 ("smmu3.<addr>")
 * @IOAS_HOST_IOMMU_VIRTIO: virtio-iommu (any name containing "virtio")
 *
 * The kind is decided from the entry names under ROOT/class/iommu, which
 * each driver chooses (iommu_device_sysfs_add()).
 */
enum ioas_host_iommu_kind {
	IOAS_HOST_IOMMU_UNKNOWN = 0,
	IOAS_HOST_IOMMU_INTEL_VTD,
	IOAS_HOST_IOMMU_AMD_VI,
	IOAS_HOST_IOMMU_ARM_SMMU,
	IOAS_HOST_IOMMU_ARM_SMMUV3,
	IOAS_HOST_IOMMU_VIRTIO,
};

#define IOAS_HOST_IOMMU_NR_KINDS 6

/**
 * enum ioas_host_how - how a geometry value was obtained
 * @IOAS_HOST_ASSUMED: a default; nothing on the host says so
 * @IOAS_HOST_FROM_DRIVER: the Linux 6.12 driver's fixed rule for this kind
 *                         of IOMMU (e.g. SMMUv3 stage 1: 48 bits)
 * @IOAS_HOST_FROM_HOST: computed from a value read on the host (e.g. the
 *                       VT-d capability register)
 */
enum ioas_host_how {
	IOAS_HOST_ASSUMED = 0,
	IOAS_HOST_FROM_DRIVER = 1,
	IOAS_HOST_FROM_HOST = 2,
};

/**
 * struct ioas_host_geometry - the IOMMU domain a group would get
 * @aperture: addressable IOVA range of a paging domain
 * @pgsizes: page-size bitmap of that domain (VFIO's iova_pgsizes)
 * @aperture_how: enum ioas_host_how for @aperture
 * @pgsizes_how: enum ioas_host_how for @pgsizes
 * @aperture_source: where @aperture comes from, a sentence fragment such as
 *                   "dmar0 cap d2008c22260206: MGAW 39 bits, SAGAW 39
 *                   bits"; owned by the host, never NULL
 * @pgsizes_source: the same for @pgsizes; never NULL
 */
struct ioas_host_geometry {
	struct ioas_range aperture;
	uint64_t pgsizes;
	uint32_t aperture_how;
	uint32_t pgsizes_how;
	const char *aperture_source;
	const char *pgsizes_source;
};

/* struct ioas_host_iommu.flags */
#define IOAS_HOST_IOMMU_NO_IRQ_REMAP (1u << 0) /* cannot remap interrupts */

/**
 * struct ioas_host_iommu - one IOMMU unit (an entry of ROOT/class/iommu)
 * @name: the entry name, e.g. "dmar0", "smmu3.0x0000000009050000"
 * @kind: enum ioas_host_iommu_kind
 * @flags: IOAS_HOST_IOMMU_* bits; IOAS_HOST_IOMMU_NO_IRQ_REMAP is set
 *         when the unit says it has no interrupt remapping (VT-d: the IR
 *         bit of intel-iommu/ecap is clear)
 * @geom: the paging-domain geometry of this unit
 *
 * Owned by the host; valid until ioas_host_free().
 */
struct ioas_host_iommu {
	const char *name;
	uint32_t kind;
	uint32_t flags;
	struct ioas_host_geometry geom;
};

/* struct ioas_host_device.flags */
#define IOAS_HOST_DEV_PCI (1u << 0) /* vendor, device, class_code are valid */

/**
 * struct ioas_host_device - one device of a group
 * @name: the entry name in the group's devices/ folder, e.g.
 *        "0000:00:01.0"; never NULL
 * @driver: name of the bound driver, or NULL if none or unknown
 * @flags: IOAS_HOST_DEV_* bits
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @class_code: PCI class code, 24 bits (e.g. 0x020000)
 *
 * PCI details come from ROOT/bus/pci/devices/<name>; devices that are not
 * found there (platform devices) have only a name.
 */
struct ioas_host_device {
	const char *name;
	const char *driver;
	uint32_t flags;
	uint16_t vendor;
	uint16_t device;
	uint32_t class_code;
};

/* struct ioas_host_group.flags */
#define IOAS_HOST_GROUP_ORIGINS_GUESSED (1u << 0) /* origins are guesses */
#define IOAS_HOST_GROUP_SW_MSI_GUESSED  (1u << 1) /* "msi" became sw-msi */
#define IOAS_HOST_GROUP_NOT_ASSIGNABLE  (1u << 2) /* has a direct region */
#define IOAS_HOST_GROUP_NO_TYPE_FILE    (1u << 3) /* no 'type' file */
#define IOAS_HOST_GROUP_NO_REGIONS_FILE (1u << 4) /* no 'reserved_regions' */
#define IOAS_HOST_GROUP_IOMMU_GUESSED   (1u << 5) /* unit picked, no link */
#define IOAS_HOST_GROUP_MSI_UNISOLATED  (1u << 6) /* interrupts not remapped */

/**
 * struct ioas_host_group - one IOMMU group as sysfs shows it
 * @id: the group number (the folder name)
 * @flags: IOAS_HOST_GROUP_* bits
 * @type: the default domain type as the 'type' file says ("DMA-FQ",
 *        "identity", ...), without the newline; "" if the file is missing
 * @devices: the group's devices, sorted by name
 * @nr_devices: entries at @devices
 * @regions: the reserved regions, in file order, typed and with a (guessed)
 *           origin each
 * @nr_regions: entries at @regions
 * @iommu: the IOMMU unit the group sits behind, or NULL if none is known
 * @geom: the geometry used for @usable (@iommu's, or defaults)
 * @usable: the usable IOVA ranges VFIO type1 would report for this group
 *          alone; empty when @usable_err is non-zero
 * @nr_usable: entries at @usable
 * @usable_err: 0, or the negative errno the type1 attach would fail with
 *              (-EINVAL for a group with a non-relaxable direct region,
 *              which Linux refuses to hand to userspace)
 * @usable_note: when @usable_err is non-zero, a sentence saying why, e.g.
 *               "not assignable: direct region 0x50000000-0x500fffff
 *               (rmrr) ..."; NULL otherwise
 *
 * IOAS_HOST_GROUP_MSI_UNISOLATED is a guess that the group's interrupts
 * are not remapped (its unit has IOAS_HOST_IOMMU_NO_IRQ_REMAP, or it is a
 * virtio-iommu on x86, which never remaps them): VFIO type1 then refuses it
 * with -EPERM unless vfio_iommu_type1.allow_unsafe_interrupts=1. @usable
 * is computed as if that option were set.
 *
 * Everything is owned by the host and valid until ioas_host_free().
 * Fields may be added at the end in later versions; the host allocates
 * these structs, so that is not an ABI break.
 */
struct ioas_host_group {
	uint32_t id;
	uint32_t flags;
	const char *type;
	const struct ioas_host_device *devices;
	size_t nr_devices;
	const struct ioas_region *regions;
	size_t nr_regions;
	const struct ioas_host_iommu *iommu;
	struct ioas_host_geometry geom;
	const struct ioas_range *usable;
	size_t nr_usable;
	int usable_err;
	const char *usable_note;
};

/* ioas_host_flags() */
#define IOAS_HOST_NO_GROUPS_DIR    (1u << 0) /* no iommu_groups folder */
#define IOAS_HOST_EMPTY_GROUPS_DIR (1u << 1) /* folder present, no group */
#define IOAS_HOST_BARE_GROUPS_DIR  (1u << 2) /* root was iommu_groups itself */

#define IOAS_HOST_PATH_MAX 4096

/**
 * struct ioas_host_diag - what ioas_host_load() ran into
 * @diag: for -EBADMSG, the line, byte offset and reason in the offending
 *        file (line 0 when the whole file is at fault); reason is set for
 *        every error
 * @group: the group involved, or UINT32_MAX if none
 * @path: the file or folder involved, NUL-terminated (truncated if longer
 *        than IOAS_HOST_PATH_MAX - 1 bytes); "" if none
 */
struct ioas_host_diag {
	struct ioas_diag diag;
	uint32_t group;
	char path[IOAS_HOST_PATH_MAX];
};

/**
 * ioas_host_load() - read a host's IOMMU groups from sysfs
 * @sysfs_root: a sysfs mount (ROOT/kernel/iommu_groups, ROOT/class/iommu
 *              and ROOT/bus/pci/devices are read), or an iommu_groups
 *              folder itself (used when ROOT/kernel/iommu_groups does not
 *              exist but ROOT holds numeric group folders; then
 *              IOAS_HOST_BARE_GROUPS_DIR is set and nothing else is read);
 *              NULL means "/sys"
 * @out: receives the snapshot on success; untouched on failure
 * @diag: optional; on failure, says which file, group, line and why
 *
 * A host without an iommu_groups folder (a kernel without IOMMU support:
 * the iommu core creates it at boot otherwise) or with an empty one (IOMMU
 * disabled or absent, or no device behind it) loads successfully with no
 * groups; ioas_host_flags() tells the two apart. A missing 'type' or
 * 'reserved_regions' file is not an error (the group's flags say so); a
 * device's PCI details that are missing or unreadable are left out.
 * Symlinks are followed (sysfs is made of them); a group's devices are
 * taken by entry name, so a dangling devices/<dev> link is fine.
 *
 * The caller owns *@out and releases it with ioas_host_free().
 *
 * Return: 0 on success; -ENOENT if @sysfs_root does not exist; -ENOTDIR if
 * it is not a folder; -EACCES if a folder or file that is needed cannot be
 * read; -EBADMSG for malformed contents: a reserved_regions or type file
 * that does not parse, a VT-d cap that is not a hex number, a file larger
 * than 64 KiB, a file that is not a regular file, a group entry that is
 * not a folder, more than 65536 groups or 65536 devices in a group;
 * -EINVAL if @sysfs_root is empty or too long; -EIO for another read
 * error; -ENOMEM.
 */
int ioas_host_load(const char *sysfs_root, struct ioas_host **out,
		   struct ioas_host_diag *diag);

/**
 * ioas_host_free() - release a snapshot
 * @h: snapshot, may be NULL
 *
 * Every pointer obtained from @h becomes invalid.
 */
void ioas_host_free(struct ioas_host *h);

/**
 * ioas_host_flags() - how the groups folder looked
 * @h: snapshot
 *
 * Return: IOAS_HOST_NO_GROUPS_DIR, IOAS_HOST_EMPTY_GROUPS_DIR and
 * IOAS_HOST_BARE_GROUPS_DIR bits.
 */
uint32_t ioas_host_flags(const struct ioas_host *h);

/**
 * ioas_host_nr_groups() - number of IOMMU groups
 * @h: snapshot
 *
 * Return: the count; 0 for a host without groups.
 */
size_t ioas_host_nr_groups(const struct ioas_host *h);

/**
 * ioas_host_group_peek() - a group by position
 * @h: snapshot
 * @i: index, 0 <= @i < ioas_host_nr_groups(); groups are in ascending id
 *     order
 *
 * Return: a borrowed pointer valid until ioas_host_free(@h); NULL if @i is
 * out of range.
 */
const struct ioas_host_group *ioas_host_group_peek(const struct ioas_host *h,
						   size_t i);

/**
 * ioas_host_group_find() - a group by id
 * @h: snapshot
 * @id: group number
 *
 * O(log n).
 *
 * Return: a borrowed pointer valid until ioas_host_free(@h); NULL if there
 * is no such group.
 */
const struct ioas_host_group *ioas_host_group_find(const struct ioas_host *h,
						   uint32_t id);

/**
 * ioas_host_space() - a space holding some of a host's groups together
 * @h: snapshot
 * @profile: IOAS_PROFILE_TYPE1 (one VFIO container), IOAS_PROFILE_IOMMUFD
 *           (one IOAS) or IOAS_PROFILE_NATIVE
 * @groups: group ids, attached in this order (duplicates are refused)
 * @nr: how many; 0 gives a space with no group
 * @flags: IOAS_SPACE_* flags of the space, e.g.
 *         IOAS_SPACE_UNSAFE_INTERRUPTS to accept groups whose interrupts
 *         are not isolated
 * @out: receives the space; the caller frees it with ioas_space_free()
 * @why: on failure, what refused (may be NULL); why->group is the group
 *       whose attach failed, or that the host does not have
 *
 * Each group is attached with the regions, aperture, page sizes and
 * interrupt isolation the snapshot has for it (struct ioas_host_group), so
 * ioas_space_usable() of the result is what VFIO type1 (or iommufd)
 * would report for a container (IOAS) holding those groups, and maps can
 * be tried against it.
 *
 * Return: 0 on success; -EINVAL for a NULL @h or @out, @nr > 0 with NULL
 * @groups, or an unknown @profile; -ENOENT if the host has no group of one
 * of the ids; otherwise the attach's -errno (-EINVAL for a direct region
 * or a duplicate, -EPERM for missing interrupt isolation, ...); -ENOMEM.
 * *@out is untouched on failure.
 */
int ioas_host_space(const struct ioas_host *h, uint32_t profile,
		    const uint32_t *groups, size_t nr, uint32_t flags,
		    struct ioas_space **out, struct ioas_why *why);

/**
 * ioas_host_nr_iommus() - number of IOMMU units under ROOT/class/iommu
 * @h: snapshot
 *
 * Return: the count (0 with IOAS_HOST_BARE_GROUPS_DIR or no class/iommu).
 */
size_t ioas_host_nr_iommus(const struct ioas_host *h);

/**
 * ioas_host_iommu_peek() - an IOMMU unit by position
 * @h: snapshot
 * @i: index, 0 <= @i < ioas_host_nr_iommus(); units are in name order
 *
 * Return: a borrowed pointer valid until ioas_host_free(@h); NULL if @i is
 * out of range.
 */
const struct ioas_host_iommu *ioas_host_iommu_peek(const struct ioas_host *h,
						   size_t i);

/**
 * ioas_host_iommu_kind_name() - short name of an IOMMU kind
 * @kind: enum ioas_host_iommu_kind
 *
 * Return: a static identifier: "intel-vtd", "amd-vi", "arm-smmu",
 * "arm-smmuv3", "virtio-iommu", or "unknown" (also for values out of
 * range).
 */
const char *ioas_host_iommu_kind_name(uint32_t kind);

/**
 * ioas_host_iommu_kind_describe() - human name of an IOMMU kind
 * @kind: enum ioas_host_iommu_kind
 *
 * Return: a static string such as "Intel VT-d"; "unknown IOMMU" for
 * unknown values.
 */
const char *ioas_host_iommu_kind_describe(uint32_t kind);

/**
 * ioas_host_how_name() - how a geometry value was obtained, in words
 * @how: enum ioas_host_how
 *
 * Return: "assumed", "driver rule" or "read from host"; "unknown" for
 * values out of range. The string is static.
 */
const char *ioas_host_how_name(uint32_t how);

/*
 * DOC: the kernel side (lib/host_vfio.c, lib/host_iommufd.c)
 *
 * Thin, checked wrappers over the Linux 6.12 VFIO type1 container and
 * iommufd IOAS ioctls, for programs that want the real kernel's answer
 * (ioas sim --backend kernel runs scenarios through them). Each call is
 * one ioctl (or a fixed, documented sequence) and returns 0 or the
 * kernel's -errno exactly as the ioctl failed, so a caller can compare it
 * with a space's answer. Flag words are passed to the kernel unchanged,
 * including bits it will reject: the kernel is the judge of its own ABI.
 *
 * Opening maps the host's situation onto ioas's errno table: -ENODEV when
 * the device node does not exist (no VFIO, no iommufd, or the module is
 * not loaded), -EACCES when it exists but may not be opened, -ENOENT for a
 * group or VFIO device node that does not exist, -EBUSY when another
 * process holds it. ioas_host_dev_state() tells whether a PCI device is
 * bound to vfio-pci and names its group and cdev, so that a front end can
 * say "not bound to vfio-pci" instead of passing on an errno.
 *
 * The handles are plain file-descriptor holders: not internally
 * synchronized (use one from one thread at a time), closed by their
 * _close() function, which cannot fail. Root folders are injectable
 * (@dev_root, @sysfs_root; NULL means "/dev" and "/sys") so that error
 * paths can be tested on a fake tree.
 */

/**
 * struct ioas_host_dev_state - how a device stands for assignment
 * @group: its IOMMU group id; UINT32_MAX if it has no iommu_group link
 * @driver: name of the bound driver ("vfio-pci"), "" if none
 * @cdev: its VFIO device node name under /dev/vfio/devices ("vfio0"), ""
 *        if it has none (not bound to a VFIO driver, or a kernel without
 *        CONFIG_VFIO_DEVICE_CDEV)
 */
struct ioas_host_dev_state {
	uint32_t group;
	char driver[64];
	char cdev[32];
};

/**
 * ioas_host_dev_state() - find a PCI device's group, driver and VFIO cdev
 * @sysfs_root: a sysfs mount; NULL means "/sys"
 * @dev: the device's name in ROOT/bus/pci/devices ("0000:00:01.0")
 * @out: filled on success; untouched on failure
 *
 * Reads ROOT/bus/pci/devices/@dev/{iommu_group,driver} (symlinks) and the
 * ROOT/bus/pci/devices/@dev/vfio-dev folder.
 *
 * Return: 0 on success; -EINVAL if @dev is empty, too long or holds a '/'
 * or is "." or ".."; -ENOENT if there is no such device; -EACCES; -EIO.
 */
int ioas_host_dev_state(const char *sysfs_root, const char *dev,
			struct ioas_host_dev_state *out);

struct ioas_host_vfio;

/* ioas_host_vfio_map() flags (VFIO_DMA_MAP_FLAG_*) */
#define IOAS_HOST_VFIO_MAP_READ (1u << 0)
#define IOAS_HOST_VFIO_MAP_WRITE (1u << 1)
/* ioas_host_vfio_unmap() flags (VFIO_DMA_UNMAP_FLAG_*) */
#define IOAS_HOST_VFIO_UNMAP_ALL (1u << 1)

/**
 * ioas_host_vfio_open() - open a VFIO container
 * @dev_root: the /dev folder; NULL means "/dev"
 * @out: receives the container on success; untouched on failure
 *
 * Opens DEV/vfio/vfio and checks that it speaks VFIO API version 0 and has
 * the type1 v2 IOMMU. No IOMMU is set until the first group is attached.
 * Release with ioas_host_vfio_close().
 *
 * Return: 0 on success; -ENODEV if DEV/vfio/vfio does not exist (no VFIO)
 * or the kernel lacks type1 v2; -EACCES if it may not be opened; -EINVAL
 * for a @dev_root that is empty or too long; -EPROTO for an unknown API
 * version; -ENOMEM; another -errno of open(2).
 */
int ioas_host_vfio_open(const char *dev_root, struct ioas_host_vfio **out);

/**
 * ioas_host_vfio_close() - close a container and every group it holds
 * @c: container, may be NULL
 *
 * Closing releases the groups, and with the last one the IOMMU and every
 * mapping, as the kernel does.
 */
void ioas_host_vfio_close(struct ioas_host_vfio *c);

/**
 * ioas_host_vfio_attach() - add a group to the container
 * @c: container
 * @group: IOMMU group id (DEV/vfio/@group)
 *
 * Opens the group (once; the file stays open until detach), checks that
 * it is viable, then VFIO_GROUP_SET_CONTAINER, and VFIO_SET_IOMMU with
 * type1 v2 when this is the container's first group. If that last step
 * fails the group is taken out of the container again, so a failed call
 * leaves the container as it was. Attaching a group that is already
 * attached issues VFIO_GROUP_SET_CONTAINER again and returns the kernel's
 * answer (-EINVAL).
 *
 * Return: 0 on success; -ENOENT if DEV/vfio/@group does not exist (no
 * device of the group is bound to a VFIO driver); -EACCES; -EBUSY if the
 * group is open elsewhere or not viable (a device of the group is bound
 * to a host driver); the kernel's -errno of SET_CONTAINER or SET_IOMMU
 * (-EINVAL for a direct region or a conflict, -EPERM without interrupt
 * isolation, ...); -ENOMEM.
 */
int ioas_host_vfio_attach(struct ioas_host_vfio *c, uint32_t group);

/**
 * ioas_host_vfio_detach() - take a group out of the container
 * @c: container
 * @group: group id
 *
 * VFIO_GROUP_UNSET_CONTAINER, then the group file is closed. The last
 * group's departure releases the IOMMU and every mapping; the next attach
 * sets the IOMMU again (re-reading vfio_iommu_type1.dma_entry_limit).
 *
 * Return: 0 on success; -ENOENT if @group is not attached through @c; the
 * kernel's -errno.
 */
int ioas_host_vfio_detach(struct ioas_host_vfio *c, uint32_t group);

/**
 * ioas_host_vfio_map() - VFIO_IOMMU_MAP_DMA
 * @c: container
 * @vaddr: user address of the memory
 * @iova: first IOVA
 * @size: bytes
 * @flags: IOAS_HOST_VFIO_MAP_* bits, passed on unchanged
 *
 * Return: 0 on success; the kernel's -errno (kernel-spec section 4.5), or
 * -EINVAL without an IOMMU set.
 */
int ioas_host_vfio_map(struct ioas_host_vfio *c, uint64_t vaddr, uint64_t iova,
		       uint64_t size, uint32_t flags);

/**
 * ioas_host_vfio_unmap() - VFIO_IOMMU_UNMAP_DMA
 * @c: container
 * @iova: first IOVA (0 with IOAS_HOST_VFIO_UNMAP_ALL)
 * @size: bytes (0 with IOAS_HOST_VFIO_UNMAP_ALL)
 * @flags: IOAS_HOST_VFIO_UNMAP_* bits, passed on unchanged
 * @unmapped: if non-NULL, receives the bytes the kernel says it removed
 *            (written on success only)
 *
 * Return: 0 on success; the kernel's -errno (kernel-spec section 4.6).
 */
int ioas_host_vfio_unmap(struct ioas_host_vfio *c, uint64_t iova,
			 uint64_t size, uint32_t flags, uint64_t *unmapped);

/**
 * ioas_host_vfio_get_info() - VFIO_IOMMU_GET_INFO with a chosen argsz
 * @c: container
 * @buf: buffer the kernel reads and writes; argsz is stored in its first
 *       four bytes, the rest is zeroed first
 * @size: bytes at @buf; at least max(@argsz, 24) so that the kernel never
 *        touches memory past it
 * @argsz: the argsz to send (may be below the struct size: the kernel's
 *         answer to that is what some callers want)
 *
 * The blob is returned raw (the kernel may grow argsz and leave the caps
 * out, kernel-spec section 4.7); ioas_host_vfio_usable() decodes it.
 *
 * Return: 0 on success; -EINVAL for a NULL argument or @size too small;
 * the kernel's -errno.
 */
int ioas_host_vfio_get_info(struct ioas_host_vfio *c, void *buf, size_t size,
			    uint32_t argsz);

/**
 * ioas_host_vfio_usable() - the container's iova list and page sizes
 * @c: container
 * @out: replaced with the IOVA_RANGE capability's ranges on success (empty
 *       if the kernel sent none); unchanged on failure
 * @pgsizes: if non-NULL, receives iova_pgsizes
 *
 * GET_INFO twice (argsz negotiation), then a bounded, forward-only walk of
 * the capability chain.
 *
 * Return: 0 on success; the kernel's -errno (-EINVAL without an IOMMU
 * set); -EBADMSG for a chain that does not parse; -ENOMEM.
 */
int ioas_host_vfio_usable(struct ioas_host_vfio *c, struct ioas_range_list *out,
			  uint64_t *pgsizes);

struct ioas_host_iommufd;

/* ioas_host_iommufd_map() and _copy() flags (IOMMU_IOAS_MAP_*) */
#define IOAS_HOST_IOMMUFD_FIXED_IOVA (1u << 0)
#define IOAS_HOST_IOMMUFD_WRITEABLE (1u << 1)
#define IOAS_HOST_IOMMUFD_READABLE (1u << 2)

/**
 * ioas_host_iommufd_open() - open an iommufd
 * @dev_root: the /dev folder; NULL means "/dev"
 * @out: receives the handle on success; untouched on failure
 *
 * Opens DEV/iommu. VFIO devices are bound to it with
 * ioas_host_iommufd_bind(), which opens DEV/vfio/devices/<cdev>.
 *
 * Return: 0 on success; -ENODEV if DEV/iommu does not exist (a kernel
 * without CONFIG_IOMMUFD); -EACCES; -EINVAL for a bad @dev_root; -ENOMEM;
 * another -errno of open(2).
 */
int ioas_host_iommufd_open(const char *dev_root,
			   struct ioas_host_iommufd **out);

/**
 * ioas_host_iommufd_close() - close the devices and the iommufd
 * @fd: handle, may be NULL
 *
 * Every object made through it (IOAS, bound devices) goes with it.
 */
void ioas_host_iommufd_close(struct ioas_host_iommufd *fd);

/**
 * ioas_host_iommufd_ioas_alloc() - IOMMU_IOAS_ALLOC
 * @fd: handle
 * @ioas_id: receives the new IOAS's id
 *
 * Return: 0 on success; the kernel's -errno.
 */
int ioas_host_iommufd_ioas_alloc(struct ioas_host_iommufd *fd,
				 uint32_t *ioas_id);

/**
 * ioas_host_iommufd_destroy() - IOMMU_DESTROY
 * @fd: handle
 * @id: object id
 *
 * Return: 0 on success; the kernel's -errno (-ENOENT, -EBUSY).
 */
int ioas_host_iommufd_destroy(struct ioas_host_iommufd *fd, uint32_t id);

/**
 * ioas_host_iommufd_bind() - open a VFIO device cdev and bind it
 * @fd: handle
 * @cdev: the node's name in DEV/vfio/devices ("vfio0"; see
 *        ioas_host_dev_state())
 * @dev_id: receives the bound device's id (out_devid)
 *
 * Opens the cdev and issues VFIO_DEVICE_BIND_IOMMUFD. The device file
 * stays open until ioas_host_iommufd_unbind() or close. On failure it is
 * closed again.
 *
 * Return: 0 on success; -EINVAL for a bad @cdev name; -ENOENT if the node
 * does not exist; -EACCES; -EBUSY if it is open elsewhere; the kernel's
 * -errno of the bind (-EPERM without interrupt isolation, -EINVAL for a
 * direct region, ...); -ENOMEM.
 */
int ioas_host_iommufd_bind(struct ioas_host_iommufd *fd, const char *cdev,
			   uint32_t *dev_id);

/**
 * ioas_host_iommufd_unbind() - close a bound device
 * @fd: handle
 * @dev_id: id from ioas_host_iommufd_bind()
 *
 * Return: 0 on success; -ENOENT if @dev_id was not bound through @fd.
 */
int ioas_host_iommufd_unbind(struct ioas_host_iommufd *fd, uint32_t dev_id);

/**
 * ioas_host_iommufd_attach() - VFIO_DEVICE_ATTACH_IOMMUFD_PT
 * @fd: handle
 * @dev_id: a bound device
 * @pt_id: in: the IOAS (or HWPT) id; out: the HWPT the kernel attached
 *
 * Attaching an attached device replaces its page table (the kernel's
 * semantics, also for the same IOAS).
 *
 * Return: 0 on success; -ENOENT if @dev_id is not bound through @fd; the
 * kernel's -errno (-EADDRINUSE, -EINVAL, ...).
 */
int ioas_host_iommufd_attach(struct ioas_host_iommufd *fd, uint32_t dev_id,
			     uint32_t *pt_id);

/**
 * ioas_host_iommufd_detach() - VFIO_DEVICE_DETACH_IOMMUFD_PT
 * @fd: handle
 * @dev_id: a bound device
 *
 * Return: 0 on success; -ENOENT if @dev_id is not bound through @fd; the
 * kernel's -errno.
 */
int ioas_host_iommufd_detach(struct ioas_host_iommufd *fd, uint32_t dev_id);

/**
 * ioas_host_iommufd_map() - IOMMU_IOAS_MAP
 * @fd: handle
 * @ioas_id: the IOAS
 * @flags: IOAS_HOST_IOMMUFD_* bits, passed on unchanged
 * @user_va: user address of the memory
 * @length: bytes
 * @iova: in: the IOVA for a fixed map; out: the IOVA used (on success)
 *
 * Return: 0 on success; the kernel's -errno (kernel-spec section 5.6).
 */
int ioas_host_iommufd_map(struct ioas_host_iommufd *fd, uint32_t ioas_id,
			  uint32_t flags, uint64_t user_va, uint64_t length,
			  uint64_t *iova);

/**
 * ioas_host_iommufd_unmap() - IOMMU_IOAS_UNMAP
 * @fd: handle
 * @ioas_id: the IOAS
 * @iova: first IOVA (0 with @length UINT64_MAX: everything)
 * @length: bytes
 * @unmapped: if non-NULL, receives the bytes removed (on success)
 *
 * Return: 0 on success; the kernel's -errno (kernel-spec section 5.8).
 */
int ioas_host_iommufd_unmap(struct ioas_host_iommufd *fd, uint32_t ioas_id,
			    uint64_t iova, uint64_t length, uint64_t *unmapped);

/**
 * ioas_host_iommufd_allow() - IOMMU_IOAS_ALLOW_IOVAS
 * @fd: handle
 * @ioas_id: the IOAS
 * @ranges: the new allowed list, may be NULL when @nr is 0
 * @nr: entries; 0 clears the list
 *
 * Return: 0 on success; -EINVAL for more than 65536 ranges or NULL
 * @ranges with @nr > 0; -ENOMEM; the kernel's -errno (kernel-spec 5.5).
 */
int ioas_host_iommufd_allow(struct ioas_host_iommufd *fd, uint32_t ioas_id,
			    const struct ioas_range *ranges, size_t nr);

/**
 * ioas_host_iommufd_copy() - IOMMU_IOAS_COPY
 * @fd: handle
 * @dst_ioas: destination IOAS
 * @src_ioas: source IOAS
 * @flags: IOAS_HOST_IOMMUFD_* bits, passed on unchanged
 * @src_iova: first byte of the source
 * @length: bytes
 * @dst_iova: in: destination for a fixed copy; out: the IOVA used
 *
 * Return: 0 on success; the kernel's -errno (kernel-spec section 5.9).
 */
int ioas_host_iommufd_copy(struct ioas_host_iommufd *fd, uint32_t dst_ioas,
			   uint32_t src_ioas, uint32_t flags, uint64_t src_iova,
			   uint64_t length, uint64_t *dst_iova);

/**
 * ioas_host_iommufd_iova_ranges() - IOMMU_IOAS_IOVA_RANGES
 * @fd: handle
 * @ioas_id: the IOAS
 * @out: replaced with the ranges on success; unchanged on failure
 * @alignment: if non-NULL, receives out_iova_alignment
 *
 * Negotiates the count (the kernel answers -EMSGSIZE with the total) and
 * retries while the IOAS changes under it, at most a few times.
 *
 * Return: 0 on success; the kernel's -errno; -EBADMSG if the ranges are
 * not ascending and disjoint; -EAGAIN if the count kept changing;
 * -ENOMEM.
 */
int ioas_host_iommufd_iova_ranges(struct ioas_host_iommufd *fd,
				  uint32_t ioas_id, struct ioas_range_list *out,
				  uint64_t *alignment);

/*
 * MSI doorbells on a real device.
 *
 * On an IOMMU that translates MSI writes (ARM SMMU), the kernel maps a
 * device's doorbell into its domain when the device's driver allocates an
 * MSI vector (iommu_dma_prepare_msi()), and writes the IOVA it chose into
 * the device's MSI-X table entry or MSI capability. These calls make a
 * VFIO device do that and read the address back: the doorbell IOVA the
 * real kernel picked, to compare with ioas_msi_map()'s answer.
 */

/**
 * ioas_host_vfio_device() - open a device of an attached group
 * @c: container
 * @group: an attached group
 * @dev: the device's name in the group (PCI address "0000:00:01.0")
 * @fd: receives the device file; @c owns it (do not close it)
 *
 * VFIO_GROUP_GET_DEVICE_FD, once per device: later calls for the same
 * device return the same file. The files are closed by
 * ioas_host_vfio_detach() before the group leaves the container (the
 * kernel refuses that with -EBUSY while a device is open), which also
 * disables the device's interrupts, and by ioas_host_vfio_close().
 *
 * Return: 0 on success; -EINVAL for a NULL argument or a bad @dev name;
 * -ENOENT if @group is not attached through @c; -ENOMEM; the kernel's
 * -errno (-ENODEV: no such device in the group).
 */
int ioas_host_vfio_device(struct ioas_host_vfio *c, uint32_t group,
			  const char *dev, int *fd);

/**
 * ioas_host_iommufd_device() - the file of a bound device
 * @h: handle
 * @dev_id: id from ioas_host_iommufd_bind()
 * @fd: receives the device's cdev file; @h owns it (do not close it)
 *
 * Return: 0 on success; -EINVAL for a NULL argument; -ENOENT if @dev_id is
 * not bound through @h.
 */
int ioas_host_iommufd_device(struct ioas_host_iommufd *h, uint32_t dev_id,
			     int *fd);

/**
 * struct ioas_host_msi - one enabled interrupt vector of a VFIO device
 * @index: VFIO IRQ index: 2 (VFIO_PCI_MSIX_IRQ_INDEX) or 1 (MSI)
 * @eventfd: the trigger, owned until ioas_host_msi_disable(); -1 when off
 */
struct ioas_host_msi {
	uint32_t index;
	int eventfd;
};

#define IOAS_HOST_MSI_INDEX 1u
#define IOAS_HOST_MSIX_INDEX 2u

/**
 * ioas_host_msi_enable() - enable vector 0 of a VFIO PCI device
 * @devfd: a VFIO device file (ioas_host_vfio_device(),
 *         ioas_host_iommufd_device())
 * @msi: receives the index used and the eventfd
 *
 * Uses MSI-X when VFIO_DEVICE_GET_IRQ_INFO reports MSI-X vectors, else
 * MSI, and sets vector 0's trigger to a new eventfd
 * (VFIO_DEVICE_SET_IRQS, DATA_EVENTFD | ACTION_TRIGGER). The kernel then
 * allocates the vector, maps its doorbell if the domain translates MSIs,
 * and programs the message.
 *
 * Return: 0 on success; -EINVAL for a NULL argument; -ENOENT if the
 * device has neither MSI-X nor MSI; the kernel's -errno (-EINVAL when
 * another index is already enabled); -EMFILE and friends from eventfd().
 * On failure nothing is enabled and @msi is untouched.
 */
int ioas_host_msi_enable(int devfd, struct ioas_host_msi *msi);

/**
 * ioas_host_msi_disable() - disable the vectors of ioas_host_msi_enable()
 * @devfd: the device file
 * @msi: what ioas_host_msi_enable() returned; its eventfd is closed and
 *       set to -1
 *
 * VFIO_DEVICE_SET_IRQS with DATA_NONE | ACTION_TRIGGER and count 0. The
 * kernel frees the vector; on Linux the doorbell page stays mapped until
 * the domain is freed (kernel-spec §3).
 *
 * Return: 0 on success; -EINVAL for a NULL argument or an @msi that is
 * not enabled; the kernel's -errno (then the eventfd stays open).
 */
int ioas_host_msi_disable(int devfd, struct ioas_host_msi *msi);

/**
 * struct ioas_host_pci_msi - where a PCI function's MSI and MSI-X live
 * @flags: IOAS_HOST_PCI_MSI (an MSI capability), IOAS_HOST_PCI_MSI64 (it
 *         has a 64-bit address), IOAS_HOST_PCI_MSIX (an MSI-X capability)
 * @msi_pos: config space offset of the MSI capability (ID 0x05)
 * @msix_pos: config space offset of the MSI-X capability (ID 0x11)
 * @msix_bir: the BAR holding the MSI-X table (0-5)
 * @msix_entries: entries in the table (1-2048)
 * @msix_offset: the table's offset in that BAR (8-byte aligned)
 */
struct ioas_host_pci_msi {
	uint32_t flags;
	uint16_t msi_pos;
	uint16_t msix_pos;
	uint32_t msix_bir;
	uint32_t msix_entries;
	uint32_t msix_offset;
};

#define IOAS_HOST_PCI_MSI (1u << 0)
#define IOAS_HOST_PCI_MSI64 (1u << 1)
#define IOAS_HOST_PCI_MSIX (1u << 2)

/**
 * ioas_host_pci_msi_parse() - find MSI and MSI-X in PCI config space
 * @cfg: the config space bytes (SYSFS/bus/pci/devices/<dev>/config)
 * @len: bytes in @cfg (64 for a non-root reader, 256 or 4096 for root)
 * @out: receives what was found (flags 0: neither capability)
 *
 * Walks the standard capability list as the kernel does
 * (pci_find_capability()): pointers masked to dword alignment, the list
 * ends at a pointer into the 64-byte header, at ID 0xff or after 48 hops
 * (so a loop ends too), and the first capability of each ID counts. The
 * bytes are untrusted: every read is bounds-checked.
 *
 * Return: 0 on success; -EINVAL for a NULL argument; -EBADMSG if @len is
 * below 64, a pointer or a capability lies past @len, or the MSI-X BIR is
 * above 5; @out is then untouched.
 */
int ioas_host_pci_msi_parse(const void *cfg, size_t len,
			    struct ioas_host_pci_msi *out);

/**
 * ioas_host_msi_address() - the message address of a device's vector 0
 * @sysfs_root: sysfs mount ("/sys")
 * @dev_root: device nodes ("/dev"), for DEV/mem
 * @dev: PCI address
 * @index: IOAS_HOST_MSIX_INDEX or IOAS_HOST_MSI_INDEX
 * @addr: receives the address the device writes its messages to
 *
 * MSI: the address registers of the MSI capability, read from
 * SYSFS/bus/pci/devices/@dev/config. MSI-X: entry 0 of the table, at the
 * BAR's address (SYSFS/.../resource) plus the table offset, read with
 * 32-bit loads from a mapping of DEV/mem (root; the kernel must allow it).
 *
 * Return: 0 on success; -EINVAL for a bad argument; -ENOENT if the device
 * or the capability does not exist or the BAR is not assigned; -EACCES;
 * -EBADMSG if config space or the resource file is malformed; -EIO.
 */
int ioas_host_msi_address(const char *sysfs_root, const char *dev_root,
			  const char *dev, uint32_t index, uint64_t *addr);


/*
 * DOC: firmware tables (lib/host_acpi.c)
 *
 * Sysfs says nothing about why a reserved region exists. On ACPI machines
 * the firmware tables that made most of them are readable by root under
 * ROOT/firmware/acpi/tables: DMAR (Intel VT-d RMRRs), IVRS (AMD-Vi IVMD
 * blocks) and IORT (ARM RMR nodes). ioas_acpi_parse() decodes the
 * reservations of one such table, and says for each what region Linux 6.12
 * makes of it. ioas_host_load() reads the three tables when they are there
 * and readable, and uses them to confirm the origin of every group region
 * that they explain (ioas_host_region_origin()); the other regions keep
 * their guessed origins.
 *
 * Tables are untrusted input: the ACPI header, every structure's length
 * and every offset in it are bounds- and overflow-checked, every walk moves
 * strictly forward (a zero-length structure is an error), and the number
 * of entries is capped, so that no table makes the decoder loop, read out
 * of bounds or take quadratic time.
 */

/**
 * enum ioas_acpi_table - which firmware table
 * @IOAS_ACPI_NONE: none (a guessed origin, or an unknown signature)
 * @IOAS_ACPI_DMAR: "DMAR", Intel VT-d DMA remapping reporting table
 * @IOAS_ACPI_IVRS: "IVRS", AMD I/O virtualization reporting structure
 * @IOAS_ACPI_IORT: "IORT", ARM IO remapping table
 */
enum ioas_acpi_table {
	IOAS_ACPI_NONE = 0,
	IOAS_ACPI_DMAR = 1,
	IOAS_ACPI_IVRS = 2,
	IOAS_ACPI_IORT = 3,
};

#define IOAS_ACPI_NR_TABLES 4

/**
 * enum ioas_acpi_dev_kind - what a device scope entry names
 * @IOAS_ACPI_DEV_PCI: the PCI functions whose requester IDs (bus << 8 |
 *                     device << 3 | function) are in [@first, @last] on
 *                     PCI segment @segment. DMAR: an endpoint whose path
 *                     has one hop (start bus, device, function); IVRS: an
 *                     IVMD for one device (type 0x21) or a range (0x22);
 *                     IORT: the requester IDs that a root complex node maps
 *                     to the RMR's stream IDs
 * @IOAS_ACPI_DEV_PCI_ALL: every PCI function of segment @segment (IVMD type
 *                         0x20); @first 0, @last 0xffff
 * @IOAS_ACPI_DEV_PCI_PATH: DMAR endpoint behind bridges: the function at
 *                          the end of @path, which starts at bus @first >>
 *                          8. The table alone cannot say which bus number
 *                          the last hop is on (that is in the bridges'
 *                          configuration space), so only the first hop is
 *                          resolved: @first == @last is its requester ID
 * @IOAS_ACPI_DEV_PCI_BRIDGE: DMAR PCI sub-hierarchy: the bridge at the end
 *                            of @path and every function below it; @first
 *                            == @last is the requester ID of the first hop
 * @IOAS_ACPI_DEV_STREAM: IORT: stream IDs [@first, @last] of the SMMU node
 *                        at byte offset @iommu of the table, as the RMR
 *                        node's ID mapping writes them
 * @IOAS_ACPI_DEV_NAMED: IORT named component @name whose input IDs
 *                       [@first, @last] its node maps to the RMR's stream
 *                       IDs
 */
enum ioas_acpi_dev_kind {
	IOAS_ACPI_DEV_PCI = 0,
	IOAS_ACPI_DEV_PCI_ALL = 1,
	IOAS_ACPI_DEV_PCI_PATH = 2,
	IOAS_ACPI_DEV_PCI_BRIDGE = 3,
	IOAS_ACPI_DEV_STREAM = 4,
	IOAS_ACPI_DEV_NAMED = 5,
};

/**
 * struct ioas_acpi_dev - one device scope entry of a reservation
 * @kind: enum ioas_acpi_dev_kind
 * @segment: PCI segment group (PCI kinds), else 0
 * @path_len: DMAR: number of (device, function) hops at @path; else 0
 * @first: first ID, see enum ioas_acpi_dev_kind
 * @last: last ID, inclusive; @first <= @last
 * @iommu: IORT: byte offset in the table of the SMMU node the stream IDs
 *         belong to (kinds STREAM, NAMED and PCI); else 0
 * @path: DMAR: @path_len pairs of bytes (device, function), the first hop
 *        on bus @first >> 8, as the table writes them; NULL otherwise
 * @name: IORT named component: its device object name (e.g.
 *        "\\_SB_.ETH0"); NULL otherwise
 *
 * Owned by the list it came from.
 */
struct ioas_acpi_dev {
	uint32_t kind;
	uint16_t segment;
	uint16_t path_len;
	uint32_t first;
	uint32_t last;
	uint32_t iommu;
	const uint8_t *path;
	const char *name;
};

/* struct ioas_acpi_resv.flags */
#define IOAS_ACPI_RESV_NO_REGION (1u << 0) /* Linux 6.12 makes no region */
#define IOAS_ACPI_RESV_ADJUSTED  (1u << 1) /* @range differs from the table */
#define IOAS_ACPI_RESV_FW_BUG    (1u << 2) /* Linux warns, then uses it */

/**
 * struct ioas_acpi_resv - one firmware reservation
 * @range: the region Linux 6.12 reports for it, after its own adjustments
 *         (an IVMD's start and length are rounded up to 4 KiB pages; an
 *         IORT RMR descriptor that is not 64 KiB aligned is widened to 4
 *         KiB pages, as the kernel's "not aligned to 64K" path does, for a
 *         4 KiB page kernel). Valid unless IOAS_ACPI_RESV_NO_REGION is set
 * @table_start: the first address as the table writes it
 * @table_last: the last address as the table writes it (RMRR: the limit;
 *              IVMD and RMR: start + length - 1, computed modulo 2^64, so
 *              it is below @table_start for a zero or wrapping length)
 * @origin: IOAS_ORIGIN_RMRR, IOAS_ORIGIN_IVMD or IOAS_ORIGIN_IORT_RMR
 * @types: the region types Linux may give it, as a mask of 1u <<
 *         enum ioas_region_type: an RMRR is direct, or direct-relaxable
 *         for a USB or graphics device (decided per device); an IVMD is
 *         direct (6.12 reports exclusion ranges as direct too: it replaces
 *         their flags with read|write before it tests the exclusion bit);
 *         an RMR is direct, or direct-relaxable with "remap permitted"
 * @prot: the IOAS_PROT_* bits Linux gives the region
 * @flags: IOAS_ACPI_RESV_* bits
 * @table_flags: the entry's own flags as the table writes them: the IVMD
 *               flags byte (bit 0 unity map, 1 read, 2 write, 3 exclusion
 *               range) or the RMR node flags (bit 0 remap permitted, 1
 *               privileged, bits 9:2 access attributes); 0 for an RMRR
 * @offset: byte offset of the entry's structure in the table (RMRR, IVMD
 *          block or RMR node)
 * @segment: PCI segment group (RMRR and IVMD), 0 for IORT (its root
 *           complexes carry their own, see @devs)
 * @note: a static sentence on what Linux does with the entry when that is
 *        not simply "reports @range" (e.g. "neither the unity map nor the
 *        exclusion range flag is set: Linux ignores it"), else NULL
 * @devs: the device scope
 * @nr_devs: entries at @devs; 0 when the table names no device Linux would
 *           match (then no device gets the region)
 */
struct ioas_acpi_resv {
	struct ioas_range range;
	uint64_t table_start;
	uint64_t table_last;
	uint32_t origin;
	uint32_t types;
	uint32_t prot;
	uint32_t flags;
	uint32_t table_flags;
	uint32_t offset;
	uint16_t segment;
	const char *note;
	const struct ioas_acpi_dev *devs;
	size_t nr_devs;
};

/* struct ioas_acpi_resv_list.flags */
#define IOAS_ACPI_BAD_CHECKSUM (1u << 0) /* bytes do not sum to 0 mod 256 */

/**
 * struct ioas_acpi_resv_list - the reservations of one table
 * @v: the entries, in table order; @v is one allocation that also holds
 *     every @devs array, path and name the entries point to
 * @nr: entries at @v
 * @table: enum ioas_acpi_table, which table they came from
 * @flags: IOAS_ACPI_* bits
 * @revision: the table header's revision byte
 */
struct ioas_acpi_resv_list {
	struct ioas_acpi_resv *v;
	size_t nr;
	uint32_t table;
	uint32_t flags;
	uint32_t revision;
};

#define IOAS_ACPI_RESV_LIST_INIT { NULL, 0, 0, 0, 0 }

/**
 * ioas_acpi_resv_list_init() - make an empty list
 * @l: list to initialise
 */
void ioas_acpi_resv_list_init(struct ioas_acpi_resv_list *l);

/**
 * ioas_acpi_resv_list_fini() - free a list's memory, leaving it empty
 * @l: list, may be NULL
 *
 * Every pointer into the list (entries, @devs, paths, names) becomes
 * invalid.
 */
void ioas_acpi_resv_list_fini(struct ioas_acpi_resv_list *l);

/**
 * ioas_acpi_parse() - decode the reservations of a DMAR, IVRS or IORT table
 * @table: the table's bytes, from its ACPI header on (the content of
 *         /sys/firmware/acpi/tables/<SIG>); untrusted
 * @len: bytes at @table
 * @out: replaced with the table's reservations on success; unchanged on
 *       failure
 * @diag: optional; on -EBADMSG, the byte offset of the offending structure
 *        and a static reason. It is also written on success when the table
 *        has a flaw that Linux tolerates (reason set, e.g. for a bad
 *        checksum); reason is NULL on a clean success
 *
 * The table is recognised by its signature. Its header length must lie in
 * [36, @len]: bytes after it are ignored. A wrong checksum is reported
 * (IOAS_ACPI_BAD_CHECKSUM and @diag) but tolerated for DMAR and IORT, as
 * Linux tolerates it (ACPICA warns "Incorrect checksum in table" and
 * installs the table anyway); an IVRS table with a bad checksum is refused,
 * because the AMD-Vi driver refuses it ("IVRS invalid checksum") and then
 * reserves nothing.
 *
 * DMAR: each RMRR (structure type 1) becomes one entry, [base, limit] with
 * the limit inclusive, with its device scope: endpoints and PCI
 * sub-hierarchies (paths resolved as far as the table allows, see enum
 * ioas_acpi_dev_kind). Scopes Linux never matches for an RMRR (ACPI
 * namespace devices, IOAPICs, HPETs, unknown types, empty paths, device
 * or function numbers out of range) are left out. A DMAR whose host address
 * width is below 12 bits is refused, as Linux refuses it. IVRS: each IVMD
 * block (types 0x20 all devices, 0x21 one device, 0x22 a range) becomes
 * one entry, with Linux's page rounding. IORT: each memory range
 * descriptor of each RMR node (type 6) becomes one entry, with the node's
 * ID mappings to SMMU nodes as stream IDs, and the root complexes and
 * named components that map onto those stream IDs as their requester IDs
 * or input IDs; Linux 6.12 uses RMR nodes only in IORT revision 5 (E.d)
 * or later, so in older tables they have IOAS_ACPI_RESV_NO_REGION. Other
 * structures are walked and bounds-checked, but give no entry.
 *
 * Return: number of entries (>= 0); -EINVAL for a NULL @table or @out;
 * -EBADMSG for a malformed table: shorter than its header, an unknown
 * signature, a length field out of bounds, a structure that is shorter
 * than its fixed part, zero-length, or extends past its parent or the
 * table, a device scope or an ID mapping array that does not fit, an
 * IORT reference that is not a node, a named component name without its
 * terminating NUL, more than 65536 entries or device scope entries, an
 * IVRS table with a bad checksum; -ENOMEM.
 */
int ioas_acpi_parse(const void *table, size_t len,
		    struct ioas_acpi_resv_list *out, struct ioas_diag *diag);

/**
 * ioas_acpi_table_name() - the signature of a table kind
 * @table: enum ioas_acpi_table
 *
 * Return: "DMAR", "IVRS" or "IORT"; "none" for IOAS_ACPI_NONE and values
 * out of range. The string is static.
 */
const char *ioas_acpi_table_name(uint32_t table);

/* ioas_host_flags(): a firmware table exists but could not be read (EACCES;
 * the files are root's, mode 0400) */
#define IOAS_HOST_ACPI_UNREADABLE (1u << 3)

/* struct ioas_host_group.flags: at least one region's origin was read from
 * a firmware table (ioas_host_region_origin()) */
#define IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE (1u << 7)

/* struct ioas_host_origin.flags */
#define IOAS_HOST_ORIGIN_DEVICE_MATCHED (1u << 0) /* scope names a device */

/**
 * struct ioas_host_origin - where a group region's origin comes from
 * @table: enum ioas_acpi_table: the table that explains the region, or
 *         IOAS_ACPI_NONE when the origin is a guess
 * @flags: IOAS_HOST_ORIGIN_* bits. IOAS_HOST_ORIGIN_DEVICE_MATCHED: a
 *         device of the group is in the device scope of every entry used;
 *         without it, at least one entry's scope could not be resolved
 *         against the group's devices (a DMAR path through bridges in a
 *         tree without the bus/pci/devices links, a non-PCI device), and
 *         the range alone decided
 * @nr_entries: how many table entries make up the region: 1, or more when
 *              the kernel merged touching or overlapping reservations of
 *              the same type into one region; 0 for a guess
 * @entries: their indices in ioas_host_acpi(@table)'s list, ascending by
 *           address; NULL for a guess
 */
struct ioas_host_origin {
	uint32_t table;
	uint32_t flags;
	size_t nr_entries;
	const uint32_t *entries;
};

/**
 * ioas_host_region_origin() - how a group region's origin was decided
 * @h: snapshot
 * @group: group id
 * @i: region index, 0 <= @i < the group's nr_regions
 * @out: filled on success
 *
 * ioas_host_load() reads ROOT/firmware/acpi/tables/{DMAR,IVRS,IORT} when
 * they exist and can be read (up to 1 MiB each), and decodes them with
 * ioas_acpi_parse(). A region's origin is read from a table when the
 * region is the union of that table's reservations as Linux transforms
 * them (one, or several the kernel merged), with a type the entries allow,
 * behind an IOMMU of the table's kind (or of an unknown kind), and no
 * device of the group is known to be outside their device scopes. Its
 * origin field is then the table's (IOAS_ORIGIN_RMRR, _IVMD, _IORT_RMR)
 * and its group has IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE; a group keeps
 * IOAS_HOST_GROUP_ORIGINS_GUESSED while any of its regions is a guess.
 *
 * Return: 0 on success; -ENOENT if @h has no group @group; -EINVAL for a
 * NULL argument or @i out of range.
 */
int ioas_host_region_origin(const struct ioas_host *h, uint32_t group,
			    size_t i, struct ioas_host_origin *out);

/**
 * ioas_host_acpi() - a firmware table's reservations as the host read them
 * @h: snapshot
 * @table: enum ioas_acpi_table
 *
 * Return: a borrowed list valid until ioas_host_free(@h); NULL if the
 * table was not found, not readable or malformed (ioas_host_notes() says
 * which), or @table is not a table kind.
 */
const struct ioas_acpi_resv_list *ioas_host_acpi(const struct ioas_host *h,
						  uint32_t table);

/**
 * ioas_host_notes() - what ioas_host_load() noticed without failing
 * @h: snapshot
 * @nr: if non-NULL, receives the number of notes
 *
 * Each note is one sentence naming a file, such as
 * "firmware/acpi/tables/DMAR: not readable (permission denied): region
 * origins are guessed" or "firmware/acpi/tables/IVRS: malformed at byte
 * 0x38 (IVMD block shorter than 32 bytes): ignored, region origins are
 * guessed". A table that is malformed or unreadable never makes
 * ioas_host_load() fail.
 *
 * Return: an array of *@nr borrowed strings, valid until
 * ioas_host_free(@h); NULL when *@nr is 0.
 */
const char *const *ioas_host_notes(const struct ioas_host *h, size_t *nr);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_HOST_H */
