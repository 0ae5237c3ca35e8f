// SPDX-License-Identifier: GPL-2.0
/*
 * Fault sweep of the migration driver. Each flow runs once clean, which
 * counts its failure points (kernel allocations, user copies, TAPQs of the
 * source and of the destination host), then once per point with exactly
 * that point failing. A run passes when the flow stops with the fault's
 * errno at the caller, nothing WARNs, the devices
 * reset to RUNNING and a fresh migration then succeeds, and every
 * allocation, file and fd is released (LeakSanitizer checks the rest at
 * exit). Prints "fault-sweep: <flow>: <N> points, <F> failures" per flow;
 * exits 1 if any run failed.
 *
 * FAULT_SWEEP_VERBOSE=1 prints every failing run with its step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shim/bug.h>
#include <shim/slab.h>
#include <shim/uaccess.h>
#include <shim/vfio.h>
#include <shim/vfs.h>

#include "harden.h"

#define SWEEP_RDSZ	64	/* small reads and writes: many copies */

/*
 * The kinds of failure point and the errno the chapter's table says the
 * caller gets: a TAPQ with an unexpected response code is -EIO on either
 * host; a source queue that vanished (Q_NOT_AVAIL) is -ENODEV. (On the
 * destination Q_NOT_AVAIL is not a failure but a missing queue, a
 * compatibility problem: tests/hardening/test_bug_classes covers those.)
 */
enum fault_kind {
	FAULT_NONE,
	FAULT_SLAB,
	FAULT_COPY,
	FAULT_TAPQ_SRC,
	FAULT_TAPQ_SRC_GONE,
	FAULT_TAPQ_DST,
	FAULT_NR
};

static const char *const fault_names[FAULT_NR] = {
	"none", "allocation", "user copy", "source TAPQ", "source queue gone",
	"destination TAPQ",
};

static const int fault_errno[FAULT_NR] = {
	0, -ENOMEM, -EFAULT, -EIO, -ENODEV, -EIO,
};

/* The stream a resume flow writes, saved once per layout before the sweep. */
struct sweep_stream {
	u8 buf[HH_STREAM_MAX];
	size_t len;
};

struct sweep_flow {
	const char *name;
	enum hh_layout layout;
	int (*run)(struct hh_env *env, const struct sweep_stream *in,
		   struct hh_step *st);
};

static bool verbose;

/* A step that must give @want; anything else stops the flow. */
static int expect(struct hh_step *st, const char *name, long got, long want)
{
	if (got == want)
		return 0;
	if (!st->name) {
		st->name = name;
		st->ret = got;
	}
	return got ? (int)got : -EBADE;
}

#define SYS(x)	({ long __r = (x); __r < 0 ? -errno : __r; })

static int flow_save_precopy(struct hh_env *env, const struct sweep_stream *in,
			     struct hh_step *st)
{
	static u8 buf[HH_STREAM_MAX];
	size_t len;

	return hh_save(env->src_fd[0], true, SWEEP_RDSZ, buf, &len, st);
}

static int flow_save_stopcopy(struct hh_env *env, const struct sweep_stream *in,
			      struct hh_step *st)
{
	static u8 buf[HH_STREAM_MAX];
	size_t len;

	return hh_save(env->src_fd[0], false, SWEEP_RDSZ, buf, &len, st);
}

static int flow_resume(struct hh_env *env, const struct sweep_stream *in,
		       struct hh_step *st)
{
	return hh_resume(env->dst_fd[0], in->buf, in->len, SWEEP_RDSZ, st);
}

/* One large write() of the whole stream: the driver copies it in chunks. */
static int flow_resume_one_write(struct hh_env *env, const struct sweep_stream *in,
				 struct hh_step *st)
{
	return hh_resume(env->dst_fd[0], in->buf, in->len, in->len, st);
}

/*
 * Start a session on each side, move part of the data, reset, check that
 * the old data fds are dead, then complete a new session on each side.
 */
static int flow_reset_mid_session(struct hh_env *env, const struct sweep_stream *in,
				  struct hh_step *st)
{
	static u8 buf[HH_STREAM_MAX];
	int sfd = -1, dfd = -1, ret;
	size_t len;
	u8 b[SWEEP_RDSZ];

