// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests for the scenario language (tool/scenario.h, doc/scenario.md).
 *
 * Parser: every command form and option is parsed into the fields the
 * executor reads; every malformation is its own table row that must be
 * rejected with -EBADMSG, the right line number and a reason naming the
 * bad token; numbers at 0, UINT64_MAX and one past it; lines at and past
 * SCN_MAX_LINE; NUL bytes; CRLF, tabs and comments.
 *
 * Executor: small scenarios run against the engine backend and their text
 * lines are compared with what the language promises; a fake backend
 * checks that the executor calls the ops with the parsed values and
 * survives a failing space.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ioas/ioas.h>

#include "output.h"
#include "scenario.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define SP "space type1 aperture=0-0x7fffffffff pgsizes=0x40201000\n"
#define SPFD "space iommufd aperture=0-0x7fffffffff pgsizes=0x40201000\n"

/* Helpers ---------------------------------------------------------------- */

static struct scn *parse_ok(const char *text)
{
	struct scn_diag d;
	struct scn *s = NULL;
	int ret = scn_parse(text, strlen(text), &s, &d);

	if (ret)
		print_error("unexpected parse error %d at line %u: %s\n", ret,
			    d.line, d.reason);
	assert_int_equal(ret, 0);
	assert_non_null(s);
	assert_true(s->nr_cmds >= 1);
	assert_int_equal(s->cmds[0].op, SCN_SPACE);
	return s;
}

static void parse_bad_n(const char *text, size_t len, unsigned int line,
			const char *needle)
{
	struct scn_diag d;
	struct scn *s = (struct scn *)0x1;
	int ret = scn_parse(text, len, &s, &d);

	if (ret != -EBADMSG || d.line != line || !strstr(d.reason, needle))
		print_error(
			"input %.*s\n-> ret %d line %u reason '%s'; want line %u with '%s'\n",
			(int)(len > 200 ? 200 : len), text, ret, d.line,
			d.reason, line, needle);
	assert_int_equal(ret, -EBADMSG);
	assert_int_equal(d.line, line);
	assert_non_null(strstr(d.reason, needle));
	/* untouched on failure */
	assert_ptr_equal(s, (struct scn *)0x1);
}

static void parse_bad(const char *text, unsigned int line, const char *needle)
{
	parse_bad_n(text, strlen(text), line, needle);
}

/* The last command of a file made of the space line plus @rest. */
static const struct scn_cmd *last_cmd(struct scn **sp, const char *rest)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s%s", SPFD, rest);
	*sp = parse_ok(buf);
	return &(*sp)->cmds[(*sp)->nr_cmds - 1];
}

/* Runs @text on the engine; returns the output lines joined by '\n'. */
struct capture {
	struct obuf out;
	size_t checks_failed;
};

static void cap_emit(void *arg, const struct scn_step *st)
{
	struct capture *c = arg;

	scn_step_format(st, false, &c->out);
	obuf_putc(&c->out, '\n');
	if (st->check_failed)
		c->checks_failed++;
}

static char *run(const char *text, struct scn_stats *stats)
{
	struct capture c = { OBUF_INIT, 0 };
	struct scn_exec_opts o = { 0 };
	struct scn *s = parse_ok(text);
	char *out;

	o.backend = &scn_engine_backend;
	o.check = true;
	o.emit = cap_emit;
	o.arg = &c;
	assert_int_equal(scn_exec(s, &o, stats), 0);
	assert_int_equal(stats->check_failures, 0);
	assert_int_equal(c.checks_failed, 0);
	assert_false(c.out.oom);
	out = strdup(obuf_str(&c.out));
	assert_non_null(out);
	obuf_fini(&c.out);
	scn_free(s);
	return out;
}

static void run_expect(const char *text, const char *want, size_t passed,
		       size_t failed)
{
	struct scn_stats st;
	char *out = run(text, &st);

	if (strcmp(out, want))
		print_error("got:\n%s\nwant:\n%s\n", out, want);
	assert_string_equal(out, want);
	assert_int_equal(st.passed, passed);
	assert_int_equal(st.failed, failed);
	free(out);
}

/* Parser: accepted forms ------------------------------------------------- */

static void test_parse_space_only(void **state)
{
	struct scn *s;

	(void)state;
	s = parse_ok(SP);
	assert_int_equal(s->nr_cmds, 1);
	assert_int_equal(s->space.profile, IOAS_PROFILE_TYPE1);
	assert_true(s->space.aperture.start == 0);
	assert_true(s->space.aperture.last == 0x7fffffffffull);
	assert_true(s->space.pgsizes == 0x40201000ull);
	assert_true(s->space.page_size == 4096);
	assert_true(s->space.hpage_size == 2u << 20);
	assert_int_equal(s->space.dma_limit, 0);
	assert_false(s->space.unsafe_interrupts);
	assert_string_equal(
		s->cmds[0].text,
		"space type1 aperture=0-0x7fffffffff pgsizes=0x40201000");
	assert_int_equal(s->cmds[0].line, 1);
	scn_free(s);
}

static void test_parse_space_options(void **state)
{
	struct scn *s;

	(void)state;
	s = parse_ok("space native aperture=0x1000+16M pgsizes=0x1000 "
		     "dma-limit=10 unsafe-interrupts page=0x10000 hpage=1G\n");
	assert_int_equal(s->space.profile, IOAS_PROFILE_NATIVE);
	assert_true(s->space.aperture.start == 0x1000);
	assert_true(s->space.aperture.last == 0x1000 + (16u << 20) - 1);
	assert_int_equal(s->space.dma_limit, 10);
	assert_true(s->space.unsafe_interrupts);
	assert_true(s->space.page_size == 0x10000);
	assert_true(s->space.hpage_size == 1ull << 30);
	scn_free(s);

	s = parse_ok("space iommufd aperture=0-0xffffffffffffffff pgsizes=1 "
		     "dma-limit=4294967295");
	assert_int_equal(s->space.profile, IOAS_PROFILE_IOMMUFD);
	assert_true(s->space.aperture.last == UINT64_MAX);
	assert_true(s->space.dma_limit == UINT32_MAX);
	scn_free(s);
}

