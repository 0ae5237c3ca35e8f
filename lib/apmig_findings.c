// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's own findings on a migration: what makes it certain to fail
 * although the kernel's rules cannot see it, and what an orchestrator
 * should know although the verdict stands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/bitops.h>

#include "apmig_findings.h"

void apmig_findings_add(struct apmig_findings *f, int code, const char *fmt, ...)
{
	struct apmig_finding *x;
	va_list ap;

	if (f->n == APMIG_MAX_FINDINGS)
		return;
	x = &f->v[f->n++];
	x->code = code;
	va_start(ap, fmt);
	vsnprintf(x->message, sizeof(x->message), fmt, ap);
	va_end(ap);
}

void apmig_findings_hosts(struct apmig_findings *f,
			  const struct apmig_host *src,
			  const struct apmig_mdev *src_mdev,
			  const struct apmig_host *dst,
			  const struct apmig_mdev *dest, const char *dest_uuid)
{
	if (src && src->se_guest)
		apmig_findings_add(f, APMIG_CODE_SE_GUEST,
				   "the source host runs as a Secure Execution guest: its kernel refuses to migrate AP queues");
	if (src && src->vfio_ap && !src->migratable)
		apmig_findings_add(f, APMIG_CODE_SOURCE_NOT_MIGRATABLE,
				   "the source's vfio_ap does not offer 'migratable' (devices/vfio_ap/matrix/features): its kernel cannot send the guest's AP configuration");
	if (!dst->vfio_ap)
		apmig_findings_add(f, APMIG_CODE_NO_VFIO_AP,
				   "the target has no vfio_ap matrix device (vfio_ap not loaded)");
	else if (!dst->migratable)
		apmig_findings_add(f, APMIG_CODE_NOT_MIGRATABLE,
				   "the target's vfio_ap does not offer 'migratable' (devices/vfio_ap/matrix/features): its kernel cannot receive a migration");
	if (!dest)
		apmig_findings_add(f, APMIG_CODE_MDEV_ABSENT,
				   "mdev %s does not exist on the target: create it with the guest's configuration first",
				   dest_uuid);
	else if (dest->has_guest)
		apmig_findings_add(f, APMIG_CODE_MDEV_IN_USE,
				   "mdev %s is in use by a running guest on the target: the destination VMM cannot open it",
				   dest->uuid);
	if (src_mdev && !src_mdev->has_guest)
		apmig_findings_add(f, APMIG_CODE_SOURCE_IDLE,
				   "mdev %s has no running guest on the source: only its configuration was judged",
				   src_mdev->uuid);
}

void apmig_findings_unreadable(struct apmig_findings *f,
			       const struct apmig_host *dst,
			       const struct vfio_ap_mig_config *cfg)
{
	unsigned int i;

	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++) {
		const struct apmig_queue *q = dst->queues[i];
		bool needed;

		if (!q || !q->read_err)
			continue;
		needed = test_bit_inv(VFIO_AP_MIG_APID(i), cfg->apm) &&
			 test_bit_inv(VFIO_AP_MIG_APQI(i), cfg->aqm);
		apmig_findings_add(f, needed ? APMIG_CODE_QUEUE_UNREADABLE :
				   APMIG_CODE_OTHER_UNREADABLE,
				   "queue %02x.%04x: ap_functions cannot be read on the target (%s)%s",
				   VFIO_AP_MIG_APID(i), VFIO_AP_MIG_APQI(i),
				   strerror(-q->read_err), needed ?
				   ": the guest needs it, its characteristics are unknown" :
				   ": the guest does not need it");
	}
}

size_t apmig_findings_problems(const struct apmig_findings *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += apmig_code_is_problem(f->v[i].code);
	return n;
}

struct json_object *apmig_json_finding_problem(const struct apmig_finding *p)
{
	struct json_object *obj = json_object_new_object();
	const char *key = apmig_code_key(p->code);

	json_object_object_add(obj, "apqn", NULL);
	json_object_object_add(obj, "control_domain", NULL);
	json_object_object_add(obj, "code", json_object_new_int(p->code));
	json_object_object_add(obj, "characteristic",
			       key ? json_object_new_string(key) : NULL);
	json_object_object_add(obj, "source", NULL);
	json_object_object_add(obj, "target", NULL);
	json_object_object_add(obj, "message", json_object_new_string(p->message));
	return obj;
}

struct json_object *apmig_json_finding_warning(const struct apmig_finding *w)
{
	struct json_object *obj = json_object_new_object();
	const char *key = apmig_code_key(w->code);

	json_object_object_add(obj, "code", json_object_new_int(w->code));
	json_object_object_add(obj, "key", key ? json_object_new_string(key) : NULL);
	json_object_object_add(obj, "message", json_object_new_string(w->message));
	return obj;
}
