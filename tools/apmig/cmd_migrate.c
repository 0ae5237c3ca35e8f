// SPDX-License-Identifier: GPL-2.0
/*
 * apmig migrate: migrate a guest's AP configuration between two hosts given
 * as sysfs-shaped trees, through the real migration driver on simulated
 * hosts, driven in QEMU's order. The destination mdev must already exist
 * on the target with its assignment, as an administrator prepares it: the
 * driver only verifies it. Shows each side's transitions, the bytes of each
 * phase, the verdict and the destination guest's configuration; a refusal
 * lists every problem the target's driver reported. Says that it simulated.
 * A model of the Linux guest (sim_guest.h) runs on the source with requests
 * in flight at the switchover and on the destination after it, with the
 * driver's kick and, replayed from the switchover, without it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <linux/bitmap.h>
#include <linux/vfio.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_findings.h"
#include "apmig_host.h"
#include "apmig_mdevctl.h"
#include "apmig_output.h"

#include <shim/log.h>
#include <shim/vfio.h>

#include "sim_guest.h"
#include "sim_host.h"
#include "sim_irq.h"
#include "vmm.h"

#include "commands.h"
#include "migrate.h"
#include "options.h"

#define MIGRATE_FLAGS	(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | \
			 VFIO_MIGRATION_PRE_COPY)
#define MIGRATE_MAX_LOG	64

/*
 * The guest's work (virtual time): MIGRATE_GUEST_REQS requests on each of
 * its first MIGRATE_GUEST_QUEUES queues, queue i starting at (i % 5) ms;
 * the switchover at 9 ms, while they run and no interruption is pending
 * (one pending would move with the guest and make it poll on its own);
 * after it, the guest runs until every request completed or two request
 * timeouts passed.
 */
#define MIGRATE_GUEST_QUEUES		16
#define MIGRATE_GUEST_REQS		3
#define MIGRATE_GUEST_STAGGER_US	1000
#define MIGRATE_GUEST_SWITCHOVER_US	9000
#define MIGRATE_GUEST_LIMIT_US		(2 * SIM_GUEST_TIMEOUT_US)

/* Driver log lines of one run (errors and warnings). */
struct migrate_log {
	char line[MIGRATE_MAX_LOG][256];
	int level[MIGRATE_MAX_LOG];
	size_t n;
};

struct migrate_run {
	const struct apmig_migrate_args *a;
	struct sim_host *src_host, *dst_host;
	struct sim_mdev *src, *dst;
	const char *dst_uuid;
	struct ap_matrix src_guest;	/* before the migration */
	struct ap_matrix dst_before;	/* the destination mdev, before ... */
	struct ap_matrix dst_guest;	/* ... and after (never written) */
	struct sim_vmm_result res;
	struct migrate_log log;
	struct apmig_findings find;	/* what explains a refusal */
	struct sim_guest *guest;	/* the guest, as the driver treats it */
	struct sim_guest *upstream;	/* the same from the switchover, no kick */
	bool guest_moved;		/* it runs on the destination */
};

/* How the simulated VMMs fail for each of the tool's problem codes. */
static const struct {
	int code;
	enum sim_side side;
	int err;
} migrate_explains[] = {
	{ APMIG_CODE_NOT_MIGRATABLE, SIM_DST, -ENOTTY },
	{ APMIG_CODE_SOURCE_NOT_MIGRATABLE, SIM_SRC, -ENOTTY },
	{ APMIG_CODE_MDEV_IN_USE, SIM_DST, -EBUSY },
	{ APMIG_CODE_SE_GUEST, SIM_SRC, -EPERM },
	/* the destination's TAPQ of a queue the guest needs fails */
	{ APMIG_CODE_QUEUE_UNREADABLE, SIM_DST, -EIO },
};

/*
 * The tool's problems the hosts show, kept only if one of them is how the
 * simulated run failed: then they are the refusal's reasons, as `apmig
 * check` lists them.
 */
static void migrate_explain(struct migrate_run *r)
{
	/* the trees the hosts were built from; only read here */
	struct apmig_host *src = (struct apmig_host *)sim_host_tree(r->src_host);
	struct apmig_host *dst = (struct apmig_host *)sim_host_tree(r->dst_host);
	struct apmig_mdev *src_mdev = apmig_host_mdev(src, r->a->uuid);
	struct apmig_findings all = { 0 };
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	bool explained = false;
	size_t i, k;

	if (!r->res.status)
		return;
	apmig_findings_hosts(&all, src, src_mdev, dst,
			     apmig_host_mdev(dst, r->dst_uuid), r->dst_uuid);
	/* the target queues whose TAPQ fails, as check lists them */
	if (src_mdev && !apmig_host_guest_config(src, src_mdev, &cfg, &err)) {
		apmig_findings_unreadable(&all, dst, &cfg);
		vfio_ap_mig_config_free(&cfg);
	}
	for (i = 0; i < all.n; i++)
		for (k = 0; k < sizeof(migrate_explains) / sizeof(migrate_explains[0]); k++)
			if (all.v[i].code == migrate_explains[k].code &&
			    r->res.failed_side == migrate_explains[k].side &&
			    r->res.status == migrate_explains[k].err)
				explained = true;
	if (!explained)
		return;
	for (i = 0; i < all.n; i++)
		if (apmig_code_is_problem(all.v[i].code))
			r->find.v[r->find.n++] = all.v[i];
}

