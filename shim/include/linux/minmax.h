/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. min()/max() and friends, each argument evaluated
 * once. The kernel's type-compatibility checks are left to the s390x build.
 */
#ifndef _LINUX_MINMAX_H
#define _LINUX_MINMAX_H

#define __shim_cmp(op, x, y) ({			\
	__auto_type __x = (x);			\
	__auto_type __y = (y);			\
	__x op __y ? __x : __y; })

#define min(x, y)		__shim_cmp(<, x, y)
#define max(x, y)		__shim_cmp(>, x, y)
#define umin(x, y)		min((x) + 0u + 0ul + 0ull, (y) + 0u + 0ul + 0ull)
#define umax(x, y)		max((x) + 0u + 0ul + 0ull, (y) + 0u + 0ul + 0ull)
#define min3(x, y, z)		min((typeof(x))min(x, y), z)
#define max3(x, y, z)		max((typeof(x))max(x, y), z)
#define min_t(type, x, y)	__shim_cmp(<, (type)(x), (type)(y))
#define max_t(type, x, y)	__shim_cmp(>, (type)(x), (type)(y))
#define clamp(val, lo, hi)	min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi)	clamp_t(typeof(val), val, lo, hi)

#define swap(a, b) \
	do { typeof(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)

#endif /* _LINUX_MINMAX_H */
