// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of apmig fsm (tools/apmig/cmd_fsm.c, included so that its static
 * functions are reachable). The walks the tool computes through the shim's
 * vfio_mig_get_next_state() are compared, for all 8 x 8 state pairs under
 * the four flag sets a device can advertise, with walks computed here from
 * a table transcribed independently from REFERENCE.md section 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <shim/bug.h>

#include "cmd_fsm.c"

/*
 * REFERENCE.md section 2, in its own row and column order and with its
 * abbreviations; ref_state[] maps them to the uAPI numbers.
 */
enum { rS, rR, rPC, rPP, rSC, rRS, rRP, rE, rN };

static const enum vfio_device_mig_state ref_state[rN] = {
	[rS] = VFIO_DEVICE_STATE_STOP,
	[rR] = VFIO_DEVICE_STATE_RUNNING,
	[rPC] = VFIO_DEVICE_STATE_PRE_COPY,
	[rPP] = VFIO_DEVICE_STATE_PRE_COPY_P2P,
	[rSC] = VFIO_DEVICE_STATE_STOP_COPY,
	[rRS] = VFIO_DEVICE_STATE_RESUMING,
	[rRP] = VFIO_DEVICE_STATE_RUNNING_P2P,
	[rE] = VFIO_DEVICE_STATE_ERROR,
};

/* Row = current state, column = requested state, cell = next single arc. */
static const int ref_next[rN][rN] = {
	/*          S    R    PC   PP   SC   RS   RP   E */
	[rS]  = {  rS,  rRP, rRP, rRP, rSC, rRS, rRP, rE },
	[rR]  = {  rRP, rR,  rPC, rRP, rRP, rRP, rRP, rE },
	[rPC] = {  rR,  rR,  rPC, rPP, rPP, rR,  rR,  rE },
	[rPP] = {  rRP, rRP, rPC, rPP, rSC, rRP, rRP, rE },
	[rSC] = {  rS,  rS,  rE,  rE,  rSC, rS,  rS,  rE },
	[rRS] = {  rS,  rS,  rS,  rS,  rS,  rRS, rS,  rE },
	[rRP] = {  rS,  rR,  rR,  rPP, rS,  rS,  rRP, rE },
	[rE]  = {  rE,  rE,  rE,  rE,  rE,  rE,  rE,  rE },
};

#define SC_	VFIO_MIGRATION_STOP_COPY
#define P2P_	VFIO_MIGRATION_P2P
#define PRE_	VFIO_MIGRATION_PRE_COPY

/* "Required flags per state" of REFERENCE.md section 2; ERROR never. */
static bool ref_supported(unsigned int flags, int r)
{
	static const unsigned int need[rN] = {
		[rS] = SC_, [rR] = SC_, [rSC] = SC_, [rRS] = SC_,
		[rRP] = SC_ | P2P_,
		[rPC] = SC_ | PRE_,
		[rPP] = SC_ | P2P_ | PRE_,
	};

	return r != rE && (need[r] & flags) == need[r];
}

/* The four flag sets a migration driver can advertise. */
static const unsigned int flag_sets[] = {
	SC_, SC_ | P2P_, SC_ | PRE_, SC_ | P2P_ | PRE_,
};

/*
 * One arc per REFERENCE.md: refuse (rE) an unsupported current or requested
 * state; take table[cur][new], skipping unsupported states by looking them
 * up as the current state; ERROR means refused.
 */
static int ref_step(unsigned int flags, int cur, int to)
{
	int next, guard;

	if (!ref_supported(flags, cur) || !ref_supported(flags, to))
		return rE;
	next = ref_next[cur][to];
	for (guard = 0; next != rE && !ref_supported(flags, next); guard++) {
		if (guard > rN)
			fail_msg("reference table loops at %d -> %d", cur, to);
		next = ref_next[next][to];
	}
	return next;
}

