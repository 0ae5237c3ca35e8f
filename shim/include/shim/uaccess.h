/* SPDX-License-Identifier: GPL-2.0 */
/* Test controls of the uaccess fake (shim/src/uaccess.c). */
#ifndef SHIM_UACCESS_H
#define SHIM_UACCESS_H

enum shim_copy_dir {
	SHIM_COPY_TO_USER,
	SHIM_COPY_FROM_USER,
	SHIM_COPY_ANY,		/* counts copies in both directions */
};

/* Make the @n-th copy (1 = the next) in @dir from now fault; 0 disarms. */
void shim_uaccess_fail_nth(enum shim_copy_dir dir, unsigned long n);
/* Copies attempted in @dir since the last reset. */
unsigned long shim_uaccess_copies(enum shim_copy_dir dir);
/* Copies that faulted since the last reset. */
unsigned long shim_uaccess_faults(void);
void shim_uaccess_reset(void);

#endif /* SHIM_UACCESS_H */
