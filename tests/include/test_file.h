/* SPDX-License-Identifier: GPL-2.0 */
/* Tests: read a whole file, for the tests that compare files byte by byte. */
#ifndef APMIG_TEST_FILE_H
#define APMIG_TEST_FILE_H

#include <stdio.h>
#include <stdlib.h>

/*
 * The bytes of @path with a NUL after them (so a text file is a string),
 * their number in @len; NULL if it cannot be read. Free with free().
 */
static inline char *test_read_file(const char *path, size_t *len)
{
	char *buf = NULL;
	long n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc((size_t)n + 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

#endif /* APMIG_TEST_FILE_H */
