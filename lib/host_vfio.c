// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host backend, VFIO type1 side: a container (DEV/vfio/vfio) with the
 * groups attached through it, and a device's standing in sysfs
 * (ioas_host_dev_state()).
 *
 * Data model: struct ioas_host_vfio owns the container fd and one entry
 * per attached group (id, group fd, the device files opened in it). The kernel keeps the real state; we
 * keep only what we need to undo and to close: which group files are open
 * and whether the container has its IOMMU set (VFIO_SET_IOMMU is done by
 * the first group's attach and undone by the kernel when the last group
 * leaves, drivers/vfio/container.c vfio_group_detach_container()).
 *
 * Errors: every ioctl goes through host_ioctl(), which returns the
 * kernel's -errno untouched; opens are mapped by host_open_node(). A
 * failed call leaves the handle as it was: a group whose SET_IOMMU failed
 * is taken out of the container and its file closed.
 *
 * The IOVA_RANGE walk in ioas_host_vfio_usable() treats the blob as
 * hostile: every header lies inside the buffer, offsets strictly increase
 * (so the walk ends), and the range count is checked against the bytes
 * present.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ioas/host.h>
#include <ioas/range.h>

#include "host_ioctl.h"
#include "host_uapi.h"
#include "ioas_private.h"

#define CAP_IOVA_RANGE 1 /* VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE */
#define INFO_FLAG_CAPS (1u << 1)
#define INFO_MAX (1u << 20) /* a GET_INFO blob larger than this is bogus */

struct vdev {
	char *name;
	int fd;
};

struct vgroup {
	uint32_t id;
	int fd;
	struct vdev *devs; /* device files opened by ioas_host_vfio_device() */
	size_t nr_devs;
};

struct ioas_host_vfio {
	int fd;
	char *dev_root; /* for DEV/vfio/<group> */
	bool iommu_set; /* VFIO_SET_IOMMU done and not yet released */
	struct vgroup *groups;
	size_t nr;
	size_t cap;
};

/* ---------------------------------------------------------------------- */
/* sysfs: where a device stands */

/* Last path component of a symlink's target into @buf; -errno. */
static int link_base(const char *path, char *buf, size_t size)
{
	char t[HOST_PATH_MAX];
	ssize_t n;
	const char *b;

	if (ioas_should_fail_())
		return -EIO;
	n = readlink(path, t, sizeof(t) - 1);
	if (n < 0)
		return -errno;
	t[n] = '\0';
	b = strrchr(t, '/');
	b = b ? b + 1 : t;
	if (strlen(b) >= size)
		return -EBADMSG;
	strcpy(buf, b);
	return 0;
}

static int map_sysfs_errno(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return -EACCES;
	case -ENOMEM:
	case -EBADMSG:
	case -EINVAL:
		return err;
	default:
		return -EIO;
	}
}

IOAS_EXPORT int ioas_host_dev_state(const char *sysfs_root, const char *dev,
				    struct ioas_host_dev_state *out)
{
	struct ioas_host_dev_state st;
	char path[HOST_PATH_MAX], grp[32], *end;
	struct stat sb;
	DIR *d;
	struct dirent *e;
	unsigned long v;
	int err;

	if (!out || !host_name_ok(dev, 255))
		return -EINVAL;
	if (!sysfs_root)
		sysfs_root = "/sys";
	memset(&st, 0, sizeof(st));
	st.group = UINT32_MAX;

	err = host_path(path, sizeof(path), sysfs_root, "bus/pci/devices/%s",
			dev);
	if (err)
		return err;
	if (stat(path, &sb))
		return errno == ENOENT || errno == ENOTDIR ?
			       -ENOENT :
			       map_sysfs_errno(-errno);

	err = host_path(path, sizeof(path), sysfs_root,
			"bus/pci/devices/%s/iommu_group", dev);
	if (err)
		return err;
	err = link_base(path, grp, sizeof(grp));
	if (!err) {
		errno = 0;
		v = strtoul(grp, &end, 10);
		if (!*grp || *end || v >= UINT32_MAX)
			return -EBADMSG;
		st.group = (uint32_t)v;
	} else if (err != -ENOENT) {
		return map_sysfs_errno(err);
	}

