// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile userspace on the migration data fds: writes past the maximum,
 * zero-length writes, writes after the session ended, two writers
 * interleaving, reads after reset, faulting buffers and calls the fds do
 * not support. Each gets the errno documented in the driver's chapter
 * (Documentation/arch/s390/vfio-ap-migration.rst, "Errors"), and the
 * device migrates again after a reset. The driver is #included unchanged
 * and runs against the simulated hosts under ASan + UBSan + LSan.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfio_ap_migration.c"

#include <shim/bug.h>
#include <shim/log.h>
#include <shim/slab.h>
#include <shim/uaccess.h>
#include <shim/vfio.h>
#include <shim/vfs.h>

#include "harden.h"

#define S_RUNNING	VFIO_DEVICE_STATE_RUNNING
#define S_RUNNING_P2P	VFIO_DEVICE_STATE_RUNNING_P2P
#define S_STOP		VFIO_DEVICE_STATE_STOP
#define S_STOP_COPY	VFIO_DEVICE_STATE_STOP_COPY
#define S_RESUMING	VFIO_DEVICE_STATE_RESUMING
#define S_PRE_COPY	VFIO_DEVICE_STATE_PRE_COPY
#define S_PRE_COPY_P2P	VFIO_DEVICE_STATE_PRE_COPY_P2P
#define S_ERROR		VFIO_DEVICE_STATE_ERROR

#define SYS(x)		({ long __r = (x); __r < 0 ? -errno : __r; })

struct fix {
	struct hh_env env;
	long slab0, files0;
	int fds0;
	u8 a[HH_STREAM_MAX], b[HH_STREAM_MAX];	/* streams of pair 0 and 1 */
	size_t alen, blen;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct hh_step st = {};

	assert_non_null(f);
	f->slab0 = shim_slab_live();
	f->files0 = shim_files_alive();
	f->fds0 = shim_fd_count();
	shim_bug_reset();
	shim_log_clear();
	assert_int_equal(hh_env_init(&f->env, HH_MEDIUM), 0);
	assert_int_equal(hh_env_open(&f->env), 0);
	assert_int_equal(hh_save(f->env.src_fd[0], true, 4096, f->a, &f->alen, &st), 0);
	assert_int_equal(hh_save(f->env.src_fd[1], false, 4096, f->b, &f->blen, &st), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_RUNNING, NULL), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[1], S_RUNNING, NULL), 0);
	*state = f;
	return 0;
}

/* Whatever a test did: after a reset both pairs migrate; nothing leaked. */
static int teardown(void **state)
{
	struct fix *f = *state;
	struct hh_step st = {};
	int p;

	assert_int_equal(hh_env_open(&f->env), 0);
	for (p = 0; p < 2; p++) {
		assert_int_equal(hh_reset_running(f->env.src_fd[p]), 0);
		assert_int_equal(hh_reset_running(f->env.dst_fd[p]), 0);
		assert_int_equal(hh_migrate(&f->env, p, p == 0, &st), 0);
	}
	hh_env_release(&f->env);
	assert_int_equal(shim_slab_live(), f->slab0);
	assert_int_equal(shim_files_alive(), f->files0);
	assert_int_equal(shim_fd_count(), f->fds0);
	assert_int_equal(shim_bug_warnings(), 0);
	free(f);
	return 0;
}

static int resuming(struct fix *f, int p)
{
	int fd = -1;

	assert_int_equal(shim_vfio_set_state(f->env.dst_fd[p], S_STOP, NULL), 0);
	assert_int_equal(shim_vfio_set_state(f->env.dst_fd[p], S_RESUMING, &fd), 0);
	assert_true(fd >= 0);
	return fd;
}

static enum vfio_device_mig_state state_of(int devfd)
{
	enum vfio_device_mig_state s = S_ERROR;

	assert_int_equal(shim_vfio_get_state(devfd, &s), 0);
	return s;
}

static int set(int devfd, enum vfio_device_mig_state s)
{
	return shim_vfio_set_state(devfd, s, NULL);
}

/* A second fd on the file of @fd, as dup(2) makes one. */
static int dup_fd(int fd)
{
	struct file *file = shim_fd_get(fd);
	int nfd;

	assert_non_null(file);
	nfd = shim_fd_install(file);
	assert_true(nfd >= 0);
	return nfd;
}

