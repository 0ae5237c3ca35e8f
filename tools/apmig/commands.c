// SPDX-License-Identifier: GPL-2.0
/*
 * What every apmig subcommand shares: its --help text, usage errors and
 * option parsing that reports problems as "apmig: <command>: <why>".
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "apmig_output.h"

#include "commands.h"
#include "options.h"

int apmig_cmd_help(const struct apmig_cmd *cmd)
{
	printf("%s", cmd->usage);
	return APMIG_EXIT_OK;
}

int apmig_cmd_usage_error(const struct apmig_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	apmig_vfail(cmd->name, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'apmig %s --help'.\n", cmd->name);
	return APMIG_EXIT_ERROR;
}

int apmig_getopt(const struct apmig_cmd *cmd, int argc, char *argv[],
		 const char *shortopts, const struct option *longopts)
{
	const char *bad;
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	bad = argv[optind - 1];
	if (c == ':' && bad[1] == '-')
		apmig_cmd_usage_error(cmd, "option '%s' needs a value", bad);
	else if (c == ':')
		apmig_cmd_usage_error(cmd, "option '-%c' needs a value", optopt);
	else if (optopt && bad[0] == '-' && bad[1] != '-')
		apmig_cmd_usage_error(cmd, "unknown option '-%c'", optopt);
	else
		apmig_cmd_usage_error(cmd, "unknown option '%s'", bad);
	return '?';
}
