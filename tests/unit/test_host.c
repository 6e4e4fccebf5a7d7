// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for the host module, sysfs side (lib/host_sysfs.c).
 *
 * The example hosts in examples/hosts/ are rebuilt from real Linux 6.12
 * captures (the .out files of shared/fixtures/kernel-6.12-x86-results);
 * their usable ranges must equal the captures' VFIO "iova_range" lines for
 * the group that was bound to vfio-pci. Every malformed or hostile tree is
 * built here, in a mkdtemp() folder that is removed afterwards: missing
 * and empty group folders, malformed and oversized files, FIFOs,
 * unreadable files, dangling links, plain-folder copies, several IOMMU
 * units.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <ioas/host.h>
#include <ioas/ioas.h>

#include "host_uapi.h"
#include "ioas_private.h"

#define MSI_LINE "0x00000000fee00000 0x00000000feefffff msi\n"
#define SW_MSI_LINE "0x0000000008000000 0x00000000080fffff msi\n"
#define CAP39 "d2008c22260206\n"

#define POISON ((struct ioas_host *)0x1)

/* Helpers ---------------------------------------------------------------- */

static const char *srcdir(void)
{
	const char *s = getenv("IOAS_SRCDIR");

	return s && *s ? s : ".";
}

static char *example(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/examples/hosts/%s", srcdir(), name) > 0);
	return p;
}

static char *t_tmpdir(void)
{
	char *p = strdup("/tmp/ioas-test-host-XXXXXX");

	assert_non_null(p);
	assert_non_null(mkdtemp(p));
	/* Readable by the unprivileged child of the EACCES tests. */
	assert_int_equal(chmod(p, 0755), 0);
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

/* The EACCES tests restore every mode they change before this runs. */
static void t_rmtree(char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

static void t_mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];
	char *p;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) <
		    sizeof(path));
	for (p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

static void t_parent(const char *root, const char *rel)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		t_mkdirs(root, dir);
	}
}

