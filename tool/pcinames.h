/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI vendor, device and class names from the pci.ids database, through
 * Debian's libpci (pci_lookup_name()); no hand-kept table. Without libpci
 * at build time every lookup says "unknown" (NULL) and callers print the
 * numbers alone. IOAS_PCI_IDS names another pci.ids file (the golden tests
 * pin a small fixture, so that a pci.ids update cannot change them).
 */
#ifndef IOAS_TOOL_PCINAMES_H
#define IOAS_TOOL_PCINAMES_H

#include <stddef.h>
#include <stdint.h>

struct pcinames;

/* NULL without libpci or memory; the lookups accept NULL. */
struct pcinames *pcinames_open(void);
void pcinames_close(struct pcinames *p);

/* The name into @buf, or NULL when the database does not know it. */
const char *pcinames_vendor(struct pcinames *p, uint16_t vendor, char *buf,
			    size_t size);
const char *pcinames_device(struct pcinames *p, uint16_t vendor,
			    uint16_t device, char *buf, size_t size);
/* @class_code: the 24-bit class register (base class, subclass, prog-if) */
const char *pcinames_class(struct pcinames *p, uint32_t class_code, char *buf,
			   size_t size);

#endif
