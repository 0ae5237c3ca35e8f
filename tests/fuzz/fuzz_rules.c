// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the compatibility rules on pairs of decoded
 * configurations. Input: byte 0 policy, bytes 1-2 split point (big-endian,
 * modulo the rest), then two streams (CRCs repaired): the source guest and
 * the target host's queues. Checks that every problem reported names a
 * source queue or control domain and formats, that the count returned is
 * the number reported, and that a host identical to the source only ever
 * objects to the SE bind state.
 */
#include "fuzz_common.h"
#include "vfio_ap_mig_rules.h"

/* Policy bits: which target queues are unbound, in use, or report host bits. */
#define FUZZ_UNBOUND_ODD_APID	0x01
#define FUZZ_IN_USE_ODD_APQI	0x02
#define FUZZ_HOST_BITS		0x04
#define FUZZ_LOOKUP_FAILS	0x08

struct fuzz_target {
	const struct vfio_ap_mig_config *cfg;
	uint8_t policy;
};

struct fuzz_report {
	const struct vfio_ap_mig_config *src;
	const struct vfio_ap_mig_target *tgt;
	bool identical;
	int calls;
	int changes;		/* of @calls: guest-visible changes */
};

static const struct vfio_ap_mig_queue *fuzz_find(const struct vfio_ap_mig_config *cfg,
						 u16 apqn)
{
	u32 lo = 0, hi = cfg->nr_queues, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cfg->queues[mid].apqn == apqn)
			return &cfg->queues[mid];
		if (cfg->queues[mid].apqn < apqn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int fuzz_lookup(void *ctx, u16 apqn, struct vfio_ap_mig_target_queue *tq)
{
	const struct fuzz_target *t = ctx;
	const struct vfio_ap_mig_queue *q = fuzz_find(t->cfg, apqn);

	if ((t->policy & FUZZ_LOOKUP_FAILS) && apqn == 0x0101)
		return -EIO;
	memset(tq, 0, sizeof(*tq));
	tq->exists = q;
	tq->bound = q && !((t->policy & FUZZ_UNBOUND_ODD_APID) &&
			   (VFIO_AP_MIG_APID(apqn) & 1));
	tq->in_use = (t->policy & FUZZ_IN_USE_ODD_APQI) &&
		     (VFIO_AP_MIG_APQI(apqn) & 1);
	if (q)
		tq->gr2 = q->gr2 | (t->policy & FUZZ_HOST_BITS ? 0xff00ff : 0);
	return 0;
}

static void fuzz_report(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct fuzz_report *r = ctx;
	char line[256];
	int n;

	r->calls++;
	r->changes += p->change;
	FUZZ_CHECK(p->what >= VFIO_AP_MIG_CHAR_EXISTS &&
		   p->what < VFIO_AP_MIG_CHAR_COUNT);
	FUZZ_CHECK(strcmp(vfio_ap_mig_char_name(p->what), "?"));
	n = vfio_ap_mig_format_problem(p, line, sizeof(line));
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(line));
	if (p->what == VFIO_AP_MIG_CHAR_CONTROL_DOMAIN) {
		FUZZ_CHECK(p->id < VFIO_AP_MIG_IDS);
		FUZZ_CHECK(test_bit_inv(p->id, r->src->adm));
		FUZZ_CHECK(!test_bit_inv(p->id, r->tgt->adm));
	} else if (p->what == VFIO_AP_MIG_CHAR_EXTRA_CONTROL_DOMAIN) {
		FUZZ_CHECK(p->id < VFIO_AP_MIG_IDS);
		FUZZ_CHECK(!test_bit_inv(p->id, r->src->adm));
		FUZZ_CHECK(test_bit_inv(p->id, r->tgt->adm));
	} else if (p->what == VFIO_AP_MIG_CHAR_EXTRA_QUEUE) {
		FUZZ_CHECK(!fuzz_find(r->src, p->id));
		FUZZ_CHECK(test_bit_inv(VFIO_AP_MIG_APID(p->id), r->tgt->apm) &&
			   test_bit_inv(VFIO_AP_MIG_APQI(p->id), r->tgt->aqm));
	} else {
		FUZZ_CHECK(fuzz_find(r->src, p->id));
	}
	if (r->identical)
		FUZZ_CHECK(p->what == VFIO_AP_MIG_CHAR_BS_SOURCE ||
			   p->what == VFIO_AP_MIG_CHAR_BS_TARGET);
}

static void fuzz_check(const struct vfio_ap_mig_config *src,
		       const struct vfio_ap_mig_config *host, uint8_t policy,
		       bool identical)
{
	struct fuzz_target t = { .cfg = host, .policy = policy };
	struct vfio_ap_mig_target tgt = { .lookup = fuzz_lookup, .ctx = &t };
	struct fuzz_report r = { .src = src, .tgt = &tgt, .identical = identical };
	int ret;

	/* the target mdev's guest configuration is the host side's */
	bitmap_copy(tgt.apm, host->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(tgt.aqm, host->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(tgt.adm, host->adm, VFIO_AP_MIG_IDS);
	ret = vfio_ap_mig_check(src, &tgt, fuzz_report, &r);
	if (ret < 0) {
		FUZZ_CHECK(ret == -EIO && (policy & FUZZ_LOOKUP_FAILS));
		return;
	}
	/* guest-visible changes are reported, not counted */
	FUZZ_CHECK(ret == r.calls - r.changes);
	/* Without a report callback the count is the same. */
	FUZZ_CHECK(vfio_ap_mig_check(src, &tgt, NULL, NULL) == ret);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct vfio_ap_mig_decoder a, b;
	size_t len, split;
	uint8_t *data;
	uint8_t policy;
	int ra, rb;

	if (size < 3)
		return 0;
	policy = in[0];
	len = size - 3;
	split = len ? get_unaligned_be16(in + 1) % (len + 1) : 0;
	data = malloc(len ? len : 1);
	FUZZ_CHECK(data);
	memcpy(data, in + 3, len);
	fuzz_repair_crcs(data, split);
	fuzz_repair_crcs(data + split, len - split);

	ra = fuzz_decode(&a, data, split, NULL, 0);
	rb = fuzz_decode(&b, data + split, len - split, NULL, 0);
	if (!ra && !rb)
		fuzz_check(vfio_ap_mig_decoder_config(&a),
			   vfio_ap_mig_decoder_config(&b), policy, false);
	/* A host with exactly the source's queues objects to bind states only. */
	if (!ra)
		fuzz_check(vfio_ap_mig_decoder_config(&a),
			   vfio_ap_mig_decoder_config(&a),
			   policy & FUZZ_HOST_BITS, true);
	if (!rb)
		fuzz_check(vfio_ap_mig_decoder_config(&b),
			   vfio_ap_mig_decoder_config(&b),
			   policy & FUZZ_HOST_BITS, true);
	vfio_ap_mig_decoder_release(&a);
	vfio_ap_mig_decoder_release(&b);
	free(data);
	return 0;
}
