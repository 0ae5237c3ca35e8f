// SPDX-License-Identifier: GPL-2.0
/*
 * apmig: vfio-ap live migration from the host's side. main() parses the
 * global options and hands the rest of the command line to a subcommand.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "apmig_output.h"

#include "commands.h"

#ifndef APMIG_VERSION
#define APMIG_VERSION "unknown"
#endif

/* Every subcommand, in the order "apmig --help" lists them. */
static const struct apmig_cmd *const apmig_cmds[] = {
	&apmig_cmd_show,
	&apmig_cmd_export,
	&apmig_cmd_check,
	&apmig_cmd_decode,
	&apmig_cmd_migrate,
	&apmig_cmd_demo,
	&apmig_cmd_fsm,
};

#define APMIG_NR_CMDS (sizeof(apmig_cmds) / sizeof(apmig_cmds[0]))

static const struct apmig_cmd *apmig_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < APMIG_NR_CMDS; i++)
		if (apmig_cmds[i] && !strcmp(apmig_cmds[i]->name, name))
			return apmig_cmds[i];
	return NULL;
}

static int apmig_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: apmig [--help] [--version] COMMAND [ARGS]\n\n"
		"Live migration of s390 KVM guests with vfio-ap crypto queues.\n\n"
		"Commands:\n");
	for (i = 0; i < APMIG_NR_CMDS; i++)
		if (apmig_cmds[i])
			fprintf(f, "  %-8s %s\n", apmig_cmds[i]->name,
				apmig_cmds[i]->help);
	fprintf(f, "\nRun 'apmig COMMAND --help' for the options of a command.\n"
		"Exit status: 0 done or compatible, 1 refused or incompatible,\n"
		"2 usage or environment error. See apmig(8).\n");
	return APMIG_EXIT_OK;
}

/*
 * Everything printed must have reached standard output: a verdict lost to a
 * full disk or a closed pipe is an error, not a success. @what names the
 * command; an error already reported (@ret 2) is not reported twice.
 */
static int apmig_close_stdout(const char *what, int ret)
{
	int err = ferror(stdout) ? EIO : 0;

	errno = 0;
	if (fclose(stdout))
		err = errno ? errno : EIO;
	if (!err || ret == APMIG_EXIT_ERROR)
		return ret;
	apmig_fail(what, "standard output: %s", strerror(err));
	return APMIG_EXIT_ERROR;
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct apmig_cmd *cmd;
	int c, first;

	opterr = 0;
	/* '+': stop at the command name; what follows is the command's. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return apmig_close_stdout("help", apmig_usage(stdout));
		case 'V':
			printf("apmig %s\n", APMIG_VERSION);
			return apmig_close_stdout("version", APMIG_EXIT_OK);
		default:
			apmig_fail("usage", "unknown option '%s'", argv[optind - 1]);
			fprintf(stderr, "Try 'apmig --help'.\n");
			return APMIG_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		apmig_fail("usage", "no command given");
		fprintf(stderr, "Try 'apmig --help'.\n");
		return APMIG_EXIT_ERROR;
	}
	first = optind;
	if (!strcmp(argv[first], "help")) {
		if (first + 1 >= argc)
			return apmig_close_stdout("help", apmig_usage(stdout));
		first++;
		cmd = apmig_find_cmd(argv[first]);
		if (cmd)
			return apmig_close_stdout("help", apmig_cmd_help(cmd));
	} else {
		cmd = apmig_find_cmd(argv[first]);
		if (cmd) {
			optind = 0;	/* the command's getopt starts afresh */
			return apmig_close_stdout(cmd->name,
						  cmd->fn(argc - first, argv + first));
		}
	}
	apmig_fail("usage", "unknown command '%s'", argv[first]);
	fprintf(stderr, "Try 'apmig --help'.\n");
	return APMIG_EXIT_ERROR;
}
