// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Guest memory layouts (layout.h): QEMU's q35 and arm virt RAM placement,
 * and the --layout file parser.
 *
 * Vocabulary: ranges are [start, last], inclusive; "size" is a byte count
 * and is never stored next to a range. Every addition of an address and a
 * size goes through add_ovf() (__builtin_add_overflow), because a layout
 * file may put a range at the top of the 64-bit space, and the largest RAM
 * sizes make the q35 window sums wrap.
 *
 * Nothing here allocates or keeps state: the parser builds the result in a
 * local struct layout and copies it out only on success.
 */
#include <errno.h>
#include <string.h>

#include "layout.h"
#include "parse.h"

static bool add_ovf(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_add_overflow(a, b, out);
}

/* Round @v up to a multiple of @align (a power of two); false on wrap. */
static bool round_up(uint64_t v, uint64_t align, uint64_t *out)
{
	if (add_ovf(v, align - 1, out))
		return false;
	*out &= ~(align - 1);
	return true;
}

static unsigned int bits_for(uint64_t v)
{
	return v ? 64 - (unsigned int)__builtin_clzll(v) : 0;
}

/* ---------------------------------------------------------------------- */
/* Machine models */

const char *layout_machine_name(uint32_t machine)
{
	switch (machine) {
	case LAYOUT_MACHINE_Q35:
		return "q35";
	case LAYOUT_MACHINE_VIRT:
		return "virt";
	default:
		return "none";
	}
}

const char *layout_vendor_name(uint32_t vendor)
{
	return vendor == LAYOUT_VENDOR_AMD ? "amd" : "intel";
}

const char *layout_kind_name(uint32_t kind)
{
	return kind == LAYOUT_MMIO ? "mmio" : "ram";
}

int layout_machine_parse(const char *s, uint32_t *machine)
{
	if (!strcmp(s, "q35"))
		*machine = LAYOUT_MACHINE_Q35;
	else if (!strcmp(s, "virt"))
		*machine = LAYOUT_MACHINE_VIRT;
	else
		return -EINVAL;
	return 0;
}

int layout_vendor_parse(const char *s, uint32_t *vendor)
{
	if (!strcmp(s, "intel"))
		*vendor = LAYOUT_VENDOR_INTEL;
	else if (!strcmp(s, "amd"))
		*vendor = LAYOUT_VENDOR_AMD;
	else
		return -EINVAL;
	return 0;
}

/*
 * pc_pci_hole64_start() for a machine without maxmem, SGX EPC or CXL:
 * ROUND_UP(above_4g_mem_start + above_4g_mem_size, 1 GiB). pc_above_4g_end()
 * is used even when there is no RAM above 4 GiB, so the window then starts
 * at 4 GiB.
 */
static bool hole64(uint64_t above_start, uint64_t above, uint64_t *start,
		   uint64_t *max_used)
{
	uint64_t end;

	if (add_ovf(above_start, above, &end) ||
	    !round_up(end, LAYOUT_GIB, start))
		return false;
	/* pc_max_used_gpa(): hole64 start + pci_hole64_size - 1. */
	return !add_ovf(*start, Q35_PCI_HOST_HOLE64_SIZE_DEFAULT - 1, max_used);
}

/*
 * QEMU's q35 placement, step by step as QEMU 7.1 to 8.x does it:
 *
 * pc_q35_init(): "if (machine->ram_size >= 0xb0000000) lowmem =
 * 0x80000000; else lowmem = 0xb0000000;" then min(lowmem,
 * max-ram-below-4g), whose default (4 GiB) never lowers it; RAM up to
 * lowmem goes below 4 GiB, the rest above. So a guest of less than
 * 2.75 GiB lives entirely below 4 GiB, a larger one has exactly 2 GiB
 * there.
 *
 * pc_memory_init(): with an AMD vCPU (IS_AMD_CPU()) and enforce_amd_1tb_hole
 * (machine types 7.1 and later), if pc_max_used_gpa() >= AMD_HT_START, then
 * above_4g_mem_start = AMD_ABOVE_1TB_START. pc_max_used_gpa() is computed
 * while above_4g_mem_start is still 4 GiB: the end of the 64-bit PCI window
 * that would follow RAM. (The relocation was proposed upstream as
 * x86_update_above_4g_mem_start(); it went in inline in pc_memory_init().)
 * Then QEMU exits unless the vCPU's phys-bits reach the final
 * pc_max_used_gpa().
 */
