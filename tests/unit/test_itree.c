// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for the internal interval tree (lib/itree.h).
 *
 * Small hand-built trees pin down each behaviour: in-order walks, the
 * insertion order of equal starts, the three removal shapes, closed-interval
 * overlap queries that must find long nodes hidden deep in a subtree, floor
 * lookups, nodes at UINT64_MAX, and itree_check() catching each kind of
 * corruption. itree_check() runs after every mutation. A seeded random walk
 * then compares the tree against a brute-force array model.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "itree.h"

#define MAX UINT64_MAX

struct item {
	struct itree_node node;
	int id;
	bool in;
};

static void t_insert(struct itree *t, struct item *it, uint64_t s, uint64_t l)
{
	it->node.start = s;
	it->node.last = l;
	it->in = true;
	itree_insert(t, &it->node);
	assert_int_equal(itree_check(t), 0);
}

static void t_remove(struct itree *t, struct item *it)
{
	itree_remove(t, &it->node);
	it->in = false;
	assert_int_equal(itree_check(t), 0);
}

static int id_of(struct itree_node *n)
{
	return n ? itree_entry(n, struct item, node)->id : -1;
}

/* The in-order walk, forwards and backwards, yields exactly @ids. */
static void t_order_is_(const struct itree *t, const int *ids, size_t n)
{
	struct itree_node *pos;
	size_t i = 0;

	assert_int_equal(t->count, n);
	itree_for_each(pos, t) {
		assert_true(i < n);
		assert_int_equal(id_of(pos), ids[i++]);
	}
	assert_int_equal(i, n);
	for (pos = itree_last(t); pos; pos = itree_prev(pos))
		assert_int_equal(id_of(pos), ids[--i]);
	assert_int_equal(i, 0);
}

#define t_order_is(t, ...)                                             \
	do {                                                           \
		const int ids_[] = { __VA_ARGS__ };                    \
		t_order_is_((t), ids_, sizeof(ids_) / sizeof(ids_[0])); \
	} while (0)

/* The overlap iteration over [s, l] yields exactly @ids. */
static void t_overlap_is_(const struct itree *t, uint64_t s, uint64_t l,
			  const int *ids, size_t n)
{
	struct itree_node *pos;
	size_t i = 0;

	itree_for_each_overlap(pos, t, s, l) {
		assert_true(i < n);
		assert_int_equal(id_of(pos), ids[i++]);
	}
	assert_int_equal(i, n);
}

#define t_overlap_is(t, s, l, ...)                                       \
	do {                                                             \
		const int ids_[] = { __VA_ARGS__ };                      \
		t_overlap_is_((t), (s), (l), ids_,                       \
			      sizeof(ids_) / sizeof(ids_[0]));           \
	} while (0)

#define t_overlap_none(t, s, l) assert_null(itree_iter_first((t), (s), (l)))

static void init_items(struct item *it, size_t n)
{
	size_t i;

	memset(it, 0, n * sizeof(*it));
	for (i = 0; i < n; i++)
		it[i].id = (int)i;
}

static void test_itree_empty_tree_has_nothing(void **state)
{
	struct itree t = ITREE_INIT, u;

	(void)state;
	/* An empty tree is sound and yields nothing */
	assert_int_equal(itree_check(&t), 0);
	assert_null(itree_first(&t));
	assert_null(itree_last(&t));
	assert_null(itree_floor(&t, MAX));
	t_overlap_none(&t, 0, MAX);
	/* itree_init gives the same */
	memset(&u, 0xa5, sizeof(u));
	itree_init(&u);
	assert_null(u.root);
	assert_int_equal(u.count, 0);
}

static void test_itree_insert_walks_in_start_order(void **state)
{
	static const uint64_t starts[] = { 50, 20, 80, 10, 30, 70, 90, 60 };
	struct item it[8];
	struct itree t = ITREE_INIT;
	size_t i;

	(void)state;
	init_items(it, 8);
	/* Insert out of order; the walk comes out sorted by start */
	for (i = 0; i < 8; i++)
		t_insert(&t, &it[i], starts[i], starts[i] + 5);
	t_order_is(&t, 3, 1, 4, 0, 7, 5, 2, 6);
	/* next/prev step between neighbours and stop at the ends */
	assert_int_equal(id_of(itree_next(&it[4].node)), 0);
	assert_int_equal(id_of(itree_prev(&it[0].node)), 4);
	assert_null(itree_prev(&it[3].node));
	assert_null(itree_next(&it[6].node));
}

