// SPDX-License-Identifier: GPL-2.0
/*
 * Out of memory while the simulator builds a host from a loaded tree: the
 * test is linked with --wrap=calloc,realloc so that the N-th allocation of
 * sim_host_from_tree() fails, for every N, and checks the ownership rule of
 * sim_host.h on each failure (the caller still owns the tree) under ASan.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "apmig_host.h"
#include "sim_host.h"

#include <shim/slab.h>

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/hosts"
#endif

/* Allocations left before the one that fails; 0: none fails. */
static unsigned long oom_countdown;

void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);

static bool oom_now(void)
{
	return oom_countdown && --oom_countdown == 0;
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	return oom_now() ? NULL : __real_calloc(nmemb, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	return oom_now() ? NULL : __real_realloc(ptr, size);
}

/*
 * Tests that sim_host_from_tree() fails cleanly with -ENOMEM at each of its
 * allocations, leaving the tree to the caller, on a host with mdevs.
 */
static void test_sim_host_from_tree_enomem(void **state)
{
	struct apmig_error err = {};
	struct apmig_host *tree;
	struct sim_host *h;
	long slab_base = shim_slab_live();
	unsigned long n;
	int ret;

	for (n = 1; n < 1000; n++) {
		if (apmig_host_load(&tree, FIXTURES "/src-a", &err))
			fail_msg("loading src-a: %s", err.msg);
		h = NULL;
		oom_countdown = n;
		ret = sim_host_from_tree(&h, "source", tree);
		oom_countdown = 0;
		if (!ret) {
			assert_non_null(h);
			assert_int_equal(sim_host_nr_mdevs(h), tree->nr_mdevs);
			sim_host_free(h);	/* frees the tree it took */
			break;
		}
		assert_int_equal(ret, -ENOMEM);
		apmig_host_free(tree);
		assert_int_equal(shim_slab_live(), slab_base);
	}
	/* src-a has two mdevs: several allocations were made to fail */
	assert_true(n > 4);
	assert_true(n < 1000);
	assert_int_equal(shim_slab_live(), slab_base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_host_from_tree_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
