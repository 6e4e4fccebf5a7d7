// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas show: the host's IOMMU groups, their devices, typed reserved regions
 * with guessed origins, the usable IOVA ranges VFIO type1 would report for
 * each group, and the aperture and page sizes behind them.
 *
 * The library does the reading and the guessing (lib/host_sysfs.c); this
 * file only formats. Text output is for people: one block per group with
 * aligned columns, the guesses labelled as such. --json output is for
 * scripts: a fixed shape ({"groups":[{"id","type","devices","reserved",
 * "usable", ...}]}) whose first keys never change order or type; more keys
 * may be appended. Addresses are lowercase hex strings without padding.
 *
 * Exit statuses (tool/cmds.h): 0 shown (also for a host with no groups),
 * 2 bad usage, a missing or non-folder root, malformed sysfs contents,
 * 3 permission denied or another system error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ioas/host.h>
#include <ioas/ioas.h>

#include "cmds.h"
#include "fmt.h"
#include "hostsel.h"
#include "live.h"
#include "output.h"
#include "pcinames.h"

#define LABEL_WIDTH FMT_LABEL_WIDTH /* "reserved": column 0 of every table */

static void show_usage(FILE *f)
{
	fprintf(f,
		"usage: ioas show [--sysfs DIR|FILE] [--groups LIST] [--live|--no-live]\n"
		"                 [--json]\n"
		"\n"
		"Show the IOMMU groups of this host: their devices (with pci.ids names),\n"
		"reserved regions (typed, with an origin), and the usable IOVA ranges\n"
		"VFIO type1 would report for each group on its own, with the aperture and\n"
		"page sizes behind them.\n"
		"\n"
		"options:\n"
		"  --sysfs DIR  read this sysfs tree instead of /sys (default: the\n"
		"               IOAS_SYSFS_ROOT environment variable, else /sys); DIR may\n"
		"               also be an iommu_groups folder itself, or a file written\n"
		"               by 'ioas capture'\n"
		"  --groups L   only these groups (e.g. 1,5); with several, also what a\n"
		"               VFIO container and an iommufd IOAS holding them all report\n"
		"  --live       also ask the running kernel (VFIO_IOMMU_GET_INFO,\n"
		"               IOMMU_IOAS_IOVA_RANGES) for groups bound to a VFIO driver\n"
		"               and flag differences; the default when reading /sys (needs\n"
		"               root and /dev/vfio or /dev/iommu)\n"
		"  --no-live    never ask the running kernel\n"
		"  --json       print JSON: {\"groups\":[{\"id\",\"type\",\"devices\",\n"
		"               \"reserved\",\"usable\",...}]}\n"
		"  --help       print this help\n"
		"\n"
		"exit status: 0 shown (also with no groups), 2 bad usage or malformed\n"
		"sysfs contents, 3 permission denied or another system error.\n");
}

/* ---------------------------------------------------------------------- */
/* Formatting helpers */

static const char *pg_name(unsigned int bit, char *buf, size_t n)
{
	static const char *const sfx[] = { "", "K", "M", "G", "T", "P", "E" };

	snprintf(buf, n, "%llu%s", 1ULL << (bit % 10), sfx[bit / 10]);
	return buf;
}

/* "4K 2M 1G", or "4K and every larger size" for a page mask. */
static char *fmt_pgsizes(uint64_t pg)
{
	char buf[256] = "", one[16];
	unsigned int bit, low, nr = 0;

	if (!pg)
		return xasprintf("%s", "none");
	low = (unsigned int)__builtin_ctzll(pg);
	if ((pg | ((UINT64_C(1) << low) - 1)) == UINT64_MAX)
		return xasprintf("%s and every larger power of two",
				 pg_name(low, one, sizeof(one)));
	for (bit = 0; bit < 64; bit++)
		if (pg & (UINT64_C(1) << bit))
			nr++;
	if (nr > 6)
		return xasprintf("%u sizes from %s", nr,
				 pg_name(low, one, sizeof(one)));
	for (bit = 0; bit < 64; bit++) {
		if (!(pg & (UINT64_C(1) << bit)))
			continue;
		if (buf[0])
			strcat(buf, " ");
		strcat(buf, pg_name(bit, one, sizeof(one)));
	}
	return xasprintf("%s", buf);
}

