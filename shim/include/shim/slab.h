/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test controls of the slab fake (shim/src/slab.c): count allocations and
 * make the N-th one from now fail.
 */
#ifndef SHIM_SLAB_H
#define SHIM_SLAB_H

/* Make the @n-th allocation from now (1 = the next) fail; 0 disarms. */
void shim_slab_fail_nth(unsigned long n);
/* Allocation attempts since the last shim_slab_reset() (failed ones too). */
unsigned long shim_slab_attempts(void);
/* Allocations currently live (made and not yet freed). */
long shim_slab_live(void);
/* Disarm the knob and zero the attempt counter (not the live count). */
void shim_slab_reset(void);

#endif /* SHIM_SLAB_H */