static void t_write_n(const char *root, const char *rel, const char *data,
		      size_t len)
{
	char path[PATH_MAX];
	int fd;

	t_parent(root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void t_write(const char *root, const char *rel, const char *data)
{
	t_write_n(root, rel, data, strlen(data));
}

static void t_link(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];

	t_parent(root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* A one-group Intel host: group 1 with one device and the x86 MSI range. */
static void t_intel_tree(const char *root)
{
	t_write(root, "kernel/iommu_groups/1/type", "DMA-FQ\n");
	t_write(root, "kernel/iommu_groups/1/reserved_regions", MSI_LINE);
	t_mkdirs(root, "kernel/iommu_groups/1/devices/0000:00:01.0");
	t_write(root, "class/iommu/dmar0/intel-iommu/cap", CAP39);
}

static struct ioas_host *t_load(const char *root)
{
	struct ioas_host_diag d;
	struct ioas_host *h = NULL;
	int rc = ioas_host_load(root, &h, &d);

	if (rc)
		fail_msg("ioas_host_load(%s) = %d (%s: %s)", root, rc, d.path,
			 d.diag.reason ? d.diag.reason : "?");
	assert_non_null(h);
	return h;
}

/* Load that must fail with -@err, leaving the out pointer alone. */
static void t_load_err(int err, const char *root, struct ioas_host_diag *d)
{
	struct ioas_host *h = POISON;

	assert_int_equal(ioas_host_load(root, &h, d), -err);
	assert_ptr_equal(h, POISON);
	assert_non_null(d->diag.reason);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void check_usable(const struct ioas_host_group *g,
			 const struct ioas_range *want, size_t nr)
{
	size_t i;

	assert_int_equal(g->usable_err, 0);
	assert_null(g->usable_note);
	assert_int_equal(g->nr_usable, nr);
	for (i = 0; i < nr; i++) {
		assert_int_equal(g->usable[i].start, want[i].start);
		assert_int_equal(g->usable[i].last, want[i].last);
	}
}

static void check_region(const struct ioas_region *r, uint64_t start,
			 uint64_t last, uint32_t type, uint32_t origin)
{
	assert_int_equal(r->range.start, start);
	assert_int_equal(r->range.last, last);
	assert_int_equal(r->type, type);
	assert_int_equal(r->origin, origin);
}

/* The VFIO iova_range lines of the captures. */
static const struct ioas_range usable_intel39[] = {
	{ 0x0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff },
};
static const struct ioas_range usable_intel48[] = {
	{ 0x0, 0xfedfffff }, { 0xfef00000, 0xffffffffffff },
};
static const struct ioas_range usable_virtio[] = {
	{ 0x0, 0xfedfffff }, { 0xfef00000, 0xffffffffffffffff },
};

/* Example hosts ---------------------------------------------------------- */

static void test_host_intel_example(void **state)
{
	char *root = example("intel");
	struct ioas_host *h = t_load(root);
	const struct ioas_host_group *g;
	const struct ioas_host_iommu *u;
	size_t i;

	(void)state;
	assert_int_equal(ioas_host_flags(h), 0);
	/* deb-intel-tcg.out: six groups, numbered 0..5 */
	assert_int_equal(ioas_host_nr_groups(h), 6);
	for (i = 0; i < 6; i++) {
		g = ioas_host_group_peek(h, i);
		assert_int_equal(g->id, i);
		assert_string_equal(g->type, "DMA-FQ");
		assert_true(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED);
		assert_false(g->flags & IOAS_HOST_GROUP_SW_MSI_GUESSED);
		assert_false(g->flags & IOAS_HOST_GROUP_NOT_ASSIGNABLE);
		assert_false(g->flags & IOAS_HOST_GROUP_IOMMU_GUESSED);
		assert_false(g->flags & IOAS_HOST_GROUP_MSI_UNISOLATED);
		/* Every group gets what type1 gave group 1 in the capture. */
		check_usable(g, usable_intel39, 2);
	}
	assert_null(ioas_host_group_peek(h, 6));

	/* One VT-d unit; cap d2008c22260206: MGAW 39, SAGAW 39, 2M+1G */
	assert_int_equal(ioas_host_nr_iommus(h), 1);
	u = ioas_host_iommu_peek(h, 0);
	assert_string_equal(u->name, "dmar0");
	assert_int_equal(u->kind, IOAS_HOST_IOMMU_INTEL_VTD);
	assert_int_equal(u->flags, 0); /* ecap f00f4a has IR */
	assert_null(ioas_host_iommu_peek(h, 1));

	g = ioas_host_group_peek(h, 1);
	assert_ptr_equal(g->iommu, u);
	assert_int_equal(g->geom.aperture.start, 0);
	assert_int_equal(g->geom.aperture.last, 0x7fffffffff);
	assert_int_equal(g->geom.aperture_how, IOAS_HOST_FROM_HOST);
	assert_non_null(strstr(g->geom.aperture_source, "MGAW 39"));
	/* the capture's iova_pgsizes */
	assert_int_equal(g->geom.pgsizes, 0x40201000);
	assert_int_equal(g->geom.pgsizes_how, IOAS_HOST_FROM_HOST);

	/* devices and their PCI details (the capture's PCI lines) */
	assert_int_equal(g->nr_devices, 1);
	assert_string_equal(g->devices[0].name, "0000:00:01.0");
	assert_true(g->devices[0].flags & IOAS_HOST_DEV_PCI);
	assert_int_equal(g->devices[0].vendor, 0x8086);
	assert_int_equal(g->devices[0].device, 0x10d3);
	assert_int_equal(g->devices[0].class_code, 0x020000);
	assert_string_equal(g->devices[0].driver, "e1000e");
	assert_int_equal(g->nr_regions, 1);
	check_region(&g->regions[0], 0xfee00000, 0xfeefffff, IOAS_REGION_MSI,
		     IOAS_ORIGIN_X86_MSI);

	/* group 5: three devices in name order, no driver, floppy WA */
	g = ioas_host_group_find(h, 5);
	assert_non_null(g);
	assert_int_equal(g->nr_devices, 3);
	assert_string_equal(g->devices[0].name, "0000:00:1f.0");
	assert_string_equal(g->devices[1].name, "0000:00:1f.2");
	assert_string_equal(g->devices[2].name, "0000:00:1f.3");
	assert_null(g->devices[0].driver);
	assert_int_equal(g->devices[0].class_code, 0x060100);
	assert_int_equal(g->nr_regions, 2);
	check_region(&g->regions[0], 0, 0xffffff,
		     IOAS_REGION_DIRECT_RELAXABLE, IOAS_ORIGIN_ISA_FLOPPY);
	check_region(&g->regions[1], 0xfee00000, 0xfeefffff, IOAS_REGION_MSI,
		     IOAS_ORIGIN_X86_MSI);
	assert_null(ioas_host_group_find(h, 6));
	ioas_host_free(h);
	free(root);
}

static void test_host_intel_rmrr_example(void **state)
{
	char *root = example("intel-rmrr");
	struct ioas_host *h = t_load(root);
	const struct ioas_host_group *g;

	(void)state;
	assert_int_equal(ioas_host_nr_groups(h), 6);
	/* Group 1 has a direct RMRR: Linux refuses it (the capture's
	 * GROUP_SET_CONTAINER fails with EINVAL); no crash, a reason. */
	g = ioas_host_group_find(h, 1);
	assert_true(g->flags & IOAS_HOST_GROUP_NOT_ASSIGNABLE);
	check_region(&g->regions[0], 0x50000000, 0x500fffff,
		     IOAS_REGION_DIRECT, IOAS_ORIGIN_RMRR);
	assert_int_equal(g->nr_usable, 0);
	assert_null(g->usable);
	assert_int_equal(g->usable_err, -EINVAL);
	assert_non_null(g->usable_note);
	assert_non_null(strstr(g->usable_note,
			       "direct region 0x50000000-0x500fffff (rmrr)"));
	/* Group 4, the xHCI bound in the capture: its RMRR is relaxable
	 * (a USB device), so type1 ignores it. */
	g = ioas_host_group_find(h, 4);
	assert_false(g->flags & IOAS_HOST_GROUP_NOT_ASSIGNABLE);
	check_region(&g->regions[0], 0x40000000, 0x40ffffff,
		     IOAS_REGION_DIRECT_RELAXABLE, IOAS_ORIGIN_RMRR);
	check_usable(g, usable_intel39, 2);
	assert_string_equal(g->devices[0].name, "0000:00:10.0");
	assert_int_equal(g->devices[0].class_code, 0x0c0330);
	ioas_host_free(h);
	free(root);
}

static void test_host_intel_aw48_example(void **state)
{
	char *root = example("intel-aw48");
	struct ioas_host *h = t_load(root);
	const struct ioas_host_group *g = ioas_host_group_find(h, 1);

	(void)state;
	/* cap d2008c222f0606: MGAW 48, SAGAW 39+48 */
	assert_int_equal(g->geom.aperture.last, 0xffffffffffff);
	assert_int_equal(g->geom.pgsizes, 0x40201000);
	check_usable(g, usable_intel48, 2);
	ioas_host_free(h);
	free(root);
}

static void test_host_virtio_example(void **state)
{
	char *root = example("virtio");
	struct ioas_host *h = t_load(root);
	const struct ioas_host_group *g;

	(void)state;
	assert_int_equal(ioas_host_nr_groups(h), 3);
	assert_int_equal(ioas_host_nr_iommus(h), 1);
	assert_string_equal(ioas_host_iommu_peek(h, 0)->name, "virtio0");
	assert_int_equal(ioas_host_iommu_peek(h, 0)->kind,
			 IOAS_HOST_IOMMU_VIRTIO);
	/* group 2 = the e1000e at 00:02.0, bound in the capture */
	g = ioas_host_group_find(h, 2);
	assert_string_equal(g->devices[0].name, "0000:00:02.0");
	assert_string_equal(g->devices[0].driver, "e1000e");
	check_region(&g->regions[0], 0xfee00000, 0xfeefffff, IOAS_REGION_MSI,
		     IOAS_ORIGIN_X86_MSI);
	assert_int_equal(g->geom.aperture.last, UINT64_MAX);
	assert_int_equal(g->geom.aperture_how, IOAS_HOST_ASSUMED);
	/* the capture's iova_pgsizes */
	assert_int_equal(g->geom.pgsizes, 0xfffffffffffff000);
	assert_int_equal(g->geom.pgsizes_how, IOAS_HOST_ASSUMED);
	check_usable(g, usable_virtio, 2);
	/* the capture's type1 needed allow_unsafe_interrupts=Y */
	assert_true(g->flags & IOAS_HOST_GROUP_MSI_UNISOLATED);
	ioas_host_free(h);
	free(root);
}

static void test_host_arm64_example(void **state)
{
	static const struct ioas_range want[] = {
		{ 0x0, 0x7ffffff }, { 0x8100000, 0xffffffffffff },
	};
	char *root = example("arm64-smmuv3");
	struct ioas_host *h = t_load(root);
	const struct ioas_host_group *g;
	size_t i;

	(void)state;
	assert_int_equal(ioas_host_nr_groups(h), 5);
	assert_int_equal(ioas_host_iommu_peek(h, 0)->kind,
			 IOAS_HOST_IOMMU_ARM_SMMUV3);
	for (i = 0; i < 5; i++) {
		g = ioas_host_group_peek(h, i);
		assert_string_equal(g->type, "DMA");
		assert_int_equal(g->nr_devices, 1);
		/* the one "msi" line is the SMMU's software window */
		assert_int_equal(g->nr_regions, 1);
		check_region(&g->regions[0], 0x8000000, 0x80fffff,
			     IOAS_REGION_SW_MSI, IOAS_ORIGIN_SMMU_SW_MSI);
		assert_true(g->flags & IOAS_HOST_GROUP_SW_MSI_GUESSED);
		assert_int_equal(g->geom.aperture.last, 0xffffffffffff);
		assert_int_equal(g->geom.aperture_how, IOAS_HOST_FROM_DRIVER);
		check_usable(g, want, 2);
	}
	g = ioas_host_group_find(h, 4);
	assert_string_equal(g->devices[0].name, "0000:01:00.0");
	assert_string_equal(g->devices[0].driver, "virtio-pci");
	ioas_host_free(h);
	free(root);
}

/* A bare iommu_groups folder: groups without class/ or bus/ details. */
static void test_host_bare_groups_dir(void **state)
{
	char *ex = example("intel"), *root;
	struct ioas_host *h;
	const struct ioas_host_group *g;

	(void)state;
	assert_true(asprintf(&root, "%s/kernel/iommu_groups", ex) > 0);
	h = t_load(root);
	assert_int_equal(ioas_host_flags(h), IOAS_HOST_BARE_GROUPS_DIR);
	assert_int_equal(ioas_host_nr_groups(h), 6);
	assert_int_equal(ioas_host_nr_iommus(h), 0);
	g = ioas_host_group_find(h, 1);
	assert_null(g->iommu);
	assert_string_equal(g->devices[0].name, "0000:00:01.0");
	assert_false(g->devices[0].flags & IOAS_HOST_DEV_PCI);
	/* unknown kind: 64-bit aperture, assumed */
	assert_int_equal(g->geom.aperture.last, UINT64_MAX);
	assert_int_equal(g->geom.aperture_how, IOAS_HOST_ASSUMED);
	check_usable(g, usable_virtio, 2);
	ioas_host_free(h);
	free(root);
	free(ex);
}

/* No groups -------------------------------------------------------------- */

static void test_host_no_groups_dir(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host *h;

	(void)state;
	/* A sysfs-like tree without kernel/iommu_groups: no IOMMU support. */
	t_mkdirs(root, "kernel");
	t_mkdirs(root, "bus/pci/devices");
	h = t_load(root);
	assert_int_equal(ioas_host_flags(h), IOAS_HOST_NO_GROUPS_DIR);
	assert_int_equal(ioas_host_nr_groups(h), 0);
	assert_null(ioas_host_group_peek(h, 0));
	assert_null(ioas_host_group_find(h, 0));
	ioas_host_free(h);
	t_rmtree(root);
}

static void test_host_empty_groups_dir(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host *h;

	(void)state;
	/* The iommu core always creates the folder; empty = IOMMU off.
	 * Entries that are not group numbers do not count. */
	t_mkdirs(root, "kernel/iommu_groups");
	t_write(root, "kernel/iommu_groups/README", "not a group\n");
	t_mkdirs(root, "kernel/iommu_groups/01");
	t_mkdirs(root, "kernel/iommu_groups/4294967296");
	h = t_load(root);
	assert_int_equal(ioas_host_flags(h), IOAS_HOST_EMPTY_GROUPS_DIR);
	assert_int_equal(ioas_host_nr_groups(h), 0);
	ioas_host_free(h);
	t_rmtree(root);
}

/* The root itself -------------------------------------------------------- */

static void test_host_root_errors(void **state)
{
	char *root = t_tmpdir(), *file, *missing, *longp;
	struct ioas_host_diag d;
	struct ioas_host *h = POISON;

	(void)state;
	assert_true(asprintf(&missing, "%s/nope", root) > 0);
	t_load_err(ENOENT, missing, &d);
	assert_string_equal(d.path, missing);
	assert_int_equal(d.group, UINT32_MAX);

	assert_true(asprintf(&file, "%s/file", root) > 0);
	t_write(root, "file", "x");
	t_load_err(ENOTDIR, file, &d);
	assert_string_equal(d.path, file);

	t_load_err(EINVAL, "", &d);
	longp = malloc(IOAS_HOST_PATH_MAX + 1);
	memset(longp, 'a', IOAS_HOST_PATH_MAX);
	longp[IOAS_HOST_PATH_MAX] = '\0';
	t_load_err(EINVAL, longp, &d);

	/* diag is optional */
	assert_int_equal(ioas_host_load(missing, &h, NULL), -ENOENT);
	assert_ptr_equal(h, POISON);

	/* NULL means /sys, which every Linux test machine has */
	assert_int_equal(ioas_host_load(NULL, &h, &d), 0);
	ioas_host_free(h);
	ioas_host_free(NULL);
	free(longp);
	free(file);
	free(missing);
	t_rmtree(root);
}

/* Malformed contents ----------------------------------------------------- */

static void test_host_malformed_reserved_regions(void **state)
{
	char *root = t_tmpdir(), *slash;
	struct ioas_host_diag d;

	(void)state;
	t_intel_tree(root);
	t_write(root, "kernel/iommu_groups/3/type", "DMA\n");
	/* line 2: start > last */
	t_write(root, "kernel/iommu_groups/3/reserved_regions",
		MSI_LINE "0x0000000000002000 0x0000000000001fff reserved\n");
	t_load_err(EBADMSG, root, &d);
	assert_int_equal(d.group, 3);
	assert_int_equal(d.diag.line, 2);
	/* the offset points into line 2 */
	assert_true(d.diag.offset >= strlen(MSI_LINE));
	assert_true(d.diag.offset < 2 * strlen(MSI_LINE) + 5);
	assert_true(ends_with(d.path,
			      "/kernel/iommu_groups/3/reserved_regions"));
	assert_true(!strncmp(d.path, root, strlen(root)));

	/* unknown type word; a root with a trailing slash gives no "//" */
	t_write(root, "kernel/iommu_groups/3/reserved_regions",
		"0x0000000000000000 0x0000000000000fff bogus\n");
	assert_true(asprintf(&slash, "%s/", root) > 0);
	t_load_err(EBADMSG, slash, &d);
	assert_int_equal(d.diag.line, 1);
	assert_null(strstr(d.path, "//"));
	free(slash);
	t_rmtree(root);
}

static void test_host_malformed_type(void **state)
{
#define S(x) { x, sizeof(x) - 1 }
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
		S("DMA FQ\n"), S(""), S("\n"), S("DMA\nDMA\n"), S("DM\0A\n"),
		S("DMA;rm\n"),
	};
#undef S
	char *root = t_tmpdir();
	struct ioas_host_diag d;
	size_t i;

	(void)state;
	t_intel_tree(root);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_write_n(root, "kernel/iommu_groups/1/type", bad[i].s,
			  bad[i].n);
		t_load_err(EBADMSG, root, &d);
		assert_int_equal(d.group, 1);
		assert_true(ends_with(d.path, "/kernel/iommu_groups/1/type"));
	}
	/* the final newline is optional */
	t_write(root, "kernel/iommu_groups/1/type", "identity");
	ioas_host_free(t_load(root));
	t_rmtree(root);
}

static void test_host_malformed_vtd_cap(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host_diag d;

	(void)state;
	t_intel_tree(root);
	t_write(root, "class/iommu/dmar0/intel-iommu/cap", "not hex\n");
	t_load_err(EBADMSG, root, &d);
	assert_true(ends_with(d.path, "/class/iommu/dmar0/intel-iommu/cap"));
	assert_int_equal(d.group, UINT32_MAX);
	/* 17 digits do not fit a 64-bit register */
	t_write(root, "class/iommu/dmar0/intel-iommu/cap",
		"1d2008c22260206ff\n");
	t_load_err(EBADMSG, root, &d);
	t_write(root, "class/iommu/dmar0/intel-iommu/cap", CAP39);
	t_write(root, "class/iommu/dmar0/intel-iommu/ecap", "f00f4a f\n");
	t_load_err(EBADMSG, root, &d);
	assert_true(ends_with(d.path, "/class/iommu/dmar0/intel-iommu/ecap"));
	t_rmtree(root);
}

/* Files of exactly 64 KiB load; one byte more is refused. */
static void test_host_oversized_files(void **state)
{
	static const char res[] =
		"0x0000000000001000 0x0000000000001fff reserved\n";
	const size_t lmsi = strlen(MSI_LINE), lres = strlen(res);
	char *root = t_tmpdir(), *buf = malloc(65536 + lmsi);
	struct ioas_host_diag d;
	size_t a, b, n = 0;
	struct ioas_host *h;

	(void)state;
	assert_non_null(buf);
	/* 65536 = a * 42 + b * 47 */
	for (b = 0; (65536 - b * lres) % lmsi; b++)
		;
	a = (65536 - b * lres) / lmsi;
	for (; a; a--, n += lmsi)
		memcpy(buf + n, MSI_LINE, lmsi);
	for (; b; b--, n += lres)
		memcpy(buf + n, res, lres);
	assert_int_equal(n, 65536);
	t_intel_tree(root);
	t_write_n(root, "kernel/iommu_groups/1/reserved_regions", buf, n);
	h = t_load(root);
	assert_true(ioas_host_group_peek(h, 0)->nr_regions > 1000);
	ioas_host_free(h);

	memcpy(buf + n, MSI_LINE, lmsi);
	t_write_n(root, "kernel/iommu_groups/1/reserved_regions", buf,
		  n + lmsi);
	t_load_err(EBADMSG, root, &d);
	assert_non_null(strstr(d.diag.reason, "64 KiB"));
	assert_true(ends_with(d.path, "/reserved_regions"));

	/* one-line files have a much smaller bound */
	t_write(root, "kernel/iommu_groups/1/reserved_regions", MSI_LINE);
	memset(buf, 'A', 300);
	t_write_n(root, "kernel/iommu_groups/1/type", buf, 300);
	t_load_err(EBADMSG, root, &d);
	assert_true(ends_with(d.path, "/type"));
	free(buf);
	t_rmtree(root);
}

/* A FIFO would block a naive reader forever; a folder is not a file. */
static void test_host_not_regular_files(void **state)
{
	char *root = t_tmpdir(), path[PATH_MAX];
	struct ioas_host_diag d;

	(void)state;
	t_intel_tree(root);
	snprintf(path, sizeof(path), "%s/%s", root,
		 "kernel/iommu_groups/1/reserved_regions");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	t_load_err(EBADMSG, root, &d);
	assert_string_equal(d.diag.reason, "not a regular file");
	assert_int_equal(d.group, 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	t_load_err(EBADMSG, root, &d);
	assert_string_equal(d.diag.reason, "not a regular file");
	t_rmtree(root);
}

/* A numeric entry that is not a folder is a broken tree. */
static void test_host_group_entry_not_a_folder(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host_diag d;

	(void)state;
	t_intel_tree(root);
	t_write(root, "kernel/iommu_groups/7", "oops\n");
	t_load_err(EBADMSG, root, &d);
	assert_int_equal(d.group, 7);
	assert_true(ends_with(d.path, "/kernel/iommu_groups/7"));
	t_rmtree(root);
	/* ... and so is a devices entry that is a file */
	root = t_tmpdir();
	t_write(root, "kernel/iommu_groups/2/devices", "x");
	t_load_err(EBADMSG, root, &d);
	assert_true(ends_with(d.path, "/kernel/iommu_groups/2/devices"));
	t_rmtree(root);
}

/* Unreadable ------------------------------------------------------------- */

/*
 * Runs ioas_host_load(@root) in a child that is not root (root reads
 * everything), and checks -EACCES with @suffix at the end of the path.
 */
static void t_expect_eacces(const char *root, const char *suffix)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct ioas_host_diag d;
		struct ioas_host *h = POISON;
		int rc;

		if (geteuid() == 0 &&
		    (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(77);
		rc = ioas_host_load(root, &h, &d);
		_exit(rc == -EACCES && h == POISON &&
		      ends_with(d.path, suffix) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_host_unreadable(void **state)
{
	char *root = t_tmpdir(), path[PATH_MAX];
	struct ioas_host_diag d;

	(void)state;
	t_intel_tree(root);
	snprintf(path, sizeof(path), "%s/%s", root,
		 "kernel/iommu_groups/1/reserved_regions");
	assert_int_equal(chmod(path, 0), 0);
	t_expect_eacces(root, "/kernel/iommu_groups/1/reserved_regions");
	assert_int_equal(chmod(path, 0644), 0);

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups", root);
	assert_int_equal(chmod(path, 0), 0);
	t_expect_eacces(root, "/kernel/iommu_groups");
	assert_int_equal(chmod(path, 0755), 0);

	/* A write-only sysfs attribute refuses reads even to root. */
	if (!access("/sys/bus/platform/uevent", F_OK)) {
		snprintf(path, sizeof(path),
			 "%s/kernel/iommu_groups/1/reserved_regions", root);
		assert_int_equal(unlink(path), 0);
		assert_int_equal(symlink("/sys/bus/platform/uevent", path), 0);
		t_load_err(EACCES, root, &d);
		assert_true(ends_with(d.path, "/1/reserved_regions"));
		assert_int_equal(d.group, 1);
	}
	t_rmtree(root);
}

/* Shapes of real and copied trees --------------------------------------- */

static void test_host_dangling_and_plain_devices(void **state)
{
	char *root = t_tmpdir(), longlink[400];
	const struct ioas_host_group *g;
	struct ioas_host *h;
	int i;

	(void)state;
	t_intel_tree(root);
	/* a dangling link, a plain folder, a link that resolves */
	t_link(root, "kernel/iommu_groups/1/devices/0000:00:05.0",
	       "../../../../devices/pci0000:00/0000:00:05.0");
	t_mkdirs(root, "kernel/iommu_groups/1/devices/0000:00:03.0");
	t_link(root, "kernel/iommu_groups/1/devices/0000:00:02.0",
	       "../../../../bus/pci/devices/0000:00:02.0");
	t_write(root, "bus/pci/devices/0000:00:02.0/vendor", "0x1af4\n");
	t_write(root, "bus/pci/devices/0000:00:02.0/device", "0x1041\n");
	t_write(root, "bus/pci/devices/0000:00:02.0/class", "0x020000\n");
	/* a copied tree may have the driver as a one-line file */
	t_write(root, "bus/pci/devices/0000:00:02.0/driver", "vfio-pci\n");
	/* odd PCI files are only decoration: left out, no error */
	t_write(root, "bus/pci/devices/0000:00:03.0/vendor", "0xzzzz\n");
	t_write(root, "bus/pci/devices/0000:00:03.0/device", "0x1041\n");
	t_write(root, "bus/pci/devices/0000:00:03.0/class", "0x020000\n");
	t_link(root, "bus/pci/devices/0000:00:03.0/driver",
	       "../../../../bus/pci/drivers/virtio-pci");
	/* a link target too long to read whole gives no (wrong) name */
	memset(longlink, 0, sizeof(longlink));
	for (i = 0; i < 100; i++)
		strcat(longlink, "../");
	strcat(longlink, "bus/pci/drivers/e1000e-but-truncated");
	t_link(root, "bus/pci/devices/0000:00:01.0/driver", longlink);
	h = t_load(root);
	g = ioas_host_group_find(h, 1);
	assert_null(g->devices[0].driver);
	assert_int_equal(g->nr_devices, 4);
	assert_string_equal(g->devices[0].name, "0000:00:01.0");
	assert_string_equal(g->devices[1].name, "0000:00:02.0");
	assert_string_equal(g->devices[2].name, "0000:00:03.0");
	assert_string_equal(g->devices[3].name, "0000:00:05.0");
	assert_true(g->devices[1].flags & IOAS_HOST_DEV_PCI);
	assert_int_equal(g->devices[1].vendor, 0x1af4);
	assert_string_equal(g->devices[1].driver, "vfio-pci");
	assert_false(g->devices[2].flags & IOAS_HOST_DEV_PCI);
	assert_string_equal(g->devices[2].driver, "virtio-pci");
	assert_false(g->devices[3].flags & IOAS_HOST_DEV_PCI);
	assert_null(g->devices[3].driver);
	ioas_host_free(h);
	t_rmtree(root);
}

static void test_host_missing_group_files(void **state)
{
	char *root = t_tmpdir();
	const struct ioas_host_group *g;
	struct ioas_host *h;

	(void)state;
	t_mkdirs(root, "kernel/iommu_groups/0");
	h = t_load(root);
	g = ioas_host_group_peek(h, 0);
	assert_true(g->flags & IOAS_HOST_GROUP_NO_TYPE_FILE);
	assert_true(g->flags & IOAS_HOST_GROUP_NO_REGIONS_FILE);
	assert_false(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED);
	assert_string_equal(g->type, "");
	assert_int_equal(g->nr_devices, 0);
	assert_int_equal(g->nr_regions, 0);
	/* nothing reserved: the whole (assumed) aperture is usable */
	assert_int_equal(g->nr_usable, 1);
	assert_int_equal(g->usable[0].start, 0);
	assert_int_equal(g->usable[0].last, UINT64_MAX);
	ioas_host_free(h);
	t_rmtree(root);
}

static void test_host_groups_in_numeric_order(void **state)
{
	static const uint32_t want[] = { 1, 2, 10, 4294967295u };
	char *root = t_tmpdir();
	struct ioas_host *h;
	size_t i;

	(void)state;
	t_mkdirs(root, "kernel/iommu_groups/10");
	t_mkdirs(root, "kernel/iommu_groups/2");
	t_mkdirs(root, "kernel/iommu_groups/1");
	t_mkdirs(root, "kernel/iommu_groups/4294967295");
	/* a group folder may itself be a link */
	t_mkdirs(root, "elsewhere/g3");
	t_link(root, "kernel/iommu_groups/3", "../../elsewhere/g3");
	h = t_load(root);
	assert_int_equal(ioas_host_nr_groups(h), 5);
	assert_int_equal(ioas_host_group_peek(h, 2)->id, 3);
	assert_int_equal(ioas_host_group_find(h, 3)->id, 3);
	for (i = 0; i < 4; i++)
		assert_int_equal(ioas_host_group_find(h, want[i])->id, want[i]);
	for (i = 1; i < 5; i++)
		assert_true(ioas_host_group_peek(h, i - 1)->id <
			    ioas_host_group_peek(h, i)->id);
	ioas_host_free(h);
	t_rmtree(root);
}

/* Several units: a group goes with the unit its devices link to. */
static void test_host_group_to_unit(void **state)
{
	char *root = t_tmpdir();
	const struct ioas_host_group *g;
	struct ioas_host *h;

	(void)state;
	t_intel_tree(root);
	t_write(root, "kernel/iommu_groups/2/reserved_regions", MSI_LINE);
	t_mkdirs(root, "kernel/iommu_groups/2/devices/0000:80:00.0");
	t_write(root, "kernel/iommu_groups/3/reserved_regions", MSI_LINE);
	t_mkdirs(root, "kernel/iommu_groups/3/devices/0000:90:00.0");
	t_write(root, "class/iommu/dmar1/intel-iommu/cap", "d2008c222f0606\n");
	/* group 1 via class/iommu/dmar1/devices, group 2 via the device's
	 * iommu link, group 3 has no link at all */
	t_link(root, "class/iommu/dmar1/devices/0000:00:01.0",
	       "../../../../bus/pci/devices/0000:00:01.0");
	t_link(root, "bus/pci/devices/0000:80:00.0/iommu",
	       "../../../devices/virtual/iommu/dmar1");
	h = t_load(root);
	assert_int_equal(ioas_host_nr_iommus(h), 2);
	g = ioas_host_group_find(h, 1);
	assert_string_equal(g->iommu->name, "dmar1");
	assert_int_equal(g->geom.aperture.last, 0xffffffffffff);
	assert_false(g->flags & IOAS_HOST_GROUP_IOMMU_GUESSED);
	g = ioas_host_group_find(h, 2);
	assert_string_equal(g->iommu->name, "dmar1");
	assert_false(g->flags & IOAS_HOST_GROUP_IOMMU_GUESSED);
	g = ioas_host_group_find(h, 3);
	assert_string_equal(g->iommu->name, "dmar0");
	assert_int_equal(g->geom.aperture.last, 0x7fffffffff);
	assert_true(g->flags & IOAS_HOST_GROUP_IOMMU_GUESSED);
	ioas_host_free(h);
	t_rmtree(root);
}

/* Geometry --------------------------------------------------------------- */

static void t_vtd(const char *cap, uint64_t want_last, uint64_t want_pg)
{
	char *root = t_tmpdir();
	const struct ioas_host_group *g;
	struct ioas_host *h;

	t_intel_tree(root);
	t_write(root, "class/iommu/dmar0/intel-iommu/cap", cap);
	h = t_load(root);
	g = ioas_host_group_peek(h, 0);
	assert_int_equal(g->geom.aperture.last, want_last);
	assert_int_equal(g->geom.pgsizes, want_pg);
	ioas_host_free(h);
	t_rmtree(root);
}

/*
 * drivers/iommu/intel/iommu.c: width = min(largest SAGAW level <= 57 bits,
 * MGAW); page sizes from fls(SLLPS): 1 -> 2M, 2 -> 2M|1G, else none.
 */
static void test_host_vtd_geometry(void **state)
{
	(void)state;
	/* MGAW 48 (bits 21:16 = 0x2f), SAGAW 39 only: agaw limits */
	t_vtd("2f0200\n", 0x7fffffffff, 0x1000);
	/* MGAW 39, SAGAW 48 only: MGAW limits */
	t_vtd("260400\n", 0x7fffffffff, 0x1000);
	/* MGAW 57, SAGAW 39|48|57 */
	t_vtd("380e00\n", 0x1ffffffffffffff, 0x1000);
	/* MGAW 64 with SAGAW 64-bit only (bit 4): beyond the 57-bit
	 * default, so no agaw: MGAW used */
	t_vtd("3f1000\n", UINT64_MAX, 0x1000);
	/* SLLPS = 1: 2M; = 3: 2M|1G; = 4 (fls 3): none */
	t_vtd("400260400\n", 0x7fffffffff, 0x201000);
	t_vtd("c00260400\n", 0x7fffffffff, 0x40201000);
	t_vtd("1000260400\n", 0x7fffffffff, 0x1000);
	/* "0x" prefix and upper case are tolerated */
	t_vtd("0xD2008C22260206\n", 0x7fffffffff, 0x40201000);
}

static void test_host_vtd_without_ir(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host *h;

	(void)state;
	t_intel_tree(root);
	t_write(root, "class/iommu/dmar0/intel-iommu/ecap", "f00f42\n");
	h = t_load(root);
	assert_true(ioas_host_iommu_peek(h, 0)->flags &
		    IOAS_HOST_IOMMU_NO_IRQ_REMAP);
	assert_true(ioas_host_group_peek(h, 0)->flags &
		    IOAS_HOST_GROUP_MSI_UNISOLATED);
	/* usable is still shown (computed with unsafe interrupts) */
	check_usable(ioas_host_group_peek(h, 0), usable_intel39, 2);
	ioas_host_free(h);
	t_rmtree(root);
}

/* Type and origin guesses ------------------------------------------------ */

struct guess {
	const char *unit;
	bool dt;
	const char *line;
	uint32_t type;
	uint32_t origin;
};

static const struct guess guesses[] = {
	/* Intel */
	{ "dmar0", false,
	  "0x0000000000000000 0x0000000000ffffff direct-relaxable",
	  IOAS_REGION_DIRECT_RELAXABLE, IOAS_ORIGIN_ISA_FLOPPY },
	{ "dmar0", false, "0x0000000000000000 0x0000000000ffffff direct",
	  IOAS_REGION_DIRECT, IOAS_ORIGIN_RMRR },
	{ "dmar0", false,
	  "0x00000000000e0000 0x00000000000fffff direct-relaxable",
	  IOAS_REGION_DIRECT_RELAXABLE, IOAS_ORIGIN_RMRR },
	{ "dmar0", false, "0x00000000fee00000 0x00000000feefffff msi",
	  IOAS_REGION_MSI, IOAS_ORIGIN_X86_MSI },
	{ "dmar0", false, "0x0000000010000000 0x0000000010000fff reserved",
	  IOAS_REGION_RESERVED, IOAS_ORIGIN_UNKNOWN },
	/* AMD */
	{ "ivhd0", false, "0x000000fd00000000 0x000000ffffffffff reserved",
	  IOAS_REGION_RESERVED, IOAS_ORIGIN_AMD_HT },
	{ "ivhd0", false, "0x0000000010000000 0x0000000010000fff reserved",
	  IOAS_REGION_RESERVED, IOAS_ORIGIN_IVMD },
	{ "ivhd0", false, "0x0000000010000000 0x0000000010000fff direct",
	  IOAS_REGION_DIRECT, IOAS_ORIGIN_IVMD },
	{ "ivhd0", false, "0x00000000fee00000 0x00000000feefffff msi",
	  IOAS_REGION_MSI, IOAS_ORIGIN_X86_MSI },
	/* ARM SMMUv3 with ACPI, and SMMU v2 with DT */
	{ "smmu3.0x0000000009050000", false, SW_MSI_LINE,
	  IOAS_REGION_SW_MSI, IOAS_ORIGIN_SMMU_SW_MSI },
	{ "smmu3.0x0000000009050000", false,
	  "0x0000000080000000 0x00000000800fffff direct",
	  IOAS_REGION_DIRECT, IOAS_ORIGIN_IORT_RMR },
	{ "smmu3.0x0000000009050000", false,
	  "0x00000000c6010000 0x00000000c601ffff msi",
	  IOAS_REGION_MSI, IOAS_ORIGIN_ITS_MSI },
	{ "smmu.0x000000002b400000", true,
	  "0x0000000080000000 0x00000000800fffff direct-relaxable",
	  IOAS_REGION_DIRECT_RELAXABLE, IOAS_ORIGIN_DT_RESV },
	{ "arm-smmu0", true, "0x0000000080000000 0x00000000800fffff reserved",
	  IOAS_REGION_RESERVED, IOAS_ORIGIN_DT_RESV },
	{ "arm-smmu0", false, "0x0000000080000000 0x00000000800fffff reserved",
	  IOAS_REGION_RESERVED, IOAS_ORIGIN_UNKNOWN },
	/* virtio-iommu */
	{ "virtio0", false, SW_MSI_LINE,
	  IOAS_REGION_SW_MSI, IOAS_ORIGIN_VIRTIO_SW_MSI },
	{ "virtio0", false, "0x0000000080000000 0x00000000800fffff reserved",
	  IOAS_REGION_RESERVED, IOAS_ORIGIN_VIRTIO_PROBE },
	{ "virtio0", false, "0x0000000009000000 0x00000000090fffff msi",
	  IOAS_REGION_MSI, IOAS_ORIGIN_VIRTIO_PROBE },
	/* unknown unit: the SW window still looks like one */
	{ "foo0", false, SW_MSI_LINE,
	  IOAS_REGION_SW_MSI, IOAS_ORIGIN_SMMU_SW_MSI },
	{ "foo0", false, "0x0000000080000000 0x00000000800fffff direct",
	  IOAS_REGION_DIRECT, IOAS_ORIGIN_UNKNOWN },
};

static void test_host_type_and_origin_guesses(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		const struct guess *t = &guesses[i];
		char *root = t_tmpdir(), *rel, *line;
		const struct ioas_host_group *g;
		struct ioas_host *h;

		assert_true(asprintf(&line, "%s\n", t->line) > 0);
		if (ends_with(t->line, "\n"))
			line[strlen(line) - 1] = '\0';
		t_write(root, "kernel/iommu_groups/0/reserved_regions", line);
		t_mkdirs(root, "kernel/iommu_groups/0/devices/d0");
		assert_true(asprintf(&rel, "class/iommu/%s/devices/d0",
				     t->unit) > 0);
		t_mkdirs(root, rel);
		if (t->dt)
			t_mkdirs(root, "firmware/devicetree/base");
		h = t_load(root);
		g = ioas_host_group_peek(h, 0);
		assert_int_equal(g->nr_regions, 1);
		if (g->regions[0].type != t->type ||
		    g->regions[0].origin != t->origin)
			fail_msg("case %zu (%s, %s): type %u origin %u", i,
				 t->unit, t->line, g->regions[0].type,
				 g->regions[0].origin);
		assert_true(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED);
		assert_int_equal(!!(g->flags & IOAS_HOST_GROUP_SW_MSI_GUESSED),
				 t->type == IOAS_REGION_SW_MSI);
		ioas_host_free(h);
		free(rel);
		free(line);
		t_rmtree(root);
	}
}

static void test_host_kind_geometry(void **state)
{
	static const struct {
		const char *unit;
		uint32_t kind;
		uint64_t last;
		uint64_t pgsizes;
		uint32_t how;
	} k[] = {
		{ "ivhd0", IOAS_HOST_IOMMU_AMD_VI, UINT64_MAX,
		  0x000fff7ffffff000, IOAS_HOST_FROM_DRIVER },
		{ "smmu3.0x0000000009050000", IOAS_HOST_IOMMU_ARM_SMMUV3,
		  0xffffffffffff, 0x40201000, IOAS_HOST_FROM_DRIVER },
		{ "smmu.0x000000002b400000", IOAS_HOST_IOMMU_ARM_SMMU,
		  0xffffffffffff, 0x40201000, IOAS_HOST_ASSUMED },
		{ "virtio0", IOAS_HOST_IOMMU_VIRTIO, UINT64_MAX,
		  0xfffffffffffff000, IOAS_HOST_ASSUMED },
		/* VT-d without a readable cap: 4-level assumed */
		{ "dmar3", IOAS_HOST_IOMMU_INTEL_VTD, 0xffffffffffff,
		  0x40201000, IOAS_HOST_ASSUMED },
		{ "mystery", IOAS_HOST_IOMMU_UNKNOWN, UINT64_MAX, 0x40201000,
		  IOAS_HOST_ASSUMED },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		char *root = t_tmpdir(), *rel;
		const struct ioas_host_group *g;
		struct ioas_host *h;

		t_mkdirs(root, "kernel/iommu_groups/0/devices/d0");
		assert_true(asprintf(&rel, "class/iommu/%s/devices/d0",
				     k[i].unit) > 0);
		t_mkdirs(root, rel);
		h = t_load(root);
		g = ioas_host_group_peek(h, 0);
		assert_int_equal(g->iommu->kind, k[i].kind);
		assert_int_equal(g->geom.aperture.start, 0);
		assert_int_equal(g->geom.aperture.last, k[i].last);
		assert_int_equal(g->geom.pgsizes, k[i].pgsizes);
		assert_int_equal(g->geom.aperture_how, k[i].how);
		assert_non_null(g->geom.aperture_source);
		assert_non_null(g->geom.pgsizes_source);
		ioas_host_free(h);
		free(rel);
		t_rmtree(root);
	}
}

static void test_host_names(void **state)
{
	(void)state;
	assert_string_equal(
		ioas_host_iommu_kind_name(IOAS_HOST_IOMMU_INTEL_VTD),
		"intel-vtd");
	assert_string_equal(ioas_host_iommu_kind_name(IOAS_HOST_IOMMU_AMD_VI),
			    "amd-vi");
	assert_string_equal(ioas_host_iommu_kind_name(IOAS_HOST_IOMMU_ARM_SMMU),
			    "arm-smmu");
	assert_string_equal(
		ioas_host_iommu_kind_name(IOAS_HOST_IOMMU_ARM_SMMUV3),
		"arm-smmuv3");
	assert_string_equal(ioas_host_iommu_kind_name(IOAS_HOST_IOMMU_VIRTIO),
			    "virtio-iommu");
	assert_string_equal(ioas_host_iommu_kind_name(IOAS_HOST_IOMMU_UNKNOWN),
			    "unknown");
	assert_string_equal(ioas_host_iommu_kind_name(99), "unknown");
	assert_string_equal(
		ioas_host_iommu_kind_describe(IOAS_HOST_IOMMU_INTEL_VTD),
		"Intel VT-d");
	assert_string_equal(ioas_host_iommu_kind_describe(99), "unknown IOMMU");
	assert_string_equal(ioas_host_how_name(IOAS_HOST_ASSUMED), "assumed");
	assert_string_equal(ioas_host_how_name(IOAS_HOST_FROM_DRIVER),
			    "driver rule");
	assert_string_equal(ioas_host_how_name(IOAS_HOST_FROM_HOST),
			    "read from host");
	assert_string_equal(ioas_host_how_name(7), "unknown");
}

/*
 * Loads @root failing at n = 1, 2, ... until a load succeeds: every
 * failure must be -ENOMEM or -EIO with *out untouched, nothing leaked
 * (ASan/valgrind), no consumed failure swallowed, and file reads must be
 * fail points too (some -EIO). Returns the number of points.
 */
static unsigned long sweep_load(const char *root)
{
	bool saw_eio = false;
	unsigned long n;

	for (n = 1;; n++) {
		struct ioas_host_diag d;
		struct ioas_host *h = POISON;
		bool pending;
		int rc;

		ioas_fail_nth_set_(n);
		rc = ioas_host_load(root, &h, &d);
		pending = ioas_fail_nth_pending_();
		ioas_fail_nth_set_(0);
		if (!rc) {
			/* Past the last fail point: done. A consumed
			 * failure that still succeeded was swallowed. */
			if (!pending)
				fail_msg("n=%lu: failure swallowed", n);
			ioas_host_free(h);
			break;
		}
		if (rc != -ENOMEM && rc != -EIO)
			fail_msg("n=%lu: rc %d (%s)", n, rc, d.diag.reason);
		saw_eio |= rc == -EIO;
		assert_ptr_equal(h, POISON);
		assert_true(n < 100000);
	}
	assert_true(saw_eio);
	return n;
}

/* Every allocation and read failure: the right error, nothing leaked
 * (ASan/valgrind), *out untouched. */
static void test_host_fail_nth(void **state)
{
	static const char *const hosts[] = { "intel-rmrr", "arm64-smmuv3" };
	size_t i;

	(void)state;
	if (!ioas_fail_nth_supported_())
		skip();
	for (i = 0; i < 2; i++) {
		char *root = example(hosts[i]);

		assert_true(sweep_load(root) > 10);
		free(root);
	}
}

/*
 * virtio-iommu behind virtio-pci names its unit after its PCI device
 * (QEMU x86: "0000:00:01.0"); the PCI id 1af4:1057 makes it a virtio-iommu:
 * 64-bit aperture, every page size from 4 KiB, MSIs not isolated. Found by
 * the kernel differential suite (tests/kernel/, virtio configurations).
 */
static void test_host_virtio_iommu_pci_unit(void **state)
{
	char *root = t_tmpdir();
	const struct ioas_host_group *g;
	struct ioas_host *h;

	(void)state;
	t_write(root, "kernel/iommu_groups/2/reserved_regions", MSI_LINE);
	t_write(root, "kernel/iommu_groups/2/type", "DMA-FQ\n");
	t_mkdirs(root, "kernel/iommu_groups/2/devices/0000:00:02.0");
	t_write(root, "bus/pci/devices/0000:00:01.0/vendor", "0x1af4\n");
	t_write(root, "bus/pci/devices/0000:00:01.0/device", "0x1057\n");
	t_write(root, "bus/pci/devices/0000:00:01.0/class", "0x00ff00\n");
	t_mkdirs(root, "class/iommu/0000:00:01.0");
	t_link(root, "bus/pci/devices/0000:00:02.0/iommu",
	       "../../../devices/pci0000:00/0000:00:01.0/iommu/0000:00:01.0");
	h = t_load(root);
	g = ioas_host_group_find(h, 2);
	assert_non_null(g->iommu);
	assert_int_equal(g->iommu->kind, IOAS_HOST_IOMMU_VIRTIO);
	assert_int_equal(g->geom.aperture.last, UINT64_MAX);
	assert_int_equal(g->geom.pgsizes, 0xfffffffffffff000ull);
	assert_true(g->flags & IOAS_HOST_GROUP_MSI_UNISOLATED);
	ioas_host_free(h);

	/* Any other PCI device name stays an unknown unit. */
	t_write(root, "bus/pci/devices/0000:00:01.0/device", "0x1041\n");
	h = t_load(root);
	g = ioas_host_group_find(h, 2);
	assert_int_equal(g->iommu->kind, IOAS_HOST_IOMMU_UNKNOWN);
	ioas_host_free(h);
	t_rmtree(root);
}

/* The kernel side (lib/host_vfio.c, lib/host_iommufd.c) ------------------ */

/*
 * What can be checked without a kernel: the uapi layouts against
 * kernel-spec.md sections 4 and 5, argument validation, and every error a
 * host without VFIO or iommufd, or a fake device node, gives. The real
 * ioctls run in the kernel differential suite (tests/kernel/).
 */
#define T_OFF(type, field, off) \
	assert_int_equal(offsetof(struct type, field), (off))

static void test_host_uapi_layouts(void **state)
{
	(void)state;
	/* ioctl numbers: _IO(';', nr) (kernel-spec 4.1, 5.1) */
	assert_int_equal(HU_VFIO_GET_API_VERSION, 0x3b64);
	assert_int_equal(HU_VFIO_CHECK_EXTENSION, 0x3b65);
	assert_int_equal(HU_VFIO_SET_IOMMU, 0x3b66);
	assert_int_equal(HU_VFIO_GROUP_GET_STATUS, 0x3b67);
	assert_int_equal(HU_VFIO_GROUP_SET_CONTAINER, 0x3b68);
	assert_int_equal(HU_VFIO_GROUP_UNSET_CONTAINER, 0x3b69);
	assert_int_equal(HU_VFIO_GROUP_GET_DEVICE_FD, 0x3b6a);
	assert_int_equal(HU_VFIO_DEVICE_GET_IRQ_INFO, 0x3b6d);
	assert_int_equal(HU_VFIO_DEVICE_SET_IRQS, 0x3b6e);
	assert_int_equal(HU_VFIO_IOMMU_GET_INFO, 0x3b70);
	assert_int_equal(HU_VFIO_IOMMU_MAP_DMA, 0x3b71);
	assert_int_equal(HU_VFIO_IOMMU_UNMAP_DMA, 0x3b72);
	assert_int_equal(HU_VFIO_DEVICE_BIND_IOMMUFD, 0x3b76);
	assert_int_equal(HU_VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x3b77);
	assert_int_equal(HU_VFIO_DEVICE_DETACH_IOMMUFD_PT, 0x3b78);
	assert_int_equal(HU_IOMMU_DESTROY, 0x3b80);
	assert_int_equal(HU_IOMMU_IOAS_ALLOC, 0x3b81);
	assert_int_equal(HU_IOMMU_IOAS_ALLOW_IOVAS, 0x3b82);
	assert_int_equal(HU_IOMMU_IOAS_COPY, 0x3b83);
	assert_int_equal(HU_IOMMU_IOAS_IOVA_RANGES, 0x3b84);
	assert_int_equal(HU_IOMMU_IOAS_MAP, 0x3b85);
	assert_int_equal(HU_IOMMU_IOAS_UNMAP, 0x3b86);

	/* VFIO type1 (4.5 - 4.7) */
	T_OFF(hu_vfio_dma_map, flags, 4);
	T_OFF(hu_vfio_dma_map, vaddr, 8);
	T_OFF(hu_vfio_dma_map, iova, 16);
	T_OFF(hu_vfio_dma_map, size, 24);
	assert_int_equal(sizeof(struct hu_vfio_dma_map), 32);
	T_OFF(hu_vfio_dma_unmap, iova, 8);
	T_OFF(hu_vfio_dma_unmap, size, 16);
	assert_int_equal(sizeof(struct hu_vfio_dma_unmap), 24);
	T_OFF(hu_vfio_iommu_info, iova_pgsizes, 8);
	T_OFF(hu_vfio_iommu_info, cap_offset, 16);
	assert_int_equal(sizeof(struct hu_vfio_iommu_info), 24);
	T_OFF(hu_vfio_bind_iommufd, iommufd, 8);
	T_OFF(hu_vfio_bind_iommufd, out_devid, 12);
	T_OFF(hu_vfio_attach_pt, pt_id, 8);
	assert_int_equal(sizeof(struct hu_vfio_detach_pt), 8);
	/* include/uapi/linux/vfio.h: vfio_irq_info, vfio_irq_set */
	T_OFF(hu_vfio_irq_info, index, 8);
	T_OFF(hu_vfio_irq_info, count, 12);
	T_OFF(hu_vfio_irq_set, index, 8);
	T_OFF(hu_vfio_irq_set, start, 12);
	T_OFF(hu_vfio_irq_set, count, 16);
	T_OFF(hu_vfio_irq_set, data, 20);
	assert_int_equal(HU_VFIO_IRQ_SET_DATA_NONE, 1);
	assert_int_equal(HU_VFIO_IRQ_SET_DATA_EVENTFD, 4);
	assert_int_equal(HU_VFIO_IRQ_SET_ACTION_TRIGGER, 0x20);

	/* iommufd (5.1 table) */
	T_OFF(hu_iommu_ioas_alloc, out_ioas_id, 8);
	assert_int_equal(sizeof(struct hu_iommu_ioas_alloc), 12);
	T_OFF(hu_iommu_ioas_allow_iovas, num_iovas, 8);
	T_OFF(hu_iommu_ioas_allow_iovas, allowed_iovas, 16);
	assert_int_equal(sizeof(struct hu_iommu_ioas_allow_iovas), 24);
	T_OFF(hu_iommu_ioas_copy, src_ioas_id, 12);
	T_OFF(hu_iommu_ioas_copy, length, 16);
	T_OFF(hu_iommu_ioas_copy, dst_iova, 24);
	T_OFF(hu_iommu_ioas_copy, src_iova, 32);
	assert_int_equal(sizeof(struct hu_iommu_ioas_copy), 40);
	T_OFF(hu_iommu_ioas_iova_ranges, allowed_iovas, 16);
	T_OFF(hu_iommu_ioas_iova_ranges, out_iova_alignment, 24);
	assert_int_equal(sizeof(struct hu_iommu_ioas_iova_ranges), 32);
	T_OFF(hu_iommu_ioas_map, ioas_id, 8);
	T_OFF(hu_iommu_ioas_map, user_va, 16);
	T_OFF(hu_iommu_ioas_map, length, 24);
	T_OFF(hu_iommu_ioas_map, iova, 32);
	assert_int_equal(sizeof(struct hu_iommu_ioas_map), 40);
	T_OFF(hu_iommu_ioas_unmap, iova, 8);
	T_OFF(hu_iommu_ioas_unmap, length, 16);
	assert_int_equal(sizeof(struct hu_iommu_ioas_unmap), 24);
	assert_int_equal(sizeof(struct hu_iommu_iova_range), 16);
	assert_int_equal(sizeof(struct hu_iommu_destroy), 8);
}

static void test_host_kernel_null_arguments(void **state)
{
	struct ioas_host_dev_state st;
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	uint64_t v = 0;
	uint32_t id = 0;
	char buf[32];

	(void)state;
	assert_int_equal(ioas_host_vfio_open(NULL, NULL), -EINVAL);
	assert_int_equal(ioas_host_vfio_open("", (struct ioas_host_vfio **)buf),
			 -EINVAL);
	assert_int_equal(ioas_host_vfio_attach(NULL, 1), -EINVAL);
	assert_int_equal(ioas_host_vfio_detach(NULL, 1), -EINVAL);
	assert_int_equal(ioas_host_vfio_map(NULL, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(ioas_host_vfio_unmap(NULL, 0, 0, 0, &v), -EINVAL);
	assert_int_equal(ioas_host_vfio_get_info(NULL, buf, sizeof(buf), 24),
			 -EINVAL);
	assert_int_equal(ioas_host_vfio_usable(NULL, &l, &v), -EINVAL);
	ioas_host_vfio_close(NULL);

	assert_int_equal(ioas_host_iommufd_open(NULL, NULL), -EINVAL);
	assert_int_equal(ioas_host_iommufd_ioas_alloc(NULL, &id), -EINVAL);
	assert_int_equal(ioas_host_iommufd_destroy(NULL, 1), -EINVAL);
	assert_int_equal(ioas_host_iommufd_bind(NULL, "vfio0", &id), -EINVAL);
	assert_int_equal(ioas_host_iommufd_unbind(NULL, 1), -EINVAL);
	assert_int_equal(ioas_host_iommufd_attach(NULL, 1, &id), -EINVAL);
	assert_int_equal(ioas_host_iommufd_detach(NULL, 1), -EINVAL);
	assert_int_equal(ioas_host_iommufd_map(NULL, 1, 0, 0, 0, &v), -EINVAL);
	assert_int_equal(ioas_host_iommufd_unmap(NULL, 1, 0, 0, &v), -EINVAL);
	assert_int_equal(ioas_host_iommufd_allow(NULL, 1, NULL, 0), -EINVAL);
	assert_int_equal(ioas_host_iommufd_copy(NULL, 1, 1, 0, 0, 0, &v),
			 -EINVAL);
	assert_int_equal(ioas_host_iommufd_iova_ranges(NULL, 1, &l, &v),
			 -EINVAL);
	ioas_host_iommufd_close(NULL);

	/* Device names that must never reach a path */
	assert_int_equal(ioas_host_dev_state(NULL, NULL, &st), -EINVAL);
	assert_int_equal(ioas_host_dev_state(NULL, "", &st), -EINVAL);
	assert_int_equal(ioas_host_dev_state(NULL, "..", &st), -EINVAL);
	assert_int_equal(ioas_host_dev_state(NULL, ".", &st), -EINVAL);
	assert_int_equal(ioas_host_dev_state(NULL, "a/b", &st), -EINVAL);
	assert_int_equal(ioas_host_dev_state(NULL, "0000:00:01.0", NULL),
			 -EINVAL);
}

/* A /dev without VFIO or iommufd: -ENODEV, nothing returned. */
static void test_host_kernel_no_nodes(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host_vfio *c = (struct ioas_host_vfio *)0x1;
	struct ioas_host_iommufd *f = (struct ioas_host_iommufd *)0x1;

	(void)state;
	assert_int_equal(ioas_host_vfio_open(root, &c), -ENODEV);
	assert_ptr_equal(c, (struct ioas_host_vfio *)0x1);
	assert_int_equal(ioas_host_iommufd_open(root, &f), -ENODEV);
	assert_ptr_equal(f, (struct ioas_host_iommufd *)0x1);
	/* /dev/vfio exists but holds no container */
	t_mkdirs(root, "vfio");
	assert_int_equal(ioas_host_vfio_open(root, &c), -ENODEV);
	t_rmtree(root);
}

/*
 * Regular files standing in for the nodes: they open, and every ioctl is
 * the kernel's -ENOTTY, passed on unchanged; failed binds close the file.
 */
static void test_host_kernel_fake_nodes(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host_vfio *c = NULL;
	struct ioas_host_iommufd *f = NULL;
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	struct ioas_range r = { 0x1000, 0x1fff };
	uint64_t v = 0;
	uint32_t id = 0;

	(void)state;
	t_write(root, "vfio/vfio", "");
	assert_int_equal(ioas_host_vfio_open(root, &c), -ENOTTY);
	assert_null(c);

	t_write(root, "iommu", "");
	assert_int_equal(ioas_host_iommufd_open(root, &f), 0);
	assert_non_null(f);
	assert_int_equal(ioas_host_iommufd_ioas_alloc(f, &id), -ENOTTY);
	assert_int_equal(ioas_host_iommufd_map(f, 1, 6, 0x1000, 0x1000, &v),
			 -ENOTTY);
	assert_int_equal(ioas_host_iommufd_unmap(f, 1, 0, UINT64_MAX, &v),
			 -ENOTTY);
	assert_int_equal(ioas_host_iommufd_allow(f, 1, &r, 1), -ENOTTY);
	assert_int_equal(ioas_host_iommufd_allow(f, 1, NULL, 1), -EINVAL);
	assert_int_equal(ioas_host_iommufd_copy(f, 1, 1, 6, 0, 0x1000, &v),
			 -ENOTTY);
	assert_int_equal(ioas_host_iommufd_iova_ranges(f, 1, &l, &v), -ENOTTY);
	assert_int_equal(l.nr, 0);
	assert_int_equal(ioas_host_iommufd_destroy(f, 1), -ENOTTY);

	/* Binding: bad names, missing node, fake node (closed again) */
	assert_int_equal(ioas_host_iommufd_bind(f, "../iommu", &id), -EINVAL);
	assert_int_equal(ioas_host_iommufd_bind(f, "", &id), -EINVAL);
	assert_int_equal(ioas_host_iommufd_bind(f, "vfio0", NULL), -EINVAL);
	assert_int_equal(ioas_host_iommufd_bind(f, "vfio0", &id), -ENOENT);
	t_write(root, "vfio/devices/vfio0", "");
	assert_int_equal(ioas_host_iommufd_bind(f, "vfio0", &id), -ENOTTY);
	/* Nothing is bound, so per-device calls find nothing */
	assert_int_equal(ioas_host_iommufd_attach(f, 1, &id), -ENOENT);
	assert_int_equal(ioas_host_iommufd_detach(f, 1), -ENOENT);
	assert_int_equal(ioas_host_iommufd_unbind(f, 1), -ENOENT);
	ioas_host_iommufd_close(f);
	t_rmtree(root);
}

/* Where a PCI device stands: group, driver, cdev; missing parts. */
static void test_host_kernel_dev_state(void **state)
{
	char *root = t_tmpdir();
	struct ioas_host_dev_state st;

	(void)state;
	memset(&st, 0x5a, sizeof(st));
	assert_int_equal(ioas_host_dev_state(root, "0000:00:01.0", &st),
			 -ENOENT);
	/* A bare device: no group, no driver, no cdev */
	t_mkdirs(root, "bus/pci/devices/0000:00:01.0");
	assert_int_equal(ioas_host_dev_state(root, "0000:00:01.0", &st), 0);
	assert_int_equal(st.group, UINT32_MAX);
	assert_string_equal(st.driver, "");
	assert_string_equal(st.cdev, "");
	/* Bound to vfio-pci, in group 7, with a cdev */
	t_mkdirs(root, "kernel/iommu_groups/7");
	t_mkdirs(root, "bus/pci/drivers/vfio-pci");
	t_mkdirs(root, "bus/pci/devices/0000:00:01.0/vfio-dev/vfio3");
	t_link(root, "bus/pci/devices/0000:00:01.0/iommu_group",
	       "../../../../kernel/iommu_groups/7");
	t_link(root, "bus/pci/devices/0000:00:01.0/driver",
	       "../../../../bus/pci/drivers/vfio-pci");
	assert_int_equal(ioas_host_dev_state(root, "0000:00:01.0", &st), 0);
	assert_int_equal(st.group, 7);
	assert_string_equal(st.driver, "vfio-pci");
	assert_string_equal(st.cdev, "vfio3");
	/* A group link whose name is not a number is malformed */
	t_mkdirs(root, "bus/pci/devices/0000:00:02.0");
	t_link(root, "bus/pci/devices/0000:00:02.0/iommu_group",
	       "../../../../kernel/iommu_groups/x7");
	assert_int_equal(ioas_host_dev_state(root, "0000:00:02.0", &st),
			 -EBADMSG);
	t_rmtree(root);
}

/* A node that exists but may not be opened: -EACCES (as a non-root child). */
static void test_host_kernel_eacces(void **state)
{
	char *root = t_tmpdir();
	pid_t pid;
	int status;

	(void)state;
	t_write(root, "vfio/vfio", "");
	t_write(root, "iommu", "");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ioas_host_vfio *c = NULL;
		struct ioas_host_iommufd *f = NULL;

		if (geteuid() == 0 &&
		    (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(77);
		_exit(ioas_host_vfio_open(root, &c) == -EACCES &&
		      ioas_host_iommufd_open(root, &f) == -EACCES && !c && !f ?
			      0 :
			      1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	t_rmtree(root);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * MSI doorbells on a real device (lib/host_msi.c): the capability walk on
 * synthetic config spaces, the address read back through a fake sysfs and
 * a regular file standing in for /dev/mem, and the VFIO irq calls on a
 * file that is not a VFIO device.
 */
static void cfg_init(uint8_t *c, size_t n)
{
	memset(c, 0, n);
	c[0] = 0x86; c[1] = 0x80; /* vendor 8086 */
	c[6] = 0x10; /* PCI_STATUS_CAP_LIST */
}

static void cfg_cap(uint8_t *c, unsigned int pos, uint8_t id, uint8_t next)
{
	c[pos] = id;
	c[pos + 1] = next;
}

static void put32(uint8_t *c, size_t off, uint32_t v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
	c[off + 2] = (uint8_t)(v >> 16);
	c[off + 3] = (uint8_t)(v >> 24);
}

static void test_host_pci_msi_parse(void **state)
{
	struct ioas_host_pci_msi m, keep;
	uint8_t c[256];

	(void)state;
	cfg_init(c, sizeof(c));
	assert_int_equal(ioas_host_pci_msi_parse(NULL, 256, &m), -EINVAL);
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, NULL), -EINVAL);
	memset(&m, 0x5a, sizeof(m));
	keep = m;
	assert_int_equal(ioas_host_pci_msi_parse(c, 63, &m), -EBADMSG);
	assert_memory_equal(&m, &keep, sizeof(m));

	/* No capability list at all (status bit clear, pointer ignored) */
	c[6] = 0;
	c[0x34] = 0x40;
	cfg_cap(c, 0x40, 0x05, 0);
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.flags, 0);

	/* PM -> MSI (64-bit) -> MSI-X: e1000e's layout */
	cfg_init(c, sizeof(c));
	c[0x34] = 0xc8;
	cfg_cap(c, 0xc8, 0x01, 0xd0);
	cfg_cap(c, 0xd0, 0x05, 0xe0);
	c[0xd2] = 0x80; /* 64-bit */
	cfg_cap(c, 0xe0, 0x10, 0xa0);
	cfg_cap(c, 0xa0, 0x11, 0x00);
	c[0xa2] = 4; /* 5 entries */
	put32(c, 0xa4, 0x3 | 0x2000); /* BAR 3, offset 0x2000 */
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.flags, IOAS_HOST_PCI_MSI | IOAS_HOST_PCI_MSI64 |
					  IOAS_HOST_PCI_MSIX);
	assert_int_equal(m.msi_pos, 0xd0);
	assert_int_equal(m.msix_pos, 0xa0);
	assert_int_equal(m.msix_bir, 3);
	assert_int_equal(m.msix_offset, 0x2000);
	assert_int_equal(m.msix_entries, 5);
	/* The full 2048-entry table size field */
	c[0xa2] = 0xff;
	c[0xa3] = 0x07;
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.msix_entries, 2048);

	/* Only the header readable (a non-root reader): the pointer is past
	 * the bytes given */
	assert_int_equal(ioas_host_pci_msi_parse(c, 64, &m), -EBADMSG);
	/* A capability cut short by the end of the bytes */
	assert_int_equal(ioas_host_pci_msi_parse(c, 0xa0 + 11, &m), -EBADMSG);
	assert_int_equal(ioas_host_pci_msi_parse(c, 0xd0 + 13, &m), -EBADMSG);
	/* An MSI-X BIR of 6 or 7 does not exist */
	put32(c, 0xa4, 0x6 | 0x2000);
	memset(&m, 0x5a, sizeof(m));
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), -EBADMSG);
	assert_memory_equal(&m, &keep, sizeof(m));
	put32(c, 0xa4, 0x0 | 0x2000);

	/* The low two pointer bits are ignored, as the kernel masks them */
	c[0xc9] = 0xd3;
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.msi_pos, 0xd0);
	/* A pointer into the header ends the list: no MSI-X */
	c[0xe1] = 0x3c;
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.flags, IOAS_HOST_PCI_MSI | IOAS_HOST_PCI_MSI64);
	/* ID 0xff ends it too */
	c[0xe1] = 0xa0;
	c[0xe0] = 0xff;
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.flags & IOAS_HOST_PCI_MSIX, 0);
	/* A loop ends after 48 hops; capabilities before it count */
	c[0xe0] = 0x10;
	c[0xe1] = 0xc8;
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.flags, IOAS_HOST_PCI_MSI | IOAS_HOST_PCI_MSI64);
	/* 32-bit MSI; the first of two MSI capabilities counts */
	cfg_init(c, sizeof(c));
	c[0x34] = 0x40;
	cfg_cap(c, 0x40, 0x05, 0x50);
	cfg_cap(c, 0x50, 0x05, 0x00);
	c[0x52] = 0x80;
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.flags, IOAS_HOST_PCI_MSI);
	assert_int_equal(m.msi_pos, 0x40);
	/* ... whose 10 bytes must be there */
	c[0x41] = 0;
	assert_int_equal(ioas_host_pci_msi_parse(c, 0x4a, &m), 0);
	assert_int_equal(m.flags, IOAS_HOST_PCI_MSI);
	assert_int_equal(ioas_host_pci_msi_parse(c, 0x49, &m), -EBADMSG);
	/* A CardBus bridge keeps its pointer at 0x14 */
	cfg_init(c, sizeof(c));
	c[0x0e] = 0x82; /* multi-function, header type 2 */
	c[0x14] = 0x80;
	c[0x34] = 0x40; /* not a pointer in this header */
	cfg_cap(c, 0x40, 0x05, 0);
	cfg_cap(c, 0x80, 0x11, 0);
	assert_int_equal(ioas_host_pci_msi_parse(c, 256, &m), 0);
	assert_int_equal(m.flags, IOAS_HOST_PCI_MSIX);
	assert_int_equal(m.msix_pos, 0x80);
}

