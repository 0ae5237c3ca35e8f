// SPDX-License-Identifier: GPL-2.0
/*
 * Output helpers of the apmig tool: error lines, lszcrypt-style names and
 * tables defined once for the human and the JSON output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include <linux/bitops.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_codes.h"
#include "apmig_output.h"

#ifndef APMIG_VERSION
#define APMIG_VERSION "unknown"
#endif

static enum apmig_verbosity apmig_verbosity = APMIG_NORMAL;
static bool apmig_json_mode;
static bool apmig_json_printed;		/* a document went out */
static char apmig_err_what[32];		/* the first error, for --json */
static char apmig_err_msg[512];

const char *apmig_version(void)
{
	return APMIG_VERSION;
}

void apmig_set_verbosity(enum apmig_verbosity v)
{
	apmig_verbosity = v;
}

enum apmig_verbosity apmig_get_verbosity(void)
{
	return apmig_verbosity;
}

void apmig_json_errors(bool on)
{
	apmig_json_mode = on;
}

int apmig_vfail(const char *what, const char *fmt, va_list ap)
{
	va_list aq;

	if (!apmig_err_what[0]) {
		va_copy(aq, ap);
		snprintf(apmig_err_what, sizeof(apmig_err_what), "%s", what);
		vsnprintf(apmig_err_msg, sizeof(apmig_err_msg), fmt, aq);
		va_end(aq);
	}
	fprintf(stderr, "apmig: %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return APMIG_EXIT_ERROR;
}

int apmig_fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	apmig_vfail(what, fmt, ap);
	va_end(ap);
	return APMIG_EXIT_ERROR;
}

/* lszcrypt's letters, from facility bit 0 (the MSB of the word) on. */
static const char apmig_fac_letters[] = "SMCDAXNHFR";

char *apmig_functions_str(uint32_t functions, char buf[APMIG_FUNCTIONS_LEN])
{
	size_t i;

	for (i = 0; i < APMIG_FUNCTIONS_LEN - 1; i++)
		buf[i] = functions & (0x80000000U >> i) ?
			 apmig_fac_letters[i] : '-';
	buf[i] = '\0';
	return buf;
}

/* The mode bits of @gr2 when exactly one is set, else 0. */
static uint64_t apmig_mode_bit(uint64_t gr2)
{
	uint64_t mode = gr2 & (VFIO_AP_MIG_GR2_CCA | VFIO_AP_MIG_GR2_ACCEL |
			       VFIO_AP_MIG_GR2_EP11);

	return mode && !(mode & (mode - 1)) ? mode : 0;
}

const char *apmig_mode_name(uint64_t gr2)
{
	switch (apmig_mode_bit(gr2)) {
	case VFIO_AP_MIG_GR2_CCA:
		return "CCA";
	case VFIO_AP_MIG_GR2_ACCEL:
		return "Accelerator";
	case VFIO_AP_MIG_GR2_EP11:
		return "EP11";
	default:
		return "Unknown";
	}
}

char apmig_mode_letter(uint64_t gr2)
{
	switch (apmig_mode_bit(gr2)) {
	case VFIO_AP_MIG_GR2_CCA:
		return 'C';
	case VFIO_AP_MIG_GR2_ACCEL:
		return 'A';
	case VFIO_AP_MIG_GR2_EP11:
		return 'P';
	default:
		return 0;
	}
}

char *apmig_type_name(unsigned int ap_type, char *buf, size_t len)
{
	/* CEX4 is AP type 10; every later generation adds one. */
	if (ap_type >= 10 && ap_type <= 14)
		snprintf(buf, len, "CEX%u", ap_type - 6);
	else
		snprintf(buf, len, "type %u", ap_type);
	return buf;
}

const char *apmig_bs_name(unsigned int bs)
{
	static const char *const names[] = {
		"usable", "bound", "unbound", "illicit",
	};

	return bs < 4 ? names[bs] : "?";
}

char *apmig_apqn_str(uint16_t apqn, char buf[8])
{
	snprintf(buf, 8, "%02x.%04x", VFIO_AP_MIG_APID(apqn),
		 VFIO_AP_MIG_APQI(apqn));
	return buf;
}

