// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: DUPLICATED. vfio_mig_get_next_state() with the behaviour of
 * drivers/vfio/vfio_main.c in Linux 6.12 (REFERENCE.md §2): one table of
 * single arcs, states the device does not support skipped over by
 * following the table again from the skipped state, ERROR never reachable.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/vfio.h>

#define S	VFIO_DEVICE_STATE_STOP
#define R	VFIO_DEVICE_STATE_RUNNING
#define SC	VFIO_DEVICE_STATE_STOP_COPY
#define RS	VFIO_DEVICE_STATE_RESUMING
#define RP	VFIO_DEVICE_STATE_RUNNING_P2P
#define PC	VFIO_DEVICE_STATE_PRE_COPY
#define PP	VFIO_DEVICE_STATE_PRE_COPY_P2P
#define E	VFIO_DEVICE_STATE_ERROR
#define NSTATES	(VFIO_DEVICE_STATE_PRE_COPY_P2P + 1)

/* fsm_arc[cur][new]: the next single arc from cur towards new */
static const u8 fsm_arc[NSTATES][NSTATES] = {
	/*	   to:	  E   S   R  SC  RS  RP  PC  PP */
	[E]  =	{	  E,  E,  E,  E,  E,  E,  E,  E },
	[S]  =	{	  E,  S, RP, SC, RS, RP, RP, RP },
	[R]  =	{	  E, RP,  R, RP, RP, RP, PC, RP },
	[SC] =	{	  E,  S,  S, SC,  S,  S,  E,  E },
	[RS] =	{	  E,  S,  S,  S, RS,  S,  S,  S },
	[RP] =	{	  E,  S,  R,  S,  S, RP,  R, PP },
	[PC] =	{	  E,  R,  R, PP,  R,  R, PC, PP },
	[PP] =	{	  E, RP, RP, SC, RP, RP, PC, PP },
};

/* The migration flags a device must have for each state to exist. */
static const unsigned int fsm_needs[NSTATES] = {
	[E]  = ~0U,
	[S]  = VFIO_MIGRATION_STOP_COPY,
	[R]  = VFIO_MIGRATION_STOP_COPY,
	[SC] = VFIO_MIGRATION_STOP_COPY,
	[RS] = VFIO_MIGRATION_STOP_COPY,
	[RP] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P,
	[PC] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY,
	[PP] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
	       VFIO_MIGRATION_PRE_COPY,
};

static bool fsm_supported(const struct vfio_device *device, unsigned int state)
{
	return (fsm_needs[state] & device->migration_flags) == fsm_needs[state];
}

int vfio_mig_get_next_state(struct vfio_device *device,
			    enum vfio_device_mig_state cur_fsm,
			    enum vfio_device_mig_state new_fsm,
			    enum vfio_device_mig_state *next_fsm)
{
	unsigned int next;

	/* The driver's own state must be one it supports: a driver bug. */
	if (WARN_ON((unsigned int)cur_fsm >= NSTATES ||
		    !fsm_supported(device, cur_fsm)))
		return -EINVAL;
	if ((unsigned int)new_fsm >= NSTATES || !fsm_supported(device, new_fsm))
		return -EINVAL;

	next = fsm_arc[cur_fsm][new_fsm];
	while (next != E && !fsm_supported(device, next))
		next = fsm_arc[next][new_fsm];
	*next_fsm = next;
	return next != E ? 0 : -EINVAL;
}
