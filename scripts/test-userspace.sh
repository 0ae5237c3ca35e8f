#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build and run the userspace tests under ASan + UBSan; reports meson's counts.
# Usage: test-userspace.sh [BUILD_DIR [RESULT_NAME]]; the compiler is $CC.
set -u
dir=${1:-build-asan}
label=${2:-userspace-tests}
cd "$(dirname "$0")/.."
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
		--buildtype="${APMIG_BUILDTYPE:-debug}" >/dev/null || exit 1
fi
ninja -C "$dir" || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C "$dir" --print-errorlogs --num-processes 2
rc=$?
# Lines meant for the make check output: the fault sweep's one per flow.
grep -hs '^fault-sweep: ' "$dir/meson-logs/testlog.txt"
log="$dir/meson-logs/testlog.json"
if [ -f "$log" ]; then
	python3 - "$log" "$label" <<'PY' >>"${APMIG_RESULTS:-/dev/null}"
import json, re, sys
# A cmocka program counts each of its cases; any other test counts once.
ok_re = re.compile(r"^\[       OK \] ", re.M)
bad_re = re.compile(r"^\[  (FAILED|ERROR)   ?\] (?!\d+ test)", re.M)
ok = bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    out = r.get("stdout", "") + r.get("stderr", "")
    passed = r["result"] in ("OK", "EXPECTEDFAIL", "SKIP")
    cases_ok, cases_bad = len(ok_re.findall(out)), len(bad_re.findall(out))
    if cases_ok + cases_bad == 0:
        cases_ok, cases_bad = (1, 0) if passed else (0, 1)
    elif not passed and cases_bad == 0:
        cases_bad = 1   # crashed or leaked after its cases
    ok += cases_ok
    bad += cases_bad
print(f"RESULT {sys.argv[2]} {ok} {bad}")
PY
fi
exit $rc
