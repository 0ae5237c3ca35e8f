// SPDX-License-Identifier: GPL-2.0
/*
 * apmig fsm: which states the kernel's VFIO migration state machine walks
 * between two device states, for a device advertising a set of migration
 * flags. Every arc comes from vfio_mig_get_next_state(), the same function
 * the userspace build of the driver calls (shim/src/vfio.c): this file only
 * names states and loops on it the way a driver's set_state does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/vfio.h>

#include <shim/vfio.h>

#include "apmig_output.h"

#include "commands.h"
#include "options.h"

#define FSM_NSTATES	VFIO_DEVICE_STATE_NR
#define FSM_ALL_FLAGS	(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | \
			 VFIO_MIGRATION_PRE_COPY)
/* The longest walk the kernel's table allows is 4 arcs; this is a guard. */
#define FSM_MAX_STEPS	FSM_NSTATES

#define FSM_STATE_PREFIX	"VFIO_DEVICE_STATE_"
#define FSM_FLAG_PREFIX		"VFIO_MIGRATION_"

/*
 * Per state: its abbreviation in 'fsm table' and what the uAPI documents a
 * device must advertise for the state to exist (include/uapi/linux/vfio.h,
 * VFIO_DEVICE_FEATURE_MIGRATION). @needs only words refusals and keeps the
 * tool from asking the kernel function about a state no device can be in,
 * which the kernel treats as a driver bug (WARN_ON). The uAPI names come
 * from the shim (shim_vfio_state_name()), shared with the simulator.
 */
static const struct {
	const char *abbrev;
	unsigned int needs;
} fsm_states[FSM_NSTATES] = {
	[VFIO_DEVICE_STATE_ERROR]	 = { "E", 0 },
	[VFIO_DEVICE_STATE_STOP]	 = { "S", VFIO_MIGRATION_STOP_COPY },
	[VFIO_DEVICE_STATE_RUNNING]	 = { "R", VFIO_MIGRATION_STOP_COPY },
	[VFIO_DEVICE_STATE_STOP_COPY]	 = { "SC", VFIO_MIGRATION_STOP_COPY },
	[VFIO_DEVICE_STATE_RESUMING]	 = { "RS", VFIO_MIGRATION_STOP_COPY },
	[VFIO_DEVICE_STATE_RUNNING_P2P]	 = { "RP", VFIO_MIGRATION_STOP_COPY |
						   VFIO_MIGRATION_P2P },
	[VFIO_DEVICE_STATE_PRE_COPY]	 = { "PC", VFIO_MIGRATION_STOP_COPY |
						   VFIO_MIGRATION_PRE_COPY },
	[VFIO_DEVICE_STATE_PRE_COPY_P2P] = { "PP", FSM_ALL_FLAGS },
};

/* The uAPI name of a state, without VFIO_DEVICE_STATE_. */
static const char *fsm_name(enum vfio_device_mig_state s)
{
	return shim_vfio_state_name(s);
}

static const struct {
	const char *name;
	unsigned int flag;
} fsm_flags[] = {
	{ "stop_copy", VFIO_MIGRATION_STOP_COPY },
	{ "p2p", VFIO_MIGRATION_P2P },
	{ "pre_copy", VFIO_MIGRATION_PRE_COPY },
};

#define FSM_NR_FLAGS	(sizeof(fsm_flags) / sizeof(fsm_flags[0]))

/* What vfio_ap does on each arc it can be asked for (vfio_ap_mig_step()). */
static const struct {
	enum vfio_device_mig_state from, to;
	const char *action;
} fsm_actions[] = {
	{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P,
	  "nothing: vfio-ap does no DMA" },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_RUNNING,
	  "nothing: vfio-ap does no DMA" },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_STOP,
	  "nothing: vfio-ap does no DMA, the guest's vCPUs are stopped by the VMM" },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING_P2P,
	  "nothing: vfio-ap does no DMA" },
	{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P,
	  "nothing: vfio-ap does no DMA" },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_PRE_COPY,
	  "nothing: vfio-ap does no DMA" },
	{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_PRE_COPY,
	  "new saving data fd: snapshot of the AP configuration, sent as initial data" },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY_P2P,
	  "new saving data fd: snapshot of the AP configuration, sent as initial data" },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY,
	  "new saving data fd: the AP configuration as one final record" },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_STOP_COPY,
	  "same data fd: a short UNCHANGED record, or the new configuration" },
	{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_RUNNING,
	  "saving session ends: data fd disabled" },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_RUNNING_P2P,
	  "saving session ends: data fd disabled" },
	{ VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP,
	  "saving session ends: data fd disabled" },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RESUMING,
	  "new resuming data fd: each configuration record is checked as it arrives" },
	{ VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_STOP,
	  "stream must be complete: checked again and applied, all or nothing" },
};

