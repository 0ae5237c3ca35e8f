// SPDX-License-Identifier: GPL-2.0
/*
 * apmig export: the configuration the guest of an mdev has, as a migration
 * stream of one configuration record (FINAL), encoded by the kernel's own
 * encoder. Each queue's GR2 is rebuilt from sysfs (ap_functions and
 * raw_hwtype); see apmig(8) for the bits sysfs cannot give.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "apmig_capture.h"
#include "apmig_export_meta.h"
#include "apmig_host.h"
#include "apmig_output.h"

#include "commands.h"
#include "options.h"

/* Write all of @buf to @fd. 0 or -errno. */
static int export_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

/* Write the stream to @path ("-" or NULL: stdout, never a terminal). */
static int export_output(const char *path, const void *buf, size_t len)
{
	struct stat st;
	int fd, ret;

	if (!path || !strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO))
			return apmig_fail("export",
					  "refusing to write a binary stream to a terminal; use -o FILE");
		ret = export_write_all(STDOUT_FILENO, buf, len);
		if (ret)
			return apmig_fail("export", "standard output: %s",
					  strerror(-ret));
		return APMIG_EXIT_OK;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return apmig_fail("export", "%s: %s", path, strerror(errno));
	ret = export_write_all(fd, buf, len);
	if (close(fd) && !ret)
		ret = -errno;
	if (ret) {
		/* a partial stream goes; a device, pipe or symlink stays */
		if (!lstat(path, &st) && S_ISREG(st.st_mode))
			unlink(path);
		return apmig_fail("export", "%s: %s", path, strerror(-ret));
	}
	return APMIG_EXIT_OK;
}

/*
 * Where and when the configuration was read: this host now, or for a
 * capture the host and time its manifest records. 0 or 2.
 */
static int export_meta(const struct apmig_host *host,
		       struct apmig_export_meta *m)
{
	const struct apmig_capture_manifest *c = host->capture;
	struct utsname u;
	long long t;

	memset(m, 0, sizeof(*m));
	snprintf(m->version, sizeof(m->version), "%s", apmig_version());
	if (c) {
		/* too long for the section: apmig_export_meta_add() says so */
		if (strlen(c->host) < sizeof(m->host))
			strcpy(m->host, c->host);
		if (strlen(c->kernel) < sizeof(m->kernel))
			strcpy(m->kernel, c->kernel);
		m->time = c->time;
		return 0;
	}
	if (apmig_cmd_time(&apmig_cmd_export, &t))
		return APMIG_EXIT_ERROR;
	m->time = t;
	if (uname(&u))
		return apmig_fail("export", "uname: %s", strerror(errno));
	snprintf(m->host, sizeof(m->host), "%s", u.nodename);
	snprintf(m->kernel, sizeof(m->kernel), "%s", u.release);
	return 0;
}

/*
 * Encode @cfg as the whole stream: record 0, FINAL, with the tool metadata
 * section @meta unless it is NULL.
 */
static int export_encode(const struct vfio_ap_mig_config *cfg,
			 const struct apmig_export_meta *meta, const char *path)
{
	size_t size = vfio_ap_mig_config_record_size(cfg->nr_queues);
	size_t cap = size + (meta ? apmig_export_meta_size(meta) : 0);
	ssize_t n;
	void *buf;
	int ret;

	buf = malloc(cap);
	if (!buf)
		return apmig_fail("export", "out of memory");
	n = vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL, buf, size);
	if (n < 0) {
		free(buf);
		return apmig_fail("export", "cannot encode the configuration: %s",
				  strerror((int)-n));
	}
	if (meta) {
		n = apmig_export_meta_add(buf, n, cap, meta);
		if (n < 0) {
			free(buf);
			return apmig_fail("export",
					  "cannot add the tool metadata section: %s%s",
					  strerror((int)-n), n == -ENAMETOOLONG ?
					  " (host name, kernel release or version empty or too long: try --no-meta)" : "");
		}
	}
	ret = export_output(path, buf, n);
	free(buf);
	return ret;
}