/* "ids a,b,c" of a bitmap into @buf, "none" when empty. */
static char *migrate_ids(const unsigned long *map, int digits, char *buf,
			 size_t len)
{
	unsigned long id;
	size_t n = 0;

	buf[0] = '\0';
	for_each_set_bit_inv(id, map, VFIO_AP_MIG_IDS)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%0*lx",
			      n ? "," : "", digits, id);
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

static void migrate_print_matrix(FILE *out, const char *label,
				 const struct ap_matrix *m)
{
	unsigned int q = bitmap_weight(m->apm, VFIO_AP_MIG_IDS) *
			 bitmap_weight(m->aqm, VFIO_AP_MIG_IDS);
	char a[1024], d[1536], c[1536];

	fprintf(out, "%s: %u queue%s: adapters %s x domains %s; control domains %s\n",
		label, q, q == 1 ? "" : "s",
		migrate_ids(m->apm, 2, a, sizeof(a)),
		migrate_ids(m->aqm, 4, d, sizeof(d)),
		migrate_ids(m->adm, 4, c, sizeof(c)));
}

/* States the kernel walks inside one SET, without its ends: "via X, Y". */
static char *migrate_via(enum vfio_device_mig_state from,
			 enum vfio_device_mig_state to, char *buf, size_t len)
{
	enum vfio_device_mig_state path[VFIO_DEVICE_STATE_NR + 1];
	int n, i;
	size_t used = 0;

	buf[0] = '\0';
	n = sim_fsm_path(MIGRATE_FLAGS, from, to, path, VFIO_DEVICE_STATE_NR + 1);
	for (i = 1; i < n - 1; i++)
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 i == 1 ? " (via " : ", ",
				 shim_vfio_state_name(path[i]));
	if (n > 2)
		snprintf(buf + used, used < len ? len - used : 0, ")");
	return buf;
}

static void migrate_collect_log(void *ctx, int level, const char *line)
{
	struct migrate_log *log = ctx;

	if (level > 4 || log->n == MIGRATE_MAX_LOG)
		return;
	log->level[log->n] = level;
	snprintf(log->line[log->n++], sizeof(log->line[0]), "%s", line);
}

/* The text of a log line without the trailing newline printk keeps. */
static const char *migrate_chomp(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
	return s;
}

static int migrate_load(struct migrate_run *r)
{
	const struct apmig_migrate_args *a = r->a;
	struct apmig_error err = {};
	struct vfio_ap_mig_config cfg;
	const struct apmig_host *tree;
	struct apmig_mdev *m;

	if (sim_host_load(&r->src_host, "source", a->source_dir, &err))
		return apmig_fail(a->cmd, "source: %s", err.msg);
	if (sim_host_load(&r->dst_host, "target", a->target_dir, &err))
		return apmig_fail(a->cmd, "target: %s", err.msg);
	r->src = sim_host_mdev(r->src_host, a->uuid);
	if (!r->src)
		return apmig_fail(a->cmd, "source: %s: no such mediated device in %s",
				  a->uuid, a->source_dir);
	/* a guest whose queue sysfs cannot read is not snapshot: as check */
	tree = sim_host_tree(r->src_host);
	m = apmig_host_mdev((struct apmig_host *)tree, a->uuid);
	if (m && apmig_host_guest_config(tree, m, &cfg, &err))
		return apmig_fail(a->cmd, "source: %s", err.msg);
	if (m)
		vfio_ap_mig_config_free(&cfg);
	r->dst_uuid = a->target_uuid ? a->target_uuid : a->uuid;
	r->dst = sim_host_mdev(r->dst_host, r->dst_uuid);
	if (!r->dst)
		return apmig_fail(a->cmd, "target: %s: no such mediated device in %s (prepare it with its assignment first)",
				  r->dst_uuid, a->target_dir);
	sim_mdev_get(r->src, NULL, &r->src_guest);
	sim_mdev_get(r->dst, NULL, &r->dst_before);
	return 0;
}

/*
 * Boot the guest on the source, give it work and run it to the switchover;
 * without --no-kick keep a copy that the destination will not kick. 0 or
 * -errno.
 */
