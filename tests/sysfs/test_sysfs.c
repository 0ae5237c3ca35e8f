// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the sysfs reader and host model (lib/apmig_sysfs.c,
 * lib/apmig_host.c): the fixture hosts of tests/fixtures/hosts, malformed
 * trees (each error names the file), and the rules run on host pairs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/bitmap.h>
#include <linux/bitops.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_host.h"
#include "apmig_sysfs.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name tests/fixtures/hosts"
#endif

#define SRC_GUEST	"8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b"
#define SRC_IDLE	"c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"
#define DST		"5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6"
#define DST_SPARE	"2d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d"
#define DST_OTHER	"9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"

#define FAC_CCA		0xF2800000u
#define FAC_EP11	0xE6800000u
/* Every fixture card says max_msg_size 12288: ml 3 (4 KiB chunks). */
#define ML_12K		(3ULL << 8)
#define GR2(fac, at)	(((uint64_t)(fac) << 32 | (uint64_t)(at) << 24 | \
			  ML_12K) & VFIO_AP_MIG_GR2_MASK)

static const char *fixture(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", FIXTURES_DIR, name);
	return buf;
}

static struct apmig_host *load_ok(const char *root)
{
	struct apmig_host *h = NULL;
	struct apmig_error err = { "" };
	int ret = apmig_host_load(&h, root, &err);

	if (ret)
		fail_msg("loading %s: %d: %s", root, ret, err.msg);
	assert_non_null(h);
	return h;
}

static int mask_weight(const unsigned long *m)
{
	return bitmap_weight(m, VFIO_AP_MIG_IDS);
}

/* ------------------------------------------------------------ scratch trees */

/* A writable copy of a fixture host in a fresh temporary directory. */
struct scratch {
	char dir[256];
	char root[300];
};

/* Scratch directories not yet removed: a failed test leaves them here. */
static char scratch_left[64][256];

static void scratch_remove(const char *dir)
{
	char cmd[512];

	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) >= (int)sizeof(cmd) ||
	    system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* Teardown of every test: remove what a failed test could not. */
static int scratch_cleanup(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(scratch_left) / sizeof(scratch_left[0]); i++) {
		if (scratch_left[i][0])
			scratch_remove(scratch_left[i]);
		scratch_left[i][0] = '\0';
	}
	return 0;
}

static void scratch_copy(struct scratch *s, const char *host)
{
	char cmd[1024];
	size_t i;

	snprintf(s->dir, sizeof(s->dir), "/tmp/apmig-sysfs-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	for (i = 0; i < sizeof(scratch_left) / sizeof(scratch_left[0]); i++) {
		if (!scratch_left[i][0]) {
			strcpy(scratch_left[i], s->dir);
			break;
		}
	}
	snprintf(s->root, sizeof(s->root), "%s/sys", s->dir);
	assert_true(snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", fixture(host),
			     s->root) < (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

static void scratch_free(struct scratch *s)
{
	size_t i;

	scratch_remove(s->dir);
	for (i = 0; i < sizeof(scratch_left) / sizeof(scratch_left[0]); i++)
		if (!strcmp(scratch_left[i], s->dir))
			scratch_left[i][0] = '\0';
}

static void scratch_write(struct scratch *s, const char *rel, const char *text)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", s->root, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void scratch_unlink(struct scratch *s, const char *rel)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", s->root, rel);
	assert_int_equal(unlink(p), 0);
}

static void scratch_symlink(struct scratch *s, const char *rel,
			    const char *target)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", s->root, rel);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

/*
 * Load the scratch tree expecting @want_ret, and an error message that
 * names @file (relative to the root) and contains @value (may be NULL).
 */
static void expect_load_error(struct scratch *s, int want_ret,
			      const char *file, const char *value)
{
	struct apmig_error err = { "" };
	struct apmig_host *h = (void *)1;
	char path[1024];
	int ret;

	ret = apmig_host_load(&h, s->root, &err);
	if (ret != want_ret)
		fail_msg("want %d, got %d: %s", want_ret, ret, err.msg);
	assert_null(h);
	snprintf(path, sizeof(path), "%s/%s", s->root, file);
	if (!strstr(err.msg, path))
		fail_msg("error \"%s\" does not name %s", err.msg, path);
	if (value && !strstr(err.msg, value))
		fail_msg("error \"%s\" does not show \"%s\"", err.msg, value);
}

/* ------------------------------------------------------------ sysfs helpers */

/* Tests that the root comes from the option, else the environment, else /sys. */
static void test_sysfs_root_precedence(void **state)
{
	unsetenv("APMIG_SYSFS_ROOT");
	assert_string_equal(apmig_sysfs_root(NULL), "/sys");
	assert_string_equal(apmig_sysfs_root(""), "/sys");
	setenv("APMIG_SYSFS_ROOT", "/env/sys", 1);
	assert_string_equal(apmig_sysfs_root(NULL), "/env/sys");
	assert_string_equal(apmig_sysfs_root("/opt/sys"), "/opt/sys");
	setenv("APMIG_SYSFS_ROOT", "", 1);
	assert_string_equal(apmig_sysfs_root(NULL), "/sys");
	unsetenv("APMIG_SYSFS_ROOT");
}

/* Tests that paths join the root once, whatever its trailing slashes. */
static void test_sysfs_path_join(void **state)
{
	char buf[64];
	char small[16];

	assert_int_equal(apmig_sysfs_path(buf, sizeof(buf), "/sys",
					  "bus/ap/%s", "apmask"), 0);
	assert_string_equal(buf, "/sys/bus/ap/apmask");
	assert_int_equal(apmig_sysfs_path(buf, sizeof(buf), "/x/sys//",
					  "devices/ap/card%02x", 3), 0);
	assert_string_equal(buf, "/x/sys/devices/ap/card03");
	assert_int_equal(apmig_sysfs_path(buf, sizeof(buf), "/", "bus"), 0);
	assert_string_equal(buf, "/bus");
	assert_int_equal(apmig_sysfs_path(small, sizeof(small), "/sys",
					  "bus/ap/apmask"), -ENAMETOOLONG);
	assert_int_equal(apmig_sysfs_path(small, 4, "/sys", "b"), -ENAMETOOLONG);
}

/* Tests the 256-bit mask format: id 0 is the MSB, exactly 64 digits. */
static void test_sysfs_parse_mask(void **state)
{
	DECLARE_BITMAP(m, VFIO_AP_MIG_IDS);
	char text[80];

	snprintf(text, sizeof(text), "0x8%063x", 1);
	assert_int_equal(apmig_sysfs_parse_mask(text, m), 0);
	assert_int_equal(mask_weight(m), 2);
	assert_true(test_bit_inv(0, m));
	assert_true(test_bit_inv(255, m));

	/* "0x0800..." is id 4, upper case digits are fine too */
	snprintf(text, sizeof(text), "0X08%062d", 0);
	assert_int_equal(apmig_sysfs_parse_mask(text, m), 0);
	assert_true(test_bit_inv(4, m));
	assert_int_equal(mask_weight(m), 1);
	snprintf(text, sizeof(text), "0x%064d", 0);
	text[2 + 42 / 4] = 'A';		/* 0xA in digit 10: ids 40 and 42 */
	assert_int_equal(apmig_sysfs_parse_mask(text, m), 0);
	assert_true(test_bit_inv(40, m) && test_bit_inv(42, m));
	assert_int_equal(mask_weight(m), 2);

	snprintf(text, sizeof(text), "0x%063d", 0);		/* 63 digits */
	assert_int_equal(apmig_sysfs_parse_mask(text, m), -EINVAL);
	snprintf(text, sizeof(text), "0x%065d", 0);		/* 65 digits */
	assert_int_equal(apmig_sysfs_parse_mask(text, m), -EINVAL);
	snprintf(text, sizeof(text), "%064d", 0);		/* no 0x */
	assert_int_equal(apmig_sysfs_parse_mask(text, m), -EINVAL);
	snprintf(text, sizeof(text), "0x%062dzz", 0);
	assert_int_equal(apmig_sysfs_parse_mask(text, m), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_mask("garbage", m), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_mask("", m), -EINVAL);
}

