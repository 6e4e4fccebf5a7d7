// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host backend, MSI side: make a VFIO device allocate an interrupt vector
 * and read back the doorbell address the kernel programmed for it.
 *
 * On an ARM SMMU the kernel maps the doorbell page (GICv3 ITS
 * GITS_TRANSLATER, GICv2m MSI_SETSPI_NS) into the device's domain when the
 * vector is allocated (iommu_dma_prepare_msi()) and composes the message
 * with the IOVA it chose (iommu_dma_compose_msi_msg()). Nothing in the
 * VFIO ABI reports that IOVA, and VFIO hides the MSI-X table from the
 * user (vfio_pci_core_do_io_rw() excludes it from BAR reads), so it is
 * read where the device holds it: the MSI capability's address registers
 * in config space, or MSI-X table entry 0 through /dev/mem at the BAR's
 * physical address.
 *
 * Config space and the resource file are untrusted input: every offset is
 * bounds-checked before it is read (ioas_host_pci_msi_parse() has a fuzz
 * target), and files are read with a bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ioas/host.h>

#include "host_ioctl.h"
#include "host_uapi.h"
#include "ioas_private.h"

#define CFG_HDR 0x40 /* standard header; capabilities live above it */
#define CFG_MAX 4096 /* PCIe extended config space */
#define CAP_TTL 48 /* pci_find_capability()'s PCI_FIND_CAP_TTL */
#define CAP_MSI 0x05
#define CAP_MSIX 0x11
#define RESOURCE_MAX 4096 /* 17 lines of 57 bytes in practice */
#define MSIX_ENTRY 16

static uint16_t rd16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
	       (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
}

IOAS_EXPORT int ioas_host_pci_msi_parse(const void *cfg, size_t len,
					struct ioas_host_pci_msi *out)
{
	struct ioas_host_pci_msi r;
	const uint8_t *b = cfg;
	unsigned int pos, ttl;

	if (!cfg || !out)
		return -EINVAL;
	if (len < CFG_HDR)
		return -EBADMSG;
	memset(&r, 0, sizeof(r));
	/* PCI_STATUS_CAP_LIST; a CardBus bridge keeps its pointer at 0x14 */
	if (rd16(b, 0x06) & 0x10)
		pos = b[(b[0x0e] & 0x7f) == 2 ? 0x14 : 0x34];
	else
		pos = 0;
	/* __pci_find_next_cap_ttl(): a pointer into the header ends the
	 * list, so does ID 0xff, and so do 48 hops (a loop). */
	for (ttl = CAP_TTL; ttl && pos >= CFG_HDR; ttl--) {
		unsigned int id;

		pos &= ~3u;
		if (pos + 2 > len)
			return -EBADMSG;
		id = b[pos];
		if (id == 0xff)
			break;
		if (id == CAP_MSI && !(r.flags & IOAS_HOST_PCI_MSI)) {
			bool is64;

			if (pos + 4 > len)
				return -EBADMSG;
			/* PCI_MSI_FLAGS_64BIT; address at +4 (and +8),
			 * data after it */
			is64 = rd16(b, pos + 2) & 0x80;
			if (pos + (is64 ? 14u : 10u) > len)
				return -EBADMSG;
			r.flags |= IOAS_HOST_PCI_MSI;
			if (is64)
				r.flags |= IOAS_HOST_PCI_MSI64;
			r.msi_pos = (uint16_t)pos;
		} else if (id == CAP_MSIX && !(r.flags & IOAS_HOST_PCI_MSIX)) {
			uint32_t table;

			if (pos + 12 > len)
				return -EBADMSG;
			table = rd32(b, pos + 4);
			if ((table & 7) > 5)
				return -EBADMSG;
			r.flags |= IOAS_HOST_PCI_MSIX;
			r.msix_pos = (uint16_t)pos;
			r.msix_bir = table & 7;
			r.msix_offset = table & ~7u;
			r.msix_entries = (rd16(b, pos + 2) & 0x7ffu) + 1;
		}
		pos = b[pos + 1];
	}
	*out = r;
	return 0;
}

