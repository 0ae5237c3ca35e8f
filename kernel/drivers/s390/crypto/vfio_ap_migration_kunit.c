// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio_ap migration: every FSM arc, the data files, the data
 * size and the refusals. TCG has no AP instructions, so the host services
 * are static stubs answering from a fake host kept in the test's priv.
 */

#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "vfio_ap_mig_kunit_util.h"

static void before_open_running_only(struct kunit *test)
{
	struct ap_matrix_mdev *m = test_mdev(test, "vfio-ap-mig-closed");

	KUNIT_EXPECT_EQ(test, get_state(m), VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_NULL(test, set_state(m, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(m, VFIO_DEVICE_STATE_STOP)), -ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(m, VFIO_DEVICE_STATE_RESUMING)), -ENODEV);
	KUNIT_EXPECT_EQ(test, get_state(m), VFIO_DEVICE_STATE_RUNNING);
	vfio_ap_mig_release(m);
}

static void flags_stop_copy_p2p_pre_copy(struct kunit *test)
{
	struct test_host *h = test->priv;

	KUNIT_EXPECT_EQ(test, h->src->vdev.migration_flags,
			VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
			VFIO_MIGRATION_PRE_COPY);
	KUNIT_EXPECT_NOT_NULL(test, h->src->vdev.mig_ops);
	KUNIT_EXPECT_NULL(test, set_state(h->src, VFIO_DEVICE_STATE_RUNNING));
}

/*
 * The P2P arcs do nothing (no DMA); the way to STOP suspends the guest's
 * interruptions and the way back restores them, with a kick.
 */
static void arcs_p2p_and_stop_suspend_interrupts(struct kunit *test)
{
	struct test_host *h = test->priv;

	KUNIT_EXPECT_NULL(test, walk(test, h->src, VFIO_DEVICE_STATE_RUNNING_P2P));
	KUNIT_EXPECT_EQ(test, h->irq_suspends, 0);
	KUNIT_EXPECT_NULL(test, walk(test, h->src, VFIO_DEVICE_STATE_STOP));
	KUNIT_EXPECT_EQ(test, h->irq_suspends, 1);
	KUNIT_EXPECT_EQ(test, h->irq_resumes, 0);
	KUNIT_EXPECT_NULL(test, walk(test, h->src, VFIO_DEVICE_STATE_RUNNING_P2P));
	KUNIT_EXPECT_EQ(test, h->irq_resumes, 1);
	KUNIT_EXPECT_NULL(test, walk(test, h->src, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, h->irq_suspends, 1);
	KUNIT_EXPECT_EQ(test, h->irq_resumes, 1);
	KUNIT_EXPECT_EQ(test, h->read_calls, 0);
}

/* Pre-copy: PRE_COPY_P2P -> STOP_COPY suspends; an abort restores. */
static void precopy_stop_copy_suspends_abort_restores(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct file *f;

	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	KUNIT_EXPECT_EQ(test, h->irq_suspends, 0);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_EXPECT_EQ(test, h->irq_suspends, 1);
	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, h->irq_resumes, 1);
	fput(f);
}

static void arcs_stop_copy_stream_and_end(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	struct file *f;
	size_t len;

	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_FALSE(test, f->f_mode & FMODE_PREAD);
	len = test_read_all(test, f, 0, 0);
	KUNIT_EXPECT_EQ(test, len, vfio_ap_mig_config_record_size(4));
	/* The snapshot is taken once, not per read. */
	KUNIT_EXPECT_EQ(test, h->read_calls, 1);

	vfio_ap_mig_decoder_init(&dec);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_decoder_feed(&dec, h->kbuf, len, &ev), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, ev, VFIO_AP_MIG_EV_CONFIG);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_decoder_finish(&dec), 0);
	KUNIT_EXPECT_TRUE(test, vfio_ap_mig_config_equal(vfio_ap_mig_decoder_config(&dec),
							 &h->guest));
	vfio_ap_mig_decoder_release(&dec);

	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), -ENODEV);
	fput(f);
	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING);
}

