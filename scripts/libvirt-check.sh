#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make libvirt-check`: the gates of the vfio-ap live migration series on
# libvirt 11.3 (Debian's source package libvirt, scripts/libvirt-source.sh):
#
#   libvirt-series       scripts/series.sh libvirt generates the mailable
#                        series, which `git am` applies to a fresh branch of
#                        the pristine tree
#   libvirt-build        the QEMU driver and the tests below build after every
#                        patch (meson, tests on, docs and every other driver
#                        and optional library off)
#   libvirt-patches      each patch: Signed-off-by (with a git identity) and
#                        `git diff --check` clean (libvirt has no checkpatch)
#   libvirt-syntax-check libvirt's syntax-check rules on the files the series
#                        changes (sc_po_check, a rule on the whole tree, aside)
#   libvirt-tests        the tests of what the series touches: capabilities
#                        probing (qemucapabilitiestest, domaincapstest,
#                        qemucaps2xmltest, the replies check), the command
#                        line (qemuxmlconftest), migration
#                        (qemumigrationcookiexmltest and the series'
#                        qemumigrationhostdevtest)
#   libvirt-probe        qemucapsprobe on the qemu-system-s390x that
#                        scripts/qemu-check.sh built with the QEMU series,
#                        loaded by qemucapabilitiestest: the capability
#                        vfio-ap.enable-migration is set (skipped, 0 0, when
#                        that QEMU is not built)
#
# Cache (${APMIG_LIBVIRT_CACHE:-/var/cache/apmig-libvirt}), kept between runs:
#   libvirt/     git tree of the pristine source (libvirt-source.sh)
#   src/         a git worktree of it, moved from patch to patch: git only
#                rewrites the files that differ, so a second run recompiles
#                only what the series touches
#   build/       the meson build directory (incremental)
#   series/      the series as generated for this check
#   logs/        this run's logs
#
# Each gate adds "RESULT <name> <passed> <failed>" to $APMIG_RESULTS (when
# set) and to stdout. Exit 0 when every gate passed, 1 when one failed,
# 2 when the environment is not usable.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$(pwd)
CACHE=${APMIG_LIBVIRT_CACHE:-/var/cache/apmig-libvirt}
TREE=$CACHE/libvirt
SRC=$CACHE/src
SERIES_OUT=$CACHE/series
BUILD=$CACHE/build
LOGS=$CACHE/logs
QEMU=${APMIG_QEMU_CACHE:-/var/cache/apmig-qemu}/build/qemu-system-s390x
# Two jobs at most: the machine is shared with the kernel and QEMU builds.
JOBS=${APMIG_JOBS:-2}
[ "$JOBS" -le 2 ] || JOBS=2
# The QEMU driver needs the remote driver and libvirtd; everything else
# is off. libnl stays on: libvirt 11.3 does not build on Linux without it.
MESON_ARGS="-Dtests=enabled -Dexpensive_tests=disabled -Ddocs=disabled
	-Dgit_werror=disabled -Dnls=disabled -Doptimization=0 -Ddebug=false
	-Ddriver_qemu=enabled -Ddriver_remote=enabled -Ddriver_libvirtd=enabled
	-Ddriver_bhyve=disabled -Ddriver_esx=disabled -Ddriver_hyperv=disabled
	-Ddriver_interface=disabled -Ddriver_libxl=disabled -Ddriver_lxc=disabled
	-Ddriver_ch=disabled -Ddriver_network=disabled -Ddriver_openvz=disabled
	-Ddriver_secrets=disabled -Ddriver_test=disabled -Ddriver_vbox=disabled
	-Ddriver_vmware=disabled -Ddriver_vz=disabled
	-Dstorage_dir=disabled -Dstorage_disk=disabled -Dstorage_fs=disabled
	-Dstorage_gluster=disabled -Dstorage_iscsi=disabled
	-Dstorage_iscsi_direct=disabled -Dstorage_lvm=disabled
	-Dstorage_mpath=disabled -Dstorage_rbd=disabled -Dstorage_scsi=disabled
	-Dstorage_vstorage=disabled -Dstorage_zfs=disabled
	-Dapparmor=disabled -Dattr=disabled -Daudit=disabled
	-Dbash_completion=disabled -Dblkid=disabled -Dcapng=disabled
	-Dcurl=disabled -Dfuse=disabled -Dglusterfs=disabled -Dlibiscsi=disabled
	-Dlibpcap=disabled -Dlibssh=disabled -Dlibssh2=disabled -Dnetcf=disabled
	-Dnumactl=disabled -Dopenwsman=disabled -Dpciaccess=disabled
	-Dpolkit=disabled -Dreadline=disabled -Dsanlock=disabled -Dsasl=disabled
	-Dselinux=disabled -Dudev=disabled -Dwireshark_dissector=disabled
	-Dsecdriver_apparmor=disabled -Dsecdriver_selinux=disabled
	-Dapparmor_profiles=disabled -Ddtrace=disabled -Dfirewalld=disabled
	-Dfirewalld_zone=disabled -Dhost_validate=disabled -Dlogin_shell=disabled
	-Dnss=disabled -Dnumad=disabled -Dnbdkit=disabled -Dpm_utils=disabled
	-Dsysctl_config=disabled -Duserfaultfd_sysctl=disabled
	-Dssh_proxy=disabled -Dinit_script=none -Dlibnl=enabled"
