/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_ap migration compatibility rules: can a target host give a guest the
 * source's AP configuration? Pure C, also compiled in userspace;
 * every problem is reported, none stops the check.
 */
#ifndef _VFIO_AP_MIG_RULES_H_
#define _VFIO_AP_MIG_RULES_H_

#include <linux/types.h>

#include "vfio_ap_mig_stream.h"

/* Stable characteristic codes, also used by userspace tools: never renumber. */
enum vfio_ap_mig_char {
	VFIO_AP_MIG_CHAR_EXISTS = 1,	/* APQN exists on the target host */
	VFIO_AP_MIG_CHAR_BINDING,	/* bound to vfio_ap on the target */
	VFIO_AP_MIG_CHAR_OWNER,		/* not assigned to another mdev */
	VFIO_AP_MIG_CHAR_MODE,		/* CCA / accelerator / EP11 */
	VFIO_AP_MIG_CHAR_APSC,
	VFIO_AP_MIG_CHAR_AP4KM,
	VFIO_AP_MIG_CHAR_AP4KC,
	VFIO_AP_MIG_CHAR_APXA,
	VFIO_AP_MIG_CHAR_SLCF,
	VFIO_AP_MIG_CHAR_AP_TYPE,	/* target >= source */
	VFIO_AP_MIG_CHAR_CLASS,		/* full native needs full native */
	VFIO_AP_MIG_CHAR_BS_SOURCE,	/* SE bind state on the source is 0 */
	VFIO_AP_MIG_CHAR_BS_TARGET,	/* SE bind state on the target is 0 */
	VFIO_AP_MIG_CHAR_CONTROL_DOMAIN, /* given by the target mdev */
	VFIO_AP_MIG_CHAR_CONFIGURED,	/* adapter and domain in the target's
					 * AP configuration (QCI)
					 */
	VFIO_AP_MIG_CHAR_CHECKSTOPPED,	/* target queue not check-stopped */
	VFIO_AP_MIG_CHAR_ML,		/* message length: target >= source */
	VFIO_AP_MIG_CHAR_MDEV_QUEUE,	/* given by the target mdev */
	VFIO_AP_MIG_CHAR_EXTRA_QUEUE,	/* target mdev gives no other queue */
	VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN, /* nor other control domain */
	VFIO_AP_MIG_CHAR_COUNT
};

/**
 * struct vfio_ap_mig_problem - one difference between source and target
 * @what: the characteristic
 * @id: the APQN, or the control domain for the control domain codes
 * @source: the source's value of the characteristic
 * @target: the target's value of the characteristic
 * @change: not a reason to refuse but a change the guest sees (a newer AP
 *	    type, a class that gained full native function): the guest's AP
 *	    bus re-creates such a card on its next scan
 */
struct vfio_ap_mig_problem {
	enum vfio_ap_mig_char what;
	u16 id;
	u64 source;
	u64 target;
	bool change;
};

/**
 * struct vfio_ap_mig_target_queue - what the target host says of one APQN
 * @exists: the queue exists (TAPQ does not answer Q_NOT_AVAIL)
 * @bound: bound to the vfio_ap driver
 * @in_use: assigned to an mdev other than the destination one
 * @unconfigured: its adapter or domain is not in the host's AP configuration
 *		  (deconfigured): vfio_ap would filter it out of the guest
 * @checkstopped: TAPQ answers that the queue is check-stopped
 * @gr2: TAPQ GR2 (any bits; the rules mask it); valid if @exists
 */
struct vfio_ap_mig_target_queue {
	bool exists;
	bool bound;
	bool in_use;
	bool unconfigured;
	bool checkstopped;
	u64 gr2;
};

/**
 * struct vfio_ap_mig_target - the target host as the rules see it
 * @lookup: describe @apqn; returns 0 or -errno (aborts the check)
 * @ctx: passed to @lookup
 * @apm: adapters of the guest configuration the target mdev gives on this
 *	 host (its APCB: the assignment after vfio_ap's filtering)
 * @aqm: usage domains of that configuration
 * @adm: control domains of that configuration
 */
struct vfio_ap_mig_target {
	int (*lookup)(void *ctx, u16 apqn, struct vfio_ap_mig_target_queue *tq);
	void *ctx;
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);
};

typedef void (*vfio_ap_mig_report_t)(void *ctx,
				     const struct vfio_ap_mig_problem *p);

/*
 * Check @src against @tgt: the target mdev's guest configuration must equal
 * @src's and every queue must be compatible. Calls @report once per problem
 * and once per guest-visible change (may be NULL). Linear in the number of
 * queues. Returns the number of problems (0: compatible; changes do not
 * count) or -errno from lookup.
 */
int vfio_ap_mig_check(const struct vfio_ap_mig_config *src,
		      const struct vfio_ap_mig_target *tgt,
		      vfio_ap_mig_report_t report, void *report_ctx);

/* Short stable name of a characteristic, e.g. "AP type"; "?" if unknown. */
const char *vfio_ap_mig_char_name(enum vfio_ap_mig_char what);

/* A buffer this long holds any line vfio_ap_mig_format_problem() makes. */
#define VFIO_AP_MIG_PROBLEM_LEN		176

/*
 * One line for logs and the CLI, without newline, e.g.
 * "queue 03.0004: AP type: source CEX7 (13), target CEX6 (12) is older".
 * Returns what snprintf() returns.
 */
int vfio_ap_mig_format_problem(const struct vfio_ap_mig_problem *p,
			       char *buf, size_t len);

/*
 * Is @apqn in a host's AP configuration: adapter in @apm and domain in @aqm
 * (bit numbering as test_bit_inv())? Lookups set @unconfigured from it.
 */
static inline bool vfio_ap_mig_apqn_configured(const unsigned long *apm,
					       const unsigned long *aqm, u16 apqn)
{
	return test_bit_inv(VFIO_AP_MIG_APID(apqn), apm) &&
	       test_bit_inv(VFIO_AP_MIG_APQI(apqn), aqm);
}

/* Field accessors on a (masked or raw) GR2. */
static inline unsigned int vfio_ap_mig_gr2_ml(u64 gr2)
{
	return (gr2 & VFIO_AP_MIG_GR2_ML) >> VFIO_AP_MIG_GR2_ML_SHIFT;
}

static inline unsigned int vfio_ap_mig_gr2_type(u64 gr2)
{
	return (gr2 & VFIO_AP_MIG_GR2_AT) >> VFIO_AP_MIG_GR2_AT_SHIFT;
}

static inline unsigned int vfio_ap_mig_gr2_class(u64 gr2)
{
	return (gr2 & VFIO_AP_MIG_GR2_CLASS) >> VFIO_AP_MIG_GR2_CLASS_SHIFT;
}

static inline unsigned int vfio_ap_mig_gr2_bs(u64 gr2)
{
	return (gr2 & VFIO_AP_MIG_GR2_BS) >> VFIO_AP_MIG_GR2_BS_SHIFT;
}

#endif /* _VFIO_AP_MIG_RULES_H_ */
