// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the simulator: the driver on two simulated hosts
 * loaded from the fixture trees, driven by the VMMs in QEMU's order, with
 * and without pre-copy and switchover-ack, and the scenarios of issue 5:
 * (a) an incompatible target found in pre-copy, (b) the source guest's
 * configuration changing before stop-copy, (c) the target host changing
 * after the pre-copy check, (d) a reset in the middle of each phase on
 * each side. Each run must leave no fd, file, allocation or WARN behind.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/bitmap.h>

#include "apmig_host.h"
#include "sim_host.h"
#include "vfio_ap_mig_rules.h"
#include "vmm.h"

#include <shim/bug.h>
#include <shim/log.h>
#include <shim/slab.h>
#include <shim/vfio.h>
#include <shim/vfs.h>

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/hosts"
#endif
#ifndef FIXTURES_CLI
#define FIXTURES_CLI "tests/fixtures/hosts-cli"
#endif

#define SRC_GUEST	"8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b"
#define DST		"5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6"
#define DST_SPARE	"2d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d"
#define DST_OTHER	"9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"
#define NEW_UUID	"0b6a2c1d-7e8f-4a90-b1c2-d3e4f5a6b7c8"

#define APQN(a, d)	VFIO_AP_MIG_APQN(a, d)

struct world {
	struct sim_host *src_host, *dst_host;
	struct sim_mdev *src, *dst;
	struct ap_matrix dst_before;	/* the destination mdev before */
	struct ap_matrix dst_guest_before;	/* and its guest's APCB */
	long slab_base;
};

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

static void world_init(struct world *w, const char *target, const char *uuid)
{
	memset(w, 0, sizeof(*w));
	shim_log_clear();
	shim_bug_reset();
	w->slab_base = shim_slab_live();
	w->src_host = load("src-a", "source");
	w->dst_host = load(target, "target");
	w->src = sim_host_mdev(w->src_host, SRC_GUEST);
	assert_non_null(w->src);
	w->dst = sim_host_mdev(w->dst_host, uuid);
	if (!w->dst)
		assert_int_equal(sim_host_create_mdev(w->dst_host, uuid, &w->dst), 0);
	sim_mdev_get(w->dst, &w->dst_before, &w->dst_guest_before);
}

/* The stream never wrote the destination mdev: byte for byte as before. */
static void assert_dst_untouched(struct world *w)
{
	struct ap_matrix assigned, guest;

	sim_mdev_get(w->dst, &assigned, &guest);
	assert_memory_equal(&assigned, &w->dst_before, sizeof(assigned));
	assert_memory_equal(&guest, &w->dst_guest_before, sizeof(guest));
}

/* Nothing left behind by the driver, the shim or the simulator. */
static void world_fini(struct world *w, struct sim_vmm_result *res)
{
	sim_vmm_result_release(res);
	assert_int_equal(shim_fd_count(), 0);
	assert_int_equal(shim_files_alive(), 0);
	sim_host_free(w->src_host);
	sim_host_free(w->dst_host);
	assert_int_equal(shim_slab_live(), w->slab_base);
	assert_int_equal(shim_bug_warnings(), 0);
}

static bool matrix_equal(const struct ap_matrix *a, const struct ap_matrix *b)
{
	return bitmap_equal(a->apm, b->apm, 256) &&
	       bitmap_equal(a->aqm, b->aqm, 256) &&
	       bitmap_equal(a->adm, b->adm, 256);
}

/*
 * The destination's guest has exactly what the source's guest had, from the
 * mdev as prepared: the migration wrote nothing.
 */
static void assert_guest_moved(struct world *w, const struct ap_matrix *src_guest)
{
	struct ap_matrix guest;

	sim_mdev_get(w->dst, NULL, &guest);
	assert_true(matrix_equal(&guest, src_guest));
	assert_dst_untouched(w);
	assert_true(sim_mdev_checks(w->dst) >= 1);
}

/* Nothing changed on the destination, the source guest runs. */
static void assert_refused_cleanly(struct world *w, struct sim_vmm_result *res)
{
	struct ap_matrix assigned;

	assert_int_not_equal(res->status, 0);
	assert_true(res->src_running);
	assert_false(res->dst_running);
	assert_int_equal(res->dst_devfd, -1);	/* destination QEMU exited */
	sim_mdev_get(w->dst, &assigned, NULL);
	assert_true(matrix_equal(&assigned, &w->dst_before));
	assert_dst_untouched(w);
}

/* The SETs one side issued, as "FROM>TO:err" joined by spaces. */
static void sets_of(const struct sim_vmm_result *res, enum sim_side side,
		    char *buf, size_t len)
{
	static const char *const n[] = { "E", "S", "R", "SC", "RS", "RP", "PC", "PP" };
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < res->nr_events && used < len; i++) {
		const struct sim_event *e = &res->events[i];

		if (e->side != side)
			continue;
		if (e->kind == SIM_EV_RESET)
			used += snprintf(buf + used, len - used, "%sRESET",
					 used ? " " : "");
		if (e->kind != SIM_EV_SET)
			continue;
		used += snprintf(buf + used, len - used, "%s%s>%s%s",
				 used ? " " : "", n[e->from], n[e->to],
				 e->err ? "!" : "");
	}
}

