// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the guest layouts of 'ioas check' (tool/layout.h).
 *
 * The whole input is a --layout file. A rejected one must be -EBADMSG with
 * a static reason, a line inside the input (0 only for whole-file
 * reasons) and the output untouched. An accepted one must hold the
 * promised form (1 to 64 ranges, 4 KiB aligned, disjoint, valid unique
 * names, the kind the name implies, increasing lines) and round-trip:
 * printed back as "0x<start>-0x<last> <name>" lines it parses to the same
 * layout.
 *
 * The input also drives the machine models: its first 8 bytes are a RAM
 * size (little endian, rounded down to 4 KiB) and the 9th picks the
 * vendor and the PCI window. Every q35 layout must add up to the RAM size,
 * stay disjoint, keep below-4G RAM under the x86 MSI range, and never put
 * RAM or the window into the HyperTransport hole when QEMU relocated; the
 * largest-RAM search must return a size that passes its test; and a base
 * found for the first parsed range must be aligned, inside the usable
 * ranges (here: the layout itself) and clear of the others. Any violation
 * abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/range.h>

#include "layout.h"

#include "fuzz_check.h"

static unsigned int count_lines(const char *buf, size_t len)
{
	unsigned int n = 1;
	size_t i;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

static void check_form(const struct layout *l)
{
	size_t i, j, k;

	CHECK(l->nr >= 1 && l->nr <= LAYOUT_MAX_RANGES);
	for (i = 0; i < l->nr; i++) {
		const struct layout_range *r = &l->v[i];
		size_t n = strnlen(r->name, sizeof(r->name));
		bool mmio;

		CHECK(n >= 1 && n <= LAYOUT_NAME_MAX);
		for (k = 0; k < n; k++) {
			char c = r->name[k];

			CHECK((c >= 'a' && c <= 'z') ||
			      (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '.' ||
			      c == '_' || c == '-');
		}
		mmio = !strncmp(r->name, "pci", 3) ||
		       !strncmp(r->name, "mmio", 4);
		CHECK(r->kind == (mmio ? LAYOUT_MMIO : LAYOUT_RAM));
		CHECK(r->r.start <= r->r.last);
		CHECK(!(r->r.start & (LAYOUT_ALIGN - 1)));
		CHECK(!((r->r.last + 1) & (LAYOUT_ALIGN - 1)));
		CHECK(r->line >= 1);
		if (i)
			CHECK(r->line > l->v[i - 1].line);
		for (j = 0; j < i; j++) {
			CHECK(strcmp(l->v[j].name, r->name));
			CHECK(!ioas_range_overlaps(&l->v[j].r, &r->r));
		}
	}
}

static void round_trip(const struct layout *l)
{
	static char buf[LAYOUT_MAX_RANGES * 96];
	struct layout again;
	struct layout_diag d;
	size_t n = 0, i;

	for (i = 0; i < l->nr; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "0x%llx-0x%llx %s\n",
				      (unsigned long long)l->v[i].r.start,
				      (unsigned long long)l->v[i].r.last,
				      l->v[i].name);
	CHECK(n < sizeof(buf));
	CHECK(layout_parse(buf, n, &again, &d) == 0);
	CHECK(again.nr == l->nr);
	for (i = 0; i < l->nr; i++) {
		CHECK(!strcmp(again.v[i].name, l->v[i].name));
		CHECK(again.v[i].kind == l->v[i].kind);
		CHECK(again.v[i].r.start == l->v[i].r.start);
		CHECK(again.v[i].r.last == l->v[i].r.last);
		CHECK(again.v[i].line == i + 1);
	}
}

/* A RAM range of a machine layout never touches the hole after relocation. */
static bool below_limit(const struct layout *l, void *ctx)
{
	const uint64_t *limit = ctx;
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i].kind == LAYOUT_RAM && l->v[i].r.last > *limit)
			return false;
	return true;
}

