/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a whole input file (or standard input) for the apmig commands. */
#ifndef APMIG_INPUT_H
#define APMIG_INPUT_H

#include <stddef.h>

#include "vfio_ap_mig_stream.h"

/*
 * How much of a stream file the commands read: the largest stream and the
 * header of one more record. The decoder refuses a record whose header
 * crosses VFIO_AP_MIG_MAX_STREAM as soon as that header is in (-EFBIG, at
 * its record_len), so it always reaches its verdict within these bytes: a
 * stream cut short is reported where it really ends, one too long where
 * the record that crosses the limit starts.
 */
#define APMIG_STREAM_READ_MAX	(VFIO_AP_MIG_MAX_STREAM + VFIO_AP_MIG_HDR_SIZE)

/*
 * Read @path ("-": standard input) into a new buffer, at most @max bytes;
 * @truncated tells whether more followed. Returns 0 or -errno; the caller
 * frees *@buf.
 */
int apmig_read_input(const char *path, size_t max, void **buf, size_t *len,
		     bool *truncated);

/*
 * Decode the migration stream in @path into @cfg with the kernel's decoder.
 * Errors are printed as "apmig: <what>: <path>: <why>". Returns 0 or the
 * exit status 2.
 */
int apmig_read_stream(const char *what, const char *path,
		      struct vfio_ap_mig_config *cfg);

#endif /* APMIG_INPUT_H */
