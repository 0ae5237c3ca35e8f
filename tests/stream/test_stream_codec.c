// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests of the migration stream codec beyond the golden vectors:
 * every bit flip and truncation, the size bounds, allocation failures,
 * the 65,536-queue round trip, the encoder's refusals and config helpers,
 * and the interruption registrations of the IRQ section (since 1.1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/unaligned.h>
#include <shim/slab.h>

#include "vfio_ap_mig_stream.h"
#include "vfio_ap_mig_stream_vectors.h"
#include "vector_text.h"

#include "apmig_config.h"

#define NR_VECTORS (sizeof(vfio_ap_mig_vectors) / sizeof(vfio_ap_mig_vectors[0]))

static const struct vfio_ap_mig_vector *vector(const char *name)
{
	size_t i;

	for (i = 0; i < NR_VECTORS; i++)
		if (!strcmp(vfio_ap_mig_vectors[i].name, name))
			return &vfio_ap_mig_vectors[i];
	fail_msg("no vector %s", name);
	return NULL;
}

/*
 * Decode @len bytes in chunks of @chunk (0: one feed) and finish. Returns
 * 0 or the -errno; @dec is left for the caller to inspect and release.
 */
static int decode(struct vfio_ap_mig_decoder *dec, const void *data,
		  size_t len, size_t chunk, unsigned int *events)
{
	const unsigned char *p = data;
	enum vfio_ap_mig_event ev;
	size_t off = 0, n;
	ssize_t ret;

	vfio_ap_mig_decoder_init(dec);
	if (events)
		*events = 0;
	while (off < len) {
		n = chunk && chunk < len - off ? chunk : len - off;
		ret = vfio_ap_mig_decoder_feed(dec, p + off, n, &ev);
		if (ret < 0)
			return ret;
		assert_true(ret > 0 && (size_t)ret <= n);
		off += ret;
		if (events && ev != VFIO_AP_MIG_EV_NONE)
			(*events)++;
	}
	return vfio_ap_mig_decoder_finish(dec);
}

static int decode_errno(const void *data, size_t len, char *msg, size_t msg_len)
{
	struct vfio_ap_mig_decoder dec;
	int ret = decode(&dec, data, len, 0, NULL);

	if (msg)
		snprintf(msg, msg_len, "%s", vfio_ap_mig_decoder_errmsg(&dec));
	vfio_ap_mig_decoder_release(&dec);
	return ret;
}

static bool msg_has_offset(const char *msg, unsigned long long offset)
{
	char want[48];

	snprintf(want, sizeof(want), "offset %llu: ", offset);
	return !strncmp(msg, want, strlen(want));
}

static void put_crc(unsigned char *rec, size_t len)
{
	put_unaligned_be32(vfio_ap_mig_crc32c(rec, len - 4), rec + len - 4);
}

/* The 256 x 256 configuration of the max vector. */
static void max_config(struct vfio_ap_mig_config *cfg)
{
	u32 i;

	assert_int_equal(vfio_ap_mig_config_alloc(cfg, 0), 0);
	bitmap_fill(cfg->apm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->aqm, VFIO_AP_MIG_IDS);
	bitmap_fill(cfg->adm, VFIO_AP_MIG_IDS);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(cfg), 0);
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = vfio_ap_mig_vec_max_gr2(cfg->queues[i].apqn);
}

/*
 * Write the one-queue configuration as record @seq with @flags, padded
 * with an optional section to exactly @size bytes (>= 168).
 */
static void padded_record(unsigned char *buf, size_t size, u32 seq, u16 flags)
{
	const struct vfio_ap_mig_vector *one = vector("one_queue");
	size_t base = one->len - 4;

	assert_true(size >= one->len + 8);
	memcpy(buf, one->data, base);
	put_unaligned_be16(flags, buf + 10);
	put_unaligned_be32(size, buf + 12);
	put_unaligned_be32(seq, buf + 16);
	put_unaligned_be16(3, buf + 20);
	put_unaligned_be16(VFIO_AP_MIG_SEC_OPTIONAL | 1, buf + base);
	put_unaligned_be16(0, buf + base + 2);
	put_unaligned_be32(size - base - 12, buf + base + 4);
	memset(buf + base + 8, 0x5a, size - base - 12);
	put_crc(buf, size);
}

/* Tests that flipping any single bit of a valid stream makes it refused. */
static void test_decoder_feed_every_bit_flip_refused(void **state)
{
	static const char *const names[] = {
		"one_queue", "several", "precopy_unchanged", "precopy_changed",
		"newer_minor", "zero_queues", "one_queue_irq", "irq_targets",
		"precopy_irq_changed", "irq_newer_minor",
	};
	const struct vfio_ap_mig_vector *v;
	unsigned char buf[1024];
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	size_t i, byte, rec0;
	unsigned int bit;
	int ret;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = vector(names[i]);
		rec0 = get_unaligned_be32(v->data + 12);
		for (byte = 0; byte < v->len; byte++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(buf, v->data, v->len);
				buf[byte] ^= 1 << bit;
				ret = decode_errno(buf, v->len, msg, sizeof(msg));
				if (!ret)
					fail_msg("%s: flip of byte %zu bit %u accepted",
						 v->name, byte, bit);
				assert_true(!strncmp(msg, "offset ", 7));
				/* Past the first header, only the CRC can tell. */
				if (byte >= 24 && byte < rec0 && ret != -EBADMSG)
					fail_msg("%s: flip of byte %zu bit %u: %s (%s)",
						 v->name, byte, bit,
						 vt_errno_name(ret), msg);
			}
		}
	}
}

/* Tests that every strict prefix of a valid stream fails with -ENODATA. */
static void test_decoder_finish_every_truncation_refused(void **state)
{
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	const struct vfio_ap_mig_vector *v;
	size_t i, len;

	for (i = 0; i < NR_VECTORS; i++) {
		v = &vfio_ap_mig_vectors[i];
		if (v->err)
			continue;
		for (len = 0; len < v->len; len++) {
			assert_int_equal(decode_errno(v->data, len, msg, sizeof(msg)),
					 -ENODATA);
			if (!msg_has_offset(msg, len))
				fail_msg("%s cut at %zu: %s", v->name, len, msg);
			assert_non_null(strstr(msg, len ? "stream ends" : "empty stream"));
		}
	}
}