/* Tests the scalar formats: decimal, "0x%08X", "0"/"1". */
static void test_sysfs_parse_scalars(void **state)
{
	uint32_t u;
	long v;
	bool b;

	assert_int_equal(apmig_sysfs_parse_hex32("0xF2800000", &u), 0);
	assert_int_equal(u, 0xF2800000u);
	assert_int_equal(apmig_sysfs_parse_hex32("0x1", &u), 0);
	assert_int_equal(u, 1);
	assert_int_equal(apmig_sysfs_parse_hex32("0x", &u), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_hex32("F2800000", &u), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_hex32("0x123456789", &u), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_hex32("0xGARBAGE", &u), -EINVAL);

	assert_int_equal(apmig_sysfs_parse_int("14", 0, 255, &v), 0);
	assert_int_equal(v, 14);
	assert_int_equal(apmig_sysfs_parse_int("256", 0, 255, &v), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_int("-1", 0, 255, &v), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_int("1 4", 0, 255, &v), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_int("", 0, 255, &v), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_int(" 1", 0, 255, &v), -EINVAL);

	assert_int_equal(apmig_sysfs_parse_bool("1", &b), 0);
	assert_true(b);
	assert_int_equal(apmig_sysfs_parse_bool("0", &b), 0);
	assert_false(b);
	assert_int_equal(apmig_sysfs_parse_bool("2", &b), -EINVAL);
	assert_int_equal(apmig_sysfs_parse_bool("10", &b), -EINVAL);
}

/* Tests that error quoting escapes control bytes and cuts long values. */
static void test_sysfs_quote(void **state)
{
	char buf[16];

	assert_string_equal(apmig_sysfs_quote("a\tb", buf, sizeof(buf)),
			    "a\\x09b");
	assert_string_equal(apmig_sysfs_quote("0123456789abcdef", buf,
					      sizeof(buf)), "0123456789ab...");
}

/* ------------------------------------------------------------ fixture hosts */

/* Tests that src-a reads as its generator wrote it. */
static void test_host_load_src_a(void **state)
{
	struct apmig_host *h = load_ok(fixture("src-a"));
	const struct apmig_queue *q;
	struct apmig_mdev *g, *idle;
	int n = 0, i;

	assert_true(h->vfio_ap);
	assert_true(h->migratable);
	assert_int_equal(h->max_adapter_id, 255);
	assert_int_equal(h->max_domain_id, 84);
	assert_int_equal(mask_weight(h->apm), 3);
	assert_true(test_bit_inv(3, h->apm) && test_bit_inv(5, h->apm) &&
		    test_bit_inv(6, h->apm));
	assert_int_equal(mask_weight(h->aqm), 3);
	assert_true(test_bit_inv(0x2a, h->aqm));
	assert_int_equal(mask_weight(h->adm), 3);
	assert_int_equal(mask_weight(h->apmask), 256);
	assert_int_equal(mask_weight(h->aqmask), 254);
	assert_false(test_bit_inv(4, h->aqmask));

	assert_true(h->cards[3].present);
	assert_false(h->cards[4].present);
	assert_int_equal(h->cards[3].raw_hwtype, 14);
	assert_int_equal(h->cards[3].hwtype, 14);
	assert_int_equal(h->cards[3].functions, FAC_CCA);
	assert_int_equal(h->cards[6].functions, FAC_EP11);
	assert_int_equal(h->cards[3].depth, 8);
	assert_string_equal(h->cards[3].type, "CEX8C");
	assert_string_equal(h->cards[6].type, "CEX8P");
	assert_int_equal(h->cards[3].driver, APMIG_DRV_CEX4CARD);
	assert_true(h->cards[3].online && h->cards[3].config);
	assert_false(h->cards[3].chkstop);

	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++)
		n += h->queues[i] != NULL;
	assert_int_equal(n, 9);
	q = apmig_host_queue(h, 0x0304);
	assert_non_null(q);
	assert_int_equal(q->apqn, 0x0304);
	assert_int_equal(q->functions, FAC_CCA);
	assert_int_equal(q->driver, APMIG_DRV_VFIO_AP);
	assert_int_equal(q->status, APMIG_QST_IN_USE);
	q = apmig_host_queue(h, 0x0306);
	assert_int_equal(q->driver, APMIG_DRV_CEX4QUEUE);
	assert_int_equal(q->status, APMIG_QST_NONE);
	assert_int_equal(q->mdev, -1);
	assert_true(q->online);
	assert_int_equal(apmig_host_queue(h, 0x062a)->status,
			 APMIG_QST_UNASSIGNED);
	assert_int_equal(apmig_host_queue(h, 0x0604)->status,
			 APMIG_QST_ASSIGNED);
	assert_null(apmig_host_queue(h, 0x0404));

	/* mdevs sorted by UUID */
	assert_int_equal(h->nr_mdevs, 2);
	assert_string_equal(h->mdevs[0].uuid, SRC_GUEST);
	assert_string_equal(h->mdevs[1].uuid, SRC_IDLE);
	g = apmig_host_mdev(h, SRC_GUEST);
	idle = apmig_host_mdev(h, "C3D4E5F6-0718-4293-A4B5-C6D7E8F90A1B");
	assert_ptr_equal(g, &h->mdevs[0]);
	assert_ptr_equal(idle, &h->mdevs[1]);
	assert_null(apmig_host_mdev(h, DST));
	assert_null(apmig_host_mdev(h, NULL));
	assert_true(g->has_guest);
	assert_false(idle->has_guest);
	assert_int_equal(mask_weight(g->apm), 2);
	assert_int_equal(mask_weight(g->aqm), 2);
	assert_int_equal(mask_weight(g->adm), 1);
	assert_true(test_bit_inv(4, g->adm));
	assert_true(bitmap_equal(g->apm, g->guest_apm, VFIO_AP_MIG_IDS));
	assert_true(bitmap_equal(g->aqm, g->guest_aqm, VFIO_AP_MIG_IDS));
	assert_int_equal(apmig_host_queue(h, 0x052a)->mdev, 0);
	assert_int_equal(apmig_host_queue(h, 0x0604)->mdev, 1);
	assert_int_equal(mask_weight(idle->adm), 0);
	assert_string_equal(h->root, fixture("src-a"));
	apmig_host_free(h);
}

/*
 * Tests dst-ok: a kernel without ap_config, the destination mdev prepared
 * with src-a's guest, an mdev with only a domain.
 */
