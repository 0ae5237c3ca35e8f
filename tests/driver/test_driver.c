// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the migration driver (vfio_ap_migration.c), #included here
 * unchanged and run against the shim: its device and data fds go through
 * the shim's VFIO core and VFS, the host services are a fake host per
 * device (below) that records calls and can refuse or fail on demand.
 * Covers the happy paths with and without pre-copy, refusals, before-open
 * semantics, every data-fd error, the deferred reset, Secure Execution,
 * exact data sizes and allocation / copy faults, the generation that spares
 * the hardware at the switchover, PRECOPY_INFOv2 and poll, all under
 * ASan + UBSan.
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

#include <linux/unaligned.h>

#include "vfio_ap_migration.c"

#include "apmig_config.h"

#include <shim/bug.h>
#include <shim/log.h>
#include <shim/poll.h>
#include <shim/slab.h>
#include <shim/uaccess.h>
#include <shim/vfio.h>
#include <shim/vfs.h>

#define S_STOP		VFIO_DEVICE_STATE_STOP
#define S_RUNNING	VFIO_DEVICE_STATE_RUNNING
#define S_STOP_COPY	VFIO_DEVICE_STATE_STOP_COPY
#define S_RESUMING	VFIO_DEVICE_STATE_RESUMING
#define S_RUNNING_P2P	VFIO_DEVICE_STATE_RUNNING_P2P
#define S_PRE_COPY	VFIO_DEVICE_STATE_PRE_COPY
#define S_PRE_COPY_P2P	VFIO_DEVICE_STATE_PRE_COPY_P2P
#define S_ERROR		VFIO_DEVICE_STATE_ERROR

#define GR2_CEX8_CCA	(VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_CCA | \
			 ((u64)VFIO_AP_MIG_CLASS_FULL_NATIVE << \
			  VFIO_AP_MIG_GR2_CLASS_SHIFT) | \
			 (14ULL << VFIO_AP_MIG_GR2_AT_SHIFT))

/* A device with the fake host it runs on. */
struct tdev {
	struct ap_matrix_mdev mdev;
	struct device dev;
	int devfd;
	struct vfio_ap_mig_config cfg;	/* what read_config answers */
	u64 gen;			/* cfg_generation: bump with cfg */
	int read_err;			/* read_config fails with this */
	int check_problems;		/* check reports this many */
	unsigned int reads, checks, peeks;
};

static bool fake_se_guest;
static long slab_base;
/* The real host services run under the host's locks; so do the fakes. */
static pthread_mutex_t fake_host_lock = PTHREAD_MUTEX_INITIALIZER;

static struct tdev *to_tdev(struct ap_matrix_mdev *mm)
{
	return container_of(mm, struct tdev, mdev);
}

/* Fake host services: what vfio_ap_mig_host.c does on hardware. */
bool vfio_ap_mig_host_is_se_guest(struct ap_matrix_mdev *matrix_mdev)
{
	return fake_se_guest;
}

void vfio_ap_mig_host_peek(struct ap_matrix_mdev *matrix_mdev, u64 *generation,
			   size_t *record_size)
{
	struct tdev *t = to_tdev(matrix_mdev);

	pthread_mutex_lock(&fake_host_lock);
	t->peeks++;
	*generation = t->gen;
	*record_size = vfio_ap_mig_config_size(&t->cfg);
	pthread_mutex_unlock(&fake_host_lock);
}

/* Fake interruption services: counted; the sim and KUnit model them. */
static unsigned int irq_suspends, irq_resumes, irq_holds, irq_drops;

int vfio_ap_mig_irq_suspend(struct ap_matrix_mdev *matrix_mdev)
{
	irq_suspends++;
	return 0;
}

int vfio_ap_mig_irq_hold(struct ap_matrix_mdev *matrix_mdev,
			 const struct vfio_ap_mig_config *cfg)
{
	irq_holds++;
	return 0;
}

void vfio_ap_mig_irq_resume(struct ap_matrix_mdev *matrix_mdev)
{
	irq_resumes++;
}

void vfio_ap_mig_irq_drop(struct ap_matrix_mdev *matrix_mdev)
{
	irq_drops++;
}

/* The hardware is asked here (TAPQ): read_err stands for a failing one. */
int vfio_ap_mig_host_read_config(struct ap_matrix_mdev *matrix_mdev,
				 struct vfio_ap_mig_config *cfg, u64 *generation)
{
	struct tdev *t = to_tdev(matrix_mdev);
	int ret;

	pthread_mutex_lock(&fake_host_lock);
	t->reads++;
	*generation = t->gen;
	ret = t->read_err;
	/* allocate as the real one does, so the slab knob reaches it */
	if (!ret)
		ret = apmig_config_copy(cfg, &t->cfg);
	pthread_mutex_unlock(&fake_host_lock);
	return ret;
}

static int fake_judge(struct tdev *t, const struct vfio_ap_mig_config *cfg,
		      int problems, vfio_ap_mig_report_t report, void *ctx)
{
	struct vfio_ap_mig_problem p = {
		.what = VFIO_AP_MIG_CHAR_AP_TYPE,
		.source = 14,
		.target = 13,
	};
	int i;

	assert_non_null(cfg);
	for (i = 0; i < problems; i++) {
		p.id = cfg->nr_queues ? cfg->queues[i % cfg->nr_queues].apqn : 0;
		report(ctx, &p);
	}
	return problems;
}

int vfio_ap_mig_host_check(struct ap_matrix_mdev *matrix_mdev,
			   const struct vfio_ap_mig_config *cfg,
			   vfio_ap_mig_report_t report, void *report_ctx,
			   u64 *generation)
{
	struct tdev *t = to_tdev(matrix_mdev);
	int ret;

	pthread_mutex_lock(&fake_host_lock);
	t->checks++;
	*generation = t->gen;
	ret = fake_judge(t, cfg, t->check_problems, report, report_ctx);
	pthread_mutex_unlock(&fake_host_lock);
	return ret;
}

/* vfio_ap_ops.c's callbacks with the migration hooks, as patched. */
static int tdev_open_device(struct vfio_device *vdev)
{
	vfio_ap_mig_open(vdev_to_mdev(vdev));
	return 0;
}

static void tdev_close_device(struct vfio_device *vdev)
{
	vfio_ap_mig_close(vdev_to_mdev(vdev));
}

static long tdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
		       unsigned long arg)
{
	if (cmd != VFIO_DEVICE_RESET)
		return -EOPNOTSUPP;
	vfio_ap_mig_reset(vdev_to_mdev(vdev));
	return 0;
}

static const struct vfio_device_ops tdev_ops = {
	.open_device = tdev_open_device,
	.close_device = tdev_close_device,
	.ioctl = tdev_ioctl,
};

/* A guest with adapters x domains and control domains as given. */
static void make_cfg(struct vfio_ap_mig_config *cfg, const u8 *apids,
		     int nr_apids, const u8 *apqis, int nr_apqis, u8 cdom)
{
	u32 i;
	int k;

	memset(cfg, 0, sizeof(*cfg));
	for (k = 0; k < nr_apids; k++)
		set_bit_inv(apids[k], cfg->apm);
	for (k = 0; k < nr_apqis; k++)
		set_bit_inv(apqis[k], cfg->aqm);
	set_bit_inv(cdom, cfg->adm);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(cfg), 0);
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = GR2_CEX8_CCA;
}

