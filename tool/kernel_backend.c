// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scenario executor's kernel backend (kernel_backend.h): the same
 * commands the engine runs, sent to the running kernel through libioas's
 * host API, so that `ioas sim --brief` of both can be compared line for
 * line.
 *
 * What maps to what:
 *
 *   space type1     open /dev/vfio/vfio (the IOMMU is set by the first
 *                   attach, VFIO_SET_IOMMU type1 v2)
 *   space iommufd   open /dev/iommu, IOMMU_IOAS_ALLOC
 *   attach G        type1: the group of G's dev= device, SET_CONTAINER
 *                   (+ SET_IOMMU); iommufd: BIND_IOMMUFD of its cdev (the
 *                   first time) and ATTACH_IOMMUFD_PT to the IOAS
 *   detach G        UNSET_CONTAINER / DETACH_IOMMUFD_PT
 *   map             MAP_DMA / IOAS_MAP, backed by anonymous memory
 *   unmap, unmap-all  UNMAP_DMA (ALL) / IOAS_UNMAP (0, 2^64-1 for all)
 *   allow, copy     ALLOW_IOVAS, IOAS_COPY (iommufd only)
 *   usable          GET_INFO's IOVA_RANGE cap / IOAS_IOVA_RANGES
 *   info            VFIO_IOMMU_GET_INFO, raw (type1)
 *   doorbell G P    enable vector 0 (MSI-X, else MSI) of G's dev= device
 *                   with an eventfd (VFIO_DEVICE_SET_IRQS), which makes the
 *                   kernel map the device's doorbell, and answer the
 *                   message address it programmed (MSI-X table entry 0
 *                   through /dev/mem, or the MSI capability). The kernel
 *                   takes the doorbell from the device's MSI controller: P
 *                   is not passed anywhere, so a scenario naming another
 *                   doorbell than the platform's disagrees with the engine.
 *   doorbell-free   read the address, then disable the vector (the kernel
 *                   keeps the page mapped, as the type1/iommufd profiles
 *                   say); -ENOENT if 'doorbell' did not enable it
 *
 * Detaching a group disables its vector first (type1 must close the device
 * file before the group can leave the container).
 *
 * Scenario-level rules that have no kernel call are answered here exactly
 * as the engine answers them (doc/scenario.md): detaching a group that is
 * not attached is -ENOENT; type1 has no automatic map (-EINVAL) and no
 * allow or copy (-EOPNOTSUPP).
 *
 * Memory. The engine only looks at a map's va= for its alignment (0 means
 * "naturally aligned"). The backend gives the kernel a real address with
 * the same alignment properties: every map is backed by one shared pool of
 * anonymous memory (MAP_NORESERVE; pages are touched only when the kernel
 * pins them, and the same pages may back any number of maps) whose base is
 * aligned to POOL_ALIGN >= 2 * hpage. va=0 maps start at the base, so the
 * kernel's automatic alignment min(roundup_pow_of_two(length), lowest set
 * bit of the address, hpage) equals the engine's; va=N maps start at
 * base + (N mod POOL_ALIGN), which keeps N's sub-page offset and its lowest
 * set bit up to the cap. A length the pool cannot hold gets a mapping of
 * its own. A va whose range wraps past 2^64 (as the profile's kernel
 * computes it) is passed on unchanged, because the kernel rejects it by
 * arithmetic before touching memory. Everything is unmapped when the space
 * is destroyed, after the kernel has let go.
 *
 * Regions. At every attach the group's region lines (merged with Linux's
 * rules, pci-window regions left out as the kernel never shows them) are
 * printed in sysfs format and compared byte for byte with
 * /sys/kernel/iommu_groups/<N>/reserved_regions. A mismatch fails the
 * attach with -EBADMSG and both texts are printed on stderr: a scenario
 * that describes another machine is reported, never silently run.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ioas/ioas.h>

#include "kernel_backend.h"
#include "scenario.h"

#define POOL_LEN (UINT64_C(32) << 20)
#define REGIONS_MAX (64 * 1024)

struct kbuf {
	void *base;
	size_t len;
};

