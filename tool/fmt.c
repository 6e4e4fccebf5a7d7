// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Text formatting shared by the host commands (fmt.h): moved here from
 * cmd_show.c unchanged, so that show and explain print ranges, sizes and
 * tables the same way.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/ioas.h>

#include "fmt.h"

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

char *fmt_range(const struct ioas_range *r)
{
	return xasprintf("0x%" PRIx64 "-0x%" PRIx64, r->start, r->last);
}

/*
 * Whole units are preferred; the two-decimal form is truncated so that a
 * range just short of 16 EiB never reads "16.00 EiB".
 */
char *fmt_size(const struct ioas_range *r)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	unsigned int u = 0, e;
	uint64_t size, cents;

	if (r->start == 0 && r->last == UINT64_MAX)
		return xasprintf("%s", "16 EiB");
	size = r->last - r->start + 1;
	while (u + 1 < sizeof(units) / sizeof(units[0]) &&
	       size >> (10 * (u + 1)))
		u++;
	for (e = u + 1; e-- > 0;) {
		uint64_t mask = (UINT64_C(1) << (10 * e)) - 1;

		if (!(size & mask) && (size >> (10 * e)) < 10240)
			return xasprintf("%" PRIu64 " %s", size >> (10 * e),
					 units[e]);
	}
	cents = (uint64_t)((double)size * 100.0 /
			   (double)(UINT64_C(1) << (10 * u)));
	return xasprintf("%" PRIu64 ".%02u %s", cents / 100,
			 (unsigned int)(cents % 100), units[u]);
}

char *fmt_dev_id(const struct ioas_host_device *d)
{
	if (!(d->flags & IOAS_HOST_DEV_PCI))
		return xasprintf("%s", "-");
	return xasprintf("%04x:%04x", d->vendor, d->device);
}

void fmt_group_header(const struct ioas_host_group *g)
{
	printf("group %" PRIu32 "  type %s  %zu device%s", g->id,
	       g->type[0] ? g->type : "?", g->nr_devices,
	       g->nr_devices == 1 ? "" : "s");
	if (g->iommu)
		printf("  behind %s (%s)", g->iommu->name,
		       ioas_host_iommu_kind_describe(g->iommu->kind));
	if (g->flags & IOAS_HOST_GROUP_NOT_ASSIGNABLE)
		printf("  NOT ASSIGNABLE");
	putchar('\n');
}

unsigned int aperture_bits(const struct ioas_range *r)
{
	if (r->start != 0)
		return 0;
	if (r->last == UINT64_MAX)
		return 64;
	if (r->last & (r->last + 1))
		return 0;
	return (unsigned int)__builtin_ctzll(r->last + 1);
}

const char *fmt_errname(int err)
{
	const char *n = ioas_errno_name(err);

	return n ? n : "error";
}

void table_add(struct table *t, int n, ...)
{
	struct row *r;
	va_list ap;
	int i;

	if (t->oom)
		goto drop;
	if (t->nr == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct row *v = realloc(t->rows, cap * sizeof(*v));

		if (!v) {
			t->oom = true;
			goto drop;
		}
		t->rows = v;
		t->cap = cap;
	}
	r = &t->rows[t->nr++];
	memset(r, 0, sizeof(*r));
	va_start(ap, n);
	for (i = 0; i < n && i < NCOLS; i++) {
		r->cell[i] = va_arg(ap, char *);
		if (!r->cell[i])
			t->oom = true;
	}
	va_end(ap);
	return;
drop:
	va_start(ap, n);
	for (i = 0; i < n; i++)
		free(va_arg(ap, char *));
	va_end(ap);
}

void table_print(const struct table *t, const char *indent,
		 unsigned int right)
{
	size_t w[NCOLS] = { FMT_LABEL_WIDTH };
	size_t i;
	int c, last;

	for (i = 0; i < t->nr; i++)
		for (c = 0; c < NCOLS; c++)
			if (t->rows[i].cell[c] &&
			    strlen(t->rows[i].cell[c]) > w[c])
				w[c] = strlen(t->rows[i].cell[c]);
	for (i = 0; i < t->nr; i++) {
		const struct row *r = &t->rows[i];

		for (last = NCOLS - 1;
		     last > 0 && (!r->cell[last] || !*r->cell[last]); last--)
			;
		fputs(indent, stdout);
		for (c = 0; c <= last; c++) {
			const char *s = r->cell[c] ? r->cell[c] : "";

			if (c)
				fputs("  ", stdout);
			if (right & (1u << c))
				printf("%*s", (int)w[c], s);
			else if (c == last)
				fputs(s, stdout);
			else
				printf("%-*s", (int)w[c], s);
		}
		putchar('\n');
	}
}

void table_fini(struct table *t)
{
	size_t i;
	int c;

	for (i = 0; i < t->nr; i++)
		for (c = 0; c < NCOLS; c++)
			free(t->rows[i].cell[c]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
