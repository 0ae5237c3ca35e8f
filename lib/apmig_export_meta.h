/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tool metadata section (type 0x8100, optional) that apmig export adds
 * to the first configuration record of a stream: where and when the stream
 * was taken. The kernel's decoder skips it (an unknown optional section);
 * apmig decode prints it. Layout in docs/migration-stream.md.
 */
#ifndef APMIG_EXPORT_META_H
#define APMIG_EXPORT_META_H

#include <stddef.h>
#include <stdint.h>

#include "vfio_ap_mig_stream.h"

/* Section type: optional (bit 15), tool range 0x8100. */
#define APMIG_META_SEC_TYPE	(VFIO_AP_MIG_SEC_OPTIONAL | 0x0100)

/* TLV tags of the section body (u16 tag, u16 length, value), ascending. */
#define APMIG_META_HOST		0x0001	/* node name, 1..64 bytes */
#define APMIG_META_TIME		0x0002	/* UTC seconds, u64, 8 bytes */
#define APMIG_META_VERSION	0x0003	/* apmig version, 1..32 bytes */
#define APMIG_META_KERNEL	0x0004	/* kernel release, 1..64 bytes */

#define APMIG_META_TLV_HDR	4
#define APMIG_META_HOST_MAX	64
#define APMIG_META_VERSION_MAX	32
#define APMIG_META_KERNEL_MAX	64
/* Largest body a reader accepts (unknown tags included). */
#define APMIG_META_BODY_MAX	512

/**
 * struct apmig_export_meta - what the section says
 * @host: node name of the host the configuration was read on
 * @kernel: its kernel release
 * @version: the apmig version that wrote the stream
 * @time: when the configuration was read, seconds since the epoch (UTC)
 */
struct apmig_export_meta {
	char host[APMIG_META_HOST_MAX + 1];
	char kernel[APMIG_META_KERNEL_MAX + 1];
	char version[APMIG_META_VERSION_MAX + 1];
	uint64_t time;
};

/* Bytes the section (header and body) takes for @m. */
size_t apmig_export_meta_size(const struct apmig_export_meta *m);

/*
 * Add the section for @m to the first record of the stream in @buf (@len
 * bytes, room for @cap): after its sections of lower type, record_len and
 * nr_sections updated and the record's CRC32C recomputed with the codec's
 * vfio_ap_mig_crc32c(); the records after it move along. Returns the new
 * stream length, or -EINVAL (not a configuration record, or one that does
 * not hold together), -EEXIST (it has the section), -ENOSPC (@cap), -E2BIG
 * (the record would pass VFIO_AP_MIG_MAX_RECORD) or -ENAMETOOLONG (a
 * string of @m is empty or too long).
 */
ssize_t apmig_export_meta_add(uint8_t *buf, size_t len, size_t cap,
			      const struct apmig_export_meta *m);

/*
 * Parse the section body @body of @len bytes into @m. Unknown tags are
 * skipped; the four known ones must appear once each, in ascending order
 * with the others, with their lengths above and printable text. Returns 0
 * or -EINVAL, with @why (may be NULL) saying what is wrong.
 */
int apmig_export_meta_parse(const uint8_t *body, size_t len,
			    struct apmig_export_meta *m, const char **why);

#endif /* APMIG_EXPORT_META_H */
