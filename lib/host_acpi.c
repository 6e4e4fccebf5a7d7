// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host backend, firmware side: the reservations of the ACPI tables that
 * make Linux's direct regions (DMAR RMRRs, IVRS IVMD blocks, IORT RMR
 * nodes), decoded from the bytes sysfs shows under
 * /sys/firmware/acpi/tables, each with the region Linux 6.12 makes of it.
 *
 * Data model: ioas_acpi_parse() fills a struct ioas_acpi_resv_list whose
 * entries, device scope arrays and a private copy of the table live in a
 * single allocation (list.v): scope paths and named-component names point
 * into that copy, so nothing is copied twice and freeing v frees all.
 * The table is walked twice with the same code (struct parse, .fill false
 * then true): the first walk validates and counts, the second writes into
 * a block of exactly the counted size. A failed call therefore allocates
 * nothing that survives and leaves *out untouched.
 *
 * Hazards: every length, offset and count is firmware-controlled. Offsets
 * are size_t inside [0, len] and every "off + n" is checked as
 * "n <= len - off"; every structure must be at least as long as its fixed
 * part and its header, so each walk moves strictly forward and ends; a
 * zero-length structure is an error rather than Linux's silent stop.
 * Address arithmetic that reproduces the kernel's (page rounding in IVRS
 * and IORT) deliberately wraps modulo 2^64 as the kernel's does, and the
 * result is then checked: a region that would be empty or wrap is reported
 * as "no region" rather than as a range with start > last. Ranges are
 * [start, last] like everywhere in ioas; the tables' own "limit" (RMRR) is
 * inclusive too, their "length" (IVMD, RMR) is in bytes.
 *
 * The kernel behaviour mirrored here is Linux 6.12's:
 * drivers/iommu/intel/{dmar,iommu}.c (RMRR walk, intel_iommu_get_resv_
 * regions), drivers/iommu/amd/{init,iommu}.c (init_memory_definitions,
 * init_unity_map_range, amd_iommu_get_resv_regions) and
 * drivers/acpi/arm64/iort.c (iort_find_rmrs and friends); the layouts are
 * ACPICA's include/acpi/actbl1.h and actbl2.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <ioas/host.h>
#include <ioas/region.h>

#include "ioas_private.h"
#include "overflow.h"

#define ACPI_HDR_LEN	36	/* struct acpi_table_header */
#define DMAR_HDR_LEN	48	/* struct acpi_table_dmar */
#define IVRS_HDR_LEN	48	/* struct acpi_table_ivrs */
#define IORT_HDR_LEN	48	/* struct acpi_table_iort */

#define DMAR_RMRR_LEN	24	/* struct acpi_dmar_reserved_memory */
#define DMAR_SCOPE_LEN	6	/* struct acpi_dmar_device_scope */
#define IVMD_LEN	32	/* struct ivmd_header (amd/init.c) */
#define IORT_NODE_LEN	16	/* struct acpi_iort_node */
#define IORT_MAP_LEN	20	/* struct acpi_iort_id_mapping */
#define IORT_RMR_LEN	28	/* node header + struct acpi_iort_rmr */
#define IORT_RMR_DESC	20	/* struct acpi_iort_rmr_desc */
#define IORT_RC_LEN	32	/* node header up to pci_segment_number */
#define IORT_NC_NAME	29	/* offset of named_component.device_name */

#define MAX_ENTRIES	65536
#define MAX_DEVS	65536
/* Root-complex x RMR ID-mapping pairs examined, at most: keeps a hostile
 * IORT from making the inversion quadratic in the table size. */
#define MAX_PAIRS	(UINT64_C(1) << 22)

#define PAGE_4K		UINT64_C(0x1000)
#define SZ_64K		UINT64_C(0x10000)

#define DMAR_SCOPE_ENDPOINT	1
#define DMAR_SCOPE_BRIDGE	2
#define DMAR_TYPE_RMRR		1