static void tdev_init(struct tdev *t, const char *name)
{
	static const u8 apids[] = { 0x03, 0x05 }, apqis[] = { 0x04, 0x2a };

	memset(t, 0, sizeof(*t));
	t->dev.init_name = name;
	t->mdev.vdev.dev = &t->dev;
	t->mdev.vdev.ops = &tdev_ops;
	t->devfd = -1;
	vfio_ap_mig_init(&t->mdev);
	make_cfg(&t->cfg, apids, 2, apqis, 2, 0x04);
}

static void tdev_open(struct tdev *t)
{
	t->devfd = shim_vfio_open_device(&t->mdev.vdev);
	assert_true(t->devfd >= 0);
}

static void tdev_fini(struct tdev *t)
{
	if (t->devfd >= 0)
		assert_int_equal(shim_sys_close(t->devfd), 0);
	vfio_ap_mig_release(&t->mdev);
	vfio_ap_mig_config_free(&t->cfg);
}

static enum vfio_device_mig_state tdev_state(struct tdev *t)
{
	enum vfio_device_mig_state s = 99;

	assert_int_equal(shim_vfio_get_state(t->devfd, &s), 0);
	return s;
}

static u64 tdev_data_size(struct tdev *t)
{
	u64 len = 0;

	assert_int_equal(shim_vfio_get_data_size(t->devfd, &len), 0);
	return len;
}

/* SET that must succeed; returns the data fd or -1. */
static int tdev_set(struct tdev *t, enum vfio_device_mig_state s)
{
	int fd = -2;

	assert_int_equal(shim_vfio_set_state(t->devfd, s, &fd), 0);
	assert_int_equal(tdev_state(t), s);
	return fd;
}

/* Read until read() returns 0 or fails; returns the bytes, *err the end. */
static size_t read_all(int fd, u8 *buf, size_t max, size_t chunk, int *err)
{
	size_t have = 0;
	ssize_t n;

	for (;;) {
		n = shim_sys_read(fd, buf + have, chunk < max - have ? chunk : max - have);
		if (n <= 0) {
			*err = n < 0 ? -errno : 0;
			return have;
		}
		have += n;
	}
}

/* Decode a whole stream; the final configuration goes to @cfg. */
static void decode_stream(const u8 *buf, size_t len, struct vfio_ap_mig_config *cfg,
			  int *configs, int *unchanged)
{
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	size_t done = 0;
	ssize_t n;

	*configs = *unchanged = 0;
	vfio_ap_mig_decoder_init(&dec);
	while (done < len) {
		n = vfio_ap_mig_decoder_feed(&dec, buf + done, len - done, &ev);
		assert_true(n > 0);
		done += n;
		*configs += ev == VFIO_AP_MIG_EV_CONFIG;
		*unchanged += ev == VFIO_AP_MIG_EV_UNCHANGED;
	}
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), 0);
	assert_non_null(vfio_ap_mig_decoder_config(&dec));
	assert_int_equal(apmig_config_copy(cfg, vfio_ap_mig_decoder_config(&dec)), 0);
	vfio_ap_mig_decoder_release(&dec);
}

static size_t rec_size(const struct tdev *t)
{
	return vfio_ap_mig_config_record_size(t->cfg.nr_queues);
}

static int setup(void **state)
{
	shim_log_clear();
	shim_bug_reset();
	shim_slab_reset();
	shim_uaccess_reset();
	fake_se_guest = false;
	slab_base = shim_slab_live();
	return 0;
}

/* Every test ends with nothing leaked, no fd left, no WARN fired. */
static int teardown(void **state)
{
	int left = shim_fd_count(), fd;

	/* a failed test must not fail the ones after it */
	for (fd = 1000; left && fd < 2024; fd++)
		shim_sys_close(fd);
	assert_int_equal(left, 0);
	assert_int_equal(shim_files_alive(), 0);
	assert_int_equal(shim_slab_live(), slab_base);
	assert_int_equal(shim_bug_warnings(), 0);
	return 0;
}

/* Tests that STOP_COPY without pre-copy returns the whole configuration. */
static void test_save_stop_copy_without_precopy(void **state)
{
	struct tdev t;
	struct vfio_ap_mig_config got;
	u8 buf[4096];
	int fd, err, configs, unchanged;
	size_t len;

	tdev_init(&t, "src");
	tdev_open(&t);
	assert_int_equal(tdev_state(&t), S_RUNNING);
	assert_int_equal(tdev_data_size(&t), rec_size(&t));
	fd = tdev_set(&t, S_STOP_COPY);		/* R -> RP -> S -> SC */
	assert_true(fd >= 0);
	assert_int_equal(tdev_data_size(&t), rec_size(&t));
	len = read_all(fd, buf, sizeof(buf), 5, &err);
	assert_int_equal(err, 0);
	assert_int_equal(len, rec_size(&t));
	assert_int_equal(tdev_data_size(&t), 0);
	assert_int_equal(shim_sys_read(fd, buf, 1), 0);	/* stays at the end */
	decode_stream(buf, len, &got, &configs, &unchanged);
	assert_int_equal(configs, 1);
	assert_int_equal(unchanged, 0);
	assert_true(vfio_ap_mig_config_equal(&got, &t.cfg));
	vfio_ap_mig_config_free(&got);
	assert_int_equal(tdev_set(&t, S_STOP), -1);
	assert_int_equal(shim_sys_read(fd, buf, 1), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(shim_sys_close(fd), 0);
	assert_int_equal(tdev_set(&t, S_RUNNING), -1);
	tdev_fini(&t);
}

/* Tests PRE_COPY: initial data, -ENOMSG, precopy info, UNCHANGED trailer. */
static void test_save_precopy_unchanged(void **state)
{
	struct tdev t;
	struct vfio_ap_mig_config got;
	u64 initial, dirty;
	u8 buf[4096];
	int fd, err, configs, unchanged;
	size_t len, tail;

	tdev_init(&t, "src");
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	assert_true(fd >= 0);
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), 0);
	assert_int_equal(initial, rec_size(&t));
	assert_int_equal(dirty, 0);
	assert_int_equal(tdev_data_size(&t),
			 rec_size(&t) + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_int_equal(shim_sys_read(fd, buf, 10), 10);
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), 0);
	assert_int_equal(initial, rec_size(&t) - 10);
	assert_int_equal(tdev_data_size(&t),
			 rec_size(&t) - 10 + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	len = 10 + read_all(fd, buf + 10, sizeof(buf) - 10, 7, &err);
	assert_int_equal(err, -ENOMSG);		/* the temporary end */
	assert_int_equal(len, rec_size(&t));
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), 0);
	assert_int_equal(initial, 0);
	assert_int_equal(dirty, 0);
	/* PRE_COPY -> PRE_COPY_P2P -> STOP_COPY: the same fd carries on */
	assert_int_equal(tdev_set(&t, S_STOP_COPY), -1);
	assert_int_equal(tdev_data_size(&t), VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	tail = read_all(fd, buf + len, sizeof(buf) - len, 4096, &err);
	assert_int_equal(err, 0);
	assert_int_equal(tail, VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), -EINVAL);
	decode_stream(buf, len + tail, &got, &configs, &unchanged);
	assert_int_equal(configs, 1);
	assert_int_equal(unchanged, 1);
	assert_true(vfio_ap_mig_config_equal(&got, &t.cfg));
	vfio_ap_mig_config_free(&got);
	tdev_set(&t, S_STOP);
	assert_int_equal(shim_sys_close(fd), 0);
	tdev_fini(&t);
}

