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
};

struct sdomain;

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
	struct sdomain *next; /* creation order */
};

enum sresv_kind {
	SRESV_REGION,   /* a group's reserved region */
	SRESV_APERTURE, /* outside a domain's aperture */
	SRESV_SPACE,    /* outside a native space's own aperture */
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

	/* iommufd and native */
	struct itree resv;
	struct ioas_range_list allowed;
	uint64_t iova_alignment;
};

#endif /* IOAS_SPACE_INTERNAL_H */
