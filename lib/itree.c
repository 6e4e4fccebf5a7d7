// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * itree: intrusive AVL interval tree (see itree.h for the contract).
 *
 * This file owns the tree shape only; nodes belong to their embedders and
 * are never allocated or freed here, so nothing can fail. Invariants, all
 * verified by itree_check(): the in-order walk is non-decreasing in start,
 * with equal starts in insertion order (insert sends ties right, and
 * rotations and the successor swap in remove preserve in-order position);
 * every node's height is 1 + the taller child's and the two differ by at
 * most one; subtree_last is the largest 'last' in the node's subtree;
 * parent links mirror child links and the root's parent is NULL. Intervals
 * are closed [start, last], so the overlap tests compare with <= and never
 * compute last + 1; nothing here can wrap at UINT64_MAX. After any change
 * we recompute height and subtree_last on every node from the change up to
 * the root: that is at most 1.44 log2(n) nodes, and it saves reasoning
 * about when an early stop is safe for the augmentation.
 */
#include <errno.h>
#include <stdbool.h>

#include "itree.h"

static inline int height(const struct itree_node *n)
{
	return n ? n->height : 0;
}

static void update(struct itree_node *n)
{
	int hl = height(n->left), hr = height(n->right);
	uint64_t sl = n->last;

	n->height = 1 + (hl > hr ? hl : hr);
	if (n->left && n->left->subtree_last > sl)
		sl = n->left->subtree_last;
	if (n->right && n->right->subtree_last > sl)
		sl = n->right->subtree_last;
	n->subtree_last = sl;
}

/* Make @new take @old's place under @parent (or as the root). */
static void replace_child(struct itree *t, struct itree_node *parent,
			  struct itree_node *old, struct itree_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

static struct itree_node *rotate_left(struct itree *t, struct itree_node *x)
{
	struct itree_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

static struct itree_node *rotate_right(struct itree *t, struct itree_node *x)
{
	struct itree_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

/* Restore heights, balance and subtree_last from @n up to the root. */
static void fixup(struct itree *t, struct itree_node *n)
{
	while (n) {
		int bf;

		update(n);
		bf = height(n->left) - height(n->right);
		if (bf > 1) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (bf < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

void itree_insert(struct itree *t, struct itree_node *n)
{
	struct itree_node *parent = NULL, **link = &t->root;

	while (*link) {
		parent = *link;
		link = n->start < parent->start ? &parent->left :
						  &parent->right;
	}
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	n->subtree_last = n->last;
	*link = n;
	t->count++;
	fixup(t, parent);
}

void itree_remove(struct itree *t, struct itree_node *n)
{
	struct itree_node *from;

	if (!n->left || !n->right) {
		from = n->parent;
		replace_child(t, n->parent, n, n->left ? n->left : n->right);
	} else {
		/* Put the in-order successor @s where @n was. */
		struct itree_node *s = n->right;

		while (s->left)
			s = s->left;
		if (s == n->right) {
			from = s;
		} else {
			from = s->parent;
			from->left = s->right;
			if (s->right)
				s->right->parent = from;
			s->right = n->right;
			n->right->parent = s;
		}
		s->left = n->left;
		n->left->parent = s;
		replace_child(t, n->parent, n, s);
	}
	t->count--;
	n->left = n->right = n->parent = NULL;
	fixup(t, from);
}

static struct itree_node *leftmost(struct itree_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

static struct itree_node *rightmost(struct itree_node *n)
{
	while (n && n->right)
		n = n->right;
	return n;
}

struct itree_node *itree_first(const struct itree *t)
{
	return leftmost(t->root);
}

struct itree_node *itree_last(const struct itree *t)
{
	return rightmost(t->root);
}

struct itree_node *itree_next(const struct itree_node *n)
{
	struct itree_node *p;

	if (n->right)
		return leftmost(n->right);
	for (p = n->parent; p && p->right == n; p = p->parent)
		n = p;
	return p;
}

struct itree_node *itree_prev(const struct itree_node *n)
{
	struct itree_node *p;

	if (n->left)
		return rightmost(n->left);
	for (p = n->parent; p && p->left == n; p = p->parent)
		n = p;
	return p;
}

/*
 * The first node in tree order under @n that overlaps [start, last], given
 * n->subtree_last >= start. Descending left whenever the left subtree
 * reaches @start finds the first node with node->last >= start; if that one
 * starts after @last, so does everything after it, and there is no match.
 */
static struct itree_node *subtree_search(struct itree_node *n, uint64_t start,
					 uint64_t last)
{
	for (;;) {
		if (n->left && n->left->subtree_last >= start) {
			n = n->left;
			continue;
		}
		if (n->start > last)
			return NULL;
		if (n->last >= start)
			return n;
		n = n->right;
		if (!n || n->subtree_last < start)
			return NULL;
	}
}

struct itree_node *itree_iter_first(const struct itree *t, uint64_t start,
				    uint64_t last)
{
	if (!t->root || t->root->subtree_last < start)
		return NULL;
	return subtree_search(t->root, start, last);
}

struct itree_node *itree_iter_next(const struct itree_node *n, uint64_t start,
				   uint64_t last)
{
	const struct itree_node *prev;
	struct itree_node *p;

	/* Precondition, as in Linux: n->start <= last. */
	for (;;) {
		/* What follows @n inside its right subtree comes first. */
		if (n->right && n->right->subtree_last >= start)
			return subtree_search(n->right, start, last);
		/* Climb until we come up from a left child. */
		do {
			prev = n;
			p = n->parent;
			if (!p)
				return NULL;
			n = p;
		} while (p->right == prev);
		if (p->start > last)
			return NULL;
		if (p->last >= start)
			return p;
	}
}

struct itree_node *itree_floor(const struct itree *t, uint64_t addr)
{
	struct itree_node *n = t->root, *best = NULL;

	/* Going right on equality returns the last of equal starts. */
	while (n) {
		if (n->start <= addr) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/*
 * Checks each node of the subtree at @n against its own fields and its
 * children's, and its start against the bounds [lo, hi] set by its
 * ancestors. Local checks at every node prove the stored heights and
 * subtree_last values true, by induction from the leaves. A corrupted tree
 * can still claim any height, so the depth cap keeps recursion bounded; a
 * sound AVL tree of 2^64 nodes is under 93 levels deep.
 */
static int check_node(const struct itree_node *n,
		      const struct itree_node *parent, uint64_t lo,
		      uint64_t hi, int depth, size_t *count)
{
	int hl = height(n->left), hr = height(n->right);
	uint64_t sl = n->last;

	if (depth > 96 || n->parent != parent || n->start > n->last ||
	    n->start < lo || n->start > hi)
		return -EUCLEAN;
	if (n->height != 1 + (hl > hr ? hl : hr) || hl - hr > 1 || hr - hl > 1)
		return -EUCLEAN;
	if (n->left && n->left->subtree_last > sl)
		sl = n->left->subtree_last;
	if (n->right && n->right->subtree_last > sl)
		sl = n->right->subtree_last;
	if (n->subtree_last != sl)
		return -EUCLEAN;
	++*count;
	if (n->left &&
	    check_node(n->left, n, lo, n->start, depth + 1, count))
		return -EUCLEAN;
	if (n->right &&
	    check_node(n->right, n, n->start, hi, depth + 1, count))
		return -EUCLEAN;
	return 0;
}

int itree_check(const struct itree *t)
{
	size_t count = 0;

	if (t->root && check_node(t->root, NULL, 0, UINT64_MAX, 0, &count))
		return -EUCLEAN;
	return count == t->count ? 0 : -EUCLEAN;
}
