// SPDX-License-Identifier: GPL-2.0
/* Reading a whole input file (or standard input) for the apmig commands. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfio_ap_mig_stream.h"

#include "apmig_config.h"
#include "apmig_output.h"

#include "input.h"

int apmig_read_input(const char *path, size_t max, void **buf, size_t *len,
		     bool *truncated)
{
	size_t have = 0, cap = 4096;
	char *p, *np;
	ssize_t n;
	int fd, ret = 0;

	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	p = malloc(cap);
	if (!p) {
		ret = -ENOMEM;
		goto out_close;
	}
	*truncated = false;
	for (;;) {
		if (have == cap) {
			if (cap > max) {
				*truncated = true;
				break;
			}
			cap *= 2;
			np = realloc(p, cap);
			if (!np) {
				ret = -ENOMEM;
				break;
			}
			p = np;
		}
		n = read(fd, p + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		have += n;
	}
	if (have > max) {
		*truncated = true;
		have = max;
	}
	if (ret) {
		free(p);
		goto out_close;
	}
	*buf = p;
	*len = have;
out_close:
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}

int apmig_read_stream(const char *what, const char *path,
		      struct vfio_ap_mig_config *cfg)
{
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	size_t len, off = 0;
	bool truncated;
	ssize_t n = 0;
	void *buf;
	int ret;

	ret = apmig_read_input(path, APMIG_STREAM_READ_MAX, &buf, &len,
			       &truncated);
	if (ret)
		return apmig_fail(what, "%s: %s", path, strerror(-ret));
	vfio_ap_mig_decoder_init(&dec);
	while (off < len) {
		n = vfio_ap_mig_decoder_feed(&dec, (char *)buf + off,
					     len - off, &ev);
		if (n < 0)
			break;
		off += n;
	}
	if (n >= 0)
		n = vfio_ap_mig_decoder_finish(&dec);
	if (n >= 0)
		n = vfio_ap_mig_decoder_config(&dec) ?
		    apmig_config_copy(cfg, vfio_ap_mig_decoder_config(&dec)) :
		    -ENODATA;
	if (n < 0)
		ret = apmig_fail(what, "%s: %s", path,
				 dec.error ? vfio_ap_mig_decoder_errmsg(&dec) :
				 strerror((int)-n));
	vfio_ap_mig_decoder_release(&dec);
	free(buf);
	return ret;
}
