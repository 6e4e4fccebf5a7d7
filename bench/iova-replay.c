// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * iova-replay: replay IOVATRACE v1 files (shared/peers/TRACE-FORMAT.md)
 * against libioas's IOVA allocator and print one line per run:
 *
 *   trace=<name> impl=<impl> threads=N ops=N allocs=N fails=N frees=N
 *   ns_per_op=X checksum=<hex> meta_peak_bytes=N
 *
 * (plus mops=, the Mops/s of the run). The trace is parsed into memory
 * first; only the replay loop is timed. Stream k is replayed by thread
 * k % threads, all threads released together.
 *
 * impl=ioas (default) uses a per-thread struct ioas_iova_cache and
 * ioas_iova_alloc_fast()/ioas_iova_free_fast() for size-aligned requests
 * (ioas_iova_alloc()/ioas_iova_free() for align=0 ones), the way a DMA
 * layer would; --no-cache (impl=ioas-tree) uses the shared structure only;
 * --null (impl=null) allocates nothing (pfn = id + 1) and measures the
 * harness. --order bottomup makes the domain bottom-up.
 *
 * Every result is validated after the timed loop, outside the timing:
 * in [start_pfn, limit_pfn], aligned when asked, clear of every reserve
 * and of every range live at that point of the stream, and no failure
 * under "require nofail". Multi-stream traces are additionally replayed
 * once more with a shared checker (a range is checked and entered into a
 * global live set after its allocation returns, and removed before its
 * free is issued, so concurrent overlaps are caught). Any violation prints
 * "VIOLATION: ..." and the exit status is 1.
 *
 * For instruction counts, run under valgrind --tool=callgrind
 * --toggle-collect=replay_stream: Ir per op = Ir / ops.
 *
 * Built with -DKPEER by bench/peer/build.sh, the same harness drives
 * Linux's allocator instead (kiova-replay fast|tree TRACE): fast is
 * alloc_iova_fast()/free_iova_fast() with the per-CPU rcaches (one "CPU"
 * per replay thread), tree is alloc_iova()/__free_iova(). Same loop, same
 * validation, same output line, so the two are compared in one run.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef KPEER
#include <linux/iova.h>
#define IOAS_IOVA_TOPDOWN 1u
#define IOAS_IOVA_BOTTOMUP 2u
#else
#include <ioas/iova.h>
#endif

#include "itree.h"

struct rng {
	uint64_t start, last;
};

#define OP_FREE 0u
#define OP_PHASE UINT32_MAX
#define OP_UNALIGNED (1u << 31)

struct op {
	uint64_t limit;
	uint32_t id;
	uint32_t n; /* npages (| OP_UNALIGNED), OP_FREE or OP_PHASE */
};

struct stream {
	struct op *ops;
	size_t nr, cap;
};

struct trace {
	char name[128];
	uint64_t granule, start_pfn, ids;
	unsigned int nstreams;
	bool nofail;
	struct rng *resv;
	size_t nresv;
	struct stream *st;
	uint32_t *npages; /* per id */
};

/* IMPL_IOAS/IMPL_TREE are Linux's fast/tree modes in the KPEER build. */
enum impl { IMPL_IOAS, IMPL_TREE, IMPL_NULL };

#ifdef KPEER
typedef void cache_t;
#else
typedef struct ioas_iova_cache cache_t;
#endif

struct run {
	struct trace *t;
	enum impl impl;
#ifdef KPEER
	struct iova_domain iovad;
	struct iova **h; /* tree mode: per id handle */
#else
	struct ioas_iova_domain *d;
#endif
	uint64_t *pfn; /* per id: result, 0 = failed */
	unsigned int threads;
	pthread_barrier_t bar;
	unsigned int ready; /* workers at the start line (spin barrier) */
	pthread_mutex_t chk_lock; /* checked replay: the global live set */
	struct itree live;
	bool checked;
	int violations;
};

struct worker {
	struct run *run;
	unsigned int k;
	uint64_t allocs, fails, frees, h;
	uint64_t hs[64];
	struct timespec t0, t1;
	pthread_t th;
};

static void die(const char *what)
{
	fprintf(stderr, "iova-replay: %s\n", what);
	exit(2);
}

static void *xcalloc(size_t n, size_t s)
{
	void *p = calloc(n ? n : 1, s ? s : 1);

	if (!p)
		die("out of memory");
	return p;
}

