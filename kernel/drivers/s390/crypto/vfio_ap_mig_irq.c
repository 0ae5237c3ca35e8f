// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's AP interruptions across a live migration.
 *
 * A queue with interruptions on writes its guest's notification indicator
 * byte (NIB) and makes the guest take an adapter interruption. A guest
 * stopped for migration must not be written, so its registrations are
 * suspended and kept. They are registered again before the guest runs: on
 * the source after an aborted migration, on the destination from the
 * stream. Then the guest is kicked (NIB set, adapter interruption pending
 * for its ISC): it looks at every queue, finds its replies or an empty
 * queue, and sends again what was lost on the source. Without the kick a
 * Linux guest waits for an interruption that never comes, up to its
 * request timeout.
 *
 * A queue whose registration cannot be restored stays with interruptions
 * off: its guest polls it and registers again. That never fails the
 * migration; it is logged once.
 */

#include <linux/bsearch.h>
#include <linux/device.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <asm/ap.h>

#include "vfio_ap_private.h"
#include "vfio_ap_mig_irq.h"
#include "vfio_ap_mig_stream.h"

/* What the NIB holds when the AP made it point to news. */
#define VFIO_AP_MIG_NIB_SET	0x01

/**
 * vfio_ap_mig_irq_aqic_on() - register a queue's interruptions
 * @q: the queue
 * @isc: guest interruption subclass
 * @nib: guest address of the notification indicator byte
 *
 * NIB checked against the guest's memory and pinned, ISC registered with
 * the GISA, AQIC on the queue: what an intercepted PQAP(AQIC) does.
 *
 * Return: the AP response code, AP_RESPONSE_NORMAL on success.
 */
VISIBLE_IF_KUNIT u8 vfio_ap_mig_irq_aqic_on(struct vfio_ap_queue *q, u8 isc,
					    u64 nib)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_irq_aqic_on, q, isc, nib);
	/* Secure Execution guests are never migrated: no shared-NIB check. */
	return vfio_ap_irq_register(q, isc, nib, false).response_code;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_aqic_on);

/**
 * vfio_ap_mig_irq_aqic_off() - turn a queue's interruptions off
 * @q: the queue; its NIB is unpinned and its ISC unregistered
 */
VISIBLE_IF_KUNIT void vfio_ap_mig_irq_aqic_off(struct vfio_ap_queue *q)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_irq_aqic_off, q);
	vfio_ap_irq_disable(q);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_aqic_off);

/**
 * vfio_ap_mig_irq_kick() - make the guest look at its AP queues
 * @matrix_mdev: the guest's mdev
 * @isc: guest interruption subclass
 * @nib: guest address of the notification indicator byte
 *
 * Return: 0 or -errno.
 */
VISIBLE_IF_KUNIT int vfio_ap_mig_irq_kick(struct ap_matrix_mdev *matrix_mdev,
					  u8 isc, u64 nib)
{
	u8 set = VFIO_AP_MIG_NIB_SET;
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_irq_kick, matrix_mdev, isc, nib);
	ret = vfio_dma_rw(&matrix_mdev->vdev, nib, &set, sizeof(set), true);
	if (ret)
		return ret;
	return kvm_s390_inject_airq_isc(matrix_mdev->kvm, isc);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_kick);

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * KUnit runs where vfio_ap found no AP instructions and created no matrix
 * device: a test lends one for its locks.
 */
struct ap_matrix_dev **vfio_ap_mig_irq_test_matrix_dev(void)
{
	return &matrix_dev;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_test_matrix_dev);
#endif

static int vfio_ap_mig_irq_reg_cmp(const void *key, const void *elt)
{
	const struct vfio_ap_mig_irq_reg *a = key, *b = elt;

	return (int)a->apqn - (int)b->apqn;
}

