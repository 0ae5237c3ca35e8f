// SPDX-License-Identifier: GPL-2.0
/*
 * One regression test per bug class that review found in the upstream
 * vfio-ap migration attempt (REFERENCE.md §7), each named after its class,
 * run against the driver #included here unchanged and the simulated hosts,
 * under ASan + UBSan + LSan. The driver's copy_from_user() is routed through
 * a wrapper that records which user bytes it fetched and can scribble over
 * them afterwards, as a second thread of the writer could.
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
#include <time.h>
#include <cmocka.h>

#include <linux/uaccess.h>
#include <linux/unaligned.h>

/* Every user byte the driver fetches, and an attacker acting right after. */
static struct {
	const u8 *lo;		/* the user buffer watched */
	size_t len;
	unsigned char *seen;	/* fetches per byte */
	size_t twice;		/* bytes fetched more than once */
	bool scribble;		/* overwrite fetched bytes after the fetch */
} uw;

static unsigned long watched_copy_from_user(void *to, const void __user *from,
					    unsigned long n)
{
	unsigned long left = copy_from_user(to, from, n);
	const u8 *p = (const u8 *)from;
	size_t i;

	if (left || !uw.lo || p + n <= uw.lo || p >= uw.lo + uw.len)
		return left;
	for (i = 0; i < n; i++) {
		size_t off = p + i - uw.lo;

		if (p + i < uw.lo || off >= uw.len)
			continue;
		if (uw.seen[off]++)
			uw.twice++;
		if (uw.scribble)
			((u8 *)p)[i] = 0xa5;
	}
	return left;
}

#define copy_from_user watched_copy_from_user
#include "vfio_ap_migration.c"
#undef copy_from_user

#include <shim/bug.h>
#include <shim/lock.h>
#include <shim/slab.h>
#include <shim/uaccess.h>
#include <shim/vfio.h>
#include <shim/vfs.h>

#include "apmig_config.h"
#include "harden.h"

#define S_RUNNING	VFIO_DEVICE_STATE_RUNNING
#define S_STOP		VFIO_DEVICE_STATE_STOP
#define S_STOP_COPY	VFIO_DEVICE_STATE_STOP_COPY
#define S_RESUMING	VFIO_DEVICE_STATE_RESUMING
#define S_PRE_COPY	VFIO_DEVICE_STATE_PRE_COPY
#define S_PRE_COPY_P2P	VFIO_DEVICE_STATE_PRE_COPY_P2P
#define S_ERROR		VFIO_DEVICE_STATE_ERROR

#define SYS(x)		({ long __r = (x); __r < 0 ? -errno : __r; })

/* Offsets in a configuration record (docs/migration-stream.md). */
#define OFF_REC_LEN	12
#define OFF_COUNT	(VFIO_AP_MIG_HDR_SIZE + VFIO_AP_MIG_SECTION_HDR_SIZE + \
			 VFIO_AP_MIG_MASKS_SIZE + VFIO_AP_MIG_SECTION_HDR_SIZE)

/* HH_FAC_CCA with one more bit of the facility word (bit 0 = MSB). */
#define FAC_CCA		0xF2800000u
#define FAC_BIT(b)	(0x80000000u >> (b))

struct fix {
	struct hh_env env;
	long slab0, files0;
	int fds0;
	u8 stream[HH_STREAM_MAX];
	size_t len;
};

static struct fix *fix_new(enum hh_layout layout, const struct hh_opts *opts)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->slab0 = shim_slab_live();
	f->files0 = shim_files_alive();
	f->fds0 = shim_fd_count();
	shim_bug_reset();
	if (opts)
		assert_int_equal(hh_env_init_opts(&f->env, layout, opts), 0);
	else
		assert_int_equal(hh_env_init(&f->env, layout), 0);
	assert_int_equal(hh_env_open(&f->env), 0);
	return f;
}

/* Release everything and prove nothing leaked or WARNed. */
static void fix_free(struct fix *f)
{
	hh_env_release(&f->env);
	assert_int_equal(shim_slab_live(), f->slab0);
	assert_int_equal(shim_files_alive(), f->files0);
	assert_int_equal(shim_fd_count(), f->fds0);
	assert_int_equal(shim_bug_warnings(), 0);
	free(f);
}

static int setup_medium(void **state)
{
	*state = fix_new(HH_MEDIUM, NULL);
	return 0;
}

static int teardown(void **state)
{
	fix_free(*state);
	return 0;
}

/* Save pair @p's stream into f->stream; the source runs again afterwards. */
static void save(struct fix *f, int p, bool precopy)
{
	struct hh_step st = {};

	assert_int_equal(hh_save(f->env.src_fd[p], precopy, 4096, f->stream,
				 &f->len, &st), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[p], S_RUNNING, NULL), 0);
}

/* Destination of pair @p to RESUMING; returns the data fd. */
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

