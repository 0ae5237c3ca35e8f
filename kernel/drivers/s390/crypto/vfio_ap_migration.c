// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration for vfio_ap mediated devices.
 *
 * The guest talks to its AP queues directly, so the only device state is the
 * guest's AP configuration and the characteristics of the queues behind it.
 * The source saves them; the destination verifies that the mdev the
 * administrator prepared gives its guest the same configuration on
 * compatible queues, or refuses naming every queue and characteristic at
 * fault. The stream never changes an assignment: it is written by the VMM,
 * which must not be able to widen what its guest was given.
 *
 * The mdev's cfg_generation moves with every change of the guest's
 * configuration or of its queues, so the switchover compares generations
 * instead of asking the hardware again.
 */

#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "vfio_ap_private.h"
#include "vfio_ap_migration.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_mig_irq.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

/*
 * Locking: mig->state_mutex, then a data file's lock, then the host's locks
 * (taken inside vfio_ap_mig_host_*()). Data file handlers take only the
 * file's lock: a file that is not disabled belongs to an open device.
 */

/* Bytes copied from userspace per step of a write(). */
#define VFIO_AP_MIG_WRITE_CHUNK	4096

/**
 * struct vfio_ap_mig_file - one data file (saving or resuming)
 * @filp: the file given to userspace
 * @matrix_mdev: the device; never used once @disabled
 * @lock: protects the fields below
 * @disabled: the session ended: every access fails with -ENODEV
 * @buf: saving: the stream bytes produced so far
 * @len: saving: valid bytes in @buf
 * @cap: saving: allocated bytes of @buf
 * @pos: saving: bytes already read by userspace
 * @initial_end: saving: stream offset where the initial data ends (the
 *		 pre-copy record, or the last configuration appended as new
 *		 initial data)
 * @final: saving: @buf holds the whole stream (a FINAL record)
 * @snapshot: saving: the configuration the stream carries last: taken once
 *	      when saving starts, replaced only by a changed one appended
 * @snapshot_gen: saving: the mdev's generation @snapshot was taken at
 * @next_seq: saving: sequence number of the next record
 * @wait: saving: woken when bytes are appended or the file is disabled
 * @dec: resuming: the incremental stream decoder
 * @unchecked: resuming: a configuration record completed and awaits the check
 * @verified: resuming: the last configuration passed the check ...
 * @verified_gen: resuming: ... at this generation of the destination mdev
 * @written: resuming: bytes accepted so far
 * @error: resuming: the stream failed; every later write and the resume
 *	   fail with this errno
 * @bounce: resuming: one chunk copied from userspace
 */
struct vfio_ap_mig_file {
	struct file *filp;
	struct ap_matrix_mdev *matrix_mdev;
	struct mutex lock;		/* protects the fields below */
	bool disabled;
	u8 *buf;
	size_t len;
	size_t cap;
	size_t pos;
	size_t initial_end;
	bool final;
	struct vfio_ap_mig_config snapshot;
	u64 snapshot_gen;
	u32 next_seq;
	wait_queue_head_t wait;
	struct vfio_ap_mig_decoder dec;
	bool unchecked;
	bool verified;
	u64 verified_gen;
	size_t written;
	int error;
	u8 *bounce;
};

static struct ap_matrix_mdev *vdev_to_mdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct ap_matrix_mdev, vdev);
}

static struct device *vfio_ap_mig_dev(struct ap_matrix_mdev *matrix_mdev)
{
	return matrix_mdev->vdev.dev;
}

/* Log one problem or guest-visible change; userspace can trigger these at will. */
static void vfio_ap_mig_log_problem(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct ap_matrix_mdev *matrix_mdev = ctx;
	char line[VFIO_AP_MIG_PROBLEM_LEN];

	vfio_ap_mig_format_problem(p, line, sizeof(line));
	if (p->change)
		dev_info_ratelimited(vfio_ap_mig_dev(matrix_mdev),
				     "migration: guest-visible change: %s\n", line);
	else
		dev_err_ratelimited(vfio_ap_mig_dev(matrix_mdev),
				    "migration refused: %s\n", line);
}

