// SPDX-License-Identifier: GPL-2.0
/*
 * apmig check: does the destination mdev, as the administrator prepared it,
 * give the source guest its AP configuration on compatible hardware? The
 * verdict is the one of the kernel's own rules (vfio_ap_mig_check), every
 * problem and guest-visible change worded by vfio_ap_mig_format_problem.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <linux/bitmap.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_codes.h"
#include "apmig_findings.h"
#include "apmig_host.h"
#include "apmig_mdevctl.h"
#include "apmig_output.h"

#include "commands.h"
#include "domain.h"
#include "input.h"
#include "options.h"

struct check_args {
	const char *source_dir;
	const char *source_stream;
	const char *target_dir;
	const char *uuid;		/* the source mdev */
	const char *target_uuid;
	const char *target_mdevctl;
	const char *domain;		/* --domain: virsh dumpxml */
	const char *domain_xml;		/* --domain-xml */
	struct apmig_domain dom;	/* gives uuid with either */
	bool json;
};

/* What the rules reported, in their order. */
struct check_list {
	struct vfio_ap_mig_problem *v;
	size_t n, cap;
};

struct check_problems {
	struct check_list refused;	/* problems: the verdict */
	struct check_list changes;	/* guest-visible changes: warnings */
	bool nomem;
};

/* How the destination mdev is known. */
enum check_dest {
	CHECK_DEST_ABSENT,	/* a UUID the target does not have: gives nothing */
	CHECK_DEST_SYSFS,	/* an mdev of the target's sysfs */
	CHECK_DEST_MDEVCTL,	/* defined by an mdevctl file */
};

static const char *const check_dest_names[] = {
	[CHECK_DEST_ABSENT] = "absent",
	[CHECK_DEST_SYSFS] = "sysfs",
	[CHECK_DEST_MDEVCTL] = "mdevctl",
};

static void check_collect(void *ctx, const struct vfio_ap_mig_problem *p)
{
	struct check_problems *pr = ctx;
	struct check_list *l = p->change ? &pr->changes : &pr->refused;
	struct vfio_ap_mig_problem *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? 2 * l->cap : 16;
		v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			pr->nomem = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *p;
}

/* The source guest's configuration, from a host tree or a stream. */
/*
 * The source guest's configuration, from a host tree or a stream; with a
 * tree, *@host and *@mdev stay loaded for the findings (the caller frees).
 */
static int check_load_source(const struct check_args *a,
			     struct vfio_ap_mig_config *cfg,
			     struct apmig_host **host, struct apmig_mdev **mdev)
{
	struct apmig_error err;

	*host = NULL;
	*mdev = NULL;
	if (a->source_stream)
		return apmig_read_stream("check", a->source_stream, cfg);

	if (apmig_host_load(host, a->source_dir, &err) < 0)
		return apmig_fail("check", "source: %s", err.msg);
	*mdev = apmig_host_mdev(*host, a->uuid);
	if (!*mdev)
		return apmig_fail("check", "source: %s: no such mediated device in %s",
				  a->uuid, a->source_dir);
	if (apmig_host_guest_config(*host, *mdev, cfg, &err) < 0)
		return apmig_fail("check", "source: %s", err.msg);
	return 0;
}

/*
 * Load the target host and settle the destination mdev: --target-uuid, else
 * the mdevctl file's name, else the source UUID; one of them is needed. With
 * an mdevctl file the host is made to look as it will once mdevctl has
 * started the mdev.
 */
static int check_load_target(const struct check_args *a,
			     struct apmig_mdevctl_def *def,
			     struct apmig_host **host, const char **dest,
			     enum check_dest *how)
{
	struct apmig_error err;

	*dest = a->target_uuid;
	if (a->target_mdevctl) {
		if (apmig_mdevctl_load(a->target_mdevctl, def, &err) < 0)
			return apmig_fail("check", "%s", err.msg);
		if (!*dest && def->uuid[0])
			*dest = def->uuid;
		if (!*dest)
			return apmig_cmd_usage_error(&apmig_cmd_check,
						     "%s is not named by a UUID: give --target-uuid",
						     a->target_mdevctl);
	}
	if (!*dest)
		*dest = a->uuid;

