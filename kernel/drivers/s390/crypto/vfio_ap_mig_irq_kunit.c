// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio_ap_mig_irq.c: a guest's interruption registrations
 * suspended, held, registered again and kicked. AQIC (with the NIB check,
 * the pinning and the GISC registration behind it) and the kick are
 * stubbed: TCG has no AP instructions and no GISA. Every failure they can
 * report is played: the queue stays off, the guest is kicked all the same.
 */

#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <asm/ap.h>

#include "vfio_ap_private.h"
#include "vfio_ap_mig_irq.h"
#include "vfio_ap_mig_stream.h"

#define TEST_NIB	0x10000ULL
#define TEST_ISC	3
#define TEST_MAX_CALLS	300

struct irq_call {
	u16 apqn;
	u8 isc;
	u64 nib;
};

/* The fake AP and KVM behind the stubs, and what they were asked. */
struct irq_fixture {
	struct ap_matrix_dev lent;		/* matrix_dev when vfio_ap has none */
	bool lending;
	struct ap_matrix_mdev *mdev;
	struct vfio_ap_queue *queues[4];
	int fail_apqn;				/* AQIC on it answers fail_rc */
	u8 fail_rc;
	int kick_err;
	struct irq_call on[TEST_MAX_CALLS], kicks[TEST_MAX_CALLS];
	int nr_on, nr_off, nr_kicks;
};

static struct irq_fixture *fx(struct kunit *test)
{
	return test->priv;
}

static u8 fake_aqic_on(struct vfio_ap_queue *q, u8 isc, u64 nib)
{
	struct irq_fixture *f = fx(kunit_get_current_test());

	if (f->nr_on < TEST_MAX_CALLS)
		f->on[f->nr_on] = (struct irq_call){ q->apqn, isc, nib };
	f->nr_on++;
	if (q->apqn == f->fail_apqn)
		return f->fail_rc;
	q->saved_isc = isc;
	q->saved_iova = nib;
	return AP_RESPONSE_NORMAL;
}

static void fake_aqic_off(struct vfio_ap_queue *q)
{
	fx(kunit_get_current_test())->nr_off++;
	q->saved_isc = VFIO_AP_ISC_INVALID;
	q->saved_iova = 0;
}

static int fake_kick(struct ap_matrix_mdev *matrix_mdev, u8 isc, u64 nib)
{
	struct irq_fixture *f = fx(kunit_get_current_test());

	if (f->nr_kicks < TEST_MAX_CALLS)
		f->kicks[f->nr_kicks] = (struct irq_call){ 0, isc, nib };
	f->nr_kicks++;
	return f->kick_err;
}

/* An mdev whose guest has queues 03.0005, 03.0006, 04.0005, 04.0006. */
static int irq_test_init(struct kunit *test)
{
	static const u16 apqns[] = { 0x0305, 0x0306, 0x0405, 0x0406 };
	struct ap_matrix_dev **md = vfio_ap_mig_irq_test_matrix_dev();
	struct irq_fixture *f;
	struct vfio_ap_queue *q;
	int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	test->priv = f;
	if (!*md) {
		mutex_init(&f->lent.mdevs_lock);
		*md = &f->lent;
		f->lending = true;
	}
	f->fail_apqn = -1;
	f->mdev = kunit_kzalloc(test, sizeof(*f->mdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->mdev);
	f->mdev->vdev.dev = kunit_device_register(test, "vfio-ap-mig-irq");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->mdev->vdev.dev);
	hash_init(f->mdev->qtable.queues);
	for (i = 0; i < ARRAY_SIZE(apqns); i++) {
		q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, q);
		q->apqn = apqns[i];
		q->matrix_mdev = f->mdev;
		q->saved_isc = VFIO_AP_ISC_INVALID;
		hash_add(f->mdev->qtable.queues, &q->mdev_qnode, q->apqn);
		set_bit_inv(AP_QID_CARD(q->apqn), f->mdev->shadow_apcb.apm);
		set_bit_inv(AP_QID_QUEUE(q->apqn), f->mdev->shadow_apcb.aqm);
		f->queues[i] = q;
	}
	kunit_activate_static_stub(test, vfio_ap_mig_irq_aqic_on, fake_aqic_on);
	kunit_activate_static_stub(test, vfio_ap_mig_irq_aqic_off, fake_aqic_off);
	kunit_activate_static_stub(test, vfio_ap_mig_irq_kick, fake_kick);
	return 0;
}

static void irq_test_exit(struct kunit *test)
{
	struct irq_fixture *f = fx(test);

	vfio_ap_mig_irq_drop(f->mdev);
	if (f->lending)
		*vfio_ap_mig_irq_test_matrix_dev() = NULL;
}