/* Tests QEMU's pre-copy flow with switchover-ack, transition by transition. */
static void test_migrate_precopy_switchover_ack(void **state)
{
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true };
	struct sim_vmm_result res;
	struct ap_matrix src_guest;
	struct world w;
	char sets[512];
	size_t rec;

	world_init(&w, "dst-ok", DST);
	sim_mdev_get(w.src, NULL, &src_guest);
	rec = vfio_ap_mig_config_record_size(4);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, 0);
	assert_true(res.src_stopped);
	assert_true(res.dst_running);
	assert_int_equal(res.src_devfd, -1);	/* source QEMU exited */
	assert_guest_moved(&w, &src_guest);
	sets_of(&res, SIM_SRC, sets, sizeof(sets));
	assert_string_equal(sets, "R>PC PC>PP PP>SC SC>SC SC>S");
	sets_of(&res, SIM_DST, sets, sizeof(sets));
	assert_string_equal(sets, "R>RS RS>RP RP>R");
	assert_int_equal(res.bytes[SIM_SRC][SIM_PHASE_PRECOPY], rec);
	assert_int_equal(res.bytes[SIM_SRC][SIM_PHASE_STOPCOPY],
			 VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_int_equal(res.bytes[SIM_DST][SIM_PHASE_PRECOPY], rec);
	assert_int_equal(res.bytes[SIM_DST][SIM_PHASE_STOPCOPY],
			 VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_true(res.downtime_ns > 0 && res.stopcopy_ns > 0);
	world_fini(&w, &res);
}

/* Tests the STOP_COPY-only flow and odd chunk sizes on every hop. */
static void test_migrate_without_precopy_chunked(void **state)
{
	struct sim_vmm_opts o = { .src_buf = 7, .dst_buf = 3, .wire_chunk = 5 };
	struct sim_vmm_result res;
	struct ap_matrix src_guest;
	struct world w;
	char sets[512];

	world_init(&w, "dst-ok", DST);
	sim_mdev_get(w.src, NULL, &src_guest);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, 0);
	assert_guest_moved(&w, &src_guest);
	sets_of(&res, SIM_SRC, sets, sizeof(sets));
	assert_string_equal(sets, "R>RP RP>S S>SC SC>S");
	assert_int_equal(res.bytes[SIM_SRC][SIM_PHASE_PRECOPY], 0);
	assert_int_equal(res.bytes[SIM_SRC][SIM_PHASE_STOPCOPY],
			 vfio_ap_mig_config_record_size(4));
	assert_int_equal(res.bytes[SIM_DST][SIM_PHASE_STOPCOPY],
			 res.bytes[SIM_SRC][SIM_PHASE_STOPCOPY]);
	world_fini(&w, &res);
}

/*
 * Tests a new, empty mdev as destination: refused (every queue is DST's,
 * the mdev gives none of them), never filled by the stream; once the
 * administrator moved the queues to it, the guest lands there.
 */
static void test_migrate_into_new_mdev(void **state)
{
	struct sim_vmm_opts o = { .precopy = true };
	struct sim_mdev *old;
	struct sim_vmm_result res;
	struct ap_matrix src_guest;
	struct world w;

	world_init(&w, "dst-ok", NEW_UUID);
	sim_mdev_get(w.src, NULL, &src_guest);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -ENXIO);
	assert_int_equal(shim_log_grep("owner"), 4);
	assert_int_equal(shim_log_grep("control domain 0x0004"), 1);
	assert_refused_cleanly(&w, &res);
	sim_vmm_result_release(&res);
	/* the administrator moves the queues over and prepares the new mdev */
	old = sim_host_mdev(w.dst_host, DST);
	assert_int_equal(sim_mdev_unassign(old, SIM_ADAPTER, 0x03), 0);
	assert_int_equal(sim_mdev_unassign(old, SIM_ADAPTER, 0x05), 0);
	assert_int_equal(sim_mdev_assign(w.dst, SIM_ADAPTER, 0x03), 0);
	assert_int_equal(sim_mdev_assign(w.dst, SIM_ADAPTER, 0x05), 0);
	assert_int_equal(sim_mdev_assign(w.dst, SIM_DOMAIN, 0x04), 0);
	assert_int_equal(sim_mdev_assign(w.dst, SIM_DOMAIN, 0x2a), 0);
	assert_int_equal(sim_mdev_assign(w.dst, SIM_CONTROL_DOMAIN, 0x04), 0);
	sim_mdev_get(w.dst, &w.dst_before, &w.dst_guest_before);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, 0);
	assert_guest_moved(&w, &src_guest);
	world_fini(&w, &res);
}

/* (a) Tests a target found incompatible in pre-copy: the source never stops. */
static void test_incompatible_target_precopy(void **state)
{
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true };
	const struct vfio_ap_mig_problem *p;
	struct sim_vmm_result res;
	struct world w;
	char sets[512];
	size_t n;

	world_init(&w, "dst-bad", DST);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -ENXIO);
	assert_int_equal(res.failed_side, SIM_DST);
	assert_false(res.src_stopped);
	assert_refused_cleanly(&w, &res);
	sets_of(&res, SIM_SRC, sets, sizeof(sets));
	assert_string_equal(sets, "R>PC PC>R");
	n = sim_mdev_problems(w.dst, &p);
	assert_int_equal(n, 9);
	assert_int_equal(shim_log_grep("target " DST ": migration refused: queue 03.0004: AP type"), 1);
	assert_int_equal(shim_log_grep("control domain 0x0004"), 1);
	assert_int_equal(res.bytes[SIM_SRC][SIM_PHASE_STOPCOPY], 0);
	world_fini(&w, &res);
}

/* Tests the same target without pre-copy: stopped, refused, resumed. */
static void test_incompatible_target_stop_copy(void **state)
{
	struct sim_vmm_opts o = { .precopy = false };
	struct sim_vmm_result res;
	struct world w;
	char sets[512];

	world_init(&w, "dst-bad", DST);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -ENXIO);
	assert_true(res.src_stopped);
	assert_refused_cleanly(&w, &res);
	sets_of(&res, SIM_SRC, sets, sizeof(sets));
	assert_string_equal(sets, "R>RP RP>S S>SC SC>S S>RP RP>R");
	world_fini(&w, &res);
}

struct change_ctx {
	struct world *w;
	int calls;
};

/* (b) hook: a domain leaves the running source guest before stop-copy. */
static void hook_change_source(struct sim_vmm *vmm, void *ctx,
			       enum sim_point point, unsigned int count)
{
	struct change_ctx *c = ctx;

	if (point != SIM_PT_SRC_PRECOPY_DONE)
		return;
	assert_int_equal(sim_mdev_unassign(c->w->src, SIM_DOMAIN, 0x2a), 0);
	/* the administrator changes the prepared destination alike */
	assert_int_equal(sim_mdev_unassign(c->w->dst, SIM_DOMAIN, 0x2a), 0);
	sim_mdev_get(c->w->dst, &c->w->dst_before, &c->w->dst_guest_before);
	c->calls++;
}

