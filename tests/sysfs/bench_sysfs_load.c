// SPDX-License-Identifier: GPL-2.0
/*
 * Time apmig_host_load() on a host tree (e.g. 256 cards x 256 domains), then
 * the guest configuration of its first mdev and the rules against itself.
 */
#include <stdio.h>
#include <time.h>

#include "vfio_ap_mig_rules.h"
#include "vfio_ap_mig_stream.h"

#include "apmig_host.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	struct vfio_ap_mig_config cfg;
	struct vfio_ap_mig_target tgt;
	struct apmig_error err;
	struct apmig_host *h;
	double t0, t1, t2, c0, c1;
	int i, n = 0, problems;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SYSFS_ROOT\n", argv[0]);
		return 2;
	}
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (apmig_host_load(&h, argv[1], &err)) {
		fprintf(stderr, "load: %s\n", err.msg);
		return 1;
	}
	t1 = clock_s(CLOCK_MONOTONIC);
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < VFIO_AP_MIG_MAX_QUEUES; i++)
		n += h->queues[i] != NULL;
	if (!h->nr_mdevs ||
	    apmig_host_guest_config(h, &h->mdevs[0], &cfg, &err)) {
		fprintf(stderr, "guest config: %s\n",
			h->nr_mdevs ? err.msg : "no mdev");
		apmig_host_free(h);
		return 1;
	}
	apmig_host_target(h, h->mdevs[0].uuid, &tgt);
	problems = vfio_ap_mig_check(&cfg, &tgt, NULL, NULL);
	t2 = clock_s(CLOCK_MONOTONIC);
	printf("loaded %d queues, %zu mdevs in %.3f s (%.3f s CPU); guest config of %u queues + check (%d problems) in %.3f s\n",
	       n, h->nr_mdevs, t1 - t0, c1 - c0, cfg.nr_queues, problems,
	       t2 - t1);
	vfio_ap_mig_config_free(&cfg);
	apmig_host_free(h);
	return problems ? 1 : 0;
}
