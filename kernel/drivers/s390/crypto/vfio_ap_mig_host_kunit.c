// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio_ap_mig_host.c in the parts that run without AP
 * instructions: the TAPQ instruction is a static stub and the destination's
 * view of the host is built by hand.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <asm/ap.h>

#include "ap_bus.h"
#include "vfio_ap_mig_host_internal.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

/* What the stubbed TAPQ answers: a CEX8 in CCA mode. */
#define HOST_TEST_GR2	(VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_CCA | \
			 (0x80ULL << VFIO_AP_MIG_GR2_CLASS_SHIFT) | \
			 (14ULL << VFIO_AP_MIG_GR2_AT_SHIFT))

struct host_test {
	struct vfio_ap_mig_host_ids ids;
	unsigned int tapq_calls;
	unsigned int tapq_beyond;	/* TAPQs beyond the machine's ids */
	u8 response_code;		/* what TAPQ answers */
	unsigned int problems[VFIO_AP_MIG_CHAR_COUNT];
};

static struct ap_queue_status host_test_tapq(u16 apqn, struct ap_tapq_hwinfo *info)
{
	struct host_test *ht = kunit_get_current_test()->priv;
	struct ap_queue_status status = {
		.response_code = ht->response_code,
	};

	ht->tapq_calls++;
	/* On the machine this TAPQ is a specification exception. */
	if (AP_QID_CARD(apqn) > ht->ids.apm_max ||
	    AP_QID_QUEUE(apqn) > ht->ids.aqm_max)
		ht->tapq_beyond++;
	info->value = HOST_TEST_GR2;
	return status;
}

static void host_test_report(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct host_test *ht = ctx;

	if (p->what > 0 && p->what < VFIO_AP_MIG_CHAR_COUNT && !p->change)
		ht->problems[p->what]++;
}

static void host_test_view_free(void *view)
{
	vfio_ap_mig_view_free(view);
}

static void host_test_cfg_free(void *cfg)
{
	vfio_ap_mig_config_free(cfg);
}

/* A configuration of @apids x @apqis, each queue a CEX8 in CCA mode. */
static struct vfio_ap_mig_config *
host_test_cfg(struct kunit *test, const u8 *apids, int nr_apids,
	      const u8 *apqis, int nr_apqis)
{
	struct vfio_ap_mig_config *cfg;
	int i;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	for (i = 0; i < nr_apids; i++)
		set_bit_inv(apids[i], cfg->apm);
	for (i = 0; i < nr_apqis; i++)
		set_bit_inv(apqis[i], cfg->aqm);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_fill_apqns(cfg));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, host_test_cfg_free, cfg));
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = HOST_TEST_GR2;
	return cfg;
}

/*
 * The view vfio_ap_mig_view_init() makes, with every queue bound to vfio_ap
 * and configured, and the target mdev giving its guest exactly @cfg.
 */