/* (b) The destination receives and checks the changed config. */
static void source_changes_before_stop_copy(bool precopy_v2)
{
	struct world w;
	struct change_ctx c = { .w = &w };
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true,
				  .precopy_v2 = precopy_v2,
				  .hook = hook_change_source, .hook_ctx = &c };
	struct sim_vmm_result res;
	struct ap_matrix src_guest;

	world_init(&w, "dst-ok", DST);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(res.status, 0);
	sim_mdev_get(w.src, NULL, &src_guest);	/* the changed guest */
	assert_int_equal(bitmap_weight(src_guest.aqm, 256), 1);
	assert_guest_moved(&w, &src_guest);
	/* stop-copy carried a whole new record, not the short trailer */
	assert_int_equal(res.bytes[SIM_SRC][SIM_PHASE_STOPCOPY],
			 vfio_ap_mig_config_record_size(2));
	world_fini(&w, &res);
}

/* Tests (b) with a VMM as our QEMU series is: no PRECOPY_INFOv2 opt-in. */
static void test_source_changes_before_stop_copy(void **state)
{
	source_changes_before_stop_copy(false);
}

/* Tests (b) with a VMM that opts in to PRECOPY_INFOv2 and honours REINIT. */
static void test_source_changes_before_stop_copy_v2(void **state)
{
	source_changes_before_stop_copy(true);
}

/* (c) hook: after the pre-copy check, a target queue leaves vfio_ap. */
static void hook_change_target(struct sim_vmm *vmm, void *ctx,
			       enum sim_point point, unsigned int count)
{
	struct change_ctx *c = ctx;

	if (point != SIM_PT_SRC_PRECOPY_DONE)
		return;
	assert_int_equal(sim_host_unbind(c->w->dst_host, APQN(0x05, 0x2a)), 0);
	/* a host change, not the migration's: the mdev as it is now */
	sim_mdev_get(c->w->dst, &c->w->dst_before, &c->w->dst_guest_before);
	c->calls++;
}

/*
 * (c) Tests a refusal at RESUMING -> STOP: the generation moved since the
 * write-time check, so it checks again; nothing written, source resumes.
 */
static void test_target_changes_after_check(void **state)
{
	struct world w;
	struct change_ctx c = { .w = &w };
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true,
				  .hook = hook_change_target, .hook_ctx = &c };
	const struct vfio_ap_mig_problem *p;
	struct sim_vmm_result res;
	char sets[512];

	world_init(&w, "dst-ok", DST);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(res.status, -ENXIO);
	assert_int_equal(res.failed_side, SIM_DST);
	assert_true(res.src_stopped);
	assert_refused_cleanly(&w, &res);
	/* vfio_ap took adapter 05 out of the guest: 05.0004 is missing too */
	assert_int_equal(sim_mdev_problems(w.dst, &p), 2);
	assert_int_equal(p[0].what, VFIO_AP_MIG_CHAR_MDEV_QUEUE);
	assert_int_equal(p[0].id, APQN(0x05, 0x04));
	assert_int_equal(p[1].what, VFIO_AP_MIG_CHAR_BINDING);
	assert_int_equal(p[1].id, APQN(0x05, 0x2a));
	assert_int_equal(shim_log_grep("2 problem(s) with the incoming"), 1);
	assert_int_equal(sim_mdev_checks(w.dst), 2);
	sets_of(&res, SIM_DST, sets, sizeof(sets));
	assert_string_equal(sets, "R>RS RS>RP! RESET");
	sets_of(&res, SIM_SRC, sets, sizeof(sets));
	assert_string_equal(sets, "R>PC PC>PP PP>SC SC>SC SC>S S>RP RP>R");
	world_fini(&w, &res);
}

struct reset_ctx {
	enum sim_point at;
	enum sim_side side;
	int resets;
};

static void hook_reset(struct sim_vmm *vmm, void *ctx, enum sim_point point,
		       unsigned int count)
{
	struct reset_ctx *r = ctx;

	if (point != r->at || count != 1)
		return;
	/*
	 * From the source's thread the destination runs on its own: wait
	 * until it is RESUMING, else the reset could land before its session
	 * started and end nothing. It gets there without the source or gives
	 * up and closes its device (then the reset below fails): no time
	 * limit here, a hang is meson's timeout to report.
	 */
	while (r->side == SIM_DST && point < SIM_PT_DST_SETUP_DONE &&
	       sim_vmm_devfd(vmm, SIM_DST) >= 0 &&
	       sim_mdev_state(sim_vmm_mdev(vmm, SIM_DST)) != VFIO_DEVICE_STATE_RESUMING)
		usleep(1000);
	assert_int_equal(sim_vmm_reset(vmm, r->side), 0);
	r->resets++;
}

/* (d) Tests a device reset in the middle of each phase, on each side. */
static void test_reset_mid_phase(void **state)
{
	static const struct { enum sim_point at; enum sim_side side; } cases[] = {
		{ SIM_PT_SRC_SETUP_DONE, SIM_SRC },
		{ SIM_PT_SRC_PRECOPY_CHUNK, SIM_SRC },
		{ SIM_PT_SRC_STOPPED, SIM_SRC },
		{ SIM_PT_SRC_STOPCOPY_CHUNK, SIM_SRC },
		{ SIM_PT_DST_SETUP_DONE, SIM_DST },
		{ SIM_PT_DST_CHUNK, SIM_DST },
		{ SIM_PT_SRC_PRECOPY_CHUNK, SIM_DST },
		{ SIM_PT_SRC_STOPPED, SIM_DST },
	};
	size_t i;
	int pre;

	for (pre = 0; pre < 2; pre++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct reset_ctx r = { .at = cases[i].at, .side = cases[i].side };
			struct sim_vmm_opts o = { .precopy = pre, .switchover_ack = pre,
						  .src_buf = 64, .dst_buf = 64,
						  .hook = hook_reset, .hook_ctx = &r };
			struct sim_vmm_result res;
			struct world w;

			/*
			 * Without pre-copy the source has no session before
			 * STOP_COPY: a reset there ends nothing and the
			 * migration rightly goes on (checked below).
			 */
			if (!pre && (cases[i].at == SIM_PT_SRC_PRECOPY_CHUNK ||
				     (cases[i].side == SIM_SRC &&
				      (cases[i].at == SIM_PT_SRC_SETUP_DONE ||
				       cases[i].at == SIM_PT_SRC_STOPPED))))
				continue;
			world_init(&w, "dst-ok", DST);
			assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
			if (r.resets != 1)
				fail_msg("precopy %d: %s on the %s: hook ran %d times",
					 pre, sim_point_name(r.at),
					 sim_side_name(r.side), r.resets);
			if (res.status == 0)
				fail_msg("precopy %d: reset of the %s at %s: migrated",
					 pre, sim_side_name(r.side),
					 sim_point_name(r.at));
			assert_refused_cleanly(&w, &res);
			world_fini(&w, &res);
		}
	}
}

