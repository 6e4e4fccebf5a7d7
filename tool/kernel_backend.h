/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel backend of the scenario executor: runs a scenario on the
 * running Linux kernel, a VFIO type1 container (space type1) or an iommufd
 * IOAS (space iommufd), through libioas's host API. Kept out of
 * scenario.h so that the executor does not depend on it.
 *
 * A scenario's groups are bound by their dev= address: the device must be
 * bound to vfio-pci, its IOMMU group is the one attached (type1), or its
 * VFIO cdev is bound and attached (iommufd). Region lines are compared
 * with the group's sysfs reserved_regions at every attach. The device and
 * sysfs roots come from IOAS_DEV_ROOT and IOAS_SYSFS_ROOT (default /dev,
 * /sys), so that error paths can be tested on fake trees.
 */
#ifndef IOAS_TOOL_KERNEL_BACKEND_H
#define IOAS_TOOL_KERNEL_BACKEND_H

#include <stddef.h>

#include "scenario.h"

extern const struct scn_backend_ops scn_kernel_backend;

/**
 * scn_kernel_preflight() - can this scenario run on this kernel?
 * @s: the parsed scenario
 * @msg: receives a sentence saying what is missing, NUL-terminated
 * @size: bytes at @msg
 *
 * Checks, before anything runs: the profile (type1 or iommufd), that
 * /dev/vfio/vfio or /dev/iommu can be opened, that every group has a dev=
 * address naming a PCI device bound to vfio-pci with an IOMMU group (and a
 * VFIO cdev for iommufd), and that the scenario's dma-limit= and
 * unsafe-interrupts match the kernel's module parameters (which the kernel
 * reads at container open and attach; the backend cannot set them).
 *
 * Return: 0 if the scenario can run; -EINVAL for a scenario the backend
 * cannot run (native profile, a group without dev=, parameters that do not
 * match); -ENODEV (no VFIO or iommufd, device not bound to vfio-pci, no
 * IOMMU group or cdev); -ENOENT (no such device); -EACCES; -ENOMEM.
 */
int scn_kernel_preflight(const struct scn *s, char *msg, size_t size);

#endif
