// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the vfio_ap migration stream codec. The golden vectors of
 * tests/vectors/ are built in (vfio_ap_mig_stream_vectors.h), so the same
 * bytes are decoded to the same fields here, on big-endian s390x, as by the
 * userspace tests on little-endian hosts.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "vfio_ap_mig_stream.h"
#include "vfio_ap_mig_stream_vectors.h"

KUNIT_DEFINE_ACTION_WRAPPER(vfio_ap_mig_test_kvfree, kvfree, const void *);

static void *vfio_ap_mig_test_alloc(struct kunit *test, size_t size)
{
	void *p = kvzalloc(size, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, p);
	ret = kunit_add_action_or_reset(test, vfio_ap_mig_test_kvfree, p);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return p;
}

static void vfio_ap_mig_test_release(void *dec)
{
	vfio_ap_mig_decoder_release(dec);
}

static struct vfio_ap_mig_decoder *vfio_ap_mig_test_decoder(struct kunit *test)
{
	struct vfio_ap_mig_decoder *dec;
	int ret;

	dec = kunit_kzalloc(test, sizeof(*dec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dec);
	vfio_ap_mig_decoder_init(dec);
	ret = kunit_add_action_or_reset(test, vfio_ap_mig_test_release, dec);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return dec;
}

static void vfio_ap_mig_test_free_cfg(void *cfg)
{
	vfio_ap_mig_config_free(cfg);
}

static void vfio_ap_mig_test_expect_ids(struct kunit *test,
					const struct vfio_ap_mig_vector *v,
					const char *what,
					const unsigned long *mask,
					const u8 *ids, u16 nr)
{
	unsigned int id, i = 0;

	for (id = 0; id < VFIO_AP_MIG_IDS; id++) {
		if (!test_bit_inv(id, mask))
			continue;
		KUNIT_EXPECT_LT_MSG(test, i, nr, "%s: %s has extra id 0x%02x",
				    v->name, what, id);
		if (i < nr)
			KUNIT_EXPECT_EQ_MSG(test, id, ids[i], "%s: %s",
					    v->name, what);
		i++;
	}
	KUNIT_EXPECT_EQ_MSG(test, i, nr, "%s: %s", v->name, what);
}

static void vfio_ap_mig_test_expect_cfg(struct kunit *test,
					const struct vfio_ap_mig_vector *v,
					const struct vfio_ap_mig_config *cfg,
					const struct vfio_ap_mig_vec_config *want)
{
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	vfio_ap_mig_test_expect_ids(test, v, "apm", cfg->apm, want->apm,
				    want->nr_apm);
	vfio_ap_mig_test_expect_ids(test, v, "aqm", cfg->aqm, want->aqm,
				    want->nr_aqm);
	vfio_ap_mig_test_expect_ids(test, v, "adm", cfg->adm, want->adm,
				    want->nr_adm);
	KUNIT_ASSERT_EQ_MSG(test, cfg->nr_queues, want->nr_queues, "%s",
			    v->name);
	for (i = 0; i < want->nr_queues; i++) {
		const struct vfio_ap_mig_queue *q = &cfg->queues[i];

		KUNIT_EXPECT_EQ_MSG(test, q->apqn, want->queues[i].apqn,
				    "%s: queue %u", v->name, i);
		KUNIT_EXPECT_EQ_MSG(test, q->gr2, want->queues[i].gr2,
				    "%s: queue %u", v->name, i);
		/* the registration by value: nib 0 in the vector is off */
		if (!want->queues[i].nib) {
			KUNIT_EXPECT_EQ_MSG(test, q->irq, 0, "%s: queue %u",
					    v->name, i);
			continue;
		}
		KUNIT_ASSERT_GT_MSG(test, q->irq, 0, "%s: queue %u", v->name, i);
		KUNIT_ASSERT_LE_MSG(test, q->irq, cfg->nr_irq_targets,
				    "%s: queue %u", v->name, i);
		KUNIT_EXPECT_EQ_MSG(test, cfg->irq_targets[q->irq - 1].nib,
				    want->queues[i].nib, "%s: queue %u",
				    v->name, i);
		KUNIT_EXPECT_EQ_MSG(test, cfg->irq_targets[q->irq - 1].isc,
				    want->queues[i].isc, "%s: queue %u",
				    v->name, i);
	}
}

/*
 * Decode vector @v in feeds of @chunk bytes (0: all at once) and check
 * every event, the decoded fields, the result and the message.
 */
static void vfio_ap_mig_test_vector(struct kunit *test,
				    struct vfio_ap_mig_decoder *dec,
				    const struct vfio_ap_mig_vector *v,
				    size_t chunk)
{
	enum vfio_ap_mig_event ev;
	unsigned int events = 0;
	size_t off = 0, n;
	ssize_t ret = 0;

	vfio_ap_mig_decoder_init(dec);
	while (off < v->len) {
		n = chunk ? min_t(size_t, chunk, v->len - off) : v->len - off;
		ret = vfio_ap_mig_decoder_feed(dec, v->data + off, n, &ev);
		if (ret < 0)
			break;
		KUNIT_ASSERT_GT(test, ret, 0);
		off += ret;
		if (ev == VFIO_AP_MIG_EV_NONE)
			continue;
		KUNIT_ASSERT_LT_MSG(test, events, v->nr_events, "%s", v->name);
		KUNIT_EXPECT_EQ_MSG(test, ev, v->events[events].ev, "%s",
				    v->name);
		if (ev == VFIO_AP_MIG_EV_CONFIG)
			vfio_ap_mig_test_expect_cfg(test, v,
						    vfio_ap_mig_decoder_config(dec),
						    &v->events[events].cfg);
		events++;
	}
	if (ret >= 0)
		ret = vfio_ap_mig_decoder_finish(dec);
	KUNIT_EXPECT_EQ_MSG(test, ret, v->err, "%s (chunk %zu): %s", v->name,
			    chunk, vfio_ap_mig_decoder_errmsg(dec));
	KUNIT_EXPECT_EQ_MSG(test, events, v->nr_events, "%s", v->name);
	if (v->err)
		KUNIT_EXPECT_STREQ_MSG(test, vfio_ap_mig_decoder_errmsg(dec),
				       v->msg, "%s", v->name);
	vfio_ap_mig_decoder_release(dec);
}

/* Every vector fed at once decodes to its fields, errno and message. */
static void vectors_decode_whole(struct kunit *test)
{
	struct vfio_ap_mig_decoder *dec = vfio_ap_mig_test_decoder(test);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vfio_ap_mig_vectors); i++)
		vfio_ap_mig_test_vector(test, dec, &vfio_ap_mig_vectors[i], 0);
}

