/* SPDX-License-Identifier: GPL-2.0 */
/* Shim rule: STUB. Module metadata and ownership are no-ops in userspace. */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/export.h>
#include <linux/init.h>

struct module;

#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_IMPORT_NS(x)

#endif /* _LINUX_MODULE_H */
