// SPDX-License-Identifier: GPL-2.0
/*
 * Host captures: copy the sysfs trees the host reader reads into a
 * directory or a tar archive, attribute by attribute as a read returns it
 * (no padding), symbolic links as links, and write the manifest; load a
 * capture's manifest back for the reader.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "apmig_capture.h"
#include "apmig_host.h"
#include "apmig_output.h"
#include "apmig_sysfs.h"
#include "apmig_tar.h"

#define CAPTURE_FORMAT		"apmig-capture"
/* Directories above the trees the reader reads ("bus", "devices", ...). */
#define CAPTURE_MAX_PARENTS	16

/* State of one capture: where from, where to, what was seen. */
struct capture_ctx {
	const struct apmig_capture_opts *opts;
	struct apmig_capture_manifest *m;
	struct apmig_error *err;
	struct apmig_tar *tar;		/* tar output, else a directory */
	FILE *tarf;
	size_t cap_items;
	unsigned long entries;
	char *buf;			/* one attribute */
	char *parents[CAPTURE_MAX_PARENTS];	/* made above the trees */
	size_t nr_parents;
	char src[APMIG_SYSFS_PATH_MAX];
	char dst[APMIG_SYSFS_PATH_MAX];
};

/* Read an attribute as the kernel returns it; -EFBIG beyond @len. */
static ssize_t capture_read_attr(const char *path, char *buf, size_t len)
{
	size_t have = 0;
	ssize_t n, ret;
	char c;
	int fd;

	/* O_NONBLOCK: a FIFO reads as empty instead of hanging */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, have < len ? buf + have : &c,
			 have < len ? len - have : 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out_close;
		}
		if (n == 0)
			break;
		if (have == len) {
			ret = -EFBIG;
			goto out_close;
		}
		have += n;
	}
	ret = have;
out_close:
	close(fd);
	return ret;
}

/* The output path of @rel into c->dst. 0 or -ENAMETOOLONG. */
static int capture_dst(struct capture_ctx *c, const char *rel)
{
	int ret = apmig_sysfs_path(c->dst, sizeof(c->dst), c->opts->out, "%s",
				   rel);

	if (ret)
		return apmig_error_set(c->err, ret, "%s/%s: path too long",
				       c->opts->out, rel);
	return 0;
}

static int capture_out_error(struct capture_ctx *c, const char *rel, int ret)
{
	if (c->tar)
		return apmig_error_set(c->err, ret, "%s: cannot write: %s",
				       c->opts->out, strerror(-ret));
	return apmig_error_set(c->err, ret, "%s/%s: cannot write: %s",
			       c->opts->out, rel, strerror(-ret));
}

static int capture_put_dir(struct capture_ctx *c, const char *rel)
{
	struct stat st;
	int ret;

	if (c->tar)
		ret = apmig_tar_dir(c->tar, rel);
	else if ((ret = capture_dst(c, rel)))
		return ret;
	else if (mkdir(c->dst, 0755) == 0)
		ret = 0;
	else if (errno == EEXIST && !lstat(c->dst, &st) && S_ISDIR(st.st_mode))
		ret = 0;
	else
		ret = -errno;
	return ret ? capture_out_error(c, rel, ret) : 0;
}

static int capture_put_file(struct capture_ctx *c, const char *rel,
			    const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;
	int fd, ret = 0;

	if (c->tar) {
		ret = apmig_tar_file(c->tar, rel, data, len);
		return ret ? capture_out_error(c, rel, ret) : 0;
	}
	ret = capture_dst(c, rel);
	if (ret)
		return ret;
	fd = open(c->dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return capture_out_error(c, rel, -errno);
	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		p += n;
		len -= n;
	}
	if (close(fd) && !ret)
		ret = -errno;
	return ret ? capture_out_error(c, rel, ret) : 0;
}

