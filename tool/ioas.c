// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioas: the command-line front end of libioas. This file is only the
 * subcommand table and the global options; each subcommand lives in
 * cmd_<name>.c. The tool is the only part of the project that links
 * jansson (for --json).
 */
#include <stdio.h>
#include <string.h>

#include <ioas/ioas.h>

#include "cmds.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "show", cmd_show, "groups, devices, reserved regions and usable IOVA of this host" },
	{ "explain", cmd_explain, "what covers an IOVA range and whether a map there would succeed" },
	{ "sim", cmd_sim, "run a scenario file against the engine" },
	{ "decode", cmd_decode, "validate and print a VFIO, iommufd or virtio-iommu blob" },
	{ "gen", cmd_gen, "write scenarios for the kernel differential test" },
	{ "capture", cmd_capture, "write everything show reads into one file (tar) for bug reports" },
	{ "check", cmd_check, "does a guest memory layout fit the usable IOVA of these groups" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ioas <command> [options]\n\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "  %-8s %s\n", "version", "print the version");
	fprintf(f, "\nSee ioas(1) and 'ioas <command> --help'.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("ioas %s\n", ioas_version());
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "ioas: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
