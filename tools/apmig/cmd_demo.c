// SPDX-License-Identifier: GPL-2.0
/*
 * apmig demo: nothing to prepare. Migrates a running guest with four AP
 * queues over two adapters and two domains plus a control domain between
 * two simulated hosts shipped with the tool, whose destination mdev is
 * already prepared, then shows the refusal of the same migration to an
 * incompatible host, with its diagnosis.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "apmig_output.h"

#include "commands.h"
#include "migrate.h"
#include "options.h"

#ifndef APMIG_DATADIR
#define APMIG_DATADIR "/usr/local/share/apmig"
#endif

#define DEMO_GUEST	"8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b"
#define DEMO_DEST	"5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6"

/* @dir/@name into @buf; false if it does not fit. */
static bool demo_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len;
}

static bool demo_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * The shipped hosts: $APMIG_DEMO_HOSTS, else those installed under the
 * prefix. An installed binary knows no path of the tree it was built in:
 * `make demo` and the tests name the source tree's data/hosts by the
 * environment.
 */
static const char *demo_hosts(void)
{
	const char *env = getenv("APMIG_DEMO_HOSTS");

	if (env && *env)
		return env;
	return APMIG_DATADIR "/hosts";
}

static int cmd_demo(int argc, char *argv[])
{
	static const struct option opts[] = { APMIG_OPT_HELP, APMIG_OPT_END };
	const struct apmig_cmd *cmd = &apmig_cmd_demo;
	char src[PATH_MAX], dst[PATH_MAX], bad[PATH_MAX];
	struct apmig_migrate_args a = {
		.cmd = "demo",
		.source_dir = src,
		.uuid = DEMO_GUEST,
		.target_uuid = DEMO_DEST,
		.precopy = true,
	};
	const char *hosts;
	int c, first, second;

	while ((c = apmig_getopt(cmd, argc, argv, ":h", opts)) != -1) {
		if (c == 'h')
			return apmig_cmd_help(cmd);
		return APMIG_EXIT_ERROR;
	}
	if (optind < argc)
		return apmig_cmd_usage_error(cmd, "unexpected argument '%s'",
					     argv[optind]);
	hosts = demo_hosts();
	if (!demo_path(src, sizeof(src), hosts, "source") ||
	    !demo_path(dst, sizeof(dst), hosts, "target") ||
	    !demo_path(bad, sizeof(bad), hosts, "incompatible") ||
	    !demo_is_dir(src) || !demo_is_dir(dst) || !demo_is_dir(bad))
		return apmig_fail("demo", "%s: the demo hosts are missing (source, target, incompatible)",
				  hosts);

	printf("apmig demo: live migration of a KVM guest's AP crypto configuration\n"
	       "through the vfio_ap migration driver, simulated: two s390 hosts\n"
	       "read from %s, the destination mdev prepared on each\n\n", hosts);

	printf("=== 1. Migration to a compatible host ===\n\n");
	fflush(stdout);
	a.target_dir = dst;
	first = apmig_migrate_run(&a, stdout);

	printf("\n=== 2. Migration to an incompatible host: THE EXPECTED REFUSAL ===\n\n");
	fflush(stdout);
	a.target_dir = bad;
	second = apmig_migrate_run(&a, stdout);
	fflush(stdout);

	printf("\n");
	if (first == APMIG_EXIT_OK && second == APMIG_EXIT_REFUSED) {
		printf("demo: as expected, the first migration succeeded and the second\n"
		       "was refused with its diagnosis, that target's mdev unchanged.\n");
		return APMIG_EXIT_OK;
	}
	if (first == APMIG_EXIT_ERROR || second == APMIG_EXIT_ERROR)
		return APMIG_EXIT_ERROR;
	apmig_fail("demo", "unexpected outcome: first run exit %d (want 0), second run exit %d (want 1)",
		   first, second);
	return APMIG_EXIT_REFUSED;	/* as --help says: 1 otherwise */
}

const struct apmig_cmd apmig_cmd_demo = {
	.name = "demo",
	.fn = cmd_demo,
	.help = "migrate a guest between two built-in hosts, then show a refusal",
	.usage =
	"Usage: apmig demo\n"
	"\n"
	"Nothing to prepare: runs 'apmig migrate' (simulated) twice on the hosts\n"
	"shipped with apmig (<datadir>/apmig/hosts; APMIG_DEMO_HOSTS overrides,\n"
	"e.g. with the source tree's data/hosts), each with destination mdev\n"
	DEMO_DEST " prepared. First the guest of mdev\n"
	DEMO_GUEST " moves to a compatible host; then the\n"
	"same migration to an incompatible host is refused, every problem listed,\n"
	"the source guest still running. The first run also shows the guest's AP\n"
	"requests in flight at the switchover and when each completed on the\n"
	"destination (virtual time), with the driver's kick and without it, as\n"
	"upstream vfio_ap behaves (see 'apmig migrate --help').\n"
	"\n"
	"Exit status: 0 when both runs end as expected, 1 otherwise, 2 error.\n",
};
