// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Spaces: the IOAS model (VFIO type1 container, iommufd IOAS, ioas native).
 *
 * Data model. A space has attached groups (struct sgroup, attach order),
 * the IOMMU domains they share (struct sdomain: compatible = same aperture
 * and page sizes), and user mappings in an interval tree (struct smap,
 * disjoint, [iova, last]). What is usable is derived per profile:
 *
 *  - type1 keeps the kernel's iova list (vfio_iommu.iova_list) and edits it
 *    with the kernel's own steps: aper_conflict, aper_resize, resv_exclude
 *    on attach; aper_expand and resv_refresh on detach. Those steps have
 *    quirks (edge holes of a departed group survive while its domain lives;
 *    boundary tests that delete a node when an aperture ends on its first
 *    byte; vfio_find_dma() blind to ranges ending at 2^64-1) and they are
 *    reproduced on purpose: a VMM uses this profile to predict the kernel.
 *  - iommufd and native keep a tree of reserved ranges with owners
 *    (iopt_reserved): each group's regions, and everything outside each
 *    domain's aperture. Usable = the holes of that tree. iommufd
 *    reproduces Linux (reserved maps are -EINVAL, per-device region order,
 *    non-atomic unmap); native applies ioas's rules (-EADDRINUSE, merged
 *    regions, all-or-nothing unmap, allowed ranges bind fixed maps, its own
 *    aperture when no group is attached).
 *
 * Invariants (ioas_space_check()): mappings disjoint and aligned to the
 * space's unit; type1: every mapping inside one iova-list node and
 * dma_avail + mappings == limit; iommufd/native: no mapping and no allowed
 * range intersects a reservation. Every mutating call validates and
 * allocates first and commits last, so a failure leaves the space as it was
 * (except iommufd UNMAP, which is not atomic in the kernel either).
 *
 * Hazards: every end is inclusive ('last'); lengths are only formed where
 * they fit; '+ 1' on a 'last' goes through sat_next_u64() unless the
 * kernel's wrapping is what is being reproduced, which is commented.
 *
 * Cost: map/unmap/lookups are O(log n + k) in the trees; automatic IOVA
 * allocation walks holes first-fit (O(holes)), as iommufd does; the iova
 * module will replace that walk.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/ioas.h>

#include "ioas_private.h"
#include "overflow.h"
#include "space_internal.h"

#define U64MAX UINT64_MAX

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static void why_reset(struct ioas_why *why)
{
	if (why)
		memset(why, 0, sizeof(*why));
}

/* On success nothing is reported, whatever the checks noted on the way. */
static int why_done(struct ioas_why *why, int ret)
{
	if (!ret)
		why_reset(why);
	return ret;
}

static int why_err(struct ioas_why *why, int err, const char *what)
{
	if (why && !why->what)
		why->what = what;
	return err;
}

static void why_range(struct ioas_why *why, uint64_t start, uint64_t last)
{
	if (!why)
		return;
	why->range.start = start;
	why->range.last = last;
	why->flags |= IOAS_WHY_RANGE;
}

static void why_other(struct ioas_why *why, uint64_t start, uint64_t last)
{
	if (!why)
		return;
	why->other.start = start;
	why->other.last = last;
	why->flags |= IOAS_WHY_OTHER;
}

static void why_group(struct ioas_why *why, uint32_t id)
{
	if (!why)
		return;
	why->group = id;
	why->flags |= IOAS_WHY_GROUP;
}

static void why_region(struct ioas_why *why, const struct ioas_region *r,
		       uint32_t group)
{
	if (!why)
		return;
	why->region = *r;
	why->flags |= IOAS_WHY_REGION;
	why_group(why, group);
}

static void why_value(struct ioas_why *why, uint64_t v)
{
	if (!why)
		return;
	why->value = v;
	why->flags |= IOAS_WHY_VALUE;
}

static uint64_t min_page(uint64_t pgsizes)
{
	return lowbit_u64(pgsizes);
}

/*
 * Copy an extensible struct (iommufd copy_struct_from_user rules): a
 * smaller caller struct is zero-extended, a larger one must have a zero
 * tail.
 */
static int copy_ext(void *dst, size_t dst_size, const void *src,
		    size_t src_size, size_t min_size)
{
	const unsigned char *p = src;
	size_t i;

	if (src_size < min_size)
		return -EINVAL;
	if (src_size > dst_size) {
		for (i = dst_size; i < src_size; i++)
			if (p[i])
				return -E2BIG;
		src_size = dst_size;
	}
	memset(dst, 0, dst_size);
	memcpy(dst, src, src_size);
	return 0;
}

static struct smap *smap_of(struct itree_node *n)
{
	return n ? itree_entry(n, struct smap, node) : NULL;
}

static struct sresv *sresv_of(struct itree_node *n)
{
	return n ? itree_entry(n, struct sresv, node) : NULL;
}

static void space_lock(struct ioas_space *s)
{
	pthread_mutex_lock(&s->lock);
}

static void space_unlock(struct ioas_space *s)
{
	pthread_mutex_unlock(&s->lock);
}

static struct sgroup *group_find(struct ioas_space *s, uint32_t id)
{
	struct sgroup *g;

	for (g = s->groups; g; g = g->next)
		if (g->id == id)
			return g;
	return NULL;
}

struct sgroup *space_group_find_(struct ioas_space *s, uint32_t id)
{
	return group_find(s, id);
}

bool space_is_native_(const struct ioas_space *s)
{
	return s->cfg.profile == IOAS_PROFILE_NATIVE;
}

static struct sdomain *domain_find_compatible(struct ioas_space *s,
					      const struct ioas_group_config *c)
{
	struct sdomain *d;

	for (d = s->domains; d; d = d->next)
		if (d->aperture.start == c->aperture.start &&
		    d->aperture.last == c->aperture.last &&
		    d->pgsizes == c->pgsizes)
			return d;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* native: the free-IOVA index                                         */

/* Test-only: 0 uses the index, 1 never does (the linear hole walk). */
static int fidx_off_;

void ioas_space_fidx_off_(int off)
{
	fidx_off_ = off;
}

void space_fidx_drop_(struct ioas_space *s)
{
	ioas_iova_domain_free(s->fidx);
	s->fidx = NULL;
}

/* A mapping's pfns, if it is whole granules (always, in native). */
static bool fidx_pfns(const struct ioas_space *s, const struct itree_node *n,
		      uint64_t *pfn, uint64_t *npages)
{
	uint64_t g = s->fidx_granule;

	if ((n->start & (g - 1)) || ((n->last - n->start + 1) & (g - 1)) ||
	    n->start < g)
		return false;
	*pfn = n->start / g;
	*npages = (n->last - n->start + 1) / g;
	return true;
}

/*
 * The index, built now if it is stale or its granule is not the space's
 * alignment any more; NULL if it cannot be (no memory, or a granule below
 * the 256 bytes the module needs to cover 2^64): the caller walks the
 * holes instead, with the same answer.
 */
static struct ioas_iova_domain *fidx_get(struct ioas_space *s)
{
	struct ioas_iova_config cfg = {
		.size = sizeof(cfg),
		.flags = IOAS_IOVA_BOTTOMUP,
		.granule = s->iova_alignment,
		.start_pfn = 1,
	};
	uint64_t g = s->iova_alignment, pfn, np;
	struct ioas_iova_domain *d = NULL;
	struct itree_node *n;

	if (s->fidx && s->fidx_granule == g)
		return s->fidx;
	space_fidx_drop_(s);
	if (fidx_off_ || g < 256)
		return NULL;
	if (ioas_iova_domain_new(&cfg, &d))
		return NULL;
	s->fidx = d;
	s->fidx_granule = g;
	/* Whole granules touched by a reservation are not allocatable. */
	itree_for_each(n, &s->resv) {
		if (n->last < g)
			continue; /* pfn 0 is outside the domain already */
		if (ioas_iova_reserve(d, n->start / g, n->last / g))
			goto fail;
	}
	itree_for_each(n, &s->maps) {
		if (!fidx_pfns(s, n, &pfn, &np) ||
		    ioas_iova_claim(d, pfn, np))
			goto fail;
	}
	return d;
fail:
	space_fidx_drop_(s);
	return NULL;
}

static void maps_insert(struct ioas_space *s, struct smap *m)
{
	uint64_t pfn, np;

	itree_insert(&s->maps, &m->node);
	s->mapped_bytes = sat_add_u64(s->mapped_bytes,
				      m->node.last - m->node.start + 1);
	/* Keep the index in step; if that fails it is rebuilt when next
	 * needed, so no error reaches the caller. */
	if (s->fidx && (!fidx_pfns(s, &m->node, &pfn, &np) ||
			ioas_iova_claim(s->fidx, pfn, np)))
		space_fidx_drop_(s);
}

static void maps_remove(struct ioas_space *s, struct smap *m)
{
	uint64_t pfn, np;

	itree_remove(&s->maps, &m->node);
	s->mapped_bytes -= m->node.last - m->node.start + 1;
	if (s->fidx && (!fidx_pfns(s, &m->node, &pfn, &np) ||
			ioas_iova_free(s->fidx, pfn, np)))
		space_fidx_drop_(s);
	ioas_free_(m);
}

static void maps_clear(struct ioas_space *s, uint64_t *bytes)
{
	struct itree_node *n;
	uint64_t total = 0;

	while ((n = itree_first(&s->maps))) {
		struct smap *m = smap_of(n);

		total = sat_add_u64(total, n->last - n->start + 1);
		maps_remove(s, m);
	}
	s->mapped_bytes = 0;
	if (bytes)
		*bytes = total;
}

static struct smap *smap_new(uint64_t iova, uint64_t last, uint64_t va,
			     uint32_t prot)
{
	struct smap *m = ioas_calloc_(1, sizeof(*m));

	if (!m)
		return NULL;
	m->node.start = iova;
	m->node.last = last;
	m->va = va;
	m->prot = prot;
	return m;
}

static void group_free(struct sgroup *g)
{
	if (!g)
		return;
	ioas_free_(g->regions);
	ioas_region_list_fini(&g->merged);
	ioas_free_(g);
}

/* Validate a caller's group description and build the sgroup. */
static int group_build(const struct ioas_group_config *in, uint32_t profile,
		       struct ioas_group_config *c, struct sgroup **out,
		       struct ioas_why *why)
{
	struct sgroup *g;
	uint32_t i;
	int ret;

	if (!in)
		return why_err(why, -EINVAL, "no group description");
	ret = copy_ext(c, sizeof(*c), in, in->size,
		       offsetof(struct ioas_group_config, regions) +
			       sizeof(in->regions));
	if (ret)
		return why_err(why, ret, "group description has a bad size");
	why_group(why, c->id);
	if (c->flags & ~IOAS_GROUP_NO_IRQ_REMAP)
		return why_err(why, -EOPNOTSUPP, "unknown group flags");
	if (!c->pgsizes)
		return why_err(why, -EINVAL, "group has no page sizes");
	if (c->aperture.start > c->aperture.last) {
		why_other(why, c->aperture.start, c->aperture.last);
		return why_err(why, -EINVAL, "group aperture has start > last");
	}
	if (c->nr_regions && !c->regions)
		return why_err(why, -EINVAL, "group regions missing");
	for (i = 0; i < c->nr_regions; i++) {
		const struct ioas_region *r = &c->regions[i];

		if (r->type >= IOAS_REGION_NR_TYPES ||
		    r->range.start > r->range.last) {
			why_region(why, r, c->id);
			return why_err(why, -EINVAL, "malformed group region");
		}
	}

	g = ioas_calloc_(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->id = c->id;
	g->flags = c->flags;
	g->aperture = c->aperture;
	g->pgsizes = c->pgsizes;
	ioas_region_list_init(&g->merged);
	if (c->nr_regions) {
		g->regions = ioas_calloc_(c->nr_regions, sizeof(*g->regions));
		if (!g->regions)
			goto err_free;
		for (i = 0; i < c->nr_regions; i++) {
			const struct ioas_region *r = &c->regions[i];

			/* Linux keeps PCI host-bridge windows to its own DMA
			 * API (iova_reserve_pci_windows); VFIO and iommufd
			 * never see them. Only native honours them. */
			if (r->origin == IOAS_ORIGIN_PCI_WINDOW &&
			    profile != IOAS_PROFILE_NATIVE)
				continue;
			g->regions[g->nr_regions++] = *r;
			ret = ioas_region_list_insert(&g->merged, r);
			if (ret)
				goto err_free;
		}
	}
	*out = g;
	return 0;

err_free:
	group_free(g);
	return -ENOMEM;
}

static void group_link(struct ioas_space *s, struct sgroup *g)
{
	struct sgroup **pp = &s->groups;

	while (*pp)
		pp = &(*pp)->next;
	g->next = NULL;
	*pp = g;
	s->nr_groups++;
}

static void group_unlink(struct ioas_space *s, struct sgroup *g)
{
	struct sgroup **pp = &s->groups;

	while (*pp && *pp != g)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = g->next;
		s->nr_groups--;
	}
}

static void domain_link(struct ioas_space *s, struct sdomain *d)
{
	struct sdomain **pp = &s->domains;

	while (*pp)
		pp = &(*pp)->next;
	d->next = NULL;
	*pp = d;
	s->nr_domains++;
}

static void domain_unlink(struct ioas_space *s, struct sdomain *d)
{
	struct sdomain **pp = &s->domains;

	while (*pp && *pp != d)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = d->next;
		s->nr_domains--;
	}
}

