// SPDX-License-Identifier: GPL-2.0
/*
 * Generator of the golden migration stream vectors: tests/vectors/<name>.bin
 * (the stream), <name>.txt (what decoding it must give) and the C header
 * the KUnit suite embeds them from. Valid streams come from the encoder,
 * crafted ones from a field-by-field writer of its own. Every record says
 * version 1.VFIO_AP_MIG_MINOR, the version the encoder writes.
 *
 *   gen_vectors write DIR HEADER   (re)write the checked-in files
 *   gen_vectors check DIR HEADER   exit 1 if any of them differs
 *   gen_vectors max FILE           the 256 x 256 queue stream (build time)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitmap.h>

#include "vfio_ap_mig_stream.h"
#include "vector_text.h"

#define VG_MAX_EVENTS 2
#define VG_MSG_LEN 200

/* Typical GR2 values, masked: mode, facilities, class, AP type. */
#define VG_CEX7C (VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_CCA | \
		  VFIO_AP_MIG_GR2_APXA | 0x80ULL << VFIO_AP_MIG_GR2_CLASS_SHIFT | \
		  13ULL << VFIO_AP_MIG_GR2_AT_SHIFT)
#define VG_CEX8P (VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_EP11 | \
		  VFIO_AP_MIG_GR2_APXA | 0x80ULL << VFIO_AP_MIG_GR2_CLASS_SHIFT | \
		  14ULL << VFIO_AP_MIG_GR2_AT_SHIFT | \
		  3ULL << VFIO_AP_MIG_GR2_ML_SHIFT)
#define VG_CEX6A (VFIO_AP_MIG_GR2_APSC | VFIO_AP_MIG_GR2_ACCEL | \
		  VFIO_AP_MIG_GR2_APXA | 0x40ULL << VFIO_AP_MIG_GR2_CLASS_SHIFT | \
		  12ULL << VFIO_AP_MIG_GR2_AT_SHIFT)

/* A growable byte buffer written field by field, big-endian. */
struct vg_buf {
	unsigned char *p;
	size_t len, cap;
};

static void *vg_grow(struct vg_buf *b, size_t n)
{
	void *at;

	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("gen_vectors");
			exit(2);
		}
	}
	at = b->p + b->len;
	b->len += n;
	return at;
}

static void vg_bytes(struct vg_buf *b, const void *p, size_t n)
{
	if (n)
		memcpy(vg_grow(b, n), p, n);
}

static void vg_u16(struct vg_buf *b, u16 v)
{
	unsigned char *p = vg_grow(b, 2);

	p[0] = v >> 8;
	p[1] = v;
}

static void vg_u32(struct vg_buf *b, u32 v)
{
	vg_u16(b, v >> 16);
	vg_u16(b, v & 0xffff);
}

static void vg_u64(struct vg_buf *b, u64 v)
{
	vg_u32(b, v >> 32);
	vg_u32(b, v & 0xffffffff);
}

/* Record header values; defaults from vg_hdr(), fields then overridden. */
struct vg_hdr {
	u32 magic;
	u16 major, minor, hdr_len, flags;
	u32 rec_len;		/* 0: the real length */
	u32 seq;
	int nr_sections;	/* < 0: the number of sections written */
	u16 reserved;
};

static struct vg_hdr vg_hdr(u32 seq, u16 flags)
{
	struct vg_hdr h = {
		.magic = VFIO_AP_MIG_MAGIC, .major = VFIO_AP_MIG_MAJOR,
		.minor = VFIO_AP_MIG_MINOR,
		.hdr_len = VFIO_AP_MIG_HDR_SIZE, .flags = flags, .seq = seq,
		.nr_sections = -1,
	};
	return h;
}

/* A record body under construction: the sections and their number. */
struct vg_body {
	struct vg_buf b;
	unsigned int nr;
};

static void vg_section_hdr(struct vg_body *body, u16 type, u16 reserved,
			   u32 len)
{
	vg_u16(&body->b, type);
	vg_u16(&body->b, reserved);
	vg_u32(&body->b, len);
	body->nr++;
}

static void vg_section(struct vg_body *body, u16 type, const struct vg_buf *c)
{
	vg_section_hdr(body, type, 0, c->len);
	vg_bytes(&body->b, c->p, c->len);
}

/* Append a whole record: header (hdr_len bytes), sections, CRC. */
static void vg_record(struct vg_buf *out, const struct vg_hdr *h,
		      const struct vg_body *body)
{
	size_t start = out->len, i;
	size_t extra = h->hdr_len > VFIO_AP_MIG_HDR_SIZE ?
		       h->hdr_len - VFIO_AP_MIG_HDR_SIZE : 0;
	u32 len = VFIO_AP_MIG_HDR_SIZE + extra + body->b.len + VFIO_AP_MIG_CRC_SIZE;

	vg_u32(out, h->magic);
	vg_u16(out, h->major);
	vg_u16(out, h->minor);
	vg_u16(out, h->hdr_len);
	vg_u16(out, h->flags);
	vg_u32(out, h->rec_len ? h->rec_len : len);
	vg_u32(out, h->seq);
	vg_u16(out, h->nr_sections < 0 ? body->nr : (u16)h->nr_sections);
	vg_u16(out, h->reserved);
	for (i = 0; i < extra; i++)
		vg_bytes(out, &(unsigned char){ 0xa0 + i }, 1);
	vg_bytes(out, body->b.p, body->b.len);
	vg_u32(out, vfio_ap_mig_crc32c(out->p + start, out->len - start));
}

/* MASKS body: 32 bytes each of apm, aqm, adm, id 0 in the MSB of byte 0. */
static void vg_masks(struct vg_buf *b, const struct vfio_ap_mig_config *cfg)
{
	const unsigned long *masks[3] = { cfg->apm, cfg->aqm, cfg->adm };
	unsigned char m[VFIO_AP_MIG_IDS / 8];
	unsigned int i, id;

	for (i = 0; i < 3; i++) {
		memset(m, 0, sizeof(m));
		for (id = 0; id < VFIO_AP_MIG_IDS; id++)
			if (test_bit_inv(id, masks[i]))
				m[id / 8] |= 0x80 >> (id % 8);
		vg_bytes(b, m, sizeof(m));
	}
}

/* QUEUES body: count, reserved, then {apqn, reserved, gr2} per queue. */
static void vg_queues(struct vg_buf *b, const struct vfio_ap_mig_config *cfg)
{
	u32 i;

	vg_u32(b, cfg->nr_queues);
	vg_u32(b, 0);
	for (i = 0; i < cfg->nr_queues; i++) {
		vg_u16(b, cfg->queues[i].apqn);
		vg_u16(b, 0);
		vg_u64(b, cfg->queues[i].gr2);
	}
}

/* One IRQ target: nib, isc, 7 reserved bytes (@reserved in the last). */
static void vg_irq_target(struct vg_buf *b, u64 nib, u8 isc, u8 reserved)
{
	static const unsigned char zero[6];

	vg_u64(b, nib);
	vg_bytes(b, &isc, 1);
	vg_bytes(b, zero, sizeof(zero));
	vg_bytes(b, &reserved, 1);
}

/* IRQ body: nr_targets, reserved, count, the targets, one byte per queue. */
static void vg_irq(struct vg_buf *b, const struct vfio_ap_mig_config *cfg)
{
	u32 i;

	vg_u16(b, cfg->nr_irq_targets);
	vg_u16(b, 0);
	vg_u32(b, cfg->nr_queues);
	for (i = 0; i < cfg->nr_irq_targets; i++)
		vg_irq_target(b, cfg->irq_targets[i].nib, cfg->irq_targets[i].isc, 0);
	for (i = 0; i < cfg->nr_queues; i++)
		vg_bytes(b, &cfg->queues[i].irq, 1);
}

