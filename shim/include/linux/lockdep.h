/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/lock.c). lockdep_assert_held() and
 * lockdep_assert_not_held() check the lock's recorded owner against the
 * calling thread and abort with the file and line when the assertion
 * fails. Works on struct mutex and spinlock_t.
 */
#ifndef __LINUX_LOCKDEP_H
#define __LINUX_LOCKDEP_H

#include <linux/types.h>

struct mutex;
struct spinlock;

bool shim_mutex_held(const struct mutex *lock);
bool shim_spin_held(const struct spinlock *lock);
void shim_lockdep_failed(const char *file, int line, const char *what);

#define lockdep_is_held(l) _Generic((l),				\
	struct mutex *: shim_mutex_held,				\
	const struct mutex *: shim_mutex_held,				\
	struct spinlock *: shim_spin_held,				\
	const struct spinlock *: shim_spin_held)(l)

#define lockdep_assert_held(l) do {					\
	if (!lockdep_is_held(l))					\
		shim_lockdep_failed(__FILE__, __LINE__,			\
				    "lockdep_assert_held(" #l ")");	\
} while (0)

#define lockdep_assert_not_held(l) do {					\
	if (lockdep_is_held(l))						\
		shim_lockdep_failed(__FILE__, __LINE__,			\
				    "lockdep_assert_not_held(" #l ")");	\
} while (0)

#endif /* __LINUX_LOCKDEP_H */