static const struct ioas_region *group_direct_region(const struct sgroup *g)
{
	size_t i;

	for (i = 0; i < g->nr_regions; i++)
		if (g->regions[i].type == IOAS_REGION_DIRECT)
			return &g->regions[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* range-list primitives with the kernel's list semantics (type1)      */

static int rl_reserve(struct ioas_range_list *l, size_t nr)
{
	struct ioas_range *v;
	size_t cap;

	if (nr <= l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 4;
	while (cap < nr)
		cap *= 2;
	v = ioas_realloc_(l->v, cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

static void rl_del(struct ioas_range_list *l, size_t i)
{
	memmove(&l->v[i], &l->v[i + 1], (l->nr - i - 1) * sizeof(l->v[0]));
	l->nr--;
}

/* Insert before index i; capacity must have been reserved. */
static void rl_ins(struct ioas_range_list *l, size_t i, uint64_t start,
		   uint64_t last)
{
	memmove(&l->v[i + 1], &l->v[i], (l->nr - i) * sizeof(l->v[0]));
	l->v[i].start = start;
	l->v[i].last = last;
	l->nr++;
}

/* vfio_iommu_aper_resize(), boundary quirks included. */
static int t1_aper_resize(struct ioas_range_list *l, uint64_t start,
			  uint64_t end)
{
	size_t i;
	int ret;

	if (!l->nr) {
		ret = rl_reserve(l, 1);
		if (ret)
			return ret;
		rl_ins(l, 0, start, end);
		return 0;
	}
	/* Adjust the start: note 'start < node.end', so a start equal to
	 * a node's last byte deletes that node (kernel behaviour). */
	i = 0;
	while (i < l->nr) {
		if (start < l->v[i].start)
			break;
		if (start >= l->v[i].start && start < l->v[i].last) {
			l->v[i].start = start;
			break;
		}
		rl_del(l, i);
	}
	/* Adjust the end: 'end > node.start', so an end equal to a node's
	 * first byte deletes it. */
	i = 0;
	while (i < l->nr) {
		if (end > l->v[i].last) {
			i++;
			continue;
		}
		if (end > l->v[i].start && end <= l->v[i].last) {
			l->v[i].last = end;
			i++;
			continue;
		}
		rl_del(l, i);
	}
	return 0;
}

/* vfio_iommu_resv_exclude() for one group's regions. */
static int t1_resv_exclude(struct ioas_range_list *l,
			   const struct ioas_region_list *regs)
{
	size_t r, i;
	int ret;

	for (r = 0; r < regs->nr; r++) {
		const struct ioas_region *rg = &regs->v[r];
		uint64_t start = rg->range.start, end = rg->range.last;

		if (rg->type == IOAS_REGION_DIRECT_RELAXABLE)
			continue;
		i = 0;
		while (i < l->nr) {
			struct ioas_range n = l->v[i];
			size_t add = 0;

			if (start > n.last || end < n.start) {
				i++;
				continue;
			}
			ret = rl_reserve(l, l->nr + 2);
			if (ret)
				return ret;
			if (start > n.start)
				rl_ins(l, i + add++, n.start, start - 1);
			if (end < n.last)
				rl_ins(l, i + add++, end + 1, n.last);
			/* delete the original, now at i + add */
			rl_del(l, i + add);
			i += add;
		}
	}
	return 0;
}

/* Any mapping overlapping [start, last], exactly. */
static struct smap *maps_overlap(struct ioas_space *s, uint64_t start,
				 uint64_t last)
{
	return smap_of(itree_iter_first(&s->maps, start, last));
}

/*
 * The kernel's vfio_find_dma(start, 0) as the v2 UNMAP end check uses it:
 * it matches a mapping with iova < start < iova + size, computed with
 * wrapping arithmetic, so a mapping that ends at 2^64-1 (iova + size == 0)
 * is never matched and a cut through it goes unnoticed; the removal loop
 * then takes the whole mapping. Reproduced: harmless to the model.
 *
 * Elsewhere (MAP's EEXIST, attach conflicts) the kernel's wrapping would
 * let two mappings overlap or a mapping fall outside the iova list; ioas
 * checks those exactly instead (doc/kernel-quirks.md).
 */
static struct smap *t1_find_dma_inside(struct ioas_space *s, uint64_t addr)
{
	struct itree_node *n = itree_floor(&s->maps, addr);

	if (n && n->start < addr && addr <= n->last && n->last != U64MAX)
		return smap_of(n);
	return NULL;
}

static bool t1_range_in_list(const struct ioas_range_list *l, uint64_t start,
			     uint64_t last)
{
	struct ioas_range r = { start, last };

	if (!l->nr)
		return true; /* empty list: anything goes */
	return ioas_range_list_covers(l, &r);
}

/* vfio_update_pgsize_bitmap() */
static void t1_update_pgsizes(struct ioas_space *s)
{
	uint64_t page = s->cfg.page_size;
	struct sdomain *d;
	uint64_t bm = U64MAX;

	for (d = s->domains; d; d = d->next)
		bm &= d->pgsizes;
	if (bm & (page - 1)) {
		bm &= ~(page - 1);
		bm |= page;
	}
	s->pgsize_bitmap = bm;
}

static void t1_reset(struct ioas_space *s)
{
	struct sdomain *d;

	maps_clear(s, NULL);
	while ((d = s->domains)) {
		msi_domain_free(s, d);
		domain_unlink(s, d);
		ioas_free_(d);
	}
	s->iova.nr = 0;
	s->t1_set = false;
	s->dma_avail = s->cfg.dma_limit;
	s->pgsize_bitmap = ~(s->cfg.page_size - 1);
}

static int t1_attach(struct ioas_space *s, struct sgroup *g,
		     struct ioas_why *why)
{
	struct ioas_range_list copy = IOAS_RANGE_LIST_INIT;
	const struct ioas_region *direct;
	struct sdomain *dom, *newdom = NULL;
	uint64_t start = g->aperture.start, end = g->aperture.last;
	struct msi_prep prep = { 0 };
	struct smap *m;
	size_t i;
	int ret;

	if (group_find(s, g->id))
		return why_err(why, -EINVAL, "group is already attached");

	/* Claiming DMA ownership attaches the blocking domain first, which a
	 * device with a non-relaxable identity map refuses. */
	direct = group_direct_region(g);
	if (direct) {
		why_region(why, direct, g->id);
		return why_err(why, -EINVAL,
			       "group has a direct (identity-mapped) region, so Linux cannot claim DMA ownership of it");
	}

	/* vfio_iommu_aper_conflict() */
	if (s->iova.nr) {
		const struct ioas_range *first = &s->iova.v[0];
		const struct ioas_range *lastn = &s->iova.v[s->iova.nr - 1];

		why_other(why, start, end);
		if (start > lastn->last || end < first->start)
			return why_err(why, -EINVAL,
				       "group aperture is disjoint from the container's IOVA ranges");
		if (start > first->start) {
			m = maps_overlap(s, first->start, start - 1);
			if (m) {
				why_range(why, m->node.start, m->node.last);
				return why_err(why, -EINVAL,
					       "a mapping lies below the group's aperture");
			}
		}
		if (end < lastn->last) {
			m = maps_overlap(s, end + 1, lastn->last);
			if (m) {
				why_range(why, m->node.start, m->node.last);
				return why_err(why, -EINVAL,
					       "a mapping lies above the group's aperture");
			}
		}
		if (why)
			why->flags &= ~IOAS_WHY_OTHER;
	}

	/* vfio_iommu_resv_conflict() */
	for (i = 0; i < g->merged.nr; i++) {
		const struct ioas_region *r = &g->merged.v[i];

		if (r->type == IOAS_REGION_DIRECT_RELAXABLE)
			continue;
		m = maps_overlap(s, r->range.start, r->range.last);
		if (m) {
			why_region(why, r, g->id);
			why_range(why, m->node.start, m->node.last);
			return why_err(why, -EINVAL,
				       "a reserved region of the group overlaps an existing mapping");
		}
	}

	ret = ioas_range_list_copy(&copy, &s->iova);
	if (ret)
		return ret;
	ret = t1_aper_resize(&copy, start, end);
	if (ret)
		goto err;
	ret = t1_resv_exclude(&copy, &g->merged);
	if (ret)
		goto err;
	if (!copy.nr) {
		why_other(why, start, end);
		ret = why_err(why, -EINVAL,
			      "no usable IOVA would be left in the group's aperture");
		goto err;
	}

	if ((g->flags & IOAS_GROUP_NO_IRQ_REMAP) &&
	    !(s->cfg.flags & IOAS_SPACE_UNSAFE_INTERRUPTS)) {
		ret = why_err(why, -EPERM,
			      "the group's MSIs are not isolated (no interrupt remapping) and unsafe interrupts are not allowed");
		goto err;
	}

	dom = domain_find_compatible(s, &(struct ioas_group_config){
		.aperture = g->aperture, .pgsizes = g->pgsizes });
	if (!dom) {
		uint64_t mp = min_page(g->pgsizes);
		struct itree_node *n;

		/* vfio_iommu_replay(): every mapping goes into the new
		 * domain; iommu_map() refuses what its pages cannot hold. */
		itree_for_each(n, &s->maps) {
			if ((n->start | (n->last + 1)) & (mp - 1)) {
				why_range(why, n->start, n->last);
				why_value(why, mp);
				ret = why_err(why, -EINVAL,
					      "an existing mapping is not aligned to the new domain's smallest page");
				goto err;
			}
		}
		if (s->t1_set && !(s->pgsize_bitmap & g->pgsizes)) {
			/* The kernel would AND the bitmaps to 0 and take
			 * __ffs(0), which is undefined: refuse instead
			 * (kernel-quirks.md). */
			why_value(why, s->pgsize_bitmap);
			ret = why_err(why, -EINVAL,
				      "the group's page sizes share none with the container's");
			goto err;
		}
		newdom = ioas_calloc_(1, sizeof(*newdom));
		if (!newdom) {
			ret = -ENOMEM;
			goto err;
		}
		newdom->aperture = g->aperture;
		newdom->pgsizes = g->pgsizes;
		dom = newdom;
	}
	/* iommu_get_msi_cookie() for a new domain of a sw-msi group */
	ret = msi_attach_prepare(s, g, dom, newdom != NULL, &prep, why);
	if (ret)
		goto err;

	/* Commit. */
	if (!s->t1_set) {
		s->t1_set = true;
		s->dma_avail = s->cfg.dma_limit;
	}
	if (newdom) {
		domain_link(s, newdom);
		t1_update_pgsizes(s);
	}
	msi_attach_commit(s, dom, &prep);
	dom->nr_groups++;
	g->dom = dom;
	group_link(s, g);
	ioas_range_list_fini(&s->iova);
	s->iova = copy;
	return 0;

err:
	ioas_free_(newdom);
	ioas_range_list_fini(&copy);
	return ret;
}

static int t1_detach(struct ioas_space *s, struct sgroup *g,
		     struct ioas_why *why)
{
	struct ioas_range_list copy = IOAS_RANGE_LIST_INIT;
	struct sdomain *dom = g->dom, *d;
	bool domain_goes = dom->nr_groups == 1;
	bool last_group = s->nr_groups == 1;
	struct sgroup *o;
	int ret;

	(void)why;
	if (last_group) {
		/* The container's last group: type1 drops every mapping and
		 * vfio releases the IOMMU driver (no iova list any more). */
		group_unlink(s, g);
		group_free(g);
		t1_reset(s);
		return 0;
	}

	ret = ioas_range_list_copy(&copy, &s->iova);
	if (ret)
		return ret;

	if (domain_goes && copy.nr) {
		/* vfio_iommu_aper_expand() over the remaining domains */
		uint64_t start = 0, end = U64MAX;

		for (d = s->domains; d; d = d->next) {
			if (d == dom)
				continue;
			if (d->aperture.start > start)
				start = d->aperture.start;
			if (d->aperture.last < end)
				end = d->aperture.last;
		}
		copy.v[0].start = start;
		copy.v[copy.nr - 1].last = end;
	}

	/* vfio_iommu_resv_refresh(): [first.start, last.end] minus the
	 * regions of every remaining group; on failure the old list stays. */
	if (copy.nr) {
		uint64_t start = copy.v[0].start, end = copy.v[copy.nr - 1].last;
		bool ok = true;

		copy.nr = 0;
		ret = t1_aper_resize(&copy, start, end);
		for (o = s->groups; !ret && o; o = o->next)
			if (o != g)
				ret = t1_resv_exclude(&copy, &o->merged);
		if (ret)
			goto err;
		if (!copy.nr)
			ok = false;
		if (ok) {
			ioas_range_list_fini(&s->iova);
			s->iova = copy;
			copy.v = NULL;
		}
	}
	ioas_range_list_fini(&copy);

	msi_group_detach(s, g);
	group_unlink(s, g);
	group_free(g);
	if (domain_goes) {
		msi_domain_free(s, dom);
		domain_unlink(s, dom);
		ioas_free_(dom);
		t1_update_pgsizes(s);
	} else {
		dom->nr_groups--;
	}
	return 0;

err:
	ioas_range_list_fini(&copy);
	return ret;
}

static int t1_check_set(struct ioas_space *s, struct ioas_why *why)
{
	if (!s->t1_set)
		return why_err(why, -EINVAL,
			       "no group is attached, so the container has no IOMMU set (VFIO_SET_IOMMU needs a group)");
	return 0;
}

/*
 * A user map over a doorbell page that Linux's MSI cookie put past its
 * window: the IOMMU page-table write fails (io-pgtable's -EEXIST).
 */
static int spill_check(struct ioas_space *s, uint64_t start, uint64_t last,
		       struct ioas_why *why)
{
	struct smsi_page *p = msi_spill_overlap(s, start, last);

	if (!p)
		return 0;
	why_other(why, p->node.start, p->node.last);
	return why_err(why, -EEXIST,
		       "overlaps an MSI doorbell page that Linux's MSI cookie placed past its sw-msi window");
}

static int t1_map(struct ioas_space *s, struct ioas_map_req *req,
		  struct ioas_why *why)
{
	uint64_t iova = req->iova, size = req->length, va = req->va;
	uint64_t pg, last;
	struct smap *m;
	int ret;

	ret = t1_check_set(s, why);
	if (ret)
		return ret;
	if (req->flags & ~(IOAS_MAP_READ | IOAS_MAP_WRITE | IOAS_MAP_FIXED))
		return why_err(why, -EINVAL, "unknown map flags");
	if (!(req->flags & (IOAS_MAP_READ | IOAS_MAP_WRITE)))
		return why_err(why, -EINVAL,
			       "a map needs read or write permission");
	if (!(req->flags & IOAS_MAP_FIXED))
		return why_err(why, -EINVAL,
			       "VFIO type1 has no automatic IOVA allocation; give an IOVA");
	pg = min_page(s->pgsize_bitmap);
	if (!size)
		return why_err(why, -EINVAL, "size is zero");
	if ((size | iova | va) & (pg - 1)) {
		why_value(why, pg);
		if (iova & (pg - 1))
			return why_err(why, -EINVAL,
				       "iova is not aligned to the smallest page size");
		if (size & (pg - 1))
			return why_err(why, -EINVAL,
				       "size is not a multiple of the smallest page size");
		return why_err(why, -EINVAL,
			       "user address is not aligned to the smallest page size");
	}
	if (iova + size - 1 < iova || va + size - 1 < va)
		return why_err(why, -EINVAL, "the range wraps past 2^64");
	last = iova + size - 1;
	why_range(why, iova, last);

	m = maps_overlap(s, iova, last);
	if (m) {
		why_other(why, m->node.start, m->node.last);
		return why_err(why, -EEXIST,
			       "overlaps an existing mapping");
	}
	if (!s->dma_avail) {
		why_value(why, s->cfg.dma_limit);
		return why_err(why, -ENOSPC,
			       "the container's DMA entry limit is reached");
	}
	if (!t1_range_in_list(&s->iova, iova, last))
		return why_err(why, -EINVAL,
			       "is not inside one usable IOVA range");
	ret = spill_check(s, iova, last, why);
	if (ret)
		return ret;

	m = smap_new(iova, last, va,
		     req->flags & (IOAS_MAP_READ | IOAS_MAP_WRITE));
	if (!m)
		return -ENOMEM;
	maps_insert(s, m);
	s->dma_avail--;
	return 0;
}

static int t1_unmap(struct ioas_space *s, uint64_t iova, uint64_t size,
		    uint64_t *unmapped, struct ioas_why *why)
{
	uint64_t pg, end_excl, total = 0;
	struct itree_node *n, *next;
	struct smap *m;
	int ret;

	ret = t1_check_set(s, why);
	if (ret)
		return ret;
	pg = min_page(s->pgsize_bitmap);
	why_value(why, pg);
	if (iova & (pg - 1))
		return why_err(why, -EINVAL,
			       "iova is not aligned to the smallest page size");
	if (!size)
		return why_err(why, -EINVAL, "size is zero");
	if (size & (pg - 1))
		return why_err(why, -EINVAL,
			       "size is not a multiple of the smallest page size");
	if (iova + size - 1 < iova)
		return why_err(why, -EINVAL, "the range wraps past 2^64");
	if (why)
		why->flags &= ~IOAS_WHY_VALUE;
	why_range(why, iova, iova + size - 1);

	/* v2: no bisection at either end. Both lookups are vfio_find_dma(),
	 * blind to a mapping that ends at 2^64-1 (its iova + size wraps to 0;
	 * reproduced, see t1_find_dma_inside()). */
	m = maps_overlap(s, iova, iova);
	if (m && m->node.start != iova && m->node.last != U64MAX) {
		why_other(why, m->node.start, m->node.last);
		return why_err(why, -EINVAL,
			       "the start would split a mapping");
	}
	m = t1_find_dma_inside(s, iova + size - 1);
	if (m && m->node.last + 1 != iova + size) {
		why_other(why, m->node.start, m->node.last);
		return why_err(why, -EINVAL, "the end would split a mapping");
	}

	/* Remove every mapping starting inside the range. The kernel
	 * compares against iova + size, which wraps to 0 for a range
	 * ending at 2^64-1: then nothing is removed (reproduced). */
	end_excl = iova + size;
	n = itree_floor(&s->maps, iova);
	if (!n || n->last < iova)
		n = n ? itree_next(n) : itree_first(&s->maps);
	/* vfio_find_dma_first_node() tests start < dma->iova + dma->size,
	 * false for a mapping ending at 2^64-1 (the sum wraps to 0): the walk
	 * never starts at it, though it may reach it from a mapping before
	 * (reproduced). */
	if (n && n->last == U64MAX)
		n = NULL;
	for (; n; n = next) {
		next = itree_next(n);
		if (n->start >= end_excl)
			break;
		total += n->last - n->start + 1;
		maps_remove(s, smap_of(n));
		s->dma_avail++;
	}
	if (unmapped)
		*unmapped = total;
	return 0;
}

/* ------------------------------------------------------------------ */
/* iommufd / native reservation machinery                              */

static bool is_native(const struct ioas_space *s)
{
	return s->cfg.profile == IOAS_PROFILE_NATIVE;
}

static struct sresv *resv_new(uint32_t kind, const void *owner, uint32_t group,
			      const struct ioas_region *r)
{
	struct sresv *v = ioas_calloc_(1, sizeof(*v));

	if (!v)
		return NULL;
	v->kind = kind;
	v->owner = owner;
	v->group = group;
	v->region = *r;
	v->node.start = r->range.start;
	v->node.last = r->range.last;
	return v;
}

static void resv_remove_owner(struct ioas_space *s, const void *owner)
{
	struct itree_node *n, *next;

	for (n = itree_first(&s->resv); n; n = next) {
		next = itree_next(n);
		if (sresv_of(n)->owner == owner) {
			itree_remove(&s->resv, n);
			ioas_free_(sresv_of(n));
			space_fidx_drop_(s);
		}
	}
}

/* iopt_reserve_iova(): refuse a reservation over an area or allowed range. */
static int resv_add(struct ioas_space *s, uint32_t kind, const void *owner,
		    uint32_t group, const struct ioas_region *r,
		    struct ioas_why *why)
{
	struct itree_node *n;
	struct sresv *v;

	n = itree_iter_first(&s->maps, r->range.start, r->range.last);
	if (n) {
		if (kind == SRESV_REGION)
			why_region(why, r, group);
		else
			why_other(why, r->range.start, r->range.last);
		why_range(why, n->start, n->last);
		return why_err(why, -EADDRINUSE,
			       kind == SRESV_REGION ?
				       "a reserved region of the group overlaps an existing mapping" :
				       "an existing mapping lies outside the domain's aperture");
	}
	if (ioas_range_list_intersects(&s->allowed, &r->range)) {
		long i = 0;

		if (kind == SRESV_REGION)
			why_region(why, r, group);
		else
			why_other(why, r->range.start, r->range.last);
		/* name the first allowed range in the way */
		for (i = 0; (size_t)i < s->allowed.nr; i++)
			if (ioas_range_overlaps(&s->allowed.v[i], &r->range))
				break;
		why_range(why, s->allowed.v[i].start, s->allowed.v[i].last);
		return why_err(why, -EADDRINUSE,
			       kind == SRESV_REGION ?
				       "a reserved region of the group overlaps an allowed IOVA range" :
				       "an allowed IOVA range lies outside the domain's aperture");
	}
	v = resv_new(kind, owner, group, r);
	if (!v)
		return -ENOMEM;
	itree_insert(&s->resv, &v->node);
	space_fidx_drop_(s);
	return 0;
}

/* iopt_table_enforce_dev_resv_regions() for one group. */
static int fd_enforce_regions(struct ioas_space *s, struct sgroup *g,
			      struct ioas_why *why)
{
	const struct ioas_region *v = is_native(s) ? g->merged.v : g->regions;
	size_t nr = is_native(s) ? g->merged.nr : g->nr_regions;
	unsigned int hw = 0, sw = 0;
	const struct ioas_region *swr = NULL, *hwr = NULL;
	bool native_window = false;
	size_t i;
	int ret;

	if (is_native(s)) {
		for (i = 0; i < nr; i++) {
			if (v[i].type == IOAS_REGION_MSI) {
				native_window = false;
				break;
			}
			if (v[i].type == IOAS_REGION_SW_MSI)
				native_window = true;
		}
	}

	for (i = 0; i < nr; i++) {
		const struct ioas_region *r = &v[i];

		if (r->type == IOAS_REGION_DIRECT_RELAXABLE)
			continue;
		/* native places its own MSI window instead, when the group
		 * uses one (no hardware msi region wins over it) */
		if (r->type == IOAS_REGION_SW_MSI && native_window)
			continue;
		if (r->type == IOAS_REGION_MSI) {
			hw++;
			hwr = r;
		}
		if (r->type == IOAS_REGION_SW_MSI) {
			sw++;
			if (!swr || sw > 1)
				swr = r;
		}
		ret = resv_add(s, SRESV_REGION, g, g->id, r, why);
		if (ret)
			goto err;
	}
	if (!is_native(s) && ((sw && hw) || sw > 1)) {
		why_region(why, sw > 1 ? swr : hwr, g->id);
		ret = why_err(why, -EINVAL,
			      sw > 1 ? "the group reports two software MSI windows" :
				       "the group reports both a hardware MSI region and a software MSI window (iommufd refuses that mix)");
		goto err;
	}
	return 0;
err:
	resv_remove_owner(s, g);
	return ret;
}

/* Recompute the alignment unit from the domains (iopt_calculate_...). */
static uint64_t fd_alignment(struct ioas_space *s, const struct sdomain *skip,
			     const struct sdomain *extra)
{
	uint64_t a = is_native(s) ? min_page(s->cfg.pgsizes) : 1;
	struct sdomain *d;

	for (d = s->domains; d; d = d->next)
		if (d != skip && min_page(d->pgsizes) > a)
			a = min_page(d->pgsizes);
	if (extra && min_page(extra->pgsizes) > a)
		a = min_page(extra->pgsizes);
	return a;
}

/* iopt_table_add_domain(): alignment and aperture reservations. */
static int fd_add_domain(struct ioas_space *s, struct sdomain *d,
			 struct ioas_why *why)
{
	uint64_t align = fd_alignment(s, NULL, d);
	struct itree_node *n;
	struct ioas_region r = { .type = IOAS_REGION_RESERVED };
	int ret;

	if (align > s->cfg.page_size && !is_native(s)) {
		why_value(why, align);
		why_other(why, d->aperture.start, d->aperture.last);
		return why_err(why, -EINVAL,
			       "the domain's smallest page is larger than PAGE_SIZE");
	}
	if (align != s->iova_alignment) {
		itree_for_each(n, &s->maps) {
			struct smap *m = smap_of(n);

			if ((n->start & (align - 1)) ||
			    ((n->last - n->start + 1) & (align - 1)) ||
			    ((m->va % s->cfg.page_size) & (align - 1))) {
				why_range(why, n->start, n->last);
				why_value(why, align);
				return why_err(why, -EADDRINUSE,
					       "an existing mapping is not aligned to the domain's smallest page");
			}
		}
	}
	if (d->aperture.start != 0) {
		r.range.start = 0;
		r.range.last = d->aperture.start - 1;
		ret = resv_add(s, SRESV_APERTURE, d, 0, &r, why);
		if (ret)
			goto err;
	}
	if (d->aperture.last != U64MAX) {
		r.range.start = d->aperture.last + 1;
		r.range.last = U64MAX;
		ret = resv_add(s, SRESV_APERTURE, d, 0, &r, why);
		if (ret)
			goto err;
	}
	s->iova_alignment = align;
	return 0;
err:
	resv_remove_owner(s, d);
	return ret;
}

static int fd_attach(struct ioas_space *s, struct sgroup *g,
		     const struct ioas_group_config *c, struct ioas_why *why)
{
	const struct ioas_region *direct;
	struct sdomain *dom, *newdom = NULL;
	uint64_t old_align = s->iova_alignment;
	struct msi_prep prep = { 0 };
	int ret;

	if (group_find(s, g->id)) {
		if (s->cfg.profile != IOAS_PROFILE_IOMMUFD)
			return why_err(why, -EINVAL,
				       "group is already attached");
		/*
		 * Linux: VFIO_DEVICE_ATTACH_IOMMUFD_PT on an attached device
		 * is a replace (vfio_iommufd_physical_attach_ioas() ->
		 * iommufd_device_replace()), and replacing the HWPT with the
		 * one it has succeeds and changes nothing
		 * (iommufd_device_do_replace()). The new description of the
		 * group is not looked at, as the kernel reads nothing again.
		 * The caller frees @g only on failure.
		 */
		group_free(g);
		return 0;
	}
	if ((g->flags & IOAS_GROUP_NO_IRQ_REMAP) &&
	    !(s->cfg.flags & IOAS_SPACE_UNSAFE_INTERRUPTS))
		return why_err(why, -EPERM,
			       "the group's MSIs are not isolated (no interrupt remapping) and unsafe interrupts are not allowed");
	direct = group_direct_region(g);
	if (direct && !is_native(s)) {
		why_region(why, direct, g->id);
		return why_err(why, -EINVAL,
			       "group has a direct (identity-mapped) region, so Linux cannot claim DMA ownership of it");
	}

	/* iommufd_device_auto_get_domain(): a compatible auto domain if
	 * there is one, else a new domain. Reservations come first in both
	 * cases (iommufd_device_attach_reserved_iova). */
	ret = fd_enforce_regions(s, g, why);
	if (ret)
		return ret;
	dom = domain_find_compatible(s, c);
	if (!dom) {
		newdom = ioas_calloc_(1, sizeof(*newdom));
		if (!newdom) {
			ret = -ENOMEM;
			goto err;
		}
		newdom->aperture = g->aperture;
		newdom->pgsizes = g->pgsizes;
		ret = fd_add_domain(s, newdom, why);
		if (ret)
			goto err;
		dom = newdom;
	}
	/* iommufd_group_setup_msi(), or native's window */
	ret = msi_attach_prepare(s, g, dom, newdom != NULL, &prep, why);
	if (ret)
		goto err_domain;
	if (newdom)
		domain_link(s, newdom);
	msi_attach_commit(s, dom, &prep);
	dom->nr_groups++;
	g->dom = dom;
	group_link(s, g);
	return 0;
err_domain:
	resv_remove_owner(s, newdom);
	s->iova_alignment = old_align;
err:
	ioas_free_(newdom);
	resv_remove_owner(s, g);
	return ret;
}

static int fd_detach(struct ioas_space *s, struct sgroup *g)
{
	struct sdomain *dom = g->dom;

	resv_remove_owner(s, g);
	msi_group_detach(s, g);
	group_unlink(s, g);
	group_free(g);
	if (--dom->nr_groups == 0) {
		msi_domain_free(s, dom);
		resv_remove_owner(s, dom);
		domain_unlink(s, dom);
		ioas_free_(dom);
		/* Removing a domain can only lower the alignment. */
		s->iova_alignment = fd_alignment(s, NULL, NULL);
	}
	return 0;
}

/*
 * Iterate the holes of (reserved ∪ mappings) inside [pos, end], ascending
 * (interval_tree_double_span_iter). Returns false when there is none.
 */
static bool next_hole(struct ioas_space *s, bool with_maps, uint64_t *pos,
		      bool *done, uint64_t end, struct ioas_range *hole)
{
	while (!*done && *pos <= end) {
		struct itree_node *r, *m, *n;

		r = itree_iter_first(&s->resv, *pos, end);
		m = with_maps ? itree_iter_first(&s->maps, *pos, end) : NULL;
		n = r;
		if (!n || (m && m->start < n->start))
			n = m;
		if (!n) {
			hole->start = *pos;
			hole->last = end;
			*done = true;
			return true;
		}
		if (n->start > *pos) {
			hole->start = *pos;
			hole->last = n->start - 1;
			if (n->last >= end)
				*done = true;
			else
				*pos = n->last + 1;
			return true;
		}
		if (n->last >= end) {
			*done = true;
			break;
		}
		*pos = n->last + 1;
	}
	return false;
}

/*
 * Try to fit [cand, cand + length - 1] in [start, last] with the kernel's
 * __alloc_iova_check_range() (which rejects a candidate equal to 'last',
 * a quirk native does not copy).
 */
static bool fit_in(uint64_t *start, uint64_t last, uint64_t length,
		   uint64_t align, uint64_t page_offset, bool strict_last)
{
	uint64_t a;

	if (check_add_overflow(*start, align - 1, &a))
		return false;
	a &= ~(align - 1);
	a |= page_offset;
	if (strict_last ? a >= last : a > last)
		return false;
	if (last - a < length - 1)
		return false;
	*start = a;
	return true;
}

/*
 * The lowest @align-aligned IOVA in @window where @length bytes are free,
 * from the index: 0 (found, *@iova set), -ENOSPC (none), or 1 (no index:
 * walk the holes).
 */
static int fidx_find(struct ioas_space *s, const struct ioas_range_list *win,
		     uint64_t length, uint64_t align, uint64_t *iova)
{
	struct ioas_iova_req req = {
		.size = sizeof(req),
		.flags = IOAS_IOVA_BOTTOMUP,
	};
	struct ioas_iova_domain *d = fidx_get(s);
	uint64_t g = s->fidx_granule, pfn;
	size_t i;
	int ret;

	if (!d || (length & (g - 1)) || (align & (g - 1)))
		return 1;
	req.npages = length / g;
	req.align = align / g;
	for (i = 0; i < win->nr; i++) {
		const struct ioas_range *w = &win->v[i];

		/* whole granules inside the window */
		req.min_pfn = w->start / g + !!(w->start & (g - 1));
		req.max_pfn = w->last == U64MAX ? U64MAX / g :
						  (w->last + 1) / g - 1;
		if (!req.min_pfn)
			req.min_pfn = 1;
		if (req.min_pfn > req.max_pfn || !req.max_pfn)
			continue;
		ret = ioas_iova_find(d, &req, &pfn);
		if (!ret) {
			*iova = pfn * g;
			return 0;
		}
		if (ret != -ENOSPC)
			return 1;
	}
	return -ENOSPC;
}

/* iopt_alloc_iova() (iommufd) or ioas's first fit (native). */
static int fd_alloc_iova(struct ioas_space *s, uint64_t uptr, uint64_t length,
			 uint64_t *iova, struct ioas_why *why)
{
	uint64_t page = s->cfg.page_size;
	uint64_t page_offset = uptr % page;
	bool strict = !is_native(s);
	uint64_t align, wlo = page, whi = strict ? U64MAX - page : U64MAX;
	struct ioas_range_list window = IOAS_RANGE_LIST_INIT;
	struct ioas_range w = { wlo, whi };
	size_t i;
	int ret;

	if (!length || length >= U64MAX / 2)
		return why_err(why, -EOVERFLOW,
			       "length is too large for automatic allocation");
	align = roundup_pow2_u64(length);
	if (uptr && lowbit_u64(uptr) < align)
		align = lowbit_u64(uptr);
	if (align >= s->cfg.hpage_size)
		align = s->cfg.hpage_size;
	if (align < s->iova_alignment) {
		why_value(why, s->iova_alignment);
		return why_err(why, -EINVAL,
			       "the user address is not aligned enough for the IOAS's IOVA alignment");
	}

	/* The allowed ranges (or the whole window) clipped to the window. */
	if (s->allowed.nr) {
		struct ioas_range_list wl = { &w, 1, 1 };

		ret = ioas_range_list_intersect(&window, &s->allowed, &wl);
		if (ret)
			return ret;
	} else {
		ret = ioas_range_list_add(&window, &w);
		if (ret)
			return ret;
	}
	/* native, page-aligned user address and alignment of at least a page
	 * (every map when the IOMMU page is the CPU page): the first fit is
	 * the lowest aligned free position, which the index finds in
	 * O(log n). */
	if (!strict && !page_offset && align >= page) {
		ret = fidx_find(s, &window, length, align, iova);
		if (ret != 1) {
			ioas_range_list_fini(&window);
			if (!ret)
				return 0;
			why_value(why, align);
			return why_err(why, -ENOSPC,
				       "no free IOVA hole fits the length with the required alignment");
		}
	}
	for (i = 0; i < window.nr; i++) {
		uint64_t st = window.v[i].start, pos;
		struct ioas_range hole;
		bool done = false;

		if (!fit_in(&st, window.v[i].last, length, align, page_offset,
			    strict))
			continue;
		pos = window.v[i].start;
		while (next_hole(s, true, &pos, &done, window.v[i].last,
				 &hole)) {
			uint64_t hs = hole.start;

			if (fit_in(&hs, hole.last, length, align, page_offset,
				   strict)) {
				*iova = hs;
				ioas_range_list_fini(&window);
				return 0;
			}
		}
	}
	ioas_range_list_fini(&window);
	why_value(why, align);
	return why_err(why, -ENOSPC,
		       "no free IOVA hole fits the length with the required alignment");
}

/* The checks on a fixed IOVA (iopt_check_iova), with native's codes. */
static int fd_check_iova(struct ioas_space *s, uint64_t iova, uint64_t length,
			 struct ioas_why *why)
{
	bool native = is_native(s);
	struct itree_node *n;
	uint64_t last;

	if (iova & (s->iova_alignment - 1)) {
		why_value(why, s->iova_alignment);
		return why_err(why, -EINVAL,
			       "iova is not aligned to the IOAS's IOVA alignment");
	}
	if (check_add_overflow(iova, length - 1, &last))
		return why_err(why, -EOVERFLOW, "the range wraps past 2^64");
	why_range(why, iova, last);
	n = itree_iter_first(&s->resv, iova, last);
	if (n) {
		struct sresv *v = sresv_of(n);

		if (v->kind == SRESV_REGION) {
			why_region(why, &v->region, v->group);
			return why_err(why, native ? -EADDRINUSE : -EINVAL,
				       "overlaps a reserved region");
		}
		why_other(why, n->start, n->last);
		return why_err(why, native ? -EADDRINUSE : -EINVAL,
			       "lies outside the aperture");
	}
	n = itree_iter_first(&s->maps, iova, last);
	if (n) {
		why_other(why, n->start, n->last);
		return why_err(why, -EEXIST, "overlaps an existing mapping");
	}
	if (native && s->allowed.nr) {
		struct ioas_range r = { iova, last };

		if (!ioas_range_list_covers(&s->allowed, &r))
			return why_err(why, -EADDRINUSE,
				       "is not inside one allowed IOVA range");
	}
	return 0;
}

/*
 * A piece of what MAP or COPY maps: MAP has one; COPY one per source area
 * it covers (iopt_get_pages() builds an iopt_pages_list entry per area,
 * and iopt_alloc_area_pages() makes one destination area of each).
 */
struct fd_slice {
	uint64_t va;	/* user address of its first byte */
	uint64_t length;
	bool writable;	/* iopt_pages.writable of its pages */
};

/* The shared tail of MAP and COPY (iopt_map_pages). */
static int fd_map_common(struct ioas_space *s, const struct fd_slice *sl,
			 size_t nr, uint64_t length, uint32_t flags,
			 uint64_t *iova, struct ioas_why *why)
{
	uint64_t page = s->cfg.page_size, end, last, pos;
	uint64_t va = sl[0].va;
	struct smap **m;
	size_t i;
	int ret;

	/* iopt_alloc_pages() */
	if (!length || length > U64MAX - page)
		return why_err(why, -EINVAL,
			       length ? "length is too large" : "length is zero");
	if (check_add_overflow(va, length, &end))
		return why_err(why, -EOVERFLOW,
			       "user address + length wraps past 2^64");
	if (length & (s->iova_alignment - 1)) {
		why_value(why, s->iova_alignment);
		return why_err(why, -EINVAL,
			       "length is not a multiple of the IOAS's IOVA alignment");
	}
	if (is_native(s) && s->cfg.dma_limit &&
	    s->maps.count + nr > s->cfg.dma_limit) {
		why_value(why, s->cfg.dma_limit);
		return why_err(why, -ENOSPC, "the mapping limit is reached");
	}
	if (flags & IOAS_MAP_FIXED) {
		ret = fd_check_iova(s, *iova, length, why);
	} else {
		ret = fd_alloc_iova(s, va, length, iova, why);
	}
	if (ret)
		return ret;
	/* iopt_insert_area(), per area in order */
	for (i = 0; i < nr; i++) {
		if ((flags & IOAS_MAP_WRITE) && !sl[i].writable)
			return why_err(why, -EPERM,
				       "a writable copy of memory that was mapped read-only");
		if ((sl[i].va % page) & (s->iova_alignment - 1)) {
			why_value(why, s->iova_alignment);
			return why_err(why, -EINVAL,
				       "the user address's offset in its page is not aligned to the IOAS's IOVA alignment");
		}
	}
	last = *iova + length - 1;
	ret = spill_check(s, *iova, last, why);
	if (ret)
		return ret;
	m = ioas_calloc_(nr, sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (i = 0, pos = *iova; i < nr; pos += sl[i].length, i++) {
		m[i] = smap_new(pos, pos + sl[i].length - 1, sl[i].va,
				flags & (IOAS_MAP_READ | IOAS_MAP_WRITE));
		if (!m[i]) {
			while (i-- > 0)
				ioas_free_(m[i]);
			ioas_free_(m);
			return -ENOMEM;
		}
		m[i]->writable = sl[i].writable;
	}
	for (i = 0; i < nr; i++)
		maps_insert(s, m[i]);
	ioas_free_(m);
	return 0;
}

static int fd_map(struct ioas_space *s, struct ioas_map_req *req,
		  struct ioas_why *why)
{
	uint64_t iova = req->iova;
	struct fd_slice sl;
	int ret;

	if (req->flags & ~(IOAS_MAP_READ | IOAS_MAP_WRITE | IOAS_MAP_FIXED))
		return why_err(why, -EOPNOTSUPP, "unknown map flags");
	if (req->iova >= U64MAX || req->length >= U64MAX)
		return why_err(why, -EOVERFLOW,
			       "iova or length is 2^64-1 or more");
	if (!(req->flags & (IOAS_MAP_READ | IOAS_MAP_WRITE)))
		return why_err(why, -EINVAL,
			       "a map needs read or write permission");
	sl.va = req->va;
	sl.length = req->length;
	sl.writable = req->flags & IOAS_MAP_WRITE;
	ret = fd_map_common(s, &sl, 1, req->length, req->flags, &iova, why);
	if (ret)
		return ret;
	req->iova = iova;
	return 0;
}

static int fd_unmap(struct ioas_space *s, uint64_t iova, uint64_t length,
		    uint64_t *unmapped, struct ioas_why *why)
{
	uint64_t last, total = 0;
	struct itree_node *n;

	if (iova == 0 && length == U64MAX) {
		maps_clear(s, &total);
		if (unmapped)
			*unmapped = total;
		return 0;
	}
	if (iova >= U64MAX || length >= U64MAX)
		return why_err(why, -EOVERFLOW,
			       "iova or length is 2^64-1 or more");
	if (!length)
		return why_err(why, -EINVAL, "length is zero");
	if (check_add_overflow(iova, length - 1, &last))
		return why_err(why, -EOVERFLOW, "the range wraps past 2^64");
	why_range(why, iova, last);

	if (is_native(s)) {
		/* All or nothing: check both ends before removing. */
		n = itree_iter_first(&s->maps, iova, last);
		if (!n)
			return why_err(why, -ENOENT, "nothing is mapped there");
		if (n->start < iova) {
			why_other(why, n->start, n->last);
			return why_err(why, -ENOENT,
				       "the start would split a mapping");
		}
		n = itree_floor(&s->maps, last);
		if (n && n->last > last) {
			why_other(why, n->start, n->last);
			return why_err(why, -ENOENT,
				       "the end would split a mapping");
		}
	}

	/* iopt_unmap_iova_range(): area by area, stopping at the first one
	 * that is cut; what was removed before it stays removed. */
	while ((n = itree_iter_first(&s->maps, iova, last))) {
		uint64_t alast = n->last;

		if (n->start < iova || n->last > last) {
			why_other(why, n->start, n->last);
			why_value(why, total);
			if (unmapped)
				*unmapped = total;
			return why_err(why, -ENOENT,
				       n->start < iova ? "the start would split a mapping" :
						         "the end would split a mapping");
		}
		total += n->last - n->start + 1;
		maps_remove(s, smap_of(n));
		if (alast >= last)
			break;
		iova = alast + 1;
	}
	if (unmapped)
		*unmapped = total;
	if (!total)
		return why_err(why, -ENOENT, "nothing is mapped there");
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct ioas_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

static int fd_allow(struct ioas_space *s, const struct ioas_range *ranges,
		    size_t nr, struct ioas_why *why)
{
	struct ioas_range_list nl = IOAS_RANGE_LIST_INIT;
	struct ioas_range *sorted = NULL;
	struct itree_node *n;
	size_t i;
	int ret;

	if (nr && !ranges)
		return why_err(why, -EINVAL, "no ranges given");
	if (nr) {
		sorted = ioas_calloc_(nr, sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, ranges, nr * sizeof(*sorted));
	}
	for (i = 0; i < nr; i++) {
		const struct ioas_range *r = &ranges[i];

		if (is_native(s) ? r->start > r->last : r->start >= r->last) {
			why_range(why, r->start, r->last);
			ret = why_err(why, -EINVAL,
				      is_native(s) ? "allowed range has start > last" :
						     "allowed range must have start < last");
			goto out;
		}
	}
	if (nr)
		qsort(sorted, nr, sizeof(*sorted), cmp_range);
	for (i = 1; i < nr; i++) {
		if (sorted[i].start <= sorted[i - 1].last) {
			why_range(why, sorted[i].start, sorted[i].last);
			why_other(why, sorted[i - 1].start, sorted[i - 1].last);
			ret = why_err(why, -EINVAL,
				      "two allowed ranges overlap");
			goto out;
		}
	}
	for (i = 0; i < nr; i++) {
		n = itree_iter_first(&s->resv, sorted[i].start, sorted[i].last);
		if (n) {
			struct sresv *v = sresv_of(n);

			why_range(why, sorted[i].start, sorted[i].last);
			if (v->kind == SRESV_REGION)
				why_region(why, &v->region, v->group);
			else
				why_other(why, n->start, n->last);
			ret = why_err(why, -EADDRINUSE,
				      v->kind == SRESV_REGION ?
					      "allowed range overlaps a reserved region" :
					      "allowed range lies outside the aperture");
			goto out;
		}
		ret = ioas_range_list_add(&nl, &sorted[i]);
		if (ret)
			goto out;
	}
	ioas_range_list_fini(&s->allowed);
	s->allowed = nl;
	nl.v = NULL;
	ret = 0;
out:
	ioas_range_list_fini(&nl);
	ioas_free_(sorted);
	return ret;
}

static int fd_copy(struct ioas_space *s, uint64_t src, uint64_t length,
		   uint32_t flags, uint64_t *dst, struct ioas_why *why)
{
	uint64_t last, pos;
	struct itree_node *n, *first;
	uint64_t iova = *dst;
	struct fd_slice *sl;
	size_t nr, i;
	int ret;

	if (flags & ~(IOAS_MAP_READ | IOAS_MAP_WRITE | IOAS_MAP_FIXED))
		return why_err(why, -EOPNOTSUPP, "unknown copy flags");
	if (length >= U64MAX || src >= U64MAX || *dst >= U64MAX)
		return why_err(why, -EOVERFLOW,
			       "length, source or destination is 2^64-1 or more");
	if (!(flags & (IOAS_MAP_READ | IOAS_MAP_WRITE)))
		return why_err(why, -EINVAL,
			       "a copy needs read or write permission");
	/* iopt_get_pages(): the source must be fully covered. */
	if (!length)
		return why_err(why, -EINVAL, "length is zero");
	if (check_add_overflow(src, length - 1, &last))
		return why_err(why, -EOVERFLOW, "the source wraps past 2^64");
	why_range(why, src, last);
	first = itree_iter_first(&s->maps, src, last);
	if (!first || first->start > src)
		return why_err(why, -ENOENT,
			       "the source is not fully mapped");
	pos = first->start;
	for (n = first; n; n = itree_next(n)) {
		if (n->start != pos && n != first)
			return why_err(why, -ENOENT,
				       "the source is not fully mapped");
		if (n->last >= last)
			break;
		pos = n->last + 1;
	}
	if (!n)
		return why_err(why, -ENOENT, "the source is not fully mapped");
	/* One slice per source area, each with its pages' properties. */
	nr = 1;
	for (n = first; n->last < last; n = itree_next(n))
		nr++;
	sl = ioas_calloc_(nr, sizeof(*sl));
	if (!sl)
		return -ENOMEM;
	for (i = 0, n = first; i < nr; i++, n = itree_next(n)) {
		uint64_t a = n->start > src ? n->start : src;
		uint64_t b = n->last < last ? n->last : last;

		sl[i].va = smap_of(n)->va + (a - n->start);
		sl[i].length = b - a + 1;
		sl[i].writable = smap_of(n)->writable;
	}
	if (why)
		memset(why, 0, sizeof(*why));
	ret = fd_map_common(s, sl, nr, length, flags, &iova, why);
	ioas_free_(sl);
	if (ret)
		return ret;
	*dst = iova;
	return 0;
}

/* ------------------------------------------------------------------ */
/* public API                                                          */

IOAS_EXPORT const char *ioas_profile_name(uint32_t profile)
{
	switch (profile) {
	case IOAS_PROFILE_TYPE1:
		return "type1";
	case IOAS_PROFILE_IOMMUFD:
		return "iommufd";
	case IOAS_PROFILE_NATIVE:
		return "native";
	default:
		return "unknown";
	}
}

IOAS_EXPORT int ioas_space_new(const struct ioas_space_config *cfg,
			       struct ioas_space **out)
{
	struct ioas_space_config c;
	struct ioas_space *s;
	int ret;

	if (!cfg || !out)
		return -EINVAL;
	ret = copy_ext(&c, sizeof(c), cfg, cfg->size,
		       offsetof(struct ioas_space_config, page_size));
	if (ret)
		return ret;
	if (c.profile < IOAS_PROFILE_TYPE1 || c.profile > IOAS_PROFILE_NATIVE)
		return -EINVAL;
	if (c.flags & ~IOAS_SPACE_UNSAFE_INTERRUPTS)
		return -EOPNOTSUPP;
	if (!c.page_size)
		c.page_size = 4096;
	if (!is_pow2_u64(c.page_size))
		return -EINVAL;
	if (!c.hpage_size)
		c.hpage_size = c.page_size > (2u << 20) ? c.page_size : 2u << 20;
	if (!is_pow2_u64(c.hpage_size) || c.hpage_size < c.page_size)
		return -EINVAL;
	if (c.profile == IOAS_PROFILE_TYPE1 && !c.dma_limit)
		c.dma_limit = 65535;
	if (c.profile == IOAS_PROFILE_IOMMUFD && c.dma_limit)
		return -EINVAL;
	if (c.profile == IOAS_PROFILE_NATIVE) {
		if (!c.aperture.start && !c.aperture.last)
			c.aperture.last = U64MAX;
		if (c.aperture.start > c.aperture.last)
			return -EINVAL;
		if (!c.pgsizes)
			c.pgsizes = ~(c.page_size - 1);
	} else {
		/* Only native uses its own geometry. */
		c.aperture.start = c.aperture.last = 0;
		c.pgsizes = 0;
	}
	c.size = sizeof(c);

	s = ioas_calloc_(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (pthread_mutex_init(&s->lock, NULL)) {
		ioas_free_(s);
		return -ENOMEM;
	}
	s->cfg = c;
	itree_init(&s->maps);
	itree_init(&s->resv);
	itree_init(&s->spill);
	ioas_range_list_init(&s->iova);
	ioas_range_list_init(&s->allowed);
	s->dma_avail = c.dma_limit;
	s->pgsize_bitmap = ~(c.page_size - 1);
	s->iova_alignment = 1;
	if (c.profile == IOAS_PROFILE_NATIVE) {
		struct ioas_region r = { .type = IOAS_REGION_RESERVED };

		s->iova_alignment = min_page(c.pgsizes);
		/* The space's own aperture, when it is not everything. */
		if (c.aperture.start) {
			r.range.start = 0;
			r.range.last = c.aperture.start - 1;
			ret = resv_add(s, SRESV_SPACE, s, 0, &r, NULL);
			if (ret)
				goto err;
		}
		if (c.aperture.last != U64MAX) {
			r.range.start = c.aperture.last + 1;
			r.range.last = U64MAX;
			ret = resv_add(s, SRESV_SPACE, s, 0, &r, NULL);
			if (ret)
				goto err;
		}
	}
	*out = s;
	return 0;
err:
	ioas_space_free(s);
	return ret;
}

IOAS_EXPORT void ioas_space_free(struct ioas_space *s)
{
	struct sgroup *g;
	struct sdomain *d;
	struct itree_node *n;

	if (!s)
		return;
	space_fidx_drop_(s);
	maps_clear(s, NULL);
	msi_space_free(s);
	while ((n = itree_first(&s->resv))) {
		itree_remove(&s->resv, n);
		ioas_free_(sresv_of(n));
	}
	while ((g = s->groups)) {
		s->groups = g->next;
		group_free(g);
	}
	while ((d = s->domains)) {
		s->domains = d->next;
		ioas_free_(d);
	}
	ioas_range_list_fini(&s->iova);
	ioas_range_list_fini(&s->allowed);
	pthread_mutex_destroy(&s->lock);
	ioas_free_(s);
}

IOAS_EXPORT int ioas_space_attach(struct ioas_space *s,
				  const struct ioas_group_config *gc,
				  struct ioas_why *why)
{
	struct ioas_group_config c;
	struct sgroup *g = NULL;
	int ret;

	why_reset(why);
	if (!s)
		return -EINVAL;
	ret = group_build(gc, s->cfg.profile, &c, &g, why);
	if (ret)
		return ret;
	space_lock(s);
	if (s->cfg.profile == IOAS_PROFILE_TYPE1)
		ret = t1_attach(s, g, why);
	else
		ret = fd_attach(s, g, &c, why);
	space_unlock(s);
	if (ret)
		group_free(g);
	return why_done(why, ret);
}

IOAS_EXPORT int ioas_space_detach(struct ioas_space *s, uint32_t group,
				  struct ioas_why *why)
{
	struct sgroup *g;
	int ret;

	why_reset(why);
	if (!s)
		return -EINVAL;
	space_lock(s);
	why_group(why, group);
	g = group_find(s, group);
	if (!g)
		ret = why_err(why, -ENOENT, "group is not attached");
	else if (s->cfg.profile == IOAS_PROFILE_TYPE1)
		ret = t1_detach(s, g, why);
	else
		ret = fd_detach(s, g);
	space_unlock(s);
	return why_done(why, ret);
}

IOAS_EXPORT int ioas_space_map(struct ioas_space *s, struct ioas_map_req *req,
			       struct ioas_why *why)
{
	struct ioas_map_req r;
	int ret;

	why_reset(why);
	if (!s || !req)
		return -EINVAL;
	ret = copy_ext(&r, sizeof(r), req, req->size,
		       offsetof(struct ioas_map_req, length) + sizeof(r.length));
	if (ret)
		return ret;
	space_lock(s);
	if (s->cfg.profile == IOAS_PROFILE_TYPE1)
		ret = t1_map(s, &r, why);
	else
		ret = fd_map(s, &r, why);
	space_unlock(s);
	if (!ret)
		req->iova = r.iova;
	return why_done(why, ret);
}

IOAS_EXPORT int ioas_space_unmap(struct ioas_space *s, uint64_t iova,
				 uint64_t length, uint64_t *unmapped,
				 struct ioas_why *why)
{
	int ret;

	why_reset(why);
	if (unmapped)
		*unmapped = 0;
	if (!s)
		return -EINVAL;
	space_lock(s);
	if (s->cfg.profile == IOAS_PROFILE_TYPE1)
		ret = t1_unmap(s, iova, length, unmapped, why);
	else
		ret = fd_unmap(s, iova, length, unmapped, why);
	space_unlock(s);
	return why_done(why, ret);
}

IOAS_EXPORT int ioas_space_unmap_all(struct ioas_space *s, uint64_t *unmapped,
				     struct ioas_why *why)
{
	struct itree_node *first;
	uint64_t total = 0;
	int ret = 0;

	why_reset(why);
	if (unmapped)
		*unmapped = 0;
	if (!s)
		return -EINVAL;
	space_lock(s);
	if (s->cfg.profile == IOAS_PROFILE_TYPE1) {
		ret = t1_check_set(s, why);
		/* UNMAP_ALL walks from vfio_find_dma_first_node(0, U64_MAX),
		 * which never returns a mapping ending at 2^64-1 (see
		 * t1_unmap()): when that is the only mapping, nothing goes. */
		first = itree_first(&s->maps);
		if (!ret && first && first->last != U64MAX) {
			uint64_t n = s->maps.count;

			maps_clear(s, &total);
			s->dma_avail += (uint32_t)n;
		}
	} else {
		maps_clear(s, &total);
	}
	space_unlock(s);
	if (!ret && unmapped)
		*unmapped = total;
	return why_done(why, ret);
}

IOAS_EXPORT int ioas_space_allow(struct ioas_space *s,
				 const struct ioas_range *ranges, size_t nr,
				 struct ioas_why *why)
{
	int ret;

	why_reset(why);
	if (!s)
		return -EINVAL;
	if (s->cfg.profile == IOAS_PROFILE_TYPE1)
		return why_err(why, -EOPNOTSUPP,
			       "VFIO type1 has no allowed IOVA ranges");
	space_lock(s);
	ret = fd_allow(s, ranges, nr, why);
	space_unlock(s);
	return why_done(why, ret);
}

IOAS_EXPORT int ioas_space_copy(struct ioas_space *s, uint64_t src_iova,
				uint64_t length, uint32_t flags,
				uint64_t *dst_iova, struct ioas_why *why)
{
	int ret;

	why_reset(why);
	if (!s || !dst_iova)
		return -EINVAL;
	if (s->cfg.profile == IOAS_PROFILE_TYPE1)
		return why_err(why, -EOPNOTSUPP, "VFIO type1 has no COPY");
	space_lock(s);
	ret = fd_copy(s, src_iova, length, flags, dst_iova, why);
	space_unlock(s);
	return why_done(why, ret);
}

static int usable_locked(struct ioas_space *s, struct ioas_range_list *out,
			 struct ioas_why *why)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	struct ioas_range hole;
	uint64_t pos = 0;
	bool done = false;
	int ret;

	if (s->cfg.profile == IOAS_PROFILE_TYPE1) {
		ret = t1_check_set(s, why);
		if (ret)
			return ret;
		ret = ioas_range_list_copy(&l, &s->iova);
		if (ret)
			return ret;
	} else {
		while (next_hole(s, false, &pos, &done, U64MAX, &hole)) {
			ret = ioas_range_list_add(&l, &hole);
			if (ret) {
				ioas_range_list_fini(&l);
				return ret;
			}
		}
	}
	ioas_range_list_fini(out);
	*out = l;
	return 0;
}

IOAS_EXPORT int ioas_space_usable(struct ioas_space *s,
				  struct ioas_range_list *out,
				  struct ioas_why *why)
{
	int ret;

	why_reset(why);
	if (!s || !out)
		return -EINVAL;
	space_lock(s);
	ret = usable_locked(s, out, why);
	space_unlock(s);
	return why_done(why, ret);
}

IOAS_EXPORT int ioas_space_mappings(struct ioas_space *s,
				    struct ioas_mapping *out, size_t cap,
				    size_t *nr)
{
	struct itree_node *n;
	size_t i = 0;

	if (!s || !nr || (cap && !out))
		return -EINVAL;
	space_lock(s);
	itree_for_each(n, &s->maps) {
		if (i < cap) {
			out[i].range.start = n->start;
			out[i].range.last = n->last;
			out[i].va = smap_of(n)->va;
			out[i].prot = smap_of(n)->prot;
		}
		i++;
	}
	space_unlock(s);
	*nr = i;
	return i > cap ? -EMSGSIZE : 0;
}

IOAS_EXPORT int ioas_space_regions(struct ioas_space *s,
				   struct ioas_region_list *out)
{
	struct ioas_region_list l = IOAS_REGION_LIST_INIT;
	struct sgroup *g;
	int ret = 0;

	if (!s || !out)
		return -EINVAL;
	space_lock(s);
	for (g = s->groups; g && !ret; g = g->next) {
		size_t i;

		if (!is_native(s)) {
			ret = ioas_region_list_merge(&l, &g->merged);
			continue;
		}
		/* native: the space's window stands for the groups' own
		 * sw-msi regions */
		for (i = 0; i < g->merged.nr && !ret; i++)
			if (g->merged.v[i].type != IOAS_REGION_SW_MSI)
				ret = ioas_region_list_insert(&l,
							      &g->merged.v[i]);
	}
	if (!ret && s->window)
		ret = ioas_region_list_insert(&l, &s->window->region);
	space_unlock(s);
	if (ret) {
		ioas_region_list_fini(&l);
		return ret;
	}
	ioas_region_list_fini(out);
	*out = l;
	return 0;
}

IOAS_EXPORT int ioas_space_get_info(struct ioas_space *s,
				    struct ioas_space_info *info)
{
	struct ioas_space_info i;
	struct sdomain *d;
	size_t n;

	if (!s || !info ||
	    info->size < offsetof(struct ioas_space_info, nr_groups))
		return -EINVAL;
	memset(&i, 0, sizeof(i));
	space_lock(s);
	i.size = sizeof(i);
	i.profile = s->cfg.profile;
	i.nr_groups = s->nr_groups;
	i.nr_domains = s->nr_domains;
	i.nr_mappings = s->maps.count;
	i.mapped_bytes = s->mapped_bytes;
	if (s->cfg.profile == IOAS_PROFILE_TYPE1) {
		i.dma_avail = s->dma_avail;
		i.pgsizes = s->pgsize_bitmap;
		i.iova_alignment = min_page(s->pgsize_bitmap);
	} else {
		i.dma_avail = UINT32_MAX;
		if (is_native(s) && s->cfg.dma_limit)
			i.dma_avail = s->cfg.dma_limit - (uint32_t)s->maps.count;
		i.pgsizes = s->domains ? U64MAX : 0;
		for (d = s->domains; d; d = d->next)
			i.pgsizes &= d->pgsizes;
		i.iova_alignment = s->iova_alignment;
	}
	space_unlock(s);
	n = info->size < sizeof(i) ? info->size : sizeof(i);
	memcpy(info, &i, n);
	info->size = (uint32_t)n;
	return 0;
}

/*
 * The index against the truth: its free extents are exactly the granules
 * of [1, 2^64 / g - 1] that no reservation touches and no mapping holds.
 * (A stale granule is fine: the index is rebuilt before use.)
 */
static int fidx_check(struct ioas_space *s)
{
	struct ioas_range_list used = IOAS_RANGE_LIST_INIT;
	struct ioas_range_list want = IOAS_RANGE_LIST_INIT;
	uint64_t g = s->fidx_granule;
	struct ioas_range all = { 1, U64MAX / g }, *have = NULL;
	struct itree_node *n;
	size_t nr = 0, i;
	int bad = 0;

	if (g != s->iova_alignment)
		return 0;
	if (ioas_iova_check(s->fidx))
		return 1;
	itree_for_each(n, &s->resv) {
		struct ioas_range r = { n->start / g, n->last / g };

		bad |= !!ioas_range_list_add(&used, &r);
	}
	itree_for_each(n, &s->maps) {
		struct ioas_range r = { n->start / g, n->last / g };

		bad |= !!ioas_range_list_add(&used, &r);
	}
	bad |= !!ioas_range_list_invert(&want, &used, &all);
	if (!bad) {
		have = ioas_calloc_(want.nr + 1, sizeof(*have));
		bad = !have || ioas_iova_holes(s->fidx, have, want.nr + 1, &nr) ||
		      nr != want.nr;
		for (i = 0; !bad && i < nr; i++)
			bad = have[i].start != want.v[i].start ||
			      have[i].last != want.v[i].last;
	}
	ioas_free_(have);
	ioas_range_list_fini(&used);
	ioas_range_list_fini(&want);
	return bad;
}

IOAS_EXPORT int ioas_space_check(struct ioas_space *s)
{
	struct itree_node *n, *prev = NULL;
	uint64_t bytes = 0, unit;
	unsigned int ng = 0, nd = 0, gsum = 0;
	struct sgroup *g;
	struct sdomain *d;
	int bad = 0;

	if (!s)
		return -EINVAL;
	space_lock(s);
	if (itree_check(&s->maps) || itree_check(&s->resv))
		bad = 1;
	for (g = s->groups; g; g = g->next) {
		ng++;
		if (!g->dom)
			bad = 1;
	}
	for (d = s->domains; d; d = d->next) {
		nd++;
		gsum += d->nr_groups;
		if (!d->nr_groups)
			bad = 1;
	}
	if (ng != s->nr_groups || nd != s->nr_domains || gsum != ng)
		bad = 1;
	/* type1: a later domain may raise the container's smallest page
	 * above existing mappings (the kernel keeps them), so the invariant
	 * is PAGE_SIZE, the floor vfio_update_pgsize_bitmap() guarantees. */
	unit = s->cfg.profile == IOAS_PROFILE_TYPE1 ?
		       s->cfg.page_size : s->iova_alignment;
	itree_for_each(n, &s->maps) {
		if (n->start > n->last)
			bad = 1;
		if (prev && prev->last >= n->start)
			bad = 1;
		if ((n->start & (unit - 1)) ||
		    ((n->last - n->start + 1) & (unit - 1)))
			bad = 1;
		bytes = sat_add_u64(bytes, n->last - n->start + 1);
		if (s->cfg.profile == IOAS_PROFILE_TYPE1) {
			if (!t1_range_in_list(&s->iova, n->start, n->last))
				bad = 1;
		} else if (itree_iter_first(&s->resv, n->start, n->last)) {
			bad = 1;
		}
		prev = n;
	}
	if (bytes != s->mapped_bytes)
		bad = 1;
	if (msi_check(s))
		bad = 1;
	if (s->cfg.profile == IOAS_PROFILE_TYPE1) {
		if (s->t1_set) {
			if (!s->iova.nr || ioas_range_list_check(&s->iova) ||
			    s->dma_avail + s->maps.count != s->cfg.dma_limit ||
			    !ng)
				bad = 1;
		} else if (ng || s->maps.count || s->iova.nr) {
			bad = 1;
		}
	} else {
		size_t i;

		if (ioas_range_list_check(&s->allowed))
			bad = 1;
		for (i = 0; i < s->allowed.nr; i++)
			if (itree_iter_first(&s->resv, s->allowed.v[i].start,
					     s->allowed.v[i].last))
				bad = 1;
		if (!is_pow2_u64(s->iova_alignment))
			bad = 1;
		if (s->fidx && fidx_check(s))
			bad = 1;
	}
	space_unlock(s);
	return bad ? -EUCLEAN : 0;
}
