// SPDX-License-Identifier: GPL-2.0
/*
 * Fixtures of the hardening tests (see harden.h): hosts built in memory the
 * way the sysfs reader would build them from a tree, and the VMM's steps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitmap.h>

#include <shim/vfio.h>
#include <shim/vfs.h>

#include "apmig_host.h"
#include "vfio_ap_mig_stream.h"

#include "harden.h"

/* CEX8 in CCA mode: APSC AP4KM AP4KC CCA APXA, full native. */
#define HH_FAC_CCA	0xF2800000u
#define HH_TYPE_CEX8	14

struct hh_pair_ids {
	const char *apids, *apqis, *cdoms;
};

struct hh_layout_ids {
	struct hh_pair_ids pair[2];
	const char *host_cdoms;
};

static const struct hh_layout_ids hh_layouts[] = {
	[HH_SMALL] = {
		.pair = { { "03,05", "04,2a", "04,0b" }, { "07", "04,2a", "0c" } },
		.host_cdoms = "04,0b,0c,2a",
	},
	[HH_MEDIUM] = {
		.pair = { { "03,05,06,09", "01,04,10,2a,40", "04,0b,30" },
			  { "07", "01,04,10,2a,40", "0c" } },
		.host_cdoms = "01,04,0b,0c,10,2a,30,40",
	},
	[HH_LARGE] = {
		.pair = { { "10-1f", "20-39", "04,0b" }, { "07", "20,21", "0c" } },
		.host_cdoms = "04,0b,0c",
	},
};

static const char *const hh_src_uuid[2] = {
	"6b3a3e4c-4e3f-4c9a-9f4e-2a8f0d6b1c11",
	"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
};
static const char *const hh_dst_uuid[2] = {
	"8e9e26a8-1b1b-4e4c-8b57-6f3d2a7c9d01",
	"1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
};

/* Set the ids of a list like "03,05" or "10-1f" (hex) in @map. */
static void hh_ids(unsigned long *map, const char *list)
{
	const char *p = list;
	char *end;

	while (*p) {
		unsigned long a = strtoul(p, &end, 16), b = a, i;

		if (*end == '-')
			b = strtoul(end + 1, &end, 16);
		for (i = a; i <= b && i < VFIO_AP_MIG_IDS; i++)
			set_bit_inv(i, map);
		p = *end == ',' ? end + 1 : end;
	}
}

unsigned int hh_layout_queues(enum hh_layout layout, int pair)
{
	DECLARE_BITMAP(a, VFIO_AP_MIG_IDS) = {};
	DECLARE_BITMAP(q, VFIO_AP_MIG_IDS) = {};

	hh_ids(a, hh_layouts[layout].pair[pair].apids);
	hh_ids(q, hh_layouts[layout].pair[pair].apqis);
	return bitmap_weight(a, VFIO_AP_MIG_IDS) * bitmap_weight(q, VFIO_AP_MIG_IDS);
}

/*
 * A host tree with the cards and domains of both pairs, every queue bound
 * to vfio_ap; on the source each pair's mdev holds its matrix and runs a
 * guest with it, on the destination the mdevs are empty.
 */