/* ---------------------------------------------------------------------- */
/* Text output */

/* pci.ids names for this run (NULL: numbers only) */
static struct pcinames *names;

/* The host being shown (for ioas_host_region_origin()). */
static const struct ioas_host *cur_host;

/* A region's origin description, with the firmware table that confirmed
 * it ("(from DMAR)"), if one did. */
static char *origin_desc(const struct ioas_host_group *g, size_t i)
{
	const char *d = ioas_region_origin_describe(g->regions[i].origin);
	struct ioas_host_origin o;
	const char *t;

	if (ioas_host_region_origin(cur_host, g->id, i, &o) ||
	    o.table == IOAS_ACPI_NONE)
		return xasprintf("%s", d);
	t = ioas_acpi_table_name(o.table);
	if (o.nr_entries > 1)
		return xasprintf("%s (from %s: %zu entries merged)", d, t,
				 o.nr_entries);
	if (!(o.flags & IOAS_HOST_ORIGIN_DEVICE_MATCHED))
		return xasprintf("%s (from %s, by address only)", d, t);
	return xasprintf("%s (from %s)", d, t);
}

/* This run's selection and whether to ask the running kernel. */
static struct {
	const struct hostsel *hs;
	bool live;
	const char *sysfs; /* for the live iommufd query */
	const char *dev;
} opt;

/* "Vendor Device (Class)" from pci.ids, or "" when it knows none. */
static char *dev_names(const struct ioas_host_device *d)
{
	char v[128], dv[256], c[128];
	const char *vn, *dn, *cn;

	if (!(d->flags & IOAS_HOST_DEV_PCI))
		return xasprintf("%s", "");
	vn = pcinames_vendor(names, d->vendor, v, sizeof(v));
	dn = pcinames_device(names, d->vendor, d->device, dv, sizeof(dv));
	cn = pcinames_class(names, d->class_code, c, sizeof(c));
	return xasprintf("%s%s%s%s%s%s", vn ? vn : "", vn && dn ? " " : "",
			 dn ? dn : "", (vn || dn) && cn ? " (" : "",
			 cn ? cn : "", (vn || dn) && cn ? ")" : "");
}

static char *dev_class(const struct ioas_host_device *d)
{
	if (!(d->flags & IOAS_HOST_DEV_PCI))
		return xasprintf("%s", "-");
	return xasprintf("class %06x", d->class_code);
}