static void precopy_initial_bytes_enomsg_unchanged(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	void __user *uinfo = (void __user *)(h->ubuf + TEST_USER_BUF - PAGE_SIZE);
	size_t rec = vfio_ap_mig_config_record_size(4);
	struct file *f;
	size_t n;

	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(uinfo, &info, sizeof(info)));
	KUNIT_EXPECT_EQ(test, f->f_op->unlocked_ioctl(f, VFIO_MIG_GET_PRECOPY_INFO,
						      (unsigned long)uinfo), 0L);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&info, uinfo, sizeof(info)));
	KUNIT_EXPECT_EQ(test, info.initial_bytes, (u64)rec);
	KUNIT_EXPECT_EQ(test, info.dirty_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, data_size(test, h->src),
			rec + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);

	KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), 10L);
	f->f_op->unlocked_ioctl(f, VFIO_MIG_GET_PRECOPY_INFO, (unsigned long)uinfo);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&info, uinfo, sizeof(info)));
	KUNIT_EXPECT_EQ(test, info.initial_bytes, (u64)rec - 10);

	n = 10 + test_read_all(test, f, 10, -ENOMSG);
	KUNIT_EXPECT_EQ(test, n, rec);

	walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	KUNIT_EXPECT_EQ(test, data_size(test, h->src),
			(unsigned long)VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	KUNIT_EXPECT_NULL(test, walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY));
	/* Pre-copy info is for pre-copy states only. */
	KUNIT_EXPECT_EQ(test, f->f_op->unlocked_ioctl(f, VFIO_MIG_GET_PRECOPY_INFO,
						      (unsigned long)uinfo), -EINVAL);
	n += test_read_all(test, f, n, 0);
	KUNIT_EXPECT_EQ(test, n, rec + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	/* One snapshot at start; the generation answers everything else. */
	KUNIT_EXPECT_EQ(test, h->read_calls, 1);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	fput(f);
}

static void precopy_changed_config_sent_again(struct kunit *test)
{
	static const u8 apids[] = { 0x03 }, apqis[] = { 0x04, 0x2a, 0x30 };
	struct test_host *h = test->priv;
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	struct file *f;
	size_t n, done = 0;
	ssize_t used;

	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	n = test_read_all(test, f, 0, -ENOMSG);
	test_set_config(test, &h->guest, apids, 1, apqis, 3, 0x05);
	KUNIT_EXPECT_EQ(test, data_size(test, h->src), vfio_ap_mig_config_record_size(3));
	walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	n += test_read_all(test, f, n, 0);
	KUNIT_EXPECT_EQ(test, n, vfio_ap_mig_config_record_size(4) +
			vfio_ap_mig_config_record_size(3));

	vfio_ap_mig_decoder_init(&dec);
	while (done < n) {
		used = vfio_ap_mig_decoder_feed(&dec, h->kbuf + done, n - done, &ev);
		KUNIT_ASSERT_GT(test, used, 0L);
		done += used;
	}
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_decoder_finish(&dec), 0);
	KUNIT_EXPECT_TRUE(test, vfio_ap_mig_config_equal(vfio_ap_mig_decoder_config(&dec),
							 &h->guest));
	vfio_ap_mig_decoder_release(&dec);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	fput(f);
}

/* Read VFIO_MIG_GET_PRECOPY_INFO of @f through user memory. */
static struct vfio_precopy_info precopy_info(struct kunit *test, struct file *f)
{
	struct test_host *h = test->priv;
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	void __user *u = (void __user *)(h->ubuf + TEST_USER_BUF - PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, 0, copy_to_user(u, &info, sizeof(info)));
	KUNIT_EXPECT_EQ(test, f->f_op->unlocked_ioctl(f, VFIO_MIG_GET_PRECOPY_INFO,
						      (unsigned long)u), 0L);
	KUNIT_EXPECT_EQ(test, 0, copy_from_user(&info, u, sizeof(info)));
	return info;
}

