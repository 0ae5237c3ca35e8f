// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. Files, the anonymous inode, and the VFS and
 * syscall layers in front of file_operations, reproducing the checks of
 * fs/read_write.c, fs/ioctl.c and fs/open.c that a driver's data file
 * relies on. A process-wide fd table lets test code and the simulated VMM
 * use files the way a process uses fds.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <shim/vfs.h>

#define FD_TABLE_SIZE	1024
#define FD_BASE		1000	/* never a real fd number of the process */

static struct inode anon_inode = { .i_ino = 1 };
static atomic_long files_alive;

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct file *fd_table[FD_TABLE_SIZE];

/* Set up @file's mode the way alloc_file() + file_init_path() do. */
static void file_init_mode(struct file *file, const struct file_operations *fops,
			   int flags)
{
	file->f_mode = OPEN_FMODE(flags);
	if (fops->llseek)
		file->f_mode |= FMODE_LSEEK;
	if ((file->f_mode & FMODE_READ) && fops->read)
		file->f_mode |= FMODE_CAN_READ;
	if ((file->f_mode & FMODE_WRITE) && fops->write)
		file->f_mode |= FMODE_CAN_WRITE;
	file->f_mode |= FMODE_OPENED;
}

static struct file *file_new(const struct file_operations *fops, void *priv,
			     int flags)
{
	struct file *file = kzalloc(sizeof(*file), GFP_KERNEL);

	if (!file)
		return ERR_PTR(-ENOMEM);
	file->f_count = 1;
	file->f_op = fops;
	file->f_inode = &anon_inode;
	file->f_flags = flags;
	file->private_data = priv;
	file_init_mode(file, fops, flags);
	atomic_fetch_add(&files_alive, 1);
	return file;
}

struct file *anon_inode_getfile(const char *name,
				const struct file_operations *fops,
				void *priv, int flags)
{
	return file_new(fops, priv, flags);
}

/* A regular (seekable, pread-able) file, as do_dentry_open() makes one. */
struct file *shim_file_alloc(const struct file_operations *fops, void *priv,
			     int flags)
{
	struct file *file = file_new(fops, priv, flags);

	if (!IS_ERR(file))
		file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	return file;
}

void fput(struct file *file)
{
	long left = __atomic_sub_fetch(&file->f_count, 1, __ATOMIC_ACQ_REL);

	if (left > 0)
		return;
	if (left < 0) {
		fprintf(stderr, "shim: fput() of a released file\n");
		abort();
	}
	if (file->f_op->release)
		file->f_op->release(file->f_inode, file);
	atomic_fetch_sub(&files_alive, 1);
	kfree(file);
}

long shim_files_alive(void)
{
	return atomic_load(&files_alive);
}

int stream_open(struct inode *inode, struct file *filp)
{
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE |
			  FMODE_ATOMIC_POS);
	filp->f_mode |= FMODE_STREAM;
	return 0;
}

int nonseekable_open(struct inode *inode, struct file *filp)
{
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return 0;
}

loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}

long compat_ptr_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!file->f_op->unlocked_ioctl)
		return -ENOIOCTLCMD;
	return file->f_op->unlocked_ioctl(file, cmd, arg);
}

/* rw_verify_area() without security hooks. */
static int rw_verify(const loff_t *pos, size_t len)
{
	if ((ssize_t)len < 0)
		return -EINVAL;
	if (pos && (*pos < 0 || (loff_t)(*pos + len) < 0))
		return -EINVAL;
	return 0;
}

/* vfs_read(): checks, then ->read with @pos (NULL for a stream). */
static ssize_t vfs_read(struct file *file, void *buf, size_t len, loff_t *pos)
{
	int ret;

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (!(file->f_mode & FMODE_CAN_READ))
		return -EINVAL;
	if (!access_ok(buf, len))
		return -EFAULT;
	ret = rw_verify(pos, len);
	if (ret)
		return ret;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	return file->f_op->read(file, buf, len, pos);
}

static ssize_t vfs_write(struct file *file, const void *buf, size_t len,
			 loff_t *pos)
{
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!(file->f_mode & FMODE_CAN_WRITE))
		return -EINVAL;
	if (!access_ok(buf, len))
		return -EFAULT;
	ret = rw_verify(pos, len);
	if (ret)
		return ret;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	return file->f_op->write(file, buf, len, pos);
}

/* file_ppos(): a stream has no position. */
static loff_t *file_ppos(struct file *file)
{
	return (file->f_mode & FMODE_STREAM) ? NULL : &file->f_pos;
}

ssize_t shim_vfs_read(struct file *file, void *buf, size_t len)
{
	loff_t pos, *ppos = file_ppos(file);
	ssize_t ret;

	if (ppos) {
		pos = *ppos;
		ppos = &pos;
	}
	ret = vfs_read(file, buf, len, ppos);
	if (ret >= 0 && ppos)
		file->f_pos = pos;
	return ret;
}