static void check_machines(const uint8_t *data, size_t size)
{
	uint64_t ram = 0, sum = 0, limit, max;
	uint32_t vendor, flags;
	struct layout_q35 q;
	struct layout l;
	size_t i, j;

	if (size < 9)
		return;
	for (i = 0; i < 8; i++)
		ram |= (uint64_t)data[i] << (8 * i);
	ram &= ~(LAYOUT_ALIGN - 1);
	vendor = data[8] & 1;
	flags = (data[8] >> 1) & 1 ? LAYOUT_PCI64 : 0;

	if (!layout_machine(LAYOUT_MACHINE_Q35, ram, vendor, flags, &l)) {
		CHECK(layout_q35(ram, vendor, &q) == 0);
		CHECK(q.below + q.above == ram);
		CHECK(q.below <= Q35_LOWMEM_SPLIT);
		CHECK(l.v[0].r.last < 0xfee00000);
		CHECK(!q.relocated || vendor == LAYOUT_VENDOR_AMD);
		if (vendor == LAYOUT_VENDOR_AMD) {
			const struct ioas_range ht = { AMD_HT_START,
						       AMD_HT_END };

			CHECK(q.relocated == (q.above_start ==
					      AMD_ABOVE_1TB_START));
			for (i = 0; i < l.nr; i++)
				CHECK(!ioas_range_overlaps(&l.v[i].r, &ht));
		}
		for (i = 0; i < l.nr; i++) {
			if (l.v[i].kind == LAYOUT_RAM)
				sum += l.v[i].r.last - l.v[i].r.start + 1;
			for (j = 0; j < i; j++)
				CHECK(!ioas_range_overlaps(&l.v[j].r,
							   &l.v[i].r));
		}
		CHECK(sum == ram);
		CHECK(q.max_used_gpa == q.hole64_start + q.hole64_size - 1);
		CHECK(q.phys_bits == 64 ||
		      q.max_used_gpa < (UINT64_C(1) << q.phys_bits));
	}
	if (!layout_machine(LAYOUT_MACHINE_VIRT, ram, vendor, 0, &l)) {
		CHECK(l.nr == 1 && l.v[0].r.start == VIRT_MEM_BASE);
		CHECK(l.v[0].r.last - l.v[0].r.start + 1 == ram);
	}

	/* The search: bounded by a small limit so a run stays fast. */
	limit = ram >> 20;
	CHECK(layout_max_ram(LAYOUT_MACHINE_Q35, vendor, 0,
			     (ram & 0xffffffffffULL) | LAYOUT_MIB,
			     below_limit, &limit, &max) == 0);
	if (max) {
		CHECK(!(max % LAYOUT_MIB));
		CHECK(layout_machine(LAYOUT_MACHINE_Q35, max, vendor, 0,
				     &l) == 0);
		CHECK(below_limit(&l, &limit));
	}
}

static void check_base(const struct layout *l, const uint8_t *data,
		       size_t size)
{
	struct ioas_range_list u = IOAS_RANGE_LIST_INIT;
	uint64_t want = 0, base, align, last;
	size_t i;

	/* Usable: the layout's own ranges; move range 0 among them. */
	for (i = 0; i < l->nr; i++)
		if (ioas_range_list_add(&u, &l->v[i].r))
			goto out;
	for (i = 0; i < 8 && i < size; i++)
		want |= (uint64_t)data[i] << (8 * i);
	want = (want & 0xffffffffffULL) | LAYOUT_ALIGN;
	align = layout_base_align(want);
	CHECK(align >= LAYOUT_ALIGN && !(align & (align - 1)));
	if (layout_find_base(&u, want, align, l, 0, &base))
		goto out;
	CHECK(!(base & (align - 1)));
	CHECK(!__builtin_add_overflow(base, want - 1, &last));
	{
		const struct ioas_range r = { base, last };

		CHECK(ioas_range_list_covers(&u, &r));
		for (i = 1; i < l->nr; i++)
			CHECK(!ioas_range_overlaps(&l->v[i].r, &r));
	}
out:
	ioas_range_list_fini(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct layout *l = malloc(sizeof(*l));
	struct layout_diag d;
	int ret;

	CHECK(l);
	memset(l, 0xa5, sizeof(*l));
	ret = layout_parse(buf, size, l, &d);
	if (ret) {
		size_t i;

		CHECK(ret == -EBADMSG);
		CHECK(d.reason && d.reason[0]);
		CHECK(size <= LAYOUT_MAX_FILE ?
			      d.line <= count_lines(buf, size) :
			      d.line == 0);
		CHECK(d.other < d.line || d.other == 0);
		for (i = 0; i < sizeof(*l); i++)
			CHECK(((const uint8_t *)l)[i] == 0xa5);
	} else {
		check_form(l);
		round_trip(l);
		check_base(l, data, size);
	}
	check_machines(data, size);
	free(l);
	return 0;
}
