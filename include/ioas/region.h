/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioas reserved regions.
 *
 * A reserved region is a typed IOVA range that user mappings must avoid (or,
 * for direct-relaxable, may ignore), with the prot bits and the origin that
 * explain it. The five types are Linux's enum iommu_resv_type, in the same
 * order, because the kernel's group merge orders ties by type value:
 *
 *   direct            identity-mapped by the system at all times (RMRR, IVMD,
 *                     IORT RMR); Linux refuses such devices to userspace
 *   direct-relaxable  advertised identity map that may be dropped for device
 *                     assignment (USB/GPU RMRR, ISA floppy workaround)
 *   reserved          never map (HyperTransport hole, PCI windows, ...)
 *   msi               hardware MSI doorbell the IOMMU does not translate
 *   sw-msi            software MSI window: the system maps doorbells there
 *
 * Linux prints both MSI kinds as "msi" in sysfs; ioas keeps them apart and
 * accepts both spellings when parsing.
 *
 * A region list (struct ioas_region_list) is a plain value: an owned array
 * in the kernel's merged order (start ascending, ties by type ascending),
 * in which no two regions of the same type overlap or touch, while regions
 * of different types may overlap freely. ioas_region_list_insert() keeps
 * that form exactly as iommu_insert_resv_region() does, except that its
 * arithmetic saturates at 2^64 where the kernel's wraps.
 */
#ifndef IOAS_REGION_H
#define IOAS_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum ioas_region_type - what a reserved region is (Linux's values)
 * @IOAS_REGION_DIRECT: must be identity mapped
 * @IOAS_REGION_DIRECT_RELAXABLE: identity map that may be relaxed
 * @IOAS_REGION_RESERVED: must never be mapped
 * @IOAS_REGION_MSI: hardware (bypass) MSI doorbell range
 * @IOAS_REGION_SW_MSI: software-managed MSI window
 */
enum ioas_region_type {
	IOAS_REGION_DIRECT = 0,
	IOAS_REGION_DIRECT_RELAXABLE = 1,
	IOAS_REGION_RESERVED = 2,
	IOAS_REGION_MSI = 3,
	IOAS_REGION_SW_MSI = 4,
};

#define IOAS_REGION_NR_TYPES 5

/**
 * enum ioas_region_origin - why a region exists
 * @IOAS_ORIGIN_UNKNOWN: not known (e.g. read from sysfs with no context)
 * @IOAS_ORIGIN_USER: given by the user (scenario file, API caller)
 * @IOAS_ORIGIN_SMMU_SW_MSI: ARM SMMU software MSI window (0x8000000, 1 MiB)
 * @IOAS_ORIGIN_VIRTIO_SW_MSI: virtio-iommu guest default MSI window
 * @IOAS_ORIGIN_X86_MSI: x86 interrupt address range 0xfee00000-0xfeefffff
 * @IOAS_ORIGIN_RMRR: Intel VT-d RMRR (ACPI DMAR)
 * @IOAS_ORIGIN_ISA_FLOPPY: VT-d floppy workaround for an ISA bridge (0-16 MiB)
 * @IOAS_ORIGIN_IVMD: AMD-Vi IVMD unity map or exclusion range (ACPI IVRS)
 * @IOAS_ORIGIN_AMD_HT: AMD HyperTransport hole 0xfd00000000-0xffffffffff
 * @IOAS_ORIGIN_IORT_RMR: ACPI IORT reserved memory range
 * @IOAS_ORIGIN_ITS_MSI: ITS doorbell page (HiSilicon Hi161x IORT quirk)
 * @IOAS_ORIGIN_DT_RESV: device tree reserved-memory iommu-addresses
 * @IOAS_ORIGIN_VIRTIO_PROBE: virtio-iommu PROBE RESV_MEM property
 * @IOAS_ORIGIN_PCI_WINDOW: PCI host-bridge window (peer-to-peer aliasing)
 */
