// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of host captures (lib/apmig_capture.c, lib/apmig_tar.c): read
 * errors recorded and given back by the reader, refused and write-only
 * attributes skipped, tar archives with long names, hostile archives.
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

#include "apmig_capture.h"
#include "apmig_host.h"
#include "apmig_sysfs.h"
#include "apmig_tar.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name tests/fixtures/hosts"
#endif

#define SRC_GUEST	"8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b"
#define SRC_IDLE	"c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"
#define EIO_ATTR	"devices/ap/card06/06.0004/ap_functions"
#define BIND_ATTR	"bus/ap/drivers/vfio_ap/bind"
#define RESET_ATTR	"devices/ap/card03/03.0004/reset"

/* A fresh temporary directory per test, removed by the teardown. */
static char scratch[256];

static int scratch_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch, sizeof(scratch), "%s/apmig-test-capture-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(scratch) ? 0 : -1;
}

static int scratch_teardown(void **state)
{
	return apmig_tar_rmtree(scratch);
}

/*
 * @name in the scratch directory (room for a 400-byte name); the result
 * lives until 16 more calls.
 */
static const char *in_scratch(const char *name)
{
	static char buf[16][1024];
	static int i;

	i = (i + 1) % 16;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", scratch, name);
	return buf[i];
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* A read that fails as a real host's can; everything else reads normally. */
static ssize_t faulty_read(const char *path, char *buf, size_t len)
{
	FILE *f;
	size_t n;

	if (ends_with(path, EIO_ATTR))
		return -EIO;
	if (ends_with(path, BIND_ATTR))
		return -EINVAL;
	if (ends_with(path, RESET_ATTR))
		return -EPERM;
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	n = fread(buf, 1, len, f);
	fclose(f);
	return n;
}

static const struct apmig_capture_item *
find_item(const struct apmig_capture_manifest *m, const char *path)
{
	size_t i;

	for (i = 0; i < m->nr_items; i++)
		if (!strcmp(m->items[i].path, path))
			return &m->items[i];
	return NULL;
}

/* Tests that a failing read is recorded, and the reader gives it back. */
static void test_apmig_capture_read_error_recorded(void **state)
{
	struct apmig_capture_opts o = {
		.root = FIXTURES_DIR "/src-a", .out = in_scratch("c"),
		.time = 1767225600, .read = faulty_read,
	};
	const struct apmig_capture_item *it;
	struct apmig_capture_manifest m;
	struct vfio_ap_mig_config cfg;
	struct apmig_error err = { "" };
	struct apmig_host *h = NULL;
	const struct apmig_queue *q;
	struct stat st;

	assert_int_equal(apmig_capture(&o, &m, &err), 0);
	it = find_item(&m, EIO_ATTR);
	assert_non_null(it);
	assert_int_equal(it->err, -EIO);
	assert_false(it->skipped);
	/* left out of the capture, not an empty file */
	assert_int_not_equal(lstat(in_scratch("c/" EIO_ATTR), &st), 0);
	apmig_capture_manifest_free(&m);

	assert_int_equal(apmig_host_load(&h, o.out, &err), 0);
	assert_non_null(h->capture);
	assert_int_equal(h->capture->time, 1767225600);
	q = apmig_host_queue(h, 0x0604);
	assert_non_null(q);
	/* the same scoped error as on the host: only the guest needing it fails */
	assert_int_equal(q->read_err, -EIO);
	assert_int_equal(apmig_host_guest_config(h, apmig_host_mdev(h, SRC_GUEST),
						 &cfg, &err), 0);
	vfio_ap_mig_config_free(&cfg);
	assert_int_equal(apmig_host_guest_config(h, apmig_host_mdev(h, SRC_IDLE),
						 &cfg, &err), -EIO);
	apmig_host_free(h);
}

/* Tests that refused reads (EINVAL, EPERM) are skipped, not fatal. */
static void test_apmig_capture_refused_skipped(void **state)
{
	struct apmig_capture_opts o = {
		.root = FIXTURES_DIR "/src-a", .out = in_scratch("c.tar"),
		.tar = true, .read = faulty_read,
	};
	const struct apmig_capture_item *it;
	struct apmig_capture_manifest m;
	struct apmig_error err = { "" };
	struct apmig_host *h = NULL;

	assert_int_equal(apmig_capture(&o, &m, &err), 0);
	it = find_item(&m, BIND_ATTR);
	assert_non_null(it);
	assert_true(it->skipped);
	assert_int_equal(it->err, -EINVAL);
	it = find_item(&m, RESET_ATTR);
	assert_non_null(it);
	assert_true(it->skipped);
	assert_int_equal(it->err, -EPERM);
	assert_int_equal(m.nr_items, 3);
	apmig_capture_manifest_free(&m);
	/* the archive loads as a host, with its manifest */
	assert_int_equal(apmig_host_load(&h, o.out, &err), 0);
	assert_non_null(h->capture);
	assert_int_equal(h->capture->nr_items, 3);
	assert_int_equal(apmig_capture_recorded_error(h->capture, RESET_ATTR),
			 -EPERM);
	assert_int_equal(apmig_capture_recorded_error(h->capture, "bus/ap/apmask"),
			 0);
	apmig_host_free(h);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void make_dirs(const char *const *dirs)
{
	for (; *dirs; dirs++)
		assert_int_equal(mkdir(in_scratch(*dirs), 0755), 0);
}

/*
 * Tests that a write-only attribute is skipped, a value is copied without
 * padding, long names and link targets survive a tar archive, and nothing
 * outside the reader's trees is taken.
 */
static void test_apmig_capture_tar_roundtrip(void **state)
{
	static const char *const dirs[] = {
		"s", "s/bus", "s/bus/ap", "s/devices", "s/devices/ap",
		"s/class", "x", NULL,
	};
	char longdir[300], longfile[400], target[300], got[300];
	char root[512], out[512];
	struct apmig_capture_opts o = { .root = root, .out = out, .tar = true };
	const struct apmig_capture_item *it;
	struct apmig_capture_manifest m;
	struct apmig_error err = { "" };
	struct stat st;
	ssize_t n;

	snprintf(root, sizeof(root), "%s", in_scratch("s"));
	snprintf(out, sizeof(out), "%s", in_scratch("c.tar"));
	make_dirs(dirs);
	write_file(in_scratch("s/bus/ap/apmask"), "0xff\n");
	write_file(in_scratch("s/bus/ap/bind"), "");
	assert_int_equal(chmod(in_scratch("s/bus/ap/bind"), 0200), 0);
	write_file(in_scratch("s/class/other"), "not read\n");
	snprintf(longdir, sizeof(longdir), "s/devices/ap/%0120d", 7);
	assert_int_equal(mkdir(in_scratch(longdir), 0755), 0);
	snprintf(longfile, sizeof(longfile), "%s/attribute", longdir);
	write_file(in_scratch(longfile), "long\n");
	snprintf(target, sizeof(target), "../../../%0150d", 8);
	assert_int_equal(symlink(target, in_scratch("s/devices/ap/driver")), 0);

	assert_int_equal(apmig_capture(&o, &m, &err), 0);
	it = find_item(&m, "bus/ap/bind");
	assert_non_null(it);
	assert_true(it->skipped);
	assert_int_equal(it->err, -EACCES);
	assert_int_equal(m.files, 2);
	assert_int_equal(m.links, 1);
	apmig_capture_manifest_free(&m);

	assert_int_equal(apmig_tar_extract(o.out, in_scratch("x"), &err), 0);
	assert_int_equal(stat(in_scratch("x/bus/ap/apmask"), &st), 0);
	assert_int_equal(st.st_size, 5);	/* as read: no padding */
	assert_int_not_equal(lstat(in_scratch("x/bus/ap/bind"), &st), 0);
	assert_int_not_equal(lstat(in_scratch("x/class"), &st), 0);
	snprintf(longfile, sizeof(longfile), "x/%s/attribute", longdir + 2);
	assert_int_equal(stat(in_scratch(longfile), &st), 0);
	assert_int_equal(st.st_size, 5);
	n = readlink(in_scratch("x/devices/ap/driver"), got, sizeof(got) - 1);
	assert_int_equal(n, strlen(target));
	got[n] = '\0';
	assert_string_equal(got, target);
	assert_int_equal(stat(in_scratch("x/" APMIG_CAPTURE_MANIFEST), &st), 0);
}

/* Write a one-member archive @name (a file, or a link to @link). */
static void write_tar(const char *path, const char *name, const char *link)
{
	FILE *f = fopen(path, "wb");
	struct apmig_tar *t;

	assert_non_null(f);
	t = apmig_tar_open(f, 0);
	assert_non_null(t);
	if (link) {
		assert_int_equal(apmig_tar_symlink(t, name, link), 0);
		/* a member written through the link must not escape */
		assert_int_equal(apmig_tar_file(t, "evil/escaped", "x", 1), 0);
	} else {
		assert_int_equal(apmig_tar_file(t, name, "x", 1), 0);
	}
	assert_int_equal(apmig_tar_finish(t), 0);
	assert_int_equal(fclose(f), 0);
}

/* Tests that hostile archives are refused and write nothing outside. */
static void test_apmig_tar_extract_hostile(void **state)
{
	static const char *const dirs[] = { "x1", "x2", "x3", "out", NULL };
	struct apmig_error err = { "" };
	struct stat st;

	make_dirs(dirs);
	write_tar(in_scratch("dotdot.tar"), "../escaped", NULL);
	assert_int_equal(apmig_tar_extract(in_scratch("dotdot.tar"),
					   in_scratch("x1"), &err), -EINVAL);
	assert_non_null(strstr(err.msg, "\"../escaped\""));
	assert_int_not_equal(lstat(in_scratch("escaped"), &st), 0);

	write_tar(in_scratch("abs.tar"), "/tmp/escaped", NULL);
	assert_int_equal(apmig_tar_extract(in_scratch("abs.tar"),
					   in_scratch("x2"), &err), -EINVAL);

	/* links come last: the file goes into a real directory "evil" */
	write_tar(in_scratch("link.tar"), "evil", in_scratch("out"));
	assert_int_not_equal(apmig_tar_extract(in_scratch("link.tar"),
					       in_scratch("x3"), &err), 0);
	assert_int_not_equal(lstat(in_scratch("out/escaped"), &st), 0);

	/* not an archive at all */
	write_file(in_scratch("plain.tar"), "hello\n");
	assert_false(apmig_tar_is_archive(in_scratch("plain.tar")));
}

/* Tests that a malformed manifest is an error naming the file. */
static void test_apmig_host_load_bad_manifest(void **state)
{
	static const char *const bad[] = {
		"{",
		"[]",
		"{\"format\": \"apmig-capture\", \"version\": 2}",
		"{\"format\": \"apmig-capture\", \"version\": 1, \"host\": \"h\", "
		"\"kernel\": \"k\", \"time\": 1, \"apmig_version\": \"v\", "
		"\"source\": \"/sys\", \"directories\": 1, \"files\": 1, "
		"\"links\": 1, \"skipped\": [], \"unreadable\": "
		"[{\"path\": \"../etc/x\", \"errno\": 5}]}",
	};
	struct apmig_capture_opts o = {
		.root = FIXTURES_DIR "/src-a", .out = in_scratch("c"),
	};
	struct apmig_capture_manifest m;
	struct apmig_error err = { "" };
	struct apmig_host *h = NULL;
	size_t i;

	assert_int_equal(apmig_capture(&o, &m, &err), 0);
	apmig_capture_manifest_free(&m);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(in_scratch("c/" APMIG_CAPTURE_MANIFEST), bad[i]);
		assert_int_equal(apmig_host_load(&h, o.out, &err), -EINVAL);
		assert_null(h);
		assert_non_null(strstr(err.msg, APMIG_CAPTURE_MANIFEST));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apmig_capture_read_error_recorded,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_apmig_capture_refused_skipped,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_apmig_capture_tar_roundtrip,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_apmig_tar_extract_hostile,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_apmig_host_load_bad_manifest,
						scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
