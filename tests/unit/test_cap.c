// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for the cap module (include/ioas/cap.h, doc/abi.md).
 *
 * The fixtures come from tests/fixtures/cap/gen_bad_blobs.c, included
 * below: golden blobs laid out field by field from kernel-spec.md §4.7,
 * §5.4, §5.12 and §7 with the values Linux 6.12 returned in the shared
 * kernel-6.12-x86-results runs, and one blob per named malformation. The
 * tests check three things against each other: the generator's goldens,
 * the library's encoders fed with spaces that reproduce the fixture hosts,
 * and the decoders' reading of both. The committed copies of every
 * generated blob (fixtures and fuzz seeds) are regenerated and compared,
 * so they cannot drift.
 *
 * Then: the argsz / num_iovas / probe_size negotiations at every size, the
 * extension rules of IOAS_CAP_RESV_REGIONS, a kernel-style chain walker
 * that must skip ioas's cap, each error code of each function, round-trip
 * property tests over random values and random spaces, and random
 * mutations of the goldens (no crash, only the documented results).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/cap.h>

#include "t_helpers.h"
#include "../fixtures/cap/gen_bad_blobs.c"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static bool host_is_le(void)
{
	const uint16_t v = 1;
	uint8_t b;

	memcpy(&b, &v, 1);
	return b == 1;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static const struct gen_case *find_case(const char *name)
{
	size_t i;

	for (i = 0; i < GEN_NR_CASES; i++)
		if (!strcmp(gen_cases[i].name, name))
			return &gen_cases[i];
	fail_msg("no fixture %s", name);
	return NULL;
}

static struct gen_blob golden(const char *name)
{
	struct gen_blob g;

	gen_build(find_case(name), &g);
	return g;
}

static void assert_blob_eq(const uint8_t *got, size_t got_len,
			   const struct gen_blob *want)
{
	size_t i;

	assert_int_equal(got_len, want->len);
	for (i = 0; i < got_len; i++)
		if (got[i] != want->b[i])
			fail_msg("byte %zu: got 0x%02x, want 0x%02x", i,
				 got[i], want->b[i]);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Decodes @b with the decoder of @fmt and no output array. */
static int decode_fmt(int fmt, const uint8_t *b, size_t len,
		      struct ioas_diag *diag)
{
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_cap_iommufd_ranges ir = { .size = sizeof(ir) };
	struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
	int ret;

	switch (fmt) {
	case GEN_VFIO:
		ret = ioas_cap_vfio_info_decode(b, len, &vi, NULL, 0, NULL, 0,
						diag);
		break;
	case GEN_IOMMUFD:
		ret = ioas_cap_iommufd_ranges_decode(b, len, &ir, NULL, 0,
						     diag);
		break;
	default:
		ret = ioas_cap_virtio_probe_decode(b, len, &vp, NULL, 0, diag);
		break;
	}
	/* Nothing was asked for, so a complete answer is "too small". */
	return ret == -EMSGSIZE ? 0 : ret;
}

/* The spaces of the fixture hosts. */
static const struct ioas_region x86_msi[] = {
	{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0, IOAS_ORIGIN_X86_MSI },
};

static struct ioas_space *intel_space(uint32_t profile, uint64_t ap_last)
{
	struct ioas_space *s = t_space(profile, 0);
	struct ioas_group_config g = t_group(1, 0, ap_last, x86_msi, 1);

	t_attach(s, &g);
	return s;
}

/* Encodes the full GET_INFO answer as a VMM would: ask, grow, ask. */
static uint8_t *vfio_blob(struct ioas_space *s, uint32_t flags, size_t *len)
{
	uint8_t hdr[24];
	uint32_t need;
	uint8_t *b;
	long ret;

	ret = ioas_cap_vfio_info_from_space(s, flags, 24, hdr, sizeof(hdr));
	assert_int_equal(ret, 24);
	need = rd32(hdr);
	b = malloc(need);
	assert_non_null(b);
	ret = ioas_cap_vfio_info_from_space(s, flags, need, b, need);
	assert_int_equal(ret, need);
	*len = need;
	return b;
}

/* ------------------------------------------------------------------ */
/* fixtures: generator, committed files, named malformations           */

static void test_committed_fixtures_match_generator(void **state)
{
	const char *src = getenv("IOAS_SRCDIR");
	char path[4096];
	size_t i, len;

	(void)state;
	if (!src || !host_is_le())
		skip(); /* the committed VFIO/iommufd blobs are little endian */
	for (i = 0; i < GEN_NR_CASES; i++) {
		const struct gen_case *c = &gen_cases[i];
		const char *kind = c->good ? "good" : "bad";
		struct gen_blob g;
		uint8_t *b;
		int pass;

		gen_build(c, &g);
		for (pass = 0; pass < 2; pass++) {
			if (!pass)
				snprintf(path, sizeof(path),
					 "%s/tests/fixtures/cap/%s/%s.bin",
					 src, kind, c->name);
			else
				snprintf(path, sizeof(path),
					 "%s/tests/fuzz/corpus/%s/%s-%s", src,
					 gen_fmt_dir(c->fmt), kind, c->name);
			b = read_file(path, &len);
			if (!b)
				fail_msg("%s is missing: run gen_bad_blobs (see its header)",
					 path);
			if (len != g.len || memcmp(b, g.b, len))
				fail_msg("%s differs from what gen_bad_blobs.c makes: regenerate it",
					 path);
			free(b);
		}
	}
}

static void test_each_malformation_fails_with_offset_and_reason(void **state)
{
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < GEN_NR_CASES; i++) {
		const struct gen_case *c = &gen_cases[i];
		struct ioas_diag diag = { 0 };
		struct gen_blob g;
		int ret;

		if (c->good)
			continue;
		gen_build(c, &g);
		ret = decode_fmt(c->fmt, g.b, g.len, &diag);
		if (ret != -EBADMSG)
			fail_msg("%s: decoder returned %d, not -EBADMSG",
				 c->name, ret);
		if (diag.offset != c->off || !diag.reason ||
		    strcmp(diag.reason, c->reason))
			fail_msg("%s: got offset %zu '%s', want %zu '%s'",
				 c->name, diag.offset,
				 diag.reason ? diag.reason : "(null)", c->off,
				 c->reason);
		assert_int_equal(diag.line, 0);
		n++;
	}
	assert_true(n >= 50);
}

static void test_every_good_fixture_decodes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < GEN_NR_CASES; i++) {
		const struct gen_case *c = &gen_cases[i];
		struct gen_blob g;

		if (!c->good)
			continue;
		gen_build(c, &g);
		if (decode_fmt(c->fmt, g.b, g.len, NULL))
			fail_msg("%s does not decode", c->name);
	}
}

/*
 * Every "reason" string in lib/cap.c is produced by at least one named
 * bad fixture: no malformation check goes untested.
 */
static void test_every_reason_in_cap_c_has_a_fixture(void **state)
{
	const char *src = getenv("IOAS_SRCDIR");
	char path[4096];
	size_t len, i, n = 0;
	char *text, *p;

	(void)state;
	if (!src)
		skip();
	snprintf(path, sizeof(path), "%s/lib/cap.c", src);
	text = (char *)read_file(path, &len);
	assert_non_null(text);
	text[len] = '\0';
	for (p = strstr(text, "bad("); p; p = strstr(p + 1, "bad(")) {
		char *q = strchr(p, '"'), *e, *semi = strchr(p, ';');
		char reason[256];
		bool found = false;

		/* "static int bad(struct ioas_diag ..." has no literal */
		if (!q || (semi && semi < q))
			continue;
		e = strchr(q + 1, '"');
		assert_non_null(e);
		assert_true((size_t)(e - q - 1) < sizeof(reason));
		memcpy(reason, q + 1, (size_t)(e - q - 1));
		reason[e - q - 1] = '\0';
		for (i = 0; i < GEN_NR_CASES && !found; i++)
			found = !gen_cases[i].good && gen_cases[i].reason &&
				!strcmp(gen_cases[i].reason, reason);
		if (!found)
			fail_msg("no bad fixture for \"%s\"", reason);
		n++;
	}
	free(text);
	assert_true(n >= 40);
}

/* A malformed blob touches neither the info struct nor the arrays. */
static void test_decode_failure_leaves_outputs_untouched(void **state)
{
	struct gen_blob g = golden("vfio-resv-entry-reserved-nonzero");
	struct ioas_cap_vfio_info vi;
	struct ioas_range iovas[4];
	struct ioas_cap_resv resv[4];
	struct ioas_cap_iommufd_ranges ir;
	struct ioas_cap_virtio_probe vp;
	struct ioas_cap_virtio_resv vr[4];
	uint8_t snap[sizeof(vi)];

	(void)state;
	memset(&vi, 0x5a, sizeof(vi));
	vi.size = sizeof(vi);
	memcpy(snap, &vi, sizeof(vi));
	memset(iovas, 0x5a, sizeof(iovas));
	memset(resv, 0x5a, sizeof(resv));
	/* the IOVA_RANGE cap is fine and comes first; entry 1 is bad */
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, iovas, 4,
						   resv, 4, NULL),
			 -EBADMSG);
	assert_memory_equal(&vi, snap, sizeof(vi));
	assert_true(rd64((uint8_t *)iovas) == 0x5a5a5a5a5a5a5a5aull);
	assert_true(rd64((uint8_t *)resv) == 0x5a5a5a5a5a5a5a5aull);

	g = golden("iommufd-not-ascending");
	memset(&ir, 0x5a, sizeof(ir));
	ir.size = sizeof(ir);
	memset(iovas, 0x5a, sizeof(iovas));
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, iovas,
							4, NULL),
			 -EBADMSG);
	assert_int_equal(ir.num_iovas, 0x5a5a5a5a);
	assert_true(iovas[0].start == 0x5a5a5a5a5a5a5a5aull);

	g = golden("virtio-end-below-start");
	memset(&vp, 0x5a, sizeof(vp));
	vp.size = sizeof(vp);
	memset(vr, 0x5a, sizeof(vr));
	assert_int_equal(ioas_cap_virtio_probe_decode(g.b, g.len, &vp, vr, 4,
						      NULL),
			 -EBADMSG);
	assert_int_equal(vp.nr_resv, 0x5a5a5a5a);
	assert_int_equal(vr[0].off, 0x5a5a5a5a);
}

