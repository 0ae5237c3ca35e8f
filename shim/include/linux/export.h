/* SPDX-License-Identifier: GPL-2.0 */
/* Shim rule: STUB. Symbol exports mean nothing in a userspace link. */
#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS(sym, ns)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)

#endif /* _LINUX_EXPORT_H */