/* MASKS, QUEUES and, if a queue has interruptions on, IRQ. */
static void vg_body_config(struct vg_body *body,
			   const struct vfio_ap_mig_config *cfg)
{
	struct vg_buf c = { 0 };

	vg_masks(&c, cfg);
	vg_section(body, VFIO_AP_MIG_SEC_MASKS, &c);
	c.len = 0;
	vg_queues(&c, cfg);
	vg_section(body, VFIO_AP_MIG_SEC_QUEUES, &c);
	if (cfg->nr_irq_targets) {
		c.len = 0;
		vg_irq(&c, cfg);
		vg_section(body, VFIO_AP_MIG_SEC_IRQ, &c);
	}
	free(c.p);
}

static void vg_body_free(struct vg_body *body)
{
	free(body->b.p);
	memset(body, 0, sizeof(*body));
}

/* Append a configuration record through the encoder under test. */
static void vg_encode(struct vg_buf *out, const struct vfio_ap_mig_config *cfg,
		      u32 seq, u16 flags)
{
	size_t size = vfio_ap_mig_config_size(cfg);
	ssize_t n = vfio_ap_mig_encode_config(cfg, seq, flags,
					      vg_grow(out, size), size);

	if (n != (ssize_t)size) {
		fprintf(stderr, "gen_vectors: encode_config: %zd\n", n);
		exit(2);
	}
}

static void vg_encode_unchanged(struct vg_buf *out, u32 seq)
{
	ssize_t n = vfio_ap_mig_encode_unchanged(seq,
			vg_grow(out, VFIO_AP_MIG_UNCHANGED_RECORD_SIZE),
			VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);

	if (n != VFIO_AP_MIG_UNCHANGED_RECORD_SIZE) {
		fprintf(stderr, "gen_vectors: encode_unchanged: %zd\n", n);
		exit(2);
	}
}

/* The configurations the vectors carry. */
struct vg_config {
	const char *apm, *aqm, *adm;	/* hex ids, space separated */
	u64 (*gr2)(u16 apqn);
	/* NULL, or whether @apqn has interruptions on, and to what */
	bool (*irq)(u16 apqn, u8 *isc, u64 *nib);
	bool built;
	struct vfio_ap_mig_config cfg;	/* built by vg_cfg() */
};

static u64 vg_gr2_one(u16 apqn)
{
	return VG_CEX7C;
}

/*
 * Adapter 00 CEX7 CCA, 05 CEX8 EP11 with 12 KiB messages (ml 3; SLCF on
 * 00ab), ff CEX6 accelerator.
 */
static u64 vg_gr2_several(u16 apqn)
{
	switch (VFIO_AP_MIG_APID(apqn)) {
	case 0x00:
		return VG_CEX7C;
	case 0x05:
		return VG_CEX8P | (VFIO_AP_MIG_APQI(apqn) == 0xab ?
				   VFIO_AP_MIG_GR2_SLCF : 0);
	default:
		/* bind state 1 on one queue: the stream carries it as is */
		return VG_CEX6A | (VFIO_AP_MIG_APQI(apqn) == 0xff ?
				   1ULL << VFIO_AP_MIG_GR2_BS_SHIFT : 0);
	}
}

/*
 * The 256 x 256 configuration: every characteristic varies with the APQN.
 * The same function is emitted into the KUnit header (VG_MAX_GR2_TEXT).
 */
static u64 vg_gr2_max(u16 apqn)
{
	u64 apid = VFIO_AP_MIG_APID(apqn), apqi = VFIO_AP_MIG_APQI(apqn);

	return VFIO_AP_MIG_GR2_APSC | (VFIO_AP_MIG_GR2_CCA >> (apqi % 3)) |
	       (apqi & 4 ? VFIO_AP_MIG_GR2_SLCF : 0) |
	       (0x80ULL >> (apid & 1)) << VFIO_AP_MIG_GR2_CLASS_SHIFT |
	       ((apqn >> 3) & 3ULL) << VFIO_AP_MIG_GR2_BS_SHIFT |
	       (10 + apid % 5) << VFIO_AP_MIG_GR2_AT_SHIFT;
}

#define VG_MAX_GR2_TEXT \
"static inline u64 vfio_ap_mig_vec_max_gr2(u16 apqn)\n" \
"{\n" \
"\tu64 apid = VFIO_AP_MIG_APID(apqn), apqi = VFIO_AP_MIG_APQI(apqn);\n" \
"\n" \
"\treturn VFIO_AP_MIG_GR2_APSC | (VFIO_AP_MIG_GR2_CCA >> (apqi % 3)) |\n" \
"\t       (apqi & 4 ? VFIO_AP_MIG_GR2_SLCF : 0) |\n" \
"\t       (0x80ULL >> (apid & 1)) << VFIO_AP_MIG_GR2_CLASS_SHIFT |\n" \
"\t       ((apqn >> 3) & 3ULL) << VFIO_AP_MIG_GR2_BS_SHIFT |\n" \
"\t       (10 + apid % 5) << VFIO_AP_MIG_GR2_AT_SHIFT;\n" \
"}\n"

static struct vg_config vg_empty = { "", "", "", vg_gr2_one };
static struct vg_config vg_nodom = { "05", "", "04", vg_gr2_one };
static struct vg_config vg_one = { "03", "04", "04", vg_gr2_one };
static struct vg_config vg_several = { "00 05 ff", "01 2a ab ff", "00 2a ff",
				       vg_gr2_several };
static struct vg_config vg_changed = { "00 ff", "01 2a ab ff", "00 2a",
				       vg_gr2_several };
/* Building blocks of crafted queue lists: masks only, queues set by hand. */
static struct vg_config vg_two = { "03", "04 05", "", vg_gr2_one };

/*
 * Interruption registrations. A Linux guest registers every queue with
 * ISC 6 (AP_ISC) and the one indicator byte of its AP bus; a queue whose
 * driver is not bound has interruptions off.
 */
#define VG_ISC_LINUX	6
#define VG_NIB_LINUX	0x0000000001a2b3c4ULL
#define VG_NIB_OTHER	0x000000007ffff000ULL

static bool vg_irq_linux(u16 apqn, u8 *isc, u64 *nib)
{
	*isc = VG_ISC_LINUX;
	*nib = VG_NIB_LINUX;
	return true;
}

/* All but the queues of domain 00ab and the accelerator's 00ff. */
static bool vg_irq_shared(u16 apqn, u8 *isc, u64 *nib)
{
	if (VFIO_AP_MIG_APQI(apqn) == 0xab || apqn == 0xffff)
		return false;
	return vg_irq_linux(apqn, isc, nib);
}

/*
 * Three targets: adapter 00 as Linux does, adapter 05 another NIB, adapter
 * ff the Linux NIB with ISC 3 (a distinct target); domain 002a off.
 */
static bool vg_irq_targets(u16 apqn, u8 *isc, u64 *nib)
{
	if (VFIO_AP_MIG_APQI(apqn) == 0x2a)
		return false;
	vg_irq_linux(apqn, isc, nib);
	if (VFIO_AP_MIG_APID(apqn) == 0x05)
		*nib = VG_NIB_OTHER;
	else if (VFIO_AP_MIG_APID(apqn) == 0xff)
		*isc = 3;
	return true;
}

static struct vg_config vg_one_irq = { "03", "04", "04", vg_gr2_one,
				       vg_irq_linux };
static struct vg_config vg_several_irq = { "00 05 ff", "01 2a ab ff",
					   "00 2a ff", vg_gr2_several,
					   vg_irq_shared };
static struct vg_config vg_several_targets = { "00 05 ff", "01 2a ab ff",
					       "00 2a ff", vg_gr2_several,
					       vg_irq_targets };
