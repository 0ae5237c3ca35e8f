// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap migration: the host services of vfio_ap_mig_host.h on real s390
 * hardware. Each entry point is a KUnit static-stub point, since TCG has no
 * AP instructions; userspace implements the same functions in its simulator.
 *
 * Locking: what is needed is copied under matrix_dev->mdevs_lock (and
 * guests_lock to walk the mdev list); TAPQ runs after both are dropped, so
 * no vfio_ap-global lock and no kvm->lock is held across AP instructions.
 * A change racing the TAPQs bumps the mdev's cfg_generation, which the
 * caller compares later.
 */

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <asm/ap.h>

#include "ap_bus.h"
#include "vfio_ap_private.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_mig_host_internal.h"
#include "vfio_ap_mig_irq.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

/**
 * vfio_ap_mig_test_queue - TAPQ with the T bit; a KUnit stub point
 * @apqn: the queue
 * @info: receives GR2
 *
 * Return: the AP queue status TAPQ answers.
 */
VISIBLE_IF_KUNIT struct ap_queue_status
vfio_ap_mig_test_queue(u16 apqn, struct ap_tapq_hwinfo *info)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_test_queue, apqn, info);
	return ap_test_queue(apqn, 1, info);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_test_queue);

/*
 * TAPQ on one queue of a machine with @ids. An id beyond the machine's
 * highest one names no queue; TAPQ on it would be a specification
 * exception. Returns 0 or -EIO for an answer that says nothing.
 */
VISIBLE_IF_KUNIT int vfio_ap_mig_tapq(const struct vfio_ap_mig_host_ids *ids, u16 apqn,
				      struct vfio_ap_mig_tapq_answer *a)
{
	struct ap_tapq_hwinfo info = {};
	struct ap_queue_status status;

	memset(a, 0, sizeof(*a));
	if (AP_QID_CARD(apqn) > ids->apm_max || AP_QID_QUEUE(apqn) > ids->aqm_max) {
		a->absent = true;
		return 0;
	}
	status = vfio_ap_mig_test_queue(apqn, &info);
	switch (status.response_code) {
	case AP_RESPONSE_DECONFIGURED:
		a->deconfigured = true;
		break;
	case AP_RESPONSE_CHECKSTOPPED:
		a->checkstopped = true;
		break;
	case AP_RESPONSE_NORMAL:
	case AP_RESPONSE_RESET_IN_PROGRESS:
	case AP_RESPONSE_BUSY:
		break;
	case AP_RESPONSE_Q_NOT_AVAIL:
		a->absent = true;
		return 0;
	default:
		return -EIO;
	}
	a->gr2 = info.value;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_tapq);

/* The source's TAPQ: a queue of the guest that vanished is -ENODEV. */
static int vfio_ap_mig_source_tapq(void *ctx, u16 apqn, u64 *gr2)
{
	struct vfio_ap_mig_tapq_answer a;
	int ret;

	ret = vfio_ap_mig_tapq(ctx, apqn, &a);
	if (ret)
		return ret;
	if (a.absent)
		return -ENODEV;
	*gr2 = a.gr2;
	return 0;
}

/**
 * vfio_ap_mig_host_is_se_guest - is Secure Execution in play for an mdev
 * @matrix_mdev: the mdev whose guest would migrate
 *
 * Return: true if the mdev's KVM guest is protected, or this host is itself
 * an SE guest: its AP queues carry SE bind state and cannot migrate.
 */
bool vfio_ap_mig_host_is_se_guest(struct ap_matrix_mdev *matrix_mdev)
{
	bool protected = false;
	struct kvm *kvm;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_is_se_guest, matrix_mdev);

	if (ap_is_se_guest())
		return true;
	/* guests_lock keeps the KVM pointer; the PV check wants kvm->lock. */
	mutex_lock(&matrix_dev->guests_lock);
	kvm = matrix_mdev->kvm;
	if (kvm) {
		mutex_lock(&kvm->lock);
		protected = kvm_s390_pv_is_protected(kvm);
		mutex_unlock(&kvm->lock);
	}
	mutex_unlock(&matrix_dev->guests_lock);
	return protected;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_is_se_guest);

/**
 * vfio_ap_mig_host_peek - generation and record size of an mdev's guest
 * @matrix_mdev: the mdev
 * @generation: receives its configuration generation
 * @record_size: receives the exact size of a configuration record of its
 *		 guest as it is now
 *
 * No hardware access; the size is computed once per generation.
 */
