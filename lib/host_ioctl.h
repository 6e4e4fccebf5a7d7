/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by lib/host_vfio.c and lib/host_iommufd.c: one ioctl with
 * its errno captured at once (the only place the library reads errno from
 * a kernel call), opening a device node with the open(2) errno mapped onto
 * ioas's table, and bounded path joining.
 */
#ifndef IOAS_HOST_IOCTL_H
#define IOAS_HOST_IOCTL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <ioas/range.h>

#include "ioas_private.h"

#define HOST_PATH_MAX 4096

/*
 * One ioctl; -errno on failure, else its non-negative result. In a
 * -Dfail-nth build this is a fault point (-EIO), so that a sweep reaches
 * the error paths behind every kernel call.
 */
static inline int host_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	if (ioas_should_fail_())
		return -EIO;
	r = ioctl(fd, req, arg);
	return r < 0 ? -errno : r;
}

/* ioctl with an integer argument (VFIO_SET_IOMMU, CHECK_EXTENSION). */
static inline int host_ioctl_val(int fd, unsigned long req, unsigned long v)
{
	int r;

	if (ioas_should_fail_())
		return -EIO;
	r = ioctl(fd, req, v);
	return r < 0 ? -errno : r;
}

/* "@root/@fmt..." into @buf; -EINVAL if it does not fit or @root is "". */
static inline int __attribute__((format(printf, 4, 5)))
host_path(char *buf, size_t size, const char *root, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	if (!root || !*root)
		return -EINVAL;
	n = snprintf(buf, size, "%s/", root);
	if (n < 0 || (size_t)n >= size)
		return -EINVAL;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= size - (size_t)n)
		return -EINVAL;
	return 0;
}

/*
 * A sysfs/dev entry name we may put in a path: non-empty, short, no '/',
 * not "." or "..".
 */
static inline bool host_name_ok(const char *s, size_t max)
{
	size_t n;

	if (!s)
		return false;
	n = strnlen(s, max + 1);
	if (n == 0 || n > max || memchr(s, '/', n))
		return false;
	return strcmp(s, ".") && strcmp(s, "..");
}

/*
 * open(2) a device node read-write. @missing is what a node that is not
 * there means (-ENODEV for /dev/vfio/vfio and /dev/iommu: the feature is
 * absent; -ENOENT for a group or device node).
 */
static inline int host_open_node(const char *path, int missing)
{
	int fd, e;

	if (ioas_should_fail_())
		return -EIO;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	e = errno;
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return missing;
	case EACCES:
	case EPERM:
	case EROFS:
		return -EACCES;
	case ENXIO:
	case ENODEV:
		return -ENODEV;
	default:
		return -e;
	}
}

/*
 * Append a range the kernel reported to @l. The kernel's lists (type1's
 * iova list, iommufd's IOVA_RANGES) are ascending, disjoint and never
 * touch; anything else is reported as -EBADMSG rather than silently
 * merged, so that a comparison with a space notices.
 */
static inline int host_range_append(struct ioas_range_list *l,
				    const struct ioas_range *r)
{
	if (r->start > r->last)
		return -EBADMSG;
	if (l->nr && (l->v[l->nr - 1].last == UINT64_MAX ||
		      r->start <= l->v[l->nr - 1].last + 1))
		return -EBADMSG;
	return ioas_range_list_add(l, r);
}

#endif /* IOAS_HOST_IOCTL_H */
