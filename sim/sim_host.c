// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated host: state built from a sysfs tree, the vfio_ap device
 * callbacks around the migration driver (open, close, reset, as patched
 * vfio_ap_ops.c does), and vfio_ap_mig_host.h implemented the way
 * vfio_ap_mig_host.c does on hardware: TAPQ answers from the tree's
 * ap_functions and raw_hwtype (and its chkstop/config attributes), the
 * destination's check from a snapshot of the destination mdev's guest
 * configuration, the host's AP configuration, the vfio_ap bindings and the
 * other mdevs' assignments taken under the host lock, then TAPQ with no
 * lock held. Nothing here writes an assignment for the driver: the
 * destination mdev is prepared beforehand, as an administrator does.
 * Every host change bumps the affected mdevs' cfg_generation where
 * vfio_ap does (patch "count the changes of a guest's AP configuration").
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include "apmig_host.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_migration.h"

#include <shim/vfio.h>
#include <shim/vfs.h>

#include "sim_host.h"
#include "sim_irq.h"
#include "vfio_ap_mig_irq.h"

struct sim_queue {
	bool present;		/* TAPQ finds it (the tree has the queue) */
	bool vfio_ap;		/* bound to the vfio_ap driver */
	enum sim_qstate state;	/* what TAPQ's response code says */
	u64 gr2;		/* what TAPQ answers (raw, unmasked) */
	/*
	 * TAPQ fails (its sysfs ap_functions, a fresh TAPQ, could not be
	 * read: the response code was beyond BUSY): -errno, or 0
	 */
	int tapq_err;
};

/* What TAPQ said of one queue (vfio_ap_mig_host.c's tapq answer). */
struct sim_tapq_answer {
	u64 gr2;
	bool absent;
	bool deconfigured;
	bool checkstopped;
};

struct sim_host {
	char label[32];
	struct apmig_host *tree;
	struct mutex lock;	/* matrix_dev->mdevs_lock */
	struct sim_queue *queues;	/* by APQN */
	DECLARE_BITMAP(apm, AP_DEVICES);	/* host AP configuration */
	DECLARE_BITMAP(aqm, AP_DOMAINS);
	DECLARE_BITMAP(adm, AP_DOMAINS);
	DECLARE_BITMAP(apmask, AP_DEVICES);	/* reserved for host drivers */
	DECLARE_BITMAP(aqmask, AP_DOMAINS);
	unsigned long apm_max, aqm_max;
	bool se_guest;
	atomic_int fail_apqn;
	int fail_err;
	atomic_ulong tapq_calls;
	atomic_ulong fail_nth_at;	/* TAPQ call number that fails, 0: none */
	int fail_nth_err;
	struct sim_mdev **mdevs;
	size_t nr_mdevs;
};

struct sim_mdev {
	struct ap_matrix_mdev mdev;
	struct device dev;
	char name[80];
	char uuid[APMIG_UUID_LEN + 1];
	struct sim_host *host;
	bool protected_guest;	/* the KVM guest runs in Secure Execution */
	bool held;		/* a running guest of the tree holds it */
	unsigned long checks;
	struct vfio_ap_mig_problem *problems;
	size_t nr_problems, max_problems;
	struct sim_irq irq;	/* the guest's interruption registrations */
};

/* A guest: the driver never looks inside struct kvm. */
static char sim_kvm_storage;
#define SIM_KVM ((struct kvm *)&sim_kvm_storage)

static struct sim_mdev *to_sim_mdev(struct ap_matrix_mdev *mm)
{
	return container_of(mm, struct sim_mdev, mdev);
}

static struct sim_mdev *vdev_to_sim(struct vfio_device *vdev)
{
	return to_sim_mdev(container_of(vdev, struct ap_matrix_mdev, vdev));
}

/*
 * TAPQ with the T bit on a machine whose highest ids are @apm_max and
 * @aqm_max, with no host lock held (as on hardware): the answer, or the
 * knob's error (-ENODEV from a knob is Q_NOT_AVAIL: absent).
 */