/* ------------------------------------------------------------------ */
/* VFIO GET_INFO: the engine against the fixtures                       */

/*
 * deb-intel-tcg.out: pass 1 (argsz 24) grows argsz to 120, pass 2 gets the
 * chain, pass "tiny" (argsz 8) is EINVAL; GET_INFO before SET_IOMMU is
 * EINVAL.
 */
static void test_vfio_encode_matches_kernel_intel_aw39(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct gen_blob want;
	uint8_t buf[200];
	size_t len;
	uint8_t *b;

	(void)state;
	/* VFIO op=GET_INFO_before_SET_IOMMU rc=-1 errno=22 */
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 120, buf, 120),
			 -EINVAL);
	t_attach(s, &g);
	/* pass=tiny argsz_in=8 rc=-1 errno=22 */
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 8, buf, 8),
			 -EINVAL);
	/* pass=1 argsz_in=24 argsz_out=120 flags=0x3 cap_offset=0 */
	want = golden("vfio-short-24");
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 24, buf, 24), 24);
	assert_blob_eq(buf, 24, &want);
	/* argsz 16: only 16 bytes come back */
	want = golden("vfio-short-16");
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 16, buf, 16), 16);
	assert_blob_eq(buf, 16, &want);
	assert_int_equal(buf[16], 0xee);
	/* pass=2 argsz_in=120: the chain at 24/56/72 */
	want = golden("vfio-intel-aw39");
	b = vfio_blob(s, 0, &len);
	assert_blob_eq(b, len, &want);
	free(b);
	ioas_space_free(s);
}

static void test_vfio_encode_matches_kernel_intel_aw48(void **state)
{
	struct ioas_space *s = intel_space(IOAS_PROFILE_TYPE1,
					   0xffffffffffffull);
	struct gen_blob want = golden("vfio-intel-aw48");
	size_t len;
	uint8_t *b = vfio_blob(s, 0, &len);

	(void)state;
	assert_blob_eq(b, len, &want);
	free(b);
	ioas_space_free(s);
}

/* deb-virtio-tcg.out: 64-bit aperture, every page size from 4K. */
static void test_vfio_encode_matches_kernel_virtio(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1,
				       IOAS_SPACE_UNSAFE_INTERRUPTS);
	struct ioas_group_config g = t_group(2, 0, U64MAX, x86_msi, 1);
	struct gen_blob want = golden("vfio-virtio");
	size_t len;
	uint8_t *b;

	(void)state;
	g.pgsizes = 0xfffffffffffff000ull;
	g.flags = IOAS_GROUP_NO_IRQ_REMAP;
	t_attach(s, &g);
	b = vfio_blob(s, 0, &len);
	assert_blob_eq(b, len, &want);
	free(b);
	ioas_space_free(s);
}

/* The ioas cap for the RMRR guest, with prot as Linux gives RMRRs. */
static struct ioas_space *rmrr_space(uint32_t profile)
{
	static const struct ioas_region r[] = {
		{ { 0x40000000, 0x40ffffff }, IOAS_REGION_DIRECT_RELAXABLE,
		  IOAS_PROT_READ | IOAS_PROT_WRITE, IOAS_ORIGIN_RMRR },
		{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0,
		  IOAS_ORIGIN_X86_MSI },
	};
	struct ioas_space *s = t_space(profile, 0);
	struct ioas_group_config g = t_group(4, 0, 0x7fffffffffull, r, 2);

	t_attach(s, &g);
	return s;
}

static void test_vfio_encode_resv_cap_golden(void **state)
{
	struct ioas_space *s = rmrr_space(IOAS_PROFILE_TYPE1);
	struct gen_blob want = golden("vfio-resv-intel-rmrr");
	size_t len;
	uint8_t *b;

	(void)state;
	b = vfio_blob(s, IOAS_CAP_WITH_RESV, &len);
	assert_blob_eq(b, len, &want);
	free(b);
	/* without the flag: byte for byte what the kernel returns */
	want = golden("vfio-intel-aw39");
	b = vfio_blob(s, 0, &len);
	assert_blob_eq(b, len, &want);
	free(b);
	ioas_space_free(s);
}

/*
 * The negotiation at every argsz from 16 to needed + 16: short answers
 * write min(argsz, 24) bytes with the grown argsz and no chain; full ones
 * keep the caller's argsz; bytes past what was written are not touched.
 */
static void test_vfio_encode_argsz_negotiation_every_size(void **state)
{
	struct ioas_space *s = rmrr_space(IOAS_PROFILE_TYPE1);
	struct gen_blob full = golden("vfio-resv-intel-rmrr");
	uint8_t buf[512];
	uint32_t argsz;

	(void)state;
	for (argsz = 16; argsz <= full.len + 16; argsz++) {
		long ret;

		memset(buf, 0xee, sizeof(buf));
		ret = ioas_cap_vfio_info_from_space(s, IOAS_CAP_WITH_RESV,
						    argsz, buf, argsz);
		if (argsz < full.len) {
			size_t n = argsz < 24 ? argsz : 24;

			assert_int_equal(ret, n);
			assert_int_equal(rd32(buf), full.len);
			assert_int_equal(rd32(buf + 4), 3);
			assert_true(rd64(buf + 8) == 0x40201000);
			if (n >= 20)
				assert_int_equal(rd32(buf + 16), 0);
			assert_int_equal(buf[n], 0xee);
		} else {
			assert_int_equal(ret, full.len);
			assert_int_equal(rd32(buf), argsz);
			assert_memory_equal(buf + 4, full.b + 4, full.len - 4);
			assert_int_equal(buf[full.len], 0xee);
		}
	}
	ioas_space_free(s);
}

/* §4.7: 72 bytes when the iova list is empty, DMA_AVAIL.next 0. */
static void test_vfio_encode_without_iova_range(void **state)
{
	struct ioas_cap_vfio_src src = { .size = sizeof(src),
					 .iova_pgsizes = 0x1000,
					 .dma_avail = 7 };
	struct ioas_cap_resv e = { { { 0x1000, 0x1fff },
				     IOAS_REGION_RESERVED, 0,
				     IOAS_ORIGIN_USER },
				   IOAS_CAP_RESV_EXCLUDED };
	uint8_t buf[256];

	(void)state;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256), 72);
	assert_int_equal(rd32(buf + 56 + 4), 0);
	assert_int_equal(rd32(buf + 64), 7);
	/* and the ioas cap then follows DMA_AVAIL directly */
	src.flags = IOAS_CAP_WITH_RESV;
	src.resv = &e;
	src.nr_resv = 1;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 72 + 24 + 32);
	assert_int_equal(rd32(buf + 56 + 4), 72);
	assert_int_equal(rd32(buf + 72), 0x00014f49);
}

/* §9: three ranges; argsz 24 -> 136; retry: caps at 24/56/72. */
static void test_vfio_encode_section9_vector(void **state)
{
	static const struct ioas_region r[] = {
		{ { 0x8000000, 0x80fffff }, IOAS_REGION_SW_MSI, 0,
		  IOAS_ORIGIN_SMMU_SW_MSI },
		{ { 0xfd00000000ull, 0xffffffffffull }, IOAS_REGION_RESERVED, 0,
		  IOAS_ORIGIN_AMD_HT },
	};
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	struct ioas_group_config g = t_group(1, 0, 0xffffffffffffull, r, 2);
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_range iovas[3];
	uint8_t buf[136];

	(void)state;
	g.pgsizes = 0x1000;
	t_attach(s, &g);
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 24, buf, 24), 24);
	assert_int_equal(rd32(buf), 136);
	assert_int_equal(rd32(buf + 16), 0);
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 136, buf, 136),
			 136);
	assert_int_equal(ioas_cap_vfio_info_decode(buf, 136, &vi, iovas, 3,
						   NULL, 0, NULL),
			 0);
	assert_int_equal(vi.off_migration, 24);
	assert_int_equal(vi.off_dma_avail, 56);
	assert_int_equal(vi.off_iova_range, 72);
	assert_int_equal(vi.nr_iovas, 3);
	assert_true(iovas[1].start == 0x8100000 &&
		    iovas[1].last == 0xfcffffffffull);
	assert_true(iovas[2].start == 0x10000000000ull &&
		    iovas[2].last == 0xffffffffffffull);
	ioas_space_free(s);
}

/* DMA_AVAIL follows the dma entry limit; 0 after the last slot. */
static void test_vfio_encode_dma_avail_counts_down(void **state)
{
	struct ioas_space_config c = { .size = sizeof(c),
				       .profile = IOAS_PROFILE_TYPE1,
				       .dma_limit = 2 };
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_space *s = NULL;
	size_t len;
	uint8_t *b;

	(void)state;
	assert_int_equal(ioas_space_new(&c, &s), 0);
	t_attach(s, &g);
	t_map(s, 0x100000, 0x1000);
	t_map(s, 0x200000, 0x1000);
	t_map_err(ENOSPC, s, 0x300000, 0x1000);
	b = vfio_blob(s, 0, &len);
	assert_int_equal(rd32(b + 64), 0);
	free(b);
	ioas_space_free(s);
}

/*
 * iommufd and native spaces get the type1 layout; iova_pgsizes as the
 * compat layer computes it (PAGE_MASK with no domain), avail U32_MAX.
 */
