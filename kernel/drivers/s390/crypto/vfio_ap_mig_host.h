/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vfio_ap migration needs from the host: the guest's configuration with
 * each queue's TAPQ answer, the compatibility check against this host, and
 * the atomic application of a configuration. The kernel implementation is
 * vfio_ap_mig_host.c (each function a KUnit static-stub point, since TCG has
 * no AP instructions); userspace implements the same functions in sim/.
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
 * Snapshot the configuration the guest of @matrix_mdev has now (its APCB)
 * into @cfg (allocated here; free with vfio_ap_mig_config_free()), with each
 * queue's GR2 from TAPQ masked to VFIO_AP_MIG_GR2_MASK.
 */
int vfio_ap_mig_host_read_config(struct ap_matrix_mdev *matrix_mdev,
				 struct vfio_ap_mig_config *cfg);

/*
 * Check @cfg against this host for @matrix_mdev as the destination; report
 * each problem. Returns the number of problems or -errno.
 */
int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx);

/*
 * Under the host's locks: check @cfg again and, with no problem, make it the
 * configuration of @matrix_mdev and of its guest. Nothing is changed unless
 * everything is. Returns 0, the number of problems (> 0) or -errno.
 */
int vfio_ap_mig_host_apply(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx);

#endif /* _VFIO_AP_MIG_HOST_H_ */