enum ioas_region_origin {
	IOAS_ORIGIN_UNKNOWN = 0,
	IOAS_ORIGIN_USER,
	IOAS_ORIGIN_SMMU_SW_MSI,
	IOAS_ORIGIN_VIRTIO_SW_MSI,
	IOAS_ORIGIN_X86_MSI,
	IOAS_ORIGIN_RMRR,
	IOAS_ORIGIN_ISA_FLOPPY,
	IOAS_ORIGIN_IVMD,
	IOAS_ORIGIN_AMD_HT,
	IOAS_ORIGIN_IORT_RMR,
	IOAS_ORIGIN_ITS_MSI,
	IOAS_ORIGIN_DT_RESV,
	IOAS_ORIGIN_VIRTIO_PROBE,
	IOAS_ORIGIN_PCI_WINDOW,
};

#define IOAS_REGION_NR_ORIGINS 14

/* Region prot bits: the kernel's IOMMU_READ ... IOMMU_PRIV values. */
#define IOAS_PROT_READ   (1u << 0)
#define IOAS_PROT_WRITE  (1u << 1)
#define IOAS_PROT_CACHE  (1u << 2)
#define IOAS_PROT_NOEXEC (1u << 3)
#define IOAS_PROT_MMIO   (1u << 4)
#define IOAS_PROT_PRIV   (1u << 5)

/**
 * struct ioas_region - one typed reserved IOVA range
 * @range: the addresses, inclusive
 * @type: enum ioas_region_type
 * @prot: IOAS_PROT_* bits
 * @origin: enum ioas_region_origin
 */
struct ioas_region {
	struct ioas_range range;
	uint32_t type;
	uint32_t prot;
	uint32_t origin;
};

/**
 * struct ioas_region_list - regions in the kernel's merged order
 * @v: the regions; owned by the list
 * @nr: number of regions
 * @cap: allocated capacity, in regions
 */
struct ioas_region_list {
	struct ioas_region *v;
	size_t nr;
	size_t cap;
};

#define IOAS_REGION_LIST_INIT { NULL, 0, 0 }

/**
 * struct ioas_diag - where and why untrusted input was rejected
 * @offset: byte offset of the offending input
 * @line: 1-based line number for line-oriented input, else 0
 * @reason: static string; never freed
 */
struct ioas_diag {
	size_t offset;
	unsigned int line;
	const char *reason;
};

/**
 * ioas_region_type_name() - ioas's name of a type
 * @type: enum ioas_region_type
 *
 * Return: "direct", "direct-relaxable", "reserved", "msi" or "sw-msi";
 * "unknown" for a value out of range. The string is static.
 */
const char *ioas_region_type_name(uint32_t type);

/**
 * ioas_region_type_sysfs_name() - the kernel's sysfs name of a type
 * @type: enum ioas_region_type
 *
 * Return: as ioas_region_type_name(), except that sw-msi is "msi" (the
 * kernel prints both MSI kinds alike); "unknown" if out of range.
 */
const char *ioas_region_type_sysfs_name(uint32_t type);

/**
 * ioas_region_type_parse_n() - parse a type name
 * @s: characters, not necessarily NUL-terminated
 * @len: number of characters at @s
 * @type: receives the type on success
 *
 * Accepts the five ioas names ("msi" is the hardware kind).
 *
 * Return: 0 on success; -EINVAL for any other string.
 */
int ioas_region_type_parse_n(const char *s, size_t len, uint32_t *type);

/**
 * ioas_region_origin_name() - short name of an origin
 * @origin: enum ioas_region_origin
 *
 * Return: a static identifier such as "smmu-sw-msi", "x86-msi", "rmrr",
 * "amd-ht", "pci-window", "user", "unknown".
 */
const char *ioas_region_origin_name(uint32_t origin);

/**
 * ioas_region_origin_describe() - one-line human description of an origin
 * @origin: enum ioas_region_origin
 *
 * Return: a static sentence fragment, e.g. "ARM SMMU software MSI window".
 */
const char *ioas_region_origin_describe(uint32_t origin);

/**
 * ioas_region_origin_parse_n() - parse an origin short name
 * @s: characters, not necessarily NUL-terminated
 * @len: number of characters at @s
 * @origin: receives the origin on success
 *
 * Return: 0 on success; -EINVAL for an unknown name.
 */
