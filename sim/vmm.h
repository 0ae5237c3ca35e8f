/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM side of a simulated migration: a source and a destination QEMU
 * driving their vfio_ap devices through the VFIO migration uAPI in QEMU's
 * order (hw/vfio/migration.c; REFERENCE.md §3), with the migration stream
 * carried through a real socketpair in chunks, each side in its own thread.
 *
 * What a real deployment splits between QEMU and libvirt is modelled as:
 * - source: flags and data size; RUNNING -> PRE_COPY at setup, pre-copy
 *   reads while poll says readable (-ENOMSG = nothing now), with
 *   switchover-ack the INIT_DATA_SENT marker and a wait for the
 *   destination's approval. Like our QEMU 10.2 series it does not opt in
 *   to PRECOPY_INFOv2 by default; with precopy_v2 it does, and waits again
 *   after VFIO_PRECOPY_INFO_REINIT until the new initial data is sent and
 *   approved (a QEMU whose migration core can take an approval back); at VM
 *   stop -> PRE_COPY_P2P / RUNNING_P2P, -> STOP_COPY / STOP, -> STOP_COPY,
 *   read until 0, -> STOP, close the data fd, wait for the destination's
 *   verdict; on failure resume the guest (-> RUNNING_P2P -> RUNNING) or,
 *   if it never stopped, -> RUNNING; a failed SET with recovery state
 *   ERROR resets the device, as QEMU does.
 * - destination: -> RESUMING at load setup (recovery: the current state),
 *   write each chunk (partial writes continued), approve switchover when
 *   asked, close the data fd at load cleanup, then at VM start
 *   -> RUNNING_P2P -> RUNNING (the driver's RESUMING -> STOP applies the
 *   configuration); the verdict goes back to the source. A destination
 *   that fails closes its device, as an exiting QEMU does.
 */
#ifndef SIM_VMM_H
#define SIM_VMM_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>
#include <linux/vfio.h>

#include "sim_host.h"

enum sim_side { SIM_SRC, SIM_DST };

/* Where bytes moved and transitions happened. */
enum sim_phase {
	SIM_PHASE_SETUP,	/* before any data: flags, size, first SETs */
	SIM_PHASE_PRECOPY,	/* source guest running, pre-copy data */
	SIM_PHASE_STOPCOPY,	/* source guest stopped, final data */
	SIM_PHASE_RESUME,	/* destination: loaded data applied, guest started */
	SIM_PHASE_RECOVER,	/* after a failure */
	SIM_PHASE_NR
};

/* Points where the hook runs (from the thread of the side named). */
enum sim_point {
	SIM_PT_SRC_SETUP_DONE,		/* source saving set up */
	SIM_PT_SRC_PRECOPY_CHUNK,	/* after each pre-copy chunk read */
	SIM_PT_SRC_PRECOPY_APPROVED,	/* switchover approved (each time) */
	SIM_PT_SRC_PRECOPY_DONE,	/* initial data sent (and approved) */
	SIM_PT_SRC_STOPPED,		/* guest stopped, before STOP_COPY */
	SIM_PT_SRC_STOPCOPY_CHUNK,	/* after each stop-copy chunk read */
	SIM_PT_SRC_STOPCOPY_DONE,	/* read() returned 0 */
	SIM_PT_DST_SETUP_DONE,		/* destination RESUMING */
	SIM_PT_DST_CHUNK,		/* after each chunk written */
	SIM_PT_DST_LOADED,		/* whole stream written, fd closed */
	SIM_PT_DST_RUNNING,		/* destination guest running */
	SIM_PT_NR
};

struct sim_vmm;
typedef void (*sim_vmm_hook_t)(struct sim_vmm *vmm, void *ctx,
			       enum sim_point point, unsigned int count);

