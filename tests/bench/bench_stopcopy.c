// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the switchover: the device's share of the guest's downtime,
 * for guests of 16 to 65,536 queues. The migration driver
 * (vfio_ap_migration.c, unchanged) runs on two simulated hosts (sim/) and
 * is driven through the shim's VFIO uAPI the way QEMU drives it.
 *
 * The device's share of the switchover is, at the source, the arc into
 * STOP_COPY plus read() until 0, and at the destination the write() of
 * what the source produced in STOP_COPY plus RESUMING -> STOP. It is
 * measured for:
 *   pre       ours with pre-copy, configuration unchanged since pre-copy
 *   nopre     ours without pre-copy (STOP -> STOP_COPY)
 *   changed   ours with pre-copy, the guest's configuration changed after
 *             the last VFIO_MIG_GET_PRECOPY_INFO (the switchover sends it)
 *   upstream  a MODEL of what the upstream series (v1-v4) does, over the
 *             same simulated hosts: a TAPQ per queue at STOP_COPY, native
 *             structs on the wire, the whole stream buffered at the
 *             destination and validated (a TAPQ per queue plus the rules)
 *             on its last write(). Not the upstream code.
 * and a memcpy() of the nopre stream's bytes, the reference the nopre row
 * is judged against, and the floor of moving those bytes as the stream
 * format must: copied out by read(), in by write(), CRC32C at both sides
 * (information: what no implementation of the format can go below).
 *
 * Prints "P" lines (phase, group, parts or "-", what it is) and one "R"
 * line per size and phase: queues, phase, repetitions, fastest and median
 * ns, and the TAPQs of the phase (on hardware each is an AP instruction).
 * A row's time is measured per repetition as the sum of its parts. Under
 * valgrind --tool=callgrind each part of the last repetition is bracketed
 * by CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS_AT("B <queues> <phase>").
 * tests/bench/run-bench.py runs both and judges; run alone with small
 * sizes the binary is the smoke test of `make check`: it dies on any
 * unexpected TAPQ count, stream length or device state.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#define CALLGRIND_ZERO_STATS do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(name) do { (void)(name); } while (0)
#endif

#include <linux/bitmap.h>
#include <linux/crc32.h>
#include <linux/uaccess.h>

#include "apmig_host.h"
#include "sim_host.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_mig_stream.h"
#include "vmm.h"

#include <shim/vfio.h>
#include <shim/vfs.h>

#define SRC_UUID	"8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b"
#define DST_UUID	"5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6"

/* A CEX8 in CCA mode, as tests/fixtures/hosts/mkhosts.py writes it. */
#define BENCH_FAC_CCA	0xF2800000u
#define BENCH_AT_CEX8	14

/* QEMU's reads: up to 1 MiB; its writes: the 32 KiB QEMUFile buffer. */
#define BENCH_READ_MAX	(1u << 20)
#define BENCH_WRITE	(32u << 10)

enum phase {
	/* the switchover, the device's share: source and destination parts */
	PH_PRE_SRC,
	PH_PRE_DST,
	PH_NOPRE_SRC,
	PH_NOPRE_DST,
	PH_CHANGED_SRC,
	PH_CHANGED_DST,
	PH_UPSTREAM_SRC,
	PH_UPSTREAM_DST,
	/* the rows: both parts of one repetition */
	PH_PRE,
	PH_NOPRE,
	PH_CHANGED,
	PH_UPSTREAM,
	/* the references of the nopre row */
	PH_MEMCPY,
	PH_FLOOR,
	/* where the work went: before the source stops (pre-copy) */
	PH_PRE_START,
	PH_PRE_INFO,
	PH_PRE_DST_INITIAL,
	/* the simulator end to end (wall clock only, two threads) */
	PH_E2E_PRE,
	PH_E2E_NOPRE,
	PH_NR
};

