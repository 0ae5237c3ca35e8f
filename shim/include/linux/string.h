/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. The libc string functions plus the kernel's own
 * (strscpy returns -E2BIG on truncation; kmemdup/kstrdup in slab.h terms).
 */
#ifndef _LINUX_STRING_H_
#define _LINUX_STRING_H_

#include <string.h>

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>

/* Copy a NUL-terminated string; -E2BIG if it had to be truncated. */
static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return (ssize_t)len;
}

static inline ssize_t strscpy_pad(char *dst, const char *src, size_t size)
{
	ssize_t ret = strscpy(dst, src, size);
	size_t used = ret < 0 ? size : (size_t)ret + 1;

	if (used < size)
		memset(dst + used, 0, size - used);
	return ret;
}

/* The first byte of @start that is not @c, or NULL: the kernel's semantics. */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;
	size_t i;

	for (i = 0; i < bytes; i++) {
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	}
	return NULL;
}

static inline void memzero_explicit(void *s, size_t count)
{
	memset(s, 0, count);
	barrier();
}

void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);

#endif /* _LINUX_STRING_H_ */