	if (apmig_host_load(host, a->target_dir, &err) < 0)
		return apmig_fail("check", "target: %s", err.msg);
	if (a->target_mdevctl) {
		if (apmig_mdevctl_apply(*host, *dest, def, &err) < 0) {
			apmig_host_free(*host);
			return apmig_fail("check", "target: %s", err.msg);
		}
		*how = CHECK_DEST_MDEVCTL;
	} else {
		*how = apmig_host_mdev(*host, *dest) ? CHECK_DEST_SYSFS :
						       CHECK_DEST_ABSENT;
	}
	return 0;
}

static void check_print_text(const struct check_args *a,
			     const struct vfio_ap_mig_config *cfg,
			     bool has_guest, const struct apmig_findings *f,
			     const char *dest, enum check_dest how,
			     const struct check_problems *pr)
{
	size_t nr = pr->refused.n + apmig_findings_problems(f);
	char line[VFIO_AP_MIG_PROBLEM_LEN];
	size_t i;

	if (a->source_stream)
		printf("source:  stream %s", a->source_stream);
	else
		printf("source:  mdev %s (%s)", a->uuid,
		       has_guest ? "guest running" : "no guest");
	printf(": %u queue%s, %u control domain%s\n", cfg->nr_queues,
	       cfg->nr_queues == 1 ? "" : "s",
	       bitmap_weight(cfg->adm, VFIO_AP_MIG_IDS),
	       bitmap_weight(cfg->adm, VFIO_AP_MIG_IDS) == 1 ? "" : "s");
	if (apmig_get_verbosity() == APMIG_VERBOSE)
		apmig_print_masks(stdout, "  ", cfg->apm, cfg->aqm, cfg->adm);
	switch (how) {
	case CHECK_DEST_ABSENT:
		printf("target:  mdev %s (not on the target)\n", dest);
		break;
	case CHECK_DEST_SYSFS:
		printf("target:  mdev %s\n", dest);
		break;
	case CHECK_DEST_MDEVCTL:
		printf("target:  mdev %s (as defined by %s)\n", dest,
		       a->target_mdevctl);
		break;
	}
	for (i = 0; i < f->n; i++)
		if (!apmig_code_is_problem(f->v[i].code))
			printf("warning: %s\n", f->v[i].message);
	for (i = 0; i < pr->changes.n; i++) {
		const struct vfio_ap_mig_problem *p = &pr->changes.v[i];

		vfio_ap_mig_format_problem(p, line, sizeof(line));
		printf("warning: guest-visible change %d (%s): %s\n", p->what,
		       apmig_char_key(p->what), line);
	}
	if (!nr) {
		printf("verdict: compatible\n");
		return;
	}
	printf("verdict: incompatible, %zu problem%s\n", nr, nr == 1 ? "" : "s");
	for (i = 0; i < f->n; i++)
		if (apmig_code_is_problem(f->v[i].code))
			printf("  %s\n", f->v[i].message);
	for (i = 0; i < pr->refused.n; i++) {
		vfio_ap_mig_format_problem(&pr->refused.v[i], line, sizeof(line));
		printf("  %s\n", line);
	}
}

