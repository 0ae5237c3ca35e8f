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
};

struct apmig_mdev {
	char uuid[APMIG_UUID_LEN + 1];
	/* Assigned matrix (matrix / ap_config): what the mdev holds. */
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);
	/* Guest matrix (guest_matrix): what a running guest has now. */
	DECLARE_BITMAP(guest_apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(guest_aqm, VFIO_AP_MIG_IDS);
	bool has_guest;			/* a guest uses it (status "in use") */
};

struct apmig_host {
	char root[4096];
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);	/* ap_adapter_mask */
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);	/* ap_usage_domain_mask */
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);	/* ap_control_domain_mask */
	DECLARE_BITMAP(apmask, VFIO_AP_MIG_IDS);	/* reserved for host drivers */
	DECLARE_BITMAP(aqmask, VFIO_AP_MIG_IDS);
	int max_adapter_id, max_domain_id;	/* -1 when absent */
	bool vfio_ap;				/* the matrix device exists */
	bool migratable;			/* 'migratable' in matrix features */
	struct apmig_card cards[VFIO_AP_MIG_IDS];
	struct apmig_queue *queues[VFIO_AP_MIG_MAX_QUEUES]; /* by APQN, NULL: none */
	struct apmig_mdev *mdevs;		/* malloc'ed, may be realloc'ed */
	size_t nr_mdevs;
	/* Destination mdev index of the last apmig_host_target(), -1: none. */
	int target_mdev;
};

/* Load the host under @root (NULL: apmig_sysfs_root(NULL)). 0 or -errno. */
int apmig_host_load(struct apmig_host **host, const char *root,
		    struct apmig_error *err);
void apmig_host_free(struct apmig_host *host);

const struct apmig_queue *apmig_host_queue(const struct apmig_host *host,
					   uint16_t apqn);
/* The mdev with @uuid, or NULL. */
struct apmig_mdev *apmig_host_mdev(struct apmig_host *host, const char *uuid);

/* GR2 rebuilt from sysfs: functions << 32 | raw_hwtype << 24 (other bits 0). */
uint64_t apmig_host_queue_gr2(const struct apmig_host *host,
			      const struct apmig_queue *q);

/*
 * The configuration the guest of @mdev has (guest matrix when it runs, the
 * assigned matrix otherwise), each queue's GR2 rebuilt from sysfs and masked.
 */
int apmig_host_guest_config(const struct apmig_host *host,
			    const struct apmig_mdev *mdev,
			    struct vfio_ap_mig_config *cfg, struct apmig_error *err);

/*
 * The rules' view of @host as destination of the mdev named @dest_uuid (may
 * be absent on the host: then every assignment counts as another mdev's).
 * @tgt->ctx points into @host; valid while @host lives.
 */
void apmig_host_target(struct apmig_host *host, const char *dest_uuid,
		       struct vfio_ap_mig_target *tgt);

#endif /* APMIG_HOST_H */
