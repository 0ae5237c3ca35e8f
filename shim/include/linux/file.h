/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/fs.c). fput() and friends; file
 * descriptors live in the shim's fd table (<shim/vfs.h>).
 */
#ifndef __LINUX_FILE_H
#define __LINUX_FILE_H

#include <linux/fs.h>

#endif /* __LINUX_FILE_H */
