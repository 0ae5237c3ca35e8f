// SPDX-License-Identifier: GPL-2.0
/*
 * apmig show: the vfio_ap mediated devices of a host with their adapters,
 * domains and control domains, and each of their queues in a table akin to
 * lszcrypt -V's. The columns are defined once, for the table and for --json.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include <linux/bitops.h>

#include "apmig_capture.h"
#include "apmig_host.h"
#include "apmig_output.h"

#include "commands.h"
#include "options.h"

/* One line of the queue table: an APQN of an mdev's matrix. */
struct show_row {
	const struct apmig_host *host;
	const struct apmig_mdev *mdev;
	const struct apmig_card *card;		/* NULL: no such card */
	const struct apmig_queue *q;		/* NULL: no such queue */
	uint16_t apqn;
};

/* The facility word that describes the queue: its own, else its card's. */
static bool show_functions(const struct show_row *r, uint32_t *fac)
{
	if (r->q)
		*fac = r->q->functions;
	else if (r->card)
		*fac = r->card->functions;
	else
		return false;
	return true;
}

static struct json_object *col_apqn(const void *row)
{
	const struct show_row *r = row;
	char buf[8];

	return json_object_new_string(apmig_apqn_str(r->apqn, buf));
}

static struct json_object *col_type(const void *row)
{
	const struct show_row *r = row;

	return r->card && r->card->type[0] ?
	       json_object_new_string(r->card->type) : NULL;
}

static struct json_object *col_mode(const void *row)
{
	uint32_t fac;

	if (!show_functions(row, &fac))
		return NULL;
	return json_object_new_string(apmig_mode_name((uint64_t)fac << 32));
}

/* As lszcrypt: deconfig before chkstop before online/offline. */
static struct json_object *col_status(const void *row)
{
	const struct show_row *r = row;
	const char *s;

	if (!r->q)
		s = "missing";
	else if (!r->q->config)
		s = "deconfig";
	else if (r->q->chkstop)
		s = "chkstop";
	else
		s = r->q->online ? "online" : "offline";
	return json_object_new_string(s);
}

static struct json_object *col_hwtype(const void *row)
{
	const struct show_row *r = row;

	return r->card ? json_object_new_int((int)r->card->raw_hwtype) : NULL;
}

/* The card's depth attribute: request slots per queue (TAPQ qd + 1). */
static struct json_object *col_depth(const void *row)
{
	const struct show_row *r = row;

	return r->card && r->card->depth >= 0 ?
	       json_object_new_int(r->card->depth) : NULL;
}

static struct json_object *col_functions(const void *row)
{
	char buf[APMIG_FUNCTIONS_LEN];
	uint32_t fac;

	if (!show_functions(row, &fac))
		return NULL;
	return json_object_new_string(apmig_functions_str(fac, buf));
}

static struct json_object *col_bs(const void *row)
{
	const struct show_row *r = row;

	if (!r->q)
		return NULL;
	return json_object_new_int((int)vfio_ap_mig_gr2_bs((uint64_t)r->q->functions << 32));
}

static struct json_object *col_driver(const void *row)
{
	const struct show_row *r = row;
	static const char *const names[] = {
		[APMIG_DRV_NONE] = NULL,
		[APMIG_DRV_CEX4CARD] = "cex4card",
		[APMIG_DRV_CEX4QUEUE] = "cex4queue",
		[APMIG_DRV_VFIO_AP] = "vfio_ap",
		[APMIG_DRV_OTHER] = "other",
	};

	if (!r->q || !names[r->q->driver])
		return NULL;
	return json_object_new_string(names[r->q->driver]);
}

static struct json_object *col_vfio(const void *row)
{
	const struct show_row *r = row;
	static const char *const names[] = {
		[APMIG_QST_NONE] = NULL,
		[APMIG_QST_UNASSIGNED] = "unassigned",
		[APMIG_QST_ASSIGNED] = "assigned",
		[APMIG_QST_IN_USE] = "in use",
	};

	if (!r->q || !names[r->q->status])
		return NULL;
	return json_object_new_string(names[r->q->status]);
}

static struct json_object *col_guest(const void *row)
{
	const struct show_row *r = row;

	if (!r->mdev->has_guest)
		return NULL;
	return json_object_new_boolean(test_bit_inv(VFIO_AP_MIG_APID(r->apqn), r->mdev->guest_apm) &&
				       test_bit_inv(VFIO_AP_MIG_APQI(r->apqn), r->mdev->guest_aqm));
}

/*
 * The queue table. CARD.DOM, TYPE, FUNCTIONS and DRIVER are lszcrypt -V's;
 * the columns that show something else than lszcrypt's MODE, STATUS, HWTYPE
 * and QDEPTH have names of their own: QMODE (from the queue's facility
 * word), STATE (with "missing"), AT (raw_hwtype) and DEPTH (the attribute,
 * one less than QDEPTH).
 */
