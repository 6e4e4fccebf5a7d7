// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MSI windows and doorbell pages (see include/ioas/msi.h for the model).
 *
 * Data model. A struct scookie is one window: the sw-msi region it serves,
 * the page size (granule), a tree of doorbell pages by IOVA, and for the
 * Linux profiles the bump pointer of iommu_dma_get_msi_page(). Linux
 * profiles hang one cookie on each IOMMU domain that got one (type1: a
 * new domain whose first group has a sw-msi region and no msi region;
 * iommufd: the first such group to reach a domain without a cookie).
 * native has one window per space, shared by every domain that needs it,
 * held in the reservation tree as an SRESV_MSI range so nothing else can
 * be mapped or allowed there.
 *
 * Invariants (msi_check()): every page is granule-aligned and one granule
 * long; no two pages of a cookie share a physical page or an IOVA; a
 * native page lies inside its window and its refs are the sum of its
 * per-group users; a Linux page is 'spilled' exactly when it lies outside
 * its window, and spilled pages are the ones in ioas_space.spill.
 *
 * Dedupe is a linear scan by physical page, as in the kernel: a window
 * holds at most a few hundred pages and real systems use a handful.
 */
#include <errno.h>
#include <string.h>

#include <ioas/ioas.h>
#include <ioas/msi.h>

#include "ioas_private.h"
#include "overflow.h"
#include "space_internal.h"

#define FOUR_GIB (UINT64_C(1) << 32)

static struct smsi_page *page_of(struct itree_node *n)
{
	return n ? itree_entry(n, struct smsi_page, node) : NULL;
}

static struct smsi_page *spill_of(struct itree_node *n)
{
	return n ? itree_entry(n, struct smsi_page, snode) : NULL;
}

static void page_free(struct smsi_page *p)
{
	if (!p)
		return;
	ioas_free_(p->users);
	ioas_free_(p);
}

static bool in_window(const struct scookie *c, uint64_t start, uint64_t last)
{
	return ioas_range_contains(&c->region.range,
				   &(struct ioas_range){ start, last });
}

/*
 * Which sw-msi window a group asks for. type1 (vfio_iommu_has_sw_msi) and
 * native scan the merged list: any hardware msi region wins and means no
 * window; otherwise the last sw-msi region. iommufd looks at the device's
 * own list, where attach has already refused msi + sw-msi and two sw-msi.
 */
static const struct ioas_region *group_sw_msi(const struct ioas_space *s,
					      const struct sgroup *g)
{
	const struct ioas_region *v = g->merged.v, *found = NULL;
	size_t nr = g->merged.nr, i;

	if (s->cfg.profile == IOAS_PROFILE_IOMMUFD) {
		v = g->regions;
		nr = g->nr_regions;
	}
	for (i = 0; i < nr; i++) {
		if (v[i].type == IOAS_REGION_MSI)
			return NULL;
		if (v[i].type == IOAS_REGION_SW_MSI)
			found = &v[i];
	}
	return found;
}

static struct scookie *cookie_new(const struct ioas_region *r,
				  uint64_t granule, bool native)
{
	struct scookie *c = ioas_calloc_(1, sizeof(*c));

	if (!c)
		return NULL;
	c->region = *r;
	c->region.type = IOAS_REGION_SW_MSI;
	c->granule = granule;
	c->next = r->range.start;
	c->native = native;
	itree_init(&c->pages);
	return c;
}

static void cookie_free(struct ioas_space *s, struct scookie *c)
{
	struct itree_node *n;

	if (!c)
		return;
	while ((n = itree_first(&c->pages))) {
		struct smsi_page *p = page_of(n);

		itree_remove(&c->pages, n);
		if (p->spilled)
			itree_remove(&s->spill, &p->snode);
		page_free(p);
	}
	ioas_free_(c);
}