static int cmd_export(int argc, char *argv[])
{
	static const struct option opts[] = {
		APMIG_OPT_HELP, APMIG_OPT_SYSFS,
		{ "output", required_argument, NULL, 'o' },
		{ "no-meta", no_argument, NULL, 'M' },
		APMIG_OPT_END,
	};
	const char *sysfs = NULL, *uuid, *out = NULL;
	struct apmig_export_meta meta;
	struct vfio_ap_mig_config cfg;
	bool no_meta = false;
	struct apmig_host *host;
	struct apmig_mdev *mdev;
	struct apmig_error err;
	int c, ret;

	while ((c = apmig_getopt(&apmig_cmd_export, argc, argv, ":hs:o:", opts)) != -1) {
		switch (c) {
		case 'h':
			return apmig_cmd_help(&apmig_cmd_export);
		case 's':
			if (apmig_opt_path(&apmig_cmd_export, "sysfs", optarg, &sysfs))
				return APMIG_EXIT_ERROR;
			break;
		case 'o':
			if (apmig_opt_path(&apmig_cmd_export, "output", optarg, &out))
				return APMIG_EXIT_ERROR;
			break;
		case 'M':
			no_meta = true;
			break;
		default:
			return APMIG_EXIT_ERROR;
		}
	}
	if (optind >= argc)
		return apmig_cmd_usage_error(&apmig_cmd_export,
					     "no mediated device UUID given");
	uuid = argv[optind++];
	if (optind < argc)
		return apmig_cmd_usage_error(&apmig_cmd_export,
					     "unexpected argument '%s'", argv[optind]);

	if (apmig_host_load(&host, apmig_sysfs_root(sysfs), &err) < 0)
		return apmig_fail("export", "%s", err.msg);
	mdev = apmig_host_mdev(host, uuid);
	if (!mdev) {
		ret = apmig_fail("export", "%s: no such mediated device in %s",
				 uuid, host->root);
		goto out_free_host;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (!no_meta && export_meta(host, &meta)) {
		ret = APMIG_EXIT_ERROR;
		goto out_free_host;
	}
	if (apmig_host_guest_config(host, mdev, &cfg, &err) < 0) {
		ret = apmig_fail("export", "%s", err.msg);
		goto out_free_host;
	}
	ret = export_encode(&cfg, no_meta ? NULL : &meta, out);
	vfio_ap_mig_config_free(&cfg);
out_free_host:
	apmig_host_free(host);
	return ret;
}

const struct apmig_cmd apmig_cmd_export = {
	.name = "export",
	.fn = cmd_export,
	.help = "write an mdev's guest configuration as a migration stream",
	.usage =
	"Usage: apmig export [--sysfs DIR] [-o FILE] [--no-meta] UUID\n"
	"\n"
	"Write the AP configuration the guest of mediated device UUID has (its\n"
	"guest matrix, kept by vfio_ap with or without a guest) in the vfio_ap\n"
	"migration stream format: one configuration record, FINAL. Each queue's\n"
	"TAPQ GR2 is rebuilt from sysfs. The record carries a tool metadata\n"
	"section (optional, type 0x8100, skipped by the kernel): the host name,\n"
	"kernel release and time the configuration was read (a capture's own;\n"
	"else this host, now or SOURCE_DATE_EPOCH) and the apmig version. The\n"
	"stream can be read back with 'apmig decode' and checked with\n"
	"'apmig check --source-stream'.\n"
	"\n"
	"Options:\n"
	"  -s, --sysfs DIR    read the host from DIR instead of $APMIG_SYSFS_ROOT or /sys\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  --no-meta          leave out the tool metadata section: the bytes the\n"
	"                     kernel's encoder writes\n"
	"  -h, --help         print this help\n",
};
