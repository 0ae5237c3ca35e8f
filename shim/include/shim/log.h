/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test controls of the log fake (shim/src/printk.c): every printk() and
 * dev_*() line is recorded with its level; tests search and count them.
 * Thread-safe.
 */
#ifndef SHIM_LOG_H
#define SHIM_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Called for each recorded line (level 0..7, text without newline). */
typedef void (*shim_log_sink_t)(void *ctx, int level, const char *line);

void shim_log_clear(void);
size_t shim_log_count(void);
/* Lines at @level (0..7) or, with -1, at any level. */
size_t shim_log_count_level(int level);
/* Copy line @i into @buf; false if there is no such line. */
bool shim_log_line(size_t i, int *level, char *buf, size_t len);
/* Number of recorded lines containing @needle. */
size_t shim_log_grep(const char *needle);
/* Also pass each line to @sink (NULL: none). Lines go to stderr if
 * SHIM_LOG_ECHO is set in the environment. */
void shim_log_set_sink(shim_log_sink_t sink, void *ctx);
/* Record dev_dbg() lines too (level 7); off by default. */
void shim_log_debug(bool on);
bool shim_log_debug_enabled(void);
/* Record a line (used by printk and dev_*()). */
void shim_log_record(int level, const char *text);

#endif /* SHIM_LOG_H */
