// SPDX-License-Identifier: GPL-2.0
/*
 * Tests that the shim's vfio_mig_get_next_state() walks the kernel's FSM:
 * every (current, requested) pair of the 8 states under each of the four
 * flag sets, against tables written out here by hand from REFERENCE.md §2
 * (the kernel's vfio_from_fsm_table with unsupported states skipped).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <linux/vfio.h>

#include <shim/bug.h>
#include <shim/vfio.h>

#define SC_ VFIO_MIGRATION_STOP_COPY
#define P2P VFIO_MIGRATION_P2P
#define PRE VFIO_MIGRATION_PRE_COPY

/*
 * One row per current state, one column per requested state, both in the
 * order E S R SC RS RP PC PP (the uAPI values 0..7). A cell is the next
 * single arc, "-" for -EINVAL, "!" for -EINVAL with a WARN (the current
 * state is one the device does not support: a driver bug).
 */
struct fsm_case {
	const char *name;
	unsigned int flags;
	const char *rows[8];
};

static const struct fsm_case fsm_cases[] = {
	{ "STOP_COPY", SC_, {
	/*	 E   S   R   SC  RS  RP  PC  PP  */
		"!   !   !   !   !   !   !   !",	/* E  */
		"-   S   R   SC  RS  -   -   -",	/* S  */
		"-   S   R   S   S   -   -   -",	/* R  */
		"-   S   S   SC  S   -   -   -",	/* SC */
		"-   S   S   S   RS  -   -   -",	/* RS */
		"!   !   !   !   !   !   !   !",	/* RP */
		"!   !   !   !   !   !   !   !",	/* PC */
		"!   !   !   !   !   !   !   !",	/* PP */
	} },
	{ "STOP_COPY|P2P", SC_ | P2P, {
		"!   !   !   !   !   !   !   !",
		"-   S   RP  SC  RS  RP  -   -",
		"-   RP  R   RP  RP  RP  -   -",
		"-   S   S   SC  S   S   -   -",
		"-   S   S   S   RS  S   -   -",
		"-   S   R   S   S   RP  -   -",
		"!   !   !   !   !   !   !   !",
		"!   !   !   !   !   !   !   !",
	} },
	{ "STOP_COPY|PRE_COPY", SC_ | PRE, {
		"!   !   !   !   !   !   !   !",
		"-   S   R   SC  RS  -   R   -",
		"-   S   R   S   S   -   PC  -",
		"-   S   S   SC  S   -   -   -",
		"-   S   S   S   RS  -   S   -",
		"!   !   !   !   !   !   !   !",
		"-   R   R   SC  R   -   PC  -",
		"!   !   !   !   !   !   !   !",
	} },
	{ "STOP_COPY|P2P|PRE_COPY", SC_ | P2P | PRE, {
		"!   !   !   !   !   !   !   !",
		"-   S   RP  SC  RS  RP  RP  RP",
		"-   RP  R   RP  RP  RP  PC  RP",
		"-   S   S   SC  S   S   -   -",
		"-   S   S   S   RS  S   S   S",
		"-   S   R   S   S   RP  R   PP",
		"-   R   R   PP  R   R   PC  PP",
		"-   RP  RP  SC  RP  RP  PC  PP",
	} },
};

static const char *const abbrev[8] = { "E", "S", "R", "SC", "RS", "RP", "PC", "PP" };

/* Split a table row into its 8 cells. */
static void split_row(const char *row, char cells[8][4])
{
	int i = 0;

	while (*row && i < 8) {
		int n = 0;

		while (*row == ' ')
			row++;
		while (*row && *row != ' ' && n < 3)
			cells[i][n++] = *row++;
		cells[i][n] = '\0';
		i++;
	}
	assert_int_equal(i, 8);
}