static void test_host_load_dst_ok(void **state)
{
	struct apmig_host *h = load_ok(fixture("dst-ok"));
	struct apmig_mdev *d = apmig_host_mdev(h, DST);
	struct apmig_mdev *spare = apmig_host_mdev(h, DST_SPARE);

	assert_non_null(d);
	assert_non_null(spare);
	assert_int_equal(mask_weight(d->apm), 2);
	assert_true(test_bit_inv(3, d->apm) && test_bit_inv(5, d->apm));
	assert_int_equal(mask_weight(d->aqm), 2);
	assert_true(test_bit_inv(4, d->adm));
	assert_true(bitmap_equal(d->guest_apm, d->apm, VFIO_AP_MIG_IDS));
	assert_false(d->has_guest);
	assert_int_equal(mask_weight(spare->apm), 0);
	assert_int_equal(mask_weight(spare->aqm), 1);
	assert_true(test_bit_inv(0x33, spare->aqm));
	assert_true(test_bit_inv(0x33, spare->guest_aqm));
	assert_int_equal(apmig_host_queue(h, 0x0304)->status, APMIG_QST_ASSIGNED);
	assert_int_equal(apmig_host_queue(h, 0x0304)->mdev, d - h->mdevs);
	assert_int_equal(apmig_host_queue(h, 0x0504)->mdev, d - h->mdevs);
	assert_int_equal(apmig_host_queue(h, 0x0704)->mdev, -1);
	assert_int_equal(h->cards[7].functions, 0xEA400000u);
	assert_int_equal(h->cards[7].ml, 3);
	assert_string_equal(h->cards[7].type, "CEX8A");
	apmig_host_free(h);
}

/* Tests dst-bad: a CEX7 card, an adapter-only mdev, a running other mdev. */
static void test_host_load_dst_bad(void **state)
{
	struct apmig_host *h = load_ok(fixture("dst-bad"));
	struct apmig_mdev *d = apmig_host_mdev(h, DST);
	struct apmig_mdev *o = apmig_host_mdev(h, DST_OTHER);

	assert_int_equal(h->cards[3].raw_hwtype, 13);
	assert_string_equal(h->cards[3].type, "CEX7C");
	assert_int_equal(mask_weight(d->apm), 1);
	assert_int_equal(mask_weight(d->aqm), 0);
	assert_false(d->has_guest);
	assert_true(o->has_guest);
	assert_int_equal(apmig_host_queue(h, 0x0504)->mdev, o - h->mdevs);
	assert_int_equal(apmig_host_queue(h, 0x0504)->status, APMIG_QST_IN_USE);
	assert_int_equal(apmig_host_queue(h, 0x032a)->driver,
			 APMIG_DRV_CEX4QUEUE);
	assert_false(test_bit_inv(4, h->adm));
	assert_true(test_bit_inv(0x2a, h->adm));
	apmig_host_free(h);
}

/* Tests that APMIG_SYSFS_ROOT is used when no root is given. */
static void test_host_load_env_root(void **state)
{
	struct apmig_host *h = NULL;
	struct apmig_error err;

	setenv("APMIG_SYSFS_ROOT", fixture("dst-ok"), 1);
	assert_int_equal(apmig_host_load(&h, NULL, &err), 0);
	unsetenv("APMIG_SYSFS_ROOT");
	assert_non_null(apmig_host_mdev(h, DST));
	apmig_host_free(h);
}

/* ------------------------------------------------------------ guest config */

/* Tests the running guest's configuration and GR2 rebuilt from sysfs. */
static void test_host_guest_config_running(void **state)
{
	static const uint16_t want[] = { 0x0304, 0x032a, 0x0504, 0x052a };
	struct apmig_host *h = load_ok(fixture("src-a"));
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	unsigned int i;

	assert_int_equal(apmig_host_guest_config(h, apmig_host_mdev(h, SRC_GUEST),
						 &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(cfg.queues[i].apqn, want[i]);
		assert_int_equal(cfg.queues[i].gr2, GR2(FAC_CCA, 14));
	}
	assert_int_equal(mask_weight(cfg.adm), 1);
	assert_true(test_bit_inv(4, cfg.adm));
	assert_int_equal(mask_weight(cfg.apm), 2);
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);
}

/* Tests that the guest matrix, not the assigned one, is the configuration. */
static void test_host_guest_config_guest_matrix(void **state)
{
	struct apmig_host *h = load_ok(fixture("src-a"));
	struct apmig_mdev *g = apmig_host_mdev(h, SRC_GUEST);
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;

	/* the guest lost adapter 05 (filtered), the mdev still holds it */
	clear_bit_inv(5, g->guest_apm);
	assert_int_equal(apmig_host_guest_config(h, g, &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 2);
	assert_int_equal(cfg.queues[1].apqn, 0x032a);
	vfio_ap_mig_config_free(&cfg);

	/* no guest: still the guest matrix, vfio_ap keeps it for an idle mdev */
	g->has_guest = false;
	assert_int_equal(apmig_host_guest_config(h, g, &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 2);
	assert_true(test_bit_inv(5, g->apm));
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);
}

/* Tests an idle mdev: the assigned matrix, EP11 GR2. */
static void test_host_guest_config_idle(void **state)
{
	struct apmig_host *h = load_ok(fixture("src-a"));
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;

	assert_int_equal(apmig_host_guest_config(h, apmig_host_mdev(h, SRC_IDLE),
						 &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 1);
	assert_int_equal(cfg.queues[0].apqn, 0x0604);
	assert_int_equal(cfg.queues[0].gr2, GR2(FAC_EP11, 14));
	assert_int_equal(mask_weight(cfg.adm), 0);
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);
}

/* Tests that a guest queue missing on the host is an error naming it. */
static void test_host_guest_config_missing_queue(void **state)
{
	struct apmig_host *h = load_ok(fixture("dst-ok"));
	struct apmig_mdev *d = apmig_host_mdev(h, DST);
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	char want[512];

	/* assigned only: vfio_ap would never give it to the guest */
	set_bit_inv(0x40, d->aqm);
	assert_int_equal(apmig_host_guest_config(h, d, &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 4);
	vfio_ap_mig_config_free(&cfg);
	/* a guest matrix naming 03.0040, which does not exist (it vanished) */
	set_bit_inv(0x40, d->guest_aqm);
	assert_int_equal(apmig_host_guest_config(h, d, &cfg, &err), -ENODEV);
	assert_null(cfg.queues);
	assert_true(snprintf(want, sizeof(want), "%s/devices/ap/card03/03.0040",
			     fixture("dst-ok")) < (int)sizeof(want));
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "queue 03.0040"));
	apmig_host_free(h);
}

/* Tests that the guest's control domains are the assigned ones the host has. */
static void test_host_guest_config_cdoms(void **state)
{
	struct apmig_host *h = load_ok(fixture("dst-bad"));
	struct apmig_mdev *o = apmig_host_mdev(h, DST_OTHER);
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS);
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;

	/* 0004 is assigned, the host's control-domain mask has only 002a */
	assert_true(test_bit_inv(4, o->adm));
	apmig_host_shadow_apcb(h, o, apm, aqm, adm);
	assert_true(bitmap_equal(apm, o->guest_apm, VFIO_AP_MIG_IDS));
	assert_true(bitmap_equal(aqm, o->guest_aqm, VFIO_AP_MIG_IDS));
	assert_int_equal(mask_weight(adm), 0);
	assert_int_equal(apmig_host_guest_config(h, o, &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 1);
	assert_int_equal(cfg.queues[0].apqn, 0x0504);
	assert_int_equal(mask_weight(cfg.adm), 0);
	vfio_ap_mig_config_free(&cfg);
	/* once the host has it, the guest has it */
	set_bit_inv(4, h->adm);
	apmig_host_shadow_apcb(h, o, apm, aqm, adm);
	assert_true(test_bit_inv(4, adm));
	assert_int_equal(mask_weight(adm), 1);
	apmig_host_free(h);
}