static void precopy_dirty_config_readable_before_stop(struct kunit *test)
{
	static const u8 apids[] = { 0x03 }, apqis[] = { 0x04 };
	struct test_host *h = test->priv;
	size_t first = vfio_ap_mig_config_record_size(4);
	size_t second = vfio_ap_mig_config_record_size(1);
	struct vfio_precopy_info info;
	struct file *f;
	size_t n;

	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	n = test_read_all(test, f, 0, -ENOMSG);
	KUNIT_EXPECT_EQ(test, n, first);

	/* A hot-unplug during pre-copy: the new configuration is dirty data. */
	test_set_config(test, &h->guest, apids, 1, apqis, 1, 0x04);
	info = precopy_info(test, f);
	KUNIT_EXPECT_EQ(test, info.initial_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, info.dirty_bytes, (u64)second);
	n += test_read_all(test, f, n, -ENOMSG);
	KUNIT_EXPECT_EQ(test, n, first + second);
	info = precopy_info(test, f);
	KUNIT_EXPECT_EQ(test, info.dirty_bytes, 0ULL);

	/* Stop-copy then only confirms it. */
	KUNIT_EXPECT_EQ(test, data_size(test, h->src),
			(unsigned long)VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	n += test_read_all(test, f, n, 0);
	KUNIT_EXPECT_EQ(test, n, first + second + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	fput(f);
}

/* Without the PRECOPY_INFOv2 opt-in `flags` reads 0, whatever was written. */
static void precopy_flags_zero_without_opt_in(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct vfio_precopy_info info = { .argsz = sizeof(info), .flags = 0xdead };
	void __user *u = (void __user *)(h->ubuf + TEST_USER_BUF - PAGE_SIZE);
	struct file *f;

	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(u, &info, sizeof(info)));
	KUNIT_EXPECT_EQ(test, f->f_op->unlocked_ioctl(f, VFIO_MIG_GET_PRECOPY_INFO,
						      (unsigned long)u), 0L);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&info, u, sizeof(info)));
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING);
	fput(f);
}

/*
 * With the opt-in, a configuration changed during pre-copy is new initial
 * data (REINIT): switchover-ack then waits for the destination's check.
 * read() has bytes while initial_bytes says so, and poll() agrees.
 */
static void precopy_change_is_reinit_with_opt_in(struct kunit *test)
{
	static const u8 apids[] = { 0x03 }, apqis[] = { 0x04 };
	struct test_host *h = test->priv;
	size_t first = vfio_ap_mig_config_record_size(4);
	size_t second = vfio_ap_mig_config_record_size(1);
	struct vfio_precopy_info info;
	struct file *f;
	size_t n;

	h->src->vdev.precopy_info_v2 = 1;
	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_TRUE(test, test_readable(f));
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), 10L);
	test_set_config(test, &h->guest, apids, 1, apqis, 1, 0x04);
	info = precopy_info(test, f);
	KUNIT_EXPECT_EQ(test, info.flags, VFIO_PRECOPY_INFO_REINIT);
	KUNIT_EXPECT_EQ(test, info.initial_bytes, (u64)(first - 10 + second));
	KUNIT_EXPECT_EQ(test, info.dirty_bytes, 0ULL);
	n = 10 + test_read_all(test, f, 10, -ENOMSG);
	KUNIT_EXPECT_EQ(test, n, first + second);
	KUNIT_EXPECT_FALSE(test, test_readable(f));
	info = precopy_info(test, f);
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
	KUNIT_EXPECT_EQ(test, info.initial_bytes, 0ULL);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	n += test_read_all(test, f, n, 0);
	KUNIT_EXPECT_EQ(test, n, first + second + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	KUNIT_EXPECT_TRUE(test, test_readable(f));
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	fput(f);
}

/* MIG_DATA_SIZE asks no hardware: a TAPQ that would fail cannot fail it. */
static void data_size_never_reads_the_hardware(struct kunit *test)
{
	struct test_host *h = test->priv;
	int calls = h->read_calls;

	KUNIT_EXPECT_EQ(test, data_size(test, h->src), vfio_ap_mig_config_record_size(4));
	KUNIT_EXPECT_EQ(test, h->read_calls, calls);
}

static void data_size_equals_stop_copy_bytes(struct kunit *test)
{
	struct test_host *h = test->priv;
	unsigned long expect = data_size(test, h->src);

	KUNIT_EXPECT_EQ(test, expect, vfio_ap_mig_config_record_size(4));
	KUNIT_EXPECT_EQ(test, save_stop_copy(test), (size_t)expect);
}

static void resume_round_trip_verifies(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len = save_stop_copy(test);
	struct file *f;

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	/* Checked as soon as the record is complete, while the source runs. */
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, h->verified, 1);
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, h->verified, 1);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(h->verified_cfg.apm, h->guest.apm, 256));
	KUNIT_EXPECT_TRUE(test, bitmap_equal(h->verified_cfg.aqm, h->guest.aqm, 256));
	KUNIT_EXPECT_TRUE(test, bitmap_equal(h->verified_cfg.adm, h->guest.adm, 256));
	KUNIT_EXPECT_EQ(test, h->irq_holds, 1);
	KUNIT_EXPECT_EQ(test, h->irq_resumes, 0);
	walk(test, h->dst, VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, h->irq_resumes, 1);
	/* The session is over: the file is dead. */
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, 1), -ENODEV);
	fput(f);
}