static int check_print_json(const struct check_args *a,
			    const struct vfio_ap_mig_config *cfg,
			    bool has_guest, const struct apmig_host *tgt,
			    const struct apmig_findings *f,
			    const char *dest, enum check_dest how,
			    const struct check_problems *pr)
{
	bool ok = !pr->refused.n && !apmig_findings_problems(f);
	struct json_object *obj = json_object_new_object();
	struct json_object *src = json_object_new_object();
	struct json_object *dst = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	struct json_object *chg = json_object_new_array();
	struct json_object *warn = json_object_new_array();
	size_t i;
	int ret;

	json_object_object_add(obj, "verdict",
			       json_object_new_string(ok ? "compatible" :
						      "incompatible"));

	json_object_object_add(src, "mdev", a->uuid && !a->source_stream ?
			       json_object_new_string(a->uuid) : NULL);
	json_object_object_add(src, "stream", a->source_stream ?
			       json_object_new_string(a->source_stream) : NULL);
	/* A stream does not say whether a guest runs: null, not false. */
	json_object_object_add(src, "guest", a->source_stream ? NULL :
			       json_object_new_boolean(has_guest));
	json_object_object_add(src, "queues", json_object_new_int((int)cfg->nr_queues));
	json_object_object_add(src, "adapters", apmig_json_ids(cfg->apm));
	json_object_object_add(src, "domains", apmig_json_ids(cfg->aqm));
	json_object_object_add(src, "control_domains", apmig_json_ids(cfg->adm));
	json_object_object_add(obj, "source", src);

	json_object_object_add(dst, "mdev", json_object_new_string(dest));
	json_object_object_add(dst, "mdev_from",
			       json_object_new_string(check_dest_names[how]));
	json_object_object_add(dst, "vfio_ap", json_object_new_boolean(tgt->vfio_ap));
	json_object_object_add(dst, "migratable",
			       json_object_new_boolean(tgt->migratable));
	json_object_object_add(obj, "target", dst);

	for (i = 0; i < f->n; i++)
		if (apmig_code_is_problem(f->v[i].code))
			json_object_array_add(arr, apmig_json_finding_problem(&f->v[i]));
	for (i = 0; i < pr->refused.n; i++)
		json_object_array_add(arr, apmig_json_problem(&pr->refused.v[i]));
	json_object_object_add(obj, "problems", arr);
	for (i = 0; i < pr->changes.n; i++)
		json_object_array_add(chg, apmig_json_problem(&pr->changes.v[i]));
	json_object_object_add(obj, "changes", chg);
	for (i = 0; i < f->n; i++)
		if (!apmig_code_is_problem(f->v[i].code))
			json_object_array_add(warn, apmig_json_finding_warning(&f->v[i]));
	json_object_object_add(obj, "warnings", warn);

	ret = apmig_json_print(stdout, obj);
	json_object_put(obj);
	return ret;
}

/*
 * --domain NAME or --domain-xml FILE: the domain's vfio-ap mdev is the
 * source mdev (and, by default, the destination's). Returns -1 to go on,
 * else an exit status.
 */
static int check_domain(struct check_args *a)
{
	const struct apmig_cmd *cmd = &apmig_cmd_check;
	const char *label;
	int ret;

	if (a->domain && a->domain_xml)
		return apmig_cmd_usage_error(cmd, "give either --domain NAME or --domain-xml FILE");
	if (a->uuid)
		return apmig_cmd_usage_error(cmd, "UUID '%s' and --domain%s exclude each other: the domain names its mdev",
					     a->uuid, a->domain ? "" : "-xml");
	if (a->domain_xml && a->source_stream &&
	    !strcmp(a->domain_xml, "-") && !strcmp(a->source_stream, "-"))
		return apmig_cmd_usage_error(cmd, "--domain-xml and --source-stream cannot both read standard input");
	ret = apmig_domain_load("check", a->domain, a->domain_xml, &a->dom);
	if (ret)
		return ret;
	label = a->domain ? a->domain : a->domain_xml;
	if (!a->dom.nr_uuids)
		return apmig_fail("check", "domain %s: no vfio-ap mediated device (<hostdev mode='subsystem' type='mdev' model='vfio-ap'>)",
				  label);
	if (a->dom.nr_uuids > 1)
		return apmig_fail("check", "domain %s: %zu vfio-ap mediated devices, libvirt allows one",
				  label, a->dom.nr_uuids);
	a->uuid = a->dom.uuids[0];
	return -1;
}