void vfio_ap_mig_host_peek(struct ap_matrix_mdev *matrix_mdev, u64 *generation,
			   size_t *record_size)
{
	const struct ap_matrix *apcb = &matrix_mdev->shadow_apcb;
	struct vfio_ap_migration *mig = &matrix_mdev->mig;
	u16 nr_targets;
	u32 nr_queues;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_peek, matrix_mdev,
				   generation, record_size);

	mutex_lock(&matrix_dev->mdevs_lock);
	*generation = matrix_mdev->cfg_generation;
	if (!mig->record_size || mig->size_gen != *generation) {
		nr_queues = bitmap_weight(apcb->apm, AP_DEVICES) *
			    bitmap_weight(apcb->aqm, AP_DOMAINS);
		nr_targets = vfio_ap_mig_irq_nr_targets(matrix_mdev);
		mig->record_size = vfio_ap_mig_config_record_size_irq(nr_queues,
								      nr_targets);
		mig->size_gen = *generation;
	}
	*record_size = mig->record_size;
	mutex_unlock(&matrix_dev->mdevs_lock);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_peek);

/**
 * vfio_ap_mig_host_read_config - snapshot the guest's AP configuration
 * @matrix_mdev: the source mdev
 * @cfg: filled with the guest's APCB and each queue's masked GR2
 * @generation: receives the generation the APCB was copied at
 *
 * Return: 0, or -errno (-ENODEV if a queue of the guest vanished).
 */
int vfio_ap_mig_host_read_config(struct ap_matrix_mdev *matrix_mdev,
				 struct vfio_ap_mig_config *cfg, u64 *generation)
{
	DECLARE_BITMAP(apm, AP_DEVICES);
	DECLARE_BITMAP(aqm, AP_DOMAINS);
	DECLARE_BITMAP(adm, AP_DOMAINS);
	struct vfio_ap_mig_host_ids ids;
	u16 failed = 0;
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_read_config, matrix_mdev,
				   cfg, generation);

	mutex_lock(&matrix_dev->mdevs_lock);
	bitmap_copy(apm, matrix_mdev->shadow_apcb.apm, AP_DEVICES);
	bitmap_copy(aqm, matrix_mdev->shadow_apcb.aqm, AP_DOMAINS);
	bitmap_copy(adm, matrix_mdev->shadow_apcb.adm, AP_DOMAINS);
	ids.apm_max = matrix_mdev->matrix.apm_max;
	ids.aqm_max = matrix_mdev->matrix.aqm_max;
	*generation = matrix_mdev->cfg_generation;
	mutex_unlock(&matrix_dev->mdevs_lock);

	ret = vfio_ap_mig_config_build(cfg, apm, aqm, adm, vfio_ap_mig_source_tapq,
				       &ids, &failed);
	if (!ret) {
		ret = vfio_ap_mig_irq_read(matrix_mdev, cfg);
		if (ret)
			vfio_ap_mig_config_free(cfg);
		return ret;
	}
	if (ret != -ENOMEM)
		dev_err_ratelimited(matrix_mdev->vdev.dev,
				    "migration: cannot read queue %02x.%04x of the guest: %d\n",
				    VFIO_AP_MIG_APID(failed), VFIO_AP_MIG_APQI(failed), ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_read_config);

/* Index of @apqn in view->cfg->queues (apm x aqm in ascending order). */
static u32 vfio_ap_mig_view_index(const struct vfio_ap_mig_host_view *view, u16 apqn)
{
	u32 nr_domains = bitmap_weight(view->cfg->aqm, AP_DOMAINS);

	return view->arank[VFIO_AP_MIG_APID(apqn)] * nr_domains +
	       view->drank[VFIO_AP_MIG_APQI(apqn)];
}

static bool vfio_ap_mig_view_has(const struct vfio_ap_mig_host_view *view, u16 apqn)
{
	return test_bit_inv(AP_QID_CARD(apqn), view->cfg->apm) &&
	       test_bit_inv(AP_QID_QUEUE(apqn), view->cfg->aqm);
}

/* For each queue bound to vfio_ap: note it if the incoming guest has it. */
static int vfio_ap_mig_view_add_queue(struct device *dev, void *data)
{
	struct vfio_ap_mig_host_view *view = data;
	struct vfio_ap_queue *q = dev_get_drvdata(dev);

	if (q && vfio_ap_mig_view_has(view, q->apqn))
		set_bit(vfio_ap_mig_view_index(view, q->apqn), view->bound);
	return 0;
}

/* Mark the incoming guest's queues that another mdev has assigned. */
static void vfio_ap_mig_view_add_owners(struct vfio_ap_mig_host_view *view,
					struct ap_matrix_mdev *dst)
{
	struct ap_matrix_mdev *m;
	unsigned long apid, apqi;

	lockdep_assert_held(&matrix_dev->guests_lock);
	lockdep_assert_held(&matrix_dev->mdevs_lock);
	/* vfio_ap assigns an APQN to one mdev at most: linear overall. */
	list_for_each_entry(m, &matrix_dev->mdev_list, node) {
		if (m == dst)
			continue;
		for_each_set_bit_inv(apid, m->matrix.apm, AP_DEVICES) {
			if (!test_bit_inv(apid, view->cfg->apm))
				continue;
			for_each_set_bit_inv(apqi, m->matrix.aqm, AP_DOMAINS) {
				u16 apqn = AP_MKQID(apid, apqi);

				if (test_bit_inv(apqi, view->cfg->aqm))
					set_bit(vfio_ap_mig_view_index(view, apqn),
						view->in_use);
			}
		}
	}
}