static int migrate_guest_start(struct migrate_run *r)
{
	size_t nr, i;
	int slot, k, ret;

	ret = sim_guest_new(&r->guest, NULL);
	if (ret)
		return ret;
	ret = sim_guest_start(r->guest, r->src);
	if (ret)
		return ret;
	nr = sim_guest_nr_queues(r->guest);
	if (nr > MIGRATE_GUEST_QUEUES)
		nr = MIGRATE_GUEST_QUEUES;
	for (slot = 0; slot < 5; slot++) {
		sim_guest_run_until(r->guest, slot * MIGRATE_GUEST_STAGGER_US);
		for (i = slot; i < nr; i += 5) {
			for (k = 0; k < MIGRATE_GUEST_REQS; k++) {
				ret = sim_guest_submit(r->guest, sim_guest_queue(r->guest, i));
				if (ret < 0)
					return ret;
			}
		}
	}
	sim_guest_run_until(r->guest, MIGRATE_GUEST_SWITCHOVER_US);
	sim_guest_stop(r->guest);
	if (!r->a->no_kick) {
		ret = sim_guest_clone(&r->upstream, r->guest);
		if (ret)
			return ret;
	}
	sim_mdev_irq(r->dst)->no_kick = r->a->no_kick;
	sim_guest_listen(r->guest, r->dst);
	return 0;
}

/* Migrated: the guest (and its copy) run on the destination's cards. */
static void migrate_guest_finish(struct migrate_run *r)
{
	struct sim_guest *gs[2] = { r->guest, r->upstream };
	size_t i;

	if (r->res.status || !r->res.dst_running)
		return;
	for (i = 0; i < 2; i++) {
		if (!gs[i] || sim_guest_resume(gs[i], r->dst, true))
			continue;
		sim_guest_run_idle(gs[i], sim_guest_now(gs[i]) + MIGRATE_GUEST_LIMIT_US);
	}
	r->guest_moved = true;
}

/* Virtual time after the switchover: "+5.020 ms", "+899.995 s". */
static const char *migrate_vtime(u64 us, char *buf, size_t len)
{
	if (us < SIM_GUEST_US_PER_S)
		snprintf(buf, len, "+%llu.%03llu ms", (unsigned long long)us / 1000,
			 (unsigned long long)us % 1000);
	else
		snprintf(buf, len, "+%llu.%03llu s",
			 (unsigned long long)us / SIM_GUEST_US_PER_S,
			 (unsigned long long)(us / 1000) % 1000);
	return buf;
}

/* When each request in flight on @apqn completed, "never" if it did not. */
static void migrate_guest_cell(const struct sim_guest *g, u16 apqn, char *buf,
			       size_t len)
{
	const struct sim_guest_req *rq;
	size_t n = sim_guest_requests(g, &rq), i, used = 0;
	char t[32];

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!rq[i].in_flight || rq[i].apqn != apqn)
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 used ? " " : "", rq[i].state != SIM_REQ_DONE ? "never" :
				 migrate_vtime(rq[i].done_us - sim_guest_resumed_at(g),
					       t, sizeof(t)));
	}
}

static void migrate_guest_worst(const struct sim_guest *g, char *buf, size_t len)
{
	struct sim_guest_stats st;
	char t[32];

	sim_guest_stats(g, &st);
	if (st.completed < st.in_flight)
		snprintf(buf, len, "%u never completed, %u timed out",
			 st.in_flight - st.completed, st.timed_out);
	else
		snprintf(buf, len, "%s, %u timed out",
			 migrate_vtime(st.max_us, t, sizeof(t)), st.timed_out);
}

/* The requests in flight at the switchover and when each completed. */
static void migrate_print_guest(FILE *out, const struct migrate_run *r)
{
	const struct sim_guest *gs[2] = { r->guest, r->upstream };
	const char *heads[2] = { r->a->no_kick ? "without the kick (--no-kick)" :
					     "with the kick",
				 "without the kick (upstream)" };
	struct sim_guest_stats st;
	char cell[2][512];
	size_t i, k, nr = sim_guest_nr_queues(r->guest);
	int w = (int)strlen(heads[0]);

	sim_guest_stats(r->guest, &st);
	if (!st.in_flight) {
		fprintf(out, "guest: no request in flight at the switchover\n");
		return;
	}
	fprintf(out, "guest: %u request%s in flight at the switchover", st.in_flight,
		st.in_flight == 1 ? "" : "s");
	if (st.ran_before)
		fprintf(out, ", %u completed on the source with the reply unread (runs twice)",
			st.ran_before);
	fprintf(out, "\ncompleted on the destination, virtual time after the switchover:\n");
	migrate_guest_worst(r->guest, cell[0], sizeof(cell[0]));
	if ((int)strlen(cell[0]) > w)
		w = (int)strlen(cell[0]);
	for (i = 0; i < nr; i++) {
		migrate_guest_cell(r->guest, sim_guest_queue(r->guest, i), cell[0],
				   sizeof(cell[0]));
		if ((int)strlen(cell[0]) > w)
			w = (int)strlen(cell[0]);
	}
	fprintf(out, "  %-7s  %-*s%s%s\n", "queue", r->upstream ? w : 0, heads[0],
		r->upstream ? "  " : "", r->upstream ? heads[1] : "");
	for (i = 0; i < nr; i++) {
		u16 apqn = sim_guest_queue(r->guest, i);

		for (k = 0; k < 2; k++) {
			if (gs[k])
				migrate_guest_cell(gs[k], apqn, cell[k], sizeof(cell[k]));
		}
		if (!cell[0][0])
			continue;
		fprintf(out, "  %02x.%04x  %-*s%s%s\n", apqn >> 8, apqn & 0xff,
			r->upstream ? w : 0, cell[0], r->upstream ? "  " : "",
			r->upstream ? cell[1] : "");
	}
	for (k = 0; k < 2; k++) {
		if (gs[k])
			migrate_guest_worst(gs[k], cell[k], sizeof(cell[k]));
	}
	fprintf(out, "  %-7s  %-*s%s%s\n", "worst", r->upstream ? w : 0, cell[0],
		r->upstream ? "  " : "", r->upstream ? cell[1] : "");
}