static const struct apmig_column show_cols[] = {
	{ "CARD.DOM", "apqn", 8, APMIG_LEFT, col_apqn },
	{ "TYPE", "type", 5, APMIG_LEFT, col_type },
	{ "QMODE", "mode", 11, APMIG_LEFT, col_mode },
	{ "STATE", "state", 8, APMIG_LEFT, col_status },
	{ "AT", "ap_type", 3, APMIG_RIGHT, col_hwtype },
	{ "DEPTH", "depth", 5, APMIG_RIGHT, col_depth },
	{ "FUNCTIONS", "functions", 10, APMIG_LEFT, col_functions },
	{ "BS", "bs", 2, APMIG_RIGHT, col_bs },
	{ "DRIVER", "driver", 9, APMIG_LEFT, col_driver },
	{ "VFIO", "vfio_status", 10, APMIG_LEFT, col_vfio },
	{ "GUEST", "in_guest", 5, APMIG_LEFT, col_guest },
};

#define SHOW_NR_COLS (sizeof(show_cols) / sizeof(show_cols[0]))

/* Call @fn for every APQN of @mdev's matrix, in ascending order. */
static void show_for_each_row(const struct apmig_host *host,
			      const struct apmig_mdev *mdev,
			      void (*fn)(const struct show_row *r, void *ctx),
			      void *ctx)
{
	unsigned long apid, apqi;
	struct show_row r = { .host = host, .mdev = mdev };

	for_each_set_bit_inv(apid, mdev->apm, VFIO_AP_MIG_IDS) {
		r.card = host->cards[apid].present ? &host->cards[apid] : NULL;
		for_each_set_bit_inv(apqi, mdev->aqm, VFIO_AP_MIG_IDS) {
			r.apqn = VFIO_AP_MIG_APQN(apid, apqi);
			r.q = apmig_host_queue(host, r.apqn);
			fn(&r, ctx);
		}
	}
}

static void show_print_row(const struct show_row *r, void *ctx)
{
	apmig_table_row(stdout, 2, show_cols, SHOW_NR_COLS, r);
}

static void show_json_row(const struct show_row *r, void *ctx)
{
	json_object_array_add(ctx, apmig_table_json(show_cols, SHOW_NR_COLS, r));
}

static void show_mdev_text(const struct apmig_host *host,
			   const struct apmig_mdev *mdev)
{
	printf("mdev %s: %s\n", mdev->uuid,
	       mdev->has_guest ? "guest running" : "no guest");
	printf("  adapters:        ");
	apmig_print_ids(stdout, mdev->apm, 2);
	printf("\n  usage domains:   ");
	apmig_print_ids(stdout, mdev->aqm, 4);
	printf("\n  control domains: ");
	apmig_print_ids(stdout, mdev->adm, 4);
	printf("\n");
	if (bitmap_empty(mdev->apm, VFIO_AP_MIG_IDS) ||
	    bitmap_empty(mdev->aqm, VFIO_AP_MIG_IDS))
		return;
	apmig_table_header(stdout, 2, show_cols, SHOW_NR_COLS);
	show_for_each_row(host, mdev, show_print_row, NULL);
}

static struct json_object *show_mdev_json(const struct apmig_host *host,
					  const struct apmig_mdev *mdev)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *queues = json_object_new_array();

	json_object_object_add(obj, "uuid", json_object_new_string(mdev->uuid));
	json_object_object_add(obj, "guest",
			       json_object_new_boolean(mdev->has_guest));
	json_object_object_add(obj, "adapters", apmig_json_ids(mdev->apm));
	json_object_object_add(obj, "domains", apmig_json_ids(mdev->aqm));
	json_object_object_add(obj, "control_domains",
			       apmig_json_ids(mdev->adm));
	show_for_each_row(host, mdev, show_json_row, queues);
	json_object_object_add(obj, "queues", queues);
	return obj;
}

/* How many attributes a capture skipped and could not read. */
static void show_capture_counts(const struct apmig_capture_manifest *m,
				size_t *skipped, size_t *unreadable)
{
	size_t i;

	*skipped = *unreadable = 0;
	for (i = 0; i < m->nr_items; i++) {
		if (m->items[i].skipped)
			(*skipped)++;
		else
			(*unreadable)++;
	}
}

/* Where and when a capture was taken: its manifest. */
static void show_capture_text(const struct apmig_capture_manifest *m)
{
	size_t skipped, unreadable, i;
	char when[64];

	show_capture_counts(m, &skipped, &unreadable);
	printf("capture: host %s, kernel %s, taken %s from %s by apmig %s\n",
	       m->host, m->kernel, apmig_capture_time_str(m->time, when, sizeof(when)),
	       m->source, m->version);
	printf("  %zu attribute%s skipped (write-only or refused), %zu unreadable\n",
	       skipped, skipped == 1 ? "" : "s", unreadable);
	for (i = 0; i < m->nr_items; i++)
		if (!m->items[i].skipped)
			printf("  unreadable: %s: %s\n", m->items[i].path,
			       strerror(-m->items[i].err));
}