struct sim_vmm_opts {
	bool precopy;		/* use PRE_COPY when the device offers it */
	bool switchover_ack;	/* QEMU's switchover-ack capability */
	size_t src_buf;		/* read size; 0: min(1 MiB, stop_copy_length) */
	size_t dst_buf;		/* write size; 0: 32 KiB (QEMUFile buffer) */
	size_t wire_chunk;	/* socket write size; 0: whole frames */
	bool precopy_v2;	/* opt in to PRECOPY_INFOv2 and honour REINIT */
	sim_vmm_hook_t hook;	/* may be NULL */
	void *hook_ctx;
};

enum sim_event_kind {
	SIM_EV_SET,		/* SET device_state: @from -> @to, @err */
	SIM_EV_RESET,		/* VFIO_DEVICE_RESET */
	SIM_EV_READ,		/* @bytes read from the data fd */
	SIM_EV_WRITE,		/* @bytes written to the data fd */
	SIM_EV_PRECOPY_INFO,	/* @initial, @dirty, @flags */
	SIM_EV_DATA_SIZE,	/* @bytes = stop_copy_length */
	SIM_EV_GUEST,		/* @text: guest stopped / resumed / started */
	SIM_EV_FAIL,		/* @text: why the side gave up */
};

struct sim_event {
	u64 ns;			/* since the migration started */
	enum sim_side side;
	enum sim_phase phase;
	enum sim_event_kind kind;
	enum vfio_device_mig_state from, to;
	int err;		/* 0 or -errno */
	u64 asked;		/* READ/WRITE: the length asked for */
	u64 bytes, initial, dirty;
	u32 flags;		/* PRECOPY_INFO: VFIO_PRECOPY_INFO_* */
	char text[96];
};

struct sim_vmm_result {
	int status;		/* 0 migrated, else -errno of the root cause */
	enum sim_side failed_side;	/* the side that gave up first */
	char why[256];		/* "<side>: <step>: <strerror>" when failed */
	bool src_stopped;	/* the source guest was stopped at some point */
	bool src_running;	/* the source guest runs at the end */
	bool dst_running;	/* the destination guest runs with the config */
	int src_devfd;		/* open device fd of the side left running, */
	int dst_devfd;		/* else -1 (that QEMU exited) */
	u64 bytes[2][SIM_PHASE_NR];	/* per side and phase: read / written */
	u64 downtime_ns;	/* stop-and-copy window: source guest stopped ->
				 * a guest (destination, else source) running */
	u64 stopcopy_ns;	/* source stop -> stop-copy data all read */
	u64 total_ns;
	struct sim_event *events;
	size_t nr_events;
};

/*
 * Migrate the guest of @src to @dst. Opens both devices (the source
 * guest is running; the destination VM waits for incoming migration).
 * Returns 0 when the run completed (res->status says how it went) or a
 * -errno for a simulator failure (threads, sockets, memory).
 */
int sim_vmm_migrate(struct sim_mdev *src, struct sim_mdev *dst,
		    const struct sim_vmm_opts *opts, struct sim_vmm_result *res);
/* Close the devices left open and free the events. */
void sim_vmm_result_release(struct sim_vmm_result *res);

/* From a hook: the device fd of @side (-1 if closed) and a device reset. */
int sim_vmm_devfd(struct sim_vmm *vmm, enum sim_side side);
int sim_vmm_reset(struct sim_vmm *vmm, enum sim_side side);
struct sim_mdev *sim_vmm_mdev(struct sim_vmm *vmm, enum sim_side side);

const char *sim_side_name(enum sim_side side);
const char *sim_phase_name(enum sim_phase phase);
const char *sim_point_name(enum sim_point point);

/*
 * The states the kernel FSM walks from @from to @to for a device with
 * @flags, @from and @to included, into @path (room for @max). Returns the
 * number of states or -EINVAL when the kernel refuses.
 */
int sim_fsm_path(unsigned int flags, enum vfio_device_mig_state from,
		 enum vfio_device_mig_state to,
		 enum vfio_device_mig_state *path, int max);

#endif /* SIM_VMM_H */
