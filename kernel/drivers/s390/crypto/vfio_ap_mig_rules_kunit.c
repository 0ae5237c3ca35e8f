// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the vfio_ap migration compatibility rules: each rule
 * accepted and refused, every problem reported in one pass, control domains.
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vfio_ap_mig_rules.h"

/* CEX8 in CCA mode, all facilities, full native, bind state 0 */
#define RULES_GR2_CEX8_CCA	(VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_AP4KM | \
				 VFIO_AP_MIG_GR2_AP4KC | VFIO_AP_MIG_GR2_CCA | \
				 VFIO_AP_MIG_GR2_APXA | VFIO_AP_MIG_GR2_SLCF | \
				 ((u64)VFIO_AP_MIG_CLASS_FULL_NATIVE << \
				  VFIO_AP_MIG_GR2_CLASS_SHIFT) | \
				 (14ULL << VFIO_AP_MIG_GR2_AT_SHIFT))

#define RULES_MAX_QUEUES	4
#define RULES_MAX_PROBLEMS	32

/* The fake target: answers for a few APQNs, everything else absent. */
struct rules_ctx {
	struct vfio_ap_mig_config src;
	struct vfio_ap_mig_queue queues[RULES_MAX_QUEUES];
	struct vfio_ap_mig_target tgt;
	u16 tgt_apqn[RULES_MAX_QUEUES];
	struct vfio_ap_mig_target_queue tgt_q[RULES_MAX_QUEUES];
	unsigned int nr_tgt;
	int fail_rc;
	unsigned int lookups;
	struct vfio_ap_mig_problem p[RULES_MAX_PROBLEMS];
	unsigned int nr_p;
};

static int rules_lookup(void *data, u16 apqn,
			struct vfio_ap_mig_target_queue *tq)
{
	struct rules_ctx *ctx = data;
	unsigned int i;

	ctx->lookups++;
	if (ctx->fail_rc)
		return ctx->fail_rc;
	for (i = 0; i < ctx->nr_tgt; i++) {
		if (ctx->tgt_apqn[i] == apqn) {
			*tq = ctx->tgt_q[i];
			return 0;
		}
	}
	return 0;	/* tq stays zeroed: does not exist */
}

static void rules_record(void *data, const struct vfio_ap_mig_problem *p)
{
	struct rules_ctx *ctx = data;

	if (ctx->nr_p < RULES_MAX_PROBLEMS)
		ctx->p[ctx->nr_p] = *p;
	ctx->nr_p++;
}

/* Add queue @apqn with @src_gr2 to the source and a bound, free copy to the target. */
static void rules_add(struct rules_ctx *ctx, u16 apqn, u64 src_gr2, u64 tgt_gr2)
{
	unsigned int i = ctx->src.nr_queues;

	ctx->queues[i].apqn = apqn;
	ctx->queues[i].gr2 = src_gr2 & VFIO_AP_MIG_GR2_MASK;
	set_bit_inv(VFIO_AP_MIG_APID(apqn), ctx->src.apm);
	set_bit_inv(VFIO_AP_MIG_APQI(apqn), ctx->src.aqm);
	ctx->src.nr_queues++;
	/* The target mdev's guest has it too. */
	set_bit_inv(VFIO_AP_MIG_APID(apqn), ctx->tgt.apm);
	set_bit_inv(VFIO_AP_MIG_APQI(apqn), ctx->tgt.aqm);

	ctx->tgt_apqn[i] = apqn;
	ctx->tgt_q[i].exists = true;
	ctx->tgt_q[i].bound = true;
	ctx->tgt_q[i].in_use = false;
	ctx->tgt_q[i].gr2 = tgt_gr2;
	ctx->nr_tgt++;
}

static struct rules_ctx *rules_new(struct kunit *test)
{
	struct rules_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->src.queues = ctx->queues;
	ctx->tgt.lookup = rules_lookup;
	ctx->tgt.ctx = ctx;
	return ctx;
}

