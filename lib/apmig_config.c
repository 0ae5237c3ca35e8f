// SPDX-License-Identifier: GPL-2.0
/* Helpers on struct vfio_ap_mig_config that only the tool needs. */
#include <errno.h>
#include <string.h>

#include <linux/bitmap.h>
#include <linux/slab.h>

#include "apmig_config.h"

int apmig_config_copy(struct vfio_ap_mig_config *dst,
		      const struct vfio_ap_mig_config *src)
{
	int ret;

	memset(dst, 0, sizeof(*dst));
	if ((src->nr_queues && !src->queues) ||
	    (src->nr_irq_targets && !src->irq_targets) ||
	    src->nr_irq_targets > VFIO_AP_MIG_MAX_IRQ_TARGETS)
		return -EINVAL;
	ret = vfio_ap_mig_config_alloc(dst, src->nr_queues);
	if (ret)
		return ret;
	if (src->irq_targets) {
		/* room for every target, as vfio_ap_mig_config_set_irq() expects */
		dst->irq_targets = kcalloc(VFIO_AP_MIG_MAX_IRQ_TARGETS,
					   sizeof(*dst->irq_targets), GFP_KERNEL);
		if (!dst->irq_targets) {
			vfio_ap_mig_config_free(dst);
			return -ENOMEM;
		}
		memcpy(dst->irq_targets, src->irq_targets,
		       src->nr_irq_targets * sizeof(*src->irq_targets));
		dst->nr_irq_targets = src->nr_irq_targets;
	}
	bitmap_copy(dst->apm, src->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(dst->aqm, src->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(dst->adm, src->adm, VFIO_AP_MIG_IDS);
	if (src->nr_queues)
		memcpy(dst->queues, src->queues,
		       src->nr_queues * sizeof(*src->queues));
	return 0;
}