/* The masks of crafted IRQ sections: two queues, 03.0004 and 03.0005. */
static struct vg_config vg_two_irq = { "03", "04 05", "04", vg_gr2_one,
				       vg_irq_linux };

static struct vg_config *const vg_configs_all[] = {
	&vg_empty, &vg_nodom, &vg_one, &vg_several, &vg_changed, &vg_two,
	&vg_one_irq, &vg_several_irq, &vg_several_targets, &vg_two_irq,
};

static void vg_mask_parse(unsigned long *mask, const char *ids)
{
	char *end;
	unsigned long id;

	bitmap_zero(mask, VFIO_AP_MIG_IDS);
	while (*ids) {
		id = strtoul(ids, &end, 16);
		set_bit_inv(id, mask);
		ids = end;
	}
}

static struct vfio_ap_mig_config *vg_cfg(struct vg_config *c)
{
	u32 i;

	if (c->built)
		return &c->cfg;
	c->built = true;
	vg_mask_parse(c->cfg.apm, c->apm);
	vg_mask_parse(c->cfg.aqm, c->aqm);
	vg_mask_parse(c->cfg.adm, c->adm);
	if (vfio_ap_mig_config_fill_apqns(&c->cfg))
		exit(2);
	for (i = 0; i < c->cfg.nr_queues; i++) {
		u16 apqn = c->cfg.queues[i].apqn;
		u64 nib;
		u8 isc;

		c->cfg.queues[i].gr2 = c->gr2(apqn);
		if (c->irq && c->irq(apqn, &isc, &nib) &&
		    vfio_ap_mig_config_set_irq(&c->cfg, i, isc, nib))
			exit(2);
	}
	return &c->cfg;
}

/* Append @cfg as a record written by the crafting writer. */
static void vg_craft(struct vg_buf *out, const struct vg_hdr *h,
		     const struct vfio_ap_mig_config *cfg)
{
	struct vg_body body = { 0 };

	vg_body_config(&body, cfg);
	vg_record(out, h, &body);
	vg_body_free(&body);
}

/* One vector: how to build it and what decoding it must give. */
struct vg_vector {
	const char *name;
	const char *desc;
	/* Appends the stream; may set a message computed from the bytes. */
	void (*build)(struct vg_buf *out, char *msg);
	int err;
	const char *msg;
	struct {
		enum vfio_ap_mig_event ev;
		struct vg_config *cfg;
	} events[VG_MAX_EVENTS];
};

/* Valid streams, all from the encoder. */

static void v_empty_config(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_empty), 0, VFIO_AP_MIG_REC_FINAL);
}

static void v_zero_queues(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_nodom), 0, VFIO_AP_MIG_REC_FINAL);
}

static void v_one_queue(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
}

static void v_several(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_several), 0, VFIO_AP_MIG_REC_FINAL);
}

static void v_precopy_unchanged(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_several), 0, 0);
	vg_encode_unchanged(out, 1);
}

static void v_precopy_changed(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_several), 0, 0);
	vg_encode(out, vg_cfg(&vg_changed), 1, VFIO_AP_MIG_REC_FINAL);
}

/* Minor 9: 8 more header bytes and two optional sections to skip. */
static void v_newer_minor(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_buf c = { 0 };
	struct vg_body body = { 0 };

	h.minor = 9;
	h.hdr_len = VFIO_AP_MIG_HDR_SIZE + 8;
	vg_body_config(&body, vg_cfg(&vg_one));
	vg_bytes(&c, "future section..", 16);
	vg_section(&body, VFIO_AP_MIG_SEC_OPTIONAL | 0x0001, &c);
	c.len = 0;
	vg_section(&body, 0xffff, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

/* Header faults, on the one-queue record. */

static void vg_one_with(struct vg_buf *out, struct vg_hdr h)
{
	vg_craft(out, &h, vg_cfg(&vg_one));
}

static void v_bad_magic(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.magic = 0x41504d48;
	vg_one_with(out, h);
}

static void v_major_2(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.major = 2;
	vg_one_with(out, h);
}

static void v_major_0(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.major = 0;
	vg_one_with(out, h);
}

static void v_header_len_short(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.hdr_len = 20;
	vg_one_with(out, h);
}

static void v_header_len_long(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.hdr_len = 257;
	vg_one_with(out, h);
}

static void v_flags_unknown(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL | 0x0004);

	vg_one_with(out, h);
}

static void v_reserved_header(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.reserved = 0x0100;
	vg_one_with(out, h);
}

static void v_record_len_small(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.rec_len = 27;
	vg_one_with(out, h);
}

static void v_record_len_big(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.rec_len = VFIO_AP_MIG_MAX_RECORD + 1;
	vg_one_with(out, h);
}

/* CRC faults: the message names the stored and the computed CRC. */

static void v_bad_crc(struct vg_buf *out, char *msg)
{
	u32 crc;

	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
	crc = vfio_ap_mig_crc32c(out->p, out->len - 4);
	out->p[out->len - 1] ^= 0x01;
	snprintf(msg, VG_MSG_LEN,
		 "offset %zu: record seq 0: CRC32C 0x%08x, computed 0x%08x",
		 out->len - 4, crc ^ 1, crc);
}

static void v_body_bitflip(struct vg_buf *out, char *msg)
{
	u32 crc;

	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
	crc = vfio_ap_mig_crc32c(out->p, out->len - 4);
	out->p[32] ^= 0x40;	/* adapter 01 joins apm */
	snprintf(msg, VG_MSG_LEN,
		 "offset %zu: record seq 0: CRC32C 0x%08x, computed 0x%08x",
		 out->len - 4, crc,
		 vfio_ap_mig_crc32c(out->p, out->len - 4));
}

/* Stream-level faults. */

static void v_empty_stream(struct vg_buf *out, char *msg)
{
}

static void v_truncated_header(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
	out->len = 10;
}

static void v_truncated(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
	out->len -= 10;
}

static void v_no_final(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, 0);
}

static void v_trailing_byte(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
	vg_bytes(out, "", 1);
}

static void v_trailing_record(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
	vg_encode_unchanged(out, 1);
}

static void v_seq_repeat(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, 0);
	vg_encode(out, vg_cfg(&vg_one), 0, VFIO_AP_MIG_REC_FINAL);
}

static void v_seq_skip(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 0, 0);
	vg_encode_unchanged(out, 2);
}

static void v_seq_first(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one), 1, VFIO_AP_MIG_REC_FINAL);
}

static void v_unchanged_first(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_UNCHANGED |
				    VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };

	vg_record(out, &h, &body);
}

