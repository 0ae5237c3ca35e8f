/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine names of the rules' stable codes (enum vfio_ap_mig_char): the
 * "characteristic" of apmig's --json output. The kernel numbers and words
 * its problems; the keys are the tool's alone.
 */
#ifndef APMIG_CODES_H
#define APMIG_CODES_H

#include <stdbool.h>

#include "vfio_ap_mig_rules.h"

/* Key of a code for --json, e.g. "ap_type"; NULL if @what is unknown. */
const char *apmig_char_key(enum vfio_ap_mig_char what);

/* Whether the id of a problem with code @what is a control domain, not an APQN. */
bool apmig_char_is_domain(enum vfio_ap_mig_char what);

#endif /* APMIG_CODES_H */
