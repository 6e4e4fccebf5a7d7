// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 'ioas capture' files (capture.h): a hand-written POSIX tar writer that
 * snapshots what the host loader reads from sysfs, and a reader that
 * extracts such a file, treated as hostile, into a private folder.
 *
 * Writer. Every path the loader may look at (lib/host_sysfs.c) is resolved
 * from the sysfs root the way the kernel would resolve it, one component
 * at a time (fstatat/readlinkat/openat relative to the folder reached so
 * far, O_NOFOLLOW everywhere), except that a symlink leading out of the
 * tree is never followed. Each symlink met on the way is stored as a
 * symlink, each folder as a folder, and each file where it really is, so
 * the extracted tree resolves exactly like the original one (a group's
 * devices/<bdf> link still names the device; bus/pci/devices/<bdf> still
 * leads to its vendor file). A symlink out of the tree is stored as a
 * dangling stand-in inside it ("../outside-sysfs/<the rest>") that keeps
 * its last component, the only part the loader reads. What cannot be read
 * is skipped, noted on stderr and listed in the header. Members are
 * collected in memory (bounded by CAPTURE_TOTAL_MAX), deduplicated by a
 * hash set, sorted with strcmp() and written in one pass after
 * "ioas-capture.txt". All members get the same mtime, uid/gid 0 and fixed
 * modes, so the same tree captured at the same time gives the same bytes.
 * Paths over ustar's 100+155 bytes and link targets over 100 bytes get a
 * pax 'x' record (path=, linkpath=). Nothing is stored that the reader
 * below would refuse.
 *
 * Reader. Nothing in the archive is trusted: every header's checksum,
 * magic ("ustar\0" "00" only), octal fields and NUL padding is checked;
 * only regular files, folders, symlinks and pax 'x' records (path= and
 * linkpath= are used, size= is refused, the rest ignored) are accepted;
 * each file is at most CAPTURE_FILE_MAX, all of them CAPTURE_TOTAL_MAX,
 * at most CAPTURE_MEMBERS_MAX members; a path must be relative, without
 * "..", control characters, empty components or a component over 255
 * bytes; a truncated archive (no end-of-archive block, a short header or
 * data) is an error, and so is anything but zeros after the end. Members
 * are created with openat() relative to the extraction root, one folder
 * at a time with O_NOFOLLOW (a path through a symlink is refused), files
 * with O_CREAT|O_EXCL|O_NOFOLLOW (a duplicate is refused).
 *
 * Symlink targets: resolving a target lexically against the link's
 * folder is not enough on its own, because links can be chained: with
 * x/A -> "../y", a link x/B -> "A/../.." looks like x/.. = the root
 * lexically, yet the kernel resolves A first and lands one folder above
 * the root. So the reader accepts only targets of the form sysfs itself
 * uses, "../" k times then plain names ("../../../devices/pci0000:00/
 * 0000:00:01.0"), with k at most the depth of the link's folder. Such a
 * target, followed from the real folder holding the link, climbs only
 * through real folders inside the root and then descends by names; a
 * name that is itself such a link does the same, so no chain of them can
 * leave the root. Dangling targets are fine: the loader uses link names.
 * The writer stores targets verbatim when they have this form and a
 * lexically normalized equivalent otherwise.
 *
 * Errors are -errno (-EBADMSG for a malformed archive) plus a sentence in
 * the caller's buffer, naming the member and the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <ioas/ioas.h>

#include "capture.h"

#define BLOCK		512
#define NAME_MAX_	255		/* one path component */
#define LINK_HOPS	40		/* the kernel's MAXSYMLINKS */
#define LIST_MAX	65536		/* entries read from one folder */
#define PAX_MAX		(64 * 1024)
#define HEADER_MAX	(64 * 1024)	/* ioas-capture.txt */
#define SKIPS_MAX	(16 * 1024)	/* its "skipped:" lines */
#define CONFIG_MAX	4096		/* PCI config space: what root reads */
#define TRAILER_MAX	(1024 * 1024)	/* zeros allowed after the end */
#define NOTES_MAX	20
#define QUOTE_MAX	160

/* ---------------------------------------------------------------------- */
/* Shared helpers */

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static int sys_err(int e)
{
	return e > 0 ? -e : -EIO;
}

/* @s (@n bytes) for a message: printable ASCII kept, the rest as \xNN. */
static void quote(char *out, size_t outsz, const char *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 8 >= outsz) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Printable ASCII only, but for a final newline: for the header. */
static void clean_line(char *s)
{
	for (; *s; s++)
		if ((is_ctl((unsigned char)*s) && !(s[0] == '\n' && !s[1])) ||
		    (unsigned char)*s >= 0x80)
			*s = '?';
}

/*
 * A symlink target the reader accepts (see the file comment): NULL, or
 * why not. @depth is the number of components of the link's folder.
 */
static const char *target_check(const char *t, size_t n, size_t depth,
				bool *escapes)
{
	size_t start = 0, ups = 0, i;
	bool names = false;

	*escapes = false;
	if (!n)
		return "symlink target is empty";
	if (n > CAPTURE_PATH_MAX)
		return "symlink target is longer than 4095 bytes";
	if (t[0] == '/') {
		*escapes = true;
		return "symlink target is absolute";
	}
	for (i = 0; i < n; i++)
		if (is_ctl((unsigned char)t[i]))
			return "control character in the symlink target";
	for (;;) {
		const char *e = memchr(t + start, '/', n - start);
		size_t end = e ? (size_t)(e - t) : n;
		size_t len = end - start;

		if (!len)
			return "symlink target has an empty component";
		if (len == 1 && t[start] == '.')
			return "symlink target has a '.' component";
		if (len == 2 && t[start] == '.' && t[start + 1] == '.') {
			if (names)
				return "symlink target has '..' after a name";
			ups++;
		} else {
			if (len > NAME_MAX_)
				return "symlink target component longer than 255 bytes";
			names = true;
		}
		if (end == n)
			break;
		start = end + 1;
	}
	if (ups > depth) {
		*escapes = true;
		return "symlink leaves the archive";
	}
	return NULL;
}

static size_t depth_of(const char *p)
{
	size_t d = *p ? 1 : 0;

	for (; *p; p++)
		if (*p == '/')
			d++;
	return d;
}

/* "a/b", or the non-empty one of the two. */
static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (!s)
		return NULL;
	if (!la || !lb) {
		memcpy(s, la ? a : b, (la ? la : lb) + 1);
		return s;
	}
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

/* ---------------------------------------------------------------------- */
/* Writer: collecting members */

enum { M_NONE = 0, M_FILE = '0', M_LINK = '2', M_DIR = '5' };

struct member {
	char *path;		/* relative to the root, no trailing '/' */
	char *target;		/* M_LINK */
	unsigned char *data;	/* M_FILE */
	size_t len;
	char type;		/* M_NONE: seen and noted, not stored */
};

struct wr {
	const char *root;
	int root_fd;
	struct member *v;
	size_t nr, cap;
	size_t *hash;		/* index + 1 into v; 0 is empty */
	size_t hcap;		/* a power of two, or 0 */
	uint64_t total;
	FILE *notes;
	size_t skipped;
	size_t noted;
	char *skips;		/* "skipped: PATH: WHY\n" lines, for the header */
	char *denied;		/* the folder of the last -EACCES in resolve() */
	size_t skips_len;
	int fatal;
	char *err;
	size_t errsz;
};

struct names {
	char **v;
	size_t nr, cap;
};

static void names_fini(struct names *n)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		free(n->v[i]);
	free(n->v);
	memset(n, 0, sizeof(*n));
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

/* The slot holding @path, or the empty slot where it would go. */
static size_t hash_slot(const struct wr *w, const char *path)
{
	size_t i = (size_t)hash_str(path) & (w->hcap - 1);

	while (w->hash[i] && strcmp(w->v[w->hash[i] - 1].path, path))
		i = (i + 1) & (w->hcap - 1);
	return i;
}

static int hash_grow(struct wr *w)
{
	size_t cap = w->hcap ? 2 * w->hcap : 1024, ocap = w->hcap, i;
	size_t *old = w->hash;

	w->hash = calloc(cap, sizeof(*w->hash));
	if (!w->hash) {
		w->hash = old;
		return -ENOMEM;
	}
	w->hcap = cap;
	for (i = 0; i < ocap; i++)
		if (old[i])
			w->hash[hash_slot(w, w->v[old[i] - 1].path)] = old[i];
	free(old);
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int wr_fatal(struct wr *w, int err, const char *fmt, ...)
{
	va_list ap;

	if (w->fatal)
		return w->fatal;
	w->fatal = err;
	if (w->err && w->errsz) {
		va_start(ap, fmt);
		vsnprintf(w->err, w->errsz, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int oom(struct wr *w)
{
	return wr_fatal(w, -ENOMEM, "out of memory");
}

/* A file left out: on @notes (the first few), and in the header. */
static void note(struct wr *w, const char *path, const char *why)
{
	size_t n = strlen(path) + strlen(why) + 13;

	w->skipped++;
	if (!w->skips)
		w->skips = calloc(1, SKIPS_MAX + 1);
	if (w->skips && w->skips_len + n + 16 < SKIPS_MAX) {
		char *p = w->skips + w->skips_len;

		snprintf(p, SKIPS_MAX + 1 - w->skips_len, "skipped: %s: %s\n",
			 path, why);
		clean_line(p);
		w->skips_len += strlen(p);
	} else if (w->skips && w->skips_len < SKIPS_MAX) {
		w->skips_len += (size_t)snprintf(w->skips + w->skips_len,
						 SKIPS_MAX + 1 - w->skips_len,
						 "skipped: ...\n");
		w->skips_len = SKIPS_MAX;
	}
	if (!w->notes)
		return;
	if (w->noted < NOTES_MAX)
		fprintf(w->notes, "ioas capture: skipped %s%s%s: %s\n", w->root,
			*path ? "/" : "", path, why);
	else if (w->noted == NOTES_MAX)
		fprintf(w->notes,
			"ioas capture: (more skipped files not listed)\n");
	w->noted++;
}

static const char *norm_path(const char *p, size_t n, char *out,
			     size_t *depth);

/*
 * Whether the reader will take @path as it is: the writer must never
 * produce an archive the reader refuses.
 */
static bool storable(const char *path)
{
	size_t n = strlen(path), depth;
	char *tmp;
	bool ok;

	if (n > CAPTURE_PATH_MAX)
		return false;
	tmp = malloc(n + 1);
	if (!tmp)
		return false;
	ok = !norm_path(path, n, tmp, &depth) && !strcmp(tmp, path);
	free(tmp);
	return ok;
}

/*
 * Adds a member, taking ownership of @path, @target and @data (freed when
 * the path is there already: the first one wins). A path the reader would
 * refuse (a control character, deeper than CAPTURE_DEPTH_MAX) is noted
 * and left out. Returns 0 if added, 1 if it was there or left out, or the
 * fatal error.
 */
static int add_member(struct wr *w, char type, char *path, char *target,
		      unsigned char *data, size_t len)
{
	struct member *m;
	size_t slot;
	int ret = 1;

	if (!path) {
		ret = oom(w);
		goto drop;
	}
	if (w->fatal) {
		ret = w->fatal;
		goto drop;
	}
	/* Never the root, never a second header, whatever the tree holds. */
	if (!*path || !strcmp(path, CAPTURE_HEADER_NAME))
		goto drop;
	if ((w->nr + 1) * 2 > w->hcap && hash_grow(w)) {
		ret = oom(w);
		goto drop;
	}
	slot = hash_slot(w, path);
	if (w->hash[slot])
		goto drop;
	if (type != M_NONE && !storable(path)) {
		char q[QUOTE_MAX];

		quote(q, sizeof(q), path, strlen(path));
		/* Remember it, so that it is noted once. */
		type = M_NONE;
		free(target);
		free(data);
		target = NULL;
		data = NULL;
		len = 0;
		note(w, q, "a name the capture format cannot hold (too deep or odd characters)");
	}
	if (w->nr >= CAPTURE_MEMBERS_MAX - 1) {
		ret = wr_fatal(w, -EFBIG,
			       "the tree has more than %d files and folders to capture",
			       CAPTURE_MEMBERS_MAX - 1);
		goto drop;
	}
	if (len > CAPTURE_TOTAL_MAX - w->total) {
		ret = wr_fatal(w, -EFBIG,
			       "the tree has more than %d MiB to capture",
			       CAPTURE_TOTAL_MAX >> 20);
		goto drop;
	}
	if (w->nr == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct member *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			ret = oom(w);
			goto drop;
		}
		w->v = v;
		w->cap = cap;
	}
	m = &w->v[w->nr];
	m->path = path;
	m->target = target;
	m->data = data;
	m->len = len;
	m->type = type;
	w->hash[slot] = ++w->nr;
	w->total += len;
	return 0;

drop:
	free(path);
	free(target);
	free(data);
	return ret;
}

/* A folder that cannot be searched: noted once, not once per file. */
static int note_denied(struct wr *w, const char *path)
{
	const char *p = w->denied ? w->denied : path;
	size_t n = strlen(p);
	char *key = malloc(n + 2);
	int ret;

	if (!key)
		return oom(w);
	/* A key no member path can have: \1 is refused in names. */
	key[0] = '\1';
	memcpy(key + 1, p, n + 1);
	ret = add_member(w, M_NONE, key, NULL, NULL, 0);
	if (ret < 0)
		return ret;
	if (!ret)
		note(w, p, "permission denied");
	return 0;
}

static char *wjoin(struct wr *w, const char *a, const char *b)
{
	char *s = join(a, b);

	if (!s)
		oom(w);
	return s;
}

/* A path as (pointer, length) components. */
struct comps {
	const char **p;
	size_t *n;
	size_t nr;
};

static void comps_push_path(struct comps *c, const char *s)
{
	while (*s) {
		const char *e = strchrnul(s, '/');

		if (e > s) {
			c->p[c->nr] = s;
			c->n[c->nr++] = (size_t)(e - s);
		}
		s = *e ? e + 1 : e;
	}
}

#define OUTSIDE "outside-sysfs"

/*
 * The target to store for a symlink in folder @dir: @t itself if the
 * reader accepts it (0), else its lexical normal form relative to @dir
 * (0), or, for a target outside the tree, a dangling stand-in inside it
 * that keeps the rest of the path and so the last component, which is
 * all the loader looks at: "../../" up to the root, then
 * OUTSIDE "/bus/pci/devices/0000:00:01.0" (1; such a link is never
 * followed). -EXDEV if even that cannot be stored, -ENOMEM.
 */
static int store_target(const char *dir, const char *t, char **out)
{
	size_t nd = depth_of(dir), lt = strlen(t), common = 0, i, max;
	bool esc, outside = t[0] == '/';
	struct comps d, c;
	const char *q;
	char *s, *p;
	int err = -ENOMEM;

	*out = NULL;
	if (!target_check(t, lt, nd, &esc)) {
		*out = strdup(t);
		return *out ? 0 : -ENOMEM;
	}
	if (lt > CAPTURE_PATH_MAX)
		return -EXDEV;
	max = nd + lt + 2;
	d.p = malloc(max * sizeof(*d.p));
	d.n = malloc(max * sizeof(*d.n));
	c.p = malloc(max * sizeof(*c.p));
	c.n = malloc(max * sizeof(*c.n));
	s = malloc(3 * nd + lt + strlen(dir) + sizeof(OUTSIDE) + 2);
	if (!d.p || !d.n || !c.p || !c.n || !s)
		goto out;
	d.nr = c.nr = 0;
	comps_push_path(&d, dir);
	if (!outside)
		comps_push_path(&c, dir);
	/* Walk the target on a stack that starts as the link's folder; past
	 * the root, what is above it is unknown and simply dropped. */
	for (q = t; *q;) {
		const char *e = strchrnul(q, '/');
		size_t n = (size_t)(e - q);

		if (n == 2 && q[0] == '.' && q[1] == '.') {
			if (c.nr)
				c.nr--;
			else
				outside = true;
		} else if (n && !(n == 1 && q[0] == '.')) {
			c.p[c.nr] = q;
			c.n[c.nr++] = n;
		}
		q = *e ? e + 1 : e;
	}
	if (!outside) {
		while (common < d.nr && common < c.nr &&
		       d.n[common] == c.n[common] &&
		       !memcmp(d.p[common], c.p[common], d.n[common]))
			common++;
		if (common == d.nr && common == c.nr) {
			/* The link's own folder: "../<its name>" says it. */
			if (!common) {
				err = -EXDEV;
				goto out;
			}
			common--;
		}
	}
	p = s;
	for (i = common; i < d.nr; i++) {
		memcpy(p, "../", 3);
		p += 3;
	}
	if (outside) {
		memcpy(p, OUTSIDE "/", sizeof(OUTSIDE));
		p += sizeof(OUTSIDE);
	}
	for (i = outside ? 0 : common; i < c.nr; i++) {
		memcpy(p, c.p[i], c.n[i]);
		p += c.n[i];
		*p++ = '/';
	}
	p[-1] = '\0';
	if (target_check(s, strlen(s), nd, &esc)) {
		err = -EXDEV;
		goto out;
	}
	*out = s;
	s = NULL;
	err = outside;
out:
	free(d.p);
	free(d.n);
	free(c.p);
	free(c.n);
	free(s);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Writer: resolving paths inside the tree */

#define RS_FOLLOW	1	/* follow a symlink in the last component */
#define RS_RECORD	2	/* store the folders and symlinks met */

/* Where a path led: its folder (an O_PATH fd) and its name there. */
struct spot {
	char *canon;		/* the path without symlinks; "" = root */
	int pfd;
	const char *name;	/* the last component of canon, or "." */
	struct stat st;
};

static void spot_fini(struct spot *sp)
{
	if (sp->pfd >= 0)
		close(sp->pfd);
	free(sp->canon);
	sp->canon = NULL;
	sp->pfd = -1;
}

/*
 * The symlink @name in folder @dfd (= @canon): with RS_RECORD it is
 * stored (a link leading out of the tree as its stand-in, see
 * store_target(); one that cannot be stored at all is noted once). Its
 * target goes to *@target; -EXDEV if it leads out of the tree.
 */
static int met_link(struct wr *w, int dfd, const char *canon,
		    const char *name, int flags, char **target)
{
	char *buf, *path = NULL, *stored = NULL;
	ssize_t r;
	int err, ret;

	buf = malloc(CAPTURE_PATH_MAX + 2);
	if (!buf)
		return -ENOMEM;
	r = readlinkat(dfd, name, buf, CAPTURE_PATH_MAX + 1);
	if (r < 0) {
		err = sys_err(errno);
		free(buf);
		return err;
	}
	buf[r] = '\0';
	if (r > CAPTURE_PATH_MAX || strlen(buf) != (size_t)r)
		err = -EXDEV;
	else
		err = store_target(canon, buf, &stored);
	if (err == -ENOMEM)
		goto fail;
	if (flags & RS_RECORD) {
		path = join(canon, name);
		if (!path) {
			err = -ENOMEM;
			goto fail;
		}
		ret = add_member(w, err < 0 ? M_NONE : M_LINK, path, stored,
				 NULL, 0);
		stored = NULL;
		if (ret < 0) {
			err = ret;
			goto fail;
		}
		if (!ret && err < 0)
			note(w, w->v[w->nr - 1].path,
			     "symlink target cannot be stored (too long or odd characters)");
	}
	if (err)
		goto fail;
	*target = buf;
	return 0;
fail:
	free(stored);
	free(buf);
	return err > 0 ? -EXDEV : err;
}

static int descend(int *cur, const char *name, int flags)
{
	int fd = openat(*cur, name, O_PATH | O_DIRECTORY | O_CLOEXEC | flags);

	if (fd < 0)
		return sys_err(errno);
	close(*cur);
	*cur = fd;
	return 0;
}

/*
 * Resolve @path (relative to the root) as the kernel would, one component
 * at a time, without ever leaving the tree. -ENOENT if something is
 * missing, -EXDEV if a symlink leads out, -ELOOP for too many links;
 * -EACCES, -ENOMEM, -EIO.
 */
static int resolve(struct wr *w, const char *path, int flags, struct spot *sp)
{
	char *rest = strdup(path), *canon = strdup(""), *tgt = NULL;
	char comp[NAME_MAX_ + 1];
	int cur = -1, hops = 0, err = 0;
	bool done = false;
	const char *p;

	sp->canon = NULL;
	sp->pfd = -1;
	if (!rest || !canon) {
		err = -ENOMEM;
		goto out;
	}
	cur = openat(w->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0) {
		err = sys_err(errno);
		goto out;
	}
	p = rest;
	for (;;) {
		const char *e, *q;
		struct stat st;
		size_t n;
		bool last;
		char *c;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchrnul(p, '/');
		n = (size_t)(e - p);
		if (n > NAME_MAX_) {
			err = -ENOENT;
			goto out;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		for (q = e; *q == '/'; q++)
			;
		last = !*q;
		p = e;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(canon, '/');

			/* canon has no symlink: its parent is lexical. */
			if (!*canon) {
				err = -EXDEV;
				goto out;
			}
			*(slash ? slash : canon) = '\0';
			err = descend(&cur, "..", 0);
			if (err)
				goto out;
			continue;
		}
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW)) {
			err = errno == ENOTDIR ? -ENOENT : sys_err(errno);
			if (err == -EACCES || err == -EPERM) {
				free(w->denied);
				w->denied = strdup(canon);
			}
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			err = met_link(w, cur, canon, comp, flags, &tgt);
			if (err)
				goto out;
			if (!last || (flags & RS_FOLLOW)) {
				if (++hops > LINK_HOPS) {
					err = -ELOOP;
					goto out;
				}
				c = join(tgt, p);
				if (!c) {
					err = -ENOMEM;
					goto out;
				}
				free(rest);
				rest = c;
				p = rest;
				free(tgt);
				tgt = NULL;
				continue;
			}
		}
		c = join(canon, comp);
		if (!c) {
			err = -ENOMEM;
			goto out;
		}
		free(canon);
		canon = c;
		if (last) {
			sp->pfd = cur;
			cur = -1;
			sp->st = st;
			done = true;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			err = -ENOENT;
			goto out;
		}
		err = descend(&cur, comp, O_NOFOLLOW);
		if (err)
			goto out;
		if ((flags & RS_RECORD) &&
		    add_member(w, M_DIR, strdup(canon), NULL, NULL, 0) < 0) {
			err = w->fatal;
			goto out;
		}
	}
	if (!done) {
		/* Ended on the folder we are in (the root, or after a
		 * trailing ".."): reach it from its parent. */
		if (*canon) {
			err = descend(&cur, "..", 0);
			if (err)
				goto out;
		}
		sp->pfd = cur;
		cur = -1;
	}
	sp->canon = canon;
	canon = NULL;
	{
		const char *slash = strrchr(sp->canon, '/');

		sp->name = !*sp->canon ? "." : slash ? slash + 1 : sp->canon;
	}
	if (!done && fstatat(sp->pfd, sp->name, &sp->st, AT_SYMLINK_NOFOLLOW)) {
		err = sys_err(errno);
		goto out;
	}
	if ((flags & RS_RECORD) && S_ISDIR(sp->st.st_mode) &&
	    add_member(w, M_DIR, strdup(sp->canon), NULL, NULL, 0) < 0)
		err = w->fatal;
out:
	if (cur >= 0)
		close(cur);
	free(rest);
	free(canon);
	free(tgt);
	if (err)
		spot_fini(sp);
	return err;
}

static int cap_file(struct wr *w, const struct spot *sp, const char *path,
		    size_t max, bool trunc)
{
	size_t n = 0, cap = 0, limit = trunc ? max : max + 1;
	unsigned char *buf = NULL;
	struct stat st;
	char why[64];
	int fd;

	fd = openat(sp->pfd, sp->name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOMEM)
			return oom(w);
		note(w, path, errno == EACCES || errno == EPERM ?
				      "permission denied" : strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		note(w, path, "not a regular file");
		return 0;
	}
	/* sysfs says 4096 bytes whatever a file holds: read to the end. */
	for (;;) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 4096;
			unsigned char *nb;

			if (ncap > limit)
				ncap = limit;
			if (n == ncap)
				break;
			nb = realloc(buf, ncap ? ncap : 1);
			if (!nb) {
				free(buf);
				close(fd);
				return oom(w);
			}
			buf = nb;
			cap = ncap;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			note(w, path, strerror(errno));
			free(buf);
			close(fd);
			return 0;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		snprintf(why, sizeof(why), "larger than the %zu KiB limit",
			 max >> 10);
		note(w, path, why);
		free(buf);
		return 0;
	}
	return add_member(w, M_FILE, strdup(sp->canon), NULL, buf, n) < 0 ?
		       w->fatal : 0;
}

/*
 * Resolve @path for capturing: 1 with @sp filled, 0 when there is nothing
 * to store (absent; denied, which is noted; any other error, noted when
 * @report), or a negative fatal error.
 */
static int cap_resolve(struct wr *w, const char *path, int flags,
		       bool report, struct spot *sp)
{
	int err;

	if (w->fatal)
		return w->fatal;
	err = resolve(w, path, flags, sp);
	if (err == -ENOMEM)
		return oom(w);
	if (w->fatal)
		return w->fatal;
	if (err == -EACCES || err == -EPERM)
		return note_denied(w, path);
	if (err && report && err != -ENOENT && err != -EXDEV && err != -ELOOP)
		note(w, path, strerror(-err));
	return !err;
}

/*
 * Store what @path leads to: a folder (the entry), a regular file (its
 * first @max bytes with @trunc, else all of it up to @max), or, without
 * RS_FOLLOW, a symlink itself. What is absent is no error.
 */
static int cap_path(struct wr *w, const char *path, int flags, size_t max,
		    bool trunc)
{
	struct spot sp;
	int err;

	err = cap_resolve(w, path, flags | RS_RECORD, true, &sp);
	if (err <= 0)
		return err;
	err = 0;
	if (S_ISREG(sp.st.st_mode))
		err = cap_file(w, &sp, path, max, trunc);
	else if (!S_ISDIR(sp.st.st_mode) && !S_ISLNK(sp.st.st_mode))
		note(w, path, "not a regular file, folder or symlink");
	spot_fini(&sp);
	return err;
}

/* @dir/@name: a file (or folder) followed, or the entry itself. */
static int cap_at(struct wr *w, const char *dir, const char *name,
		  int flags)
{
	char *p = wjoin(w, dir, name);
	int err;

	if (!p)
		return w->fatal;
	err = cap_path(w, p, flags, CAPTURE_FILE_MAX, false);
	free(p);
	return err;
}

/* The sorted entries of the folder @path leads to (none if absent). */
static int list_at(struct wr *w, const char *path, int record,
		   struct names *out)
{
	struct dirent *e;
	struct spot sp;
	DIR *d;
	int fd, err;

	memset(out, 0, sizeof(*out));
	err = cap_resolve(w, path, RS_FOLLOW | record, false, &sp);
	if (err <= 0)
		return err;
	if (!S_ISDIR(sp.st.st_mode)) {
		spot_fini(&sp);
		return 0;
	}
	fd = openat(sp.pfd, sp.name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;

		free(w->denied);
		w->denied = strdup(sp.canon);
		spot_fini(&sp);
		if (saved == EACCES || saved == EPERM)
			return note_denied(w, path);
		note(w, path, strerror(saved));
		return 0;
	}
	spot_fini(&sp);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return oom(w);
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (strlen(e->d_name) > NAME_MAX_)
			continue;
		if (out->nr == LIST_MAX) {
			note(w, path, "more than 65536 entries, the rest left out");
			break;
		}
		if (out->nr == out->cap) {
			size_t cap = out->cap ? 2 * out->cap : 32;
			char **v = realloc(out->v, cap * sizeof(*v));

			if (!v)
				goto fail;
			out->v = v;
			out->cap = cap;
		}
		out->v[out->nr] = strdup(e->d_name);
		if (!out->v[out->nr])
			goto fail;
		out->nr++;
	}
	closedir(d);
	if (out->nr)
		qsort(out->v, out->nr, sizeof(*out->v), names_cmp);
	return 0;
fail:
	closedir(d);
	names_fini(out);
	return oom(w);
}

/* Every entry of folder @dir, with @flags (RS_FOLLOW: as files). */
static int cap_each(struct wr *w, const char *dir, int flags)
{
	struct names n;
	size_t i;
	int err;

	err = list_at(w, dir, RS_RECORD, &n);
	for (i = 0; !err && i < n.nr; i++)
		err = cap_at(w, dir, n.v[i], flags);
	names_fini(&n);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Writer: what to capture (what lib/host_sysfs.c reads, and a little more) */

/* The loader's group names: "0", or decimal without a leading zero. */
static bool is_group_id(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 10 || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_dir_path(struct wr *w, const char *path)
{
	struct spot sp;
	bool yes;

	if (resolve(w, path, RS_FOLLOW, &sp))
		return false;
	yes = S_ISDIR(sp.st.st_mode);
	spot_fini(&sp);
	return yes;
}

typedef int entry_fn(struct wr *w, const char *path);

/*
 * Record folder @dir's listing; for each entry @keep accepts (NULL: every
 * one), capture the entry itself (followed) and run @fn on its path.
 */
static int plan_each(struct wr *w, const char *dir, bool (*keep)(const char *),
		     entry_fn *fn)
{
	struct names n;
	size_t i;
	int err;

	err = list_at(w, dir, RS_RECORD, &n);
	for (i = 0; !err && i < n.nr; i++) {
		char *p;

		if (keep && !keep(n.v[i]))
			continue;
		p = wjoin(w, dir, n.v[i]);
		if (!p) {
			err = w->fatal;
			break;
		}
		err = cap_path(w, p, RS_FOLLOW, CAPTURE_FILE_MAX, false);
		if (!err)
			err = fn(w, p);
		free(p);
	}
	names_fini(&n);
	return err;
}

static int cap_group(struct wr *w, const char *g)
{
	char *d;
	int err;

	err = cap_at(w, g, "type", RS_FOLLOW);
	if (!err)
		err = cap_at(w, g, "reserved_regions", RS_FOLLOW);
	if (err)
		return err;
	d = wjoin(w, g, "devices");
	err = d ? cap_each(w, d, 0) : w->fatal;
	free(d);
	return err;
}

static int plan_groups(struct wr *w)
{
	const char *gdir = "kernel/iommu_groups";
	struct names n;
	size_t i;
	int err;

	if (!is_dir_path(w, gdir)) {
		/* The loader also takes ROOT itself holding numeric group
		 * folders (an iommu_groups folder given directly). */
		err = list_at(w, "", 0, &n);
		for (i = 0; !err && i < n.nr; i++)
			if (is_group_id(n.v[i]) && is_dir_path(w, n.v[i]))
				break;
		if (err || i == n.nr) {
			names_fini(&n);
			return err;
		}
		names_fini(&n);
		gdir = "";
	}
	return plan_each(w, gdir, is_group_id, cap_group);
}

static int cap_iommu(struct wr *w, const char *u)
{
	static const char *const subs[] = {
		"intel-iommu", "amd-iommu", "devices",
	};
	size_t k;
	int err = 0;

	/* The registers as files, the devices/ links as links. */
	for (k = 0; !err && k < 3; k++) {
		char *d = wjoin(w, u, subs[k]);

		err = d ? cap_each(w, d, k < 2 ? RS_FOLLOW : 0) : w->fatal;
		free(d);
	}
	return err;
}

static int plan_iommus(struct wr *w)
{
	return plan_each(w, "class/iommu", NULL, cap_iommu);
}

static int cap_pci_dev(struct wr *w, const char *d)
{
	static const char *const files[] = {
		"vendor", "device", "class", "revision", "subsystem_vendor",
		"subsystem_device",
	};
	static const char *const links[] = { "driver", "iommu", "iommu_group" };
	char *c;
	size_t k;
	int err = 0;

	for (k = 0; !err && k < sizeof(files) / sizeof(files[0]); k++)
		err = cap_at(w, d, files[k], RS_FOLLOW);
	for (k = 0; !err && k < sizeof(links) / sizeof(links[0]); k++)
		err = cap_at(w, d, links[k], 0);
	if (err)
		return err;
	/* Root reads the whole config space, others the first 64 bytes;
	 * 4 KiB is all there is on PCIe. */
	c = wjoin(w, d, "config");
	err = c ? cap_path(w, c, RS_FOLLOW, CONFIG_MAX, true) : w->fatal;
	free(c);
	return err;
}

static int plan_pci(struct wr *w)
{
	return plan_each(w, "bus/pci/devices", NULL, cap_pci_dev);
}

/*
 * The device tree: the loader only asks whether firmware/devicetree is a
 * folder; the root's compatible and model, and the MSI controllers (the
 * doorbells behind an SMMU's sw-msi window) help whoever reads the
 * report. The walk stores only the nodes it keeps, not every folder it
 * passes through.
 */
static int dt_walk(struct wr *w, const char *dir, unsigned int depth,
		   size_t *budget)
{
	static const char *const props[] = {
		"compatible", "reg", "msi-controller", "#msi-cells", "phandle",
	};
	struct names n;
	bool msi = false;
	size_t i;
	int err;

	if (depth > 8 || !*budget)
		return 0;
	(*budget)--;
	err = list_at(w, dir, 0, &n);
	for (i = 0; i < n.nr; i++)
		if (!strcmp(n.v[i], "msi-controller"))
			msi = true;
	for (i = 0; !err && msi && i < sizeof(props) / sizeof(props[0]); i++)
		err = cap_at(w, dir, props[i], RS_FOLLOW);
	for (i = 0; !err && i < n.nr; i++) {
		char *p = wjoin(w, dir, n.v[i]);
		struct stat st;

		if (!p) {
			err = w->fatal;
			break;
		}
		/* Nodes are folders, properties files; nothing links. */
		if (!fstatat(w->root_fd, p, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISDIR(st.st_mode))
			err = dt_walk(w, p, depth + 1, budget);
		free(p);
	}
	names_fini(&n);
	return err;
}

static int plan_misc(struct wr *w)
{
	static const char *const acpi[] = { "DMAR", "IVRS", "IORT" };
	static const char *const mods[] = {
		"module/vfio_iommu_type1/parameters",
		"module/iommufd/parameters",
	};
	const char *base = "firmware/devicetree/base";
	size_t i, budget = 4096;
	int err;

	err = cap_path(w, "firmware/devicetree", RS_FOLLOW, CAPTURE_FILE_MAX,
		       false);
	if (!err && is_dir_path(w, base)) {
		err = cap_path(w, base, RS_FOLLOW, CAPTURE_FILE_MAX, false);
		if (!err)
			err = cap_at(w, base, "compatible", RS_FOLLOW);
		if (!err)
			err = cap_at(w, base, "model", RS_FOLLOW);
		if (!err)
			err = dt_walk(w, base, 0, &budget);
	}
	for (i = 0; !err && i < 3; i++)
		err = cap_at(w, "firmware/acpi/tables", acpi[i], RS_FOLLOW);
	for (i = 0; !err && i < 2; i++)
		err = cap_each(w, mods[i], RS_FOLLOW);
	if (!err)
		err = cap_at(w, "kernel/mm/transparent_hugepage",
			     "hpage_pmd_size", RS_FOLLOW);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Writer: the tar stream */

struct out {
	int fd;
	size_t n;
	uint64_t total;
	int err;
	unsigned char buf[64 * 1024];
};

static void out_flush(struct out *o)
{
	size_t off = 0;

	while (!o->err && off < o->n) {
		ssize_t r = write(o->fd, o->buf + off, o->n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			o->err = sys_err(errno);
		else
			off += (size_t)r;
	}
	o->n = 0;
}

static void out_write(struct out *o, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n && !o->err) {
		size_t k = sizeof(o->buf) - o->n;

		if (k > n)
			k = n;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		o->total += k;
		s += k;
		n -= k;
		if (o->n == sizeof(o->buf))
			out_flush(o);
	}
}

static void out_pad(struct out *o, uint64_t len)
{
	static const unsigned char zero[BLOCK];

	if (len % BLOCK)
		out_write(o, zero, BLOCK - len % BLOCK);
}

/* @w - 1 octal digits, then a NUL. */
static void put_oct(unsigned char *f, size_t w, uint64_t v)
{
	size_t i;

	f[w - 1] = '\0';
	for (i = w - 1; i-- > 0;) {
		f[i] = (unsigned char)('0' + (v & 7));
		v >>= 3;
	}
}

/* The sum of the header's bytes, its checksum field read as spaces. */
static unsigned int header_sum(const unsigned char *h)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum;
}

struct hfields {
	char type;
	const char *name, *prefix, *link;
	size_t nlen, plen, llen;
	uint64_t size;
};

static void header_emit(struct out *o, const struct hfields *f,
			uint64_t mtime)
{
	unsigned int mode = f->type == M_DIR ? 0755 :
			    f->type == M_LINK ? 0777 : 0644;
	unsigned char h[BLOCK];

	memset(h, 0, sizeof(h));
	memcpy(h, f->name, f->nlen);
	put_oct(h + 100, 8, mode);
	put_oct(h + 108, 8, 0);
	put_oct(h + 116, 8, 0);
	put_oct(h + 124, 12, f->size);
	put_oct(h + 136, 12, mtime);
	h[156] = (unsigned char)f->type;
	memcpy(h + 157, f->link, f->llen);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	put_oct(h + 329, 8, 0);
	put_oct(h + 337, 8, 0);
	memcpy(h + 345, f->prefix, f->plen);
	put_oct(h + 148, 7, header_sum(h));
	h[155] = ' ';
	out_write(o, h, BLOCK);
}

/* Where to cut @p into ustar's prefix and name; false if it cannot be. */
static bool ustar_split(const char *p, size_t n, size_t *cut)
{
	size_t i;

	*cut = 0;
	if (n <= 100)
		return true;
	for (i = n - 1 < 155 ? n - 1 : 155; i > 0; i--) {
		if (p[i] == '/' && n - i - 1 <= 100 && n - i - 1 > 0) {
			*cut = i;
			return true;
		}
	}
	return false;
}

/* "<len> <key>=<value>\n", where <len> counts itself. */
static size_t pax_record(char *buf, const char *key, const char *val)
{
	size_t base = strlen(key) + strlen(val) + 3, len = base + 1;
	char tmp[24];

	while ((size_t)snprintf(tmp, sizeof(tmp), "%zu", len) + base != len)
		len = base + (size_t)snprintf(tmp, sizeof(tmp), "%zu", len);
	if (buf)
		sprintf(buf, "%zu %s=%s\n", len, key, val);
	return len;
}

static void emit_member(struct out *o, const struct member *m,
			uint64_t mtime)
{
	struct hfields f = {
		.type = m->type, .prefix = "", .link = "", .size = m->len,
	};
	size_t n = strlen(m->path), cut;
	bool pax_path, pax_link = false;
	char *name;

	/* Folders end with '/', as tar writes them. */
	name = malloc(n + 2);
	if (!name) {
		o->err = -ENOMEM;
		return;
	}
	memcpy(name, m->path, n);
	if (m->type == M_DIR)
		name[n++] = '/';
	name[n] = '\0';
	pax_path = !ustar_split(name, n, &cut);
	if (m->type == M_LINK) {
		f.link = m->target;
		f.llen = strlen(m->target);
		pax_link = f.llen > 100;
	}
	if (pax_path || pax_link) {
		size_t len = (pax_path ? pax_record(NULL, "path", name) : 0) +
			     (pax_link ? pax_record(NULL, "linkpath",
						    m->target) : 0);
		const char *base = strrchr(m->path, '/');
		char *rec = malloc(len + 1), xname[101];
		struct hfields x = {
			.type = 'x', .name = xname, .prefix = "", .link = "",
			.size = len,
		};

		if (!rec) {
			free(name);
			o->err = -ENOMEM;
			return;
		}
		len = 0;
		if (pax_path)
			len += pax_record(rec, "path", name);
		if (pax_link)
			len += pax_record(rec + len, "linkpath", m->target);
		snprintf(xname, sizeof(xname), "PaxHeaders/%.89s",
			 base ? base + 1 : m->path);
		x.nlen = strlen(xname);
		header_emit(o, &x, mtime);
		out_write(o, rec, len);
		out_pad(o, len);
		free(rec);
	}
	/* With a pax record, ustar's fields hold a cut-off fallback. */
	if (f.llen > 100)
		f.llen = 100;
	if (pax_path) {
		f.name = name;
		f.nlen = 100;
	} else if (cut) {
		f.name = name + cut + 1;
		f.nlen = n - cut - 1;
		f.prefix = name;
		f.plen = cut;
	} else {
		f.name = name;
		f.nlen = n;
	}
	header_emit(o, &f, mtime);
	if (m->type == M_FILE) {
		out_write(o, m->data, m->len);
		out_pad(o, m->len);
	}
	free(name);
}

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = *(const struct member *const *)a;
	const struct member *y = *(const struct member *const *)b;

	return strcmp(x->path, y->path);
}

/* Printable ASCII only, for the header's one-line values. */
static void clean(char *s)
{
	for (; *s; s++)
		if (is_ctl((unsigned char)*s) || (unsigned char)*s >= 0x80)
			*s = '?';
}

static size_t header_text(char *buf, size_t size, const char *source,
			  time_t now, const char *skips)
{
	char host[256] = "", date[32] = "unknown", src[512];
	struct utsname u;
	struct tm tm;
	int n;

	if (gethostname(host, sizeof(host) - 1))
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	clean(host);
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	clean(u.release);
	clean(u.machine);
	if (gmtime_r(&now, &tm))
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(src, sizeof(src), "%s", source);
	clean(src);
	n = snprintf(buf, size,
		     "ioas-capture %d\n"
		     "ioas-version: %s\n"
		     "date: %s\n"
		     "sysfs: %s\n"
		     "hostname: %s\n"
		     "kernel: %s\n"
		     "machine: %s\n"
		     "note: hostname, kernel and machine are those of the machine that ran 'ioas capture'\n"
		     "%s",
		     CAPTURE_FORMAT, ioas_version(), date, src, host,
		     u.release, u.machine, skips ? skips : "");
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

int capture_write(const char *root, const char *source, int fd, time_t now,
		  FILE *notes, struct capture_stats *st, char *err,
		  size_t errsz)
{
	static const unsigned char end[2 * BLOCK];
	struct wr w = {
		.root = root, .notes = notes, .err = err, .errsz = errsz,
	};
	struct member hdr = { .type = M_FILE };
	struct member **sorted = NULL;
	uint64_t mtime = now < 0 ? 0 : (uint64_t)now;
	char name[] = CAPTURE_HEADER_NAME, *text = NULL;
	struct out *o = NULL;
	size_t i, k = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	w.root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.root_fd < 0) {
		ret = sys_err(errno);
		set_err(err, errsz, "%s",
			ret == -ENOENT ? "no such folder" :
			ret == -ENOTDIR ? "not a folder" :
			ret == -EACCES ? "permission denied" : strerror(-ret));
		return ret;
	}
	ret = plan_groups(&w);
	if (!ret)
		ret = plan_iommus(&w);
	if (!ret)
		ret = plan_pci(&w);
	if (!ret)
		ret = plan_misc(&w);
	if (ret)
		goto out;

	o = malloc(sizeof(*o));
	sorted = malloc((w.nr ? w.nr : 1) * sizeof(*sorted));
	text = malloc(SKIPS_MAX + 2048);
	if (!o || !sorted || !text) {
		ret = -ENOMEM;
		set_err(err, errsz, "out of memory");
		goto out;
	}
	o->fd = fd;
	o->n = 0;
	o->total = 0;
	o->err = 0;
	for (i = 0; i < w.nr; i++)
		if (w.v[i].type != M_NONE)
			sorted[k++] = &w.v[i];
	qsort(sorted, k, sizeof(*sorted), member_cmp);

	hdr.path = name;
	hdr.data = (unsigned char *)text;
	hdr.len = header_text(text, SKIPS_MAX + 2048, source, now, w.skips);
	emit_member(o, &hdr, mtime);
	st->files = 1;
	for (i = 0; i < k && !o->err; i++) {
		emit_member(o, sorted[i], mtime);
		st->files += sorted[i]->type == M_FILE;
		st->dirs += sorted[i]->type == M_DIR;
		st->links += sorted[i]->type == M_LINK;
	}
	out_write(o, end, sizeof(end));
	out_flush(o);
	ret = o->err;
	if (ret)
		set_err(err, errsz, "%s", ret == -ENOMEM ? "out of memory" :
						      strerror(-ret));
	st->bytes = o->total;
	st->skipped = w.skipped;
out:
	for (i = 0; i < w.nr; i++) {
		free(w.v[i].path);
		free(w.v[i].target);
		free(w.v[i].data);
	}
	free(w.v);
	free(w.hash);
	free(w.skips);
	free(w.denied);
	free(sorted);
	free(text);
	free(o);
	close(w.root_fd);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Reader */

struct rd {
	int fd;
	int root;		/* the extraction folder */
	uint64_t off;		/* bytes consumed */
	uint64_t total;		/* file data so far */
	size_t members;
	bool pax;		/* an 'x' record applies to the next member */
	char *pax_path;
	size_t pax_path_len;
	char *pax_link;
	size_t pax_link_len;
	char *err;
	size_t errsz;
	unsigned char buf[16 * 1024];
};

static const char *errtext(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such file";
	case -EACCES:
	case -EPERM:
		return "permission denied";
	case -ENOSPC:
	case -EDQUOT:
		return "no space left on the device";
	case -ENOMEM:
		return "out of memory";
	default:
		return strerror(-err);
	}
}

/* Up to @n bytes; fewer only at the end of the file. */
static ssize_t rd_read(struct rd *r, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(r->fd, (char *)p + got, n - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return sys_err(errno);
		if (!k)
			break;
		got += (size_t)k;
	}
	r->off += got;
	return (ssize_t)got;
}

__attribute__((format(printf, 2, 3)))
static int bad(struct rd *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err && r->errsz) {
		va_start(ap, fmt);
		vsnprintf(r->err, r->errsz, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static int rd_sys(struct rd *r, int err, const char *disp, const char *what)
{
	set_err(r->err, r->errsz, "member '%s': %s: %s", disp, what,
		errtext(err));
	return err;
}

/* A numeric field: octal digits between optional spaces and NULs. */
static bool parse_octal(const unsigned char *f, size_t w, bool empty_ok,
			uint64_t *v)
{
	bool digits = false;
	uint64_t x = 0;
	size_t i = 0;

	while (i < w && f[i] == ' ')
		i++;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		x = x * 8 + (uint64_t)(f[i] - '0');
		digits = true;
	}
	for (; i < w; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	if (!digits && !empty_ok)
		return false;
	*v = x;
	return true;
}

/* A NUL-padded text field's length, or -1 if a byte follows a NUL. */
static ssize_t field_len(const unsigned char *f, size_t w)
{
	size_t n = strnlen((const char *)f, w), i;

	for (i = n; i < w; i++)
		if (f[i])
			return -1;
	return (ssize_t)n;
}

/*
 * @p (@n bytes) as a member path, normalized into @out ("." components
 * and a trailing '/' dropped, at most @n + 1 bytes); NULL, or why it is
 * refused.
 */
static const char *norm_path(const char *p, size_t n, char *out,
			     size_t *depth)
{
	size_t start = 0, o = 0, i;

	*depth = 0;
	out[0] = '\0';
	if (!n)
		return "empty name";
	if (n > CAPTURE_PATH_MAX)
		return "path longer than 4095 bytes";
	if (p[0] == '/')
		return "absolute path";
	for (i = 0; i < n; i++)
		if (is_ctl((unsigned char)p[i]))
			return "control character in the name";
	while (start < n) {
		const char *e = memchr(p + start, '/', n - start);
		size_t end = e ? (size_t)(e - p) : n;
		size_t len = end - start;

		if (!len) {
			if (end + 1 < n)
				return "empty path component ('//')";
			break;	/* a trailing '/' */
		}
		if (len == 2 && p[start] == '.' && p[start + 1] == '.')
			return "path leaves the archive";
		if (len > NAME_MAX_)
			return "path component longer than 255 bytes";
		if (!(len == 1 && p[start] == '.')) {
			if (++*depth > CAPTURE_DEPTH_MAX)
				return "path deeper than 64 folders";
			if (o)
				out[o++] = '/';
			memcpy(out + o, p + start, len);
			o += len;
		}
		start = end + 1;
	}
	out[o] = '\0';
	return NULL;
}

static const char *type_refusal(unsigned char t)
{
	switch (t) {
	case '1':
		return "hard links are not allowed";
	case '3':
		return "character devices are not allowed";
	case '4':
		return "block devices are not allowed";
	case '6':
		return "FIFOs are not allowed";
	case '7':
		return "contiguous files are not allowed";
	case 'g':
		return "global pax headers are not allowed";
	case 'L':
	case 'K':
		return "GNU long-name records are not allowed (write the archive with tar --format=posix)";
	default:
		return NULL;
	}
}

/* The records of a pax 'x' member: path= and linkpath= are used. */
static int pax_parse(struct rd *r, const char *d, size_t n, uint64_t at)
{
	size_t i = 0;

	while (i < n) {
		size_t len = 0, j = i, k, eq, vl;
		char **slot = NULL;
		size_t *slot_len = NULL;
		char *v;

		while (j < n && d[j] >= '0' && d[j] <= '9') {
			len = len * 10 + (size_t)(d[j] - '0');
			if (len > n)
				break;
			j++;
		}
		if (j == i || j >= n || d[j] != ' ' || len > n - i ||
		    len < j - i + 4 || d[i + len - 1] != '\n')
			return bad(r, "pax header at byte %" PRIu64 ": malformed record at offset %zu",
				   at, i);
		k = j + 1;
		for (eq = k; eq < i + len - 1 && d[eq] != '='; eq++)
			;
		if (eq == k || eq >= i + len - 1)
			return bad(r, "pax header at byte %" PRIu64 ": malformed record at offset %zu",
				   at, i);
		if (eq - k == 4 && !memcmp(d + k, "path", 4)) {
			slot = &r->pax_path;
			slot_len = &r->pax_path_len;
		} else if (eq - k == 8 && !memcmp(d + k, "linkpath", 8)) {
			slot = &r->pax_link;
			slot_len = &r->pax_link_len;
		} else if (eq - k == 4 && !memcmp(d + k, "size", 4)) {
			return bad(r, "pax header at byte %" PRIu64 ": size records are not supported",
				   at);
		}
		if (slot) {
			/* The record's length ends the value, not a NUL:
			 * one inside is refused later as a control
			 * character. */
			vl = i + len - 1 - (eq + 1);
			v = malloc(vl + 1);
			if (!v) {
				set_err(r->err, r->errsz, "out of memory");
				return -ENOMEM;
			}
			memcpy(v, d + eq + 1, vl);
			v[vl] = '\0';
			free(*slot);
			*slot = v;
			*slot_len = vl;
		}
		i += len;
	}
	return 0;
}

static void pax_reset(struct rd *r)
{
	free(r->pax_path);
	free(r->pax_link);
	r->pax_path = r->pax_link = NULL;
	r->pax_path_len = r->pax_link_len = 0;
	r->pax = false;
}

/*
 * @size bytes of data and the padding after them: written to @fd if it
 * is >= 0, kept in @keep (of @size bytes) if not NULL.
 */
static int rd_data(struct rd *r, int fd, uint64_t size, const char *disp,
		   unsigned char *keep)
{
	uint64_t left = size, pad = (BLOCK - size % BLOCK) % BLOCK;

	while (left) {
		size_t k = left < sizeof(r->buf) ? (size_t)left :
						   sizeof(r->buf);
		ssize_t n = rd_read(r, r->buf, k), off = 0;

		if (n < 0)
			return rd_sys(r, (int)n, disp, "reading the archive");
		if ((size_t)n < k)
			return bad(r, "member '%s': the archive ends inside its data (truncated)",
				   disp);
		if (keep) {
			memcpy(keep, r->buf, k);
			keep += k;
		}
		while (fd >= 0 && off < n) {
			ssize_t wr = write(fd, r->buf + off, (size_t)(n - off));

			if (wr < 0 && errno == EINTR)
				continue;
			if (wr < 0)
				return rd_sys(r, sys_err(errno), disp,
					      "writing");
			off += wr;
		}
		left -= k;
	}
	if (pad) {
		ssize_t n = rd_read(r, r->buf, (size_t)pad);

		if (n < 0)
			return rd_sys(r, (int)n, disp, "reading the archive");
		if ((uint64_t)n < pad)
			return bad(r, "member '%s': the archive ends inside the padding after its data (truncated)",
				   disp);
	}
	return 0;
}

/*
 * The folder that will hold @path (a modifiable copy), creating missing
 * folders on the way, never through a symlink. *@pfd is r->root or an fd
 * the caller closes; *@base the last component.
 */
static int open_parent(struct rd *r, char *path, const char *disp, int *pfd,
		       const char **base)
{
	int dfd = r->root, fd, err;
	char *p = path, *slash;

	while ((slash = strchr(p, '/'))) {
		struct stat st;

		*slash = '\0';
		fd = openat(dfd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(dfd, p, 0700) && errno != EEXIST) {
				err = rd_sys(r, sys_err(errno), disp,
					     "creating a folder");
				goto fail;
			}
			fd = openat(dfd, p, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			char q[QUOTE_MAX];
			int e = errno;

			quote(q, sizeof(q), path, strlen(path));
			if ((e == ELOOP || e == ENOTDIR) &&
			    !fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW))
				err = bad(r, S_ISLNK(st.st_mode) ?
					  "member '%s': path goes through the symlink '%s'" :
					  "member '%s': '%s' is not a folder",
					  disp, q);
			else
				err = rd_sys(r, sys_err(e), disp,
					     "opening a folder");
			goto fail;
		}
		if (dfd != r->root)
			close(dfd);
		dfd = fd;
		*slash = '/';
		p = slash + 1;
	}
	*pfd = dfd;
	*base = p;
	return 0;
fail:
	if (dfd != r->root)
		close(dfd);
	return err;
}

/* The first member: ioas-capture.txt, "ioas-capture <format>\n...". */
static int check_header(struct rd *r, const unsigned char *t, size_t n)
{
	static const char magic[] = "ioas-capture ";
	unsigned long fmt = 0;
	size_t i = sizeof(magic) - 1;

	if (n < i || memcmp(t, magic, i) || i == n || t[i] < '1' || t[i] > '9')
		return bad(r, "not an ioas capture: " CAPTURE_HEADER_NAME
			      " does not start with 'ioas-capture <format>'");
	for (; i < n && t[i] >= '0' && t[i] <= '9' && fmt < 1000000; i++)
		fmt = fmt * 10 + (unsigned long)(t[i] - '0');
	if (i == n || t[i] != '\n')
		return bad(r, "not an ioas capture: " CAPTURE_HEADER_NAME
			      " does not start with 'ioas-capture <format>'");
	if (fmt > CAPTURE_FORMAT)
		return bad(r, "capture format %lu is newer than this ioas reads (%d): update ioas",
			   fmt, CAPTURE_FORMAT);
	return 0;
}

/* One header block @h, at byte @at, and what follows it. */
static int rd_member(struct rd *r, const unsigned char *h, uint64_t at,
		     bool *first)
{
	char disp[QUOTE_MAX], *raw = NULL, *path = NULL, *copy = NULL;
	const char *reason, *base = NULL, *target;
	uint64_t size, mode, uid, gid, mtime, dmaj, dmin, v;
	size_t rawlen, depth, tlen;
	unsigned char t = h[156];
	ssize_t nl, pl, ll;
	int pfd = -1, fd, err;

	if (!parse_octal(h + 148, 8, false, &v))
		return bad(r, "header at byte %" PRIu64 ": the checksum field is not an octal number",
			   at);
	if (v != header_sum(h))
		return bad(r, "header at byte %" PRIu64 ": checksum mismatch (corrupt archive)",
			   at);
	if (memcmp(h + 257, "ustar", 6) || memcmp(h + 263, "00", 2)) {
		if (!memcmp(h + 257, "ustar  ", 8))
			return bad(r, "header at byte %" PRIu64 ": GNU tar format, not POSIX (write it with tar --format=posix)",
				   at);
		return bad(r, "header at byte %" PRIu64 ": no POSIX ustar magic",
			   at);
	}
	if (!parse_octal(h + 124, 12, false, &size))
		return bad(r, "header at byte %" PRIu64 ": the size field is not an octal number",
			   at);

	if (t == 'x') {
		unsigned char *d;

		if (r->pax)
			return bad(r, "pax header at byte %" PRIu64 ": two pax headers in a row",
				   at);
		if (size > PAX_MAX)
			return bad(r, "pax header at byte %" PRIu64 ": larger than 64 KiB",
				   at);
		d = malloc(size ? (size_t)size : 1);
		if (!d) {
			set_err(r->err, r->errsz, "out of memory");
			return -ENOMEM;
		}
		err = rd_data(r, -1, size, "(pax header)", d);
		if (!err)
			err = pax_parse(r, (const char *)d, (size_t)size, at);
		free(d);
		r->pax = true;
		return err;
	}

	/* The name, for messages, before it is checked. */
	nl = field_len(h, 100);
	pl = field_len(h + 345, 155);
	if (r->pax_path) {
		quote(disp, sizeof(disp), r->pax_path, r->pax_path_len);
	} else {
		size_t a = strnlen((const char *)h + 345, 155);
		size_t b = strnlen((const char *)h, 100);
		char tmp[257];

		memcpy(tmp, h + 345, a);
		if (a)
			tmp[a++] = '/';
		memcpy(tmp + a, h, b);
		quote(disp, sizeof(disp), tmp, a + b);
		if (nl < 0 || pl < 0)
			return bad(r, "member '%s': NUL byte inside the name field",
				   disp);
	}

	reason = type_refusal(t);
	if (reason)
		return bad(r, "member '%s': %s", disp, reason);
	if (t != '0' && t != '\0' && t != '5' && t != '2') {
		if (t >= 0x20 && t < 0x7f)
			return bad(r, "member '%s': unknown member type '%c'",
				   disp, t);
		return bad(r, "member '%s': unknown member type \\x%02x", disp,
			   t);
	}
	if (!parse_octal(h + 100, 8, true, &mode) ||
	    !parse_octal(h + 108, 8, true, &uid) ||
	    !parse_octal(h + 116, 8, true, &gid) ||
	    !parse_octal(h + 136, 12, true, &mtime) ||
	    !parse_octal(h + 329, 8, true, &dmaj) ||
	    !parse_octal(h + 337, 8, true, &dmin))
		return bad(r, "member '%s': a numeric field (mode, uid, gid, mtime or device) is not an octal number",
			   disp);

	if (r->pax_path) {
		raw = r->pax_path;
		rawlen = r->pax_path_len;
	} else {
		raw = malloc(257);
		if (!raw)
			goto oom;
		rawlen = 0;
		if (pl > 0) {
			memcpy(raw, h + 345, (size_t)pl);
			raw[pl] = '/';
			rawlen = (size_t)pl + 1;
		}
		memcpy(raw + rawlen, h, (size_t)nl);
		rawlen += (size_t)nl;
	}
	path = malloc(rawlen + 1);
	if (!path)
		goto oom;
	reason = norm_path(raw, rawlen, path, &depth);
	if (reason) {
		err = bad(r, "member '%s': %s", disp, reason);
		goto out;
	}
	if (t != '0' && t != '\0' && size) {
		err = bad(r, "member '%s': a %s with %" PRIu64 " bytes of data",
			  disp, t == '5' ? "folder" : "symlink", size);
		goto out;
	}
	if (size > CAPTURE_FILE_MAX) {
		err = bad(r, "member '%s': size %" PRIu64 " is over the %d MiB limit",
			  disp, size, CAPTURE_FILE_MAX >> 20);
		goto out;
	}
	if (size > CAPTURE_TOTAL_MAX - r->total) {
		err = bad(r, "member '%s': the archive holds more than %d MiB",
			  disp, CAPTURE_TOTAL_MAX >> 20);
		goto out;
	}
	r->total += size;
	if (++r->members > CAPTURE_MEMBERS_MAX) {
		err = bad(r, "member '%s': more than %d members", disp,
			  CAPTURE_MEMBERS_MAX);
		goto out;
	}
	if (*first && ((t != '0' && t != '\0') ||
		       strcmp(path, CAPTURE_HEADER_NAME) ||
		       size > HEADER_MAX)) {
		err = bad(r, "not an ioas capture: the first member is '%s', not a small " CAPTURE_HEADER_NAME,
			  disp);
		goto out;
	}
	if (!*path) {
		/* "./": the root itself, which is there already. */
		err = t == '5' ? 0 :
			bad(r, "member '%s': names the archive's root", disp);
		goto out;
	}

	copy = strdup(path);
	if (!copy)
		goto oom;
	err = open_parent(r, copy, disp, &pfd, &base);
	if (err)
		goto out;
	switch (t) {
	case '5':
		if (mkdirat(pfd, base, 0700)) {
			struct stat st;

			if (errno != EEXIST) {
				err = rd_sys(r, sys_err(errno), disp,
					     "creating the folder");
			} else if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) ||
				   !S_ISDIR(st.st_mode)) {
				err = bad(r, "member '%s': already in the archive, not as a folder",
					  disp);
			}
		}
		break;
	case '2':
		if (r->pax_link) {
			target = r->pax_link;
			tlen = r->pax_link_len;
		} else {
			ll = field_len(h + 157, 100);
			if (ll < 0) {
				err = bad(r, "member '%s': NUL byte inside the link name field",
					  disp);
				break;
			}
			memcpy(r->buf, h + 157, (size_t)ll);
			r->buf[ll] = '\0';
			target = (const char *)r->buf;
			tlen = (size_t)ll;
		}
		{
			char q[QUOTE_MAX];
			bool esc;

			quote(q, sizeof(q), target, tlen);
			reason = target_check(target, tlen, depth - 1, &esc);
			if (reason) {
				err = bad(r, "member '%s': %s (target '%s')",
					  disp, reason, q);
				break;
			}
		}
		if (symlinkat(target, pfd, base))
			err = errno == EEXIST ?
				      bad(r, "member '%s': already in the archive",
					  disp) :
				      rd_sys(r, sys_err(errno), disp,
					     "creating the symlink");
		break;
	default:
		fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			err = errno == EEXIST ?
				      bad(r, "member '%s': already in the archive",
					  disp) :
				      rd_sys(r, sys_err(errno), disp,
					     "creating the file");
			break;
		}
		if (*first) {
			unsigned char *text = malloc(size ? (size_t)size : 1);

			if (!text) {
				close(fd);
				goto oom;
			}
			err = rd_data(r, fd, size, disp, text);
			if (!err)
				err = check_header(r, text, (size_t)size);
			free(text);
		} else {
			err = rd_data(r, fd, size, disp, NULL);
		}
		if (close(fd) && !err)
			err = rd_sys(r, sys_err(errno), disp, "writing");
		break;
	}
out:
	if (pfd >= 0 && pfd != r->root)
		close(pfd);
	if (raw != r->pax_path)
		free(raw);
	free(path);
	free(copy);
	pax_reset(r);
	*first = false;
	return err;
oom:
	set_err(r->err, r->errsz, "out of memory");
	err = -ENOMEM;
	goto out;
}

/* What a compressed file starts with, to say so rather than "not tar". */
static const char *compressed(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return "gzip";
	if (n >= 3 && !memcmp(b, "BZh", 3))
		return "bzip2";
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 4 && !memcmp(b, "\x04\x22\x4d\x18", 4))
		return "lz4";
	return NULL;
}