static const char *migrate_verdict(const struct migrate_run *r)
{
	return r->res.status ? "refused" : "migrated";
}

static void migrate_print_sets(FILE *out, const struct migrate_run *r,
			       enum sim_side side)
{
	const struct sim_vmm_result *res = &r->res;
	char via[128];
	size_t i;

	fprintf(out, "%s transitions:\n", sim_side_name(side));
	for (i = 0; i < res->nr_events; i++) {
		const struct sim_event *e = &res->events[i];

		if (e->side != side)
			continue;
		if (e->kind == SIM_EV_RESET) {
			fprintf(out, "  %-10s VFIO_DEVICE_RESET -> RUNNING%s%s\n",
				sim_phase_name(e->phase), e->err ? ": failed: " : "",
				e->err ? strerror(-e->err) : "");
			continue;
		}
		if (e->kind != SIM_EV_SET)
			continue;
		fprintf(out, "  %-10s %s -> %s%s", sim_phase_name(e->phase),
			shim_vfio_state_name(e->from), shim_vfio_state_name(e->to),
			migrate_via(e->from, e->to, via, sizeof(via)));
		if (e->err)
			fprintf(out, ": failed: %s", strerror(-e->err));
		fputc('\n', out);
	}
}

static const char *migrate_event_kind(enum sim_event_kind kind)
{
	static const char *const names[] = {
		[SIM_EV_SET] = "set", [SIM_EV_RESET] = "reset",
		[SIM_EV_READ] = "read", [SIM_EV_WRITE] = "write",
		[SIM_EV_PRECOPY_INFO] = "precopy-info",
		[SIM_EV_DATA_SIZE] = "data-size", [SIM_EV_GUEST] = "vm",
		[SIM_EV_FAIL] = "fail",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* One trace line: time, side, phase, what happened. */
static void migrate_print_event(FILE *out, const struct sim_event *e, u64 *moved)
{
	fprintf(out, "  %9.3f ms  %-11s %-9s ", e->ns / 1e6, sim_side_name(e->side),
		sim_phase_name(e->phase));
	switch (e->kind) {
	case SIM_EV_SET:
		fprintf(out, "SET %s -> %s", shim_vfio_state_name(e->from),
			shim_vfio_state_name(e->to));
		break;
	case SIM_EV_RESET:
		fprintf(out, "VFIO_DEVICE_RESET");
		break;
	case SIM_EV_READ:
	case SIM_EV_WRITE:
		fprintf(out, "%s(%llu) = %llu", migrate_event_kind(e->kind),
			(unsigned long long)e->asked, (unsigned long long)e->bytes);
		if (e->bytes) {
			fprintf(out, " [%llu..%llu)",
				(unsigned long long)moved[e->side],
				(unsigned long long)(moved[e->side] + e->bytes));
			moved[e->side] += e->bytes;
		}
		break;
	case SIM_EV_PRECOPY_INFO:
		fprintf(out, "precopy info: initial %llu, dirty %llu%s",
			(unsigned long long)e->initial,
			(unsigned long long)e->dirty,
			e->flags & VFIO_PRECOPY_INFO_REINIT ? ", REINIT" : "");
		break;
	case SIM_EV_DATA_SIZE:
		fprintf(out, "stop-copy length %llu", (unsigned long long)e->bytes);
		break;
	default:
		fprintf(out, "%s", e->text);
		break;
	}
	if (e->err && e->kind != SIM_EV_FAIL)
		fprintf(out, ": %s", strerror(-e->err));
	fputc('\n', out);
}

/* The destination's problems (@changes false) or guest-visible changes. */
static size_t migrate_count(const struct migrate_run *r, bool changes)
{
	const struct vfio_ap_mig_problem *p;
	size_t n = sim_mdev_problems(r->dst, &p), i, k = 0;

	for (i = 0; i < n; i++)
		k += p[i].change == changes;
	return k;
}

static void migrate_print_problems(FILE *out, const struct migrate_run *r,
				   bool changes)
{
	const struct vfio_ap_mig_problem *p;
	size_t n = sim_mdev_problems(r->dst, &p), i, k = migrate_count(r, changes);
	char line[256];

	if (!changes)
		k += r->find.n;
	if (!k)
		return;
	fprintf(out, "%s: %zu\n", changes ? "guest-visible changes" : "problems", k);
	for (i = 0; !changes && i < r->find.n; i++)
		fprintf(out, "  %s\n", r->find.v[i].message);
	for (i = 0; i < n; i++) {
		if (p[i].change != changes)
			continue;
		vfio_ap_mig_format_problem(&p[i], line, sizeof(line));
		fprintf(out, "  %s\n", line);
	}
}

static void migrate_print_text(FILE *out, struct migrate_run *r)
{
	const struct apmig_migrate_args *a = r->a;
	const struct sim_vmm_result *res = &r->res;
	u64 moved[2] = { 0, 0 };
	size_t i;

	fprintf(out, "simulated: the vfio_ap migration driver on simulated hosts read from sysfs trees\n");
	fprintf(out, "source: %s, mdev %s\n", a->source_dir, a->uuid);
	fprintf(out, "target: %s, mdev %s\n", a->target_dir, r->dst_uuid);
	migrate_print_matrix(out, "source guest", &r->src_guest);
	migrate_print_matrix(out, "target mdev guest", &r->dst_before);
	fprintf(out, "flow: %s\n", a->precopy ?
		"pre-copy with switchover-ack, then stop-copy" : "stop-copy only");
	fputc('\n', out);
	migrate_print_sets(out, r, SIM_SRC);
	migrate_print_sets(out, r, SIM_DST);
	fputc('\n', out);
	fprintf(out, "bytes moved: %llu in pre-copy, %llu in stop-copy; %llu written on the target\n",
		(unsigned long long)res->bytes[SIM_SRC][SIM_PHASE_PRECOPY],
		(unsigned long long)res->bytes[SIM_SRC][SIM_PHASE_STOPCOPY],
		(unsigned long long)(res->bytes[SIM_DST][SIM_PHASE_PRECOPY] +
				     res->bytes[SIM_DST][SIM_PHASE_STOPCOPY]));
	if (a->trace) {
		fprintf(out, "\ntrace:\n");
		for (i = 0; i < res->nr_events; i++)
			migrate_print_event(out, &res->events[i], moved);
		if (res->src_stopped)
			fprintf(out, "stop-and-copy window: %.3f ms (source guest stopped -> %s guest running); stop-copy data read in %.3f ms\n",
				res->downtime_ns / 1e6,
				res->status ? "source" : "destination",
				res->stopcopy_ns / 1e6);
		else
			fprintf(out, "stop-and-copy window: none, the source guest never stopped\n");
		fprintf(out, "total: %.3f ms\n", res->total_ns / 1e6);
	}
	fputc('\n', out);
	if (!res->status) {
		fprintf(out, "verdict: migrated\n");
		migrate_print_matrix(out, "destination guest", &r->dst_guest);
		migrate_print_problems(out, r, true);
		if (r->guest_moved)
			migrate_print_guest(out, r);
		return;
	}
	fprintf(out, "verdict: refused\nreason: %s\n", res->why);
	migrate_print_problems(out, r, false);
	migrate_print_problems(out, r, true);
	if (!migrate_count(r, false) && !r->find.n) {
		for (i = 0; i < r->log.n; i++)
			fprintf(out, "  kernel: %s\n", migrate_chomp(r->log.line[i]));
	}
	fprintf(out, "source guest: %s; target mdev: unchanged\n",
		res->src_running ? (res->src_stopped ? "resumed" : "kept running") :
				   "NOT RUNNING");
}

static struct json_object *migrate_json_matrix(const struct ap_matrix *m)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "queues", json_object_new_int(
		(int)(bitmap_weight(m->apm, VFIO_AP_MIG_IDS) *
		      bitmap_weight(m->aqm, VFIO_AP_MIG_IDS))));
	json_object_object_add(o, "adapters", apmig_json_ids(m->apm));
	json_object_object_add(o, "domains", apmig_json_ids(m->aqm));
	json_object_object_add(o, "control_domains", apmig_json_ids(m->adm));
	return o;
}

