// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reserved regions: the type and origin name tables, Linux's group merge
 * (iommu_insert_resv_region() in drivers/iommu/iommu.c) and the sysfs
 * reserved_regions text format (iommu_group_show_resv_regions()).
 *
 * Data model: a struct ioas_region_list is a plain owned array. Lists built
 * with ioas_region_list_insert() are in the kernel's merged order: start
 * ascending, ties by type ascending, and no two regions of the same type
 * overlap or touch, while regions of different types overlap freely. Lists
 * read from sysfs are in file order, which is the same thing when the file
 * came from a kernel. Every range is [start, last] with an inclusive last;
 * nothing here stores a length, so [0, UINT64_MAX] is representable (the
 * kernel's start + length form cannot hold it).
 *
 * Hazards: the kernel's "touch" test is K.last + 1, which wraps to 0 when
 * K ends at UINT64_MAX; we saturate instead (see region_merge_type_()).
 * The sysfs parser takes hostile input: every byte is checked, nothing is
 * read past @len, and a malformed line is reported by line number, byte
 * offset and a static reason.
 *
 * Error discipline: every function that can fail builds its result aside,
 * or reserves all the memory it needs before it touches its output, so
 * that a failure (-EINVAL, -EBADMSG, -ENOMEM) leaves the output as it was.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <ioas/range.h>
#include <ioas/region.h>

#include "ioas_private.h"
#include "overflow.h"

static const char *const type_names[IOAS_REGION_NR_TYPES] = {
	[IOAS_REGION_DIRECT] = "direct",
	[IOAS_REGION_DIRECT_RELAXABLE] = "direct-relaxable",
	[IOAS_REGION_RESERVED] = "reserved",
	[IOAS_REGION_MSI] = "msi",
	[IOAS_REGION_SW_MSI] = "sw-msi",
};

/* iommu_group_resv_type_string[]: both MSI kinds print as "msi". */
static const char *const type_sysfs_names[IOAS_REGION_NR_TYPES] = {
	[IOAS_REGION_DIRECT] = "direct",
	[IOAS_REGION_DIRECT_RELAXABLE] = "direct-relaxable",
	[IOAS_REGION_RESERVED] = "reserved",
	[IOAS_REGION_MSI] = "msi",
	[IOAS_REGION_SW_MSI] = "msi",
};

static const struct {
	const char *name;
	const char *text;
} origins[IOAS_REGION_NR_ORIGINS] = {
	[IOAS_ORIGIN_UNKNOWN] = {
		"unknown", "origin not known" },
	[IOAS_ORIGIN_USER] = {
		"user", "given by the user" },
	[IOAS_ORIGIN_SMMU_SW_MSI] = {
		"smmu-sw-msi", "ARM SMMU software MSI window" },
	[IOAS_ORIGIN_VIRTIO_SW_MSI] = {
		"virtio-sw-msi", "virtio-iommu default software MSI window" },
	[IOAS_ORIGIN_X86_MSI] = {
		"x86-msi", "x86 interrupt address range (IOAPIC/MSI)" },
	[IOAS_ORIGIN_RMRR] = {
		"rmrr", "Intel VT-d RMRR (ACPI DMAR)" },
	[IOAS_ORIGIN_ISA_FLOPPY] = {
		"isa-floppy", "Intel VT-d floppy workaround for an ISA bridge" },
	[IOAS_ORIGIN_IVMD] = {
		"ivmd", "AMD-Vi IVMD unity map or exclusion range (ACPI IVRS)" },
	[IOAS_ORIGIN_AMD_HT] = {
		"amd-ht", "AMD HyperTransport hole" },
	[IOAS_ORIGIN_IORT_RMR] = {
		"iort-rmr", "ACPI IORT reserved memory range (RMR)" },
	[IOAS_ORIGIN_ITS_MSI] = {
		"its-msi", "GIC ITS doorbell page (HiSilicon IORT quirk)" },
	[IOAS_ORIGIN_DT_RESV] = {
		"dt-resv", "device tree reserved-memory iommu-addresses" },
	[IOAS_ORIGIN_VIRTIO_PROBE] = {
		"virtio-probe", "virtio-iommu PROBE reserved memory" },
	[IOAS_ORIGIN_PCI_WINDOW] = {
		"pci-window", "PCI host-bridge window" },
};

IOAS_EXPORT const char *ioas_region_type_name(uint32_t type)
{
	if (type >= IOAS_REGION_NR_TYPES)
		return "unknown";
	return type_names[type];
}

IOAS_EXPORT const char *ioas_region_type_sysfs_name(uint32_t type)
{
	if (type >= IOAS_REGION_NR_TYPES)
		return "unknown";
	return type_sysfs_names[type];
}

static bool name_eq_(const char *name, const char *s, size_t len)
{
	/* Check the length first: memcmp() must not see a NULL @s. */
	return strlen(name) == len && memcmp(name, s, len) == 0;
}

IOAS_EXPORT int ioas_region_type_parse_n(const char *s, size_t len,
					 uint32_t *type)
{
	uint32_t t;

	for (t = 0; t < IOAS_REGION_NR_TYPES; t++) {
		if (name_eq_(type_names[t], s, len)) {
			*type = t;
			return 0;
		}
	}
	return -EINVAL;
}

IOAS_EXPORT const char *ioas_region_origin_name(uint32_t origin)
{
	if (origin >= IOAS_REGION_NR_ORIGINS)
		return origins[IOAS_ORIGIN_UNKNOWN].name;
	return origins[origin].name;
}

IOAS_EXPORT const char *ioas_region_origin_describe(uint32_t origin)
{
	if (origin >= IOAS_REGION_NR_ORIGINS)
		return origins[IOAS_ORIGIN_UNKNOWN].text;
	return origins[origin].text;
}

IOAS_EXPORT int ioas_region_origin_parse_n(const char *s, size_t len,
					   uint32_t *origin)
{
	uint32_t o;

	for (o = 0; o < IOAS_REGION_NR_ORIGINS; o++) {
		if (name_eq_(origins[o].name, s, len)) {
			*origin = o;
			return 0;
		}
	}
	return -EINVAL;
}

IOAS_EXPORT void ioas_region_list_init(struct ioas_region_list *l)
{
	l->v = NULL;
	l->nr = 0;
	l->cap = 0;
}

IOAS_EXPORT void ioas_region_list_fini(struct ioas_region_list *l)
{
	if (!l)
		return;
	ioas_free_(l->v);
	ioas_region_list_init(l);
}

/*
 * Make room for @need regions in @l. On failure @l is untouched; on success
 * only the capacity changes, so callers may reserve first and then do the
 * part that cannot fail.
 */
static int region_reserve_(struct ioas_region_list *l, size_t need)
{
	struct ioas_region *v;
	size_t cap;

	if (need <= l->cap)
		return 0;
	cap = l->cap < 4 ? 4 : l->cap;
	while (cap < need) {
		if (check_mul_overflow(cap, (size_t)2, &cap))
			return -ENOMEM;
	}
	v = ioas_realloc_(l->v, cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

IOAS_EXPORT int ioas_region_list_copy(struct ioas_region_list *dst,
				      const struct ioas_region_list *src)
{
	struct ioas_region *v;

	if (dst == src)
		return 0;
	if (src->nr <= dst->cap) {
		/* Reusing dst's storage cannot fail. */
		if (src->nr)
			memcpy(dst->v, src->v, src->nr * sizeof(*v));
		dst->nr = src->nr;
		return 0;
	}
	v = ioas_realloc_(NULL, src->nr, sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, src->v, src->nr * sizeof(*v));
	ioas_free_(dst->v);
	dst->v = v;
	dst->nr = src->nr;
	dst->cap = src->nr;
	return 0;
}

static int region_check_(const struct ioas_region *r)
{
	if (r->range.start > r->range.last)
		return -EINVAL;
	if (r->type >= IOAS_REGION_NR_TYPES)
		return -EINVAL;
	return 0;
}

/*
 * The merge pass of iommu_insert_resv_region(), for elements of @type
 * only. The kernel moves every element onto a side list in order and drops
 * those it folds into the last kept element of the same type; compacting
 * the array in place is the same walk.
 *
 * The kernel keeps X apart from K only if X.start > K.last + 1. When K
 * ends at UINT64_MAX that sum wraps to 0, so the kernel would keep an
 * overlapping X apart; saturating K.last + 1 at UINT64_MAX merges it, as
 * the same-type invariant requires.
 */
static void region_merge_type_(struct ioas_region_list *l, uint32_t type)
{
	struct ioas_region *v = l->v;
	size_t i, w = 0, k = SIZE_MAX;

	for (i = 0; i < l->nr; i++) {
		if (v[i].type == type) {
			if (k != SIZE_MAX &&
			    v[i].range.start <= sat_next_u64(v[k].range.last)) {
				if (v[i].range.last > v[k].range.last)
					v[k].range.last = v[i].range.last;
				continue;
			}
			k = w;
		}
		v[w++] = v[i];
	}
	l->nr = w;
}

/* Insertion once the caller has reserved room for one more region. */
static void region_insert_reserved_(struct ioas_region_list *l,
				    const struct ioas_region *r)
{
	size_t pos;

	for (pos = 0; pos < l->nr; pos++) {
		const struct ioas_region *e = &l->v[pos];

		if (r->range.start < e->range.start ||
		    (r->range.start == e->range.start && r->type <= e->type))
			break;
	}
	memmove(&l->v[pos + 1], &l->v[pos], (l->nr - pos) * sizeof(*r));
	l->v[pos] = *r;
	l->nr++;
	region_merge_type_(l, r->type);
}

IOAS_EXPORT int ioas_region_list_insert(struct ioas_region_list *l,
					const struct ioas_region *r)
{
	int ret;

	ret = region_check_(r);
	if (ret)
		return ret;
	/* nr < cap after this, and l->nr + 1 cannot wrap: the array exists. */
	ret = region_reserve_(l, l->nr + 1);
	if (ret)
		return ret;
	region_insert_reserved_(l, r);
	return 0;
}

IOAS_EXPORT int ioas_region_list_merge(struct ioas_region_list *dst,
				       const struct ioas_region_list *src)
{
	const struct ioas_region *v = src->v;
	struct ioas_region *tmp = NULL;
	size_t i, n = src->nr, need;
	int ret;

	for (i = 0; i < n; i++) {
		ret = region_check_(&v[i]);
		if (ret)
			return ret;
	}
	if (!n)
		return 0;
	/*
	 * Merging a list into itself would read regions that the inserts are
	 * moving; insert from a snapshot instead.
	 */
	if (dst == src) {
		tmp = ioas_realloc_(NULL, n, sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		memcpy(tmp, v, n * sizeof(*tmp));
		v = tmp;
	}
	/* Reserve the worst case up front; the inserts then cannot fail. */
	if (check_add_overflow(dst->nr, n, &need)) {
		ret = -ENOMEM;
		goto out;
	}
	ret = region_reserve_(dst, need);
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		region_insert_reserved_(dst, &v[i]);
out:
	ioas_free_(tmp);
	return ret;
}

IOAS_EXPORT int ioas_region_list_ranges(const struct ioas_region_list *l,
					struct ioas_range_list *out)
{
	struct ioas_range_list tmp = IOAS_RANGE_LIST_INIT;
	size_t i;
	int ret;

	for (i = 0; i < l->nr; i++) {
		/*
		 * VFIO type1 and iommufd both ignore direct-relaxable regions:
		 * that type exists so that USB/GPU RMRRs do not stop
		 * assignment.
		 */
		if (l->v[i].type == IOAS_REGION_DIRECT_RELAXABLE)
			continue;
		ret = ioas_range_list_add(&tmp, &l->v[i].range);
		if (ret) {
			ioas_range_list_fini(&tmp);
			return ret;
		}
	}
	ioas_range_list_fini(out);
	*out = tmp;
	return 0;
}

/* sysfs reserved_regions text ------------------------------------------- */

/* "0x" + 16 digits + " " + "0x" + 16 digits + " " + type + "\n" */
#define SYSFS_LINE_FIXED 39
#define SYSFS_MAX_DIGITS 16

static int parse_fail_(struct ioas_diag *diag, unsigned int line, size_t off,
		       const char *reason)
{
	if (diag) {
		diag->line = line;
		diag->offset = off;
		diag->reason = reason;
	}
	return -EBADMSG;
}

static int hexval_(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse "0x<1..16 hex digits>" at buf[*pos] followed by a single space.
 * Returns NULL and advances *pos past the space, or returns the reason and
 * sets *pos to the offending byte. Nothing at or beyond @eol is read.
 */
static const char *parse_hex_field_(const char *buf, size_t *pos, size_t eol,
				    uint64_t *val, const char *not_hex,
				    const char *too_long)
{
	size_t p = *pos, digits = 0;
	uint64_t v = 0;
	int d;

	if (p == eol)
		return "missing field";
	if (eol - p < 2 || buf[p] != '0' || buf[p + 1] != 'x') {
		/* Point at the first byte that is not "0x". */
		if (p < eol && buf[p] == '0')
			p++;
		*pos = p;
		return not_hex;
	}
	p += 2;
	while (p < eol && (d = hexval_(buf[p])) >= 0) {
		if (++digits > SYSFS_MAX_DIGITS) {
			*pos = p;
			return too_long;
		}
		/* At most 16 digits: the shift never loses a bit. */
		v = v << 4 | (uint64_t)d;
		p++;
	}
	if (!digits) {
		*pos = p;
		return p == eol ? "missing field" : not_hex;
	}
	if (p == eol) {
		*pos = p;
		return "missing field";
	}
	if (buf[p] != ' ') {
		*pos = p;
		return not_hex;
	}
	*val = v;
	*pos = p + 1;
	return NULL;
}

/*
 * One line is buf[sol, eol), without its '\n'. Errors are reported left to
 * right, except that a NUL anywhere in the line is reported first: a NUL
 * says the file is not text at all, which is the more useful diagnosis.
 */
static int parse_line_(const char *buf, size_t sol, size_t eol,
		       unsigned int line, struct ioas_region *r,
		       struct ioas_diag *diag)
{
	const char *nul, *reason, *sp;
	size_t p = sol, last_off, tend;
	uint64_t start = 0, last = 0;
	uint32_t type;

	nul = memchr(buf + sol, '\0', eol - sol);
	if (nul)
		return parse_fail_(diag, line, (size_t)(nul - buf),
				   "NUL byte");
	if (sol == eol)
		return parse_fail_(diag, line, sol, "blank line");
	/* sysfs never emits CR; name it rather than calling it a bad type. */
	if (buf[eol - 1] == '\r')
		return parse_fail_(diag, line, eol - 1, "CRLF line ending");

	reason = parse_hex_field_(buf, &p, eol, &start,
				  "start is not a hex number",
				  "start has more than 16 hex digits");
	if (reason)
		return parse_fail_(diag, line, p, reason);
	last_off = p;
	reason = parse_hex_field_(buf, &p, eol, &last,
				  "last is not a hex number",
				  "last has more than 16 hex digits");
	if (reason)
		return parse_fail_(diag, line, p, reason);
	if (start > last)
		return parse_fail_(diag, line, last_off, "start > last");

	sp = memchr(buf + p, ' ', eol - p);
	tend = sp ? (size_t)(sp - buf) : eol;
	if (tend == p)
		return parse_fail_(diag, line, p, "missing field");
	/* The kernel writes "msi" for both kinds; take it as hardware MSI. */
	if (ioas_region_type_parse_n(buf + p, tend - p, &type))
		return parse_fail_(diag, line, p, "unknown region type");
	if (tend != eol)
		return parse_fail_(diag, line, tend, "trailing characters");

	r->range.start = start;
	r->range.last = last;
	r->type = type;
	r->prot = 0;
	r->origin = IOAS_ORIGIN_UNKNOWN;
	return 0;
}

IOAS_EXPORT int ioas_region_sysfs_parse(const char *buf, size_t len,
					struct ioas_region_list *out,
					struct ioas_diag *diag)
{
	struct ioas_region_list tmp = IOAS_REGION_LIST_INIT;
	struct ioas_region r;
	unsigned int line = 0;
	size_t sol = 0, eol;
	const char *nl;
	int ret;

	while (sol < len) {
		nl = memchr(buf + sol, '\n', len - sol);
		eol = nl ? (size_t)(nl - buf) : len;
		/*
		 * The count is returned as an int. No real file comes close
		 * (that would be ~50 GiB of text), but hostile input is not
		 * real.
		 */
		if (tmp.nr >= INT_MAX) {
			ret = parse_fail_(diag, line + 1, sol,
					  "too many regions");
			goto err;
		}
		line++;
		ret = parse_line_(buf, sol, eol, line, &r, diag);
		if (ret)
			goto err;
		ret = region_reserve_(&tmp, tmp.nr + 1);
		if (ret)
			goto err;
		tmp.v[tmp.nr++] = r;
		/* eol == len only on the last line; eol + 1 cannot wrap. */
		sol = eol + 1;
	}
	ioas_region_list_fini(out);
	*out = tmp;
	return (int)out->nr;
err:
	ioas_region_list_fini(&tmp);
	return ret;
}

static char *put_hex64_(char *p, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	*p++ = '0';
	*p++ = 'x';
	for (i = SYSFS_MAX_DIGITS - 1; i >= 0; i--)
		*p++ = digits[(v >> (4 * i)) & 0xf];
	return p;
}

IOAS_EXPORT long ioas_region_sysfs_print(const struct ioas_region_list *l,
					 char *buf, size_t size,
					 size_t *needed)
{
	size_t i, total = 0, n;
	const char *name;
	char *p;

	for (i = 0; i < l->nr; i++) {
		if (l->v[i].type >= IOAS_REGION_NR_TYPES)
			return -EINVAL;
		n = SYSFS_LINE_FIXED + strlen(type_sysfs_names[l->v[i].type]);
		/*
		 * Cannot overflow for a list that fits in memory (a line is
		 * < 2 regions' worth of bytes), but saturate to stay honest:
		 * no buffer holds SIZE_MAX bytes, so the caller gets
		 * -EMSGSIZE below.
		 */
		if (check_add_overflow(total, n, &total))
			total = SIZE_MAX;
	}
	if (needed)
		*needed = total;
	if (total > size || total > LONG_MAX)
		return -EMSGSIZE;

	p = buf;
	for (i = 0; i < l->nr; i++) {
		name = type_sysfs_names[l->v[i].type];
		p = put_hex64_(p, l->v[i].range.start);
		*p++ = ' ';
		p = put_hex64_(p, l->v[i].range.last);
		*p++ = ' ';
		n = strlen(name);
		memcpy(p, name, n);
		p += n;
		*p++ = '\n';
	}
	return (long)total;
}