#define BAR3 "0x0000000010040000 0x0000000010043fff 0x0000000000140204\n"
#define NOBAR "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"

/* e1000e-like: MSI (64-bit) at 0xd0, MSI-X in BAR 3 at 0x2000; the
 * resource file; a "mem" file holding the table at 0x10042000. */
static void t_msi_tree(const char *sys, const char *dev, const char *res)
{
	uint8_t c[256];
	char path[512];

	cfg_init(c, sizeof(c));
	c[0x34] = 0xd0;
	cfg_cap(c, 0xd0, 0x05, 0xa0);
	c[0xd2] = 0x80;
	put32(c, 0xd4, 0xfee01000);
	put32(c, 0xd8, 0x1);
	cfg_cap(c, 0xa0, 0x11, 0x00);
	put32(c, 0xa4, 0x3 | 0x2000);
	snprintf(path, sizeof(path), "bus/pci/devices/%s/config", dev);
	t_write_n(sys, path, (const char *)c, sizeof(c));
	snprintf(path, sizeof(path), "bus/pci/devices/%s/resource", dev);
	t_write(sys, path, res);
}

static void t_mem_file(const char *root, uint64_t pa, const uint32_t w[4])
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/mem", root);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, w, 16, (off_t)pa), 16);
	close(fd);
}

