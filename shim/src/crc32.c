// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: DUPLICATED. Bitwise-reflected CRC-32 (poly 0xedb88320) and
 * CRC-32C (Castagnoli, poly 0x82f63b78), table driven, one byte at a time.
 * As in the kernel, the running value is neither inverted on entry nor on
 * exit: standard CRC-32C is ~crc32c(~0, p, len).
 */
#include <pthread.h>

#include <linux/crc32.h>

static u32 crc32_table[256];
static u32 crc32c_table[256];
static pthread_once_t crc_tables_once = PTHREAD_ONCE_INIT;

static void crc_fill(u32 *table, u32 poly)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
		table[i] = c;
	}
}

static void crc_tables_init(void)
{
	crc_fill(crc32_table, 0xedb88320);
	crc_fill(crc32c_table, 0x82f63b78);
}

static u32 crc_run(const u32 *table, u32 crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	pthread_once(&crc_tables_once, crc_tables_init);
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

u32 crc32_le(u32 crc, const void *p, size_t len)
{
	return crc_run(crc32_table, crc, p, len);
}

u32 crc32c(u32 crc, const void *p, size_t len)
{
	return crc_run(crc32c_table, crc, p, len);
}