/* Tests TAPQ failing on the source: saving cannot start, guest runs on. */
static void test_tapq_fails_on_source(void **state)
{
	struct sim_vmm_opts o = { .precopy = true };
	struct sim_vmm_result res;
	struct world w;
	char sets[256];

	world_init(&w, "dst-ok", DST);
	sim_host_fail_tapq(w.src_host, APQN(0x05, 0x04), -EIO);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -EIO);
	assert_int_equal(res.failed_side, SIM_SRC);
	assert_false(res.src_stopped);
	assert_true(res.src_running);
	/* RUNNING -> PRE_COPY only: the data size query asks no hardware */
	assert_int_equal(shim_log_grep("cannot read queue 05.0004"), 1);
	sets_of(&res, SIM_SRC, sets, sizeof(sets));
	assert_string_equal(sets, "R>PC! R>R R>R");
	assert_dst_untouched(&w);
	world_fini(&w, &res);
}

/* Tests TAPQ on the target: a queue answering Q_NOT_AVAIL, then an error. */
static void test_tapq_fails_on_target(void **state)
{
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true };
	const struct vfio_ap_mig_problem *p;
	struct sim_vmm_result res;
	struct world w;

	world_init(&w, "dst-ok", DST);
	sim_host_fail_tapq(w.dst_host, APQN(0x03, 0x2a), -ENODEV);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -ENXIO);
	assert_refused_cleanly(&w, &res);
	assert_int_equal(sim_mdev_problems(w.dst, &p), 1);
	assert_int_equal(p[0].what, VFIO_AP_MIG_CHAR_EXISTS);
	assert_int_equal(p[0].id, APQN(0x03, 0x2a));
	world_fini(&w, &res);

	world_init(&w, "dst-ok", DST);
	sim_host_fail_tapq(w.dst_host, APQN(0x03, 0x2a), -EIO);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -EIO);
	assert_refused_cleanly(&w, &res);
	world_fini(&w, &res);
}

/* Tests the one-shot TAPQ knob: only the N-th TAPQ from now fails. */
static void test_tapq_fail_nth(void **state)
{
	struct vfio_ap_mig_config cfg;
	struct world w;
	unsigned long before;

	world_init(&w, "dst-ok", DST);
	before = sim_host_tapq_calls(w.src_host);
	sim_host_fail_tapq_nth(w.src_host, 3, -EIO);
	assert_int_equal(sim_mdev_guest_config(w.src, &cfg), -EIO);	/* 3rd of 4 */
	assert_int_equal(sim_host_tapq_calls(w.src_host), before + 3);
	assert_int_equal(sim_mdev_guest_config(w.src, &cfg), 0);	/* disarmed */
	assert_int_equal(cfg.nr_queues, 4);
	vfio_ap_mig_config_free(&cfg);
	sim_host_fail_tapq_nth(w.src_host, 1, -EIO);
	sim_host_fail_tapq_nth(w.src_host, 0, 0);
	assert_int_equal(sim_mdev_guest_config(w.src, &cfg), 0);
	vfio_ap_mig_config_free(&cfg);
	sim_host_free(w.src_host);
	sim_host_free(w.dst_host);
}

/* Tests Secure Execution on either side: -EPERM, one line, nothing moves. */
static void test_secure_execution(void **state)
{
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true };
	struct sim_vmm_result res;
	struct world w;

	world_init(&w, "dst-ok", DST);
	sim_mdev_set_protected(w.src, true);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -EPERM);
	assert_false(res.src_stopped);
	assert_refused_cleanly(&w, &res);
	assert_int_equal(shim_log_grep("Secure Execution"), 1);
	world_fini(&w, &res);

	world_init(&w, "dst-ok", DST);
	sim_host_set_se_guest(w.dst_host, true);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -EPERM);
	assert_int_equal(res.failed_side, SIM_DST);
	assert_refused_cleanly(&w, &res);
	world_fini(&w, &res);
}

struct problem_set {
	int n;
	struct vfio_ap_mig_problem p[64];
};

static void collect(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct problem_set *s = ctx;

	if (s->n < 64)
		s->p[s->n++] = *p;
}

/* Tests that the tool's check (library) and the driver reach one verdict. */
static void test_same_verdict_as_check(void **state)
{
	static const char *const targets[] = { "dst-ok", "dst-bad" };
	struct sim_vmm_opts o = { .precopy = true, .switchover_ack = true };
	struct apmig_error err = {};
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_config cfg;
	const struct vfio_ap_mig_problem *p;
	struct problem_set tool;
	struct apmig_host *s, *t;
	struct sim_vmm_result res;
	struct world w;
	char path[512];
	size_t i;
	int k;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/src-a", FIXTURES);
		assert_int_equal(apmig_host_load(&s, path, &err), 0);
		snprintf(path, sizeof(path), "%s/%s", FIXTURES, targets[i]);
		assert_int_equal(apmig_host_load(&t, path, &err), 0);
		assert_int_equal(apmig_host_guest_config(s, apmig_host_mdev(s, SRC_GUEST),
							 &cfg, &err), 0);
		apmig_host_target(t, DST, &tgt);
		tool.n = 0;
		assert_true(vfio_ap_mig_check(&cfg, &tgt, collect, &tool) >= 0);
		vfio_ap_mig_config_free(&cfg);
		apmig_host_free(s);
		apmig_host_free(t);

		world_init(&w, targets[i], DST);
		assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
		assert_int_equal(sim_mdev_problems(w.dst, &p), (size_t)tool.n);
		for (k = 0; k < tool.n; k++) {
			assert_int_equal(p[k].what, tool.p[k].what);
			assert_int_equal(p[k].id, tool.p[k].id);
			assert_int_equal(p[k].source, tool.p[k].source);
			assert_int_equal(p[k].target, tool.p[k].target);
		}
		assert_int_equal(res.status == 0, tool.n == 0);
		world_fini(&w, &res);
	}
}