static void push(struct stream *s, struct op o)
{
	if (s->nr == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->ops = realloc(s->ops, s->cap * sizeof(*s->ops));
		if (!s->ops)
			die("out of memory");
	}
	s->ops[s->nr++] = o;
}

static void load(struct trace *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int cur = -1;
	size_t cap = 0;
	unsigned long long a, b, c, e;
	bool magic = false;

	if (!f)
		die("cannot open trace");
	memset(t, 0, sizeof(*t));
	t->granule = 4096;
	t->start_pfn = 1;
	t->nstreams = 1;
	strcpy(t->name, "unnamed");
	while (fgets(line, sizeof(line), f)) {
		if (!magic) {
			if (strncmp(line, "IOVATRACE 1", 11))
				die("not an IOVATRACE 1 file");
			magic = true;
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == 'a' && line[1] == ' ') {
			struct op o;

			if (cur < 0 ||
			    sscanf(line + 2, "%llu %llu %llu %llu", &a, &b, &c,
				   &e) != 4 || a >= t->ids || !b ||
			    b >= OP_UNALIGNED)
				die("bad alloc line");
			o.id = (uint32_t)a;
			o.n = (uint32_t)b | (e ? 0 : OP_UNALIGNED);
			o.limit = c;
			t->npages[a] = (uint32_t)b;
			push(&t->st[cur], o);
		} else if (line[0] == 'f' && line[1] == ' ') {
			struct op o = { 0, 0, OP_FREE };

			if (cur < 0 || sscanf(line + 2, "%llu", &a) != 1 ||
			    a >= t->ids)
				die("bad free line");
			o.id = (uint32_t)a;
			push(&t->st[cur], o);
		} else if (!strncmp(line, "phase ", 6)) {
			struct op o = { 0, 0, OP_PHASE };

			if (cur >= 0)
				push(&t->st[cur], o);
		} else if (sscanf(line, "name %127s", t->name) == 1) {
		} else if (sscanf(line, "granule %llu", &a) == 1) {
			t->granule = a;
		} else if (sscanf(line, "start_pfn %llu", &a) == 1) {
			t->start_pfn = a;
		} else if (sscanf(line, "ids %llu", &a) == 1) {
			if (a >= UINT32_MAX)
				die("too many ids");
			t->ids = a;
			t->npages = xcalloc(a, sizeof(*t->npages));
		} else if (sscanf(line, "streams %llu", &a) == 1) {
			if (!a || a > 64)
				die("streams must be 1..64");
			t->nstreams = (unsigned int)a;
		} else if (!strncmp(line, "require nofail", 14)) {
			t->nofail = true;
		} else if (sscanf(line, "reserve %llu %llu", &a, &b) == 2) {
			if (t->nresv == cap) {
				cap = cap ? 2 * cap : 16;
				t->resv = realloc(t->resv,
						  cap * sizeof(*t->resv));
				if (!t->resv)
					die("out of memory");
			}
			t->resv[t->nresv].start = a;
			t->resv[t->nresv].last = b;
			t->nresv++;
		} else if (sscanf(line, "stream %llu", &a) == 1) {
			if (!t->st)
				t->st = xcalloc(t->nstreams, sizeof(*t->st));
			if (a >= t->nstreams || !t->npages)
				die("bad stream line");
			cur = (int)a;
		} else if (!strncmp(line, "end", 3)) {
			break;
		}
		/* unknown header keys are ignored */
	}
	fclose(f);
	if (!magic || !t->st)
		die("empty trace");
}

static inline uint64_t mix(uint64_t h, uint64_t pfn, uint64_t id)
{
	return (h ^ (pfn * UINT64_C(0x9e3779b97f4a7c15) + id)) *
	       UINT64_C(0x100000001b3);
}

/* The timed loop. Not inlined: callgrind --toggle-collect=replay_stream. */
__attribute__((noinline)) void replay_stream(cache_t *c,
					     const struct stream *s,
					     uint64_t *pfn,
					     const uint32_t *npages,
					     enum impl impl,
					     struct worker *w);

#ifdef KPEER
static inline void free_fast(struct run *r, void *c, uint64_t p, uint32_t n,
			     uint32_t id)
{
	(void)c;
	(void)id;
	free_iova_fast(&r->iovad, p, n);
}

