// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap migration compatibility rules: compare the source guest's AP
 * configuration with what a target host offers and report every problem.
 * Pure C, also compiled in userspace by the project's tools.
 */

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string_choices.h>
#include <linux/types.h>

#include <kunit/visibility.h>

#include "vfio_ap_mig_rules.h"

#define VFIO_AP_MIG_GR2_MODE_SHIFT	58
#define VFIO_AP_MIG_GR2_MODE		(VFIO_AP_MIG_GR2_CCA | \
					 VFIO_AP_MIG_GR2_ACCEL | \
					 VFIO_AP_MIG_GR2_EP11)
/* Bits of the 3-bit mode value (GR2 bits 3-5 shifted down) */
#define VFIO_AP_MIG_MODE_CCA		4
#define VFIO_AP_MIG_MODE_ACCEL		2
#define VFIO_AP_MIG_MODE_EP11		1

/* ml values up to this one mean the default 12 KiB message length */
#define VFIO_AP_MIG_ML_DEFAULT		3U

#define VFIO_AP_MIG_TYPE_CEX4		10
#define VFIO_AP_MIG_TYPE_CEX8		14

static const char * const vfio_ap_mig_char_names[] = {
	[VFIO_AP_MIG_CHAR_EXISTS]		= "presence",
	[VFIO_AP_MIG_CHAR_BINDING]		= "binding",
	[VFIO_AP_MIG_CHAR_OWNER]		= "owner",
	[VFIO_AP_MIG_CHAR_MODE]			= "mode",
	[VFIO_AP_MIG_CHAR_APSC]			= "APSC",
	[VFIO_AP_MIG_CHAR_AP4KM]		= "AP4KM",
	[VFIO_AP_MIG_CHAR_AP4KC]		= "AP4KC",
	[VFIO_AP_MIG_CHAR_APXA]			= "APXA",
	[VFIO_AP_MIG_CHAR_SLCF]			= "SLCF",
	[VFIO_AP_MIG_CHAR_AP_TYPE]		= "AP type",
	[VFIO_AP_MIG_CHAR_CLASS]		= "class",
	[VFIO_AP_MIG_CHAR_BS_SOURCE]		= "SE bind state on source",
	[VFIO_AP_MIG_CHAR_BS_TARGET]		= "SE bind state on target",
	[VFIO_AP_MIG_CHAR_CONTROL_DOMAIN]	= "control domain",
	[VFIO_AP_MIG_CHAR_CONFIGURED]		= "configuration",
	[VFIO_AP_MIG_CHAR_CHECKSTOPPED]		= "check-stop",
	[VFIO_AP_MIG_CHAR_ML]			= "message length",
	[VFIO_AP_MIG_CHAR_MDEV_QUEUE]		= "target mdev",
	[VFIO_AP_MIG_CHAR_EXTRA_QUEUE]		= "extra queue",
	[VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN]	= "extra control domain",
};

/* The facilities that must be equal on both sides, in GR2 bit order. */
static const struct {
	enum vfio_ap_mig_char what;
	u64 bit;
} vfio_ap_mig_facilities[] = {
	{ VFIO_AP_MIG_CHAR_APSC,  VFIO_AP_MIG_GR2_APSC },
	{ VFIO_AP_MIG_CHAR_AP4KM, VFIO_AP_MIG_GR2_AP4KM },
	{ VFIO_AP_MIG_CHAR_AP4KC, VFIO_AP_MIG_GR2_AP4KC },
	{ VFIO_AP_MIG_CHAR_APXA,  VFIO_AP_MIG_GR2_APXA },
	{ VFIO_AP_MIG_CHAR_SLCF,  VFIO_AP_MIG_GR2_SLCF },
};

static const char * const vfio_ap_mig_bs_names[] = {
	"usable",
	"usable without secure key",
	"available for binding",
	"unusable",
};

static bool vfio_ap_mig_char_valid(enum vfio_ap_mig_char what)
{
	return what >= VFIO_AP_MIG_CHAR_EXISTS &&
	       what < VFIO_AP_MIG_CHAR_COUNT;
}

/**
 * vfio_ap_mig_char_name() - human name of a characteristic
 * @what: the characteristic
 *
 * Return: a short stable name such as "AP type", or "?" if @what is unknown.
 */
const char *vfio_ap_mig_char_name(enum vfio_ap_mig_char what)
{
	if (!vfio_ap_mig_char_valid(what))
		return "?";
	return vfio_ap_mig_char_names[what];
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_char_name);

