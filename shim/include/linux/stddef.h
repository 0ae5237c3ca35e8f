/* SPDX-License-Identifier: GPL-2.0 */
/* Shim rule: DUPLICATED. offsetof, sizeof_field, true/false. */
#ifndef _LINUX_STDDEF_H
#define _LINUX_STDDEF_H

#include <stdbool.h>
#include <stddef.h>

#define sizeof_field(TYPE, MEMBER)	sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

#endif /* _LINUX_STDDEF_H */
