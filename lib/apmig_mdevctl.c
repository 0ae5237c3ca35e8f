// SPDX-License-Identifier: GPL-2.0
/*
 * mdevctl definitions of vfio_ap mediated devices (json-c): parse the
 * assign_ and unassign_ attributes in file order, as mdevctl writes them to
 * sysfs when it starts the mdev, and lay the result onto a host model.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include <linux/bitmap.h>
#include <linux/bitops.h>

#include "apmig_host.h"
#include "apmig_mdevctl.h"
#include "apmig_sysfs.h"

/* A definition file is a few hundred bytes; refuse absurd ones. */
#define APMIG_MDEVCTL_MAX_FILE	(1 << 20)
/* Room for a key or value of the file quoted in an error message. */
#define APMIG_MDEVCTL_QUOTE	64

static int apmig_mdevctl_err(struct apmig_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int apmig_mdevctl_err(struct apmig_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool apmig_is_uuid(const char *s)
{
	size_t i;

	for (i = 0; i < APMIG_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return s[i] == '\0';
}

/*
 * Parse @s as the kernel's kstrtoul(s, 0, ...) does: optional '+', "0x"
 * hex, leading '0' octal, else decimal, one trailing newline allowed.
 */
static int apmig_kstrtoul(const char *s, unsigned long *res)
{
	unsigned long v = 0, digit;
	unsigned int base = 10;
	const char *p;

	if (*s == '+')
		s++;
	if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x' &&
	    isxdigit((unsigned char)s[2])) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digit = *p - '0';
		else if (isxdigit((unsigned char)*p))
			digit = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (digit >= base)
			break;
		if (v > (~0UL - digit) / base)
			return -ERANGE;
		v = v * base + digit;
	}
	if (p == s)
		return -EINVAL;
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*res = v;
	return 0;
}

/* One attribute kind: which mask it changes and whether it sets or clears. */
struct apmig_mdevctl_attr {
	const char *name;
	size_t mask;		/* offsetof the mask in the definition */
	bool assign;
};

#define APMIG_ATTR(n, m, a) { n, offsetof(struct apmig_mdevctl_def, m), a }
static const struct apmig_mdevctl_attr apmig_mdevctl_attrs[] = {
	APMIG_ATTR("assign_adapter", apm, true),
	APMIG_ATTR("unassign_adapter", apm, false),
	APMIG_ATTR("assign_domain", aqm, true),
	APMIG_ATTR("unassign_domain", aqm, false),
	APMIG_ATTR("assign_control_domain", adm, true),
	APMIG_ATTR("unassign_control_domain", adm, false),
};

/* Apply attribute @idx, the one-member object @entry, to @def. */
static int apmig_mdevctl_attr(struct apmig_mdevctl_def *def, const char *name,
			      size_t idx, struct json_object *entry,
			      struct apmig_error *err)
{
	const struct apmig_mdevctl_attr *a = NULL;
	char q[APMIG_MDEVCTL_QUOTE];
	struct json_object_iterator it, end;
	unsigned long *mask, id;
	struct json_object *val;
	const char *key, *s;
	size_t i;

	if (!json_object_is_type(entry, json_type_object) ||
	    json_object_object_length(entry) != 1)
		return apmig_mdevctl_err(err, "%s: attrs[%zu]: not an object with one attribute",
					 name, idx);
	it = json_object_iter_begin(entry);
	end = json_object_iter_end(entry);
	if (json_object_iter_equal(&it, &end))
		return apmig_mdevctl_err(err, "%s: attrs[%zu]: empty", name, idx);
	key = json_object_iter_peek_name(&it);
	val = json_object_iter_peek_value(&it);

	for (i = 0; i < sizeof(apmig_mdevctl_attrs) / sizeof(*a); i++)
		if (!strcmp(key, apmig_mdevctl_attrs[i].name))
			a = &apmig_mdevctl_attrs[i];
	if (!a)
		return apmig_mdevctl_err(err, "%s: attrs[%zu]: \"%s\" is not a vfio_ap matrix attribute",
					 name, idx,
					 apmig_sysfs_quote(key, q, sizeof(q)));
	if (!json_object_is_type(val, json_type_string))
		return apmig_mdevctl_err(err, "%s: attrs[%zu]: %s: value %s is not a string",
					 name, idx, key,
					 json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
	s = json_object_get_string(val);
	if (apmig_kstrtoul(s, &id))
		return apmig_mdevctl_err(err, "%s: attrs[%zu]: %s: \"%s\" is not a number",
					 name, idx, key,
					 apmig_sysfs_quote(s, q, sizeof(q)));
	if (id >= VFIO_AP_MIG_IDS)
		return apmig_mdevctl_err(err, "%s: attrs[%zu]: %s: \"%s\" is above %d",
					 name, idx, key,
					 apmig_sysfs_quote(s, q, sizeof(q)),
					 VFIO_AP_MIG_IDS - 1);

	mask = (unsigned long *)((char *)def + a->mask);
	if (a->assign)
		set_bit_inv(id, mask);
	else
		clear_bit_inv(id, mask);
	if (a->mask == offsetof(struct apmig_mdevctl_def, apm)) {
		if ((int)id > def->max_adapter)
			def->max_adapter = (int)id;
	} else if ((int)id > def->max_domain) {
		def->max_domain = (int)id;
	}
	return 0;
}

/* Check the members other than "attrs". */
static int apmig_mdevctl_head(struct json_object *root, const char *name,
			      struct apmig_mdevctl_def *def,
			      struct apmig_error *err)
{
	struct json_object *type, *start;
	const char *s;

	if (!json_object_object_get_ex(root, "mdev_type", &type))
		return apmig_mdevctl_err(err, "%s: no \"mdev_type\"", name);
	if (!json_object_is_type(type, json_type_string) ||
	    strcmp(json_object_get_string(type), APMIG_MDEVCTL_TYPE))
		return apmig_mdevctl_err(err, "%s: mdev_type %s is not \"%s\"", name,
					 json_object_to_json_string_ext(type, JSON_C_TO_STRING_PLAIN),
					 APMIG_MDEVCTL_TYPE);
	if (!json_object_object_get_ex(root, "start", &start))
		return 0;
	s = json_object_is_type(start, json_type_string) ?
	    json_object_get_string(start) : "";
	if (strcmp(s, "auto") && strcmp(s, "manual"))
		return apmig_mdevctl_err(err, "%s: start %s is neither \"auto\" nor \"manual\"",
					 name,
					 json_object_to_json_string_ext(start, JSON_C_TO_STRING_PLAIN));
	snprintf(def->start, sizeof(def->start), "%s", s);
	return 0;
}

/* Parse @text into a json-c tree; only whitespace may follow the value. */
static struct json_object *apmig_mdevctl_json(const char *text, size_t len,
					      const char *name,
					      struct apmig_error *err)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t end;

	if (len > APMIG_MDEVCTL_MAX_FILE) {
		apmig_mdevctl_err(err, "%s: larger than %d bytes", name,
				  APMIG_MDEVCTL_MAX_FILE);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return NULL;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!root && jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		json_object_put(root);
		apmig_mdevctl_err(err, "%s: not JSON: %s at byte %zu", name,
				  json_tokener_error_desc(jerr), end);
		return NULL;
	}
	while (end < len && isspace((unsigned char)text[end]))
		end++;
	if (end < len) {
		json_object_put(root);
		apmig_mdevctl_err(err, "%s: not JSON: trailing data at byte %zu",
				  name, end);
		return NULL;
	}
	return root;
}

int apmig_mdevctl_parse(const char *text, size_t len, const char *name,
			struct apmig_mdevctl_def *def, struct apmig_error *err)
{
	struct json_object *root, *attrs;
	const char *base;
	size_t i;
	int ret;

	memset(def, 0, sizeof(*def));
	def->max_adapter = -1;
	def->max_domain = -1;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (apmig_is_uuid(base))
		snprintf(def->uuid, sizeof(def->uuid), "%s", base);

	root = apmig_mdevctl_json(text, len, name, err);
	if (!root)
		return -EINVAL;
	if (!json_object_is_type(root, json_type_object)) {
		ret = apmig_mdevctl_err(err, "%s: not a JSON object", name);
		goto out_put;
	}
	ret = apmig_mdevctl_head(root, name, def, err);
	if (ret)
		goto out_put;
	if (!json_object_object_get_ex(root, "attrs", &attrs))
		goto out_put;
	if (!json_object_is_type(attrs, json_type_array)) {
		ret = apmig_mdevctl_err(err, "%s: attrs is not an array", name);
		goto out_put;
	}
	for (i = 0; i < json_object_array_length(attrs); i++) {
		ret = apmig_mdevctl_attr(def, name, i,
					 json_object_array_get_idx(attrs, i),
					 err);
		if (ret)
			break;
	}
out_put:
	json_object_put(root);
	return ret;
}

int apmig_mdevctl_load(const char *path, struct apmig_mdevctl_def *def,
		       struct apmig_error *err)
{
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
			 strerror(-ret));
		return ret;
	}
	text = malloc(APMIG_MDEVCTL_MAX_FILE + 1);
	if (!text) {
		close(fd);
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		return -ENOMEM;
	}
	/* Read one byte more than allowed to see a file that is too large. */
	while (len <= APMIG_MDEVCTL_MAX_FILE) {
		n = read(fd, text + len, APMIG_MDEVCTL_MAX_FILE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
				 strerror(-ret));
			goto out_free;
		}
		if (n == 0)
			break;
		len += n;
	}
	ret = apmig_mdevctl_parse(text, len, path, def, err);