/*
 * Tests that the driver's snapshot of each fixture guest (the simulator's
 * shadow APCB, TAPQ) is the library's guest configuration, guest or not.
 */
static void test_guest_config_same_as_library(void **state)
{
	static const char *const hosts[] = {
		FIXTURES "/src-a", FIXTURES "/dst-ok", FIXTURES "/dst-bad",
		FIXTURES_CLI "/cli-src", FIXTURES_CLI "/cli-dst-ok",
		FIXTURES_CLI "/cli-dst-diff",
	};
	struct vfio_ap_mig_config lib, drv;
	struct apmig_error err = {};
	struct apmig_host *tree;
	struct sim_host *h;
	size_t i, k, mdevs = 0;
	u32 q;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		if (sim_host_load(&h, "source", hosts[i], &err))
			fail_msg("loading %s: %s", hosts[i], err.msg);
		tree = (struct apmig_host *)sim_host_tree(h);
		for (k = 0; k < tree->nr_mdevs; k++, mdevs++) {
			const char *uuid = tree->mdevs[k].uuid;

			if (apmig_host_guest_config(tree, &tree->mdevs[k], &lib, &err))
				fail_msg("%s %s: %s", hosts[i], uuid, err.msg);
			assert_int_equal(sim_mdev_guest_config(sim_host_mdev(h, uuid),
							       &drv), 0);
			assert_true(bitmap_equal(lib.apm, drv.apm, 256));
			assert_true(bitmap_equal(lib.aqm, drv.aqm, 256));
			assert_true(bitmap_equal(lib.adm, drv.adm, 256));
			assert_int_equal(lib.nr_queues, drv.nr_queues);
			for (q = 0; q < lib.nr_queues; q++) {
				assert_int_equal(lib.queues[q].apqn, drv.queues[q].apqn);
				assert_int_equal(lib.queues[q].gr2, drv.queues[q].gr2);
			}
			vfio_ap_mig_config_free(&lib);
			vfio_ap_mig_config_free(&drv);
		}
		sim_host_free(h);
	}
	assert_true(mdevs >= 10);
}

/*
 * Tests one verdict from the library and the driver when a queue another
 * mdev holds is not bound to vfio_ap: its owner is named whatever its
 * binding (the other mdev's assignment), and the binding too.
 */
static void test_same_verdict_unbound_owner(void **state)
{
	struct sim_vmm_opts o = { .precopy = true };
	const struct vfio_ap_mig_problem *p;
	struct apmig_error err = {};
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_config cfg;
	struct problem_set tool = { 0 };
	struct apmig_host *s, *t;
	struct sim_vmm_result res;
	struct world w;
	char path[512];
	int k;

	snprintf(path, sizeof(path), "%s/src-a", FIXTURES);
	assert_int_equal(apmig_host_load(&s, path, &err), 0);
	snprintf(path, sizeof(path), "%s/dst-bad", FIXTURES);
	assert_int_equal(apmig_host_load(&t, path, &err), 0);
	/* 05.0004 of DST_OTHER, unbound as 'echo ... > unbind' would */
	assert_int_equal(t->queues[APQN(0x05, 0x04)]->mdev,
			 apmig_host_mdev(t, DST_OTHER) - t->mdevs);
	t->queues[APQN(0x05, 0x04)]->driver = APMIG_DRV_CEX4QUEUE;
	assert_int_equal(apmig_host_guest_config(s, apmig_host_mdev(s, SRC_GUEST),
						 &cfg, &err), 0);
	apmig_host_target(t, DST, &tgt);
	assert_true(vfio_ap_mig_check(&cfg, &tgt, collect, &tool) > 0);
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(s);
	apmig_host_free(t);

	world_init(&w, "dst-bad", DST);
	assert_int_equal(sim_host_unbind(w.dst_host, APQN(0x05, 0x04)), 0);
	assert_int_equal(sim_vmm_migrate(w.src, w.dst, &o, &res), 0);
	assert_int_equal(res.status, -ENXIO);
	assert_int_equal(sim_mdev_problems(w.dst, &p), (size_t)tool.n);
	for (k = 0; k < tool.n; k++) {
		assert_int_equal(p[k].what, tool.p[k].what);
		assert_int_equal(p[k].id, tool.p[k].id);
		assert_int_equal(p[k].source, tool.p[k].source);
		assert_int_equal(p[k].target, tool.p[k].target);
	}
	assert_int_equal(shim_log_grep("queue 05.0004: binding"), 1);
	assert_int_equal(shim_log_grep("queue 05.0004: owner"), 1);
	world_fini(&w, &res);
}

/*
 * Tests the guest's APCB through host changes as vfio_ap keeps it: filters
 * run when something is added, removals only clear, so an adapter left out
 * stays out until a filter runs again.
 */
