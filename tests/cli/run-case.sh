#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run one golden CLI case of apmig and compare stdout, stderr and the exit
# status with the expected files beside it.
#
# Usage: run-case.sh APMIG CASEDIR [--update]
#
# CASEDIR holds:
#   cmd     a shell command line, run from tests/ with $APMIG set to the
#           binary (so fixture paths are relative: fixtures/hosts/...)
#   stdout  expected standard output (may be binary, e.g. an export)
#   stderr  expected standard error
#   status  expected exit status
# With --update the expected files are rewritten from the run: review them
# with git diff before committing.
set -u
apmig=$1
case_dir=$2
update=${3:-}
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
case_dir=$(cd "$case_dir" && pwd)
name=$(basename "$case_dir")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The environment is part of the contract: nothing leaks in from the caller.
unset APMIG_SYSFS_ROOT
export APMIG="$apmig" TMPDIR="$tmp" LC_ALL=C

(cd "$tests_dir" && sh -c "$(cat "$case_dir/cmd")") \
	>"$tmp/stdout" 2>"$tmp/stderr" </dev/null
echo $? >"$tmp/status"

if [ "$update" = "--update" ]; then
	cp "$tmp/stdout" "$tmp/stderr" "$tmp/status" "$case_dir/"
	echo "$name: expected files rewritten"
	exit 0
fi

fail=0
for f in status stdout stderr; do
	if ! cmp -s "$case_dir/$f" "$tmp/$f"; then
		echo "$name: $f differs from the expected file:"
		diff -u "$case_dir/$f" "$tmp/$f" | head -n 60
		fail=1
	fi
done
[ $fail = 0 ] && echo "$name: ok"
exit $fail