/* Tests that a configuration changed during pre-copy is dirty and resent. */
static void test_save_precopy_config_changed(void **state)
{
	static const u8 apids[] = { 0x03, 0x05, 0x07 }, apqis[] = { 0x04, 0x2a };
	struct vfio_ap_mig_config newcfg, got;
	struct tdev t;
	u64 initial, dirty;
	u8 buf[8192];
	int fd, err, configs, unchanged;
	size_t len, tail;

	tdev_init(&t, "src");
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	len = read_all(fd, buf, sizeof(buf), 4096, &err);
	assert_int_equal(err, -ENOMSG);
	make_cfg(&newcfg, apids, 3, apqis, 2, 0x04);
	vfio_ap_mig_config_free(&t.cfg);
	t.cfg = newcfg;				/* a hot-plugged adapter */
	t.gen++;
	/* Without the v2 opt-in the changed configuration is dirty data. */
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), 0);
	assert_int_equal(initial, 0);
	assert_int_equal(dirty, rec_size(&t));
	assert_int_equal(tdev_data_size(&t),
			 rec_size(&t) + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	len += read_all(fd, buf + len, sizeof(buf) - len, 4096, &err);
	assert_int_equal(err, -ENOMSG);
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), 0);
	assert_int_equal(initial, 0);
	assert_int_equal(dirty, 0);
	assert_int_equal(tdev_set(&t, S_STOP_COPY), -1);
	tail = read_all(fd, buf + len, sizeof(buf) - len, 4096, &err);
	assert_int_equal(err, 0);
	assert_int_equal(tail, VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	decode_stream(buf, len + tail, &got, &configs, &unchanged);
	assert_int_equal(configs, 2);
	assert_int_equal(unchanged, 1);
	assert_true(vfio_ap_mig_config_equal(&got, &t.cfg));
	assert_int_equal(got.nr_queues, 6);
	vfio_ap_mig_config_free(&got);
	tdev_set(&t, S_STOP);
	shim_sys_close(fd);
	tdev_fini(&t);
}

/*
 * Tests that a pre-copy change too big to append while keeping room for the
 * largest final record waits for stop-copy, and the stream stays in bounds.
 */
static void test_save_precopy_change_kept_in_bounds(void **state)
{
	static u8 all[256], most[255];
	struct vfio_ap_mig_config newcfg, got;
	size_t len, tail, max = VFIO_AP_MIG_MAX_STREAM;
	u64 initial, dirty;
	int fd, err, configs, unchanged, i;
	struct tdev t;
	u8 *buf;

	for (i = 0; i < 256; i++)
		all[i] = i;
	for (i = 0; i < 255; i++)
		most[i] = i;
	buf = malloc(max);
	assert_non_null(buf);
	tdev_init(&t, "src");
	vfio_ap_mig_config_free(&t.cfg);
	make_cfg(&t.cfg, all, 256, all, 256, 0x04);	/* 65,536 queues */
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	len = read_all(fd, buf, max, 1 << 20, &err);
	assert_int_equal(err, -ENOMSG);
	assert_int_equal(len, rec_size(&t));
	make_cfg(&newcfg, most, 255, all, 256, 0x04);	/* one adapter less */
	vfio_ap_mig_config_free(&t.cfg);
	t.cfg = newcfg;
	t.gen++;
	assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), 0);
	/* not appended: nothing more to read in pre-copy, stop-copy sends it */
	assert_int_equal(initial + dirty, 0);
	assert_int_equal(tdev_data_size(&t), rec_size(&t));
	assert_int_equal(read_all(fd, buf + len, max - len, 1 << 20, &err), 0);
	assert_int_equal(err, -ENOMSG);
	assert_int_equal(tdev_set(&t, S_STOP_COPY), -1);
	tail = read_all(fd, buf + len, max - len, 1 << 20, &err);
	assert_int_equal(err, 0);
	assert_int_equal(tail, rec_size(&t));
	assert_true(len + tail <= max);
	decode_stream(buf, len + tail, &got, &configs, &unchanged);
	assert_int_equal(configs, 2);
	assert_true(vfio_ap_mig_config_equal(&got, &t.cfg));
	vfio_ap_mig_config_free(&got);
	tdev_set(&t, S_STOP);
	shim_sys_close(fd);
	tdev_fini(&t);
	free(buf);
}

/* Save a whole stream from a fresh source (with or without pre-copy). */
static size_t make_stream(u8 *buf, size_t max, bool precopy)
{
	struct tdev src;
	size_t len = 0;
	int fd, err;

	tdev_init(&src, "src");
	tdev_open(&src);
	if (precopy) {
		fd = tdev_set(&src, S_PRE_COPY);
		len = read_all(fd, buf, max, 4096, &err);
		assert_int_equal(err, -ENOMSG);
		tdev_set(&src, S_STOP_COPY);
	} else {
		fd = tdev_set(&src, S_STOP_COPY);
	}
	len += read_all(fd, buf + len, max - len, 4096, &err);
	assert_int_equal(err, 0);
	tdev_set(&src, S_STOP);
	shim_sys_close(fd);
	tdev_fini(&src);
	return len;
}

/* Write @len bytes in pieces of @chunk; returns 0 or the first -errno. */
static int write_all(int fd, const u8 *buf, size_t len, size_t chunk)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = shim_sys_write(fd, buf + done,
				   chunk < len - done ? chunk : len - done);
		if (n < 0)
			return -errno;
		assert_true(n > 0);
		done += n;
	}
	return 0;
}

/*
 * Tests the destination: any chunking, one early check, and no second one
 * at RESUMING -> STOP while the destination's generation did not move.
 */
static void test_resume_happy_path(void **state)
{
	static const size_t chunks[] = { 1, 3, 24, 4096 };
	u8 buf[4096];
	struct tdev dst;
	size_t len, i;
	int fd, pre;

	for (pre = 0; pre < 2; pre++) {
		len = make_stream(buf, sizeof(buf), pre);
		for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
			tdev_init(&dst, "dst");
			tdev_open(&dst);
			fd = tdev_set(&dst, S_RESUMING);	/* R -> RP -> S -> RS */
			assert_true(fd >= 0);
			assert_int_equal(write_all(fd, buf, len, chunks[i]), 0);
			assert_int_equal(dst.checks, 1);	/* checked early */
			assert_int_equal(dst.reads, 0);		/* never read, never set */
			assert_int_equal(tdev_set(&dst, S_RUNNING), -1);
			assert_int_equal(dst.checks, 1);	/* same generation */
			assert_int_equal(dst.reads, 0);
			assert_int_equal(shim_sys_write(fd, buf, 1), -1);
			assert_int_equal(errno, ENODEV);
			shim_sys_close(fd);
			tdev_fini(&dst);
		}
	}
}

/* Tests a refusal as soon as the configuration record is complete. */
static void test_resume_refused_early(void **state)
{
	u8 buf[4096];
	struct tdev dst;
	size_t len;
	int fd;

	len = make_stream(buf, sizeof(buf), false);
	tdev_init(&dst, "dst0");
	dst.check_problems = 3;
	tdev_open(&dst);
	fd = tdev_set(&dst, S_RESUMING);
	shim_log_clear();
	assert_int_equal(write_all(fd, buf, len, 4096), -ENXIO);
	assert_int_equal(shim_log_grep("dst0: migration refused: queue 03.0004: AP type"), 1);
	assert_int_equal(shim_log_grep("migration refused: "), 4);
	assert_int_equal(shim_log_grep("3 problem(s)"), 1);
	/* a VMM that goes on anyway: the stream stays refused */
	assert_int_equal(shim_vfio_set_state(dst.devfd, S_RUNNING, NULL), -ENXIO);
	assert_int_equal(tdev_state(&dst), S_ERROR);
	assert_int_equal(dst.checks, 1);
	assert_int_equal(shim_vfio_reset(dst.devfd), 0);
	assert_int_equal(tdev_state(&dst), S_RUNNING);
	assert_int_equal(shim_sys_write(fd, buf, 1), -1);
	assert_int_equal(errno, ENODEV);
	shim_sys_close(fd);
	tdev_fini(&dst);
}

