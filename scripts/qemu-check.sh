#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make qemu-check`: the gates of the vfio-ap live migration series on
# QEMU 10.2 (Debian's source package qemu, scripts/qemu-source.sh):
#
#   qemu-series      scripts/series.sh qemu generates the mailable series,
#                    which `git am` applies to a fresh branch of the pristine
#                    tree
#   qemu-build       qemu-system-s390x (--target-list=s390x-softmmu, lean
#                    configure, -Werror) builds after every patch
#   qemu-checkpatch  QEMU's scripts/checkpatch.pl on every generated patch:
#                    0 errors, 0 warnings
#   qemu-device      `-device vfio-ap,help` lists enable-migration
#   qemu-vmstate     -dump-vmstate holds vfio-ap's vmstate, versioned, with
#                    its subsection for the configuration change events
#   qemu-tests       the unit and qtests that cover what the series touches
#                    (vmstate, the s390x machine, device introspection,
#                    migration), run with meson test
#
# Cache (${APMIG_QEMU_CACHE:-/var/cache/apmig-qemu}), kept between runs:
#   qemu/        git tree of the pristine source (qemu-source.sh)
#   series/      the series as generated for this check
#   build/       the build directory (incremental)
#   tools/       Debian's meson and pycotap when the distribution's are too
#                old for QEMU 10.2 (unpacked, not installed)
#   logs/        this run's logs
#
# Each gate adds "RESULT <name> <passed> <failed>" to $APMIG_RESULTS (when
# set) and to stdout. Exit 0 when every gate passed, 1 when one failed,
# 2 when the environment is not usable.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$(pwd)
CACHE=${APMIG_QEMU_CACHE:-/var/cache/apmig-qemu}
TREE=$CACHE/qemu
SERIES_OUT=$CACHE/series
BUILD=$CACHE/build
TOOLS=$CACHE/tools
LOGS=$CACHE/logs
JOBS=${APMIG_JOBS:-$(nproc)}
# What the series needs and nothing else: one target, TCG, no tools, docs,
# guest agent or optional libraries.
CONFIGURE_ARGS="--target-list=s390x-softmmu --without-default-features
	--disable-download --disable-docs --disable-tools --disable-guest-agent
	--disable-debug-info --disable-install-blobs --enable-tcg --enable-werror"
# The tests that cover the series: the vmstate machinery, the s390x machine
# started and introspected (every device's properties, vfio-ap's included),
# devices plugged, and migration of an s390x guest.
QTESTS="qom-test device-introspect-test qmp-cmd-test test-hmp boot-serial-test
	device-plug-test virtio-ccw-test cpu-plug-test migration-test"
UNITTESTS="test-vmstate"
export LC_ALL=C

GATE=qemu-check
PROJECT=qemu
# shellcheck source=scripts/gate-lib.sh
. "$(dirname "$0")/gate-lib.sh"

# ---------------------------------------------------------------- deps
t=$(now)
echo "=== qemu-check: dependencies"
sh scripts/install-deps.sh qemu || exit 2
step_end dependencies "$t"

gate_lock APMIG_QEMU_LOCKED "$TOOLS"

# QEMU 10.2 wants meson >= 1.5 and pycotap; Debian 12 has meson 1.0 and no
# pycotap. Then take unstable's (both architecture-independent Python),
# unpacked into the cache, never installed over the system's.
meson_ok() {
	local v
	v=$(meson --version 2>/dev/null) &&
		dpkg --compare-versions "$v" ge 1.5.0 &&
		python3 -c 'import pycotap' 2>/dev/null
}
if ! meson_ok; then
	export PATH=$TOOLS/usr/bin:$PATH
	export PYTHONPATH=$TOOLS/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}