static void test_host_msi_address(void **state)
{
	static const char dev[] = "0000:00:02.0";
	const uint32_t entry[4] = { 0x08000040, 0, 0x1, 0 };
	char *sys = t_tmpdir(), *devr = t_tmpdir();
	char res[512];
	uint64_t a = 0;

	(void)state;
	snprintf(res, sizeof(res), "%s%s%s%s%s%s", NOBAR, NOBAR, NOBAR, BAR3,
		 NOBAR, NOBAR);
	t_msi_tree(sys, dev, res);
	t_mem_file(devr, 0x10042000, entry);

	/* MSI from config space; MSI-X entry 0 from "memory" */
	assert_int_equal(ioas_host_msi_address(sys, devr, dev,
					       IOAS_HOST_MSI_INDEX, &a), 0);
	assert_int_equal(a, UINT64_C(0x1fee01000));
	assert_int_equal(ioas_host_msi_address(sys, devr, dev,
					       IOAS_HOST_MSIX_INDEX, &a), 0);
	assert_int_equal(a, 0x08000040);

	/* Arguments */
	assert_int_equal(ioas_host_msi_address(NULL, devr, dev, 2, &a), -EINVAL);
	assert_int_equal(ioas_host_msi_address(sys, NULL, dev, 2, &a), -EINVAL);
	assert_int_equal(ioas_host_msi_address(sys, devr, "../x", 2, &a), -EINVAL);
	assert_int_equal(ioas_host_msi_address(sys, devr, dev, 0, &a), -EINVAL);
	assert_int_equal(ioas_host_msi_address(sys, devr, dev, 3, &a), -EINVAL);
	assert_int_equal(ioas_host_msi_address(sys, devr, dev, 2, NULL), -EINVAL);
	/* No such device; no /dev/mem */
	assert_int_equal(ioas_host_msi_address(sys, devr, "0000:00:09.0", 2, &a),
			 -ENOENT);
	assert_int_equal(ioas_host_msi_address(sys, sys, dev, 2, &a), -ENOENT);

	/* The BAR holding the table is not assigned */
	snprintf(res, sizeof(res), "%s%s%s%s", NOBAR, NOBAR, NOBAR, NOBAR);
	t_msi_tree(sys, dev, res);
	assert_int_equal(ioas_host_msi_address(sys, devr, dev, 2, &a), -ENOENT);
	/* Malformed resource files */
	{
		static const char *const bad[] = {
			"", /* no line 3 */
			NOBAR NOBAR NOBAR "0x10040000 0x10043fff\n",
			NOBAR NOBAR NOBAR "10040000 0x10043fff 0x0\n",
			NOBAR NOBAR NOBAR "0x10040000 0x1004zfff 0x0\n",
			NOBAR NOBAR NOBAR "0x10040000  0x10043fff 0x0\n",
			NOBAR NOBAR NOBAR "0x10040000 0x10043fff 0x0 \n",
			NOBAR NOBAR NOBAR "0x10040000 0x10043fff 0x0", /* no \n */
			NOBAR NOBAR NOBAR
			"0x00000000100400000 0x10043fff 0x0\n", /* 17 digits */
			NOBAR NOBAR NOBAR "0x10043fff 0x10040000 0x0\n",
			/* the table (0x2000 + 16) is not inside a 8 KiB BAR */
			NOBAR NOBAR NOBAR "0x10040000 0x10041fff 0x0\n",
			NOBAR NOBAR NOBAR "0x0 0xffffffffffffffff 0x0\n",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			t_msi_tree(sys, dev, bad[i]);
			a = 7;
			assert_int_equal(ioas_host_msi_address(sys, devr, dev, 2,
							       &a),
					 -EBADMSG);
			assert_int_equal(a, 7);
		}
	}
	/* Only the header readable, as for a reader without CAP_SYS_ADMIN */
	{
		uint8_t c[64];
		char path[512];

		cfg_init(c, sizeof(c));
		c[0x34] = 0xd0;
		snprintf(path, sizeof(path), "bus/pci/devices/%s/config", dev);
		t_write_n(sys, path, (const char *)c, sizeof(c));
		assert_int_equal(ioas_host_msi_address(sys, devr, dev, 1, &a),
				 -EACCES);
		/* A device without MSI and MSI-X */
		c[6] = 0;
		t_write_n(sys, path, (const char *)c, sizeof(c));
		assert_int_equal(ioas_host_msi_address(sys, devr, dev, 1, &a),
				 -ENOENT);
		assert_int_equal(ioas_host_msi_address(sys, devr, dev, 2, &a),
				 -ENOENT);
	}
	t_rmtree(sys);
	t_rmtree(devr);
}

