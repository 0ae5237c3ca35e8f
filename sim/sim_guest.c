// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux guest's AP queue driver and the cards behind its queues, as a
 * discrete-event model in virtual time (sim_guest.h says what it models).
 * Names follow ap_queue.c where they can: queue_count, the request timer,
 * read (DQAP), write (NQAP), poll.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "vfio_ap_mig_stream.h"

#include "sim_guest.h"
#include "sim_host.h"
#include "sim_irq.h"

/* ap_bus.h TAPQ_CARD_HWINFO_MASK: what a rescan compares of a card. */
#define SIM_GUEST_CARD_HWINFO_MASK	0xFFFF0000FFFF0F1FULL
#define SIM_GUEST_NEVER			(~0ULL)

/* One request on the card: it completes at @done_us. */
struct guest_job {
	size_t req;		/* index in the guest's requests */
	u64 done_us;
	bool signaled;		/* its completion was seen (interruption or not) */
};

/* One AP queue as the guest's driver keeps it, and its card's work. */
struct guest_queue {
	u16 apqn;
	u64 hwinfo;		/* TAPQ at probe & the card hwinfo mask */
	int queue_count;	/* sent, reply not read (aq->queue_count) */
	u64 timer_us;		/* the request timer; 0: not armed */
	struct guest_job *card;	/* the card's work, in order */
	size_t nr_card;
	u64 card_free_us;	/* when the card is done with what it has */
};

struct sim_guest {
	struct sim_guest_opts o;
	struct sim_mdev *m;	/* the mdev whose queues the guest uses */
	pthread_mutex_t lock;	/* kicks come from the VMMs' threads */
	bool running;
	u64 now, stopped_at, resumed_at;
	u8 nib_byte;		/* guest memory at SIM_GUEST_NIB */
	bool airq;		/* adapter interruption pending */
	u64 airq_us;		/* ... delivered then */
	u64 poll_us;		/* the AP poll timer; 0: not armed */
	u64 rescan_us;		/* the next bus rescan */
	struct guest_queue *q;
	size_t nr_q;
	struct sim_guest_req *reqs;
	size_t nr_reqs, max_reqs;
	struct sim_guest_event *evs;
	size_t nr_evs, max_evs;
};

static const struct sim_guest_opts sim_guest_linux = {
	.service_us = SIM_GUEST_SERVICE_US,
	.timeout_us = SIM_GUEST_TIMEOUT_US,
	.rescan_us = SIM_GUEST_RESCAN_US,
	.poll_us = SIM_GUEST_POLL_US,
	.irq_us = SIM_GUEST_IRQ_US,
};