/* Release everything a file holds; the file itself lives until its last fput. */
static void vfio_ap_mig_file_disable(struct vfio_ap_mig_file *migf)
{
	mutex_lock(&migf->lock);
	migf->disabled = true;
	kvfree(migf->buf);
	migf->buf = NULL;
	migf->len = 0;
	migf->cap = 0;
	migf->pos = 0;
	vfio_ap_mig_config_free(&migf->snapshot);
	vfio_ap_mig_decoder_release(&migf->dec);
	kfree(migf->bounce);
	migf->bounce = NULL;
	mutex_unlock(&migf->lock);
	wake_up_interruptible(&migf->wait);
}

static void vfio_ap_mig_disable_files(struct vfio_ap_migration *mig)
{
	lockdep_assert_held(&mig->state_mutex);
	if (mig->saving) {
		vfio_ap_mig_file_disable(mig->saving);
		fput(mig->saving->filp);
		mig->saving = NULL;
	}
	if (mig->resuming) {
		vfio_ap_mig_file_disable(mig->resuming);
		fput(mig->resuming->filp);
		mig->resuming = NULL;
	}
}

/*
 * Unlock the state mutex, first running a reset that arrived while it was
 * held (see vfio_ap_mig_reset()).
 */
static void vfio_ap_mig_state_unlock(struct vfio_ap_migration *mig)
{
again:
	spin_lock(&mig->reset_lock);
	if (mig->deferred_reset) {
		mig->deferred_reset = false;
		spin_unlock(&mig->reset_lock);
		vfio_ap_mig_disable_files(mig);
		/* The reset dropped the guest's registrations with its queues. */
		vfio_ap_mig_irq_drop(container_of(mig, struct ap_matrix_mdev, mig));
		mig->state = VFIO_DEVICE_STATE_RUNNING;
		goto again;
	}
	mutex_unlock(&mig->state_mutex);
	spin_unlock(&mig->reset_lock);
}

static int vfio_ap_mig_file_release(struct inode *inode, struct file *filp)
{
	struct vfio_ap_mig_file *migf = filp->private_data;

	vfio_ap_mig_file_disable(migf);
	mutex_destroy(&migf->lock);
	kfree(migf);
	return 0;
}

static ssize_t vfio_ap_mig_save_read(struct file *filp, char __user *ubuf,
				     size_t len, loff_t *pos)
{
	struct vfio_ap_mig_file *migf = filp->private_data;
	ssize_t ret;
	size_t n;

	/* A stream: pread() never gets here, a position means misuse. */
	if (pos)
		return -ESPIPE;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (migf->pos == migf->len) {
		/* The temporary end of pre-copy data, or the real end. */
		ret = migf->final ? 0 : -ENOMSG;
		goto out_unlock;
	}
	n = min(len, migf->len - migf->pos);
	if (copy_to_user(ubuf, migf->buf + migf->pos, n)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	migf->pos += n;
	ret = n;
out_unlock:
	mutex_unlock(&migf->lock);
	return ret;
}

/* Check a configuration record as soon as it is complete. */
static int vfio_ap_mig_resume_check(struct vfio_ap_mig_file *migf)
{
	const struct vfio_ap_mig_config *cfg = vfio_ap_mig_decoder_config(&migf->dec);
	struct ap_matrix_mdev *matrix_mdev = migf->matrix_mdev;
	int ret;

	migf->verified = false;
	ret = vfio_ap_mig_host_check(matrix_mdev, cfg, vfio_ap_mig_log_problem,
				     matrix_mdev, &migf->verified_gen);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		dev_err_ratelimited(vfio_ap_mig_dev(matrix_mdev),
				    "migration refused: %d problem(s) with the incoming AP configuration\n",
				    ret);
		return -ENXIO;
	}
	migf->verified = true;
	return 0;
}

/* Feed one chunk to the decoder, noting a configuration it completes. */
static int vfio_ap_mig_resume_feed(struct vfio_ap_mig_file *migf, size_t n)
{
	enum vfio_ap_mig_event event;
	size_t done = 0;
	ssize_t used;

	while (done < n) {
		used = vfio_ap_mig_decoder_feed(&migf->dec, migf->bounce + done,
						n - done, &event);
		if (used < 0) {
			dev_err_ratelimited(vfio_ap_mig_dev(migf->matrix_mdev),
					    "migration stream rejected: %s\n",
					    vfio_ap_mig_decoder_errmsg(&migf->dec));
			return used;
		}
		done += used;
		if (event == VFIO_AP_MIG_EV_CONFIG) {
			migf->unchecked = true;
			migf->verified = false;
		}
	}
	return 0;
}

