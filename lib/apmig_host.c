// SPDX-License-Identifier: GPL-2.0
/*
 * The host model of libapmig: a host is what its sysfs says (REFERENCE.md
 * §5). Reads the AP bus masks, the cards and queues with their drivers and
 * the vfio_ap matrix with its mdevs from /sys or a fixture tree laid out the
 * same way, and gives the rules their view of the host.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <linux/bitmap.h>
#include <linux/bitops.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_capture.h"
#include "apmig_host.h"
#include "apmig_sysfs.h"
#include "apmig_tar.h"

#define APMIG_QUOTE_MAX		80
/*
 * A sysfs show fills one page: vfio_ap's sysfs_emit_at() stops after 4095
 * bytes, in the middle of a line. matrix and guest_matrix lines are 8 bytes,
 * so a whole one is never that long: one that is was cut off.
 */
#define APMIG_SHOW_MAX		4095
/* The unit of TAPQ's ml field in bytes (the AP bus's max_msg_size). */
#define APMIG_ML_CHUNK		4096

const char *const apmig_host_sysfs_trees[] = {
	"bus/ap",		/* masks, devices/ and the drivers links point at */
	"devices/ap",		/* cards and queues */
	"devices/vfio_ap",	/* the matrix device and its mdevs */
	"firmware/uv",		/* prot_virt_guest: a Secure Execution guest */
	NULL,
};

/*
 * State of one load: the root, where errors go, the manifest of a capture,
 * the current path (and the part below the root) and value.
 */
struct apmig_loader {
	const char *root;
	struct apmig_error *err;
	const struct apmig_capture_manifest *capture;
	char rel[APMIG_SYSFS_PATH_MAX];
	char path[APMIG_SYSFS_PATH_MAX];
	char val[APMIG_SYSFS_ATTR_MAX];
};

/* Whether @rel lies in one of apmig_host_sysfs_trees. */
static bool ld_in_trees(const char *rel)
{
	size_t i, n;

	for (i = 0; apmig_host_sysfs_trees[i]; i++) {
		n = strlen(apmig_host_sysfs_trees[i]);
		if (!strncmp(rel, apmig_host_sysfs_trees[i], n) &&
		    (rel[n] == '\0' || rel[n] == '/'))
			return true;
	}
	return false;
}

/*
 * Build ld->rel and ld->path from the root; -ENAMETOOLONG names what did
 * not fit. A path outside apmig_host_sysfs_trees is a bug of the reader
 * (a capture would not hold it): -EXDEV.
 */
static int ld_vpath(struct apmig_loader *ld, const char *fmt, va_list ap)
{
	va_list aq;
	int ret;

	va_copy(aq, ap);
	ret = vsnprintf(ld->rel, sizeof(ld->rel), fmt, aq);
	va_end(aq);
	if (ret < 0 || (size_t)ret >= sizeof(ld->rel))
		return apmig_error_set(ld->err, -ENAMETOOLONG,
				       "%s: path too long", ld->root);
	if (!ld_in_trees(ld->rel))
		return apmig_error_set(ld->err, -EXDEV,
				       "%s: outside the trees the reader reads (apmig_host_sysfs_trees)",
				       ld->rel);
	ret = apmig_sysfs_path(ld->path, sizeof(ld->path), ld->root, "%s",
			       ld->rel);
	if (ret < 0)
		return apmig_error_set(ld->err, ret, "%s: path too long",
				       ld->root);
	return 0;
}

/* The error a capture recorded for ld->rel, or 0 (read it). */
static int ld_recorded(const struct apmig_loader *ld)
{
	return apmig_capture_recorded_error(ld->capture, ld->rel);
}

