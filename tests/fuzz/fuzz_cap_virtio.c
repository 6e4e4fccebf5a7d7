// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the virtio-iommu PROBE properties decoder and iterator
 * (include/ioas/cap.h).
 *
 * A rejected area must be -EBADMSG with a static reason blaming a byte
 * inside the input, and the iterator must fail on the same byte. An
 * accepted one must agree with a walk by ioas_cap_virtio_next() (same
 * properties, same RESV_MEM entries), every entry must have start <= end
 * and not cover all 2^64 addresses, and encoding the decoded regions again
 * must give entries that decode to the same ranges, with subtype MSI kept
 * and every other subtype turned into RESERVED, as a Linux guest reads
 * them. Any violation abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/cap.h>

#include "fuzz_check.h"

#define MAXN 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
	struct ioas_cap_virtio_probe vq = { .size = sizeof(vq) };
	struct ioas_cap_virtio_resv v[MAXN], w[MAXN];
	struct ioas_region reg[MAXN];
	struct ioas_cap_virtio_prop p;
	struct ioas_diag diag = { 0 }, diag2 = { 0 };
	size_t pos = 0, need = 0;
	uint32_t i, n = 0, nres = 0;
	uint8_t *buf;
	long len;
	int ret, it;

	(void)ioas_cap_detect(data, size);
	ret = ioas_cap_virtio_probe_decode(data, size, &vp, v, MAXN, &diag);
	while ((it = ioas_cap_virtio_next(data, size, &pos, &p, &diag2)) > 0) {
		CHECK(pos <= size && pos % 8 == 0);
		CHECK(p.off + 4 + (size_t)p.length == pos);
		n++;
		if (p.known) {
			CHECK(p.type == IOAS_CAP_VIRTIO_PROP_RESV_MEM);
			if (nres < MAXN && ret != -EBADMSG)
				CHECK(!memcmp(&p.resv, &v[nres],
					      sizeof(p.resv)));
			nres++;
		}
	}
	if (ret == -EBADMSG) {
		CHECK(it == -EBADMSG);
		CHECK(diag.reason && diag.line == 0 &&
		      diag.reason == diag2.reason);
		CHECK(diag.offset == diag2.offset);
		CHECK(diag.offset < (size ? size : 1));
		return 0;
	}
	CHECK(it == 0);
	CHECK(ret == 0 || ret == -EMSGSIZE);
	CHECK(n == vp.nr_props && nres == vp.nr_resv);
	CHECK(vp.nr_props == vp.nr_resv + vp.nr_unknown);
	CHECK(vp.end <= size);
	if (ret)
		return 0;
	for (i = 0; i < vp.nr_resv; i++) {
		CHECK(v[i].region.range.start <= v[i].region.range.last);
		CHECK(v[i].region.range.start || ~v[i].region.range.last);
		CHECK(v[i].region.type == (v[i].subtype == 1 ?
						   IOAS_REGION_MSI :
						   IOAS_REGION_RESERVED));
		reg[i] = v[i].region;
	}
	buf = malloc(24 * (size_t)vp.nr_resv + 4);
	CHECK(buf);
	len = ioas_cap_virtio_probe_encode(reg, vp.nr_resv, buf,
					   24 * (size_t)vp.nr_resv + 4, &need);
	CHECK(len == (long)(24 * vp.nr_resv) && need == (size_t)len);
	CHECK(ioas_cap_virtio_probe_decode(buf, (size_t)len + 4, &vq, w, MAXN,
					   NULL) == 0);
	CHECK(vq.nr_resv == vp.nr_resv && vq.nr_unknown == 0 &&
	      vq.terminated == 1);
	for (i = 0; i < vp.nr_resv; i++) {
		CHECK(w[i].region.range.start == v[i].region.range.start);
		CHECK(w[i].region.range.last == v[i].region.range.last);
		CHECK(w[i].region.type == v[i].region.type);
		CHECK(w[i].subtype == (v[i].subtype == 1 ? 1u : 0u));
	}
	free(buf);
	return 0;
}