/*
 * Userspace may write anything here. Bytes are copied in chunks into the
 * file's bounce buffer and decoded from there, never read twice from user
 * memory. A stream that failed stays failed, including one whose write
 * faulted after some of its bytes were taken.
 */
static ssize_t vfio_ap_mig_resume_write(struct file *filp, const char __user *ubuf,
					size_t len, loff_t *pos)
{
	struct vfio_ap_mig_file *migf = filp->private_data;
	size_t done = 0;
	size_t n;
	int ret;

	if (pos)
		return -ESPIPE;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (migf->error) {
		ret = migf->error;
		goto out_unlock;
	}
	/* Refuse before copying anything: no stream is ever this long. */
	if (len > VFIO_AP_MIG_MAX_STREAM - migf->written) {
		dev_err_ratelimited(vfio_ap_mig_dev(migf->matrix_mdev),
				    "migration stream rejected: more than %u bytes\n",
				    VFIO_AP_MIG_MAX_STREAM);
		ret = -EFBIG;
		goto out_unlock;
	}
	while (done < len) {
		n = min_t(size_t, len - done, VFIO_AP_MIG_WRITE_CHUNK);
		if (copy_from_user(migf->bounce, ubuf + done, n)) {
			/* Bytes already taken leave a hole: the stream is lost. */
			if (done)
				migf->error = -EFAULT;
			ret = -EFAULT;
			goto out_unlock;
		}
		ret = vfio_ap_mig_resume_feed(migf, n);
		if (ret) {
			migf->error = ret;
			goto out_unlock;
		}
		done += n;
		migf->written += n;
	}
	/*
	 * Check the last configuration this write completed: early, while
	 * the source may still run, and once per write however many records
	 * a hostile stream packs into it.
	 */
	ret = 0;
	if (migf->unchecked) {
		migf->unchecked = false;
		ret = vfio_ap_mig_resume_check(migf);
		if (ret)
			migf->error = ret;
	}
out_unlock:
	mutex_unlock(&migf->lock);
	return ret ? ret : (ssize_t)done;
}

/*
 * Bytes STOP_COPY will add to the saving stream of @migf when the mdev is
 * at @generation, its guest's record @record_size bytes: the generation
 * alone decides, so this is exact without asking the hardware.
 */
static size_t vfio_ap_mig_stop_copy_tail(const struct vfio_ap_mig_file *migf,
					 u64 generation, size_t record_size)
{
	if (generation == migf->snapshot_gen)
		return VFIO_AP_MIG_UNCHANGED_RECORD_SIZE;
	return record_size;
}