/* The rules' lookup: the snapshot, and TAPQ with no lock held. */
VISIBLE_IF_KUNIT int vfio_ap_mig_view_lookup(void *ctx, u16 apqn,
					     struct vfio_ap_mig_target_queue *tq)
{
	struct vfio_ap_mig_host_view *view = ctx;
	u32 idx = vfio_ap_mig_view_index(view, apqn);
	struct vfio_ap_mig_tapq_answer a;
	int ret;

	ret = vfio_ap_mig_tapq(&view->ids, apqn, &a);
	if (ret)
		return ret;
	tq->exists = !a.absent;
	tq->gr2 = a.gr2;
	tq->checkstopped = a.checkstopped;
	tq->unconfigured = a.deconfigured ||
			   !vfio_ap_mig_apqn_configured(view->host_apm,
							view->host_aqm, apqn);
	tq->bound = test_bit(idx, view->bound);
	tq->in_use = test_bit(idx, view->in_use);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_view_lookup);

VISIBLE_IF_KUNIT int vfio_ap_mig_view_init(struct vfio_ap_mig_host_view *view,
					   const struct vfio_ap_mig_config *cfg)
{
	unsigned long id;
	u16 rank;

	view->cfg = cfg;
	rank = 0;
	for_each_set_bit_inv(id, cfg->apm, AP_DEVICES)
		view->arank[id] = rank++;
	rank = 0;
	for_each_set_bit_inv(id, cfg->aqm, AP_DOMAINS)
		view->drank[id] = rank++;
	view->bound = bitmap_zalloc(max(cfg->nr_queues, 1U), GFP_KERNEL_ACCOUNT);
	view->in_use = bitmap_zalloc(max(cfg->nr_queues, 1U), GFP_KERNEL_ACCOUNT);
	if (!view->bound || !view->in_use) {
		bitmap_free(view->bound);
		bitmap_free(view->in_use);
		return -ENOMEM;
	}
	view->target.lookup = vfio_ap_mig_view_lookup;
	view->target.ctx = view;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_view_init);

VISIBLE_IF_KUNIT void vfio_ap_mig_view_free(struct vfio_ap_mig_host_view *view)
{
	bitmap_free(view->bound);
	bitmap_free(view->in_use);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_view_free);

/* Copy what the check needs of this host and of @dst; no hardware access. */
static int vfio_ap_mig_view_snapshot(struct vfio_ap_mig_host_view *view,
				     struct ap_matrix_mdev *dst, u64 *generation)
{
	const struct ap_matrix *apcb = &dst->shadow_apcb;
	int ret;

	mutex_lock(&matrix_dev->guests_lock);
	mutex_lock(&matrix_dev->mdevs_lock);
	ret = driver_for_each_device(&matrix_dev->vfio_ap_drv->driver, NULL,
				     view, vfio_ap_mig_view_add_queue);
	if (ret)
		goto out_unlock;
	vfio_ap_mig_view_add_owners(view, dst);
	bitmap_copy(view->target.apm, apcb->apm, AP_DEVICES);
	bitmap_copy(view->target.aqm, apcb->aqm, AP_DOMAINS);
	bitmap_copy(view->target.adm, apcb->adm, AP_DOMAINS);
	bitmap_copy(view->host_apm, (unsigned long *)matrix_dev->info.apm, AP_DEVICES);
	bitmap_copy(view->host_aqm, (unsigned long *)matrix_dev->info.aqm, AP_DOMAINS);
	view->ids.apm_max = dst->matrix.apm_max;
	view->ids.aqm_max = dst->matrix.aqm_max;
	*generation = dst->cfg_generation;
out_unlock:
	mutex_unlock(&matrix_dev->mdevs_lock);
	mutex_unlock(&matrix_dev->guests_lock);
	return ret;
}

/**
 * vfio_ap_mig_host_check - does @matrix_mdev give its guest @cfg
 * @matrix_mdev: the destination mdev
 * @cfg: the incoming configuration
 * @report: called once per problem and per guest-visible change
 * @report_ctx: passed to @report
 * @generation: receives the destination mdev's generation the check saw
 *
 * Nothing is changed: the administrator prepared the destination mdev, the
 * stream only proves that it matches.
 *
 * Return: the number of problems, or -errno.
 */
int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx,
			   u64 *generation)
{
	struct vfio_ap_mig_host_view *view;
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_check, matrix_mdev, cfg,
				   report, report_ctx, generation);

	view = kzalloc_obj(*view, GFP_KERNEL_ACCOUNT);
	if (!view)
		return -ENOMEM;
	ret = vfio_ap_mig_view_init(view, cfg);
	if (ret)
		goto out_free;
	ret = vfio_ap_mig_view_snapshot(view, matrix_mdev, generation);
	if (!ret)
		ret = vfio_ap_mig_check(cfg, &view->target, report, report_ctx);
	vfio_ap_mig_view_free(view);
out_free:
	kfree(view);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_host_check);
