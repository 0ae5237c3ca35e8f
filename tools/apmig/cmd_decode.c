// SPDX-License-Identifier: GPL-2.0
/*
 * apmig decode: a readable dump of a vfio_ap migration stream, record by
 * record, in the spirit of QEMU's analyze-migration. The kernel's decoder
 * judges the stream; this file only shows what the decoder accepted: the
 * header fields and section layout of each record, and the configuration
 * (masks, queues and each queue's interruption registration) the decoder
 * built from it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <linux/bitmap.h>
#include <linux/unaligned.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_capture.h"
#include "apmig_export_meta.h"
#include "apmig_output.h"

#include "commands.h"
#include "input.h"
#include "options.h"

/* Header fields (docs/migration-stream.md), read for display only. */
#define DEC_H_MAJOR		4
#define DEC_H_MINOR		6
#define DEC_H_HDR_LEN		8
#define DEC_H_FLAGS		10
#define DEC_H_REC_LEN		12
#define DEC_H_SEQ		16
#define DEC_H_NR_SECTIONS	20

/* A record the decoder accepted, located in the input. */
struct dec_record {
	const uint8_t *p;		/* its first byte */
	uint64_t offset;		/* stream offset */
	uint32_t len;
	const struct vfio_ap_mig_config *cfg;	/* NULL for UNCHANGED */
};

/* The flags of a record as words: "FINAL", "UNCHANGED | FINAL", "none". */
static const char *dec_flags_str(uint16_t flags)
{
	switch (flags & VFIO_AP_MIG_REC_FLAGS_KNOWN) {
	case VFIO_AP_MIG_REC_FINAL:
		return "FINAL";
	case VFIO_AP_MIG_REC_UNCHANGED:
		return "UNCHANGED";
	case VFIO_AP_MIG_REC_FINAL | VFIO_AP_MIG_REC_UNCHANGED:
		return "UNCHANGED | FINAL";
	default:
		return "none";
	}
}

/* "MASKS", "QUEUES", "IRQ", or NULL for a section this reader does not know. */
static const char *dec_section_name(uint16_t type)
{
	switch (type) {
	case VFIO_AP_MIG_SEC_MASKS:
		return "MASKS";
	case VFIO_AP_MIG_SEC_QUEUES:
		return "QUEUES";
	case VFIO_AP_MIG_SEC_IRQ:
		return "IRQ";
	case APMIG_META_SEC_TYPE:
		return "TOOL_META";
	default:
		return NULL;
	}
}

/* A row of the queue table: queue @i of @cfg. */
struct dec_qrow {
	const struct vfio_ap_mig_config *cfg;
	u32 i;
};

static const struct vfio_ap_mig_queue *dec_q(const void *row)
{
	const struct dec_qrow *r = row;

	return &r->cfg->queues[r->i];
}

/* Where the queue's interruptions go, or NULL if they are off. */
static const struct vfio_ap_mig_irq_target *dec_irq(const void *row)
{
	const struct dec_qrow *r = row;
	u8 irq = r->cfg->queues[r->i].irq;

	return irq ? &r->cfg->irq_targets[irq - 1] : NULL;
}

/* Queue table: one GR2 decoded into its fields, then the interruptions. */
static struct json_object *qcol_apqn(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);
	char buf[8];

	return json_object_new_string(apmig_apqn_str(q->apqn, buf));
}

static struct json_object *qcol_gr2(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, (uint64_t)q->gr2);
	return json_object_new_string(buf);
}

static struct json_object *qcol_type(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);
	char buf[16];

	return json_object_new_string(apmig_type_name(vfio_ap_mig_gr2_type(q->gr2),
						      buf, sizeof(buf)));
}

static struct json_object *qcol_at(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);

	return json_object_new_int((int)vfio_ap_mig_gr2_type(q->gr2));
}

static struct json_object *qcol_mode(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);

	return json_object_new_string(apmig_mode_name(q->gr2));
}

static struct json_object *qcol_functions(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);
	char buf[APMIG_FUNCTIONS_LEN];

	return json_object_new_string(apmig_functions_str((uint32_t)(q->gr2 >> 32),
							  buf));
}

