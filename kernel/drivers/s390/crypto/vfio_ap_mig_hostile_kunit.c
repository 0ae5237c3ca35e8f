// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio_ap migration against hostile userspace on the data
 * files, the cases that need no second thread: writes past the maximum,
 * bytes after the end, zero-length I/O, I/O after the session ended, two
 * writers interleaving on one file, reads after a reset, faulting user
 * buffers, unsupported calls, streams cut at every byte, and reads that
 * must not rebuild the configuration. Each gets the errno documented in
 * Documentation/arch/s390/vfio-ap-migration.rst and the devices migrate
 * again after a reset. The fixture is vfio_ap_mig_kunit_util.h.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"
#include "vfio_ap_mig_stream.h"

#include "vfio_ap_mig_kunit_util.h"

/* A user address that faults: one page mapped without access. */
static char __user *hostile_no_access(struct kunit *test)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_NONE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0UL, "no user memory");
	return (char __user *)addr;
}

/* A copy of the source's stream without pre-copy, in kunit memory. */
static u8 *hostile_stream(struct kunit *test, size_t *len)
{
	struct test_host *h = test->priv;
	u8 *buf;

	*len = save_stop_copy(test);
	KUNIT_ASSERT_GT(test, *len, 0UL);
	buf = kunit_kmalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, h->kbuf, *len);
	return buf;
}

/* The destination in RESUMING; returns its data file. */
static struct file *hostile_resuming(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct file *f;

	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->dst, VFIO_DEVICE_STATE_RESUMING);
	KUNIT_ASSERT_NOT_NULL(test, f);
	return f;
}

static long hostile_precopy_info(struct file *f, u32 argsz)
{
	struct test_host *h = test_host();
	struct vfio_precopy_info info = { .argsz = argsz };
	void __user *u = (void __user *)(h->ubuf + TEST_USER_BUF - PAGE_SIZE);

	if (copy_to_user(u, &info, sizeof(info)))
		return -EFAULT;
	return f->f_op->unlocked_ioctl(f, VFIO_MIG_GET_PRECOPY_INFO, (unsigned long)u);
}

/*
 * After whatever a case did: both devices reset to RUNNING and the source
 * migrates to the destination, prepared for its guest, which verifies
 * exactly its configuration.
 */
static void hostile_works_after_reset(struct kunit *test)
{
	struct test_host *h = test->priv;
	int verified = h->verified;
	struct file *f;
	size_t len;

	vfio_ap_mig_reset(h->src);
	vfio_ap_mig_reset(h->dst);
	test_set_dst(&h->dst_guest, &h->guest);
	KUNIT_EXPECT_EQ(test, get_state(h->src), VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_RUNNING);
	len = save_stop_copy(test);
	f = hostile_resuming(test);
	KUNIT_EXPECT_EQ(test, test_write(f, h->kbuf, len), (ssize_t)len);
	walk(test, h->dst, VFIO_DEVICE_STATE_RUNNING);
	fput(f);
	KUNIT_EXPECT_EQ(test, h->verified, verified + 1);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(h->verified_cfg.apm, h->guest.apm, 256));
	KUNIT_EXPECT_TRUE(test, bitmap_equal(h->verified_cfg.aqm, h->guest.aqm, 256));
	KUNIT_EXPECT_TRUE(test, bitmap_equal(h->verified_cfg.adm, h->guest.adm, 256));
}

static void hostile_write_past_maximum_efbig(struct kunit *test)
{
	struct test_host *h = test->priv;
	char __user *bad = hostile_no_access(test);
	size_t len;
	u8 *s = hostile_stream(test, &len);
	struct file *f = hostile_resuming(test);

	/* Refused before anything is copied: the buffer would fault. */
	KUNIT_EXPECT_EQ(test, f->f_op->write(f, bad, VFIO_AP_MIG_MAX_STREAM + 1, NULL),
			-EFBIG);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_RESUMING);
	KUNIT_EXPECT_EQ(test, test_write(f, s, len), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, f->f_op->write(f, bad, VFIO_AP_MIG_MAX_STREAM - len + 1, NULL),
			-EFBIG);
	/* The refused writes consumed nothing: the stream verifies. */
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, h->verified, 1);
	fput(f);
	hostile_works_after_reset(test);
}

