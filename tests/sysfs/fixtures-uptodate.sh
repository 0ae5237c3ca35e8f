#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The checked-in host fixture trees must be exactly what mkhosts.py builds
# (files, values and symlinks): rebuild them in a scratch directory and diff.
set -eu
python3=$1
hosts=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python3" "$hosts/mkhosts.py" "$tmp"
rc=0
for h in "$tmp"/*; do
	name=$(basename "$h")
	diff -r --no-dereference "$h" "$hosts/$name" || rc=1
done
exit $rc
