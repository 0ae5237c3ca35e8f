/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFIO core fake (shim/src/vfio_core.c): device fds whose ioctl goes
 * through the same checks as drivers/vfio/vfio_main.c
 * (VFIO_DEVICE_FEATURE with MIGRATION, MIG_DEVICE_STATE, MIG_DATA_SIZE and
 * MIG_PRECOPY_INFOv2;
 * every other command to the driver's ->ioctl), and whose migration data
 * fds are installed in the shim fd table (<shim/vfs.h>).
 */
#ifndef SHIM_VFIO_H
#define SHIM_VFIO_H

#include <linux/vfio.h>

/*
 * Open @vdev as a process would (first open calls ->open_device). Returns
 * a shim fd (close with shim_sys_close(); the last close calls
 * ->close_device) or -errno.
 */
int shim_vfio_open_device(struct vfio_device *vdev);

/* Convenience wrappers over shim_sys_ioctl(VFIO_DEVICE_FEATURE): 0 or -errno. */
int shim_vfio_get_flags(int devfd, u64 *flags);
/* SET the state; *data_fd gets the new data fd or -1. */
int shim_vfio_set_state(int devfd, enum vfio_device_mig_state state,
			int *data_fd);
int shim_vfio_get_state(int devfd, enum vfio_device_mig_state *state);
int shim_vfio_get_data_size(int devfd, u64 *stop_copy_length);
/* VFIO_DEVICE_RESET */
int shim_vfio_reset(int devfd);
/* SET VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2: the 7.3 opt-in, until close. */
int shim_vfio_set_precopy_v2(int devfd);
/* VFIO_MIG_GET_PRECOPY_INFO on a data fd (flags passed in as 0) */
int shim_vfio_precopy_info(int datafd, u64 *initial_bytes, u64 *dirty_bytes);
/* The same with @flags (may be NULL) both what is passed in and the answer. */
int shim_vfio_precopy_info_flags(int datafd, u32 *flags, u64 *initial_bytes,
				 u64 *dirty_bytes);

/* "STOP_COPY" etc.: the uAPI name without VFIO_DEVICE_STATE_; "?" if none. */
const char *shim_vfio_state_name(unsigned int state);
/* Parse such a name (case-insensitive); -EINVAL if unknown. */
int shim_vfio_state_parse(const char *name, enum vfio_device_mig_state *state);

#endif /* SHIM_VFIO_H */
