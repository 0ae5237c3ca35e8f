/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vfio_ap migration needs from the host: the guest's configuration with
 * each queue's TAPQ answer, its generation, and the check of an incoming
 * configuration against the destination mdev. The kernel implementation is
 * vfio_ap_mig_host.c (each function a KUnit static-stub point, since TCG has
 * no AP instructions); userspace implements the same functions in sim/.
 *
 * None of them asks the hardware while holding a vfio_ap-global lock or
 * kvm->lock: what is needed is copied under mdevs_lock first.
 */
#ifndef _VFIO_AP_MIG_HOST_H_
#define _VFIO_AP_MIG_HOST_H_

#include <linux/types.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

struct ap_matrix_mdev;

/*
 * True if the guest of @matrix_mdev is a Secure Execution (protected) guest,
 * or this host itself runs as one: AP queues then carry bind/associate state
 * that cannot move.
 */
bool vfio_ap_mig_host_is_se_guest(struct ap_matrix_mdev *matrix_mdev);

/*
 * The configuration generation of @matrix_mdev (bumped by every change of
 * its guest's AP configuration, of the queues behind it or of the guest's
 * interruption registration) and the exact size of a configuration record
 * of its guest now. Cheap: no hardware access.
 */
void vfio_ap_mig_host_peek(struct ap_matrix_mdev *matrix_mdev, u64 *generation,
			   size_t *record_size);

/*
 * Snapshot the configuration the guest of @matrix_mdev has now (its APCB)
 * into @cfg (allocated here; free with vfio_ap_mig_config_free()), with each
 * queue's GR2 from TAPQ masked to VFIO_AP_MIG_GR2_MASK, and the generation
 * the masks were taken at.
 */
int vfio_ap_mig_host_read_config(struct ap_matrix_mdev *matrix_mdev,
				 struct vfio_ap_mig_config *cfg, u64 *generation);

/*
 * Check @cfg against @matrix_mdev as the destination: its guest
 * configuration must equal @cfg on compatible queues. Report each problem
 * and guest-visible change; set @generation to the mdev's generation the
 * check saw. Returns the number of problems or -errno.
 */
int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx,
			   u64 *generation);

#endif /* _VFIO_AP_MIG_HOST_H_ */