static int print_group_text(const struct ioas_host_group *g)
{
	struct table devs = { 0 }, rows = { 0 };
	char *ap, *pg;
	size_t i;
	int oom;

	fmt_group_header(g);

	for (i = 0; i < g->nr_devices; i++) {
		const struct ioas_host_device *d = &g->devices[i];

		table_add(&devs, 6, xasprintf("%s", i ? "" : "devices"),
			  xasprintf("%s", d->name), fmt_dev_id(d), dev_class(d),
			  xasprintf("driver %s", d->driver ? d->driver : "-"),
			  dev_names(d));
	}
	for (i = 0; i < g->nr_regions; i++) {
		const struct ioas_region *r = &g->regions[i];

		table_add(&rows, 6, xasprintf("%s", i ? "" : "reserved"),
			  fmt_range(&r->range), fmt_size(&r->range),
			  xasprintf("%s", ioas_region_type_name(r->type)),
			  xasprintf("%s", ioas_region_origin_name(r->origin)),
			  origin_desc(g, i));
	}
	for (i = 0; i < g->nr_usable; i++)
		table_add(&rows, 3, xasprintf("%s", i ? "" : "usable"),
			  fmt_range(&g->usable[i]), fmt_size(&g->usable[i]));
	oom = devs.oom || rows.oom;
	if (!oom) {
		if (!g->nr_devices)
			printf("  %-*s  none\n", LABEL_WIDTH, "devices");
		table_print(&devs, "  ", 0);
		if (!g->nr_regions)
			printf("  %-*s  %s\n", LABEL_WIDTH, "reserved",
			       g->flags & IOAS_HOST_GROUP_NO_REGIONS_FILE ?
			       "unknown (no reserved_regions file)" : "none");
		/* Usable rows come after the regions, so a group without
		 * regions prints them alone; notes go outside the table so
		 * a long sentence does not widen its columns. */
		table_print(&rows, "  ", 1u << 2);
		if (!g->nr_usable)
			printf("  %-*s  none: %s\n", LABEL_WIDTH, "usable",
			       g->usable_note ? g->usable_note :
						"no usable IOVA");
		if (g->flags & IOAS_HOST_GROUP_MSI_UNISOLATED)
			printf("  %-*s  interrupts are not remapped (guess): VFIO type1 refuses the group with EPERM unless vfio_iommu_type1.allow_unsafe_interrupts=1\n",
			       LABEL_WIDTH, "note");
	}
	table_fini(&devs);
	table_fini(&rows);
	if (oom)
		return -ENOMEM;

	ap = fmt_range(&g->geom.aperture);
	pg = fmt_pgsizes(g->geom.pgsizes);
	if (!ap || !pg) {
		free(ap);
		free(pg);
		return -ENOMEM;
	}
	if (aperture_bits(&g->geom.aperture))
		printf("  %-*s  %s (%u bits; %s: %s)\n", LABEL_WIDTH,
		       "aperture", ap,
		       aperture_bits(&g->geom.aperture),
		       ioas_host_how_name(g->geom.aperture_how),
		       g->geom.aperture_source);
	else
		printf("  %-*s  %s (%s: %s)\n", LABEL_WIDTH, "aperture", ap,
		       ioas_host_how_name(g->geom.aperture_how),
		       g->geom.aperture_source);
	printf("  %-*s  0x%" PRIx64 " (%s; %s: %s)\n", LABEL_WIDTH,
	       "pgsizes", g->geom.pgsizes, pg,
	       ioas_host_how_name(g->geom.pgsizes_how),
	       g->geom.pgsizes_source);
	free(ap);
	free(pg);
	return 0;
}

/*
 * The iommu core creates kernel/iommu_groups at boot whenever the kernel
 * has IOMMU support (iommu_init()), so an empty folder is the usual sign of
 * an IOMMU that is off, and a missing one of a kernel without it.
 */
static const char *no_groups_note(const struct ioas_host *h)
{
	if (ioas_host_flags(h) & IOAS_HOST_NO_GROUPS_DIR)
		return "there is no kernel/iommu_groups folder, so the kernel was built without IOMMU support (CONFIG_IOMMU_API), or this is not a sysfs tree";
	return "the IOMMU is disabled or absent (Intel: enable VT-d in the firmware and boot with intel_iommu=on; AMD: enable the IOMMU in the firmware; in a VM: add a vIOMMU, e.g. QEMU -device intel-iommu or virtio-iommu-pci), or no device sits behind it";
}

/* ---------------------------------------------------------------------- */
/* Groups together, and the running kernel's answer */

/* What @profile would report for @ids in one container (IOAS). */
static int together(const struct ioas_host *h, uint32_t profile,
		    const uint32_t *ids, size_t nr, struct ioas_range_list *out,
		    struct ioas_why *why)
{
	struct ioas_space *s = NULL;
	int err;

	err = ioas_host_space(h, profile, ids, nr,
			      IOAS_SPACE_UNSAFE_INTERRUPTS, &s, why);
	if (!err)
		err = ioas_space_usable(s, out, NULL);
	ioas_space_free(s);
	return err;
}

static void print_list(const struct ioas_range_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		printf("%s0x%" PRIx64 "-0x%" PRIx64, i ? ", " : "",
		       l->v[i].start, l->v[i].last);
	if (!l->nr)
		printf("nothing");
}

/*
 * Whether the live answer agrees with the computed one: the same ranges,
 * or the same refusal. A refusal for a reason of this machine's setup
 * (the group in use, not root, unsafe interrupts not allowed) is neither.
 */
enum { LIVE_AGREES, LIVE_DIFFERS, LIVE_UNASKED };

