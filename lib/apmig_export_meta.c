// SPDX-License-Identifier: GPL-2.0
/*
 * The tool metadata section of apmig export (type 0x8100): written into an
 * encoded stream after the fact, field by field and big-endian like the
 * rest of the stream, and parsed back for apmig decode. The stream codec
 * itself (shared with the kernel) is not changed: it skips the section.
 */
#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include <linux/unaligned.h>

#include "vfio_ap_mig_stream.h"

#include "apmig_export_meta.h"

/* Record header fields (docs/migration-stream.md). */
#define META_H_HDR_LEN		8
#define META_H_FLAGS		10
#define META_H_REC_LEN		12
#define META_H_NR_SECTIONS	20

static size_t meta_body_size(const struct apmig_export_meta *m)
{
	return 4 * APMIG_META_TLV_HDR + strlen(m->host) + 8 +
	       strlen(m->version) + strlen(m->kernel);
}

size_t apmig_export_meta_size(const struct apmig_export_meta *m)
{
	return VFIO_AP_MIG_SECTION_HDR_SIZE + meta_body_size(m);
}

static uint8_t *meta_put_tlv(uint8_t *p, uint16_t tag, const void *v,
			     uint16_t len)
{
	put_unaligned_be16(tag, p);
	put_unaligned_be16(len, p + 2);
	memcpy(p + APMIG_META_TLV_HDR, v, len);
	return p + APMIG_META_TLV_HDR + len;
}

static bool meta_text_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (!n || n > max)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return false;
	return true;
}

ssize_t apmig_export_meta_add(uint8_t *buf, size_t len, size_t cap,
			      const struct apmig_export_meta *m)
{
	uint32_t rec_len, pos, end, sec_len, size;
	uint16_t hdr_len, nr, type, i;
	uint8_t be_time[8], *p;

	if (!meta_text_ok(m->host, APMIG_META_HOST_MAX) ||
	    !meta_text_ok(m->kernel, APMIG_META_KERNEL_MAX) ||
	    !meta_text_ok(m->version, APMIG_META_VERSION_MAX))
		return -ENAMETOOLONG;
	if (len < VFIO_AP_MIG_HDR_SIZE + VFIO_AP_MIG_CRC_SIZE ||
	    get_unaligned_be32(buf) != VFIO_AP_MIG_MAGIC ||
	    (get_unaligned_be16(buf + META_H_FLAGS) & VFIO_AP_MIG_REC_UNCHANGED))
		return -EINVAL;
	hdr_len = get_unaligned_be16(buf + META_H_HDR_LEN);
	rec_len = get_unaligned_be32(buf + META_H_REC_LEN);
	nr = get_unaligned_be16(buf + META_H_NR_SECTIONS);
	if (hdr_len < VFIO_AP_MIG_HDR_SIZE || rec_len > len ||
	    rec_len < (uint32_t)hdr_len + VFIO_AP_MIG_CRC_SIZE)
		return -EINVAL;

	/* after every section of a lower type: types ascend */
	end = rec_len - VFIO_AP_MIG_CRC_SIZE;
	for (pos = hdr_len, i = 0; i < nr; i++) {
		if (end - pos < VFIO_AP_MIG_SECTION_HDR_SIZE)
			return -EINVAL;
		type = get_unaligned_be16(buf + pos);
		sec_len = get_unaligned_be32(buf + pos + 4);
		if (sec_len > end - pos - VFIO_AP_MIG_SECTION_HDR_SIZE)
			return -EINVAL;
		if (type == APMIG_META_SEC_TYPE)
			return -EEXIST;
		if (type > APMIG_META_SEC_TYPE)
			break;
		pos += VFIO_AP_MIG_SECTION_HDR_SIZE + sec_len;
	}
	if (nr == UINT16_MAX)
		return -EINVAL;

	size = apmig_export_meta_size(m);
	if (rec_len + size > VFIO_AP_MIG_MAX_RECORD)
		return -E2BIG;
	if (len + size > cap)
		return -ENOSPC;
	memmove(buf + pos + size, buf + pos, len - pos);

	p = buf + pos;
	put_unaligned_be16(APMIG_META_SEC_TYPE, p);
	put_unaligned_be16(0, p + 2);
	put_unaligned_be32(size - VFIO_AP_MIG_SECTION_HDR_SIZE, p + 4);
	p += VFIO_AP_MIG_SECTION_HDR_SIZE;
	put_unaligned_be64(m->time, be_time);
	p = meta_put_tlv(p, APMIG_META_HOST, m->host, strlen(m->host));
	p = meta_put_tlv(p, APMIG_META_TIME, be_time, sizeof(be_time));
	p = meta_put_tlv(p, APMIG_META_VERSION, m->version, strlen(m->version));
	meta_put_tlv(p, APMIG_META_KERNEL, m->kernel, strlen(m->kernel));

	rec_len += size;
	put_unaligned_be32(rec_len, buf + META_H_REC_LEN);
	put_unaligned_be16(nr + 1, buf + META_H_NR_SECTIONS);
	put_unaligned_be32(vfio_ap_mig_crc32c(buf, rec_len - VFIO_AP_MIG_CRC_SIZE),
			   buf + rec_len - VFIO_AP_MIG_CRC_SIZE);
	return len + size;
}

