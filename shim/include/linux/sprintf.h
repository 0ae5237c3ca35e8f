/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. snprintf() is libc's; scnprintf() returns the
 * bytes actually written (never more than size - 1), as the kernel's does.
 */
#ifndef _LINUX_KERNEL_SPRINTF_H_
#define _LINUX_KERNEL_SPRINTF_H_

#include <stdarg.h>
#include <stdio.h>

#include <linux/compiler.h>
#include <linux/types.h>

static inline __printf(3, 0)
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int i;

	if (!size)
		return 0;
	i = vsnprintf(buf, size, fmt, args);
	if (i < 0)
		return 0;
	return (size_t)i < size ? i : (int)(size - 1);
}

static inline __printf(3, 4)
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int i;

	va_start(args, fmt);
	i = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return i;
}

#endif /* _LINUX_KERNEL_SPRINTF_H_ */