/* Is [start, last] clear of reservations, mappings and allowed ranges? */
static bool iova_free(struct ioas_space *s, uint64_t start, uint64_t last)
{
	struct ioas_range r = { start, last };

	return !itree_iter_first(&s->resv, start, last) &&
	       !itree_iter_first(&s->maps, start, last) &&
	       !ioas_range_list_intersects(&s->allowed, &r);
}

/*
 * The lowest window of @len bytes, aligned to @align, below 4 GiB and
 * above page 0, clear of everything. O(candidates), each O(log n): a
 * candidate that hits something jumps past the thing it hit.
 */
static int place_window(struct ioas_space *s, uint64_t len, uint64_t align,
			uint64_t *out)
{
	uint64_t cand = align > s->cfg.page_size ? align : s->cfg.page_size;

	cand = (cand + align - 1) & ~(align - 1);
	while (cand <= FOUR_GIB - len) {
		uint64_t last = cand + len - 1, skip = cand;
		struct itree_node *n;
		size_t i;

		n = itree_iter_first(&s->resv, cand, last);
		if (!n)
			n = itree_iter_first(&s->maps, cand, last);
		if (n) {
			skip = n->last;
		} else {
			for (i = 0; i < s->allowed.nr; i++)
				if (ioas_range_overlaps(&s->allowed.v[i],
							&(struct ioas_range){
								cand, last }))
					skip = s->allowed.v[i].last;
		}
		if (skip == cand) {
			*out = cand;
			return 0;
		}
		if (skip >= FOUR_GIB - 1)
			break;
		cand = (skip + align) & ~(align - 1);
	}
	return -ENOSPC;
}

int msi_attach_prepare(struct ioas_space *s, struct sgroup *g,
		       struct sdomain *dom, bool new_domain,
		       struct msi_prep *prep, struct ioas_why *why)
{
	const struct ioas_region *r = group_sw_msi(s, g);
	struct ioas_region win;
	uint64_t len, align, gran, base;

	memset(prep, 0, sizeof(*prep));
	if (!r)
		return 0;
	switch (s->cfg.profile) {
	case IOAS_PROFILE_TYPE1:
		/* The cookie goes on new domains only; a group joining an
		 * existing one has its base ignored. */
		if (!new_domain)
			return 0;
		break;
	case IOAS_PROFILE_IOMMUFD:
		if (dom->cookie)
			return 0;
		break;
	default:
		prep->want = true;
		if (s->window)
			return 0;
		break;
	}
	if (s->cfg.profile != IOAS_PROFILE_NATIVE) {
		/* MSI cookie pages are PAGE_SIZE, whatever the domain. */
		prep->cookie = cookie_new(r, s->cfg.page_size, false);
		return prep->cookie ? 0 : -ENOMEM;
	}

	/* native: place the space's window. */
	len = r->range.last - r->range.start;
	if (len == UINT64_MAX || len + 1 > FOUR_GIB / 2) {
		if (why) {
			why->region = *r;
			why->flags |= IOAS_WHY_REGION | IOAS_WHY_GROUP;
			why->group = g->id;
			why->what = "the group's sw-msi window is too large to place below 4 GiB";
		}
		return -EINVAL;
	}
	len++;
	gran = s->cfg.page_size;
	if (lowbit_u64(dom->pgsizes) > gran)
		gran = lowbit_u64(dom->pgsizes);
	if (len < gran)
		len = gran;
	align = roundup_pow2_u64(len);
	base = r->range.start;
	if ((base & (gran - 1)) || base > UINT64_MAX - (len - 1) ||
	    !iova_free(s, base, base + len - 1)) {
		if (place_window(s, len, align, &base)) {
			if (why) {
				why->region = *r;
				why->flags |= IOAS_WHY_REGION | IOAS_WHY_GROUP |
					      IOAS_WHY_VALUE;
				why->group = g->id;
				why->value = len;
				why->what = "no free window below 4 GiB for the MSI doorbells";
			}
			return -ENOSPC;
		}
	}
	win = *r;
	win.range.start = base;
	win.range.last = base + len - 1;
	prep->cookie = cookie_new(&win, gran, true);
	if (!prep->cookie)
		return -ENOMEM;
	prep->resv = ioas_calloc_(1, sizeof(*prep->resv));
	if (!prep->resv) {
		ioas_free_(prep->cookie);
		prep->cookie = NULL;
		return -ENOMEM;
	}
	prep->resv->kind = SRESV_MSI;
	prep->resv->owner = prep->cookie;
	prep->resv->group = g->id;
	prep->resv->region = prep->cookie->region;
	prep->resv->node.start = base;
	prep->resv->node.last = base + len - 1;
	prep->cookie->asked = r->range.start;
	return 0;
}

