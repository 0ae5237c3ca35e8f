// SPDX-License-Identifier: GPL-2.0
/*
 * Shim rule: CUSTOMISED FAKE. printk() formats the line and records it with
 * its level (KERN_* prefix, default 4) in a bounded in-memory log that tests
 * query through <shim/log.h>; an optional sink sees each line as well.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/printk.h>

#include <shim/log.h>

#define LOG_MAX_LINES	4096
#define LOG_LINE_LEN	512

struct log_line {
	int level;
	char text[LOG_LINE_LEN];
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_line log_lines[LOG_MAX_LINES];
static size_t log_used;
static shim_log_sink_t log_sink;
static void *log_sink_ctx;
static bool log_debug;

void shim_log_debug(bool on)
{
	__atomic_store_n(&log_debug, on, __ATOMIC_RELAXED);
}

bool shim_log_debug_enabled(void)
{
	return __atomic_load_n(&log_debug, __ATOMIC_RELAXED);
}

void shim_log_record(int level, const char *text)
{
	shim_log_sink_t sink;
	void *ctx;
	size_t n;

	pthread_mutex_lock(&log_lock);
	if (log_used < LOG_MAX_LINES) {
		log_lines[log_used].level = level;
		snprintf(log_lines[log_used].text, LOG_LINE_LEN, "%s", text);
		n = strlen(log_lines[log_used].text);
		while (n && log_lines[log_used].text[n - 1] == '\n')
			log_lines[log_used].text[--n] = '\0';
		log_used++;
	}
	sink = log_sink;
	ctx = log_sink_ctx;
	pthread_mutex_unlock(&log_lock);
	if (getenv("SHIM_LOG_ECHO"))
		fprintf(stderr, "<%d>%s%s", level, text,
			text[0] && text[strlen(text) - 1] == '\n' ? "" : "\n");
	if (sink)
		sink(ctx, level, text);
}

int printk(const char *fmt, ...)
{
	char buf[LOG_LINE_LEN];
	int level = 4;
	va_list ap;
	int n;

	if (fmt[0] == KERN_SOH[0] && fmt[1]) {
		if (fmt[1] >= '0' && fmt[1] <= '7')
			level = fmt[1] - '0';
		fmt += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shim_log_record(level, buf);
	return n;
}

void shim_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_used = 0;
	pthread_mutex_unlock(&log_lock);
}

size_t shim_log_count(void)
{
	return shim_log_count_level(-1);
}

size_t shim_log_count_level(int level)
{
	size_t i, n = 0;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < log_used; i++)
		if (level < 0 || log_lines[i].level == level)
			n++;
	pthread_mutex_unlock(&log_lock);
	return n;
}

bool shim_log_line(size_t i, int *level, char *buf, size_t len)
{
	bool ok = false;

	pthread_mutex_lock(&log_lock);
	if (i < log_used) {
		if (level)
			*level = log_lines[i].level;
		if (buf && len)
			snprintf(buf, len, "%s", log_lines[i].text);
		ok = true;
	}
	pthread_mutex_unlock(&log_lock);
	return ok;
}

size_t shim_log_grep(const char *needle)
{
	size_t i, n = 0;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < log_used; i++)
		if (strstr(log_lines[i].text, needle))
			n++;
	pthread_mutex_unlock(&log_lock);
	return n;
}

void shim_log_set_sink(shim_log_sink_t sink, void *ctx)
{
	pthread_mutex_lock(&log_lock);
	log_sink = sink;
	log_sink_ctx = ctx;
	pthread_mutex_unlock(&log_lock);
}