static unsigned int vfio_ap_mig_gr2_mode(u64 gr2)
{
	return (gr2 & VFIO_AP_MIG_GR2_MODE) >> VFIO_AP_MIG_GR2_MODE_SHIFT;
}

/* Does a queue of class @target serve a guest that had class @source? */
static bool vfio_ap_mig_class_serves(unsigned int source, unsigned int target)
{
	const unsigned int either = VFIO_AP_MIG_CLASS_FULL_NATIVE |
				    VFIO_AP_MIG_CLASS_STATELESS;

	if (source & VFIO_AP_MIG_CLASS_FULL_NATIVE)
		return target & VFIO_AP_MIG_CLASS_FULL_NATIVE;
	if (source & VFIO_AP_MIG_CLASS_STATELESS)
		return target & either;
	return true;
}

/* Tell @report about one difference; returns 1 for a problem, 0 for a change. */
static int vfio_ap_mig_tell(vfio_ap_mig_report_t report, void *ctx,
			    enum vfio_ap_mig_char what, u16 id,
			    u64 source, u64 target, bool change)
{
	struct vfio_ap_mig_problem p = {
		.what = what,
		.id = id,
		.source = source,
		.target = target,
		.change = change,
	};

	if (report)
		report(ctx, &p);
	return !change;
}

/* Tell @report about one problem; returns 1 so callers can count. */
static int vfio_ap_mig_report(vfio_ap_mig_report_t report, void *ctx,
			      enum vfio_ap_mig_char what, u16 id,
			      u64 source, u64 target)
{
	return vfio_ap_mig_tell(report, ctx, what, id, source, target, false);
}

/* Compare the hardware characteristics of one queue; returns the problems. */
static int vfio_ap_mig_check_gr2(u16 apqn, u64 src_gr2, u64 tgt_gr2,
				 vfio_ap_mig_report_t report, void *ctx)
{
	u64 s = src_gr2 & VFIO_AP_MIG_GR2_MASK;
	u64 t = tgt_gr2 & VFIO_AP_MIG_GR2_MASK;
	unsigned int sv, tv;
	int problems = 0;
	size_t i;

	/* Equal characteristics differ in nothing; a bind state still counts. */
	if (s == t && !vfio_ap_mig_gr2_bs(s))
		return 0;

	sv = vfio_ap_mig_gr2_mode(s);
	tv = vfio_ap_mig_gr2_mode(t);
	if (sv != tv)
		problems += vfio_ap_mig_report(report, ctx,
					       VFIO_AP_MIG_CHAR_MODE, apqn,
					       sv, tv);

	for (i = 0; i < ARRAY_SIZE(vfio_ap_mig_facilities); i++) {
		u64 bit = vfio_ap_mig_facilities[i].bit;

		if ((s & bit) != (t & bit))
			problems += vfio_ap_mig_report(report, ctx,
						       vfio_ap_mig_facilities[i].what,
						       apqn, !!(s & bit),
						       !!(t & bit));
	}

	/* A newer type serves the guest, which re-probes the card. */
	sv = vfio_ap_mig_gr2_type(s);
	tv = vfio_ap_mig_gr2_type(t);
	if (tv != sv)
		problems += vfio_ap_mig_tell(report, ctx,
					     VFIO_AP_MIG_CHAR_AP_TYPE, apqn,
					     sv, tv, tv > sv);

	/*
	 * Full native function must stay; stateless-only accepts either
	 * class, but not a target with neither.
	 */
	sv = vfio_ap_mig_gr2_class(s);
	tv = vfio_ap_mig_gr2_class(t);
	if (sv != tv)
		problems += vfio_ap_mig_tell(report, ctx,
					     VFIO_AP_MIG_CHAR_CLASS, apqn, sv, tv,
					     vfio_ap_mig_class_serves(sv, tv));

	/*
	 * The guest caches the maximum message length of its queues; ml
	 * counts 4 KiB chunks, and up to 3 all mean the 12 KiB default.
	 */
	sv = vfio_ap_mig_gr2_ml(s);
	tv = vfio_ap_mig_gr2_ml(t);
	if (max(tv, VFIO_AP_MIG_ML_DEFAULT) < max(sv, VFIO_AP_MIG_ML_DEFAULT))
		problems += vfio_ap_mig_report(report, ctx,
					       VFIO_AP_MIG_CHAR_ML, apqn,
					       sv, tv);

	sv = vfio_ap_mig_gr2_bs(s);
	tv = vfio_ap_mig_gr2_bs(t);
	if (sv)
		problems += vfio_ap_mig_report(report, ctx,
					       VFIO_AP_MIG_CHAR_BS_SOURCE, apqn,
					       sv, tv);
	if (tv)
		problems += vfio_ap_mig_report(report, ctx,
					       VFIO_AP_MIG_CHAR_BS_TARGET, apqn,
					       sv, tv);

	return problems;
}