static int rules_run(struct rules_ctx *ctx)
{
	ctx->nr_p = 0;
	ctx->lookups = 0;
	return vfio_ap_mig_check(&ctx->src, &ctx->tgt, rules_record, ctx);
}

/* One queue 03.0004 with @src_gr2 and @tgt_gr2; returns the problem count. */
static int rules_one(struct kunit *test, struct rules_ctx **out,
		     u64 src_gr2, u64 tgt_gr2)
{
	struct rules_ctx *ctx = rules_new(test);

	rules_add(ctx, 0x0304, src_gr2, tgt_gr2);
	*out = ctx;
	return rules_run(ctx);
}

static void rules_expect(struct kunit *test, const struct vfio_ap_mig_problem *p,
			 enum vfio_ap_mig_char what, u16 id, u64 source,
			 u64 target)
{
	KUNIT_EXPECT_EQ(test, p->what, what);
	KUNIT_EXPECT_EQ(test, p->id, id);
	KUNIT_EXPECT_EQ(test, p->source, source);
	KUNIT_EXPECT_EQ(test, p->target, target);
}

static void rules_expect_line(struct kunit *test,
			      const struct vfio_ap_mig_problem *p,
			      const char *want)
{
	char buf[VFIO_AP_MIG_PROBLEM_LEN];

	vfio_ap_mig_format_problem(p, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static void queue_identical_accepted(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, RULES_GR2_CEX8_CCA,
					RULES_GR2_CEX8_CCA), 0);
	KUNIT_EXPECT_EQ(test, ctx->lookups, 1);
}

static void exists_missing_refused(struct kunit *test)
{
	struct rules_ctx *ctx = rules_new(test);

	rules_add(ctx, 0x0304, RULES_GR2_CEX8_CCA, 0);
	ctx->nr_tgt = 0;	/* the target has no such queue */
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_EXISTS, 0x0304, 1, 0);
}

static void binding_other_driver_refused(struct kunit *test)
{
	struct rules_ctx *ctx;

	rules_one(test, &ctx, RULES_GR2_CEX8_CCA, RULES_GR2_CEX8_CCA);
	ctx->tgt_q[0].bound = false;
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_BINDING, 0x0304, 1, 0);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: binding: bound to vfio_ap on source, not on target");
}

static void configured_deconfigured_refused(struct kunit *test)
{
	struct rules_ctx *ctx;
	unsigned long apm[BITS_TO_LONGS(VFIO_AP_MIG_IDS)] = { 0 };
	unsigned long aqm[BITS_TO_LONGS(VFIO_AP_MIG_IDS)] = { 0 };

	set_bit_inv(0x03, apm);
	set_bit_inv(0x04, aqm);
	KUNIT_EXPECT_TRUE(test, vfio_ap_mig_apqn_configured(apm, aqm, 0x0304));
	KUNIT_EXPECT_FALSE(test, vfio_ap_mig_apqn_configured(apm, aqm, 0x0305));
	KUNIT_EXPECT_FALSE(test, vfio_ap_mig_apqn_configured(apm, aqm, 0x0404));

	rules_one(test, &ctx, RULES_GR2_CEX8_CCA, RULES_GR2_CEX8_CCA);
	ctx->tgt_q[0].unconfigured = true;
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_CONFIGURED, 0x0304, 1, 0);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: configuration: adapter or domain not in the target's AP configuration");
}

static void owner_other_mdev_refused(struct kunit *test)
{
	struct rules_ctx *ctx;

	rules_one(test, &ctx, RULES_GR2_CEX8_CCA, RULES_GR2_CEX8_CCA);
	ctx->tgt_q[0].in_use = true;
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_OWNER, 0x0304, 1, 0);
}

static void mode_equal_accepted(struct kunit *test)
{
	u64 ep11 = (RULES_GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_CCA) |
		   VFIO_AP_MIG_GR2_EP11;
	struct rules_ctx *ctx;

	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, ep11, ep11), 0);
}

