// SPDX-License-Identifier: GPL-2.0
/*
 * Compatibility of stream versions, seen from the frozen 1.0 codec of
 * tests/compat/reader-1.0/: every valid golden vector, written by the
 * current (newer minor) encoder, decodes with the 1.0 reader to the masks
 * and queues the current reader gives (the expectations of the vectors
 * header, which test_stream_vectors holds the current reader to); and the
 * 1.0 fixtures of tests/compat/v1.0/ are what the 1.0 encoder writes.
 *
 *   test_reader_1_0              run the tests
 *   test_reader_1_0 write DIR    (re)write the 1.0 fixtures into DIR
 *
 * A separate executable: the frozen codec has the same symbols as the
 * current one. Its header must come first: the vectors header's include
 * of the current one is then a no-op (same include guard).
 */
#include "vfio_ap_mig_stream.h"		/* reader-1.0/, the frozen one */

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

#include "vfio_ap_mig_stream_vectors.h"

#define NR_VECTORS (sizeof(vfio_ap_mig_vectors) / sizeof(vfio_ap_mig_vectors[0]))

/* The vectors kept as 1.0 streams in tests/compat/v1.0/<name>.bin. */
static const char *const fixtures[] = {
	"one_queue", "several", "precopy_unchanged", "precopy_changed",
};

static const struct vfio_ap_mig_vector *vector(const char *name)
{
	size_t i;

	for (i = 0; i < NR_VECTORS; i++)
		if (!strcmp(vfio_ap_mig_vectors[i].name, name))
			return &vfio_ap_mig_vectors[i];
	return NULL;
}

static void ids_to_mask(unsigned long *mask, const u8 *ids, u16 nr)
{
	u16 i;

	bitmap_zero(mask, VFIO_AP_MIG_IDS);
	for (i = 0; i < nr; i++)
		set_bit_inv(ids[i], mask);
}

/* The expected configuration @want as a 1.0 struct vfio_ap_mig_config. */
static int vec_to_config(struct vfio_ap_mig_config *cfg,
			 const struct vfio_ap_mig_vec_config *want)
{
	u32 i;

	if (vfio_ap_mig_config_alloc(cfg, 0))
		return -1;
	ids_to_mask(cfg->apm, want->apm, want->nr_apm);
	ids_to_mask(cfg->aqm, want->aqm, want->nr_aqm);
	ids_to_mask(cfg->adm, want->adm, want->nr_adm);
	if (vfio_ap_mig_config_fill_apqns(cfg) || cfg->nr_queues != want->nr_queues)
		return -1;
	for (i = 0; i < cfg->nr_queues; i++) {
		if (cfg->queues[i].apqn != want->queues[i].apqn)
			return -1;
		cfg->queues[i].gr2 = want->queues[i].gr2;
	}
	return 0;
}

/*
 * The stream of vector @v's records written by the 1.0 encoder: each
 * configuration and UNCHANGED record in turn, the last one FINAL.
 * Returns its length; the caller frees *@out.
 */
static size_t encode_1_0(const struct vfio_ap_mig_vector *v, u8 **out)
{
	struct vfio_ap_mig_config cfg;
	size_t len = 0, size;
	u8 *buf = NULL;
	ssize_t n;
	u32 k;

	for (k = 0; k < v->nr_events; k++) {
		if (v->events[k].ev == VFIO_AP_MIG_EV_UNCHANGED) {
			size = VFIO_AP_MIG_UNCHANGED_RECORD_SIZE;
			buf = realloc(buf, len + size);
			n = buf ? vfio_ap_mig_encode_unchanged(k, buf + len, size) : -1;
		} else {
			if (vec_to_config(&cfg, &v->events[k].cfg))
				return 0;
			size = vfio_ap_mig_config_record_size(cfg.nr_queues);
			buf = realloc(buf, len + size);
			n = buf ? vfio_ap_mig_encode_config(&cfg, k,
					k + 1 == v->nr_events ? VFIO_AP_MIG_REC_FINAL : 0,
					buf + len, size) : -1;
			vfio_ap_mig_config_free(&cfg);
		}
		if (n != (ssize_t)size)
			return 0;
		len += size;
	}
	*out = buf;
	return len;
}

static void expect_config(const char *vec, const struct vfio_ap_mig_config *cfg,
			  const struct vfio_ap_mig_vec_config *want)
{
	DECLARE_BITMAP(mask, VFIO_AP_MIG_IDS);
	u32 q;

	assert_non_null(cfg);
	ids_to_mask(mask, want->apm, want->nr_apm);
	if (!bitmap_equal(mask, cfg->apm, VFIO_AP_MIG_IDS))
		fail_msg("vector %s: apm differs", vec);
	ids_to_mask(mask, want->aqm, want->nr_aqm);
	if (!bitmap_equal(mask, cfg->aqm, VFIO_AP_MIG_IDS))
		fail_msg("vector %s: aqm differs", vec);
	ids_to_mask(mask, want->adm, want->nr_adm);
	if (!bitmap_equal(mask, cfg->adm, VFIO_AP_MIG_IDS))
		fail_msg("vector %s: adm differs", vec);
	assert_int_equal(cfg->nr_queues, want->nr_queues);
	for (q = 0; q < want->nr_queues; q++) {
		assert_int_equal(cfg->queues[q].apqn, want->queues[q].apqn);
		assert_int_equal(cfg->queues[q].gr2, want->queues[q].gr2);
	}
}