/* Does @cfg give its guest the queue @apqn? */
static bool vfio_ap_mig_has_queue(const unsigned long *apm,
				  const unsigned long *aqm, u16 apqn)
{
	return test_bit_inv(VFIO_AP_MIG_APID(apqn), apm) &&
	       test_bit_inv(VFIO_AP_MIG_APQI(apqn), aqm);
}

/*
 * Check one queue of the source guest against the target's answer; returns
 * the problems. A queue that cannot serve at all (missing, deconfigured,
 * check-stopped) is one problem, not the many it would imply.
 */
static int vfio_ap_mig_check_queue(const struct vfio_ap_mig_queue *q,
				   const struct vfio_ap_mig_target_queue *tq,
				   const struct vfio_ap_mig_target *tgt,
				   vfio_ap_mig_report_t report, void *ctx)
{
	int problems = 0;

	if (!tq->exists)
		return vfio_ap_mig_report(report, ctx, VFIO_AP_MIG_CHAR_EXISTS,
					  q->apqn, 1, 0);
	/* vfio_ap keeps a deconfigured adapter or domain out of the guest. */
	if (tq->unconfigured)
		return vfio_ap_mig_report(report, ctx, VFIO_AP_MIG_CHAR_CONFIGURED,
					  q->apqn, 1, 0);
	if (tq->checkstopped)
		return vfio_ap_mig_report(report, ctx,
					  VFIO_AP_MIG_CHAR_CHECKSTOPPED,
					  q->apqn, 0, 1);

	if (tq->in_use)
		problems += vfio_ap_mig_report(report, ctx,
					       VFIO_AP_MIG_CHAR_OWNER,
					       q->apqn, 1, 0);
	if (!tq->bound)
		problems += vfio_ap_mig_report(report, ctx,
					       VFIO_AP_MIG_CHAR_BINDING,
					       q->apqn, 1, 0);
	/* Either reason above already says why the target mdev lacks it. */
	if (!problems && !vfio_ap_mig_has_queue(tgt->apm, tgt->aqm, q->apqn))
		problems += vfio_ap_mig_report(report, ctx,
					       VFIO_AP_MIG_CHAR_MDEV_QUEUE,
					       q->apqn, 1, 0);

	return problems + vfio_ap_mig_check_gr2(q->apqn, q->gr2, tq->gr2,
						report, ctx);
}

/* Report each queue the target mdev's guest has and the source's has not. */
static int vfio_ap_mig_check_extra_queues(const struct vfio_ap_mig_config *src,
					  const struct vfio_ap_mig_target *tgt,
					  vfio_ap_mig_report_t report, void *ctx)
{
	unsigned long apid, apqi;
	int problems = 0;

	if (bitmap_subset(tgt->apm, src->apm, VFIO_AP_MIG_IDS) &&
	    bitmap_subset(tgt->aqm, src->aqm, VFIO_AP_MIG_IDS))
		return 0;
	for_each_set_bit_inv(apid, tgt->apm, VFIO_AP_MIG_IDS) {
		for_each_set_bit_inv(apqi, tgt->aqm, VFIO_AP_MIG_IDS) {
			u16 apqn = VFIO_AP_MIG_APQN(apid, apqi);

			if (!vfio_ap_mig_has_queue(src->apm, src->aqm, apqn))
				problems += vfio_ap_mig_report(report, ctx,
							       VFIO_AP_MIG_CHAR_EXTRA_QUEUE,
							       apqn, 0, 1);
		}
	}
	return problems;
}

/* Compare the control domains of both guests, both ways. */
static int vfio_ap_mig_check_cdoms(const struct vfio_ap_mig_config *src,
				   const struct vfio_ap_mig_target *tgt,
				   vfio_ap_mig_report_t report, void *ctx)
{
	unsigned long dom;
	int problems = 0;

	for (dom = 0; dom < VFIO_AP_MIG_IDS; dom++) {
		bool s = test_bit_inv(dom, src->adm);
		bool t = test_bit_inv(dom, tgt->adm);

		if (s && !t)
			problems += vfio_ap_mig_report(report, ctx,
						       VFIO_AP_MIG_CHAR_CONTROL_DOMAIN,
						       dom, 1, 0);
		else if (t && !s)
			problems += vfio_ap_mig_report(report, ctx,
						       VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN,
						       dom, 0, 1);
	}
	return problems;
}