# meson test names; their executables are built as tests/<name>.
TESTS="qemucapabilitiestest domaincapstest qemucaps2xmltest qemuxmlconftest
	qemumigrationcookiexmltest qemumigrationhostdevtest"
export LC_ALL=C

GATE=libvirt-check
PROJECT=libvirt
# shellcheck source=scripts/gate-lib.sh
. "$(dirname "$0")/gate-lib.sh"

# ---------------------------------------------------------------- deps
t=$(now)
echo "=== libvirt-check: dependencies"
sh scripts/install-deps.sh libvirt || exit 2
step_end dependencies "$t"

gate_lock APMIG_LIBVIRT_LOCKED

# ---------------------------------------------------------------- source
t=$(now)
echo "=== libvirt-check: libvirt source"
bash scripts/libvirt-source.sh || exit 2
step_end source "$t"

# ---------------------------------------------------------------- series
t=$(now)
echo "=== libvirt-check: generate the series (scripts/series.sh libvirt)"
gate_series
step_end series "$t"

# The build tree: a worktree of the cache's repository. A new import of the
# source (another pristine) starts it, and the build, afresh.
pristine=$(git -C "$TREE" rev-parse pristine)
if [ "$(cat "$SRC.pristine" 2>/dev/null)" != "$pristine" ] ||
   ! git -C "$SRC" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	rm -rf "$SRC" "$BUILD"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$SRC" pristine ||
		die "cannot add the worktree $SRC"
	echo "$pristine" >"$SRC.pristine"
fi
git -C "$SRC" clean -q -f -d -x

# ---------------------------------------------------------------- build
t=$(now)
echo "=== libvirt-check: build the QEMU driver and its tests after every patch"
args=$(echo $MESON_ARGS)
git -C "$SRC" checkout -q -f --detach "${commits[0]}" || die "cannot check out ${commits[0]}"
if [ ! -f "$BUILD/build.ninja" ] ||
   [ "$(cat "$BUILD/apmig-meson-args" 2>/dev/null)" != "$args" ]; then
	rm -rf "$BUILD"
	echo "--- meson setup $args"
	if ! nice meson setup "$BUILD" "$SRC" $args >"$LOGS/setup.log" 2>&1; then
		tail -n 20 "$LOGS/setup.log"
		result libvirt-build 0 "$N"
		exit 1
	fi
	echo "$args" >"$BUILD/apmig-meson-args"
fi

# The tests' executables and the mock libraries they preload (meson test
# --no-rebuild runs them without building all of libvirt's other tests).
# Those a patch does not have yet (the series' own test) are left out.
targets() {
	local name
	for name in $TESTS qemucapsprobe; do
		[ -f "$SRC/tests/$name.c" ] && echo "tests/$name"
	done
	ninja -C "$BUILD" -t targets all 2>/dev/null | awk -F: '{ print $1 }' |
		grep -E '^tests/lib[a-z0-9_]*mock[a-z0-9_]*\.so$'
}

built=0
for c in "${commits[@]}"; do
	git -C "$SRC" checkout -q -f --detach "$c" || die "cannot check out $c"
	subject=$(git -C "$SRC" log -1 --format=%s "$c")
	s=$(now)
	# shellcheck disable=SC2046
	if nice ninja -C "$BUILD" -j "$JOBS" $(targets) >"$LOGS/build-$c.log" 2>&1; then
		built=$((built + 1))
		step_end "builds: $subject" "$s"
	else
		grep -E 'error|FAILED' "$LOGS/build-$c.log" | head -n 20 | sed 's/^/    /'
		echo "libvirt-check: does not build: $subject"
	fi
done
result libvirt-build "$built" $((N - built))
[ $built = "$N" ] || exit 1
step_end build "$t"

# ---------------------------------------------------------------- patches
t=$(now)
echo "=== libvirt-check: the patches (Signed-off-by, git diff --check)"
p_ok=0 p_bad=0
for c in "${commits[@]}"; do
	subject=$(git -C "$SRC" log -1 --format=%s "$c")
	why=""
	if [ $signoff = 1 ] &&
	   ! git -C "$SRC" log -1 --format=%b "$c" | grep -q '^Signed-off-by: '; then
		why="no Signed-off-by"
	fi
	if ! git -C "$SRC" diff --check "$c^" "$c" >"$LOGS/diff-check.log" 2>&1; then
		why="${why:+$why, }whitespace errors"
		sed 's/^/    /' "$LOGS/diff-check.log" | head -n 20
	fi
	if [ -z "$why" ]; then
		p_ok=$((p_ok + 1))
		echo "  ok: $subject"
	else
		p_bad=$((p_bad + 1))
		echo "  $why: $subject"
	fi
