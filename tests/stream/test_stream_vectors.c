// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests of the migration stream decoder against the golden vectors:
 * the checked-in tests/vectors/<name>.bin decoded in every chunking must
 * give <name>.txt, and the fields the KUnit suite checks on s390x.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_file.h"

#include <linux/bitmap.h>

#include "vfio_ap_mig_stream.h"
#include "vfio_ap_mig_stream_vectors.h"
#include "vector_text.h"

#define NR_VECTORS (sizeof(vfio_ap_mig_vectors) / sizeof(vfio_ap_mig_vectors[0]))

static char *read_file(const char *name, const char *ext, size_t *len)
{
	char path[4096];
	char *buf;

	snprintf(path, sizeof(path), "%s/%s%s", APMIG_VECTORS_DIR, name, ext);
	buf = test_read_file(path, len);
	if (!buf)
		fail_msg("cannot read %s", path);
	return buf;
}

/* What decoding @data in chunks of @chunk bytes prints (vt_decode_print). */
static char *decode_text(const void *data, size_t len, size_t chunk)
{
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);

	vt_decode_print(f, data, len, chunk);
	fclose(f);
	return text;
}

static void expect_text(const struct vfio_ap_mig_vector *v, size_t chunk)
{
	char *file = read_file(v->name, ".txt", NULL);
	char *want = vt_strip_comments(file);
	char *got = decode_text(v->data, v->len, chunk);

	if (strcmp(got, want))
		fail_msg("vector %s, chunks of %zu bytes:\n--- expected\n%s--- decoded\n%s",
			 v->name, chunk, want, got);
	free(got);
	free(want);
	free(file);
}

/* Tests that every checked-in .bin holds the bytes the KUnit header embeds. */
static void test_vectors_bin_matches_kunit_header(void **state)
{
	size_t i, len;
	char *bin;

	for (i = 0; i < NR_VECTORS; i++) {
		bin = read_file(vfio_ap_mig_vectors[i].name, ".bin", &len);
		if (len != vfio_ap_mig_vectors[i].len ||
		    (len && memcmp(bin, vfio_ap_mig_vectors[i].data, len)))
			fail_msg("%s.bin differs from vfio_ap_mig_stream_vectors.h",
				 vfio_ap_mig_vectors[i].name);
		free(bin);
	}
}

/* Tests that each vector fed in one call decodes to its expected text. */
static void test_decoder_feed_vectors_whole(void **state)
{
	size_t i;

	for (i = 0; i < NR_VECTORS; i++)
		expect_text(&vfio_ap_mig_vectors[i], 0);
}

/* Tests that every chunk size, one byte at a time included, decodes alike. */
static void test_decoder_feed_vectors_every_chunk_size(void **state)
{
	const struct vfio_ap_mig_vector *v;
	size_t i, chunk;

	for (i = 0; i < NR_VECTORS; i++) {
		v = &vfio_ap_mig_vectors[i];
		for (chunk = 1; chunk <= v->len; chunk++)
			expect_text(v, chunk);
	}
}

/*
 * Tests that every split of each vector into two or three feeds at any
 * offsets decodes to the expected text (covers all chunk boundaries).
 */
