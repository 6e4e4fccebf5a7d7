// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas gen: write scenario files (doc/scenario.md) for the differential
 * test against the real kernel (tests/kernel/), from the groups and
 * regions of a real sysfs tree.
 *
 *   ioas gen --profile type1|iommufd --dev BDF[,BDF...] [--seed N]
 *            [--count N] [--sysfs DIR] [--out DIR] [--cases]
 *            [--unsafe-interrupts] [--page N] [--hpage N]
 *
 * Every scenario declares one group per --dev device, with the group's
 * real id, its sysfs regions (typed and with the origins ioas_host_load()
 * guesses), the aperture and page sizes of the domain it would get, and
 * its dev= address, so that the same file runs on the engine and, with
 * --backend kernel, on the kernel that owns the sysfs tree.
 *
 * Random scenarios (the default) are seeded: the same seed, devices and
 * sysfs tree give the same files. Each one is a sequence of attach,
 * detach, map, unmap, unmap-all, allow, copy and usable commands, drawn
 * with a bias toward the places where implementations go wrong: region
 * boundaries, the aperture top, the 2^64 wrap, misaligned and zero sizes,
 * unmaps that cut a mapping, maps next to and over existing ones, single
 * byte and overlapping allowed ranges, and, for type1, a small DMA entry
 * limit (dma-limit=, which the guest writes to vfio_iommu_type1's
 * dma_entry_limit before the run). --cases writes the hand-written edge
 * cases instead (one file per case).
 *
 * The generator keeps an engine space as its model of what has happened,
 * to aim at existing mappings and to keep the memory a kernel run pins
 * small: a map the model says would succeed with more than MAP_PIN_MAX
 * bytes is not written.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ioas/ioas.h>

#include "cmds.h"
#include "output.h"
#include "parse.h"

#define GEN_MAX_DEVS 32
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAP_PIN_MAX (UINT64_C(8) << 20)
#define SZ_4G (UINT64_C(1) << 32)

struct ggroup {
	uint32_t id;
	char dev[32];
	struct ioas_region *regions;
	size_t nr;
	struct ioas_range aperture;
	uint64_t pgsizes;
	bool irq_remap;
	bool attached;
	bool has_msi; /* the device has MSI-X or MSI (config space) */
	bool msi_on; /* a 'doorbell' of this group succeeded, no free yet */
};

struct gen {
	uint64_t rng;
	uint32_t profile;
	uint64_t page;
	uint64_t hpage;
	bool unsafe;
	bool no_irq_remap;
	uint32_t dma_limit;
	const char *doorbell; /* --doorbell as given, NULL if none */
	uint64_t doorbell_pa;
	struct ggroup g[GEN_MAX_DEVS];
	size_t ng;
	struct ioas_space *model;
	struct obuf out;
	size_t nr_ops;
	bool reported; /* an error was already explained on stderr */
};

static void gen_usage(FILE *f)
{
	fprintf(f,
		"usage: ioas gen --profile type1|iommufd --dev BDF[,BDF...] [--seed N]\n"
		"                [--count N] [--sysfs DIR] [--out DIR] [--cases]\n"
		"                [--unsafe-interrupts] [--no-irq-remap] [--page N]\n"
		"                [--hpage N] [--doorbell its=B|gicv2m=B|PHYS]\n"
		"\n"
		"Write scenario files for the kernel differential test from the IOMMU\n"
		"groups of the given PCI devices (as this host's sysfs, or DIR, shows\n"
		"them). Without --out, the scenarios go to standard output.\n"
		"\n"
		"  --profile P         type1 or iommufd\n"
		"  --dev BDF,...       devices whose groups the scenarios use (bound to\n"
		"                      vfio-pci on the machine that runs them)\n"
		"  --seed N            first seed (default 1); scenario i uses seed N+i\n"
		"  --count N           number of random scenarios (default 1)\n"
		"  --cases             the hand-written edge cases instead\n"
		"  --sysfs DIR         read DIR instead of /sys\n"
		"  --out DIR           one file per scenario: DIR/<name>.scn\n"
		"  --unsafe-interrupts scenarios say unsafe-interrupts\n"
		"  --no-irq-remap      every group says irq-remap=no (MSIs not isolated,\n"
		"                      e.g. behind a GICv2m, which sysfs cannot show)\n"
		"  --page N            CPU page size (default: this machine's)\n"
		"  --hpage N           iommufd's automatic alignment cap (default: THP's\n"
		"                      hpage_pmd_size in sysfs, else the page size)\n"
		"  --doorbell D        the platform's MSI doorbell (GICv3 ITS base, GICv2m\n"
		"                      frame base, or physical address): scenarios also\n"
		"                      map and free it for devices that have MSI-X or MSI\n");
}

/* ------------------------------------------------------------------ */
/* randomness (xorshift64*, seeded per scenario: files are reproducible) */

static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * UINT64_C(2685821657736338717);
}

/* 0 .. n-1 */
static uint64_t rn(struct gen *g, uint64_t n)
{
	return n ? rnd(g) % n : 0;
}

/* true with probability pct/100 */
static bool chance(struct gen *g, unsigned int pct)
{
	return rn(g, 100) < pct;
}

/* ------------------------------------------------------------------ */
/* output and the model                                                */