static void test_host_msi_irq_calls(void **state)
{
	struct ioas_host_msi m = { .index = 2, .eventfd = -1 }, keep;
	struct ioas_host_vfio *c = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), dfd = -1;

	(void)state;
	assert_true(fd >= 0);
	keep = m;
	assert_int_equal(ioas_host_msi_enable(-1, &m), -EINVAL);
	assert_int_equal(ioas_host_msi_enable(fd, NULL), -EINVAL);
	/* Not a VFIO device: the kernel's answer, nothing enabled */
	assert_int_equal(ioas_host_msi_enable(fd, &m), -ENOTTY);
	assert_memory_equal(&m, &keep, sizeof(m));
	assert_int_equal(ioas_host_msi_disable(fd, &m), -EINVAL); /* not on */
	assert_int_equal(ioas_host_msi_disable(fd, NULL), -EINVAL);
	m.eventfd = dup(fd);
	m.index = 0;
	assert_int_equal(ioas_host_msi_disable(fd, &m), -EINVAL);
	m.index = IOAS_HOST_MSIX_INDEX;
	assert_int_equal(ioas_host_msi_disable(-1, &m), -EINVAL);
	/* The kernel's refusal keeps the eventfd open */
	assert_int_equal(ioas_host_msi_disable(fd, &m), -ENOTTY);
	assert_true(fcntl(m.eventfd, F_GETFD) >= 0);
	close(m.eventfd);
	close(fd);

	assert_int_equal(ioas_host_vfio_device(NULL, 1, "0000:00:02.0", &dfd),
			 -EINVAL);
	assert_int_equal(ioas_host_vfio_device(c, 1, "0000:00:02.0", NULL),
			 -EINVAL);
	assert_int_equal(ioas_host_iommufd_device(NULL, 1, &dfd), -EINVAL);
	assert_int_equal(dfd, -1);
}

/* ioas_host_space(): several groups in one container, as VFIO has them. */
static void test_host_space(void **state)
{
	char *intel = example("intel"), *rmrr = example("intel-rmrr"),
	     *virtio = example("virtio");
	struct ioas_host *h = t_load(intel), *hr = t_load(rmrr),
			 *hv = t_load(virtio);
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	const uint32_t g15[] = { 1, 5 }, dup[] = { 1, 1 }, nope[] = { 1, 42 },
		       one[] = { 1 }, two[] = { 2 }, four[] = { 4 };
	struct ioas_space *s = NULL;
	struct ioas_why why;

	(void)state;
	/* One group: what the snapshot computed for it */
	assert_int_equal(ioas_host_space(h, IOAS_PROFILE_TYPE1, one, 1, 0, &s,
					 &why), 0);
	assert_int_equal(ioas_space_usable(s, &l, NULL), 0);
	assert_int_equal(l.nr, 2);
	assert_int_equal(l.v[0].last, 0xfedfffff);
	ioas_range_list_fini(&l);
	ioas_space_free(s);
	/* Groups 1 and 5: group 5's floppy range [0, 16 MiB) is
	 * direct-relaxable, which every profile lets the user map over */
	s = NULL;
	assert_int_equal(ioas_host_space(h, IOAS_PROFILE_TYPE1, g15, 2, 0, &s,
					 NULL), 0);
	assert_int_equal(ioas_space_usable(s, &l, NULL), 0);
	assert_int_equal(l.v[0].start, 0);
	ioas_range_list_fini(&l);
	ioas_space_free(s);
	s = NULL;
	assert_int_equal(ioas_host_space(h, IOAS_PROFILE_NATIVE, g15, 2, 0, &s,
					 NULL), 0);
	assert_int_equal(ioas_space_usable(s, &l, NULL), 0);
	assert_int_equal(l.v[0].start, 0);
	assert_int_equal(l.v[0].last, 0xfedfffff);
	ioas_range_list_fini(&l);
	ioas_space_free(s);
	/* No group: an empty space */
	s = NULL;
	assert_int_equal(ioas_host_space(h, IOAS_PROFILE_IOMMUFD, NULL, 0, 0,
					 &s, NULL), 0);
	ioas_space_free(s);

	/* Errors name the group and leave *out alone */
	s = (struct ioas_space *)&why;
	assert_int_equal(ioas_host_space(h, IOAS_PROFILE_TYPE1, nope, 2, 0, &s,
					 &why), -ENOENT);
	assert_int_equal(why.group, 42);
	assert_non_null(why.what);
	assert_ptr_equal(s, &why);
	assert_int_equal(ioas_host_space(h, IOAS_PROFILE_TYPE1, dup, 2, 0, &s,
					 &why), -EINVAL);
	assert_int_equal(why.group, 1);
	assert_int_equal(ioas_host_space(NULL, 1, one, 1, 0, &s, NULL), -EINVAL);
	assert_int_equal(ioas_host_space(h, 1, one, 1, 0, NULL, NULL), -EINVAL);
	assert_int_equal(ioas_host_space(h, 1, NULL, 1, 0, &s, NULL), -EINVAL);
	assert_int_equal(ioas_host_space(h, 77, one, 1, 0, &s, NULL), -EINVAL);
	/* The RMRR group cannot be assigned (the capture's EINVAL) */
	assert_int_equal(ioas_host_space(hr, IOAS_PROFILE_TYPE1, one, 1, 0, &s,
					 &why), -EINVAL);
	assert_int_equal(why.group, 1);
	assert_int_equal(ioas_host_space(hr, IOAS_PROFILE_TYPE1, four, 1, 0,
					 &s, &why), 0);
	ioas_space_free(s);
	/* virtio-iommu remaps no interrupt: EPERM unless allowed */
	assert_int_equal(ioas_host_space(hv, IOAS_PROFILE_TYPE1, two, 1, 0, &s,
					 &why), -EPERM);
	assert_int_equal(why.group, 2);
	assert_int_equal(ioas_host_space(hv, IOAS_PROFILE_TYPE1, two, 1,
					 IOAS_SPACE_UNSAFE_INTERRUPTS, &s, &why),
			 0);
	ioas_space_free(s);
	ioas_host_free(h);
	ioas_host_free(hr);
	ioas_host_free(hv);
	free(intel);
	free(rmrr);
	free(virtio);
}

/* Firmware tables (lib/host_acpi.c) -------------------------------------- */

/*
 * ACPI tables are built here byte by byte (a generator, never hand-edited
 * hex), or read from tests/fixtures/acpi/: the DMAR that the kernel loaded
 * in the capture deb-intel-rmrr-tcg.out (QEMU q35's DMAR plus two RMRRs,
 * tests/kernel/mkdmar.py) and QEMU 7.2's virt IORT.
 */
struct t_tab {
	uint8_t b[8192];
	size_t n;
};

static void tt_bytes(struct t_tab *t, const void *p, size_t n)
{
	assert_true(n <= sizeof(t->b) - t->n);
	if (n)
		memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void tt_put(struct t_tab *t, size_t off, uint64_t v, size_t n)
{
	size_t i;

	assert_true(off + n <= sizeof(t->b));
	for (i = 0; i < n; i++)
		t->b[off + i] = (uint8_t)(v >> (8 * i));
}

static void tt_le(struct t_tab *t, uint64_t v, size_t n)
{
	assert_true(n <= sizeof(t->b) - t->n);
	tt_put(t, t->n, v, n);
	t->n += n;
}

#define tt_u8(t, v) tt_le(t, v, 1)
#define tt_u16(t, v) tt_le(t, v, 2)
#define tt_u32(t, v) tt_le(t, v, 4)
#define tt_u64(t, v) tt_le(t, v, 8)

static void tt_header(struct t_tab *t, const char *sig, uint8_t rev)
{
	t->n = 0;
	tt_bytes(t, sig, 4);
	tt_u32(t, 0);		/* length, by tt_finish() */
	tt_u8(t, rev);
	tt_u8(t, 0);		/* checksum, by tt_finish() */
	tt_bytes(t, "IOAS  ", 6);
	tt_bytes(t, "IOASTEST", 8);
	tt_u32(t, 1);
	tt_bytes(t, "IOAS", 4);
	tt_u32(t, 1);
}

/* Length field and checksum. */
static void tt_finish(struct t_tab *t)
{
	uint8_t sum = 0;
	size_t i;

	tt_put(t, 4, t->n, 4);
	t->b[9] = 0;
	for (i = 0; i < t->n; i++)
		sum = (uint8_t)(sum + t->b[i]);
	t->b[9] = (uint8_t)(0x100 - sum);
}

static void tt_read(struct t_tab *t, const char *rel)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", srcdir(), rel) > 0);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	t->n = fread(t->b, 1, sizeof(t->b), f);
	assert_true(t->n > 0 && t->n < sizeof(t->b));
	fclose(f);
	free(path);
}

#define DMAR_FIXTURE "tests/fixtures/acpi/q35-intel-iommu-rmrr-DMAR.dat"
#define IORT_FIXTURE "tests/fixtures/acpi/qemu72-virt-smmuv3-IORT.dat"

static void tt_dmar(struct t_tab *t)
{
	tt_header(t, "DMAR", 1);
	tt_u8(t, 38);		/* host address width - 1 */
	tt_u8(t, 1);		/* INTR_REMAP */
	tt_bytes(t, "\0\0\0\0\0\0\0\0\0\0", 10);
	/* DRHD, INCLUDE_PCI_ALL, no scope: walked, gives nothing */
	tt_u16(t, 0);
	tt_u16(t, 16);
	tt_u8(t, 1);
	tt_u8(t, 0);
	tt_u16(t, 0);
	tt_u64(t, 0xfed90000);
}

static void tt_rmrr(struct t_tab *t, uint16_t seg, uint64_t base,
		    uint64_t limit, const uint8_t *scope, size_t slen)
{
	tt_u16(t, 1);
	tt_u16(t, 24 + slen);
	tt_u16(t, 0);
	tt_u16(t, seg);
	tt_u64(t, base);
	tt_u64(t, limit);
	tt_bytes(t, scope, slen);
}

