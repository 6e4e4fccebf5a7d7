/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libioas: IO virtual address spaces with reserved regions.
 *
 * Thread safety in one sentence: a struct ioas_space is internally
 * synchronized and may be used from many threads at once, while value
 * objects (range lists, region lists, byte buffers) are plain data that the
 * caller serialises.
 *
 * NOTE: header conventions. Every public function is declared here or in a
 * header this one includes, with kernel-doc; it returns 0 (or a count) on
 * success and a negative errno on failure, never -1 and never through the
 * global errno; a failed call leaves its objects unchanged. Structs that may
 * grow start with a uint32_t 'size' field (extensible, as iommufd's uapi).
 * Small predicates are 'static inline' in the headers; they are part of the
 * API but not of the ABI. The headers compile as C11 and as C++.
 */
#ifndef IOAS_IOAS_H
#define IOAS_IOAS_H

#include <ioas/range.h>
#include <ioas/region.h>
#include <ioas/space.h>
#include <ioas/iova.h>
#include <ioas/host.h>
#include <ioas/msi.h>
#include <ioas/cap.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOAS_VERSION_MAJOR 0
#define IOAS_VERSION_MINOR 1
#define IOAS_VERSION_PATCH 0

/**
 * ioas_version() - the library's version string
 *
 * Return: static string "MAJOR.MINOR.PATCH" of the library actually loaded,
 * which may differ from the IOAS_VERSION_* macros the caller compiled with.
 */
const char *ioas_version(void);

/**
 * ioas_strerror() - a short description of an ioas error code
 * @err: a negative errno as returned by libioas (a positive one is accepted)
 *
 * Return: static string with ioas's meaning of the code (ioas.7), e.g.
 * "range conflicts with a reserved region" for -EADDRINUSE; "success" for
 * 0; "unknown error" for codes outside the table.
 */
const char *ioas_strerror(int err);

/**
 * ioas_errno_name() - the symbolic name of an errno value
 * @err: a negative (or positive) errno
 *
 * Return: static string such as "EINVAL"; NULL for a code outside ioas's
 * table.
 */
const char *ioas_errno_name(int err);

/**
 * ioas_errno_parse() - the errno value for a symbolic name
 * @name: NUL-terminated name such as "EADDRINUSE"
 *
 * Return: the positive errno value; -EINVAL if @name is not in ioas's table.
 */
int ioas_errno_parse(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* IOAS_IOAS_H */