static void test_shadow_apcb_history(void **state)
{
	struct sim_host *h = load("dst-ok", "target");
	struct sim_mdev *m = sim_host_mdev(h, DST);
	struct ap_matrix assigned, guest;

	/* the idle mdev's guest: control domain 0004, which the host has */
	sim_mdev_get(m, NULL, &guest);
	assert_true(test_bit_inv(0x04, guest.adm));
	/* an unbound queue takes adapter 03 out; unassigning its domain
	 * does not bring the adapter back */
	assert_int_equal(sim_host_unbind(h, APQN(0x03, 0x2a)), 0);
	assert_int_equal(sim_mdev_unassign(m, SIM_DOMAIN, 0x2a), 0);
	sim_mdev_get(m, &assigned, &guest);
	assert_true(test_bit_inv(0x03, assigned.apm));
	assert_false(test_bit_inv(0x03, guest.apm));
	assert_false(test_bit_inv(0x2a, guest.aqm));
	/* assigning adapter 07 filters again: 03 x 0004 is all bound now */
	assert_int_equal(sim_mdev_assign(m, SIM_ADAPTER, 0x07), 0);
	sim_mdev_get(m, NULL, &guest);
	assert_true(test_bit_inv(0x03, guest.apm));
	assert_true(test_bit_inv(0x05, guest.apm));
	assert_true(test_bit_inv(0x07, guest.apm));
	/* domain 002a back: 03.002a is still unbound, 03 goes again */
	assert_int_equal(sim_mdev_assign(m, SIM_DOMAIN, 0x2a), 0);
	sim_mdev_get(m, NULL, &guest);
	assert_false(test_bit_inv(0x03, guest.apm));
	assert_true(test_bit_inv(0x05, guest.apm));
	assert_int_equal(sim_host_bind(h, APQN(0x03, 0x2a)), 0);
	sim_mdev_get(m, NULL, &guest);
	assert_true(test_bit_inv(0x03, guest.apm));
	assert_true(test_bit_inv(0x2a, guest.aqm));
	/* control domains: only those of the host reach the guest */
	assert_int_equal(sim_mdev_assign(m, SIM_CONTROL_DOMAIN, 0x40), 0);
	assert_int_equal(sim_mdev_assign(m, SIM_CONTROL_DOMAIN, 0x2a), 0);
	sim_mdev_get(m, &assigned, &guest);
	assert_true(test_bit_inv(0x40, assigned.adm));
	assert_false(test_bit_inv(0x40, guest.adm));
	assert_true(test_bit_inv(0x2a, guest.adm));
	assert_int_equal(sim_mdev_unassign(m, SIM_CONTROL_DOMAIN, 0x2a), 0);
	sim_mdev_get(m, NULL, &guest);
	assert_false(test_bit_inv(0x2a, guest.adm));
	assert_true(test_bit_inv(0x04, guest.adm));
	sim_host_free(h);
}

/* Tests the host changes themselves: bindings filter the guest, sharing. */
static void test_host_changes(void **state)
{
	struct ap_matrix assigned, guest;
	struct sim_host *h = load("dst-ok", "target");
	struct sim_mdev *m = sim_host_mdev(h, DST), *spare = sim_host_mdev(h, DST_SPARE);

	assert_non_null(m);
	assert_non_null(spare);
	sim_mdev_get(m, &assigned, &guest);
	assert_true(test_bit_inv(0x03, guest.apm));
	/* an unbound queue takes its whole adapter out of the guest */
	assert_int_equal(sim_host_unbind(h, APQN(0x03, 0x2a)), 0);
	assert_int_equal(sim_host_unbind(h, APQN(0x03, 0x2a)), -EALREADY);
	sim_mdev_get(m, &assigned, &guest);
	assert_true(test_bit_inv(0x03, assigned.apm));
	assert_false(test_bit_inv(0x03, guest.apm));
	assert_int_equal(sim_host_bind(h, APQN(0x03, 0x2a)), 0);
	sim_mdev_get(m, NULL, &guest);
	assert_true(test_bit_inv(0x03, guest.apm));
	/* 03.0033 belongs to the host's drivers (apmask, aqmask) */
	assert_int_equal(sim_mdev_assign(spare, SIM_ADAPTER, 0x03), -EADDRNOTAVAIL);
	/* an APQN already assigned elsewhere cannot be assigned again */
	assert_int_equal(sim_host_create_mdev(h, NEW_UUID, &spare), 0);
	assert_int_equal(sim_host_create_mdev(h, NEW_UUID, NULL), -EEXIST);
	assert_int_equal(sim_mdev_assign(spare, SIM_DOMAIN, 0x04), 0);
	assert_int_equal(sim_mdev_assign(spare, SIM_ADAPTER, 0x03), -EADDRINUSE);
	assert_int_equal(sim_mdev_assign(spare, SIM_ADAPTER, 0x05), -EADDRINUSE);
	assert_int_equal(sim_mdev_assign(spare, SIM_ADAPTER, 0x07), 0);
	sim_mdev_get(spare, &assigned, &guest);
	assert_true(test_bit_inv(0x07, guest.apm));
	assert_int_equal(sim_mdev_assign(m, SIM_CONTROL_DOMAIN, 0x2a), 0);
	assert_int_equal(sim_mdev_assign(m, SIM_ADAPTER, 300), -ENODEV);
	assert_int_equal(sim_host_unbind(h, APQN(0x42, 0x04)), -ENODEV);
	sim_host_free(h);
}

/* Encode @cfg as one FINAL record: what a VMM may write, whatever it is. */
static size_t encode_stream(const struct vfio_ap_mig_config *cfg, u8 *buf, size_t max)
{
	ssize_t n = vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL, buf, max);

	assert_true(n > 0);
	return n;
}

/* The destination mdev's own guest configuration, plus @apid and @cdom. */
static void widen(struct sim_mdev *m, int apid, int cdom,
		  struct vfio_ap_mig_config *out)
{
	struct vfio_ap_mig_config base;
	u32 i;

	assert_int_equal(sim_mdev_guest_config(m, &base), 0);
	memset(out, 0, sizeof(*out));
	bitmap_copy(out->apm, base.apm, 256);
	bitmap_copy(out->aqm, base.aqm, 256);
	bitmap_copy(out->adm, base.adm, 256);
	if (apid >= 0)
		set_bit_inv(apid, out->apm);
	if (cdom >= 0)
		set_bit_inv(cdom, out->adm);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(out), 0);
	for (i = 0; i < out->nr_queues; i++)
		out->queues[i].gr2 = base.queues[0].gr2;
	vfio_ap_mig_config_free(&base);
}

/*
 * Tests that a resume stream cannot widen the destination: naming a free
 * vfio_ap-bound queue of the host (07.0004, 07.002a) or a host control
 * domain the mdev does not have (0x2a) is refused at write() with -ENXIO,
 * RESUMING -> STOP forced anyway fails into ERROR, and the mdev's
 * assignment and its guest's APCB are unchanged, byte for byte.
 */