static struct vfio_ap_mig_host_view *
host_test_view(struct kunit *test, const struct vfio_ap_mig_config *cfg)
{
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_host_view *view;

	view = kunit_kzalloc(test, sizeof(*view), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, view);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_view_init(view, cfg), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, host_test_view_free, view), 0);
	view->ids = ht->ids;
	bitmap_fill(view->bound, cfg->nr_queues);
	bitmap_fill(view->host_apm, VFIO_AP_MIG_IDS);
	bitmap_fill(view->host_aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(view->target.apm, cfg->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(view->target.aqm, cfg->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(view->target.adm, cfg->adm, VFIO_AP_MIG_IDS);
	return view;
}

static int host_test_init(struct kunit *test)
{
	struct host_test *ht;

	ht = kunit_kzalloc(test, sizeof(*ht), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ht);
	/* A machine without APXA: adapters 0-63, domains 0-15. */
	ht->ids.apm_max = 63;
	ht->ids.aqm_max = 15;
	ht->response_code = AP_RESPONSE_NORMAL;
	test->priv = ht;
	kunit_activate_static_stub(test, vfio_ap_mig_test_queue, host_test_tapq);
	return 0;
}

/*
 * The incoming configuration is whatever userspace wrote: a queue whose
 * adapter or domain is beyond this machine's highest id does not exist
 * here, and is never tested with TAPQ.
 */
static void host_lookup_beyond_max_ids_no_tapq(struct kunit *test)
{
	static const u8 apids[] = { 0x05, 0x40, 0xff }, apqis[] = { 0x04, 0x10 };
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_host_view *view;
	struct vfio_ap_mig_config *cfg;
	int ret;

	cfg = host_test_cfg(test, apids, ARRAY_SIZE(apids), apqis, ARRAY_SIZE(apqis));
	view = host_test_view(test, cfg);
	ret = vfio_ap_mig_check(cfg, &view->target, host_test_report, ht);
	/* Only 05.0004 is within adapters 0-63 and domains 0-15. */
	KUNIT_EXPECT_EQ(test, ht->tapq_beyond, 0);
	KUNIT_EXPECT_EQ(test, ht->tapq_calls, 1);
	KUNIT_EXPECT_EQ(test, ret, 5);
	KUNIT_EXPECT_EQ(test, ht->problems[VFIO_AP_MIG_CHAR_EXISTS], 5);
}

/*
 * A queue whose adapter is not in this host's AP configuration would be
 * filtered out of the guest by vfio_ap: the check refuses it, once.
 */
static void host_lookup_deconfigured_adapter_refused(struct kunit *test)
{
	static const u8 apids[] = { 0x03, 0x05 }, apqis[] = { 0x04 };
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_host_view *view;
	struct vfio_ap_mig_config *cfg;
	int ret;

	cfg = host_test_cfg(test, apids, ARRAY_SIZE(apids), apqis, ARRAY_SIZE(apqis));
	view = host_test_view(test, cfg);
	clear_bit_inv(0x05, view->host_apm);
	ret = vfio_ap_mig_check(cfg, &view->target, host_test_report, ht);
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, ht->problems[VFIO_AP_MIG_CHAR_CONFIGURED], 1);
}

/* TAPQ's response codes map to what the rules know, and nothing else passes. */
static void host_tapq_answers_classified(struct kunit *test)
{
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_tapq_answer a;

	KUNIT_EXPECT_EQ(test, vfio_ap_mig_tapq(&ht->ids, 0x0304, &a), 0);
	KUNIT_EXPECT_FALSE(test, a.absent);
	KUNIT_EXPECT_EQ(test, a.gr2, HOST_TEST_GR2);

	ht->response_code = AP_RESPONSE_Q_NOT_AVAIL;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_tapq(&ht->ids, 0x0304, &a), 0);
	KUNIT_EXPECT_TRUE(test, a.absent);

	ht->response_code = AP_RESPONSE_DECONFIGURED;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_tapq(&ht->ids, 0x0304, &a), 0);
	KUNIT_EXPECT_TRUE(test, a.deconfigured);

	ht->response_code = AP_RESPONSE_CHECKSTOPPED;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_tapq(&ht->ids, 0x0304, &a), 0);
	KUNIT_EXPECT_TRUE(test, a.checkstopped);
	KUNIT_EXPECT_EQ(test, a.gr2, HOST_TEST_GR2);

	ht->response_code = AP_RESPONSE_INVALID_ADDRESS;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_tapq(&ht->ids, 0x0304, &a), -EIO);

	ht->tapq_calls = 0;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_tapq(&ht->ids, 0x4004, &a), 0);
	KUNIT_EXPECT_TRUE(test, a.absent);
	KUNIT_EXPECT_EQ(test, ht->tapq_calls, 0);
}

/* A check-stopped target queue is one problem, with nothing derived from it. */
static void host_lookup_checkstopped_one_problem(struct kunit *test)
{
	static const u8 apids[] = { 0x03 }, apqis[] = { 0x04 };
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_host_view *view;
	struct vfio_ap_mig_config *cfg;

	cfg = host_test_cfg(test, apids, 1, apqis, 1);
	view = host_test_view(test, cfg);
	ht->response_code = AP_RESPONSE_CHECKSTOPPED;
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_check(cfg, &view->target, host_test_report, ht), 1);
	KUNIT_EXPECT_EQ(test, ht->problems[VFIO_AP_MIG_CHAR_CHECKSTOPPED], 1);
}

/* A queue another mdev has is reported as such, bound to vfio_ap or not. */
static void host_lookup_owner_whatever_binding(struct kunit *test)
{
	static const u8 apids[] = { 0x03 }, apqis[] = { 0x04, 0x05 };
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_host_view *view;
	struct vfio_ap_mig_config *cfg;

	cfg = host_test_cfg(test, apids, 1, apqis, 2);
	view = host_test_view(test, cfg);
	bitmap_fill(view->in_use, cfg->nr_queues);
	clear_bit(1, view->bound);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_check(cfg, &view->target, host_test_report, ht), 3);
	KUNIT_EXPECT_EQ(test, ht->problems[VFIO_AP_MIG_CHAR_OWNER], 2);
	KUNIT_EXPECT_EQ(test, ht->problems[VFIO_AP_MIG_CHAR_BINDING], 1);
}

static struct kunit_case vfio_ap_mig_host_cases[] = {
	KUNIT_CASE(host_lookup_beyond_max_ids_no_tapq),
	KUNIT_CASE(host_lookup_deconfigured_adapter_refused),
	KUNIT_CASE(host_tapq_answers_classified),
	KUNIT_CASE(host_lookup_checkstopped_one_problem),
	KUNIT_CASE(host_lookup_owner_whatever_binding),
	{}
};

static struct kunit_suite vfio_ap_mig_host_suite = {
	.name = "vfio_ap_mig_host",
	.init = host_test_init,
	.test_cases = vfio_ap_mig_host_cases,
};

kunit_test_suite(vfio_ap_mig_host_suite);