static void mode_changed_refused(struct kunit *test)
{
	u64 ep11 = (RULES_GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_CCA) |
		   VFIO_AP_MIG_GR2_EP11;
	struct rules_ctx *ctx;

	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, RULES_GR2_CEX8_CCA, ep11), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_MODE, 0x0304, 4, 1);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: mode: source CCA, target EP11");
}

static void facility_each_refused_both_ways(struct kunit *test)
{
	static const struct {
		u64 bit;
		enum vfio_ap_mig_char what;
	} fac[] = {
		{ VFIO_AP_MIG_GR2_APSC, VFIO_AP_MIG_CHAR_APSC },
		{ VFIO_AP_MIG_GR2_AP4KM, VFIO_AP_MIG_CHAR_AP4KM },
		{ VFIO_AP_MIG_GR2_AP4KC, VFIO_AP_MIG_CHAR_AP4KC },
		{ VFIO_AP_MIG_GR2_APXA, VFIO_AP_MIG_CHAR_APXA },
		{ VFIO_AP_MIG_GR2_SLCF, VFIO_AP_MIG_CHAR_SLCF },
	};
	struct rules_ctx *ctx;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fac); i++) {
		u64 with = RULES_GR2_CEX8_CCA, without = with & ~fac[i].bit;

		KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, without, without), 0);
		KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, with, without), 1);
		rules_expect(test, &ctx->p[0], fac[i].what, 0x0304, 1, 0);
		KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, without, with), 1);
		rules_expect(test, &ctx->p[0], fac[i].what, 0x0304, 0, 1);
	}
	rules_one(test, &ctx, RULES_GR2_CEX8_CCA,
		  RULES_GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_AP4KC);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: AP4KC: source yes, target no");
}

static u64 rules_type(unsigned int at)
{
	return (RULES_GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_AT) |
	       ((u64)at << VFIO_AP_MIG_GR2_AT_SHIFT);
}

static void ap_type_newer_accepted(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, rules_type(13),
					rules_type(13)), 0);
	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, rules_type(13),
					rules_type(14)), 0);
	/* Accepted, but named: the guest re-probes that card. */
	KUNIT_ASSERT_EQ(test, ctx->nr_p, 1);
	KUNIT_EXPECT_TRUE(test, ctx->p[0].change);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 13, 14);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: AP type: source CEX7 (13), target CEX8 (14) is newer, the guest re-probes the card");
}

static void ap_type_older_refused(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, rules_type(13),
					rules_type(12)), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 13, 12);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: AP type: source CEX7 (13), target CEX6 (12) is older");
}

static u64 rules_class(unsigned int class)
{
	return (RULES_GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_CLASS) |
	       ((u64)class << VFIO_AP_MIG_GR2_CLASS_SHIFT);
}

static void class_stateless_accepts_either(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx,
					rules_class(VFIO_AP_MIG_CLASS_STATELESS),
					rules_class(VFIO_AP_MIG_CLASS_FULL_NATIVE)),
			0);
	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx,
					rules_class(VFIO_AP_MIG_CLASS_STATELESS),
					rules_class(VFIO_AP_MIG_CLASS_STATELESS)),
			0);
	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx,
					rules_class(VFIO_AP_MIG_CLASS_FULL_NATIVE),
					rules_class(VFIO_AP_MIG_CLASS_FULL_NATIVE)),
			0);
}

static void class_full_native_lost_refused(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx,
					rules_class(VFIO_AP_MIG_CLASS_FULL_NATIVE),
					rules_class(VFIO_AP_MIG_CLASS_STATELESS)),
			1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_CLASS, 0x0304,
		     VFIO_AP_MIG_CLASS_FULL_NATIVE, VFIO_AP_MIG_CLASS_STATELESS);
	KUNIT_EXPECT_FALSE(test, ctx->p[0].change);
	/* Stateless-only to full native is accepted as a visible change. */
	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx,
					rules_class(VFIO_AP_MIG_CLASS_STATELESS),
					rules_class(VFIO_AP_MIG_CLASS_FULL_NATIVE)),
			0);
	KUNIT_ASSERT_EQ(test, ctx->nr_p, 1);
	KUNIT_EXPECT_TRUE(test, ctx->p[0].change);
	/* ... but not to a queue with neither class. */
	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx,
					rules_class(VFIO_AP_MIG_CLASS_STATELESS),
					rules_class(0)),
			1);
	KUNIT_EXPECT_FALSE(test, ctx->p[0].change);
}

