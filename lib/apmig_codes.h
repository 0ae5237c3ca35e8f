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

/*
 * The tool's own codes, for what the kernel's rules (codes 1 to 99, never
 * renumbered) do not judge: a host that cannot migrate at all, a destination
 * mdev no VMM can open. Problems (100-149) make the migration certain to
 * fail, so `apmig check` says incompatible; warnings (150-199) do not change
 * the verdict. Like the kernel's, a code and its key are never renumbered,
 * renamed or reused; apmig(8) lists them.
 */
enum apmig_code {
	APMIG_CODE_NO_VFIO_AP = 100,	/* the target has no vfio_ap matrix */
	APMIG_CODE_NOT_MIGRATABLE,	/* target vfio_ap lacks 'migratable' */
	APMIG_CODE_SOURCE_NOT_MIGRATABLE, /* source vfio_ap lacks 'migratable' */
	APMIG_CODE_MDEV_ABSENT,		/* no destination mdev on the target */
	APMIG_CODE_MDEV_IN_USE,		/* a running guest holds the destination */
	APMIG_CODE_SE_GUEST,		/* the source runs Secure Execution */
	APMIG_CODE_QUEUE_UNREADABLE,	/* a target queue the guest needs: EIO */
	APMIG_CODE_PROBLEM_END,

	APMIG_CODE_SOURCE_IDLE = 150,	/* no guest runs on the source mdev */
	APMIG_CODE_OTHER_UNREADABLE,	/* a target queue the guest lacks: EIO */
	APMIG_CODE_WARNING_END,
};

/* Key of a tool code for --json, e.g. "not_migratable"; NULL if unknown. */
const char *apmig_code_key(int code);
/* Whether tool code @code is a problem (it makes the verdict incompatible). */
bool apmig_code_is_problem(int code);

#endif /* APMIG_CODES_H */