static int sim_tapq(struct sim_host *h, unsigned long apm_max,
		    unsigned long aqm_max, u16 apqn, struct sim_tapq_answer *a)
{
	unsigned long n, at;
	int err;

	memset(a, 0, sizeof(*a));
	if (VFIO_AP_MIG_APID(apqn) > apm_max || VFIO_AP_MIG_APQI(apqn) > aqm_max) {
		a->absent = true;
		return 0;
	}
	n = atomic_fetch_add(&h->tapq_calls, 1) + 1;
	at = atomic_load(&h->fail_nth_at);
	err = 0;
	if (at && n == at &&
	    atomic_compare_exchange_strong(&h->fail_nth_at, &at, 0))
		err = h->fail_nth_err;
	else if (atomic_load(&h->fail_apqn) == apqn)
		err = h->fail_err;
	if (err == -ENODEV || (!err && !h->queues[apqn].present)) {
		a->absent = true;
		return 0;
	}
	if (!err)
		err = h->queues[apqn].tapq_err;
	if (err)
		return err;
	a->deconfigured = h->queues[apqn].state == SIM_Q_DECONFIGURED;
	a->checkstopped = h->queues[apqn].state == SIM_Q_CHECKSTOPPED;
	a->gr2 = h->queues[apqn].gr2;
	return 0;
}

/* vfio_ap_mdev_cfg_changed(): under the host lock (mdevs_lock). */
static void sim_cfg_changed(struct sim_host *h, struct sim_mdev *m)
{
	lockdep_assert_held(&h->lock);
	m->mdev.cfg_generation++;
}

/* The mdev other than @except whose matrix holds @apqn, or NULL. */
static struct sim_mdev *sim_owner(struct sim_host *h, u16 apqn,
				  const struct sim_mdev *except)
{
	size_t i;

	for (i = 0; i < h->nr_mdevs; i++) {
		struct sim_mdev *m = h->mdevs[i];

		if (m != except &&
		    test_bit_inv(VFIO_AP_MIG_APID(apqn), m->mdev.matrix.apm) &&
		    test_bit_inv(VFIO_AP_MIG_APQI(apqn), m->mdev.matrix.aqm))
			return m;
	}
	return NULL;
}

/* vfio_ap gives a guest a queue only while it exists and is bound to vfio_ap. */
static bool sim_passable(const void *ctx, u16 apqn)
{
	const struct sim_host *h = ctx;

	return h->queues[apqn].present && h->queues[apqn].vfio_ap;
}

/*
 * vfio_ap_mdev_filter_matrix() and _filter_cdoms() on @m, the library's
 * rules (apmig_filter_*()) applied to the host as it is now. Like vfio_ap,
 * each host change runs the filter it needs; removals clear shadow bits.
 */
static bool sim_filter_matrix(struct sim_host *h, struct sim_mdev *m)
{
	struct ap_matrix *mx = &m->mdev.matrix, *sh = &m->mdev.shadow_apcb;
	struct ap_matrix before = *sh;

	apmig_filter_matrix(mx->apm, mx->aqm, h->apm, h->aqm, sim_passable, h,
			    sh->apm, sh->aqm);
	return !bitmap_equal(before.apm, sh->apm, AP_DEVICES) ||
	       !bitmap_equal(before.aqm, sh->aqm, AP_DOMAINS);
}

static bool sim_filter_cdoms(struct sim_host *h, struct sim_mdev *m)
{
	DECLARE_BITMAP(before, AP_DOMAINS);

	bitmap_copy(before, m->mdev.shadow_apcb.adm, AP_DOMAINS);
	apmig_filter_cdoms(m->mdev.matrix.adm, h->adm, m->mdev.shadow_apcb.adm);
	return !bitmap_equal(before, m->mdev.shadow_apcb.adm, AP_DOMAINS);
}

/* vfio_ap_ops.c's device callbacks, with the migration hooks patched in. */
static int sim_open_device(struct vfio_device *vdev)
{
	struct sim_mdev *m = vdev_to_sim(vdev);

	if (!vdev->kvm)
		return -EINVAL;
	mutex_lock(&m->host->lock);
	m->mdev.kvm = vdev->kvm;
	mutex_unlock(&m->host->lock);
	vfio_ap_mig_open(&m->mdev);
	return 0;
}

static void sim_close_device(struct vfio_device *vdev)
{
	struct sim_mdev *m = vdev_to_sim(vdev);

	vfio_ap_mig_close(&m->mdev);
	mutex_lock(&m->host->lock);
	m->mdev.kvm = NULL;
	mutex_unlock(&m->host->lock);
}

static long sim_device_ioctl(struct vfio_device *vdev, unsigned int cmd,
			     unsigned long arg)
{
	struct sim_mdev *m = vdev_to_sim(vdev);

	if (cmd != VFIO_DEVICE_RESET)
		return -EOPNOTSUPP;
	/* vfio_ap_mdev_reset_queues() counts as a change; then the migration reset */
	mutex_lock(&m->host->lock);
	sim_cfg_changed(m->host, m);
	mutex_unlock(&m->host->lock);
	vfio_ap_mig_reset(&m->mdev);
	return 0;
}

