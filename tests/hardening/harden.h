/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures of the hardening tests: two simulated hosts built in memory (a
 * source whose guests run, a destination whose mdevs are prepared alike), and a VMM's
 * migration steps on shim device and data fds, each returning 0 or the
 * -errno of the first step that failed, with the step's name.
 */
#ifndef HARDEN_H
#define HARDEN_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>
#include <linux/vfio.h>

#include "sim_host.h"

/* Sizes of the configurations the fixtures give the source guests. */
enum hh_layout {
	HH_SMALL,	/* 2 x 2 queues, 2 control domains */
	HH_MEDIUM,	/* 4 x 5 queues */
	HH_LARGE,	/* 16 x 26 queues: a record larger than a write chunk */
};

/*
 * Two hosts with two mdev pairs: pair 0 (src[0] -> dst[0]) and pair 1
 * (src[1] -> dst[1]) use disjoint adapters. fd[] are device fds, -1 when
 * closed.
 */
struct hh_env {
	struct sim_host *src_host, *dst_host;
	struct sim_mdev *src[2], *dst[2];
	int src_fd[2], dst_fd[2];
	enum hh_layout layout;
};

/* Where a sequence of steps stopped. */
struct hh_step {
	const char *name;	/* the step that failed, NULL if none */
	long ret;		/* what it returned (-errno) */
};

/* What a test changes in the hosts; zero fields keep the defaults. */
struct hh_opts {
	const char *target_cdoms;	/* target's control domain mask, "04,0b" */
	u32 src_fac, dst_fac;		/* every queue's facility word (CEX8 CCA) */
	unsigned int src_type, dst_type; /* every card's AP type (CEX8) */
};

/* Build the hosts (no device open). 0 or -errno. */
int hh_env_init(struct hh_env *env, enum hh_layout layout);
int hh_env_init_opts(struct hh_env *env, enum hh_layout layout,
		     const struct hh_opts *opts);
/* Open every device that is not open. 0 or -errno. */
int hh_env_open(struct hh_env *env);
/* Close every open device, then free the hosts. */
void hh_env_release(struct hh_env *env);

/* The number of queues of a source guest in @layout's pair @pair. */
unsigned int hh_layout_queues(enum hh_layout layout, int pair);

/* The bytes of a complete stream fit in this. */
#define HH_STREAM_MAX	(64U * 1024)

/*
 * Save the device behind @devfd as QEMU does, with or without pre-copy,
 * into @buf; @rdsz is the read size. *len gets the stream length.
 * Returns 0, or -errno with @st naming the step.
 */
int hh_save(int devfd, bool precopy, size_t rdsz, u8 *buf, size_t *len,
	    struct hh_step *st);
/* Resume @len bytes of @buf on @devfd in writes of @wrsz, apply, run. */
int hh_resume(int devfd, const u8 *buf, size_t len, size_t wrsz,
	      struct hh_step *st);
/*
 * A full migration of pair @pair: save with or without pre-copy, resume,
 * and check that the destination guest got exactly the source's
 * configuration. Returns 0 or -errno (-EBADE: configuration differs).
 */
int hh_migrate(struct hh_env *env, int pair, bool precopy, struct hh_step *st);
/* True if both guests of @pair have the same configuration. */
bool hh_same_config(struct hh_env *env, int pair);

/* Reset the device behind @devfd and check that it is RUNNING: 0 or -errno. */
int hh_reset_running(int devfd);

/* Close a data fd if it is one (>= 0) and set it to -1. */
void hh_close_fd(int *fd);

/* "-EFAULT" style name of an errno value (negative or not). */
const char *hh_errname(long err);

#endif /* HARDEN_H */
