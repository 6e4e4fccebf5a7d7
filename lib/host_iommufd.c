// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host backend, iommufd side: an iommufd (DEV/iommu), the VFIO device
 * cdevs bound to it (DEV/vfio/devices/vfioN) and the IOAS ioctls.
 *
 * Data model: struct ioas_host_iommufd owns the iommufd and one entry per
 * bound device (its out_devid and its cdev fd). Objects the kernel
 * creates (IOAS, HWPT) live in the iommufd and go with it on close; we
 * keep only the device fds, because attach and detach are ioctls on them.
 *
 * Errors: every ioctl goes through host_ioctl() and returns the kernel's
 * -errno untouched. Structs are sent with size = sizeof the 6.12 struct,
 * so the kernel's extensible-struct rules never get in the way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ioas/host.h>
#include <ioas/range.h>

#include "host_ioctl.h"
#include "host_uapi.h"
#include "ioas_private.h"

/* ALLOW_IOVAS takes at most this many ranges from us (no kernel limit). */
#define ALLOW_MAX 65536
/* IOVA_RANGES retries while the count changes under us. */
#define RANGES_TRIES 4
#define RANGES_MAX 65536

struct fdev {
	uint32_t id;
	int fd;
};

struct ioas_host_iommufd {
	int fd;
	char *dev_root;
	struct fdev *devs;
	size_t nr;
	size_t cap;
};

IOAS_EXPORT int ioas_host_iommufd_open(const char *dev_root,
				       struct ioas_host_iommufd **out)
{
	struct ioas_host_iommufd *h;
	char path[HOST_PATH_MAX];
	const char *root = dev_root ? dev_root : "/dev";
	int fd, ret;

	if (!out)
		return -EINVAL;
	ret = host_path(path, sizeof(path), root, "iommu");
	if (ret)
		return ret;
	h = ioas_calloc_(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->dev_root = ioas_malloc_(strlen(root) + 1);
	if (!h->dev_root) {
		ioas_free_(h);
		return -ENOMEM;
	}
	strcpy(h->dev_root, root);
	fd = host_open_node(path, -ENODEV);
	if (fd < 0) {
		ioas_free_(h->dev_root);
		ioas_free_(h);
		return fd;
	}
	h->fd = fd;
	*out = h;
	return 0;
}

IOAS_EXPORT void ioas_host_iommufd_close(struct ioas_host_iommufd *h)
{
	size_t i;

	if (!h)
		return;
	/* Devices first: a bound device holds a reference on the iommufd. */
	for (i = h->nr; i-- > 0;)
		close(h->devs[i].fd);
	close(h->fd);
	ioas_free_(h->devs);
	ioas_free_(h->dev_root);
	ioas_free_(h);
}

IOAS_EXPORT int ioas_host_iommufd_ioas_alloc(struct ioas_host_iommufd *h,
					     uint32_t *ioas_id)
{
	struct hu_iommu_ioas_alloc a;
	int ret;

	if (!h || !ioas_id)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	ret = host_ioctl(h->fd, HU_IOMMU_IOAS_ALLOC, &a);
	if (ret)
		return ret;
	*ioas_id = a.out_ioas_id;
	return 0;
}

IOAS_EXPORT int ioas_host_iommufd_destroy(struct ioas_host_iommufd *h,
					  uint32_t id)
{
	struct hu_iommu_destroy d;

	if (!h)
		return -EINVAL;
	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	d.id = id;
	return host_ioctl(h->fd, HU_IOMMU_DESTROY, &d);
}

static struct fdev *dev_find(struct ioas_host_iommufd *h, uint32_t id)
{
	size_t i;