/* PCI endpoint BB:DD.F, one hop. */
#define SCOPE_EP(bus, dev, fn) 1, 8, 0, 0, 0, bus, dev, fn

static void tt_ivrs(struct t_tab *t)
{
	tt_header(t, "IVRS", 2);
	tt_u32(t, 0x00203041);	/* IVinfo */
	tt_u64(t, 0);
	/* IVHD type 0x10 with one 4-byte "all devices" entry: skipped */
	tt_u8(t, 0x10);
	tt_u8(t, 0xb0);
	tt_u16(t, 28);
	tt_u16(t, 0x0002);
	tt_u16(t, 0x40);
	tt_u64(t, 0xfeb80000);
	tt_u16(t, 0);
	tt_u16(t, 0);
	tt_u32(t, 0);
	tt_u32(t, 0x00000001);
}

static void tt_ivmd(struct t_tab *t, uint8_t type, uint8_t flags,
		    uint16_t devid, uint16_t aux, uint64_t start, uint64_t len)
{
	tt_u8(t, type);
	tt_u8(t, flags);
	tt_u16(t, 32);
	tt_u16(t, devid);
	tt_u16(t, aux);
	tt_u16(t, 0);		/* PCI segment */
	tt_bytes(t, "\0\0\0\0\0\0", 6);
	tt_u64(t, start);
	tt_u64(t, len);
}

#define IORT_SMMU 0x48		/* the SMMUv3 node of QEMU's IORT */
#define IORT_NODES 36		/* node_count field */
#define IORT_NC_AT 0xec		/* tt_iort_rmr()'s named component */
#define IORT_RMR_AT (0xec + 60)	/* and its RMR node */

/*
 * QEMU's IORT (ITS group, SMMUv3 at 0x48, root complex mapping requester
 * IDs 0-0x200 to stream IDs 0-0x200 on it), revision @rev, plus a named
 * component "\_SB_.ETH0" whose IDs 0-3 are stream IDs 0x10-0x13, plus an
 * RMR node with "remap permitted" whose one ID mapping gives stream IDs
 * 8-0x11, and two descriptors: [0x80000000, 1 MiB] and the unaligned
 * [0x80001000, 0x1800 bytes].
 */
static void tt_iort_rmr(struct t_tab *t, uint8_t rev)
{
	static const char name[] = "\\_SB_.ETH0";
	size_t nc = 0, name_len = sizeof(name), pad;

	tt_read(t, IORT_FIXTURE);
	t->b[8] = rev;
	/* named component */
	nc = t->n;
	pad = (16 + 13 + name_len + 3) / 4 * 4;
	tt_u8(t, 1);
	tt_u16(t, pad + 20);
	tt_u8(t, 4);
	tt_u32(t, 3);
	tt_u32(t, 1);
	tt_u32(t, pad);
	tt_u32(t, 0);
	tt_u64(t, 0);
	tt_u8(t, 48);
	tt_bytes(t, name, name_len);
	while (t->n - nc < pad)
		tt_u8(t, 0);
	tt_u32(t, 0);		/* input base */
	tt_u32(t, 3);		/* id count - 1 */
	tt_u32(t, 0x10);	/* output base */
	tt_u32(t, IORT_SMMU);
	tt_u32(t, 0);
	/* RMR */
	tt_u8(t, 6);
	tt_u16(t, 28 + 20 + 2 * 20);
	tt_u8(t, 3);
	tt_u32(t, 4);
	tt_u32(t, 1);		/* mapping count */
	tt_u32(t, 28);		/* mapping offset */
	tt_u32(t, 1 | 5 << 2);	/* remap permitted, normal IWB-OWB */
	tt_u32(t, 2);		/* descriptors */
	tt_u32(t, 48);
	tt_u32(t, 0);
	tt_u32(t, 9);		/* stream IDs 8..0x11 */
	tt_u32(t, 8);
	tt_u32(t, IORT_SMMU);
	tt_u32(t, 0);
	tt_u64(t, 0x80000000);
	tt_u64(t, 0x100000);
	tt_u32(t, 0);
	tt_u64(t, 0x80001000);
	tt_u64(t, 0x1800);
	tt_u32(t, 0);
	tt_put(t, IORT_NODES, 5, 4);
	tt_finish(t);
}

/* Parse that must fail with -EBADMSG at @off, leaving @l alone. */
static void t_acpi_bad(const struct t_tab *t, size_t off, const char *why)
{
	struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
	struct ioas_diag d;

	l.nr = 7;		/* a poison the failure must not touch */
	assert_int_equal(ioas_acpi_parse(t->b, t->n, &l, &d), -EBADMSG);
	assert_int_equal(l.nr, 7);
	assert_null(l.v);
	assert_non_null(d.reason);
	if (why && !strstr(d.reason, why))
		fail_msg("reason \"%s\", expected \"%s\"", d.reason, why);
	if (off != SIZE_MAX && d.offset != off)
		fail_msg("offset %zu, expected %zu (%s)", d.offset, off,
			 d.reason);
}

static void t_acpi_ok(const struct t_tab *t, struct ioas_acpi_resv_list *l,
		      size_t nr)
{
	struct ioas_diag d;
	int rc = ioas_acpi_parse(t->b, t->n, l, &d);

	if (rc < 0)
		fail_msg("parse: %d at %zu (%s)", rc, d.offset, d.reason);
	assert_int_equal(rc, nr);
	assert_int_equal(l->nr, nr);
}

static void check_resv(const struct ioas_acpi_resv *e, uint64_t start,
		       uint64_t last, uint32_t origin, uint32_t flags)
{
	if (!(e->flags & IOAS_ACPI_RESV_NO_REGION)) {
		assert_int_equal(e->range.start, start);
		assert_int_equal(e->range.last, last);
	}
	assert_int_equal(e->origin, origin);
	assert_int_equal(e->flags, flags);
}

static void check_dev(const struct ioas_acpi_dev *x, uint32_t kind,
		      uint32_t first, uint32_t last)
{
	assert_int_equal(x->kind, kind);
	assert_int_equal(x->first, first);
	assert_int_equal(x->last, last);
}

/* The real DMAR of the RMRR capture: two RMRRs, one endpoint each. */
static void test_acpi_dmar_fixture(void **state)
{
	struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
	struct t_tab t;

	(void)state;
	tt_read(&t, DMAR_FIXTURE);
	t_acpi_ok(&t, &l, 2);
	assert_int_equal(l.table, IOAS_ACPI_DMAR);
	assert_int_equal(l.flags, 0);
	assert_int_equal(l.revision, 1);
	/* dmesg: "RMRR base: 0x00000040000000 end: 0x00000040ffffff" */
	check_resv(&l.v[0], 0x40000000, 0x40ffffff, IOAS_ORIGIN_RMRR, 0);
	assert_int_equal(l.v[0].types,
			 1u << IOAS_REGION_DIRECT |
				 1u << IOAS_REGION_DIRECT_RELAXABLE);
	assert_int_equal(l.v[0].prot, IOAS_PROT_READ | IOAS_PROT_WRITE);
	assert_int_equal(l.v[0].offset, 0x88);
	assert_null(l.v[0].note);
	assert_int_equal(l.v[0].nr_devs, 1);
	/* the xHCI, 00:10.0 */
	check_dev(&l.v[0].devs[0], IOAS_ACPI_DEV_PCI, 0x80, 0x80);
	assert_int_equal(l.v[0].devs[0].path_len, 1);
	assert_int_equal(l.v[0].devs[0].path[0], 0x10);
	assert_int_equal(l.v[0].devs[0].path[1], 0);
	/* the e1000e, 00:01.0 */
	check_resv(&l.v[1], 0x50000000, 0x500fffff, IOAS_ORIGIN_RMRR, 0);
	check_dev(&l.v[1].devs[0], IOAS_ACPI_DEV_PCI, 0x08, 0x08);
	ioas_acpi_resv_list_fini(&l);
	assert_null(l.v);
	ioas_acpi_resv_list_fini(NULL);
}

/* Scope kinds, and the RMRRs Linux warns about. */
static void test_acpi_dmar_scopes(void **state)
{
	static const uint8_t ep_bridge[] = {
		SCOPE_EP(0, 0x1f, 0),
		2, 8, 0, 0, 0, 0, 0x1c, 0,		/* bridge 00:1c.0 */
		1, 10, 0, 0, 0, 0, 0x1c, 1, 0, 0,	/* 00:1c.1 -> 00.0 */
		3, 8, 0, 0, 2, 0xf0, 0x1f, 0,		/* IOAPIC: left out */
		5, 8, 0, 0, 1, 0, 0x15, 0,		/* namespace: out */
		1, 6, 0, 0, 0, 0,			/* empty path */
		1, 8, 0, 0, 0, 0, 32, 0,		/* slot 32: no device */
	};
	static const uint8_t ep[] = { SCOPE_EP(0, 0x14, 0) };
	struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
	struct t_tab t;

	(void)state;
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0xe8000, 0xeffff, ep_bridge, sizeof(ep_bridge));
	/* not 4 KiB aligned: used as it is, with a warning */
	tt_rmrr(&t, 1, 0x3e2e0800, 0x3e2fffff, ep, sizeof(ep));
	/* limit below base: no region */
	tt_rmrr(&t, 0, 0x50000000, 0x4fffffff, ep, sizeof(ep));
	/* no device */
	tt_rmrr(&t, 0, 0x60000000, 0x600fffff, NULL, 0);
	tt_finish(&t);
	t_acpi_ok(&t, &l, 4);

	check_resv(&l.v[0], 0xe8000, 0xeffff, IOAS_ORIGIN_RMRR, 0);
	assert_int_equal(l.v[0].nr_devs, 3);
	check_dev(&l.v[0].devs[0], IOAS_ACPI_DEV_PCI, 0xf8, 0xf8);
	check_dev(&l.v[0].devs[1], IOAS_ACPI_DEV_PCI_BRIDGE, 0xe0, 0xe0);
	assert_int_equal(l.v[0].devs[1].path_len, 1);
	/* a path through a bridge: the first hop only */
	check_dev(&l.v[0].devs[2], IOAS_ACPI_DEV_PCI_PATH, 0xe1, 0xe1);
	assert_int_equal(l.v[0].devs[2].path_len, 2);
	assert_memory_equal(l.v[0].devs[2].path, "\x1c\x01\x00\x00", 4);

	check_resv(&l.v[1], 0x3e2e0800, 0x3e2fffff, IOAS_ORIGIN_RMRR,
		   IOAS_ACPI_RESV_FW_BUG);
	assert_int_equal(l.v[1].segment, 1);
	assert_int_equal(l.v[1].devs[0].segment, 1);
	assert_non_null(l.v[1].note);
	check_resv(&l.v[2], 0, 0, IOAS_ORIGIN_RMRR,
		   IOAS_ACPI_RESV_NO_REGION | IOAS_ACPI_RESV_FW_BUG);
	assert_int_equal(l.v[2].table_start, 0x50000000);
	assert_int_equal(l.v[2].table_last, 0x4fffffff);
	check_resv(&l.v[3], 0x60000000, 0x600fffff, IOAS_ORIGIN_RMRR, 0);
	assert_int_equal(l.v[3].nr_devs, 0);
	assert_null(l.v[3].devs);
	assert_non_null(strstr(l.v[3].note, "no device"));
	ioas_acpi_resv_list_fini(&l);

	/* Linux refuses a DMAR with a host address width below 12 bits. */
	tt_dmar(&t);
	t.b[36] = 10;
	tt_finish(&t);
	t_acpi_bad(&t, 36, "host address width");
}

/* IVMD of each type, Linux's page rounding, and what 6.12 ignores. */
static void test_acpi_ivrs_ivmd(void **state)
{
	struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
	struct t_tab t;

	(void)state;
	tt_ivrs(&t);
	/* all devices, unity map, read+write */
	tt_ivmd(&t, 0x20, 0x07, 0, 0, 0x10000000, 0x100000);
	/* one device (01:00.0), exclusion range */
	tt_ivmd(&t, 0x21, 0x08, 0x0100, 0, 0x20000000, 0x2000);
	/* a range (00:08.0-00:0f.7), unity, read only, unaligned */
	tt_ivmd(&t, 0x22, 0x03, 0x0040, 0x007f, 0x30000800, 0x1000);
	/* neither unity nor exclusion: Linux ignores it */
	tt_ivmd(&t, 0x21, 0x06, 0x0100, 0, 0x40000000, 0x1000);
	/* zero length: no region */
	tt_ivmd(&t, 0x21, 0x01, 0x0100, 0, 0x50000000, 0);
	/* a range that ends below its start */
	tt_ivmd(&t, 0x22, 0x01, 0x0080, 0x0040, 0x60000000, 0x1000);
	tt_finish(&t);
	t_acpi_ok(&t, &l, 6);
	assert_int_equal(l.table, IOAS_ACPI_IVRS);

	check_resv(&l.v[0], 0x10000000, 0x100fffff, IOAS_ORIGIN_IVMD, 0);
	assert_int_equal(l.v[0].types, 1u << IOAS_REGION_DIRECT);
	assert_int_equal(l.v[0].prot, IOAS_PROT_READ | IOAS_PROT_WRITE);
	assert_int_equal(l.v[0].table_flags, 0x07);
	assert_int_equal(l.v[0].offset, 48 + 28);
	check_dev(&l.v[0].devs[0], IOAS_ACPI_DEV_PCI_ALL, 0, 0xffff);

	/* 6.12 reports an exclusion range as direct, read+write */
	check_resv(&l.v[1], 0x20000000, 0x20001fff, IOAS_ORIGIN_IVMD, 0);
	assert_int_equal(l.v[1].types, 1u << IOAS_REGION_DIRECT);
	assert_int_equal(l.v[1].prot, IOAS_PROT_READ | IOAS_PROT_WRITE);
	check_dev(&l.v[1].devs[0], IOAS_ACPI_DEV_PCI, 0x100, 0x100);

	/* start rounded up: the first partial page is lost */
	check_resv(&l.v[2], 0x30001000, 0x30001fff, IOAS_ORIGIN_IVMD,
		   IOAS_ACPI_RESV_ADJUSTED);
	assert_int_equal(l.v[2].table_start, 0x30000800);
	assert_int_equal(l.v[2].table_last, 0x300017ff);
	assert_int_equal(l.v[2].prot, IOAS_PROT_READ);
	check_dev(&l.v[2].devs[0], IOAS_ACPI_DEV_PCI, 0x40, 0x7f);

	check_resv(&l.v[3], 0, 0, IOAS_ORIGIN_IVMD, IOAS_ACPI_RESV_NO_REGION);
	assert_non_null(strstr(l.v[3].note, "ignores"));
	check_resv(&l.v[4], 0, 0, IOAS_ORIGIN_IVMD, IOAS_ACPI_RESV_NO_REGION);
	check_resv(&l.v[5], 0x60000000, 0x60000fff, IOAS_ORIGIN_IVMD, 0);
	assert_int_equal(l.v[5].nr_devs, 0);
	ioas_acpi_resv_list_fini(&l);

	/* PAGE_ALIGN() of a start in the last page wraps to 0 in the
	 * kernel, and so here: Linux reports [0, 0xfff]. */
	tt_ivrs(&t);
	tt_ivmd(&t, 0x21, 0x01, 0, 0, UINT64_MAX - 0x800, 0x1000);
	/* a length that rounds up to 2^64 is 0: no region */
	tt_ivmd(&t, 0x21, 0x01, 0, 0, 0x1000, UINT64_MAX - 0x10);
	tt_finish(&t);
	t_acpi_ok(&t, &l, 2);
	check_resv(&l.v[0], 0, 0xfff, IOAS_ORIGIN_IVMD,
		   IOAS_ACPI_RESV_ADJUSTED);
	assert_true(l.v[1].flags & IOAS_ACPI_RESV_NO_REGION);
	ioas_acpi_resv_list_fini(&l);
}

/* QEMU's real IORT has no RMR; the walk still checks every node. */
static void test_acpi_iort(void **state)
{
	struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
	const struct ioas_acpi_resv *e;
	struct t_tab t;

	(void)state;
	tt_read(&t, IORT_FIXTURE);
	assert_int_equal(t.n, 0xec);
	t_acpi_ok(&t, &l, 0);
	assert_int_equal(l.table, IOAS_ACPI_IORT);
	assert_int_equal(l.revision, 3);
	assert_int_equal(l.flags, 0);
	ioas_acpi_resv_list_fini(&l);

	/* With an RMR node, in a revision 5 (E.d) table */
	tt_iort_rmr(&t, 5);
	t_acpi_ok(&t, &l, 2);
	e = &l.v[0];
	check_resv(e, 0x80000000, 0x800fffff, IOAS_ORIGIN_IORT_RMR, 0);
	assert_int_equal(e->types, 1u << IOAS_REGION_DIRECT_RELAXABLE);
	assert_int_equal(e->prot,
			 IOAS_PROT_READ | IOAS_PROT_WRITE | IOAS_PROT_CACHE);
	assert_int_equal(e->table_flags, 1 | 5 << 2);
	/* its stream IDs, the requester IDs QEMU's root complex maps onto
	 * them, and the named component's IDs */
	assert_int_equal(e->nr_devs, 3);
	check_dev(&e->devs[0], IOAS_ACPI_DEV_STREAM, 8, 0x11);
	assert_int_equal(e->devs[0].iommu, IORT_SMMU);
	check_dev(&e->devs[1], IOAS_ACPI_DEV_PCI, 8, 0x11);
	assert_int_equal(e->devs[1].segment, 0);
	check_dev(&e->devs[2], IOAS_ACPI_DEV_NAMED, 0, 1);
	assert_string_equal(e->devs[2].name, "\\_SB_.ETH0");
	/* Not 64 KiB aligned: widened to 4 KiB pages, with a warning */
	e = &l.v[1];
	check_resv(e, 0x80001000, 0x80002fff, IOAS_ORIGIN_IORT_RMR,
		   IOAS_ACPI_RESV_FW_BUG | IOAS_ACPI_RESV_ADJUSTED);
	assert_ptr_equal(e->devs, l.v[0].devs);
	ioas_acpi_resv_list_fini(&l);

	/* Linux 6.12 ignores RMR nodes before revision 5 */
	tt_iort_rmr(&t, 3);
	t_acpi_ok(&t, &l, 2);
	assert_true(l.v[0].flags & IOAS_ACPI_RESV_NO_REGION);
	assert_non_null(strstr(l.v[0].note, "revision"));
	ioas_acpi_resv_list_fini(&l);
}

