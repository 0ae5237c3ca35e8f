/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers on the shared struct vfio_ap_mig_config the kernel does not need. */
#ifndef APMIG_CONFIG_H
#define APMIG_CONFIG_H

#include "vfio_ap_mig_stream.h"

/*
 * Make @dst a copy of @src (masks, queues and interruption targets; @dst's
 * old contents are not freed). Returns 0, -ENOMEM, -E2BIG or -EINVAL (a malformed @src); on
 * error @dst is empty. Free @dst with vfio_ap_mig_config_free().
 */
int apmig_config_copy(struct vfio_ap_mig_config *dst,
		      const struct vfio_ap_mig_config *src);

#endif /* APMIG_CONFIG_H */
