/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/lock.c). struct mutex on a pthread
 * mutex that remembers its owner, so lockdep_assert_held() really checks
 * that the caller holds it. Unlocking a mutex the caller does not hold,
 * locking one it already holds, or destroying a held one aborts (the
 * kernel's DEBUG_MUTEXES would splat).
 */
#ifndef __LINUX_MUTEX_H
#define __LINUX_MUTEX_H

#include <pthread.h>

#include <linux/lockdep.h>
#include <linux/types.h>

struct mutex {
	pthread_mutex_t m;
	pthread_t owner;
	int held;			/* atomic: 1 while locked */
	unsigned int magic;		/* set by mutex_init() */
};

#define SHIM_MUTEX_MAGIC	0x6d757478u
#define __MUTEX_INITIALIZER(name) \
	{ .m = PTHREAD_MUTEX_INITIALIZER, .magic = SHIM_MUTEX_MAGIC }
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(name)

void mutex_init(struct mutex *lock);
void mutex_destroy(struct mutex *lock);
void mutex_lock(struct mutex *lock);
int mutex_lock_interruptible(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);

#endif /* __LINUX_MUTEX_H */