static inline void free_tree(struct run *r, uint64_t p, uint32_t n,
			     uint32_t id)
{
	(void)p;
	(void)n;
	__free_iova(&r->iovad, r->h[id]);
}

static inline uint64_t alloc_fast(struct run *r, void *c, uint32_t n,
				  uint64_t limit)
{
	(void)c;
	return alloc_iova_fast(&r->iovad, n, limit, true);
}

static inline uint64_t alloc_tree(struct run *r, uint32_t n, uint64_t limit,
				  bool aligned, uint32_t id)
{
	struct iova *v = alloc_iova(&r->iovad, n, limit, aligned);

	r->h[id] = v;
	return v ? v->pfn_lo : 0;
}
#else
static inline void free_fast(struct run *r, cache_t *c, uint64_t p,
			     uint32_t n, uint32_t id)
{
	(void)r;
	(void)id;
	ioas_iova_free_fast(c, p, n);
}

static inline void free_tree(struct run *r, uint64_t p, uint32_t n,
			     uint32_t id)
{
	(void)id;
	ioas_iova_free(r->d, p, n);
}

static inline uint64_t alloc_fast(struct run *r, cache_t *c, uint32_t n,
				  uint64_t limit)
{
	uint64_t p;

	(void)r;
	if (ioas_iova_alloc_fast(c, n, limit, &p))
		return 0;
	return p;
}

static inline uint64_t alloc_tree(struct run *r, uint32_t n, uint64_t limit,
				  bool aligned, uint32_t id)
{
	uint64_t p;

	(void)id;
	if (ioas_iova_alloc(r->d, n, limit,
			    aligned ? IOAS_IOVA_SIZE_ALIGNED : 0, &p))
		return 0;
	return p;
}
#endif

__attribute__((noinline)) void replay_stream(cache_t *c,
					     const struct stream *s,
					     uint64_t *pfn,
					     const uint32_t *npages,
					     enum impl impl,
					     struct worker *w)
{
	const struct op *o = s->ops, *end = s->ops + s->nr;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	uint64_t allocs = 0, fails = 0, frees = 0;
	struct run *r = w->run;

	for (; o < end; o++) {
		uint32_t n = o->n, id = o->id;
		uint64_t p = 0;

		if (n == OP_FREE) {
			p = pfn[id];
			if (!p)
				continue;
			frees++;
			if (impl == IMPL_IOAS)
				free_fast(r, c, p, npages[id], id);
			else if (impl == IMPL_TREE)
				free_tree(r, p, npages[id], id);
			continue;
		}
		if (n == OP_PHASE)
			continue;
		if (impl == IMPL_NULL)
			p = id + 1;
		else if (!(n & OP_UNALIGNED) && impl == IMPL_IOAS)
			p = alloc_fast(r, c, n, o->limit);
		else
			p = alloc_tree(r, n & ~OP_UNALIGNED, o->limit,
				       !(n & OP_UNALIGNED), id);
		pfn[id] = p;
		if (p)
			allocs++;
		else
			fails++;
		h = mix(h, p, id);
	}
	w->allocs += allocs;
	w->fails += fails;
	w->frees += frees;
	w->h = h;
}

static void violation(struct run *r, const char *what, uint64_t id,
		      uint64_t pfn, uint64_t n)
{
	if (r->violations++ < 10)
		printf("VIOLATION: %s: id %" PRIu64 " pfn %" PRIu64
		       " npages %" PRIu64 "\n", what, id, pfn, n);
}

static uint64_t rpow2(uint64_t n)
{
	uint64_t a = 1;

	while (a < n)
		a <<= 1;
	return a;
}

struct live {
	struct itree_node it;
};

/* Check one allocation against limits, alignment and reserves. */
static void check_one(struct run *r, const struct op *o, uint64_t p)
{
	const struct trace *t = r->t;
	uint64_t n = o->n & ~OP_UNALIGNED;
	size_t i;

	if (!p) {
		if (t->nofail)
			violation(r, "allocation failed under require nofail",
				  o->id, 0, n);
		return;
	}
	if (p < t->start_pfn || p + n - 1 > o->limit || p + n - 1 < p)
		violation(r, "outside [start_pfn, limit_pfn]", o->id, p, n);
	if (!(o->n & OP_UNALIGNED) && (p & (rpow2(n) - 1)))
		violation(r, "not size-aligned", o->id, p, n);
	for (i = 0; i < t->nresv; i++)
		if (p <= t->resv[i].last && t->resv[i].start <= p + n - 1)
			violation(r, "overlaps a reserve", o->id, p, n);
}