/* True if @err is one of the stream decoder's errnos (the chapter's table). */
static bool decoder_errno(long err)
{
	static const int known[] = {
		EPROTO, EPROTONOSUPPORT, EINVAL, EILSEQ, ENOTUNIQ, ERANGE,
		E2BIG, EDOM, ENOENT, EOPNOTSUPP, EBADMSG, EFBIG, EMSGSIZE,
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (err == -known[i])
			return true;
	return false;
}

/*
 * Tests that a write that would take the stream past 2 MiB fails with
 * -EFBIG before anything is copied, whether alone or after a complete
 * stream (which then still applies), that the VFS bounds huge lengths
 * before the driver, and that a byte after the FINAL record is -EMSGSIZE,
 * sticky until a reset.
 */
static void test_write_past_maximum(void **state)
{
	struct fix *f = *state;
	size_t big = VFIO_AP_MIG_MAX_STREAM + 4096;
	u8 *buf = calloc(1, big);
	unsigned long copies;
	int fd;

	assert_non_null(buf);
	fd = resuming(f, 0);
	copies = shim_uaccess_copies(SHIM_COPY_FROM_USER);
	assert_int_equal(SYS(shim_sys_write(fd, buf, VFIO_AP_MIG_MAX_STREAM + 1)), -EFBIG);
	assert_int_equal(SYS(shim_sys_write(fd, buf, SIZE_MAX / 2)), -EFBIG);
	assert_int_equal(SYS(shim_sys_write(fd, buf, SIZE_MAX)), -EINVAL);
	assert_int_equal(shim_uaccess_copies(SHIM_COPY_FROM_USER), copies);
	assert_true(shim_log_grep("more than 2097152 bytes") >= 1);
	assert_int_equal(state_of(f->env.dst_fd[0]), S_RESUMING);

	/* the refused writes consumed nothing: the stream still goes in */
	assert_int_equal(SYS(shim_sys_write(fd, f->a, f->alen)), f->alen);
	assert_int_equal(SYS(shim_sys_write(fd, buf,
					    VFIO_AP_MIG_MAX_STREAM - f->alen + 1)),
			 -EFBIG);
	hh_close_fd(&fd);
	assert_int_equal(set(f->env.dst_fd[0], S_RUNNING), 0);
	assert_true(hh_same_config(&f->env, 0));

	/* one byte after FINAL */
	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, f->alen)), f->alen);
	assert_int_equal(SYS(shim_sys_write(fd, "x", 1)), -EMSGSIZE);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, f->alen)), -EMSGSIZE);
	assert_int_equal(set(f->env.dst_fd[0], S_RUNNING), -EMSGSIZE);
	assert_int_equal(state_of(f->env.dst_fd[0]), S_ERROR);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);

	/* exactly 2 MiB of garbage: a decoder error, not a size error */
	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(fd, buf, VFIO_AP_MIG_MAX_STREAM)), -EPROTO);
	hh_close_fd(&fd);
	free(buf);
}

/*
 * Tests that zero-length writes and reads are harmless: 0 in an active
 * session, between any two pieces of a stream (which then applies), and
 * -ENODEV once the session ended; a zero-length read consumes nothing.
 */
static void test_zero_length_writes(void **state)
{
	struct fix *f = *state;
	u8 buf[HH_STREAM_MAX];
	size_t done, n, len = 0;
	ssize_t r;
	int fd;

	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, 0)), 0);
	assert_int_equal(state_of(f->env.dst_fd[0]), S_RESUMING);
	for (done = 0; done < f->alen; done += n) {
		n = f->alen - done < 5 ? f->alen - done : 5;
		assert_int_equal(SYS(shim_sys_write(fd, f->a + done, 0)), 0);
		assert_int_equal(SYS(shim_sys_write(fd, f->a + done, n)), n);
	}
	assert_int_equal(SYS(shim_sys_write(fd, f->a, 0)), 0);
	assert_int_equal(set(f->env.dst_fd[0], S_RUNNING), 0);
	assert_true(hh_same_config(&f->env, 0));
	assert_int_equal(SYS(shim_sys_write(fd, f->a, 0)), -ENODEV);
	hh_close_fd(&fd);

	assert_int_equal(set(f->env.src_fd[0], S_STOP), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, &fd), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 0)), 0);
	while ((r = SYS(shim_sys_read(fd, buf + len, 4096))) > 0)
		len += r;
	assert_int_equal(r, 0);
	assert_int_equal(len, vfio_ap_mig_config_record_size(20));
	assert_int_equal(set(f->env.src_fd[0], S_STOP), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 0)), -ENODEV);
	hh_close_fd(&fd);
}

