/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checked address arithmetic (internal). Every '+' on an IOVA, offset or
 * length in libioas goes through these, so that nothing silently wraps at
 * 2^64.
 */
#ifndef IOAS_OVERFLOW_H
#define IOAS_OVERFLOW_H

#include <stdbool.h>
#include <stdint.h>

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

/* a + b, clamped to UINT64_MAX. */
static inline uint64_t sat_add_u64(uint64_t a, uint64_t b)
{
	uint64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return UINT64_MAX;
	return r;
}

/* last + 1 for a closed interval's end; UINT64_MAX stays UINT64_MAX. */
static inline uint64_t sat_next_u64(uint64_t last)
{
	return last == UINT64_MAX ? UINT64_MAX : last + 1;
}

static inline bool is_pow2_u64(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Smallest power of two >= v, for 1 <= v <= 2^63; 0 if v > 2^63. */
static inline uint64_t roundup_pow2_u64(uint64_t v)
{
	if (v <= 1)
		return 1;
	if (v > (UINT64_C(1) << 63))
		return 0;
	return UINT64_C(1) << (64 - __builtin_clzll(v - 1));
}

/* Lowest set bit of v (v != 0). */
static inline uint64_t lowbit_u64(uint64_t v)
{
	return v & (~v + 1);
}

#endif /* IOAS_OVERFLOW_H */
