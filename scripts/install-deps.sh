#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages a make target needs, when they are missing.
# Usage: install-deps.sh userspace|kernel|bench
# Exits 2 naming the package that could not be installed.
set -eu

userspace="gcc clang meson ninja-build pkg-config libjson-c-dev libcmocka-dev
	   libclang-rt-14-dev llvm python3"
kernel="linux-source-6.12 gcc-s390x-linux-gnu binutils-s390x-linux-gnu sparse
	qemu-system-misc quilt bc flex bison libelf-dev libssl-dev xz-utils
	python3 make perl rsync kmod cpio gcc libc6-dev"
bench="valgrind python3"

case "${1:-}" in
userspace) want=$userspace ;;
kernel) want=$kernel ;;
bench) want=$bench ;;
*) echo "usage: $0 userspace|kernel|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 2
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } >"$apt_log" 2>&1; then
	tail -n 20 "$apt_log" >&2
	for p in $missing; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			echo "install-deps: cannot install Debian package '$p'" >&2
	done
	rm -f "$apt_log"
	exit 2
fi
rm -f "$apt_log"
