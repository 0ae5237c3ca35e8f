/* SPDX-License-Identifier: GPL-2.0 */
/* Test controls of the WARN_ON fake (shim/src/bug.c). */
#ifndef SHIM_BUG_H
#define SHIM_BUG_H

/* WARN_ON()s that fired since the last shim_bug_reset(). */
unsigned long shim_bug_warnings(void);
void shim_bug_reset(void);

#endif /* SHIM_BUG_H */