/* Tests that any byte after the FINAL record is refused with -EMSGSIZE. */
static void test_decoder_feed_trailing_bytes_refused(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("precopy_unchanged");
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	unsigned char buf[400];
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	unsigned int extra;

	for (extra = 1; extra <= 64; extra++) {
		memcpy(buf, v->data, v->len);
		memset(buf + v->len, extra, extra);
		assert_int_equal(decode_errno(buf, v->len + extra, msg, sizeof(msg)),
				 -EMSGSIZE);
		assert_true(msg_has_offset(msg, v->len));
		assert_non_null(strstr(msg, "trailing bytes after the final record seq 1"));
	}
	/* An empty feed after FINAL is no byte: still fine. */
	assert_int_equal(decode(&dec, v->data, v->len, 0, NULL), 0);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, buf, 0, &ev), 0);
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), 0);
	vfio_ap_mig_decoder_release(&dec);
}

/* Tests that once failed, the decoder keeps failing with the same errno. */
static void test_decoder_feed_error_is_sticky(void **state)
{
	const struct vfio_ap_mig_vector *bad = vector("bad_magic");
	const struct vfio_ap_mig_vector *good = vector("one_queue");
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	char msg[VFIO_AP_MIG_ERRMSG_LEN];

	assert_int_equal(decode(&dec, bad->data, bad->len, 0, NULL), -EPROTO);
	snprintf(msg, sizeof(msg), "%s", vfio_ap_mig_decoder_errmsg(&dec));
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, good->data, good->len, &ev),
			 -EPROTO);
	assert_int_equal(ev, VFIO_AP_MIG_EV_NONE);
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), -EPROTO);
	assert_string_equal(vfio_ap_mig_decoder_errmsg(&dec), msg);
	assert_null(vfio_ap_mig_decoder_config(&dec));
	vfio_ap_mig_decoder_release(&dec);
	/* Released, it is a fresh decoder again. */
	assert_int_equal(decode(&dec, good->data, good->len, 0, NULL), 0);
	assert_string_equal(vfio_ap_mig_decoder_errmsg(&dec), "no error");
	vfio_ap_mig_decoder_release(&dec);
}

/* Tests that the decoder works on its own copy: later changes to the caller's buffer do not matter. */
static void test_decoder_feed_copies_input(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("several");
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	unsigned char buf[512];
	size_t off = 0;
	ssize_t n;

	memcpy(buf, v->data, v->len);
	vfio_ap_mig_decoder_init(&dec);
	while (off < 200) {
		n = vfio_ap_mig_decoder_feed(&dec, buf + off, 200 - off, &ev);
		assert_true(n > 0);
		off += n;
	}
	memset(buf, 0xff, 200);		/* the caller reuses its buffer */
	n = vfio_ap_mig_decoder_feed(&dec, buf + 200, v->len - 200, &ev);
	assert_int_equal(n, v->len - 200);
	assert_int_equal(ev, VFIO_AP_MIG_EV_CONFIG);
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), 0);
	assert_int_equal(vfio_ap_mig_decoder_config(&dec)->nr_queues, 12);
	vfio_ap_mig_decoder_release(&dec);
}

/* Tests that one feed consumes at most up to the end of the current record. */
static void test_decoder_feed_stops_at_record_end(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("precopy_unchanged");
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	u32 first = get_unaligned_be32(v->data + 12);

	vfio_ap_mig_decoder_init(&dec);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, v->data, v->len, &ev), first);
	assert_int_equal(ev, VFIO_AP_MIG_EV_CONFIG);
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), -ENODATA);
	vfio_ap_mig_decoder_release(&dec);

	vfio_ap_mig_decoder_init(&dec);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, v->data, v->len, &ev), first);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, v->data + first,
						  v->len - first, &ev),
			 v->len - first);
	assert_int_equal(ev, VFIO_AP_MIG_EV_UNCHANGED);
	/* UNCHANGED keeps the configuration of record 0. */
	assert_int_equal(vfio_ap_mig_decoder_config(&dec)->nr_queues, 12);
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), 0);
	vfio_ap_mig_decoder_release(&dec);
}

/*
 * Tests the record and stream bounds: two records of exactly
 * VFIO_AP_MIG_MAX_RECORD bytes make a stream of exactly
 * VFIO_AP_MIG_MAX_STREAM, accepted; one more record is -EFBIG, refused as
 * soon as its header is in.
 */
static void test_decoder_feed_stream_size_bounds(void **state)
{
	size_t rec = VFIO_AP_MIG_MAX_RECORD, total = 2 * rec + 28;
	unsigned char *buf = malloc(total);
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	unsigned long attempts;

	assert_non_null(buf);
	assert_int_equal(2 * rec, VFIO_AP_MIG_MAX_STREAM);
	padded_record(buf, rec, 0, 0);
	padded_record(buf + rec, rec, 1, VFIO_AP_MIG_REC_FINAL);
	assert_int_equal(decode_errno(buf, 2 * rec, msg, sizeof(msg)), 0);

	padded_record(buf + rec, rec, 1, 0);
	assert_int_equal(vfio_ap_mig_encode_unchanged(2, buf + 2 * rec, 28), 28);
	shim_slab_reset();
	assert_int_equal(decode_errno(buf, total, msg, sizeof(msg)), -EFBIG);
	attempts = shim_slab_attempts();
	assert_string_equal(msg, "offset 2097164: record seq 2 of 28 bytes ends the stream beyond its maximum 2097152");
	/* Two record buffers and two queue arrays, nothing for record 2. */
	assert_int_equal(attempts, 4);

	/* One byte more than the record maximum is refused (record_len_big). */
	put_unaligned_be32(rec + 1, buf + 12);
	assert_int_equal(decode_errno(buf, rec, msg, sizeof(msg)), -EINVAL);
	assert_true(msg_has_offset(msg, 12));
	free(buf);
}

/* Tests that the header is checked before anything is allocated. */
static void test_decoder_feed_allocates_after_header_check(void **state)
{
	const struct vfio_ap_mig_vector *good = vector("one_queue");
	const struct vfio_ap_mig_vector *big = vector("record_len_big");
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;

	shim_slab_reset();
	vfio_ap_mig_decoder_init(&dec);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, good->data, 23, &ev), 23);
	assert_int_equal(shim_slab_attempts(), 0);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, good->data + 23, 1, &ev), 1);
	assert_int_equal(shim_slab_attempts(), 1);
	vfio_ap_mig_decoder_release(&dec);

	shim_slab_reset();
	vfio_ap_mig_decoder_init(&dec);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, big->data, big->len, &ev),
			 -EINVAL);
	assert_int_equal(shim_slab_attempts(), 0);
	vfio_ap_mig_decoder_release(&dec);
}