/* Passable: every queue but the ones in the 0-terminated list @ctx. */
static bool passable_except(const void *ctx, uint16_t apqn)
{
	const uint16_t *no;

	for (no = ctx; *no; no++)
		if (*no == apqn)
			return false;
	return true;
}

/* Tests vfio_ap's filter rules on masks, in place too, and in_use. */
static void test_filter_rules(void **state)
{
	/* 03.0040 is outside the host: the filter must not look at it */
	static const uint16_t no[] = { 0x052a, 0x0340, 0x0904, 0 };
	DECLARE_BITMAP(apm, VFIO_AP_MIG_IDS) = { 0 };
	DECLARE_BITMAP(aqm, VFIO_AP_MIG_IDS) = { 0 };
	DECLARE_BITMAP(adm, VFIO_AP_MIG_IDS) = { 0 };
	DECLARE_BITMAP(host_apm, VFIO_AP_MIG_IDS) = { 0 };
	DECLARE_BITMAP(host_aqm, VFIO_AP_MIG_IDS) = { 0 };
	DECLARE_BITMAP(host_adm, VFIO_AP_MIG_IDS) = { 0 };
	DECLARE_BITMAP(sh_apm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(sh_aqm, VFIO_AP_MIG_IDS);
	DECLARE_BITMAP(sh_adm, VFIO_AP_MIG_IDS);

	set_bit_inv(3, apm);
	set_bit_inv(5, apm);
	set_bit_inv(9, apm);		/* not in the host's configuration */
	set_bit_inv(4, aqm);
	set_bit_inv(0x2a, aqm);
	set_bit_inv(0x40, aqm);		/* not in the host's configuration */
	set_bit_inv(3, host_apm);
	set_bit_inv(5, host_apm);
	set_bit_inv(6, host_apm);
	set_bit_inv(4, host_aqm);
	set_bit_inv(0x2a, host_aqm);
	memset(sh_apm, 0xff, sizeof(sh_apm));
	memset(sh_aqm, 0xff, sizeof(sh_aqm));
	apmig_filter_matrix(apm, aqm, host_apm, host_aqm, passable_except, no,
			    sh_apm, sh_aqm);
	/* 05.002a is not passable: adapter 05 goes, with 05.0004 */
	assert_int_equal(mask_weight(sh_apm), 1);
	assert_true(test_bit_inv(3, sh_apm));
	assert_int_equal(mask_weight(sh_aqm), 2);
	assert_true(test_bit_inv(4, sh_aqm) && test_bit_inv(0x2a, sh_aqm));
	/* the same in place */
	apmig_filter_matrix(apm, aqm, host_apm, host_aqm, passable_except, no,
			    apm, aqm);
	assert_true(bitmap_equal(apm, sh_apm, VFIO_AP_MIG_IDS));
	assert_true(bitmap_equal(aqm, sh_aqm, VFIO_AP_MIG_IDS));

	set_bit_inv(4, adm);
	set_bit_inv(0x0b, adm);
	set_bit_inv(4, host_adm);
	set_bit_inv(0x40, host_adm);
	apmig_filter_cdoms(adm, host_adm, sh_adm);
	assert_int_equal(mask_weight(sh_adm), 1);
	assert_true(test_bit_inv(4, sh_adm));

	/* another mdev's assignment makes it the owner, whatever the binding */
	assert_true(apmig_queue_in_use(true, true));
	assert_false(apmig_queue_in_use(true, false));
	assert_true(apmig_queue_in_use(false, true));
	assert_false(apmig_queue_in_use(false, false));
}

/* Tests a kernel without guest_matrix: the reader runs vfio_ap's filter. */
static void test_host_filter_without_guest_matrix(void **state)
{
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	struct apmig_mdev *d, *spare;
	struct apmig_host *h;
	struct scratch s;

	scratch_copy(&s, "dst-ok");
	scratch_unlink(&s, "devices/vfio_ap/matrix/" DST "/guest_matrix");
	scratch_unlink(&s, "devices/vfio_ap/matrix/" DST_SPARE "/guest_matrix");
	/* adapter 09 is assigned but not in the host's configuration */
	scratch_write(&s, "devices/vfio_ap/matrix/" DST "/matrix",
		      "03.0004\n03.002a\n09.0004\n09.002a\n");
	h = load_ok(s.root);
	d = apmig_host_mdev(h, DST);
	spare = apmig_host_mdev(h, DST_SPARE);
	assert_int_equal(mask_weight(d->apm), 2);
	assert_int_equal(mask_weight(d->guest_apm), 1);
	assert_true(test_bit_inv(3, d->guest_apm));
	assert_false(test_bit_inv(5, d->apm));
	assert_true(bitmap_equal(d->guest_aqm, d->aqm, VFIO_AP_MIG_IDS));
	assert_int_equal(mask_weight(spare->guest_apm), 0);
	assert_true(bitmap_equal(spare->guest_aqm, spare->aqm, VFIO_AP_MIG_IDS));
	assert_int_equal(apmig_host_guest_config(h, d, &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 2);
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);

	/* 03.002a bound to cex4queue: adapter 03 is left out whole */
	scratch_symlink(&s, "devices/ap/card03/03.002a/driver",
			"../../../../bus/ap/drivers/cex4queue");
	h = load_ok(s.root);
	d = apmig_host_mdev(h, DST);
	assert_int_equal(mask_weight(d->guest_apm), 0);
	assert_int_equal(mask_weight(d->guest_aqm), 2);
	assert_int_equal(apmig_host_guest_config(h, d, &cfg, &err), 0);
	assert_int_equal(cfg.nr_queues, 0);
	assert_true(test_bit_inv(4, cfg.adm));
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);
	scratch_free(&s);
}

/* Tests the GR2 rebuilt from a queue's ap_functions and its card's type. */
static void test_host_queue_gr2(void **state)
{
	struct apmig_host *h = load_ok(fixture("dst-bad"));

	assert_int_equal(apmig_host_queue_gr2(h, apmig_host_queue(h, 0x0304)),
			 (uint64_t)FAC_CCA << 32 | 13ULL << 24 | ML_12K);
	assert_int_equal(apmig_host_queue_gr2(h, apmig_host_queue(h, 0x052a)),
			 (uint64_t)FAC_EP11 << 32 | 14ULL << 24 | ML_12K);
	apmig_host_free(h);
}

/*
 * Tests ml from a card's max_msg_size (4 KiB chunks): absent (kernels
 * before 6.10) is 0, a size that is no ml value is malformed.
 */