static struct json_object *qcol_class(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);

	return json_object_new_int((int)vfio_ap_mig_gr2_class(q->gr2));
}

static const char *qcol_class_text(const void *row, char *buf, size_t len)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);

	snprintf(buf, len, "0x%02x", vfio_ap_mig_gr2_class(q->gr2));
	return buf;
}

static struct json_object *qcol_bs(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);

	return json_object_new_int((int)vfio_ap_mig_gr2_bs(q->gr2));
}

static struct json_object *qcol_ml(const void *row)
{
	const struct vfio_ap_mig_queue *q = dec_q(row);

	return json_object_new_int((int)vfio_ap_mig_gr2_ml(q->gr2));
}

/* "irq": {"isc": N, "nib": "0x..."}, null when off. */
static struct json_object *qcol_irq(const void *row)
{
	const struct vfio_ap_mig_irq_target *t = dec_irq(row);
	struct json_object *obj;
	char buf[24];

	if (!t)
		return NULL;
	obj = json_object_new_object();
	snprintf(buf, sizeof(buf), "0x%016" PRIx64, (uint64_t)t->nib);
	json_object_object_add(obj, "isc", json_object_new_int(t->isc));
	json_object_object_add(obj, "nib", json_object_new_string(buf));
	return obj;
}

static const char *qcol_irq_text(const void *row, char *buf, size_t len)
{
	const struct vfio_ap_mig_irq_target *t = dec_irq(row);

	if (!t)
		return NULL;
	snprintf(buf, len, "isc %u nib 0x%016" PRIx64, t->isc, (uint64_t)t->nib);
	return buf;
}

static const struct apmig_column dec_qcols[] = {
	{ "APQN", "apqn", 7, APMIG_LEFT, qcol_apqn },
	{ "GR2", "gr2", 18, APMIG_LEFT, qcol_gr2 },
	{ "TYPE", "type", 5, APMIG_LEFT, qcol_type },
	{ "AT", "ap_type", 3, APMIG_RIGHT, qcol_at },
	{ "MODE", "mode", 11, APMIG_LEFT, qcol_mode },
	{ "FUNCTIONS", "functions", 10, APMIG_LEFT, qcol_functions },
	{ "CLASS", "class", 5, APMIG_LEFT, qcol_class, qcol_class_text },
	{ "BS", "bs", 2, APMIG_RIGHT, qcol_bs },
	{ "ML", "ml", 2, APMIG_RIGHT, qcol_ml },
	{ "IRQ", "irq", 3, APMIG_LEFT, qcol_irq, qcol_irq_text },
};

#define DEC_NR_QCOLS (sizeof(dec_qcols) / sizeof(dec_qcols[0]))

/* Call @fn for each section of @r (validated by the decoder). */
static void dec_for_each_section(const struct dec_record *r,
				 void (*fn)(const struct dec_record *r,
					    uint16_t type, uint32_t off,
					    uint32_t len, void *ctx),
				 void *ctx)
{
	uint16_t nr = get_unaligned_be16(r->p + DEC_H_NR_SECTIONS);
	uint32_t pos = get_unaligned_be16(r->p + DEC_H_HDR_LEN);
	uint32_t len;
	uint16_t i;

	for (i = 0; i < nr; i++) {
		len = get_unaligned_be32(r->p + pos + 4);
		fn(r, get_unaligned_be16(r->p + pos), pos, len, ctx);
		pos += VFIO_AP_MIG_SECTION_HDR_SIZE + len;
	}
}

/* How many queues of @cfg have interruptions on. */
static u32 dec_nr_irq_on(const struct vfio_ap_mig_config *cfg)
{
	u32 i, n = 0;

	for (i = 0; i < cfg->nr_queues; i++)
		n += !!cfg->queues[i].irq;
	return n;
}

