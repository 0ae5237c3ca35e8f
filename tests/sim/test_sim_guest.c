// SPDX-License-Identifier: GPL-2.0
/*
 * The model of the Linux guest's AP queue driver (sim/sim_guest.h): its
 * rules one by one (interrupt-driven wait, NO_PENDING_REPLY re-send, the
 * request timeout, interruptions found off, the rescan), then the guest
 * across a simulated migration with the driver's kick and without it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "apmig_host.h"
#include "sim_guest.h"
#include "sim_host.h"
#include "sim_irq.h"
#include "vfio_ap_mig_stream.h"
#include "vmm.h"

#include <shim/vfs.h>

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/hosts"
#endif

#define SRC_GUEST	"8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b"
#define DST		"5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6"
#define NEW_UUID	"0b6a2c1d-7e8f-4a90-b1c2-d3e4f5a6b7c8"
#define Q1		VFIO_AP_MIG_APQN(0x03, 0x0004)
#define Q2		VFIO_AP_MIG_APQN(0x05, 0x002a)
#define MS		1000ULL
#define S		SIM_GUEST_US_PER_S
#define SVC		SIM_GUEST_SERVICE_US
#define IRQ		SIM_GUEST_IRQ_US

static struct sim_host *load(const char *name, const char *label)
{
	struct apmig_error err = {};
	struct sim_host *h = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	if (sim_host_load(&h, label, path, &err))
		fail_msg("loading %s: %s", path, err.msg);
	return h;
}

/* A guest booted on the source fixture's mdev, its requests on it. */
struct bench {
	struct sim_host *src_host, *dst_host;
	struct sim_mdev *src, *dst;
	struct sim_guest *g;
};

static void bench_init(struct bench *b, const char *target)
{
	memset(b, 0, sizeof(*b));
	b->src_host = load("src-a", "source");
	b->src = sim_host_mdev(b->src_host, SRC_GUEST);
	assert_non_null(b->src);
	if (target) {
		b->dst_host = load(target, "target");
		b->dst = sim_host_mdev(b->dst_host, DST);
	}
	assert_int_equal(sim_guest_new(&b->g, NULL), 0);
	assert_int_equal(sim_guest_start(b->g, b->src), 0);
}

static void bench_fini(struct bench *b)
{
	sim_guest_free(b->g);
	sim_host_free(b->src_host);
	sim_host_free(b->dst_host);
}

static const struct sim_guest_req *req(const struct sim_guest *g, int id)
{
	const struct sim_guest_req *r = NULL;
	size_t n = sim_guest_requests(g, &r);

	assert_true(id >= 1 && (size_t)id <= n);
	return &r[id - 1];
}

/* Tests that the guest registers one NIB and ISC on every queue at boot. */
static void test_guest_start_registers_every_queue(void **state)
{
	struct bench b;
	size_t i;
	u64 nib;
	u8 isc;

	bench_init(&b, NULL);
	assert_int_equal(sim_guest_nr_queues(b.g), 4);
	for (i = 0; i < 4; i++) {
		assert_true(sim_irq_of(sim_mdev_irq(b.src), sim_guest_queue(b.g, i),
				       &isc, &nib));
		assert_int_equal(isc, SIM_GUEST_ISC);
		assert_int_equal(nib, SIM_GUEST_NIB);
	}
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AQIC, -1), 4);
	bench_fini(&b);
}

/* Tests that with interruptions on, replies are read by the handler, never by polling. */
static void test_guest_interrupt_driven(void **state)
{
	struct bench b;
	int a, c;

	bench_init(&b, NULL);
	a = sim_guest_submit(b.g, Q1);
	c = sim_guest_submit(b.g, Q1);
	assert_true(sim_guest_run_idle(b.g, 10 * S));
	assert_int_equal(req(b.g, a)->done_us, SVC + IRQ);
	assert_int_equal(req(b.g, c)->done_us, 2 * SVC + IRQ);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AIRQ, -1), 2);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_POLL, -1), 0);
	assert_int_equal(req(b.g, a)->sends, 1);
	bench_fini(&b);
}

/* Tests that an adapter interruption with the NIB byte zero runs no handler. */
static void test_guest_airq_needs_nib_byte(void **state)
{
	struct vfio_ap_mig_irq_target t = { .nib = SIM_GUEST_NIB + 1,
					    .isc = SIM_GUEST_ISC };
	struct sim_irq *irq;
	struct bench b;

	bench_init(&b, NULL);
	irq = sim_mdev_irq(b.src);
	sim_irq_kick(irq, &t, 1);	/* another byte: ours stays zero */
	sim_guest_run_until(b.g, MS);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AIRQ_IGNORED, -1), 1);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AIRQ, -1), 0);
	bench_fini(&b);
}

/*
 * Tests that on cards that forgot the guest's requests, a kick makes DQAP
 * answer NO_PENDING_REPLY on an empty queue and the guest re-sends them.
 */