/* The same, one byte at a time. */
static void vectors_decode_byte_by_byte(struct kunit *test)
{
	struct vfio_ap_mig_decoder *dec = vfio_ap_mig_test_decoder(test);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vfio_ap_mig_vectors); i++)
		vfio_ap_mig_test_vector(test, dec, &vfio_ap_mig_vectors[i], 1);
}

/* The same, in every chunk size from 2 bytes to the whole stream. */
static void vectors_decode_every_chunk_size(struct kunit *test)
{
	struct vfio_ap_mig_decoder *dec = vfio_ap_mig_test_decoder(test);
	const struct vfio_ap_mig_vector *v;
	size_t i, chunk;

	for (i = 0; i < ARRAY_SIZE(vfio_ap_mig_vectors); i++) {
		v = &vfio_ap_mig_vectors[i];
		for (chunk = 2; chunk <= v->len; chunk++)
			vfio_ap_mig_test_vector(test, dec, v, chunk);
	}
}

/*
 * The encoder writes, on this machine, exactly the bytes of every valid
 * single-configuration vector it was generated from.
 */
static void vectors_encode_identical(struct kunit *test)
{
	static const char *const names[] = {
		"empty_config", "zero_queues", "one_queue", "several",
		"one_queue_irq", "irq_shared", "irq_targets",
	};
	struct vfio_ap_mig_decoder *dec = vfio_ap_mig_test_decoder(test);
	const struct vfio_ap_mig_vector *v;
	const struct vfio_ap_mig_config *cfg;
	enum vfio_ap_mig_event ev;
	ssize_t ret;
	size_t i, k;
	u8 *buf;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		v = NULL;
		for (k = 0; k < ARRAY_SIZE(vfio_ap_mig_vectors); k++)
			if (!strcmp(vfio_ap_mig_vectors[k].name, names[i]))
				v = &vfio_ap_mig_vectors[k];
		KUNIT_ASSERT_NOT_NULL(test, v);
		vfio_ap_mig_decoder_init(dec);
		ret = vfio_ap_mig_decoder_feed(dec, v->data, v->len, &ev);
		KUNIT_ASSERT_EQ(test, ret, v->len);
		cfg = vfio_ap_mig_decoder_config(dec);
		KUNIT_ASSERT_NOT_NULL(test, cfg);
		buf = vfio_ap_mig_test_alloc(test, v->len);
		ret = vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL,
						buf, v->len);
		KUNIT_EXPECT_EQ(test, ret, v->len);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, v->data, v->len, "%s",
				       v->name);
		vfio_ap_mig_decoder_release(dec);
	}
}