/* Make room for @add more bytes, keeping @spare beyond them reserved. */
static int vfio_ap_mig_save_reserve(struct vfio_ap_mig_file *migf, size_t add,
				    size_t spare)
{
	u8 *buf;

	if (migf->len + add <= migf->cap)
		return 0;
	buf = kvmalloc(migf->len + add + spare, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (migf->len)
		memcpy(buf, migf->buf, migf->len);
	kvfree(migf->buf);
	migf->buf = buf;
	migf->cap = migf->len + add + spare;
	return 0;
}

/*
 * Append a record for @cfg (or UNCHANGED when @cfg is NULL) to the stream.
 * A pre-copy record reserves room for the UNCHANGED record behind it, so
 * the common stop-copy neither allocates nor copies while the guest waits.
 */
static int vfio_ap_mig_save_append(struct vfio_ap_mig_file *migf,
				   const struct vfio_ap_mig_config *cfg,
				   u32 seq, u16 flags)
{
	size_t add = cfg ? vfio_ap_mig_config_size(cfg) :
			   VFIO_AP_MIG_UNCHANGED_RECORD_SIZE;
	size_t spare = flags & VFIO_AP_MIG_REC_FINAL ? 0 :
		       VFIO_AP_MIG_UNCHANGED_RECORD_SIZE;
	ssize_t n;
	int ret;

	ret = vfio_ap_mig_save_reserve(migf, add, spare);
	if (ret)
		return ret;
	if (cfg)
		n = vfio_ap_mig_encode_config(cfg, seq, flags, migf->buf + migf->len, add);
	else
		n = vfio_ap_mig_encode_unchanged(seq, migf->buf + migf->len, add);
	if (n < 0)
		return n;
	migf->len += n;
	migf->final = flags & VFIO_AP_MIG_REC_FINAL;
	wake_up_interruptible(&migf->wait);
	return 0;
}

/*
 * During pre-copy: if the mdev's generation moved, read the configuration
 * again and, if it really differs, append it as a non-final record, so the
 * destination checks it before the source stops. The stream always keeps
 * room for the largest final record; a change that would not leave it is
 * sent by stop-copy instead. Returns true if a record was appended.
 */
static bool vfio_ap_mig_save_refresh(struct vfio_ap_mig_file *migf, int *err)
{
	struct vfio_ap_mig_config now = {};
	u64 gen, now_gen;
	size_t size;

	*err = 0;
	vfio_ap_mig_host_peek(migf->matrix_mdev, &gen, &size);
	if (gen == migf->snapshot_gen)
		return false;
	if (migf->len + size >
	    VFIO_AP_MIG_MAX_STREAM - VFIO_AP_MIG_MAX_RECORD)
		return false;
	*err = vfio_ap_mig_host_read_config(migf->matrix_mdev, &now, &now_gen);
	if (*err)
		return false;
	if (vfio_ap_mig_config_equal(&migf->snapshot, &now)) {
		/* Something moved, but not what the guest sees. */
		migf->snapshot_gen = now_gen;
		vfio_ap_mig_config_free(&now);
		return false;
	}
	if (migf->len + vfio_ap_mig_config_size(&now) >
	    VFIO_AP_MIG_MAX_STREAM - VFIO_AP_MIG_MAX_RECORD) {
		vfio_ap_mig_config_free(&now);
		return false;
	}
	*err = vfio_ap_mig_save_append(migf, &now, migf->next_seq, 0);
	if (*err) {
		vfio_ap_mig_config_free(&now);
		return false;
	}
	migf->next_seq++;
	vfio_ap_mig_config_free(&migf->snapshot);
	migf->snapshot = now;
	migf->snapshot_gen = now_gen;
	return true;
}

/*
 * VFIO_MIG_GET_PRECOPY_INFO. Only the file's own lock is taken: while the
 * file is not disabled the device is open, so its host state may be read.
 * A saving file is in pre-copy until stop-copy made its stream final.
 *
 * A changed configuration is new initial data: with the PRECOPY_INFOv2
 * opt-in it is reported with VFIO_PRECOPY_INFO_REINIT, so userspace waiting
 * for the initial data (switchover-ack) waits for the destination to check
 * it again; without it, `flags` stays 0 and the change counts as dirty.
 */
static long vfio_ap_mig_precopy_ioctl(struct file *filp, unsigned int cmd,
				      unsigned long arg)
{
	struct vfio_ap_mig_file *migf = filp->private_data;
	struct vfio_precopy_info info = {};
	bool appended, v2;
	int ret;

	ret = vfio_check_precopy_ioctl(&migf->matrix_mdev->vdev, cmd, arg, &info);
	if (ret)
		return ret;
	/* Output only; v1 leaves the caller's value there, which we never echo. */
	info.flags = 0;

	mutex_lock(&migf->lock);
	if (migf->disabled || migf->final) {
		ret = -EINVAL;
		goto out_unlock;
	}
	appended = vfio_ap_mig_save_refresh(migf, &ret);
	if (ret)
		goto out_unlock;
	v2 = migf->matrix_mdev->vdev.precopy_info_v2;
	if (appended && v2) {
		migf->initial_end = migf->len;
		info.flags |= VFIO_PRECOPY_INFO_REINIT;
	}
	info.initial_bytes = migf->pos < migf->initial_end ?
			     migf->initial_end - migf->pos : 0;
	info.dirty_bytes = migf->len - max(migf->pos, migf->initial_end);
	mutex_unlock(&migf->lock);

	return copy_to_user((void __user *)arg, &info,
			    offsetofend(struct vfio_precopy_info, dirty_bytes)) ?
	       -EFAULT : 0;

out_unlock:
	mutex_unlock(&migf->lock);
	return ret;
}

/* Readable while bytes remain, at the end of a finished stream, and once disabled. */
static __poll_t vfio_ap_mig_save_poll(struct file *filp,
				      struct poll_table_struct *wait)
{
	struct vfio_ap_mig_file *migf = filp->private_data;
	__poll_t mask = 0;

	poll_wait(filp, &migf->wait, wait);
	mutex_lock(&migf->lock);
	if (migf->disabled)
		mask = EPOLLIN | EPOLLRDNORM | EPOLLERR;
	else if (migf->pos < migf->len || migf->final)
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&migf->lock);
	return mask;
}

