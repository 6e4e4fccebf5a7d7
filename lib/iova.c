// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IOVA allocator: a domain of pfns [start_pfn, last_pfn] with
 * reservations, allocations, claims and per-thread caches.
 *
 * Data model. The shared structure stores the FREE space, not the
 * allocations: an AVL tree of maximal free extents [start, last] (disjoint,
 * never touching, ordered by start), each node augmented with
 *
 *   ms  the largest (last - start) in its subtree, saturated at 2^32 - 1;
 *   mo  the largest order k such that some extent in its subtree contains a
 *       naturally aligned block of 2^k pfns;
 *   h   its AVL height.
 *
 * Allocations are not recorded: a release names its size (as Linux's
 * free_iova_fast() and every DMA unmap do), and the tree tells a release of
 * free space from a release of allocated space. Reservations live in an
 * interval tree of their own (lib/itree, overlapping nodes allowed, one
 * node per reserve call), and their pfns are simply absent from the free
 * tree. So: free = domain - reservations - allocations, exactly.
 *
 * Search. A request is (n pfns, window [lo, hi], alignment a = 2^j, phase
 * p). Top-down it is the highest fitting x, bottom-up the lowest: a
 * reverse (or forward) in-order walk that skips subtrees whose summary
 * cannot fit: ms < n - 1, or mo below the order every fit must contain
 * (min(j, floor(log2 n)) for p = 0). For unaligned requests (a = 1) and
 * for size-aligned power-of-two requests (n = a, the DMA API's common case)
 * the summary is exact: a subtree that is not skipped holds a fit, so the
 * walk visits at most the two boundary paths of the window plus one
 * successful descent: O(log n) in the worst case, success or failure.
 * Size-aligned sizes that are not powers of two first look, exactly and in
 * O(log n), for an extent holding a whole aligned 2^j block (the cached
 * path, like Linux's alloc_iova_fast(), stops there); only ioas_iova_alloc()
 * then falls back to the other fits. Those, explicit alignments and phases
 * may visit extents that pass the summary but miss by alignment ("near
 * misses"): O(log n + k), k being those extents. Requests of 2^32 pfns or
 * more also explore saturated subtrees. The tree is updated along the
 * search path (no parent pointers, no second descent) and re-augmentation
 * stops at the first ancestor whose summary does not change; releases only
 * grow summaries, so their ancestors merge children's values
 * (fixup_grow()). Slot 0 of the node array is an all-zero sentinel, so a
 * missing child reads as height 0 with an empty summary.
 *
 * Node bank. Releases never allocate memory: the number of free extents is
 * at most (allocations + reservations + 1), because two extents are always
 * separated by something that is not free. Every allocation, claim and
 * reservation first makes sure the node pool can hold that many, so the
 * release of anything can always find a node. A node is 28 bytes; they are
 * 32-bit indices into one array that grows by a sixteenth at a time: the
 * only step that is not O(log n) in the worst case (a realloc; amortized
 * O(1), and glibc grows large arrays with mremap, without copying).
 *
 * Caches. A struct ioas_iova_cache holds, for each size of 1..64 pfns, a
 * stack of at most 63 freed size-aligned ranges (64 for the instant before
 * a spill). Each size has a lock folded into its count word: one exchange
 * takes it and reads the count, the releasing store writes the new count;
 * the word also addresses the top of the stack (see the struct). The fast
 * paths are leaf functions of 15 instructions on x86-64. A miss on a power-of-two size up
 * to 32 pfns carves a batch of ranges (at most 16, or 64 pfns, as one
 * naturally aligned block) in one tree operation. A full stack hands its
 * older half back to the tree, sorted and coalesced; an allocation or a
 * claim the tree cannot satisfy drains every cache of the domain and
 * retries once; reserve drains first. Those drains hold every size of
 * every cache until the retry is done, so nothing is parked again in
 * between. Parked ranges therefore never make a request fail, and the
 * domain never holds more than 64 * 63 parked ranges per cache.
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

#define CHUNK_SHIFT 10
#define CHUNK (1u << CHUNK_SHIFT)
#define MAXH 64 /* AVL height for 2^32 nodes is < 47 */

#define CACHE_SIZES 64 /* sizes 1..64 pfns */
#define MAG 64         /* slots per size; at most MAG - 1 parked at rest */

#define ALL_FLAGS \
	(IOAS_IOVA_TOPDOWN | IOAS_IOVA_BOTTOMUP | IOAS_IOVA_SIZE_ALIGNED)
#define ORDER_FLAGS (IOAS_IOVA_TOPDOWN | IOAS_IOVA_BOTTOMUP)

/* A free extent. 28 bytes: a = start | height << 56, b = last | mo << 56. */
struct xnode {
	uint64_t a;
	uint64_t b;
	uint32_t l, r;
	uint32_t ms;
} __attribute__((packed, aligned(4)));

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
	uint32_t free_node;     /* free-list of nodes, linked through l */
	uint32_t cap;           /* slots at nodes[], slot 0 is the nil index */
	struct xnode *nodes;
	uint64_t nr_ext;        /* nodes in the tree */
	uint64_t nr_alloc;      /* live allocations, cached ones included */
	uint64_t nr_resv;
	uint64_t free_pfns;
	uint64_t meta, meta_peak;
	uint64_t gen;           /* bumped when parked ranges return */
	/*
	 * Fail-fast hint of the cached path (alloc_slow()), exact: while no
	 * free space was added to the tree (grow unchanged since ff_grow),
	 * a size-aligned request of ff_n or more pfns under a limit of ff_hi
	 * or less has no fit. ff_n 0: no hint.
	 */
	uint64_t grow;          /* bumped by every add_free_at() */
	uint64_t ff_grow, ff_n, ff_hi;
	struct itree resv;
	/* protected by caches_lock */
	pthread_mutex_t caches_lock;
	struct ioas_iova_cache *caches;
};

/* ------------------------------------------------------------------ */
/* nodes                                                               */

static inline struct xnode *N(const struct ioas_iova_domain *d, uint32_t i)
{
	return &d->nodes[i];
}

static inline uint64_t x_start(const struct xnode *x)
{
	return x->a & PFN_MASK;
}

static inline uint64_t x_last(const struct xnode *x)
{
	return x->b & PFN_MASK;
}

static inline unsigned int x_h(const struct xnode *x)
{
	return (unsigned int)(x->a >> PFN_BITS);
}

static inline unsigned int x_mo(const struct xnode *x)
{
	return (unsigned int)(x->b >> PFN_BITS);
}

static inline void x_set(struct xnode *x, uint64_t start, uint64_t last)
{
	x->a = start | (x->a & ~PFN_MASK);
	x->b = last | (x->b & ~PFN_MASK);
}

/* Slot 0 is an all-zero sentinel: height 0, empty summary. */
static inline unsigned int h_of(const struct ioas_iova_domain *d, uint32_t i)
{
	return x_h(N(d, i));
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
 * Grow the node array by a sixteenth (at least CHUNK slots): the bank then
 * never exceeds the need by more than ~6%, and the copies a realloc may do
 * are amortized O(1) per allocation (glibc moves large arrays with mremap,
 * without copying). Indices stay valid; pointers into the array do not,
 * so no caller holds one across a growth.
 */
static int pool_grow(struct ioas_iova_domain *d)
{
	uint64_t add = d->cap / 16 > CHUNK ? d->cap / 16 : CHUNK;
	uint64_t ncap = d->cap + add;
	struct xnode *t;
	uint32_t i;

	if (ncap > UINT32_MAX)
		return -ENOMEM;
	t = ioas_realloc_(d->nodes, ncap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	d->nodes = t;
	meta_add(d, (int64_t)(add * sizeof(*t)));
	/* Chain the new slots into the free list, lowest first. */
	for (i = (uint32_t)ncap; i-- > d->cap;) {
		if (i == 0) {
			memset(&t[0], 0, sizeof(t[0]));
			continue;
		}
		t[i].l = d->free_node;
		d->free_node = i;
	}
	d->cap = (uint32_t)ncap;
	return 0;
}

/*
 * The bank: room for the most extents the domain can ever have with @extra
 * more allocations or reservations, so that no release needs memory.
 */
static int bank(struct ioas_iova_domain *d, uint64_t extra)
{
	uint64_t need = d->nr_alloc + d->nr_resv + 1 + extra;
	int ret;

	while (pool_cap(d) < need) {
		ret = pool_grow(d);
		if (ret)
			return ret;
	}
	return 0;
}

static uint32_t node_get(struct ioas_iova_domain *d, uint64_t s, uint64_t e)
{
	uint32_t i = d->free_node;
	struct xnode *x = N(d, i);

	d->free_node = x->l;
	x->l = x->r = 0;
	x->a = s | (UINT64_C(1) << PFN_BITS);
	x->b = e | ((uint64_t)ext_order(s, e) << PFN_BITS);
	x->ms = e - s >= MS_SAT ? MS_SAT : (uint32_t)(e - s);
	d->nr_ext++;
	return i;
}

static void node_put(struct ioas_iova_domain *d, uint32_t i)
{
	N(d, i)->l = d->free_node;
	d->free_node = i;
	d->nr_ext--;
}

/* ------------------------------------------------------------------ */
/* AVL on indices, with explicit root-to-node paths                    */

struct path {
	uint32_t n[MAXH];
	int len;
};

/* Recompute @x's height and summary from its children; returns hl - hr. */
static inline int pull(const struct ioas_iova_domain *d, struct xnode *x)
{
	uint64_t s = x_start(x), e = x_last(x);
	const struct xnode *l = N(d, x->l), *r = N(d, x->r);
	unsigned int hl = x_h(l), hr = x_h(r), mo = ext_order(s, e);
	uint32_t ms = e - s >= MS_SAT ? MS_SAT : (uint32_t)(e - s);

	/* Branch-free: a missing child is the zero sentinel. */
	ms = l->ms > ms ? l->ms : ms;
	ms = r->ms > ms ? r->ms : ms;
	mo = x_mo(l) > mo ? x_mo(l) : mo;
	mo = x_mo(r) > mo ? x_mo(r) : mo;
	x->a = s | (uint64_t)((hl > hr ? hl : hr) + 1) << PFN_BITS;
	x->b = e | (uint64_t)mo << PFN_BITS;
	x->ms = ms;
	return (int)hl - (int)hr;
}

static uint32_t rot_right(struct ioas_iova_domain *d, uint32_t i)
{
	struct xnode *x = N(d, i);
	uint32_t yi = x->l;
	struct xnode *y = N(d, yi);

	x->l = y->r;
	y->r = i;
	(void)pull(d, x);
	(void)pull(d, y);
	return yi;
}

static uint32_t rot_left(struct ioas_iova_domain *d, uint32_t i)
{
	struct xnode *x = N(d, i);
	uint32_t yi = x->r;
	struct xnode *y = N(d, yi);

	x->r = y->l;
	y->l = i;
	(void)pull(d, x);
	(void)pull(d, y);
	return yi;
}

static uint32_t balance(struct ioas_iova_domain *d, uint32_t i)
{
	struct xnode *x = N(d, i);
	int bf = pull(d, x);

	if (bf > 1) {
		struct xnode *c = N(d, x->l);

		if (h_of(d, c->l) < h_of(d, c->r))
			x->l = rot_left(d, x->l);
		return rot_right(d, i);
	}
	if (bf < -1) {
		struct xnode *c = N(d, x->r);

		if (h_of(d, c->r) < h_of(d, c->l))
			x->r = rot_right(d, x->r);
		return rot_left(d, i);
	}
	return i;
}

/* Point p->n[k]'s parent (or the root) at @ni instead of @i. */
static inline void relink(struct ioas_iova_domain *d, const struct path *p,
			  int k, uint32_t i, uint32_t ni)
{
	if (k == 0) {
		d->root = ni;
	} else {
		struct xnode *pa = N(d, p->n[k - 1]);

		if (pa->l == i)
			pa->l = ni;
		else
			pa->r = ni;
	}
}

/*
 * Rebalance and re-augment p->n[from] up to the root. A node whose height
 * and summary come out unchanged leaves its ancestors unchanged too, so the
 * walk stops there, but never before it has passed index @must (a node
 * whose payload was rewritten).
 */
static void fixup(struct ioas_iova_domain *d, const struct path *p, int from,
		  int must)
{
	int k;

	for (k = from; k >= 0; k--) {
		uint32_t i = p->n[k], ni;
		struct xnode *x = N(d, i);
		uint64_t oa = x->a, ob = x->b;
		uint32_t oms = x->ms;

		ni = balance(d, i);
		if (ni != i) {
			relink(d, p, k, i, ni);
		} else if (k <= must) {
			const struct xnode *pa;

			if (x->a == oa && x->b == ob && x->ms == oms)
				return;
			/*
			 * Same height, and the parent's maxima came from
			 * elsewhere before and are not exceeded now: the
			 * parent, hence every ancestor, is unchanged. Saves
			 * recomputing it from both children.
			 */
			if (!k || x_h(x) != (unsigned int)(oa >> PFN_BITS))
				continue;
			pa = N(d, p->n[k - 1]);
			if (oms < pa->ms && x->ms <= pa->ms &&
			    (ob >> PFN_BITS) < x_mo(pa) && x_mo(x) <= x_mo(pa))
				return;
		}
	}
}

/*
 * After the subtree at p->n[from]'s child @ci (on the path, or a leaf just
 * attached) gained free space: heights rise by at most one and summaries
 * only grow, so each ancestor merges in the values of its child on the
 * path, which are still in registers: no sibling is read unless the
 * child's height reached the ancestor's (a possible imbalance). Stops at
 * the first ancestor that does not change. A rotation keeps the
 * subtree's extents, so the walk goes on from the rotated subtree's root.
 */
static void fixup_grow(struct ioas_iova_domain *d, const struct path *p,
		       int from, uint32_t ci)
{
	const struct xnode *c = N(d, ci);
	unsigned int hc = x_h(c), cmo = x_mo(c);
	uint32_t cms = c->ms;
	int k;

	for (k = from; k >= 0; k--) {
		uint32_t i = p->n[k];
		struct xnode *x = N(d, i);
		unsigned int h = x_h(x), mo = x_mo(x);
		uint32_t ms = x->ms;

		if (hc >= h) {
			/* The child grew to our height: the sibling decides. */
			uint32_t si = x->l == ci ? x->r : x->l;

			if (hc > h_of(d, si) + 1) {
				/*
				 * One (single or double) rotation: the new
				 * subtree root sums the same extents, so the
				 * walk goes on from it.
				 */
				uint32_t ni = balance(d, i);

				relink(d, p, k, i, ni);
				c = N(d, ni);
				ci = ni;
				hc = x_h(c);
				cms = c->ms;
				cmo = x_mo(c);
				continue;
			}
			h = hc + 1;
		} else if (cms <= ms && cmo <= mo) {
			return;
		}
		ms = cms > ms ? cms : ms;
		mo = cmo > mo ? cmo : mo;
		x->a = x_start(x) | (uint64_t)h << PFN_BITS;
		x->b = x_last(x) | (uint64_t)mo << PFN_BITS;
		x->ms = ms;
		ci = i;
		hc = h;
		cms = ms;
		cmo = mo;
	}
}

/*
 * After a release that merged both neighbours: the lower one was spliced
 * out below p->n[from], and p->n[up] (up <= from) widened to cover it.
 * Nodes from @from to @up are recomputed (they may have lost the spliced
 * extent; heights may drop). Above @up the subtree's free space only grew:
 * while the child's height is unchanged, an ancestor merges the child's
 * summary (no rebalancing possible) and the walk stops at the first one
 * that does not change; a changed height gets a full rebalance.
 */
static void fixup_merge(struct ioas_iova_domain *d, const struct path *p,
			int from, int up)
{
	unsigned int hold = 0, hnew = 0, cmo = 0;
	uint32_t cms = 0;
	int k;

	for (k = from; k >= 0; k--) {
		uint32_t i = p->n[k], ni;
		struct xnode *x = N(d, i);
		unsigned int h = x_h(x);

		if (k < up && hnew == hold) {
			unsigned int mo = x_mo(x);
			uint32_t ms = x->ms;

			if (cms <= ms && cmo <= mo)
				return;
			ms = cms > ms ? cms : ms;
			mo = cmo > mo ? cmo : mo;
			x->b = x_last(x) | (uint64_t)mo << PFN_BITS;
			x->ms = ms;
			cms = ms;
			cmo = mo;
			hold = hnew = h;
			continue;
		}
		ni = balance(d, i);
		if (ni != i)
			relink(d, p, k, i, ni);
		x = N(d, ni);
		hold = h;
		hnew = x_h(x);
		cms = x->ms;
		cmo = x_mo(x);
	}
}

/* Remove the node at the end of @p (p->len >= 1). */
static void tree_delete(struct ioas_iova_domain *d, struct path *p)
{
	int k = p->len - 1, must = k;
	uint32_t i = p->n[k], child;
	struct xnode *x = N(d, i);

	if (x->l && x->r) {
		/* Move the in-order successor's extent here; drop its node. */
		uint32_t j = x->r;
		struct xnode *y;

		p->n[p->len++] = j;
		while ((y = N(d, j))->l) {
			j = y->l;
			p->n[p->len++] = j;
		}
		x_set(x, x_start(y), x_last(y));
		k = p->len - 1;
		i = j;
		x = y;
	}
	child = x->l ? x->l : x->r;
	if (k == 0) {
		d->root = child;
	} else {
		struct xnode *pa = N(d, p->n[k - 1]);

		if (pa->l == i)
			pa->l = child;
		else
			pa->r = child;
	}
	node_put(d, i);
	if (k > 0)
		fixup(d, p, k - 1, must);
}

/*
 * Descend towards @pfn: fills @p with the path, and the path indices of
 * the floor (greatest start <= pfn) and ceiling (least start > pfn)
 * extents, -1 when absent.
 */
static void tree_locate(const struct ioas_iova_domain *d, uint64_t pfn,
			struct path *p, int *fl, int *ce)
{
	uint32_t i = d->root;
	int len = 0, f = -1, c = -1;

	/* Locals: stores through fl and ce could alias p->len. */
	while (i) {
		const struct xnode *x = N(d, i);

		p->n[len] = i;
		if (pfn < x_start(x)) {
			c = len++;
			i = x->l;
		} else {
			f = len++;
			i = x->r;
		}
	}
	p->len = len;
	*fl = f;
	*ce = c;
}

/*
 * Put [s, e] (not free, not reserved, inside the domain) into the free
 * tree, merging with touching extents. Cannot fail: the bank holds a node.
 */
static void add_free_at(struct ioas_iova_domain *d, uint64_t s, uint64_t e,
			struct path *p, int fl, int ce)
{
	struct xnode *f = NULL, *c = NULL;
	bool jf, jc;

	if (fl >= 0)
		f = N(d, p->n[fl]);
	if (ce >= 0)
		c = N(d, p->n[ce]);
	jf = f && x_last(f) + 1 == s;
	jc = c && x_start(c) == e + 1;
	d->free_pfns += e - s + 1;
	d->grow++;
	if (jf && jc) {
		/*
		 * Both neighbours merge. They are on one root-to-leaf path:
		 * if f is the ancestor, c is the leftmost node of f's right
		 * subtree (the descent never went left after c, so c has no
		 * left child); otherwise f is the rightmost node of c's left
		 * subtree and has no right child. Splice out the lower one,
		 * widen the upper one: no generic delete, no second descent.
		 */
		uint64_t fs = x_start(f), cl = x_last(c);
		int lo = fl < ce ? ce : fl, up = fl < ce ? fl : ce;
		uint32_t gone = p->n[lo];
		struct xnode *g = N(d, gone), *pa = N(d, p->n[lo - 1]);
		uint32_t child = fl < ce ? g->r : g->l;

		if (pa->l == gone)
			pa->l = child;
		else
			pa->r = child;
		x_set(N(d, p->n[up]), fs, cl);
		node_put(d, gone);
		fixup_merge(d, p, lo - 1, up);
	} else if (jf) {
		/* The extent itself is recomputed, its ancestors only grow. */
		x_set(f, x_start(f), e);
		(void)pull(d, f);
		fixup_grow(d, p, fl - 1, p->n[fl]);
	} else if (jc) {
		x_set(c, s, x_last(c));
		(void)pull(d, c);
		fixup_grow(d, p, ce - 1, p->n[ce]);
	} else {
		uint32_t ni = node_get(d, s, e);
		struct xnode *leaf;

		if (!p->len) {
			d->root = ni;
			return;
		}
		leaf = N(d, p->n[p->len - 1]);
		if (s < x_start(leaf))
			leaf->l = ni;
		else
			leaf->r = ni;
		fixup_grow(d, p, p->len - 1, ni);
	}
}

static void add_free(struct ioas_iova_domain *d, uint64_t s, uint64_t e)
{
	struct path p;
	int fl, ce;

	tree_locate(d, s, &p, &fl, &ce);
	add_free_at(d, s, e, &p, fl, ce);
}

/*
 * Carve [x, y] out of the extent at the end of @p, which contains it.
 * Needs at most one node, which the bank guarantees.
 */
static void carve(struct ioas_iova_domain *d, struct path *p, uint64_t x,
		  uint64_t y)
{
	int k = p->len - 1;
	uint32_t i = p->n[k];
	struct xnode *n = N(d, i);
	uint64_t s = x_start(n), e = x_last(n);

	d->free_pfns -= y - x + 1;
	if (x > s && y < e) {
		/* Keep [s, x-1] here; [y+1, e] becomes the successor. */
		uint32_t ni = node_get(d, y + 1, e);

		x_set(n, s, x - 1);
		if (!n->r) {
			n->r = ni;
		} else {
			uint32_t j = n->r;
			struct xnode *m;

			p->n[p->len++] = j;
			while ((m = N(d, j))->l) {
				j = m->l;
				p->n[p->len++] = j;
			}
			m->l = ni;
		}
		fixup(d, p, p->len - 1, k);
	} else if (x > s) {
		x_set(n, s, x - 1);
		fixup(d, p, k, k);
	} else if (y < e) {
		x_set(n, y + 1, e);
		fixup(d, p, k, k);
	} else {
		tree_delete(d, p);
	}
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

static inline bool prune(const struct xnode *x, const struct query *q)
{
	return x->ms < q->ms_need || x_mo(x) < q->mo_need;
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

/* Highest fit in the subtree at @i; fills p->n[0..depth] on success. */
static bool find_top(const struct ioas_iova_domain *d, uint32_t i, int depth,
		     const struct query *q, struct path *p, uint64_t *out)
{
	while (i) {
		const struct xnode *x = N(d, i);
		uint64_t s = x_start(x);

		if (prune(x, q))
			return false;
		p->n[depth] = i;
		if (s <= q->hi) {
			if (find_top(d, x->r, depth + 1, q, p, out))
				return true;
			if (fit_top(q, s, x_last(x), out)) {
				p->len = depth + 1;
				return true;
			}
		}
		if (s <= q->lo)
			return false;
		/* Tail call on the left subtree. */
		i = x->l;
		depth++;
	}
	return false;
}

/* Lowest fit in the subtree at @i. */
static bool find_bot(const struct ioas_iova_domain *d, uint32_t i, int depth,
		     const struct query *q, struct path *p, uint64_t *out)
{
	while (i) {
		const struct xnode *x = N(d, i);
		uint64_t s = x_start(x);

		if (prune(x, q))
			return false;
		p->n[depth] = i;
		if (s > q->lo) {
			if (find_bot(d, x->l, depth + 1, q, p, out))
				return true;
		}
		if (s > q->hi)
			return false;
		if (fit_bot(q, s, x_last(x), out)) {
			p->len = depth + 1;
			return true;
		}
		i = x->r;
		depth++;
	}
	return false;
}

static bool search(const struct ioas_iova_domain *d, const struct query *q,
		   bool topdown, struct path *p, uint64_t *out)
{
	if (q->lo > q->hi)
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
	d->root = node_get(d, d->start_pfn, d->last_pfn);
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
 * Return every parked range to the tree and keep every size of every
 * cache held, empty, then take the domain's lock: the caller's next tree
 * operation sees no parked range, and none can be parked again before
 * drain_release(). Sizes are taken one by one, each emptied under a short
 * hold of the domain's lock (never held while waiting for a size).
 */
static void drain_hold(struct ioas_iova_domain *d)
{
	struct ioas_iova_cache *c;
	unsigned int k;
	uint32_t nr;

	pthread_mutex_lock(&d->caches_lock);
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
	for (c = d->caches; c; c = c->next)
		for (k = 0; k < CACHE_SIZES; k++)
			class_unlock(c, k, 0);
	pthread_mutex_unlock(&d->caches_lock);
}

/*
 * After a call failed under the domain's lock at generation @gen: could a
 * drain and a retry change the answer? Yes if a range may be parked (a
 * count, or a held size: a refill, a spill or a drain may be moving
 * ranges), or if parked ranges went back to the tree since. The counts
 * are read with acquire before gen: a count written by the release that
 * follows a drain's or a spill's bump makes the bump visible. Two count
 * words per load: failures call this a lot.
 */
static bool any_cached(struct ioas_iova_domain *d, uint64_t gen)
{
	struct ioas_iova_cache *c;
	bool any = false;
	unsigned int k;

	/* nr and CLOCKED of both words of a pair */
	const uint64_t m = (uint64_t)(CLOCKED | NR_MASK) << 32 |
			   (CLOCKED | NR_MASK);

	pthread_mutex_lock(&d->caches_lock);
	for (c = d->caches; c && !any; c = c->next) {
		/* w[0], held for good, left out */
		uint64_t acc = __atomic_load_n(&c->w2[0], __ATOMIC_ACQUIRE) &
			       (m & ~(uint64_t)UINT32_MAX),
			 acc1 = 0, acc2 = 0, acc3 = 0;

		/* Unrolled by four: independent accumulators, no loop test
		 * per word. */
		_Static_assert(CACHE_SIZES / 2 % 4 == 0, "unrolled by four");
		for (k = 1; k < CACHE_SIZES / 2 + 1; k += 4) {
			acc |= __atomic_load_n(&c->w2[k], __ATOMIC_ACQUIRE);
			acc1 |= __atomic_load_n(&c->w2[k + 1],
						__ATOMIC_ACQUIRE);
			acc2 |= __atomic_load_n(&c->w2[k + 2],
						__ATOMIC_ACQUIRE);
			acc3 |= __atomic_load_n(&c->w2[k + 3],
						__ATOMIC_ACQUIRE);
		}
		any = ((acc | acc1 | acc2 | acc3) & m) != 0;
	}
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
	int fl, ce;
	const struct xnode *x;

	tree_locate(d, pfn, p, &fl, &ce);
	if (fl < 0)
		return false;
	x = N(d, p->n[fl]);
	if (x_last(x) < pfn)
		return false;
	p->len = fl + 1;
	*s = x_start(x);
	*e = x_last(x);
	return true;
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
	if (ret == -ENOSPC && any_cached(d, gen)) {
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

	if (itree_iter_first(&d->resv, pfn, last))
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
	if (ret == -EEXIST && any_cached(d, gen)) {
		drain_hold(d);
		ret = claim_locked(d, pfn, last);
		drain_release(d);
	}
	return ret;
}

/* Release [pfn, last], which held @count allocations. */
static int free_locked(struct ioas_iova_domain *d, uint64_t pfn,
		       uint64_t last, uint64_t count)
{
	struct path p;
	int fl, ce;

	if (d->resv.root && itree_iter_first(&d->resv, pfn, last))
		return -ENOENT;
	tree_locate(d, pfn, &p, &fl, &ce);
	if (fl >= 0 && x_last(N(d, p.n[fl])) >= pfn)
		return -ENOENT;
	if (ce >= 0 && x_start(N(d, p.n[ce])) <= last)
		return -ENOENT;
	add_free_at(d, pfn, last, &p, fl, ce);
	d->nr_alloc -= count;
	return 0;
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
	cache_drain(c);
	pthread_mutex_unlock(&d->caches_lock);
	dlock(d);
	meta_add(d, -(int64_t)sizeof(*c));
	dunlock(d);
	ioas_free_(c);
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
	if (is_pow2_u64(npages) && nb > 1 && d->root &&
	    !prune(N(d, d->root), &q)) {
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
	if (ret == -ENOSPC && any_cached(d, gen)) {
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

static void __attribute__((noinline))
spill(struct ioas_iova_cache *c, uint64_t npages)
{
	struct ioas_iova_domain *d = c->d;
	uint64_t *pv = c->pfn[npages - 1];
	uint64_t v[MAG / 2], last;
	uint32_t i, j, half = MAG / 2;

	/*
	 * The oldest half goes back, the hot top stays. Sorted and coalesced
	 * first: neighbours become one tree operation, and sorted addresses
	 * walk nearby paths.
	 */
	for (i = 0; i < half; i++) {
		uint64_t x = pv[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	dlock(d);
	gen_bump(d);
	for (i = 0; i < half; i = j) {
		for (j = i + 1; j < half && v[j] == v[j - 1] + npages; j++)
			;
		/* A bad or double release is dropped, never inserted. */
		if (range_check(d, v[i], (j - i) * npages, &last) ||
		    free_locked(d, v[i], last, j - i)) {
			for (j = i + 1; j > i && j <= half; j = i + 1) {
				if (!range_check(d, v[i], npages, &last))
					(void)free_locked(d, v[i], last, 1);
				i++;
				break;
			}
			j = i;
		}
	}
	dunlock(d);
	memmove(pv, pv + half, (MAG - half) * sizeof(pv[0]));
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

static void holes_walk(const struct ioas_iova_domain *d, uint32_t i,
		       struct walk *w)
{
	while (i) {
		const struct xnode *x = N(d, i);

		holes_walk(d, x->l, w);
		if (w->nr < w->cap) {
			w->out[w->nr].start = x_start(x);
			w->out[w->nr].last = x_last(x);
		}
		w->nr++;
		i = x->r;
	}
}

IOAS_EXPORT int ioas_iova_holes(struct ioas_iova_domain *d,
				struct ioas_range *out, size_t cap, size_t *nr)
{
	struct walk w = { out, out ? cap : 0, 0 };

	dlock(d);
	holes_walk(d, d->root, &w);
	dunlock(d);
	*nr = w.nr;
	return w.nr > w.cap ? -EMSGSIZE : 0;
}

struct chk {
	uint64_t prev_last;
	bool have_prev;
	uint64_t nr, pfns;
	bool bad;
};

/* Returns the subtree height; sets c->bad on any violation. */
static unsigned int chk_walk(const struct ioas_iova_domain *d, uint32_t i,
			     struct chk *c, int depth)
{
	const struct xnode *x;
	unsigned int hl, hr, mo;
	uint32_t ms;
	uint64_t s, e;

	if (!i)
		return 0;
	if (depth >= MAXH || i > pool_cap(d)) {
		c->bad = true;
		return 0;
	}
	x = N(d, i);
	hl = chk_walk(d, x->l, c, depth + 1);
	s = x_start(x);
	e = x_last(x);
	if (s > e || s < d->start_pfn || e > d->last_pfn)
		c->bad = true;
	if (c->have_prev && c->prev_last + 1 >= s)
		c->bad = true;
	c->prev_last = e;
	c->have_prev = true;
	c->nr++;
	c->pfns += e - s + 1;
	if (d->resv.root && itree_iter_first(&d->resv, s, e))
		c->bad = true;
	hr = chk_walk(d, x->r, c, depth + 1);
	if ((hl > hr ? hl - hr : hr - hl) > 1)
		c->bad = true;
	if (x_h(x) != (hl > hr ? hl : hr) + 1)
		c->bad = true;
	ms = e - s >= MS_SAT ? MS_SAT : (uint32_t)(e - s);
	mo = ext_order(s, e);
	if (x->l) {
		if (N(d, x->l)->ms > ms)
			ms = N(d, x->l)->ms;
		if (x_mo(N(d, x->l)) > mo)
			mo = x_mo(N(d, x->l));
	}
	if (x->r) {
		if (N(d, x->r)->ms > ms)
			ms = N(d, x->r)->ms;
		if (x_mo(N(d, x->r)) > mo)
			mo = x_mo(N(d, x->r));
	}
	if (x->ms != ms || x_mo(x) != mo)
		c->bad = true;
	return x_h(x);
}

static bool touches_free(const struct ioas_iova_domain *d, uint64_t s,
			 uint64_t e)
{
	struct path p;
	int fl, ce;

	tree_locate(d, s, &p, &fl, &ce);
	if (fl >= 0 && x_last(N(d, p.n[fl])) >= s)
		return true;
	return ce >= 0 && x_start(N(d, p.n[ce])) <= e;
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
	uint64_t free_nodes = 0, cached = 0;
	uint32_t i;
	bool bad = false;

	hold_all(d);
	dlock(d);
	chk_walk(d, d->root, &c, 0);
	bad = c.bad || c.nr != d->nr_ext || c.pfns != d->free_pfns;
	if (itree_check(&d->resv) || d->resv.count != d->nr_resv)
		bad = true;
	for (i = d->free_node; i && free_nodes <= pool_cap(d); i = N(d, i)->l)
		free_nodes++;
	if (free_nodes + d->nr_ext != pool_cap(d))
		bad = true;
	if (pool_cap(d) < d->nr_alloc + d->nr_resv + 1)
		bad = true;
	/* The sentinel reads as "no child" */
	if (N(d, 0)->a || N(d, 0)->b || N(d, 0)->ms)
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
