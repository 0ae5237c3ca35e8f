/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test controls of the poll and wait queue fake (shim/src/poll.c): a poll
 * table that records every poll_wait() of a file's ->poll(), with the
 * queue's wake-up count at that moment, and the count itself.
 */
#ifndef SHIM_POLL_H
#define SHIM_POLL_H

#include <linux/poll.h>

#define SHIM_POLL_MAX_WAITS	4

struct shim_poll_rec {
	poll_table pt;			/* pass &rec.pt to ->poll() */
	unsigned int nr;		/* poll_wait() calls seen */
	wait_queue_head_t *wq[SHIM_POLL_MAX_WAITS];
	unsigned long seen[SHIM_POLL_MAX_WAITS];	/* wakeups at the call */
};

void shim_poll_rec_init(struct shim_poll_rec *rec);
/* wake_up*() calls on @wq so far. */
unsigned long shim_wait_wakeups(wait_queue_head_t *wq);

#endif /* SHIM_POLL_H */
