// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. The part of the VFIO core between a process
 * and a migration driver: the device fd, VFIO_DEVICE_FEATURE parsing and
 * the migration features with the checks of drivers/vfio/vfio_main.c
 * (Linux 7.3: MIGRATION, MIG_DEVICE_STATE, MIG_DATA_SIZE and the
 * MIG_PRECOPY_INFOv2 opt-in, cleared again when the device is closed), data
 * fds installed like fd_install(), every other ioctl to the driver. Written
 * from the uAPI documentation and that behaviour.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include <shim/vfio.h>
#include <shim/vfs.h>

/* MIG_DEVICE_STATE: GET the state, or SET it and hand out a data fd. */
static int core_feature_mig_state(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz)
{
	size_t minsz = offsetofend(struct vfio_device_feature_mig_state, data_fd);
	struct vfio_device_feature_mig_state mig;
	enum vfio_device_mig_state cur;
	struct file *filp = NULL;
	int ret, fd;

	if (!device->mig_ops)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_GET, sizeof(mig));
	if (ret != 1)
		return ret;
	if (copy_from_user(&mig, arg, minsz))
		return -EFAULT;

	if (flags & VFIO_DEVICE_FEATURE_GET) {
		ret = device->mig_ops->migration_get_state(device, &cur);
		if (ret)
			return ret;
		mig.device_state = cur;
	} else {
		filp = device->mig_ops->migration_set_state(device,
							    mig.device_state);
		if (filp && !IS_ERR(filp)) {
			fd = shim_fd_install(filp);
			if (fd < 0) {
				fput(filp);
				return fd;
			}
			mig.data_fd = fd;
			if (copy_to_user(arg, &mig, sizeof(mig))) {
				/* put_unused_fd + fput: the fd never existed */
				shim_sys_close(fd);
				return -EFAULT;
			}
			return 0;
		}
	}
	mig.data_fd = -1;
	if (copy_to_user(arg, &mig, sizeof(mig)))
		return -EFAULT;
	return IS_ERR(filp) ? (int)PTR_ERR(filp) : 0;
}

static int core_feature_data_size(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz)
{
	struct vfio_device_feature_mig_data_size ds = {};
	unsigned long len;
	int ret;

	if (!device->mig_ops)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET, sizeof(ds));
	if (ret != 1)
		return ret;
	ret = device->mig_ops->migration_get_data_size(device, &len);
	if (ret)
		return ret;
	ds.stop_copy_length = len;
	return copy_to_user(arg, &ds, sizeof(ds)) ? -EFAULT : 0;
}

static int core_feature_migration(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz)
{
	struct vfio_device_feature_migration mig = {
		.flags = device->migration_flags,
	};
	int ret;

	if (!device->mig_ops)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET, sizeof(mig));
	if (ret != 1)
		return ret;
	return copy_to_user(arg, &mig, sizeof(mig)) ? -EFAULT : 0;
}

/* MIG_PRECOPY_INFOv2: SET only, no payload, PRE_COPY devices only. */
static int core_feature_precopy_info_v2(struct vfio_device *device, u32 flags,
					size_t argsz)
{
	int ret;

	if (!(device->migration_flags & VFIO_MIGRATION_PRE_COPY))
		return -EINVAL;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
	if (ret != 1)
		return ret;
	device->precopy_info_v2 = 1;
	return 0;
}

static int core_feature(struct vfio_device *device,
			struct vfio_device_feature __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_feature, flags);
	struct vfio_device_feature feature;
	size_t argsz;

	if (copy_from_user(&feature, arg, minsz))
		return -EFAULT;
	if (feature.argsz < minsz)
		return -EINVAL;
	if (feature.flags & ~(VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_SET |
			      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PROBE))
		return -EINVAL;
	if (!(feature.flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_SET) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_GET))
		return -EINVAL;

	argsz = feature.argsz - minsz;
	switch (feature.flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		return core_feature_migration(device, feature.flags, arg->data, argsz);
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		return core_feature_mig_state(device, feature.flags, arg->data, argsz);
	case VFIO_DEVICE_FEATURE_MIG_DATA_SIZE:
		return core_feature_data_size(device, feature.flags, arg->data, argsz);
	case VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2:
		return core_feature_precopy_info_v2(device, feature.flags, argsz);
	default:
		if (!device->ops || !device->ops->device_feature)
			return -ENOTTY;
		return device->ops->device_feature(device, feature.flags,
						   arg->data, argsz);
	}
}

static long core_device_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	struct vfio_device *device = filp->private_data;

	if (cmd == VFIO_DEVICE_FEATURE)
		return core_feature(device, (void __user *)arg);
	if (!device->ops || !device->ops->ioctl)
		return -EINVAL;
	return device->ops->ioctl(device, cmd, arg);
}

static int core_device_release(struct inode *inode, struct file *filp)
{
	struct vfio_device *device = filp->private_data;

	if (--device->open_count)
		return 0;
	if (device->ops && device->ops->close_device)
		device->ops->close_device(device);
	/* vfio_df_device_last_close(): the opt-in ends with the open */
	device->precopy_info_v2 = 0;
	return 0;
}

static const struct file_operations core_device_fops = {
	.unlocked_ioctl = core_device_ioctl,
	.release = core_device_release,
};

