// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap migration: the host services of vfio_ap_mig_host.h on real s390
 * hardware. Each entry point is a KUnit static-stub point, since TCG has no
 * AP instructions; userspace implements the same functions in its simulator.
 */

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <kunit/static_stub.h>
#include <asm/ap.h>

#include "ap_bus.h"
#include "vfio_ap_private.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

/* The TAPQ instruction with the T bit; a KUnit stub point. */
static struct ap_queue_status vfio_ap_mig_test_queue(u16 apqn,
						     struct ap_tapq_hwinfo *info)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_test_queue, apqn, info);
	return ap_test_queue(apqn, 1, info);
}

/*
 * TAPQ with the T bit on a queue of @ctx's machine: the queue's GR2, or
 * -ENODEV if it does not exist. An id beyond the machine's highest one
 * names no queue; TAPQ on it would be a specification exception.
 */
static int vfio_ap_mig_tapq(void *ctx, u16 apqn, u64 *gr2)
{
	struct ap_matrix_mdev *matrix_mdev = ctx;
	struct ap_tapq_hwinfo info = {};
	struct ap_queue_status status;

	if (AP_QID_CARD(apqn) > matrix_mdev->matrix.apm_max ||
	    AP_QID_QUEUE(apqn) > matrix_mdev->matrix.aqm_max)
		return -ENODEV;
	status = vfio_ap_mig_test_queue(apqn, &info);
	switch (status.response_code) {
	case AP_RESPONSE_NORMAL:
	case AP_RESPONSE_RESET_IN_PROGRESS:
	case AP_RESPONSE_DECONFIGURED:
	case AP_RESPONSE_CHECKSTOPPED:
	case AP_RESPONSE_BUSY:
		*gr2 = info.value;
		return 0;
	case AP_RESPONSE_Q_NOT_AVAIL:
		return -ENODEV;
	default:
		return -EIO;
	}
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
	bool protected;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_is_se_guest, matrix_mdev);

	if (ap_is_se_guest())
		return true;
	/* kvm_s390_pv_is_protected() wants kvm->lock: take the update locks. */
	vfio_ap_mdev_lock_for_update(matrix_mdev);
	protected = matrix_mdev->kvm && kvm_s390_pv_is_protected(matrix_mdev->kvm);
	vfio_ap_mdev_unlock_for_update(matrix_mdev);
	return protected;
}

/**
 * vfio_ap_mig_host_read_config - snapshot the guest's AP configuration
 * @matrix_mdev: the source mdev
 * @cfg: filled with the guest's APCB and each queue's masked GR2
 *
 * Return: 0, or -errno (-ENODEV if a queue of the guest vanished).
 */
int vfio_ap_mig_host_read_config(struct ap_matrix_mdev *matrix_mdev,
				 struct vfio_ap_mig_config *cfg)
{
	struct ap_matrix *apcb = &matrix_mdev->shadow_apcb;
	u16 failed = 0;
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_read_config, matrix_mdev, cfg);

	vfio_ap_mdev_lock_for_update(matrix_mdev);
	ret = vfio_ap_mig_config_build(cfg, apcb->apm, apcb->aqm, apcb->adm,
				       vfio_ap_mig_tapq, matrix_mdev, &failed);
	vfio_ap_mdev_unlock_for_update(matrix_mdev);
	if (ret && ret != -ENOMEM)
		dev_err_ratelimited(matrix_mdev->vdev.dev,
				    "migration: cannot read queue %02x.%04x of the guest: %d\n",
				    VFIO_AP_MIG_APID(failed), VFIO_AP_MIG_APQI(failed), ret);
	return ret;
}

/**
 * struct vfio_ap_mig_host_view - this host seen from one destination mdev
 * @matrix_mdev: the destination mdev
 * @cfg: the configuration it should take
 * @arank: position of each adapter among @cfg's adapters
 * @drank: position of each domain among @cfg's domains
 * @host_apm: the host's configured adapters (QCI)
 * @host_aqm: the host's configured domains (QCI)
 * @bound: per queue of @cfg: bound to vfio_ap
 * @in_use: per queue of @cfg: linked to another mdev
 */
struct vfio_ap_mig_host_view {
	struct ap_matrix_mdev *matrix_mdev;
	const struct vfio_ap_mig_config *cfg;
	u16 arank[AP_DEVICES];
	u16 drank[AP_DOMAINS];
	DECLARE_BITMAP(host_apm, AP_DEVICES);
	DECLARE_BITMAP(host_aqm, AP_DOMAINS);
	unsigned long *bound;
	unsigned long *in_use;
};

