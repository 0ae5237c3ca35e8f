/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the libFuzzer targets: chunked decoding of a stream taken from
 * the fuzzer's input, and CRC repair so that mutations reach the section
 * parser instead of stopping at the CRC check.
 */
#ifndef APMIG_FUZZ_COMMON_H
#define APMIG_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/unaligned.h>

#include "vfio_ap_mig_stream.h"

/* An invariant of the codec does not hold: report and crash. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/*
 * Rewrite the CRC of every record @data holds whose header gives a
 * length that fits, walking record by record from the start.
 */
static inline void fuzz_repair_crcs(uint8_t *data, size_t len)
{
	size_t pos = 0;
	u32 rec_len;

	while (len - pos >= VFIO_AP_MIG_HDR_SIZE) {
		rec_len = get_unaligned_be32(data + pos + 12);
		if (rec_len < VFIO_AP_MIG_HDR_SIZE + VFIO_AP_MIG_CRC_SIZE ||
		    rec_len > len - pos)
			return;
		put_unaligned_be32(vfio_ap_mig_crc32c(data + pos, rec_len - 4),
				   data + pos + rec_len - 4);
		pos += rec_len;
	}
}

/*
 * Decode @len bytes fed in chunks whose sizes cycle through @sizes (each
 * 1..256; none: one feed), checking the feed contract. Returns 0 or the
 * decoder's -errno; @dec is initialised here and left to the caller.
 */
static inline int fuzz_decode(struct vfio_ap_mig_decoder *dec,
			      const uint8_t *data, size_t len,
			      const uint8_t *sizes, size_t nr_sizes)
{
	enum vfio_ap_mig_event ev;
	size_t off = 0, n, k = 0;
	ssize_t ret;

	vfio_ap_mig_decoder_init(dec);
	while (off < len) {
		n = nr_sizes ? (size_t)sizes[k++ % nr_sizes] + 1 : len - off;
		if (n > len - off)
			n = len - off;
		while (n) {
			ret = vfio_ap_mig_decoder_feed(dec, data + off, n, &ev);
			if (ret < 0) {
				FUZZ_CHECK(ev == VFIO_AP_MIG_EV_NONE);
				FUZZ_CHECK(!strncmp(vfio_ap_mig_decoder_errmsg(dec),
						    "offset ", 7));
				/* sticky */
				FUZZ_CHECK(vfio_ap_mig_decoder_finish(dec) == ret);
				return ret;
			}
			FUZZ_CHECK(ret > 0 && (size_t)ret <= n);
			FUZZ_CHECK(ev != VFIO_AP_MIG_EV_CONFIG ||
				   vfio_ap_mig_decoder_config(dec));
			off += ret;
			n -= ret;
		}
	}
	ret = vfio_ap_mig_decoder_finish(dec);
	if (ret)
		FUZZ_CHECK(!strncmp(vfio_ap_mig_decoder_errmsg(dec), "offset ", 7));
	return ret;
}

#endif /* APMIG_FUZZ_COMMON_H */
