// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the migration stream decoder fed in chunks of sizes
 * taken from the input. Input: byte 0 mode (bit 0: repair the CRCs so the
 * section parser is reached), byte 1 k (mod 16), k chunk sizes (each + 1),
 * then the stream. Checks that the result and message do not depend on
 * the chunking and that every accepted configuration re-encodes and
 * decodes to itself.
 */
#include "fuzz_common.h"

static void fuzz_round_trip(const struct vfio_ap_mig_config *cfg)
{
	size_t size = vfio_ap_mig_config_size(cfg);
	struct vfio_ap_mig_decoder dec;
	uint8_t *buf = malloc(size);

	FUZZ_CHECK(buf);
	FUZZ_CHECK(vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL,
					     buf, size) == (ssize_t)size);
	FUZZ_CHECK(fuzz_decode(&dec, buf, size, NULL, 0) == 0);
	FUZZ_CHECK(vfio_ap_mig_config_equal(cfg, vfio_ap_mig_decoder_config(&dec)));
	vfio_ap_mig_decoder_release(&dec);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct vfio_ap_mig_decoder chunked, whole;
	const struct vfio_ap_mig_config *cfg;
	size_t k, len;
	uint8_t *data;
	int ret, ret_whole;

	if (size < 2)
		return 0;
	k = in[1] % 16;
	if (size < 2 + k)
		return 0;
	len = size - 2 - k;
	data = malloc(len ? len : 1);
	FUZZ_CHECK(data);
	memcpy(data, in + 2 + k, len);
	if (in[0] & 1)
		fuzz_repair_crcs(data, len);

	ret = fuzz_decode(&chunked, data, len, in + 2, k);
	ret_whole = fuzz_decode(&whole, data, len, NULL, 0);
	FUZZ_CHECK(ret == ret_whole);
	FUZZ_CHECK(!strcmp(vfio_ap_mig_decoder_errmsg(&chunked),
			   vfio_ap_mig_decoder_errmsg(&whole)));
	if (!ret) {
		cfg = vfio_ap_mig_decoder_config(&chunked);
		FUZZ_CHECK(cfg);
		FUZZ_CHECK(vfio_ap_mig_config_equal(cfg,
					vfio_ap_mig_decoder_config(&whole)));
		fuzz_round_trip(cfg);
	}
	vfio_ap_mig_decoder_release(&chunked);
	vfio_ap_mig_decoder_release(&whole);
	free(data);
	return 0;
}
