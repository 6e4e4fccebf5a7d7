/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the host commands (show, explain, check, capture) share: where the
 * host comes from (--sysfs DIR, an 'ioas capture' file, IOAS_SYSFS_ROOT,
 * /sys), loading it with errors reported the same way, and --groups.
 */
#ifndef IOAS_TOOL_HOSTSEL_H
#define IOAS_TOOL_HOSTSEL_H

#include <stddef.h>
#include <stdint.h>

#include <ioas/host.h>

#define HOSTSEL_MAX_GROUPS 256

struct hostsel {
	const char *root; /* as given; NULL: IOAS_SYSFS_ROOT, else /sys */
	char *tmp; /* an extracted capture, removed by hostsel_fini() */
	struct ioas_host *h;
	uint32_t groups[HOSTSEL_MAX_GROUPS]; /* --groups, in order */
	size_t nr_groups; /* 0: not given */
};

/*
 * --groups LIST: decimal group ids separated by commas ("1,5"), each at
 * most once. 0, or an error on stderr ("ioas CMD: --groups ...") and 2.
 */
int hostsel_parse_groups(const char *cmd, const char *arg, struct hostsel *hs);

/*
 * Loads the host: hs->root (a sysfs tree, or an 'ioas capture' file,
 * which is extracted to a private temporary folder), else
 * IOAS_SYSFS_ROOT, else /sys. Then every --groups id must exist. 0, or an
 * error on stderr and the exit status (2 bad input, 3 system error).
 */
int hostsel_load(const char *cmd, struct hostsel *hs);

/* The folder actually read (after extraction). */
const char *hostsel_root(const struct hostsel *hs);

void hostsel_fini(struct hostsel *hs);

#endif