static void test_decoder_feed_vectors_every_split(void **state)
{
	const struct vfio_ap_mig_vector *v;
	enum vfio_ap_mig_event ev;
	struct vfio_ap_mig_decoder dec;
	size_t i, a, b, off, end, bounds[3];
	unsigned int events, k;
	ssize_t n;
	int ret;

	for (i = 0; i < NR_VECTORS; i++) {
		v = &vfio_ap_mig_vectors[i];
		if (v->len > 400)
			continue;	/* every pair of split points: len^2 runs */
		for (a = 0; a <= v->len; a++) {
			for (b = a; b <= v->len; b++) {
				bounds[0] = a;
				bounds[1] = b;
				bounds[2] = v->len;
				vfio_ap_mig_decoder_init(&dec);
				off = 0;
				events = 0;
				ret = 0;
				for (k = 0; k < 3 && !ret; k++) {
					end = bounds[k];
					while (off < end) {
						n = vfio_ap_mig_decoder_feed(&dec,
							v->data + off, end - off, &ev);
						if (n < 0) {
							ret = n;
							break;
						}
						off += n;
						events += ev != VFIO_AP_MIG_EV_NONE;
					}
				}
				if (!ret)
					ret = vfio_ap_mig_decoder_finish(&dec);
				if (ret != v->err || events != v->nr_events ||
				    (ret && strcmp(vfio_ap_mig_decoder_errmsg(&dec), v->msg)))
					fail_msg("vector %s split at %zu, %zu: %d (%s), %u events",
						 v->name, a, b, ret,
						 vfio_ap_mig_decoder_errmsg(&dec), events);
				vfio_ap_mig_decoder_release(&dec);
			}
		}
	}
}

static void expect_ids(const char *vec, const char *what,
		       const unsigned long *mask, const u8 *ids, u16 nr)
{
	DECLARE_BITMAP(want, VFIO_AP_MIG_IDS);
	u16 i;

	bitmap_zero(want, VFIO_AP_MIG_IDS);
	for (i = 0; i < nr; i++)
		set_bit_inv(ids[i], want);
	if (!bitmap_equal(want, mask, VFIO_AP_MIG_IDS))
		fail_msg("vector %s: %s differs", vec, what);
}

static void expect_config(const char *vec, const struct vfio_ap_mig_config *cfg,
			  const struct vfio_ap_mig_vec_config *want)
{
	u32 q;

	assert_non_null(cfg);
	expect_ids(vec, "apm", cfg->apm, want->apm, want->nr_apm);
	expect_ids(vec, "aqm", cfg->aqm, want->aqm, want->nr_aqm);
	expect_ids(vec, "adm", cfg->adm, want->adm, want->nr_adm);
	assert_int_equal(cfg->nr_queues, want->nr_queues);
	for (q = 0; q < want->nr_queues; q++) {
		const struct vfio_ap_mig_queue *got = &cfg->queues[q];

		assert_int_equal(got->apqn, want->queues[q].apqn);
		assert_int_equal(got->gr2, want->queues[q].gr2);
		if (!want->queues[q].nib) {
			if (got->irq)
				fail_msg("vector %s: queue %u has interruptions on", vec, q);
			continue;
		}
		if (!got->irq || got->irq > cfg->nr_irq_targets)
			fail_msg("vector %s: queue %u: irq target %u of %u", vec, q,
				 got->irq, cfg->nr_irq_targets);
		assert_int_equal(cfg->irq_targets[got->irq - 1].nib, want->queues[q].nib);
		assert_int_equal(cfg->irq_targets[got->irq - 1].isc, want->queues[q].isc);
	}
}

/*
 * Tests that decoding each vector one byte at a time gives exactly the
 * events, fields, errno and message the KUnit header lists (the checks the
 * KUnit suite repeats on big-endian s390x).
 */
static void test_decoder_feed_vectors_fields(void **state)
{
	const struct vfio_ap_mig_vector *v;
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	unsigned int events;
	size_t i, off;
	ssize_t n;
	int ret;

	for (i = 0; i < NR_VECTORS; i++) {
		v = &vfio_ap_mig_vectors[i];
		vfio_ap_mig_decoder_init(&dec);
		events = 0;
		ret = 0;
		for (off = 0; off < v->len; off++) {
			n = vfio_ap_mig_decoder_feed(&dec, v->data + off, 1, &ev);
			if (n < 0) {
				ret = n;
				break;
			}
			assert_int_equal(n, 1);
			if (ev == VFIO_AP_MIG_EV_NONE)
				continue;
			assert_true(events < v->nr_events);
			assert_int_equal(ev, v->events[events].ev);
			if (ev == VFIO_AP_MIG_EV_CONFIG)
				expect_config(v->name, vfio_ap_mig_decoder_config(&dec),
					      &v->events[events].cfg);
			events++;
		}
		if (!ret)
			ret = vfio_ap_mig_decoder_finish(&dec);
		if (ret != v->err)
			fail_msg("vector %s: %s, expected %s (%s)", v->name,
				 vt_errno_name(ret), vt_errno_name(v->err),
				 vfio_ap_mig_decoder_errmsg(&dec));
		assert_int_equal(events, v->nr_events);
		if (ret)
			assert_string_equal(vfio_ap_mig_decoder_errmsg(&dec), v->msg);
		vfio_ap_mig_decoder_release(&dec);
	}
}

