// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas check: does a guest's memory map fit the usable IOVA of a set of
 * groups that will share one VFIO container (iommufd IOAS)?
 *
 * The guest map is what a VMM DMA-maps: its RAM (QEMU q35 or arm virt
 * computed from --ram, or any ranges from a --layout file; layout.h), and
 * optionally the q35 64-bit PCI window. The groups are attached together,
 * once as VFIO type1 and once as iommufd, with ioas_host_space(); their
 * usable ranges are what those kernels would report. Each guest range is
 * then either inside them ("fits") or not, and every piece that is not is
 * explained by what takes it away: a reserved region of one of the groups
 * (type and guessed origin), or the end of a group's aperture. A group
 * that cannot be attached at all (a direct region, or a conflict with the
 * others) is a conflict too; the layout is then checked against the groups
 * that remain.
 *
 * Each conflicting range gets fixes computed from the same usable ranges,
 * never canned per host: for a machine model, the largest RAM size whose
 * layout fits (layout_max_ram()) and, for an Intel vCPU on q35, whether
 * QEMU's AMD relocation above 1 TiB would fit; for a --layout range, the
 * lowest base where it fits (layout_find_base()) and how far it may grow
 * from its own base.
 *
 * Conflicts are kept once per (range, unusable piece, cause); the groups
 * and the profiles (type1, iommufd) that share one are merged into it, so
 * when both kernels agree, which they do on every known host, each
 * conflict says "both".
 *
 * Exit statuses (tool/cmds.h): 0 the layout fits, 1 conflicts, 2 bad
 * usage or input (also a malformed host tree), 3 a system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <ioas/host.h>
#include <ioas/ioas.h>

#include "cmds.h"
#include "fmt.h"
#include "hostsel.h"
#include "layout.h"
#include "output.h"
#include "parse.h"

#define NPROF 2
#define P_TYPE1 (1u << 0)
#define P_IOMMUFD (1u << 1)
#define MAX_FIX 3
#define GMASK_WORDS ((HOSTSEL_MAX_GROUPS + 63) / 64)

enum cause_kind {
	CAUSE_REGION,
	CAUSE_APERTURE,
	CAUSE_ATTACH,
	CAUSE_UNUSABLE,
};

/* Groups by their position in --groups. */
struct gmask {
	uint64_t w[GMASK_WORDS];
};

struct cause {
	uint32_t kind;		/* enum cause_kind */
	struct ioas_range range; /* the region, or the aperture */
	uint32_t type, origin;	/* CAUSE_REGION, or the attach's region */
	bool has_region;	/* CAUSE_ATTACH: @range/@type/@origin valid */
	unsigned int bits;	/* CAUSE_APERTURE: width, 0 if not 2^n */
	int err;		/* CAUSE_ATTACH */
	const char *what;	/* CAUSE_ATTACH: static */
	bool not_assignable;	/* CAUSE_ATTACH: it has a direct region */
};

struct conflict {
	size_t idx;		/* layout index; SIZE_MAX for CAUSE_ATTACH */
	struct ioas_range part;	/* the unusable piece of the range */
	unsigned int profiles;	/* P_* */
	struct gmask groups;
	struct cause cause;
	char *fix[MAX_FIX];	/* CAUSE_ATTACH only; ranges use check.fix */
	size_t nr_fix;
};

struct prof {
	uint32_t profile;
	unsigned int bit;
	uint32_t ids[HOSTSEL_MAX_GROUPS]; /* the groups attached */
	size_t nr;
	struct ioas_range_list usable;
};

struct fixes {
	char *v[MAX_FIX];
	size_t nr;
};

struct check {
	struct hostsel hs;
	bool json;
	/* the guest */
	uint32_t machine;
	uint64_t ram;
	uint32_t vendor;
	const char *vendor_how;
	uint32_t flags;		/* LAYOUT_PCI64 */
	const char *file;
	struct layout layout;
	struct layout moved;	/* @layout with the bases proposed so far */
	struct layout_q35 q35;
	/* the answer */
	struct prof prof[NPROF];
	struct ioas_range_list usable_all; /* every profile's, intersected */
	bool checked;		/* every profile kept at least one group */
	bool agree;		/* type1 and iommufd usable lists are equal */
	struct conflict *c;
	size_t nr_c, cap_c;
	struct fixes fix[LAYOUT_MAX_RANGES];
	char **notes;
	size_t nr_notes;
	bool oom;
};

static void check_usage(FILE *f)
{
	fprintf(f,
		"usage: ioas check --groups LIST (--ram SIZE --machine q35|virt\n"
		"                  [--cpu-vendor amd|intel] [--pci64] | --layout FILE)\n"
		"                  [--sysfs DIR|FILE] [--json]\n"
		"\n"
		"Check that a guest's memory map (what a VMM DMA-maps) is usable IOVA for\n"
		"these groups sharing one VFIO container or iommufd IOAS. Each conflict is\n"
		"explained (reserved region, aperture, a group that cannot be attached)\n"
		"with a fix computed for this host.\n"
		"\n"
		"options:\n"
		"  --groups LIST      the IOMMU groups, e.g. 1,5 (required)\n"
		"  --ram SIZE         guest RAM, e.g. 4G, 2T, 512M (with --machine)\n"
		"  --machine M        q35 (RAM split below/above 4 GiB as QEMU does) or\n"
		"                     virt (arm: RAM at 1 GiB)\n"
		"  --cpu-vendor V     q35 vCPU vendor: amd makes QEMU move above-4G RAM to\n"
		"                     1 TiB when it would reach the HyperTransport hole\n"
		"                     (default: amd if the groups sit behind AMD-Vi)\n"
		"  --pci64            q35: also check the 64-bit PCI window (32 GiB)\n"
		"  --layout FILE      ranges, one per line: <start>-<last> or\n"
		"                     <start>+<size>, an optional name, # comments\n"
		"  --sysfs DIR        read this sysfs tree (or 'ioas capture' file)\n"
		"                     instead of /sys\n"
		"  --json             print JSON\n"
		"  --help             print this help\n"
		"\n"
		"exit status: 0 fits, 1 conflicts, 2 bad usage or input, 3 system error.\n");
}

/* ---------------------------------------------------------------------- */
/* Small helpers */

/*
 * A byte count in binary units: a whole number of the largest unit below
 * 10240 if one divides it ("2046 GiB", "4078 MiB"), else two decimals,
 * truncated. @size 0 stands for 2^64.
 */