/* The stream carries the registrations; the destination holds them. */
static void resume_carries_interrupt_registration(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len;
	struct file *f;

	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_set_irq(&h->guest, 0, 3, 0x8000));
	KUNIT_ASSERT_EQ(test, 0, vfio_ap_mig_config_set_irq(&h->guest, 2, 3, 0x8000));
	len = save_stop_copy(test);
	KUNIT_EXPECT_EQ(test, len, vfio_ap_mig_config_record_size_irq(4, 1));
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len), (ssize_t)len);
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, h->irq_holds, 1);
	KUNIT_EXPECT_EQ(test, h->irq_held, 2U);
	fput(f);
}

static void resume_incompatible_queue_refused_at_write(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len = save_stop_copy(test);
	struct file *f;

	h->target_gr2 = TEST_GR2_CEX8_EP11;
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len), -ENXIO);
	KUNIT_EXPECT_EQ(test, h->problems, 4);	/* mode, on each of 4 queues */
	/* RESUMING -> STOP checks again and refuses again. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), -ENXIO);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_ERROR);
	KUNIT_EXPECT_EQ(test, h->verified, 0);
	fput(f);
}

static void resume_host_changed_refused_at_stop(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len = save_stop_copy(test);
	struct file *f;

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len), (ssize_t)len);
	/* Unbound from vfio_ap meanwhile: vfio_ap_mdev_remove_queue() moves the generation. */
	h->target_bound = false;
	h->generation++;
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), -ENXIO);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_ERROR);
	/* Verified at write; the check at RESUMING -> STOP refused. */
	KUNIT_EXPECT_EQ(test, h->verified, 1);
	/* Only a reset leaves ERROR. */
	KUNIT_EXPECT_TRUE(test, IS_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)));
	vfio_ap_mig_reset(h->dst);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_RUNNING);
	fput(f);
}

/* A check that passed at the same generation still holds at RESUMING -> STOP. */
static void resume_stop_unchanged_generation_no_check(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len = save_stop_copy(test);
	struct file *f;
	int checks;

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len), (ssize_t)len);
	checks = h->check_calls;
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, h->check_calls, checks);
	walk(test, h->dst, VFIO_DEVICE_STATE_RUNNING);
	fput(f);
}

/*
 * The stream is the VMM's: one that names a queue or a control domain the
 * prepared mdev does not give its guest is refused, and nothing of the
 * mdev changes, byte for byte.
 */
static void resume_never_widens_the_assignment(struct kunit *test)
{
	static const u8 apids[] = { 0x03 }, apqis[] = { 0x04, 0x2a };
	struct test_host *h = test->priv;
	struct ap_matrix matrix, apcb;
	struct file *f;
	size_t len;

	/* The prepared mdev has adapter 0x03 only, and no control domain. */
	test_set_config(test, &h->dst_guest, apids, 1, apqis, 2, 0x04);
	clear_bit_inv(0x04, h->dst_guest.adm);
	memset(&h->dst->matrix, 0x5a, sizeof(h->dst->matrix));
	memset(&h->dst->shadow_apcb, 0xa5, sizeof(h->dst->shadow_apcb));
	matrix = h->dst->matrix;
	apcb = h->dst->shadow_apcb;

	len = save_stop_copy(test);	/* adapters 0x03 and 0x05, cdom 0x04 */
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len), -ENXIO);
	/* 05.0004, 05.002a not in the target mdev's guest; cdom 0x04 neither. */
	KUNIT_EXPECT_EQ(test, h->problems, 3);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), -ENXIO);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_ERROR);
	KUNIT_EXPECT_EQ(test, memcmp(&matrix, &h->dst->matrix, sizeof(matrix)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&apcb, &h->dst->shadow_apcb, sizeof(apcb)), 0);
	vfio_ap_mig_reset(h->dst);
	fput(f);
}

static void data_file_pread_pwrite_espipe(struct kunit *test)
{
	struct test_host *h = test->priv;
	char __user *u = (char __user *)h->ubuf;
	struct file *save, *resume;
	loff_t pos = 0;

	save = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, save);
	KUNIT_EXPECT_FALSE(test, save->f_mode & FMODE_PREAD);
	KUNIT_EXPECT_EQ(test, save->f_op->read(save, u, 4, &pos), -ESPIPE);

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	resume = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, resume);
	KUNIT_EXPECT_FALSE(test, resume->f_mode & FMODE_PWRITE);
	KUNIT_EXPECT_EQ(test, resume->f_op->write(resume, u, 4, &pos), -ESPIPE);
	fput(save);
	fput(resume);
}

