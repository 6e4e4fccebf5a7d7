// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The single allocation point of libioas, and the fail-nth hook.
 *
 * Nothing else in lib/ calls malloc(). That gives tests one place to make
 * the n-th allocation (or any other fallible step that asks
 * ioas_should_fail_()) fail, and lets the fail-nth sweep prove that every
 * error path returns -ENOMEM and leaves objects unchanged.
 *
 * The counter is thread-local: a sweep in one thread does not disturb
 * another, and the library keeps no shared mutable state.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ioas_private.h"

#ifdef IOAS_FAIL_NTH
static _Thread_local unsigned long fail_nth;

bool ioas_should_fail_(void)
{
	if (!fail_nth)
		return false;
	if (--fail_nth == 0)
		return true;
	return false;
}

bool ioas_fail_nth_supported_(void)
{
	return true;
}

void ioas_fail_nth_set_(unsigned long n)
{
	fail_nth = n;
}

bool ioas_fail_nth_pending_(void)
{
	return fail_nth != 0;
}
#else
bool ioas_fail_nth_supported_(void)
{
	return false;
}

void ioas_fail_nth_set_(unsigned long n)
{
	(void)n;
}

bool ioas_fail_nth_pending_(void)
{
	return false;
}
#endif

void *ioas_malloc_(size_t size)
{
	if (ioas_should_fail_())
		return NULL;
	return malloc(size ? size : 1);
}

void *ioas_calloc_(size_t nmemb, size_t size)
{
	if (ioas_should_fail_())
		return NULL;
	if (!nmemb || !size)
		return calloc(1, 1);
	return calloc(nmemb, size);
}

void *ioas_realloc_(void *p, size_t nmemb, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(nmemb, size, &bytes))
		return NULL;
	if (ioas_should_fail_())
		return NULL;
	return realloc(p, bytes ? bytes : 1);
}

void ioas_free_(void *p)
{
	free(p);
}
