#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the libFuzzer targets with clang under ASan + UBSan (build-fuzz) and
# run each for SECONDS seconds from its checked-in seed corpus. Prints the
# executions per target and adds "RESULT fuzz-<target> 1 0" (or "0 1" on a
# crash, leak or timeout) to $APMIG_RESULTS. Crash inputs are written to
# tests/fuzz/crash-* (ignored by git): turn each into a test in tests/stream.
# Usage: fuzz.sh [SECONDS]
set -u
secs=${1:-30}
cd "$(dirname "$0")/.."
dir=${FUZZ_BUILD:-build-fuzz}
results=${APMIG_RESULTS:-/dev/null}

if [ ! -f "$dir/build.ninja" ]; then
	# Everything is instrumented for coverage; only the targets get the
	# fuzzer's main() (tests/fuzz/meson.build).
	if ! CC=clang meson setup "$dir" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link \
		--buildtype=debugoptimized >"$dir.setup.log" 2>&1; then
		tail -n 20 "$dir.setup.log" >&2
		echo "fuzz: meson setup of $dir with clang failed" >&2
		echo "RESULT fuzz-build 0 1" >>"$results"
		exit 1
	fi
	rm -f "$dir.setup.log"
fi
if ! ninja -C "$dir" >"$dir/ninja.log" 2>&1; then
	grep -E 'error|FAILED' "$dir/ninja.log" | head -n 20 >&2
	echo "fuzz: build in $dir failed (see $dir/ninja.log)" >&2
	echo "RESULT fuzz-build 0 1" >>"$results"
	exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# One target: its summary on stdout, its RESULT line in $results.
fuzz_one() {
	local target=$1 bin seeds work log status execs
	bin=$dir/tests/fuzz/$target
	if [ ! -x "$bin" ]; then
		echo "fuzz-${target#fuzz_}: not built (its source is missing)"
		return 0
	fi
	seeds=tests/fuzz/corpus/${target#fuzz_}
	work=$dir/corpus/${target#fuzz_}
	mkdir -p "$work"
	log=$dir/$target.log
	"$bin" -max_total_time="$secs" -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/ "$work" "$seeds" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ $status -eq 0 ]; then
		echo "fuzz-${target#fuzz_}: ${execs:-?} executions in ${secs}s, no crash"
		echo "RESULT fuzz-${target#fuzz_} 1 0" >>"$results"
		return 0
	fi
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*invariant failed|artifact_prefix|Test unit written)' \
		"$log" | head -n 10
	echo "fuzz-${target#fuzz_}: FAILED after ${execs:-?} executions (log: $log)"
	echo "RESULT fuzz-${target#fuzz_} 0 1" >>"$results"
	return 1
}

# The targets share no state: run as many at once as there are CPUs, each
# for the same time, and print their summaries in a fixed order.
jobs=$(nproc 2>/dev/null || echo 1)
rc=0
running=0
targets=(fuzz_decoder fuzz_rules fuzz_sysfs)
for target in "${targets[@]}"; do
	fuzz_one "$target" >"$dir/$target.summary" 2>&1 &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait
for target in "${targets[@]}"; do
	cat "$dir/$target.summary"
	grep -q ': FAILED after' "$dir/$target.summary" && rc=1
done
exit $rc
