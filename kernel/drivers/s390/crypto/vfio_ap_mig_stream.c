// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap migration stream codec: the encoder and the incremental decoder
 * of the records described in Documentation/arch/s390/vfio-ap-migration.rst.
 * Pure C, also compiled unchanged in userspace.
 */

#include <linux/bitmap.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "vfio_ap_mig_stream.h"

/* Record header field offsets */
#define VFIO_AP_MIG_H_MAGIC		0
#define VFIO_AP_MIG_H_MAJOR		4
#define VFIO_AP_MIG_H_MINOR		6
#define VFIO_AP_MIG_H_HDR_LEN		8
#define VFIO_AP_MIG_H_FLAGS		10
#define VFIO_AP_MIG_H_REC_LEN		12
#define VFIO_AP_MIG_H_SEQ		16
#define VFIO_AP_MIG_H_NR_SECTIONS	20
#define VFIO_AP_MIG_H_RESERVED		22

/* A newer minor version may lengthen the header up to this. */
#define VFIO_AP_MIG_MAX_HDR_LEN		256

/* Section header field offsets */
#define VFIO_AP_MIG_S_TYPE		0
#define VFIO_AP_MIG_S_RESERVED		2
#define VFIO_AP_MIG_S_LEN		4

/* MASKS section body: three 256-bit masks, id 0 = MSB of the first byte */
#define VFIO_AP_MIG_MASK_BYTES		(VFIO_AP_MIG_IDS / 8)
#define VFIO_AP_MIG_M_APM		0
#define VFIO_AP_MIG_M_AQM		(1 * VFIO_AP_MIG_MASK_BYTES)
#define VFIO_AP_MIG_M_ADM		(2 * VFIO_AP_MIG_MASK_BYTES)

/* QUEUES section body: count, reserved, then one entry per queue */
#define VFIO_AP_MIG_Q_COUNT		0
#define VFIO_AP_MIG_Q_RESERVED		4
#define VFIO_AP_MIG_E_APQN		0
#define VFIO_AP_MIG_E_RESERVED		2
#define VFIO_AP_MIG_E_GR2		4

/*
 * IRQ section body (since 1.1): nr_targets, reserved, count, the targets,
 * then one byte per queue of the QUEUES section: 0 off, n target n.
 */
#define VFIO_AP_MIG_I_NR_TARGETS	0
#define VFIO_AP_MIG_I_RESERVED		2
#define VFIO_AP_MIG_I_COUNT		4
#define VFIO_AP_MIG_T_NIB		0
#define VFIO_AP_MIG_T_ISC		8
#define VFIO_AP_MIG_T_RESERVED		9
#define VFIO_AP_MIG_T_RESERVED_LEN	7

/**
 * vfio_ap_mig_crc32c() - CRC-32C (Castagnoli) of a buffer
 * @buf: the bytes
 * @len: number of bytes
 *
 * Return: the standard CRC-32C (initial ~0, reflected, final xor ~0), the
 * value stored big-endian at the end of every record.
 */
u32 vfio_ap_mig_crc32c(const void *buf, size_t len)
{
	return crc32c(~0U, buf, len) ^ ~0U;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_crc32c);

/**
 * vfio_ap_mig_config_alloc() - initialise a configuration for @nr_queues queues
 * @cfg: the configuration; must not hold a queue array
 * @nr_queues: number of queue entries, at most VFIO_AP_MIG_MAX_QUEUES
 *
 * Zeroes the masks and allocates @cfg->queues zeroed.
 *
 * Return: 0, -E2BIG if @nr_queues is above the bound, -ENOMEM.
 */
int vfio_ap_mig_config_alloc(struct vfio_ap_mig_config *cfg, u32 nr_queues)
{
	memset(cfg, 0, sizeof(*cfg));
	if (nr_queues > VFIO_AP_MIG_MAX_QUEUES)
		return -E2BIG;
	if (nr_queues) {
		cfg->queues = kvcalloc(nr_queues, sizeof(*cfg->queues),
				       GFP_KERNEL_ACCOUNT);
		if (!cfg->queues)
			return -ENOMEM;
	}
	cfg->nr_queues = nr_queues;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_alloc);

/**
 * vfio_ap_mig_config_free() - free the queue array of a configuration
 * @cfg: the configuration; its masks are kept, it holds no queue afterwards
 */
void vfio_ap_mig_config_free(struct vfio_ap_mig_config *cfg)
{
	kvfree(cfg->queues);
	cfg->queues = NULL;
	cfg->nr_queues = 0;
	kfree(cfg->irq_targets);
	cfg->irq_targets = NULL;
	cfg->nr_irq_targets = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_free);

/**
 * vfio_ap_mig_config_fill_apqns() - list the queues of apm x aqm
 * @cfg: the configuration whose masks are set
 *
 * Resizes @cfg->queues to popcount(apm) * popcount(aqm) entries if needed
 * and fills them with the APQNs in ascending order, each with gr2 = 0 and
 * interruptions off.
 *
 * Return: 0 or -ENOMEM (@cfg is unchanged then).
 */
int vfio_ap_mig_config_fill_apqns(struct vfio_ap_mig_config *cfg)
{
	u32 n = bitmap_weight(cfg->apm, VFIO_AP_MIG_IDS) *
		bitmap_weight(cfg->aqm, VFIO_AP_MIG_IDS);
	struct vfio_ap_mig_queue *queues;
	unsigned long apid, apqi;
	u32 i = 0;

	if (n != cfg->nr_queues) {
		queues = NULL;
		if (n) {
			/* Every entry is written below: no need to zero it. */
			queues = kvmalloc_array(n, sizeof(*queues),
						GFP_KERNEL_ACCOUNT);
			if (!queues)
				return -ENOMEM;
		}
		kvfree(cfg->queues);
		cfg->queues = queues;
		cfg->nr_queues = n;
	}
	for_each_set_bit_inv(apid, cfg->apm, VFIO_AP_MIG_IDS) {
		for_each_set_bit_inv(apqi, cfg->aqm, VFIO_AP_MIG_IDS) {
			cfg->queues[i].apqn = VFIO_AP_MIG_APQN(apid, apqi);
			cfg->queues[i].irq = 0;
			cfg->queues[i].gr2 = 0;
			i++;
		}
	}
	kfree(cfg->irq_targets);
	cfg->irq_targets = NULL;
	cfg->nr_irq_targets = 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_fill_apqns);

