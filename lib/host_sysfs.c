// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host backend, sysfs side: ROOT/kernel/iommu_groups, ROOT/class/iommu and
 * ROOT/bus/pci/devices turned into one immutable snapshot (struct
 * ioas_host), with typed regions, origins (read from the firmware tables
 * under ROOT/firmware/acpi/tables where they explain a region, guessed
 * otherwise), the geometry of the domain each group would get, and the
 * usable ranges VFIO type1 would report for it.
 *
 * Data model: the snapshot owns an array of groups (sorted by id), an array
 * of IOMMU units (sorted by name), the decoded DMAR, IVRS and IORT
 * reservation lists (lib/host_acpi.c), the notes and a string pool; every
 * const pointer a caller can reach points into one of them. The public
 * structs are filled last, once every internal array has its final
 * address, so no pointer ever dangles.
 *
 * Input is untrusted (a copied tree can be anything): no path is built in
 * a fixed buffer except the diagnostic one (which truncates), folders are
 * opened relative to each other with openat(), every read is bounded
 * (FILE_MAX for reserved_regions, ACPI_MAX for firmware tables, SMALL_MAX
 * for one-line files), names longer than NAME_MAX or counts beyond the
 * MAX_* limits are refused, and anything that is not a regular file is
 * refused before it is opened, so a FIFO cannot block us and a device node
 * cannot be poked.
 *
 * Errors: sysfs is read with the ordinary syscalls, whose errno is mapped
 * once (host_errno()) onto ioas's table: -ENOENT, -EACCES, -EBADMSG, -EIO,
 * -ENOMEM. Nothing is written to *out unless everything succeeded. The
 * firmware tables are the exception to "a bad file fails the load": they
 * are root's on a real host and only confirm what is otherwise guessed, so
 * a missing, unreadable or malformed one is a note (ioas_host_notes()), and
 * only -ENOMEM and -EIO propagate.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ioas/host.h>
#include <ioas/ioas.h>
#include <ioas/space.h>

#include "ioas_private.h"
#include "overflow.h"

#define FILE_MAX	(64 * 1024)	/* reserved_regions */
#define ACPI_MAX	(1024 * 1024)	/* firmware/acpi/tables/<SIG> */
#define SMALL_MAX	256		/* type, cap, vendor, driver, ... */
#define MAX_GROUPS	65536
#define MAX_DEVICES	65536
#define MAX_IOMMUS	4096
#define ENTRY_NAME_MAX	255		/* NAME_MAX on Linux */

#define SZ_4K	UINT64_C(0x1000)
#define SZ_2M	UINT64_C(0x200000)
#define SZ_1G	UINT64_C(0x40000000)

#define SW_MSI_START	UINT64_C(0x8000000)
#define SW_MSI_LAST	UINT64_C(0x80fffff)
#define X86_MSI_START	UINT64_C(0xfee00000)
#define X86_MSI_LAST	UINT64_C(0xfeefffff)
#define AMD_HT_START	UINT64_C(0xfd00000000)
#define AMD_HT_LAST	UINT64_C(0xffffffffff)
#define FLOPPY_LAST	UINT64_C(0xffffff)

struct host_group {
	struct ioas_host_group pub;
	struct ioas_region_list regions;
	struct ioas_range_list usable;
	struct ioas_host_device *devices;
	size_t nr_devices;
	int iommu;		/* index into ioas_host.iommus, or -1 */
	/* Per region, how its origin was decided; NULL when no firmware
	 * table was read (every origin is then a guess). */
	struct ioas_host_origin *origins;
};

struct ioas_host {
	uint32_t flags;
	struct host_group *groups;
	size_t nr_groups;
	struct ioas_host_iommu *iommus;
	size_t nr_iommus;
	char **strs;		/* the string pool: every string we hand out */
	size_t nr_strs;
	size_t cap_strs;
	/* Firmware tables that were read and parsed; [0] stays empty. */
	struct ioas_acpi_resv_list acpi[IOAS_ACPI_NR_TABLES];
	const char **notes;	/* pool strings: see ioas_host_notes() */
	size_t nr_notes;
	size_t cap_notes;
};

/* One table entry that gives a region, by the region's start. */
struct acpi_sorted {
	uint64_t start;
	uint32_t idx;
};

struct names {
	char **v;
	size_t nr;
	size_t cap;
};

/* State of one ioas_host_load() call. */
struct load {
	struct ioas_host *h;
	const char *root;
	const char *groups_rel;	/* "kernel/iommu_groups", or "" when bare */
	int root_fd;		/* -1 when bare */
	int groups_fd;		/* -1 when there is no groups folder */
	int class_fd;		/* ROOT/class/iommu, or -1 */
	int pci_fd;		/* ROOT/bus/pci/devices, or -1 */
	bool dt;		/* ROOT/firmware/devicetree exists */
	struct ioas_host_diag *diag;
	/* Per table, the entries that give a region, sorted by start; and a
	 * scratch array for the entries one region is made of. */
	struct acpi_sorted *acpi_sorted[IOAS_ACPI_NR_TABLES];
	size_t acpi_nr_sorted[IOAS_ACPI_NR_TABLES];
	uint32_t *cand;
};

/* ---------------------------------------------------------------------- */
/* Diagnostics */

/* Append @s to @buf (of @size bytes, NUL-terminated), truncating. */
static void cat_trunc(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);
	size_t m = strlen(s);

	if (n + 1 >= size)
		return;
	if (m > size - 1 - n)
		m = size - 1 - n;
	memcpy(buf + n, s, m);
	buf[n + m] = '\0';
}

__attribute__((format(printf, 2, 0)))
static void diag_path_(struct load *ld, const char *fmt, va_list ap)
{
	char rel[IOAS_HOST_PATH_MAX];
	char *p = ld->diag->path;
	size_t n;

	vsnprintf(rel, sizeof(rel), fmt, ap);
	p[0] = '\0';
	cat_trunc(p, IOAS_HOST_PATH_MAX, ld->root);
	if (!rel[0])
		return;
	n = strlen(ld->root);
	if (!n || ld->root[n - 1] != '/')
		cat_trunc(p, IOAS_HOST_PATH_MAX, "/");
	cat_trunc(p, IOAS_HOST_PATH_MAX, rel);
}

/*
 * Record an error: the group involved (UINT32_MAX for none), the reason and
 * the path relative to the root. Returns @err so callers can 'return
 * fail(...)'.
 */
__attribute__((format(printf, 5, 6)))
static int fail(struct load *ld, int err, uint32_t group, const char *reason,
		const char *fmt, ...)
{
	va_list ap;

	if (!ld->diag)
		return err;
	ld->diag->group = group;
	ld->diag->diag.reason = reason;
	va_start(ap, fmt);
	diag_path_(ld, fmt, ap);
	va_end(ap);
	return err;
}

static const char *errno_reason(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such file or folder";
	case -ENOTDIR:
		return "not a folder";
	case -EACCES:
		return "permission denied";
	case -ENOMEM:
		return "out of memory";
	case -EBADMSG:
		return "malformed";
	default:
		return "read error";
	}
}

