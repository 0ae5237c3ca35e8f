/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/lock.c). spinlock_t on a pthread
 * mutex that remembers its owner (lockdep_assert_held() checks it);
 * recursion and unlock by a non-owner abort. The irq variants save nothing.
 */
#ifndef __LINUX_SPINLOCK_H
#define __LINUX_SPINLOCK_H

#include <pthread.h>

#include <linux/lockdep.h>
#include <linux/types.h>

typedef struct spinlock {
	pthread_mutex_t m;
	pthread_t owner;
	int held;
	unsigned int magic;
} spinlock_t;

#define SHIM_SPIN_MAGIC		0x7370696eu
#define __SPIN_LOCK_UNLOCKED(name) \
	{ .m = PTHREAD_MUTEX_INITIALIZER, .magic = SHIM_SPIN_MAGIC }
#define DEFINE_SPINLOCK(name)	spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

void spin_lock_init(spinlock_t *lock);
void spin_lock(spinlock_t *lock);
int spin_trylock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);

#define spin_lock_irq(l)		spin_lock(l)
#define spin_unlock_irq(l)		spin_unlock(l)
#define spin_lock_bh(l)			spin_lock(l)
#define spin_unlock_bh(l)		spin_unlock(l)
#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)

#endif /* __LINUX_SPINLOCK_H */
