/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One simulated migration as 'apmig migrate' runs and prints it; 'apmig
 * demo' runs two of them on the hosts shipped with the tool.
 */
#ifndef APMIG_MIGRATE_H
#define APMIG_MIGRATE_H

#include <stdbool.h>
#include <stdio.h>

/**
 * struct apmig_migrate_args - what to migrate and how to show it
 * @cmd: the command name for error lines ("migrate", "demo")
 * @source_dir: sysfs-shaped tree of the source host
 * @target_dir: sysfs-shaped tree of the target host
 * @uuid: the source mdev
 * @target_uuid: the destination mdev (NULL: @uuid); must exist, never written
 * @precopy: use PRE_COPY (with switchover-ack) when the device offers it
 * @no_kick: the destination driver does not kick the guest (upstream vfio_ap);
 *	     else the guest is also replayed without the kick, for comparison
 * @trace: show every read, write and transition with its time and phase
 * @json: one JSON object instead of text
 */
struct apmig_migrate_args {
	const char *cmd;
	const char *source_dir;
	const char *target_dir;
	const char *uuid;
	const char *target_uuid;
	bool precopy;
	bool no_kick;
	bool trace;
	bool json;
};

/*
 * Load both hosts, migrate through the driver and the simulated VMMs,
 * print the run to @out. Returns the exit status: 0 migrated, 1 refused
 * (the source guest runs, the target mdev unchanged), 2 error
 * (printed as "apmig: <cmd>: <why>").
 */
int apmig_migrate_run(const struct apmig_migrate_args *a, FILE *out);

#endif /* APMIG_MIGRATE_H */
