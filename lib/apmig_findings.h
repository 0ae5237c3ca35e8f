/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hosts say about a migration beyond the kernel's rules: a vfio_ap
 * without 'migratable', a destination mdev that does not exist or that a
 * running guest holds, a Secure Execution source. Each finding carries one
 * of the tool's stable codes (apmig_codes.h); `apmig check` reports them
 * with the rules' problems, `apmig migrate` with a refusal they explain.
 */
#ifndef APMIG_FINDINGS_H
#define APMIG_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "apmig_codes.h"
#include "apmig_host.h"

#define APMIG_MAX_FINDINGS	16

/**
 * struct apmig_finding - one problem or warning of the tool's own
 * @code: enum apmig_code
 * @message: one line, without a trailing newline
 */
struct apmig_finding {
	int code;
	char message[256];
};

struct apmig_findings {
	struct apmig_finding v[APMIG_MAX_FINDINGS];
	size_t n;
};

/* Append a finding with @code (a full list drops it). */
void apmig_findings_add(struct apmig_findings *f, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The findings of a migration of @src_mdev's guest on @src (both NULL for a
 * stream, which says nothing of its host) to the mdev @dest_uuid of @dst
 * (@dest: that mdev, NULL when @dst has none), problems first.
 */
void apmig_findings_hosts(struct apmig_findings *f,
			  const struct apmig_host *src,
			  const struct apmig_mdev *src_mdev,
			  const struct apmig_host *dst,
			  const struct apmig_mdev *dest, const char *dest_uuid);

/*
 * The target's queues whose ap_functions could not be read: a problem for
 * each one the source guest @cfg has (its characteristics are unknown), a
 * warning for the others.
 */
void apmig_findings_unreadable(struct apmig_findings *f,
			       const struct apmig_host *dst,
			       const struct vfio_ap_mig_config *cfg);

/* How many of @f are problems. */
size_t apmig_findings_problems(const struct apmig_findings *f);

/*
 * A problem as `apmig check --json` lists the rules' ones: apqn and
 * control_domain null, code, characteristic (its key), source and target
 * null, message. The caller owns the object.
 */
struct json_object *apmig_json_finding_problem(const struct apmig_finding *p);
/* A warning: code, key, message. */
struct json_object *apmig_json_finding_warning(const struct apmig_finding *w);

#endif /* APMIG_FINDINGS_H */