/* Every malformation is refused with its offset; nothing is read past the
 * end (ASan, valgrind); *out stays as it was. */
static void test_acpi_hostile(void **state)
{
	static const uint8_t ep[] = { SCOPE_EP(0, 0x14, 0) };
	struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
	struct ioas_diag d;
	struct t_tab t, u;
	size_t rmrr;

	(void)state;
	assert_int_equal(ioas_acpi_parse(NULL, 0, &l, &d), -EINVAL);
	tt_read(&t, DMAR_FIXTURE);
	assert_int_equal(ioas_acpi_parse(t.b, t.n, NULL, &d), -EINVAL);

	/* shorter than a header; wrong signature */
	t_acpi_bad(&(struct t_tab){ .n = 35 }, 35, "header");
	u = t;
	memcpy(u.b, "APIC", 4);
	t_acpi_bad(&u, 0, "not a DMAR, IVRS or IORT");
	/* length field beyond the data, below the header */
	u = t;
	u.n--;
	t_acpi_bad(&u, 4, "larger than the data");
	u = t;
	tt_put(&u, 4, 35, 4);
	t_acpi_bad(&u, 4, "below");
	/* bytes after the length field are not part of the table */
	u = t;
	tt_u32(&u, 0xffffffff);
	t_acpi_ok(&u, &l, 2);
	ioas_acpi_resv_list_fini(&l);

	/* structure past the end; zero-length; shorter than its header */
	tt_dmar(&u);
	rmrr = u.n;
	tt_rmrr(&u, 0, 0x40000000, 0x40ffffff, ep, sizeof(ep));
	tt_finish(&u);
	t = u;
	tt_put(&t, rmrr + 2, 33, 2);
	tt_finish(&t);
	t_acpi_bad(&t, rmrr, "past the end of the table");
	t = u;
	tt_put(&t, rmrr + 2, 0, 2);
	tt_finish(&t);
	t_acpi_bad(&t, rmrr, "zero-length structure");
	t = u;
	tt_put(&t, rmrr + 2, 3, 2);
	tt_finish(&t);
	t_acpi_bad(&t, rmrr, "shorter than its 4-byte header");
	t = u;
	tt_put(&t, rmrr + 2, 20, 2);
	tt_finish(&t);
	t_acpi_bad(&t, rmrr, "RMRR shorter than 24 bytes");
	/* a structure header cut by the end of the table */
	t = u;
	tt_u16(&t, 1);
	tt_finish(&t);
	t_acpi_bad(&t, t.n - 2, "structure header past the end");

	/* truncated device scope: longer than its RMRR; a half header;
	 * zero-length; shorter than 6 */
	t = u;
	t.b[rmrr + 24 + 1] = 9;
	tt_finish(&t);
	t_acpi_bad(&t, rmrr + 24, "truncated device scope");
	t = u;
	tt_put(&t, rmrr + 2, 24 + 8 + 3, 2);
	tt_u8(&t, 1);
	tt_u8(&t, 8);
	tt_u8(&t, 0);
	tt_finish(&t);
	t_acpi_bad(&t, rmrr + 32, "truncated device scope");
	t = u;
	t.b[rmrr + 24 + 1] = 0;
	tt_finish(&t);
	t_acpi_bad(&t, rmrr + 24, "zero-length device scope");
	t = u;
	t.b[rmrr + 24 + 1] = 5;
	tt_finish(&t);
	t_acpi_bad(&t, rmrr + 24, "shorter than 6");

	/* Bad checksum: Linux (ACPICA) warns and uses a DMAR or IORT... */
	t = u;
	t.b[9] ^= 0x55;
	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(ioas_acpi_parse(t.b, t.n, &l, &d), 1);
	assert_int_equal(l.flags, IOAS_ACPI_BAD_CHECKSUM);
	assert_int_equal(d.offset, 9);
	assert_non_null(strstr(d.reason, "checksum"));
	ioas_acpi_resv_list_fini(&l);
	tt_iort_rmr(&t, 5);
	t.b[9] ^= 1;
	assert_int_equal(ioas_acpi_parse(t.b, t.n, &l, &d), 2);
	assert_int_equal(l.flags, IOAS_ACPI_BAD_CHECKSUM);
	ioas_acpi_resv_list_fini(&l);
	/* ...and a clean table clears the reason */
	assert_int_equal(ioas_acpi_parse(u.b, u.n, &l, &d), 1);
	assert_null(d.reason);
	assert_int_equal(l.flags, 0);
	/* A failure leaves a full list as it was. */
	t = u;
	memcpy(t.b, "XXXX", 4);
	{
		struct ioas_acpi_resv *v = l.v;

		assert_int_equal(ioas_acpi_parse(t.b, t.n, &l, &d), -EBADMSG);
		assert_ptr_equal(l.v, v);
		assert_int_equal(l.nr, 1);
		assert_int_equal(l.table, IOAS_ACPI_DMAR);
	}
	ioas_acpi_resv_list_fini(&l);

	/* ...the AMD-Vi driver refuses an IVRS with a bad checksum. */
	tt_ivrs(&t);
	tt_ivmd(&t, 0x20, 0x07, 0, 0, 0x10000000, 0x1000);
	tt_finish(&t);
	u = t;
	t.b[9] ^= 1;
	t_acpi_bad(&t, 9, "AMD-Vi");
	/* IVRS blocks: zero-length, short IVMD, past the end */
	t = u;
	tt_put(&t, 76 + 2, 0, 2);
	tt_finish(&t);
	t_acpi_bad(&t, 76, "zero-length block");
	t = u;
	tt_put(&t, 76 + 2, 24, 2);
	tt_u64(&t, 0);
	tt_finish(&t);
	t_acpi_bad(&t, 76, "IVMD block shorter than 32 bytes");
	t = u;
	tt_put(&t, 76 + 2, 36, 2);
	tt_finish(&t);
	t_acpi_bad(&t, 76, "block past the end");
	t = u;
	tt_put(&t, 48 + 2, 2, 2);
	tt_finish(&t);
	t_acpi_bad(&t, 48, "shorter than its 4-byte header");
	tt_header(&t, "IVRS", 2);
	tt_finish(&t);
	t_acpi_bad(&t, 36, "shorter than its 48-byte header");

	/* IORT: nodes and references */
	tt_read(&u, IORT_FIXTURE);
	t = u;
	tt_put(&t, 40, 0x20, 4);
	tt_finish(&t);
	t_acpi_bad(&t, 40, "node offset inside the table header");
	t = u;
	tt_put(&t, 40, 0x1000, 4);
	tt_finish(&t);
	t_acpi_bad(&t, 40, "node offset past the end");
	t = u;
	tt_put(&t, IORT_NODES, 4, 4);	/* one node more than there is */
	tt_finish(&t);
	t_acpi_bad(&t, 0xec, "node header past the end");
	t = u;
	tt_put(&t, 0x48 + 1, 0, 2);
	tt_finish(&t);
	t_acpi_bad(&t, 0x48, "zero-length node");
	t = u;
	tt_put(&t, 0x48 + 1, 8, 2);
	tt_finish(&t);
	t_acpi_bad(&t, 0x48, "shorter than its 16-byte header");
	t = u;
	tt_put(&t, 0xa0 + 1, 0x50, 2);
	tt_finish(&t);
	t_acpi_bad(&t, 0xa0, "node past the end");
	t = u;
	tt_put(&t, 0xa0 + 8, 3, 4);	/* three mappings, room for two */
	tt_finish(&t);
	t_acpi_bad(&t, 0xa0 + 12, "ID mapping array past the end");
	t = u;
	tt_put(&t, 0xa0 + 12, 8, 4);	/* mappings inside the header */
	tt_finish(&t);
	t_acpi_bad(&t, 0xa0 + 12, "ID mapping array");
	t = u;
	tt_put(&t, 0xd0, 0x49, 4);	/* reference into the SMMU node */
	tt_finish(&t);
	t_acpi_bad(&t, 0xc4, "not a node");
	t = u;
	tt_put(&t, 0xa0 + 1, 28, 2);	/* root complex cut short */
	tt_put(&t, 0xa0 + 8, 0, 4);
	tt_finish(&t);
	t_acpi_bad(&t, 0xa0, "root complex node shorter");
	tt_iort_rmr(&u, 5);
	t = u;
	t.b[IORT_NC_AT + 29 + 10] = 'X';	/* the name's NUL */
	tt_finish(&t);
	t_acpi_bad(&t, IORT_NC_AT, "without its terminating NUL");
	t = u;
	tt_put(&t, IORT_RMR_AT + 20, 3, 4);	/* three descriptors */
	tt_finish(&t);
	t_acpi_bad(&t, IORT_RMR_AT + 24, "descriptors past the end");
	t = u;
	tt_put(&t, IORT_RMR_AT + 1, 24, 2);
	tt_finish(&t);
	t_acpi_bad(&t, IORT_RMR_AT + 12, "mapping array past the end");
	t = u;
	tt_put(&t, IORT_RMR_AT + 1, 26, 2);
	tt_put(&t, IORT_RMR_AT + 8, 0, 4);
	tt_finish(&t);
	t_acpi_bad(&t, IORT_RMR_AT, "RMR node shorter than 28");
	tt_header(&t, "IORT", 5);
	tt_finish(&t);
	t_acpi_bad(&t, 36, "shorter than its 48-byte header");
}

/*
 * Every prefix and every single-byte change of the real tables parses or
 * is refused cleanly: no crash, no read past the end (run under ASan and
 * valgrind), and a refusal writes nothing.
 */
static void test_acpi_mutations(void **state)
{
	struct t_tab t, u;
	size_t i, k;
	int which;

	(void)state;
	for (which = 0; which < 3; which++) {
		if (which == 0)
			tt_read(&t, DMAR_FIXTURE);
		else if (which == 1)
			tt_iort_rmr(&t, 5);
		else {
			tt_ivrs(&t);
			tt_ivmd(&t, 0x22, 0x07, 0, 0xff, 0x10000000, 0x1000);
			tt_finish(&t);
		}
		for (i = 0; i <= t.n; i++) {
			struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
			uint8_t *copy = malloc(i ? i : 1);
			int rc;

			memcpy(copy, t.b, i);
			rc = ioas_acpi_parse(copy, i, &l, NULL);
			assert_true(rc >= 0 || rc == -EBADMSG);
			if (rc < 0)
				assert_null(l.v);
			ioas_acpi_resv_list_fini(&l);
			free(copy);
		}
		for (i = 0; i < t.n; i++) {
			for (k = 0; k < 4; k++) {
				static const uint8_t vals[] = { 0, 1, 0x7f,
								0xff };
				struct ioas_acpi_resv_list l =
					IOAS_ACPI_RESV_LIST_INIT;
				int rc;

				u = t;
				u.b[i] = vals[k];
				rc = ioas_acpi_parse(u.b, u.n, &l, NULL);
				assert_true(rc >= 0 || rc == -EBADMSG);
				ioas_acpi_resv_list_fini(&l);
			}
		}
	}
}

/* Each allocation of a parse fails in turn: -ENOMEM, nothing changed. */
static void test_acpi_fail_nth(void **state)
{
	struct t_tab tabs[2];
	size_t i;

	(void)state;
	if (!ioas_fail_nth_supported_())
		skip();
	tt_iort_rmr(&tabs[0], 5);
	tt_read(&tabs[1], DMAR_FIXTURE);
	for (i = 0; i < 2; i++) {
		unsigned long n;

		for (n = 1;; n++) {
			struct ioas_acpi_resv_list l = IOAS_ACPI_RESV_LIST_INIT;
			bool pending;
			int rc;

			ioas_fail_nth_set_(n);
			rc = ioas_acpi_parse(tabs[i].b, tabs[i].n, &l, NULL);
			pending = ioas_fail_nth_pending_();
			ioas_fail_nth_set_(0);
			if (rc >= 0) {
				if (!pending)
					fail_msg("n=%lu: failure swallowed", n);
				ioas_acpi_resv_list_fini(&l);
				break;
			}
			assert_int_equal(rc, -ENOMEM);
			assert_null(l.v);
			assert_true(n < 100);
		}
		/* IORT: the node index and the result; DMAR: the result */
		assert_int_equal(n, i == 0 ? 3 : 2);
	}
}

/* The capture's host with its DMAR: both RMRR regions are confirmed. */
static void test_host_acpi_dmar_example(void **state)
{
	char *root = example("intel-rmrr-dmar"), *plain = example("intel-rmrr");
	struct ioas_host *h = t_load(root), *hp = t_load(plain);
	const struct ioas_acpi_resv_list *l;
	const struct ioas_host_group *g, *gp;
	struct ioas_host_origin o;
	size_t i, j, nr;

	(void)state;
	assert_int_equal(ioas_host_flags(h), 0);
	assert_null(ioas_host_notes(h, &nr));
	assert_int_equal(nr, 0);
	l = ioas_host_acpi(h, IOAS_ACPI_DMAR);
	assert_non_null(l);
	assert_int_equal(l->nr, 2);
	assert_null(ioas_host_acpi(h, IOAS_ACPI_IVRS));
	assert_null(ioas_host_acpi(h, IOAS_ACPI_IORT));
	assert_null(ioas_host_acpi(h, IOAS_ACPI_NONE));
	assert_null(ioas_host_acpi(h, 99));
	assert_null(ioas_host_acpi(hp, IOAS_ACPI_DMAR));

	/* Group 1 (e1000e): the direct RMRR, read from the table */
	g = ioas_host_group_find(h, 1);
	assert_true(g->flags & IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE);
	/* the x86 MSI range is still a guess */
	assert_true(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED);
	check_region(&g->regions[0], 0x50000000, 0x500fffff,
		     IOAS_REGION_DIRECT, IOAS_ORIGIN_RMRR);
	assert_int_equal(ioas_host_region_origin(h, 1, 0, &o), 0);
	assert_int_equal(o.table, IOAS_ACPI_DMAR);
	assert_int_equal(o.flags, IOAS_HOST_ORIGIN_DEVICE_MATCHED);
	assert_int_equal(o.nr_entries, 1);
	assert_int_equal(o.entries[0], 1);
	assert_int_equal(l->v[o.entries[0]].range.start, 0x50000000);
	assert_int_equal(ioas_host_region_origin(h, 1, 1, &o), 0);
	assert_int_equal(o.table, IOAS_ACPI_NONE);
	assert_int_equal(o.nr_entries, 0);
	assert_null(o.entries);
	assert_int_equal(ioas_host_region_origin(h, 1, 2, &o), -EINVAL);
	assert_int_equal(ioas_host_region_origin(h, 9, 0, &o), -ENOENT);
	assert_int_equal(ioas_host_region_origin(h, 1, 0, NULL), -EINVAL);
	assert_int_equal(ioas_host_region_origin(NULL, 1, 0, &o), -EINVAL);

	/* Group 4 (xHCI): the relaxable one */
	g = ioas_host_group_find(h, 4);
	assert_true(g->flags & IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE);
	assert_int_equal(ioas_host_region_origin(h, 4, 0, &o), 0);
	assert_int_equal(o.table, IOAS_ACPI_DMAR);
	assert_int_equal(o.entries[0], 0);
	check_usable(g, usable_intel39, 2);

	/* Group 5's floppy range is not in the table: guessed, as before */
	g = ioas_host_group_find(h, 5);
	assert_false(g->flags & IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE);
	check_region(&g->regions[0], 0, 0xffffff,
		     IOAS_REGION_DIRECT_RELAXABLE, IOAS_ORIGIN_ISA_FLOPPY);

	/* Otherwise the same snapshot as without the table. */
	assert_int_equal(ioas_host_nr_groups(h), ioas_host_nr_groups(hp));
	for (i = 0; i < ioas_host_nr_groups(h); i++) {
		g = ioas_host_group_peek(h, i);
		gp = ioas_host_group_peek(hp, i);
		assert_int_equal(g->flags &
					 ~IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE,
				 gp->flags);
		assert_int_equal(g->nr_regions, gp->nr_regions);
		for (j = 0; j < g->nr_regions; j++) {
			check_region(&g->regions[j],
				     gp->regions[j].range.start,
				     gp->regions[j].range.last,
				     gp->regions[j].type,
				     gp->regions[j].origin);
			assert_int_equal(g->regions[j].prot,
					 gp->regions[j].prot);
		}
		assert_int_equal(g->nr_usable, gp->nr_usable);
		assert_int_equal(g->usable_err, gp->usable_err);
		if (g->usable_note)
			assert_string_equal(g->usable_note, gp->usable_note);
	}
	ioas_host_free(h);
	ioas_host_free(hp);
	free(root);
	free(plain);
}