int ioas_region_origin_parse_n(const char *s, size_t len, uint32_t *origin);

/**
 * ioas_region_list_init() - make an empty region list
 * @l: list to initialise
 */
void ioas_region_list_init(struct ioas_region_list *l);

/**
 * ioas_region_list_fini() - free a region list's memory, leaving it empty
 * @l: list, may be NULL
 */
void ioas_region_list_fini(struct ioas_region_list *l);

/**
 * ioas_region_list_copy() - replace @dst with a copy of @src
 * @dst: destination; unchanged on failure
 * @src: source
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_region_list_copy(struct ioas_region_list *dst,
			  const struct ioas_region_list *src);

/**
 * ioas_region_list_insert() - insert one region with Linux's group merge
 * @l: list in merged order; unchanged on failure
 * @r: region to insert
 *
 * Placement: before the first element E with r.start < E.start, or equal
 * start and r.type <= E.type; else appended. Then every element of r's type
 * that overlaps or touches the previous kept element of that type is folded
 * into it (last = max of both); the kept element keeps its own prot and
 * origin. Other types are never merged. Unlike the kernel, the touch test
 * saturates at UINT64_MAX instead of wrapping.
 *
 * Return: 0 on success; -EINVAL if @r has start > last or an unknown type;
 * -ENOMEM.
 */
int ioas_region_list_insert(struct ioas_region_list *l,
			    const struct ioas_region *r);

/**
 * ioas_region_list_merge() - insert every region of @src into @dst
 * @dst: list in merged order; unchanged on failure
 * @src: regions in any order (e.g. one device's list)
 *
 * This is iommu_get_group_resv_regions() for one more device.
 *
 * Return: 0 on success; -EINVAL as ioas_region_list_insert(); -ENOMEM.
 */
int ioas_region_list_merge(struct ioas_region_list *dst,
			   const struct ioas_region_list *src);

/**
 * ioas_region_list_ranges() - the ranges of regions that exclude IOVA
 * @l: regions
 * @out: replaced with the union of every region's range except
 *       direct-relaxable ones; unchanged on failure
 *
 * This is the set VFIO type1 and iommufd remove from the usable space.
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_region_list_ranges(const struct ioas_region_list *l,
			    struct ioas_range_list *out);

/**
 * ioas_region_sysfs_parse() - parse a sysfs reserved_regions file
 * @buf: file contents, not necessarily NUL-terminated; untrusted
 * @len: bytes at @buf
 * @out: receives the regions, in file order, with origin UNKNOWN; replaced
 *       on success, unchanged on failure
 * @diag: if non-NULL, on -EBADMSG receives the line, byte offset and reason
 *
 * Each line is "0x<start> 0x<last> <type>\n" as the kernel prints it (the
 * kernel pads to 16 lowercase digits; 1 to 16 digits of either case are
 * accepted). <type> is one of the kernel's strings or "sw-msi"; "msi" parses
 * as IOAS_REGION_MSI. The final newline may be missing. An empty file is an
 * empty list.
 *
 * Return: number of regions (>= 0); -EBADMSG for a malformed line (bad
 * number, missing field, start > last, unknown type, trailing text, NUL
 * byte); -ENOMEM.
 */
int ioas_region_sysfs_parse(const char *buf, size_t len,
			    struct ioas_region_list *out,
			    struct ioas_diag *diag);

/**
 * ioas_region_sysfs_print() - print regions exactly as the kernel does
 * @l: regions
 * @buf: output buffer, may be NULL when @size is 0
 * @size: bytes available at @buf
 * @needed: if non-NULL, receives the number of bytes the text needs
 *
 * Each region becomes "0x%016llx 0x%016llx %s\n" with the kernel's type
 * string (sw-msi prints as "msi"). No NUL terminator is written.
 *
 * Return: bytes written (>= 0); -EMSGSIZE if @size is too small (nothing
 * useful is written, *@needed is set); -EINVAL for a region with an
 * unknown type.
 */
long ioas_region_sysfs_print(const struct ioas_region_list *l, char *buf,
			     size_t size, size_t *needed);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_REGION_H */