static void size_str(uint64_t size, char *buf, size_t n)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	unsigned int u = 0, e;
	uint64_t cents;

	if (!size) {
		snprintf(buf, n, "16 EiB");
		return;
	}
	while (u + 1 < 7 && size >> (10 * (u + 1)))
		u++;
	for (e = u + 1; e-- > 0;) {
		uint64_t mask = (UINT64_C(1) << (10 * e)) - 1;

		if (!(size & mask) && (size >> (10 * e)) < 10240) {
			snprintf(buf, n, "%" PRIu64 " %s", size >> (10 * e),
				 units[e]);
			return;
		}
	}
	cents = (uint64_t)((double)size * 100.0 /
			   (double)(UINT64_C(1) << (10 * u)));
	snprintf(buf, n, "%" PRIu64 ".%02u %s", cents / 100,
		 (unsigned int)(cents % 100), units[u]);
}

static uint64_t range_size(const struct ioas_range *r)
{
	return r->last - r->start + 1; /* 0 for the whole space */
}

/* QEMU's -m argument for a multiple of 1 MiB. */
static void m_arg(uint64_t ram, char *buf, size_t n)
{
	if (!(ram % LAYOUT_GIB))
		snprintf(buf, n, "%" PRIu64 "G", ram / LAYOUT_GIB);
	else
		snprintf(buf, n, "%" PRIu64 "M", ram / LAYOUT_MIB);
}

static void gmask_set(struct gmask *m, size_t i)
{
	m->w[i / 64] |= UINT64_C(1) << (i % 64);
}

static bool gmask_has(const struct gmask *m, size_t i)
{
	return m->w[i / 64] & (UINT64_C(1) << (i % 64));
}

static size_t group_pos(const struct hostsel *hs, uint32_t id)
{
	size_t i;

	for (i = 0; i < hs->nr_groups; i++)
		if (hs->groups[i] == id)
			return i;
	return 0; /* not reached: every id comes from --groups */
}

/* "group 1" or "groups 1, 5" (@word), "1, 5" (!@word), in --groups order. */
static char *groups_str(const struct hostsel *hs, const struct gmask *m,
			bool word)
{
	char *s = NULL, *t;
	size_t i, n = 0;

	for (i = 0; i < hs->nr_groups; i++)
		n += gmask_has(m, i);
	s = xasprintf("%s", !word ? "" : n == 1 ? "group " : "groups ");
	for (i = 0, n = 0; s && i < hs->nr_groups; i++) {
		if (!gmask_has(m, i))
			continue;
		t = xasprintf("%s%s%" PRIu32, s, n++ ? ", " : "",
			      hs->groups[i]);
		free(s);
		s = t;
	}
	return s;
}

static void add_note(struct check *ck, char *note)
{
	char **v;
	size_t i;

	if (!note) {
		ck->oom = true;
		return;
	}
	for (i = 0; i < ck->nr_notes; i++) {
		if (!strcmp(ck->notes[i], note)) {
			free(note);
			return;
		}
	}
	v = realloc(ck->notes, (ck->nr_notes + 1) * sizeof(*v));
	if (!v) {
		free(note);
		ck->oom = true;
		return;
	}
	ck->notes = v;
	ck->notes[ck->nr_notes++] = note;
}

static void add_fix(struct fixes *f, char *s, bool *oom)
{
	if (!s) {
		*oom = true;
		return;
	}
	if (f->nr == MAX_FIX) {
		free(s);
		return;
	}
	f->v[f->nr++] = s;
}

/* ---------------------------------------------------------------------- */
/* Conflicts */

static bool cause_eq(const struct cause *a, const struct cause *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case CAUSE_REGION:
		return a->type == b->type && a->origin == b->origin &&
		       a->range.start == b->range.start &&
		       a->range.last == b->range.last;
	case CAUSE_APERTURE:
		return a->range.start == b->range.start &&
		       a->range.last == b->range.last;
	case CAUSE_ATTACH:
		return a->err == b->err && a->what == b->what;
	default:
		return true;
	}
}

/* Adds a conflict, or merges its group and profile into an equal one. */
static void add_conflict(struct check *ck, size_t idx,
			 const struct ioas_range *part, unsigned int prof,
			 size_t gpos, const struct cause *cause)
{
	struct conflict *c;
	size_t i;

	for (i = 0; i < ck->nr_c; i++) {
		c = &ck->c[i];
		if (c->idx != idx || !cause_eq(&c->cause, cause))
			continue;
		if (idx != SIZE_MAX && (c->part.start != part->start ||
					c->part.last != part->last))
			continue;
		/* An attach conflict is per group. */
		if (idx == SIZE_MAX && !gmask_has(&c->groups, gpos))
			continue;
		c->profiles |= prof;
		if (gpos != SIZE_MAX)
			gmask_set(&c->groups, gpos);
		return;
	}
	if (ck->nr_c == ck->cap_c) {
		size_t cap = ck->cap_c ? ck->cap_c * 2 : 8;

		c = realloc(ck->c, cap * sizeof(*c));
		if (!c) {
			ck->oom = true;
			return;
		}
		ck->c = c;
		ck->cap_c = cap;
	}
	c = &ck->c[ck->nr_c++];
	memset(c, 0, sizeof(*c));
	c->idx = idx;
	if (part)
		c->part = *part;
	c->profiles = prof;
	if (gpos != SIZE_MAX)
		gmask_set(&c->groups, gpos);
	c->cause = *cause;
}

/* Conflicts in range order, then by the piece, the cause kind, the type. */
static int conflict_cmp(const void *pa, const void *pb)
{
	const struct conflict *a = pa, *b = pb;

	/* Attach conflicts (SIZE_MAX) first: they decide what was checked. */
	if (a->idx != b->idx)
		return a->idx + 1 < b->idx + 1 ? -1 : 1;
	if (a->part.start != b->part.start)
		return a->part.start < b->part.start ? -1 : 1;
	if (a->cause.kind != b->cause.kind)
		return a->cause.kind < b->cause.kind ? -1 : 1;
	if (a->cause.type != b->cause.type)
		return a->cause.type < b->cause.type ? -1 : 1;
	if (a->part.last != b->part.last)
		return a->part.last < b->part.last ? -1 : 1;
	return 0;
}

