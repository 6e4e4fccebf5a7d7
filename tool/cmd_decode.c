// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas decode: validate and print a binary ABI blob (doc/abi.md): a VFIO
 * VFIO_IOMMU_GET_INFO answer with its capability chain, an iommufd
 * IOMMU_IOAS_IOVA_RANGES answer in flat form, or a virtio-iommu PROBE
 * properties area. The blob is read as bytes, or as hex text with --hex
 * (what 'ioas sim' prints on its 'info' lines, the word "info" included).
 *
 * The library does every check (include/ioas/cap.h); this file only reads
 * the input, picks the decoder, and prints: one "key value" line per field
 * in wire order, records and properties in chain order with their offsets,
 * or one JSON document. A malformed blob exits 2 with the byte offset and
 * the reason, unreadable input exits 3.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ioas/ioas.h>

#include "cmds.h"
#include "output.h"

/* Blobs are at most 4 GiB by their ABIs; files this big are mistakes. */
#define DEC_MAX_FILE (64u << 20)

struct dec {
	const char *name; /* for messages */
	bool json;
	const uint8_t *b;
	size_t len;
};

static const struct {
	const char *name;
	int fmt;
} formats[] = {
	{ "vfio-info", IOAS_CAP_FORMAT_VFIO_INFO },
	{ "iommufd-ranges", IOAS_CAP_FORMAT_IOMMUFD_RANGES },
	{ "virtio-probe", IOAS_CAP_FORMAT_VIRTIO_PROBE },
	{ "auto", IOAS_CAP_FORMAT_UNKNOWN },
};

static const char *format_name(int fmt)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].fmt == fmt)
			return formats[i].name;
	return "unknown";
}

static void dec_usage(FILE *f)
{
	fprintf(f,
		"usage: ioas decode [--format FORMAT] [--hex] [--json] FILE|-\n"
		"\n"
		"Validate and print a binary ABI blob (see doc/abi.md). '-' reads\n"
		"standard input.\n"
		"\n"
		"  --format FORMAT  vfio-info       VFIO_IOMMU_GET_INFO answer and its\n"
		"                                   capability chain (host byte order)\n"
		"                   iommufd-ranges  IOMMU_IOAS_IOVA_RANGES answer, flat\n"
		"                                   form (host byte order)\n"
		"                   virtio-probe    virtio-iommu PROBE properties\n"
		"                   auto            guess from the bytes (the default)\n"
		"  --hex            the input is hex text (whitespace allowed; a\n"
		"                   leading 'info' word, as 'ioas sim' prints, is skipped)\n"
		"  --json           one JSON document instead of text\n"
		"  -h, --help       this text\n"
		"\n"
		"Exit status: 0 decoded, 2 bad usage or malformed blob (the byte\n"
		"offset and the reason are printed), 3 I/O error.\n");
}


static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Hex text to bytes, in place. Whitespace may separate digits anywhere; an
 * optional leading word "info" (an 'ioas sim' line) is skipped. On error
 * *@bad is the offending character's offset, and -EINVAL for a non-hex
 * character, -EBADMSG for an odd number of digits.
 */
