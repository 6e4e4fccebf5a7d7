// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the 'ioas capture' extractor (tool/capture.c): arbitrary
 * bytes as a capture file.
 *
 * The extraction parent is the innermost of a private chain of folders
 * (base/l1/l2/l3/sandbox). After every input: each folder of the chain
 * holds exactly the next one and the sandbox is empty, so the extractor
 * cleaned up and nothing was created beside it, up to four levels above.
 * No file descriptor may leak either. A rejected input must be -EBADMSG
 * (or a system error) with a message.
 * An accepted one must have every symlink resolve beneath the extracted
 * root (checked with openat2(RESOLVE_BENEATH), independently of the
 * extractor's own rule), must load with ioas_host_load() or fail cleanly,
 * and must round-trip: a capture written from the extracted tree is
 * accepted by the extractor again. Any violation abort()s.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ioas/host.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static const char *const chain[] = { "l1", "l2", "l3", "sandbox" };
static char base[256];
static char sandbox[512];
static int lowest_fd;	/* before this input: a leak moves it */

static void rm_base(void)
{
	if (base[0])
		capture_rmtree(base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR");
	size_t i, n;

	(void)argc;
	(void)argv;
	snprintf(base, sizeof(base), "%s/ioas-fuzz-capture.XXXXXX",
		 t && *t ? t : "/tmp");
	CHECK(mkdtemp(base));
	n = (size_t)snprintf(sandbox, sizeof(sandbox), "%s", base);
	for (i = 0; i < 4; i++) {
		n += (size_t)snprintf(sandbox + n, sizeof(sandbox) - n, "/%s",
				      chain[i]);
		CHECK(n < sizeof(sandbox));
		CHECK(mkdir(sandbox, 0700) == 0);
	}
	atexit(rm_base);
	return 0;
}

static void check_fds(void)
{
	int fd = dup(0);

	CHECK(fd == lowest_fd);
	close(fd);
}

/* @dir holds exactly @only (or nothing when @only is NULL). */
static void check_only(const char *dir, const char *only)
{
	struct dirent *e;
	size_t nr = 0;
	DIR *d = opendir(dir);

	CHECK(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!only || strcmp(e->d_name, only)) {
			fprintf(stderr, "unexpected entry %s/%s\n", dir,
				e->d_name);
			abort();
		}
		nr++;
	}
	closedir(d);
	CHECK(nr == (only ? 1u : 0u));
}

static void check_chain(void)
{
	char p[512];
	size_t i, n;

	n = (size_t)snprintf(p, sizeof(p), "%s", base);
	for (i = 0; i < 4; i++) {
		check_only(p, chain[i]);
		n += (size_t)snprintf(p + n, sizeof(p) - n, "/%s", chain[i]);
	}
	check_only(p, NULL);
}

/* Every symlink under @dfd resolves beneath @root (or dangles there). */
static void check_links(int root, int dfd, const char *rel, unsigned depth)
{
	struct dirent *e;
	DIR *d;
	int fd;

	CHECK(depth <= 2 * CAPTURE_DEPTH_MAX);
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0);
	d = fdopendir(fd);
	CHECK(d);
	while ((e = readdir(d))) {
		char path[CAPTURE_PATH_MAX + 300];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s%s%s", rel, *rel ? "/" : "",
			 e->d_name);
		CHECK(fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0);
		CHECK(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode) ||
		      S_ISLNK(st.st_mode));
		if (S_ISLNK(st.st_mode)) {
			struct open_how how = {
				.flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH |
					   RESOLVE_NO_MAGICLINKS,
			};
			long r = syscall(SYS_openat2, root, path, &how,
					 sizeof(how));

			if (r >= 0)
				close((int)r);
			else if (errno == EXDEV) {
				fprintf(stderr, "symlink %s escapes\n", path);
				abort();
			}
		} else if (S_ISDIR(st.st_mode)) {
			int c = openat(dfd, e->d_name,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				       O_CLOEXEC);

			CHECK(c >= 0);
			check_links(root, c, path, depth + 1);
			close(c);
		}
	}
	closedir(d);
}

static int to_memfd(const void *p, size_t n)
{
	int fd = memfd_create("capture", MFD_CLOEXEC);
	size_t off = 0;

	CHECK(fd >= 0);
	while (off < n) {
		ssize_t w = write(fd, (const char *)p + off, n - off);

		CHECK(w > 0);
		off += (size_t)w;
	}
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

static void round_trip(const char *dir)
{
	struct capture_stats st;
	char err[512], *again = NULL;
	int fd = memfd_create("again", MFD_CLOEXEC), ret;

	CHECK(fd >= 0);
	ret = capture_write(dir, "fuzz", fd, 0, NULL, &st, err, sizeof(err));
	CHECK(ret == 0);
	CHECK(st.bytes % 512 == 0 && st.files >= 1);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	ret = capture_extract_fd(fd, sandbox, &again, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "re-capture refused: %s\n", err);
		abort();
	}
	close(fd);
	CHECK(capture_rmtree(again) == 0);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "", *dir = NULL;
	struct ioas_host_diag diag;
	struct ioas_host *h = NULL;
	int fd, ret;

	if (!base[0])
		LLVMFuzzerInitialize(NULL, NULL);
	/* libFuzzer keeps files of its own open: measure per input. */
	lowest_fd = dup(0);
	CHECK(lowest_fd >= 0);
	close(lowest_fd);
	fd = to_memfd(data, size);
	ret = capture_extract_fd(fd, sandbox, &dir, err, sizeof(err));
	close(fd);
	if (ret) {
		CHECK(ret < 0);
		CHECK(!dir);
		CHECK(err[0]);
		CHECK(ret == -EBADMSG || ret == -ENOMEM || ret == -ENOSPC ||
		      ret == -EIO);
		check_chain();
		check_fds();
		return 0;
	}
	CHECK(dir);
	CHECK(!strncmp(dir, sandbox, strlen(sandbox)));
	{
		int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		CHECK(root >= 0);
		check_links(root, root, "", 0);
		close(root);
	}
	ret = ioas_host_load(dir, &h, &diag);
	CHECK(ret == 0 || ret == -EBADMSG || ret == -ENOENT ||
	      ret == -ENOTDIR || ret == -EINVAL || ret == -EIO ||
	      ret == -EACCES);
	ioas_host_free(h);
	round_trip(dir);
	CHECK(capture_rmtree(dir) == 0);
	free(dir);
	check_chain();
	check_fds();
	return 0;
}