static const struct vfio_device_ops sim_vfio_ap_ops = {
	.name = "vfio_ap",
	.open_device = sim_open_device,
	.close_device = sim_close_device,
	.ioctl = sim_device_ioctl,
};

static struct sim_mdev *sim_mdev_new(struct sim_host *h, const char *uuid)
{
	struct sim_mdev *m = calloc(1, sizeof(*m));
	struct sim_mdev **arr;

	if (!m)
		return NULL;
	arr = realloc(h->mdevs, (h->nr_mdevs + 1) * sizeof(*arr));
	if (!arr) {
		free(m);
		return NULL;
	}
	h->mdevs = arr;
	snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	snprintf(m->name, sizeof(m->name), "%s %s", h->label, uuid);
	m->dev.init_name = m->name;
	m->host = h;
	m->mdev.vdev.dev = &m->dev;
	m->mdev.vdev.ops = &sim_vfio_ap_ops;
	m->mdev.matrix.apm_max = h->apm_max;
	m->mdev.matrix.aqm_max = h->aqm_max;
	m->mdev.matrix.adm_max = h->aqm_max;
	m->mdev.shadow_apcb = m->mdev.matrix;
	sim_irq_init(&m->irq);
	vfio_ap_mig_init(&m->mdev);
	if (h->tree && !h->tree->migratable) {
		/* a vfio_ap without the series: no migration at all */
		m->mdev.vdev.migration_flags = 0;
		m->mdev.vdev.mig_ops = NULL;
	}
	h->mdevs[h->nr_mdevs++] = m;
	return m;
}

static void sim_mdev_free(struct sim_mdev *m)
{
	vfio_ap_mig_release(&m->mdev);
	sim_irq_release(&m->irq);
	free(m->problems);
	free(m);
}

int sim_host_from_tree(struct sim_host **out, const char *label,
		       struct apmig_host *tree)
{
	struct sim_host *h = calloc(1, sizeof(*h));
	unsigned int i;
	size_t k;

	if (!h)
		return -ENOMEM;
	h->queues = calloc(VFIO_AP_MIG_MAX_QUEUES, sizeof(*h->queues));
	if (!h->queues) {
		free(h);
		return -ENOMEM;
	}
	snprintf(h->label, sizeof(h->label), "%s", label);
	h->tree = tree;
	mutex_init(&h->lock);
	atomic_store(&h->fail_apqn, -1);
	bitmap_copy(h->apm, tree->apm, AP_DEVICES);
	bitmap_copy(h->aqm, tree->aqm, AP_DOMAINS);
	bitmap_copy(h->adm, tree->adm, AP_DOMAINS);
	bitmap_copy(h->apmask, tree->apmask, AP_DEVICES);
	bitmap_copy(h->aqmask, tree->aqmask, AP_DOMAINS);
	h->apm_max = tree->max_adapter_id >= 0 ? tree->max_adapter_id : 255;
	h->aqm_max = tree->max_domain_id >= 0 ? tree->max_domain_id : 255;
	h->se_guest = tree->se_guest;
	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++) {
		const struct apmig_queue *q = tree->queues[i];

		if (!q)
			continue;
		const struct apmig_card *c = &tree->cards[VFIO_AP_MIG_APID(i)];

		h->queues[i].present = true;
		h->queues[i].vfio_ap = q->driver == APMIG_DRV_VFIO_AP;
		h->queues[i].gr2 = apmig_host_queue_gr2(tree, q);
		h->queues[i].tapq_err = q->read_err;
		/* the attributes show what TAPQ's response code says */
		if (q->chkstop || (c->present && c->chkstop))
			h->queues[i].state = SIM_Q_CHECKSTOPPED;
		else if (!q->config || (c->present && !c->config))
			h->queues[i].state = SIM_Q_DECONFIGURED;
	}
	for (k = 0; k < tree->nr_mdevs; k++) {
		const struct apmig_mdev *t = &tree->mdevs[k];
		struct sim_mdev *m = sim_mdev_new(h, t->uuid);

		if (!m) {
			h->tree = NULL;		/* the caller keeps it on failure */
			sim_host_free(h);
			return -ENOMEM;
		}
		m->held = t->has_guest;
		bitmap_copy(m->mdev.matrix.apm, t->apm, AP_DEVICES);
		bitmap_copy(m->mdev.matrix.aqm, t->aqm, AP_DOMAINS);
		bitmap_copy(m->mdev.matrix.adm, t->adm, AP_DOMAINS);
		/* the guest's APCB as the host shows it, guest or not */
		apmig_host_shadow_apcb(tree, t, m->mdev.shadow_apcb.apm,
				       m->mdev.shadow_apcb.aqm,
				       m->mdev.shadow_apcb.adm);
	}
	*out = h;
	return 0;
}