/* Tests that a failed allocation is -ENOMEM, named, and leaks nothing. */
static void test_decoder_feed_alloc_failure(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("one_queue");
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	long live = shim_slab_live();

	shim_slab_reset();
	shim_slab_fail_nth(1);
	assert_int_equal(decode_errno(v->data, v->len, msg, sizeof(msg)), -ENOMEM);
	assert_string_equal(msg, "offset 0: cannot allocate 160 bytes for record seq 0");
	assert_int_equal(shim_slab_live(), live);

	shim_slab_reset();
	shim_slab_fail_nth(2);
	assert_int_equal(decode_errno(v->data, v->len, msg, sizeof(msg)), -ENOMEM);
	assert_string_equal(msg, "offset 136: cannot allocate 1 queue entries");
	assert_int_equal(shim_slab_live(), live);
	shim_slab_reset();
}

/* Tests that release frees a half-decoded record and a held configuration. */
static void test_decoder_release_frees_everything(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("precopy_changed");
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	long live = shim_slab_live();
	u32 first = get_unaligned_be32(v->data + 12);

	vfio_ap_mig_decoder_init(&dec);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, v->data, first + 40, &ev), first);
	assert_int_equal(vfio_ap_mig_decoder_feed(&dec, v->data + first, 40, &ev), 40);
	assert_true(shim_slab_live() > live);
	vfio_ap_mig_decoder_release(&dec);
	assert_int_equal(shim_slab_live(), live);
}

/*
 * Tests that apmig_config_copy() takes the decoder's configuration out as
 * a copy of its own: equal, and still valid once the decoder is released.
 */
static void test_config_copy_from_decoder(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("precopy_changed");
	struct vfio_ap_mig_config cfg, bad = { .nr_queues = 1 };
	long live = shim_slab_live();
	struct vfio_ap_mig_decoder dec;

	assert_int_equal(decode(&dec, v->data, v->len, 7, NULL), 0);
	assert_int_equal(apmig_config_copy(&cfg, vfio_ap_mig_decoder_config(&dec)), 0);
	assert_true(vfio_ap_mig_config_equal(&cfg, vfio_ap_mig_decoder_config(&dec)));
	assert_ptr_not_equal(cfg.queues, vfio_ap_mig_decoder_config(&dec)->queues);
	vfio_ap_mig_decoder_release(&dec);
	assert_int_equal(cfg.nr_queues, 8);	/* the changed one, record 1 */
	assert_int_equal(cfg.queues[7].apqn, 0xffff);
	vfio_ap_mig_config_free(&cfg);

	/* a queue count without queues: refused, the copy left empty */
	assert_int_equal(apmig_config_copy(&cfg, &bad), -EINVAL);
	assert_int_equal(cfg.nr_queues, 0);
	assert_null(cfg.queues);
	assert_int_equal(shim_slab_live(), live);
}

/* Tests that an empty configuration (masks only) copies without queues. */
static void test_config_copy_empty(void **state)
{
	struct vfio_ap_mig_config src = { 0 }, cfg;

	set_bit_inv(3, src.apm);
	set_bit_inv(9, src.adm);
	assert_int_equal(apmig_config_copy(&cfg, &src), 0);
	assert_true(vfio_ap_mig_config_equal(&cfg, &src));
	assert_null(cfg.queues);
	vfio_ap_mig_config_free(&cfg);
}

/*
 * Tests that the 256 x 256 queue configuration encodes to the pinned bytes
 * and round-trips byte-identical, whole, in odd chunks and byte by byte.
 */
static void test_encode_config_max_round_trip_identical(void **state)
{
	size_t len = vfio_ap_mig_config_record_size(VFIO_AP_MIG_MAX_QUEUES);
	unsigned char *a = malloc(len), *b = malloc(len);
	static const size_t chunks[] = { 0, 4093, 1 };
	struct vfio_ap_mig_config cfg, out;
	struct vfio_ap_mig_decoder dec;
	unsigned int events, i;

	assert_non_null(a);
	assert_non_null(b);
	max_config(&cfg);
	assert_int_equal(cfg.nr_queues, 65536);
	assert_int_equal(len, VFIO_AP_MIG_VEC_MAX_LEN);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_FINAL, a, len),
			 len);
	assert_int_equal(vfio_ap_mig_crc32c(a, len), VFIO_AP_MIG_VEC_MAX_CRC32C);

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		assert_int_equal(decode(&dec, a, len, chunks[i], &events), 0);
		assert_int_equal(events, 1);
		assert_true(vfio_ap_mig_config_equal(vfio_ap_mig_decoder_config(&dec), &cfg));
		assert_int_equal(apmig_config_copy(&out, vfio_ap_mig_decoder_config(&dec)), 0);
		vfio_ap_mig_decoder_release(&dec);
		memset(b, 0, len);
		assert_int_equal(vfio_ap_mig_encode_config(&out, 0, VFIO_AP_MIG_REC_FINAL,
							   b, len), len);
		assert_memory_equal(a, b, len);
		vfio_ap_mig_config_free(&out);
	}
	vfio_ap_mig_config_free(&cfg);
	free(a);
	free(b);
}

/*
 * Tests the queue count boundary: 65,536 is the most a configuration can
 * hold; 65,537 is refused by config_alloc, the encoder and the decoder.
 */
static void test_config_alloc_queue_bound(void **state)
{
	struct vfio_ap_mig_config cfg;
	unsigned char buf[64];
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	const struct vfio_ap_mig_vector *v = vector("queues_count_2big");

	assert_int_equal(vfio_ap_mig_config_alloc(&cfg, VFIO_AP_MIG_MAX_QUEUES), 0);
	assert_int_equal(cfg.nr_queues, VFIO_AP_MIG_MAX_QUEUES);
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(vfio_ap_mig_config_alloc(&cfg, VFIO_AP_MIG_MAX_QUEUES + 1),
			 -E2BIG);
	assert_null(cfg.queues);
	assert_int_equal(vfio_ap_mig_config_alloc(&cfg, UINT32_MAX), -E2BIG);

	cfg.nr_queues = VFIO_AP_MIG_MAX_QUEUES + 1;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)),
			 -E2BIG);

	assert_int_equal(decode_errno(v->data, v->len, msg, sizeof(msg)), -E2BIG);
	assert_non_null(strstr(msg, "queue count 65537 above the maximum 65536"));
}

