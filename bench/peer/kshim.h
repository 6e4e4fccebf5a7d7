/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kshim.h: the kernel APIs that Linux's drivers/iommu/iova.c and
 * tools/lib/rbtree.c use, mapped onto userspace, so that the peer
 * allocator can be compiled unmodified (shared/peers/README.md). Our own
 * code; no kernel code lives in this repository. bench/peer/build.sh
 * installs this file as every linux/<name>.h those files include, except
 * iova.h, rbtree.h and rbtree_augmented.h, which come from the kernel
 * source extracted into a temporary directory.
 *
 * Mapping: spinlock_t is a pthread mutex (or, with -DKSHIM_SPIN, a
 * test-and-set spinlock); per-CPU data is one 64-byte-strided slot per
 * replay thread, indexed by a thread-local CPU number; kmem_cache_* and
 * kmalloc are malloc with object accounting (rounded to 64 bytes, as
 * SLAB_HWCACHE_ALIGN would) for the peak-metadata figure; delayed work is
 * counted, never run; CPU hotplug callbacks are no-ops.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint64_t dma_addr_t;
typedef uint64_t phys_addr_t;
typedef unsigned int gfp_t;

#define GFP_KERNEL 0u
#define GFP_ATOMIC 0u
#define __GFP_NOWARN 0u
#define SLAB_HWCACHE_ALIGN 0u
#define PAGE_SIZE 4096ul
#define ENOTSUPP 524

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __percpu
#define __init
#define __rcu
#define __maybe_unused __attribute__((unused))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define IS_REACHABLE(x) 1
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_LICENSE(x)
#define static_assert(e) _Static_assert(e, #e)

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ERR_PTR(e) ((void *)(long)(e))

#define WARN_ON(c)                                                      \
	({                                                              \
		bool w_ = !!(c);                                        \
		if (w_)                                                 \
			fprintf(stderr, "WARN_ON %s:%d\n", __FILE__,    \
				__LINE__);                              \
		w_;                                                     \
	})
#define BUG_ON(c)                        \
	do {                             \
		if (c)                   \
			abort();         \
	} while (0)
#define pr_err(...) fprintf(stderr, __VA_ARGS__)

static inline unsigned long fls_long(unsigned long x)
{
	return x ? 64 - (unsigned long)__builtin_clzl(x) : 0;
}

static inline unsigned long __ffs(unsigned long x)
{
	return (unsigned long)__builtin_ctzl(x);
}

static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

#define order_base_2(n) ((n) > 1 ? fls_long((n) - 1) : 0)
#define roundup_pow_of_two(n) (1ul << fls_long((n) - 1))

/* locks */
#ifdef KSHIM_SPIN
typedef struct {
	int v;
} spinlock_t;
static inline void spin_lock_init(spinlock_t *l)
{
	l->v = 0;
}
static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->v, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}
static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}
#else
typedef struct {
	pthread_mutex_t m;
} spinlock_t;
static inline void spin_lock_init(spinlock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
}
static inline void spin_lock(spinlock_t *l)
{
	pthread_mutex_lock(&l->m);
}
static inline void spin_unlock(spinlock_t *l)
{
	pthread_mutex_unlock(&l->m);
}
#endif
#define assert_spin_locked(l) ((void)(l))
#define swap(a, b)                          \
	do {                                \
		__typeof__(a) t_ = (a);     \
		(a) = (b);                  \
		(b) = t_;                   \
	} while (0)
#define cache_line_size() 64
#define spin_lock_irqsave(l, f)  \
	do {                     \
		(f) = 0;         \
		spin_lock(l);    \
	} while (0)
#define spin_unlock_irqrestore(l, f) \
	do {                         \
		(void)(f);           \
		spin_unlock(l);      \
	} while (0)

struct mutex {
	pthread_mutex_t m;
};
#define DEFINE_MUTEX(n) struct mutex n = { PTHREAD_MUTEX_INITIALIZER }
#define mutex_lock(x) pthread_mutex_lock(&(x)->m)
#define mutex_unlock(x) pthread_mutex_unlock(&(x)->m)

/* lists, work, hotplug */
struct hlist_node {
	struct hlist_node *next, **pprev;
};
#define hlist_entry_safe(ptr, type, member) \
	((ptr) ? container_of(ptr, type, member) : NULL)
struct work_struct {
	int pending;
};
struct delayed_work {
	struct work_struct work;
};
extern unsigned long kshim_work_scheduled;
#define INIT_DELAYED_WORK(w, f) ((void)(f), (w)->work.pending = 0)
#define schedule_delayed_work(w, d) ((void)(w), kshim_work_scheduled++, true)
#define cancel_delayed_work_sync(w) ((void)(w), true)
#define msecs_to_jiffies(m) (m)
#define CPUHP_IOMMU_IOVA_DEAD 0
#define cpuhp_setup_state_multi(s, n, a, b) ((void)(b), 0)
#define cpuhp_remove_multi_state(s) ((void)0)
#define cpuhp_state_add_instance_nocalls(s, n) ((void)(n), 0)
#define cpuhp_state_remove_instance_nocalls(s, n) ((void)(n), 0)
#define kmemleak_transient_leak(p) ((void)(p))

/* per-CPU: one slot per replay thread */
extern unsigned int kshim_ncpus;
extern __thread unsigned int kshim_cpu;
void *__alloc_percpu(size_t size, size_t align);
void free_percpu(void *p);
void *kshim_per_cpu(void *p, unsigned int cpu);
#define per_cpu_ptr(p, cpu) ((__typeof__(p))kshim_per_cpu((p), (cpu)))
#define raw_cpu_ptr(p) per_cpu_ptr((p), kshim_cpu)
#define for_each_possible_cpu(c) for ((c) = 0; (c) < kshim_ncpus; (c)++)
#define for_each_online_cpu(c) for_each_possible_cpu(c)
#define num_online_cpus() kshim_ncpus

/* slab */
struct kmem_cache {
	size_t size;
};
extern uint64_t kshim_meta, kshim_meta_peak;
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *c);
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t f);
void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t f);
void kmem_cache_free(struct kmem_cache *c, void *p);
void *kmalloc(size_t n, gfp_t f);
void *kcalloc(size_t n, size_t s, gfp_t f);
void kfree(const void *p);

#endif