void msi_attach_commit(struct ioas_space *s, struct sdomain *dom,
		       struct msi_prep *prep)
{
	if (s->cfg.profile != IOAS_PROFILE_NATIVE) {
		if (prep->cookie)
			dom->cookie = prep->cookie;
		return;
	}
	if (prep->cookie) {
		s->window = prep->cookie;
		itree_insert(&s->resv, &prep->resv->node);
		space_fidx_drop_(s);
	}
	/* Every domain of a native space that has a window uses it once a
	 * group asking for it arrives. */
	if (s->window && !dom->cookie && prep->want) {
		dom->cookie = s->window;
		s->window->nr_domains++;
	}
}

void msi_attach_abort(struct msi_prep *prep)
{
	ioas_free_(prep->resv);
	ioas_free_(prep->cookie);
	memset(prep, 0, sizeof(*prep));
}

void msi_group_detach(struct ioas_space *s, struct sgroup *g)
{
	struct scookie *c = g->dom ? g->dom->cookie : NULL;
	struct itree_node *n, *next;
	size_t i;

	(void)s;
	if (!c || !c->native)
		return;
	/* native: drop everything this group still holds. */
	for (n = itree_first(&c->pages); n; n = next) {
		struct smsi_page *p = page_of(n);

		next = itree_next(n);
		for (i = 0; i < p->nr_users; i++) {
			if (p->users[i].group != g->id)
				continue;
			p->refs -= p->users[i].refs;
			p->users[i] = p->users[--p->nr_users];
			break;
		}
		if (!p->refs) {
			itree_remove(&c->pages, n);
			page_free(p);
		}
	}
}

void msi_domain_free(struct ioas_space *s, struct sdomain *dom)
{
	struct scookie *c = dom->cookie;
	struct itree_node *n;

	dom->cookie = NULL;
	if (!c)
		return;
	if (!c->native) {
		/* Linux frees the cookie, and every MSI page, with the
		 * domain. */
		cookie_free(s, c);
		return;
	}
	if (--c->nr_domains)
		return;
	/* The window's last domain went: give its IOVA back. */
	for (n = itree_first(&s->resv); n; n = itree_next(n)) {
		struct sresv *v = itree_entry(n, struct sresv, node);

		if (v->kind == SRESV_MSI && v->owner == c) {
			itree_remove(&s->resv, n);
			ioas_free_(v);
			space_fidx_drop_(s);
			break;
		}
	}
	s->window = NULL;
	cookie_free(s, c);
}

void msi_space_free(struct ioas_space *s)
{
	struct sdomain *d;

	for (d = s->domains; d; d = d->next)
		if (d->cookie && !d->cookie->native)
			cookie_free(s, d->cookie);
	if (s->window)
		cookie_free(s, s->window);
	s->window = NULL;
}

struct smsi_page *msi_spill_overlap(struct ioas_space *s, uint64_t start,
				    uint64_t last)
{
	return spill_of(itree_iter_first(&s->spill, start, last));
}

static struct smsi_page *page_find_phys(struct scookie *c, uint64_t phys)
{
	struct itree_node *n;