struct kgroup {
	uint32_t scn_id;
	uint32_t real; /* IOMMU group of the dev= device */
	char dev[SCN_DEV_MAX];
	char cdev[32];
	uint32_t dev_id; /* iommufd: out_devid */
	bool bound;
	bool attached;
	bool msi_on; /* vector 0 enabled by 'doorbell' */
	struct ioas_host_msi msi;
};

struct kbe {
	uint32_t profile;
	uint64_t page;
	uint64_t hpage;
	struct ioas_host_vfio *vfio;
	struct ioas_host_iommufd *ifd;
	uint32_t ioas_id;
	struct kgroup *groups;
	size_t nr_groups;
	size_t cap_groups;
	struct kbuf *bufs; /* every reservation made for maps */
	size_t nr_bufs;
	size_t cap_bufs;
	uint64_t pool; /* aligned base of the pool, 0 if none */
	uint64_t pool_align;
};

static const char *sysfs_root(void)
{
	const char *r = getenv("IOAS_SYSFS_ROOT");

	return r && *r ? r : "/sys";
}

static const char *dev_root(void)
{
	const char *r = getenv("IOAS_DEV_ROOT");

	return r && *r ? r : "/dev";
}

/*
 * Reads ROOT/@rel (at most @max bytes) into a NUL-terminated malloc'd
 * string. -ENOENT, -EACCES, -EFBIG, -EIO, -ENOMEM.
 */