static void test_vfio_encode_other_profiles(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_range iovas[2];
	size_t len;
	uint8_t *b;

	(void)state;
	b = vfio_blob(s, 0, &len);
	assert_int_equal(len, 104);
	assert_int_equal(ioas_cap_vfio_info_decode(b, len, &vi, iovas, 2, NULL,
						   0, NULL),
			 0);
	assert_true(vi.iova_pgsizes == 0xfffffffffffff000ull);
	assert_true(vi.mig_pgsize_bitmap == 0x1000);
	assert_true(vi.dma_avail == UINT32_MAX);
	assert_int_equal(vi.nr_iovas, 1);
	assert_true(iovas[0].start == 0 && iovas[0].last == U64MAX);
	free(b);
	t_attach(s, &g);
	b = vfio_blob(s, 0, &len);
	assert_int_equal(ioas_cap_vfio_info_decode(b, len, &vi, iovas, 2, NULL,
						   0, NULL),
			 0);
	assert_true(vi.iova_pgsizes == 0x40201000);
	assert_int_equal(vi.nr_iovas, 2);
	assert_true(iovas[1].start == 0xfef00000);
	free(b);
	ioas_space_free(s);

	s = intel_space(IOAS_PROFILE_NATIVE, 0x7fffffffffull);
	b = vfio_blob(s, 0, &len);
	assert_int_equal(ioas_cap_vfio_info_decode(b, len, &vi, iovas, 2, NULL,
						   0, NULL),
			 0);
	assert_true(vi.iova_pgsizes == 0x40201000);
	assert_true(vi.dma_avail == UINT32_MAX);
	free(b);
	ioas_space_free(s);
}

/*
 * direct-relaxable is never excluded; PCI windows reach the cap only from
 * a native space (type1 and iommufd drop them at attach, as Linux never
 * shows them), and are excluded there.
 */
static void test_vfio_resv_excluded_flag_follows_profile(void **state)
{
	static const struct ioas_region r[] = {
		{ { 0x40000000, 0x40ffffff }, IOAS_REGION_DIRECT_RELAXABLE, 0,
		  IOAS_ORIGIN_RMRR },
		{ { 0x80000000, 0xbfffffff }, IOAS_REGION_RESERVED, 0,
		  IOAS_ORIGIN_PCI_WINDOW },
		{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0,
		  IOAS_ORIGIN_X86_MSI },
	};
	static const uint32_t profiles[] = { IOAS_PROFILE_TYPE1,
					     IOAS_PROFILE_IOMMUFD,
					     IOAS_PROFILE_NATIVE };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(profiles); i++) {
		struct ioas_space *s = t_space(profiles[i], 0);
		struct ioas_group_config g =
			t_group(1, 0, 0x7fffffffffull, r, 3);
		struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
		struct ioas_cap_resv e[3];
		size_t len;
		uint8_t *b;

		t_attach(s, &g);
		b = vfio_blob(s, IOAS_CAP_WITH_RESV, &len);
		assert_int_equal(ioas_cap_vfio_info_decode(b, len, &vi, NULL,
							   0, e, 3, NULL),
				 -EMSGSIZE); /* no iova array given */
		assert_int_equal(e[0].flags, 0);
		if (profiles[i] == IOAS_PROFILE_NATIVE) {
			assert_int_equal(vi.nr_resv, 3);
			assert_int_equal(e[1].region.origin,
					 IOAS_ORIGIN_PCI_WINDOW);
			assert_int_equal(e[1].flags, IOAS_CAP_RESV_EXCLUDED);
		} else {
			assert_int_equal(vi.nr_resv, 2);
			e[2] = e[1];
		}
		assert_int_equal(e[2].flags, IOAS_CAP_RESV_EXCLUDED);
		assert_int_equal(e[2].region.type, IOAS_REGION_MSI);
		free(b);
		ioas_space_free(s);
	}
}

static void test_vfio_encode_errors(void **state)
{
	struct ioas_range ok = { 0, 0xfff }, badr = { 0x2000, 0x1000 };
	struct ioas_cap_resv e = { { { 0, 0xfff }, IOAS_REGION_MSI, 0, 0 },
				   0 };
	struct {
		struct ioas_cap_vfio_src s;
		uint64_t tail;
	} big;
	struct ioas_cap_vfio_src src;
	uint8_t buf[256];

	(void)state;
	memset(&src, 0, sizeof(src));
	src.size = sizeof(src);
	src.iova_pgsizes = 0x1000;
	src.iovas = &ok;
	src.nr_iovas = 1;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256), 104);
	/* argsz below 16; buffer shorter than argsz; NULLs */
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 15, buf, 256), -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 255),
			 -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_encode(NULL, 256, buf, 256),
			 -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, NULL, 256),
			 -EINVAL);
	/* unknown flags */
	src.flags = 1u << 7;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EOPNOTSUPP);
	src.flags = 0;
	/* zero page sizes */
	src.iova_pgsizes = 0;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
	src.iova_pgsizes = 0x1000;
	/* a range with start > last; a missing array */
	src.iovas = &badr;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
	src.iovas = NULL;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
	src.iovas = &ok;
	/* regions: unknown type, start > last, 16-bit origin, NULL */
	src.flags = IOAS_CAP_WITH_RESV;
	src.resv = &e;
	src.nr_resv = 1;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 104 + 56);
	e.region.type = IOAS_REGION_NR_TYPES;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
	e.region.type = IOAS_REGION_MSI;
	e.region.origin = 0x10000;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
	e.region.origin = 0;
	e.region.range.start = 0x1000;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
	e.region.range.start = 0;
	src.resv = NULL;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
	src.resv = &e;
	/* counts too large for a 32-bit argsz: refused before any read */
	src.nr_iovas = SIZE_MAX / 8;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EOVERFLOW);
	src.nr_iovas = (UINT32_MAX - 100) / 16;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EOVERFLOW);
	src.nr_iovas = 1;
	src.nr_resv = SIZE_MAX / 16;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EOVERFLOW);
	src.nr_resv = 1;
	/* extensible: a larger struct with a zero tail is fine, non-zero
	 * is E2BIG; a smaller one is zero-extended */
	memset(&big, 0, sizeof(big));
	big.s = src;
	big.s.size = sizeof(big);
	assert_int_equal(ioas_cap_vfio_info_encode(&big.s, 256, buf, 256),
			 104 + 56);
	big.tail = 1;
	assert_int_equal(ioas_cap_vfio_info_encode(&big.s, 256, buf, 256),
			 -E2BIG);
	src.size = offsetof(struct ioas_cap_vfio_src, pad);
	src.flags = 0;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256), 72);
	src.size = 2;
	assert_int_equal(ioas_cap_vfio_info_encode(&src, 256, buf, 256),
			 -EINVAL);
}

static void test_vfio_from_space_errors_leave_buffer(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	uint8_t buf[64];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_vfio_info_from_space(NULL, 0, 64, buf, 64),
			 -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 64, NULL, 64),
			 -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 2, 64, buf, 64),
			 -EOPNOTSUPP);
	/* no group: GET_INFO before SET_IOMMU */
	assert_int_equal(ioas_cap_vfio_info_from_space(s, 0, 64, buf, 64),
			 -EINVAL);
	assert_int_equal(buf[0], 0xee);
	ioas_space_free(s);
}

/* ------------------------------------------------------------------ */
/* VFIO GET_INFO: the decoder                                           */

static void test_vfio_decode_fixture_values(void **state)
{
	static const char *const names[] = { "vfio-intel-aw39",
					     "vfio-intel-aw48", "vfio-virtio" };
	static const uint64_t last[] = { 0x7fffffffffull, 0xffffffffffffull,
					 U64MAX };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct gen_blob g = golden(names[i]);
		struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
		struct ioas_range r[2];

		assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r,
							   2, NULL, 0, NULL),
				 0);
		/* argsz_out=120 flags=0x3 cap_offset=24 */
		assert_int_equal(vi.size, sizeof(vi));
		assert_int_equal(vi.argsz, 120);
		assert_int_equal(vi.flags, 3);
		assert_int_equal(vi.cap_offset, 24);
		assert_int_equal(vi.needed, 0);
		assert_true(vi.iova_pgsizes ==
			    (i == 2 ? 0xfffffffffffff000ull : 0x40201000));
		/* cap offset=24 id=2 next=56; 56 id=3 next=72; 72 id=1 */
		assert_int_equal(vi.nr_caps, 3);
		assert_int_equal(vi.nr_unknown, 0);
		assert_int_equal(vi.off_migration, 24);
		assert_int_equal(vi.off_dma_avail, 56);
		assert_int_equal(vi.off_iova_range, 72);
		assert_int_equal(vi.off_resv, 0);
		/* cap_migration flags=0x0 pgsize_bitmap=0x1000
		 * max_dirty_bitmap_size=0x10000000 */
		assert_int_equal(vi.mig_flags, 0);
		assert_true(vi.mig_pgsize_bitmap == 0x1000);
		assert_true(vi.mig_max_dirty_bitmap_size == 0x10000000);
		/* cap_dma_avail avail=65535 */
		assert_int_equal(vi.dma_avail, 65535);
		/* nr_iovas=2, [0x0, 0xfedfffff], [0xfef00000, ...] */
		assert_int_equal(vi.nr_iovas, 2);
		assert_true(r[0].start == 0 && r[0].last == 0xfedfffff);
		assert_true(r[1].start == 0xfef00000 && r[1].last == last[i]);
	}
}

