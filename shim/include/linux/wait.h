/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/poll.c). A wait queue head that a
 * poll in userspace (shim_sys_poll(), <shim/vfs.h>) can sleep on: every
 * wake_up*() counts (<shim/poll.h>: shim_wait_wakeups()) and wakes the
 * sleepers. Nothing here sleeps on its own: a driver only wakes.
 */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <pthread.h>

struct wait_queue_head {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long wakeups;
};
typedef struct wait_queue_head wait_queue_head_t;

void init_waitqueue_head(struct wait_queue_head *wq_head);
void wake_up(struct wait_queue_head *wq_head);
void wake_up_interruptible(struct wait_queue_head *wq_head);
void wake_up_all(struct wait_queue_head *wq_head);

#endif /* _LINUX_WAIT_H */
