/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Number and range parsing shared by the CLI's subcommands and the scenario
 * language. Inputs are untrusted: every function checks for overflow and
 * trailing garbage and returns -EINVAL/-EOVERFLOW rather than guessing.
 */
#ifndef IOAS_TOOL_PARSE_H
#define IOAS_TOOL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>

/*
 * parse_u64_n() - an unsigned 64-bit number: "0x..." hex, or decimal,
 * optionally followed by one binary size suffix K, M, G, T, P, E (x 2^10
 * ...). Returns 0, -EINVAL (not a number, junk after it) or -EOVERFLOW.
 */
int parse_u64_n(const char *s, size_t len, uint64_t *out);
int parse_u64(const char *s, uint64_t *out);

/*
 * parse_range() - "<start>-<last>" (inclusive) or "<start>+<size>".
 * Returns 0, -EINVAL (syntax, start > last, size 0) or -EOVERFLOW.
 */
int parse_range_n(const char *s, size_t len, struct ioas_range *out);
int parse_range(const char *s, struct ioas_range *out);

/* A printable name for a parse error code. */
const char *parse_strerror(int err);

#endif