/* The walk a driver's set_state loop takes. Returns 0 or 1 (refused). */
static int ref_walk(unsigned int flags, int from, int to, int *path, int *n)
{
	int cur = from, next;

	*n = 0;
	path[(*n)++] = from;
	if (!ref_supported(flags, from) || !ref_supported(flags, to))
		return 1;
	while (cur != to) {
		next = ref_step(flags, cur, to);
		if (next == rE)
			return 1;
		if (*n > rN)
			fail_msg("reference walk loops from %d to %d", from, to);
		path[(*n)++] = next;
		cur = next;
	}
	return 0;
}

static void check_flag_set(unsigned int flags)
{
	int ref_path[rN + 2], ref_n, from, to, ref_rc, rc, i, bad = 0;
	struct fsm_path path;
	char why[256], fl[64];

	shim_bug_reset();
	for (from = 0; from < rN; from++) {
		for (to = 0; to < rN; to++) {
			ref_rc = ref_walk(flags, from, to, ref_path, &ref_n);
			why[0] = '\0';
			rc = fsm_walk(flags, ref_state[from], ref_state[to], &path,
				      why, sizeof(why));
			if (rc != ref_rc) {
				print_error("flags %s: %s -> %s: tool %d, reference %d (%s)\n",
					    fsm_flags_str(flags, fl, sizeof(fl)),
					    fsm_name(ref_state[from]),
					    fsm_name(ref_state[to]), rc, ref_rc, why);
				bad++;
				continue;
			}
			if (rc) {
				/* A refusal always says why. */
				if (!why[0]) {
					print_error("%s -> %s refused without a reason\n",
						    fsm_name(ref_state[from]),
						    fsm_name(ref_state[to]));
					bad++;
				}
				continue;
			}
			if (path.n != (unsigned int)ref_n) {
				print_error("flags %s: %s -> %s: tool walks %u states, reference %d\n",
					    fsm_flags_str(flags, fl, sizeof(fl)),
					    fsm_name(ref_state[from]),
					    fsm_name(ref_state[to]), path.n, ref_n);
				bad++;
				continue;
			}
			for (i = 0; i < ref_n; i++) {
				if (path.state[i] != ref_state[ref_path[i]]) {
					print_error("flags %s: %s -> %s: state %d is %s, reference %s\n",
						    fsm_flags_str(flags, fl, sizeof(fl)),
						    fsm_name(ref_state[from]),
						    fsm_name(ref_state[to]), i,
						    fsm_name(path.state[i]),
						    fsm_name(ref_state[ref_path[i]]));
					bad++;
					break;
				}
			}
		}
	}
	assert_int_equal(bad, 0);
	/* The tool never asks the kernel function about an impossible state. */
	assert_int_equal(shim_bug_warnings(), 0);
}

/* Tests that the 64 walks with STOP_COPY only match the reference. */
static void test_fsm_walk_stop_copy(void **state)
{
	check_flag_set(SC_);
}

/* Tests that the 64 walks with STOP_COPY | P2P match the reference. */
static void test_fsm_walk_p2p(void **state)
{
	check_flag_set(SC_ | P2P_);
}

/* Tests that the 64 walks with STOP_COPY | PRE_COPY match the reference. */
static void test_fsm_walk_pre_copy(void **state)
{
	check_flag_set(SC_ | PRE_);
}

/* Tests that the 64 walks with all three flags match the reference. */
static void test_fsm_walk_all_flags(void **state)
{
	check_flag_set(SC_ | P2P_ | PRE_);
}

/* Walk by names; the path as "A -> B -> C", or "refused". */
static const char *walk_str(unsigned int flags, const char *from, const char *to)
{
	static char out[256];
	enum vfio_device_mig_state f, t;
	struct fsm_path path;
	char why[256];
	size_t n = 0;
	unsigned int i;

	assert_int_equal(fsm_parse_state(from, &f), 0);
	assert_int_equal(fsm_parse_state(to, &t), 0);
	if (fsm_walk(flags, f, t, &path, why, sizeof(why)))
		return "refused";
	for (i = 0; i < path.n; i++)
		n += snprintf(out + n, sizeof(out) - n, "%s%s", i ? " -> " : "",
			      fsm_name(path.state[i]));
	return out;
}