	ret = expect(st, "source -> PRE_COPY", shim_vfio_set_state(env->src_fd[0],
		     VFIO_DEVICE_STATE_PRE_COPY, &sfd), 0);
	if (ret)
		goto out;
	ret = expect(st, "source read", SYS(shim_sys_read(sfd, b, sizeof(b))), sizeof(b));
	if (ret)
		goto out;
	ret = expect(st, "source reset", hh_reset_running(env->src_fd[0]), 0);
	if (ret)
		goto out;
	ret = expect(st, "source read after reset",
		     SYS(shim_sys_read(sfd, b, sizeof(b))), -ENODEV);
	if (ret)
		goto out;
	hh_close_fd(&sfd);

	ret = expect(st, "destination -> RESUMING",
		     shim_vfio_set_state(env->dst_fd[0], VFIO_DEVICE_STATE_RESUMING,
					 &dfd), 0);
	if (ret)
		goto out;
	ret = expect(st, "destination write",
		     SYS(shim_sys_write(dfd, in->buf, in->len / 2)), in->len / 2);
	if (ret)
		goto out;
	ret = expect(st, "destination reset", hh_reset_running(env->dst_fd[0]), 0);
	if (ret)
		goto out;
	ret = expect(st, "destination write after reset",
		     SYS(shim_sys_write(dfd, in->buf, in->len)), -ENODEV);
	if (ret)
		goto out;
	hh_close_fd(&dfd);

	ret = hh_save(env->src_fd[0], false, SWEEP_RDSZ, buf, &len, st);
	if (ret)
		goto out;
	ret = hh_resume(env->dst_fd[0], buf, len, SWEEP_RDSZ, st);
out:
	hh_close_fd(&sfd);
	hh_close_fd(&dfd);
	return ret;
}

/* Close (last fd: close_device) and open the device of @fd again. */
static int reopen(struct sim_mdev *m, int *fd, struct hh_step *st)
{
	sim_mdev_close(m, *fd);
	*fd = sim_mdev_open(m);
	if (*fd < 0) {
		int ret = *fd;

		*fd = -1;
		return expect(st, "open device", ret, 0);
	}
	return 0;
}

/* As reset-mid-session, with the VMM closing the device instead. */
static int flow_close_mid_session(struct hh_env *env, const struct sweep_stream *in,
				  struct hh_step *st)
{
	static u8 buf[HH_STREAM_MAX];
	int sfd = -1, dfd = -1, ret;
	u64 initial, dirty;
	size_t len;
	u8 b[SWEEP_RDSZ];

	ret = expect(st, "source -> PRE_COPY", shim_vfio_set_state(env->src_fd[0],
		     VFIO_DEVICE_STATE_PRE_COPY, &sfd), 0);
	if (ret)
		goto out;
	ret = expect(st, "source read", SYS(shim_sys_read(sfd, b, sizeof(b))), sizeof(b));
	if (ret)
		goto out;
	ret = reopen(env->src[0], &env->src_fd[0], st);
	if (ret)
		goto out;
	ret = expect(st, "source read after close",
		     SYS(shim_sys_read(sfd, b, sizeof(b))), -ENODEV);
	if (ret)
		goto out;
	ret = expect(st, "precopy info after close",
		     shim_vfio_precopy_info(sfd, &initial, &dirty), -EINVAL);
	if (ret)
		goto out;
	hh_close_fd(&sfd);

	ret = expect(st, "destination -> RESUMING",
		     shim_vfio_set_state(env->dst_fd[0], VFIO_DEVICE_STATE_RESUMING,
					 &dfd), 0);
	if (ret)
		goto out;
	ret = expect(st, "destination write",
		     SYS(shim_sys_write(dfd, in->buf, in->len / 2)), in->len / 2);
	if (ret)
		goto out;
	ret = reopen(env->dst[0], &env->dst_fd[0], st);
	if (ret)
		goto out;
	ret = expect(st, "destination write after close",
		     SYS(shim_sys_write(dfd, in->buf, in->len)), -ENODEV);
	if (ret)
		goto out;
	hh_close_fd(&dfd);

