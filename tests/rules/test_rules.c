// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the compatibility rules (vfio_ap_mig_rules.c) compiled
 * unchanged against shim/: every rule accepted and refused, guest-visible
 * changes, the target mdev's queues and control domains missing and extra,
 * several problems in one pass, boundaries and lookup errors; and the
 * tool's --json keys of the codes (lib/apmig_codes.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bitops.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_codes.h"

/* A CEX8 in CCA mode with the usual facilities, full native, bs 0. */
#define GR2_CEX8_CCA	(VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_AP4KM | \
			 VFIO_AP_MIG_GR2_AP4KC | VFIO_AP_MIG_GR2_CCA | \
			 VFIO_AP_MIG_GR2_APXA | VFIO_AP_MIG_GR2_SLCF | \
			 ((u64)VFIO_AP_MIG_CLASS_FULL_NATIVE << \
			  VFIO_AP_MIG_GR2_CLASS_SHIFT) | \
			 (14ULL << VFIO_AP_MIG_GR2_AT_SHIFT))

#define MAX_PROBLEMS 8192

/* The fake target host: one answer per APQN, a fault knob, a call count. */
struct fake_target {
	struct vfio_ap_mig_target_queue q[VFIO_AP_MIG_MAX_QUEUES];
	unsigned long lookups;
	int fail_apqn;			/* -1: never fail */
	int fail_rc;
};

/* What the rules reported, in order. */
struct recorder {
	struct vfio_ap_mig_problem p[MAX_PROBLEMS];
	unsigned long n;
};

struct fixture {
	struct fake_target *tgt_host;
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_config src;
	struct recorder *rec;
};

static int fake_lookup(void *ctx, u16 apqn, struct vfio_ap_mig_target_queue *tq)
{
	struct fake_target *t = ctx;

	t->lookups++;
	if (t->fail_apqn == apqn)
		return t->fail_rc;
	*tq = t->q[apqn];
	return 0;
}

static void record(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct recorder *r = ctx;

	if (r->n < MAX_PROBLEMS)
		r->p[r->n] = *p;
	r->n++;
}

/* Build the source config of apm x aqm directly (no codec needed). */
static void src_build(struct vfio_ap_mig_config *cfg, const int *apids,
		      int nap, const int *apqis, int naq, u64 gr2)
{
	int i, j, k = 0;

	free(cfg->queues);
	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < nap; i++)
		set_bit_inv(apids[i], cfg->apm);
	for (j = 0; j < naq; j++)
		set_bit_inv(apqis[j], cfg->aqm);
	cfg->nr_queues = nap * naq;
	cfg->queues = calloc(cfg->nr_queues ? cfg->nr_queues : 1,
			     sizeof(*cfg->queues));
	assert_non_null(cfg->queues);
	/* ascending APQN order, as the codec produces */
	for (i = 0; i < VFIO_AP_MIG_IDS; i++) {
		if (!test_bit_inv(i, cfg->apm))
			continue;
		for (j = 0; j < VFIO_AP_MIG_IDS; j++) {
			if (!test_bit_inv(j, cfg->aqm))
				continue;
			cfg->queues[k].apqn = VFIO_AP_MIG_APQN(i, j);
			cfg->queues[k].gr2 = gr2 & VFIO_AP_MIG_GR2_MASK;
			k++;
		}
	}
}

/*
 * Make every APQN of @cfg present, bound and free on the target with @gr2,
 * and the target mdev give exactly the source guest's configuration.
 */
static void tgt_mirror(struct fixture *f, u64 gr2)
{
	u32 i;

	memcpy(f->tgt.apm, f->src.apm, sizeof(f->tgt.apm));
	memcpy(f->tgt.aqm, f->src.aqm, sizeof(f->tgt.aqm));
	memcpy(f->tgt.adm, f->src.adm, sizeof(f->tgt.adm));

	for (i = 0; i < f->src.nr_queues; i++) {
		struct vfio_ap_mig_target_queue *tq =
			&f->tgt_host->q[f->src.queues[i].apqn];

		tq->exists = true;
		tq->bound = true;
		tq->in_use = false;
		tq->unconfigured = false;
		tq->checkstopped = false;
		tq->gr2 = gr2;
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->tgt_host = calloc(1, sizeof(*f->tgt_host));
	f->rec = calloc(1, sizeof(*f->rec));
	if (!f->tgt_host || !f->rec)
		return -1;
	f->tgt_host->fail_apqn = -1;
	f->tgt.lookup = fake_lookup;
	f->tgt.ctx = f->tgt_host;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->src.queues);
	free(f->tgt_host);
	free(f->rec);
	free(f);
	return 0;
}

/* Run the check again with an empty recorder; returns its result. */
static int recheck(struct fixture *f)
{
	f->rec->n = 0;
	return vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec);
}

/* One queue 03.0004 with @src_gr2 on the source and @tgt_gr2 on the target. */
static int check_one(struct fixture *f, u64 src_gr2, u64 tgt_gr2)
{
	static const int apid[] = { 3 }, apqi[] = { 4 };

	src_build(&f->src, apid, 1, apqi, 1, src_gr2);
	tgt_mirror(f, tgt_gr2);
	return recheck(f);
}