static void emit(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit(struct gen *g, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	obuf_puts(&g->out, line);
	obuf_putc(&g->out, '\n');
}

static const char *prot_name(uint32_t f)
{
	switch (f & (IOAS_MAP_READ | IOAS_MAP_WRITE)) {
	case IOAS_MAP_READ:
		return " r";
	case IOAS_MAP_WRITE:
		return " w";
	case 0:
		return " none";
	default:
		return "";
	}
}

static struct ggroup *attached_group(struct gen *g, bool want)
{
	size_t i, n = 0, k;

	for (i = 0; i < g->ng; i++)
		n += g->g[i].attached == want;
	if (!n)
		return NULL;
	k = rn(g, n);
	for (i = 0; i < g->ng; i++)
		if (g->g[i].attached == want && !k--)
			return &g->g[i];
	return NULL;
}

static int model_attach(struct gen *g, struct ggroup *gg)
{
	struct ioas_group_config gc = {
		.size = sizeof(gc),
		.id = gg->id,
		.flags = gg->irq_remap ? 0 : IOAS_GROUP_NO_IRQ_REMAP,
		.nr_regions = (uint32_t)gg->nr,
		.aperture = gg->aperture,
		.pgsizes = gg->pgsizes,
		.regions = gg->regions,
	};

	return ioas_space_attach(g->model, &gc, NULL);
}

static void op_attach(struct gen *g, struct ggroup *gg)
{
	emit(g, "attach %" PRIu32, gg->id);
	if (!model_attach(g, gg))
		gg->attached = true;
	g->nr_ops++;
}

static void op_detach(struct gen *g, struct ggroup *gg)
{
	emit(g, "detach %" PRIu32, gg->id);
	if (!ioas_space_detach(g->model, gg->id, NULL)) {
		gg->attached = false;
		gg->msi_on = false; /* the kernel backend disables it first */
	}
	g->nr_ops++;
}

/*
 * doorbell / doorbell-free: the kernel backend enables (disables) vector 0
 * of the group's device, and only frees what it enabled; so a free is
 * written only while the model says this group's doorbell is on.
 */
static void op_doorbell(struct gen *g, struct ggroup *gg, bool release)
{
	struct ioas_msi_doorbell d;
	int ret;

	emit(g, "%s %" PRIu32 " %s", release ? "doorbell-free" : "doorbell",
	     gg->id, g->doorbell);
	if (release)
		ret = ioas_msi_unmap(g->model, gg->id, g->doorbell_pa, &d, NULL);
	else
		ret = ioas_msi_map(g->model, gg->id, g->doorbell_pa, &d, NULL);
	if (!ret)
		gg->msi_on = !release;
	g->nr_ops++;
}

/* A doorbell for an attached group with MSI (rarely an unattached one). */
static void gen_doorbell(struct gen *g)
{
	size_t i, n = 0, k;
	bool want = !chance(g, 5);

	for (i = 0; i < g->ng; i++)
		n += g->g[i].has_msi && g->g[i].attached == want;
	if (!n)
		return;
	k = rn(g, n);
	for (i = 0; i < g->ng; i++) {
		struct ggroup *gg = &g->g[i];

		if (!gg->has_msi || gg->attached != want || k--)
			continue;
		op_doorbell(g, gg, gg->msi_on && chance(g, 40));
		return;
	}
}

static void op_usable(struct gen *g)
{
	emit(g, "usable");
	g->nr_ops++;
}

/*
 * type1 only: VFIO_IOMMU_GET_INFO, negotiated or with an argsz around the
 * struct and cap boundaries (16 and 24, the caps at 56 and 72, the size
 * the answer needs).
 */
static const uint32_t info_argsz[] = { 8,  16, 20,  24,	 32,  56,
				       72, 88, 104, 120, 136, 4096 };

/* @pick: 0 or above the table: negotiated; else info_argsz[pick - 1] */
static void op_info(struct gen *g, uint64_t pick)
{
	if (pick == 0 || pick > ARRAY_LEN(info_argsz))
		emit(g, "info");
	else
		emit(g, "info argsz=%" PRIu32, info_argsz[pick - 1]);
	g->nr_ops++;
}

/*
 * type1 keeps its mappings in an rbtree whose searches (vfio_find_dma(),
 * vfio_find_dma_first_node(), vfio_link_dma()) compute dma->iova +
 * dma->size, which wraps to 0 for a mapping ending at 2^64-1. What the
 * kernel then does depends on the tree's shape (measured on 6.12: with
 * that mapping at the root, UNMAP_ALL removes nothing at all, and an
 * overlapping MAP_DMA is accepted; under QEMU's virtio-iommu the next one
 * never returns). No profile can predict that, so type1 scenarios never
 * create such a mapping (doc/kernel-quirks.md, "type1 mappings that end at
 * 2^64-1"): true for a fixed type1 map whose last byte is 2^64-1.
 */
static bool t1_top_map(struct gen *g, uint64_t iova, uint64_t len)
{
	return g->profile == IOAS_PROFILE_TYPE1 && len &&
	       iova == UINT64_MAX - (len - 1);
}

/*
 * A map, unless the model says it would pin more than MAP_PIN_MAX, or it
 * is a type1 mapping ending at 2^64-1 (t1_top_map()); then nothing is
 * written and it returns false.
 */
static bool op_map(struct gen *g, bool fixed, uint64_t iova, uint64_t len,
		   uint32_t prot, uint64_t va)
{
	struct ioas_map_req req = {
		.size = sizeof(req),
		.flags = prot | (fixed ? IOAS_MAP_FIXED : 0),
		.va = va,
		.iova = iova,
		.length = len,
	};
	char vabuf[40] = "";
	int ret;

	if (fixed && t1_top_map(g, iova, len))
		return false;
	ret = ioas_space_map(g->model, &req, NULL);
	if (!ret && len > MAP_PIN_MAX) {
		(void)ioas_space_unmap(g->model, req.iova, len, NULL, NULL);
		return false;
	}
	if (va)
		snprintf(vabuf, sizeof(vabuf), " va=0x%" PRIx64, va);
	if (fixed)
		emit(g, "map 0x%" PRIx64 " 0x%" PRIx64 "%s%s", iova, len,
		     prot_name(prot), vabuf);
	else
		emit(g, "map auto 0x%" PRIx64 "%s%s", len, prot_name(prot),
		     vabuf);
	g->nr_ops++;
	return true;
}

static void op_unmap(struct gen *g, uint64_t iova, uint64_t len)
{
	emit(g, "unmap 0x%" PRIx64 " 0x%" PRIx64, iova, len);
	(void)ioas_space_unmap(g->model, iova, len, NULL, NULL);
	g->nr_ops++;
}

static void op_unmap_all(struct gen *g)
{
	emit(g, "unmap-all");
	(void)ioas_space_unmap_all(g->model, NULL, NULL);
	g->nr_ops++;
}

static void op_allow(struct gen *g, const struct ioas_range *r, size_t nr)
{
	char line[256];
	size_t i, n = 0;

	if (!nr) {
		emit(g, "allow none");
	} else {
		for (i = 0; i < nr && n < sizeof(line) - 48; i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      "%s0x%" PRIx64 "-0x%" PRIx64,
					      i ? "," : "", r[i].start,
					      r[i].last);
		emit(g, "allow %s", line);
	}
	(void)ioas_space_allow(g->model, r, nr, NULL);
	g->nr_ops++;
}

static void op_copy(struct gen *g, uint64_t src, uint64_t len, bool fixed,
		    uint64_t dst, uint32_t prot)
{
	uint64_t d = dst;

	if (fixed)
		emit(g, "copy 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "%s", src,
		     len, dst, prot_name(prot));
	else
		emit(g, "copy 0x%" PRIx64 " 0x%" PRIx64 " auto%s", src, len,
		     prot_name(prot));
	(void)ioas_space_copy(g->model, src, len,
			      prot | (fixed ? IOAS_MAP_FIXED : 0), &d, NULL);
	g->nr_ops++;
}

/* ------------------------------------------------------------------ */
/* edge-biased values                                                  */

/* The model's mappings; *nr = 0 on failure. */
static struct ioas_mapping *mappings(struct gen *g, size_t *nr)
{
	struct ioas_mapping *v;
	size_t n = 0;

	*nr = 0;
	if (ioas_space_mappings(g->model, NULL, 0, &n) != -EMSGSIZE || !n)
		return NULL;
	v = calloc(n, sizeof(*v));
	if (!v)
		return NULL;
	if (ioas_space_mappings(g->model, v, n, &n)) {
		free(v);
		return NULL;
	}
	*nr = n;
	return v;
}

/* A region of any declared group (attached or not). */
static const struct ioas_region *any_region(struct gen *g)
{
	size_t i, n = 0, k;

	for (i = 0; i < g->ng; i++)
		n += g->g[i].nr;
	if (!n)
		return NULL;
	k = rn(g, n);
	for (i = 0; i < g->ng; i++) {
		if (k < g->g[i].nr)
			return &g->g[i].regions[k];
		k -= g->g[i].nr;
	}
	return NULL;
}

static uint64_t pick_size(struct gen *g)
{
	static const uint64_t pages[] = { 1, 1, 1, 2, 2, 3, 4, 5, 8, 16 };
	unsigned int r = (unsigned int)rn(g, 100);

	if (r < 70)
		return g->page * pages[rn(g, ARRAY_LEN(pages))];
	if (r < 78)
		return g->hpage;
	if (r < 82)
		return 0;
	if (r < 86)
		return g->page / 2;
	if (r < 88)
		return 1;
	if (r < 92)
		return g->page * (rn(g, 64) + 1) + (chance(g, 50) ? 0x800 : 0);
	if (r < 96)
		return UINT64_C(1) << (32 + rn(g, 20));
	return UINT64_MAX - g->page + 1;
}

static const struct ggroup *some_group(struct gen *g)
{
	return &g->g[rn(g, g->ng)];
}

/* An IOVA for a map of @len, drawn toward the places that matter. */
static uint64_t pick_iova(struct gen *g, uint64_t len)
{
	const struct ioas_region *reg;
	const struct ggroup *gg = some_group(g);
	struct ioas_mapping *m;
	size_t nm;
	uint64_t v, p = g->page, L = len ? len : p;

	switch (rn(g, 12)) {
	case 0:
	case 1:
		return p * (rn(g, 4096) + 1);
	case 2:
		reg = any_region(g);
		if (!reg)
			return p * rn(g, 4096);
		switch (rn(g, 5)) {
		case 0:
			return reg->range.start;
		case 1:
			return reg->range.start - (chance(g, 50) ? p : L);
		case 2:
			return reg->range.last + 1;
		case 3:
			return reg->range.last + 1 - p;
		default:
			return reg->range.start + p * rn(g, 4);
		}
	case 3:
		if (gg->aperture.last == UINT64_MAX)
			return UINT64_MAX - p + 1 - (chance(g, 50) ? 0 : p);
		switch (rn(g, 3)) {
		case 0:
			return gg->aperture.last + 1 - L;
		case 1:
			return gg->aperture.last + 1;
		default:
			return gg->aperture.last + 1 - p;
		}
	case 4:
		return UINT64_MAX - p + 1 - p * rn(g, 2);
	case 5:
	case 6:
		m = mappings(g, &nm);
		if (!m)
			return p * (rn(g, 64) + 1);
		nm = rn(g, nm);
		switch (rn(g, 4)) {
		case 0:
			v = m[nm].range.last + 1;
			break;
		case 1:
			v = m[nm].range.start - L;
			break;
		case 2:
			v = m[nm].range.start + p;
			break;
		default:
			v = m[nm].range.start;
			break;
		}
		free(m);
		return v;
	case 7:
		return p * (rn(g, 64) + 1) + (chance(g, 50) ? 0x800 : 1);
	case 8:
		return 0;
	case 9:
		return g->hpage * (rn(g, 64) + 1);
	case 10:
		return SZ_4G - p * rn(g, 3);
	default:
		return gg->aperture.last / 2 & ~(p - 1);
	}
}

static uint64_t pick_va(struct gen *g)
{
	switch (rn(g, 20)) {
	case 0:
		return g->page;
	case 1:
		return 3 * g->page;
	case 2:
		return g->page / 2;
	case 3:
		return g->hpage;
	case 4:
		return 0x10000 + g->page;
	case 5:
		return g->page * (2 * rn(g, 256) + 1) +
		       (chance(g, 30) ? 0x800 : 0);
	default:
		return 0;
	}
}

static uint32_t pick_prot(struct gen *g)
{
	switch (rn(g, 20)) {
	case 0:
		return IOAS_MAP_READ;
	case 1:
		return IOAS_MAP_WRITE;
	case 2:
		return 0;
	default:
		return IOAS_MAP_READ | IOAS_MAP_WRITE;
	}
}

static void gen_map(struct gen *g)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		uint64_t len = pick_size(g);
		bool fixed = g->profile == IOAS_PROFILE_TYPE1 || chance(g, 55);
		uint64_t iova = fixed ? pick_iova(g, len) : 0;
		uint64_t va = pick_va(g);

		/* Wrap cases: a user address near 2^64 now and then. */
		if (chance(g, 2))
			va = UINT64_MAX - g->page + 1;
		if (op_map(g, fixed, iova, len, pick_prot(g), va))
			return;
	}
}