static bool vfio_ap_mig_irq_in_guest(struct ap_matrix_mdev *matrix_mdev, u16 apqn)
{
	return test_bit_inv(AP_QID_CARD(apqn), matrix_mdev->shadow_apcb.apm) &&
	       test_bit_inv(AP_QID_QUEUE(apqn), matrix_mdev->shadow_apcb.aqm);
}

/* The registration of @apqn as its guest made it: live, or held. */
static bool vfio_ap_mig_irq_of(struct ap_matrix_mdev *matrix_mdev, u16 apqn,
			       u8 *isc, u64 *nib)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;
	struct vfio_ap_mig_irq_reg key = { .apqn = apqn };
	const struct vfio_ap_mig_irq_reg *held;
	struct vfio_ap_queue *q;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	q = vfio_ap_mdev_get_queue(matrix_mdev, apqn);
	if (q && q->saved_isc != VFIO_AP_ISC_INVALID && q->saved_iova) {
		*isc = q->saved_isc;
		*nib = q->saved_iova;
		return true;
	}
	if (!mig->nr_irq_held)
		return false;
	held = bsearch(&key, mig->irq_held, mig->nr_irq_held, sizeof(*held),
		       vfio_ap_mig_irq_reg_cmp);
	if (!held)
		return false;
	*isc = held->isc;
	*nib = held->nib;
	return true;
}

/**
 * vfio_ap_mig_irq_read() - note the guest's registrations in a configuration
 * @matrix_mdev: the guest's mdev
 * @cfg: its configuration, queues listed, interruptions off
 *
 * A queue that would need more than VFIO_AP_MIG_MAX_IRQ_TARGETS distinct
 * targets is left off (logged): its guest polls it after the migration.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_ap_mig_irq_read(struct ap_matrix_mdev *matrix_mdev,
			 struct vfio_ap_mig_config *cfg)
{
	u32 i, dropped = 0;
	int ret = 0;
	u64 nib;
	u8 isc;

	mutex_lock(&matrix_dev->mdevs_lock);
	for (i = 0; i < cfg->nr_queues; i++) {
		if (!vfio_ap_mig_irq_of(matrix_mdev, cfg->queues[i].apqn, &isc, &nib))
			continue;
		ret = vfio_ap_mig_config_set_irq(cfg, i, isc, nib);
		if (ret == -ENOSPC || ret == -EINVAL) {
			dropped++;
			ret = 0;
		} else if (ret) {
			break;
		}
	}
	mutex_unlock(&matrix_dev->mdevs_lock);
	if (dropped)
		dev_warn_ratelimited(matrix_mdev->vdev.dev,
				     "migration: interruptions of %u queues not carried (more than %u targets); their guest polls them\n",
				     dropped, VFIO_AP_MIG_MAX_IRQ_TARGETS);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_read);

/**
 * vfio_ap_mig_irq_nr_targets() - distinct interruption targets of a guest
 * @matrix_mdev: the guest's mdev
 *
 * Counts as vfio_ap_mig_irq_read() would note them, without the hardware.
 *
 * Context: matrix_dev->mdevs_lock held.
 * Return: 0 to VFIO_AP_MIG_MAX_IRQ_TARGETS.
 */
u16 vfio_ap_mig_irq_nr_targets(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_mig_irq_target *targets;
	unsigned long apid, apqi;
	u16 nr = 0;
	u64 nib;
	u8 isc;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	targets = kcalloc(VFIO_AP_MIG_MAX_IRQ_TARGETS, sizeof(*targets), GFP_KERNEL);
	if (!targets)
		return 0;
	for_each_set_bit_inv(apid, matrix_mdev->shadow_apcb.apm, AP_DEVICES) {
		for_each_set_bit_inv(apqi, matrix_mdev->shadow_apcb.aqm, AP_DOMAINS) {
			if (vfio_ap_mig_irq_of(matrix_mdev, AP_MKQID(apid, apqi),
					       &isc, &nib))
				vfio_ap_mig_irq_target_index(targets, &nr, isc, nib);
		}
	}
	kfree(targets);
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_nr_targets);