/* Decode @len bytes; returns 0 with the last configuration in @cfg. */
static int decode(const u8 *buf, size_t len, struct vfio_ap_mig_config *cfg)
{
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	size_t done = 0;
	ssize_t n;
	int ret;

	vfio_ap_mig_decoder_init(&dec);
	while (done < len) {
		n = vfio_ap_mig_decoder_feed(&dec, buf + done, len - done, &ev);
		if (n < 0) {
			vfio_ap_mig_decoder_release(&dec);
			return (int)n;
		}
		done += n;
	}
	ret = vfio_ap_mig_decoder_finish(&dec);
	if (!ret)
		ret = apmig_config_copy(cfg, vfio_ap_mig_decoder_config(&dec));
	vfio_ap_mig_decoder_release(&dec);
	return ret;
}

/* Fix the CRC of the record of @len bytes at @rec after an edit. */
static void recrc(u8 *rec, size_t len)
{
	put_unaligned_be32(vfio_ap_mig_crc32c(rec, len - VFIO_AP_MIG_CRC_SIZE),
			   rec + len - VFIO_AP_MIG_CRC_SIZE);
}

static void watch(const u8 *buf, size_t len, bool scribble)
{
	free(uw.seen);
	uw.seen = calloc(len ? len : 1, 1);
	assert_non_null(uw.seen);
	uw.lo = buf;
	uw.len = len;
	uw.twice = 0;
	uw.scribble = scribble;
}

static void unwatch(void)
{
	free(uw.seen);
	memset(&uw, 0, sizeof(uw));
}

/*
 * Tests that the driver fetches every user byte of a write exactly once:
 * an attacker overwriting each byte (queue count, record length, masks,
 * all of it) right after the driver fetched it changes nothing, for one
 * write, a byte at a time, and for a record larger than a write chunk.
 */
static void test_double_fetch_of_a_count(void **state)
{
	enum hh_layout layouts[] = { HH_MEDIUM, HH_LARGE };
	size_t step[] = { 0, 1 };	/* 0: one write of everything */
	unsigned int l, s;

	(void)state;
	for (l = 0; l < 2; l++) {
		for (s = 0; s < 2; s++) {
			struct fix *f = fix_new(layouts[l], NULL);
			u8 *ubuf;
			size_t done = 0, n;
			int fd;

			save(f, 0, false);
			ubuf = malloc(f->len);
			assert_non_null(ubuf);
			memcpy(ubuf, f->stream, f->len);
			fd = resuming(f, 0);
			watch(ubuf, f->len, true);
			while (done < f->len) {
				n = step[s] ? step[s] : f->len;
				assert_int_equal(SYS(shim_sys_write(fd, ubuf + done, n)), n);
				done += n;
			}
			assert_int_equal(uw.twice, 0);
			for (n = 0; n < f->len; n++)
				assert_int_equal(uw.seen[n], 1);
			unwatch();
			hh_close_fd(&fd);
			assert_int_equal(shim_vfio_set_state(f->env.dst_fd[0], S_RUNNING,
							     NULL), 0);
			assert_true(hh_same_config(&f->env, 0));
			free(ubuf);
			fix_free(f);
		}
	}
}

/*
 * Tests that no allocation is sized from what one write happened to carry:
 * the stream split at every byte offset, in odd piece sizes, and a header
 * that promises more than ever arrives, all without an out-of-bounds access
 * (ASan) and with the configuration applied exactly when complete.
 */
static void test_allocation_sized_from_a_short_write(void **state)
{
	static const size_t pieces[] = { 1, 23, 1, 7, 100, 2, 24, 3 };
	struct fix *f = *state;
	size_t k, done, i;
	long slab;
	u8 hdr[VFIO_AP_MIG_HDR_SIZE + 8];
	int fd;

	save(f, 0, true);
	for (k = 1; k < f->len; k++) {
		fd = resuming(f, 0);
		assert_int_equal(SYS(shim_sys_write(fd, f->stream, k)), k);
		assert_int_equal(SYS(shim_sys_write(fd, f->stream + k, f->len - k)),
				 f->len - k);
		hh_close_fd(&fd);
		assert_int_equal(shim_vfio_set_state(f->env.dst_fd[0], S_RUNNING,
						     NULL), 0);
	}
	assert_true(hh_same_config(&f->env, 0));

	fd = resuming(f, 0);
	for (done = 0, i = 0; done < f->len; i++) {
		size_t n = pieces[i % 8];

		if (n > f->len - done)
			n = f->len - done;
		assert_int_equal(SYS(shim_sys_write(fd, f->stream + done, n)), n);
		done += n;
	}
	hh_close_fd(&fd);
	assert_int_equal(shim_vfio_set_state(f->env.dst_fd[0], S_RUNNING, NULL), 0);

	/* A header promising the largest record, then 8 bytes: nothing more. */
	slab = shim_slab_live();
	memcpy(hdr, f->stream, sizeof(hdr));
	put_unaligned_be32(VFIO_AP_MIG_MAX_RECORD, hdr + OFF_REC_LEN);
	fd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_write(fd, hdr, sizeof(hdr))), sizeof(hdr));
	assert_int_equal(shim_vfio_set_state(f->env.dst_fd[0], S_RUNNING, NULL),
			 -ENODATA);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
	assert_int_equal(shim_slab_live(), slab);

	/* A queue count larger than the record carries, CRC made valid. */
	save(f, 0, false);
	put_unaligned_be32(get_unaligned_be32(f->stream + OFF_COUNT) + 1000,
			   f->stream + OFF_COUNT);
	recrc(f->stream, f->len);
	fd = resuming(f, 0);
	i = SYS(shim_sys_write(fd, f->stream, f->len));
	assert_true((long)i == -ERANGE || (long)i == -EDOM);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
}