static void dec_text_section(const struct dec_record *r, uint16_t type,
			     uint32_t off, uint32_t len, void *ctx)
{
	const struct vfio_ap_mig_config *cfg = r->cfg;
	struct dec_qrow row = { cfg };
	u32 i;

	if (type == APMIG_META_SEC_TYPE)
		printf("  section %s (0x%04x, optional: the kernel skips it) at offset %" PRIu64 ": %u bytes\n",
		       dec_section_name(type), type, r->offset + off, len);
	else if (dec_section_name(type))
		printf("  section %s (0x%04x) at offset %" PRIu64 ": %u bytes\n",
		       dec_section_name(type), type, r->offset + off, len);
	else
		printf("  section 0x%04x (unknown, optional: skipped) at offset %" PRIu64 ": %u bytes\n",
		       type, r->offset + off, len);
	if (type == APMIG_META_SEC_TYPE) {
		struct apmig_export_meta m;
		const char *why;
		char when[64];

		if (apmig_export_meta_parse(r->p + off + VFIO_AP_MIG_SECTION_HDR_SIZE,
					    len, &m, &why))
			printf("    not understood (%s)\n", why);
		else
			printf("    taken on host %s, kernel %s, at %s, by apmig %s\n",
			       m.host, m.kernel,
			       apmig_capture_time_str((long long)m.time, when,
						      sizeof(when)),
			       m.version);
	} else if (type == VFIO_AP_MIG_SEC_MASKS) {
		apmig_print_masks(stdout, "    ", cfg->apm, cfg->aqm, cfg->adm);
	} else if (type == VFIO_AP_MIG_SEC_QUEUES) {
		printf("    %u queue%s\n", cfg->nr_queues,
		       cfg->nr_queues == 1 ? "" : "s");
		if (!cfg->nr_queues)
			return;
		apmig_table_header(stdout, 4, dec_qcols, DEC_NR_QCOLS);
		for (row.i = 0; row.i < cfg->nr_queues; row.i++)
			apmig_table_row(stdout, 4, dec_qcols, DEC_NR_QCOLS, &row);
	} else if (type == VFIO_AP_MIG_SEC_IRQ) {
		printf("    %u interruption target%s, %u of %u queue%s on\n",
		       cfg->nr_irq_targets, cfg->nr_irq_targets == 1 ? "" : "s",
		       dec_nr_irq_on(cfg), cfg->nr_queues,
		       cfg->nr_queues == 1 ? "" : "s");
		for (i = 0; i < cfg->nr_irq_targets; i++)
			printf("    target %u: isc %u nib 0x%016" PRIx64 "\n", i + 1,
			       cfg->irq_targets[i].isc,
			       (uint64_t)cfg->irq_targets[i].nib);
	}
}

static void dec_text_record(const struct dec_record *r, unsigned int idx)
{
	const uint8_t *p = r->p;

	printf("record %u at offset %" PRIu64 ": seq %u, %u bytes, flags 0x%04x (%s)\n",
	       idx, r->offset, get_unaligned_be32(p + DEC_H_SEQ), r->len,
	       get_unaligned_be16(p + DEC_H_FLAGS),
	       dec_flags_str(get_unaligned_be16(p + DEC_H_FLAGS)));
	printf("  header: magic 0x%08x, version %u.%u, %u bytes, %u section%s, crc32c 0x%08x\n",
	       get_unaligned_be32(p), get_unaligned_be16(p + DEC_H_MAJOR),
	       get_unaligned_be16(p + DEC_H_MINOR),
	       get_unaligned_be16(p + DEC_H_HDR_LEN),
	       get_unaligned_be16(p + DEC_H_NR_SECTIONS),
	       get_unaligned_be16(p + DEC_H_NR_SECTIONS) == 1 ? "" : "s",
	       get_unaligned_be32(p + r->len - VFIO_AP_MIG_CRC_SIZE));
	if (!r->cfg)
		printf("  configuration unchanged since the previous record\n");
	else
		dec_for_each_section(r, dec_text_section, NULL);
}