static void test_host_card_max_msg_size(void **state)
{
	struct apmig_host *h;
	struct scratch s;

	scratch_copy(&s, "dst-bad");
	scratch_write(&s, "devices/ap/card03/max_msg_size", "61440\n");
	scratch_unlink(&s, "devices/ap/card05/max_msg_size");
	h = load_ok(s.root);
	assert_int_equal(h->cards[3].ml, 15);
	assert_int_equal(h->cards[5].ml, 0);
	assert_int_equal(vfio_ap_mig_gr2_ml(apmig_host_queue_gr2(h,
				apmig_host_queue(h, 0x0304))), 15);
	assert_int_equal(apmig_host_queue_gr2(h, apmig_host_queue(h, 0x052a)),
			 (uint64_t)FAC_EP11 << 32 | 14ULL << 24);
	apmig_host_free(h);

	scratch_write(&s, "devices/ap/card03/max_msg_size", "12000\n");
	expect_load_error(&s, -EINVAL, "devices/ap/card03/max_msg_size", "\"12000\"");
	scratch_write(&s, "devices/ap/card03/max_msg_size", "65536\n");
	expect_load_error(&s, -EINVAL, "devices/ap/card03/max_msg_size", "multiple of 4096");
	scratch_free(&s);
}

/*
 * Tests TAPQ's answer as sysfs shows it: a queue deconfigured by its own or
 * its card's 'config', check-stopped by its own or its card's 'chkstop'.
 */
static void test_host_queue_stopped_deconfigured(void **state)
{
	const struct apmig_queue *q;
	struct vfio_ap_mig_target_queue tq;
	struct vfio_ap_mig_target tgt;
	struct apmig_host *h;
	struct scratch s;

	scratch_copy(&s, "dst-ok");
	scratch_write(&s, "devices/ap/card03/03.0004/chkstop", "1\n");
	scratch_write(&s, "devices/ap/card05/chkstop", "1\n");
	scratch_write(&s, "devices/ap/card03/03.002a/config", "0\n");
	scratch_write(&s, "devices/ap/card07/config", "0\n");
	h = load_ok(s.root);
	q = apmig_host_queue(h, 0x0304);
	assert_true(apmig_host_queue_checkstopped(h, q));
	assert_false(apmig_host_queue_deconfigured(h, q));
	q = apmig_host_queue(h, 0x0504);
	assert_true(apmig_host_queue_checkstopped(h, q));
	q = apmig_host_queue(h, 0x032a);
	assert_true(apmig_host_queue_deconfigured(h, q));
	assert_false(apmig_host_queue_checkstopped(h, q));
	q = apmig_host_queue(h, 0x0704);
	assert_true(apmig_host_queue_deconfigured(h, q));

	apmig_host_target(h, DST, &tgt);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0304, &tq), 0);
	assert_true(tq.checkstopped && !tq.unconfigured);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x032a, &tq), 0);
	assert_true(tq.unconfigured && !tq.checkstopped);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x052a, &tq), 0);
	assert_true(tq.checkstopped);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0404, &tq), 0);
	assert_false(tq.exists || tq.checkstopped || tq.unconfigured);
	apmig_host_free(h);
	scratch_free(&s);
}

/* ------------------------------------------------------------ rules on hosts */

struct lines {
	char v[32][200];
	int n;
};

static void collect(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct lines *l = ctx;

	if (l->n < 32)
		vfio_ap_mig_format_problem(p, l->v[l->n], sizeof(l->v[0]));
	l->n++;
}

/* Run the rules: the guest of @uuid on @src against @dst for @dest. */
static int check_hosts(const char *src, const char *uuid, const char *dst,
		       const char *dest, struct lines *l)
{
	struct apmig_host *s = load_ok(fixture(src));
	struct apmig_host *t = load_ok(fixture(dst));
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	int ret;

	assert_int_equal(apmig_host_guest_config(s, apmig_host_mdev(s, uuid),
						 &cfg, &err), 0);
	apmig_host_target(t, dest, &tgt);
	memset(l, 0, sizeof(*l));
	ret = vfio_ap_mig_check(&cfg, &tgt, collect, l);
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(s);
	apmig_host_free(t);
	return ret;
}

/* Tests that src-a's guest fits dst-ok: no problem at all. */
static void test_check_src_a_dst_ok(void **state)
{
	struct lines l;

	assert_int_equal(check_hosts("src-a", SRC_GUEST, "dst-ok", DST, &l), 0);
	assert_int_equal(l.n, 0);
}

/* Tests that a queue whose adapter left the target's AP configuration is refused. */
static void test_check_src_a_dst_ok_deconfigured(void **state)
{
	struct apmig_host *s = load_ok(fixture("src-a"));
	struct apmig_host *t = load_ok(fixture("dst-ok"));
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	struct lines l;

	assert_int_equal(apmig_host_guest_config(s, apmig_host_mdev(s, SRC_GUEST),
						 &cfg, &err), 0);
	/* adapter 03 deconfigured: sysfs drops it from ap_adapter_mask */
	clear_bit_inv(0x03, t->apm);
	apmig_host_target(t, DST, &tgt);
	memset(&l, 0, sizeof(l));
	assert_int_equal(vfio_ap_mig_check(&cfg, &tgt, collect, &l), 2);
	assert_string_equal(l.v[0], "queue 03.0004: configuration: adapter or domain not in the target's AP configuration");
	assert_string_equal(l.v[1], "queue 03.002a: configuration: adapter or domain not in the target's AP configuration");
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(s);
	apmig_host_free(t);
}

/*
 * Tests that for another destination (or none) the prepared mdev's queues
 * belong to another, and the guest's control domain is missing.
 */
static void test_check_src_a_dst_ok_other_dest(void **state)
{
	struct lines l;

	assert_int_equal(check_hosts("src-a", SRC_GUEST, "dst-ok", NULL, &l), 5);
	assert_string_equal(l.v[0], "queue 03.0004: owner: assigned to another mediated device on target");
	assert_string_equal(l.v[3], "queue 05.002a: owner: assigned to another mediated device on target");
	assert_string_equal(l.v[4], "control domain 0x0004: in the source guest, not in the target mdev's guest");
	assert_int_equal(check_hosts("src-a", SRC_GUEST, "dst-ok", DST_SPARE,
				     &l), 5);
}

/* Tests the exact diagnosis of src-a's guest on dst-bad. */
static void test_check_src_a_dst_bad(void **state)
{
	static const char * const want[] = {
		"queue 03.0004: target mdev: in the source guest, not in the target mdev's guest",
		"queue 03.0004: AP type: source CEX8 (14), target CEX7 (13) is older",
		"queue 03.002a: binding: bound to vfio_ap on source, not on target",
		"queue 03.002a: AP type: source CEX8 (14), target CEX7 (13) is older",
		"queue 05.0004: owner: assigned to another mediated device on target",
		"queue 05.0004: mode: source CCA, target EP11",
		"queue 05.002a: target mdev: in the source guest, not in the target mdev's guest",
		"queue 05.002a: mode: source CCA, target EP11",
		"control domain 0x0004: in the source guest, not in the target mdev's guest",
	};
	struct lines l;
	int i;

	assert_int_equal(check_hosts("src-a", SRC_GUEST, "dst-bad", DST, &l), 9);
	for (i = 0; i < 9; i++)
		assert_string_equal(l.v[i], want[i]);
}