static void gen_unmap(struct gen *g)
{
	struct ioas_mapping *m;
	size_t nm, i;
	uint64_t p = g->page, a, b;

	m = mappings(g, &nm);
	if (!m || chance(g, 15)) {
		free(m);
		switch (rn(g, 6)) {
		case 0:
			op_unmap(g, p * rn(g, 4096), p * (rn(g, 8) + 1));
			return;
		case 1:
			op_unmap(g, 0, UINT64_MAX - p + 1);
			return;
		case 2:
			op_unmap(g, UINT64_MAX - p + 1, p);
			return;
		case 3:
			op_unmap(g, p * rn(g, 64), 0);
			return;
		case 4:
			op_unmap(g, p * rn(g, 64) + 0x800, p);
			return;
		default:
			op_unmap(g, 0, UINT64_MAX);
			return;
		}
	}
	i = rn(g, nm);
	a = m[i].range.start;
	b = m[i].range.last;
	switch (rn(g, 8)) {
	case 0:
	case 1:
		op_unmap(g, a, b - a + 1);
		break;
	case 2: /* cut the start */
		op_unmap(g, a + p, b - a + 1 - p + (chance(g, 50) ? p : 0));
		break;
	case 3: /* cut the end */
		op_unmap(g, a, b - a + 1 - p);
		break;
	case 4: /* superset of this and the next ones */
		op_unmap(g, a - (a >= p ? p : 0),
			 m[nm - 1].range.last - a + 1 + 2 * p);
		break;
	case 5: /* from this one to the middle of the next */
		if (i + 1 < nm)
			op_unmap(g, a, m[i + 1].range.start + p - a);
		else
			op_unmap(g, a, b - a + 1 + p);
		break;
	case 6: /* up to the top of the space */
		op_unmap(g, a, UINT64_MAX - a + 1);
		break;
	default: /* misaligned */
		op_unmap(g, a, b - a + 1 - 0x800);
		break;
	}
	free(m);
}

