// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Output helpers shared by the subcommands (see output.h): a string buffer
 * that records allocation failure instead of returning it from every call,
 * and the tool's one spelling of numbers, ranges and their JSON forms.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

char *out_hex(char *buf, uint64_t v)
{
	snprintf(buf, OUT_HEX_SIZE, "0x%" PRIx64, v);
	return buf;
}

void obuf_init(struct obuf *b)
{
	memset(b, 0, sizeof(*b));
}

void obuf_fini(struct obuf *b)
{
	free(b->s);
	obuf_init(b);
}

void obuf_reset(struct obuf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->s)
		b->s[0] = '\0';
}

const char *obuf_str(const struct obuf *b)
{
	return b->s && !b->oom ? b->s : "";
}

/* Room for @n more bytes plus the NUL. */
static bool obuf_reserve(struct obuf *b, size_t n)
{
	size_t need, cap;
	char *s;

	if (b->oom)
		return false;
	if (__builtin_add_overflow(b->len, n, &need) ||
	    __builtin_add_overflow(need, 1, &need))
		goto oom;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (__builtin_mul_overflow(cap, 2, &cap))
			goto oom;
	}
	s = realloc(b->s, cap);
	if (!s)
		goto oom;
	b->s = s;
	b->cap = cap;
	return true;
oom:
	b->oom = true;
	return false;
}

void obuf_putn(struct obuf *b, const char *s, size_t n)
{
	if (!obuf_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void obuf_puts(struct obuf *b, const char *s)
{
	obuf_putn(b, s, strlen(s));
}

void obuf_putc(struct obuf *b, char c)
{
	obuf_putn(b, &c, 1);
}

void obuf_printf(struct obuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!obuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void obuf_hex(struct obuf *b, uint64_t v)
{
	char buf[OUT_HEX_SIZE];

	obuf_puts(b, out_hex(buf, v));
}

void obuf_range(struct obuf *b, const struct ioas_range *r)
{
	obuf_hex(b, r->start);
	obuf_putc(b, '-');
	obuf_hex(b, r->last);
}

void obuf_quoted(struct obuf *b, const char *s, size_t len, size_t max)
{
	size_t i, n = len < max ? len : max;

	obuf_putc(b, '\'');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			obuf_putc(b, (char)c);
		else
			obuf_printf(b, "\\x%02x", c);
	}
	if (n < len)
		obuf_puts(b, "...");
	obuf_putc(b, '\'');
}

json_t *out_json_hex(uint64_t v)
{
	char buf[OUT_HEX_SIZE];

	return json_string(out_hex(buf, v));
}

json_t *out_json_range(const struct ioas_range *r)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_object_set_new(o, "start", out_json_hex(r->start)) ||
	    json_object_set_new(o, "last", out_json_hex(r->last))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *out_json_list(const struct ioas_range_list *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < l->nr; i++) {
		if (json_array_append_new(a, out_json_range(&l->v[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *out_json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

int out_json_puts_compact(json_t *root, bool bad)
{
	char *s = bad ? NULL :
			json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(root);
	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return 0;
}

int out_json_print(json_t *root, FILE *f)
{
	if (json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return -EIO;
	if (fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

int read_all_bounded(FILE *f, size_t max, void **out, size_t *len)
{
	size_t n = 0, cap = 0;
	char *buf = NULL;

	for (;;) {
		size_t got;

		if (n == cap) {
			char *b;

			if (cap >= max) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? 2 * cap : 4096;
			b = realloc(buf, cap);
			if (!b) {
				free(buf);
				return -ENOMEM;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				free(buf);
				return -EIO;
			}
			break;
		}
	}
	*out = buf;
	*len = n;
	return 0;
}

int read_input(const char *path, size_t max, void **out, size_t *len)
{
	FILE *f = stdin;
	int ret;

	if (strcmp(path, "-")) {
		f = fopen(path, "rb");
		if (!f)
			return -errno;
	}
	ret = read_all_bounded(f, max, out, len);
	if (f != stdin)
		fclose(f);
	return ret;
}
