/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: DUPLICATED. Kernel errno values: the uAPI ones are the libc
 * ones (from <asm/errno.h>, as the real header does); the kernel-internal
 * ones (>= 512) keep the kernel's numbers. glibc's <errno.h> includes this
 * file through <linux/errno.h>, so it must stay self-contained.
 */
#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H

#include <asm/errno.h>

#define ERESTARTSYS	512
#define ERESTARTNOINTR	513
#define ERESTARTNOHAND	514
#define ENOIOCTLCMD	515
#define ERESTART_RESTARTBLOCK 516
#define EPROBE_DEFER	517
#define EOPENSTALE	518
#define ENOPARAM	519
#define EBADHANDLE	521
#define ENOTSYNC	522
#define EBADCOOKIE	523
#define ENOTSUPP	524
#define ETOOSMALL	525
#define ESERVERFAULT	526
#define EBADTYPE	527
#define EJUKEBOX	528
#define EIOCBQUEUED	529
#define ERECALLCONFLICT	530
#define ENOGRACE	531

#endif /* _LINUX_ERRNO_H */