/* Tests the walks QEMU's sequences rely on, written out by hand. */
static void test_fsm_walk_known_paths(void **state)
{
	const unsigned int all = SC_ | P2P_ | PRE_;

	assert_string_equal(walk_str(all, "RUNNING", "STOP_COPY"),
			    "RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY");
	assert_string_equal(walk_str(SC_, "RUNNING", "STOP_COPY"),
			    "RUNNING -> STOP -> STOP_COPY");
	assert_string_equal(walk_str(all, "RUNNING", "RESUMING"),
			    "RUNNING -> RUNNING_P2P -> STOP -> RESUMING");
	assert_string_equal(walk_str(all, "RESUMING", "RUNNING"),
			    "RESUMING -> STOP -> RUNNING_P2P -> RUNNING");
	assert_string_equal(walk_str(all, "PRE_COPY", "STOP_COPY"),
			    "PRE_COPY -> PRE_COPY_P2P -> STOP_COPY");
	/* Without P2P, PRE_COPY_P2P is skipped: one arc into STOP_COPY. */
	assert_string_equal(walk_str(SC_ | PRE_, "PRE_COPY", "STOP_COPY"),
			    "PRE_COPY -> STOP_COPY");
	assert_string_equal(walk_str(all, "STOP_COPY", "RUNNING"),
			    "STOP_COPY -> STOP -> RUNNING_P2P -> RUNNING");
	assert_string_equal(walk_str(all, "PRE_COPY_P2P", "RUNNING"),
			    "PRE_COPY_P2P -> RUNNING_P2P -> RUNNING");
	assert_string_equal(walk_str(all, "RUNNING", "RUNNING"), "RUNNING");
	assert_string_equal(walk_str(all, "STOP_COPY", "PRE_COPY"), "refused");
	assert_string_equal(walk_str(all, "STOP_COPY", "PRE_COPY_P2P"), "refused");
	assert_string_equal(walk_str(all, "RUNNING", "ERROR"), "refused");
	assert_string_equal(walk_str(all, "ERROR", "RUNNING"), "refused");
	assert_string_equal(walk_str(all, "ERROR", "ERROR"), "refused");
	assert_string_equal(walk_str(SC_, "RUNNING", "RUNNING_P2P"), "refused");
	assert_string_equal(walk_str(SC_ | P2P_, "PRE_COPY", "PRE_COPY"), "refused");
}

/* Tests that each kind of refusal gives its own reason. */
static void test_fsm_walk_reasons(void **state)
{
	struct fsm_path path;
	char why[256];

	assert_int_equal(fsm_walk(SC_, VFIO_DEVICE_STATE_RUNNING,
				  VFIO_DEVICE_STATE_PRE_COPY, &path, why,
				  sizeof(why)), 1);
	assert_non_null(strstr(why, "PRE_COPY needs migration flag(s) pre_copy"));
	assert_non_null(strstr(why, "advertises only stop_copy"));

	assert_int_equal(fsm_walk(SC_ | PRE_, VFIO_DEVICE_STATE_PRE_COPY_P2P,
				  VFIO_DEVICE_STATE_RUNNING, &path, why,
				  sizeof(why)), 1);
	assert_non_null(strstr(why, "PRE_COPY_P2P needs migration flag(s) p2p,"));

	assert_int_equal(fsm_walk(SC_, VFIO_DEVICE_STATE_STOP,
				  VFIO_DEVICE_STATE_ERROR, &path, why,
				  sizeof(why)), 1);
	assert_non_null(strstr(why, "ERROR cannot be requested"));

	assert_int_equal(fsm_walk(SC_, VFIO_DEVICE_STATE_ERROR,
				  VFIO_DEVICE_STATE_STOP, &path, why,
				  sizeof(why)), 1);
	assert_non_null(strstr(why, "VFIO_DEVICE_RESET"));

	assert_int_equal(fsm_walk(SC_ | PRE_, VFIO_DEVICE_STATE_STOP_COPY,
				  VFIO_DEVICE_STATE_PRE_COPY, &path, why,
				  sizeof(why)), 1);
	assert_non_null(strstr(why, "no path"));
}

