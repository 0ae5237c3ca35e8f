// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. kmalloc()/kvmalloc() on malloc(): each call
 * is an "attempt"; shim_slab_fail_nth(N) makes the N-th attempt from then
 * return NULL. Live allocations are counted so a test can prove that a
 * failure path frees what it took. kvmalloc() refuses sizes above INT_MAX
 * like the kernel's.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <linux/slab.h>
#include <linux/string.h>

#include <shim/slab.h>

static atomic_ulong slab_attempts;
static atomic_ulong slab_fail_at;	/* attempt number to fail, 0: never */
static atomic_long slab_live;

void shim_slab_fail_nth(unsigned long n)
{
	atomic_store(&slab_fail_at, n ? atomic_load(&slab_attempts) + n : 0);
}

unsigned long shim_slab_attempts(void)
{
	return atomic_load(&slab_attempts);
}

long shim_slab_live(void)
{
	return atomic_load(&slab_live);
}

void shim_slab_reset(void)
{
	atomic_store(&slab_fail_at, 0);
	atomic_store(&slab_attempts, 0);
}

/* Count an attempt; true if this one must fail. */
static bool slab_should_fail(void)
{
	unsigned long n = atomic_fetch_add(&slab_attempts, 1) + 1;
	unsigned long at = atomic_load(&slab_fail_at);

	if (at && n == at) {
		atomic_store(&slab_fail_at, 0);
		return true;
	}
	return false;
}

void *kmalloc(size_t size, gfp_t flags)
{
	void *p;

	if (slab_should_fail())
		return NULL;
	/* kmalloc(0) returns a unique non-NULL cookie in the kernel */
	p = (flags & __GFP_ZERO) ? calloc(1, size ? size : 1) :
				   malloc(size ? size : 1);
	if (p)
		atomic_fetch_add(&slab_live, 1);
	return p;
}

void *kvmalloc(size_t size, gfp_t flags)
{
	if (size > INT_MAX) {
		slab_should_fail();
		return NULL;
	}
	return kmalloc(size, flags);
}

void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	void *n;

	if (slab_should_fail())
		return NULL;
	n = realloc((void *)p, new_size ? new_size : 1);
	if (n && !p)
		atomic_fetch_add(&slab_live, 1);
	return n;
}

void kfree(const void *p)
{
	if (!p)
		return;
	atomic_fetch_sub(&slab_live, 1);
	free((void *)p);
}

void kvfree(const void *p)
{
	kfree(p);
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}