done
result libvirt-patches "$p_ok" "$p_bad"
step_end patches "$t"

# ---------------------------------------------------------------- syntax-check
t=$(now)
echo "=== libvirt-check: syntax-check on the changed files"
changed=$(git -C "$SRC" diff --name-only --diff-filter=AM pristine HEAD)
echo "$changed" | sed 's/^/  /'
sc_ok=0 sc_bad=0
if [ ! -f "$BUILD/build-aux/Makefile" ]; then
	echo "libvirt-check: no build-aux/Makefile: meson saw no git tree in $SRC"
	sc_bad=1
else
	for rule in $(sed -n 's/^sc_\([a-zA-Z0-9_-]*\):.*/sc_\1/p' \
			"$SRC/build-aux/syntax-check.mk"); do
		# The list of files with translatable strings against
		# po/POTFILES: a rule on the whole tree, not on a file list.
		[ "$rule" = sc_po_check ] && continue
		if make -s -C "$BUILD/build-aux" "$rule" \
			VC_LIST="cd $SRC && git diff --name-only --diff-filter=AM pristine HEAD" \
			>"$LOGS/$rule.log" 2>&1; then
			sc_ok=$((sc_ok + 1))
		else
			sc_bad=$((sc_bad + 1))
			echo "  $rule:"
			sed 's/^/    /' "$LOGS/$rule.log" | head -n 20
		fi
	done
fi
echo "  $sc_ok rules passed, $sc_bad failed"
result libvirt-syntax-check "$sc_ok" "$sc_bad"
step_end syntax-check "$t"

# ---------------------------------------------------------------- tests
t=$(now)
echo "=== libvirt-check: tests"
# shellcheck disable=SC2086
(cd "$BUILD" && meson test --no-rebuild --print-errorlogs --num-processes "$JOBS" \
	$TESTS 'qemu replies check') >"$LOGS/tests.log" 2>&1
grep -E '^ *[0-9]+/[0-9]+ ' "$LOGS/tests.log" | sed 's/^/  /'
t_ok=$(awk '$1 == "Ok:" { print $2 }' "$LOGS/tests.log")
t_fail=$(awk '$1 == "Fail:" || $1 == "Timeout:" || $1 == "Unexpected" { s += $NF } END { print s + 0 }' "$LOGS/tests.log")
if [ -z "$t_ok" ]; then
	tail -n 30 "$LOGS/tests.log"
	result libvirt-tests 0 1
else
	[ "$t_fail" -eq 0 ] || grep -B2 -A30 -E 'FAIL|TIMEOUT' "$LOGS/tests.log" | head -n 80
	# The cases inside the test programs, as VIR_TEST_VERBOSE lists them.
	cases=$(cd "$BUILD" && for n in $TESTS; do
		VIR_TEST_VERBOSE=1 "tests/$n" 2>&1; done | grep -c '\.\.\. OK$')
	echo "  $cases test cases passed in the test programs"
	result libvirt-tests "$t_ok" "$t_fail"
fi
step_end tests "$t"

# ---------------------------------------------------------------- probe
t=$(now)
echo "=== libvirt-check: qemucapsprobe on QEMU 10.2 with the vfio-ap series"
data=$SRC/tests/qemucapabilitiesdata
if [ ! -x "$QEMU" ]; then
	echo "  skipped: no $QEMU (make qemu-check builds it)"
	result libvirt-probe 0 0
else
	variant=$data/caps_10.2.0_s390x+apmigprobe
	probe_ok=0
	if "$BUILD/tests/qemucapsprobe" "$QEMU" >"$variant.replies" 2>"$LOGS/probe.log"; then
		# The first run writes the capabilities XML of the new file (and
		# fails for it); the second must load the replies and agree.
		VIR_TEST_REGENERATE_OUTPUT=1 "$BUILD/tests/qemucapabilitiestest" \
			>"$LOGS/probe-regen.log" 2>&1
		if "$BUILD/tests/qemucapabilitiestest" >"$LOGS/probe-test.log" 2>&1 &&
		   grep -q "<flag name='vfio-ap.enable-migration'/>" "$variant.xml"; then
			probe_ok=1
			echo "  $(grep -c '<flag ' "$variant.xml") capabilities, vfio-ap.enable-migration among them"
		else
			tail -n 5 "$LOGS/probe-test.log" | sed 's/^/    /'
			echo "libvirt-check: the probed QEMU lacks vfio-ap.enable-migration"
		fi
	else
		tail -n 5 "$LOGS/probe.log" | sed 's/^/    /'
		echo "libvirt-check: qemucapsprobe failed on $QEMU"
	fi
	rm -f "$variant.replies" "$variant.xml"
	result libvirt-probe "$probe_ok" $((1 - probe_ok))
fi
step_end probe "$t"

exit $failed
