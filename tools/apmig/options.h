/* SPDX-License-Identifier: GPL-2.0 */
/* Option parsing shared by the apmig subcommands. */
#ifndef APMIG_OPTIONS_H
#define APMIG_OPTIONS_H

#include <getopt.h>

#include "commands.h"

/*
 * getopt_long() for a subcommand. Call with optind = 0 first. @shortopts
 * must start with ":" so that a missing value is told from an unknown
 * option. Returns the option, -1 at the end, or '?' after printing
 * "apmig: <command>: <why>" (the caller then exits 2).
 */
int apmig_getopt(const struct apmig_cmd *cmd, int argc, char *argv[],
		 const char *shortopts, const struct option *longopts);

/*
 * Take @arg, the value of option --@name, as a path into *@path. An empty
 * path is a usage error ("apmig: <command>: --<name>: empty path"): it names
 * no file, and a default (such as /sys) must not silently take its place.
 * Returns 0, or 2 after reporting the error.
 */
int apmig_opt_path(const struct apmig_cmd *cmd, const char *name,
		   const char *arg, const char **path);

/* Long options every subcommand understands. */
#define APMIG_OPT_HELP		{ "help", no_argument, NULL, 'h' }
#define APMIG_OPT_SYSFS		{ "sysfs", required_argument, NULL, 's' }
#define APMIG_OPT_JSON		{ "json", no_argument, NULL, 'j' }
#define APMIG_OPT_END		{ NULL, 0, NULL, 0 }

#endif /* APMIG_OPTIONS_H */