/*
 * The 256 x 256 queue configuration encodes to the pinned size and CRC
 * and, decoded one byte at a time, re-encodes byte-identical.
 */
static void max_round_trip_identical(struct kunit *test)
{
	size_t len = vfio_ap_mig_config_record_size(VFIO_AP_MIG_MAX_QUEUES);
	struct vfio_ap_mig_config *cfg;
	struct vfio_ap_mig_decoder *dec;
	enum vfio_ap_mig_event ev, want;
	ssize_t ret;
	u8 *a, *b;
	size_t off;
	u32 i;

	KUNIT_ASSERT_EQ(test, len, VFIO_AP_MIG_VEC_MAX_LEN);
	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_alloc(cfg, 0), 0);
	ret = kunit_add_action_or_reset(test, vfio_ap_mig_test_free_cfg, cfg);
	KUNIT_ASSERT_EQ(test, ret, 0);
	bitmap_fill(cfg->apm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->aqm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->adm, VFIO_AP_MIG_IDS);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_fill_apqns(cfg), 0);
	KUNIT_ASSERT_EQ(test, cfg->nr_queues, VFIO_AP_MIG_MAX_QUEUES);
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = vfio_ap_mig_vec_max_gr2(cfg->queues[i].apqn);

	a = vfio_ap_mig_test_alloc(test, len);
	b = vfio_ap_mig_test_alloc(test, len);
	ret = vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL, a, len);
	KUNIT_ASSERT_EQ(test, ret, len);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_crc32c(a, len),
			VFIO_AP_MIG_VEC_MAX_CRC32C);

	dec = vfio_ap_mig_test_decoder(test);
	for (off = 0; off < len; off++) {
		ret = vfio_ap_mig_decoder_feed(dec, a + off, 1, &ev);
		KUNIT_ASSERT_EQ(test, ret, 1);
		want = off == len - 1 ? VFIO_AP_MIG_EV_CONFIG :
					VFIO_AP_MIG_EV_NONE;
		KUNIT_ASSERT_EQ(test, ev, want);
	}
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_decoder_finish(dec), 0);
	KUNIT_EXPECT_TRUE(test,
			  vfio_ap_mig_config_equal(cfg, vfio_ap_mig_decoder_config(dec)));
	ret = vfio_ap_mig_encode_config(vfio_ap_mig_decoder_config(dec), 0,
					VFIO_AP_MIG_REC_FINAL, b, len);
	KUNIT_ASSERT_EQ(test, ret, len);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, len), 0);
}

/*
 * A 65,536-queue guest with every queue on one interruption target, as a
 * Linux guest registers them, fits a record and round-trips: decoded one
 * byte at a time, equal, and re-encoded identical. One queue more on a
 * second target moves it to target 2, by value.
 */
