// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host selection for show, explain, check and capture (hostsel.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ioas/ioas.h>

#include "capture.h"
#include "hostsel.h"
#include "parse.h"

int hostsel_parse_groups(const char *cmd, const char *arg, struct hostsel *hs)
{
	const char *p = arg, *e;
	size_t i;

	if (!arg || !*arg) {
		fprintf(stderr, "ioas %s: --groups needs a list of group numbers, e.g. --groups 1,5\n",
			cmd);
		return 2;
	}
	hs->nr_groups = 0;
	for (;;) {
		uint64_t v;

		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		if (e == p || parse_u64_n(p, (size_t)(e - p), &v) ||
		    v > UINT32_MAX) {
			fprintf(stderr,
				"ioas %s: --groups: '%.*s' is not a group number (in '%s')\n",
				cmd, (int)(e - p), p, arg);
			return 2;
		}
		for (i = 0; i < hs->nr_groups; i++) {
			if (hs->groups[i] == v) {
				fprintf(stderr,
					"ioas %s: --groups: group %" PRIu64 " is listed twice\n",
					cmd, v);
				return 2;
			}
		}
		if (hs->nr_groups == HOSTSEL_MAX_GROUPS) {
			fprintf(stderr, "ioas %s: --groups: more than %d groups\n",
				cmd, HOSTSEL_MAX_GROUPS);
			return 2;
		}
		hs->groups[hs->nr_groups++] = (uint32_t)v;
		if (!*e)
			return 0;
		p = e + 1;
	}
}

static int report_load_error(const char *cmd, int err, const char *root,
			     const struct ioas_host_diag *d)
{
	const char *path = d->path[0] ? d->path : root;
	const char *reason = d->diag.reason ? d->diag.reason :
			     ioas_strerror(err);

	fprintf(stderr, "ioas %s: %s: ", cmd, path);
	if (d->group != UINT32_MAX)
		fprintf(stderr, "group %" PRIu32 ", ", d->group);
	if (err == -EBADMSG && d->diag.line)
		fprintf(stderr, "line %u, ", d->diag.line);
	switch (err) {
	case -ENOENT:
		fprintf(stderr, "no such folder\n");
		return 2;
	case -ENOTDIR:
		fprintf(stderr, "not a folder\n");
		return 2;
	case -EBADMSG:
	case -EINVAL:
		fprintf(stderr, "%s\n", reason);
		return 2;
	case -EACCES:
		fprintf(stderr, "permission denied\n");
		return 3;
	default:
		fprintf(stderr, "%s\n", reason);
		return 3;
	}
}

const char *hostsel_root(const struct hostsel *hs)
{
	return hs->tmp ? hs->tmp : hs->root;
}

int hostsel_load(const char *cmd, struct hostsel *hs)
{
	struct ioas_host_diag diag;
	size_t i;
	int err;

	if (!hs->root)
		hs->root = getenv("IOAS_SYSFS_ROOT");
	if (!hs->root || !hs->root[0])
		hs->root = "/sys";
	/* An 'ioas capture' file: extracted, checked as hostile, to a
	 * private folder that hostsel_fini() removes. */
	if (!hs->tmp && capture_sniff(hs->root)) {
		char msg[512];

		err = capture_extract(hs->root, &hs->tmp, msg, sizeof(msg));
		if (err) {
			fprintf(stderr, "ioas %s: %s: %s\n", cmd, hs->root, msg);
			return err == -EBADMSG || err == -ENOENT ? 2 : 3;
		}
	}
	err = ioas_host_load(hostsel_root(hs), &hs->h, &diag);
	if (err && hs->tmp) {
		/* Name the file inside the capture, not the temporary
		 * folder: "capture.tar: kernel/iommu_groups/1/type". */
		size_t n = strlen(hs->tmp);
		char rel[IOAS_HOST_PATH_MAX];

		if (!strncmp(diag.path, hs->tmp, n) &&
		    (diag.path[n] == '/' || !diag.path[n])) {
			/* copied first: diag.path is rewritten from it */
			snprintf(rel, sizeof(rel), "%s",
				 diag.path + n + (diag.path[n] == '/'));
			/* a longer name is cut, as any diag path is */
			if (snprintf(diag.path, sizeof(diag.path), "%s%s%s",
				     hs->root, rel[0] ? ": " : "", rel) < 0)
				diag.path[0] = '\0';
		}
	}
	if (err)
		return report_load_error(cmd, err, hs->root, &diag);
	for (i = 0; i < hs->nr_groups; i++) {
		if (!ioas_host_group_find(hs->h, hs->groups[i])) {
			fprintf(stderr,
				"ioas %s: --groups: %s has no IOMMU group %" PRIu32 "\n",
				cmd, hs->root, hs->groups[i]);
			return 2;
		}
	}
	return 0;
}

void hostsel_fini(struct hostsel *hs)
{
	ioas_host_free(hs->h);
	hs->h = NULL;
	if (hs->tmp)
		capture_rmtree(hs->tmp);
	free(hs->tmp);
	hs->tmp = NULL;
}