static int live_verdict(const struct live_answer *a, int cerr,
			const struct ioas_range_list *computed)
{
	if (a->err)
		return a->err == cerr ? LIVE_AGREES :
		       a->err == -EBUSY || a->err == -EACCES ||
				       a->err == -EPERM ?
					     LIVE_UNASKED :
					     LIVE_DIFFERS;
	if (cerr)
		return LIVE_DIFFERS;
	return ioas_range_list_equal(&a->usable, computed) ? LIVE_AGREES :
							      LIVE_DIFFERS;
}

/* One "kernel" line: the live answer against the computed one. */
static void print_live_line(const char *label, const char *what,
			    const struct live_answer *a, int cerr,
			    const struct ioas_range_list *computed)
{
	int v = live_verdict(a, cerr, computed);

	printf("  %-*s  %s: ", LABEL_WIDTH, label, what);
	if (a->err && v == LIVE_AGREES) {
		printf("the running kernel agrees: %s fails with %s\n",
		       a->step, fmt_errname(a->err));
	} else if (a->err && v == LIVE_UNASKED) {
		printf("cannot ask: %s failed with %s (%s)%s\n", a->step,
		       fmt_errname(a->err), ioas_strerror(a->err),
		       a->err == -EBUSY  ? ": the group is in use" :
		       a->err == -EACCES ? ": run as root" :
					   ": interrupts are not isolated and unsafe interrupts are not allowed");
	} else if (a->err) {
		printf("DIFFERS: the running kernel's %s fails with %s, ioas computed ",
		       a->step, fmt_errname(a->err));
		if (cerr)
			printf("%s\n", fmt_errname(cerr));
		else {
			print_list(computed);
			putchar('\n');
		}
	} else if (v == LIVE_AGREES) {
		printf("the running kernel agrees (");
		print_list(&a->usable);
		printf(")\n");
	} else {
		printf("DIFFERS: the running kernel reports ");
		print_list(&a->usable);
		printf(", ioas computed ");
		if (cerr)
			printf("%s", fmt_errname(cerr));
		else
			print_list(computed);
		putchar('\n');
	}
}

/* The kernel lines for @ids (a group alone, or the --groups set). */
static int print_live(const struct ioas_host *h, const uint32_t *ids,
		      size_t nr)
{
	static const struct {
		uint32_t profile;
		const char *name;
	} p[] = { { IOAS_PROFILE_TYPE1, "type1 (VFIO_IOMMU_GET_INFO)" },
		  { IOAS_PROFILE_IOMMUFD, "iommufd (IOMMU_IOAS_IOVA_RANGES)" } };
	bool first = true;
	size_t k;

	for (k = 0; opt.live && k < 2; k++) {
		struct ioas_range_list c = IOAS_RANGE_LIST_INIT;
		struct live_answer a;
		int cerr;

		if (p[k].profile == IOAS_PROFILE_TYPE1)
			live_type1(opt.dev, ids, nr, &a);
		else
			live_iommufd(opt.sysfs, opt.dev, h, ids, nr, &a);
		if (a.asked) {
			cerr = together(h, p[k].profile, ids, nr, &c, NULL);
			if (cerr == -ENOMEM) {
				live_answer_fini(&a);
				return cerr;
			}
			print_live_line(first ? "kernel" : "", p[k].name, &a,
					cerr, &c);
			first = false;
		}
		ioas_range_list_fini(&c);
		live_answer_fini(&a);
	}
	return 0;
}

/* --groups with more than one group: the container they would share. */
static int print_together_text(const struct ioas_host *h)
{
	const struct hostsel *hs = opt.hs;
	size_t i, k;

	printf("\ngroups ");
	for (i = 0; i < hs->nr_groups; i++)
		printf("%s%" PRIu32, i ? "," : "", hs->groups[i]);
	printf(" together (one VFIO container, one iommufd IOAS)\n");
	for (k = 0; k < 2; k++) {
		uint32_t profile = k ? IOAS_PROFILE_IOMMUFD : IOAS_PROFILE_TYPE1;
		struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
		struct ioas_why why = { 0 };
		struct table t = { 0 };
		int err = together(h, profile, hs->groups, hs->nr_groups, &l,
				   &why);

		if (err == -ENOMEM)
			return err;
		if (err) {
			printf("  %-*s  cannot hold them: group %" PRIu32
			       ": %s (%s)\n",
			       LABEL_WIDTH, ioas_profile_name(profile),
			       why.group,
			       why.what ? why.what : ioas_strerror(err),
			       fmt_errname(err));
			continue;
		}
		for (i = 0; i < l.nr; i++)
			table_add(&t, 3,
				  xasprintf("%s", i ? "" :
					    ioas_profile_name(profile)),
				  fmt_range(&l.v[i]), fmt_size(&l.v[i]));
		if (!l.nr)
			printf("  %-*s  no usable IOVA\n", LABEL_WIDTH,
			       ioas_profile_name(profile));
		err = t.oom ? -ENOMEM : 0;
		if (!err)
			table_print(&t, "  ", 1u << 2);
		table_fini(&t);
		ioas_range_list_fini(&l);
		if (err)
			return err;
	}
	return print_live(h, hs->groups, hs->nr_groups);
}

