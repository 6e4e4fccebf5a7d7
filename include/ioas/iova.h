/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioas IOVA allocator: a domain of page frame numbers (pfns) in granule
 * units, like Linux's struct iova_domain, with reservations, size-aligned or
 * explicitly aligned allocations under a limit or inside a window, top-down
 * (Linux DMA API) or bottom-up first-fit (iommufd) order, fixed claims, and
 * per-thread caches for the hot small sizes.
 *
 * Vocabulary: a pfn is an IOVA divided by the granule; every range is a
 * closed interval [first, last] of pfns; "npages" counts granules. pfn 0 is
 * never part of a domain, so IOVA 0 is never handed out.
 *
 * Cost: every operation on a domain is O(log n) in the worst case in the
 * number n of free extents (see lib/iova.c for the structure and the exact
 * statement), except reserve and unreserve (O(k log n) for k pieces) and
 * the O(n) helpers ioas_iova_holes() and ioas_iova_check(). A request that
 * cannot be satisfied fails in O(log n).
 *
 * Threading: a domain is internally synchronized; any call may come from
 * any thread. A struct ioas_iova_cache belongs to one thread at a time (the
 * caller's per-CPU or per-thread slot); the domain may drain it from other
 * threads, which is why the cache has a lock of its own. Ranges parked in
 * caches count as free: concurrent calls never lose one or hand one out
 * twice, and a call that finds no room, or a claim that finds its range
 * taken, retries once with every cache drained and held when any range
 * may have been parked.
 */
#ifndef IOAS_IOVA_H
#define IOAS_IOVA_H

#include <stddef.h>
#include <stdint.h>

#include <ioas/range.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ioas_iova_domain;
struct ioas_iova_cache;

/* Allocation order: struct ioas_iova_config.flags and per-call flags. */
#define IOAS_IOVA_TOPDOWN      (1u << 0) /* highest fit first (Linux DMA API) */
#define IOAS_IOVA_BOTTOMUP     (1u << 1) /* lowest fit first (iommufd) */
/* Per-call flag: align the result to roundup_pow_of_two(npages). */
#define IOAS_IOVA_SIZE_ALIGNED (1u << 2)

/* The highest pfn a domain may contain (2^56 - 1). */
#define IOAS_IOVA_MAX_PFN ((UINT64_C(1) << 56) - 1)

/**
 * struct ioas_iova_config - geometry of a new domain (extensible)
 * @size: sizeof(struct ioas_iova_config) as the caller knows it
 * @flags: the default order, IOAS_IOVA_TOPDOWN (also the meaning of 0) or
 *         IOAS_IOVA_BOTTOMUP
 * @granule: bytes per pfn, a power of two (0 means 4096)
 * @start_pfn: lowest allocatable pfn, >= 1 (Linux's start_pfn)
 * @last_pfn: highest allocatable pfn, inclusive, at most IOAS_IOVA_MAX_PFN;
 *            0 means the last pfn of the 64-bit IOVA space (UINT64_MAX /
 *            @granule), which is within that bound for granules of 256
 *            bytes or more
 *
 * A larger struct from a newer caller is accepted when its unknown tail is
 * zero; a smaller one is zero-extended.
 */
struct ioas_iova_config {
	uint32_t size;
	uint32_t flags;
	uint64_t granule;
	uint64_t start_pfn;
	uint64_t last_pfn;
};

/**
 * struct ioas_iova_req - a general allocation request (extensible)
 * @size: sizeof(struct ioas_iova_req) as the caller knows it
 * @flags: IOAS_IOVA_TOPDOWN or IOAS_IOVA_BOTTOMUP (neither: the domain's
 *         default), optionally IOAS_IOVA_SIZE_ALIGNED
 * @npages: pfns to allocate, >= 1
 * @min_pfn: the result's first pfn is >= this ("first fit at or above");
 *           raised to the domain's start_pfn
 * @max_pfn: the result's last pfn is <= this (the limit, inclusive); 0
 *           means no limit; lowered to the domain's last_pfn
 * @align: the result is congruent to @phase modulo @align, a power of two
 *         in pfns (0 or 1: no alignment); must be 0 with
 *         IOAS_IOVA_SIZE_ALIGNED
 * @phase: see @align; < @align (e.g. keeps an IOVA congruent with a user VA
 *         modulo a huge page)
 */
struct ioas_iova_req {
	uint32_t size;
	uint32_t flags;
	uint64_t npages;
	uint64_t min_pfn;
	uint64_t max_pfn;
	uint64_t align;
	uint64_t phase;
};

/**
 * struct ioas_iova_info - counters of a domain (extensible)
 * @size: sizeof(struct ioas_iova_info) as the caller knows it
 * @flags: the domain's default order bit
 * @granule: bytes per pfn
 * @start_pfn: lowest allocatable pfn
 * @last_pfn: highest allocatable pfn
 * @nr_allocated: live allocations, including those parked in caches
 * @nr_cached: freed ranges parked in caches (allocated as far as the
 *             shared structure knows; returned to it on demand)
 * @nr_reserved: reservations (including duplicates)
 * @nr_extents: free extents in the shared structure
 * @free_pfns: pfns in those extents
 * @meta_bytes: bytes of memory the domain and its caches hold now
 * @meta_peak_bytes: the most @meta_bytes has been
 */
struct ioas_iova_info {
	uint32_t size;
	uint32_t flags;
	uint64_t granule;
	uint64_t start_pfn;
	uint64_t last_pfn;
	uint64_t nr_allocated;
	uint64_t nr_cached;
	uint64_t nr_reserved;
	uint64_t nr_extents;
	uint64_t free_pfns;
	uint64_t meta_bytes;
	uint64_t meta_peak_bytes;
};

/**
 * ioas_iova_domain_new() - create a domain with every pfn free
 * @cfg: geometry (see struct ioas_iova_config)
 * @out: receives the domain on success; untouched on failure
 *
 * The caller owns *@out and releases it with ioas_iova_domain_free().
 *
 * Return: 0 on success; -EINVAL if @granule is not a power of two,
 * @start_pfn is 0, @last_pfn < @start_pfn, @last_pfn exceeds
 * IOAS_IOVA_MAX_PFN, or both order flags are set; -EOPNOTSUPP for unknown
 * flags; -E2BIG for a larger struct with a non-zero tail; -ENOMEM.
 */
int ioas_iova_domain_new(const struct ioas_iova_config *cfg,
			 struct ioas_iova_domain **out);

/**
 * ioas_iova_domain_free() - destroy a domain
 * @d: domain, may be NULL
 *
 * Frees every cache still attached to @d as well (their pointers become
 * invalid). Cannot fail.
 */
void ioas_iova_domain_free(struct ioas_iova_domain *d);

/**
 * ioas_iova_reserve() - keep a range of pfns out of every allocation
 * @d: domain
 * @first: first pfn
 * @last: last pfn, inclusive
 *
 * Reservations may overlap each other and may extend past the domain (the
 * part outside has no effect). Each call adds one reservation, removed by
 * one ioas_iova_unreserve() of the same range: a range reserved twice stays
 * reserved until it is unreserved twice. Cached ranges are returned to the
 * shared structure first, so they never count as conflicts.
 *
 * Return: 0 on success; -EINVAL if @first > @last; -EADDRINUSE if a live
 * allocation intersects the range; -ENOMEM.
 */
int ioas_iova_reserve(struct ioas_iova_domain *d, uint64_t first,
		      uint64_t last);

/**
 * ioas_iova_unreserve() - remove one reservation
 * @d: domain
 * @first: first pfn of a range given to ioas_iova_reserve()
 * @last: its last pfn
 *
 * The pfns that no other reservation covers become free.
 *
 * Return: 0 on success; -EINVAL if @first > @last; -ENOENT if no
 * reservation of exactly [@first, @last] exists.
 */
int ioas_iova_unreserve(struct ioas_iova_domain *d, uint64_t first,
			uint64_t last);

/**
 * ioas_iova_alloc() - allocate pfns under a limit (Linux alloc_iova)
 * @d: domain
 * @npages: pfns to allocate, >= 1
 * @limit_pfn: highest pfn the allocation may use, inclusive (e.g.
 *             0xfffff for a 32-bit device with 4 KiB granules)
 * @flags: IOAS_IOVA_TOPDOWN or IOAS_IOVA_BOTTOMUP (neither: the domain's
 *         default), optionally IOAS_IOVA_SIZE_ALIGNED
 * @pfn: receives the first pfn on success; untouched on failure
 *
 * Deterministic: top-down returns the highest fitting position, bottom-up
 * the lowest. With IOAS_IOVA_SIZE_ALIGNED and a size that is not a power of
 * two, positions in free extents that hold a whole naturally aligned block
 * of roundup_pow_of_two(@npages) pfns come first (found in O(log n)); the
 * other fits only when there is none. The result never intersects a
 * reservation or a live allocation, and lies in [start_pfn,
 * min(@limit_pfn, last_pfn)]; an exact fit at start_pfn succeeds (the 2016
 * off-by-one). On failure @d is unchanged.
 *
 * Return: 0 on success; -EINVAL if @npages is 0 or too large to align, or
 * both order flags are set; -EOPNOTSUPP for unknown flags; -ENOSPC if no
 * fitting hole exists; -ENOMEM.
 */
int ioas_iova_alloc(struct ioas_iova_domain *d, uint64_t npages,
		    uint64_t limit_pfn, unsigned int flags, uint64_t *pfn);

/**
 * ioas_iova_alloc_in() - allocate with a window, an alignment and a phase
 * @d: domain
 * @req: the request (see struct ioas_iova_req)
 * @pfn: receives the first pfn on success; untouched on failure
 *
 * Bottom-up with @req->min_pfn is "first fit at or above min_pfn", the
 * iommufd search; @req->phase keeps a congruence (e.g. VA and IOVA modulo a
 * huge page). On failure @d is unchanged.
 *
 * Return: 0 on success; -EINVAL for @npages 0, an empty window (@min_pfn >
 * @max_pfn), @align not a power of two, @phase >= @align, @align with
 * IOAS_IOVA_SIZE_ALIGNED, both order flags, or a struct smaller than the
 * first version; -EOPNOTSUPP for unknown flags; -E2BIG for a larger
 * struct with a non-zero tail; -ENOSPC if no fitting hole exists; -ENOMEM.
 */
int ioas_iova_alloc_in(struct ioas_iova_domain *d,
		       const struct ioas_iova_req *req, uint64_t *pfn);

/**
 * ioas_iova_find() - where ioas_iova_alloc_in() would allocate, without
 * allocating
 * @d: domain
 * @req: the request
 * @pfn: receives the first pfn of the fit; untouched on failure
 *
 * Ranges parked in caches count as allocated here. Never changes @d.
 *
 * Return: as ioas_iova_alloc_in(), without -ENOMEM.
 */
int ioas_iova_find(struct ioas_iova_domain *d, const struct ioas_iova_req *req,
		   uint64_t *pfn);

/**
 * ioas_iova_claim() - allocate exactly [@pfn, @pfn + @npages - 1]
 * @d: domain
 * @pfn: first pfn
 * @npages: pfns, >= 1
 *
 * For fixed mappings: the range then counts as a live allocation, released
 * with ioas_iova_free(). On failure @d is unchanged.
 *
 * Return: 0 on success; -EINVAL if @npages is 0 or the range is not inside
 * [start_pfn, last_pfn]; -EOVERFLOW if the range wraps; -EADDRINUSE if it
 * intersects a reservation; -EEXIST if it intersects a live allocation;
 * -ENOMEM.
 */
int ioas_iova_claim(struct ioas_iova_domain *d, uint64_t pfn,
		    uint64_t npages);

/**
 * ioas_iova_free() - release an allocation
 * @d: domain
 * @pfn: first pfn returned by an allocation or given to a claim
 * @npages: the size it was allocated with
 *
 * Never needs memory: every allocation banks the one node its release may
 * need. Releasing a range that is partly free or reserved is detected and
 * refused; releasing a range that differs from what was allocated but is
 * entirely allocated (part of one allocation, or two neighbours) is not
 * detectable and corrupts the caller's bookkeeping, not the domain's.
 *
 * Return: 0 on success; -EINVAL if @npages is 0 or the range is not inside
 * [start_pfn, last_pfn]; -EOVERFLOW if it wraps; -ENOENT if part of it is
 * free or reserved (@d unchanged).
 */
int ioas_iova_free(struct ioas_iova_domain *d, uint64_t pfn, uint64_t npages);

/**
 * ioas_iova_cache_new() - create a cache for one thread (or CPU)
 * @d: domain the cache serves
 * @out: receives the cache; untouched on failure
 *
 * A cache keeps, per size of 1 to 64 pfns, a bounded stack of freed
 * size-aligned ranges that ioas_iova_alloc_fast() hands out again without
 * touching the shared structure. It never holds more than 64 ranges per
 * size; beyond that, half of them go back. The domain takes them all back
 * whenever an allocation or a claim would otherwise fail, and before a
 * reservation, so parked ranges never cause a failure.
 *
 * Return: 0 on success; -ENOMEM.
 */
int ioas_iova_cache_new(struct ioas_iova_domain *d,
			struct ioas_iova_cache **out);

/**
 * ioas_iova_cache_free() - return a cache's ranges and destroy it
 * @c: cache, may be NULL
 */
void ioas_iova_cache_free(struct ioas_iova_cache *c);

/**
 * ioas_iova_cache_flush() - return every range parked in a cache
 * @c: cache
 */
void ioas_iova_cache_flush(struct ioas_iova_cache *c);

/**
 * ioas_iova_alloc_fast() - size-aligned allocation through a cache (Linux
 * alloc_iova_fast)
 * @c: the calling thread's cache
 * @npages: pfns, >= 1
 * @limit_pfn: highest pfn the allocation may use, inclusive
 * @pfn: receives the first pfn; untouched on failure
 *
 * Always aligned to roundup_pow_of_two(@npages), and, like Linux's
 * alloc_iova_fast() which rounds sizes up, only placed where that whole
 * aligned block is free (the tail past @npages stays free): the search is
 * then exact and a failure costs O(log n). Tries the cache first (a few
 * instructions), then the domain in its default order, taking a batch of
 * ranges for power-of-two sizes up to 32 pfns; when that fails every
 * cache of the domain is drained and the domain is tried once more.
 *
 * Return: 0 on success; -EINVAL if @npages is 0 or too large to align;
 * -ENOSPC; -ENOMEM.
 */
int ioas_iova_alloc_fast(struct ioas_iova_cache *c, uint64_t npages,
			 uint64_t limit_pfn, uint64_t *pfn);

/**
 * ioas_iova_free_fast() - release an allocation through a cache
 * @c: the calling thread's cache
 * @pfn: first pfn of a live allocation of @c's domain
 * @npages: its size
 *
 * Parks size-aligned ranges of up to 64 pfns in @c; others go to the
 * domain as ioas_iova_free() would. A parked range is checked when it
 * leaves the cache (a range released twice is then dropped once), not
 * when it is parked; ioas_iova_check() finds duplicates in between.
 *
 * Return: 0 on success; the errors of ioas_iova_free().
 */
int ioas_iova_free_fast(struct ioas_iova_cache *c, uint64_t pfn,
			uint64_t npages);

/**
 * ioas_iova_info() - counters and memory use of a domain
 * @d: domain
 * @info: filled up to @info->size bytes, which the caller sets first
 *
 * Return: 0 on success; -EINVAL if @info->size is smaller than the first
 * version of the struct.
 */
int ioas_iova_info(struct ioas_iova_domain *d, struct ioas_iova_info *info);

/**
 * ioas_iova_holes() - list the free extents of the shared structure
 * @d: domain
 * @out: array of @cap ranges (pfns), may be NULL if @cap is 0
 * @cap: entries at @out
 * @nr: receives the number of free extents
 *
 * Ranges parked in caches are not holes. O(n).
 *
 * Return: 0 on success; -EMSGSIZE if @cap < *@nr (the first @cap are
 * written).
 */
int ioas_iova_holes(struct ioas_iova_domain *d, struct ioas_range *out,
		    size_t cap, size_t *nr);

/**
 * ioas_iova_check() - verify every invariant of a domain
 * @d: domain
 *
 * Balance, order and augmentation of the extent tree; extents disjoint,
 * not touching, inside the domain and outside every reservation; cached
 * ranges size-aligned, allocated and pairwise disjoint; counters and the
 * node bank. O(n); for tests and debugging. Other threads may keep using
 * @d and its caches meanwhile: their cached calls go to the shared
 * structure until the check is done.
 *
 * Return: 0 if sound; -EUCLEAN otherwise.
 */
int ioas_iova_check(struct ioas_iova_domain *d);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_IOVA_H */