static int ld_path(struct apmig_loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int ld_path(struct apmig_loader *ld, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ld_vpath(ld, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * Read the attribute named by @fmt into ld->val. Returns 1 when read, 0 when
 * it is absent and @optional, or -errno with the error naming the file.
 */
static int ld_vread(struct apmig_loader *ld, bool optional, const char *fmt,
		    va_list ap)
{
	ssize_t n;
	int ret;

	ret = ld_vpath(ld, fmt, ap);
	if (ret)
		return ret;
	n = ld_recorded(ld);
	if (!n)
		n = apmig_sysfs_read(ld->path, ld->val, sizeof(ld->val));
	if (n == -ENOENT && optional)
		return 0;
	if (n == -ENOENT)
		return apmig_error_set(ld->err, -ENOENT,
				       "%s: missing (a mandatory attribute)",
				       ld->path);
	if (n == -EFBIG)
		return apmig_error_set(ld->err, -EFBIG,
				       "%s: value longer than %d bytes",
				       ld->path, APMIG_SYSFS_ATTR_MAX - 1);
	if (n == -EINVAL)
		return apmig_error_set(ld->err, -EINVAL,
				       "%s: not a text value", ld->path);
	if (n < 0)
		return apmig_error_set(ld->err, (int)n, "%s: cannot read: %s",
				       ld->path, strerror((int)-n));
	return 1;
}

/* ld->val does not have the form @expect: the error names file and value. */
static int ld_malformed(struct apmig_loader *ld, const char *expect)
{
	char q[APMIG_QUOTE_MAX];

	return apmig_error_set(ld->err, -EINVAL,
			       "%s: malformed value \"%s\" (expected %s)",
			       ld->path, apmig_sysfs_quote(ld->val, q, sizeof(q)),
			       expect);
}

/* An AP mask; "not supported" (no QCI) reads as empty. Absent: unchanged. */
static int ld_mask(struct apmig_loader *ld, bool optional, unsigned long *mask,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int ld_mask(struct apmig_loader *ld, bool optional, unsigned long *mask,
		   const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ld_vread(ld, optional, fmt, ap);
	va_end(ap);
	if (ret <= 0)
		return ret;
	if (!strcmp(ld->val, "not supported")) {
		bitmap_zero(mask, VFIO_AP_MIG_IDS);
		return 1;
	}
	if (apmig_sysfs_parse_mask(ld->val, mask))
		return ld_malformed(ld, "0x and 64 hex digits");
	return 1;
}

/* A decimal in [min, max]; absent and @optional: @val unchanged. */
static int ld_int(struct apmig_loader *ld, bool optional, long min, long max,
		  long *val, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int ld_int(struct apmig_loader *ld, bool optional, long min, long max,
		  long *val, const char *fmt, ...)
{
	char expect[64];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ld_vread(ld, optional, fmt, ap);
	va_end(ap);
	if (ret <= 0)
		return ret;
	if (apmig_sysfs_parse_int(ld->val, min, max, val)) {
		snprintf(expect, sizeof(expect), "a decimal from %ld to %ld",
			 min, max);
		return ld_malformed(ld, expect);
	}
	return 1;
}

static int ld_hex32(struct apmig_loader *ld, bool optional, uint32_t *val,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int ld_hex32(struct apmig_loader *ld, bool optional, uint32_t *val,
		    const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ld_vread(ld, optional, fmt, ap);
	va_end(ap);
	if (ret <= 0)
		return ret;
	if (apmig_sysfs_parse_hex32(ld->val, val))
		return ld_malformed(ld, "0x and up to 8 hex digits");
	return 1;
}

static int ld_bool(struct apmig_loader *ld, bool optional, bool *val,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int ld_bool(struct apmig_loader *ld, bool optional, bool *val,
		   const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ld_vread(ld, optional, fmt, ap);
	va_end(ap);
	if (ret <= 0)
		return ret;
	if (apmig_sysfs_parse_bool(ld->val, val))
		return ld_malformed(ld, "0 or 1");
	return 1;
}

/* Any text attribute, read into ld->val. */
static int ld_text(struct apmig_loader *ld, bool optional, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int ld_text(struct apmig_loader *ld, bool optional, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ld_vread(ld, optional, fmt, ap);
	va_end(ap);
	return ret;
}

/* The driver link of the device directory @fmt; absent: APMIG_DRV_NONE. */
static int ld_driver(struct apmig_loader *ld, enum apmig_driver *drv,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int ld_driver(struct apmig_loader *ld, enum apmig_driver *drv,
		     const char *fmt, ...)
{
	char name[256];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ld_vpath(ld, fmt, ap);
	va_end(ap);
	if (ret)
		return ret;
	ret = apmig_sysfs_driver(ld->path, name, sizeof(name));
	if (ret == -ENOENT) {
		*drv = APMIG_DRV_NONE;
		return 0;
	}
	if (ret == -ENOLINK)
		return apmig_error_set(ld->err, ret,
				       "%s: dangling driver link (its target does not exist)",
				       ld->path);
	if (ret == -EINVAL)
		return apmig_error_set(ld->err, ret,
				       "%s: not a symbolic link", ld->path);
	if (ret < 0)
		return apmig_error_set(ld->err, ret, "%s: cannot read link: %s",
				       ld->path, strerror(-ret));
	if (!strcmp(name, "cex4card"))
		*drv = APMIG_DRV_CEX4CARD;
	else if (!strcmp(name, "cex4queue"))
		*drv = APMIG_DRV_CEX4QUEUE;
	else if (!strcmp(name, "vfio_ap"))
		*drv = APMIG_DRV_VFIO_AP;
	else
		*drv = APMIG_DRV_OTHER;
	return 0;
}

/* Exactly @n hex digits at @s; the value or -1. */
static long apmig_hex_n(const char *s, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* The canonical 8-4-4-4-12 form of a UUID, as mdev directories are named. */
static bool apmig_host_is_uuid(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (apmig_hex_n(s, groups[i]) < 0)
			return false;
		s += groups[i];
		if (*s != (i + 1 < sizeof(groups) / sizeof(groups[0]) ? '-' : '\0'))
			return false;
		s++;
	}
	return true;
}

/* ---------------------------------------------------------------- AP bus */

static int host_load_bus(struct apmig_loader *ld, struct apmig_host *h)
{
	long v;
	int ret;

	ret = ld_mask(ld, false, h->apm, "bus/ap/ap_adapter_mask");
	if (ret < 0)
		return ret;
	ret = ld_mask(ld, false, h->aqm, "bus/ap/ap_usage_domain_mask");
	if (ret < 0)
		return ret;
	ret = ld_mask(ld, false, h->adm, "bus/ap/ap_control_domain_mask");
	if (ret < 0)
		return ret;
	ret = ld_mask(ld, true, h->apmask, "bus/ap/apmask");
	if (ret < 0)
		return ret;
	ret = ld_mask(ld, true, h->aqmask, "bus/ap/aqmask");
	if (ret < 0)
		return ret;
	/* ap_is_se_guest(): the firmware says so (prot_virt_guest 1) */
	ret = ld_bool(ld, true, &h->se_guest, "firmware/uv/prot_virt_guest");
	if (ret < 0)
		return ret;
	ret = ld_int(ld, true, 0, VFIO_AP_MIG_IDS - 1, &v,
		     "bus/ap/ap_max_adapter_id");
	if (ret < 0)
		return ret;
	h->max_adapter_id = ret ? (int)v : -1;
	ret = ld_int(ld, true, 0, VFIO_AP_MIG_IDS - 1, &v,
		     "bus/ap/ap_max_domain_id");
	if (ret < 0)
		return ret;
	h->max_domain_id = ret ? (int)v : -1;
	return 0;
}

/* ---------------------------------------------------------------- cards */

static int host_load_card(struct apmig_loader *ld, struct apmig_host *h,
			  unsigned int id)
{
	struct apmig_card *c = &h->cards[id];
	long v;
	int ret;

	ret = ld_int(ld, false, 0, 255, &v, "devices/ap/card%02x/raw_hwtype", id);
	if (ret < 0)
		return ret;
	c->raw_hwtype = v;
	ret = ld_int(ld, false, 0, 255, &v, "devices/ap/card%02x/hwtype", id);
	if (ret < 0)
		return ret;
	c->hwtype = v;
	ret = ld_hex32(ld, false, &c->functions,
		       "devices/ap/card%02x/ap_functions", id);
	if (ret < 0)
		return ret;
	ret = ld_int(ld, true, 0, INT_MAX, &v, "devices/ap/card%02x/depth", id);
	if (ret < 0)
		return ret;
	c->depth = ret ? (int)v : -1;
	/* max_msg_size (6.10+) is ml 4 KiB chunks; 12 KiB also when ml is 0 */
	ret = ld_int(ld, true, 0, INT_MAX, &v, "devices/ap/card%02x/max_msg_size",
		     id);
	if (ret < 0)
		return ret;
	if (ret && v % APMIG_ML_CHUNK == 0 && v / APMIG_ML_CHUNK <= 15)
		c->ml = v / APMIG_ML_CHUNK;
	else if (ret)
		return ld_malformed(ld, "a multiple of 4096 up to 61440");
	c->config = true;
	ret = ld_bool(ld, true, &c->config, "devices/ap/card%02x/config", id);
	if (ret < 0)
		return ret;
	ret = ld_bool(ld, true, &c->chkstop, "devices/ap/card%02x/chkstop", id);
	if (ret < 0)
		return ret;
	/* 'online' is zcrypt's (cex4card); without it, as zcrypt would say */
	c->online = c->config && !c->chkstop;
	ret = ld_bool(ld, true, &c->online, "devices/ap/card%02x/online", id);
	if (ret < 0)
		return ret;
	ret = ld_text(ld, true, "devices/ap/card%02x/type", id);
	if (ret < 0)
		return ret;
	if (ret) {
		if (strlen(ld->val) >= sizeof(c->type) || !ld->val[0])
			return ld_malformed(ld, "a card type such as CEX8C");
		strcpy(c->type, ld->val);
	}
	ret = ld_driver(ld, &c->driver, "devices/ap/card%02x/driver", id);
	if (ret < 0)
		return ret;
	c->present = true;
	return 0;
}

/* A queue directory; the attribute name is appended. */
#define QDIR "devices/ap/card%02x/%02x.%04x/"

static int host_load_queue(struct apmig_loader *ld, struct apmig_host *h,
			   unsigned int apid, unsigned int apqi)
{
	uint16_t apqn = VFIO_AP_MIG_APQN(apid, apqi);
	struct apmig_queue *q;
	int ret;

	q = calloc(1, sizeof(*q));
	if (!q)
		return apmig_error_set(ld->err, -ENOMEM, "out of memory");
	h->queues[apqn] = q;
	q->apqn = apqn;
	q->mdev = -1;
	q->config = true;

	/*
	 * older kernels have no queue ap_functions: the card's then. Its read
	 * asks TAPQ afresh and can fail (EIO) on a real host: that concerns
	 * this queue alone, a problem only for a guest that needs it.
	 */
	q->functions = h->cards[apid].functions;
	ret = ld_hex32(ld, true, &q->functions, QDIR "ap_functions",
		       apid, apid, apqi);
	if (ret == -EIO || ret == -EAGAIN || ret == -EBUSY || ret == -ENODEV) {
		q->read_err = ret;
		q->functions = h->cards[apid].functions;
		ret = 0;
	}
	if (ret < 0)
		return ret;
	ret = ld_bool(ld, true, &q->config, QDIR "config", apid, apid, apqi);
	if (ret < 0)
		return ret;
	ret = ld_bool(ld, true, &q->chkstop, QDIR "chkstop", apid, apid, apqi);
	if (ret < 0)
		return ret;
	/* 'online' is zcrypt's: queues bound to vfio_ap have none */
	q->online = q->config && !q->chkstop;
	ret = ld_bool(ld, true, &q->online, QDIR "online", apid, apid, apqi);
	if (ret < 0)
		return ret;
	ret = ld_driver(ld, &q->driver, QDIR "driver", apid, apid, apqi);
	if (ret < 0)
		return ret;
	if (q->driver != APMIG_DRV_VFIO_AP)
		return 0;
	ret = ld_text(ld, true, QDIR "status", apid, apid, apqi);
	if (ret <= 0)
		return ret;
	if (!strcmp(ld->val, "unassigned"))
		q->status = APMIG_QST_UNASSIGNED;
	else if (!strcmp(ld->val, "assigned"))
		q->status = APMIG_QST_ASSIGNED;
	else if (!strcmp(ld->val, "in use"))
		q->status = APMIG_QST_IN_USE;
	else
		return ld_malformed(ld, "assigned, unassigned or in use");
	return 0;
}

/* Read card @id and, through one opendir, each of its queues. */
static int host_load_card_dir(struct apmig_loader *ld, struct apmig_host *h,
			      unsigned int id)
{
	struct dirent *de;
	DIR *d;
	int ret;

	ret = host_load_card(ld, h, id);
	if (ret)
		return ret;
	ret = ld_path(ld, "devices/ap/card%02x", id);
	if (ret)
		return ret;
	d = opendir(ld->path);
	if (!d)
		return apmig_error_set(ld->err, -errno, "%s: cannot list: %s",
				       ld->path, strerror(errno));
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		long apid, apqi;

		/* queue directories are "aa.dddd" */
		if (strlen(n) != 7 || n[2] != '.')
			continue;
		apid = apmig_hex_n(n, 2);
		apqi = apmig_hex_n(n + 3, 4);
		if (apid < 0 || apqi < 0)
			continue;
		if (apid != id || apqi >= VFIO_AP_MIG_IDS) {
			ret = apmig_error_set(ld->err, -EINVAL,
					      "%s/%s: queue directory does not belong to card %02x",
					      ld->path, n, id);
			break;
		}
		ret = host_load_queue(ld, h, apid, apqi);
		if (ret)
			break;
		/* ld->path was reused: rebuild the card directory path */
		ret = ld_path(ld, "devices/ap/card%02x", id);
		if (ret)
			break;
	}
	closedir(d);
	return ret;
}

static int host_load_cards(struct apmig_loader *ld, struct apmig_host *h)
{
	bool seen[VFIO_AP_MIG_IDS] = { false };
	struct dirent *de;
	unsigned int id;
	DIR *d;
	int ret;

	ret = ld_path(ld, "devices/ap");
	if (ret)
		return ret;
	d = opendir(ld->path);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* an AP bus without any card */
		return apmig_error_set(ld->err, -errno, "%s: cannot list: %s",
				       ld->path, strerror(errno));
	}
	/* collect the names first: loading a card reuses ld->path */
	while ((de = readdir(d))) {
		long v;

		if (strncmp(de->d_name, "card", 4) || strlen(de->d_name) != 6)
			continue;
		v = apmig_hex_n(de->d_name + 4, 2);
		if (v >= 0)
			seen[v] = true;
	}
	closedir(d);
	for (id = 0; id < VFIO_AP_MIG_IDS; id++) {
		if (!seen[id])
			continue;
		ret = host_load_card_dir(ld, h, id);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---------------------------------------------------------------- vfio_ap */

/*
 * vfio_ap's matrix / guest_matrix: "aa.dddd" lines (an adapter x domain
 * matrix), or only "aa." or only ".dddd" lines when only adapters or only
 * domains are assigned; empty when nothing is.
 */
static int parse_matrix(struct apmig_loader *ld, char *text,
			unsigned long *apm, unsigned long *aqm)
{
	unsigned long full = 0, kinds = 0;
	char *line, *save = NULL;
	char q[APMIG_QUOTE_MAX];
	int nline = 0;

	bitmap_zero(apm, VFIO_AP_MIG_IDS);
	bitmap_zero(aqm, VFIO_AP_MIG_IDS);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);
		long apid = -1, apqi = -1;
		unsigned int kind;

		nline++;
		if (len == 7 && line[2] == '.') {
			apid = apmig_hex_n(line, 2);
			apqi = apmig_hex_n(line + 3, 4);
			kind = 1;
		} else if (len == 3 && line[2] == '.') {
			apid = apmig_hex_n(line, 2);
			apqi = 0;
			kind = 2;
		} else if (len == 5 && line[0] == '.') {
			apid = 0;
			apqi = apmig_hex_n(line + 1, 4);
			kind = 4;
		} else {
			kind = 0;
		}
		if (!kind || apid < 0 || apqi < 0 || apqi >= VFIO_AP_MIG_IDS ||
		    (kinds && kinds != kind)) {
			return apmig_error_set(ld->err, -EINVAL,
					       "%s: malformed line %d \"%s\" (expected aa.dddd, aa. or .dddd, one form per file)",
					       ld->path, nline,
					       apmig_sysfs_quote(line, q, sizeof(q)));
		}
		kinds = kind;
		if (kind != 4)
			set_bit_inv(apid, apm);
		if (kind != 2)
			set_bit_inv(apqi, aqm);
		if (kind == 1)
			full++;
	}
	if (kinds == 1 &&
	    full != (unsigned long)bitmap_weight(apm, VFIO_AP_MIG_IDS) *
		    bitmap_weight(aqm, VFIO_AP_MIG_IDS))
		return apmig_error_set(ld->err, -EINVAL,
				       "%s: %lu APQNs do not form an adapter x domain matrix",
				       ld->path, full);
	return 0;
}

/* control_domains: one "%04x" line per control domain. */
static int parse_domains(struct apmig_loader *ld, char *text,
			 unsigned long *adm)
{
	char *line, *save = NULL;
	char q[APMIG_QUOTE_MAX];
	int nline = 0;

	bitmap_zero(adm, VFIO_AP_MIG_IDS);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		long dom = strlen(line) == 4 ? apmig_hex_n(line, 4) : -1;

		nline++;
		if (dom < 0 || dom >= VFIO_AP_MIG_IDS) {
			return apmig_error_set(ld->err, -EINVAL,
					       "%s: malformed line %d \"%s\" (expected a domain as 4 hex digits, at most 00ff)",
					       ld->path, nline,
					       apmig_sysfs_quote(line, q, sizeof(q)));
		}
		set_bit_inv(dom, adm);
	}
	return 0;
}

/* ap_config: "apm,aqm,adm", each "0x" and 64 hex digits. */
static int parse_ap_config(struct apmig_loader *ld, struct apmig_mdev *m)
{
	unsigned long *masks[] = { m->apm, m->aqm, m->adm };
	char buf[APMIG_SYSFS_ATTR_MAX];
	char *p = buf, *comma;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", ld->val);
	for (i = 0; i < 3; i++) {
		comma = strchr(p, ',');
		if ((i < 2) != !!comma)
			return ld_malformed(ld, "apm,aqm,adm as 0x and 64 hex digits each");
		if (comma)
			*comma = '\0';
		if (apmig_sysfs_parse_mask(p, masks[i]))
			return ld_malformed(ld, "apm,aqm,adm as 0x and 64 hex digits each");
		if (comma)
			p = comma + 1;
	}
	return 0;
}

/*
 * Read a multi-line attribute; 1 read, 0 absent and optional, -errno.
 * @cut (may be NULL): set when the kernel cut it off at a page.
 */
static int ld_read_text(struct apmig_loader *ld, bool optional, bool *cut,
			char **text, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int ld_read_text(struct apmig_loader *ld, bool optional, bool *cut,
			char **text, const char *fmt, ...)
{
	va_list ap;
	ssize_t n;
	int ret;

	va_start(ap, fmt);
	ret = ld_vpath(ld, fmt, ap);
	va_end(ap);
	if (ret)
		return ret;
	n = ld_recorded(ld);
	if (!n)
		n = apmig_sysfs_read_text(ld->path, text);
	if (n == -ENOENT && optional)
		return 0;
	if (n == -ENOENT)
		return apmig_error_set(ld->err, -ENOENT,
				       "%s: missing (a mandatory attribute)",
				       ld->path);
	if (n < 0)
		return apmig_error_set(ld->err, (int)n, "%s: cannot read: %s",
				       ld->path, strerror((int)-n));
	if (cut)
		*cut = n >= APMIG_SHOW_MAX;
	return 1;
}

/* A queue of the tree vfio_ap could give a guest: there and bound to it. */
static bool host_queue_passable(const void *ctx, uint16_t apqn)
{
	const struct apmig_host *h = ctx;
	const struct apmig_queue *q = h->queues[apqn];

	return q && q->driver == APMIG_DRV_VFIO_AP;
}

void apmig_host_filter_mdev(const struct apmig_host *host, struct apmig_mdev *m)
{
	apmig_filter_matrix(m->apm, m->aqm, host->apm, host->aqm,
			    host_queue_passable, host, m->guest_apm, m->guest_aqm);
}

static int host_load_mdev(struct apmig_loader *ld, struct apmig_host *h,
			  struct apmig_mdev *m)
{
	const char *mdir = "devices/vfio_ap/matrix";
	char *text = NULL;
	bool cut = false;
	int ret;

	ret = ld_text(ld, true, "%s/%s/ap_config", mdir, m->uuid);
	if (ret < 0)
		return ret;
	if (ret) {
		ret = parse_ap_config(ld, m);
		if (ret)
			return ret;
	} else {
		/* kernels before ap_config: matrix and control_domains */
		ret = ld_read_text(ld, false, &cut, &text, "%s/%s/matrix", mdir,
				   m->uuid);
		if (ret < 0)
			return ret;
		if (cut) {
			free(text);
			return apmig_error_set(ld->err, -EFBIG,
					       "%s: cut off by the kernel at %d bytes, and there is no ap_config to read the assignment from",
					       ld->path, APMIG_SHOW_MAX);
		}
		ret = parse_matrix(ld, text, m->apm, m->aqm);
		free(text);
		if (ret)
			return ret;
		ret = ld_read_text(ld, false, NULL, &text,
				   "%s/%s/control_domains", mdir, m->uuid);
		if (ret < 0)
			return ret;
		ret = parse_domains(ld, text, m->adm);
		free(text);
		if (ret)
			return ret;
	}

	ret = ld_read_text(ld, true, &cut, &text, "%s/%s/guest_matrix", mdir,
			   m->uuid);
	if (ret < 0)
		return ret;
	if (!ret || cut) {
		/*
		 * no guest_matrix attribute, or one cut off at a page (a guest
		 * of more than 511 queues): vfio_ap's filter, as it computes it
		 */
		free(text);
		m->guest_cut = cut;
		apmig_host_filter_mdev(h, m);
		return 0;
	}
	ret = parse_matrix(ld, text, m->guest_apm, m->guest_aqm);
	free(text);
	return ret;
}

static int cmp_mdev(const void *a, const void *b)
{
	return strcmp(((const struct apmig_mdev *)a)->uuid,
		      ((const struct apmig_mdev *)b)->uuid);
}

static int host_load_vfio_ap(struct apmig_loader *ld, struct apmig_host *h)
{
	struct dirent *de;
	size_t cap = 0, i;
	char *tok, *save;
	DIR *d;
	int ret;

	ret = ld_path(ld, "devices/vfio_ap/matrix");
	if (ret)
		return ret;
	d = opendir(ld->path);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* vfio_ap not loaded */
		return apmig_error_set(ld->err, -errno, "%s: cannot list: %s",
				       ld->path, strerror(errno));
	}
	h->vfio_ap = true;
	ret = 0;
	while ((de = readdir(d))) {
		struct apmig_mdev *m;

		if (!apmig_host_is_uuid(de->d_name))
			continue;
		if (h->nr_mdevs == cap) {
			cap = cap ? cap * 2 : 4;
			m = realloc(h->mdevs, cap * sizeof(*m));
			if (!m) {
				ret = apmig_error_set(ld->err, -ENOMEM,
						      "out of memory");
				break;
			}
			h->mdevs = m;
		}
		m = &h->mdevs[h->nr_mdevs++];
		memset(m, 0, sizeof(*m));
		strcpy(m->uuid, de->d_name);
	}
	closedir(d);
	if (ret)
		return ret;
	qsort(h->mdevs, h->nr_mdevs, sizeof(*h->mdevs), cmp_mdev);

	ret = ld_text(ld, true, "devices/vfio_ap/matrix/features");
	if (ret < 0)
		return ret;
	if (ret) {
		for (tok = strtok_r(ld->val, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			if (!strcmp(tok, "migratable"))
				h->migratable = true;
	}

	for (i = 0; i < h->nr_mdevs; i++) {
		ret = host_load_mdev(ld, h, &h->mdevs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Point each queue at the mdev that holds it; a guest runs if one is in use. */
static void host_link_mdevs(struct apmig_host *h)
{
	unsigned long apid, apqi;
	struct apmig_queue *q;
	size_t i;

	for (i = 0; i < h->nr_mdevs; i++) {
		struct apmig_mdev *m = &h->mdevs[i];

		for_each_set_bit_inv(apid, m->apm, VFIO_AP_MIG_IDS) {
			for_each_set_bit_inv(apqi, m->aqm, VFIO_AP_MIG_IDS) {
				q = h->queues[VFIO_AP_MIG_APQN(apid, apqi)];
				if (q && q->mdev < 0)
					q->mdev = (int)i;
			}
		}
	}
	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++) {
		q = h->queues[i];
		if (q && q->mdev >= 0 && q->status == APMIG_QST_IN_USE)
			h->mdevs[q->mdev].has_guest = true;
	}
}

/* Replace each @from in @err->msg by @to (a temporary directory's name). */
static void host_rename_in_error(struct apmig_error *err, const char *from,
				 const char *to)
{
	char out[sizeof(err->msg)], *hit, *p;
	size_t o = 0, flen = strlen(from);
	int n;

	if (!err || !flen)
		return;
	out[0] = '\0';
	for (p = err->msg; (hit = strstr(p, from)) && o < sizeof(out) - 1;
	     p = hit + flen) {
		n = snprintf(out + o, sizeof(out) - o, "%.*s%s",
			     (int)(hit - p), p, to);
		o = n < 0 || o + n >= sizeof(out) ? sizeof(out) - 1 : o + n;
	}
	if (o < sizeof(out) - 1)
		snprintf(out + o, sizeof(out) - o, "%s", p);
	strcpy(err->msg, out);
}

/* Extract the capture archive @tar into a new temporary directory @dir. */
static int host_extract(const char *tar, char *dir, size_t len,
			struct apmig_error *err)
{
	const char *tmp = getenv("TMPDIR");
	int ret;

	if (snprintf(dir, len, "%s/apmig-capture-XXXXXX",
		     tmp && *tmp ? tmp : "/tmp") >= (int)len)
		return apmig_error_set(err, -ENAMETOOLONG,
				       "%s: temporary directory: path too long",
				       tar);
	if (!mkdtemp(dir)) {
		ret = apmig_error_set(err, -errno,
				      "%s: temporary directory %s: %s", tar,
				      dir, strerror(errno));
		dir[0] = '\0';
		return ret;
	}
	ret = apmig_tar_extract(tar, dir, err);
	if (ret)
		host_rename_in_error(err, dir, tar);
	return ret;
}

static int host_load_root(struct apmig_loader *ld, struct apmig_host *h)
{
	struct stat st;
	int ret;

	ret = apmig_capture_manifest_load(ld->root, &h->capture, ld->err);
	if (ret < 0)
		return ret;
	ld->capture = h->capture;
	ret = ld_path(ld, "bus/ap");
	if (ret)
		return ret;
	if (stat(ld->path, &st) < 0 || !S_ISDIR(st.st_mode))
		return apmig_error_set(ld->err, -ENOENT,
				       "%s: no AP bus here (not the sysfs of an s390 host with the ap module?)",
				       ld->path);
	ret = host_load_bus(ld, h);
	if (!ret)
		ret = host_load_cards(ld, h);
	if (!ret)
		ret = host_load_vfio_ap(ld, h);
	return ret;
}

int apmig_host_load(struct apmig_host **host, const char *root,
		    struct apmig_error *err)
{
	char tmp[APMIG_SYSFS_PATH_MAX] = "";
	struct apmig_loader *ld;
	struct apmig_host *h;
	struct stat st;
	int ret;

	*host = NULL;
	if (!root)
		root = apmig_sysfs_root(NULL);
	ld = calloc(1, sizeof(*ld));
	h = calloc(1, sizeof(*h));
	if (!ld || !h) {
		ret = apmig_error_set(err, -ENOMEM, "out of memory");
		goto out_free;
	}
	ld->root = root;
	ld->err = err;
	h->max_adapter_id = -1;
	h->max_domain_id = -1;
	h->target_mdev = -1;
	if (strlen(root) >= sizeof(h->root)) {
		ret = apmig_error_set(err, -ENAMETOOLONG, "%s: path too long",
				      root);
		goto out_free;
	}
	strcpy(h->root, root);

	/* a capture's tar archive: read from a private copy */
	if (!stat(root, &st) && S_ISREG(st.st_mode)) {
		if (!apmig_tar_is_archive(root)) {
			ret = apmig_error_set(err, -EINVAL,
					      "%s: neither a directory nor a tar archive",
					      root);
			goto out_free;
		}
		ret = host_extract(root, tmp, sizeof(tmp), err);
		if (ret)
			goto out_free;
		ld->root = tmp;
	}

	ret = host_load_root(ld, h);
	if (ret) {
		if (tmp[0])
			host_rename_in_error(err, tmp, root);
		goto out_free;
	}
	host_link_mdevs(h);
	if (tmp[0])
		apmig_tar_rmtree(tmp);
	free(ld);
	*host = h;
	return 0;

out_free:
	if (tmp[0])
		apmig_tar_rmtree(tmp);
	apmig_host_free(h);
	free(ld);
	return ret;
}

void apmig_host_free(struct apmig_host *host)
{
	size_t i;

	if (!host)
		return;
	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++)
		free(host->queues[i]);
	free(host->mdevs);
	apmig_capture_manifest_free(host->capture);
	free(host->capture);
	free(host);
}

const struct apmig_queue *apmig_host_queue(const struct apmig_host *host,
					   uint16_t apqn)
{
	return host->queues[apqn];
}

struct apmig_mdev *apmig_host_mdev(struct apmig_host *host, const char *uuid)
{
	size_t i;

	if (!uuid)
		return NULL;
	for (i = 0; i < host->nr_mdevs; i++)
		if (!strcasecmp(host->mdevs[i].uuid, uuid))
			return &host->mdevs[i];
	return NULL;
}

uint64_t apmig_host_queue_gr2(const struct apmig_host *host,
			      const struct apmig_queue *q)
{
	const struct apmig_card *c = &host->cards[VFIO_AP_MIG_APID(q->apqn)];

	if (!c->present)
		return (uint64_t)q->functions << 32;
	return (uint64_t)q->functions << 32 |
	       (uint64_t)(c->raw_hwtype & 0xff) << VFIO_AP_MIG_GR2_AT_SHIFT |
	       (uint64_t)c->ml << VFIO_AP_MIG_GR2_ML_SHIFT;
}

/* ---------------------------------------------------------------- vfio_ap rules */

void apmig_filter_matrix(const unsigned long *apm, const unsigned long *aqm,
			 const unsigned long *host_apm,
			 const unsigned long *host_aqm,
			 apmig_passable_t passable, const void *ctx,
			 unsigned long *shadow_apm, unsigned long *shadow_aqm)
{
	unsigned long apid, apqi;

	bitmap_and(shadow_apm, apm, host_apm, VFIO_AP_MIG_IDS);
	bitmap_and(shadow_aqm, aqm, host_aqm, VFIO_AP_MIG_IDS);
	for_each_set_bit_inv(apid, shadow_apm, VFIO_AP_MIG_IDS) {
		for_each_set_bit_inv(apqi, shadow_aqm, VFIO_AP_MIG_IDS) {
			if (!passable(ctx, VFIO_AP_MIG_APQN(apid, apqi))) {
				clear_bit_inv(apid, shadow_apm);
				break;
			}
		}
	}
}

void apmig_filter_cdoms(const unsigned long *adm, const unsigned long *host_adm,
			unsigned long *shadow_adm)
{
	bitmap_and(shadow_adm, adm, host_adm, VFIO_AP_MIG_IDS);
}

bool apmig_queue_in_use(bool bound, bool held_by_other_mdev)
{
	return held_by_other_mdev;
}

bool apmig_host_held_by_other(const struct apmig_host *host,
			      const struct apmig_mdev *except, uint16_t apqn)
{
	size_t i;

	for (i = 0; i < host->nr_mdevs; i++) {
		const struct apmig_mdev *m = &host->mdevs[i];

		if (m != except &&
		    test_bit_inv(VFIO_AP_MIG_APID(apqn), m->apm) &&
		    test_bit_inv(VFIO_AP_MIG_APQI(apqn), m->aqm))
			return true;
	}
	return false;
}

bool apmig_host_queue_deconfigured(const struct apmig_host *host,
				   const struct apmig_queue *q)
{
	const struct apmig_card *c = &host->cards[VFIO_AP_MIG_APID(q->apqn)];

	return !q->config || (c->present && !c->config);
}

bool apmig_host_queue_checkstopped(const struct apmig_host *host,
				   const struct apmig_queue *q)
{
	const struct apmig_card *c = &host->cards[VFIO_AP_MIG_APID(q->apqn)];

	return q->chkstop || (c->present && c->chkstop);
}

void apmig_host_shadow_apcb(const struct apmig_host *host,
			    const struct apmig_mdev *mdev, unsigned long *apm,
			    unsigned long *aqm, unsigned long *adm)
{
	bitmap_copy(apm, mdev->guest_apm, VFIO_AP_MIG_IDS);
	bitmap_copy(aqm, mdev->guest_aqm, VFIO_AP_MIG_IDS);
	apmig_filter_cdoms(mdev->adm, host->adm, adm);
}

int apmig_host_guest_config(const struct apmig_host *host,
			    const struct apmig_mdev *mdev,
			    struct vfio_ap_mig_config *cfg,
			    struct apmig_error *err)
{
	const struct apmig_queue *q;
	char path[APMIG_SYSFS_PATH_MAX];
	u32 i;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	apmig_host_shadow_apcb(host, mdev, cfg->apm, cfg->aqm, cfg->adm);
	ret = vfio_ap_mig_config_fill_apqns(cfg);
	if (ret)
		return apmig_error_set(err, ret, "out of memory");
	for (i = 0; i < cfg->nr_queues; i++) {
		u16 apqn = cfg->queues[i].apqn;

		q = host->queues[apqn];
		if (q && q->read_err) {
			vfio_ap_mig_config_free(cfg);
			return apmig_error_set(err, q->read_err,
					       "mdev %s: queue %02x.%04x: ap_functions: cannot read: %s",
					       mdev->uuid, VFIO_AP_MIG_APID(apqn),
					       VFIO_AP_MIG_APQI(apqn),
					       strerror(-q->read_err));
		}
		if (!q) {
			unsigned int apid = VFIO_AP_MIG_APID(apqn);
			unsigned int apqi = VFIO_AP_MIG_APQI(apqn);

			if (apmig_sysfs_path(path, sizeof(path), host->root,
					     "devices/ap/card%02x/%02x.%04x",
					     apid, apid, apqi))
				path[0] = '\0';
			vfio_ap_mig_config_free(cfg);
			return apmig_error_set(err, -ENODEV,
					       "mdev %s: queue %02x.%04x is not on this host (no %s)",
					       mdev->uuid, apid, apqi, path);
		}
		cfg->queues[i].gr2 = apmig_host_queue_gr2(host, q) &
				     VFIO_AP_MIG_GR2_MASK;
	}
	return 0;
}

/* The rules' lookup on a host: what its sysfs says of @apqn. */
static int apmig_host_lookup(void *ctx, u16 apqn,
			     struct vfio_ap_mig_target_queue *tq)
{
	const struct apmig_host *host = ctx;
	const struct apmig_queue *q = host->queues[apqn];
	const struct apmig_mdev *dest = host->target_mdev < 0 ? NULL :
					&host->mdevs[host->target_mdev];

	memset(tq, 0, sizeof(*tq));
	if (!q)
		return 0;
	tq->exists = true;
	tq->unconfigured = apmig_host_queue_deconfigured(host, q) ||
			   !vfio_ap_mig_apqn_configured(host->apm, host->aqm, apqn);
	tq->checkstopped = apmig_host_queue_checkstopped(host, q);
	tq->bound = q->driver == APMIG_DRV_VFIO_AP;
	tq->in_use = apmig_queue_in_use(tq->bound,
					apmig_host_held_by_other(host, dest, apqn));
	tq->gr2 = apmig_host_queue_gr2(host, q);
	return 0;
}

void apmig_host_target(struct apmig_host *host, const char *dest_uuid,
		       struct vfio_ap_mig_target *tgt)
{
	struct apmig_mdev *m = apmig_host_mdev(host, dest_uuid);

	host->target_mdev = m ? (int)(m - host->mdevs) : -1;
	memset(tgt, 0, sizeof(*tgt));
	tgt->lookup = apmig_host_lookup;
	tgt->ctx = host;
	if (m)
		apmig_host_shadow_apcb(host, m, tgt->apm, tgt->aqm, tgt->adm);
}