static u64 rules_ml(unsigned int ml)
{
	return RULES_GR2_CEX8_CCA | ((u64)ml << VFIO_AP_MIG_GR2_ML_SHIFT);
}

static void ml_smaller_refused(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, rules_ml(3), rules_ml(5)), 0);
	/* 0 to 3 all mean the 12 KiB default: no change for the guest. */
	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, rules_ml(3), rules_ml(0)), 0);
	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, rules_ml(0), rules_ml(2)), 0);
	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, rules_ml(4), rules_ml(0)), 1);
	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, rules_ml(5), rules_ml(3)), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_ML, 0x0304, 5, 3);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: message length: source 5, target 3 is smaller");
}

/* A queue that cannot serve at all is one problem, not everything it implies. */
static void unusable_queue_is_one_problem(struct kunit *test)
{
	struct rules_ctx *ctx;

	rules_one(test, &ctx, RULES_GR2_CEX8_CCA, 0);
	ctx->tgt_q[0].checkstopped = true;
	ctx->tgt_q[0].bound = false;
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_CHECKSTOPPED, 0x0304, 0, 1);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: check-stop: check-stopped on target");
	ctx->tgt_q[0].unconfigured = true;
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_CONFIGURED, 0x0304, 1, 0);
}

/* Both guests must have the same queues: each missing and extra one counts. */
static void mdev_queues_missing_and_extra_refused(struct kunit *test)
{
	struct rules_ctx *ctx;

	rules_one(test, &ctx, RULES_GR2_CEX8_CCA, RULES_GR2_CEX8_CCA);
	clear_bit_inv(0x03, ctx->tgt.apm);
	set_bit_inv(0x07, ctx->tgt.apm);
	set_bit_inv(0x05, ctx->tgt.aqm);
	/* 03.0004 missing; 07.0004 and 07.0005 extra */
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 3);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_MDEV_QUEUE, 0x0304, 1, 0);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: target mdev: in the source guest, not in the target mdev's guest");
	rules_expect(test, &ctx->p[1], VFIO_AP_MIG_CHAR_EXTRA_QUEUE, 0x0704, 0, 1);
	rules_expect(test, &ctx->p[2], VFIO_AP_MIG_CHAR_EXTRA_QUEUE, 0x0705, 0, 1);
	rules_expect_line(test, &ctx->p[2],
			  "queue 07.0005: extra queue: in the target mdev's guest, not in the source guest");
	/* An unbound queue already says why the target mdev lacks it. */
	ctx->tgt_q[0].bound = false;
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 3);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_BINDING, 0x0304, 1, 0);
}

static u64 rules_bs(unsigned int bs)
{
	return RULES_GR2_CEX8_CCA | ((u64)bs << VFIO_AP_MIG_GR2_BS_SHIFT);
}

static void bs_nonzero_refused_each_side(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, rules_bs(2), rules_bs(0)), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_BS_SOURCE, 0x0304, 2, 0);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: SE bind state on source: source 2 (available for binding), target 0 (usable), must be 0");
	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, rules_bs(0), rules_bs(1)), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_BS_TARGET, 0x0304, 0, 1);
	rules_expect_line(test, &ctx->p[0],
			  "queue 03.0004: SE bind state on target: source 0 (usable), target 1 (usable without secure key), must be 0");
	KUNIT_ASSERT_EQ(test, rules_one(test, &ctx, rules_bs(3), rules_bs(3)), 2);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_BS_SOURCE, 0x0304, 3, 3);
	rules_expect(test, &ctx->p[1], VFIO_AP_MIG_CHAR_BS_TARGET, 0x0304, 3, 3);
}

