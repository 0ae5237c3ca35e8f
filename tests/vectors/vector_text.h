/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text form of decoded migration streams: the expected files
 * tests/vectors/<name>.txt, written by the generator from the data it
 * encoded, and printed by the tests from what the decoder returned.
 */
#ifndef APMIG_VECTOR_TEXT_H
#define APMIG_VECTOR_TEXT_H

#include <stdio.h>

#include "vfio_ap_mig_stream.h"

/* "EPROTO" for -EPROTO, "ok" for 0, "E?" for an errno the format never uses. */
const char *vt_errno_name(int err);

/* The -errno named @name ("EPROTO"), 0 for "ok", 1 if unknown. */
int vt_errno_value(const char *name);

/*
 * Print the lines of one configuration (masks as id lists, then queues,
 * each with "irq isc N nib 0x..." when its interruptions are on).
 */
void vt_print_config(FILE *f, const struct vfio_ap_mig_config *cfg);

/*
 * Decode @len bytes given to the decoder in chunks of @chunk bytes (0 = all
 * at once) and print what it reported, in the form of the expected files.
 * Returns the final result: 0 or the decoder's -errno.
 */
int vt_decode_print(FILE *f, const void *data, size_t len, size_t chunk);

/* @text without its comment lines (those starting with '#'); caller frees. */
char *vt_strip_comments(const char *text);

#endif /* APMIG_VECTOR_TEXT_H */
