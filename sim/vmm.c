// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated VMMs: a source and a destination thread drive their devices
 * through the VFIO migration uAPI (device fds and data fds of the shim's
 * VFIO core) in QEMU's order, see vmm.h, and carry the stream through a
 * socketpair. Frames on the wire: be32 tag, be32 phase, be64 length, data;
 * the destination answers with be32 tag, be32 0, be64 (s64) status.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/poll.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>

#include <shim/vfio.h>
#include <shim/vfs.h>

#include "sim_host.h"
#include "vmm.h"

#define VMM_FRAME_HDR		16
#define VMM_TAG_DATA		0x44415441u	/* "DATA": device data */
#define VMM_TAG_INIT_SENT	0x494e4954u	/* "INIT": initial data sent */
#define VMM_TAG_END		0x454e4421u	/* "END!": end of device state */
#define VMM_TAG_ABORT		0x41425254u	/* "ABRT": source gave up */
#define VMM_TAG_ACK		0x41434b21u	/* "ACK!": switchover approved */
#define VMM_TAG_RESULT		0x52534c54u	/* "RSLT": destination verdict */

#define VMM_SRC_BUF_MAX		(1U << 20)	/* QEMU: 1 MiB data buffer */
#define VMM_DST_BUF_DEFAULT	32768		/* QEMU: QEMUFile buffer */

struct vmm_side {
	struct sim_vmm *vmm;
	enum sim_side id;
	struct sim_mdev *m;
	int devfd;
	int open_err;		/* destination: why the device did not open */
	int datafd;
	int sock;
	u64 flags;
	enum vfio_device_mig_state state;	/* QEMU's idea of the state */
	enum sim_phase phase;
	unsigned int counts[SIM_PT_NR];
	int err;
	char why[200];
	bool approved;		/* source: the destination approved switchover */
	bool answered;		/* source: the destination's verdict arrived */
	int verdict;		/* source: that verdict, 0 or -errno */
	pthread_t thread;
};

struct sim_vmm {
	const struct sim_vmm_opts *opts;
	struct vmm_side side[2];
	struct sim_vmm_result *res;
	pthread_mutex_t lock;		/* events, devfds, timestamps */
	size_t max_events;
	u64 t0, t_stop, t_copied, t_running;
	bool src_stopped;
	int first_failed;		/* the side that gave up first, -1 */
};

static u64 vmm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

const char *sim_side_name(enum sim_side side)
{
	return side == SIM_SRC ? "source" : "destination";
}

const char *sim_phase_name(enum sim_phase phase)
{
	static const char *const names[SIM_PHASE_NR] = {
		"setup", "pre-copy", "stop-copy", "resume", "recover",
	};

	return phase < SIM_PHASE_NR ? names[phase] : "?";
}

const char *sim_point_name(enum sim_point point)
{
	static const char *const names[SIM_PT_NR] = {
		"src-setup-done", "src-precopy-chunk", "src-precopy-approved",
		"src-precopy-done",
		"src-stopped", "src-stopcopy-chunk", "src-stopcopy-done",
		"dst-setup-done", "dst-chunk", "dst-loaded", "dst-running",
	};

	return point < SIM_PT_NR ? names[point] : "?";
}

int sim_fsm_path(unsigned int flags, enum vfio_device_mig_state from,
		 enum vfio_device_mig_state to,
		 enum vfio_device_mig_state *path, int max)
{
	struct vfio_device vdev = { .migration_flags = flags };
	enum vfio_device_mig_state cur = from, next;
	int n = 0;

	if (max < 1)
		return -EINVAL;
	path[n++] = from;
	while (cur != to) {
		if (vfio_mig_get_next_state(&vdev, cur, to, &next) || n == max)
			return -EINVAL;
		path[n++] = next;
		cur = next;
	}
	return n;
}

static void vmm_event(struct vmm_side *s, enum sim_event_kind kind,
		      const struct sim_event *tmpl)
{
	struct sim_vmm *vmm = s->vmm;
	struct sim_vmm_result *res = vmm->res;
	struct sim_event *ev;

	pthread_mutex_lock(&vmm->lock);
	if (res->nr_events == vmm->max_events) {
		size_t n = vmm->max_events ? 2 * vmm->max_events : 64;
		struct sim_event *e = realloc(res->events, n * sizeof(*e));

		if (!e) {
			pthread_mutex_unlock(&vmm->lock);
			return;
		}
		res->events = e;
		vmm->max_events = n;
	}
	ev = &res->events[res->nr_events++];
	*ev = *tmpl;
	ev->ns = vmm_now() - vmm->t0;
	ev->side = s->id;
	ev->phase = s->phase;
	ev->kind = kind;
	pthread_mutex_unlock(&vmm->lock);
}