/*
 * Tests that 65,536 announced queues with masks of fewer ids are -EDOM,
 * and with a section too short for them -ERANGE: the count is checked
 * against the section length before anything is allocated from it.
 */
static void test_decoder_feed_queue_count_checked_before_alloc(void **state)
{
	const struct vfio_ap_mig_vector *one = vector("one_queue");
	unsigned char buf[200];
	char msg[VFIO_AP_MIG_ERRMSG_LEN];

	memcpy(buf, one->data, one->len);
	put_unaligned_be32(VFIO_AP_MIG_MAX_QUEUES, buf + 136);
	put_crc(buf, one->len);
	shim_slab_reset();
	assert_int_equal(decode_errno(buf, one->len, msg, sizeof(msg)), -ERANGE);
	assert_string_equal(msg, "offset 132: QUEUES section length 20, expected 786440 for 65536 queues");
	assert_int_equal(shim_slab_attempts(), 1);	/* the record buffer only */
}

/* Tests that newer minor versions are read and other majors refused. */
static void test_decoder_feed_versions(void **state)
{
	static const u16 minors[] = { 1, 2, 0x7fff, 0xffff };
	static const u16 majors[] = { 0, 2, 3, 0x8001, 0xffff };
	const struct vfio_ap_mig_vector *v = vector("newer_minor");
	unsigned char buf[256];
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	size_t i;

	memcpy(buf, v->data, v->len);
	for (i = 0; i < sizeof(minors) / sizeof(minors[0]); i++) {
		put_unaligned_be16(minors[i], buf + 6);
		put_crc(buf, v->len);
		assert_int_equal(decode_errno(buf, v->len, msg, sizeof(msg)), 0);
	}
	for (i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
		put_unaligned_be16(majors[i], buf + 4);
		put_crc(buf, v->len);
		assert_int_equal(decode_errno(buf, v->len, msg, sizeof(msg)),
				 -EPROTONOSUPPORT);
		assert_true(msg_has_offset(msg, 4));
		assert_non_null(strstr(msg, "unsupported major version"));
	}
}

/* Tests that the longest header a newer minor may use (256 bytes) is skipped. */
static void test_decoder_feed_longest_header_skipped(void **state)
{
	const struct vfio_ap_mig_vector *one = vector("one_queue");
	unsigned char buf[512];
	size_t extra = 256 - 24, len = one->len + extra;
	struct vfio_ap_mig_decoder dec;

	memcpy(buf, one->data, 24);
	memset(buf + 24, 0xee, extra);
	memcpy(buf + 24 + extra, one->data + 24, one->len - 24);
	put_unaligned_be16(256, buf + 8);
	put_unaligned_be32(len, buf + 12);
	put_crc(buf, len);
	assert_int_equal(decode(&dec, buf, len, 3, NULL), 0);
	assert_int_equal(vfio_ap_mig_decoder_config(&dec)->queues[0].apqn, 0x0304);
	vfio_ap_mig_decoder_release(&dec);
}

/* Tests that an UNCHANGED record without FINAL is accepted mid-stream. */
static void test_decoder_feed_unchanged_not_final(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("precopy_unchanged");
	struct vfio_ap_mig_decoder dec;
	unsigned char buf[400];
	u32 first = get_unaligned_be32(v->data + 12);
	unsigned int events;

	memcpy(buf, v->data, v->len);
	put_unaligned_be16(VFIO_AP_MIG_REC_UNCHANGED, buf + first + 10);
	put_crc(buf + first, 28);
	assert_int_equal(vfio_ap_mig_encode_unchanged(2, buf + v->len, 28), 28);
	assert_int_equal(decode(&dec, buf, v->len + 28, 0, &events), 0);
	assert_int_equal(events, 3);
	vfio_ap_mig_decoder_release(&dec);
}

/* Tests the encoder's refusals: flags, buffer size, inconsistent configs. */
static void test_encode_config_refusals(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("several");
	struct vfio_ap_mig_decoder dec;
	struct vfio_ap_mig_config cfg;
	unsigned char buf[512];
	size_t size;

	assert_int_equal(decode(&dec, v->data, v->len, 0, NULL), 0);
	assert_int_equal(apmig_config_copy(&cfg, vfio_ap_mig_decoder_config(&dec)), 0);
	vfio_ap_mig_decoder_release(&dec);
	size = vfio_ap_mig_config_record_size(cfg.nr_queues);
	assert_int_equal(size, v->len);

	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_FINAL, buf,
						   size - 1), -ENOSPC);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_UNCHANGED,
						   buf, size), -EINVAL);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0x4, buf, size), -EINVAL);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_FINAL, buf,
						   size), size);
	assert_memory_equal(buf, v->data, size);

	/* gr2 with a host-only bit (queue depth) */
	cfg.queues[3].gr2 |= 1;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, size), -EINVAL);
	cfg.queues[3].gr2 &= ~1ULL;
	/* queues out of order */
	cfg.queues[3].apqn ^= cfg.queues[4].apqn;
	cfg.queues[4].apqn ^= cfg.queues[3].apqn;
	cfg.queues[3].apqn ^= cfg.queues[4].apqn;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, size), -EINVAL);
	cfg.queues[3].apqn ^= cfg.queues[4].apqn;
	cfg.queues[4].apqn ^= cfg.queues[3].apqn;
	cfg.queues[3].apqn ^= cfg.queues[4].apqn;
	/* a queue outside apm x aqm */
	cfg.queues[11].apqn = 0xff00;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, size), -EINVAL);
	cfg.queues[11].apqn = 0xffff;
	/* a mask that no longer matches the queue count */
	set_bit_inv(0x77, cfg.aqm);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, size), -EINVAL);
	clear_bit_inv(0x77, cfg.aqm);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, size), size);
	vfio_ap_mig_config_free(&cfg);
}