static void test_parse_group_defaults_and_options(void **state)
{
	struct scn *s;

	(void)state;
	s = parse_ok(SP "group 1\n"
			"group 4294967295 aperture=0x1000000-0x7fffffff "
			"pgsizes=0x800 irq-remap=no dev=0000:00:1f.2\n"
			"group 7 irq-remap=yes dev=10000:0a:1F.7\n"
			"group 8 dev=00:02.0\n");
	assert_int_equal(s->nr_groups, 4);
	assert_int_equal(s->groups[0].id, 1);
	assert_true(s->groups[0].aperture.last == 0x7fffffffffull);
	assert_true(s->groups[0].pgsizes == 0x40201000ull);
	assert_true(s->groups[0].irq_remap);
	assert_string_equal(s->groups[0].dev, "");
	assert_int_equal(s->groups[0].line, 2);
	assert_true(s->groups[1].id == UINT32_MAX);
	assert_true(s->groups[1].aperture.start == 0x1000000);
	assert_true(s->groups[1].aperture.last == 0x7fffffff);
	assert_true(s->groups[1].pgsizes == 0x800);
	assert_false(s->groups[1].irq_remap);
	assert_string_equal(s->groups[1].dev, "0000:00:1f.2");
	assert_true(s->groups[2].irq_remap);
	assert_string_equal(s->groups[2].dev, "10000:0a:1F.7");
	assert_string_equal(s->groups[3].dev, "00:02.0");
	assert_int_equal(s->cmds[1].op, SCN_GROUP);
	assert_int_equal(s->cmds[2].group, 1);
	scn_free(s);
}

static void test_parse_region_every_type_and_origin(void **state)
{
	static const struct {
		const char *type;
		uint32_t want;
	} types[] = {
		{ "direct", IOAS_REGION_DIRECT },
		{ "direct-relaxable", IOAS_REGION_DIRECT_RELAXABLE },
		{ "reserved", IOAS_REGION_RESERVED },
		{ "msi", IOAS_REGION_MSI },
		{ "sw-msi", IOAS_REGION_SW_MSI },
	};
	const struct scn_cmd *c;
	struct scn *s;
	char line[256];
	size_t i;
	uint32_t o;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		snprintf(line, sizeof(line),
			 "group 3\nregion 3 %s 0x1000 0x1fff\n", types[i].type);
		c = last_cmd(&s, line);
		assert_int_equal(c->op, SCN_REGION);
		assert_int_equal(c->group, 0);
		assert_int_equal(c->region.type, types[i].want);
		assert_true(c->region.range.start == 0x1000);
		assert_true(c->region.range.last == 0x1fff);
		assert_int_equal(c->region.origin, IOAS_ORIGIN_USER);
		scn_free(s);
	}
	for (o = 0; o < IOAS_REGION_NR_ORIGINS; o++) {
		snprintf(
			line, sizeof(line),
			"group 3\nregion 3 reserved 0 0xffffffffffffffff origin=%s\n",
			ioas_region_origin_name(o));
		c = last_cmd(&s, line);
		assert_int_equal(c->region.origin, o);
		assert_true(c->region.range.last == UINT64_MAX);
		scn_free(s);
	}
	/* a single byte region is fine */
	c = last_cmd(&s, "group 3\nregion 3 msi 5 5\n");
	assert_true(c->region.range.start == 5 && c->region.range.last == 5);
	scn_free(s);
}

static void test_parse_attach_detach(void **state)
{
	struct scn *s;

	(void)state;
	s = parse_ok(SP "group 9\ngroup 2\nattach 2\ndetach 9\n");
	assert_int_equal(s->cmds[3].op, SCN_ATTACH);
	assert_int_equal(s->cmds[3].group, 1);
	assert_int_equal(s->cmds[4].op, SCN_DETACH);
	assert_int_equal(s->cmds[4].group, 0);
	scn_free(s);
}

static void test_parse_doorbell_forms(void **state)
{
	struct scn *s;

	(void)state;
	s = parse_ok(SP "group 4\ndoorbell 4 0x8090040\n"
		     "doorbell 4 its=0x08080000\n"
		     "doorbell-free 4 gicv2m=0x08020000\n"
		     "expect ok iova=0x8000040\n");
	assert_int_equal(s->cmds[2].op, SCN_DOORBELL);
	assert_int_equal(s->cmds[2].group, 0);
	assert_true(s->cmds[2].iova == 0x8090040);
	/* GICv3 ITS: GITS_TRANSLATER in the second 64 KiB frame */
	assert_true(s->cmds[3].iova == 0x08090040);
	/* GICv2m: MSI_SETSPI_NS at frame base + 0x40 */
	assert_int_equal(s->cmds[4].op, SCN_DOORBELL_FREE);
	assert_true(s->cmds[4].iova == 0x08020040);
	/* an expect after a doorbell checks it, and iova= is its key */
	assert_int_equal(s->cmds[5].target, 4);
	scn_free(s);
}

static void test_parse_map_forms(void **state)
{
	const struct scn_cmd *c;
	struct scn *s;

	(void)state;
	c = last_cmd(&s, "map 0x100000 0x200000\n");
	assert_int_equal(c->op, SCN_MAP);
	assert_true(c->iova == 0x100000 && c->len == 0x200000 && c->va == 0);
	assert_int_equal(c->flags,
			 IOAS_MAP_FIXED | IOAS_MAP_READ | IOAS_MAP_WRITE);
	scn_free(s);

	c = last_cmd(&s, "map auto 4K r va=0x7efc1ad54000\n");
	assert_int_equal(c->flags, IOAS_MAP_READ);
	assert_true(c->len == 4096);
	assert_true(c->va == 0x7efc1ad54000ull);
	scn_free(s);

	c = last_cmd(&s, "map 0 0 va=1 w\n");
	assert_int_equal(c->flags, IOAS_MAP_FIXED | IOAS_MAP_WRITE);
	assert_true(c->iova == 0 && c->len == 0 && c->va == 1);
	scn_free(s);

	c = last_cmd(&s, "map auto 2M none\n");
	assert_int_equal(c->flags, 0);
	scn_free(s);

	c = last_cmd(&s, "map 0xffffffffffffffff 18446744073709551615 wr\n");
	assert_true(c->iova == UINT64_MAX && c->len == UINT64_MAX);
	assert_int_equal(c->flags,
			 IOAS_MAP_FIXED | IOAS_MAP_READ | IOAS_MAP_WRITE);
	scn_free(s);
}

