// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The project's errno table (ioas.7): one meaning per code. Kernel-profile
 * calls return the kernel's own codes (EPERM, EFAULT, EBUSY, ENOTTY ...),
 * which are in the table too so that they print by name.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <ioas/ioas.h>

#include "ioas_private.h"

static const struct {
	int err;
	const char *name;
	const char *text;
} errtab[] = {
	{ EINVAL, "EINVAL", "invalid argument or range" },
	{ EOVERFLOW, "EOVERFLOW", "address arithmetic would wrap 2^64" },
	{ EEXIST, "EEXIST", "range overlaps an existing mapping" },
	{ EADDRINUSE, "EADDRINUSE",
	  "range conflicts with a reserved region" },
	{ ENOENT, "ENOENT", "nothing mapped there, mapping would be split, or no such object" },
	{ ENOSPC, "ENOSPC", "no free IOVA or mapping slot left" },
	{ ENOMEM, "ENOMEM", "out of memory" },
	{ EMSGSIZE, "EMSGSIZE", "output buffer too small" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "unsupported flag, field or operation" },
	{ E2BIG, "E2BIG", "extensible struct has unknown non-zero fields" },
	{ EBADMSG, "EBADMSG", "malformed input" },
	{ ENODEV, "ENODEV", "no IOMMU or no such device" },
	{ EACCES, "EACCES", "permission denied" },
	{ EPERM, "EPERM", "interrupts not isolated (or operation not permitted)" },
	{ EFAULT, "EFAULT", "bad user address" },
	{ EBUSY, "EBUSY", "object busy" },
	{ ENOTTY, "ENOTTY", "unknown ioctl" },
	{ EUCLEAN, "EUCLEAN", "internal invariant violated" },
	{ ERANGE, "ERANGE", "value out of range" },
	{ EIO, "EIO", "input/output error" },
	{ ENOTDIR, "ENOTDIR", "not a directory" },
};

IOAS_EXPORT const char *ioas_strerror(int err)
{
	size_t i;

	if (err == 0)
		return "success";
	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errtab); i++)
		if (errtab[i].err == err)
			return errtab[i].text;
	return "unknown error";
}

IOAS_EXPORT const char *ioas_errno_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errtab); i++)
		if (errtab[i].err == err)
			return errtab[i].name;
	return NULL;
}

IOAS_EXPORT int ioas_errno_parse(const char *name)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(errtab); i++)
		if (!strcmp(errtab[i].name, name))
			return errtab[i].err;
	return -EINVAL;
}

IOAS_EXPORT const char *ioas_version(void)
{
	return IOAS_VERSION_STRING;
}