int shim_vfio_open_device(struct vfio_device *vdev)
{
	struct file *filp;
	int ret, fd;

	if (vdev->open_count == 0 && vdev->ops && vdev->ops->open_device) {
		ret = vdev->ops->open_device(vdev);
		if (ret)
			return ret;
	}
	vdev->open_count++;
	filp = shim_file_alloc(&core_device_fops, vdev, O_RDWR);
	if (IS_ERR(filp)) {
		if (--vdev->open_count == 0 && vdev->ops && vdev->ops->close_device)
			vdev->ops->close_device(vdev);
		return (int)PTR_ERR(filp);
	}
	fd = shim_fd_install(filp);
	if (fd < 0)
		fput(filp);
	return fd;
}

/* One VFIO_DEVICE_FEATURE call with @len bytes of payload in @data. */
static int core_call_feature(int devfd, u32 flags, void *data, size_t len)
{
	u64 buf[4] = {};	/* header + the largest payload, aligned */
	struct vfio_device_feature *hdr = (void *)buf;

	if (sizeof(*hdr) + len > sizeof(buf))
		return -EINVAL;
	hdr->argsz = sizeof(*hdr) + len;
	hdr->flags = flags;
	if (len)
		memcpy(hdr->data, data, len);
	if (shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, hdr) < 0)
		return -errno;
	if (len)
		memcpy(data, hdr->data, len);
	return 0;
}

int shim_vfio_get_flags(int devfd, u64 *flags)
{
	struct vfio_device_feature_migration mig = {};
	int ret = core_call_feature(devfd, VFIO_DEVICE_FEATURE_GET |
				    VFIO_DEVICE_FEATURE_MIGRATION, &mig, sizeof(mig));

	if (!ret)
		*flags = mig.flags;
	return ret;
}

int shim_vfio_set_state(int devfd, enum vfio_device_mig_state state,
			int *data_fd)
{
	struct vfio_device_feature_mig_state mig = { .device_state = state,
						     .data_fd = -1 };
	int ret = core_call_feature(devfd, VFIO_DEVICE_FEATURE_SET |
				    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
				    &mig, sizeof(mig));

	if (data_fd)
		*data_fd = ret ? -1 : mig.data_fd;
	else if (!ret && mig.data_fd >= 0)
		shim_sys_close(mig.data_fd);
	return ret;
}

int shim_vfio_get_state(int devfd, enum vfio_device_mig_state *state)
{
	struct vfio_device_feature_mig_state mig = {};
	int ret = core_call_feature(devfd, VFIO_DEVICE_FEATURE_GET |
				    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
				    &mig, sizeof(mig));

	if (!ret)
		*state = mig.device_state;
	return ret;
}

int shim_vfio_get_data_size(int devfd, u64 *stop_copy_length)
{
	struct vfio_device_feature_mig_data_size ds = {};
	int ret = core_call_feature(devfd, VFIO_DEVICE_FEATURE_GET |
				    VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
				    &ds, sizeof(ds));

	if (!ret)
		*stop_copy_length = ds.stop_copy_length;
	return ret;
}

int shim_vfio_reset(int devfd)
{
	return shim_sys_ioctl(devfd, VFIO_DEVICE_RESET, NULL) < 0 ? -errno : 0;
}

int shim_vfio_set_precopy_v2(int devfd)
{
	return core_call_feature(devfd, VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, NULL, 0);
}

int shim_vfio_precopy_info_flags(int datafd, u32 *flags, u64 *initial_bytes,
				 u64 *dirty_bytes)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };

	if (flags)
		info.flags = *flags;
	if (shim_sys_ioctl(datafd, VFIO_MIG_GET_PRECOPY_INFO, &info) < 0)
		return -errno;
	if (flags)
		*flags = info.flags;
	if (initial_bytes)
		*initial_bytes = info.initial_bytes;
	if (dirty_bytes)
		*dirty_bytes = info.dirty_bytes;
	return 0;
}

int shim_vfio_precopy_info(int datafd, u64 *initial_bytes, u64 *dirty_bytes)
{
	return shim_vfio_precopy_info_flags(datafd, NULL, initial_bytes,
					    dirty_bytes);
}

static const char *const state_names[VFIO_DEVICE_STATE_NR] = {
	[VFIO_DEVICE_STATE_ERROR] = "ERROR",
	[VFIO_DEVICE_STATE_STOP] = "STOP",
	[VFIO_DEVICE_STATE_RUNNING] = "RUNNING",
	[VFIO_DEVICE_STATE_STOP_COPY] = "STOP_COPY",
	[VFIO_DEVICE_STATE_RESUMING] = "RESUMING",
	[VFIO_DEVICE_STATE_RUNNING_P2P] = "RUNNING_P2P",
	[VFIO_DEVICE_STATE_PRE_COPY] = "PRE_COPY",
	[VFIO_DEVICE_STATE_PRE_COPY_P2P] = "PRE_COPY_P2P",
};

const char *shim_vfio_state_name(unsigned int state)
{
	return state < VFIO_DEVICE_STATE_NR ? state_names[state] : "?";
}

int shim_vfio_state_parse(const char *name, enum vfio_device_mig_state *state)
{
	unsigned int i;

	for (i = 0; i < VFIO_DEVICE_STATE_NR; i++) {
		if (!strcasecmp(name, state_names[i])) {
			*state = i;
			return 0;
		}
	}
	return -EINVAL;
}