static void test_parse_unmap_forms(void **state)
{
	const struct scn_cmd *c;
	struct scn *s;

	(void)state;
	c = last_cmd(&s, "unmap 0x101000 0x1000\n");
	assert_int_equal(c->op, SCN_UNMAP);
	assert_true(c->iova == 0x101000 && c->len == 0x1000);
	scn_free(s);
	c = last_cmd(&s, "unmap-all\n");
	assert_int_equal(c->op, SCN_UNMAP_ALL);
	scn_free(s);
}

static void test_parse_allow_forms(void **state)
{
	const struct scn_cmd *c;
	struct scn *s;

	(void)state;
	c = last_cmd(&s, "allow 0x10000000-0x1fffffff\n");
	assert_int_equal(c->op, SCN_ALLOW);
	assert_int_equal(c->nr_ranges, 1);
	assert_true(c->ranges[0].start == 0x10000000);
	assert_true(c->ranges[0].last == 0x1fffffff);
	scn_free(s);

	c = last_cmd(&s, "allow 0x1000+4K,0x8000-0x8fff 5-5\n");
	assert_int_equal(c->nr_ranges, 3);
	assert_true(c->ranges[0].start == 0x1000);
	assert_true(c->ranges[0].last == 0x1fff);
	assert_true(c->ranges[1].start == 0x8000);
	assert_true(c->ranges[1].last == 0x8fff);
	assert_true(c->ranges[2].start == 5 && c->ranges[2].last == 5);
	scn_free(s);

	c = last_cmd(&s, "allow none\n");
	assert_int_equal(c->nr_ranges, 0);
	assert_null(c->ranges);
	scn_free(s);

	/* overlapping and reversed order are the backend's to judge */
	c = last_cmd(&s, "allow 0x2000-0x2fff,0x1000-0x2fff\n");
	assert_int_equal(c->nr_ranges, 2);
	scn_free(s);
}

static void test_parse_copy_forms(void **state)
{
	const struct scn_cmd *c;
	struct scn *s;

	(void)state;
	c = last_cmd(&s, "copy 0x1000 0x1000 auto\n");
	assert_int_equal(c->op, SCN_COPY);
	assert_true(c->iova == 0x1000 && c->len == 0x1000);
	assert_int_equal(c->flags, IOAS_MAP_READ | IOAS_MAP_WRITE);
	scn_free(s);
	c = last_cmd(&s, "copy 0x1000 0x1000 0x400000 r\n");
	assert_true(c->dst == 0x400000);
	assert_int_equal(c->flags, IOAS_MAP_FIXED | IOAS_MAP_READ);
	scn_free(s);
}

static void test_parse_usable_and_expects(void **state)
{
	struct scn *s;

	(void)state;
	s = parse_ok(SP "usable\n"
			"expect usable 0x0-0xfedfffff 0xfef00000+0x100\n"
			"expect ok\n"
			"expect err EINVAL\n"
			"map 0 0x1000\n"
			"expect ok iova=0\n"
			"# a comment between does not change the target\n"
			"expect err EEXIST\n"
			"unmap 0 0x1000\n"
			"expect ok unmapped=4K\n"
			"unmap-all\n"
			"expect ok unmapped=0\n"
			"copy 0 1 auto\n"
			"expect ok iova=0xffffffffffffffff\n"
			"usable\n"
			"expect usable\n"
			"expect usable none\n");
	assert_int_equal(s->nr_cmds, 17);
	assert_int_equal(s->cmds[1].op, SCN_USABLE);
	assert_int_equal(s->cmds[2].op, SCN_EXPECT_USABLE);
	assert_int_equal(s->cmds[2].target, 1);
	assert_int_equal(s->cmds[2].nr_ranges, 2);
	assert_true(s->cmds[2].ranges[1].last == 0xfef000ff);
	assert_int_equal(s->cmds[3].op, SCN_EXPECT_OK);
	assert_int_equal(s->cmds[3].target, 1);
	assert_int_equal(s->cmds[4].op, SCN_EXPECT_ERR);
	assert_int_equal(s->cmds[4].err, EINVAL);
	assert_int_equal(s->cmds[6].keys, SCN_KEY_IOVA);
	assert_int_equal(s->cmds[6].target, 5);
	assert_int_equal(s->cmds[7].err, EEXIST);
	assert_int_equal(s->cmds[7].target, 5);
	assert_int_equal(s->cmds[7].line, 9);
	assert_int_equal(s->cmds[9].keys, SCN_KEY_UNMAPPED);
	assert_true(s->cmds[9].key_unmapped == 4096);
	assert_true(s->cmds[13].key_iova == UINT64_MAX);
	assert_int_equal(s->cmds[15].nr_ranges, 0);
	assert_int_equal(s->cmds[16].nr_ranges, 0);
	assert_int_equal(s->cmds[16].target, 14);
	scn_free(s);
}

static void test_parse_comments_blanks_crlf_tabs(void **state)
{
	static const char text[] =
		"# header comment\r\n"
		"\r\n"
		"   \t  \n"
		"\tspace\ttype1   aperture=0-0xffff pgsizes=0x1000   # trailing\r\n"
		"#\n"
		"group 1#not-a-comment-start-but-part-of-token-is-bad\n";
	struct scn *s;

	(void)state;
	/* '#' only starts a comment at the start of a token */
	parse_bad(text, 6, "bad group id '1#not");

	s = parse_ok("# c\r\n\r\n\tspace\ttype1   aperture=0-0xffff "
		     "pgsizes=0x1000   # trailing\r\nusable\t#x\r\n#");
	assert_int_equal(s->nr_cmds, 2);
	assert_int_equal(s->cmds[0].line, 3);
	assert_string_equal(s->cmds[0].text,
			    "space type1 aperture=0-0xffff pgsizes=0x1000");
	assert_int_equal(s->cmds[1].line, 4);
	assert_string_equal(s->cmds[1].text, "usable");
	scn_free(s);
}

