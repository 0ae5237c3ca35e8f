// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. copy_to_user()/copy_from_user() as memcpy;
 * a NULL user pointer or an armed fault knob makes the copy fault: nothing
 * is copied, the full length is returned as not copied, and
 * copy_from_user() zeroes the kernel buffer as the kernel's does.
 */
#include <stdatomic.h>
#include <string.h>

#include <linux/uaccess.h>

#include <shim/uaccess.h>

static atomic_ulong copies[3];		/* by enum shim_copy_dir */
static atomic_ulong fail_at[3];		/* copy number that faults, 0: none */
static atomic_ulong faults;

void shim_uaccess_fail_nth(enum shim_copy_dir dir, unsigned long n)
{
	atomic_store(&fail_at[dir], n ? atomic_load(&copies[dir]) + n : 0);
}

unsigned long shim_uaccess_copies(enum shim_copy_dir dir)
{
	return atomic_load(&copies[dir]);
}

unsigned long shim_uaccess_faults(void)
{
	return atomic_load(&faults);
}

void shim_uaccess_reset(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		atomic_store(&copies[i], 0);
		atomic_store(&fail_at[i], 0);
	}
	atomic_store(&faults, 0);
}

/* Count a copy in @dir; true if it must fault. */
static bool copy_faults(enum shim_copy_dir dir, const void *uptr)
{
	unsigned long n = atomic_fetch_add(&copies[dir], 1) + 1;
	unsigned long any = atomic_fetch_add(&copies[SHIM_COPY_ANY], 1) + 1;
	bool fault = !uptr;
	unsigned long want;

	want = atomic_load(&fail_at[dir]);
	if (want && want == n) {
		atomic_store(&fail_at[dir], 0);
		fault = true;
	}
	want = atomic_load(&fail_at[SHIM_COPY_ANY]);
	if (want && want == any) {
		atomic_store(&fail_at[SHIM_COPY_ANY], 0);
		fault = true;
	}
	if (fault)
		atomic_fetch_add(&faults, 1);
	return fault;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!n)
		return 0;
	if (copy_faults(SHIM_COPY_TO_USER, to))
		return n;
	memcpy(to, from, n);
	return 0;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (!n)
		return 0;
	if (copy_faults(SHIM_COPY_FROM_USER, from)) {
		memset(to, 0, n);
		return n;
	}
	memcpy(to, from, n);
	return 0;
}