static void test_vfio_decode_short_answers(void **state)
{
	struct gen_blob g = golden("vfio-short-24");
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };

	(void)state;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 0,
						   NULL, 0, NULL),
			 0);
	assert_int_equal(vi.needed, 120);
	assert_int_equal(vi.cap_offset, 0);
	assert_int_equal(vi.nr_caps, 0);
	g = golden("vfio-short-16");
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 0,
						   NULL, 0, NULL),
			 0);
	assert_int_equal(vi.needed, 120);
	/* 16 to 23 bytes: there is no cap_offset to read */
	memset(g.b + 16, 0xff, 4);
	g.len = 19;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 0,
						   NULL, 0, NULL),
			 0);
	assert_int_equal(vi.cap_offset, 0);
	/* a complete answer without chain: argsz within the blob */
	g = golden("vfio-short-24");
	g.b[0] = 24;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 0,
						   NULL, 0, NULL),
			 0);
	assert_int_equal(vi.needed, 0);
}

/* §5.12: iommufd's compat layer: no MIGRATION, DMA_AVAIL U32_MAX at 24. */
static void test_vfio_decode_compat_layer(void **state)
{
	struct gen_blob g = golden("vfio-compat-iommufd");
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_range r[2];

	(void)state;
	/* the compat layer leaves DMA_AVAIL's padding as the user had it */
	memset(g.b + 36, 0xcc, 4);
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 2, NULL,
						   0, NULL),
			 0);
	assert_int_equal(vi.argsz, 88);
	assert_int_equal(vi.off_migration, 0);
	assert_int_equal(vi.off_dma_avail, 24);
	assert_int_equal(vi.off_iova_range, 40);
	assert_true(vi.dma_avail == UINT32_MAX);
	assert_int_equal(vi.nr_iovas, 2);
	/* a buffer larger than argsz: the compat layer's argsz is the size
	 * needed, and the chain is read only inside it */
	g.len = 128;
	memset(g.b + 88, 0xff, 40);
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 2, NULL,
						   0, NULL),
			 0);
	assert_int_equal(vi.nr_caps, 2);
}

static void test_vfio_decode_skips_unknown_caps(void **state)
{
	struct gen_blob g = golden("vfio-unknown-caps");
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_range r[2];

	(void)state;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 2, NULL,
						   0, NULL),
			 0);
	assert_int_equal(vi.nr_caps, 4);
	assert_int_equal(vi.nr_unknown, 2);
	assert_int_equal(vi.off_dma_avail, 0); /* version 2: skipped */
	assert_int_equal(vi.off_iova_range, 88);
	assert_int_equal(vi.nr_iovas, 2);
}

static void test_vfio_decode_any_order(void **state)
{
	struct gen_blob g = golden("vfio-reordered");
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };

	(void)state;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 0,
						   NULL, 0, NULL),
			 -EMSGSIZE);
	assert_int_equal(vi.off_iova_range, 24);
	assert_int_equal(vi.off_dma_avail, 72);
	assert_int_equal(vi.off_migration, 88);
	assert_int_equal(vi.nr_iovas, 2);
}

static void test_vfio_decode_resv_entries(void **state)
{
	struct gen_blob g = golden("vfio-resv-intel-rmrr");
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_cap_resv e[2];
	struct ioas_range r[2];

	(void)state;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 2, e, 2,
						   NULL),
			 0);
	assert_int_equal(vi.off_resv, 120);
	assert_int_equal(vi.nr_resv, 2);
	assert_int_equal(vi.resv_entry_size, 32);
	assert_true(e[0].region.range.start == 0x40000000 &&
		    e[0].region.range.last == 0x40ffffff);
	assert_int_equal(e[0].region.type, IOAS_REGION_DIRECT_RELAXABLE);
	assert_int_equal(e[0].region.origin, IOAS_ORIGIN_RMRR);
	assert_int_equal(e[0].region.prot, IOAS_PROT_READ | IOAS_PROT_WRITE);
	assert_int_equal(e[0].flags, 0);
	assert_int_equal(e[1].region.type, IOAS_REGION_MSI);
	assert_int_equal(e[1].region.origin, IOAS_ORIGIN_X86_MSI);
	assert_int_equal(e[1].flags, IOAS_CAP_RESV_EXCLUDED);
}

/* doc/abi.md extension rule: larger header and entries, tails skipped. */
static void test_vfio_decode_resv_extended_layout(void **state)
{
	struct gen_blob g = golden("vfio-resv-extended");
	struct gen_blob ref = golden("vfio-resv-intel-rmrr");
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_cap_resv e[2], f[2];

	(void)state;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 0, e,
						   2, NULL),
			 -EMSGSIZE);
	assert_int_equal(vi.resv_entry_size, 40);
	assert_int_equal(ioas_cap_vfio_info_decode(ref.b, ref.len, &vi, NULL,
						   0, f, 2, NULL),
			 -EMSGSIZE);
	assert_memory_equal(e, f, sizeof(e));
	/* unknown flag bits and origins are passed through */
	g.b[192 + 24] = 0x81;
	g.b[192 + 18] = 200;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 0, e,
						   2, NULL),
			 -EMSGSIZE);
	assert_int_equal(e[1].flags, 0x81);
	assert_int_equal(e[1].region.origin, 200);
}

/*
 * ioas's cap must not disturb a kernel-style decoder: QEMU's
 * vfio_get_iommu_type1_info_cap() walks next from cap_offset and takes the
 * id it wants, ignoring the others. This walker does the same, naively.
 */
static const uint8_t *naive_find(const uint8_t *b, uint16_t id)
{
	uint32_t off = rd32(b + 16);

	while (off) {
		uint16_t cid;

		memcpy(&cid, b + off, 2);
		if (cid == id)
			return b + off;
		off = rd32(b + off + 4);
	}
	return NULL;
}

static void test_vfio_resv_cap_invisible_to_kernel_style_walkers(void **state)
{
	struct gen_blob g = golden("vfio-resv-intel-rmrr");
	struct gen_blob k = golden("vfio-intel-aw39");
	const uint8_t *a, *b;

	(void)state;
	a = naive_find(g.b, IOAS_CAP_ID_IOVA_RANGE);
	b = naive_find(k.b, IOAS_CAP_ID_IOVA_RANGE);
	assert_non_null(a);
	assert_non_null(b);
	/* same cap, same place, same content (but for its next link) */
	assert_int_equal(a - g.b, b - k.b);
	assert_memory_equal(a + 8, b + 8, 8 + 2 * 16);
	assert_non_null(naive_find(g.b, IOAS_CAP_ID_MIGRATION));
	assert_non_null(naive_find(g.b, IOAS_CAP_ID_DMA_AVAIL));
	/* flags to IOVA_RANGE's id and version: where a kernel puts them
	 * (argsz and IOVA_RANGE's next differ, as they must) */
	assert_memory_equal(g.b + 4, k.b + 4, 72);
}

static void test_vfio_decode_small_arrays_and_sizes(void **state)
{
	struct gen_blob g = golden("vfio-resv-intel-rmrr");
	struct ioas_cap_vfio_info vi;
	struct ioas_range r[2];
	struct ioas_cap_resv e[2];

	(void)state;
	/* -EMSGSIZE: everything checked and counted, first entries out */
	memset(r, 0, sizeof(r));
	vi.size = sizeof(vi);
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 1, e, 2,
						   NULL),
			 -EMSGSIZE);
	assert_int_equal(vi.nr_iovas, 2);
	assert_true(r[0].last == 0xfedfffff && r[1].last == 0);
	/* a smaller caller struct: filled up to its size */
	memset(&vi, 0x77, sizeof(vi));
	vi.size = offsetof(struct ioas_cap_vfio_info, needed);
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 2, e, 2,
						   NULL),
			 0);
	assert_int_equal(vi.size, offsetof(struct ioas_cap_vfio_info, needed));
	assert_true(vi.iova_pgsizes == 0x40201000);
	assert_int_equal(vi.needed, 0x77777777);
	/* -EINVAL */
	vi.size = 4;
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 2, e, 2,
						   NULL),
			 -EINVAL);
	vi.size = sizeof(vi);
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, NULL, r, 2, e, 2,
						   NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, NULL, 2, e,
						   2, NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_decode(g.b, g.len, &vi, r, 2, NULL,
						   2, NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_vfio_info_decode(NULL, 8, &vi, r, 2, e, 2,
						   NULL),
			 -EINVAL);
	/* an empty blob is a malformed one, not a crash */
	assert_int_equal(ioas_cap_vfio_info_decode(NULL, 0, &vi, NULL, 0, NULL,
						   0, NULL),
			 -EBADMSG);
}

/*
 * The extensible output structs (STYLE.md T_LENGTH): below 8 bytes is
 * -EINVAL; a smaller struct is filled to its size; a larger one (a newer
 * caller) gets our size back and its tail untouched.
 */
static void test_output_struct_lengths(void **state)
{
	struct gen_blob v = golden("vfio-intel-aw39");
	struct gen_blob i = golden("iommufd-intel-aw39");
	struct gen_blob p = golden("virtio-x86-msi");
	static const size_t ours[] = { sizeof(struct ioas_cap_vfio_info),
				       sizeof(struct ioas_cap_iommufd_ranges),
				       sizeof(struct ioas_cap_virtio_probe) };
	uint64_t big64[64]; /* aligned for every struct */
	uint8_t *big = (uint8_t *)big64;
	size_t k, sz;

	(void)state;
	for (k = 0; k < 3; k++) {
		for (sz = 0; sz <= ours[k] + 16; sz += 4) {
			uint32_t size = (uint32_t)sz, got;
			int ret;

			memset(big, 0x77, sizeof(big64));
			memcpy(big, &size, 4);
			if (k == 0)
				ret = ioas_cap_vfio_info_decode(
					v.b, v.len, (void *)big, NULL, 0, NULL,
					0, NULL);
			else if (k == 1)
				ret = ioas_cap_iommufd_ranges_decode(
					i.b, i.len, (void *)big, NULL, 0, NULL);
			else
				ret = ioas_cap_virtio_probe_decode(
					p.b, p.len, (void *)big, NULL, 0, NULL);
			if (sz < 8) {
				assert_int_equal(ret, -EINVAL);
				continue;
			}
			assert_int_equal(ret, -EMSGSIZE); /* no arrays */
			memcpy(&got, big, 4);
			assert_int_equal(got, sz < ours[k] ? sz : ours[k]);
			assert_int_equal(big[sz < ours[k] ? sz : ours[k]],
					 0x77);
		}
	}
}

