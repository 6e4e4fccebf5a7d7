// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas capture: everything 'ioas show' reads from sysfs, in one tar file
 * (capture.h) for bug reports and for comparing hosts; 'ioas show --sysfs
 * FILE' (and explain, check) replays it.
 *
 * The file is written as FILE.tmp (created with O_EXCL, so a stale or
 * planted one is never followed or reused) and renamed into place only
 * once complete: a failed capture leaves nothing behind. The capture is
 * read completely before the first byte is written, so "-o -" only ever
 * stops half-way on a write error.
 *
 * Exit statuses (tool/cmds.h): 0 written, 2 bad usage or a sysfs root that
 * is missing, not a folder or a malformed capture, 3 a system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "cmds.h"

static void capture_usage(FILE *f)
{
	fprintf(f,
		"usage: ioas capture [-o FILE] [--sysfs DIR]\n"
		"\n"
		"Write everything 'ioas show' reads from sysfs (IOMMU groups, IOMMU\n"
		"units, PCI devices, the DMAR/IVRS/IORT tables, VFIO and iommufd module\n"
		"parameters) into one tar file, for bug reports and comparing hosts.\n"
		"'ioas show --sysfs FILE' (and explain, check) read it like a sysfs tree.\n"
		"\n"
		"options:\n"
		"  -o FILE, --output FILE\n"
		"               write FILE (default: ioas-capture-HOST-YYYYmmdd-HHMMSS.tar\n"
		"               in the current folder, time in UTC); '-' writes to\n"
		"               standard output\n"
		"  --sysfs DIR  capture this sysfs tree instead of /sys (default: the\n"
		"               IOAS_SYSFS_ROOT environment variable, else /sys); DIR may\n"
		"               also be a capture file, which is written again\n"
		"  --help       print this help\n"
		"\n"
		"Files that cannot be read (the ACPI tables need root) are skipped and\n"
		"listed on stderr. SOURCE_DATE_EPOCH, if set, replaces the current time.\n"
		"\n"
		"exit status: 0 written, 2 bad usage or a missing sysfs folder, 3 a\n"
		"system error.\n");
}

/* The capture's time: SOURCE_DATE_EPOCH (reproducible builds) or now. */
static time_t capture_time(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v = 0;
	size_t i;

	if (!s || !*s || strlen(s) > 12)
		return time(NULL);
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return time(NULL);
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	return (time_t)v;
}

/* ioas-capture-<host>-<YYYYmmdd-HHMMSS>.tar, the host name made safe. */
static char *default_name(time_t now)
{
	char host[65] = "", date[32] = "unknown";
	struct tm tm;
	size_t i;
	char *s;

	if (gethostname(host, sizeof(host) - 1) || !host[0])
		strcpy(host, "host");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i]; i++) {
		char c = host[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_'))
			host[i] = '_';
	}
	if (host[0] == '.')
		host[0] = '_';
	if (gmtime_r(&now, &tm))
		strftime(date, sizeof(date), "%Y%m%d-%H%M%S", &tm);
	if (asprintf(&s, "ioas-capture-%s-%s.tar", host, date) < 0)
		return NULL;
	return s;
}

static int need_value(const char *opt, int i, int argc)
{
	if (i + 1 < argc)
		return 0;
	fprintf(stderr, "ioas capture: %s needs a value\n", opt);
	capture_usage(stderr);
	return 2;
}

