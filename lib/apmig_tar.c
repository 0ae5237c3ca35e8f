// SPDX-License-Identifier: GPL-2.0
/*
 * A small tar writer and extractor for host captures (apmig capture, and
 * --sysfs FILE.tar): POSIX ustar members, pax or GNU long-name headers for
 * names beyond 100 bytes, directories, regular files and symbolic links.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apmig_sysfs.h"
#include "apmig_tar.h"

#define TAR_BLOCK		512
/* ustar header fields: offset and size */
#define TAR_NAME		0
#define TAR_NAME_LEN		100
#define TAR_MODE		100
#define TAR_UID			108
#define TAR_GID			116
#define TAR_SIZE		124
#define TAR_MTIME		136
#define TAR_CHKSUM		148
#define TAR_TYPE		156
#define TAR_LINK		157
#define TAR_LINK_LEN		100
#define TAR_MAGIC		257
#define TAR_VERSION		263
#define TAR_PREFIX		345
#define TAR_PREFIX_LEN		155

struct apmig_tar {
	FILE *f;
	long long mtime;
	int error;		/* first -errno: sticky */
};

struct apmig_tar *apmig_tar_open(FILE *f, long long mtime)
{
	struct apmig_tar *t = calloc(1, sizeof(*t));

	if (t) {
		t->f = f;
		t->mtime = mtime < 0 ? 0 : mtime;
	}
	return t;
}

static void tar_octal(char *field, size_t len, unsigned long long v)
{
	/* len - 1 digits and a NUL */
	snprintf(field, len, "%0*llo", (int)len - 1, v);
}

static void tar_checksum(unsigned char *h)
{
	unsigned int sum = 0;
	size_t i;

	memset(h + TAR_CHKSUM, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + TAR_CHKSUM, 8, "%06o", sum);
	h[TAR_CHKSUM + 7] = ' ';
}