static void assert_report(const struct vfio_ap_mig_problem *p,
			  enum vfio_ap_mig_char what, u16 id, u64 source,
			  u64 target, bool change)
{
	assert_int_equal(p->what, what);
	assert_int_equal(p->id, id);
	assert_int_equal(p->source, source);
	assert_int_equal(p->target, target);
	assert_int_equal(p->change, change);
}

#define assert_problem(p, what, id, source, target) \
	assert_report(p, what, id, source, target, false)
/* A guest-visible change: reported like a problem, flagged, not counted. */
#define assert_change(p, what, id, source, target) \
	assert_report(p, what, id, source, target, true)

static const char *fmt(const struct vfio_ap_mig_problem *p)
{
	static char buf[256];

	vfio_ap_mig_format_problem(p, buf, sizeof(buf));
	return buf;
}

/* Tests that identical hardware on both sides gives no problem. */
static void test_check_identical_compatible(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_one(f, GR2_CEX8_CCA, GR2_CEX8_CCA), 0);
	assert_int_equal(f->rec->n, 0);
	assert_int_equal(f->tgt_host->lookups, 1);
}

/* Tests that a missing queue is one EXISTS problem and nothing else. */
static void test_check_exists_refused(void **state)
{
	struct fixture *f = *state;

	check_one(f, GR2_CEX8_CCA, 0);
	f->tgt_host->q[0x0304].exists = false;
	f->tgt_host->q[0x0304].bound = false;
	f->tgt_host->q[0x0304].in_use = true;
	assert_int_equal(recheck(f), 1);
	assert_int_equal(f->rec->n, 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_EXISTS, 0x0304, 1, 0);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: presence: in the source guest, does not exist on target");
}

/* Tests that a queue whose adapter or domain is deconfigured is refused. */
static void test_check_configured(void **state)
{
	struct fixture *f = *state;
	unsigned long apm[BITS_TO_LONGS(VFIO_AP_MIG_IDS)] = { 0 };
	unsigned long aqm[BITS_TO_LONGS(VFIO_AP_MIG_IDS)] = { 0 };

	set_bit_inv(0x03, apm);
	set_bit_inv(0x04, aqm);
	assert_true(vfio_ap_mig_apqn_configured(apm, aqm, 0x0304));
	assert_false(vfio_ap_mig_apqn_configured(apm, aqm, 0x0305));
	assert_false(vfio_ap_mig_apqn_configured(apm, aqm, 0x0404));

	assert_int_equal(check_one(f, GR2_CEX8_CCA, GR2_CEX8_CCA), 0);
	f->tgt_host->q[0x0304].unconfigured = true;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_CONFIGURED, 0x0304, 1, 0);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: configuration: adapter or domain not in the target's AP configuration");
	assert_string_equal(apmig_char_key(VFIO_AP_MIG_CHAR_CONFIGURED), "configured");
}

/* Tests that a queue not bound to vfio_ap is refused, a bound one accepted. */
static void test_check_binding(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_one(f, GR2_CEX8_CCA, GR2_CEX8_CCA), 0);
	f->tgt_host->q[0x0304].bound = false;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_BINDING, 0x0304, 1, 0);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: binding: bound to vfio_ap on source, not on target");
}

/* Tests that a queue assigned to another mdev is refused. */
static void test_check_owner(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_one(f, GR2_CEX8_CCA, GR2_CEX8_CCA), 0);
	f->tgt_host->q[0x0304].in_use = true;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_OWNER, 0x0304, 1, 0);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: owner: assigned to another mediated device on target");
}

/* Tests that every mode change is refused with the 3-bit mode values. */
static void test_check_mode(void **state)
{
	static const u64 modes[] = { 0, VFIO_AP_MIG_GR2_CCA,
				     VFIO_AP_MIG_GR2_ACCEL,
				     VFIO_AP_MIG_GR2_EP11 };
	const u64 base = GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_CCA;
	struct fixture *f = *state;
	size_t i, j;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			int rc = check_one(f, base | modes[i], base | modes[j]);

			if (i == j) {
				assert_int_equal(rc, 0);
				continue;
			}
			assert_int_equal(rc, 1);
			assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_MODE,
				       0x0304, modes[i] >> 58, modes[j] >> 58);
		}
	}
	check_one(f, GR2_CEX8_CCA, base | VFIO_AP_MIG_GR2_EP11);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: mode: source CCA, target EP11");
	check_one(f, base | VFIO_AP_MIG_GR2_ACCEL, base);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: mode: source accelerator, target none");
	check_one(f, base | VFIO_AP_MIG_GR2_CCA | VFIO_AP_MIG_GR2_EP11,
		  base | VFIO_AP_MIG_GR2_CCA);
	assert_int_equal(f->rec->p[0].source, 5);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: mode: source CCA+EP11, target CCA");
}