/*
 * Tests a destination that changed after the early check: the generation
 * moved, so RESUMING -> STOP checks again and fails; one that did not move
 * is not checked again, whatever the host would answer now.
 */
static void test_resume_refused_at_stop(void **state)
{
	u8 buf[4096];
	struct tdev dst;
	size_t len;
	int fd;

	len = make_stream(buf, sizeof(buf), false);
	tdev_init(&dst, "dst1");
	tdev_open(&dst);
	fd = tdev_set(&dst, S_RESUMING);
	assert_int_equal(write_all(fd, buf, len, 100), 0);
	assert_int_equal(dst.checks, 1);
	dst.check_problems = 2;
	dst.gen++;			/* a change raced in after the check */
	shim_log_clear();
	assert_int_equal(shim_vfio_set_state(dst.devfd, S_RUNNING, NULL), -ENXIO);
	assert_int_equal(tdev_state(&dst), S_ERROR);
	assert_int_equal(dst.checks, 2);
	assert_int_equal(shim_log_grep("2 problem(s)"), 1);
	assert_int_equal(shim_log_grep("dst1: migration refused: queue"), 2);
	assert_int_equal(shim_vfio_reset(dst.devfd), 0);
	assert_int_equal(tdev_state(&dst), S_RUNNING);
	shim_sys_close(fd);

	/* unchanged generation: the early check stands */
	fd = tdev_set(&dst, S_RESUMING);
	dst.check_problems = 0;
	assert_int_equal(write_all(fd, buf, len, 100), 0);
	assert_int_equal(dst.checks, 3);
	dst.check_problems = 5;		/* would refuse if asked: it is not */
	assert_int_equal(tdev_set(&dst, S_RUNNING), -1);
	assert_int_equal(dst.checks, 3);
	assert_int_equal(shim_vfio_reset(dst.devfd), 0);
	assert_int_equal(tdev_state(&dst), S_RUNNING);
	shim_sys_close(fd);
	tdev_fini(&dst);
}

/* Tests that an incomplete or malformed stream fails RESUMING -> STOP. */
static void test_resume_bad_streams(void **state)
{
	u8 buf[4096];
	struct tdev dst;
	size_t len;
	unsigned int checks;
	int fd;

	len = make_stream(buf, sizeof(buf), true);
	/* truncated: the UNCHANGED record is missing */
	tdev_init(&dst, "dst");
	tdev_open(&dst);
	fd = tdev_set(&dst, S_RESUMING);
	assert_int_equal(write_all(fd, buf, len - VFIO_AP_MIG_UNCHANGED_RECORD_SIZE,
				   4096), 0);
	shim_log_clear();
	assert_int_equal(shim_vfio_set_state(dst.devfd, S_RUNNING, NULL), -ENODATA);
	assert_int_equal(shim_log_grep("migration stream rejected"), 1);
	shim_vfio_reset(dst.devfd);
	shim_sys_close(fd);
	/* corrupted: a flipped bit fails the CRC */
	fd = tdev_set(&dst, S_RESUMING);
	checks = dst.checks;
	buf[40] ^= 0x10;
	assert_true(write_all(fd, buf, len, 4096) < 0);
	buf[40] ^= 0x10;
	assert_int_equal(dst.checks, checks);	/* never checked */
	shim_sys_close(fd);
	tdev_fini(&dst);
}