/* ------------------------------------------------------------------ */
/* generic chain API                                                   */

static void test_cap_next_walks_the_chain(void **state)
{
	struct gen_blob g = golden("vfio-resv-intel-rmrr");
	static const uint16_t ids[] = { 2, 3, 1, 0x4f49 };
	static const uint32_t offs[] = { 24, 56, 72, 120 };
	struct ioas_cap_header h;
	uint32_t pos = 24;
	size_t n = 0;

	(void)state;
	ioas_cap_for_each(g.b, g.len, pos, &h) {
		assert_true(n < 4);
		assert_int_equal(h.id, ids[n]);
		assert_int_equal(h.off, offs[n]);
		assert_int_equal(h.version, 1);
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(pos, 0);
	/* 0 at the end, and it stays there */
	assert_int_equal(ioas_cap_next(g.b, g.len, &pos, &h, NULL), 0);
	assert_int_equal(ioas_cap_check(g.b, g.len, 24, NULL), 4);
	assert_int_equal(ioas_cap_check(g.b, g.len, 0, NULL), 0);
	assert_int_equal(ioas_cap_find(g.b, g.len, 24, IOAS_CAP_RESV_REGIONS,
				       &h, NULL),
			 1);
	assert_int_equal(h.off, 120);
	assert_int_equal(ioas_cap_find(g.b, g.len, 24, 0x7777, &h, NULL), 0);
	assert_int_equal(ioas_cap_find(g.b, g.len, 24, 3, NULL, NULL), 1);
}

static void test_cap_next_rejects_bad_links(void **state)
{
	struct gen_blob g = golden("vfio-intel-aw39");
	struct ioas_cap_header h;
	struct ioas_diag diag;
	uint32_t pos;

	(void)state;
	/* a bad starting offset is blamed on itself */
	pos = 28;
	assert_int_equal(ioas_cap_next(g.b, g.len, &pos, &h, &diag), -EBADMSG);
	assert_int_equal(diag.offset, 28);
	assert_int_equal(pos, 28);
	pos = 120;
	assert_int_equal(ioas_cap_next(g.b, g.len, &pos, &h, &diag), -EBADMSG);
	assert_int_equal(diag.offset, 120);
	/* a bad link on its next field, and the walk does not advance */
	g.b[76] = 24;
	assert_int_equal(ioas_cap_check(g.b, g.len, 24, &diag), -EBADMSG);
	assert_int_equal(diag.offset, 76);
	assert_string_equal(diag.reason,
			    "next points backwards or to itself (a loop)");
	pos = 72;
	assert_int_equal(ioas_cap_next(g.b, g.len, &pos, &h, NULL), -EBADMSG);
	assert_int_equal(pos, 72);
	/* find stops at a match before the bad link */
	assert_int_equal(ioas_cap_find(g.b, g.len, 24, 2, &h, NULL), 1);
	assert_int_equal(ioas_cap_find(g.b, g.len, 24, 0x7777, &h, &diag),
			 -EBADMSG);
	/* NULL arguments */
	assert_int_equal(ioas_cap_next(g.b, g.len, NULL, &h, NULL), -EINVAL);
	assert_int_equal(ioas_cap_next(g.b, g.len, &pos, NULL, NULL), -EINVAL);
	assert_int_equal(ioas_cap_next(NULL, 8, &pos, &h, NULL), -EINVAL);
	assert_int_equal(ioas_cap_check(NULL, 8, 0, NULL), -EINVAL);
	assert_int_equal(ioas_cap_find(NULL, 8, 0, 1, NULL, NULL), -EINVAL);
	/* the longest possible walk of a hostile buffer ends */
	{
		uint8_t b[4096];
		uint32_t off;

		memset(b, 0, sizeof(b));
		for (off = 8; off + 8 < sizeof(b); off += 8) {
			uint32_t next = off + 8;

			memcpy(b + off + 4, &next, 4);
		}
		assert_int_equal(ioas_cap_check(b, sizeof(b), 8, NULL),
				 (int)(sizeof(b) / 8 - 1));
	}
}

/* ------------------------------------------------------------------ */
/* iommufd IOVA_RANGES                                                 */

static void test_iommufd_encode_matches_kernel(void **state)
{
	struct ioas_space *s = t_space(IOAS_PROFILE_IOMMUFD, 0);
	struct ioas_group_config g = t_group(1, 0, 0x7fffffffffull, x86_msi, 1);
	struct gen_blob want;
	uint8_t buf[96];

	(void)state;
	/* case=fresh_ioas: num_iovas=1 out_iova_alignment=0x1 */
	want = golden("iommufd-fresh");
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf, 48), 48);
	assert_blob_eq(buf, 48, &want);
	t_attach(s, &g);
	/* case=after_attach pass=1 (capacity 0): EMSGSIZE, num_iovas_out=2 */
	want = golden("iommufd-emsgsize");
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf, 32),
			 -EMSGSIZE);
	assert_blob_eq(buf, 32, &want);
	/* capacity 1 of 2: the first one written, still EMSGSIZE */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf, 56),
			 -EMSGSIZE);
	assert_int_equal(rd32(buf + 8), 2);
	assert_true(rd64(buf + 40) == 0xfedfffff);
	assert_int_equal(buf[48], 0xee);
	/* pass=2: num_iovas=2 out_iova_alignment=0x1000 */
	want = golden("iommufd-intel-aw39");
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf, 64), 64);
	assert_blob_eq(buf, 64, &want);
	/* spare capacity is not touched */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 4, buf, 96), 64);
	assert_int_equal(buf[64], 0xee);
	assert_int_equal(buf[95], 0xee);
	/* the allowed list is not applied (kernel-spec §5.4) */
	{
		struct ioas_range a = { 0x10000000, 0x1fffffff };

		assert_int_equal(ioas_space_allow(s, &a, 1, NULL), 0);
		assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf,
								    64),
				 64);
		want = golden("iommufd-intel-aw39");
		assert_blob_eq(buf, 64, &want);
	}
	ioas_space_free(s);

	s = intel_space(IOAS_PROFILE_IOMMUFD, 0xffffffffffffull);
	want = golden("iommufd-intel-aw48");
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf, 64), 64);
	assert_blob_eq(buf, 64, &want);
	ioas_space_free(s);
}

static void test_iommufd_encode_errors(void **state)
{
	struct ioas_range r = { 0x1000, 0 };
	struct ioas_space *s = t_space(IOAS_PROFILE_TYPE1, 0);
	uint8_t buf[64];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_iommufd_ranges_encode(NULL, 0, 1, 1, buf, 31),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_encode(NULL, 0, 1, 1, NULL, 32),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_encode(NULL, 0, 0, 1, buf, 32),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_encode(NULL, 0, 0x1800, 1, buf,
							32),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_encode(&r, 1, 1, 1, buf, 64),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_encode(NULL, 1, 1, 1, buf, 64),
			 -EINVAL);
	if (SIZE_MAX > UINT32_MAX)
		assert_int_equal(ioas_cap_iommufd_ranges_encode(
					 &r, (size_t)UINT32_MAX + 1, 1, 1, buf,
					 64),
				 -EINVAL);
	assert_int_equal(buf[0], 0xee);
	/* no ranges: 32 bytes, num_iovas 0 */
	assert_int_equal(ioas_cap_iommufd_ranges_encode(NULL, 0, 1, 9, buf, 64),
			 32);
	assert_int_equal(rd32(buf + 4), 9);
	assert_int_equal(rd32(buf + 8), 0);
	/* type1 with no group: -EINVAL, buffer untouched */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf, 64),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(NULL, 1, buf, 64),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_from_space(s, 1, buf, 16),
			 -EINVAL);
	assert_int_equal(buf[0], 0xee);
	ioas_space_free(s);
}

static void test_iommufd_decode(void **state)
{
	struct gen_blob g = golden("iommufd-intel-aw39");
	struct ioas_cap_iommufd_ranges ir = { .size = sizeof(ir) };
	struct ioas_range r[4];

	(void)state;
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, r, 4,
							NULL),
			 0);
	assert_int_equal(ir.cmd_size, 32);
	assert_int_equal(ir.ioas_id, 1);
	assert_int_equal(ir.num_iovas, 2);
	assert_int_equal(ir.nr_present, 2);
	assert_true(ir.allowed_iovas == 32);
	assert_true(ir.out_iova_alignment == 0x1000);
	assert_true(r[1].start == 0xfef00000 && r[1].last == 0x7fffffffff);
	/* too small an array */
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, r, 1,
							NULL),
			 -EMSGSIZE);
	/* the count query answer: nothing present */
	g = golden("iommufd-emsgsize");
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, r, 4,
							NULL),
			 0);
	assert_int_equal(ir.num_iovas, 2);
	assert_int_equal(ir.nr_present, 0);
	/* spare capacity with junk: not read */
	g = golden("iommufd-spare-capacity");
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, r, 4,
							NULL),
			 0);
	assert_int_equal(ir.nr_present, 2);
	/* fresh IOAS: the whole 64-bit space, alignment 1 */
	g = golden("iommufd-fresh");
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, r, 4,
							NULL),
			 0);
	assert_true(r[0].start == 0 && r[0].last == U64MAX);
	assert_true(ir.out_iova_alignment == 1);
	/* a size field above 32 (a newer caller's struct) is accepted */
	g.b[0] = 40;
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, r, 4,
							NULL),
			 0);
	/* -EINVAL */
	ir.size = 0;
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, r, 4,
							NULL),
			 -EINVAL);
	ir.size = sizeof(ir);
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, &ir, NULL,
							4, NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_iommufd_ranges_decode(g.b, g.len, NULL, r, 4,
							NULL),
			 -EINVAL);
}

