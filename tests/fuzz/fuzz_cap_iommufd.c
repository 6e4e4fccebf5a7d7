// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the IOMMU_IOAS_IOVA_RANGES decoder (flat form,
 * include/ioas/cap.h).
 *
 * A rejected answer must be -EBADMSG with a static reason blaming a byte
 * inside the input. An accepted one must be consistent (ranges ascending,
 * start <= last, alignment a power of two, nr_present = min(num_iovas,
 * room)), and encoding the decoded ranges again with the same capacity
 * must reproduce the same answer: the same values, and the same bytes for
 * every field the encoder owns. Any violation abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/cap.h>

#include "fuzz_check.h"

#define MAXN 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioas_cap_iommufd_ranges ir = { .size = sizeof(ir) };
	struct ioas_cap_iommufd_ranges ir2 = { .size = sizeof(ir2) };
	struct ioas_range r[MAXN], r2[MAXN];
	struct ioas_diag diag = { 0 };
	size_t room;
	uint8_t *buf;
	uint32_t i;
	long len;
	int ret;

	(void)ioas_cap_detect(data, size);
	ret = ioas_cap_iommufd_ranges_decode(data, size, &ir, r, MAXN, &diag);
	if (ret == -EBADMSG) {
		CHECK(diag.reason && diag.line == 0);
		CHECK(diag.offset < (size ? size : 1));
		return 0;
	}
	CHECK(ret == 0 || ret == -EMSGSIZE);
	CHECK(size >= 32 && (size - 32) % 16 == 0);
	room = (size - 32) / 16;
	CHECK(ir.nr_present == (ir.num_iovas < room ? ir.num_iovas : room));
	CHECK(ir.out_iova_alignment &&
	      !(ir.out_iova_alignment & (ir.out_iova_alignment - 1)));
	CHECK(ir.cmd_size >= 32);
	CHECK(ret == 0 || ir.nr_present > MAXN);
	if (ret)
		return 0;
	for (i = 0; i < ir.nr_present; i++) {
		CHECK(r[i].start <= r[i].last);
		CHECK(!i || r[i].start > r[i - 1].last);
	}
	/* only a complete answer can be re-encoded from what it says */
	if (ir.nr_present != ir.num_iovas)
		return 0;
	buf = malloc(size);
	CHECK(buf);
	len = ioas_cap_iommufd_ranges_encode(
		r, ir.num_iovas, ir.out_iova_alignment, ir.ioas_id, buf, size);
	CHECK(len == (long)(32 + 16 * (size_t)ir.num_iovas));
	CHECK(!memcmp(buf + 4, data + 4, 12)); /* id, num, rsvd */
	CHECK(!memcmp(buf + 24, data + 24, 8 + 16 * (size_t)ir.num_iovas));
	CHECK(ioas_cap_iommufd_ranges_decode(buf, (size_t)len, &ir2, r2, MAXN,
					     NULL) == 0);
	CHECK(ir2.num_iovas == ir.num_iovas && ir2.ioas_id == ir.ioas_id);
	CHECK(!memcmp(r2, r, ir.num_iovas * sizeof(r[0])));
	free(buf);
	return 0;
}
