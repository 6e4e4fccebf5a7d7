// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas explain: what covers an IOVA range on this host and why, and what
 * VFIO type1 and iommufd would answer to a map of exactly that range.
 *
 * For operators who were told "MAP_DMA: -22". The range is taken apart
 * against each selected group: every reserved region that overlaps it
 * (type, origin and what that origin means, the group's devices), and the
 * part of it outside the group's aperture. Then the verdict comes from the
 * engine, never from rules restated here: ioas_host_space() builds a type1
 * container and an iommufd IOAS holding the groups (as a VMM would attach
 * them, with unsafe interrupts allowed so that a group without interrupt
 * remapping still gets a verdict), and ioas_space_map() tries a fixed,
 * read-write map of the range. Its errno and struct ioas_why are printed
 * with the ioctl that would return them. A second build without unsafe
 * interrupts says whether the module parameter is needed at all.
 *
 * Vocabulary: a "section" is one container/IOAS: each group alone without
 * --groups, the listed groups together with it. Ranges are [start, last];
 * the range argument may end at 2^64-1 but may not cover all 2^64 bytes,
 * since no map call can carry that length.
 *
 * Exit statuses: 0 every verdict is a success, 1 at least one map would
 * fail (or the host has no group to map into), 2 bad usage or input,
 * 3 a system error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ioas/host.h>
#include <ioas/ioas.h>

#include "cmds.h"
#include "fmt.h"
#include "hostsel.h"
#include "output.h"
#include "parse.h"

#define DEFAULT_SIZE 4096 /* one page when no size is given */

/*
 * The user address the map is tried with: the IOVA's offset in a 1 GiB
 * page, as memory backed by 1 GiB huge pages would have it, so that the
 * address is never less aligned than the IOVA (VFIO checks both against
 * the smallest page; iommufd wants their sub-page offsets to agree) and
 * stays far below the top of the address space.
 */
#define VA_ALIGN (UINT64_C(1) << 30)

struct prof {
	uint32_t profile;
	const char *name;
	const char *map_ioctl;
	const char *param; /* the module parameter for unsafe interrupts */
};

static const struct prof profs[] = {
	{ IOAS_PROFILE_TYPE1, "type1", "VFIO_IOMMU_MAP_DMA",
	  "vfio_iommu_type1.allow_unsafe_interrupts" },
	{ IOAS_PROFILE_IOMMUFD, "iommufd", "IOMMU_IOAS_MAP",
	  "iommufd.allow_unsafe_interrupts" },
};

#define NR_PROFS (sizeof(profs) / sizeof(profs[0]))

/* What one profile would answer for one section. */
struct verdict {
	int err; /* 0: the map would succeed */
	bool attach; /* @err is the attach's; no map was tried */
	const char *ioctl; /* the call that fails */
	struct ioas_why why;
	int safe_err; /* -EPERM when unsafe interrupts are needed */
	const char *safe_ioctl;
	struct ioas_why safe_why;
};

struct section {
	const uint32_t *ids;
	size_t nr;
	struct verdict v[NR_PROFS];
};

struct explain {
	const struct ioas_host *h;
	struct ioas_range r;
	bool together; /* --groups: one section holding them all */
	struct section *sec;
	size_t nr_sec;
	bool ok; /* every verdict of every section is a success */
};

#define SYNOPSIS \
	"usage: ioas explain <iova>[+<size>|-<last>] [--groups LIST]\n" \
	"                    [--sysfs DIR|FILE] [--json]\n"

static void explain_usage(FILE *f)
{
	fprintf(f,
		SYNOPSIS
		"\n"
		"Say what covers an IOVA range on this host and why (reserved regions with\n"
		"their type and origin, the groups' devices, the aperture), and whether a\n"
		"fixed read-write map of exactly that range would succeed under VFIO type1\n"
		"and iommufd, and if not, the ioctl and the errno the kernel would return.\n"
		"\n"
		"<iova> is hexadecimal (0x...) or decimal with an optional K, M, G, T, P or\n"
		"E suffix; +<size> defaults to 4K; <iova>-<last> gives the last byte.\n"
		"\n"
		"options:\n"
		"  --groups LIST     these groups together in one container/IOAS, e.g.\n"
		"                    1,5 (default: every group of the host, each alone)\n"
		"  --sysfs DIR|FILE  read this sysfs tree (or an 'ioas capture' file)\n"
		"                    instead of /sys (default: the IOAS_SYSFS_ROOT\n"
		"                    environment variable, else /sys)\n"
		"  --json            print one JSON document\n"
		"  --help            print this help\n"
		"\n"
		"exit status: 0 the map would succeed under both, 1 it would fail under at\n"
		"least one, 2 bad usage or input, 3 a system error.\n");
}

/* ---------------------------------------------------------------------- */
/* The range argument */

static int bad_number(const char *arg, const char *what, const char *s,
		      size_t n, int err)
{
	if (err == -EOVERFLOW)
		fprintf(stderr,
			"ioas explain: '%s': the %s '%.*s' does not fit in 64 bits\n",
			arg, what, (int)n, s);
	else
		fprintf(stderr,
			"ioas explain: '%s': the %s '%.*s' is not a number (0x... or decimal, with an optional K, M, G, T, P or E suffix)\n",
			arg, what, (int)n, s);
	return 2;
}

/*
 * <iova>, <iova>+<size> or <start>-<last>, split at the first '+' or '-'
 * after the first character as parse_range() does, but each mistake gets
 * its own message naming the argument. 0, or 2 after a message.
 */
static int parse_target(const char *arg, struct ioas_range *out)
{
	size_t len = strlen(arg), n, i;
	const char *sep = NULL;
	uint64_t a, b = DEFAULT_SIZE, last;
	int err;

	for (i = 1; i < len; i++) {
		if (arg[i] == '+' || arg[i] == '-') {
			sep = arg + i;
			break;
		}
	}
	n = sep ? (size_t)(sep - arg) : len;
	err = parse_u64_n(arg, n, &a);
	if (err)
		return bad_number(arg, sep && *sep == '-' ? "start" : "IOVA",
				  arg, n, err);
	if (sep) {
		err = parse_u64_n(sep + 1, len - n - 1, &b);
		if (err)
			return bad_number(arg,
					  *sep == '+' ? "size" : "last byte",
					  sep + 1, len - n - 1, err);
	}
	if (sep && *sep == '-') {
		if (a > b) {
			fprintf(stderr,
				"ioas explain: '%s': the start 0x%" PRIx64 " is above the last byte 0x%" PRIx64 "\n",
				arg, a, b);
			return 2;
		}
		last = b;
	} else {
		if (!b) {
			fprintf(stderr,
				"ioas explain: '%s': the size is zero\n", arg);
			return 2;
		}
		if (__builtin_add_overflow(a, b - 1, &last)) {
			fprintf(stderr,
				"ioas explain: '%s': the range wraps past 2^64 (0x%" PRIx64 " plus %s0x%" PRIx64 " bytes)\n",
				arg, a, sep ? "" : "the default size ", b);
			return 2;
		}
	}
	if (a == 0 && last == UINT64_MAX) {
		fprintf(stderr,
			"ioas explain: '%s': the range is all 2^64 bytes, a length no map call can carry\n",
			arg);
		return 2;
	}
	out->start = a;
	out->last = last;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Verdicts */

static bool why_is_direct(const struct ioas_why *w)
{
	return (w->flags & IOAS_WHY_REGION) &&
	       w->region.type == IOAS_REGION_DIRECT;
}

/*
 * The ioctl an attach failure surfaces at. type1: claiming DMA ownership
 * (VFIO_GROUP_SET_CONTAINER) is what a direct region refuses; the IOMMU
 * driver's own checks run at VFIO_SET_IOMMU for the container's first
 * group and at VFIO_GROUP_SET_CONTAINER for later ones (QEMU's order).
 * iommufd: ownership and interrupt isolation are checked at bind, the
 * rest at attach (kernel-spec 3.6, 3.7).
 */
static const char *attach_ioctl(const struct prof *p, int err,
				const struct ioas_why *w,
				const struct section *sec)
{
	if (p->profile == IOAS_PROFILE_IOMMUFD)
		return err == -EPERM || why_is_direct(w) ?
			       "VFIO_DEVICE_BIND_IOMMUFD" :
			       "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
	if (why_is_direct(w))
		return "VFIO_GROUP_SET_CONTAINER";
	if ((w->flags & IOAS_WHY_GROUP) && w->group == sec->ids[0])
		return "VFIO_SET_IOMMU";
	return "VFIO_GROUP_SET_CONTAINER";
}

static int judge(const struct explain *x, const struct prof *p,
		 const struct section *sec, struct verdict *v)
{
	struct ioas_map_req req = {
		.size = sizeof(req),
		.flags = IOAS_MAP_READ | IOAS_MAP_WRITE | IOAS_MAP_FIXED,
		.va = x->r.start & (VA_ALIGN - 1),
		.iova = x->r.start,
		.length = x->r.last - x->r.start + 1,
	};
	struct ioas_space *s = NULL;
	int err;

	memset(v, 0, sizeof(*v));
	err = ioas_host_space(x->h, p->profile, sec->ids, sec->nr,
			      IOAS_SPACE_UNSAFE_INTERRUPTS, &s, &v->why);
	if (err == -ENOMEM)
		return err;
	if (err) {
		v->err = err;
		v->attach = true;
		v->ioctl = attach_ioctl(p, err, &v->why, sec);
	} else {
		err = ioas_space_map(s, &req, &v->why);
		ioas_space_free(s);
		s = NULL;
		if (err == -ENOMEM)
			return err;
		v->err = err;
		v->ioctl = p->map_ioctl;
	}
	err = ioas_host_space(x->h, p->profile, sec->ids, sec->nr, 0, &s,
			      &v->safe_why);
	ioas_space_free(s);
	if (err == -ENOMEM)
		return err;
	if (err == -EPERM) {
		v->safe_err = err;
		v->safe_ioctl = attach_ioctl(p, err, &v->safe_why, sec);
	}
	return 0;
}

static bool all_ok(const struct explain *x)
{
	size_t i, j;

	if (!x->nr_sec)
		return false;
	for (i = 0; i < x->nr_sec; i++)
		for (j = 0; j < NR_PROFS; j++)
			if (x->sec[i].v[j].err)
				return false;
	return true;
}

/* Type1 and iommufd take every region out of user IOVA except these. */
static bool region_excluded(const struct ioas_region *r)
{
	return r->type != IOAS_REGION_DIRECT_RELAXABLE &&
	       r->origin != IOAS_ORIGIN_PCI_WINDOW;
}

static void put_region(struct obuf *b, const struct ioas_region *r,
		       uint32_t group)
{
	obuf_printf(b, "%s region ", ioas_region_type_name(r->type));
	obuf_range(b, &r->range);
	obuf_printf(b, " of group %" PRIu32 " (%s)", group,
		    ioas_region_origin_name(r->origin));
}

/*
 * The part of @r outside @ap: below it in @lo, above it in @hi. Returns
 * bit 0 for below, bit 1 for above.
 */
static unsigned int outside(const struct ioas_range *r,
			    const struct ioas_range *ap, struct ioas_range *lo,
			    struct ioas_range *hi)
{
	unsigned int m = 0;

	if (r->start < ap->start) {
		lo->start = r->start;
		lo->last = r->last < ap->start ? r->last : ap->start - 1;
		m |= 1;
	}
	if (r->last > ap->last) {
		hi->start = r->start > ap->last ? r->start : ap->last + 1;
		hi->last = r->last;
		m |= 2;
	}
	return m;
}

/*
 * What stands in the way when the engine only said "not inside one usable
 * range" or "outside the aperture": the lowest excluded region of the
 * section over the range, else the first aperture the range leaves.
 */
struct blocker {
	const struct ioas_region *region; /* NULL: an aperture */
	const struct ioas_host_group *g;
	struct ioas_range part; /* aperture: the part of the range outside */
	bool above;
};

static bool blocker_needed(const struct ioas_why *w, const char *what,
			   bool attach)
{
	return !attach && !(w->flags & IOAS_WHY_REGION) &&
	       (strstr(what, "usable") || strstr(what, "aperture"));
}

static bool find_blocker(const struct explain *x, const struct section *sec,
			 struct blocker *bl)
{
	struct ioas_range lo, hi;
	size_t i, j;

	memset(bl, 0, sizeof(*bl));
	for (i = 0; i < sec->nr; i++) {
		const struct ioas_host_group *g =
			ioas_host_group_find(x->h, sec->ids[i]);

		for (j = 0; g && j < g->nr_regions; j++) {
			const struct ioas_region *r = &g->regions[j];

			if (!region_excluded(r) ||
			    !ioas_range_overlaps(&r->range, &x->r))
				continue;
			if (!bl->region ||
			    r->range.start < bl->region->range.start) {
				bl->region = r;
				bl->g = g;
			}
		}
	}
	if (bl->region)
		return true;
	for (i = 0; i < sec->nr; i++) {
		const struct ioas_host_group *g =
			ioas_host_group_find(x->h, sec->ids[i]);
		unsigned int m;

		if (!g)
			continue;
		m = outside(&x->r, &g->geom.aperture, &lo, &hi);
		if (!m)
			continue;
		bl->g = g;
		bl->above = m & 2;
		bl->part = bl->above ? hi : lo;
		return true;
	}
	return false;
}

static void put_blocker(struct obuf *b, const struct explain *x,
			const struct section *sec, const char *what)
{
	struct blocker bl;

	if (!find_blocker(x, sec, &bl))
		return;
	if (bl.region) {
		obuf_puts(b, ": ");
		put_region(b, bl.region, bl.g->id);
		return;
	}
	if (strstr(what, "aperture")) {
		/* the engine already said "outside the aperture" */
		obuf_printf(b, ": the aperture of group %" PRIu32 " is ",
			    bl.g->id);
		obuf_range(b, &bl.g->geom.aperture);
		return;
	}
	if (bl.part.start == x->r.start && bl.part.last == x->r.last) {
		obuf_puts(b, ": it");
	} else {
		obuf_puts(b, ": ");
		obuf_range(b, &bl.part);
		obuf_puts(b, " of it");
	}
	obuf_printf(b, " lies %s the aperture ", bl.above ? "above" : "below");
	obuf_range(b, &bl.g->geom.aperture);
	obuf_printf(b, " of group %" PRIu32, bl.g->id);
}

static bool is_predicate(const char *what)
{
	return !strncmp(what, "is ", 3) || !strncmp(what, "lies ", 5) ||
	       !strncmp(what, "overlaps ", 9);
}

/* The engine's reason as a sentence: what, then the region or range. */
static void put_why(struct obuf *b, const struct explain *x,
		    const struct section *sec, int err,
		    const struct ioas_why *w, bool attach)
{
	const char *what = w->what ? w->what : ioas_strerror(err);

	if (!attach && is_predicate(what))
		obuf_puts(b, "the range ");
	obuf_puts(b, what);
	if ((w->flags & IOAS_WHY_VALUE) &&
	    (strstr(what, "align") || strstr(what, "multiple")))
		obuf_printf(b, " (0x%" PRIx64 ")", w->value);
	if (w->flags & IOAS_WHY_REGION) {
		obuf_puts(b, ": ");
		put_region(b, &w->region, w->group);
	} else if (blocker_needed(w, what, attach)) {
		put_blocker(b, x, sec, what);
	} else if (w->flags & IOAS_WHY_OTHER) {
		obuf_printf(b, ": %s ",
			    strstr(what, "aperture") ? "aperture" : "range");
		obuf_range(b, &w->other);
	}
}

/* "EINVAL (-22): <why>" */
static void put_errno_why(struct obuf *b, const struct explain *x,
			  const struct section *sec, int err,
			  const struct ioas_why *w, bool attach)
{
	obuf_printf(b, "%s (%d): ", fmt_errname(err), err);
	put_why(b, x, sec, err, w, attach);
}

/* ---------------------------------------------------------------------- */
/* Text output */

static const char *region_note(const struct ioas_region *r)
{
	if (r->origin == IOAS_ORIGIN_PCI_WINDOW)
		return "; only ioas's native rules keep maps out of it";
	if (r->type == IOAS_REGION_DIRECT_RELAXABLE)
		return "; type1 and iommufd let maps cover it";
	if (r->type == IOAS_REGION_DIRECT)
		return "; Linux will not hand the group to userspace";
	return "";
}

/* Devices, the regions over the range, the aperture; after @indent. */
static int print_group_rows(const struct explain *x,
			    const struct ioas_host_group *g, const char *indent)
{
	struct table devs = { 0 }, rows = { 0 };
	struct ioas_range lo, hi;
	unsigned int m;
	size_t i;
	char *ap;
	int oom;

	for (i = 0; i < g->nr_devices; i++) {
		const struct ioas_host_device *d = &g->devices[i];

		table_add(&devs, 4, xasprintf("%s", i ? "" : "devices"),
			  xasprintf("%s", d->name), fmt_dev_id(d),
			  xasprintf("driver %s", d->driver ? d->driver : "-"));
	}
	for (i = 0; i < g->nr_regions; i++) {
		const struct ioas_region *r = &g->regions[i];

		if (!ioas_range_overlaps(&r->range, &x->r))
			continue;
		table_add(&rows, 6, xasprintf("%s", rows.nr ? "" : "reserved"),
			  fmt_range(&r->range), fmt_size(&r->range),
			  xasprintf("%s", ioas_region_type_name(r->type)),
			  xasprintf("%s", ioas_region_origin_name(r->origin)),
			  xasprintf("%s%s",
				    ioas_region_origin_describe(r->origin),
				    region_note(r)));
	}
	ap = fmt_range(&g->geom.aperture);
	oom = devs.oom || rows.oom || !ap;
	if (!oom) {
		if (!g->nr_devices)
			printf("%s%-*s  none\n", indent, FMT_LABEL_WIDTH,
			       "devices");
		table_print(&devs, indent, 0);
		if (!rows.nr)
			printf("%s%-*s  %s\n", indent, FMT_LABEL_WIDTH,
			       "reserved",
			       g->flags & IOAS_HOST_GROUP_NO_REGIONS_FILE ?
			       "unknown (no reserved_regions file)" :
			       "no region overlaps the range");
		table_print(&rows, indent, 1u << 2);
		printf("%s%-*s  %s", indent, FMT_LABEL_WIDTH, "aperture", ap);
		if (aperture_bits(&g->geom.aperture))
			printf(" (%u bits)", aperture_bits(&g->geom.aperture));
		m = outside(&x->r, &g->geom.aperture, &lo, &hi);
		if (!m)
			printf(": holds the range\n");
		else if (m == 1 && lo.last == x->r.last)
			printf(": the whole range lies below it\n");
		else if (m == 2 && hi.start == x->r.start)
			printf(": the whole range lies above it\n");
		else if (m == 3)
			printf(": the range sticks out on both sides, 0x%" PRIx64 "-0x%" PRIx64 " below and 0x%" PRIx64 "-0x%" PRIx64 " above\n",
			       lo.start, lo.last, hi.start, hi.last);
		else
			printf(": 0x%" PRIx64 "-0x%" PRIx64 " of the range lies %s it\n",
			       m == 1 ? lo.start : hi.start,
			       m == 1 ? lo.last : hi.last,
			       m == 1 ? "below" : "above");
	}
	free(ap);
	table_fini(&devs);
	table_fini(&rows);
	return oom ? -ENOMEM : 0;
}

/* The group an attach failed on (the engine always says; be safe). */
static uint32_t failed_group(const struct ioas_why *w,
			     const struct section *sec)
{
	return w->flags & IOAS_WHY_GROUP ? w->group : sec->ids[0];
}

static int print_verdicts(const struct explain *x, const struct section *sec)
{
	struct obuf b = OBUF_INIT;
	struct table t = { 0 };
	size_t j;
	int oom;

	for (j = 0; j < NR_PROFS; j++) {
		const struct prof *p = &profs[j];
		const struct verdict *v = &sec->v[j];

		obuf_reset(&b);
		if (!v->err) {
			obuf_puts(&b, "map would succeed");
		} else {
			if (v->attach)
				obuf_printf(&b, "group %" PRIu32 " cannot be attached: ",
					    failed_group(&v->why, sec));
			obuf_printf(&b, "%s fails with ", v->ioctl);
			put_errno_why(&b, x, sec, v->err, &v->why, v->attach);
		}
		table_add(&t, 2, xasprintf("%s:", p->name),
			  xasprintf("%s", obuf_str(&b)));
		if (!v->safe_err)
			continue;
		obuf_reset(&b);
		if (!v->err)
			obuf_printf(&b, "but only with %s=1; without it %s fails",
				    p->param, v->safe_ioctl);
		else
			obuf_printf(&b, "and without %s=1, %s fails first",
				    p->param, v->safe_ioctl);
		if (sec->nr > 1)
			obuf_printf(&b, " for group %" PRIu32,
				    failed_group(&v->safe_why, sec));
		obuf_puts(&b, v->err ? ", with " : " with ");
		put_errno_why(&b, x, sec, v->safe_err, &v->safe_why, true);
		table_add(&t, 2, xasprintf("%s", ""),
			  xasprintf("%s", obuf_str(&b)));
	}
	oom = t.oom || b.oom;
	if (!oom)
		table_print(&t, "  ", 0);
	table_fini(&t);
	obuf_fini(&b);
	return oom ? -ENOMEM : 0;
}

static int print_section(const struct explain *x, const struct section *sec)
{
	size_t i;
	int err;

	if (sec->nr == 1) {
		const struct ioas_host_group *g =
			ioas_host_group_find(x->h, sec->ids[0]);

		fmt_group_header(g);
		err = print_group_rows(x, g, "  ");
		if (err)
			return err;
	} else {
		printf("groups");
		for (i = 0; i < sec->nr; i++)
			printf("%s%" PRIu32, i ? ", " : " ", sec->ids[i]);
		putchar('\n');
		for (i = 0; i < sec->nr; i++) {
			fputs("  ", stdout);
			fmt_group_header(
				ioas_host_group_find(x->h, sec->ids[i]));
			err = print_group_rows(
				x, ioas_host_group_find(x->h, sec->ids[i]),
				"    ");
			if (err)
				return err;
		}
	}
	return print_verdicts(x, sec);
}

static int print_text(const struct explain *x, const char *root)
{
	char *rg = fmt_range(&x->r), *sz = fmt_size(&x->r);
	bool guessed = false;
	size_t i, j;
	int err = 0;

	if (!rg || !sz) {
		free(rg);
		free(sz);
		return -ENOMEM;
	}
	printf("%-*s  %s  %s\n", FMT_LABEL_WIDTH, "range", rg, sz);
	free(rg);
	free(sz);
	if (!x->nr_sec) {
		printf("No IOMMU groups in %s: there is nothing to map into.\n",
		       root);
		return 0;
	}
	printf("%-*s  ", FMT_LABEL_WIDTH, "groups");
	if (!x->together)
		printf("each of the host's %zu alone in a VFIO container and an iommufd IOAS (--groups puts several together)\n",
		       x->nr_sec);
	else if (x->sec[0].nr == 1)
		printf("%" PRIu32 " alone in a VFIO container and an iommufd IOAS\n",
		       x->sec[0].ids[0]);
	else
		printf("these %zu together in one VFIO container and one iommufd IOAS\n",
		       x->sec[0].nr);
	printf("%-*s  a fixed read-write map of exactly the range\n",
	       FMT_LABEL_WIDTH, "map");
	for (i = 0; i < x->nr_sec; i++) {
		for (j = 0; j < x->sec[i].nr; j++) {
			const struct ioas_host_group *g =
				ioas_host_group_find(x->h, x->sec[i].ids[j]);

			if (g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED)
				guessed = true;
		}
	}
	if (guessed)
		printf("%-*s  guessed from each region's address, type and IOMMU kind (sysfs has none)\n",
		       FMT_LABEL_WIDTH, "origins");
	for (i = 0; !err && i < x->nr_sec; i++) {
		putchar('\n');
		err = print_section(x, &x->sec[i]);
	}
	return err;
}

/* ---------------------------------------------------------------------- */
/* JSON output */

/* Adds "ioctl", "errno", "code", "why" and the group and region to @o. */
static int json_why(json_t *o, const struct explain *x,
		    const struct section *sec, int err,
		    const struct ioas_why *w, bool attach, const char *ioctl)
{
	const char *what = w->what ? w->what : ioas_strerror(err);
	struct ioas_region region = w->region;
	uint32_t group = w->group, flags = w->flags;
	struct obuf b = OBUF_INIT;
	struct blocker bl;
	int bad = 0;

	/* Name the region or group the sentence names. */
	if (blocker_needed(w, what, attach) && find_blocker(x, sec, &bl)) {
		group = bl.g->id;
		flags |= IOAS_WHY_GROUP;
		if (bl.region) {
			region = *bl.region;
			flags |= IOAS_WHY_REGION;
		}
	}
	put_why(&b, x, sec, err, w, attach);
	bad |= b.oom;
	bad |= json_object_set_new(o, "ioctl", json_string(ioctl));
	bad |= json_object_set_new(o, "errno", json_string(fmt_errname(err)));
	bad |= json_object_set_new(o, "code", json_integer(err));
	bad |= json_object_set_new(o, "why", json_string(obuf_str(&b)));
	if (flags & IOAS_WHY_GROUP)
		bad |= json_object_set_new(o, "group", json_integer(group));
	if (flags & IOAS_WHY_REGION) {
		json_t *r = out_json_range(&region.range);

		bad |= !r;
		bad |= json_object_set_new(r, "type", json_string(
			ioas_region_type_name(region.type)));
		bad |= json_object_set_new(r, "origin", json_string(
			ioas_region_origin_name(region.origin)));
		bad |= json_object_set_new(o, "region", r);
	}
	obuf_fini(&b);
	return bad ? -ENOMEM : 0;
}

static json_t *json_verdict(const struct explain *x, const struct prof *p,
			    const struct section *sec, const struct verdict *v)
{
	json_t *o = json_object(), *safe;
	int bad = !o;

	/* "ok" first, for readers that look at nothing else */
	bad |= json_object_set_new(o, "ok", json_boolean(!v->err));
	if (!bad && v->err) {
		bad |= json_object_set_new(o, "attach",
					   json_boolean(v->attach));
		bad |= !!json_why(o, x, sec, v->err, &v->why, v->attach,
				  v->ioctl);
	}
	if (!bad && v->safe_err) {
		safe = json_object();
		bad |= !safe;
		bad |= json_object_set_new(safe, "param",
					   json_string(p->param));
		bad |= !bad && json_why(safe, x, sec, v->safe_err,
					&v->safe_why, true, v->safe_ioctl);
		bad |= json_object_set_new(o, "without_unsafe_interrupts",
					   safe);
	} else if (!bad) {
		bad |= json_object_set_new(o, "without_unsafe_interrupts",
					   json_null());
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *json_group(const struct ioas_host_group *g)
{
	json_t *o = json_object(), *devs = json_array();
	int bad = !o || !devs;
	size_t i;

	for (i = 0; !bad && i < g->nr_devices; i++) {
		const struct ioas_host_device *d = &g->devices[i];
		json_t *di = json_object();

		bad |= !di;
		bad |= json_object_set_new(di, "name", json_string(d->name));
		if (d->flags & IOAS_HOST_DEV_PCI) {
			char id[16];

			snprintf(id, sizeof(id), "%04x:%04x", d->vendor,
				 d->device);
			bad |= json_object_set_new(di, "pci_id",
						   json_string(id));
		}
		bad |= json_object_set_new(di, "driver",
					   out_json_str_or_null(d->driver));
		bad |= json_array_append_new(devs, di);
	}
	if (bad) {
		json_decref(o);
		json_decref(devs);
		return NULL;
	}
	bad |= json_object_set_new(o, "id", json_integer(g->id));
	bad |= json_object_set_new(o, "type", json_string(g->type));
	bad |= json_object_set_new(o, "iommu",
		out_json_str_or_null(g->iommu ? g->iommu->name : NULL));
	bad |= json_object_set_new(o, "assignable", json_boolean(
		!(g->flags & IOAS_HOST_GROUP_NOT_ASSIGNABLE)));
	bad |= json_object_set_new(o, "origins_guessed", json_boolean(
		!!(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED)));
	bad |= json_object_set_new(o, "devices", devs);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Adds @g's regions over the range to @covers and its aperture to @aps. */
static int json_covers(const struct explain *x,
		       const struct ioas_host_group *g, json_t *covers,
		       json_t *aps)
{
	json_t *ap = json_object(), *out = json_array();
	struct ioas_range lo, hi;
	unsigned int m;
	int bad = !ap || !out;
	size_t i;

	for (i = 0; !bad && i < g->nr_regions; i++) {
		const struct ioas_region *r = &g->regions[i];
		json_t *c;

		if (!ioas_range_overlaps(&r->range, &x->r))
			continue;
		c = json_object();
		bad |= !c;
		bad |= json_object_set_new(c, "group", json_integer(g->id));
		bad |= json_object_set_new(c, "type", json_string(
			ioas_region_type_name(r->type)));
		bad |= json_object_set_new(c, "start",
					   out_json_hex(r->range.start));
		bad |= json_object_set_new(c, "last",
					   out_json_hex(r->range.last));
		bad |= json_object_set_new(c, "origin", json_string(
			ioas_region_origin_name(r->origin)));
		bad |= json_object_set_new(c, "why", json_string(
			ioas_region_origin_describe(r->origin)));
		bad |= json_object_set_new(c, "excluded",
					   json_boolean(region_excluded(r)));
		bad |= json_array_append_new(covers, c);
	}
	m = outside(&x->r, &g->geom.aperture, &lo, &hi);
	if (!bad && (m & 1)) {
		json_t *o = out_json_range(&lo);

		bad |= !o;
		bad |= json_object_set_new(o, "side", json_string("below"));
		bad |= json_array_append_new(out, o);
	}
	if (!bad && (m & 2)) {
		json_t *o = out_json_range(&hi);

		bad |= !o;
		bad |= json_object_set_new(o, "side", json_string("above"));
		bad |= json_array_append_new(out, o);
	}
	if (bad) {
		json_decref(ap);
		json_decref(out);
		return -ENOMEM;
	}
	bad |= json_object_set_new(ap, "group", json_integer(g->id));
	bad |= json_object_set_new(ap, "start",
				   out_json_hex(g->geom.aperture.start));
	bad |= json_object_set_new(ap, "last",
				   out_json_hex(g->geom.aperture.last));
	bad |= json_object_set_new(ap, "outside", out);
	bad |= json_array_append_new(aps, ap);
	return bad ? -ENOMEM : 0;
}

static json_t *json_section(const struct explain *x,
			    const struct section *sec)
{
	json_t *o = json_object(), *groups = json_array();
	json_t *covers = json_array(), *aps = json_array();
	int bad = !o || !groups || !covers || !aps;
	size_t i;

	for (i = 0; !bad && i < sec->nr; i++) {
		const struct ioas_host_group *g =
			ioas_host_group_find(x->h, sec->ids[i]);

		bad |= json_array_append_new(groups, json_group(g));
		bad |= !!json_covers(x, g, covers, aps);
	}
	if (bad) {
		json_decref(o);
		json_decref(groups);
		json_decref(covers);
		json_decref(aps);
		return NULL;
	}
	bad |= json_object_set_new(o, "groups", groups);
	bad |= json_object_set_new(o, "covers", covers);
	bad |= json_object_set_new(o, "aperture", aps);
	for (i = 0; i < NR_PROFS; i++)
		bad |= json_object_set_new(o, profs[i].name,
			json_verdict(x, &profs[i], sec, &sec->v[i]));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int print_json(const struct explain *x)
{
	struct ioas_range whole = x->r;
	json_t *root = json_object(), *spaces = json_array();
	int bad = !root || !spaces;
	size_t i;

	for (i = 0; !bad && i < x->nr_sec; i++)
		bad |= json_array_append_new(spaces,
					     json_section(x, &x->sec[i]));
	if (bad) {
		json_decref(root);
		json_decref(spaces);
		return -ENOMEM;
	}
	bad |= json_object_set_new(root, "range", out_json_range(&whole));
	bad |= json_object_set_new(root, "size", out_json_hex(
		whole.last - whole.start + 1));
	bad |= json_object_set_new(root, "ok", json_boolean(x->ok));
	bad |= json_object_set_new(root, "together",
				   json_boolean(x->together));
	bad |= json_object_set_new(root, "spaces", spaces);
	if (bad) {
		json_decref(root);
		return -ENOMEM;
	}
	bad = out_json_print(root, stdout);
	json_decref(root);
	return bad;
}

/* ---------------------------------------------------------------------- */

static int run(struct explain *x, struct hostsel *hs, bool json)
{
	size_t i, n = ioas_host_nr_groups(hs->h);
	uint32_t *ids = NULL;
	int err;

	x->h = hs->h;
	if (hs->nr_groups) {
		x->together = true;
		x->nr_sec = 1;
	} else {
		x->nr_sec = n;
		ids = calloc(n ? n : 1, sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			ids[i] = ioas_host_group_peek(hs->h, i)->id;
	}
	x->sec = calloc(x->nr_sec ? x->nr_sec : 1, sizeof(*x->sec));
	if (!x->sec) {
		free(ids);
		return -ENOMEM;
	}
	for (i = 0; i < x->nr_sec; i++) {
		struct section *sec = &x->sec[i];
		size_t j;

		sec->ids = x->together ? hs->groups : &ids[i];
		sec->nr = x->together ? hs->nr_groups : 1;
		for (j = 0; j < NR_PROFS; j++) {
			err = judge(x, &profs[j], sec, &sec->v[j]);
			if (err)
				goto out;
		}
	}
	x->ok = all_ok(x);
	err = json ? print_json(x) : print_text(x, hs->root);
out:
	free(x->sec);
	x->sec = NULL;
	free(ids);
	return err;
}

int cmd_explain(int argc, char **argv)
{
	struct hostsel hs = { 0 };
	struct explain x = { 0 };
	const char *target = NULL;
	bool json = false;
	int i, err;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			explain_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--groups")) {
			/* hostsel says what --groups needs if NULL */
			const char *list = i + 1 < argc ? argv[++i] : NULL;

			if (hostsel_parse_groups("explain", list, &hs))
				return 2;
		} else if (!strcmp(a, "--sysfs")) {
			if (i + 1 >= argc) {
				fprintf(stderr,
					"ioas explain: --sysfs needs a folder or an 'ioas capture' file\n");
				return 2;
			}
			hs.root = argv[++i];
		} else if (!strncmp(a, "--groups=", 9)) {
			if (hostsel_parse_groups("explain", a + 9, &hs))
				return 2;
		} else if (!strncmp(a, "--sysfs=", 8)) {
			hs.root = a + 8;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr,
				"ioas explain: unknown option '%s'\n" SYNOPSIS,
				a);
			return 2;
		} else if (target) {
			fprintf(stderr,
				"ioas explain: one range only ('%s', then '%s')\n",
				target, a);
			return 2;
		} else {
			target = a;
		}
	}
	if (!target) {
		fprintf(stderr,
			"ioas explain: missing the range: <iova>[+<size>] or <start>-<last>\n" SYNOPSIS);
		return 2;
	}
	if (parse_target(target, &x.r))
		return 2;
	err = hostsel_load("explain", &hs);
	if (err) {
		hostsel_fini(&hs);
		return err;
	}
	err = run(&x, &hs, json);
	hostsel_fini(&hs);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ioas explain: error writing the output\n");
		return 3;
	}
	if (err) {
		fprintf(stderr, "ioas explain: %s\n", ioas_strerror(err));
		return 3;
	}
	return x.ok ? 0 : 1;
}