static int read_sysfs(const char *rel, size_t max, char **out, size_t *len)
{
	char path[4096];
	size_t n = 0;
	ssize_t r;
	char *buf;
	int fd, n2;

	n2 = snprintf(path, sizeof(path), "%s/%s", sysfs_root(), rel);
	if (n2 < 0 || (size_t)n2 >= sizeof(path))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT :
		       errno == EACCES			   ? -EACCES :
							     -EIO;
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		r = read(fd, buf + n, max + 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(fd);
			return -EIO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(buf);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

/* A one-line module parameter without its newline; -errno. */
static int read_param(const char *module, const char *param, char *buf,
		      size_t size)
{
	char rel[256], *s;
	size_t n;
	int ret;

	snprintf(rel, sizeof(rel), "module/%s/parameters/%s", module, param);
	ret = read_sysfs(rel, 64, &s, &n);
	if (ret)
		return ret;
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	snprintf(buf, size, "%s", s);
	free(s);
	return 0;
}

/* ------------------------------------------------------------------ */
/* preflight                                                           */

static int __attribute__((format(printf, 4, 5)))
pf_fail(char *msg, size_t size, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return err;
}

/* The kernel's cap on iommufd's automatic IOVA alignment. */
static uint64_t kernel_hpage(uint64_t page)
{
	char *s, *end;
	unsigned long long v;

	/* CONFIG_TRANSPARENT_HUGEPAGE: HPAGE_SIZE; else PAGE_SIZE. */
	if (read_sysfs("kernel/mm/transparent_hugepage/hpage_pmd_size", 64, &s,
		       NULL))
		return page;
	v = strtoull(s, &end, 10);
	free(s);
	return v ? (uint64_t)v : page;
}

static int pf_params(const struct scn *s, char *msg, size_t size)
{
	const struct scn_space *sp = &s->space;
	const char *mod = sp->profile == IOAS_PROFILE_TYPE1 ?
				  "vfio_iommu_type1" :
				  "iommufd";
	char v[64];
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), hp;
	bool unsafe;
	int ret;

	if (sp->page_size != page)
		return pf_fail(msg, size, -EINVAL,
			       "the scenario says page=0x%" PRIx64
			       " but this kernel's PAGE_SIZE is 0x%" PRIx64,
			       sp->page_size, page);
	if (sp->profile == IOAS_PROFILE_IOMMUFD) {
		hp = kernel_hpage(page);
		if (sp->hpage_size != hp)
			return pf_fail(
				msg, size, -EINVAL,
				"the scenario says hpage=0x%" PRIx64
				" but this kernel caps iommufd's automatic IOVA alignment at 0x%" PRIx64
				" (%s)",
				sp->hpage_size, hp,
				hp == page ?
					"no transparent huge pages" :
					"transparent_hugepage/hpage_pmd_size");
	}
	ret = read_param(mod, "allow_unsafe_interrupts", v, sizeof(v));
	if (ret)
		return pf_fail(
			msg, size, -ENODEV,
			"cannot read /sys/module/%s/parameters/allow_unsafe_interrupts (%s): is %s loaded?",
			mod, strerror(-ret), mod);
	unsafe = v[0] == 'Y' || v[0] == 'y' || v[0] == '1';
	if (unsafe != sp->unsafe_interrupts)
		return pf_fail(
			msg, size, -EINVAL,
			"%s.allow_unsafe_interrupts is %s but the scenario %s unsafe-interrupts: set the parameter (echo %c > /sys/module/%s/parameters/allow_unsafe_interrupts) or change the space line",
			mod, unsafe ? "Y" : "N",
			sp->unsafe_interrupts ? "says" : "does not say",
			sp->unsafe_interrupts ? 'Y' : 'N', mod);
	if (sp->profile == IOAS_PROFILE_TYPE1) {
		unsigned long long lim;
		uint32_t want = sp->dma_limit ? sp->dma_limit : 65535;
		char *end;

		ret = read_param(mod, "dma_entry_limit", v, sizeof(v));
		if (ret)
			return pf_fail(
				msg, size, -ENODEV,
				"cannot read /sys/module/%s/parameters/dma_entry_limit (%s)",
				mod, strerror(-ret));
		lim = strtoull(v, &end, 10);
		if (*end || lim != want)
			return pf_fail(
				msg, size, -EINVAL,
				"vfio_iommu_type1.dma_entry_limit is %s but the scenario needs %" PRIu32
				" (dma-limit=; 65535 when not given): echo %" PRIu32
				" > /sys/module/vfio_iommu_type1/parameters/dma_entry_limit",
				v, want, want);
	}
	return 0;
}

int scn_kernel_preflight(const struct scn *s, char *msg, size_t size)
{
	const struct scn_space *sp = &s->space;
	size_t i;
	int ret;

	if (sp->profile != IOAS_PROFILE_TYPE1 &&
	    sp->profile != IOAS_PROFILE_IOMMUFD)
		return pf_fail(
			msg, size, -EINVAL,
			"the kernel backend runs type1 and iommufd spaces; '%s' is ioas's own profile",
			ioas_profile_name(sp->profile));
	if (sp->profile == IOAS_PROFILE_IOMMUFD && sp->dma_limit)
		/* The engine refuses it at 'space' too; keep going. */
		return 0;

	for (i = 0; i < s->nr_groups; i++) {
		const struct scn_group *g = &s->groups[i];
		struct ioas_host_dev_state st;

		if (!g->dev[0])
			return pf_fail(
				msg, size, -EINVAL,
				"line %u: group %" PRIu32
				" has no dev= address: the kernel backend binds groups by their device",
				g->line, g->id);
		ret = ioas_host_dev_state(sysfs_root(), g->dev, &st);
		if (ret == -ENOENT)
			return pf_fail(msg, size, ret,
				       "line %u: group %" PRIu32
				       ": no PCI device %s on this host",
				       g->line, g->id, g->dev);
		if (ret)
			return pf_fail(msg, size, ret,
				       "line %u: group %" PRIu32 ": %s: %s",
				       g->line, g->id, g->dev, strerror(-ret));
		if (strcmp(st.driver, "vfio-pci"))
			return pf_fail(
				msg, size, -ENODEV,
				"line %u: group %" PRIu32
				": device %s is %s%s, not to vfio-pci (echo vfio-pci > /sys/bus/pci/devices/%s/driver_override, unbind it, then echo %s > /sys/bus/pci/drivers_probe)",
				g->line, g->id, g->dev,
				st.driver[0] ? "bound to " : "not bound",
				st.driver, g->dev, g->dev);
		if (st.group == UINT32_MAX)
			return pf_fail(
				msg, size, -ENODEV,
				"line %u: group %" PRIu32
				": device %s has no IOMMU group (no IOMMU, or it is off)",
				g->line, g->id, g->dev);
		if (sp->profile == IOAS_PROFILE_IOMMUFD && !st.cdev[0])
			return pf_fail(
				msg, size, -ENODEV,
				"line %u: group %" PRIu32
				": device %s has no VFIO cdev (a kernel without CONFIG_VFIO_DEVICE_CDEV)",
				g->line, g->id, g->dev);
	}
	if (sp->profile == IOAS_PROFILE_TYPE1) {
		struct ioas_host_vfio *c;

		ret = ioas_host_vfio_open(dev_root(), &c);
		if (ret == -ENODEV)
			return pf_fail(
				msg, size, ret,
				"%s/vfio/vfio: no VFIO type1 container (load vfio_iommu_type1 and vfio-pci)",
				dev_root());
		if (ret == -EACCES)
			return pf_fail(
				msg, size, ret,
				"%s/vfio/vfio: permission denied (run as root or get access to the VFIO container)",
				dev_root());
		if (ret)
			return pf_fail(msg, size, ret, "%s/vfio/vfio: %s",
				       dev_root(), strerror(-ret));
		ioas_host_vfio_close(c);
	} else {
		struct ioas_host_iommufd *f;

		ret = ioas_host_iommufd_open(dev_root(), &f);
		if (ret == -ENODEV)
			return pf_fail(
				msg, size, ret,
				"%s/iommu: no iommufd (this kernel lacks CONFIG_IOMMUFD; Debian's 6.12 images do)",
				dev_root());
		if (ret == -EACCES)
			return pf_fail(
				msg, size, ret,
				"%s/iommu: permission denied (run as root or get access to /dev/iommu)",
				dev_root());
		if (ret)
			return pf_fail(msg, size, ret, "%s/iommu: %s",
				       dev_root(), strerror(-ret));
		ioas_host_iommufd_close(f);
	}

	return pf_params(s, msg, size);
}

/* ------------------------------------------------------------------ */
/* the backend                                                         */

static int kbe_create(const struct scn_space *sp, void **ctx,
		      struct ioas_why *why)
{
	struct kbe *k;
	int ret;

	/* The engine's answers to a space it refuses (ioas_space_new()). */
	if (sp->profile == IOAS_PROFILE_IOMMUFD && sp->dma_limit) {
		why->what = "iommufd has no DMA entry limit";
		return -EINVAL;
	}
	if (sp->profile != IOAS_PROFILE_TYPE1 &&
	    sp->profile != IOAS_PROFILE_IOMMUFD) {
		why->what = "the kernel backend runs type1 and iommufd only";
		return -EOPNOTSUPP;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->profile = sp->profile;
	k->page = sp->page_size ? sp->page_size : 4096;
	k->hpage = sp->hpage_size ? sp->hpage_size : (UINT64_C(2) << 20);
	k->pool_align = 2 * k->hpage;
	if (k->pool_align < (UINT64_C(4) << 20))
		k->pool_align = UINT64_C(4) << 20;
	if (sp->profile == IOAS_PROFILE_TYPE1) {
		ret = ioas_host_vfio_open(dev_root(), &k->vfio);
	} else {
		ret = ioas_host_iommufd_open(dev_root(), &k->ifd);
		if (!ret) {
			ret = ioas_host_iommufd_ioas_alloc(k->ifd, &k->ioas_id);
			if (ret)
				ioas_host_iommufd_close(k->ifd);
		}
	}
	if (ret) {
		free(k);
		return ret;
	}
	*ctx = k;
	return 0;
}

/* The device file of an attached group's dev= device. */
static int kg_devfd(struct kbe *k, struct kgroup *kg, int *fd)
{
	if (k->vfio)
		return ioas_host_vfio_device(k->vfio, kg->real, kg->dev, fd);
	return ioas_host_iommufd_device(k->ifd, kg->dev_id, fd);
}

/* Disables the vector 'doorbell' enabled, if any. */
static int msi_off(struct kbe *k, struct kgroup *kg)
{
	int fd, ret;

	if (!kg->msi_on)
		return 0;
	ret = kg_devfd(k, kg, &fd);
	if (!ret)
		ret = ioas_host_msi_disable(fd, &kg->msi);
	if (!ret)
		kg->msi_on = false;
	return ret;
}

static void kbe_destroy(void *ctx)
{
	struct kbe *k = ctx;
	size_t i;

	if (!k)
		return;
	/* The kernel lets go of the pages first. */
	for (i = 0; i < k->nr_groups; i++)
		if (k->groups[i].msi_on)
			(void)msi_off(k, &k->groups[i]);
	ioas_host_vfio_close(k->vfio);
	ioas_host_iommufd_close(k->ifd);
	for (i = 0; i < k->nr_bufs; i++)
		munmap(k->bufs[i].base, k->bufs[i].len);
	free(k->bufs);
	free(k->groups);
	free(k);
}

static struct kgroup *kgroup_get(struct kbe *k, const struct scn_group *g,
				 int *err)
{
	struct ioas_host_dev_state st;
	struct kgroup *kg;
	size_t i;
	int ret;

	for (i = 0; i < k->nr_groups; i++)
		if (k->groups[i].scn_id == g->id)
			return &k->groups[i];
	ret = ioas_host_dev_state(sysfs_root(), g->dev, &st);
	if (!ret && st.group == UINT32_MAX)
		ret = -ENODEV;
	if (ret) {
		*err = ret;
		return NULL;
	}
	if (k->nr_groups == k->cap_groups) {
		size_t cap = k->cap_groups ? 2 * k->cap_groups : 4;
		struct kgroup *v = realloc(k->groups, cap * sizeof(*v));

		if (!v) {
			*err = -ENOMEM;
			return NULL;
		}
		k->groups = v;
		k->cap_groups = cap;
	}
	kg = &k->groups[k->nr_groups++];
	memset(kg, 0, sizeof(*kg));
	kg->scn_id = g->id;
	kg->real = st.group;
	snprintf(kg->dev, sizeof(kg->dev), "%s", g->dev);
	snprintf(kg->cdev, sizeof(kg->cdev), "%s", st.cdev);
	return kg;
}

/*
 * The scenario's regions for @kg against the kernel's sysfs file: 0 if
 * they say the same, -EBADMSG (and both texts on stderr) if not.
 */
static int check_regions(const struct kgroup *kg, const struct scn_group *g,
			 const struct ioas_region *r, size_t nr,
			 struct ioas_why *why)
{
	struct ioas_region_list mine = IOAS_REGION_LIST_INIT;
	char rel[64], *sys = NULL, *txt = NULL;
	size_t syslen = 0, need = 0, i;
	long n;
	int ret;

	snprintf(rel, sizeof(rel),
		 "kernel/iommu_groups/%" PRIu32 "/reserved_regions", kg->real);
	ret = read_sysfs(rel, REGIONS_MAX, &sys, &syslen);
	if (ret) {
		fprintf(stderr,
			"ioas sim: kernel backend: group %" PRIu32
			": cannot read %s/%s: %s\n",
			g->id, sysfs_root(), rel, strerror(-ret));
		return ret;
	}
	for (i = 0; !ret && i < nr; i++) {
		/* The kernel never shows PCI windows to VFIO or iommufd. */
		if (r[i].origin == IOAS_ORIGIN_PCI_WINDOW)
			continue;
		ret = ioas_region_list_insert(&mine, &r[i]);
	}
	if (!ret) {
		n = ioas_region_sysfs_print(&mine, NULL, 0, &need);
		if (n == -EMSGSIZE || n >= 0) {
			txt = malloc(need + 1);
			if (!txt)
				ret = -ENOMEM;
			else
				n = ioas_region_sysfs_print(&mine, txt,
							    need + 1, &need);
			if (!ret && n < 0)
				ret = (int)n;
		} else {
			ret = (int)n;
		}
	}
	if (!ret && (need != syslen || memcmp(txt, sys, syslen))) {
		fprintf(stderr,
			"ioas sim: kernel backend: group %" PRIu32
			" (device %s, IOMMU group %" PRIu32
			"): the scenario's region lines do not match %s/%s\n"
			"--- scenario (merged, sysfs format)\n%s"
			"--- kernel\n%s---\n",
			g->id, kg->dev, kg->real, sysfs_root(), rel,
			txt ? txt : "", sys);
		why->what =
			"the group's region lines do not match the kernel's reserved_regions";
		ret = -EBADMSG;
	}
	free(txt);
	free(sys);
	ioas_region_list_fini(&mine);
	return ret;
}

static int kbe_attach(void *ctx, const struct scn_group *g,
		      const struct ioas_region *r, size_t nr,
		      struct ioas_why *why)
{
	struct kbe *k = ctx;
	struct kgroup *kg;
	uint32_t pt;
	int ret = 0;

	kg = kgroup_get(k, g, &ret);
	if (!kg)
		return ret;
	ret = check_regions(kg, g, r, nr, why);
	if (ret)
		return ret;
	if (k->vfio) {
		ret = ioas_host_vfio_attach(k->vfio, kg->real);
		if (!ret)
			kg->attached = true;
		return ret;
	}
	if (!kg->bound) {
		ret = ioas_host_iommufd_bind(k->ifd, kg->cdev, &kg->dev_id);
		if (ret)
			return ret;
		kg->bound = true;
	}
	pt = k->ioas_id;
	ret = ioas_host_iommufd_attach(k->ifd, kg->dev_id, &pt);
	if (!ret)
		kg->attached = true;
	return ret;
}

static int kbe_detach(void *ctx, const struct scn_group *g,
		      struct ioas_why *why)
{
	struct kbe *k = ctx;
	struct kgroup *kg = NULL;
	size_t i;
	int ret;

	for (i = 0; i < k->nr_groups; i++)
		if (k->groups[i].scn_id == g->id)
			kg = &k->groups[i];
	if (!kg || !kg->attached) {
		/* A scenario-level rule, as the engine answers it. */
		why->what = "the group is not attached";
		return -ENOENT;
	}
	ret = msi_off(k, kg);
	if (ret) {
		why->what = "cannot disable the device's MSI vector before the detach";
		return ret;
	}
	if (k->vfio)
		ret = ioas_host_vfio_detach(k->vfio, kg->real);
	else
		ret = ioas_host_iommufd_detach(k->ifd, kg->dev_id);
	if (!ret)
		kg->attached = false;
	return ret;
}

static int kbe_doorbell(void *ctx, const struct scn_group *g, uint64_t phys,
			bool release, uint64_t *iova, struct ioas_why *why)
{
	struct kbe *k = ctx;
	struct kgroup *kg = NULL;
	size_t i;
	int fd, ret;

	(void)phys; /* the device's MSI controller decides */
	for (i = 0; i < k->nr_groups; i++)
		if (k->groups[i].scn_id == g->id)
			kg = &k->groups[i];
	if (!kg || !kg->attached) {
		why->what = "group is not attached";
		return -ENOENT;
	}
	if (release && !kg->msi_on) {
		why->what = "no MSI vector of the group's device was enabled by 'doorbell'";
		return -ENOENT;
	}
	ret = kg_devfd(k, kg, &fd);
	if (ret) {
		why->what = "cannot open the group's VFIO device";
		return ret;
	}
	if (!kg->msi_on) {
		ret = ioas_host_msi_enable(fd, &kg->msi);
		if (ret) {
			why->what = ret == -ENOENT ?
					    "the device has neither MSI-X nor MSI" :
					    "VFIO_DEVICE_SET_IRQS (enable vector 0) failed";
			return ret;
		}
		kg->msi_on = true;
	}
	ret = ioas_host_msi_address(sysfs_root(), dev_root(), kg->dev,
				    kg->msi.index, iova);
	if (ret) {
		why->what = kg->msi.index == IOAS_HOST_MSIX_INDEX ?
				    "cannot read MSI-X table entry 0 through /dev/mem" :
				    "cannot read the MSI capability's address";
		return ret;
	}
	if (release) {
		ret = ioas_host_msi_disable(fd, &kg->msi);
		if (ret) {
			why->what = "VFIO_DEVICE_SET_IRQS (disable) failed";
			return ret;
		}
		kg->msi_on = false;
	}
	return 0;
}

static int kbe_keep(struct kbe *k, void *base, size_t len)
{
	if (k->nr_bufs == k->cap_bufs) {
		size_t cap = k->cap_bufs ? 2 * k->cap_bufs : 8;
		struct kbuf *v = realloc(k->bufs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->bufs = v;
		k->cap_bufs = cap;
	}
	k->bufs[k->nr_bufs].base = base;
	k->bufs[k->nr_bufs].len = len;
	k->nr_bufs++;
	return 0;
}

/* Reserves @len bytes of address space aligned to @align; 0 on failure. */
static uint64_t kbe_reserve(struct kbe *k, uint64_t len, uint64_t align)
{
	uint64_t total;
	void *p;

	if (len > UINT64_MAX - align || len + align > SIZE_MAX)
		return 0;
	total = len + align;
	p = mmap(NULL, (size_t)total, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	if (kbe_keep(k, p, (size_t)total)) {
		munmap(p, (size_t)total);
		return 0;
	}
	return ((uint64_t)(uintptr_t)p + align - 1) & ~(align - 1);
}

/* The user address the kernel gets for a map of @len at scenario va @va. */
static uint64_t kbe_uptr(struct kbe *k, uint64_t va, uint64_t len)
{
	uint64_t off, base;

	/*
	 * Addresses the kernel refuses by arithmetic alone go through as
	 * they are: type1 checks vaddr + size - 1 for a wrap, iommufd
	 * user_va + length (so 2^64 exactly is already too far).
	 */
	if (len &&
	    (k->vfio ? va > UINT64_MAX - (len - 1) : va > UINT64_MAX - len))
		return va;
	off = va & (k->pool_align - 1);
	if (len <= POOL_LEN && off <= POOL_LEN - len) {
		if (!k->pool)
			k->pool = kbe_reserve(k, POOL_LEN, k->pool_align);
		if (k->pool)
			return k->pool + off;
	}
	base = len ? kbe_reserve(k, off + len, k->pool_align) : 0;
	if (base)
		return base + off;
	/*
	 * No memory for it (a length no machine has): pass the scenario's va
	 * itself, which has exactly the alignment the engine assumes (0 is
	 * aligned to everything, the engine's "naturally aligned"). The
	 * kernel refuses such a map by arithmetic or range checks before it
	 * pins; should it get as far as pinning, EFAULT shows the difference.
	 */
	return va;
}

static int kbe_map(void *ctx, struct ioas_map_req *req, struct ioas_why *why)
{
	struct kbe *k = ctx;
	uint64_t uptr, iova;
	uint32_t fl = 0;
	int ret;

	if (k->vfio) {
		if (!(req->flags & IOAS_MAP_FIXED)) {
			why->what = "type1 has no automatic IOVA allocation";
			return -EINVAL;
		}
		uptr = kbe_uptr(k, req->va, req->length);
		if (req->flags & IOAS_MAP_READ)
			fl |= IOAS_HOST_VFIO_MAP_READ;
		if (req->flags & IOAS_MAP_WRITE)
			fl |= IOAS_HOST_VFIO_MAP_WRITE;
		return ioas_host_vfio_map(k->vfio, uptr, req->iova, req->length,
					  fl);
	}
	uptr = kbe_uptr(k, req->va, req->length);
	if (req->flags & IOAS_MAP_READ)
		fl |= IOAS_HOST_IOMMUFD_READABLE;
	if (req->flags & IOAS_MAP_WRITE)
		fl |= IOAS_HOST_IOMMUFD_WRITEABLE;
	if (req->flags & IOAS_MAP_FIXED)
		fl |= IOAS_HOST_IOMMUFD_FIXED_IOVA;
	iova = req->flags & IOAS_MAP_FIXED ? req->iova : 0;
	ret = ioas_host_iommufd_map(k->ifd, k->ioas_id, fl, uptr, req->length,
				    &iova);
	if (!ret)
		req->iova = iova;
	return ret;
}

static int kbe_unmap(void *ctx, uint64_t iova, uint64_t len, uint64_t *unmapped,
		     struct ioas_why *why)
{
	struct kbe *k = ctx;

	(void)why;
	if (k->vfio)
		return ioas_host_vfio_unmap(k->vfio, iova, len, 0, unmapped);
	return ioas_host_iommufd_unmap(k->ifd, k->ioas_id, iova, len, unmapped);
}

static int kbe_unmap_all(void *ctx, uint64_t *unmapped, struct ioas_why *why)
{
	struct kbe *k = ctx;

	(void)why;
	if (k->vfio)
		return ioas_host_vfio_unmap(k->vfio, 0, 0,
					    IOAS_HOST_VFIO_UNMAP_ALL, unmapped);
	return ioas_host_iommufd_unmap(k->ifd, k->ioas_id, 0, UINT64_MAX,
				       unmapped);
}

static int kbe_allow(void *ctx, const struct ioas_range *r, size_t nr,
		     struct ioas_why *why)
{
	struct kbe *k = ctx;

	if (k->vfio) {
		why->what = "type1 has no allowed IOVA ranges";
		return -EOPNOTSUPP;
	}
	return ioas_host_iommufd_allow(k->ifd, k->ioas_id, r, nr);
}

static int kbe_copy(void *ctx, uint64_t src, uint64_t len, uint32_t flags,
		    uint64_t *dst, struct ioas_why *why)
{
	struct kbe *k = ctx;
	uint32_t fl = 0;

	if (k->vfio) {
		why->what = "type1 has no copy";
		return -EOPNOTSUPP;
	}
	if (flags & IOAS_MAP_READ)
		fl |= IOAS_HOST_IOMMUFD_READABLE;
	if (flags & IOAS_MAP_WRITE)
		fl |= IOAS_HOST_IOMMUFD_WRITEABLE;
	if (flags & IOAS_MAP_FIXED)
		fl |= IOAS_HOST_IOMMUFD_FIXED_IOVA;
	else
		*dst = 0;
	return ioas_host_iommufd_copy(k->ifd, k->ioas_id, k->ioas_id, fl, src,
				      len, dst);
}

static int kbe_usable(void *ctx, struct ioas_range_list *out,
		      struct ioas_why *why)
{
	struct kbe *k = ctx;

	(void)why;
	if (k->vfio)
		return ioas_host_vfio_usable(k->vfio, out, NULL);
	return ioas_host_iommufd_iova_ranges(k->ifd, k->ioas_id, out, NULL);
}

/*
 * VFIO_IOMMU_GET_INFO on the container ('info'): negotiated as a VMM does
 * (argsz 24, then the argsz the answer asks for), or one call with the
 * given argsz on a zeroed buffer. The raw bytes are the answer. iommufd
 * spaces have no such ioctl here (the VFIO compatibility container is not
 * built), and no kernel has ioas's own RESV_REGIONS cap.
 */
static int kbe_vfio_info(void *ctx, bool negotiate, uint32_t argsz,
			 uint32_t flags, uint8_t **out, size_t *len,
			 struct ioas_why *why)
{
	struct kbe *k = ctx;
	uint8_t hdr[24];
	uint8_t *buf;
	size_t size;
	int ret;

	if (!k->vfio) {
		why->what =
			"the kernel backend answers VFIO_IOMMU_GET_INFO for type1 only";
		return -EOPNOTSUPP;
	}
	if (flags) {
		why->what = "no kernel has ioas's RESV_REGIONS capability";
		return -EOPNOTSUPP;
	}
	if (negotiate) {
		ret = ioas_host_vfio_get_info(k->vfio, hdr, sizeof(hdr),
					      sizeof(hdr));
		if (ret)
			return ret;
		memcpy(&argsz, hdr, sizeof(argsz));
		if (argsz < sizeof(hdr) || argsz > (1u << 20)) {
			why->what = "the kernel asked for an implausible argsz";
			return -EBADMSG;
		}
	}
	size = argsz > sizeof(hdr) ? argsz : sizeof(hdr);
	buf = calloc(size, 1);
	if (!buf)
		return -ENOMEM;
	ret = ioas_host_vfio_get_info(k->vfio, buf, size, argsz);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	*len = argsz;
	return 0;
}

const struct scn_backend_ops scn_kernel_backend = {
	.name = "kernel",
	.create = kbe_create,
	.destroy = kbe_destroy,
	.attach = kbe_attach,
	.detach = kbe_detach,
	.map = kbe_map,
	.unmap = kbe_unmap,
	.unmap_all = kbe_unmap_all,
	.allow = kbe_allow,
	.copy = kbe_copy,
	.usable = kbe_usable,
	.check = NULL,
	.vfio_info = kbe_vfio_info,
	.doorbell = kbe_doorbell,
};