static struct apmig_host *hh_tree(enum hh_layout layout, bool source,
				  const struct hh_opts *o)
{
	u32 fac = (source ? o->src_fac : o->dst_fac) ?: HH_FAC_CCA;
	unsigned int type = (source ? o->src_type : o->dst_type) ?: HH_TYPE_CEX8;
	const struct hh_layout_ids *l = &hh_layouts[layout];
	struct apmig_host *t = calloc(1, sizeof(*t));
	unsigned long apid, apqi;
	int p;

	if (!t)
		return NULL;
	t->mdevs = calloc(2, sizeof(*t->mdevs));
	if (!t->mdevs) {
		free(t);
		return NULL;
	}
	snprintf(t->root, sizeof(t->root), "(memory:%s)", source ? "source" : "target");
	t->max_adapter_id = 255;
	t->max_domain_id = 255;
	t->vfio_ap = true;
	t->migratable = true;
	t->target_mdev = -1;
	hh_ids(t->adm, !source && o->target_cdoms ? o->target_cdoms : l->host_cdoms);
	for (p = 0; p < 2; p++) {
		struct apmig_mdev *m = &t->mdevs[p];

		hh_ids(t->apm, l->pair[p].apids);
		hh_ids(t->aqm, l->pair[p].apqis);
		snprintf(m->uuid, sizeof(m->uuid), "%s",
			 source ? hh_src_uuid[p] : hh_dst_uuid[p]);
		/* the destination mdevs are prepared alike, with no guest yet */
		hh_ids(m->apm, l->pair[p].apids);
		hh_ids(m->aqm, l->pair[p].apqis);
		hh_ids(m->adm, l->pair[p].cdoms);
		bitmap_copy(m->guest_apm, m->apm, VFIO_AP_MIG_IDS);
		bitmap_copy(m->guest_aqm, m->aqm, VFIO_AP_MIG_IDS);
		m->has_guest = source;
	}
	t->nr_mdevs = 2;
	for_each_set_bit_inv(apid, t->apm, VFIO_AP_MIG_IDS) {
		struct apmig_card *c = &t->cards[apid];

		c->present = c->online = c->config = true;
		c->raw_hwtype = c->hwtype = type;
		c->functions = fac;
		c->depth = 8;
		snprintf(c->type, sizeof(c->type), "CEX8C");
		c->driver = APMIG_DRV_CEX4CARD;
		for_each_set_bit_inv(apqi, t->aqm, VFIO_AP_MIG_IDS) {
			u16 apqn = VFIO_AP_MIG_APQN(apid, apqi);
			struct apmig_queue *q = calloc(1, sizeof(*q));

			if (!q) {
				apmig_host_free(t);
				return NULL;
			}
			q->apqn = apqn;
			q->functions = fac;
			q->online = q->config = true;
			q->driver = APMIG_DRV_VFIO_AP;
			q->status = APMIG_QST_UNASSIGNED;
			q->mdev = -1;
			t->queues[apqn] = q;
		}
	}
	return t;
}

static int hh_host(struct sim_host **h, const char *label, enum hh_layout layout,
		   bool source, const struct hh_opts *o)
{
	struct apmig_host *t = hh_tree(layout, source, o);
	int ret;

	if (!t)
		return -ENOMEM;
	ret = sim_host_from_tree(h, label, t);
	if (ret)
		apmig_host_free(t);
	return ret;
}

int hh_env_init(struct hh_env *env, enum hh_layout layout)
{
	static const struct hh_opts defaults;

	return hh_env_init_opts(env, layout, &defaults);
}

int hh_env_init_opts(struct hh_env *env, enum hh_layout layout,
		     const struct hh_opts *opts)
{
	int ret, p;

	memset(env, 0, sizeof(*env));
	env->layout = layout;
	for (p = 0; p < 2; p++)
		env->src_fd[p] = env->dst_fd[p] = -1;
	ret = hh_host(&env->src_host, "source", layout, true, opts);
	if (ret)
		return ret;
	ret = hh_host(&env->dst_host, "target", layout, false, opts);
	if (ret) {
		sim_host_free(env->src_host);
		env->src_host = NULL;
		return ret;
	}
	for (p = 0; p < 2; p++) {
		env->src[p] = sim_host_mdev(env->src_host, hh_src_uuid[p]);
		env->dst[p] = sim_host_mdev(env->dst_host, hh_dst_uuid[p]);
		if (!env->src[p] || !env->dst[p]) {
			hh_env_release(env);
			return -ENOENT;
		}
	}
	return 0;
}

int hh_env_open(struct hh_env *env)
{
	int p;

	for (p = 0; p < 2; p++) {
		if (env->src_fd[p] < 0)
			env->src_fd[p] = sim_mdev_open(env->src[p]);
		if (env->src_fd[p] < 0)
			return env->src_fd[p];
		if (env->dst_fd[p] < 0)
			env->dst_fd[p] = sim_mdev_open(env->dst[p]);
		if (env->dst_fd[p] < 0)
			return env->dst_fd[p];
	}
	return 0;
}

void hh_env_release(struct hh_env *env)
{
	int p;

	for (p = 0; p < 2; p++) {
		if (env->src_fd[p] >= 0)
			sim_mdev_close(env->src[p], env->src_fd[p]);
		if (env->dst_fd[p] >= 0)
			sim_mdev_close(env->dst[p], env->dst_fd[p]);
		env->src_fd[p] = env->dst_fd[p] = -1;
	}
	sim_host_free(env->src_host);
	sim_host_free(env->dst_host);
	env->src_host = env->dst_host = NULL;
}