ssize_t shim_vfs_write(struct file *file, const void *buf, size_t len)
{
	loff_t pos, *ppos = file_ppos(file);
	ssize_t ret;

	if (ppos) {
		pos = *ppos;
		ppos = &pos;
	}
	ret = vfs_write(file, buf, len, ppos);
	if (ret >= 0 && ppos)
		file->f_pos = pos;
	return ret;
}

ssize_t shim_vfs_pread(struct file *file, void *buf, size_t len, loff_t pos)
{
	if (pos < 0)
		return -EINVAL;
	if (!(file->f_mode & FMODE_PREAD))
		return -ESPIPE;
	return vfs_read(file, buf, len, &pos);
}

ssize_t shim_vfs_pwrite(struct file *file, const void *buf, size_t len,
			loff_t pos)
{
	if (pos < 0)
		return -EINVAL;
	if (!(file->f_mode & FMODE_PWRITE))
		return -ESPIPE;
	return vfs_write(file, buf, len, &pos);
}

loff_t shim_vfs_llseek(struct file *file, loff_t offset, int whence)
{
	if (!(file->f_mode & FMODE_LSEEK) || !file->f_op->llseek)
		return -ESPIPE;
	return file->f_op->llseek(file, offset, whence);
}

long shim_vfs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	long ret;

	if (!file->f_op->unlocked_ioctl)
		return -ENOTTY;
	ret = file->f_op->unlocked_ioctl(file, cmd, arg);
	return ret == -ENOIOCTLCMD ? -ENOTTY : ret;
}

int shim_fd_install(struct file *file)
{
	int i;

	pthread_mutex_lock(&fd_lock);
	for (i = 0; i < FD_TABLE_SIZE; i++) {
		if (!fd_table[i]) {
			fd_table[i] = file;
			pthread_mutex_unlock(&fd_lock);
			return FD_BASE + i;
		}
	}
	pthread_mutex_unlock(&fd_lock);
	return -EMFILE;
}

struct file *shim_fd_get(int fd)
{
	struct file *file = NULL;

	if (fd < FD_BASE || fd >= FD_BASE + FD_TABLE_SIZE)
		return NULL;
	pthread_mutex_lock(&fd_lock);
	if (fd_table[fd - FD_BASE])
		file = get_file(fd_table[fd - FD_BASE]);
	pthread_mutex_unlock(&fd_lock);
	return file;
}

int shim_fd_count(void)
{
	int i, n = 0;

	pthread_mutex_lock(&fd_lock);
	for (i = 0; i < FD_TABLE_SIZE; i++)
		n += fd_table[i] != NULL;
	pthread_mutex_unlock(&fd_lock);
	return n;
}

/* Turn a kernel return value into a syscall one: -1 and errno. */
static long sys_ret(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

#define WITH_FD(fd, expr) ({						\
	struct file *__f = shim_fd_get(fd);				\
	long __r;							\
	if (!__f) {							\
		__r = -EBADF;						\
	} else {							\
		struct file *file = __f;				\
		__r = (expr);						\
		fput(__f);						\
	}								\
	sys_ret(__r); })

ssize_t shim_sys_read(int fd, void *buf, size_t len)
{
	return WITH_FD(fd, shim_vfs_read(file, buf, len));
}

ssize_t shim_sys_write(int fd, const void *buf, size_t len)
{
	return WITH_FD(fd, shim_vfs_write(file, buf, len));
}

ssize_t shim_sys_pread(int fd, void *buf, size_t len, loff_t pos)
{
	if (pos < 0)
		return sys_ret(-EINVAL);
	return WITH_FD(fd, shim_vfs_pread(file, buf, len, pos));
}

ssize_t shim_sys_pwrite(int fd, const void *buf, size_t len, loff_t pos)
{
	if (pos < 0)
		return sys_ret(-EINVAL);
	return WITH_FD(fd, shim_vfs_pwrite(file, buf, len, pos));
}

loff_t shim_sys_lseek(int fd, loff_t offset, int whence)
{
	return WITH_FD(fd, shim_vfs_llseek(file, offset, whence));
}

int shim_sys_ioctl(int fd, unsigned int cmd, void *arg)
{
	return (int)WITH_FD(fd, shim_vfs_ioctl(file, cmd, (unsigned long)arg));
}

int shim_sys_close(int fd)
{
	struct file *file = NULL;

	if (fd >= FD_BASE && fd < FD_BASE + FD_TABLE_SIZE) {
		pthread_mutex_lock(&fd_lock);
		file = fd_table[fd - FD_BASE];
		fd_table[fd - FD_BASE] = NULL;
		pthread_mutex_unlock(&fd_lock);
	}
	if (!file)
		return (int)sys_ret(-EBADF);
	fput(file);
	return 0;
}