/* ------------------------------------------------------------------ */
/* virtio-iommu PROBE                                                  */

static void test_virtio_encode_goldens(void **state)
{
	static const struct ioas_region smmu[] = {
		{ { 0x8000000, 0x80fffff }, IOAS_REGION_SW_MSI, 0,
		  IOAS_ORIGIN_SMMU_SW_MSI },
	};
	struct ioas_space *s = intel_space(IOAS_PROFILE_TYPE1, 0x7fffffffffull);
	struct gen_blob want = golden("virtio-x86-msi");
	uint8_t buf[512];
	size_t need = 0;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_virtio_probe_from_space(s, buf, 64, &need),
			 24);
	assert_int_equal(need, 24);
	assert_blob_eq(buf, 64, &want);
	ioas_space_free(s);

	s = t_space(IOAS_PROFILE_NATIVE, 0);
	{
		struct ioas_group_config g =
			t_group(1, 0, 0xffffffffffffull, smmu, 1);

		t_attach(s, &g);
	}
	want = golden("virtio-smmu-sw-msi");
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_virtio_probe_from_space(s, buf, 512, NULL),
			 24);
	assert_blob_eq(buf, 512, &want);
	ioas_space_free(s);
}

/* kernel-spec §7 guidance, type by type; explicit little-endian bytes. */
static void test_virtio_encode_subtypes_and_bytes(void **state)
{
	static const struct ioas_region r[] = {
		{ { 0x0, 0xffffff }, IOAS_REGION_DIRECT_RELAXABLE, 0, 0 },
		{ { 0x50000000, 0x500fffff }, IOAS_REGION_DIRECT, 0, 0 },
		{ { 0x8000000, 0x80fffff }, IOAS_REGION_SW_MSI, 0, 0 },
		{ { 0xfd00000000ull, 0xffffffffffull }, IOAS_REGION_RESERVED,
		  0, 0 },
		{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0, 0 },
	};
	static const uint8_t first[24] = {
		0x01, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0x0f, 0x50, 0x00, 0x00, 0x00, 0x00,
	};
	struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
	struct ioas_cap_virtio_resv v[4];
	uint8_t buf[100];
	size_t need;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 5, buf, 100, &need),
			 96);
	assert_memory_equal(buf, first, 24);
	assert_int_equal(buf[96], 0);
	assert_int_equal(buf[99], 0);
	assert_int_equal(ioas_cap_virtio_probe_decode(buf, 100, &vp, v, 4,
						      NULL),
			 0);
	assert_int_equal(vp.nr_resv, 4);
	assert_int_equal(vp.terminated, 1);
	assert_int_equal(vp.end, 96);
	assert_int_equal(v[0].subtype, IOAS_CAP_VIRTIO_RESV_RESERVED);
	assert_int_equal(v[1].subtype, IOAS_CAP_VIRTIO_RESV_RESERVED);
	assert_int_equal(v[2].subtype, IOAS_CAP_VIRTIO_RESV_RESERVED);
	assert_int_equal(v[3].subtype, IOAS_CAP_VIRTIO_RESV_MSI);
	assert_int_equal(v[3].region.type, IOAS_REGION_MSI);
	assert_int_equal(v[3].region.prot, IOAS_PROT_WRITE | IOAS_PROT_NOEXEC |
						   IOAS_PROT_MMIO);
	assert_int_equal(v[0].region.origin, IOAS_ORIGIN_VIRTIO_PROBE);
	assert_true(v[2].region.range.start == 0xfd00000000ull);
	/* exactly full: no room for NONE, still fine */
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 5, buf, 96, NULL), 96);
	assert_int_equal(ioas_cap_virtio_probe_decode(buf, 96, &vp, v, 4,
						      NULL),
			 0);
	assert_int_equal(vp.terminated, 0);
	assert_int_equal(vp.end, 96);
}

static void test_virtio_encode_errors(void **state)
{
	struct ioas_region r[2] = {
		{ { 0x1000, 0x1fff }, IOAS_REGION_RESERVED, 0, 0 },
		{ { 0x3000, 0x3fff }, IOAS_REGION_MSI, 0, 0 },
	};
	uint8_t buf[64];
	size_t need = 0;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	/* too small: -EMSGSIZE, *needed, nothing written */
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 2, buf, 47, &need),
			 -EMSGSIZE);
	assert_int_equal(need, 48);
	assert_int_equal(buf[0], 0xee);
	/* no region, probe_size 0 and NULL buffer: nothing to do */
	assert_int_equal(ioas_cap_virtio_probe_encode(NULL, 0, NULL, 0, &need),
			 0);
	assert_int_equal(need, 0);
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 2, NULL, 64, NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_virtio_probe_encode(NULL, 2, buf, 64, NULL),
			 -EINVAL);
	r[1].type = 9;
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 2, buf, 64, NULL),
			 -EINVAL);
	r[1].type = IOAS_REGION_MSI;
	r[1].range.start = 0x5000;
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 2, buf, 64, NULL),
			 -EINVAL);
	r[1].range.start = 0;
	r[1].range.last = U64MAX;
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 2, buf, 64, NULL),
			 -EOVERFLOW);
	/* ... but a relaxable one is never emitted, so it is fine */
	r[1].type = IOAS_REGION_DIRECT_RELAXABLE;
	assert_int_equal(ioas_cap_virtio_probe_encode(r, 2, buf, 64, NULL), 24);
	if (SIZE_MAX > UINT32_MAX)
		assert_int_equal(ioas_cap_virtio_probe_encode(
					 r, 2, buf, (size_t)UINT32_MAX + 1,
					 NULL),
				 -EOVERFLOW);
	assert_int_equal(buf[24], 0);
	assert_int_equal(ioas_cap_virtio_probe_from_space(NULL, buf, 64, NULL),
			 -EINVAL);
}

/* A PCI window reaches a guest only from a native space. */
static void test_virtio_from_space_pci_window(void **state)
{
	static const struct ioas_region r[] = {
		{ { 0x80000000, 0xbfffffff }, IOAS_REGION_RESERVED, 0,
		  IOAS_ORIGIN_PCI_WINDOW },
		{ { 0xfee00000, 0xfeefffff }, IOAS_REGION_MSI, 0,
		  IOAS_ORIGIN_X86_MSI },
	};
	uint32_t p;

	(void)state;
	for (p = IOAS_PROFILE_TYPE1; p <= IOAS_PROFILE_NATIVE; p++) {
		struct ioas_space *s = t_space(p, 0);
		struct ioas_group_config g =
			t_group(1, 0, 0x7fffffffffull, r, 2);
		uint8_t buf[64];

		t_attach(s, &g);
		assert_int_equal(ioas_cap_virtio_probe_from_space(s, buf, 64,
								  NULL),
				 p == IOAS_PROFILE_NATIVE ? 48 : 24);
		ioas_space_free(s);
	}
}