static void test_stream_cannot_widen_destination(void **state)
{
	static const struct { int apid, cdom; enum vfio_ap_mig_char what; } cases[] = {
		{ 0x07, -1, VFIO_AP_MIG_CHAR_MDEV_QUEUE },
		{ -1, 0x2a, VFIO_AP_MIG_CHAR_CONTROL_DOMAIN },
		{ 0x07, 0x2a, VFIO_AP_MIG_CHAR_MDEV_QUEUE },
	};
	struct ap_matrix assigned, guest, assigned2, guest2;
	const struct vfio_ap_mig_problem *p;
	struct vfio_ap_mig_config cfg;
	enum vfio_device_mig_state st;
	struct sim_host *h;
	struct sim_mdev *m;
	u8 buf[4096];
	size_t len, i, n;
	int devfd, fd;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h = load("dst-ok", "target");
		m = sim_host_mdev(h, DST);
		/* 07.0004 and 07.002a are bound to vfio_ap and nobody's; 07.0033 is the host's */
		assert_int_equal(sim_mdev_assign(sim_host_mdev(h, DST_SPARE),
						 SIM_ADAPTER, 0x07), -EADDRNOTAVAIL);
		widen(m, cases[i].apid, cases[i].cdom, &cfg);
		len = encode_stream(&cfg, buf, sizeof(buf));
		vfio_ap_mig_config_free(&cfg);
		sim_mdev_get(m, &assigned, &guest);
		devfd = sim_mdev_open(m);
		assert_true(devfd >= 0);
		assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_RESUMING, &fd), 0);
		shim_log_clear();
		assert_int_equal(shim_sys_write(fd, buf, len), -1);
		assert_int_equal(errno, ENXIO);
		n = sim_mdev_problems(m, &p);
		assert_true(n >= 1);
		assert_int_equal(p[0].what, cases[i].what);
		assert_int_equal(shim_log_grep("migration refused"), (int)n + 1);
		/* a VMM that goes on anyway */
		assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_STOP, NULL),
				 -ENXIO);
		assert_int_equal(shim_vfio_get_state(devfd, &st), 0);
		assert_int_equal(st, VFIO_DEVICE_STATE_ERROR);
		sim_mdev_get(m, &assigned2, &guest2);
		assert_memory_equal(&assigned, &assigned2, sizeof(assigned));
		assert_memory_equal(&guest, &guest2, sizeof(guest));
		shim_sys_close(fd);
		sim_mdev_close(m, devfd);
		sim_host_free(h);
	}
	assert_int_equal(shim_fd_count(), 0);
}

/* Tests that each host change bumps the affected mdev's cfg_generation. */
static void test_host_changes_bump_generation(void **state)
{
	struct sim_host *h = load("dst-ok", "target");
	struct sim_mdev *m = sim_host_mdev(h, DST), *spare = sim_host_mdev(h, DST_SPARE);
	u64 g = sim_mdev_generation(m), gs = sim_mdev_generation(spare);
	int devfd;

#define BUMPED(mdev, was) ({ u64 __n = sim_mdev_generation(mdev); \
			     bool __b = __n > (was); (was) = __n; __b; })
	assert_int_equal(sim_host_unbind(h, APQN(0x03, 0x2a)), 0);	/* remove */
	assert_true(BUMPED(m, g));
	assert_false(BUMPED(spare, gs));
	assert_int_equal(sim_host_bind(h, APQN(0x03, 0x2a)), 0);	/* probe */
	assert_true(BUMPED(m, g));
	assert_int_equal(sim_mdev_unassign(m, SIM_DOMAIN, 0x2a), 0);
	assert_true(BUMPED(m, g));
	assert_int_equal(sim_mdev_assign(m, SIM_DOMAIN, 0x2a), 0);
	assert_true(BUMPED(m, g));
	assert_int_equal(sim_mdev_assign(m, SIM_CONTROL_DOMAIN, 0x2a), 0);
	assert_true(BUMPED(m, g));
	assert_int_equal(sim_mdev_unassign(m, SIM_CONTROL_DOMAIN, 0x2a), 0);
	assert_true(BUMPED(m, g));
	assert_int_equal(sim_mdev_assign(m, SIM_ADAPTER, 0x07), 0);
	assert_true(BUMPED(m, g));
	/* a refused assignment changes nothing */
	assert_int_equal(sim_mdev_assign(spare, SIM_ADAPTER, 0x03), -EADDRNOTAVAIL);
	assert_false(BUMPED(spare, gs));
	/* the host's AP configuration loses adapter 05: filtered out */
	assert_int_equal(sim_host_configure(h, SIM_ADAPTER, 0x05, false), 0);
	assert_true(BUMPED(m, g));
	assert_int_equal(sim_host_configure(h, SIM_ADAPTER, 0x05, true), 0);
	assert_true(BUMPED(m, g));
	assert_int_equal(sim_host_configure(h, SIM_CONTROL_DOMAIN, 0x04, false), 0);
	assert_true(BUMPED(m, g));
	/* a reset of the device's queues */
	devfd = sim_mdev_open(m);
	assert_true(devfd >= 0);
	assert_int_equal(shim_vfio_reset(devfd), 0);
	assert_true(BUMPED(m, g));
	sim_mdev_close(m, devfd);
	/* a TAPQ answer alone is not a vfio_ap event */
	assert_int_equal(sim_host_set_qstate(h, APQN(0x03, 0x04), SIM_Q_CHECKSTOPPED), 0);
	assert_false(BUMPED(m, g));
#undef BUMPED
	sim_host_free(h);
}

/* The whole stream of the source guest on src-a, with or without pre-copy. */
static size_t save_src(struct world *w, u8 *buf, size_t max)
{
	int devfd = sim_mdev_open(w->src), fd;
	size_t len = 0;
	ssize_t n;

	assert_true(devfd >= 0);
	assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_STOP_COPY, &fd), 0);
	while ((n = shim_sys_read(fd, buf + len, max - len)) > 0)
		len += n;
	assert_int_equal(n, 0);
	shim_sys_close(fd);
	sim_mdev_close(w->src, devfd);
	return len;
}

