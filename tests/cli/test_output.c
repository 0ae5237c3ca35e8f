// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests of the apmig tool's library helpers: lszcrypt-style names and
 * tables (lib/apmig_output.c) and mdevctl definitions (lib/apmig_mdevctl.c),
 * the latter laid onto the fixture hosts of tests/fixtures/hosts-cli.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/bitmap.h>
#include <linux/bitops.h>

#include "vfio_ap_mig_stream.h"

#include "apmig_host.h"
#include "apmig_mdevctl.h"
#include "apmig_output.h"

#define DEST	"bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"
#define NEW	"12345678-1234-4234-8234-123456789abc"

/* Tests that each lszcrypt letter sits on its facility bit, '-' when clear. */
static void test_functions_str_letters(void **state)
{
	char buf[APMIG_FUNCTIONS_LEN];
	unsigned int i;

	assert_string_equal(apmig_functions_str(0, buf), "----------");
	assert_string_equal(apmig_functions_str(0xffffffff, buf), "SMCDAXNHFR");
	for (i = 0; i < 10; i++) {
		char want[APMIG_FUNCTIONS_LEN] = "----------";

		want[i] = "SMCDAXNHFR"[i];
		assert_string_equal(apmig_functions_str(0x80000000U >> i, buf), want);
	}
	/* bits 10-31 (bind state among them) have no letter */
	assert_string_equal(apmig_functions_str(0x003fffff, buf), "----------");
}

/* Tests the mode names: exactly one mode bit names the mode. */
static void test_mode_name(void **state)
{
	assert_string_equal(apmig_mode_name(VFIO_AP_MIG_GR2_CCA), "CCA");
	assert_string_equal(apmig_mode_name(VFIO_AP_MIG_GR2_ACCEL), "Accelerator");
	assert_string_equal(apmig_mode_name(VFIO_AP_MIG_GR2_EP11 | VFIO_AP_MIG_GR2_APSC),
			    "EP11");
	assert_string_equal(apmig_mode_name(0), "Unknown");
	assert_string_equal(apmig_mode_name(VFIO_AP_MIG_GR2_CCA | VFIO_AP_MIG_GR2_EP11),
			    "Unknown");
	assert_int_equal(apmig_mode_letter(VFIO_AP_MIG_GR2_CCA), 'C');
	assert_int_equal(apmig_mode_letter(VFIO_AP_MIG_GR2_ACCEL), 'A');
	assert_int_equal(apmig_mode_letter(VFIO_AP_MIG_GR2_EP11), 'P');
	assert_int_equal(apmig_mode_letter(0), 0);
}

/* Tests the generation names of AP types and the other small names. */
static void test_names(void **state)
{
	char buf[16], apqn[8];

	assert_string_equal(apmig_type_name(10, buf, sizeof(buf)), "CEX4");
	assert_string_equal(apmig_type_name(14, buf, sizeof(buf)), "CEX8");
	assert_string_equal(apmig_type_name(9, buf, sizeof(buf)), "type 9");
	assert_string_equal(apmig_type_name(15, buf, sizeof(buf)), "type 15");
	assert_string_equal(apmig_bs_name(0), "usable");
	assert_string_equal(apmig_bs_name(3), "illicit");
	assert_string_equal(apmig_bs_name(4), "?");
	assert_string_equal(apmig_apqn_str(0x0304, apqn), "03.0004");
	assert_string_equal(apmig_apqn_str(0xffff, apqn), "ff.00ff");
}

struct row {
	const char *name;
	int n;
};

static struct json_object *col_name(const void *r)
{
	const struct row *row = r;

	return row->name ? json_object_new_string(row->name) : NULL;
}

static struct json_object *col_n(const void *r)
{
	return json_object_new_int(((const struct row *)r)->n);
}

static const char *col_n_hex(const void *r, char *buf, size_t len)
{
	snprintf(buf, len, "0x%02x", ((const struct row *)r)->n);
	return buf;
}

static const struct apmig_column cols[] = {
	{ "NAME", "name", 6, APMIG_LEFT, col_name },
	{ "N", "n", 4, APMIG_RIGHT, col_n },
	{ "HEX", "n_hex", 4, APMIG_LEFT, col_n, col_n_hex },
};

/* Tests that one column definition gives the table and the JSON object. */
static void test_table_text_and_json(void **state)
{
	struct row a = { "ab", 7 }, b = { NULL, 300 };
	struct json_object *obj;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	apmig_table_header(f, 2, cols, 3);
	apmig_table_row(f, 2, cols, 3, &a);
	apmig_table_row(f, 2, cols, 3, &b);
	fclose(f);
	assert_string_equal(text,
			    "  NAME      N HEX\n"
			    "  ab        7 0x07\n"
			    "  -       300 0x12c\n");
	free(text);

	obj = apmig_table_json(cols, 3, &b);
	assert_string_equal(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN),
			    "{\"name\":null,\"n\":300,\"n_hex\":300}");
	json_object_put(obj);
}

