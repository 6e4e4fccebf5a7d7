/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 'ioas capture' files: one POSIX tar archive (ustar headers, pax 'x'
 * records for the rare path over 255 or link target over 100 bytes) with
 * everything the host loader reads from sysfs, so that a host can be
 * replayed elsewhere with 'ioas show --sysfs FILE'.
 *
 * The first member is always "ioas-capture.txt", whose first line is
 * "ioas-capture <format>"; the others are paths relative to the sysfs
 * root ("kernel/iommu_groups/1/type"), in strcmp() order, each file stored
 * where it really is (symlinks are stored as symlinks, with their target,
 * and never need to be followed to place another member).
 *
 * Reading treats the archive as hostile: see capture.c.
 */
#ifndef IOAS_TOOL_CAPTURE_H
#define IOAS_TOOL_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define CAPTURE_FORMAT		1
#define CAPTURE_HEADER_NAME	"ioas-capture.txt"

/* Bounds the writer keeps and the reader enforces. */
#define CAPTURE_FILE_MAX	(1024 * 1024)		/* one member's data */
#define CAPTURE_TOTAL_MAX	(64 * 1024 * 1024)	/* all members' data */
#define CAPTURE_MEMBERS_MAX	262144
#define CAPTURE_PATH_MAX	4095			/* bytes, without NUL */
#define CAPTURE_DEPTH_MAX	64			/* path components */

struct capture_stats {
	size_t files;		/* regular files, the header included */
	size_t dirs;
	size_t links;
	size_t skipped;		/* unreadable or too large */
	uint64_t bytes;		/* the archive's size */
};

/*
 * Writes a capture of the sysfs tree at @root to @fd (the caller opens
 * and closes it). @source is what the header says was captured (the name
 * the user gave); @now dates the header and every member. Files that
 * cannot be read are skipped and counted, with one line each on @notes
 * (if not NULL; the first few only). Returns 0, or -errno with a
 * sentence in @err: -ENOENT/-ENOTDIR for a missing or non-folder @root,
 * -EFBIG when the tree exceeds the bounds above, others for I/O.
 */
int capture_write(const char *root, const char *source, int fd, time_t now,
		  FILE *notes, struct capture_stats *st, char *err,
		  size_t errsz);

/*
 * True if @path names something the host loader should extract rather
 * than read as a folder: a regular file that is a tar archive (ustar
 * magic in its first block), is compressed (so that the extractor can
 * say so), or whose name ends in ".tar" (so that a truncated capture gets
 * a capture error, not "not a folder").
 */
int capture_sniff(const char *path);

/*
 * Extracts the capture @file into a new private folder (mkdtemp) under
 * $TMPDIR, else /tmp, and returns its path in *@dir (malloc'd; remove
 * with capture_rmtree(), then free). On failure nothing is left on disk,
 * *@dir is untouched and @err holds a sentence naming the member and the
 * reason ("member 'a/../b': path leaves the archive"). Returns 0;
 * -EBADMSG for a malformed or hostile archive; -ENOENT/-EACCES/-EIO/
 * -ENOMEM/-ENOSPC for system errors.
 */
int capture_extract(const char *file, char **dir, char *err, size_t errsz);

/* The same, reading the archive from @fd and extracting under @parent. */
int capture_extract_fd(int fd, const char *parent, char **dir, char *err,
		       size_t errsz);

/*
 * Removes @dir and everything in it, never following a symlink. Returns
 * 0 or -errno (the first failure; it goes on removing what it can).
 */
int capture_rmtree(const char *dir);

#endif