int layout_q35(uint64_t ram, uint32_t vendor, struct layout_q35 *out)
{
	struct layout_q35 q = { .ram = ram };
	uint64_t lowmem, start, used;

	if (!ram || vendor > LAYOUT_VENDOR_AMD)
		return -EINVAL;
	lowmem = ram >= Q35_LOWMEM_SPLIT ? Q35_LOWMEM_LARGE : Q35_LOWMEM_SPLIT;
	if (ram >= lowmem) {
		q.below = lowmem;
		q.above = ram - lowmem;
	} else {
		q.below = ram;
		q.above = 0;
	}
	q.above_start = X86_ABOVE_4G_MEM_START;
	if (!hole64(q.above_start, q.above, &start, &used))
		return -EOVERFLOW;
	if (vendor == LAYOUT_VENDOR_AMD && used >= AMD_HT_START) {
		q.above_start = AMD_ABOVE_1TB_START;
		q.relocated = true;
		if (!hole64(q.above_start, q.above, &start, &used))
			return -EOVERFLOW;
	}
	q.hole64_start = start;
	q.hole64_size = Q35_PCI_HOST_HOLE64_SIZE_DEFAULT;
	q.max_used_gpa = used;
	q.phys_bits = bits_for(used);
	*out = q;
	return 0;
}

static void set_range(struct layout_range *r, const char *name, uint32_t kind,
		      uint64_t start, uint64_t last)
{
	memset(r, 0, sizeof(*r));
	strncpy(r->name, name, LAYOUT_NAME_MAX);
	r->kind = kind;
	r->r.start = start;
	r->r.last = last;
}