static void hostile_byte_after_final_emsgsize(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len;
	u8 *s = hostile_stream(test, &len);
	struct file *f = hostile_resuming(test);

	KUNIT_EXPECT_EQ(test, test_write(f, s, len), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, test_write(f, s, 1), -EMSGSIZE);
	/* Once failed, the stream keeps failing the same way. */
	KUNIT_EXPECT_EQ(test, test_write(f, s, len), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_ERROR);
	/* The configuration was verified at write; the stream failed after it. */
	KUNIT_EXPECT_EQ(test, h->verified, 1);
	fput(f);
	hostile_works_after_reset(test);
}

static void hostile_zero_length_io(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len, done, n;
	u8 *s = hostile_stream(test, &len);
	struct file *f = hostile_resuming(test);

	KUNIT_EXPECT_EQ(test, test_write(f, s, 0), 0L);
	for (done = 0; done < len; done += n) {
		n = min_t(size_t, len - done, 5);
		KUNIT_EXPECT_EQ(test, test_write(f, s + done, 0), 0L);
		KUNIT_EXPECT_EQ(test, test_write(f, s + done, n), (ssize_t)n);
	}
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, h->verified, 1);
	KUNIT_EXPECT_EQ(test, test_write(f, s, 0), -ENODEV);
	fput(f);

	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 0), 0L);
	/* A zero-length read consumed nothing. */
	KUNIT_EXPECT_EQ(test, test_read_all(test, f, 0, 0), len);
	KUNIT_EXPECT_EQ(test, memcmp(h->kbuf, s, len), 0);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 0), -ENODEV);
	fput(f);
	hostile_works_after_reset(test);
}

static void hostile_io_after_session_ended_enodev(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct file *f, *old;
	size_t len;
	u8 *s = hostile_stream(test, &len);

	/* RESUMING -> STOP verified */
	f = hostile_resuming(test);
	KUNIT_EXPECT_EQ(test, test_write(f, s, len), (ssize_t)len);
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, test_write(f, s, 1), -ENODEV);
	fput(f);

	/* RESUMING -> STOP failed: ERROR, and only a reset leaves it */
	f = hostile_resuming(test);
	KUNIT_EXPECT_EQ(test, test_write(f, s, 10), 10L);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), -ENODATA);
	KUNIT_EXPECT_EQ(test, test_write(f, s + 10, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_RESUMING)), -EINVAL);
	vfio_ap_mig_reset(h->dst);
	KUNIT_EXPECT_EQ(test, test_write(f, s + 10, 1), -ENODEV);
	fput(f);

	/* a reset, then a new session: the old file stays dead */
	old = hostile_resuming(test);
	vfio_ap_mig_reset(h->dst);
	f = hostile_resuming(test);
	KUNIT_EXPECT_EQ(test, test_write(old, s, len), -ENODEV);
	KUNIT_EXPECT_EQ(test, test_write(f, s, len), (ssize_t)len);
	/* close_device */
	vfio_ap_mig_close(h->dst);
	KUNIT_EXPECT_EQ(test, test_write(f, s, 1), -ENODEV);
	vfio_ap_mig_open(h->dst);
	fput(old);
	fput(f);

	/* saving: every arc that ends the session */
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), -ENODEV);
	fput(f);
	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING);
	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING);
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), -ENODEV);
	KUNIT_EXPECT_EQ(test, hostile_precopy_info(f, sizeof(struct vfio_precopy_info)),
			-EINVAL);
	fput(f);
	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING_P2P);
	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	KUNIT_ASSERT_NOT_NULL(test, f);
	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING_P2P);
	KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), -ENODEV);
	fput(f);
	hostile_works_after_reset(test);
}

/* A decoder errno of the chapter's table. */
static bool hostile_decoder_errno(long err)
{
	static const int errs[] = {
		EPROTO, EPROTONOSUPPORT, EINVAL, EILSEQ, ENOTUNIQ, ERANGE,
		E2BIG, EDOM, ENOENT, EOPNOTSUPP, EBADMSG, EFBIG, EMSGSIZE,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(errs); i++)
		if (err == -errs[i])
			return true;
	return false;
}

/*
 * Two writers on one resuming file, alternately writing pieces of their
 * own stream: a decoder errno, the same for every later write and for
 * RESUMING -> STOP, which leaves the device in ERROR.
 */