/* Parse the command line into @a; returns -1 to go on, else an exit status. */
static int check_parse(int argc, char *argv[], struct check_args *a)
{
	static const struct option opts[] = {
		APMIG_OPT_HELP, APMIG_OPT_JSON,
		{ "source", required_argument, NULL, 'S' },
		{ "source-stream", required_argument, NULL, 'I' },
		{ "target", required_argument, NULL, 'T' },
		{ "target-uuid", required_argument, NULL, 'U' },
		{ "target-mdevctl", required_argument, NULL, 'M' },
		{ "domain", required_argument, NULL, 'D' },
		{ "domain-xml", required_argument, NULL, 'X' },
		APMIG_OPT_END,
	};
	const struct apmig_cmd *cmd = &apmig_cmd_check;
	int c;

	while ((c = apmig_getopt(cmd, argc, argv, ":hj", opts)) != -1) {
		switch (c) {
		case 'h':
			return apmig_cmd_help(cmd);
		case 'j':
			a->json = true;
			apmig_json_errors(true);
			break;
		case 'S':
			if (apmig_opt_path(cmd, "source", optarg, &a->source_dir))
				return APMIG_EXIT_ERROR;
			break;
		case 'I':
			if (apmig_opt_path(cmd, "source-stream", optarg,
					   &a->source_stream))
				return APMIG_EXIT_ERROR;
			break;
		case 'T':
			if (apmig_opt_path(cmd, "target", optarg, &a->target_dir))
				return APMIG_EXIT_ERROR;
			break;
		case 'U':
			a->target_uuid = optarg;
			break;
		case 'M':
			if (apmig_opt_path(cmd, "target-mdevctl", optarg,
					   &a->target_mdevctl))
				return APMIG_EXIT_ERROR;
			break;
		case 'D':
			if (!*optarg)
				return apmig_cmd_usage_error(cmd, "--domain: empty name");
			a->domain = optarg;
			break;
		case 'X':
			if (apmig_opt_path(cmd, "domain-xml", optarg, &a->domain_xml))
				return APMIG_EXIT_ERROR;
			break;
		default:
			return APMIG_EXIT_ERROR;
		}
	}
	if (optind < argc)
		a->uuid = argv[optind++];
	if (optind < argc)
		return apmig_cmd_usage_error(cmd, "unexpected argument '%s'",
					     argv[optind]);
	if (a->domain || a->domain_xml) {
		int ret = check_domain(a);

		if (ret >= 0)
			return ret;
	}
	if (!a->source_dir == !a->source_stream)
		return apmig_cmd_usage_error(cmd, "give either --source DIR or --source-stream FILE");
	if (!a->target_dir)
		return apmig_cmd_usage_error(cmd, "no --target DIR given");
	if (a->source_dir && !a->uuid)
		return apmig_cmd_usage_error(cmd, "no source mediated device UUID given");
	if (!a->uuid && !a->target_uuid && !a->target_mdevctl)
		return apmig_cmd_usage_error(cmd, "no destination mdev: give UUID, --target-uuid or --target-mdevctl");
	if (a->uuid && !apmig_is_uuid(a->uuid))
		return apmig_cmd_usage_error(cmd, "'%s' is not a UUID", a->uuid);
	if (a->target_uuid && !apmig_is_uuid(a->target_uuid))
		return apmig_cmd_usage_error(cmd, "--target-uuid '%s' is not a UUID",
					     a->target_uuid);
	return -1;
}

