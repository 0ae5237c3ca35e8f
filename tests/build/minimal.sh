#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The tool builds with a C compiler, meson, ninja and json-c alone, as on a
# RHEL or SLES host: `meson setup -Dtests=disabled` and `ninja` in an
# environment where pkg-config knows json-c only (cmocka hidden) and PATH
# has no clang, llvm, valgrind or cmake. The installed apmig runs its demo
# from the prefix and holds no path of the source or build tree.
#
# Usage: minimal.sh SOURCE_ROOT
set -eu
src=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# PATH: every program of the caller's PATH but what the tool must not need.
mkdir "$tmp/bin" "$tmp/pkgconfig"
old_ifs=$IFS; IFS=:
for d in $PATH; do
	[ -d "$d" ] || continue
	for p in "$d"/*; do
		n=${p##*/}
		case $n in
		clang*|*llvm*|lld*|valgrind*|cmake*|scan-build*) continue ;;
		esac
		[ -x "$p" ] && [ ! -e "$tmp/bin/$n" ] && ln -s "$p" "$tmp/bin/$n"
	done
done
IFS=$old_ifs
pc=$(pkg-config --variable=pcfiledir json-c)/json-c.pc
[ -f "$pc" ] || { echo "no json-c.pc: json-c's development files are needed"; exit 1; }
cp "$pc" "$tmp/pkgconfig/"
export PATH="$tmp/bin" PKG_CONFIG_LIBDIR="$tmp/pkgconfig" PKG_CONFIG_PATH=
unset CC
! pkg-config --exists cmocka || { echo "cmocka is not hidden"; exit 1; }
! command -v clang >/dev/null || { echo "clang is not hidden"; exit 1; }
! command -v valgrind >/dev/null || { echo "valgrind is not hidden"; exit 1; }

prefix=/opt/apmig-minimal
meson setup "$tmp/build" "$src" -Dtests=disabled --buildtype=release \
	--prefix=$prefix >"$tmp/setup.log" 2>&1 ||
	{ cat "$tmp/setup.log"; exit 1; }
if grep -i -E "cmocka|clang|valgrind" "$tmp/build/meson-logs/meson-log.txt" |
	grep -v -i -E "^(Build Options|Main binary|Source dir|Build dir|Command line)" |
	grep -q -i -E "found|run-time dependency|program"; then
	echo "meson looked for cmocka, clang or valgrind:"
	grep -i -E "cmocka|clang|valgrind" "$tmp/build/meson-logs/meson-log.txt" | head
	exit 1
fi
ninja -C "$tmp/build" >"$tmp/ninja.log" 2>&1 || { tail -n 30 "$tmp/ninja.log"; exit 1; }
meson install -C "$tmp/build" --destdir "$tmp/dest" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; exit 1; }
bin=$tmp/dest$prefix/sbin/apmig
"$bin" --version | grep -q '^apmig ' || { echo "$bin --version fails"; exit 1; }
# The demo finds its hosts under the prefix only: here staged in DESTDIR.
APMIG_DEMO_HOSTS=$tmp/dest$prefix/share/apmig/hosts "$bin" demo >"$tmp/demo.out" 2>&1 ||
	{ cat "$tmp/demo.out"; exit 1; }
"$bin" demo >"$tmp/demo.out" 2>&1 && { echo "demo ran without its installed hosts"; exit 1; }
grep -q "$prefix/share/apmig/hosts" "$tmp/demo.out" ||
	{ echo "demo does not look under the prefix:"; cat "$tmp/demo.out"; exit 1; }
rel=$(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$src" "$tmp/build")
for p in "$src" "$tmp/build" "$rel/"; do
	if grep -a -q -F "$p" "$bin"; then
		echo "the installed binary holds the path $p:"
		grep -a -o -F "$p" "$bin" | head -n 3
		exit 1
	fi
done
echo "apmig built with -Dtests=disabled, no cmocka, clang or valgrind;" \
	"installed, it runs its demo from $prefix and names no build path"
