/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_ap migration stream: the guest's AP configuration on the wire.
 * Pure C, also compiled unchanged in userspace; the format is described in
 * Documentation/arch/s390/vfio-ap-migration.rst.
 *
 * FROZEN: the version 1.0 codec exactly as of commit cfd4963 (git show
 * cfd4963:kernel/drivers/s390/crypto/vfio_ap_mig_stream.h), kept
 * only to prove that a 1.0 reader reads what a newer writer sends and that
 * the current reader reads what a 1.0 writer sent (tests/compat/). Never
 * edit it; it is not part of the kernel series.
 */
#ifndef _VFIO_AP_MIG_STREAM_H_
#define _VFIO_AP_MIG_STREAM_H_

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/types.h>

#define VFIO_AP_MIG_MAGIC		0x41504d47	/* "APMG" */
#define VFIO_AP_MIG_MAJOR		1
#define VFIO_AP_MIG_MINOR		0

#define VFIO_AP_MIG_IDS			256	/* adapter and domain ids */
#define VFIO_AP_MIG_MAX_QUEUES		(VFIO_AP_MIG_IDS * VFIO_AP_MIG_IDS)

/* Record header: every field big-endian */
#define VFIO_AP_MIG_HDR_SIZE		24
#define VFIO_AP_MIG_CRC_SIZE		4
#define VFIO_AP_MIG_SECTION_HDR_SIZE	8
#define VFIO_AP_MIG_MASKS_SIZE		96	/* apm, aqm, adm: 32 bytes each */
#define VFIO_AP_MIG_QUEUES_HDR_SIZE	8	/* count, reserved */
#define VFIO_AP_MIG_QUEUE_SIZE		12	/* apqn, reserved, gr2 */

/* A record (header + sections + CRC) is never larger than this. */
#define VFIO_AP_MIG_MAX_RECORD		(1024U * 1024U)
/* A whole stream (pre-copy record + stop-copy record) never exceeds this. */
#define VFIO_AP_MIG_MAX_STREAM		(2U * VFIO_AP_MIG_MAX_RECORD)

/* Record flags (header offset 10) */
#define VFIO_AP_MIG_REC_FINAL		0x0001	/* last record of the stream */
#define VFIO_AP_MIG_REC_UNCHANGED	0x0002	/* no sections: config as before */
#define VFIO_AP_MIG_REC_FLAGS_KNOWN	0x0003

/* Section types; bit 15 marks a section an older reader may skip. */
#define VFIO_AP_MIG_SEC_OPTIONAL	0x8000
#define VFIO_AP_MIG_SEC_MASKS		0x0001
#define VFIO_AP_MIG_SEC_QUEUES		0x0002

/*
 * TAPQ GR2 bits that matter to migration (bit 0 = MSB): facilities and
 * modes (0-7), class (8-15), SE bind state (16-17), AP type (32-39) and
 * maximum message length (52-55). Queue depth and the number of domains
 * are host properties the guest does not depend on.
 */
#define VFIO_AP_MIG_GR2_APSC		BIT_ULL(63)
#define VFIO_AP_MIG_GR2_AP4KM		BIT_ULL(62)
#define VFIO_AP_MIG_GR2_AP4KC		BIT_ULL(61)
#define VFIO_AP_MIG_GR2_CCA		BIT_ULL(60)
#define VFIO_AP_MIG_GR2_ACCEL		BIT_ULL(59)
#define VFIO_AP_MIG_GR2_EP11		BIT_ULL(58)
#define VFIO_AP_MIG_GR2_APXA		BIT_ULL(57)
#define VFIO_AP_MIG_GR2_SLCF		BIT_ULL(56)
#define VFIO_AP_MIG_GR2_CLASS_SHIFT	48
#define VFIO_AP_MIG_GR2_CLASS		(0xffULL << VFIO_AP_MIG_GR2_CLASS_SHIFT)
#define VFIO_AP_MIG_CLASS_FULL_NATIVE	0x80
#define VFIO_AP_MIG_CLASS_STATELESS	0x40
#define VFIO_AP_MIG_GR2_BS_SHIFT	46
#define VFIO_AP_MIG_GR2_BS		(3ULL << VFIO_AP_MIG_GR2_BS_SHIFT)
#define VFIO_AP_MIG_GR2_AT_SHIFT	24
#define VFIO_AP_MIG_GR2_AT		(0xffULL << VFIO_AP_MIG_GR2_AT_SHIFT)
#define VFIO_AP_MIG_GR2_ML_SHIFT	8
#define VFIO_AP_MIG_GR2_ML		(0xfULL << VFIO_AP_MIG_GR2_ML_SHIFT)
#define VFIO_AP_MIG_GR2_MASK		(0xffffc00000000000ULL | \
					 VFIO_AP_MIG_GR2_AT | VFIO_AP_MIG_GR2_ML)

#define VFIO_AP_MIG_APQN(apid, apqi)	((u16)(((apid) << 8) | (apqi)))
#define VFIO_AP_MIG_APID(apqn)		((apqn) >> 8)
#define VFIO_AP_MIG_APQI(apqn)		((apqn) & 0xff)

/**
 * struct vfio_ap_mig_queue - one queue of the guest's configuration
 * @apqn: adapter id << 8 | domain id
 * @gr2:  TAPQ GR2 masked with VFIO_AP_MIG_GR2_MASK
 */
