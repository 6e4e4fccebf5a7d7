// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The cap module: encoders and decoders for the binary ABIs through which
 * userspace learns about IOVA (VFIO type1 GET_INFO and its capability
 * chain, iommufd IOVA_RANGES, virtio-iommu PROBE properties) and ioas's
 * IOAS_CAP_RESV_REGIONS capability. doc/abi.md is the wire specification;
 * include/ioas/cap.h the API contract.
 *
 * Byte order and alignment. VFIO and iommufd structs are native C structs
 * (host byte order); virtio-iommu is little endian. Nothing here casts a
 * buffer to a struct: every field goes through the rd / wr helpers below,
 * which use memcpy (host order) or explicit shifts (little endian), so the
 * code is right on any host and at any buffer alignment.
 *
 * Hostile input. Every decoder works on (buf, len) and never reads a byte
 * before checking, with overflow-checked arithmetic in uint64_t, that the
 * byte is inside len. Offsets in blobs are at most 32 bits, so a uint64_t
 * sum of an offset and a 32-bit count times a small size cannot wrap; the
 * checks use check_add_overflow()/check_mul_overflow() anyway, so that the
 * code stays right if a field ever widens. Chains only go forward: a link
 * must point past the header that holds it, so a walk of a buffer of n
 * bytes takes at most n/8 steps. Each malformation has its own static
 * reason string and the offset of the field that is wrong; tests pin both.
 *
 * Allocation. Encoders and decoders never allocate (the caller owns every
 * buffer, as libfdt does). Only the *_from_space() helpers allocate, to
 * read the space's usable ranges and regions; they build everything first
 * and write the caller's buffer last, so a failure leaves it untouched.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <ioas/cap.h>

#include "ioas_private.h"
#include "overflow.h"
#include "space_internal.h"

/* ------------------------------------------------------------------ */
/* byte helpers                                                        */