/*
 * Tests the life of a data file against every order of its end: fd closed
 * before or after the session ends, reset or close_device first, a session
 * buffer that grows (a changed configuration at stop-copy) while it is being
 * read, and a data fd that outlives its mdev and host. ASan catches a use
 * after free, the shim's fput() a double put, LSan a leak.
 */
static void test_use_after_free_double_free_on_release(void **state)
{
	struct fix *f = *state;
	struct vfio_ap_mig_config cfg = {};
	u8 buf[HH_STREAM_MAX];
	size_t len = 0;
	ssize_t n;
	int fd = -1, fd2 = -1, dev;

	/* fd closed first, then the session ends, then a reset */
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	hh_close_fd(&fd);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, NULL), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP, NULL), 0);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);

	/* session ends, reset twice, then the fd is closed */
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_RUNNING, NULL), 0);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 10)), -ENODEV);
	hh_close_fd(&fd);

	/* the stream grows at stop-copy while a reader is half way */
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 30)), 30);
	len = 30;
	assert_int_equal(sim_mdev_unassign(f->env.src[0], SIM_DOMAIN, 0x40), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, NULL), 0);
	while ((n = SYS(shim_sys_read(fd, buf + len, 7))) > 0)
		len += n;
	assert_int_equal(n, 0);
	assert_int_equal(decode(buf, len, &cfg), 0);
	assert_int_equal(cfg.nr_queues, 16);
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP, NULL), 0);
	hh_close_fd(&fd);

	/* two sessions on the two devices, closed in crossed order */
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	fd2 = resuming(f, 0);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
	hh_close_fd(&fd2);

	/* close_device with a data fd open; the fd is closed afterwards */
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	dev = f->env.src_fd[0];
	sim_mdev_close(f->env.src[0], dev);
	f->env.src_fd[0] = -1;
	assert_int_equal(SYS(shim_sys_read(fd, buf, 10)), -ENODEV);
	hh_close_fd(&fd);
	assert_int_equal(hh_env_open(&f->env), 0);

	/* a resuming fd that outlives the mdev and its host */
	fd = resuming(f, 1);
	assert_int_equal(SYS(shim_sys_write(fd, "APMG", 4)), 4);
	hh_env_release(&f->env);
	assert_int_equal(SYS(shim_sys_write(fd, "\0\1", 2)), -ENODEV);
	hh_close_fd(&fd);
	assert_int_equal(hh_env_init(&f->env, HH_MEDIUM), 0);
	assert_int_equal(hh_env_open(&f->env), 0);
}

/* Overwrite a good part of the stack with a pattern, as earlier calls would. */
static noinline void dirty_stack(void)
{
	volatile u8 junk[64 * 1024];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 0xff;
}

/*
 * Tests that nothing the driver hands on is uninitialised: with the stack
 * dirtied before every call and heap memory filled by ASan (0xbe), a guest
 * without control domains and one with a single queue arrive with exactly
 * their bits; precopy info, data size and state come back fully written.
 */
static void test_uninitialised_configuration(void **state)
{
	struct fix *f = *state;
	struct vfio_precopy_info info;
	struct vfio_ap_mig_config cfg = {};
	u64 size;
	int fd;
	unsigned int id;

	/* pair 1: one adapter; drop its control domain and one domain, on both */
	assert_int_equal(sim_mdev_unassign(f->env.src[1], SIM_CONTROL_DOMAIN, 0x0c), 0);
	assert_int_equal(sim_mdev_unassign(f->env.dst[1], SIM_CONTROL_DOMAIN, 0x0c), 0);
	for (id = 0; id < 256; id++)
		if (id != 0x10) {
			assert_int_equal(sim_mdev_unassign(f->env.src[1], SIM_DOMAIN, id), 0);
			assert_int_equal(sim_mdev_unassign(f->env.dst[1], SIM_DOMAIN, id), 0);
		}
	dirty_stack();
	save(f, 1, true);
	assert_int_equal(decode(f->stream, f->len, &cfg), 0);
	assert_int_equal(cfg.nr_queues, 1);
	assert_int_equal(bitmap_weight(cfg.adm, VFIO_AP_MIG_IDS), 0);
	assert_int_equal(bitmap_weight(cfg.apm, VFIO_AP_MIG_IDS), 1);
	assert_int_equal(bitmap_weight(cfg.aqm, VFIO_AP_MIG_IDS), 1);
	assert_true(test_bit_inv(0x07, cfg.apm) && test_bit_inv(0x10, cfg.aqm));
	vfio_ap_mig_config_free(&cfg);
	dirty_stack();
	fd = resuming(f, 1);
	assert_int_equal(SYS(shim_sys_write(fd, f->stream, f->len)), f->len);
	hh_close_fd(&fd);
	dirty_stack();
	assert_int_equal(shim_vfio_set_state(f->env.dst_fd[1], S_RUNNING, NULL), 0);
	assert_true(hh_same_config(&f->env, 1));

	/* the ioctl and the features write every field they own */
	memset(&info, 0xff, sizeof(info));
	info.argsz = sizeof(info);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	dirty_stack();
	assert_int_equal(SYS(shim_sys_ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info)), 0);
	/* argsz and flags are the caller's, as in every upstream driver */
	assert_int_equal(info.argsz, sizeof(info));
	assert_int_equal(info.initial_bytes, vfio_ap_mig_config_record_size(20));
	assert_int_equal(info.dirty_bytes, 0);
	size = ~0ULL;
	dirty_stack();
	assert_int_equal(shim_vfio_get_data_size(f->env.src_fd[0], &size), 0);
	assert_int_equal(size, vfio_ap_mig_config_record_size(20) +
			 VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
}

