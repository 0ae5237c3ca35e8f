// SPDX-License-Identifier: GPL-2.0
/*
 * apmig: vfio-ap live migration from the host's side. main() parses the
 * global options and hands the rest of the command line to a subcommand.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apmig_output.h"

#include "commands.h"

/* Every subcommand, in the order "apmig --help" lists them. */
static const struct apmig_cmd *const apmig_cmds[] = {
	&apmig_cmd_show,
	&apmig_cmd_export,
	&apmig_cmd_check,
	&apmig_cmd_decode,
	&apmig_cmd_capture,
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

	fprintf(f, "Usage: apmig [-h] [-v] [-q | -V] COMMAND [ARGS]\n\n"
		"Live migration of s390 KVM guests with vfio-ap crypto queues.\n\n"
		"Options:\n"
		"  -h, --help     print this help\n"
		"  -v, --version  print the version of apmig\n"
		"  -q, --quiet    print nothing on standard output: the exit status\n"
		"                 tells the outcome, errors still go to standard error\n"
		"  -V, --verbose  print more detail (check: the source guest's adapters\n"
		"                 and domains; fsm path: each arc)\n\n"
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
	int err;

	/* With --json an error is a document too (unless one went out). */
	if (ret == APMIG_EXIT_ERROR)
		apmig_json_error_print(stdout);
	err = ferror(stdout) ? EIO : 0;
	errno = 0;
	if (fclose(stdout))
		err = errno ? errno : EIO;
	if (!err || ret == APMIG_EXIT_ERROR)
		return ret;
	apmig_fail(what, "standard output: %s", strerror(err));
	return APMIG_EXIT_ERROR;
}

/*
 * Whether the command's arguments ask for --json (before a "--"): then even
 * a usage error found before the command reaches that option is reported
 * as a JSON document too. The commands also say so when they parse it.
 */
static bool apmig_wants_json(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			return true;
	return false;
}

/* --quiet: standard output goes to /dev/null. Returns 0 or an exit status. */
static int apmig_quiet(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		apmig_fail("quiet", "/dev/null: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return APMIG_EXIT_ERROR;
	}
	close(fd);
	apmig_set_verbosity(APMIG_QUIET);
	return 0;
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const struct apmig_cmd *cmd;
	bool quiet = false, verbose = false;
	int c, first;

	opterr = 0;
	/* '+': stop at the command name; what follows is the command's. */
	while ((c = getopt_long(argc, argv, "+hvVq", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return apmig_close_stdout("help", apmig_usage(stdout));
		case 'v':
			printf("apmig %s\n", apmig_version());
			return apmig_close_stdout("version", APMIG_EXIT_OK);
		case 'V':
			verbose = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			apmig_fail("usage", "unknown option '%s'", argv[optind - 1]);
			fprintf(stderr, "Try 'apmig --help'.\n");
			return APMIG_EXIT_ERROR;
		}
	}
	if (quiet && verbose) {
		apmig_fail("usage", "--quiet and --verbose exclude each other");
		fprintf(stderr, "Try 'apmig --help'.\n");
		return APMIG_EXIT_ERROR;
	}
	if (quiet && apmig_quiet())
		return APMIG_EXIT_ERROR;
	if (verbose)
		apmig_set_verbosity(APMIG_VERBOSE);
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
			apmig_json_errors(cmd->json &&
					  apmig_wants_json(argc - first, argv + first));
			optind = 0;	/* the command's getopt starts afresh */
			return apmig_close_stdout(cmd->name,
						  cmd->fn(argc - first, argv + first));
		}
	}
	apmig_fail("usage", "unknown command '%s'", argv[first]);
	fprintf(stderr, "Try 'apmig --help'.\n");
	return APMIG_EXIT_ERROR;
}
