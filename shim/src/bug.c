// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. A WARN_ON() that fires is counted and logged
 * at KERN_WARNING with its file, line and condition.
 */
#include <stdatomic.h>
#include <stdio.h>

#include <linux/bug.h>

#include <shim/bug.h>
#include <shim/log.h>

static atomic_ulong bug_warnings;

void shim_warn_fired(const char *file, int line, const char *cond)
{
	char buf[256];

	atomic_fetch_add(&bug_warnings, 1);
	snprintf(buf, sizeof(buf), "WARNING: %s:%d: %s", file, line, cond);
	shim_log_record(4, buf);
}

unsigned long shim_bug_warnings(void)
{
	return atomic_load(&bug_warnings);
}

void shim_bug_reset(void)
{
	atomic_store(&bug_warnings, 0);
}
