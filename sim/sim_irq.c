// SPDX-License-Identifier: GPL-2.0
/*
 * Guest AP interruption registrations in the simulator, and the migration
 * driver's services around them, as vfio_ap_mig_irq.c does on hardware:
 * suspend when the guest stops, hold what a stream carries, register again
 * and kick once per target when the guest is about to run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitops.h>

#include "sim_irq.h"

void sim_irq_init(struct sim_irq *irq)
{
	memset(irq, 0, sizeof(*irq));
	irq->fail_apqn = -1;
}

void sim_irq_release(struct sim_irq *irq)
{
	free(irq->live);
	free(irq->held);
	irq->live = irq->held = NULL;
	irq->nr_live = irq->nr_held = 0;
}

static struct sim_irq_reg *sim_irq_find(struct sim_irq_reg *regs, size_t nr,
					u16 apqn)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (regs[i].apqn == apqn)
			return &regs[i];
	}
	return NULL;
}

/* Add or replace @apqn's registration in @regs, kept sorted by APQN. */
static int sim_irq_put(struct sim_irq_reg **regs, size_t *nr, u16 apqn, u8 isc,
		       u64 nib)
{
	struct sim_irq_reg *r = sim_irq_find(*regs, *nr, apqn), *grown;
	size_t at;

	if (r) {
		r->isc = isc;
		r->nib = nib;
		return 0;
	}
	grown = realloc(*regs, (*nr + 1) * sizeof(**regs));
	if (!grown)
		return -ENOMEM;
	*regs = grown;
	for (at = *nr; at && grown[at - 1].apqn > apqn; at--)
		grown[at] = grown[at - 1];
	grown[at] = (struct sim_irq_reg){ .apqn = apqn, .isc = isc, .nib = nib };
	(*nr)++;
	return 0;
}

static void sim_irq_del(struct sim_irq_reg *regs, size_t *nr, u16 apqn)
{
	struct sim_irq_reg *r = sim_irq_find(regs, *nr, apqn);

	if (!r)
		return;
	memmove(r, r + 1, (size_t)(regs + *nr - (r + 1)) * sizeof(*r));
	(*nr)--;
}

int sim_irq_guest_aqic(struct sim_irq *irq, u16 apqn, bool on, u8 isc, u64 nib)
{
	if (!on) {
		sim_irq_del(irq->live, &irq->nr_live, apqn);
		return 0;
	}
	if (isc > VFIO_AP_MIG_MAX_ISC || !nib)
		return -EINVAL;
	return sim_irq_put(&irq->live, &irq->nr_live, apqn, isc, nib);
}

bool sim_irq_live(const struct sim_irq *irq, u16 apqn)
{
	return sim_irq_find(irq->live, irq->nr_live, apqn) != NULL;
}

bool sim_irq_of(const struct sim_irq *irq, u16 apqn, u8 *isc, u64 *nib)
{
	struct sim_irq_reg *r = sim_irq_find(irq->live, irq->nr_live, apqn);

	if (!r)
		r = sim_irq_find(irq->held, irq->nr_held, apqn);
	if (!r)
		return false;
	*isc = r->isc;
	*nib = r->nib;
	return true;
}

int sim_irq_read(const struct sim_irq *irq, struct vfio_ap_mig_config *cfg)
{
	u32 i;
	u64 nib;
	u8 isc;
	int ret;

	for (i = 0; i < cfg->nr_queues; i++) {
		if (!sim_irq_of(irq, cfg->queues[i].apqn, &isc, &nib))
			continue;
		ret = vfio_ap_mig_config_set_irq(cfg, i, isc, nib);
		if (ret == -ENOMEM)
			return ret;
	}
	return 0;
}

u16 sim_irq_nr_targets(const struct sim_irq *irq, const unsigned long *apm,
		       const unsigned long *aqm)
{
	struct vfio_ap_mig_irq_target t[VFIO_AP_MIG_MAX_IRQ_TARGETS];
	const struct sim_irq_reg *sets[2] = { irq->live, irq->held };
	size_t nrs[2] = { irq->nr_live, irq->nr_held }, i, s;
	u16 nr = 0;

	for (s = 0; s < 2; s++) {
		for (i = 0; i < nrs[s]; i++) {
			u16 apqn = sets[s][i].apqn;

			if (!test_bit_inv(apqn >> 8, apm) ||
			    !test_bit_inv(apqn & 0xff, aqm))
				continue;
			vfio_ap_mig_irq_target_index(t, &nr, sets[s][i].isc,
						     sets[s][i].nib);
		}
	}
	return nr;
}

int sim_irq_suspend(struct sim_irq *irq)
{
	size_t i;
	int ret;

	irq->suspends++;
	for (i = 0; i < irq->nr_live; i++) {
		ret = sim_irq_put(&irq->held, &irq->nr_held, irq->live[i].apqn,
				  irq->live[i].isc, irq->live[i].nib);
		if (ret)
			return ret;
	}
	free(irq->live);
	irq->live = NULL;
	irq->nr_live = 0;
	return 0;
}

int sim_irq_hold(struct sim_irq *irq, const struct vfio_ap_mig_config *cfg)
{
	const struct vfio_ap_mig_irq_target *t;
	u32 i;
	int ret;

	free(irq->held);
	irq->held = NULL;
	irq->nr_held = 0;
	for (i = 0; i < cfg->nr_queues; i++) {
		if (!cfg->queues[i].irq)
			continue;
		t = &cfg->irq_targets[cfg->queues[i].irq - 1];
		ret = sim_irq_put(&irq->held, &irq->nr_held, cfg->queues[i].apqn,
				  t->isc, t->nib);
		if (ret)
			return ret;
	}
	return 0;
}

u16 sim_irq_resume(struct sim_irq *irq, const unsigned long *apm,
		   const unsigned long *aqm, struct vfio_ap_mig_irq_target *t)
{
	u16 nr = 0;
	size_t i;

	irq->resumes++;
	for (i = 0; i < irq->nr_held; i++) {
		const struct sim_irq_reg *r = &irq->held[i];

		if (r->apqn == irq->fail_apqn ||
		    !test_bit_inv(r->apqn >> 8, apm) ||
		    !test_bit_inv(r->apqn & 0xff, aqm) ||
		    sim_irq_put(&irq->live, &irq->nr_live, r->apqn, r->isc, r->nib))
			irq->failed++;
		else
			irq->restored++;
		vfio_ap_mig_irq_target_index(t, &nr, r->isc, r->nib);
	}
	free(irq->held);
	irq->held = NULL;
	irq->nr_held = 0;
	return nr;
}

void sim_irq_kick(struct sim_irq *irq, const struct vfio_ap_mig_irq_target *t,
		  u16 nr)
{
	u16 i;

	if (irq->no_kick)
		return;
	for (i = 0; i < nr; i++) {
		irq->kicks++;
		if (irq->kick)
			irq->kick(irq->kick_ctx, t[i].isc, t[i].nib);
	}
}

void sim_irq_drop(struct sim_irq *irq)
{
	free(irq->held);
	irq->held = NULL;
	irq->nr_held = 0;
}