int cmd_capture(int argc, char **argv)
{
	const char *root = NULL, *out = NULL, *src;
	char msg[512], *tmpdir = NULL, *name = NULL, *tmp = NULL;
	struct capture_stats st;
	struct stat sb;
	time_t now;
	int i, fd = -1, err, ret = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			capture_usage(stdout);
			return 0;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (need_value(a, i, argc))
				return 2;
			out = argv[++i];
		} else if (!strncmp(a, "--output=", 9)) {
			out = a + 9;
		} else if (!strcmp(a, "--sysfs")) {
			if (need_value(a, i, argc))
				return 2;
			root = argv[++i];
		} else if (!strncmp(a, "--sysfs=", 8)) {
			root = a + 8;
		} else {
			fprintf(stderr, "ioas capture: unknown argument '%s'\n",
				a);
			capture_usage(stderr);
			return 2;
		}
	}
	if (out && !*out) {
		fprintf(stderr, "ioas capture: -o needs a file name\n");
		return 2;
	}
	if (!root)
		root = getenv("IOAS_SYSFS_ROOT");
	if (!root || !*root)
		root = "/sys";
	now = capture_time();

	/* Check the source before anything is created. */
	src = root;
	if (capture_sniff(root)) {
		err = capture_extract(root, &tmpdir, msg, sizeof(msg));
		if (err) {
			fprintf(stderr, "ioas capture: %s: %s\n", root, msg);
			return err == -EBADMSG || err == -ENOENT ? 2 : 3;
		}
		src = tmpdir;
	} else if (stat(root, &sb) || !S_ISDIR(sb.st_mode)) {
		int e = errno;

		fprintf(stderr, "ioas capture: %s: %s\n", root,
			!stat(root, &sb) ? "not a folder" :
			e == ENOENT || e == ENOTDIR ? "no such folder" :
			e == EACCES ? "permission denied" : strerror(e));
		return !stat(root, &sb) || e == ENOENT || e == ENOTDIR ? 2 : 3;
	}

	if (out && !strcmp(out, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr,
				"ioas capture: not writing a tar archive to a terminal; use -o FILE\n");
			ret = 2;
			goto done;
		}
		fd = STDOUT_FILENO;
	} else {
		if (!out) {
			name = default_name(now);
			if (!name)
				goto oom;
			out = name;
		}
		if (asprintf(&tmp, "%s.tmp", out) < 0) {
			tmp = NULL;
			goto oom;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "ioas capture: cannot create %s: %s%s\n",
				tmp, strerror(errno),
				errno == EEXIST ?
					" (left by an interrupted capture? remove it)" :
					"");
			free(tmp);
			tmp = NULL;
			ret = 3;
			goto done;
		}
	}

	err = capture_write(src, root, fd, now, stderr, &st, msg, sizeof(msg));
	if (!err && fd != STDOUT_FILENO) {
		if (fsync(fd) && errno != EINVAL && errno != EROFS)
			err = -errno;
		if (close(fd) && !err)
			err = -errno;
		fd = -1;
		if (err) {
			snprintf(msg, sizeof(msg), "%s", strerror(-err));
		} else if (rename(tmp, out)) {
			err = -errno;
			snprintf(msg, sizeof(msg), "cannot rename it to %s: %s",
				 out, strerror(-err));
		}
	}
	if (err) {
		if (err == -ENOENT || err == -ENOTDIR)
			fprintf(stderr, "ioas capture: %s: %s\n", root, msg);
		else
			fprintf(stderr, "ioas capture: %s: %s\n",
				fd == STDOUT_FILENO ? "standard output" :
				tmp ? tmp : out, msg);
		ret = err == -ENOENT || err == -ENOTDIR ? 2 : 3;
		goto done;
	}
	fprintf(stderr, "ioas capture: wrote %s: %zu files, %" PRIu64 " bytes",
		fd == STDOUT_FILENO ? "standard output" : out,
		st.files + st.dirs + st.links, st.bytes);
	if (st.skipped)
		fprintf(stderr, "; %zu unreadable file%s skipped", st.skipped,
			st.skipped == 1 ? "" : "s");
	fprintf(stderr, "\n");
	free(tmp);
	tmp = NULL;
done:
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(name);
	if (tmpdir) {
		capture_rmtree(tmpdir);
		free(tmpdir);
	}
	return ret;
oom:
	fprintf(stderr, "ioas capture: out of memory\n");
	ret = 3;
	goto done;
}