const char *sim_guest_ev_name(enum sim_guest_ev_kind kind)
{
	static const char *const names[] = {
		[SIM_GEV_AQIC] = "aqic", [SIM_GEV_AQIC_FAILED] = "aqic-failed",
		[SIM_GEV_KICK] = "kick", [SIM_GEV_AIRQ] = "airq",
		[SIM_GEV_AIRQ_IGNORED] = "airq-ignored", [SIM_GEV_POLL] = "poll",
		[SIM_GEV_RESEND] = "resend", [SIM_GEV_TIMEOUT] = "timeout",
		[SIM_GEV_REPROBE] = "reprobe", [SIM_GEV_STOP] = "stop",
		[SIM_GEV_RESUME] = "resume",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* Note an event; one lost to a failed allocation is only a lost note. */
static void guest_ev(struct sim_guest *g, enum sim_guest_ev_kind kind, u16 apqn,
		     unsigned int n)
{
	struct sim_guest_event *e;

	if (g->nr_evs == g->max_evs) {
		size_t max = g->max_evs ? 2 * g->max_evs : 32;

		e = realloc(g->evs, max * sizeof(*e));
		if (!e)
			return;
		g->evs = e;
		g->max_evs = max;
	}
	g->evs[g->nr_evs++] = (struct sim_guest_event){
		.us = g->now, .kind = kind, .apqn = apqn, .n = n,
	};
}

/* The queues are in ascending APQN order, as the configuration lists them. */
static struct guest_queue *guest_queue(struct sim_guest *g, u16 apqn)
{
	size_t lo = 0, hi = g->nr_q, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (g->q[mid].apqn == apqn)
			return &g->q[mid];
		if (g->q[mid].apqn < apqn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The status word's IR bit: interruptions registered at the host. */
static bool guest_irq_on(const struct sim_guest *g, const struct guest_queue *q)
{
	return sim_irq_live(sim_mdev_irq(g->m), q->apqn);
}

/* PQAP(AQIC) with ap_airq's NIB and AP_ISC. */
static void guest_aqic(struct sim_guest *g, struct guest_queue *q)
{
	int ret = sim_irq_guest_aqic(sim_mdev_irq(g->m), q->apqn, true,
				     SIM_GUEST_ISC, SIM_GUEST_NIB);

	guest_ev(g, ret ? SIM_GEV_AQIC_FAILED : SIM_GEV_AQIC, q->apqn, 0);
}

/* The card forgets the queue's work; what it had completed did run. */
static void guest_card_drop(struct sim_guest *g, struct guest_queue *q, u64 at)
{
	size_t i;

	for (i = 0; i < q->nr_card; i++) {
		if (q->card[i].done_us <= at)
			g->reqs[q->card[i].req].runs++;
	}
	free(q->card);
	q->card = NULL;
	q->nr_card = 0;
	q->card_free_us = g->now;
}

/* NQAP of every request the guest holds for @q, oldest first. */
static void guest_write(struct sim_guest *g, struct guest_queue *q)
{
	struct guest_job *card;
	size_t i;

	for (i = 0; i < g->nr_reqs; i++) {
		struct sim_guest_req *r = &g->reqs[i];

		if (r->apqn != q->apqn || r->state != SIM_REQ_QUEUED)
			continue;
		card = realloc(q->card, (q->nr_card + 1) * sizeof(*card));
		if (!card)
			return;	/* the queue is full: sent on the next poll */
		q->card = card;
		if (q->card_free_us < g->now)
			q->card_free_us = g->now;
		q->card_free_us += g->o.service_us;
		card[q->nr_card++] = (struct guest_job){
			.req = i, .done_us = q->card_free_us,
		};
		r->state = SIM_REQ_PENDING;
		r->sends++;
		if (++q->queue_count == 1)
			q->timer_us = g->now + g->o.timeout_us;
	}
}

/* Pending requests back to the request queue, to be sent again. */
static unsigned int guest_requeue(struct sim_guest *g, struct guest_queue *q)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < g->nr_reqs; i++) {
		if (g->reqs[i].apqn == q->apqn &&
		    g->reqs[i].state == SIM_REQ_PENDING) {
			g->reqs[i].state = SIM_REQ_QUEUED;
			n++;
		}
	}
	q->queue_count = 0;
	q->timer_us = 0;
	return n;
}

/*
 * An AP_SM_EVENT_POLL of @q. A working queue reads (DQAP until no reply is
 * there); NO_PENDING_REPLY on an empty queue with requests outstanding
 * re-sends them; interruptions found off on the emptied queue are enabled
 * again. Then NQAP what waits (an idle queue only writes). A queue left
 * with work and no interruptions arms the poll timer.
 */
static void guest_poll_queue(struct sim_guest *g, struct guest_queue *q)
{
	bool working = q->queue_count > 0 || q->nr_card;
	unsigned int n;

	while (working && q->nr_card && q->card[0].done_us <= g->now) {
		struct sim_guest_req *r = &g->reqs[q->card[0].req];

		memmove(q->card, q->card + 1, --q->nr_card * sizeof(*q->card));
		r->runs++;
		if (r->state == SIM_REQ_PENDING) {
			r->state = SIM_REQ_DONE;
			r->done_us = g->now;
		}
		if (q->queue_count > 0)
			q->queue_count--;
		q->timer_us = q->queue_count ? g->now + g->o.timeout_us : 0;
	}
	/* NO_PENDING_REPLY */
	if (working && !q->nr_card && q->queue_count > 0) {
		n = guest_requeue(g, q);
		guest_ev(g, SIM_GEV_RESEND, q->apqn, n);
	}
	if (working && !q->nr_card && !guest_irq_on(g, q))
		guest_aqic(g, q);
	guest_write(g, q);
	if (q->queue_count > 0 && !guest_irq_on(g, q) &&
	    (!g->poll_us || g->poll_us > g->now + g->o.poll_us))
		g->poll_us = g->now + g->o.poll_us;
}

static void guest_poll_all(struct sim_guest *g)
{
	size_t i;

	for (i = 0; i < g->nr_q; i++)
		guest_poll_queue(g, &g->q[i]);
}

/*
 * A queue reset (RAPQ/ZAPQ) and the state machine's way back: the card
 * forgets, interruptions go off; the next poll re-sends and registers.
 */
static void guest_reset_queue(struct sim_guest *g, struct guest_queue *q)
{
	unsigned int n;

	guest_card_drop(g, q, g->now);
	sim_irq_guest_aqic(sim_mdev_irq(g->m), q->apqn, false, 0, 0);
	/* AP_SM_STATE_RESET_WAIT: DQAP, then AQIC */
	if (q->queue_count > 0) {
		n = guest_requeue(g, q);
		guest_ev(g, SIM_GEV_RESEND, q->apqn, n);
	}
	guest_aqic(g, q);
	guest_poll_queue(g, q);
}

static void guest_timeout(struct sim_guest *g, struct guest_queue *q)
{
	unsigned int n = 0;
	size_t i;

	q->timer_us = 0;
	if (q->queue_count <= 0)
		return;	/* AP_SM_STATE_IDLE: the timer does nothing */
	for (i = 0; i < g->nr_reqs; i++) {
		if (g->reqs[i].apqn == q->apqn &&
		    g->reqs[i].state == SIM_REQ_PENDING) {
			g->reqs[i].timed_out = true;
			n++;
		}
	}
	guest_ev(g, SIM_GEV_TIMEOUT, q->apqn, n);
	guest_reset_queue(g, q);
}

/*
 * ap_scan_bus(): a card whose type or facilities changed is removed and
 * created again with its queues; their requests come back with -EAGAIN and
 * zcrypt sends them again.
 */
static void guest_rescan(struct sim_guest *g)
{
	struct vfio_ap_mig_config cfg = {};
	size_t i, k;
	u32 c;

	g->rescan_us += g->o.rescan_us;
	if (sim_mdev_guest_config(g->m, &cfg))
		return;	/* TAPQ failed: the next scan sees */
	for (c = 0; c < cfg.nr_queues; c++) {
		u64 hw = cfg.queues[c].gr2 & SIM_GUEST_CARD_HWINFO_MASK;
		struct guest_queue *q = guest_queue(g, cfg.queues[c].apqn);
		u16 apid = cfg.queues[c].apqn >> 8;

		if (!q || q->hwinfo == hw)
			continue;
		guest_ev(g, SIM_GEV_REPROBE, q->apqn, 0);
		for (i = 0; i < g->nr_q; i++) {
			struct guest_queue *cq = &g->q[i];

			if (cq->apqn >> 8 != apid)
				continue;
			for (k = 0; k < cfg.nr_queues; k++) {
				if (cfg.queues[k].apqn == cq->apqn)
					cq->hwinfo = cfg.queues[k].gr2 &
						     SIM_GUEST_CARD_HWINFO_MASK;
			}
			/* -EAGAIN: zcrypt sends them to the new queue */
			guest_card_drop(g, cq, g->now);
			guest_requeue(g, cq);
			sim_irq_guest_aqic(sim_mdev_irq(g->m), cq->apqn, false, 0, 0);
			guest_aqic(g, cq);
			guest_poll_queue(g, cq);
		}
	}
	vfio_ap_mig_config_free(&cfg);
}

/* The adapter interruption: the handler runs only if the NIB byte is set. */
static void guest_airq(struct sim_guest *g)
{
	g->airq = false;
	if (!g->nib_byte) {
		guest_ev(g, SIM_GEV_AIRQ_IGNORED, 0, 0);
		return;
	}
	g->nib_byte = 0;
	guest_ev(g, SIM_GEV_AIRQ, 0, 0);
	guest_poll_all(g);
}

static void guest_raise(struct sim_guest *g, u64 at)
{
	if (!g->airq || g->airq_us > at + g->o.irq_us) {
		g->airq = true;
		g->airq_us = at + g->o.irq_us;
	}
}

static u64 guest_next(const struct sim_guest *g)
{
	u64 t = g->rescan_us;
	size_t i, k;

	if (g->airq && g->airq_us < t)
		t = g->airq_us;
	if (g->poll_us && g->poll_us < t)
		t = g->poll_us;
	for (i = 0; i < g->nr_q; i++) {
		const struct guest_queue *q = &g->q[i];

		if (q->timer_us && q->timer_us < t)
			t = q->timer_us;
		for (k = 0; k < q->nr_card; k++) {
			if (!q->card[k].signaled && q->card[k].done_us < t)
				t = q->card[k].done_us;
		}
	}
	return t;
}

/* Everything due now, in the order: cards, timers, rescan, handler, poll. */
static void guest_step(struct sim_guest *g)
{
	size_t i, k;

	for (i = 0; i < g->nr_q; i++) {
		struct guest_queue *q = &g->q[i];

		for (k = 0; k < q->nr_card; k++) {
			if (q->card[k].signaled || q->card[k].done_us > g->now)
				continue;
			q->card[k].signaled = true;
			if (guest_irq_on(g, q)) {
				g->nib_byte = 1;
				guest_raise(g, g->now);
			}
		}
	}
	for (i = 0; i < g->nr_q; i++) {
		if (g->q[i].timer_us && g->q[i].timer_us <= g->now)
			guest_timeout(g, &g->q[i]);
	}
	if (g->rescan_us <= g->now)
		guest_rescan(g);
	if (g->airq && g->airq_us <= g->now)
		guest_airq(g);
	if (g->poll_us && g->poll_us <= g->now) {
		g->poll_us = 0;
		guest_ev(g, SIM_GEV_POLL, 0, 0);
		guest_poll_all(g);
	}
}

void sim_guest_run_until(struct sim_guest *g, u64 us)
{
	u64 t;

	if (!g->running)
		return;
	while ((t = guest_next(g)) <= us) {
		g->now = t;
		guest_step(g);
	}
	if (g->now < us)
		g->now = us;
}

static bool guest_outstanding(const struct sim_guest *g)
{
	size_t i;

	for (i = 0; i < g->nr_reqs; i++) {
		if (g->reqs[i].state != SIM_REQ_DONE)
			return true;
	}
	return false;
}

bool sim_guest_run_idle(struct sim_guest *g, u64 limit_us)
{
	u64 t;

	while (g->running && guest_outstanding(g)) {
		t = guest_next(g);
		if (t > limit_us) {
			g->now = limit_us;
			break;
		}
		g->now = t;
		guest_step(g);
	}
	return !guest_outstanding(g);
}

/* sim_irq's kick: the driver set the NIB byte and raised the interruption. */
static void guest_kick(void *ctx, u8 isc, u64 nib)
{
	struct sim_guest *g = ctx;

	pthread_mutex_lock(&g->lock);
	if (isc == SIM_GUEST_ISC) {
		if (nib == SIM_GUEST_NIB)
			g->nib_byte = 1;
		guest_raise(g, g->now);
		guest_ev(g, SIM_GEV_KICK, 0, 0);
	}
	pthread_mutex_unlock(&g->lock);
}

void sim_guest_listen(struct sim_guest *g, struct sim_mdev *m)
{
	struct sim_irq *irq = sim_mdev_irq(m);

	irq->kick = guest_kick;
	irq->kick_ctx = g;
}

int sim_guest_new(struct sim_guest **g, const struct sim_guest_opts *opts)
{
	*g = calloc(1, sizeof(**g));
	if (!*g)
		return -ENOMEM;
	(*g)->o = opts ? *opts : sim_guest_linux;
	if (!(*g)->o.poll_us)
		(*g)->o.poll_us = 1;
	pthread_mutex_init(&(*g)->lock, NULL);
	return 0;
}

void sim_guest_free(struct sim_guest *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nr_q; i++)
		free(g->q[i].card);
	free(g->q);
	free(g->reqs);
	free(g->evs);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static void *guest_dup(const void *p, size_t size)
{
	void *d;

	if (!size)
		return NULL;
	d = malloc(size);
	if (d)
		memcpy(d, p, size);
	return d;
}

int sim_guest_clone(struct sim_guest **copy, const struct sim_guest *g)
{
	struct sim_guest *c = malloc(sizeof(*c));
	size_t i;

	if (!c)
		return -ENOMEM;
	*c = *g;
	pthread_mutex_init(&c->lock, NULL);
	c->max_reqs = c->nr_reqs;
	c->max_evs = c->nr_evs;
	c->q = guest_dup(g->q, g->nr_q * sizeof(*g->q));
	c->reqs = guest_dup(g->reqs, g->nr_reqs * sizeof(*g->reqs));
	c->evs = guest_dup(g->evs, g->nr_evs * sizeof(*g->evs));
	if ((g->nr_q && !c->q) || (g->nr_reqs && !c->reqs) ||
	    (g->nr_evs && !c->evs)) {
		free(c->q);
		c->q = NULL;
		c->nr_q = 0;
		sim_guest_free(c);
		return -ENOMEM;
	}
	for (i = 0; i < c->nr_q; i++)
		c->q[i].card = guest_dup(g->q[i].card,
					 g->q[i].nr_card * sizeof(*g->q[i].card));
	for (i = 0; i < c->nr_q; i++) {
		if (c->q[i].nr_card && !c->q[i].card) {
			sim_guest_free(c);
			return -ENOMEM;
		}
	}
	*copy = c;
	return 0;
}

int sim_guest_start(struct sim_guest *g, struct sim_mdev *m)
{
	struct vfio_ap_mig_config cfg = {};
	u32 i;
	int ret;

	ret = sim_mdev_guest_config(m, &cfg);
	if (ret)
		return ret;
	g->q = calloc(cfg.nr_queues ? cfg.nr_queues : 1, sizeof(*g->q));
	if (!g->q) {
		vfio_ap_mig_config_free(&cfg);
		return -ENOMEM;
	}
	g->nr_q = cfg.nr_queues;
	for (i = 0; i < cfg.nr_queues; i++) {
		g->q[i].apqn = cfg.queues[i].apqn;
		g->q[i].hwinfo = cfg.queues[i].gr2 & SIM_GUEST_CARD_HWINFO_MASK;
	}
	vfio_ap_mig_config_free(&cfg);
	g->m = m;
	g->now = 0;
	g->running = true;
	g->rescan_us = g->o.rescan_us ? g->o.rescan_us : SIM_GUEST_NEVER;
	for (i = 0; i < g->nr_q; i++)
		guest_aqic(g, &g->q[i]);
	sim_guest_listen(g, m);
	return 0;
}

int sim_guest_submit(struct sim_guest *g, u16 apqn)
{
	struct guest_queue *q = guest_queue(g, apqn);
	struct sim_guest_req *r;

	if (!q)
		return -ENODEV;
	if (g->nr_reqs == g->max_reqs) {
		size_t max = g->max_reqs ? 2 * g->max_reqs : 16;

		r = realloc(g->reqs, max * sizeof(*r));
		if (!r)
			return -ENOMEM;
		g->reqs = r;
		g->max_reqs = max;
	}
	r = &g->reqs[g->nr_reqs++];
	*r = (struct sim_guest_req){
		.id = g->nr_reqs, .apqn = apqn, .state = SIM_REQ_QUEUED,
		.submitted_us = g->now,
	};
	/* ap_queue_message(): the state machine runs at once */
	if (g->running)
		guest_poll_queue(g, q);
	return r->id;
}

void sim_guest_stop(struct sim_guest *g)
{
	unsigned int n = 0;
	size_t i, k;

	g->running = false;
	g->stopped_at = g->now;
	for (i = 0; i < g->nr_reqs; i++) {
		struct sim_guest_req *r = &g->reqs[i];

		r->in_flight = r->state != SIM_REQ_DONE;
		r->unread = false;
		n += r->in_flight;
	}
	for (i = 0; i < g->nr_q; i++) {
		for (k = 0; k < g->q[i].nr_card; k++) {
			if (g->q[i].card[k].done_us <= g->now)
				g->reqs[g->q[i].card[k].req].unread = true;
		}
	}
	guest_ev(g, SIM_GEV_STOP, 0, n);
}

int sim_guest_resume(struct sim_guest *g, struct sim_mdev *m, bool new_cards)
{
	size_t i;

	pthread_mutex_lock(&g->lock);
	g->m = m;
	if (new_cards) {
		for (i = 0; i < g->nr_q; i++)
			guest_card_drop(g, &g->q[i], g->stopped_at);
	}
	g->running = true;
	g->resumed_at = g->now;
	if (g->airq && g->airq_us < g->now + g->o.irq_us)
		g->airq_us = g->now + g->o.irq_us;
	guest_ev(g, SIM_GEV_RESUME, 0, new_cards);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

u64 sim_guest_now(const struct sim_guest *g)
{
	return g->now;
}

u64 sim_guest_resumed_at(const struct sim_guest *g)
{
	return g->resumed_at;
}

size_t sim_guest_nr_queues(const struct sim_guest *g)
{
	return g->nr_q;
}

u16 sim_guest_queue(const struct sim_guest *g, size_t i)
{
	return g->q[i].apqn;
}

size_t sim_guest_requests(const struct sim_guest *g,
			  const struct sim_guest_req **reqs)
{
	*reqs = g->reqs;
	return g->nr_reqs;
}

size_t sim_guest_events(const struct sim_guest *g,
			const struct sim_guest_event **evs)
{
	*evs = g->evs;
	return g->nr_evs;
}

unsigned int sim_guest_count(const struct sim_guest *g,
			     enum sim_guest_ev_kind kind, int apqn)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < g->nr_evs; i++)
		n += g->evs[i].kind == kind &&
		     (apqn < 0 || g->evs[i].apqn == apqn);
	return n;
}

void sim_guest_stats(const struct sim_guest *g, struct sim_guest_stats *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < g->nr_reqs; i++) {
		const struct sim_guest_req *r = &g->reqs[i];

		if (!r->in_flight)
			continue;
		st->in_flight++;
		st->ran_before += r->unread;
		st->timed_out += r->timed_out;
		if (r->state != SIM_REQ_DONE)
			continue;
		st->completed++;
		if (r->done_us - g->resumed_at > st->max_us)
			st->max_us = r->done_us - g->resumed_at;
	}
}
