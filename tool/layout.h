/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest memory layouts for 'ioas check': what a VMM will DMA-map for a
 * guest, as a short list of named ranges.
 *
 * A layout comes either from a machine model (QEMU's q35 and arm virt,
 * computed the way QEMU places RAM: layout_machine()) or from a text file
 * (layout_parse()). Ranges are [start, last] (inclusive), 4 KiB aligned,
 * pairwise disjoint, each with a name of at most LAYOUT_NAME_MAX
 * characters and a kind: RAM, or an MMIO window (device BARs that a VMM
 * maps for peer-to-peer DMA). Nothing here allocates: a struct layout is a
 * fixed-size value, so the parser can be fed hostile input without a
 * memory budget.
 *
 * The --layout file format, one range per line:
 *
 *   # comment (also after a range)
 *   <start>-<last>  [name]       inclusive last byte
 *   <start>+<size>  [name]       size in bytes, K M G T P E suffixes
 *
 * Numbers are decimal or 0x hex (tool/parse.h). A name is 1 to 32 of
 * [A-Za-z0-9._-]; without one the range is called "line<N>". Names that
 * start with "pci" or "mmio" are MMIO windows, every other range is RAM.
 * Limits: LAYOUT_MAX_FILE bytes, LAYOUT_MAX_LINE bytes a line (not
 * counting the newline; a CR before it is dropped), LAYOUT_MAX_RANGES
 * ranges. Every sum is overflow-checked.
 *
 * The q35 numbers reproduce QEMU 7.1 to 8.x exactly (hw/i386/pc_q35.c
 * pc_q35_init() for the split below/above 4 GiB, hw/i386/pc.c
 * pc_memory_init() and pc_max_used_gpa() for the AMD relocation above
 * 1 TiB), for machine types pc-q35-7.1 and later with default options (no
 * max-ram-below-4g, maxmem, SGX EPC or CXL); see layout_q35().
 */
#ifndef IOAS_TOOL_LAYOUT_H
#define IOAS_TOOL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>

#define LAYOUT_MAX_RANGES 64
#define LAYOUT_MAX_LINE 256
#define LAYOUT_MAX_FILE (64 * 1024)
#define LAYOUT_NAME_MAX 32
#define LAYOUT_ALIGN UINT64_C(0x1000)

/* QEMU's constants (the names are QEMU's). */
#define LAYOUT_GIB UINT64_C(0x40000000)
#define LAYOUT_MIB UINT64_C(0x100000)
#define X86_ABOVE_4G_MEM_START UINT64_C(0x100000000)
#define AMD_HT_START UINT64_C(0xfd00000000)
#define AMD_HT_END UINT64_C(0xffffffffff)
#define AMD_ABOVE_1TB_START (AMD_HT_END + 1)
#define Q35_PCI_HOST_HOLE64_SIZE_DEFAULT (UINT64_C(1) << 35)
#define Q35_LOWMEM_SPLIT UINT64_C(0xb0000000) /* "ram_size >= 0xb0000000" */
#define Q35_LOWMEM_LARGE UINT64_C(0x80000000)
#define VIRT_MEM_BASE UINT64_C(0x40000000)

enum layout_kind {
	LAYOUT_RAM = 0,
	LAYOUT_MMIO = 1,
};

enum layout_machine {
	LAYOUT_MACHINE_NONE = 0,
	LAYOUT_MACHINE_Q35,
	LAYOUT_MACHINE_VIRT,
};

enum layout_vendor {
	LAYOUT_VENDOR_INTEL = 0,
	LAYOUT_VENDOR_AMD = 1,
};

/* layout_machine() flags */
#define LAYOUT_PCI64 (1u << 0) /* q35: add the 64-bit PCI window */

struct layout_range {
	char name[LAYOUT_NAME_MAX + 1];
	uint32_t kind;		/* enum layout_kind */
	unsigned int line;	/* line in the file; 0 for a machine model */
	struct ioas_range r;
};

/* @v[0..nr) in the order given (a file's line order). */
struct layout {
	size_t nr;
	struct layout_range v[LAYOUT_MAX_RANGES];
};

/*
 * What layout_parse() ran into: @line is 1-based (0 for the whole file),
 * @other a second line involved (a duplicate name, an overlapping range)
 * or 0, @reason a static string.
 */
struct layout_diag {
	unsigned int line;
	unsigned int other;
	const char *reason;
};