static uint16_t rd16h(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32h(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64h(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void wr16h(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void wr32h(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void wr64h(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint16_t rd16le(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static uint64_t rd64le(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void wr16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr64le(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ------------------------------------------------------------------ */
/* diagnostics and small checks                                        */

static int bad(struct ioas_diag *diag, uint64_t off, const char *reason)
{
	if (diag) {
		diag->offset = (size_t)off;
		diag->line = 0;
		diag->reason = reason;
	}
	return -EBADMSG;
}

/* Whether [off, off + n) lies inside [0, size). */
static bool fits(uint64_t off, uint64_t n, uint64_t size)
{
	uint64_t end;

	if (check_add_overflow(off, n, &end))
		return false;
	return end <= size;
}

/*
 * copy_struct_from_user() for our extensible input structs: a smaller
 * struct is zero-extended, a larger one must have a zero tail.
 */
static int copy_in(void *dst, size_t dst_size, const void *src, size_t src_size)
{
	const uint8_t *s = src;
	size_t i;

	memset(dst, 0, dst_size);
	if (src_size > dst_size) {
		for (i = dst_size; i < src_size; i++)
			if (s[i])
				return -E2BIG;
		src_size = dst_size;
	}
	memcpy(dst, src, src_size);
	return 0;
}

/* Extensible output: fill min(caller's size, ours) bytes. */
static void copy_out(void *dst, const void *src, size_t ours)
{
	uint32_t size;
	size_t n;

	memcpy(&size, dst, sizeof(size));
	n = size < ours ? size : ours;
	memcpy(dst, src, n);
	size = (uint32_t)n;
	memcpy(dst, &size, sizeof(size));
}

/* The smallest caller struct we fill: size plus one field. */
#define OUT_MIN_SIZE 8u

static bool out_size_ok(const void *out)
{
	uint32_t size;

	if (!out)
		return false;
	memcpy(&size, out, sizeof(size));
	return size >= OUT_MIN_SIZE;
}

/* ------------------------------------------------------------------ */
/* generic VFIO-style chains                                           */

/*
 * Checks a link value @next found in the field at @field_off, in a chain of
 * @size bytes, where the link must not point below @min (the end of the
 * header holding it, or of the info struct for the first link).
 */
static int check_link(uint64_t next, uint64_t field_off, uint64_t min,
		      uint64_t size, struct ioas_diag *diag, bool first)
{
	if (!next)
		return 0;
	if (next < min) {
		if (first)
			return bad(
				diag, field_off,
				"cap_offset points inside the 24-byte info header");
		if (next + IOAS_CAP_HEADER_SIZE <= min)
			return bad(
				diag, field_off,
				"next points backwards or to itself (a loop)");
		return bad(diag, field_off,
			   "next points inside the current capability header");
	}
	if (next % 8)
		return bad(diag, field_off,
			   "capability offset is not 8-byte aligned");
	if (!fits(next, IOAS_CAP_HEADER_SIZE, size))
		return bad(
			diag, field_off,
			"capability header extends past the end of the blob");
	return 0;
}

IOAS_EXPORT int ioas_cap_next(const void *buf, size_t size, uint32_t *pos,
			      struct ioas_cap_header *h, struct ioas_diag *diag)
{
	const uint8_t *b = buf;
	uint32_t off;
	int ret;

	if (!pos || !h || (!buf && size))
		return -EINVAL;
	off = *pos;
	if (!off)
		return 0;
	/* The starting offset has no field of its own to blame. */
	if (off % 8)
		return bad(diag, off,
			   "capability offset is not 8-byte aligned");
	if (!fits(off, IOAS_CAP_HEADER_SIZE, size))
		return bad(
			diag, off,
			"capability header extends past the end of the blob");
	h->off = off;
	h->id = rd16h(b + off);
	h->version = rd16h(b + off + 2);
	h->next = rd32h(b + off + 4);
	ret = check_link(h->next, (uint64_t)off + 4,
			 (uint64_t)off + IOAS_CAP_HEADER_SIZE, size, diag,
			 false);
	if (ret)
		return ret;
	*pos = h->next;
	return 1;
}

IOAS_EXPORT int ioas_cap_check(const void *buf, size_t size, uint32_t first,
			       struct ioas_diag *diag)
{
	struct ioas_cap_header h;
	uint32_t pos = first;
	int n = 0, ret;

	if (!buf && size)
		return -EINVAL;
	/* Each step moves at least 8 bytes forward: at most size/8 steps. */
	while ((ret = ioas_cap_next(buf, size, &pos, &h, diag)) > 0)
		n++;
	return ret < 0 ? ret : n;
}

IOAS_EXPORT int ioas_cap_find(const void *buf, size_t size, uint32_t first,
			      uint16_t id, struct ioas_cap_header *h,
			      struct ioas_diag *diag)
{
	struct ioas_cap_header cur;
	uint32_t pos = first;
	int ret;

	if (!buf && size)
		return -EINVAL;
	while ((ret = ioas_cap_next(buf, size, &pos, &cur, diag)) > 0) {
		if (cur.id == id) {
			if (h)
				*h = cur;
			return 1;
		}
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* VFIO GET_INFO: encoder                                              */

/* The caps of an answer, laid out as vfio_info_cap_add() lays them out. */
struct vfio_layout {
	/* offsets from the start of the info struct; 0 = left out */
	uint32_t mig, dma, iova, resv;
	uint32_t total; /* 24 + every cap */
};

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

static int vfio_layout(const struct ioas_cap_vfio_src *src,
		       struct vfio_layout *lay)
{
	uint64_t off = IOAS_CAP_VFIO_INFO_SIZE, n;

	memset(lay, 0, sizeof(*lay));
	lay->mig = (uint32_t)off;
	off += align8(IOAS_CAP_MIGRATION_SIZE);
	lay->dma = (uint32_t)off;
	off += align8(IOAS_CAP_DMA_AVAIL_SIZE);
	if (src->nr_iovas) {
		lay->iova = (uint32_t)off;
		if (check_mul_overflow((uint64_t)src->nr_iovas, 16, &n) ||
		    check_add_overflow(off, (uint64_t)IOAS_CAP_IOVA_RANGE_SIZE,
				       &off) ||
		    check_add_overflow(off, n, &off) || off > UINT32_MAX)
			return -EOVERFLOW;
	}
	if (src->flags & IOAS_CAP_WITH_RESV) {
		lay->resv = (uint32_t)off;
		if (check_mul_overflow((uint64_t)src->nr_resv,
				       IOAS_CAP_RESV_ENTRY_SIZE, &n) ||
		    check_add_overflow(off, (uint64_t)IOAS_CAP_RESV_HDR_SIZE,
				       &off) ||
		    check_add_overflow(off, n, &off))
			return -EOVERFLOW;
	}
	/* argsz is a u32, and we return byte counts in a long. */
	if (off > UINT32_MAX || off > LONG_MAX)
		return -EOVERFLOW;
	lay->total = (uint32_t)off;
	return 0;
}

/*
 * Checks @src and lays it out. The layout comes before the element loops:
 * a count too large to lay out is refused before anything reads it.
 */
static int vfio_src_check(const struct ioas_cap_vfio_src *src,
			  struct vfio_layout *lay)
{
	size_t i;
	int ret;

	if (src->flags & ~IOAS_CAP_WITH_RESV)
		return -EOPNOTSUPP;
	if (!src->iova_pgsizes)
		return -EINVAL;
	if ((src->nr_iovas && !src->iovas) ||
	    ((src->flags & IOAS_CAP_WITH_RESV) && src->nr_resv && !src->resv))
		return -EINVAL;
	ret = vfio_layout(src, lay);
	if (ret)
		return ret;
	for (i = 0; i < src->nr_iovas; i++)
		if (src->iovas[i].start > src->iovas[i].last)
			return -EINVAL;
	if (!(src->flags & IOAS_CAP_WITH_RESV))
		return 0;
	for (i = 0; i < src->nr_resv; i++) {
		const struct ioas_region *r = &src->resv[i].region;

		if (r->range.start > r->range.last ||
		    r->type >= IOAS_REGION_NR_TYPES || r->origin > UINT16_MAX)
			return -EINVAL;
	}
	return 0;
}

static void put_cap_header(uint8_t *p, uint16_t id, uint16_t version,
			   uint32_t next)
{
	wr16h(p, id);
	wr16h(p + 2, version);
	wr32h(p + 4, next);
}

/* Writes the full answer (argsz >= lay->total) into @b. */
static void vfio_write_caps(const struct ioas_cap_vfio_src *src,
			    const struct vfio_layout *lay, uint8_t *b)
{
	uint32_t after_dma = lay->iova ? lay->iova : lay->resv;
	uint8_t *p;
	size_t i;

	memset(b + IOAS_CAP_VFIO_INFO_SIZE, 0,
	       lay->total - IOAS_CAP_VFIO_INFO_SIZE);

	p = b + lay->mig;
	put_cap_header(p, IOAS_CAP_ID_MIGRATION, 1, lay->dma);
	wr32h(p + 8, 0); /* flags */
	wr64h(p + 16, lowbit_u64(src->iova_pgsizes));
	wr64h(p + 24, IOAS_CAP_MAX_DIRTY_BITMAP_SIZE);

	p = b + lay->dma;
	put_cap_header(p, IOAS_CAP_ID_DMA_AVAIL, 1, after_dma);
	wr32h(p + 8, src->dma_avail);

	if (lay->iova) {
		p = b + lay->iova;
		put_cap_header(p, IOAS_CAP_ID_IOVA_RANGE, 1, lay->resv);
		wr32h(p + 8, (uint32_t)src->nr_iovas);
		for (i = 0; i < src->nr_iovas; i++) {
			wr64h(p + 16 + 16 * i, src->iovas[i].start);
			wr64h(p + 24 + 16 * i, src->iovas[i].last);
		}
	}
	if (lay->resv) {
		p = b + lay->resv;
		put_cap_header(p, IOAS_CAP_RESV_REGIONS, IOAS_CAP_RESV_VERSION,
			       0);
		wr32h(p + 8, (uint32_t)src->nr_resv);
		wr32h(p + 12, IOAS_CAP_RESV_ENTRY_SIZE);
		wr32h(p + 16, IOAS_CAP_RESV_HDR_SIZE);
		for (i = 0; i < src->nr_resv; i++) {
			const struct ioas_cap_resv *e = &src->resv[i];
			uint8_t *q = p + IOAS_CAP_RESV_HDR_SIZE +
				     IOAS_CAP_RESV_ENTRY_SIZE * i;

			wr64h(q, e->region.range.start);
			wr64h(q + 8, e->region.range.last);
			wr16h(q + 16, (uint16_t)e->region.type);
			wr16h(q + 18, (uint16_t)e->region.origin);
			wr32h(q + 20, e->region.prot);
			wr32h(q + 24, e->flags);
		}
	}
}

IOAS_EXPORT long ioas_cap_vfio_info_encode(const struct ioas_cap_vfio_src *src,
					   uint32_t argsz, void *buf,
					   size_t len)
{
	struct ioas_cap_vfio_src s;
	struct vfio_layout lay;
	uint8_t hdr[IOAS_CAP_VFIO_INFO_SIZE];
	uint8_t *b = buf;
	size_t n;
	int ret;

	if (!src || !buf || src->size < sizeof(uint32_t))
		return -EINVAL;
	ret = copy_in(&s, sizeof(s), src, src->size);
	if (ret)
		return ret;
	/* vfio_iommu_type1_get_info(): argsz below the 16-byte minimum */
	if (argsz < IOAS_CAP_VFIO_INFO_MINSZ || len < argsz)
		return -EINVAL;
	ret = vfio_src_check(&s, &lay);
	if (ret)
		return ret;

	/* info = {} with the caller's first 16 bytes; then the kernel's. */
	memset(hdr, 0, sizeof(hdr));
	wr32h(hdr, argsz);
	wr32h(hdr + 4, IOAS_CAP_VFIO_INFO_PGSIZES | IOAS_CAP_VFIO_INFO_CAPS);
	wr64h(hdr + 8, s.iova_pgsizes);
	if (argsz < lay.total) {
		/* The quirk: success, grown argsz, no chain, and only
		 * min(argsz, 24) bytes of the struct copied back. */
		wr32h(hdr, lay.total);
		n = argsz < sizeof(hdr) ? argsz : sizeof(hdr);
		memcpy(b, hdr, n);
		return (long)n;
	}
	wr32h(hdr + 16, IOAS_CAP_VFIO_INFO_SIZE);
	memcpy(b, hdr, sizeof(hdr));
	vfio_write_caps(&s, &lay, b);
	return (long)lay.total;
}

/* ------------------------------------------------------------------ */
/* what a space says                                                   */

/* Whether a space keeps @r out of user IOVA (IOAS_CAP_RESV_EXCLUDED). */
static bool space_excludes(uint32_t profile, const struct ioas_region *r)
{
	if (r->type == IOAS_REGION_DIRECT_RELAXABLE)
		return false;
	/* Linux never shows PCI windows to VFIO or iommufd (region.h). */
	if (r->origin == IOAS_ORIGIN_PCI_WINDOW &&
	    profile != IOAS_PROFILE_NATIVE)
		return false;
	return true;
}

/*
 * iommufd_get_pagesizes() (vfio_compat.c), for iommufd and native spaces:
 * the domains' common sizes with sub-page sizes folded into PAGE_SIZE,
 * and never below the IOAS alignment.
 */
static uint64_t compat_pgsizes(const struct ioas_space *s,
			       const struct ioas_space_info *info)
{
	uint64_t page = s->cfg.page_size; /* immutable after creation */
	uint64_t bm = info->nr_domains ? info->pgsizes : UINT64_MAX;

	if (bm & (page - 1)) {
		bm &= ~(page - 1);
		bm |= page;
	}
	if (bm < info->iova_alignment)
		bm = info->iova_alignment;
	return bm;
}

/* Everything the encoders need from a space, read before writing. */
struct space_view {
	struct ioas_space_info info;
	uint64_t pgsizes;
	struct ioas_range_list usable;
	struct ioas_region_list regions;
	struct ioas_cap_resv *resv;
	size_t nr_resv;
};

static void view_fini(struct space_view *v)
{
	ioas_range_list_fini(&v->usable);
	ioas_region_list_fini(&v->regions);
	ioas_free_(v->resv);
	v->resv = NULL;
}

#define VIEW_USABLE (1u << 0)
#define VIEW_REGIONS (1u << 1)

static int view_read(struct ioas_space *s, uint32_t what, struct space_view *v)
{
	size_t i;
	int ret;

	memset(v, 0, sizeof(*v));
	v->info.size = sizeof(v->info);
	ret = ioas_space_get_info(s, &v->info);
	if (ret)
		return ret;
	v->pgsizes = v->info.profile == IOAS_PROFILE_TYPE1 ?
			     v->info.pgsizes :
			     compat_pgsizes(s, &v->info);
	if (what & VIEW_USABLE) {
		ret = ioas_space_usable(s, &v->usable, NULL);
		if (ret)
			goto err;
	}
	if (what & VIEW_REGIONS) {
		ret = ioas_space_regions(s, &v->regions);
		if (ret)
			goto err;
		if (v->regions.nr) {
			v->resv = ioas_calloc_(v->regions.nr, sizeof(*v->resv));
			if (!v->resv) {
				ret = -ENOMEM;
				goto err;
			}
		}
		for (i = 0; i < v->regions.nr; i++) {
			v->resv[i].region = v->regions.v[i];
			v->resv[i].flags = space_excludes(v->info.profile,
							  &v->regions.v[i]) ?
						   IOAS_CAP_RESV_EXCLUDED :
						   0;
		}
		v->nr_resv = v->regions.nr;
	}
	return 0;
err:
	view_fini(v);
	return ret;
}

IOAS_EXPORT long ioas_cap_vfio_info_from_space(struct ioas_space *s,
					       uint32_t flags, uint32_t argsz,
					       void *buf, size_t len)
{
	struct ioas_cap_vfio_src src;
	struct space_view v;
	long ret;

	if (!s || !buf)
		return -EINVAL;
	if (flags & ~IOAS_CAP_WITH_RESV)
		return -EOPNOTSUPP;
	ret = view_read(
		s,
		VIEW_USABLE | ((flags & IOAS_CAP_WITH_RESV) ? VIEW_REGIONS : 0),
		&v);
	if (ret)
		return ret;
	memset(&src, 0, sizeof(src));
	src.size = sizeof(src);
	src.flags = flags;
	src.iova_pgsizes = v.pgsizes;
	src.dma_avail = v.info.dma_avail;
	src.iovas = v.usable.v;
	src.nr_iovas = v.usable.nr;
	src.resv = v.resv;
	src.nr_resv = v.nr_resv;
	ret = ioas_cap_vfio_info_encode(&src, argsz, buf, len);
	view_fini(&v);
	return ret;
}

/* ------------------------------------------------------------------ */
/* VFIO GET_INFO: decoder                                              */

struct vfio_dec {
	const uint8_t *b;
	uint64_t size; /* the chain's bound: min(len, argsz) */
	struct ioas_cap_vfio_info *info;
	struct ioas_range *iovas;
	size_t iovas_cap;
	struct ioas_cap_resv *resv;
	size_t resv_cap;
	struct ioas_diag *diag;
};

/*
 * A known cap's body of @body bytes must lie inside the chain and end
 * before the next record starts.
 */
static int body_fits(const struct vfio_dec *d, const struct ioas_cap_header *h,
		     uint64_t body, const char *past_end)
{
	if (!fits(h->off, body, d->size))
		return bad(d->diag, h->off, past_end);
	if (h->next && h->off + body > h->next)
		return bad(d->diag, (uint64_t)h->off + 4,
			   "capability body overlaps the next capability");
	return 0;
}

static int dec_migration(struct vfio_dec *d, const struct ioas_cap_header *h)
{
	const uint8_t *p = d->b + h->off;
	int ret = body_fits(
		d, h, IOAS_CAP_MIGRATION_SIZE,
		"MIGRATION capability extends past the end of the blob");

	if (ret)
		return ret;
	if (d->info->off_migration)
		return bad(d->diag, h->off, "duplicate MIGRATION capability");
	d->info->off_migration = h->off;
	d->info->mig_flags = rd32h(p + 8);
	d->info->mig_pgsize_bitmap = rd64h(p + 16);
	d->info->mig_max_dirty_bitmap_size = rd64h(p + 24);
	return 0;
}

static int dec_dma_avail(struct vfio_dec *d, const struct ioas_cap_header *h)
{
	int ret = body_fits(
		d, h, IOAS_CAP_DMA_AVAIL_SIZE,
		"DMA_AVAIL capability extends past the end of the blob");

	if (ret)
		return ret;
	if (d->info->off_dma_avail)
		return bad(d->diag, h->off, "duplicate DMA_AVAIL capability");
	d->info->off_dma_avail = h->off;
	d->info->dma_avail = rd32h(d->b + h->off + 8);
	return 0;
}

static int dec_iova_range(struct vfio_dec *d, const struct ioas_cap_header *h)
{
	const uint8_t *p = d->b + h->off;
	uint64_t nr, bytes, prev_end = 0;
	uint32_t i;
	int ret;

	ret = body_fits(
		d, h, IOAS_CAP_IOVA_RANGE_SIZE,
		"IOVA_RANGE capability extends past the end of the blob");
	if (ret)
		return ret;
	if (d->info->off_iova_range)
		return bad(d->diag, h->off, "duplicate IOVA_RANGE capability");
	nr = rd32h(p + 8);
	if (check_mul_overflow(nr, 16, &bytes) ||
	    check_add_overflow(bytes, IOAS_CAP_IOVA_RANGE_SIZE, &bytes) ||
	    !fits(h->off, bytes, d->size))
		return bad(d->diag, (uint64_t)h->off + 8,
			   "nr_iovas ranges extend past the end of the blob");
	if (h->next && h->off + bytes > h->next)
		return bad(d->diag, (uint64_t)h->off + 8,
			   "nr_iovas ranges overlap the next capability");
	if (rd32h(p + 12))
		return bad(d->diag, (uint64_t)h->off + 12,
			   "IOVA_RANGE reserved field is not zero");
	for (i = 0; i < nr; i++) {
		uint64_t s = rd64h(p + 16 + 16 * (size_t)i);
		uint64_t e = rd64h(p + 24 + 16 * (size_t)i);
		uint64_t at = (uint64_t)h->off + 16 + 16 * (uint64_t)i;

		if (s > e)
			return bad(d->diag, at,
				   "iova range start is above its end");
		if (i && s <= prev_end)
			return bad(
				d->diag, at,
				"iova ranges are not ascending and disjoint");
		prev_end = e;
		if (i < d->iovas_cap) {
			d->iovas[i].start = s;
			d->iovas[i].last = e;
		}
	}
	d->info->off_iova_range = h->off;
	d->info->nr_iovas = (uint32_t)nr;
	return 0;
}

static int dec_resv(struct vfio_dec *d, const struct ioas_cap_header *h)
{
	const uint8_t *p = d->b + h->off;
	uint64_t nr, esize, hsize, bytes;
	uint32_t i;
	int ret;

	ret = body_fits(
		d, h, IOAS_CAP_RESV_HDR_SIZE,
		"RESV_REGIONS capability extends past the end of the blob");
	if (ret)
		return ret;
	if (d->info->off_resv)
		return bad(d->diag, h->off,
			   "duplicate RESV_REGIONS capability");
	nr = rd32h(p + 8);
	esize = rd32h(p + 12);
	hsize = rd32h(p + 16);
	if (esize < IOAS_CAP_RESV_ENTRY_SIZE)
		return bad(d->diag, (uint64_t)h->off + 12,
			   "RESV_REGIONS entry_size is below 32");
	if (esize % 8)
		return bad(d->diag, (uint64_t)h->off + 12,
			   "RESV_REGIONS entry_size is not a multiple of 8");
	if (hsize < IOAS_CAP_RESV_HDR_SIZE)
		return bad(d->diag, (uint64_t)h->off + 16,
			   "RESV_REGIONS hdr_size is below 24");
	if (hsize % 8)
		return bad(d->diag, (uint64_t)h->off + 16,
			   "RESV_REGIONS hdr_size is not a multiple of 8");
	if (rd32h(p + 20))
		return bad(d->diag, (uint64_t)h->off + 20,
			   "RESV_REGIONS reserved field is not zero");
	if (check_mul_overflow(nr, esize, &bytes) ||
	    check_add_overflow(bytes, hsize, &bytes) ||
	    !fits(h->off, bytes, d->size))
		return bad(
			d->diag, (uint64_t)h->off + 8,
			"RESV_REGIONS entries extend past the end of the blob");
	if (h->next && h->off + bytes > h->next)
		return bad(d->diag, (uint64_t)h->off + 8,
			   "RESV_REGIONS entries overlap the next capability");
	for (i = 0; i < nr; i++) {
		uint64_t at = (uint64_t)h->off + hsize + esize * i;
		const uint8_t *q = d->b + at;
		struct ioas_cap_resv e;

		memset(&e, 0, sizeof(e));
		e.region.range.start = rd64h(q);
		e.region.range.last = rd64h(q + 8);
		e.region.type = rd16h(q + 16);
		e.region.origin = rd16h(q + 18);
		e.region.prot = rd32h(q + 20);
		e.flags = rd32h(q + 24);
		if (e.region.range.start > e.region.range.last)
			return bad(
				d->diag, at,
				"RESV_REGIONS entry start is above its last");
		if (e.region.type >= IOAS_REGION_NR_TYPES)
			return bad(
				d->diag, at + 16,
				"RESV_REGIONS entry has an unknown region type");
		if (rd32h(q + 28))
			return bad(
				d->diag, at + 28,
				"RESV_REGIONS entry reserved field is not zero");
		if (i < d->resv_cap)
			d->resv[i] = e;
	}
	d->info->off_resv = h->off;
	d->info->nr_resv = (uint32_t)nr;
	d->info->resv_entry_size = (uint32_t)esize;
	return 0;
}

static int vfio_walk(struct vfio_dec *d)
{
	struct ioas_cap_header h;
	uint32_t pos = d->info->cap_offset;
	int ret;

	while ((ret = ioas_cap_next(d->b, (size_t)d->size, &pos, &h, d->diag)) >
	       0) {
		d->info->nr_caps++;
		if (h.version != 1) {
			/* A newer layout of a cap we know is not one we
			 * can read: skip it like an unknown one. */
			d->info->nr_unknown++;
			continue;
		}
		switch (h.id) {
		case IOAS_CAP_ID_MIGRATION:
			ret = dec_migration(d, &h);
			break;
		case IOAS_CAP_ID_DMA_AVAIL:
			ret = dec_dma_avail(d, &h);
			break;
		case IOAS_CAP_ID_IOVA_RANGE:
			ret = dec_iova_range(d, &h);
			break;
		case IOAS_CAP_RESV_REGIONS:
			ret = dec_resv(d, &h);
			break;
		default:
			d->info->nr_unknown++;
			ret = 0;
			break;
		}
		if (ret)
			return ret;
	}
	return ret;
}

/*
 * Validates the answer and fills @out; writes the first @iovas_cap and
 * @resv_cap entries of the arrays on the way (the public function runs it
 * once with no array, so that a malformed blob leaves them untouched).
 */
static int vfio_decode(const uint8_t *b, size_t len,
		       struct ioas_cap_vfio_info *out, struct ioas_range *iovas,
		       size_t iovas_cap, struct ioas_cap_resv *resv,
		       size_t resv_cap, struct ioas_diag *diag)
{
	struct vfio_dec d;
	int ret;

	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	if (len < IOAS_CAP_VFIO_INFO_MINSZ)
		return bad(
			diag, 0,
			"blob is shorter than the 16 bytes of argsz, flags and iova_pgsizes");
	out->argsz = rd32h(b);
	out->flags = rd32h(b + 4);
	out->iova_pgsizes = rd64h(b + 8);
	if (out->argsz < IOAS_CAP_VFIO_INFO_MINSZ)
		return bad(diag, 0, "argsz is below 16");
	if ((out->flags & IOAS_CAP_VFIO_INFO_PGSIZES) && !out->iova_pgsizes)
		return bad(diag, 8,
			   "iova_pgsizes is zero although PGSIZES is set");
	/* cap_offset and pad exist only if the kernel copied them back. */
	if (len >= 20)
		out->cap_offset = rd32h(b + 16);
	if (len >= IOAS_CAP_VFIO_INFO_SIZE && rd32h(b + 20))
		return bad(diag, 20, "pad is not zero");

	if (!out->cap_offset) {
		/* No chain: complete, or the "retry with argsz" answer. */
		if (out->argsz > len)
			out->needed = out->argsz;
		return 0;
	}
	if (!(out->flags & IOAS_CAP_VFIO_INFO_CAPS))
		return bad(diag, 16, "cap_offset is set but flags lack CAPS");
	if (out->argsz > len)
		return bad(
			diag, 0,
			"argsz exceeds the blob although a capability chain is present");
	ret = check_link(out->cap_offset, 16, IOAS_CAP_VFIO_INFO_SIZE,
			 out->argsz, diag, true);
	if (ret)
		return ret;
	memset(&d, 0, sizeof(d));
	d.b = b;
	d.size = out->argsz; /* the chain lives in the first argsz bytes */
	d.info = out;
	d.iovas = iovas;
	d.iovas_cap = iovas_cap;
	d.resv = resv;
	d.resv_cap = resv_cap;
	d.diag = diag;
	return vfio_walk(&d);
}

IOAS_EXPORT int ioas_cap_vfio_info_decode(
	const void *buf, size_t len, struct ioas_cap_vfio_info *info,
	struct ioas_range *iovas, size_t iovas_cap, struct ioas_cap_resv *resv,
	size_t resv_cap, struct ioas_diag *diag)
{
	struct ioas_cap_vfio_info out;
	int ret;

	if (!out_size_ok(info) || (!buf && len) || (!iovas && iovas_cap) ||
	    (!resv && resv_cap))
		return -EINVAL;
	ret = vfio_decode(buf, len, &out, NULL, 0, NULL, 0, diag);
	if (ret)
		return ret;
	if ((out.nr_iovas && iovas_cap) || (out.nr_resv && resv_cap))
		vfio_decode(buf, len, &out, iovas, iovas_cap, resv, resv_cap,
			    NULL);
	copy_out(info, &out, sizeof(out));
	if (out.nr_iovas > iovas_cap || out.nr_resv > resv_cap)
		return -EMSGSIZE;
	return 0;
}

/* ------------------------------------------------------------------ */
/* iommufd IOVA_RANGES                                                 */

IOAS_EXPORT long ioas_cap_iommufd_ranges_encode(const struct ioas_range *ranges,
						size_t nr, uint64_t alignment,
						uint32_t ioas_id, void *buf,
						size_t len)
{
	uint8_t *b = buf;
	size_t room, i, n;

	if (!buf || len < IOAS_CAP_IOMMUFD_RANGES_SIZE || nr > UINT32_MAX ||
	    (nr && !ranges) || !is_pow2_u64(alignment))
		return -EINVAL;
	for (i = 0; i < nr; i++)
		if (ranges[i].start > ranges[i].last)
			return -EINVAL;
	room = (len - IOAS_CAP_IOMMUFD_RANGES_SIZE) /
	       IOAS_CAP_IOMMUFD_RANGE_SIZE;
	n = nr < room ? nr : room;
	/* When everything fits, 32 + 16 * nr <= len: no wrap, but a long
	 * is narrower than a size_t on some hosts. */
	if (nr <= room && 32 + 16 * nr > LONG_MAX)
		return -EOVERFLOW;

	wr32h(b, IOAS_CAP_IOMMUFD_RANGES_SIZE);
	wr32h(b + 4, ioas_id);
	wr32h(b + 8, (uint32_t)nr);
	wr32h(b + 12, 0);
	wr64h(b + 16, IOAS_CAP_IOMMUFD_RANGES_SIZE);
	wr64h(b + 24, alignment);
	for (i = 0; i < n; i++) {
		wr64h(b + 32 + 16 * i, ranges[i].start);
		wr64h(b + 40 + 16 * i, ranges[i].last);
	}
	if (nr > room)
		return -EMSGSIZE;
	return (long)(32 + 16 * nr);
}

IOAS_EXPORT long ioas_cap_iommufd_ranges_from_space(struct ioas_space *s,
						    uint32_t ioas_id, void *buf,
						    size_t len)
{
	struct space_view v;
	long ret;

	if (!s || !buf || len < IOAS_CAP_IOMMUFD_RANGES_SIZE)
		return -EINVAL;
	ret = view_read(s, VIEW_USABLE, &v);
	if (ret)
		return ret;
	ret = ioas_cap_iommufd_ranges_encode(v.usable.v, v.usable.nr,
					     v.info.iova_alignment, ioas_id,
					     buf, len);
	view_fini(&v);
	return ret;
}

IOAS_EXPORT int ioas_cap_iommufd_ranges_decode(
	const void *buf, size_t len, struct ioas_cap_iommufd_ranges *out,
	struct ioas_range *ranges, size_t cap, struct ioas_diag *diag)
{
	struct ioas_cap_iommufd_ranges o;
	const uint8_t *b = buf;
	uint64_t room, prev_last = 0;
	uint32_t i;

	if (!out_size_ok(out) || (!buf && len) || (!ranges && cap))
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	if (len < IOAS_CAP_IOMMUFD_RANGES_SIZE)
		return bad(
			diag, 0,
			"blob is shorter than the 32-byte struct iommu_ioas_iova_ranges");
	o.cmd_size = rd32h(b);
	o.ioas_id = rd32h(b + 4);
	o.num_iovas = rd32h(b + 8);
	o.allowed_iovas = rd64h(b + 16);
	o.out_iova_alignment = rd64h(b + 24);
	if (o.cmd_size < IOAS_CAP_IOMMUFD_RANGES_SIZE)
		return bad(diag, 0, "size is below 32");
	if (rd32h(b + 12))
		return bad(diag, 12, "__reserved is not zero");
	if (!is_pow2_u64(o.out_iova_alignment))
		return bad(diag, 24,
			   "out_iova_alignment is not a power of two");
	if ((len - IOAS_CAP_IOMMUFD_RANGES_SIZE) % IOAS_CAP_IOMMUFD_RANGE_SIZE)
		return bad(diag,
			   len - (len - IOAS_CAP_IOMMUFD_RANGES_SIZE) %
					   IOAS_CAP_IOMMUFD_RANGE_SIZE,
			   "trailing bytes are not a whole iommu_iova_range");
	room = (len - IOAS_CAP_IOMMUFD_RANGES_SIZE) /
	       IOAS_CAP_IOMMUFD_RANGE_SIZE;
	o.nr_present = (uint32_t)(o.num_iovas < room ? o.num_iovas : room);
	for (i = 0; i < o.nr_present; i++) {
		uint64_t at = 32 + 16 * (uint64_t)i;
		uint64_t s = rd64h(b + at), l = rd64h(b + at + 8);

		if (s > l)
			return bad(diag, at,
				   "iova range start is above its last");
		if (i && s <= prev_last)
			return bad(
				diag, at,
				"iova ranges are not ascending and disjoint");
		prev_last = l;
	}
	/* Only a well-formed answer reaches the caller's array. */
	for (i = 0; i < o.nr_present && i < cap; i++) {
		ranges[i].start = rd64h(b + 32 + 16 * (size_t)i);
		ranges[i].last = rd64h(b + 40 + 16 * (size_t)i);
	}
	copy_out(out, &o, sizeof(o));
	return o.nr_present > cap ? -EMSGSIZE : 0;
}

/* ------------------------------------------------------------------ */
/* virtio-iommu PROBE                                                  */

/* Which RESV_MEM subtype a region becomes; -1 if it is not emitted. */
static int virtio_subtype(uint32_t type)
{
	switch (type) {
	case IOAS_REGION_MSI:
		return IOAS_CAP_VIRTIO_RESV_MSI;
	case IOAS_REGION_DIRECT:
	case IOAS_REGION_RESERVED:
	case IOAS_REGION_SW_MSI:
		return IOAS_CAP_VIRTIO_RESV_RESERVED;
	default:
		return -1;
	}
}

IOAS_EXPORT long ioas_cap_virtio_probe_encode(const struct ioas_region *regions,
					      size_t nr, void *buf,
					      size_t probe_size, size_t *needed)
{
	uint8_t *b = buf, *p;
	uint64_t need = 0;
	size_t i;

	if ((nr && !regions) || (probe_size && !buf))
		return -EINVAL;
	if (probe_size > UINT32_MAX)
		return -EOVERFLOW;
	for (i = 0; i < nr; i++) {
		const struct ioas_region *r = &regions[i];

		if (r->range.start > r->range.last ||
		    r->type >= IOAS_REGION_NR_TYPES)
			return -EINVAL;
		if (virtio_subtype(r->type) < 0)
			continue;
		if (r->range.start == 0 && r->range.last == UINT64_MAX)
			return -EOVERFLOW;
		need += IOAS_CAP_VIRTIO_RESV_MEM_SIZE;
	}
	if (needed)
		*needed = need > SIZE_MAX ? SIZE_MAX : (size_t)need;
	if (need > probe_size)
		return -EMSGSIZE;
	if (need > LONG_MAX)
		return -EOVERFLOW;

	if (probe_size)
		memset(b, 0, probe_size);
	p = b;
	for (i = 0; i < nr; i++) {
		int sub = virtio_subtype(regions[i].type);

		if (sub < 0)
			continue;
		wr16le(p, IOAS_CAP_VIRTIO_PROP_RESV_MEM);
		wr16le(p + 2, IOAS_CAP_VIRTIO_RESV_MEM_SIZE -
				      IOAS_CAP_VIRTIO_PROP_HDR_SIZE);
		p[4] = (uint8_t)sub;
		wr64le(p + 8, regions[i].range.start);
		wr64le(p + 16, regions[i].range.last);
		p += IOAS_CAP_VIRTIO_RESV_MEM_SIZE;
	}
	return (long)need;
}

IOAS_EXPORT long ioas_cap_virtio_probe_from_space(struct ioas_space *s,
						  void *buf, size_t probe_size,
						  size_t *needed)
{
	struct space_view v;
	size_t i, n = 0;
	long ret;

	if (!s || (probe_size && !buf))
		return -EINVAL;
	ret = view_read(s, VIEW_REGIONS, &v);
	if (ret)
		return ret;
	/* Keep, in order, what the space keeps out of user IOVA. */
	for (i = 0; i < v.regions.nr; i++)
		if (v.resv[i].flags & IOAS_CAP_RESV_EXCLUDED)
			v.regions.v[n++] = v.regions.v[i];
	ret = ioas_cap_virtio_probe_encode(v.regions.v, n, buf, probe_size,
					   needed);
	view_fini(&v);
	return ret;
}

IOAS_EXPORT int ioas_cap_virtio_next(const void *buf, size_t len, size_t *pos,
				     struct ioas_cap_virtio_prop *p,
				     struct ioas_diag *diag)
{
	const uint8_t *b = buf;
	struct ioas_cap_virtio_prop out;
	uint64_t off, total;
	size_t i;

	if (!pos || !p || (!buf && len) || len > UINT32_MAX)
		return -EINVAL;
	off = *pos;
	if (off >= len)
		return 0;
	if (len - off < IOAS_CAP_VIRTIO_PROP_HDR_SIZE) {
		/* Fewer bytes than a header: the end if they are zero. */
		for (i = (size_t)off; i < len; i++)
			if (b[i])
				return bad(diag, off,
					   "property header is truncated");
		*pos = len;
		return 0;
	}
	memset(&out, 0, sizeof(out));
	out.off = (uint32_t)off;
	out.raw_type = rd16le(b + off);
	out.type = out.raw_type & IOAS_CAP_VIRTIO_PROP_TYPE_MASK;
	out.length = rd16le(b + off + 2);
	if (out.type == IOAS_CAP_VIRTIO_PROP_NONE) {
		*pos = len;
		return 0;
	}
	total = IOAS_CAP_VIRTIO_PROP_HDR_SIZE + (uint64_t)out.length;
	if (!fits(off, total, len))
		return bad(
			diag, off + 2,
			"property extends past the end of the properties area");
	if (total % 8)
		return bad(
			diag, off + 2,
			"property size (header included) is not a multiple of 8");
	if (out.type == IOAS_CAP_VIRTIO_PROP_RESV_MEM) {
		const uint8_t *q = b + off;
		struct ioas_cap_virtio_resv *r = &out.resv;

		if (total < IOAS_CAP_VIRTIO_RESV_MEM_SIZE)
			return bad(
				diag, off + 2,
				"RESV_MEM property is shorter than 24 bytes");
		if (q[5] || q[6] || q[7])
			return bad(diag, off + 5,
				   "RESV_MEM reserved bytes are not zero");
		r->off = (uint32_t)off;
		r->subtype = q[4];
		r->region.range.start = rd64le(q + 8);
		r->region.range.last = rd64le(q + 16);
		if (r->region.range.start > r->region.range.last)
			return bad(diag, off + 16,
				   "RESV_MEM end is below its start");
		if (r->region.range.start == 0 &&
		    r->region.range.last == UINT64_MAX)
			return bad(
				diag, off + 8,
				"RESV_MEM covers all 2^64 addresses (Linux rejects it)");
		/* viommu_add_resv_mem(): unknown subtypes are reserved */
		if (r->subtype == IOAS_CAP_VIRTIO_RESV_MSI) {
			r->region.type = IOAS_REGION_MSI;
			r->region.prot = IOAS_PROT_WRITE | IOAS_PROT_NOEXEC |
					 IOAS_PROT_MMIO;
		} else {
			r->region.type = IOAS_REGION_RESERVED;
		}
		r->region.origin = IOAS_ORIGIN_VIRTIO_PROBE;
		out.known = true;
	}
	*p = out;
	*pos = (size_t)(off + total);
	return 1;
}

IOAS_EXPORT int ioas_cap_virtio_probe_decode(const void *buf, size_t len,
					     struct ioas_cap_virtio_probe *out,
					     struct ioas_cap_virtio_resv *resv,
					     size_t cap, struct ioas_diag *diag)
{
	struct ioas_cap_virtio_probe o;
	struct ioas_cap_virtio_prop p;
	size_t pos = 0, last = 0, n;
	int ret;

	if (!out_size_ok(out) || (!buf && len) || (!resv && cap) ||
	    len > UINT32_MAX)
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	/* Each step moves >= 8 bytes forward: at most len/8 steps. */
	while ((ret = ioas_cap_virtio_next(buf, len, &pos, &p, diag)) > 0) {
		o.nr_props++;
		last = pos;
		if (p.known)
			o.nr_resv++;
		else
			o.nr_unknown++;
	}
	if (ret < 0)
		return ret;
	/* Only a well-formed area reaches the caller's array. */
	for (pos = 0, n = 0;
	     n < cap && n < o.nr_resv &&
	     ioas_cap_virtio_next(buf, len, &pos, &p, NULL) > 0;)
		if (p.known)
			resv[n++] = p.resv;
	/* The list ended at a NONE header if one fits after the last. */
	o.end = (uint32_t)last;
	o.terminated = len - last >= IOAS_CAP_VIRTIO_PROP_HDR_SIZE &&
		       !(rd16le((const uint8_t *)buf + last) &
			 IOAS_CAP_VIRTIO_PROP_TYPE_MASK);
	if (!o.terminated)
		o.end = (uint32_t)len;
	copy_out(out, &o, sizeof(o));
	return o.nr_resv > cap ? -EMSGSIZE : 0;
}

/* ------------------------------------------------------------------ */
/* format detection                                                    */

/*
 * A first property that can only be RESV_MEM; or an area that decodes
 * cleanly and holds a RESV_MEM; or an all-zero area (nothing to report).
 * A VFIO answer fails the middle test at once: its argsz reads as a
 * property of 4 + (argsz >> 16) bytes, which is no multiple of 8 for any
 * argsz below 256 KiB.
 */
static bool looks_virtio(const uint8_t *b, size_t len)
{
	struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
	size_t i;

	if (len < IOAS_CAP_VIRTIO_PROP_HDR_SIZE || len > UINT32_MAX)
		return false;
	if ((rd16le(b) & IOAS_CAP_VIRTIO_PROP_TYPE_MASK) ==
	    IOAS_CAP_VIRTIO_PROP_RESV_MEM) {
		uint32_t total = IOAS_CAP_VIRTIO_PROP_HDR_SIZE + rd16le(b + 2);

		if (len >= IOAS_CAP_VIRTIO_RESV_MEM_SIZE &&
		    total >= IOAS_CAP_VIRTIO_RESV_MEM_SIZE && !(total % 8) &&
		    !b[5] && !b[6] && !b[7])
			return true;
	}
	if (ioas_cap_virtio_probe_decode(b, len, &vp, NULL, 0, NULL) !=
		    -EBADMSG &&
	    vp.nr_resv)
		return true;
	for (i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

IOAS_EXPORT int ioas_cap_detect(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint32_t flags, argsz;

	if (!buf)
		return IOAS_CAP_FORMAT_UNKNOWN;
	if (len >= IOAS_CAP_IOMMUFD_RANGES_SIZE &&
	    rd32h(b) == IOAS_CAP_IOMMUFD_RANGES_SIZE && !rd32h(b + 12) &&
	    is_pow2_u64(rd64h(b + 24)) &&
	    !((len - IOAS_CAP_IOMMUFD_RANGES_SIZE) %
	      IOAS_CAP_IOMMUFD_RANGE_SIZE))
		return IOAS_CAP_FORMAT_IOMMUFD_RANGES;
	/*
	 * Before VFIO: a RESV_MEM header of subtype MSI reads as argsz
	 * 0x140001 with flags PGSIZES, while a VFIO answer would need an
	 * argsz of that very form to read as RESV_MEM.
	 */
	if (looks_virtio(b, len))
		return IOAS_CAP_FORMAT_VIRTIO_PROBE;
	if (len >= IOAS_CAP_VFIO_INFO_MINSZ) {
		argsz = rd32h(b);
		flags = rd32h(b + 4);
		/* A short answer is at most 24 bytes; a full one holds argsz
		 * bytes (type1) or fewer (iommufd's compat layer). */
		if (argsz >= IOAS_CAP_VFIO_INFO_MINSZ &&
		    (argsz <= len || len <= IOAS_CAP_VFIO_INFO_SIZE) &&
		    (flags & IOAS_CAP_VFIO_INFO_PGSIZES) &&
		    !(flags &
		      ~(IOAS_CAP_VFIO_INFO_PGSIZES | IOAS_CAP_VFIO_INFO_CAPS)))
			return IOAS_CAP_FORMAT_VFIO_INFO;
	}
	return IOAS_CAP_FORMAT_UNKNOWN;
}