static void v_unchanged_sections(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(1, VFIO_AP_MIG_REC_UNCHANGED |
				    VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_encode(out, vg_cfg(&vg_one), 0, 0);
	vg_section(&body, VFIO_AP_MIG_SEC_OPTIONAL | 1, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
}

/* Section faults. */

static void v_section_order(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_queues(&c, vg_cfg(&vg_one));
	vg_section(&body, VFIO_AP_MIG_SEC_QUEUES, &c);
	c.len = 0;
	vg_masks(&c, vg_cfg(&vg_one));
	vg_section(&body, VFIO_AP_MIG_SEC_MASKS, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

static void v_section_dup(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_masks(&c, vg_cfg(&vg_one));
	vg_section(&body, VFIO_AP_MIG_SEC_MASKS, &c);
	vg_section(&body, VFIO_AP_MIG_SEC_MASKS, &c);
	c.len = 0;
	vg_queues(&c, vg_cfg(&vg_one));
	vg_section(&body, VFIO_AP_MIG_SEC_QUEUES, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

static void v_unknown_mandatory(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_body_config(&body, vg_cfg(&vg_one));
	vg_bytes(&c, "new!", 4);
	vg_section(&body, 0x0003, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

static void v_missing_masks(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_queues(&c, vg_cfg(&vg_empty));
	vg_section(&body, VFIO_AP_MIG_SEC_QUEUES, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

static void v_missing_queues(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_masks(&c, vg_cfg(&vg_empty));
	vg_section(&body, VFIO_AP_MIG_SEC_MASKS, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

static void v_masks_len(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_masks(&c, vg_cfg(&vg_one));
	c.len--;
	vg_section(&body, VFIO_AP_MIG_SEC_MASKS, &c);
	c.len = 0;
	vg_queues(&c, vg_cfg(&vg_one));
	vg_section(&body, VFIO_AP_MIG_SEC_QUEUES, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

static void v_section_reserved(struct vg_buf *out, char *msg)
{
	vg_one_with(out, vg_hdr(0, VFIO_AP_MIG_REC_FINAL));
	out->p[27] = 1;		/* MASKS reserved field */
	out->len -= 4;
	vg_u32(out, vfio_ap_mig_crc32c(out->p, out->len));
}

static void v_section_overrun(struct vg_buf *out, char *msg)
{
	vg_one_with(out, vg_hdr(0, VFIO_AP_MIG_REC_FINAL));
	out->p[134] = 0x03;	/* QUEUES length 20 -> 1000 (0x3e8) */
	out->p[135] = 0xe8;
	out->len -= 4;
	vg_u32(out, vfio_ap_mig_crc32c(out->p, out->len));
}

static void v_section_missing(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);

	h.nr_sections = 3;
	vg_one_with(out, h);
}

static void v_bytes_after_sections(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };

	vg_body_config(&body, vg_cfg(&vg_one));
	vg_bytes(&body.b, "junk", 4);
	vg_record(out, &h, &body);
	vg_body_free(&body);
}

/* QUEUES faults: a MASKS section of @masks and a raw QUEUES body. */
static void vg_queues_raw(struct vg_buf *out, struct vg_config *masks,
			  const struct vg_buf *queues)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_masks(&c, vg_cfg(masks));
	vg_section(&body, VFIO_AP_MIG_SEC_MASKS, &c);
	vg_section(&body, VFIO_AP_MIG_SEC_QUEUES, queues);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

static void vg_entry(struct vg_buf *q, u16 apqn, u16 reserved, u64 gr2)
{
	vg_u16(q, apqn);
	vg_u16(q, reserved);
	vg_u64(q, gr2);
}

static void v_queues_count_2big(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, VFIO_AP_MIG_MAX_QUEUES + 1);
	vg_u32(&q, 0);
	vg_queues_raw(out, &vg_one, &q);
	free(q.p);
}

static void v_queues_short(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 0);
	vg_queues_raw(out, &vg_empty, &q);
	free(q.p);
}

static void v_queues_len(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 2);
	vg_u32(&q, 0);
	vg_entry(&q, 0x0304, 0, VG_CEX7C);
	vg_queues_raw(out, &vg_two, &q);
	free(q.p);
}

static void v_queues_reserved(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 1);
	vg_u32(&q, 1);
	vg_entry(&q, 0x0304, 0, VG_CEX7C);
	vg_queues_raw(out, &vg_one, &q);
	free(q.p);
}

static void v_queues_not_matrix(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 1);
	vg_u32(&q, 0);
	vg_entry(&q, 0x0304, 0, VG_CEX7C);
	vg_queues_raw(out, &vg_two, &q);
	free(q.p);
}

static void v_queue_outside(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 1);
	vg_u32(&q, 0);
	vg_entry(&q, 0x0305, 0, VG_CEX7C);
	vg_queues_raw(out, &vg_one, &q);
	free(q.p);
}

static void v_queue_dup(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 2);
	vg_u32(&q, 0);
	vg_entry(&q, 0x0304, 0, VG_CEX7C);
	vg_entry(&q, 0x0304, 0, VG_CEX7C);
	vg_queues_raw(out, &vg_two, &q);
	free(q.p);
}

static void v_queue_order(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 2);
	vg_u32(&q, 0);
	vg_entry(&q, 0x0305, 0, VG_CEX7C);
	vg_entry(&q, 0x0304, 0, VG_CEX7C);
	vg_queues_raw(out, &vg_two, &q);
	free(q.p);
}

static void v_queue_reserved(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 1);
	vg_u32(&q, 0);
	vg_entry(&q, 0x0304, 1, VG_CEX7C);
	vg_queues_raw(out, &vg_one, &q);
	free(q.p);
}

static void v_gr2_unmasked(struct vg_buf *out, char *msg)
{
	struct vg_buf q = { 0 };

	vg_u32(&q, 1);
	vg_u32(&q, 0);
	vg_entry(&q, 0x0304, 0, VG_CEX7C | 0xff0000);	/* nd: a host value */
	vg_queues_raw(out, &vg_one, &q);
	free(q.p);
}

#define OK	0
/* Interruption registrations (since 1.1), all from the encoder. */

static void v_one_queue_irq(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_one_irq), 0, VFIO_AP_MIG_REC_FINAL);
}

static void v_irq_shared(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_several_irq), 0, VFIO_AP_MIG_REC_FINAL);
}

static void v_irq_targets(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_several_targets), 0, VFIO_AP_MIG_REC_FINAL);
}

/* The guest enabled interruptions during pre-copy: only IRQ changed. */
static void v_precopy_irq_changed(struct vg_buf *out, char *msg)
{
	vg_encode(out, vg_cfg(&vg_several), 0, 0);
	vg_encode(out, vg_cfg(&vg_several_irq), 1, VFIO_AP_MIG_REC_FINAL);
}

/* Minor 9 after an IRQ section: a longer header and a section to skip. */
static void v_irq_newer_minor(struct vg_buf *out, char *msg)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_buf c = { 0 };
	struct vg_body body = { 0 };

	h.minor = 9;
	h.hdr_len = VFIO_AP_MIG_HDR_SIZE + 8;
	vg_body_config(&body, vg_cfg(&vg_one_irq));
	vg_bytes(&c, "later", 5);
	vg_section(&body, VFIO_AP_MIG_SEC_IRQ + 1, &c);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

/*
 * IRQ faults: MASKS and QUEUES of 03.0004 and 03.0005, then an IRQ section
 * of body @irq. The IRQ section header is at 168, its body at 176.
 */
static void vg_irq_raw(struct vg_buf *out, const struct vg_buf *irq)
{
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_body body = { 0 };
	struct vg_buf c = { 0 };

	vg_masks(&c, vg_cfg(&vg_two_irq));
	vg_section(&body, VFIO_AP_MIG_SEC_MASKS, &c);
	c.len = 0;
	vg_queues(&c, vg_cfg(&vg_two_irq));
	vg_section(&body, VFIO_AP_MIG_SEC_QUEUES, &c);
	vg_section(&body, VFIO_AP_MIG_SEC_IRQ, irq);
	vg_record(out, &h, &body);
	vg_body_free(&body);
	free(c.p);
}

/* An IRQ body header: nr_targets, reserved, count. */
static void vg_irq_hdr(struct vg_buf *b, u16 nr, u16 reserved, u32 count)
{
	vg_u16(b, nr);
	vg_u16(b, reserved);
	vg_u32(b, count);
}

/* The map of the two queues. */
static void vg_irq_map(struct vg_buf *b, u8 q0, u8 q1)
{
	vg_bytes(b, &q0, 1);
	vg_bytes(b, &q1, 1);
}

static void v_irq_short(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_u16(&b, 1);
	vg_u16(&b, 0);
	vg_irq_raw(out, &b);
	free(b.p);
}

static void v_irq_targets_0(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 0, 0, 2);
	vg_irq_map(&b, 0, 0);
	vg_irq_raw(out, &b);
	free(b.p);
}

