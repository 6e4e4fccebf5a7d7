/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Text formatting shared by the host commands (show, explain): strings
 * built with malloc(), human sizes, and a tiny aligned table.
 *
 * Every helper that returns a string returns a malloc()ed one, or NULL when
 * memory runs out. The table takes ownership of the cells handed to it,
 * NULL ones included (a NULL cell marks the table as out of memory), so
 * callers write table_add(&t, 3, fmt_range(r), fmt_size(r), ...) and check
 * t.oom once.
 */
#ifndef IOAS_TOOL_FMT_H
#define IOAS_TOOL_FMT_H

#include <stdbool.h>
#include <stddef.h>

#include <ioas/host.h>
#include <ioas/range.h>

#define NCOLS 6
#define FMT_LABEL_WIDTH 8 /* the minimum width of a table's column 0 */

struct row {
	char *cell[NCOLS];
};

struct table {
	struct row *rows;
	size_t nr;
	size_t cap;
	bool oom;
};

/* vasprintf() into a new string; NULL on failure. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "0x<start>-0x<last>", lowercase, no padding. */
char *fmt_range(const struct ioas_range *r);

/*
 * The size of @r in binary units: a whole number of the largest unit that
 * gives one below 10240 ("4078 MiB"), else two decimals of the largest
 * unit, truncated ("508.01 GiB"); the whole 2^64 space is "16 EiB".
 */
char *fmt_size(const struct ioas_range *r);

/* "vendor:device" of a PCI device, "-" for another. */
char *fmt_dev_id(const struct ioas_host_device *d);

/*
 * Prints "group N  type T  K devices  behind UNIT (KIND)", with
 * "  NOT ASSIGNABLE" for a group Linux will not hand to userspace, and a
 * newline.
 */
void fmt_group_header(const struct ioas_host_group *g);

/* N for an aperture [0, 2^N - 1]; 0 for any other range. */
unsigned int aperture_bits(const struct ioas_range *r);

/* "EINVAL" for -EINVAL; "error" for a code ioas has no name for. */
const char *fmt_errname(int err);

/*
 * Appends a row of @n (at most NCOLS) cells, each a char * that the table
 * owns from now on.
 */
void table_add(struct table *t, int n, ...);

/*
 * Prints the rows, each after @indent: every column padded to its widest
 * cell (column 0 at least FMT_LABEL_WIDTH), except the last non-empty cell
 * of each row; columns whose bit is set in @right are right-aligned.
 */
void table_print(const struct table *t, const char *indent,
		 unsigned int right);

/* Frees every cell and empties the table. */
void table_fini(struct table *t);

#endif