static bool selected(uint32_t id)
{
	size_t i;

	for (i = 0; i < opt.hs->nr_groups; i++)
		if (opt.hs->groups[i] == id)
			return true;
	return false;
}

static int print_text(const struct ioas_host *h, const char *root)
{
	size_t i, n = ioas_host_nr_groups(h), nn = 0, k2;
	unsigned int tables = 0;
	bool guessed = false, sw = false;
	int err;

	for (i = 0; i < ioas_host_nr_iommus(h); i++) {
		const struct ioas_host_iommu *u = ioas_host_iommu_peek(h, i);

		printf("iommu %s  %s\n", u->name,
		       ioas_host_iommu_kind_describe(u->kind));
	}
	if (!n) {
		printf("No IOMMU groups in %s: %s.\n", root, no_groups_note(h));
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct ioas_host_group *g = ioas_host_group_peek(h, i);

		guessed |= !!(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED);
		sw |= !!(g->flags & IOAS_HOST_GROUP_SW_MSI_GUESSED);
	}
	printf("%zu IOMMU group%s. Usable ranges: what VFIO type1 would report for each group alone.\n",
	       n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const struct ioas_host_group *g = ioas_host_group_peek(h, i);
		struct ioas_host_origin o;
		size_t r;

		for (r = 0; r < g->nr_regions; r++)
			if (!ioas_host_region_origin(h, g->id, r, &o) &&
			    o.table < IOAS_ACPI_NR_TABLES)
				tables |= 1u << o.table;
	}
	tables &= ~(1u << IOAS_ACPI_NONE);
	if (tables) {
		unsigned int t, k = 0;

		printf("Origins marked \"from ");
		for (t = 0; t < IOAS_ACPI_NR_TABLES; t++)
			if (tables & (1u << t))
				printf("%s%s", k++ ? "\" or \"from " : "",
				       ioas_acpi_table_name(t));
		printf("\" were read from the firmware's ACPI table%s (firmware/acpi/tables)%s\n",
		       k > 1 ? "s" : "",
		       guessed ? "; the others are guessed from each region's address, type and IOMMU kind (sysfs has none)." : ".");
	} else if (guessed) {
		printf("Origins are guessed from each region's address, type and IOMMU kind (sysfs has none).\n");
	}
	{
		const char *const *notes = ioas_host_notes(h, &nn);

		for (k2 = 0; k2 < nn; k2++)
			printf("Note: %s.\n", notes[k2]);
	}
	if (sw)
		printf("sysfs prints both MSI kinds as \"msi\": the 0x8000000-0x80fffff window is shown as sw-msi.\n");
	for (i = 0; i < n; i++) {
		const struct ioas_host_group *g = ioas_host_group_peek(h, i);

		if (opt.hs->nr_groups && !selected(g->id))
			continue;
		putchar('\n');
		err = print_group_text(g);
		if (!err)
			err = print_live(h, &g->id, 1);
		if (err)
			return err;
	}
	if (opt.hs->nr_groups > 1)
		return print_together_text(h);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* JSON output */

static json_t *json_group(const struct ioas_host_group *g)
{
	json_t *o = json_object(), *devs = json_array(), *resv = json_array();
	json_t *use = json_array(), *info = json_array();
	json_t *ap = out_json_range(&g->geom.aperture);
	int bad = !o || !devs || !resv || !use || !info || !ap;
	size_t i;

	for (i = 0; !bad && i < g->nr_devices; i++) {
		const struct ioas_host_device *d = &g->devices[i];
		json_t *di = json_object();

		bad |= json_array_append_new(devs, json_string(d->name));
		bad |= !di;
		bad |= json_object_set_new(di, "name", json_string(d->name));
		if (d->flags & IOAS_HOST_DEV_PCI) {
			char id[16], cls[16];

			snprintf(id, sizeof(id), "%04x:%04x", d->vendor,
				 d->device);
			snprintf(cls, sizeof(cls), "0x%06x", d->class_code);
			bad |= json_object_set_new(di, "pci_id",
						   json_string(id));
			bad |= json_object_set_new(di, "class",
						   json_string(cls));
		}
		bad |= json_object_set_new(di, "driver",
					   out_json_str_or_null(d->driver));
		if (d->flags & IOAS_HOST_DEV_PCI) {
			char v[128], dv[256], c[128];

			bad |= json_object_set_new(di, "vendor_name",
				out_json_str_or_null(pcinames_vendor(names, d->vendor,
							     v, sizeof(v))));
			bad |= json_object_set_new(di, "device_name",
				out_json_str_or_null(pcinames_device(names, d->vendor,
							     d->device, dv,
							     sizeof(dv))));
			bad |= json_object_set_new(di, "class_name",
				out_json_str_or_null(pcinames_class(names,
							    d->class_code, c,
							    sizeof(c))));
		}
		bad |= json_array_append_new(info, di);
	}
	for (i = 0; !bad && i < g->nr_regions; i++) {
		const struct ioas_region *r = &g->regions[i];
		json_t *ro = out_json_range(&r->range);

		bad |= !ro;
		bad |= json_object_set_new(ro, "type",
			json_string(ioas_region_type_name(r->type)));
		bad |= json_object_set_new(ro, "origin",
			json_string(ioas_region_origin_name(r->origin)));
		bad |= json_object_set_new(ro, "sysfs_type",
			json_string(ioas_region_type_sysfs_name(r->type)));
		{
			struct ioas_host_origin or;

			if (!ioas_host_region_origin(cur_host, g->id, i, &or) &&
			    or.table != IOAS_ACPI_NONE) {
				bad |= json_object_set_new(ro, "origin_from",
					json_string(ioas_acpi_table_name(or.table)));
				bad |= json_object_set_new(ro,
					"origin_device_matched", json_boolean(
					!!(or.flags & IOAS_HOST_ORIGIN_DEVICE_MATCHED)));
			}
		}
		bad |= json_array_append_new(resv, ro);
	}
	for (i = 0; !bad && i < g->nr_usable; i++)
		bad |= json_array_append_new(use, out_json_range(&g->usable[i]));
	if (!bad) {
		bad |= json_object_set_new(ap, "how", json_string(
			ioas_host_how_name(g->geom.aperture_how)));
		bad |= json_object_set_new(ap, "source",
			json_string(g->geom.aperture_source));
	}
	if (bad) {
		json_decref(o);
		json_decref(devs);
		json_decref(resv);
		json_decref(use);
		json_decref(info);
		json_decref(ap);
		return NULL;
	}
	/* The fixed keys first, in this order; extras after them. */
	bad |= json_object_set_new(o, "id", json_integer(g->id));
	bad |= json_object_set_new(o, "type", json_string(g->type));
	bad |= json_object_set_new(o, "devices", devs);
	bad |= json_object_set_new(o, "reserved", resv);
	bad |= json_object_set_new(o, "usable", use);
	bad |= json_object_set_new(o, "assignable", json_boolean(
		!(g->flags & IOAS_HOST_GROUP_NOT_ASSIGNABLE)));
	if (g->usable_note)
		bad |= json_object_set_new(o, "note",
					   json_string(g->usable_note));
	bad |= json_object_set_new(o, "iommu",
		out_json_str_or_null(g->iommu ? g->iommu->name : NULL));
	bad |= json_object_set_new(o, "iommu_kind", json_string(
		ioas_host_iommu_kind_name(g->iommu ? g->iommu->kind :
					  IOAS_HOST_IOMMU_UNKNOWN)));
	bad |= json_object_set_new(o, "aperture", ap);
	bad |= json_object_set_new(o, "pgsizes", out_json_hex(g->geom.pgsizes));
	bad |= json_object_set_new(o, "pgsizes_how", json_string(
		ioas_host_how_name(g->geom.pgsizes_how)));
	bad |= json_object_set_new(o, "unsafe_interrupts_needed", json_boolean(
		!!(g->flags & IOAS_HOST_GROUP_MSI_UNISOLATED)));
	bad |= json_object_set_new(o, "origins_guessed", json_boolean(
		!!(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED)));
	bad |= json_object_set_new(o, "device_info", info);
	if (g->flags & IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE)
		bad |= json_object_set_new(o, "origins_from_firmware",
					   json_true());
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* {"type1":{...},"iommufd":{...}} of the live answers, or NULL (none). */
static int json_live(const struct ioas_host *h, const uint32_t *ids,
		     size_t nr, json_t **out)
{
	json_t *o = json_object();
	size_t k;
	int bad = !o, asked = 0;

	for (k = 0; !bad && opt.live && k < 2; k++) {
		uint32_t profile = k ? IOAS_PROFILE_IOMMUFD : IOAS_PROFILE_TYPE1;
		struct ioas_range_list c = IOAS_RANGE_LIST_INIT;
		struct live_answer a;
		json_t *po;
		int cerr;

		if (k)
			live_iommufd(opt.sysfs, opt.dev, h, ids, nr, &a);
		else
			live_type1(opt.dev, ids, nr, &a);
		if (a.asked) {
			asked = 1;
			po = json_object();
			bad |= !po;
			cerr = together(h, profile, ids, nr, &c, NULL);
			bad |= cerr == -ENOMEM;
			if (!bad && a.err) {
				bad |= json_object_set_new(po, "error",
					json_string(fmt_errname(a.err)));
				bad |= json_object_set_new(po, "step",
					json_string(a.step));
			} else if (!bad) {
				bad |= json_object_set_new(po, "usable",
							   out_json_list(&a.usable));
			}
			if (!bad) {
				int v = live_verdict(&a, cerr, &c);

				bad |= json_object_set_new(po, "agrees",
					v == LIVE_UNASKED ? json_null() :
					json_boolean(v == LIVE_AGREES));
			}
			bad |= json_object_set_new(o,
				ioas_profile_name(profile), po);
		}
		ioas_range_list_fini(&c);
		live_answer_fini(&a);
	}
	if (bad || !asked) {
		json_decref(o);
		*out = NULL;
		return bad ? -ENOMEM : 0;
	}
	*out = o;
	return 0;
}

/* "together": the --groups set in one container. */
static json_t *json_together(const struct ioas_host *h)
{
	const struct hostsel *hs = opt.hs;
	json_t *o = json_object(), *ids = json_array(), *live = NULL;
	size_t i, k;
	int bad = !o || !ids;

	for (i = 0; !bad && i < hs->nr_groups; i++)
		bad |= json_array_append_new(ids,
					     json_integer(hs->groups[i]));
	bad |= json_object_set_new(o, "groups", ids);
	for (k = 0; !bad && k < 2; k++) {
		uint32_t profile = k ? IOAS_PROFILE_IOMMUFD : IOAS_PROFILE_TYPE1;
		struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
		struct ioas_why why = { 0 };
		json_t *po = json_object();
		int err = together(h, profile, hs->groups, hs->nr_groups, &l,
				   &why);

		bad |= !po || err == -ENOMEM;
		if (!bad && err) {
			bad |= json_object_set_new(po, "error",
						   json_string(fmt_errname(err)));
			bad |= json_object_set_new(po, "group",
						   json_integer(why.group));
			bad |= json_object_set_new(po, "why", json_string(
				why.what ? why.what : ioas_strerror(err)));
		} else if (!bad) {
			bad |= json_object_set_new(po, "usable", out_json_list(&l));
		}
		bad |= json_object_set_new(o, ioas_profile_name(profile), po);
		ioas_range_list_fini(&l);
	}
	if (!bad)
		bad |= json_live(h, hs->groups, hs->nr_groups, &live) ||
		       (live && json_object_set_new(o, "kernel", live));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int print_json(const struct ioas_host *h)
{
	json_t *root = json_object(), *groups = json_array();
	json_t *iommus = json_array();
	size_t i, n = ioas_host_nr_groups(h);
	int bad = !root || !groups || !iommus;

	for (i = 0; !bad && i < n; i++) {
		const struct ioas_host_group *g = ioas_host_group_peek(h, i);
		json_t *go, *live = NULL;

		if (opt.hs->nr_groups && !selected(g->id))
			continue;
		go = json_group(g);
		bad |= !go || json_live(h, &g->id, 1, &live) ||
		       (live && json_object_set_new(go, "kernel", live));
		bad |= json_array_append_new(groups, go);
	}
	for (i = 0; !bad && i < ioas_host_nr_iommus(h); i++) {
		const struct ioas_host_iommu *u = ioas_host_iommu_peek(h, i);
		json_t *uo = json_object();

		bad |= !uo;
		bad |= json_object_set_new(uo, "name", json_string(u->name));
		bad |= json_object_set_new(uo, "kind", json_string(
			ioas_host_iommu_kind_name(u->kind)));
		bad |= json_array_append_new(iommus, uo);
	}
	if (bad) {
		json_decref(root);
		json_decref(groups);
		json_decref(iommus);
		return -ENOMEM;
	}
	bad |= json_object_set_new(root, "groups", groups);
	bad |= json_object_set_new(root, "iommus", iommus);
	if (!n)
		bad |= json_object_set_new(root, "note",
					   json_string(no_groups_note(h)));
	{
		size_t nn = 0, k;
		const char *const *notes = ioas_host_notes(h, &nn);
		json_t *a = nn ? json_array() : NULL;

		for (k = 0; a && !bad && k < nn; k++)
			bad |= json_array_append_new(a, json_string(notes[k]));
		if (nn)
			bad |= !a || json_object_set_new(root, "notes", a);
	}
	if (!bad && opt.hs->nr_groups > 1) {
		json_t *t = json_together(h);

		bad |= !t || json_object_set_new(root, "together", t);
	}
	return out_json_puts_compact(root, bad);
}

int cmd_show(int argc, char **argv)
{
	struct hostsel hs = { 0 };
	bool json = false;
	int i, err, live = -1;
	const char *dev;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			show_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--sysfs")) {
			if (i + 1 >= argc) {
				fprintf(stderr,
					"ioas show: --sysfs needs a folder\n");
				return 2;
			}
			hs.root = argv[++i];
		} else if (!strncmp(a, "--sysfs=", 8)) {
			hs.root = a + 8;
		} else if (!strcmp(a, "--groups") || !strncmp(a, "--groups=", 9)) {
			const char *v = a[8] == '=' ? a + 9 :
					i + 1 < argc ? argv[++i] : NULL;

			if (hostsel_parse_groups("show", v, &hs))
				return 2;
		} else if (!strcmp(a, "--live")) {
			live = 1;
		} else if (!strcmp(a, "--no-live")) {
			live = 0;
		} else {
			fprintf(stderr, "ioas show: unknown argument '%s'\n",
				a);
			show_usage(stderr);
			return 2;
		}
	}
	err = hostsel_load("show", &hs);
	if (err) {
		hostsel_fini(&hs);
		return err;
	}
	/* The running kernel is asked about the running host only, unless
	 * --live says otherwise (IOAS_DEV_ROOT then names /dev). */
	dev = getenv("IOAS_DEV_ROOT");
	opt.hs = &hs;
	opt.sysfs = hostsel_root(&hs);
	opt.dev = dev && *dev ? dev : "/dev";
	opt.live = live == 1 || (live == -1 && !hs.tmp &&
				 !strcmp(hostsel_root(&hs), "/sys"));
	names = pcinames_open();
	cur_host = hs.h;
	err = json ? print_json(hs.h) : print_text(hs.h, hs.root);
	pcinames_close(names);
	names = NULL;
	hostsel_fini(&hs);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ioas show: error writing the output\n");
		return 3;
	}
	if (err) {
		fprintf(stderr, "ioas show: %s\n", ioas_strerror(err));
		return 3;
	}
	return 0;
}