static int capture_put_link(struct capture_ctx *c, const char *rel,
			    const char *target)
{
	int ret;

	if (c->tar) {
		ret = apmig_tar_symlink(c->tar, rel, target);
	} else {
		ret = capture_dst(c, rel);
		if (ret)
			return ret;
		ret = symlink(target, c->dst) ? -errno : 0;
	}
	return ret ? capture_out_error(c, rel, ret) : 0;
}

/* Record that the capture does not hold @rel, and why. */
static int capture_note(struct capture_ctx *c, const char *rel, int err,
			bool skipped)
{
	struct apmig_capture_manifest *m = c->m;
	struct apmig_capture_item *v;

	if (m->nr_items == c->cap_items) {
		size_t cap = c->cap_items ? 2 * c->cap_items : 32;

		v = realloc(m->items, cap * sizeof(*v));
		if (!v)
			return apmig_error_set(c->err, -ENOMEM, "out of memory");
		m->items = v;
		c->cap_items = cap;
	}
	v = &m->items[m->nr_items];
	v->path = strdup(rel);
	if (!v->path)
		return apmig_error_set(c->err, -ENOMEM, "out of memory");
	v->err = err;
	v->skipped = skipped;
	m->nr_items++;
	return 0;
}

static int capture_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of directory c->src, sorted; the caller frees each and @v. */
static int capture_list(struct capture_ctx *c, char ***v, size_t *n)
{
	struct dirent *de;
	size_t cap = 0;
	char **names = NULL, **nv;
	DIR *d;
	int ret = 0;

	*n = 0;
	d = opendir(c->src);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			nv = realloc(names, cap * sizeof(*nv));
			if (!nv) {
				ret = -ENOMEM;
				break;
			}
			names = nv;
		}
		names[*n] = strdup(de->d_name);
		if (!names[*n]) {
			ret = -ENOMEM;
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), capture_cmp_name);
	*v = names;
	return ret;
}

static int capture_walk(struct capture_ctx *c, const char *rel, int depth);

