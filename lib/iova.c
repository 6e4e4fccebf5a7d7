// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IOVA allocator: a domain of pfns [start_pfn, last_pfn] with
 * reservations, allocations, claims and per-thread caches.
 *
 * Data model. The shared structure stores the FREE space, not the
 * allocations: a B+tree of maximal free extents [start, last] (disjoint,
 * never touching, ordered by start). A leaf (256 bytes) holds up to 15
 * extents; an inner node up to 13 children, and for each child its least
 * start (the key) and its summary:
 *
 *   ms  the largest (last - start) under it, saturated at 2^32 - 1;
 *   mo  the largest order k such that some extent under it contains a
 *       naturally aligned block of 2^k pfns (ext_order(); each leaf extent
 *       keeps its own in the top byte of its last pfn).
 *
 * Keys sit in 16 slots padded with PAD, so the search in a node is one
 * round of independent compares without a branch (count_le()). A descent
 * is a chain of dependent loads, so a spill locates two runs at once and
 * keeps the second's path while the tree's shape holds (spill()).
 * Allocations are not recorded: a release names its size (as Linux's
 * free_iova_fast() and every DMA unmap do), and the tree tells a release
 * of free space from a release of allocated space. Reservations live in
 * an interval tree of their own (lib/itree, overlapping nodes allowed, one
 * node per reserve call), with a flat copy for releases while they make
 * few ranges, and their pfns are simply absent from the free tree. So:
 * free = domain - reservations - allocations, exactly.
 *
 * Search. A request is (n pfns, window [lo, hi], alignment a = 2^j, phase
 * p). Top-down it is the highest fitting x, bottom-up the lowest: a
 * reverse (or forward) walk over the children that start in the window,
 * skipping those whose summary cannot fit: ms < n - 1, or mo below the
 * order every fit must contain (min(j, floor(log2 n)) for p = 0). For
 * unaligned requests (a = 1) and for size-aligned power-of-two requests
 * (n = a, the DMA API's common case) the summary is exact: a child that is
 * not skipped holds a fit, so the walk descends at most the two boundary
 * paths of the window plus one successful path, each node costing at most
 * its 13 summaries: O(log n) in the worst case, success or failure.
 * Size-aligned sizes that are not powers of two first look, exactly and in
 * O(log n), for an extent holding a whole aligned 2^j block (the cached
 * path, like Linux's alloc_iova_fast(), stops there); only ioas_iova_alloc()
 * then falls back to the other fits. Those, explicit alignments and phases
 * may visit extents that pass the summary but miss by alignment ("near
 * misses"): O(log n + k), k being those extents. Requests of 2^32 pfns or
 * more also explore saturated subtrees.
 *
 * Updates follow the root-to-leaf path of the search or of a locate (no
 * parent pointers). A change that only grows (most releases) takes the
 * maximum into each ancestor's summary and stops at the first that already
 * had it (up_grow()); a shrink rescans a node only when the changed item
 * may have held its maximum (SUM_AFTER). Fill: a leaf holds 10 to 15
 * extents, an inner node 7 to 13 children, except the root (and the two
 * leaves of a root that has two). A full leaf shares with the emptier
 * sibling when both then have room, else it and a full sibling make three;
 * a leaf under 10 takes from the fuller sibling, else three make two; inner
 * nodes split and merge in pairs. Moves between two leaves happen at their
 * seam (leaf_balance2()); the rarer three-way cases gather and deal.
 *
 * Node bank. Releases never allocate memory: the number of free extents is
 * at most E = allocations + reservations + 1, because two extents are
 * always separated by something that is not free, and the fill rules bound
 * the nodes a tree of E extents can use (bank_nodes(): E / 10 + 2 leaves,
 * a sixth of that in inner nodes, plus one per level): about 30 bytes per
 * extent. Every allocation, claim and reservation first makes sure the node
 * pool holds that many, so the release of anything can always find a node.
 * Nodes are 32-bit indices into one array that grows by a thirty-second at
 * a time: the only step that is not O(log n) in the worst case (a realloc;
 * amortized O(1), and glibc grows large arrays with mremap, without
 * copying).
 *
 * Caches. A struct ioas_iova_cache holds, for each size of 1..64 pfns, a
 * stack of at most 63 freed size-aligned ranges (64 for the instant before
 * a spill). Each size has a lock folded into its count word: one exchange
 * takes it and reads the count, the releasing store writes the new count;
 * the word also addresses the top of the stack (see the struct). The fast
 * paths are leaf functions of 15 instructions on x86-64. A miss on a
 * power-of-two size up to 32 pfns carves a batch of ranges (at most 16, or 64 pfns, as one
 * naturally aligned block) in one tree operation. A full stack hands its
 * older half back to the tree (runs freed in ascending order as one
 * release); an allocation or a claim the tree cannot satisfy drains every
 * cache of the domain and retries once; reserve drains first. A drain
 * empties the non-empty sizes under the domain's lock and keeps that lock
 * through the retry (a refill parks only under it, so nothing is parked
 * again in between); if a size is held by someone, it holds every size of
 * every cache instead, waiting for them, until the retry is done. Parked
 * ranges therefore never make a request fail, and the domain never holds
 * more than 64 * 63 parked ranges per cache.
 *
 * Locks, in this order: caches_lock (the list of caches) -> a cache size's
 * lock -> lock (everything else in the domain). The fast paths take only
 * their size's lock; a miss drops it before taking the domain's; a size
 * held by a drainer is bypassed, not waited for. Three rules keep drains
 * exact:
 *
 * 1. A held count word reads exactly CLOCKED. A trylock that fails still
 *    writes CLOCKED over it, so a holder keeps the count elsewhere (a
 *    local, or ioas_iova_cache.held) and writes it back on release.
 * 2. A range moves between the tree and a stack only under that size's
 *    lock. A batch refill carves and parks under both locks (it takes the
 *    size's with a trylock, which never waits, so it may nest inside the
 *    domain's): a drainer (which waits for the size) or any_cached()
 *    (which reads a held word as "maybe") never misses a range that is
 *    neither free nor held by a caller.
 * 3. Whatever returns parked ranges to the tree (a drain, a spill) bumps
 *    gen under lock before it releases their size, and any_cached() reads
 *    the count words with acquire, then gen. A call that failed thus finds
 *    each range it missed still parked, or its size held, or (having read
 *    the count that the release wrote) the bump: a drain or a spill
 *    between its search and that check never goes unseen.
 *
 * What the check can still miss is a range that other threads' own fast
 * calls take out of a cache and park again while it reads the caches one
 * at a time; a true snapshot would have to stop every fast path.
 *
 * Hazards: pfns are < 2^56 (IOAS_IOVA_MAX_PFN), so start and last carry the
 * height and the order in their top byte, and "last + 1", "x + n - 1" and
 * alignment round-ups never wrap; every public entry checks this first.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ioas/iova.h>

#include "ioas_private.h"
#include "itree.h"
#include "overflow.h"

#define PFN_BITS 56
#define PFN_MASK ((UINT64_C(1) << PFN_BITS) - 1)
#define MS_SAT UINT32_MAX

#define CHUNK 64u  /* nodes the pool grows by, at least */
#define KEYS 16    /* key slots of a node: unused ones read PAD */
#define PAD UINT64_MAX
#define LMAX 15    /* extents in a leaf */
#define LMIN 10    /* ... at least, but the root's two leaves and a root leaf */
#define IMAX 13    /* children of an inner node */
#define IMIN 7     /* ... at least, but the root (2) */
#define MAXLV 16   /* levels: 2^32 nodes need < 14 */

#define CACHE_SIZES 64 /* sizes 1..64 pfns */
#define MAG 64         /* slots per size; at most MAG - 1 parked at rest */

#define ALL_FLAGS \
	(IOAS_IOVA_TOPDOWN | IOAS_IOVA_BOTTOMUP | IOAS_IOVA_SIZE_ALIGNED)
#define ORDER_FLAGS (IOAS_IOVA_TOPDOWN | IOAS_IOVA_BOTTOMUP)

/*
 * A B+tree node, 256 bytes. A leaf holds n free extents, sorted: starts
 * s[], and e[] = last | mo << 56 (mo: the extent's order, see ext_order()).
 * An inner node holds n children, with each child's least start (key) and
 * summary (ms, mo), so a search decides on a child without touching it.
 * The level tells which: all leaves are at d->height - 1. Slots of s[] and
 * key[] at and above n read PAD, so a search is four branch-free steps.
 */
struct bnode {
	union {
		struct {
			uint64_t s[KEYS], e[LMAX];
		} l;
		struct {
			uint64_t key[KEYS];
			uint32_t ch[IMAX];
			uint32_t ms[IMAX];
			uint8_t mo[IMAX];
		} i;
	};
	uint32_t n;
	uint32_t link; /* the free list */
};

struct resv {
	struct itree_node it;
};

/*
 * A per-thread cache: for size k + 1, nr ranges at pfn[k][0..nr-1], the
 * most recently freed on top, nr <= MAG - 1 at rest. Each size has its own
 * lock, folded into its count word w[k + 1] (indexed by the size itself):
 * one exchange both takes the lock and reads nr, and the store that
 * releases it writes the new nr. The owner takes it on every fast call,
 * drainers from other threads too. While the lock is held the word is
 * CLOCKED and nothing else: every failed exchange rewrites it, so the
 * holder keeps nr in a local (or in @held, under hold_all()).
 *
 * An unheld word is WORD(k, nr) = (k + 1) * MAG + nr: the index, in the
 * flat array pfn[][], of slot nr of size k + 1, plus MAG. So the fast
 * paths address the top of a stack with the word alone, and its low six
 * bits are nr: zero means empty, and also held (CLOCKED has them clear).
 * w[0] (size 0) is CLOCKED for good: a fast call with npages 0 misses and
 * fails in the slow path, with no separate test on the fast path.
 * @next/@prev and @held are protected by the domain's caches_lock.
 */
struct ioas_iova_cache {
	/* first: the fast paths address w[npages] as (c, npages, 4) */
	union {
		uint32_t w[CACHE_SIZES + 2]; /* by size: WORD() or CLOCKED */
		uint64_t w2[CACHE_SIZES / 2 + 1]; /* any_cached() reads pairs */
	};
	struct ioas_iova_domain *d;
	struct ioas_iova_cache *next, *prev;
	uint64_t amask[CACHE_SIZES + 1]; /* by size: roundup_pow2(n) - 1 */
	uint64_t pfn[CACHE_SIZES][MAG];
	uint32_t held[CACHE_SIZES]; /* nr of each size, under hold_all() */
};

/*
 * Lock order: caches_lock -> a cache size's lock (ioas_iova_cache.w[k]) ->
 * lock.
 */
struct ioas_iova_domain {
	pthread_mutex_t lock;
	/* geometry: constant after creation */
	uint64_t granule, start_pfn, last_pfn;
	uint32_t flags;
	/* protected by lock */
	uint32_t root;
	int height;             /* levels; 1: the root is a leaf */
	/*
	 * Bumped whenever the root, the height or any inner node's keys or
	 * children may change: a path located before is what a new descent
	 * would find while it stays the same (the leaf's slot aside); see
	 * spill(). Bumped by key_up() (a leaf's first extent changed), by
	 * leaf_balance2() (extents moved between leaves) and by gather_deal()
	 * (every split, merge and new or collapsed root deals nodes out).
	 * Tests check the rule itself (ioas_iova_verify_paths_()).
	 */
	uint64_t shape;
	bool verify_paths;      /* test-only: check every reused path */
	bool path_bad;          /* one was not what a descent finds */
	uint64_t paths_verified;
	uint32_t rms;           /* the root's summary */
	unsigned int rmo;
	uint32_t free_node;     /* free-list of nodes, linked through link */
	uint32_t fresh;         /* slots [fresh, cap) were never handed out */
	uint32_t cap;           /* slots at nodes[], slot 0 is the nil index */
	struct bnode *nodes;
	uint64_t nr_nodes;      /* nodes in the tree */
	uint64_t nr_ext;        /* extents in the tree */
	uint64_t nr_alloc;      /* live allocations, cached ones included */
	uint64_t nr_resv;
	uint64_t free_pfns;
	uint64_t meta, meta_peak;
	uint64_t gen;           /* bumped when parked ranges return */
	/*
	 * Fail-fast hint of the cached path (alloc_slow()), exact: while no
	 * extent that could hold such a fit was made in the tree (grow
	 * unchanged since ff_grow), a size-aligned request of ff_n or more
	 * pfns under a limit of ff_hi or less has no fit. ff_n 0: no hint.
	 */
	uint64_t grow;          /* bumped by ff_touch() */
	uint64_t ff_grow, ff_n, ff_hi;
	struct itree resv;
	/*
	 * The reservations, clamped to the domain and coalesced, when they
	 * make at most RFLAT ranges (nr_flat <= RFLAT; else the tree answers):
	 * range k is [flat_s[k], flat_e1[k + 1] - 1]; flat_s is padded with
	 * PAD, flat_e1[0] is 0. See resv_overlaps().
	 */
	unsigned int nr_flat;
	uint64_t flat_s[KEYS];
	uint64_t flat_e1[KEYS];
	/* protected by caches_lock */
	pthread_mutex_t caches_lock;
	struct ioas_iova_cache *caches;
	bool drain_sizes;       /* drain_hold() holds every size */
	uint32_t nr_caches;     /* written under caches_lock, read atomic */
};

/* ------------------------------------------------------------------ */
/* nodes                                                               */

static inline struct bnode *N(const struct ioas_iova_domain *d, uint32_t i)
{
	return &d->nodes[i];
}

static inline unsigned int flog2(uint64_t v)
{
	return 63 - (unsigned int)__builtin_clzll(v);
}

/* Largest k with a naturally aligned 2^k block inside [s, e]. */
static inline unsigned int ext_order(uint64_t s, uint64_t e)
{
	unsigned int k = flog2(e - s + 1);
	uint64_t m = (UINT64_C(1) << k) - 1;

	/* A run of 2^k pfns always contains an aligned 2^(k-1) block. */
	if (((s + m) & ~m) + m > e)
		k--;
	return k;
}

static inline uint32_t ext_ms(uint64_t s, uint64_t e)
{
	return e - s >= MS_SAT ? MS_SAT : (uint32_t)(e - s);
}

/* Leaf extent k: its last pfn, its order; and setting it. */
static inline uint64_t LE(const struct bnode *x, unsigned int k)
{
	return x->l.e[k] & PFN_MASK;
}

static inline unsigned int LMO(const struct bnode *x, unsigned int k)
{
	return (unsigned int)(x->l.e[k] >> PFN_BITS);
}

static inline void lput(struct bnode *x, unsigned int k, uint64_t s,
			uint64_t e)
{
	x->l.s[k] = s;
	x->l.e[k] = e | (uint64_t)ext_order(s, e) << PFN_BITS;
}

static void meta_add(struct ioas_iova_domain *d, int64_t bytes)
{
	d->meta += (uint64_t)bytes;
	if (d->meta > d->meta_peak)
		d->meta_peak = d->meta;
}

/* Slots the pool has for tree nodes (node 0 is the nil index). */
static inline uint64_t pool_cap(const struct ioas_iova_domain *d)
{
	return d->cap ? (uint64_t)d->cap - 1 : 0;
}

/*
 * Grow the node array by a thirty-second (at least CHUNK slots): the bank
 * then never exceeds the need by more than ~3%, and the copies a realloc
 * may do are amortized O(1) per allocation (glibc moves large arrays with
 * mremap, without copying). The new slots are not touched: node_get()
 * hands them out from d->fresh up when the free list is empty, so memory
 * the bank reserves but the tree never uses is never faulted in (a space
 * filled with allocations banks a node per ten of them but its tree may
 * stay one leaf). Indices stay valid; pointers into the array do not, so
 * no caller holds one across a growth.
 */
static int pool_grow(struct ioas_iova_domain *d)
{
	uint64_t add = d->cap / 32 > CHUNK ? d->cap / 32 : CHUNK;
	uint64_t ncap = d->cap + add;
	struct bnode *t;

	if (ncap > UINT32_MAX)
		return -ENOMEM;
	t = ioas_realloc_(d->nodes, ncap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	d->nodes = t;
	meta_add(d, (int64_t)(add * sizeof(*t)));
	if (!d->cap) {
		memset(&t[0], 0, sizeof(t[0]));
		d->fresh = 1;
	}
	d->cap = (uint32_t)ncap;
	return 0;
}

/*
 * The most nodes a tree of @e extents can use: every leaf holds at least
 * LMIN extents but the root's two when it has two (or the root leaf), and
 * every inner node but the root has at least IMIN children.
 */
static inline uint64_t bank_nodes(uint64_t e)
{
	uint64_t leaves = e / LMIN + 2;

	return leaves + leaves / (IMIN - 1) + MAXLV;
}

/*
 * The bank: room for the largest tree the domain can ever need with
 * @extra more allocations or reservations, so that no release needs
 * memory (extents <= allocations + reservations + 1).
 */
static int bank(struct ioas_iova_domain *d, uint64_t extra)
{
	uint64_t need = bank_nodes(d->nr_alloc + d->nr_resv + 1 + extra);
	int ret;

	while (pool_cap(d) < need) {
		ret = pool_grow(d);
		if (ret)
			return ret;
	}
	return 0;
}

/* A node from the bank: a freed one, else one never used. */
static uint32_t node_get(struct ioas_iova_domain *d)
{
	uint32_t i = d->free_node;

	if (i)
		d->free_node = N(d, i)->link;
	else
		i = d->fresh++;
	N(d, i)->n = 0;
	memset(N(d, i)->l.s, 0xff, sizeof(N(d, i)->l.s));
	d->nr_nodes++;
	return i;
}

static void node_put(struct ioas_iova_domain *d, uint32_t i)
{
	N(d, i)->link = d->free_node;
	d->free_node = i;
	d->nr_nodes--;
}

/* ------------------------------------------------------------------ */
/* the B+tree of free extents                                          */

/*
 * A root-to-leaf path: node[k] at level k (0 is the root, d->height - 1
 * the leaves), slot[k] the child taken at inner levels; at the leaf, an
 * extent's index, or the number of extents starting at or below a pfn.
 */
struct path {
	uint32_t node[MAXLV];
	uint32_t slot[MAXLV];
};

/*
 * How many keys of a node are <= v (v < PAD): the last of the KEYS slots
 * is always PAD, so 15 compares, all independent, summed by a tree of
 * adds. A binary search needs four times fewer compares but each step
 * waits for the load the previous one chose: descents are chains of these,
 * and the chain's latency, not the instruction count, set their speed
 * (w2-frag 73 -> 63 ns/op, w4-exhaust 60 -> 52, w1-steady 31 -> 28 with
 * ~20% more instructions). count_le_inner() counts the 13 slots an inner
 * node can use (the others always hold PAD).
 */
static inline unsigned int count_le_inner(const uint64_t *k, uint64_t v)
{
	_Static_assert(IMAX == 13, "13 compares");
	unsigned int a0 = (k[0] <= v) + (k[1] <= v);
	unsigned int a1 = (k[2] <= v) + (k[3] <= v);
	unsigned int a2 = (k[4] <= v) + (k[5] <= v);
	unsigned int a3 = (k[6] <= v) + (k[7] <= v);
	unsigned int a4 = (k[8] <= v) + (k[9] <= v);
	unsigned int a5 = (k[10] <= v) + (k[11] <= v);
	unsigned int a6 = k[12] <= v;

	return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + a6);
}

static inline unsigned int count_le(const uint64_t *k, uint64_t v)
{
	_Static_assert(KEYS == 16, "15 compares");
	return count_le_inner(k, v) + ((k[13] <= v) + (k[14] <= v));
}

/*
 * count_le() by a binary search of four branch-free steps: a quarter of
 * the instructions, four times the latency; for a count off the critical
 * path.
 */
static inline unsigned int count_le_bin(const uint64_t *k, uint64_t v)
{
	unsigned int i = 0;

	i += (k[i + 7] <= v) * 8;
	i += (k[i + 3] <= v) * 4;
	i += (k[i + 1] <= v) * 2;
	i += k[i] <= v;
	return i;
}

/* ------------------------------------------------------------------ */
/* reservations: the tree, and a flat copy for the release path        */

#define RFLAT (KEYS - 1)

/*
 * Build the flat copy of @d's reservations into @fs/@fe1 (see struct
 * ioas_iova_domain); returns how many ranges, or RFLAT + 1 when they do
 * not fit. Bounded: it stops after 2 * RFLAT + 2 reservations, so that a
 * reservation costs O(log n) however many there are.
 */
static unsigned int resv_flat_build(const struct ioas_iova_domain *d,
				    uint64_t *fs, uint64_t *fe1)
{
	struct itree_node *n;
	unsigned int nr = 0, seen = 0;

	for (unsigned int k = 0; k < KEYS; k++) {
		fs[k] = PAD;
		fe1[k] = 0;
	}
	itree_for_each_overlap(n, &d->resv, d->start_pfn, d->last_pfn) {
		uint64_t f = n->start > d->start_pfn ? n->start : d->start_pfn;
		uint64_t l = n->last < d->last_pfn ? n->last : d->last_pfn;

		if (++seen > 2 * RFLAT + 2)
			return RFLAT + 1;
		/* In start order: one that touches the last range widens it. */
		if (nr && f <= fe1[nr]) {
			if (l + 1 > fe1[nr])
				fe1[nr] = l + 1;
			continue;
		}
		if (nr == RFLAT)
			return RFLAT + 1;
		fs[nr] = f;
		fe1[++nr] = l + 1;
	}
	return nr;
}

static void resv_flat_update(struct ioas_iova_domain *d)
{
	d->nr_flat = resv_flat_build(d, d->flat_s, d->flat_e1);
}

/*
 * Does [s, e] (inside the domain) overlap a reservation? With the flat
 * copy: four compares and a load, no branch on the data (releases check
 * every range; the tree walk mispredicted about once a call).
 */
static inline bool resv_overlaps(const struct ioas_iova_domain *d,
				 uint64_t s, uint64_t e)
{
	if (d->nr_flat <= RFLAT)
		return d->flat_e1[count_le_bin(d->flat_s, e)] > s;
	return itree_iter_first(&d->resv, s, e) != NULL;
}

/* The summary of extents [from, to) of leaf @x. */
static void leaf_sum_of(const struct bnode *x, unsigned int from,
			unsigned int to, uint32_t *ms, unsigned int *mo)
{
	uint64_t m = 0, o = 0;
	unsigned int k;

	for (k = from; k < to; k++) {
		uint64_t e = x->l.e[k], a = (e & PFN_MASK) - x->l.s[k];

		m = a > m ? a : m;
		e >>= PFN_BITS;
		o = e > o ? e : o;
	}
	*ms = m >= MS_SAT ? MS_SAT : (uint32_t)m;
	*mo = (unsigned int)o;
}

static void leaf_sum(const struct bnode *x, uint32_t *ms, unsigned int *mo)
{
	leaf_sum_of(x, 0, x->n, ms, mo);
}

static void inner_sum(const struct bnode *x, uint32_t *ms, unsigned int *mo)
{
	uint32_t m = 0;
	unsigned int o = 0, k;

	for (k = 0; k < x->n; k++) {
		m = x->i.ms[k] > m ? x->i.ms[k] : m;
		o = x->i.mo[k] > o ? x->i.mo[k] : o;
	}
	*ms = m;
	*mo = o;
}

/* The summary node[k] had before the change being propagated. */
static inline void old_sum(const struct ioas_iova_domain *d,
			   const struct path *p, int k, uint32_t *ms,
			   unsigned int *mo)
{
	if (k == 0) {
		*ms = d->rms;
		*mo = d->rmo;
	} else {
		const struct bnode *pa = N(d, p->node[k - 1]);

		*ms = pa->i.ms[p->slot[k - 1]];
		*mo = pa->i.mo[p->slot[k - 1]];
	}
}

/*
 * Something under node[k] grew to (ms, mo), nothing shrank: each ancestor
 * takes the maximum, up to the first that already had it.
 */
static void up_grow(struct ioas_iova_domain *d, const struct path *p, int k,
		    uint32_t ms, unsigned int mo)
{
	for (; k > 0; k--) {
		struct bnode *pa = N(d, p->node[k - 1]);
		uint32_t j = p->slot[k - 1];

		if (pa->i.ms[j] >= ms && pa->i.mo[j] >= mo)
			return;
		if (pa->i.ms[j] < ms)
			pa->i.ms[j] = ms;
		if (pa->i.mo[j] < mo)
			pa->i.mo[j] = (uint8_t)mo;
	}
	if (d->rms < ms)
		d->rms = ms;
	if (d->rmo < mo)
		d->rmo = mo;
}

/*
 * One item of a node whose summary was (pms, pmo) went from (oms, omo) to
 * (nms, nmo): the node's new summary, rescanning it (@scan) only when the
 * item may have been the one maximum that shrank.
 */
#define SUM_AFTER(pms, pmo, oms, omo, nms, nmo, scan, x)                    \
	do {                                                                \
		uint32_t sms_ = 0;                                          \
		unsigned int smo_ = 0;                                      \
		if (((nms) < (pms) && (oms) == (pms)) ||                    \
		    ((nmo) < (pmo) && (omo) == (pmo)))                      \
			scan((x), &sms_, &smo_);                            \
		(nms) = (nms) >= (pms) ? (nms) : (oms) < (pms) ? (pms) : sms_; \
		(nmo) = (nmo) >= (pmo) ? (nmo) : (omo) < (pmo) ? (pmo) : smo_; \
	} while (0)

/* node[k]'s summary is now (nms, nmo): fix its ancestors. */
static void up_changed(struct ioas_iova_domain *d, const struct path *p,
		       int k, uint32_t nms, unsigned int nmo)
{
	for (; k > 0; k--) {
		struct bnode *pa = N(d, p->node[k - 1]);
		uint32_t j = p->slot[k - 1], oms = pa->i.ms[j], pms;
		unsigned int omo = pa->i.mo[j], pmo;

		if (oms == nms && omo == nmo)
			return;
		old_sum(d, p, k - 1, &pms, &pmo);
		pa->i.ms[j] = nms;
		pa->i.mo[j] = (uint8_t)nmo;
		SUM_AFTER(pms, pmo, oms, omo, nms, nmo, inner_sum, pa);
	}
	d->rms = nms;
	d->rmo = nmo;
}

/* The leaf's extent went from (oms, omo) to (nms, nmo) (0, 0: removed). */
static void leaf_changed(struct ioas_iova_domain *d, const struct path *p,
			 uint32_t oms, unsigned int omo, uint32_t nms,
			 unsigned int nmo)
{
	int lf = d->height - 1;
	uint32_t pms;
	unsigned int pmo;

	old_sum(d, p, lf, &pms, &pmo);
	SUM_AFTER(pms, pmo, oms, omo, nms, nmo, leaf_sum, N(d, p->node[lf]));
	up_changed(d, p, lf, nms, nmo);
}

/* node[k]'s least start may have changed: fix the keys above it. */
static void key_up(struct ioas_iova_domain *d, const struct path *p, int k)
{
	d->shape++;
	for (; k > 0; k--) {
		const struct bnode *x = N(d, p->node[k]);
		struct bnode *pa = N(d, p->node[k - 1]);

		if (!x->n)
			return;
		pa->i.key[p->slot[k - 1]] = k == d->height - 1 ? x->l.s[0] :
								  x->i.key[0];
		if (p->slot[k - 1])
			return;
	}
}

/* Node @ci's least start and summary, as its parent keeps them. */
static void child_of(const struct ioas_iova_domain *d, uint32_t ci, bool leaf,
		     uint64_t *key, uint32_t *ms, uint8_t *mo)
{
	const struct bnode *c = N(d, ci);
	unsigned int o;

	if (leaf)
		leaf_sum(c, ms, &o);
	else
		inner_sum(c, ms, &o);
	*key = c->l.s[0]; /* also key[0] */
	*mo = (uint8_t)o;
}

/* Slot j of inner node @pa now holds node @ci: key and summary from it. */
static void set_child(struct ioas_iova_domain *d, struct bnode *pa,
		      unsigned int j, uint32_t ci, bool leaf)
{
	child_of(d, ci, leaf, &pa->i.key[j], &pa->i.ms[j], &pa->i.mo[j]);
	pa->i.ch[j] = ci;
}

/* Remove slot j of inner node @x. */
static void inner_cut(struct bnode *x, unsigned int j)
{
	unsigned int k;

	for (k = j; k + 1 < x->n; k++) {
		x->i.key[k] = x->i.key[k + 1];
		x->i.ch[k] = x->i.ch[k + 1];
		x->i.ms[k] = x->i.ms[k + 1];
		x->i.mo[k] = x->i.mo[k + 1];
	}
	x->n--;
	x->i.key[x->n] = PAD;
}

/* Contents of 2..3 sibling nodes, in order, while they are redistributed. */
struct gather {
	unsigned int n;
	union {
		struct {
			uint64_t s[3 * LMAX + 1], e[3 * LMAX + 1];
		} l;
		struct {
			uint64_t key[2 * IMAX + 1];
			uint32_t ch[2 * IMAX + 1], ms[2 * IMAX + 1];
			uint8_t mo[2 * IMAX + 1];
		} i;
	};
};

static void gather_add(struct gather *g, const struct bnode *x, bool leaf)
{
	if (leaf) {
		memcpy(&g->l.s[g->n], x->l.s, x->n * sizeof(x->l.s[0]));
		memcpy(&g->l.e[g->n], x->l.e, x->n * sizeof(x->l.e[0]));
	} else {
		memcpy(&g->i.key[g->n], x->i.key, x->n * sizeof(x->i.key[0]));
		memcpy(&g->i.ch[g->n], x->i.ch, x->n * sizeof(x->i.ch[0]));
		memcpy(&g->i.ms[g->n], x->i.ms, x->n * sizeof(x->i.ms[0]));
		memcpy(&g->i.mo[g->n], x->i.mo, x->n * sizeof(x->i.mo[0]));
	}
	g->n += x->n;
}

/* Deal g's items evenly over nodes v[0..m-1], in order. */
static void gather_deal(struct ioas_iova_domain *d, const struct gather *g,
			const uint32_t *v, unsigned int m, bool leaf)
{
	unsigned int k, off = 0;

	d->shape++;
	for (k = 0; k < m; k++) {
		struct bnode *x = N(d, v[k]);
		unsigned int c = g->n / m + (k < g->n % m), j;

		if (leaf) {
			memcpy(x->l.s, &g->l.s[off], c * sizeof(x->l.s[0]));
			memcpy(x->l.e, &g->l.e[off], c * sizeof(x->l.e[0]));
		} else {
			memcpy(x->i.key, &g->i.key[off], c * sizeof(x->i.key[0]));
			memcpy(x->i.ch, &g->i.ch[off], c * sizeof(x->i.ch[0]));
			memcpy(x->i.ms, &g->i.ms[off], c * sizeof(x->i.ms[0]));
			memcpy(x->i.mo, &g->i.mo[off], c * sizeof(x->i.mo[0]));
		}
		for (j = c; j < KEYS; j++)
			x->l.s[j] = PAD; /* also key[j] */
		x->n = c;
		off += c;
	}
}

/* A new root over @a and @b (levels below grow by one). */
static void new_root(struct ioas_iova_domain *d, uint32_t a, uint32_t b,
		     bool leaf)
{
	uint32_t r = node_get(d);
	struct bnode *x = N(d, r);
	uint32_t ms;
	unsigned int mo;

	x->n = 2;
	set_child(d, x, 0, a, leaf);
	set_child(d, x, 1, b, leaf);
	inner_sum(x, &ms, &mo);
	d->root = r;
	d->height++;
	d->rms = ms;
	d->rmo = mo;
}

/*
 * Put node @ci at slot @pos of inner node[k]. A full node splits in two,
 * and the new half goes into its parent the same way. Returns the level
 * of the node that took a child without splitting (its summary and its
 * ancestors' are the caller's to fix), or -1 after a new root.
 */
static int inner_insert(struct ioas_iova_domain *d, const struct path *p,
			int k, unsigned int pos, uint32_t ci, bool leaf)
{
	for (;;) {
		struct bnode *x = N(d, p->node[k]);
		struct gather g;
		uint32_t v[2];
		unsigned int j;

		if (x->n < IMAX) {
			for (j = x->n; j > pos; j--) {
				x->i.key[j] = x->i.key[j - 1];
				x->i.ch[j] = x->i.ch[j - 1];
				x->i.ms[j] = x->i.ms[j - 1];
				x->i.mo[j] = x->i.mo[j - 1];
			}
			x->n++;
			set_child(d, x, pos, ci, leaf);
			return k;
		}
		/* Full: its IMAX children and the new one over two nodes. */
		g.n = 0;
		gather_add(&g, x, false);
		for (j = g.n; j > pos; j--) {
			g.i.key[j] = g.i.key[j - 1];
			g.i.ch[j] = g.i.ch[j - 1];
			g.i.ms[j] = g.i.ms[j - 1];
			g.i.mo[j] = g.i.mo[j - 1];
		}
		child_of(d, ci, leaf, &g.i.key[pos], &g.i.ms[pos],
			 &g.i.mo[pos]);
		g.i.ch[pos] = ci;
		g.n++;
		v[0] = p->node[k];
		v[1] = node_get(d);
		gather_deal(d, &g, v, 2, false);
		if (k == 0) {
			new_root(d, v[0], v[1], false);
			return -1;
		}
		set_child(d, N(d, p->node[k - 1]), p->slot[k - 1], v[0], false);
		pos = p->slot[k - 1] + 1;
		ci = v[1];
		leaf = false;
		k--;
	}
}

/*
 * Inner node[k] lost a child. Below IMIN (the root: below 2) it takes
 * children from a sibling, or merges with it and its parent loses a child
 * in turn. Returns the level of the highest node whose children changed
 * and that stays (its summary is the caller's to fix), or -1 when the
 * root changed (its summary is set).
 */
static int inner_fix(struct ioas_iova_domain *d, const struct path *p, int k)
{
	for (;;) {
		struct bnode *x = N(d, p->node[k]), *pa;
		struct gather g;
		uint32_t v[2];
		unsigned int j;

		if (k == 0) {
			if (x->n > 1)
				return 0;
			/* One child left: it becomes the root. */
			d->root = x->i.ch[0];
			d->rms = x->i.ms[0];
			d->rmo = x->i.mo[0];
			d->height--;
			node_put(d, p->node[0]);
			return -1;
		}
		if (x->n >= IMIN)
			return k;
		pa = N(d, p->node[k - 1]);
		j = p->slot[k - 1];
		if (j > 0)
			j--; /* the pair is (j, j + 1) */
		v[0] = pa->i.ch[j];
		v[1] = pa->i.ch[j + 1];
		g.n = 0;
		gather_add(&g, N(d, v[0]), false);
		gather_add(&g, N(d, v[1]), false);
		if (g.n > IMAX) {
			gather_deal(d, &g, v, 2, false);
			set_child(d, pa, j, v[0], false);
			set_child(d, pa, j + 1, v[1], false);
			return k - 1;
		}
		gather_deal(d, &g, v, 1, false);
		set_child(d, pa, j, v[0], false);
		inner_cut(pa, j + 1);
		node_put(d, v[1]);
		k--;
	}
}

/* Descend towards @pfn; p->slot[leaf] = extents starting at or below it. */
static void tree_locate(const struct ioas_iova_domain *d, uint64_t pfn,
			struct path *p)
{
	uint32_t i = d->root;
	int k, lf = d->height - 1;

	for (k = 0; k < lf; k++) {
		const struct bnode *x = N(d, i);
		unsigned int c = count_le_inner(x->i.key, pfn);

		c -= c > 0;
		p->node[k] = i;
		p->slot[k] = c;
		i = x->i.ch[c];
	}
	p->node[lf] = i;
	p->slot[lf] = count_le(N(d, i)->l.s, pfn);
}

/*
 * tree_locate() for @u into @p and for @v into @q, the two descents
 * interleaved level by level: each level's loads wait for the one before,
 * so two independent chains take about the time of one. @q's leaf slot is
 * left for its user to count (after a release at @p, see spill()).
 */
static void tree_locate2(const struct ioas_iova_domain *d, uint64_t u,
			 struct path *p, uint64_t v, struct path *q)
{
	uint32_t i = d->root, j = d->root;
	int k, lf = d->height - 1;

	for (k = 0; k < lf; k++) {
		const struct bnode *x = N(d, i), *y = N(d, j);
		unsigned int c = count_le_inner(x->i.key, u);
		unsigned int e = count_le_inner(y->i.key, v);

		c -= c > 0;
		e -= e > 0;
		p->node[k] = i;
		p->slot[k] = c;
		q->node[k] = j;
		q->slot[k] = e;
		i = x->i.ch[c];
		j = y->i.ch[e];
	}
	p->node[lf] = i;
	p->slot[lf] = count_le(N(d, i)->l.s, u);
	q->node[lf] = j;
}

/* The start of the first extent after the located position, if any. */
static bool ceil_start(const struct ioas_iova_domain *d, const struct path *p,
		       uint64_t *cs)
{
	int lf = d->height - 1, k;
	const struct bnode *x = N(d, p->node[lf]);

	if (p->slot[lf] < x->n) {
		*cs = x->l.s[p->slot[lf]];
		return true;
	}
	for (k = lf - 1; k >= 0; k--) {
		x = N(d, p->node[k]);
		if (p->slot[k] + 1 < x->n) {
			*cs = x->i.key[p->slot[k] + 1];
			return true;
		}
	}
	return false;
}

/*
 * Leaves in slots j and j + 1 of @pa, whose summaries there are exact:
 * move extents between them, at the seam, until the left one holds @na.
 * The receiver's summary takes the maximum with the moved extents'; the
 * giver's is rescanned only if one of them may have held its maximum. The
 * right leaf's key follows; @pa's own summary is unchanged.
 */
static void leaf_balance2(struct ioas_iova_domain *d, struct bnode *pa,
			  unsigned int j, unsigned int na)
{
	struct bnode *a = N(d, pa->i.ch[j]), *b = N(d, pa->i.ch[j + 1]);
	unsigned int nb = a->n + b->n - na, k, c, g, r, mo;
	uint32_t ms;

	if (na > a->n) {
		/* The first c of b go to the end of a. */
		c = na - a->n;
		for (k = 0; k < c; k++) {
			a->l.s[a->n + k] = b->l.s[k];
			a->l.e[a->n + k] = b->l.e[k];
		}
		for (k = 0; k < nb; k++) {
			b->l.s[k] = b->l.s[k + c];
			b->l.e[k] = b->l.e[k + c];
		}
		for (k = nb; k < b->n; k++)
			b->l.s[k] = PAD;
		leaf_sum_of(a, a->n, na, &ms, &mo);
		g = j + 1;
		r = j;
	} else if (na < a->n) {
		/* The last c of a go to the front of b. */
		c = a->n - na;
		for (k = b->n; k-- > 0;) {
			b->l.s[k + c] = b->l.s[k];
			b->l.e[k + c] = b->l.e[k];
		}
		for (k = 0; k < c; k++) {
			b->l.s[k] = a->l.s[na + k];
			b->l.e[k] = a->l.e[na + k];
			a->l.s[na + k] = PAD;
		}
		leaf_sum_of(b, 0, c, &ms, &mo);
		g = j;
		r = j + 1;
	} else {
		return;
	}
	a->n = na;
	b->n = nb;
	pa->i.key[j + 1] = b->l.s[0];
	d->shape++;
	/* (ms, mo): the moved extents' summary. */
	if (ms > pa->i.ms[r])
		pa->i.ms[r] = ms;
	if (mo > pa->i.mo[r])
		pa->i.mo[r] = (uint8_t)mo;
	if (ms >= pa->i.ms[g] || mo >= pa->i.mo[g]) {
		leaf_sum(N(d, pa->i.ch[g]), &ms, &mo);
		pa->i.ms[g] = ms;
		pa->i.mo[g] = (uint8_t)mo;
	}
}

_Static_assert(3 * LMIN <= 2 * LMAX + 1 && 3 * LMIN - 1 <= 2 * LMAX &&
		       2 * IMIN - 1 <= IMAX && LMAX < KEYS && IMAX < KEYS,
	       "fill bounds: a full leaf and a full sibling make three, "
	       "three leaves at the minimum make two");

/* Insert extent [s, e] at index @idx of the located leaf. */
static void leaf_insert(struct ioas_iova_domain *d, struct path *p,
			unsigned int idx, uint64_t s, uint64_t e)
{
	int lf = d->height - 1, t;
	struct bnode *x = N(d, p->node[lf]), *pa = NULL;
	uint32_t v[3], ms = ext_ms(s, e);
	unsigned int mo = ext_order(s, e), j = 0, m, k, a = 0, nl, nr;
	struct gather g;

	d->nr_ext++;
	if (x->n == LMAX && lf > 0) {
		pa = N(d, p->node[lf - 1]);
		j = p->slot[lf - 1];
		/* The emptier sibling (a missing one reads LMAX + 1). */
		nl = j > 0 ? N(d, pa->i.ch[j - 1])->n : LMAX + 1;
		nr = j + 1 < pa->n ? N(d, pa->i.ch[j + 1])->n : LMAX + 1;
		a = nl <= nr ? j - 1 : j;
		if ((nl < nr ? nl : nr) <= LMAX - 2) {
			/*
			 * The emptier sibling has room for a share that
			 * leaves both with room: even them out, then insert
			 * into whichever of the two the extent falls in.
			 */
			leaf_balance2(d, pa, a,
				      (LMAX + (nl < nr ? nl : nr)) / 2);
			if (s > N(d, pa->i.ch[a + 1])->l.s[0])
				a++;
			p->slot[lf - 1] = a;
			p->node[lf] = pa->i.ch[a];
			x = N(d, p->node[lf]);
			idx = count_le(x->l.s, s);
		}
	}
	if (x->n < LMAX) {
		for (k = x->n; k > idx; k--) {
			x->l.s[k] = x->l.s[k - 1];
			x->l.e[k] = x->l.e[k - 1];
		}
		lput(x, idx, s, e);
		x->n++;
		if (idx == 0)
			key_up(d, p, lf);
		up_grow(d, p, lf, ms, mo);
		return;
	}
	/* Full: this leaf's extents with the new one, and a sibling's. */
	if (lf == 0) {
		g.n = 0;
		gather_add(&g, x, true);
	} else {
		/*
		 * Both siblings hold LMAX - 1 or more: this leaf and the
		 * emptier one (the pair a, a + 1) make three
		 * (3 * LMIN <= 2 * LMAX + 1).
		 */
		g.n = 0;
		if (a < j)
			gather_add(&g, N(d, pa->i.ch[a]), true);
		idx += g.n;
		gather_add(&g, x, true);
		if (a == j)
			gather_add(&g, N(d, pa->i.ch[j + 1]), true);
	}
	for (k = g.n; k > idx; k--) {
		g.l.s[k] = g.l.s[k - 1];
		g.l.e[k] = g.l.e[k - 1];
	}
	g.l.s[idx] = s;
	g.l.e[idx] = e | (uint64_t)mo << PFN_BITS;
	g.n++;
	if (lf == 0) {
		v[0] = p->node[0];
		v[1] = node_get(d);
		gather_deal(d, &g, v, 2, true);
		new_root(d, v[0], v[1], true);
		return;
	}
	v[0] = pa->i.ch[a];
	v[1] = pa->i.ch[a + 1];
	m = 2;
	if (g.n >= 3 * LMIN) {
		v[2] = node_get(d);
		m = 3;
	}
	gather_deal(d, &g, v, m, true);
	set_child(d, pa, a, v[0], true);
	set_child(d, pa, a + 1, v[1], true);
	key_up(d, p, lf - 1);
	t = lf - 1;
	if (m == 3)
		t = inner_insert(d, p, lf - 1, a + 2, v[2], true);
	if (t >= 0)
		up_grow(d, p, t, ms, mo);
}

/*
 * Remove extent @idx of the located leaf. @grown: a neighbour in the same
 * leaf swallowed it and now has summary (gms, gmo), so the leaf only grew.
 */
static void leaf_remove(struct ioas_iova_domain *d, struct path *p,
			unsigned int idx, bool grown, uint32_t gms,
			unsigned int gmo)
{
	int lf = d->height - 1, t;
	struct bnode *x = N(d, p->node[lf]), *pa;
	uint32_t oms = ext_ms(x->l.s[idx], LE(x, idx)), v[3], ms;
	unsigned int omo = LMO(x, idx), j, k, a, cnt;
	unsigned int m, mo, nl, nr;
	struct gather g;

	d->nr_ext--;
	for (k = idx; k + 1 < x->n; k++) {
		x->l.s[k] = x->l.s[k + 1];
		x->l.e[k] = x->l.e[k + 1];
	}
	x->n--;
	x->l.s[x->n] = PAD;
	if (idx == 0)
		key_up(d, p, lf);
	if (lf == 0 || x->n >= LMIN) {
		if (grown)
			up_grow(d, p, lf, gms, gmo);
		else
			leaf_changed(d, p, oms, omo, 0, 0);
		return;
	}
	/* Under the minimum: share with a sibling, or merge. */
	pa = N(d, p->node[lf - 1]);
	j = p->slot[lf - 1];
	nl = j > 0 ? N(d, pa->i.ch[j - 1])->n : 0;
	nr = j + 1 < pa->n ? N(d, pa->i.ch[j + 1])->n : 0;
	if (pa->n == 2) {
		a = 0; /* the root's only two leaves */
		cnt = 2;
	} else if ((nl > nr ? nl : nr) > LMIN) {
		/*
		 * The fuller sibling shares, at the seam, once this leaf's
		 * summary in @pa is exact again.
		 */
		if (grown) {
			if (gms > pa->i.ms[j])
				pa->i.ms[j] = gms;
			if (gmo > pa->i.mo[j])
				pa->i.mo[j] = (uint8_t)gmo;
		} else {
			uint32_t pms = pa->i.ms[j], nms = 0;
			unsigned int pmo = pa->i.mo[j], nmo = 0;

			SUM_AFTER(pms, pmo, oms, omo, nms, nmo, leaf_sum, x);
			pa->i.ms[j] = nms;
			pa->i.mo[j] = (uint8_t)nmo;
		}
		a = nl > nr ? j - 1 : j;
		leaf_balance2(d, pa, a, (x->n + (nl > nr ? nl : nr)) / 2);
		key_up(d, p, lf - 1);
		inner_sum(pa, &ms, &mo);
		up_changed(d, p, lf - 1, ms, mo);
		return;
	} else {
		a = j == 0 ? 0 : j + 1 == pa->n ? j - 2 : j - 1;
		cnt = 3;
	}
	g.n = 0;
	for (k = 0; k < cnt; k++) {
		v[k] = pa->i.ch[a + k];
		gather_add(&g, N(d, v[k]), true);
	}
	m = cnt;
	if (cnt == 3 && g.n <= 2 * LMAX)
		m = 2; /* three leaves at the minimum make two */
	else if (pa->n == 2 && lf == 1 && g.n <= LMAX)
		m = 1; /* the root's two leaves fit in one */
	gather_deal(d, &g, v, m, true);
	if (m == 1) {
		node_put(d, v[1]);
		node_put(d, p->node[0]);
		d->root = v[0];
		d->height = 1;
		leaf_sum(N(d, v[0]), &d->rms, &d->rmo);
		return;
	}
	for (k = 0; k < m; k++)
		set_child(d, pa, a + k, v[k], true);
	key_up(d, p, lf - 1);
	t = lf - 1;
	if (m < cnt) {
		inner_cut(pa, a + m);
		node_put(d, v[m]);
		t = inner_fix(d, p, lf - 1);
	}
	if (t >= 0) {
		inner_sum(N(d, p->node[t]), &ms, &mo);
		up_changed(d, p, t, ms, mo);
	}
}

static inline void leaf_delete(struct ioas_iova_domain *d, struct path *p,
			       unsigned int idx)
{
	leaf_remove(d, p, idx, false, 0, 0);
}

/*
 * Free space [fs, fe] just became one extent: the cached path's fail-fast
 * hint stays exact unless the extent holds a fit of the hinted request.
 * That query takes whole aligned blocks: an extent holding an aligned
 * block of a = roundup(ff_n) pfns, and ff_n pfns from an a-aligned pfn at
 * or below ff_hi. Every request the hint answers (n >= ff_n under hi <=
 * ff_hi) that fits here needs both (see ff_known()), so no other extent
 * can invalidate it.
 */
static inline void ff_touch(struct ioas_iova_domain *d, uint64_t fs,
			    uint64_t fe)
{
	unsigned int o;
	uint64_t c, top;

	if (!d->ff_n || d->ff_grow != d->grow)
		return;
	o = d->ff_n == 1 ? 0 : flog2(d->ff_n - 1) + 1;
	if (ext_order(fs, fe) < o)
		return;
	/* pfns < 2^56 and ff_n <= 2^62: no overflow */
	c = (fs + (UINT64_C(1) << o) - 1) & ~((UINT64_C(1) << o) - 1);
	top = fe < d->ff_hi ? fe : d->ff_hi;
	if (c + d->ff_n - 1 <= top)
		d->grow++;
}

/*
 * Put [s, e] (not reserved, inside the domain) into the free tree at the
 * located position, merging with touching extents. -ENOENT, and nothing
 * changes, if some of it is free already; otherwise it cannot fail: the
 * bank holds every node a split may take.
 */
static int add_free_at(struct ioas_iova_domain *d, uint64_t s, uint64_t e,
		       struct path *p)
{
	int lf = d->height - 1;
	struct bnode *x = N(d, p->node[lf]);
	unsigned int i = p->slot[lf];
	uint64_t cs = 0, fl = i > 0 ? LE(x, i - 1) : 0;
	bool jf, jc, near, hc;

	near = i < x->n;
	/* ceil_start() would give x->l.s[i] too, through a call. */
	if (near)
		cs = x->l.s[i];
	hc = near || ceil_start(d, p, &cs);
	/* The floor starts at or below s: it must end below it. */
	if ((i > 0 && fl >= s) || (hc && cs <= e))
		return -ENOENT;
	jf = i > 0 && fl + 1 == s;
	jc = hc && cs == e + 1;
	d->free_pfns += e - s + 1;
	if (jf) {
		/* The floor widens; the ceiling, if it touches, goes. */
		uint64_t fs = x->l.s[i - 1], fe = e;

		if (jc && near) {
			fe = LE(x, i);
			ff_touch(d, fs, fe);
			lput(x, i - 1, fs, fe);
			/* The merged extent covers the one that goes. */
			p->slot[lf] = i;
			leaf_remove(d, p, i, true, ext_ms(fs, fe),
				    ext_order(fs, fe));
			return 0;
		}
		if (jc) {
			struct path q;

			tree_locate(d, e + 1, &q);
			fe = LE(N(d, q.node[lf]), 0);
			ff_touch(d, fs, fe);
			lput(x, i - 1, fs, fe);
			up_grow(d, p, lf, ext_ms(fs, fe), ext_order(fs, fe));
			leaf_delete(d, &q, 0);
			return 0;
		}
		ff_touch(d, fs, fe);
		lput(x, i - 1, fs, fe);
		up_grow(d, p, lf, ext_ms(fs, fe), LMO(x, i - 1));
	} else if (jc) {
		/* The ceiling starts lower: its leaf's key may too. */
		struct path q, *pp = p;
		unsigned int c = i;

		if (!near) {
			tree_locate(d, e + 1, &q);
			pp = &q;
			x = N(d, q.node[lf]);
			c = 0;
		}
		ff_touch(d, s, LE(x, c));
		lput(x, c, s, LE(x, c));
		pp->slot[lf] = c;
		if (c == 0)
			key_up(d, pp, lf);
		up_grow(d, pp, lf, ext_ms(s, LE(x, c)), LMO(x, c));
	} else {
		ff_touch(d, s, e);
		leaf_insert(d, p, i, s, e);
	}
	return 0;
}

static void add_free(struct ioas_iova_domain *d, uint64_t s, uint64_t e)
{
	struct path p;

	tree_locate(d, s, &p);
	(void)add_free_at(d, s, e, &p);
}

/*
 * Carve [x, y] out of extent p->slot[leaf] of the located leaf, which
 * contains it. The bank holds any node a split may take.
 */
static void carve(struct ioas_iova_domain *d, struct path *p, uint64_t x,
		  uint64_t y)
{
	int lf = d->height - 1;
	struct bnode *l = N(d, p->node[lf]);
	unsigned int i = p->slot[lf];
	uint64_t s = l->l.s[i], e = LE(l, i), ns = s, ne = e;
	unsigned int omo = LMO(l, i);

	d->free_pfns -= y - x + 1;
	if (x == s && y == e) {
		leaf_delete(d, p, i);
		return;
	}
	if (x > s)
		ne = x - 1;
	else
		ns = y + 1;
	lput(l, i, ns, ne);
	if (i == 0 && ns != s)
		key_up(d, p, lf);
	leaf_changed(d, p, ext_ms(s, e), omo, ext_ms(ns, ne), LMO(l, i));
	if (x > s && y < e)
		leaf_insert(d, p, i + 1, y + 1, e);
}

/* ------------------------------------------------------------------ */
/* search                                                              */

struct query {
	uint64_t n1;    /* npages - 1 */
	uint64_t lo, hi;
	uint64_t amask; /* align - 1 */
	uint64_t phase;
	uint32_t ms_need;
	unsigned int mo_need;
	unsigned int mo_accept; /* the extent itself must have this order */
	unsigned int prefer;    /* non-zero: try mo_accept = prefer first */
};

static void query_init(struct query *q, uint64_t npages, uint64_t lo,
		       uint64_t hi, uint64_t align, uint64_t phase)
{
	unsigned int j, fl = flog2(npages);

	q->n1 = npages - 1;
	q->lo = lo;
	q->hi = hi;
	q->amask = align - 1;
	q->phase = phase;
	q->ms_need = q->n1 >= MS_SAT ? MS_SAT : (uint32_t)q->n1;
	/* Every fit contains an aligned block of min(j, floor(log2 n)). */
	j = phase ? (unsigned int)__builtin_ctzll(phase) : flog2(align);
	q->mo_need = j < fl ? j : fl;
	q->mo_accept = 0;
	q->prefer = 0;
}

static inline bool prune(uint32_t ms, unsigned int mo, const struct query *q)
{
	return ms < q->ms_need || mo < q->mo_need;
}

static bool fit_top(const struct query *q, uint64_t s, uint64_t e,
		    uint64_t *out)
{
	uint64_t top = e < q->hi ? e : q->hi, bot = s > q->lo ? s : q->lo, c;

	if (top < bot || top - bot < q->n1)
		return false;
	if (q->mo_accept && ext_order(s, e) < q->mo_accept)
		return false;
	c = top - q->n1;
	if (c < q->phase)
		return false;
	c -= (c - q->phase) & q->amask;
	if (c < bot)
		return false;
	*out = c;
	return true;
}

static bool fit_bot(const struct query *q, uint64_t s, uint64_t e,
		    uint64_t *out)
{
	uint64_t top = e < q->hi ? e : q->hi, bot = s > q->lo ? s : q->lo, c;

	if (top < bot || top - bot < q->n1)
		return false;
	if (q->mo_accept && ext_order(s, e) < q->mo_accept)
		return false;
	c = bot + ((q->phase - bot) & q->amask);
	if (c > top || top - c < q->n1)
		return false;
	*out = c;
	return true;
}

/*
 * Highest fit under node @i at level @k; fills p on success. Children are
 * tried from the highest that starts at or below hi down to the first
 * that starts at or below lo, skipping those whose summary cannot fit.
 */
static bool find_top(const struct ioas_iova_domain *d, uint32_t i, int k,
		     const struct query *q, struct path *p, uint64_t *out)
{
	const struct bnode *x = N(d, i);
	unsigned int j = count_le(x->l.s, q->hi); /* also key[] */

	p->node[k] = i;
	if (k == d->height - 1) {
		while (j-- > 0) {
			if (fit_top(q, x->l.s[j], LE(x, j), out)) {
				p->slot[k] = j;
				return true;
			}
			if (x->l.s[j] <= q->lo)
				return false;
		}
		return false;
	}
	while (j-- > 0) {
		if (!prune(x->i.ms[j], x->i.mo[j], q)) {
			p->slot[k] = j;
			if (find_top(d, x->i.ch[j], k + 1, q, p, out))
				return true;
		}
		if (x->i.key[j] <= q->lo)
			return false;
	}
	return false;
}

/* Lowest fit under node @i at level @k. */
static bool find_bot(const struct ioas_iova_domain *d, uint32_t i, int k,
		     const struct query *q, struct path *p, uint64_t *out)
{
	const struct bnode *x = N(d, i);
	unsigned int j = count_le(x->l.s, q->lo); /* also key[] */

	j -= j > 0;
	p->node[k] = i;
	if (k == d->height - 1) {
		for (; j < x->n && x->l.s[j] <= q->hi; j++) {
			if (fit_bot(q, x->l.s[j], LE(x, j), out)) {
				p->slot[k] = j;
				return true;
			}
		}
		return false;
	}
	for (; j < x->n && x->i.key[j] <= q->hi; j++) {
		if (prune(x->i.ms[j], x->i.mo[j], q))
			continue;
		p->slot[k] = j;
		if (find_bot(d, x->i.ch[j], k + 1, q, p, out))
			return true;
	}
	return false;
}

static bool search(const struct ioas_iova_domain *d, const struct query *q,
		   bool topdown, struct path *p, uint64_t *out)
{
	if (q->lo > q->hi || !d->nr_ext || prune(d->rms, d->rmo, q))
		return false;
	if (q->prefer) {
		/*
		 * Size-aligned, size not a power of two: extents holding a
		 * whole aligned block are found exactly in O(log n); only
		 * when there is none do near misses get examined one by one.
		 */
		struct query q1 = *q;

		q1.prefer = 0;
		q1.mo_need = q1.mo_accept = q->prefer;
		if (search(d, &q1, topdown, p, out))
			return true;
	}
	if (topdown)
		return find_top(d, d->root, 0, q, p, out);
	return find_bot(d, d->root, 0, q, p, out);
}

/* ------------------------------------------------------------------ */
/* locks                                                               */

#define CLOCKED 0x80000000u
#define NR_MASK (MAG - 1)
/* The unheld count word of size k + 1 holding nr ranges (see the cache). */
#define WORD(k, nr) ((uint64_t)(((k) + 1) * MAG + (nr)))

/*
 * Returns the old word: the lock is ours unless it has CLOCKED. A failed
 * attempt writes CLOCKED over the held word, which is why a holder never
 * stores anything else there.
 */
static inline uint32_t class_trylock(struct ioas_iova_cache *c, uint64_t k)
{
	return __atomic_exchange_n(&c->w[k + 1], CLOCKED, __ATOMIC_ACQUIRE);
}

/* nr of an unheld word of size k + 1. */
static inline uint32_t word_nr(uint64_t k, uint64_t word)
{
	return (uint32_t)(word - WORD(k, 0));
}

/* Take the lock of size k + 1; returns its nr. */
static uint32_t __attribute__((noinline))
class_lock(struct ioas_iova_cache *c, uint64_t k)
{
	uint32_t old;

	while ((old = class_trylock(c, k)) & CLOCKED) {
		while (__atomic_load_n(&c->w[k + 1], __ATOMIC_RELAXED) &
		       CLOCKED)
			sched_yield();
	}
	return word_nr(k, old);
}

static inline void class_unlock(struct ioas_iova_cache *c, uint64_t k,
				uint32_t nr)
{
	__atomic_store_n(&c->w[k + 1], (uint32_t)WORD(k, nr), __ATOMIC_RELEASE);
}

static inline void dlock(struct ioas_iova_domain *d)
{
	pthread_mutex_lock(&d->lock);
}

static inline void dunlock(struct ioas_iova_domain *d)
{
	pthread_mutex_unlock(&d->lock);
}

/* ------------------------------------------------------------------ */
/* domain                                                              */

static bool tail_is_zero(const void *p, size_t from, size_t to)
{
	const unsigned char *b = p;
	size_t i;

	for (i = from; i < to; i++)
		if (b[i])
			return false;
	return true;
}

IOAS_EXPORT int ioas_iova_domain_new(const struct ioas_iova_config *cfg,
				     struct ioas_iova_domain **out)
{
	struct ioas_iova_config c;
	struct ioas_iova_domain *d;
	unsigned int shift;
	int ret;

	if (!cfg || !out ||
	    cfg->size < offsetof(struct ioas_iova_config, flags) +
			sizeof(c.flags))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	if (cfg->size > sizeof(c)) {
		if (!tail_is_zero(cfg, sizeof(c), cfg->size))
			return -E2BIG;
		memcpy(&c, cfg, sizeof(c));
	} else {
		memcpy(&c, cfg, cfg->size);
	}
	if (c.flags & ~ORDER_FLAGS)
		return -EOPNOTSUPP;
	if ((c.flags & ORDER_FLAGS) == ORDER_FLAGS)
		return -EINVAL;
	if (!c.granule)
		c.granule = 4096;
	if (!is_pow2_u64(c.granule) || !c.start_pfn)
		return -EINVAL;
	shift = (unsigned int)__builtin_ctzll(c.granule);
	if (!c.last_pfn)
		c.last_pfn = UINT64_MAX >> shift;
	if (c.last_pfn > IOAS_IOVA_MAX_PFN || c.last_pfn < c.start_pfn)
		return -EINVAL;

	d = ioas_calloc_(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->granule = c.granule;
	d->start_pfn = c.start_pfn;
	d->last_pfn = c.last_pfn;
	d->flags = c.flags & ORDER_FLAGS ? c.flags : IOAS_IOVA_TOPDOWN;
	itree_init(&d->resv);
	resv_flat_update(d);
	meta_add(d, sizeof(*d));
	ret = bank(d, 0);
	if (ret) {
		ioas_free_(d);
		return ret;
	}
	if (pthread_mutex_init(&d->lock, NULL) ||
	    pthread_mutex_init(&d->caches_lock, NULL)) {
		ioas_free_(d->nodes);
		ioas_free_(d);
		return -ENOMEM;
	}
	d->root = node_get(d);
	d->height = 1;
	N(d, d->root)->n = 1;
	lput(N(d, d->root), 0, d->start_pfn, d->last_pfn);
	d->nr_ext = 1;
	leaf_sum(N(d, d->root), &d->rms, &d->rmo);
	d->free_pfns = d->last_pfn - d->start_pfn + 1;
	*out = d;
	return 0;
}

static void cache_destroy(struct ioas_iova_cache *c);

IOAS_EXPORT void ioas_iova_domain_free(struct ioas_iova_domain *d)
{
	struct itree_node *n;

	if (!d)
		return;
	while (d->caches)
		cache_destroy(d->caches);
	while ((n = itree_first(&d->resv))) {
		itree_remove(&d->resv, n);
		ioas_free_(itree_entry(n, struct resv, it));
	}
	ioas_free_(d->nodes);
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->caches_lock);
	ioas_free_(d);
}

static int range_check(const struct ioas_iova_domain *d, uint64_t pfn,
		       uint64_t npages, uint64_t *last);
static int free_locked(struct ioas_iova_domain *d, uint64_t pfn,
		       uint64_t last, uint64_t count);

/* Parked ranges went back to the tree (under lock); see any_cached(). */
static inline void gen_bump(struct ioas_iova_domain *d)
{
	__atomic_store_n(&d->gen, d->gen + 1, __ATOMIC_RELAXED);
}

/*
 * Under the domain's lock and size k + 1's: return the @nr ranges parked
 * there to the tree. Checked: a range released twice is dropped once.
 */
static void return_parked(struct ioas_iova_domain *d,
			  const struct ioas_iova_cache *c, unsigned int k,
			  uint32_t nr)
{
	uint32_t j;

	gen_bump(d);
	for (j = 0; j < nr; j++) {
		uint64_t x = c->pfn[k][j], last;

		if (!range_check(d, x, k + 1, &last))
			(void)free_locked(d, x, last, 1);
	}
}

/* Return every range parked in @c to the tree, one size at a time. */
static void cache_drain(struct ioas_iova_cache *c)
{
	struct ioas_iova_domain *d = c->d;
	unsigned int k;
	uint32_t nr;

	for (k = 0; k < CACHE_SIZES; k++) {
		nr = class_lock(c, k);
		if (nr) {
			dlock(d);
			return_parked(d, c, k, nr);
			dunlock(d);
		}
		class_unlock(c, k, 0);
	}
}

/*
 * Return every parked range to the tree and end holding the domain's lock:
 * the caller's next tree operation sees no parked range, and none can be
 * parked again before drain_release(). Usually no size is held (the
 * non-empty ones are emptied under the domain's lock, which refills need);
 * when someone holds a size, every size of every cache is taken one by
 * one, each emptied under a short hold of the domain's lock (never held
 * while waiting for a size), and kept until drain_release().
 */
static void drain_hold(struct ioas_iova_domain *d)
{
	struct ioas_iova_cache *c;
	unsigned int k;
	uint32_t nr;

	pthread_mutex_lock(&d->caches_lock);
	/*
	 * First without holding the sizes: under the domain's lock no range
	 * can move from the tree to a stack (refills park under it), so the
	 * retry that follows sees every range parked when this started,
	 * once the non-empty sizes are emptied. Those are taken with a
	 * trylock (allowed inside the domain's lock, as a refill does) and
	 * released at once, empty; a fast free that parks a range after it
	 * read as empty is a free that comes after the failing call. A size
	 * someone holds makes it the waiting drain below.
	 */
	dlock(d);
	d->drain_sizes = false;
	for (c = d->caches; c; c = c->next) {
		for (k = 0; k < CACHE_SIZES; k++) {
			uint32_t w = __atomic_load_n(&c->w[k + 1],
						     __ATOMIC_ACQUIRE);

			if (w & CLOCKED)
				goto slow;
			if (!(w & NR_MASK))
				continue;
			w = class_trylock(c, k);
			if (w & CLOCKED)
				goto slow;
			nr = word_nr(k, w);
			return_parked(d, c, k, nr);
			class_unlock(c, k, 0);
		}
	}
	return;
slow:
	dunlock(d);
	d->drain_sizes = true;
	for (c = d->caches; c; c = c->next) {
		for (k = 0; k < CACHE_SIZES; k++) {
			nr = class_lock(c, k);
			if (nr) {
				dlock(d);
				return_parked(d, c, k, nr);
				dunlock(d);
			}
		}
	}
	dlock(d);
}

static void drain_release(struct ioas_iova_domain *d)
{
	struct ioas_iova_cache *c;
	unsigned int k;

	dunlock(d);
	if (d->drain_sizes)
		for (c = d->caches; c; c = c->next)
			for (k = 0; k < CACHE_SIZES; k++)
				class_unlock(c, k, 0);
	pthread_mutex_unlock(&d->caches_lock);
}

/* Does @c show a parked range or a held size? Two count words a load. */
static bool cache_busy(const struct ioas_iova_cache *c)
{
	/* nr and CLOCKED of both words of a pair */
	const uint64_t m = (uint64_t)(CLOCKED | NR_MASK) << 32 |
			   (CLOCKED | NR_MASK);
	/* w[0], held for good, left out */
	uint64_t acc = __atomic_load_n(&c->w2[0], __ATOMIC_ACQUIRE) &
		       (m & ~(uint64_t)UINT32_MAX),
		 acc1 = 0, acc2 = 0, acc3 = 0;
	unsigned int k;

	/* Unrolled by four: independent accumulators, no loop test per word. */
	_Static_assert(CACHE_SIZES / 2 % 4 == 0, "unrolled by four");
	for (k = 1; k < CACHE_SIZES / 2 + 1; k += 4) {
		acc |= __atomic_load_n(&c->w2[k], __ATOMIC_ACQUIRE);
		acc1 |= __atomic_load_n(&c->w2[k + 1], __ATOMIC_ACQUIRE);
		acc2 |= __atomic_load_n(&c->w2[k + 2], __ATOMIC_ACQUIRE);
		acc3 |= __atomic_load_n(&c->w2[k + 3], __ATOMIC_ACQUIRE);
	}
	return ((acc | acc1 | acc2 | acc3) & m) != 0;
}

/*
 * After a call failed under the domain's lock at generation @gen: could a
 * drain and a retry change the answer? Yes if a range may be parked (a
 * count, or a held size: a refill, a spill or a drain may be moving
 * ranges), or if parked ranges went back to the tree since. The counts
 * are read with acquire before gen: a count written by the release that
 * follows a drain's or a spill's bump makes the bump visible.
 *
 * @self, the caller's own cache or NULL: when it is the domain's only
 * cache, it is read without caches_lock (it cannot go away under its
 * owner). A cache created after nr_caches was read is empty then, and
 * whatever it parks later was free in the tree when the call failed (a
 * refill needs the domain's lock, which the failed call held before), or
 * is a free that comes after the call: either way no drain could have
 * helped. Failures on the cached path call this a lot.
 */
static bool any_cached(struct ioas_iova_domain *d,
		       const struct ioas_iova_cache *self, uint64_t gen)
{
	struct ioas_iova_cache *c;
	bool any = false;

	if (self && __atomic_load_n(&d->nr_caches, __ATOMIC_ACQUIRE) == 1)
		return cache_busy(self) ||
		       __atomic_load_n(&d->gen, __ATOMIC_RELAXED) != gen;
	pthread_mutex_lock(&d->caches_lock);
	for (c = d->caches; c && !any; c = c->next)
		any = cache_busy(c);
	if (!any)
		any = __atomic_load_n(&d->gen, __ATOMIC_RELAXED) != gen;
	pthread_mutex_unlock(&d->caches_lock);
	return any;
}

/* Walk the parts of [f, l] that no reservation covers. */
typedef void piece_fn(struct ioas_iova_domain *d, uint64_t s, uint64_t e,
		      void *arg);

static void for_each_unreserved(struct ioas_iova_domain *d, uint64_t f,
				uint64_t l, piece_fn *fn, void *arg)
{
	struct itree_node *r;
	uint64_t cur = f;

	itree_for_each_overlap(r, &d->resv, f, l) {
		if (r->start > cur)
			fn(d, cur, r->start - 1, arg);
		if (r->last >= l)
			return;
		if (r->last + 1 > cur)
			cur = r->last + 1;
	}
	if (cur <= l)
		fn(d, cur, l, arg);
}

/* The extent containing pfn (with its path), or false. */
static bool extent_at(const struct ioas_iova_domain *d, uint64_t pfn,
		      struct path *p, uint64_t *s, uint64_t *e)
{
	int lf = d->height - 1;
	const struct bnode *x;
	unsigned int i;

	tree_locate(d, pfn, p);
	x = N(d, p->node[lf]);
	i = p->slot[lf];
	if (!i || LE(x, i - 1) < pfn)
		return false;
	p->slot[lf] = i - 1;
	*s = x->l.s[i - 1];
	*e = LE(x, i - 1);
	return true;
}

/* Does [s, e] touch free space at the located position of s? */
static bool overlaps_free(const struct ioas_iova_domain *d,
			  const struct path *p, uint64_t s, uint64_t e)
{
	int lf = d->height - 1;
	const struct bnode *x = N(d, p->node[lf]);
	unsigned int i = p->slot[lf];
	uint64_t cs;

	if (i && LE(x, i - 1) >= s)
		return true;
	return ceil_start(d, p, &cs) && cs <= e;
}

static void piece_check(struct ioas_iova_domain *d, uint64_t s, uint64_t e,
			void *arg)
{
	struct path p;
	uint64_t xs, xe;
	bool *ok = arg;

	if (!extent_at(d, s, &p, &xs, &xe) || xe < e)
		*ok = false;
}

static void piece_carve(struct ioas_iova_domain *d, uint64_t s, uint64_t e,
			void *arg)
{
	struct path p;
	uint64_t xs, xe;

	(void)arg;
	if (extent_at(d, s, &p, &xs, &xe))
		carve(d, &p, s, e);
}

static void piece_free(struct ioas_iova_domain *d, uint64_t s, uint64_t e,
		       void *arg)
{
	(void)arg;
	add_free(d, s, e);
}

IOAS_EXPORT int ioas_iova_reserve(struct ioas_iova_domain *d, uint64_t first,
				  uint64_t last)
{
	struct resv *r;
	bool in, ok = true;
	uint64_t f, l;
	int ret;

	if (first > last)
		return -EINVAL;
	f = first > d->start_pfn ? first : d->start_pfn;
	l = last < d->last_pfn ? last : d->last_pfn;
	in = f <= l;
	/* Parked ranges are free space: never let them look like a conflict. */
	if (in)
		drain_hold(d);
	else
		dlock(d);
	if (in)
		for_each_unreserved(d, f, l, piece_check, &ok);
	if (!ok) {
		ret = -EADDRINUSE;
		goto out;
	}
	ret = bank(d, 1);
	if (ret)
		goto out;
	r = ioas_malloc_(sizeof(*r));
	if (!r) {
		ret = -ENOMEM;
		goto out;
	}
	meta_add(d, sizeof(*r));
	if (in)
		for_each_unreserved(d, f, l, piece_carve, NULL);
	r->it.start = first;
	r->it.last = last;
	itree_insert(&d->resv, &r->it);
	d->nr_resv++;
	resv_flat_update(d);
out:
	if (in)
		drain_release(d);
	else
		dunlock(d);
	return ret;
}

IOAS_EXPORT int ioas_iova_unreserve(struct ioas_iova_domain *d, uint64_t first,
				    uint64_t last)
{
	struct itree_node *n;
	uint64_t f, l;

	if (first > last)
		return -EINVAL;
	dlock(d);
	itree_for_each_overlap(n, &d->resv, first, first) {
		if (n->start == first && n->last == last)
			break;
	}
	if (!n) {
		dunlock(d);
		return -ENOENT;
	}
	itree_remove(&d->resv, n);
	d->nr_resv--;
	resv_flat_update(d);
	ioas_free_(itree_entry(n, struct resv, it));
	meta_add(d, -(int64_t)sizeof(struct resv));
	f = first > d->start_pfn ? first : d->start_pfn;
	l = last < d->last_pfn ? last : d->last_pfn;
	if (f <= l)
		for_each_unreserved(d, f, l, piece_free, NULL);
	dunlock(d);
	return 0;
}

/*
 * Validate a request and turn it into a query. Returns 0, a negative
 * errno, or 1 for a window that is empty inside the domain (-ENOSPC).
 */
static int prepare(const struct ioas_iova_domain *d, uint64_t npages,
		   uint64_t lo, uint64_t hi, uint64_t align, uint64_t phase,
		   unsigned int flags, struct query *q, bool *topdown)
{
	bool prefer = false;

	if (flags & ~ALL_FLAGS)
		return -EOPNOTSUPP;
	if ((flags & ORDER_FLAGS) == ORDER_FLAGS || !npages)
		return -EINVAL;
	if (flags & IOAS_IOVA_SIZE_ALIGNED) {
		if (align > 1)
			return -EINVAL;
		align = roundup_pow2_u64(npages);
		if (!align)
			return -EINVAL;
		phase = 0;
		prefer = align != npages;
	} else if (align <= 1) {
		align = 1;
		phase = 0;
	} else if (!is_pow2_u64(align) || phase >= align) {
		return -EINVAL;
	}
	if (!(flags & ORDER_FLAGS))
		flags |= d->flags;
	*topdown = flags & IOAS_IOVA_TOPDOWN;
	if (lo < d->start_pfn)
		lo = d->start_pfn;
	if (hi > d->last_pfn)
		hi = d->last_pfn;
	if (lo > hi || npages - 1 > hi - lo)
		return 1;
	query_init(q, npages, lo, hi, align, phase);
	if (prefer)
		q->prefer = flog2(align);
	return 0;
}

/* Allocate under d->lock; 0, -ENOSPC or -ENOMEM. */
static int alloc_locked(struct ioas_iova_domain *d, const struct query *q,
			bool topdown, uint64_t *pfn)
{
	struct path p;
	uint64_t x;
	int ret;

	if (!search(d, q, topdown, &p, &x))
		return -ENOSPC;
	ret = bank(d, 1);
	if (ret)
		return ret;
	carve(d, &p, x, x + q->n1);
	d->nr_alloc++;
	*pfn = x;
	return 0;
}

static int alloc_query(struct ioas_iova_domain *d, const struct query *q,
		       bool topdown, uint64_t *pfn)
{
	uint64_t gen;
	int ret;

	dlock(d);
	ret = alloc_locked(d, q, topdown, pfn);
	gen = d->gen;
	dunlock(d);
	if (ret == -ENOSPC && any_cached(d, NULL, gen)) {
		drain_hold(d);
		ret = alloc_locked(d, q, topdown, pfn);
		drain_release(d);
	}
	return ret;
}

IOAS_EXPORT int ioas_iova_alloc(struct ioas_iova_domain *d, uint64_t npages,
				uint64_t limit_pfn, unsigned int flags,
				uint64_t *pfn)
{
	struct query q;
	bool topdown;
	int ret;

	ret = prepare(d, npages, 0, limit_pfn, 0, 0, flags, &q, &topdown);
	if (ret)
		return ret > 0 ? -ENOSPC : ret;
	return alloc_query(d, &q, topdown, pfn);
}

static int req_prepare(const struct ioas_iova_domain *d,
		       const struct ioas_iova_req *req, struct query *q,
		       bool *topdown)
{
	struct ioas_iova_req r;
	uint64_t hi;

	if (!req || req->size < offsetof(struct ioas_iova_req, phase) +
			sizeof(req->phase))
		return -EINVAL;
	if (req->size > sizeof(r) && !tail_is_zero(req, sizeof(r), req->size))
		return -E2BIG;
	memcpy(&r, req, sizeof(r));
	hi = r.max_pfn ? r.max_pfn : UINT64_MAX;
	if (r.min_pfn > hi)
		return -EINVAL;
	return prepare(d, r.npages, r.min_pfn, hi, r.align, r.phase, r.flags,
		       q, topdown);
}

IOAS_EXPORT int ioas_iova_alloc_in(struct ioas_iova_domain *d,
				   const struct ioas_iova_req *req,
				   uint64_t *pfn)
{
	struct query q;
	bool topdown;
	int ret;

	ret = req_prepare(d, req, &q, &topdown);
	if (ret)
		return ret > 0 ? -ENOSPC : ret;
	return alloc_query(d, &q, topdown, pfn);
}

IOAS_EXPORT int ioas_iova_find(struct ioas_iova_domain *d,
			       const struct ioas_iova_req *req, uint64_t *pfn)
{
	struct query q;
	struct path p;
	bool topdown, ok;
	uint64_t x;
	int ret;

	ret = req_prepare(d, req, &q, &topdown);
	if (ret)
		return ret > 0 ? -ENOSPC : ret;
	dlock(d);
	ok = search(d, &q, topdown, &p, &x);
	dunlock(d);
	if (!ok)
		return -ENOSPC;
	*pfn = x;
	return 0;
}

static int range_check(const struct ioas_iova_domain *d, uint64_t pfn,
		       uint64_t npages, uint64_t *last)
{
	if (!npages)
		return -EINVAL;
	if (check_add_overflow(pfn, npages - 1, last))
		return -EOVERFLOW;
	if (pfn < d->start_pfn || *last > d->last_pfn)
		return -EINVAL;
	return 0;
}

static int claim_locked(struct ioas_iova_domain *d, uint64_t pfn,
			uint64_t last)
{
	struct path p;
	uint64_t s, e;
	int ret;

	if (resv_overlaps(d, pfn, last))
		return -EADDRINUSE;
	if (!extent_at(d, pfn, &p, &s, &e) || e < last)
		return -EEXIST;
	ret = bank(d, 1);
	if (ret)
		return ret;
	carve(d, &p, pfn, last);
	d->nr_alloc++;
	return 0;
}

IOAS_EXPORT int ioas_iova_claim(struct ioas_iova_domain *d, uint64_t pfn,
				uint64_t npages)
{
	uint64_t last, gen;
	int ret;

	ret = range_check(d, pfn, npages, &last);
	if (ret)
		return ret;
	dlock(d);
	ret = claim_locked(d, pfn, last);
	gen = d->gen;
	dunlock(d);
	if (ret == -EEXIST && any_cached(d, NULL, gen)) {
		drain_hold(d);
		ret = claim_locked(d, pfn, last);
		drain_release(d);
	}
	return ret;
}

/* Release [pfn, last], which held @count allocations, located at @p. */
static int free_at(struct ioas_iova_domain *d, uint64_t pfn, uint64_t last,
		   uint64_t count, struct path *p)
{
	if (resv_overlaps(d, pfn, last) || add_free_at(d, pfn, last, p))
		return -ENOENT;
	d->nr_alloc -= count;
	return 0;
}

/* Release [pfn, last], which held @count allocations. */
static int free_locked(struct ioas_iova_domain *d, uint64_t pfn,
		       uint64_t last, uint64_t count)
{
	struct path p;

	tree_locate(d, pfn, &p);
	return free_at(d, pfn, last, count, &p);
}

IOAS_EXPORT int ioas_iova_free(struct ioas_iova_domain *d, uint64_t pfn,
			       uint64_t npages)
{
	uint64_t last;
	int ret;

	ret = range_check(d, pfn, npages, &last);
	if (ret)
		return ret;
	dlock(d);
	ret = free_locked(d, pfn, last, 1);
	dunlock(d);
	return ret;
}

/* ------------------------------------------------------------------ */
/* caches                                                              */

IOAS_EXPORT int ioas_iova_cache_new(struct ioas_iova_domain *d,
				    struct ioas_iova_cache **out)
{
	struct ioas_iova_cache *c;
	unsigned int k;

	c = ioas_calloc_(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->d = d;
	c->w[0] = CLOCKED;
	for (k = 0; k < CACHE_SIZES; k++) {
		c->w[k + 1] = WORD(k, 0);
		c->amask[k + 1] = roundup_pow2_u64(k + 1) - 1;
	}
	pthread_mutex_lock(&d->caches_lock);
	c->next = d->caches;
	if (c->next)
		c->next->prev = c;
	d->caches = c;
	__atomic_store_n(&d->nr_caches, d->nr_caches + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&d->caches_lock);
	dlock(d);
	meta_add(d, sizeof(*c));
	dunlock(d);
	*out = c;
	return 0;
}

/* Unlink, drain and free; caller does not hold caches_lock. */
static void cache_destroy(struct ioas_iova_cache *c)
{
	struct ioas_iova_domain *d = c->d;

	pthread_mutex_lock(&d->caches_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		d->caches = c->next;
	if (c->next)
		c->next->prev = c->prev;
	__atomic_store_n(&d->nr_caches, d->nr_caches - 1, __ATOMIC_RELEASE);
	cache_drain(c);
	pthread_mutex_unlock(&d->caches_lock);
	dlock(d);
	meta_add(d, -(int64_t)sizeof(*c));
	dunlock(d);
	ioas_free_(c);
}

uint64_t ioas_iova_verify_paths_(struct ioas_iova_domain *d, bool on)
{
	uint64_t n;

	dlock(d);
	d->verify_paths = on;
	n = d->paths_verified;
	dunlock(d);
	return n;
}

uint32_t ioas_iova_cache_hold_(struct ioas_iova_cache *c, uint64_t npages)
{
	return class_lock(c, npages - 1);
}

void ioas_iova_cache_unhold_(struct ioas_iova_cache *c, uint64_t npages,
			     uint32_t nr)
{
	class_unlock(c, npages - 1, nr);
}

IOAS_EXPORT void ioas_iova_cache_free(struct ioas_iova_cache *c)
{
	if (c)
		cache_destroy(c);
}

IOAS_EXPORT void ioas_iova_cache_flush(struct ioas_iova_cache *c)
{
	pthread_mutex_lock(&c->d->caches_lock);
	cache_drain(c);
	pthread_mutex_unlock(&c->d->caches_lock);
}

/*
 * The cached path's queries (size-aligned, lowest pfn start_pfn, only
 * extents holding a whole aligned block of the rounded size, searched
 * exhaustively) are monotone: a fit of n' >= n pfns under a limit hi' <= hi
 * contains a fit of n under hi (its first n pfns: aligned to roundup(n),
 * which divides roundup(n'), in an extent holding an aligned block of
 * roundup(n') >= roundup(n)). So a failure of n under hi stands for every
 * larger request under every lower limit, until free space is added to the
 * tree. Under d->lock.
 */
static inline bool ff_known(const struct ioas_iova_domain *d, uint64_t n,
			    uint64_t hi)
{
	return d->ff_grow == d->grow && d->ff_n && n >= d->ff_n &&
	       hi <= d->ff_hi;
}

static void ff_note(struct ioas_iova_domain *d, uint64_t n, uint64_t hi)
{
	if (d->ff_grow == d->grow && d->ff_n) {
		if (n >= d->ff_n && hi <= d->ff_hi)
			return; /* already implied */
		if (hi == d->ff_hi || (hi > d->ff_hi && n <= d->ff_n)) {
			if (n < d->ff_n)
				d->ff_n = n;
			d->ff_hi = hi;
			return;
		}
	}
	/* A stale hint, or two incomparable ones: keep the newest. */
	d->ff_grow = d->grow;
	d->ff_n = n;
	d->ff_hi = hi;
}

/*
 * The cached path's query: size-aligned, and like Linux's
 * alloc_iova_fast(), which rounds sizes up to a power of two, only whole
 * aligned blocks, so the search is exact and a failure costs O(log n) for
 * every size. The tail stays free. 0 or a negative errno (-ENOSPC for an
 * empty window).
 */
static int slow_prepare(const struct ioas_iova_domain *d, uint64_t npages,
			uint64_t limit_pfn, struct query *q, bool *topdown)
{
	int ret = prepare(d, npages, 0, limit_pfn, 0, 0,
			  IOAS_IOVA_SIZE_ALIGNED, q, topdown);

	if (ret)
		return ret > 0 ? -ENOSPC : ret;
	if (q->prefer) {
		q->mo_need = q->mo_accept = q->prefer;
		q->prefer = 0;
	}
	return 0;
}

/*
 * A cache miss. For power-of-two sizes up to 32 pfns, take a batch of
 * ranges in one carve (at most 64 pfns, 16 ranges): the first goes to the
 * caller, the rest into the cache, highest on top. Fill phases then cost
 * one tree operation per batch instead of one per allocation. When no
 * batch fits, for other sizes, and when a drainer holds the size, it is a
 * plain size-aligned allocation.
 *
 * The batch is carved and parked under both the domain's lock and the
 * size's, taken with a trylock (which never waits, so it may nest inside
 * the domain's lock). Parked only after the domain's lock was dropped, as
 * it once was, the batch would be neither free nor parked in between: a
 * concurrent reserve, claim or failing allocation would find nothing to
 * drain (any_cached() reading 0) and fail on ranges that no caller holds.
 */
static int __attribute__((noinline))
alloc_slow(struct ioas_iova_cache *c, uint64_t npages, uint64_t limit_pfn,
	   uint64_t *pfn)
{
	struct ioas_iova_domain *d = c->d;
	struct query q;
	struct path p;
	bool topdown, have_q = false;
	uint64_t x, nb, gen;
	uint64_t hi = limit_pfn < d->last_pfn ? limit_pfn : d->last_pfn;
	int ret;

	dlock(d);
	/*
	 * The hint already answers (for a size prepare() accepts: 1 to 2^62
	 * pfns, and the query's limit is this hi): no query, no search.
	 */
	if (npages - 1 < UINT64_C(1) << 62 && ff_known(d, npages, hi)) {
		ret = -ENOSPC;
		goto failed;
	}
	ret = slow_prepare(d, npages, limit_pfn, &q, &topdown);
	if (ret) {
		dunlock(d);
		return ret;
	}
	have_q = true;
	nb = 64 / npages;
	if (nb > 16)
		nb = 16;
	if (is_pow2_u64(npages) && nb > 1 && d->nr_ext &&
	    !prune(d->rms, d->rmo, &q)) {
		struct query qb = q;
		uint64_t *v = c->pfn[npages - 1];
		uint64_t k, nr;

		/* A naturally aligned block: an exact, O(log n) search. */
		qb.n1 = nb * npages - 1;
		qb.ms_need = (uint32_t)qb.n1;
		qb.amask = qb.n1;
		qb.mo_need = flog2(nb * npages);
		if (qb.n1 <= q.hi - q.lo && !ff_known(d, nb * npages, q.hi) &&
		    (search(d, &qb, topdown, &p, &x) ||
		     (ff_note(d, nb * npages, q.hi), false)) &&
		    !bank(d, nb) &&
		    !((nr = class_trylock(c, npages - 1)) & CLOCKED)) {
			nr = word_nr(npages - 1, nr);
			carve(d, &p, x, x + qb.n1);
			d->nr_alloc += nb;
			for (k = 0; k + 1 < nb && nr < MAG - 1; k++)
				v[nr++] = x + k * npages;
			/* No room (a full stack of far-away ranges): return. */
			if (k + 1 < nb)
				(void)free_locked(d, x + k * npages,
						  x + (nb - 1) * npages - 1,
						  nb - 1 - k);
			dunlock(d);
			class_unlock(c, npages - 1, nr);
			*pfn = x + (nb - 1) * npages;
			return 0;
		}
	}
	if (ff_known(d, npages, q.hi)) {
		ret = -ENOSPC;
	} else {
		ret = alloc_locked(d, &q, topdown, pfn);
		if (ret == -ENOSPC)
			ff_note(d, npages, q.hi);
	}
failed:
	gen = d->gen;
	dunlock(d);
	if (ret == -ENOSPC && any_cached(d, c, gen)) {
		/* A valid size (checked above): only an empty window fails,
		 * and no drain helps with that. */
		if (!have_q && slow_prepare(d, npages, limit_pfn, &q, &topdown))
			return -ENOSPC;
		drain_hold(d);
		if (!ff_known(d, npages, q.hi)) {
			ret = alloc_locked(d, &q, topdown, pfn);
			if (ret == -ENOSPC)
				ff_note(d, npages, q.hi);
		}
		drain_release(d);
	}
	return ret;
}

/* The top entry did not fit the limit: try the next three, then the tree. */
static int __attribute__((noinline))
alloc_scan(struct ioas_iova_cache *c, uint64_t npages, uint64_t limit_pfn,
	   uint64_t *pfn)
{
	uint64_t k = npages - 1, *v = c->pfn[k];
	uint32_t nr, j;

	nr = class_lock(c, k);
	for (j = 1; j <= 4 && j <= nr; j++) {
		uint64_t x = v[nr - j];

		if (x + k <= limit_pfn) {
			/* A device with a lower limit can use what a wider one
			 * freed. */
			v[nr - j] = v[nr - 1];
			class_unlock(c, k, nr - 1);
			*pfn = x;
			return 0;
		}
	}
	class_unlock(c, k, nr);
	return alloc_slow(c, npages, limit_pfn, pfn);
}

/*
 * The fast path missed with the lock word @nr in hand (ours unless it has
 * CLOCKED): an empty stack, a top entry above the limit, or a drainer.
 */
static int __attribute__((noinline))
alloc_miss(struct ioas_iova_cache *c, uint64_t npages, uint64_t limit_pfn,
	   uint64_t *pfn, uint64_t word)
{
	uint32_t nr;

	if (word & CLOCKED)
		return alloc_slow(c, npages, limit_pfn, pfn);
	nr = word_nr(npages - 1, word);
	class_unlock(c, npages - 1, nr);
	if (nr > 1)
		return alloc_scan(c, npages, limit_pfn, pfn);
	return alloc_slow(c, npages, limit_pfn, pfn);
}

/* The flat slot array: WORD(k, nr) - MAG indexes slot nr of size k + 1. */
static inline uint64_t *slots(struct ioas_iova_cache *c)
{
	return &c->pfn[0][0];
}

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IOVA_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define IOVA_TSAN 1
#endif

/*
 * class_trylock() and class_unlock() for the fast paths, by size n. On
 * x86-64 (an xchg is a full barrier, a plain store a release) compilers
 * compute the word's address into a register of its own; these address
 * it as (c, n, 4), w being the cache's first member: one instruction less
 * per fast call. ThreadSanitizer builds keep the builtins, which it
 * understands.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(IOVA_TSAN)
_Static_assert(offsetof(struct ioas_iova_cache, w) == 0, "w first");

static inline uint64_t fast_trylock(struct ioas_iova_cache *c, uint64_t n)
{
	uint64_t v = CLOCKED;

	/* a 32-bit write zero-extends: v is the old word */
	__asm__ volatile("xchgl %k0, (%1,%2,4)"
			 : "+r"(v)
			 : "r"(c), "r"(n)
			 : "memory");
	return v;
}

static inline void fast_unlock(struct ioas_iova_cache *c, uint64_t n,
			       uint64_t word)
{
	__asm__ volatile("movl %k0, (%1,%2,4)"
			 :
			 : "r"(word), "r"(c), "r"(n)
			 : "memory");
}

/* pfn & amask[n] with one test (compilers copy pfn and "and" it). */
static inline bool fast_misaligned(const struct ioas_iova_cache *c,
				   uint64_t pfn, uint64_t n)
{
	__asm__ goto("testq %0, %c3(%1,%2,8)\n\tjnz %l[bad]"
		     :
		     : "r"(pfn), "r"(c), "r"(n),
		       "i"(offsetof(struct ioas_iova_cache, amask)),
		       "m"(c->amask[n])
		     : "cc"
		     : bad);
	return false;
bad:
	return true;
}
#else
static inline uint64_t fast_trylock(struct ioas_iova_cache *c, uint64_t n)
{
	return __atomic_exchange_n(&c->w[n], CLOCKED, __ATOMIC_ACQUIRE);
}

static inline void fast_unlock(struct ioas_iova_cache *c, uint64_t n,
			       uint64_t word)
{
	__atomic_store_n(&c->w[n], (uint32_t)word, __ATOMIC_RELEASE);
}

static inline bool fast_misaligned(const struct ioas_iova_cache *c,
				   uint64_t pfn, uint64_t n)
{
	return (pfn & c->amask[n]) != 0;
}
#endif

/*
 * The fast path: no frame, one exchange, one load, one store, all
 * addressed by the size and the count word alone. A size that a drainer
 * holds is simply bypassed; npages 0 finds w[0] held.
 */
IOAS_EXPORT int ioas_iova_alloc_fast(struct ioas_iova_cache *c,
				     uint64_t npages, uint64_t limit_pfn,
				     uint64_t *pfn)
{
	uint64_t x, w;

	if (__builtin_expect(npages > CACHE_SIZES, 0))
		return alloc_slow(c, npages, limit_pfn, pfn);
	w = fast_trylock(c, npages);
	if (__builtin_expect(!(w & NR_MASK), 0)) /* empty or held */
		return alloc_miss(c, npages, limit_pfn, pfn, w);
	x = slots(c)[w - MAG - 1];
	if (__builtin_expect(x + npages - 1 > limit_pfn, 0))
		return alloc_miss(c, npages, limit_pfn, pfn, w);
	fast_unlock(c, npages, w - 1);
	*pfn = x;
	return 0;
}

/*
 * Release v[i..j), ranges of @npages that follow each other: as one range
 * [v[i], last] if range_check() passed it (@ok), located at @p (NULL:
 * locate it here); else one by one, dropping the bad or double ones,
 * never inserting them.
 */
static void spill_run(struct ioas_iova_domain *d, const uint64_t *v,
		      uint32_t i, uint32_t j, uint64_t npages, bool ok,
		      uint64_t last, struct path *p)
{
	if (ok && !(p ? free_at(d, v[i], last, j - i, p) :
			free_locked(d, v[i], last, j - i)))
		return;
	for (; i < j; i++)
		if (!range_check(d, v[i], npages, &last))
			(void)free_locked(d, v[i], last, 1);
}

typedef void ext_fn(const struct ioas_iova_domain *d, uint64_t s,
		    uint64_t e, void *arg);

/* @fn on every extent under node @i at level @k, in order. */
static void ext_walk(const struct ioas_iova_domain *d, uint32_t i, int k,
		     ext_fn *fn, void *arg)
{
	const struct bnode *x = N(d, i);
	unsigned int j;

	for (j = 0; j < x->n; j++) {
		if (k + 1 < d->height)
			ext_walk(d, x->i.ch[j], k + 1, fn, arg);
		else
			fn(d, x->l.s[j], LE(x, j), arg);
	}
}

/*
 * Test-only (ioas_iova_verify_paths_()): the proof behind reusing a path
 * is that no descent changes while d->shape does not. Probes at the
 * released range and, around it, at every extent's first pfn and past its
 * last under the leaf's parent, with a digest of where a descent for each
 * goes (leaf slot aside), taken before a release and compared after it
 * when the shape did not change: a key or child that changed without a
 * bump moves one of them (a release changes keys and children only along
 * its path and among its leaf's and its parent's siblings).
 */
struct probes {
	uint64_t *pfn, *h;
	size_t n, cap;
};

static uint64_t probe_digest(const struct ioas_iova_domain *d, uint64_t pfn)
{
	struct path f;
	uint64_t h = (uint64_t)d->height;
	int k;

	tree_locate(d, pfn, &f);
	for (k = 0; k < d->height; k++)
		h = (h ^ f.node[k] ^
		     (uint64_t)(k + 1 < d->height ? f.slot[k] : 0) << 32) *
		    UINT64_C(0x100000001b3);
	return h;
}

static void probe_add(const struct ioas_iova_domain *d, uint64_t s,
		      uint64_t e, void *arg)
{
	struct probes *pr = arg;

	if (pr->n + 2 > pr->cap)
		return;
	pr->pfn[pr->n++] = s;
	if (e < d->last_pfn)
		pr->pfn[pr->n++] = e + 1;
}

static void probes_take(const struct ioas_iova_domain *d, const struct path *p,
			uint64_t s, uint64_t e, struct probes *pr)
{
	int up = d->height > 1 ? d->height - 2 : 0;
	size_t k;

	pr->n = 0;
	probe_add(d, s, e, pr);
	if (d->nr_ext)
		ext_walk(d, p->node[up], up, probe_add, pr);
	for (k = 0; k < pr->n; k++)
		pr->h[k] = probe_digest(d, pr->pfn[k]);
}

static void probes_compare(struct ioas_iova_domain *d,
			   const struct probes *pr)
{
	size_t k;

	for (k = 0; k < pr->n; k++)
		if (probe_digest(d, pr->pfn[k]) != pr->h[k])
			d->path_bad = true;
}

/* Test-only (ioas_iova_verify_paths_()): is @q what a descent finds? */
static void __attribute__((noinline))
path_verify(struct ioas_iova_domain *d, uint64_t pfn, const struct path *q)
{
	struct path f;
	int k;

	tree_locate(d, pfn, &f);
	d->paths_verified++;
	for (k = 0; k < d->height; k++)
		if (f.node[k] != q->node[k] || f.slot[k] != q->slot[k])
			d->path_bad = true;
}

static void __attribute__((noinline))
spill(struct ioas_iova_cache *c, uint64_t npages)
{
	struct ioas_iova_domain *d = c->d;
	uint64_t *v = c->pfn[npages - 1];
	uint32_t i, j, k, nr = 0, run[MAG / 2 + 1], half = MAG / 2;
	struct probes pr = { 0 };
	struct path p, q;
	bool probing = false;

	/*
	 * The oldest half goes back, the hot top stays. Ranges freed in
	 * ascending order, one after the other, go back as one release;
	 * the tree merges the others wherever they touch (sorting first
	 * cost more than it saved: the order of releases does not change
	 * what the tree holds after them).
	 */
	for (i = 0; i < half; i = j) {
		for (j = i + 1; j < half && v[j] == v[j - 1] + npages; j++)
			;
		run[nr++] = i;
	}
	run[nr] = half;
	dlock(d);
	gen_bump(d);
	if (__builtin_expect(d->verify_paths, 0)) {
		pr.cap = 2 * KEYS * KEYS + 2;
		pr.pfn = ioas_calloc_(pr.cap, sizeof(*pr.pfn));
		pr.h = ioas_calloc_(pr.cap, sizeof(*pr.h));
		probing = pr.pfn && pr.h;
	}
	/*
	 * Two runs at a time are located together (tree_locate2()). The
	 * second's path still holds after the first's release unless that
	 * changed the tree's shape; then it is located again.
	 */
	for (k = 0; k < nr; k += 2) {
		uint32_t a = run[k], b = run[k + 1];
		uint64_t shape, la = 0, lb = 0;
		bool oka = !range_check(d, v[a], (b - a) * npages, &la);
		bool okb = k + 1 < nr && !range_check(d, v[b],
						      (run[k + 2] - b) * npages,
						      &lb);

		if (!oka || !okb) {
			spill_run(d, v, a, b, npages, oka, la, NULL);
			if (k + 1 < nr)
				spill_run(d, v, b, run[k + 2], npages, okb, lb,
					  NULL);
			continue;
		}
		tree_locate2(d, v[a], &p, v[b], &q);
		shape = d->shape;
		if (probing)
			probes_take(d, &p, v[a], la, &pr);
		spill_run(d, v, a, b, npages, true, la, &p);
		if (probing && d->shape == shape)
			probes_compare(d, &pr);
		if (d->shape == shape) {
			int lf = d->height - 1;

			q.slot[lf] = count_le(N(d, q.node[lf])->l.s, v[b]);
			if (__builtin_expect(d->verify_paths, 0))
				path_verify(d, v[b], &q);
			spill_run(d, v, b, run[k + 2], npages, true, lb, &q);
		} else {
			spill_run(d, v, b, run[k + 2], npages, true, lb, NULL);
		}
	}
	dunlock(d);
	ioas_free_(pr.pfn);
	ioas_free_(pr.h);
	memmove(v, v + half, (MAG - half) * sizeof(v[0]));
}

/*
 * The range just pushed filled the stack (MAG ranges): with the size still
 * held, spill the older half and release it.
 */
static int __attribute__((noinline))
free_full(struct ioas_iova_cache *c, uint64_t npages)
{
	spill(c, npages);
	class_unlock(c, npages - 1, MAG / 2);
	return 0;
}

/* A drainer holds the size (or npages is 0): go to the tree. */
static int __attribute__((noinline))
free_held(struct ioas_iova_cache *c, uint64_t pfn, uint64_t npages)
{
	return ioas_iova_free(c->d, pfn, npages);
}

IOAS_EXPORT int ioas_iova_free_fast(struct ioas_iova_cache *c, uint64_t pfn,
				    uint64_t npages)
{
	uint64_t w;

	if (__builtin_expect(npages > CACHE_SIZES, 0))
		return ioas_iova_free(c->d, pfn, npages);
	if (__builtin_expect(fast_misaligned(c, pfn, npages), 0))
		return ioas_iova_free(c->d, pfn, npages);
	w = fast_trylock(c, npages);
	if (__builtin_expect((int32_t)w < 0, 0))
		return free_held(c, pfn, npages);
	slots(c)[w - MAG] = pfn;
	w++;
	if (__builtin_expect(!(w & NR_MASK), 0))
		return free_full(c, npages);
	fast_unlock(c, npages, w);
	return 0;
}

/* ------------------------------------------------------------------ */
/* introspection                                                       */

IOAS_EXPORT int ioas_iova_info(struct ioas_iova_domain *d,
			       struct ioas_iova_info *info)
{
	struct ioas_iova_info v;
	struct ioas_iova_cache *c;
	size_t sz;
	unsigned int k;

	if (!info || info->size < offsetof(struct ioas_iova_info,
					   meta_peak_bytes) + 8)
		return -EINVAL;
	sz = info->size < sizeof(v) ? info->size : sizeof(v);
	memset(&v, 0, sizeof(v));
	pthread_mutex_lock(&d->caches_lock);
	for (c = d->caches; c; c = c->next) {
		for (k = 0; k < CACHE_SIZES; k++) {
			uint32_t nr = class_lock(c, k);

			v.nr_cached += nr;
			class_unlock(c, k, nr);
		}
	}
	dlock(d);
	v.size = (uint32_t)sz;
	v.flags = d->flags;
	v.granule = d->granule;
	v.start_pfn = d->start_pfn;
	v.last_pfn = d->last_pfn;
	v.nr_allocated = d->nr_alloc;
	v.nr_reserved = d->nr_resv;
	v.nr_extents = d->nr_ext;
	v.free_pfns = d->free_pfns;
	v.meta_bytes = d->meta;
	v.meta_peak_bytes = d->meta_peak;
	dunlock(d);
	pthread_mutex_unlock(&d->caches_lock);
	memcpy(info, &v, sz);
	return 0;
}

struct walk {
	struct ioas_range *out;
	size_t cap, nr;
};

static void hole_add(const struct ioas_iova_domain *d, uint64_t s,
		     uint64_t e, void *arg)
{
	struct walk *w = arg;

	(void)d;
	if (w->nr < w->cap) {
		w->out[w->nr].start = s;
		w->out[w->nr].last = e;
	}
	w->nr++;
}

IOAS_EXPORT int ioas_iova_holes(struct ioas_iova_domain *d,
				struct ioas_range *out, size_t cap, size_t *nr)
{
	struct walk w = { out, out ? cap : 0, 0 };

	dlock(d);
	ext_walk(d, d->root, 0, hole_add, &w);
	dunlock(d);
	*nr = w.nr;
	return w.nr > w.cap ? -EMSGSIZE : 0;
}

struct chk {
	uint64_t prev_last;
	bool have_prev;
	uint64_t nr, pfns, nodes;
	bool bad;
};

/* The key slots past the count (s[] of a leaf, key[] of an inner node). */
static bool pad_ok(const struct bnode *x)
{
	unsigned int j;

	for (j = x->n; j < KEYS; j++)
		if (x->l.s[j] != PAD)
			return false;
	return true;
}

/*
 * Check the subtree at node @i, level @k: its least start and summary go
 * to *key, *ms, *mo. @lax: a leaf may hold fewer than LMIN extents (the
 * root leaf, and the two leaves of a root that has two).
 */
static void chk_walk(const struct ioas_iova_domain *d, uint32_t i,
		     int k, bool lax, struct chk *c, uint64_t *key,
		     uint32_t *ms, unsigned int *mo)
{
	const struct bnode *x;
	unsigned int j;

	*key = 0;
	*ms = 0;
	*mo = 0;
	if (!i || i > pool_cap(d) || k >= MAXLV || ++c->nodes > pool_cap(d)) {
		c->bad = true;
		return;
	}
	x = N(d, i);
	if (k + 1 == d->height) {
		if (x->n > LMAX || (!x->n && k) || (x->n < LMIN && !lax)) {
			c->bad = true;
			return;
		}
		if (!pad_ok(x))
			c->bad = true;
		for (j = 0; j < x->n; j++) {
			uint64_t s = x->l.s[j], e = LE(x, j);

			if (s > e || s < d->start_pfn || e > d->last_pfn ||
			    LMO(x, j) != ext_order(s, e) ||
			    (c->have_prev && c->prev_last + 1 >= s))
				c->bad = true;
			if (d->resv.root && itree_iter_first(&d->resv, s, e))
				c->bad = true;
			c->prev_last = e;
			c->have_prev = true;
			c->nr++;
			c->pfns += e - s + 1;
		}
		leaf_sum(x, ms, mo);
		*key = x->n ? x->l.s[0] : 0;
		return;
	}
	if (x->n > IMAX || x->n < (k ? IMIN : 2)) {
		c->bad = true;
		return;
	}
	if (!pad_ok(x))
		c->bad = true;
	for (j = 0; j < x->n; j++) {
		uint64_t ck;
		uint32_t cms;
		unsigned int cmo;

		chk_walk(d, x->i.ch[j], k + 1, k == 0 && x->n == 2, c, &ck,
			 &cms, &cmo);
		if (ck != x->i.key[j] || cms != x->i.ms[j] ||
		    cmo != x->i.mo[j])
			c->bad = true;
		if (c->bad)
			return;
	}
	inner_sum(x, ms, mo);
	*key = x->i.key[0];
}

static bool touches_free(const struct ioas_iova_domain *d, uint64_t s,
			 uint64_t e)
{
	struct path p;

	tree_locate(d, s, &p);
	return overlaps_free(d, &p, s, e);
}

/* Does [x, x + k] overlap a range parked after (ca, k, j)? O(parked). */
static bool parked_overlap(const struct ioas_iova_cache *ca, unsigned int k,
			   uint32_t j)
{
	uint64_t x = ca->pfn[k][j], xl = x + k;
	const struct ioas_iova_cache *cb;
	unsigned int k2;
	uint32_t j2;

	for (cb = ca; cb; cb = cb->next) {
		for (k2 = cb == ca ? k : 0; k2 < CACHE_SIZES; k2++) {
			j2 = cb == ca && k2 == k ? j + 1 : 0;
			for (; j2 < cb->held[k2]; j2++) {
				uint64_t y = cb->pfn[k2][j2];

				if (y <= xl && x <= y + k2)
					return true;
			}
		}
	}
	return false;
}

/*
 * Parked ranges of size k + 1 in @ca: size-aligned, inside the domain,
 * allocated as far as the tree knows, unreserved, and disjoint from every
 * other parked range (O(c^2), c <= 4096 per cache).
 */
static bool parked_bad(const struct ioas_iova_domain *d,
		       const struct ioas_iova_cache *ca, unsigned int k,
		       uint64_t *cached)
{
	uint64_t last;
	uint32_t j;

	if (ca->held[k] >= MAG)
		return true;
	for (j = 0; j < ca->held[k]; j++) {
		uint64_t x = ca->pfn[k][j];

		(*cached)++;
		if ((x & ca->amask[k + 1]) || range_check(d, x, k + 1, &last) ||
		    touches_free(d, x, last) ||
		    itree_iter_first(&d->resv, x, last) ||
		    parked_overlap(ca, k, j))
			return true;
	}
	return false;
}

/*
 * For ioas_iova_check(): take every size of every cache (only caches_lock
 * holders ever hold more than one size, so the order is free). Their
 * owners then bypass them, and nothing moves between a stack and the tree
 * until release_all(). Each count waits in held[], not in its lock word,
 * which failed exchanges rewrite: keeping it there, as this once did, let
 * an owner's exchange wipe it, and release_all() then dropped the parked
 * ranges for good.
 */
static void hold_all(struct ioas_iova_domain *d)
{
	struct ioas_iova_cache *c;
	unsigned int k;

	pthread_mutex_lock(&d->caches_lock);
	for (c = d->caches; c; c = c->next)
		for (k = 0; k < CACHE_SIZES; k++)
			c->held[k] = class_lock(c, k);
}

static void release_all(struct ioas_iova_domain *d)
{
	struct ioas_iova_cache *c;
	unsigned int k;

	for (c = d->caches; c; c = c->next)
		for (k = 0; k < CACHE_SIZES; k++)
			class_unlock(c, k, c->held[k]);
	pthread_mutex_unlock(&d->caches_lock);
}

IOAS_EXPORT int ioas_iova_check(struct ioas_iova_domain *d)
{
	struct chk c = { 0 };
	struct ioas_iova_cache *ca;
	uint64_t free_nodes = 0, cached = 0, key;
	uint32_t i, ms;
	unsigned int mo;
	bool bad = false;

	hold_all(d);
	dlock(d);
	if (d->height < 1 || d->height > MAXLV)
		c.bad = true;
	else
		chk_walk(d, d->root, 0, true, &c, &key, &ms, &mo);
	bad = c.bad || c.nr != d->nr_ext || c.pfns != d->free_pfns ||
	      c.nodes != d->nr_nodes;
	if (!bad && (ms != d->rms || mo != d->rmo))
		bad = true;
	if (itree_check(&d->resv) || d->resv.count != d->nr_resv)
		bad = true;
	else {
		uint64_t fs[KEYS], fe1[KEYS];

		if (resv_flat_build(d, fs, fe1) != d->nr_flat ||
		    memcmp(fs, d->flat_s, sizeof(fs)) ||
		    memcmp(fe1, d->flat_e1, sizeof(fe1)))
			bad = true;
	}
	for (i = d->free_node; i && free_nodes <= pool_cap(d);
	     i = N(d, i)->link)
		free_nodes++;
	if (d->cap && (d->fresh < 1 || d->fresh > d->cap))
		bad = true;
	else if (free_nodes + d->nr_nodes + (d->cap - d->fresh) != pool_cap(d))
		bad = true;
	if (pool_cap(d) < bank_nodes(d->nr_alloc + d->nr_resv + 1) ||
	    d->path_bad)
		bad = true;
	for (ca = d->caches; ca && !bad; ca = ca->next)
		for (unsigned int k = 0; k < CACHE_SIZES && !bad; k++)
			bad = parked_bad(d, ca, k, &cached);
	if (cached > d->nr_alloc)
		bad = true;
	dunlock(d);
	release_all(d);
	return bad ? -EUCLEAN : 0;
}
