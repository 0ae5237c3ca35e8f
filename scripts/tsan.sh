#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The race test of tests/hardening (test_races: the migration driver under
# racing VMMs, state changes, data fd I/O, precopy ioctls, resets, closes and
# host changes on two mdev pairs) in a ThreadSanitizer build. Builds only
# that test in $TSAN_BUILD (default build-tsan), runs it once per seed for
# $TSAN_SECONDS seconds each, and prints the racing operations and TSan's
# verdict. Adds "RESULT tsan <passed runs> <failed runs>" to $APMIG_RESULTS.
#
#   TSAN_CC=clang TSAN_SECONDS=10 TSAN_SEEDS="1 2 3 4" scripts/tsan.sh
set -u
cd "$(dirname "$0")/.."
dir=${TSAN_BUILD:-build-tsan}
seconds=${TSAN_SECONDS:-4}
seeds=${TSAN_SEEDS:-1 2 3}
results=${APMIG_RESULTS:-/dev/null}
test=tests/hardening/test_races

if [ ! -f "$dir/build.ninja" ]; then
	log=$(mktemp)
	if ! CC=${TSAN_CC:-${CC:-cc}} meson setup "$dir" -Db_sanitize=thread \
		--buildtype=debugoptimized -Dtests=enabled >"$log" 2>&1; then
		cat "$log"
		rm -f "$log"
		echo "tsan: meson setup failed"
		echo "RESULT tsan 0 1" >>"$results"
		exit 1
	fi
	rm -f "$log"
fi
if ! ninja -C "$dir" "$test" apmig >"$dir/tsan-build.log" 2>&1; then
	tail -n 30 "$dir/tsan-build.log"
	echo "tsan: build of $test failed"
	echo "RESULT tsan 0 1" >>"$results"
	exit 1
fi

# halt_on_error=0: count every report; exitcode=66 marks a run with reports.
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
passed=0
failed=0
total_ops=0
total_reports=0
for seed in $seeds; do
	out="$dir/tsan-seed$seed.out"
	err="$dir/tsan-seed$seed.err"
	"$dir/$test" --seconds "$seconds" --seed "$seed" --ops 100000000 >"$out" 2>"$err"
	rc=$?
	reports=$(grep -c '^WARNING: ThreadSanitizer' "$err")
	ops=$(sed -n 's/^races: \([0-9]*\) racing operations.*/\1/p' "$out")
	sed 's/^/  /' "$out"
	if [ "$reports" -gt 0 ]; then
		grep -A 12 '^WARNING: ThreadSanitizer' "$err" | head -n 60 | sed 's/^/  /'
	elif [ $rc -ne 0 ]; then
		tail -n 20 "$err" | sed 's/^/  /'
	fi
	echo "tsan: seed $seed: ${ops:-0} racing operations, exit $rc," \
		"$reports ThreadSanitizer report(s)"
	total_ops=$((total_ops + ${ops:-0}))
	total_reports=$((total_reports + reports))
	if [ $rc -eq 0 ] && [ "$reports" -eq 0 ] && [ -n "$ops" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

# The whole simulated migration: the VMM's two threads, the driver and the
# guest model, whose kick arrives from the destination VMM's thread.
for mode in precopy --no-precopy --no-kick; do
	err="$dir/tsan-migrate$mode.err"
	opt=$mode
	[ "$mode" = precopy ] && opt=
	# shellcheck disable=SC2086
	"$dir/apmig" migrate $opt --source data/hosts/source --target data/hosts/target \
		--target-uuid 5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6 \
		8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b >/dev/null 2>"$err"
	rc=$?
	reports=$(grep -c '^WARNING: ThreadSanitizer' "$err")
	[ "$reports" -gt 0 ] &&
		grep -A 12 '^WARNING: ThreadSanitizer' "$err" | head -n 60 | sed 's/^/  /'
	echo "tsan: apmig migrate ($mode): exit $rc, $reports ThreadSanitizer report(s)"
	total_reports=$((total_reports + reports))
	if [ $rc -eq 0 ] && [ "$reports" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

if [ $total_reports -eq 0 ] && [ $failed -eq 0 ]; then
	verdict="clean: no data race, no lock-order inversion, no thread leak"
else
	verdict="$total_reports report(s), $failed failed run(s); logs in $dir/tsan-seed*.err"
fi
echo "tsan: $total_ops racing operations in $((passed + failed)) run(s); ThreadSanitizer: $verdict"
echo "RESULT tsan $passed $failed" >>"$results"
[ $failed -eq 0 ]