out_free:
	free(text);
	close(fd);
	return ret;
}

/* Is every id @def names within the host's maximum ids, as the driver requires? */
static int apmig_mdevctl_check_ids(const struct apmig_host *host,
				   const char *uuid,
				   const struct apmig_mdevctl_def *def,
				   struct apmig_error *err)
{
	if (host->max_adapter_id >= 0 && def->max_adapter > host->max_adapter_id)
		return apmig_error_set(err, -ENODEV,
				       "mdevctl definition of %s: adapter %d is above the host's ap_max_adapter_id %d",
				       uuid, def->max_adapter, host->max_adapter_id);
	if (host->max_domain_id >= 0 && def->max_domain > host->max_domain_id)
		return apmig_error_set(err, -ENODEV,
				       "mdevctl definition of %s: domain %d is above the host's ap_max_domain_id %d",
				       uuid, def->max_domain, host->max_domain_id);
	return 0;
}

int apmig_mdevctl_apply(struct apmig_host *host, const char *uuid,
			const struct apmig_mdevctl_def *def,
			struct apmig_error *err)
{
	unsigned long apid, apqi;
	struct apmig_mdev *m;
	struct apmig_queue *q;
	size_t i;
	int idx, ret;

	if (!apmig_is_uuid(uuid))
		return apmig_error_set(err, -EINVAL, "%s is not a UUID", uuid);
	ret = apmig_mdevctl_check_ids(host, uuid, def, err);
	if (ret)
		return ret;