static struct json_object *migrate_json_event(const struct sim_event *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ns", json_object_new_uint64(e->ns));
	json_object_object_add(o, "side", json_object_new_string(sim_side_name(e->side)));
	json_object_object_add(o, "phase", json_object_new_string(sim_phase_name(e->phase)));
	json_object_object_add(o, "kind", json_object_new_string(migrate_event_kind(e->kind)));
	if (e->kind == SIM_EV_SET) {
		json_object_object_add(o, "from", json_object_new_string(
				       shim_vfio_state_name(e->from)));
		json_object_object_add(o, "to", json_object_new_string(
				       shim_vfio_state_name(e->to)));
	}
	if (e->kind == SIM_EV_READ || e->kind == SIM_EV_WRITE)
		json_object_object_add(o, "asked", json_object_new_uint64(e->asked));
	if (e->kind == SIM_EV_READ || e->kind == SIM_EV_WRITE ||
	    e->kind == SIM_EV_DATA_SIZE)
		json_object_object_add(o, "bytes", json_object_new_uint64(e->bytes));
	if (e->kind == SIM_EV_PRECOPY_INFO) {
		json_object_object_add(o, "initial_bytes", json_object_new_uint64(e->initial));
		json_object_object_add(o, "dirty_bytes", json_object_new_uint64(e->dirty));
		json_object_object_add(o, "reinit", json_object_new_boolean(
				       e->flags & VFIO_PRECOPY_INFO_REINIT));
	}
	if (e->text[0])
		json_object_object_add(o, "text", json_object_new_string(e->text));
	json_object_object_add(o, "errno", json_object_new_int(-e->err));
	return o;
}

