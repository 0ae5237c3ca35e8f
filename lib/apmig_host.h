/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A host as its sysfs describes it (REFERENCE.md §5): the AP bus masks, the
 * cards and queues with their drivers, and the vfio_ap matrix with its mdevs.
 * Loaded from /sys or from a fixture directory laid out the same way.
 */
#ifndef APMIG_HOST_H
#define APMIG_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#define APMIG_UUID_LEN 36

/* Where the sysfs root comes from: explicit, else $APMIG_SYSFS_ROOT, else /sys. */
const char *apmig_sysfs_root(const char *explicit_root);

/*
 * The trees below the sysfs root that the host reader reads, and nothing
 * outside them (it refuses to build any other path): a capture that holds
 * them holds the host. NULL-terminated.
 */
extern const char *const apmig_host_sysfs_trees[];

struct apmig_capture_manifest;

/* Errors of the library: a message naming the file and the value. */
struct apmig_error {
	char msg[512];
};

enum apmig_driver {
	APMIG_DRV_NONE,		/* no driver link */
	APMIG_DRV_CEX4CARD,
	APMIG_DRV_CEX4QUEUE,
	APMIG_DRV_VFIO_AP,
	APMIG_DRV_OTHER,
};

enum apmig_qstatus {		/* vfio_ap queue 'status' attribute */
	APMIG_QST_NONE,		/* not bound to vfio_ap, or no attribute */
	APMIG_QST_UNASSIGNED,
	APMIG_QST_ASSIGNED,
	APMIG_QST_IN_USE,
};

struct apmig_card {
	bool present;
	unsigned int raw_hwtype;	/* AP type (TAPQ 'at') */
	unsigned int hwtype;
	uint32_t functions;		/* ap_functions: GR2 facility word */
	int depth;			/* sysfs 'depth' = qd + 1; -1: absent */
	unsigned int ml;		/* TAPQ 'ml' from max_msg_size; 0: absent */
	bool online, config, chkstop;
	char type[16];			/* e.g. CEX8C */
	enum apmig_driver driver;
};

struct apmig_queue {
	uint16_t apqn;
	uint32_t functions;		/* fresh TAPQ facility word (incl. bs) */
	bool online, config, chkstop;
	enum apmig_driver driver;
	enum apmig_qstatus status;
	int mdev;			/* index in host->mdevs it is assigned to, -1 */
	int read_err;			/* -errno of its ap_functions read, 0 */
};

struct apmig_mdev {
	char uuid[APMIG_UUID_LEN + 1];
	/* Assigned matrix (matrix / ap_config): what the mdev holds. */
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);
	/*
	 * The guest's adapters and domains (vfio_ap's shadow APCB, kept for
	 * an idle mdev too): guest_matrix, or where the kernel has no such
	 * attribute, apmig_filter_matrix() of the assigned matrix on this host.
	 */
	DECLARE_BITMAP(guest_apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(guest_aqm, VFIO_AP_MIG_IDS);
	bool has_guest;			/* a guest uses it (status "in use") */
	/* guest_matrix was cut off at a page: guest_* come from the filter */
	bool guest_cut;
};

struct apmig_host {
	/* what was given: a sysfs directory or a capture's tar archive */
	char root[4096];
	/* the manifest when the host is a capture (apmig capture), or NULL */
	struct apmig_capture_manifest *capture;
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);	/* ap_adapter_mask */
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);	/* ap_usage_domain_mask */
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);	/* ap_control_domain_mask */
	DECLARE_BITMAP(apmask, VFIO_AP_MIG_IDS);	/* reserved for host drivers */
	DECLARE_BITMAP(aqmask, VFIO_AP_MIG_IDS);
	int max_adapter_id, max_domain_id;	/* -1 when absent */
	bool vfio_ap;				/* the matrix device exists */
	bool migratable;			/* 'migratable' in matrix features */
	bool se_guest;				/* runs as a Secure Execution guest */
	struct apmig_card cards[VFIO_AP_MIG_IDS];
	struct apmig_queue *queues[VFIO_AP_MIG_MAX_QUEUES]; /* by APQN, NULL: none */
	struct apmig_mdev *mdevs;		/* malloc'ed, may be realloc'ed */
	size_t nr_mdevs;
	/* Destination mdev index of the last apmig_host_target(), -1: none. */
	int target_mdev;
};

/*
 * Load the host under @root (NULL: apmig_sysfs_root(NULL)): a sysfs tree, a
 * capture directory or a capture's tar archive (extracted into a private
 * temporary directory for the load). An attribute a capture's manifest
 * records as unreadable reads as the error it gave. 0 or -errno.
 */
int apmig_host_load(struct apmig_host **host, const char *root,
		    struct apmig_error *err);