/* Up to @size bytes of ROOT/@rel into @buf; *@n the count. -errno. */
static int read_bounded(const char *root, const char *rel, const char *dev,
			uint8_t *buf, size_t size, size_t *n)
{
	char path[HOST_PATH_MAX];
	ssize_t r;
	int fd, ret;

	ret = host_path(path, sizeof(path), root, "bus/pci/devices/%s/%s", dev,
			rel);
	if (ret)
		return ret;
	if (ioas_should_fail_())
		return -EIO;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT :
		       errno == EACCES || errno == EPERM   ? -EACCES :
							     -EIO;
	*n = 0;
	while (*n < size) {
		r = read(fd, buf + *n, size - *n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return errno == EACCES || errno == EPERM ? -EACCES :
								   -EIO;
		}
		if (!r)
			break;
		*n += (size_t)r;
	}
	close(fd);
	return 0;
}

/*
 * Line @bar of a sysfs resource file: "0x<start> 0x<end> 0x<flags>".
 * -ENOENT if the BAR is not assigned, -EBADMSG if the text is not that.
 */
static int resource_bar(const char *text, size_t len, unsigned int bar,
			uint64_t *start, uint64_t *size)
{
	const char *p = text, *end = text + len, *nl;
	uint64_t v[3];
	unsigned int i, k;

	for (i = 0; i < bar; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return -EBADMSG;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return -EBADMSG;
	for (k = 0; k < 3; k++) {
		int digits = 0;

		if (nl - p < 3 || p[0] != '0' || p[1] != 'x')
			return -EBADMSG;
		p += 2;
		v[k] = 0;
		for (; p < nl && *p != ' '; p++, digits++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0' :
				*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
				-1;

			if (d < 0 || digits == 16)
				return -EBADMSG;
			v[k] = v[k] << 4 | (uint64_t)d;
		}
		if (!digits || (k < 2 && (p == nl || *p != ' ')) ||
		    (k == 2 && p != nl))
			return -EBADMSG;
		p++;
	}
	if (!v[0] && !v[1])
		return -ENOENT;
	if (v[1] < v[0])
		return -EBADMSG;
	*start = v[0];
	*size = v[1] - v[0] + 1; /* 0: the whole 2^64, refused below */
	return 0;
}

/* 16 bytes of physical memory at @pa through DEV/mem, 32 bits at a time. */
static int read_phys(const char *dev_root, uint64_t pa, uint32_t w[4])
{
	char path[HOST_PATH_MAX];
	uint64_t pg, base, len;
	volatile uint32_t *m;
	void *map;
	long ps;
	int fd, ret, i;

	ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0)
		return -EIO;
	pg = (uint64_t)ps;
	base = pa & ~(pg - 1);
	len = (pa - base + MSIX_ENTRY + pg - 1) & ~(pg - 1);
	if (base > (uint64_t)INT64_MAX)
		return -EINVAL; /* not an off_t */
	ret = host_path(path, sizeof(path), dev_root, "mem");
	if (ret)
		return ret;
	if (ioas_should_fail_())
		return -EIO;
	fd = open(path, O_RDONLY | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT :
		       errno == EACCES || errno == EPERM ? -EACCES :
							   -EIO;
	map = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, (off_t)base);
	ret = 0;
	if (map == MAP_FAILED)
		ret = errno == EPERM || errno == EACCES ? -EACCES : -EIO;
	close(fd);
	if (ret)
		return ret;
	m = (volatile uint32_t *)((uint8_t *)map + (pa - base));
	for (i = 0; i < 4; i++)
		w[i] = m[i];
	munmap(map, (size_t)len);
	return 0;
}

