// SPDX-License-Identifier: GPL-2.0
/*
 * Text form of decoded migration streams, shared by the vector generator
 * (expected files) and the stream tests (actual decoder output).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vector_text.h"

static const struct {
	int err;
	const char *name;
} vt_errnos[] = {
	{ 0, "ok" },
	{ -EPROTO, "EPROTO" },
	{ -EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ -EINVAL, "EINVAL" },
	{ -EBADMSG, "EBADMSG" },
	{ -ENODATA, "ENODATA" },
	{ -EMSGSIZE, "EMSGSIZE" },
	{ -EILSEQ, "EILSEQ" },
	{ -ENOTUNIQ, "ENOTUNIQ" },
	{ -EOPNOTSUPP, "EOPNOTSUPP" },
	{ -E2BIG, "E2BIG" },
	{ -ERANGE, "ERANGE" },
	{ -EDOM, "EDOM" },
	{ -ENOENT, "ENOENT" },
	{ -EFBIG, "EFBIG" },
	{ -ENOMEM, "ENOMEM" },
};

const char *vt_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(vt_errnos) / sizeof(vt_errnos[0]); i++)
		if (vt_errnos[i].err == err)
			return vt_errnos[i].name;
	return "E?";
}

int vt_errno_value(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(vt_errnos) / sizeof(vt_errnos[0]); i++)
		if (!strcmp(vt_errnos[i].name, name))
			return vt_errnos[i].err;
	return 1;
}

/* "apm 00 05 ff" (adapters, 2 digits) or "aqm 0001 002a" (domains, 4). */
static void vt_print_mask(FILE *f, const char *name, const unsigned long *mask,
			  int digits)
{
	unsigned int id, n = 0;

	fprintf(f, "  %s", name);
	for (id = 0; id < VFIO_AP_MIG_IDS; id++) {
		if (test_bit_inv(id, mask)) {
			fprintf(f, " %0*x", digits, id);
			n++;
		}
	}
	fprintf(f, "%s\n", n ? "" : " -");
}

void vt_print_config(FILE *f, const struct vfio_ap_mig_config *cfg)
{
	const struct vfio_ap_mig_queue *q;
	u32 i;

	vt_print_mask(f, "apm", cfg->apm, 2);
	vt_print_mask(f, "aqm", cfg->aqm, 4);
	vt_print_mask(f, "adm", cfg->adm, 4);
	fprintf(f, "  queues %u\n", cfg->nr_queues);
	for (i = 0; i < cfg->nr_queues; i++) {
		q = &cfg->queues[i];
		fprintf(f, "  queue %02x.%04x gr2 0x%016llx",
			VFIO_AP_MIG_APID(q->apqn), VFIO_AP_MIG_APQI(q->apqn),
			q->gr2);
		/* interruptions on: the target by value, never its index */
		if (q->irq)
			fprintf(f, " irq isc %u nib 0x%016llx",
				cfg->irq_targets[q->irq - 1].isc,
				cfg->irq_targets[q->irq - 1].nib);
		fprintf(f, "\n");
	}
}

int vt_decode_print(FILE *f, const void *data, size_t len, size_t chunk)
{
	const unsigned char *p = data;
	struct vfio_ap_mig_decoder dec;
	enum vfio_ap_mig_event ev;
	unsigned int records = 0;
	size_t off = 0, end, n;
	ssize_t ret = 0;

	fprintf(f, "bytes %zu\n", len);
	vfio_ap_mig_decoder_init(&dec);
	if (!chunk)
		chunk = len ? len : 1;
	while (off < len && ret >= 0) {
		end = off + (chunk < len - off ? chunk : len - off);
		while (off < end) {
			n = end - off;
			ret = vfio_ap_mig_decoder_feed(&dec, p + off, n, &ev);
			if (ret < 0)
				break;
			off += ret;
			if (ev == VFIO_AP_MIG_EV_CONFIG) {
				fprintf(f, "record %u config\n", records++);
				vt_print_config(f, vfio_ap_mig_decoder_config(&dec));
			} else if (ev == VFIO_AP_MIG_EV_UNCHANGED) {
				fprintf(f, "record %u unchanged\n", records++);
			}
		}
	}
	if (ret >= 0)
		ret = vfio_ap_mig_decoder_finish(&dec);
	fprintf(f, "result %s\n", vt_errno_name((int)ret));
	if (ret)
		fprintf(f, "message %s\n", vfio_ap_mig_decoder_errmsg(&dec));
	vfio_ap_mig_decoder_release(&dec);
	return (int)ret;
}

char *vt_strip_comments(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *nl;
	size_t n;

	if (!out)
		return NULL;
	while (*text) {
		nl = strchr(text, '\n');
		n = nl ? (size_t)(nl - text) + 1 : strlen(text);
		if (text[0] != '#') {
			memcpy(o, text, n);
			o += n;
		}
		text += n;
	}
	*o = '\0';
	return out;
}