/*
 * Tests that every errno of the format's table, except the two that need
 * megabytes or a failing allocator (tested in test_stream_codec), has a
 * vector, and that every error message starts with the offset.
 */
static void test_vectors_cover_every_errno(void **state)
{
	static const char *const names[] = {
		"EPROTO", "EPROTONOSUPPORT", "EINVAL", "EBADMSG", "ENODATA",
		"EMSGSIZE", "EILSEQ", "ENOTUNIQ", "EOPNOTSUPP", "E2BIG",
		"ERANGE", "EDOM", "ENOENT",
	};
	/* every rule of the IRQ section (since 1.1) has its vector */
	static const char *const irq[] = {
		"irq_short", "irq_targets_0", "irq_targets_256", "irq_reserved",
		"irq_count", "irq_len", "irq_nib_0", "irq_isc_8",
		"irq_target_reserved", "irq_target_dup", "irq_map_index",
	};
	unsigned long long at;
	size_t i, k;
	bool found;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		found = false;
		for (i = 0; i < NR_VECTORS; i++)
			found |= vfio_ap_mig_vectors[i].err == vt_errno_value(names[k]);
		if (!found)
			fail_msg("no vector fails with %s", names[k]);
	}
	for (k = 0; k < sizeof(irq) / sizeof(irq[0]); k++) {
		found = false;
		for (i = 0; i < NR_VECTORS; i++)
			found |= !strcmp(vfio_ap_mig_vectors[i].name, irq[k]) &&
				 vfio_ap_mig_vectors[i].err &&
				 strstr(vfio_ap_mig_vectors[i].msg, "IRQ");
		if (!found)
			fail_msg("no vector %s failing on its IRQ rule", irq[k]);
	}
	for (i = 0; i < NR_VECTORS; i++) {
		if (!vfio_ap_mig_vectors[i].err)
			continue;
		assert_int_equal(sscanf(vfio_ap_mig_vectors[i].msg, "offset %llu: ", &at), 1);
		assert_true(at <= vfio_ap_mig_vectors[i].len);
	}
}

/* Tests that the build-time 256 x 256 vector has the pinned size and CRC. */
static void test_vectors_max_bin_pinned(void **state)
{
	const char *path = *state;
	unsigned char *buf;
	size_t n = 0;

	buf = (unsigned char *)test_read_file(path, &n);
	if (!buf)
		fail_msg("cannot read %s", path);
	assert_int_equal(n, VFIO_AP_MIG_VEC_MAX_LEN);
	assert_int_equal(vfio_ap_mig_crc32c(buf, n), VFIO_AP_MIG_VEC_MAX_CRC32C);
	free(buf);
}

int main(int argc, char **argv)
{
	void *max_bin = argc > 1 ? argv[1] : "max.bin";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_bin_matches_kunit_header),
		cmocka_unit_test(test_decoder_feed_vectors_whole),
		cmocka_unit_test(test_decoder_feed_vectors_every_chunk_size),
		cmocka_unit_test(test_decoder_feed_vectors_every_split),
		cmocka_unit_test(test_decoder_feed_vectors_fields),
		cmocka_unit_test(test_vectors_cover_every_errno),
		cmocka_unit_test_prestate(test_vectors_max_bin_pinned, max_bin),
	};

	return cmocka_run_group_tests_name("stream_vectors", tests, NULL, NULL);
}
