// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the shim's CUSTOMISED FAKES: the slab and uaccess fault knobs,
 * lockdep_assert_held() really checking the owner, the log recorder, the
 * VFS rules around struct file, and the VFIO core's feature ioctl checks.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <linux/anon_inodes.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include <shim/bug.h>
#include <shim/lock.h>
#include <shim/log.h>
#include <shim/poll.h>
#include <shim/slab.h>
#include <shim/uaccess.h>
#include <shim/vfio.h>
#include <shim/vfs.h>

/* Tests that the N-th allocation fails, once, and live counts balance. */
static void test_slab_fail_nth(void **state)
{
	long live = shim_slab_live();
	void *a, *b, *c;

	shim_slab_reset();
	shim_slab_fail_nth(2);
	a = kmalloc(8, GFP_KERNEL);
	b = kvcalloc(4, 4, GFP_KERNEL);
	c = kzalloc(8, GFP_KERNEL);
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	assert_int_equal(shim_slab_attempts(), 3);
	assert_int_equal(shim_slab_live(), live + 2);
	assert_int_equal(((u8 *)c)[7], 0);
	kfree(a);
	kvfree(c);
	kfree(NULL);
	assert_int_equal(shim_slab_live(), live);
	/* overflowing array sizes fail like the kernel's */
	assert_null(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	assert_null(kvmalloc((size_t)INT_MAX + 1, GFP_KERNEL));
	assert_int_equal(shim_slab_live(), live);
}

/* Tests that the N-th copy faults in the chosen direction only. */
static void test_uaccess_fail_nth(void **state)
{
	char src[4] = "abc", dst[4] = "xyz";

	shim_uaccess_reset();
	shim_uaccess_fail_nth(SHIM_COPY_FROM_USER, 2);
	assert_int_equal(copy_from_user(dst, src, 4), 0);
	assert_int_equal(copy_to_user(dst, src, 4), 0);
	memcpy(dst, "xyz", 4);
	assert_int_equal(copy_from_user(dst, src, 4), 4);
	assert_memory_equal(dst, "\0\0\0\0", 4);	/* zeroed on fault */
	assert_int_equal(copy_from_user(dst, src, 4), 0);
	assert_int_equal(shim_uaccess_faults(), 1);
	assert_int_equal(copy_to_user(NULL, src, 4), 4);
	assert_int_equal(copy_to_user(NULL, src, 0), 0);
	shim_uaccess_fail_nth(SHIM_COPY_ANY, 1);
	assert_int_equal(copy_to_user(dst, src, 1), 1);
	assert_int_equal(shim_uaccess_copies(SHIM_COPY_FROM_USER), 3);
	shim_uaccess_reset();
}

static jmp_buf lock_jmp;
static char lock_what[256];

static void lock_failed(const char *what)
{
	snprintf(lock_what, sizeof(lock_what), "%s", what);
	longjmp(lock_jmp, 1);
}

struct holder {
	struct mutex *m;
	pthread_mutex_t go;
	pthread_cond_t cv;
	int stage;
};

static void *hold_mutex(void *arg)
{
	struct holder *h = arg;

	mutex_lock(h->m);
	pthread_mutex_lock(&h->go);
	h->stage = 1;
	pthread_cond_broadcast(&h->cv);
	while (h->stage != 2)
		pthread_cond_wait(&h->cv, &h->go);
	pthread_mutex_unlock(&h->go);
	mutex_unlock(h->m);
	return NULL;
}

/* Tests that lockdep_assert_held() fails unless this thread holds the lock. */
static void test_lockdep_assert_held_checks_owner(void **state)
{
	static struct mutex m;
	static spinlock_t s;
	struct holder h = { .m = &m, .go = PTHREAD_MUTEX_INITIALIZER,
			    .cv = PTHREAD_COND_INITIALIZER };
	volatile int failures = 0;
	pthread_t t;

	mutex_init(&m);
	spin_lock_init(&s);
	shim_lock_set_fail_handler(lock_failed);

	if (!setjmp(lock_jmp))
		lockdep_assert_held(&m);	/* not held at all */
	else
		failures++;
	assert_int_equal(failures, 1);
	assert_non_null(strstr(lock_what, "lockdep_assert_held(&m)"));

	mutex_lock(&m);
	lockdep_assert_held(&m);		/* held by us: passes */
	mutex_unlock(&m);

	/* held, but by another thread */
	pthread_create(&t, NULL, hold_mutex, &h);
	pthread_mutex_lock(&h.go);
	while (h.stage != 1)
		pthread_cond_wait(&h.cv, &h.go);
	pthread_mutex_unlock(&h.go);
	assert_true(mutex_is_locked(&m));
	assert_false(mutex_trylock(&m));
	if (!setjmp(lock_jmp))
		lockdep_assert_held(&m);
	else
		failures++;
	assert_int_equal(failures, 2);
	if (!setjmp(lock_jmp))
		mutex_unlock(&m);		/* not ours to unlock */
	else
		failures++;
	assert_int_equal(failures, 3);
	pthread_mutex_lock(&h.go);
	h.stage = 2;
	pthread_cond_broadcast(&h.cv);
	pthread_mutex_unlock(&h.go);
	pthread_join(t, NULL);

	spin_lock(&s);
	lockdep_assert_held(&s);
	if (!setjmp(lock_jmp))
		lockdep_assert_not_held(&s);
	else
		failures++;
	assert_int_equal(failures, 4);
	if (!setjmp(lock_jmp))
		spin_lock(&s);			/* recursion deadlocks a kernel */
	else
		failures++;
	assert_int_equal(failures, 5);
	spin_unlock(&s);
	if (!setjmp(lock_jmp))
		lockdep_assert_held(&s);
	else
		failures++;
	assert_int_equal(failures, 6);

	assert_true(mutex_trylock(&m));
	assert_false(mutex_trylock(&m));	/* our own: fails, no deadlock */
	mutex_unlock(&m);
	mutex_destroy(&m);
	shim_lock_set_fail_handler(NULL);
}

/* Tests that printk and dev_*() lines are recorded with their level. */
static void test_log_records_lines(void **state)
{
	struct device dev = { .init_name = "mdev0" };
	char line[128];
	int level;

	shim_log_clear();
	pr_info("hello %d\n", 1);
	dev_err_ratelimited(&dev, "refused: %s\n", "queue 03.0004");
	dev_dbg(&dev, "not recorded\n");
	assert_int_equal(shim_log_count(), 2);
	assert_true(shim_log_line(1, &level, line, sizeof(line)));
	assert_int_equal(level, 3);
	assert_string_equal(line, "mdev0: refused: queue 03.0004");
	assert_int_equal(shim_log_grep("03.0004"), 1);
	assert_int_equal(shim_log_count_level(6), 1);
	shim_log_debug(true);
	dev_dbg(&dev, "now recorded\n");
	shim_log_debug(false);
	assert_int_equal(shim_log_count_level(7), 1);
	assert_false(shim_log_line(3, NULL, NULL, 0));
	assert_true(WARN_ON(1 + 1 == 2));
	assert_int_equal(shim_log_grep("WARNING"), 1);
	shim_log_clear();
	assert_int_equal(shim_log_count(), 0);
}

struct fake_data {
	int releases;
	loff_t *last_pos;
	size_t last_len;
};

static ssize_t fake_read(struct file *f, char __user *buf, size_t len, loff_t *pos)
{
	struct fake_data *d = f->private_data;

	d->last_pos = pos;
	d->last_len = len;
	memset(buf, 'x', len);
	if (pos)
		*pos += len;
	return len;
}

static ssize_t fake_write(struct file *f, const char __user *buf, size_t len,
			  loff_t *pos)
{
	struct fake_data *d = f->private_data;

	d->last_pos = pos;
	return len;
}

static int fake_release(struct inode *inode, struct file *f)
{
	struct fake_data *d = f->private_data;

	d->releases++;
	return 0;
}

static const struct file_operations fake_fops = {
	.read = fake_read,
	.write = fake_write,
	.release = fake_release,
	.llseek = noop_llseek,
};

/* Tests the f_mode an anon file gets and what stream_open changes. */
static void test_anon_file_modes(void **state)
{
	struct fake_data d = {};
	struct file *f = anon_inode_getfile("t", &fake_fops, &d, O_RDONLY);
	char buf[8];

	assert_false(IS_ERR(f));
	assert_true(f->f_mode & FMODE_READ);
	assert_false(f->f_mode & FMODE_WRITE);
	assert_true(f->f_mode & FMODE_CAN_READ);
	assert_true(f->f_mode & FMODE_LSEEK);
	assert_false(f->f_mode & FMODE_PREAD);	/* anon files never have it */
	assert_int_equal(shim_vfs_read(f, buf, 4), 4);
	assert_ptr_not_equal(d.last_pos, NULL);	/* not a stream yet */
	assert_int_equal(f->f_pos, 4);
	assert_int_equal(shim_vfs_write(f, buf, 4), -EBADF);
	stream_open(f->f_inode, f);
	assert_true(f->f_mode & FMODE_STREAM);
	assert_false(f->f_mode & FMODE_LSEEK);
	assert_int_equal(shim_vfs_read(f, buf, 4), 4);
	assert_null(d.last_pos);		/* streams get no position */
	assert_int_equal(shim_vfs_pread(f, buf, 4, 0), -ESPIPE);
	assert_int_equal(shim_vfs_llseek(f, 0, SEEK_SET), -ESPIPE);
	assert_int_equal(shim_vfs_read(f, NULL, 4), -EFAULT);
	assert_int_equal(shim_vfs_ioctl(f, 1, 0), -ENOTTY);
	fput(f);
	assert_int_equal(d.releases, 1);

	f = shim_file_alloc(&fake_fops, &d, O_RDWR);
	assert_true(f->f_mode & FMODE_PREAD);
	assert_int_equal(shim_vfs_pwrite(f, buf, 4, 100), 4);
	assert_int_equal(*d.last_pos, 100);
	assert_int_equal(shim_vfs_pread(f, buf, 4, -1), -EINVAL);
	fput(f);
	assert_int_equal(d.releases, 2);
}

/* Tests that release runs on the last reference only, via fds too. */
static void test_fput_and_fd_table(void **state)
{
	struct fake_data d = {};
	long alive = shim_files_alive();
	struct file *f = anon_inode_getfile("t", &fake_fops, &d, O_WRONLY);
	char buf[4] = "abc";
	int fd;

	stream_open(f->f_inode, f);
	get_file(f);
	fd = shim_fd_install(f);
	assert_true(fd >= 1000);
	assert_int_equal(shim_sys_write(fd, buf, 3), 3);
	assert_int_equal(shim_sys_pwrite(fd, buf, 3, 0), -1);
	assert_int_equal(errno, ESPIPE);
	assert_int_equal(shim_sys_read(fd, buf, 3), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(shim_sys_close(fd), 0);
	assert_int_equal(d.releases, 0);	/* we still hold one */
	assert_int_equal(shim_sys_write(fd, buf, 3), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(shim_sys_close(fd), -1);
	fput(f);
	assert_int_equal(d.releases, 1);
	assert_int_equal(shim_files_alive(), alive);
}

/* Tests that a failing allocation makes anon_inode_getfile() fail. */
static void test_anon_inode_getfile_enomem(void **state)
{
	struct fake_data d = {};
	struct file *f;

	shim_slab_fail_nth(1);
	f = anon_inode_getfile("t", &fake_fops, &d, O_RDONLY);
	assert_true(IS_ERR(f));
	assert_int_equal(PTR_ERR(f), -ENOMEM);
	shim_slab_reset();
}

/* A driver that records the migration ops the VFIO core calls. */
struct fake_vdev {
	struct vfio_device vdev;
	struct device dev;
	enum vfio_device_mig_state state;
	int set_calls, resets, opens, closes;
	struct fake_data data;
};

static struct file *fake_set_state(struct vfio_device *vdev,
				   enum vfio_device_mig_state new_state)
{
	struct fake_vdev *f = container_of(vdev, struct fake_vdev, vdev);

	f->set_calls++;
	if (new_state == VFIO_DEVICE_STATE_ERROR)
		return ERR_PTR(-EINVAL);
	f->state = new_state;
	if (new_state == VFIO_DEVICE_STATE_STOP_COPY)
		return anon_inode_getfile("d", &fake_fops, &f->data, O_RDONLY);
	return NULL;
}

static int fake_get_state(struct vfio_device *vdev, enum vfio_device_mig_state *s)
{
	*s = container_of(vdev, struct fake_vdev, vdev)->state;
	return 0;
}

static int fake_data_size(struct vfio_device *vdev, unsigned long *len)
{
	*len = 1234;
	return 0;
}

static const struct vfio_migration_ops fake_mig_ops = {
	.migration_set_state = fake_set_state,
	.migration_get_state = fake_get_state,
	.migration_get_data_size = fake_data_size,
};

static int fake_open(struct vfio_device *vdev)
{
	container_of(vdev, struct fake_vdev, vdev)->opens++;
	return 0;
}

static void fake_close(struct vfio_device *vdev)
{
	container_of(vdev, struct fake_vdev, vdev)->closes++;
}

static long fake_ioctl(struct vfio_device *vdev, unsigned int cmd, unsigned long arg)
{
	if (cmd != VFIO_DEVICE_RESET)
		return -ENOTTY;
	container_of(vdev, struct fake_vdev, vdev)->resets++;
	return 0;
}

static const struct vfio_device_ops fake_dev_ops = {
	.open_device = fake_open,
	.close_device = fake_close,
	.ioctl = fake_ioctl,
};

/* Tests the VFIO_DEVICE_FEATURE checks and the data fd hand-out. */
static void test_vfio_core_feature_ioctl(void **state)
{
	struct fake_vdev f = {
		.vdev = { .ops = &fake_dev_ops, .mig_ops = &fake_mig_ops,
			  .migration_flags = VFIO_MIGRATION_STOP_COPY },
		.state = VFIO_DEVICE_STATE_RUNNING,
	};
	u64 buf[4] = {};
	struct vfio_device_feature *feat = (void *)buf;
	enum vfio_device_mig_state s;
	u64 flags, len;
	int devfd, datafd, devfd2, keep;

	f.vdev.dev = &f.dev;
	devfd = shim_vfio_open_device(&f.vdev);
	devfd2 = shim_vfio_open_device(&f.vdev);
	assert_true(devfd >= 0 && devfd2 >= 0);
	assert_int_equal(f.opens, 1);

	assert_int_equal(shim_vfio_get_flags(devfd, &flags), 0);
	assert_int_equal(flags, VFIO_MIGRATION_STOP_COPY);
	assert_int_equal(shim_vfio_get_data_size(devfd, &len), 0);
	assert_int_equal(len, 1234);
	assert_int_equal(shim_vfio_get_state(devfd, &s), 0);
	assert_int_equal(s, VFIO_DEVICE_STATE_RUNNING);

	/* argsz smaller than the header */
	feat->argsz = 4;
	feat->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), -1);
	assert_int_equal(errno, EINVAL);
	/* GET and SET together */
	feat->argsz = sizeof(*feat) + 8;
	feat->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), -1);
	assert_int_equal(errno, EINVAL);
	/* unknown flag bit */
	feat->flags = (1U << 20) | VFIO_DEVICE_FEATURE_MIGRATION;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), -1);
	assert_int_equal(errno, EINVAL);
	/* SET of the read-only MIGRATION feature */
	feat->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIGRATION;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), -1);
	assert_int_equal(errno, EINVAL);
	/* PROBE succeeds without calling the driver */
	feat->flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), 0);
	assert_int_equal(f.set_calls, 0);
	/* payload too short for the feature */
	feat->argsz = sizeof(*feat) + 4;
	feat->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), -1);
	assert_int_equal(errno, EINVAL);
	/* a feature nobody implements */
	feat->argsz = sizeof(*feat) + 8;
	feat->flags = VFIO_DEVICE_FEATURE_GET | 77;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), -1);
	assert_int_equal(errno, ENOTTY);

	/* SET returning a file installs a data fd; an error reports data_fd -1 */
	assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_STOP, &datafd), 0);
	assert_int_equal(datafd, -1);
	assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_STOP_COPY,
					     &datafd), 0);
	assert_true(datafd >= 1000);
	keep = datafd;
	assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_ERROR, &datafd),
			 -EINVAL);
	assert_int_equal(datafd, -1);

	/* a fault copying the result back closes the new fd again */
	shim_uaccess_fail_nth(SHIM_COPY_TO_USER, 1);
	assert_int_equal(shim_vfio_set_state(devfd, VFIO_DEVICE_STATE_STOP_COPY,
					     &datafd), -EFAULT);
	assert_int_equal(f.data.releases, 1);
	shim_uaccess_reset();

	/* PRECOPY_INFOv2: refused without PRE_COPY, SET only, until last close */
	assert_int_equal(shim_vfio_set_precopy_v2(devfd), -EINVAL);
	f.vdev.migration_flags |= VFIO_MIGRATION_PRE_COPY;
	feat->argsz = sizeof(*feat);
	feat->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), -1);
	assert_int_equal(errno, EINVAL);
	feat->flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2;
	assert_int_equal(shim_sys_ioctl(devfd, VFIO_DEVICE_FEATURE, feat), 0);
	assert_int_equal(f.vdev.precopy_info_v2, 0);
	assert_int_equal(shim_vfio_set_precopy_v2(devfd), 0);
	assert_int_equal(f.vdev.precopy_info_v2, 1);

	assert_int_equal(shim_vfio_reset(devfd), 0);
	assert_int_equal(f.resets, 1);
	assert_int_equal(shim_vfio_precopy_info(devfd, NULL, NULL), -ENOTTY);
	assert_int_equal(shim_sys_close(devfd), 0);
	assert_int_equal(f.closes, 0);
	assert_int_equal(f.vdev.precopy_info_v2, 1);	/* devfd2 still open */
	assert_int_equal(shim_sys_close(devfd2), 0);
	assert_int_equal(f.closes, 1);
	assert_int_equal(f.vdev.precopy_info_v2, 0);
	assert_int_equal(shim_sys_close(keep), 0);
	assert_int_equal(f.data.releases, 2);
}