static void irq_max_round_trip(struct kunit *test)
{
	struct vfio_ap_mig_config *cfg;
	struct vfio_ap_mig_decoder *dec;
	const struct vfio_ap_mig_config *got;
	enum vfio_ap_mig_event ev = VFIO_AP_MIG_EV_NONE;
	size_t len, off;
	ssize_t ret;
	u8 *a, *b;
	u32 i;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_alloc(cfg, 0), 0);
	ret = kunit_add_action_or_reset(test, vfio_ap_mig_test_free_cfg, cfg);
	KUNIT_ASSERT_EQ(test, ret, 0);
	bitmap_fill(cfg->apm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->aqm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->adm, VFIO_AP_MIG_IDS);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_fill_apqns(cfg), 0);
	for (i = 0; i < cfg->nr_queues; i++) {
		cfg->queues[i].gr2 = vfio_ap_mig_vec_max_gr2(cfg->queues[i].apqn);
		KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_set_irq(cfg, i, 6,
								 0x1a2b3c4), 0);
	}
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_set_irq(cfg, 7, 3, 0x1a2b3c4), 0);
	KUNIT_EXPECT_EQ(test, cfg->queues[7].irq, 2);
	len = vfio_ap_mig_config_size(cfg);
	KUNIT_EXPECT_EQ(test, len, vfio_ap_mig_config_record_size(VFIO_AP_MIG_MAX_QUEUES) +
			8 + 8 + 2 * 16 + VFIO_AP_MIG_MAX_QUEUES);
	KUNIT_ASSERT_LE(test, len, VFIO_AP_MIG_MAX_RECORD);

	a = vfio_ap_mig_test_alloc(test, len);
	b = vfio_ap_mig_test_alloc(test, len);
	ret = vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL, a, len);
	KUNIT_ASSERT_EQ(test, ret, len);
	dec = vfio_ap_mig_test_decoder(test);
	for (off = 0; off < len; off++) {
		ret = vfio_ap_mig_decoder_feed(dec, a + off, 1, &ev);
		KUNIT_ASSERT_EQ(test, ret, 1);
	}
	KUNIT_ASSERT_EQ(test, ev, VFIO_AP_MIG_EV_CONFIG);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_decoder_finish(dec), 0);
	got = vfio_ap_mig_decoder_config(dec);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->nr_irq_targets, 2);
	KUNIT_EXPECT_TRUE(test, vfio_ap_mig_config_equal(cfg, got));
	ret = vfio_ap_mig_encode_config(got, 0, VFIO_AP_MIG_REC_FINAL, b, len);
	KUNIT_ASSERT_EQ(test, ret, len);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, len), 0);
}

/* set_irq: 255 distinct targets, then -ENOSPC; bad ISC, NIB, index. */
static void irq_set_bounds(struct kunit *test)
{
	struct vfio_ap_mig_config *cfg;
	int ret;
	u32 i;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_alloc(cfg, 0), 0);
	ret = kunit_add_action_or_reset(test, vfio_ap_mig_test_free_cfg, cfg);
	KUNIT_ASSERT_EQ(test, ret, 0);
	set_bit_inv(1, cfg->apm);
	bitmap_fill(cfg->aqm, VFIO_AP_MIG_IDS);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_fill_apqns(cfg), 0);
	KUNIT_ASSERT_EQ(test, cfg->nr_queues, 256);
	for (i = 0; i < VFIO_AP_MIG_MAX_IRQ_TARGETS; i++)
		KUNIT_ASSERT_EQ(test, vfio_ap_mig_config_set_irq(cfg, i, i % 8,
								 0x1000 + i / 8), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_set_irq(cfg, 255, 0, 0x9000),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, cfg->queues[255].irq, 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_set_irq(cfg, 255, 0, 0x1000), 0);
	KUNIT_EXPECT_EQ(test, cfg->queues[255].irq, 1);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_set_irq(cfg, 0, 8, 0x1000),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_set_irq(cfg, 0, 6, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_config_set_irq(cfg, 256, 6, 0x1000),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, cfg->nr_irq_targets, VFIO_AP_MIG_MAX_IRQ_TARGETS);
}

/* The standard CRC-32C check value, through the kernel's crc32c(). */
static void crc32c_check_value(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_crc32c("123456789", 9), 0xe3069283);
}

/* A failed decoder keeps its errno and message; release makes it new. */
static void decoder_error_sticky(struct kunit *test)
{
	static const u8 garbage[24] = { 'N', 'O', 'P', 'E' };
	struct vfio_ap_mig_decoder *dec = vfio_ap_mig_test_decoder(test);
	enum vfio_ap_mig_event ev;
	ssize_t ret;

	ret = vfio_ap_mig_decoder_feed(dec, garbage, sizeof(garbage), &ev);
	KUNIT_EXPECT_EQ(test, ret, -EPROTO);
	ret = vfio_ap_mig_decoder_feed(dec, garbage, 1, &ev);
	KUNIT_EXPECT_EQ(test, ret, -EPROTO);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_decoder_finish(dec), -EPROTO);
	KUNIT_EXPECT_STREQ(test, vfio_ap_mig_decoder_errmsg(dec),
			   "offset 0: bad magic 0x4e4f5045, expected 0x41504d47");
	vfio_ap_mig_decoder_release(dec);
	KUNIT_EXPECT_EQ(test, vfio_ap_mig_decoder_finish(dec), -ENODATA);
	KUNIT_EXPECT_STREQ(test, vfio_ap_mig_decoder_errmsg(dec),
			   "offset 0: empty stream");
}

/*
 * Decode a configuration record, then an UNCHANGED | FINAL record with a
 * @hdr_len-byte header and @extra bytes between the header and the CRC.
 * Returns the decoder's verdict on the stream.
 */
