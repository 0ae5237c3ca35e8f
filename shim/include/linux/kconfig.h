/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DUPLICATED: IS_ENABLED() of <linux/kconfig.h>. Userspace has no Kconfig:
 * every option is off, so code under IS_ENABLED(CONFIG_...) is left out.
 */
#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

#define IS_ENABLED(option) 0

#endif /* _LINUX_KCONFIG_H */