/* 256 distinct targets, each a well-formed one. */
static void v_irq_targets_256(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };
	unsigned int i;

	vg_irq_hdr(&b, 256, 0, 2);
	for (i = 0; i < 256; i++)
		vg_irq_target(&b, VG_NIB_LINUX + i, VG_ISC_LINUX, 0);
	vg_irq_map(&b, 1, 1);
	vg_irq_raw(out, &b);
	free(b.p);
}

static void v_irq_reserved(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 1, 1, 2);
	vg_irq_target(&b, VG_NIB_LINUX, VG_ISC_LINUX, 0);
	vg_irq_map(&b, 1, 1);
	vg_irq_raw(out, &b);
	free(b.p);
}

/* One map byte, for one queue: the section's length agrees with count 1. */
static void v_irq_count(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 1, 0, 1);
	vg_irq_target(&b, VG_NIB_LINUX, VG_ISC_LINUX, 0);
	vg_bytes(&b, &(u8){ 1 }, 1);
	vg_irq_raw(out, &b);
	free(b.p);
}

static void v_irq_len(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 1, 0, 2);
	vg_irq_target(&b, VG_NIB_LINUX, VG_ISC_LINUX, 0);
	vg_irq_map(&b, 1, 1);
	vg_bytes(&b, &(u8){ 1 }, 1);
	vg_irq_raw(out, &b);
	free(b.p);
}

static void v_irq_nib_0(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 1, 0, 2);
	vg_irq_target(&b, 0, VG_ISC_LINUX, 0);
	vg_irq_map(&b, 1, 1);
	vg_irq_raw(out, &b);
	free(b.p);
}

static void v_irq_isc_8(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 1, 0, 2);
	vg_irq_target(&b, VG_NIB_LINUX, VFIO_AP_MIG_MAX_ISC + 1, 0);
	vg_irq_map(&b, 1, 1);
	vg_irq_raw(out, &b);
	free(b.p);
}

/* The last reserved byte of the second target. */
static void v_irq_target_reserved(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 2, 0, 2);
	vg_irq_target(&b, VG_NIB_LINUX, VG_ISC_LINUX, 0);
	vg_irq_target(&b, VG_NIB_OTHER, VG_ISC_LINUX, 0x80);
	vg_irq_map(&b, 1, 2);
	vg_irq_raw(out, &b);
	free(b.p);
}

static void v_irq_target_dup(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 2, 0, 2);
	vg_irq_target(&b, VG_NIB_LINUX, VG_ISC_LINUX, 0);
	vg_irq_target(&b, VG_NIB_LINUX, VG_ISC_LINUX, 0);
	vg_irq_map(&b, 1, 2);
	vg_irq_raw(out, &b);
	free(b.p);
}

/* Queue 03.0005 names target 2 of 1. */
static void v_irq_map_index(struct vg_buf *out, char *msg)
{
	struct vg_buf b = { 0 };

	vg_irq_hdr(&b, 1, 0, 2);
	vg_irq_target(&b, VG_NIB_LINUX, VG_ISC_LINUX, 0);
	vg_irq_map(&b, 1, 2);
	vg_irq_raw(out, &b);
	free(b.p);
}

#define CFG(c)	{ VFIO_AP_MIG_EV_CONFIG, &(c) }
#define UNCH	{ VFIO_AP_MIG_EV_UNCHANGED, NULL }

