/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated s390 host for the vfio_ap migration driver running in
 * userspace: built from a sysfs-shaped tree (lib/apmig_host.h), it keeps
 * the AP queues with their TAPQ answers and driver bindings, the vfio_ap
 * mdevs with their assigned matrix and their guest's configuration
 * (shadow APCB), and implements vfio_ap_mig_host.h for the driver.
 * A tree whose vfio_ap lacks 'migratable' gives mdevs without migration
 * (no mig_ops, as a kernel without the series); a tree whose firmware says
 * prot_virt_guest makes a Secure Execution host.
 * Knobs make TAPQ of one APQN fail or answer check-stopped/deconfigured
 * and turn the host into a Secure Execution guest; host changes (unbind,
 * assign, ...) model an administrator acting during a migration and bump
 * the affected mdevs' cfg_generation as vfio_ap does. The destination mdev
 * is prepared by the caller (the tree, or create + assign): the driver only
 * checks it.
 */
#ifndef SIM_HOST_H
#define SIM_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "vfio_ap_private.h"
#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

struct apmig_host;
struct apmig_error;
struct sim_host;
struct sim_mdev;

/*
 * Build a host named @label ("source", "target": used in device names and
 * messages) from the tree under @root. Returns 0 or -errno with @err set.
 */
int sim_host_load(struct sim_host **host, const char *label, const char *root,
		  struct apmig_error *err);
/* Build a host from a loaded tree: it takes @tree, on failure the caller keeps it. */
int sim_host_from_tree(struct sim_host **host, const char *label,
		       struct apmig_host *tree);
/* Free the host and its mdevs; every device fd must be closed. */
void sim_host_free(struct sim_host *host);
const char *sim_host_label(const struct sim_host *host);
/* The sysfs model the host was built from (bindings as loaded). */
const struct apmig_host *sim_host_tree(const struct sim_host *host);

/* Knobs */
/* The host itself runs as a Secure Execution guest (ap_is_se_guest()). */
void sim_host_set_se_guest(struct sim_host *host, bool se);
/* TAPQ of @apqn answers -ENODEV (Q_NOT_AVAIL) or -EIO; @apqn -1: none. */
void sim_host_fail_tapq(struct sim_host *host, int apqn, int err);
/* Make the @n-th TAPQ on @host from now (1 = the next) fail with @err, once; 0 disarms. */
void sim_host_fail_tapq_nth(struct sim_host *host, unsigned long n, int err);
/* TAPQs answered (or failed) on @host so far. */
unsigned long sim_host_tapq_calls(const struct sim_host *host);

/*
 * What TAPQ's response code says of a present queue. Loaded from the tree
 * (queue or card 'chkstop' 1: checkstopped; 'config' 0: deconfigured); the
 * knob changes the answer only, as hardware would before the AP bus's next
 * scan: no generation moves. -ENODEV if the queue does not exist.
 */
enum sim_qstate { SIM_Q_NORMAL, SIM_Q_CHECKSTOPPED, SIM_Q_DECONFIGURED };
int sim_host_set_qstate(struct sim_host *host, u16 apqn, enum sim_qstate state);

/* Host changes, as an administrator would make them through sysfs. */
int sim_host_unbind(struct sim_host *host, u16 apqn);	/* to cex4queue */
int sim_host_bind(struct sim_host *host, u16 apqn);	/* to vfio_ap */

enum sim_id_kind { SIM_ADAPTER, SIM_DOMAIN, SIM_CONTROL_DOMAIN };

/* mdevs */
struct sim_mdev *sim_host_mdev(struct sim_host *host, const char *uuid);
/* Create an empty mdev (mdevctl's job); -EEXIST if @uuid exists. */
int sim_host_create_mdev(struct sim_host *host, const char *uuid,
			 struct sim_mdev **mdev);
size_t sim_host_nr_mdevs(const struct sim_host *host);

/*
 * The host's AP configuration (QCI) gains (@on) or loses adapter, domain or
 * control domain @id; every mdev is filtered again (vfio_ap_on_cfg_changed()).
 */
int sim_host_configure(struct sim_host *host, enum sim_id_kind kind,
		       unsigned int id, bool on);

/* assign_/unassign_{adapter,domain,control_domain}: 0 or -errno as vfio_ap. */
int sim_mdev_assign(struct sim_mdev *m, enum sim_id_kind kind, unsigned int id);
int sim_mdev_unassign(struct sim_mdev *m, enum sim_id_kind kind, unsigned int id);

const char *sim_mdev_uuid(const struct sim_mdev *m);
struct sim_host *sim_mdev_host(const struct sim_mdev *m);
struct ap_matrix_mdev *sim_mdev_matrix_mdev(struct sim_mdev *m);
/* The guest's interruption registrations on @m (sim_irq.h). */
struct sim_irq *sim_mdev_irq(struct sim_mdev *m);
/* Copy the assigned matrix and the guest's configuration (shadow APCB). */
void sim_mdev_get(struct sim_mdev *m, struct ap_matrix *assigned,
		  struct ap_matrix *guest);
/*
 * The guest's configuration with each queue's masked GR2 as TAPQ answers
 * now (knobs apply); free with vfio_ap_mig_config_free().
 */
int sim_mdev_guest_config(struct sim_mdev *m, struct vfio_ap_mig_config *cfg);
/* The mdev's KVM guest is protected (kvm_s390_pv_is_protected()). */
void sim_mdev_set_protected(struct sim_mdev *m, bool protected_guest);
/* The mdev's cfg_generation (under the host lock). */
u64 sim_mdev_generation(struct sim_mdev *m);
/* vfio_ap_mig_host_check() calls with this mdev as destination. */
unsigned long sim_mdev_checks(const struct sim_mdev *m);
/* Problems and changes reported by the last check with this mdev as destination. */
size_t sim_mdev_problems(const struct sim_mdev *m,
			 const struct vfio_ap_mig_problem **problems);

/*
 * Start the mdev's guest and open the device as its VMM does: returns a
 * device fd (shim fd table, <shim/vfs.h>) or -errno. Close it with
 * sim_mdev_close(); a second open returns another fd to the same device.
 */
int sim_mdev_open(struct sim_mdev *m);
void sim_mdev_close(struct sim_mdev *m, int devfd);
/*
 * Whether a running guest of the tree the host was built from holds @m
 * (its queues "in use"): a destination VMM cannot open such an mdev.
 */
bool sim_mdev_held(const struct sim_mdev *m);
/* Migration state as the driver keeps it (under its state mutex). */
enum vfio_device_mig_state sim_mdev_state(struct sim_mdev *m);

#endif /* SIM_HOST_H */
