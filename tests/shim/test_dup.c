// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the shim's DUPLICATED definitions: bitmaps and s390's MSB-first
 * bit numbering, unaligned big-endian access, CRC-32C with the kernel's
 * no-inversion semantics, error pointers, strscpy and the uAPI numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bitmap.h>
#include <linux/crc32.h>
#include <shim/crc32.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>

/* Tests that id 0 is the MSB of word 0 and ids run MSB-first. */
static void test_set_bit_inv_numbering(void **state)
{
	DECLARE_BITMAP(map, 256);
	unsigned long bit, seen[8];
	int n = 0;

	bitmap_zero(map, 256);
	set_bit_inv(0, map);
	assert_int_equal(map[0], 1UL << 63);
	set_bit_inv(63, map);
	assert_int_equal(map[0], (1UL << 63) | 1UL);
	set_bit_inv(64, map);
	assert_int_equal(map[1], 1UL << 63);
	set_bit_inv(255, map);
	assert_int_equal(map[3], 1UL);
	assert_true(test_bit_inv(64, map));
	assert_false(test_bit_inv(65, map));
	assert_true(test_bit(63, map));	/* inv 0 is plain bit 63 */
	clear_bit_inv(63, map);
	assert_int_equal(map[0], 1UL << 63);

	for_each_set_bit_inv(bit, map, 256)
		seen[n++] = bit;
	assert_int_equal(n, 3);
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[1], 64);
	assert_int_equal(seen[2], 255);

	/* a size that ends inside a word stops there */
	n = 0;
	for_each_set_bit_inv(bit, map, 200)
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(find_first_bit_inv(map, 0), 0);
	bitmap_zero(map, 256);
	assert_int_equal(find_first_bit_inv(map, 256), 256);
}

/* Tests the bitmap operations, including bits past nbits being ignored. */
static void test_bitmap_ops(void **state)
{
	DECLARE_BITMAP(a, 100);
	DECLARE_BITMAP(b, 100);
	DECLARE_BITMAP(d, 100);

	bitmap_zero(a, 100);
	bitmap_zero(b, 100);
	assert_true(bitmap_empty(a, 100));
	set_bit(3, a);
	set_bit(99, a);
	set_bit(3, b);
	assert_int_equal(bitmap_weight(a, 100), 2);
	assert_true(bitmap_subset(b, a, 100));
	assert_false(bitmap_subset(a, b, 100));
	assert_true(bitmap_and(d, a, b, 100));
	assert_int_equal(bitmap_weight(d, 100), 1);
	assert_true(bitmap_andnot(d, a, b, 100));
	assert_true(test_bit(99, d) && !test_bit(3, d));
	assert_false(bitmap_andnot(d, b, a, 100));
	bitmap_or(d, a, b, 100);
	assert_true(bitmap_equal(d, a, 100));
	bitmap_copy(d, a, 100);
	assert_true(bitmap_equal(d, a, 100));
	/* garbage past bit 99 in the last word is not part of the bitmap */
	d[1] |= 1UL << 50;
	assert_true(bitmap_equal(d, a, 100));
	assert_int_equal(bitmap_weight(d, 100), 2);
	a[1] |= 1UL << 40;
	b[1] = 1UL << 40;
	b[0] = 0;
	assert_false(bitmap_and(d, b, b, 100));
	assert_true(bitmap_subset(a, b, 36) == false);
	bitmap_fill(d, 100);
	assert_true(bitmap_full(d, 100));
	assert_int_equal(bitmap_weight(d, 100), 100);
	clear_bit(0, d);
	assert_false(bitmap_full(d, 100));
	assert_true(test_and_clear_bit(1, d));
	assert_false(test_and_clear_bit(1, d));
	assert_int_equal(BITS_TO_LONGS(256), 4);
	assert_int_equal(BITS_TO_LONGS(65), 2);
	assert_int_equal(GENMASK(7, 4), 0xf0);
	assert_int_equal(GENMASK_ULL(63, 62), 0xc000000000000000ULL);
}

