/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Low-level sysfs access of libapmig: the one helper that builds every path
 * under the sysfs root, attribute reads and the parsers of the value formats
 * the AP bus and vfio_ap print. The host model (apmig_host.c) sits on top.
 */
#ifndef APMIG_SYSFS_H
#define APMIG_SYSFS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "apmig_host.h"

/* Longest path we build (the shim's <linux/limits.h> hides PATH_MAX). */
#define APMIG_SYSFS_PATH_MAX	4096
/* Longest single-line attribute we read (sysfs shows at most a page). */
#define APMIG_SYSFS_ATTR_MAX	4096
/* Longest multi-line attribute (matrix of 256 x 256 APQNs, 8 bytes each). */
#define APMIG_SYSFS_TEXT_MAX	(VFIO_AP_MIG_MAX_QUEUES * 8 + 4096)

/*
 * Build "<root>/<fmt ...>" into @buf (@len bytes). Every sysfs path of
 * libapmig is built here. @root may end with '/'. Returns 0 or -ENAMETOOLONG.
 */
int apmig_sysfs_path(char *buf, size_t len, const char *root,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same with a va_list: the one place where a path is put together. */
int apmig_sysfs_vpath(char *buf, size_t len, const char *root,
		      const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/*
 * Read the attribute @path into @buf (@len bytes, NUL-terminated), without
 * its trailing newline. Returns the length, -ENOENT if it does not exist,
 * -EFBIG if it does not fit, or another -errno.
 */
ssize_t apmig_sysfs_read(const char *path, char *buf, size_t len);

/*
 * Read a multi-line attribute of up to APMIG_SYSFS_TEXT_MAX bytes into a
 * malloc'ed NUL-terminated @text (the caller frees it). Returns the length
 * or -errno as apmig_sysfs_read().
 */
ssize_t apmig_sysfs_read_text(const char *path, char **text);

/*
 * The driver a device's "driver" symlink @path points at: its basename into
 * @name. Returns 0, -ENOENT when there is no link (no driver), -ENOLINK when
 * the link dangles, -EINVAL when @path is not a symlink, or another -errno.
 */
int apmig_sysfs_driver(const char *path, char *name, size_t len);

/*
 * A 256-bit AP mask as the AP bus and vfio_ap print it: "0x" and 64 hex
 * digits, id 0 the most significant bit. Sets @mask (DECLARE_BITMAP of
 * VFIO_AP_MIG_IDS) with set_bit_inv() numbering. 0 or -EINVAL.
 */
int apmig_sysfs_parse_mask(const char *text, unsigned long *mask);
/* A decimal integer in [min, max]. 0 or -EINVAL. */
int apmig_sysfs_parse_int(const char *text, long min, long max, long *val);
/* "0x" and 1 to 8 hex digits, e.g. ap_functions' "0x%08X". 0 or -EINVAL. */
int apmig_sysfs_parse_hex32(const char *text, uint32_t *val);
/* "0" or "1". 0 or -EINVAL. */
int apmig_sysfs_parse_bool(const char *text, bool *val);

/* Format @err->msg (if @err is not NULL); returns @ret for tail calls. */
int apmig_error_set(struct apmig_error *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Quote @value for an error message: printable ASCII kept, anything else as
 * \xNN, cut with "..." to fit @len (at least 8). Returns @buf.
 */
char *apmig_sysfs_quote(const char *value, char *buf, size_t len);

#endif /* APMIG_SYSFS_H */
