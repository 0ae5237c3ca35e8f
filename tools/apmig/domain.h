/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vfio-ap mediated devices of a libvirt domain, from its XML (a file,
 * standard input or `virsh dumpxml`).
 */
#ifndef APMIG_DOMAIN_H
#define APMIG_DOMAIN_H

#include <stddef.h>

/* libvirt allows one vfio-ap hostdev per domain; a few more are reported. */
#define APMIG_DOMAIN_MAX_MDEVS	8

/**
 * struct apmig_domain - what apmig needs of a domain
 * @name: the domain's <name>, "" when the XML has none
 * @uuids: the UUIDs of its <hostdev mode='subsystem' type='mdev'
 *         model='vfio-ap'>, in document order
 * @nr_uuids: how many
 */
struct apmig_domain {
	char name[256];
	char uuids[APMIG_DOMAIN_MAX_MDEVS][37];
	size_t nr_uuids;
};

/**
 * apmig_domain_parse() - find a domain's vfio-ap mediated devices
 * @xml: the domain XML, @len bytes (need not be NUL-terminated)
 * @dom: filled in
 * @why: on failure, what is wrong and where ("line 3: ..."), @whylen bytes
 *
 * A small scanner, not a validating parser: it follows elements, skips
 * comments, processing instructions, CDATA and DOCTYPE, and refuses what it
 * cannot follow (an unterminated tag or comment, a mismatched end tag).
 *
 * Returns 0, or -EINVAL with @why filled in.
 */
int apmig_domain_parse(const char *xml, size_t len, struct apmig_domain *dom,
		       char *why, size_t whylen);

/**
 * apmig_domain_load() - the vfio-ap mediated devices of a libvirt domain
 * @what: the command, for messages ("check")
 * @name: the domain, asked of `virsh dumpxml --domain NAME`, or NULL
 * @xml_path: a file holding the domain XML ("-": standard input), or NULL
 * @dom: filled in
 *
 * Exactly one of @name and @xml_path is given. Errors are reported as
 * "apmig: <what>: <why>".
 *
 * Returns 0 or the exit status 2.
 */
int apmig_domain_load(const char *what, const char *name, const char *xml_path,
		      struct apmig_domain *dom);

#endif /* APMIG_DOMAIN_H */