static void gen_allow(struct gen *g)
{
	struct ioas_range r[3];
	const struct ioas_region *reg;
	uint64_t p = g->page, a;

	switch (rn(g, 8)) {
	case 0:
		op_allow(g, NULL, 0);
		return;
	case 1: /* a window low in the space */
		a = p * (rn(g, 1024) + 1);
		r[0].start = a;
		r[0].last = a + p * (rn(g, 64) + 1) - 1;
		op_allow(g, r, 1);
		return;
	case 2: /* single byte (iommufd refuses start == last) */
		a = p * (rn(g, 1024) + 1);
		r[0].start = r[0].last = a;
		op_allow(g, r, 1);
		return;
	case 3: /* two overlapping */
		a = p * (rn(g, 1024) + 1);
		r[0].start = a;
		r[0].last = a + 4 * p - 1;
		r[1].start = a + 2 * p;
		r[1].last = a + 8 * p - 1;
		op_allow(g, r, 2);
		return;
	case 4: /* over or next to a region */
		reg = any_region(g);
		if (!reg)
			break;
		r[0].start = reg->range.start - (chance(g, 50) ? p : 0);
		r[0].last = reg->range.start + (chance(g, 50) ? p : 0) - 1;
		if (r[0].start > r[0].last)
			r[0].last = r[0].start + p - 1;
		op_allow(g, r, 1);
		return;
	case 5: /* two disjoint windows */
		a = p * (rn(g, 256) + 1);
		r[0].start = a;
		r[0].last = a + 16 * p - 1;
		r[1].start = SZ_4G + a;
		r[1].last = SZ_4G + a + 16 * p - 1;
		op_allow(g, r, 2);
		return;
	case 6: /* everything but page 0 */
		r[0].start = p;
		r[0].last = UINT64_MAX;
		op_allow(g, r, 1);
		return;
	default:
		break;
	}
	a = g->hpage * (rn(g, 16) + 1);
	r[0].start = a;
	r[0].last = a + g->hpage - 1;
	op_allow(g, r, 1);
}

static void gen_copy(struct gen *g)
{
	struct ioas_mapping *m;
	size_t nm, i;
	uint64_t p = g->page, src, len;
	bool fixed = chance(g, 40);

	m = mappings(g, &nm);
	if (!m) {
		op_copy(g, p * rn(g, 64), p, fixed, pick_iova(g, p),
			pick_prot(g));
		return;
	}
	i = rn(g, nm);
	src = m[i].range.start;
	len = m[i].range.last - src + 1;
	switch (rn(g, 5)) {
	case 0: /* a slice */
		if (len > p) {
			src += p * rn(g, len / p);
			len = p;
		}
		break;
	case 1: /* past the end (hole or next mapping) */
		len += p;
		break;
	case 2: /* sub-page */
		len = p / 2;
		break;
	default:
		break;
	}
	free(m);
	if (len > MAP_PIN_MAX)
		len = p;
	op_copy(g, src, len, fixed, fixed ? pick_iova(g, len) : 0,
		pick_prot(g));
}

/* ------------------------------------------------------------------ */
/* scenarios                                                           */

