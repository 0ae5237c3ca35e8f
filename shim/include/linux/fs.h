/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/fs.c). A struct file with the fields
 * a driver touches (f_op, private_data, f_mode, f_flags, f_pos, f_inode,
 * f_count) and the VFS behaviour around it: the FMODE_* bits as the real
 * alloc_file/stream_open set them, fput() calling ->release on the last
 * reference, and read/write/pread/pwrite/llseek/ioctl through shim_vfs_*()
 * (<shim/vfs.h>) with the real VFS checks (-EBADF, -ESPIPE, ...), and
 * ->poll through shim_vfs_poll()/shim_sys_poll() (shim/src/poll.c).
 * Unlike the kernel, the last fput() releases at once instead of at return
 * to userspace: stricter, a use after fput shows up under ASan.
 */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <fcntl.h>		/* O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE */

#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

struct module;

#define FMODE_READ		((fmode_t)(1 << 0))
#define FMODE_WRITE		((fmode_t)(1 << 1))
#define FMODE_LSEEK		((fmode_t)(1 << 2))
#define FMODE_PREAD		((fmode_t)(1 << 3))
#define FMODE_PWRITE		((fmode_t)(1 << 4))
#define FMODE_ATOMIC_POS	((fmode_t)(1 << 15))
#define FMODE_CAN_READ		((fmode_t)(1 << 17))
#define FMODE_CAN_WRITE		((fmode_t)(1 << 18))
#define FMODE_OPENED		((fmode_t)(1 << 19))
#define FMODE_STREAM		((fmode_t)(1 << 21))

#define OPEN_FMODE(flag)	((fmode_t)(((flag) + 1) & O_ACCMODE))

#define MAX_RW_COUNT		(INT_MAX & ~4095)

struct inode {
	unsigned long i_ino;
};

struct file;
struct poll_table_struct;

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read)(struct file *file, char __user *buf, size_t len,
			loff_t *pos);
	ssize_t (*write)(struct file *file, const char __user *buf, size_t len,
			 loff_t *pos);
	__poll_t (*poll)(struct file *file, struct poll_table_struct *pt);
	long (*unlocked_ioctl)(struct file *file, unsigned int cmd,
			       unsigned long arg);
	long (*compat_ioctl)(struct file *file, unsigned int cmd,
			     unsigned long arg);
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
};

struct file {
	long f_count;			/* atomic: references */
	const struct file_operations *f_op;
	struct inode *f_inode;
	fmode_t f_mode;
	unsigned int f_flags;
	loff_t f_pos;
	void *private_data;
};

static inline struct file *get_file(struct file *f)
{
	__atomic_fetch_add(&f->f_count, 1, __ATOMIC_RELAXED);
	return f;
}

void fput(struct file *file);

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

int stream_open(struct inode *inode, struct file *filp);
int nonseekable_open(struct inode *inode, struct file *filp);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
long compat_ptr_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _LINUX_FS_H */