/* Tests that each facility must be equal, both directions, own code each. */
static void test_check_facilities(void **state)
{
	static const struct {
		u64 bit;
		enum vfio_ap_mig_char what;
		const char *name;
	} fac[] = {
		{ VFIO_AP_MIG_GR2_APSC, VFIO_AP_MIG_CHAR_APSC, "APSC" },
		{ VFIO_AP_MIG_GR2_AP4KM, VFIO_AP_MIG_CHAR_AP4KM, "AP4KM" },
		{ VFIO_AP_MIG_GR2_AP4KC, VFIO_AP_MIG_CHAR_AP4KC, "AP4KC" },
		{ VFIO_AP_MIG_GR2_APXA, VFIO_AP_MIG_CHAR_APXA, "APXA" },
		{ VFIO_AP_MIG_GR2_SLCF, VFIO_AP_MIG_CHAR_SLCF, "SLCF" },
	};
	struct fixture *f = *state;
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(fac) / sizeof(fac[0]); i++) {
		u64 with = GR2_CEX8_CCA | fac[i].bit;
		u64 without = GR2_CEX8_CCA & ~fac[i].bit;

		assert_int_equal(check_one(f, with, with), 0);
		assert_int_equal(check_one(f, without, without), 0);

		assert_int_equal(check_one(f, with, without), 1);
		assert_problem(&f->rec->p[0], fac[i].what, 0x0304, 1, 0);
		snprintf(want, sizeof(want),
			 "queue 03.0004: %s: source yes, target no", fac[i].name);
		assert_string_equal(fmt(&f->rec->p[0]), want);

		assert_int_equal(check_one(f, without, with), 1);
		assert_problem(&f->rec->p[0], fac[i].what, 0x0304, 0, 1);
		snprintf(want, sizeof(want),
			 "queue 03.0004: %s: source no, target yes", fac[i].name);
		assert_string_equal(fmt(&f->rec->p[0]), want);
	}
}

/* @gr2 with the GR2 field FIELD (AT, CLASS, BS, ML) set to @v. */
#define GR2_WITH(gr2, FIELD, v) \
	(((gr2) & ~VFIO_AP_MIG_GR2_##FIELD) | \
	 ((u64)(v) << VFIO_AP_MIG_GR2_##FIELD##_SHIFT))
#define with_type(gr2, at)	GR2_WITH(gr2, AT, at)
#define with_class(gr2, class)	GR2_WITH(gr2, CLASS, class)
#define with_bs(gr2, bs)	GR2_WITH(gr2, BS, bs)
#define with_ml(gr2, ml)	GR2_WITH(gr2, ML, ml)

/* Tests that the target's AP type may be equal or newer, never older. */
static void test_check_ap_type(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_one(f, with_type(GR2_CEX8_CCA, 13),
				   with_type(GR2_CEX8_CCA, 13)), 0);
	assert_int_equal(f->rec->n, 0);
	/* newer: accepted, but the guest sees it (a change, not a problem) */
	assert_int_equal(check_one(f, with_type(GR2_CEX8_CCA, 13),
				   with_type(GR2_CEX8_CCA, 14)), 0);
	assert_int_equal(f->rec->n, 1);
	assert_change(&f->rec->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 13, 14);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: AP type: source CEX7 (13), target CEX8 (14) is newer, the guest re-probes the card");
	assert_int_equal(check_one(f, with_type(GR2_CEX8_CCA, 0),
				   with_type(GR2_CEX8_CCA, 255)), 0);
	assert_change(&f->rec->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 0, 255);
	assert_int_equal(check_one(f, with_type(GR2_CEX8_CCA, 13),
				   with_type(GR2_CEX8_CCA, 12)), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 13, 12);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: AP type: source CEX7 (13), target CEX6 (12) is older");
	assert_int_equal(check_one(f, with_type(GR2_CEX8_CCA, 255),
				   with_type(GR2_CEX8_CCA, 254)), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304,
		       255, 254);
}

/* Tests that full native needs full native and stateless accepts either. */
static void test_check_class(void **state)
{
	struct fixture *f = *state;
	const unsigned int full = VFIO_AP_MIG_CLASS_FULL_NATIVE;
	const unsigned int sl = VFIO_AP_MIG_CLASS_STATELESS;

	assert_int_equal(check_one(f, with_class(GR2_CEX8_CCA, full),
				   with_class(GR2_CEX8_CCA, full)), 0);
	assert_int_equal(check_one(f, with_class(GR2_CEX8_CCA, sl),
				   with_class(GR2_CEX8_CCA, sl)), 0);
	assert_int_equal(f->rec->n, 0);
	/* stateless only -> full native: accepted, a guest-visible change */
	assert_int_equal(check_one(f, with_class(GR2_CEX8_CCA, sl),
				   with_class(GR2_CEX8_CCA, full)), 0);
	assert_int_equal(f->rec->n, 1);
	assert_change(&f->rec->p[0], VFIO_AP_MIG_CHAR_CLASS, 0x0304, sl, full);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: class: source stateless only (0x40), target full native (0x80) differs, the guest re-probes the card");
	assert_int_equal(check_one(f, with_class(GR2_CEX8_CCA, full),
				   with_class(GR2_CEX8_CCA, full | sl)), 0);
	assert_change(&f->rec->p[0], VFIO_AP_MIG_CHAR_CLASS, 0x0304, full,
		      full | sl);
	assert_int_equal(check_one(f, with_class(GR2_CEX8_CCA, full),
				   with_class(GR2_CEX8_CCA, sl)), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_CLASS, 0x0304, 0x80, 0x40);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: class: source full native (0x80), target stateless only (0x40) lacks full native function");
	assert_int_equal(check_one(f, with_class(GR2_CEX8_CCA, full),
				   with_class(GR2_CEX8_CCA, 0)), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_CLASS, 0x0304, 0x80, 0);
}

/* Tests that the SE bind state must be 0 on both sides, each its own code. */
static void test_check_bs(void **state)
{
	struct fixture *f = *state;
	unsigned int bs;

	for (bs = 1; bs < 4; bs++) {
		assert_int_equal(check_one(f, with_bs(GR2_CEX8_CCA, bs),
					   GR2_CEX8_CCA), 1);
		assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_BS_SOURCE,
			       0x0304, bs, 0);
		assert_int_equal(check_one(f, GR2_CEX8_CCA,
					   with_bs(GR2_CEX8_CCA, bs)), 1);
		assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_BS_TARGET,
			       0x0304, 0, bs);
	}
	assert_int_equal(check_one(f, with_bs(GR2_CEX8_CCA, 2),
				   with_bs(GR2_CEX8_CCA, 3)), 2);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_BS_SOURCE, 0x0304, 2, 3);
	assert_problem(&f->rec->p[1], VFIO_AP_MIG_CHAR_BS_TARGET, 0x0304, 2, 3);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: SE bind state on source: source 2 (available for binding), target 3 (unusable), must be 0");
	assert_string_equal(fmt(&f->rec->p[1]),
			    "queue 03.0004: SE bind state on target: source 2 (available for binding), target 3 (unusable), must be 0");
	assert_int_equal(check_one(f, GR2_CEX8_CCA, with_bs(GR2_CEX8_CCA, 1)), 1);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: SE bind state on target: source 0 (usable), target 1 (usable without secure key), must be 0");
	/* The longest such line still fits the driver's log line buffer. */
	assert_int_equal(check_one(f, with_bs(GR2_CEX8_CCA, 1),
				   with_bs(GR2_CEX8_CCA, 1)), 2);
	assert_true(strlen(fmt(&f->rec->p[0])) < VFIO_AP_MIG_PROBLEM_LEN);
	assert_string_equal(fmt(&f->rec->p[1]),
			    "queue 03.0004: SE bind state on target: source 1 (usable without secure key), target 1 (usable without secure key), must be 0");
}