/* Explains one unusable piece @u of layout range @idx for profile @p. */
static void explain(struct check *ck, struct prof *p, size_t idx,
		    const struct ioas_range *u)
{
	const struct ioas_host *h = ck->hs.h;
	bool found = false;
	size_t i, j;

	for (i = 0; i < p->nr; i++) {
		const struct ioas_host_group *g =
			ioas_host_group_find(h, p->ids[i]);
		size_t gpos = group_pos(&ck->hs, p->ids[i]);
		const struct ioas_range *ap = &g->geom.aperture;
		struct cause c = { .kind = CAUSE_REGION };
		struct ioas_range part;

		for (j = 0; j < g->nr_regions; j++) {
			const struct ioas_region *r = &g->regions[j];

			/* Relaxable regions never take IOVA away. */
			if (r->type == IOAS_REGION_DIRECT_RELAXABLE ||
			    !ioas_range_overlaps(&r->range, u))
				continue;
			c.range = r->range;
			c.type = r->type;
			c.origin = r->origin;
			part.start = r->range.start > u->start ?
					     r->range.start : u->start;
			part.last = r->range.last < u->last ? r->range.last :
							      u->last;
			add_conflict(ck, idx, &part, p->bit, gpos, &c);
			found = true;
		}
		memset(&c, 0, sizeof(c));
		c.kind = CAUSE_APERTURE;
		c.range = *ap;
		c.bits = aperture_bits(ap);
		if (u->start < ap->start) {
			part.start = u->start;
			part.last = u->last < ap->start ? u->last :
							  ap->start - 1;
			add_conflict(ck, idx, &part, p->bit, gpos, &c);
			found = true;
		}
		if (u->last > ap->last) {
			part.start = u->start > ap->last ? u->start :
							   ap->last + 1;
			part.last = u->last;
			add_conflict(ck, idx, &part, p->bit, gpos, &c);
			found = true;
		}
	}
	if (!found) {
		struct cause c = { .kind = CAUSE_UNUSABLE };

		add_conflict(ck, idx, u, p->bit, SIZE_MAX, &c);
	}
}

/*
 * Attaches the groups for one profile, dropping each group whose attach
 * fails (and recording why), until the rest attach or none is left.
 * Returns 0 or a negative errno for a system error.
 */
static int attach(struct check *ck, struct prof *p)
{
	struct ioas_space *s = NULL;
	struct ioas_why why;
	size_t i;
	int err;

	p->nr = ck->hs.nr_groups;
	memcpy(p->ids, ck->hs.groups, p->nr * sizeof(p->ids[0]));
	while (p->nr) {
		const struct ioas_host_group *g;
		struct cause c = { .kind = CAUSE_ATTACH };

		err = ioas_host_space(ck->hs.h, p->profile, p->ids, p->nr,
				      IOAS_SPACE_UNSAFE_INTERRUPTS, &s, &why);
		if (!err) {
			err = ioas_space_usable(s, &p->usable, NULL);
			ioas_space_free(s);
			return err;
		}
		if (err == -ENOMEM || !(why.flags & IOAS_WHY_GROUP))
			return err;
		g = ioas_host_group_find(ck->hs.h, why.group);
		c.err = err;
		c.what = why.what ? why.what : ioas_strerror(err);
		c.not_assignable = g && (g->flags &
					 IOAS_HOST_GROUP_NOT_ASSIGNABLE);
		if (why.flags & IOAS_WHY_REGION) {
			c.has_region = true;
			c.range = why.region.range;
			c.type = why.region.type;
			c.origin = why.region.origin;
		}
		add_conflict(ck, SIZE_MAX, NULL, p->bit,
			     group_pos(&ck->hs, why.group), &c);
		for (i = 0; i < p->nr && p->ids[i] != why.group; i++)
			;
		if (i == p->nr)
			return -EINVAL; /* not reached: the group is ours */
		memmove(&p->ids[i], &p->ids[i + 1],
			(p->nr - i - 1) * sizeof(p->ids[0]));
		p->nr--;
	}
	return 0;
}

static int check_ranges(struct check *ck, struct prof *p)
{
	struct ioas_range_list one = IOAS_RANGE_LIST_INIT;
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < ck->layout.nr; i++) {
		ioas_range_list_fini(&one);
		err = ioas_range_list_add(&one, &ck->layout.v[i].r);
		if (!err)
			err = ioas_range_list_subtract(&one, &one, &p->usable);
		for (j = 0; !err && j < one.nr; j++)
			explain(ck, p, i, &one.v[j]);
	}
	ioas_range_list_fini(&one);
	return err;
}

static bool range_conflicts(const struct check *ck, size_t idx)
{
	size_t i;

	for (i = 0; i < ck->nr_c; i++)
		if (ck->c[i].idx == idx)
			return true;
	return false;
}

/* ---------------------------------------------------------------------- */
/* Fixes */

struct fit_ctx {
	const struct check *ck;
	bool mmio;	/* also MMIO ranges */
};

static bool fits_all(const struct layout *l, void *arg)
{
	const struct fit_ctx *f = arg;
	size_t i, k;

	for (i = 0; i < l->nr; i++) {
		if (l->v[i].kind == LAYOUT_MMIO && !f->mmio)
			continue;
		for (k = 0; k < NPROF; k++)
			if (f->ck->prof[k].nr &&
			    !ioas_range_list_covers(&f->ck->prof[k].usable,
						    &l->v[i].r))
				return false;
	}
	return true;
}

static const char *ram_fits_phrase(const struct check *ck)
{
	return ck->machine == LAYOUT_MACHINE_Q35 ?
		       "the largest q35 guest whose RAM is all usable IOVA here" :
		       "the largest virt guest whose RAM (at 1 GiB) is all usable IOVA here";
}

static void fix_max_ram(struct check *ck, struct fixes *fx, bool mmio)
{
	struct fit_ctx f = { .ck = ck, .mmio = mmio };
	char sz[32], m[32];
	uint64_t max;

	if (layout_max_ram(ck->machine, ck->vendor, mmio ? ck->flags : 0,
			   ck->ram, fits_all, &f, &max))
		return;
	if (!max) {
		add_fix(fx, xasprintf("none by RAM size: not even a 1 MiB %s guest has all its RAM in usable IOVA here",
				      layout_machine_name(ck->machine)),
			&ck->oom);
		return;
	}
	if (max >= ck->ram)
		return;
	size_str(max, sz, sizeof(sz));
	m_arg(max, m, sizeof(m));
	if (mmio)
		add_fix(fx, xasprintf("use at most %s of RAM (-m %s), the largest q35 guest whose RAM and 64-bit PCI window are both usable IOVA here",
				      sz, m), &ck->oom);
	else
		add_fix(fx, xasprintf("use at most %s of RAM (-m %s), %s",
				      sz, m, ram_fits_phrase(ck)), &ck->oom);
}

/* q35 with an Intel vCPU: would QEMU's AMD relocation fit? */
static void fix_relocate(struct check *ck, struct fixes *fx)
{
	struct fit_ctx f = { .ck = ck };
	struct layout_q35 q;
	struct layout l;

	if (ck->vendor != LAYOUT_VENDOR_INTEL ||
	    layout_q35(ck->ram, LAYOUT_VENDOR_AMD, &q) || !q.relocated ||
	    layout_machine(LAYOUT_MACHINE_Q35, ck->ram, LAYOUT_VENDOR_AMD, 0,
			   &l) || !fits_all(&l, &f))
		return;
	add_fix(fx, xasprintf("move above-4G RAM to 0x%" PRIx64 " (1 TiB), as QEMU does itself for an AMD vCPU (pc_memory_init(), machine types pc-q35-7.1 and later): give the guest an AMD CPU model%s; QEMU then needs phys-bits >= %u",
			      q.above_start,
			      strcmp(ck->vendor_how, "--cpu-vendor") ?
				      "" : " (drop --cpu-vendor intel)",
			      q.phys_bits), &ck->oom);
}

