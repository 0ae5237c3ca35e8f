#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `meson install` of the build directory into a scratch DESTDIR puts apmig
# into <prefix>/<sbindir>, apmig(8) into <prefix>/<mandir>/man8 and the demo
# hosts into <prefix>/<datadir>/apmig/hosts, the bash completion into
# <prefix>/<datadir>/bash-completion/completions/apmig, and the installed
# binary runs its demo on the installed hosts.
# Usage: install-test.sh MESON BUILD_ROOT PREFIX SBINDIR MANDIR DATADIR
set -eu
meson=$1 build=$2 prefix=$3 sbindir=$4 mandir=$5 datadir=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$meson" install -C "$build" --no-rebuild --quiet --destdir "$tmp" >/dev/null
bin=$tmp$prefix/$sbindir/apmig
man=$tmp$prefix/$mandir/man8/apmig.8
[ -x "$bin" ] || { echo "no executable $bin"; find "$tmp"; exit 1; }
[ -f "$man" ] || { echo "no man page $man"; find "$tmp"; exit 1; }
"$bin" --version | grep -q '^apmig ' || { echo "$bin --version fails"; exit 1; }
grep -q '^\.SH EXIT STATUS' "$man" || { echo "$man has no EXIT STATUS"; exit 1; }
comp=$tmp$prefix/$datadir/bash-completion/completions/apmig
[ -f "$comp" ] || { echo "no bash completion $comp"; find "$tmp"; exit 1; }
grep -q '^complete -F _apmig apmig$' "$comp" || { echo "$comp does not complete apmig"; exit 1; }
hosts=$tmp$prefix/$datadir/apmig/hosts
[ -d "$hosts" ] || { echo "no demo hosts in $hosts"; find "$tmp" -maxdepth 5; exit 1; }
APMIG_DEMO_HOSTS=$hosts "$bin" demo >"$tmp/demo.out" 2>&1 ||
	{ echo "the installed apmig demo fails:"; cat "$tmp/demo.out"; exit 1; }
echo "installed $prefix/$sbindir/apmig, $prefix/$mandir/man8/apmig.8," \
	"$prefix/$datadir/bash-completion/completions/apmig and" \
	"$prefix/$datadir/apmig/hosts; the installed demo runs"
