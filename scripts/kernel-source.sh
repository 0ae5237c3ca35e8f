#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pristine Linux 7.3 the kernel series is made for: Debian's
# linux-source-7.3 (experimental; scripts/install-deps.sh adds the suite),
# whichever 7.3 version apt offers, imported once into a git repository:
#
#   $APMIG_KERNEL_CACHE/linux/          the git work tree
#   tag "pristine"                      one root commit holding the unpacked
#                                       tarball, nothing else
#   $APMIG_KERNEL_CACHE/linux.version   the Debian version of that commit
#
# The commit has fixed author, dates and message, so the same package gives
# the same commit id on every machine: the base-commit of the series.
#
# Prints "kernel-check: linux-source-7.3 <version>". Callers hold the
# cache lock (scripts/series.sh, scripts/kernel-check.sh). Exit 2 when the
# source cannot be had.
set -u
set -o pipefail

PKG=linux-source-7.3
CACHE=${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}
TREE=$CACHE/linux
export LC_ALL=C

die() {
	echo "kernel-source: $*" >&2
	exit 2
}

# shellcheck source=scripts/pristine-import.sh
. "$(dirname "$0")/pristine-import.sh"

candidate() {
	apt-cache policy "$PKG" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }'
}

version=$(candidate)
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	# Lists older than the sources entry: refresh them once.
	[ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1
	version=$(candidate)
fi
case "$version" in
7.3*) ;;
""|"(none)") die "apt offers no $PKG (is Debian experimental in the sources? scripts/install-deps.sh kernel adds it)" ;;
*) die "apt offers $PKG $version, not a 7.3" ;;
esac

if [ "$(cat "$CACHE/linux.version" 2>/dev/null)" = "$version" ] &&
   git -C "$TREE" rev-parse -q --verify pristine^{commit} >/dev/null; then
	echo "kernel-check: $PKG $version"
	exit 0
fi

# ---------------------------------------------------------------- import
echo "kernel-source: importing $PKG $version into $TREE"
mkdir -p "$CACHE/dl" || die "cannot create $CACHE/dl"
rm -rf "$CACHE/dl/"* "$TREE.tmp" "$CACHE/linux.version"
deb_version=${version#*:}
(cd "$CACHE/dl" && apt-get -q download "$PKG=$version") \
	>"$CACHE/dl/apt.log" 2>&1 || {
	cat "$CACHE/dl/apt.log" >&2
	die "apt-get download $PKG=$version failed"
}
deb=$(ls "$CACHE"/dl/"${PKG}_"*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download left no .deb in $CACHE/dl"
maintainer=$(dpkg-deb -f "$deb" Maintainer)
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$CACHE/dl" "./usr/src/$PKG.tar.xz" ||
	die "$deb holds no /usr/src/$PKG.tar.xz"
tarball=$CACHE/dl/usr/src/$PKG.tar.xz
# The package's build date (SOURCE_DATE_EPOCH), the same on every machine.
date="@$(stat -c %Y "$tarball") +0000"
mkdir -p "$TREE.tmp" &&
	tar -xJf "$tarball" -C "$TREE.tmp" --strip-components=1 ||
	die "cannot unpack $tarball"
rm -rf "$CACHE/dl/usr" "$deb"

pristine_import "$TREE.tmp" "$date" "$maintainer" "Debian $PKG $deb_version" \
"The unpacked /usr/src/$PKG.tar.xz of the Debian package $PKG
$deb_version, unchanged, imported by scripts/kernel-source.sh of the
vfio-ap live migration project." ||
	die "cannot import $TREE.tmp into git"

rm -rf "$TREE" && mv "$TREE.tmp" "$TREE" || die "cannot move $TREE.tmp to $TREE"
echo "$version" >"$CACHE/linux.version"
echo "kernel-source: base commit $(git -C "$TREE" rev-parse pristine)"
echo "kernel-check: $PKG $version"
