/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small, generic output helpers for the CLI's subcommands: a growable
 * string buffer, the project's one spelling of numbers and ranges
 * ("0x" + lowercase hex, no padding; ranges "start-last", inclusive), and
 * the matching JSON values (numbers that may exceed 2^53 are JSON strings,
 * so that no reader rounds them).
 *
 * struct obuf never fails half-way: if an allocation fails it records that
 * (obuf.oom) and ignores further appends, so callers check once at the end.
 */
#ifndef IOAS_TOOL_OUTPUT_H
#define IOAS_TOOL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include <ioas/range.h>

/* "0x" + 16 digits + NUL */
#define OUT_HEX_SIZE 19

/* Writes "0x<hex>" into @buf (OUT_HEX_SIZE bytes) and returns @buf. */
char *out_hex(char *buf, uint64_t v);

struct obuf {
	char *s;
	size_t len;
	size_t cap;
	bool oom;
};

#define OBUF_INIT                 \
	{                         \
		NULL, 0, 0, false \
	}

void obuf_init(struct obuf *b);
void obuf_fini(struct obuf *b);
/* Empties the buffer but keeps its memory. */
void obuf_reset(struct obuf *b);
/* The text so far, NUL-terminated; "" for an empty or failed buffer. */
const char *obuf_str(const struct obuf *b);
void obuf_putn(struct obuf *b, const char *s, size_t n);
void obuf_puts(struct obuf *b, const char *s);
void obuf_putc(struct obuf *b, char c);
void obuf_printf(struct obuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void obuf_hex(struct obuf *b, uint64_t v);
/* "0x<start>-0x<last>" */
void obuf_range(struct obuf *b, const struct ioas_range *r);
/*
 * @s quoted for an error message: printable ASCII as is, anything else as
 * \xNN, cut after @max input bytes with "..." appended.
 */
void obuf_quoted(struct obuf *b, const char *s, size_t len, size_t max);

/* JSON "0x<hex>" string; NULL on allocation failure. */
json_t *out_json_hex(uint64_t v);
/* JSON {"start": "0x...", "last": "0x..."}; NULL on allocation failure. */
json_t *out_json_range(const struct ioas_range *r);
/* JSON array of out_json_range(); NULL on allocation failure. */
json_t *out_json_list(const struct ioas_range_list *l);
/* JSON string, or null for a NULL @s. */
json_t *out_json_str_or_null(const char *s);
/*
 * Prints @root as the tool's JSON documents are printed: insertion key
 * order, two-space indent, one final newline. Returns 0 or -EIO.
 */
int out_json_print(json_t *root, FILE *f);
/*
 * Prints @root on one line of standard output (insertion key order), as
 * show and check print theirs, and drops the reference to it. With @bad
 * (the document could not be built) prints nothing. Returns 0 or -ENOMEM.
 */
int out_json_puts_compact(json_t *root, bool bad);

/*
 * read_all_bounded() - read all of @f into a malloc()ed buffer (freed by
 * the caller). Returns 0, -EFBIG once more than @max bytes would be needed,
 * -ENOMEM or -EIO.
 */
int read_all_bounded(FILE *f, size_t max, void **out, size_t *len);

/*
 * read_input() - read_all_bounded() of the file at @path, or of stdin for
 * "-". Returns its codes, or -errno when the file cannot be opened.
 */
int read_input(const char *path, size_t max, void **out, size_t *len);

#endif