static struct json_object *dec_json_config(const struct vfio_ap_mig_config *cfg)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *queues = json_object_new_array();
	struct dec_qrow row = { cfg };

	json_object_object_add(obj, "adapters", apmig_json_ids(cfg->apm));
	json_object_object_add(obj, "domains", apmig_json_ids(cfg->aqm));
	json_object_object_add(obj, "control_domains", apmig_json_ids(cfg->adm));
	for (row.i = 0; row.i < cfg->nr_queues; row.i++)
		json_object_array_add(queues, apmig_table_json(dec_qcols, DEC_NR_QCOLS,
							       &row));
	json_object_object_add(obj, "queues", queues);
	return obj;
}

static void dec_json_section(const struct dec_record *r, uint16_t type,
			     uint32_t off, uint32_t len, void *ctx)
{
	struct json_object *s = json_object_new_object();

	json_object_object_add(s, "offset", json_object_new_int64((int64_t)(r->offset + off)));
	json_object_object_add(s, "type", json_object_new_int(type));
	json_object_object_add(s, "name", dec_section_name(type) ?
			       json_object_new_string(dec_section_name(type)) : NULL);
	json_object_object_add(s, "optional",
			       json_object_new_boolean(type & VFIO_AP_MIG_SEC_OPTIONAL));
	json_object_object_add(s, "length", json_object_new_int64(len));
	if (type == APMIG_META_SEC_TYPE) {
		struct json_object *t = json_object_new_object();
		struct apmig_export_meta m;
		const char *why;
		char when[64];

		if (apmig_export_meta_parse(r->p + off + VFIO_AP_MIG_SECTION_HDR_SIZE,
					    len, &m, &why)) {
			json_object_object_add(t, "error", json_object_new_string(why));
		} else {
			json_object_object_add(t, "host", json_object_new_string(m.host));
			json_object_object_add(t, "kernel", json_object_new_string(m.kernel));
			json_object_object_add(t, "time", json_object_new_int64((int64_t)m.time));
			json_object_object_add(t, "time_utc", json_object_new_string(
					       apmig_capture_time_str((long long)m.time,
								      when, sizeof(when))));
			json_object_object_add(t, "apmig_version",
					       json_object_new_string(m.version));
		}
		json_object_object_add(s, "tool_meta", t);
	}
	json_object_array_add(ctx, s);
}

static struct json_object *dec_json_record(const struct dec_record *r)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *sections = json_object_new_array();
	uint16_t flags = get_unaligned_be16(r->p + DEC_H_FLAGS);
	const uint8_t *p = r->p;

	json_object_object_add(obj, "offset", json_object_new_int64((int64_t)r->offset));
	json_object_object_add(obj, "length", json_object_new_int64(r->len));
	json_object_object_add(obj, "magic", json_object_new_int64(get_unaligned_be32(p)));
	json_object_object_add(obj, "major", json_object_new_int(get_unaligned_be16(p + DEC_H_MAJOR)));
	json_object_object_add(obj, "minor", json_object_new_int(get_unaligned_be16(p + DEC_H_MINOR)));
	json_object_object_add(obj, "header_length",
			       json_object_new_int(get_unaligned_be16(p + DEC_H_HDR_LEN)));
	json_object_object_add(obj, "seq", json_object_new_int64(get_unaligned_be32(p + DEC_H_SEQ)));
	json_object_object_add(obj, "flags", json_object_new_int(flags));
	json_object_object_add(obj, "final",
			       json_object_new_boolean(flags & VFIO_AP_MIG_REC_FINAL));
	json_object_object_add(obj, "unchanged",
			       json_object_new_boolean(flags & VFIO_AP_MIG_REC_UNCHANGED));
	json_object_object_add(obj, "crc32c",
			       json_object_new_int64(get_unaligned_be32(p + r->len -
									VFIO_AP_MIG_CRC_SIZE)));
	if (r->cfg)
		dec_for_each_section(r, dec_json_section, sections);
	json_object_object_add(obj, "sections", sections);
	json_object_object_add(obj, "config", r->cfg ? dec_json_config(r->cfg) : NULL);
	return obj;
}

/*
 * Feed @buf to the decoder one record at a time and show each record it
 * accepts. Returns 0, or the exit status after an error was printed.
 */