/* Exact post-hoc validation of one stream, in its own order. */
static void validate_stream(struct run *r, const struct stream *s)
{
	struct itree live = ITREE_INIT;
	struct live *nodes = xcalloc(r->t->ids, sizeof(*nodes));
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct op *o = &s->ops[i];
		uint64_t p = r->pfn[o->id], n;

		if (o->n == OP_PHASE)
			continue;
		if (o->n == OP_FREE) {
			if (p)
				itree_remove(&live, &nodes[o->id].it);
			continue;
		}
		check_one(r, o, p);
		if (!p)
			continue;
		n = o->n & ~OP_UNALIGNED;
		if (itree_iter_first(&live, p, p + n - 1))
			violation(r, "overlaps a live allocation", o->id, p, n);
		nodes[o->id].it.start = p;
		nodes[o->id].it.last = p + n - 1;
		itree_insert(&live, &nodes[o->id].it);
	}
	free(nodes);
}

static struct live *g_nodes;

/* The checked concurrent replay (multi-stream traces only). */
static void replay_checked(cache_t *c, const struct stream *s, struct run *r)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct op *o = &s->ops[i];
		uint64_t p = 0, n = o->n & ~OP_UNALIGNED;

		if (o->n == OP_PHASE)
			continue;
		if (o->n == OP_FREE) {
			p = r->pfn[o->id];
			if (!p)
				continue;
			n = r->t->npages[o->id];
			pthread_mutex_lock(&r->chk_lock);
			itree_remove(&r->live, &g_nodes[o->id].it);
			pthread_mutex_unlock(&r->chk_lock);
			free_fast(r, c, p, (uint32_t)n, o->id);
			continue;
		}
		if (!(o->n & OP_UNALIGNED))
			p = alloc_fast(r, c, (uint32_t)n, o->limit);
		else
			p = alloc_tree(r, (uint32_t)n, o->limit, false, o->id);
		r->pfn[o->id] = p;
		pthread_mutex_lock(&r->chk_lock);
		check_one(r, o, p);
		if (p) {
			if (itree_iter_first(&r->live, p, p + n - 1))
				violation(r, "overlaps a live allocation "
					  "of any stream",
					  o->id, p, n);
			g_nodes[o->id].it.start = p;
			g_nodes[o->id].it.last = p + n - 1;
			itree_insert(&r->live, &g_nodes[o->id].it);
		}
		pthread_mutex_unlock(&r->chk_lock);
	}
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/*
 * Threads start together, each on its own CPU. A sleeping barrier is not
 * enough: the scheduler may wake the other worker on the waker's CPU and
 * run it only once the waker blocks, after its whole stream (seen here:
 * two streams of 1.6 ms ran one after the other). When there are at
 * least as many CPUs as workers, worker k is pinned to the k-th CPU it may
 * use, then all spin until every one has arrived.
 */
static void start_line(struct run *r, unsigned int k)
{
	cpu_set_t set, one;
	unsigned int cpu, seen = 0;

	if (r->threads < 2 || sched_getaffinity(0, sizeof(set), &set) ||
	    (unsigned int)CPU_COUNT(&set) < r->threads)
		return; /* one thread, or more threads than CPUs: no spinning */
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (seen++ == k)
			break;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	(void)pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
	__atomic_add_fetch(&r->ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE) < r->threads)
		cpu_relax();
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	cache_t *c = NULL;
	unsigned int s;

#ifdef KPEER
	kshim_cpu = w->k;
#else
	if (r->impl == IMPL_IOAS && ioas_iova_cache_new(r->d, &c))
		die("cannot create a cache");
#endif
	pthread_barrier_wait(&r->bar);
	start_line(r, w->k);
	clock_gettime(CLOCK_MONOTONIC, &w->t0);
	for (s = w->k; s < r->t->nstreams; s += r->threads) {
		if (r->checked) {
			replay_checked(c, &r->t->st[s], r);
		} else {
			replay_stream(c, &r->t->st[s], r->pfn, r->t->npages,
				      r->impl, w);
			w->hs[s] = w->h;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &w->t1);
	pthread_barrier_wait(&r->bar);
	/* Caches live until every thread is done, as per-CPU ones do. */
#ifndef KPEER
	ioas_iova_cache_free(c);
#endif
	return NULL;
}

