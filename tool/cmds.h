/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ioas CLI's subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand name) and returns the process exit status.
 * Exit statuses: 0 success, 1 a check/expectation failed, 2 bad usage or
 * malformed input, 3 a system error (I/O, permission).
 */
#ifndef IOAS_TOOL_CMDS_H
#define IOAS_TOOL_CMDS_H

#include <stdio.h>

int cmd_sim(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