/* Tests vfio_check_precopy_ioctl(): 7.3's checks, flags zeroed only with v2. */
static void test_vfio_check_precopy_ioctl(void **state)
{
	struct vfio_device vdev = {};
	struct vfio_precopy_info in = { .argsz = sizeof(in), .flags = 0xdead };
	struct vfio_precopy_info info;

	assert_int_equal(vfio_check_precopy_ioctl(&vdev, VFIO_DEVICE_RESET,
						  (unsigned long)&in, &info), -ENOTTY);
	assert_int_equal(vfio_check_precopy_ioctl(&vdev, VFIO_MIG_GET_PRECOPY_INFO,
						  0, &info), -EFAULT);
	in.argsz = 23;
	assert_int_equal(vfio_check_precopy_ioctl(&vdev, VFIO_MIG_GET_PRECOPY_INFO,
						  (unsigned long)&in, &info), -EINVAL);
	in.argsz = sizeof(in);
	assert_int_equal(vfio_check_precopy_ioctl(&vdev, VFIO_MIG_GET_PRECOPY_INFO,
						  (unsigned long)&in, &info), 0);
	assert_int_equal(info.flags, 0xdead);		/* v1: left as given */
	vdev.precopy_info_v2 = 1;
	assert_int_equal(vfio_check_precopy_ioctl(&vdev, VFIO_MIG_GET_PRECOPY_INFO,
						  (unsigned long)&in, &info), 0);
	assert_int_equal(info.flags, 0);
}

