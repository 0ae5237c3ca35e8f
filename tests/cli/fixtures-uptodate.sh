#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The checked-in CLI host trees (tests/fixtures/hosts-cli, hosts-bad) must be
# exactly what mkfixtures.py builds: rebuild them in a scratch directory and
# diff, symlinks included.
set -eu
python3=$1
script=$2
fixtures=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python3" "$script" "$tmp"
rc=0
for sub in hosts-cli hosts-bad; do
	[ "$(ls "$tmp/$sub")" = "$(ls "$fixtures/$sub")" ] || {
		echo "$sub: the trees differ from mkfixtures.py's: $(ls "$fixtures/$sub")"
		rc=1
	}
	for h in "$tmp/$sub"/*; do
		diff -r --no-dereference "$h" "$fixtures/$sub/$(basename "$h")" || rc=1
	done
done
exit $rc