/*
 * Tests RESUMING -> STOP: no TAPQ when the destination's generation did not
 * move since the write-time check; a change that raced in between makes it
 * check again, and refuse.
 */
static void test_resume_stop_by_generation(void **state)
{
	enum vfio_device_mig_state st;
	struct sim_vmm_result res = {};
	unsigned long calls;
	struct world w;
	u8 buf[4096];
	size_t len;
	int devfd, fd, raced;

	for (raced = 0; raced < 2; raced++) {
		world_init(&w, "dst-ok", DST);
		len = save_src(&w, buf, sizeof(buf));
		devfd = sim_mdev_open(w.dst);
		assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_RESUMING, &fd), 0);
		calls = sim_host_tapq_calls(w.dst_host);
		assert_int_equal(shim_sys_write(fd, buf, len), (ssize_t)len);
		assert_int_equal(sim_host_tapq_calls(w.dst_host) - calls, 4);
		assert_int_equal(sim_mdev_checks(w.dst), 1);
		if (raced) {
			assert_int_equal(sim_host_unbind(w.dst_host, APQN(0x03, 0x04)), 0);
			sim_mdev_get(w.dst, &w.dst_before, &w.dst_guest_before);
		}
		calls = sim_host_tapq_calls(w.dst_host);
		assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_STOP, NULL),
				 raced ? -ENXIO : 0);
		assert_int_equal(sim_host_tapq_calls(w.dst_host) - calls, raced ? 4 : 0);
		assert_int_equal(sim_mdev_checks(w.dst), raced ? 2 : 1);
		assert_int_equal(shim_vfio_get_state(devfd, &st), 0);
		assert_int_equal(st, raced ? VFIO_DEVICE_STATE_ERROR : VFIO_DEVICE_STATE_STOP);
		assert_dst_untouched(&w);
		shim_sys_close(fd);
		sim_mdev_close(w.dst, devfd);
		world_fini(&w, &res);
	}
}

/*
 * Tests PRE_COPY_P2P -> STOP_COPY on the source: with the generation
 * unchanged, no TAPQ and the 28-byte UNCHANGED record; a change before it
 * sends the whole record. MIG_DATA_SIZE says so exactly beforehand, and
 * does not fail while every TAPQ would.
 */
static void test_stop_copy_by_generation(void **state)
{
	struct sim_vmm_result res = {};
	unsigned long calls;
	struct world w;
	u8 buf[4096];
	u64 size, want;
	size_t len, tail;
	ssize_t n;
	int devfd, fd, changed;

	for (changed = 0; changed < 2; changed++) {
		world_init(&w, "dst-ok", DST);
		devfd = sim_mdev_open(w.src);
		assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_PRE_COPY_P2P, &fd), 0);
		len = 0;
		while ((n = shim_sys_read(fd, buf + len, sizeof(buf) - len)) > 0)
			len += n;
		assert_int_equal(errno, ENOMSG);
		if (changed)
			assert_int_equal(sim_mdev_unassign(w.src, SIM_DOMAIN, 0x2a), 0);
		want = changed ? vfio_ap_mig_config_record_size(2) :
				 VFIO_AP_MIG_UNCHANGED_RECORD_SIZE;
		sim_host_fail_tapq(w.src_host, APQN(0x03, 0x04), -EIO);
		calls = sim_host_tapq_calls(w.src_host);
		assert_int_equal(shim_vfio_get_data_size(devfd, &size), 0);
		assert_int_equal(size, want);
		assert_int_equal(sim_host_tapq_calls(w.src_host), calls);
		sim_host_fail_tapq(w.src_host, -1, 0);
		assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_STOP_COPY, NULL), 0);
		assert_int_equal(sim_host_tapq_calls(w.src_host) - calls, changed ? 2 : 0);
		tail = 0;
		while ((n = shim_sys_read(fd, buf + len + tail, sizeof(buf) - len - tail)) > 0)
			tail += n;
		assert_int_equal(n, 0);
		assert_int_equal(tail, want);
		assert_int_equal(VFIO_AP_MIG_UNCHANGED_RECORD_SIZE, 28);
		shim_sys_close(fd);
		sim_mdev_close(w.src, devfd);
		world_fini(&w, &res);
	}
}

/* After a failed test: close what it left open so the next ones run. */
static int teardown(void **state)
{
	int fd;

	for (fd = 1000; shim_fd_count() && fd < 2024; fd++)
		shim_sys_close(fd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_migrate_precopy_switchover_ack, teardown),
		cmocka_unit_test_teardown(test_migrate_without_precopy_chunked, teardown),
		cmocka_unit_test_teardown(test_migrate_into_new_mdev, teardown),
		cmocka_unit_test_teardown(test_incompatible_target_precopy, teardown),
		cmocka_unit_test_teardown(test_incompatible_target_stop_copy, teardown),
		cmocka_unit_test_teardown(test_source_changes_before_stop_copy, teardown),
		cmocka_unit_test_teardown(test_source_changes_before_stop_copy_v2, teardown),
		cmocka_unit_test_teardown(test_target_changes_after_check, teardown),
		cmocka_unit_test_teardown(test_reset_mid_phase, teardown),
		cmocka_unit_test_teardown(test_tapq_fails_on_source, teardown),
		cmocka_unit_test_teardown(test_tapq_fails_on_target, teardown),
		cmocka_unit_test_teardown(test_tapq_fail_nth, teardown),
		cmocka_unit_test_teardown(test_secure_execution, teardown),
		cmocka_unit_test_teardown(test_same_verdict_as_check, teardown),
		cmocka_unit_test_teardown(test_host_changes, teardown),
		cmocka_unit_test_teardown(test_stream_cannot_widen_destination, teardown),
		cmocka_unit_test_teardown(test_host_changes_bump_generation, teardown),
		cmocka_unit_test_teardown(test_resume_stop_by_generation, teardown),
		cmocka_unit_test_teardown(test_stop_copy_by_generation, teardown),
		cmocka_unit_test_teardown(test_guest_config_same_as_library, teardown),
		cmocka_unit_test_teardown(test_same_verdict_unbound_owner, teardown),
		cmocka_unit_test_teardown(test_shadow_apcb_history, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
