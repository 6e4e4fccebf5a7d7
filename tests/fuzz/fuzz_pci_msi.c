// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the PCI config space capability walk
 * (ioas_host_pci_msi_parse(), include/ioas/host.h).
 *
 * For every input: the result is 0 or -EBADMSG, and -EBADMSG leaves the
 * output untouched. An accepted answer is checked against a second,
 * naive walk written here from the PCI spec (byte by byte, following the
 * same termination rules as pci_find_capability()): both find the same
 * first MSI and MSI-X capabilities, every reported field lies inside the
 * input, the MSI-X BIR is 0-5, the table offset is 8-byte aligned and the
 * entry count 1-2048. Any violation abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/host.h>

#include "fuzz_check.h"

/* Offsets of the first capability @id, 0 if none; -1 if the walk leaves
 * the input before it ends. */
static long naive_find(const uint8_t *d, size_t n, unsigned int id)
{
	unsigned int pos, hops;

	if (!(d[6] & 0x10))
		return 0;
	pos = (d[14] & 0x7f) == 2 ? d[0x14] : d[0x34];
	for (hops = 0; hops < 48; hops++) {
		if (pos < 64)
			return 0;
		pos &= 0xfc;
		if (pos + 1 >= n)
			return -1;
		if (d[pos] == 0xff)
			return 0;
		if (d[pos] == id)
			return pos;
		pos = d[pos + 1];
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioas_host_pci_msi out, before;
	long msi, msix;
	int ret;

	memset(&out, 0xa5, sizeof(out));
	before = out;
	ret = ioas_host_pci_msi_parse(data, size, &out);
	CHECK(ret == 0 || ret == -EBADMSG);
	if (ret) {
		CHECK(!memcmp(&out, &before, sizeof(out)));
		return 0;
	}
	CHECK(size >= 64);
	msi = naive_find(data, size, 0x05);
	msix = naive_find(data, size, 0x11);
	/* The walk stops at the first pointer out of bounds: a capability
	 * the naive walk finds before that point must be reported. */
	CHECK(msi >= 0 && msix >= 0);
	CHECK(!!(out.flags & IOAS_HOST_PCI_MSI) == !!msi);
	CHECK(!!(out.flags & IOAS_HOST_PCI_MSIX) == !!msix);
	CHECK(!(out.flags & ~(uint32_t)(IOAS_HOST_PCI_MSI | IOAS_HOST_PCI_MSI64 |
					 IOAS_HOST_PCI_MSIX)));
	if (msi) {
		CHECK(out.msi_pos == msi);
		CHECK(!!(out.flags & IOAS_HOST_PCI_MSI64) ==
		      !!(data[msi + 2] & 0x80));
		CHECK((size_t)msi + ((out.flags & IOAS_HOST_PCI_MSI64) ? 14 : 10) <=
		      size);
	} else {
		CHECK(!(out.flags & IOAS_HOST_PCI_MSI64));
	}
	if (msix) {
		CHECK(out.msix_pos == msix);
		CHECK((size_t)msix + 12 <= size);
		CHECK(out.msix_bir <= 5);
		CHECK(out.msix_offset % 8 == 0);
		CHECK(out.msix_entries >= 1 && out.msix_entries <= 2048);
		CHECK(out.msix_bir == (data[msix + 4] & 7u));
	}
	return 0;
}