static void hostile_two_writers_interleaving(struct kunit *test)
{
	static const u8 apids[] = { 0x07 }, apqis[] = { 0x04, 0x10, 0x2a };
	struct test_host *h = test->priv;
	size_t alen, blen, da = 0, db = 0, n;
	u8 *a = hostile_stream(test, &alen), *b;
	long first = 0, r;
	struct file *f;

	test_set_config(test, &h->guest, apids, 1, apqis, 3, 0x0b);
	b = hostile_stream(test, &blen);
	f = hostile_resuming(test);
	while (da < alen || db < blen) {
		if (da < alen) {
			n = min_t(size_t, alen - da, 10);
			r = test_write(f, a + da, n);
			if (r < 0 && !first)
				first = r;
			if (first)
				KUNIT_EXPECT_EQ(test, r, first);
			da += n;
		}
		if (db < blen) {
			n = min_t(size_t, blen - db, 10);
			r = test_write(f, b + db, n);
			if (r < 0 && !first)
				first = r;
			if (first)
				KUNIT_EXPECT_EQ(test, r, first);
			db += n;
		}
	}
	KUNIT_EXPECT_TRUE_MSG(test, hostile_decoder_errno(first), "got %ld", first);
	KUNIT_EXPECT_EQ(test, PTR_ERR(set_state(h->dst, VFIO_DEVICE_STATE_STOP)), first);
	KUNIT_EXPECT_EQ(test, get_state(h->dst), VFIO_DEVICE_STATE_ERROR);
	KUNIT_EXPECT_EQ(test, h->verified, 0);
	fput(f);
	hostile_works_after_reset(test);
}

static void hostile_reads_after_reset_enodev(struct kunit *test)
{
	static const enum vfio_device_mig_state saving[] = {
		VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P,
		VFIO_DEVICE_STATE_STOP_COPY,
	};
	struct test_host *h = test->priv;
	size_t len;
	u8 *s = hostile_stream(test, &len);
	struct file *f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(saving); i++) {
		if (saving[i] == VFIO_DEVICE_STATE_STOP_COPY)
			walk(test, h->src, VFIO_DEVICE_STATE_STOP);
		f = walk(test, h->src, saving[i]);
		KUNIT_ASSERT_NOT_NULL(test, f);
		KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), 10L);
		vfio_ap_mig_reset(h->src);
		KUNIT_EXPECT_EQ(test, get_state(h->src), VFIO_DEVICE_STATE_RUNNING);
		KUNIT_EXPECT_EQ(test, test_read(f, 0, 10), -ENODEV);
		KUNIT_EXPECT_EQ(test, test_read(f, 0, 0), -ENODEV);
		KUNIT_EXPECT_EQ(test, hostile_precopy_info(f, sizeof(struct vfio_precopy_info)),
				-EINVAL);
		fput(f);
	}

	f = hostile_resuming(test);
	KUNIT_EXPECT_EQ(test, test_write(f, s, 30), 30L);
	vfio_ap_mig_reset(h->dst);
	KUNIT_EXPECT_EQ(test, test_write(f, s + 30, 10), -ENODEV);
	fput(f);
	KUNIT_EXPECT_EQ(test, h->verified, 0);
	hostile_works_after_reset(test);
}

/*
 * A faulting user buffer loses nothing: the read returns -EFAULT and the
 * next read starts at the same byte; the write returns -EFAULT, consumed
 * nothing, and the whole stream written again verifies.
 */
