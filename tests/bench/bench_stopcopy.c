// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the stop-and-copy path: the migration driver
 * (vfio_ap_migration.c, unchanged) on two simulated hosts (sim/), driven
 * through the shim's VFIO uAPI the way QEMU drives it, for guests of 1 to
 * 65,536 queues; plus the pieces alone (host services, codec, rules, the
 * library's sysfs-free computations) and the simulator's end-to-end downtime.
 *
 * Prints "P" lines (phase name, group, what it is) and one "R" line per
 * size and phase: queues, phase, repetitions, fastest and median ns, and
 * the TAPQs the phase made (on hardware each is an AP instruction).
 * Under valgrind --tool=callgrind each phase of the last repetition is
 * bracketed by CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS_AT("B <queues>
 * <phase>"), so each dump holds exactly one phase's instructions.
 * tests/bench/run-bench.py runs both and prints the table.
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

#include "apmig_host.h"
#include "apmig_config.h"
#include "sim_host.h"
#include "vfio_ap_mig_host.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"
#include "vmm.h"

#include <shim/vfio.h>
#include <shim/vfs.h>

#define SRC_UUID	"8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b"
#define DST_UUID	"5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6"

/* A CEX8 in CCA mode, as tests/fixtures/hosts/mkhosts.py writes it. */
#define BENCH_FAC_CCA	0xF2800000u
#define BENCH_AT_CEX8	14
#define BENCH_GR2	(((u64)BENCH_FAC_CCA << 32 | \
			  (u64)BENCH_AT_CEX8 << VFIO_AP_MIG_GR2_AT_SHIFT) & \
			 VFIO_AP_MIG_GR2_MASK)

/* QEMU's reads: up to 1 MiB; its writes: the 32 KiB QEMUFile buffer. */
#define BENCH_READ_MAX	(1u << 20)
#define BENCH_WRITE	(32u << 10)
/* The driver copies a write() in 4 KiB steps; the decoder benchmark too. */
#define BENCH_FEED	4096u

enum phase {
	/* the stop-and-copy window */
	PH_SRC_STOPCOPY_NOPRE,
	PH_SRC_READ_NOPRE,
	PH_SRC_STOPCOPY_PRE,
	PH_SRC_READ_PRE,
	PH_SRC_STOPCOPY_CHANGED,
	PH_SRC_READ_CHANGED,
	PH_SRC_END,
	PH_DST_WRITE_NOPRE,
	PH_DST_WRITE_TRAILER,
	PH_DST_FINISH,
	/* before the source stops */
	PH_DATA_SIZE,
	PH_SRC_PRECOPY_START,
	PH_SRC_PRECOPY_READ,
	PH_PRECOPY_INFO,
	PH_DST_RESUME_START,
	PH_DST_WRITE_INITIAL,
	/* the pieces, without fds */
	PH_HOST_READ_CONFIG,
	PH_HOST_CHECK,
	PH_ENCODE,
	PH_DECODE,
	PH_CONFIG_EQUAL,
	PH_RULES_CHECK,
	PH_LIB_GUEST_CONFIG,
	PH_LIB_CHECK,
	/* the simulator end to end (wall clock only, two threads) */
	PH_E2E_DOWNTIME_PRE,
	PH_E2E_DOWNTIME_NOPRE,
	PH_NR
};