/*
 * Tests that a data fd is dead once its session is over, however it ended:
 * RESUMING -> STOP that applied or failed, reset, close_device; saving
 * sessions ended by STOP_COPY -> STOP, PRE_COPY -> RUNNING and
 * PRE_COPY_P2P -> RUNNING_P2P. Reads and writes get -ENODEV, the precopy
 * ioctl -EINVAL, and a new session's fd works while the old one stays dead.
 */
static void test_writes_after_the_session_ended(void **state)
{
	struct fix *f = *state;
	u64 initial, dirty;
	u8 buf[64];
	int fd, old;

	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, f->alen)), f->alen);
	assert_int_equal(set(f->env.dst_fd[0], S_STOP), 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, 1)), -ENODEV);
	hh_close_fd(&fd);

	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, 10)), 10);
	assert_int_equal(set(f->env.dst_fd[0], S_STOP), -ENODATA);
	assert_int_equal(SYS(shim_sys_write(fd, f->a + 10, 1)), -ENODEV);
	/* ERROR refuses every SET until a reset */
	assert_int_equal(set(f->env.dst_fd[0], S_RESUMING), -EINVAL);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a + 10, 1)), -ENODEV);
	hh_close_fd(&fd);

	old = resuming(f, 0);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(old, f->a, f->alen)), -ENODEV);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, f->alen)), f->alen);
	sim_mdev_close(f->env.dst[0], f->env.dst_fd[0]);
	f->env.dst_fd[0] = -1;
	assert_int_equal(SYS(shim_sys_write(fd, f->a, 1)), -ENODEV);
	hh_close_fd(&fd);
	hh_close_fd(&old);
	assert_int_equal(hh_env_open(&f->env), 0);

	/* saving: every arc that ends the session */
	assert_int_equal(set(f->env.src_fd[0], S_STOP), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, &fd), 0);
	assert_int_equal(set(f->env.src_fd[0], S_STOP), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, sizeof(buf))), -ENODEV);
	hh_close_fd(&fd);
	assert_int_equal(set(f->env.src_fd[0], S_RUNNING), 0);

	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	assert_int_equal(set(f->env.src_fd[0], S_RUNNING), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, sizeof(buf))), -ENODEV);
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), -EINVAL);
	hh_close_fd(&fd);

	assert_int_equal(set(f->env.src_fd[0], S_RUNNING_P2P), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY_P2P, &fd), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 8)), 8);
	assert_int_equal(set(f->env.src_fd[0], S_RUNNING_P2P), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, sizeof(buf))), -ENODEV);
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), -EINVAL);
	hh_close_fd(&fd);
}

/* Write @a and @b alternately to fds @fa and @fb in pieces of @na and @nb. */
static long interleave(int fa, const u8 *a, size_t alen, size_t na,
		       int fb, const u8 *b, size_t blen, size_t nb)
{
	size_t da = 0, db = 0, n;
	long first = 0, r;

	while (da < alen || db < blen) {
		if (da < alen) {
			n = alen - da < na ? alen - da : na;
			r = SYS(shim_sys_write(fa, a + da, n));
			if (r < 0 && !first)
				first = r;
			/* once failed, a decoder keeps failing the same way */
			if (first)
				assert_int_equal(r, first);
			da += n;
		}
		if (db < blen) {
			n = blen - db < nb ? blen - db : nb;
			r = SYS(shim_sys_write(fb, b + db, n));
			if (r < 0 && !first)
				first = r;
			if (first)
				assert_int_equal(r, first);
			db += n;
		}
	}
	return first;
}

struct writer {
	int fd;
	const u8 *buf;
	size_t len, piece;
	long results[8];	/* count of each outcome class, see below */
	long bad;		/* a result outside the documented set */
};

static void *write_racing(void *arg)
{
	struct writer *w = arg;
	size_t done = 0, n;
	long r;

	while (done < w->len) {
		n = w->len - done < w->piece ? w->len - done : w->piece;
		r = SYS(shim_sys_write(w->fd, w->buf + done, n));
		if (r == (long)n)
			w->results[0]++;
		else if (decoder_errno(r) || r == -ENXIO)
			w->results[1]++;
		else
			w->bad = r;
		done += n;
	}
	return NULL;
}

