// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the scenario language (tool/scenario.h): arbitrary bytes
 * go to scn_parse(). A rejected input must come back as -EBADMSG with a
 * line inside the input and a NUL-terminated, non-empty reason (or
 * -ENOMEM). An accepted one must be internally consistent (space first,
 * expect targets point backwards at a non-expect command, group indexes in
 * range, every command has its text), and must round-trip: the commands'
 * normalised texts, one per line, parse to the same commands.
 *
 * Then the scenario runs against the engine with the invariant checker on
 * after every command, at most MAX_CMDS commands (nothing is allocated per
 * mapped byte, so sizes do not matter). Every step is formatted as text:
 * an error must have a sentence and a failed expect a message. An engine
 * invariant violation, or any check above failing, abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioas/ioas.h>

#include "output.h"
#include "scenario.h"

#include "fuzz_check.h"

#define MAX_CMDS 200

static void check_diag(const struct scn_diag *d, const uint8_t *data,
		       size_t size)
{
	size_t lines = 1, i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	CHECK(d->line >= 1 && d->line <= lines);
	CHECK(memchr(d->reason, '\0', sizeof(d->reason)));
	CHECK(d->reason[0]);
}

static void check_scn(const struct scn *s)
{
	size_t i, j;

	CHECK(s->nr_cmds >= 1);
	CHECK(s->cmds[0].op == SCN_SPACE);
	CHECK(s->space.profile >= IOAS_PROFILE_TYPE1 &&
	      s->space.profile <= IOAS_PROFILE_NATIVE);
	CHECK(s->space.pgsizes);
	CHECK(s->space.aperture.start <= s->space.aperture.last);
	for (i = 0; i < s->nr_groups; i++) {
		CHECK(s->groups[i].pgsizes);
		CHECK(s->groups[i].aperture.start <=
		      s->groups[i].aperture.last);
		CHECK(memchr(s->groups[i].dev, '\0', SCN_DEV_MAX));
		for (j = 0; j < i; j++)
			CHECK(s->groups[i].id != s->groups[j].id);
	}
	for (i = 0; i < s->nr_cmds; i++) {
		const struct scn_cmd *c = &s->cmds[i];

		CHECK(c->text && c->text[0]);
		CHECK(i == 0 || c->op != SCN_SPACE);
		CHECK(i == 0 || c->line > s->cmds[i - 1].line);
		switch (c->op) {
		case SCN_GROUP:
		case SCN_REGION:
		case SCN_ATTACH:
		case SCN_DETACH:
			CHECK(c->group < s->nr_groups);
			break;
		case SCN_EXPECT_OK:
		case SCN_EXPECT_ERR:
		case SCN_EXPECT_USABLE:
			CHECK(c->target < i);
			CHECK(s->cmds[c->target].op < SCN_EXPECT_OK);
			if (c->op == SCN_EXPECT_USABLE)
				CHECK(s->cmds[c->target].op == SCN_USABLE);
			if (c->op == SCN_EXPECT_ERR)
				CHECK(c->err > 0 && ioas_errno_name(c->err));
			break;
		default:
			break;
		}
		if (c->op == SCN_REGION)
			CHECK(c->region.range.start <= c->region.range.last);
		for (j = 0; j < c->nr_ranges; j++)
			CHECK(c->ranges[j].start <= c->ranges[j].last);
	}
}

static bool cmd_eq(const struct scn_cmd *a, const struct scn_cmd *b)
{
	size_t i;

	if (a->op != b->op || a->target != b->target || a->group != b->group ||
	    a->iova != b->iova || a->dst != b->dst || a->len != b->len ||
	    a->va != b->va || a->flags != b->flags ||
	    a->nr_ranges != b->nr_ranges || a->err != b->err ||
	    a->keys != b->keys || a->key_iova != b->key_iova ||
	    a->key_unmapped != b->key_unmapped || strcmp(a->text, b->text))
		return false;
	if (a->op == SCN_REGION &&
	    (a->region.range.start != b->region.range.start ||
	     a->region.range.last != b->region.range.last ||
	     a->region.type != b->region.type ||
	     a->region.origin != b->region.origin))
		return false;
	for (i = 0; i < a->nr_ranges; i++)
		if (a->ranges[i].start != b->ranges[i].start ||
		    a->ranges[i].last != b->ranges[i].last)
			return false;
	return true;
}