static const struct vg_vector vg_vectors[] = {
	{ "empty_config", "no adapter, no domain: a configuration of 0 queues",
	  v_empty_config, OK, NULL, { CFG(vg_empty) } },
	{ "zero_queues", "an adapter and a control domain, no usage domain: 0 queues",
	  v_zero_queues, OK, NULL, { CFG(vg_nodom) } },
	{ "one_queue", "one CEX7 CCA queue 03.0004, control domain 0004",
	  v_one_queue, OK, NULL, { CFG(vg_one) } },
	{ "several", "3 adapters x 4 domains of three AP types and modes",
	  v_several, OK, NULL, { CFG(vg_several) } },
	{ "precopy_unchanged", "pre-copy: configuration (seq 0), then UNCHANGED|FINAL",
	  v_precopy_unchanged, OK, NULL, { CFG(vg_several), UNCH } },
	{ "precopy_changed", "pre-copy: configuration (seq 0), then a changed one, FINAL",
	  v_precopy_changed, OK, NULL, { CFG(vg_several), CFG(vg_changed) } },
	{ "newer_minor", "minor 9: a 32-byte header and two optional sections, skipped",
	  v_newer_minor, OK, NULL, { CFG(vg_one) } },

	{ "bad_magic", "magic APMH", v_bad_magic, -EPROTO,
	  "offset 0: bad magic 0x41504d48, expected 0x41504d47" },
	{ "major_2", "a newer major version", v_major_2, -EPROTONOSUPPORT,
	  "offset 4: unsupported major version 2, this reader knows 1" },
	{ "major_0", "major version 0", v_major_0, -EPROTONOSUPPORT,
	  "offset 4: unsupported major version 0, this reader knows 1" },
	{ "header_len_short", "header length 20", v_header_len_short, -EINVAL,
	  "offset 8: header length 20 out of range 24..256" },
	{ "header_len_long", "header length 257", v_header_len_long, -EINVAL,
	  "offset 8: header length 257 out of range 24..256" },
	{ "flags_unknown", "flag 0x0004 set", v_flags_unknown, -EINVAL,
	  "offset 10: unknown record flags 0x0004" },
	{ "reserved_header", "reserved header field set", v_reserved_header, -EINVAL,
	  "offset 22: reserved header field is 0x0100, not 0" },
	{ "record_len_small", "record length 27", v_record_len_small, -EINVAL,
	  "offset 12: record length 27 out of range 28..1048576" },
	{ "record_len_big", "record length 1 MiB + 1", v_record_len_big, -EINVAL,
	  "offset 12: record length 1048577 out of range 28..1048576" },
	{ "bad_crc", "CRC with its last bit flipped", v_bad_crc, -EBADMSG },
	{ "body_bitflip", "one bit flipped in apm", v_body_bitflip, -EBADMSG },
	{ "empty_stream", "no byte at all", v_empty_stream, -ENODATA,
	  "offset 0: empty stream" },
	{ "truncated_header", "the first 10 bytes of a record",
	  v_truncated_header, -ENODATA,
	  "offset 10: stream ends inside the header of record seq 0 (10 of 24 bytes)" },
	{ "truncated", "a record without its last 10 bytes", v_truncated, -ENODATA,
	  "offset 150: stream ends inside record seq 0 (150 of 160 bytes)" },
	{ "no_final", "one configuration record without FINAL", v_no_final,
	  -ENODATA, "offset 160: stream ends after record seq 0, which is not FINAL",
	  { CFG(vg_one) } },
	{ "trailing_byte", "a zero byte after the FINAL record", v_trailing_byte,
	  -EMSGSIZE, "offset 160: trailing bytes after the final record seq 0",
	  { CFG(vg_one) } },
	{ "trailing_record", "an UNCHANGED record after the FINAL record",
	  v_trailing_record, -EMSGSIZE,
	  "offset 160: trailing bytes after the final record seq 0",
	  { CFG(vg_one) } },
	{ "seq_repeat", "record seq 0 twice", v_seq_repeat, -EILSEQ,
	  "offset 176: record seq 0, expected 1", { CFG(vg_one) } },
	{ "seq_skip", "record seq 0, then seq 2", v_seq_skip, -EILSEQ,
	  "offset 176: record seq 2, expected 1", { CFG(vg_one) } },
	{ "seq_first", "the first record has seq 1", v_seq_first, -EILSEQ,
	  "offset 16: record seq 1, expected 0" },
	{ "unchanged_first", "an UNCHANGED record without a configuration before",
	  v_unchanged_first, -EILSEQ,
	  "offset 10: UNCHANGED record seq 0 follows no configuration record" },
	{ "unchanged_sections", "an UNCHANGED record with a section",
	  v_unchanged_sections, -EINVAL,
	  "offset 180: UNCHANGED record with 1 sections, expected none",
	  { CFG(vg_one) } },
	{ "section_order", "QUEUES before MASKS", v_section_order, -EILSEQ,
	  "offset 52: section 0x0001 after section 0x0002, types must ascend" },
	{ "section_dup", "MASKS twice", v_section_dup, -ENOTUNIQ,
	  "offset 128: duplicate section 0x0001" },
	{ "unknown_mandatory", "a mandatory section of type 3", v_unknown_mandatory,
	  -EOPNOTSUPP, "offset 156: unknown mandatory section 0x0003" },
	{ "missing_masks", "a QUEUES section only", v_missing_masks, -ENOENT,
	  "offset 20: configuration record seq 0 has no MASKS section" },
	{ "missing_queues", "a MASKS section only", v_missing_queues, -ENOENT,
	  "offset 20: configuration record seq 0 has no QUEUES section" },
	{ "masks_len", "a MASKS section of 95 bytes", v_masks_len, -ERANGE,
	  "offset 28: MASKS section length 95, expected 96" },
	{ "section_reserved", "MASKS section reserved field set",
	  v_section_reserved, -EINVAL,
	  "offset 26: section 0x0001: reserved field is 0x0001, not 0" },
	{ "section_overrun", "a QUEUES section longer than the record",
	  v_section_overrun, -ERANGE,
	  "offset 132: section 0x0002: length 1000, only 20 bytes left before the CRC" },
	{ "section_missing", "3 sections announced, 2 present", v_section_missing,
	  -ERANGE,
	  "offset 156: section 2 of 3: 0 bytes left before the CRC, a section header needs 8" },
	{ "bytes_after_sections", "4 bytes between the last section and the CRC",
	  v_bytes_after_sections, -ERANGE,
	  "offset 156: 4 bytes after the last of 2 sections" },
	{ "queues_count_2big", "queue count 65537", v_queues_count_2big, -E2BIG,
	  "offset 136: queue count 65537 above the maximum 65536" },
	{ "queues_short", "a QUEUES section of 4 bytes", v_queues_short, -ERANGE,
	  "offset 132: QUEUES section length 4, below its 8-byte header" },
	{ "queues_len", "queue count 2 with one entry", v_queues_len, -ERANGE,
	  "offset 132: QUEUES section length 20, expected 32 for 2 queues" },
	{ "queues_reserved", "QUEUES reserved field set", v_queues_reserved, -EINVAL,
	  "offset 140: QUEUES reserved field is 0x00000001, not 0" },
	{ "queues_not_matrix", "1 queue for apm x aqm of 2", v_queues_not_matrix,
	  -EDOM, "offset 136: queue count 1, but apm x aqm has 2 queues" },
	{ "queue_outside", "queue 03.0005 with aqm 0004", v_queue_outside, -EDOM,
	  "offset 144: queue 03.0005 is not in apm x aqm" },
	{ "queue_dup", "queue 03.0004 twice", v_queue_dup, -ENOTUNIQ,
	  "offset 156: duplicate queue 03.0004" },
	{ "queue_order", "queue 03.0005 before 03.0004", v_queue_order, -EILSEQ,
	  "offset 156: queue 03.0004 after 03.0005, APQNs must ascend" },
	{ "queue_reserved", "queue entry reserved field set", v_queue_reserved,
	  -EINVAL, "offset 146: queue 03.0004: reserved field is 0x0001, not 0" },
	{ "gr2_unmasked", "GR2 with the number of domains (host bits)",
	  v_gr2_unmasked, -EINVAL,
	  "offset 148: queue 03.0004: GR2 bits 0x0000000000ff0000 outside the migration mask" },
	{ "one_queue_irq", "one_queue with interruptions on: ISC 6 and the NIB of a Linux guest",
	  v_one_queue_irq, OK, NULL, { CFG(vg_one_irq) } },
	{ "irq_shared", "several: one target for all queues as a Linux guest has, 00ab and ff.00ff off",
	  v_irq_shared, OK, NULL, { CFG(vg_several_irq) } },
	{ "irq_targets", "several: three targets (two NIBs, two ISCs), domain 002a off",
	  v_irq_targets, OK, NULL, { CFG(vg_several_targets) } },
	{ "precopy_irq_changed", "pre-copy: configuration (seq 0), then the same with interruptions on, FINAL",
	  v_precopy_irq_changed, OK, NULL, { CFG(vg_several), CFG(vg_several_irq) } },
	{ "irq_newer_minor", "minor 9: a 32-byte header, an IRQ section, then an optional section skipped",
	  v_irq_newer_minor, OK, NULL, { CFG(vg_one_irq) } },
	{ "irq_short", "an IRQ section of 4 bytes", v_irq_short, -ERANGE,
	  "offset 172: IRQ section length 4, shorter than its 8-byte header" },
	{ "irq_targets_0", "an IRQ section with no target", v_irq_targets_0, -EINVAL,
	  "offset 176: IRQ section with 0 targets, expected 1 to 255" },
	{ "irq_targets_256", "an IRQ section with 256 distinct targets",
	  v_irq_targets_256, -EINVAL,
	  "offset 176: IRQ section with 256 targets, expected 1 to 255" },
	{ "irq_reserved", "IRQ section reserved field set", v_irq_reserved, -EINVAL,
	  "offset 178: IRQ section: reserved field is 0x0001, not 0" },
	{ "irq_count", "an IRQ section for 1 queue, QUEUES has 2", v_irq_count, -EDOM,
	  "offset 180: IRQ section for 1 queues, the QUEUES section has 2" },
	{ "irq_len", "an IRQ section one byte longer than its content", v_irq_len,
	  -ERANGE,
	  "offset 172: IRQ section length 27, expected 26 for 1 targets and 2 queues" },
	{ "irq_nib_0", "an IRQ target with NIB address 0", v_irq_nib_0, -EINVAL,
	  "offset 184: IRQ target 1: NIB address 0" },
	{ "irq_isc_8", "an IRQ target with ISC 8", v_irq_isc_8, -EINVAL,
	  "offset 192: IRQ target 1: ISC 8 above 7" },
	{ "irq_target_reserved", "a reserved byte of IRQ target 2 set",
	  v_irq_target_reserved, -EINVAL,
	  "offset 209: IRQ target 2: reserved bytes not 0" },
	{ "irq_target_dup", "IRQ target 2 equal to target 1", v_irq_target_dup,
	  -ENOTUNIQ, "offset 200: IRQ target 2 repeats target 1" },
	{ "irq_map_index", "queue 03.0005 names IRQ target 2 of 1", v_irq_map_index,
	  -EINVAL, "offset 201: queue 03.0005: IRQ target 2 of 1" },
};

#define VG_NR_VECTORS (sizeof(vg_vectors) / sizeof(vg_vectors[0]))

struct vg_built {
	struct vg_buf data;
	char msg[VG_MSG_LEN];
};

static void vg_build(const struct vg_vector *v, struct vg_built *out)
{
	memset(out, 0, sizeof(*out));
	if (v->msg)
		snprintf(out->msg, sizeof(out->msg), "%s", v->msg);
	v->build(&out->data, out->msg);
}