static int tar_write(struct apmig_tar *t, const void *buf, size_t len)
{
	static const char zero[TAR_BLOCK];
	size_t pad = (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK;

	if (t->error)
		return t->error;
	if ((len && fwrite(buf, 1, len, t->f) != len) ||
	    (pad && fwrite(zero, 1, pad, t->f) != pad))
		t->error = errno ? -errno : -EIO;
	return t->error;
}

/* One header block; @name and @link must fit their fields. */
static int tar_header(struct apmig_tar *t, const char *name, char type,
		      unsigned int mode, size_t size, const char *link)
{
	unsigned char h[TAR_BLOCK] = { 0 };

	memcpy(h + TAR_NAME, name, strnlen(name, TAR_NAME_LEN));
	tar_octal((char *)h + TAR_MODE, 8, mode);
	tar_octal((char *)h + TAR_UID, 8, 0);
	tar_octal((char *)h + TAR_GID, 8, 0);
	tar_octal((char *)h + TAR_SIZE, 12, size);
	tar_octal((char *)h + TAR_MTIME, 12, (unsigned long long)t->mtime);
	h[TAR_TYPE] = type;
	if (link)
		memcpy(h + TAR_LINK, link, strnlen(link, TAR_LINK_LEN));
	memcpy(h + TAR_MAGIC, "ustar", 6);
	memcpy(h + TAR_VERSION, "00", 2);
	tar_checksum(h);
	return tar_write(t, h, sizeof(h));
}

/* A pax record "<len> <key>=<value>\n", <len> counting itself. */
static int tar_pax_record(char *buf, size_t cap, const char *key,
			  const char *value)
{
	size_t body = strlen(key) + strlen(value) + 3, len = body + 1;
	int n;

	while (snprintf(NULL, 0, "%zu", len) + body != len)
		len++;
	n = snprintf(buf, cap, "%zu %s=%s\n", len, key, value);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : n;
}

/* A member; a pax header first when the name or the link is too long. */
static int tar_member(struct apmig_tar *t, const char *name, char type,
		      unsigned int mode, size_t size, const char *link)
{
	char pax[2 * APMIG_TAR_NAME_MAX + 64];
	int n = 0, r;

	if (t->error)
		return t->error;
	if (strlen(name) > APMIG_TAR_NAME_MAX ||
	    (link && strlen(link) > APMIG_TAR_NAME_MAX))
		return -ENAMETOOLONG;
	if (strlen(name) > TAR_NAME_LEN) {
		r = tar_pax_record(pax, sizeof(pax), "path", name);
		if (r < 0)
			return r;
		n += r;
	}
	if (link && strlen(link) > TAR_LINK_LEN) {
		r = tar_pax_record(pax + n, sizeof(pax) - n, "linkpath", link);
		if (r < 0)
			return r;
		n += r;
	}
	if (n && (tar_header(t, "././@PaxHeader", 'x', 0644, n, NULL) ||
		  tar_write(t, pax, n)))
		return t->error;
	return tar_header(t, name, type, mode, size, link);
}

int apmig_tar_dir(struct apmig_tar *t, const char *name)
{
	char n[APMIG_TAR_NAME_MAX + 2];

	if (snprintf(n, sizeof(n), "%s/", name) >= (int)sizeof(n))
		return -ENAMETOOLONG;
	return tar_member(t, n, '5', 0755, 0, NULL);
}

int apmig_tar_file(struct apmig_tar *t, const char *name, const void *data,
		   size_t len)
{
	int ret = tar_member(t, name, '0', 0644, len, NULL);

	return ret ? ret : tar_write(t, data, len);
}

int apmig_tar_symlink(struct apmig_tar *t, const char *name,
		      const char *target)
{
	return tar_member(t, name, '2', 0777, 0, target);
}

int apmig_tar_finish(struct apmig_tar *t)
{
	static const char zero[2 * TAR_BLOCK];
	int ret;

	if (!t->error && fwrite(zero, 1, sizeof(zero), t->f) != sizeof(zero))
		t->error = errno ? -errno : -EIO;
	if (!t->error && fflush(t->f))
		t->error = errno ? -errno : -EIO;
	ret = t->error;
	free(t);
	return ret;
}

/* ---------------------------------------------------------------- reading */

/* A symbolic link, created once every other member is in place. */
struct tar_link {
	char *name;
	char *target;
};

struct tar_reader {
	FILE *f;
	const char *path;
	int dirfd;
	struct apmig_error *err;
	struct tar_link *links;
	size_t nr_links, cap_links;
	/* the directory of the last member, kept open */
	char parent[APMIG_TAR_NAME_MAX];
	int parent_fd;
	unsigned long long data;	/* file bytes so far */
};

static int tar_read_block(struct tar_reader *r, unsigned char *b)
{
	size_t n = fread(b, 1, TAR_BLOCK, r->f);

	if (n == TAR_BLOCK)
		return 0;
	if (ferror(r->f))
		return apmig_error_set(r->err, -EIO, "%s: cannot read: %s",
				       r->path, strerror(errno ? errno : EIO));
	return apmig_error_set(r->err, -ENODATA,
			       "%s: ends inside a tar block (truncated archive)",
			       r->path);
}

/* An octal field (NUL or space terminated); -1 when it is not one. */
static long long tar_parse_octal(const unsigned char *f, size_t len)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	if (i == len || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v << 3 | (f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return (long long)v;
}

static bool tar_block_zero(const unsigned char *b)
{
	size_t i;

	for (i = 0; i < TAR_BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static bool tar_checksum_ok(const unsigned char *h)
{
	long long want = tar_parse_octal(h + TAR_CHKSUM, 8);
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < TAR_BLOCK; i++)
		sum += (i >= TAR_CHKSUM && i < TAR_CHKSUM + 8) ? ' ' : h[i];
	return want >= 0 && (unsigned long long)want == sum;
}

/* Read the @size bytes of a member (and its padding) into a new buffer. */
static int tar_read_data(struct tar_reader *r, size_t size, char **data)
{
	size_t padded = (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	char *buf = malloc(padded + 1);

	if (!buf)
		return apmig_error_set(r->err, -ENOMEM, "out of memory");
	if (padded && fread(buf, 1, padded, r->f) != padded) {
		free(buf);
		return apmig_error_set(r->err, -ENODATA,
				       "%s: ends inside a member (truncated archive)",
				       r->path);
	}
	buf[size] = '\0';
	*data = buf;
	return 0;
}

/*
 * A member name made relative and checked: a leading "./" and trailing
 * '/' dropped; absolute names, "..", "." and empty components refused.
 * Returns 1 with the name in @out, 0 for the archive's root ("./"), or
 * -EINVAL.
 */
static int tar_clean_name(const char *name, char *out, size_t len)
{
	const char *c;
	size_t n;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	n = strlen(name);
	while (n && name[n - 1] == '/')
		n--;
	if (!n || (n == 1 && name[0] == '.'))
		return 0;
	if (name[0] == '/' || n >= len)
		return -EINVAL;
	memcpy(out, name, n);
	out[n] = '\0';
	for (c = out; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL) {
		size_t cl = strcspn(c, "/");

		if (!cl || (cl == 1 && c[0] == '.') ||
		    (cl == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
	}
	return 1;
}

/*
 * The directory that holds @name below r->dirfd, the missing ones created,
 * never through a symbolic link. Returns an fd the reader keeps (the
 * caller must not close it: the next member is most often its sibling)
 * and the last component in *@base, or -errno.
 */
static int tar_parent(struct tar_reader *r, char *name, const char **base)
{
	char *last = strrchr(name, '/'), *comp = name, *slash;
	int fd, next;

	*base = last ? last + 1 : name;
	if (!last)
		return r->dirfd;
	*last = '\0';
	if (r->parent_fd >= 0 && !strcmp(r->parent, name)) {
		*last = '/';
		return r->parent_fd;
	}
	if (r->parent_fd >= 0)
		close(r->parent_fd);
	r->parent_fd = -1;
	snprintf(r->parent, sizeof(r->parent), "%s", name);
	*last = '/';

	fd = dup(r->dirfd);
	if (fd < 0)
		return -errno;
	while ((slash = strchr(comp, '/'))) {
		*slash = '\0';
		if (mkdirat(fd, comp, 0755) && errno != EEXIST) {
			next = -errno;
		} else {
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY |
				      O_NOFOLLOW | O_CLOEXEC);
			if (next < 0)
				next = -errno;
		}
		*slash = '/';
		close(fd);
		if (next < 0)
			return next;
		fd = next;
		comp = slash + 1;
	}
	r->parent_fd = fd;
	return fd;
}

static int tar_make_dir(struct tar_reader *r, char *name)
{
	const char *base;
	struct stat st;
	int fd, ret = 0;

	fd = tar_parent(r, name, &base);
	if (fd < 0)
		return fd;
	if (mkdirat(fd, base, 0755)) {
		ret = -errno;
		if (ret == -EEXIST && !fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISDIR(st.st_mode))
			ret = 0;
	}
	return ret;
}

static int tar_make_file(struct tar_reader *r, char *name, const char *data,
			 size_t len)
{
	const char *base;
	ssize_t n;
	int fd, out, ret = 0;

	fd = tar_parent(r, name, &base);
	if (fd < 0)
		return fd;
	out = openat(fd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, 0644);
	if (out < 0)
		return -errno;
	while (len) {
		n = write(out, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		data += n;
		len -= n;
	}
	if (close(out) && !ret)
		ret = -errno;
	return ret;
}

static int tar_make_link(struct tar_reader *r, struct tar_link *l)
{
	const char *base;
	int fd, ret = 0;

	fd = tar_parent(r, l->name, &base);
	if (fd < 0)
		return fd;
	if (symlinkat(l->target, fd, base))
		ret = -errno;
	return ret;
}

static int tar_defer_link(struct tar_reader *r, const char *name,
			  const char *target)
{
	struct tar_link *v;

	if (r->nr_links == r->cap_links) {
		size_t cap = r->cap_links ? 2 * r->cap_links : 64;

		v = realloc(r->links, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->links = v;
		r->cap_links = cap;
	}
	v = &r->links[r->nr_links];
	v->name = strdup(name);
	v->target = strdup(target);
	if (!v->name || !v->target) {
		free(v->name);
		free(v->target);
		return -ENOMEM;
	}
	r->nr_links++;
	return 0;
}

/* The "path" and "linkpath" records of a pax header. 0 or -EINVAL. */
static int tar_parse_pax(char *data, size_t len, char *path, char *link)
{
	size_t pos = 0;

	while (pos < len) {
		char *rec = data + pos, *end, *eq;
		unsigned long rlen = strtoul(rec, &end, 10);

		if (end == rec || *end != ' ' || rlen < 5 || rlen > len - pos ||
		    rec[rlen - 1] != '\n')
			return -EINVAL;
		rec[rlen - 1] = '\0';
		eq = strchr(end + 1, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		if (strlen(eq + 1) >= APMIG_TAR_NAME_MAX)
			return -ENAMETOOLONG;
		if (!strcmp(end + 1, "path"))
			strcpy(path, eq + 1);
		else if (!strcmp(end + 1, "linkpath"))
			strcpy(link, eq + 1);
		pos += rlen;
	}
	return 0;
}

/* Copy a header's NUL-or-full field of @len bytes into @out. */
static void tar_field(const unsigned char *f, size_t len, char *out)
{
	size_t n = strnlen((const char *)f, len);

	memcpy(out, f, n);
	out[n] = '\0';
}

static int tar_extract_members(struct tar_reader *r)
{
	char long_name[APMIG_TAR_NAME_MAX] = "", long_link[APMIG_TAR_NAME_MAX] = "";
	char name[APMIG_TAR_NAME_MAX + TAR_PREFIX_LEN + 2];
	char link[APMIG_TAR_NAME_MAX], clean[APMIG_TAR_NAME_MAX];
	unsigned char h[TAR_BLOCK];
	unsigned long members = 0;
	long long size;
	char *data = NULL;
	int ret;

	for (;;) {
		ret = tar_read_block(r, h);
		if (ret)
			return ret;
		if (tar_block_zero(h))
			return 0;	/* end of archive */
		if (++members > APMIG_TAR_MAX_MEMBERS)
			return apmig_error_set(r->err, -EFBIG,
					       "%s: more than %u members",
					       r->path, APMIG_TAR_MAX_MEMBERS);
		if (memcmp(h + TAR_MAGIC, "ustar", 5) || !tar_checksum_ok(h))
			return apmig_error_set(r->err, -EINVAL,
					       "%s: member %lu: not a tar header (bad magic or checksum)",
					       r->path, members);
		size = tar_parse_octal(h + TAR_SIZE, 12);
		if (size < 0 || (unsigned long long)size > APMIG_TAR_MAX_DATA - r->data)
			return apmig_error_set(r->err, -EFBIG,
					       "%s: member %lu: size beyond %lu bytes in all",
					       r->path, members, APMIG_TAR_MAX_DATA);
		r->data += size;
		ret = tar_read_data(r, size, &data);
		if (ret)
			return ret;

		/* headers that describe the next member */
		if (h[TAR_TYPE] == 'x' || h[TAR_TYPE] == 'g' ||
		    h[TAR_TYPE] == 'L' || h[TAR_TYPE] == 'K') {
			ret = 0;
			if (h[TAR_TYPE] == 'x')
				ret = tar_parse_pax(data, size, long_name, long_link);
			else if (h[TAR_TYPE] != 'g' && strlen(data) >= APMIG_TAR_NAME_MAX)
				ret = -ENAMETOOLONG;
			else if (h[TAR_TYPE] == 'L')
				strcpy(long_name, data);
			else if (h[TAR_TYPE] == 'K')
				strcpy(long_link, data);
			free(data);
			if (ret)
				return apmig_error_set(r->err, ret,
						       "%s: member %lu: malformed long-name header",
						       r->path, members);
			continue;
		}

		if (long_name[0]) {
			strcpy(name, long_name);
		} else {
			char prefix[TAR_PREFIX_LEN + 1], base[TAR_NAME_LEN + 1];

			tar_field(h + TAR_PREFIX, TAR_PREFIX_LEN, prefix);
			tar_field(h + TAR_NAME, TAR_NAME_LEN, base);
			snprintf(name, sizeof(name), "%s%s%s", prefix,
				 prefix[0] ? "/" : "", base);
		}
		if (long_link[0])
			strcpy(link, long_link);
		else
			tar_field(h + TAR_LINK, TAR_LINK_LEN, link);
		long_name[0] = long_link[0] = '\0';

		ret = tar_clean_name(name, clean, sizeof(clean));
		if (ret < 0) {
			free(data);
			return apmig_error_set(r->err, -EINVAL,
					       "%s: member \"%s\": refused (absolute, or a \"..\" or empty component)",
					       r->path, name);
		}
		if (ret == 0) {
			free(data);
			continue;
		}
		switch (h[TAR_TYPE]) {
		case '0':
		case '\0':
			ret = tar_make_file(r, clean, data, size);
			break;
		case '5':
			ret = tar_make_dir(r, clean);
			break;
		case '2':
			ret = link[0] ? tar_defer_link(r, clean, link) : -EINVAL;
			break;
		default:
			free(data);
			return apmig_error_set(r->err, -EINVAL,
					       "%s: member \"%s\": type '%c' refused (only directories, files and symbolic links)",
					       r->path, clean, h[TAR_TYPE]);
		}
		free(data);
		if (ret)
			return apmig_error_set(r->err, ret, "%s: member \"%s\": %s",
					       r->path, clean, strerror(-ret));
	}
}

int apmig_tar_extract(const char *path, const char *dir,
		      struct apmig_error *err)
{
	struct tar_reader r = { .path = path, .err = err, .parent_fd = -1 };
	size_t i;
	int ret;

	r.f = fopen(path, "rb");
	if (!r.f)
		return apmig_error_set(err, -errno, "%s: %s", path,
				       strerror(errno));
	r.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.dirfd < 0) {
		ret = apmig_error_set(err, -errno, "%s: %s", dir, strerror(errno));
		goto out_close;
	}
	ret = tar_extract_members(&r);
	for (i = 0; i < r.nr_links; i++) {
		if (!ret) {
			ret = tar_make_link(&r, &r.links[i]);
			if (ret)
				apmig_error_set(err, ret, "%s: member \"%s\": %s",
						path, r.links[i].name,
						strerror(-ret));
		}
		free(r.links[i].name);
		free(r.links[i].target);
	}
	free(r.links);
	if (r.parent_fd >= 0)
		close(r.parent_fd);
	close(r.dirfd);
out_close:
	fclose(r.f);
	return ret;
}

bool apmig_tar_is_archive(const char *path)
{
	unsigned char h[TAR_BLOCK];
	struct stat st;
	bool ok = false;
	FILE *f;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	if (fread(h, 1, sizeof(h), f) == sizeof(h))
		ok = !memcmp(h + TAR_MAGIC, "ustar", 5) && tar_checksum_ok(h);
	fclose(f);
	return ok;
}

static int tar_rm_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	return remove(path) ? -1 : 0;
}

int apmig_tar_rmtree(const char *dir)
{
	return nftw(dir, tar_rm_one, 32, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
}
