/* SPDX-License-Identifier: GPL-2.0 */
/* Test controls of the lock fake (shim/src/lock.c). */
#ifndef SHIM_LOCK_H
#define SHIM_LOCK_H

/*
 * By default a failed lockdep assertion or lock misuse aborts. A test of
 * the fake itself may install a handler instead (NULL restores abort);
 * the handler must not return into the failing code path unless it can
 * tolerate that, e.g. it longjmps out.
 */
typedef void (*shim_lock_fail_t)(const char *what);
void shim_lock_set_fail_handler(shim_lock_fail_t fn);

#endif /* SHIM_LOCK_H */
