/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFS and syscall side of the fs fake (shim/src/fs.c): what the kernel
 * does between a process's system call and a file's file_operations.
 *
 * shim_vfs_*() take a struct file and return what the kernel's vfs_*() /
 * ksys_*() return (-errno on failure). shim_fd_*() manage a process-wide fd
 * table; shim_sys_*() take such an fd and behave like the system calls:
 * -1 with errno set on failure.
 */
#ifndef SHIM_VFS_H
#define SHIM_VFS_H

#include <linux/fs.h>

/* read(2)/write(2): the file position is used unless FMODE_STREAM. */
ssize_t shim_vfs_read(struct file *file, void *buf, size_t len);
ssize_t shim_vfs_write(struct file *file, const void *buf, size_t len);
/* pread(2)/pwrite(2): -ESPIPE without FMODE_PREAD/FMODE_PWRITE. */
ssize_t shim_vfs_pread(struct file *file, void *buf, size_t len, loff_t pos);
ssize_t shim_vfs_pwrite(struct file *file, const void *buf, size_t len,
			loff_t pos);
/* lseek(2): -ESPIPE without FMODE_LSEEK. */
loff_t shim_vfs_llseek(struct file *file, loff_t offset, int whence);
/* ioctl(2): -ENOTTY without ->unlocked_ioctl or on -ENOIOCTLCMD. */
long shim_vfs_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* vfs_poll(): ->poll with @pt (may be NULL), DEFAULT_POLLMASK without one. */
__poll_t shim_vfs_poll(struct file *file, struct poll_table_struct *pt);

/* Make a file with @fops the way a driver's open would find it. */
struct file *shim_file_alloc(const struct file_operations *fops, void *priv,
			     int flags);

/* Install @file (takes the reference) at the lowest free fd; -EMFILE. */
int shim_fd_install(struct file *file);
/* The file at @fd with a new reference (fput it), or NULL. */
struct file *shim_fd_get(int fd);
/* Files currently in the table; files alive (not yet released). */
int shim_fd_count(void);
long shim_files_alive(void);

ssize_t shim_sys_read(int fd, void *buf, size_t len);
ssize_t shim_sys_write(int fd, const void *buf, size_t len);
ssize_t shim_sys_pread(int fd, void *buf, size_t len, loff_t pos);
ssize_t shim_sys_pwrite(int fd, const void *buf, size_t len, loff_t pos);
loff_t shim_sys_lseek(int fd, loff_t offset, int whence);
int shim_sys_ioctl(int fd, unsigned int cmd, void *arg);
int shim_sys_close(int fd);
/*
 * poll(2) on one fd: the mask of @events (EPOLLERR and EPOLLHUP always
 * included) that is ready, waiting up to @timeout_ms (-1: no limit, 0: just
 * ask) on the wait queue the file's ->poll named; 0 on timeout.
 */
int shim_sys_poll(int fd, __poll_t events, int timeout_ms);

#endif /* SHIM_VFS_H */
