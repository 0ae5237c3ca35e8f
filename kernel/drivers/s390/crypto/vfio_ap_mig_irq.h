/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's AP interruptions across a live migration: suspended while the
 * guest is stopped, registered again before it runs, then a kick so that it
 * looks at every queue. See Documentation/arch/s390/vfio-ap-migration.rst.
 */
#ifndef _VFIO_AP_MIG_IRQ_H_
#define _VFIO_AP_MIG_IRQ_H_

#include <linux/kconfig.h>
#include <linux/types.h>

#include "vfio_ap_mig_stream.h"

struct ap_matrix_mdev;

/**
 * struct vfio_ap_mig_irq_reg - one queue's interruption registration
 * @apqn: the queue
 * @isc: guest interruption subclass
 * @nib: guest address of the notification indicator byte
 */
struct vfio_ap_mig_irq_reg {
	u16 apqn;
	u8 isc;
	u64 nib;
};

/*
 * Note in @cfg (its queues listed) each queue's registration as the guest
 * made it: the live one, or the one held while the guest is stopped.
 */
int vfio_ap_mig_irq_read(struct ap_matrix_mdev *matrix_mdev,
			 struct vfio_ap_mig_config *cfg);
/* Distinct targets of the guest's queues now; mdevs_lock held. */
u16 vfio_ap_mig_irq_nr_targets(struct ap_matrix_mdev *matrix_mdev);
/* Guest stopping: no queue may write its memory; keep the registrations. */
int vfio_ap_mig_irq_suspend(struct ap_matrix_mdev *matrix_mdev);
/* Destination: hold the registrations @cfg carries until the guest runs. */
int vfio_ap_mig_irq_hold(struct ap_matrix_mdev *matrix_mdev,
			 const struct vfio_ap_mig_config *cfg);
/* Guest about to run: register what is held, then kick. Never fails. */
void vfio_ap_mig_irq_resume(struct ap_matrix_mdev *matrix_mdev);
/* Forget what is held (reset, close). */
void vfio_ap_mig_irq_drop(struct ap_matrix_mdev *matrix_mdev);

#if IS_ENABLED(CONFIG_KUNIT)
struct ap_matrix_dev;
struct vfio_ap_queue;
u8 vfio_ap_mig_irq_aqic_on(struct vfio_ap_queue *q, u8 isc, u64 nib);
void vfio_ap_mig_irq_aqic_off(struct vfio_ap_queue *q);
int vfio_ap_mig_irq_kick(struct ap_matrix_mdev *matrix_mdev, u8 isc, u64 nib);
struct ap_matrix_dev **vfio_ap_mig_irq_test_matrix_dev(void);
#endif

#endif /* _VFIO_AP_MIG_IRQ_H_ */
