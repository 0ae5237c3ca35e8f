/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output helpers of the apmig tool: the error line, names of AP types, modes
 * and facilities as lszcrypt shows them, and tables whose columns are
 * defined once for both the human and the --json output.
 */
#ifndef APMIG_OUTPUT_H
#define APMIG_OUTPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

struct vfio_ap_mig_problem;

/* Exit codes of every apmig command. */
#define APMIG_EXIT_OK		0	/* done, compatible */
#define APMIG_EXIT_REFUSED	1	/* refused, incompatible */
#define APMIG_EXIT_ERROR	2	/* usage or environment error */

/*
 * Print "apmig: <what>: <why>\n" to stderr (<why> from @fmt); the first
 * such error is also kept for apmig_json_error_print().
 * Returns APMIG_EXIT_ERROR so that callers can `return apmig_fail(...)`.
 */
int apmig_fail(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int apmig_vfail(const char *what, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * The level of the --json interface: every document apmig prints carries it
 * as "api_level", with the tool's version as "apmig_version". Members are
 * only ever added at one level; the level goes up when a member changes its
 * meaning or goes away.
 */
#define APMIG_API_LEVEL		1

/* The tool's version, e.g. "0.1.0". */
const char *apmig_version(void);

/* How much the commands print: -q, --quiet and -V, --verbose. */
enum apmig_verbosity {
	APMIG_QUIET = -1,	/* nothing on stdout: the exit status says it */
	APMIG_NORMAL = 0,
	APMIG_VERBOSE = 1,	/* more detail where a command has it */
};

void apmig_set_verbosity(enum apmig_verbosity v);
enum apmig_verbosity apmig_get_verbosity(void);

/*
 * --json was given: an error that ends the command (exit status 2) is then
 * also printed to stdout as a JSON document by apmig_json_error_print(),
 * unless the command had already printed its document.
 */
void apmig_json_errors(bool on);

/*
 * If --json was given, an error was reported with apmig_fail() and no JSON
 * document has been printed yet, print to @f the document
 * {"api_level", "apmig_version", "error": {"what", "message"}}: the <what>
 * and <why> of the first error. Returns 0 or -EIO.
 */
int apmig_json_error_print(FILE *f);

/* Length of lszcrypt's FUNCTIONS string "SMCDAXNHFR" plus the NUL. */
#define APMIG_FUNCTIONS_LEN	11

/*
 * lszcrypt's FUNCTIONS column for a facility word (ap_functions, the upper
 * 32 bits of TAPQ GR2): one letter per bit, '-' when the bit is clear:
 * S apsc, M mex4k, C crt4k, D CCA, A accelerator, X EP11, N apxa,
 * H command filtering (slcf), F full native class, R stateless class.
 * Returns @buf.
 */
char *apmig_functions_str(uint32_t functions, char buf[APMIG_FUNCTIONS_LEN]);

/* Mode of a GR2: "CCA", "Accelerator", "EP11"; "Unknown" for none or several. */
const char *apmig_mode_name(uint64_t gr2);
/* The letter the kernel appends to a card's type for a mode: C, A, P; 0 if none. */
char apmig_mode_letter(uint64_t gr2);

/*
 * Generation name of an AP type: "CEX4" (10) ... "CEX8" (14); for other
 * types "type <n>". Returns @buf.
 */
char *apmig_type_name(unsigned int ap_type, char *buf, size_t len);

/* SE bind state names as lszcrypt prints them: usable, bound, unbound, illicit. */
const char *apmig_bs_name(unsigned int bs);

/* "aa.dddd" of an APQN into @buf (at least 8 bytes). Returns @buf. */
char *apmig_apqn_str(uint16_t apqn, char buf[8]);

/* Alignment of a table column. */
enum apmig_align {
	APMIG_LEFT,
	APMIG_RIGHT,
};

/**
 * struct apmig_column - one column of a table, defined once
 * @header: heading of the human table
 * @key: member name in --json output
 * @width: minimum width of the human column
 * @align: alignment of the human column
 * @value: the cell of @row as a JSON value (NULL: no value, printed "-");
 *         the human table prints strings as they are and numbers in decimal
 * @text: optional: the human cell when it differs from @value (e.g. hex);
 *        writes into @buf and returns it, or returns NULL for "-"
 */
struct apmig_column {
	const char *header;
	const char *key;
	int width;
	enum apmig_align align;
	struct json_object *(*value)(const void *row);
	const char *(*text)(const void *row, char *buf, size_t len);
};

/* Print the heading line of @cols (indented by @indent spaces) to @f. */
void apmig_table_header(FILE *f, int indent, const struct apmig_column *cols,
			size_t nr_cols);
/* Print one row of @cols to @f. */
void apmig_table_row(FILE *f, int indent, const struct apmig_column *cols,
		     size_t nr_cols, const void *row);
/* The JSON object of one row: one member per column, "-" cells are null. */
struct json_object *apmig_table_json(const struct apmig_column *cols,
				     size_t nr_cols, const void *row);

/*
 * Print the document @obj to @f in apmig's stable JSON layout (two-space
 * indent, unescaped slashes, trailing newline), "api_level" and
 * "apmig_version" as its first members. Returns 0 or -EIO.
 */
int apmig_json_print(FILE *f, struct json_object *obj);

/* Print a list of ids to @f as "%02x" (adapters) or "%04x" (domains), comma separated. */
void apmig_print_ids(FILE *f, const unsigned long *bitmap, int digits);
/* Print the adapters, usage and control domains of @apm/@aqm/@adm, a line each, after @indent. */
void apmig_print_masks(FILE *f, const char *indent, const unsigned long *apm,
		       const unsigned long *aqm, const unsigned long *adm);
/* The ids of @bitmap (MSB-first numbering) as a JSON array of numbers. */
struct json_object *apmig_json_ids(const unsigned long *bitmap);

/*
 * One problem or guest-visible change the rules reported, as the stable
 * --json object of `apmig check` and `apmig migrate`: apqn or
 * control_domain, code, characteristic (apmig_char_key()), source, target,
 * message. The caller owns the object.
 */
struct json_object *apmig_json_problem(const struct vfio_ap_mig_problem *p);

#endif /* APMIG_OUTPUT_H */