/* Tests that GR2 bits outside the migration mask never matter. */
static void test_check_unmasked_bits_ignored(void **state)
{
	struct fixture *f = *state;
	const u64 noise = ~VFIO_AP_MIG_GR2_MASK;

	assert_int_equal(VFIO_AP_MIG_GR2_MASK & 0xfff, 0xf00);	/* ml only */
	/* nd, qd and reserved bits differ: still compatible */
	assert_int_equal(check_one(f, GR2_CEX8_CCA, GR2_CEX8_CCA | noise), 0);
	/* a raw source GR2 is masked too */
	f->src.queues[0].gr2 = GR2_CEX8_CCA | noise;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 0);
}

/* Tests that one queue can carry every GR2 problem at once, in order. */
static void test_check_every_problem_one_queue(void **state)
{
	struct fixture *f = *state;
	u64 src = with_bs(with_type(GR2_CEX8_CCA, 14), 1);
	u64 tgt = with_bs(with_class(with_type(VFIO_AP_MIG_GR2_EP11, 12),
				     VFIO_AP_MIG_CLASS_STATELESS), 2);

	check_one(f, src, tgt);
	f->tgt_host->q[0x0304].bound = false;
	f->tgt_host->q[0x0304].in_use = true;
	assert_int_equal(recheck(f), 12);
	assert_int_equal(f->rec->n, 12);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_OWNER, 0x0304, 1, 0);
	assert_problem(&f->rec->p[1], VFIO_AP_MIG_CHAR_BINDING, 0x0304, 1, 0);
	assert_problem(&f->rec->p[2], VFIO_AP_MIG_CHAR_MODE, 0x0304, 4, 1);
	assert_problem(&f->rec->p[3], VFIO_AP_MIG_CHAR_APSC, 0x0304, 1, 0);
	assert_problem(&f->rec->p[4], VFIO_AP_MIG_CHAR_AP4KM, 0x0304, 1, 0);
	assert_problem(&f->rec->p[5], VFIO_AP_MIG_CHAR_AP4KC, 0x0304, 1, 0);
	assert_problem(&f->rec->p[6], VFIO_AP_MIG_CHAR_APXA, 0x0304, 1, 0);
	assert_problem(&f->rec->p[7], VFIO_AP_MIG_CHAR_SLCF, 0x0304, 1, 0);
	assert_problem(&f->rec->p[8], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 14, 12);
	assert_problem(&f->rec->p[9], VFIO_AP_MIG_CHAR_CLASS, 0x0304, 0x80, 0x40);
	assert_problem(&f->rec->p[10], VFIO_AP_MIG_CHAR_BS_SOURCE, 0x0304, 1, 2);
	assert_problem(&f->rec->p[11], VFIO_AP_MIG_CHAR_BS_TARGET, 0x0304, 1, 2);
}