/* The expected decoded form, from the data the vector was built from. */
static char *vg_text(const struct vg_vector *v, const struct vg_built *b)
{
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);
	unsigned int i;

	fprintf(f, "# %s: %s\n", v->name, v->desc);
	fprintf(f, "bytes %zu\n", b->data.len);
	for (i = 0; i < VG_MAX_EVENTS && v->events[i].ev; i++) {
		if (v->events[i].ev == VFIO_AP_MIG_EV_CONFIG) {
			fprintf(f, "record %u config\n", i);
			vt_print_config(f, vg_cfg(v->events[i].cfg));
		} else {
			fprintf(f, "record %u unchanged\n", i);
		}
	}
	fprintf(f, "result %s\n", vt_errno_name(v->err));
	if (v->err)
		fprintf(f, "message %s\n", b->msg);
	fclose(f);
	return text;
}

static void vg_c_bytes(FILE *f, const char *name, const unsigned char *p,
		       size_t len)
{
	size_t i;

	fprintf(f, "static const u8 %s[] = {", name);
	for (i = 0; i < len; i++)
		fprintf(f, "%s0x%02x,", i % 12 ? " " : "\n\t", p[i]);
	fprintf(f, "\n};\n\n");
}

static void vg_c_ids(FILE *f, const char *vname, unsigned int ev,
		     const char *mname, const unsigned long *mask)
{
	unsigned int id, n = 0;

	for (id = 0; id < VFIO_AP_MIG_IDS; id++) {
		if (!test_bit_inv(id, mask))
			continue;
		if (!n++)
			fprintf(f, "static const u8 vfio_ap_mig_vec_%s_%u_%s[] = {",
				vname, ev, mname);
		fprintf(f, "%s0x%02x,", (n - 1) % 12 ? " " : "\n\t", id);
	}
	if (n)
		fprintf(f, "\n};\n\n");
}

static void vg_c_config(FILE *f, const char *vname, unsigned int ev,
			const struct vfio_ap_mig_config *cfg)
{
	u32 i;

	vg_c_ids(f, vname, ev, "apm", cfg->apm);
	vg_c_ids(f, vname, ev, "aqm", cfg->aqm);
	vg_c_ids(f, vname, ev, "adm", cfg->adm);
	if (cfg->nr_queues) {
		fprintf(f, "static const struct vfio_ap_mig_vec_queue vfio_ap_mig_vec_%s_%u_queues[] = {\n",
			vname, ev);
		for (i = 0; i < cfg->nr_queues; i++) {
			const struct vfio_ap_mig_queue *q = &cfg->queues[i];
			const struct vfio_ap_mig_irq_target *t =
				q->irq ? &cfg->irq_targets[q->irq - 1] : NULL;

			fprintf(f, "\t{ 0x%04x, 0x%016llxULL, 0x%llxULL, %u },\n",
				q->apqn, q->gr2, t ? t->nib : 0ULL, t ? t->isc : 0);
		}
		fprintf(f, "};\n\n");
	}
}

static void vg_c_mask_ref(FILE *f, const char *vname, unsigned int ev,
			  const char *mname, const unsigned long *mask)
{
	unsigned int n = bitmap_weight(mask, VFIO_AP_MIG_IDS);

	if (n)
		fprintf(f, "\t\t\t.%s = vfio_ap_mig_vec_%s_%u_%s, .nr_%s = %u,\n",
			mname, vname, ev, mname, mname, n);
}

static const char vg_c_head[] =
"/* SPDX-License-Identifier: GPL-2.0 */\n"
"/*\n"
" * Golden vectors of the vfio_ap migration stream, the same bytes as\n"
" * tests/vectors/<name>.bin, with what decoding them must give.\n"
" * Generated by tests/vectors/gen_vectors.c: do not edit.\n"
" */\n"
"#ifndef _VFIO_AP_MIG_STREAM_VECTORS_H_\n"
"#define _VFIO_AP_MIG_STREAM_VECTORS_H_\n"
"\n"
"#include <linux/errno.h>\n"
"#include <linux/types.h>\n"
"\n"
"#include \"vfio_ap_mig_stream.h\"\n"
"\n"
"/* A queue; @nib 0: interruptions off, else on to (@isc, @nib). */\n"
"struct vfio_ap_mig_vec_queue {\n"
"\tu16 apqn;\n"
"\tu64 gr2;\n"
"\tu64 nib;\n"
"\tu8 isc;\n"
"};\n"
"\n"
"/* A decoded configuration: the ids set in each mask, then the queues. */\n"
"struct vfio_ap_mig_vec_config {\n"
"\tconst u8 *apm, *aqm, *adm;\n"
"\tu16 nr_apm, nr_aqm, nr_adm;\n"
"\tu32 nr_queues;\n"
"\tconst struct vfio_ap_mig_vec_queue *queues;\n"
"};\n"
"\n"
"/* What one record completed: the event and, for a config, its content. */\n"
"struct vfio_ap_mig_vec_event {\n"
"\tenum vfio_ap_mig_event ev;\n"
"\tstruct vfio_ap_mig_vec_config cfg;\n"
"};\n"
"\n"
"/* A stream, the records it completes, then its result and message. */\n"
"struct vfio_ap_mig_vector {\n"
"\tconst char *name;\n"
"\tconst u8 *data;\n"
"\tu32 len;\n"
"\tu32 nr_events;\n"
"\tstruct vfio_ap_mig_vec_event events[2];\n"
"\tint err;\n"
"\tconst char *msg;\n"
"};\n"
"\n";

static const char *vg_errno_c(int err)
{
	static char buf[32];

	if (!err)
		return "0";
	snprintf(buf, sizeof(buf), "-%s", vt_errno_name(err));
	return buf;
}

static void vg_max_cfg(struct vfio_ap_mig_config *cfg);

/* The KUnit header: every small vector, and the max stream's size and CRC. */
static char *vg_header(struct vg_built *built)
{
	const struct vg_vector *v;
	char *text = NULL, name[96];
	struct vfio_ap_mig_config max;
	unsigned char *max_data;
	size_t size, max_len;
	unsigned int i, k;
	FILE *f = open_memstream(&text, &size);

	fputs(vg_c_head, f);
	for (i = 0; i < VG_NR_VECTORS; i++) {
		v = &vg_vectors[i];
		if (built[i].data.len) {
			snprintf(name, sizeof(name), "vfio_ap_mig_vec_%s_data",
				 v->name);
			vg_c_bytes(f, name, built[i].data.p, built[i].data.len);
		}
		for (k = 0; k < VG_MAX_EVENTS && v->events[k].ev; k++)
			if (v->events[k].ev == VFIO_AP_MIG_EV_CONFIG)
				vg_c_config(f, v->name, k, vg_cfg(v->events[k].cfg));
	}

	fprintf(f, "static const struct vfio_ap_mig_vector vfio_ap_mig_vectors[] = {\n");
	for (i = 0; i < VG_NR_VECTORS; i++) {
		v = &vg_vectors[i];
		fprintf(f, "\t{\n\t\t.name = \"%s\",\n", v->name);
		if (built[i].data.len)
			fprintf(f, "\t\t.data = vfio_ap_mig_vec_%s_data,\n", v->name);
		fprintf(f, "\t\t.len = %zu,\n", built[i].data.len);
		for (k = 0; k < VG_MAX_EVENTS && v->events[k].ev; k++)
			;
		fprintf(f, "\t\t.nr_events = %u,\n", k);
		for (k = 0; k < VG_MAX_EVENTS && v->events[k].ev; k++) {
			const struct vfio_ap_mig_config *c;

			if (v->events[k].ev == VFIO_AP_MIG_EV_UNCHANGED) {
				fprintf(f, "\t\t.events[%u] = { .ev = VFIO_AP_MIG_EV_UNCHANGED },\n",
					k);
				continue;
			}
			c = vg_cfg(v->events[k].cfg);
			fprintf(f, "\t\t.events[%u] = { .ev = VFIO_AP_MIG_EV_CONFIG, .cfg = {\n",
				k);
			vg_c_mask_ref(f, v->name, k, "apm", c->apm);
			vg_c_mask_ref(f, v->name, k, "aqm", c->aqm);
			vg_c_mask_ref(f, v->name, k, "adm", c->adm);
			fprintf(f, "\t\t\t.nr_queues = %u,\n", c->nr_queues);
			if (c->nr_queues)
				fprintf(f, "\t\t\t.queues = vfio_ap_mig_vec_%s_%u_queues,\n",
					v->name, k);
			fprintf(f, "\t\t} },\n");
		}
		fprintf(f, "\t\t.err = %s,\n", vg_errno_c(v->err));
		if (v->err)
			fprintf(f, "\t\t.msg =\n\t\t\t\"%s\",\n", built[i].msg);
		fprintf(f, "\t},\n");
	}
	fprintf(f, "};\n\n");

	vg_max_cfg(&max);
	max_len = vfio_ap_mig_config_record_size(max.nr_queues);
	max_data = malloc(max_len);
	if (!max_data ||
	    vfio_ap_mig_encode_config(&max, 0, VFIO_AP_MIG_REC_FINAL, max_data,
				      max_len) != (ssize_t)max_len)
		exit(2);
	fprintf(f, "/* The 256 x 256 queue stream: every id in every mask, one FINAL record. */\n");
	fprintf(f, "#define VFIO_AP_MIG_VEC_MAX_LEN\t\t%zu\n", max_len);
	fprintf(f, "#define VFIO_AP_MIG_VEC_MAX_CRC32C\t0x%08x\n\n",
		vfio_ap_mig_crc32c(max_data, max_len));
	fprintf(f, "/* GR2 of queue @apqn in the 256 x 256 queue stream. */\n");
	fputs(VG_MAX_GR2_TEXT, f);
	fprintf(f, "\n#endif /* _VFIO_AP_MIG_STREAM_VECTORS_H_ */\n");
	fclose(f);
	free(max_data);
	vfio_ap_mig_config_free(&max);
	return text;
}

