/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct ioas_space and its parts (internal; see space.c for the model).
 *
 * Lock order: ioas_space.lock is the only lock; it protects every field
 * below it. Public entry points take it; static helpers assume it is held
 * (space_assert_held()).
 */
#ifndef IOAS_SPACE_INTERNAL_H
#define IOAS_SPACE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ioas/space.h>

#include "itree.h"

/* A user mapping (type1 vfio_dma, iommufd iopt_area). */
struct smap {
	struct itree_node node; /* [iova, last] */
	uint64_t va;
	uint32_t prot;
	bool writable; /* iommufd: its pages were pinned for writing (the
			* MAP that made them had WRITE; a COPY shares them) */
};

struct sdomain;
struct scookie;

/* An attached group. */
struct sgroup {
	uint32_t id;
	uint32_t flags;
	struct ioas_range aperture;
	uint64_t pgsizes;
	/* Regions as given (device order, iommufd reserves in this order). */
	struct ioas_region *regions;
	size_t nr_regions;
	/* The same, merged with the kernel's group rules (type1, reports). */
	struct ioas_region_list merged;
	struct sdomain *dom;
	struct sgroup *next; /* attach order */
};

/* An IOMMU domain shared by compatible groups. */
struct sdomain {
	struct ioas_range aperture;
	uint64_t pgsizes;
	unsigned int nr_groups;
	struct scookie *cookie; /* MSI window: owned (Linux profiles) or the
				 * space's (native); NULL = untranslated */
	struct sdomain *next; /* creation order */
};

/* A doorbell page mapped in an MSI window (iommu_dma_msi_page). */
struct smsi_user {
	uint32_t group;
	uint32_t refs;
};

struct smsi_page {
	struct itree_node node;  /* its IOVA page, in scookie.pages */
	struct itree_node snode; /* in ioas_space.spill when spilled */
	uint64_t phys;           /* physical page */
	uint32_t refs;
	bool spilled;
	struct smsi_user *users; /* native: per-group counts */
	size_t nr_users;
};

/* An MSI cookie (Linux) or a native space's window. */
struct scookie {
	struct ioas_region region; /* the sw-msi window */
	uint64_t granule;
	uint64_t next;             /* Linux bump pointer */
	struct itree pages;
	bool native;
	unsigned int nr_domains;   /* native: domains using it */
	uint64_t asked;            /* native: the base the group asked for */
};

enum sresv_kind {
	SRESV_REGION,   /* a group's reserved region */
	SRESV_APERTURE, /* outside a domain's aperture */
	SRESV_SPACE,    /* outside a native space's own aperture */
	SRESV_MSI,      /* a native space's MSI window */
};

/* iommufd/native reserved range (iopt_reserved); may overlap others. */
struct sresv {
	struct itree_node node;
	uint32_t kind;
	const void *owner; /* struct sgroup *, struct sdomain * or the space */
	uint32_t group;    /* group id for SRESV_REGION */
	struct ioas_region region;
};

struct ioas_space {
	pthread_mutex_t lock;
	struct ioas_space_config cfg; /* normalised, immutable */

	/* protected by lock: */
	struct itree maps;
	uint64_t mapped_bytes;
	struct sgroup *groups;
	unsigned int nr_groups;
	struct sdomain *domains;
	unsigned int nr_domains;

	/* type1 */
	bool t1_set;                 /* container has an IOMMU (>= 1 group) */
	struct ioas_range_list iova; /* vfio_iommu.iova_list */
	uint32_t dma_avail;
	uint64_t pgsize_bitmap;

	/* MSI: Linux-profile doorbell pages past their window; native window */
	struct itree spill;
	struct scookie *window;

	/* iommufd and native */
	struct itree resv;
	struct ioas_range_list allowed;
	uint64_t iova_alignment;

	/*
	 * native: the free-IOVA index (lib/iova.c) for automatic maps, in
	 * pfns of fidx_granule bytes: every reservation reserved, every
	 * mapping claimed. Derived data, built on demand: NULL when stale
	 * (a reservation came or went, or an update ran out of memory).
	 */
	struct ioas_iova_domain *fidx;
	uint64_t fidx_granule;
};

/* A reservation came or went: the native free-IOVA index is stale. */
void space_fidx_drop_(struct ioas_space *s);

/* msi.c, called by space.c with the lock held */
struct msi_prep {
	struct scookie *cookie; /* new cookie or window to install */
	struct sresv *resv;     /* native: the window's reservation */
	bool want;              /* native: the group wants the window */
};

int msi_attach_prepare(struct ioas_space *s, struct sgroup *g,
		       struct sdomain *dom, bool new_domain,
		       struct msi_prep *prep, struct ioas_why *why);
void msi_attach_commit(struct ioas_space *s, struct sdomain *dom,
		       struct msi_prep *prep);
void msi_attach_abort(struct msi_prep *prep);
void msi_group_detach(struct ioas_space *s, struct sgroup *g);
void msi_domain_free(struct ioas_space *s, struct sdomain *dom);
void msi_space_free(struct ioas_space *s);
struct smsi_page *msi_spill_overlap(struct ioas_space *s, uint64_t start,
				    uint64_t last);
int msi_check(struct ioas_space *s);

/* space.c helpers msi.c uses */
struct sgroup *space_group_find_(struct ioas_space *s, uint32_t id);
bool space_is_native_(const struct ioas_space *s);

#endif /* IOAS_SPACE_INTERNAL_H */
