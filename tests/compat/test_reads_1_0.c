// SPDX-License-Identifier: GPL-2.0
/*
 * Compatibility of stream versions, seen from the current codec: the 1.0
 * streams of tests/compat/v1.0/ (written by the frozen 1.0 encoder, which
 * test_reader_1_0 checks) decode, in every chunk size, to exactly what the
 * same vectors written by the current encoder decode to
 * (tests/vectors/<name>.txt).
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

#include "vfio_ap_mig_stream.h"
#include "vector_text.h"

static char *read_file(const char *dir, const char *name, const char *ext,
		       size_t *len)
{
	char path[4096];
	char *buf;

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	buf = test_read_file(path, len);
	if (!buf)
		fail_msg("cannot read %s", path);
	return buf;
}

/* Tests that the current reader reads each 1.0 fixture as its 1.1 vector. */
static void test_reader_reads_1_0_streams(void **state)
{
	static const char *const names[] = {
		"one_queue", "several", "precopy_unchanged", "precopy_changed",
	};
	char *bin, *file, *want, *got;
	size_t i, len, size, chunk;
	FILE *f;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bin = read_file(APMIG_COMPAT_DIR, names[i], ".bin", &len);
		assert_int_equal(bin[7], 0);		/* minor 0 */
		file = read_file(APMIG_VECTORS_DIR, names[i], ".txt", NULL);
		want = vt_strip_comments(file);
		for (chunk = 0; chunk <= len; chunk++) {
			got = NULL;
			f = open_memstream(&got, &size);
			assert_int_equal(vt_decode_print(f, bin, len, chunk), 0);
			fclose(f);
			if (strcmp(got, want))
				fail_msg("1.0 %s, chunks of %zu:\n--- expected\n%s--- decoded\n%s",
					 names[i], chunk, want, got);
			free(got);
		}
		free(want);
		free(file);
		free(bin);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_reads_1_0_streams),
	};

	return cmocka_run_group_tests_name("compat_reads_1_0", tests, NULL, NULL);
}