struct vfio_ap_mig_queue {
	u16 apqn;
	u64 gr2;
};

/**
 * struct vfio_ap_mig_config - a guest's AP configuration
 * @apm: adapters (bit numbering as test_bit_inv(): id 0 is the MSB)
 * @aqm: usage domains
 * @adm: control domains
 * @nr_queues: number of entries in @queues, popcount(apm) * popcount(aqm)
 * @queues: one entry per APQN of apm x aqm, ascending APQN order
 */
struct vfio_ap_mig_config {
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);
	u32 nr_queues;
	struct vfio_ap_mig_queue *queues;
};

/* Allocate @cfg->queues for @nr_queues entries (bounded); zeroes the masks. */
int vfio_ap_mig_config_alloc(struct vfio_ap_mig_config *cfg, u32 nr_queues);
void vfio_ap_mig_config_free(struct vfio_ap_mig_config *cfg);
/* Fill @cfg->queues with the APQNs of apm x aqm in ascending order (gr2 = 0). */
int vfio_ap_mig_config_fill_apqns(struct vfio_ap_mig_config *cfg);
/* Build @cfg from a guest's APCB, asking @tapq for each queue's GR2. */
int vfio_ap_mig_config_build(struct vfio_ap_mig_config *cfg,
			     const unsigned long *apm, const unsigned long *aqm,
			     const unsigned long *adm,
			     int (*tapq)(void *ctx, u16 apqn, u64 *gr2),
			     void *ctx, u16 *failed);
bool vfio_ap_mig_config_equal(const struct vfio_ap_mig_config *a,
			      const struct vfio_ap_mig_config *b);

/* Exact size in bytes of a configuration record for @nr_queues queues. */
size_t vfio_ap_mig_config_record_size(u32 nr_queues);
/* Size of an UNCHANGED record (header + CRC). */
#define VFIO_AP_MIG_UNCHANGED_RECORD_SIZE (VFIO_AP_MIG_HDR_SIZE + VFIO_AP_MIG_CRC_SIZE)

/*
 * Encode @cfg as record number @seq into @buf; @flags is a set of
 * VFIO_AP_MIG_REC_*. Returns the bytes written or -errno.
 */
ssize_t vfio_ap_mig_encode_config(const struct vfio_ap_mig_config *cfg,
				  u32 seq, u16 flags, void *buf, size_t len);
/* Encode an UNCHANGED | FINAL record number @seq. */
ssize_t vfio_ap_mig_encode_unchanged(u32 seq, void *buf, size_t len);

/* Standard CRC-32C (Castagnoli): init ~0, reflected, final xor ~0. */
u32 vfio_ap_mig_crc32c(const void *buf, size_t len);

/* What the last vfio_ap_mig_decoder_feed() call completed. */
enum vfio_ap_mig_event {
	VFIO_AP_MIG_EV_NONE,		/* need more bytes */
	VFIO_AP_MIG_EV_CONFIG,		/* a configuration record is complete */
	VFIO_AP_MIG_EV_UNCHANGED,	/* an UNCHANGED record is complete */
};

#define VFIO_AP_MIG_ERRMSG_LEN 160

/**
 * struct vfio_ap_mig_decoder - incremental stream decoder
 *
 * Accepts the stream in feeds of any size. The header is validated as soon
 * as it is complete; the record buffer is allocated only after its length
 * was bounded; each field is read once from the decoder's own copy.
 * All fields are private to vfio_ap_mig_stream.c.
 */
struct vfio_ap_mig_decoder {
	/* private: */
	u8 hdr[VFIO_AP_MIG_HDR_SIZE];
	u8 *rec;			/* whole current record once header ok */
	u32 rec_len;			/* from the header, bounded */
	u32 have;			/* bytes of the current record held */
	u64 offset;			/* stream offset of the next byte */
	u64 rec_offset;			/* stream offset of the current record */
	u32 next_seq;
	u16 rec_flags;			/* header fields kept for the body */
	u16 hdr_len;
	u16 nr_sections;
	bool final;			/* the FINAL record was decoded */
	int error;			/* sticky: once failed, always failed */
	struct vfio_ap_mig_config cfg;	/* last complete configuration */
	bool have_cfg;
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
};

void vfio_ap_mig_decoder_init(struct vfio_ap_mig_decoder *dec);
void vfio_ap_mig_decoder_release(struct vfio_ap_mig_decoder *dec);
/*
 * Consume bytes from @buf up to the end of the current record at most.
 * Returns the number of bytes consumed (> 0 when @len > 0) or -errno
 * (the errno says which rule the stream broke); @event tells
 * whether a record completed with the consumed bytes.
 */
ssize_t vfio_ap_mig_decoder_feed(struct vfio_ap_mig_decoder *dec,
				 const void *buf, size_t len,
				 enum vfio_ap_mig_event *event);
/* End of input: 0 if the FINAL record was decoded and nothing follows. */
int vfio_ap_mig_decoder_finish(struct vfio_ap_mig_decoder *dec);
/* Human-readable reason for the last error, naming the stream offset. */
const char *vfio_ap_mig_decoder_errmsg(const struct vfio_ap_mig_decoder *dec);
/* The last complete configuration, or NULL; owned by the decoder. */
const struct vfio_ap_mig_config *
vfio_ap_mig_decoder_config(const struct vfio_ap_mig_decoder *dec);

#endif /* _VFIO_AP_MIG_STREAM_H_ */