	m = apmig_host_mdev(host, uuid);
	if (!m) {
		m = realloc(host->mdevs, (host->nr_mdevs + 1) * sizeof(*m));
		if (!m)
			return apmig_error_set(err, -ENOMEM, "out of memory");
		host->mdevs = m;
		m = &host->mdevs[host->nr_mdevs++];
		memset(m, 0, sizeof(*m));
		snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	}
	idx = (int)(m - host->mdevs);
	bitmap_copy(m->apm, def->apm, VFIO_AP_MIG_IDS);
	bitmap_copy(m->aqm, def->aqm, VFIO_AP_MIG_IDS);
	bitmap_copy(m->adm, def->adm, VFIO_AP_MIG_IDS);

	/*
	 * The queues it held before are free; of the ones it names, those
	 * another mdev holds stay that mdev's (the driver refuses to share).
	 */
	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++) {
		q = host->queues[i];
		if (q && q->mdev == idx)
			q->mdev = -1;
	}
	for_each_set_bit_inv(apid, m->apm, VFIO_AP_MIG_IDS) {
		for_each_set_bit_inv(apqi, m->aqm, VFIO_AP_MIG_IDS) {
			q = host->queues[VFIO_AP_MIG_APQN(apid, apqi)];
			if (q && q->mdev < 0)
				q->mdev = idx;
		}
	}
	/* started, its guest gets what vfio_ap's filter lets through */
	apmig_host_filter_mdev(host, m);
	return 0;
}
