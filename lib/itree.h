/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * itree: the one ordered interval structure of libioas (internal).
 *
 * An intrusive AVL tree of closed intervals [start, last], ordered by start
 * (ties: the node inserted later sorts after the earlier one), augmented
 * with the largest 'last' in each subtree so that "first node overlapping
 * [s, l]" is O(log n) and each further overlapping node is O(log n)
 * amortised, as in Linux's interval_tree. Nodes may overlap each other
 * (iommufd's reserved tree needs that); users that want disjoint nodes check
 * before inserting.
 *
 * The node is embedded in the owner's struct (container_of style); the tree
 * never allocates, so insert and remove cannot fail. Height is bounded by
 * 1.44 log2(n + 2), which is what makes every operation O(log n) in the
 * worst case, not just on average.
 *
 * No locking: the owner serialises access.
 */
#ifndef IOAS_ITREE_H
#define IOAS_ITREE_H

#include <stddef.h>
#include <stdint.h>

struct itree_node {
	struct itree_node *left, *right, *parent;
	uint64_t start;
	uint64_t last;
	uint64_t subtree_last; /* max 'last' in this subtree */
	int height;            /* AVL height, leaf = 1 */
};

struct itree {
	struct itree_node *root;
	size_t count;
};

#define ITREE_INIT { NULL, 0 }

#define itree_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void itree_init(struct itree *t)
{
	t->root = NULL;
	t->count = 0;
}

/* Insert @n; n->start and n->last must be set, start <= last. */
void itree_insert(struct itree *t, struct itree_node *n);
/* Remove @n, which must be in @t. */
void itree_remove(struct itree *t, struct itree_node *n);

/* In-order walk: first/last node, successor/predecessor; NULL at the end. */
struct itree_node *itree_first(const struct itree *t);
struct itree_node *itree_last(const struct itree *t);
struct itree_node *itree_next(const struct itree_node *n);
struct itree_node *itree_prev(const struct itree_node *n);

/*
 * Overlap queries: the lowest-start node that intersects [start, last], and
 * the next one after @n (in tree order) that intersects it. NULL when none.
 */
struct itree_node *itree_iter_first(const struct itree *t, uint64_t start,
				    uint64_t last);
struct itree_node *itree_iter_next(const struct itree_node *n, uint64_t start,
				   uint64_t last);

/* The node with the greatest start <= @addr (NULL if none). O(log n). */
struct itree_node *itree_floor(const struct itree *t, uint64_t addr);

/*
 * Verify the AVL balance, ordering, parent links, subtree_last and count.
 * Returns 0 if sound, -EUCLEAN otherwise. O(n); for tests and
 * ioas_space_check().
 */
int itree_check(const struct itree *t);

#define itree_for_each(pos, t) \
	for ((pos) = itree_first(t); (pos); (pos) = itree_next(pos))

#define itree_for_each_overlap(pos, t, s, l)                  \
	for ((pos) = itree_iter_first((t), (s), (l)); (pos); \
	     (pos) = itree_iter_next((pos), (s), (l)))

#endif /* IOAS_ITREE_H */