/* Problems the destination of pair @p reported with characteristic @what. */
static size_t problems(struct fix *f, int p, enum vfio_ap_mig_char what,
		       size_t *total)
{
	const struct vfio_ap_mig_problem *pr;
	size_t n = sim_mdev_problems(f->env.dst[p], &pr), i, hits = 0;

	for (i = 0; i < n; i++)
		hits += pr[i].what == what;
	if (total)
		*total = n;
	return hits;
}

/*
 * Tests that control domains travel: a guest with control domains that are
 * not usage domains gets all of them on the destination, one added during
 * pre-copy arrives with the stop-copy record, and a target without them
 * refuses naming each one.
 */
static void test_control_domains_dropped(void **state)
{
	struct fix *f = *state;
	struct vfio_ap_mig_config cfg = {};
	struct ap_matrix guest;
	struct hh_step st = {};
	const struct vfio_ap_mig_problem *pr;
	size_t total;
	struct fix *g;
	u8 buf[HH_STREAM_MAX];
	size_t len = 0;
	ssize_t n;
	int fd;

	assert_int_equal(hh_migrate(&f->env, 0, false, &st), 0);
	sim_mdev_get(f->env.dst[0], NULL, &guest);
	assert_int_equal(bitmap_weight(guest.adm, 256), 3);
	assert_true(test_bit_inv(0x04, guest.adm) && test_bit_inv(0x0b, guest.adm) &&
		    test_bit_inv(0x30, guest.adm));

	/* a control domain assigned while pre-copy runs */
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	while ((n = SYS(shim_sys_read(fd, buf + len, 4096))) > 0)
		len += n;
	assert_int_equal(n, -ENOMSG);
	assert_int_equal(sim_mdev_assign(f->env.src[0], SIM_CONTROL_DOMAIN, 0x2a), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, NULL), 0);
	while ((n = SYS(shim_sys_read(fd, buf + len, 4096))) > 0)
		len += n;
	assert_int_equal(n, 0);
	hh_close_fd(&fd);
	assert_int_equal(decode(buf, len, &cfg), 0);
	assert_true(test_bit_inv(0x2a, cfg.adm));
	assert_int_equal(bitmap_weight(cfg.adm, 256), 4);
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_RUNNING, NULL), 0);
	/*
	 * The administrator gives the destination mdev the same domain; in
	 * one write, only the last record is checked (the first, without
	 * 0x2a, would now be refused for an extra control domain).
	 */
	assert_int_equal(sim_mdev_assign(f->env.dst[0], SIM_CONTROL_DOMAIN, 0x2a), 0);
	assert_int_equal(hh_resume(f->env.dst_fd[0], buf, len, len, &st), 0);
	sim_mdev_get(f->env.dst[0], NULL, &guest);
	assert_true(test_bit_inv(0x2a, guest.adm));
	assert_true(hh_same_config(&f->env, 0));

	/* a target without 0b and 30 */
	g = fix_new(HH_MEDIUM, &(struct hh_opts){ .target_cdoms = "04,0c" });
	save(g, 0, false);
	fd = resuming(g, 0);
	assert_int_equal(SYS(shim_sys_write(fd, g->stream, g->len)), -ENXIO);
	assert_int_equal(problems(g, 0, VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, &total), 2);
	assert_int_equal(total, 2);
	sim_mdev_problems(g->env.dst[0], &pr);
	assert_int_equal(pr[0].id, 0x0b);
	assert_int_equal(pr[1].id, 0x30);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(g->env.dst_fd[0]), 0);
	fix_free(g);
}

static jmp_buf lock_jmp;
static char lock_what[256];	/* copied: @what lives on the failing stack */

static void lock_failed(const char *what)
{
	snprintf(lock_what, sizeof(lock_what), "%s", what);
	longjmp(lock_jmp, 1);
}

struct holder {
	struct mutex *m;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int phase;		/* 1: holds the mutex, 2: may release it */
};

static void *hold_mutex(void *arg)
{
	struct holder *h = arg;

	mutex_lock(h->m);
	pthread_mutex_lock(&h->lock);
	h->phase = 1;
	pthread_cond_broadcast(&h->cond);
	while (h->phase != 2)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
	mutex_unlock(h->m);
	return NULL;
}

