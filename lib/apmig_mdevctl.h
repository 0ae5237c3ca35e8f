/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdevctl definitions of vfio_ap mediated devices, as mdevctl keeps them in
 * /etc/mdevctl.d/matrix/<uuid>: the APQNs and control domains a destination
 * mdev will hold once mdevctl has started it.
 */
#ifndef APMIG_MDEVCTL_H
#define APMIG_MDEVCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "vfio_ap_mig_stream.h"

#include "apmig_host.h"

#define APMIG_MDEVCTL_TYPE	"vfio_ap-passthrough"

/**
 * struct apmig_mdevctl_def - one mdevctl definition of a matrix mdev
 * @uuid: the file name when it is a UUID (mdevctl names files so), else ""
 * @start: "auto" or "manual"
 * @apm: adapters after every assign_ and unassign_ attribute, in file order
 * @aqm: usage domains, likewise
 * @adm: control domains, likewise
 * @max_adapter: the highest adapter id the attributes name, -1 if none
 * @max_domain: the highest usage or control domain id they name, -1 if none
 */
struct apmig_mdevctl_def {
	char uuid[APMIG_UUID_LEN + 1];
	char start[8];
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);
	int max_adapter;
	int max_domain;
};

/* True if @s is a UUID in the canonical 8-4-4-4-12 lower/upper hex form. */
bool apmig_is_uuid(const char *s);

/*
 * Parse the JSON text @text (@len bytes, need not be NUL-terminated) of a
 * definition; @name names it in error messages. Attribute values are parsed
 * as the vfio_ap driver parses what is written to them (kstrtoul, base 0).
 * Returns 0 or -EINVAL with @err naming the member and value at fault.
 */
int apmig_mdevctl_parse(const char *text, size_t len, const char *name,
			struct apmig_mdevctl_def *def, struct apmig_error *err);

/* Read and parse the definition file @path. 0, -errno from the file, or -EINVAL. */
int apmig_mdevctl_load(const char *path, struct apmig_mdevctl_def *def,
		       struct apmig_error *err);

/*
 * Make @host look as it will once mdevctl has started @def as mdev @uuid:
 * that mdev (added when the host does not have it) holds @def's matrix, its
 * guest what vfio_ap's filter gives of it, and the queues it names point at
 * it. An id beyond the host's
 * ap_max_adapter_id / ap_max_domain_id is refused as the driver refuses it
 * (-ENODEV). Returns 0 or -errno with @err set.
 */
int apmig_mdevctl_apply(struct apmig_host *host, const char *uuid,
			const struct apmig_mdevctl_def *def,
			struct apmig_error *err);

#endif /* APMIG_MDEVCTL_H */
