// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scenario language: parser, executor, text formatter and the engine
 * backend (see scenario.h for the split and doc/scenario.md for the
 * language).
 *
 * Parser. The input is untrusted bytes. It is cut into lines at '\n'; a
 * line longer than SCN_MAX_LINE bytes or holding a NUL byte is rejected
 * before it is looked at. Tokens are runs of bytes other than space, tab
 * and CR (so CRLF files work); a token starting with '#' starts a comment.
 * Numbers go through parse_u64_n()/parse_range_n(), which check overflow
 * and trailing junk. Every check that needs no execution is made here, so
 * that a file either runs whole or is rejected whole with one
 * "LINE: reason" naming the bad token. Declared groups and regions per
 * group and in all are capped (SCN_MAX_GROUPS, SCN_MAX_REGIONS,
 * SCN_MAX_REGIONS_TOTAL) so that no command costs more than a few thousand
 * steps, however hostile the file.
 *
 * Values the kernel itself rejects (a zero map size, an unaligned IOVA, a
 * single-byte allowed range, a map with no permission) are NOT parse
 * errors: scenarios exist to reproduce those answers.
 *
 * Executor. Commands run in order through a struct scn_backend_ops. The
 * executor keeps the scenario's model: each group's region lines so far
 * (given to the backend at attach), which groups are attached or were
 * detached, and the allowed list. It uses that model, not the backend, to
 * name the region or aperture behind an error when the backend only says
 * "not inside a usable range" (VFIO type1 keeps no regions, only an iova
 * list), so the sentences do not depend on the backend. Each expect line
 * checks the result of the closest command above it that is not an expect.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/ioas.h>
#include <ioas/msi.h>

#include "output.h"
#include "parse.h"
#include "scenario.h"

#define SCN_MAX_TOKENS (SCN_MAX_LINE / 2 + 1)
#define SCN_MAX_GROUPS 1024
#define SCN_MAX_REGIONS 1024
#define SCN_MAX_REGIONS_TOTAL 4096
/* Bytes of a bad token quoted in a message. */
#define QMAX 48

/* ------------------------------------------------------------------ */
/* parser                                                              */

struct tok {
	const char *s;
	size_t n;
};

struct pstate {
	struct scn *scn;
	size_t cap_cmds;
	size_t cap_groups;
	size_t *nr_regions; /* per group, parallel to scn->groups */
	size_t nr_regions_total;
	struct scn_diag *diag;
	unsigned int line;
	struct tok tok[SCN_MAX_TOKENS];
	size_t ntok;
	size_t target; /* last command that is not an expect */
	const char *cmd; /* name of the command being parsed */
};

static bool tok_eq(const struct tok *t, const char *s)
{
	size_t n = strlen(s);

	return t->n == n && !memcmp(t->s, s, n);
}