static void *call_reset(void *arg)
{
	vfio_ap_mig_reset(arg);
	return NULL;
}

/*
 * Tests lock usage: "is it locked" is not "do I hold it" (the upstream
 * mutex_is_locked() misuse): lockdep_assert_held() in the shim really
 * checks the owner. The deferred reset never waits for the state mutex: a
 * reset while another thread holds it returns at once and is carried out
 * by that holder when it unlocks.
 */
static void test_lock_misuse(void **state)
{
	struct fix *f = *state;
	struct ap_matrix_mdev *mm = sim_mdev_matrix_mdev(f->env.src[0]);
	struct vfio_ap_migration *mig = &mm->mig;
	struct holder h = { .m = &mig->state_mutex };
	struct timespec deadline;
	bool locked, held, deferred;
	pthread_t t, r;
	u8 buf[16];
	int fd, joined;

	pthread_mutex_init(&h.lock, NULL);
	pthread_cond_init(&h.cond, NULL);
	assert_int_equal(pthread_create(&t, NULL, hold_mutex, &h), 0);
	pthread_mutex_lock(&h.lock);
	while (h.phase != 1)
		pthread_cond_wait(&h.cond, &h.lock);
	pthread_mutex_unlock(&h.lock);

	/*
	 * Observe while the other thread holds the mutex; assert only once it
	 * let go, so that a failure cannot leave the mutex held.
	 */
	locked = mutex_is_locked(&mig->state_mutex);
	held = lockdep_is_held(&mig->state_mutex);
	shim_lock_set_fail_handler(lock_failed);
	lock_what[0] = '\0';
	if (!setjmp(lock_jmp))
		lockdep_assert_held(&mig->state_mutex);
	shim_lock_set_fail_handler(NULL);
	/* a reset while another thread holds the mutex returns at once */
	pthread_create(&r, NULL, call_reset, mm);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	joined = pthread_timedjoin_np(r, NULL, &deadline);
	deferred = mig->deferred_reset;

	pthread_mutex_lock(&h.lock);
	h.phase = 2;
	pthread_cond_broadcast(&h.cond);
	pthread_mutex_unlock(&h.lock);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (joined)
		pthread_join(r, NULL);

	assert_true(locked);
	assert_false(held);
	assert_non_null(strstr(lock_what, "lockdep_assert_held"));
	assert_int_equal(joined, 0);
	assert_true(deferred);
	/* the holder used plain mutex_unlock: the reset is still pending */
	assert_true(mig->deferred_reset);
	assert_int_equal(state_of(f->env.src_fd[0]), S_RUNNING);
	assert_false(mig->deferred_reset);

	/* a reset during a transition is run by that transition's unlock */
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	mutex_lock(&mig->state_mutex);
	vfio_ap_mig_reset(mm);
	assert_int_equal(mig->state, S_PRE_COPY);
	assert_non_null(mig->saving);
	vfio_ap_mig_state_unlock(mig);
	assert_false(mutex_is_locked(&mig->state_mutex));
	assert_int_equal(mig->state, S_RUNNING);
	assert_null(mig->saving);
	assert_int_equal(SYS(shim_sys_read(fd, buf, sizeof(buf))), -ENODEV);
	hh_close_fd(&fd);
	assert_false(mutex_is_locked(&mig->state_mutex));
	pthread_cond_destroy(&h.cond);
	pthread_mutex_destroy(&h.lock);
}

struct reader {
	int fd;
	unsigned int seed;
	u8 *chunks;		/* what this reader got, in order */
	size_t got;
	size_t sizes[4096];	/* the size of each chunk */
	size_t nr;
	int end;		/* the last read's result */
};

static void *read_racing(void *arg)
{
	struct reader *r = arg;
	ssize_t n;

	for (;;) {
		size_t want = 1 + rand_r(&r->seed) % 13;

		n = SYS(shim_sys_read(r->fd, r->chunks + r->got, want));
		if (n <= 0)
			break;
		if (r->nr < 4096)
			r->sizes[r->nr++] = n;
		r->got += n;
	}
	r->end = (int)n;
	return NULL;
}

/* True if @needle of @n bytes occurs in @hay of @len bytes. */
static bool occurs(const u8 *hay, size_t len, const u8 *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(hay + i, needle, n))
			return true;
	return false;
}

/*
 * Tests that the data fds have no file position to race on: pread, pwrite
 * and lseek fail with -ESPIPE, ->read with a position too; four threads
 * reading one saving fd get every byte of the stream exactly once between
 * them, each chunk a piece of the stream, and all see the end.
 */
