/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small tar (POSIX ustar, with pax headers for long names) writer and
 * extractor for host captures: directories, regular files and symbolic
 * links only, which is all a sysfs snapshot holds.
 */
#ifndef APMIG_TAR_H
#define APMIG_TAR_H

#include <stddef.h>
#include <stdio.h>

#include "apmig_host.h"

/* Longest member name or link target we write or accept. */
#define APMIG_TAR_NAME_MAX	1024
/* Bounds of an archive we extract: members and bytes of file data. */
#define APMIG_TAR_MAX_MEMBERS	(1U << 20)
#define APMIG_TAR_MAX_DATA	(256UL << 20)

struct apmig_tar;

/*
 * Start an archive on @f (not closed by apmig_tar_finish()). @mtime is the
 * modification time of every member. Returns NULL when out of memory.
 */
struct apmig_tar *apmig_tar_open(FILE *f, long long mtime);
/* Add directory @name (relative, no trailing '/'). 0 or -errno. */
int apmig_tar_dir(struct apmig_tar *t, const char *name);
/* Add regular file @name holding @len bytes of @data. 0 or -errno. */
int apmig_tar_file(struct apmig_tar *t, const char *name, const void *data,
		   size_t len);
/* Add symbolic link @name pointing at @target. 0 or -errno. */
int apmig_tar_symlink(struct apmig_tar *t, const char *name,
		      const char *target);
/*
 * Write the end-of-archive blocks and free @t (also after an error: then
 * nothing more is written). Returns 0, or the first -errno of any call.
 */
int apmig_tar_finish(struct apmig_tar *t);

/*
 * Extract the archive @path into the existing empty directory @dir.
 * Directories, regular files and symbolic links are accepted; a member
 * named absolutely or with a ".." component, any other member type, a bad
 * header checksum or an archive beyond the bounds above is refused, and no
 * member is ever written through a symbolic link (links are created last).
 * Returns 0 or -errno with @err naming the member.
 */
int apmig_tar_extract(const char *path, const char *dir,
		      struct apmig_error *err);

/* Whether @path names a regular file that starts like a tar archive. */
bool apmig_tar_is_archive(const char *path);

/* Remove @dir and everything below it, never following links. 0 or -errno. */
int apmig_tar_rmtree(const char *dir);

#endif /* APMIG_TAR_H */
