/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Linux 6.12 VFIO type1 and iommufd ioctl ABI that lib/host_vfio.c and
 * lib/host_iommufd.c speak, written out here from kernel-spec.md sections
 * 4 and 5 rather than taken from <linux/vfio.h> and <linux/iommufd.h>:
 * Debian 12's linux-libc-dev is 6.1, which has no iommufd.h and no VFIO
 * cdev ioctls (VFIO_DEVICE_BIND_IOMMUFD and friends, 6.6+), and a library
 * should not change behaviour with the build host's headers anyway.
 *
 * Every VFIO and iommufd ioctl number is _IO(';', nr), i.e. 0x3b00 | nr
 * with no size or direction encoded: the size travels inside the struct
 * (VFIO's argsz, iommufd's size). Layouts are fixed-width little-endian
 * host structs with explicit padding; tests/unit/test_host.c pins every
 * size and offset against the spec's tables.
 *
 * Names follow the kernel's with an 'hu_' (host uapi) prefix so that they
 * can never clash with the system headers if both are included.
 */
#ifndef IOAS_HOST_UAPI_H
#define IOAS_HOST_UAPI_H

#include <stddef.h>
#include <stdint.h>

#define HU_IO(nr) (0x3b00u | (unsigned int)(nr))

/* ---------------------------------------------------------------- VFIO */

#define HU_VFIO_API_VERSION 0

#define HU_VFIO_GET_API_VERSION HU_IO(100)
#define HU_VFIO_CHECK_EXTENSION HU_IO(101)
#define HU_VFIO_SET_IOMMU HU_IO(102)
#define HU_VFIO_GROUP_GET_STATUS HU_IO(103)
#define HU_VFIO_GROUP_SET_CONTAINER HU_IO(104)
#define HU_VFIO_GROUP_UNSET_CONTAINER HU_IO(105)
#define HU_VFIO_GROUP_GET_DEVICE_FD HU_IO(106)
#define HU_VFIO_DEVICE_GET_IRQ_INFO HU_IO(109)
#define HU_VFIO_DEVICE_SET_IRQS HU_IO(110)
#define HU_VFIO_IOMMU_GET_INFO HU_IO(112)
#define HU_VFIO_IOMMU_MAP_DMA HU_IO(113)
#define HU_VFIO_IOMMU_UNMAP_DMA HU_IO(114)
#define HU_VFIO_DEVICE_BIND_IOMMUFD HU_IO(118)
#define HU_VFIO_DEVICE_ATTACH_IOMMUFD_PT HU_IO(119)
#define HU_VFIO_DEVICE_DETACH_IOMMUFD_PT HU_IO(120)

/* CHECK_EXTENSION / SET_IOMMU values */
#define HU_VFIO_TYPE1_IOMMU 1
#define HU_VFIO_TYPE1v2_IOMMU 3

/* struct vfio_group_status (8 bytes) */
struct hu_vfio_group_status {
	uint32_t argsz;
	uint32_t flags;
};
#define HU_VFIO_GROUP_FLAGS_VIABLE (1u << 0)

/* struct vfio_iommu_type1_dma_map (32 bytes) */
struct hu_vfio_dma_map {
	uint32_t argsz;
	uint32_t flags;
	uint64_t vaddr;
	uint64_t iova;
	uint64_t size;
};

/* struct vfio_iommu_type1_dma_unmap without the optional data[] (24) */
struct hu_vfio_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova;
	uint64_t size;
};

/* struct vfio_iommu_type1_info (24 bytes) */
struct hu_vfio_iommu_info {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova_pgsizes;
	uint32_t cap_offset;
	uint32_t pad;
};

/* struct vfio_irq_info (16 bytes) */
struct hu_vfio_irq_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index; /* VFIO_PCI_MSI_IRQ_INDEX 1, VFIO_PCI_MSIX_IRQ_INDEX 2 */
	uint32_t count;
};

/* struct vfio_irq_set with room for one eventfd (24 bytes: 20 + 4) */
struct hu_vfio_irq_set {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t start;
	uint32_t count;
	int32_t data[1];
};
#define HU_VFIO_IRQ_SET_DATA_NONE (1u << 0)
#define HU_VFIO_IRQ_SET_DATA_EVENTFD (1u << 2)
#define HU_VFIO_IRQ_SET_ACTION_TRIGGER (1u << 5)
#define HU_VFIO_IRQ_SET_HDR 20 /* offsetof(struct vfio_irq_set, data) */

