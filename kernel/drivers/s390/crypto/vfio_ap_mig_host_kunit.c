// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio_ap_mig_host.c in the parts that run without AP
 * instructions: the TAPQ instruction is a static stub and the destination's
 * view of the host is built by hand. This file is #included at the end of
 * vfio_ap_mig_host.c, to reach its static functions; it is not built alone.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>

/* What the stubbed TAPQ answers: a CEX8 in CCA mode. */
#define HOST_TEST_GR2	(VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_CCA | \
			 (0x80ULL << VFIO_AP_MIG_GR2_CLASS_SHIFT) | \
			 (14ULL << VFIO_AP_MIG_GR2_AT_SHIFT))

struct host_test {
	struct ap_matrix_mdev *mdev;
	unsigned int tapq_calls;
	unsigned int tapq_beyond;	/* TAPQs beyond the machine's ids */
	unsigned int problems[VFIO_AP_MIG_CHAR_COUNT];
};

static struct ap_queue_status host_test_tapq(u16 apqn, struct ap_tapq_hwinfo *info)
{
	struct host_test *ht = kunit_get_current_test()->priv;
	struct ap_queue_status status = {
		.response_code = AP_RESPONSE_NORMAL,
	};

	ht->tapq_calls++;
	/* On the machine this TAPQ is a specification exception. */
	if (AP_QID_CARD(apqn) > ht->mdev->matrix.apm_max ||
	    AP_QID_QUEUE(apqn) > ht->mdev->matrix.aqm_max)
		ht->tapq_beyond++;
	info->value = HOST_TEST_GR2;
	return status;
}

static void host_test_report(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct host_test *ht = ctx;

	if (p->what > 0 && p->what < VFIO_AP_MIG_CHAR_COUNT)
		ht->problems[p->what]++;
}

static void host_test_view_free(void *view)
{
	vfio_ap_mig_view_free(view);
}

/* The view vfio_ap_mig_view_init() makes, with every queue bound to vfio_ap. */
static struct vfio_ap_mig_host_view *
host_test_view(struct kunit *test, const struct vfio_ap_mig_config *cfg)
{
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_host_view *view;

	view = kunit_kzalloc(test, sizeof(*view), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, view);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_view_init(view, ht->mdev, cfg), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, host_test_view_free, view), 0);
	bitmap_fill(view->bound, cfg->nr_queues);
	bitmap_fill(view->host_apm, AP_DEVICES);
	bitmap_fill(view->host_aqm, AP_DOMAINS);
	return view;
}

static int host_test_init(struct kunit *test)
{
	struct host_test *ht;

	ht = kunit_kzalloc(test, sizeof(*ht), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ht);
	ht->mdev = kunit_kzalloc(test, sizeof(*ht->mdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ht->mdev);
	/* A machine without APXA: adapters 0-63, domains 0-15. */
	ht->mdev->matrix.apm_max = 63;
	ht->mdev->matrix.aqm_max = 15;
	ht->mdev->matrix.adm_max = 15;
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
	struct vfio_ap_mig_target target = { .lookup = vfio_ap_mig_view_lookup };
	struct vfio_ap_mig_config cfg;
	int i, ret;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < ARRAY_SIZE(apids); i++)
		set_bit_inv(apids[i], cfg.apm);
	for (i = 0; i < ARRAY_SIZE(apqis); i++)
		set_bit_inv(apqis[i], cfg.aqm);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_fill_apqns(&cfg));
	for (i = 0; i < cfg.nr_queues; i++)
		cfg.queues[i].gr2 = HOST_TEST_GR2;
	target.ctx = host_test_view(test, &cfg);
	bitmap_fill(target.adm, VFIO_AP_MIG_IDS);

	ret = vfio_ap_mig_check(&cfg, &target, host_test_report, ht);
	/* Only 05.0004 is within adapters 0-63 and domains 0-15. */
	KUNIT_EXPECT_EQ(test, ht->tapq_beyond, 0);
	KUNIT_EXPECT_EQ(test, ht->tapq_calls, 1);
	KUNIT_EXPECT_EQ(test, ret, 5);
	KUNIT_EXPECT_EQ(test, ht->problems[VFIO_AP_MIG_CHAR_EXISTS], 5);
	vfio_ap_mig_config_free(&cfg);
}

/*
 * A queue whose adapter is not in this host's AP configuration would be
 * filtered out of the guest by vfio_ap: the check must refuse it.
 */
static void host_lookup_deconfigured_adapter_refused(struct kunit *test)
{
	struct host_test *ht = test->priv;
	struct vfio_ap_mig_target target = { .lookup = vfio_ap_mig_view_lookup };
	struct vfio_ap_mig_host_view *view;
	struct vfio_ap_mig_config cfg;
	int i, ret;

	memset(&cfg, 0, sizeof(cfg));
	set_bit_inv(0x03, cfg.apm);
	set_bit_inv(0x05, cfg.apm);
	set_bit_inv(0x04, cfg.aqm);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_fill_apqns(&cfg));
	for (i = 0; i < cfg.nr_queues; i++)
		cfg.queues[i].gr2 = HOST_TEST_GR2;
	view = host_test_view(test, &cfg);
	clear_bit_inv(0x05, view->host_apm);
	target.ctx = view;
	bitmap_fill(target.adm, VFIO_AP_MIG_IDS);

	ret = vfio_ap_mig_check(&cfg, &target, host_test_report, ht);
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, ht->problems[VFIO_AP_MIG_CHAR_CONFIGURED], 1);
	vfio_ap_mig_config_free(&cfg);
}

static struct kunit_case vfio_ap_mig_host_cases[] = {
	KUNIT_CASE(host_lookup_beyond_max_ids_no_tapq),
	KUNIT_CASE(host_lookup_deconfigured_adapter_refused),
	{}
};

static struct kunit_suite vfio_ap_mig_host_suite = {
	.name = "vfio_ap_mig_host",
	.init = host_test_init,
	.test_cases = vfio_ap_mig_host_cases,
};

kunit_test_suite(vfio_ap_mig_host_suite);
