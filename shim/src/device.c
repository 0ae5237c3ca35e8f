// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. dev_*() messages are recorded in the shim log
 * as "<device name>: <message>" at the kernel level of the call.
 */
#include <stdarg.h>
#include <stdio.h>

#include <linux/device.h>

#include <shim/log.h>

void shim_dev_printk(int level, const struct device *dev, const char *fmt, ...)
{
	char msg[448], line[512];
	va_list ap;

	if (level == 7 && !shim_log_debug_enabled())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s: %s", dev_name(dev), msg);
	shim_log_record(level, line);
}
