// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * space-auto: automatic maps in a native space, through the free-IOVA
 * index (lib/iova.c) and through the linear hole walk it replaces.
 *
 *   space-auto [N [index|hole-walk]]    (default 100000, both)
 *
 * Fills a native space (48-bit aperture, the x86 MSI range and an AMD-style
 * HyperTransport hole reserved) with N automatic maps of 1-16 pages, then
 * runs N rounds of "unmap a random live mapping, map a new one of a random
 * size". Prints one line per method: ns per map in each phase, and a
 * checksum of every IOVA handed out (both methods must print the same).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <ioas/ioas.h>

#include "ioas_private.h"

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int run(int off, size_t n)
{
	static const struct ioas_region r[] = {
		{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0, IOAS_ORIGIN_USER },
		{ { 0xfd00000000ull, 0xffffffffffull }, IOAS_REGION_RESERVED, 0,
		  IOAS_ORIGIN_USER },
	};
	struct ioas_space_config c = { .size = sizeof(c),
				       .profile = IOAS_PROFILE_NATIVE };
	struct ioas_group_config g = {
		.size = sizeof(g), .id = 1, .nr_regions = 2,
		.aperture = { 0, 0xffffffffffffull }, .pgsizes = 0x40201000ull,
		.regions = r,
	};
	struct ioas_space *s;
	uint64_t *iova, *len, st = 1, sum = 0;
	double t0, t1, t2;
	size_t i;

	iova = calloc(n, sizeof(*iova));
	len = calloc(n, sizeof(*len));
	if (!iova || !len || ioas_space_new(&c, &s) ||
	    ioas_space_attach(s, &g, NULL))
		return 1;
	ioas_space_fidx_off_(off);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		struct ioas_map_req m = { .size = sizeof(m),
					  .flags = IOAS_MAP_READ,
					  .length = (xs(&st) % 16 + 1) << 12 };

		if (ioas_space_map(s, &m, NULL))
			return 1;
		iova[i] = m.iova;
		len[i] = m.length;
		sum = sum * 31 + m.iova;
	}
	t1 = now_ns();
	for (i = 0; i < n; i++) {
		size_t k = xs(&st) % n;
		struct ioas_map_req m = { .size = sizeof(m),
					  .flags = IOAS_MAP_READ,
					  .length = (xs(&st) % 16 + 1) << 12 };

		if (ioas_space_unmap(s, iova[k], len[k], NULL, NULL) ||
		    ioas_space_map(s, &m, NULL))
			return 1;
		iova[k] = m.iova;
		len[k] = m.length;
		sum = sum * 31 + m.iova;
	}
	t2 = now_ns();
	ioas_space_fidx_off_(0);
	printf("space-auto method=%s maps=%zu fill_ns_per_map=%.0f churn_ns_per_op=%.0f checksum=%016llx\n",
	       off ? "hole-walk" : "index", n, (t1 - t0) / (double)n,
	       (t2 - t1) / (double)n, (unsigned long long)sum);
	ioas_space_free(s);
	free(iova);
	free(len);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	const char *only = argc > 2 ? argv[2] : "";
	int idx = only[0] != 'h', walk = only[0] != 'i';

	if (!n || (idx && run(0, n)) || (walk && run(1, n))) {
		fprintf(stderr, "space-auto: failed\n");
		return 1;
	}
	return 0;
}