/* q35 with an Intel vCPU: the largest pci-hole64-size that fits. */
static void fix_hole64(struct check *ck, size_t i, struct fixes *fx)
{
	const struct layout_range *r = &ck->layout.v[i];
	long at = ioas_range_list_find(&ck->usable_all, r->r.start);
	char sz[32], m[32];
	uint64_t max;

	if (ck->vendor != LAYOUT_VENDOR_INTEL || at < 0)
		return;
	max = ck->usable_all.v[at].last - r->r.start + 1;
	max &= ~(LAYOUT_MIB - 1);
	if (!max || max >= range_size(&r->r))
		return;
	size_str(max, sz, sizeof(sz));
	m_arg(max, m, sizeof(m));
	add_fix(fx, xasprintf("shrink the 64-bit PCI window to %s (-global q35-pcihost.pci-hole64-size=%s)",
			      sz, m), &ck->oom);
}

static void fix_file_range(struct check *ck, size_t i, struct fixes *fx)
{
	const struct layout_range *r = &ck->layout.v[i];
	uint64_t size = range_size(&r->r), base, max;
	const char *what = r->kind == LAYOUT_MMIO ? "window" : "range";
	long at;
	char sz[32];
	int err;

	if (!size)
		return; /* all of [0, 2^64 - 1]: nothing to move or shrink */
	/* Clear of the other ranges where earlier fixes put them. */
	err = layout_find_base(&ck->usable_all, size,
			       layout_base_align(size), &ck->moved, i, &base);
	if (!err && base != r->r.start) {
		size_str(layout_base_align(size), sz, sizeof(sz));
		add_fix(fx, xasprintf("give %s base 0x%" PRIx64 " (same size, %s aligned%s)%s",
				      r->name, base, sz,
				      ck->layout.nr > 1 ?
				      ", clear of the other ranges" : "",
				      base == VIRT_MEM_BASE &&
				      r->kind == LAYOUT_RAM ?
				      ", where QEMU -M virt puts RAM" : ""),
			&ck->oom);
		ck->moved.v[i].r.start = base;
		ck->moved.v[i].r.last = base + size - 1;
	} else if (err == -ENOSPC) {
		size_str(size, sz, sizeof(sz));
		add_fix(fx, xasprintf("no base fits %s of %s: the usable IOVA has no hole that large",
				      what, sz), &ck->oom);
	}
	at = ioas_range_list_find(&ck->usable_all, r->r.start);
	if (at < 0)
		return;
	max = ck->usable_all.v[at].last - r->r.start + 1;
	max &= ~(LAYOUT_ALIGN - 1);
	if (!max || max >= size)
		return;
	size_str(max, sz, sizeof(sz));
	add_fix(fx, xasprintf("shrink %s to %s at its base (then it ends at 0x%" PRIx64 ")",
			      r->name, sz,
			      r->r.start + max - 1), &ck->oom);
}

static void compute_fixes(struct check *ck)
{
	size_t i;

	ck->moved = ck->layout;
	for (i = 0; i < ck->layout.nr; i++) {
		const struct layout_range *r = &ck->layout.v[i];
		struct fixes *fx = &ck->fix[i];

		if (!range_conflicts(ck, i))
			continue;
		if (!ck->machine) {
			fix_file_range(ck, i, fx);
			continue;
		}
		if (r->kind == LAYOUT_MMIO) {
			fix_max_ram(ck, fx, true);
			fix_hole64(ck, i, fx);
			continue;
		}
		if (ck->machine == LAYOUT_MACHINE_Q35 &&
		    !strcmp(r->name, "ram-above-4g"))
			fix_relocate(ck, fx);
		fix_max_ram(ck, fx, false);
	}
}

static void attach_fixes(struct check *ck)
{
	size_t i, k;

	for (i = 0; i < ck->nr_c; i++) {
		struct conflict *c = &ck->c[i];
		struct fixes fx = { .nr = 0 };
		char *gs;

		if (c->idx != SIZE_MAX)
			continue;
		gs = groups_str(&ck->hs, &c->groups, true);
		if (!gs) {
			ck->oom = true;
			continue;
		}
		if (c->cause.not_assignable)
			add_fix(&fx, xasprintf("leave %s out: Linux 6.12 refuses a group with a direct (identity-mapped) region to VFIO type1 and iommufd, and no guest layout changes that; only firmware that drops the region does",
					       gs), &ck->oom);
		else
			add_fix(&fx, xasprintf("put %s in a container (IOAS) of its own, or leave it out",
					       gs), &ck->oom);
		free(gs);
		for (k = 0; k < fx.nr; k++)
			c->fix[k] = fx.v[k];
		c->nr_fix = fx.nr;
	}
}

/* ---------------------------------------------------------------------- */
/* Notes */

/* Relaxable regions under the guest: allowed, but worth knowing. */
static void note_relaxable(struct check *ck, const struct ioas_host_group *g)
{
	size_t j, l;

	for (j = 0; j < g->nr_regions; j++) {
		const struct ioas_region *r = &g->regions[j];
		const char *on = ioas_region_origin_name(r->origin);
		const char *od = ioas_region_origin_describe(r->origin);

		if (r->type != IOAS_REGION_DIRECT_RELAXABLE)
			continue;
		for (l = 0; l < ck->layout.nr; l++) {
			const struct layout_range *lr = &ck->layout.v[l];

			if (!ioas_range_overlaps(&r->range, &lr->r))
				continue;
			add_note(ck, xasprintf("%s overlaps the direct-relaxable region 0x%" PRIx64 "-0x%" PRIx64 " (%s: %s) of group %" PRIu32 ": VFIO and iommufd ignore it, so the device loses that identity map while it is assigned",
					       lr->name, r->range.start,
					       r->range.last, on, od, g->id));
		}
	}
}

