/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator's model of a guest's AP interruption registrations (what
 * vfio_ap keeps per queue after an intercepted PQAP(AQIC)) and of the
 * migration driver's services around them (vfio_ap_mig_irq.h): suspend,
 * hold, resume with a kick. The kernel's vfio_ap_mig_irq.c does this on
 * hardware; KUnit proves it there.
 */
#ifndef SIM_IRQ_H
#define SIM_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vfio_ap_mig_stream.h"

struct sim_irq_reg {
	u16 apqn;
	u8 isc;
	u64 nib;
};

/* Called for each kick: the guest sees its NIB set and an adapter interruption. */
typedef void (*sim_irq_kick_fn)(void *ctx, u8 isc, u64 nib);

struct sim_irq {
	struct sim_irq_reg *live;	/* registered at the "hardware" */
	size_t nr_live;
	struct sim_irq_reg *held;	/* suspended or received, sorted */
	size_t nr_held;
	int fail_apqn;			/* its registration fails; -1: none */
	bool no_kick;			/* behave as upstream: no kick */
	sim_irq_kick_fn kick;
	void *kick_ctx;
	unsigned long suspends, resumes, kicks, restored, failed;
};

void sim_irq_init(struct sim_irq *irq);
void sim_irq_release(struct sim_irq *irq);
/* The guest's PQAP(AQIC): on (@on) or off for @apqn. 0 or -errno. */
int sim_irq_guest_aqic(struct sim_irq *irq, u16 apqn, bool on, u8 isc, u64 nib);
/* The registration of @apqn as the guest made it (live or held). */
bool sim_irq_of(const struct sim_irq *irq, u16 apqn, u8 *isc, u64 *nib);
/* Is @apqn registered at the hardware now (interrupts delivered)? */
bool sim_irq_live(const struct sim_irq *irq, u16 apqn);
/* Note every registration in @cfg; queues past 255 targets stay off. */
int sim_irq_read(const struct sim_irq *irq, struct vfio_ap_mig_config *cfg);
u16 sim_irq_nr_targets(const struct sim_irq *irq, const unsigned long *apm,
		       const unsigned long *aqm);
/* The driver's services, under the host lock. */
int sim_irq_suspend(struct sim_irq *irq);
int sim_irq_hold(struct sim_irq *irq, const struct vfio_ap_mig_config *cfg);
/* Register what is held; the targets to kick go to @t (255 entries). */
u16 sim_irq_resume(struct sim_irq *irq, const unsigned long *apm,
		   const unsigned long *aqm, struct vfio_ap_mig_irq_target *t);
/* Kick the guest once per target (unless no_kick): call without the host lock. */
void sim_irq_kick(struct sim_irq *irq, const struct vfio_ap_mig_irq_target *t,
		  u16 nr);
void sim_irq_drop(struct sim_irq *irq);

#endif /* SIM_IRQ_H */