static void test_parse_numbers_at_limits(void **state)
{
	const struct scn_cmd *c;
	struct scn *s;

	(void)state;
	c = last_cmd(&s, "unmap 0 0\n");
	assert_true(c->iova == 0 && c->len == 0);
	scn_free(s);
	c = last_cmd(&s, "unmap 0xFFFFFFFFFFFFFFFF 18446744073709551615\n");
	assert_true(c->iova == UINT64_MAX && c->len == UINT64_MAX);
	scn_free(s);
	c = last_cmd(&s, "unmap 0x0000000000000000000001 15E\n");
	assert_true(c->iova == 1 && c->len == 15ull << 60);
	scn_free(s);

	parse_bad(
		SPFD "unmap 0x10000000000000000 1\n", 2,
		"bad iova '0x10000000000000000': number does not fit in 64 bits");
	parse_bad(SPFD "unmap 1 18446744073709551616\n", 2,
		  "bad size '18446744073709551616': number does not fit");
	parse_bad(SPFD "unmap 1 16E\n", 2,
		  "bad size '16E': number does not fit");
	parse_bad(SPFD "unmap -1 1\n", 2, "bad iova '-1': not a number");
	parse_bad(SPFD "unmap +1 1\n", 2, "bad iova '+1'");
	parse_bad(SPFD "unmap 0x 1\n", 2, "bad iova '0x'");
	parse_bad(SPFD "unmap 1k 1\n", 2, "bad iova '1k'");
	parse_bad(SPFD "unmap 1KB 1\n", 2, "bad iova '1KB'");
	parse_bad(SPFD "allow 0-0x10000000000000000\n", 2,
		  "does not fit in 64 bits");
	parse_bad(SPFD "allow 0xffffffffffffffff+2\n", 2,
		  "does not fit in 64 bits");
	parse_bad(SPFD "group 4294967296\n", 2,
		  "bad group id '4294967296': larger than 2^32-1");
	parse_bad("space type1 aperture=0-1 pgsizes=1 dma-limit=4294967296\n",
		  1, "bad dma-limit '4294967296'");
}

static void test_parse_long_lines(void **state)
{
	static char buf[sizeof(SP) + 3 * SCN_MAX_LINE];
	size_t n = SCN_MAX_LINE;
	size_t off;
	struct scn *s;
	struct scn_diag d;

	(void)state;
	/* exactly SCN_MAX_LINE bytes: accepted */
	off = (size_t)sprintf(buf, SP "usable #");
	memset(buf + off, 'x', n - strlen("usable #"));
	off += n - strlen("usable #");
	buf[off++] = '\n';
	assert_int_equal(scn_parse(buf, off, &s, &d), 0);
	assert_int_equal(s->nr_cmds, 2);
	scn_free(s);

	/* one more byte: rejected, even in a comment */
	off = (size_t)sprintf(buf, SP "usable #");
	memset(buf + off, 'x', n + 1 - strlen("usable #"));
	off += n + 1 - strlen("usable #");
	buf[off++] = '\n';
	parse_bad_n(buf, off, 2, "longer than 4096 bytes");
	/* same without the final newline */
	parse_bad_n(buf, off - 1, 2, "longer than 4096 bytes");

	/* a line of nothing but one-byte tokens (the most tokens there are) */
	off = (size_t)sprintf(buf, SP "allow ");
	while (off + 2 < sizeof(SP) - 1 + SCN_MAX_LINE) {
		buf[off++] = '1';
		buf[off++] = ' ';
	}
	parse_bad_n(buf, off, 2, "bad range '1'");
}

static void test_parse_nul_bytes(void **state)
{
	static const char a[] = SP "usable\0\n";
	static const char b[] = SP "# comment \0 with a NUL\n";
	static const char c[] = "\0";

	(void)state;
	parse_bad_n(a, sizeof(a) - 1, 2, "NUL byte at column 7");
	parse_bad_n(b, sizeof(b) - 1, 2, "NUL byte at column 11");
	parse_bad_n(c, 1, 1, "NUL byte at column 1");
}

static void test_parse_empty_and_no_space(void **state)
{
	struct scn_diag d;
	struct scn *s;

	(void)state;
	assert_int_equal(scn_parse("", 0, &s, &d), -EBADMSG);
	assert_int_equal(d.line, 1);
	assert_non_null(strstr(d.reason, "no 'space' line"));
	/* NULL is fine for an empty buffer, and so is a NULL diag */
	assert_int_equal(scn_parse(NULL, 0, &s, NULL), -EBADMSG);
	parse_bad("# only comments\n\n", 1, "no 'space' line");
	parse_bad("\n\nusable\n", 3,
		  "usable: the first command must be 'space'");
	parse_bad(SP "\n" SP, 3,
		  "exactly one 'space' line (the first is at line 1)");
}

/* Parser: one row per malformation --------------------------------------- */