/* Splits "key=value"; false if there is no '='. */
static bool tok_kv(const struct tok *t, struct tok *k, struct tok *v)
{
	const char *eq = memchr(t->s, '=', t->n);

	if (!eq)
		return false;
	k->s = t->s;
	k->n = (size_t)(eq - t->s);
	v->s = eq + 1;
	v->n = t->n - k->n - 1;
	return true;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct pstate *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->diag) {
		ps->diag->line = ps->line;
		va_start(ap, fmt);
		vsnprintf(ps->diag->reason, sizeof(ps->diag->reason), fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/* "<cmd>: <what> '<token>'[: <why>]" */
static int fail_tok(struct pstate *ps, const char *what, const struct tok *t,
		    const char *why)
{
	struct obuf b = OBUF_INIT;
	int ret;

	obuf_quoted(&b, t->s, t->n, QMAX);
	if (b.oom) {
		obuf_fini(&b);
		return -ENOMEM;
	}
	ret = fail(ps, "%s%s%s %s%s%s", ps->cmd ? ps->cmd : "",
		   ps->cmd ? ": " : "", what, obuf_str(&b), why ? ": " : "",
		   why ? why : "");
	obuf_fini(&b);
	return ret;
}

static int p_num(struct pstate *ps, const char *what, const struct tok *t,
		 uint64_t *v)
{
	int ret = parse_u64_n(t->s, t->n, v);

	if (ret == -EOVERFLOW)
		return fail_tok(ps, what, t, "number does not fit in 64 bits");
	if (ret)
		return fail_tok(ps, what, t, "not a number");
	return 0;
}

static int p_range(struct pstate *ps, const char *what, const struct tok *t,
		   struct ioas_range *r)
{
	int ret = parse_range_n(t->s, t->n, r);

	if (ret == -EOVERFLOW)
		return fail_tok(ps, what, t, "does not fit in 64 bits");
	if (ret)
		return fail_tok(
			ps, what, t,
			"expected <start>-<last> (start <= last) or <start>+<size> (size > 0)");
	return 0;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int p_need_args(struct pstate *ps, size_t min, size_t max,
		       const char *usage)
{
	if (ps->ntok - 1 < min)
		return fail(ps, "%s: missing arguments (usage: %s)", ps->cmd,
			    usage);
	if (ps->ntok - 1 > max) {
		char why[128];

		snprintf(why, sizeof(why), "usage: %s", usage);
		return fail_tok(ps, "unexpected argument", &ps->tok[1 + max],
				why);
	}
	return 0;
}

static long p_group_find(struct pstate *ps, uint32_t id)
{
	size_t i;

	for (i = 0; i < ps->scn->nr_groups; i++)
		if (ps->scn->groups[i].id == id)
			return (long)i;
	return -1;
}

/* A group id that must already be declared. */
static int p_group_ref(struct pstate *ps, const struct tok *t, size_t *idx)
{
	uint64_t v;
	long i;
	int ret;

	ret = p_num(ps, "bad group id", t, &v);
	if (ret)
		return ret;
	if (v > UINT32_MAX)
		return fail_tok(ps, "bad group id", t, "larger than 2^32-1");
	i = p_group_find(ps, (uint32_t)v);
	if (i < 0)
		return fail_tok(
			ps, "group", t,
			"not declared (add a 'group' line before this one)");
	*idx = (size_t)i;
	return 0;
}

/* r, w, rw (or wr) and none; false if @t is none of them. */
static bool p_prot(const struct tok *t, uint32_t *flags)
{
	if (tok_eq(t, "r"))
		*flags = IOAS_MAP_READ;
	else if (tok_eq(t, "w"))
		*flags = IOAS_MAP_WRITE;
	else if (tok_eq(t, "rw") || tok_eq(t, "wr"))
		*flags = IOAS_MAP_READ | IOAS_MAP_WRITE;
	else if (tok_eq(t, "none"))
		*flags = 0;
	else
		return false;
	return true;
}

static bool hex_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	return n > 0;
}

/* [DDDD:]BB:DD.F, hex, case-insensitive; domain 4 to 8 digits. */
static bool p_pci_addr(const struct tok *t)
{
	const char *s = t->s;
	size_t n = t->n;
	uint64_t dev;

	if (n > 7) {
		size_t dom = n - 8;

		if (dom < 4 || dom > 8 || s[dom] != ':' || !hex_digits(s, dom))
			return false;
		s += dom + 1;
		n = 7;
	}
	if (n != 7 || s[2] != ':' || s[5] != '.' || !hex_digits(s, 2) ||
	    !hex_digits(s + 3, 2) || s[6] < '0' || s[6] > '7')
		return false;
	if (parse_u64_n((char[]){ '0', 'x', s[3], s[4] }, 4, &dev))
		return false;
	return dev <= 0x1f;
}

static int p_space(struct pstate *ps, struct scn_cmd *c)
{
	struct scn_space *sp = &ps->scn->space;
	bool have_ap = false, have_pg = false, have_limit = false;
	bool have_page = false, have_hpage = false;
	const struct tok *pt;
	size_t i;
	int ret;

	(void)c;
	if (ps->ntok < 2)
		return fail(
			ps,
			"space: missing profile (usage: space <type1|iommufd|native> aperture=<start>-<last> pgsizes=<mask> ...)");
	pt = &ps->tok[1];
	if (tok_eq(pt, "type1"))
		sp->profile = IOAS_PROFILE_TYPE1;
	else if (tok_eq(pt, "iommufd"))
		sp->profile = IOAS_PROFILE_IOMMUFD;
	else if (tok_eq(pt, "native"))
		sp->profile = IOAS_PROFILE_NATIVE;
	else
		return fail_tok(ps, "unknown profile", pt,
				"expected type1, iommufd or native");
	sp->page_size = 4096;
	sp->hpage_size = 2u << 20;

	for (i = 2; i < ps->ntok; i++) {
		const struct tok *t = &ps->tok[i];
		struct tok k, v;
		uint64_t n;

		if (tok_eq(t, "unsafe-interrupts")) {
			if (sp->unsafe_interrupts)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			sp->unsafe_interrupts = true;
			continue;
		}
		if (!tok_kv(t, &k, &v))
			return fail_tok(
				ps, "unknown option", t,
				"expected aperture=, pgsizes=, dma-limit=, page=, hpage= or unsafe-interrupts");
		if (tok_eq(&k, "aperture")) {
			if (have_ap)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_range(ps, "bad aperture", &v, &sp->aperture);
			if (ret)
				return ret;
			have_ap = true;
		} else if (tok_eq(&k, "pgsizes")) {
			if (have_pg)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_num(ps, "bad pgsizes", &v, &sp->pgsizes);
			if (ret)
				return ret;
			if (!sp->pgsizes)
				return fail_tok(ps, "bad pgsizes", &v,
						"no page size in the mask");
			have_pg = true;
		} else if (tok_eq(&k, "dma-limit")) {
			if (have_limit)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_num(ps, "bad dma-limit", &v, &n);
			if (ret)
				return ret;
			if (n > UINT32_MAX)
				return fail_tok(ps, "bad dma-limit", &v,
						"larger than 2^32-1");
			sp->dma_limit = (uint32_t)n;
			have_limit = true;
		} else if (tok_eq(&k, "page")) {
			if (have_page)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_num(ps, "bad page", &v, &sp->page_size);
			if (ret)
				return ret;
			if (!is_pow2(sp->page_size))
				return fail_tok(ps, "bad page", &v,
						"not a power of two");
			have_page = true;
		} else if (tok_eq(&k, "hpage")) {
			if (have_hpage)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_num(ps, "bad hpage", &v, &sp->hpage_size);
			if (ret)
				return ret;
			if (!is_pow2(sp->hpage_size))
				return fail_tok(ps, "bad hpage", &v,
						"not a power of two");
			have_hpage = true;
		} else {
			return fail_tok(
				ps, "unknown option", t,
				"expected aperture=, pgsizes=, dma-limit=, page=, hpage= or unsafe-interrupts");
		}
	}
	if (!have_ap)
		return fail(ps, "space: missing aperture=<start>-<last>");
	if (!have_pg)
		return fail(ps, "space: missing pgsizes=<mask>");
	if (sp->hpage_size < sp->page_size)
		return fail(ps,
			    "space: hpage=0x%" PRIx64
			    " is smaller than page=0x%" PRIx64,
			    sp->hpage_size, sp->page_size);
	return 0;
}

static int p_group(struct pstate *ps, struct scn_cmd *c)
{
	struct scn *s = ps->scn;
	bool have_ap = false, have_pg = false;
	bool have_irq = false, have_dev = false;
	struct scn_group g = { 0 };
	uint64_t id;
	size_t i;
	long old;
	int ret;

	if (ps->ntok < 2)
		return fail(
			ps,
			"group: missing id (usage: group <id> [aperture=<s>-<l>] [pgsizes=<mask>] [irq-remap=yes|no] [dev=<pci-address>])");
	ret = p_num(ps, "bad group id", &ps->tok[1], &id);
	if (ret)
		return ret;
	if (id > UINT32_MAX)
		return fail_tok(ps, "bad group id", &ps->tok[1],
				"larger than 2^32-1");
	old = p_group_find(ps, (uint32_t)id);
	if (old >= 0)
		return fail(ps,
			    "group: group %" PRIu64
			    " is already declared at line %u",
			    id, s->groups[old].line);
	if (s->nr_groups >= SCN_MAX_GROUPS)
		return fail(ps, "group: too many groups (at most %d)",
			    SCN_MAX_GROUPS);
	g.id = (uint32_t)id;
	g.line = ps->line;
	g.aperture = s->space.aperture;
	g.pgsizes = s->space.pgsizes;
	g.irq_remap = true;

	for (i = 2; i < ps->ntok; i++) {
		const struct tok *t = &ps->tok[i];
		struct tok k, v;

		if (!tok_kv(t, &k, &v))
			return fail_tok(
				ps, "unknown option", t,
				"expected aperture=, pgsizes=, irq-remap= or dev=");
		if (tok_eq(&k, "aperture")) {
			if (have_ap)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_range(ps, "bad aperture", &v, &g.aperture);
			if (ret)
				return ret;
			have_ap = true;
		} else if (tok_eq(&k, "pgsizes")) {
			if (have_pg)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_num(ps, "bad pgsizes", &v, &g.pgsizes);
			if (ret)
				return ret;
			if (!g.pgsizes)
				return fail_tok(ps, "bad pgsizes", &v,
						"no page size in the mask");
			have_pg = true;
		} else if (tok_eq(&k, "irq-remap")) {
			if (have_irq)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			if (tok_eq(&v, "yes"))
				g.irq_remap = true;
			else if (tok_eq(&v, "no"))
				g.irq_remap = false;
			else
				return fail_tok(ps, "bad irq-remap", &v,
						"expected yes or no");
			have_irq = true;
		} else if (tok_eq(&k, "dev")) {
			if (have_dev)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			if (v.n >= SCN_DEV_MAX || !p_pci_addr(&v))
				return fail_tok(
					ps, "bad dev", &v,
					"expected a PCI address [DDDD:]BB:DD.F");
			memcpy(g.dev, v.s, v.n);
			g.dev[v.n] = '\0';
			have_dev = true;
		} else {
			return fail_tok(
				ps, "unknown option", t,
				"expected aperture=, pgsizes=, irq-remap= or dev=");
		}
	}

	if (s->nr_groups == ps->cap_groups) {
		size_t cap = ps->cap_groups ? 2 * ps->cap_groups : 8;
		struct scn_group *v = realloc(s->groups, cap * sizeof(*v));
		size_t *nr;

		if (!v)
			return -ENOMEM;
		s->groups = v;
		nr = realloc(ps->nr_regions, cap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		ps->nr_regions = nr;
		ps->cap_groups = cap;
	}
	s->groups[s->nr_groups] = g;
	ps->nr_regions[s->nr_groups] = 0;
	c->group = s->nr_groups++;
	return 0;
}

static int p_region(struct pstate *ps, struct scn_cmd *c)
{
	struct ioas_region *r = &c->region;
	bool have_origin = false;
	size_t i;
	int ret;

	if (ps->ntok < 5)
		return fail(
			ps,
			"region: missing arguments (usage: region <group> <type> <start> <last> [origin=<name>])");
	ret = p_group_ref(ps, &ps->tok[1], &c->group);
	if (ret)
		return ret;
	if (ioas_region_type_parse_n(ps->tok[2].s, ps->tok[2].n, &r->type))
		return fail_tok(
			ps, "unknown region type", &ps->tok[2],
			"expected direct, direct-relaxable, reserved, msi or sw-msi");
	ret = p_num(ps, "bad start", &ps->tok[3], &r->range.start);
	if (ret)
		return ret;
	ret = p_num(ps, "bad last", &ps->tok[4], &r->range.last);
	if (ret)
		return ret;
	if (r->range.start > r->range.last)
		return fail(ps,
			    "region: start 0x%" PRIx64
			    " is above last 0x%" PRIx64
			    " (last is the inclusive last byte)",
			    r->range.start, r->range.last);
	r->origin = IOAS_ORIGIN_USER;
	for (i = 5; i < ps->ntok; i++) {
		const struct tok *t = &ps->tok[i];
		struct tok k, v;

		if (!tok_kv(t, &k, &v) || !tok_eq(&k, "origin"))
			return fail_tok(ps, "unknown option", t,
					"expected origin=<name>");
		if (have_origin)
			return fail_tok(ps, "duplicate option", t, NULL);
		if (ioas_region_origin_parse_n(v.s, v.n, &r->origin))
			return fail_tok(
				ps, "unknown origin", &v,
				"e.g. user, x86-msi, smmu-sw-msi, rmrr, amd-ht (see doc/scenario.md)");
		have_origin = true;
	}
	if (ps->nr_regions[c->group] >= SCN_MAX_REGIONS)
		return fail(ps,
			    "region: too many regions for group %" PRIu32
			    " (at most %d)",
			    ps->scn->groups[c->group].id, SCN_MAX_REGIONS);
	if (ps->nr_regions_total >= SCN_MAX_REGIONS_TOTAL)
		return fail(ps, "region: too many regions (at most %d in all)",
			    SCN_MAX_REGIONS_TOTAL);
	ps->nr_regions[c->group]++;
	ps->nr_regions_total++;
	return 0;
}

static int p_attach(struct pstate *ps, struct scn_cmd *c)
{
	int ret = p_need_args(ps, 1, 1,
			      c->op == SCN_ATTACH ? "attach <group>" :
						    "detach <group>");

	if (ret)
		return ret;
	return p_group_ref(ps, &ps->tok[1], &c->group);
}

/*
 * doorbell <group> <phys> | its=<base> | gicv2m=<base>: the doorbell's
 * physical address, given directly or by its interrupt controller (GICv3
 * ITS: GITS_TRANSLATER at base + 0x10040; GICv2m: MSI_SETSPI_NS at frame
 * base + 0x40).
 */
static int p_doorbell(struct pstate *ps, struct scn_cmd *c)
{
	const struct tok *t;
	uint64_t base, add = 0;
	int ret = p_need_args(ps, 2, 2,
			      c->op == SCN_DOORBELL ?
				      "doorbell <group> <phys|its=<base>|gicv2m=<base>>" :
				      "doorbell-free <group> <phys|its=<base>|gicv2m=<base>>");

	if (ret)
		return ret;
	ret = p_group_ref(ps, &ps->tok[1], &c->group);
	if (ret)
		return ret;
	t = &ps->tok[2];
	if (t->n > 4 && !memcmp(t->s, "its=", 4)) {
		struct tok v = { t->s + 4, t->n - 4 };

		ret = p_num(ps, "bad ITS base", &v, &base);
		add = 0x10040;
	} else if (t->n > 7 && !memcmp(t->s, "gicv2m=", 7)) {
		struct tok v = { t->s + 7, t->n - 7 };

		ret = p_num(ps, "bad GICv2m frame base", &v, &base);
		add = 0x40;
	} else {
		ret = p_num(ps, "bad doorbell address", t, &base);
	}
	if (ret)
		return ret;
	if (base > UINT64_MAX - add)
		return fail_tok(ps, "bad doorbell address", t,
				"the doorbell address would pass 2^64");
	c->iova = base + add;
	return 0;
}

static int p_map(struct pstate *ps, struct scn_cmd *c)
{
	bool have_prot = false, have_va = false;
	size_t i;
	int ret;

	if (ps->ntok < 3)
		return fail(
			ps,
			"map: missing arguments (usage: map <iova|auto> <size> [r|w|rw|none] [va=<addr>])");
	c->flags = IOAS_MAP_READ | IOAS_MAP_WRITE;
	if (!tok_eq(&ps->tok[1], "auto")) {
		ret = p_num(ps, "bad iova", &ps->tok[1], &c->iova);
		if (ret)
			return ret;
		c->flags |= IOAS_MAP_FIXED;
	}
	ret = p_num(ps, "bad size", &ps->tok[2], &c->len);
	if (ret)
		return ret;
	for (i = 3; i < ps->ntok; i++) {
		const struct tok *t = &ps->tok[i];
		struct tok k, v;
		uint32_t prot;

		if (p_prot(t, &prot)) {
			if (have_prot)
				return fail_tok(ps, "duplicate permission", t,
						NULL);
			c->flags = (c->flags & IOAS_MAP_FIXED) | prot;
			have_prot = true;
		} else if (tok_kv(t, &k, &v) && tok_eq(&k, "va")) {
			if (have_va)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_num(ps, "bad va", &v, &c->va);
			if (ret)
				return ret;
			have_va = true;
		} else {
			return fail_tok(ps, "unknown argument", t,
					"expected r, w, rw, none or va=<addr>");
		}
	}
	return 0;
}

static int p_unmap(struct pstate *ps, struct scn_cmd *c)
{
	int ret = p_need_args(ps, 2, 2, "unmap <iova> <size>");

	if (ret)
		return ret;
	ret = p_num(ps, "bad iova", &ps->tok[1], &c->iova);
	if (ret)
		return ret;
	return p_num(ps, "bad size", &ps->tok[2], &c->len);
}

static int push_range(struct scn_cmd *c, size_t *cap,
		      const struct ioas_range *r)
{
	if (c->nr_ranges == *cap) {
		size_t n = *cap ? 2 * *cap : 4;
		struct ioas_range *v = realloc(c->ranges, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->ranges = v;
		*cap = n;
	}
	c->ranges[c->nr_ranges++] = *r;
	return 0;
}

/* allow none | allow <range>[,<range>...] [...] */
static int p_allow(struct pstate *ps, struct scn_cmd *c)
{
	size_t cap = 0, i;
	int ret;

	if (ps->ntok < 2)
		return fail(
			ps,
			"allow: missing arguments (usage: allow <start>-<last>[,<start>-<last>...] | allow none)");
	if (tok_eq(&ps->tok[1], "none")) {
		if (ps->ntok > 2)
			return fail_tok(ps, "unexpected argument", &ps->tok[2],
					"'allow none' takes nothing else");
		return 0;
	}
	for (i = 1; i < ps->ntok; i++) {
		const struct tok *t = &ps->tok[i];
		size_t off = 0;

		while (off <= t->n) {
			const char *comma = memchr(t->s + off, ',', t->n - off);
			size_t n = comma ? (size_t)(comma - t->s) - off :
					   t->n - off;
			struct tok one = { t->s + off, n };
			struct ioas_range r;

			if (!n)
				return fail_tok(ps, "empty range in", t, NULL);
			if (tok_eq(&one, "none"))
				return fail_tok(ps, "bad range", &one,
						"'none' must be alone");
			ret = p_range(ps, "bad range", &one, &r);
			if (ret)
				return ret;
			ret = push_range(c, &cap, &r);
			if (ret)
				return ret;
			off += n + 1;
		}
	}
	return 0;
}

static int p_copy(struct pstate *ps, struct scn_cmd *c)
{
	bool have_prot = false;
	size_t i;
	int ret;

	if (ps->ntok < 4)
		return fail(
			ps,
			"copy: missing arguments (usage: copy <src> <size> <dst|auto> [r|w|rw|none])");
	c->flags = IOAS_MAP_READ | IOAS_MAP_WRITE;
	ret = p_num(ps, "bad source", &ps->tok[1], &c->iova);
	if (ret)
		return ret;
	ret = p_num(ps, "bad size", &ps->tok[2], &c->len);
	if (ret)
		return ret;
	if (!tok_eq(&ps->tok[3], "auto")) {
		ret = p_num(ps, "bad destination", &ps->tok[3], &c->dst);
		if (ret)
			return ret;
		c->flags |= IOAS_MAP_FIXED;
	}
	for (i = 4; i < ps->ntok; i++) {
		uint32_t prot;

		if (!p_prot(&ps->tok[i], &prot))
			return fail_tok(ps, "unknown argument", &ps->tok[i],
					"expected r, w, rw or none");
		if (have_prot)
			return fail_tok(ps, "duplicate permission", &ps->tok[i],
					NULL);
		c->flags = (c->flags & IOAS_MAP_FIXED) | prot;
		have_prot = true;
	}
	return 0;
}

static int p_usable(struct pstate *ps, struct scn_cmd *c)
{
	(void)c;
	return p_need_args(ps, 0, 0, "usable");
}

/* info [argsz=<n>] [resv] */
static int p_info(struct pstate *ps, struct scn_cmd *c)
{
	size_t i;
	int ret;

	for (i = 1; i < ps->ntok; i++) {
		const struct tok *t = &ps->tok[i];
		struct tok k, v;

		if (tok_eq(t, "resv")) {
			if (c->flags & SCN_INFO_RESV)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			c->flags |= SCN_INFO_RESV;
		} else if (tok_kv(t, &k, &v) && tok_eq(&k, "argsz")) {
			if (c->flags & SCN_INFO_ARGSZ)
				return fail_tok(ps, "duplicate option", t,
						NULL);
			ret = p_num(ps, "bad argsz", &v, &c->len);
			if (ret)
				return ret;
			if (c->len > SCN_INFO_MAX_ARGSZ)
				return fail_tok(ps, "bad argsz", &v,
						"larger than 1M (a whole answer needs no more; plain 'info' negotiates it)");
			c->flags |= SCN_INFO_ARGSZ;
		} else {
			return fail_tok(ps, "unknown argument", t,
					"expected argsz=<n> or resv");
		}
	}
	return 0;
}

static int p_unmap_all(struct pstate *ps, struct scn_cmd *c)
{
	(void)c;
	return p_need_args(ps, 0, 0, "unmap-all");
}

/* Which keys the result of @op can carry. */
static uint32_t op_keys(enum scn_op op)
{
	switch (op) {
	case SCN_MAP:
	case SCN_COPY:
	case SCN_DOORBELL:
	case SCN_DOORBELL_FREE:
		return SCN_KEY_IOVA;
	case SCN_UNMAP:
	case SCN_UNMAP_ALL:
		return SCN_KEY_UNMAPPED;
	default:
		return 0;
	}
}

/* The hex tokens after "expect info", concatenated: the bytes expected. */
static int p_hex_bytes(struct pstate *ps, struct scn_cmd *c)
{
	size_t i, j, n = 0, o = 0;

	if (ps->ntok < 3)
		return fail(ps,
			    "expect info: missing bytes (usage: expect info <hex>, as 'info' prints them)");
	for (i = 2; i < ps->ntok; i++) {
		for (j = 0; j < ps->tok[i].n; j++)
			if (!strchr("0123456789abcdef", ps->tok[i].s[j]) ||
			    !ps->tok[i].s[j])
				return fail_tok(
					ps, "bad bytes", &ps->tok[i],
					"expected lowercase hex digits, as 'info' prints them");
		n += ps->tok[i].n;
	}
	if (n % 2)
		return fail(ps, "expect info: odd number of hex digits (%zu)",
			    n);
	c->bytes = malloc(n / 2 ? n / 2 : 1);
	if (!c->bytes)
		return -ENOMEM;
	for (i = 2; i < ps->ntok; i++)
		for (j = 0; j < ps->tok[i].n; j++, o++) {
			const char *s = ps->tok[i].s;
			int v = s[j] <= '9' ? s[j] - '0' : s[j] - 'a' + 10;

			if (o % 2)
				c->bytes[o / 2] |= (uint8_t)v;
			else
				c->bytes[o / 2] = (uint8_t)(v << 4);
		}
	c->nr_bytes = n / 2;
	return 0;
}

static int p_expect(struct pstate *ps, struct scn_cmd *c)
{
	const struct scn_cmd *tc;
	const struct tok *kind;
	size_t i, cap = 0;
	int ret;

	if (ps->ntok < 2)
		return fail(
			ps,
			"expect: missing result (usage: expect ok [key=value...] | expect err <ERRNO> | expect usable <start>-<last>... | expect info <hex>)");
	/* The space line is always first, so there is a target. */
	c->target = ps->target;
	tc = &ps->scn->cmds[c->target];
	kind = &ps->tok[1];

	if (tok_eq(kind, "ok")) {
		c->op = SCN_EXPECT_OK;
		for (i = 2; i < ps->ntok; i++) {
			const struct tok *t = &ps->tok[i];
			uint32_t key;
			struct tok k, v;
			uint64_t n;

			if (!tok_kv(t, &k, &v))
				return fail_tok(ps, "bad result key", t,
						"expected key=value");
			if (tok_eq(&k, "iova"))
				key = SCN_KEY_IOVA;
			else if (tok_eq(&k, "unmapped"))
				key = SCN_KEY_UNMAPPED;
			else
				return fail_tok(ps, "unknown result key", &k,
						"expected iova or unmapped");
			if (!(op_keys(tc->op) & key))
				return fail(
					ps,
					"expect: '%s' (line %u) has no '%.*s' in its result",
					scn_op_name(tc->op), tc->line, (int)k.n,
					k.s);
			if (c->keys & key)
				return fail_tok(ps, "duplicate key", t, NULL);
			ret = p_num(ps, "bad value", &v, &n);
			if (ret)
				return ret;
			if (key == SCN_KEY_IOVA)
				c->key_iova = n;
			else
				c->key_unmapped = n;
			c->keys |= key;
		}
		return 0;
	}
	if (tok_eq(kind, "err")) {
		char name[32];
		int e;

		c->op = SCN_EXPECT_ERR;
		if (ps->ntok != 3)
			return ps->ntok < 3 ?
				       fail(ps,
					    "expect err: missing errno name (e.g. EINVAL)") :
				       fail_tok(ps, "unexpected argument",
						&ps->tok[3],
						"expect err <ERRNO>");
		e = -EINVAL;
		if (ps->tok[2].n < sizeof(name)) {
			memcpy(name, ps->tok[2].s, ps->tok[2].n);
			name[ps->tok[2].n] = '\0';
			e = ioas_errno_parse(name);
		}
		if (e <= 0)
			return fail_tok(
				ps, "unknown errno name", &ps->tok[2],
				"e.g. EINVAL, EEXIST, ENOENT, EADDRINUSE (ioas(7))");
		c->err = e;
		return 0;
	}
	if (tok_eq(kind, "info")) {
		c->op = SCN_EXPECT_INFO;
		if (tc->op != SCN_INFO)
			return fail(
				ps,
				"expect info: checks the result of an 'info' command, but the command before it is '%s' (line %u)",
				scn_op_name(tc->op), tc->line);
		return p_hex_bytes(ps, c);
	}
	if (tok_eq(kind, "usable")) {
		c->op = SCN_EXPECT_USABLE;
		if (tc->op != SCN_USABLE)
			return fail(
				ps,
				"expect usable: checks the result of a 'usable' command, but the command before it is '%s' (line %u)",
				scn_op_name(tc->op), tc->line);
		if (ps->ntok == 3 && tok_eq(&ps->tok[2], "none"))
			return 0;
		for (i = 2; i < ps->ntok; i++) {
			struct ioas_range r;

			ret = p_range(ps, "bad range", &ps->tok[i], &r);
			if (ret)
				return ret;
			if (c->nr_ranges) {
				const struct ioas_range *p =
					&c->ranges[c->nr_ranges - 1];

				/* canonical: ascending, apart by >= 1 byte */
				if (r.start <= p->last || r.start - p->last < 2)
					return fail_tok(
						ps, "bad range", &ps->tok[i],
						"ranges must be ascending, disjoint and not touching, as 'usable' prints them");
			}
			ret = push_range(c, &cap, &r);
			if (ret)
				return ret;
		}
		return 0;
	}
	return fail_tok(ps, "unknown result", kind,
			"expected ok, err, usable or info");
}

static const struct {
	const char *name;
	enum scn_op op;
	int (*fn)(struct pstate *ps, struct scn_cmd *c);
} p_cmds[] = {
	{ "space", SCN_SPACE, p_space },
	{ "group", SCN_GROUP, p_group },
	{ "region", SCN_REGION, p_region },
	{ "attach", SCN_ATTACH, p_attach },
	{ "detach", SCN_DETACH, p_attach },
	{ "map", SCN_MAP, p_map },
	{ "unmap", SCN_UNMAP, p_unmap },
	{ "unmap-all", SCN_UNMAP_ALL, p_unmap_all },
	{ "allow", SCN_ALLOW, p_allow },
	{ "copy", SCN_COPY, p_copy },
	{ "usable", SCN_USABLE, p_usable },
	{ "info", SCN_INFO, p_info },
	{ "doorbell", SCN_DOORBELL, p_doorbell },
	{ "doorbell-free", SCN_DOORBELL_FREE, p_doorbell },
	{ "expect", SCN_EXPECT_OK, p_expect },
};

const char *scn_op_name(enum scn_op op)
{
	size_t i;

	if (op == SCN_EXPECT_ERR || op == SCN_EXPECT_USABLE ||
	    op == SCN_EXPECT_INFO)
		op = SCN_EXPECT_OK;
	for (i = 0; i < sizeof(p_cmds) / sizeof(p_cmds[0]); i++)
		if (p_cmds[i].op == op)
			return p_cmds[i].name;
	return "?";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Cuts @s into ps->tok; stops at a token starting with '#'. */
static void tokenize(struct pstate *ps, const char *s, size_t n)
{
	size_t i = 0;

	ps->ntok = 0;
	while (i < n) {
		size_t st;

		while (i < n && is_blank(s[i]))
			i++;
		if (i == n || s[i] == '#')
			break;
		st = i;
		while (i < n && !is_blank(s[i]))
			i++;
		/* n <= SCN_MAX_LINE, so at most SCN_MAX_TOKENS tokens */
		ps->tok[ps->ntok].s = s + st;
		ps->tok[ps->ntok].n = i - st;
		ps->ntok++;
	}
}

static char *join_tokens(const struct pstate *ps)
{
	size_t i, n = 0, off = 0;
	char *t;

	for (i = 0; i < ps->ntok; i++)
		n += ps->tok[i].n + 1;
	t = malloc(n);
	if (!t)
		return NULL;
	for (i = 0; i < ps->ntok; i++) {
		memcpy(t + off, ps->tok[i].s, ps->tok[i].n);
		off += ps->tok[i].n;
		t[off++] = ' ';
	}
	t[off - 1] = '\0';
	return t;
}

static int parse_line(struct pstate *ps, const char *s, size_t n)
{
	struct scn *scn = ps->scn;
	struct scn_cmd *c;
	size_t i;
	int ret;

	if (n > SCN_MAX_LINE)
		return fail(ps, "line is longer than %d bytes", SCN_MAX_LINE);
	if (memchr(s, '\0', n))
		return fail(ps, "NUL byte at column %zu",
			    (size_t)((const char *)memchr(s, '\0', n) - s) + 1);
	tokenize(ps, s, n);
	if (!ps->ntok)
		return 0;

	for (i = 0; i < sizeof(p_cmds) / sizeof(p_cmds[0]); i++)
		if (tok_eq(&ps->tok[0], p_cmds[i].name))
			break;
	ps->cmd = NULL;
	if (i == sizeof(p_cmds) / sizeof(p_cmds[0]))
		return fail_tok(
			ps, "unknown command", &ps->tok[0],
			"expected space, group, region, attach, detach, map, unmap, unmap-all, allow, copy, usable, info or expect");
	ps->cmd = p_cmds[i].name;
	if (p_cmds[i].op == SCN_SPACE && scn->nr_cmds)
		return fail(
			ps,
			"space: a scenario has exactly one 'space' line (the first is at line %u)",
			scn->cmds[0].line);
	if (p_cmds[i].op != SCN_SPACE && !scn->nr_cmds)
		return fail(ps, "%s: the first command must be 'space'",
			    ps->cmd);

	if (scn->nr_cmds == ps->cap_cmds) {
		size_t cap = ps->cap_cmds ? 2 * ps->cap_cmds : 32;
		struct scn_cmd *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(scn->cmds, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		scn->cmds = v;
		ps->cap_cmds = cap;
	}
	c = &scn->cmds[scn->nr_cmds];
	memset(c, 0, sizeof(*c));
	c->op = p_cmds[i].op;
	c->line = ps->line;
	/* Counted before the command is parsed so that its ranges are freed
	 * with the scenario even when parsing it fails half-way. */
	scn->nr_cmds++;
	ret = p_cmds[i].fn(ps, c);
	if (ret)
		return ret;
	c->text = join_tokens(ps);
	if (!c->text)
		return -ENOMEM;
	if (c->op < SCN_EXPECT_OK)
		ps->target = scn->nr_cmds - 1;
	return 0;
}

void scn_free(struct scn *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nr_cmds; i++) {
		free(s->cmds[i].text);
		free(s->cmds[i].ranges);
		free(s->cmds[i].bytes);
	}
	free(s->cmds);
	free(s->groups);
	free(s);
}

int scn_parse(const char *buf, size_t len, struct scn **out,
	      struct scn_diag *diag)
{
	struct pstate *ps;
	size_t off = 0;
	int ret = 0;

	if (diag) {
		diag->line = 0;
		diag->reason[0] = '\0';
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->diag = diag;
	ps->scn = calloc(1, sizeof(*ps->scn));
	if (!ps->scn) {
		free(ps);
		return -ENOMEM;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		if (ps->line == UINT32_MAX) {
			ret = fail(ps, "too many lines");
			break;
		}
		ps->line++;
		ret = parse_line(ps, buf + off, n);
		if (ret)
			break;
		off += n + (nl ? 1 : 0);
	}
	if (!ret && !ps->scn->nr_cmds) {
		ps->line = 1;
		ret = fail(
			ps,
			"no 'space' line: a scenario starts with 'space <type1|iommufd|native> ...'");
	}
	if (ret == -ENOMEM && diag) {
		diag->line = ps->line;
		snprintf(diag->reason, sizeof(diag->reason), "out of memory");
	}
	if (ret) {
		scn_free(ps->scn);
	} else {
		*out = ps->scn;
	}
	free(ps->nr_regions);
	free(ps);
	return ret;
}

/* ------------------------------------------------------------------ */
/* text formatting                                                     */

static void put_errno(struct obuf *b, int err)
{
	const char *name = ioas_errno_name(err);

	if (name)
		obuf_puts(b, name);
	else
		obuf_printf(b, "errno %d", err);
}

static void put_keys(struct obuf *b, uint32_t keys, uint64_t iova,
		     uint64_t unmapped)
{
	if (keys & SCN_KEY_IOVA) {
		obuf_puts(b, " iova=");
		obuf_hex(b, iova);
	}
	if (keys & SCN_KEY_UNMAPPED) {
		obuf_puts(b, " unmapped=");
		obuf_hex(b, unmapped);
	}
}

static void put_ranges(struct obuf *b, const struct ioas_range *v, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		obuf_putc(b, ' ');
		obuf_range(b, &v[i]);
	}
}

/* Lowercase hex, no spaces: the 'info' line and 'expect info'. */
static void put_hex_bytes(struct obuf *b, const uint8_t *v, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		obuf_putc(b, digits[v[i] >> 4]);
		obuf_putc(b, digits[v[i] & 15]);
	}
}

void scn_step_format(const struct scn_step *st, bool brief, struct obuf *b)
{
	switch (st->status) {
	case SCN_ST_OK:
		obuf_puts(b, "ok");
		put_keys(b, st->keys, st->iova, st->unmapped);
		break;
	case SCN_ST_ERR:
		obuf_puts(b, "err ");
		put_errno(b, st->err);
		if (!brief && st->msg && st->msg[0]) {
			obuf_puts(b, ": ");
			obuf_puts(b, st->msg);
		}
		break;
	case SCN_ST_USABLE:
		obuf_puts(b, "usable");
		put_ranges(b, st->usable.v, st->usable.nr);
		break;
	case SCN_ST_PASS:
		obuf_puts(b, "ok");
		break;
	case SCN_ST_FAIL:
		obuf_puts(b, "fail: ");
		obuf_puts(b, st->msg ? st->msg : "");
		break;
	case SCN_ST_INFO:
		obuf_puts(b, "info ");
		put_hex_bytes(b, st->blob, st->blob_len);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* executor                                                            */

struct xgroup {
	struct ioas_region *regions;
	size_t nr;
	size_t cap;
	bool attached;
	bool detached; /* was attached once and left */
};

struct exec {
	const struct scn *s;
	const struct scn_exec_opts *o;
	const struct scn_backend_ops *be;
	void *ctx;
	bool have_space;
	int space_err;
	struct xgroup *g;
	struct ioas_range_list allowed;
	struct obuf msg;
	/* the result the next expect lines check */
	struct scn_step prev;
};

static const char *const predicate_words[] = {
	"is ",	    "are ",   "overlaps ", "lies ",
	"crosses ", "would ", "extends ",  "falls ",
};

/* "is not inside ..." reads as the continuation of "range X-Y". */
static bool what_is_predicate(const char *what)
{
	size_t i;

	for (i = 0; i < sizeof(predicate_words) / sizeof(predicate_words[0]);
	     i++)
		if (!strncmp(what, predicate_words[i],
			     strlen(predicate_words[i])))
			return true;
	return false;
}

static bool is_range_cmd(enum scn_op op)
{
	return op == SCN_MAP || op == SCN_UNMAP || op == SCN_COPY;
}

static void put_region(struct obuf *b, const struct ioas_region *r,
		       uint32_t group)
{
	obuf_printf(b, "%s region ", ioas_region_type_name(r->type));
	obuf_range(b, &r->range);
	obuf_printf(b, " of group %" PRIu32 " (%s: %s)", group,
		    ioas_region_origin_name(r->origin),
		    ioas_region_origin_describe(r->origin));
}

/* What the command was asked to do, as the first part of an error. */
static void put_cmd_summary(struct obuf *b, const struct exec *x,
			    const struct scn_cmd *c)
{
	switch (c->op) {
	case SCN_SPACE:
		obuf_printf(b, "space %s",
			    ioas_profile_name(x->s->space.profile));
		break;
	case SCN_GROUP:
		obuf_printf(b, "group %" PRIu32, x->s->groups[c->group].id);
		break;
	case SCN_ATTACH:
	case SCN_DETACH:
		obuf_printf(b, "%s group %" PRIu32, scn_op_name(c->op),
			    x->s->groups[c->group].id);
		break;
	case SCN_REGION:
		obuf_printf(b, "region of group %" PRIu32,
			    x->s->groups[c->group].id);
		break;
	case SCN_MAP:
		obuf_puts(b, "map ");
		if (c->flags & IOAS_MAP_FIXED)
			obuf_hex(b, c->iova);
		else
			obuf_puts(b, "auto");
		obuf_putc(b, '+');
		obuf_hex(b, c->len);
		break;
	case SCN_UNMAP:
		obuf_puts(b, "unmap ");
		obuf_hex(b, c->iova);
		obuf_putc(b, '+');
		obuf_hex(b, c->len);
		break;
	case SCN_DOORBELL:
	case SCN_DOORBELL_FREE:
		obuf_printf(b, "%s group %" PRIu32 " ", scn_op_name(c->op),
			    x->s->groups[c->group].id);
		obuf_hex(b, c->iova);
		break;
	case SCN_INFO:
		obuf_puts(b, "info");
		if (c->flags & SCN_INFO_ARGSZ)
			obuf_printf(b, " argsz=%" PRIu64, c->len);
		break;
	case SCN_COPY:
		obuf_puts(b, "copy ");
		obuf_hex(b, c->iova);
		obuf_putc(b, '+');
		obuf_hex(b, c->len);
		obuf_puts(b, " to ");
		if (c->flags & IOAS_MAP_FIXED)
			obuf_hex(b, c->dst);
		else
			obuf_puts(b, "auto");
		break;
	default:
		obuf_puts(b, scn_op_name(c->op));
		break;
	}
}

/* What @why->range is, for commands whose argument is not a range. */
static const char *range_label(const struct scn_cmd *c, const char *what)
{
	if (is_range_cmd(c->op))
		return "range";
	if (strstr(what, "allowed") || c->op == SCN_ALLOW)
		return "allowed range";
	if (strstr(what, "mapping"))
		return "mapping";
	return "range";
}

static const char *other_label(const struct scn_cmd *c, const char *what)
{
	if (strstr(what, "outside"))
		return "reserved";
	if (c->op == SCN_ATTACH && !strstr(what, "allowed"))
		return "aperture";
	if (strstr(what, "mapping") && c->op != SCN_ATTACH)
		return "mapping";
	if (strstr(what, "aperture"))
		return "aperture";
	if (strstr(what, "allowed"))
		return "allowed range";
	if (strstr(what, "usable"))
		return "usable range";
	return "range";
}

/*
 * The region or aperture behind "not inside one usable range" when the
 * backend named none: from the scenario's own model. Regions of attached
 * groups first, then the apertures of attached groups, then (type1 keeps
 * a departed group's edge holes) regions of groups that were detached.
 */
static void explain_usable(struct obuf *b, const struct exec *x,
			   const struct ioas_range *rg)
{
	const struct ioas_region *best = NULL;
	size_t i, j, bg = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < x->s->nr_groups; i++) {
			const struct xgroup *g = &x->g[i];

			if (pass == 0 ? !g->attached :
					(g->attached || !g->detached))
				continue;
			for (j = 0; j < g->nr; j++) {
				const struct ioas_region *r = &g->regions[j];

				if (r->type == IOAS_REGION_DIRECT_RELAXABLE ||
				    !ioas_range_overlaps(&r->range, rg))
					continue;
				/* Linux never shows PCI windows to VFIO or
				 * iommufd; only native honours them. */
				if (r->origin == IOAS_ORIGIN_PCI_WINDOW &&
				    x->s->space.profile != IOAS_PROFILE_NATIVE)
					continue;
				if (!best ||
				    r->range.start < best->range.start) {
					best = r;
					bg = i;
				}
			}
		}
		if (best) {
			obuf_puts(b, ": ");
			put_region(b, best, x->s->groups[bg].id);
			if (pass == 1)
				obuf_puts(
					b,
					", a group that was detached (type1 keeps the hole it left at an edge of the iova list)");
			return;
		}
		if (pass == 1)
			return;
		for (i = 0; i < x->s->nr_groups; i++) {
			const struct scn_group *sg = &x->s->groups[i];

			if (!x->g[i].attached ||
			    ioas_range_contains(&sg->aperture, rg))
				continue;
			obuf_puts(b, ": outside the aperture ");
			obuf_range(b, &sg->aperture);
			obuf_printf(b, " of group %" PRIu32, sg->id);
			return;
		}
	}
}

static void explain_allowed(struct obuf *b, const struct exec *x)
{
	size_t i;

	obuf_puts(b, ": allowed");
	for (i = 0; i < x->allowed.nr; i++) {
		obuf_puts(b, i ? ", " : " ");
		obuf_range(b, &x->allowed.v[i]);
	}
}

/*
 * Length of the article and label that start @what ("a mapping ...",
 * "allowed range ..."), so that the range can follow the label; 0 if
 * @what does not start with @label.
 */
static size_t label_prefix(const char *what, const char *label)
{
	static const char *const articles[] = { "", "a ", "an ",
						"an existing " };
	size_t i, a, l = strlen(label);

	for (i = 0; i < sizeof(articles) / sizeof(articles[0]); i++) {
		a = strlen(articles[i]);
		if (!strncmp(what, articles[i], a) &&
		    !strncmp(what + a, label, l) && what[a + l] == ' ')
			return a + l + 1;
	}
	return 0;
}

/*
 * @why->value is an alignment, a limit or (iommufd's non-atomic UNMAP) the
 * bytes removed before the cut; the engine also leaves it set on checks
 * it does not concern ("size is zero"), so print it only where the rule
 * names it.
 */
static void put_value(struct obuf *b, const struct scn_cmd *c, const char *what,
		      uint64_t v)
{
	if (strstr(what, "align") || strstr(what, "multiple") ||
	    strstr(what, "page")) {
		obuf_printf(b, " (0x%" PRIx64 ")", v);
	} else if (strstr(what, "limit")) {
		obuf_printf(b, " (%" PRIu64 ")", v);
	} else if (c->op == SCN_UNMAP && strstr(what, "split") && v) {
		/* iommufd's UNMAP is not atomic: say what it already did */
		obuf_printf(b,
			    " (after unmapping 0x%" PRIx64 " bytes before it)",
			    v);
	}
}

/* The sentence after "err ERRNO: ". */
static void explain(struct exec *x, const struct scn_cmd *c, int err,
		    const struct ioas_why *w)
{
	struct obuf *b = &x->msg;
	const char *what = w->what ? w->what : ioas_strerror(err);
	bool range = w->flags & IOAS_WHY_RANGE;
	const char *label = range_label(c, what);
	size_t pre;

	put_cmd_summary(b, x, c);
	obuf_puts(b, ": ");
	if (range && what_is_predicate(what)) {
		/* "range X-Y is not inside ..." */
		obuf_printf(b, "%s ", label);
		obuf_range(b, &w->range);
		obuf_printf(b, " %s", what);
		range = false;
	} else if (range && (pre = label_prefix(what, label))) {
		/* "a mapping lies above ..." -> "mapping X-Y lies above ..." */
		obuf_printf(b, "%s ", label);
		obuf_range(b, &w->range);
		obuf_printf(b, " %s", what + pre);
		range = false;
	} else if (range && is_range_cmd(c->op)) {
		obuf_printf(b, "%s ", label);
		obuf_range(b, &w->range);
		obuf_printf(b, ": %s", what);
		range = false;
	} else {
		obuf_puts(b, what);
	}
	if (w->flags & IOAS_WHY_VALUE)
		put_value(b, c, what, w->value);
	if (range) {
		obuf_printf(b, ": %s ", label);
		obuf_range(b, &w->range);
	}
	if (w->flags & IOAS_WHY_REGION) {
		obuf_puts(b, ": ");
		put_region(b, &w->region, w->group);
	} else if ((w->flags & IOAS_WHY_GROUP) && c->op != SCN_ATTACH &&
		   c->op != SCN_DETACH) {
		obuf_printf(b, " (group %" PRIu32 ")", w->group);
	}
	if (w->flags & IOAS_WHY_OTHER) {
		obuf_printf(b, ": %s ", other_label(c, what));
		obuf_range(b, &w->other);
	}
	/* Name what the backend did not. */
	if ((w->flags & (IOAS_WHY_RANGE | IOAS_WHY_REGION | IOAS_WHY_OTHER)) ==
		    IOAS_WHY_RANGE &&
	    (c->op == SCN_MAP || c->op == SCN_COPY)) {
		if (strstr(what, "usable") || strstr(what, "aperture"))
			explain_usable(b, x, &w->range);
		else if (strstr(what, "allowed") && x->allowed.nr)
			explain_allowed(b, x);
	}
}

static int x_space(struct exec *x, struct ioas_why *why)
{
	int ret = x->be->create(&x->s->space, &x->ctx, why);

	if (ret) {
		x->ctx = NULL;
		x->space_err = ret;
		return ret;
	}
	x->have_space = true;
	return 0;
}

static int x_region(struct exec *x, const struct scn_cmd *c)
{
	struct xgroup *g = &x->g[c->group];

	if (g->nr == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 4;
		struct ioas_region *v = realloc(g->regions, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->regions = v;
		g->cap = cap;
	}
	g->regions[g->nr++] = c->region;
	return 0;
}

static int x_allow(struct exec *x, const struct scn_cmd *c,
		   struct ioas_why *why)
{
	struct ioas_range_list l = IOAS_RANGE_LIST_INIT;
	size_t i;
	int ret;

	/* The model first, so that a failure to build it changes nothing. */
	for (i = 0; i < c->nr_ranges; i++) {
		ret = ioas_range_list_add(&l, &c->ranges[i]);
		if (ret) {
			ioas_range_list_fini(&l);
			return ret;
		}
	}
	ret = x->be->allow(x->ctx, c->ranges, c->nr_ranges, why);
	if (ret) {
		ioas_range_list_fini(&l);
		return ret;
	}
	ioas_range_list_fini(&x->allowed);
	x->allowed = l;
	return 0;
}

/* Runs one command that is not an expect; fills @st. */
static int x_run(struct exec *x, const struct scn_cmd *c, struct scn_step *st)
{
	struct ioas_why why;
	const struct scn_group *sg = NULL;
	struct ioas_map_req req;
	int ret = 0;

	memset(&why, 0, sizeof(why));
	if (c->op == SCN_GROUP || c->op == SCN_REGION || c->op == SCN_ATTACH ||
	    c->op == SCN_DETACH || c->op == SCN_DOORBELL ||
	    c->op == SCN_DOORBELL_FREE)
		sg = &x->s->groups[c->group];

	if (c->op != SCN_SPACE && !x->have_space) {
		/* Nothing to run against: say so on every line. */
		st->status = SCN_ST_ERR;
		st->err = ENODEV;
		put_cmd_summary(&x->msg, x, c);
		obuf_printf(
			&x->msg,
			": no space: the space command at line %u failed (%s)",
			x->s->cmds[0].line,
			ioas_errno_name(x->space_err) ?
				ioas_errno_name(x->space_err) :
				"error");
		return 0;
	}

	switch (c->op) {
	case SCN_SPACE:
		ret = x_space(x, &why);
		break;
	case SCN_GROUP:
		break;
	case SCN_REGION:
		ret = x_region(x, c);
		break;
	case SCN_ATTACH:
		ret = x->be->attach(x->ctx, sg, x->g[c->group].regions,
				    x->g[c->group].nr, &why);
		if (!ret)
			x->g[c->group].attached = true;
		break;
	case SCN_DETACH:
		ret = x->be->detach(x->ctx, sg, &why);
		if (!ret) {
			x->g[c->group].attached = false;
			x->g[c->group].detached = true;
		}
		break;
	case SCN_MAP:
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.flags = c->flags;
		req.va = c->va;
		req.iova = c->iova;
		req.length = c->len;
		ret = x->be->map(x->ctx, &req, &why);
		if (!ret) {
			st->keys = SCN_KEY_IOVA;
			st->iova = req.iova;
		}
		break;
	case SCN_UNMAP:
		ret = x->be->unmap(x->ctx, c->iova, c->len, &st->unmapped,
				   &why);
		if (!ret)
			st->keys = SCN_KEY_UNMAPPED;
		break;
	case SCN_UNMAP_ALL:
		ret = x->be->unmap_all(x->ctx, &st->unmapped, &why);
		if (!ret)
			st->keys = SCN_KEY_UNMAPPED;
		break;
	case SCN_ALLOW:
		ret = x_allow(x, c, &why);
		break;
	case SCN_COPY:
		st->iova = c->dst;
		ret = x->be->copy(x->ctx, c->iova, c->len, c->flags, &st->iova,
				  &why);
		if (!ret)
			st->keys = SCN_KEY_IOVA;
		break;
	case SCN_USABLE:
		ret = x->be->usable(x->ctx, &st->usable, &why);
		if (!ret) {
			st->status = SCN_ST_USABLE;
			return 0;
		}
		ioas_range_list_fini(&st->usable);
		break;
	case SCN_DOORBELL:
	case SCN_DOORBELL_FREE:
		if (!x->be->doorbell) {
			ret = -EOPNOTSUPP;
			why.what = "this backend cannot map MSI doorbells";
			break;
		}
		ret = x->be->doorbell(x->ctx, sg, c->iova,
				      c->op == SCN_DOORBELL_FREE, &st->iova,
				      &why);
		if (!ret)
			st->keys = SCN_KEY_IOVA;
		break;
	case SCN_INFO:
		if (!x->be->vfio_info) {
			ret = -EOPNOTSUPP;
			why.what = "this backend cannot answer VFIO_IOMMU_GET_INFO";
			break;
		}
		ret = x->be->vfio_info(x->ctx, !(c->flags & SCN_INFO_ARGSZ),
				       (uint32_t)c->len,
				       (c->flags & SCN_INFO_RESV) ?
					       IOAS_CAP_WITH_RESV :
					       0,
				       &st->blob, &st->blob_len, &why);
		if (!ret) {
			st->status = SCN_ST_INFO;
			return 0;
		}
		free(st->blob);
		st->blob = NULL;
		st->blob_len = 0;
		break;
	default:
		break;
	}
	if (ret) {
		st->status = SCN_ST_ERR;
		st->err = -ret;
		st->keys = 0;
		explain(x, c, ret, &why);
		return 0;
	}
	st->status = SCN_ST_OK;
	return 0;
}

/* The text of what an expect line asked for. */
static void put_expected(struct obuf *b, const struct scn_cmd *c)
{
	switch (c->op) {
	case SCN_EXPECT_OK:
		obuf_puts(b, "ok");
		put_keys(b, c->keys, c->key_iova, c->key_unmapped);
		break;
	case SCN_EXPECT_ERR:
		obuf_puts(b, "err ");
		put_errno(b, c->err);
		break;
	case SCN_EXPECT_INFO:
		obuf_puts(b, "info ");
		put_hex_bytes(b, c->bytes, c->nr_bytes);
		break;
	default:
		obuf_puts(b, "usable");
		if (!c->nr_ranges)
			obuf_puts(b, " none");
		put_ranges(b, c->ranges, c->nr_ranges);
		break;
	}
}

static bool x_expect_met(const struct scn_cmd *c, const struct scn_step *p)
{
	size_t i;

	switch (c->op) {
	case SCN_EXPECT_OK:
		if (p->status != SCN_ST_OK && p->status != SCN_ST_USABLE &&
		    p->status != SCN_ST_INFO)
			return false;
		if ((c->keys & SCN_KEY_IOVA) &&
		    (!(p->keys & SCN_KEY_IOVA) || p->iova != c->key_iova))
			return false;
		if ((c->keys & SCN_KEY_UNMAPPED) &&
		    (!(p->keys & SCN_KEY_UNMAPPED) ||
		     p->unmapped != c->key_unmapped))
			return false;
		return true;
	case SCN_EXPECT_ERR:
		return p->status == SCN_ST_ERR && p->err == c->err;
	case SCN_EXPECT_INFO:
		return p->status == SCN_ST_INFO && p->blob_len == c->nr_bytes &&
		       (!c->nr_bytes || !memcmp(p->blob, c->bytes, c->nr_bytes));
	default:
		if (p->status != SCN_ST_USABLE || p->usable.nr != c->nr_ranges)
			return false;
		for (i = 0; i < c->nr_ranges; i++)
			if (p->usable.v[i].start != c->ranges[i].start ||
			    p->usable.v[i].last != c->ranges[i].last)
				return false;
		return true;
	}
}

static void x_expect(struct exec *x, const struct scn_cmd *c,
		     struct scn_step *st, struct scn_stats *stats)
{
	if (x_expect_met(c, &x->prev)) {
		st->status = SCN_ST_PASS;
		stats->passed++;
		return;
	}
	st->status = SCN_ST_FAIL;
	stats->failed++;
	obuf_puts(&x->msg, "expected ");
	put_expected(&x->msg, c);
	obuf_puts(&x->msg, ", got ");
	if (x->prev.status == SCN_ST_USABLE && !x->prev.usable.nr)
		obuf_puts(&x->msg, "usable none");
	else
		scn_step_format(&x->prev, true, &x->msg);
}

static void step_fini(struct scn_step *st)
{
	ioas_range_list_fini(&st->usable);
	free(st->blob);
	memset(st, 0, sizeof(*st));
}

int scn_exec(const struct scn *s, const struct scn_exec_opts *o,
	     struct scn_stats *stats)
{
	struct exec x;
	struct scn_step st;
	size_t i;
	int ret = 0;

	memset(stats, 0, sizeof(*stats));
	memset(&x, 0, sizeof(x));
	memset(&st, 0, sizeof(st));
	x.s = s;
	x.o = o;
	x.be = o->backend ? o->backend : &scn_engine_backend;
	obuf_init(&x.msg);
	if (s->nr_groups) {
		x.g = calloc(s->nr_groups, sizeof(*x.g));
		if (!x.g)
			return -ENOMEM;
	}

	for (i = 0; i < s->nr_cmds; i++) {
		const struct scn_cmd *c = &s->cmds[i];

		if (o->max_cmds && stats->executed >= o->max_cmds)
			break;
		obuf_reset(&x.msg);
		memset(&st, 0, sizeof(st));
		st.cmd = c;
		if (c->op >= SCN_EXPECT_OK) {
			x_expect(&x, c, &st, stats);
		} else {
			ret = x_run(&x, c, &st);
			if (ret)
				break;
		}
		if (x.msg.oom) {
			ret = -ENOMEM;
			step_fini(&st);
			break;
		}
		st.msg = obuf_str(&x.msg);
		stats->executed++;
		if (o->check && x.have_space && x.be->check &&
		    c->op < SCN_EXPECT_OK && x.be->check(x.ctx)) {
			st.check_failed = true;
			stats->check_failures++;
		}
		if (o->emit)
			o->emit(o->arg, &st);
		if (c->op < SCN_EXPECT_OK) {
			/* keep it for the expect lines below */
			step_fini(&x.prev);
			x.prev = st;
			x.prev.msg = NULL;
		} else {
			step_fini(&st);
		}
	}

	step_fini(&x.prev);
	if (x.have_space)
		x.be->destroy(x.ctx);
	for (i = 0; i < s->nr_groups; i++)
		free(x.g[i].regions);
	free(x.g);
	ioas_range_list_fini(&x.allowed);
	obuf_fini(&x.msg);
	return ret;
}

/* ------------------------------------------------------------------ */
/* the engine backend: libioas's struct ioas_space                     */

static int eng_create(const struct scn_space *sp, void **ctx,
		      struct ioas_why *why)
{
	struct ioas_space_config cfg = {
		.size = sizeof(cfg),
		.profile = sp->profile,
		.flags = sp->unsafe_interrupts ? IOAS_SPACE_UNSAFE_INTERRUPTS :
						 0,
		.dma_limit = sp->dma_limit,
		.page_size = sp->page_size,
		.hpage_size = sp->hpage_size,
		.aperture = sp->aperture,
		.pgsizes = sp->pgsizes,
	};
	struct ioas_space *s = NULL;
	int ret;

	(void)why;
	/* Only native has a geometry of its own without a group. */
	if (sp->profile != IOAS_PROFILE_NATIVE) {
		cfg.aperture.start = cfg.aperture.last = 0;
		cfg.pgsizes = 0;
	}
	ret = ioas_space_new(&cfg, &s);
	if (ret)
		return ret;
	*ctx = s;
	return 0;
}

static void eng_destroy(void *ctx)
{
	ioas_space_free(ctx);
}

static int eng_attach(void *ctx, const struct scn_group *g,
		      const struct ioas_region *r, size_t nr,
		      struct ioas_why *why)
{
	struct ioas_group_config gc = {
		.size = sizeof(gc),
		.id = g->id,
		.flags = g->irq_remap ? 0 : IOAS_GROUP_NO_IRQ_REMAP,
		.nr_regions = (uint32_t)nr,
		.aperture = g->aperture,
		.pgsizes = g->pgsizes,
		.regions = r,
	};

	return ioas_space_attach(ctx, &gc, why);
}

static int eng_detach(void *ctx, const struct scn_group *g,
		      struct ioas_why *why)
{
	return ioas_space_detach(ctx, g->id, why);
}

static int eng_map(void *ctx, struct ioas_map_req *req, struct ioas_why *why)
{
	return ioas_space_map(ctx, req, why);
}

static int eng_unmap(void *ctx, uint64_t iova, uint64_t len, uint64_t *unmapped,
		     struct ioas_why *why)
{
	return ioas_space_unmap(ctx, iova, len, unmapped, why);
}

static int eng_unmap_all(void *ctx, uint64_t *unmapped, struct ioas_why *why)
{
	return ioas_space_unmap_all(ctx, unmapped, why);
}

static int eng_allow(void *ctx, const struct ioas_range *r, size_t nr,
		     struct ioas_why *why)
{
	return ioas_space_allow(ctx, r, nr, why);
}

static int eng_copy(void *ctx, uint64_t src, uint64_t len, uint32_t flags,
		    uint64_t *dst, struct ioas_why *why)
{
	return ioas_space_copy(ctx, src, len, flags, dst, why);
}

static int eng_usable(void *ctx, struct ioas_range_list *out,
		      struct ioas_why *why)
{
	return ioas_space_usable(ctx, out, why);
}

static int eng_check(void *ctx)
{
	return ioas_space_check(ctx);
}

/* Why the engine's GET_INFO failed, as the kernel's would have. */
static int eng_info_err(long ret, struct ioas_space *s, uint32_t argsz,
			struct ioas_why *why)
{
	struct ioas_space_info info = { .size = sizeof(info) };

	if (ret == -EINVAL && argsz < IOAS_CAP_VFIO_INFO_MINSZ) {
		why->what = "argsz is below 16, the size of argsz, flags and iova_pgsizes";
		why->flags = IOAS_WHY_VALUE;
		why->value = argsz;
	} else if (ret == -EINVAL &&
		   !ioas_space_get_info(s, &info) &&
		   info.profile == IOAS_PROFILE_TYPE1 && !info.nr_groups) {
		why->what = "no group is attached, so the container has no IOMMU set (GET_INFO before SET_IOMMU)";
	}
	return (int)ret;
}

static int eng_vfio_info(void *ctx, bool negotiate, uint32_t argsz,
			 uint32_t flags, uint8_t **out, size_t *len,
			 struct ioas_why *why)
{
	uint8_t hdr[IOAS_CAP_VFIO_INFO_SIZE];
	uint8_t *buf;
	long ret;

	if (negotiate) {
		/* pass 1 of every VMM: the header only, to learn argsz */
		argsz = sizeof(hdr);
		ret = ioas_cap_vfio_info_from_space(ctx, flags, argsz, hdr,
						    sizeof(hdr));
		if (ret < 0)
			return eng_info_err(ret, ctx, argsz, why);
		memcpy(&argsz, hdr, sizeof(argsz));
	}
	buf = calloc(argsz ? argsz : 1, 1);
	if (!buf)
		return -ENOMEM;
	ret = ioas_cap_vfio_info_from_space(ctx, flags, argsz, buf, argsz);
	if (ret < 0) {
		free(buf);
		return eng_info_err(ret, ctx, argsz, why);
	}
	*out = buf;
	*len = argsz;
	return 0;
}

static int eng_doorbell(void *ctx, const struct scn_group *g, uint64_t phys,
			bool release, uint64_t *iova, struct ioas_why *why)
{
	struct ioas_msi_doorbell d;
	int ret;

	if (release)
		ret = ioas_msi_unmap(ctx, g->id, phys, &d, why);
	else
		ret = ioas_msi_map(ctx, g->id, phys, &d, why);
	if (!ret)
		*iova = d.iova;
	return ret;
}

const struct scn_backend_ops scn_engine_backend = {
	.name = "engine",
	.create = eng_create,
	.destroy = eng_destroy,
	.attach = eng_attach,
	.detach = eng_detach,
	.map = eng_map,
	.unmap = eng_unmap,
	.unmap_all = eng_unmap_all,
	.allow = eng_allow,
	.copy = eng_copy,
	.usable = eng_usable,
	.check = eng_check,
	.vfio_info = eng_vfio_info,
	.doorbell = eng_doorbell,
};
