// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for the guest layouts of 'ioas check' (tool/layout.h).
 *
 * Machine models: q35's split below/above 4 GiB on both sides of QEMU's
 * 2.75 GiB threshold, the AMD relocation above 1 TiB on both sides of the
 * RAM size where pc_max_used_gpa() first reaches the HyperTransport hole,
 * the 64-bit PCI window, arm virt, and the errors. Searches: the largest
 * RAM that fits a 39-bit aperture, an AMD host with an Intel and an AMD
 * vCPU, and the lowest base for a range. Parser: a good file with every
 * form, and one table row per malformation with its line and reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/ioas.h>

#include "layout.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MiB UINT64_C(0x100000)
#define GiB UINT64_C(0x40000000)
#define TiB (GiB * 1024)

/* ---------------------------------------------------------------------- */
/* q35 */

struct q35_row {
	uint64_t ram;
	uint32_t vendor;
	uint64_t below, above, above_start;
	bool relocated;
	uint64_t hole64_start;
	unsigned int phys_bits;
};

static void test_q35_split_and_relocation(void **state)
{
	static const struct q35_row rows[] = {
		/* Below 2.75 GiB everything stays below 4 GiB. */
		{ 1 * GiB, LAYOUT_VENDOR_INTEL, 1 * GiB, 0,
		  X86_ABOVE_4G_MEM_START, false, 4 * GiB, 36 },
		{ 0xb0000000 - 4096, LAYOUT_VENDOR_INTEL, 0xb0000000 - 4096,
		  0, X86_ABOVE_4G_MEM_START, false, 4 * GiB, 36 },
		/* At 2.75 GiB exactly the split moves to 2 GiB. */
		{ 0xb0000000, LAYOUT_VENDOR_INTEL, 2 * GiB, 0x30000000,
		  X86_ABOVE_4G_MEM_START, false, 5 * GiB, 36 },
		{ 4 * GiB, LAYOUT_VENDOR_INTEL, 2 * GiB, 2 * GiB,
		  X86_ABOVE_4G_MEM_START, false, 6 * GiB, 36 },
		{ 4 * GiB, LAYOUT_VENDOR_AMD, 2 * GiB, 2 * GiB,
		  X86_ABOVE_4G_MEM_START, false, 6 * GiB, 36 },
		/* 978 GiB: RAM and the 32 GiB window end exactly below
		 * the HT hole, so an AMD vCPU keeps RAM at 4 GiB. */
		{ 978 * GiB, LAYOUT_VENDOR_AMD, 2 * GiB, 976 * GiB,
		  X86_ABOVE_4G_MEM_START, false, 980 * GiB, 40 },
		/* 1 MiB more rounds the window up into the hole: moved. */
		{ 978 * GiB + MiB, LAYOUT_VENDOR_AMD, 2 * GiB,
		  976 * GiB + MiB, AMD_ABOVE_1TB_START, true,
		  2001 * GiB, 41 },
		{ 978 * GiB + MiB, LAYOUT_VENDOR_INTEL, 2 * GiB,
		  976 * GiB + MiB, X86_ABOVE_4G_MEM_START, false,
		  981 * GiB, 40 },
		/* The operators' case: 2 TiB. */
		{ 2 * TiB, LAYOUT_VENDOR_AMD, 2 * GiB, 2046 * GiB,
		  AMD_ABOVE_1TB_START, true, 3070 * GiB, 42 },
		{ 2 * TiB, LAYOUT_VENDOR_INTEL, 2 * GiB, 2046 * GiB,
		  X86_ABOVE_4G_MEM_START, false, 2050 * GiB, 42 },
		/* A size that is not a multiple of 1 GiB rounds the window. */
		{ 3 * GiB + 5 * MiB, LAYOUT_VENDOR_INTEL, 2 * GiB,
		  1 * GiB + 5 * MiB, X86_ABOVE_4G_MEM_START, false,
		  6 * GiB, 36 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct q35_row *w = &rows[i];
		struct layout_q35 q;

		assert_int_equal(layout_q35(w->ram, w->vendor, &q), 0);
		assert_int_equal(q.ram, w->ram);
		assert_int_equal(q.below, w->below);
		assert_int_equal(q.above, w->above);
		assert_int_equal(q.below + q.above, w->ram);
		assert_int_equal(q.above_start, w->above_start);
		assert_int_equal(q.relocated, w->relocated);
		assert_int_equal(q.hole64_start, w->hole64_start);
		assert_int_equal(q.hole64_size, 32 * GiB);
		assert_int_equal(q.max_used_gpa,
				 w->hole64_start + 32 * GiB - 1);
		assert_int_equal(q.phys_bits, w->phys_bits);
	}
}

static void test_q35_relocation_threshold_is_exact(void **state)
{
	struct layout_q35 q;
	uint64_t ram;

	(void)state;
	/* Relocated iff ROUND_UP(4G + above, 1G) + 32G - 1 >= HT start. */
	for (ram = 970 * GiB; ram <= 990 * GiB; ram += 64 * MiB) {
		uint64_t above = ram - 2 * GiB;
		uint64_t end = (4 * GiB + above + GiB - 1) & ~(GiB - 1);

		assert_int_equal(layout_q35(ram, LAYOUT_VENDOR_AMD, &q), 0);
		assert_int_equal(q.relocated,
				 end + 32 * GiB - 1 >= AMD_HT_START);
		/* Whatever QEMU picks, RAM and window miss the hole. */
		assert_true(q.above_start + q.above - 1 < AMD_HT_START ||
			    q.above_start > AMD_HT_END);
		assert_true(q.max_used_gpa < AMD_HT_START ||
			    q.hole64_start > AMD_HT_END);
		assert_int_equal(layout_q35(ram, LAYOUT_VENDOR_INTEL, &q), 0);
		assert_false(q.relocated);
	}
}

static void test_machine_ranges(void **state)
{
	struct layout l;

	(void)state;
	assert_int_equal(layout_machine(LAYOUT_MACHINE_Q35, 2 * GiB,
					LAYOUT_VENDOR_INTEL, 0, &l), 0);
	assert_int_equal(l.nr, 1);
	assert_string_equal(l.v[0].name, "ram-below-4g");
	assert_int_equal(l.v[0].r.start, 0);
	assert_int_equal(l.v[0].r.last, 2 * GiB - 1);

	assert_int_equal(layout_machine(LAYOUT_MACHINE_Q35, 2 * TiB,
					LAYOUT_VENDOR_AMD, LAYOUT_PCI64, &l),
			 0);
	assert_int_equal(l.nr, 3);
	assert_string_equal(l.v[1].name, "ram-above-4g");
	assert_int_equal(l.v[1].kind, LAYOUT_RAM);
	assert_int_equal(l.v[1].r.start, TiB);
	assert_int_equal(l.v[1].r.last, TiB + 2046 * GiB - 1);
	assert_string_equal(l.v[2].name, "pci64");
	assert_int_equal(l.v[2].kind, LAYOUT_MMIO);
	assert_int_equal(l.v[2].r.start, 3070 * GiB);
	assert_int_equal(l.v[2].r.last, 3102 * GiB - 1);

	/* arm virt: RAM at 1 GiB (VIRT_MEM). */
	assert_int_equal(layout_machine(LAYOUT_MACHINE_VIRT, 4 * GiB,
					LAYOUT_VENDOR_INTEL, 0, &l), 0);
	assert_int_equal(l.nr, 1);
	assert_string_equal(l.v[0].name, "ram");
	assert_int_equal(l.v[0].r.start, GiB);
	assert_int_equal(l.v[0].r.last, 5 * GiB - 1);
}

static void test_machine_errors_leave_out_alone(void **state)
{
	struct layout l = { .nr = 7 };
	struct layout_q35 q = { .ram = 7 };

	(void)state;
	/* Zero RAM, unknown machine, vendor or flag. */
	assert_int_equal(layout_machine(LAYOUT_MACHINE_Q35, 0, 0, 0, &l),
			 -EINVAL);
	assert_int_equal(layout_machine(LAYOUT_MACHINE_NONE, GiB, 0, 0, &l),
			 -EINVAL);
	assert_int_equal(layout_machine(LAYOUT_MACHINE_Q35, GiB, 2, 0, &l),
			 -EINVAL);
	assert_int_equal(layout_machine(LAYOUT_MACHINE_Q35, GiB, 0, 2, &l),
			 -EINVAL);
	/* The PCI window is a q35 thing. */
	assert_int_equal(layout_machine(LAYOUT_MACHINE_VIRT, GiB, 0,
					LAYOUT_PCI64, &l), -EINVAL);
	/* Sizes whose layout wraps 2^64. */
	assert_int_equal(layout_machine(LAYOUT_MACHINE_Q35, UINT64_MAX, 0, 0,
					&l), -EOVERFLOW);
	assert_int_equal(layout_machine(LAYOUT_MACHINE_VIRT,
					UINT64_MAX - GiB + 2, 0, 0, &l),
			 -EOVERFLOW);
	assert_int_equal(layout_q35(UINT64_MAX - 16 * GiB, LAYOUT_VENDOR_AMD,
				    &q), -EOVERFLOW);
	assert_int_equal(l.nr, 7);
	assert_int_equal(q.ram, 7);
	/* The largest virt guest that fits. */
	assert_int_equal(layout_machine(LAYOUT_MACHINE_VIRT,
					UINT64_MAX - GiB + 1, 0, 0, &l), 0);
	assert_int_equal(l.v[0].r.last, UINT64_MAX);
}

/* ---------------------------------------------------------------------- */
/* Searches */

static void list_of(struct ioas_range_list *l, const struct ioas_range *r,
		    size_t n)
{
	size_t i;

	ioas_range_list_init(l);
	for (i = 0; i < n; i++)
		assert_int_equal(ioas_range_list_add(l, &r[i]), 0);
}

static bool fits_list(const struct layout *l, void *ctx)
{
	const struct ioas_range_list *u = ctx;
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i].kind == LAYOUT_RAM &&
		    !ioas_range_list_covers(u, &l->v[i].r))
			return false;
	return true;
}