/* Tests that problems of several queues and domains all come in one pass. */
static void test_check_many_queues_all_reported(void **state)
{
	static const int apid[] = { 3, 5 }, apqi[] = { 4, 0x2a };
	struct fixture *f = *state;

	src_build(&f->src, apid, 2, apqi, 2, GR2_CEX8_CCA);
	set_bit_inv(4, f->src.adm);
	set_bit_inv(0x2a, f->src.adm);
	tgt_mirror(f, GR2_CEX8_CCA);
	clear_bit_inv(4, f->tgt.adm);	/* the target mdev lacks it */
	f->tgt_host->q[0x0304].gr2 = with_type(GR2_CEX8_CCA, 13);
	f->tgt_host->q[0x032a].exists = false;
	f->tgt_host->q[0x0504].in_use = true;
	f->tgt_host->q[0x052a].bound = false;
	f->tgt_host->q[0x052a].gr2 = GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_AP4KC;

	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 6);
	assert_int_equal(f->tgt_host->lookups, 4);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 14, 13);
	assert_problem(&f->rec->p[1], VFIO_AP_MIG_CHAR_EXISTS, 0x032a, 1, 0);
	assert_problem(&f->rec->p[2], VFIO_AP_MIG_CHAR_OWNER, 0x0504, 1, 0);
	assert_problem(&f->rec->p[3], VFIO_AP_MIG_CHAR_BINDING, 0x052a, 1, 0);
	assert_problem(&f->rec->p[4], VFIO_AP_MIG_CHAR_AP4KC, 0x052a, 1, 0);
	assert_problem(&f->rec->p[5], VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, 4, 1, 0);
	assert_string_equal(fmt(&f->rec->p[5]),
			    "control domain 0x0004: in the source guest, not in the target mdev's guest");
	assert_string_equal(fmt(&f->rec->p[3]),
			    "queue 05.002a: binding: bound to vfio_ap on source, not on target");
}

/*
 * Tests control domains both ways: each one of the source guest that the
 * target mdev's guest lacks is code 14, each one it has in excess code 20.
 */
static void test_check_control_domains(void **state)
{
	struct fixture *f = *state;
	int i;

	src_build(&f->src, NULL, 0, NULL, 0, 0);
	set_bit_inv(0, f->src.adm);
	set_bit_inv(255, f->src.adm);
	set_bit_inv(64, f->src.adm);
	memcpy(f->tgt.adm, f->src.adm, sizeof(f->tgt.adm));
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 0);
	assert_int_equal(f->rec->n, 0);

	/* a superset is not accepted any more: the guest would gain one */
	set_bit_inv(63, f->tgt.adm);
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN,
		       63, 0, 1);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "control domain 0x003f: in the target mdev's guest, not in the source guest");

	clear_bit_inv(0, f->tgt.adm);
	clear_bit_inv(255, f->tgt.adm);
	assert_int_equal(recheck(f), 3);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, 0, 1, 0);
	assert_problem(&f->rec->p[1], VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN,
		       63, 0, 1);
	assert_problem(&f->rec->p[2], VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, 255, 1, 0);
	assert_string_equal(fmt(&f->rec->p[2]),
			    "control domain 0x00ff: in the source guest, not in the target mdev's guest");

	/* every control domain missing: 256 problems */
	memset(f->tgt.adm, 0, sizeof(f->tgt.adm));
	for (i = 0; i < VFIO_AP_MIG_IDS; i++)
		set_bit_inv(i, f->src.adm);
	assert_int_equal(recheck(f), 256);
	for (i = 0; i < VFIO_AP_MIG_IDS; i++)
		assert_problem(&f->rec->p[i], VFIO_AP_MIG_CHAR_CONTROL_DOMAIN,
			       i, 1, 0);

	/* and every one in excess: 256 more */
	memset(f->src.adm, 0, sizeof(f->src.adm));
	for (i = 0; i < VFIO_AP_MIG_IDS; i++)
		set_bit_inv(i, f->tgt.adm);
	assert_int_equal(recheck(f), 256);
	for (i = 0; i < VFIO_AP_MIG_IDS; i++)
		assert_problem(&f->rec->p[i],
			       VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN, i, 0, 1);
}

/*
 * Tests a source queue the target mdev's guest lacks: code 18 alone when the
 * queue is fit otherwise; when it is another mdev's or not vfio_ap's, that
 * reason is the problem and code 18 is not added.
 */
static void test_check_mdev_queue(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_one(f, GR2_CEX8_CCA, GR2_CEX8_CCA), 0);
	clear_bit_inv(0x03, f->tgt.apm);
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_MDEV_QUEUE, 0x0304, 1, 0);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: target mdev: in the source guest, not in the target mdev's guest");

	/* the domain missing instead of the adapter: the same */
	set_bit_inv(0x03, f->tgt.apm);
	clear_bit_inv(0x04, f->tgt.aqm);
	assert_int_equal(recheck(f), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_MDEV_QUEUE, 0x0304, 1, 0);

	f->tgt_host->q[0x0304].in_use = true;
	assert_int_equal(recheck(f), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_OWNER, 0x0304, 1, 0);

	f->tgt_host->q[0x0304].in_use = false;
	f->tgt_host->q[0x0304].bound = false;
	assert_int_equal(recheck(f), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_BINDING, 0x0304, 1, 0);

	/* an unbound queue another mdev holds: both reasons, no code 18 */
	f->tgt_host->q[0x0304].in_use = true;
	assert_int_equal(recheck(f), 2);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_OWNER, 0x0304, 1, 0);
	assert_problem(&f->rec->p[1], VFIO_AP_MIG_CHAR_BINDING, 0x0304, 1, 0);
}

/*
 * Tests queues the target mdev's guest has and the source guest has not:
 * code 19 each, after the source's queues, with no lookup; and both ways at
 * once (the mdev prepared with another adapter).
 */