fi
if ! meson_ok; then
	echo "qemu-check: the system's meson is older than 1.5: unpacking" \
		"Debian unstable's meson and python3-pycotap into $TOOLS"
	rm -rf "$TOOLS" && mkdir -p "$TOOLS/dl" || die "cannot create $TOOLS"
	(cd "$TOOLS/dl" && apt-get -q download meson/unstable \
		python3-pycotap/unstable) >"$LOGS/tools.log" 2>&1 ||
		{ tail -n 5 "$LOGS/tools.log" >&2; die "apt-get download meson/unstable failed"; }
	for d in "$TOOLS"/dl/*.deb; do
		dpkg-deb -x "$d" "$TOOLS" || die "cannot unpack $d"
	done
	rm -rf "$TOOLS/dl"
	meson_ok || die "no meson >= 1.5 with pycotap, even from unstable"
fi
echo "qemu-check: meson $(meson --version)"

# ---------------------------------------------------------------- source
t=$(now)
echo "=== qemu-check: QEMU source"
bash scripts/qemu-source.sh || exit 2
step_end source "$t"

# ---------------------------------------------------------------- series
t=$(now)
echo "=== qemu-check: generate the series (scripts/series.sh qemu)"
gate_series
step_end series "$t"

# ---------------------------------------------------------------- build
t=$(now)
echo "=== qemu-check: build qemu-system-s390x after every patch"
args=$(echo $CONFIGURE_ARGS)
if [ ! -f "$BUILD/build.ninja" ] ||
   [ "$(cat "$BUILD/apmig-configure" 2>/dev/null)" != "$args" ]; then
	rm -rf "$BUILD" && mkdir -p "$BUILD" || die "cannot create $BUILD"
	echo "--- configure $args"
	(cd "$BUILD" && nice "$TREE/configure" $args) >"$LOGS/configure.log" 2>&1 || {
		tail -n 20 "$LOGS/configure.log"
		result qemu-build 0 "$N"
		exit 1
	}
	echo "$args" >"$BUILD/apmig-configure"
fi
built=0
for c in "${commits[@]}"; do
	git -C "$TREE" checkout -q "$c" || die "cannot check out $c"
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	s=$(now)
	if nice ninja -C "$BUILD" -j "$JOBS" qemu-system-s390x \
		>"$LOGS/build-$c.log" 2>&1; then
		built=$((built + 1))
		step_end "builds: $subject" "$s"
	else
		grep -E 'error|FAILED' "$LOGS/build-$c.log" | head -n 20 | sed 's/^/    /'
		echo "qemu-check: does not build: $subject"
	fi
done
git -C "$TREE" checkout -q apmig-check || die "cannot check out apmig-check"
result qemu-build "$built" $((N - built))
[ $built = "$N" ] || exit 1
# The s390x firmware: the Debian tarball leaves out the prebuilt
# s390-ccw.img; build it from its source with the s390x cross compiler, where
# a run from the build tree looks for it.
if ! nice make -s -C "$BUILD/pc-bios/s390-ccw" -j "$JOBS" \
	>"$LOGS/s390-ccw.log" 2>&1; then
	tail -n 20 "$LOGS/s390-ccw.log"
	die "cannot build the s390-ccw firmware (gcc-s390x-linux-gnu)"
fi
datadir=$(ls -d "$BUILD"/qemu-bundle/*/*/share/qemu "$BUILD"/qemu-bundle/*/share/qemu 2>/dev/null | head -n 1)
[ -n "$datadir" ] || die "no qemu-bundle data directory in $BUILD"
ln -sf "$BUILD/pc-bios/s390-ccw/s390-ccw.img" "$datadir/s390-ccw.img"
step_end build "$t"

QEMU=$BUILD/qemu-system-s390x

# ---------------------------------------------------------------- checkpatch
t=$(now)
echo "=== qemu-check: scripts/checkpatch.pl"
cp_ok=0 cp_bad=0
cp_args=()
[ $signoff = 1 ] || cp_args=(--no-signoff)
for p in "${patches[@]}"; do
	out=$(cd "$TREE" && perl scripts/checkpatch.pl "${cp_args[@]}" "$p" 2>&1)
	total=$(echo "$out" | grep '^total:')
	echo "  ${p##*/}: ${total:-no verdict}"
	if echo "$total" | grep -q '^total: 0 errors, 0 warnings'; then
		cp_ok=$((cp_ok + 1))
	else
		echo "$out" | sed 's/^/    /'
		cp_bad=$((cp_bad + 1))
	fi