static const struct ioas_range vtd39[] = {
	{ 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff },
};
static const struct ioas_range amd[] = {
	{ 0, 0xfedfffff }, { 0xfef00000, AMD_HT_START - 1 },
	{ AMD_ABOVE_1TB_START, UINT64_MAX },
};
static const struct ioas_range smmu[] = {
	{ 0, 0x7ffffff }, { 0x8100000, 0xffffffffffff },
};

static void test_max_ram(void **state)
{
	struct ioas_range_list u;
	uint64_t max;

	(void)state;
	/* 39-bit VT-d: above-4G RAM must end at 512 GiB: 2 + 508 GiB. */
	list_of(&u, vtd39, ARRAY_SIZE(vtd39));
	assert_int_equal(layout_max_ram(LAYOUT_MACHINE_Q35,
					LAYOUT_VENDOR_INTEL, 0, TiB,
					fits_list, &u, &max), 0);
	assert_int_equal(max, 510 * GiB);
	/* A limit below the answer is the answer. */
	assert_int_equal(layout_max_ram(LAYOUT_MACHINE_Q35,
					LAYOUT_VENDOR_INTEL, 0, 100 * GiB,
					fits_list, &u, &max), 0);
	assert_int_equal(max, 100 * GiB);
	/* virt on that host: the x86 MSI range stops RAM at 0xfee00000. */
	assert_int_equal(layout_max_ram(LAYOUT_MACHINE_VIRT,
					LAYOUT_VENDOR_INTEL, 0, TiB,
					fits_list, &u, &max), 0);
	assert_int_equal(max, 0xfee00000 - GiB);
	ioas_range_list_fini(&u);

	/* AMD host, Intel vCPU: RAM must end below the HT hole. */
	list_of(&u, amd, ARRAY_SIZE(amd));
	assert_int_equal(layout_max_ram(LAYOUT_MACHINE_Q35,
					LAYOUT_VENDOR_INTEL, 0, 2 * TiB,
					fits_list, &u, &max), 0);
	assert_int_equal(max, 1010 * GiB);
	/* AMD vCPU: QEMU relocates, everything up to the limit fits. */
	assert_int_equal(layout_max_ram(LAYOUT_MACHINE_Q35, LAYOUT_VENDOR_AMD,
					0, 2 * TiB, fits_list, &u, &max), 0);
	assert_int_equal(max, 2 * TiB);
	/* Below 1 MiB nothing is tried. */
	assert_int_equal(layout_max_ram(LAYOUT_MACHINE_Q35, LAYOUT_VENDOR_AMD,
					0, MiB - 1, fits_list, &u, &max), 0);
	assert_int_equal(max, 0);
	assert_int_equal(layout_max_ram(LAYOUT_MACHINE_NONE, 0, 0, TiB,
					fits_list, &u, &max), -EINVAL);
	ioas_range_list_fini(&u);

	/* Nothing usable at 0: no q35 guest fits at all. */
	{
		const struct ioas_range high = { 4 * GiB, UINT64_MAX };

		list_of(&u, &high, 1);
		assert_int_equal(layout_max_ram(LAYOUT_MACHINE_Q35,
						LAYOUT_VENDOR_INTEL, 0, TiB,
						fits_list, &u, &max), 0);
		assert_int_equal(max, 0);
		ioas_range_list_fini(&u);
	}
}