static const struct {
	const char *name;
	const char *group;
	const char *what;
} phases[PH_NR] = {
	[PH_SRC_STOPCOPY_NOPRE] = { "src-stopcopy-nopre", "downtime",
		"source STOP -> STOP_COPY without pre-copy: read_config (TAPQ per queue) + encode" },
	[PH_SRC_READ_NOPRE] = { "src-read-nopre", "downtime",
		"source read() of the whole record until 0 (1 MiB reads)" },
	[PH_SRC_STOPCOPY_PRE] = { "src-stopcopy-pre", "downtime",
		"source PRE_COPY_P2P -> STOP_COPY, unchanged: read_config + compare + UNCHANGED trailer" },
	[PH_SRC_READ_PRE] = { "src-read-pre", "downtime",
		"source read() of the 28-byte trailer until 0" },
	[PH_SRC_STOPCOPY_CHANGED] = { "src-stopcopy-changed", "downtime",
		"source PRE_COPY_P2P -> STOP_COPY, changed: read_config + compare + encode + append" },
	[PH_SRC_READ_CHANGED] = { "src-read-changed", "downtime",
		"source read() of the new record until 0" },
	[PH_SRC_END] = { "src-end", "downtime",
		"source STOP_COPY -> STOP: the data file disabled and freed" },
	[PH_DST_WRITE_NOPRE] = { "dst-write-nopre", "downtime",
		"destination write() of the whole record (32 KiB writes): decode + check" },
	[PH_DST_WRITE_TRAILER] = { "dst-write-trailer", "downtime",
		"destination write() of the UNCHANGED trailer (pre-copy)" },
	[PH_DST_FINISH] = { "dst-finish", "downtime",
		"destination RESUMING -> STOP: decoder finish + check + apply" },
	[PH_DATA_SIZE] = { "data-size", "before-stop",
		"MIG_DATA_SIZE while RUNNING: read_config + record size" },
	[PH_SRC_PRECOPY_START] = { "src-precopy-start", "before-stop",
		"source RUNNING -> PRE_COPY: read_config + encode" },
	[PH_SRC_PRECOPY_READ] = { "src-precopy-read", "before-stop",
		"source read() of the initial data until -ENOMSG" },
	[PH_PRECOPY_INFO] = { "precopy-info", "before-stop",
		"VFIO_MIG_GET_PRECOPY_INFO: read_config + compare" },
	[PH_DST_RESUME_START] = { "dst-resume-start", "before-stop",
		"destination STOP -> RESUMING" },
	[PH_DST_WRITE_INITIAL] = { "dst-write-initial", "before-stop",
		"destination write() of the pre-copy record: decode + check" },
	[PH_HOST_READ_CONFIG] = { "host-read-config", "piece",
		"sim vfio_ap_mig_host_read_config() alone" },
	[PH_HOST_CHECK] = { "host-check", "piece",
		"sim vfio_ap_mig_host_check() alone (rules + sim lookup)" },
	[PH_ENCODE] = { "encode", "piece",
		"vfio_ap_mig_encode_config() (incl. CRC32C)" },
	[PH_DECODE] = { "decode", "piece",
		"decoder fed in 4 KiB steps + finish (incl. CRC32C)" },
	[PH_CONFIG_EQUAL] = { "config-equal", "piece",
		"vfio_ap_mig_config_equal() of two equal configurations" },
	[PH_RULES_CHECK] = { "rules-check", "piece",
		"vfio_ap_mig_check() alone, lookup from a flat array" },
	[PH_LIB_GUEST_CONFIG] = { "lib-guest-config", "piece",
		"libapmig apmig_host_guest_config() on a host in memory (no sysfs)" },
	[PH_LIB_CHECK] = { "lib-check", "piece",
		"libapmig apmig_host_target() + vfio_ap_mig_check() (no sysfs)" },
	[PH_E2E_DOWNTIME_PRE] = { "e2e-downtime-pre", "e2e",
		"sim_vmm_migrate() pre-copy + switchover-ack: downtime_ns (threads, socketpair)" },
	[PH_E2E_DOWNTIME_NOPRE] = { "e2e-downtime-nopre", "e2e",
		"sim_vmm_migrate() without pre-copy: downtime_ns (threads, socketpair)" },
};

/* The guest shapes: adapters x domains. */
static const struct {
	unsigned int adapters, domains;
} shapes[] = {
	{ 1, 1 }, { 4, 4 }, { 16, 16 }, { 64, 64 }, { 128, 128 }, { 256, 256 },
};

#define NR_SHAPES (sizeof(shapes) / sizeof(shapes[0]))

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

/* @ph PH_NR: a step measured in another run of the same repetition. */
static void phase_begin(struct run *r, enum phase ph)
{
	r->cur = ph;
	if (ph == PH_NR)
		return;
	if (r->marking)
		snprintf(r->mark, sizeof(r->mark), "B %u %s", r->queues,
			 phases[ph].name);
	r->tapq0 = tapq_calls(r);
	if (r->marking)
		CALLGRIND_ZERO_STATS;
	r->t0 = now_ns();
}

static void phase_end(struct run *r)
{
	u64 t = now_ns() - r->t0;

	if (r->cur == PH_NR)
		return;
	if (r->marking)
		CALLGRIND_DUMP_STATS_AT(r->mark);
	r->tapqs[r->cur] = tapq_calls(r) - r->tapq0;
	if (r->rep)
		r->samples[r->cur][r->nr[r->cur]++] = t;
}

