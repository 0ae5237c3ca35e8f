/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/uaccess.c). "User" memory is the
 * process's memory. copy_to_user()/copy_from_user() return the bytes NOT
 * copied, as in the kernel; a NULL user pointer faults, and the N-th copy
 * in either direction can be made to fault (<shim/uaccess.h>). A faulting
 * copy_from_user() zeroes the destination, as the kernel's does.
 */
#ifndef __LINUX_UACCESS_H__
#define __LINUX_UACCESS_H__

#include <linux/compiler.h>
#include <linux/types.h>

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);

#define access_ok(addr, size)	((void)(size), (addr) != NULL)

#define get_user(x, ptr) ({						\
	__typeof__(*(ptr)) __gu_v;					\
	int __gu_r = copy_from_user(&__gu_v, ptr, sizeof(__gu_v)) ? -EFAULT : 0; \
	(x) = __gu_v;							\
	__gu_r; })

#define put_user(x, ptr) ({						\
	__typeof__(*(ptr)) __pu_v = (x);				\
	copy_to_user(ptr, &__pu_v, sizeof(__pu_v)) ? -EFAULT : 0; })

#endif /* __LINUX_UACCESS_H__ */