/* Tests the uAPI before open_device and after close_device. */
static void test_before_open_semantics(void **state)
{
	const struct vfio_migration_ops *ops;
	enum vfio_device_mig_state s = 99;
	unsigned long len = 0;
	struct tdev t;
	int fd;

	tdev_init(&t, "idle");
	ops = t.mdev.vdev.mig_ops;
	assert_int_equal(t.mdev.vdev.migration_flags,
			 VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
			 VFIO_MIGRATION_PRE_COPY);
	assert_int_equal(ops->migration_get_state(&t.mdev.vdev, &s), 0);
	assert_int_equal(s, S_RUNNING);
	assert_ptr_equal(ops->migration_set_state(&t.mdev.vdev, S_STOP),
			 ERR_PTR(-ENODEV));
	assert_ptr_equal(ops->migration_set_state(&t.mdev.vdev, S_PRE_COPY),
			 ERR_PTR(-ENODEV));
	assert_null(ops->migration_set_state(&t.mdev.vdev, S_RUNNING));
	assert_int_equal(ops->migration_get_data_size(&t.mdev.vdev, &len), 0);
	assert_int_equal(len, rec_size(&t));

	/* open, start a session, close: the device is RUNNING and closed again */
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	assert_int_equal(shim_sys_close(t.devfd), 0);
	t.devfd = -1;
	assert_int_equal(ops->migration_get_state(&t.mdev.vdev, &s), 0);
	assert_int_equal(s, S_RUNNING);
	assert_ptr_equal(ops->migration_set_state(&t.mdev.vdev, S_STOP_COPY),
			 ERR_PTR(-ENODEV));
	assert_int_equal(shim_sys_read(fd, &len, 1), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(shim_sys_close(fd), 0);
	tdev_fini(&t);
}

/* Tests pread/pwrite/lseek on the data fds: -ESPIPE, as for any stream. */
static void test_data_fd_espipe(void **state)
{
	struct tdev src, dst;
	u8 buf[64];
	int sfd, dfd;

	tdev_init(&src, "src");
	tdev_open(&src);
	sfd = tdev_set(&src, S_PRE_COPY);
	assert_int_equal(shim_sys_pread(sfd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ESPIPE);
	assert_int_equal(shim_sys_lseek(sfd, 0, SEEK_SET), -1);
	assert_int_equal(errno, ESPIPE);
	assert_int_equal(shim_sys_write(sfd, buf, 1), -1);
	assert_int_equal(errno, EBADF);		/* saving fds are read-only */
	assert_int_equal(shim_sys_read(sfd, buf, 8), 8);	/* still intact */

	tdev_init(&dst, "dst");
	tdev_open(&dst);
	dfd = tdev_set(&dst, S_RESUMING);
	assert_int_equal(shim_sys_pwrite(dfd, buf, 8, 0), -1);
	assert_int_equal(errno, ESPIPE);
	assert_int_equal(shim_sys_read(dfd, buf, 8), -1);
	assert_int_equal(errno, EBADF);		/* resuming fds are write-only */
	assert_int_equal(shim_sys_ioctl(dfd, VFIO_MIG_GET_PRECOPY_INFO, buf), -1);
	assert_int_equal(errno, ENOTTY);
	/* a driver read handler asked with a position refuses too */
	assert_int_equal(vfio_ap_mig_save_read(shim_fd_get(sfd), (char *)buf, 1,
					       &(loff_t){ 0 }), -ESPIPE);
	fput(src.mdev.mig.saving->filp);	/* the shim_fd_get() reference */
	tdev_set(&src, S_RUNNING);
	assert_int_equal(shim_vfio_reset(dst.devfd), 0);
	shim_sys_close(sfd);
	shim_sys_close(dfd);
	tdev_fini(&src);
	tdev_fini(&dst);
}

/* Tests that no fd of an ended session works: arc, reset, close. */
static void test_data_fd_after_session_end(void **state)
{
	u8 buf[4096];
	struct tdev t;
	u64 a, b;
	int fd, fd2;

	tdev_init(&t, "src");
	tdev_open(&t);
	/* ended by PRE_COPY -> RUNNING */
	fd = tdev_set(&t, S_PRE_COPY);
	tdev_set(&t, S_RUNNING);
	assert_int_equal(shim_sys_read(fd, buf, 1), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(shim_vfio_precopy_info(fd, &a, &b), -EINVAL);
	/* a new session gets a new, working fd */
	fd2 = tdev_set(&t, S_PRE_COPY);
	assert_true(fd2 >= 0 && fd2 != fd);
	assert_true(shim_sys_read(fd2, buf, sizeof(buf)) > 0);
	/* ended by VFIO_DEVICE_RESET */
	assert_int_equal(shim_vfio_reset(t.devfd), 0);
	assert_int_equal(tdev_state(&t), S_RUNNING);
	assert_int_equal(shim_sys_read(fd2, buf, 1), -1);
	assert_int_equal(errno, ENODEV);
	shim_sys_close(fd);
	shim_sys_close(fd2);
	/* resuming, ended by a reset mid-stream */
	fd = tdev_set(&t, S_RESUMING);
	assert_int_equal(shim_sys_write(fd, buf, 10), 10);
	assert_int_equal(shim_vfio_reset(t.devfd), 0);
	assert_int_equal(shim_sys_write(fd, buf, 10), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(t.checks, 0);
	shim_sys_close(fd);
	/* ended by STOP_COPY -> STOP, then the fd outlives the device */
	fd = tdev_set(&t, S_STOP_COPY);
	tdev_set(&t, S_STOP);
	assert_int_equal(shim_sys_read(fd, buf, 1), -1);
	assert_int_equal(errno, ENODEV);
	tdev_fini(&t);
	t.devfd = -1;
	assert_int_equal(shim_sys_read(fd, buf, 1), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(shim_sys_close(fd), 0);
}

/* Tests writes past the maximum stream size and past the final record. */
static void test_resume_write_past_maximum(void **state)
{
	u8 buf[4096], hdr[VFIO_AP_MIG_HDR_SIZE];
	unsigned long copies;
	struct tdev t;
	size_t len;
	int fd;

	len = make_stream(buf, sizeof(buf), false);
	tdev_init(&t, "dst");
	tdev_open(&t);
	/* more than a stream can ever be: refused before any copy */
	fd = tdev_set(&t, S_RESUMING);
	copies = shim_uaccess_copies(SHIM_COPY_FROM_USER);
	shim_log_clear();
	assert_int_equal(shim_sys_write(fd, buf, VFIO_AP_MIG_MAX_STREAM + 1), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(shim_uaccess_copies(SHIM_COPY_FROM_USER), copies);
	assert_int_equal(shim_log_grep("migration stream rejected"), 1);
	/* a header announcing a record above the maximum */
	memcpy(hdr, buf, sizeof(hdr));
	put_unaligned_be32(VFIO_AP_MIG_MAX_RECORD + 1, hdr + 12);
	assert_int_equal(shim_sys_write(fd, hdr, sizeof(hdr)), -1);
	assert_true(errno == EINVAL || errno == EBADMSG);
	shim_vfio_reset(t.devfd);
	shim_sys_close(fd);
	/* one byte past the final record */
	fd = tdev_set(&t, S_RESUMING);
	assert_int_equal(write_all(fd, buf, len, 4096), 0);
	assert_int_equal(shim_sys_write(fd, buf, 1), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(shim_vfio_set_state(t.devfd, S_RUNNING, NULL), -EMSGSIZE);
	assert_int_equal(tdev_state(&t), S_ERROR);
	shim_vfio_reset(t.devfd);
	shim_sys_close(fd);
	/* and in total: many valid-looking writes cannot pass the maximum */
	fd = tdev_set(&t, S_RESUMING);
	assert_int_equal(write_all(fd, buf, len, 4096), 0);
	shim_sys_close(fd);
	tdev_fini(&t);
}

/* Tests VFIO_MIG_GET_PRECOPY_INFO's argument checks and faults. */
static void test_precopy_info_errors(void **state)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	struct tdev t;
	u64 a, b;
	int fd;

	tdev_init(&t, "src");
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	assert_int_equal(shim_sys_ioctl(fd, VFIO_DEVICE_RESET, &info), -1);
	assert_int_equal(errno, ENOTTY);
	info.argsz = 8;
	assert_int_equal(shim_sys_ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(shim_sys_ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, NULL), -1);
	assert_int_equal(errno, EFAULT);
	shim_uaccess_fail_nth(SHIM_COPY_TO_USER, 1);
	assert_int_equal(shim_vfio_precopy_info(fd, &a, &b), -EFAULT);
	/* a failing TAPQ fails the info only when the generation moved */
	t.read_err = -EIO;
	assert_int_equal(shim_vfio_precopy_info(fd, &a, &b), 0);
	t.gen++;
	assert_int_equal(shim_vfio_precopy_info(fd, &a, &b), -EIO);
	t.read_err = 0;
	/* PRE_COPY_P2P is a pre-copy state too */
	tdev_set(&t, S_PRE_COPY_P2P);
	assert_int_equal(shim_vfio_precopy_info(fd, &a, &b), 0);
	assert_int_equal(a, rec_size(&t));
	tdev_set(&t, S_STOP_COPY);
	assert_int_equal(shim_vfio_precopy_info(fd, &a, &b), -EINVAL);
	tdev_set(&t, S_STOP);
	shim_sys_close(fd);
	tdev_fini(&t);
}

/* Tests that a Secure Execution host refuses every arc starting a session. */
static void test_secure_execution_refused(void **state)
{
	struct tdev t;
	int fd = 5;

	tdev_init(&t, "se");
	tdev_open(&t);
	fake_se_guest = true;
	assert_int_equal(shim_vfio_set_state(t.devfd, S_PRE_COPY, &fd), -EPERM);
	assert_int_equal(fd, -1);
	assert_int_equal(tdev_state(&t), S_RUNNING);
	assert_int_equal(shim_log_grep("Secure Execution"), 1);
	/* R -> RP -> S, then S -> SC refused: left on the path, in STOP */
	assert_int_equal(shim_vfio_set_state(t.devfd, S_STOP_COPY, &fd), -EPERM);
	assert_int_equal(tdev_state(&t), S_STOP);
	assert_int_equal(shim_vfio_set_state(t.devfd, S_RESUMING, &fd), -EPERM);
	assert_int_equal(tdev_state(&t), S_STOP);
	assert_int_equal(shim_log_grep("Secure Execution"), 3);
	assert_int_equal(shim_log_count(), 3);
	/* the arcs that start nothing still work */
	tdev_set(&t, S_RUNNING);
	fake_se_guest = false;
	fd = tdev_set(&t, S_PRE_COPY);
	assert_true(fd >= 0);
	tdev_set(&t, S_RUNNING);
	shim_sys_close(fd);
	tdev_fini(&t);
}

/*
 * Tests that get_data_size equals what STOP_COPY reads, from every state,
 * with the configuration changed after saving started or not, and that it
 * never asks the hardware: a failing TAPQ does not fail it.
 */
static void test_data_size_exact(void **state)
{
	static const enum vfio_device_mig_state from[] = {
		S_RUNNING, S_RUNNING_P2P, S_STOP, S_PRE_COPY, S_PRE_COPY_P2P,
		S_STOP_COPY,
	};
	static const u8 apids[] = { 0x03, 0x05, 0x07 }, apqis[] = { 0x04, 0x2a };
	u8 buf[8192];
	struct tdev t;
	size_t i, got;
	unsigned int reads;
	u64 want;
	int fd, fd2, err, skip, changed;

	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		for (skip = 0; skip < 6; skip++) {
			changed = skip >= 3;
			tdev_init(&t, "src");
			tdev_open(&t);
			fd = tdev_set(&t, from[i]);
			/* in a saving state, some bytes already read */
			if (fd >= 0 && skip % 3)
				assert_int_equal(shim_sys_read(fd, buf, skip % 3 * 11),
						 skip % 3 * 11);
			if (changed) {		/* an adapter hot-plugged */
				vfio_ap_mig_config_free(&t.cfg);
				make_cfg(&t.cfg, apids, 3, apqis, 2, 0x04);
				t.gen++;
			}
			t.read_err = -EIO;	/* every TAPQ would fail now */
			reads = t.reads;
			want = tdev_data_size(&t);
			assert_int_equal(t.reads, reads);
			t.read_err = 0;
			fd2 = tdev_set(&t, S_STOP_COPY);
			if (fd < 0)
				fd = fd2;
			got = read_all(fd, buf, sizeof(buf), 13, &err);
			assert_int_equal(err, 0);
			assert_int_equal(got, want);
			tdev_set(&t, S_STOP);
			shim_sys_close(fd);
			tdev_fini(&t);
		}
	}
}

/*
 * Tests PRE_COPY_P2P -> STOP_COPY: with the generation unchanged since the
 * snapshot, the hardware is not asked again and the 28-byte UNCHANGED
 * record ends the stream; a change before it sends the whole record.
 */
static void test_stop_copy_by_generation(void **state)
{
	static const u8 apids[] = { 0x03, 0x05, 0x07 }, apqis[] = { 0x04, 0x2a };
	struct vfio_ap_mig_config got;
	int fd, err, configs, unchanged, changed;
	u8 buf[8192];
	size_t len, tail;
	struct tdev t;

	assert_int_equal(VFIO_AP_MIG_UNCHANGED_RECORD_SIZE, 28);
	for (changed = 0; changed < 2; changed++) {
		tdev_init(&t, "src");
		tdev_open(&t);
		fd = tdev_set(&t, S_PRE_COPY_P2P);
		len = read_all(fd, buf, sizeof(buf), 4096, &err);
		assert_int_equal(err, -ENOMSG);
		assert_int_equal(t.reads, 1);		/* the snapshot */
		if (changed) {
			vfio_ap_mig_config_free(&t.cfg);
			make_cfg(&t.cfg, apids, 3, apqis, 2, 0x04);
			t.gen++;
		}
		assert_int_equal(tdev_set(&t, S_STOP_COPY), -1);
		assert_int_equal(t.reads, changed ? 2 : 1);
		tail = read_all(fd, buf + len, sizeof(buf) - len, 4096, &err);
		assert_int_equal(err, 0);
		assert_int_equal(tail, changed ? rec_size(&t) :
					    VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
		decode_stream(buf, len + tail, &got, &configs, &unchanged);
		assert_int_equal(configs, changed ? 2 : 1);
		assert_int_equal(unchanged, !changed);
		assert_true(vfio_ap_mig_config_equal(&got, &t.cfg));
		vfio_ap_mig_config_free(&got);
		tdev_set(&t, S_STOP);
		shim_sys_close(fd);
		tdev_fini(&t);
	}
}

/* Tests that without the PRECOPY_INFOv2 opt-in, flags read 0 whatever was passed. */
static void test_precopy_info_flags_v1(void **state)
{
	static const u8 apids[] = { 0x03, 0x05, 0x07 }, apqis[] = { 0x04, 0x2a };
	struct tdev t;
	u64 initial, dirty;
	u32 flags;
	u8 buf[4096];
	int fd, err;

	tdev_init(&t, "src");
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	flags = 0xdead;
	assert_int_equal(shim_vfio_precopy_info_flags(fd, &flags, &initial, &dirty), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(initial, rec_size(&t));
	read_all(fd, buf, sizeof(buf), 4096, &err);
	assert_int_equal(err, -ENOMSG);
	vfio_ap_mig_config_free(&t.cfg);
	make_cfg(&t.cfg, apids, 3, apqis, 2, 0x04);
	t.gen++;
	/* a change: dirty data, no REINIT without the opt-in */
	flags = 0xdead;
	assert_int_equal(shim_vfio_precopy_info_flags(fd, &flags, &initial, &dirty), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(initial, 0);
	assert_int_equal(dirty, rec_size(&t));
	tdev_set(&t, S_RUNNING);
	shim_sys_close(fd);
	tdev_fini(&t);
}

/*
 * Read a pre-copy fd in pieces of @chunk, asking for the info before each
 * read: read() must return data while initial or dirty bytes remain, and
 * -ENOMSG only once none do.
 */
static void drain_precopy(int fd, size_t chunk)
{
	u64 initial, dirty;
	u8 buf[4096];
	ssize_t n;

	for (;;) {
		assert_int_equal(shim_vfio_precopy_info(fd, &initial, &dirty), 0);
		n = shim_sys_read(fd, buf, chunk);
		if (!initial && !dirty)
			break;
		assert_true(n > 0);
	}
	assert_int_equal(n, -1);
	assert_int_equal(errno, ENOMSG);
}

/*
 * Tests the PRECOPY_INFOv2 opt-in: a change during pre-copy is new initial
 * data with VFIO_PRECOPY_INFO_REINIT, initial_bytes covering the new record;
 * no read() returns -ENOMSG while initial or dirty bytes remain; the opt-in
 * ends with the device's last close.
 */
static void test_precopy_info_v2_reinit(void **state)
{
	static const u8 apids[] = { 0x03, 0x05, 0x07 }, apqis[] = { 0x04, 0x2a };
	u64 initial, dirty;
	struct tdev t;
	u32 flags;
	int fd;

	tdev_init(&t, "src");
	tdev_open(&t);
	assert_int_equal(shim_vfio_set_precopy_v2(t.devfd), 0);
	assert_int_equal(t.mdev.vdev.precopy_info_v2, 1);
	fd = tdev_set(&t, S_PRE_COPY);
	flags = 0xdead;
	assert_int_equal(shim_vfio_precopy_info_flags(fd, &flags, &initial, &dirty), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(initial, rec_size(&t));
	/* read in small pieces: -ENOMSG only once nothing remains */
	drain_precopy(fd, 7);
	vfio_ap_mig_config_free(&t.cfg);
	make_cfg(&t.cfg, apids, 3, apqis, 2, 0x04);
	t.gen++;
	flags = 0xdead;
	assert_int_equal(shim_vfio_precopy_info_flags(fd, &flags, &initial, &dirty), 0);
	assert_int_equal(flags, VFIO_PRECOPY_INFO_REINIT);
	assert_int_equal(initial, rec_size(&t));
	assert_int_equal(dirty, 0);
	/* reported once: the next call has no new initial data */
	flags = 0;
	assert_int_equal(shim_vfio_precopy_info_flags(fd, &flags, &initial, &dirty), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(initial, rec_size(&t));
	drain_precopy(fd, 13);
	/* a change the guest does not see: the generation moved, no record */
	t.gen++;
	flags = 0xdead;
	assert_int_equal(shim_vfio_precopy_info_flags(fd, &flags, &initial, &dirty), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(initial + dirty, 0);
	tdev_set(&t, S_RUNNING);
	shim_sys_close(fd);
	/* the opt-in lasts until the last close */
	assert_int_equal(shim_sys_close(t.devfd), 0);
	assert_int_equal(t.mdev.vdev.precopy_info_v2, 0);
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	flags = 0xdead;
	assert_int_equal(shim_vfio_precopy_info_flags(fd, &flags, &initial, &dirty), 0);
	assert_int_equal(flags, 0);
	tdev_set(&t, S_RUNNING);
	shim_sys_close(fd);
	/* only for a PRE_COPY device */
	t.mdev.vdev.migration_flags &= ~VFIO_MIGRATION_PRE_COPY;
	assert_int_equal(shim_vfio_set_precopy_v2(t.devfd), -EINVAL);
	t.mdev.vdev.migration_flags |= VFIO_MIGRATION_PRE_COPY;
	tdev_fini(&t);
}

struct poll_waiter {
	int fd;
	int mask;
};

static void *poll_wait_thread(void *arg)
{
	struct poll_waiter *w = arg;

	w->mask = shim_sys_poll(w->fd, EPOLLIN, 10000);
	return NULL;
}

/*
 * Tests poll on the saving fd: readable exactly while bytes remain or the
 * stream is final; an appended record wakes a sleeper; a disabled file
 * reports an error.
 */
static void test_save_poll(void **state)
{
	static const u8 apids[] = { 0x03, 0x05, 0x07 }, apqis[] = { 0x04, 0x2a };
	struct vfio_ap_mig_file *migf;
	struct poll_waiter w;
	unsigned long wakeups;
	pthread_t th;
	struct tdev t;
	u8 buf[8192];
	u64 a, b;
	int fd, err;

	tdev_init(&t, "src");
	tdev_open(&t);
	fd = tdev_set(&t, S_PRE_COPY);
	migf = t.mdev.mig.saving;
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 0), EPOLLIN);
	assert_int_equal(shim_sys_read(fd, buf, 5), 5);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN | EPOLLRDNORM, 0),
			 EPOLLIN | EPOLLRDNORM);
	read_all(fd, buf, sizeof(buf), 4096, &err);
	assert_int_equal(err, -ENOMSG);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 0), 0);	/* temporary end */
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 20), 0);	/* times out */

	/* a sleeper is woken by the record a change appends */
	w.fd = fd;
	w.mask = -2;
	wakeups = shim_wait_wakeups(&migf->wait);
	assert_int_equal(pthread_create(&th, NULL, poll_wait_thread, &w), 0);
	vfio_ap_mig_config_free(&t.cfg);
	make_cfg(&t.cfg, apids, 3, apqis, 2, 0x04);
	t.gen++;
	assert_int_equal(shim_vfio_precopy_info(fd, &a, &b), 0);
	assert_int_equal(a + b, rec_size(&t));
	pthread_join(th, NULL);
	assert_int_equal(w.mask, EPOLLIN);
	assert_true(shim_wait_wakeups(&migf->wait) > wakeups);
	read_all(fd, buf, sizeof(buf), 4096, &err);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 0), 0);

	/* stop-copy: readable with the trailer, and still at the real end */
	tdev_set(&t, S_STOP_COPY);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 0), EPOLLIN);
	read_all(fd, buf, sizeof(buf), 4096, &err);
	assert_int_equal(err, 0);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 0), EPOLLIN);
	/* the session ended: an error, at once */
	tdev_set(&t, S_STOP);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, -1), EPOLLIN | EPOLLERR);
	shim_sys_close(fd);
	tdev_fini(&t);
}

