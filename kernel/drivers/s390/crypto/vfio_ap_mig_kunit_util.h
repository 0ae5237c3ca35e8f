/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixture shared by the KUnit suites of the vfio_ap migration driver: a fake
 * host behind the static stubs of the host services, two open mdevs, user
 * memory, and helpers that walk the FSM and move bytes through the data
 * files. Each suite includes it; every function is static inline. The
 * fake host keeps one configuration generation for both mdevs: a test that
 * changes the guest moves it, as vfio_ap does.
 */
#ifndef _VFIO_AP_MIG_KUNIT_UTIL_H_
#define _VFIO_AP_MIG_KUNIT_UTIL_H_

#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_mig_irq.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

/* CEX8 in CCA mode, full native, facilities as a real card reports them. */
#define TEST_GR2_CEX8_CCA	(VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_AP4KC | \
				 VFIO_AP_MIG_GR2_CCA | VFIO_AP_MIG_GR2_APXA | \
				 (0x80ULL << VFIO_AP_MIG_GR2_CLASS_SHIFT) | \
				 (14ULL << VFIO_AP_MIG_GR2_AT_SHIFT))
#define TEST_GR2_CEX8_EP11	((TEST_GR2_CEX8_CCA & ~VFIO_AP_MIG_GR2_CCA) | \
				 VFIO_AP_MIG_GR2_EP11)
#define TEST_USER_BUF		(3U << 20)

/* The fake host both sides of a test migration live on. */
struct test_host {
	struct vfio_ap_mig_config guest;	/* the source guest's APCB */
	u64 generation;				/* moved by every change */
	struct vfio_ap_mig_config dst_guest;	/* the target mdev's guest */
	u64 target_gr2;				/* every target queue's GR2 */
	bool target_bound;
	bool se_guest;
	int read_calls;
	int check_calls;
	int verified;				/* checks that passed */
	struct vfio_ap_mig_config verified_cfg;	/* masks of the last one */
	int problems;
	int irq_suspends, irq_resumes, irq_holds, irq_drops;
	u32 irq_held;				/* queues the last hold got */
	struct ap_matrix_mdev *src, *dst;
	unsigned long ubuf;			/* userspace buffer */
	u8 *kbuf;
};

static inline struct test_host *test_host(void)
{
	return kunit_get_current_test()->priv;
}

/* Give @cfg the configuration apm x aqm + adm with CEX8 CCA queues. */
static inline void test_set_config(struct kunit *test, struct vfio_ap_mig_config *cfg,
				   const u8 *apids, int nr_apids, const u8 *apqis,
				   int nr_apqis, u8 cdom)
{
	u32 i;

	vfio_ap_mig_config_free(cfg);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_alloc(cfg, nr_apids * nr_apqis));
	for (i = 0; i < nr_apids; i++)
		set_bit_inv(apids[i], cfg->apm);
	for (i = 0; i < nr_apqis; i++)
		set_bit_inv(apqis[i], cfg->aqm);
	set_bit_inv(cdom, cfg->adm);
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_fill_apqns(cfg));
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = TEST_GR2_CEX8_CCA;
	if (kunit_get_current_test()->priv)
		test_host()->generation++;
}

