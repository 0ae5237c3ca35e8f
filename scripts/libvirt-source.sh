#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pristine libvirt 11.3 the libvirt series is made for: Debian's source
# package libvirt (Debian 13 has 11.3; scripts/install-deps.sh libvirt adds
# the deb-src entries), the newest 11.3 version apt offers, or the newest
# version of all when there is none. Its upstream tarball (.orig.tar.xz,
# without Debian's patches) is imported once into a git repository:
#
#   $APMIG_LIBVIRT_CACHE/libvirt/          the git work tree
#   tag "pristine"                         one root commit holding the
#                                          unpacked tarball, nothing else
#   $APMIG_LIBVIRT_CACHE/libvirt.version   the Debian version of that commit
#
# The commit has fixed author, dates and message, so the same package gives
# the same commit id on every machine: the base-commit of the series.
#
# Prints "libvirt-check: libvirt <version>". Callers hold the cache lock
# (scripts/series.sh libvirt, scripts/libvirt-check.sh). Exit 2 when the
# source cannot be had.
set -u
set -o pipefail

PKG=libvirt
WANT=11.3
CACHE=${APMIG_LIBVIRT_CACHE:-/var/cache/apmig-libvirt}
TREE=$CACHE/libvirt
export LC_ALL=C

die() {
	echo "libvirt-source: $*" >&2
	exit 2
}

ME=libvirt-source
# shellcheck source=scripts/pristine-import.sh
. "$(dirname "$0")/pristine-import.sh"
# shellcheck source=scripts/debian-source.sh
. "$(dirname "$0")/debian-source.sh"


all=$(debian_source_versions)
if ! echo "$all" | grep -q "^$WANT\." && [ "$(id -u)" = 0 ]; then
	# Lists older than the sources entry: refresh them once.
	apt-get update -qq >/dev/null 2>&1
	all=$(debian_source_versions)
fi
[ -n "$all" ] ||
	die "apt knows no source package $PKG (scripts/install-deps.sh libvirt adds Debian's deb-src)"

have=$(cat "$CACHE/libvirt.version" 2>/dev/null)
if [ -n "$have" ] &&
   git -C "$TREE" rev-parse -q --verify pristine^{commit} >/dev/null; then
	# Keep what is cached while nothing of a better rank is first in line:
	# a point release of Debian changes Debian's patches, not the tarball.
	first=$(echo "$all" | head -n 1)
	if [ "$first" = "$have" ] ||
	   [ "${first%-*}" = "${have%-*}" ]; then
		echo "libvirt-check: $PKG $have"
		exit 0
	fi
fi

# ---------------------------------------------------------------- download
debian_source_download "$all"

# ---------------------------------------------------------------- import
echo "libvirt-source: importing $PKG $version into $TREE"
mkdir -p "$TREE.tmp" &&
	tar -xJf "$tarball" -C "$TREE.tmp" --strip-components=1 ||
	die "cannot unpack $tarball"
grep -q "^ *'libvirt', 'c'," "$TREE.tmp/meson.build" 2>/dev/null ||
	die "$tarball holds no libvirt source (meson.build)"
# The release's own date (the mtime of meson.build in the tarball), the
# same on every machine.
date="@$(stat -c %Y "$TREE.tmp/meson.build") +0000"

pristine_import "$TREE.tmp" "$date" "$maintainer" "Debian $PKG ${version#*:} (upstream tarball)" \
"The unpacked ${tarball##*/} of the Debian source package
$PKG ${version#*:}, unchanged and without Debian's patches, imported by
scripts/libvirt-source.sh of the vfio-ap live migration project." ||
	die "cannot import $TREE.tmp into git"

rm -rf "$TREE" && mv "$TREE.tmp" "$TREE" || die "cannot move $TREE.tmp to $TREE"
rm -f "$tarball"
echo "$version" >"$CACHE/libvirt.version"
echo "libvirt-source: base commit $(git -C "$TREE" rev-parse pristine)"
echo "libvirt-check: $PKG $version"
