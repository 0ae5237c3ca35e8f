// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. Mutexes and spinlocks on pthread mutexes
 * that record their owner. Misuse the kernel's lock debugging would catch
 * (unlock by a non-owner, recursive locking, destroying a held lock, using
 * an uninitialised lock, a failed lockdep assertion) aborts with a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include <shim/lock.h>

static shim_lock_fail_t lock_fail_handler;

void shim_lock_set_fail_handler(shim_lock_fail_t fn)
{
	lock_fail_handler = fn;
}

static void lock_fail(const char *what)
{
	if (lock_fail_handler) {
		lock_fail_handler(what);
		return;
	}
	fprintf(stderr, "shim: lock misuse: %s\n", what);
	abort();
}

void shim_lockdep_failed(const char *file, int line, const char *what)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s:%d: %s", file, line, what);
	lock_fail(buf);
}

/* Common part of both lock kinds: a pthread mutex plus owner. */
static bool owned_by_me(const int *held, const pthread_t *owner)
{
	return __atomic_load_n(held, __ATOMIC_ACQUIRE) &&
	       pthread_equal(__atomic_load_n(owner, __ATOMIC_RELAXED),
			     pthread_self());
}

static void take(pthread_mutex_t *m, int *held, pthread_t *owner,
		 unsigned int magic, unsigned int want, const char *kind)
{
	if (magic != want)
		lock_fail(kind);
	if (owned_by_me(held, owner))
		lock_fail("recursive locking");
	pthread_mutex_lock(m);
	__atomic_store_n(owner, pthread_self(), __ATOMIC_RELAXED);
	__atomic_store_n(held, 1, __ATOMIC_RELEASE);
}

static int try_take(pthread_mutex_t *m, int *held, pthread_t *owner,
		    unsigned int magic, unsigned int want, const char *kind)
{
	if (magic != want)
		lock_fail(kind);
	if (owned_by_me(held, owner))
		return 0;	/* trylock on a lock we hold fails, no deadlock */
	if (pthread_mutex_trylock(m))
		return 0;
	__atomic_store_n(owner, pthread_self(), __ATOMIC_RELAXED);
	__atomic_store_n(held, 1, __ATOMIC_RELEASE);
	return 1;
}

static void give(pthread_mutex_t *m, int *held, pthread_t *owner,
		 const char *what)
{
	if (!owned_by_me(held, owner)) {
		lock_fail(what);
		return;
	}
	__atomic_store_n(held, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(m);
}

void mutex_init(struct mutex *lock)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->held = 0;
	lock->magic = SHIM_MUTEX_MAGIC;
}

void mutex_destroy(struct mutex *lock)
{
	if (__atomic_load_n(&lock->held, __ATOMIC_ACQUIRE))
		lock_fail("mutex_destroy() of a held mutex");
	if (lock->magic == SHIM_MUTEX_MAGIC)
		pthread_mutex_destroy(&lock->m);
	lock->magic = 0;
}

void mutex_lock(struct mutex *lock)
{
	take(&lock->m, &lock->held, &lock->owner, lock->magic,
	     SHIM_MUTEX_MAGIC, "mutex_lock() of an uninitialised mutex");
}

int mutex_lock_interruptible(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_trylock(struct mutex *lock)
{
	return try_take(&lock->m, &lock->held, &lock->owner, lock->magic,
			SHIM_MUTEX_MAGIC, "mutex_trylock() of an uninitialised mutex");
}

void mutex_unlock(struct mutex *lock)
{
	give(&lock->m, &lock->held, &lock->owner,
	     "mutex_unlock() of a mutex the caller does not hold");
}

bool mutex_is_locked(struct mutex *lock)
{
	return __atomic_load_n(&lock->held, __ATOMIC_ACQUIRE);
}

bool shim_mutex_held(const struct mutex *lock)
{
	return owned_by_me(&lock->held, &lock->owner);
}

void spin_lock_init(spinlock_t *lock)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->held = 0;
	lock->magic = SHIM_SPIN_MAGIC;
}

void spin_lock(spinlock_t *lock)
{
	take(&lock->m, &lock->held, &lock->owner, lock->magic,
	     SHIM_SPIN_MAGIC, "spin_lock() of an uninitialised spinlock");
}

int spin_trylock(spinlock_t *lock)
{
	return try_take(&lock->m, &lock->held, &lock->owner, lock->magic,
			SHIM_SPIN_MAGIC, "spin_trylock() of an uninitialised spinlock");
}

void spin_unlock(spinlock_t *lock)
{
	give(&lock->m, &lock->held, &lock->owner,
	     "spin_unlock() of a spinlock the caller does not hold");
}

bool shim_spin_held(const struct spinlock *lock)
{
	return owned_by_me(&lock->held, &lock->owner);
}
