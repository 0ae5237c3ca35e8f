/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of the Linux guest's AP queue driver (7.3 ap_queue.c, ap_bus.c,
 * zcrypt_cex4.c; REFERENCE.md §9) and of the cards behind its queues, in
 * virtual time: a discrete-event clock in microseconds, nothing sleeps.
 *
 * What it does as Linux does:
 * - at boot it registers interruptions on each of its queues with one NIB
 *   and one ISC for all (ap_airq.lsi_ptr, AP_ISC) through the mdev's
 *   sim_irq (the intercepted PQAP(AQIC));
 * - a request is sent (NQAP) and completes on the card after a service
 *   time; with the queue's interruptions registered at the host, the
 *   completion sets the NIB byte and raises the adapter interruption;
 * - the adapter interruption handler runs only if the NIB byte is non-zero,
 *   clears it and polls every queue (DQAP until no reply is pending);
 * - a queue with requests outstanding and interruptions on waits for an
 *   interruption and is not polled (AP_SM_WAIT_INTERRUPT);
 * - DQAP answering NO_PENDING_REPLY on an empty queue while requests are
 *   outstanding moves them back and re-sends them ("the card shouldn't
 *   forget requests");
 * - a queue that reports interruptions off is polled (the AP poll timer)
 *   and, once empty, the guest issues AQIC again;
 * - the queue's request timer (CEX4_CLEANUP_TIME, 900 s, armed by the send
 *   to an idle queue and by every reply while more are outstanding) resets
 *   the queue: the card forgets its work, interruptions go off, the
 *   requests are re-sent and interruptions registered again;
 * - every 30 s (AP_CONFIG_TIME) the bus is rescanned: a card whose AP type
 *   or facility/class bits (TAPQ_CARD_HWINFO_MASK) changed is removed and
 *   created again; its outstanding requests come back with -EAGAIN and
 *   zcrypt sends them again.
 *
 * The card state does not migrate: sim_guest_resume() on another host's
 * mdev gives the guest empty cards, so replies pending on the source card
 * are lost and DQAP on the destination says NO_PENDING_REPLY.
 *
 * Not thread-safe, except sim_guest_listen()'s kick, which the simulated
 * VMMs deliver from their threads while the guest is stopped. Run the guest
 * (submit, run, stop, resume) only while no VMM runs.
 */
#ifndef SIM_GUEST_H
#define SIM_GUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

struct sim_mdev;
struct sim_guest;

#define SIM_GUEST_US_PER_S	1000000ULL
/* Linux's AP_ISC and a made-up guest address for ap_airq.lsi_ptr. */
#define SIM_GUEST_ISC		6
#define SIM_GUEST_NIB		0x000000007ff0c000ULL
/* CEX4_CLEANUP_TIME: the per-queue request timeout. */
#define SIM_GUEST_TIMEOUT_US	(900 * SIM_GUEST_US_PER_S)
/* AP_CONFIG_TIME: the bus rescan period. */
#define SIM_GUEST_RESCAN_US	(30 * SIM_GUEST_US_PER_S)
/* ap_bus.c poll_high_timeout: 250 us between polls of a queue without interruptions. */
#define SIM_GUEST_POLL_US	250
/* Service time of one request on the card (an assumption: a CCA/EP11 call). */
#define SIM_GUEST_SERVICE_US	5000
/* Adapter interruption to the end of the AP bus tasklet (an assumption). */
#define SIM_GUEST_IRQ_US	10

/**
 * struct sim_guest_opts - the timings of a guest and its cards
 * @service_us: time a card takes for one request of a queue (the queue's
 *		requests run one after another)
 * @timeout_us: the queue's request timeout
 * @rescan_us:	the AP bus rescan period
 * @poll_us:	the poll period of a queue without interruptions
 * @irq_us:	adapter interruption delivered -> handler polling the queues
 */
struct sim_guest_opts {
	u64 service_us;
	u64 timeout_us;
	u64 rescan_us;
	u64 poll_us;
	u64 irq_us;
};

enum sim_guest_req_state {
	SIM_REQ_QUEUED,		/* on the guest's request queue, not sent */
	SIM_REQ_PENDING,	/* sent (NQAP), reply not read */
	SIM_REQ_DONE,		/* reply read (DQAP) */
};

/**
 * struct sim_guest_req - one request of the guest
 * @id: 1, 2, ... in submission order
 * @apqn: the queue it goes to
 * @state: where it is
 * @submitted_us: when the guest submitted it
 * @done_us: when its reply was read (@state DONE)
 * @sends: NQAPs of it (more than 1: re-sent)
 * @runs: times a card completed it (more than 1: it ran twice)
 * @in_flight: outstanding at the last sim_guest_stop()
 * @unread: at that stop, completed on the card with its reply not read
 * @timed_out: its queue's request timer expired while it was outstanding
 */
