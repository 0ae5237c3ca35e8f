/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. The in-kernel VFIO device API a migration driver
 * sees: struct vfio_device (the driver-visible fields), its ops, the
 * migration ops, vfio_check_feature(), vfio_check_precopy_ioctl() (Linux
 * 7.3, with the PRECOPY_INFOv2 opt-in in @precopy_info_v2) and
 * vfio_mig_get_next_state() (shim/src/vfio.c, the kernel's exact FSM). The
 * VFIO core around it (device fds, the feature ioctls) is a customised
 * fake: see <shim/vfio.h>.
 */
#ifndef VFIO_H
#define VFIO_H

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#include <uapi/linux/vfio.h>

struct kvm;
struct file;
struct vfio_device;

struct vfio_device_ops {
	char *name;
	int (*init)(struct vfio_device *vdev);
	void (*release)(struct vfio_device *vdev);
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	long (*ioctl)(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg);
	int (*device_feature)(struct vfio_device *device, u32 flags,
			      void __user *arg, size_t argsz);
};

struct vfio_migration_ops {
	struct file *(*migration_set_state)(struct vfio_device *device,
					    enum vfio_device_mig_state new_state);
	int (*migration_get_state)(struct vfio_device *device,
				   enum vfio_device_mig_state *curr_state);
	int (*migration_get_data_size)(struct vfio_device *device,
				       unsigned long *stop_copy_length);
};

struct vfio_device {
	struct device *dev;
	const struct vfio_device_ops *ops;
	const struct vfio_migration_ops *mig_ops;
	unsigned int migration_flags;
	u8 precopy_info_v2;	/* set by the core: MIG_PRECOPY_INFOv2 SET */
	struct kvm *kvm;
	/* Members below here are private, not for driver use */
	unsigned int open_count;
};

/* Returns 1 if the driver should do the GET/SET, else the value to return. */
static inline int vfio_check_feature(u32 flags, size_t argsz, u32 supported_ops,
				     size_t minsz)
{
	if ((flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)) &
	    ~supported_ops)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!(flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)))
		return -EINVAL;
	if (argsz < minsz)
		return -EINVAL;
	return 1;
}

/*
 * Linux 7.3: for a driver's VFIO_MIG_GET_PRECOPY_INFO. Copies the caller's
 * struct in and checks it; with the PRECOPY_INFOv2 opt-in, flags are
 * output only and start at 0; without it, flags keep whatever the caller
 * wrote (v1 behaviour, kept for compatibility). 0 or -errno.
 */
static inline int
vfio_check_precopy_ioctl(struct vfio_device *vdev, unsigned int cmd,
			 unsigned long arg, struct vfio_precopy_info *info)
{
	unsigned long minsz;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;

	minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);

	if (copy_from_user(info, (void __user *)arg, minsz))
		return -EFAULT;

	if (info->argsz < minsz)
		return -EINVAL;

	if (vdev->precopy_info_v2)
		info->flags = 0;

	return 0;
}

int vfio_mig_get_next_state(struct vfio_device *device,
			    enum vfio_device_mig_state cur_fsm,
			    enum vfio_device_mig_state new_fsm,
			    enum vfio_device_mig_state *next_fsm);

#endif /* VFIO_H */