/* Tests that a host is compatible with itself for the guest's own mdev. */
static void test_check_src_a_self(void **state)
{
	struct lines l;

	assert_int_equal(check_hosts("src-a", SRC_GUEST, "src-a", SRC_GUEST, &l), 0);
	/*
	 * another destination: every queue is in use by the guest's mdev, the
	 * idle mdev's queue is extra, the guest's control domain missing
	 */
	assert_int_equal(check_hosts("src-a", SRC_GUEST, "src-a", SRC_IDLE, &l), 6);
	assert_string_equal(l.v[3], "queue 05.002a: owner: assigned to another mediated device on target");
	assert_string_equal(l.v[4], "queue 06.0004: extra queue: in the target mdev's guest, not in the source guest");
	assert_string_equal(l.v[5], "control domain 0x0004: in the source guest, not in the target mdev's guest");
	/* the idle EP11 queue on dst-ok: no card 06 there; DST has 4 others */
	assert_int_equal(check_hosts("src-a", SRC_IDLE, "dst-ok", DST, &l), 6);
	assert_string_equal(l.v[0], "queue 06.0004: presence: in the source guest, does not exist on target");
	assert_string_equal(l.v[1], "queue 03.0004: extra queue: in the target mdev's guest, not in the source guest");
	assert_string_equal(l.v[5], "control domain 0x0004: in the target mdev's guest, not in the source guest");
}

/* Tests the rules' view of a host: exists, bound, in_use, gr2, adm. */
static void test_host_target_lookup(void **state)
{
	struct apmig_host *h = load_ok(fixture("dst-bad"));
	struct vfio_ap_mig_target_queue tq;
	struct vfio_ap_mig_target tgt;

	/* the guest configuration DST gives: adapter 05, no domain */
	apmig_host_target(h, DST, &tgt);
	assert_int_equal(mask_weight(tgt.apm), 1);
	assert_true(test_bit_inv(5, tgt.apm));
	assert_int_equal(mask_weight(tgt.aqm), 0);
	assert_int_equal(mask_weight(tgt.adm), 0);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0504, &tq), 0);
	assert_true(tq.exists && tq.bound && tq.in_use);
	assert_false(tq.checkstopped || tq.unconfigured);
	assert_int_equal(tq.gr2, (uint64_t)FAC_EP11 << 32 | 14ULL << 24 | ML_12K);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x032a, &tq), 0);
	assert_true(tq.exists && !tq.bound && !tq.in_use);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0404, &tq), 0);
	assert_false(tq.exists);
	/* the running mdev itself as destination: its queue is free for it */
	apmig_host_target(h, DST_OTHER, &tgt);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0504, &tq), 0);
	assert_false(tq.in_use);
	/* its control domain 0004 is not in the host's mask: filtered out */
	assert_int_equal(mask_weight(tgt.adm), 0);
	assert_true(test_bit_inv(5, tgt.apm) && test_bit_inv(4, tgt.aqm));
	/* an mdev the host does not have gives nothing */
	apmig_host_target(h, SRC_GUEST, &tgt);
	assert_int_equal(mask_weight(tgt.apm) + mask_weight(tgt.aqm) +
			 mask_weight(tgt.adm), 0);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0504, &tq), 0);
	assert_true(tq.in_use);
	apmig_host_free(h);
}

/*
 * Tests that a queue another mdev holds is still its owner once unbound (as
 * the destination kernel reports it): owner and binding, both named.
 */
static void test_host_target_unbound_owner(void **state)
{
	struct apmig_host *src = load_ok(fixture("src-a"));
	struct vfio_ap_mig_target_queue tq;
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	struct apmig_host *h;
	struct scratch s;
	struct lines l;
	int i;

	scratch_copy(&s, "dst-bad");
	scratch_symlink(&s, "devices/ap/card05/05.0004/driver",
			"../../../../bus/ap/drivers/cex4queue");
	h = load_ok(s.root);
	/* DST_OTHER still holds it: vfio_ap no longer links it to DST_OTHER */
	assert_int_equal(apmig_host_queue(h, 0x0504)->mdev,
			 apmig_host_mdev(h, DST_OTHER) - h->mdevs);
	apmig_host_target(h, DST, &tgt);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0504, &tq), 0);
	assert_true(tq.exists);
	assert_false(tq.bound);
	assert_true(tq.in_use);

	/* the check names the owner and the binding of 05.0004, nothing else */
	assert_int_equal(apmig_host_guest_config(src, apmig_host_mdev(src, SRC_GUEST),
						 &cfg, &err), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(vfio_ap_mig_check(&cfg, &tgt, collect, &l), 10);
	for (i = 0; i < l.n; i++)
		if (strstr(l.v[i], "owner"))
			break;
	assert_true(i < l.n);
	assert_string_equal(l.v[i], "queue 05.0004: owner: assigned to another mediated device on target");
	assert_string_equal(l.v[i + 1], "queue 05.0004: binding: bound to vfio_ap on source, not on target");
	assert_string_equal(l.v[i + 2], "queue 05.0004: mode: source CCA, target EP11");
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);
	apmig_host_free(src);
	scratch_free(&s);
}

/* ------------------------------------------------------------ malformed */

/* Tests that a garbage mask is an error naming the file and the value. */
static void test_malformed_mask(void **state)
{
	struct scratch s;

	scratch_copy(&s, "src-a");
	scratch_write(&s, "bus/ap/ap_adapter_mask", "0xzz\n");
	expect_load_error(&s, -EINVAL, "bus/ap/ap_adapter_mask", "\"0xzz\"");
	scratch_write(&s, "bus/ap/ap_adapter_mask",
		      "0x14000000000000000000000000000000\n");	/* too short */
	expect_load_error(&s, -EINVAL, "bus/ap/ap_adapter_mask", "0x1400");
	scratch_free(&s);

	scratch_copy(&s, "src-a");
	scratch_write(&s, "bus/ap/aqmask", "all of them\n");
	expect_load_error(&s, -EINVAL, "bus/ap/aqmask", "all of them");
	scratch_free(&s);
}

/* Tests that a host without QCI ("not supported") still loads. */
static void test_mask_not_supported(void **state)
{
	struct apmig_host *h;
	struct scratch s;

	scratch_copy(&s, "src-a");
	scratch_write(&s, "bus/ap/ap_control_domain_mask", "not supported\n");
	h = load_ok(s.root);
	assert_int_equal(mask_weight(h->adm), 0);
	apmig_host_free(h);
	scratch_free(&s);
}

/* Tests that a bad ap_functions (card or queue) names the file and value. */
static void test_malformed_ap_functions(void **state)
{
	struct scratch s;

	scratch_copy(&s, "src-a");
	scratch_write(&s, "devices/ap/card05/ap_functions", "0xGARBAGE\n");
	expect_load_error(&s, -EINVAL, "devices/ap/card05/ap_functions",
			  "0xGARBAGE");
	scratch_free(&s);

	scratch_copy(&s, "src-a");
	scratch_write(&s, "devices/ap/card05/05.002a/ap_functions", "92800000\n");
	expect_load_error(&s, -EINVAL, "devices/ap/card05/05.002a/ap_functions",
			  "\"92800000\"");
	scratch_free(&s);
}

