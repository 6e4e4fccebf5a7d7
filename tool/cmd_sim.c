// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas sim: run a scenario file (doc/scenario.md) and print one line per
 * command, or one JSON document with --json.
 *
 * The whole file is read and parsed before anything runs: a malformed
 * line is reported as "FILE:LINE: reason" and nothing is executed (exit
 * 2). Then every command runs through the chosen backend; failed commands
 * are results, not errors. Exit status: 0 when every expect line held, 1
 * when one did not, 2 for bad usage or a malformed file, 3 for an I/O
 * error or an internal one (the engine's invariant check failing after a
 * command, which is always a bug in libioas).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ioas/ioas.h>

#include "cmds.h"
#include "kernel_backend.h"
#include "output.h"
#include "scenario.h"

/* A scenario is text typed by people; anything this big is a mistake. */
#define SIM_MAX_FILE (64u << 20)

struct sim {
	const char *name;
	bool json;
	bool brief;
	json_t *steps;
	struct obuf line;
	bool oom;
};

static void sim_usage(FILE *f)
{
	fprintf(f,
		"usage: ioas sim [--json] [--brief] [--backend engine|kernel] FILE|-\n"
		"\n"
		"Run a scenario file (see doc/scenario.md) against a space and print\n"
		"one result line per command. '-' reads standard input.\n"
		"\n"
		"  --json           one JSON document instead of text lines\n"
		"  --brief          errors without their explanation ('err EINVAL'),\n"
		"                   for comparing runs of different backends\n"
		"  --backend NAME   engine (libioas, the default) or kernel (this host's\n"
		"                   VFIO type1 / iommufd; groups bound by dev=)\n"
		"  -h, --help       this text\n"
		"\n"
		"Exit status: 0 every expect held, 1 an expect failed, 2 bad usage or\n"
		"malformed file (nothing is run), 3 I/O or internal error.\n");
}


static const char *status_name(enum scn_status st)
{
	switch (st) {
	case SCN_ST_OK:
	case SCN_ST_PASS:
		return "ok";
	case SCN_ST_ERR:
		return "err";
	case SCN_ST_USABLE:
		return "usable";
	case SCN_ST_FAIL:
		return "fail";
	case SCN_ST_INFO:
		return "info";
	}
	return "?";
}