/* Tests the UNCHANGED record's bytes and the encoder's refusals. */
static void test_encode_unchanged_layout(void **state)
{
	static const unsigned char head[24] = {
		0x41, 0x50, 0x4d, 0x47, 0x00, 0x01, 0x00, 0x01,	/* APMG 1.1 */
		0x00, 0x18, 0x00, 0x03, 0x00, 0x00, 0x00, 0x1c,	/* 24, U|F, 28 */
		0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,	/* seq 7, 0 sections */
	};
	unsigned char buf[32];

	assert_int_equal(vfio_ap_mig_encode_unchanged(7, buf, sizeof(buf)), 28);
	assert_memory_equal(buf, head, sizeof(head));
	assert_int_equal(get_unaligned_be32(buf + 24), vfio_ap_mig_crc32c(buf, 24));
	assert_int_equal(vfio_ap_mig_encode_unchanged(7, buf, 27), -ENOSPC);
	assert_int_equal(vfio_ap_mig_encode_unchanged(0, buf, sizeof(buf)), -EINVAL);
}

/* Tests the CRC-32C check value and the record size formula. */
static void test_crc32c_check_value(void **state)
{
	assert_int_equal(vfio_ap_mig_crc32c("123456789", 9), 0xe3069283);
	assert_int_equal(vfio_ap_mig_crc32c("", 0), 0);
	assert_int_equal(vfio_ap_mig_config_record_size(0), 148);
	assert_int_equal(vfio_ap_mig_config_record_size(1), 160);
	assert_int_equal(vfio_ap_mig_config_record_size(65536), 786580);
}

/* Tests that fill_apqns lists apm x aqm ascending and resizes as needed. */
static void test_config_fill_apqns_ascending(void **state)
{
	struct vfio_ap_mig_config cfg;
	long live = shim_slab_live();

	assert_int_equal(vfio_ap_mig_config_alloc(&cfg, 5), 0);
	set_bit_inv(5, cfg.apm);
	set_bit_inv(1, cfg.apm);
	set_bit_inv(0x2a, cfg.aqm);
	set_bit_inv(3, cfg.aqm);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(&cfg), 0);
	assert_int_equal(cfg.nr_queues, 4);
	assert_int_equal(cfg.queues[0].apqn, 0x0103);
	assert_int_equal(cfg.queues[1].apqn, 0x012a);
	assert_int_equal(cfg.queues[2].apqn, 0x0503);
	assert_int_equal(cfg.queues[3].apqn, 0x052a);

	/* A failed resize leaves the configuration as it was. */
	set_bit_inv(0xff, cfg.apm);
	shim_slab_fail_nth(1);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(&cfg), -ENOMEM);
	shim_slab_reset();
	assert_int_equal(cfg.nr_queues, 4);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(&cfg), 0);
	assert_int_equal(cfg.nr_queues, 6);
	assert_int_equal(cfg.queues[5].apqn, 0xff2a);

	bitmap_zero(cfg.aqm, VFIO_AP_MIG_IDS);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(&cfg), 0);
	assert_int_equal(cfg.nr_queues, 0);
	assert_null(cfg.queues);
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(shim_slab_live(), live);
}

/* Tests that config_equal sees a difference in any mask, APQN or GR2. */
static void test_config_equal_detects_each_difference(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("several");
	struct vfio_ap_mig_config a, b;
	struct vfio_ap_mig_decoder dec;

	assert_int_equal(decode(&dec, v->data, v->len, 0, NULL), 0);
	assert_int_equal(apmig_config_copy(&a, vfio_ap_mig_decoder_config(&dec)), 0);
	vfio_ap_mig_decoder_release(&dec);
	assert_int_equal(decode(&dec, v->data, v->len, 0, NULL), 0);
	assert_int_equal(apmig_config_copy(&b, vfio_ap_mig_decoder_config(&dec)), 0);
	vfio_ap_mig_decoder_release(&dec);

	assert_true(vfio_ap_mig_config_equal(&a, &b));
	set_bit_inv(9, b.adm);
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	clear_bit_inv(9, b.adm);
	set_bit_inv(9, b.apm);
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	clear_bit_inv(9, b.apm);
	set_bit_inv(9, b.aqm);
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	clear_bit_inv(9, b.aqm);
	b.queues[11].gr2 ^= VFIO_AP_MIG_GR2_EP11;
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	b.queues[11].gr2 ^= VFIO_AP_MIG_GR2_EP11;
	b.queues[0].apqn++;
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	b.queues[0].apqn--;
	b.nr_queues--;
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	b.nr_queues++;
	assert_true(vfio_ap_mig_config_equal(&a, &b));
	vfio_ap_mig_config_free(&a);
	vfio_ap_mig_config_free(&b);
}

/* A configuration of adapters @apm x domains @aqm (id lists, -1 ended). */
static void irq_config(struct vfio_ap_mig_config *cfg, const int *apm,
		       const int *aqm)
{
	u32 i;

	assert_int_equal(vfio_ap_mig_config_alloc(cfg, 0), 0);
	for (; *apm >= 0; apm++)
		set_bit_inv(*apm, cfg->apm);
	for (; *aqm >= 0; aqm++) {
		set_bit_inv(*aqm, cfg->aqm);
		set_bit_inv(*aqm, cfg->adm);
	}
	assert_int_equal(vfio_ap_mig_config_fill_apqns(cfg), 0);
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = vfio_ap_mig_vec_max_gr2(cfg->queues[i].apqn);
}

/*
 * Encode @cfg, check the size is the one announced, decode the record
 * whole and byte by byte, each equal to @cfg, and re-encode it from the
 * decoder's configuration byte-identical.
 */
