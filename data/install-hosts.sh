#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# meson install: copy the demo hosts (sysfs-shaped trees full of relative
# symlinks, which install_subdir would follow) to <datadir>/apmig/hosts.
# Usage: install-hosts.sh SRCDIR DATADIR_RELATIVE_TO_PREFIX
set -eu
src=$1
dest=${MESON_INSTALL_DESTDIR_PREFIX:?run by meson install}/$2/hosts
mkdir -p "$dest"
# tar keeps the symlinks as they are
(cd "$src" && tar cf - source target incompatible) | (cd "$dest" && tar xf -)
