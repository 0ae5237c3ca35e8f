// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated host: state built from a sysfs tree, the vfio_ap device
 * callbacks around the migration driver (open, close, reset, as patched
 * vfio_ap_ops.c does), and vfio_ap_mig_host.h implemented the way
 * vfio_ap_mig_host.c does on hardware: TAPQ answers from the tree's
 * ap_functions and raw_hwtype, the destination view from the vfio_ap
 * bindings and assignments, and an apply that changes the mdev and its
 * guest under the host lock, all or nothing.
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

struct sim_queue {
	bool present;		/* TAPQ finds it (the tree has the queue) */
	bool vfio_ap;		/* bound to the vfio_ap driver */
	u64 gr2;		/* what TAPQ answers (raw, unmasked) */
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
	int fail_apqn, fail_err;
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
	unsigned long applies;
	struct vfio_ap_mig_problem *problems;
	size_t nr_problems, max_problems;
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

/* TAPQ with the T bit: GR2, -ENODEV (Q_NOT_AVAIL) or the knob's error. */
static int sim_tapq(struct sim_host *h, u16 apqn, u64 *gr2)
{
	unsigned long n = atomic_fetch_add(&h->tapq_calls, 1) + 1;
	unsigned long at = atomic_load(&h->fail_nth_at);

	if (at && n == at &&
	    atomic_compare_exchange_strong(&h->fail_nth_at, &at, 0))
		return h->fail_nth_err;
	if (h->fail_apqn == apqn)
		return h->fail_err;
	if (!h->queues[apqn].present)
		return -ENODEV;
	*gr2 = h->queues[apqn].gr2;
	return 0;
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
static void sim_filter_matrix(struct sim_host *h, struct sim_mdev *m)
{
	struct ap_matrix *mx = &m->mdev.matrix, *sh = &m->mdev.shadow_apcb;

	apmig_filter_matrix(mx->apm, mx->aqm, h->apm, h->aqm, sim_passable, h,
			    sh->apm, sh->aqm);
}

static void sim_filter_cdoms(struct sim_host *h, struct sim_mdev *m)
{
	apmig_filter_cdoms(m->mdev.matrix.adm, h->adm, m->mdev.shadow_apcb.adm);
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
	/* the queues' reset needs no simulation; then the migration reset */
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
	vfio_ap_mig_init(&m->mdev);
	h->mdevs[h->nr_mdevs++] = m;
	return m;
}

static void sim_mdev_free(struct sim_mdev *m)
{
	vfio_ap_mig_release(&m->mdev);
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
	h->fail_apqn = -1;
	bitmap_copy(h->apm, tree->apm, AP_DEVICES);
	bitmap_copy(h->aqm, tree->aqm, AP_DOMAINS);
	bitmap_copy(h->adm, tree->adm, AP_DOMAINS);
	bitmap_copy(h->apmask, tree->apmask, AP_DEVICES);
	bitmap_copy(h->aqmask, tree->aqmask, AP_DOMAINS);
	h->apm_max = tree->max_adapter_id >= 0 ? tree->max_adapter_id : 255;
	h->aqm_max = tree->max_domain_id >= 0 ? tree->max_domain_id : 255;
	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++) {
		const struct apmig_queue *q = tree->queues[i];

		if (!q)
			continue;
		h->queues[i].present = true;
		h->queues[i].vfio_ap = q->driver == APMIG_DRV_VFIO_AP;
		h->queues[i].gr2 = apmig_host_queue_gr2(tree, q);
	}
	for (k = 0; k < tree->nr_mdevs; k++) {
		const struct apmig_mdev *t = &tree->mdevs[k];
		struct sim_mdev *m = sim_mdev_new(h, t->uuid);

		if (!m) {
			h->tree = NULL;		/* the caller keeps it on failure */
			sim_host_free(h);
			return -ENOMEM;
		}
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
	mutex_lock(&h->lock);
	h->fail_apqn = apqn;
	h->fail_err = err;
	mutex_unlock(&h->lock);
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
 * of that mdev's guest if the guest has the queue.
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
		sim_filter_cdoms(h, m);
		goto out_unlock;
	}
	ret = sim_validate(h, m);
	if (ret)
		clear_bit_inv(id, map);
	else
		sim_filter_matrix(h, m);
out_unlock:
	mutex_unlock(&h->lock);
	return ret;
}

/*
 * As vfio_ap's unassign_* stores: the id leaves the matrix and the guest's
 * APCB; nothing is filtered again (an adapter left out stays out).
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
	clear_bit_inv(id, shadow);
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
	return vfio_ap_mig_host_read_config(&m->mdev, cfg);
}

void sim_mdev_set_protected(struct sim_mdev *m, bool protected_guest)
{
	mutex_lock(&m->host->lock);
	m->protected_guest = protected_guest;
	mutex_unlock(&m->host->lock);
}

unsigned long sim_mdev_applies(const struct sim_mdev *m)
{
	return m->applies;
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

void sim_mdev_close(struct sim_mdev *m, int devfd)
{
	shim_sys_close(devfd);
}

enum vfio_device_mig_state sim_mdev_state(struct sim_mdev *m)
{
	enum vfio_device_mig_state s = VFIO_DEVICE_STATE_ERROR;

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

static int sim_tapq_cb(void *ctx, u16 apqn, u64 *gr2)
{
	return sim_tapq(ctx, apqn, gr2);
}

int vfio_ap_mig_host_read_config(struct ap_matrix_mdev *matrix_mdev,
				 struct vfio_ap_mig_config *cfg)
{
	struct sim_host *h = to_sim_mdev(matrix_mdev)->host;
	struct ap_matrix *apcb = &matrix_mdev->shadow_apcb;
	u16 failed = 0;
	int ret;

	mutex_lock(&h->lock);
	ret = vfio_ap_mig_config_build(cfg, apcb->apm, apcb->aqm, apcb->adm,
				       sim_tapq_cb, h, &failed);
	mutex_unlock(&h->lock);
	if (ret && ret != -ENOMEM)
		dev_err_ratelimited(matrix_mdev->vdev.dev,
				    "migration: cannot read queue %02x.%04x of the guest: %d\n",
				    VFIO_AP_MIG_APID(failed), VFIO_AP_MIG_APQI(failed), ret);
	return ret;
}

/* The destination mdev's view of the host, for the rules' lookup. */
struct sim_view {
	struct sim_host *host;
	struct sim_mdev *dest;
};

static int sim_view_lookup(void *ctx, u16 apqn, struct vfio_ap_mig_target_queue *tq)
{
	struct sim_view *v = ctx;
	int ret;

	lockdep_assert_held(&v->host->lock);
	memset(tq, 0, sizeof(*tq));
	ret = sim_tapq(v->host, apqn, &tq->gr2);
	if (ret == -ENODEV)
		return 0;
	if (ret)
		return ret;
	tq->exists = true;
	tq->unconfigured = !vfio_ap_mig_apqn_configured(v->host->apm, v->host->aqm, apqn);
	tq->bound = v->host->queues[apqn].vfio_ap;
	tq->in_use = apmig_queue_in_use(tq->bound,
					sim_owner(v->host, apqn, v->dest) != NULL);
	return 0;
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

static int sim_judge(struct ap_matrix_mdev *matrix_mdev,
		     const struct vfio_ap_mig_config *cfg, bool apply,
		     vfio_ap_mig_report_t report, void *report_ctx)
{
	struct sim_mdev *m = to_sim_mdev(matrix_mdev);
	struct sim_host *h = m->host;
	struct sim_view view = { .host = h, .dest = m };
	struct vfio_ap_mig_target target = {
		.lookup = sim_view_lookup,
		.ctx = &view,
	};
	struct sim_report rep = { .m = m, .report = report, .ctx = report_ctx };
	struct ap_matrix *mx = &matrix_mdev->matrix;
	int ret;

	mutex_lock(&h->lock);
	m->nr_problems = 0;
	bitmap_copy(target.adm, h->adm, AP_DOMAINS);
	ret = vfio_ap_mig_check(cfg, &target, sim_record_problem, &rep);
	if (ret || !apply)
		goto out_unlock;
	/* every queue passed: the guest gets exactly the source's APCB */
	bitmap_copy(mx->apm, cfg->apm, AP_DEVICES);
	bitmap_copy(mx->aqm, cfg->aqm, AP_DOMAINS);
	bitmap_copy(mx->adm, cfg->adm, AP_DOMAINS);
	/* vfio_ap_mdev_set_matrix() runs both filters */
	sim_filter_matrix(h, m);
	sim_filter_cdoms(h, m);
	m->applies++;
out_unlock:
	mutex_unlock(&h->lock);
	return ret;
}

int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx)
{
	return sim_judge(matrix_mdev, cfg, false, report, report_ctx);
}

int vfio_ap_mig_host_apply(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx)
{
	return sim_judge(matrix_mdev, cfg, true, report, report_ctx);
}