/* struct vfio_device_bind_iommufd (16 bytes) */
struct hu_vfio_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
};

/* struct vfio_device_attach_iommufd_pt (12 bytes) */
struct hu_vfio_attach_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;
};

/* struct vfio_device_detach_iommufd_pt (8 bytes) */
struct hu_vfio_detach_pt {
	uint32_t argsz;
	uint32_t flags;
};

/* ------------------------------------------------------------- iommufd */

#define HU_IOMMU_DESTROY HU_IO(0x80)
#define HU_IOMMU_IOAS_ALLOC HU_IO(0x81)
#define HU_IOMMU_IOAS_ALLOW_IOVAS HU_IO(0x82)
#define HU_IOMMU_IOAS_COPY HU_IO(0x83)
#define HU_IOMMU_IOAS_IOVA_RANGES HU_IO(0x84)
#define HU_IOMMU_IOAS_MAP HU_IO(0x85)
#define HU_IOMMU_IOAS_UNMAP HU_IO(0x86)

/* IOMMU_IOAS_MAP / IOMMU_IOAS_COPY flags */
#define HU_IOMMU_MAP_FIXED_IOVA (1u << 0)
#define HU_IOMMU_MAP_WRITEABLE (1u << 1)
#define HU_IOMMU_MAP_READABLE (1u << 2)

/* struct iommu_destroy (8 bytes) */
struct hu_iommu_destroy {
	uint32_t size;
	uint32_t id;
};

/* struct iommu_ioas_alloc (12 bytes) */
struct hu_iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

/* struct iommu_iova_range (16 bytes) */
struct hu_iommu_iova_range {
	uint64_t start;
	uint64_t last;
};

/* struct iommu_ioas_allow_iovas (24 bytes) */
struct hu_iommu_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;
};

/* struct iommu_ioas_copy (40 bytes) */
struct hu_iommu_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	uint64_t length;
	uint64_t dst_iova;
	uint64_t src_iova;
};

/* struct iommu_ioas_iova_ranges (32 bytes) */
struct hu_iommu_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;
	uint64_t out_iova_alignment;
};

/* struct iommu_ioas_map (40 bytes) */
struct hu_iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	uint64_t user_va;
	uint64_t length;
	uint64_t iova;
};

/* struct iommu_ioas_unmap (24 bytes) */
struct hu_iommu_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	uint64_t iova;
	uint64_t length;
};

/* Layout checks: a wrong struct here would corrupt kernel arguments. */
_Static_assert(sizeof(struct hu_vfio_group_status) == 8, "group_status");
_Static_assert(sizeof(struct hu_vfio_dma_map) == 32, "dma_map");
_Static_assert(sizeof(struct hu_vfio_dma_unmap) == 24, "dma_unmap");
_Static_assert(sizeof(struct hu_vfio_iommu_info) == 24, "iommu_info");
_Static_assert(sizeof(struct hu_vfio_irq_info) == 16, "irq_info");
_Static_assert(sizeof(struct hu_vfio_irq_set) == 24, "irq_set");
_Static_assert(offsetof(struct hu_vfio_irq_set, data) == HU_VFIO_IRQ_SET_HDR,
	       "irq_set data");
_Static_assert(sizeof(struct hu_vfio_bind_iommufd) == 16, "bind_iommufd");
_Static_assert(sizeof(struct hu_vfio_attach_pt) == 12, "attach_pt");
_Static_assert(sizeof(struct hu_vfio_detach_pt) == 8, "detach_pt");
_Static_assert(sizeof(struct hu_iommu_destroy) == 8, "destroy");
_Static_assert(sizeof(struct hu_iommu_ioas_alloc) == 12, "ioas_alloc");
_Static_assert(sizeof(struct hu_iommu_iova_range) == 16, "iova_range");
_Static_assert(sizeof(struct hu_iommu_ioas_allow_iovas) == 24, "allow");
_Static_assert(sizeof(struct hu_iommu_ioas_copy) == 40, "copy");
_Static_assert(sizeof(struct hu_iommu_ioas_iova_ranges) == 32, "ranges");
_Static_assert(sizeof(struct hu_iommu_ioas_map) == 40, "map");
_Static_assert(sizeof(struct hu_iommu_ioas_unmap) == 24, "unmap");

#endif /* IOAS_HOST_UAPI_H */
