// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the ACPI reservation decoder (ioas_acpi_parse(),
 * include/ioas/host.h): DMAR, IVRS and IORT tables.
 *
 * For every input: the result is a count or -EBADMSG; -EBADMSG leaves the
 * output list untouched. A decoded list is checked against the input:
 * its table kind is the signature's, its checksum flag is the byte sum's,
 * every entry's structure offset lies inside the table and its raw
 * addresses are the ones written there (DMAR and IVRS), every region has
 * start <= last and an allowed type mask, every scope entry has first <=
 * last and a known kind, and every path and name is read in full (ASan
 * and valgrind catch a pointer out of the list's block). Any violation
 * abort()s.
 *
 * Random mutations break the checksum, which IVRS must not tolerate; so
 * each input is decoded a second time with its checksum repaired, to
 * reach the IVMD walk too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/host.h>

#include "fuzz_check.h"

static uint64_t le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void check_list(const uint8_t *data, size_t size,
		       const struct ioas_acpi_resv_list *l, int rc)
{
	size_t hl = (size_t)le(data + 4, 4), i, j, k;
	uint32_t table;
	uint8_t sum = 0;
	volatile uint8_t sink = 0;

	CHECK(size >= 36 && hl >= 36 && hl <= size);
	CHECK(rc >= 0 && (size_t)rc == l->nr);
	CHECK(l->v != NULL);
	table = !memcmp(data, "DMAR", 4) ? IOAS_ACPI_DMAR :
		!memcmp(data, "IVRS", 4) ? IOAS_ACPI_IVRS :
		!memcmp(data, "IORT", 4) ? IOAS_ACPI_IORT : 0;
	CHECK(table && l->table == table);
	CHECK(l->revision == data[8]);
	for (i = 0; i < hl; i++)
		sum = (uint8_t)(sum + data[i]);
	CHECK(!!(l->flags & IOAS_ACPI_BAD_CHECKSUM) == (sum != 0));
	CHECK(!(l->flags & ~(uint32_t)IOAS_ACPI_BAD_CHECKSUM));
	CHECK(table != IOAS_ACPI_IVRS || sum == 0);

	for (i = 0; i < l->nr; i++) {
		const struct ioas_acpi_resv *e = &l->v[i];
		uint32_t want = table == IOAS_ACPI_DMAR ? IOAS_ORIGIN_RMRR :
				table == IOAS_ACPI_IVRS ? IOAS_ORIGIN_IVMD :
							  IOAS_ORIGIN_IORT_RMR;

		CHECK(e->origin == want);
		CHECK(e->offset >= 36 && e->offset < hl);
		CHECK(e->types && !(e->types & ~0x3u));
		CHECK(!(e->flags & ~0x7u));
		if (!(e->flags & IOAS_ACPI_RESV_NO_REGION))
			CHECK(e->range.start <= e->range.last);
		if (e->note)
			sink ^= (uint8_t)strlen(e->note);
		if (table == IOAS_ACPI_DMAR) {
			CHECK(e->offset + 24 <= hl);
			CHECK(le(data + e->offset, 2) == 1);
			CHECK(e->table_start == le(data + e->offset + 8, 8));
			CHECK(e->table_last == le(data + e->offset + 16, 8));
			CHECK(e->segment == le(data + e->offset + 6, 2));
			if (!(e->flags & IOAS_ACPI_RESV_NO_REGION)) {
				CHECK(e->range.start == e->table_start);
				CHECK(e->range.last == e->table_last);
			}
		} else if (table == IOAS_ACPI_IVRS) {
			CHECK(e->offset + 32 <= hl);
			CHECK(data[e->offset] >= 0x20 &&
			      data[e->offset] <= 0x22);
			CHECK(e->table_flags == data[e->offset + 1]);
			CHECK(e->table_start == le(data + e->offset + 16, 8));
			CHECK(e->types == 1u << IOAS_REGION_DIRECT);
		} else {
			CHECK(e->offset + 28 <= hl);
			CHECK(data[e->offset] == 6);
			CHECK(e->table_flags == le(data + e->offset + 16, 4));
		}
		CHECK(!e->nr_devs == !e->devs);
		for (j = 0; j < e->nr_devs; j++) {
			const struct ioas_acpi_dev *x = &e->devs[j];

			CHECK(x->kind <= IOAS_ACPI_DEV_NAMED);
			CHECK(x->first <= x->last);
			switch (x->kind) {
			case IOAS_ACPI_DEV_PCI:
			case IOAS_ACPI_DEV_PCI_ALL:
				CHECK(x->last <= 0xffff);
				break;
			case IOAS_ACPI_DEV_PCI_PATH:
			case IOAS_ACPI_DEV_PCI_BRIDGE:
				CHECK(table == IOAS_ACPI_DMAR);
				CHECK(x->path && x->path_len);
				CHECK(x->first == x->last);
				break;
			case IOAS_ACPI_DEV_NAMED:
				CHECK(x->name);
				break;
			default:
				break;
			}
			if (table == IOAS_ACPI_DMAR) {
				CHECK(x->path && x->path_len);
				for (k = 0; k < 2u * x->path_len; k++)
					sink ^= x->path[k];
				CHECK(x->path[0] <= 31 && x->path[1] <= 7);
				CHECK((x->first & 0xff) ==
				      (uint32_t)(x->path[0] << 3 | x->path[1]));
			} else {
				CHECK(!x->path && !x->path_len);
			}
			if (x->name)
				sink ^= (uint8_t)strlen(x->name);
			CHECK(table == IOAS_ACPI_IORT || !x->iommu);
		}
	}
	(void)sink;
}

static void one(const uint8_t *data, size_t size)
{
	struct ioas_acpi_resv_list l, before;
	struct ioas_diag d;
	int rc;

	memset(&l, 0, sizeof(l));
	l.nr = 0x5a5a;		/* a poison a failure must leave alone */
	before = l;
	rc = ioas_acpi_parse(data, size, &l, &d);
	CHECK(rc >= 0 || rc == -EBADMSG);
	if (rc < 0) {
		CHECK(!memcmp(&l, &before, sizeof(l)));
		CHECK(d.reason != NULL);
		CHECK(d.offset <= size);
		return;
	}
	check_list(data, size, &l, rc);
	CHECK(!d.reason == !(l.flags & IOAS_ACPI_BAD_CHECKSUM));
	l.nr = (size_t)rc;
	ioas_acpi_resv_list_fini(&l);
	CHECK(!l.v && !l.nr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	size_t hl, i;
	uint8_t sum = 0;

	one(data, size);
	if (size < 36)
		return 0;
	hl = (size_t)le(data + 4, 4);
	if (hl < 36 || hl > size)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[9] = 0;
	for (i = 0; i < hl; i++)
		sum = (uint8_t)(sum + copy[i]);
	copy[9] = (uint8_t)(0x100 - sum);
	one(copy, size);
	free(copy);
	return 0;
}