/* The transitions of one side: from, to, the states walked, the result. */
static struct json_object *migrate_json_sets(const struct migrate_run *r,
					     enum sim_side side)
{
	enum vfio_device_mig_state path[VFIO_DEVICE_STATE_NR + 1];
	struct json_object *arr = json_object_new_array();
	size_t i;
	int n, k;

	for (i = 0; i < r->res.nr_events; i++) {
		const struct sim_event *e = &r->res.events[i];
		struct json_object *o, *walk;

		if (e->side != side || (e->kind != SIM_EV_SET && e->kind != SIM_EV_RESET))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "phase", json_object_new_string(sim_phase_name(e->phase)));
		if (e->kind == SIM_EV_RESET) {
			json_object_object_add(o, "reset", json_object_new_boolean(true));
		} else {
			json_object_object_add(o, "from", json_object_new_string(
					       shim_vfio_state_name(e->from)));
			json_object_object_add(o, "to", json_object_new_string(
					       shim_vfio_state_name(e->to)));
			walk = json_object_new_array();
			n = sim_fsm_path(MIGRATE_FLAGS, e->from, e->to, path,
					 VFIO_DEVICE_STATE_NR + 1);
			for (k = 0; k < n; k++)
				json_object_array_add(walk, json_object_new_string(
						      shim_vfio_state_name(path[k])));
			json_object_object_add(o, "walk", walk);
		}
		json_object_object_add(o, "error", e->err ?
				       json_object_new_string(strerror(-e->err)) : NULL);
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *migrate_json_ms(u64 us)
{
	char s[32];

	snprintf(s, sizeof(s), "%llu.%03llu", (unsigned long long)us / 1000,
		 (unsigned long long)us % 1000);
	return json_object_new_double_s(us / 1000.0, s);
}

/* One run of the guest on the destination: its figures and requests. */
static void migrate_json_guest_run(struct json_object *o, const struct sim_guest *g,
				   bool kick)
{
	const struct sim_guest_req *rq;
	size_t n = sim_guest_requests(g, &rq), i;
	struct sim_guest_stats st;
	struct json_object *arr = json_object_new_array();
	char q[8];

	sim_guest_stats(g, &st);
	json_object_object_add(o, "kick", json_object_new_boolean(kick));
	json_object_object_add(o, "completed", json_object_new_int(st.completed));
	json_object_object_add(o, "timed_out", json_object_new_int(st.timed_out));
	json_object_object_add(o, "max_ms", st.completed ? migrate_json_ms(st.max_us) : NULL);
	for (i = 0; i < n; i++) {
		struct json_object *e;

		if (!rq[i].in_flight)
			continue;
		e = json_object_new_object();
		snprintf(q, sizeof(q), "%02x.%04x", rq[i].apqn >> 8, rq[i].apqn & 0xff);
		json_object_object_add(e, "id", json_object_new_int(rq[i].id));
		json_object_object_add(e, "queue", json_object_new_string(q));
		json_object_object_add(e, "completed_ms", rq[i].state == SIM_REQ_DONE ?
				       migrate_json_ms(rq[i].done_us - sim_guest_resumed_at(g)) :
				       NULL);
		json_object_object_add(e, "timed_out", json_object_new_boolean(rq[i].timed_out));
		json_object_object_add(e, "sends", json_object_new_int(rq[i].sends));
		json_object_object_add(e, "ran_on_source", json_object_new_boolean(rq[i].unread));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "requests", arr);
}

/* The guest's requests in flight at the switchover; null unless migrated. */
static struct json_object *migrate_json_guest(const struct migrate_run *r)
{
	struct json_object *o, *up = NULL;
	struct sim_guest_stats st;