static int capture_dir(struct capture_ctx *c, const char *rel, int depth)
{
	char sub[APMIG_SYSFS_PATH_MAX];
	size_t i, n = 0;
	char **names = NULL;
	int ret;

	ret = capture_put_dir(c, rel);
	if (ret)
		return ret;
	c->m->dirs++;
	if (depth >= APMIG_CAPTURE_MAX_DEPTH)
		return capture_note(c, rel, -ELOOP, false);
	ret = capture_list(c, &names, &n);
	if (ret == -ENOMEM) {
		ret = apmig_error_set(c->err, ret, "out of memory");
	} else if (ret) {
		ret = capture_note(c, rel, ret, false);
	} else {
		for (i = 0; i < n && !ret; i++) {
			if (snprintf(sub, sizeof(sub), "%s/%s", rel, names[i]) >=
			    (int)sizeof(sub))
				ret = capture_note(c, rel, -ENAMETOOLONG, false);
			else
				ret = capture_walk(c, sub, depth + 1);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static int capture_attr(struct capture_ctx *c, const char *rel,
			const struct stat *st)
{
	ssize_t n;

	/* a write-only attribute (assign_adapter, bind): nothing to read */
	if (!(st->st_mode & (S_IRUSR | S_IRGRP | S_IROTH)))
		return capture_note(c, rel, -EACCES, true);
	n = c->opts->read(c->src, c->buf, APMIG_CAPTURE_ATTR_MAX);
	if (n == -EACCES || n == -EPERM || n == -EINVAL)
		return capture_note(c, rel, (int)n, true);
	if (n < 0)
		return capture_note(c, rel, (int)n, false);
	c->m->files++;
	return capture_put_file(c, rel, c->buf, n);
}

/* Copy @rel (below the root) and, for a directory, all below it. */
static int capture_walk(struct capture_ctx *c, const char *rel, int depth)
{
	char target[APMIG_SYSFS_PATH_MAX];
	struct stat st;
	ssize_t n;
	int ret;

	if (++c->entries > APMIG_CAPTURE_MAX_ENTRIES)
		return apmig_error_set(c->err, -EFBIG,
				       "%s: more than %u entries", c->opts->root,
				       APMIG_CAPTURE_MAX_ENTRIES);
	ret = apmig_sysfs_path(c->src, sizeof(c->src), c->opts->root, "%s", rel);
	if (ret)
		return capture_note(c, rel, ret, false);
	if (lstat(c->src, &st))
		return capture_note(c, rel, -errno, false);
	if (S_ISLNK(st.st_mode)) {
		n = readlink(c->src, target, sizeof(target) - 1);
		if (n < 0)
			return capture_note(c, rel, -errno, false);
		target[n] = '\0';
		c->m->links++;
		return capture_put_link(c, rel, target);
	}
	if (S_ISDIR(st.st_mode))
		return capture_dir(c, rel, depth);
	return capture_attr(c, rel, &st);
}

/* The directories above @tree ("devices" for "devices/ap"), once each. */
static int capture_parents(struct capture_ctx *c, const char *tree)
{
	char rel[APMIG_SYSFS_PATH_MAX];
	const char *slash;
	size_t i;
	int ret;

	for (slash = strchr(tree, '/'); slash; slash = strchr(slash + 1, '/')) {
		snprintf(rel, sizeof(rel), "%.*s", (int)(slash - tree), tree);
		for (i = 0; i < c->nr_parents; i++)
			if (!strcmp(c->parents[i], rel))
				break;
		if (i < c->nr_parents)
			continue;	/* an earlier tree made it */
		if (c->nr_parents == CAPTURE_MAX_PARENTS ||
		    !(c->parents[c->nr_parents] = strdup(rel)))
			return apmig_error_set(c->err, -ENOMEM, "out of memory");
		c->nr_parents++;
		ret = capture_put_dir(c, rel);
		if (ret)
			return ret;
		c->m->dirs++;
	}
	return 0;
}

static struct json_object *capture_items_json(const struct apmig_capture_manifest *m,
					      bool skipped)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < m->nr_items; i++) {
		const struct apmig_capture_item *it = &m->items[i];
		struct json_object *o;

		if (it->skipped != skipped)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(it->path));
		json_object_object_add(o, "errno", json_object_new_int(-it->err));
		json_object_object_add(o, "reason", json_object_new_string(
				       skipped && it->err == -EACCES ?
				       "write-only or not readable" :
				       strerror(-it->err)));
		json_object_array_add(a, o);
	}
	return a;
}

char *apmig_capture_time_str(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "%lld", t);
	return buf;
}

static int capture_cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct apmig_capture_item *)a)->path,
		      ((const struct apmig_capture_item *)b)->path);
}

static int capture_manifest_write(struct capture_ctx *c)
{
	const struct apmig_capture_manifest *m = c->m;
	struct json_object *o = json_object_new_object();
	char when[64], *doc;
	const char *text;
	int ret;

	json_object_object_add(o, "format", json_object_new_string(CAPTURE_FORMAT));
	json_object_object_add(o, "version",
			       json_object_new_int(APMIG_CAPTURE_FORMAT_VERSION));
	json_object_object_add(o, "host", json_object_new_string(m->host));
	json_object_object_add(o, "kernel", json_object_new_string(m->kernel));
	json_object_object_add(o, "time", json_object_new_int64(m->time));
	json_object_object_add(o, "time_utc", json_object_new_string(
			       apmig_capture_time_str(m->time, when, sizeof(when))));
	json_object_object_add(o, "apmig_version", json_object_new_string(m->version));
	json_object_object_add(o, "source", json_object_new_string(m->source));
	json_object_object_add(o, "directories", json_object_new_int64(m->dirs));
	json_object_object_add(o, "files", json_object_new_int64(m->files));
	json_object_object_add(o, "links", json_object_new_int64(m->links));
	json_object_object_add(o, "skipped", capture_items_json(m, true));
	json_object_object_add(o, "unreadable", capture_items_json(m, false));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	doc = text ? malloc(strlen(text) + 2) : NULL;
	if (doc) {
		/* one document, one trailing newline */
		sprintf(doc, "%s\n", text);
		ret = capture_put_file(c, APMIG_CAPTURE_MANIFEST, doc,
				       strlen(doc));
		free(doc);
	} else {
		ret = apmig_error_set(c->err, -ENOMEM, "out of memory");
	}
	json_object_put(o);
	return ret;
}