static void test_f_pos_race(void **state)
{
	struct fix *f = *state;
	struct reader rd[4];
	struct file *file;
	pthread_t t[4];
	u8 *all, buf[16];
	loff_t pos = 0;
	size_t total = 0, off, c, i, k;
	unsigned long sum = 0, sum_all = 0;
	int fd, wfd;

	save(f, 0, false);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP, NULL), 0);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, &fd), 0);
	assert_int_equal(SYS(shim_sys_pread(fd, buf, sizeof(buf), 0)), -ESPIPE);
	assert_int_equal(SYS(shim_sys_lseek(fd, 5, SEEK_SET)), -ESPIPE);
	file = shim_fd_get(fd);
	assert_non_null(file);
	assert_true(file->f_mode & FMODE_STREAM);
	assert_false(file->f_mode & (FMODE_PREAD | FMODE_PWRITE | FMODE_LSEEK));
	assert_int_equal(file->f_op->read(file, (char __user *)buf, sizeof(buf), &pos),
			 -ESPIPE);
	fput(file);
	wfd = resuming(f, 0);
	assert_int_equal(SYS(shim_sys_pwrite(wfd, f->stream, 4, 0)), -ESPIPE);
	hh_close_fd(&wfd);
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);

	all = calloc(4, HH_STREAM_MAX);
	assert_non_null(all);
	for (i = 0; i < 4; i++) {
		rd[i] = (struct reader){ .fd = fd, .seed = 7 + i,
					 .chunks = all + i * HH_STREAM_MAX };
		assert_int_equal(pthread_create(&t[i], NULL, read_racing, &rd[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(rd[i].end, 0);
		total += rd[i].got;
		for (off = 0, c = 0; c < rd[i].nr; off += rd[i].sizes[c++])
			assert_true(occurs(f->stream, f->len, rd[i].chunks + off,
					   rd[i].sizes[c]));
		for (k = 0; k < rd[i].got; k++)
			sum += rd[i].chunks[k];
	}
	for (k = 0; k < f->len; k++)
		sum_all += f->stream[k];
	assert_int_equal(total, f->len);
	assert_int_equal(sum, sum_all);
	file = shim_fd_get(fd);
	assert_int_equal(file->f_pos, 0);
	fput(file);
	free(all);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
}

enum partial_end { END_STOP, END_RESET, END_CLOSE_DEVICE, END_CLOSE_FD_FIRST, END_NR };

/*
 * Tests that a stream cut anywhere and ended any way frees what the
 * decoder and the file held: record buffers, queue arrays, the bounce
 * buffer, the file, and that a copy fault in the middle of one large write
 * leaks nothing either.
 */
static void test_leak_on_partial_writes(void **state)
{
	struct fix *f = *state;
	size_t cuts[] = { 1, 23, 24, 25, 128, 140, 0, 0 }, i;
	struct fix *g;
	enum partial_end e;
	long slab;
	int fd;

	save(f, 0, true);
	cuts[6] = f->len / 2;
	cuts[7] = f->len - 1;
	for (i = 0; i < 8; i++) {
		for (e = 0; e < END_NR; e++) {
			slab = shim_slab_live();
			fd = resuming(f, 0);
			assert_int_equal(SYS(shim_sys_write(fd, f->stream, cuts[i])), cuts[i]);
			switch (e) {
			case END_STOP:
				assert_int_equal(shim_vfio_set_state(f->env.dst_fd[0],
								     S_STOP, NULL), -ENODATA);
				assert_int_equal(state_of(f->env.dst_fd[0]), S_ERROR);
				assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
				break;
			case END_RESET:
				assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
				break;
			case END_CLOSE_DEVICE:
				sim_mdev_close(f->env.dst[0], f->env.dst_fd[0]);
				f->env.dst_fd[0] = -1;
				break;
			case END_CLOSE_FD_FIRST:
				hh_close_fd(&fd);
				assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
				break;
			default:
				break;
			}
			hh_close_fd(&fd);
			if (f->env.dst_fd[0] < 0) {
				/* the device's own file is an allocation too */
				assert_int_equal(shim_slab_live(), slab - 1);
				assert_int_equal(hh_env_open(&f->env), 0);
			}
			assert_int_equal(shim_slab_live(), slab);
		}
	}

	/* a fault in the second chunk of one write larger than a chunk */
	g = fix_new(HH_LARGE, NULL);
	save(g, 0, false);
	assert_true(g->len > VFIO_AP_MIG_WRITE_CHUNK);
	slab = shim_slab_live();
	fd = resuming(g, 0);
	shim_uaccess_reset();
	shim_uaccess_fail_nth(SHIM_COPY_FROM_USER, 2);
	assert_int_equal(SYS(shim_sys_write(fd, g->stream, g->len)), -EFAULT);
	shim_uaccess_reset();
	assert_int_equal(hh_reset_running(g->env.dst_fd[0]), 0);
	hh_close_fd(&fd);
	assert_int_equal(shim_slab_live(), slab);
	fix_free(g);
}

/* Migrate pair 0 of a fresh fixture with @o; returns the resume write's result. */
static long judge(const struct hh_opts *o, enum vfio_ap_mig_char what,
		  size_t *hits, size_t *total)
{
	struct fix *g = fix_new(HH_MEDIUM, o);
	long ret;
	int fd;

	save(g, 0, false);
	fd = resuming(g, 0);
	ret = SYS(shim_sys_write(fd, g->stream, g->len));
	hh_close_fd(&fd);
	*hits = problems(g, 0, what, total);
	if (!ret || ret == (long)g->len)
		ret = shim_vfio_set_state(g->env.dst_fd[0], S_RUNNING, NULL);
	else
		assert_int_equal(hh_reset_running(g->env.dst_fd[0]), 0);
	fix_free(g);
	return ret;
}

/*
 * Tests the characteristics compared through the whole driver path: the SE
 * bind state must be 0 on both sides (bs, not the facility word), each
 * facility bit that matters must match, bits outside the migration mask
 * never refuse, and the AP type may only grow.
 */
static void test_wrong_bs_fac_comparison(void **state)
{
	size_t hits, total;

	(void)state;
	/* bind state 1 ("usable without secure key") on the target */
	assert_int_equal(judge(&(struct hh_opts){ .dst_fac = FAC_CCA | FAC_BIT(17) },
			       VFIO_AP_MIG_CHAR_BS_TARGET, &hits, &total), -ENXIO);
	assert_int_equal(hits, 20);
	assert_int_equal(total, 20);
	/* bind state 2 on the source */
	assert_int_equal(judge(&(struct hh_opts){ .src_fac = FAC_CCA | FAC_BIT(16) },
			       VFIO_AP_MIG_CHAR_BS_SOURCE, &hits, &total), -ENXIO);
	assert_int_equal(hits, 20);
	assert_int_equal(total, 20);
	/* SLCF (command filtering) only on the target */
	assert_int_equal(judge(&(struct hh_opts){ .dst_fac = FAC_CCA | FAC_BIT(7) },
			       VFIO_AP_MIG_CHAR_SLCF, &hits, &total), -ENXIO);
	assert_int_equal(hits, 20);
	assert_int_equal(total, 20);
	/* AP4KM missing on the target */
	assert_int_equal(judge(&(struct hh_opts){ .dst_fac = FAC_CCA & ~FAC_BIT(1) },
			       VFIO_AP_MIG_CHAR_AP4KM, &hits, &total), -ENXIO);
	assert_int_equal(hits, 20);
	/* reserved bits 18-31 differ: not a migration characteristic */
	assert_int_equal(judge(&(struct hh_opts){ .dst_fac = FAC_CCA | FAC_BIT(18) |
						  FAC_BIT(31) },
			       VFIO_AP_MIG_CHAR_COUNT, &hits, &total), 0);
	assert_int_equal(total, 0);
	/* a newer target card is fine, an older one is not */
	assert_int_equal(judge(&(struct hh_opts){ .dst_type = 15 },
			       VFIO_AP_MIG_CHAR_AP_TYPE, &hits, &total), 0);
	assert_int_equal(judge(&(struct hh_opts){ .dst_type = 13 },
			       VFIO_AP_MIG_CHAR_AP_TYPE, &hits, &total), -ENXIO);
	assert_int_equal(hits, 20);
}

/*
 * Tests that a read only copies bytes encoded on an arc: no TAPQ and no
 * allocation while reading, byte by byte, in pre-copy and stop-copy; a
 * host change during pre-copy shows up only in the stop-copy record.
 */
static void test_configuration_rebuilt_per_read(void **state)
{
	struct fix *f = *state;
	struct vfio_ap_mig_config cfg = {};
	unsigned long tapq, allocs;
	u8 buf[HH_STREAM_MAX];
	size_t len = 0;
	ssize_t n;
	int fd;

	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	tapq = sim_host_tapq_calls(f->env.src_host);
	shim_slab_reset();
	while ((n = SYS(shim_sys_read(fd, buf + len, 1))) > 0)
		len += n;
	assert_int_equal(n, -ENOMSG);
	assert_int_equal(len, vfio_ap_mig_config_record_size(20));
	/* the host changes: pre-copy data stays what it was */
	assert_int_equal(sim_mdev_unassign(f->env.src[0], SIM_ADAPTER, 0x09), 0);
	assert_int_equal(SYS(shim_sys_read(fd, buf + len, 1)), -ENOMSG);
	assert_int_equal(sim_host_tapq_calls(f->env.src_host), tapq);
	assert_int_equal(shim_slab_attempts(), 0);

	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, NULL), 0);
	tapq = sim_host_tapq_calls(f->env.src_host);
	shim_slab_reset();
	while ((n = SYS(shim_sys_read(fd, buf + len, 1))) > 0)
		len += n;
	assert_int_equal(n, 0);
	assert_int_equal(sim_host_tapq_calls(f->env.src_host), tapq);
	assert_int_equal(shim_slab_attempts(), 0);
	assert_int_equal(len, vfio_ap_mig_config_record_size(20) +
			 vfio_ap_mig_config_record_size(15));
	allocs = shim_slab_live();
	assert_int_equal(decode(buf, len, &cfg), 0);
	assert_int_equal(cfg.nr_queues, 15);
	assert_false(test_bit_inv(0x09, cfg.apm));
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(shim_slab_live(), allocs);
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);
}