static void test_itree_sorted_inserts_stay_balanced(void **state)
{
	static struct item it[1023];
	struct itree t = ITREE_INIT;
	size_t i;

	(void)state;
	init_items(it, 1023);
	/* Ascending inserts, the worst case for a naive BST, stay balanced */
	for (i = 0; i < 1023; i++)
		t_insert(&t, &it[i], i, i);
	assert_int_equal(t.root->height, 10);
	/* Descending removals keep it balanced */
	for (i = 1023; i-- > 512;)
		t_remove(&t, &it[i]);
	assert_true(t.root->height <= 10);
	assert_int_equal(t.count, 512);
}

static void test_itree_equal_starts_keep_insert_order(void **state)
{
	struct item it[8];
	struct itree t = ITREE_INIT;
	int i;

	(void)state;
	init_items(it, 8);
	/* Five nodes start at 10, interleaved with others */
	t_insert(&t, &it[0], 10, 10);
	t_insert(&t, &it[5], 5, 5);
	t_insert(&t, &it[1], 10, 20);
	t_insert(&t, &it[6], 15, 15);
	t_insert(&t, &it[2], 10, 11);
	t_insert(&t, &it[3], 10, 10);
	t_insert(&t, &it[7], 10 - 1, 100);
	t_insert(&t, &it[4], 10, 12);
	/* The equal starts come out in insertion order */
	t_order_is(&t, 5, 7, 0, 1, 2, 3, 4, 6);
	/* Removing some keeps the rest in order */
	t_remove(&t, &it[2]);
	t_remove(&t, &it[7]);
	t_order_is(&t, 5, 0, 1, 3, 4, 6);
	/* Re-inserting puts a node after all its equals */
	t_remove(&t, &it[0]);
	t_insert(&t, &it[0], 10, 10);
	t_order_is(&t, 5, 1, 3, 4, 0, 6);
	/* Overlap iteration follows the same order */
	t_overlap_is(&t, 10, 10, 1, 3, 4, 0);
	for (i = 0; i < 8; i++)
		if (it[i].in)
			t_remove(&t, &it[i]);
	assert_null(t.root);
}

static void test_itree_remove_every_shape(void **state)
{
	struct item it[7];
	struct itree t = ITREE_INIT;
	static const uint64_t starts[] = { 40, 20, 60, 10, 30, 50, 70 };
	size_t i;

	(void)state;
	init_items(it, 7);
	/* A perfect tree: 40 / 20 60 / 10 30 50 70 */
	for (i = 0; i < 7; i++)
		t_insert(&t, &it[i], starts[i], starts[i] + 100);
	assert_ptr_equal(t.root, &it[0].node);
	/* A leaf */
	t_remove(&t, &it[3]);
	t_order_is(&t, 1, 4, 0, 5, 2, 6);
	/* A node with one child */
	t_remove(&t, &it[1]);
	t_order_is(&t, 4, 0, 5, 2, 6);
	/* Inserting 55 rotates twice: 50 / 40 60 / 30 - 55 70 */
	t_insert(&t, &it[3], 55, 55);
	assert_ptr_equal(t.root, &it[5].node);
	assert_ptr_equal(it[5].node.left, &it[0].node);
	assert_ptr_equal(it[5].node.right, &it[2].node);
	assert_ptr_equal(it[2].node.left, &it[3].node);
	/* Two children, the successor (70) is the right child */
	t_remove(&t, &it[2]);
	t_order_is(&t, 4, 0, 5, 3, 6);
	assert_ptr_equal(it[6].node.left, &it[3].node);
	/* Two children, the successor (55) is deeper: the root goes */
	t_remove(&t, &it[5]);
	t_order_is(&t, 4, 0, 3, 6);
	assert_ptr_equal(t.root, &it[3].node);
	assert_int_equal(t.root->subtree_last, 170);
	/* Down to empty, always taking the root */
	while (t.root)
		t_remove(&t, itree_entry(t.root, struct item, node));
	assert_int_equal(t.count, 0);
}