/* Tests the id lists of the human output and of JSON. */
static void test_ids(void **state)
{
	DECLARE_BITMAP(m, VFIO_AP_MIG_IDS);
	struct json_object *arr;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	bitmap_zero(m, VFIO_AP_MIG_IDS);
	f = open_memstream(&text, &len);
	apmig_print_ids(f, m, 2);
	fputc('|', f);
	set_bit_inv(0, m);
	set_bit_inv(0x2a, m);
	set_bit_inv(255, m);
	apmig_print_ids(f, m, 4);
	fclose(f);
	assert_string_equal(text, "none|0000,002a,00ff");
	free(text);
	arr = apmig_json_ids(m);
	assert_string_equal(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN),
			    "[0,42,255]");
	json_object_put(arr);
}

static int parse(const char *text, struct apmig_mdevctl_def *def,
		 struct apmig_error *err)
{
	return apmig_mdevctl_parse(text, strlen(text), "/etc/mdevctl.d/matrix/" DEST,
				   def, err);
}

/* Tests that attribute values are read as the driver's kstrtoul(base 0). */
static void test_mdevctl_parse_numbers(void **state)
{
	static const struct {
		const char *value;
		int id;		/* -1: refused */
	} cases[] = {
		{ "5", 5 }, { "0x0a", 10 }, { "0X1F", 31 }, { "017", 15 },
		{ "0", 0 }, { "+7", 7 }, { "9\n", 9 }, { "255", 255 },
		{ "0xff", 255 }, { "256", -1 }, { "0x100", -1 }, { "08", -1 },
		{ "0x", -1 }, { "", -1 }, { " 5", -1 }, { "5 ", -1 },
		{ "-1", -1 }, { "5\n\n", -1 }, { "99999999999999999999999", -1 },
	};
	struct apmig_mdevctl_def def;
	struct apmig_error err;
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *v = json_object_new_string(cases[i].value);

		snprintf(text, sizeof(text),
			 "{\"mdev_type\":\"vfio_ap-passthrough\",\"attrs\":[{\"assign_adapter\":%s}]}",
			 json_object_to_json_string(v));
		json_object_put(v);
		if (cases[i].id < 0) {
			assert_int_equal(parse(text, &def, &err), -EINVAL);
			assert_non_null(strstr(err.msg, "attrs[0]: assign_adapter"));
			continue;
		}
		assert_int_equal(parse(text, &def, &err), 0);
		assert_int_equal(bitmap_weight(def.apm, VFIO_AP_MIG_IDS), 1);
		assert_true(test_bit_inv(cases[i].id, def.apm));
		assert_int_equal(def.max_adapter, cases[i].id);
	}
}

/* Tests that attributes apply in file order, unassign_ included. */
static void test_mdevctl_parse_order(void **state)
{
	struct apmig_mdevctl_def def;
	struct apmig_error err;

	assert_int_equal(parse("{\"mdev_type\":\"vfio_ap-passthrough\",\"start\":\"auto\",\"attrs\":["
			       "{\"assign_adapter\":\"1\"},{\"assign_adapter\":\"2\"},"
			       "{\"unassign_adapter\":\"1\"},{\"assign_domain\":\"0x2a\"},"
			       "{\"unassign_domain\":\"0x2a\"},{\"assign_domain\":\"4\"},"
			       "{\"assign_control_domain\":\"0x50\"}]}", &def, &err), 0);
	assert_string_equal(def.uuid, DEST);
	assert_string_equal(def.start, "auto");
	assert_int_equal(bitmap_weight(def.apm, VFIO_AP_MIG_IDS), 1);
	assert_true(test_bit_inv(2, def.apm));
	assert_int_equal(bitmap_weight(def.aqm, VFIO_AP_MIG_IDS), 1);
	assert_true(test_bit_inv(4, def.aqm));
	assert_true(test_bit_inv(0x50, def.adm));
	assert_int_equal(def.max_adapter, 2);
	assert_int_equal(def.max_domain, 0x50);
}

/* Tests that a definition without attrs is an mdev without queues. */
static void test_mdevctl_parse_minimal(void **state)
{
	struct apmig_mdevctl_def def;
	struct apmig_error err;
	const char *text = "{\"mdev_type\":\"vfio_ap-passthrough\"}  \n";

	assert_int_equal(apmig_mdevctl_parse(text, strlen(text), "not-a-uuid",
					     &def, &err), 0);
	assert_string_equal(def.uuid, "");
	assert_true(bitmap_empty(def.apm, VFIO_AP_MIG_IDS));
	assert_int_equal(def.max_adapter, -1);
	assert_int_equal(def.max_domain, -1);
}

/* Tests that the parser reads only the @len bytes it is given. */
static void test_mdevctl_parse_length(void **state)
{
	const char text[] = "{\"mdev_type\":\"vfio_ap-passthrough\"}GARBAGE";
	struct apmig_mdevctl_def def;
	struct apmig_error err;

	assert_int_equal(apmig_mdevctl_parse(text, 35, "x", &def, &err), 0);
	assert_int_equal(apmig_mdevctl_parse(text, sizeof(text) - 1, "x", &def, &err),
			 -EINVAL);
	assert_string_equal(err.msg, "x: not JSON: trailing data at byte 35");
	assert_int_equal(apmig_mdevctl_parse(text, 20, "x", &def, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "x: not JSON:"));
}

