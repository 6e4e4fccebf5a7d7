// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the VFIO_IOMMU_GET_INFO decoder and the generic chain
 * walker (include/ioas/cap.h).
 *
 * For every input: a rejected answer must be -EBADMSG with a static reason
 * blaming a byte inside the input. An accepted one must be consistent:
 * ioas_cap_check() counts the records the decoder counted, a walk with
 * ioas_cap_next() meets each known cap at the offset the decoder reported
 * and finds exactly as many records, the ranges are ascending with start
 * <= end, the regions have one of the five types; a decode into a smaller
 * struct fills only its prefix; and the decoded values, encoded again by
 * ioas_cap_vfio_info_encode(), decode to the same values (a round trip
 * through the kernel's own layout). Any violation abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/cap.h>

#include "fuzz_check.h"

#define MAXN 64

static void check_walk(const uint8_t *data, const struct ioas_cap_vfio_info *vi)
{
	struct ioas_cap_header h;
	uint32_t pos = vi->cap_offset, n = 0;
	int ret;

	if (!vi->cap_offset) {
		CHECK(vi->nr_caps == 0);
		return;
	}
	CHECK(ioas_cap_check(data, vi->argsz, vi->cap_offset, NULL) ==
	      (int)vi->nr_caps);
	while ((ret = ioas_cap_next(data, vi->argsz, &pos, &h, NULL)) > 0) {
		CHECK(h.off % 8 == 0 && h.off >= 24);
		CHECK(h.next == 0 || h.next >= h.off + 8);
		if (h.off == vi->off_migration)
			CHECK(h.id == IOAS_CAP_ID_MIGRATION && h.version == 1);
		if (h.off == vi->off_dma_avail)
			CHECK(h.id == IOAS_CAP_ID_DMA_AVAIL && h.version == 1);
		if (h.off == vi->off_iova_range)
			CHECK(h.id == IOAS_CAP_ID_IOVA_RANGE && h.version == 1);
		if (h.off == vi->off_resv)
			CHECK(h.id == IOAS_CAP_RESV_REGIONS && h.version == 1);
		n++;
	}
	CHECK(ret == 0 && n == vi->nr_caps);
	if (vi->off_iova_range) {
		CHECK(ioas_cap_find(data, vi->argsz, vi->cap_offset,
				    IOAS_CAP_ID_IOVA_RANGE, &h, NULL) == 1);
		CHECK(h.off <= vi->off_iova_range);
	}
}

static void roundtrip(const struct ioas_cap_vfio_info *vi,
		      const struct ioas_range *iovas,
		      const struct ioas_cap_resv *resv)
{
	struct ioas_cap_vfio_src src = { .size = sizeof(src) };
	struct ioas_cap_vfio_info vj = { .size = sizeof(vj) };
	struct ioas_range iovas2[MAXN];
	struct ioas_cap_resv resv2[MAXN];
	uint8_t *buf;
	uint32_t i;
	long len;

	if (!vi->iova_pgsizes || vi->nr_iovas > MAXN || vi->nr_resv > MAXN)
		return;
	src.iova_pgsizes = vi->iova_pgsizes;
	src.dma_avail = vi->dma_avail;
	src.iovas = iovas;
	src.nr_iovas = vi->nr_iovas;
	if (vi->off_resv) {
		src.flags = IOAS_CAP_WITH_RESV;
		src.resv = resv;
		src.nr_resv = vi->nr_resv;
	}
	buf = malloc(4096);
	CHECK(buf);
	len = ioas_cap_vfio_info_encode(&src, 4096, buf, 4096);
	CHECK(len > 0 && len <= 4096);
	CHECK(ioas_cap_vfio_info_decode(buf, 4096, &vj, iovas2, MAXN, resv2,
					MAXN, NULL) == 0);
	CHECK(vj.iova_pgsizes == vi->iova_pgsizes);
	CHECK(vj.dma_avail == vi->dma_avail);
	CHECK(vj.nr_iovas == vi->nr_iovas);
	CHECK(!memcmp(iovas2, iovas, vi->nr_iovas * sizeof(*iovas)));
	CHECK(!vi->off_resv || vj.nr_resv == vi->nr_resv);
	for (i = 0; vi->off_resv && i < vi->nr_resv; i++) {
		CHECK(resv2[i].region.range.start ==
		      resv[i].region.range.start);
		CHECK(resv2[i].region.range.last == resv[i].region.range.last);
		CHECK(resv2[i].region.type == resv[i].region.type);
		CHECK(resv2[i].region.origin == resv[i].region.origin);
		CHECK(resv2[i].region.prot == resv[i].region.prot);
		CHECK(resv2[i].flags == resv[i].flags);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_cap_vfio_info small;
	struct ioas_range iovas[MAXN];
	struct ioas_cap_resv resv[MAXN];
	struct ioas_diag diag = { 0 };
	uint32_t i;
	int ret;

	(void)ioas_cap_detect(data, size);
	ret = ioas_cap_vfio_info_decode(data, size, &vi, iovas, MAXN, resv,
					MAXN, &diag);
	if (ret == -EBADMSG) {
		CHECK(diag.reason && diag.line == 0);
		CHECK(diag.offset < (size ? size : 1));
		return 0;
	}
	CHECK(ret == 0 || ret == -EMSGSIZE);
	CHECK(vi.size == sizeof(vi));
	CHECK(vi.argsz >= 16 && size >= 16);
	CHECK(!vi.cap_offset || vi.argsz <= size);
	CHECK(!vi.needed || (vi.needed == vi.argsz && !vi.cap_offset));
	CHECK(vi.nr_unknown <= vi.nr_caps);
	CHECK(ret == 0 || vi.nr_iovas > MAXN || vi.nr_resv > MAXN);
	for (i = 0; i < vi.nr_iovas && i < MAXN; i++) {
		CHECK(iovas[i].start <= iovas[i].last);
		CHECK(!i || iovas[i].start > iovas[i - 1].last);
	}
	for (i = 0; i < vi.nr_resv && i < MAXN; i++) {
		CHECK(resv[i].region.range.start <= resv[i].region.range.last);
		CHECK(resv[i].region.type < IOAS_REGION_NR_TYPES);
	}
	check_walk(data, &vi);

	/* a smaller caller struct: only its prefix, the same values */
	memset(&small, 0xa5, sizeof(small));
	small.size = offsetof(struct ioas_cap_vfio_info, nr_caps);
	ret = ioas_cap_vfio_info_decode(data, size, &small, NULL, 0, NULL, 0,
					NULL);
	CHECK(ret == 0 || ret == -EMSGSIZE);
	CHECK(small.size == offsetof(struct ioas_cap_vfio_info, nr_caps));
	CHECK(small.argsz == vi.argsz && small.needed == vi.needed);
	CHECK(small.nr_caps == 0xa5a5a5a5);

	roundtrip(&vi, iovas, resv);
	return 0;
}