/**
 * vfio_ap_mig_check() - can the target mdev take the source guest?
 * @src: the source guest's AP configuration
 * @tgt: the target host and mdev as the rules see them
 * @report: called once per problem and once per guest-visible change, in
 *	    APQN order, then extra queues, then control domain order; may be
 *	    NULL
 * @report_ctx: passed to @report
 *
 * The guest configuration the target mdev gives must be the source
 * guest's: every queue and control domain missing there, and every extra
 * one, is a problem. Every queue of @src is looked up on the target and
 * compared. No problem stops the check: all of them are reported. Linear
 * in the number of queues.
 *
 * Return: the number of problems (0: compatible), -EINVAL for a malformed
 * @src or @tgt, or the -errno a lookup returned (the check stops there).
 */
int vfio_ap_mig_check(const struct vfio_ap_mig_config *src,
		      const struct vfio_ap_mig_target *tgt,
		      vfio_ap_mig_report_t report, void *report_ctx)
{
	int problems = 0;
	u32 i;
	int rc;

	if (!src || !tgt || !tgt->lookup ||
	    src->nr_queues > VFIO_AP_MIG_MAX_QUEUES ||
	    (src->nr_queues && !src->queues))
		return -EINVAL;

	for (i = 0; i < src->nr_queues; i++) {
		const struct vfio_ap_mig_queue *q = &src->queues[i];
		struct vfio_ap_mig_target_queue tq = { };

		rc = tgt->lookup(tgt->ctx, q->apqn, &tq);
		if (rc < 0)
			return rc;
		problems += vfio_ap_mig_check_queue(q, &tq, tgt, report,
						    report_ctx);
	}
	problems += vfio_ap_mig_check_extra_queues(src, tgt, report, report_ctx);
	problems += vfio_ap_mig_check_cdoms(src, tgt, report, report_ctx);

	return problems;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_check);

/* "CCA", "accelerator", "EP11", "none" or a "+"-joined combination. */
static void vfio_ap_mig_mode_str(u64 mode, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} modes[] = {
		{ VFIO_AP_MIG_MODE_CCA, "CCA" },
		{ VFIO_AP_MIG_MODE_ACCEL, "accelerator" },
		{ VFIO_AP_MIG_MODE_EP11, "EP11" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!(mode & modes[i].bit))
			continue;
		n += scnprintf(buf + n, len - n, "%s%s", n ? "+" : "",
			       modes[i].name);
	}
	if (!n)
		scnprintf(buf, len, "none");
}

/* "CEX7 (13)" for the known types, "type 15" otherwise. */
static void vfio_ap_mig_type_str(u64 type, char *buf, size_t len)
{
	if (type >= VFIO_AP_MIG_TYPE_CEX4 && type <= VFIO_AP_MIG_TYPE_CEX8)
		scnprintf(buf, len, "CEX%llu (%llu)",
			  type - VFIO_AP_MIG_TYPE_CEX4 + 4, type);
	else
		scnprintf(buf, len, "type %llu", type);
}

/* "full native (0x80)", "stateless only (0x40)" or "0x00". */
static void vfio_ap_mig_class_str(u64 class, char *buf, size_t len)
{
	if (class & VFIO_AP_MIG_CLASS_FULL_NATIVE)
		scnprintf(buf, len, "full native (0x%02llx)", class);
	else if (class & VFIO_AP_MIG_CLASS_STATELESS)
		scnprintf(buf, len, "stateless only (0x%02llx)", class);
	else
		scnprintf(buf, len, "0x%02llx", class);
}

static const char *vfio_ap_mig_bs_str(u64 bs)
{
	return bs < ARRAY_SIZE(vfio_ap_mig_bs_names) ?
	       vfio_ap_mig_bs_names[bs] : "invalid";
}

/**
 * vfio_ap_mig_format_problem() - describe a problem in one line
 * @p: the problem
 * @buf: where to write the line (no newline); may be NULL if @len is 0
 * @len: size of @buf
 *
 * The line names the APQN ("aa.dddd") or control domain, the
 * characteristic and both values, e.g.
 * "queue 03.0004: AP type: source CEX7 (13), target CEX6 (12) is older".
 *
 * Return: what snprintf() returns: the length of the whole line, which may
 * exceed @len - 1 if @buf was too small.
 */