static void check_round_trip(const struct scn *s)
{
	struct obuf b = OBUF_INIT;
	struct scn_diag d;
	struct scn *t = NULL;
	size_t i;
	int ret;

	for (i = 0; i < s->nr_cmds; i++) {
		obuf_puts(&b, s->cmds[i].text);
		obuf_putc(&b, '\n');
	}
	if (b.oom) {
		obuf_fini(&b);
		return;
	}
	ret = scn_parse(b.s, b.len, &t, &d);
	obuf_fini(&b);
	if (ret == -ENOMEM)
		return;
	if (ret)
		fprintf(stderr, "re-parse failed at line %u: %s\n", d.line,
			d.reason);
	CHECK(ret == 0);
	CHECK(t->nr_cmds == s->nr_cmds && t->nr_groups == s->nr_groups);
	CHECK(t->space.profile == s->space.profile);
	CHECK(t->space.aperture.start == s->space.aperture.start);
	CHECK(t->space.aperture.last == s->space.aperture.last);
	CHECK(t->space.pgsizes == s->space.pgsizes);
	CHECK(t->space.dma_limit == s->space.dma_limit);
	CHECK(t->space.unsafe_interrupts == s->space.unsafe_interrupts);
	CHECK(t->space.page_size == s->space.page_size);
	CHECK(t->space.hpage_size == s->space.hpage_size);
	for (i = 0; i < s->nr_groups; i++) {
		CHECK(t->groups[i].id == s->groups[i].id);
		CHECK(t->groups[i].aperture.start ==
		      s->groups[i].aperture.start);
		CHECK(t->groups[i].aperture.last == s->groups[i].aperture.last);
		CHECK(t->groups[i].pgsizes == s->groups[i].pgsizes);
		CHECK(t->groups[i].irq_remap == s->groups[i].irq_remap);
		CHECK(!strcmp(t->groups[i].dev, s->groups[i].dev));
	}
	for (i = 0; i < s->nr_cmds; i++)
		CHECK(cmd_eq(&s->cmds[i], &t->cmds[i]));
	scn_free(t);
}

struct sink {
	struct obuf line;
	size_t steps;
};

static void emit(void *arg, const struct scn_step *st)
{
	struct sink *k = arg;

	k->steps++;
	CHECK(st->cmd);
	CHECK(!st->check_failed);
	if (st->status == SCN_ST_ERR || st->status == SCN_ST_FAIL)
		CHECK(st->msg && st->msg[0]);
	if (st->status == SCN_ST_ERR)
		CHECK(st->err > 0);
	if (st->status == SCN_ST_USABLE)
		CHECK(ioas_range_list_check(&st->usable) == 0);
	obuf_reset(&k->line);
	scn_step_format(st, false, &k->line);
	CHECK(k->line.oom || (k->line.s && !strchr(k->line.s, '\n')));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_exec_opts o = { 0 };
	struct sink k = { OBUF_INIT, 0 };
	struct scn_stats st;
	struct scn_diag d;
	struct scn *s = NULL;
	int ret;

	ret = scn_parse((const char *)data, size, &s, &d);
	if (ret == -ENOMEM)
		return 0;
	if (ret) {
		CHECK(ret == -EBADMSG);
		CHECK(!s);
		check_diag(&d, data, size);
		return 0;
	}
	check_scn(s);
	check_round_trip(s);

	o.backend = &scn_engine_backend;
	o.max_cmds = MAX_CMDS;
	o.check = true;
	o.emit = emit;
	o.arg = &k;
	ret = scn_exec(s, &o, &st);
	CHECK(ret == 0 || ret == -ENOMEM);
	CHECK(st.check_failures == 0);
	CHECK(k.steps == st.executed);
	CHECK(st.executed <= MAX_CMDS);
	CHECK(st.passed + st.failed <= st.executed);
	obuf_fini(&k.line);
	scn_free(s);
	return 0;
}