static void test_itree_remove_clears_links(void **state)
{
	struct item it[3];
	struct itree t = ITREE_INIT;

	(void)state;
	init_items(it, 3);
	t_insert(&t, &it[0], 2, 2);
	t_insert(&t, &it[1], 1, 1);
	t_insert(&t, &it[2], 3, 3);
	/* A removed node holds no pointers into the tree */
	t_remove(&t, &it[0]);
	assert_null(it[0].node.left);
	assert_null(it[0].node.right);
	assert_null(it[0].node.parent);
	/* And can be inserted again */
	t_insert(&t, &it[0], 0, 0);
	t_order_is(&t, 0, 1, 2);
}

static void test_itree_overlap_is_closed_interval(void **state)
{
	struct item it[4];
	struct itree t = ITREE_INIT;

	(void)state;
	init_items(it, 4);
	t_insert(&t, &it[0], 10, 19);
	t_insert(&t, &it[1], 30, 39);
	t_insert(&t, &it[2], 50, 59);
	t_insert(&t, &it[3], 35, 52);
	/* Sharing the first or last byte counts */
	t_overlap_is(&t, 0, 10, 0);
	t_overlap_is(&t, 19, 29, 0);
	/* Gaps between nodes find nothing */
	t_overlap_none(&t, 20, 29);
	t_overlap_none(&t, 60, MAX);
	t_overlap_none(&t, 0, 9);
	/* Overlapping nodes are all found, in start order */
	t_overlap_is(&t, 36, 50, 1, 3, 2);
	t_overlap_is(&t, 40, 49, 3);
	t_overlap_is(&t, 0, MAX, 0, 1, 3, 2);
}

static void test_itree_overlap_finds_long_node_deep_left(void **state)
{
	static struct item it[64];
	struct itree t = ITREE_INIT;
	size_t i;

	(void)state;
	init_items(it, 64);
	/* One long node at the very left, short ones after it */
	t_insert(&t, &it[0], 0, 1000);
	for (i = 1; i < 64; i++)
		t_insert(&t, &it[i], i * 100, i * 100 + 9);
	/* Only subtree_last can lead the query to the long node */
	t_overlap_is(&t, 950, 960, 0);
	t_overlap_is(&t, 995, 1005, 0, 10);
	/* Past its end, it is skipped */
	t_overlap_is(&t, 1001, 1100, 10, 11);
	t_overlap_none(&t, 1010, 1099);
	/* iter_next from a match continues to the next match only */
	assert_int_equal(id_of(itree_iter_next(&it[0].node, 0, 250)), 1);
	assert_int_equal(id_of(itree_iter_next(&it[1].node, 0, 250)), 2);
	assert_null(itree_iter_next(&it[2].node, 0, 250));
}

static void test_itree_floor_finds_greatest_start(void **state)
{
	struct item it[6];
	struct itree t = ITREE_INIT;

	(void)state;
	init_items(it, 6);
	t_insert(&t, &it[0], 10, 10);
	t_insert(&t, &it[1], 20, 100);
	t_insert(&t, &it[2], 30, 30);
	/* Exact match and between starts; 'last' plays no part */
	assert_int_equal(id_of(itree_floor(&t, 20)), 1);
	assert_int_equal(id_of(itree_floor(&t, 29)), 1);
	assert_int_equal(id_of(itree_floor(&t, 10)), 0);
	/* Below every start there is no floor */
	assert_null(itree_floor(&t, 9));
	/* Above every start the floor is the last node */
	assert_int_equal(id_of(itree_floor(&t, MAX)), 2);
	/* With equal starts, the floor is the last inserted of them */
	t_insert(&t, &it[3], 20, 20);
	t_insert(&t, &it[4], 20, 25);
	assert_int_equal(id_of(itree_floor(&t, 21)), 4);
	/* Floor at 0 */
	assert_null(itree_floor(&t, 0));
	t_insert(&t, &it[5], 0, 0);
	assert_int_equal(id_of(itree_floor(&t, 0)), 5);
}

