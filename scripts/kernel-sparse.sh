#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the path of a sparse that Linux 7.3 accepts for C=1.
#
# Since Linux 6.14 kbuild silently drops C=1 unless sparse knows
# __typeof_unqual__ (scripts/checker-valid.sh); Debian 12's sparse 0.6.4
# does not. Then build sparse from Debian's newest source package (the
# deb-src entry scripts/install-deps.sh adds) into the cache, once: its
# upstream tarball only, since the Debian packaging wants a newer gcc.
#
# Usage: kernel-sparse.sh <linux tree>. Exit 2 when no sparse can be had.
set -u
set -o pipefail

TREE=$1
CACHE=${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}
DIR=$CACHE/sparse
export LC_ALL=C

valid() {
	[ "$(sh "$TREE/scripts/checker-valid.sh" "$1" --arch=s390 -mbig-endian -m64 2>/dev/null)" = 1 ]
}

die() {
	echo "kernel-sparse: $*" >&2
	exit 2
}

if valid sparse; then
	command -v sparse
	exit 0
fi
if [ -x "$DIR/sparse" ] && valid "$DIR/sparse"; then
	echo "$DIR/sparse"
	exit 0
fi

echo "kernel-sparse: $(sparse --version 2>/dev/null || echo "no sparse") lacks" \
	"__typeof_unqual__; building Debian's newest sparse source" >&2
rm -rf "$DIR" && mkdir -p "$DIR/src" || die "cannot create $DIR"
(cd "$DIR" && apt-get -q source --download-only sparse) >"$DIR/apt.log" 2>&1 || {
	cat "$DIR/apt.log" >&2
	die "apt-get source sparse failed (a deb-src entry of Debian unstable is needed: scripts/install-deps.sh kernel)"
}
orig=$(ls "$DIR"/sparse_*.orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || die "no sparse_*.orig.tar.* in $DIR"
tar -xf "$orig" -C "$DIR/src" --strip-components=1 || die "cannot unpack $orig"
make -C "$DIR/src" -j"$(nproc)" CC=gcc sparse >"$DIR/build.log" 2>&1 || {
	tail -n 20 "$DIR/build.log" >&2
	die "building sparse failed"
}
cp "$DIR/src/sparse" "$DIR/sparse" && rm -rf "$DIR/src" "$DIR"/sparse_* ||
	die "cannot install $DIR/sparse"
valid "$DIR/sparse" || die "$DIR/sparse still lacks __typeof_unqual__"
echo "kernel-sparse: built $DIR/sparse from ${orig##*/}" >&2
echo "$DIR/sparse"