/* Tests big-endian and little-endian unaligned access. */
static void test_unaligned(void **state)
{
	u8 buf[11] = {};

	put_unaligned_be32(0x41504d47, buf + 1);
	assert_memory_equal(buf + 1, "APMG", 4);
	assert_int_equal(get_unaligned_be32(buf + 1), 0x41504d47);
	put_unaligned_be16(0xabcd, buf + 5);
	assert_int_equal(buf[5], 0xab);
	assert_int_equal(get_unaligned_be16(buf + 5), 0xabcd);
	put_unaligned_be64(0x0102030405060708ULL, buf + 3);
	assert_int_equal(buf[3], 1);
	assert_int_equal(buf[10], 8);
	assert_int_equal(get_unaligned_be64(buf + 3), 0x0102030405060708ULL);
	put_unaligned_le32(0x11223344, buf);
	assert_int_equal(buf[0], 0x44);
	assert_int_equal(get_unaligned_le32(buf), 0x11223344);
}

/* Tests CRC-32C against the standard check value, without inversion inside. */
static void test_crc32c(void **state)
{
	const unsigned char *s = (const unsigned char *)"123456789";
	u32 part;

	assert_int_equal(~crc32c(~0U, s, 9), 0xe3069283);
	assert_int_equal(crc32c(0, s, 0), 0);
	assert_int_equal(crc32c(0x12345678, s, 0), 0x12345678);
	/* no final inversion: chaining equals one call */
	part = crc32c(~0U, s, 4);
	assert_int_equal(crc32c(part, s + 4, 5), crc32c(~0U, s, 9));
	/* the raw register value is not the inverted one */
	assert_int_not_equal(crc32c(~0U, s, 9), 0xe3069283);
	assert_int_equal(~crc32_le(~0U, s, 9), 0xcbf43926);
	/* 32 bytes of zeros (RFC 3720 B.4) */
	{
		unsigned char z[32] = {};

		assert_int_equal(~crc32c(~0U, z, 32), 0x8a9136aa);
	}
}

/*
 * Tests every way crc32c() can compute (SSE4.2, slicing-by-8) against the
 * byte-at-a-time reference, at every alignment and length around the
 * 8-byte steps, chained and not.
 */
static void test_crc32c_impls(void **state)
{
	static const enum shim_crc32c_impl impls[] = {
		SHIM_CRC32C_FASTEST, SHIM_CRC32C_HW, SHIM_CRC32C_SLICE8,
	};
	unsigned char buf[300];
	size_t i, off, len;
	u32 want, got, seed = 0x9e3779b9;

	for (i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = seed >> 24;
	}
	for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		if (!shim_crc32c_impl(impls[i]))
			continue;	/* no SSE4.2 on this CPU */
		for (off = 0; off < 8; off++) {
			for (len = 0; len + off <= sizeof(buf); len += len < 40 ? 1 : 37) {
				assert_true(shim_crc32c_impl(SHIM_CRC32C_BYTEWISE));
				want = crc32c(~0U, buf + off, len);
				assert_true(shim_crc32c_impl(impls[i]));
				got = crc32c(~0U, buf + off, len);
				assert_int_equal(got, want);
				/* chained at an odd split */
				got = crc32c(crc32c(0x1234567, buf + off, len / 3),
					     buf + off + len / 3, len - len / 3);
				assert_true(shim_crc32c_impl(SHIM_CRC32C_BYTEWISE));
				assert_int_equal(got, crc32c(0x1234567, buf + off, len));
			}
		}
		assert_int_equal(~crc32c(~0U, "123456789", 9), 0xe3069283);
	}
	assert_true(shim_crc32c_impl(SHIM_CRC32C_FASTEST));
	/* crc32_le() (slicing-by-8) against its check value across lengths */
	assert_int_equal(~crc32_le(~0U, "123456789", 9), 0xcbf43926);
	assert_int_equal(~crc32_le(~0U, "The quick brown fox jumps over the lazy dog", 43),
			 0x414fa339);
}