struct sim_guest_req {
	unsigned int id;
	u16 apqn;
	enum sim_guest_req_state state;
	u64 submitted_us, done_us;
	unsigned int sends, runs;
	bool in_flight, unread, timed_out;
};

enum sim_guest_ev_kind {
	SIM_GEV_AQIC,		/* the guest enabled interruptions on @apqn */
	SIM_GEV_AQIC_FAILED,	/* ... and the host refused */
	SIM_GEV_KICK,		/* a kick: NIB byte set, adapter interruption */
	SIM_GEV_AIRQ,		/* the handler ran and polled every queue */
	SIM_GEV_AIRQ_IGNORED,	/* an adapter interruption with the NIB byte zero */
	SIM_GEV_POLL,		/* the poll timer polled (a queue without interruptions) */
	SIM_GEV_RESEND,		/* NO_PENDING_REPLY on an empty queue: @n re-sent */
	SIM_GEV_TIMEOUT,	/* @apqn's request timer expired, @n outstanding */
	SIM_GEV_REPROBE,	/* rescan: card @apqn >> 8 changed, removed and re-created */
	SIM_GEV_STOP,		/* the guest stopped, @n requests in flight */
	SIM_GEV_RESUME,		/* the guest runs again; @n: 1 on other cards */
};

struct sim_guest_event {
	u64 us;
	enum sim_guest_ev_kind kind;
	u16 apqn;
	unsigned int n;
};

/**
 * struct sim_guest_stats - what happened to the requests in flight
 * @in_flight: outstanding at the last stop
 * @ran_before: of them, completed on the old card with the reply unread:
 *		they run again after a move
 * @completed: of them, replies read since
 * @timed_out: of them, caught by a request timeout
 * @max_us: the latest completion among them, from the resume (0: none)
 */
struct sim_guest_stats {
	unsigned int in_flight, ran_before, completed, timed_out;
	u64 max_us;
};

/* @opts NULL: Linux's timings and the SIM_GUEST_* assumptions. 0 or -ENOMEM. */
int sim_guest_new(struct sim_guest **g, const struct sim_guest_opts *opts);
/* A copy of @g's state without its listening: to run it a second way. */
int sim_guest_clone(struct sim_guest **copy, const struct sim_guest *g);
void sim_guest_free(struct sim_guest *g);

/*
 * Boot on @m at time 0: probe the queues of its guest configuration (TAPQ),
 * register interruptions on each with one NIB and ISC, listen to @m's
 * kicks. 0 or -errno.
 */
int sim_guest_start(struct sim_guest *g, struct sim_mdev *m);
/* Kicks of @m's migration driver reach @g from now (its sim_irq kick). */
void sim_guest_listen(struct sim_guest *g, struct sim_mdev *m);
/* Submit a request to queue @apqn now: its id, or -ENODEV / -ENOMEM. */
int sim_guest_submit(struct sim_guest *g, u16 apqn);
/* Run until virtual time @us. */
void sim_guest_run_until(struct sim_guest *g, u64 us);
/* Run until no request is outstanding or @limit_us: true when none is. */
bool sim_guest_run_idle(struct sim_guest *g, u64 limit_us);
/* The VM stops: the requests outstanding now are the ones in flight. */
void sim_guest_stop(struct sim_guest *g);
/*
 * The VM runs again, on @m: on the same cards (an aborted migration) or,
 * with @new_cards, on a host whose cards know nothing of the guest.
 * Virtual time goes on from the stop. 0 or -errno.
 */
int sim_guest_resume(struct sim_guest *g, struct sim_mdev *m, bool new_cards);

u64 sim_guest_now(const struct sim_guest *g);
/* The time of the last resume (or 0). */
u64 sim_guest_resumed_at(const struct sim_guest *g);
size_t sim_guest_nr_queues(const struct sim_guest *g);
u16 sim_guest_queue(const struct sim_guest *g, size_t i);
size_t sim_guest_requests(const struct sim_guest *g,
			  const struct sim_guest_req **reqs);
size_t sim_guest_events(const struct sim_guest *g,
			const struct sim_guest_event **evs);
/* Events of @kind (on @apqn, or any with -1). */
unsigned int sim_guest_count(const struct sim_guest *g,
			     enum sim_guest_ev_kind kind, int apqn);
void sim_guest_stats(const struct sim_guest *g, struct sim_guest_stats *st);
const char *sim_guest_ev_name(enum sim_guest_ev_kind kind);

#endif /* SIM_GUEST_H */
