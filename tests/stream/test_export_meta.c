// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the tool metadata section (lib/apmig_export_meta.c): a
 * stream with the section is decoded by the kernel's decoder, fed in any
 * chunking, to the configuration it gives without it; the section reads
 * back; streams the function cannot extend are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bitops.h>
#include <linux/unaligned.h>

#include "vfio_ap_mig_stream.h"

#include "apmig_export_meta.h"

static const struct apmig_export_meta meta = {
	.host = "hosta.example.com", .kernel = "7.3.0-apmig",
	.version = "0.1.0", .time = 1767225600,
};

/* A configuration of @na adapters x @nd domains, CEX8 CCA queues. */
static void make_config(struct vfio_ap_mig_config *cfg, int na, int nd)
{
	u32 i;
	int a, d;

	memset(cfg, 0, sizeof(*cfg));
	for (a = 0; a < na; a++)
		set_bit_inv(3 + a, cfg->apm);
	for (d = 0; d < nd; d++)
		set_bit_inv(4 + 2 * d, cfg->aqm);
	set_bit_inv(4, cfg->adm);
	assert_int_equal(vfio_ap_mig_config_fill_apqns(cfg), 0);
	for (i = 0; i < cfg->nr_queues; i++)
		cfg->queues[i].gr2 = 0xf28000000e000300ULL;
}

/* Encode @cfg as record 0 (FINAL unless @more) into a new buffer. */
static uint8_t *encode(const struct vfio_ap_mig_config *cfg, bool more,
		       size_t extra, size_t *len)
{
	size_t size = vfio_ap_mig_config_record_size(cfg->nr_queues);
	uint8_t *buf = malloc(size + VFIO_AP_MIG_UNCHANGED_RECORD_SIZE + extra);
	ssize_t n;

	assert_non_null(buf);
	n = vfio_ap_mig_encode_config(cfg, 0, more ? 0 : VFIO_AP_MIG_REC_FINAL,
				      buf, size);
	assert_int_equal(n, size);
	if (more) {
		n = vfio_ap_mig_encode_unchanged(1, buf + size,
						 VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
		assert_int_equal(n, VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
		size += n;
	}
	*len = size;
	return buf;
}

/* Feed @buf in @chunk-byte pieces; the decoder's config into @out. */
static void decode(const uint8_t *buf, size_t len, size_t chunk,
		   struct vfio_ap_mig_config *out)
{
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	const struct vfio_ap_mig_config *c;
	size_t off = 0;
	ssize_t n;

	vfio_ap_mig_decoder_init(&dec);
	while (off < len) {
		n = vfio_ap_mig_decoder_feed(&dec, buf + off,
					     len - off < chunk ? len - off : chunk,
					     &ev);
		if (n < 0)
			fail_msg("chunk %zu, offset %zu: %s", chunk, off,
				 vfio_ap_mig_decoder_errmsg(&dec));
		off += n;
	}
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), 0);
	c = vfio_ap_mig_decoder_config(&dec);
	assert_non_null(c);
	memcpy(out, c, sizeof(*out));
	out->queues = malloc(sizeof(*out->queues) * (c->nr_queues + 1));
	assert_non_null(out->queues);
	if (c->nr_queues)
		memcpy(out->queues, c->queues, sizeof(*out->queues) * c->nr_queues);
	/* An exported stream has no interruption targets; none outlive dec. */
	assert_int_equal(c->nr_irq_targets, 0);
	out->irq_targets = NULL;
	vfio_ap_mig_decoder_release(&dec);
}

/*
 * Tests that the kernel's decoder, fed in any chunking, gets from a stream
 * with the section the configuration it gets without it.
 */
static void test_apmig_export_meta_add_kernel_skips(void **state)
{
	static const int shapes[][2] = { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 16, 64 } };
	size_t s, chunk, len, plain_len;
	struct vfio_ap_mig_config cfg, plain, with;
	uint8_t *buf, *copy;
	ssize_t n;

	for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		make_config(&cfg, shapes[s][0], shapes[s][1]);
		buf = encode(&cfg, false, apmig_export_meta_size(&meta), &len);
		plain_len = len;
		copy = malloc(len);
		assert_non_null(copy);
		memcpy(copy, buf, len);
		n = apmig_export_meta_add(buf, len, len + apmig_export_meta_size(&meta),
					  &meta);
		assert_int_equal(n, len + apmig_export_meta_size(&meta));
		/* record_len, nr_sections and the CRC follow */
		assert_int_equal(get_unaligned_be32(buf + 12), n);
		assert_int_equal(get_unaligned_be16(buf + 20), 3);
		assert_int_equal(get_unaligned_be32(buf + n - 4),
				 vfio_ap_mig_crc32c(buf, n - 4));
		decode(copy, plain_len, plain_len, &plain);
		assert_true(vfio_ap_mig_config_equal(&plain, &cfg));
		for (chunk = 1; chunk <= (size_t)n; chunk = chunk < 64 ? chunk + 1 : chunk * 3) {
			decode(buf, n, chunk, &with);
			assert_true(vfio_ap_mig_config_equal(&with, &plain));
			free(with.queues);
		}
		free(plain.queues);
		free(copy);
		free(buf);
		vfio_ap_mig_config_free(&cfg);
	}
}