/* The target mdev's guest gets the masks of @cfg. */
static inline void test_set_dst(struct vfio_ap_mig_config *dst,
				const struct vfio_ap_mig_config *cfg)
{
	bitmap_copy(dst->apm, cfg->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(dst->aqm, cfg->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(dst->adm, cfg->adm, VFIO_AP_MIG_IDS);
	test_host()->generation++;
}

static inline int fake_read_config(struct ap_matrix_mdev *matrix_mdev,
				   struct vfio_ap_mig_config *cfg, u64 *generation)
{
	struct test_host *h = test_host();
	u32 i = 0;
	int ret;

	h->read_calls++;
	*generation = h->generation;
	ret = vfio_ap_mig_config_alloc(cfg, h->guest.nr_queues);
	if (ret)
		return ret;
	bitmap_copy(cfg->apm, h->guest.apm, VFIO_AP_MIG_IDS);
	bitmap_copy(cfg->aqm, h->guest.aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(cfg->adm, h->guest.adm, VFIO_AP_MIG_IDS);
	memcpy(cfg->queues, h->guest.queues,
	       h->guest.nr_queues * sizeof(*cfg->queues));
	for (ret = 0; !ret && i < cfg->nr_queues; i++) {
		const struct vfio_ap_mig_queue *q = &h->guest.queues[i];

		cfg->queues[i].irq = 0;
		if (q->irq)
			ret = vfio_ap_mig_config_set_irq(cfg, i,
							 h->guest.irq_targets[q->irq - 1].isc,
							 h->guest.irq_targets[q->irq - 1].nib);
	}
	return ret;
}

static inline bool fake_is_se_guest(struct ap_matrix_mdev *matrix_mdev)
{
	return test_host()->se_guest;
}

static inline void fake_peek(struct ap_matrix_mdev *matrix_mdev, u64 *generation,
			     size_t *record_size)
{
	struct test_host *h = test_host();

	*generation = h->generation;
	*record_size = vfio_ap_mig_config_size(&h->guest);
}

/* The interruption services: counted (vfio_ap_mig_irq_kunit.c tests them). */
static inline int fake_irq_suspend(struct ap_matrix_mdev *matrix_mdev)
{
	test_host()->irq_suspends++;
	return 0;
}

static inline int fake_irq_hold(struct ap_matrix_mdev *matrix_mdev,
				const struct vfio_ap_mig_config *cfg)
{
	struct test_host *h = test_host();
	u32 i;

	h->irq_holds++;
	h->irq_held = 0;
	for (i = 0; i < cfg->nr_queues; i++)
		h->irq_held += !!cfg->queues[i].irq;
	return 0;
}

static inline void fake_irq_resume(struct ap_matrix_mdev *matrix_mdev)
{
	test_host()->irq_resumes++;
}

static inline void fake_irq_drop(struct ap_matrix_mdev *matrix_mdev)
{
	test_host()->irq_drops++;
}

static inline int fake_lookup(void *ctx, u16 apqn, struct vfio_ap_mig_target_queue *tq)
{
	struct test_host *h = ctx;

	tq->exists = true;
	tq->bound = h->target_bound;
	tq->in_use = false;
	tq->gr2 = h->target_gr2;
	return 0;
}

static inline int fake_check(struct ap_matrix_mdev *matrix_mdev,
			     const struct vfio_ap_mig_config *cfg,
			     vfio_ap_mig_report_t report, void *report_ctx,
			     u64 *generation)
{
	struct test_host *h = test_host();
	struct vfio_ap_mig_target tgt = { .lookup = fake_lookup, .ctx = h };
	int ret;

	h->check_calls++;
	*generation = h->generation;
	bitmap_copy(tgt.apm, h->dst_guest.apm, VFIO_AP_MIG_IDS);
	bitmap_copy(tgt.aqm, h->dst_guest.aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(tgt.adm, h->dst_guest.adm, VFIO_AP_MIG_IDS);
	ret = vfio_ap_mig_check(cfg, &tgt, report, report_ctx);
	h->problems = ret;
	if (ret)
		return ret;
	h->verified++;
	bitmap_copy(h->verified_cfg.apm, cfg->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(h->verified_cfg.aqm, cfg->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(h->verified_cfg.adm, cfg->adm, VFIO_AP_MIG_IDS);
	return 0;
}

static inline struct ap_matrix_mdev *test_mdev(struct kunit *test, const char *name)
{
	struct ap_matrix_mdev *m;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	m->vdev.dev = kunit_device_register(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m->vdev.dev);
	vfio_ap_mig_init(m);
	return m;
}

static inline int vfio_ap_mig_test_init(struct kunit *test)
{
	static const u8 apids[] = { 0x03, 0x05 }, apqis[] = { 0x04, 0x2a };
	struct test_host *h;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	test->priv = h;
	test_set_config(test, &h->guest, apids, 2, apqis, 2, 0x04);
	test_set_dst(&h->dst_guest, &h->guest);
	h->target_gr2 = TEST_GR2_CEX8_CCA;
	h->target_bound = true;

	h->ubuf = kunit_vm_mmap(test, NULL, 0, TEST_USER_BUF,
				PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, h->ubuf, 0UL, "no user memory");
	h->kbuf = kunit_kzalloc(test, TEST_USER_BUF, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h->kbuf);

	kunit_activate_static_stub(test, vfio_ap_mig_host_read_config, fake_read_config);
	kunit_activate_static_stub(test, vfio_ap_mig_host_is_se_guest, fake_is_se_guest);
	kunit_activate_static_stub(test, vfio_ap_mig_host_check, fake_check);
	kunit_activate_static_stub(test, vfio_ap_mig_host_peek, fake_peek);
	kunit_activate_static_stub(test, vfio_ap_mig_irq_suspend, fake_irq_suspend);
	kunit_activate_static_stub(test, vfio_ap_mig_irq_hold, fake_irq_hold);
	kunit_activate_static_stub(test, vfio_ap_mig_irq_resume, fake_irq_resume);
	kunit_activate_static_stub(test, vfio_ap_mig_irq_drop, fake_irq_drop);

	h->src = test_mdev(test, "vfio-ap-mig-src");
	h->dst = test_mdev(test, "vfio-ap-mig-dst");
	vfio_ap_mig_open(h->src);
	vfio_ap_mig_open(h->dst);
	return 0;
}

static inline void vfio_ap_mig_test_exit(struct kunit *test)
{
	struct test_host *h = test->priv;

	vfio_ap_mig_close(h->src);
	vfio_ap_mig_close(h->dst);
	vfio_ap_mig_release(h->src);
	vfio_ap_mig_release(h->dst);
	vfio_ap_mig_config_free(&h->guest);
	vfio_ap_mig_config_free(&h->dst_guest);
}

static inline struct file *set_state(struct ap_matrix_mdev *m, enum vfio_device_mig_state s)
{
	return m->vdev.mig_ops->migration_set_state(&m->vdev, s);
}

static inline enum vfio_device_mig_state get_state(struct ap_matrix_mdev *m)
{
	enum vfio_device_mig_state s = VFIO_DEVICE_STATE_ERROR;

	m->vdev.mig_ops->migration_get_state(&m->vdev, &s);
	return s;
}

static inline unsigned long data_size(struct kunit *test, struct ap_matrix_mdev *m)
{
	unsigned long len = 0;

	KUNIT_EXPECT_EQ(test, 0, m->vdev.mig_ops->migration_get_data_size(&m->vdev, &len));
	return len;
}

/* Walk @m to @s (one set_state call: the driver walks the arcs). */
static inline struct file *walk(struct kunit *test, struct ap_matrix_mdev *m,
				enum vfio_device_mig_state s)
{
	struct file *f = set_state(m, s);

	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(f), "to state %d: %d", s, PTR_ERR_OR_ZERO(f));
	KUNIT_EXPECT_EQ(test, get_state(m), s);
	return IS_ERR(f) ? NULL : f;
}

/* poll() says the file is readable, and nothing else. */
static inline bool test_readable(struct file *f)
{
	return f->f_op->poll(f, NULL) == (EPOLLIN | EPOLLRDNORM);
}

/* read() once through user memory into h->kbuf + @off. */
static inline ssize_t test_read(struct file *f, size_t off, size_t len)
{
	struct test_host *h = test_host();
	char __user *u = (char __user *)h->ubuf;
	ssize_t n;

	n = f->f_op->read(f, u, len, NULL);
	if (n > 0 && copy_from_user(h->kbuf + off, u, (size_t)n))
		return -EFAULT;
	return n;
}

/* Read until the end (0) or a temporary end (-ENOMSG); returns bytes. */
static inline size_t test_read_all(struct kunit *test, struct file *f, size_t off,
				   ssize_t expect_end)
{
	size_t total = 0;
	ssize_t n;

	while ((n = test_read(f, off + total, 100)) > 0)
		total += n;
	KUNIT_EXPECT_EQ(test, n, expect_end);
	return total;
}

static inline ssize_t test_write(struct file *f, const u8 *buf, size_t len)
{
	struct test_host *h = test_host();
	char __user *u = (char __user *)h->ubuf;

	/* Nothing to copy for an empty write (and no size check on 0). */
	if (len && copy_to_user(u, buf, len))
		return -EFAULT;
	return f->f_op->write(f, u, len, NULL);
}

/* Save h->src without pre-copy into h->kbuf; returns the stream length. */
static inline size_t save_stop_copy(struct kunit *test)
{
	struct test_host *h = test_host();
	struct file *f;
	size_t len;

	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	len = test_read_all(test, f, 0, 0);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	fput(f);
	return len;
}

#endif /* _VFIO_AP_MIG_KUNIT_UTIL_H_ */