/* Make @out an empty directory to capture into; *@made if we created it. */
static int capture_out_dir(const char *out, bool *made,
			   struct apmig_error *err)
{
	struct dirent *de;
	DIR *d;

	*made = false;
	if (!mkdir(out, 0755)) {
		*made = true;
		return 0;
	}
	if (errno != EEXIST)
		return apmig_error_set(err, -errno, "%s: %s", out, strerror(errno));
	d = opendir(out);
	if (!d)
		return apmig_error_set(err, -errno, "%s: %s", out, strerror(errno));
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			closedir(d);
			return apmig_error_set(err, -EEXIST,
					       "%s: exists and is not empty",
					       out);
		}
	}
	closedir(d);
	return 0;
}

/* The host the capture is taken on: uname's node name and release. */
static void capture_identity(struct apmig_capture_manifest *m)
{
	struct utsname u;

	if (uname(&u)) {
		strcpy(m->host, "unknown");
		strcpy(m->kernel, "unknown");
		return;
	}
	snprintf(m->host, sizeof(m->host), "%s", u.nodename);
	snprintf(m->kernel, sizeof(m->kernel), "%s", u.release);
}

int apmig_capture(const struct apmig_capture_opts *opts,
		  struct apmig_capture_manifest *m, struct apmig_error *err)
{
	struct apmig_capture_opts o = *opts;
	struct capture_ctx c = { .opts = &o, .m = m, .err = err };
	struct stat st;
	bool made = false;
	size_t i;
	int ret;

	memset(m, 0, sizeof(*m));
	if (!o.read)
		o.read = capture_read_attr;
	capture_identity(m);
	m->time = o.time;
	snprintf(m->version, sizeof(m->version), "%s", apmig_version());
	if (strlen(o.root) >= sizeof(m->source))
		return apmig_error_set(err, -ENAMETOOLONG, "%s: path too long",
				       o.root);
	strcpy(m->source, o.root);

	/* the root must be a host's sysfs: the reader needs its AP bus */
	ret = apmig_sysfs_path(c.src, sizeof(c.src), o.root, "bus/ap");
	if (ret)
		return apmig_error_set(err, ret, "%s: path too long", o.root);
	if (stat(o.root, &st))
		return apmig_error_set(err, -errno, "%s: %s", o.root,
				       strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return apmig_error_set(err, -ENOTDIR, "%s: %s", o.root,
				       strerror(ENOTDIR));
	if (stat(c.src, &st) || !S_ISDIR(st.st_mode))
		return apmig_error_set(err, -ENOENT,
				       "%s: no AP bus here (not the sysfs of an s390 host with the ap module?)",
				       c.src);

	c.buf = malloc(APMIG_CAPTURE_ATTR_MAX);
	if (!c.buf)
		return apmig_error_set(err, -ENOMEM, "out of memory");
	if (o.tar) {
		c.tarf = fopen(o.out, "wb");
		if (!c.tarf) {
			ret = apmig_error_set(err, -errno, "%s: %s", o.out,
					      strerror(errno));
			goto out_free;
		}
		c.tar = apmig_tar_open(c.tarf, o.time);
		if (!c.tar) {
			ret = apmig_error_set(err, -ENOMEM, "out of memory");
			goto out_close;
		}
	} else {
		ret = capture_out_dir(o.out, &made, err);
		if (ret)
			goto out_free;
	}

	for (i = 0; !ret && apmig_host_sysfs_trees[i]; i++) {
		const char *tree = apmig_host_sysfs_trees[i];

		apmig_sysfs_path(c.src, sizeof(c.src), o.root, "%s", tree);
		if (lstat(c.src, &st) && errno == ENOENT)
			continue;	/* e.g. no vfio_ap module: nothing to copy */
		ret = capture_parents(&c, tree);
		if (!ret)
			ret = capture_walk(&c, tree, 0);
	}
	if (m->nr_items)
		qsort(m->items, m->nr_items, sizeof(*m->items), capture_cmp_item);
	if (!ret)
		ret = capture_manifest_write(&c);

	if (c.tar) {
		int fret = apmig_tar_finish(c.tar);

		if (fret && !ret)
			ret = capture_out_error(&c, "", fret);
	}
out_close:
	if (c.tarf && fclose(c.tarf) && !ret)
		ret = apmig_error_set(err, -errno, "%s: cannot write: %s",
				      o.out, strerror(errno));
	if (ret && o.tar && !lstat(o.out, &st) && S_ISREG(st.st_mode))
		unlink(o.out);
out_free:
	if (ret && made)
		apmig_tar_rmtree(o.out);
	for (i = 0; i < c.nr_parents; i++)
		free(c.parents[i]);
	free(c.buf);
	return ret;
}

void apmig_capture_manifest_free(struct apmig_capture_manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nr_items; i++)
		free(m->items[i].path);
	free(m->items);
	m->items = NULL;
	m->nr_items = 0;
}

