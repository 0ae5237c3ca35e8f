/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a whole input file (or standard input) for the apmig commands. */
#ifndef APMIG_INPUT_H
#define APMIG_INPUT_H

#include <stddef.h>

#include "vfio_ap_mig_stream.h"

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