static const struct file_operations vfio_ap_mig_save_fops = {
	.owner = THIS_MODULE,
	.read = vfio_ap_mig_save_read,
	.poll = vfio_ap_mig_save_poll,
	.unlocked_ioctl = vfio_ap_mig_precopy_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = vfio_ap_mig_file_release,
	.llseek = noop_llseek,
};

static const struct file_operations vfio_ap_mig_resume_fops = {
	.owner = THIS_MODULE,
	.write = vfio_ap_mig_resume_write,
	.release = vfio_ap_mig_file_release,
	.llseek = noop_llseek,
};

static struct vfio_ap_mig_file *
vfio_ap_mig_file_create(struct ap_matrix_mdev *matrix_mdev,
			const struct file_operations *fops, int flags)
{
	struct vfio_ap_mig_file *migf;
	struct file *filp;

	migf = kzalloc_obj(*migf, GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->matrix_mdev = matrix_mdev;
	mutex_init(&migf->lock);
	init_waitqueue_head(&migf->wait);
	vfio_ap_mig_decoder_init(&migf->dec);

	filp = anon_inode_getfile("vfio_ap_mig", fops, migf, flags);
	if (IS_ERR(filp)) {
		mutex_destroy(&migf->lock);
		kfree(migf);
		return ERR_CAST(filp);
	}
	migf->filp = filp;
	stream_open(filp->f_inode, filp);
	return migf;
}

/* Secure Execution guests cannot be migrated with their AP queues. */
static int vfio_ap_mig_refuse_se(struct ap_matrix_mdev *matrix_mdev)
{
	if (!vfio_ap_mig_host_is_se_guest(matrix_mdev))
		return 0;
	dev_err_ratelimited(vfio_ap_mig_dev(matrix_mdev),
			    "migration refused: AP queues of a Secure Execution guest cannot be migrated\n");
	return -EPERM;
}

/* RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P, STOP -> STOP_COPY */
static struct file *vfio_ap_mig_save_start(struct ap_matrix_mdev *matrix_mdev,
					   bool precopy)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;
	struct vfio_ap_mig_file *migf;
	int ret;

	ret = vfio_ap_mig_refuse_se(matrix_mdev);
	if (ret)
		return ERR_PTR(ret);

	migf = vfio_ap_mig_file_create(matrix_mdev, &vfio_ap_mig_save_fops, O_RDONLY);
	if (IS_ERR(migf))
		return ERR_CAST(migf);

	/* The one snapshot of the whole session, unless the generation moves. */
	ret = vfio_ap_mig_host_read_config(matrix_mdev, &migf->snapshot,
					   &migf->snapshot_gen);
	if (ret)
		goto err_put_file;
	ret = vfio_ap_mig_save_append(migf, &migf->snapshot, 0,
				      precopy ? 0 : VFIO_AP_MIG_REC_FINAL);
	if (ret)
		goto err_put_file;
	migf->initial_end = precopy ? migf->len : 0;
	migf->next_seq = 1;

	mig->saving = migf;
	return get_file(migf->filp);

err_put_file:
	fput(migf->filp);
	return ERR_PTR(ret);
}

/*
 * PRE_COPY_P2P -> STOP_COPY: the guest is stopped. Nothing changed since the
 * snapshot (same generation): a short UNCHANGED record, no TAPQ. Otherwise
 * the configuration as it is now, whole, as the final record.
 */