/* The guest registered interruptions on queues @mask (bit i: queues[i]). */
static void guest_registers(struct irq_fixture *f, unsigned int mask, u8 isc, u64 nib)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(f->queues); i++) {
		if (mask & BIT(i)) {
			f->queues[i]->saved_isc = isc;
			f->queues[i]->saved_iova = nib;
		}
	}
}

/* The guest's configuration, its queues listed, registrations read. */
static void read_cfg(struct kunit *test, struct vfio_ap_mig_config *cfg)
{
	struct irq_fixture *f = fx(test);

	memset(cfg, 0, sizeof(*cfg));
	bitmap_copy(cfg->apm, f->mdev->shadow_apcb.apm, VFIO_AP_MIG_IDS);
	bitmap_copy(cfg->aqm, f->mdev->shadow_apcb.aqm, VFIO_AP_MIG_IDS);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_fill_apqns(cfg));
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_read(f->mdev, cfg));
}

static void suspend_turns_off_and_holds(struct kunit *test)
{
	struct irq_fixture *f = fx(test);
	struct vfio_ap_mig_config cfg;

	guest_registers(f, BIT(0) | BIT(2), TEST_ISC, TEST_NIB);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_suspend(f->mdev));
	KUNIT_EXPECT_EQ(test, f->nr_off, 2);
	KUNIT_EXPECT_EQ(test, f->queues[0]->saved_isc, VFIO_AP_ISC_INVALID);
	KUNIT_EXPECT_EQ(test, f->mdev->mig.nr_irq_held, 2U);

	/* The stream still carries what the guest registered. */
	read_cfg(test, &cfg);
	KUNIT_EXPECT_EQ(test, cfg.nr_irq_targets, 1);
	KUNIT_EXPECT_EQ(test, cfg.queues[0].irq, 1);
	KUNIT_EXPECT_EQ(test, cfg.queues[1].irq, 0);
	KUNIT_EXPECT_EQ(test, cfg.queues[2].irq, 1);
	KUNIT_EXPECT_EQ(test, cfg.irq_targets[0].nib, TEST_NIB);
	KUNIT_EXPECT_EQ(test, cfg.irq_targets[0].isc, TEST_ISC);
	mutex_lock(&(*vfio_ap_mig_irq_test_matrix_dev())->mdevs_lock);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_irq_nr_targets(f->mdev), 1);
	mutex_unlock(&(*vfio_ap_mig_irq_test_matrix_dev())->mdevs_lock);
	vfio_ap_mig_config_free(&cfg);
	KUNIT_EXPECT_EQ(test, f->nr_on, 0);
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 0);
}

/* The aborted migration: everything back, one kick for the one target. */
static void resume_registers_and_kicks_once(struct kunit *test)
{
	struct irq_fixture *f = fx(test);

	guest_registers(f, BIT(0) | BIT(1) | BIT(3), TEST_ISC, TEST_NIB);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_suspend(f->mdev));
	vfio_ap_mig_irq_resume(f->mdev);
	KUNIT_EXPECT_EQ(test, f->nr_on, 3);
	KUNIT_EXPECT_EQ(test, f->on[0].apqn, 0x0305);
	KUNIT_EXPECT_EQ(test, f->on[2].apqn, 0x0406);
	KUNIT_EXPECT_EQ(test, f->on[1].nib, TEST_NIB);
	KUNIT_EXPECT_EQ(test, f->queues[3]->saved_isc, TEST_ISC);
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 1);
	KUNIT_EXPECT_EQ(test, f->kicks[0].isc, TEST_ISC);
	KUNIT_EXPECT_EQ(test, f->kicks[0].nib, TEST_NIB);
	KUNIT_EXPECT_EQ(test, f->mdev->mig.nr_irq_held, 0U);
	KUNIT_EXPECT_NULL(test, f->mdev->mig.irq_held);
}

/*
 * Each way the registration fails on hardware: the NIB outside the
 * guest's memory, the pin or the GISC registration (all answered as an
 * invalid address), the queue changed, gone or check-stopped meanwhile.
 */
static const u8 register_failures[] = {
	AP_RESPONSE_INVALID_ADDRESS, AP_RESPONSE_OTHERWISE_CHANGED,
	AP_RESPONSE_Q_NOT_AVAIL, AP_RESPONSE_DECONFIGURED,
	AP_RESPONSE_CHECKSTOPPED, AP_RESPONSE_BUSY,
};

static void register_failure_desc(const u8 *rc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "response 0x%02x", *rc);
}

KUNIT_ARRAY_PARAM(register_failure, register_failures, register_failure_desc);

static void resume_failure_leaves_the_queue_off(struct kunit *test)
{
	struct irq_fixture *f = fx(test);
	const u8 *rc = test->param_value;

	guest_registers(f, BIT(0) | BIT(1), TEST_ISC, TEST_NIB);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_suspend(f->mdev));
	f->fail_apqn = 0x0305;
	f->fail_rc = *rc;
	vfio_ap_mig_irq_resume(f->mdev);
	KUNIT_EXPECT_EQ(test, f->nr_on, 2);
	KUNIT_EXPECT_EQ(test, f->queues[0]->saved_isc, VFIO_AP_ISC_INVALID);
	KUNIT_EXPECT_EQ(test, f->queues[1]->saved_isc, TEST_ISC);
	/* The guest polls the queue left off: it is kicked all the same. */
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 1);
}