static void test_check_extra_queues(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_one(f, GR2_CEX8_CCA, GR2_CEX8_CCA), 0);
	set_bit_inv(0x05, f->tgt.aqm);
	set_bit_inv(0x07, f->tgt.apm);
	f->tgt_host->lookups = 0;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 3);
	assert_int_equal(f->tgt_host->lookups, 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_EXTRA_QUEUE, 0x0305, 0, 1);
	assert_problem(&f->rec->p[1], VFIO_AP_MIG_CHAR_EXTRA_QUEUE, 0x0704, 0, 1);
	assert_problem(&f->rec->p[2], VFIO_AP_MIG_CHAR_EXTRA_QUEUE, 0x0705, 0, 1);
	assert_string_equal(fmt(&f->rec->p[2]),
			    "queue 07.0005: extra queue: in the target mdev's guest, not in the source guest");

	/* adapter 03 swapped for 07: one missing, one extra */
	memset(f->tgt.apm, 0, sizeof(f->tgt.apm));
	memset(f->tgt.aqm, 0, sizeof(f->tgt.aqm));
	set_bit_inv(0x07, f->tgt.apm);
	set_bit_inv(0x04, f->tgt.aqm);
	assert_int_equal(recheck(f), 2);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_MDEV_QUEUE, 0x0304, 1, 0);
	assert_problem(&f->rec->p[1], VFIO_AP_MIG_CHAR_EXTRA_QUEUE, 0x0704, 0, 1);
}

/*
 * Tests that a check-stopped target queue is ONE problem (code 16), however
 * much else about it differs; and a deconfigured one ONE problem (code 15),
 * even when it is check-stopped too.
 */
static void test_check_stopped_deconfigured_one_problem(void **state)
{
	struct fixture *f = *state;
	struct vfio_ap_mig_target_queue *tq = &f->tgt_host->q[0x0304];

	/* another mode, no facility, older type: many problems at first */
	assert_true(check_one(f, GR2_CEX8_CCA, VFIO_AP_MIG_GR2_EP11) > 5);
	tq->checkstopped = true;
	tq->bound = false;
	tq->in_use = true;
	clear_bit_inv(0x03, f->tgt.apm);	/* and out of the mdev's guest */
	assert_int_equal(recheck(f), 1);
	assert_int_equal(f->rec->n, 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_CHECKSTOPPED, 0x0304, 0, 1);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: check-stop: check-stopped on target");

	tq->unconfigured = true;
	assert_int_equal(recheck(f), 1);
	assert_int_equal(f->rec->n, 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_CONFIGURED, 0x0304, 1, 0);

	/* a missing queue is one problem before either */
	tq->exists = false;
	assert_int_equal(recheck(f), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_EXISTS, 0x0304, 1, 0);
}

/* Tests the maximum message length: the target's may be equal or larger. */
static void test_check_ml(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vfio_ap_mig_gr2_ml(with_ml(0, 0xf)), 0xf);
	assert_int_equal(check_one(f, with_ml(GR2_CEX8_CCA, 3),
				   with_ml(GR2_CEX8_CCA, 3)), 0);
	assert_int_equal(check_one(f, with_ml(GR2_CEX8_CCA, 3),
				   with_ml(GR2_CEX8_CCA, 15)), 0);
	assert_int_equal(f->rec->n, 0);	/* not even a change */
	/* 0 to 3 all mean the 12 KiB default (ap_card.c). */
	assert_int_equal(check_one(f, with_ml(GR2_CEX8_CCA, 3),
				   with_ml(GR2_CEX8_CCA, 0)), 0);
	assert_int_equal(check_one(f, with_ml(GR2_CEX8_CCA, 0),
				   with_ml(GR2_CEX8_CCA, 2)), 0);
	assert_int_equal(check_one(f, with_ml(GR2_CEX8_CCA, 5),
				   with_ml(GR2_CEX8_CCA, 4)), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_ML, 0x0304, 5, 4);
	assert_string_equal(fmt(&f->rec->p[0]),
			    "queue 03.0004: message length: source 5, target 4 is smaller");
	assert_int_equal(check_one(f, with_ml(GR2_CEX8_CCA, 15),
				   with_ml(GR2_CEX8_CCA, 0)), 1);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_ML, 0x0304, 15, 0);
}

/*
 * Tests that changes never count: alone the check returns 0, beside a
 * problem only the problem counts, and the count is the same without a
 * report callback.
 */
static void test_check_changes_not_counted(void **state)
{
	struct fixture *f = *state;
	u64 src = with_class(with_type(GR2_CEX8_CCA, 12),
			     VFIO_AP_MIG_CLASS_STATELESS);
	u64 tgt = with_class(with_type(GR2_CEX8_CCA, 14),
			     VFIO_AP_MIG_CLASS_FULL_NATIVE);

	assert_int_equal(check_one(f, src, tgt), 0);
	assert_int_equal(f->rec->n, 2);
	assert_change(&f->rec->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 12, 14);
	assert_change(&f->rec->p[1], VFIO_AP_MIG_CHAR_CLASS, 0x0304, 0x40, 0x80);
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, NULL, NULL), 0);

	assert_int_equal(check_one(f, src, tgt & ~VFIO_AP_MIG_GR2_APSC), 1);
	assert_int_equal(f->rec->n, 3);
	assert_problem(&f->rec->p[0], VFIO_AP_MIG_CHAR_APSC, 0x0304, 1, 0);
	assert_change(&f->rec->p[1], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 12, 14);
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, NULL, NULL), 1);
}