static double ts(const struct timespec *t)
{
	return (double)t->tv_sec * 1e9 + (double)t->tv_nsec;
}

static const char *impl_name(enum impl i)
{
#ifdef KPEER
	return i == IMPL_IOAS ? "linux-fast" : i == IMPL_TREE ? "linux-tree" :
	       "null";
#else
	return i == IMPL_IOAS ? "ioas" : i == IMPL_TREE ? "ioas-tree" : "null";
#endif
}

/* Domain setup and teardown; returns the peak metadata bytes. */
#ifdef KPEER
static void dom_new(struct run *r, const struct trace *t, unsigned int flags)
{
	size_t k;

	(void)flags;
	kshim_ncpus = r->threads;
	kshim_meta = kshim_meta_peak = 0;
	if (iova_cache_get())
		die("iova_cache_get failed");
	init_iova_domain(&r->iovad, t->granule, t->start_pfn);
	if (r->impl == IMPL_IOAS && iova_domain_init_rcaches(&r->iovad))
		die("iova_domain_init_rcaches failed");
	r->h = xcalloc(t->ids, sizeof(*r->h));
	for (k = 0; k < t->nresv; k++)
		if (!reserve_iova(&r->iovad, t->resv[k].start,
				  t->resv[k].last))
			die("reserve failed");
}

static uint64_t dom_free(struct run *r, int *bad)
{
	uint64_t peak = kshim_meta_peak;

	(void)bad;
	put_iova_domain(&r->iovad);
	iova_cache_put();
	free(r->h);
	return peak;
}
#else
static void dom_new(struct run *r, const struct trace *t, unsigned int flags)
{
	struct ioas_iova_config cfg = { .size = sizeof(cfg) };
	size_t k;

	cfg.flags = flags;
	cfg.granule = t->granule;
	cfg.start_pfn = t->start_pfn;
	if (ioas_iova_domain_new(&cfg, &r->d))
		die("cannot create the domain");
	for (k = 0; k < t->nresv; k++)
		if (ioas_iova_reserve(r->d, t->resv[k].start, t->resv[k].last))
			die("reserve failed");
}

static uint64_t dom_free(struct run *r, int *bad)
{
	struct ioas_iova_info info = { .size = sizeof(info) };

	if (ioas_iova_info(r->d, &info))
		die("info failed");
	if (ioas_iova_check(r->d)) {
		printf("VIOLATION: ioas_iova_check() failed\n");
		(*bad)++;
	}
	ioas_iova_domain_free(r->d);
	return info.meta_peak_bytes;
}
#endif