static int begin(struct gen *g, const char *title, uint32_t dma_limit,
		 bool unsafe)
{
	struct ioas_space_config cfg = {
		.size = sizeof(cfg),
		.profile = g->profile,
		.flags = unsafe ? IOAS_SPACE_UNSAFE_INTERRUPTS : 0,
		.dma_limit = dma_limit,
		.page_size = g->page,
		.hpage_size = g->hpage,
	};
	const struct ggroup *g0 = &g->g[0];
	char lim[32] = "";
	size_t i, j;
	int ret;

	obuf_reset(&g->out);
	g->nr_ops = 0;
	ioas_space_free(g->model);
	g->model = NULL;
	ret = ioas_space_new(&cfg, &g->model);
	if (ret)
		return ret;
	if (dma_limit)
		snprintf(lim, sizeof(lim), " dma-limit=%" PRIu32, dma_limit);
	emit(g, "# %s", title);
	emit(g,
	     "space %s aperture=0x%" PRIx64 "-0x%" PRIx64 " pgsizes=0x%" PRIx64
	     "%s%s page=0x%" PRIx64 " hpage=0x%" PRIx64,
	     ioas_profile_name(g->profile), g0->aperture.start,
	     g0->aperture.last, g0->pgsizes, lim,
	     unsafe ? " unsafe-interrupts" : "", g->page, g->hpage);
	for (i = 0; i < g->ng; i++) {
		struct ggroup *gg = &g->g[i];

		gg->attached = false;
		gg->msi_on = false;
		emit(g,
		     "group %" PRIu32 " aperture=0x%" PRIx64 "-0x%" PRIx64
		     " pgsizes=0x%" PRIx64 " irq-remap=%s dev=%s",
		     gg->id, gg->aperture.start, gg->aperture.last, gg->pgsizes,
		     gg->irq_remap ? "yes" : "no", gg->dev);
		for (j = 0; j < gg->nr; j++) {
			const struct ioas_region *r = &gg->regions[j];

			emit(g,
			     "region %" PRIu32 " %s 0x%" PRIx64 " 0x%" PRIx64
			     " origin=%s",
			     gg->id, ioas_region_type_name(r->type),
			     r->range.start, r->range.last,
			     ioas_region_origin_name(r->origin));
		}
	}
	return 0;
}

static void gen_random(struct gen *g, uint64_t seed, const char *title)
{
	uint32_t limit = 0;
	size_t n, target;
	struct ggroup *gg;

	g->rng = seed * UINT64_C(0x9e3779b97f4a7c15) + 0x1234567;
	if (!g->rng)
		g->rng = 1;
	if (g->profile == IOAS_PROFILE_TYPE1 && chance(g, 12))
		limit = (uint32_t)rn(g, 6) + 1;
	if (begin(g, title, limit, g->unsafe))
		return;
	target = 18 + (size_t)rn(g, 18);
	if (chance(g, 85)) {
		op_attach(g, &g->g[rn(g, g->ng)]);
		op_usable(g);
	}
	for (n = 0; g->nr_ops < target && n < 4 * target; n++) {
		unsigned int r = (unsigned int)rn(g, 100);
		bool fd = g->profile == IOAS_PROFILE_IOMMUFD;

		/* Only with --doorbell, so that other runs stay as they were */
		if (g->doorbell && chance(g, 12)) {
			gen_doorbell(g);
			continue;
		}

		if (r < 8) {
			gg = chance(g, 80) ? attached_group(g, false) : NULL;
			op_attach(g, gg ? gg : &g->g[rn(g, g->ng)]);
			if (chance(g, 60))
				op_usable(g);
		} else if (r < 13) {
			gg = chance(g, 85) ? attached_group(g, true) : NULL;
			op_detach(g, gg ? gg : &g->g[rn(g, g->ng)]);
			if (chance(g, 60))
				op_usable(g);
		} else if (r < 50) {
			gen_map(g);
		} else if (r < 70) {
			gen_unmap(g);
		} else if (r < 74) {
			op_unmap_all(g);
		} else if (r < 82) {
			op_usable(g);
		} else if (r < 91) {
			if (fd)
				gen_allow(g);
			else
				gen_map(g);
		} else {
			if (fd)
				gen_copy(g);
			else if (chance(g, 50))
				op_info(g, rn(g, 2 * ARRAY_LEN(info_argsz)));
			else
				gen_unmap(g);
		}
	}
	/* Always end on the state of the space. */
	op_usable(g);
}

/* ------------------------------------------------------------------ */
/* hand-written edge cases (built on the real groups)                  */

typedef void (*case_fn)(struct gen *g);

static struct ggroup *first_usable_group(struct gen *g)
{
	size_t i, j;

	for (i = 0; i < g->ng; i++) {
		bool direct = false;

		for (j = 0; j < g->g[i].nr; j++)
			direct |= g->g[i].regions[j].type == IOAS_REGION_DIRECT;
		if (!direct)
			return &g->g[i];
	}
	return &g->g[0];
}

/* Map right up to and across every region edge of the first group. */
static void case_region_edges(struct gen *g)
{
	struct ggroup *gg = first_usable_group(g);
	uint64_t p = g->page;
	size_t j;

	op_attach(g, gg);
	op_usable(g);
	for (j = 0; j < gg->nr; j++) {
		const struct ioas_range *r = &gg->regions[j].range;

		if (r->start >= p)
			op_map(g, true, r->start - p, p, 3, 0);
		op_map(g, true, r->start, p, 3, 0);
		if (r->start >= p)
			op_map(g, true, r->start - p, 2 * p, 3, 0);
		if (r->last < UINT64_MAX - p) {
			op_map(g, true, r->last + 1, p, 3, 0);
			op_map(g, true, r->last + 1 - p, 2 * p, 3, 0);
		}
	}
	op_unmap_all(g);
	op_usable(g);
}