static int meta_fail(const char **why, const char *what)
{
	if (why)
		*why = what;
	return -EINVAL;
}

/* A text value of 1..@max printable bytes into @out. */
static bool meta_take_text(const uint8_t *v, uint16_t len, size_t max,
			   char *out)
{
	uint16_t i;

	if (!len || len > max)
		return false;
	for (i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] == 0x7f)
			return false;
	memcpy(out, v, len);
	out[len] = '\0';
	return true;
}

int apmig_export_meta_parse(const uint8_t *body, size_t len,
			    struct apmig_export_meta *m, const char **why)
{
	unsigned int seen = 0;
	uint16_t tag, tlen, last = 0;
	size_t pos = 0;
	bool ok;

	memset(m, 0, sizeof(*m));
	if (len > APMIG_META_BODY_MAX)
		return meta_fail(why, "body longer than 512 bytes");
	while (pos < len) {
		if (len - pos < APMIG_META_TLV_HDR)
			return meta_fail(why, "an entry cut short");
		tag = get_unaligned_be16(body + pos);
		tlen = get_unaligned_be16(body + pos + 2);
		pos += APMIG_META_TLV_HDR;
		if (tlen > len - pos)
			return meta_fail(why, "an entry longer than the section");
		if (tag <= last)
			return meta_fail(why, "entries out of order or repeated");
		last = tag;
		switch (tag) {
		case APMIG_META_HOST:
			ok = meta_take_text(body + pos, tlen, APMIG_META_HOST_MAX,
					    m->host);
			break;
		case APMIG_META_TIME:
			ok = tlen == 8;
			if (ok)
				m->time = get_unaligned_be64(body + pos);
			break;
		case APMIG_META_VERSION:
			ok = meta_take_text(body + pos, tlen,
					    APMIG_META_VERSION_MAX, m->version);
			break;
		case APMIG_META_KERNEL:
			ok = meta_take_text(body + pos, tlen,
					    APMIG_META_KERNEL_MAX, m->kernel);
			break;
		default:
			ok = true;	/* a newer apmig's: skipped */
			break;
		}
		if (!ok)
			return meta_fail(why, "a value of the wrong length or not printable");
		if (tag <= APMIG_META_KERNEL)
			seen |= 1U << tag;
		pos += tlen;
	}
	if (seen != (1U << APMIG_META_HOST | 1U << APMIG_META_TIME |
		     1U << APMIG_META_VERSION | 1U << APMIG_META_KERNEL))
		return meta_fail(why, "host, time, version or kernel missing");
	return 0;
}