/* Tests error pointers, strscpy and scnprintf. */
static void test_err_and_strings(void **state)
{
	void *p = ERR_PTR(-ENOMEM);
	char buf[4];

	assert_true(IS_ERR(p));
	assert_int_equal(PTR_ERR(p), -ENOMEM);
	assert_false(IS_ERR(buf));
	assert_true(IS_ERR_OR_NULL(NULL));
	assert_int_equal(PTR_ERR_OR_ZERO(buf), 0);
	assert_int_equal(strscpy(buf, "abc", sizeof(buf)), 3);
	assert_int_equal(strscpy(buf, "abcd", sizeof(buf)), -E2BIG);
	assert_string_equal(buf, "abc");
	assert_int_equal(scnprintf(buf, sizeof(buf), "%s", "hello"), 3);
	assert_int_equal(ENOTSUPP, 524);
	assert_int_equal(ENOIOCTLCMD, 515);
	assert_int_equal(min(3, 5), 3);
	assert_int_equal(max_t(u8, 300, 2), 44);
	assert_int_equal(clamp(7, 1, 5), 5);
	assert_int_equal(DIV_ROUND_UP(9, 4), 3);
}

/* Tests the VFIO uAPI numbers against Linux 6.12 (ABI: never change). */
static void test_vfio_uapi_values(void **state)
{
	assert_int_equal(VFIO_DEVICE_FEATURE, 0x3b75);
	assert_int_equal(VFIO_DEVICE_RESET, 0x3b6f);
	assert_int_equal(VFIO_MIG_GET_PRECOPY_INFO, 0x3b79);
	assert_int_equal(VFIO_DEVICE_FEATURE_MASK, 0xffff);
	assert_int_equal(VFIO_DEVICE_FEATURE_GET, 0x10000);
	assert_int_equal(VFIO_DEVICE_FEATURE_SET, 0x20000);
	assert_int_equal(VFIO_DEVICE_FEATURE_PROBE, 0x40000);
	assert_int_equal(VFIO_DEVICE_FEATURE_MIGRATION, 1);
	assert_int_equal(VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 2);
	assert_int_equal(VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, 9);
	assert_int_equal(VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, 12);
	assert_int_equal(VFIO_PRECOPY_INFO_REINIT, 1);
	assert_int_equal(VFIO_MIGRATION_STOP_COPY, 1);
	assert_int_equal(VFIO_MIGRATION_P2P, 2);
	assert_int_equal(VFIO_MIGRATION_PRE_COPY, 4);
	assert_int_equal(VFIO_DEVICE_STATE_ERROR, 0);
	assert_int_equal(VFIO_DEVICE_STATE_STOP, 1);
	assert_int_equal(VFIO_DEVICE_STATE_RUNNING, 2);
	assert_int_equal(VFIO_DEVICE_STATE_STOP_COPY, 3);
	assert_int_equal(VFIO_DEVICE_STATE_RESUMING, 4);
	assert_int_equal(VFIO_DEVICE_STATE_RUNNING_P2P, 5);
	assert_int_equal(VFIO_DEVICE_STATE_PRE_COPY, 6);
	assert_int_equal(VFIO_DEVICE_STATE_PRE_COPY_P2P, 7);
	assert_int_equal(sizeof(struct vfio_device_feature), 8);
	assert_int_equal(sizeof(struct vfio_device_feature_migration), 8);
	assert_int_equal(sizeof(struct vfio_device_feature_mig_state), 8);
	assert_int_equal(offsetof(struct vfio_device_feature_mig_state, data_fd), 4);
	assert_int_equal(sizeof(struct vfio_device_feature_mig_data_size), 8);
	assert_int_equal(sizeof(struct vfio_precopy_info), 24);
	assert_int_equal(offsetof(struct vfio_precopy_info, initial_bytes), 8);
	assert_int_equal(offsetof(struct vfio_precopy_info, dirty_bytes), 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_bit_inv_numbering),
		cmocka_unit_test(test_bitmap_ops),
		cmocka_unit_test(test_unaligned),
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_crc32c_impls),
		cmocka_unit_test(test_err_and_strings),
		cmocka_unit_test(test_vfio_uapi_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