/**
 * vfio_ap_mig_config_build() - a guest's configuration from its APCB
 * @cfg: configuration to fill (its previous content is not freed)
 * @apm: the guest's adapters
 * @aqm: the guest's usage domains
 * @adm: the guest's control domains
 * @tapq: gives the TAPQ GR2 of one APQN, or -errno
 * @ctx: passed to @tapq
 * @failed: set to the APQN whose @tapq failed
 *
 * One @tapq per queue of apm x aqm; each GR2 is masked with
 * VFIO_AP_MIG_GR2_MASK. On failure @cfg holds nothing.
 *
 * Return: 0, -ENOMEM or the error of @tapq.
 */
int vfio_ap_mig_config_build(struct vfio_ap_mig_config *cfg,
			     const unsigned long *apm, const unsigned long *aqm,
			     const unsigned long *adm,
			     int (*tapq)(void *ctx, u16 apqn, u64 *gr2),
			     void *ctx, u16 *failed)
{
	u32 i;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	bitmap_copy(cfg->apm, apm, VFIO_AP_MIG_IDS);
	bitmap_copy(cfg->aqm, aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(cfg->adm, adm, VFIO_AP_MIG_IDS);
	ret = vfio_ap_mig_config_fill_apqns(cfg);
	for (i = 0; !ret && i < cfg->nr_queues; i++) {
		ret = tapq(ctx, cfg->queues[i].apqn, &cfg->queues[i].gr2);
		if (ret) {
			*failed = cfg->queues[i].apqn;
			break;
		}
		cfg->queues[i].gr2 &= VFIO_AP_MIG_GR2_MASK;
	}
	if (ret)
		vfio_ap_mig_config_free(cfg);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_build);

/**
 * vfio_ap_mig_config_equal() - compare two configurations
 * @a: one configuration
 * @b: the other
 *
 * Return: true if the masks and every queue (APQN and GR2) are equal.
 */
bool vfio_ap_mig_config_equal(const struct vfio_ap_mig_config *a,
			      const struct vfio_ap_mig_config *b)
{
	u32 i;

	if (!bitmap_equal(a->apm, b->apm, VFIO_AP_MIG_IDS) ||
	    !bitmap_equal(a->aqm, b->aqm, VFIO_AP_MIG_IDS) ||
	    !bitmap_equal(a->adm, b->adm, VFIO_AP_MIG_IDS) ||
	    a->nr_queues != b->nr_queues)
		return false;
	for (i = 0; i < a->nr_queues; i++) {
		const struct vfio_ap_mig_queue *qa = &a->queues[i];
		const struct vfio_ap_mig_queue *qb = &b->queues[i];

		if (qa->apqn != qb->apqn || qa->gr2 != qb->gr2 ||
		    !qa->irq != !qb->irq)
			return false;
		if (qa->irq &&
		    (a->irq_targets[qa->irq - 1].nib != b->irq_targets[qb->irq - 1].nib ||
		     a->irq_targets[qa->irq - 1].isc != b->irq_targets[qb->irq - 1].isc))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_equal);

/**
 * vfio_ap_mig_irq_target_index() - find or add an interruption target
 * @targets: room for VFIO_AP_MIG_MAX_IRQ_TARGETS entries
 * @nr: entries of @targets in use; incremented when one is added
 * @isc: guest interruption subclass
 * @nib: guest address of the notification indicator byte, not 0
 *
 * A guest normally has one target for all its queues, so the last one is
 * tried first: linear in the queues then.
 *
 * Return: the 1-based index of the target, -EINVAL for an ISC above
 * VFIO_AP_MIG_MAX_ISC or a NIB of 0, -ENOSPC if @targets is full.
 */
int vfio_ap_mig_irq_target_index(struct vfio_ap_mig_irq_target *targets,
				 u16 *nr, u8 isc, u64 nib)
{
	int i;

	if (isc > VFIO_AP_MIG_MAX_ISC || !nib)
		return -EINVAL;
	for (i = *nr - 1; i >= 0; i--) {
		if (targets[i].nib == nib && targets[i].isc == isc)
			return i + 1;
	}
	if (*nr >= VFIO_AP_MIG_MAX_IRQ_TARGETS)
		return -ENOSPC;
	targets[*nr].nib = nib;
	targets[*nr].isc = isc;
	return ++*nr;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_irq_target_index);

/**
 * vfio_ap_mig_config_set_irq() - note a queue's interruption registration
 * @cfg: the configuration
 * @i: index of the queue in @cfg->queues
 * @isc: guest interruption subclass
 * @nib: guest address of the notification indicator byte
 *
 * Return: 0; -EINVAL for a bad @i, @isc or @nib; -ENOSPC if the queue
 * would need target number VFIO_AP_MIG_MAX_IRQ_TARGETS + 1 (it stays off);
 * -ENOMEM.
 */
int vfio_ap_mig_config_set_irq(struct vfio_ap_mig_config *cfg, u32 i,
			       u8 isc, u64 nib)
{
	int idx;

	if (i >= cfg->nr_queues)
		return -EINVAL;
	if (!cfg->irq_targets) {
		cfg->irq_targets = kcalloc(VFIO_AP_MIG_MAX_IRQ_TARGETS,
					   sizeof(*cfg->irq_targets),
					   GFP_KERNEL_ACCOUNT);
		if (!cfg->irq_targets)
			return -ENOMEM;
	}
	idx = vfio_ap_mig_irq_target_index(cfg->irq_targets,
					   &cfg->nr_irq_targets, isc, nib);
	if (idx < 0)
		return idx;
	cfg->queues[i].irq = idx;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_set_irq);

/**
 * vfio_ap_mig_config_record_size() - size of a configuration record
 * @nr_queues: number of queues of the configuration
 *
 * Return: the exact number of bytes vfio_ap_mig_encode_config() writes.
 */
size_t vfio_ap_mig_config_record_size(u32 nr_queues)
{
	return VFIO_AP_MIG_HDR_SIZE +
	       VFIO_AP_MIG_SECTION_HDR_SIZE + VFIO_AP_MIG_MASKS_SIZE +
	       VFIO_AP_MIG_SECTION_HDR_SIZE + VFIO_AP_MIG_QUEUES_HDR_SIZE +
	       (size_t)nr_queues * VFIO_AP_MIG_QUEUE_SIZE +
	       VFIO_AP_MIG_CRC_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_record_size);

/* Length of an IRQ section's body; the section is left out without targets. */
static size_t vfio_ap_mig_irq_body_size(u32 nr_queues, u16 nr_irq_targets)
{
	return VFIO_AP_MIG_IRQ_HDR_SIZE +
	       (size_t)nr_irq_targets * VFIO_AP_MIG_IRQ_TARGET_SIZE + nr_queues;
}

/**
 * vfio_ap_mig_config_record_size_irq() - size of a configuration record
 * @nr_queues: number of queues of the configuration
 * @nr_irq_targets: distinct interruption targets of its queues
 *
 * Return: the exact number of bytes vfio_ap_mig_encode_config() writes
 * for such a configuration.
 */
size_t vfio_ap_mig_config_record_size_irq(u32 nr_queues, u16 nr_irq_targets)
{
	size_t size = vfio_ap_mig_config_record_size(nr_queues);

	if (nr_irq_targets)
		size += VFIO_AP_MIG_SECTION_HDR_SIZE +
			vfio_ap_mig_irq_body_size(nr_queues, nr_irq_targets);
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_record_size_irq);

/**
 * vfio_ap_mig_config_size() - size of the configuration record of @cfg
 * @cfg: the configuration
 *
 * Return: the exact number of bytes vfio_ap_mig_encode_config() writes.
 */
size_t vfio_ap_mig_config_size(const struct vfio_ap_mig_config *cfg)
{
	return vfio_ap_mig_config_record_size_irq(cfg->nr_queues,
						  cfg->nr_irq_targets);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_config_size);

/* Write a 256-bit mask as 32 bytes, id 0 in the MSB of the first byte. */
static void vfio_ap_mig_put_mask(const unsigned long *mask, u8 *p)
{
	unsigned int id;

	memset(p, 0, VFIO_AP_MIG_MASK_BYTES);
	for (id = 0; id < VFIO_AP_MIG_IDS; id++) {
		if (test_bit_inv(id, mask))
			p[id / 8] |= 0x80 >> (id % 8);
	}
}

static void vfio_ap_mig_get_mask(const u8 *p, unsigned long *mask)
{
	unsigned int id;

	bitmap_zero(mask, VFIO_AP_MIG_IDS);
	for (id = 0; id < VFIO_AP_MIG_IDS; id++) {
		if (p[id / 8] & (0x80 >> (id % 8)))
			set_bit_inv(id, mask);
	}
}

static void vfio_ap_mig_put_header(u8 *p, u16 flags, u32 rec_len, u32 seq,
				   u16 nr_sections)
{
	put_unaligned_be32(VFIO_AP_MIG_MAGIC, p + VFIO_AP_MIG_H_MAGIC);
	put_unaligned_be16(VFIO_AP_MIG_MAJOR, p + VFIO_AP_MIG_H_MAJOR);
	put_unaligned_be16(VFIO_AP_MIG_MINOR, p + VFIO_AP_MIG_H_MINOR);
	put_unaligned_be16(VFIO_AP_MIG_HDR_SIZE, p + VFIO_AP_MIG_H_HDR_LEN);
	put_unaligned_be16(flags, p + VFIO_AP_MIG_H_FLAGS);
	put_unaligned_be32(rec_len, p + VFIO_AP_MIG_H_REC_LEN);
	put_unaligned_be32(seq, p + VFIO_AP_MIG_H_SEQ);
	put_unaligned_be16(nr_sections, p + VFIO_AP_MIG_H_NR_SECTIONS);
	put_unaligned_be16(0, p + VFIO_AP_MIG_H_RESERVED);
}

static u8 *vfio_ap_mig_put_section(u8 *p, u16 type, u32 len)
{
	put_unaligned_be16(type, p + VFIO_AP_MIG_S_TYPE);
	put_unaligned_be16(0, p + VFIO_AP_MIG_S_RESERVED);
	put_unaligned_be32(len, p + VFIO_AP_MIG_S_LEN);
	return p + VFIO_AP_MIG_SECTION_HDR_SIZE;
}

/* Store the CRC of everything before it in the last 4 bytes of a record. */
static void vfio_ap_mig_put_crc(u8 *rec, size_t rec_len)
{
	size_t body = rec_len - VFIO_AP_MIG_CRC_SIZE;

	put_unaligned_be32(vfio_ap_mig_crc32c(rec, body), rec + body);
}

/* Is @cfg one the decoder accepts (queues exactly apm x aqm, gr2 masked)? */
static bool vfio_ap_mig_config_valid(const struct vfio_ap_mig_config *cfg)
{
	const struct vfio_ap_mig_queue *q;
	u32 i;

	if (cfg->nr_queues != bitmap_weight(cfg->apm, VFIO_AP_MIG_IDS) *
			      bitmap_weight(cfg->aqm, VFIO_AP_MIG_IDS))
		return false;
	for (i = 0; i < cfg->nr_queues; i++) {
		q = &cfg->queues[i];
		if (i && q->apqn <= q[-1].apqn)
			return false;
		if (!test_bit_inv(VFIO_AP_MIG_APID(q->apqn), cfg->apm) ||
		    !test_bit_inv(VFIO_AP_MIG_APQI(q->apqn), cfg->aqm))
			return false;
		if (q->gr2 & ~VFIO_AP_MIG_GR2_MASK)
			return false;
		if (q->irq > cfg->nr_irq_targets)
			return false;
	}
	if (cfg->nr_irq_targets > VFIO_AP_MIG_MAX_IRQ_TARGETS)
		return false;
	for (i = 0; i < cfg->nr_irq_targets; i++) {
		if (cfg->irq_targets[i].isc > VFIO_AP_MIG_MAX_ISC ||
		    !cfg->irq_targets[i].nib)
			return false;
	}
	return true;
}

/* The IRQ section: the targets, then each queue's target number or 0. */
static void vfio_ap_mig_put_irq(const struct vfio_ap_mig_config *cfg, u8 *p)
{
	u32 i;

	p = vfio_ap_mig_put_section(p, VFIO_AP_MIG_SEC_IRQ,
				    vfio_ap_mig_irq_body_size(cfg->nr_queues,
							      cfg->nr_irq_targets));
	put_unaligned_be16(cfg->nr_irq_targets, p + VFIO_AP_MIG_I_NR_TARGETS);
	put_unaligned_be16(0, p + VFIO_AP_MIG_I_RESERVED);
	put_unaligned_be32(cfg->nr_queues, p + VFIO_AP_MIG_I_COUNT);
	p += VFIO_AP_MIG_IRQ_HDR_SIZE;
	for (i = 0; i < cfg->nr_irq_targets; i++) {
		put_unaligned_be64(cfg->irq_targets[i].nib, p + VFIO_AP_MIG_T_NIB);
		p[VFIO_AP_MIG_T_ISC] = cfg->irq_targets[i].isc;
		memset(p + VFIO_AP_MIG_T_RESERVED, 0, VFIO_AP_MIG_T_RESERVED_LEN);
		p += VFIO_AP_MIG_IRQ_TARGET_SIZE;
	}
	for (i = 0; i < cfg->nr_queues; i++)
		p[i] = cfg->queues[i].irq;
}

/**
 * vfio_ap_mig_encode_config() - encode a configuration record
 * @cfg: the configuration: queues exactly apm x aqm in ascending APQN
 *	 order, each gr2 already masked with VFIO_AP_MIG_GR2_MASK; an IRQ
 *	 section is written if it has interruption targets
 * @seq: the record's sequence number in its stream
 * @flags: 0 or VFIO_AP_MIG_REC_FINAL
 * @buf: where to write the record
 * @len: size of @buf, at least vfio_ap_mig_config_size()
 *
 * Every field is written on its own, big-endian.
 *
 * Return: the number of bytes written, -E2BIG if @cfg has more than
 * VFIO_AP_MIG_MAX_QUEUES queues, -EINVAL for other flags or a configuration
 * the decoder would refuse, -ENOSPC if @buf is too small.
 */
ssize_t vfio_ap_mig_encode_config(const struct vfio_ap_mig_config *cfg,
				  u32 seq, u16 flags, void *buf, size_t len)
{
	size_t size;
	u8 *p = buf;
	u32 i;

	if (flags & ~VFIO_AP_MIG_REC_FINAL)
		return -EINVAL;
	if (cfg->nr_queues > VFIO_AP_MIG_MAX_QUEUES)
		return -E2BIG;
	if (!vfio_ap_mig_config_valid(cfg))
		return -EINVAL;
	size = vfio_ap_mig_config_size(cfg);
	if (len < size)
		return -ENOSPC;

	vfio_ap_mig_put_header(p, flags, size, seq, cfg->nr_irq_targets ? 3 : 2);
	p += VFIO_AP_MIG_HDR_SIZE;

	p = vfio_ap_mig_put_section(p, VFIO_AP_MIG_SEC_MASKS,
				    VFIO_AP_MIG_MASKS_SIZE);
	vfio_ap_mig_put_mask(cfg->apm, p + VFIO_AP_MIG_M_APM);
	vfio_ap_mig_put_mask(cfg->aqm, p + VFIO_AP_MIG_M_AQM);
	vfio_ap_mig_put_mask(cfg->adm, p + VFIO_AP_MIG_M_ADM);
	p += VFIO_AP_MIG_MASKS_SIZE;

	p = vfio_ap_mig_put_section(p, VFIO_AP_MIG_SEC_QUEUES,
				    VFIO_AP_MIG_QUEUES_HDR_SIZE +
				    cfg->nr_queues * VFIO_AP_MIG_QUEUE_SIZE);
	put_unaligned_be32(cfg->nr_queues, p + VFIO_AP_MIG_Q_COUNT);
	put_unaligned_be32(0, p + VFIO_AP_MIG_Q_RESERVED);
	p += VFIO_AP_MIG_QUEUES_HDR_SIZE;
	for (i = 0; i < cfg->nr_queues; i++) {
		put_unaligned_be16(cfg->queues[i].apqn, p + VFIO_AP_MIG_E_APQN);
		put_unaligned_be16(0, p + VFIO_AP_MIG_E_RESERVED);
		put_unaligned_be64(cfg->queues[i].gr2, p + VFIO_AP_MIG_E_GR2);
		p += VFIO_AP_MIG_QUEUE_SIZE;
	}
	if (cfg->nr_irq_targets)
		vfio_ap_mig_put_irq(cfg, p);

	vfio_ap_mig_put_crc(buf, size);
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_encode_config);

/**
 * vfio_ap_mig_encode_unchanged() - encode an UNCHANGED | FINAL record
 * @seq: the record's sequence number (never 0: it follows a configuration)
 * @buf: where to write the record
 * @len: size of @buf, at least VFIO_AP_MIG_UNCHANGED_RECORD_SIZE
 *
 * Return: VFIO_AP_MIG_UNCHANGED_RECORD_SIZE, -EINVAL for @seq 0, -ENOSPC.
 */
ssize_t vfio_ap_mig_encode_unchanged(u32 seq, void *buf, size_t len)
{
	if (!seq)
		return -EINVAL;
	if (len < VFIO_AP_MIG_UNCHANGED_RECORD_SIZE)
		return -ENOSPC;
	vfio_ap_mig_put_header(buf, VFIO_AP_MIG_REC_UNCHANGED |
				    VFIO_AP_MIG_REC_FINAL,
			       VFIO_AP_MIG_UNCHANGED_RECORD_SIZE, seq, 0);
	vfio_ap_mig_put_crc(buf, VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	return VFIO_AP_MIG_UNCHANGED_RECORD_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_encode_unchanged);

/**
 * vfio_ap_mig_decoder_init() - start decoding a stream
 * @dec: the decoder
 */
void vfio_ap_mig_decoder_init(struct vfio_ap_mig_decoder *dec)
{
	memset(dec, 0, sizeof(*dec));
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_decoder_init);

/**
 * vfio_ap_mig_decoder_release() - free what the decoder holds
 * @dec: the decoder; it is ready for a new stream afterwards
 *
 * Frees the partial record and the decoded configuration.
 */
void vfio_ap_mig_decoder_release(struct vfio_ap_mig_decoder *dec)
{
	kvfree(dec->rec);
	vfio_ap_mig_config_free(&dec->cfg);
	vfio_ap_mig_decoder_init(dec);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_decoder_release);

/* Fail the decoder for good with @err and a message naming @offset. */
static __printf(4, 5) int vfio_ap_mig_dec_fail(struct vfio_ap_mig_decoder *dec,
					       int err, u64 offset,
					       const char *fmt, ...)
{
	va_list args;
	int n;

	n = snprintf(dec->msg, sizeof(dec->msg), "offset %llu: ", offset);
	va_start(args, fmt);
	vsnprintf(dec->msg + n, sizeof(dec->msg) - n, fmt, args);
	va_end(args);
	dec->error = err;
	return err;
}

/*
 * The 24 header bytes are in: check every field once, bound the record
 * length, then allocate the record buffer and start it with the header.
 */
static int vfio_ap_mig_dec_header(struct vfio_ap_mig_decoder *dec)
{
	const u8 *h = dec->hdr;
	u64 at = dec->rec_offset;
	u32 magic, rec_len, seq;
	u16 major, hdr_len, flags, nr_sections, reserved;

	magic = get_unaligned_be32(h + VFIO_AP_MIG_H_MAGIC);
	if (magic != VFIO_AP_MIG_MAGIC)
		return vfio_ap_mig_dec_fail(dec, -EPROTO, at,
					    "bad magic 0x%08x, expected 0x%08x",
					    magic, VFIO_AP_MIG_MAGIC);
	major = get_unaligned_be16(h + VFIO_AP_MIG_H_MAJOR);
	if (major != VFIO_AP_MIG_MAJOR)
		return vfio_ap_mig_dec_fail(dec, -EPROTONOSUPPORT,
					    at + VFIO_AP_MIG_H_MAJOR,
					    "unsupported major version %u, this reader knows %u",
					    major, VFIO_AP_MIG_MAJOR);
	/* Any minor version of this major is read: newer ones only add. */
	hdr_len = get_unaligned_be16(h + VFIO_AP_MIG_H_HDR_LEN);
	if (hdr_len < VFIO_AP_MIG_HDR_SIZE || hdr_len > VFIO_AP_MIG_MAX_HDR_LEN)
		return vfio_ap_mig_dec_fail(dec, -EINVAL,
					    at + VFIO_AP_MIG_H_HDR_LEN,
					    "header length %u out of range %u..%u",
					    hdr_len, VFIO_AP_MIG_HDR_SIZE,
					    VFIO_AP_MIG_MAX_HDR_LEN);
	flags = get_unaligned_be16(h + VFIO_AP_MIG_H_FLAGS);
	if (flags & ~VFIO_AP_MIG_REC_FLAGS_KNOWN)
		return vfio_ap_mig_dec_fail(dec, -EINVAL,
					    at + VFIO_AP_MIG_H_FLAGS,
					    "unknown record flags 0x%04x",
					    flags & ~VFIO_AP_MIG_REC_FLAGS_KNOWN);
	rec_len = get_unaligned_be32(h + VFIO_AP_MIG_H_REC_LEN);
	if (rec_len < (u32)hdr_len + VFIO_AP_MIG_CRC_SIZE ||
	    rec_len > VFIO_AP_MIG_MAX_RECORD)
		return vfio_ap_mig_dec_fail(dec, -EINVAL,
					    at + VFIO_AP_MIG_H_REC_LEN,
					    "record length %u out of range %u..%u",
					    rec_len, hdr_len + VFIO_AP_MIG_CRC_SIZE,
					    VFIO_AP_MIG_MAX_RECORD);
	seq = get_unaligned_be32(h + VFIO_AP_MIG_H_SEQ);
	if (seq != dec->next_seq)
		return vfio_ap_mig_dec_fail(dec, -EILSEQ,
					    at + VFIO_AP_MIG_H_SEQ,
					    "record seq %u, expected %u",
					    seq, dec->next_seq);
	nr_sections = get_unaligned_be16(h + VFIO_AP_MIG_H_NR_SECTIONS);
	reserved = get_unaligned_be16(h + VFIO_AP_MIG_H_RESERVED);
	if (reserved)
		return vfio_ap_mig_dec_fail(dec, -EINVAL,
					    at + VFIO_AP_MIG_H_RESERVED,
					    "reserved header field is 0x%04x, not 0",
					    reserved);
	if ((flags & VFIO_AP_MIG_REC_UNCHANGED) && nr_sections)
		return vfio_ap_mig_dec_fail(dec, -EINVAL,
					    at + VFIO_AP_MIG_H_NR_SECTIONS,
					    "UNCHANGED record with %u sections, expected none",
					    nr_sections);
	/* Nothing but the header and the CRC: refused before allocating. */
	if ((flags & VFIO_AP_MIG_REC_UNCHANGED) &&
	    rec_len != (u32)hdr_len + VFIO_AP_MIG_CRC_SIZE)
		return vfio_ap_mig_dec_fail(dec, -EINVAL,
					    at + VFIO_AP_MIG_H_REC_LEN,
					    "UNCHANGED record length %u, expected %u",
					    rec_len, hdr_len + VFIO_AP_MIG_CRC_SIZE);
	/* The first record is a configuration: UNCHANGED needs one before. */
	if ((flags & VFIO_AP_MIG_REC_UNCHANGED) && !seq)
		return vfio_ap_mig_dec_fail(dec, -EILSEQ,
					    at + VFIO_AP_MIG_H_FLAGS,
					    "UNCHANGED record seq 0 follows no configuration record");
	if (dec->rec_offset + rec_len > VFIO_AP_MIG_MAX_STREAM)
		return vfio_ap_mig_dec_fail(dec, -EFBIG,
					    at + VFIO_AP_MIG_H_REC_LEN,
					    "record seq %u of %u bytes ends the stream beyond its maximum %u",
					    seq, rec_len, VFIO_AP_MIG_MAX_STREAM);

	dec->rec = kvmalloc(rec_len, GFP_KERNEL_ACCOUNT);
	if (!dec->rec)
		return vfio_ap_mig_dec_fail(dec, -ENOMEM, at,
					    "cannot allocate %u bytes for record seq %u",
					    rec_len, seq);
	memcpy(dec->rec, dec->hdr, VFIO_AP_MIG_HDR_SIZE);
	dec->rec_len = rec_len;
	dec->rec_flags = flags;
	dec->hdr_len = hdr_len;
	dec->nr_sections = nr_sections;
	return 0;
}

static int vfio_ap_mig_dec_masks(struct vfio_ap_mig_decoder *dec,
				 struct vfio_ap_mig_config *cfg,
				 const u8 *body, u32 len, u64 at)
{
	if (len != VFIO_AP_MIG_MASKS_SIZE)
		return vfio_ap_mig_dec_fail(dec, -ERANGE,
					    at - VFIO_AP_MIG_SECTION_HDR_SIZE +
					    VFIO_AP_MIG_S_LEN,
					    "MASKS section length %u, expected %u",
					    len, VFIO_AP_MIG_MASKS_SIZE);
	vfio_ap_mig_get_mask(body + VFIO_AP_MIG_M_APM, cfg->apm);
	vfio_ap_mig_get_mask(body + VFIO_AP_MIG_M_AQM, cfg->aqm);
	vfio_ap_mig_get_mask(body + VFIO_AP_MIG_M_ADM, cfg->adm);
	return 0;
}

/*
 * Decode the QUEUES section at stream offset @at into @cfg, whose masks are
 * set: bound the count, check it against the section length and apm x aqm,
 * and only then allocate. One pass, each entry read once.
 */
static int vfio_ap_mig_dec_queues(struct vfio_ap_mig_decoder *dec,
				  struct vfio_ap_mig_config *cfg,
				  const u8 *body, u32 len, u64 at)
{
	u64 len_at = at - VFIO_AP_MIG_SECTION_HDR_SIZE + VFIO_AP_MIG_S_LEN;
	u32 count, reserved, want, i;
	u16 apqn, prev = 0, res;
	const u8 *e;
	u64 gr2;

	if (len < VFIO_AP_MIG_QUEUES_HDR_SIZE)
		return vfio_ap_mig_dec_fail(dec, -ERANGE, len_at,
					    "QUEUES section length %u, below its %u-byte header",
					    len, VFIO_AP_MIG_QUEUES_HDR_SIZE);
	count = get_unaligned_be32(body + VFIO_AP_MIG_Q_COUNT);
	reserved = get_unaligned_be32(body + VFIO_AP_MIG_Q_RESERVED);
	if (reserved)
		return vfio_ap_mig_dec_fail(dec, -EINVAL,
					    at + VFIO_AP_MIG_Q_RESERVED,
					    "QUEUES reserved field is 0x%08x, not 0",
					    reserved);
	if (count > VFIO_AP_MIG_MAX_QUEUES)
		return vfio_ap_mig_dec_fail(dec, -E2BIG, at + VFIO_AP_MIG_Q_COUNT,
					    "queue count %u above the maximum %u",
					    count, VFIO_AP_MIG_MAX_QUEUES);
	if (len != VFIO_AP_MIG_QUEUES_HDR_SIZE + count * VFIO_AP_MIG_QUEUE_SIZE)
		return vfio_ap_mig_dec_fail(dec, -ERANGE, len_at,
					    "QUEUES section length %u, expected %u for %u queues",
					    len, VFIO_AP_MIG_QUEUES_HDR_SIZE +
					    count * VFIO_AP_MIG_QUEUE_SIZE, count);
	want = bitmap_weight(cfg->apm, VFIO_AP_MIG_IDS) *
	       bitmap_weight(cfg->aqm, VFIO_AP_MIG_IDS);
	if (count != want)
		return vfio_ap_mig_dec_fail(dec, -EDOM, at + VFIO_AP_MIG_Q_COUNT,
					    "queue count %u, but apm x aqm has %u queues",
					    count, want);
	if (count) {
		cfg->queues = kvcalloc(count, sizeof(*cfg->queues), GFP_KERNEL_ACCOUNT);
		if (!cfg->queues)
			return vfio_ap_mig_dec_fail(dec, -ENOMEM, at,
						    "cannot allocate %u queue entries",
						    count);
		cfg->nr_queues = count;
	}

	e = body + VFIO_AP_MIG_QUEUES_HDR_SIZE;
	at += VFIO_AP_MIG_QUEUES_HDR_SIZE;
	for (i = 0; i < count; i++) {
		apqn = get_unaligned_be16(e + VFIO_AP_MIG_E_APQN);
		res = get_unaligned_be16(e + VFIO_AP_MIG_E_RESERVED);
		gr2 = get_unaligned_be64(e + VFIO_AP_MIG_E_GR2);
		if (i && apqn == prev)
			return vfio_ap_mig_dec_fail(dec, -ENOTUNIQ, at,
						    "duplicate queue %02x.%04x",
						    VFIO_AP_MIG_APID(apqn),
						    VFIO_AP_MIG_APQI(apqn));
		if (i && apqn < prev)
			return vfio_ap_mig_dec_fail(dec, -EILSEQ, at,
						    "queue %02x.%04x after %02x.%04x, APQNs must ascend",
						    VFIO_AP_MIG_APID(apqn),
						    VFIO_AP_MIG_APQI(apqn),
						    VFIO_AP_MIG_APID(prev),
						    VFIO_AP_MIG_APQI(prev));
		if (!test_bit_inv(VFIO_AP_MIG_APID(apqn), cfg->apm) ||
		    !test_bit_inv(VFIO_AP_MIG_APQI(apqn), cfg->aqm))
			return vfio_ap_mig_dec_fail(dec, -EDOM, at,
						    "queue %02x.%04x is not in apm x aqm",
						    VFIO_AP_MIG_APID(apqn),
						    VFIO_AP_MIG_APQI(apqn));
		if (res)
			return vfio_ap_mig_dec_fail(dec, -EINVAL,
						    at + VFIO_AP_MIG_E_RESERVED,
						    "queue %02x.%04x: reserved field is 0x%04x, not 0",
						    VFIO_AP_MIG_APID(apqn),
						    VFIO_AP_MIG_APQI(apqn), res);
		if (gr2 & ~VFIO_AP_MIG_GR2_MASK)
			return vfio_ap_mig_dec_fail(dec, -EINVAL,
						    at + VFIO_AP_MIG_E_GR2,
						    "queue %02x.%04x: GR2 bits 0x%016llx outside the migration mask",
						    VFIO_AP_MIG_APID(apqn),
						    VFIO_AP_MIG_APQI(apqn),
						    gr2 & ~VFIO_AP_MIG_GR2_MASK);
		cfg->queues[i].apqn = apqn;
		cfg->queues[i].gr2 = gr2;
		prev = apqn;
		e += VFIO_AP_MIG_QUEUE_SIZE;
		at += VFIO_AP_MIG_QUEUE_SIZE;
	}
	return 0;
}

/*
 * The IRQ section of a record whose QUEUES section is decoded into @cfg:
 * one byte per queue, naming a target or 0.
 */
static int vfio_ap_mig_dec_irq(struct vfio_ap_mig_decoder *dec,
			       struct vfio_ap_mig_config *cfg, const u8 *body,
			       u32 len, u64 at)
{
	u64 len_at = at - VFIO_AP_MIG_SECTION_HDR_SIZE + VFIO_AP_MIG_S_LEN;
	u16 nr, res, i, j;
	const u8 *t, *map;
	u32 count, q;
	u64 nib;
	u8 isc;

	if (len < VFIO_AP_MIG_IRQ_HDR_SIZE)
		return vfio_ap_mig_dec_fail(dec, -ERANGE, len_at,
					    "IRQ section length %u, shorter than its %u-byte header",
					    len, VFIO_AP_MIG_IRQ_HDR_SIZE);
	nr = get_unaligned_be16(body + VFIO_AP_MIG_I_NR_TARGETS);
	res = get_unaligned_be16(body + VFIO_AP_MIG_I_RESERVED);
	count = get_unaligned_be32(body + VFIO_AP_MIG_I_COUNT);
	if (!nr || nr > VFIO_AP_MIG_MAX_IRQ_TARGETS)
		return vfio_ap_mig_dec_fail(dec, -EINVAL, at + VFIO_AP_MIG_I_NR_TARGETS,
					    "IRQ section with %u targets, expected 1 to %u",
					    nr, VFIO_AP_MIG_MAX_IRQ_TARGETS);
	if (res)
		return vfio_ap_mig_dec_fail(dec, -EINVAL, at + VFIO_AP_MIG_I_RESERVED,
					    "IRQ section: reserved field is 0x%04x, not 0",
					    res);
	if (count != cfg->nr_queues)
		return vfio_ap_mig_dec_fail(dec, -EDOM, at + VFIO_AP_MIG_I_COUNT,
					    "IRQ section for %u queues, the QUEUES section has %u",
					    count, cfg->nr_queues);
	if (len != vfio_ap_mig_irq_body_size(count, nr))
		return vfio_ap_mig_dec_fail(dec, -ERANGE, len_at,
					    "IRQ section length %u, expected %zu for %u targets and %u queues",
					    len, vfio_ap_mig_irq_body_size(count, nr),
					    nr, count);

	/* Room for every target, as vfio_ap_mig_config_set_irq() expects. */
	cfg->irq_targets = kcalloc(VFIO_AP_MIG_MAX_IRQ_TARGETS,
				   sizeof(*cfg->irq_targets), GFP_KERNEL_ACCOUNT);
	if (!cfg->irq_targets)
		return vfio_ap_mig_dec_fail(dec, -ENOMEM, at,
					    "cannot allocate %u interruption targets",
					    VFIO_AP_MIG_MAX_IRQ_TARGETS);
	t = body + VFIO_AP_MIG_IRQ_HDR_SIZE;
	at += VFIO_AP_MIG_IRQ_HDR_SIZE;
	for (i = 0; i < nr; i++) {
		nib = get_unaligned_be64(t + VFIO_AP_MIG_T_NIB);
		isc = t[VFIO_AP_MIG_T_ISC];
		if (!nib)
			return vfio_ap_mig_dec_fail(dec, -EINVAL, at + VFIO_AP_MIG_T_NIB,
						    "IRQ target %u: NIB address 0", i + 1);
		if (isc > VFIO_AP_MIG_MAX_ISC)
			return vfio_ap_mig_dec_fail(dec, -EINVAL, at + VFIO_AP_MIG_T_ISC,
						    "IRQ target %u: ISC %u above %u",
						    i + 1, isc, VFIO_AP_MIG_MAX_ISC);
		if (memchr_inv(t + VFIO_AP_MIG_T_RESERVED, 0,
			       VFIO_AP_MIG_T_RESERVED_LEN))
			return vfio_ap_mig_dec_fail(dec, -EINVAL,
						    at + VFIO_AP_MIG_T_RESERVED,
						    "IRQ target %u: reserved bytes not 0",
						    i + 1);
		for (j = 0; j < i; j++) {
			if (cfg->irq_targets[j].nib == nib &&
			    cfg->irq_targets[j].isc == isc)
				return vfio_ap_mig_dec_fail(dec, -ENOTUNIQ, at,
							    "IRQ target %u repeats target %u",
							    i + 1, j + 1);
		}
		cfg->irq_targets[i].nib = nib;
		cfg->irq_targets[i].isc = isc;
		t += VFIO_AP_MIG_IRQ_TARGET_SIZE;
		at += VFIO_AP_MIG_IRQ_TARGET_SIZE;
	}
	cfg->nr_irq_targets = nr;

	map = t;
	for (q = 0; q < count; q++) {
		if (map[q] > nr)
			return vfio_ap_mig_dec_fail(dec, -EINVAL, at + q,
						    "queue %02x.%04x: IRQ target %u of %u",
						    VFIO_AP_MIG_APID(cfg->queues[q].apqn),
						    VFIO_AP_MIG_APQI(cfg->queues[q].apqn),
						    map[q], nr);
		cfg->queues[q].irq = map[q];
	}
	return 0;
}

/*
 * Walk the sections of a complete, CRC-checked configuration record and
 * make its configuration the decoder's current one. The QUEUES section is
 * decoded last, once the section layout is known to be sound.
 */
static int vfio_ap_mig_dec_config(struct vfio_ap_mig_decoder *dec)
{
	u32 pos = dec->hdr_len, end = dec->rec_len - VFIO_AP_MIG_CRC_SIZE;
	const u8 *s, *queues = NULL, *irq = NULL;
	struct vfio_ap_mig_config cfg;
	bool have_masks = false;
	u32 len, queues_len = 0, irq_len = 0;
	u16 type, reserved, i;
	u64 at, queues_at = 0, irq_at = 0;
	int last = -1, ret;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < dec->nr_sections; i++) {
		s = dec->rec + pos;
		at = dec->rec_offset + pos;
		if (end - pos < VFIO_AP_MIG_SECTION_HDR_SIZE)
			return vfio_ap_mig_dec_fail(dec, -ERANGE, at,
						    "section %u of %u: %u bytes left before the CRC, a section header needs %u",
						    i, dec->nr_sections, end - pos,
						    VFIO_AP_MIG_SECTION_HDR_SIZE);
		type = get_unaligned_be16(s + VFIO_AP_MIG_S_TYPE);
		reserved = get_unaligned_be16(s + VFIO_AP_MIG_S_RESERVED);
		len = get_unaligned_be32(s + VFIO_AP_MIG_S_LEN);
		if (reserved)
			return vfio_ap_mig_dec_fail(dec, -EINVAL,
						    at + VFIO_AP_MIG_S_RESERVED,
						    "section 0x%04x: reserved field is 0x%04x, not 0",
						    type, reserved);
		if (len > end - pos - VFIO_AP_MIG_SECTION_HDR_SIZE)
			return vfio_ap_mig_dec_fail(dec, -ERANGE,
						    at + VFIO_AP_MIG_S_LEN,
						    "section 0x%04x: length %u, only %u bytes left before the CRC",
						    type, len, end - pos -
						    VFIO_AP_MIG_SECTION_HDR_SIZE);
		if (type == last)
			return vfio_ap_mig_dec_fail(dec, -ENOTUNIQ, at,
						    "duplicate section 0x%04x",
						    type);
		if (type < last)
			return vfio_ap_mig_dec_fail(dec, -EILSEQ, at,
						    "section 0x%04x after section 0x%04x, types must ascend",
						    type, last);
		last = type;

		s += VFIO_AP_MIG_SECTION_HDR_SIZE;
		at += VFIO_AP_MIG_SECTION_HDR_SIZE;
		switch (type) {
		case VFIO_AP_MIG_SEC_MASKS:
			ret = vfio_ap_mig_dec_masks(dec, &cfg, s, len, at);
			if (ret)
				return ret;
			have_masks = true;
			break;
		case VFIO_AP_MIG_SEC_QUEUES:
			queues = s;
			queues_len = len;
			queues_at = at;
			break;
		case VFIO_AP_MIG_SEC_IRQ:
			irq = s;
			irq_len = len;
			irq_at = at;
			break;
		default:
			/* A newer writer's section: skip it if optional. */
			if (!(type & VFIO_AP_MIG_SEC_OPTIONAL))
				return vfio_ap_mig_dec_fail(dec, -EOPNOTSUPP,
							    at - VFIO_AP_MIG_SECTION_HDR_SIZE,
							    "unknown mandatory section 0x%04x",
							    type);
			break;
		}
		pos += VFIO_AP_MIG_SECTION_HDR_SIZE + len;
	}
	if (pos != end)
		return vfio_ap_mig_dec_fail(dec, -ERANGE, dec->rec_offset + pos,
					    "%u bytes after the last of %u sections",
					    end - pos, dec->nr_sections);
	if (!have_masks || !queues)
		return vfio_ap_mig_dec_fail(dec, -ENOENT,
					    dec->rec_offset + VFIO_AP_MIG_H_NR_SECTIONS,
					    "configuration record seq %u has no %s section",
					    dec->next_seq,
					    have_masks ? "QUEUES" : "MASKS");

	ret = vfio_ap_mig_dec_queues(dec, &cfg, queues, queues_len, queues_at);
	if (!ret && irq)
		ret = vfio_ap_mig_dec_irq(dec, &cfg, irq, irq_len, irq_at);
	if (ret) {
		vfio_ap_mig_config_free(&cfg);
		return ret;
	}
	vfio_ap_mig_config_free(&dec->cfg);
	dec->cfg = cfg;
	dec->have_cfg = true;
	return 0;
}

/* The current record is complete: check its CRC, then its content. */
static int vfio_ap_mig_dec_record(struct vfio_ap_mig_decoder *dec,
				  enum vfio_ap_mig_event *event)
{
	u32 body = dec->rec_len - VFIO_AP_MIG_CRC_SIZE;
	u32 crc, want;
	int ret;

	crc = get_unaligned_be32(dec->rec + body);
	want = vfio_ap_mig_crc32c(dec->rec, body);
	if (crc != want)
		return vfio_ap_mig_dec_fail(dec, -EBADMSG, dec->rec_offset + body,
					    "record seq %u: CRC32C 0x%08x, computed 0x%08x",
					    dec->next_seq, crc, want);
	if (dec->rec_flags & VFIO_AP_MIG_REC_UNCHANGED) {
		*event = VFIO_AP_MIG_EV_UNCHANGED;
	} else {
		ret = vfio_ap_mig_dec_config(dec);
		if (ret)
			return ret;
		*event = VFIO_AP_MIG_EV_CONFIG;
	}
	if (dec->rec_flags & VFIO_AP_MIG_REC_FINAL)
		dec->final = true;
	dec->next_seq++;
	kvfree(dec->rec);
	dec->rec = NULL;
	dec->have = 0;
	return 0;
}

/**
 * vfio_ap_mig_decoder_feed() - give the decoder the next bytes of a stream
 * @dec: the decoder
 * @buf: the bytes, copied before they are looked at
 * @len: number of bytes in @buf
 * @event: set to what the consumed bytes completed
 *
 * Consumes at most up to the end of the current record: call again with
 * the rest. Errors are sticky: once failed, every call returns the error.
 *
 * Return: the number of bytes consumed (> 0 if @len > 0), or the -errno of
 * the rule the stream broke (vfio_ap_mig_decoder_errmsg() names it).
 */
ssize_t vfio_ap_mig_decoder_feed(struct vfio_ap_mig_decoder *dec,
				 const void *buf, size_t len,
				 enum vfio_ap_mig_event *event)
{
	const u8 *src = buf;
	size_t used = 0, n;
	int ret;

	*event = VFIO_AP_MIG_EV_NONE;
	if (dec->error)
		return dec->error;
	if (!len)
		return 0;
	if (dec->final)
		return vfio_ap_mig_dec_fail(dec, -EMSGSIZE, dec->offset,
					    "trailing bytes after the final record seq %u",
					    dec->next_seq - 1);

	if (dec->have < VFIO_AP_MIG_HDR_SIZE) {
		if (!dec->have)
			dec->rec_offset = dec->offset;
		n = min_t(size_t, len, VFIO_AP_MIG_HDR_SIZE - dec->have);
		memcpy(dec->hdr + dec->have, src, n);
		dec->have += n;
		dec->offset += n;
		used = n;
		if (dec->have < VFIO_AP_MIG_HDR_SIZE)
			return used;
		ret = vfio_ap_mig_dec_header(dec);
		if (ret)
			return ret;
	}

	n = min_t(size_t, len - used, dec->rec_len - dec->have);
	memcpy(dec->rec + dec->have, src + used, n);
	dec->have += n;
	dec->offset += n;
	used += n;
	if (dec->have == dec->rec_len) {
		ret = vfio_ap_mig_dec_record(dec, event);
		if (ret)
			return ret;
	}
	return used;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_decoder_feed);

/**
 * vfio_ap_mig_decoder_finish() - the stream has ended
 * @dec: the decoder
 *
 * Return: 0 if the FINAL record was decoded and nothing followed it,
 * -ENODATA if the stream stopped before, or the decoder's earlier error.
 */
int vfio_ap_mig_decoder_finish(struct vfio_ap_mig_decoder *dec)
{
	if (dec->error)
		return dec->error;
	if (dec->final)
		return 0;
	if (!dec->offset)
		return vfio_ap_mig_dec_fail(dec, -ENODATA, 0, "empty stream");
	if (dec->have && dec->have < VFIO_AP_MIG_HDR_SIZE)
		return vfio_ap_mig_dec_fail(dec, -ENODATA, dec->offset,
					    "stream ends inside the header of record seq %u (%u of %u bytes)",
					    dec->next_seq, dec->have,
					    VFIO_AP_MIG_HDR_SIZE);
	if (dec->have)
		return vfio_ap_mig_dec_fail(dec, -ENODATA, dec->offset,
					    "stream ends inside record seq %u (%u of %u bytes)",
					    dec->next_seq, dec->have,
					    dec->rec_len);
	return vfio_ap_mig_dec_fail(dec, -ENODATA, dec->offset,
				    "stream ends after record seq %u, which is not FINAL",
				    dec->next_seq - 1);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_decoder_finish);

/**
 * vfio_ap_mig_decoder_errmsg() - why the decoder failed
 * @dec: the decoder
 *
 * Return: a message naming the fault and its stream offset, e.g.
 * "offset 16: record seq 3, expected 1"; "no error" if it has not failed.
 * Valid until the decoder is released.
 */
const char *vfio_ap_mig_decoder_errmsg(const struct vfio_ap_mig_decoder *dec)
{
	return dec->error ? dec->msg : "no error";
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_decoder_errmsg);

/**
 * vfio_ap_mig_decoder_config() - the last complete configuration
 * @dec: the decoder
 *
 * Return: the configuration, owned by the decoder, or NULL if no
 * configuration record was decoded (or it was taken).
 */
const struct vfio_ap_mig_config *
vfio_ap_mig_decoder_config(const struct vfio_ap_mig_decoder *dec)
{
	return dec->have_cfg ? &dec->cfg : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ap_mig_decoder_config);