/*
 * Tests two writers on one resuming file: two different streams, or the
 * same stream twice, interleaved write by write give a decoder errno,
 * the same for every later write and for RESUMING -> STOP (device in
 * ERROR); two threads racing to write whole streams get only documented
 * results, whatever the interleaving.
 */
static void test_two_writers_interleaving(void **state)
{
	struct fix *f = *state;
	struct writer w[2];
	pthread_t t[2];
	long err;
	int fd, fd2, i, ret;

	fd = resuming(f, 0);
	fd2 = dup_fd(fd);
	err = interleave(fd, f->a, f->alen, 10, fd2, f->b, f->blen, 10);
	assert_true(decoder_errno(err));
	assert_int_equal(set(f->env.dst_fd[0], S_RUNNING), err);
	assert_int_equal(state_of(f->env.dst_fd[0]), S_ERROR);
	hh_close_fd(&fd);
	hh_close_fd(&fd2);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);

	fd = resuming(f, 0);
	fd2 = dup_fd(fd);
	err = interleave(fd, f->a, f->alen, 24, fd2, f->a, f->alen, 7);
	assert_true(decoder_errno(err));
	assert_int_equal(set(f->env.dst_fd[0], S_STOP), err);
	hh_close_fd(&fd);
	hh_close_fd(&fd2);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);

	for (i = 0; i < 20; i++) {
		fd = resuming(f, 0);
		fd2 = dup_fd(fd);
		w[0] = (struct writer){ .fd = fd, .buf = f->a, .len = f->alen,
					.piece = 7 + i };
		w[1] = (struct writer){ .fd = fd2, .buf = f->b, .len = f->blen,
					.piece = 11 };
		assert_int_equal(pthread_create(&t[0], NULL, write_racing, &w[0]), 0);
		assert_int_equal(pthread_create(&t[1], NULL, write_racing, &w[1]), 0);
		assert_int_equal(pthread_join(t[0], NULL), 0);
		assert_int_equal(pthread_join(t[1], NULL), 0);
		assert_int_equal(w[0].bad, 0);
		assert_int_equal(w[1].bad, 0);
		hh_close_fd(&fd);
		hh_close_fd(&fd2);
		ret = set(f->env.dst_fd[0], S_RUNNING);
		/* only one writer's stream, whole and first, can apply */
		assert_true(ret == 0 || decoder_errno(ret) || ret == -ENODATA ||
			    ret == -ENXIO);
		assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
	}
}

/*
 * Tests reads after a reset in every saving state and writes after a
 * reset in RESUMING: -ENODEV, the precopy ioctl -EINVAL; a reset in ERROR
 * gives RUNNING, and the next session's fds work.
 */
static void test_reads_after_reset(void **state)
{
	struct fix *f = *state;
	enum vfio_device_mig_state saving[] = { S_PRE_COPY, S_PRE_COPY_P2P, S_STOP_COPY };
	u64 initial, dirty;
	u8 buf[HH_STREAM_MAX];
	unsigned int i;
	size_t len;
	ssize_t n;
	int fd, old;

	for (i = 0; i < 3; i++) {
		if (saving[i] == S_STOP_COPY)
			assert_int_equal(set(f->env.src_fd[0], S_STOP), 0);
		assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], saving[i], &fd), 0);
		assert_int_equal(SYS(shim_sys_read(fd, buf, 10)), 10);
		assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
		assert_int_equal(SYS(shim_sys_read(fd, buf, 10)), -ENODEV);
		assert_int_equal(SYS(shim_sys_read(fd, buf, 0)), -ENODEV);
		assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), -EINVAL);
		hh_close_fd(&fd);
	}

	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, 30)), 30);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
	assert_int_equal(SYS(shim_sys_write(fd, f->a + 30, 10)), -ENODEV);
	hh_close_fd(&fd);

	/* a reset of a device in ERROR, and after it a new session works */
	fd = resuming(f, 0);
	assert_int_equal(set(f->env.dst_fd[0], S_STOP), -ENODATA);
	assert_int_equal(state_of(f->env.dst_fd[0]), S_ERROR);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
	hh_close_fd(&fd);

	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &old), 0);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	assert_int_equal(SYS(shim_sys_read(old, buf, 10)), -ENODEV);
	len = 0;
	while ((n = SYS(shim_sys_read(fd, buf + len, 64))) > 0)
		len += n;
	assert_int_equal(n, -ENOMSG);
	assert_int_equal(len, f->alen - VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_memory_equal(buf, f->a, len);
	hh_close_fd(&old);
	hh_close_fd(&fd);
}