	for (i = 0; i < h->nr; i++)
		if (h->devs[i].id == id)
			return &h->devs[i];
	return NULL;
}

IOAS_EXPORT int ioas_host_iommufd_bind(struct ioas_host_iommufd *h,
				       const char *cdev, uint32_t *dev_id)
{
	struct hu_vfio_bind_iommufd b;
	char path[HOST_PATH_MAX];
	int dfd, ret;

	if (!h || !dev_id || !host_name_ok(cdev, 255))
		return -EINVAL;
	if (h->nr == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 4;
		struct fdev *v = ioas_realloc_(h->devs, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->devs = v;
		h->cap = cap;
	}
	ret = host_path(path, sizeof(path), h->dev_root, "vfio/devices/%s",
			cdev);
	if (ret)
		return ret;
	dfd = host_open_node(path, -ENOENT);
	if (dfd < 0)
		return dfd;
	memset(&b, 0, sizeof(b));
	b.argsz = sizeof(b);
	b.iommufd = h->fd;
	ret = host_ioctl(dfd, HU_VFIO_DEVICE_BIND_IOMMUFD, &b);
	if (ret) {
		close(dfd);
		return ret;
	}
	h->devs[h->nr].id = b.out_devid;
	h->devs[h->nr].fd = dfd;
	h->nr++;
	*dev_id = b.out_devid;
	return 0;
}

IOAS_EXPORT int ioas_host_iommufd_device(struct ioas_host_iommufd *h,
					 uint32_t dev_id, int *fd)
{
	size_t i;

	if (!h || !fd)
		return -EINVAL;
	for (i = 0; i < h->nr; i++) {
		if (h->devs[i].id == dev_id) {
			*fd = h->devs[i].fd;
			return 0;
		}
	}
	return -ENOENT;
}

IOAS_EXPORT int ioas_host_iommufd_unbind(struct ioas_host_iommufd *h,
					 uint32_t dev_id)
{
	struct fdev *d;

	if (!h)
		return -EINVAL;
	d = dev_find(h, dev_id);
	if (!d)
		return -ENOENT;
	close(d->fd);
	*d = h->devs[--h->nr];
	return 0;
}

IOAS_EXPORT int ioas_host_iommufd_attach(struct ioas_host_iommufd *h,
					 uint32_t dev_id, uint32_t *pt_id)
{
	struct hu_vfio_attach_pt a;
	struct fdev *d;
	int ret;

	if (!h || !pt_id)
		return -EINVAL;
	d = dev_find(h, dev_id);
	if (!d)
		return -ENOENT;
	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.pt_id = *pt_id;
	ret = host_ioctl(d->fd, HU_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	if (ret)
		return ret;
	*pt_id = a.pt_id;
	return 0;
}

IOAS_EXPORT int ioas_host_iommufd_detach(struct ioas_host_iommufd *h,
					 uint32_t dev_id)
{
	struct hu_vfio_detach_pt a;
	struct fdev *d;

	if (!h)
		return -EINVAL;
	d = dev_find(h, dev_id);
	if (!d)
		return -ENOENT;
	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	return host_ioctl(d->fd, HU_VFIO_DEVICE_DETACH_IOMMUFD_PT, &a);
}

IOAS_EXPORT int ioas_host_iommufd_map(struct ioas_host_iommufd *h,
				      uint32_t ioas_id, uint32_t flags,
				      uint64_t user_va, uint64_t length,
				      uint64_t *iova)
{
	struct hu_iommu_ioas_map m;
	int ret;

	if (!h || !iova)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.flags = flags;
	m.ioas_id = ioas_id;
	m.user_va = user_va;
	m.length = length;
	m.iova = *iova;
	ret = host_ioctl(h->fd, HU_IOMMU_IOAS_MAP, &m);
	if (ret)
		return ret;
	*iova = m.iova;
	return 0;
}

IOAS_EXPORT int ioas_host_iommufd_unmap(struct ioas_host_iommufd *h,
					uint32_t ioas_id, uint64_t iova,
					uint64_t length, uint64_t *unmapped)
{
	struct hu_iommu_ioas_unmap u;
	int ret;

	if (!h)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.ioas_id = ioas_id;
	u.iova = iova;
	u.length = length;
	ret = host_ioctl(h->fd, HU_IOMMU_IOAS_UNMAP, &u);
	if (ret)
		return ret;
	if (unmapped)
		*unmapped = u.length;
	return 0;
}

IOAS_EXPORT int ioas_host_iommufd_allow(struct ioas_host_iommufd *h,
					uint32_t ioas_id,
					const struct ioas_range *ranges,
					size_t nr)
{
	struct hu_iommu_ioas_allow_iovas a;
	struct hu_iommu_iova_range *v = NULL;
	size_t i;
	int ret;

	if (!h || (nr && !ranges) || nr > ALLOW_MAX)
		return -EINVAL;
	if (nr) {
		v = ioas_calloc_(nr, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (i = 0; i < nr; i++) {
			v[i].start = ranges[i].start;
			v[i].last = ranges[i].last;
		}
	}
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.ioas_id = ioas_id;
	a.num_iovas = (uint32_t)nr;
	a.allowed_iovas = (uint64_t)(uintptr_t)v;
	ret = host_ioctl(h->fd, HU_IOMMU_IOAS_ALLOW_IOVAS, &a);
	ioas_free_(v);
	return ret;
}

IOAS_EXPORT int ioas_host_iommufd_copy(struct ioas_host_iommufd *h,
				       uint32_t dst_ioas, uint32_t src_ioas,
				       uint32_t flags, uint64_t src_iova,
				       uint64_t length, uint64_t *dst_iova)
{
	struct hu_iommu_ioas_copy c;
	int ret;

	if (!h || !dst_iova)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = flags;
	c.dst_ioas_id = dst_ioas;
	c.src_ioas_id = src_ioas;
	c.length = length;
	c.dst_iova = *dst_iova;
	c.src_iova = src_iova;
	ret = host_ioctl(h->fd, HU_IOMMU_IOAS_COPY, &c);
	if (ret)
		return ret;
	*dst_iova = c.dst_iova;
	return 0;
}

IOAS_EXPORT int ioas_host_iommufd_iova_ranges(struct ioas_host_iommufd *h,
					      uint32_t ioas_id,
					      struct ioas_range_list *out,
					      uint64_t *alignment)
{
	struct hu_iommu_ioas_iova_ranges q;
	struct hu_iommu_iova_range *v = NULL;
	uint32_t cap = 0;
	int tries, ret = -EAGAIN;

	if (!h || !out)
		return -EINVAL;
	for (tries = 0; tries < RANGES_TRIES; tries++) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.ioas_id = ioas_id;
		q.num_iovas = cap;
		q.allowed_iovas = (uint64_t)(uintptr_t)v;
		ret = host_ioctl(h->fd, HU_IOMMU_IOAS_IOVA_RANGES, &q);
		if (ret != -EMSGSIZE)
			break;
		/* The kernel told us the count: make room and ask again. */
		if (q.num_iovas > RANGES_MAX) {
			ret = -EBADMSG;
			break;
		}
		ioas_free_(v);
		cap = q.num_iovas;
		v = ioas_calloc_(cap ? cap : 1, sizeof(*v));
		if (!v) {
			ret = -ENOMEM;
			break;
		}
		ret = -EAGAIN;
	}
	if (!ret) {
		struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
		uint32_t i;

		if (q.num_iovas > cap)
			ret = -EBADMSG;
		for (i = 0; !ret && i < q.num_iovas; i++) {
			struct ioas_range r = { v[i].start, v[i].last };

			ret = host_range_append(&l, &r);
		}
		if (!ret) {
			ioas_range_list_fini(out);
			*out = l;
			if (alignment)
				*alignment = q.out_iova_alignment;
		} else {
			ioas_range_list_fini(&l);
		}
	}
	ioas_free_(v);
	return ret;
}
