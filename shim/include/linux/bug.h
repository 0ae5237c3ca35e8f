/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/bug.c). WARN_ON() evaluates to its
 * condition like the kernel's, and each warning that fires is counted and
 * logged so a test can require that none did (see <shim/bug.h>).
 * BUG()/BUG_ON() abort, as a kernel oops would stop the test.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <stdlib.h>

#include <linux/build_bug.h>
#include <linux/compiler.h>

void shim_warn_fired(const char *file, int line, const char *cond);

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		shim_warn_fired(__FILE__, __LINE__, #condition);	\
	unlikely(__ret_warn_on); })

#define WARN_ON_ONCE(condition)		WARN_ON(condition)
#define WARN(condition, fmt, ...)	WARN_ON(condition)
#define WARN_ONCE(condition, fmt, ...)	WARN_ON(condition)

#define BUG() do {							\
	shim_warn_fired(__FILE__, __LINE__, "BUG");			\
	abort();							\
} while (0)
#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)

#endif /* _LINUX_BUG_H */