static void resume_write_past_maximum_efbig(struct kunit *test)
{
	struct test_host *h = test->priv;
	char __user *u = (char __user *)h->ubuf;
	struct file *f;

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->f_op->write(f, u, VFIO_AP_MIG_MAX_STREAM + 1, NULL),
			-EFBIG);
	KUNIT_EXPECT_EQ(test, f->f_op->write(f, u, 0, NULL), 0L);
	fput(f);
}

static void resume_garbage_and_truncation_rejected(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len = save_stop_copy(test);
	struct file *f;
	u8 junk[VFIO_AP_MIG_HDR_SIZE] = { 'j', 'u', 'n', 'k' };

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len / 2), (ssize_t)(len / 2));
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), -ENODATA);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_ERROR);
	fput(f);

	vfio_ap_mig_reset(h->dst);
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_write(f, junk, sizeof(junk)), -EPROTO);
	fput(f);
	KUNIT_EXPECT_EQ(test, h->verified, 0);
}

static void se_guest_refused_eperm(struct kunit *test)
{
	struct test_host *h = test->priv;

	h->se_guest = true;
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->src, VFIO_DEVICE_STATE_PRE_COPY)), -EPERM);
	KUNIT_EXPECT_EQ(test, get_state(h->src), VFIO_DEVICE_STATE_RUNNING);
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_RESUMING)), -EPERM);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP_COPY)), -EPERM);
}

static void reset_mid_session_disables_files(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct file *f;

	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	vfio_ap_mig_reset(h->src);
	KUNIT_EXPECT_EQ(test, get_state(h->src), VFIO_DEVICE_STATE_RUNNING);
	/* The reset dropped the queues' registrations: nothing held is kept. */
	KUNIT_EXPECT_EQ(test, h->irq_drops, 1);
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), -ENODEV);
	fput(f);
	/* A fresh session works after the reset. */
	KUNIT_EXPECT_EQ(test, save_stop_copy(test), vfio_ap_mig_config_record_size(4));
}

static void close_mid_session_ends_it(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct file *f;

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	vfio_ap_mig_close(h->dst);
	KUNIT_EXPECT_EQ(test, test_write(f, (const u8 *)"APMG", 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), -ENODEV);
	fput(f);
	vfio_ap_mig_open(h->dst);
}

static struct kunit_case vfio_ap_migration_cases[] = {
	KUNIT_CASE(before_open_running_only),
	KUNIT_CASE(flags_stop_copy_p2p_pre_copy),
	KUNIT_CASE(arcs_p2p_and_stop_suspend_interrupts),
	KUNIT_CASE(precopy_stop_copy_suspends_abort_restores),
	KUNIT_CASE(resume_carries_interrupt_registration),
	KUNIT_CASE(arcs_stop_copy_stream_and_end),
	KUNIT_CASE(precopy_initial_bytes_enomsg_unchanged),
	KUNIT_CASE(precopy_changed_config_sent_again),
	KUNIT_CASE(precopy_dirty_config_readable_before_stop),
	KUNIT_CASE(precopy_flags_zero_without_opt_in),
	KUNIT_CASE(precopy_change_is_reinit_with_opt_in),
	KUNIT_CASE(data_size_never_reads_the_hardware),
	KUNIT_CASE(data_size_equals_stop_copy_bytes),
	KUNIT_CASE(resume_round_trip_verifies),
	KUNIT_CASE(resume_incompatible_queue_refused_at_write),
	KUNIT_CASE(resume_host_changed_refused_at_stop),
	KUNIT_CASE(resume_stop_unchanged_generation_no_check),
	KUNIT_CASE(resume_never_widens_the_assignment),
	KUNIT_CASE(data_file_pread_pwrite_espipe),
	KUNIT_CASE(resume_write_past_maximum_efbig),
	KUNIT_CASE(resume_garbage_and_truncation_rejected),
	KUNIT_CASE(se_guest_refused_eperm),
	KUNIT_CASE(reset_mid_session_disables_files),
	KUNIT_CASE(close_mid_session_ends_it),
	{}
};

static struct kunit_suite vfio_ap_migration_suite = {
	.name = "vfio_ap_migration",
	.init = vfio_ap_mig_test_init,
	.exit = vfio_ap_mig_test_exit,
	.test_cases = vfio_ap_migration_cases,
};

kunit_test_suite(vfio_ap_migration_suite);

MODULE_DESCRIPTION("KUnit tests of vfio_ap live migration");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