/* The data size the device reports now; it must succeed. */
static u64 data_size(int devfd)
{
	u64 size = 0;

	assert_int_equal(shim_vfio_get_data_size(devfd, &size), 0);
	return size;
}

/*
 * Tests that VFIO_DEVICE_FEATURE_MIG_DATA_SIZE works in every state and is
 * exact: the bytes stop-copy will still deliver, before saving, during
 * pre-copy after partial reads, with a changed configuration, and in the
 * middle of stop-copy; it also answers in RESUMING and ERROR.
 */
static void test_data_size_not_reported(void **state)
{
	struct fix *f = *state;
	size_t rec = vfio_ap_mig_config_record_size(20);
	u8 buf[HH_STREAM_MAX];
	size_t len = 0;
	ssize_t n;
	int fd, wfd;

	assert_int_equal(data_size(f->env.src_fd[0]), rec);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP, NULL), 0);
	assert_int_equal(data_size(f->env.src_fd[0]), rec);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, &fd), 0);
	assert_int_equal(data_size(f->env.src_fd[0]), rec);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 100)), 100);
	assert_int_equal(data_size(f->env.src_fd[0]), rec - 100);
	while ((n = SYS(shim_sys_read(fd, buf, 4096))) > 0)
		;
	assert_int_equal(n, 0);
	assert_int_equal(data_size(f->env.src_fd[0]), 0);
	hh_close_fd(&fd);
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_RUNNING, NULL), 0);

	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY, &fd), 0);
	assert_int_equal(data_size(f->env.src_fd[0]),
			 rec + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_int_equal(SYS(shim_sys_read(fd, buf, 50)), 50);
	assert_int_equal(data_size(f->env.src_fd[0]),
			 rec - 50 + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_int_equal(sim_mdev_unassign(f->env.src[0], SIM_DOMAIN, 0x01), 0);
	assert_int_equal(data_size(f->env.src_fd[0]),
			 rec - 50 + vfio_ap_mig_config_record_size(16));
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_PRE_COPY_P2P, NULL), 0);
	assert_int_equal(data_size(f->env.src_fd[0]),
			 rec - 50 + vfio_ap_mig_config_record_size(16));
	assert_int_equal(shim_vfio_set_state(f->env.src_fd[0], S_STOP_COPY, NULL), 0);
	len = 50;
	while ((n = SYS(shim_sys_read(fd, buf + len, 4096))) > 0)
		len += n;
	assert_int_equal(n, 0);
	assert_int_equal(len, rec + vfio_ap_mig_config_record_size(16));
	hh_close_fd(&fd);
	assert_int_equal(hh_reset_running(f->env.src_fd[0]), 0);

	/* a destination reports the size of its own mdev's guest */
	wfd = resuming(f, 0);
	assert_int_equal(data_size(f->env.dst_fd[0]),
			 vfio_ap_mig_config_record_size(hh_layout_queues(HH_MEDIUM, 0)));
	assert_int_equal(SYS(shim_sys_write(wfd, "XXXX", 4)), 4);
	hh_close_fd(&wfd);
	assert_int_equal(shim_vfio_set_state(f->env.dst_fd[0], S_STOP, NULL), -ENODATA);
	assert_int_equal(state_of(f->env.dst_fd[0]), S_ERROR);
	assert_int_equal(data_size(f->env.dst_fd[0]),
			 vfio_ap_mig_config_record_size(hh_layout_queues(HH_MEDIUM, 0)));
	assert_int_equal(hh_reset_running(f->env.dst_fd[0]), 0);
}