static void test_find_base(void **state)
{
	struct ioas_range_list u;
	struct layout avoid;
	uint64_t base;

	(void)state;
	assert_int_equal(layout_base_align(4 * GiB), GiB);
	assert_int_equal(layout_base_align(GiB), GiB);
	assert_int_equal(layout_base_align(3 * MiB), 2 * MiB);
	assert_int_equal(layout_base_align(1), 4096);

	/* RAM at 0 on an SMMU host: the first 1 GiB-aligned hole is 1 GiB. */
	list_of(&u, smmu, ARRAY_SIZE(smmu));
	assert_int_equal(layout_find_base(&u, 4 * GiB, GiB, NULL, SIZE_MAX,
					  &base), 0);
	assert_int_equal(base, GiB);
	/* 64 MiB fits below the window. */
	assert_int_equal(layout_find_base(&u, 64 * MiB, 64 * MiB, NULL,
					  SIZE_MAX, &base), 0);
	assert_int_equal(base, 0);
	/* Other ranges are stepped over; the moved one itself is not. */
	avoid.nr = 2;
	avoid.v[0].r.start = GiB;
	avoid.v[0].r.last = 3 * GiB - 1;
	avoid.v[1].r.start = 0;
	avoid.v[1].r.last = 4 * GiB - 1;
	assert_int_equal(layout_find_base(&u, 4 * GiB, GiB, &avoid, 1,
					  &base), 0);
	assert_int_equal(base, 3 * GiB);
	/* Too large for any hole. */
	assert_int_equal(layout_find_base(&u, UINT64_MAX, GiB, NULL,
					  SIZE_MAX, &base), -ENOSPC);
	assert_int_equal(layout_find_base(&u, 0, GiB, NULL, SIZE_MAX, &base),
			 -EINVAL);
	assert_int_equal(layout_find_base(&u, GiB, 3, NULL, SIZE_MAX, &base),
			 -EINVAL);
	ioas_range_list_fini(&u);

	/* A hole at the very top: no wrap. */
	{
		const struct ioas_range top = { UINT64_MAX - GiB + 1,
						UINT64_MAX };

		list_of(&u, &top, 1);
		assert_int_equal(layout_find_base(&u, GiB, GiB, NULL,
						  SIZE_MAX, &base), 0);
		assert_int_equal(base, UINT64_MAX - GiB + 1);
		avoid.nr = 1;
		avoid.v[0].r = top;
		assert_int_equal(layout_find_base(&u, GiB, GiB, &avoid,
						  SIZE_MAX, &base), -ENOSPC);
		ioas_range_list_fini(&u);
	}
}