/* Tests kzalloc_obj()/kmalloc_objs(): typed, zeroed, gfp optional, failable. */
static void test_typed_allocators(void **state)
{
	struct big { u64 a[5]; } *p, *arr;
	long live = shim_slab_live();

	p = kzalloc_obj(*p, GFP_KERNEL_ACCOUNT);
	assert_non_null(p);
	assert_int_equal(p->a[4], 0);
	kfree(p);
	p = kzalloc_obj(struct big);		/* GFP_KERNEL by default */
	assert_non_null(p);
	kfree(p);
	arr = kmalloc_objs(*arr, 3);
	assert_non_null(arr);
	kfree(arr);
	shim_slab_fail_nth(1);
	assert_null(kzalloc_obj(*p));
	shim_slab_reset();
	assert_int_equal(shim_slab_live(), live);
}

/* A file with a wait queue: readable while @ready. */
struct poll_fake {
	wait_queue_head_t wq;
	int ready;
	int polls;
};

static __poll_t poll_fake_poll(struct file *filp, struct poll_table_struct *pt)
{
	struct poll_fake *pf = filp->private_data;

	pf->polls++;
	poll_wait(filp, &pf->wq, pt);
	return __atomic_load_n(&pf->ready, __ATOMIC_ACQUIRE) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations poll_fake_fops = {
	.poll = poll_fake_poll,
};

static void *poll_fake_waker(void *arg)
{
	struct poll_fake *pf = arg;

	__atomic_store_n(&pf->ready, 1, __ATOMIC_RELEASE);
	wake_up_interruptible(&pf->wq);
	return NULL;
}

/* Tests poll_wait() recording, wake-up counting and poll(2) on a shim fd. */
static void test_poll_and_wait_queues(void **state)
{
	struct poll_fake pf = {};
	struct shim_poll_rec rec;
	struct fake_data d = {};
	struct file *f;
	pthread_t th;
	int fd;

	init_waitqueue_head(&pf.wq);
	f = anon_inode_getfile("p", &poll_fake_fops, &pf, O_RDONLY);
	assert_false(IS_ERR(f));
	/* the table records the queue and its count at that moment */
	shim_poll_rec_init(&rec);
	assert_int_equal(shim_vfs_poll(f, &rec.pt), 0);
	assert_int_equal(rec.nr, 1);
	assert_ptr_equal(rec.wq[0], &pf.wq);
	assert_int_equal(rec.seen[0], 0);
	wake_up(&pf.wq);
	wake_up_interruptible(&pf.wq);
	assert_int_equal(shim_wait_wakeups(&pf.wq), 2);
	/* no table: nothing recorded, still asked */
	assert_int_equal(shim_vfs_poll(f, NULL), 0);
	fd = shim_fd_install(f);
	assert_true(fd >= 0);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 0), 0);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 10), 0);	/* timed out */
	/* a sleeper with no limit is woken by another thread */
	assert_int_equal(pthread_create(&th, NULL, poll_fake_waker, &pf), 0);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, -1), EPOLLIN);
	pthread_join(th, NULL);
	assert_int_equal(shim_sys_poll(fd, EPOLLOUT, 0), 0);	/* not asked for */
	assert_int_equal(shim_sys_close(fd), 0);
	assert_int_equal(shim_sys_poll(fd, EPOLLIN, 0), -1);
	assert_int_equal(errno, EBADF);
	/* a file without ->poll is always ready */
	f = anon_inode_getfile("q", &fake_fops, &d, O_RDONLY);
	assert_int_equal(shim_vfs_poll(f, NULL), DEFAULT_POLLMASK);
	fput(f);
	assert_int_equal(d.releases, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slab_fail_nth),
		cmocka_unit_test(test_uaccess_fail_nth),
		cmocka_unit_test(test_lockdep_assert_held_checks_owner),
		cmocka_unit_test(test_log_records_lines),
		cmocka_unit_test(test_anon_file_modes),
		cmocka_unit_test(test_fput_and_fd_table),
		cmocka_unit_test(test_anon_inode_getfile_enomem),
		cmocka_unit_test(test_vfio_core_feature_ioctl),
		cmocka_unit_test(test_vfio_check_precopy_ioctl),
		cmocka_unit_test(test_typed_allocators),
		cmocka_unit_test(test_poll_and_wait_queues),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