static int dec_run(const char *path, const uint8_t *buf, size_t len, bool json)
{
	struct json_object *root = NULL, *records = NULL;
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	struct dec_record r;
	size_t off = 0, start = 0;
	unsigned int idx = 0;
	ssize_t n = 0;
	int ret = 0;

	if (json) {
		root = json_object_new_object();
		records = json_object_new_array();
		json_object_object_add(root, "records", records);
	}
	vfio_ap_mig_decoder_init(&dec);
	while (off < len) {
		n = vfio_ap_mig_decoder_feed(&dec, buf + off, len - off, &ev);
		if (n < 0)
			break;
		off += n;
		if (ev == VFIO_AP_MIG_EV_NONE)
			continue;
		r.p = buf + start;
		r.offset = start;
		r.len = off - start;
		r.cfg = ev == VFIO_AP_MIG_EV_CONFIG ?
			vfio_ap_mig_decoder_config(&dec) : NULL;
		if (json)
			json_object_array_add(records, dec_json_record(&r));
		else
			dec_text_record(&r, idx);
		idx++;
		start = off;
	}
	if (n >= 0)
		n = vfio_ap_mig_decoder_finish(&dec);
	if (json) {
		json_object_object_add(root, "length", json_object_new_int64((int64_t)len));
		json_object_object_add(root, "error", n < 0 ?
				       json_object_new_string(vfio_ap_mig_decoder_errmsg(&dec)) :
				       NULL);
		if (apmig_json_print(stdout, root))
			ret = apmig_fail("decode", "cannot write the output");
		json_object_put(root);
	} else if (n >= 0) {
		printf("end of stream at offset %zu: %u record%s, valid\n", len,
		       idx, idx == 1 ? "" : "s");
	}
	if (n < 0)
		ret = apmig_fail("decode", "%s: %s", path,
				 vfio_ap_mig_decoder_errmsg(&dec));
	vfio_ap_mig_decoder_release(&dec);
	return ret;
}

static int cmd_decode(int argc, char *argv[])
{
	static const struct option opts[] = {
		APMIG_OPT_HELP, APMIG_OPT_JSON, APMIG_OPT_END,
	};
	const char *path;
	bool json = false, truncated;
	size_t len;
	void *buf;
	int c, ret;

	while ((c = apmig_getopt(&apmig_cmd_decode, argc, argv, ":hj", opts)) != -1) {
		switch (c) {
		case 'h':
			return apmig_cmd_help(&apmig_cmd_decode);
		case 'j':
			json = true;
			apmig_json_errors(true);
			break;
		default:
			return APMIG_EXIT_ERROR;
		}
	}
	if (optind >= argc)
		return apmig_cmd_usage_error(&apmig_cmd_decode,
					     "no stream file given ('-' reads standard input)");
	path = argv[optind++];
	if (optind < argc)
		return apmig_cmd_usage_error(&apmig_cmd_decode,
					     "unexpected argument '%s'", argv[optind]);

	ret = apmig_read_input(path, APMIG_STREAM_READ_MAX, &buf, &len,
			       &truncated);
	if (ret)
		return apmig_fail("decode", "%s: %s", path, strerror(-ret));
	ret = dec_run(path, buf, len, json);
	free(buf);
	return ret;
}

const struct apmig_cmd apmig_cmd_decode = {
	.name = "decode",
	.json = true,
	.fn = cmd_decode,
	.help = "print a migration stream in readable form",
	.usage =
	"Usage: apmig decode [--json] FILE|-\n"
	"\n"
	"Decode a vfio_ap migration stream (from a file, or '-' for standard\n"
	"input) with the kernel's decoder and print each record: header fields,\n"
	"sections, the adapter, usage-domain and control-domain masks, and each\n"
	"queue with its GR2 decoded into type, mode, functions, class and SE bind\n"
	"state, and its interruption registration (ISC and NIB address, or '-'\n"
	"when off). A stream the decoder refuses is shown up to the faulty record,\n"
	"then the decoder's reason is printed and the exit status is 2.\n"
	"\n"
	"Options:\n"
	"  -j, --json  print JSON instead of text\n"
	"  -h, --help  print this help\n",
};