int sim_host_load(struct sim_host **host, const char *label, const char *root,
		  struct apmig_error *err)
{
	struct apmig_host *tree;
	int ret;

	ret = apmig_host_load(&tree, root, err);
	if (ret)
		return ret;
	ret = sim_host_from_tree(host, label, tree);
	if (ret) {
		apmig_host_free(tree);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	return ret;
}

void sim_host_free(struct sim_host *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->nr_mdevs; i++)
		sim_mdev_free(h->mdevs[i]);
	free(h->mdevs);
	mutex_destroy(&h->lock);
	apmig_host_free(h->tree);
	free(h->queues);
	free(h);
}

const char *sim_host_label(const struct sim_host *h)
{
	return h->label;
}

const struct apmig_host *sim_host_tree(const struct sim_host *h)
{
	return h->tree;
}

void sim_host_set_se_guest(struct sim_host *h, bool se)
{
	mutex_lock(&h->lock);
	h->se_guest = se;
	mutex_unlock(&h->lock);
}

void sim_host_fail_tapq(struct sim_host *h, int apqn, int err)
{
	atomic_store(&h->fail_apqn, -1);
	h->fail_err = err;
	atomic_store(&h->fail_apqn, apqn);
}

int sim_host_set_qstate(struct sim_host *h, u16 apqn, enum sim_qstate state)
{
	int ret = 0;

	mutex_lock(&h->lock);
	if (h->queues[apqn].present)
		h->queues[apqn].state = state;
	else
		ret = -ENODEV;
	mutex_unlock(&h->lock);
	return ret;
}

void sim_host_fail_tapq_nth(struct sim_host *h, unsigned long n, int err)
{
	h->fail_nth_err = err;
	atomic_store(&h->fail_nth_at, n ? atomic_load(&h->tapq_calls) + n : 0);
}

unsigned long sim_host_tapq_calls(const struct sim_host *h)
{
	return atomic_load(&((struct sim_host *)h)->tapq_calls);
}

/*
 * A queue (un)bound to vfio_ap: vfio_ap_mdev_probe_queue() filters the matrix
 * of the mdev holding it; vfio_ap_mdev_remove_queue() takes its adapter out
 * of that mdev's guest if the guest has the queue. Either counts as a
 * change of that mdev.
 */
static int sim_set_binding(struct sim_host *h, u16 apqn, bool vfio_ap)
{
	unsigned long apid = VFIO_AP_MIG_APID(apqn);
	unsigned long apqi = VFIO_AP_MIG_APQI(apqn);
	struct sim_mdev *m;
	int ret = 0;

	mutex_lock(&h->lock);
	if (!h->queues[apqn].present) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (h->queues[apqn].vfio_ap == vfio_ap) {
		ret = -EALREADY;
		goto out_unlock;
	}
	h->queues[apqn].vfio_ap = vfio_ap;
	m = sim_owner(h, apqn, NULL);
	if (!m)
		goto out_unlock;
	sim_cfg_changed(h, m);
	if (vfio_ap)
		sim_filter_matrix(h, m);
	else if (test_bit_inv(apid, m->mdev.shadow_apcb.apm) &&
		 test_bit_inv(apqi, m->mdev.shadow_apcb.aqm))
		clear_bit_inv(apid, m->mdev.shadow_apcb.apm);
out_unlock:
	mutex_unlock(&h->lock);
	return ret;
}

int sim_host_unbind(struct sim_host *h, u16 apqn)
{
	return sim_set_binding(h, apqn, false);
}

int sim_host_bind(struct sim_host *h, u16 apqn)
{
	return sim_set_binding(h, apqn, true);
}

/*
 * The host's AP configuration changed (an adapter or a domain configured
 * or deconfigured: vfio_ap_on_cfg_changed()): every mdev is filtered again
 * and a guest whose APCB changed counts a change.
 */
int sim_host_configure(struct sim_host *h, enum sim_id_kind kind,
		       unsigned int id, bool on)
{
	unsigned long *map = kind == SIM_ADAPTER ? h->apm :
			     kind == SIM_DOMAIN ? h->aqm : h->adm;
	size_t i;

	if (id >= AP_DEVICES)
		return -EINVAL;
	mutex_lock(&h->lock);
	if (on)
		set_bit_inv(id, map);
	else
		clear_bit_inv(id, map);
	for (i = 0; i < h->nr_mdevs; i++) {
		struct sim_mdev *m = h->mdevs[i];
		bool changed;

		changed = kind == SIM_CONTROL_DOMAIN ? sim_filter_cdoms(h, m) :
						       sim_filter_matrix(h, m);
		if (changed)
			sim_cfg_changed(h, m);
	}
	mutex_unlock(&h->lock);
	return 0;
}

