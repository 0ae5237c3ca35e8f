// SPDX-License-Identifier: GPL-2.0
/*
 * The machine names of the rules' stable codes. Part of apmig's --json
 * contract: a key, like its code, is never renamed or reused.
 */
#include <stddef.h>

#include "apmig_codes.h"

static const char *const apmig_char_keys[] = {
	[VFIO_AP_MIG_CHAR_EXISTS]		= "exists",
	[VFIO_AP_MIG_CHAR_BINDING]		= "binding",
	[VFIO_AP_MIG_CHAR_OWNER]		= "owner",
	[VFIO_AP_MIG_CHAR_MODE]			= "mode",
	[VFIO_AP_MIG_CHAR_APSC]			= "apsc",
	[VFIO_AP_MIG_CHAR_AP4KM]		= "ap4km",
	[VFIO_AP_MIG_CHAR_AP4KC]		= "ap4kc",
	[VFIO_AP_MIG_CHAR_APXA]			= "apxa",
	[VFIO_AP_MIG_CHAR_SLCF]			= "slcf",
	[VFIO_AP_MIG_CHAR_AP_TYPE]		= "ap_type",
	[VFIO_AP_MIG_CHAR_CLASS]		= "class",
	[VFIO_AP_MIG_CHAR_BS_SOURCE]		= "bs_source",
	[VFIO_AP_MIG_CHAR_BS_TARGET]		= "bs_target",
	[VFIO_AP_MIG_CHAR_CONTROL_DOMAIN]	= "control_domain",
	[VFIO_AP_MIG_CHAR_CONFIGURED]		= "configured",
	[VFIO_AP_MIG_CHAR_CHECKSTOPPED]		= "checkstopped",
	[VFIO_AP_MIG_CHAR_ML]			= "ml",
	[VFIO_AP_MIG_CHAR_MDEV_QUEUE]		= "mdev_queue",
	[VFIO_AP_MIG_CHAR_EXTRA_QUEUE]		= "extra_queue",
	[VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN]	= "extra_control_domain",
};

/* A code added to the kernel's enum without a key fails the build here. */
_Static_assert(sizeof(apmig_char_keys) / sizeof(apmig_char_keys[0]) ==
	       VFIO_AP_MIG_CHAR_COUNT, "a rules code has no --json key");

const char *apmig_char_key(enum vfio_ap_mig_char what)
{
	if ((int)what < VFIO_AP_MIG_CHAR_EXISTS || what >= VFIO_AP_MIG_CHAR_COUNT)
		return NULL;
	return apmig_char_keys[what];
}

bool apmig_char_is_domain(enum vfio_ap_mig_char what)
{
	return what == VFIO_AP_MIG_CHAR_CONTROL_DOMAIN ||
	       what == VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN;
}

static const char *const apmig_problem_keys[] = {
	[APMIG_CODE_NO_VFIO_AP - 100]		= "no_vfio_ap",
	[APMIG_CODE_NOT_MIGRATABLE - 100]	= "not_migratable",
	[APMIG_CODE_SOURCE_NOT_MIGRATABLE - 100] = "source_not_migratable",
	[APMIG_CODE_MDEV_ABSENT - 100]		= "mdev_absent",
	[APMIG_CODE_MDEV_IN_USE - 100]		= "mdev_in_use",
	[APMIG_CODE_SE_GUEST - 100]		= "se_guest",
	[APMIG_CODE_QUEUE_UNREADABLE - 100]	= "queue_unreadable",
};

static const char *const apmig_warning_keys[] = {
	[APMIG_CODE_SOURCE_IDLE - 150]		= "source_idle",
	[APMIG_CODE_OTHER_UNREADABLE - 150]	= "other_queue_unreadable",
};

_Static_assert(sizeof(apmig_problem_keys) / sizeof(apmig_problem_keys[0]) ==
	       APMIG_CODE_PROBLEM_END - 100, "a tool problem code has no key");
_Static_assert(sizeof(apmig_warning_keys) / sizeof(apmig_warning_keys[0]) ==
	       APMIG_CODE_WARNING_END - 150, "a tool warning code has no key");
_Static_assert(VFIO_AP_MIG_CHAR_COUNT <= 100,
	       "the kernel's codes reach the tool's range");

const char *apmig_code_key(int code)
{
	if (code >= 100 && code < APMIG_CODE_PROBLEM_END)
		return apmig_problem_keys[code - 100];
	if (code >= 150 && code < APMIG_CODE_WARNING_END)
		return apmig_warning_keys[code - 150];
	return NULL;
}

bool apmig_code_is_problem(int code)
{
	return code >= 100 && code < APMIG_CODE_PROBLEM_END;
}