static void compute_notes(struct check *ck)
{
	const struct layout_q35 *q = &ck->q35;
	size_t i, k;

	if (ck->machine == LAYOUT_MACHINE_Q35 && q->relocated)
		add_note(ck, xasprintf("QEMU moves above-4G RAM from 0x%" PRIx64 " to 0x%" PRIx64 " (1 TiB): with an AMD vCPU it does so when the guest's highest address (RAM and the 32 GiB 64-bit PCI window after it) would reach the HyperTransport hole 0x%" PRIx64 "-0x%" PRIx64 " (pc_memory_init(), machine types pc-q35-7.1 and later; older ones do not: check those with --cpu-vendor intel)",
				       X86_ABOVE_4G_MEM_START, q->above_start,
				       AMD_HT_START, AMD_HT_END));
	if (ck->machine == LAYOUT_MACHINE_Q35 && q->phys_bits > 40)
		add_note(ck, xasprintf("QEMU needs phys-bits >= %u for this guest (its highest address is 0x%" PRIx64 "; pc_memory_init() exits otherwise; named CPU models default to 40, -cpu host takes the host's)",
				       q->phys_bits, q->max_used_gpa));
	/* add_note() drops the second profile's copies. */
	for (k = 0; k < NPROF; k++)
		for (i = 0; i < ck->prof[k].nr; i++)
			note_relaxable(ck, ioas_host_group_find(
						   ck->hs.h,
						   ck->prof[k].ids[i]));
	if (!ck->agree && ck->checked)
		add_note(ck, xasprintf("%s", "VFIO type1 and iommufd report different usable ranges for these groups: the conflicts say which one they apply to"));
}

/* ---------------------------------------------------------------------- */
/* Text output */

static const char *prof_tag(unsigned int p)
{
	switch (p) {
	case P_TYPE1:
		return " (VFIO type1 only)";
	case P_IOMMUFD:
		return " (iommufd only)";
	default:
		return "";
	}
}

static void print_list(const struct ioas_range_list *l)
{
	size_t i;

	if (!l->nr)
		fputs(" none", stdout);
	for (i = 0; i < l->nr; i++)
		printf("%s 0x%" PRIx64 "-0x%" PRIx64, i ? "," : "",
		       l->v[i].start, l->v[i].last);
	putchar('\n');
}

static void print_guest(const struct check *ck)
{
	char sz[32];

	if (!ck->machine) {
		printf("Guest: %s, %zu range%s\n", ck->file, ck->layout.nr,
		       ck->layout.nr == 1 ? "" : "s");
		return;
	}
	size_str(ck->ram, sz, sizeof(sz));
	printf("Guest: %s, %s of RAM", layout_machine_name(ck->machine), sz);
	if (ck->machine == LAYOUT_MACHINE_Q35)
		printf(", %s vCPU (%s)",
		       ck->vendor == LAYOUT_VENDOR_AMD ? "AMD" : "Intel",
		       ck->vendor_how);
	if (ck->flags & LAYOUT_PCI64)
		printf(", with the 64-bit PCI window");
	putchar('\n');
}

static int print_text(struct check *ck)
{
	const struct hostsel *hs = &ck->hs;
	size_t i, k, w = 4, nr_conf = 0;
	struct gmask all = { { 0 } };
	char *gs;

	print_guest(ck);
	for (i = 0; i < hs->nr_groups; i++)
		gmask_set(&all, i);
	gs = groups_str(hs, &all, false);
	if (!gs)
		return -ENOMEM;
	printf("Group%s: %s%s", hs->nr_groups == 1 ? "" : "s", gs,
	       hs->nr_groups == 1 ? "" : " (one container)");
	free(gs);
	if (ck->prof[0].nr != hs->nr_groups ||
	    ck->prof[1].nr != hs->nr_groups) {
		struct gmask m = { { 0 } };

		for (i = 0; i < ck->prof[0].nr; i++)
			gmask_set(&m, group_pos(hs, ck->prof[0].ids[i]));
		gs = groups_str(hs, &m, false);
		if (!gs)
			return -ENOMEM;
		printf("; checked against %s (see the conflicts)",
		       ck->prof[0].nr ? gs : "none");
		free(gs);
	}
	putchar('\n');
	if (!ck->prof[0].nr && !ck->prof[1].nr) {
		printf("Usable IOVA: none (no group can be attached)\n");
	} else if (ck->agree) {
		printf("Usable IOVA (VFIO type1 and iommufd agree):");
		print_list(&ck->prof[0].usable);
	} else {
		printf("Usable IOVA, VFIO type1:");
		print_list(&ck->prof[0].usable);
		printf("Usable IOVA, iommufd:");
		print_list(&ck->prof[1].usable);
	}
	putchar('\n');

	for (i = 0; i < ck->layout.nr; i++)
		if (strlen(ck->layout.v[i].name) > w)
			w = strlen(ck->layout.v[i].name);
	{
		char rng[LAYOUT_MAX_RANGES][48], sz[LAYOUT_MAX_RANGES][32];
		size_t wr = 0, ws = 0;

		for (i = 0; i < ck->layout.nr; i++) {
			const struct ioas_range *r = &ck->layout.v[i].r;

			snprintf(rng[i], sizeof(rng[i]),
				 "0x%" PRIx64 "-0x%" PRIx64, r->start, r->last);
			size_str(range_size(r), sz[i], sizeof(sz[i]));
			if (strlen(rng[i]) > wr)
				wr = strlen(rng[i]);
			if (strlen(sz[i]) > ws)
				ws = strlen(sz[i]);
		}
		for (i = 0; i < ck->layout.nr; i++) {
			const struct layout_range *r = &ck->layout.v[i];

			printf("  %-*s  %-4s  %-*s  %*s  %s\n", (int)w, r->name,
			       layout_kind_name(r->kind), (int)wr, rng[i],
			       (int)ws, sz[i],
			       range_conflicts(ck, i) ? "CONFLICT" :
			       ck->checked ? "fits" : "not checked");
		}
	}

	for (i = 0; i < ck->nr_c; i++) {
		const struct conflict *c = &ck->c[i];
		const struct fixes *fx;
		const struct cause *ca = &c->cause;
		char psz[32];

		if (!nr_conf++)
			printf("\nConflicts:\n");
		gs = groups_str(hs, &c->groups, true);
		if (!gs)
			return -ENOMEM;
		if (c->idx == SIZE_MAX) {
			printf("  %s cannot be attached%s (%s): %s", gs,
			       prof_tag(c->profiles), fmt_errname(ca->err),
			       ca->what);
			if (ca->has_region)
				printf(": %s region 0x%" PRIx64 "-0x%" PRIx64
				       " (%s: %s)",
				       ioas_region_type_name(ca->type),
				       ca->range.start, ca->range.last,
				       ioas_region_origin_name(ca->origin),
				       ioas_region_origin_describe(ca->origin));
			putchar('\n');
		} else {
			size_str(range_size(&c->part), psz, sizeof(psz));
			printf("  %s: 0x%" PRIx64 "-0x%" PRIx64
			       " (%s) is not usable%s: ",
			       ck->layout.v[c->idx].name, c->part.start,
			       c->part.last, psz, prof_tag(c->profiles));
			switch (ca->kind) {
			case CAUSE_REGION:
				printf("%s region 0x%" PRIx64 "-0x%" PRIx64
				       " (%s: %s) of %s\n",
				       ioas_region_type_name(ca->type),
				       ca->range.start, ca->range.last,
				       ioas_region_origin_name(ca->origin),
				       ioas_region_origin_describe(ca->origin),
				       gs);
				break;
			case CAUSE_APERTURE:
				printf("outside the aperture 0x%" PRIx64
				       "-0x%" PRIx64,
				       ca->range.start, ca->range.last);
				if (ca->bits)
					printf(" (%u bits)", ca->bits);
				printf(" of %s\n", gs);
				break;
			default:
				printf("not in the usable ranges\n");
				break;
			}
		}
		free(gs);
		/* A range's fixes once, after its last conflict. */
		if (c->idx != SIZE_MAX && i + 1 < ck->nr_c &&
		    ck->c[i + 1].idx == c->idx)
			continue;
		if (c->idx == SIZE_MAX) {
			for (k = 0; k < c->nr_fix; k++)
				printf("  %s %s\n", k ? " or:" : "fix:",
				       c->fix[k]);
			continue;
		}
		fx = &ck->fix[c->idx];
		for (k = 0; k < fx->nr; k++)
			printf("  %s %s\n", k ? " or:" : "fix:", fx->v[k]);
	}

	if (ck->nr_notes)
		putchar('\n');
	for (i = 0; i < ck->nr_notes; i++)
		printf("note: %s\n", ck->notes[i]);

	putchar('\n');
	if (!ck->nr_c)
		printf("Fits: every range is usable IOVA for these groups.\n");
	else if (!ck->checked && !ck->prof[0].nr && !ck->prof[1].nr)
		printf("Does not fit: no group can be attached, so the layout was not checked.\n");
	else
		printf("Does not fit: %zu conflict%s.\n", ck->nr_c,
		       ck->nr_c == 1 ? "" : "s");
	return 0;
}

