// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runtime of kshim.h: per-CPU slots, slab accounting, counters. Our own
 * code, linked with the kernel's iova.c only inside bench/peer/build.sh's
 * temporary directory.
 */
#include <linux/kernel.h>

unsigned long kshim_work_scheduled;
unsigned int kshim_ncpus = 1;
__thread unsigned int kshim_cpu;
uint64_t kshim_meta, kshim_meta_peak;

#define STRIDE 64

struct pcpu_hdr {
	size_t stride;
	size_t pad[7];
};

static void account(int64_t bytes)
{
	uint64_t m = __atomic_add_fetch(&kshim_meta, (uint64_t)bytes,
					__ATOMIC_RELAXED);
	uint64_t p = __atomic_load_n(&kshim_meta_peak, __ATOMIC_RELAXED);

	while (m > p && !__atomic_compare_exchange_n(&kshim_meta_peak, &p, m,
						     false, __ATOMIC_RELAXED,
						     __ATOMIC_RELAXED))
		;
}

static size_t round64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

void *__alloc_percpu(size_t size, size_t align)
{
	size_t stride = round64(size);
	struct pcpu_hdr *h;

	(void)align;
	h = aligned_alloc(64, sizeof(*h) + stride * kshim_ncpus);
	if (!h)
		return NULL;
	memset(h, 0, sizeof(*h) + stride * kshim_ncpus);
	h->stride = stride;
	account((int64_t)(stride * kshim_ncpus));
	return h + 1;
}

void free_percpu(void *p)
{
	struct pcpu_hdr *h = p;

	if (!p)
		return;
	h--;
	account(-(int64_t)(h->stride * kshim_ncpus));
	free(h);
}

void *kshim_per_cpu(void *p, unsigned int cpu)
{
	struct pcpu_hdr *h = (struct pcpu_hdr *)p - 1;

	return (char *)p + (size_t)cpu * h->stride;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c = malloc(sizeof(*c));

	(void)name;
	(void)align;
	(void)flags;
	(void)ctor;
	if (c)
		c->size = round64(size);
	return c;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	free(c);
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t f)
{
	void *p = malloc(c->size);

	(void)f;
	if (p)
		account((int64_t)c->size);
	return p;
}

void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t f)
{
	void *p = kmem_cache_alloc(c, f);

	if (p)
		memset(p, 0, c->size);
	return p;
}

void kmem_cache_free(struct kmem_cache *c, void *p)
{
	if (!p)
		return;
	account(-(int64_t)c->size);
	free(p);
}

/* kmalloc: a 64-byte header keeps the size for the accounting. */
void *kmalloc(size_t n, gfp_t f)
{
	size_t *h = malloc(64 + round64(n));

	(void)f;
	if (!h)
		return NULL;
	h[0] = round64(n);
	account((int64_t)h[0]);
	return (char *)h + 64;
}

void *kcalloc(size_t n, size_t s, gfp_t f)
{
	void *p = kmalloc(n * s, f);

	if (p)
		memset(p, 0, n * s);
	return p;
}

void kfree(const void *p)
{
	size_t *h;

	if (!p)
		return;
	h = (size_t *)((char *)(uintptr_t)p - 64);
	account(-(int64_t)h[0]);
	free(h);
}
