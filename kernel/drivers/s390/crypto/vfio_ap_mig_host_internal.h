/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of vfio_ap_mig_host.c that its KUnit tests reach: the TAPQ
 * answer and the destination's view of the host. Not for other users.
 */
#ifndef _VFIO_AP_MIG_HOST_INTERNAL_H_
#define _VFIO_AP_MIG_HOST_INTERNAL_H_

#include <linux/types.h>
#include <asm/ap.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

/**
 * struct vfio_ap_mig_host_ids - the ids TAPQ may be asked about
 * @apm_max: the machine's highest adapter id
 * @aqm_max: the machine's highest domain id
 */
struct vfio_ap_mig_host_ids {
	unsigned long apm_max;
	unsigned long aqm_max;
};

/**
 * struct vfio_ap_mig_tapq_answer - what TAPQ says of one queue
 * @gr2: its GR2 (valid unless @absent)
 * @absent: the queue does not exist (Q_NOT_AVAIL, or an id beyond the max)
 * @deconfigured: response code DECONFIGURED
 * @checkstopped: response code CHECKSTOPPED
 */
struct vfio_ap_mig_tapq_answer {
	u64 gr2;
	bool absent;
	bool deconfigured;
	bool checkstopped;
};

/**
 * struct vfio_ap_mig_host_view - this host seen from one destination mdev
 * @cfg: the incoming configuration
 * @ids: the ids TAPQ may be asked about
 * @arank: position of each adapter among @cfg's adapters
 * @drank: position of each domain among @cfg's domains
 * @host_apm: the host's configured adapters (QCI)
 * @host_aqm: the host's configured domains (QCI)
 * @bound: per queue of @cfg: bound to vfio_ap
 * @in_use: per queue of @cfg: assigned to another mdev
 * @target: the rules' view; its masks are the destination mdev's APCB
 */
struct vfio_ap_mig_host_view {
	const struct vfio_ap_mig_config *cfg;
	struct vfio_ap_mig_host_ids ids;
	u16 arank[VFIO_AP_MIG_IDS];
	u16 drank[VFIO_AP_MIG_IDS];
	DECLARE_BITMAP(host_apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(host_aqm, VFIO_AP_MIG_IDS);
	unsigned long *bound;
	unsigned long *in_use;
	struct vfio_ap_mig_target target;
};

#if IS_ENABLED(CONFIG_KUNIT)
struct ap_queue_status vfio_ap_mig_test_queue(u16 apqn, struct ap_tapq_hwinfo *info);
int vfio_ap_mig_tapq(const struct vfio_ap_mig_host_ids *ids, u16 apqn,
		     struct vfio_ap_mig_tapq_answer *a);
int vfio_ap_mig_view_init(struct vfio_ap_mig_host_view *view,
			  const struct vfio_ap_mig_config *cfg);
void vfio_ap_mig_view_free(struct vfio_ap_mig_host_view *view);
int vfio_ap_mig_view_lookup(void *ctx, u16 apqn,
			    struct vfio_ap_mig_target_queue *tq);
#endif

#endif /* _VFIO_AP_MIG_HOST_INTERNAL_H_ */