/* Tests that the records after the first move along, still valid. */
static void test_apmig_export_meta_add_later_records(void **state)
{
	struct vfio_ap_mig_config cfg, with;
	uint8_t *buf;
	size_t len;
	ssize_t n;

	make_config(&cfg, 2, 3);
	buf = encode(&cfg, true, apmig_export_meta_size(&meta), &len);
	n = apmig_export_meta_add(buf, len, len + apmig_export_meta_size(&meta),
				  &meta);
	assert_true(n > 0);
	decode(buf, n, 7, &with);
	assert_true(vfio_ap_mig_config_equal(&with, &cfg));
	free(with.queues);
	free(buf);
	vfio_ap_mig_config_free(&cfg);
}

/* Tests that the section reads back as written. */
static void test_apmig_export_meta_parse_roundtrip(void **state)
{
	struct vfio_ap_mig_config cfg;
	struct apmig_export_meta got;
	const char *why = NULL;
	uint8_t *buf;
	size_t len;
	uint32_t pos;
	ssize_t n;

	make_config(&cfg, 1, 1);
	buf = encode(&cfg, false, apmig_export_meta_size(&meta), &len);
	n = apmig_export_meta_add(buf, len, len + apmig_export_meta_size(&meta),
				  &meta);
	assert_true(n > 0);
	/* the section is the last: right before the CRC */
	pos = n - 4 - apmig_export_meta_size(&meta);
	assert_int_equal(get_unaligned_be16(buf + pos), 0x8100);
	assert_int_equal(apmig_export_meta_parse(buf + pos + 8,
						 get_unaligned_be32(buf + pos + 4),
						 &got, &why), 0);
	assert_string_equal(got.host, meta.host);
	assert_string_equal(got.kernel, meta.kernel);
	assert_string_equal(got.version, meta.version);
	assert_int_equal(got.time, meta.time);
	/* a second one is refused */
	assert_int_equal(apmig_export_meta_add(buf, n, n + 200, &meta), -EEXIST);
	free(buf);
	vfio_ap_mig_config_free(&cfg);
}

/* Tests that malformed bodies are refused, unknown tags skipped. */
static void test_apmig_export_meta_parse_malformed(void **state)
{
	static const uint8_t ok_unknown[] = {
		0, 1, 0, 1, 'h', 0, 2, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5,
		0, 3, 0, 1, 'v', 0, 4, 0, 1, 'k', 0, 9, 0, 2, 'x', 'y',
	};
	static const uint8_t no_kernel[] = {
		0, 1, 0, 1, 'h', 0, 2, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5,
		0, 3, 0, 1, 'v',
	};
	static const uint8_t twice[] = {
		0, 1, 0, 1, 'h', 0, 1, 0, 1, 'h',
	};
	static const uint8_t bad_time[] = {
		0, 1, 0, 1, 'h', 0, 2, 0, 4, 0, 0, 0, 5,
		0, 3, 0, 1, 'v', 0, 4, 0, 1, 'k',
	};
	static const uint8_t cut[] = { 0, 1, 0, 9, 'h' };
	static const uint8_t ctrl[] = {
		0, 1, 0, 1, '\n', 0, 2, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5,
		0, 3, 0, 1, 'v', 0, 4, 0, 1, 'k',
	};
	struct apmig_export_meta m;
	const char *why;

	assert_int_equal(apmig_export_meta_parse(ok_unknown, sizeof(ok_unknown),
						 &m, &why), 0);
	assert_string_equal(m.host, "h");
	assert_int_equal(m.time, 5);
	assert_int_equal(apmig_export_meta_parse(no_kernel, sizeof(no_kernel),
						 &m, &why), -EINVAL);
	assert_int_equal(apmig_export_meta_parse(twice, sizeof(twice), &m, &why),
			 -EINVAL);
	assert_int_equal(apmig_export_meta_parse(bad_time, sizeof(bad_time),
						 &m, &why), -EINVAL);
	assert_int_equal(apmig_export_meta_parse(cut, sizeof(cut), &m, &why),
			 -EINVAL);
	assert_int_equal(apmig_export_meta_parse(ctrl, sizeof(ctrl), &m, &why),
			 -EINVAL);
}

/* Tests the streams the section cannot be added to. */
static void test_apmig_export_meta_add_refused(void **state)
{
	struct apmig_export_meta bad = meta;
	struct vfio_ap_mig_config cfg;
	uint8_t unchanged[VFIO_AP_MIG_UNCHANGED_RECORD_SIZE + 256];
	uint8_t *buf;
	size_t len;

	make_config(&cfg, 1, 1);
	buf = encode(&cfg, false, 0, &len);
	assert_int_equal(apmig_export_meta_add(buf, len, len, &meta), -ENOSPC);
	bad.host[0] = '\0';
	assert_int_equal(apmig_export_meta_add(buf, len, len + 512, &bad),
			 -ENAMETOOLONG);
	assert_int_equal(vfio_ap_mig_encode_unchanged(1, unchanged,
						      sizeof(unchanged)),
			 VFIO_AP_MIG_UNCHANGED_RECORD_SIZE);
	assert_int_equal(apmig_export_meta_add(unchanged,
					       VFIO_AP_MIG_UNCHANGED_RECORD_SIZE,
					       sizeof(unchanged), &meta), -EINVAL);
	/* a record_len beyond the stream */
	put_unaligned_be32(len + 1, buf + 12);
	assert_int_equal(apmig_export_meta_add(buf, len, len, &meta), -EINVAL);
	free(buf);
	vfio_ap_mig_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apmig_export_meta_add_kernel_skips),
		cmocka_unit_test(test_apmig_export_meta_add_later_records),
		cmocka_unit_test(test_apmig_export_meta_parse_roundtrip),
		cmocka_unit_test(test_apmig_export_meta_parse_malformed),
		cmocka_unit_test(test_apmig_export_meta_add_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