int vfio_ap_mig_format_problem(const struct vfio_ap_mig_problem *p,
			       char *buf, size_t len)
{
	unsigned int apid = VFIO_AP_MIG_APID(p->id);
	unsigned int apqi = VFIO_AP_MIG_APQI(p->id);
	const char *name = vfio_ap_mig_char_name(p->what);
	char s[40], t[40];

	switch (p->what) {
	case VFIO_AP_MIG_CHAR_EXISTS:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: in the source guest, does not exist on target",
				apid, apqi, name);
	case VFIO_AP_MIG_CHAR_BINDING:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: bound to vfio_ap on source, not on target",
				apid, apqi, name);
	case VFIO_AP_MIG_CHAR_OWNER:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: assigned to another mediated device on target",
				apid, apqi, name);
	case VFIO_AP_MIG_CHAR_MODE:
		vfio_ap_mig_mode_str(p->source, s, sizeof(s));
		vfio_ap_mig_mode_str(p->target, t, sizeof(t));
		return snprintf(buf, len, "queue %02x.%04x: %s: source %s, target %s",
				apid, apqi, name, s, t);
	case VFIO_AP_MIG_CHAR_APSC:
	case VFIO_AP_MIG_CHAR_AP4KM:
	case VFIO_AP_MIG_CHAR_AP4KC:
	case VFIO_AP_MIG_CHAR_APXA:
	case VFIO_AP_MIG_CHAR_SLCF:
		return snprintf(buf, len, "queue %02x.%04x: %s: source %s, target %s",
				apid, apqi, name, str_yes_no(p->source),
				str_yes_no(p->target));
	case VFIO_AP_MIG_CHAR_AP_TYPE:
		vfio_ap_mig_type_str(p->source, s, sizeof(s));
		vfio_ap_mig_type_str(p->target, t, sizeof(t));
		return snprintf(buf, len,
				"queue %02x.%04x: %s: source %s, target %s is %s",
				apid, apqi, name, s, t,
				p->change ? "newer, the guest re-probes the card" :
					    "older");
	case VFIO_AP_MIG_CHAR_CLASS:
		vfio_ap_mig_class_str(p->source, s, sizeof(s));
		vfio_ap_mig_class_str(p->target, t, sizeof(t));
		return snprintf(buf, len,
				"queue %02x.%04x: %s: source %s, target %s %s",
				apid, apqi, name, s, t,
				p->change ? "differs, the guest re-probes the card" :
				p->source & VFIO_AP_MIG_CLASS_FULL_NATIVE ?
					    "lacks full native function" :
					    "has neither class");
	case VFIO_AP_MIG_CHAR_ML:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: source %llu, target %llu is smaller",
				apid, apqi, name, p->source, p->target);
	case VFIO_AP_MIG_CHAR_CHECKSTOPPED:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: check-stopped on target",
				apid, apqi, name);
	case VFIO_AP_MIG_CHAR_MDEV_QUEUE:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: in the source guest, not in the target mdev's guest",
				apid, apqi, name);
	case VFIO_AP_MIG_CHAR_EXTRA_QUEUE:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: in the target mdev's guest, not in the source guest",
				apid, apqi, name);
	case VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN:
		return snprintf(buf, len,
				"control domain 0x%04x: in the target mdev's guest, not in the source guest",
				p->id);
	case VFIO_AP_MIG_CHAR_BS_SOURCE:
	case VFIO_AP_MIG_CHAR_BS_TARGET:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: source %llu (%s), target %llu (%s), must be 0",
				apid, apqi, name,
				p->source, vfio_ap_mig_bs_str(p->source),
				p->target, vfio_ap_mig_bs_str(p->target));
	case VFIO_AP_MIG_CHAR_CONTROL_DOMAIN:
		return snprintf(buf, len,
				"control domain 0x%04x: in the source guest, not in the target mdev's guest",
				p->id);
	case VFIO_AP_MIG_CHAR_CONFIGURED:
		return snprintf(buf, len,
				"queue %02x.%04x: %s: adapter or domain not in the target's AP configuration",
				apid, apqi, name);
	default:
		return snprintf(buf, len,
				"id 0x%04x: unknown characteristic %d: source 0x%llx, target 0x%llx",
				p->id, (int)p->what, p->source, p->target);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_format_problem);