/* Map a syscall's errno onto ioas's table. */
static int host_errno(int e)
{
	switch (e) {
	case ENOENT:
		return -ENOENT;
	case ENOTDIR:
		return -ENOTDIR;
	case EACCES:
	case EPERM:
		return -EACCES;
	case ENOMEM:
		return -ENOMEM;
	case ELOOP:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

/* ---------------------------------------------------------------------- */
/* The string pool */

static const char *pool_add(struct ioas_host *h, char *s)
{
	if (h->nr_strs == h->cap_strs) {
		size_t cap = h->cap_strs ? h->cap_strs * 2 : 16;
		char **v = ioas_realloc_(h->strs, cap, sizeof(*v));

		if (!v) {
			ioas_free_(s);
			return NULL;
		}
		h->strs = v;
		h->cap_strs = cap;
	}
	h->strs[h->nr_strs++] = s;
	return s;
}

static const char *pool_strndup(struct ioas_host *h, const char *s, size_t n)
{
	char *p = ioas_malloc_(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return pool_add(h, p);
}

__attribute__((format(printf, 2, 0)))
static const char *pool_vprintf(struct ioas_host *h, const char *fmt,
				va_list ap)
{
	va_list aq;
	char *p;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	p = ioas_malloc_((size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return pool_add(h, p);
}

__attribute__((format(printf, 2, 3)))
static const char *pool_printf(struct ioas_host *h, const char *fmt, ...)
{
	const char *s;
	va_list ap;

	va_start(ap, fmt);
	s = pool_vprintf(h, fmt, ap);
	va_end(ap);
	return s;
}

/* Record a sentence for ioas_host_notes(). */
__attribute__((format(printf, 2, 3)))
static int add_note(struct ioas_host *h, const char *fmt, ...)
{
	const char *s;
	va_list ap;

	if (h->nr_notes == h->cap_notes) {
		size_t cap = h->cap_notes ? h->cap_notes * 2 : 4;
		const char **v = ioas_realloc_(h->notes, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->notes = v;
		h->cap_notes = cap;
	}
	va_start(ap, fmt);
	s = pool_vprintf(h, fmt, ap);
	va_end(ap);
	if (!s)
		return -ENOMEM;
	h->notes[h->nr_notes++] = s;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Bounded reads */

/*
 * Read a whole regular file of at most @max bytes. *@out is NUL-terminated
 * (the NUL is not counted in *@len) and must be freed with ioas_free_().
 * On -EBADMSG, *@reason says why.
 */
static int read_at(int dirfd, const char *name, size_t max, char **out,
		   size_t *len, const char **reason)
{
	struct stat st;
	size_t n = 0;
	char *buf;
	int fd, err;

	/* Refuse FIFOs and device nodes before opening them. */
	if (fstatat(dirfd, name, &st, 0))
		return host_errno(errno);
	if (!S_ISREG(st.st_mode)) {
		*reason = "not a regular file";
		return -EBADMSG;
	}
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return host_errno(errno);
	/* ... and again on what was actually opened (it may have changed). */
	if (fstat(fd, &st)) {
		err = host_errno(errno);
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		*reason = "not a regular file";
		err = -EBADMSG;
		goto out_close;
	}
	if (ioas_should_fail_()) {
		err = -EIO;
		goto out_close;
	}
	buf = ioas_malloc_(max + 2);
	if (!buf) {
		err = -ENOMEM;
		goto out_close;
	}
	/* sysfs files report st_size 4096 whatever they hold: read to EOF. */
	while (n <= max) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = host_errno(errno);
			goto out_free;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		*reason = max == FILE_MAX ?
				  "file larger than the 64 KiB limit" :
			  max == ACPI_MAX ?
				  "file larger than the 1 MiB limit" :
				  "file too large for a one-line value";
		err = -EBADMSG;
		goto out_free;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	close(fd);
	return 0;

out_free:
	ioas_free_(buf);
out_close:
	close(fd);
	return err;
}

/*
 * A one-line value: the file must be one line of 1..SMALL_MAX bytes, the
 * final newline optional, with no NUL byte. *@n is the length without the
 * newline.
 */
static bool one_line(const char *buf, size_t len, size_t *n)
{
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (buf[i] == '\n' || buf[i] == '\0')
			return false;
	*n = len;
	return true;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* Parse 1..@maxdigits hex digits, optionally after "0x". */
static bool parse_hex(const char *s, size_t n, unsigned int maxdigits,
		      uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (!n || n > maxdigits)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* ---------------------------------------------------------------------- */
/* Folder listings */

static void names_fini(struct names *n)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		ioas_free_(n->v[i]);
	ioas_free_(n->v);
	n->v = NULL;
	n->nr = n->cap = 0;
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The entry names of folder @name (relative to @dirfd; "." for @dirfd
 * itself), sorted, without "." and "..". Entries are not stat()ed: a
 * dangling symlink is listed like anything else. On -EBADMSG, *@reason
 * says why.
 */
static int list_dir(int dirfd, const char *name, size_t max_entries,
		    struct names *out, const char **reason)
{
	struct dirent *e;
	DIR *d;
	int fd, err = 0;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return host_errno(errno);
	d = fdopendir(fd);
	if (!d) {
		err = host_errno(errno);
		close(fd);
		return err;
	}
	for (;;) {
		size_t len;
		char *s;

		errno = 0;
		e = readdir(d);
		if (!e) {
			if (errno)
				err = host_errno(errno);
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		len = strnlen(e->d_name, ENTRY_NAME_MAX + 1);
		if (len > ENTRY_NAME_MAX) {
			*reason = "entry name too long";
			err = -EBADMSG;
			break;
		}
		if (out->nr == max_entries) {
			*reason = "too many entries";
			err = -EBADMSG;
			break;
		}
		if (out->nr == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			char **v = ioas_realloc_(out->v, cap, sizeof(*v));

			if (!v) {
				err = -ENOMEM;
				break;
			}
			out->v = v;
			out->cap = cap;
		}
		s = ioas_malloc_(len + 1);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		memcpy(s, e->d_name, len + 1);
		out->v[out->nr++] = s;
	}
	closedir(d);
	if (err) {
		names_fini(out);
		return err;
	}
	if (out->nr)
		qsort(out->v, out->nr, sizeof(*out->v), names_cmp);
	return 0;
}

/* A canonical decimal group id: "0", or no leading zero, <= UINT32_MAX. */
static bool parse_group_id(const char *s, uint32_t *id)
{
	uint64_t v = 0;
	size_t i, n = strlen(s);

	if (!n || n > 10 || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*id = (uint32_t)v;
	return true;
}

static bool is_dir_at(int dirfd, const char *name)
{
	struct stat st;

	return !fstatat(dirfd, name, &st, 0) && S_ISDIR(st.st_mode);
}

static bool exists_at(int dirfd, const char *name)
{
	struct stat st;

	return !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW);
}

/* Open an optional folder: -1 if it does not exist; < -1 on error. */
static int open_dir_opt(int dirfd, const char *name, int *fd)
{
	*fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT || errno == ENOTDIR) {
		*fd = -1;
		return 0;
	}
	return host_errno(errno);
}

/* ---------------------------------------------------------------------- */
/* IOMMU units and their geometry */

static const struct {
	const char *name;
	const char *text;
} kinds[IOAS_HOST_IOMMU_NR_KINDS] = {
	[IOAS_HOST_IOMMU_UNKNOWN] = { "unknown", "unknown IOMMU" },
	[IOAS_HOST_IOMMU_INTEL_VTD] = { "intel-vtd", "Intel VT-d" },
	[IOAS_HOST_IOMMU_AMD_VI] = { "amd-vi", "AMD-Vi" },
	[IOAS_HOST_IOMMU_ARM_SMMU] = { "arm-smmu", "ARM SMMU" },
	[IOAS_HOST_IOMMU_ARM_SMMUV3] = { "arm-smmuv3", "ARM SMMUv3" },
	[IOAS_HOST_IOMMU_VIRTIO] = { "virtio-iommu", "virtio-iommu" },
};

IOAS_EXPORT const char *ioas_host_iommu_kind_name(uint32_t kind)
{
	if (kind >= IOAS_HOST_IOMMU_NR_KINDS)
		kind = IOAS_HOST_IOMMU_UNKNOWN;
	return kinds[kind].name;
}

IOAS_EXPORT const char *ioas_host_iommu_kind_describe(uint32_t kind)
{
	if (kind >= IOAS_HOST_IOMMU_NR_KINDS)
		kind = IOAS_HOST_IOMMU_UNKNOWN;
	return kinds[kind].text;
}

IOAS_EXPORT const char *ioas_host_how_name(uint32_t how)
{
	switch (how) {
	case IOAS_HOST_ASSUMED:
		return "assumed";
	case IOAS_HOST_FROM_DRIVER:
		return "driver rule";
	case IOAS_HOST_FROM_HOST:
		return "read from host";
	default:
		return "unknown";
	}
}

/* The names drivers register with iommu_device_sysfs_add() in 6.12. */
static uint32_t kind_of(const char *name)
{
	if (strstr(name, "virtio"))
		return IOAS_HOST_IOMMU_VIRTIO;
	if (!strncmp(name, "dmar", 4))
		return IOAS_HOST_IOMMU_INTEL_VTD;
	if (!strncmp(name, "ivhd", 4))
		return IOAS_HOST_IOMMU_AMD_VI;
	if (!strncmp(name, "smmu3.", 6))
		return IOAS_HOST_IOMMU_ARM_SMMUV3;
	if (!strncmp(name, "smmu", 4) || !strncmp(name, "arm-smmu", 8))
		return IOAS_HOST_IOMMU_ARM_SMMU;
	return IOAS_HOST_IOMMU_UNKNOWN;
}

static uint64_t width_mask(unsigned int bits)
{
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/*
 * The geometry a kind's driver gives a paging domain when nothing on the
 * host says more. Strings are static, so this cannot fail.
 */
static void default_geometry(uint32_t kind, struct ioas_host_geometry *g)
{
	g->aperture.start = 0;
	g->aperture_how = IOAS_HOST_ASSUMED;
	g->pgsizes_how = IOAS_HOST_ASSUMED;
	switch (kind) {
	case IOAS_HOST_IOMMU_INTEL_VTD:
		/* Only reached when intel-iommu/cap is missing. */
		g->aperture.last = width_mask(48);
		g->aperture_source =
			"4-level VT-d, 48 bits (intel-iommu/cap not found)";
		g->pgsizes = SZ_4K | SZ_2M | SZ_1G;
		g->pgsizes_source =
			"4K, 2M, 1G (intel-iommu/cap not found)";
		break;
	case IOAS_HOST_IOMMU_AMD_VI:
		/* drivers/iommu/amd: v1 page table, dma_max_address() = ~0. */
		g->aperture.last = UINT64_MAX;
		g->aperture_how = IOAS_HOST_FROM_DRIVER;
		g->aperture_source =
			"AMD-Vi v1 page table (the 6.12 default): whole 64-bit space";
		g->pgsizes = UINT64_C(0x000ffffffffff000) ^ (UINT64_C(1) << 39);
		g->pgsizes_how = IOAS_HOST_FROM_DRIVER;
		g->pgsizes_source =
			"AMD-Vi v1 page table: 4 KiB to 2^51, except 512 GiB";
		break;
	case IOAS_HOST_IOMMU_ARM_SMMUV3:
		/* arm_smmu_domain_finalise(): stage 1 ias = min(48, VA_BITS). */
		g->aperture.last = width_mask(48);
		g->aperture_how = IOAS_HOST_FROM_DRIVER;
		g->aperture_source =
			"SMMUv3 stage 1: 48-bit input (VA_BITS=48, no VAX)";
		g->pgsizes = SZ_4K | SZ_2M | SZ_1G;
		g->pgsizes_source = "4 KiB granule (4K, 2M, 1G)";
		break;
	case IOAS_HOST_IOMMU_ARM_SMMU:
		g->aperture.last = width_mask(48);
		g->aperture_source = "SMMU v1/v2 stage 1, 48 bits";
		g->pgsizes = SZ_4K | SZ_2M | SZ_1G;
		g->pgsizes_source = "4 KiB granule (4K, 2M, 1G)";
		break;
	case IOAS_HOST_IOMMU_VIRTIO:
		g->aperture.last = UINT64_MAX;
		g->aperture_source =
			"QEMU's default virtio-iommu input range, 64 bits (not in sysfs)";
		g->pgsizes = ~(SZ_4K - 1);
		g->pgsizes_source =
			"QEMU's default virtio-iommu page mask (not in sysfs)";
		break;
	default:
		g->aperture.last = UINT64_MAX;
		g->aperture_source = "IOMMU kind unknown, 64 bits";
		g->pgsizes = SZ_4K | SZ_2M | SZ_1G;
		g->pgsizes_source = "IOMMU kind unknown, 4K, 2M, 1G";
		break;
	}
}

static unsigned int fls_u32(uint32_t v)
{
	return v ? 32 - (unsigned int)__builtin_clz(v) : 0;
}

/*
 * A VT-d unit's paging domain, as drivers/iommu/intel/iommu.c 6.12 builds
 * it in paging_domain_alloc() for the second-stage table (legacy mode,
 * which is what a VFIO type1 domain gets without scalable mode):
 * agaw = the largest SAGAW level <= 57 bits, width = min(agaw width,
 * MGAW), aperture [0, 2^width - 1]; page sizes 4K plus 2M for one
 * super-page level and 2M|1G for two (fls of the SLLPS field; larger
 * values give none, exactly as domain_super_pgsize_bitmap() does).
 */
static int vtd_geometry(struct ioas_host *h, const char *name, uint64_t cap,
			struct ioas_host_geometry *g)
{
	unsigned int mgaw = (unsigned int)((cap >> 16) & 0x3f) + 1;
	unsigned int sagaw = (unsigned int)((cap >> 8) & 0x1f);
	unsigned int sp = fls_u32((uint32_t)((cap >> 34) & 0xf));
	unsigned int width = mgaw, agaw_width = 0;
	int agaw;

	for (agaw = 3; agaw >= 0; agaw--) {
		if (sagaw & (1u << agaw)) {
			agaw_width = 30 + 9 * (unsigned int)agaw;
			break;
		}
	}
	if (agaw_width && agaw_width < width)
		width = agaw_width;
	g->aperture.start = 0;
	g->aperture.last = width_mask(width);
	g->aperture_how = IOAS_HOST_FROM_HOST;
	if (agaw_width)
		g->aperture_source = pool_printf(h,
			"%s cap %" PRIx64 ": MGAW %u bits, SAGAW %u bits (second-stage table)",
			name, cap, mgaw, agaw_width);
	else
		g->aperture_source = pool_printf(h,
			"%s cap %" PRIx64 ": MGAW %u bits, no SAGAW bit set",
			name, cap, mgaw);
	g->pgsizes = SZ_4K;
	if (sp == 1)
		g->pgsizes |= SZ_2M;
	else if (sp == 2)
		g->pgsizes |= SZ_2M | SZ_1G;
	g->pgsizes_how = IOAS_HOST_FROM_HOST;
	g->pgsizes_source = pool_printf(h, "%s cap %" PRIx64 ": %s", name, cap,
					sp == 1 ? "2M super pages" :
					sp == 2 ? "2M and 1G super pages" :
						  "no super pages");
	if (!g->aperture_source || !g->pgsizes_source)
		return -ENOMEM;
	return 0;
}

/*
 * One "%llx\n" register of a VT-d unit (intel-iommu/cap or ecap). Returns
 * 0 with *@present false if the file is missing.
 */
static int read_vtd_reg(struct load *ld, int ufd, const char *unit,
			const char *file, uint64_t *v, bool *present)
{
	const char *reason = NULL;
	size_t len, n;
	char *buf;
	int err;

	*present = false;
	err = read_at(ufd, file, SMALL_MAX, &buf, &len, &reason);
	if (err == -ENOENT || err == -ENOTDIR)
		return 0;
	if (err)
		return fail(ld, err, UINT32_MAX,
			    reason ? reason : errno_reason(err),
			    "class/iommu/%s/%s", unit, file);
	if (!one_line(buf, len, &n) || !parse_hex(buf, n, 16, v)) {
		ioas_free_(buf);
		if (ld->diag) {
			ld->diag->diag.line = 1;
			ld->diag->diag.offset = 0;
		}
		return fail(ld, -EBADMSG, UINT32_MAX,
			    "not a hexadecimal register value",
			    "class/iommu/%s/%s", unit, file);
	}
	ioas_free_(buf);
	*present = true;
	return 0;
}

static int read_hex_at(int dfd, const char *name, unsigned int maxdigits,
		       uint64_t *v, bool *ok);

/*
 * virtio-iommu registers its unit under the name of the device that
 * carries it (viommu_probe(): iommu_device_sysfs_add(..., "%s",
 * dev_name(dev->parent))), so behind virtio-pci, as on QEMU x86, the unit
 * is called like a PCI address ("0000:00:01.0"). Such a unit is
 * virtio-iommu when that PCI device is 1af4:1057 (modern virtio device 23,
 * the IOMMU). Found by the kernel differential suite (tests/kernel/).
 */
static int is_virtio_iommu_pci(struct load *ld, const char *name, bool *yes)
{
	uint64_t vendor, device;
	bool ok1 = false, ok2 = false;
	int dfd, err;

	*yes = false;
	if (ld->pci_fd < 0)
		return 0;
	dfd = openat(ld->pci_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOMEM ? -ENOMEM : 0;
	err = read_hex_at(dfd, "vendor", 4, &vendor, &ok1);
	if (!err)
		err = read_hex_at(dfd, "device", 4, &device, &ok2);
	close(dfd);
	*yes = !err && ok1 && ok2 && vendor == 0x1af4 && device == 0x1057;
	return err;
}

static int load_iommu(struct load *ld, const char *name,
		      struct ioas_host_iommu *u)
{
	uint64_t cap, ecap;
	bool has_cap, has_ecap, virtio;
	int ufd, err;

	u->name = pool_strndup(ld->h, name, strlen(name));
	if (!u->name)
		return -ENOMEM;
	u->kind = kind_of(name);
	if (u->kind == IOAS_HOST_IOMMU_UNKNOWN) {
		err = is_virtio_iommu_pci(ld, name, &virtio);
		if (err)
			return err;
		if (virtio)
			u->kind = IOAS_HOST_IOMMU_VIRTIO;
	}
	default_geometry(u->kind, &u->geom);
	if (u->kind != IOAS_HOST_IOMMU_INTEL_VTD)
		return 0;

	/* class/iommu/<unit> is a symlink in real sysfs; a dangling one is
	 * only a unit we know less about. */
	err = open_dir_opt(ld->class_fd, name, &ufd);
	if (err)
		return fail(ld, err, UINT32_MAX, errno_reason(err),
			    "class/iommu/%s", name);
	if (ufd < 0)
		return 0;
	err = read_vtd_reg(ld, ufd, name, "intel-iommu/cap", &cap, &has_cap);
	if (!err)
		err = read_vtd_reg(ld, ufd, name, "intel-iommu/ecap", &ecap,
				   &has_ecap);
	close(ufd);
	if (err)
		return err;
	/* ecap_ir_support(): bit 3. */
	if (has_ecap && !(ecap & (1u << 3)))
		u->flags |= IOAS_HOST_IOMMU_NO_IRQ_REMAP;
	if (!has_cap)
		return 0;
	return vtd_geometry(ld->h, name, cap, &u->geom);
}

static int load_iommus(struct load *ld)
{
	struct ioas_host *h = ld->h;
	const char *reason = NULL;
	struct names n = { 0 };
	size_t i;
	int err;

	if (ld->root_fd < 0)
		return 0;
	err = open_dir_opt(ld->root_fd, "class/iommu", &ld->class_fd);
	if (err)
		return fail(ld, err, UINT32_MAX, errno_reason(err),
			    "class/iommu");
	if (ld->class_fd < 0)
		return 0;
	err = list_dir(ld->class_fd, ".", MAX_IOMMUS, &n, &reason);
	if (err)
		return fail(ld, err, UINT32_MAX,
			    reason ? reason : errno_reason(err), "class/iommu");
	if (!n.nr)
		return 0;
	h->iommus = ioas_calloc_(n.nr, sizeof(*h->iommus));
	if (!h->iommus) {
		names_fini(&n);
		return -ENOMEM;
	}
	for (i = 0; i < n.nr; i++) {
		err = load_iommu(ld, n.v[i], &h->iommus[i]);
		if (err)
			break;
		h->nr_iommus++;
	}
	names_fini(&n);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Devices */

static const char *last_component(const char *s)
{
	const char *p = strrchr(s, '/');

	return p ? p + 1 : s;
}

/*
 * The bound driver: real sysfs has a 'driver' symlink whose last component
 * names it; a copied tree may have a one-line file instead. Anything else
 * (a followed-and-copied folder) leaves it unknown.
 */
static int load_driver(struct load *ld, int dfd, struct ioas_host_device *d)
{
	const char *reason = NULL, *base;
	char link[SMALL_MAX + 1];
	size_t len, n, i;
	ssize_t r;
	char *buf;
	int err;

	r = readlinkat(dfd, "driver", link, sizeof(link) - 1);
	if (r == (ssize_t)sizeof(link) - 1)
		return 0;	/* maybe truncated: leave it unknown */
	if (r > 0) {
		link[r] = '\0';
		base = last_component(link);
		n = strlen(base);
		for (i = 0; i < n; i++)
			if (!is_name_char(base[i]))
				return 0;
		if (!n)
			return 0;
		d->driver = pool_strndup(ld->h, base, n);
		return d->driver ? 0 : -ENOMEM;
	}
	if (r < 0 && errno != EINVAL)
		return errno == ENOMEM ? -ENOMEM : 0;
	err = read_at(dfd, "driver", SMALL_MAX, &buf, &len, &reason);
	if (err == -ENOMEM || err == -EIO)
		return err;
	if (err)
		return 0;
	if (one_line(buf, len, &n)) {
		for (i = 0; i < n && is_name_char(buf[i]); i++)
			;
		if (i == n) {
			d->driver = pool_strndup(ld->h, buf, n);
			if (!d->driver)
				err = -ENOMEM;
		}
	}
	ioas_free_(buf);
	return err;
}

/* One "0x%04x\n"-style value; false if missing or malformed. */
static int read_hex_at(int dfd, const char *name, unsigned int maxdigits,
		       uint64_t *v, bool *ok)
{
	const char *reason = NULL;
	size_t len, n;
	char *buf;
	int err;

	*ok = false;
	err = read_at(dfd, name, SMALL_MAX, &buf, &len, &reason);
	if (err == -ENOMEM || err == -EIO)
		return err;
	if (err)
		return 0;
	*ok = one_line(buf, len, &n) && parse_hex(buf, n, maxdigits, v);
	ioas_free_(buf);
	return 0;
}

/*
 * PCI details from ROOT/bus/pci/devices/<name>. They only decorate the
 * output, so a device that is not there, or whose files are missing,
 * unreadable or odd, simply has fewer details; only -ENOMEM and -EIO
 * propagate.
 */
static int load_device(struct load *ld, const char *name,
		       struct ioas_host_device *d)
{
	uint64_t vendor, device, class_code;
	bool ok1, ok2, ok3;
	int dfd, err;

	d->name = pool_strndup(ld->h, name, strlen(name));
	if (!d->name)
		return -ENOMEM;
	if (ld->pci_fd < 0)
		return 0;
	dfd = openat(ld->pci_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOMEM ? -ENOMEM : 0;
	err = read_hex_at(dfd, "vendor", 4, &vendor, &ok1);
	if (!err)
		err = read_hex_at(dfd, "device", 4, &device, &ok2);
	if (!err)
		err = read_hex_at(dfd, "class", 6, &class_code, &ok3);
	if (!err && ok1 && ok2 && ok3) {
		d->flags |= IOAS_HOST_DEV_PCI;
		d->vendor = (uint16_t)vendor;
		d->device = (uint16_t)device;
		d->class_code = (uint32_t)class_code;
	}
	if (!err)
		err = load_driver(ld, dfd, d);
	close(dfd);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Regions: types and origins */

static bool range_is(const struct ioas_region *r, uint64_t start,
		     uint64_t last)
{
	return r->range.start == start && r->range.last == last;
}

static bool is_arm(uint32_t kind)
{
	return kind == IOAS_HOST_IOMMU_ARM_SMMU ||
	       kind == IOAS_HOST_IOMMU_ARM_SMMUV3;
}

/*
 * Type and origin from what kernel-spec §2 says each driver reports. The
 * only retyping is msi -> sw-msi for the one window Linux's software MSI
 * cookie uses (SMMU and virtio-iommu: MSI_IOVA_BASE, MSI_IOVA_LENGTH).
 */
static void guess_region(struct ioas_region *r, uint32_t kind, bool dt,
			 uint32_t *gflags)
{
	uint32_t o = IOAS_ORIGIN_UNKNOWN;

	switch (r->type) {
	case IOAS_REGION_MSI:
		if (range_is(r, SW_MSI_START, SW_MSI_LAST)) {
			r->type = IOAS_REGION_SW_MSI;
			o = kind == IOAS_HOST_IOMMU_VIRTIO ?
				    IOAS_ORIGIN_VIRTIO_SW_MSI :
				    IOAS_ORIGIN_SMMU_SW_MSI;
			*gflags |= IOAS_HOST_GROUP_SW_MSI_GUESSED;
		} else if (range_is(r, X86_MSI_START, X86_MSI_LAST)) {
			o = IOAS_ORIGIN_X86_MSI;
		} else if (is_arm(kind)) {
			/* The HiSilicon IORT quirk is the only other source
			 * of a bypass MSI region behind an SMMU. */
			o = IOAS_ORIGIN_ITS_MSI;
		} else if (kind == IOAS_HOST_IOMMU_VIRTIO) {
			o = IOAS_ORIGIN_VIRTIO_PROBE;
		}
		break;
	case IOAS_REGION_RESERVED:
		if (range_is(r, AMD_HT_START, AMD_HT_LAST))
			o = IOAS_ORIGIN_AMD_HT;
		else if (kind == IOAS_HOST_IOMMU_AMD_VI)
			o = IOAS_ORIGIN_IVMD;	/* exclusion range */
		else if (kind == IOAS_HOST_IOMMU_VIRTIO)
			o = IOAS_ORIGIN_VIRTIO_PROBE;
		else if (is_arm(kind) && dt)
			o = IOAS_ORIGIN_DT_RESV;
		break;
	case IOAS_REGION_DIRECT:
	case IOAS_REGION_DIRECT_RELAXABLE:
		if (kind == IOAS_HOST_IOMMU_INTEL_VTD) {
			if (r->type == IOAS_REGION_DIRECT_RELAXABLE &&
			    range_is(r, 0, FLOPPY_LAST))
				o = IOAS_ORIGIN_ISA_FLOPPY;
			else
				o = IOAS_ORIGIN_RMRR;
		} else if (kind == IOAS_HOST_IOMMU_AMD_VI) {
			o = IOAS_ORIGIN_IVMD;
		} else if (is_arm(kind)) {
			o = dt ? IOAS_ORIGIN_DT_RESV : IOAS_ORIGIN_IORT_RMR;
		}
		break;
	default:
		break;
	}
	r->origin = o;
}

/* ---------------------------------------------------------------------- */
/* Regions: origins from the firmware tables */

static const char *const acpi_files[IOAS_ACPI_NR_TABLES] = {
	[IOAS_ACPI_DMAR] = "DMAR",
	[IOAS_ACPI_IVRS] = "IVRS",
	[IOAS_ACPI_IORT] = "IORT",
};

static int sorted_cmp(const void *a, const void *b)
{
	const struct acpi_sorted *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Index the entries of table @t that give a region, by start. */
static int acpi_index(struct load *ld, uint32_t t)
{
	const struct ioas_acpi_resv_list *l = &ld->h->acpi[t];
	struct acpi_sorted *v;
	size_t i, n = 0;

	if (!l->nr)
		return 0;
	v = ioas_calloc_(l->nr, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < l->nr; i++) {
		if (l->v[i].flags & IOAS_ACPI_RESV_NO_REGION)
			continue;
		v[n].start = l->v[i].range.start;
		v[n].idx = (uint32_t)i;
		n++;
	}
	qsort(v, n, sizeof(*v), sorted_cmp);
	ld->acpi_sorted[t] = v;
	ld->acpi_nr_sorted[t] = n;
	return 0;
}

/*
 * Read and decode ROOT/firmware/acpi/tables/<SIG>. These files are root's
 * (mode 0400) on a real host, so "not readable" is the common case, not an
 * error: like a missing or malformed table, it leaves the origins guessed
 * and says so in a note. Only -ENOMEM and -EIO (a read that failed, not
 * one that was refused) fail the load, as for every other file.
 */
static int load_acpi_table(struct load *ld, int tfd, uint32_t t)
{
	struct ioas_host *h = ld->h;
	const char *name = acpi_files[t], *reason = NULL;
	struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
	struct ioas_diag d = { 0 };
	size_t len;
	char *buf;
	int err;

	err = read_at(tfd, name, ACPI_MAX, &buf, &len, &reason);
	if (err == -ENOENT || err == -ENOTDIR)
		return 0;
	if (err == -EACCES) {
		h->flags |= IOAS_HOST_ACPI_UNREADABLE;
		return add_note(h,
			"firmware/acpi/tables/%s: not readable (permission denied; the file is root's): region origins are guessed",
			name);
	}
	if (err == -EBADMSG)
		return add_note(h,
			"firmware/acpi/tables/%s: %s: ignored, region origins are guessed",
			name, reason ? reason : "malformed");
	if (err)
		return fail(ld, err, UINT32_MAX, errno_reason(err),
			    "firmware/acpi/tables/%s", name);

	err = ioas_acpi_parse(buf, len, &l, &d);
	ioas_free_(buf);
	if (err == -ENOMEM)
		return err;
	if (err < 0)
		return add_note(h,
			"firmware/acpi/tables/%s: malformed at byte 0x%zx (%s): ignored, region origins are guessed",
			name, d.offset, d.reason ? d.reason : "malformed");
	if (l.table != t) {
		err = add_note(h,
			"firmware/acpi/tables/%s: holds a %s table: ignored, region origins are guessed",
			name, ioas_acpi_table_name(l.table));
		ioas_acpi_resv_list_fini(&l);
		return err;
	}
	h->acpi[t] = l;
	if (l.flags & IOAS_ACPI_BAD_CHECKSUM) {
		err = add_note(h,
			"firmware/acpi/tables/%s: bad checksum (Linux warns and uses the table, and so does ioas)",
			name);
		if (err)
			return err;
	}
	return acpi_index(ld, t);
}

static int load_acpi(struct load *ld)
{
	size_t max = 0;
	uint32_t t;
	int tfd, err = 0;

	err = open_dir_opt(ld->root_fd, "firmware/acpi/tables", &tfd);
	if (err == -EACCES) {
		ld->h->flags |= IOAS_HOST_ACPI_UNREADABLE;
		return add_note(ld->h,
			"firmware/acpi/tables: not readable (permission denied): region origins are guessed");
	}
	if (err == -ENOMEM || err == -EIO)
		return fail(ld, err, UINT32_MAX, errno_reason(err),
			    "firmware/acpi/tables");
	if (err || tfd < 0)
		return 0;
	for (t = IOAS_ACPI_DMAR; t < IOAS_ACPI_NR_TABLES; t++) {
		err = load_acpi_table(ld, tfd, t);
		if (err)
			break;
		if (ld->h->acpi[t].nr > max)
			max = ld->h->acpi[t].nr;
	}
	close(tfd);
	if (err || !max)
		return err;
	ld->cand = ioas_calloc_(max, sizeof(*ld->cand));
	return ld->cand ? 0 : -ENOMEM;
}

/* "SSSS:BB:DD.F" (the segment may be longer, as VMD's 10000). */
static bool parse_pci_name(const char *s, size_t n, uint32_t *seg,
			   uint16_t *rid)
{
	uint64_t sg, bus, dev, fn;
	size_t c1, c2;

	for (c1 = 0; c1 < n && s[c1] != ':'; c1++)
		if (s[c1] == 'x' || s[c1] == 'X')
			return false;	/* no "0x" prefix in a name */
	if (c1 >= n || n - c1 != 8 || s[c1 + 3] != ':' || s[c1 + 6] != '.')
		return false;
	c2 = c1 + 3;
	if (!parse_hex(s, c1, 8, &sg))
		return false;
	if (!parse_hex(s + c1 + 1, 2, 2, &bus) ||
	    !parse_hex(s + c2 + 1, 2, 2, &dev) ||
	    !parse_hex(s + c2 + 4, 1, 1, &fn) || dev > 31 || fn > 7)
		return false;
	*seg = (uint32_t)sg;
	*rid = (uint16_t)(bus << 8 | dev << 3 | fn);
	return true;
}

#define MAX_HOPS 32

/* A PCI function's place in the hierarchy, root bus first. */
struct pci_chain {
	size_t n;
	uint32_t seg;
	uint16_t rid[MAX_HOPS];
};

/*
 * Real sysfs links ROOT/bus/pci/devices/<dev> to the device's folder,
 * whose path names every bridge above it:
 * ../../../devices/pci0000:00/0000:00:1c.0/0000:02:00.0. That is what a
 * DMAR path through bridges needs and the table cannot give. A copied
 * tree with plain folders has no such link: false.
 */
static bool pci_chain(struct load *ld, const char *dev, struct pci_chain *c)
{
	char link[1024];
	const char *p, *end;
	uint32_t seg;
	uint16_t rid;
	ssize_t r;

	if (ld->pci_fd < 0)
		return false;
	r = readlinkat(ld->pci_fd, dev, link, sizeof(link) - 1);
	if (r <= 0 || r == (ssize_t)sizeof(link) - 1)
		return false;
	link[r] = '\0';
	c->n = 0;
	for (p = link; *p; p = *end ? end + 1 : end) {
		size_t n;

		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		/* A (possibly nested, as behind VMD) root bus restarts the
		 * chain. */
		if (n > 3 && !strncmp(p, "pci", 3)) {
			c->n = 0;
			continue;
		}
		if (!parse_pci_name(p, n, &seg, &rid))
			continue;
		if (c->n == MAX_HOPS)
			return false;
		c->seg = seg;
		c->rid[c->n++] = rid;
	}
	return c->n > 0 && !strcmp(last_component(link), dev);
}

enum { M_NO = 0, M_UNKNOWN = 1, M_YES = 2 };

/* Is device @name in scope entry @x? */
static int dev_match(struct load *ld, const char *name,
		     const struct ioas_acpi_dev *x)
{
	struct pci_chain c;
	uint32_t seg;
	uint16_t rid;
	size_t i;

	/* A platform device may be a named component or an ACPI device:
	 * nothing here can tell. */
	if (!parse_pci_name(name, strlen(name), &seg, &rid))
		return M_UNKNOWN;
	if (seg != x->segment)
		return M_NO;
	switch (x->kind) {
	case IOAS_ACPI_DEV_PCI:
		return rid >= x->first && rid <= x->last ? M_YES : M_NO;
	case IOAS_ACPI_DEV_PCI_ALL:
		return M_YES;
	case IOAS_ACPI_DEV_PCI_PATH:
	case IOAS_ACPI_DEV_PCI_BRIDGE:
		if (!x->path_len || !x->path)
			return M_NO;
		if (x->kind == IOAS_ACPI_DEV_PCI_BRIDGE && x->path_len == 1 &&
		    rid == x->first)
			return M_YES;
		if (!pci_chain(ld, name, &c) || c.seg != seg)
			return M_UNKNOWN;
		if (x->kind == IOAS_ACPI_DEV_PCI_BRIDGE && x->path_len == 1) {
			/* dmar_match_pci_path()'s one-hop fallback finds the
			 * bridge wherever it is; below it means in its
			 * subtree. */
			for (i = 0; i + 1 < c.n; i++)
				if (c.rid[i] == x->first)
					return M_YES;
			return M_NO;
		}
		if (c.n < x->path_len ||
		    (x->kind == IOAS_ACPI_DEV_PCI_PATH && c.n != x->path_len) ||
		    c.rid[0] >> 8 != x->first >> 8)
			return M_NO;
		for (i = 0; i < x->path_len; i++)
			if ((c.rid[i] & 0xff) != (x->path[2 * i] << 3 |
						   x->path[2 * i + 1]))
				return M_NO;
		return M_YES;
	default:
		/* IORT stream IDs and named components: a PCI function is
		 * decided by the root complex ranges (IOAS_ACPI_DEV_PCI). */
		return M_NO;
	}
}

static int entry_applies(struct load *ld, const struct host_group *g,
			 const struct ioas_acpi_resv *e)
{
	int best = M_NO;
	size_t i, j;

	if (!e->nr_devs)
		return M_NO;
	if (!g->nr_devices)
		return M_UNKNOWN;
	for (i = 0; i < g->nr_devices; i++) {
		for (j = 0; j < e->nr_devs; j++) {
			int m = dev_match(ld, g->devices[i].name, &e->devs[j]);

			if (m == M_YES)
				return M_YES;
			if (m == M_UNKNOWN)
				best = M_UNKNOWN;
		}
	}
	return best;
}

/* Which IOMMU kinds each table describes (UNKNOWN: no unit was found). */
static bool table_fits(uint32_t t, uint32_t kind)
{
	if (kind == IOAS_HOST_IOMMU_UNKNOWN)
		return true;
	switch (t) {
	case IOAS_ACPI_DMAR:
		return kind == IOAS_HOST_IOMMU_INTEL_VTD;
	case IOAS_ACPI_IVRS:
		return kind == IOAS_HOST_IOMMU_AMD_VI;
	default:
		return is_arm(kind);
	}
}

/*
 * Is region @ri of @g the union of some of table @t's entries, as the
 * kernel's group merge makes it? The candidates are the entries inside the
 * region, of an allowed type, whose scope does not exclude every device of
 * the group; they must cover it without a gap (touching is enough: the
 * merge joins touching regions of one type).
 */
static int confirm_region(struct load *ld, struct host_group *g, size_t ri,
			  uint32_t t)
{
	const struct ioas_acpi_resv_list *l = &ld->h->acpi[t];
	const struct acpi_sorted *v = ld->acpi_sorted[t];
	struct ioas_region *r = &g->regions.v[ri];
	size_t lo = 0, hi = ld->acpi_nr_sorted[t], k, nc = 0;
	uint64_t need = r->range.start;
	bool covered = false, all_yes = true;
	uint32_t *entries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].start < r->range.start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < ld->acpi_nr_sorted[t]; k++) {
		const struct ioas_acpi_resv *e = &l->v[v[k].idx];
		int m;

		if (e->range.start > r->range.last)
			break;
		if (e->range.last > r->range.last ||
		    !(e->types & (1u << r->type)))
			continue;
		m = entry_applies(ld, g, e);
		if (m == M_NO)
			continue;
		if (e->range.start > need)
			break;	/* a gap no later entry can fill */
		ld->cand[nc++] = v[k].idx;
		all_yes &= m == M_YES;
		if (e->range.last >= r->range.last)
			covered = true;
		else if (e->range.last + 1 > need)
			need = e->range.last + 1;
	}
	if (!covered)
		return 0;
	entries = ioas_calloc_(nc, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	memcpy(entries, ld->cand, nc * sizeof(*entries));
	g->origins[ri].table = t;
	g->origins[ri].flags = all_yes ? IOAS_HOST_ORIGIN_DEVICE_MATCHED : 0;
	g->origins[ri].nr_entries = nc;
	g->origins[ri].entries = entries;
	r->origin = l->v[entries[0]].origin;
	return 0;
}

static int confirm_origins(struct load *ld, struct host_group *g,
			   uint32_t kind)
{
	bool any = false;
	size_t i;
	uint32_t t;
	int err;

	for (t = IOAS_ACPI_DMAR; t < IOAS_ACPI_NR_TABLES; t++)
		any |= ld->acpi_nr_sorted[t] && table_fits(t, kind);
	if (!any || !g->regions.nr)
		return 0;
	g->origins = ioas_calloc_(g->regions.nr, sizeof(*g->origins));
	if (!g->origins)
		return -ENOMEM;
	for (i = 0; i < g->regions.nr; i++) {
		for (t = IOAS_ACPI_DMAR; t < IOAS_ACPI_NR_TABLES; t++) {
			if (!ld->acpi_nr_sorted[t] || !table_fits(t, kind))
				continue;
			err = confirm_region(ld, g, i, t);
			if (err)
				return err;
			if (g->origins[i].table)
				break;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Groups */

static int load_type(struct load *ld, int gfd, uint32_t id,
		     struct host_group *g)
{
	const char *reason = NULL;
	size_t len, n, i;
	char *buf;
	int err;

	err = read_at(gfd, "type", SMALL_MAX, &buf, &len, &reason);
	if (err == -ENOENT) {
		g->pub.flags |= IOAS_HOST_GROUP_NO_TYPE_FILE;
		g->pub.type = "";
		return 0;
	}
	if (err)
		return fail(ld, err, id, reason ? reason : errno_reason(err),
			    "%s%s%" PRIu32 "/type", ld->groups_rel,
			    *ld->groups_rel ? "/" : "", id);
	if (!one_line(buf, len, &n))
		goto bad;
	for (i = 0; i < n; i++)
		if (!is_name_char(buf[i]))
			goto bad;
	g->pub.type = pool_strndup(ld->h, buf, n);
	ioas_free_(buf);
	return g->pub.type ? 0 : -ENOMEM;
bad:
	ioas_free_(buf);
	if (ld->diag) {
		ld->diag->diag.line = 1;
		ld->diag->diag.offset = 0;
	}
	return fail(ld, -EBADMSG, id,
		    "not a domain type name (one word expected)",
		    "%s%s%" PRIu32 "/type", ld->groups_rel,
		    *ld->groups_rel ? "/" : "", id);
}

static int load_regions(struct load *ld, int gfd, uint32_t id,
			struct host_group *g)
{
	struct ioas_diag d = { 0 };
	const char *reason = NULL;
	size_t len;
	char *buf;
	int err;

	err = read_at(gfd, "reserved_regions", FILE_MAX, &buf, &len, &reason);
	if (err == -ENOENT) {
		g->pub.flags |= IOAS_HOST_GROUP_NO_REGIONS_FILE;
		return 0;
	}
	if (err)
		return fail(ld, err, id, reason ? reason : errno_reason(err),
			    "%s%s%" PRIu32 "/reserved_regions", ld->groups_rel,
			    *ld->groups_rel ? "/" : "", id);
	err = ioas_region_sysfs_parse(buf, len, &g->regions, &d);
	ioas_free_(buf);
	if (err == -EBADMSG) {
		if (ld->diag)
			ld->diag->diag = d;
		return fail(ld, err, id, d.reason ? d.reason : "malformed line",
			    "%s%s%" PRIu32 "/reserved_regions", ld->groups_rel,
			    *ld->groups_rel ? "/" : "", id);
	}
	return err < 0 ? err : 0;
}

static int load_devices(struct load *ld, int gfd, uint32_t id,
			struct host_group *g)
{
	const char *reason = NULL;
	struct names n = { 0 };
	size_t i;
	int err;

	err = list_dir(gfd, "devices", MAX_DEVICES, &n, &reason);
	if (err == -ENOENT)
		return 0;
	if (err == -ENOTDIR) {
		reason = "not a folder";
		err = -EBADMSG;
	}
	if (err)
		return fail(ld, err, id, reason ? reason : errno_reason(err),
			    "%s%s%" PRIu32 "/devices", ld->groups_rel,
			    *ld->groups_rel ? "/" : "", id);
	if (!n.nr)
		return 0;
	g->devices = ioas_calloc_(n.nr, sizeof(*g->devices));
	if (!g->devices) {
		names_fini(&n);
		return -ENOMEM;
	}
	for (i = 0; i < n.nr; i++) {
		err = load_device(ld, n.v[i], &g->devices[i]);
		if (err)
			break;
		g->nr_devices++;
	}
	names_fini(&n);
	return err;
}

/*
 * The unit a group sits behind: real sysfs links each device both ways
 * (class/iommu/<unit>/devices/<dev> and bus/pci/devices/<dev>/iommu).
 * Without a link, a host with a single unit (or units of one kind) is
 * still unambiguous enough to pick the first, and the group says so.
 */
static int find_iommu(struct load *ld, struct host_group *g)
{
	struct ioas_host *h = ld->h;
	char path[2 * ENTRY_NAME_MAX + 16];
	size_t i, u;

	if (!h->nr_iommus)
		return -1;
	for (i = 0; i < g->nr_devices; i++) {
		const char *dev = g->devices[i].name;
		char link[SMALL_MAX + 1];
		ssize_t r;

		for (u = 0; u < h->nr_iommus; u++) {
			snprintf(path, sizeof(path), "%s/devices/%s",
				 h->iommus[u].name, dev);
			if (exists_at(ld->class_fd, path))
				return (int)u;
		}
		if (ld->pci_fd < 0)
			continue;
		snprintf(path, sizeof(path), "%s/iommu", dev);
		r = readlinkat(ld->pci_fd, path, link, sizeof(link) - 1);
		if (r <= 0 || r == (ssize_t)sizeof(link) - 1)
			continue;
		link[r] = '\0';
		for (u = 0; u < h->nr_iommus; u++)
			if (!strcmp(h->iommus[u].name, last_component(link)))
				return (int)u;
	}
	g->pub.flags |= IOAS_HOST_GROUP_IOMMU_GUESSED;
	return 0;
}

static const char *fmt_errno(int err)
{
	const char *n = ioas_errno_name(err);

	return n ? n : "error";
}

/*
 * What VFIO type1 would report for a container holding this group alone.
 * A failed attach is an answer, not an error: usable stays empty and the
 * note says why. Only -ENOMEM propagates.
 */
static int compute_usable(struct ioas_host *h, struct host_group *g)
{
	struct ioas_space_config cfg = {
		.size = sizeof(cfg),
		.profile = IOAS_PROFILE_TYPE1,
		.flags = IOAS_SPACE_UNSAFE_INTERRUPTS,
	};
	struct ioas_group_config gc = {
		.size = sizeof(gc),
		.id = g->pub.id,
		.nr_regions = (uint32_t)g->regions.nr,
		.aperture = g->pub.geom.aperture,
		.pgsizes = g->pub.geom.pgsizes,
		.regions = g->regions.v,
	};
	const struct ioas_region *direct = NULL;
	struct ioas_why why = { 0 };
	struct ioas_space *s;
	size_t i;
	int err;

	for (i = 0; i < g->regions.nr; i++) {
		if (g->regions.v[i].type == IOAS_REGION_DIRECT) {
			direct = &g->regions.v[i];
			g->pub.flags |= IOAS_HOST_GROUP_NOT_ASSIGNABLE;
			break;
		}
	}
	err = ioas_space_new(&cfg, &s);
	if (err)
		return err;
	err = ioas_space_attach(s, &gc, &why);
	if (!err)
		err = ioas_space_usable(s, &g->usable, NULL);
	ioas_space_free(s);
	if (!err || err == -ENOMEM)
		return err;

	g->pub.usable_err = err;
	if (direct)
		g->pub.usable_note = pool_printf(h,
			"not assignable: direct region 0x%" PRIx64 "-0x%" PRIx64
			" (%s) must stay identity-mapped; Linux 6.12 refuses the group to userspace (VFIO_GROUP_SET_CONTAINER and iommufd bind fail with %s)",
			direct->range.start, direct->range.last,
			ioas_region_origin_name(direct->origin),
			fmt_errno(err));
	else
		g->pub.usable_note = pool_printf(h,
			"VFIO type1 would refuse the group: %s (%s)",
			why.what ? why.what : ioas_strerror(err),
			fmt_errno(err));
	return g->pub.usable_note ? 0 : -ENOMEM;
}

static int load_group(struct load *ld, const char *name, uint32_t id,
		      struct host_group *g)
{
	struct ioas_host *h = ld->h;
	uint32_t kind;
	size_t i;
	int gfd, err;

	g->pub.id = id;
	g->iommu = -1;
	gfd = openat(ld->groups_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (gfd < 0) {
		err = host_errno(errno);
		if (err == -ENOTDIR || err == -ENOENT)
			return fail(ld, -EBADMSG, id,
				    "group entry is not a folder", "%s%s%s",
				    ld->groups_rel,
				    *ld->groups_rel ? "/" : "", name);
		return fail(ld, err, id, errno_reason(err), "%s%s%s",
			    ld->groups_rel, *ld->groups_rel ? "/" : "", name);
	}
	err = load_type(ld, gfd, id, g);
	if (!err)
		err = load_regions(ld, gfd, id, g);
	if (!err)
		err = load_devices(ld, gfd, id, g);
	close(gfd);
	if (err)
		return err;

	g->iommu = find_iommu(ld, g);
	if (g->iommu >= 0) {
		g->pub.geom = h->iommus[g->iommu].geom;
	} else {
		default_geometry(IOAS_HOST_IOMMU_UNKNOWN, &g->pub.geom);
	}
	kind = g->iommu >= 0 ? h->iommus[g->iommu].kind :
			       IOAS_HOST_IOMMU_UNKNOWN;
	for (i = 0; i < g->regions.nr; i++) {
		guess_region(&g->regions.v[i], kind, ld->dt, &g->pub.flags);
		/* virtio-iommu never remaps interrupts, and on x86 (where
		 * the interrupt range shows) nothing else does either. */
		if (kind == IOAS_HOST_IOMMU_VIRTIO &&
		    g->regions.v[i].origin == IOAS_ORIGIN_X86_MSI)
			g->pub.flags |= IOAS_HOST_GROUP_MSI_UNISOLATED;
	}
	if (g->iommu >= 0 &&
	    (h->iommus[g->iommu].flags & IOAS_HOST_IOMMU_NO_IRQ_REMAP))
		g->pub.flags |= IOAS_HOST_GROUP_MSI_UNISOLATED;
	err = confirm_origins(ld, g, kind);
	if (err)
		return err;
	for (i = 0; i < g->regions.nr; i++) {
		if (g->origins && g->origins[i].table)
			g->pub.flags |= IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE;
		else
			g->pub.flags |= IOAS_HOST_GROUP_ORIGINS_GUESSED;
	}
	return compute_usable(h, g);
}

static int group_cmp(const void *a, const void *b)
{
	const struct host_group *x = a, *y = b;

	return x->pub.id < y->pub.id ? -1 : x->pub.id > y->pub.id;
}

static int load_groups(struct load *ld, struct names *n)
{
	struct ioas_host *h = ld->h;
	size_t i, nr = 0;
	uint32_t id;
	int err;

	for (i = 0; i < n->nr; i++)
		if (parse_group_id(n->v[i], &id))
			nr++;
	if (!nr) {
		h->flags |= IOAS_HOST_EMPTY_GROUPS_DIR;
		return 0;
	}
	h->groups = ioas_calloc_(nr, sizeof(*h->groups));
	if (!h->groups)
		return -ENOMEM;
	for (i = 0; i < n->nr; i++) {
		struct host_group *g;

		if (!parse_group_id(n->v[i], &id))
			continue;
		g = &h->groups[h->nr_groups++];
		ioas_region_list_init(&g->regions);
		ioas_range_list_init(&g->usable);
		g->origins = NULL;
		err = load_group(ld, n->v[i], id, g);
		if (err)
			return err;
	}
	/* The listing is sorted by name; groups go by number. */
	qsort(h->groups, h->nr_groups, sizeof(*h->groups), group_cmp);
	return 0;
}

/* Point the public structs at their final arrays. */
static void publish(struct ioas_host *h)
{
	size_t i;

	for (i = 0; i < h->nr_groups; i++) {
		struct host_group *g = &h->groups[i];

		g->pub.devices = g->devices;
		g->pub.nr_devices = g->nr_devices;
		g->pub.regions = g->regions.v;
		g->pub.nr_regions = g->regions.nr;
		g->pub.usable = g->usable.v;
		g->pub.nr_usable = g->usable.nr;
		g->pub.iommu = g->iommu >= 0 ? &h->iommus[g->iommu] : NULL;
	}
}

/* ---------------------------------------------------------------------- */
/* Entry points */

/*
 * Where the groups are: ROOT/kernel/iommu_groups, else ROOT itself if it
 * holds numeric group folders, else nowhere (IOMMU off or absent).
 */
static int find_groups(struct load *ld, struct names *n)
{
	const char *reason = NULL;
	size_t i;
	uint32_t id;
	int err;

	err = open_dir_opt(ld->root_fd, "kernel/iommu_groups", &ld->groups_fd);
	if (err)
		return fail(ld, err, UINT32_MAX, errno_reason(err),
			    "kernel/iommu_groups");
	if (ld->groups_fd >= 0) {
		err = list_dir(ld->groups_fd, ".", MAX_GROUPS, n, &reason);
		if (err)
			return fail(ld, err, UINT32_MAX,
				    reason ? reason : errno_reason(err),
				    "kernel/iommu_groups");
		return 0;
	}

	err = list_dir(ld->root_fd, ".", MAX_GROUPS, n, &reason);
	if (err)
		return fail(ld, err, UINT32_MAX,
			    reason ? reason : errno_reason(err), "%s", "");
	for (i = 0; i < n->nr; i++) {
		if (parse_group_id(n->v[i], &id) &&
		    is_dir_at(ld->root_fd, n->v[i])) {
			ld->h->flags |= IOAS_HOST_BARE_GROUPS_DIR;
			ld->groups_rel = "";
			ld->groups_fd = ld->root_fd;
			ld->root_fd = -1;
			return 0;
		}
	}
	names_fini(n);
	ld->h->flags |= IOAS_HOST_NO_GROUPS_DIR;
	return 0;
}

static int open_root(struct load *ld)
{
	struct stat st;
	int err;

	if (stat(ld->root, &st)) {
		err = host_errno(errno);
		if (err == -ENOTDIR)
			err = -ENOENT;
		return fail(ld, err, UINT32_MAX, errno_reason(err), "%s", "");
	}
	if (!S_ISDIR(st.st_mode))
		return fail(ld, -ENOTDIR, UINT32_MAX, "not a folder", "%s", "");
	ld->root_fd = open(ld->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ld->root_fd < 0) {
		err = host_errno(errno);
		return fail(ld, err, UINT32_MAX, errno_reason(err), "%s", "");
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void load_fini(struct load *ld)
{
	uint32_t t;

	for (t = 0; t < IOAS_ACPI_NR_TABLES; t++) {
		ioas_free_(ld->acpi_sorted[t]);
		ld->acpi_sorted[t] = NULL;
		ld->acpi_nr_sorted[t] = 0;
	}
	ioas_free_(ld->cand);
	ld->cand = NULL;
	close_fd(&ld->pci_fd);
	close_fd(&ld->class_fd);
	close_fd(&ld->groups_fd);
	close_fd(&ld->root_fd);
}

IOAS_EXPORT int ioas_host_load(const char *sysfs_root, struct ioas_host **out,
			       struct ioas_host_diag *diag)
{
	struct load ld = {
		.root = sysfs_root ? sysfs_root : "/sys",
		.groups_rel = "kernel/iommu_groups",
		.root_fd = -1,
		.groups_fd = -1,
		.class_fd = -1,
		.pci_fd = -1,
		.diag = diag,
	};
	struct names n = { 0 };
	int err;

	if (diag) {
		memset(diag, 0, sizeof(*diag));
		diag->group = UINT32_MAX;
	}
	if (!ld.root[0] || strnlen(ld.root, IOAS_HOST_PATH_MAX) >=
				   IOAS_HOST_PATH_MAX) {
		if (diag)
			diag->diag.reason = "sysfs root is empty or too long";
		return -EINVAL;
	}
	ld.h = ioas_calloc_(1, sizeof(*ld.h));
	if (!ld.h)
		return -ENOMEM;

	err = open_root(&ld);
	if (err)
		goto err_free;
	err = find_groups(&ld, &n);
	if (err)
		goto err_free;
	if (ld.root_fd >= 0) {
		ld.dt = is_dir_at(ld.root_fd, "firmware/devicetree");
		err = open_dir_opt(ld.root_fd, "bus/pci/devices", &ld.pci_fd);
		if (err) {
			/* PCI details are optional: only decoration. */
			if (err == -ENOMEM)
				goto err_free;
			ld.pci_fd = -1;
		}
	}
	err = load_iommus(&ld);
	if (err)
		goto err_free;
	if (ld.root_fd >= 0) {
		err = load_acpi(&ld);
		if (err)
			goto err_free;
	}
	if (ld.groups_fd >= 0) {
		err = load_groups(&ld, &n);
		if (err)
			goto err_free;
	}
	names_fini(&n);
	publish(ld.h);
	load_fini(&ld);
	*out = ld.h;
	return 0;

err_free:
	if (err == -ENOMEM && diag && !diag->diag.reason)
		diag->diag.reason = "out of memory";
	names_fini(&n);
	load_fini(&ld);
	ioas_host_free(ld.h);
	return err;
}

IOAS_EXPORT void ioas_host_free(struct ioas_host *h)
{
	size_t i, j;

	if (!h)
		return;
	for (i = 0; i < h->nr_groups; i++) {
		struct host_group *g = &h->groups[i];

		if (g->origins) {
			/* entries are const for callers, owned here */
			for (j = 0; j < g->regions.nr; j++)
				ioas_free_((void *)(uintptr_t)
						   g->origins[j].entries);
			ioas_free_(g->origins);
		}
		ioas_region_list_fini(&g->regions);
		ioas_range_list_fini(&g->usable);
		ioas_free_(g->devices);
	}
	for (i = 0; i < IOAS_ACPI_NR_TABLES; i++)
		ioas_acpi_resv_list_fini(&h->acpi[i]);
	ioas_free_(h->notes);
	ioas_free_(h->groups);
	ioas_free_(h->iommus);
	for (i = 0; i < h->nr_strs; i++)
		ioas_free_(h->strs[i]);
	ioas_free_(h->strs);
	ioas_free_(h);
}

IOAS_EXPORT uint32_t ioas_host_flags(const struct ioas_host *h)
{
	return h->flags;
}

IOAS_EXPORT size_t ioas_host_nr_groups(const struct ioas_host *h)
{
	return h->nr_groups;
}

IOAS_EXPORT const struct ioas_host_group *
ioas_host_group_peek(const struct ioas_host *h, size_t i)
{
	if (i >= h->nr_groups)
		return NULL;
	return &h->groups[i].pub;
}

IOAS_EXPORT const struct ioas_host_group *
ioas_host_group_find(const struct ioas_host *h, uint32_t id)
{
	size_t lo = 0, hi = h->nr_groups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t m = h->groups[mid].pub.id;

		if (m == id)
			return &h->groups[mid].pub;
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

IOAS_EXPORT size_t ioas_host_nr_iommus(const struct ioas_host *h)
{
	return h->nr_iommus;
}

IOAS_EXPORT const struct ioas_host_iommu *
ioas_host_iommu_peek(const struct ioas_host *h, size_t i)
{
	if (i >= h->nr_iommus)
		return NULL;
	return &h->iommus[i];
}

IOAS_EXPORT int ioas_host_region_origin(const struct ioas_host *h,
				       uint32_t group, size_t i,
				       struct ioas_host_origin *out)
{
	const struct ioas_host_group *pub;
	const struct host_group *g;

	if (!h || !out)
		return -EINVAL;
	pub = ioas_host_group_find(h, group);
	if (!pub)
		return -ENOENT;
	/* pub is the first member of the host's own struct host_group. */
	g = (const struct host_group *)(const void *)pub;
	if (i >= g->regions.nr)
		return -EINVAL;
	if (g->origins)
		*out = g->origins[i];
	else
		memset(out, 0, sizeof(*out));
	return 0;
}

IOAS_EXPORT const struct ioas_acpi_resv_list *
ioas_host_acpi(const struct ioas_host *h, uint32_t table)
{
	if (!h || table == IOAS_ACPI_NONE || table >= IOAS_ACPI_NR_TABLES ||
	    !h->acpi[table].table)
		return NULL;
	return &h->acpi[table];
}

IOAS_EXPORT const char *const *ioas_host_notes(const struct ioas_host *h,
					       size_t *nr)
{
	if (nr)
		*nr = h->nr_notes;
	return h->nr_notes ? h->notes : NULL;
}