/* Index of @apqn in view->cfg->queues (apm x aqm in ascending order). */
static u32 vfio_ap_mig_view_index(const struct vfio_ap_mig_host_view *view, u16 apqn)
{
	u32 nr_domains = bitmap_weight(view->cfg->aqm, AP_DOMAINS);

	return view->arank[VFIO_AP_MIG_APID(apqn)] * nr_domains +
	       view->drank[VFIO_AP_MIG_APQI(apqn)];
}

/* For each queue bound to vfio_ap: note it, and whether another mdev has it. */
static int vfio_ap_mig_view_add_queue(struct device *dev, void *data)
{
	struct vfio_ap_mig_host_view *view = data;
	struct vfio_ap_queue *q = dev_get_drvdata(dev);
	u32 idx;

	if (!q || !test_bit_inv(AP_QID_CARD(q->apqn), view->cfg->apm) ||
	    !test_bit_inv(AP_QID_QUEUE(q->apqn), view->cfg->aqm))
		return 0;
	idx = vfio_ap_mig_view_index(view, q->apqn);
	set_bit(idx, view->bound);
	if (q->matrix_mdev && q->matrix_mdev != view->matrix_mdev)
		set_bit(idx, view->in_use);
	return 0;
}

static int vfio_ap_mig_view_lookup(void *ctx, u16 apqn,
				   struct vfio_ap_mig_target_queue *tq)
{
	struct vfio_ap_mig_host_view *view = ctx;
	u32 idx = vfio_ap_mig_view_index(view, apqn);
	int ret;

	ret = vfio_ap_mig_tapq(view->matrix_mdev, apqn, &tq->gr2);
	if (ret == -ENODEV) {
		tq->exists = false;
		return 0;
	}
	if (ret)
		return ret;
	tq->exists = true;
	tq->unconfigured = !vfio_ap_mig_apqn_configured(view->host_apm,
							view->host_aqm, apqn);
	tq->bound = test_bit(idx, view->bound);
	tq->in_use = test_bit(idx, view->in_use);
	return 0;
}

static int vfio_ap_mig_view_init(struct vfio_ap_mig_host_view *view,
				 struct ap_matrix_mdev *matrix_mdev,
				 const struct vfio_ap_mig_config *cfg)
{
	unsigned long id;
	u16 rank;

	view->matrix_mdev = matrix_mdev;
	view->cfg = cfg;
	rank = 0;
	for_each_set_bit_inv(id, cfg->apm, AP_DEVICES)
		view->arank[id] = rank++;
	rank = 0;
	for_each_set_bit_inv(id, cfg->aqm, AP_DOMAINS)
		view->drank[id] = rank++;
	view->bound = bitmap_zalloc(max(cfg->nr_queues, 1U), GFP_KERNEL);
	view->in_use = bitmap_zalloc(max(cfg->nr_queues, 1U), GFP_KERNEL);
	if (!view->bound || !view->in_use) {
		bitmap_free(view->bound);
		bitmap_free(view->in_use);
		return -ENOMEM;
	}
	return 0;
}

static void vfio_ap_mig_view_free(struct vfio_ap_mig_host_view *view)
{
	bitmap_free(view->bound);
	bitmap_free(view->in_use);
}

/* Do both the assignment and the guest's APCB of @matrix_mdev equal @cfg? */
static bool vfio_ap_mig_host_has_config(struct ap_matrix_mdev *matrix_mdev,
					const struct vfio_ap_mig_config *cfg)
{
	const struct ap_matrix *m = &matrix_mdev->matrix;
	const struct ap_matrix *g = &matrix_mdev->shadow_apcb;

	return bitmap_equal(m->apm, cfg->apm, AP_DEVICES) &&
	       bitmap_equal(m->aqm, cfg->aqm, AP_DOMAINS) &&
	       bitmap_equal(m->adm, cfg->adm, AP_DOMAINS) &&
	       bitmap_equal(g->apm, cfg->apm, AP_DEVICES) &&
	       bitmap_equal(g->aqm, cfg->aqm, AP_DOMAINS) &&
	       bitmap_equal(g->adm, cfg->adm, AP_DOMAINS);
}