void hh_close_fd(int *fd)
{
	if (*fd >= 0)
		shim_sys_close(*fd);
	*fd = -1;
}

/* Record the first failed step; returns @ret. */
static long hh_fail(struct hh_step *st, const char *name, long ret)
{
	if (st && !st->name) {
		st->name = name;
		st->ret = ret;
	}
	return ret;
}

#define HH_SYS(x)	({ long __r = (x); __r < 0 ? -errno : __r; })

/* Read until 0 (@temporary false) or -ENOMSG (true), appending to @buf. */
static int hh_read_to_end(int fd, bool temporary, size_t rdsz, u8 *buf,
			  size_t *len, struct hh_step *st)
{
	for (;;) {
		size_t n = rdsz;
		ssize_t r;

		if (*len + n > HH_STREAM_MAX)
			n = HH_STREAM_MAX - *len;
		if (!n)
			return hh_fail(st, "read: stream too long", -EFBIG);
		r = HH_SYS(shim_sys_read(fd, buf + *len, n));
		if (r > 0) {
			*len += r;
			continue;
		}
		if (r == 0 && !temporary)
			return 0;
		if (r == -ENOMSG && temporary)
			return 0;
		return hh_fail(st, temporary ? "read pre-copy" : "read stop-copy",
			       r ? r : -EPIPE);
	}
}

/* SET @s; a data fd must come back exactly when @want_fd. */
static int hh_set(int devfd, enum vfio_device_mig_state s, bool want_fd,
		  int *datafd, const char *name, struct hh_step *st)
{
	int fd = -1, ret;

	ret = shim_vfio_set_state(devfd, s, &fd);
	if (ret)
		return hh_fail(st, name, ret);
	if (want_fd != (fd >= 0)) {
		hh_close_fd(&fd);
		return hh_fail(st, name, -EBADF);
	}
	if (datafd)
		*datafd = fd;
	return 0;
}

int hh_save(int devfd, bool precopy, size_t rdsz, u8 *buf, size_t *len,
	    struct hh_step *st)
{
	u64 size = 0, initial, dirty;
	int fd = -1, ret;

	*len = 0;
	ret = shim_vfio_get_data_size(devfd, &size);
	if (ret)
		return hh_fail(st, "data size", ret);
	if (precopy) {
		ret = hh_set(devfd, VFIO_DEVICE_STATE_PRE_COPY, true, &fd,
			     "RUNNING -> PRE_COPY", st);
		if (ret)
			return ret;
		ret = shim_vfio_precopy_info(fd, &initial, &dirty);
		if (ret) {
			hh_fail(st, "precopy info", ret);
			goto out_close;
		}
		ret = hh_read_to_end(fd, true, rdsz, buf, len, st);
		if (ret)
			goto out_close;
		ret = shim_vfio_precopy_info(fd, &initial, &dirty);
		if (!ret && (initial || dirty))
			ret = -EBADE;
		if (ret) {
			hh_fail(st, "precopy info after reading", ret);
			goto out_close;
		}
		ret = hh_set(devfd, VFIO_DEVICE_STATE_PRE_COPY_P2P, false, NULL,
			     "PRE_COPY -> PRE_COPY_P2P", st);
		if (ret)
			goto out_close;
		ret = shim_vfio_get_data_size(devfd, &size);
		if (ret) {
			hh_fail(st, "data size in PRE_COPY_P2P", ret);
			goto out_close;
		}
		ret = hh_set(devfd, VFIO_DEVICE_STATE_STOP_COPY, false, NULL,
			     "PRE_COPY_P2P -> STOP_COPY", st);
		if (ret)
			goto out_close;
	} else {
		ret = hh_set(devfd, VFIO_DEVICE_STATE_STOP, false, NULL,
			     "RUNNING -> STOP", st);
		if (ret)
			return ret;
		ret = hh_set(devfd, VFIO_DEVICE_STATE_STOP_COPY, true, &fd,
			     "STOP -> STOP_COPY", st);
		if (ret)
			return ret;
	}
	ret = hh_read_to_end(fd, false, rdsz, buf, len, st);
	if (ret)
		goto out_close;
	ret = hh_set(devfd, VFIO_DEVICE_STATE_STOP, false, NULL,
		     "STOP_COPY -> STOP", st);
out_close:
	hh_close_fd(&fd);
	return ret;
}