static void vmm_note(struct vmm_side *s, enum sim_event_kind kind,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void vmm_note(struct vmm_side *s, enum sim_event_kind kind,
		     const char *fmt, ...)
{
	struct sim_event ev = {};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	va_end(ap);
	vmm_event(s, kind, &ev);
}

/* Give up: remember the first reason only. */
static int vmm_fail(struct vmm_side *s, int err, const char *step)
{
	if (!s->err) {
		pthread_mutex_lock(&s->vmm->lock);
		if (s->vmm->first_failed < 0)
			s->vmm->first_failed = s->id;
		pthread_mutex_unlock(&s->vmm->lock);
		s->err = err ? err : -EIO;
		snprintf(s->why, sizeof(s->why), "%s: %s: %s",
			 sim_side_name(s->id), step, strerror(-s->err));
		vmm_note(s, SIM_EV_FAIL, "%s: %s", step, strerror(-s->err));
	}
	return s->err;
}

static void vmm_hook(struct vmm_side *s, enum sim_point point)
{
	const struct sim_vmm_opts *o = s->vmm->opts;

	s->counts[point]++;
	if (o->hook)
		o->hook(s->vmm, o->hook_ctx, point, s->counts[point]);
}

static void vmm_reset_device(struct vmm_side *s)
{
	struct sim_event ev = {};

	ev.err = shim_vfio_reset(s->devfd);
	vmm_event(s, SIM_EV_RESET, &ev);
	s->state = VFIO_DEVICE_STATE_RUNNING;
}

/*
 * QEMU's vfio_migration_set_state(): on failure go to @recover, or reset
 * the device when @recover is ERROR or cannot be reached. A new data fd
 * while one is held means the device was reset behind our back.
 */
static int vmm_set_state(struct vmm_side *s, enum vfio_device_mig_state new,
			 enum vfio_device_mig_state recover)
{
	struct sim_event ev = { .from = s->state, .to = new };
	int fd = -1, ret;

	ret = shim_vfio_set_state(s->devfd, new, &fd);
	ev.err = ret;
	vmm_event(s, SIM_EV_SET, &ev);
	if (ret) {
		if (recover == VFIO_DEVICE_STATE_ERROR)
			goto reset;
		ev.from = s->state;
		ev.to = recover;
		ev.err = shim_vfio_set_state(s->devfd, recover, NULL);
		vmm_event(s, SIM_EV_SET, &ev);
		if (ev.err)
			goto reset;
		s->state = recover;
		return ret;
	}
	s->state = new;
	if (fd >= 0) {
		if (s->datafd >= 0) {
			shim_sys_close(fd);
			vmm_note(s, SIM_EV_FAIL, "data fd out of sync");
			return -EBADF;
		}
		s->datafd = fd;
	}
	return 0;
reset:
	vmm_reset_device(s);
	return ret;
}

static void vmm_close_datafd(struct vmm_side *s)
{
	if (s->datafd >= 0) {
		shim_sys_close(s->datafd);
		s->datafd = -1;
	}
}

static void vmm_close_device(struct vmm_side *s)
{
	int fd;

	pthread_mutex_lock(&s->vmm->lock);
	fd = s->devfd;
	s->devfd = -1;
	pthread_mutex_unlock(&s->vmm->lock);
	if (fd >= 0)
		sim_mdev_close(s->m, fd);
}

/* Socket I/O in chunks of wire_chunk (0: as large as the kernel takes). */
static int vmm_send(struct vmm_side *s, const void *buf, size_t len)
{
	size_t chunk = s->vmm->opts->wire_chunk;
	const u8 *p = buf;
	ssize_t n;

	while (len) {
		n = send(s->sock, p, chunk && chunk < len ? chunk : len,
			 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

static int vmm_recv(struct vmm_side *s, void *buf, size_t len, bool dontwait)
{
	u8 *p = buf;
	ssize_t n;

	while (len) {
		n = recv(s->sock, p, len, dontwait && p == buf ? MSG_DONTWAIT : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= n;
	}
	return 0;
}

static int vmm_send_frame(struct vmm_side *s, u32 tag, u32 phase, u64 len,
			  const void *data)
{
	u8 hdr[VMM_FRAME_HDR];
	int ret;

	put_unaligned_be32(tag, hdr);
	put_unaligned_be32(phase, hdr + 4);
	put_unaligned_be64(len, hdr + 8);
	ret = vmm_send(s, hdr, sizeof(hdr));
	if (!ret && tag == VMM_TAG_DATA)
		ret = vmm_send(s, data, len);
	return ret;
}

static int vmm_recv_frame(struct vmm_side *s, u32 *tag, u32 *phase, u64 *len,
			  bool dontwait)
{
	u8 hdr[VMM_FRAME_HDR];
	int ret = vmm_recv(s, hdr, sizeof(hdr), dontwait);

	if (ret)
		return ret;
	*tag = get_unaligned_be32(hdr);
	*phase = get_unaligned_be32(hdr + 4);
	*len = get_unaligned_be64(hdr + 8);
	return 0;
}

/*
 * Source: take in what the destination said (ACK or its verdict), waiting
 * for one message or only looking. Returns 0, -EAGAIN (nothing there) or
 * the socket's error.
 */
static int vmm_src_poll(struct vmm_side *s, bool wait)
{
	u32 tag, phase;
	u64 val;
	int ret = vmm_recv_frame(s, &tag, &phase, &val, !wait);

	if (ret)
		return ret;
	if (tag == VMM_TAG_ACK) {
		s->approved = true;
	} else if (tag == VMM_TAG_RESULT) {
		s->answered = true;
		s->verdict = (int)(s64)val;
	}
	return 0;
}

/* QEMU's vfio_save_block(): -ENOMSG means nothing more for now. */
static ssize_t vmm_save_block(struct vmm_side *s, void *buf, size_t len)
{
	struct sim_event ev = {};
	ssize_t n = shim_sys_read(s->datafd, buf, len);

	ev.err = n < 0 ? -errno : 0;
	ev.asked = len;
	ev.bytes = n > 0 ? n : 0;
	vmm_event(s, SIM_EV_READ, &ev);
	if (n < 0)
		return errno == ENOMSG ? 0 : -errno;
	return n;
}

/* VFIO_MIG_GET_PRECOPY_INFO; true in *reinit when new initial data is there. */
static int vmm_precopy_info(struct vmm_side *s, u64 *initial, u64 *dirty,
			    bool *reinit)
{
	struct sim_event ev = {};

	ev.err = shim_vfio_precopy_info_flags(s->datafd, &ev.flags, &ev.initial,
					      &ev.dirty);
	vmm_event(s, SIM_EV_PRECOPY_INFO, &ev);
	*initial = ev.initial;
	*dirty = ev.dirty;
	*reinit = !ev.err && (ev.flags & VFIO_PRECOPY_INFO_REINIT);
	return ev.err;
}

/* poll(2) on the data fd without waiting: bytes to read now? */
static int vmm_readable(struct vmm_side *s, int timeout_ms)
{
	int mask = shim_sys_poll(s->datafd, EPOLLIN, timeout_ms);

	if (mask < 0)
		return -errno;
	if (mask & EPOLLERR)
		return -ENODEV;
	return !!(mask & EPOLLIN);
}

/* Send one chunk of device data read in the current phase. */
static int vmm_src_chunk(struct vmm_side *s, const void *buf, size_t n)
{
	int ret = vmm_send_frame(s, VMM_TAG_DATA, s->phase, n, buf);

	if (!ret)
		s->vmm->res->bytes[SIM_SRC][s->phase] += n;
	return ret;
}

/*
 * Source pre-copy: send the data the device has now (poll says when), then
 * with switchover-ack INIT_DATA_SENT once the initial data is out, and wait
 * for the destination's approval. New initial data (REINIT) means the
 * destination must check again: send it, announce it, wait again.
 */
static int vmm_src_precopy(struct vmm_side *s, u8 *buf, size_t bufsz)
{
	const struct sim_vmm_opts *o = s->vmm->opts;
	u64 init_left, dirty;
	bool init_sent = false, reinit;
	ssize_t n;
	int ret;

	ret = vmm_precopy_info(s, &init_left, &dirty, &reinit);
	if (ret)
		return vmm_fail(s, ret, "VFIO_MIG_GET_PRECOPY_INFO");
	for (;;) {
		/* the return path may already carry the destination's failure */
		while (!vmm_src_poll(s, false))
			;
		if (s->answered && s->verdict)
			return vmm_fail(s, s->verdict, "destination refused during pre-copy");
		ret = vmm_precopy_info(s, &init_left, &dirty, &reinit);
		if (ret)
			return vmm_fail(s, ret, "VFIO_MIG_GET_PRECOPY_INFO");
		if (reinit && init_sent) {
			/* the destination approved data that is no longer current */
			init_sent = false;
			s->approved = false;
			vmm_note(s, SIM_EV_GUEST, "new initial data (REINIT): switchover waits");
		}
		ret = vmm_readable(s, 0);
		if (ret < 0)
			return vmm_fail(s, ret, "poll pre-copy data");
		n = 0;
		if (ret) {
			n = vmm_save_block(s, buf, bufsz);
			if (n < 0)
				return vmm_fail(s, n, "read pre-copy data");
		}
		if (n > 0) {
			ret = vmm_src_chunk(s, buf, n);
			if (ret)
				return vmm_fail(s, ret, "send pre-copy data");
			init_left -= init_left < (u64)n ? init_left : (u64)n;
			vmm_hook(s, SIM_PT_SRC_PRECOPY_CHUNK);
		} else {
			init_left = 0;
		}
		if (o->switchover_ack && !init_left && !init_sent) {
			ret = vmm_send_frame(s, VMM_TAG_INIT_SENT, s->phase, 0, NULL);
			if (ret)
				return vmm_fail(s, ret, "send INIT_DATA_SENT");
			init_sent = true;
		}
		if (n)
			continue;
		if (!o->switchover_ack)
			break;
		while (!s->approved && !s->answered) {
			ret = vmm_src_poll(s, true);
			if (ret)
				return vmm_fail(s, ret, "wait for switchover approval");
		}
		if (!s->approved)
			return vmm_fail(s, s->verdict ? s->verdict : -EPROTO,
					"destination refused during pre-copy");
		vmm_note(s, SIM_EV_GUEST, "switchover approved by the destination");
		vmm_hook(s, SIM_PT_SRC_PRECOPY_APPROVED);
		/* switch over only if nothing new came meanwhile */
		ret = vmm_precopy_info(s, &init_left, &dirty, &reinit);
		if (ret)
			return vmm_fail(s, ret, "VFIO_MIG_GET_PRECOPY_INFO");
		if (!reinit && !init_left)
			break;
		init_sent = false;
		s->approved = false;
		vmm_note(s, SIM_EV_GUEST, "new initial data (REINIT): switchover waits");
	}
	if (!o->switchover_ack) {
		while (!vmm_src_poll(s, false))
			;
	}
	if (s->answered && s->verdict)
		return vmm_fail(s, s->verdict, "destination refused during pre-copy");
	return 0;
}

/* Source: stop the guest and send the rest. */
static int vmm_src_stop_copy(struct vmm_side *s, bool precopy, u8 *buf,
			     size_t bufsz)
{
	struct sim_vmm *vmm = s->vmm;
	bool p2p = s->flags & VFIO_MIGRATION_P2P;
	ssize_t n;
	int ret;

	s->phase = SIM_PHASE_STOPCOPY;
	pthread_mutex_lock(&vmm->lock);
	vmm->t_stop = vmm_now();
	vmm->src_stopped = true;
	pthread_mutex_unlock(&vmm->lock);
	vmm_note(s, SIM_EV_GUEST, "source guest stopped");
	if (p2p) {
		ret = vmm_set_state(s, precopy ? VFIO_DEVICE_STATE_PRE_COPY_P2P :
					VFIO_DEVICE_STATE_RUNNING_P2P,
				    VFIO_DEVICE_STATE_ERROR);
		if (ret)
			return vmm_fail(s, ret, "stop the device (P2P)");
	}
	ret = vmm_set_state(s, precopy ? VFIO_DEVICE_STATE_STOP_COPY :
				VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_ERROR);
	if (ret)
		return vmm_fail(s, ret, "stop the device");
	vmm_hook(s, SIM_PT_SRC_STOPPED);
	ret = vmm_set_state(s, VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP);
	if (ret)
		return vmm_fail(s, ret, "enter STOP_COPY");
	if (s->datafd < 0)
		return vmm_fail(s, -EBADF, "STOP_COPY gave no data fd");
	for (;;) {
		/* in STOP_COPY the fd is always readable: the data or the end */
		ret = vmm_readable(s, -1);
		if (ret <= 0)
			return vmm_fail(s, ret ? ret : -EIO, "poll stop-copy data");
		n = vmm_save_block(s, buf, bufsz);
		if (n < 0)
			return vmm_fail(s, n, "read stop-copy data");
		if (!n)
			break;
		ret = vmm_src_chunk(s, buf, n);
		if (ret)
			return vmm_fail(s, ret, "send stop-copy data");
		vmm_hook(s, SIM_PT_SRC_STOPCOPY_CHUNK);
	}
	ret = vmm_send_frame(s, VMM_TAG_END, s->phase, 0, NULL);
	if (ret)
		return vmm_fail(s, ret, "send END_OF_STATE");
	pthread_mutex_lock(&vmm->lock);
	vmm->t_copied = vmm_now();
	pthread_mutex_unlock(&vmm->lock);
	vmm_hook(s, SIM_PT_SRC_STOPCOPY_DONE);
	/* save_cleanup: STOP_COPY -> STOP after the data, then close */
	if (s->state == VFIO_DEVICE_STATE_STOP_COPY)
		vmm_set_state(s, VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_ERROR);
	vmm_close_datafd(s);
	return 0;
}

/* Source after a failure: the guest must run again, the session end. */
static void vmm_src_recover(struct vmm_side *s)
{
	struct sim_vmm *vmm = s->vmm;
	bool p2p = s->flags & VFIO_MIGRATION_P2P;

	s->phase = SIM_PHASE_RECOVER;
	vmm_send_frame(s, VMM_TAG_ABORT, s->phase, 0, NULL);
	shutdown(s->sock, SHUT_WR);
	if (s->state == VFIO_DEVICE_STATE_STOP_COPY)
		vmm_set_state(s, VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_ERROR);
	vmm_close_datafd(s);
	if (vmm->src_stopped) {
		/* migration failed: vm_start() on the source */
		if (p2p && s->state != VFIO_DEVICE_STATE_RUNNING)
			vmm_set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P,
				      VFIO_DEVICE_STATE_ERROR);
		vmm_set_state(s, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_ERROR);
		pthread_mutex_lock(&vmm->lock);
		vmm->t_running = vmm_now();
		pthread_mutex_unlock(&vmm->lock);
		vmm_note(s, SIM_EV_GUEST, "source guest resumed");
	} else {
		/* the migration state notifier: back to RUNNING */
		vmm_set_state(s, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_ERROR);
		vmm_note(s, SIM_EV_GUEST, "source guest kept running");
	}
}

static void *vmm_src_main(void *arg)
{
	struct vmm_side *s = arg;
	struct sim_event ev = {};
	bool precopy;
	size_t bufsz;
	u8 *buf = NULL;
	int ret;

	s->phase = SIM_PHASE_SETUP;
	ret = shim_vfio_get_flags(s->devfd, &s->flags);
	if (ret) {
		vmm_fail(s, ret, "VFIO_DEVICE_FEATURE_MIGRATION");
		goto out_recover;
	}
	if (!(s->flags & VFIO_MIGRATION_STOP_COPY)) {
		vmm_fail(s, -EOPNOTSUPP, "device cannot migrate");
		goto out_recover;
	}
	precopy = s->vmm->opts->precopy && (s->flags & VFIO_MIGRATION_PRE_COPY);
	if (precopy && s->vmm->opts->precopy_v2) {
		/* flags are output, REINIT is reported */
		ret = shim_vfio_set_precopy_v2(s->devfd);
		if (ret) {
			vmm_fail(s, ret, "VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2");
			goto out_recover;
		}
	}
	ev.err = shim_vfio_get_data_size(s->devfd, &ev.bytes);
	vmm_event(s, SIM_EV_DATA_SIZE, &ev);
	if (ev.err)
		ev.bytes = 0;	/* QEMU goes on with its default size */
	bufsz = s->vmm->opts->src_buf;
	if (!bufsz)
		bufsz = ev.bytes && ev.bytes < VMM_SRC_BUF_MAX ? ev.bytes :
							       VMM_SRC_BUF_MAX;
	buf = malloc(bufsz);
	if (!buf) {
		vmm_fail(s, -ENOMEM, "data buffer");
		goto out_recover;
	}
	if (precopy) {
		ret = vmm_set_state(s, VFIO_DEVICE_STATE_PRE_COPY,
				    VFIO_DEVICE_STATE_RUNNING);
		if (ret) {
			vmm_fail(s, ret, "enter PRE_COPY");
			goto out_recover;
		}
	}
	vmm_hook(s, SIM_PT_SRC_SETUP_DONE);
	if (precopy) {
		s->phase = SIM_PHASE_PRECOPY;
		if (vmm_src_precopy(s, buf, bufsz))
			goto out_recover;
		vmm_hook(s, SIM_PT_SRC_PRECOPY_DONE);
	}
	if (vmm_src_stop_copy(s, precopy, buf, bufsz))
		goto out_recover;

	/* the destination's verdict: its guest runs, or the migration failed */
	while (!s->answered) {
		ret = vmm_src_poll(s, true);
		if (ret) {
			vmm_fail(s, ret, "wait for the destination");
			goto out_recover;
		}
	}
	if (s->verdict) {
		vmm_fail(s, s->verdict, "destination failed");
		goto out_recover;
	}
	vmm_note(s, SIM_EV_GUEST, "migrated: source QEMU exits");
	vmm_close_device(s);
	free(buf);
	return NULL;

out_recover:
	/* a failed send usually means the destination gave up: ask why */
	if (s->err == -EPIPE || s->err == -ECONNRESET) {
		while (!s->answered && !vmm_src_poll(s, true))
			;
		if (s->answered && s->verdict) {
			s->err = 0;
			vmm_fail(s, s->verdict, "destination refused");
		}
	}
	vmm_src_recover(s);
	free(buf);
	return NULL;
}

/* Destination: write @len bytes of one frame to the data fd. */
static int vmm_dst_load(struct vmm_side *s, u8 *buf, size_t bufsz, u64 len,
			enum sim_phase phase)
{
	struct sim_event ev = {};
	size_t want, done;
	ssize_t n;
	int ret;

	while (len) {
		want = len < bufsz ? len : bufsz;
		ret = vmm_recv(s, buf, want, false);
		if (ret)
			return vmm_fail(s, ret, "receive device data");
		len -= want;
		for (done = 0; done < want; done += n) {
			n = shim_sys_write(s->datafd, buf + done, want - done);
			ev.err = n < 0 ? -errno : 0;
			ev.asked = want - done;
			ev.bytes = n > 0 ? n : 0;
			vmm_event(s, SIM_EV_WRITE, &ev);
			if (n < 0)
				return vmm_fail(s, -errno, "write device data");
			if (n == 0)
				return vmm_fail(s, -EIO, "write device data");
			s->vmm->res->bytes[SIM_DST][phase] += n;
		}
		vmm_hook(s, SIM_PT_DST_CHUNK);
	}
	return 0;
}

static void vmm_dst_answer(struct vmm_side *s, u32 tag, int status)
{
	u8 hdr[VMM_FRAME_HDR];

	put_unaligned_be32(tag, hdr);
	put_unaligned_be32(0, hdr + 4);
	put_unaligned_be64((u64)(s64)status, hdr + 8);
	vmm_send(s, hdr, sizeof(hdr));
}

static void *vmm_dst_main(void *arg)
{
	struct vmm_side *s = arg;
	struct sim_vmm *vmm = s->vmm;
	size_t bufsz = vmm->opts->dst_buf ? vmm->opts->dst_buf : VMM_DST_BUF_DEFAULT;
	u8 *buf = malloc(bufsz);
	u32 tag, phase;
	u64 len;
	int ret;

	s->phase = SIM_PHASE_SETUP;
	if (!buf) {
		vmm_fail(s, -ENOMEM, "data buffer");
		goto out_fail;
	}
	ret = shim_vfio_get_flags(s->devfd, &s->flags);
	if (ret) {
		vmm_fail(s, ret, "VFIO_DEVICE_FEATURE_MIGRATION");
		goto out_fail;
	}
	/* load_setup: recover to the state the device was in */
	ret = vmm_set_state(s, VFIO_DEVICE_STATE_RESUMING, s->state);
	if (ret) {
		vmm_fail(s, ret, "enter RESUMING");
		goto out_fail;
	}
	vmm_hook(s, SIM_PT_DST_SETUP_DONE);
	for (;;) {
		ret = vmm_recv_frame(s, &tag, &phase, &len, false);
		if (ret) {
			vmm_fail(s, ret, "receive");
			goto out_fail;
		}
		s->phase = phase < SIM_PHASE_NR ? phase : SIM_PHASE_STOPCOPY;
		if (tag == VMM_TAG_DATA) {
			if (vmm_dst_load(s, buf, bufsz, len, s->phase))
				goto out_fail;
		} else if (tag == VMM_TAG_INIT_SENT) {
			/* initial data loaded without error: approve switchover */
			vmm_dst_answer(s, VMM_TAG_ACK, 0);
			vmm_note(s, SIM_EV_GUEST, "switchover approved");
		} else if (tag == VMM_TAG_END) {
			break;
		} else {
			vmm_fail(s, -ECANCELED, "source aborted the migration");
			goto out_fail;
		}
	}
	/* load_cleanup closes the data fd; vm_start changes the state */
	vmm_close_datafd(s);
	vmm_hook(s, SIM_PT_DST_LOADED);
	s->phase = SIM_PHASE_RESUME;
	if (s->flags & VFIO_MIGRATION_P2P) {
		ret = vmm_set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P,
				    VFIO_DEVICE_STATE_ERROR);
		if (ret) {
			vmm_fail(s, ret, "start the device (RUNNING_P2P)");
			goto out_fail;
		}
	}
	ret = vmm_set_state(s, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_ERROR);
	if (ret) {
		vmm_fail(s, ret, "start the device (RUNNING)");
		goto out_fail;
	}
	pthread_mutex_lock(&vmm->lock);
	vmm->t_running = vmm_now();
	pthread_mutex_unlock(&vmm->lock);
	vmm_note(s, SIM_EV_GUEST, "destination guest running");
	vmm_dst_answer(s, VMM_TAG_RESULT, 0);
	vmm_hook(s, SIM_PT_DST_RUNNING);
	free(buf);
	return NULL;

out_fail:
	vmm_dst_answer(s, VMM_TAG_RESULT, s->err);
	shutdown(s->sock, SHUT_RD);
	vmm_close_datafd(s);
	vmm_note(s, SIM_EV_GUEST, "destination QEMU exits");
	vmm_close_device(s);
	free(buf);
	return NULL;
}

int sim_vmm_devfd(struct sim_vmm *vmm, enum sim_side side)
{
	int fd;

	pthread_mutex_lock(&vmm->lock);
	fd = vmm->side[side].devfd;
	pthread_mutex_unlock(&vmm->lock);
	return fd;
}

int sim_vmm_reset(struct sim_vmm *vmm, enum sim_side side)
{
	struct sim_event ev = { .text = "reset from outside" };
	int fd = sim_vmm_devfd(vmm, side);

	if (fd < 0)
		return -EBADF;
	ev.err = shim_vfio_reset(fd);
	vmm_event(&vmm->side[side], SIM_EV_RESET, &ev);
	return ev.err;
}

struct sim_mdev *sim_vmm_mdev(struct sim_vmm *vmm, enum sim_side side)
{
	return vmm->side[side].m;
}

static int vmm_side_init(struct sim_vmm *vmm, enum sim_side id,
			 struct sim_mdev *m, int sock)
{
	struct vmm_side *s = &vmm->side[id];

	s->vmm = vmm;
	s->id = id;
	s->m = m;
	s->sock = sock;
	s->datafd = -1;
	s->state = VFIO_DEVICE_STATE_RUNNING;
	if (id == SIM_DST && sim_mdev_held(m)) {
		/* another guest's VMM has it open: the destination QEMU fails */
		s->devfd = -1;
		s->open_err = -EBUSY;
		return 0;
	}
	s->devfd = sim_mdev_open(m);
	return s->devfd < 0 ? s->devfd : 0;
}

/*
 * The destination QEMU starts (-incoming) before the source connects: a
 * device it cannot open, or one without migration (a vfio_ap without the
 * series), fails it there, and the source's migrate command finds no one
 * listening; its guest never leaves RUNNING. Returns 0 if it started.
 */
static int vmm_dst_start(struct sim_vmm *vmm)
{
	struct vmm_side *d = &vmm->side[SIM_DST], *src = &vmm->side[SIM_SRC];
	int ret = d->open_err;
	const char *step = "open the device";

	d->phase = src->phase = SIM_PHASE_SETUP;
	if (!ret) {
		step = "VFIO_DEVICE_FEATURE_MIGRATION";
		ret = shim_vfio_get_flags(d->devfd, &d->flags);
	}
	if (!ret && !(d->flags & VFIO_MIGRATION_STOP_COPY)) {
		step = "device cannot migrate";
		ret = -EOPNOTSUPP;
	}
	if (!ret)
		return 0;
	vmm_fail(d, ret, step);
	vmm_note(d, SIM_EV_GUEST, "destination QEMU exits");
	vmm_fail(src, -ECONNREFUSED, "connect to the destination");
	vmm_note(src, SIM_EV_GUEST, "source guest kept running");
	return ret;
}

int sim_vmm_migrate(struct sim_mdev *src, struct sim_mdev *dst,
		    const struct sim_vmm_opts *opts, struct sim_vmm_result *res)
{
	struct sim_vmm vmm = { .opts = opts, .res = res, .first_failed = -1 };
	int sv[2], ret;

	memset(res, 0, sizeof(*res));
	res->src_devfd = res->dst_devfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	pthread_mutex_init(&vmm.lock, NULL);
	vmm.t0 = vmm_now();
	ret = vmm_side_init(&vmm, SIM_SRC, src, sv[0]);
	if (!ret)
		ret = vmm_side_init(&vmm, SIM_DST, dst, sv[1]);
	if (ret)
		goto out_close;
	if (vmm_dst_start(&vmm))
		goto out_result;
	ret = pthread_create(&vmm.side[SIM_DST].thread, NULL, vmm_dst_main,
			     &vmm.side[SIM_DST]);
	if (ret) {
		ret = -ret;
		goto out_close;
	}
	ret = pthread_create(&vmm.side[SIM_SRC].thread, NULL, vmm_src_main,
			     &vmm.side[SIM_SRC]);
	if (ret) {
		shutdown(sv[0], SHUT_RDWR);
		pthread_join(vmm.side[SIM_DST].thread, NULL);
		ret = -ret;
		goto out_close;
	}
	pthread_join(vmm.side[SIM_SRC].thread, NULL);
	pthread_join(vmm.side[SIM_DST].thread, NULL);

out_result:
	res->total_ns = vmm_now() - vmm.t0;
	res->src_stopped = vmm.src_stopped;
	if (vmm.src_stopped && vmm.t_running > vmm.t_stop)
		res->downtime_ns = vmm.t_running - vmm.t_stop;
	if (vmm.src_stopped && vmm.t_copied > vmm.t_stop)
		res->stopcopy_ns = vmm.t_copied - vmm.t_stop;
	/* the root cause is the side that gave up first */
	if (vmm.first_failed >= 0) {
		struct vmm_side *f = &vmm.side[vmm.first_failed];

		res->status = f->err;
		res->failed_side = f->id;
		snprintf(res->why, sizeof(res->why), "%s", f->why);
	}
	res->src_devfd = vmm.side[SIM_SRC].devfd;
	res->dst_devfd = vmm.side[SIM_DST].devfd;
	res->src_running = res->src_devfd >= 0 &&
			   sim_mdev_state(src) == VFIO_DEVICE_STATE_RUNNING;
	res->dst_running = !res->status && res->dst_devfd >= 0 &&
			   sim_mdev_state(dst) == VFIO_DEVICE_STATE_RUNNING;
	ret = 0;
	goto out_sockets;

out_close:
	if (vmm.side[SIM_SRC].devfd >= 0)
		sim_mdev_close(src, vmm.side[SIM_SRC].devfd);
	if (vmm.side[SIM_DST].devfd >= 0)
		sim_mdev_close(dst, vmm.side[SIM_DST].devfd);
out_sockets:
	close(sv[0]);
	close(sv[1]);
	pthread_mutex_destroy(&vmm.lock);
	return ret;
}

void sim_vmm_result_release(struct sim_vmm_result *res)
{
	if (res->src_devfd >= 0)
		shim_sys_close(res->src_devfd);
	if (res->dst_devfd >= 0)
		shim_sys_close(res->dst_devfd);
	res->src_devfd = res->dst_devfd = -1;
	free(res->events);
	res->events = NULL;
	res->nr_events = 0;
}