static int vfio_ap_mig_save_stop_copy(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_mig_file *migf = matrix_mdev->mig.saving;
	struct vfio_ap_mig_config now = {};
	size_t size;
	u64 gen;
	int ret;

	vfio_ap_mig_host_peek(matrix_mdev, &gen, &size);
	mutex_lock(&migf->lock);
	if (gen == migf->snapshot_gen) {
		ret = vfio_ap_mig_save_append(migf, NULL, migf->next_seq,
					      VFIO_AP_MIG_REC_FINAL |
					      VFIO_AP_MIG_REC_UNCHANGED);
		goto out_unlock;
	}
	ret = vfio_ap_mig_host_read_config(matrix_mdev, &now, &gen);
	if (ret)
		goto out_unlock;
	ret = vfio_ap_mig_save_append(migf, &now, migf->next_seq,
				      VFIO_AP_MIG_REC_FINAL);
	vfio_ap_mig_config_free(&now);
out_unlock:
	mutex_unlock(&migf->lock);
	return ret;
}

/* STOP -> RESUMING */
static struct file *vfio_ap_mig_resume_start(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_mig_file *migf;
	int ret;

	ret = vfio_ap_mig_refuse_se(matrix_mdev);
	if (ret)
		return ERR_PTR(ret);

	migf = vfio_ap_mig_file_create(matrix_mdev, &vfio_ap_mig_resume_fops, O_WRONLY);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	migf->bounce = kmalloc(VFIO_AP_MIG_WRITE_CHUNK, GFP_KERNEL_ACCOUNT);
	if (!migf->bounce) {
		fput(migf->filp);
		return ERR_PTR(-ENOMEM);
	}
	matrix_mdev->mig.resuming = migf;
	return get_file(migf->filp);
}

/*
 * RESUMING -> STOP: the stream must be complete and its configuration
 * verified against the destination mdev as it is now. A check that passed
 * at the same generation of the mdev still holds; otherwise check again.
 * Nothing is written to the mdev either way.
 */
static int vfio_ap_mig_resume_finish(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_mig_file *migf = matrix_mdev->mig.resuming;
	size_t size;
	u64 gen;
	int ret;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (migf->error) {
		ret = migf->error;
		goto out_unlock;
	}
	ret = vfio_ap_mig_decoder_finish(&migf->dec);
	if (ret) {
		dev_err_ratelimited(vfio_ap_mig_dev(matrix_mdev),
				    "migration stream rejected: %s\n",
				    vfio_ap_mig_decoder_errmsg(&migf->dec));
		goto out_unlock;
	}
	vfio_ap_mig_host_peek(matrix_mdev, &gen, &size);
	if (!migf->verified || gen != migf->verified_gen)
		ret = vfio_ap_mig_resume_check(migf);
	/* The guest's registrations, made when it is about to run. */
	if (!ret)
		ret = vfio_ap_mig_irq_hold(matrix_mdev,
					   vfio_ap_mig_decoder_config(&migf->dec));
out_unlock:
	mutex_unlock(&migf->lock);
	return ret;
}

