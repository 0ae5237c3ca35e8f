/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: STUB. In userspace the tests include or link the driver
 * directly, so what the kernel shows only to its KUnit module is simply
 * visible here, and there is no symbol export.
 */
#ifndef _KUNIT_VISIBILITY_H
#define _KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif /* _KUNIT_VISIBILITY_H */