/* A one-group tree behind @unit, with @regions and devices @devs (a
 * space-separated list of names). */
static void t_fw_tree(const char *root, const char *unit, const char *regions,
		      const char *devs)
{
	char rel[PATH_MAX], *copy = strdup(devs), *p, *save = NULL;

	t_write(root, "kernel/iommu_groups/0/reserved_regions", regions);
	t_write(root, "kernel/iommu_groups/0/type", "DMA\n");
	for (p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		snprintf(rel, sizeof(rel), "kernel/iommu_groups/0/devices/%s", p);
		t_mkdirs(root, rel);
		snprintf(rel, sizeof(rel), "class/iommu/%s/devices/%s", unit, p);
		t_mkdirs(root, rel);
	}
	free(copy);
}

static void t_fw_table(const char *root, const char *name,
		       const struct t_tab *t)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "firmware/acpi/tables/%s", name);
	t_write_n(root, rel, (const char *)t->b, t->n);
}

/* Origin of region @i of group 0: the table, or 0 for a guess. */
static uint32_t t_origin_table(struct ioas_host *h, size_t i,
			       struct ioas_host_origin *o)
{
	assert_int_equal(ioas_host_region_origin(h, 0, i, o), 0);
	return o->table;
}

#define R_DIRECT(s, l) "0x" s " 0x" l " direct\n"

static void test_host_acpi_confirm_rules(void **state)
{
	static const uint8_t ep01[] = { SCOPE_EP(0, 0x01, 0) };
	static const uint8_t ep1d[] = { SCOPE_EP(0, 0x1d, 0) };
	static const uint8_t path[] = { 1, 10, 0, 0, 0, 0, 0x1c, 0, 0, 0 };
	static const uint8_t bridge[] = { 2, 8, 0, 0, 0, 0, 0x1c, 0 };
	struct ioas_host_origin o;
	char *root, dir[PATH_MAX];
	struct ioas_host *h;
	struct t_tab t;

	(void)state;
	/* Two touching RMRRs the kernel merged into one region */
	root = t_tmpdir();
	t_fw_tree(root, "dmar0",
		  R_DIRECT("0000000040000000", "0000000041ffffff") MSI_LINE,
		  "0000:00:01.0");
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0x41000000, 0x41ffffff, ep01, sizeof(ep01));
	tt_rmrr(&t, 0, 0x40000000, 0x40ffffff, ep01, sizeof(ep01));
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_DMAR);
	assert_int_equal(o.nr_entries, 2);
	assert_int_equal(o.entries[0], 1);	/* by address */
	assert_int_equal(o.entries[1], 0);
	assert_int_equal(t_origin_table(h, 1, &o), IOAS_ACPI_NONE);
	ioas_host_free(h);

	/* A gap between them: not explained, guessed */
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0x40000000, 0x40ffffff, ep01, sizeof(ep01));
	tt_rmrr(&t, 0, 0x41001000, 0x41ffffff, ep01, sizeof(ep01));
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_NONE);
	assert_false(ioas_host_group_peek(h, 0)->flags &
		     IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE);
	assert_int_equal(ioas_host_group_peek(h, 0)->regions[0].origin,
			 IOAS_ORIGIN_RMRR);	/* the guess */
	ioas_host_free(h);

	/* The right range for another device: not this group's */
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0x40000000, 0x41ffffff, ep1d, sizeof(ep1d));
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_NONE);
	ioas_host_free(h);
	t_rmtree(root);

	/* A device behind a bridge: the table's path needs the sysfs link */
	root = t_tmpdir();
	t_fw_tree(root, "dmar0",
		  R_DIRECT("0000000040000000", "0000000040ffffff"),
		  "0000:02:00.0");
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0x40000000, 0x40ffffff, path, sizeof(path));
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	/* a plain copied folder: the range alone decides */
	t_mkdirs(root, "bus/pci/devices/0000:02:00.0");
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_DMAR);
	assert_int_equal(o.flags, 0);
	ioas_host_free(h);
	/* real sysfs: the link names the bridge */
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices/0000:02:00.0", root);
	assert_int_equal(rmdir(dir), 0);
	t_link(root, "bus/pci/devices/0000:02:00.0",
	       "../../../devices/pci0000:00/0000:00:1c.0/0000:02:00.0");
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_DMAR);
	assert_int_equal(o.flags, IOAS_HOST_ORIGIN_DEVICE_MATCHED);
	ioas_host_free(h);
	/* ... and the bridge scope covers what is below it */
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0x40000000, 0x40ffffff, bridge, sizeof(bridge));
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_DMAR);
	assert_int_equal(o.flags, IOAS_HOST_ORIGIN_DEVICE_MATCHED);
	ioas_host_free(h);
	/* ... but a path to another slot is not this device */
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0x40000000, 0x40ffffff,
		(const uint8_t[]){ 1, 10, 0, 0, 0, 0, 0x1c, 0, 1, 0 }, 10);
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_NONE);
	ioas_host_free(h);
	t_rmtree(root);

	/* The floppy workaround stays itself next to an RMRR elsewhere. */
	root = t_tmpdir();
	t_fw_tree(root, "dmar0",
		  "0x0000000000000000 0x0000000000ffffff direct-relaxable\n",
		  "0000:00:1f.0");
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0, 0xffffff, ep1d, sizeof(ep1d));
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_NONE);
	assert_int_equal(ioas_host_group_peek(h, 0)->regions[0].origin,
			 IOAS_ORIGIN_ISA_FLOPPY);
	ioas_host_free(h);
	t_rmtree(root);

	/* AMD: an IVMD exclusion range is direct in 6.12; a reserved region
	 * at the same place is not explained by it. */
	root = t_tmpdir();
	t_fw_tree(root, "ivhd0",
		  R_DIRECT("0000000020000000", "0000000020001fff")
		  "0x0000000030000000 0x0000000030000fff reserved\n",
		  "0000:01:00.0");
	tt_ivrs(&t);
	tt_ivmd(&t, 0x21, 0x08, 0x0100, 0, 0x20000000, 0x2000);
	tt_ivmd(&t, 0x20, 0x08, 0, 0, 0x30000000, 0x1000);
	tt_finish(&t);
	t_fw_table(root, "IVRS", &t);
	/* a DMAR on the same host does not describe an AMD unit */
	tt_dmar(&t);
	tt_rmrr(&t, 0, 0x20000000, 0x20001fff,
		(const uint8_t[]){ SCOPE_EP(1, 0, 0) }, 8);
	tt_finish(&t);
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_IVRS);
	assert_int_equal(o.flags, IOAS_HOST_ORIGIN_DEVICE_MATCHED);
	assert_int_equal(ioas_host_group_peek(h, 0)->regions[0].origin,
			 IOAS_ORIGIN_IVMD);
	assert_int_equal(t_origin_table(h, 1, &o), IOAS_ACPI_NONE);
	assert_non_null(ioas_host_acpi(h, IOAS_ACPI_DMAR));
	ioas_host_free(h);
	t_rmtree(root);

	/* ARM: an IORT RMR, the device found through the root complex */
	root = t_tmpdir();
	t_fw_tree(root, "smmu3.0x0000000009050000",
		  "0x0000000008000000 0x00000000080fffff msi\n"
		  "0x0000000080000000 0x00000000800fffff direct-relaxable\n",
		  "0000:00:01.0");
	tt_iort_rmr(&t, 5);
	t_fw_table(root, "IORT", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_NONE);
	assert_int_equal(t_origin_table(h, 1, &o), IOAS_ACPI_IORT);
	assert_int_equal(o.flags, IOAS_HOST_ORIGIN_DEVICE_MATCHED);
	assert_int_equal(ioas_host_group_peek(h, 0)->regions[1].origin,
			 IOAS_ORIGIN_IORT_RMR);
	ioas_host_free(h);
	/* requester ID 0x18 (00:03.0) maps to no RMR stream ID */
	t_rmtree(root);
	root = t_tmpdir();
	t_fw_tree(root, "smmu3.0x0000000009050000",
		  "0x0000000080000000 0x00000000800fffff direct-relaxable\n",
		  "0000:00:03.0");
	t_fw_table(root, "IORT", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_NONE);
	ioas_host_free(h);
	/* a platform device may be the named component: range decides */
	t_rmtree(root);
	root = t_tmpdir();
	t_fw_tree(root, "smmu3.0x0000000009050000",
		  "0x0000000080000000 0x00000000800fffff direct-relaxable\n",
		  "eth0-platform");
	t_fw_table(root, "IORT", &t);
	h = t_load(root);
	assert_int_equal(t_origin_table(h, 0, &o), IOAS_ACPI_IORT);
	assert_int_equal(o.flags, 0);
	ioas_host_free(h);
	t_rmtree(root);
}

static bool t_has_note(struct ioas_host *h, const char *s)
{
	const char *const *v;
	size_t i, nr;

	v = ioas_host_notes(h, &nr);
	for (i = 0; i < nr; i++)
		if (strstr(v[i], s))
			return true;
	return false;
}

/* A bad or unreadable table never fails the load: a note, and guesses. */
static void test_host_acpi_bad_tables(void **state)
{
	char *root = t_tmpdir(), path[PATH_MAX], *big;
	const struct ioas_host_group *g;
	struct ioas_host *h;
	struct t_tab t;
	pid_t pid;
	int status;

	(void)state;
	t_intel_tree(root);
	tt_read(&t, DMAR_FIXTURE);
	snprintf(path, sizeof(path), "%s/firmware/acpi/tables/DMAR", root);

	/* malformed */
	t.b[0x8a] = 0;
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_true(t_has_note(h, "firmware/acpi/tables/DMAR: malformed at byte 0x88 (zero-length structure)"));
	assert_null(ioas_host_acpi(h, IOAS_ACPI_DMAR));
	g = ioas_host_group_peek(h, 0);
	assert_true(g->flags & IOAS_HOST_GROUP_ORIGINS_GUESSED);
	assert_false(g->flags & IOAS_HOST_GROUP_ORIGINS_FROM_FIRMWARE);
	ioas_host_free(h);

	/* a bad checksum is used, as Linux uses it, and noted */
	tt_read(&t, DMAR_FIXTURE);
	t.b[9] ^= 0x10;
	t_fw_table(root, "DMAR", &t);
	h = t_load(root);
	assert_true(t_has_note(h, "DMAR: bad checksum"));
	assert_non_null(ioas_host_acpi(h, IOAS_ACPI_DMAR));
	ioas_host_free(h);

	/* an IORT file that holds a DMAR */
	tt_read(&t, DMAR_FIXTURE);
	t_fw_table(root, "IORT", &t);
	h = t_load(root);
	assert_true(t_has_note(h, "IORT: holds a DMAR table"));
	assert_null(ioas_host_acpi(h, IOAS_ACPI_IORT));
	assert_non_null(ioas_host_acpi(h, IOAS_ACPI_DMAR));
	ioas_host_free(h);
	snprintf(path, sizeof(path), "%s/firmware/acpi/tables/IORT", root);
	assert_int_equal(unlink(path), 0);

	/* a FIFO, and a file over 1 MiB */
	snprintf(path, sizeof(path), "%s/firmware/acpi/tables/DMAR", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	h = t_load(root);
	assert_true(t_has_note(h, "DMAR: not a regular file"));
	ioas_host_free(h);
	assert_int_equal(unlink(path), 0);
	big = calloc(1, 1024 * 1024 + 1);
	assert_non_null(big);
	memcpy(big, "DMAR", 4);
	t_write_n(root, "firmware/acpi/tables/DMAR", big, 1024 * 1024 + 1);
	free(big);
	h = t_load(root);
	assert_true(t_has_note(h, "DMAR: file larger than the 1 MiB limit"));
	ioas_host_free(h);

	/* not readable (mode 0400 root's, as on a real host) */
	tt_read(&t, DMAR_FIXTURE);
	t_fw_table(root, "DMAR", &t);
	assert_int_equal(chmod(path, 0), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ioas_host_diag d;
		int rc;

		if (geteuid() == 0 &&
		    (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(77);
		h = NULL;
		rc = ioas_host_load(root, &h, &d);
		rc = !rc && (ioas_host_flags(h) & IOAS_HOST_ACPI_UNREADABLE) &&
		     t_has_note(h, "DMAR: not readable (permission denied") &&
		     !ioas_host_acpi(h, IOAS_ACPI_DMAR) ? 0 : 1;
		/* valgrind checks the child's leaks too */
		ioas_host_free(h);
		free(root);
		_exit(rc);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(chmod(path, 0644), 0);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 77)
		assert_int_equal(WEXITSTATUS(status), 0);
	t_rmtree(root);
}

/* Reads and allocations of the firmware path fail in turn: the load fails
 * with -ENOMEM or -EIO, *out untouched, nothing leaked. */
static void test_host_acpi_fail_nth(void **state)
{
	char *roots[2];
	struct t_tab t;
	size_t i;

	(void)state;
	if (!ioas_fail_nth_supported_())
		skip();
	roots[0] = example("intel-rmrr-dmar");
	roots[1] = t_tmpdir();
	t_fw_tree(roots[1], "smmu3.0x0000000009050000",
		  "0x0000000080000000 0x00000000800fffff direct-relaxable\n",
		  "0000:00:01.0");
	tt_iort_rmr(&t, 5);
	t_fw_table(roots[1], "IORT", &t);
	tt_ivrs(&t);
	tt_ivmd(&t, 0x20, 0x01, 0, 0, 0x10000000, 0x1000);
	tt_finish(&t);
	t_fw_table(roots[1], "IVRS", &t);
	for (i = 0; i < 2; i++)
		sweep_load(roots[i]);
	free(roots[0]);
	t_rmtree(roots[1]);
}

static void test_acpi_names(void **state)
{
	(void)state;
	assert_string_equal(ioas_acpi_table_name(IOAS_ACPI_DMAR), "DMAR");
	assert_string_equal(ioas_acpi_table_name(IOAS_ACPI_IVRS), "IVRS");
	assert_string_equal(ioas_acpi_table_name(IOAS_ACPI_IORT), "IORT");
	assert_string_equal(ioas_acpi_table_name(IOAS_ACPI_NONE), "none");
	assert_string_equal(ioas_acpi_table_name(42), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_intel_example),
		cmocka_unit_test(test_host_intel_rmrr_example),
		cmocka_unit_test(test_host_intel_aw48_example),
		cmocka_unit_test(test_host_virtio_example),
		cmocka_unit_test(test_host_arm64_example),
		cmocka_unit_test(test_host_bare_groups_dir),
		cmocka_unit_test(test_host_no_groups_dir),
		cmocka_unit_test(test_host_empty_groups_dir),
		cmocka_unit_test(test_host_root_errors),
		cmocka_unit_test(test_host_malformed_reserved_regions),
		cmocka_unit_test(test_host_malformed_type),
		cmocka_unit_test(test_host_malformed_vtd_cap),
		cmocka_unit_test(test_host_oversized_files),
		cmocka_unit_test(test_host_not_regular_files),
		cmocka_unit_test(test_host_group_entry_not_a_folder),
		cmocka_unit_test(test_host_unreadable),
		cmocka_unit_test(test_host_dangling_and_plain_devices),
		cmocka_unit_test(test_host_missing_group_files),
		cmocka_unit_test(test_host_groups_in_numeric_order),
		cmocka_unit_test(test_host_group_to_unit),
		cmocka_unit_test(test_host_vtd_geometry),
		cmocka_unit_test(test_host_vtd_without_ir),
		cmocka_unit_test(test_host_type_and_origin_guesses),
		cmocka_unit_test(test_host_kind_geometry),
		cmocka_unit_test(test_host_names),
		cmocka_unit_test(test_host_fail_nth),
		cmocka_unit_test(test_host_virtio_iommu_pci_unit),
		cmocka_unit_test(test_host_uapi_layouts),
		cmocka_unit_test(test_host_kernel_null_arguments),
		cmocka_unit_test(test_host_kernel_no_nodes),
		cmocka_unit_test(test_host_kernel_fake_nodes),
		cmocka_unit_test(test_host_kernel_dev_state),
		cmocka_unit_test(test_host_kernel_eacces),
		cmocka_unit_test(test_host_pci_msi_parse),
		cmocka_unit_test(test_host_space),
		cmocka_unit_test(test_host_msi_address),
		cmocka_unit_test(test_host_msi_irq_calls),
		cmocka_unit_test(test_acpi_dmar_fixture),
		cmocka_unit_test(test_acpi_dmar_scopes),
		cmocka_unit_test(test_acpi_ivrs_ivmd),
		cmocka_unit_test(test_acpi_iort),
		cmocka_unit_test(test_acpi_hostile),
		cmocka_unit_test(test_acpi_mutations),
		cmocka_unit_test(test_acpi_fail_nth),
		cmocka_unit_test(test_acpi_names),
		cmocka_unit_test(test_host_acpi_dmar_example),
		cmocka_unit_test(test_host_acpi_confirm_rules),
		cmocka_unit_test(test_host_acpi_bad_tables),
		cmocka_unit_test(test_host_acpi_fail_nth),
	};

	/* The EACCES tests' unprivileged child must traverse the trees. */
	umask(022);
	return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}