/* The aperture top and the 2^64 wrap. */
static void case_top(struct gen *g)
{
	struct ggroup *gg = first_usable_group(g);
	uint64_t p = g->page, top = gg->aperture.last;

	op_attach(g, gg);
	op_map(g, true, top + 1 - p, p, 3, 0);
	op_map(g, true, top + 1 - 2 * p, 2 * p, 3, 0);
	if (top != UINT64_MAX)
		op_map(g, true, top + 1, p, 3, 0);
	op_map(g, true, UINT64_MAX - p + 1, 2 * p, 3, 0);
	op_map(g, true, UINT64_MAX - p + 1, p, 3, 0);
	op_unmap(g, top + 1 - p, p);
	op_unmap(g, UINT64_MAX - p + 1, p);
	op_unmap(g, top + 1 - 2 * p, UINT64_MAX - (top + 1 - 2 * p) + 1);
	op_map(g, true, p, p, 3, UINT64_MAX - p + 1);
	op_usable(g);
}

/* Bisecting and superset unmaps over three adjacent mappings. */
static void case_bisect(struct gen *g)
{
	struct ggroup *gg = first_usable_group(g);
	uint64_t p = g->page, a = 0x100000;

	op_attach(g, gg);
	op_map(g, true, a, 4 * p, 3, 0);
	op_map(g, true, a + 4 * p, 4 * p, 3, 0);
	op_map(g, true, a + 8 * p, 4 * p, 3, 0);
	op_unmap(g, a + p, 2 * p);
	op_unmap(g, a, 2 * p);
	op_unmap(g, a + 2 * p, 8 * p);
	op_unmap(g, a, 6 * p);
	op_unmap(g, a - p, 14 * p);
	op_unmap(g, a, 12 * p);
	op_unmap(g, a, 12 * p);
	op_usable(g);
}

/* Alignment: misaligned iova, size, va; zero sizes. */
static void case_align(struct gen *g)
{
	struct ggroup *gg = first_usable_group(g);
	uint64_t p = g->page;

	op_attach(g, gg);
	op_map(g, true, 0x200800, p, 3, 0);
	op_map(g, true, 0x200000, p / 2, 3, 0);
	op_map(g, true, 0x200000, 0, 3, 0);
	op_map(g, true, 0x200000, p, 3, p / 2);
	op_map(g, true, 0x200000, p, 3, 3 * p);
	op_map(g, true, 0x200000, p, 0, 0);
	op_map(g, true, 0x200000, p, 1, 0);
	op_map(g, true, 0x201000, p, 2, 0);
	op_unmap(g, 0x200800, p);
	op_unmap(g, 0x200000, 0);
	op_unmap(g, 0x200000, p / 2);
	op_unmap_all(g);
	if (g->profile == IOAS_PROFILE_IOMMUFD) {
		op_map(g, false, 0, 3 * p, 3, 0);
		op_map(g, false, 0, p, 3, p);
		op_map(g, false, 0, p, 3, p / 2);
		op_map(g, false, 0, 2 * g->hpage, 3, 0);
		op_map(g, false, 0, 5 * p, 3, 3 * p);
	}
	op_usable(g);
}

/* Every group: attach, usable, detach, usable; then all at once. */
static void case_groups(struct gen *g)
{
	size_t i;

	for (i = 0; i < g->ng; i++) {
		op_attach(g, &g->g[i]);
		op_usable(g);
		op_map(g, true, 0x100000, g->page, 3, 0);
		op_attach(g, &g->g[i]);
		op_detach(g, &g->g[i]);
		op_usable(g);
		op_detach(g, &g->g[i]);
		op_unmap_all(g);
	}
	for (i = 0; i < g->ng; i++)
		op_attach(g, &g->g[i]);
	op_usable(g);
	if (g->profile == IOAS_PROFILE_TYPE1)
		for (i = 0; i <= ARRAY_LEN(info_argsz); i++)
			op_info(g, i);
	op_map(g, true, 0x100000, g->page, 3, 0);
	for (i = g->ng; i-- > 0;) {
		op_detach(g, &g->g[i]);
		op_usable(g);
	}
	op_map(g, true, 0x100000, g->page, 3, 0);
	op_unmap_all(g);
}

/* iommufd: allowed ranges, automatic allocation inside them, copy. */
static void case_allow_copy(struct gen *g)
{
	struct ggroup *gg = first_usable_group(g);
	uint64_t p = g->page;
	struct ioas_range r[2] = { { 0x10000000, 0x1000ffff },
				   { 0x20000000, 0x20000fff } };

	if (g->profile != IOAS_PROFILE_IOMMUFD)
		return;
	op_map(g, false, 0, p, 3, 0);
	op_allow(g, r, 2);
	op_map(g, false, 0, p, 3, 0);
	op_map(g, false, 0, 16 * p, 3, 0);
	op_map(g, false, 0, 16 * p, 3, 0);
	op_map(g, true, 0x100000, p, 3, 0);
	op_attach(g, gg);
	op_usable(g);
	r[0].start = r[0].last = 0x30000000;
	op_allow(g, r, 1);
	op_allow(g, NULL, 0);
	op_map(g, true, 0x40000000, 4 * p, 3, 0);
	op_map(g, true, 0x40004000, 4 * p, 3, 0);
	op_copy(g, 0x40001000, 6 * p, false, 0, 3);
	op_copy(g, 0x40001000, 6 * p, true, 0x50000000, 3);
	op_copy(g, 0x40000000, 9 * p, false, 0, 3);
	op_copy(g, 0x40000000, p / 2, false, 0, 3);
	op_unmap(g, 0x40000000, 6 * p);
	op_unmap(g, 0x40000000, 8 * p);
	op_unmap(g, 0, UINT64_MAX);
	op_unmap(g, 0, UINT64_MAX);
	op_usable(g);
}

/* type1: the DMA entry limit. */
static void case_limit(struct gen *g)
{
	uint64_t p = g->page;
	int i;

	op_attach(g, first_usable_group(g));
	for (i = 0; i < 4; i++)
		op_map(g, true, 0x100000 + (uint64_t)i * p, p, 3, 0);
	op_map(g, true, 0x100000, p, 3, 0);
	op_map(g, true, 0xfee00000, p, 3, 0);
	op_unmap(g, 0x100000, p);
	op_map(g, true, 0x200000, p, 3, 0);
	op_map(g, true, 0x300000, p, 3, 0);
	op_unmap_all(g);
	op_map(g, true, 0x200000, p, 3, 0);
	op_usable(g);
}