#define IVMD_TYPE_ALL		0x20
#define IVMD_TYPE_ONE		0x21
#define IVMD_TYPE_RANGE		0x22
#define IVMD_FLAG_UNITY		0x01
#define IVMD_FLAG_IR		0x02
#define IVMD_FLAG_IW		0x04
#define IVMD_FLAG_EXCL		0x08

#define IORT_NODE_NC		1
#define IORT_NODE_RC		2
#define IORT_NODE_SMMU		3
#define IORT_NODE_SMMU_V3	4
#define IORT_NODE_RMR		6
#define IORT_ID_SINGLE		1u
#define IORT_RMR_REMAP_OK	1u
#define IORT_RMR_PRIV		2u

struct parse {
	const uint8_t *t;
	size_t len;		/* the header's length: what may be read */
	uint32_t table;
	uint32_t revision;
	struct ioas_diag *diag;
	bool fill;		/* second walk: write what the first counted */
	size_t nr;
	size_t nr_devs;
	size_t cap;		/* counted by the first walk */
	size_t cap_devs;
	struct ioas_acpi_resv *v;
	struct ioas_acpi_dev *devs;
	const uint8_t *copy;	/* the table copy inside the block */
	/* IORT: node offsets, ascending (the walk only moves forward) */
	uint32_t *nodes;
	size_t nr_nodes;
	uint64_t pairs;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static int bad(struct parse *p, size_t off, const char *why)
{
	if (p->diag) {
		p->diag->offset = off;
		p->diag->line = 0;
		p->diag->reason = why;
	}
	return -EBADMSG;
}

/*
 * Append one device scope entry. @path and @name are offsets into the
 * table (0: none); the pointers are set on the second walk, when the copy
 * exists.
 */
static int add_dev(struct parse *p, size_t at, const struct ioas_acpi_dev *d,
		   size_t path_off, size_t name_off)
{
	struct ioas_acpi_dev *o;

	if (p->nr_devs >= MAX_DEVS)
		return bad(p, at, "more than 65536 device scope entries");
	if (!p->fill) {
		p->nr_devs++;
		return 0;
	}
	if (p->nr_devs >= p->cap_devs)	/* the walks disagree: a bug */
		return bad(p, at, "internal error: second walk differs");
	o = &p->devs[p->nr_devs++];
	*o = *d;
	o->path = path_off ? p->copy + path_off : NULL;
	o->name = name_off ? (const char *)(p->copy + name_off) : NULL;
	return 0;
}

/* Append an entry whose devices are p->devs[@dev0, p->nr_devs). */
static int add_entry(struct parse *p, struct ioas_acpi_resv *e, size_t dev0)
{
	if (p->nr >= MAX_ENTRIES)
		return bad(p, e->offset, "more than 65536 reservations");
	e->nr_devs = p->nr_devs - dev0;
	if (!p->fill) {
		p->nr++;
		return 0;
	}
	if (p->nr >= p->cap)
		return bad(p, e->offset, "internal error: second walk differs");
	e->devs = e->nr_devs ? &p->devs[dev0] : NULL;
	p->v[p->nr++] = *e;
	return 0;
}

/* Set the region an entry gives, or mark that it gives none. */
static void set_region(struct ioas_acpi_resv *e, uint64_t start, uint64_t size)
{
	if (!size || size - 1 > UINT64_MAX - start) {
		/* This says more than an alignment note would. */
		e->flags |= IOAS_ACPI_RESV_NO_REGION;
		e->note = "zero length, or past the top of the 64-bit space: Linux's region would be empty or wrap";
		return;
	}
	e->range.start = start;
	e->range.last = start + (size - 1);
}

/* ---------------------------------------------------------------------- */
/* DMAR */

static int dmar_scope(struct parse *p, size_t at, uint16_t segment,
		      const uint8_t *s, size_t sl)
{
	struct ioas_acpi_dev d = { 0 };
	size_t hops = (sl - DMAR_SCOPE_LEN) / 2, i;
	const uint8_t *path = s + DMAR_SCOPE_LEN;

	/*
	 * Linux matches only endpoints and bridges against PCI devices for
	 * an RMRR (dmar_insert_dev_scope()); namespace devices are matched
	 * for DRHDs only, IOAPIC and HPET never. An odd trailing byte is
	 * ignored, as the kernel's division ignores it.
	 */
	if (s[0] != DMAR_SCOPE_ENDPOINT && s[0] != DMAR_SCOPE_BRIDGE)
		return 0;
	/* An empty path matches nothing (dmar_match_pci_path(), level 0). */
	if (!hops)
		return 0;
	/* A slot above 31 or a function above 7 matches no pci_dev. */
	for (i = 0; i < hops; i++)
		if (path[2 * i] > 31 || path[2 * i + 1] > 7)
			return 0;
	d.segment = segment;
	d.path_len = (uint16_t)hops;	/* at most (255 - 6) / 2 */
	d.first = (uint32_t)s[5] << 8 | (uint32_t)path[0] << 3 | path[1];
	d.last = d.first;
	if (s[0] == DMAR_SCOPE_BRIDGE)
		d.kind = IOAS_ACPI_DEV_PCI_BRIDGE;
	else if (hops == 1)
		d.kind = IOAS_ACPI_DEV_PCI;
	else
		d.kind = IOAS_ACPI_DEV_PCI_PATH;
	return add_dev(p, at, &d, (size_t)(path - p->t), 0);
}

static int dmar_rmrr(struct parse *p, size_t off, size_t slen)
{
	const uint8_t *s = p->t + off;
	struct ioas_acpi_resv e = { 0 };
	size_t dev0 = p->nr_devs, so;
	uint64_t base, limit;
	int err;

	if (slen < DMAR_RMRR_LEN)
		return bad(p, off, "RMRR shorter than 24 bytes");
	e.segment = get16(s + 6);
	base = get64(s + 8);
	limit = get64(s + 16);
	e.origin = IOAS_ORIGIN_RMRR;
	e.types = 1u << IOAS_REGION_DIRECT | 1u << IOAS_REGION_DIRECT_RELAXABLE;
	e.prot = IOAS_PROT_READ | IOAS_PROT_WRITE;
	e.offset = (uint32_t)off;
	e.table_start = base;
	e.table_last = limit;
	if (limit < base) {
		e.flags |= IOAS_ACPI_RESV_NO_REGION | IOAS_ACPI_RESV_FW_BUG;
		e.note = "limit below base: Linux warns (bad RMRR) and its region would wrap";
	} else {
		e.range.start = base;
		e.range.last = limit;
		/* rmrr_sanity_check(): warn, taint, use it anyway. */
		if ((base & (PAGE_4K - 1)) ||
		    ((limit + 1) & (PAGE_4K - 1)) || limit == base) {
			e.flags |= IOAS_ACPI_RESV_FW_BUG;
			e.note = "not whole 4 KiB pages: Linux warns (bad RMRR) and uses it as it is";
		}
	}

	for (so = DMAR_RMRR_LEN; so < slen;) {
		size_t sl;

		if (slen - so < DMAR_SCOPE_LEN)
			return bad(p, off + so, "truncated device scope");
		sl = s[so + 1];
		if (!sl)
			return bad(p, off + so, "zero-length device scope");
		if (sl < DMAR_SCOPE_LEN)
			return bad(p, off + so,
				   "device scope shorter than 6 bytes");
		if (sl > slen - so)
			return bad(p, off + so,
				   "truncated device scope (past the end of the RMRR)");
		err = dmar_scope(p, off + so, e.segment, s + so, sl);
		if (err)
			return err;
		so += sl;
	}
	if (p->nr_devs == dev0 && !e.note)
		e.note = "its device scope names no PCI device: no device gets the region";
	return add_entry(p, &e, dev0);
}

static int parse_dmar(struct parse *p)
{
	size_t off;
	int err;

	if (p->len < DMAR_HDR_LEN)
		return bad(p, p->len, "DMAR shorter than its 48-byte header");
	/* parse_dmar_table(): "Invalid DMAR haw", and no RMRR is used. */
	if (p->t[36] < 11)
		return bad(p, 36,
			   "host address width below 12 bits: Linux refuses the table");
	for (off = DMAR_HDR_LEN; off < p->len;) {
		size_t slen;

		if (p->len - off < 4)
			return bad(p, off,
				   "structure header past the end of the table");
		slen = get16(p->t + off + 2);
		if (!slen)
			return bad(p, off, "zero-length structure");
		if (slen < 4)
			return bad(p, off,
				   "structure shorter than its 4-byte header");
		if (slen > p->len - off)
			return bad(p, off,
				   "structure past the end of the table");
		if (get16(p->t + off) == DMAR_TYPE_RMRR) {
			err = dmar_rmrr(p, off, slen);
			if (err)
				return err;
		}
		off += slen;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* IVRS */

static int ivrs_ivmd(struct parse *p, size_t off)
{
	const uint8_t *m = p->t + off;
	struct ioas_acpi_resv e = { 0 };
	struct ioas_acpi_dev d = { 0 };
	size_t dev0 = p->nr_devs;
	uint8_t type = m[0], flags = m[1];
	uint16_t devid = get16(m + 4), aux = get16(m + 6);
	uint64_t start = get64(m + 16), length = get64(m + 24);
	int err;

	e.origin = IOAS_ORIGIN_IVMD;
	/* 6.12 replaces an exclusion range's flags with IR|IW before
	 * amd_iommu_get_resv_regions() tests the exclusion bit, so it is
	 * never RESERVED: every IVMD region is DIRECT. */
	e.types = 1u << IOAS_REGION_DIRECT;
	if (flags & IVMD_FLAG_EXCL)
		e.prot = IOAS_PROT_READ | IOAS_PROT_WRITE;
	else
		e.prot = (flags & IVMD_FLAG_IR ? IOAS_PROT_READ : 0) |
			 (flags & IVMD_FLAG_IW ? IOAS_PROT_WRITE : 0);
	e.table_flags = flags;
	e.offset = (uint32_t)off;
	e.segment = get16(m + 8);
	e.table_start = start;
	e.table_last = start + length - 1;	/* modulo 2^64, documented */

	if (!(flags & (IVMD_FLAG_UNITY | IVMD_FLAG_EXCL))) {
		e.flags |= IOAS_ACPI_RESV_NO_REGION;
		e.note = "neither the unity map nor the exclusion range flag is set: Linux ignores it";
	} else {
		/* init_unity_map_range(): both rounded up, wrapping. */
		uint64_t a = (start + PAGE_4K - 1) & ~(PAGE_4K - 1);
		uint64_t l = (length + PAGE_4K - 1) & ~(PAGE_4K - 1);

		if (a != start || l != length) {
			e.flags |= IOAS_ACPI_RESV_ADJUSTED;
			e.note = "start and length rounded up to 4 KiB pages by Linux";
		}
		set_region(&e, a, l);
	}

	d.segment = e.segment;
	switch (type) {
	case IVMD_TYPE_ALL:
		d.kind = IOAS_ACPI_DEV_PCI_ALL;
		d.first = 0;
		d.last = 0xffff;
		break;
	case IVMD_TYPE_ONE:
		d.kind = IOAS_ACPI_DEV_PCI;
		d.first = d.last = devid;
		break;
	default:
		d.kind = IOAS_ACPI_DEV_PCI;
		d.first = devid;
		d.last = aux;
		break;
	}
	if (d.first <= d.last) {
		err = add_dev(p, off, &d, 0, 0);
		if (err)
			return err;
	} else if (!e.note) {
		e.note = "its device range ends below its start: no device gets the region";
	}
	return add_entry(p, &e, dev0);
}

static int parse_ivrs(struct parse *p)
{
	size_t off;
	int err;

	if (p->len < IVRS_HDR_LEN)
		return bad(p, p->len, "IVRS shorter than its 48-byte header");
	for (off = IVRS_HDR_LEN; off < p->len;) {
		size_t bl;
		uint8_t type;

		if (p->len - off < 4)
			return bad(p, off,
				   "block header past the end of the table");
		type = p->t[off];
		bl = get16(p->t + off + 2);
		if (!bl)
			return bad(p, off, "zero-length block");
		if (bl < 4)
			return bad(p, off, "block shorter than its 4-byte header");
		if (bl > p->len - off)
			return bad(p, off, "block past the end of the table");
		if (type >= IVMD_TYPE_ALL && type <= IVMD_TYPE_RANGE) {
			if (bl < IVMD_LEN)
				return bad(p, off,
					   "IVMD block shorter than 32 bytes");
			err = ivrs_ivmd(p, off);
			if (err)
				return err;
		}
		off += bl;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* IORT */

/* Index of the node at byte offset @ref, or -1. */
static long iort_node_at(const struct parse *p, uint32_t ref)
{
	size_t lo = 0, hi = p->nr_nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->nodes[mid] == ref)
			return (long)mid;
		if (p->nodes[mid] < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static bool iort_is_smmu(const struct parse *p, uint32_t ref)
{
	if (iort_node_at(p, ref) < 0)
		return false;
	return p->t[ref] == IORT_NODE_SMMU || p->t[ref] == IORT_NODE_SMMU_V3;
}

/*
 * Check one node (header, ID mapping array, the fixed part of the types
 * that are read later) and return its length in *@nl.
 */
static int iort_check_node(struct parse *p, size_t off, size_t *nl)
{
	const uint8_t *n = p->t + off;
	uint32_t mc, mo;
	size_t l;

	if (p->len - off < IORT_NODE_LEN)
		return bad(p, off, "node header past the end of the table");
	l = get16(n + 1);
	if (!l)
		return bad(p, off, "zero-length node");
	if (l < IORT_NODE_LEN)
		return bad(p, off, "node shorter than its 16-byte header");
	if (l > p->len - off)
		return bad(p, off, "node past the end of the table");
	mc = get32(n + 8);
	mo = get32(n + 12);
	if (mc) {
		if (mo < IORT_NODE_LEN || mo > l ||
		    (uint64_t)mc * IORT_MAP_LEN > l - mo)
			return bad(p, off + 12,
				   "ID mapping array past the end of the node");
	}
	switch (n[0]) {
	case IORT_NODE_RC:
		if (l < IORT_RC_LEN)
			return bad(p, off,
				   "root complex node shorter than 32 bytes");
		break;
	case IORT_NODE_NC: {
		/* The name ends before the ID mappings, if they follow it. */
		size_t end = mc && mo < l ? mo : l;

		if (end <= IORT_NC_NAME ||
		    !memchr(n + IORT_NC_NAME, 0, end - IORT_NC_NAME))
			return bad(p, off,
				   "named component name without its terminating NUL");
		break;
	}
	case IORT_NODE_RMR: {
		uint32_t rc, ro;

		if (l < IORT_RMR_LEN)
			return bad(p, off, "RMR node shorter than 28 bytes");
		rc = get32(n + 20);
		ro = get32(n + 24);
		if (rc && ro &&
		    (ro < IORT_NODE_LEN || ro > l ||
		     (uint64_t)rc * IORT_RMR_DESC > l - ro))
			return bad(p, off + 24,
				   "RMR memory range descriptors past the end of the node");
		break;
	}
	default:
		break;
	}
	*nl = l;
	return 0;
}

/*
 * The stream IDs [@s0, @s1] of SMMU node @smmu, seen from the root
 * complexes and named components that map onto them: each overlapping
 * (non-single) ID mapping, inverted.
 */
static int iort_invert(struct parse *p, size_t at, uint32_t smmu, uint64_t s0,
		       uint64_t s1)
{
	size_t i, j;
	int err;

	for (i = 0; i < p->nr_nodes; i++) {
		const uint8_t *n = p->t + p->nodes[i];
		uint32_t mc = get32(n + 8), mo = get32(n + 12);
		uint32_t seg = 0;

		if (n[0] != IORT_NODE_RC && n[0] != IORT_NODE_NC)
			continue;
		if (n[0] == IORT_NODE_RC) {
			seg = get32(n + 28);
			/* ioas's PCI segments are 16 bits, as in DMAR
			 * and IVRS; a wider one cannot match a device. */
			if (seg > UINT16_MAX)
				continue;
		}
		for (j = 0; j < mc; j++) {
			const uint8_t *m = n + mo + j * IORT_MAP_LEN;
			struct ioas_acpi_dev d = { 0 };
			uint64_t ib = get32(m), cnt = get32(m + 4);
			uint64_t ob = get32(m + 8), lo, hi, first, last;

			if (++p->pairs > MAX_PAIRS)
				return bad(p, at,
					   "too many ID mappings to resolve (more than 4M pairs)");
			/* A single mapping ignores its input range (it is
			 * the node's own ID): nothing to invert. */
			if (get32(m + 12) != smmu ||
			    (get32(m + 16) & IORT_ID_SINGLE))
				continue;
			lo = ob > s0 ? ob : s0;
			hi = ob + cnt < s1 ? ob + cnt : s1;
			if (lo > hi)
				continue;
			first = ib + (lo - ob);
			last = ib + (hi - ob);
			if (n[0] == IORT_NODE_RC) {
				/* Requester IDs are 16 bits. */
				if (first > 0xffff)
					continue;
				if (last > 0xffff)
					last = 0xffff;
				d.kind = IOAS_ACPI_DEV_PCI;
				d.segment = (uint16_t)seg;
			} else {
				if (first > UINT32_MAX)
					continue;
				if (last > UINT32_MAX)
					last = UINT32_MAX;
				d.kind = IOAS_ACPI_DEV_NAMED;
			}
			d.first = (uint32_t)first;
			d.last = (uint32_t)last;
			d.iommu = smmu;
			err = add_dev(p, at, &d, 0,
				      n[0] == IORT_NODE_NC ?
					      p->nodes[i] + IORT_NC_NAME : 0);
			if (err)
				return err;
		}
	}
	return 0;
}

static int iort_rmr(struct parse *p, size_t off)
{
	const uint8_t *n = p->t + off;
	uint32_t mc = get32(n + 8), mo = get32(n + 12);
	uint32_t flags = get32(n + 16), rc = get32(n + 20), ro = get32(n + 24);
	uint32_t attr = (flags >> 2) & 0xff;
	const char *none = NULL;
	size_t dev0 = p->nr_devs, i;
	int err;

	/* iort_node_get_rmr_info(): nothing to describe. */
	if (!rc || !ro)
		return 0;
	if (p->revision < 5)
		none = "IORT revision below 5 (E.d): Linux 6.12 ignores RMR nodes";
	else if (!mc)
		none = "RMR node without ID mappings: Linux skips it";

	/* The node's stream IDs, then who maps onto them (a mapping array
	 * with offset 0 was refused by iort_check_node()). */
	for (i = 0; i < mc; i++) {
		const uint8_t *m = n + mo + i * IORT_MAP_LEN;
		struct ioas_acpi_dev d = { 0 };
		uint32_t ref = get32(m + 12);
		uint64_t last = (uint64_t)get32(m + 8) + get32(m + 4);

		/* Linux compares the reference with its SMMU nodes only. */
		if (!iort_is_smmu(p, ref))
			continue;
		d.kind = IOAS_ACPI_DEV_STREAM;
		d.first = get32(m + 8);
		d.last = last > UINT32_MAX ? UINT32_MAX : (uint32_t)last;
		d.iommu = ref;
		err = add_dev(p, off + mo + i * IORT_MAP_LEN, &d, 0, 0);
		if (!err)
			err = iort_invert(p, off + mo + i * IORT_MAP_LEN, ref,
					  d.first, d.last);
		if (err)
			return err;
	}
	if (!none && p->nr_devs == dev0)
		none = "no ID mapping to an SMMU node: no device gets the region";

	for (i = 0; i < rc; i++) {
		const uint8_t *r = n + ro + i * IORT_RMR_DESC;
		struct ioas_acpi_resv e = { 0 };
		uint64_t base = get64(r), size = get64(r + 8), addr = base;

		e.origin = IOAS_ORIGIN_IORT_RMR;
		e.types = flags & IORT_RMR_REMAP_OK ?
				  1u << IOAS_REGION_DIRECT_RELAXABLE :
				  1u << IOAS_REGION_DIRECT;
		e.prot = IOAS_PROT_READ | IOAS_PROT_WRITE;
		if (flags & IORT_RMR_PRIV)
			e.prot |= IOAS_PROT_PRIV;
		if (attr <= 3)
			e.prot |= IOAS_PROT_MMIO;
		else if (attr == 5)
			e.prot |= IOAS_PROT_CACHE;
		e.table_flags = flags;
		e.offset = (uint32_t)off;
		e.table_start = base;
		e.table_last = base + size - 1;	/* modulo 2^64 */
		if (none) {
			e.flags |= IOAS_ACPI_RESV_NO_REGION;
			e.note = none;
		} else {
			/* iort_rmr_alloc(), for 4 KiB pages: wrapping as
			 * the kernel's arithmetic does. */
			if ((base & (SZ_64K - 1)) || (size & (SZ_64K - 1))) {
				addr = base & ~(PAGE_4K - 1);
				size = (size + (base & (PAGE_4K - 1)) +
					PAGE_4K - 1) & ~(PAGE_4K - 1);
				e.flags |= IOAS_ACPI_RESV_FW_BUG;
				if (addr != base || size != get64(r + 8))
					e.flags |= IOAS_ACPI_RESV_ADJUSTED;
				e.note = "not 64 KiB aligned: Linux warns and widens it to 4 KiB pages";
			}
			set_region(&e, addr, size);
		}
		/* Every descriptor shares the node's scope. */
		err = add_entry(p, &e, dev0);
		if (err)
			return err;
	}
	return 0;
}

/*
 * First look at the nodes: check each, count them, and remember their
 * offsets (@nodes non-NULL).
 */
static int iort_nodes(struct parse *p, uint32_t *nodes, size_t *nr)
{
	uint32_t count = get32(p->t + 36);
	size_t off = get32(p->t + 40), i, nl;
	int err;

	*nr = 0;
	if (!count)
		return 0;
	if (off < IORT_HDR_LEN)
		return bad(p, 40, "node offset inside the table header");
	if (off > p->len)
		return bad(p, 40, "node offset past the end of the table");
	for (i = 0; i < count; i++) {
		err = iort_check_node(p, off, &nl);
		if (err)
			return err;
		if (nodes)
			nodes[i] = (uint32_t)off;
		off += nl;
	}
	*nr = count;
	return 0;
}

/* Every ID mapping must lead to a node. */
static int iort_check_refs(struct parse *p)
{
	size_t i, j;

	for (i = 0; i < p->nr_nodes; i++) {
		const uint8_t *n = p->t + p->nodes[i];
		uint32_t mc = get32(n + 8), mo = get32(n + 12);

		for (j = 0; j < mc; j++) {
			size_t at = p->nodes[i] + mo + j * IORT_MAP_LEN;

			if (iort_node_at(p, get32(p->t + at + 12)) < 0)
				return bad(p, at,
					   "ID mapping output reference is not a node");
		}
	}
	return 0;
}

static int parse_iort(struct parse *p)
{
	size_t i;
	int err;

	for (i = 0; i < p->nr_nodes; i++) {
		if (p->t[p->nodes[i]] != IORT_NODE_RMR)
			continue;
		err = iort_rmr(p, p->nodes[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Entry points */

static int walk(struct parse *p)
{
	p->nr = 0;
	p->nr_devs = 0;
	p->pairs = 0;
	switch (p->table) {
	case IOAS_ACPI_DMAR:
		return parse_dmar(p);
	case IOAS_ACPI_IVRS:
		return parse_ivrs(p);
	default:
		return parse_iort(p);
	}
}

IOAS_EXPORT void ioas_acpi_resv_list_init(struct ioas_acpi_resv_list *l)
{
	memset(l, 0, sizeof(*l));
}

IOAS_EXPORT void ioas_acpi_resv_list_fini(struct ioas_acpi_resv_list *l)
{
	if (!l)
		return;
	ioas_free_(l->v);
	memset(l, 0, sizeof(*l));
}

IOAS_EXPORT const char *ioas_acpi_table_name(uint32_t table)
{
	switch (table) {
	case IOAS_ACPI_DMAR:
		return "DMAR";
	case IOAS_ACPI_IVRS:
		return "IVRS";
	case IOAS_ACPI_IORT:
		return "IORT";
	default:
		return "none";
	}
}

IOAS_EXPORT int ioas_acpi_parse(const void *table, size_t len,
				struct ioas_acpi_resv_list *out,
				struct ioas_diag *diag)
{
	struct parse p = { .t = table, .diag = diag };
	size_t hl, i, size, devs_at, copy_at;
	uint8_t sum = 0;
	bool bad_sum;
	char *block;
	int err;

	if (diag) {
		diag->offset = 0;
		diag->line = 0;
		diag->reason = NULL;
	}
	if (!table || !out)
		return -EINVAL;
	if (len < ACPI_HDR_LEN)
		return bad(&p, len, "shorter than the 36-byte ACPI table header");
	if (!memcmp(p.t, "DMAR", 4))
		p.table = IOAS_ACPI_DMAR;
	else if (!memcmp(p.t, "IVRS", 4))
		p.table = IOAS_ACPI_IVRS;
	else if (!memcmp(p.t, "IORT", 4))
		p.table = IOAS_ACPI_IORT;
	else
		return bad(&p, 0, "not a DMAR, IVRS or IORT table");
	hl = get32(p.t + 4);
	if (hl < ACPI_HDR_LEN)
		return bad(&p, 4, "table length below its 36-byte header");
	if (hl > len)
		return bad(&p, 4, "table length larger than the data");
	p.len = hl;
	p.revision = p.t[8];
	for (i = 0; i < hl; i++)
		sum = (uint8_t)(sum + p.t[i]);
	bad_sum = sum != 0;
	/* check_ivrs_checksum(): the AMD-Vi driver gives up on the table
	 * (and on the IOMMU); ACPICA only warns for the others. */
	if (bad_sum && p.table == IOAS_ACPI_IVRS)
		return bad(&p, 9,
			   "bad checksum: Linux's AMD-Vi driver refuses the table");

	if (p.table == IOAS_ACPI_IORT) {
		if (p.len < IORT_HDR_LEN)
			return bad(&p, p.len,
				   "IORT shorter than its 48-byte header");
		err = iort_nodes(&p, NULL, &p.nr_nodes);
		if (err)
			return err;
		if (p.nr_nodes) {
			p.nodes = ioas_calloc_(p.nr_nodes, sizeof(*p.nodes));
			if (!p.nodes)
				return -ENOMEM;
			err = iort_nodes(&p, p.nodes, &p.nr_nodes);
			if (!err)
				err = iort_check_refs(&p);
			if (err)
				goto out;
		}
	}

	err = walk(&p);
	if (err)
		goto out;

	/* One block: entries, then scopes, then the table copy. */
	devs_at = p.nr * sizeof(struct ioas_acpi_resv);
	copy_at = devs_at + p.nr_devs * sizeof(struct ioas_acpi_dev);
	size = copy_at + p.len;
	block = ioas_malloc_(size);
	if (!block) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(block + copy_at, p.t, p.len);
	p.fill = true;
	p.cap = p.nr;
	p.cap_devs = p.nr_devs;
	p.v = (struct ioas_acpi_resv *)(void *)block;
	p.devs = (struct ioas_acpi_dev *)(void *)(block + devs_at);
	p.copy = (const uint8_t *)block + copy_at;
	err = walk(&p);
	if (err) {
		ioas_free_(block);
		goto out;
	}

	ioas_acpi_resv_list_fini(out);
	out->v = p.v;
	out->nr = p.nr;
	out->table = p.table;
	out->flags = bad_sum ? IOAS_ACPI_BAD_CHECKSUM : 0;
	out->revision = p.revision;
	if (bad_sum && diag) {
		diag->offset = 9;
		diag->reason = "bad checksum: Linux warns and uses the table anyway";
	}
	err = (int)p.nr;
out:
	ioas_free_(p.nodes);
	return err;
}