/* ---------------------------------------------------------------------- */
/* JSON output */

static json_t *jgroups(const struct hostsel *hs, const struct gmask *m)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < hs->nr_groups; i++) {
		if (m && !gmask_has(m, i))
			continue;
		if (json_array_append_new(a, json_integer(hs->groups[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *jids(const struct prof *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < p->nr; i++) {
		if (json_array_append_new(a, json_integer(p->ids[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static const char *prof_name(unsigned int p)
{
	return p == P_TYPE1 ? "type1" : p == P_IOMMUFD ? "iommufd" : "both";
}

static json_t *jcause(const struct check *ck, const struct conflict *c)
{
	const struct cause *ca = &c->cause;
	json_t *o = json_object();
	int bad = !o;

	switch (ca->kind) {
	case CAUSE_REGION:
		bad |= json_object_set_new(o, "kind", json_string("region"));
		break;
	case CAUSE_APERTURE:
		bad |= json_object_set_new(o, "kind", json_string("aperture"));
		break;
	case CAUSE_ATTACH:
		bad |= json_object_set_new(o, "kind", json_string("attach"));
		break;
	default:
		bad |= json_object_set_new(o, "kind", json_string("unusable"));
		break;
	}
	bad |= json_object_set_new(o, "groups", jgroups(&ck->hs, &c->groups));
	if (ca->kind == CAUSE_REGION ||
	    (ca->kind == CAUSE_ATTACH && ca->has_region)) {
		json_t *r = ca->kind == CAUSE_REGION ? o : json_object();

		bad |= !r;
		bad |= json_object_set_new(r, "start", out_json_hex(ca->range.start));
		bad |= json_object_set_new(r, "last", out_json_hex(ca->range.last));
		bad |= json_object_set_new(r, "type", json_string(
			ioas_region_type_name(ca->type)));
		bad |= json_object_set_new(r, "origin", json_string(
			ioas_region_origin_name(ca->origin)));
		bad |= json_object_set_new(r, "describe", json_string(
			ioas_region_origin_describe(ca->origin)));
		if (ca->kind == CAUSE_ATTACH)
			bad |= json_object_set_new(o, "region", r);
	}
	if (ca->kind == CAUSE_APERTURE) {
		bad |= json_object_set_new(o, "start", out_json_hex(ca->range.start));
		bad |= json_object_set_new(o, "last", out_json_hex(ca->range.last));
		bad |= json_object_set_new(o, "bits", ca->bits ?
					   json_integer(ca->bits) :
					   json_null());
	}
	if (ca->kind == CAUSE_ATTACH) {
		bad |= json_object_set_new(o, "errno",
					   json_string(fmt_errname(ca->err)));
		bad |= json_object_set_new(o, "reason", json_string(ca->what));
		bad |= json_object_set_new(o, "assignable",
					   json_boolean(!ca->not_assignable));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *jfixes(char *const *v, size_t nr, json_t **alt)
{
	size_t i;

	*alt = json_array();
	for (i = 1; *alt && i < nr; i++) {
		if (json_array_append_new(*alt, json_string(v[i]))) {
			json_decref(*alt);
			*alt = NULL;
		}
	}
	return nr ? json_string(v[0]) : json_null();
}

static json_t *jconflict(const struct check *ck, const struct conflict *c)
{
	json_t *o = json_object(), *alt = NULL, *fix;
	int bad = !o;

	if (c->idx == SIZE_MAX) {
		bad |= json_object_set_new(o, "range", json_null());
		bad |= json_object_set_new(o, "part", json_null());
		fix = jfixes(c->fix, c->nr_fix, &alt);
	} else {
		const struct layout_range *r = &ck->layout.v[c->idx];
		json_t *ro = json_object();

		bad |= !ro;
		bad |= json_object_set_new(ro, "name", json_string(r->name));
		bad |= json_object_set_new(ro, "start", out_json_hex(r->r.start));
		bad |= json_object_set_new(ro, "last", out_json_hex(r->r.last));
		bad |= json_object_set_new(o, "range", ro);
		bad |= json_object_set_new(o, "part", out_json_range(&c->part));
		fix = jfixes(ck->fix[c->idx].v, ck->fix[c->idx].nr, &alt);
	}
	bad |= json_object_set_new(o, "profile",
				   json_string(prof_name(c->profiles)));
	bad |= json_object_set_new(o, "cause", jcause(ck, c));
	bad |= json_object_set_new(o, "fix", fix);
	bad |= json_object_set_new(o, "alternatives", alt);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int print_json(struct check *ck)
{
	json_t *root = json_object(), *lay = json_array(), *conf = json_array();
	json_t *guest = json_object(), *use = json_object();
	json_t *att = json_object(), *notes = json_array();
	int bad = !root || !lay || !conf || !guest || !use || !att || !notes;
	size_t i;

	for (i = 0; !bad && i < ck->layout.nr; i++) {
		const struct layout_range *r = &ck->layout.v[i];
		json_t *o = json_object();

		bad |= !o;
		bad |= json_object_set_new(o, "name", json_string(r->name));
		bad |= json_object_set_new(o, "kind",
			json_string(layout_kind_name(r->kind)));
		bad |= json_object_set_new(o, "start", out_json_hex(r->r.start));
		bad |= json_object_set_new(o, "last", out_json_hex(r->r.last));
		bad |= json_object_set_new(o, "fits",
			range_conflicts(ck, i) ? json_false() :
			ck->checked ? json_true() : json_null());
		bad |= json_array_append_new(lay, o);
	}
	for (i = 0; !bad && i < ck->nr_c; i++)
		bad |= json_array_append_new(conf, jconflict(ck, &ck->c[i]));
	for (i = 0; !bad && i < ck->nr_notes; i++)
		bad |= json_array_append_new(notes,
					     json_string(ck->notes[i]));
	if (!bad) {
		bad |= json_object_set_new(guest, "source", json_string(
			ck->machine ? "machine" : "file"));
		bad |= json_object_set_new(guest, "machine", ck->machine ?
			json_string(layout_machine_name(ck->machine)) :
			json_null());
		bad |= json_object_set_new(guest, "ram", ck->machine ?
			out_json_hex(ck->ram) : json_null());
		bad |= json_object_set_new(guest, "cpu_vendor",
			ck->machine == LAYOUT_MACHINE_Q35 ?
			json_string(layout_vendor_name(ck->vendor)) :
			json_null());
		bad |= json_object_set_new(guest, "relocated",
			json_boolean(ck->machine == LAYOUT_MACHINE_Q35 &&
				     ck->q35.relocated));
		bad |= json_object_set_new(guest, "phys_bits",
			ck->machine == LAYOUT_MACHINE_Q35 ?
			json_integer(ck->q35.phys_bits) : json_null());
		bad |= json_object_set_new(guest, "file", ck->file ?
			json_string(ck->file) : json_null());
		bad |= json_object_set_new(use, "type1",
					   out_json_list(&ck->prof[0].usable));
		bad |= json_object_set_new(use, "iommufd",
					   out_json_list(&ck->prof[1].usable));
		bad |= json_object_set_new(att, "type1", jids(&ck->prof[0]));
		bad |= json_object_set_new(att, "iommufd", jids(&ck->prof[1]));
	}
	if (bad) {
		json_decref(root);
		json_decref(lay);
		json_decref(conf);
		json_decref(guest);
		json_decref(use);
		json_decref(att);
		json_decref(notes);
		return -ENOMEM;
	}
	/* The fixed keys first, in this order; extras after them. */
	bad |= json_object_set_new(root, "fits", json_boolean(!ck->nr_c));
	bad |= json_object_set_new(root, "groups", jgroups(&ck->hs, NULL));
	bad |= json_object_set_new(root, "layout", lay);
	bad |= json_object_set_new(root, "conflicts", conf);
	bad |= json_object_set_new(root, "guest", guest);
	bad |= json_object_set_new(root, "attached", att);
	bad |= json_object_set_new(root, "usable", use);
	bad |= json_object_set_new(root, "profiles_agree",
				   json_boolean(ck->agree));
	bad |= json_object_set_new(root, "notes", notes);
	return out_json_puts_compact(root, bad);
}

/* ---------------------------------------------------------------------- */
/* Input */

/* Reads a --layout file ("-": standard input). 0, or the exit status. */
static int read_layout(struct check *ck)
{
	struct layout_diag d;
	size_t len = 0, cap = LAYOUT_MAX_FILE + 1;
	char *buf;
	int fd, err;

	fd = strcmp(ck->file, "-") ? open(ck->file, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "ioas check: %s: %s\n", ck->file,
			strerror(err));
		return err == ENOENT || err == ENOTDIR ? 2 : 3;
	}
	buf = malloc(cap);
	if (!buf) {
		if (fd)
			close(fd);
		fprintf(stderr, "ioas check: %s\n", ioas_strerror(-ENOMEM));
		return 3;
	}
	/* One byte more than allowed, to tell "too large" apart. */
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			free(buf);
			if (fd)
				close(fd);
			fprintf(stderr, "ioas check: %s: %s\n", ck->file,
				strerror(err));
			return err == EISDIR ? 2 : 3;
		}
		if (!r)
			break;
		len += (size_t)r;
		if (len == cap)
			break;
	}
	if (fd)
		close(fd);
	err = layout_parse(buf, len, &ck->layout, &d);
	free(buf);
	if (!err)
		return 0;
	if (d.line && d.other)
		fprintf(stderr, "ioas check: %s:%u: %s (line %u)\n", ck->file,
			d.line, d.reason, d.other);
	else if (d.line)
		fprintf(stderr, "ioas check: %s:%u: %s\n", ck->file, d.line,
			d.reason);
	else
		fprintf(stderr, "ioas check: %s: %s\n", ck->file, d.reason);
	return 2;
}

/* amd if any of the groups (or, without links, any unit) is AMD-Vi. */
static void detect_vendor(struct check *ck)
{
	const struct ioas_host *h = ck->hs.h;
	size_t i;

	for (i = 0; i < ck->hs.nr_groups; i++) {
		const struct ioas_host_group *g =
			ioas_host_group_find(h, ck->hs.groups[i]);

		if (g->iommu && g->iommu->kind == IOAS_HOST_IOMMU_AMD_VI) {
			ck->vendor = LAYOUT_VENDOR_AMD;
			ck->vendor_how = "detected: the groups sit behind AMD-Vi";
			return;
		}
	}
	ck->vendor = LAYOUT_VENDOR_INTEL;
	ck->vendor_how = "default: the groups are not behind AMD-Vi";
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(a, name, n) && (a[n] == '\0' || a[n] == '=');
}

static int parse_args(struct check *ck, int argc, char **argv)
{
	const char *ram = NULL, *machine = NULL, *vendor = NULL;
	bool groups = false;
	int i, err;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			check_usage(stdout);
			return -1;
		} else if (!strcmp(a, "--json")) {
			ck->json = true;
		} else if (!strcmp(a, "--pci64")) {
			ck->flags |= LAYOUT_PCI64;
		} else if (is_opt(a, "--groups") || is_opt(a, "--ram") ||
			   is_opt(a, "--machine") ||
			   is_opt(a, "--cpu-vendor") ||
			   is_opt(a, "--layout") || is_opt(a, "--sysfs")) {
			const char *name = a[2] == 'g' ? "--groups" :
					   a[2] == 'r' ? "--ram" :
					   a[2] == 'm' ? "--machine" :
					   a[2] == 'c' ? "--cpu-vendor" :
					   a[2] == 'l' ? "--layout" : "--sysfs";

			v = opt_value(argc, argv, &i, name);
			if (!v) {
				fprintf(stderr, "ioas check: %s needs a value\n",
					name);
				return 2;
			}
			if (a[2] == 'g') {
				err = hostsel_parse_groups("check", v, &ck->hs);
				if (err)
					return err;
				groups = true;
			} else if (a[2] == 'r') {
				ram = v;
			} else if (a[2] == 'm') {
				machine = v;
			} else if (a[2] == 'c') {
				vendor = v;
			} else if (a[2] == 'l') {
				ck->file = v;
			} else {
				ck->hs.root = v;
			}
		} else {
			fprintf(stderr, "ioas check: unknown argument '%s'\n",
				a);
			check_usage(stderr);
			return 2;
		}
	}
	if (!groups) {
		fprintf(stderr, "ioas check: --groups LIST is required: the groups that will share one container, e.g. --groups 1,5\n");
		return 2;
	}
	if (ck->file && (ram || machine)) {
		fprintf(stderr, "ioas check: give either --ram and --machine, or --layout, not both\n");
		return 2;
	}
	if (ck->file && (vendor || (ck->flags & LAYOUT_PCI64))) {
		fprintf(stderr, "ioas check: %s only applies to --machine q35\n",
			vendor ? "--cpu-vendor" : "--pci64");
		return 2;
	}
	if (!ck->file && !ram && !machine) {
		fprintf(stderr, "ioas check: give the guest: --ram SIZE --machine q35|virt, or --layout FILE\n");
		return 2;
	}
	if (ram && !machine) {
		fprintf(stderr, "ioas check: --ram needs --machine q35|virt\n");
		return 2;
	}
	if (machine && !ram) {
		fprintf(stderr, "ioas check: --machine needs --ram SIZE\n");
		return 2;
	}
	if (ck->file)
		return 0;
	if (layout_machine_parse(machine, &ck->machine)) {
		fprintf(stderr, "ioas check: --machine: unknown machine '%s' (known: q35, virt)\n",
			machine);
		return 2;
	}
	err = parse_u64(ram, &ck->ram);
	if (err || !ck->ram || (ck->ram & (LAYOUT_ALIGN - 1))) {
		fprintf(stderr, "ioas check: --ram: '%s' is not a RAM size: %s (e.g. 4G, 512M, 2T, 0x100000000)\n",
			ram, err == -EOVERFLOW ? "it does not fit in 64 bits" :
			err ? "not a number with an optional K, M, G, T, P or E suffix" :
			!ck->ram ? "it is 0" : "not a multiple of 4 KiB");
		return 2;
	}
	if (vendor) {
		if (layout_vendor_parse(vendor, &ck->vendor)) {
			fprintf(stderr, "ioas check: --cpu-vendor: unknown vendor '%s' (known: amd, intel)\n",
				vendor);
			return 2;
		}
		ck->vendor_how = "--cpu-vendor";
	}
	if (ck->machine != LAYOUT_MACHINE_Q35 &&
	    (vendor || (ck->flags & LAYOUT_PCI64))) {
		fprintf(stderr, "ioas check: %s only applies to --machine q35\n",
			vendor ? "--cpu-vendor" : "--pci64");
		return 2;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */

static void check_fini(struct check *ck)
{
	size_t i, k;

	for (k = 0; k < NPROF; k++)
		ioas_range_list_fini(&ck->prof[k].usable);
	ioas_range_list_fini(&ck->usable_all);
	for (i = 0; i < ck->nr_c; i++)
		for (k = 0; k < ck->c[i].nr_fix; k++)
			free(ck->c[i].fix[k]);
	free(ck->c);
	for (i = 0; i < LAYOUT_MAX_RANGES; i++)
		for (k = 0; k < ck->fix[i].nr; k++)
			free(ck->fix[i].v[k]);
	for (i = 0; i < ck->nr_notes; i++)
		free(ck->notes[i]);
	free(ck->notes);
	hostsel_fini(&ck->hs);
}

static int run(struct check *ck)
{
	size_t k;
	int err;

	ck->prof[0].profile = IOAS_PROFILE_TYPE1;
	ck->prof[0].bit = P_TYPE1;
	ck->prof[1].profile = IOAS_PROFILE_IOMMUFD;
	ck->prof[1].bit = P_IOMMUFD;
	ck->checked = true;
	for (k = 0; k < NPROF; k++) {
		err = attach(ck, &ck->prof[k]);
		if (err)
			return err;
		if (!ck->prof[k].nr)
			ck->checked = false;
	}
	ck->agree = ioas_range_list_equal(&ck->prof[0].usable,
					  &ck->prof[1].usable);
	/* A profile that kept no group says nothing about where RAM may go. */
	if (ck->prof[0].nr && ck->prof[1].nr)
		err = ioas_range_list_intersect(&ck->usable_all,
						&ck->prof[0].usable,
						&ck->prof[1].usable);
	else
		err = ioas_range_list_copy(&ck->usable_all,
					   &ck->prof[ck->prof[0].nr ? 0 :
							  1].usable);
	for (k = 0; !err && k < NPROF; k++)
		if (ck->prof[k].nr)
			err = check_ranges(ck, &ck->prof[k]);
	if (err)
		return err;
	if (ck->nr_c)
		qsort(ck->c, ck->nr_c, sizeof(ck->c[0]), conflict_cmp);
	compute_fixes(ck);
	attach_fixes(ck);
	compute_notes(ck);
	return ck->oom ? -ENOMEM : 0;
}

int cmd_check(int argc, char **argv)
{
	struct check *ck = calloc(1, sizeof(*ck));
	int ret, err;

	if (!ck) {
		fprintf(stderr, "ioas check: %s\n", ioas_strerror(-ENOMEM));
		return 3;
	}
	ret = parse_args(ck, argc, argv);
	if (ret) {
		check_fini(ck);
		free(ck);
		return ret < 0 ? 0 : ret;
	}
	if (ck->file) {
		ret = read_layout(ck);
		if (ret)
			goto out;
	}
	ret = hostsel_load("check", &ck->hs);
	if (ret)
		goto out;
	if (ck->machine) {
		if (!ck->vendor_how)
			detect_vendor(ck);
		err = layout_machine(ck->machine, ck->ram, ck->vendor,
				     ck->flags, &ck->layout);
		if (!err && ck->machine == LAYOUT_MACHINE_Q35)
			err = layout_q35(ck->ram, ck->vendor, &ck->q35);
		if (err) {
			fprintf(stderr, "ioas check: --ram: a %s guest of that size does not fit in 64 bits\n",
				layout_machine_name(ck->machine));
			ret = 2;
			goto out;
		}
	}
	err = run(ck);
	if (!err)
		err = ck->json ? print_json(ck) : print_text(ck);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ioas check: error writing the output\n");
		ret = 3;
	} else if (err) {
		fprintf(stderr, "ioas check: %s\n", ioas_strerror(err));
		ret = 3;
	} else {
		ret = ck->nr_c ? 1 : 0;
	}
out:
	check_fini(ck);
	free(ck);
	return ret;
}
