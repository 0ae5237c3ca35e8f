// SPDX-License-Identifier: GPL-2.0
/*
 * apmig capture: snapshot the AP and vfio_ap sysfs of this host (the trees
 * the host reader reads) into a directory or a tar archive that check,
 * show and export read back with --sysfs, --source or --target.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apmig_capture.h"
#include "apmig_host.h"
#include "apmig_output.h"

#include "commands.h"
#include "options.h"

/* Whether @path names a tar archive to write: it ends with ".tar". */
static bool capture_is_tar(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcmp(path + n - 4, ".tar");
}

static void capture_report(const struct apmig_capture_opts *o,
			   const struct apmig_capture_manifest *m)
{
	size_t i, skipped = 0, unreadable = 0;

	for (i = 0; i < m->nr_items; i++) {
		if (m->items[i].skipped)
			skipped++;
		else
			unreadable++;
	}
	printf("captured %s into %s (%s): %lu director%s, %lu attribute%s, %lu link%s\n",
	       o->root, o->out, o->tar ? "tar archive" : "directory",
	       m->dirs, m->dirs == 1 ? "y" : "ies", m->files,
	       m->files == 1 ? "" : "s", m->links, m->links == 1 ? "" : "s");
	printf("skipped: %zu write-only or refused attribute%s\n", skipped,
	       skipped == 1 ? "" : "s");
	for (i = 0; apmig_get_verbosity() == APMIG_VERBOSE && i < m->nr_items; i++)
		if (m->items[i].skipped)
			printf("  %s: %s\n", m->items[i].path,
			       m->items[i].err == -EACCES ?
			       "write-only or not readable" :
			       strerror(-m->items[i].err));
	printf("unreadable: %zu attribute%s%s\n", unreadable,
	       unreadable == 1 ? "" : "s", unreadable ? " (they read back as this error)" : "");
	for (i = 0; i < m->nr_items; i++)
		if (!m->items[i].skipped)
			printf("  %s: %s\n", m->items[i].path,
			       strerror(-m->items[i].err));
}

static int cmd_capture(int argc, char *argv[])
{
	static const struct option opts[] = {
		APMIG_OPT_HELP, APMIG_OPT_SYSFS,
		{ "output", required_argument, NULL, 'o' },
		APMIG_OPT_END,
	};
	struct apmig_capture_opts o = { 0 };
	struct apmig_capture_manifest m;
	const char *sysfs = NULL;
	struct apmig_error err;
	int c;

	while ((c = apmig_getopt(&apmig_cmd_capture, argc, argv, ":hs:o:", opts)) != -1) {
		switch (c) {
		case 'h':
			return apmig_cmd_help(&apmig_cmd_capture);
		case 's':
			if (apmig_opt_path(&apmig_cmd_capture, "sysfs", optarg, &sysfs))
				return APMIG_EXIT_ERROR;
			break;
		case 'o':
			if (apmig_opt_path(&apmig_cmd_capture, "output", optarg, &o.out))
				return APMIG_EXIT_ERROR;
			break;
		default:
			return APMIG_EXIT_ERROR;
		}
	}
	if (optind < argc)
		return apmig_cmd_usage_error(&apmig_cmd_capture,
					     "unexpected argument '%s'", argv[optind]);
	if (!o.out)
		return apmig_cmd_usage_error(&apmig_cmd_capture,
					     "no output given (-o DIR or -o FILE.tar)");
	if (apmig_cmd_time(&apmig_cmd_capture, &o.time))
		return APMIG_EXIT_ERROR;
	o.root = apmig_sysfs_root(sysfs);
	o.tar = capture_is_tar(o.out);

	if (apmig_capture(&o, &m, &err) < 0) {
		apmig_capture_manifest_free(&m);
		return apmig_fail("capture", "%s", err.msg);
	}
	capture_report(&o, &m);
	apmig_capture_manifest_free(&m);
	return APMIG_EXIT_OK;
}

const struct apmig_cmd apmig_cmd_capture = {
	.name = "capture",
	.fn = cmd_capture,
	.help = "snapshot this host's AP and vfio_ap sysfs for check and show",
	.usage =
	"Usage: apmig capture [--sysfs DIR] -o DIR|FILE.tar\n"
	"\n"
	"Copy the AP bus, the AP cards and queues, the vfio_ap matrix device with\n"
	"its mediated devices and the Secure Execution flag from sysfs (the trees\n"
	"apmig reads, and nothing else) into the new or empty directory DIR, or\n"
	"into the tar archive FILE.tar (a name ending with .tar). Attributes are\n"
	"copied as a read returns them, symbolic links as links; write-only\n"
	"attributes are skipped; an attribute whose read fails is recorded and\n"
	"reads back as the same error. A manifest (apmig-capture.json) records the\n"
	"host name, kernel release, time (SOURCE_DATE_EPOCH if set) and apmig\n"
	"version; 'apmig show' prints it. Give the capture to show, export and\n"
	"check with --sysfs, --source or --target, or APMIG_SYSFS_ROOT.\n"
	"\n"
	"Options:\n"
	"  -s, --sysfs DIR    read the host from DIR instead of $APMIG_SYSFS_ROOT or /sys\n"
	"  -o, --output PATH  the directory, or FILE.tar, to write\n"
	"  -h, --help         print this help\n",
};