/* Tests that a driver link to nowhere is an error naming the link. */
static void test_dangling_driver_link(void **state)
{
	struct scratch s;

	scratch_copy(&s, "src-a");
	scratch_symlink(&s, "devices/ap/card03/03.002a/driver",
			"../../../../bus/ap/drivers/nosuch");
	expect_load_error(&s, -ENOLINK, "devices/ap/card03/03.002a/driver",
			  "dangling");
	scratch_free(&s);

	scratch_copy(&s, "src-a");
	scratch_symlink(&s, "devices/ap/card06/driver",
			"../../../bus/ap/drivers/gone");
	expect_load_error(&s, -ENOLINK, "devices/ap/card06/driver", "dangling");
	scratch_free(&s);

	/* a regular file where the link should be */
	scratch_copy(&s, "src-a");
	scratch_unlink(&s, "devices/ap/card03/03.0004/driver");
	scratch_write(&s, "devices/ap/card03/03.0004/driver", "vfio_ap\n");
	expect_load_error(&s, -EINVAL, "devices/ap/card03/03.0004/driver",
			  "not a symbolic link");
	scratch_free(&s);
}

/* Tests that each missing mandatory attribute is an error naming it. */
static void test_missing_mandatory(void **state)
{
	static const char * const files[] = {
		"bus/ap/ap_adapter_mask",
		"bus/ap/ap_usage_domain_mask",
		"bus/ap/ap_control_domain_mask",
		"devices/ap/card03/raw_hwtype",
		"devices/ap/card05/hwtype",
		"devices/ap/card06/ap_functions",
	};
	struct scratch s;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		scratch_copy(&s, "src-a");
		scratch_unlink(&s, files[i]);
		expect_load_error(&s, -ENOENT, files[i], "missing");
		scratch_free(&s);
	}

	/* without ap_config, matrix and control_domains are needed */
	scratch_copy(&s, "dst-ok");
	scratch_unlink(&s, "devices/vfio_ap/matrix/" DST "/matrix");
	expect_load_error(&s, -ENOENT, "devices/vfio_ap/matrix/" DST "/matrix",
			  "missing");
	scratch_free(&s);
	scratch_copy(&s, "dst-ok");
	scratch_unlink(&s, "devices/vfio_ap/matrix/" DST "/control_domains");
	expect_load_error(&s, -ENOENT,
			  "devices/vfio_ap/matrix/" DST "/control_domains",
			  "missing");
	scratch_free(&s);
}

/* Tests that optional attributes may be missing, with sensible defaults. */
static void test_missing_optional(void **state)
{
	const struct apmig_queue *q;
	struct apmig_host *h;
	struct scratch s;

	scratch_copy(&s, "src-a");
	scratch_unlink(&s, "bus/ap/apmask");
	scratch_unlink(&s, "bus/ap/ap_max_domain_id");
	scratch_unlink(&s, "devices/ap/card03/depth");
	scratch_unlink(&s, "devices/ap/card03/type");
	scratch_unlink(&s, "devices/ap/card03/chkstop");
	scratch_unlink(&s, "devices/ap/card03/online");
	scratch_unlink(&s, "devices/ap/card03/config");
	scratch_unlink(&s, "devices/ap/card03/driver");
	scratch_unlink(&s, "devices/ap/card03/03.0004/ap_functions");
	scratch_unlink(&s, "devices/ap/card03/03.0004/status");
	scratch_unlink(&s, "devices/ap/card03/03.0004/config");
	scratch_unlink(&s, "devices/ap/card05/05.0004/driver");
	scratch_unlink(&s, "devices/vfio_ap/matrix/features");
	scratch_unlink(&s, "devices/vfio_ap/matrix/" SRC_GUEST "/guest_matrix");
	h = load_ok(s.root);
	assert_int_equal(mask_weight(h->apmask), 0);
	assert_int_equal(h->max_domain_id, -1);
	assert_int_equal(h->max_adapter_id, 255);
	assert_int_equal(h->cards[3].depth, -1);
	assert_string_equal(h->cards[3].type, "");
	assert_true(h->cards[3].config && h->cards[3].online);
	assert_int_equal(h->cards[3].driver, APMIG_DRV_NONE);
	q = apmig_host_queue(h, 0x0304);
	assert_int_equal(q->functions, FAC_CCA);	/* the card's */
	assert_int_equal(q->status, APMIG_QST_NONE);
	assert_true(q->config);
	assert_int_equal(apmig_host_queue(h, 0x0504)->driver, APMIG_DRV_NONE);
	/*
	 * no guest_matrix: vfio_ap's filter of the assigned matrix, and
	 * 05.0004 without a driver link is not bound to vfio_ap: adapter 05
	 * is left out whole
	 */
	assert_int_equal(mask_weight(h->mdevs[0].guest_apm), 1);
	assert_true(test_bit_inv(3, h->mdevs[0].guest_apm));
	assert_true(bitmap_equal(h->mdevs[0].guest_aqm, h->mdevs[0].aqm,
				 VFIO_AP_MIG_IDS));
	/* 03.0004 no longer says "in use", but 03.002a still does */
	assert_true(h->mdevs[0].has_guest);
	apmig_host_free(h);
	scratch_free(&s);
}

/* Tests that a queue's own ap_functions (with its bind state) is used. */
static void test_queue_functions_bs(void **state)
{
	struct vfio_ap_mig_config cfg;
	struct apmig_error err;
	struct apmig_host *h;
	struct scratch s;

	scratch_copy(&s, "src-a");
	/* bs = 2 (available for binding): bits 16-17 of the facility word */
	scratch_write(&s, "devices/ap/card05/05.0004/ap_functions",
		      "0xF2808000\n");
	h = load_ok(s.root);
	assert_int_equal(apmig_host_guest_config(h, &h->mdevs[0], &cfg, &err), 0);
	assert_int_equal(vfio_ap_mig_gr2_bs(cfg.queues[2].gr2), 2);
	assert_int_equal(vfio_ap_mig_gr2_bs(cfg.queues[0].gr2), 0);
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);
	scratch_free(&s);
}

/* Tests bad scalar values: status, bool, type, hwtype out of range. */
static void test_malformed_scalars(void **state)
{
	static const struct {
		const char *file, *value, *show;
	} bad[] = {
		{ "devices/ap/card03/03.0004/status", "bogus\n", "\"bogus\"" },
		{ "devices/ap/card03/03.0004/config", "2\n", "\"2\"" },
		{ "devices/ap/card05/online", "yes\n", "\"yes\"" },
		{ "devices/ap/card05/raw_hwtype", "256\n", "\"256\"" },
		{ "devices/ap/card05/depth", "-3\n", "\"-3\"" },
		{ "devices/ap/card05/type", "CEX8C-WITH-A-VERY-LONG-NAME\n",
		  "CEX8C-WITH" },
		{ "bus/ap/ap_max_adapter_id", "300\n", "\"300\"" },
		{ "devices/vfio_ap/matrix/" SRC_GUEST "/ap_config",
		  "0x00,0x00\n", "\"0x00,0x00\"" },
	};
	struct scratch s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		scratch_copy(&s, "src-a");
		scratch_write(&s, bad[i].file, bad[i].value);
		expect_load_error(&s, -EINVAL, bad[i].file, bad[i].show);
		scratch_free(&s);
	}
}