static struct json_object *show_capture_json(const struct apmig_capture_manifest *m)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *bad = json_object_new_array();
	size_t skipped, unreadable, i;
	char when[64];

	show_capture_counts(m, &skipped, &unreadable);
	json_object_object_add(obj, "host", json_object_new_string(m->host));
	json_object_object_add(obj, "kernel", json_object_new_string(m->kernel));
	json_object_object_add(obj, "time", json_object_new_int64(m->time));
	json_object_object_add(obj, "time_utc", json_object_new_string(
			       apmig_capture_time_str(m->time, when, sizeof(when))));
	json_object_object_add(obj, "source", json_object_new_string(m->source));
	json_object_object_add(obj, "captured_by",
			       json_object_new_string(m->version));
	json_object_object_add(obj, "skipped", json_object_new_int64(skipped));
	for (i = 0; i < m->nr_items; i++) {
		struct json_object *u;

		if (m->items[i].skipped)
			continue;
		u = json_object_new_object();
		json_object_object_add(u, "path",
				       json_object_new_string(m->items[i].path));
		json_object_object_add(u, "error",
				       json_object_new_string(strerror(-m->items[i].err)));
		json_object_array_add(bad, u);
	}
	json_object_object_add(obj, "unreadable", bad);
	return obj;
}

static int show_text(const struct apmig_host *host,
		     const struct apmig_mdev *only)
{
	size_t i;

	if (host->capture && !only)
		show_capture_text(host->capture);
	if (!only) {
		printf("vfio_ap: %s, %zu mediated device%s\n",
		       !host->vfio_ap ? "not loaded" :
		       host->migratable ? "migratable" : "not migratable",
		       host->nr_mdevs, host->nr_mdevs == 1 ? "" : "s");
	}
	for (i = 0; i < host->nr_mdevs; i++) {
		if (only && only != &host->mdevs[i])
			continue;
		if (!only)
			printf("\n");
		show_mdev_text(host, &host->mdevs[i]);
	}
	return APMIG_EXIT_OK;
}

static int show_json(const struct apmig_host *host,
		     const struct apmig_mdev *only)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *mdevs = json_object_new_array();
	size_t i;
	int ret;

	if (host->capture)
		json_object_object_add(obj, "capture",
				       show_capture_json(host->capture));
	json_object_object_add(obj, "vfio_ap", json_object_new_boolean(host->vfio_ap));
	json_object_object_add(obj, "migratable",
			       json_object_new_boolean(host->migratable));
	for (i = 0; i < host->nr_mdevs; i++)
		if (!only || only == &host->mdevs[i])
			json_object_array_add(mdevs, show_mdev_json(host, &host->mdevs[i]));
	json_object_object_add(obj, "mdevs", mdevs);
	ret = apmig_json_print(stdout, obj);
	json_object_put(obj);
	return ret ? apmig_fail("show", "cannot write the output") : APMIG_EXIT_OK;
}

static int cmd_show(int argc, char *argv[])
{
	static const struct option opts[] = {
		APMIG_OPT_HELP, APMIG_OPT_SYSFS, APMIG_OPT_JSON, APMIG_OPT_END,
	};
	const char *sysfs = NULL, *uuid = NULL;
	struct apmig_mdev *mdev = NULL;
	struct apmig_host *host;
	struct apmig_error err;
	bool json = false;
	int c, ret;

	while ((c = apmig_getopt(&apmig_cmd_show, argc, argv, ":hs:j", opts)) != -1) {
		switch (c) {
		case 'h':
			return apmig_cmd_help(&apmig_cmd_show);
		case 's':
			if (apmig_opt_path(&apmig_cmd_show, "sysfs", optarg, &sysfs))
				return APMIG_EXIT_ERROR;
			break;
		case 'j':
			json = true;
			apmig_json_errors(true);
			break;
		default:
			return APMIG_EXIT_ERROR;
		}
	}
	if (optind < argc)
		uuid = argv[optind++];
	if (optind < argc)
		return apmig_cmd_usage_error(&apmig_cmd_show,
					     "unexpected argument '%s'", argv[optind]);

	if (apmig_host_load(&host, apmig_sysfs_root(sysfs), &err) < 0)
		return apmig_fail("show", "%s", err.msg);
	if (uuid) {
		mdev = apmig_host_mdev(host, uuid);
		if (!mdev) {
			ret = apmig_fail("show", "%s: no such mediated device in %s",
					 uuid, host->root);
			apmig_host_free(host);
			return ret;
		}
	}
	ret = json ? show_json(host, mdev) : show_text(host, mdev);
	apmig_host_free(host);
	return ret;
}

const struct apmig_cmd apmig_cmd_show = {
	.name = "show",
	.json = true,
	.fn = cmd_show,
	.help = "show the vfio_ap mediated devices and their queues",
	.usage =
	"Usage: apmig show [--sysfs DIR] [--json] [UUID]\n"
	"\n"
	"Show the vfio_ap mediated devices of this host (or only UUID): their\n"
	"adapters, usage and control domains, and each queue with its type,\n"
	"mode, state, AP type, depth, functions and driver (columns named as\n"
	"lszcrypt -V's only where they show the same; see apmig(8)).\n"
	"\n"
	"Options:\n"
	"  -s, --sysfs DIR  read the host from DIR instead of $APMIG_SYSFS_ROOT or /sys\n"
	"  -j, --json       print JSON instead of a table\n"
	"  -h, --help       print this help\n",
};