int hh_resume(int devfd, const u8 *buf, size_t len, size_t wrsz,
	      struct hh_step *st)
{
	size_t done = 0;
	int fd = -1, ret;

	ret = hh_set(devfd, VFIO_DEVICE_STATE_STOP, false, NULL,
		     "RUNNING -> STOP", st);
	if (ret)
		return ret;
	ret = hh_set(devfd, VFIO_DEVICE_STATE_RESUMING, true, &fd,
		     "STOP -> RESUMING", st);
	if (ret)
		return ret;
	while (done < len) {
		size_t n = len - done < wrsz ? len - done : wrsz;
		ssize_t w = HH_SYS(shim_sys_write(fd, buf + done, n));

		if (w <= 0) {
			ret = hh_fail(st, "write", w ? w : -EPIPE);
			goto out_close;
		}
		done += w;
	}
	/* QEMU closes the data fd at load cleanup, before the VM starts. */
	hh_close_fd(&fd);
	return hh_set(devfd, VFIO_DEVICE_STATE_RUNNING, false, NULL,
		      "RESUMING -> RUNNING", st);
out_close:
	hh_close_fd(&fd);
	return ret;
}

bool hh_same_config(struct hh_env *env, int pair)
{
	struct vfio_ap_mig_config a = {}, b = {};
	bool same;

	if (sim_mdev_guest_config(env->src[pair], &a))
		return false;
	if (sim_mdev_guest_config(env->dst[pair], &b)) {
		vfio_ap_mig_config_free(&a);
		return false;
	}
	same = vfio_ap_mig_config_equal(&a, &b);
	vfio_ap_mig_config_free(&a);
	vfio_ap_mig_config_free(&b);
	return same;
}

int hh_migrate(struct hh_env *env, int pair, bool precopy, struct hh_step *st)
{
	static __thread u8 buf[HH_STREAM_MAX];
	size_t len;
	int ret;

	ret = hh_save(env->src_fd[pair], precopy, 1U << 20, buf, &len, st);
	if (ret)
		return ret;
	/* the source VMM stops after a successful save: back to running */
	ret = hh_set(env->src_fd[pair], VFIO_DEVICE_STATE_RUNNING, false, NULL,
		     "source STOP -> RUNNING", st);
	if (ret)
		return ret;
	ret = hh_resume(env->dst_fd[pair], buf, len, 32768, st);
	if (ret)
		return ret;
	if (!hh_same_config(env, pair))
		return hh_fail(st, "destination configuration", -EBADE);
	return 0;
}

int hh_reset_running(int devfd)
{
	enum vfio_device_mig_state s = VFIO_DEVICE_STATE_ERROR;
	int ret;

	ret = shim_vfio_reset(devfd);
	if (ret)
		return ret;
	ret = shim_vfio_get_state(devfd, &s);
	if (ret)
		return ret;
	return s == VFIO_DEVICE_STATE_RUNNING ? 0 : -EBADE;
}

const char *hh_errname(long err)
{
	static const struct { int e; const char *n; } names[] = {
#define N(x) { x, "-" #x }
		N(ENOMEM), N(EFAULT), N(EIO), N(ENODEV), N(EINVAL), N(ENXIO),
		N(ENOMSG), N(EFBIG), N(EPROTO), N(EBADMSG), N(ENODATA),
		N(ESPIPE), N(ENOTTY), N(EPERM), N(EILSEQ), N(EMSGSIZE),
		N(ERANGE), N(EDOM), N(ENOENT), N(ENOTUNIQ), N(E2BIG),
		N(EOPNOTSUPP), N(EPROTONOSUPPORT), N(EBADF), N(EBADE),
		N(EAGAIN), N(EBUSY), N(EPIPE), N(EEXIST),
#undef N
	};
	static __thread char other[32];
	size_t i;

	if (err == 0)
		return "0";
	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	snprintf(other, sizeof(other), "-%ld", err);
	return other;
}