#define FSM_NR_ACTIONS	(sizeof(fsm_actions) / sizeof(fsm_actions[0]))

/**
 * struct fsm_path - the states of one walk, FROM first
 * @state: the states, @state[0] is FROM
 * @n: number of entries in @state
 */
struct fsm_path {
	enum vfio_device_mig_state state[FSM_MAX_STEPS + 1];
	unsigned int n;
};

static bool fsm_supported(unsigned int flags, enum vfio_device_mig_state s)
{
	if (s == VFIO_DEVICE_STATE_ERROR)
		return false;
	return (fsm_states[s].needs & flags) == fsm_states[s].needs;
}

/* "stop_copy,p2p" for @flags, into @buf. */
static char *fsm_flags_str(unsigned int flags, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < FSM_NR_FLAGS; i++) {
		if (!(flags & fsm_flags[i].flag))
			continue;
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
			      n ? "," : "", fsm_flags[i].name);
	}
	return buf;
}

/* Why a device with @flags is never in @s. */
static void fsm_why_unsupported(unsigned int flags, enum vfio_device_mig_state s,
				char *why, size_t len)
{
	char need[64], have[64];

	fsm_flags_str(fsm_states[s].needs & ~flags, need, sizeof(need));
	fsm_flags_str(flags, have, sizeof(have));
	snprintf(why, len, "%s needs migration flag(s) %s, the device advertises only %s",
		 fsm_name(s), need, have);
}

/**
 * fsm_walk() - the states the kernel walks from @from to @to
 * @flags: the device's migration flags (VFIO_MIGRATION_*)
 * @from: the state the device is in
 * @to: the state userspace asks for
 * @path: the walk, @from first and @to last
 * @why: on refusal, the reason (no newline)
 * @len: size of @why
 *
 * Loops like a driver's set_state: next = vfio_mig_get_next_state(cur, to),
 * until cur == to.
 *
 * Return: 0, 1 when the kernel refuses the request (@why says why), or
 * -EINVAL if the kernel function misbehaves (walks in a loop).
 */
static int fsm_walk(unsigned int flags, enum vfio_device_mig_state from,
		    enum vfio_device_mig_state to, struct fsm_path *path,
		    char *why, size_t len)
{
	struct vfio_device vdev = { .migration_flags = flags };
	enum vfio_device_mig_state cur = from, next;

	path->n = 0;
	path->state[path->n++] = from;
	if (from == VFIO_DEVICE_STATE_ERROR) {
		snprintf(why, len, "a device in ERROR leaves it only through VFIO_DEVICE_RESET, to RUNNING");
		return 1;
	}
	if (to == VFIO_DEVICE_STATE_ERROR) {
		snprintf(why, len, "ERROR cannot be requested: a device only falls into it when an arc fails");
		return 1;
	}
	if (!fsm_supported(flags, from)) {
		fsm_why_unsupported(flags, from, why, len);
		return 1;
	}
	if (!fsm_supported(flags, to)) {
		fsm_why_unsupported(flags, to, why, len);
		return 1;
	}

	while (cur != to) {
		if (path->n > FSM_MAX_STEPS)
			return -EINVAL;
		if (vfio_mig_get_next_state(&vdev, cur, to, &next)) {
			if (cur == from)
				snprintf(why, len, "no path: the kernel has no arc sequence from %s to %s",
					 fsm_name(from), fsm_name(to));
			else
				snprintf(why, len, "no path: the kernel stops at %s on the way from %s to %s",
					 fsm_name(cur), fsm_name(from),
					 fsm_name(to));
			return 1;
		}
		path->state[path->n++] = next;
		cur = next;
	}
	return 0;
}