static void hostile_faulting_buffers_lose_nothing(struct kunit *test)
{
	struct test_host *h = test->priv;
	char __user *bad = hostile_no_access(test);
	size_t len;
	u8 *s = hostile_stream(test, &len);
	struct file *f;

	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	f = walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->f_op->read(f, bad, 64, NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, test_read_all(test, f, 0, 0), len);
	KUNIT_EXPECT_EQ(test, memcmp(h->kbuf, s, len), 0);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	fput(f);

	f = hostile_resuming(test);
	KUNIT_EXPECT_EQ(test, f->f_op->write(f, bad, len, NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, test_write(f, s, len), (ssize_t)len);
	walk(test, h->dst, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, h->verified, 1);
	fput(f);
	hostile_works_after_reset(test);
}

static void hostile_unsupported_calls(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct file *save, *resume;
	size_t len;
	u8 *s = hostile_stream(test, &len);
	loff_t pos = 0;

	walk(test, h->src, VFIO_DEVICE_STATE_RUNNING);
	save = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, save);
	resume = hostile_resuming(test);
	KUNIT_EXPECT_NULL(test, save->f_op->write);
	KUNIT_EXPECT_NULL(test, resume->f_op->read);
	KUNIT_EXPECT_NULL(test, resume->f_op->unlocked_ioctl);
	KUNIT_EXPECT_EQ(test, save->f_op->unlocked_ioctl(save, VFIO_DEVICE_RESET, 0), -ENOTTY);
	KUNIT_EXPECT_EQ(test, hostile_precopy_info(save, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, hostile_precopy_info(save, sizeof(struct vfio_precopy_info)), 0L);
	KUNIT_EXPECT_EQ(test, save->f_op->read(save, (char __user *)h->ubuf, 8, &pos), -ESPIPE);
	KUNIT_EXPECT_EQ(test, resume->f_op->write(resume, (char __user *)h->ubuf, 8, &pos),
			-ESPIPE);
	walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	KUNIT_EXPECT_EQ(test, hostile_precopy_info(save, sizeof(struct vfio_precopy_info)),
			-EINVAL);
	/* The files still do what they are for. */
	KUNIT_EXPECT_EQ(test, test_read(save, 0, 8), 8L);
	KUNIT_EXPECT_EQ(test, test_write(resume, s, 8), 8L);
	fput(save);
	fput(resume);
	hostile_works_after_reset(test);
}

/*
 * No allocation is sized from one write: the stream cut at every byte
 * offset into two writes, and written one byte at a time, verifies.
 */
static void hostile_stream_cut_at_every_byte(struct kunit *test)
{
	struct test_host *h = test->priv;
	size_t len, k;
	u8 *s = hostile_stream(test, &len);
	struct file *f;

	for (k = 1; k < len; k++) {
		f = hostile_resuming(test);
		KUNIT_EXPECT_EQ(test, test_write(f, s, k), (ssize_t)k);
		KUNIT_EXPECT_EQ(test, test_write(f, s + k, len - k), (ssize_t)(len - k));
		walk(test, h->dst, VFIO_DEVICE_STATE_RUNNING);
		fput(f);
	}
	f = hostile_resuming(test);
	for (k = 0; k < len; k++)
		KUNIT_EXPECT_EQ(test, test_write(f, s + k, 1), 1L);
	walk(test, h->dst, VFIO_DEVICE_STATE_RUNNING);
	fput(f);
	KUNIT_EXPECT_EQ(test, h->verified, (int)len);
	hostile_works_after_reset(test);
}

/*
 * A read only copies bytes encoded on an arc: reading byte by byte asks
 * the host nothing, and a host change during pre-copy shows only in the
 * record stop-copy appends.
 */
static void hostile_reads_never_rebuild_config(struct kunit *test)
{
	static const u8 apids[] = { 0x03 }, apqis[] = { 0x04 };
	struct test_host *h = test->priv;
	size_t rec = vfio_ap_mig_config_record_size(4), n = 0;
	struct file *f;
	int calls;

	f = walk(test, h->src, VFIO_DEVICE_STATE_PRE_COPY);
	KUNIT_ASSERT_NOT_NULL(test, f);
	calls = h->read_calls;
	while (test_read(f, n, 1) == 1)
		n++;
	KUNIT_EXPECT_EQ(test, n, rec);
	test_set_config(test, &h->guest, apids, 1, apqis, 1, 0x04);
	KUNIT_EXPECT_EQ(test, test_read(f, n, 1), -ENOMSG);
	KUNIT_EXPECT_EQ(test, h->read_calls, calls);

	walk(test, h->src, VFIO_DEVICE_STATE_STOP_COPY);
	calls = h->read_calls;
	while (test_read(f, n, 1) == 1)
		n++;
	KUNIT_EXPECT_EQ(test, h->read_calls, calls);
	KUNIT_EXPECT_EQ(test, n, rec + vfio_ap_mig_config_record_size(1));
	walk(test, h->src, VFIO_DEVICE_STATE_STOP);
	fput(f);
	hostile_works_after_reset(test);
}

static struct kunit_case vfio_ap_mig_hostile_cases[] = {
	KUNIT_CASE(hostile_write_past_maximum_efbig),
	KUNIT_CASE(hostile_byte_after_final_emsgsize),
	KUNIT_CASE(hostile_zero_length_io),
	KUNIT_CASE(hostile_io_after_session_ended_enodev),
	KUNIT_CASE(hostile_two_writers_interleaving),
	KUNIT_CASE(hostile_reads_after_reset_enodev),
	KUNIT_CASE(hostile_faulting_buffers_lose_nothing),
	KUNIT_CASE(hostile_unsupported_calls),
	KUNIT_CASE(hostile_stream_cut_at_every_byte),
	KUNIT_CASE(hostile_reads_never_rebuild_config),
	{}
};

static struct kunit_suite vfio_ap_mig_hostile_suite = {
	.name = "vfio_ap_mig_hostile",
	.init = vfio_ap_mig_test_init,
	.exit = vfio_ap_mig_test_exit,
	.test_cases = vfio_ap_mig_hostile_cases,
};

kunit_test_suite(vfio_ap_mig_hostile_suite);