static const struct {
	const char *name;
	const char *group;
	const char *parts;	/* a row: its parts, comma-separated */
	const char *what;
} phases[PH_NR] = {
	[PH_PRE_SRC] = { "pre-src", "part", NULL,
		"ours, pre-copy, unchanged: PRE_COPY_P2P -> STOP_COPY + read() of the UNCHANGED record until 0" },
	[PH_PRE_DST] = { "pre-dst", "part", NULL,
		"ours, pre-copy, unchanged: write() of the UNCHANGED record + RESUMING -> STOP" },
	[PH_NOPRE_SRC] = { "nopre-src", "part", NULL,
		"ours, no pre-copy: STOP -> STOP_COPY (TAPQ per queue, encode) + read() until 0" },
	[PH_NOPRE_DST] = { "nopre-dst", "part", NULL,
		"ours, no pre-copy: write() of the record (decode, check: TAPQ per queue) + RESUMING -> STOP" },
	[PH_CHANGED_SRC] = { "changed-src", "part", NULL,
		"ours, pre-copy, changed after the last PRECOPY_INFO: PRE_COPY_P2P -> STOP_COPY (TAPQ per queue, encode) + read() until 0" },
	[PH_CHANGED_DST] = { "changed-dst", "part", NULL,
		"ours, pre-copy, changed: write() of the new record (decode, check: TAPQ per queue) + RESUMING -> STOP" },
	[PH_UPSTREAM_SRC] = { "upstream-src", "part", NULL,
		"MODEL of the upstream series: STOP -> STOP_COPY (TAPQ per queue, native structs) + read() until 0" },
	[PH_UPSTREAM_DST] = { "upstream-dst", "part", NULL,
		"MODEL of the upstream series: write()s buffered, the last one validates (TAPQ per queue + rules)" },
	[PH_PRE] = { "pre", "row", "pre-src,pre-dst",
		"ours with pre-copy, configuration unchanged" },
	[PH_NOPRE] = { "nopre", "row", "nopre-src,nopre-dst",
		"ours without pre-copy" },
	[PH_CHANGED] = { "changed", "row", "changed-src,changed-dst",
		"ours with pre-copy, configuration changed after the last PRECOPY_INFO" },
	[PH_UPSTREAM] = { "upstream", "row", "upstream-src,upstream-dst",
		"MODEL of the upstream series (TAPQ per queue at STOP_COPY, full validation in the switchover)" },
	[PH_MEMCPY] = { "memcpy", "reference", NULL,
		"memcpy() of the nopre stream's bytes" },
	[PH_FLOOR] = { "floor", "reference", NULL,
		"the nopre stream's bytes through read()'s copy_to_user() and write()'s copy_from_user() (QEMU's and the driver's chunks), CRC32C at each side: no TAPQ, encode, decode or check" },
	[PH_PRE_START] = { "pre-start", "before-stop", NULL,
		"RUNNING -> PRE_COPY (TAPQ per queue, encode) + read() of the initial data until -ENOMSG" },
	[PH_PRE_INFO] = { "pre-info", "before-stop", NULL,
		"VFIO_MIG_GET_PRECOPY_INFO, configuration unchanged (generation compare)" },
	[PH_PRE_DST_INITIAL] = { "pre-dst-initial", "before-stop", NULL,
		"destination write() of the initial data (decode, check: TAPQ per queue)" },
	[PH_E2E_PRE] = { "e2e-pre", "e2e", NULL,
		"sim_vmm_migrate() pre-copy + switchover-ack: downtime_ns (threads, socketpair; wall clock only)" },
	[PH_E2E_NOPRE] = { "e2e-nopre", "e2e", NULL,
		"sim_vmm_migrate() without pre-copy: downtime_ns (threads, socketpair; wall clock only)" },
};

/* The guest shapes: adapters x domains. */
static const struct {
	unsigned int adapters, domains;
} shapes[] = {
	{ 1, 1 }, { 4, 4 }, { 16, 16 }, { 64, 64 }, { 128, 128 }, { 256, 256 },
};

#define NR_SHAPES (sizeof(shapes) / sizeof(shapes[0]))

/* Sizes run when --sizes is not given: 16 to 65,536 queues. */
#define DEFAULT_FIRST_SHAPE 1