/*
 * Tests that the wire format is big-endian field by field, whatever the
 * host's byte order: magic "APMG", the version the codec writes (major
 * and minor high byte first), header length 24, the record length and the
 * queue count as the specification places them.
 */
static void test_native_endian_raw_struct(void **state)
{
	static const u8 head[] = {
		'A', 'P', 'M', 'G', 0, VFIO_AP_MIG_MAJOR, 0, VFIO_AP_MIG_MINOR, 0, 24,
	};
	struct fix *f = *state;

	save(f, 0, false);
	assert_memory_equal(f->stream, head, sizeof(head));
	assert_int_equal(get_unaligned_be16(f->stream + 10), VFIO_AP_MIG_REC_FINAL);
	assert_int_equal(get_unaligned_be32(f->stream + OFF_REC_LEN), f->len);
	assert_int_equal(get_unaligned_be32(f->stream + OFF_COUNT), 20);
	assert_int_equal(get_unaligned_be32(f->stream + f->len - 4),
			 vfio_ap_mig_crc32c(f->stream, f->len - 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_double_fetch_of_a_count),
		cmocka_unit_test_setup_teardown(test_allocation_sized_from_a_short_write,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_use_after_free_double_free_on_release,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_uninitialised_configuration,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_control_domains_dropped,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_lock_misuse,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_f_pos_race,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_leak_on_partial_writes,
						setup_medium, teardown),
		cmocka_unit_test(test_wrong_bs_fac_comparison),
		cmocka_unit_test_setup_teardown(test_configuration_rebuilt_per_read,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_data_size_not_reported,
						setup_medium, teardown),
		cmocka_unit_test_setup_teardown(test_native_endian_raw_struct,
						setup_medium, teardown),
	};

	return cmocka_run_group_tests_name("hardening bug classes", tests, NULL, NULL);
}