static void gr2_unmasked_bits_ignored(struct kunit *test)
{
	struct rules_ctx *ctx;

	KUNIT_EXPECT_EQ(test, rules_one(test, &ctx, RULES_GR2_CEX8_CCA,
					RULES_GR2_CEX8_CCA | ~VFIO_AP_MIG_GR2_MASK),
			0);
}

static void check_reports_every_problem(struct kunit *test)
{
	struct rules_ctx *ctx = rules_new(test);
	u64 bad = (VFIO_AP_MIG_GR2_EP11 |
		   ((u64)VFIO_AP_MIG_CLASS_STATELESS << VFIO_AP_MIG_GR2_CLASS_SHIFT) |
		   (12ULL << VFIO_AP_MIG_GR2_AT_SHIFT) |
		   (1ULL << VFIO_AP_MIG_GR2_BS_SHIFT));

	rules_add(ctx, 0x0304, RULES_GR2_CEX8_CCA, bad);
	rules_add(ctx, 0x0305, RULES_GR2_CEX8_CCA, RULES_GR2_CEX8_CCA);
	rules_add(ctx, 0x0504, RULES_GR2_CEX8_CCA, RULES_GR2_CEX8_CCA);
	rules_add(ctx, 0x0505, RULES_GR2_CEX8_CCA, RULES_GR2_CEX8_CCA);
	ctx->tgt_q[0].bound = false;
	ctx->tgt_q[0].in_use = true;
	ctx->tgt_q[1].exists = false;
	ctx->tgt_q[2].gr2 = rules_type(15);	/* newer: a change, no problem */
	ctx->tgt_q[3].gr2 = rules_type(13);
	set_bit_inv(4, ctx->src.adm);

	/* queue 0: 11 problems, queue 1: 1, queue 3: 1, domain 4: 1 */
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 14);
	KUNIT_EXPECT_EQ(test, ctx->lookups, 4);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_OWNER, 0x0304, 1, 0);
	rules_expect(test, &ctx->p[1], VFIO_AP_MIG_CHAR_BINDING, 0x0304, 1, 0);
	rules_expect(test, &ctx->p[2], VFIO_AP_MIG_CHAR_MODE, 0x0304, 4, 1);
	rules_expect(test, &ctx->p[3], VFIO_AP_MIG_CHAR_APSC, 0x0304, 1, 0);
	rules_expect(test, &ctx->p[7], VFIO_AP_MIG_CHAR_SLCF, 0x0304, 1, 0);
	rules_expect(test, &ctx->p[8], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0304, 14, 12);
	rules_expect(test, &ctx->p[9], VFIO_AP_MIG_CHAR_CLASS, 0x0304, 0x80, 0x40);
	rules_expect(test, &ctx->p[10], VFIO_AP_MIG_CHAR_BS_TARGET, 0x0304, 0, 1);
	rules_expect(test, &ctx->p[11], VFIO_AP_MIG_CHAR_EXISTS, 0x0305, 1, 0);
	rules_expect(test, &ctx->p[12], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0504, 14, 15);
	KUNIT_EXPECT_TRUE(test, ctx->p[12].change);
	rules_expect(test, &ctx->p[13], VFIO_AP_MIG_CHAR_AP_TYPE, 0x0505, 14, 13);
	rules_expect(test, &ctx->p[14], VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, 4, 1, 0);
}

static void check_lookup_error_stops(struct kunit *test)
{
	struct rules_ctx *ctx;

	rules_one(test, &ctx, RULES_GR2_CEX8_CCA, 0);
	ctx->fail_rc = -EIO;
	KUNIT_EXPECT_EQ(test, rules_run(ctx), -EIO);
	KUNIT_EXPECT_EQ(test, ctx->nr_p, 0);
}