static void test_itree_nodes_at_uint64_max(void **state)
{
	struct item it[4];
	struct itree t = ITREE_INIT;

	(void)state;
	init_items(it, 4);
	t_insert(&t, &it[0], MAX, MAX);
	t_insert(&t, &it[1], 0, MAX);
	t_insert(&t, &it[2], MAX - 1, MAX);
	t_insert(&t, &it[3], 0, 0);
	assert_int_equal(t.root->subtree_last, MAX);
	/* The top byte is in three nodes */
	t_overlap_is(&t, MAX, MAX, 1, 2, 0);
	/* The bottom byte is in two; nothing wraps round to the top */
	t_overlap_is(&t, 0, 0, 1, 3);
	/* The whole space finds all four */
	t_overlap_is(&t, 0, MAX, 1, 3, 2, 0);
	/* Floor at the top */
	assert_int_equal(id_of(itree_floor(&t, MAX)), 0);
	assert_int_equal(id_of(itree_floor(&t, MAX - 1)), 2);
	t_remove(&t, &it[1]);
	t_overlap_is(&t, 1, MAX - 1, 2);
	t_overlap_none(&t, 1, MAX - 2);
}

/* A valid three-node tree: 20 [20, 25] / 10 [10, 30] and 30 [30, 35]. */
static void build3(struct itree *t, struct item *it)
{
	itree_init(t);
	init_items(it, 3);
	t_insert(t, &it[0], 20, 25);
	t_insert(t, &it[1], 10, 30);
	t_insert(t, &it[2], 30, 35);
}

static void test_itree_check_catches_corruption(void **state)
{
	struct item it[4];
	struct itree t;

	(void)state;
	/* subtree_last too small or too large */
	build3(&t, it);
	it[0].node.subtree_last = 30;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	build3(&t, it);
	it[2].node.subtree_last = 36;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* A wrong height */
	build3(&t, it);
	it[1].node.height = 2;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* A broken parent link, and a root with a parent */
	build3(&t, it);
	it[2].node.parent = &it[1].node;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	build3(&t, it);
	it[0].node.parent = &it[1].node;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* Start order violated on the left and on the right */
	build3(&t, it);
	it[1].node.start = 21;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	build3(&t, it);
	it[2].node.start = 19;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* ...and against a grandparent: 45 right of 20, left of 40 */
	itree_init(&t);
	init_items(it, 4);
	t_insert(&t, &it[0], 40, 100);
	t_insert(&t, &it[1], 20, 100);
	t_insert(&t, &it[2], 50, 100);
	t_insert(&t, &it[3], 30, 100);
	assert_ptr_equal(it[1].node.right, &it[3].node);
	it[3].node.start = 45;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* ...and 15 left of 40, right of 20 */
	itree_init(&t);
	init_items(it, 4);
	t_insert(&t, &it[0], 20, 100);
	t_insert(&t, &it[1], 10, 100);
	t_insert(&t, &it[2], 40, 100);
	t_insert(&t, &it[3], 30, 100);
	assert_ptr_equal(it[2].node.left, &it[3].node);
	it[3].node.start = 15;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* start > last */
	build3(&t, it);
	it[2].node.last = 29;
	it[2].node.subtree_last = 29;
	it[0].node.subtree_last = 30;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* count does not match */
	build3(&t, it);
	t.count = 4;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	t.count = 2;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* A cycle back to the root */
	build3(&t, it);
	it[2].node.left = &it[0].node;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* Unbalanced, though heights and everything else are consistent */
	itree_init(&t);
	init_items(it, 3);
	it[0].node = (struct itree_node){ NULL, &it[1].node, NULL, 1, 1, 3, 3 };
	it[1].node = (struct itree_node){ NULL, &it[2].node, &it[0].node,
					  2, 2, 3, 2 };
	it[2].node = (struct itree_node){ NULL, NULL, &it[1].node, 3, 3, 3, 1 };
	t.root = &it[0].node;
	t.count = 3;
	assert_int_equal(itree_check(&t), -EUCLEAN);
	/* ...which the same nodes, balanced, pass */
	it[1].node = (struct itree_node){ &it[0].node, &it[2].node, NULL,
					  2, 2, 3, 2 };
	it[0].node = (struct itree_node){ NULL, NULL, &it[1].node, 1, 1, 1, 1 };
	t.root = &it[1].node;
	assert_int_equal(itree_check(&t), 0);
}