static void test_guest_no_pending_reply_resend(void **state)
{
	struct vfio_ap_mig_irq_target t = { .nib = SIM_GUEST_NIB,
					    .isc = SIM_GUEST_ISC };
	struct sim_guest_stats st;
	struct bench b;
	int a, c;

	bench_init(&b, NULL);
	a = sim_guest_submit(b.g, Q1);
	c = sim_guest_submit(b.g, Q1);
	sim_guest_run_until(b.g, SVC + IRQ / 2);	/* a done, unread */
	sim_guest_stop(b.g);
	sim_irq_kick(sim_mdev_irq(b.src), &t, 1);
	assert_int_equal(sim_guest_resume(b.g, b.src, true), 0);
	assert_true(sim_guest_run_idle(b.g, 10 * S));
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_RESEND, Q1), 1);
	assert_int_equal(req(b.g, a)->sends, 2);
	assert_int_equal(req(b.g, a)->runs, 2);	/* it ran twice */
	assert_int_equal(req(b.g, c)->runs, 1);
	sim_guest_stats(b.g, &st);
	assert_int_equal(st.in_flight, 2);
	assert_int_equal(st.ran_before, 1);
	assert_int_equal(st.completed, 2);
	assert_int_equal(st.timed_out, 0);
	/* kick -> handler, re-sent, two service times, the last handler */
	assert_int_equal(st.max_us, IRQ + 2 * SVC + IRQ);
	bench_fini(&b);
}

/*
 * Tests that without a kick the guest waits on its interruption until the
 * queue's request timer, armed by the last send, resets the queue and
 * re-sends.
 */
static void test_guest_timeout_path(void **state)
{
	struct sim_guest_stats st;
	struct bench b;
	int a;

	bench_init(&b, NULL);
	a = sim_guest_submit(b.g, Q1);
	sim_guest_run_until(b.g, MS);
	sim_guest_stop(b.g);
	assert_int_equal(sim_guest_resume(b.g, b.src, true), 0);
	sim_guest_run_until(b.g, SIM_GUEST_TIMEOUT_US - 1);
	assert_int_equal(req(b.g, a)->state, SIM_REQ_PENDING);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_POLL, -1), 0);
	assert_true(sim_guest_run_idle(b.g, 2 * SIM_GUEST_TIMEOUT_US));
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_TIMEOUT, Q1), 1);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_RESEND, Q1), 1);
	assert_true(req(b.g, a)->timed_out);
	assert_int_equal(req(b.g, a)->sends, 2);
	/* the reset turned interruptions off; the guest registered again */
	assert_true(sim_irq_live(sim_mdev_irq(b.src), Q1));
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AQIC, Q1), 2);
	assert_int_equal(req(b.g, a)->done_us, SIM_GUEST_TIMEOUT_US + SVC + IRQ);
	sim_guest_stats(b.g, &st);
	assert_int_equal(st.timed_out, 1);
	bench_fini(&b);
}

/* Tests that a queue reporting interruptions off is polled, then registered again. */
static void test_guest_irq_off_polls_and_reissues_aqic(void **state)
{
	struct sim_irq *irq;
	struct bench b;
	int a;

	bench_init(&b, NULL);
	irq = sim_mdev_irq(b.src);
	assert_int_equal(sim_irq_guest_aqic(irq, Q2, false, 0, 0), 0);
	a = sim_guest_submit(b.g, Q2);
	assert_true(sim_guest_run_idle(b.g, 10 * S));
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AIRQ, -1), 0);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_POLL, -1),
			 SVC / SIM_GUEST_POLL_US);
	assert_int_equal(req(b.g, a)->done_us, SVC);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AQIC, Q2), 2);
	assert_true(sim_irq_live(irq, Q2));
	bench_fini(&b);
}

/*
 * Tests that the 30 s rescan re-probes a card whose type changed under the
 * guest, and sends its outstanding requests again.
 */
static void test_guest_rescan_reprobes_changed_card(void **state)
{
	struct sim_mdev *other;
	struct bench b;
	int a;

	bench_init(&b, "dst-bad");
	/* a host whose card 03 is a CEX7 where the source has a CEX8 */
	assert_int_equal(sim_host_create_mdev(b.dst_host, NEW_UUID, &other), 0);
	assert_int_equal(sim_mdev_assign(other, SIM_ADAPTER, 0x03), 0);
	assert_int_equal(sim_mdev_assign(other, SIM_DOMAIN, 0x04), 0);
	sim_guest_stop(b.g);
	assert_int_equal(sim_guest_resume(b.g, other, true), 0);
	a = sim_guest_submit(b.g, Q1);
	assert_true(a > 0);
	sim_guest_run_until(b.g, SIM_GUEST_RESCAN_US - 1);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_REPROBE, -1), 0);
	sim_guest_run_until(b.g, SIM_GUEST_RESCAN_US);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_REPROBE, Q1), 1);
	sim_guest_run_until(b.g, 2 * SIM_GUEST_RESCAN_US);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_REPROBE, -1), 1);
	bench_fini(&b);
}

