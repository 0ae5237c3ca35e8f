// SPDX-License-Identifier: GPL-2.0
/*
 * The vfio-ap mediated devices of a libvirt domain: a small scan of the
 * domain XML (no XML library), read from a file, standard input or
 * `virsh dumpxml`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apmig_mdevctl.h"
#include "apmig_output.h"

#include "domain.h"
#include "input.h"

/* A domain XML is a few kilobytes; libvirt's own limit is 10 MiB. */
#define DOMAIN_XML_MAX		(10 << 20)
/* domain/devices/hostdev/source/address is as deep as we look. */
#define DOMAIN_MAX_DEPTH	64

enum domain_elem {
	ELEM_OTHER,
	ELEM_DOMAIN,		/* the root */
	ELEM_NAME,		/* domain/name */
	ELEM_DEVICES,		/* domain/devices */
	ELEM_HOSTDEV,		/* devices/hostdev, other than vfio-ap */
	ELEM_HOSTDEV_AP,	/* devices/hostdev of a vfio-ap mdev */
	ELEM_SOURCE_AP,		/* its source */
	ELEM_ADDRESS_AP,	/* its source/address */
};

struct domain_scan {
	const char *p, *end;
	const char *start;		/* of the document, for line numbers */
	char *why;
	size_t whylen;
	struct apmig_domain *dom;
	enum domain_elem stack[DOMAIN_MAX_DEPTH];
	const char *names[DOMAIN_MAX_DEPTH];	/* element names, for end tags */
	size_t namelens[DOMAIN_MAX_DEPTH];
	int depth;
	bool root_seen;
	bool ap_uuid;			/* the current vfio-ap hostdev has its UUID */
	const char *name_text;		/* where domain/name's text starts */
};

/* An attribute of a start tag, pointing into the document. */
struct domain_attr {
	const char *name, *value;
	size_t namelen, valuelen;
};

#define DOMAIN_MAX_ATTRS	32