/* ---- randomized differential test ---- */

#define NI 512

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* Coordinates: 0..63 near 0, 64..127 the top 64 values; many collisions. */
static uint64_t coord(unsigned int k)
{
	return k < 64 ? k : MAX - (127 - k);
}

static void rnd_interval(uint64_t *s, uint64_t *l)
{
	unsigned int a = rnd_below(128);
	unsigned int len = rnd_below(4) ? rnd_below(6) : rnd_below(128);
	unsigned int b = a + len < 128 ? a + len : 127;

	*s = coord(a);
	*l = coord(b);
}

static void test_itree_random_ops_match_array_model(void **state)
{
	static struct item it[NI];
	/* The model: the inserted items in expected tree order. */
	static struct item *ord[NI];
	struct itree t = ITREE_INIT;
	unsigned int step;
	size_t i, n = 0;

	(void)state;
	init_items(it, NI);
	for (step = 0; step < 50000; step++) {
		struct item *x = &it[rnd_below(NI)];
		struct itree_node *pos, *want;
		uint64_t s, l;

		/* Mutate; about three quarters of the items stay in */
		if (x->in && rnd_below(3) == 0) {
			t_remove(&t, x);
			for (i = 0; ord[i] != x; i++)
				;
			memmove(&ord[i], &ord[i + 1],
				(--n - i) * sizeof(ord[0]));
		} else if (!x->in) {
			rnd_interval(&s, &l);
			t_insert(&t, x, s, l);
			/* After every equal start: it is the latest insert */
			for (i = n; i > 0 && ord[i - 1]->node.start > s; i--)
				;
			memmove(&ord[i + 1], &ord[i],
				(n++ - i) * sizeof(ord[0]));
			ord[i] = x;
		}

		/* Walk: tree order matches the model, both directions */
		assert_int_equal(t.count, n);
		i = 0;
		itree_for_each(pos, &t)
			assert_ptr_equal(pos, &ord[i++]->node);
		assert_int_equal(i, n);
		for (pos = itree_last(&t); pos; pos = itree_prev(pos))
			assert_ptr_equal(pos, &ord[--i]->node);

		/* Overlap query against brute force */
		rnd_interval(&s, &l);
		pos = itree_iter_first(&t, s, l);
		for (i = 0; i < n; i++) {
			if (ord[i]->node.start > l || ord[i]->node.last < s)
				continue;
			assert_ptr_equal(pos, &ord[i]->node);
			pos = itree_iter_next(pos, s, l);
		}
		assert_null(pos);

		/* Floor: greatest start <= s, the latest inserted on ties */
		want = NULL;
		for (i = 0; i < n && ord[i]->node.start <= s; i++)
			want = &ord[i]->node;
		assert_ptr_equal(itree_floor(&t, s), want);
	}
	while (t.root)
		t_remove(&t, itree_entry(t.root, struct item, node));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_itree_empty_tree_has_nothing),
		cmocka_unit_test(test_itree_insert_walks_in_start_order),
		cmocka_unit_test(test_itree_sorted_inserts_stay_balanced),
		cmocka_unit_test(test_itree_equal_starts_keep_insert_order),
		cmocka_unit_test(test_itree_remove_every_shape),
		cmocka_unit_test(test_itree_remove_clears_links),
		cmocka_unit_test(test_itree_overlap_is_closed_interval),
		cmocka_unit_test(test_itree_overlap_finds_long_node_deep_left),
		cmocka_unit_test(test_itree_floor_finds_greatest_start),
		cmocka_unit_test(test_itree_nodes_at_uint64_max),
		cmocka_unit_test(test_itree_check_catches_corruption),
		cmocka_unit_test(test_itree_random_ops_match_array_model),
	};

	return cmocka_run_group_tests_name("itree", tests, NULL, NULL);
}