/*
 * Tests that the arcs of all walks with vfio_ap's flags are exactly the
 * arcs the tool describes (vfio_ap_mig_step()'s arcs): none missing, none
 * that the kernel never asks for.
 */
static void test_fsm_actions_cover_every_arc(void **state)
{
	bool seen[FSM_NSTATES][FSM_NSTATES] = {};
	bool described[FSM_NSTATES][FSM_NSTATES] = {};
	struct fsm_path path;
	unsigned int from, to, i, arcs = 0;
	char why[256];

	for (from = 0; from < FSM_NSTATES; from++) {
		for (to = 0; to < FSM_NSTATES; to++) {
			if (fsm_walk(FSM_ALL_FLAGS, from, to, &path, why, sizeof(why)))
				continue;
			for (i = 1; i < path.n; i++)
				seen[path.state[i - 1]][path.state[i]] = true;
		}
	}
	for (i = 0; i < FSM_NR_ACTIONS; i++) {
		assert_false(described[fsm_actions[i].from][fsm_actions[i].to]);
		described[fsm_actions[i].from][fsm_actions[i].to] = true;
	}
	for (from = 0; from < FSM_NSTATES; from++) {
		for (to = 0; to < FSM_NSTATES; to++) {
			if (seen[from][to] != described[from][to])
				print_error("arc %s -> %s: walked %d, described %d\n",
					    fsm_name(from), fsm_name(to),
					    seen[from][to], described[from][to]);
			assert_int_equal(seen[from][to], described[from][to]);
			arcs += seen[from][to];
		}
	}
	/* The 15 arcs of include/uapi/linux/vfio.h. */
	assert_int_equal(arcs, 15);
}