static json_t *step_json(const struct sim *sim, const struct scn_step *st)
{
	json_t *o = json_object();
	int bad = !o;
	size_t i;

	if (bad)
		return NULL;
	bad |= json_object_set_new(o, "line", json_integer(st->cmd->line));
	bad |= json_object_set_new(o, "command", json_string(st->cmd->text));
	bad |= json_object_set_new(o, "status",
				   json_string(status_name(st->status)));
	switch (st->status) {
	case SCN_ST_OK:
		if (st->keys & SCN_KEY_IOVA)
			bad |= json_object_set_new(o, "iova",
						   out_json_hex(st->iova));
		if (st->keys & SCN_KEY_UNMAPPED)
			bad |= json_object_set_new(o, "unmapped",
						   out_json_hex(st->unmapped));
		break;
	case SCN_ST_ERR: {
		const char *name = ioas_errno_name(st->err);

		bad |= json_object_set_new(o, "errno",
					   name ? json_string(name) :
						  json_integer(st->err));
		if (!sim->brief)
			bad |= json_object_set_new(o, "message",
						   json_string(st->msg));
		break;
	}
	case SCN_ST_USABLE: {
		json_t *a = json_array();

		bad |= json_object_set_new(o, "usable", a);
		for (i = 0; a && i < st->usable.nr; i++)
			bad |= json_array_append_new(
				a, out_json_range(&st->usable.v[i]));
		break;
	}
	case SCN_ST_FAIL:
		bad |= json_object_set_new(o, "message", json_string(st->msg));
		break;
	case SCN_ST_INFO: {
		/* the same lowercase hex as the text line */
		char *hex = malloc(2 * st->blob_len + 1);

		for (i = 0; hex && i < st->blob_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", st->blob[i]);
		if (hex)
			hex[2 * st->blob_len] = '\0';
		bad |= !hex;
		bad |= json_object_set_new(o, "bytes",
					   json_integer((json_int_t)st->blob_len));
		bad |= json_object_set_new(o, "info",
					   hex ? json_string(hex) : NULL);
		free(hex);
		break;
	}
	case SCN_ST_PASS:
		break;
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void sim_emit(void *arg, const struct scn_step *st)
{
	struct sim *sim = arg;

	if (st->check_failed)
		fprintf(stderr,
			"%s:%u: internal error: the space's invariant check failed after this command\n",
			sim->name, st->cmd->line);
	if (sim->json) {
		json_t *o = step_json(sim, st);

		if (!o || json_array_append_new(sim->steps, o))
			sim->oom = true;
		return;
	}
	obuf_reset(&sim->line);
	scn_step_format(st, sim->brief, &sim->line);
	if (sim->line.oom) {
		sim->oom = true;
		return;
	}
	puts(obuf_str(&sim->line));
}

static int sim_json_print(const struct sim *sim, const struct scn *s,
			  const struct scn_stats *stats)
{
	json_t *root = json_object(), *ex = json_object();
	int bad = !root || !ex;
	int ret;

	if (bad) {
		json_decref(root);
		json_decref(ex);
		return -ENOMEM;
	}
	bad |= json_object_set_new(
		root, "profile",
		json_string(ioas_profile_name(s->space.profile)));
	bad |= json_object_set(root, "steps", sim->steps);
	bad |= json_object_set_new(ex, "passed",
				   json_integer((json_int_t)stats->passed));
	bad |= json_object_set_new(ex, "failed",
				   json_integer((json_int_t)stats->failed));
	bad |= json_object_set_new(root, "expect", ex);
	if (bad) {
		json_decref(root);
		return -ENOMEM;
	}
	ret = out_json_print(root, stdout);
	json_decref(root);
	return ret;
}

int cmd_sim(int argc, char **argv)
{
	struct sim sim = { 0 };
	struct scn_exec_opts opts = { 0 };
	struct scn_stats stats;
	struct scn_diag diag;
	const char *path = NULL;
	struct scn *s = NULL;
	char *buf = NULL;
	size_t len = 0;
	void *vbuf;
	int i, ret, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			sim_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--json")) {
			sim.json = true;
		} else if (!strcmp(a, "--brief")) {
			sim.brief = true;
		} else if (!strcmp(a, "--backend") ||
			   !strncmp(a, "--backend=", 10)) {
			const char *b =
				a[9] == '=' ? a + 10 :
					      (i + 1 < argc ? argv[++i] : NULL);

			if (!b) {
				fprintf(stderr,
					"ioas sim: --backend needs a name\n");
				return 2;
			}
			if (!strcmp(b, "kernel")) {
				opts.backend = &scn_kernel_backend;
			} else if (strcmp(b, "engine")) {
				fprintf(stderr,
					"ioas sim: unknown backend '%s' (this build has: engine, kernel)\n",
					b);
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "ioas sim: unknown option '%s'\n", a);
			sim_usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr, "ioas sim: more than one file given\n");
			sim_usage(stderr);
			return 2;
		} else {
			path = a;
		}
	}
	if (!path) {
		fprintf(stderr, "ioas sim: no scenario file given\n");
		sim_usage(stderr);
		return 2;
	}

	sim.name = strcmp(path, "-") ? path : "<stdin>";
	ret = read_input(path, SIM_MAX_FILE, &vbuf, &len);
	if (!ret)
		buf = vbuf;
	if (ret == -EFBIG) {
		fprintf(stderr, "%s:1: file is larger than %u MiB\n", sim.name,
			SIM_MAX_FILE >> 20);
		return 2;
	}
	if (ret) {
		fprintf(stderr, "ioas sim: %s: %s\n", sim.name, strerror(-ret));
		return 3;
	}

	ret = scn_parse(buf, len, &s, &diag);
	free(buf);
	if (ret == -EBADMSG) {
		fprintf(stderr, "%s:%u: %s\n", sim.name, diag.line,
			diag.reason);
		return 2;
	}
	if (ret) {
		fprintf(stderr, "ioas sim: %s: %s\n", sim.name, strerror(-ret));
		return 3;
	}

	obuf_init(&sim.line);
	if (sim.json) {
		sim.steps = json_array();
		if (!sim.steps) {
			scn_free(s);
			fprintf(stderr, "ioas sim: out of memory\n");
			return 3;
		}
	}
	if (opts.backend == &scn_kernel_backend) {
		char why[512];

		ret = scn_kernel_preflight(s, why, sizeof(why));
		if (ret) {
			fprintf(stderr, "ioas sim: %s: kernel backend: %s\n",
				sim.name, why);
			json_decref(sim.steps);
			obuf_fini(&sim.line);
			scn_free(s);
			return ret == -EINVAL ? 2 : 3;
		}
	} else {
		opts.backend = &scn_engine_backend;
	}
	opts.check = true;
	opts.emit = sim_emit;
	opts.arg = &sim;
	ret = scn_exec(s, &opts, &stats);
	if (!ret && sim.oom)
		ret = -ENOMEM;
	if (!ret && sim.json)
		ret = sim_json_print(&sim, s, &stats);
	json_decref(sim.steps);
	obuf_fini(&sim.line);
	scn_free(s);

	if (fflush(stdout) || ferror(stdout))
		ret = ret ? ret : -EIO;
	if (ret) {
		fprintf(stderr, "ioas sim: %s: %s\n", sim.name, strerror(-ret));
		return 3;
	}
	rc = stats.failed ? 1 : 0;
	if (stats.check_failures)
		rc = 3;
	return rc;
}
