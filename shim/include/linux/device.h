/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim rule: CUSTOMISED FAKE (shim/src/device.c). A struct device reduced to
 * its name; dev_err() and friends record "<name>: <message>" in the shim
 * log (<shim/log.h>) with the kernel's level, so tests can assert on the
 * exact lines a driver printed. The _ratelimited variants record every
 * line: a test must see each one. dev_dbg() records at level 7 only when
 * shim_log_debug(true) was called (dynamic debug switched on).
 */
#ifndef _DEVICE_H_
#define _DEVICE_H_

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/types.h>

struct device {
	const char *init_name;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev && dev->init_name ? dev->init_name : "(null)";
}

__printf(3, 4) void shim_dev_printk(int level, const struct device *dev,
				    const char *fmt, ...);

#define dev_emerg(dev, fmt, ...)	shim_dev_printk(0, dev, fmt, ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...)		shim_dev_printk(2, dev, fmt, ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)		shim_dev_printk(3, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)		shim_dev_printk(4, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...)	shim_dev_printk(5, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)		shim_dev_printk(6, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)		shim_dev_printk(7, dev, fmt, ##__VA_ARGS__)

#define dev_err_ratelimited(dev, fmt, ...)	dev_err(dev, fmt, ##__VA_ARGS__)
#define dev_warn_ratelimited(dev, fmt, ...)	dev_warn(dev, fmt, ##__VA_ARGS__)
#define dev_info_ratelimited(dev, fmt, ...)	dev_info(dev, fmt, ##__VA_ARGS__)
#define dev_dbg_ratelimited(dev, fmt, ...)	dev_dbg(dev, fmt, ##__VA_ARGS__)
#define dev_err_once(dev, fmt, ...)		dev_err(dev, fmt, ##__VA_ARGS__)
#define dev_warn_once(dev, fmt, ...)		dev_warn(dev, fmt, ##__VA_ARGS__)

#endif /* _DEVICE_H_ */