done
result qemu-checkpatch "$cp_ok" "$cp_bad"
step_end checkpatch "$t"

# ---------------------------------------------------------------- device
echo "=== qemu-check: -device vfio-ap,help"
if "$QEMU" -device vfio-ap,help >"$LOGS/device-help.log" 2>&1 &&
   grep -q '^ *enable-migration=<OnOffAuto>' "$LOGS/device-help.log"; then
	sed 's/^/  /' "$LOGS/device-help.log"
	result qemu-device 1 0
else
	sed 's/^/    /' "$LOGS/device-help.log"
	echo "qemu-check: vfio-ap has no enable-migration property"
	result qemu-device 0 1
fi

echo "=== qemu-check: -dump-vmstate"
if "$QEMU" -M s390-ccw-virtio -display none -dump-vmstate \
	"$LOGS/vmstate.json" >"$LOGS/vmstate.log" 2>&1 &&
   python3 - "$LOGS/vmstate.json" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
	vms = json.load(f)
ap = vms.get("vfio-ap")
if not ap or "Description" not in ap:
	sys.exit("no vfio-ap in the vmstate dump")
desc = ap["Description"]
if desc.get("unmigratable"):
	sys.exit("vfio-ap is unmigratable")
ver, minver = desc.get("version_id"), desc.get("minimum_version_id")
subs = [s.get("name") for s in desc.get("Subsections", [])]
print(f"  vfio-ap: version_id {ver}, minimum_version_id {minver}, subsections {subs}")
if not isinstance(ver, int) or ver < 1:
	sys.exit("vfio-ap's vmstate has no version")
if "vfio-ap/cfg-chg-events" not in subs:
	sys.exit("vfio-ap's vmstate has no subsection for the configuration change events")
PY
then
	result qemu-vmstate 1 0
else
	sed 's/^/    /' "$LOGS/vmstate.log"
	result qemu-vmstate 0 1
fi

# ---------------------------------------------------------------- tests
t=$(now)
echo "=== qemu-check: unit tests and qtests"
targets=() names=()
for q in $QTESTS; do
	targets+=("tests/qtest/$q")
	names+=("qtest-s390x/$q")
done
for u in $UNITTESTS; do
	targets+=("tests/unit/$u")
	names+=("$u")
done
if ! nice ninja -C "$BUILD" -j "$JOBS" "${targets[@]}" >"$LOGS/tests-build.log" 2>&1; then
	grep -E 'error|FAILED' "$LOGS/tests-build.log" | head -n 20 | sed 's/^/    /'
	result qemu-tests 0 ${#names[@]}
	exit 1
fi
(cd "$BUILD" && meson test --no-rebuild --print-errorlogs --num-processes "$JOBS" \
	"${names[@]}") >"$LOGS/tests.log" 2>&1
grep -E '^ *[0-9]+/[0-9]+ ' "$LOGS/tests.log" | sed 's/^/  /'
t_ok=$(awk '$1 == "Ok:" { print $2 }' "$LOGS/tests.log")
t_fail=$(awk '$1 == "Fail:" || $1 == "Timeout:" || $1 == "Unexpected" { s += $NF } END { print s + 0 }' "$LOGS/tests.log")
if [ -z "$t_ok" ]; then
	tail -n 30 "$LOGS/tests.log"
	result qemu-tests 0 ${#names[@]}
else
	[ "$t_fail" -eq 0 ] || grep -B2 -A30 -E 'FAIL|TIMEOUT' "$LOGS/tests.log" | head -n 80
	awk '/subtests passed/ { n += $(NF - 2) } END { printf "  %d subtests passed\n", n }' \
		"$LOGS/tests.log"
	result qemu-tests "$t_ok" "$t_fail"
fi
step_end tests "$t"

exit $failed