	err = host_path(path, sizeof(path), sysfs_root,
			"bus/pci/devices/%s/driver", dev);
	if (err)
		return err;
	err = link_base(path, st.driver, sizeof(st.driver));
	if (err == -ENOENT)
		st.driver[0] = '\0';
	else if (err)
		return map_sysfs_errno(err);

	err = host_path(path, sizeof(path), sysfs_root,
			"bus/pci/devices/%s/vfio-dev", dev);
	if (err)
		return err;
	d = ioas_should_fail_() ? NULL : opendir(path);
	if (d) {
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, "vfio", 4) ||
			    strlen(e->d_name) >= sizeof(st.cdev))
				continue;
			strcpy(st.cdev, e->d_name);
			break;
		}
		closedir(d);
	}
	*out = st;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* the container */

IOAS_EXPORT int ioas_host_vfio_open(const char *dev_root,
				    struct ioas_host_vfio **out)
{
	struct ioas_host_vfio *c;
	char path[HOST_PATH_MAX];
	int fd, ret;

	if (!out)
		return -EINVAL;
	ret = host_path(path, sizeof(path), dev_root ? dev_root : "/dev",
			"vfio/vfio");
	if (ret)
		return ret;
	c = ioas_calloc_(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->dev_root = ioas_malloc_(strlen(dev_root ? dev_root : "/dev") + 1);
	if (!c->dev_root) {
		ioas_free_(c);
		return -ENOMEM;
	}
	strcpy(c->dev_root, dev_root ? dev_root : "/dev");
	fd = host_open_node(path, -ENODEV);
	if (fd < 0) {
		ioas_free_(c->dev_root);
		ioas_free_(c);
		return fd;
	}
	ret = host_ioctl_val(fd, HU_VFIO_GET_API_VERSION, 0);
	if (ret >= 0 && ret != HU_VFIO_API_VERSION)
		ret = -EPROTO;
	if (ret >= 0) {
		ret = host_ioctl_val(fd, HU_VFIO_CHECK_EXTENSION,
				     HU_VFIO_TYPE1v2_IOMMU);
		if (ret == 0)
			ret = -ENODEV; /* no type1 v2 IOMMU driver */
	}
	if (ret < 0) {
		close(fd);
		ioas_free_(c->dev_root);
		ioas_free_(c);
		return ret;
	}
	c->fd = fd;
	*out = c;
	return 0;
}

/* Closes a group's device files (the kernel disables their interrupts). */
static void close_devs(struct vgroup *g)
{
	size_t i;

	for (i = 0; i < g->nr_devs; i++) {
		close(g->devs[i].fd);
		ioas_free_(g->devs[i].name);
	}
	ioas_free_(g->devs);
	g->devs = NULL;
	g->nr_devs = 0;
}

IOAS_EXPORT void ioas_host_vfio_close(struct ioas_host_vfio *c)
{
	size_t i;

	if (!c)
		return;
	/* Closing a group file takes it out of the container. */
	for (i = c->nr; i-- > 0;) {
		close_devs(&c->groups[i]);
		close(c->groups[i].fd);
	}
	close(c->fd);
	ioas_free_(c->groups);
	ioas_free_(c->dev_root);
	ioas_free_(c);
}

static struct vgroup *vfio_find(struct ioas_host_vfio *c, uint32_t id)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		if (c->groups[i].id == id)
			return &c->groups[i];
	return NULL;
}

