// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. Wait queues that count their wake-ups and
 * wake userspace sleepers, the recording poll table, vfs_poll() and poll(2)
 * on one shim fd: ask ->poll(), and if nothing it was asked for is ready,
 * sleep on the first wait queue it named until a wake-up or the timeout,
 * then ask again (fs/select.c's do_poll() for one fd). A wake-up between
 * poll_wait() and the sleep is not lost: the sleep compares wake-up counts.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <linux/container_of.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/wait.h>

#include <shim/poll.h>
#include <shim/vfs.h>

void init_waitqueue_head(struct wait_queue_head *wq)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&wq->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wq->cond, &attr);
	pthread_condattr_destroy(&attr);
	wq->wakeups = 0;
}

void wake_up_all(struct wait_queue_head *wq)
{
	pthread_mutex_lock(&wq->lock);
	wq->wakeups++;
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
}

void wake_up(struct wait_queue_head *wq)
{
	wake_up_all(wq);
}

void wake_up_interruptible(struct wait_queue_head *wq)
{
	wake_up_all(wq);
}

unsigned long shim_wait_wakeups(wait_queue_head_t *wq)
{
	unsigned long n;

	pthread_mutex_lock(&wq->lock);
	n = wq->wakeups;
	pthread_mutex_unlock(&wq->lock);
	return n;
}

static void poll_rec_queue(struct file *filp, wait_queue_head_t *wq,
			   struct poll_table_struct *pt)
{
	struct shim_poll_rec *rec = container_of(pt, struct shim_poll_rec, pt);

	if (rec->nr < SHIM_POLL_MAX_WAITS) {
		rec->wq[rec->nr] = wq;
		rec->seen[rec->nr] = shim_wait_wakeups(wq);
	}
	rec->nr++;
}

void shim_poll_rec_init(struct shim_poll_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	init_poll_funcptr(&rec->pt, poll_rec_queue);
}

__poll_t shim_vfs_poll(struct file *file, struct poll_table_struct *pt)
{
	if (!file->f_op->poll)
		return DEFAULT_POLLMASK;
	return file->f_op->poll(file, pt);
}

/* Sleep until @wq was woken after @seen, or until @deadline (NULL: never). */
static bool poll_sleep(wait_queue_head_t *wq, unsigned long seen,
		       const struct timespec *deadline)
{
	bool woken = true;

	pthread_mutex_lock(&wq->lock);
	while (wq->wakeups == seen) {
		if (!deadline) {
			pthread_cond_wait(&wq->cond, &wq->lock);
		} else if (pthread_cond_timedwait(&wq->cond, &wq->lock,
						  deadline) == ETIMEDOUT) {
			woken = wq->wakeups != seen;
			break;
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return woken;
}

static long poll_file(struct file *file, __poll_t events, int timeout_ms)
{
	struct timespec deadline;
	struct shim_poll_rec rec;
	__poll_t mask;

	events |= EPOLLERR | EPOLLHUP;
	if (timeout_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	for (;;) {
		shim_poll_rec_init(&rec);
		mask = shim_vfs_poll(file, &rec.pt) & events;
		if (mask)
			return mask;
		if (!timeout_ms)
			return 0;
		/* a file that names no queue is never woken: only the timeout */
		if (!rec.nr) {
			if (timeout_ms < 0)
				return -EDEADLK;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
			return 0;
		}
		if (!poll_sleep(rec.wq[0], rec.seen[0],
				timeout_ms > 0 ? &deadline : NULL))
			return 0;
	}
}

int shim_sys_poll(int fd, __poll_t events, int timeout_ms)
{
	struct file *file = shim_fd_get(fd);
	long ret;

	if (!file) {
		errno = EBADF;
		return -1;
	}
	ret = poll_file(file, events, timeout_ms);
	fput(file);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}