/*
 * Tests that a faulting user buffer loses nothing: a read that faults
 * returns -EFAULT and the next read starts at the same byte; a write that
 * faults returns -EFAULT and consumed nothing, so the whole stream written
 * again applies.
 */
static void test_faulting_buffers_lose_nothing(void **state)
{
	struct fix *f = *state;
	u8 buf[HH_STREAM_MAX];
	size_t len = 0;
	ssize_t n;
	int fd;

	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	shim_uaccess_reset();
	shim_uaccess_fail_nth(SHIM_COPY_TO_USER, 1);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 64)), -EFAULT);
	while ((n = SYS(shim_sys_read(fd, buf + len, 64))) > 0)
		len += n;
	assert_int_equal(n, -ENOMSG);
	assert_int_equal(len, f->alen - VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_memory_equal(buf, f->a, len);
	hh_close_fd(&fd);
	assert_int_equal(set(f->env.src_fd[0], S_RUNNING), 0);

	fd = resuming(f, 0);
	shim_uaccess_reset();
	shim_uaccess_fail_nth(SHIM_COPY_FROM_USER, 1);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, f->alen)), -EFAULT);
	assert_int_equal(SYS(shim_sys_write(fd, f->a, f->alen)), f->alen);
	hh_close_fd(&fd);
	assert_int_equal(set(f->env.dst_fd[0], S_RUNNING), 0);
	assert_true(hh_same_config(&f->env, 0));
	shim_uaccess_reset();
}

/*
 * Tests calls the data fds do not support: reading the resuming fd and
 * writing the saving fd (-EBADF), positioned I/O (-ESPIPE), an unknown
 * ioctl (-ENOTTY), the precopy ioctl on the resuming fd (-ENOTTY) or with
 * a short argsz (-EINVAL), or outside pre-copy (-EINVAL).
 */
static void test_unsupported_calls(void **state)
{
	struct fix *f = *state;
	struct vfio_precopy_info info = { .argsz = 8 };
	u64 initial, dirty;
	u8 buf[64];
	int sfd, rfd;

	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &sfd), 0);
	rfd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_read(rfd, buf, 8)), -EBADF);
	assert_int_equal(SYS(shim_sys_write(sfd, buf, 8)), -EBADF);
	assert_int_equal(SYS(shim_sys_pread(sfd, buf, 8, 0)), -ESPIPE);
	assert_int_equal(SYS(shim_sys_pwrite(rfd, f->a, 8, 0)), -ESPIPE);
	assert_int_equal(SYS(shim_sys_ioctl(sfd, VFIO_DEVICE_RESET, NULL)), -ENOTTY);
	assert_int_equal(SYS(shim_sys_ioctl(rfd, VFIO_MIG_GET_PRECOPY_INFO, &info)),
			 -ENOTTY);
	assert_int_equal(SYS(shim_sys_ioctl(sfd, VFIO_MIG_GET_PRECOPY_INFO, &info)),
			 -EINVAL);
	assert_int_equal(shim_vfio_precopy_info(sfd, &initial, &dirty), 0);
	assert_int_equal(set(f->env.src_fd[0], S_STOP_COPY), 0);
	assert_int_equal(shim_vfio_precopy_info(sfd, &initial, &dirty), -EINVAL);
	/* the fds still work for what they are for */
	assert_int_equal(SYS(shim_sys_read(sfd, buf, 8)), 8);
	assert_int_equal(SYS(shim_sys_write(rfd, f->a, 8)), 8);
	hh_close_fd(&sfd);
	hh_close_fd(&rfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_past_maximum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_length_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes_after_the_session_ended,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_writers_interleaving,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_after_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faulting_buffers_lose_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_calls, setup, teardown),
	};

	return cmocka_run_group_tests_name("hardening hostile data fds", tests,
					   NULL, NULL);
}