/* Tests that every pair under every flag set gives the table's answer. */
static void test_vfio_mig_get_next_state_table(void **state)
{
	struct vfio_device vdev = {};
	enum vfio_device_mig_state next;
	unsigned int c, cur, req;
	char cells[8][4];
	int ret;

	for (c = 0; c < sizeof(fsm_cases) / sizeof(fsm_cases[0]); c++) {
		vdev.migration_flags = fsm_cases[c].flags;
		for (cur = 0; cur < 8; cur++) {
			split_row(fsm_cases[c].rows[cur], cells);
			for (req = 0; req < 8; req++) {
				unsigned long warns = shim_bug_warnings();
				const char *want = cells[req];

				next = 99;
				ret = vfio_mig_get_next_state(&vdev, cur, req, &next);
				if (!strcmp(want, "-") || !strcmp(want, "!")) {
					if (ret != -EINVAL)
						fail_msg("%s: %s -> %s: got %d next %s, want -EINVAL",
							 fsm_cases[c].name, abbrev[cur],
							 abbrev[req], ret,
							 next < 8 ? abbrev[next] : "?");
					assert_int_equal(shim_bug_warnings() - warns,
							 want[0] == '!' ? 1 : 0);
					continue;
				}
				if (ret || next >= 8 || strcmp(abbrev[next], want))
					fail_msg("%s: %s -> %s: got %d next %s, want %s",
						 fsm_cases[c].name, abbrev[cur], abbrev[req],
						 ret, next < 8 ? abbrev[next] : "?", want);
				assert_int_equal(shim_bug_warnings(), warns);
			}
		}
	}
}

/* Tests that following the arcs always reaches the requested state. */
static void test_vfio_mig_get_next_state_walks_terminate(void **state)
{
	struct vfio_device vdev = { .migration_flags = SC_ | P2P | PRE };
	enum vfio_device_mig_state cur, next;
	unsigned int from, to, steps;

	for (from = 1; from < 8; from++) {
		for (to = 1; to < 8; to++) {
			cur = from;
			for (steps = 0; cur != to; steps++) {
				if (vfio_mig_get_next_state(&vdev, cur, to, &next))
					break;
				assert_int_not_equal(next, cur);
				cur = next;
				assert_true(steps < 8);
			}
			if (!((from == VFIO_DEVICE_STATE_STOP_COPY) &&
			      (to == VFIO_DEVICE_STATE_PRE_COPY ||
			       to == VFIO_DEVICE_STATE_PRE_COPY_P2P)))
				assert_int_equal(cur, to);
		}
	}
}

/* Tests that states beyond the uAPI range are refused. */
static void test_vfio_mig_get_next_state_out_of_range(void **state)
{
	struct vfio_device vdev = { .migration_flags = SC_ | P2P | PRE };
	enum vfio_device_mig_state next;
	unsigned long warns = shim_bug_warnings();

	assert_int_equal(vfio_mig_get_next_state(&vdev, VFIO_DEVICE_STATE_RUNNING,
						 8, &next), -EINVAL);
	assert_int_equal(shim_bug_warnings(), warns);
	assert_int_equal(vfio_mig_get_next_state(&vdev, 8,
						 VFIO_DEVICE_STATE_RUNNING, &next),
			 -EINVAL);
	assert_int_equal(shim_bug_warnings(), warns + 1);
}

/* Tests the uAPI state names used by apmig. */
static void test_shim_vfio_state_name(void **state)
{
	enum vfio_device_mig_state s;

	assert_string_equal(shim_vfio_state_name(VFIO_DEVICE_STATE_PRE_COPY_P2P),
			    "PRE_COPY_P2P");
	assert_string_equal(shim_vfio_state_name(8), "?");
	assert_int_equal(shim_vfio_state_parse("stop_copy", &s), 0);
	assert_int_equal(s, VFIO_DEVICE_STATE_STOP_COPY);
	assert_int_equal(shim_vfio_state_parse("STOPCOPY", &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vfio_mig_get_next_state_table),
		cmocka_unit_test(test_vfio_mig_get_next_state_walks_terminate),
		cmocka_unit_test(test_vfio_mig_get_next_state_out_of_range),
		cmocka_unit_test(test_shim_vfio_state_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