static bool all_zero(const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* After the first zero block: only zeros, and not too many. */
static int rd_trailer(struct rd *r)
{
	uint64_t start = r->off;

	for (;;) {
		uint64_t at = r->off;
		ssize_t n = rd_read(r, r->buf, sizeof(r->buf));
		size_t i;

		if (n < 0) {
			set_err(r->err, r->errsz, "reading the archive: %s",
				errtext((int)n));
			return (int)n;
		}
		if (!n)
			return 0;
		for (i = 0; i < (size_t)n; i++)
			if (r->buf[i])
				return bad(r, "data after the end-of-archive marker (byte %" PRIu64 ")",
					   at + i);
		if (r->off - start > TRAILER_MAX)
			return bad(r, "more than 1 MiB after the end-of-archive marker");
	}
}

static int rd_archive(struct rd *r)
{
	unsigned char h[BLOCK];
	bool first = true;
	int err;

	for (;;) {
		uint64_t at = r->off;
		ssize_t n = rd_read(r, h, BLOCK);
		const char *z;

		if (n < 0) {
			set_err(r->err, r->errsz, "reading the archive: %s",
				errtext((int)n));
			return (int)n;
		}
		if (at == 0) {
			z = compressed(h, (size_t)n);
			if (z)
				return bad(r, "compressed with %s: decompress it first",
					   z);
			if (!n)
				return bad(r, "not an ioas capture: the file is empty");
			if (n < BLOCK || memcmp(h + 257, "ustar", 5))
				return bad(r, "not an ioas capture: not a tar archive");
		}
		if (!n)
			return bad(r, "truncated archive: no end-of-archive marker after byte %" PRIu64,
				   at);
		if (n < BLOCK)
			return bad(r, "truncated archive: the header at byte %" PRIu64 " is cut short",
				   at);
		if (all_zero(h, BLOCK)) {
			if (first)
				return bad(r, "not an ioas capture: the archive is empty");
			if (r->pax)
				return bad(r, "a pax header at the end, without its member");
			return rd_trailer(r);
		}
		err = rd_member(r, h, at, &first);
		if (err)
			return err;
	}
}

int capture_extract_fd(int fd, const char *parent, char **dir, char *err,
		       size_t errsz)
{
	size_t n = strlen(parent);
	struct rd *r;
	char *tmpl;
	int ret;

	if (err && errsz)
		err[0] = '\0';
	tmpl = malloc(n + sizeof("/ioas-capture.XXXXXX"));
	r = calloc(1, sizeof(*r));
	if (!tmpl || !r) {
		free(tmpl);
		free(r);
		set_err(err, errsz, "out of memory");
		return -ENOMEM;
	}
	memcpy(tmpl, parent, n);
	memcpy(tmpl + n, "/ioas-capture.XXXXXX",
	       sizeof("/ioas-capture.XXXXXX"));
	if (!mkdtemp(tmpl)) {
		ret = sys_err(errno);
		set_err(err, errsz, "cannot create a temporary folder in %s: %s",
			parent, errtext(ret));
		goto fail;
	}
	r->root = open(tmpl, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->root < 0) {
		ret = sys_err(errno);
		set_err(err, errsz, "cannot open %s: %s", tmpl, errtext(ret));
		capture_rmtree(tmpl);
		goto fail;
	}
	r->fd = fd;
	r->err = err;
	r->errsz = errsz;
	ret = rd_archive(r);
	pax_reset(r);
	close(r->root);
	if (ret) {
		capture_rmtree(tmpl);
		goto fail;
	}
	free(r);
	*dir = tmpl;
	return 0;
fail:
	free(tmpl);
	free(r);
	return ret;
}

int capture_extract(const char *file, char **dir, char *err, size_t errsz)
{
	const char *parent = getenv("TMPDIR");
	struct stat st;
	int fd, ret;

	if (!parent || !*parent)
		parent = "/tmp";
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = sys_err(errno);
		set_err(err, errsz, "%s", errtext(ret));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		set_err(err, errsz, "not a regular file");
		return -EBADMSG;
	}
	ret = capture_extract_fd(fd, parent, dir, err, errsz);
	close(fd);
	return ret;
}

