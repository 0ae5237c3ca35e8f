/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. The kernel's fixed-width and byte-order types,
 * with the kernel's definitions (u64 is unsigned long long, as in int-ll64).
 * Reuses the kernel header's include guard, so a system header that pulls
 * in <linux/types.h> gets this one and sees the same __u32/__be32.
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <asm/types.h>		/* __u8 .. __u64, __s8 .. __s64 (uAPI) */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>		/* ssize_t, loff_t */

#ifndef __bitwise
#define __bitwise
#endif

typedef __u16 __bitwise __le16;
typedef __u16 __bitwise __be16;
typedef __u32 __bitwise __le32;
typedef __u32 __bitwise __be32;
typedef __u64 __bitwise __le64;
typedef __u64 __bitwise __be64;
typedef __u16 __bitwise __sum16;
typedef __u32 __bitwise __wsum;

#define __aligned_u64 __u64 __attribute__((aligned(8)))
#define __aligned_be64 __be64 __attribute__((aligned(8)))
#define __aligned_le64 __le64 __attribute__((aligned(8)))

typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

typedef unsigned int __bitwise gfp_t;
typedef unsigned int __bitwise fmode_t;
typedef unsigned int __bitwise __poll_t;
typedef u64 phys_addr_t;

#define DECLARE_BITMAP(name, bits) \
	unsigned long name[((bits) + (8 * sizeof(long)) - 1) / (8 * sizeof(long))]

typedef struct {
	int counter;
} atomic_t;

struct list_head {
	struct list_head *next, *prev;
};

#endif /* _LINUX_TYPES_H */