static const struct {
	const char *text;
	unsigned int line;
	const char *reason;
} bad_rows[] = {
	/* doorbell */
	{ SP "group 1\ndoorbell 1\n", 3, "doorbell: missing" },
	{ SP "group 1\ndoorbell 2 0x1000\n", 3, "group '2': not declared" },
	{ SP "group 1\ndoorbell 1 its=x\n", 3, "bad ITS base 'x'" },
	{ SP "group 1\ndoorbell 1 gicv2m=\n", 3, "bad doorbell address 'gicv2m='" },
	{ SP "group 1\ndoorbell 1 its=0xffffffffffffffff\n", 3,
	  "bad doorbell address 'its=0xffffffffffffffff'" },
	{ SP "group 1\ndoorbell-free 1 0x1000 0x2000\n", 3,
	  "unexpected argument '0x2000'" },
	/* commands */
	{ SP "mapp 0 1\n", 2, "unknown command 'mapp'" },
	{ SP "MAP 0 1\n", 2, "unknown command 'MAP'" },
	{ SP "\x01\xff\n", 2, "unknown command '\\x01\\xff'" },
	/* space */
	{ "space\n", 1, "space: missing profile" },
	{ "space kvm aperture=0-1 pgsizes=1\n", 1, "unknown profile 'kvm'" },
	{ "space type1 pgsizes=1\n", 1, "missing aperture=" },
	{ "space type1 aperture=0-1\n", 1, "missing pgsizes=" },
	{ "space type1 aperture=2-1 pgsizes=1\n", 1, "bad aperture '2-1'" },
	{ "space type1 aperture=0 pgsizes=1\n", 1, "bad aperture '0'" },
	{ "space type1 aperture=0+0 pgsizes=1\n", 1, "bad aperture '0+0'" },
	{ "space type1 aperture=0-1 pgsizes=0\n", 1,
	  "bad pgsizes '0': no page size" },
	{ "space type1 aperture=0-1 pgsizes=x\n", 1, "bad pgsizes 'x'" },
	{ "space type1 aperture=0-1 aperture=0-1 pgsizes=1\n", 1,
	  "duplicate option 'aperture=0-1'" },
	{ "space type1 aperture=0-1 pgsizes=1 pgsizes=1\n", 1,
	  "duplicate option 'pgsizes=1'" },
	{ "space type1 aperture=0-1 pgsizes=1 unsafe-interrupts unsafe-interrupts\n",
	  1, "duplicate option 'unsafe-interrupts'" },
	{ "space type1 aperture=0-1 pgsizes=1 page=3000\n", 1,
	  "bad page '3000': not a power of two" },
	{ "space type1 aperture=0-1 pgsizes=1 page=0\n", 1, "bad page '0'" },
	{ "space type1 aperture=0-1 pgsizes=1 hpage=0x3000\n", 1,
	  "bad hpage '0x3000'" },
	{ "space type1 aperture=0-1 pgsizes=1 page=64K hpage=4K\n", 1,
	  "hpage=0x1000 is smaller than page=0x10000" },
	{ "space type1 aperture=0-1 pgsizes=1 color=red\n", 1,
	  "unknown option 'color=red'" },
	{ "space type1 aperture=0-1 pgsizes=1 fast\n", 1,
	  "unknown option 'fast'" },
	{ "space type1 aperture=0-1 pgsizes=1 dma-limit=-1\n", 1,
	  "bad dma-limit '-1'" },
	/* group */
	{ SP "group\n", 2, "group: missing id" },
	{ SP "group x\n", 2, "bad group id 'x'" },
	{ SP "group 1\ngroup 0x1\n", 3,
	  "group 1 is already declared at line 2" },
	{ SP "group 1 aperture=5-4\n", 2, "bad aperture '5-4'" },
	{ SP "group 1 pgsizes=0\n", 2, "bad pgsizes '0'" },
	{ SP "group 1 irq-remap=maybe\n", 2, "bad irq-remap 'maybe'" },
	{ SP "group 1 irq-remap=yes irq-remap=no\n", 2, "duplicate option" },
	{ SP "group 1 dev=0000:00:01\n", 2, "bad dev '0000:00:01'" },
	{ SP "group 1 dev=00:20.0\n", 2, "bad dev '00:20.0'" },
	{ SP "group 1 dev=00:01.8\n", 2, "bad dev '00:01.8'" },
	{ SP "group 1 dev=000:00:01.0\n", 2, "bad dev '000:00:01.0'" },
	{ SP "group 1 dev=0000:0g:01.0\n", 2, "bad dev" },
	{ SP "group 1 dev=0000-00:01.0\n", 2, "bad dev" },
	{ SP "group 1 dev=\n", 2, "bad dev ''" },
	{ SP "group 1 dev=00:01.0 dev=00:01.0\n", 2, "duplicate option" },
	{ SP "group 1 irq\n", 2, "unknown option 'irq'" },
	/* region */
	{ SP "region 1 msi 0 1\n", 2, "group '1': not declared" },
	{ SP "group 1\nregion 1 msi 0\n", 3, "region: missing arguments" },
	{ SP "group 1\nregion 1 hole 0 1\n", 3, "unknown region type 'hole'" },
	{ SP "group 1\nregion 1 MSI 0 1\n", 3, "unknown region type 'MSI'" },
	{ SP "group 1\nregion 1 msi x 1\n", 3, "bad start 'x'" },
	{ SP "group 1\nregion 1 msi 0 y\n", 3, "bad last 'y'" },
	{ SP "group 1\nregion 1 msi 2 1\n", 3, "start 0x2 is above last 0x1" },
	{ SP "group 1\nregion 1 msi 0 1 origin=bios\n", 3,
	  "unknown origin 'bios'" },
	{ SP "group 1\nregion 1 msi 0 1 prot=rw\n", 3,
	  "unknown option 'prot=rw'" },
	{ SP "group 1\nregion 1 msi 0 1 origin=user origin=user\n", 3,
	  "duplicate option" },
	/* attach / detach */
	{ SP "attach 1\n", 2, "attach: group '1': not declared" },
	{ SP "detach 2\n", 2, "detach: group '2': not declared" },
	{ SP "group 1\nattach\n", 3, "attach: missing arguments" },
	{ SP "group 1\nattach 1 2\n", 3, "unexpected argument '2'" },
	/* map */
	{ SP "map 0\n", 2, "map: missing arguments" },
	{ SP "map automatic 0x1000\n", 2, "bad iova 'automatic'" },
	{ SP "map 0 x\n", 2, "bad size 'x'" },
	{ SP "map 0 1 rwx\n", 2, "unknown argument 'rwx'" },
	{ SP "map 0 1 r w\n", 2, "duplicate permission 'w'" },
	{ SP "map 0 1 va=1 va=2\n", 2, "duplicate option 'va=2'" },
	{ SP "map 0 1 va=\n", 2, "bad va ''" },
	{ SP "map 0 1 iova=2\n", 2, "unknown argument 'iova=2'" },
	/* unmap */
	{ SP "unmap 0\n", 2, "unmap: missing arguments" },
	{ SP "unmap 0 1 2\n", 2, "unexpected argument '2'" },
	{ SP "unmap-all 0\n", 2, "unmap-all: unexpected argument '0'" },
	/* allow */
	{ SP "allow\n", 2, "allow: missing arguments" },
	{ SP "allow none 0-1\n", 2, "unexpected argument '0-1'" },
	{ SP "allow 0-1,none\n", 2, "'none' must be alone" },
	{ SP "allow 0-1,\n", 2, "empty range in '0-1,'" },
	{ SP "allow ,0-1\n", 2, "empty range in ',0-1'" },
	{ SP "allow 0-1,,2-3\n", 2, "empty range" },
	{ SP "allow 3-2\n", 2, "bad range '3-2'" },
	{ SP "allow 0x1000\n", 2, "bad range '0x1000'" },
	/* copy */
	{ SP "copy 0 1\n", 2, "copy: missing arguments" },
	{ SP "copy x 1 auto\n", 2, "bad source 'x'" },
	{ SP "copy 0 x auto\n", 2, "bad size 'x'" },
	{ SP "copy 0 1 anywhere\n", 2, "bad destination 'anywhere'" },
	{ SP "copy 0 1 auto va=1\n", 2, "unknown argument 'va=1'" },
	{ SP "copy 0 1 auto r r\n", 2, "duplicate permission" },
	/* usable */
	{ SP "usable all\n", 2, "usable: unexpected argument 'all'" },
	/* expect */
	{ SP "expect\n", 2, "expect: missing result" },
	{ SP "expect maybe\n", 2, "unknown result 'maybe'" },
	{ SP "expect err\n", 2, "missing errno name" },
	{ SP "expect err EINVAL EEXIST\n", 2, "unexpected argument 'EEXIST'" },
	{ SP "expect err EWHATEVER\n", 2, "unknown errno name 'EWHATEVER'" },
	{ SP "expect err einval\n", 2, "unknown errno name 'einval'" },
	{ SP "expect err 22\n", 2, "unknown errno name '22'" },
	{ SP "expect err EINVALEINVALEINVALEINVALEINVALEINVAL\n", 2,
	  "unknown errno name" },
	{ SP "expect ok iova\n", 2, "bad result key 'iova'" },
	{ SP "expect ok size=1\n", 2, "unknown result key 'size'" },
	{ SP "expect ok iova=1\n", 2, "'space' (line 1) has no 'iova'" },
	{ SP "map 0 1\nexpect ok unmapped=1\n", 3,
	  "'map' (line 2) has no 'unmapped'" },
	{ SP "unmap 0 1\nexpect ok iova=1\n", 3,
	  "'unmap' (line 2) has no 'iova'" },
	{ SP "map 0 1\nexpect ok iova=1 iova=1\n", 3,
	  "duplicate key 'iova=1'" },
	{ SP "map 0 1\nexpect ok iova=x\n", 3, "bad value 'x'" },
	{ SP "map 0 1\nexpect usable 0-1\n", 3,
	  "the command before it is 'map' (line 2)" },
	{ SP "usable\nexpect ok\nexpect usable 0-1 1-2\n", 4,
	  "must be ascending, disjoint and not touching" },
	{ SP "usable\nexpect usable 0-1 2-3\n", 3, "not touching" },
	{ SP "usable\nexpect usable 4-5 0-1\n", 3, "ascending" },
	{ SP "usable\nexpect usable 0-1,3-4\n", 3, "bad range '0-1,3-4'" },
	{ SP "usable\nexpect usable none 0-1\n", 3, "bad range 'none'" },
};