/* Tests that an empty configuration needs no lookup and is compatible. */
static void test_check_zero_queues(void **state)
{
	struct fixture *f = *state;

	src_build(&f->src, NULL, 0, NULL, 0, 0);
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 0);
	assert_int_equal(f->tgt_host->lookups, 0);
	assert_int_equal(f->rec->n, 0);
	free(f->src.queues);
	f->src.queues = NULL;	/* 0 queues and no array is fine too */
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, NULL, NULL), 0);
}

/*
 * Tests that 4,096 and 65,536 queues take exactly one lookup each. The
 * check's time and instructions per queue are measured by the benchmark
 * (tests/bench, `make bench`), never asserted in a test.
 */
static void test_check_max_queues_linear(void **state)
{
	struct fixture *f = *state;
	static int ids[VFIO_AP_MIG_IDS];
	int i, rc;

	for (i = 0; i < VFIO_AP_MIG_IDS; i++)
		ids[i] = i;

	/* 16 x 256 = 4096 queues, then 256 x 256 = 65536: 16 times more */
	src_build(&f->src, ids, 16, ids, 256, GR2_CEX8_CCA);
	tgt_mirror(f, GR2_CEX8_CCA);
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 0);
	assert_int_equal(f->tgt_host->lookups, 4096);

	src_build(&f->src, ids, 256, ids, 256, GR2_CEX8_CCA);
	assert_int_equal(f->src.nr_queues, VFIO_AP_MIG_MAX_QUEUES);
	tgt_mirror(f, GR2_CEX8_CCA);
	f->tgt_host->lookups = 0;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec), 0);
	assert_int_equal(f->tgt_host->lookups, VFIO_AP_MIG_MAX_QUEUES);

	/* every queue refused: one problem each, still one lookup each */
	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++)
		f->tgt_host->q[i].exists = false;
	f->rec->n = 0;
	f->tgt_host->lookups = 0;
	rc = vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec);
	assert_int_equal(rc, VFIO_AP_MIG_MAX_QUEUES);
	assert_int_equal(f->rec->n, VFIO_AP_MIG_MAX_QUEUES);
	assert_int_equal(f->tgt_host->lookups, VFIO_AP_MIG_MAX_QUEUES);
}

/* Tests that a lookup error stops the check and is returned unchanged. */
static void test_check_lookup_error_propagates(void **state)
{
	static const int apid[] = { 1, 2 }, apqi[] = { 7, 8 };
	struct fixture *f = *state;

	src_build(&f->src, apid, 2, apqi, 2, GR2_CEX8_CCA);
	tgt_mirror(f, 0);	/* every queue would be a problem */
	f->tgt_host->fail_apqn = 0x0207;
	f->tgt_host->fail_rc = -EIO;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec),
			 -EIO);
	assert_int_equal(f->tgt_host->lookups, 3);	/* stopped at the 3rd */

	f->tgt_host->fail_apqn = 0x0107;
	f->tgt_host->fail_rc = -ENOMEM;
	f->tgt_host->lookups = 0;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, record, f->rec),
			 -ENOMEM);
	assert_int_equal(f->tgt_host->lookups, 1);
}

/* Tests that malformed arguments are refused, not dereferenced. */
static void test_check_invalid_arguments(void **state)
{
	struct fixture *f = *state;
	struct vfio_ap_mig_target nolookup = { 0 };

	src_build(&f->src, NULL, 0, NULL, 0, 0);
	assert_int_equal(vfio_ap_mig_check(NULL, &f->tgt, NULL, NULL), -EINVAL);
	assert_int_equal(vfio_ap_mig_check(&f->src, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(vfio_ap_mig_check(&f->src, &nolookup, NULL, NULL),
			 -EINVAL);
	f->src.nr_queues = VFIO_AP_MIG_MAX_QUEUES + 1;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, NULL, NULL), -EINVAL);
	free(f->src.queues);
	f->src.queues = NULL;
	f->src.nr_queues = 1;
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, NULL, NULL), -EINVAL);
	f->src.nr_queues = 0;
	assert_int_equal(f->tgt_host->lookups, 0);
}

/* Tests that the count is right without a report callback. */
static void test_check_null_report_counts(void **state)
{
	struct fixture *f = *state;

	check_one(f, GR2_CEX8_CCA, VFIO_AP_MIG_GR2_EP11);
	assert_int_equal(vfio_ap_mig_check(&f->src, &f->tgt, NULL, NULL),
			 f->rec->n);
	assert_true(f->rec->n > 5);
}

/*
 * Tests that names and keys exist and are unique, unknown gives "?" (name)
 * or NULL (key), and that every --json key is the stable one.
 */