static void check_no_queues_accepted(struct kunit *test)
{
	struct rules_ctx *ctx = rules_new(test);

	KUNIT_EXPECT_EQ(test, rules_run(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->lookups, 0);
}

static void control_domain_present_accepted(struct kunit *test)
{
	struct rules_ctx *ctx = rules_new(test);

	set_bit_inv(0, ctx->src.adm);
	set_bit_inv(255, ctx->src.adm);
	set_bit_inv(0, ctx->tgt.adm);
	set_bit_inv(255, ctx->tgt.adm);
	KUNIT_EXPECT_EQ(test, rules_run(ctx), 0);
}

/* A control domain the source guest did not have would widen its rights. */
static void control_domain_extra_refused(struct kunit *test)
{
	struct rules_ctx *ctx = rules_new(test);

	set_bit_inv(0, ctx->src.adm);
	set_bit_inv(0, ctx->tgt.adm);
	set_bit_inv(7, ctx->tgt.adm);
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 1);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN, 7, 0, 1);
	rules_expect_line(test, &ctx->p[0],
			  "control domain 0x0007: in the target mdev's guest, not in the source guest");
}

static void control_domain_missing_refused(struct kunit *test)
{
	struct rules_ctx *ctx = rules_new(test);

	set_bit_inv(0, ctx->src.adm);
	set_bit_inv(4, ctx->src.adm);
	set_bit_inv(255, ctx->src.adm);
	set_bit_inv(4, ctx->tgt.adm);
	KUNIT_ASSERT_EQ(test, rules_run(ctx), 2);
	rules_expect(test, &ctx->p[0], VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, 0, 1, 0);
	rules_expect(test, &ctx->p[1], VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, 255, 1, 0);
	rules_expect_line(test, &ctx->p[1],
			  "control domain 0x00ff: in the source guest, not in the target mdev's guest");
}

static void names_stable(struct kunit *test)
{
	enum vfio_ap_mig_char c;

	KUNIT_EXPECT_STREQ(test, vfio_ap_mig_char_name(VFIO_AP_MIG_CHAR_AP_TYPE),
			   "AP type");
	KUNIT_EXPECT_STREQ(test, vfio_ap_mig_char_name(VFIO_AP_MIG_CHAR_COUNT), "?");
	for (c = VFIO_AP_MIG_CHAR_EXISTS; c < VFIO_AP_MIG_CHAR_COUNT; c++)
		KUNIT_EXPECT_STRNEQ(test, vfio_ap_mig_char_name(c), "?");
}

static struct kunit_case vfio_ap_mig_rules_cases[] = {
	KUNIT_CASE(queue_identical_accepted),
	KUNIT_CASE(exists_missing_refused),
	KUNIT_CASE(binding_other_driver_refused),
	KUNIT_CASE(configured_deconfigured_refused),
	KUNIT_CASE(owner_other_mdev_refused),
	KUNIT_CASE(mode_equal_accepted),
	KUNIT_CASE(mode_changed_refused),
	KUNIT_CASE(facility_each_refused_both_ways),
	KUNIT_CASE(ap_type_newer_accepted),
	KUNIT_CASE(ap_type_older_refused),
	KUNIT_CASE(class_stateless_accepts_either),
	KUNIT_CASE(class_full_native_lost_refused),
	KUNIT_CASE(bs_nonzero_refused_each_side),
	KUNIT_CASE(gr2_unmasked_bits_ignored),
	KUNIT_CASE(check_reports_every_problem),
	KUNIT_CASE(check_lookup_error_stops),
	KUNIT_CASE(check_no_queues_accepted),
	KUNIT_CASE(control_domain_present_accepted),
	KUNIT_CASE(control_domain_missing_refused),
	KUNIT_CASE(control_domain_extra_refused),
	KUNIT_CASE(ml_smaller_refused),
	KUNIT_CASE(unusable_queue_is_one_problem),
	KUNIT_CASE(mdev_queues_missing_and_extra_refused),
	KUNIT_CASE(names_stable),
	{}
};

static struct kunit_suite vfio_ap_mig_rules_suite = {
	.name = "vfio_ap_mig_rules",
	.test_cases = vfio_ap_mig_rules_cases,
};

kunit_test_suite(vfio_ap_mig_rules_suite);