	ret = hh_save(env->src_fd[0], true, SWEEP_RDSZ, buf, &len, st);
	if (ret)
		goto out;
	ret = hh_resume(env->dst_fd[0], buf, len, SWEEP_RDSZ, st);
out:
	hh_close_fd(&sfd);
	hh_close_fd(&dfd);
	return ret;
}

static const struct sweep_flow flows[] = {
	{ "save with pre-copy", HH_MEDIUM, flow_save_precopy },
	{ "save without pre-copy", HH_MEDIUM, flow_save_stopcopy },
	{ "resume", HH_MEDIUM, flow_resume },
	{ "resume, one large write", HH_LARGE, flow_resume_one_write },
	{ "reset mid-session", HH_MEDIUM, flow_reset_mid_session },
	{ "close mid-session", HH_MEDIUM, flow_close_mid_session },
};

/* Failure points of each kind one clean run of a flow meets. */
struct sweep_points {
	unsigned long n[FAULT_NR];
};

static void arm(struct hh_env *env, enum fault_kind kind, unsigned long nth)
{
	shim_slab_reset();
	shim_uaccess_reset();
	switch (kind) {
	case FAULT_SLAB:
		shim_slab_fail_nth(nth);
		break;
	case FAULT_COPY:
		shim_uaccess_fail_nth(SHIM_COPY_ANY, nth);
		break;
	case FAULT_TAPQ_SRC:
	case FAULT_TAPQ_SRC_GONE:
		sim_host_fail_tapq_nth(env->src_host, nth, fault_errno[kind]);
		break;
	case FAULT_TAPQ_DST:
		sim_host_fail_tapq_nth(env->dst_host, nth, fault_errno[kind]);
		break;
	default:
		break;
	}
}

static void disarm(struct hh_env *env)
{
	shim_slab_fail_nth(0);
	shim_uaccess_fail_nth(SHIM_COPY_ANY, 0);
	sim_host_fail_tapq_nth(env->src_host, 0, 0);
	sim_host_fail_tapq_nth(env->dst_host, 0, 0);
}

static void report(const struct sweep_flow *f, enum fault_kind kind,
		   unsigned long nth, const char *what, const struct hh_step *st)
{
	if (!verbose)
		return;
	fprintf(stderr, "fault-sweep: %s: %s #%lu: %s", f->name,
		fault_names[kind], nth, what);
	if (st && st->name)
		fprintf(stderr, " (step '%s' returned %s)", st->name,
			hh_errname(st->ret));
	fputc('\n', stderr);
}

/*
 * One run of @f with the @nth point of @kind failing (FAULT_NONE: clean,
 * counting into @pts). Returns true if the run passed.
 */
static bool sweep_run(const struct sweep_flow *f, const struct sweep_stream *in,
		      enum fault_kind kind, unsigned long nth,
		      struct sweep_points *pts)
{
	long slab0 = shim_slab_live(), files0 = shim_files_alive();
	int fds0 = shim_fd_count();
	unsigned long tapq_src, tapq_dst, attempts, copies, faults;
	struct hh_step st = {}, st2 = {};
	struct hh_env env;
	bool ok = true;
	int ret, p;

	shim_bug_reset();
	ret = hh_env_init(&env, f->layout);
	if (!ret)
		ret = hh_env_open(&env);
	if (ret) {
		report(f, kind, nth, "cannot set up the hosts", NULL);
		if (env.src_host)
			hh_env_release(&env);
		return false;
	}
	tapq_src = sim_host_tapq_calls(env.src_host);
	tapq_dst = sim_host_tapq_calls(env.dst_host);

	arm(&env, kind, nth);
	ret = f->run(&env, in, &st);
	attempts = shim_slab_attempts();
	copies = shim_uaccess_copies(SHIM_COPY_ANY);
	faults = shim_uaccess_faults();
	tapq_src = sim_host_tapq_calls(env.src_host) - tapq_src;
	tapq_dst = sim_host_tapq_calls(env.dst_host) - tapq_dst;
	disarm(&env);