/* Replace what is held by @regs (sorted by APQN, owned by the mdev now). */
static void vfio_ap_mig_irq_set_held(struct ap_matrix_mdev *matrix_mdev,
				     struct vfio_ap_mig_irq_reg *regs, u32 nr)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	kvfree(mig->irq_held);
	mig->irq_held = regs;
	mig->nr_irq_held = nr;
}

/**
 * vfio_ap_mig_irq_suspend() - the guest stops: its queues stop writing it
 * @matrix_mdev: the guest's mdev
 *
 * Every queue of the guest with interruptions on gets them turned off;
 * its registration is held for vfio_ap_mig_irq_resume() and for the
 * stream. A queue that no longer answers has its resources freed all the
 * same.
 *
 * Return: 0, or -ENOMEM with nothing changed.
 */
int vfio_ap_mig_irq_suspend(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_mig_irq_reg *regs;
	unsigned long apid, apqi;
	struct vfio_ap_queue *q;
	u32 n = 0, cap;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_irq_suspend, matrix_mdev);

	mutex_lock(&matrix_dev->mdevs_lock);
	cap = bitmap_weight(matrix_mdev->shadow_apcb.apm, AP_DEVICES) *
	      bitmap_weight(matrix_mdev->shadow_apcb.aqm, AP_DOMAINS);
	if (!cap) {
		mutex_unlock(&matrix_dev->mdevs_lock);
		return 0;
	}
	regs = kvmalloc_array(cap, sizeof(*regs), GFP_KERNEL_ACCOUNT);
	if (!regs) {
		mutex_unlock(&matrix_dev->mdevs_lock);
		return -ENOMEM;
	}
	/* Ascending APQNs, so the held list is sorted for bsearch(). */
	for_each_set_bit_inv(apid, matrix_mdev->shadow_apcb.apm, AP_DEVICES) {
		for_each_set_bit_inv(apqi, matrix_mdev->shadow_apcb.aqm, AP_DOMAINS) {
			q = vfio_ap_mdev_get_queue(matrix_mdev, AP_MKQID(apid, apqi));
			if (!q || q->saved_isc == VFIO_AP_ISC_INVALID || !q->saved_iova)
				continue;
			regs[n].apqn = q->apqn;
			regs[n].isc = q->saved_isc;
			regs[n].nib = q->saved_iova;
			n++;
			vfio_ap_mig_irq_aqic_off(q);
		}
	}
	if (n)
		vfio_ap_mig_irq_set_held(matrix_mdev, regs, n);
	else
		kvfree(regs);
	mutex_unlock(&matrix_dev->mdevs_lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_suspend);

/**
 * vfio_ap_mig_irq_hold() - the registrations a stream carries
 * @matrix_mdev: the destination mdev, its configuration verified
 * @cfg: the configuration the stream carried
 *
 * Nothing touches the hardware: the registrations are made when the
 * guest is about to run.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_ap_mig_irq_hold(struct ap_matrix_mdev *matrix_mdev,
			 const struct vfio_ap_mig_config *cfg)
{
	struct vfio_ap_mig_irq_reg *regs = NULL;
	const struct vfio_ap_mig_irq_target *t;
	u32 i, n = 0;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_irq_hold, matrix_mdev, cfg);

	for (i = 0; i < cfg->nr_queues; i++)
		n += !!cfg->queues[i].irq;
	if (n) {
		regs = kvmalloc_array(n, sizeof(*regs), GFP_KERNEL_ACCOUNT);
		if (!regs)
			return -ENOMEM;
	}
	for (i = 0, n = 0; i < cfg->nr_queues; i++) {
		if (!cfg->queues[i].irq)
			continue;
		t = &cfg->irq_targets[cfg->queues[i].irq - 1];
		regs[n].apqn = cfg->queues[i].apqn;
		regs[n].isc = t->isc;
		regs[n].nib = t->nib;
		n++;
	}
	mutex_lock(&matrix_dev->mdevs_lock);
	vfio_ap_mig_irq_set_held(matrix_mdev, regs, n);
	/* What the guest's registration reads as changed: count it. */
	matrix_mdev->cfg_generation++;
	mutex_unlock(&matrix_dev->mdevs_lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_hold);