static int unhex(uint8_t *s, size_t n, size_t *out, size_t *bad)
{
	size_t i = 0, o = 0;
	int hi = -1;

	while (i < n && is_space(s[i]))
		i++;
	if (n - i >= 5 && !memcmp(s + i, "info", 4) && is_space(s[i + 4]))
		i += 5;
	for (; i < n; i++) {
		int v;

		if (is_space(s[i]))
			continue;
		v = hexval(s[i]);
		if (v < 0) {
			*bad = i;
			return -EINVAL;
		}
		if (hi < 0) {
			hi = v;
			*bad = i;
		} else {
			s[o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		return -EBADMSG;
	*out = o;
	return 0;
}

static int malformed(const struct dec *d, int fmt, const struct ioas_diag *g)
{
	fprintf(stderr, "ioas decode: %s: malformed %s blob at byte %zu: %s\n",
		d->name, format_name(fmt), g->offset,
		g->reason ? g->reason : "unknown error");
	return 2;
}

static int oom(void)
{
	fprintf(stderr, "ioas decode: out of memory\n");
	return 3;
}

/* The JSON value of a u64 that may exceed 2^53: a hex string. */
static int jset_hex(json_t *o, const char *k, uint64_t v)
{
	return json_object_set_new(o, k, out_json_hex(v));
}

static int jset_int(json_t *o, const char *k, uint64_t v)
{
	return json_object_set_new(o, k, json_integer((json_int_t)v));
}

static int print_json(json_t *root)
{
	int ret = out_json_print(root, stdout);

	json_decref(root);
	return ret ? 3 : 0;
}

/* ------------------------------------------------------------------ */
/* VFIO GET_INFO                                                       */

static const char *vfio_cap_name(uint16_t id)
{
	switch (id) {
	case IOAS_CAP_ID_IOVA_RANGE:
		return "IOVA_RANGE";
	case IOAS_CAP_ID_MIGRATION:
		return "MIGRATION";
	case IOAS_CAP_ID_DMA_AVAIL:
		return "DMA_AVAIL";
	case IOAS_CAP_RESV_REGIONS:
		return "IOAS_RESV_REGIONS";
	default:
		return "unknown";
	}
}

static void put_vfio_flags(struct obuf *b, uint32_t flags)
{
	obuf_hex(b, flags);
	if (flags & IOAS_CAP_VFIO_INFO_PGSIZES)
		obuf_puts(b, " PGSIZES");
	if (flags & IOAS_CAP_VFIO_INFO_CAPS)
		obuf_puts(b, " CAPS");
	if (flags & ~(IOAS_CAP_VFIO_INFO_PGSIZES | IOAS_CAP_VFIO_INFO_CAPS))
		obuf_puts(b, " (unknown bits)");
}

static void put_resv_text(const struct ioas_cap_resv *e)
{
	char h[OUT_HEX_SIZE];
	struct obuf b = OBUF_INIT;

	obuf_range(&b, &e->region.range);
	printf("  region %s %s origin=%s prot=%s", obuf_str(&b),
	       ioas_region_type_name(e->region.type),
	       ioas_region_origin_name(e->region.origin),
	       out_hex(h, e->region.prot));
	if (e->flags & IOAS_CAP_RESV_EXCLUDED)
		printf(" excluded");
	if (e->flags & ~IOAS_CAP_RESV_EXCLUDED)
		printf(" flags=%s", out_hex(h, e->flags));
	printf("\n");
	obuf_fini(&b);
}

static json_t *resv_json(const struct ioas_cap_resv *e)
{
	json_t *o = json_object();
	int bad = !o;

	if (bad)
		return NULL;
	bad |= jset_hex(o, "start", e->region.range.start);
	bad |= jset_hex(o, "last", e->region.range.last);
	bad |= json_object_set_new(
		o, "type", json_string(ioas_region_type_name(e->region.type)));
	bad |= json_object_set_new(
		o, "origin",
		json_string(ioas_region_origin_name(e->region.origin)));
	bad |= jset_int(o, "origin_value", e->region.origin);
	bad |= jset_hex(o, "prot", e->region.prot);
	bad |= jset_hex(o, "flags", e->flags);
	bad |= json_object_set_new(
		o, "excluded", json_boolean(e->flags & IOAS_CAP_RESV_EXCLUDED));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *ranges_json(const struct ioas_range *r, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, out_json_range(&r[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The fields of one cap, as text lines or into @o. */
static int vfio_cap_body(const struct ioas_cap_vfio_info *vi,
			 const struct ioas_cap_header *h,
			 const struct ioas_range *iovas,
			 const struct ioas_cap_resv *resv, json_t *o)
{
	char x[OUT_HEX_SIZE];
	struct obuf b = OBUF_INIT;
	int bad = 0;
	uint32_t i;

	if (h->off == vi->off_migration) {
		if (!o) {
			printf("  flags %s\n", out_hex(x, vi->mig_flags));
			printf("  pgsize_bitmap %s\n",
			       out_hex(x, vi->mig_pgsize_bitmap));
			printf("  max_dirty_bitmap_size %s\n",
			       out_hex(x, vi->mig_max_dirty_bitmap_size));
			return 0;
		}
		bad |= jset_hex(o, "flags", vi->mig_flags);
		bad |= jset_hex(o, "pgsize_bitmap", vi->mig_pgsize_bitmap);
		bad |= jset_hex(o, "max_dirty_bitmap_size",
				vi->mig_max_dirty_bitmap_size);
	} else if (h->off == vi->off_dma_avail) {
		if (!o) {
			printf("  avail %" PRIu32 "\n", vi->dma_avail);
			return 0;
		}
		bad |= jset_int(o, "avail", vi->dma_avail);
	} else if (h->off == vi->off_iova_range) {
		if (!o) {
			printf("  nr_iovas %" PRIu32 "\n", vi->nr_iovas);
			for (i = 0; i < vi->nr_iovas; i++) {
				obuf_reset(&b);
				obuf_range(&b, &iovas[i]);
				bad |= b.oom;
				printf("  iova %s\n", obuf_str(&b));
			}
			obuf_fini(&b);
			return bad ? -ENOMEM : 0;
		}
		bad |= jset_int(o, "nr_iovas", vi->nr_iovas);
		bad |= json_object_set_new(o, "iovas",
					   ranges_json(iovas, vi->nr_iovas));
	} else if (h->off == vi->off_resv) {
		if (!o) {
			printf("  nr_regions %" PRIu32 " entry_size %" PRIu32
			       "\n",
			       vi->nr_resv, vi->resv_entry_size);
			for (i = 0; i < vi->nr_resv; i++)
				put_resv_text(&resv[i]);
			return 0;
		}
		{
			json_t *a = json_array();

			bad |= jset_int(o, "nr_regions", vi->nr_resv);
			bad |= jset_int(o, "entry_size", vi->resv_entry_size);
			bad |= json_object_set_new(o, "regions", a);
			for (i = 0; a && i < vi->nr_resv; i++)
				bad |= json_array_append_new(
					a, resv_json(&resv[i]));
		}
	}
	return bad ? -ENOMEM : 0;
}

static bool vfio_cap_known(const struct ioas_cap_vfio_info *vi, uint32_t off)
{
	return off == vi->off_migration || off == vi->off_dma_avail ||
	       off == vi->off_iova_range || off == vi->off_resv;
}

static int decode_vfio(const struct dec *d)
{
	struct ioas_cap_vfio_info vi = { .size = sizeof(vi) };
	struct ioas_range *iovas = NULL;
	struct ioas_cap_resv *resv = NULL;
	struct ioas_cap_header h;
	struct ioas_diag diag;
	struct obuf b = OBUF_INIT;
	json_t *root = NULL, *caps = NULL;
	uint32_t pos;
	int ret, rc = 0, bad = 0;

	ret = ioas_cap_vfio_info_decode(d->b, d->len, &vi, NULL, 0, NULL, 0,
					&diag);
	if (ret == -EBADMSG)
		return malformed(d, IOAS_CAP_FORMAT_VFIO_INFO, &diag);
	iovas = calloc(vi.nr_iovas ? vi.nr_iovas : 1, sizeof(*iovas));
	resv = calloc(vi.nr_resv ? vi.nr_resv : 1, sizeof(*resv));
	if (!iovas || !resv) {
		rc = oom();
		goto out;
	}
	ret = ioas_cap_vfio_info_decode(d->b, d->len, &vi, iovas, vi.nr_iovas,
					resv, vi.nr_resv, NULL);
	if (ret) { /* cannot happen: the same blob, enough room */
		rc = oom();
		goto out;
	}

	if (d->json) {
		root = json_object();
		caps = json_array();
		if (!root || !caps) {
			json_decref(caps);
			rc = oom();
			goto out;
		}
		bad |= json_object_set_new(root, "format",
					   json_string("vfio-info"));
		bad |= jset_int(root, "size", d->len);
		bad |= jset_int(root, "argsz", vi.argsz);
		bad |= jset_hex(root, "flags", vi.flags);
		bad |= jset_hex(root, "iova_pgsizes", vi.iova_pgsizes);
		bad |= jset_int(root, "cap_offset", vi.cap_offset);
		bad |= json_object_set_new(root, "complete",
					   json_boolean(!vi.needed));
		bad |= jset_int(root, "needed", vi.needed);
		bad |= json_object_set_new(root, "caps", caps);
	} else {
		printf("format vfio-info\n");
		if (vi.needed)
			printf("argsz %" PRIu32
			       " (more than the %zu bytes given: retry with argsz %" PRIu32
			       ")\n",
			       vi.argsz, d->len, vi.needed);
		else
			printf("argsz %" PRIu32 "\n", vi.argsz);
		put_vfio_flags(&b, vi.flags);
		printf("flags %s\n", obuf_str(&b));
		obuf_reset(&b);
		obuf_hex(&b, vi.iova_pgsizes);
		printf("iova_pgsizes %s\n", obuf_str(&b));
		if (d->len >= 20)
			printf("cap_offset %" PRIu32 "\n", vi.cap_offset);
		else
			printf("cap_offset (not returned: the answer is %zu bytes)\n",
			       d->len);
	}

	pos = vi.cap_offset;
	while (!bad && ioas_cap_next(d->b, vi.argsz, &pos, &h, NULL) > 0) {
		bool known = vfio_cap_known(&vi, h.off);
		json_t *o = NULL;

		if (d->json) {
			o = json_object();
			bad |= !o || json_array_append_new(caps, o);
			if (bad)
				break;
			bad |= jset_int(o, "offset", h.off);
			bad |= jset_int(o, "id", h.id);
			bad |= json_object_set_new(
				o, "name", json_string(vfio_cap_name(h.id)));
			bad |= jset_int(o, "version", h.version);
			bad |= jset_int(o, "next", h.next);
			bad |= json_object_set_new(o, "known",
						   json_boolean(known));
		} else {
			printf("cap %" PRIu32 " id %#" PRIx16
			       " %s version %" PRIu16 " next %" PRIu32 "%s\n",
			       h.off, h.id, vfio_cap_name(h.id), h.version,
			       h.next,
			       known ? "" :
			       strcmp(vfio_cap_name(h.id), "unknown") ?
				       " (version not understood, skipped)" :
				       " (skipped)");
		}
		if (known && vfio_cap_body(&vi, &h, iovas, resv, o))
			bad = 1;
	}
	if (bad || b.oom) {
		rc = oom();
		goto out;
	}
	if (d->json) {
		rc = print_json(root);
		root = NULL;
	}
out:
	json_decref(root);
	obuf_fini(&b);
	free(iovas);
	free(resv);
	return rc;
}

/* ------------------------------------------------------------------ */
/* iommufd IOVA_RANGES                                                 */

static int decode_iommufd(const struct dec *d)
{
	struct ioas_cap_iommufd_ranges ir = { .size = sizeof(ir) };
	struct ioas_range *r;
	struct ioas_diag diag;
	char x[OUT_HEX_SIZE];
	int ret, rc = 0;
	uint32_t i;

	ret = ioas_cap_iommufd_ranges_decode(d->b, d->len, &ir, NULL, 0, &diag);
	if (ret == -EBADMSG)
		return malformed(d, IOAS_CAP_FORMAT_IOMMUFD_RANGES, &diag);
	r = calloc(ir.nr_present ? ir.nr_present : 1, sizeof(*r));
	if (!r)
		return oom();
	if (ioas_cap_iommufd_ranges_decode(d->b, d->len, &ir, r, ir.nr_present,
					   NULL)) {
		free(r);
		return oom();
	}
	if (d->json) {
		json_t *root = json_object();
		int bad = !root;

		if (!bad) {
			bad |= json_object_set_new(
				root, "format", json_string("iommufd-ranges"));
			bad |= jset_int(root, "size", d->len);
			bad |= jset_int(root, "cmd_size", ir.cmd_size);
			bad |= jset_int(root, "ioas_id", ir.ioas_id);
			bad |= jset_int(root, "num_iovas", ir.num_iovas);
			bad |= jset_hex(root, "allowed_iovas",
					ir.allowed_iovas);
			bad |= jset_hex(root, "out_iova_alignment",
					ir.out_iova_alignment);
			bad |= json_object_set_new(root, "complete",
						   json_boolean(ir.nr_present ==
								ir.num_iovas));
			bad |= jset_int(root, "nr_present", ir.nr_present);
			bad |= json_object_set_new(
				root, "iovas", ranges_json(r, ir.nr_present));
		}
		free(r);
		if (bad) {
			json_decref(root);
			return oom();
		}
		return print_json(root);
	}
	printf("format iommufd-ranges\n");
	printf("size %" PRIu32 "\n", ir.cmd_size);
	printf("ioas_id %" PRIu32 "\n", ir.ioas_id);
	if (ir.nr_present < ir.num_iovas)
		printf("num_iovas %" PRIu32 " (the blob holds %" PRIu32
		       ": the kernel returned EMSGSIZE; retry with room for %" PRIu32
		       ")\n",
		       ir.num_iovas, ir.nr_present, ir.num_iovas);
	else
		printf("num_iovas %" PRIu32 "\n", ir.num_iovas);
	printf("allowed_iovas %s\n", out_hex(x, ir.allowed_iovas));
	printf("out_iova_alignment %s\n", out_hex(x, ir.out_iova_alignment));
	for (i = 0; i < ir.nr_present; i++) {
		struct obuf b = OBUF_INIT;

		obuf_range(&b, &r[i]);
		if (b.oom)
			rc = 3;
		printf("iova %s\n", obuf_str(&b));
		obuf_fini(&b);
	}
	free(r);
	return rc ? oom() : 0;
}

/* ------------------------------------------------------------------ */
/* virtio-iommu PROBE                                                  */

static const char *subtype_name(uint32_t st)
{
	switch (st) {
	case IOAS_CAP_VIRTIO_RESV_RESERVED:
		return "reserved";
	case IOAS_CAP_VIRTIO_RESV_MSI:
		return "msi";
	default:
		return "unknown (read as reserved)";
	}
}

static json_t *prop_json(const struct ioas_cap_virtio_prop *p)
{
	json_t *o = json_object();
	int bad = !o;

	if (bad)
		return NULL;
	bad |= jset_int(o, "offset", p->off);
	bad |= jset_int(o, "type", p->type);
	bad |= json_object_set_new(
		o, "name", json_string(p->known ? "RESV_MEM" : "unknown"));
	bad |= jset_hex(o, "raw_type", p->raw_type);
	bad |= jset_int(o, "length", p->length);
	bad |= json_object_set_new(o, "known", json_boolean(p->known));
	if (p->known) {
		bad |= jset_int(o, "subtype", p->resv.subtype);
		bad |= json_object_set_new(o, "region_type",
					   json_string(ioas_region_type_name(
						   p->resv.region.type)));
		bad |= jset_hex(o, "start", p->resv.region.range.start);
		bad |= jset_hex(o, "last", p->resv.region.range.last);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int decode_virtio(const struct dec *d)
{
	struct ioas_cap_virtio_probe vp = { .size = sizeof(vp) };
	struct ioas_cap_virtio_prop p;
	struct ioas_diag diag;
	json_t *root = NULL, *props = NULL;
	size_t pos = 0;
	int ret, bad = 0;

	if (d->len > UINT32_MAX) {
		fprintf(stderr,
			"ioas decode: %s: a probe area is at most 4 GiB (probe_size is 32 bits)\n",
			d->name);
		return 2;
	}
	ret = ioas_cap_virtio_probe_decode(d->b, d->len, &vp, NULL, 0, &diag);
	if (ret == -EBADMSG)
		return malformed(d, IOAS_CAP_FORMAT_VIRTIO_PROBE, &diag);
	if (d->json) {
		root = json_object();
		props = json_array();
		if (!root || !props) {
			json_decref(root);
			json_decref(props);
			return oom();
		}
		bad |= json_object_set_new(root, "format",
					   json_string("virtio-probe"));
		bad |= jset_int(root, "size", d->len);
		bad |= json_object_set_new(root, "props", props);
	} else {
		printf("format virtio-probe\n");
		printf("size %zu\n", d->len);
	}
	while (!bad && ioas_cap_virtio_next(d->b, d->len, &pos, &p, NULL) > 0) {
		char x[OUT_HEX_SIZE];
		struct obuf b = OBUF_INIT;

		if (d->json) {
			bad |= json_array_append_new(props, prop_json(&p));
			continue;
		}
		printf("prop %" PRIu32 " type %" PRIu16 " %s", p.off, p.type,
		       p.known ? "RESV_MEM" : "unknown");
		if (p.raw_type != p.type)
			printf(" (raw %s)", out_hex(x, p.raw_type));
		printf(" length %" PRIu32 "%s\n", p.length,
		       p.known ? "" : " (skipped)");
		if (!p.known)
			continue;
		printf("  subtype %" PRIu32 " %s\n", p.resv.subtype,
		       subtype_name(p.resv.subtype));
		obuf_range(&b, &p.resv.region.range);
		printf("  range %s\n", obuf_str(&b));
		bad |= b.oom;
		obuf_fini(&b);
	}
	if (d->json) {
		bad |= jset_int(root, "end", vp.end);
		bad |= json_object_set_new(root, "terminated",
					   json_boolean(vp.terminated));
		if (bad) {
			json_decref(root);
			return oom();
		}
		return print_json(root);
	}
	if (bad)
		return oom();
	printf("end %" PRIu32 " (%s)\n", vp.end,
	       vp.terminated ? "NONE" : "end of the area");
	return 0;
}

/* ------------------------------------------------------------------ */

int cmd_decode(int argc, char **argv)
{
	struct dec d = { 0 };
	const char *path = NULL;
	int fmt = IOAS_CAP_FORMAT_UNKNOWN, ret, i;
	bool hex = false;
	uint8_t *buf = NULL;
	size_t len = 0;
	void *vbuf;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			dec_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--json")) {
			d.json = true;
		} else if (!strcmp(a, "--hex")) {
			hex = true;
		} else if (!strcmp(a, "--format") ||
			   !strncmp(a, "--format=", 9)) {
			const char *v =
				a[8] == '=' ? a + 9 :
					      (i + 1 < argc ? argv[++i] : NULL);
			size_t k;

			if (!v) {
				fprintf(stderr,
					"ioas decode: --format needs a name\n");
				return 2;
			}
			for (k = 0; k < sizeof(formats) / sizeof(formats[0]);
			     k++)
				if (!strcmp(v, formats[k].name))
					break;
			if (k == sizeof(formats) / sizeof(formats[0])) {
				fprintf(stderr,
					"ioas decode: unknown format '%s' (expected vfio-info, iommufd-ranges, virtio-probe or auto)\n",
					v);
				return 2;
			}
			fmt = formats[k].fmt;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "ioas decode: unknown option '%s'\n",
				a);
			dec_usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr,
				"ioas decode: more than one file given\n");
			dec_usage(stderr);
			return 2;
		} else {
			path = a;
		}
	}
	if (!path) {
		fprintf(stderr, "ioas decode: no file given\n");
		dec_usage(stderr);
		return 2;
	}

	d.name = strcmp(path, "-") ? path : "<stdin>";
	ret = read_input(path, DEC_MAX_FILE, &vbuf, &len);
	if (!ret)
		buf = vbuf;
	if (ret == -EFBIG) {
		fprintf(stderr, "ioas decode: %s: larger than %u MiB\n", d.name,
			DEC_MAX_FILE >> 20);
		return 2;
	}
	if (ret) {
		fprintf(stderr, "ioas decode: %s: %s\n", d.name,
			strerror(-ret));
		return 3;
	}
	if (hex) {
		size_t bad_at = 0;

		ret = unhex(buf, len, &len, &bad_at);
		if (ret) {
			if (ret == -EINVAL)
				fprintf(stderr,
					"ioas decode: %s: not hex at character %zu (0x%02x)\n",
					d.name, bad_at, buf[bad_at]);
			else
				fprintf(stderr,
					"ioas decode: %s: odd number of hex digits (the last one at character %zu)\n",
					d.name, bad_at);
			free(buf);
			return 2;
		}
	}
	d.b = buf;
	d.len = len;
	if (fmt == IOAS_CAP_FORMAT_UNKNOWN) {
		fmt = ioas_cap_detect(buf, len);
		if (fmt == IOAS_CAP_FORMAT_UNKNOWN) {
			fprintf(stderr,
				"ioas decode: %s: cannot tell the format of these %zu bytes; use --format\n",
				d.name, len);
			free(buf);
			return 2;
		}
	}
	switch (fmt) {
	case IOAS_CAP_FORMAT_VFIO_INFO:
		ret = decode_vfio(&d);
		break;
	case IOAS_CAP_FORMAT_IOMMUFD_RANGES:
		ret = decode_iommufd(&d);
		break;
	default:
		ret = decode_virtio(&d);
		break;
	}
	free(buf);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ioas decode: write error\n");
		return 3;
	}
	return ret;
}