/* --doorbell: Linux's MSI cookie, on the real device(s). */
static void case_doorbell(struct gen *g)
{
	struct ggroup *a = NULL, *b = NULL;
	uint64_t p = g->page;
	size_t i;

	for (i = 0; i < g->ng; i++) {
		if (!g->g[i].has_msi)
			continue;
		if (!a)
			a = &g->g[i];
		else if (!b)
			b = &g->g[i];
	}
	if (!g->doorbell || !a)
		return;
	op_doorbell(g, a, false); /* not attached */
	op_attach(g, a);
	op_doorbell(g, a, false);
	op_doorbell(g, a, false); /* the same page again */
	op_usable(g);
	op_doorbell(g, a, true);
	op_doorbell(g, a, false); /* never released: the same IOVA */
	/* The window is reserved: maps in and around it */
	op_map(g, true, 0x8000000, p, 3, 0);
	op_map(g, true, 0x80ff000, 2 * p, 3, 0);
	op_map(g, true, 0x8100000, p, 3, 0);
	op_map(g, true, 0x7fff000, p, 3, 0);
	if (b) {
		/* A second group joins the domain: its doorbell shares the
		 * page */
		op_attach(g, b);
		op_doorbell(g, b, false);
		op_detach(g, a);
		op_doorbell(g, b, true);
		op_doorbell(g, b, false);
		op_attach(g, a);
		op_doorbell(g, a, false);
		op_detach(g, b);
	}
	/* The last group out frees the domain and its cookie; a new domain
	 * starts the bump pointer at the window's base again */
	op_detach(g, a);
	op_attach(g, a);
	op_doorbell(g, a, false);
	op_unmap_all(g);
	op_detach(g, a);
	op_usable(g);
}

static const struct {
	const char *name;
	case_fn fn;
	uint32_t profiles; /* 1 << profile */
	uint32_t dma_limit;
} cases[] = {
	{ "region-edges", case_region_edges, 6, 0 },
	{ "top-and-wrap", case_top, 6, 0 },
	{ "bisect", case_bisect, 6, 0 },
	{ "alignment", case_align, 6, 0 },
	{ "groups", case_groups, 6, 0 },
	{ "allow-copy", case_allow_copy, 4, 0 },
	{ "entry-limit", case_limit, 2, 4 },
	{ "doorbell", case_doorbell, 6, 0 },
};

/* ------------------------------------------------------------------ */
/* setup                                                               */

/* Whether @dev's config space (as root reads it) has MSI-X or MSI. */
static bool dev_has_msi(const char *sysfs, const char *dev)
{
	struct ioas_host_pci_msi m;
	unsigned char cfg[4096];
	char path[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/config",
		 sysfs ? sysfs : "/sys", dev);
	f = fopen(path, "rb");
	if (!f)
		return false;
	n = fread(cfg, 1, sizeof(cfg), f);
	fclose(f);
	return !ioas_host_pci_msi_parse(cfg, n, &m) &&
	       (m.flags & (IOAS_HOST_PCI_MSI | IOAS_HOST_PCI_MSIX));
}

static int load_groups(struct gen *g, const char *sysfs, char *devs)
{
	struct ioas_host_diag diag;
	struct ioas_host *h = NULL;
	char *save = NULL, *d;
	int ret;

	ret = ioas_host_load(sysfs, &h, &diag);
	if (ret) {
		fprintf(stderr, "ioas gen: %s: %s%s%s\n",
			sysfs ? sysfs : "/sys", ioas_strerror(ret),
			diag.path[0] ? ": " : "", diag.path);
		g->reported = true;
		return ret;
	}
	for (d = strtok_r(devs, ",", &save); d;
	     d = strtok_r(NULL, ",", &save)) {
		const struct ioas_host_group *hg = NULL;
		struct ggroup *gg;
		size_t i, j;

		for (i = 0; !hg && i < ioas_host_nr_groups(h); i++) {
			const struct ioas_host_group *x =
				ioas_host_group_peek(h, i);

			for (j = 0; j < x->nr_devices; j++)
				if (!strcmp(x->devices[j].name, d))
					hg = x;
		}
		if (!hg) {
			fprintf(stderr,
				"ioas gen: device %s is in no IOMMU group of %s\n",
				d, sysfs ? sysfs : "/sys");
			g->reported = true;
			ret = -ENOENT;
			break;
		}
		for (i = 0; i < g->ng; i++)
			if (g->g[i].id == hg->id)
				break;
		if (i < g->ng)
			continue; /* two devices of one group: one group line */
		if (g->ng == GEN_MAX_DEVS || strlen(d) >= sizeof(gg->dev)) {
			ret = -E2BIG;
			break;
		}
		gg = &g->g[g->ng];
		memset(gg, 0, sizeof(*gg));
		gg->id = hg->id;
		snprintf(gg->dev, sizeof(gg->dev), "%s", d);
		gg->aperture = hg->geom.aperture;
		gg->pgsizes = hg->geom.pgsizes;
		gg->irq_remap = !(hg->flags & IOAS_HOST_GROUP_MSI_UNISOLATED);
		gg->nr = hg->nr_regions;
		gg->regions = calloc(gg->nr ? gg->nr : 1, sizeof(*gg->regions));
		if (!gg->regions) {
			ret = -ENOMEM;
			break;
		}
		memcpy(gg->regions, hg->regions, gg->nr * sizeof(*gg->regions));
		gg->has_msi = dev_has_msi(sysfs, d);
		g->ng++;
	}
	ioas_host_free(h);
	return ret;
}

/* THP's PMD size from @sysfs, else 0. */
static uint64_t sysfs_hpage(const char *sysfs)
{
	char path[4096], buf[64];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path),
		 "%s/kernel/mm/transparent_hugepage/hpage_pmd_size",
		 sysfs ? sysfs : "/sys");
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		v = strtoull(buf, NULL, 10);
	fclose(f);
	return v;
}

