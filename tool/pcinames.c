// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PCI names through libpci (pcinames.h). Only the name database is used:
 * the access structure is never initialised for bus access (no pci_init()),
 * udev's hwdb and DNS lookups are off, and a missing or malformed pci.ids
 * is silent (every lookup then says unknown).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcinames.h"

#ifdef IOAS_HAVE_LIBPCI
#include <pci/pci.h>

struct pcinames {
	struct pci_access *a;
};

static void quiet(char *msg, ...)
{
	(void)msg;
}

/* libpci's fatal errors (only for a malformed query, which we never
 * make): its default would exit() the tool. */
static void __attribute__((noreturn)) fatal(char *msg, ...)
{
	(void)msg;
	abort();
}

struct pcinames *pcinames_open(void)
{
	struct pcinames *p = calloc(1, sizeof(*p));
	const char *ids = getenv("IOAS_PCI_IDS");

	if (!p)
		return NULL;
	p->a = pci_alloc();
	if (!p->a) {
		free(p);
		return NULL;
	}
	/* pci_init() would set these; we never call it (no bus access). */
	p->a->error = fatal;
	p->a->warning = quiet;
	p->a->debug = quiet;
	if (ids && *ids) {
		char *copy = strdup(ids); /* libpci frees it (to_be_freed) */

		if (!copy) {
			pcinames_close(p);
			return NULL;
		}
		pci_set_name_list_path(p->a, copy, 1);
	}
	return p;
}

void pcinames_close(struct pcinames *p)
{
	if (!p)
		return;
	pci_cleanup(p->a);
	free(p);
}

#define LOOKUP(p, buf, size, what, ...)                                       \
	((p) && (size) <= 0x7fffffff ?                                        \
		 pci_lookup_name((p)->a, (buf), (int)(size),                  \
				 (what) | PCI_LOOKUP_NO_NUMBERS |             \
					 PCI_LOOKUP_NO_HWDB,                  \
				 __VA_ARGS__) :                               \
		 NULL)

const char *pcinames_vendor(struct pcinames *p, uint16_t vendor, char *buf,
			    size_t size)
{
	return LOOKUP(p, buf, size, PCI_LOOKUP_VENDOR, (int)vendor);
}

const char *pcinames_device(struct pcinames *p, uint16_t vendor,
			    uint16_t device, char *buf, size_t size)
{
	return LOOKUP(p, buf, size, PCI_LOOKUP_DEVICE, (int)vendor,
		      (int)device);
}

const char *pcinames_class(struct pcinames *p, uint32_t class_code, char *buf,
			   size_t size)
{
	return LOOKUP(p, buf, size, PCI_LOOKUP_CLASS, (int)(class_code >> 8));
}

#else /* !IOAS_HAVE_LIBPCI */

struct pcinames *pcinames_open(void)
{
	return NULL;
}

void pcinames_close(struct pcinames *p)
{
	(void)p;
}

const char *pcinames_vendor(struct pcinames *p, uint16_t vendor, char *buf,
			    size_t size)
{
	(void)p, (void)vendor, (void)buf, (void)size;
	return NULL;
}

const char *pcinames_device(struct pcinames *p, uint16_t vendor,
			    uint16_t device, char *buf, size_t size)
{
	(void)p, (void)vendor, (void)device, (void)buf, (void)size;
	return NULL;
}

const char *pcinames_class(struct pcinames *p, uint32_t class_code, char *buf,
			   size_t size)
{
	(void)p, (void)class_code, (void)buf, (void)size;
	return NULL;
}
#endif