int apmig_capture_recorded_error(const struct apmig_capture_manifest *m,
				 const char *rel)
{
	struct apmig_capture_item key = { .path = (char *)rel }, *it;

	if (!m || !m->nr_items)
		return 0;
	it = bsearch(&key, m->items, m->nr_items, sizeof(*m->items),
		     capture_cmp_item);
	return it ? it->err : 0;
}

/* ---------------------------------------------------------------- loading */

/* A string member of at most @len - 1 bytes into @out. */
static bool manifest_str(struct json_object *o, const char *key, char *out,
			 size_t len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) >= len)
		return false;
	memcpy(out, json_object_get_string(v), json_object_get_string_len(v) + 1);
	return true;
}

static bool manifest_int(struct json_object *o, const char *key,
			 long long min, long long max, long long *val)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*val = json_object_get_int64(v);
	return *val >= min && *val <= max;
}

/* A recorded path: relative, no "." or ".." component. */
static bool manifest_path_ok(const char *p)
{
	const char *c;

	if (!*p || *p == '/')
		return false;
	for (c = p; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL) {
		size_t n = strcspn(c, "/");

		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
	}
	return true;
}

static const char *manifest_items(struct json_object *o, const char *key,
				  bool skipped,
				  struct apmig_capture_manifest *m)
{
	struct json_object *a, *it, *p;
	struct apmig_capture_item *v;
	long long e;
	size_t i, n;

	if (!json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return key;
	n = json_object_array_length(a);
	if (!n)
		return NULL;
	v = realloc(m->items, (m->nr_items + n) * sizeof(*v));
	if (!v)
		return "out of memory";
	m->items = v;
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(a, i);
		if (!json_object_is_type(it, json_type_object) ||
		    !json_object_object_get_ex(it, "path", &p) ||
		    !json_object_is_type(p, json_type_string) ||
		    json_object_get_string_len(p) >= APMIG_SYSFS_PATH_MAX ||
		    !manifest_path_ok(json_object_get_string(p)) ||
		    !manifest_int(it, "errno", 1, 4095, &e))
			return key;
		v = &m->items[m->nr_items];
		v->path = strdup(json_object_get_string(p));
		if (!v->path)
			return "out of memory";
		v->err = -(int)e;
		v->skipped = skipped;
		m->nr_items++;
	}
	return NULL;
}

/* Check and take the members of a parsed manifest; NULL or what is wrong. */
static const char *manifest_parse(struct json_object *o,
				  struct apmig_capture_manifest *m)
{
	char format[32];
	long long v;
	const char *bad;
	size_t i;