/* Take one arc of the migration FSM; return a data file for arcs that make one. */
static struct file *vfio_ap_mig_step(struct ap_matrix_mdev *matrix_mdev,
				     enum vfio_device_mig_state next)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;
	enum vfio_device_mig_state cur = mig->state;
	int ret;

	lockdep_assert_held(&mig->state_mutex);

	/*
	 * RUNNING -> RUNNING_P2P, RUNNING_P2P -> RUNNING, PRE_COPY ->
	 * PRE_COPY_P2P, PRE_COPY_P2P -> PRE_COPY: vfio-ap does no DMA, so
	 * peer-to-peer quiescing has nothing to do.
	 */
	if ((cur == VFIO_DEVICE_STATE_RUNNING && next == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY && next == VFIO_DEVICE_STATE_PRE_COPY_P2P) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && next == VFIO_DEVICE_STATE_PRE_COPY))
		return NULL;

	/* RUNNING_P2P -> STOP: the queues stop writing the stopped guest. */
	if (cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_STOP) {
		ret = vfio_ap_mig_irq_suspend(matrix_mdev);
		return ret ? ERR_PTR(ret) : NULL;
	}

	/* STOP -> RUNNING_P2P: the guest will run: its registrations, a kick. */
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RUNNING_P2P) {
		vfio_ap_mig_irq_resume(matrix_mdev);
		return NULL;
	}

	/* RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P: start saving */
	if ((cur == VFIO_DEVICE_STATE_RUNNING && next == VFIO_DEVICE_STATE_PRE_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_PRE_COPY_P2P))
		return vfio_ap_mig_save_start(matrix_mdev, true);

	/* STOP -> STOP_COPY: save without pre-copy */
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_STOP_COPY)
		return vfio_ap_mig_save_start(matrix_mdev, false);

	/*
	 * PRE_COPY_P2P -> STOP_COPY: the queues stop writing the stopped
	 * guest, then the stream the same file carries is finished.
	 */
	if (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && next == VFIO_DEVICE_STATE_STOP_COPY) {
		ret = vfio_ap_mig_irq_suspend(matrix_mdev);
		if (ret)
			return ERR_PTR(ret);
		ret = vfio_ap_mig_save_stop_copy(matrix_mdev);
		if (ret) {
			vfio_ap_mig_irq_resume(matrix_mdev);
			return ERR_PTR(ret);
		}
		return NULL;
	}

	/*
	 * PRE_COPY -> RUNNING, PRE_COPY_P2P -> RUNNING_P2P, STOP_COPY -> STOP:
	 * the saving session ends.
	 */
	if ((cur == VFIO_DEVICE_STATE_PRE_COPY && next == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && next == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_STOP_COPY && next == VFIO_DEVICE_STATE_STOP)) {
		vfio_ap_mig_disable_files(mig);
		return NULL;
	}

	/* STOP -> RESUMING */
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RESUMING)
		return vfio_ap_mig_resume_start(matrix_mdev);

	/* RESUMING -> STOP: verify, then the session ends */
	if (cur == VFIO_DEVICE_STATE_RESUMING && next == VFIO_DEVICE_STATE_STOP) {
		ret = vfio_ap_mig_resume_finish(matrix_mdev);
		vfio_ap_mig_disable_files(mig);
		return ret ? ERR_PTR(ret) : NULL;
	}

	/* vfio_mig_get_next_state() asks for no other arc */
	WARN_ON(true);
	return ERR_PTR(-EINVAL);
}