/* Tests each allocation failing in turn on both sides: clean errors, no leak. */
static void test_allocation_failures(void **state)
{
	u8 buf[4096];
	struct tdev t;
	unsigned long n, hit;
	size_t len;
	int ret, fd;

	len = make_stream(buf, sizeof(buf), true);
	for (n = 1; n < 64; n++) {
		long live = shim_slab_live();

		tdev_init(&t, "src");
		tdev_open(&t);
		shim_slab_reset();
		shim_slab_fail_nth(n);
		fd = -1;
		ret = shim_vfio_set_state(t.devfd, S_PRE_COPY, &fd);
		if (!ret) {
			ret = shim_vfio_set_state(t.devfd, S_STOP_COPY, NULL);
			if (!ret)
				assert_true(read_all(fd, buf + len, 64, 64, &(int){ 0 }) > 0);
		}
		hit = shim_slab_attempts() >= n;
		shim_slab_reset();
		if (hit)
			assert_int_equal(ret, -ENOMEM);
		shim_vfio_reset(t.devfd);
		assert_int_equal(tdev_state(&t), S_RUNNING);
		if (fd >= 0)
			shim_sys_close(fd);
		tdev_fini(&t);
		assert_int_equal(shim_slab_live(), live);
		if (!hit)
			break;
	}
	assert_true(n > 2 && n < 64);

	for (n = 1; n < 64; n++) {
		long live = shim_slab_live();

		tdev_init(&t, "dst");
		tdev_open(&t);
		shim_slab_reset();
		shim_slab_fail_nth(n);
		fd = -1;
		ret = shim_vfio_set_state(t.devfd, S_RESUMING, &fd);
		if (!ret)
			ret = write_all(fd, buf, len, 7);
		if (!ret)
			ret = shim_vfio_set_state(t.devfd, S_RUNNING, NULL);
		hit = shim_slab_attempts() >= n;
		shim_slab_reset();
		if (hit) {
			assert_int_equal(ret, -ENOMEM);
		} else {
			assert_int_equal(ret, 0);
			assert_int_equal(tdev_state(&t), S_RUNNING);
		}
		shim_vfio_reset(t.devfd);
		if (fd >= 0)
			shim_sys_close(fd);
		tdev_fini(&t);
		assert_int_equal(shim_slab_live(), live);
		if (!hit)
			break;
	}
	assert_true(n > 2 && n < 64);
}