	if (!r->guest_moved)
		return NULL;
	sim_guest_stats(r->guest, &st);
	o = json_object_new_object();
	json_object_object_add(o, "in_flight", json_object_new_int(st.in_flight));
	json_object_object_add(o, "ran_on_source", json_object_new_int(st.ran_before));
	migrate_json_guest_run(o, r->guest, !r->a->no_kick);
	if (r->upstream) {
		up = json_object_new_object();
		migrate_json_guest_run(up, r->upstream, false);
	}
	json_object_object_add(o, "upstream", up);
	return o;
}

static int migrate_print_json(FILE *out, struct migrate_run *r)
{
	const struct apmig_migrate_args *a = r->a;
	const struct sim_vmm_result *res = &r->res;
	const struct vfio_ap_mig_problem *p;
	struct json_object *o = json_object_new_object();
	struct json_object *src = json_object_new_object();
	struct json_object *dst = json_object_new_object();
	struct json_object *bytes = json_object_new_object();
	struct json_object *arr, *chg, *sides;
	size_t n, i;
	int ret;

	json_object_object_add(o, "simulated", json_object_new_boolean(true));
	json_object_object_add(o, "verdict", json_object_new_string(migrate_verdict(r)));
	json_object_object_add(o, "reason", res->status ?
			       json_object_new_string(res->why) : NULL);
	json_object_object_add(o, "errno", json_object_new_int(-res->status));
	json_object_object_add(o, "failed_side", res->status ?
			       json_object_new_string(sim_side_name(res->failed_side)) : NULL);
	json_object_object_add(o, "precopy", json_object_new_boolean(a->precopy));

	json_object_object_add(src, "dir", json_object_new_string(a->source_dir));
	json_object_object_add(src, "mdev", json_object_new_string(a->uuid));
	json_object_object_add(src, "guest", migrate_json_matrix(&r->src_guest));
	json_object_object_add(src, "guest_stopped", json_object_new_boolean(res->src_stopped));
	json_object_object_add(src, "guest_running", json_object_new_boolean(res->src_running));
	json_object_object_add(o, "source", src);

	json_object_object_add(dst, "dir", json_object_new_string(a->target_dir));
	json_object_object_add(dst, "mdev", json_object_new_string(r->dst_uuid));
	json_object_object_add(dst, "mdev_guest", migrate_json_matrix(&r->dst_before));
	json_object_object_add(dst, "guest", res->status ? NULL :
			       migrate_json_matrix(&r->dst_guest));
	json_object_object_add(o, "target", dst);

	sides = json_object_new_object();
	json_object_object_add(sides, "source", migrate_json_sets(r, SIM_SRC));
	json_object_object_add(sides, "destination", migrate_json_sets(r, SIM_DST));
	json_object_object_add(o, "transitions", sides);

	for (i = 0; i < 2; i++) {
		struct json_object *b = json_object_new_object();

		json_object_object_add(b, "pre-copy", json_object_new_uint64(
				       res->bytes[i][SIM_PHASE_PRECOPY]));
		json_object_object_add(b, "stop-copy", json_object_new_uint64(
				       res->bytes[i][SIM_PHASE_STOPCOPY]));
		json_object_object_add(bytes, sim_side_name(i), b);
	}
	json_object_object_add(o, "bytes", bytes);
	json_object_object_add(o, "guest", migrate_json_guest(r));

	arr = json_object_new_array();
	chg = json_object_new_array();
	for (i = 0; i < r->find.n; i++)
		json_object_array_add(arr, apmig_json_finding_problem(&r->find.v[i]));
	n = sim_mdev_problems(r->dst, &p);
	for (i = 0; i < n; i++)
		json_object_array_add(p[i].change ? chg : arr,
				      apmig_json_problem(&p[i]));
	json_object_object_add(o, "problems", arr);
	json_object_object_add(o, "changes", chg);
	arr = json_object_new_array();
	for (i = 0; i < r->log.n; i++)
		json_object_array_add(arr, json_object_new_string(
				      migrate_chomp(r->log.line[i])));
	json_object_object_add(o, "kernel_log", arr);

	if (a->trace) {
		struct json_object *t = json_object_new_object();

		json_object_object_add(t, "stop_and_copy_ns", res->src_stopped ?
				       json_object_new_uint64(res->downtime_ns) : NULL);
		json_object_object_add(t, "stop_copy_read_ns", res->src_stopped ?
				       json_object_new_uint64(res->stopcopy_ns) : NULL);
		json_object_object_add(t, "total_ns", json_object_new_uint64(res->total_ns));
		arr = json_object_new_array();
		for (i = 0; i < res->nr_events; i++)
			json_object_array_add(arr, migrate_json_event(&res->events[i]));
		json_object_object_add(t, "events", arr);
		json_object_object_add(o, "trace", t);
	}
	ret = apmig_json_print(out, o);
	json_object_put(o);
	return ret;
}

int apmig_migrate_run(const struct apmig_migrate_args *a, FILE *out)
{
	struct migrate_run *r = calloc(1, sizeof(*r));
	struct sim_vmm_opts opts = {
		.precopy = a->precopy,
		.switchover_ack = a->precopy,
	};
	int ret;

	if (!r)
		return apmig_fail(a->cmd, "out of memory");
	r->a = a;
	ret = migrate_load(r);
	if (ret)
		goto out_free;

	ret = migrate_guest_start(r);
	if (ret) {
		ret = apmig_fail(a->cmd, "simulator: guest: %s", strerror(-ret));
		goto out_free;
	}

	shim_log_clear();
	shim_log_set_sink(migrate_collect_log, &r->log);
	ret = sim_vmm_migrate(r->src, r->dst, &opts, &r->res);
	shim_log_set_sink(NULL, NULL);
	if (ret) {
		ret = apmig_fail(a->cmd, "simulator: %s", strerror(-ret));
		goto out_free;
	}
	migrate_guest_finish(r);
	sim_mdev_get(r->dst, NULL, &r->dst_guest);
	migrate_explain(r);

	if (a->json) {
		if (migrate_print_json(out, r))
			ret = apmig_fail(a->cmd, "cannot write the output");
	} else {
		migrate_print_text(out, r);
	}
	if (!ret)
		ret = r->res.status ? APMIG_EXIT_REFUSED : APMIG_EXIT_OK;
	sim_vmm_result_release(&r->res);
out_free:
	sim_guest_free(r->guest);
	sim_guest_free(r->upstream);
	sim_host_free(r->src_host);
	sim_host_free(r->dst_host);
	free(r);
	return ret;
}

static int cmd_migrate(int argc, char *argv[])
{
	static const struct option opts[] = {
		APMIG_OPT_HELP, APMIG_OPT_JSON,
		{ "source", required_argument, NULL, 'S' },
		{ "target", required_argument, NULL, 'T' },
		{ "target-uuid", required_argument, NULL, 'U' },
		{ "no-precopy", no_argument, NULL, 'N' },
		{ "no-kick", no_argument, NULL, 'K' },
		{ "trace", no_argument, NULL, 't' },
		APMIG_OPT_END,
	};
	const struct apmig_cmd *cmd = &apmig_cmd_migrate;
	struct apmig_migrate_args a = { .cmd = "migrate", .precopy = true };
	int c;

	while ((c = apmig_getopt(cmd, argc, argv, ":hj", opts)) != -1) {
		switch (c) {
		case 'h':
			return apmig_cmd_help(cmd);
		case 'j':
			a.json = true;
			apmig_json_errors(true);
			break;
		case 'S':
			if (apmig_opt_path(cmd, "source", optarg, &a.source_dir))
				return APMIG_EXIT_ERROR;
			break;
		case 'T':
			if (apmig_opt_path(cmd, "target", optarg, &a.target_dir))
				return APMIG_EXIT_ERROR;
			break;
		case 'U':
			a.target_uuid = optarg;
			break;
		case 'N':
			a.precopy = false;
			break;
		case 'K':
			a.no_kick = true;
			break;
		case 't':
			a.trace = true;
			break;
		default:
			return APMIG_EXIT_ERROR;
		}
	}
	if (optind < argc)
		a.uuid = argv[optind++];
	if (optind < argc)
		return apmig_cmd_usage_error(cmd, "unexpected argument '%s'",
					     argv[optind]);
	if (!a.source_dir)
		return apmig_cmd_usage_error(cmd, "no --source DIR given");
	if (!a.target_dir)
		return apmig_cmd_usage_error(cmd, "no --target DIR given");
	if (!a.uuid)
		return apmig_cmd_usage_error(cmd, "no source mediated device UUID given");
	if (!apmig_is_uuid(a.uuid))
		return apmig_cmd_usage_error(cmd, "'%s' is not a UUID", a.uuid);
	if (a.target_uuid && !apmig_is_uuid(a.target_uuid))
		return apmig_cmd_usage_error(cmd, "--target-uuid '%s' is not a UUID",
					     a.target_uuid);
	return apmig_migrate_run(&a, stdout);
}

const struct apmig_cmd apmig_cmd_migrate = {
	.name = "migrate",
	.json = true,
	.fn = cmd_migrate,
	.help = "migrate a guest's AP configuration between two simulated hosts",
	.usage =
	"Usage: apmig migrate --source DIR --target DIR [options] UUID\n"
	"\n"
	"Migrate the guest of mediated device UUID from the host whose sysfs is\n"
	"DIR (--source) to the host whose sysfs is DIR (--target), through the\n"
	"vfio_ap migration driver running on simulated hosts built from those\n"
	"trees, driven in QEMU's order: pre-copy with switchover-ack, then\n"
	"stop-copy. The run is simulated and says so. The destination mediated\n"
	"device --target-uuid names (default: UUID) must exist in the target's\n"
	"tree with its assignment, as the administrator prepares it: the driver\n"
	"verifies that it gives the guest the same configuration on compatible\n"
	"queues and never changes it. The trees are only read.\n"
	"\n"
	"A model of the Linux guest's AP driver runs with requests in flight at\n"
	"the switchover (virtual time); the run shows when each completed on the\n"
	"destination with the driver's kick and, replayed from the switchover,\n"
	"without it (upstream vfio_ap: they wait for the 900 s request timeout).\n"
	"\n"
	"Options:\n"
	"  --source DIR        the source host's sysfs (e.g. /sys)\n"
	"  --target DIR        the target host's sysfs\n"
	"  --target-uuid UUID  the destination mediated device\n"
	"  --no-precopy        the STOP_COPY-only flow\n"
	"  --no-kick           behave as upstream vfio_ap: no kick (and no replay)\n"
	"  --trace             every read, write and transition with its time\n"
	"                      and phase, and the stop-and-copy window\n"
	"  -j, --json          one JSON object\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: 0 migrated; 1 refused: the source guest runs, the target\n"
	"mdev is unchanged, every problem is listed; 2 usage or environment\n"
	"error (e.g. no such destination mdev).\n",
};