/* A state by its uAPI name, any case, VFIO_DEVICE_STATE_ prefix optional. */
static int fsm_parse_state(const char *arg, enum vfio_device_mig_state *s)
{
	size_t plen = strlen(FSM_STATE_PREFIX);

	if (!strncasecmp(arg, FSM_STATE_PREFIX, plen))
		arg += plen;
	return shim_vfio_state_parse(arg, s) ? -EINVAL : 0;
}

/*
 * "stop_copy,p2p,pre_copy" (any case, VFIO_MIGRATION_ prefix optional) into
 * @flags. On error @bad names the offending word.
 */
static int fsm_parse_flags(const char *arg, unsigned int *flags,
			   char *bad, size_t len)
{
	size_t plen = strlen(FSM_FLAG_PREFIX);
	const char *p = arg, *end;
	size_t n, i;

	*flags = 0;
	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= plen && !strncasecmp(p, FSM_FLAG_PREFIX, plen)) {
			p += plen;
			n -= plen;
		}
		for (i = 0; i < FSM_NR_FLAGS; i++) {
			if (strlen(fsm_flags[i].name) == n &&
			    !strncasecmp(p, fsm_flags[i].name, n))
				break;
		}
		if (i == FSM_NR_FLAGS) {
			snprintf(bad, len, "%.*s", (int)n, p);
			return -EINVAL;
		}
		*flags |= fsm_flags[i].flag;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static const char *fsm_action(enum vfio_device_mig_state from,
			      enum vfio_device_mig_state to)
{
	size_t i;

	for (i = 0; i < FSM_NR_ACTIONS; i++)
		if (fsm_actions[i].from == from && fsm_actions[i].to == to)
			return fsm_actions[i].action;
	return "not an arc vfio_ap implements";
}

static void fsm_print_path(FILE *f, const struct fsm_path *path)
{
	unsigned int i;

	for (i = 0; i < path->n; i++)
		fprintf(f, "%s%s", i ? " -> " : "", fsm_name(path->state[i]));
	fputc('\n', f);
}

/*
 * The next-arc table: row = current state, column = requested state, cell
 * = the arc vfio_mig_get_next_state() returns, "-" where it refuses. Rows
 * of states a device with @flags is never in are left out.
 */
static void fsm_print_table(FILE *f, unsigned int flags)
{
	struct vfio_device vdev = { .migration_flags = flags };
	enum vfio_device_mig_state next;
	unsigned int cur, to;
	char buf[64];

	fprintf(f, "next arc for migration flags %s\n",
		fsm_flags_str(flags, buf, sizeof(buf)));
	fprintf(f, "%-13s", "cur\\new");
	for (to = 0; to < FSM_NSTATES; to++)
		fprintf(f, "%3s", fsm_states[to].abbrev);
	fputc('\n', f);
	for (cur = 0; cur < FSM_NSTATES; cur++) {
		if (!fsm_supported(flags, cur))
			continue;
		fprintf(f, "%-13s", fsm_name(cur));
		for (to = 0; to < FSM_NSTATES; to++) {
			if (vfio_mig_get_next_state(&vdev, cur, to, &next))
				fprintf(f, "%3s", "-");
			else
				fprintf(f, "%3s", fsm_states[next].abbrev);
		}
		fputc('\n', f);
	}
	fprintf(f, "E=ERROR S=STOP R=RUNNING SC=STOP_COPY RS=RESUMING RP=RUNNING_P2P\n"
		"PC=PRE_COPY PP=PRE_COPY_P2P; '-': the kernel refuses\n");
}

static int fsm_path_cmd(unsigned int flags, const char *from_arg,
			const char *to_arg, bool verbose);
static int fsm_run(int argc, char *argv[]);

const struct apmig_cmd apmig_cmd_fsm = {
	.name = "fsm",
	.fn = fsm_run,
	.help = "the states the kernel's VFIO migration FSM walks",
	.usage =
	"Usage: apmig fsm path FROM TO [--flags FLAGS] [--verbose]\n"
	"       apmig fsm table [--flags FLAGS]\n"
	"\n"
	"path: print the states the kernel walks when a device in FROM is asked\n"
	"for TO, the last line being e.g. 'RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY'.\n"
	"table: print which arc the kernel takes next for every pair of states.\n"
	"Both ask vfio_mig_get_next_state(), the kernel's own function.\n"
	"\n"
	"  FROM, TO           ERROR STOP RUNNING STOP_COPY RESUMING RUNNING_P2P\n"
	"                     PRE_COPY PRE_COPY_P2P (any case, VFIO_DEVICE_STATE_\n"
	"                     prefix optional)\n"
	"  -f, --flags FLAGS  the device's migration flags, comma separated:\n"
	"                     stop_copy (mandatory), p2p, pre_copy\n"
	"                     (default stop_copy,p2p,pre_copy, as vfio_ap advertises)\n"
	"  -V, --verbose      path: also print each arc and what vfio_ap does on it\n"
	"  -h, --help         this text\n"
	"\n"
	"Exit status: 0 the kernel takes this path, 1 the kernel refuses the\n"
	"request (the reason is printed), 2 usage error.\n",
};