/* Tests that a file that cannot be read names itself and the reason. */
static void test_mdevctl_load_missing(void **state)
{
	struct apmig_mdevctl_def def;
	struct apmig_error err;

	assert_int_equal(apmig_mdevctl_load("/nonexistent/" DEST, &def, &err), -ENOENT);
	assert_string_equal(err.msg, "/nonexistent/" DEST ": No such file or directory");
}

static struct apmig_host *load(const char *name)
{
	struct apmig_host *host;
	struct apmig_error err;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, name);
	assert_int_equal(apmig_host_load(&host, path, &err), 0);
	return host;
}

/* Tests that a definition of a new mdev adds it and takes only free queues. */
static void test_mdevctl_apply_new(void **state)
{
	struct apmig_host *host = load("cli-dst-ok");
	struct apmig_mdevctl_def def;
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_target_queue tq;
	struct apmig_error err;
	struct apmig_mdev *m;
	size_t before = host->nr_mdevs;

	/* 01.0005 and 01.000b are DEST's; 0c.0005 is free */
	assert_int_equal(parse("{\"mdev_type\":\"vfio_ap-passthrough\",\"attrs\":["
			       "{\"assign_adapter\":\"1\"},{\"assign_adapter\":\"12\"},"
			       "{\"assign_domain\":\"5\"}]}", &def, &err), 0);
	assert_int_equal(apmig_mdevctl_apply(host, NEW, &def, &err), 0);
	assert_int_equal(host->nr_mdevs, before + 1);
	m = apmig_host_mdev(host, NEW);
	assert_non_null(m);
	assert_false(m->has_guest);
	assert_true(test_bit_inv(12, m->apm));

	apmig_host_target(host, NEW, &tgt);
	assert_true(test_bit_inv(12, tgt.apm) && test_bit_inv(5, tgt.aqm));
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0c05, &tq), 0);
	assert_true(tq.exists && tq.bound);
	assert_false(tq.in_use);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0105, &tq), 0);
	assert_true(tq.in_use);		/* still DEST's: no sharing */
	apmig_host_free(host);
}

/* Tests that a definition of an existing mdev replaces what it holds. */
static void test_mdevctl_apply_existing(void **state)
{
	struct apmig_host *host = load("cli-dst-ok");
	struct apmig_mdevctl_def def;
	struct vfio_ap_mig_target tgt;
	struct vfio_ap_mig_target_queue tq;
	struct apmig_error err;
	size_t before = host->nr_mdevs;

	assert_int_equal(parse("{\"mdev_type\":\"vfio_ap-passthrough\",\"attrs\":["
			       "{\"assign_adapter\":\"2\"},{\"assign_domain\":\"5\"}]}",
			       &def, &err), 0);
	assert_int_equal(apmig_mdevctl_apply(host, DEST, &def, &err), 0);
	assert_int_equal(host->nr_mdevs, before);

	/* Seen from another destination, 01.0005 is free now, 02.0005 is not. */
	apmig_host_target(host, NEW, &tgt);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0105, &tq), 0);
	assert_false(tq.in_use);
	assert_int_equal(tgt.lookup(tgt.ctx, 0x0205, &tq), 0);
	assert_true(tq.in_use);
	apmig_host_free(host);
}

/* Tests that ids beyond the host's maximum ids are refused as the driver does. */
static void test_mdevctl_apply_beyond_max(void **state)
{
	struct apmig_host *host = load("cli-dst-ok");
	struct apmig_mdevctl_def def;
	struct apmig_error err;

	/* the fixtures' ap_max_domain_id is 84 */
	assert_int_equal(parse("{\"mdev_type\":\"vfio_ap-passthrough\",\"attrs\":["
			       "{\"assign_control_domain\":\"85\"}]}", &def, &err), 0);
	assert_int_equal(apmig_mdevctl_apply(host, DEST, &def, &err), -ENODEV);
	assert_string_equal(err.msg, "mdevctl definition of " DEST
			    ": domain 85 is above the host's ap_max_domain_id 84");
	assert_int_equal(parse("{\"mdev_type\":\"vfio_ap-passthrough\",\"attrs\":["
			       "{\"assign_control_domain\":\"84\"}]}", &def, &err), 0);
	assert_int_equal(apmig_mdevctl_apply(host, DEST, &def, &err), 0);
	assert_int_equal(apmig_mdevctl_apply(host, "not-a-uuid", &def, &err), -EINVAL);
	apmig_host_free(host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions_str_letters),
		cmocka_unit_test(test_mode_name),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_table_text_and_json),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_mdevctl_parse_numbers),
		cmocka_unit_test(test_mdevctl_parse_order),
		cmocka_unit_test(test_mdevctl_parse_minimal),
		cmocka_unit_test(test_mdevctl_parse_length),
		cmocka_unit_test(test_mdevctl_load_missing),
		cmocka_unit_test(test_mdevctl_apply_new),
		cmocka_unit_test(test_mdevctl_apply_existing),
		cmocka_unit_test(test_mdevctl_apply_beyond_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