/* Decode @v with the 1.0 reader in feeds of @chunk bytes (0: at once). */
static void decode_1_0(const struct vfio_ap_mig_vector *v, size_t chunk)
{
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	unsigned int events = 0;
	size_t off = 0, n;
	ssize_t ret = 0;

	vfio_ap_mig_decoder_init(&dec);
	while (off < v->len) {
		n = chunk && chunk < v->len - off ? chunk : v->len - off;
		ret = vfio_ap_mig_decoder_feed(&dec, v->data + off, n, &ev);
		if (ret < 0)
			fail_msg("vector %s (chunk %zu): the 1.0 reader refuses it: %s",
				 v->name, chunk, vfio_ap_mig_decoder_errmsg(&dec));
		off += ret;
		if (ev == VFIO_AP_MIG_EV_NONE)
			continue;
		assert_true(events < v->nr_events);
		assert_int_equal(ev, v->events[events].ev);
		if (ev == VFIO_AP_MIG_EV_CONFIG)
			expect_config(v->name, vfio_ap_mig_decoder_config(&dec),
				      &v->events[events].cfg);
		events++;
	}
	assert_int_equal(vfio_ap_mig_decoder_finish(&dec), 0);
	assert_int_equal(events, v->nr_events);
	vfio_ap_mig_decoder_release(&dec);
}

/*
 * Tests that the 1.0 reader reads every valid vector of the current
 * writer, whole and byte by byte, to the same masks and queues, IRQ
 * sections skipped (there is at least one to skip).
 */
static void test_reader_1_0_reads_every_good_vector(void **state)
{
	const struct vfio_ap_mig_vector *v;
	unsigned int good = 0, irq = 0;
	size_t i;

	for (i = 0; i < NR_VECTORS; i++) {
		v = &vfio_ap_mig_vectors[i];
		if (v->err)
			continue;
		decode_1_0(v, 0);
		decode_1_0(v, 1);
		decode_1_0(v, 7);
		good++;
		irq += !strncmp(v->name, "irq_", 4) || strstr(v->name, "_irq");
	}
	assert_true(good >= 10);
	assert_true(irq >= 5);
}

/* Tests that the vectors are of a newer minor than this reader's. */
static void test_vectors_are_newer_minor(void **state)
{
	const struct vfio_ap_mig_vector *v = vector("irq_shared");

	assert_non_null(v);
	assert_int_equal(VFIO_AP_MIG_MINOR, 0);
	assert_true((v->data[6] << 8 | v->data[7]) > VFIO_AP_MIG_MINOR);
}

static u8 *read_fixture(const char *name, size_t *len)
{
	char path[4096];
	u8 *buf;

	snprintf(path, sizeof(path), "%s/%s.bin", APMIG_COMPAT_DIR, name);
	buf = (u8 *)test_read_file(path, len);
	if (!buf)
		fail_msg("cannot read %s", path);
	return buf;
}

/*
 * Tests that each 1.0 fixture is exactly what the 1.0 encoder writes for
 * its vector's records (so the current reader's test reads real 1.0).
 */
static void test_fixtures_are_1_0_encoder_output(void **state)
{
	size_t i, len, want_len;
	u8 *bin, *want;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		bin = read_fixture(fixtures[i], &len);
		want_len = encode_1_0(vector(fixtures[i]), &want);
		assert_true(want_len > 0);
		if (len != want_len || memcmp(bin, want, len))
			fail_msg("tests/compat/v1.0/%s.bin is not what the 1.0 encoder writes",
				 fixtures[i]);
		assert_int_equal(bin[7], 0);	/* minor 0 */
		free(want);
		free(bin);
	}
}

static int write_fixtures(const char *dir)
{
	char path[4096];
	size_t i, len;
	u8 *buf;
	FILE *f;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		len = encode_1_0(vector(fixtures[i]), &buf);
		snprintf(path, sizeof(path), "%s/%s.bin", dir, fixtures[i]);
		f = fopen(path, "wb");
		if (!len || !f || fwrite(buf, 1, len, f) != len || fclose(f)) {
			perror(path);
			return 1;
		}
		free(buf);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_1_0_reads_every_good_vector),
		cmocka_unit_test(test_vectors_are_newer_minor),
		cmocka_unit_test(test_fixtures_are_1_0_encoder_output),
	};

	if (argc == 3 && !strcmp(argv[1], "write"))
		return write_fixtures(argv[2]);
	return cmocka_run_group_tests_name("compat_reader_1_0", tests, NULL, NULL);
}
