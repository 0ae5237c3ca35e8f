/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED (shim/src/crc32.c). Reflected CRC-32 and CRC-32C
 * with the kernel's semantics: the caller passes the running value and
 * does any pre/post inversion itself (no inversion inside).
 */
#ifndef _LINUX_CRC32_H
#define _LINUX_CRC32_H

#include <linux/compiler.h>
#include <linux/types.h>

u32 __pure crc32_le(u32 crc, unsigned char const *p, size_t len);
u32 __pure __crc32c_le(u32 crc, unsigned char const *p, size_t len);

static inline u32 crc32c(u32 crc, const void *address, unsigned int length)
{
	return __crc32c_le(crc, address, length);
}

#endif /* _LINUX_CRC32_H */
