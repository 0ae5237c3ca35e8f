// SPDX-License-Identifier: GPL-2.0
/*
 * Races on the migration driver, bounded in time and in operations: VMM
 * threads migrating both mdev pairs, chaos threads issuing random state
 * changes, reads, writes, precopy ioctls and data-size queries on the
 * devices of pair 0 (two of them on the same devices) and of pair 1, a
 * thread resetting every device, one closing and reopening them, and one
 * changing both hosts (assign/unassign, unbind/bind). Built with TSan by
 * scripts/tsan.sh: the shim's locks are pthread mutexes, so TSan sees the
 * driver's real synchronisation. Every result must be one the driver
 * documents; at the end every device resets to RUNNING, both pairs migrate,
 * and nothing leaked or WARNed.
 *
 *   test_races [--seconds S] [--ops N] [--seed N] [--chaos N]
 *
 * --chaos sets the number of chaos threads (default 3: two on pair 0, one
 * on pair 1; more alternate between the pairs, at most 32).
 *
 * Prints "races: <ops> racing operations in <threads> threads, <s> s".
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/file.h>
#include <linux/fs.h>

#include <shim/bug.h>
#include <shim/slab.h>
#include <shim/vfio.h>
#include <shim/vfs.h>

#include "harden.h"

#define SYS(x)	({ long __r = (x); __r < 0 ? -errno : __r; })

/* A device as the racing threads share it. */
struct rdev {
	const char *name;
	struct sim_mdev *m;
	int *fd;			/* in env: the device fd */
	pthread_rwlock_t fd_lock;	/* read: use *fd; write: close/reopen */
	pthread_mutex_t slot_lock;
	struct file *slot;		/* the latest data file, referenced */
};

enum op {
	OP_SET, OP_GET, OP_SIZE, OP_RESET, OP_READ, OP_WRITE, OP_INFO,
	OP_CLOSE, OP_HOST, OP_MIGRATE, OP_NR
};

static const char *const op_names[OP_NR] = {
	"set_state", "get_state", "data_size", "reset", "read", "write",
	"precopy_info", "close/open", "host change", "migration",
};

static struct hh_env env;
static struct rdev devs[4];	/* src0, dst0, src1, dst1 */
static atomic_bool stop;
static atomic_ulong ops[OP_NR];
static atomic_ulong migrations_ok, migrations_failed;
static atomic_ulong unexpected;
static unsigned long max_ops = 2000000;
static u8 streams[2][HH_STREAM_MAX];
static size_t stream_len[2];

static struct rdev *src_of(int p) { return &devs[2 * p]; }
static struct rdev *dst_of(int p) { return &devs[2 * p + 1]; }

static bool done(void)
{
	unsigned long total = 0;
	int i;

	if (atomic_load(&stop))
		return true;
	for (i = 0; i < OP_NR; i++)
		total += atomic_load(&ops[i]);
	return total >= max_ops;
}

static bool is_one_of(long r, const int *errs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r == -errs[i])
			return true;
	return false;
}

/*
 * Errnos a racing operation may legitimately see: the chapter's table, and
 * from the harness's migration steps -EBADF (no data fd where one was
 * due), -EBADE (configurations differ) and -EPIPE (the end of the stream
 * in pre-copy: another thread took the device to STOP_COPY).
 */
static const int mig_errs[] = {
	EINVAL, ENXIO, ENODATA, ENODEV, ENOMSG, EPROTO, EPROTONOSUPPORT,
	EILSEQ, ENOTUNIQ, ERANGE, E2BIG, EDOM, ENOENT, EOPNOTSUPP, EBADMSG,
	EFBIG, EMSGSIZE, EBADF, EBADE, EPIPE,
};

static void check(enum op op, long r, bool ok)
{
	atomic_fetch_add(&ops[op], 1);
	if (ok)
		return;
	if (atomic_fetch_add(&unexpected, 1) < 20)
		fprintf(stderr, "races: %s returned %s\n", op_names[op], hh_errname(r));
}

/* Keep @fd's file in @d's slot (the fd itself is closed). */
static void slot_put(struct rdev *d, int fd)
{
	struct file *file = shim_fd_get(fd), *old;

	shim_sys_close(fd);
	if (!file)
		return;
	pthread_mutex_lock(&d->slot_lock);
	old = d->slot;
	d->slot = file;
	pthread_mutex_unlock(&d->slot_lock);
	if (old)
		fput(old);
}

static struct file *slot_get(struct rdev *d)
{
	struct file *file;