static void test_parse_malformed_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_rows); i++)
		parse_bad(bad_rows[i].text, bad_rows[i].line,
			  bad_rows[i].reason);
}

static void test_parse_bad_token_is_quoted_and_cut(void **state)
{
	char buf[512];
	struct scn_diag d;
	struct scn *s;

	(void)state;
	snprintf(buf, sizeof(buf), SP "map %.200s 1\n",
		 "9999999999999999999999999999999999999999999999999999"
		 "9999999999999999999999999999999999999999999999999999"
		 "9999999999999999999999999999999999999999999999999999"
		 "9999999999999999999999999999999999999999999999999999");
	assert_int_equal(scn_parse(buf, strlen(buf), &s, &d), -EBADMSG);
	/* the number overflows; the message shows the start of it */
	assert_non_null(strstr(d.reason, "bad iova '999999"));
	assert_non_null(strstr(d.reason, "...'"));
	assert_true(strlen(d.reason) < sizeof(d.reason) - 1);
	/* a quote in the token is escaped */
	parse_bad(SP "map 'x 1\n", 2, "bad iova '\\x27x'");
}

static void test_parse_group_and_region_caps(void **state)
{
	struct obuf b = OBUF_INIT;
	struct scn *s;
	struct scn_diag d;
	int i;

	(void)state;
	obuf_puts(&b, SP);
	for (i = 0; i < 1024; i++)
		obuf_printf(&b, "group %d\n", i);
	s = parse_ok(obuf_str(&b));
	assert_int_equal(s->nr_groups, 1024);
	scn_free(s);
	obuf_puts(&b, "group 1024\n");
	assert_int_equal(scn_parse(b.s, b.len, &s, &d), -EBADMSG);
	assert_int_equal(d.line, 1026);
	assert_non_null(strstr(d.reason, "too many groups"));

	obuf_reset(&b);
	obuf_puts(&b, SP "group 1\n");
	for (i = 0; i < 1024; i++)
		obuf_printf(&b, "region 1 reserved %d %d\n", i * 2, i * 2);
	s = parse_ok(obuf_str(&b));
	scn_free(s);
	obuf_puts(&b, "region 1 msi 0 0\n");
	assert_int_equal(scn_parse(b.s, b.len, &s, &d), -EBADMSG);
	assert_non_null(strstr(d.reason, "too many regions for group 1"));

	/* 4096 regions in all, over several groups */
	obuf_reset(&b);
	obuf_puts(&b, SP);
	for (i = 0; i < 4; i++) {
		int j;

		obuf_printf(&b, "group %d\n", i);
		for (j = 0; j < 1024; j++)
			obuf_printf(&b, "region %d reserved %d %d\n", i, j, j);
	}
	s = parse_ok(obuf_str(&b));
	scn_free(s);
	obuf_puts(&b, "group 4\nregion 4 msi 0 0\n");
	assert_int_equal(scn_parse(b.s, b.len, &s, &d), -EBADMSG);
	assert_int_equal(d.line, 1 + 4 * 1025 + 2);
	assert_non_null(
		strstr(d.reason, "too many regions (at most 4096 in all)"));
	obuf_fini(&b);
}

static void test_parse_stops_at_first_error(void **state)
{
	(void)state;
	/* the second bad line is never looked at */
	parse_bad(SP "map x 1\nmap y 1\n", 2, "bad iova 'x'");
	/* a line after a bad one may even be a NUL */
	parse_bad_n(SP "frob\n\0", sizeof(SP "frob\n\0") - 1, 2,
		    "unknown command 'frob'");
}

/* Executor ---------------------------------------------------------------- */

#define X86_T1                                                     \
	"space type1 aperture=0-0x7fffffffff pgsizes=0x40201000\n" \
	"group 1 dev=0000:00:01.0\n"                               \
	"region 1 msi 0xfee00000 0xfeefffff origin=x86-msi\n"

static void test_exec_type1_fixture_cases(void **state)
{
	(void)state;
	run_expect(
		X86_T1 "usable\n"
		       "expect err EINVAL\n"
		       "attach 1\n"
		       "usable\n"
		       "expect usable 0x0-0xfedfffff 0xfef00000-0x7fffffffff\n"
		       "map 0x100000 0x200000\n"
		       "expect ok iova=0x100000\n"
		       "map 0x200000 0x200000\n"
		       "expect err EEXIST\n"
		       "unmap 0x100000 0x200000\n"
		       "expect ok unmapped=0x200000\n",
		"ok\nok\nok\n"
		"err EINVAL: usable: no group is attached, so the container has no IOMMU set (VFIO_SET_IOMMU needs a group)\n"
		"ok\n"
		"ok\n"
		"usable 0x0-0xfedfffff 0xfef00000-0x7fffffffff\n"
		"ok\n"
		"ok iova=0x100000\n"
		"ok\n"
		"err EEXIST: map 0x200000+0x200000: range 0x200000-0x3fffff overlaps an existing mapping: mapping 0x100000-0x2fffff\n"
		"ok\n"
		"ok unmapped=0x200000\n"
		"ok\n",
		5, 0);
}