static void irq_round_trip(const struct vfio_ap_mig_config *cfg)
{
	size_t len = vfio_ap_mig_config_size(cfg);
	unsigned char *a = malloc(len), *b = malloc(len);
	static const size_t chunks[] = { 0, 1, 13 };
	struct vfio_ap_mig_decoder dec;
	struct vfio_ap_mig_config copy;
	unsigned int events, i;

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(len, vfio_ap_mig_config_record_size_irq(cfg->nr_queues,
								  cfg->nr_irq_targets));
	assert_int_equal(vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL, a, len),
			 len);
	assert_int_equal(get_unaligned_be16(a + 20), cfg->nr_irq_targets ? 3 : 2);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		assert_int_equal(decode(&dec, a, len, chunks[i], &events), 0);
		assert_int_equal(events, 1);
		assert_true(vfio_ap_mig_config_equal(vfio_ap_mig_decoder_config(&dec), cfg));
		assert_int_equal(vfio_ap_mig_decoder_config(&dec)->nr_irq_targets,
				 cfg->nr_irq_targets);
		assert_int_equal(apmig_config_copy(&copy, vfio_ap_mig_decoder_config(&dec)), 0);
		vfio_ap_mig_decoder_release(&dec);
		assert_true(vfio_ap_mig_config_equal(&copy, cfg));
		memset(b, 0, len);
		assert_int_equal(vfio_ap_mig_encode_config(&copy, 0, VFIO_AP_MIG_REC_FINAL,
							   b, len), len);
		assert_memory_equal(a, b, len);
		vfio_ap_mig_config_free(&copy);
	}
	free(a);
	free(b);
}

/*
 * Tests that interruption registrations round-trip: one queue on, queues
 * sharing one target with others off, several targets, and none at all
 * (no IRQ section then).
 */
static void test_encode_config_irq_round_trip(void **state)
{
	static const int apm[] = { 0x00, 0x05, 0xff, -1 };
	static const int aqm[] = { 0x01, 0x2a, 0xab, -1 };
	struct vfio_ap_mig_config cfg;
	long live = shim_slab_live();
	u32 i;

	irq_config(&cfg, apm, aqm);
	assert_int_equal(cfg.nr_queues, 9);
	irq_round_trip(&cfg);			/* all off */
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 4, 6, 0x1000), 0);
	irq_round_trip(&cfg);			/* one on */
	for (i = 0; i < cfg.nr_queues; i += 2)
		assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, i, 6, 0x1000), 0);
	assert_int_equal(cfg.nr_irq_targets, 1);
	irq_round_trip(&cfg);			/* shared, some off */
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 1, 0, 0x1000), 0);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 3, 7, 0xfffffffffffffffeULL), 0);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 8, 6, 0x2000), 0);
	assert_int_equal(cfg.nr_irq_targets, 4);
	assert_int_equal(cfg.queues[8].irq, 4);
	assert_int_equal(cfg.queues[1].irq, 2);
	irq_round_trip(&cfg);			/* several targets */
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(shim_slab_live(), live);
}

/*
 * Tests set_irq's edges: 255 distinct targets fit, the 256th is -ENOSPC
 * and leaves the queue off, a known target is still found when full,
 * ISC 8, NIB 0 and a queue index past the end are -EINVAL, and the first
 * allocation failing is -ENOMEM; no error changes the configuration.
 */
static void test_config_set_irq_edges(void **state)
{
	static const int apm[] = { 0x07, -1 };
	int aqm[257];
	struct vfio_ap_mig_config cfg;
	long live = shim_slab_live();
	u32 i;

	for (i = 0; i < 256; i++)
		aqm[i] = i;
	aqm[256] = -1;
	irq_config(&cfg, apm, aqm);
	assert_int_equal(cfg.nr_queues, 256);

	shim_slab_reset();
	shim_slab_fail_nth(1);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 0, 6, 0x1000), -ENOMEM);
	shim_slab_reset();
	assert_null(cfg.irq_targets);
	assert_int_equal(cfg.queues[0].irq, 0);

	for (i = 0; i < VFIO_AP_MIG_MAX_IRQ_TARGETS; i++) {
		assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, i, i % 8, 0x1000 + i / 8), 0);
		assert_int_equal(cfg.queues[i].irq, i + 1);
	}
	assert_int_equal(cfg.nr_irq_targets, 255);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 255, 0, 0x9000), -ENOSPC);
	assert_int_equal(cfg.queues[255].irq, 0);
	assert_int_equal(cfg.nr_irq_targets, 255);
	/* an existing target still serves, the first and the last */
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 255, 0, 0x1000), 0);
	assert_int_equal(cfg.queues[255].irq, 1);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 255, 254 % 8, 0x1000 + 254 / 8), 0);
	assert_int_equal(cfg.queues[255].irq, 255);

	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 0, 8, 0x1000), -EINVAL);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 0, 0xff, 0x1000), -EINVAL);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 0, 6, 0), -EINVAL);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 256, 0, 0x1000), -EINVAL);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, UINT32_MAX, 0, 0x1000), -EINVAL);
	assert_int_equal(cfg.queues[0].irq, 1);
	assert_int_equal(cfg.nr_irq_targets, 255);
	irq_round_trip(&cfg);

	/* the same answers from the target table helper on its own */
	{
		struct vfio_ap_mig_irq_target t[VFIO_AP_MIG_MAX_IRQ_TARGETS];
		u16 nr = 0;

		assert_int_equal(vfio_ap_mig_irq_target_index(t, &nr, 3, 0x10), 1);
		assert_int_equal(vfio_ap_mig_irq_target_index(t, &nr, 4, 0x10), 2);
		assert_int_equal(vfio_ap_mig_irq_target_index(t, &nr, 3, 0x10), 1);
		assert_int_equal(vfio_ap_mig_irq_target_index(t, &nr, 8, 0x10), -EINVAL);
		assert_int_equal(vfio_ap_mig_irq_target_index(t, &nr, 3, 0), -EINVAL);
		assert_int_equal(nr, 2);
		nr = VFIO_AP_MIG_MAX_IRQ_TARGETS;
		assert_int_equal(vfio_ap_mig_irq_target_index(t, &nr, 5, 0x10), -ENOSPC);
		assert_int_equal(nr, VFIO_AP_MIG_MAX_IRQ_TARGETS);
	}
	vfio_ap_mig_config_free(&cfg);
	assert_null(cfg.irq_targets);
	assert_int_equal(cfg.nr_irq_targets, 0);
	assert_int_equal(shim_slab_live(), live);
}

/*
 * Tests that config_equal compares a queue's registration by value: the
 * same registrations met in another order (other target numbers) are
 * equal; another ISC, another NIB or on against off are not.
 */
