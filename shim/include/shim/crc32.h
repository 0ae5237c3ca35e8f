/* SPDX-License-Identifier: GPL-2.0 */
/* Test controls of the CRC shim (shim/src/crc32.c). */
#ifndef SHIM_CRC32_H
#define SHIM_CRC32_H

#include <stdbool.h>

/* How crc32c() computes; every one gives the same value. */
enum shim_crc32c_impl {
	SHIM_CRC32C_FASTEST,	/* the default: HW if the CPU has it, else SLICE8 */
	SHIM_CRC32C_HW,		/* x86-64 SSE4.2 crc32 instruction */
	SHIM_CRC32C_SLICE8,	/* portable slicing-by-8 tables */
	SHIM_CRC32C_BYTEWISE,	/* one table lookup per byte: the reference */
};

/* Select how crc32c() computes; false (nothing changed) if this CPU cannot. */
bool shim_crc32c_impl(enum shim_crc32c_impl impl);

#endif /* SHIM_CRC32_H */
