/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioas capability blobs: byte-exact encoders and hostile-input-safe
 * decoders for the binary answers through which userspace learns about
 * usable and reserved IOVA, and ioas's own typed-region capability.
 *
 *   VFIO type1 VFIO_IOMMU_GET_INFO   struct vfio_iommu_type1_info followed by
 *                                    a capability chain (MIGRATION,
 *                                    DMA_AVAIL, IOVA_RANGE, in that order);
 *                                    host byte order; argsz negotiation
 *   iommufd IOMMU_IOAS_IOVA_RANGES   struct iommu_ioas_iova_ranges and its
 *                                    array of struct iommu_iova_range, in
 *                                    ioas's "flat form" (array at byte 32);
 *                                    host byte order; num_iovas negotiation
 *   virtio-iommu PROBE properties    the device-writable properties area of
 *                                    a PROBE request: RESV_MEM properties,
 *                                    NONE-terminated; little endian
 *   IOAS_CAP_RESV_REGIONS            a VFIO-style capability (id 0x4f49)
 *                                    listing every reserved region with its
 *                                    type, prot, origin and flags; chained
 *                                    after the kernel's caps
 *
 * doc/abi.md is the normative wire specification of all four, field by
 * field; the kernel-doc below is the API contract.
 *
 * Encoders write into a caller's buffer with explicit byte stores (no
 * struct punning, so alignment and byte order are right on every host) and
 * never allocate; the *_from_space() variants read a struct ioas_space
 * first, which allocates (ioas_space_usable(), ioas_space_regions()).
 * Decoders never allocate and treat every byte as hostile: every offset and
 * length is bounds- and overflow-checked before it is used, chains are
 * walked forward only (each link must point past the current record, so a
 * walk ends after at most size/8 steps), unknown capabilities and
 * properties are skipped and counted, and each malformation is its own
 * -EBADMSG with the byte offset of the offending field and a static reason
 * in struct ioas_diag.
 *
 * Offsets and sizes inside blobs are uint32_t, as in the ABIs; buffer
 * lengths are size_t. All functions are reentrant and keep no state.
 */
#ifndef IOAS_CAP_H
#define IOAS_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>
#include <ioas/region.h>
#include <ioas/space.h>

