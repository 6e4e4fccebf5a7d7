/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libioas internals shared across files: the single allocation point with
 * its fail-nth hook, and visibility helpers.
 *
 * Every allocation in the library goes through ioas_malloc_() and friends
 * (lib/alloc.c). In a -Dfail-nth=true build, ioas_should_fail_() lets a test
 * make the n-th fallible operation of the calling thread fail, so that a
 * sweep over n exercises every error path (iommufd_fail_nth.c style). In a
 * normal build the hook compiles to 'false'.
 */
#ifndef IOAS_PRIVATE_H
#define IOAS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOAS_EXPORT __attribute__((visibility("default")))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

void *ioas_malloc_(size_t size);
void *ioas_calloc_(size_t nmemb, size_t size);
/* Like realloc, but on failure returns NULL and leaves @p untouched. */
void *ioas_realloc_(void *p, size_t nmemb, size_t size);
void ioas_free_(void *p);

#ifdef IOAS_FAIL_NTH
bool ioas_should_fail_(void);
#else
static inline bool ioas_should_fail_(void)
{
	return false;
}
#endif

/*
 * Test-only controls, present in every build so tests link the same way;
 * they do nothing without -Dfail-nth=true (ioas_fail_nth_supported_()
 * returns false then). Per thread: set n (1-based) to fail the n-th
 * fallible operation from now; 0 disables. ioas_fail_nth_pending_() is true
 * while the n-th point has not been reached.
 */
bool ioas_fail_nth_supported_(void);
void ioas_fail_nth_set_(unsigned long n);
bool ioas_fail_nth_pending_(void);

/*
 * Test-only: 1 makes native spaces find automatic IOVAs by walking their
 * holes instead of through the free-IOVA index (both must agree); 0, the
 * default, uses the index. Global, not thread-safe: for single-threaded
 * tests.
 */
void ioas_space_fidx_off_(int off);

/*
 * Test-only: take size @npages (1..64) of cache @c as another thread's
 * drain or fast path would, returning its count, and give it back with
 * @nr ranges. For tests of what a drain does while a size is held.
 */
struct ioas_iova_cache;
struct ioas_iova_domain;
uint32_t ioas_iova_cache_hold_(struct ioas_iova_cache *c, uint64_t npages);
void ioas_iova_cache_unhold_(struct ioas_iova_cache *c, uint64_t npages,
			     uint32_t nr);

/*
 * Test-only: when @on, every path a spill reuses (located together with
 * the one before it, see spill()) is compared with a new descent, and
 * probes around each first release must descend the same while the tree's
 * shape holds; ioas_iova_check() fails from the first that differs.
 * Returns how many reused paths were compared so far.
 */
uint64_t ioas_iova_verify_paths_(struct ioas_iova_domain *d, bool on);

#endif /* IOAS_PRIVATE_H */
