// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Corpus replay for libFuzzer targets, without libFuzzer (zstd's
 * regression driver idea). Linked with any fuzz_<target>.c, it runs
 * LLVMFuzzerTestOneInput() once on every file named on the command line or
 * found directly inside a directory named there (no recursion; entries in
 * strcmp() order so runs are reproducible), and prints TAP: "1..N", then
 * "ok i - <file>" after each input returns. A crash or abort() in the
 * target kills the process, which Meson reports as a failure.
 *
 * An argument that cannot be read, or a run that finds no input at all,
 * is a failure ("Bail out!"), not a skip: a replay that replays nothing is
 * a test that cannot fail.
 *
 * Each input is copied into a heap buffer of exactly its size, so that
 * ASan and valgrind catch a target reading one byte too far.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

struct names {
	char **v;
	size_t nr, cap;
};

static void bail(const char *what, const char *path)
{
	printf("Bail out! %s: %s\n", what, path);
	fflush(stdout);
	exit(1);
}

static void names_add(struct names *n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *s;

	if (n->nr == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 64;
		char **v = realloc(n->v, cap * sizeof(*v));

		if (!v)
			bail("out of memory", a);
		n->v = v;
		n->cap = cap;
	}
	s = malloc(la + lb + 2);
	if (!s)
		bail("out of memory", a);
	memcpy(s, a, la);
	if (b) {
		s[la] = '/';
		memcpy(s + la + 1, b, lb + 1);
	} else {
		s[la] = '\0';
	}
	n->v[n->nr++] = s;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files directly inside @dir, sorted. */
static void add_dir(struct names *n, const char *dir)
{
	struct names local = { 0 };
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t i;

	d = opendir(dir);
	if (!d)
		bail("cannot open corpus directory", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names_add(&local, dir, de->d_name);
		if (stat(local.v[local.nr - 1], &st) || !S_ISREG(st.st_mode))
			free(local.v[--local.nr]);
	}
	closedir(d);
	if (local.nr)
		qsort(local.v, local.nr, sizeof(*local.v), cmp_names);
	for (i = 0; i < local.nr; i++) {
		names_add(n, local.v[i], NULL);
		free(local.v[i]);
	}
	free(local.v);
}

static void run_one(const char *path, size_t idx)
{
	uint8_t *buf;
	size_t size;
	long len;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		bail("cannot open", path);
	if (fseek(f, 0, SEEK_END))
		bail("cannot size", path);
	len = ftell(f);
	if (len < 0 || fseek(f, 0, SEEK_SET))
		bail("cannot size", path);
	size = (size_t)len;
	/* libFuzzer never passes NULL, even for an empty input. */
	buf = malloc(size ? size : 1);
	if (!buf)
		bail("out of memory", path);
	if (size && fread(buf, 1, size, f) != size)
		bail("cannot read", path);
	fclose(f);

	/* Name the input first, so a crash says which one did it. */
	fprintf(stderr, "# running %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput(buf, size);
	free(buf);
	printf("ok %zu - %s\n", idx, path);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct names n = { 0 };
	struct stat st;
	size_t i;
	int a;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (a = 1; a < argc; a++) {
		if (stat(argv[a], &st))
			bail("no such corpus", argv[a]);
		if (S_ISDIR(st.st_mode))
			add_dir(&n, argv[a]);
		else
			names_add(&n, argv[a], NULL);
	}
	if (!n.nr)
		bail("no corpus inputs", argc > 1 ? argv[1] : "(no arguments)");

	printf("1..%zu\n", n.nr);
	fflush(stdout);
	for (i = 0; i < n.nr; i++) {
		run_one(n.v[i], i + 1);
		free(n.v[i]);
	}
	free(n.v);
	return 0;
}