/* ---------------------------------------------------------------------- */
/* The --layout parser */

static void test_parse_every_form(void **state)
{
	static const char text[] =
		"# a guest\n"
		"\n"
		"0x0-0x7fffffff ram-low   # 2 GiB\r\n"
		"\t0x100000000+6G\tram.high_1\n"
		"0x8000000000+32G pci64\n"
		"  1099511627776+4K  \n"
		"0xfffffffffffff000-0xffffffffffffffff mmio-top";
	struct layout l;
	struct layout_diag d;

	(void)state;
	assert_int_equal(layout_parse(text, strlen(text), &l, &d), 0);
	assert_int_equal(l.nr, 5);
	assert_string_equal(l.v[0].name, "ram-low");
	assert_int_equal(l.v[0].kind, LAYOUT_RAM);
	assert_int_equal(l.v[0].line, 3);
	assert_int_equal(l.v[0].r.last, 0x7fffffff);
	assert_string_equal(l.v[1].name, "ram.high_1");
	assert_int_equal(l.v[1].r.start, 4 * GiB);
	assert_int_equal(l.v[1].r.last, 10 * GiB - 1);
	assert_int_equal(l.v[2].kind, LAYOUT_MMIO);
	/* No name: "line<N>". */
	assert_string_equal(l.v[3].name, "line6");
	assert_int_equal(l.v[3].kind, LAYOUT_RAM);
	assert_int_equal(l.v[3].r.start, TiB);
	assert_int_equal(l.v[3].r.last, TiB + 4095);
	assert_string_equal(l.v[4].name, "mmio-top");
	assert_int_equal(l.v[4].kind, LAYOUT_MMIO);
	assert_int_equal(l.v[4].r.last, UINT64_MAX);
}

