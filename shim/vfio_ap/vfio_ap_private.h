/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED (reduced). The vfio_ap driver's private types with
 * exactly the members the migration driver uses; the real header is
 * drivers/s390/crypto/vfio_ap_private.h in the patched kernel tree, where
 * the s390x build compiles the same driver against it. A member used here
 * that the real struct lacks fails that build; one the real struct has
 * and this one lacks fails the userspace build.
 */
#ifndef _VFIO_AP_PRIVATE_H_
#define _VFIO_AP_PRIVATE_H_

#include <linux/bitmap.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "vfio_ap_migration.h"

#define VFIO_AP_MODULE_NAME	"vfio_ap"
#define VFIO_AP_DRV_NAME	"vfio_ap"

#define AP_DEVICES		256
#define AP_DOMAINS		256

struct kvm;

/* struct ap_matrix - adapters, usage domains and control domains */
struct ap_matrix {
	unsigned long apm_max;
	DECLARE_BITMAP(apm, AP_DEVICES);
	unsigned long aqm_max;
	DECLARE_BITMAP(aqm, AP_DOMAINS);
	unsigned long adm_max;
	DECLARE_BITMAP(adm, AP_DOMAINS);
};

/*
 * struct ap_matrix_mdev - a vfio_ap mediated device
 * @vdev: the VFIO device
 * @matrix: the adapters, domains and control domains assigned to it
 * @shadow_apcb: what its guest has (its APCB)
 * @kvm: the guest, or NULL
 * @mig: VFIO migration state (vfio_ap_migration.c)
 * @cfg_generation: bumped, under mdevs_lock, by every change of the guest's
 *		    AP configuration or of the queues behind it
 */
struct ap_matrix_mdev {
	struct vfio_device vdev;
	struct ap_matrix matrix;
	struct ap_matrix shadow_apcb;
	struct kvm *kvm;
	struct vfio_ap_migration mig;
	u64 cfg_generation;
};

#endif /* _VFIO_AP_PRIVATE_H_ */