static struct file *vfio_ap_mig_set_state(struct vfio_device *vdev,
					  enum vfio_device_mig_state new_state)
{
	struct ap_matrix_mdev *matrix_mdev = vdev_to_mdev(vdev);
	struct vfio_ap_migration *mig = &matrix_mdev->mig;
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&mig->state_mutex);
	if (!mig->opened) {
		/* Before open_device the device is RUNNING and stays so. */
		if (new_state != VFIO_DEVICE_STATE_RUNNING)
			res = ERR_PTR(-ENODEV);
		goto out_unlock;
	}
	/* Only VFIO_DEVICE_RESET leaves ERROR; the FSM would WARN on it. */
	if (mig->state == VFIO_DEVICE_STATE_ERROR) {
		res = ERR_PTR(-EINVAL);
		goto out_unlock;
	}
	while (mig->state != new_state) {
		ret = vfio_mig_get_next_state(vdev, mig->state, new_state, &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = vfio_ap_mig_step(matrix_mdev, next);
		if (IS_ERR(res)) {
			/* A failed resume leaves nothing applied but no usable state. */
			if (mig->state == VFIO_DEVICE_STATE_RESUMING)
				mig->state = VFIO_DEVICE_STATE_ERROR;
			break;
		}
		mig->state = next;
		if (WARN_ON(res && new_state != next)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
out_unlock:
	vfio_ap_mig_state_unlock(mig);
	return res;
}

static int vfio_ap_mig_get_state(struct vfio_device *vdev,
				 enum vfio_device_mig_state *curr_state)
{
	struct vfio_ap_migration *mig = &vdev_to_mdev(vdev)->mig;

	mutex_lock(&mig->state_mutex);
	*curr_state = mig->opened ? mig->state : VFIO_DEVICE_STATE_RUNNING;
	vfio_ap_mig_state_unlock(mig);
	return 0;
}

/*
 * Exactly the bytes a STOP_COPY read would return from now on: the unread
 * rest of a saving stream plus what stop-copy appends, or, before saving,
 * the one record STOP -> STOP_COPY would produce. No hardware access, so
 * it never fails because of a queue.
 */
static int vfio_ap_mig_get_data_size(struct vfio_device *vdev,
				     unsigned long *stop_copy_length)
{
	struct ap_matrix_mdev *matrix_mdev = vdev_to_mdev(vdev);
	struct vfio_ap_migration *mig = &matrix_mdev->mig;
	struct vfio_ap_mig_file *migf;
	size_t size;
	u64 gen;

	mutex_lock(&mig->state_mutex);
	migf = mig->saving;
	if (migf && mig->state == VFIO_DEVICE_STATE_STOP_COPY) {
		mutex_lock(&migf->lock);
		*stop_copy_length = migf->len - migf->pos;
		mutex_unlock(&migf->lock);
		goto out_unlock;
	}
	vfio_ap_mig_host_peek(matrix_mdev, &gen, &size);
	if (migf) {
		mutex_lock(&migf->lock);
		*stop_copy_length = migf->len - migf->pos +
				    vfio_ap_mig_stop_copy_tail(migf, gen, size);
		mutex_unlock(&migf->lock);
	} else {
		*stop_copy_length = size;
	}
out_unlock:
	vfio_ap_mig_state_unlock(mig);
	return 0;
}

static const struct vfio_migration_ops vfio_ap_mig_ops = {
	.migration_set_state = vfio_ap_mig_set_state,
	.migration_get_state = vfio_ap_mig_get_state,
	.migration_get_data_size = vfio_ap_mig_get_data_size,
};

/**
 * vfio_ap_mig_init - set up migration for a new matrix mdev
 * @matrix_mdev: the mdev, from its vfio_device init callback
 */
void vfio_ap_mig_init(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;

	mutex_init(&mig->state_mutex);
	spin_lock_init(&mig->reset_lock);
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	matrix_mdev->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
					    VFIO_MIGRATION_P2P |
					    VFIO_MIGRATION_PRE_COPY;
	matrix_mdev->vdev.mig_ops = &vfio_ap_mig_ops;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_init);

/**
 * vfio_ap_mig_release - free the migration state of a matrix mdev
 * @matrix_mdev: the mdev, from its vfio_device release callback
 */
void vfio_ap_mig_release(struct ap_matrix_mdev *matrix_mdev)
{
	mutex_destroy(&matrix_mdev->mig.state_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_release);

/**
 * vfio_ap_mig_open - the device was opened: it is RUNNING
 * @matrix_mdev: the mdev, from its open_device callback
 */
void vfio_ap_mig_open(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;

	mutex_lock(&mig->state_mutex);
	mig->opened = true;
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	vfio_ap_mig_state_unlock(mig);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_open);

/**
 * vfio_ap_mig_close - the device is closed: end any session
 * @matrix_mdev: the mdev, from its close_device callback
 *
 * The data files userspace may still hold are disabled before this returns.
 */
void vfio_ap_mig_close(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;

	mutex_lock(&mig->state_mutex);
	vfio_ap_mig_disable_files(mig);
	vfio_ap_mig_irq_drop(matrix_mdev);
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	mig->opened = false;
	vfio_ap_mig_state_unlock(mig);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_close);

/**
 * vfio_ap_mig_reset - VFIO_DEVICE_RESET: back to RUNNING, files disabled
 * @matrix_mdev: the mdev; called without vfio_ap's locks held
 *
 * A reset is how userspace recovers from a failed or stuck transition, so
 * it never waits for the state mutex: if a transition holds it, the reset
 * is left to that holder, which runs it when it unlocks.
 */
void vfio_ap_mig_reset(struct ap_matrix_mdev *matrix_mdev)
{
	struct vfio_ap_migration *mig = &matrix_mdev->mig;

	spin_lock(&mig->reset_lock);
	mig->deferred_reset = true;
	if (!mutex_trylock(&mig->state_mutex)) {
		spin_unlock(&mig->reset_lock);
		return;
	}
	spin_unlock(&mig->reset_lock);
	vfio_ap_mig_state_unlock(mig);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_reset);
