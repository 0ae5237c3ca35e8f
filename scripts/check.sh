#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every test of the project, then one closing line
# "N passed, N failed". Each stage adds "RESULT <stage> <passed> <failed>"
# lines to $APMIG_RESULTS; a stage that cannot run counts as one failure.
set -u
cd "$(dirname "$0")/.."
export APMIG_RESULTS
APMIG_RESULTS=$(mktemp)
trap 'rm -f "$APMIG_RESULTS"' EXIT

userspace_only=0
[ "${1:-}" = "--userspace-only" ] && userspace_only=1

stage() {
	local name=$1; shift
	echo "=== $name"
	local before
	before=$(wc -l <"$APMIG_RESULTS")
	if ! "$@"; then
		# A stage that failed without saying why still counts.
		[ "$(wc -l <"$APMIG_RESULTS")" -gt "$before" ] ||
			echo "RESULT $name 0 1" >>"$APMIG_RESULTS"
	elif [ "$(wc -l <"$APMIG_RESULTS")" -eq "$before" ]; then
		echo "RESULT $name 1 0" >>"$APMIG_RESULTS"
	fi
}

# gcc at -O2, as `make` builds: its warnings that only optimisation finds
# (format-truncation, maybe-uninitialized) fail here, not in `make demo`.
stage unit env APMIG_BUILDTYPE=debugoptimized bash scripts/test-userspace.sh build-asan
# clang's UBSan sees what gcc's misses (it found a null-pointer offset here).
stage unit-clang env CC=clang bash scripts/test-userspace.sh build-asan-clang \
	userspace-tests-clang
[ -f scripts/fuzz.sh ] && stage fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
[ -f scripts/tsan.sh ] && stage tsan bash scripts/tsan.sh
if [ $userspace_only = 0 ]; then
	stage kernel bash scripts/kernel-check.sh
	# apmig fsm path against the real vfio_mig_get_next_state() tables.
	stage fsm-vs-kernel python3 tests/fsm/compare-kernel.py build-asan/apmig \
		"${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}/linux"
	stage qemu bash scripts/qemu-check.sh
	stage libvirt bash scripts/libvirt-check.sh
fi

echo "=== summary"
awk '$1 == "RESULT" { printf "  %-28s %6d passed, %d failed\n", $2, $3, $4; p += $3; f += $4 }
     END { printf "%d passed, %d failed\n", p, f }' "$APMIG_RESULTS"
awk '$1 == "RESULT" { f += $4 } END { exit f > 0 }' "$APMIG_RESULTS"