static void die(const char *what, long err)
{
	fprintf(stderr, "bench_stopcopy: %s: %s\n", what,
		err < 0 ? strerror((int)-err) : "unexpected result");
	exit(1);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* One size's run: samples per phase, and whether this repetition is marked. */
struct run {
	u32 queues;
	unsigned int reps, rep;	/* rep 0 is the warm-up, not recorded */
	bool marking;		/* under callgrind, on the last repetition */
	u64 *samples[PH_NR];
	unsigned int nr[PH_NR];
	enum phase cur;
	char mark[64];
	u64 t0;
	u64 last[PH_NR];	/* this repetition's time of each phase */
	/* TAPQs on both hosts: what costs most on real hardware */
	struct sim_host *hosts[2];
	unsigned long tapq0;
	unsigned long tapqs[PH_NR];	/* of the last repetition */
};

static bool run_on_valgrind;

static unsigned long tapq_calls(const struct run *r)
{
	return sim_host_tapq_calls(r->hosts[0]) + sim_host_tapq_calls(r->hosts[1]);
}

static void phase_begin(struct run *r, enum phase ph)
{
	r->cur = ph;
	if (r->marking)
		snprintf(r->mark, sizeof(r->mark), "B %u %s", r->queues,
			 phases[ph].name);
	r->tapq0 = tapq_calls(r);
	if (r->marking)
		CALLGRIND_ZERO_STATS;
	r->t0 = now_ns();
}

static void phase_record(struct run *r, enum phase ph, u64 ns)
{
	r->last[ph] = ns;
	if (r->rep)
		r->samples[ph][r->nr[ph]++] = ns;
}

static void phase_end(struct run *r)
{
	u64 t = now_ns() - r->t0;

	if (r->marking)
		CALLGRIND_DUMP_STATS_AT(r->mark);
	r->tapqs[r->cur] = tapq_calls(r) - r->tapq0;
	phase_record(r, r->cur, t);
}

/* A row: the sum of its two parts in this repetition; die on a wrong TAPQ count. */
static void row_record(struct run *r, enum phase row, enum phase src,
		       enum phase dst, unsigned long src_tapqs,
		       unsigned long dst_tapqs)
{
	if (r->tapqs[src] != src_tapqs)
		die(phases[src].name, 0);
	if (r->tapqs[dst] != dst_tapqs)
		die(phases[dst].name, 0);
	r->tapqs[row] = r->tapqs[src] + r->tapqs[dst];
	phase_record(r, row, r->last[src] + r->last[dst]);
}

/* ------------------------------------------------------------- the hosts */

/*
 * A host in memory, as apmig_host_load() would build it from sysfs:
 * @adapters CEX8 CCA cards x @domains domains, every queue bound to vfio_ap,
 * control domains = usage domains. With @guest, mdev SRC_UUID holds every
 * queue and a guest runs on it; else DST_UUID, prepared by the
 * administrator, holds every queue with no guest yet.
 */
static struct apmig_host *tree_build(unsigned int adapters, unsigned int domains,
				     bool guest)
{
	struct apmig_host *h = calloc(1, sizeof(*h));
	struct apmig_mdev *m;
	unsigned int a, d;

	if (!h)
		die("host", -ENOMEM);
	snprintf(h->root, sizeof(h->root), "(in memory)");
	h->max_adapter_id = 255;
	h->max_domain_id = 255;
	h->vfio_ap = true;
	h->migratable = true;
	h->target_mdev = -1;
	for (a = 0; a < adapters; a++) {
		struct apmig_card *c = &h->cards[a];

		set_bit_inv(a, h->apm);
		c->present = true;
		c->raw_hwtype = BENCH_AT_CEX8;
		c->hwtype = 11;
		c->functions = BENCH_FAC_CCA;
		c->depth = 8;
		c->online = c->config = true;
		snprintf(c->type, sizeof(c->type), "CEX8C");
		c->driver = APMIG_DRV_CEX4CARD;
	}
	for (d = 0; d < domains; d++) {
		set_bit_inv(d, h->aqm);
		set_bit_inv(d, h->adm);
	}
	h->mdevs = calloc(1, sizeof(*h->mdevs));
	if (!h->mdevs)
		die("host", -ENOMEM);
	h->nr_mdevs = 1;
	m = &h->mdevs[0];
	snprintf(m->uuid, sizeof(m->uuid), "%s", guest ? SRC_UUID : DST_UUID);
	bitmap_copy(m->apm, h->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(m->aqm, h->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(m->adm, h->adm, VFIO_AP_MIG_IDS);
	bitmap_copy(m->guest_apm, h->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(m->guest_aqm, h->aqm, VFIO_AP_MIG_IDS);
	m->has_guest = guest;
	for (a = 0; a < adapters; a++) {
		for (d = 0; d < domains; d++) {
			struct apmig_queue *q = calloc(1, sizeof(*q));

			if (!q)
				die("host", -ENOMEM);
			q->apqn = VFIO_AP_MIG_APQN(a, d);
			q->functions = BENCH_FAC_CCA;
			q->config = true;
			q->driver = APMIG_DRV_VFIO_AP;
			q->status = guest ? APMIG_QST_IN_USE : APMIG_QST_ASSIGNED;
			q->mdev = 0;
			h->queues[q->apqn] = q;
		}
	}
	return h;
}

struct world {
	struct sim_host *src_host, *dst_host;
	struct sim_mdev *src, *dst;
	unsigned int cdom;	/* a control domain of the guest */
	u8 *stream;		/* the source's stream, as read */
	size_t stream_len;
	u8 *copy;		/* the memcpy() reference's destination */
	u8 *kbuf;		/* the floor's kernel-side buffer */
};

static void world_init(struct world *w, unsigned int adapters,
		       unsigned int domains)
{
	struct vfio_ap_mig_config cfg;
	int ret;

	memset(w, 0, sizeof(*w));
	ret = sim_host_from_tree(&w->src_host, "source",
				 tree_build(adapters, domains, true));
	if (ret)
		die("source host", ret);
	ret = sim_host_from_tree(&w->dst_host, "target",
				 tree_build(adapters, domains, false));
	if (ret)
		die("target host", ret);
	w->src = sim_host_mdev(w->src_host, SRC_UUID);
	w->dst = sim_host_mdev(w->dst_host, DST_UUID);
	if (!w->src || !w->dst)
		die("mdevs", -ENOENT);
	w->cdom = 0;
	/* the guest has every queue: the benchmark must measure that many */
	ret = sim_mdev_guest_config(w->src, &cfg);
	if (ret)
		die("guest config", ret);
	if (cfg.nr_queues != adapters * domains)
		die("guest config: queue count", 0);
	vfio_ap_mig_config_free(&cfg);
	w->stream = malloc(VFIO_AP_MIG_MAX_STREAM);
	w->copy = malloc(VFIO_AP_MIG_MAX_STREAM);
	w->kbuf = malloc(VFIO_AP_MIG_MAX_STREAM);
	if (!w->stream || !w->copy || !w->kbuf)
		die("buffers", -ENOMEM);
}

static void world_fini(struct world *w)
{
	sim_host_free(w->src_host);
	sim_host_free(w->dst_host);
	free(w->stream);
	free(w->copy);
	free(w->kbuf);
}

/* ------------------------------------------------------------- uAPI steps */

static int set_state(int devfd, enum vfio_device_mig_state s, const char *what)
{
	int fd = -1;
	int ret = shim_vfio_set_state(devfd, s, &fd);

	if (ret)
		die(what, ret);
	return fd;
}

/*
 * read() until 0 (or -ENOMSG when @precopy) straight into the stream at
 * @have, as QEMU reads into its buffer: the only copy is copy_to_user().
 */
static size_t read_stream(int fd, u8 *out, size_t have, bool precopy)
{
	ssize_t n;

	for (;;) {
		size_t room = VFIO_AP_MIG_MAX_STREAM - have;

		if (!room)
			die("read: stream too long", 0);
		n = shim_sys_read(fd, out + have,
				  room < BENCH_READ_MAX ? room : BENCH_READ_MAX);
		if (n < 0 && precopy && errno == ENOMSG)
			return have;
		if (n < 0)
			die("read", -errno);
		if (!n)
			return have;
		have += n;
	}
}

static void write_stream(int fd, const u8 *p, size_t len)
{
	size_t done, want;
	ssize_t n;

	for (done = 0; done < len; done += n) {
		want = len - done < BENCH_WRITE ? len - done : BENCH_WRITE;
		n = shim_sys_write(fd, p + done, want);
		if (n <= 0)
			die("write", n < 0 ? -errno : 0);
	}
}

static void expect_running(struct sim_mdev *m, const char *what)
{
	if (sim_mdev_state(m) != VFIO_DEVICE_STATE_RUNNING)
		die(what, 0);
}

/* ------------------------------------------------------------- ours */

/*
 * The floor of the nopre row's byte handling, done as the driver does it
 * and nothing more: at the source, the record (in w->kbuf, as the driver
 * holds it) CRC'd once and copied out by read()s of up to 1 MiB; at the
 * destination, write()s of 32 KiB, each taken in
 * VFIO_AP_MIG_WRITE_CHUNK-sized copy_from_user()s into a bounce buffer
 * and CRC'd from there (the CRC carried from chunk to chunk). The shim's
 * copy_to_user(), copy_from_user() and crc32c(), as the driver calls
 * them. No TAPQ, no encode, no decode, no check: those come on top.
 */
#define BENCH_BOUNCE	4096	/* vfio_ap_migration.c: VFIO_AP_MIG_WRITE_CHUNK */

static void run_floor(struct run *r, struct world *w)
{
	size_t len = w->stream_len, done, n, k, c;
	u32 src_crc, dst_crc = ~0U;
	u8 *bounce = w->kbuf + VFIO_AP_MIG_MAX_STREAM - BENCH_BOUNCE;

	if (len > VFIO_AP_MIG_MAX_STREAM - BENCH_BOUNCE)
		die("floor: stream too long", 0);
	memcpy(w->kbuf, w->stream, len);
	phase_begin(r, PH_FLOOR);
	src_crc = crc32c(~0U, w->kbuf, len);
	for (done = 0; done < len; done += n) {
		n = len - done < BENCH_READ_MAX ? len - done : BENCH_READ_MAX;
		if (copy_to_user((void __user *)(w->copy + done), w->kbuf + done, n))
			die("floor: copy_to_user", -EFAULT);
	}
	for (done = 0; done < len; done += n) {
		n = len - done < BENCH_WRITE ? len - done : BENCH_WRITE;
		for (k = 0; k < n; k += c) {
			c = n - k < BENCH_BOUNCE ? n - k : BENCH_BOUNCE;
			if (copy_from_user(bounce,
					   (const void __user *)(w->copy + done + k), c))
				die("floor: copy_from_user", -EFAULT);
			dst_crc = crc32c(dst_crc, bounce, c);
		}
	}
	phase_end(r);
	if (src_crc != dst_crc || memcmp(w->copy, w->stream, len))
		die("floor", 0);
}

/* Without pre-copy: the whole record crosses in the switchover. */
static void run_nopre(struct run *r, struct world *w, int src, int dst)
{
	size_t len = vfio_ap_mig_config_record_size(r->queues);
	int fd, dfd;

	set_state(src, VFIO_DEVICE_STATE_STOP, "source: stop");
	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: stop");
	dfd = set_state(dst, VFIO_DEVICE_STATE_RESUMING, "destination: RESUMING");

	phase_begin(r, PH_NOPRE_SRC);
	fd = set_state(src, VFIO_DEVICE_STATE_STOP_COPY, "source: STOP_COPY");
	w->stream_len = read_stream(fd, w->stream, 0, false);
	phase_end(r);
	if (w->stream_len != len)
		die("nopre: stream length", 0);
	set_state(src, VFIO_DEVICE_STATE_STOP, "source: end STOP_COPY");
	shim_sys_close(fd);

	phase_begin(r, PH_NOPRE_DST);
	write_stream(dfd, w->stream, w->stream_len);
	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: RESUMING -> STOP");
	phase_end(r);
	shim_sys_close(dfd);
	row_record(r, PH_NOPRE, PH_NOPRE_SRC, PH_NOPRE_DST, r->queues, r->queues);

	/* the reference: the same bytes copied once */
	phase_begin(r, PH_MEMCPY);
	memcpy(w->copy, w->stream, w->stream_len);
	phase_end(r);
	if (memcmp(w->copy, w->stream, w->stream_len))
		die("memcpy", 0);
	run_floor(r, w);

	set_state(src, VFIO_DEVICE_STATE_RUNNING, "source: resume");
	set_state(dst, VFIO_DEVICE_STATE_RUNNING, "destination: start");
	expect_running(w->dst, "nopre: destination not running");
}

/*
 * With pre-copy. With @change the guest's control domain w->cdom goes
 * after the last PRECOPY_INFO, so the switchover itself must send the new
 * configuration (a change seen by PRECOPY_INFO would be sent during
 * pre-copy if the stream has room for it, which depends on the size); the
 * administrator prepared the same change on the destination mdev.
 */
static void run_pre(struct run *r, struct world *w, int src, int dst,
		    bool change)
{
	enum phase ph_src = change ? PH_CHANGED_SRC : PH_PRE_SRC;
	enum phase ph_dst = change ? PH_CHANGED_DST : PH_PRE_DST;
	size_t record = vfio_ap_mig_config_record_size(r->queues);
	size_t initial_len;
	u64 initial = 0, dirty = 0;
	int fd, dfd, ret;

	/* before the source stops: measured once, in the unchanged run */
	if (!change)
		phase_begin(r, PH_PRE_START);
	fd = set_state(src, VFIO_DEVICE_STATE_PRE_COPY, "source: PRE_COPY");
	initial_len = read_stream(fd, w->stream, 0, true);
	if (!change)
		phase_end(r);
	if (initial_len != record)
		die("pre-copy: initial data length", 0);
	if (!change)
		phase_begin(r, PH_PRE_INFO);
	ret = shim_vfio_precopy_info(fd, &initial, &dirty);
	if (!change)
		phase_end(r);
	if (ret || initial || dirty)
		die("pre-copy info", ret);

	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: stop");
	dfd = set_state(dst, VFIO_DEVICE_STATE_RESUMING, "destination: RESUMING");
	if (!change)
		phase_begin(r, PH_PRE_DST_INITIAL);
	write_stream(dfd, w->stream, initial_len);
	if (!change) {
		phase_end(r);
		if (r->tapqs[PH_PRE_START] != r->queues ||
		    r->tapqs[PH_PRE_INFO] ||
		    r->tapqs[PH_PRE_DST_INITIAL] != r->queues)
			die("pre-copy: TAPQs before the switchover", 0);
	}

	if (change) {
		ret = sim_mdev_unassign(w->src, SIM_CONTROL_DOMAIN, w->cdom);
		if (ret)
			die("source: unassign control domain", ret);
		ret = sim_mdev_unassign(w->dst, SIM_CONTROL_DOMAIN, w->cdom);
		if (ret)
			die("destination: unassign control domain", ret);
	}
	set_state(src, VFIO_DEVICE_STATE_PRE_COPY_P2P, "source: PRE_COPY_P2P");

	phase_begin(r, ph_src);
	set_state(src, VFIO_DEVICE_STATE_STOP_COPY, "source: STOP_COPY");
	w->stream_len = read_stream(fd, w->stream, initial_len, false);
	phase_end(r);
	if (w->stream_len - initial_len !=
	    (change ? record : VFIO_AP_MIG_UNCHANGED_RECORD_SIZE))
		die("stop-copy length", 0);
	set_state(src, VFIO_DEVICE_STATE_STOP, "source: end STOP_COPY");
	shim_sys_close(fd);

	phase_begin(r, ph_dst);
	write_stream(dfd, w->stream + initial_len, w->stream_len - initial_len);
	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: RESUMING -> STOP");
	phase_end(r);
	shim_sys_close(dfd);
	if (change)
		row_record(r, PH_CHANGED, ph_src, ph_dst, r->queues, r->queues);
	else
		row_record(r, PH_PRE, ph_src, ph_dst, 0, 0);

	set_state(src, VFIO_DEVICE_STATE_RUNNING, "source: resume");
	set_state(dst, VFIO_DEVICE_STATE_RUNNING, "destination: start");
	expect_running(w->dst, "pre-copy: destination not running");
	if (change) {
		ret = sim_mdev_assign(w->src, SIM_CONTROL_DOMAIN, w->cdom);
		if (!ret)
			ret = sim_mdev_assign(w->dst, SIM_CONTROL_DOMAIN, w->cdom);
		if (ret)
			die("assign control domain", ret);
	}
}

/* ------------------------------------------------- the upstream model */

/*
 * A MODEL of the upstream series (Krowiak, v1 to v4), not its code, over
 * the same simulated hosts and their TAPQ: what it does in the switchover.
 * STOP_COPY only. At STOP -> STOP_COPY the source asks TAPQ for every
 * queue of the guest and lays out native structs: a header (u32
 * num_queues, size_t config_sz), then per queue the raw TAPQ word and the
 * APQN. The destination buffers every write() (here: allocated once, at
 * the size the header gives) and validates on the last one: a TAPQ per
 * queue and the compatibility rules (ours stand in for its comparisons).
 * Left out, in its favour: overwriting the destination mdev's assignment
 * from the stream at RESUMING -> STOP, and its control domains (it sends
 * none; the model checks the destination's own).
 */
struct up_hdr {
	u32 num_queues;
	size_t config_sz;
};

struct up_queue {
	u64 tapq;
	u16 apqn;
};

/* The source's saving file: built at STOP_COPY, read until 0. */
struct up_save {
	u8 *buf;
	size_t len, pos;
};

static int up_save_start(struct up_save *s, struct sim_mdev *m)
{
	struct vfio_ap_mig_config cfg;
	struct up_hdr hdr;
	struct up_queue *q;
	u64 gen;
	u32 i;
	int ret;

	/* one TAPQ per queue, as the upstream series does at save */
	ret = vfio_ap_mig_host_read_config(sim_mdev_matrix_mdev(m), &cfg, &gen);
	if (ret)
		return ret;
	s->len = sizeof(hdr) + (size_t)cfg.nr_queues * sizeof(*q);
	s->pos = 0;
	s->buf = malloc(s->len);
	if (!s->buf) {
		vfio_ap_mig_config_free(&cfg);
		return -ENOMEM;
	}
	hdr.num_queues = cfg.nr_queues;
	hdr.config_sz = s->len;
	memcpy(s->buf, &hdr, sizeof(hdr));
	q = (struct up_queue *)(s->buf + sizeof(hdr));
	for (i = 0; i < cfg.nr_queues; i++) {
		q[i].tapq = cfg.queues[i].gr2;
		q[i].apqn = cfg.queues[i].apqn;
	}
	vfio_ap_mig_config_free(&cfg);
	return 0;
}

/* read(): copy_to_user() of up to @len bytes. */
static size_t up_save_read(struct up_save *s, u8 *out, size_t len)
{
	size_t n = s->len - s->pos < len ? s->len - s->pos : len;

	memcpy(out, s->buf + s->pos, n);
	s->pos += n;
	return n;
}

/* The destination's resuming file. */
struct up_resume {
	struct sim_mdev *m;
	u8 *buf;
	size_t len, cap;
};

/* On the last write(): rebuild the configuration, TAPQ and the rules. */
static int up_validate(struct up_resume *d)
{
	const struct up_hdr *hdr = (const struct up_hdr *)d->buf;
	const struct up_queue *q = (const struct up_queue *)(d->buf + sizeof(*hdr));
	struct ap_matrix guest;
	struct vfio_ap_mig_config cfg;
	u64 gen;
	u32 i;
	int ret;

	ret = vfio_ap_mig_config_alloc(&cfg, hdr->num_queues);
	if (ret)
		return ret;
	for (i = 0; i < hdr->num_queues; i++) {
		cfg.queues[i].apqn = q[i].apqn;
		cfg.queues[i].gr2 = q[i].tapq & VFIO_AP_MIG_GR2_MASK;
		set_bit_inv(VFIO_AP_MIG_APID(q[i].apqn), cfg.apm);
		set_bit_inv(VFIO_AP_MIG_APQI(q[i].apqn), cfg.aqm);
	}
	sim_mdev_get(d->m, NULL, &guest);
	bitmap_copy(cfg.adm, guest.adm, VFIO_AP_MIG_IDS);
	ret = vfio_ap_mig_host_check(sim_mdev_matrix_mdev(d->m), &cfg, NULL,
				     NULL, &gen);
	vfio_ap_mig_config_free(&cfg);
	return ret > 0 ? -ENXIO : ret;
}

/* write(): copy_from_user() into the buffer; the last one validates. */
static int up_resume_write(struct up_resume *d, const u8 *p, size_t n)
{
	if (!d->buf) {
		const struct up_hdr *hdr = (const void *)p;

		if (n < sizeof(*hdr))
			return -EINVAL;
		d->cap = sizeof(*hdr) +
			 (size_t)hdr->num_queues * sizeof(struct up_queue);
		d->buf = malloc(d->cap);
		if (!d->buf)
			return -ENOMEM;
	}
	if (n > d->cap - d->len)
		return -EFBIG;
	memcpy(d->buf + d->len, p, n);
	d->len += n;
	return d->len == d->cap ? up_validate(d) : 0;
}

static void run_upstream(struct run *r, struct world *w)
{
	struct up_save s = {};
	struct up_resume d = { .m = w->dst };
	size_t len = 0, n, done;
	int ret;

	phase_begin(r, PH_UPSTREAM_SRC);
	ret = up_save_start(&s, w->src);
	if (!ret)
		while ((n = up_save_read(&s, w->stream + len, BENCH_READ_MAX)))
			len += n;
	phase_end(r);
	if (ret)
		die("upstream model: save", ret);
	free(s.buf);

	phase_begin(r, PH_UPSTREAM_DST);
	for (done = 0; !ret && done < len; done += n) {
		n = len - done < BENCH_WRITE ? len - done : BENCH_WRITE;
		ret = up_resume_write(&d, w->stream + done, n);
	}
	phase_end(r);
	if (ret || d.len != len)
		die("upstream model: resume", ret);
	free(d.buf);
	row_record(r, PH_UPSTREAM, PH_UPSTREAM_SRC, PH_UPSTREAM_DST, r->queues,
		   r->queues);
}

/* ------------------------------------------------------------- e2e */

static void run_e2e(struct run *r, struct world *w, bool precopy)
{
	struct sim_vmm_opts o = { .precopy = precopy, .switchover_ack = precopy };
	struct sim_vmm_result res;
	int ret;

	ret = sim_vmm_migrate(w->src, w->dst, &o, &res);
	if (ret)
		die("sim_vmm_migrate", ret);
	if (res.status) {
		fprintf(stderr, "bench_stopcopy: migration failed: %s\n", res.why);
		exit(1);
	}
	phase_record(r, precopy ? PH_E2E_PRE : PH_E2E_NOPRE, res.downtime_ns);
	sim_vmm_result_release(&res);
}

/* ------------------------------------------------------------- driver */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Repetitions: many for small guests, at least 11 for the biggest. */
static unsigned int default_reps(u32 queues)
{
	unsigned int reps = 262144 / queues;

	return reps < 11 ? 11 : reps > 1001 ? 1001 : reps;
}

static void run_size(unsigned int adapters, unsigned int domains,
		     unsigned int reps_opt, bool e2e)
{
	struct run r = { .queues = adapters * domains };
	struct world w;
	unsigned int ph, k;
	int src, dst;

	r.reps = reps_opt ? reps_opt : default_reps(r.queues);
	for (ph = 0; ph < PH_NR; ph++) {
		r.samples[ph] = calloc(r.reps, sizeof(u64));
		if (!r.samples[ph])
			die("samples", -ENOMEM);
	}
	world_init(&w, adapters, domains);
	r.hosts[0] = w.src_host;
	r.hosts[1] = w.dst_host;
	src = sim_mdev_open(w.src);
	dst = sim_mdev_open(w.dst);
	if (src < 0 || dst < 0)
		die("open", src < 0 ? src : dst);
	for (r.rep = 0; r.rep <= r.reps; r.rep++) {
		r.marking = run_on_valgrind && r.rep == r.reps;
		run_pre(&r, &w, src, dst, false);
		run_nopre(&r, &w, src, dst);
		run_pre(&r, &w, src, dst, true);
		run_upstream(&r, &w);
	}
	sim_mdev_close(w.src, src);
	sim_mdev_close(w.dst, dst);
	for (r.rep = 0; e2e && r.rep <= r.reps; r.rep++) {
		run_e2e(&r, &w, true);
		run_e2e(&r, &w, false);
	}
	world_fini(&w);
	if (shim_fd_count() || shim_files_alive())
		die("fds or files left open", 0);

	for (ph = 0; ph < PH_NR; ph++) {
		k = r.nr[ph];
		if (k) {
			qsort(r.samples[ph], k, sizeof(u64), cmp_u64);
			printf("R\t%u\t%s\t%u\t%llu\t%llu\t%lu\n", r.queues,
			       phases[ph].name, k,
			       (unsigned long long)r.samples[ph][0],
			       (unsigned long long)r.samples[ph][k / 2],
			       r.tapqs[ph]);
		}
		free(r.samples[ph]);
	}
	fflush(stdout);
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--reps N] [--sizes N,N,...] [--no-e2e]\n"
		"  sizes among 1,16,256,4096,16384,65536 (default: 16 to 65536)\n",
		argv0);
	exit(2);
}

int main(int argc, char *argv[])
{
	bool want[NR_SHAPES], e2e = true;
	unsigned int reps = 0;
	size_t s;
	int i;

	for (s = 0; s < NR_SHAPES; s++)
		want[s] = s >= DEFAULT_FIRST_SHAPE;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			reps = strtoul(argv[++i], NULL, 10);
			if (!reps)
				usage(argv[0]);
		} else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
			char *list = argv[++i], *tok, *save = NULL;

			for (s = 0; s < NR_SHAPES; s++)
				want[s] = false;
			for (tok = strtok_r(list, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				unsigned long q = strtoul(tok, NULL, 10);

				for (s = 0; s < NR_SHAPES; s++)
					if (shapes[s].adapters * shapes[s].domains == q)
						break;
				if (s == NR_SHAPES)
					usage(argv[0]);
				want[s] = true;
			}
		} else if (!strcmp(argv[i], "--no-e2e")) {
			e2e = false;
		} else {
			usage(argv[0]);
		}
	}
	run_on_valgrind = RUNNING_ON_VALGRIND;
#ifdef HAVE_CALLGRIND
	printf("C\tcallgrind-markers\n");
#endif
	for (i = 0; i < PH_NR; i++)
		printf("P\t%s\t%s\t%s\t%s\n", phases[i].name, phases[i].group,
		       phases[i].parts ? phases[i].parts : "-", phases[i].what);
	for (s = 0; s < NR_SHAPES; s++)
		if (want[s])
			run_size(shapes[s].adapters, shapes[s].domains, reps,
				 e2e && !run_on_valgrind);
	return 0;
}
