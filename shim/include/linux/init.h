/* SPDX-License-Identifier: GPL-2.0 */
/* Shim rule: STUB. Section annotations and THIS_MODULE mean nothing here. */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

struct module;

#define THIS_MODULE	((struct module *)0)
#define __init
#define __exit
#define __initdata
#define module_init(fn)
#define module_exit(fn)

#endif /* _LINUX_INIT_H */
