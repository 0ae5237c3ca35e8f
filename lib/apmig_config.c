// SPDX-License-Identifier: GPL-2.0
/* Helpers on struct vfio_ap_mig_config that only the tool needs. */
#include <errno.h>
#include <string.h>

#include <linux/bitmap.h>

#include "apmig_config.h"

int apmig_config_copy(struct vfio_ap_mig_config *dst,
		      const struct vfio_ap_mig_config *src)
{
	int ret;

	memset(dst, 0, sizeof(*dst));
	if (src->nr_queues && !src->queues)
		return -EINVAL;
	ret = vfio_ap_mig_config_alloc(dst, src->nr_queues);
	if (ret)
		return ret;
	bitmap_copy(dst->apm, src->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(dst->aqm, src->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(dst->adm, src->adm, VFIO_AP_MIG_IDS);
	if (src->nr_queues)
		memcpy(dst->queues, src->queues,
		       src->nr_queues * sizeof(*src->queues));
	return 0;
}