	pthread_mutex_lock(&d->slot_lock);
	file = d->slot ? get_file(d->slot) : NULL;
	pthread_mutex_unlock(&d->slot_lock);
	return file;
}

static void op_set(struct rdev *d, unsigned int *seed)
{
	static const enum vfio_device_mig_state states[] = {
		VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING,
		VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_RESUMING,
		VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY,
		VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_ERROR,
	};
	enum vfio_device_mig_state s = states[rand_r(seed) % 8];
	int fd = -1, r;

	pthread_rwlock_rdlock(&d->fd_lock);
	r = shim_vfio_set_state(*d->fd, s, &fd);
	pthread_rwlock_unlock(&d->fd_lock);
	if (fd >= 0)
		slot_put(d, fd);
	check(OP_SET, r, !r || is_one_of(r, mig_errs, sizeof(mig_errs) / sizeof(int)));
}

static void op_dev(struct rdev *d, enum op op)
{
	enum vfio_device_mig_state s;
	u64 size;
	int r = 0;

	pthread_rwlock_rdlock(&d->fd_lock);
	switch (op) {
	case OP_GET:
		r = shim_vfio_get_state(*d->fd, &s);
		break;
	case OP_SIZE:
		r = shim_vfio_get_data_size(*d->fd, &size);
		break;
	default:
		r = shim_vfio_reset(*d->fd);
		break;
	}
	pthread_rwlock_unlock(&d->fd_lock);
	check(op, r, !r);
}

static void op_data(struct rdev *d, enum op op, unsigned int *seed, int pair)
{
	static const int read_errs[] = { ENOMSG, ENODEV, EBADF };
	static const int info_errs[] = { EINVAL, ENOTTY };
	struct file *file = slot_get(d);
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	u8 buf[512];
	size_t n, off;
	long r;

	if (!file)
		return;
	switch (op) {
	case OP_READ:
		r = shim_vfs_read(file, buf, 1 + rand_r(seed) % sizeof(buf));
		check(op, r, r >= 0 || is_one_of(r, read_errs, 3));
		break;
	case OP_WRITE:
		/* a piece of a real stream, or of garbage */
		off = rand_r(seed) % stream_len[pair];
		n = 1 + rand_r(seed) % (stream_len[pair] - off);
		if (rand_r(seed) % 4 == 0)
			memset(buf, rand_r(seed), n < sizeof(buf) ? n : sizeof(buf));
		else
			memcpy(buf, streams[pair] + off, n < sizeof(buf) ? n : sizeof(buf));
		n = n < sizeof(buf) ? n : sizeof(buf);
		r = shim_vfs_write(file, buf, n);
		check(op, r, r >= 0 ||
		      is_one_of(r, mig_errs, sizeof(mig_errs) / sizeof(int)));
		break;
	default:
		r = shim_vfs_ioctl(file, VFIO_MIG_GET_PRECOPY_INFO, (unsigned long)&info);
		check(op, r, !r || is_one_of(r, info_errs, 2));
		break;
	}
	fput(file);
}

struct chaos {
	struct rdev *src, *dst;
	int pair;
	unsigned int seed;
};

static void *chaos_main(void *arg)
{
	struct chaos *c = arg;

	while (!done()) {
		struct rdev *d = rand_r(&c->seed) % 2 ? c->src : c->dst;

		switch (rand_r(&c->seed) % 8) {
		case 0:
		case 1:
			op_set(d, &c->seed);
			break;
		case 2:
			op_dev(d, OP_GET);
			break;
		case 3:
			op_dev(d, OP_SIZE);
			break;
		case 4:
			op_data(d, OP_READ, &c->seed, c->pair);
			break;
		case 5:
		case 6:
			op_data(d, OP_WRITE, &c->seed, c->pair);
			break;
		default:
			op_data(d, OP_INFO, &c->seed, c->pair);
			break;
		}
	}
	return NULL;
}

static void *vmm_main(void *arg)
{
	int p = (int)(long)arg;
	bool precopy = true;

	while (!done()) {
		struct rdev *s = src_of(p), *d = dst_of(p);
		struct hh_step st = {};
		int r;

		pthread_rwlock_rdlock(&s->fd_lock);
		pthread_rwlock_rdlock(&d->fd_lock);
		r = hh_migrate(&env, p, precopy, &st);
		if (r) {
			/* QEMU: a failed migration ends in a reset */
			shim_vfio_reset(*s->fd);
			shim_vfio_reset(*d->fd);
		}
		pthread_rwlock_unlock(&d->fd_lock);
		pthread_rwlock_unlock(&s->fd_lock);
		atomic_fetch_add(r ? &migrations_failed : &migrations_ok, 1);
		check(OP_MIGRATE, r, !r || is_one_of(r, mig_errs,
						      sizeof(mig_errs) / sizeof(int)));
		precopy = !precopy;
	}
	return NULL;
}