/* Tests that state names are taken in any case, with or without prefix. */
static void test_fsm_parse_state_names(void **state)
{
	enum vfio_device_mig_state s;
	unsigned int i;
	char buf[64];

	/* include/uapi/linux/vfio.h, enum vfio_device_mig_state */
	static const char *const uapi[] = {
		"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING",
		"RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P",
	};

	assert_int_equal(sizeof(uapi) / sizeof(uapi[0]), FSM_NSTATES);
	for (i = 0; i < FSM_NSTATES; i++) {
		assert_string_equal(fsm_name(i), uapi[i]);
		assert_int_equal(fsm_parse_state(uapi[i], &s), 0);
		assert_int_equal(s, i);
		snprintf(buf, sizeof(buf), "vfio_device_state_%s", fsm_name(i));
		assert_int_equal(fsm_parse_state(buf, &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(fsm_parse_state("pre_copy_p2p", &s), 0);
	assert_int_equal(s, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	assert_int_equal(fsm_parse_state("Stop_Copy", &s), 0);
	assert_int_equal(s, VFIO_DEVICE_STATE_STOP_COPY);
	assert_int_equal(fsm_parse_state("VFIO_DEVICE_STATE_RUNNING", &s), 0);
	assert_int_equal(s, VFIO_DEVICE_STATE_RUNNING);

	assert_int_equal(fsm_parse_state("", &s), -EINVAL);
	assert_int_equal(fsm_parse_state("RUN", &s), -EINVAL);
	assert_int_equal(fsm_parse_state("RUNNING ", &s), -EINVAL);
	assert_int_equal(fsm_parse_state("VFIO_DEVICE_STATE_", &s), -EINVAL);
	assert_int_equal(fsm_parse_state("STATE_RUNNING", &s), -EINVAL);
	assert_int_equal(fsm_parse_state("2", &s), -EINVAL);
}

/* Tests the --flags parser: names, prefix, case, and malformed lists. */
static void test_fsm_parse_flags_lists(void **state)
{
	unsigned int flags;
	char bad[64];

	assert_int_equal(fsm_parse_flags("stop_copy", &flags, bad, sizeof(bad)), 0);
	assert_int_equal(flags, SC_);
	assert_int_equal(fsm_parse_flags("stop_copy,p2p,pre_copy", &flags, bad,
					 sizeof(bad)), 0);
	assert_int_equal(flags, SC_ | P2P_ | PRE_);
	assert_int_equal(fsm_parse_flags("PRE_COPY,VFIO_MIGRATION_STOP_COPY", &flags,
					 bad, sizeof(bad)), 0);
	assert_int_equal(flags, SC_ | PRE_);
	assert_int_equal(fsm_parse_flags("p2p,p2p", &flags, bad, sizeof(bad)), 0);
	assert_int_equal(flags, P2P_);

	assert_int_equal(fsm_parse_flags("", &flags, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "");
	assert_int_equal(fsm_parse_flags("stop_copy,,p2p", &flags, bad,
					 sizeof(bad)), -EINVAL);
	assert_int_equal(fsm_parse_flags("stop_copy,", &flags, bad, sizeof(bad)),
			 -EINVAL);
	assert_int_equal(fsm_parse_flags("stop_copy,dirty", &flags, bad,
					 sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "dirty");
	assert_int_equal(fsm_parse_flags("stop", &flags, bad, sizeof(bad)), -EINVAL);
	assert_int_equal(fsm_parse_flags("stop_copy_x", &flags, bad, sizeof(bad)),
			 -EINVAL);
}

/*
 * Tests that "apmig fsm table" prints, for each flag set, the reference's
 * next arc in every cell of every row of a state the device can be in.
 */
static void test_fsm_table_matches_reference(void **state)
{
	char cell[8], name[32], *buf, *line, *save;
	unsigned int k, rows;
	int from, to, col, off, n;
	size_t len;
	FILE *f;

	for (k = 0; k < sizeof(flag_sets) / sizeof(flag_sets[0]); k++) {
		unsigned int flags = flag_sets[k];

		buf = NULL;
		f = open_memstream(&buf, &len);
		assert_non_null(f);
		fsm_print_table(f, flags);
		fclose(f);

		rows = 0;
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "%31s%n", name, &off) != 1)
				continue;
			for (from = 0; from < rN; from++)
				if (!strcmp(name, fsm_name(ref_state[from])))
					break;
			if (from == rN)
				continue;
			assert_true(ref_supported(flags, from));
			rows++;
			/* Columns come in uAPI order: 0 (ERROR) .. 7. */
			for (col = 0; col < FSM_NSTATES; col++) {
				const char *want;

				assert_int_equal(sscanf(line + off, "%7s%n", cell, &n), 1);
				off += n;
				for (to = 0; to < rN; to++)
					if (ref_state[to] == (unsigned int)col)
						break;
				n = ref_step(flags, from, to);
				want = n == rE ? "-" : fsm_states[ref_state[n]].abbrev;
				assert_string_equal(cell, want);
			}
		}
		/* One row per state the device can be in. */
		for (from = 0, n = 0; from < rN; from++)
			n += ref_supported(flags, from);
		assert_int_equal(rows, n);
		free(buf);
	}
	assert_int_equal(shim_bug_warnings(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsm_walk_stop_copy),
		cmocka_unit_test(test_fsm_walk_p2p),
		cmocka_unit_test(test_fsm_walk_pre_copy),
		cmocka_unit_test(test_fsm_walk_all_flags),
		cmocka_unit_test(test_fsm_walk_known_paths),
		cmocka_unit_test(test_fsm_walk_reasons),
		cmocka_unit_test(test_fsm_actions_cover_every_arc),
		cmocka_unit_test(test_fsm_parse_state_names),
		cmocka_unit_test(test_fsm_parse_flags_lists),
		cmocka_unit_test(test_fsm_table_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