struct sim_mdev *sim_host_mdev(struct sim_host *h, const char *uuid)
{
	size_t i;

	for (i = 0; i < h->nr_mdevs; i++)
		if (!strcasecmp(h->mdevs[i]->uuid, uuid))
			return h->mdevs[i];
	return NULL;
}

int sim_host_create_mdev(struct sim_host *h, const char *uuid,
			 struct sim_mdev **mdev)
{
	struct sim_mdev *m;
	int ret = 0;

	mutex_lock(&h->lock);
	if (sim_host_mdev(h, uuid)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	m = sim_mdev_new(h, uuid);
	if (!m) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	if (mdev)
		*mdev = m;
out_unlock:
	mutex_unlock(&h->lock);
	return ret;
}

size_t sim_host_nr_mdevs(const struct sim_host *h)
{
	return h->nr_mdevs;
}

/*
 * vfio_ap's checks for a matrix change of @m: no APQN reserved for the
 * host's default drivers, none shared with another mdev.
 */
static int sim_validate(struct sim_host *h, struct sim_mdev *m)
{
	unsigned long apid, apqi;
	size_t i;

	for_each_set_bit_inv(apid, m->mdev.matrix.apm, AP_DEVICES)
		for_each_set_bit_inv(apqi, m->mdev.matrix.aqm, AP_DOMAINS)
			if (test_bit_inv(apid, h->apmask) &&
			    test_bit_inv(apqi, h->aqmask))
				return -EADDRNOTAVAIL;
	for (i = 0; i < h->nr_mdevs; i++) {
		struct ap_matrix *o = &h->mdevs[i]->mdev.matrix;

		if (h->mdevs[i] == m)
			continue;
		if (bitmap_intersects(o->apm, m->mdev.matrix.apm, AP_DEVICES) &&
		    bitmap_intersects(o->aqm, m->mdev.matrix.aqm, AP_DOMAINS))
			return -EADDRINUSE;
	}
	return 0;
}

int sim_mdev_assign(struct sim_mdev *m, enum sim_id_kind kind, unsigned int id)
{
	struct sim_host *h = m->host;
	struct ap_matrix *mx = &m->mdev.matrix;
	unsigned long *map;
	unsigned long max;
	int ret = 0;

	mutex_lock(&h->lock);
	switch (kind) {
	case SIM_ADAPTER:
		map = mx->apm;
		max = mx->apm_max;
		break;
	case SIM_DOMAIN:
		map = mx->aqm;
		max = mx->aqm_max;
		break;
	default:
		map = mx->adm;
		max = mx->adm_max;
		break;
	}
	if (id > max) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (test_bit_inv(id, map))
		goto out_unlock;
	set_bit_inv(id, map);
	if (kind == SIM_CONTROL_DOMAIN) {
		/* vfio_ap_mdev_update_guest_apcb() when the filter changed it */
		if (sim_filter_cdoms(h, m))
			sim_cfg_changed(h, m);
		goto out_unlock;
	}
	ret = sim_validate(h, m);
	if (ret)
		clear_bit_inv(id, map);
	else if (sim_filter_matrix(h, m))
		sim_cfg_changed(h, m);
out_unlock:
	mutex_unlock(&h->lock);
	return ret;
}

/*
 * As vfio_ap's unassign_* stores: the id leaves the matrix and the guest's
 * APCB; nothing is filtered again (an adapter left out stays out). A guest
 * that had the id counts a change (vfio_ap_mdev_update_guest_apcb()).
 */
int sim_mdev_unassign(struct sim_mdev *m, enum sim_id_kind kind, unsigned int id)
{
	struct ap_matrix *mx = &m->mdev.matrix, *sh = &m->mdev.shadow_apcb;
	unsigned long *map = kind == SIM_ADAPTER ? mx->apm :
			     kind == SIM_DOMAIN ? mx->aqm : mx->adm;
	unsigned long *shadow = kind == SIM_ADAPTER ? sh->apm :
				kind == SIM_DOMAIN ? sh->aqm : sh->adm;
	unsigned long max = kind == SIM_ADAPTER ? mx->apm_max :
			    kind == SIM_DOMAIN ? mx->aqm_max : mx->adm_max;

	if (id > max)
		return -ENODEV;
	mutex_lock(&m->host->lock);
	clear_bit_inv(id, map);
	if (test_bit_inv(id, shadow)) {
		clear_bit_inv(id, shadow);
		sim_cfg_changed(m->host, m);
	}
	mutex_unlock(&m->host->lock);
	return 0;
}

const char *sim_mdev_uuid(const struct sim_mdev *m)
{
	return m->uuid;
}

struct sim_host *sim_mdev_host(const struct sim_mdev *m)
{
	return m->host;
}

struct ap_matrix_mdev *sim_mdev_matrix_mdev(struct sim_mdev *m)
{
	return &m->mdev;
}

void sim_mdev_get(struct sim_mdev *m, struct ap_matrix *assigned,
		  struct ap_matrix *guest)
{
	mutex_lock(&m->host->lock);
	if (assigned)
		*assigned = m->mdev.matrix;
	if (guest)
		*guest = m->mdev.shadow_apcb;
	mutex_unlock(&m->host->lock);
}

int sim_mdev_guest_config(struct sim_mdev *m, struct vfio_ap_mig_config *cfg)
{
	u64 gen;

	return vfio_ap_mig_host_read_config(&m->mdev, cfg, &gen);
}

u64 sim_mdev_generation(struct sim_mdev *m)
{
	u64 gen;

	mutex_lock(&m->host->lock);
	gen = m->mdev.cfg_generation;
	mutex_unlock(&m->host->lock);
	return gen;
}

void sim_mdev_set_protected(struct sim_mdev *m, bool protected_guest)
{
	mutex_lock(&m->host->lock);
	m->protected_guest = protected_guest;
	mutex_unlock(&m->host->lock);
}

unsigned long sim_mdev_checks(const struct sim_mdev *m)
{
	return m->checks;
}

size_t sim_mdev_problems(const struct sim_mdev *m,
			 const struct vfio_ap_mig_problem **problems)
{
	if (problems)
		*problems = m->problems;
	return m->nr_problems;
}

int sim_mdev_open(struct sim_mdev *m)
{
	m->mdev.vdev.kvm = SIM_KVM;
	return shim_vfio_open_device(&m->mdev.vdev);
}

bool sim_mdev_held(const struct sim_mdev *m)
{
	return m->held;
}

void sim_mdev_close(struct sim_mdev *m, int devfd)
{
	shim_sys_close(devfd);
}

enum vfio_device_mig_state sim_mdev_state(struct sim_mdev *m)
{
	enum vfio_device_mig_state s = VFIO_DEVICE_STATE_ERROR;