static void *reset_main(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;

	while (!done()) {
		op_dev(&devs[rand_r(&seed) % 4], OP_RESET);
		sched_yield();
	}
	return NULL;
}

static void *close_main(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;
	struct timespec pause = { 0, 200 * 1000 };

	while (!done()) {
		struct rdev *d = &devs[rand_r(&seed) % 4];
		int fd;

		pthread_rwlock_wrlock(&d->fd_lock);
		sim_mdev_close(d->m, *d->fd);
		fd = sim_mdev_open(d->m);
		*d->fd = fd;
		pthread_rwlock_unlock(&d->fd_lock);
		check(OP_CLOSE, fd, fd >= 0);
		if (fd < 0)
			break;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* Host changes, each undone in the same step so the hosts end as they began. */
static void *host_main(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;
	static const u16 queues[] = { 0x0304, 0x0501, 0x0740, 0x092a };
	static const unsigned int doms[] = { 0x01, 0x04, 0x10, 0x2a, 0x40 };
	struct timespec pause = { 0, 100 * 1000 };

	while (!done()) {
		int p = rand_r(&seed) % 2;
		struct sim_host *h = rand_r(&seed) % 2 ? env.src_host : env.dst_host;
		u16 apqn = queues[rand_r(&seed) % 4];
		unsigned int dom = doms[rand_r(&seed) % 5];
		int r1, r2;

		switch (rand_r(&seed) % 3) {
		case 0:
			r1 = sim_host_unbind(h, apqn);
			nanosleep(&pause, NULL);
			r2 = r1 ? 0 : sim_host_bind(h, apqn);
			break;
		case 1:
			r1 = sim_mdev_unassign(env.src[p], SIM_DOMAIN, dom);
			nanosleep(&pause, NULL);
			r2 = sim_mdev_assign(env.src[p], SIM_DOMAIN, dom);
			break;
		default:
			r1 = sim_mdev_assign(env.src[p], SIM_CONTROL_DOMAIN, 0x30);
			nanosleep(&pause, NULL);
			r2 = sim_mdev_unassign(env.src[p], SIM_CONTROL_DOMAIN, 0x30);
			break;
		}
		check(OP_HOST, r1 ? r1 : r2, (!r1 || r1 == -EALREADY) && !r2);
	}
	return NULL;
}

/*
 * The administrator prepares each destination mdev again for its source
 * guest as the races left it: the same adapters, domains, control domains.
 */
static void prepare_destinations(void)
{
	struct ap_matrix mx, want;
	unsigned long id;
	int p;

	for (p = 0; p < 2; p++) {
		sim_mdev_get(env.dst[p], &mx, NULL);
		sim_mdev_get(env.src[p], &want, NULL);
		for_each_set_bit_inv(id, mx.apm, 256)
			sim_mdev_unassign(env.dst[p], SIM_ADAPTER, id);
		for_each_set_bit_inv(id, mx.aqm, 256)
			sim_mdev_unassign(env.dst[p], SIM_DOMAIN, id);
		for_each_set_bit_inv(id, mx.adm, 256)
			sim_mdev_unassign(env.dst[p], SIM_CONTROL_DOMAIN, id);
		for_each_set_bit_inv(id, want.apm, 256)
			sim_mdev_assign(env.dst[p], SIM_ADAPTER, id);
		for_each_set_bit_inv(id, want.aqm, 256)
			sim_mdev_assign(env.dst[p], SIM_DOMAIN, id);
		for_each_set_bit_inv(id, want.adm, 256)
			sim_mdev_assign(env.dst[p], SIM_CONTROL_DOMAIN, id);
	}
}

int main(int argc, char **argv)
{
	double seconds = 3;
	unsigned int seed = 1;
	int nchaos = 3;
	struct chaos chaos[32];
	pthread_t t[32 + 5];
	pthread_rwlockattr_t attr;
	struct timespec t0, t1, nap;
	long slab0 = shim_slab_live(), files0 = shim_files_alive();
	unsigned long total = 0;
	int nt = 0, i, p, failed = 0;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--ops"))
			max_ops = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--chaos"))
			nchaos = atoi(argv[i + 1]);
	}
	if (nchaos < 1 || nchaos > 32) {
		fprintf(stderr, "races: --chaos takes 1 to 32\n");
		return 2;
	}
	if (hh_env_init(&env, HH_MEDIUM) || hh_env_open(&env)) {
		fprintf(stderr, "races: cannot set up the hosts\n");
		return 1;
	}
	for (p = 0; p < 2; p++) {
		struct hh_step st = {};

		if (hh_save(env.src_fd[p], p == 0, 4096, streams[p], &stream_len[p], &st) ||
		    shim_vfio_set_state(env.src_fd[p], VFIO_DEVICE_STATE_RUNNING, NULL)) {
			fprintf(stderr, "races: cannot save the streams\n");
			return 1;
		}
	}
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (i = 0; i < 4; i++) {
		p = i / 2;
		devs[i].name = i % 2 ? "destination" : "source";
		devs[i].m = i % 2 ? env.dst[p] : env.src[p];
		devs[i].fd = i % 2 ? &env.dst_fd[p] : &env.src_fd[p];
		pthread_rwlock_init(&devs[i].fd_lock, &attr);
		pthread_mutex_init(&devs[i].slot_lock, NULL);
	}
	shim_bug_reset();

	/* two chaos threads on the same devices of pair 0, then alternate */
	for (i = 0; i < nchaos; i++) {
		p = i < 2 ? 0 : (i + 1) % 2;
		chaos[i] = (struct chaos){ src_of(p), dst_of(p), p, seed * 11 + 2 * i };
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nchaos; i++)
		pthread_create(&t[nt++], NULL, chaos_main, &chaos[i]);
	pthread_create(&t[nt++], NULL, vmm_main, (void *)0L);
	pthread_create(&t[nt++], NULL, vmm_main, (void *)1L);
	pthread_create(&t[nt++], NULL, reset_main, (void *)(long)(seed * 19));
	pthread_create(&t[nt++], NULL, close_main, (void *)(long)(seed * 23));
	pthread_create(&t[nt++], NULL, host_main, (void *)(long)(seed * 29));

	nap.tv_sec = (time_t)seconds;
	nap.tv_nsec = (long)((seconds - (double)nap.tv_sec) * 1e9);
	while (nanosleep(&nap, &nap))
		;
	atomic_store(&stop, true);
	for (i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (i = 0; i < 4; i++) {
		if (devs[i].slot)
			fput(devs[i].slot);
		devs[i].slot = NULL;
	}
	for (i = 0; i < OP_NR; i++)
		total += atomic_load(&ops[i]);
	printf("races: %lu racing operations in %d threads, %.1f s "
	       "(%lu migrations completed, %lu failed as the races made them)\n",
	       total, nt, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       atomic_load(&migrations_ok), atomic_load(&migrations_failed));
	printf("races:");
	for (i = 0; i < OP_NR; i++)
		printf(" %s %lu%s", op_names[i], atomic_load(&ops[i]),
		       i + 1 < OP_NR ? "," : "\n");

	/* afterwards: every device resets to RUNNING and both pairs migrate */
	prepare_destinations();
	for (i = 0; i < 4; i++) {
		if (hh_reset_running(*devs[i].fd)) {
			fprintf(stderr, "races: %s %d: reset does not give RUNNING\n",
				devs[i].name, i / 2);
			failed = 1;
		}
	}
	for (p = 0; p < 2; p++) {
		struct hh_step st = {};
		int r = hh_migrate(&env, p, true, &st);

		if (r) {
			fprintf(stderr, "races: migration of pair %d afterwards: %s: %s\n",
				p, st.name ? st.name : "?", hh_errname(r));
			failed = 1;
		}
	}
	hh_env_release(&env);
	for (i = 0; i < 4; i++) {
		pthread_rwlock_destroy(&devs[i].fd_lock);
		pthread_mutex_destroy(&devs[i].slot_lock);
	}
	if (atomic_load(&unexpected)) {
		fprintf(stderr, "races: %lu unexpected results\n", atomic_load(&unexpected));
		failed = 1;
	}
	if (shim_bug_warnings()) {
		fprintf(stderr, "races: %lu WARN_ON(s)\n", shim_bug_warnings());
		failed = 1;
	}
	if (shim_slab_live() != slab0 || shim_files_alive() != files0) {
		fprintf(stderr, "races: leak: %ld allocation(s), %ld file(s)\n",
			shim_slab_live() - slab0, shim_files_alive() - files0);
		failed = 1;
	}
	if (!migrations_ok) {
		fprintf(stderr, "races: no migration completed: the race test proves little\n");
		failed = 1;
	}
	return failed;
}
