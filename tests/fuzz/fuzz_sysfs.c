// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: libapmig's sysfs reader on hostile attribute values.
 * A small host tree (one CEX8C card, two queues bound to vfio_ap, one mdev
 * whose guest runs) is built once in a scratch directory. Input: byte 0
 * picks one attribute the reader parses (bits 0-6) and whether to remove
 * it (bit 7); the rest becomes its content.
 * The host is loaded; a load error must be one line naming something, a
 * loaded host must give its mdev's guest configuration and let the rules
 * check it against the host itself. The attribute is restored afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_host.h"

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#define UUID	"11111111-2222-4333-8444-555555555555"
#define MDEV	"devices/vfio_ap/matrix/" UUID "/"
#define CARD	"devices/ap/card03/"
#define MASK(first)	"0x" first "00000000000000000000000000000000000000000000000000000000000000\n"

/* The tree: every attribute the reader parses, with a value it accepts. */
static const struct {
	const char *path, *value;
} fuzz_attrs[] = {
	{ "bus/ap/ap_adapter_mask", MASK("10") },	/* adapter 3 */
	{ "bus/ap/ap_usage_domain_mask", MASK("0c") },	/* domains 4, 5 */
	{ "bus/ap/ap_control_domain_mask", MASK("0e") },	/* 4, 5, 6 */
	{ "bus/ap/apmask", MASK("00") },
	{ "bus/ap/aqmask", MASK("00") },
	{ "bus/ap/ap_max_adapter_id", "255\n" },
	{ "bus/ap/ap_max_domain_id", "255\n" },
	{ CARD "raw_hwtype", "14\n" },
	{ CARD "hwtype", "14\n" },
	{ CARD "ap_functions", "0xF2800000\n" },
	{ CARD "depth", "8\n" },
	{ CARD "online", "1\n" },
	{ CARD "config", "1\n" },
	{ CARD "chkstop", "0\n" },
	{ CARD "type", "CEX8C\n" },
	{ CARD "03.0004/ap_functions", "0xF2800000\n" },
	{ CARD "03.0004/config", "1\n" },
	{ CARD "03.0004/chkstop", "0\n" },
	{ CARD "03.0004/status", "in use\n" },
	{ CARD "03.0005/ap_functions", "0xF2800000\n" },
	{ CARD "03.0005/status", "in use\n" },
	{ "devices/vfio_ap/matrix/features", "guest_matrix hotplug ap_config migratable\n" },
	{ MDEV "ap_config", "0x1000000000000000000000000000000000000000000000000000000000000000,"
			    "0x0c00000000000000000000000000000000000000000000000000000000000000,"
			    "0x0800000000000000000000000000000000000000000000000000000000000000\n" },
	{ MDEV "matrix", "03.0004\n03.0005\n" },
	{ MDEV "guest_matrix", "03.0004\n03.0005\n" },
	{ MDEV "control_domains", "0004\n" },
};

#define FUZZ_NR_ATTRS	(sizeof(fuzz_attrs) / sizeof(fuzz_attrs[0]))

/* The symbolic links of the tree: drivers, as a real host has them. */
static const struct {
	const char *path, *target;
} fuzz_links[] = {
	{ CARD "driver", "../../../bus/ap/drivers/cex4card" },
	{ CARD "03.0004/driver", "../../../../bus/ap/drivers/vfio_ap" },
	{ CARD "03.0005/driver", "../../../../bus/ap/drivers/vfio_ap" },
};

static char fuzz_root[64];

static void fuzz_path(char *buf, size_t len, const char *rel)
{
	FUZZ_CHECK((size_t)snprintf(buf, len, "%s/%s", fuzz_root, rel) < len);
}

/* mkdir -p of the directory that holds @rel. */
static void fuzz_mkdirs(const char *rel)
{
	char path[PATH_MAX], *p;

	fuzz_path(path, sizeof(path), rel);
	for (p = path + strlen(fuzz_root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		FUZZ_CHECK(!mkdir(path, 0755) || errno == EEXIST);
		*p = '/';
	}
}

static void fuzz_write(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	fuzz_path(path, sizeof(path), rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, len) == (ssize_t)len);
	FUZZ_CHECK(!close(fd));
}

static void fuzz_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_root);
	if (system(cmd))
		fprintf(stderr, "fuzz_sysfs: could not remove %s\n", fuzz_root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX];
	size_t i;

	snprintf(fuzz_root, sizeof(fuzz_root), "/tmp/apmig-fuzz-sysfs-XXXXXX");
	FUZZ_CHECK(mkdtemp(fuzz_root));
	atexit(fuzz_cleanup);
	for (i = 0; i < FUZZ_NR_ATTRS; i++) {
		fuzz_mkdirs(fuzz_attrs[i].path);
		fuzz_write(fuzz_attrs[i].path, fuzz_attrs[i].value,
			   strlen(fuzz_attrs[i].value));
	}
	fuzz_mkdirs("bus/ap/drivers/cex4card/x");
	fuzz_mkdirs("bus/ap/drivers/vfio_ap/x");
	for (i = 0; i < sizeof(fuzz_links) / sizeof(fuzz_links[0]); i++) {
		fuzz_path(path, sizeof(path), fuzz_links[i].path);
		FUZZ_CHECK(!symlink(fuzz_links[i].target, path));
	}
	return 0;
}

/* Load the tree; check what a loaded host gives the rules. */
static void fuzz_load(void)
{
	struct vfio_ap_mig_config cfg;
	struct vfio_ap_mig_target tgt;
	struct apmig_error err = { "" };
	struct apmig_host *h;
	struct apmig_mdev *m;
	int ret;

	ret = apmig_host_load(&h, fuzz_root, &err);
	if (ret) {
		/* an error says what, on one line, and leaves nothing */
		FUZZ_CHECK(ret < 0 && !h);
		FUZZ_CHECK(err.msg[0] && !strchr(err.msg, '\n'));
		return;
	}
	m = apmig_host_mdev(h, UUID);
	if (m) {
		ret = apmig_host_guest_config(h, m, &cfg, &err);
		if (!ret) {
			FUZZ_CHECK(cfg.nr_queues <= VFIO_AP_MIG_MAX_QUEUES);
			apmig_host_target(h, UUID, &tgt);
			FUZZ_CHECK(vfio_ap_mig_check(&cfg, &tgt, NULL, NULL) >= 0);
			vfio_ap_mig_config_free(&cfg);
		} else {
			FUZZ_CHECK(ret < 0 && err.msg[0] && !strchr(err.msg, '\n'));
		}
	}
	apmig_host_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	if (!size)
		return 0;
	i = (data[0] & 0x7f) % FUZZ_NR_ATTRS;
	if (data[0] & 0x80) {
		char path[PATH_MAX];

		fuzz_path(path, sizeof(path), fuzz_attrs[i].path);
		FUZZ_CHECK(!unlink(path));
	} else {
		fuzz_write(fuzz_attrs[i].path, data + 1, size - 1);
	}
	fuzz_load();
	fuzz_write(fuzz_attrs[i].path, fuzz_attrs[i].value,
		   strlen(fuzz_attrs[i].value));
	return 0;
}