static void test_exec_names_the_region_in_the_way(void **state)
{
	(void)state;
	run_expect(
		X86_T1 "attach 1\nmap 0xfee00000 0x1000\n",
		"ok\nok\nok\nok\n"
		"err EINVAL: map 0xfee00000+0x1000: range 0xfee00000-0xfee00fff is not inside one usable IOVA range: msi region 0xfee00000-0xfeefffff of group 1 (x86-msi: x86 interrupt address range (IOAPIC/MSI))\n",
		0, 0);
	/* and the aperture when no region is there */
	run_expect(
		X86_T1 "attach 1\nmap 0x8000000000 0x1000\n",
		"ok\nok\nok\nok\n"
		"err EINVAL: map 0x8000000000+0x1000: range 0x8000000000-0x8000000fff is not inside one usable IOVA range: outside the aperture 0x0-0x7fffffffff of group 1\n",
		0, 0);
}

static void test_exec_failed_expects_are_counted(void **state)
{
	(void)state;
	run_expect(
		X86_T1 "attach 1\n"
		       "map 0x1000 0x1000\n"
		       "expect ok iova=0x2000\n"
		       "expect err EEXIST\n"
		       "expect ok\n"
		       "usable\n"
		       "expect usable 0x0-0xfff\n"
		       "expect err ENOENT\n",
		"ok\nok\nok\nok\n"
		"ok iova=0x1000\n"
		"fail: expected ok iova=0x2000, got ok iova=0x1000\n"
		"fail: expected err EEXIST, got ok iova=0x1000\n"
		"ok\n"
		"usable 0x0-0xfedfffff 0xfef00000-0x7fffffffff\n"
		"fail: expected usable 0x0-0xfff, got usable 0x0-0xfedfffff 0xfef00000-0x7fffffffff\n"
		"fail: expected err ENOENT, got usable 0x0-0xfedfffff 0xfef00000-0x7fffffffff\n",
		1, 4);
	/* an expected error that is another error */
	run_expect(
		X86_T1 "map 0 0x1000\nexpect err EEXIST\n",
		"ok\nok\nok\n"
		"err EINVAL: map 0x0+0x1000: no group is attached, so the container has no IOMMU set (VFIO_SET_IOMMU needs a group)\n"
		"fail: expected err EEXIST, got err EINVAL\n",
		0, 1);
}

static void test_exec_iommufd_auto_map(void **state)
{
	(void)state;
	run_expect(
		"space iommufd aperture=0-0x7fffffffff pgsizes=0x40201000 hpage=0x1000\n"
		"group 1\n"
		"region 1 msi 0xfee00000 0xfeefffff origin=x86-msi\n"
		"usable\n"
		"expect usable 0x0-0xffffffffffffffff\n"
		"attach 1\n"
		"map auto 0x1000 va=0x7efc1ad54000\n"
		"expect ok iova=0x1000\n"
		"map auto 0x200000 va=0x7efc1af54000\n"
		"expect ok iova=0x2000\n"
		"allow 0x10000000-0x1fffffff\n"
		"map auto 0x1000\n"
		"expect ok iova=0x10000000\n"
		"unmap-all\n"
		"expect ok unmapped=0x202000\n",
		"ok\nok\nok\n"
		"usable 0x0-0xffffffffffffffff\n"
		"ok\nok\n"
		"ok iova=0x1000\nok\n"
		"ok iova=0x2000\nok\n"
		"ok\n"
		"ok iova=0x10000000\nok\n"
		"ok unmapped=0x202000\nok\n",
		5, 0);
}

/* A fake backend: records calls, fails create on request. */
struct fake {
	int create_ret;
	int calls;
	uint32_t attached_id;
	size_t attached_nr;
	uint64_t map_iova, map_len, map_va;
	uint32_t map_flags;
};

static struct fake fake_state;

static int fk_create(const struct scn_space *sp, void **ctx,
		     struct ioas_why *why)
{
	(void)sp;
	(void)why;
	fake_state.calls++;
	if (fake_state.create_ret)
		return fake_state.create_ret;
	*ctx = &fake_state;
	return 0;
}

static void fk_destroy(void *ctx)
{
	assert_ptr_equal(ctx, &fake_state);
}

static int fk_attach(void *ctx, const struct scn_group *g,
		     const struct ioas_region *r, size_t nr,
		     struct ioas_why *why)
{
	struct fake *f = ctx;

	(void)r;
	(void)why;
	f->calls++;
	f->attached_id = g->id;
	f->attached_nr = nr;
	return 0;
}

static int fk_detach(void *ctx, const struct scn_group *g, struct ioas_why *why)
{
	(void)g;
	(void)why;
	((struct fake *)ctx)->calls++;
	return -ENOENT; /* an empty why: the executor must cope */
}

static int fk_map(void *ctx, struct ioas_map_req *req, struct ioas_why *why)
{
	struct fake *f = ctx;

	(void)why;
	f->calls++;
	f->map_iova = req->iova;
	f->map_len = req->length;
	f->map_va = req->va;
	f->map_flags = req->flags;
	req->iova = 0xabc000;
	return 0;
}

static int fk_unmap(void *ctx, uint64_t iova, uint64_t len, uint64_t *out,
		    struct ioas_why *why)
{
	(void)ctx;
	(void)why;
	*out = iova + len;
	return 0;
}

static int fk_unmap_all(void *ctx, uint64_t *out, struct ioas_why *why)
{
	(void)ctx;
	(void)why;
	*out = 7;
	return 0;
}

static int fk_allow(void *ctx, const struct ioas_range *r, size_t nr,
		    struct ioas_why *why)
{
	(void)ctx;
	(void)r;
	(void)nr;
	(void)why;
	return -EOPNOTSUPP;
}

static int fk_copy(void *ctx, uint64_t src, uint64_t len, uint32_t flags,
		   uint64_t *dst, struct ioas_why *why)
{
	(void)ctx;
	(void)len;
	(void)flags;
	(void)why;
	*dst = src + 1;
	return 0;
}