static int fsm_path_cmd(unsigned int flags, const char *from_arg,
			const char *to_arg, bool verbose)
{
	enum vfio_device_mig_state from, to;
	struct fsm_path path;
	char why[256];
	unsigned int i;
	int ret;

	if (fsm_parse_state(from_arg, &from))
		return apmig_cmd_usage_error(&apmig_cmd_fsm, "FROM: unknown state '%s'",
					     from_arg);
	if (fsm_parse_state(to_arg, &to))
		return apmig_cmd_usage_error(&apmig_cmd_fsm, "TO: unknown state '%s'",
					     to_arg);

	ret = fsm_walk(flags, from, to, &path, why, sizeof(why));
	if (ret < 0) {
		apmig_fail("fsm", "%s -> %s: vfio_mig_get_next_state() walks in a loop",
			   fsm_name(from), fsm_name(to));
		return APMIG_EXIT_ERROR;
	}
	if (ret > 0) {
		apmig_fail("fsm", "%s -> %s refused: %s", fsm_name(from),
			   fsm_name(to), why);
		return APMIG_EXIT_REFUSED;
	}
	if (verbose) {
		for (i = 1; i < path.n; i++)
			printf("%s -> %s: %s\n", fsm_name(path.state[i - 1]),
			       fsm_name(path.state[i]),
			       fsm_action(path.state[i - 1], path.state[i]));
	}
	fsm_print_path(stdout, &path);
	return APMIG_EXIT_OK;
}

static int fsm_run(int argc, char *argv[])
{
	static const struct option opts[] = {
		APMIG_OPT_HELP,
		{ "flags", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'V' },
		APMIG_OPT_END,
	};
	unsigned int flags = FSM_ALL_FLAGS;
	const char *action;
	bool verbose = apmig_get_verbosity() == APMIG_VERBOSE;
	char bad[64];
	int c, nargs;

	while ((c = apmig_getopt(&apmig_cmd_fsm, argc, argv, ":hf:V", opts)) != -1) {
		switch (c) {
		case 'h':
			return apmig_cmd_help(&apmig_cmd_fsm);
		case 'f':
			if (fsm_parse_flags(optarg, &flags, bad, sizeof(bad)))
				return apmig_cmd_usage_error(&apmig_cmd_fsm,
							     "--flags: unknown migration flag '%s'",
							     bad);
			if (!(flags & VFIO_MIGRATION_STOP_COPY))
				return apmig_cmd_usage_error(&apmig_cmd_fsm,
							     "--flags: stop_copy is mandatory: the uAPI requires it of every migration driver");
			break;
		case 'V':
			verbose = true;
			break;
		default:
			return APMIG_EXIT_ERROR;
		}
	}

	if (optind >= argc)
		return apmig_cmd_usage_error(&apmig_cmd_fsm, "no action given (path or table)");
	action = argv[optind++];
	nargs = argc - optind;
	if (!strcmp(action, "path")) {
		if (nargs != 2)
			return apmig_cmd_usage_error(&apmig_cmd_fsm,
						     "path takes FROM and TO, %d argument(s) given",
						     nargs);
		return fsm_path_cmd(flags, argv[optind], argv[optind + 1], verbose);
	}
	if (!strcmp(action, "table")) {
		if (nargs)
			return apmig_cmd_usage_error(&apmig_cmd_fsm,
						     "table takes no argument, '%s' given",
						     argv[optind]);
		fsm_print_table(stdout, flags);
		return APMIG_EXIT_OK;
	}
	return apmig_cmd_usage_error(&apmig_cmd_fsm, "unknown action '%s' (path or table)",
				     action);
}
