/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. The kernel's helpers that spell a boolean.
 */
#ifndef _LINUX_STRING_CHOICES_H_
#define _LINUX_STRING_CHOICES_H_

#include <stdbool.h>

static inline const char *str_yes_no(bool v)
{
	return v ? "yes" : "no";
}

#endif /* _LINUX_STRING_CHOICES_H_ */