static int fk_usable(void *ctx, struct ioas_range_list *out,
		     struct ioas_why *why)
{
	struct ioas_range r = { 0x1000, 0x1fff };

	(void)ctx;
	(void)why;
	return ioas_range_list_add(out, &r);
}

static const struct scn_backend_ops fake_ops = {
	.name = "fake",
	.create = fk_create,
	.destroy = fk_destroy,
	.attach = fk_attach,
	.detach = fk_detach,
	.map = fk_map,
	.unmap = fk_unmap,
	.unmap_all = fk_unmap_all,
	.allow = fk_allow,
	.copy = fk_copy,
	.usable = fk_usable,
};

static char *run_fake(const char *text, struct scn_stats *st, size_t max)
{
	struct capture c = { OBUF_INIT, 0 };
	struct scn_exec_opts o = { 0 };
	struct scn *s = parse_ok(text);
	char *out;

	o.backend = &fake_ops;
	o.max_cmds = max;
	o.check = true; /* no check op: nothing happens */
	o.emit = cap_emit;
	o.arg = &c;
	assert_int_equal(scn_exec(s, &o, st), 0);
	out = strdup(obuf_str(&c.out));
	assert_non_null(out);
	obuf_fini(&c.out);
	scn_free(s);
	return out;
}

static void test_exec_backend_sees_parsed_values(void **state)
{
	struct scn_stats st;
	char *out;

	(void)state;
	memset(&fake_state, 0, sizeof(fake_state));
	out = run_fake(SP "group 5\nregion 5 msi 0 1\nregion 5 sw-msi 8 9\n"
			  "attach 5\nmap 0x3000 0x2000 r va=0x9000\n"
			  "unmap 1 2\nunmap-all\ncopy 4 1 auto\nusable\n"
			  "detach 5\nallow none\n",
		       &st, 0);
	assert_int_equal(fake_state.attached_id, 5);
	assert_int_equal(fake_state.attached_nr, 2);
	assert_true(fake_state.map_iova == 0x3000);
	assert_true(fake_state.map_len == 0x2000);
	assert_true(fake_state.map_va == 0x9000);
	assert_int_equal(fake_state.map_flags, IOAS_MAP_FIXED | IOAS_MAP_READ);
	assert_string_equal(
		out,
		"ok\nok\nok\nok\nok\n"
		"ok iova=0xabc000\n"
		"ok unmapped=0x3\n"
		"ok unmapped=0x7\n"
		"ok iova=0x5\n"
		"usable 0x1000-0x1fff\n"
		"err ENOENT: detach group 5: nothing mapped there, mapping would be split, or no such object\n"
		"err EOPNOTSUPP: allow: unsupported flag, field or operation\n");
	assert_int_equal(st.executed, 12);
	free(out);
}

static void test_exec_max_cmds(void **state)
{
	struct scn_stats st;
	char *out;

	(void)state;
	memset(&fake_state, 0, sizeof(fake_state));
	out = run_fake(SP "usable\nusable\nusable\n", &st, 2);
	assert_string_equal(out, "ok\nusable 0x1000-0x1fff\n");
	assert_int_equal(st.executed, 2);
	free(out);
}

static void test_exec_failed_space_fails_every_command(void **state)
{
	struct scn_stats st;
	char *out;

	(void)state;
	memset(&fake_state, 0, sizeof(fake_state));
	fake_state.create_ret = -EINVAL;
	out = run_fake(SP "group 1\nattach 1\nmap 0 1\nexpect err ENODEV\n",
		       &st, 0);
	assert_string_equal(
		out,
		"err EINVAL: space type1: invalid argument or range\n"
		"err ENODEV: group 1: no space: the space command at line 1 failed (EINVAL)\n"
		"err ENODEV: attach group 1: no space: the space command at line 1 failed (EINVAL)\n"
		"err ENODEV: map 0x0+0x1: no space: the space command at line 1 failed (EINVAL)\n"
		"ok\n");
	/* only create was called */
	assert_int_equal(fake_state.calls, 1);
	assert_int_equal(st.passed, 1);
	free(out);
}

static void test_exec_engine_rejects_iommufd_dma_limit(void **state)
{
	(void)state;
	run_expect(
		"space iommufd aperture=0-0xffff pgsizes=0x1000 dma-limit=5\n"
		"expect err EINVAL\n",
		"err EINVAL: space iommufd: invalid argument or range\nok\n", 1,
		0);
}

static void test_format_brief_and_unknown_errno(void **state)
{
	char text[] = "map";
	struct scn_cmd c = { .op = SCN_MAP, .line = 1, .text = text };
	struct scn_step st = {
		.cmd = &c, .status = SCN_ST_ERR, .err = 4095, .msg = "why"
	};
	struct obuf b = OBUF_INIT;

	(void)state;
	scn_step_format(&st, false, &b);
	assert_string_equal(obuf_str(&b), "err errno 4095: why");
	obuf_reset(&b);
	st.err = EINVAL;
	scn_step_format(&st, true, &b);
	assert_string_equal(obuf_str(&b), "err EINVAL");
	obuf_fini(&b);
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parse_space_only),
		T(test_parse_space_options),
		T(test_parse_group_defaults_and_options),
		T(test_parse_region_every_type_and_origin),
		T(test_parse_attach_detach),
		T(test_parse_doorbell_forms),
		T(test_parse_map_forms),
		T(test_parse_unmap_forms),
		T(test_parse_allow_forms),
		T(test_parse_copy_forms),
		T(test_parse_usable_and_expects),
		T(test_parse_comments_blanks_crlf_tabs),
		T(test_parse_numbers_at_limits),
		T(test_parse_long_lines),
		T(test_parse_nul_bytes),
		T(test_parse_empty_and_no_space),
		T(test_parse_malformed_rows),
		T(test_parse_bad_token_is_quoted_and_cut),
		T(test_parse_group_and_region_caps),
		T(test_parse_stops_at_first_error),
		T(test_exec_type1_fixture_cases),
		T(test_exec_names_the_region_in_the_way),
		T(test_exec_failed_expects_are_counted),
		T(test_exec_iommufd_auto_map),
		T(test_exec_backend_sees_parsed_values),
		T(test_exec_max_cmds),
		T(test_exec_failed_space_fails_every_command),
		T(test_exec_engine_rejects_iommufd_dma_limit),
		T(test_format_brief_and_unknown_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