static int stream_test_unchanged(struct kunit *test, u16 hdr_len, u32 extra)
{
	struct vfio_ap_mig_decoder *dec = vfio_ap_mig_test_decoder(test);
	size_t first = vfio_ap_mig_config_record_size(0);
	u32 len = hdr_len + extra + VFIO_AP_MIG_CRC_SIZE;
	u8 *buf = vfio_ap_mig_test_alloc(test, first + len);
	struct vfio_ap_mig_config cfg = {};
	enum vfio_ap_mig_event ev;
	u8 *rec = buf + first;
	ssize_t n;

	KUNIT_ASSERT_EQ(test, vfio_ap_mig_encode_config(&cfg, 0, 0, buf, first),
			(ssize_t)first);
	KUNIT_ASSERT_EQ(test, vfio_ap_mig_encode_unchanged(1, rec, len),
			(ssize_t)VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	put_unaligned_be16(hdr_len, rec + 8);
	put_unaligned_be32(len, rec + 12);
	memset(rec + VFIO_AP_MIG_HDR_SIZE, 0x5a,
	       len - VFIO_AP_MIG_CRC_SIZE - VFIO_AP_MIG_HDR_SIZE);
	put_unaligned_be32(vfio_ap_mig_crc32c(rec, len - VFIO_AP_MIG_CRC_SIZE),
			   rec + len - VFIO_AP_MIG_CRC_SIZE);

	n = vfio_ap_mig_decoder_feed(dec, buf, first, &ev);
	KUNIT_ASSERT_EQ(test, n, (ssize_t)first);
	KUNIT_EXPECT_EQ(test, ev, VFIO_AP_MIG_EV_CONFIG);
	n = vfio_ap_mig_decoder_feed(dec, rec, len, &ev);
	if (n < 0)
		return n;
	KUNIT_EXPECT_EQ(test, n, (ssize_t)len);
	KUNIT_EXPECT_EQ(test, ev, VFIO_AP_MIG_EV_UNCHANGED);
	return vfio_ap_mig_decoder_finish(dec);
}

/* An UNCHANGED record is a header and a CRC: nothing may lie between. */
static void decoder_unchanged_has_no_body(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, stream_test_unchanged(test, 24, 0), 0);
	/* a newer minor version's longer header is not a body */
	KUNIT_EXPECT_EQ(test, stream_test_unchanged(test, 40, 0), 0);
	KUNIT_EXPECT_EQ(test, stream_test_unchanged(test, 24, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, stream_test_unchanged(test, 40, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, stream_test_unchanged(test, 24,
						    VFIO_AP_MIG_MAX_RECORD - 28),
			-EINVAL);
}

/* 65,536 queues can be allocated; one more is refused before allocating. */
static void config_alloc_bounds(struct kunit *test)
{
	struct vfio_ap_mig_config cfg;
	int ret;

	ret = vfio_ap_mig_config_alloc(&cfg, VFIO_AP_MIG_MAX_QUEUES);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, cfg.nr_queues, VFIO_AP_MIG_MAX_QUEUES);
	vfio_ap_mig_config_free(&cfg);
	ret = vfio_ap_mig_config_alloc(&cfg, VFIO_AP_MIG_MAX_QUEUES + 1);
	KUNIT_EXPECT_EQ(test, ret, -E2BIG);
	KUNIT_EXPECT_NULL(test, cfg.queues);
}

static struct kunit_case vfio_ap_mig_stream_cases[] = {
	KUNIT_CASE(vectors_decode_whole),
	KUNIT_CASE(vectors_decode_byte_by_byte),
	KUNIT_CASE(vectors_decode_every_chunk_size),
	KUNIT_CASE(vectors_encode_identical),
	KUNIT_CASE(max_round_trip_identical),
	KUNIT_CASE(irq_max_round_trip),
	KUNIT_CASE(irq_set_bounds),
	KUNIT_CASE(crc32c_check_value),
	KUNIT_CASE(decoder_error_sticky),
	KUNIT_CASE(decoder_unchanged_has_no_body),
	KUNIT_CASE(config_alloc_bounds),
	{}
};

static struct kunit_suite vfio_ap_mig_stream_suite = {
	.name = "vfio_ap_mig_stream",
	.test_cases = vfio_ap_mig_stream_cases,
};

kunit_test_suite(vfio_ap_mig_stream_suite);