/* Migrate with requests in flight on every queue; @no_kick as upstream. */
static void migrate_in_flight(struct bench *b, bool no_kick, int fail_apqn,
			      struct sim_guest_stats *st)
{
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true };
	struct sim_vmm_result res;
	size_t i, k;

	for (k = 0; k < 3; k++)
		for (i = 0; i < sim_guest_nr_queues(b->g); i++)
			assert_true(sim_guest_submit(b->g, sim_guest_queue(b->g, i)) > 0);
	sim_guest_run_until(b->g, 7 * MS);
	sim_guest_stop(b->g);
	sim_mdev_irq(b->dst)->no_kick = no_kick;
	sim_mdev_irq(b->dst)->fail_apqn = fail_apqn;
	sim_guest_listen(b->g, b->dst);
	assert_int_equal(sim_vmm_migrate(b->src, b->dst, &o, &res), 0);
	assert_int_equal(res.status, 0);
	sim_vmm_result_release(&res);
	assert_int_equal(sim_guest_resume(b->g, b->dst, true), 0);
	assert_true(sim_guest_run_idle(b->g, sim_guest_now(b->g) + 2 * SIM_GUEST_TIMEOUT_US));
	sim_guest_stats(b->g, st);
	assert_int_equal(st->in_flight, 8);
	assert_int_equal(st->completed, 8);
}

/* Tests that with the kick every request in flight completes at once on the destination. */
static void test_guest_migration_with_kick(void **state)
{
	struct sim_guest_stats st;
	struct bench b;

	bench_init(&b, "dst-ok");
	migrate_in_flight(&b, false, -1, &st);
	assert_int_equal(st.timed_out, 0);
	assert_int_equal(st.max_us, IRQ + 2 * SVC + IRQ);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_KICK, -1), 1);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_RESEND, -1), 4);
	bench_fini(&b);
}

/* Tests that without the kick (upstream) every request in flight waits for the timeout. */
static void test_guest_migration_without_kick(void **state)
{
	struct sim_guest_stats st;
	struct bench b;

	bench_init(&b, "dst-ok");
	migrate_in_flight(&b, true, -1, &st);
	assert_int_equal(st.timed_out, 8);
	assert_true(st.max_us > SIM_GUEST_TIMEOUT_US - 10 * MS);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_KICK, -1), 0);
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_TIMEOUT, -1), 4);
	bench_fini(&b);
}

/*
 * Tests that a queue whose registration failed on the destination is polled
 * after the kick and registered again by the guest, nothing timing out.
 */
static void test_guest_migration_failed_registration(void **state)
{
	struct sim_guest_stats st;
	struct bench b;

	bench_init(&b, "dst-ok");
	migrate_in_flight(&b, false, Q2, &st);
	assert_int_equal(st.timed_out, 0);
	assert_int_equal(st.max_us, IRQ + 2 * SVC + IRQ);
	/* off after the migration: the guest found it so and registered again */
	assert_int_equal(sim_guest_count(b.g, SIM_GEV_AQIC, Q2), 2);
	assert_true(sim_irq_live(sim_mdev_irq(b.dst), Q2));
	bench_fini(&b);
}

/* Tests that a clone runs on its own from the same point. */
static void test_guest_clone_runs_apart(void **state)
{
	struct sim_guest *copy;
	struct bench b;
	int a;

	bench_init(&b, NULL);
	a = sim_guest_submit(b.g, Q1);
	assert_int_equal(sim_guest_clone(&copy, b.g), 0);
	assert_true(sim_guest_run_idle(b.g, S));
	assert_int_equal(req(copy, a)->state, SIM_REQ_PENDING);
	assert_true(sim_guest_run_idle(copy, S));
	assert_int_equal(req(copy, a)->done_us, req(b.g, a)->done_us);
	sim_guest_free(copy);
	bench_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_start_registers_every_queue),
		cmocka_unit_test(test_guest_interrupt_driven),
		cmocka_unit_test(test_guest_airq_needs_nib_byte),
		cmocka_unit_test(test_guest_no_pending_reply_resend),
		cmocka_unit_test(test_guest_timeout_path),
		cmocka_unit_test(test_guest_irq_off_polls_and_reissues_aqic),
		cmocka_unit_test(test_guest_rescan_reprobes_changed_card),
		cmocka_unit_test(test_guest_migration_with_kick),
		cmocka_unit_test(test_guest_migration_without_kick),
		cmocka_unit_test(test_guest_migration_failed_registration),
		cmocka_unit_test(test_guest_clone_runs_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