static void test_char_name_key(void **state)
{
	static const char *const keys[VFIO_AP_MIG_CHAR_COUNT] = {
		[VFIO_AP_MIG_CHAR_EXISTS] = "exists",
		[VFIO_AP_MIG_CHAR_BINDING] = "binding",
		[VFIO_AP_MIG_CHAR_OWNER] = "owner",
		[VFIO_AP_MIG_CHAR_MODE] = "mode",
		[VFIO_AP_MIG_CHAR_APSC] = "apsc",
		[VFIO_AP_MIG_CHAR_AP4KM] = "ap4km",
		[VFIO_AP_MIG_CHAR_AP4KC] = "ap4kc",
		[VFIO_AP_MIG_CHAR_APXA] = "apxa",
		[VFIO_AP_MIG_CHAR_SLCF] = "slcf",
		[VFIO_AP_MIG_CHAR_AP_TYPE] = "ap_type",
		[VFIO_AP_MIG_CHAR_CLASS] = "class",
		[VFIO_AP_MIG_CHAR_BS_SOURCE] = "bs_source",
		[VFIO_AP_MIG_CHAR_BS_TARGET] = "bs_target",
		[VFIO_AP_MIG_CHAR_CONTROL_DOMAIN] = "control_domain",
		[VFIO_AP_MIG_CHAR_CONFIGURED] = "configured",
		[VFIO_AP_MIG_CHAR_CHECKSTOPPED] = "checkstopped",
		[VFIO_AP_MIG_CHAR_ML] = "ml",
		[VFIO_AP_MIG_CHAR_MDEV_QUEUE] = "mdev_queue",
		[VFIO_AP_MIG_CHAR_EXTRA_QUEUE] = "extra_queue",
		[VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN] = "extra_control_domain",
	};
	int i, j;

	/* the codes are stable: 20 of them, numbered from 1 */
	assert_int_equal(VFIO_AP_MIG_CHAR_EXISTS, 1);
	assert_int_equal(VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, 14);
	assert_int_equal(VFIO_AP_MIG_CHAR_CHECKSTOPPED, 16);
	assert_int_equal(VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN, 20);
	assert_int_equal(VFIO_AP_MIG_CHAR_COUNT, 21);
	for (i = VFIO_AP_MIG_CHAR_EXISTS; i < VFIO_AP_MIG_CHAR_COUNT; i++) {
		const char *k = apmig_char_key(i);

		assert_non_null(k);
		assert_string_equal(k, keys[i]);
		assert_string_not_equal(vfio_ap_mig_char_name(i), "?");
		for (; *k; k++)
			assert_true((*k >= 'a' && *k <= 'z') || *k == '_' ||
				    (*k >= '0' && *k <= '9'));
		for (j = VFIO_AP_MIG_CHAR_EXISTS; j < i; j++) {
			assert_string_not_equal(apmig_char_key(i),
						apmig_char_key(j));
			assert_string_not_equal(vfio_ap_mig_char_name(i),
						vfio_ap_mig_char_name(j));
		}
		assert_int_equal(apmig_char_is_domain(i),
				 i == VFIO_AP_MIG_CHAR_CONTROL_DOMAIN ||
				 i == VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN);
	}
	assert_string_equal(vfio_ap_mig_char_name(VFIO_AP_MIG_CHAR_AP_TYPE),
			    "AP type");
	assert_string_equal(vfio_ap_mig_char_name(0), "?");
	assert_null(apmig_char_key(0));
	assert_null(apmig_char_key(VFIO_AP_MIG_CHAR_COUNT));
	assert_null(apmig_char_key((enum vfio_ap_mig_char)-1));
}

/* Tests the AP type names CEX4..CEX8 and the fallback for others. */
static void test_format_problem_type_names(void **state)
{
	struct vfio_ap_mig_problem p = {
		.what = VFIO_AP_MIG_CHAR_AP_TYPE, .id = 0xff00,
		.source = 14, .target = 10,
	};

	assert_string_equal(fmt(&p),
			    "queue ff.0000: AP type: source CEX8 (14), target CEX4 (10) is older");
	p.source = 15;
	p.target = 9;
	assert_string_equal(fmt(&p),
			    "queue ff.0000: AP type: source type 15, target type 9 is older");
}

/* Tests that a short buffer is truncated and the full length returned. */
static void test_format_problem_truncates(void **state)
{
	struct vfio_ap_mig_problem p = {
		.what = VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, .id = 4,
		.source = 1, .target = 0,
	};
	char buf[10];
	int n;

	n = vfio_ap_mig_format_problem(&p, buf, sizeof(buf));
	assert_int_equal(n, strlen("control domain 0x0004: in the source guest, not in the target mdev's guest"));
	assert_string_equal(buf, "control d");
	assert_int_equal(vfio_ap_mig_format_problem(&p, NULL, 0), n);
	p.what = 99;
	assert_string_equal(fmt(&p),
			    "id 0x0004: unknown characteristic 99: source 0x1, target 0x0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_check_identical_compatible),
		T(test_check_exists_refused),
		T(test_check_binding),
		T(test_check_configured),
		T(test_check_owner),
		T(test_check_mode),
		T(test_check_facilities),
		T(test_check_ap_type),
		T(test_check_class),
		T(test_check_bs),
		T(test_check_unmasked_bits_ignored),
		T(test_check_every_problem_one_queue),
		T(test_check_many_queues_all_reported),
		T(test_check_control_domains),
		T(test_check_mdev_queue),
		T(test_check_extra_queues),
		T(test_check_stopped_deconfigured_one_problem),
		T(test_check_ml),
		T(test_check_changes_not_counted),
		T(test_check_zero_queues),
		T(test_check_max_queues_linear),
		T(test_check_lookup_error_propagates),
		T(test_check_invalid_arguments),
		T(test_check_null_report_counts),
		T(test_char_name_key),
		T(test_format_problem_type_names),
		T(test_format_problem_truncates),
#undef T
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