/* The destination: what the stream carried, on the prepared queues. */
static void hold_then_resume_on_the_destination(struct kunit *test)
{
	struct irq_fixture *f = fx(test);
	struct vfio_ap_mig_config cfg;

	read_cfg(test, &cfg);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_set_irq(&cfg, 0, 2, TEST_NIB));
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_set_irq(&cfg, 1, 2, TEST_NIB));
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_set_irq(&cfg, 3, 5, TEST_NIB + 8));
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_hold(f->mdev, &cfg));
	vfio_ap_mig_config_free(&cfg);
	/* Nothing touches the hardware before the guest is about to run. */
	KUNIT_EXPECT_EQ(test, f->nr_on, 0);
	KUNIT_EXPECT_EQ(test, f->mdev->mig.nr_irq_held, 3U);

	vfio_ap_mig_irq_resume(f->mdev);
	KUNIT_EXPECT_EQ(test, f->nr_on, 3);
	KUNIT_EXPECT_EQ(test, f->on[2].apqn, 0x0406);
	KUNIT_EXPECT_EQ(test, f->on[2].isc, 5);
	KUNIT_EXPECT_EQ(test, f->on[2].nib, TEST_NIB + 8);
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 2);
}

/* A held queue the destination mdev does not give its guest: left off. */
static void resume_skips_a_queue_that_is_gone(struct kunit *test)
{
	struct irq_fixture *f = fx(test);

	guest_registers(f, BIT(0) | BIT(3), TEST_ISC, TEST_NIB);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_suspend(f->mdev));
	clear_bit_inv(0x04, f->mdev->shadow_apcb.apm);
	vfio_ap_mig_irq_resume(f->mdev);
	KUNIT_EXPECT_EQ(test, f->nr_on, 1);
	KUNIT_EXPECT_EQ(test, f->on[0].apqn, 0x0305);
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 1);
}

/* A kick that fails is logged; the resume and the migration go on. */
static void kick_failure_is_not_fatal(struct kunit *test)
{
	struct irq_fixture *f = fx(test);

	guest_registers(f, BIT(0), TEST_ISC, TEST_NIB);
	guest_registers(f, BIT(1), TEST_ISC + 1, TEST_NIB);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_suspend(f->mdev));
	f->kick_err = -EFAULT;
	vfio_ap_mig_irq_resume(f->mdev);
	KUNIT_EXPECT_EQ(test, f->nr_on, 2);
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 2);
	KUNIT_EXPECT_EQ(test, f->mdev->mig.nr_irq_held, 0U);
}

/* A reset or close forgets what is held: nothing to register, no kick. */
static void drop_forgets(struct kunit *test)
{
	struct irq_fixture *f = fx(test);

	guest_registers(f, BIT(2), TEST_ISC, TEST_NIB);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_suspend(f->mdev));
	vfio_ap_mig_irq_drop(f->mdev);
	vfio_ap_mig_irq_resume(f->mdev);
	KUNIT_EXPECT_EQ(test, f->nr_on, 0);
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 0);
}

/* A guest without interruptions: no AQIC, no kick either way. */
static void polling_guest_is_left_alone(struct kunit *test)
{
	struct irq_fixture *f = fx(test);

	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_irq_suspend(f->mdev));
	vfio_ap_mig_irq_resume(f->mdev);
	KUNIT_EXPECT_EQ(test, f->nr_off, 0);
	KUNIT_EXPECT_EQ(test, f->nr_on, 0);
	KUNIT_EXPECT_EQ(test, f->nr_kicks, 0);
}

static struct kunit_case vfio_ap_mig_irq_cases[] = {
	KUNIT_CASE(suspend_turns_off_and_holds),
	KUNIT_CASE(resume_registers_and_kicks_once),
	KUNIT_CASE_PARAM(resume_failure_leaves_the_queue_off, register_failure_gen_params),
	KUNIT_CASE(hold_then_resume_on_the_destination),
	KUNIT_CASE(resume_skips_a_queue_that_is_gone),
	KUNIT_CASE(kick_failure_is_not_fatal),
	KUNIT_CASE(drop_forgets),
	KUNIT_CASE(polling_guest_is_left_alone),
	{}
};

static struct kunit_suite vfio_ap_mig_irq_suite = {
	.name = "vfio_ap_mig_irq",
	.init = irq_test_init,
	.exit = irq_test_exit,
	.test_cases = vfio_ap_mig_irq_cases,
};

kunit_test_suite(vfio_ap_mig_irq_suite);