	if (!m->mdev.vdev.mig_ops)
		return VFIO_DEVICE_STATE_RUNNING;	/* it just runs */
	m->mdev.vdev.mig_ops->migration_get_state(&m->mdev.vdev, &s);
	return s;
}

/* vfio_ap_mig_host.h */

bool vfio_ap_mig_host_is_se_guest(struct ap_matrix_mdev *matrix_mdev)
{
	struct sim_mdev *m = to_sim_mdev(matrix_mdev);
	bool se;

	mutex_lock(&m->host->lock);
	se = m->host->se_guest || (m->mdev.kvm && m->protected_guest);
	mutex_unlock(&m->host->lock);
	return se;
}

void vfio_ap_mig_host_peek(struct ap_matrix_mdev *matrix_mdev, u64 *generation,
			   size_t *record_size)
{
	struct sim_host *h = to_sim_mdev(matrix_mdev)->host;
	const struct ap_matrix *apcb = &matrix_mdev->shadow_apcb;
	u32 nr_queues;

	mutex_lock(&h->lock);
	*generation = matrix_mdev->cfg_generation;
	nr_queues = bitmap_weight(apcb->apm, AP_DEVICES) *
		    bitmap_weight(apcb->aqm, AP_DOMAINS);
	*record_size = vfio_ap_mig_config_record_size_irq(nr_queues,
				sim_irq_nr_targets(&to_sim_mdev(matrix_mdev)->irq,
						   apcb->apm, apcb->aqm));
	mutex_unlock(&h->lock);
}

/* The ids TAPQ may be asked about, for the source's config build. */
struct sim_tapq_ctx {
	struct sim_host *host;
	unsigned long apm_max, aqm_max;
};

/* The source's TAPQ: a queue of the guest that vanished is -ENODEV. */
static int sim_source_tapq(void *ctx, u16 apqn, u64 *gr2)
{
	struct sim_tapq_ctx *t = ctx;
	struct sim_tapq_answer a;
	int ret;

	ret = sim_tapq(t->host, t->apm_max, t->aqm_max, apqn, &a);
	if (ret)
		return ret;
	if (a.absent)
		return -ENODEV;
	*gr2 = a.gr2;
	return 0;
}

int vfio_ap_mig_host_read_config(struct ap_matrix_mdev *matrix_mdev,
				 struct vfio_ap_mig_config *cfg, u64 *generation)
{
	struct sim_host *h = to_sim_mdev(matrix_mdev)->host;
	struct sim_tapq_ctx t = { .host = h };
	DECLARE_BITMAP(apm, AP_DEVICES);
	DECLARE_BITMAP(aqm, AP_DOMAINS);
	DECLARE_BITMAP(adm, AP_DOMAINS);
	u16 failed = 0;
	int ret;