	if (!json_object_is_type(o, json_type_object))
		return "not a JSON object";
	if (!manifest_str(o, "format", format, sizeof(format)) ||
	    strcmp(format, CAPTURE_FORMAT))
		return "format";
	if (!manifest_int(o, "version", 0, 1 << 30, &v))
		return "version";
	if (v != APMIG_CAPTURE_FORMAT_VERSION)
		return "version (not 1: a newer apmig wrote it)";
	if (!manifest_str(o, "host", m->host, sizeof(m->host)))
		return "host";
	if (!manifest_str(o, "kernel", m->kernel, sizeof(m->kernel)))
		return "kernel";
	if (!manifest_int(o, "time", 0, (1LL << 62), &m->time))
		return "time";
	if (!manifest_str(o, "apmig_version", m->version, sizeof(m->version)))
		return "apmig_version";
	if (!manifest_str(o, "source", m->source, sizeof(m->source)))
		return "source";
	if (!manifest_int(o, "directories", 0, 1LL << 32, &v))
		return "directories";
	m->dirs = v;
	if (!manifest_int(o, "files", 0, 1LL << 32, &v))
		return "files";
	m->files = v;
	if (!manifest_int(o, "links", 0, 1LL << 32, &v))
		return "links";
	m->links = v;
	bad = manifest_items(o, "skipped", true, m);
	if (!bad)
		bad = manifest_items(o, "unreadable", false, m);
	if (bad)
		return bad;
	if (m->nr_items)
		qsort(m->items, m->nr_items, sizeof(*m->items), capture_cmp_item);
	for (i = 1; i < m->nr_items; i++)
		if (!strcmp(m->items[i - 1].path, m->items[i].path))
			return "skipped/unreadable (a path twice)";
	return NULL;
}

int apmig_capture_manifest_load(const char *root,
				struct apmig_capture_manifest **mp,
				struct apmig_error *err)
{
	char path[APMIG_SYSFS_PATH_MAX];
	struct apmig_capture_manifest *m;
	struct json_tokener *tok;
	struct json_object *o;
	struct stat st;
	const char *bad;
	char *text;
	ssize_t n;

	*mp = NULL;
	if (apmig_sysfs_path(path, sizeof(path), root, APMIG_CAPTURE_MANIFEST))
		return apmig_error_set(err, -ENAMETOOLONG, "%s: path too long",
				       root);
	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		return apmig_error_set(err, -errno, "%s: %s", path,
				       strerror(errno));
	}
	if (!S_ISREG(st.st_mode) || st.st_size > APMIG_CAPTURE_MANIFEST_MAX)
		return apmig_error_set(err, -EINVAL,
				       "%s: not a capture manifest (not a regular file of at most %d bytes)",
				       path, APMIG_CAPTURE_MANIFEST_MAX);
	text = malloc(APMIG_CAPTURE_MANIFEST_MAX + 1);
	if (!text)
		return apmig_error_set(err, -ENOMEM, "out of memory");
	n = capture_read_attr(path, text, APMIG_CAPTURE_MANIFEST_MAX);
	if (n < 0) {
		free(text);
		return apmig_error_set(err, (int)n, "%s: cannot read: %s", path,
				       strerror((int)-n));
	}
	text[n] = '\0';
	tok = json_tokener_new();
	o = tok ? json_tokener_parse_ex(tok, text, (int)n) : NULL;
	if (o && json_tokener_get_parse_end(tok) != (size_t)n &&
	    text[json_tokener_get_parse_end(tok) + strspn(text +
	    json_tokener_get_parse_end(tok), " \t\r\n")] != '\0') {
		json_object_put(o);
		o = NULL;
	}
	if (tok)
		json_tokener_free(tok);
	free(text);
	if (!o)
		return apmig_error_set(err, -EINVAL,
				       "%s: malformed capture manifest: not one JSON document",
				       path);
	m = calloc(1, sizeof(*m));
	if (!m) {
		json_object_put(o);
		return apmig_error_set(err, -ENOMEM, "out of memory");
	}
	bad = manifest_parse(o, m);
	json_object_put(o);
	if (bad) {
		apmig_capture_manifest_free(m);
		free(m);
		return apmig_error_set(err, -EINVAL,
				       "%s: malformed capture manifest: %s",
				       path, bad);
	}
	*mp = m;
	return 1;
}
