/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFIO migration for vfio_ap mediated devices: the guest's AP configuration
 * is the device state. See Documentation/arch/s390/vfio-ap-migration.rst.
 */
#ifndef _VFIO_AP_MIGRATION_H_
#define _VFIO_AP_MIGRATION_H_

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "vfio_ap_mig_stream.h"

struct ap_matrix_mdev;
struct vfio_ap_mig_file;
struct vfio_ap_mig_irq_reg;

/**
 * struct vfio_ap_migration - migration state of one matrix mdev
 * @state_mutex: serializes state changes and the data files' state
 * @reset_lock: protects @deferred_reset
 * @deferred_reset: a reset arrived while @state_mutex was held
 * @opened: between open_device and close_device
 * @state: the current VFIO device migration state
 * @saving: data file of the saving group (PRE_COPY/STOP_COPY), or NULL
 * @resuming: data file of RESUMING, or NULL
 * @irq_held: the guest's interruption registrations while it is stopped,
 *	      sorted by APQN: suspended on the source, or received by the
 *	      destination; registered again when it runs (mdevs_lock)
 * @nr_irq_held: entries of @irq_held
 * @size_gen: generation @record_size was computed at (mdevs_lock)
 * @record_size: size of a configuration record of the guest then
 */
struct vfio_ap_migration {
	struct mutex state_mutex;	/* see the kernel-doc above */
	spinlock_t reset_lock;		/* protects deferred_reset */
	bool deferred_reset;
	bool opened;
	enum vfio_device_mig_state state;
	struct vfio_ap_mig_file *saving;
	struct vfio_ap_mig_file *resuming;
	struct vfio_ap_mig_irq_reg *irq_held;
	u32 nr_irq_held;
	u64 size_gen;
	size_t record_size;
};

/* Called from vfio_ap_ops.c */
void vfio_ap_mig_init(struct ap_matrix_mdev *matrix_mdev);
void vfio_ap_mig_release(struct ap_matrix_mdev *matrix_mdev);
void vfio_ap_mig_open(struct ap_matrix_mdev *matrix_mdev);
void vfio_ap_mig_close(struct ap_matrix_mdev *matrix_mdev);
void vfio_ap_mig_reset(struct ap_matrix_mdev *matrix_mdev);

#endif /* _VFIO_AP_MIGRATION_H_ */