IOAS_EXPORT int ioas_host_msi_address(const char *sysfs_root,
				      const char *dev_root, const char *dev,
				      uint32_t index, uint64_t *addr)
{
	struct ioas_host_pci_msi cap;
	uint8_t *cfg;
	char *res;
	size_t n, rn;
	uint64_t start, size;
	uint32_t w[4];
	int ret;

	if (!sysfs_root || !dev_root || !addr || !host_name_ok(dev, 255) ||
	    (index != IOAS_HOST_MSI_INDEX && index != IOAS_HOST_MSIX_INDEX))
		return -EINVAL;
	cfg = ioas_malloc_(CFG_MAX);
	if (!cfg)
		return -ENOMEM;
	ret = read_bounded(sysfs_root, "config", dev, cfg, CFG_MAX, &n);
	if (!ret)
		ret = ioas_host_pci_msi_parse(cfg, n, &cap);
	/* A reader without CAP_SYS_ADMIN sees only the 64-byte header. */
	if (ret == -EBADMSG && n == CFG_HDR)
		ret = -EACCES;
	if (ret)
		goto out;
	if (index == IOAS_HOST_MSI_INDEX) {
		if (!(cap.flags & IOAS_HOST_PCI_MSI)) {
			ret = -ENOENT;
			goto out;
		}
		*addr = rd32(cfg, cap.msi_pos + 4u);
		if (cap.flags & IOAS_HOST_PCI_MSI64)
			*addr |= (uint64_t)rd32(cfg, cap.msi_pos + 8u) << 32;
		goto out;
	}
	if (!(cap.flags & IOAS_HOST_PCI_MSIX)) {
		ret = -ENOENT;
		goto out;
	}
	res = ioas_malloc_(RESOURCE_MAX);
	if (!res) {
		ret = -ENOMEM;
		goto out;
	}
	ret = read_bounded(sysfs_root, "resource", dev, (uint8_t *)res,
			   RESOURCE_MAX, &rn);
	if (!ret)
		ret = resource_bar(res, rn, cap.msix_bir, &start, &size);
	ioas_free_(res);
	if (ret)
		goto out;
	if (!size || cap.msix_offset > size ||
	    size - cap.msix_offset < MSIX_ENTRY ||
	    start > UINT64_MAX - cap.msix_offset) {
		ret = -EBADMSG; /* the table is not inside its BAR */
		goto out;
	}
	ret = read_phys(dev_root, start + cap.msix_offset, w);
	if (!ret)
		*addr = (uint64_t)w[1] << 32 | w[0];
out:
	ioas_free_(cfg);
	return ret;
}

IOAS_EXPORT int ioas_host_msi_enable(int devfd, struct ioas_host_msi *msi)
{
	struct hu_vfio_irq_info ii;
	struct hu_vfio_irq_set set;
	uint32_t index;
	int ret, efd;

	if (devfd < 0 || !msi)
		return -EINVAL;
	for (index = IOAS_HOST_MSIX_INDEX; index >= IOAS_HOST_MSI_INDEX;
	     index--) {
		memset(&ii, 0, sizeof(ii));
		ii.argsz = sizeof(ii);
		ii.index = index;
		ret = host_ioctl(devfd, HU_VFIO_DEVICE_GET_IRQ_INFO, &ii);
		if (ret)
			return ret;
		if (ii.count)
			break;
	}
	if (index < IOAS_HOST_MSI_INDEX)
		return -ENOENT;
	if (ioas_should_fail_())
		return -EMFILE;
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return -errno;
	memset(&set, 0, sizeof(set));
	set.argsz = sizeof(set);
	set.flags = HU_VFIO_IRQ_SET_DATA_EVENTFD |
		    HU_VFIO_IRQ_SET_ACTION_TRIGGER;
	set.index = index;
	set.start = 0;
	set.count = 1;
	set.data[0] = efd;
	ret = host_ioctl(devfd, HU_VFIO_DEVICE_SET_IRQS, &set);
	if (ret) {
		close(efd);
		return ret;
	}
	msi->index = index;
	msi->eventfd = efd;
	return 0;
}

IOAS_EXPORT int ioas_host_msi_disable(int devfd, struct ioas_host_msi *msi)
{
	struct hu_vfio_irq_set set;
	int ret;

	if (devfd < 0 || !msi || msi->eventfd < 0 ||
	    (msi->index != IOAS_HOST_MSI_INDEX &&
	     msi->index != IOAS_HOST_MSIX_INDEX))
		return -EINVAL;
	memset(&set, 0, sizeof(set));
	set.argsz = HU_VFIO_IRQ_SET_HDR;
	set.flags = HU_VFIO_IRQ_SET_DATA_NONE | HU_VFIO_IRQ_SET_ACTION_TRIGGER;
	set.index = msi->index;
	ret = host_ioctl(devfd, HU_VFIO_DEVICE_SET_IRQS, &set);
	if (ret)
		return ret;
	close(msi->eventfd);
	msi->eventfd = -1;
	return 0;
}