struct bad_row {
	const char *text;
	unsigned int line, other;
	const char *reason;
};

static void test_parse_malformed(void **state)
{
	static const struct bad_row rows[] = {
		{ "", 0, 0, "no ranges" },
		{ "# only a comment\n\n", 0, 0, "no ranges" },
		{ "0x0+4G ram extra\n", 1, 0, "text after the name" },
		{ "\n0x1000\n", 2, 0, "not a range" },
		{ "x-0x1fff\n", 1, 0, "start is not a number" },
		{ "0x0-y\n", 1, 0, "last is not a number" },
		{ "0x0+y\n", 1, 0, "size is not a number" },
		{ "0x2000-0x1fff\n", 1, 0, "start is above last" },
		{ "0x1000+0\n", 1, 0, "size is 0" },
		{ "0xfffffffffffff000+8K\n", 1, 0, "runs past 2^64" },
		{ "0x10000000000000000-0x1\n", 1, 0, "start does not fit" },
		{ "0x0-0x10000000000000000\n", 1, 0, "last does not fit" },
		{ "0x0+16E\n", 1, 0, "size does not fit" },
		{ "0x800+4K\n", 1, 0, "4 KiB aligned" },
		{ "0x0-0x1000\n", 1, 0, "4 KiB aligned" },
		{ "0x0+4K r@m\n", 1, 0, "name may only" },
		{ "0x0+4K abcdefghijabcdefghijabcdefghijabc\n", 1, 0,
		  "longer than 32" },
		{ "0x0+4K a\n0x1000+4K a\n", 2, 1, "name already used" },
		{ "0x0+8K a\n# x\n0x1000+4K b\n", 3, 1, "overlaps" },
		{ "0x0+4K a\n0x1000+4K b\0\n", 2, 0, "NUL byte" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct bad_row *w = &rows[i];
		size_t len = strlen(w->text);
		struct layout l = { .nr = 99 };
		struct layout_diag d;
		int ret;

		if (strstr(w->reason, "NUL"))
			len += 2; /* the row carries its own NUL */
		ret = layout_parse(w->text, len, &l, &d);
		if (ret != -EBADMSG || d.line != w->line ||
		    d.other != w->other || !strstr(d.reason, w->reason))
			print_error("row %zu: ret %d line %u/%u '%s'\n", i,
				    ret, d.line, d.other,
				    d.reason ? d.reason : "(null)");
		assert_int_equal(ret, -EBADMSG);
		assert_int_equal(d.line, w->line);
		assert_int_equal(d.other, w->other);
		assert_non_null(strstr(d.reason, w->reason));
		assert_int_equal(l.nr, 99); /* untouched */
	}
}

static void test_parse_limits(void **state)
{
	static char buf[LAYOUT_MAX_FILE + 2];
	struct layout l;
	struct layout_diag d;
	size_t n, n64, i;

	(void)state;
	/* A line of exactly 256 bytes (then CRLF) is fine; 257 is not. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "0x0+4K", 6);
	buf[256] = '\r';
	buf[257] = '\n';
	assert_int_equal(layout_parse(buf, 258, &l, &d), 0);
	buf[256] = ' ';
	buf[257] = '\n';
	assert_int_equal(layout_parse(buf, 258, &l, &d), -EBADMSG);
	assert_int_equal(d.line, 1);
	assert_non_null(strstr(d.reason, "longer than 256"));

	/* 64 ranges, then a 65th. */
	for (i = 0, n = 0, n64 = 0; i < LAYOUT_MAX_RANGES + 1; i++) {
		n64 = n;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "0x%zx000+4K\n", i);
	}
	assert_int_equal(layout_parse(buf, n64, &l, &d), 0);
	assert_int_equal(l.nr, LAYOUT_MAX_RANGES);
	assert_int_equal(layout_parse(buf, n, &l, &d), -EBADMSG);
	assert_int_equal(d.line, LAYOUT_MAX_RANGES + 1);
	assert_non_null(strstr(d.reason, "more than 64"));

	/* 64 KiB of comments is fine; one byte more is not. */
	memset(buf, '\n', sizeof(buf));
	buf[0] = '#';
	memcpy(buf + LAYOUT_MAX_FILE - 8, "0x0+4K\n", 7);
	assert_int_equal(layout_parse(buf, LAYOUT_MAX_FILE, &l, &d), 0);
	assert_int_equal(layout_parse(buf, LAYOUT_MAX_FILE + 1, &l, &d),
			 -EBADMSG);
	assert_int_equal(d.line, 0);
	assert_non_null(strstr(d.reason, "64 KiB"));
}

static void test_names(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(layout_machine_parse("q35", &v), 0);
	assert_int_equal(v, LAYOUT_MACHINE_Q35);
	assert_int_equal(layout_machine_parse("virt", &v), 0);
	assert_int_equal(v, LAYOUT_MACHINE_VIRT);
	assert_int_equal(layout_machine_parse("pc", &v), -EINVAL);
	assert_int_equal(layout_vendor_parse("amd", &v), 0);
	assert_int_equal(v, LAYOUT_VENDOR_AMD);
	assert_int_equal(layout_vendor_parse("AMD", &v), -EINVAL);
	assert_string_equal(layout_machine_name(LAYOUT_MACHINE_VIRT), "virt");
	assert_string_equal(layout_machine_name(99), "none");
	assert_string_equal(layout_vendor_name(LAYOUT_VENDOR_INTEL), "intel");
	assert_string_equal(layout_kind_name(LAYOUT_MMIO), "mmio");
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_q35_split_and_relocation),
		T(test_q35_relocation_threshold_is_exact),
		T(test_machine_ranges),
		T(test_machine_errors_leave_out_alone),
		T(test_max_ram),
		T(test_find_base),
		T(test_parse_every_form),
		T(test_parse_malformed),
		T(test_parse_limits),
		T(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
