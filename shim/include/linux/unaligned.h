/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. Unaligned big/little-endian loads and stores,
 * byte by byte, so the result does not depend on the host's byte order.
 */
#ifndef __LINUX_UNALIGNED_H
#define __LINUX_UNALIGNED_H

#include <string.h>

#include <linux/types.h>

static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 get_unaligned_be64(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_be32(b) << 32 | get_unaligned_be32(b + 4);
}

static inline void put_unaligned_be16(u16 val, void *p)
{
	u8 *b = p;

	b[0] = val >> 8;
	b[1] = val & 0xff;
}

static inline void put_unaligned_be32(u32 val, void *p)
{
	u8 *b = p;

	b[0] = val >> 24;
	b[1] = (val >> 16) & 0xff;
	b[2] = (val >> 8) & 0xff;
	b[3] = val & 0xff;
}

static inline void put_unaligned_be64(u64 val, void *p)
{
	put_unaligned_be32(val >> 32, p);
	put_unaligned_be32(val & 0xffffffff, (u8 *)p + 4);
}

static inline u16 get_unaligned_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[1] << 8 | b[0]);
}

static inline u32 get_unaligned_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[3] << 24 | (u32)b[2] << 16 | (u32)b[1] << 8 | b[0];
}

static inline u64 get_unaligned_le64(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_le32(b + 4) << 32 | get_unaligned_le32(b);
}

static inline void put_unaligned_le16(u16 val, void *p)
{
	u8 *b = p;

	b[0] = val & 0xff;
	b[1] = val >> 8;
}

static inline void put_unaligned_le32(u32 val, void *p)
{
	u8 *b = p;

	b[0] = val & 0xff;
	b[1] = (val >> 8) & 0xff;
	b[2] = (val >> 16) & 0xff;
	b[3] = val >> 24;
}

static inline void put_unaligned_le64(u64 val, void *p)
{
	put_unaligned_le32(val & 0xffffffff, p);
	put_unaligned_le32(val >> 32, (u8 *)p + 4);
}

#define get_unaligned(ptr) ({					\
	__typeof__(*(ptr)) __v;					\
	memcpy(&__v, (ptr), sizeof(__v));			\
	__v; })

#define put_unaligned(val, ptr) do {				\
	__typeof__(*(ptr)) __v = (val);				\
	memcpy((ptr), &__v, sizeof(__v));			\
} while (0)

#endif /* __LINUX_UNALIGNED_H */