int capture_sniff(const char *path)
{
	unsigned char b[BLOCK];
	size_t n = strlen(path);
	struct stat st;
	ssize_t k;
	int fd;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	if (n >= 4 && !strcmp(path + n - 4, ".tar"))
		return 1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	do
		k = read(fd, b, sizeof(b));
	while (k < 0 && errno == EINTR);
	close(fd);
	if (k <= 0)
		return 0;
	return compressed(b, (size_t)k) ||
	       (k == BLOCK && !memcmp(b + 257, "ustar", 5));
}

/* ---------------------------------------------------------------------- */
/* Removing an extracted capture */

static int rm_in(int dfd, unsigned int depth)
{
	bool removed;
	int err = 0;

	if (depth > 4 * CAPTURE_DEPTH_MAX)
		return -ELOOP;
	do {
		struct dirent *e;
		DIR *d;
		int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		removed = false;
		if (fd < 0)
			return sys_err(errno);
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -ENOMEM;
		}
		while ((e = readdir(d))) {
			struct stat st;
			int flags = 0;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW))
				continue;
			if (S_ISDIR(st.st_mode)) {
				int c = openat(dfd, e->d_name, O_RDONLY |
					       O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);

				if (c >= 0) {
					int e2 = rm_in(c, depth + 1);

					if (e2 && !err)
						err = e2;
					close(c);
				}
				flags = AT_REMOVEDIR;
			}
			if (!unlinkat(dfd, e->d_name, flags))
				removed = true;
			else if (!err)
				err = sys_err(errno);
		}
		closedir(d);
	} while (removed && !err);
	return err;
}

int capture_rmtree(const char *dir)
{
	int fd, err;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sys_err(errno);
	err = rm_in(fd, 0);
	close(fd);
	if (rmdir(dir) && !err)
		err = sys_err(errno);
	return err;
}