/* Tests malformed matrix and control_domains files (no ap_config). */
static void test_malformed_matrix(void **state)
{
	static const struct {
		const char *file, *value, *show;
	} bad[] = {
		{ "matrix", "03.0004\n03.00zz\n", "line 2 \"03.00zz\"" },
		{ "matrix", "03.\n.0004\n", "line 2 \".0004\"" },
		{ "matrix", "03.0004\n05.002a\n", "adapter x domain" },
		{ "matrix", "03.0100\n", "line 1" },
		{ "matrix", "3.4\n", "line 1 \"3.4\"" },
		{ "control_domains", "0004\n0100\n", "line 2 \"0100\"" },
		{ "control_domains", "4\n", "line 1 \"4\"" },
		{ "guest_matrix", "xx.0004\n", "line 1" },
		/* control characters are quoted: the error stays one line */
		{ "guest_matrix", "03.0004\033[2J\r\n", "line 1 \"03.0004\\x1b[2J\\x0d\"" },
		{ "control_domains", "0004\r\n", "line 1 \"0004\\x0d\"" },
	};
	char file[256];
	struct scratch s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		scratch_copy(&s, "dst-ok");
		snprintf(file, sizeof(file), "devices/vfio_ap/matrix/%s/%s",
			 DST, bad[i].file);
		scratch_write(&s, file, bad[i].value);
		expect_load_error(&s, -EINVAL, file, bad[i].show);
		scratch_free(&s);
	}
}

/* Tests the three forms of matrix lines the kernel prints. */
static void test_matrix_forms(void **state)
{
	struct apmig_host *h;
	struct apmig_mdev *d;
	struct scratch s;

	scratch_copy(&s, "dst-ok");
	scratch_write(&s, "devices/vfio_ap/matrix/" DST "/matrix",
		      "03.\n05.\nff.\n");
	scratch_write(&s, "devices/vfio_ap/matrix/" DST_SPARE "/matrix",
		      "01.0000\n01.00ff\n02.0000\n02.00ff\n");
	scratch_write(&s, "devices/vfio_ap/matrix/" DST "/control_domains",
		      "");
	h = load_ok(s.root);
	d = apmig_host_mdev(h, DST);
	assert_int_equal(mask_weight(d->apm), 3);
	assert_true(test_bit_inv(255, d->apm));
	assert_int_equal(mask_weight(d->aqm), 0);
	assert_int_equal(mask_weight(d->adm), 0);
	d = apmig_host_mdev(h, DST_SPARE);
	assert_int_equal(mask_weight(d->apm), 2);
	assert_int_equal(mask_weight(d->aqm), 2);
	assert_true(test_bit_inv(0xff, d->aqm));
	apmig_host_free(h);
	scratch_free(&s);
}

/* Tests that a queue directory under the wrong card is refused. */
static void test_queue_dir_wrong_card(void **state)
{
	char cmd[1024];
	struct scratch s;

	scratch_copy(&s, "src-a");
	snprintf(cmd, sizeof(cmd), "cp -a '%s/devices/ap/card05/05.0004' '%s/devices/ap/card03/04.0004'",
		 s.root, s.root);
	assert_int_equal(system(cmd), 0);
	expect_load_error(&s, -EINVAL, "devices/ap/card03/04.0004",
			  "does not belong to card 03");
	scratch_free(&s);
}

/* Tests that a tree without an AP bus is refused with a clear message. */
static void test_no_ap_bus(void **state)
{
	struct apmig_host *h = (void *)1;
	struct apmig_error err;
	char cmd[1024];
	struct scratch s;

	scratch_copy(&s, "src-a");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/bus'", s.root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(apmig_host_load(&h, s.root, &err), -ENOENT);
	assert_null(h);
	assert_non_null(strstr(err.msg, "bus/ap"));
	assert_non_null(strstr(err.msg, "no AP bus"));
	scratch_free(&s);

	assert_int_equal(apmig_host_load(&h, "/nonexistent/apmig", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/apmig/bus/ap"));
}

/* Tests that a host without vfio_ap or cards still loads. */
static void test_no_vfio_ap_no_cards(void **state)
{
	struct apmig_host *h;
	char cmd[1024];
	struct scratch s;

	scratch_copy(&s, "src-a");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/devices/vfio_ap' '%s/devices/ap'",
		 s.root, s.root);
	assert_int_equal(system(cmd), 0);
	h = load_ok(s.root);
	assert_false(h->vfio_ap);
	assert_int_equal(h->nr_mdevs, 0);
	assert_false(h->cards[3].present);
	apmig_host_free(h);
	scratch_free(&s);
}

/* Tests that 'migratable' in the matrix features is seen. */
static void test_features_migratable(void **state)
{
	struct apmig_host *h;
	struct scratch s;

	scratch_copy(&s, "src-a");
	scratch_write(&s, "devices/vfio_ap/matrix/features",
		      "guest_matrix hotplug ap_config migratable\n");
	h = load_ok(s.root);
	assert_true(h->migratable);
	apmig_host_free(h);
	scratch_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sysfs_root_precedence, scratch_cleanup),
		cmocka_unit_test_teardown(test_sysfs_path_join, scratch_cleanup),
		cmocka_unit_test_teardown(test_sysfs_parse_mask, scratch_cleanup),
		cmocka_unit_test_teardown(test_sysfs_parse_scalars, scratch_cleanup),
		cmocka_unit_test_teardown(test_sysfs_quote, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_load_src_a, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_load_dst_ok, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_load_dst_bad, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_load_env_root, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_guest_config_running, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_guest_config_guest_matrix, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_guest_config_idle, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_guest_config_missing_queue, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_guest_config_cdoms, scratch_cleanup),
		cmocka_unit_test_teardown(test_filter_rules, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_filter_without_guest_matrix, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_queue_gr2, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_card_max_msg_size, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_queue_stopped_deconfigured, scratch_cleanup),
		cmocka_unit_test_teardown(test_check_src_a_dst_ok, scratch_cleanup),
		cmocka_unit_test_teardown(test_check_src_a_dst_ok_other_dest, scratch_cleanup),
		cmocka_unit_test_teardown(test_check_src_a_dst_ok_deconfigured, scratch_cleanup),
		cmocka_unit_test_teardown(test_check_src_a_dst_bad, scratch_cleanup),
		cmocka_unit_test_teardown(test_check_src_a_self, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_target_lookup, scratch_cleanup),
		cmocka_unit_test_teardown(test_host_target_unbound_owner, scratch_cleanup),
		cmocka_unit_test_teardown(test_malformed_mask, scratch_cleanup),
		cmocka_unit_test_teardown(test_mask_not_supported, scratch_cleanup),
		cmocka_unit_test_teardown(test_malformed_ap_functions, scratch_cleanup),
		cmocka_unit_test_teardown(test_dangling_driver_link, scratch_cleanup),
		cmocka_unit_test_teardown(test_missing_mandatory, scratch_cleanup),
		cmocka_unit_test_teardown(test_missing_optional, scratch_cleanup),
		cmocka_unit_test_teardown(test_queue_functions_bs, scratch_cleanup),
		cmocka_unit_test_teardown(test_malformed_scalars, scratch_cleanup),
		cmocka_unit_test_teardown(test_malformed_matrix, scratch_cleanup),
		cmocka_unit_test_teardown(test_matrix_forms, scratch_cleanup),
		cmocka_unit_test_teardown(test_queue_dir_wrong_card, scratch_cleanup),
		cmocka_unit_test_teardown(test_no_ap_bus, scratch_cleanup),
		cmocka_unit_test_teardown(test_no_vfio_ap_no_cards, scratch_cleanup),
		cmocka_unit_test_teardown(test_features_migratable, scratch_cleanup),
	};

	return cmocka_run_group_tests_name("sysfs", tests, NULL, NULL);
}