	/* copy under mdevs_lock, TAPQ after */
	mutex_lock(&h->lock);
	bitmap_copy(apm, matrix_mdev->shadow_apcb.apm, AP_DEVICES);
	bitmap_copy(aqm, matrix_mdev->shadow_apcb.aqm, AP_DOMAINS);
	bitmap_copy(adm, matrix_mdev->shadow_apcb.adm, AP_DOMAINS);
	t.apm_max = matrix_mdev->matrix.apm_max;
	t.aqm_max = matrix_mdev->matrix.aqm_max;
	*generation = matrix_mdev->cfg_generation;
	mutex_unlock(&h->lock);

	ret = vfio_ap_mig_config_build(cfg, apm, aqm, adm, sim_source_tapq, &t,
				       &failed);
	if (!ret) {
		/* The registrations, live or held, as vfio_ap_mig_irq_read(). */
		mutex_lock(&h->lock);
		ret = sim_irq_read(&to_sim_mdev(matrix_mdev)->irq, cfg);
		mutex_unlock(&h->lock);
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

/* vfio_ap_mig_irq.h: the simulator's model of vfio_ap_mig_irq.c */

int vfio_ap_mig_irq_suspend(struct ap_matrix_mdev *matrix_mdev)
{
	struct sim_mdev *m = to_sim_mdev(matrix_mdev);
	int ret;

	mutex_lock(&m->host->lock);
	ret = sim_irq_suspend(&m->irq);
	mutex_unlock(&m->host->lock);
	return ret;
}

int vfio_ap_mig_irq_hold(struct ap_matrix_mdev *matrix_mdev,
			 const struct vfio_ap_mig_config *cfg)
{
	struct sim_mdev *m = to_sim_mdev(matrix_mdev);
	int ret;

	mutex_lock(&m->host->lock);
	ret = sim_irq_hold(&m->irq, cfg);
	/* What the guest's registration reads as changed: count it. */
	matrix_mdev->cfg_generation++;
	mutex_unlock(&m->host->lock);
	return ret;
}

void vfio_ap_mig_irq_resume(struct ap_matrix_mdev *matrix_mdev)
{
	struct sim_mdev *m = to_sim_mdev(matrix_mdev);

	struct vfio_ap_mig_irq_target t[VFIO_AP_MIG_MAX_IRQ_TARGETS];
	u16 nr;

	mutex_lock(&m->host->lock);
	nr = sim_irq_resume(&m->irq, matrix_mdev->shadow_apcb.apm,
			    matrix_mdev->shadow_apcb.aqm, t);
	mutex_unlock(&m->host->lock);
	/* The kick runs the guest model: outside the host lock, as on hardware. */
	sim_irq_kick(&m->irq, t, nr);
}

void vfio_ap_mig_irq_drop(struct ap_matrix_mdev *matrix_mdev)
{
	struct sim_mdev *m = to_sim_mdev(matrix_mdev);

	mutex_lock(&m->host->lock);
	sim_irq_drop(&m->irq);
	mutex_unlock(&m->host->lock);
}

struct sim_irq *sim_mdev_irq(struct sim_mdev *m)
{
	return &m->irq;
}

/*
 * The destination mdev's view of the host, copied under the host lock:
 * what vfio_ap_mig_host.c's view snapshots (bindings, owners, the host's
 * AP configuration, the mdev's APCB in @target).
 */
struct sim_view {
	struct sim_host *host;
	unsigned long apm_max, aqm_max;
	DECLARE_BITMAP(host_apm, AP_DEVICES);
	DECLARE_BITMAP(host_aqm, AP_DOMAINS);
	DECLARE_BITMAP(bound, VFIO_AP_MIG_MAX_QUEUES);
	DECLARE_BITMAP(in_use, VFIO_AP_MIG_MAX_QUEUES);
	struct vfio_ap_mig_target target;
};

/* The rules' lookup: the snapshot, and TAPQ with no lock held. */
static int sim_view_lookup(void *ctx, u16 apqn, struct vfio_ap_mig_target_queue *tq)
{
	struct sim_view *v = ctx;
	struct sim_tapq_answer a;
	int ret;

	ret = sim_tapq(v->host, v->apm_max, v->aqm_max, apqn, &a);
	if (ret)
		return ret;
	tq->exists = !a.absent;
	tq->gr2 = a.gr2;
	tq->checkstopped = a.checkstopped;
	tq->unconfigured = a.deconfigured ||
			   !vfio_ap_mig_apqn_configured(v->host_apm, v->host_aqm, apqn);
	tq->bound = test_bit(apqn, v->bound);
	tq->in_use = test_bit(apqn, v->in_use);
	return 0;
}

/*
 * Copy what the check needs for @cfg's queues: bound to vfio_ap (a driver
 * walk), assigned to an mdev other than @dst (whatever the binding), the
 * host's configuration and @dst's APCB; no TAPQ.
 */
static void sim_view_snapshot(struct sim_view *v, const struct vfio_ap_mig_config *cfg,
			      struct sim_mdev *dst, u64 *generation)
{
	struct sim_host *h = dst->host;
	const struct ap_matrix *apcb = &dst->mdev.shadow_apcb;
	unsigned long apid, apqi;
	size_t i;

	lockdep_assert_held(&h->lock);
	for_each_set_bit_inv(apid, cfg->apm, AP_DEVICES)
		for_each_set_bit_inv(apqi, cfg->aqm, AP_DOMAINS) {
			u16 apqn = VFIO_AP_MIG_APQN(apid, apqi);

			if (h->queues[apqn].present && h->queues[apqn].vfio_ap)
				set_bit(apqn, v->bound);
		}
	for (i = 0; i < h->nr_mdevs; i++) {
		struct sim_mdev *o = h->mdevs[i];

		if (o == dst)
			continue;
		for_each_set_bit_inv(apid, o->mdev.matrix.apm, AP_DEVICES) {
			if (!test_bit_inv(apid, cfg->apm))
				continue;
			for_each_set_bit_inv(apqi, o->mdev.matrix.aqm, AP_DOMAINS)
				if (test_bit_inv(apqi, cfg->aqm))
					set_bit(VFIO_AP_MIG_APQN(apid, apqi), v->in_use);
		}
	}
	bitmap_copy(v->target.apm, apcb->apm, AP_DEVICES);
	bitmap_copy(v->target.aqm, apcb->aqm, AP_DOMAINS);
	bitmap_copy(v->target.adm, apcb->adm, AP_DOMAINS);
	bitmap_copy(v->host_apm, h->apm, AP_DEVICES);
	bitmap_copy(v->host_aqm, h->aqm, AP_DOMAINS);
	v->apm_max = dst->mdev.matrix.apm_max;
	v->aqm_max = dst->mdev.matrix.aqm_max;
	*generation = dst->mdev.cfg_generation;
}

struct sim_report {
	struct sim_mdev *m;
	vfio_ap_mig_report_t report;
	void *ctx;
};

/* Keep each problem for the simulator's callers, then pass it on. */
static void sim_record_problem(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct sim_report *r = ctx;
	struct sim_mdev *m = r->m;

	if (m->nr_problems == m->max_problems) {
		size_t n = m->max_problems ? 2 * m->max_problems : 16;
		struct vfio_ap_mig_problem *np = realloc(m->problems, n * sizeof(*np));

		if (np) {
			m->problems = np;
			m->max_problems = n;
		}
	}
	if (m->nr_problems < m->max_problems)
		m->problems[m->nr_problems++] = *p;
	if (r->report)
		r->report(r->ctx, p);
}

int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx,
			   u64 *generation)
{
	struct sim_mdev *m = to_sim_mdev(matrix_mdev);
	struct sim_host *h = m->host;
	struct sim_report rep = { .m = m, .report = report, .ctx = report_ctx };
	struct sim_view *v;
	int ret;

	v = kzalloc_obj(*v, GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	v->host = h;
	v->target.lookup = sim_view_lookup;
	v->target.ctx = v;
	mutex_lock(&h->lock);
	sim_view_snapshot(v, cfg, m, generation);
	mutex_unlock(&h->lock);

	/* the problem list belongs to the thread checking for this mdev */
	m->nr_problems = 0;
	m->checks++;
	ret = vfio_ap_mig_check(cfg, &v->target, sim_record_problem, &rep);
	kfree(v);
	return ret;
}
