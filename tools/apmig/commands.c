// SPDX-License-Identifier: GPL-2.0
/*
 * What every apmig subcommand shares: its --help text, usage errors and
 * option parsing that reports problems as "apmig: <command>: <why>".
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int apmig_opt_path(const struct apmig_cmd *cmd, const char *name,
		   const char *arg, const char **path)
{
	if (!*arg)
		return apmig_cmd_usage_error(cmd, "--%s: empty path", name);
	*path = arg;
	return 0;
}

int apmig_getopt(const struct apmig_cmd *cmd, int argc, char *argv[],
		 const char *shortopts, const struct option *longopts)
{
	int c, prev = optind ? optind : 1;
	const char *bad;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/*
	 * getopt moves past an argument once it is done with it: an error in
	 * the middle of "-xj" leaves optind on that argument, any other error
	 * has moved it past the argument at fault.
	 */
	bad = optind == prev ? argv[optind] : argv[optind - 1];
	if (bad[0] != '-' || bad[1] != '-') {
		if (c == ':')
			apmig_cmd_usage_error(cmd, "option '-%c' needs a value", optopt);
		else
			apmig_cmd_usage_error(cmd, "unknown option '-%c'", optopt);
	} else if (c == ':') {
		apmig_cmd_usage_error(cmd, "option '%s' needs a value", bad);
	} else if (optopt) {
		/* a known long option given "=value" it does not take */
		apmig_cmd_usage_error(cmd, "option '%.*s' takes no value",
				      (int)strcspn(bad, "="), bad);
	} else {
		apmig_cmd_usage_error(cmd, "unknown option '%s'", bad);
	}
	return '?';
}

int apmig_cmd_time(const struct apmig_cmd *cmd, long long *t)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;

	if (!s) {
		*t = (long long)time(NULL);
		return 0;
	}
	errno = 0;
	*t = strtoll(s, &end, 10);
	if (!*s || *end || errno || *t < 0 || *s == '-' || *s == '+')
		return apmig_fail(cmd->name,
				  "SOURCE_DATE_EPOCH: \"%.32s\" is not a number of seconds",
				  s);
	return 0;
}