static void test_virtio_decode(void **state)
{
	struct gen_blob g = golden("virtio-skips");
	struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
	struct ioas_cap_virtio_resv v[2];
	struct ioas_cap_virtio_prop p;
	size_t pos = 0;

	(void)state;
	assert_int_equal(ioas_cap_virtio_probe_decode(g.b, g.len, &vp, v, 2,
						      NULL),
			 0);
	assert_int_equal(vp.nr_props, 3);
	assert_int_equal(vp.nr_unknown, 1);
	assert_int_equal(vp.nr_resv, 2);
	assert_int_equal(vp.end, 56);
	assert_int_equal(vp.terminated, 1);
	/* reserved type bits are ignored, as Linux does */
	assert_int_equal(v[0].off, 8);
	assert_int_equal(v[0].region.type, IOAS_REGION_MSI);
	/* an unknown subtype is reserved, as Linux does */
	assert_int_equal(v[1].subtype, 7);
	assert_int_equal(v[1].region.type, IOAS_REGION_RESERVED);
	assert_int_equal(v[1].region.prot, 0);
	/* the iterator, property by property */
	assert_int_equal(ioas_cap_virtio_next(g.b, g.len, &pos, &p, NULL), 1);
	assert_int_equal(p.type, 3);
	assert_false(p.known);
	assert_int_equal(p.length, 4);
	assert_int_equal(pos, 8);
	assert_int_equal(ioas_cap_virtio_next(g.b, g.len, &pos, &p, NULL), 1);
	assert_int_equal(p.raw_type, 0x1001);
	assert_int_equal(p.type, 1);
	assert_true(p.known);
	assert_int_equal(ioas_cap_virtio_next(g.b, g.len, &pos, &p, NULL), 1);
	assert_int_equal(ioas_cap_virtio_next(g.b, g.len, &pos, &p, NULL), 0);
	assert_int_equal(pos, g.len);
	assert_int_equal(ioas_cap_virtio_next(g.b, g.len, &pos, &p, NULL), 0);
	/* -EMSGSIZE */
	assert_int_equal(ioas_cap_virtio_probe_decode(g.b, g.len, &vp, v, 1,
						      NULL),
			 -EMSGSIZE);
	assert_int_equal(vp.nr_resv, 2);
	/* empty area; 1 to 3 trailing zero bytes end the list */
	g = golden("virtio-empty");
	assert_int_equal(ioas_cap_virtio_probe_decode(g.b, g.len, &vp, v, 2,
						      NULL),
			 0);
	assert_int_equal(vp.nr_props, 0);
	assert_int_equal(vp.end, 0);
	assert_int_equal(vp.terminated, 1);
	g = golden("virtio-x86-msi");
	g.len = 27;
	assert_int_equal(ioas_cap_virtio_probe_decode(g.b, g.len, &vp, v, 2,
						      NULL),
			 0);
	assert_int_equal(vp.terminated, 0);
	assert_int_equal(vp.end, 27);
	assert_int_equal(ioas_cap_virtio_probe_decode(NULL, 0, &vp, NULL, 0,
						      NULL),
			 0);
	/* -EINVAL */
	assert_int_equal(ioas_cap_virtio_probe_decode(g.b, g.len, NULL, v, 2,
						      NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_virtio_probe_decode(g.b, g.len, &vp, NULL, 2,
						      NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_virtio_next(g.b, g.len, NULL, &p, NULL),
			 -EINVAL);
	assert_int_equal(ioas_cap_virtio_next(g.b, g.len, &pos, NULL, NULL),
			 -EINVAL);
	if (SIZE_MAX > UINT32_MAX) {
		assert_int_equal(ioas_cap_virtio_next(g.b,
						      (size_t)UINT32_MAX + 1,
						      &pos, &p, NULL),
				 -EINVAL);
		assert_int_equal(ioas_cap_virtio_probe_decode(
					 g.b, (size_t)UINT32_MAX + 1, &vp, v, 2,
					 NULL),
				 -EINVAL);
	}
}

/* ------------------------------------------------------------------ */
/* detection                                                           */

static void test_detect_every_golden(void **state)
{
	static const int want[] = { 0, IOAS_CAP_FORMAT_VFIO_INFO,
				    IOAS_CAP_FORMAT_IOMMUFD_RANGES,
				    IOAS_CAP_FORMAT_VIRTIO_PROBE };
	static const char junk[] = "hello, world: not a blob";
	size_t i;

	(void)state;
	for (i = 0; i < GEN_NR_CASES; i++) {
		const struct gen_case *c = &gen_cases[i];
		struct gen_blob g;

		if (!c->good)
			continue;
		gen_build(c, &g);
		if (ioas_cap_detect(g.b, g.len) != want[c->fmt])
			fail_msg("%s detected as %d", c->name,
				 ioas_cap_detect(g.b, g.len));
	}
	assert_int_equal(ioas_cap_detect(junk, sizeof(junk)),
			 IOAS_CAP_FORMAT_UNKNOWN);
	assert_int_equal(ioas_cap_detect(NULL, 0), IOAS_CAP_FORMAT_UNKNOWN);
	assert_int_equal(ioas_cap_detect(junk, 0), IOAS_CAP_FORMAT_UNKNOWN);
	/* a lone MSI RESV_MEM reads as VFIO argsz 0x140001 flags PGSIZES */
	{
		struct gen_blob g = golden("virtio-x86-msi");

		assert_int_equal(ioas_cap_detect(g.b, 24),
				 IOAS_CAP_FORMAT_VIRTIO_PROBE);
		/* a malformed area is still recognised by its first
		 * property, so that decoding it names the malformation */
		g = golden("virtio-end-below-start");
		assert_int_equal(ioas_cap_detect(g.b, g.len),
				 IOAS_CAP_FORMAT_VIRTIO_PROBE);
		/* ... and an unknown first property of a malformed area is
		 * not enough */
		g = golden("virtio-skips");
		g.b[56] = 1; /* NONE becomes a truncated RESV_MEM */
		assert_int_equal(ioas_cap_detect(g.b, g.len),
				 IOAS_CAP_FORMAT_UNKNOWN);
	}
}

/* ------------------------------------------------------------------ */
/* round trips                                                         */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* n sorted, disjoint ranges with random gaps (some touching). */
static size_t rnd_ranges(struct ioas_range *r, size_t max)
{
	size_t n = rnd() % (max + 1), i;
	uint64_t at = rnd() % 4 ? rnd() % 0x100000 : 0;

	for (i = 0; i < n; i++) {
		uint64_t len = 1 + rnd() % 0x100000000ull;

		if (at > U64MAX - len)
			break;
		r[i].start = at;
		r[i].last = at + len - 1;
		if (r[i].last == U64MAX || rnd() % 8 == 0) {
			if (r[i].last != U64MAX && rnd() % 2)
				r[i].last = U64MAX;
			i++;
			break;
		}
		at = r[i].last + 1 + rnd() % 0x10000000ull;
		if (at < r[i].last) {
			i++;
			break;
		}
	}
	return i;
}

static void test_roundtrip_vfio_random_values(void **state)
{
	struct ioas_range iovas[40], out[40];
	struct ioas_cap_resv resv[20], rout[20];
	static uint8_t buf[2048];
	int iter;

	(void)state;
	for (iter = 0; iter < 2000; iter++) {
		struct ioas_cap_vfio_src src = { .size = sizeof(src) };
		struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
		size_t i, nr;
		long len;

		src.iova_pgsizes = rnd() | 1ull << (rnd() % 64);
		src.dma_avail = (uint32_t)rnd();
		src.nr_iovas = rnd_ranges(iovas, 40);
		src.iovas = iovas;
		src.flags = rnd() % 2 ? IOAS_CAP_WITH_RESV : 0;
		nr = rnd() % 21;
		for (i = 0; i < nr; i++) {
			uint64_t a = rnd(), b = rnd();

			resv[i].region.range.start = a < b ? a : b;
			resv[i].region.range.last = a < b ? b : a;
			resv[i].region.type = (uint32_t)(rnd() % 5);
			resv[i].region.prot = (uint32_t)rnd();
			resv[i].region.origin = (uint32_t)(rnd() % 0x10000);
			resv[i].flags = (uint32_t)rnd();
		}
		src.resv = resv;
		src.nr_resv = nr;
		len = ioas_cap_vfio_info_encode(&src, sizeof(buf), buf,
						sizeof(buf));
		assert_true(len > 0);
		/* type1 keeps the caller's argsz: the answer is the whole
		 * argsz-byte buffer, chain first, the rest untouched */
		assert_int_equal(ioas_cap_vfio_info_decode(buf, sizeof(buf),
							   &vi, out, 40, rout,
							   20, NULL),
				 0);
		assert_int_equal(vi.argsz, sizeof(buf));
		assert_true(vi.iova_pgsizes == src.iova_pgsizes);
		assert_true(vi.mig_pgsize_bitmap ==
			    (src.iova_pgsizes & (~src.iova_pgsizes + 1)));
		assert_int_equal(vi.dma_avail, src.dma_avail);
		assert_int_equal(vi.nr_iovas, src.nr_iovas);
		assert_int_equal(vi.off_iova_range ? 1 : 0,
				 src.nr_iovas ? 1 : 0);
		assert_memory_equal(out, iovas,
				    src.nr_iovas * sizeof(iovas[0]));
		assert_int_equal(vi.off_resv ? 1 : 0,
				 src.flags & IOAS_CAP_WITH_RESV ? 1 : 0);
		if (src.flags & IOAS_CAP_WITH_RESV) {
			assert_int_equal(vi.nr_resv, nr);
			for (i = 0; i < nr; i++) {
				assert_true(rout[i].region.range.start ==
					    resv[i].region.range.start);
				assert_true(rout[i].region.range.last ==
					    resv[i].region.range.last);
				assert_int_equal(rout[i].region.type,
						 resv[i].region.type);
				assert_int_equal(rout[i].region.prot,
						 resv[i].region.prot);
				assert_int_equal(rout[i].region.origin,
						 resv[i].region.origin);
				assert_int_equal(rout[i].flags, resv[i].flags);
			}
		}
		/* and the short answer at a random argsz below it */
		{
			uint32_t argsz = 16 + (uint32_t)(rnd() % ((size_t)len - 16));

			assert_int_equal(ioas_cap_vfio_info_encode(&src, argsz,
								   buf, argsz),
					 argsz < 24 ? argsz : 24);
			assert_int_equal(ioas_cap_vfio_info_decode(buf, argsz,
								   &vi, NULL, 0,
								   NULL, 0,
								   NULL),
					 0);
			assert_int_equal(vi.needed, (uint32_t)len);
		}
	}
}

static void test_roundtrip_iommufd_and_virtio_random_values(void **state)
{
	struct ioas_range r[40], out[40];
	struct ioas_region reg[40];
	struct ioas_cap_virtio_resv v[40];
	static uint8_t buf[2048];
	int iter;

	(void)state;
	for (iter = 0; iter < 2000; iter++) {
		struct ioas_cap_iommufd_ranges ir = { .size = sizeof(ir) };
		struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
		size_t n = rnd_ranges(r, 40), cap = rnd() % 42, i, k;
		size_t len = 32 + 16 * cap;
		uint64_t align = 1ull << (rnd() % 64);
		long ret;

		ret = ioas_cap_iommufd_ranges_encode(r, n, align, (uint32_t)iter,
						     buf, len);
		assert_int_equal(ret, n <= cap ? (long)(32 + 16 * n) :
						 -EMSGSIZE);
		assert_int_equal(ioas_cap_iommufd_ranges_decode(buf, len, &ir,
								out, 40, NULL),
				 0);
		assert_int_equal(ir.num_iovas, n);
		assert_int_equal(ir.nr_present, n < cap ? n : cap);
		assert_true(ir.out_iova_alignment == align);
		assert_memory_equal(out, r, ir.nr_present * sizeof(r[0]));

		/* virtio: each region back with its subtype's type */
		for (i = 0; i < n; i++) {
			reg[i].range = r[i];
			reg[i].type = (uint32_t)(rnd() % 5);
			reg[i].prot = 0;
			reg[i].origin = 0;
			if (r[i].start == 0 && r[i].last == U64MAX)
				reg[i].type = IOAS_REGION_DIRECT_RELAXABLE;
		}
		ret = ioas_cap_virtio_probe_encode(reg, n, buf, sizeof(buf),
						   NULL);
		assert_true(ret >= 0);
		assert_int_equal(ioas_cap_virtio_probe_decode(buf, sizeof(buf),
							      &vp, v, 40, NULL),
				 0);
		for (i = 0, k = 0; i < n; i++) {
			uint32_t t = reg[i].type;

			if (t == IOAS_REGION_DIRECT_RELAXABLE)
				continue;
			assert_true(k < vp.nr_resv);
			assert_true(v[k].region.range.start == r[i].start &&
				    v[k].region.range.last == r[i].last);
			assert_int_equal(v[k].region.type,
					 t == IOAS_REGION_MSI ?
						 IOAS_REGION_MSI :
						 IOAS_REGION_RESERVED);
			k++;
		}
		assert_int_equal(k, vp.nr_resv);
		assert_int_equal((long)(24 * k), ret);
	}
}

/* Random spaces: what the blobs say is what the space says. */
static void test_roundtrip_random_spaces(void **state)
{
	static const uint64_t apertures[] = { 0x7fffffffffull,
					      0xffffffffffffull, U64MAX };
	static uint8_t buf[8192];
	int iter;

	(void)state;
	for (iter = 0; iter < 300; iter++) {
		uint32_t profile = 1 + (uint32_t)(rnd() % 3);
		struct ioas_space *s = t_space(profile,
					       IOAS_SPACE_UNSAFE_INTERRUPTS);
		struct ioas_region reg[8];
		size_t ng = 1 + rnd() % 3, g, i, n = 0;

		for (g = 0; g < ng; g++) {
			struct ioas_group_config gc;
			size_t nr = rnd() % 8;

			for (i = 0; i < nr; i++) {
				uint64_t st = (rnd() % 0x4000) << 20;

				reg[i].range.start = st;
				reg[i].range.last = st + ((rnd() % 64 + 1) << 12) - 1;
				/* no direct: Linux refuses those groups */
				reg[i].type = 1 + (uint32_t)(rnd() % 4);
				reg[i].prot = (uint32_t)(rnd() % 64);
				reg[i].origin = (uint32_t)(rnd() %
							   IOAS_REGION_NR_ORIGINS);
			}
			gc = t_group((uint32_t)g + 1, 0, apertures[rnd() % 3],
				     reg, (uint32_t)nr);
			(void)ioas_space_attach(s, &gc, NULL);
		}
		{
			struct ioas_range_list u = IOAS_RANGE_LIST_INIT;
			struct ioas_region_list rl = IOAS_REGION_LIST_INIT;
			struct ioas_space_info si = { .size = sizeof(si) };
			struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
			struct ioas_cap_iommufd_ranges ir = { .size = sizeof(ir) };
			struct ioas_range out[64];
			struct ioas_cap_resv e[64];
			int uret = ioas_space_usable(s, &u, NULL);
			long ret;

			assert_int_equal(ioas_space_regions(s, &rl), 0);
			assert_int_equal(ioas_space_get_info(s, &si), 0);
			ret = ioas_cap_vfio_info_from_space(
				s, IOAS_CAP_WITH_RESV, sizeof(buf), buf,
				sizeof(buf));
			if (uret) {
				assert_int_equal(ret, uret);
				goto next;
			}
			assert_true(ret > 0);
			assert_int_equal(ioas_cap_vfio_info_decode(
						 buf, sizeof(buf), &vi, out, 64,
						 e, 64, NULL),
					 0);
			assert_int_equal(vi.nr_iovas, u.nr);
			assert_memory_equal(out, u.v, u.nr * sizeof(out[0]));
			assert_int_equal(vi.dma_avail, si.dma_avail);
			assert_int_equal(vi.nr_resv, rl.nr);
			for (i = 0; i < rl.nr; i++) {
				assert_true(e[i].region.range.start ==
					    rl.v[i].range.start);
				assert_int_equal(e[i].region.type,
						 rl.v[i].type);
				assert_int_equal(e[i].region.origin,
						 rl.v[i].origin);
				assert_int_equal(e[i].region.prot,
						 rl.v[i].prot);
				n += !!(e[i].flags & IOAS_CAP_RESV_EXCLUDED);
			}
			if (profile == IOAS_PROFILE_TYPE1)
				assert_true(vi.iova_pgsizes == si.pgsizes);
			ret = ioas_cap_iommufd_ranges_from_space(s, 3, buf,
								 sizeof(buf));
			assert_int_equal(ret, 32 + 16 * (long)u.nr);
			assert_int_equal(ioas_cap_iommufd_ranges_decode(
						 buf, (size_t)ret, &ir, out, 64,
						 NULL),
					 0);
			assert_memory_equal(out, u.v, u.nr * sizeof(out[0]));
			assert_true(ir.out_iova_alignment == si.iova_alignment);
			ret = ioas_cap_virtio_probe_from_space(s, buf, 4096,
							       NULL);
			assert_true(ret >= 0);
			/* one property per excluded, non-relaxable region */
			assert_int_equal(ret, 24 * (long)n);
next:
			ioas_range_list_fini(&u);
			ioas_region_list_fini(&rl);
		}
		ioas_space_free(s);
	}
}

/* ------------------------------------------------------------------ */
/* hostile input                                                       */

/* Bit flips, truncations and splices of every golden: only the
 * documented results, and ASan/valgrind watch every read. */
static void test_mutated_goldens_never_misbehave(void **state)
{
	size_t i;
	int iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		const struct gen_case *c = &gen_cases[rnd() % GEN_NR_CASES];
		struct gen_blob g;
		struct ioas_diag diag = { 0 };
		uint8_t *copy;
		int ret, k;

		gen_build(c, &g);
		for (k = (int)(rnd() % 4); k >= 0; k--) {
			size_t at = g.len ? rnd() % g.len : 0;

			switch (rnd() % 4) {
			case 0:
				if (g.len)
					g.b[at] ^= (uint8_t)(1u << rnd() % 8);
				break;
			case 1:
				g.len = at;
				break;
			case 2:
				if (g.len)
					g.b[at] = (uint8_t)rnd();
				break;
			default: {
				/* a small 32-bit value where offsets and
				 * counts live */
				uint32_t v = (uint32_t)(rnd() % 256);
				size_t a = at & ~(size_t)3;

				if (a + 4 <= g.len)
					memcpy(g.b + a, &v, 4);
				break;
			}
			}
		}
		/* an exact-size heap copy, so ASan sees any over-read */
		copy = malloc(g.len ? g.len : 1);
		assert_non_null(copy);
		memcpy(copy, g.b, g.len);
		for (i = 1; i <= 3; i++) {
			diag.reason = NULL;
			ret = decode_fmt((int)i, copy, g.len, &diag);
			assert_true(ret == 0 || ret == -EBADMSG);
			if (ret == -EBADMSG) {
				/* the blamed field is inside the blob */
				assert_non_null(diag.reason);
				assert_true(diag.offset < (g.len ? g.len : 1));
			}
		}
		(void)ioas_cap_detect(copy, g.len);
		(void)ioas_cap_check(copy, g.len, 24, NULL);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_committed_fixtures_match_generator),
		cmocka_unit_test(test_each_malformation_fails_with_offset_and_reason),
		cmocka_unit_test(test_every_good_fixture_decodes),
		cmocka_unit_test(test_every_reason_in_cap_c_has_a_fixture),
		cmocka_unit_test(test_decode_failure_leaves_outputs_untouched),
		cmocka_unit_test(test_vfio_encode_matches_kernel_intel_aw39),
		cmocka_unit_test(test_vfio_encode_matches_kernel_intel_aw48),
		cmocka_unit_test(test_vfio_encode_matches_kernel_virtio),
		cmocka_unit_test(test_vfio_encode_resv_cap_golden),
		cmocka_unit_test(test_vfio_encode_argsz_negotiation_every_size),
		cmocka_unit_test(test_vfio_encode_without_iova_range),
		cmocka_unit_test(test_vfio_encode_section9_vector),
		cmocka_unit_test(test_vfio_encode_dma_avail_counts_down),
		cmocka_unit_test(test_vfio_encode_other_profiles),
		cmocka_unit_test(test_vfio_resv_excluded_flag_follows_profile),
		cmocka_unit_test(test_vfio_encode_errors),
		cmocka_unit_test(test_vfio_from_space_errors_leave_buffer),
		cmocka_unit_test(test_vfio_decode_fixture_values),
		cmocka_unit_test(test_vfio_decode_short_answers),
		cmocka_unit_test(test_vfio_decode_compat_layer),
		cmocka_unit_test(test_vfio_decode_skips_unknown_caps),
		cmocka_unit_test(test_vfio_decode_any_order),
		cmocka_unit_test(test_vfio_decode_resv_entries),
		cmocka_unit_test(test_vfio_decode_resv_extended_layout),
		cmocka_unit_test(test_vfio_resv_cap_invisible_to_kernel_style_walkers),
		cmocka_unit_test(test_vfio_decode_small_arrays_and_sizes),
		cmocka_unit_test(test_output_struct_lengths),
		cmocka_unit_test(test_cap_next_walks_the_chain),
		cmocka_unit_test(test_cap_next_rejects_bad_links),
		cmocka_unit_test(test_iommufd_encode_matches_kernel),
		cmocka_unit_test(test_iommufd_encode_errors),
		cmocka_unit_test(test_iommufd_decode),
		cmocka_unit_test(test_virtio_encode_goldens),
		cmocka_unit_test(test_virtio_encode_subtypes_and_bytes),
		cmocka_unit_test(test_virtio_encode_errors),
		cmocka_unit_test(test_virtio_from_space_pci_window),
		cmocka_unit_test(test_virtio_decode),
		cmocka_unit_test(test_detect_every_golden),
		cmocka_unit_test(test_roundtrip_vfio_random_values),
		cmocka_unit_test(test_roundtrip_iommufd_and_virtio_random_values),
		cmocka_unit_test(test_roundtrip_random_spaces),
		cmocka_unit_test(test_mutated_goldens_never_misbehave),
	};

	return cmocka_run_group_tests_name("cap", tests, NULL, NULL);
}