static int write_out(struct gen *g, const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	if (!dir) {
		fputs(obuf_str(&g->out), stdout);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s.scn", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "ioas gen: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	fputs(obuf_str(&g->out), f);
	if (fclose(f)) {
		fprintf(stderr, "ioas gen: %s: %s\n", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

static bool arg_u64(const char *opt, const char *v, uint64_t *out)
{
	if (v && !parse_u64_n(v, strlen(v), out))
		return true;
	fprintf(stderr, "ioas gen: %s needs a number\n", opt);
	return false;
}

/* its=B, gicv2m=B or a physical address, as the scenario language. */
static bool parse_doorbell(const char *v, uint64_t *pa)
{
	uint64_t base, add = 0;
	const char *n = v;

	if (!strncmp(v, "its=", 4)) {
		n = v + 4;
		add = 0x10040;
	} else if (!strncmp(v, "gicv2m=", 7)) {
		n = v + 7;
		add = 0x40;
	}
	if (!*n || parse_u64_n(n, strlen(n), &base) || base > UINT64_MAX - add) {
		fprintf(stderr,
			"ioas gen: --doorbell takes its=<base>, gicv2m=<base> or a physical address below 2^64, not '%s'\n",
			v);
		return false;
	}
	*pa = base + add;
	return true;
}

int cmd_gen(int argc, char **argv)
{
	struct gen g;
	const char *sysfs = NULL, *out = NULL, *prof = NULL;
	char *devs = NULL;
	uint64_t seed = 1, count = 1, v;
	bool do_cases = false;
	char name[64], title[160];
	int i, ret = 0;

	memset(&g, 0, sizeof(g));
	g.page = (uint64_t)sysconf(_SC_PAGESIZE);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *nv = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			gen_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--profile") && nv) {
			prof = argv[++i];
		} else if (!strcmp(a, "--dev") && nv) {
			devs = argv[++i];
		} else if (!strcmp(a, "--sysfs") && nv) {
			sysfs = argv[++i];
		} else if (!strcmp(a, "--out") && nv) {
			out = argv[++i];
		} else if (!strcmp(a, "--seed")) {
			if (!arg_u64(a, argv[++i < argc ? i : 0], &seed))
				return 2;
		} else if (!strcmp(a, "--count")) {
			if (!arg_u64(a, argv[++i < argc ? i : 0], &count))
				return 2;
		} else if (!strcmp(a, "--page")) {
			if (!arg_u64(a, argv[++i < argc ? i : 0], &g.page))
				return 2;
		} else if (!strcmp(a, "--hpage")) {
			if (!arg_u64(a, argv[++i < argc ? i : 0], &g.hpage))
				return 2;
		} else if (!strcmp(a, "--unsafe-interrupts")) {
			g.unsafe = true;
		} else if (!strcmp(a, "--no-irq-remap")) {
			g.no_irq_remap = true;
		} else if (!strcmp(a, "--cases")) {
			do_cases = true;
		} else if (!strcmp(a, "--doorbell") && nv) {
			g.doorbell = argv[++i];
			if (!parse_doorbell(g.doorbell, &g.doorbell_pa))
				return 2;
		} else {
			fprintf(stderr,
				"ioas gen: unknown or incomplete option '%s'\n",
				a);
			gen_usage(stderr);
			return 2;
		}
	}
	if (!prof || !devs) {
		fprintf(stderr, "ioas gen: --profile and --dev are required\n");
		gen_usage(stderr);
		return 2;
	}
	if (!strcmp(prof, "type1")) {
		g.profile = IOAS_PROFILE_TYPE1;
	} else if (!strcmp(prof, "iommufd")) {
		g.profile = IOAS_PROFILE_IOMMUFD;
	} else {
		fprintf(stderr, "ioas gen: --profile is type1 or iommufd\n");
		return 2;
	}
	if (!g.page || (g.page & (g.page - 1))) {
		fprintf(stderr, "ioas gen: --page must be a power of two\n");
		return 2;
	}
	if (!g.hpage) {
		v = sysfs_hpage(sysfs);
		g.hpage = v ? v : g.page;
	}
	ret = load_groups(&g, sysfs, devs);
	if (!ret && !g.ng)
		ret = -ENOENT;
	for (i = 0; !ret && g.no_irq_remap && i < (int)g.ng; i++)
		g.g[i].irq_remap = false;
	if (ret)
		goto out;
	obuf_init(&g.out);
	if (do_cases) {
		size_t k;

		for (k = 0; !ret && k < ARRAY_LEN(cases); k++) {
			if (!(cases[k].profiles & (1u << g.profile)) ||
			    (cases[k].fn == case_doorbell && !g.doorbell))
				continue;
			snprintf(title, sizeof(title),
				 "ioas gen --cases: %s (%s)", cases[k].name,
				 prof);
			ret = begin(&g, title, cases[k].dma_limit, g.unsafe);
			if (ret)
				break;
			g.rng = 1;
			cases[k].fn(&g);
			snprintf(name, sizeof(name), "case-%s", cases[k].name);
			ret = g.out.oom ? -ENOMEM : write_out(&g, out, name);
		}
	} else {
		uint64_t k;

		for (k = 0; !ret && k < count; k++) {
			snprintf(title, sizeof(title),
				 "ioas gen --profile %s --seed %" PRIu64, prof,
				 seed + k);
			gen_random(&g, seed + k, title);
			snprintf(name, sizeof(name), "gen-%06" PRIu64,
				 seed + k);
			ret = g.out.oom ? -ENOMEM : write_out(&g, out, name);
		}
	}
	obuf_fini(&g.out);
out:
	ioas_space_free(g.model);
	for (i = 0; i < (int)g.ng; i++)
		free(g.g[i].regions);
	if (ret) {
		if (!g.reported)
			fprintf(stderr, "ioas gen: %s\n", ioas_strerror(ret));
		return ret == -ENOMEM || ret == -EIO ? 3 : 2;
	}
	return 0;
}
