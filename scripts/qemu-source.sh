#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pristine QEMU 10.2 the QEMU series is made for: Debian's source
# package qemu (unstable; scripts/install-deps.sh qemu adds its deb-src
# entry), the newest 10.2 version apt offers, or the newest version of all
# when there is none. Its upstream tarball (.orig.tar.xz, without Debian's
# patches) is imported once into a git repository:
#
#   $APMIG_QEMU_CACHE/qemu/          the git work tree
#   tag "pristine"                   one root commit holding the unpacked
#                                    tarball, nothing else
#   $APMIG_QEMU_CACHE/qemu.version   the Debian version of that commit
#
# The commit has fixed author, dates and message, so the same package gives
# the same commit id on every machine: the base-commit of the series.
#
# Prints "qemu-check: qemu <version>". Callers hold the cache lock
# (scripts/series.sh qemu, scripts/qemu-check.sh). Exit 2 when the source
# cannot be had.
set -u
set -o pipefail

PKG=qemu
WANT=10.2
CACHE=${APMIG_QEMU_CACHE:-/var/cache/apmig-qemu}
TREE=$CACHE/qemu
export LC_ALL=C

die() {
	echo "qemu-source: $*" >&2
	exit 2
}

ME=qemu-source
# shellcheck source=scripts/pristine-import.sh
. "$(dirname "$0")/pristine-import.sh"
# shellcheck source=scripts/debian-source.sh
. "$(dirname "$0")/debian-source.sh"


all=$(debian_source_versions)
if [ -z "$all" ] && [ "$(id -u)" = 0 ]; then
	# Lists older than the sources entry: refresh them once.
	apt-get update -qq >/dev/null 2>&1
	all=$(debian_source_versions)
fi
[ -n "$all" ] ||
	die "apt knows no source package $PKG (scripts/install-deps.sh qemu adds Debian unstable's deb-src)"

have=$(cat "$CACHE/qemu.version" 2>/dev/null)
if [ -n "$have" ] && echo "$all" | grep -qxF "$have" &&
   git -C "$TREE" rev-parse -q --verify pristine^{commit} >/dev/null; then
	# Keep what is cached while apt still offers it and nothing newer of
	# the same rank is first in line.
	if [ "$(echo "$all" | head -n 1)" = "$have" ]; then
		echo "qemu-check: $PKG $have"
		exit 0
	fi
fi

# ---------------------------------------------------------------- download
debian_source_download "$all"

# ---------------------------------------------------------------- import
echo "qemu-source: importing $PKG $version into $TREE"
mkdir -p "$TREE.tmp" &&
	tar -xJf "$tarball" -C "$TREE.tmp" --strip-components=1 ||
	die "cannot unpack $tarball"
[ -f "$TREE.tmp/VERSION" ] || die "$tarball holds no QEMU source (no VERSION)"
# The release's own date (the mtime of VERSION in the tarball), the same on
# every machine.
date="@$(stat -c %Y "$TREE.tmp/VERSION") +0000"

pristine_import "$TREE.tmp" "$date" "$maintainer" "Debian $PKG ${version#*:} (upstream tarball)" \
"The unpacked ${tarball##*/} of the Debian source package
$PKG ${version#*:}, unchanged and without Debian's patches, imported by
scripts/qemu-source.sh of the vfio-ap live migration project." ||
	die "cannot import $TREE.tmp into git"

rm -rf "$TREE" && mv "$TREE.tmp" "$TREE" || die "cannot move $TREE.tmp to $TREE"
rm -f "$tarball"
echo "$version" >"$CACHE/qemu.version"
echo "qemu-source: base commit $(git -C "$TREE" rev-parse pristine)"
echo "qemu-check: $PKG $version"