/* Tests faults copying to and from "userspace" on the data fds. */
static void test_copy_faults(void **state)
{
	u8 buf[4096], stream[4096];
	struct tdev t;
	size_t len;
	int fd, err;

	len = make_stream(stream, sizeof(stream), false);
	tdev_init(&t, "src");
	tdev_open(&t);
	fd = tdev_set(&t, S_STOP_COPY);
	shim_uaccess_fail_nth(SHIM_COPY_TO_USER, 1);
	assert_int_equal(shim_sys_read(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EFAULT);
	/* nothing was consumed by the failed read */
	assert_int_equal(read_all(fd, buf, sizeof(buf), 4096, &err), rec_size(&t));
	tdev_set(&t, S_STOP);
	shim_sys_close(fd);

	fd = tdev_set(&t, S_RESUMING);
	shim_uaccess_fail_nth(SHIM_COPY_FROM_USER, 1);
	assert_int_equal(shim_sys_write(fd, stream, len), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(shim_sys_write(fd, NULL, 10), -1);
	assert_int_equal(errno, EFAULT);
	shim_vfio_reset(t.devfd);
	shim_sys_close(fd);
	tdev_fini(&t);
}

struct reset_thread {
	struct tdev *t;
	int done;
};

static void *reset_from_thread(void *arg)
{
	struct reset_thread *r = arg;

	vfio_ap_mig_reset(&r->t->mdev);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Tests the deferred reset: never waits, runs when the holder unlocks. */
static void test_reset_deferred_while_state_locked(void **state)
{
	struct vfio_ap_migration *mig;
	struct reset_thread r;
	struct tdev t;
	pthread_t th;
	u8 buf[16];
	int fd;

	tdev_init(&t, "src");
	tdev_open(&t);
	mig = &t.mdev.mig;
	fd = tdev_set(&t, S_PRE_COPY);

	/* another thread resets while a transition holds the state mutex */
	mutex_lock(&mig->state_mutex);
	r.t = &t;
	r.done = 0;
	pthread_create(&th, NULL, reset_from_thread, &r);
	pthread_join(th, NULL);			/* returned without the mutex */
	assert_int_equal(r.done, 1);
	assert_true(mig->deferred_reset);
	assert_int_equal(mig->state, S_PRE_COPY);
	assert_non_null(mig->saving);
	vfio_ap_mig_state_unlock(mig);		/* the holder runs the reset */
	assert_false(mig->deferred_reset);
	assert_int_equal(mig->state, S_RUNNING);
	assert_null(mig->saving);
	assert_int_equal(shim_sys_read(fd, buf, 1), -1);
	assert_int_equal(errno, ENODEV);
	shim_sys_close(fd);

	/* uncontended: at once */
	fd = tdev_set(&t, S_PRE_COPY);
	vfio_ap_mig_reset(&t.mdev);
	assert_int_equal(mig->state, S_RUNNING);
	assert_null(mig->saving);
	assert_false(mutex_is_locked(&mig->state_mutex));
	shim_sys_close(fd);
	tdev_fini(&t);
}

/* Tests a request while in ERROR: refused, no WARN, reset recovers. */
static void test_set_state_in_error(void **state)
{
	u8 buf[4096];
	struct tdev t;
	size_t len;
	int fd;

	len = make_stream(buf, sizeof(buf), false);
	tdev_init(&t, "dst");
	tdev_open(&t);
	fd = tdev_set(&t, S_RESUMING);
	assert_int_equal(write_all(fd, buf, len - 1, 4096), 0);
	assert_int_equal(shim_vfio_set_state(t.devfd, S_STOP, NULL), -ENODATA);
	assert_int_equal(tdev_state(&t), S_ERROR);
	assert_int_equal(shim_vfio_set_state(t.devfd, S_RUNNING, NULL), -EINVAL);
	assert_int_equal(shim_vfio_set_state(t.devfd, S_ERROR, NULL), -EINVAL);
	assert_int_equal(tdev_state(&t), S_ERROR);
	assert_int_equal(shim_bug_warnings(), 0);
	assert_int_equal(shim_vfio_reset(t.devfd), 0);
	assert_int_equal(tdev_state(&t), S_RUNNING);
	shim_sys_close(fd);
	tdev_fini(&t);
}

/* Tests P2P arcs: no-ops, no data fd, the same fd across PRE_COPY_P2P. */
static void test_p2p_arcs(void **state)
{
	struct tdev t;
	u8 buf[4096];
	int fd, err;

	tdev_init(&t, "src");
	tdev_open(&t);
	assert_int_equal(tdev_set(&t, S_RUNNING_P2P), -1);
	assert_int_equal(tdev_set(&t, S_STOP), -1);
	assert_int_equal(tdev_set(&t, S_RUNNING_P2P), -1);
	fd = tdev_set(&t, S_PRE_COPY_P2P);	/* RP -> PP starts saving */
	assert_true(fd >= 0);
	assert_int_equal(tdev_set(&t, S_PRE_COPY), -1);
	assert_int_equal(tdev_set(&t, S_PRE_COPY_P2P), -1);
	assert_int_equal(read_all(fd, buf, sizeof(buf), 4096, &err), rec_size(&t));
	assert_int_equal(err, -ENOMSG);
	/* STOP_COPY -> PRE_COPY is blocked by the FSM */
	tdev_set(&t, S_STOP_COPY);
	assert_int_equal(shim_vfio_set_state(t.devfd, S_PRE_COPY, NULL), -EINVAL);
	assert_int_equal(tdev_state(&t), S_STOP_COPY);
	tdev_set(&t, S_RUNNING);		/* SC -> S -> RP -> R */
	shim_sys_close(fd);
	tdev_fini(&t);
}

struct stress {
	struct tdev *t;
	int fd;
	int stop;
	unsigned long reads, resets;
};

/* Read and ask for precopy info on one fd while sessions come and go. */
static void *stress_reader(void *arg)
{
	struct stress *st = arg;
	u8 buf[64];
	u64 a, b;

	while (!__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE)) {
		shim_sys_read(st->fd, buf, sizeof(buf));
		shim_vfio_precopy_info(st->fd, &a, &b);
		__atomic_fetch_add(&st->reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Reset the device over and over, as a guest reboot loop would. */
static void *stress_resetter(void *arg)
{
	struct stress *st = arg;

	while (!__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE)) {
		vfio_ap_mig_reset(&st->t->mdev);
		__atomic_fetch_add(&st->resets, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Tests transitions, data-fd use and resets racing: no crash, no leak. */
static void test_concurrent_reset_and_io(void **state)
{
	struct stress st = { 0 };
	pthread_t reader, resetter;
	enum vfio_device_mig_state s;
	struct tdev t;
	u64 len;
	int i, fd;

	tdev_init(&t, "src");
	tdev_open(&t);
	st.t = &t;
	st.fd = tdev_set(&t, S_PRE_COPY);
	pthread_create(&reader, NULL, stress_reader, &st);
	pthread_create(&resetter, NULL, stress_resetter, &st);
	/* at least 300 rounds, and until both threads have done some */
	for (i = 0; i < 300 || __atomic_load_n(&st.reads, __ATOMIC_RELAXED) < 50 ||
		    __atomic_load_n(&st.resets, __ATOMIC_RELAXED) < 50; i++) {
		fd = -1;
		/* may fail when a reset lands in the middle: never crash */
		shim_vfio_set_state(t.devfd, i % 2 ? S_PRE_COPY : S_STOP_COPY, &fd);
		shim_vfio_get_data_size(t.devfd, &len);
		shim_vfio_get_state(t.devfd, &s);
		if (fd >= 0)
			shim_sys_close(fd);
	}
	__atomic_store_n(&st.stop, 1, __ATOMIC_RELEASE);
	pthread_join(reader, NULL);
	pthread_join(resetter, NULL);
	assert_true(st.reads > 0 && st.resets > 0);
	/* whatever happened, a reset brings it back to a usable RUNNING */
	assert_int_equal(shim_vfio_reset(t.devfd), 0);
	assert_int_equal(tdev_state(&t), S_RUNNING);
	fd = tdev_set(&t, S_PRE_COPY);
	assert_true(fd >= 0);
	tdev_set(&t, S_RUNNING);
	shim_sys_close(fd);
	shim_sys_close(st.fd);
	tdev_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_stop_copy_without_precopy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_precopy_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_precopy_config_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_precopy_change_kept_in_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_happy_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_refused_early, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_refused_at_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_bad_streams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_before_open_semantics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_fd_espipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_fd_after_session_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_write_past_maximum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precopy_info_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secure_execution_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_size_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_copy_by_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precopy_info_flags_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precopy_info_v2_reinit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_deferred_while_state_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_state_in_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_p2p_arcs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_reset_and_io, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