int layout_machine(uint32_t machine, uint64_t ram, uint32_t vendor,
		   uint32_t flags, struct layout *out)
{
	struct layout_q35 q;
	uint64_t last;
	size_t n = 0;
	int err;

	if (!ram || (flags & ~LAYOUT_PCI64) || vendor > LAYOUT_VENDOR_AMD)
		return -EINVAL;
	switch (machine) {
	case LAYOUT_MACHINE_Q35:
		err = layout_q35(ram, vendor, &q);
		if (err)
			return err;
		set_range(&out->v[n++], "ram-below-4g", LAYOUT_RAM, 0,
			  q.below - 1);
		if (q.above)
			set_range(&out->v[n++], "ram-above-4g", LAYOUT_RAM,
				  q.above_start, q.above_start + q.above - 1);
		if (flags & LAYOUT_PCI64)
			set_range(&out->v[n++], "pci64", LAYOUT_MMIO,
				  q.hole64_start, q.max_used_gpa);
		break;
	case LAYOUT_MACHINE_VIRT:
		/* hw/arm/virt.c: one RAM region at memmap[VIRT_MEM].base. */
		if (flags)
			return -EINVAL;
		if (add_ovf(VIRT_MEM_BASE, ram - 1, &last))
			return -EOVERFLOW;
		set_range(&out->v[n++], "ram", LAYOUT_RAM, VIRT_MEM_BASE, last);
		break;
	default:
		return -EINVAL;
	}
	out->nr = n;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Searching */

/* Largest k in [lo, hi] with fits(k MiB), given that fits(lo MiB). */
static uint64_t bisect(uint32_t machine, uint32_t vendor, uint32_t flags,
		       uint64_t lo, uint64_t hi,
		       bool (*fits)(const struct layout *l, void *ctx),
		       void *ctx)
{
	struct layout l;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;

		if (!layout_machine(machine, mid * LAYOUT_MIB, vendor, flags,
				    &l) && fits(&l, ctx))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* The first size (in MiB) at which QEMU relocates, or 0 if none <= @hi. */
static uint64_t first_relocated(uint64_t lo, uint64_t hi)
{
	struct layout_q35 q;
	uint64_t found = 0;

	/* relocated is monotonic: pc_max_used_gpa() grows with RAM. */
	while (lo <= hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (layout_q35(mid * LAYOUT_MIB, LAYOUT_VENDOR_AMD, &q)) {
			hi = mid - 1;	/* overflow: beyond any real size */
			continue;
		}
		if (q.relocated) {
			found = mid;
			if (mid == lo)
				break;
			hi = mid - 1;
		} else {
			lo = mid + 1;
		}
	}
	return found;
}

int layout_max_ram(uint32_t machine, uint32_t vendor, uint32_t flags,
		   uint64_t limit,
		   bool (*fits)(const struct layout *l, void *ctx), void *ctx,
		   uint64_t *out)
{
	uint64_t cut[4], best = 0, top = limit / LAYOUT_MIB;
	size_t nr = 0, i;

	if (machine != LAYOUT_MACHINE_Q35 && machine != LAYOUT_MACHINE_VIRT)
		return -EINVAL;
	*out = 0;
	if (!top)
		return 0;
	/* Stretches [cut[i], cut[i + 1] - 1] (MiB) with one placement rule. */
	cut[nr++] = 1;
	if (machine == LAYOUT_MACHINE_Q35) {
		uint64_t split = Q35_LOWMEM_SPLIT / LAYOUT_MIB;

		if (split <= top)
			cut[nr++] = split;
		if (vendor == LAYOUT_VENDOR_AMD) {
			uint64_t r = first_relocated(1, top);

			if (r > cut[nr - 1])
				cut[nr++] = r;
		}
	}
	for (i = 0; i < nr; i++) {
		uint64_t lo = cut[i], hi = i + 1 < nr ? cut[i + 1] - 1 : top;
		struct layout l;

		if (layout_machine(machine, lo * LAYOUT_MIB, vendor, flags,
				   &l) || !fits(&l, ctx))
			continue;
		lo = bisect(machine, vendor, flags, lo, hi, fits, ctx);
		if (lo > best)
			best = lo;
	}
	*out = best * LAYOUT_MIB;
	return 0;
}

uint64_t layout_base_align(uint64_t size)
{
	uint64_t a = LAYOUT_GIB;

	while (a > LAYOUT_ALIGN && a > size)
		a >>= 1;
	return a;
}

int layout_find_base(const struct ioas_range_list *usable, uint64_t size,
		     uint64_t align, const struct layout *avoid, size_t skip,
		     uint64_t *base)
{
	size_t i, j;

	if (!size || !align || (align & (align - 1)))
		return -EINVAL;
	for (i = 0; i < usable->nr; i++) {
		const struct ioas_range *u = &usable->v[i];
		uint64_t b, last;
		bool moved;

		if (!round_up(u->start, align, &b))
			continue;
		/* Each pass either fits, leaves @u, or moves @b past one
		 * avoided range, so this ends after at most nr + 1 passes. */
		do {
			moved = false;
			if (add_ovf(b, size - 1, &last) || last > u->last)
				break;
			for (j = 0; avoid && j < avoid->nr; j++) {
				const struct ioas_range *a = &avoid->v[j].r;

				if (j == skip || a->last < b || a->start > last)
					continue;
				if (a->last == UINT64_MAX ||
				    !round_up(a->last + 1, align, &b))
					goto next;
				moved = true;
				break;
			}
			if (!moved) {
				*base = b;
				return 0;
			}
		} while (b <= u->last);
next:
		;
	}
	return -ENOSPC;
}

/* ---------------------------------------------------------------------- */
/* The --layout file */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* "<start>-<last>" or "<start>+<size>"; the reason for a bad one. */
static const char *parse_one_range(const char *s, size_t len,
				   struct ioas_range *r)
{
	uint64_t a, b;
	size_t i;
	int err;

	/* The separator is the first '-' or '+' after the first character,
	 * as parse_range() has it; repeated here to name each mistake. */
	for (i = 1; i < len; i++)
		if (s[i] == '-' || s[i] == '+')
			break;
	if (i >= len)
		return "not a range: write <start>-<last> or <start>+<size>";
	err = parse_u64_n(s, i, &a);
	if (err == -EOVERFLOW)
		return "start does not fit in 64 bits";
	if (err)
		return "start is not a number (decimal or 0x hex, optional K M G T P E)";
	err = parse_u64_n(s + i + 1, len - i - 1, &b);
	if (err == -EOVERFLOW)
		return s[i] == '+' ? "size does not fit in 64 bits" :
				     "last does not fit in 64 bits";
	if (err)
		return s[i] == '+' ?
			"size is not a number (decimal or 0x hex, optional K M G T P E)" :
			"last is not a number (decimal or 0x hex, optional K M G T P E)";
	if (s[i] == '+') {
		if (!b)
			return "size is 0";
		if (add_ovf(a, b - 1, &b))
			return "start + size runs past 2^64";
	} else if (a > b) {
		return "start is above last";
	}
	if ((a & (LAYOUT_ALIGN - 1)) || ((b + 1) & (LAYOUT_ALIGN - 1)))
		return "not 4 KiB aligned (VFIO and iommufd map whole pages)";
	r->start = a;
	r->last = b;
	return NULL;
}

static int parse_fail(struct layout_diag *diag, unsigned int line,
		      unsigned int other, const char *reason)
{
	if (diag) {
		diag->line = line;
		diag->other = other;
		diag->reason = reason;
	}
	return -EBADMSG;
}

static bool name_prefix(const char *name, const char *p)
{
	return !strncmp(name, p, strlen(p));
}

int layout_parse(const char *buf, size_t len, struct layout *out,
		 struct layout_diag *diag)
{
	struct layout l;
	unsigned int line = 0;
	size_t pos = 0, i;

	if (diag)
		memset(diag, 0, sizeof(*diag));
	if (len > LAYOUT_MAX_FILE)
		return parse_fail(diag, 0, 0, "larger than 64 KiB");
	if (!len)
		return parse_fail(diag, 0, 0, "no ranges");
	if (memchr(buf, '\0', len)) {
		/* Name the line of the first NUL. */
		const char *z = memchr(buf, '\0', len);

		for (i = 0, line = 1; buf + i < z; i++)
			if (buf[i] == '\n')
				line++;
		return parse_fail(diag, line, 0, "NUL byte");
	}
	l.nr = 0;
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, t0, t1, n0, n1;
		struct layout_range *r;
		const char *why, *hash;

		line++;
		pos += n + (nl ? 1 : 0);
		if (n && s[n - 1] == '\r')
			n--;
		if (n > LAYOUT_MAX_LINE)
			return parse_fail(diag, line, 0,
					  "line longer than 256 bytes");
		hash = memchr(s, '#', n);
		if (hash)
			n = (size_t)(hash - s);
		/* Up to two tokens: the range and the name. */
		for (t0 = 0; t0 < n && is_space(s[t0]); t0++)
			;
		if (t0 == n)
			continue;
		for (n0 = t0; n0 < n && !is_space(s[n0]); n0++)
			;
		for (t1 = n0; t1 < n && is_space(s[t1]); t1++)
			;
		for (n1 = t1; n1 < n && !is_space(s[n1]); n1++)
			;
		for (i = n1; i < n && is_space(s[i]); i++)
			;
		if (i < n)
			return parse_fail(diag, line, 0,
					  "text after the name (a line is <range> [name])");
		if (l.nr == LAYOUT_MAX_RANGES)
			return parse_fail(diag, line, 0, "more than 64 ranges");
		r = &l.v[l.nr];
		memset(r, 0, sizeof(*r));
		r->line = line;
		why = parse_one_range(s + t0, n0 - t0, &r->r);
		if (why)
			return parse_fail(diag, line, 0, why);
		if (t1 < n) {
			if (n1 - t1 > LAYOUT_NAME_MAX)
				return parse_fail(diag, line, 0,
						  "name longer than 32 characters");
			for (i = t1; i < n1; i++)
				if (!is_name_char(s[i]))
					return parse_fail(diag, line, 0,
							  "name may only have letters, digits, '.', '_' and '-'");
			memcpy(r->name, s + t1, n1 - t1);
		} else {
			/* "line" + at most 10 digits fits in the name. */
			char tmp[16];
			unsigned int v = line;
			size_t k = sizeof(tmp);

			tmp[--k] = '\0';
			do {
				tmp[--k] = (char)('0' + v % 10);
				v /= 10;
			} while (v);
			memcpy(r->name, "line", 4);
			memcpy(r->name + 4, tmp + k, sizeof(tmp) - k);
		}
		r->kind = name_prefix(r->name, "pci") ||
			  name_prefix(r->name, "mmio") ? LAYOUT_MMIO :
							 LAYOUT_RAM;
		for (i = 0; i < l.nr; i++) {
			if (!strcmp(l.v[i].name, r->name))
				return parse_fail(diag, line, l.v[i].line,
						  "name already used");
			if (ioas_range_overlaps(&l.v[i].r, &r->r))
				return parse_fail(diag, line, l.v[i].line,
						  "overlaps another range");
		}
		l.nr++;
	}
	if (!l.nr)
		return parse_fail(diag, 0, 0, "no ranges");
	memcpy(out, &l, sizeof(l));
	return 0;
}
