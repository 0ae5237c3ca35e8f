/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The apmig subcommands: each lives in its own cmd_<name>.c and exports one
 * struct apmig_cmd named apmig_cmd_<name>; main.c lists them in one table.
 */
#ifndef APMIG_COMMANDS_H
#define APMIG_COMMANDS_H

#include <stdbool.h>

/**
 * struct apmig_cmd - one subcommand
 * @name: what the user types after "apmig"
 * @fn: runs the command; @argv[0] is @name, options follow. Returns the
 *      exit status: 0 done/compatible, 1 refused/incompatible, 2 error.
 * @help: one line for "apmig --help"
 * @usage: synopsis and options for "apmig <name> --help", ends with '\n'
 * @json: the command has --json (its errors are then JSON documents too)
 */
struct apmig_cmd {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
	const char *usage;
	bool json;
};

extern const struct apmig_cmd apmig_cmd_show;
extern const struct apmig_cmd apmig_cmd_export;
extern const struct apmig_cmd apmig_cmd_check;
extern const struct apmig_cmd apmig_cmd_decode;
extern const struct apmig_cmd apmig_cmd_capture;
/*
 * Commands of other parts of the project: weak, so that the tool builds and
 * lists what exists while they are written (tools/apmig/meson.build picks
 * up each cmd_<name>.c that is present).
 */
extern const struct apmig_cmd apmig_cmd_migrate __attribute__((weak));
extern const struct apmig_cmd apmig_cmd_demo __attribute__((weak));
extern const struct apmig_cmd apmig_cmd_fsm __attribute__((weak));

/* Print "apmig <name>"'s usage to stdout (for --help). Returns 0. */
int apmig_cmd_help(const struct apmig_cmd *cmd);
/*
 * Report a usage error of @cmd: "apmig: <name>: <why>" and a hint to
 * --help on stderr. Returns 2.
 */
int apmig_cmd_usage_error(const struct apmig_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The time a command records (capture's manifest, export's metadata):
 * $SOURCE_DATE_EPOCH (seconds since the epoch) if set, else now. Returns 0,
 * or 2 after "apmig: <name>: SOURCE_DATE_EPOCH: ..." when it is not a number.
 */
int apmig_cmd_time(const struct apmig_cmd *cmd, long long *t);

#endif /* APMIG_COMMANDS_H */
