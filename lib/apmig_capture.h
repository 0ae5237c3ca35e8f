/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host captures: a snapshot of the sysfs trees the host reader reads
 * (apmig_host_sysfs_trees), into a directory or a tar archive, with a
 * manifest saying where, when and by what it was taken and which
 * attributes could not be read. The reader loads a capture as a host.
 */
#ifndef APMIG_CAPTURE_H
#define APMIG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "apmig_host.h"

/* The manifest, at the top of every capture. */
#define APMIG_CAPTURE_MANIFEST		"apmig-capture.json"
#define APMIG_CAPTURE_FORMAT_VERSION	1
/* Largest attribute a capture copies; a longer one is recorded unreadable. */
#define APMIG_CAPTURE_ATTR_MAX		(64 * 1024)
/* Bounds of one capture: entries walked, directory depth, manifest size. */
#define APMIG_CAPTURE_MAX_ENTRIES	(1U << 20)
#define APMIG_CAPTURE_MAX_DEPTH		32
#define APMIG_CAPTURE_MANIFEST_MAX	(16 * 1024 * 1024)

/**
 * struct apmig_capture_item - an attribute the capture does not hold
 * @path: relative to the sysfs root, e.g. "bus/ap/drivers/vfio_ap/bind"
 * @err: the -errno a read of it gives (write-only: -EACCES)
 * @skipped: true for a write-only or refused attribute (EACCES, EPERM,
 *           EINVAL), false for a read error (the attribute exists)
 */
struct apmig_capture_item {
	char *path;
	int err;
	bool skipped;
};

/**
 * struct apmig_capture_manifest - what apmig-capture.json says
 * @host: the node name of the captured host (uname -n)
 * @kernel: its kernel release (uname -r)
 * @time: when it was taken, seconds since the epoch (UTC)
 * @version: the apmig version that took it
 * @source: the sysfs root that was captured, e.g. "/sys"
 * @dirs, @files, @links: what the capture holds
 * @items, @nr_items: the attributes it does not hold, sorted by path
 */
struct apmig_capture_manifest {
	char host[256];
	char kernel[256];
	long long time;
	char version[64];
	char source[4096];
	unsigned long dirs, files, links;
	struct apmig_capture_item *items;
	size_t nr_items;
};

/**
 * struct apmig_capture_opts - how to take a capture
 * @root: the sysfs root to read (e.g. "/sys")
 * @out: a directory to create (absent or empty), or a file written as a
 *       tar archive when @tar
 * @tar: write a tar archive instead of a directory tree
 * @time: the time recorded in the manifest (seconds since the epoch)
 * @read: reads an attribute (NULL: the sysfs reader's); for tests. Returns
 *        the bytes read into @buf (at most @len) or -errno, -EFBIG when
 *        longer than @len.
 */
struct apmig_capture_opts {
	const char *root;
	const char *out;
	bool tar;
	long long time;
	ssize_t (*read)(const char *path, char *buf, size_t len);
};

/*
 * Take a capture as @opts says; fill @m (free it with
 * apmig_capture_manifest_free()). A read error on one attribute is
 * recorded in @m, never fatal. Returns 0 or -errno with @err naming the
 * file at fault (a missing root, an output that cannot be written).
 */
int apmig_capture(const struct apmig_capture_opts *opts,
		  struct apmig_capture_manifest *m, struct apmig_error *err);

/*
 * Load the manifest of the capture at @root into a new *@m. Returns 1 when
 * loaded, 0 when @root has none (not a capture: *@m is NULL), -errno with
 * @err naming the file when it is malformed.
 */
int apmig_capture_manifest_load(const char *root,
				struct apmig_capture_manifest **m,
				struct apmig_error *err);
/* Free what @m holds (not @m itself). */
void apmig_capture_manifest_free(struct apmig_capture_manifest *m);

/*
 * The recorded -errno of attribute @rel ("bus/ap/apmask") in @m, or 0 when
 * the capture holds it as it was read.
 */
int apmig_capture_recorded_error(const struct apmig_capture_manifest *m,
				 const char *rel);

/* @t as "YYYY-MM-DD HH:MM:SS UTC" into @buf (at least 32 bytes). */
char *apmig_capture_time_str(long long t, char *buf, size_t len);

#endif /* APMIG_CAPTURE_H */