static int run_once(struct trace *t, enum impl impl, unsigned int threads,
		    unsigned int flags, bool checked, bool quiet)
{
	struct worker *w = xcalloc(threads, sizeof(*w));
	struct run r = { 0 };
	uint64_t allocs = 0, fails = 0, frees = 0, H = 0, ops, peak;
	double first = 0, lastt = 0;
	unsigned int i, s;

	r.t = t;
	r.impl = impl;
	r.threads = threads;
	r.checked = checked;
	r.pfn = xcalloc(t->ids, sizeof(*r.pfn));
	/*
	 * Fault the result array in before the clock starts: its first touch
	 * is the harness's cost, not the allocator's (4 MiB for w3-ring, a
	 * millisecond of page faults).
	 */
	for (size_t k = 0; k < t->ids; k += 4096 / sizeof(*r.pfn))
		((volatile uint64_t *)r.pfn)[k] = 0;
	itree_init(&r.live);
	pthread_mutex_init(&r.chk_lock, NULL);
	dom_new(&r, t, flags);
	if (checked) {
		g_nodes = xcalloc(t->ids, sizeof(*g_nodes));
	}
	pthread_barrier_init(&r.bar, NULL, threads);
	for (i = 0; i < threads; i++) {
		w[i].run = &r;
		w[i].k = i;
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]))
			die("cannot start a thread");
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		allocs += w[i].allocs;
		fails += w[i].fails;
		frees += w[i].frees;
		if (!i || ts(&w[i].t0) < first)
			first = ts(&w[i].t0);
		if (ts(&w[i].t1) > lastt)
			lastt = ts(&w[i].t1);
	}
	if (!checked && impl != IMPL_NULL) {
		for (s = 0; s < t->nstreams; s++)
			validate_stream(&r, &t->st[s]);
	}
	for (s = 0; s < t->nstreams && !checked; s++) {
		uint64_t h = w[s % threads].hs[s];

		H = (H ^ h) * UINT64_C(0x100000001b3);
	}
	if (t->nstreams == 1 && !checked)
		H = w[0].hs[0];
	ops = allocs + fails + frees;
	peak = dom_free(&r, &r.violations);
	if (!quiet)
		printf("trace=%s impl=%s threads=%u ops=%" PRIu64
		       " allocs=%" PRIu64 " fails=%" PRIu64 " frees=%" PRIu64
		       " ns_per_op=%.1f checksum=%016" PRIx64
		       " meta_peak_bytes=%" PRIu64 " mops=%.1f\n",
		       t->name, impl_name(impl), threads, ops, allocs, fails,
		       frees, ops ? (lastt - first) / (double)ops : 0.0, H,
		       impl == IMPL_NULL ? 0 : peak,
		       ops ? (double)ops * 1e3 / (lastt - first) : 0.0);
	fflush(stdout);
	pthread_barrier_destroy(&r.bar);
	free(g_nodes);
	g_nodes = NULL;
	free(r.pfn);
	free(w);
	return r.violations;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: iova-replay [--threads N] [--repeat N] [--no-cache] "
		"[--null] [--order topdown|bottomup] [--no-check] TRACE...\n"
		"       kiova-replay fast|tree [--threads N] [--repeat N] "
		"TRACE...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int threads = 0, repeat = 1, flags = 0, i;
	enum impl impl = IMPL_IOAS;
	bool check = true;
	int a, bad = 0, ntraces = 0;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--threads") && a + 1 < argc)
			threads = (unsigned int)atoi(argv[++a]);
		else if (!strncmp(argv[a], "--threads=", 10))
			threads = (unsigned int)atoi(argv[a] + 10);
		else if (!strcmp(argv[a], "--repeat") && a + 1 < argc)
			repeat = (unsigned int)atoi(argv[++a]);
		else if (!strcmp(argv[a], "--no-cache"))
			impl = IMPL_TREE;
		else if (!strcmp(argv[a], "--null"))
			impl = IMPL_NULL;
		else if (!strcmp(argv[a], "--no-check"))
			check = false;
		else if (!strcmp(argv[a], "fast") || !strcmp(argv[a], "tree"))
			impl = argv[a][0] == 'f' ? IMPL_IOAS : IMPL_TREE;
		else if (!strcmp(argv[a], "--order") && a + 1 < argc)
			flags = !strcmp(argv[++a], "bottomup") ?
				IOAS_IOVA_BOTTOMUP : IOAS_IOVA_TOPDOWN;
		else if (argv[a][0] == '-')
			usage();
	}
	for (a = 1; a < argc; a++) {
		struct trace t;
		unsigned int th;

		if (!strcmp(argv[a], "fast") || !strcmp(argv[a], "tree"))
			continue;
		if (argv[a][0] == '-') {
			if (strcmp(argv[a], "--no-cache") &&
			    strcmp(argv[a], "--null") &&
			    strcmp(argv[a], "--no-check") &&
			    strncmp(argv[a], "--threads=", 10))
				a++;
			continue;
		}
		load(&t, argv[a]);
		ntraces++;
		th = threads ? threads : t.nstreams;
		if (th > t.nstreams)
			th = t.nstreams;
		for (i = 0; i < repeat; i++)
			bad |= run_once(&t, impl, th, flags, false, false);
		/* The shared checker for concurrent replays. */
#ifdef KPEER
		check = false;
#endif
		if (check && impl != IMPL_NULL && th > 1)
			bad |= run_once(&t, IMPL_IOAS, th, flags, true, true);
		for (i = 0; i < t.nstreams; i++)
			free(t.st[i].ops);
		free(t.st);
		free(t.npages);
		free(t.resv);
	}
	if (!ntraces)
		usage();
	return bad ? 1 : 0;
}
