// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: DUPLICATED. Bitwise-reflected CRC-32 (poly 0xedb88320) and
 * CRC-32C (Castagnoli, poly 0x82f63b78). As in the kernel, the running
 * value is neither inverted on entry nor on exit: standard CRC-32C is
 * ~crc32c(~0, p, len).
 *
 * Like the kernel's lib/crc, crc32c() uses the CPU's CRC instructions
 * when it has them: on s390 the kernel folds 64 bytes at a time with the
 * vector facility (arch/s390/lib/crc32c-vx), on x86 it uses SSE4.2's
 * crc32 instruction. Here: SSE4.2 crc32 on x86-64 CPUs that have it
 * (checked once at run time), else table-driven slicing-by-8 (8 bytes
 * per step); crc32_le() always uses slicing-by-8. The byte-at-a-time
 * table walk is the reference the tests compare every path with
 * (shim_crc32c_impl() selects one; see <shim/crc32.h>).
 */
#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHIM_CRC_SSE42 1
#include <nmmintrin.h>
#endif

#include <linux/crc32.h>
#include <shim/crc32.h>

/* [k][b]: the CRC of byte b followed by k zero bytes */
static u32 crc32_table[8][256];
static u32 crc32c_table[8][256];
static pthread_once_t crc_tables_once = PTHREAD_ONCE_INIT;
static bool crc32c_have_hw;

static void crc_fill(u32 table[8][256], u32 poly)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
		table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			table[j][i] = table[0][table[j - 1][i] & 0xff] ^
				      (table[j - 1][i] >> 8);
}

static void crc_tables_init(void)
{
	crc_fill(crc32_table, 0xedb88320);
	crc_fill(crc32c_table, 0x82f63b78);
#ifdef SHIM_CRC_SSE42
	__builtin_cpu_init();
	crc32c_have_hw = __builtin_cpu_supports("sse4.2");
#endif
}

/* One byte at a time: the reference. */
static u32 crc_bytewise(const u32 table[8][256], u32 crc, const u8 *p,
			size_t len)
{
	while (len--)
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static u64 crc_load_le64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Slicing-by-8: eight table lookups per 8 bytes. */
static u32 crc_slice8(const u32 table[8][256], u32 crc, const u8 *p,
		      size_t len)
{
	for (; len >= 8; len -= 8, p += 8) {
		u64 v = crc_load_le64(p) ^ crc;

		crc = table[7][v & 0xff] ^
		      table[6][(v >> 8) & 0xff] ^
		      table[5][(v >> 16) & 0xff] ^
		      table[4][(v >> 24) & 0xff] ^
		      table[3][(v >> 32) & 0xff] ^
		      table[2][(v >> 40) & 0xff] ^
		      table[1][(v >> 48) & 0xff] ^
		      table[0][v >> 56];
	}
	return crc_bytewise(table, crc, p, len);
}

#ifdef SHIM_CRC_SSE42
/* SSE4.2 crc32: CRC-32C of 8 bytes per instruction. */
__attribute__((target("sse4.2")))
static u32 crc32c_sse42(u32 crc, const u8 *p, size_t len)
{
	u64 c = crc;

	for (; len >= 8; len -= 8, p += 8)
		c = _mm_crc32_u64(c, crc_load_le64(p));
	crc = (u32)c;
	for (; len; len--)
		crc = _mm_crc32_u8(crc, *p++);
	return crc;
}
#endif

static enum shim_crc32c_impl crc32c_impl = SHIM_CRC32C_FASTEST;

bool shim_crc32c_impl(enum shim_crc32c_impl impl)
{
	pthread_once(&crc_tables_once, crc_tables_init);
	if (impl == SHIM_CRC32C_HW && !crc32c_have_hw)
		return false;
	__atomic_store_n(&crc32c_impl, impl, __ATOMIC_RELAXED);
	return true;
}

u32 crc32_le(u32 crc, const void *p, size_t len)
{
	pthread_once(&crc_tables_once, crc_tables_init);
	return crc_slice8(crc32_table, crc, p, len);
}

u32 crc32c(u32 crc, const void *p, size_t len)
{
	pthread_once(&crc_tables_once, crc_tables_init);
	switch (__atomic_load_n(&crc32c_impl, __ATOMIC_RELAXED)) {
	case SHIM_CRC32C_BYTEWISE:
		return crc_bytewise(crc32c_table, crc, p, len);
	case SHIM_CRC32C_SLICE8:
		return crc_slice8(crc32c_table, crc, p, len);
	default:
#ifdef SHIM_CRC_SSE42
		if (crc32c_have_hw)
			return crc32c_sse42(crc, p, len);
#endif
		return crc_slice8(crc32c_table, crc, p, len);
	}
}