	itree_for_each(n, &c->pages)
		if (page_of(n)->phys == phys)
			return page_of(n);
	return NULL;
}

static void fill_out(struct ioas_msi_doorbell *out, const struct scookie *c,
		     const struct smsi_page *p, uint64_t phys, uint32_t flags)
{
	memset(out, 0, sizeof(*out));
	out->flags = flags;
	if (!p) {
		out->iova = phys;
		return;
	}
	out->iova = p->node.start + (phys & (c->granule - 1));
	out->page.start = p->node.start;
	out->page.last = p->node.last;
	out->phys_page = p->phys;
	out->refs = c->native ? p->refs : 1;
	if (p->spilled)
		out->flags |= IOAS_MSI_SPILLED;
}

static void why_window(struct ioas_why *why, const struct scookie *c,
		       uint32_t group, const char *what)
{
	if (!why)
		return;
	why->region = c->region;
	why->group = group;
	why->flags |= IOAS_WHY_REGION | IOAS_WHY_GROUP;
	if (!why->what)
		why->what = what;
}

/* native: count one more user from @group. */
static int page_ref(struct smsi_page *p, uint32_t group)
{
	struct smsi_user *u;
	size_t i;

	for (i = 0; i < p->nr_users; i++) {
		if (p->users[i].group == group) {
			p->users[i].refs++;
			p->refs++;
			return 0;
		}
	}
	u = ioas_realloc_(p->users, p->nr_users + 1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	p->users = u;
	p->users[p->nr_users].group = group;
	p->users[p->nr_users].refs = 1;
	p->nr_users++;
	p->refs++;
	return 0;
}

/*
 * The window serving @group's domain, in *@c. An attached group whose
 * domain has none gets the untranslated answer in @out and *@c = NULL.
 */
static int group_cookie(struct ioas_space *s, uint32_t group, uint64_t phys,
			struct ioas_msi_doorbell *out, struct ioas_why *why,
			struct scookie **c)
{
	struct sgroup *g = space_group_find_(s, group);

	*c = NULL;
	if (why) {
		why->group = group;
		why->flags |= IOAS_WHY_GROUP;
	}
	if (!g) {
		if (why)
			why->what = "group is not attached";
		return -ENOENT;
	}
	*c = g->dom->cookie;
	if (!*c)
		fill_out(out, NULL, NULL, phys, IOAS_MSI_UNTRANSLATED);
	return 0;
}

static int map_locked(struct ioas_space *s, uint32_t group, uint64_t phys,
		      struct ioas_msi_doorbell *out, struct ioas_why *why)
{
	struct scookie *c;
	struct smsi_page *p;
	uint64_t pp, iova, last;
	int ret;

	ret = group_cookie(s, group, phys, out, why, &c);
	if (ret || !c)
		return ret;
	pp = phys & ~(c->granule - 1);
	p = page_find_phys(c, pp);
	if (p) {
		if (c->native) {
			ret = page_ref(p, group);
			if (ret)
				return ret;
		}
		fill_out(out, c, p, phys, IOAS_MSI_SHARED);
		return 0;
	}

	if (c->native) {
		/* The lowest free page of the window. */
		struct itree_node *n;

		iova = c->region.range.start;
		itree_for_each(n, &c->pages) {
			if (n->start != iova)
				break;
			iova = n->last + 1;
		}
		if (iova > c->region.range.last ||
		    c->region.range.last - iova < c->granule - 1) {
			why_window(why, c, group,
				   "the MSI window is full");
			if (why) {
				why->value = (c->region.range.last -
					      c->region.range.start + 1) /
					     c->granule;
				why->flags |= IOAS_WHY_VALUE;
			}
			return -ENOSPC;
		}
	} else {
		/* iommu_dma_get_msi_page(): the next page of the bump
		 * pointer, with no upper bound. */
		iova = c->next;
		if (iova > UINT64_MAX - (c->granule - 1)) {
			why_window(why, c, group,
				   "the MSI cookie's bump pointer ran off the top of the IOVA space");
			return -ENOMEM;
		}
	}
	last = iova + c->granule - 1;
	if (!c->native && !in_window(c, iova, last)) {
		struct itree_node *m = itree_iter_first(&s->maps, iova, last);

		if (m) {
			/* iommu_map() fails on the user's page: the kernel
			 * rolls the bump pointer back and says -ENOMEM. */
			why_window(why, c, group,
				   "the doorbell page would spill past the sw-msi window (Linux's MSI cookie has no bound) onto a user mapping");
			if (why) {
				why->range.start = iova;
				why->range.last = last;
				why->other.start = m->start;
				why->other.last = m->last;
				why->flags |= IOAS_WHY_RANGE | IOAS_WHY_OTHER;
			}
			return -ENOMEM;
		}
	}
	p = ioas_calloc_(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->node.start = iova;
	p->node.last = last;
	p->phys = pp;
	if (c->native) {
		ret = page_ref(p, group);
		if (ret) {
			page_free(p);
			return ret;
		}
	} else {
		p->refs = 1;
		c->next = last + 1 ? last + 1 : last;
		if (!in_window(c, iova, last)) {
			p->spilled = true;
			p->snode.start = iova;
			p->snode.last = last;
			itree_insert(&s->spill, &p->snode);
		}
	}
	itree_insert(&c->pages, &p->node);
	fill_out(out, c, p, phys, 0);
	return 0;
}

IOAS_EXPORT int ioas_msi_map(struct ioas_space *s, uint32_t group,
			     uint64_t phys, struct ioas_msi_doorbell *out,
			     struct ioas_why *why)
{
	struct ioas_msi_doorbell tmp;
	int ret;

	if (why)
		memset(why, 0, sizeof(*why));
	if (!s || !out)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	ret = map_locked(s, group, phys, &tmp, why);
	pthread_mutex_unlock(&s->lock);
	if (!ret) {
		*out = tmp;
		if (why)
			memset(why, 0, sizeof(*why));
	}
	return ret;
}

static int unmap_locked(struct ioas_space *s, uint32_t group, uint64_t phys,
			struct ioas_msi_doorbell *out, struct ioas_why *why)
{
	struct scookie *c;
	struct smsi_page *p;
	uint64_t pp;
	size_t i;
	int ret;

	ret = group_cookie(s, group, phys, out, why, &c);
	if (ret || !c)
		return ret;
	pp = phys & ~(c->granule - 1);
	p = page_find_phys(c, pp);
	if (!p) {
		why_window(why, c, group,
			   "no doorbell is mapped for that physical page");
		return -ENOENT;
	}
	if (!c->native) {
		/* Linux never releases an MSI page before its domain. */
		fill_out(out, c, p, phys, 0);
		return 0;
	}
	for (i = 0; i < p->nr_users; i++)
		if (p->users[i].group == group)
			break;
	if (i == p->nr_users) {
		why_window(why, c, group,
			   "the group never mapped a doorbell in that page");
		return -ENOENT;
	}
	p->refs--;
	if (!--p->users[i].refs)
		p->users[i] = p->users[--p->nr_users];
	fill_out(out, c, p, phys, 0);
	if (!p->refs) {
		out->flags |= IOAS_MSI_RELEASED;
		itree_remove(&c->pages, &p->node);
		page_free(p);
	}
	return 0;
}

IOAS_EXPORT int ioas_msi_unmap(struct ioas_space *s, uint32_t group,
			       uint64_t phys, struct ioas_msi_doorbell *out,
			       struct ioas_why *why)
{
	struct ioas_msi_doorbell tmp;
	int ret;

	if (why)
		memset(why, 0, sizeof(*why));
	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	ret = unmap_locked(s, group, phys, &tmp, why);
	pthread_mutex_unlock(&s->lock);
	if (!ret) {
		if (out)
			*out = tmp;
		if (why)
			memset(why, 0, sizeof(*why));
	}
	return ret;
}

IOAS_EXPORT int ioas_msi_window(struct ioas_space *s, uint32_t group,
				struct ioas_msi_window *out)
{
	struct sgroup *g;
	struct scookie *c;
	int ret = 0;

	if (!s || !out)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	g = space_group_find_(s, group);
	c = g ? g->dom->cookie : NULL;
	if (!c) {
		ret = -ENOENT;
	} else {
		memset(out, 0, sizeof(*out));
		out->window = c->region.range;
		out->granule = c->granule;
		out->next = c->native ? 0 : c->next;
		out->nr_pages = (uint32_t)c->pages.count;
		out->capacity = (uint32_t)((c->region.range.last -
					    c->region.range.start) /
						   c->granule +
					   1);
		out->origin = c->region.origin;
		if (c->native) {
			out->flags = IOAS_MSI_WINDOW_BOUNDED |
				     IOAS_MSI_WINDOW_RELEASES;
			if (c->asked != c->region.range.start)
				out->flags |= IOAS_MSI_WINDOW_MOVED;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int check_cookie(struct ioas_space *s, struct scookie *c)
{
	struct itree_node *n, *m;
	size_t i;
	uint32_t sum;

	if (itree_check(&c->pages))
		return -EUCLEAN;
	itree_for_each(n, &c->pages) {
		struct smsi_page *p = page_of(n);
		bool inside = in_window(c, n->start, n->last);

		if ((n->start & (c->granule - 1)) ||
		    n->last - n->start + 1 != c->granule ||
		    (p->phys & (c->granule - 1)))
			return -EUCLEAN;
		for (m = itree_next(n); m; m = itree_next(m))
			if (page_of(m)->phys == p->phys ||
			    m->start <= n->last)
				return -EUCLEAN;
		if (c->native) {
			if (!inside || p->spilled)
				return -EUCLEAN;
			for (i = 0, sum = 0; i < p->nr_users; i++)
				sum += p->users[i].refs;
			if (sum != p->refs || !p->refs)
				return -EUCLEAN;
		} else if (p->spilled == inside) {
			return -EUCLEAN;
		} else if (p->spilled &&
			   spill_of(itree_iter_first(&s->spill, n->start,
						     n->last)) != p) {
			return -EUCLEAN;
		}
	}
	return 0;
}

int msi_check(struct ioas_space *s)
{
	struct sdomain *d;
	size_t spilled = 0;
	struct itree_node *n;

	if (itree_check(&s->spill))
		return -EUCLEAN;
	for (d = s->domains; d; d = d->next) {
		if (!d->cookie)
			continue;
		if (d->cookie->native != space_is_native_(s))
			return -EUCLEAN;
		if (d->cookie->native) {
			if (d->cookie != s->window)
				return -EUCLEAN;
			continue;
		}
		if (check_cookie(s, d->cookie))
			return -EUCLEAN;
		itree_for_each(n, &d->cookie->pages)
			spilled += page_of(n)->spilled;
	}
	if (spilled != s->spill.count)
		return -EUCLEAN;
	if (s->window) {
		unsigned int users = 0;
		bool found = false;

		for (d = s->domains; d; d = d->next)
			users += d->cookie == s->window;
		if (users != s->window->nr_domains || !users)
			return -EUCLEAN;
		itree_for_each(n, &s->resv) {
			struct sresv *v = itree_entry(n, struct sresv, node);

			if (v->kind == SRESV_MSI && v->owner == s->window &&
			    n->start == s->window->region.range.start &&
			    n->last == s->window->region.range.last)
				found = true;
		}
		if (!found || check_cookie(s, s->window))
			return -EUCLEAN;
	}
	return 0;
}