/*
 * struct layout_q35 - QEMU's q35 placement for a RAM size
 * @ram: the RAM size (-m)
 * @below: bytes at [0, below - 1] ("ram-below-4g")
 * @above: bytes at [above_start, above_start + above - 1] ("ram-above-4g")
 * @above_start: 4 GiB, or 1 TiB when relocated
 * @relocated: QEMU moved above-4G RAM above the HyperTransport hole
 * @hole64_start: the 64-bit PCI window (pc_pci_hole64_start())
 * @hole64_size: its size, Q35_PCI_HOST_HOLE64_SIZE_DEFAULT
 * @max_used_gpa: pc_max_used_gpa(): the last byte of that window
 * @phys_bits: the vCPU phys-bits QEMU requires for @max_used_gpa
 *             (pc_memory_init() exits when 2^phys-bits - 1 is below it)
 */
struct layout_q35 {
	uint64_t ram;
	uint64_t below;
	uint64_t above;
	uint64_t above_start;
	bool relocated;
	uint64_t hole64_start;
	uint64_t hole64_size;
	uint64_t max_used_gpa;
	unsigned int phys_bits;
};

/*
 * layout_q35() - QEMU's q35 RAM placement
 *
 * Returns 0; -EINVAL for a zero @ram or an unknown @vendor; -EOVERFLOW if
 * the layout does not fit in 64 bits. @out is untouched on failure.
 */
int layout_q35(uint64_t ram, uint32_t vendor, struct layout_q35 *out);

/*
 * layout_machine() - the ranges a VMM maps for a machine model
 *
 * q35: "ram-below-4g", "ram-above-4g" (if any), and with LAYOUT_PCI64 the
 * 64-bit PCI window "pci64" (MMIO). virt: "ram" at VIRT_MEM_BASE. @vendor
 * only matters for q35. Returns 0; -EINVAL (zero @ram, unknown machine,
 * vendor or flag, LAYOUT_PCI64 with virt); -EOVERFLOW. @out is untouched
 * on failure.
 */
int layout_machine(uint32_t machine, uint64_t ram, uint32_t vendor,
		   uint32_t flags, struct layout *out);

/*
 * layout_parse() - read a --layout file
 * @buf: the file's bytes (need not be NUL-terminated; NUL bytes are an
 *       error)
 * @len: bytes at @buf
 * @out: filled on success, untouched on failure
 * @diag: on failure, the line and reason; may be NULL
 *
 * Returns 0; -EBADMSG for malformed input.
 */
int layout_parse(const char *buf, size_t len, struct layout *out,
		 struct layout_diag *diag);

/*
 * layout_max_ram() - the largest RAM size whose layout passes a test
 * @machine: LAYOUT_MACHINE_Q35 or LAYOUT_MACHINE_VIRT
 * @vendor, @flags: as for layout_machine()
 * @limit: the largest size to consider
 * @fits: the test; called with layouts of sizes that are multiples of
 *        1 MiB
 * @ctx: passed to @fits
 * @out: the size found (a multiple of 1 MiB), or 0 if none fits
 *
 * The placement rule changes at known RAM sizes (q35: 2.75 GiB, and on AMD
 * where QEMU starts relocating); between two such sizes a layout only
 * grows upwards with the RAM size, so whether it fits is searched by
 * bisection in each such stretch and the best result is kept. Every size
 * returned has passed @fits. Returns 0; -EINVAL for an unknown machine.
 */
int layout_max_ram(uint32_t machine, uint32_t vendor, uint32_t flags,
		   uint64_t limit,
		   bool (*fits)(const struct layout *l, void *ctx), void *ctx,
		   uint64_t *out);

/*
 * layout_find_base() - the lowest base at which @size bytes fit
 * @usable: where the range may go
 * @size: bytes, non-zero
 * @align: alignment of the base, a power of two
 * @avoid: ranges that must stay clear (the rest of a layout); may be NULL
 * @skip: index into @avoid of the range being moved (ignored), or
 *        SIZE_MAX
 * @base: the base found
 *
 * Returns 0; -ENOSPC if no base fits; -EINVAL for a zero @size or an
 * @align that is not a power of two.
 */
int layout_find_base(const struct ioas_range_list *usable, uint64_t size,
		     uint64_t align, const struct layout *avoid, size_t skip,
		     uint64_t *base);

/* The alignment 'ioas check' proposes for a range of @size bytes:
 * the largest power of two <= @size, between 4 KiB and 1 GiB. */
uint64_t layout_base_align(uint64_t size);

/* "q35", "virt"; "none" for others. */
const char *layout_machine_name(uint32_t machine);
/* "intel", "amd". */
const char *layout_vendor_name(uint32_t vendor);
/* "ram", "mmio". */
const char *layout_kind_name(uint32_t kind);
/* 0 and the value, or -EINVAL for an unknown name. */
int layout_machine_parse(const char *s, uint32_t *machine);
int layout_vendor_parse(const char *s, uint32_t *vendor);

#endif
