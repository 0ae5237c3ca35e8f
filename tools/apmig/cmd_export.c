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
#include <unistd.h>

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

/* Encode @cfg as the whole stream: record 0, FINAL. */
static int export_encode(const struct vfio_ap_mig_config *cfg,
			 const char *path)
{
	size_t size = vfio_ap_mig_config_record_size(cfg->nr_queues);
	ssize_t n;
	void *buf;
	int ret;

	buf = malloc(size);
	if (!buf)
		return apmig_fail("export", "out of memory");
	n = vfio_ap_mig_encode_config(cfg, 0, VFIO_AP_MIG_REC_FINAL, buf, size);
	if (n < 0) {
		free(buf);
		return apmig_fail("export", "cannot encode the configuration: %s",
				  strerror((int)-n));
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
		APMIG_OPT_END,
	};
	const char *sysfs = NULL, *uuid, *out = NULL;
	struct vfio_ap_mig_config cfg;
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
	if (apmig_host_guest_config(host, mdev, &cfg, &err) < 0) {
		ret = apmig_fail("export", "%s", err.msg);
		goto out_free_host;
	}
	ret = export_encode(&cfg, out);
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
	"Usage: apmig export [--sysfs DIR] [-o FILE] UUID\n"
	"\n"
	"Write the AP configuration the guest of mediated device UUID has (its\n"
	"guest matrix, kept by vfio_ap with or without a guest) in the vfio_ap\n"
	"migration stream format: one configuration record, FINAL. Each queue's\n"
	"TAPQ GR2 is rebuilt from sysfs. The stream can be read back with\n"
	"'apmig decode' and checked with 'apmig check --source-stream'.\n"
	"\n"
	"Options:\n"
	"  -s, --sysfs DIR    read the host from DIR instead of $APMIG_SYSFS_ROOT or /sys\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  -h, --help         print this help\n",
};