static int cmd_check(int argc, char *argv[])
{
	struct check_args a = { 0 };
	struct check_problems pr = { 0 };
	struct apmig_findings find = { 0 };
	struct apmig_host *src_host;
	struct apmig_mdev *src_mdev;
	struct apmig_mdevctl_def def;
	struct vfio_ap_mig_config cfg;
	struct vfio_ap_mig_target tgt;
	struct apmig_host *host;
	enum check_dest how = CHECK_DEST_ABSENT;
	const char *dest = NULL;
	bool has_guest;
	int ret;

	ret = check_parse(argc, argv, &a);
	if (ret >= 0)
		return ret;

	memset(&cfg, 0, sizeof(cfg));
	ret = check_load_source(&a, &cfg, &src_host, &src_mdev);
	if (ret)
		goto out_free_cfg;
	has_guest = src_mdev && src_mdev->has_guest;
	ret = check_load_target(&a, &def, &host, &dest, &how);
	if (ret)
		goto out_free_cfg;

	apmig_host_target(host, dest, &tgt);
	ret = vfio_ap_mig_check(&cfg, &tgt, check_collect, &pr);
	if (ret < 0) {
		ret = apmig_fail("check", "target: %s", strerror(-ret));
		goto out_free_host;
	}
	if (pr.nomem) {
		ret = apmig_fail("check", "out of memory");
		goto out_free_host;
	}
	apmig_findings_hosts(&find, src_host, src_mdev, host,
			     how == CHECK_DEST_ABSENT ? NULL :
			     apmig_host_mdev(host, dest), dest);
	apmig_findings_unreadable(&find, host, &cfg);
	if (a.json) {
		if (check_print_json(&a, &cfg, has_guest, host, &find, dest, how, &pr)) {
			ret = apmig_fail("check", "cannot write the output");
			goto out_free_host;
		}
	} else {
		check_print_text(&a, &cfg, has_guest, &find, dest, how, &pr);
	}
	ret = pr.refused.n || apmig_findings_problems(&find) ?
	      APMIG_EXIT_REFUSED : APMIG_EXIT_OK;
out_free_host:
	apmig_host_free(host);
out_free_cfg:
	apmig_host_free(src_host);
	free(pr.refused.v);
	free(pr.changes.v);
	vfio_ap_mig_config_free(&cfg);
	return ret;
}

const struct apmig_cmd apmig_cmd_check = {
	.name = "check",
	.json = true,
	.fn = cmd_check,
	.help = "tell whether a target host can take a guest's AP configuration",
	.usage =
	"Usage: apmig check --source DIR --target DIR [options] UUID\n"
	"       apmig check --source-stream FILE --target DIR [options] [UUID]\n"
	"       apmig check (--domain NAME | --domain-xml FILE)\n"
	"                   (--source DIR | --source-stream FILE) --target DIR [options]\n"
	"\n"
	"Check, by the rules the kernel applies when the migration stream\n"
	"arrives, whether the destination mdev, as prepared on the target host,\n"
	"gives the guest of mediated device UUID the same AP configuration on\n"
	"compatible hardware. The migration never changes the destination\n"
	"mdev: every queue or control domain it lacks or has in excess is a\n"
	"problem. Every problem is listed with its APQN or control domain, the\n"
	"characteristic and both values; a guest-visible change (newer AP type,\n"
	"class change) is a warning. A vfio_ap without 'migratable' on either\n"
	"host, a destination mdev that is absent or in use by a running guest,\n"
	"and a Secure Execution source are problems too (codes 100 and up).\n"
	"Exit status: 0 compatible, 1 incompatible, 2 error.\n"
	"\n"
	"Options:\n"
	"  --source DIR           the source host's sysfs tree (UUID names the mdev)\n"
	"  --source-stream FILE   a migration stream ('-': standard input), e.g.\n"
	"                         from 'apmig export', instead of --source\n"
	"  --target DIR           the target host's sysfs tree\n"
	"  --target-uuid UUID     the destination mdev (default: the mdevctl file's\n"
	"                         name, else UUID)\n"
	"  --target-mdevctl FILE  the destination mdev's mdevctl definition\n"
	"                         (/etc/mdevctl.d/matrix/<uuid>) replaces its sysfs state\n"
	"  --domain NAME          the libvirt domain whose vfio-ap mdev is UUID\n"
	"                         (its XML from 'virsh dumpxml')\n"
	"  --domain-xml FILE      the same from a domain XML file ('-': standard\n"
	"                         input), e.g. in a libvirt hook\n"
	"  -j, --json             print the verdict as JSON (see apmig(8))\n"
	"  -h, --help             print this help\n",
};
