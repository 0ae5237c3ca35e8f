/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED (flag names only). Allocation flags; userspace
 * honours __GFP_ZERO and ignores the reclaim modifiers.
 */
#ifndef __LINUX_GFP_H
#define __LINUX_GFP_H

#include <linux/types.h>

#define __GFP_ZERO		((gfp_t)0x100u)
#define __GFP_NOWARN		((gfp_t)0x2000u)
#define __GFP_ACCOUNT		((gfp_t)0x400000u)
#define GFP_KERNEL		((gfp_t)0xcc0u)
#define GFP_ATOMIC		((gfp_t)0x820u)
#define GFP_NOWAIT		((gfp_t)0x800u)
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)

/* Linux 7.3: the flags of an optional argument, GFP_KERNEL when absent. */
#define __default_gfp(a, b, ...)	b
#define default_gfp(...)	__default_gfp(, ##__VA_ARGS__, GFP_KERNEL)

#endif /* __LINUX_GFP_H */
