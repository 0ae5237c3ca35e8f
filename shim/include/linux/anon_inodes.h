/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/fs.c). anon_inode_getfile() makes a
 * file on the shared anonymous inode with the f_mode the kernel gives it
 * (access mode from @flags, LSEEK if ->llseek, CAN_READ/CAN_WRITE, never
 * PREAD/PWRITE). Its allocation goes through kmalloc, so the slab fault
 * knob can make it fail with -ENOMEM like the real one.
 */
#ifndef _LINUX_ANON_INODES_H
#define _LINUX_ANON_INODES_H

#include <linux/fs.h>

struct file *anon_inode_getfile(const char *name,
				const struct file_operations *fops,
				void *priv, int flags);

#endif /* _LINUX_ANON_INODES_H */
