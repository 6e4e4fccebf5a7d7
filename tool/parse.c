// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Number and range parsing for the CLI (see parse.h). Hand-written rather
 * than strtoull() because strtoull accepts leading spaces, signs and "-1"
 * (which it turns into UINT64_MAX), none of which a range argument may
 * silently mean.
 */
#include <errno.h>
#include <string.h>

#include "parse.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_u64_n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned int base = 10, shift = 0;
	size_t digits = 0;

	if (!s || !len)
		return -EINVAL;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < len; i++) {
		int d = hexval(s[i]);

		if (d < 0 || (unsigned int)d >= base)
			break;
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)d, &v))
			return -EOVERFLOW;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	if (i < len) {
		switch (s[i]) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		case 'P': shift = 50; break;
		case 'E': shift = 60; break;
		default: return -EINVAL;
		}
		if (++i != len)
			return -EINVAL;
		if (v > (UINT64_MAX >> shift))
			return -EOVERFLOW;
		v <<= shift;
	}
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	return parse_u64_n(s, s ? strlen(s) : 0, out);
}

int parse_range_n(const char *s, size_t len, struct ioas_range *out)
{
	const char *sep = NULL;
	uint64_t a, b;
	size_t i;
	int ret;

	/* The separator is the first '-' or '+' after the first character. */
	for (i = 1; i < len; i++) {
		if (s[i] == '-' || s[i] == '+') {
			sep = s + i;
			break;
		}
	}
	if (!sep)
		return -EINVAL;
	ret = parse_u64_n(s, (size_t)(sep - s), &a);
	if (ret)
		return ret;
	ret = parse_u64_n(sep + 1, len - (size_t)(sep - s) - 1, &b);
	if (ret)
		return ret;
	if (*sep == '+') {
		if (!b)
			return -EINVAL;
		if (__builtin_add_overflow(a, b - 1, &b))
			return -EOVERFLOW;
	} else if (a > b) {
		return -EINVAL;
	}
	out->start = a;
	out->last = b;
	return 0;
}

int parse_range(const char *s, struct ioas_range *out)
{
	return parse_range_n(s, s ? strlen(s) : 0, out);
}

const char *parse_strerror(int err)
{
	switch (err) {
	case -EOVERFLOW:
		return "number does not fit in 64 bits";
	case -EINVAL:
		return "not a number or range";
	default:
		return "parse error";
	}
}