#ifdef __cplusplus
extern "C" {
#endif

/* VFIO (include/uapi/linux/vfio.h), host byte order. */

/* sizeof(struct vfio_iommu_type1_info) and offsetofend(.., iova_pgsizes) */
#define IOAS_CAP_VFIO_INFO_SIZE 24u
#define IOAS_CAP_VFIO_INFO_MINSZ 16u
/* vfio_iommu_type1_info.flags */
#define IOAS_CAP_VFIO_INFO_PGSIZES (1u << 0)
#define IOAS_CAP_VFIO_INFO_CAPS (1u << 1)
/* sizeof(struct vfio_info_cap_header); records are 8-byte aligned */
#define IOAS_CAP_HEADER_SIZE 8u
/* VFIO_IOMMU_TYPE1_INFO_CAP_* ids and their record sizes */
#define IOAS_CAP_ID_IOVA_RANGE 1u
#define IOAS_CAP_ID_MIGRATION 2u
#define IOAS_CAP_ID_DMA_AVAIL 3u
#define IOAS_CAP_IOVA_RANGE_SIZE 16u /* + 16 per range */
#define IOAS_CAP_MIGRATION_SIZE 32u
#define IOAS_CAP_DMA_AVAIL_SIZE 12u /* padded to 16 in a chain */
/* DIRTY_BITMAP_SIZE_MAX: the MIGRATION cap's max_dirty_bitmap_size */
#define IOAS_CAP_MAX_DIRTY_BITMAP_SIZE 0x10000000ull

/*
 * ioas's typed reserved-region capability (doc/abi.md). The id reads "IO"
 * in a little-endian hex dump; Linux allocates type1 info cap ids from 1
 * upwards (3 in 6.12), so a kernel decoder sees an unknown id and skips it.
 */
#define IOAS_CAP_RESV_REGIONS 0x4f49u
#define IOAS_CAP_RESV_VERSION 1u
/* v1 header and entry sizes; newer producers may write larger ones */
#define IOAS_CAP_RESV_HDR_SIZE 24u
#define IOAS_CAP_RESV_ENTRY_SIZE 32u
/* entry flags: the range is kept out of user IOVA by the emitting space */
#define IOAS_CAP_RESV_EXCLUDED (1u << 0)

/* iommufd (include/uapi/linux/iommufd.h), host byte order. */

/* sizeof(struct iommu_ioas_iova_ranges), sizeof(struct iommu_iova_range) */
#define IOAS_CAP_IOMMUFD_RANGES_SIZE 32u
#define IOAS_CAP_IOMMUFD_RANGE_SIZE 16u

/* virtio-iommu (include/uapi/linux/virtio_iommu.h), little endian. */

#define IOAS_CAP_VIRTIO_PROP_NONE 0u
#define IOAS_CAP_VIRTIO_PROP_RESV_MEM 1u
#define IOAS_CAP_VIRTIO_PROP_TYPE_MASK 0xfffu
#define IOAS_CAP_VIRTIO_PROP_HDR_SIZE 4u
/* sizeof(struct virtio_iommu_probe_resv_mem), header included */
#define IOAS_CAP_VIRTIO_RESV_MEM_SIZE 24u
#define IOAS_CAP_VIRTIO_RESV_RESERVED 0u
#define IOAS_CAP_VIRTIO_RESV_MSI 1u

/* Encoder flags (ioas_cap_vfio_info_encode(), *_from_space()). */
#define IOAS_CAP_WITH_RESV (1u << 0) /* append IOAS_CAP_RESV_REGIONS */

/**
 * enum ioas_cap_format - which ABI a blob follows
 * @IOAS_CAP_FORMAT_UNKNOWN: none recognised
 * @IOAS_CAP_FORMAT_VFIO_INFO: VFIO_IOMMU_GET_INFO answer
 * @IOAS_CAP_FORMAT_IOMMUFD_RANGES: IOMMU_IOAS_IOVA_RANGES answer (flat form)
 * @IOAS_CAP_FORMAT_VIRTIO_PROBE: virtio-iommu PROBE properties
 */
enum ioas_cap_format {
	IOAS_CAP_FORMAT_UNKNOWN = 0,
	IOAS_CAP_FORMAT_VFIO_INFO = 1,
	IOAS_CAP_FORMAT_IOMMUFD_RANGES = 2,
	IOAS_CAP_FORMAT_VIRTIO_PROBE = 3,
};

/**
 * struct ioas_cap_header - one record header of a VFIO-style chain
 * @off: offset of the record from the start of the buffer
 * @id: capability id
 * @version: capability version
 * @next: offset of the next record from the start of the buffer, 0 at the
 *        end of the chain
 */
struct ioas_cap_header {
	uint32_t off;
	uint16_t id;
	uint16_t version;
	uint32_t next;
};

/**
 * struct ioas_cap_resv - one entry of IOAS_CAP_RESV_REGIONS
 * @region: range, type (enum ioas_region_type), prot (IOAS_PROT_*) and
 *          origin (enum ioas_region_origin; values this library does not
 *          know are passed through)
 * @flags: IOAS_CAP_RESV_* bits; unknown bits are passed through
 */
struct ioas_cap_resv {
	struct ioas_region region;
	uint32_t flags;
};

/**
 * struct ioas_cap_vfio_src - what a VFIO_IOMMU_GET_INFO answer says
 * @size: sizeof(struct ioas_cap_vfio_src) as the caller knows it
 * @flags: IOAS_CAP_WITH_RESV to append IOAS_CAP_RESV_REGIONS
 * @iova_pgsizes: the container's page-size bitmap; non-zero (the MIGRATION
 *                cap reports its lowest bit)
 * @dma_avail: mapping slots left (DMA_AVAIL cap)
 * @iovas: usable ranges, ascending (IOVA_RANGE cap); may be NULL if
 *         @nr_iovas is 0
 * @nr_iovas: entries at @iovas; 0 leaves the IOVA_RANGE cap out, as the
 *            kernel does for an empty iova list
 * @resv: reserved regions for IOAS_CAP_RESV_REGIONS; may be NULL if
 *        @nr_resv is 0
 * @nr_resv: entries at @resv
 *
 * Extensible: a larger struct from a newer caller is accepted when its
 * unknown tail is zero; a smaller one is zero-extended.
 */
struct ioas_cap_vfio_src {
	uint32_t size;
	uint32_t flags;
	uint64_t iova_pgsizes;
	uint32_t dma_avail;
	uint32_t pad;
	const struct ioas_range *iovas;
	size_t nr_iovas;
	const struct ioas_cap_resv *resv;
	size_t nr_resv;
};

/**
 * struct ioas_cap_vfio_info - a decoded VFIO_IOMMU_GET_INFO answer
 * @size: in: sizeof(struct ioas_cap_vfio_info) as the caller knows it;
 *        out: bytes filled
 * @argsz: the answer's argsz
 * @flags: the answer's flags (IOAS_CAP_VFIO_INFO_*; other bits passed
 *         through)
 * @iova_pgsizes: the answer's iova_pgsizes
 * @cap_offset: offset of the first capability, 0 if there is no chain
 * @needed: non-zero if the answer asks for a larger buffer (argsz exceeds
 *          the blob and no chain was returned): retry with this argsz
 * @nr_caps: records in the chain, unknown ones included
 * @nr_unknown: records skipped: unknown id, or a known id with a version
 *              other than 1
 * @off_migration: offset of the MIGRATION cap, 0 if absent
 * @off_dma_avail: offset of the DMA_AVAIL cap, 0 if absent
 * @off_iova_range: offset of the IOVA_RANGE cap, 0 if absent
 * @off_resv: offset of the IOAS_CAP_RESV_REGIONS cap, 0 if absent
 * @mig_flags: MIGRATION flags
 * @mig_pgsize_bitmap: MIGRATION pgsize_bitmap
 * @mig_max_dirty_bitmap_size: MIGRATION max_dirty_bitmap_size, bytes
 * @dma_avail: DMA_AVAIL avail
 * @nr_iovas: IOVA_RANGE nr_iovas
 * @nr_resv: IOAS_CAP_RESV_REGIONS nr_regions
 * @resv_entry_size: IOAS_CAP_RESV_REGIONS entry_size
 */
struct ioas_cap_vfio_info {
	uint32_t size;
	uint32_t argsz;
	uint32_t flags;
	uint32_t cap_offset;
	uint64_t iova_pgsizes;
	uint32_t needed;
	uint32_t nr_caps;
	uint32_t nr_unknown;
	uint32_t off_migration;
	uint32_t off_dma_avail;
	uint32_t off_iova_range;
	uint32_t off_resv;
	uint32_t mig_flags;
	uint64_t mig_pgsize_bitmap;
	uint64_t mig_max_dirty_bitmap_size;
	uint32_t dma_avail;
	uint32_t nr_iovas;
	uint32_t nr_resv;
	uint32_t resv_entry_size;
};

/**
 * struct ioas_cap_iommufd_ranges - a decoded IOMMU_IOAS_IOVA_RANGES answer
 * @size: in: sizeof(struct ioas_cap_iommufd_ranges) as the caller knows it;
 *        out: bytes filled
 * @cmd_size: the answer's size field
 * @ioas_id: the answer's ioas_id
 * @num_iovas: the answer's num_iovas: how many ranges the IOAS has
 * @nr_present: ranges present in the blob: min(@num_iovas, room after the
 *              struct); less than @num_iovas means the kernel asked for a
 *              larger array (EMSGSIZE)
 * @allowed_iovas: the answer's allowed_iovas (a user pointer; not
 *                 interpreted)
 * @out_iova_alignment: the answer's out_iova_alignment
 */
struct ioas_cap_iommufd_ranges {
	uint32_t size;
	uint32_t cmd_size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t nr_present;
	uint32_t pad;
	uint64_t allowed_iovas;
	uint64_t out_iova_alignment;
};

/**
 * struct ioas_cap_virtio_resv - one decoded RESV_MEM property
 * @off: offset of the property header in the properties area
 * @subtype: the raw subtype byte (IOAS_CAP_VIRTIO_RESV_*; others allowed)
 * @region: what a Linux guest makes of it: type IOAS_REGION_MSI with prot
 *          WRITE|NOEXEC|MMIO for subtype MSI, else IOAS_REGION_RESERVED with
 *          prot 0 (unknown subtypes too); origin IOAS_ORIGIN_VIRTIO_PROBE
 */
struct ioas_cap_virtio_resv {
	uint32_t off;
	uint32_t subtype;
	struct ioas_region region;
};

/**
 * struct ioas_cap_virtio_prop - one property, as ioas_cap_virtio_next()
 * returns it
 * @off: offset of the property header
 * @type: type & IOAS_CAP_VIRTIO_PROP_TYPE_MASK
 * @raw_type: the type field as written (upper 4 bits reserved; Linux
 *            ignores them, so does ioas)
 * @length: value bytes after the 4-byte header
 * @known: true for RESV_MEM, the only type this library decodes
 * @resv: the decoded value when @type is RESV_MEM
 */
struct ioas_cap_virtio_prop {
	uint32_t off;
	uint16_t type;
	uint16_t raw_type;
	uint32_t length;
	bool known;
	struct ioas_cap_virtio_resv resv;
};

/**
 * struct ioas_cap_virtio_probe - a decoded PROBE properties area
 * @size: in: sizeof(struct ioas_cap_virtio_probe) as the caller knows it;
 *        out: bytes filled
 * @nr_props: properties before the end of the list, unknown ones included
 * @nr_resv: RESV_MEM properties
 * @nr_unknown: properties of other types, skipped
 * @end: offset where the list ended: the NONE header, or the area's length
 * @terminated: 1 if a NONE header ended the list, 0 if the area did
 */
struct ioas_cap_virtio_probe {
	uint32_t size;
	uint32_t nr_props;
	uint32_t nr_resv;
	uint32_t nr_unknown;
	uint32_t end;
	uint32_t terminated;
};

/**
 * ioas_cap_next() - read one record of a VFIO-style chain and step past it
 * @buf: the buffer holding the chain; untrusted
 * @size: bytes of @buf that belong to the chain (for VFIO_IOMMU_GET_INFO,
 *        min(blob length, argsz))
 * @pos: in: offset of the record to read, 0 at the end of the chain (start
 *       with the first record's offset, e.g. cap_offset); out on success:
 *       the record's next offset, already checked
 * @h: receives the record's header on success
 * @diag: optional; on -EBADMSG receives the offset of the offending field
 *        and a static reason
 *
 * Reads the 8-byte header at *@pos after checking that *@pos is 8-byte
 * aligned and the header lies inside @size, then checks the header's next
 * link: 0 (end), or 8-byte aligned, at least *@pos + 8 (so every step moves
 * forward past the current header and a walk ends after at most @size/8
 * steps), and with room for a header before @size. A bad link is reported
 * at the offset of the next field holding it; a bad starting offset at
 * *@pos itself. Nothing is copied; the record's body is not looked at.
 *
 * Return: 1 with *@h filled and *@pos advanced; 0 if *@pos is 0 (end of
 * chain); -EBADMSG for a malformed record or link (*@pos unchanged);
 * -EINVAL for a NULL argument.
 */
int ioas_cap_next(const void *buf, size_t size, uint32_t *pos,
		  struct ioas_cap_header *h, struct ioas_diag *diag);

/**
 * ioas_cap_for_each() - walk a chain whose links are known to be sound
 * @buf: the buffer holding the chain
 * @size: bytes of @buf that belong to the chain
 * @pos: a uint32_t lvalue holding the first record's offset; advanced
 * @h: a struct ioas_cap_header pointer that receives each record in turn
 *
 * Run ioas_cap_check() first: the loop stops silently at the first bad
 * link. Expands to a while statement.
 */
#define ioas_cap_for_each(buf, size, pos, h) \
	while (ioas_cap_next((buf), (size), &(pos), (h), NULL) > 0)

/**
 * ioas_cap_check() - validate every link of a VFIO-style chain
 * @buf: the buffer holding the chain; untrusted
 * @size: bytes of @buf that belong to the chain
 * @first: offset of the first record, 0 for an empty chain
 * @diag: optional; on -EBADMSG receives the offset and reason
 *
 * Runs ioas_cap_next() to the end of the chain. Records' bodies are not
 * checked (only a decoder that knows the ids can do that; see
 * ioas_cap_vfio_info_decode()).
 *
 * Return: number of records (>= 0); -EBADMSG if a record or link is
 * malformed; -EINVAL for a NULL @buf with a non-zero @size.
 */
int ioas_cap_check(const void *buf, size_t size, uint32_t first,
		   struct ioas_diag *diag);

/**
 * ioas_cap_find() - the first record with a given id
 * @buf: the buffer holding the chain; untrusted
 * @size: bytes of @buf that belong to the chain
 * @first: offset of the first record, 0 for an empty chain
 * @id: capability id to look for
 * @h: receives the record's header when found; may be NULL
 * @diag: optional; on -EBADMSG receives the offset and reason
 *
 * The walk stops at the first match, so links after it are not checked.
 *
 * Return: 1 if found; 0 if the chain has no such record; -EBADMSG for a
 * malformed record or link met on the way; -EINVAL for a NULL @buf with a
 * non-zero @size.
 */
int ioas_cap_find(const void *buf, size_t size, uint32_t first, uint16_t id,
		  struct ioas_cap_header *h, struct ioas_diag *diag);

/**
 * ioas_cap_vfio_info_encode() - a VFIO_IOMMU_GET_INFO answer, as type1 writes it
 * @src: what the answer says
 * @argsz: the argsz the caller offers (the size of its buffer)
 * @buf: the caller's buffer; receives the bytes the kernel would copy back
 * @len: bytes at @buf; at least @argsz
 *
 * Reproduces vfio_iommu_type1_get_info() of Linux 6.12 (kernel-spec.md
 * §4.7): flags = PGSIZES | CAPS; caps MIGRATION (32 bytes), DMA_AVAIL (12,
 * padded to 16), IOVA_RANGE (16 + 16 per range; left out when
 * @src->nr_iovas is 0) and, with IOAS_CAP_WITH_RESV, IOAS_CAP_RESV_REGIONS
 * (24 + 32 per region), chained in that order at offsets that start at 24,
 * padding zeroed. If @argsz holds the struct and every cap, they are
 * written with cap_offset = 24 and argsz left as given. Otherwise the
 * kernel's quirk: the call succeeds, argsz is set to the size needed,
 * cap_offset stays 0, no cap is written, and only min(@argsz, 24) bytes of
 * the struct are (so with 16 <= @argsz < 24 cap_offset is not written at
 * all). Bytes of @buf beyond those written are not touched. Never
 * allocates.
 *
 * Return: bytes written (@argsz >= needed: 24 + caps; else min(@argsz,
 * 24)); -EINVAL if @argsz < 16 (as the kernel), @len < @argsz, a NULL
 * pointer with a non-zero count, zero @src->iova_pgsizes, a range or region
 * with start > last, a region of unknown type or with an origin above
 * 65535 (the wire field is 16 bits); -EOPNOTSUPP for unknown
 * @src->flags; -E2BIG for a larger @src with a non-zero tail; -EOVERFLOW if
 * the answer would not fit in a 32-bit argsz.
 */
long ioas_cap_vfio_info_encode(const struct ioas_cap_vfio_src *src,
			       uint32_t argsz, void *buf, size_t len);

/**
 * ioas_cap_vfio_info_from_space() - the GET_INFO answer for a space
 * @s: the space
 * @flags: IOAS_CAP_WITH_RESV to append IOAS_CAP_RESV_REGIONS
 * @argsz: the argsz the caller offers
 * @buf: the caller's buffer
 * @len: bytes at @buf; at least @argsz
 *
 * ioas_cap_vfio_info_encode() with: iova_pgsizes and dma_avail from
 * ioas_space_get_info(), the iova list from ioas_space_usable() and, for
 * the ioas cap, ioas_space_regions() with IOAS_CAP_RESV_EXCLUDED set on
 * every region the space keeps out of user IOVA: all but direct-relaxable
 * ones (PCI windows reach the list only from a native space; type1 and
 * iommufd spaces drop them at attach, as Linux never shows them). A type1 space with no group
 * fails as GET_INFO does before SET_IOMMU. iommufd and native spaces get
 * the type1 layout too (kernel-spec.md §5.12), with iova_pgsizes computed
 * as iommufd's VFIO compatibility layer does. The space is read in three
 * locked steps; serialise with writers if the answer must be one snapshot.
 * On failure @buf is not touched.
 *
 * Return: as ioas_cap_vfio_info_encode(); -EINVAL also for a type1 space
 * with no group or a NULL @s; -EOPNOTSUPP for unknown @flags; -ENOMEM.
 */
long ioas_cap_vfio_info_from_space(struct ioas_space *s, uint32_t flags,
				   uint32_t argsz, void *buf, size_t len);

/**
 * ioas_cap_vfio_info_decode() - validate and decode a GET_INFO answer
 * @buf: the answer; untrusted
 * @len: bytes at @buf
 * @info: in: @info->size set; out: the decoded fields
 * @iovas: receives the IOVA_RANGE ranges; may be NULL if @iovas_cap is 0
 * @iovas_cap: entries available at @iovas
 * @resv: receives the IOAS_CAP_RESV_REGIONS entries; may be NULL if
 *        @resv_cap is 0
 * @resv_cap: entries available at @resv
 * @diag: optional; on -EBADMSG receives the offset and reason
 *
 * Accepts both kernels' answers: type1's (any cap order, argsz = the
 * caller's) and iommufd's VFIO compatibility layer's (no MIGRATION,
 * argsz = the size needed). The header needs 16 bytes (24 for cap_offset
 * and pad). A short answer (cap_offset 0, argsz larger than @len) decodes
 * with @info->needed set. With a chain, argsz must not exceed @len and the
 * chain is confined to the first argsz bytes. Rejected, each with its own
 * reason: fewer than 16 bytes; argsz < 16; a non-zero pad; zero
 * iova_pgsizes with PGSIZES set; cap_offset without the CAPS flag, inside
 * the 24-byte header, unaligned or past the end; a bad link (see
 * ioas_cap_next()); a known cap whose body runs past the end or into the
 * next record; a second cap of a known id; IOVA_RANGE with a non-zero
 * reserved field, more ranges than fit, start > end or ranges not
 * ascending; IOAS_CAP_RESV_REGIONS with a header or entry size below v1's
 * or not a multiple of 8, entries past the end, non-zero reserved fields,
 * start > last or a type outside the five. Unknown ids, and known ids with
 * a version other than 1, are skipped and counted. Never allocates.
 *
 * Return: 0; -EMSGSIZE if @iovas_cap or @resv_cap is too small (the blob
 * was fully checked, @info is complete and the first entries are written);
 * -EBADMSG for a malformed answer; -EINVAL for a NULL @info, @info->size
 * below 8, or a NULL array with a non-zero capacity.
 */
int ioas_cap_vfio_info_decode(const void *buf, size_t len,
			      struct ioas_cap_vfio_info *info,
			      struct ioas_range *iovas, size_t iovas_cap,
			      struct ioas_cap_resv *resv, size_t resv_cap,
			      struct ioas_diag *diag);

/**
 * ioas_cap_iommufd_ranges_encode() - an IOMMU_IOAS_IOVA_RANGES answer
 * @ranges: the IOAS's usable ranges, ascending; may be NULL if @nr is 0
 * @nr: entries at @ranges
 * @alignment: out_iova_alignment, a power of two
 * @ioas_id: the ioas_id field
 * @buf: receives the answer in flat form: the 32-byte struct
 *       iommu_ioas_iova_ranges, then the array
 * @len: bytes at @buf; the array's capacity (the num_iovas the caller
 *       offers) is (@len - 32) / 16
 *
 * Reproduces iommufd_ioas_iova_ranges() (kernel-spec.md §5.4): size = 32,
 * num_iovas = @nr, __reserved = 0, allowed_iovas = 32 (in flat form, the
 * offset of the array), out_iova_alignment; the first min(@nr, capacity)
 * ranges at byte 32. Bytes after them are not touched. Never allocates.
 *
 * Return: bytes written (32 + 16 * @nr) when every range fits; -EMSGSIZE
 * when they do not, after writing the struct (num_iovas tells how many are
 * needed) and the ranges that fit, as the kernel does; -EINVAL for @len <
 * 32, @nr > UINT32_MAX, an @alignment that is not a power of two, a range
 * with start > last, or a NULL pointer with a non-zero count.
 */
long ioas_cap_iommufd_ranges_encode(const struct ioas_range *ranges, size_t nr,
				    uint64_t alignment, uint32_t ioas_id,
				    void *buf, size_t len);

/**
 * ioas_cap_iommufd_ranges_from_space() - the IOVA_RANGES answer for a space
 * @s: the space
 * @ioas_id: the ioas_id field
 * @buf: receives the answer in flat form
 * @len: bytes at @buf
 *
 * ioas_cap_iommufd_ranges_encode() with ioas_space_usable() and the
 * space's iova_alignment (ioas_space_get_info()). On -ENOMEM and -EINVAL
 * @buf is not touched.
 *
 * Return: as ioas_cap_iommufd_ranges_encode(); -EINVAL also for a NULL @s
 * or a type1 space with no group; -ENOMEM.
 */
long ioas_cap_iommufd_ranges_from_space(struct ioas_space *s, uint32_t ioas_id,
					void *buf, size_t len);

/**
 * ioas_cap_iommufd_ranges_decode() - validate and decode an IOVA_RANGES answer
 * @buf: the answer in flat form; untrusted
 * @len: bytes at @buf
 * @out: in: @out->size set; out: the decoded fields
 * @ranges: receives the ranges present; may be NULL if @cap is 0
 * @cap: entries available at @ranges
 * @diag: optional; on -EBADMSG receives the offset and reason
 *
 * Reads min(num_iovas, (@len - 32) / 16) ranges from byte 32 (the rest of
 * the array is unused capacity and is not read; allowed_iovas is not
 * interpreted). Rejected, each with its own reason: fewer than 32 bytes; a
 * size field below 32; a non-zero __reserved; an out_iova_alignment that is
 * not a power of two; an array that is not a whole number of 16-byte
 * ranges; start > last; ranges not ascending. Never allocates.
 *
 * Return: 0; -EMSGSIZE if @cap is below @out->nr_present (everything was
 * checked; the first @cap ranges are written); -EBADMSG for a malformed
 * answer; -EINVAL for a NULL @out, @out->size below 8, or a NULL @ranges
 * with a non-zero @cap.
 */
int ioas_cap_iommufd_ranges_decode(const void *buf, size_t len,
				   struct ioas_cap_iommufd_ranges *out,
				   struct ioas_range *ranges, size_t cap,
				   struct ioas_diag *diag);

/**
 * ioas_cap_virtio_probe_encode() - PROBE properties for reserved regions
 * @regions: the endpoint's reserved regions; may be NULL if @nr is 0
 * @nr: entries at @regions
 * @buf: the properties area of the PROBE request
 * @probe_size: bytes at @buf (the device's config probe_size)
 * @needed: optional; receives the bytes the properties need
 *
 * One 24-byte RESV_MEM property (length 20, little endian, inclusive end)
 * per region, in the given order, following kernel-spec.md §7's backend
 * guidance: msi regions as subtype MSI (the guest maps nothing there);
 * direct, reserved and sw-msi as subtype RESERVED (the guest must avoid the
 * host's window); direct-relaxable regions are usable IOVA and are left
 * out. The rest of @buf is zeroed, which terminates the list with a NONE
 * header when at least 4 bytes remain. On failure @buf is not touched.
 * Never allocates.
 *
 * Return: bytes of properties written (the rest of @buf is zero);
 * -EMSGSIZE if they do not fit in @probe_size (*@needed tells how many
 * bytes do); -EINVAL for a region with start > last or an unknown type, or
 * a NULL pointer with a non-zero size; -EOVERFLOW for a region covering all
 * 2^64 addresses (a Linux guest rejects it) or @probe_size above
 * UINT32_MAX.
 */
long ioas_cap_virtio_probe_encode(const struct ioas_region *regions, size_t nr,
				  void *buf, size_t probe_size, size_t *needed);

/**
 * ioas_cap_virtio_probe_from_space() - PROBE properties for a space
 * @s: the space
 * @buf: the properties area
 * @probe_size: bytes at @buf
 * @needed: optional; receives the bytes the properties need
 *
 * ioas_cap_virtio_probe_encode() with ioas_space_regions(), less the
 * regions the space does not keep out of user IOVA (PCI windows outside
 * the native profile; direct-relaxable ones are left out by the encoder
 * anyway). On failure @buf is not touched.
 *
 * Return: as ioas_cap_virtio_probe_encode(); -EINVAL also for a NULL @s;
 * -ENOMEM.
 */
long ioas_cap_virtio_probe_from_space(struct ioas_space *s, void *buf,
				      size_t probe_size, size_t *needed);

/**
 * ioas_cap_virtio_next() - read one PROBE property and step past it
 * @buf: the properties area; untrusted
 * @len: bytes at @buf (probe_size)
 * @pos: in: offset of the property to read (0 to start); out on success:
 *       offset of the next one, or @len once the list has ended
 * @p: receives the property on success
 * @diag: optional; on -EBADMSG receives the offset and reason
 *
 * The list ends at a NONE header or at @len; 1 to 3 trailing bytes after
 * the last property end it too when they are zero. Each property must lie
 * inside @len and be a multiple of 8 bytes long, header included. RESV_MEM
 * must be at least 24 bytes (a longer one is read as its first 24), have
 * zero reserved bytes, start <= end, and not cover all 2^64 addresses.
 * Unknown types are returned with @p->known false; unknown RESV_MEM
 * subtypes decode as reserved, as Linux does.
 *
 * Return: 1 with *@p filled and *@pos advanced; 0 at the end of the list;
 * -EBADMSG for a malformed property (*@pos unchanged); -EINVAL for a NULL
 * argument or @len above UINT32_MAX.
 */
int ioas_cap_virtio_next(const void *buf, size_t len, size_t *pos,
			 struct ioas_cap_virtio_prop *p,
			 struct ioas_diag *diag);

/**
 * ioas_cap_virtio_probe_decode() - validate and decode PROBE properties
 * @buf: the properties area; untrusted
 * @len: bytes at @buf (probe_size)
 * @out: in: @out->size set; out: the decoded counts
 * @resv: receives the RESV_MEM properties; may be NULL if @cap is 0
 * @cap: entries available at @resv
 * @diag: optional; on -EBADMSG receives the offset and reason
 *
 * Runs ioas_cap_virtio_next() to the end of the list. Bytes after a NONE
 * header are not looked at. Never allocates.
 *
 * Return: 0; -EMSGSIZE if @cap is below @out->nr_resv (everything was
 * checked; the first @cap entries are written); -EBADMSG for a malformed
 * property; -EINVAL for a NULL @out, @out->size below 8, a NULL @resv with
 * a non-zero @cap, or @len above UINT32_MAX.
 */
int ioas_cap_virtio_probe_decode(const void *buf, size_t len,
				 struct ioas_cap_virtio_probe *out,
				 struct ioas_cap_virtio_resv *resv, size_t cap,
				 struct ioas_diag *diag);

/**
 * ioas_cap_detect() - guess which ABI a blob follows
 * @buf: the blob; untrusted
 * @len: bytes at @buf
 *
 * Looks at signatures only, most specific first: iommufd (>= 32 bytes,
 * size field 32, zero __reserved, power-of-two alignment, a whole number
 * of ranges after the struct); then virtio-iommu (a first property that is
 * a RESV_MEM of at least 24 bytes, a multiple of 8, with zero reserved
 * bytes; or an area that decodes as properties and holds a RESV_MEM; or
 * an area that is all zero); then VFIO (>= 16 bytes, argsz >= 16
 * and either at most the blob's length or the blob at most 24 bytes long,
 * flags with PGSIZES and no unknown bit). It does not validate: decode the
 * blob to know whether it is well formed.
 *
 * Return: enum ioas_cap_format; IOAS_CAP_FORMAT_UNKNOWN if nothing fits.
 */
int ioas_cap_detect(const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_CAP_H */