static int domain_error(struct domain_scan *s, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report "line N: <why>" for the position @at. Returns -EINVAL. */
static int domain_error(struct domain_scan *s, const char *at, const char *fmt, ...)
{
	unsigned int line = 1;
	const char *q;
	size_t n;
	va_list ap;

	for (q = s->start; q < at && q < s->end; q++)
		line += *q == '\n';
	n = (size_t)snprintf(s->why, s->whylen, "line %u: ", line);
	if (n < s->whylen) {
		va_start(ap, fmt);
		vsnprintf(s->why + n, s->whylen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool domain_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* XML name characters, as far as a domain XML uses them. */
static bool domain_is_name(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == ':' || (unsigned char)c >= 0x80;
}

static bool domain_eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && !memcmp(s, lit, len);
}

/* Find @lit at or after @from; NULL when the document ends first. */
static const char *domain_find(const struct domain_scan *s, const char *from,
			       const char *lit)
{
	size_t n = strlen(lit);

	for (; from + n <= s->end; from++)
		if (!memcmp(from, lit, n))
			return from;
	return NULL;
}

static const struct domain_attr *domain_attr(const struct domain_attr *a,
					     int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (domain_eq(a[i].name, a[i].namelen, name))
			return &a[i];
	return NULL;
}

static bool domain_attr_is(const struct domain_attr *a, int n,
			   const char *name, const char *value)
{
	const struct domain_attr *at = domain_attr(a, n, name);

	return at && domain_eq(at->value, at->valuelen, value);
}

/* What a start tag is, given its parent and its attributes. */
static enum domain_elem domain_classify(const struct domain_scan *s,
					const char *name, size_t len,
					const struct domain_attr *a, int na)
{
	enum domain_elem parent = s->depth ? s->stack[s->depth - 1] : ELEM_OTHER;

	if (!s->depth)
		return domain_eq(name, len, "domain") ? ELEM_DOMAIN : ELEM_OTHER;
	switch (parent) {
	case ELEM_DOMAIN:
		if (domain_eq(name, len, "name"))
			return ELEM_NAME;
		if (domain_eq(name, len, "devices"))
			return ELEM_DEVICES;
		break;
	case ELEM_DEVICES:
		if (!domain_eq(name, len, "hostdev"))
			break;
		/* mode='subsystem' is libvirt's default */
		if ((!domain_attr(a, na, "mode") ||
		     domain_attr_is(a, na, "mode", "subsystem")) &&
		    domain_attr_is(a, na, "type", "mdev") &&
		    domain_attr_is(a, na, "model", "vfio-ap"))
			return ELEM_HOSTDEV_AP;
		return ELEM_HOSTDEV;
	case ELEM_HOSTDEV_AP:
		if (domain_eq(name, len, "source"))
			return ELEM_SOURCE_AP;
		break;
	case ELEM_SOURCE_AP:
		if (domain_eq(name, len, "address"))
			return ELEM_ADDRESS_AP;
		break;
	default:
		break;
	}
	return ELEM_OTHER;
}

/* Take the UUID of a vfio-ap hostdev's <source><address uuid='...'/>. */
static int domain_take_uuid(struct domain_scan *s, const char *at,
			    const struct domain_attr *a, int na)
{
	const struct domain_attr *u = domain_attr(a, na, "uuid");
	char uuid[37];

	if (!u)
		return domain_error(s, at, "vfio-ap hostdev: <address> without uuid");
	if (s->ap_uuid)
		return domain_error(s, at, "vfio-ap hostdev: more than one <address>");
	if (u->valuelen != 36)
		return domain_error(s, at, "vfio-ap hostdev: uuid '%.*s' is not a UUID",
				    (int)(u->valuelen > 64 ? 64 : u->valuelen),
				    u->value);
	memcpy(uuid, u->value, 36);
	uuid[36] = '\0';
	if (!apmig_is_uuid(uuid))
		return domain_error(s, at, "vfio-ap hostdev: uuid '%s' is not a UUID",
				    uuid);
	if (s->dom->nr_uuids == APMIG_DOMAIN_MAX_MDEVS)
		return domain_error(s, at, "more than %d vfio-ap hostdevs",
				    APMIG_DOMAIN_MAX_MDEVS);
	memcpy(s->dom->uuids[s->dom->nr_uuids++], uuid, sizeof(uuid));
	s->ap_uuid = true;
	return 0;
}

/* Parse the attributes of the tag at s->p up to '>' or "/>". */
static int domain_attrs(struct domain_scan *s, const char *tag,
			struct domain_attr *a, int *na, bool *empty)
{
	const char *p = s->p;
	char quote;

	*na = 0;
	for (;;) {
		while (p < s->end && domain_is_space(*p))
			p++;
		if (p >= s->end)
			return domain_error(s, tag, "unterminated tag");
		if (*p == '>' || (*p == '/' && p + 1 < s->end && p[1] == '>')) {
			*empty = *p == '/';
			s->p = p + (*empty ? 2 : 1);
			return 0;
		}
		if (!domain_is_name(*p))
			return domain_error(s, p, "unexpected '%c' in a tag", *p);
		if (*na == DOMAIN_MAX_ATTRS)
			return domain_error(s, p, "more than %d attributes", DOMAIN_MAX_ATTRS);
		a[*na].name = p;
		while (p < s->end && domain_is_name(*p))
			p++;
		a[*na].namelen = (size_t)(p - a[*na].name);
		while (p < s->end && domain_is_space(*p))
			p++;
		if (p >= s->end || *p != '=')
			return domain_error(s, p < s->end ? p : tag,
					    "attribute '%.*s' without a value",
					    (int)a[*na].namelen, a[*na].name);
		p++;
		while (p < s->end && domain_is_space(*p))
			p++;
		if (p >= s->end || (*p != '\'' && *p != '"'))
			return domain_error(s, p < s->end ? p : tag,
					    "attribute '%.*s': value not quoted",
					    (int)a[*na].namelen, a[*na].name);
		quote = *p++;
		a[*na].value = p;
		while (p < s->end && *p != quote && *p != '<')
			p++;
		if (p >= s->end || *p != quote)
			return domain_error(s, a[*na].value, "unterminated attribute value");
		a[*na].valuelen = (size_t)(p - a[*na].value);
		p++;
		(*na)++;
	}
}

static int domain_start_tag(struct domain_scan *s, const char *tag)
{
	struct domain_attr a[DOMAIN_MAX_ATTRS];
	enum domain_elem e;
	const char *name = s->p;
	size_t len;
	bool empty = false;
	int na, ret;

	while (s->p < s->end && domain_is_name(*s->p))
		s->p++;
	len = (size_t)(s->p - name);
	if (!len)
		return domain_error(s, tag, "a tag without a name");
	if (!s->depth && s->root_seen)
		return domain_error(s, tag, "a second root element <%.*s>",
				    (int)len, name);
	ret = domain_attrs(s, tag, a, &na, &empty);
	if (ret)
		return ret;
	e = domain_classify(s, name, len, a, na);
	if (!s->depth && e != ELEM_DOMAIN)
		return domain_error(s, tag, "the root element is <%.*s>, not <domain>",
				    (int)len, name);
	s->root_seen = true;
	if (e == ELEM_HOSTDEV_AP)
		s->ap_uuid = false;
	if (e == ELEM_ADDRESS_AP) {
		ret = domain_take_uuid(s, tag, a, na);
		if (ret)
			return ret;
	}
	if (e == ELEM_HOSTDEV_AP && empty)
		return domain_error(s, tag, "vfio-ap hostdev without <source>");
	if (empty)
		return 0;
	if (s->depth == DOMAIN_MAX_DEPTH)
		return domain_error(s, tag, "elements nested deeper than %d",
				    DOMAIN_MAX_DEPTH);
	s->stack[s->depth] = e;
	s->names[s->depth] = name;
	s->namelens[s->depth] = len;
	s->depth++;
	if (e == ELEM_NAME)
		s->name_text = s->p;
	return 0;
}

static int domain_end_tag(struct domain_scan *s, const char *tag)
{
	const char *name = s->p;
	size_t len, n;
	enum domain_elem e;

	while (s->p < s->end && domain_is_name(*s->p))
		s->p++;
	len = (size_t)(s->p - name);
	while (s->p < s->end && domain_is_space(*s->p))
		s->p++;
	if (s->p >= s->end || *s->p != '>')
		return domain_error(s, tag, "unterminated end tag");
	s->p++;
	if (!s->depth)
		return domain_error(s, tag, "end tag </%.*s> without a start tag",
				    (int)len, name);
	if (len != s->namelens[s->depth - 1] ||
	    memcmp(name, s->names[s->depth - 1], len))
		return domain_error(s, tag, "end tag </%.*s> closes <%.*s>",
				    (int)len, name, (int)s->namelens[s->depth - 1],
				    s->names[s->depth - 1]);
	e = s->stack[--s->depth];
	if (e == ELEM_HOSTDEV_AP && !s->ap_uuid)
		return domain_error(s, tag, "vfio-ap hostdev without <source><address uuid=.../>");
	if (e == ELEM_NAME && s->name_text) {
		n = (size_t)(tag - s->name_text);
		if (n >= sizeof(s->dom->name))
			return domain_error(s, tag, "domain name longer than %zu bytes",
					    sizeof(s->dom->name) - 1);
		memcpy(s->dom->name, s->name_text, n);
		s->dom->name[n] = '\0';
		s->name_text = NULL;
	}
	return 0;
}

/* Skip from @tag ("<!", "<?") past what it opens. */
static int domain_skip(struct domain_scan *s, const char *tag)
{
	const char *close = NULL;
	size_t skip = 0;

	if (s->end - tag >= 4 && !memcmp(tag, "<!--", 4)) {
		close = domain_find(s, tag + 4, "-->");
		skip = 3;
	} else if (s->end - tag >= 9 && !memcmp(tag, "<![CDATA[", 9)) {
		close = domain_find(s, tag + 9, "]]>");
		skip = 3;
	} else if (tag[1] == '?') {
		close = domain_find(s, tag + 2, "?>");
		skip = 2;
	} else {
		/* <!DOCTYPE ...>: no internal subset in a domain XML */
		close = domain_find(s, tag + 2, ">");
		skip = 1;
	}
	if (!close)
		return domain_error(s, tag, "unterminated %s",
				    tag[1] == '?' ? "processing instruction" :
				    tag[2] == '-' ? "comment" : "declaration");
	s->p = close + skip;
	return 0;
}

int apmig_domain_parse(const char *xml, size_t len, struct apmig_domain *dom,
		       char *why, size_t whylen)
{
	struct domain_scan s = {
		.p = xml, .end = xml + len, .start = xml,
		.why = why, .whylen = whylen, .dom = dom,
	};
	const char *tag;
	int ret;

	memset(dom, 0, sizeof(*dom));
	if (memchr(xml, '\0', len))
		return domain_error(&s, memchr(xml, '\0', len), "a NUL byte");
	while (s.p < s.end) {
		tag = memchr(s.p, '<', (size_t)(s.end - s.p));
		if (!tag)
			break;
		if (tag + 1 >= s.end)
			return domain_error(&s, tag, "unterminated tag");
		s.p = tag + 1;
		if (*s.p == '!' || *s.p == '?')
			ret = domain_skip(&s, tag);
		else if (*s.p == '/')
			s.p++, ret = domain_end_tag(&s, tag);
		else
			ret = domain_start_tag(&s, tag);
		if (ret)
			return ret;
	}
	if (s.depth)
		return domain_error(&s, s.end, "<%.*s> is not closed",
				    (int)s.namelens[s.depth - 1], s.names[s.depth - 1]);
	if (!s.root_seen)
		return domain_error(&s, s.end, "no <domain> element");
	return 0;
}

/*
 * Run `virsh dumpxml --domain NAME` and read its output into a new buffer.
 * Returns 0, or the exit status 2 after reporting why.
 */
static int domain_virsh(const char *what, const char *name, char **buf,
			size_t *len)
{
	char *const argv[] = { "virsh", "dumpxml", "--domain", (char *)name, NULL };
	size_t cap = 0, n = 0;
	int fds[2], status;
	char *b = NULL, *nb;
	ssize_t r;
	pid_t pid;

	if (pipe(fds))
		return apmig_fail(what, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return apmig_fail(what, "fork: %s", strerror(errno));
	}
	if (!pid) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(126);
		close(fds[1]);
		execvp("virsh", argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[1]);
	for (;;) {
		if (n == cap) {
			if (cap >= DOMAIN_XML_MAX)
				break;
			cap = cap ? 2 * cap : 16384;
			nb = realloc(b, cap);
			if (!nb)
				break;
			b = nb;
		}
		r = read(fds[0], b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(b);
			return apmig_fail(what, "waitpid: %s", strerror(errno));
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		free(b);
		return apmig_fail(what, "--domain %s: virsh not found: give the domain's XML with --domain-xml FILE",
				  name);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		free(b);
		return apmig_fail(what, "--domain %s: virsh dumpxml failed (%s %d)",
				  name, WIFEXITED(status) ? "exit status" : "signal",
				  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	if (n == cap) {
		free(b);
		return apmig_fail(what, "--domain %s: the domain XML is larger than %d bytes or out of memory",
				  name, DOMAIN_XML_MAX);
	}
	*buf = b;
	*len = n;
	return 0;
}

int apmig_domain_load(const char *what, const char *name, const char *xml_path,
		      struct apmig_domain *dom)
{
	char why[256];
	const char *src;
	bool truncated;
	size_t len;
	void *buf = NULL;
	int ret;

	if (name) {
		src = name;
		ret = domain_virsh(what, name, (char **)&buf, &len);
		if (ret)
			return ret;
	} else {
		src = xml_path;
		ret = apmig_read_input(xml_path, DOMAIN_XML_MAX, &buf, &len, &truncated);
		if (ret < 0)
			return apmig_fail(what, "%s: %s", xml_path, strerror(-ret));
		if (truncated) {
			free(buf);
			return apmig_fail(what, "%s: larger than %d bytes: not a domain XML",
					  xml_path, DOMAIN_XML_MAX);
		}
	}
	ret = apmig_domain_parse(buf, len, dom, why, sizeof(why));
	free(buf);
	if (ret)
		return apmig_fail(what, "domain XML %s: %s", src, why);
	return 0;
}
