// SPDX-License-Identifier: GPL-2.0
/*
 * Low-level sysfs access of libapmig: the sysfs root, the one path helper,
 * attribute reads and the parsers of the AP bus and vfio_ap value formats.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bitops.h>

#include "apmig_host.h"
#include "apmig_sysfs.h"

#define APMIG_MASK_DIGITS	(VFIO_AP_MIG_IDS / 4)

const char *apmig_sysfs_root(const char *explicit_root)
{
	const char *env;

	if (explicit_root && *explicit_root)
		return explicit_root;
	env = getenv("APMIG_SYSFS_ROOT");
	if (env && *env)
		return env;
	return "/sys";
}

int apmig_sysfs_vpath(char *buf, size_t len, const char *root,
		      const char *fmt, va_list ap)
{
	size_t rlen = strlen(root);
	int n;

	/* "/" or "dir/": drop the root's own trailing slashes */
	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	if (rlen == 1 && root[0] == '/')
		rlen = 0;
	if (rlen + 2 > len || rlen > INT_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, root, rlen);
	buf[rlen] = '/';
	n = vsnprintf(buf + rlen + 1, len - rlen - 1, fmt, ap);
	if (n < 0 || (size_t)n >= len - rlen - 1)
		return -ENAMETOOLONG;
	return 0;
}

int apmig_sysfs_path(char *buf, size_t len, const char *root,
		     const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = apmig_sysfs_vpath(buf, len, root, fmt, ap);
	va_end(ap);
	return ret;
}

/* Read at most @len - 1 bytes of @path; -EFBIG if there is more. */
static ssize_t apmig_sysfs_read_raw(const char *path, char *buf, size_t len)
{
	size_t have = 0;
	ssize_t n, ret;
	int fd;

	/* O_NONBLOCK: a FIFO in a tree reads as empty instead of hanging */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf + have, len - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out_close;
		}
		if (n == 0)
			break;
		have += n;
		if (have == len - 1) {
			char c;

			/* full: anything more is too much */
			do {
				n = read(fd, &c, 1);
			} while (n < 0 && errno == EINTR);
			if (n != 0) {
				ret = n < 0 ? -errno : -EFBIG;
				goto out_close;
			}
			break;
		}
	}
	buf[have] = '\0';
	ret = have;
out_close:
	close(fd);
	return ret;
}

static ssize_t apmig_sysfs_chomp(char *buf, ssize_t n)
{
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

ssize_t apmig_sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;

	if (len < 2)
		return -EINVAL;
	n = apmig_sysfs_read_raw(path, buf, len);
	if (n < 0)
		return n;
	if ((size_t)n != strlen(buf))
		return -EINVAL;		/* a NUL inside: not text */
	return apmig_sysfs_chomp(buf, n);
}

ssize_t apmig_sysfs_read_text(const char *path, char **text)
{
	struct stat st;
	size_t size;
	char *buf;
	ssize_t n;

	*text = NULL;
	if (stat(path, &st) < 0)
		return -errno;
	/* sysfs reports 4096 for every attribute: use it as a first guess */
	size = st.st_size > 0 ? (size_t)st.st_size + 2 : APMIG_SYSFS_ATTR_MAX;
	if (size > APMIG_SYSFS_TEXT_MAX + 1)
		return -EFBIG;
	for (;;) {
		buf = malloc(size);
		if (!buf)
			return -ENOMEM;
		n = apmig_sysfs_read_raw(path, buf, size);
		if (n != -EFBIG)
			break;
		free(buf);
		if (size > APMIG_SYSFS_TEXT_MAX)
			return -EFBIG;
		size = size * 4 > APMIG_SYSFS_TEXT_MAX + 1 ?
		       APMIG_SYSFS_TEXT_MAX + 1 : size * 4;
	}
	if (n < 0) {
		free(buf);
		return n;
	}
	if ((size_t)n != strlen(buf)) {
		free(buf);
		return -EINVAL;
	}
	*text = buf;
	return n;
}

int apmig_sysfs_driver(const char *path, char *name, size_t len)
{
	char target[APMIG_SYSFS_PATH_MAX];
	const char *base;
	struct stat st;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;		/* ENOENT: no driver, EINVAL: not a link */
	target[n] = '\0';
	if (stat(path, &st) < 0)
		return errno == ENOENT ? -ENOLINK : -errno;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(name, base);
	return 0;
}

static int apmig_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int apmig_sysfs_parse_mask(const char *text, unsigned long *mask)
{
	DECLARE_BITMAP(m, VFIO_AP_MIG_IDS) = { 0 };
	int i, bit, d;

	if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
		return -EINVAL;
	text += 2;
	for (i = 0; i < APMIG_MASK_DIGITS; i++) {
		d = apmig_hex_digit(text[i]);
		if (d < 0)
			return -EINVAL;
		/* the first digit holds ids 0-3, its MSB is id 0 */
		for (bit = 0; bit < 4; bit++)
			if (d & (8 >> bit))
				set_bit_inv(i * 4 + bit, m);
	}
	if (text[i] != '\0')
		return -EINVAL;
	memcpy(mask, m, sizeof(m));
	return 0;
}

int apmig_sysfs_parse_int(const char *text, long min, long max, long *val)
{
	char *end;
	long v;

	if (!(*text >= '0' && *text <= '9') && *text != '-')
		return -EINVAL;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

int apmig_sysfs_parse_hex32(const char *text, uint32_t *val)
{
	uint32_t v = 0;
	int i, d;

	if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
		return -EINVAL;
	text += 2;
	for (i = 0; text[i]; i++) {
		d = apmig_hex_digit(text[i]);
		if (d < 0 || i >= 8)
			return -EINVAL;
		v = v << 4 | d;
	}
	if (i == 0)
		return -EINVAL;
	*val = v;
	return 0;
}

int apmig_sysfs_parse_bool(const char *text, bool *val)
{
	if ((text[0] != '0' && text[0] != '1') || text[1] != '\0')
		return -EINVAL;
	*val = text[0] == '1';
	return 0;
}

int apmig_error_set(struct apmig_error *err, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return ret;
}

char *apmig_sysfs_quote(const char *value, char *buf, size_t len)
{
	size_t o = 0;

	for (; *value; value++) {
		unsigned char c = *value;
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;

		/* keep room for "..." and the NUL */
		if (o + need + 4 > len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (need == 1)
			buf[o++] = c;
		else
			o += snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}