static void vg_max_cfg(struct vfio_ap_mig_config *cfg)
{
	u32 i;

	if (vfio_ap_mig_config_alloc(cfg, 0))
		exit(2);
	bitmap_fill(cfg->apm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->aqm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->adm, VFIO_AP_MIG_IDS);
	if (vfio_ap_mig_config_fill_apqns(cfg))
		exit(2);
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = vg_gr2_max(cfg->queues[i].apqn);
}

static char *vg_max_text(const unsigned char *data, size_t len)
{
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);

	fprintf(f, "# max: 256 x 256 queues, every id in every mask; the .bin is built by\n"
		   "# `gen_vectors max` at build time, its queues follow vfio_ap_mig_vec_max_gr2()\n");
	fprintf(f, "bytes %zu\ncrc32c 0x%08x\nqueues %u\n", len,
		vfio_ap_mig_crc32c(data, len), VFIO_AP_MIG_MAX_QUEUES);
	fclose(f);
	return text;
}

/* Write @len bytes to @path, or compare them with it. */
static int vg_file(const char *path, const void *p, size_t len, bool check)
{
	unsigned char *old;
	long n;
	FILE *f;
	int ret = 0;

	if (!check) {
		f = fopen(path, "wb");
		if (!f || (len && fwrite(p, 1, len, f) != len) || fclose(f)) {
			perror(path);
			return -1;
		}
		return 0;
	}
	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	old = malloc(n + 1);
	if (!old || fread(old, 1, n, f) != (size_t)n || (size_t)n != len ||
	    (len && memcmp(old, p, len))) {
		fprintf(stderr, "gen_vectors: %s differs from what the encoder and generator produce now\n",
			path);
		ret = -1;
	}
	free(old);
	fclose(f);
	return ret;
}

/* The crafting writer and the encoder must agree on an ordinary record. */
static void vg_self_check(void)
{
	struct vg_config *const cfgs[] = { &vg_several, &vg_several_targets };
	struct vg_hdr h = vg_hdr(0, VFIO_AP_MIG_REC_FINAL);
	struct vg_buf a, b;
	unsigned int i;

	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		vg_encode(&a, vg_cfg(cfgs[i]), 0, VFIO_AP_MIG_REC_FINAL);
		vg_craft(&b, &h, vg_cfg(cfgs[i]));
		if (a.len != b.len || memcmp(a.p, b.p, a.len)) {
			fprintf(stderr, "gen_vectors: encoder and crafting writer disagree\n");
			exit(2);
		}
		free(a.p);
		free(b.p);
	}
}

static int vg_all(const char *dir, const char *header, bool check)
{
	struct vg_built built[VG_NR_VECTORS];
	struct vfio_ap_mig_config max;
	unsigned char *max_data;
	size_t max_len;
	char path[4096], *text;
	unsigned int i;
	int ret = 0;

	vg_self_check();
	for (i = 0; i < VG_NR_VECTORS; i++) {
		vg_build(&vg_vectors[i], &built[i]);
		snprintf(path, sizeof(path), "%s/%s.bin", dir, vg_vectors[i].name);
		ret |= vg_file(path, built[i].data.p, built[i].data.len, check);
		text = vg_text(&vg_vectors[i], &built[i]);
		snprintf(path, sizeof(path), "%s/%s.txt", dir, vg_vectors[i].name);
		ret |= vg_file(path, text, strlen(text), check);
		free(text);
	}

	vg_max_cfg(&max);
	max_len = vfio_ap_mig_config_record_size(max.nr_queues);
	max_data = malloc(max_len);
	if (!max_data ||
	    vfio_ap_mig_encode_config(&max, 0, VFIO_AP_MIG_REC_FINAL, max_data,
				      max_len) != (ssize_t)max_len)
		exit(2);
	text = vg_max_text(max_data, max_len);
	snprintf(path, sizeof(path), "%s/max.txt", dir);
	ret |= vg_file(path, text, strlen(text), check);
	free(text);
	free(max_data);
	vfio_ap_mig_config_free(&max);

	text = vg_header(built);
	ret |= vg_file(header, text, strlen(text), check);
	free(text);
	for (i = 0; i < VG_NR_VECTORS; i++)
		free(built[i].data.p);
	return ret ? 1 : 0;
}

static int vg_max(const char *path)
{
	struct vfio_ap_mig_config max;
	unsigned char *data;
	size_t len;
	int ret;

	vg_max_cfg(&max);
	len = vfio_ap_mig_config_record_size(max.nr_queues);
	data = malloc(len);
	if (!data ||
	    vfio_ap_mig_encode_config(&max, 0, VFIO_AP_MIG_REC_FINAL, data,
				      len) != (ssize_t)len)
		return 2;
	ret = vg_file(path, data, len, false) ? 1 : 0;
	free(data);
	vfio_ap_mig_config_free(&max);
	return ret;
}

int main(int argc, char **argv)
{
	int ret;
	unsigned int i;

	if (argc == 4 && !strcmp(argv[1], "write"))
		ret = vg_all(argv[2], argv[3], false);
	else if (argc == 4 && !strcmp(argv[1], "check"))
		ret = vg_all(argv[2], argv[3], true);
	else if (argc == 3 && !strcmp(argv[1], "max"))
		return vg_max(argv[2]);
	else {
		fprintf(stderr, "usage: gen_vectors write|check DIR HEADER | max FILE\n");
		return 2;
	}
	if (ret && !strcmp(argv[1], "check"))
		fprintf(stderr, "gen_vectors: run `gen_vectors write tests/vectors kernel/drivers/s390/crypto/vfio_ap_mig_stream_vectors.h` if the change is intended\n");
	for (i = 0; i < sizeof(vg_configs_all) / sizeof(vg_configs_all[0]); i++)
		vfio_ap_mig_config_free(&vg_configs_all[i]->cfg);
	return ret;
}