/* Record a duration measured elsewhere (the simulator's downtime). */
static void phase_record(struct run *r, enum phase ph, u64 ns)
{
	if (r->rep)
		r->samples[ph][r->nr[ph]++] = ns;
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
	struct apmig_host *lib_src, *lib_dst;	/* for the library's pieces */
	unsigned int cdom;	/* a control domain of the guest */
	u8 *stream;		/* the source's stream, as read */
	size_t stream_len;
	u8 *buf;		/* read buffer */
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
	w->lib_src = tree_build(adapters, domains, true);
	w->lib_dst = tree_build(adapters, domains, false);
	w->cdom = 0;
	/* the guest has every queue: the benchmark must measure that many */
	ret = sim_mdev_guest_config(w->src, &cfg);
	if (ret)
		die("guest config", ret);
	if (cfg.nr_queues != adapters * domains)
		die("guest config: queue count", 0);
	vfio_ap_mig_config_free(&cfg);
	w->stream = malloc(VFIO_AP_MIG_MAX_STREAM);
	w->buf = malloc(BENCH_READ_MAX);
	if (!w->stream || !w->buf)
		die("buffers", -ENOMEM);
}

static void world_fini(struct world *w)
{
	sim_host_free(w->src_host);
	sim_host_free(w->dst_host);
	apmig_host_free(w->lib_src);
	apmig_host_free(w->lib_dst);
	free(w->stream);
	free(w->buf);
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

/* read() until 0 (or -ENOMSG when @precopy) into @out at @have. */
static size_t read_stream(int fd, u8 *out, size_t have, size_t bufsz,
			  u8 *buf, bool precopy)
{
	ssize_t n;

	for (;;) {
		n = shim_sys_read(fd, buf, bufsz);
		if (n < 0 && precopy && errno == ENOMSG)
			return have;
		if (n < 0)
			die("read", -errno);
		if (!n)
			return have;
		if (have + n > VFIO_AP_MIG_MAX_STREAM)
			die("read: stream too long", 0);
		memcpy(out + have, buf, n);
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

static size_t read_size(u64 data_size)
{
	return data_size && data_size < BENCH_READ_MAX ? data_size : BENCH_READ_MAX;
}

/* Source without pre-copy, then the destination takes its stream. */
static void run_nopre(struct run *r, struct world *w, int src, int dst)
{
	u64 size = 0;
	int fd, ret;

	phase_begin(r, PH_DATA_SIZE);
	ret = shim_vfio_get_data_size(src, &size);
	phase_end(r);
	if (ret || size != vfio_ap_mig_config_record_size(r->queues))
		die("data size", ret);

	set_state(src, VFIO_DEVICE_STATE_STOP, "source: stop");
	phase_begin(r, PH_SRC_STOPCOPY_NOPRE);
	fd = set_state(src, VFIO_DEVICE_STATE_STOP_COPY, "source: STOP_COPY");
	phase_end(r);
	phase_begin(r, PH_SRC_READ_NOPRE);
	w->stream_len = read_stream(fd, w->stream, 0, read_size(size), w->buf,
				    false);
	phase_end(r);
	if (w->stream_len != size)
		die("stream length differs from the data size", 0);
	phase_begin(r, PH_SRC_END);
	set_state(src, VFIO_DEVICE_STATE_STOP, "source: end STOP_COPY");
	phase_end(r);
	shim_sys_close(fd);
	set_state(src, VFIO_DEVICE_STATE_RUNNING, "source: resume");

	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: stop");
	phase_begin(r, PH_DST_RESUME_START);
	fd = set_state(dst, VFIO_DEVICE_STATE_RESUMING, "destination: RESUMING");
	phase_end(r);
	phase_begin(r, PH_DST_WRITE_NOPRE);
	write_stream(fd, w->stream, w->stream_len);
	phase_end(r);
	shim_sys_close(fd);
	phase_begin(r, PH_DST_FINISH);
	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: RESUMING -> STOP");
	phase_end(r);
	set_state(dst, VFIO_DEVICE_STATE_RUNNING, "destination: start");
	if (sim_mdev_state(w->dst) != VFIO_DEVICE_STATE_RUNNING)
		die("destination: not running", 0);
}

/*
 * Source with pre-copy; with @change the guest's control domains change
 * during pre-copy so that stop-copy sends a whole new record.
 */
static void run_pre(struct run *r, struct world *w, int src, int dst,
		    bool change)
{
/* the steps before the source stops are the same in both runs */
#define ONCE(ph) (change ? PH_NR : (ph))
	u64 initial = 0, dirty = 0;
	size_t initial_len;
	int fd, dfd, ret;

	phase_begin(r, ONCE(PH_SRC_PRECOPY_START));
	fd = set_state(src, VFIO_DEVICE_STATE_PRE_COPY, "source: PRE_COPY");
	phase_end(r);
	phase_begin(r, ONCE(PH_SRC_PRECOPY_READ));
	initial_len = read_stream(fd, w->stream, 0, BENCH_READ_MAX, w->buf, true);
	phase_end(r);
	if (initial_len != vfio_ap_mig_config_record_size(r->queues))
		die("pre-copy: initial data length", 0);
	if (change) {
		ret = sim_mdev_unassign(w->src, SIM_CONTROL_DOMAIN, w->cdom);
		if (ret)
			die("source: unassign control domain", ret);
	}
	phase_begin(r, ONCE(PH_PRECOPY_INFO));
	ret = shim_vfio_precopy_info(fd, &initial, &dirty);
	phase_end(r);
	if (ret || initial || !dirty != !change)
		die("pre-copy info", ret);

	/* the destination loads the initial data while the guest runs */
	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: stop");
	dfd = set_state(dst, VFIO_DEVICE_STATE_RESUMING, "destination: RESUMING");
	phase_begin(r, ONCE(PH_DST_WRITE_INITIAL));
	write_stream(dfd, w->stream, initial_len);
	phase_end(r);

	set_state(src, VFIO_DEVICE_STATE_PRE_COPY_P2P, "source: PRE_COPY_P2P");
	phase_begin(r, change ? PH_SRC_STOPCOPY_CHANGED : PH_SRC_STOPCOPY_PRE);
	set_state(src, VFIO_DEVICE_STATE_STOP_COPY, "source: STOP_COPY");
	phase_end(r);
	phase_begin(r, change ? PH_SRC_READ_CHANGED : PH_SRC_READ_PRE);
	w->stream_len = read_stream(fd, w->stream, initial_len, BENCH_READ_MAX,
				    w->buf, false);
	phase_end(r);
	if (w->stream_len - initial_len !=
	    (change ? vfio_ap_mig_config_record_size(r->queues) :
		      VFIO_AP_MIG_UNCHANGED_RECORD_SIZE))
		die("stop-copy length", 0);
	set_state(src, VFIO_DEVICE_STATE_STOP, "source: end STOP_COPY");
	shim_sys_close(fd);
	set_state(src, VFIO_DEVICE_STATE_RUNNING, "source: resume");
	if (change) {
		ret = sim_mdev_assign(w->src, SIM_CONTROL_DOMAIN, w->cdom);
		if (ret)
			die("source: assign control domain", ret);
	}

	if (change) {
		/* the administrator prepared the same change on the destination */
		ret = sim_mdev_unassign(w->dst, SIM_CONTROL_DOMAIN, w->cdom);
		if (ret)
			die("destination: unassign control domain", ret);
		/* a new configuration: decoded and checked in the window */
		write_stream(dfd, w->stream + initial_len,
			     w->stream_len - initial_len);
	} else {
		phase_begin(r, PH_DST_WRITE_TRAILER);
		write_stream(dfd, w->stream + initial_len,
			     w->stream_len - initial_len);
		phase_end(r);
	}
	shim_sys_close(dfd);
	set_state(dst, VFIO_DEVICE_STATE_STOP, "destination: RESUMING -> STOP");
	set_state(dst, VFIO_DEVICE_STATE_RUNNING, "destination: start");
	if (change) {
		ret = sim_mdev_assign(w->dst, SIM_CONTROL_DOMAIN, w->cdom);
		if (ret)
			die("destination: assign control domain", ret);
	}
#undef ONCE
}

/* ------------------------------------------------------------- the pieces */

/* The rules' target as a flat array, as tests/rules does. */
struct flat_target {
	struct vfio_ap_mig_target_queue q[VFIO_AP_MIG_MAX_QUEUES];
};

static int flat_lookup(void *ctx, u16 apqn, struct vfio_ap_mig_target_queue *tq)
{
	struct flat_target *t = ctx;

	*tq = t->q[apqn];
	return 0;
}

static void run_pieces(struct run *r, struct world *w, struct flat_target *flat)
{
	struct vfio_ap_mig_config cfg, cfg2, lib;
	struct vfio_ap_mig_target tgt = { .lookup = flat_lookup, .ctx = flat };
	struct apmig_error err;
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	size_t len = vfio_ap_mig_config_record_size(r->queues), done;
	ssize_t n;
	u64 gen;
	bool eq;
	u32 i;
	int ret;

	phase_begin(r, PH_HOST_READ_CONFIG);
	ret = vfio_ap_mig_host_read_config(sim_mdev_matrix_mdev(w->src), &cfg, &gen);
	phase_end(r);
	if (ret)
		die("read_config", ret);

	phase_begin(r, PH_HOST_CHECK);
	ret = vfio_ap_mig_host_check(sim_mdev_matrix_mdev(w->dst), &cfg, NULL,
				     NULL, &gen);
	phase_end(r);
	if (ret)
		die("host check", ret);

	phase_begin(r, PH_ENCODE);
	n = vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_FINAL, w->stream,
				      VFIO_AP_MIG_MAX_STREAM);
	phase_end(r);
	if (n != (ssize_t)len)
		die("encode", n);

	phase_begin(r, PH_DECODE);
	vfio_ap_mig_decoder_init(&dec);
	for (done = 0; done < len; done += n) {
		n = vfio_ap_mig_decoder_feed(&dec, w->stream + done,
					     len - done < BENCH_FEED ?
					     len - done : BENCH_FEED, &ev);
		if (n <= 0)
			break;
	}
	ret = n <= 0 ? (int)n : vfio_ap_mig_decoder_finish(&dec);
	if (!ret)
		ret = apmig_config_copy(&cfg2, vfio_ap_mig_decoder_config(&dec));
	vfio_ap_mig_decoder_release(&dec);
	phase_end(r);
	if (ret)
		die("decode", ret);

	phase_begin(r, PH_CONFIG_EQUAL);
	eq = vfio_ap_mig_config_equal(&cfg, &cfg2);
	phase_end(r);
	if (!eq)
		die("decoded configuration differs", 0);
	vfio_ap_mig_config_free(&cfg2);

	for (i = 0; i < cfg.nr_queues; i++) {
		struct vfio_ap_mig_target_queue *tq = &flat->q[cfg.queues[i].apqn];

		tq->exists = tq->bound = true;
		tq->in_use = false;
		tq->gr2 = cfg.queues[i].gr2;
	}
	bitmap_copy(tgt.adm, cfg.adm, VFIO_AP_MIG_IDS);
	phase_begin(r, PH_RULES_CHECK);
	ret = vfio_ap_mig_check(&cfg, &tgt, NULL, NULL);
	phase_end(r);
	if (ret)
		die("rules check", ret);
	vfio_ap_mig_config_free(&cfg);

	phase_begin(r, PH_LIB_GUEST_CONFIG);
	ret = apmig_host_guest_config(w->lib_src, &w->lib_src->mdevs[0], &lib,
				      &err);
	phase_end(r);
	if (ret || lib.nr_queues != r->queues)
		die("library guest config", ret);

	phase_begin(r, PH_LIB_CHECK);
	apmig_host_target(w->lib_dst, DST_UUID, &tgt);
	ret = vfio_ap_mig_check(&lib, &tgt, NULL, NULL);
	phase_end(r);
	if (ret)
		die("library check", ret);
	vfio_ap_mig_config_free(&lib);
}

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
	phase_record(r, precopy ? PH_E2E_DOWNTIME_PRE : PH_E2E_DOWNTIME_NOPRE,
		     res.downtime_ns);
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
		     unsigned int reps_opt, bool e2e, struct flat_target *flat)
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
		run_nopre(&r, &w, src, dst);
		run_pre(&r, &w, src, dst, false);
		run_pre(&r, &w, src, dst, true);
		run_pieces(&r, &w, flat);
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
		"  sizes among 1,16,256,4096,16384,65536 (default: all)\n",
		argv0);
	exit(2);
}

int main(int argc, char *argv[])
{
	bool want[NR_SHAPES], e2e = true;
	struct flat_target *flat;
	unsigned int reps = 0;
	size_t s;
	int i;

	for (s = 0; s < NR_SHAPES; s++)
		want[s] = true;
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
		printf("P\t%s\t%s\t%s\n", phases[i].name, phases[i].group,
		       phases[i].what);
	flat = calloc(1, sizeof(*flat));
	if (!flat)
		die("target", -ENOMEM);
	for (s = 0; s < NR_SHAPES; s++)
		if (want[s])
			run_size(shapes[s].adapters, shapes[s].domains, reps,
				 e2e && !run_on_valgrind, flat);
	free(flat);
	return 0;
}