/**
 * vfio_ap_mig_irq_resume() - the guest is about to run: restore and kick
 * @matrix_mdev: the guest's mdev
 *
 * Registers every held registration on its queue, then kicks the guest
 * once per target. A queue that is gone, or whose registration fails,
 * stays with interruptions off; the guest is kicked all the same, polls
 * the queue and registers again. Logged once per resume.
 */
void vfio_ap_mig_irq_resume(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;
	struct vfio_ap_mig_irq_target *targets;
	struct vfio_ap_mig_irq_reg *regs;
	u32 i, nr, failed = 0;
	u16 nr_targets = 0, first = 0;
	struct vfio_ap_queue *q;
	u8 rc, first_rc = 0;
	int ret, kick_err = 0;

	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_irq_resume, matrix_mdev);

	targets = kcalloc(VFIO_AP_MIG_MAX_IRQ_TARGETS, sizeof(*targets),
			  GFP_KERNEL);

	mutex_lock(&matrix_dev->mdevs_lock);
	regs = mig->irq_held;
	nr = mig->nr_irq_held;
	mig->irq_held = NULL;
	mig->nr_irq_held = 0;
	for (i = 0; i < nr; i++) {
		q = vfio_ap_mdev_get_queue(matrix_mdev, regs[i].apqn);
		if (q && vfio_ap_mig_irq_in_guest(matrix_mdev, q->apqn))
			rc = vfio_ap_mig_irq_aqic_on(q, regs[i].isc, regs[i].nib);
		else
			rc = AP_RESPONSE_Q_NOT_AVAIL;
		if (rc != AP_RESPONSE_NORMAL && !failed++) {
			first = regs[i].apqn;
			first_rc = rc;
		}
		if (targets)
			vfio_ap_mig_irq_target_index(targets, &nr_targets,
						     regs[i].isc, regs[i].nib);
	}
	mutex_unlock(&matrix_dev->mdevs_lock);

	if (failed)
		dev_warn(matrix_mdev->vdev.dev,
			 "migration: interruptions of %u of %u queues not restored (first %02x.%04x, response 0x%02x); their guest polls them\n",
			 failed, nr, AP_QID_CARD(first), AP_QID_QUEUE(first), first_rc);

	/* Without the table (no memory), kick each registration. */
	for (i = 0; i < (targets ? nr_targets : nr); i++) {
		ret = targets ? vfio_ap_mig_irq_kick(matrix_mdev, targets[i].isc,
						     targets[i].nib) :
				vfio_ap_mig_irq_kick(matrix_mdev, regs[i].isc,
						     regs[i].nib);
		if (ret && !kick_err)
			kick_err = ret;
	}
	if (kick_err)
		dev_warn(matrix_mdev->vdev.dev,
			 "migration: cannot make the guest look at its AP queues: %d; replies in flight wait for its timeout\n",
			 kick_err);
	kfree(targets);
	kvfree(regs);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_resume);

/**
 * vfio_ap_mig_irq_drop() - forget the held registrations
 * @matrix_mdev: the mdev, reset or closed
 */
void vfio_ap_mig_irq_drop(struct ap_matrix_mdev *matrix_mdev)
{
	KUNIT_STATIC_STUB_REDIRECT(vfio_ap_mig_irq_drop, matrix_mdev);

	mutex_lock(&matrix_dev->mdevs_lock);
	vfio_ap_mig_irq_set_held(matrix_mdev, NULL, 0);
	mutex_unlock(&matrix_dev->mdevs_lock);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_drop);