void apmig_host_free(struct apmig_host *host);

const struct apmig_queue *apmig_host_queue(const struct apmig_host *host,
					   uint16_t apqn);
/* The mdev with @uuid, or NULL. */
struct apmig_mdev *apmig_host_mdev(struct apmig_host *host, const char *uuid);

/*
 * GR2 rebuilt from sysfs: functions << 32 | raw_hwtype << 24 | ml << 8, ml
 * from the card's max_msg_size (other bits 0).
 */
uint64_t apmig_host_queue_gr2(const struct apmig_host *host,
			      const struct apmig_queue *q);

/*
 * The rules vfio_ap (drivers/s390/crypto/vfio_ap_ops.c) applies to decide
 * what a guest gets and whose a queue is. Written once, here: the library
 * applies them to a host read from sysfs, the simulator to a host changing
 * under the driver, so that `apmig check` and `apmig migrate` cannot drift.
 */

/* Whether queue @apqn may be given to a guest: it exists, bound to vfio_ap. */
typedef bool (*apmig_passable_t)(const void *ctx, uint16_t apqn);

/*
 * vfio_ap_mdev_filter_matrix(): the guest's adapters and domains from an
 * mdev's assigned @apm x @aqm. Only those in the host's configuration
 * (@host_apm x @host_aqm) are kept, and an adapter with any queue that is not
 * @passable is left out whole (the architecture cannot leave out one queue).
 * @shadow_apm and @shadow_aqm may be @apm and @aqm.
 */
void apmig_filter_matrix(const unsigned long *apm, const unsigned long *aqm,
			 const unsigned long *host_apm,
			 const unsigned long *host_aqm,
			 apmig_passable_t passable, const void *ctx,
			 unsigned long *shadow_apm, unsigned long *shadow_aqm);

/*
 * The guest adapters and domains of @m (guest_apm, guest_aqm) as vfio_ap
 * computes them from its assignment on @host: apmig_filter_matrix() with
 * the queues that exist and are bound to vfio_ap as passable.
 */
void apmig_host_filter_mdev(const struct apmig_host *host,
			    struct apmig_mdev *m);

/*
 * vfio_ap_mdev_filter_cdoms(): the guest's control domains are the assigned
 * @adm that the host's control-domain mask @host_adm has.
 */
void apmig_filter_cdoms(const unsigned long *adm, const unsigned long *host_adm,
			unsigned long *shadow_adm);

/*
 * Whether a queue counts as another mdev's on a destination: another mdev's
 * assignment holds it, whatever its binding (the destination kernel reports
 * the owner of an unbound queue too, which the administrator must free).
 * @bound does not matter; it stays for the callers' sake.
 */
bool apmig_queue_in_use(bool bound, bool held_by_other_mdev);

/* Whether an mdev of @host other than @except assigns the queue @apqn. */
bool apmig_host_held_by_other(const struct apmig_host *host,
			      const struct apmig_mdev *except, uint16_t apqn);

/*
 * TAPQ's answer for a queue, as its sysfs shows it: deconfigured when the
 * queue's or its card's 'config' is 0, check-stopped when 'chkstop' is 1.
 */
bool apmig_host_queue_deconfigured(const struct apmig_host *host,
				   const struct apmig_queue *q);
bool apmig_host_queue_checkstopped(const struct apmig_host *host,
				   const struct apmig_queue *q);

/*
 * The guest's APCB of @mdev, as vfio_ap keeps it whether or not a guest runs
 * (what the kernel's read_config snapshots): @apm and @aqm from
 * mdev->guest_apm/guest_aqm, @adm by apmig_filter_cdoms() on this host.
 */
void apmig_host_shadow_apcb(const struct apmig_host *host,
			    const struct apmig_mdev *mdev, unsigned long *apm,
			    unsigned long *aqm, unsigned long *adm);

/*
 * The configuration the guest of @mdev has (apmig_host_shadow_apcb()), each
 * queue's GR2 rebuilt from sysfs and masked. -ENODEV names a queue of the
 * guest matrix that the host does not have.
 */
int apmig_host_guest_config(const struct apmig_host *host,
			    const struct apmig_mdev *mdev,
			    struct vfio_ap_mig_config *cfg, struct apmig_error *err);

/*
 * The rules' view of @host as destination of the mdev named @dest_uuid: the
 * guest configuration that mdev gives on this host (its shadow APCB) and
 * each queue as TAPQ and vfio_ap see it. An mdev the host does not have
 * (or NULL) gives nothing: every assignment then counts as another mdev's.
 * @tgt->ctx points into @host; valid while @host lives.
 */
void apmig_host_target(struct apmig_host *host, const char *dest_uuid,
		       struct vfio_ap_mig_target *tgt);

#endif /* APMIG_HOST_H */