/* Check @cfg for @matrix_mdev under the host's locks; apply it if @apply. */
static int vfio_ap_mig_host_judge(struct ap_matrix_mdev *matrix_mdev,
				  const struct vfio_ap_mig_config *cfg, bool apply,
				  vfio_ap_mig_report_t report, void *report_ctx)
{
	struct vfio_ap_mig_host_view *view;
	struct vfio_ap_mig_target target = {
		.lookup = vfio_ap_mig_view_lookup,
	};
	struct ap_matrix new_matrix, old_matrix;
	int ret;

	view = kzalloc(sizeof(*view), GFP_KERNEL);
	if (!view)
		return -ENOMEM;

	vfio_ap_mdev_lock_for_update(matrix_mdev);
	ret = vfio_ap_mig_view_init(view, matrix_mdev, cfg);
	if (ret)
		goto out_unlock;
	ret = driver_for_each_device(&matrix_dev->vfio_ap_drv->driver, NULL,
				     view, vfio_ap_mig_view_add_queue);
	if (ret)
		goto out_free_view;
	target.ctx = view;
	bitmap_copy(view->host_apm, (unsigned long *)matrix_dev->info.apm, AP_DEVICES);
	bitmap_copy(view->host_aqm, (unsigned long *)matrix_dev->info.aqm, AP_DOMAINS);
	bitmap_copy(target.adm, (unsigned long *)matrix_dev->info.adm, AP_DOMAINS);

	ret = vfio_ap_mig_check(cfg, &target, report, report_ctx);
	if (ret || !apply)
		goto out_free_view;

	/*
	 * Every queue passed: the guest gets exactly the source's APCB. A
	 * destination prepared with the same assignment (mdevctl, libvirt)
	 * already has it: skip the relinking, which is not linear in the
	 * number of queues, while the guest is stopped.
	 */
	if (vfio_ap_mig_host_has_config(matrix_mdev, cfg))
		goto out_free_view;
	bitmap_copy(old_matrix.apm, matrix_mdev->matrix.apm, AP_DEVICES);
	bitmap_copy(old_matrix.aqm, matrix_mdev->matrix.aqm, AP_DOMAINS);
	bitmap_copy(old_matrix.adm, matrix_mdev->matrix.adm, AP_DOMAINS);
	bitmap_copy(new_matrix.apm, cfg->apm, AP_DEVICES);
	bitmap_copy(new_matrix.aqm, cfg->aqm, AP_DOMAINS);
	bitmap_copy(new_matrix.adm, cfg->adm, AP_DOMAINS);
	ret = vfio_ap_mdev_set_matrix(matrix_mdev, &new_matrix);
	if (ret) {
		dev_err_ratelimited(matrix_mdev->vdev.dev,
				    "migration: applying the AP configuration failed: %d\n",
				    ret);
		goto out_free_view;
	}
	/*
	 * All or nothing: should vfio_ap still have filtered something out
	 * of the guest's APCB, give the mdev its old assignment back.
	 */
	if (!vfio_ap_mig_host_has_config(matrix_mdev, cfg)) {
		dev_err_ratelimited(matrix_mdev->vdev.dev,
				    "migration refused: vfio_ap could not give the guest the whole AP configuration, nothing applied\n");
		vfio_ap_mdev_set_matrix(matrix_mdev, &old_matrix);
		ret = -ENXIO;
	}
out_free_view:
	vfio_ap_mig_view_free(view);
out_unlock:
	vfio_ap_mdev_unlock_for_update(matrix_mdev);
	kfree(view);
	return ret;
}

/**
 * vfio_ap_mig_host_check - can this host give @cfg to @matrix_mdev
 * @matrix_mdev: the destination mdev
 * @cfg: the incoming configuration
 * @report: called once per problem
 * @report_ctx: passed to @report
 *
 * Return: the number of problems, or -errno.
 */
int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_check, matrix_mdev, cfg,
				   report, report_ctx);
	return vfio_ap_mig_host_judge(matrix_mdev, cfg, false, report, report_ctx);
}

/**
 * vfio_ap_mig_host_apply - check @cfg again and make it @matrix_mdev's
 * @matrix_mdev: the destination mdev
 * @cfg: the incoming configuration
 * @report: called once per problem
 * @report_ctx: passed to @report
 *
 * Check and change happen under the same locks: nothing is changed unless
 * every queue and control domain passes.
 *
 * Return: 0 when applied, the number of problems, or -errno.
 */
int vfio_ap_mig_host_apply(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_host_apply, matrix_mdev, cfg,
				   report, report_ctx);
	return vfio_ap_mig_host_judge(matrix_mdev, cfg, true, report, report_ctx);
}

#if IS_ENABLED(CONFIG_VFIO_AP_MIGRATION_KUNIT_TEST)
#include "vfio_ap_mig_host_kunit.c"
#endif