static void test_config_equal_irq_by_value(void **state)
{
	static const int apm[] = { 0x01, 0x02, -1 };
	static const int aqm[] = { 0x03, -1 };
	struct vfio_ap_mig_config a, b;

	irq_config(&a, apm, aqm);
	irq_config(&b, apm, aqm);
	assert_int_equal(vfio_ap_mig_config_set_irq(&a, 0, 6, 0x1000), 0);
	assert_int_equal(vfio_ap_mig_config_set_irq(&a, 1, 6, 0x2000), 0);
	assert_int_equal(vfio_ap_mig_config_set_irq(&b, 1, 6, 0x2000), 0);
	assert_int_equal(vfio_ap_mig_config_set_irq(&b, 0, 6, 0x1000), 0);
	assert_int_equal(a.queues[0].irq, 1);
	assert_int_equal(b.queues[0].irq, 2);
	assert_true(vfio_ap_mig_config_equal(&a, &b));
	assert_true(vfio_ap_mig_config_equal(&b, &a));

	assert_int_equal(vfio_ap_mig_config_set_irq(&b, 0, 5, 0x1000), 0);
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	assert_int_equal(vfio_ap_mig_config_set_irq(&b, 0, 6, 0x1001), 0);
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	assert_int_equal(vfio_ap_mig_config_set_irq(&b, 0, 6, 0x1000), 0);
	assert_true(vfio_ap_mig_config_equal(&a, &b));
	b.queues[0].irq = 0;
	assert_false(vfio_ap_mig_config_equal(&a, &b));
	assert_false(vfio_ap_mig_config_equal(&b, &a));
	vfio_ap_mig_config_free(&a);
	vfio_ap_mig_config_free(&b);
}

/*
 * Tests that fill_apqns, which lists a new configuration's queues, drops
 * every registration: no target left, every queue off, no IRQ section.
 */
static void test_config_fill_apqns_resets_irq(void **state)
{
	static const int apm[] = { 0x01, -1 };
	static const int aqm[] = { 0x03, 0x04, -1 };
	struct vfio_ap_mig_config cfg;
	long live = shim_slab_live();
	unsigned char buf[256];

	irq_config(&cfg, apm, aqm);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 0, 6, 0x1000), 0);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 1, 2, 0x2000), 0);
	assert_int_equal(vfio_ap_mig_config_size(&cfg), 172 + 8 + 8 + 32 + 2);

	/* same masks: the queue array is kept, the registrations are not */
	assert_int_equal(vfio_ap_mig_config_fill_apqns(&cfg), 0);
	assert_int_equal(cfg.nr_irq_targets, 0);
	assert_null(cfg.irq_targets);
	assert_int_equal(cfg.queues[0].irq, 0);
	assert_int_equal(cfg.queues[1].irq, 0);
	assert_int_equal(vfio_ap_mig_config_size(&cfg), 172);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)), 172);
	assert_int_equal(get_unaligned_be16(buf + 20), 2);

	/* other masks: resized, and still off */
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 1, 2, 0x2000), 0);
	set_bit_inv(0x09, cfg.apm);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(&cfg), 0);
	assert_int_equal(cfg.nr_queues, 4);
	assert_int_equal(cfg.nr_irq_targets, 0);
	assert_int_equal(cfg.queues[1].irq, 0);
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(shim_slab_live(), live);
}

/*
 * Tests the exact record sizes with an IRQ section and that the encoder
 * needs every byte of them: 16 bytes per target, 1 per queue, 16 of
 * section and body header.
 */
static void test_config_size_irq_exact(void **state)
{
	static const int apm[] = { 0x03, -1 };
	static const int aqm[] = { 0x04, -1 };
	struct vfio_ap_mig_config cfg;
	unsigned char buf[256];

	assert_int_equal(vfio_ap_mig_config_record_size_irq(0, 0), 148);
	assert_int_equal(vfio_ap_mig_config_record_size_irq(1, 0), 160);
	assert_int_equal(vfio_ap_mig_config_record_size_irq(1, 1), 193);
	assert_int_equal(vfio_ap_mig_config_record_size_irq(12, 3), 292 + 16 + 48 + 12);
	assert_int_equal(vfio_ap_mig_config_record_size_irq(65536, 1), 852148);
	assert_int_equal(vfio_ap_mig_config_record_size_irq(65536, 255), 856212);
	assert_true(vfio_ap_mig_config_record_size_irq(VFIO_AP_MIG_MAX_QUEUES,
						       VFIO_AP_MIG_MAX_IRQ_TARGETS) <=
		    VFIO_AP_MIG_MAX_RECORD);

	irq_config(&cfg, apm, aqm);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 0, 6, 0x1a2b3c4), 0);
	assert_int_equal(vfio_ap_mig_config_size(&cfg), 193);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_FINAL, buf,
						   192), -ENOSPC);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_FINAL, buf,
						   193), 193);
	/* the bytes of the one_queue_irq vector (same queue, same GR2) */
	cfg.queues[0].gr2 = vector("one_queue")->events[0].cfg.queues[0].gr2;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, VFIO_AP_MIG_REC_FINAL, buf,
						   sizeof(buf)), 193);
	assert_int_equal(vector("one_queue_irq")->len, 193);
	assert_memory_equal(buf, vector("one_queue_irq")->data, 193);
	vfio_ap_mig_config_free(&cfg);
}

/*
 * Tests that a 65,536-queue guest with every queue on one target (a Linux
 * guest) fits a record, and round-trips; and so does the worst case of
 * 255 targets.
 */
static void test_encode_config_max_irq_fits_record(void **state)
{
	struct vfio_ap_mig_config cfg;
	u32 i;

	max_config(&cfg);
	for (i = 0; i < cfg.nr_queues; i++)
		assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, i, 6, 0x1a2b3c4), 0);
	assert_int_equal(cfg.nr_irq_targets, 1);
	assert_int_equal(vfio_ap_mig_config_size(&cfg), 852148);
	assert_true(vfio_ap_mig_config_size(&cfg) <= VFIO_AP_MIG_MAX_RECORD);
	irq_round_trip(&cfg);

	/* target k of 255 is (k % 8, 0x1000 + k / 8): all distinct */
	vfio_ap_mig_config_free(&cfg);
	max_config(&cfg);
	for (i = 0; i < cfg.nr_queues; i++)
		assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, i, (i % 255) % 8,
							    0x1000 + (i % 255) / 8), 0);
	assert_int_equal(cfg.nr_irq_targets, 255);
	assert_int_equal(vfio_ap_mig_config_size(&cfg), 856212);
	irq_round_trip(&cfg);
	vfio_ap_mig_config_free(&cfg);
}