/* The text of a cell: strings as they are, other values as JSON prints them. */
static const char *apmig_cell_text(struct json_object *v)
{
	if (!v)
		return "-";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? "yes" : "no";
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static void apmig_cell(FILE *f, const struct apmig_column *col,
		       const char *text, bool last)
{
	if (col->align == APMIG_RIGHT)
		fprintf(f, "%*s", col->width, text);
	else if (last)
		fputs(text, f);
	else
		fprintf(f, "%-*s", col->width, text);
}

void apmig_table_header(FILE *f, int indent, const struct apmig_column *cols,
			size_t nr_cols)
{
	size_t i;

	fprintf(f, "%*s", indent, "");
	for (i = 0; i < nr_cols; i++) {
		if (i)
			fputc(' ', f);
		apmig_cell(f, &cols[i], cols[i].header, i + 1 == nr_cols);
	}
	fputc('\n', f);
}

void apmig_table_row(FILE *f, int indent, const struct apmig_column *cols,
		     size_t nr_cols, const void *row)
{
	struct json_object *v;
	const char *text;
	char buf[64];
	size_t i;

	fprintf(f, "%*s", indent, "");
	for (i = 0; i < nr_cols; i++) {
		if (i)
			fputc(' ', f);
		if (cols[i].text) {
			text = cols[i].text(row, buf, sizeof(buf));
			apmig_cell(f, &cols[i], text ? text : "-",
				   i + 1 == nr_cols);
			continue;
		}
		v = cols[i].value(row);
		apmig_cell(f, &cols[i], apmig_cell_text(v), i + 1 == nr_cols);
		json_object_put(v);
	}
	fputc('\n', f);
}

struct json_object *apmig_table_json(const struct apmig_column *cols,
				     size_t nr_cols, const void *row)
{
	struct json_object *obj = json_object_new_object();
	size_t i;

	for (i = 0; i < nr_cols; i++)
		json_object_object_add(obj, cols[i].key, cols[i].value(row));
	return obj;
}

int apmig_json_print(FILE *f, struct json_object *obj)
{
	struct json_object *doc = json_object_new_object();
	const char *s;
	int ret = 0;

	json_object_object_add(doc, "api_level", json_object_new_int(APMIG_API_LEVEL));
	json_object_object_add(doc, "apmig_version",
			       json_object_new_string(APMIG_VERSION));
	json_object_object_foreach(obj, key, val)
		json_object_object_add(doc, key, json_object_get(val));
	apmig_json_printed = true;
	s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || fprintf(f, "%s\n", s) < 0)
		ret = -EIO;
	json_object_put(doc);
	return ret;
}

int apmig_json_error_print(FILE *f)
{
	struct json_object *obj, *err;
	int ret;

	if (!apmig_json_mode || apmig_json_printed || !apmig_err_what[0])
		return 0;
	obj = json_object_new_object();
	err = json_object_new_object();
	json_object_object_add(err, "what", json_object_new_string(apmig_err_what));
	json_object_object_add(err, "message", json_object_new_string(apmig_err_msg));
	json_object_object_add(obj, "error", err);
	ret = apmig_json_print(f, obj);
	json_object_put(obj);
	return ret;
}

void apmig_print_ids(FILE *f, const unsigned long *bitmap, int digits)
{
	const char *sep = "";
	unsigned long id;

	for_each_set_bit_inv(id, bitmap, VFIO_AP_MIG_IDS) {
		fprintf(f, "%s%0*lx", sep, digits, id);
		sep = ",";
	}
	if (!*sep)
		fputs("none", f);
}

void apmig_print_masks(FILE *f, const char *indent, const unsigned long *apm,
		       const unsigned long *aqm, const unsigned long *adm)
{
	fprintf(f, "%sadapters:        ", indent);
	apmig_print_ids(f, apm, 2);
	fprintf(f, "\n%susage domains:   ", indent);
	apmig_print_ids(f, aqm, 4);
	fprintf(f, "\n%scontrol domains: ", indent);
	apmig_print_ids(f, adm, 4);
	fputc('\n', f);
}

struct json_object *apmig_json_ids(const unsigned long *bitmap)
{
	struct json_object *arr = json_object_new_array();
	unsigned long id;

	for_each_set_bit_inv(id, bitmap, VFIO_AP_MIG_IDS)
		json_object_array_add(arr, json_object_new_int((int)id));
	return arr;
}

struct json_object *apmig_json_problem(const struct vfio_ap_mig_problem *p)
{
	struct json_object *obj = json_object_new_object();
	bool dom = apmig_char_is_domain(p->what);
	const char *key = apmig_char_key(p->what);
	char line[VFIO_AP_MIG_PROBLEM_LEN], apqn[8];

	vfio_ap_mig_format_problem(p, line, sizeof(line));
	json_object_object_add(obj, "apqn", dom ? NULL :
			       json_object_new_string(apmig_apqn_str(p->id, apqn)));
	json_object_object_add(obj, "control_domain",
			       dom ? json_object_new_int(p->id) : NULL);
	json_object_object_add(obj, "code", json_object_new_int(p->what));
	json_object_object_add(obj, "characteristic",
			       key ? json_object_new_string(key) : NULL);
	json_object_object_add(obj, "source", json_object_new_uint64(p->source));
	json_object_object_add(obj, "target", json_object_new_uint64(p->target));
	json_object_object_add(obj, "message", json_object_new_string(line));
	return obj;
}