	if (kind == FAULT_NONE) {
		pts->n[FAULT_SLAB] = attempts;
		pts->n[FAULT_COPY] = copies;
		pts->n[FAULT_TAPQ_SRC] = tapq_src;
		pts->n[FAULT_TAPQ_SRC_GONE] = tapq_src;
		pts->n[FAULT_TAPQ_DST] = tapq_dst;
	}
	/* The injected fault must have been reached... */
	if ((kind == FAULT_SLAB && attempts < nth) ||
	    (kind == FAULT_COPY && faults != 1) ||
	    ((kind == FAULT_TAPQ_SRC || kind == FAULT_TAPQ_SRC_GONE) &&
	     tapq_src < nth) ||
	    (kind == FAULT_TAPQ_DST && tapq_dst < nth)) {
		report(f, kind, nth, "the point was not reached", &st);
		ok = false;
	}
	/* ...and its errno must be what the caller got. */
	if (ret != fault_errno[kind]) {
		report(f, kind, nth, kind == FAULT_NONE ? "the clean run failed" :
		       "wrong result", &st);
		ok = false;
	}
	if (shim_bug_warnings()) {
		report(f, kind, nth, "WARN_ON fired", NULL);
		ok = false;
	}

	/* Consistent: the devices reset to RUNNING, then a migration works. */
	if (hh_env_open(&env)) {
		report(f, kind, nth, "cannot reopen the devices", NULL);
		ok = false;
	} else {
		for (p = 0; p < 2; p++) {
			if (hh_reset_running(env.src_fd[p]) ||
			    hh_reset_running(env.dst_fd[p])) {
				report(f, kind, nth, "reset does not give RUNNING", NULL);
				ok = false;
			}
		}
		ret = hh_migrate(&env, 0, true, &st2);
		if (ret) {
			report(f, kind, nth, "the migration after reset failed", &st2);
			ok = false;
		}
	}
	hh_env_release(&env);

	if (shim_slab_live() != slab0 || shim_files_alive() != files0 ||
	    shim_fd_count() != fds0) {
		char what[128];

		snprintf(what, sizeof(what),
			 "leak: %ld allocation(s), %ld file(s), %d fd(s)",
			 shim_slab_live() - slab0, shim_files_alive() - files0,
			 shim_fd_count() - fds0);
		report(f, kind, nth, what, NULL);
		ok = false;
	}
	return ok;
}

/* Save a stream of @layout's pair 0 with pre-copy, outside any sweep. */
static int make_stream(enum hh_layout layout, struct sweep_stream *out)
{
	struct hh_step st = {};
	struct hh_env env;
	int ret;

	ret = hh_env_init(&env, layout);
	if (ret)
		return ret;
	ret = hh_env_open(&env);
	if (!ret)
		ret = hh_save(env.src_fd[0], true, 4096, out->buf, &out->len, &st);
	hh_env_release(&env);
	return ret;
}

int main(void)
{
	static struct sweep_stream streams[HH_LARGE + 1];
	unsigned long total_fail = 0;
	size_t i;

	verbose = getenv("FAULT_SWEEP_VERBOSE") != NULL;
	for (i = 0; i <= HH_LARGE; i++) {
		if (make_stream(i, &streams[i])) {
			fprintf(stderr, "fault-sweep: cannot save the input stream\n");
			return 1;
		}
	}
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		const struct sweep_flow *f = &flows[i];
		const struct sweep_stream *in = &streams[f->layout];
		struct sweep_points pts = {};
		unsigned long n, total = 0, runs = 1, failed = 0;
		enum fault_kind k;

		if (!sweep_run(f, in, FAULT_NONE, 0, &pts))
			failed++;
		for (k = FAULT_SLAB; k < FAULT_NR; k++) {
			/* a source TAPQ is one point failed two ways */
			if (k != FAULT_TAPQ_SRC_GONE)
				total += pts.n[k];
			runs += pts.n[k];
			for (n = 1; n <= pts.n[k]; n++)
				failed += !sweep_run(f, in, k, n, &pts);
		}
		printf("fault-sweep: %s: %lu points, %lu failures\n", f->name,
		       total, failed);
		printf("    (%lu allocations, %lu user copies, %lu source TAPQs "
		       "failed with -EIO and with -ENODEV, %lu destination TAPQs; "
		       "%lu runs)\n",
		       pts.n[FAULT_SLAB], pts.n[FAULT_COPY],
		       pts.n[FAULT_TAPQ_SRC], pts.n[FAULT_TAPQ_DST], runs);
		fflush(stdout);
		total_fail += failed;
	}
	return total_fail ? 1 : 0;
}