/* Tests the encoder's refusals of registrations a reader would refuse. */
static void test_encode_config_irq_refusals(void **state)
{
	static const int apm[] = { 0x03, -1 };
	static const int aqm[] = { 0x04, 0x05, -1 };
	struct vfio_ap_mig_config cfg;
	unsigned char buf[256];

	irq_config(&cfg, apm, aqm);
	assert_int_equal(vfio_ap_mig_config_set_irq(&cfg, 0, 6, 0x1000), 0);
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)),
			 172 + 8 + 8 + 16 + 2);
	cfg.queues[1].irq = 2;			/* target 2 of 1 */
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)), -EINVAL);
	cfg.queues[1].irq = 0;
	cfg.irq_targets[0].isc = 8;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)), -EINVAL);
	cfg.irq_targets[0].isc = 7;
	cfg.irq_targets[0].nib = 0;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)), -EINVAL);
	cfg.irq_targets[0].nib = 1;
	cfg.nr_irq_targets = VFIO_AP_MIG_MAX_IRQ_TARGETS + 1;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)), -EINVAL);
	cfg.nr_irq_targets = 1;
	assert_int_equal(vfio_ap_mig_encode_config(&cfg, 0, 0, buf, sizeof(buf)), 206);
	vfio_ap_mig_config_free(&cfg);
}

/*
 * Tests that a decoded configuration, and a copy of it, take new targets
 * up to the bound: their target tables have room for all 255 (the driver
 * keeps the decoder's configuration as its own and may register more).
 */
static void test_decoder_config_takes_new_targets(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("irq_targets");
	struct vfio_ap_mig_decoder dec;
	struct vfio_ap_mig_config *cfg, copy;
	long live = shim_slab_live();
	u32 i;

	assert_int_equal(decode(&dec, v->data, v->len, 0, NULL), 0);
	cfg = (struct vfio_ap_mig_config *)vfio_ap_mig_decoder_config(&dec);
	assert_int_equal(cfg->nr_irq_targets, 3);
	assert_int_equal(apmig_config_copy(&copy, cfg), 0);
	assert_true(vfio_ap_mig_config_equal(&copy, cfg));
	for (i = 3; i < VFIO_AP_MIG_MAX_IRQ_TARGETS; i++) {
		assert_int_equal(vfio_ap_mig_config_set_irq(cfg, i % 12, 1, 0x5000 + i), 0);
		assert_int_equal(vfio_ap_mig_config_set_irq(&copy, i % 12, 1, 0x5000 + i), 0);
	}
	assert_int_equal(cfg->nr_irq_targets, 255);
	assert_int_equal(vfio_ap_mig_config_set_irq(cfg, 0, 1, 0x4fff), -ENOSPC);
	assert_true(vfio_ap_mig_config_equal(&copy, cfg));
	vfio_ap_mig_config_free(&copy);
	vfio_ap_mig_decoder_release(&dec);
	assert_int_equal(shim_slab_live(), live);
}

/* Tests that failing to allocate the IRQ targets is -ENOMEM, leak-free. */
static void test_decoder_feed_irq_alloc_failure(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("one_queue_irq");
	char msg[VFIO_AP_MIG_ERRMSG_LEN];
	long live = shim_slab_live();

	shim_slab_reset();
	shim_slab_fail_nth(3);		/* record, queues, then the targets */
	assert_int_equal(decode_errno(v->data, v->len, msg, sizeof(msg)), -ENOMEM);
	assert_string_equal(msg, "offset 164: cannot allocate 255 interruption targets");
	assert_int_equal(shim_slab_live(), live);
	shim_slab_reset();
}

/*
 * Tests that a failure in the IRQ section after its targets were
 * allocated frees them, and keeps the previous configuration in force.
 */
static void test_decoder_feed_irq_fault_frees(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("irq_map_index");
	long live = shim_slab_live();
	char msg[VFIO_AP_MIG_ERRMSG_LEN];

	assert_int_equal(decode_errno(v->data, v->len, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, v->msg);
	assert_int_equal(shim_slab_live(), live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decoder_feed_every_bit_flip_refused),
		cmocka_unit_test(test_decoder_finish_every_truncation_refused),
		cmocka_unit_test(test_decoder_feed_trailing_bytes_refused),
		cmocka_unit_test(test_decoder_feed_error_is_sticky),
		cmocka_unit_test(test_decoder_feed_copies_input),
		cmocka_unit_test(test_decoder_feed_stops_at_record_end),
		cmocka_unit_test(test_decoder_feed_stream_size_bounds),
		cmocka_unit_test(test_decoder_feed_allocates_after_header_check),
		cmocka_unit_test(test_decoder_feed_alloc_failure),
		cmocka_unit_test(test_decoder_release_frees_everything),
		cmocka_unit_test(test_config_copy_from_decoder),
		cmocka_unit_test(test_config_copy_empty),
		cmocka_unit_test(test_encode_config_max_round_trip_identical),
		cmocka_unit_test(test_config_alloc_queue_bound),
		cmocka_unit_test(test_decoder_feed_queue_count_checked_before_alloc),
		cmocka_unit_test(test_decoder_feed_versions),
		cmocka_unit_test(test_decoder_feed_longest_header_skipped),
		cmocka_unit_test(test_decoder_feed_unchanged_not_final),
		cmocka_unit_test(test_encode_config_refusals),
		cmocka_unit_test(test_encode_unchanged_layout),
		cmocka_unit_test(test_crc32c_check_value),
		cmocka_unit_test(test_config_fill_apqns_ascending),
		cmocka_unit_test(test_config_equal_detects_each_difference),
		cmocka_unit_test(test_encode_config_irq_round_trip),
		cmocka_unit_test(test_config_set_irq_edges),
		cmocka_unit_test(test_config_equal_irq_by_value),
		cmocka_unit_test(test_config_fill_apqns_resets_irq),
		cmocka_unit_test(test_config_size_irq_exact),
		cmocka_unit_test(test_encode_config_max_irq_fits_record),
		cmocka_unit_test(test_encode_config_irq_refusals),
		cmocka_unit_test(test_decoder_config_takes_new_targets),
		cmocka_unit_test(test_decoder_feed_irq_alloc_failure),
		cmocka_unit_test(test_decoder_feed_irq_fault_frees),
	};

	return cmocka_run_group_tests_name("stream_codec", tests, NULL, NULL);
}