IOAS_EXPORT int ioas_host_vfio_attach(struct ioas_host_vfio *c, uint32_t group)
{
	struct hu_vfio_group_status gs;
	char path[HOST_PATH_MAX];
	struct vgroup *g;
	int gfd, ret;

	if (!c)
		return -EINVAL;
	g = vfio_find(c, group);
	if (g)
		/* The kernel's answer for a group already in a container. */
		return host_ioctl(g->fd, HU_VFIO_GROUP_SET_CONTAINER, &c->fd);

	if (c->nr == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4;
		struct vgroup *v = ioas_realloc_(c->groups, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->groups = v;
		c->cap = cap;
	}
	ret = host_path(path, sizeof(path), c->dev_root, "vfio/%" PRIu32,
			group);
	if (ret)
		return ret;
	gfd = host_open_node(path, -ENOENT);
	if (gfd < 0)
		return gfd;

	memset(&gs, 0, sizeof(gs));
	gs.argsz = sizeof(gs);
	ret = host_ioctl(gfd, HU_VFIO_GROUP_GET_STATUS, &gs);
	if (!ret && !(gs.flags & HU_VFIO_GROUP_FLAGS_VIABLE))
		ret = -EBUSY;
	if (!ret)
		ret = host_ioctl(gfd, HU_VFIO_GROUP_SET_CONTAINER, &c->fd);
	if (!ret && !c->iommu_set) {
		ret = host_ioctl_val(c->fd, HU_VFIO_SET_IOMMU,
				     HU_VFIO_TYPE1v2_IOMMU);
		if (ret)
			/* Leave the container as it was; closing the
			 * group file below would do it too, but say so. */
			(void)host_ioctl(gfd, HU_VFIO_GROUP_UNSET_CONTAINER,
					 NULL);
		else
			c->iommu_set = true;
	}
	if (ret) {
		close(gfd);
		return ret;
	}
	memset(&c->groups[c->nr], 0, sizeof(c->groups[c->nr]));
	c->groups[c->nr].id = group;
	c->groups[c->nr].fd = gfd;
	c->nr++;
	return 0;
}

IOAS_EXPORT int ioas_host_vfio_detach(struct ioas_host_vfio *c, uint32_t group)
{
	struct vgroup *g;
	int ret;

	if (!c)
		return -EINVAL;
	g = vfio_find(c, group);
	if (!g)
		return -ENOENT;
	/* An open device keeps the group in the container (-EBUSY). */
	close_devs(g);
	ret = host_ioctl(g->fd, HU_VFIO_GROUP_UNSET_CONTAINER, NULL);
	if (ret)
		return ret;
	close(g->fd);
	*g = c->groups[--c->nr];
	/* The last group out releases the IOMMU (vfio_group_detach_container). */
	if (!c->nr)
		c->iommu_set = false;
	return 0;
}

IOAS_EXPORT int ioas_host_vfio_device(struct ioas_host_vfio *c,
				      uint32_t group, const char *dev, int *fd)
{
	struct vgroup *g;
	struct vdev *v;
	size_t i;
	char *name;
	int dfd;

	if (!c || !fd || !host_name_ok(dev, 255))
		return -EINVAL;
	g = vfio_find(c, group);
	if (!g)
		return -ENOENT;
	for (i = 0; i < g->nr_devs; i++) {
		if (!strcmp(g->devs[i].name, dev)) {
			*fd = g->devs[i].fd;
			return 0;
		}
	}
	v = ioas_realloc_(g->devs, g->nr_devs + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	g->devs = v;
	name = ioas_malloc_(strlen(dev) + 1);
	if (!name)
		return -ENOMEM;
	strcpy(name, dev);
	/* VFIO_GROUP_GET_DEVICE_FD takes the name as a C string. */
	dfd = host_ioctl(g->fd, HU_VFIO_GROUP_GET_DEVICE_FD, name);
	if (dfd < 0) {
		ioas_free_(name);
		return dfd;
	}
	g->devs[g->nr_devs].name = name;
	g->devs[g->nr_devs].fd = dfd;
	g->nr_devs++;
	*fd = dfd;
	return 0;
}

IOAS_EXPORT int ioas_host_vfio_map(struct ioas_host_vfio *c, uint64_t vaddr,
				   uint64_t iova, uint64_t size, uint32_t flags)
{
	struct hu_vfio_dma_map m;

	if (!c)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.flags = flags;
	m.vaddr = vaddr;
	m.iova = iova;
	m.size = size;
	return host_ioctl(c->fd, HU_VFIO_IOMMU_MAP_DMA, &m);
}

IOAS_EXPORT int ioas_host_vfio_unmap(struct ioas_host_vfio *c, uint64_t iova,
				     uint64_t size, uint32_t flags,
				     uint64_t *unmapped)
{
	struct hu_vfio_dma_unmap u;
	int ret;

	if (!c)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.argsz = sizeof(u);
	u.flags = flags;
	u.iova = iova;
	u.size = size;
	ret = host_ioctl(c->fd, HU_VFIO_IOMMU_UNMAP_DMA, &u);
	if (ret)
		return ret;
	if (unmapped)
		*unmapped = u.size;
	return 0;
}

IOAS_EXPORT int ioas_host_vfio_get_info(struct ioas_host_vfio *c, void *buf,
					size_t size, uint32_t argsz)
{
	size_t need = argsz > sizeof(struct hu_vfio_iommu_info) ?
			      argsz :
			      sizeof(struct hu_vfio_iommu_info);
	int ret;

	if (!c || !buf || size < need)
		return -EINVAL;
	memset(buf, 0, need);
	memcpy(buf, &argsz, sizeof(argsz));
	ret = host_ioctl(c->fd, HU_VFIO_IOMMU_GET_INFO, buf);
	return ret < 0 ? ret : 0;
}

/* The IOVA_RANGE capability of a GET_INFO blob into @out (bounded walk). */
static int decode_iova_ranges(const unsigned char *buf, size_t len,
			      struct ioas_range_list *out)
{
	struct hu_vfio_iommu_info info;
	uint32_t off, next, nr, i;
	unsigned int hops = 0;

	memcpy(&info, buf, sizeof(info));
	if (!(info.flags & INFO_FLAG_CAPS) || !info.cap_offset)
		return 0;
	off = info.cap_offset;
	while (off) {
		uint16_t id;

		if (off < sizeof(info) || off % 4 || (size_t)off + 8 > len ||
		    ++hops > 64)
			return -EBADMSG;
		memcpy(&id, buf + off, sizeof(id));
		memcpy(&next, buf + off + 4, sizeof(next));
		if (id == CAP_IOVA_RANGE) {
			if ((size_t)off + 16 > len)
				return -EBADMSG;
			memcpy(&nr, buf + off + 8, sizeof(nr));
			if (nr > (len - off - 16) / 16)
				return -EBADMSG;
			for (i = 0; i < nr; i++) {
				struct ioas_range r;
				int ret;

				memcpy(&r.start, buf + off + 16 + 16 * i, 8);
				memcpy(&r.last, buf + off + 24 + 16 * i, 8);
				ret = host_range_append(out, &r);
				if (ret)
					return ret;
			}
		}
		if (next && next <= off)
			return -EBADMSG;
		off = next;
	}
	return 0;
}

IOAS_EXPORT int ioas_host_vfio_usable(struct ioas_host_vfio *c,
				      struct ioas_range_list *out,
				      uint64_t *pgsizes)
{
	struct hu_vfio_iommu_info info;
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	unsigned char *buf;
	uint32_t argsz;
	int ret;

	if (!c || !out)
		return -EINVAL;
	ret = ioas_host_vfio_get_info(c, &info, sizeof(info), sizeof(info));
	if (ret)
		return ret;
	argsz = info.argsz;
	if (argsz < sizeof(info) || argsz > INFO_MAX)
		return -EBADMSG;
	buf = ioas_malloc_(argsz);
	if (!buf)
		return -ENOMEM;
	ret = ioas_host_vfio_get_info(c, buf, argsz, argsz);
	if (!ret)
		ret = decode_iova_ranges(buf, argsz, &l);
	if (!ret) {
		memcpy(&info, buf, sizeof(info));
		if (pgsizes)
			*pgsizes = info.iova_pgsizes;
		ioas_range_list_fini(out);
		*out = l;
	} else {
		ioas_range_list_fini(&l);
	}
	ioas_free_(buf);
	return ret;
}
