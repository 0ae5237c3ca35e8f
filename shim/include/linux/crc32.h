/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED (shim/src/crc32.c). Reflected CRC-32 and CRC-32C
 * with the kernel's semantics: the caller passes the running value and
 * does any pre/post inversion itself (no inversion inside). Linux 7.3's
 * signatures: crc32c() is the library function (__crc32c_le() is gone).
 */
#ifndef _LINUX_CRC32_H
#define _LINUX_CRC32_H

#include <linux/compiler.h>
#include <linux/types.h>

u32 crc32_le(u32 crc, const void *p, size_t len);
u32 crc32c(u32 crc, const void *p, size_t len);

static inline u32 crc32(u32 crc, const void *p, size_t len)
{
	return crc32_le(crc, p, len);
}

#endif /* _LINUX_CRC32_H */
