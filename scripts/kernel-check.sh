#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make kernel-check`: the gates of the vfio_ap live migration series on
# Linux 7.3 (Debian's linux-source-7.3), cross-built for s390x:
#
#   series      scripts/series.sh generates the mailable series, which
#               `git am` applies to a fresh branch of the pristine tree
#   bisect      drivers/s390/crypto/ and KVM's interrupt.o build after
#               every patch, W=1 and sparse (C=1), without a warning:
#               the pristine base is built first, so every warning
#               after it comes from our code;
#               olddefconfig with KUNIT=m makes the tests a module of
#               their own
#   checkpatch  --strict on every generated patch: no error, warning, check
#   kernel-doc  -Wall on our new files: no warning
#   coccicheck  `make coccicheck MODE=report M=drivers/s390/crypto`: no
#               report on our new .c files
#   kunit       kunit.py in qemu-system-s390x with the series' own
#               drivers/s390/crypto/.kunitconfig and kernel/kunitconfig
#   kunit-debug the same with kernel/kunitconfig.debug added (lockdep,
#               KASAN, ...); a splat in the kernel log fails either run
#
# Cache (${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}), kept between runs:
#   linux/                 git tree of the pristine source (kernel-source.sh)
#   series/                the series as generated for this check
#   build/                 O= dir of the bisect build (incremental)
#   kunit/, kunit-debug/   kunit.py build dirs (incremental)
#   config-check/          O= dir of the olddefconfig check
#   checkpatch/, cocci/    verdicts by content hash
#   logs/                  this run's logs
#
# Each gate adds "RESULT <name> <passed> <failed>" to $APMIG_RESULTS (when
# set) and to stdout. Exit 0 when every gate passed, 1 when one failed,
# 2 when the environment is not usable.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$(pwd)
CACHE=${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}
TREE=$CACHE/linux
SERIES_OUT=$CACHE/series
BUILD=$CACHE/build
CONFIG_CHECK=$CACHE/config-check
LOGS=$CACHE/logs
CRYPTO=drivers/s390/crypto
# The series' one KVM change (an export for vfio_ap) is built with it.
KVM_OBJ=arch/s390/kvm/s390/interrupt.o
# The tests' configuration is the one the series ships; the gate adds its
# own to make the kernel smaller (and to debug it).
KUNITCONFIG_TESTS=$TREE/$CRYPTO/.kunitconfig
KUNITCONFIG=$REPO/kernel/kunitconfig
KUNITCONFIG_DEBUG=$REPO/kernel/kunitconfig.debug
JOBS=${APMIG_JOBS:-$(nproc)}
ARCH=s390
CROSS_COMPILE=s390x-linux-gnu-
export ARCH CROSS_COMPILE
export LC_ALL=C
# kunit.py and kernel-doc would leave __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1

GATE=kernel-check
PROJECT=kernel
# shellcheck source=scripts/gate-lib.sh
. "$(dirname "$0")/gate-lib.sh"
run_start=$(date +%s.%N)

list() {
	sed -e 's/#.*//' "$1" | awk 'NF { print $1 }'
}

# ---------------------------------------------------------------- deps
t=$(now)
echo "=== kernel-check: dependencies"
sh scripts/install-deps.sh kernel || exit 2
step_end dependencies "$t"

gate_lock APMIG_KERNEL_LOCKED

# ---------------------------------------------------------------- source
t=$(now)
echo "=== kernel-check: Linux source"
bash scripts/kernel-source.sh || exit 2
step_end source "$t"

# ---------------------------------------------------------------- series
t=$(now)
echo "=== kernel-check: generate the series (scripts/series.sh kernel)"
gate_series
step_end series "$t"

# Our files: what the series adds, and the upstream files it changes.
new=$(for p in $(list "$REPO/kernel/series/series"); do
	f=$REPO/kernel/series/$p.files
	[ -f "$f" ] && list "$f"
done)
new_c=$(echo "$new" | grep -E '^drivers/.*\.c$')
new_ch=$(echo "$new" | grep -E '^drivers/.*\.[ch]$')

# ---------------------------------------------------------------- config
t=$(now)
echo "=== kernel-check: olddefconfig with KUNIT=m, KUNIT_ALL_TESTS=m"
# The tests' .kunitconfig as modules: the test option is left to its
# default (KUNIT_ALL_TESTS), which must make it a module of its own.
fragment=$(
	echo "CONFIG_MODULES=y"
	echo "CONFIG_KUNIT=m"
	echo "CONFIG_KUNIT_ALL_TESTS=m"
	grep -vE '^(# )?CONFIG_(MODULES|KUNIT|VFIO_AP_MIGRATION_KUNIT_TEST)[= ]' \
		"$KUNITCONFIG_TESTS" | sed 's/^\(CONFIG_VFIO_AP\)=y/\1=m/'
)
mkdir -p "$CONFIG_CHECK"
echo "$fragment" >"$CONFIG_CHECK/.config"
config_ok=1
make -C "$TREE" O="$CONFIG_CHECK" olddefconfig >"$LOGS/config.log" 2>&1 || {
	sed 's/^/    /' "$LOGS/config.log"
	config_ok=0
}
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$CONFIG_CHECK/.config" || {
			echo "kernel-check: $line lost by olddefconfig (dependencies?)"
			config_ok=0
		} ;;
	esac
done <<<"$fragment"
got=$(grep -E '^CONFIG_VFIO_AP_MIGRATION_KUNIT_TEST=' "$CONFIG_CHECK/.config")
echo "olddefconfig gives: ${got:-CONFIG_VFIO_AP_MIGRATION_KUNIT_TEST unset}"
[ "$got" = CONFIG_VFIO_AP_MIGRATION_KUNIT_TEST=m ] || config_ok=0
grep -E ':[0-9]+:warning:' "$LOGS/config.log" | sed 's/^/    /'
grep -qE 'arch/s390/Kconfig:[0-9]+:warning:' "$LOGS/config.log" && config_ok=0
result kunit-config "$config_ok" $((1 - config_ok))
step_end config "$t"

# ---------------------------------------------------------------- bisect
t=$(now)
echo "=== kernel-check: $CRYPTO/ after every patch, ARCH=$ARCH W=1 C=1 (sparse), vfio_ap and its tests as modules"
SPARSE=$(bash scripts/kernel-sparse.sh "$TREE") || exit 2
echo "sparse: $SPARSE ($("$SPARSE" --version))"
mkdir -p "$BUILD"
# The build starts from the checked configuration (a run ends with the
# same one, so it is usually already there); before the patch that adds
# the test option, syncconfig drops it, and gives it its default again
# (KUNIT_ALL_TESTS=m) when the option appears.
cmp -s "$CONFIG_CHECK/.config" "$BUILD/.config" ||
	cp "$CONFIG_CHECK/.config" "$BUILD/.config" || die "cannot write $BUILD/.config"
# Step 0 builds the pristine base, so that every later step compiles only
# our objects (removed before each step, so that each step shows all their
# warnings) and what our changes make rebuild: from step 1 on, every
# warning is ours, also one an upstream header prints for our code.
warn_re=':[0-9]+(:[0-9]+)?: ?(fatal )?(warning|error)|(^|-)ld: (warning|error)'
steps=(pristine "${commits[@]}")
built=0
for k in $(seq 0 "$N"); do
	ts=$(now)
	c=${steps[$k]}
	if [ "$k" = 0 ]; then
		subject="(the pristine base: upstream, not gated)"
	else
		subject=$(git -C "$TREE" log -1 --format=%s "$c")
		rm -f "$BUILD/$CRYPTO"/vfio_ap*.o
	fi
	git -C "$TREE" checkout -q "$c" || die "cannot check out $c"
	log=$LOGS/build-$k.log
	make_ok=1
	# -k: one broken file does not hide the warnings of the others.
	# </dev/null: a new Kconfig option takes its default.
	make -C "$TREE" O="$BUILD" -k -j"$JOBS" W=1 C=1 CHECK="$SPARSE" \
		"$CRYPTO/" "$KVM_OBJ" </dev/null >"$log" 2>&1 || make_ok=0
	warnings=$(grep -E "$warn_re" "$log" | sort -u)
	nwarn=$(echo "$warnings" | sed '/^$/d' | wc -l)
	compiled=$(grep -cE '^  CC( \[M\])? ' "$log")
	checked=$(grep -cE '^  CHECK ' "$log")
	# kbuild drops C=1, with a warning only, when sparse is too old.
	nosparse=$(grep -m1 'specified, but .* not available' "$log")
	if [ "$k" = 0 ]; then
		verdict=$([ $make_ok = 1 ] && echo built || echo FAILED)
	elif [ $make_ok = 1 ] && [ -z "$warnings$nosparse" ]; then
		built=$((built + 1))
		verdict=ok
	else
		verdict=FAILED
	fi
	awk -v k="$k" -v n="$N" -v s="$subject" -v v=$verdict -v c="$compiled" \
	    -v ch="$checked" -v w="$nwarn" -v t0="$ts" -v t1="$(now)" \
	    'BEGIN { printf "[%d/%d] %-64s %s (%d compiled, %d sparse-checked, %d warnings; %.0f s)\n",
		     k, n, s, v, c, ch, w, t1 - t0 }'
	[ -n "$nosparse" ] && echo "    $nosparse"
	if [ "$k" = 0 ]; then
		[ $make_ok = 1 ] || {
			tail -n 20 "$log" | sed 's/^/      /'
			die "the pristine base does not build"
		}
		continue
	fi
	[ -n "$warnings" ] && echo "$warnings" | sed "s|^$TREE/||; s/^/      /"
	if [ $make_ok = 0 ]; then
		errors=$(grep -E '\*\*\* [^[]|undefined!' "$log" |
			grep -v 'Waiting for unfinished jobs')
		if [ -n "$errors" ]; then
			echo "    the build failed:"
			echo "$errors" | head -n 20 | sed 's/^/      /'
		elif [ -z "$warnings" ]; then
			echo "    the build failed; its log ends:"
			tail -n 20 "$log" | sed 's/^/      /'
		fi
	fi
done
echo "bisect: $built/$N patches build"
result kernel-bisect "$built" $((N - built))

# The tests are a module of their own: vfio_ap.o carries no test suite.
mod_ok=1
objdump=${CROSS_COMPILE}objdump
has_suites() {
	[ -f "$1" ] && $objdump -h "$1" | grep -q '\.kunit_test_suites'
}
modinfo() {
	${CROSS_COMPILE}objcopy -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null |
		tr '\0' '\n'
}
grep -qx 'CONFIG_VFIO_AP=m' "$BUILD/.config" &&
	grep -qx 'CONFIG_VFIO_AP_MIGRATION_KUNIT_TEST=m' "$BUILD/.config" || {
	echo "kernel-check: the build config lost VFIO_AP=m or VFIO_AP_MIGRATION_KUNIT_TEST=m"
	mod_ok=0
}
if has_suites "$BUILD/$CRYPTO/vfio_ap.o"; then
	echo "kernel-check: vfio_ap.o contains KUnit suites"
	mod_ok=0
fi
kmod=$BUILD/$CRYPTO/vfio_ap_mig_kunit.o
if ! has_suites "$kmod"; then
	echo "kernel-check: no vfio_ap_mig_kunit.o with KUnit suites"
	mod_ok=0
else
	for want in license= description= import_ns=EXPORTED_FOR_KUNIT_TESTING; do
		modinfo "$kmod" | grep -q "^$want" || {
			echo "kernel-check: vfio_ap_mig_kunit.o: no $want in .modinfo"
			mod_ok=0
		}
	done
fi
[ $mod_ok = 1 ] && echo "vfio_ap.o has no KUnit suite; vfio_ap_mig_kunit.o has them"
result kunit-module "$mod_ok" $((1 - mod_ok))
step_end bisect "$t"

# From here on the tree is the whole series.
git -C "$TREE" checkout -q apmig-check || die "cannot check out apmig-check"

# ---------------------------------------------------------------- checkpatch
t=$(now)
cp_args=(--strict --color=never)
[ $signoff = 1 ] || cp_args+=(--no-signoff)
# checkpatch asks "does MAINTAINERS need updating?" for every new file
# unless the patch touches MAINTAINERS. Answer it here instead: when every
# new file already has the vfio-ap maintainers, the question is moot.
unlisted=$(cd "$TREE" && for f in $new; do
	perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-email \
		--no-l --no-r --no-m --subsystem --no-status -f "$f" 2>/dev/null |
		grep -qx 'S390 VFIO-AP DRIVER' || echo "$f"
done)
if [ -z "$unlisted" ]; then
	cp_args+=(--ignore FILE_PATH_CHANGES)
	echo "every new file is under S390 VFIO-AP DRIVER in MAINTAINERS" \
		"(get_maintainer.pl): FILE_PATH_CHANGES ignored"
else
	echo "not under S390 VFIO-AP DRIVER in MAINTAINERS:" $unlisted
fi
echo "=== kernel-check: checkpatch ${cp_args[*]}"
mkdir -p "$CACHE/checkpatch" "$LOGS/checkpatch"
find "$CACHE/checkpatch" -type f -mtime +30 -delete
cp_ok=0
cp_bad=0
k=0
for p in "${patches[@]}"; do
	k=$((k + 1))
	# The verdict depends on checkpatch, its arguments and the patch; the
	# commit id and the date change every run and are left out.
	key=$({ cat "$CACHE/linux.version"; echo "${cp_args[*]}"
		grep -vE '^(From [0-9a-f]{40} |Date: )' "$p"; } |
		sha256sum | cut -c1-32)
	out=$LOGS/checkpatch/$k
	if [ -f "$CACHE/checkpatch/$key" ]; then
		cp "$CACHE/checkpatch/$key" "$out"
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	(
		cd "$TREE" &&
		perl scripts/checkpatch.pl "${cp_args[@]}" "$p" >"$out" 2>&1
		grep -q '^total: ' "$out" && cp "$out" "$CACHE/checkpatch/$key"
	) &
done
wait
k=0
for p in "${patches[@]}"; do
	k=$((k + 1))
	out=$LOGS/checkpatch/$k
	total=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings' "$out" | tail -n 1)
	printf '%-70s %s\n' "${p##*/}" "${total:-no total line}"
	if echo "$total" | grep -qE '^total: 0 errors, 0 warnings, 0 checks'; then
		cp_ok=$((cp_ok + 1))
	else
		cp_bad=$((cp_bad + 1))
		awk '/^(ERROR|WARNING|CHECK):/ { on = 1 } /^total:/ { exit } on' \
			"$out" | sed '/^$/d; s/^/    /'
	fi
done
result checkpatch "$cp_ok" "$cp_bad"
step_end checkpatch "$t"

# ---------------------------------------------------------------- kernel-doc
t=$(now)
echo "=== kernel-check: scripts/kernel-doc -Wall -none"
kd_ok=0
kd_bad=0
for f in $new_ch; do
	out=$( (cd "$TREE" && scripts/kernel-doc -Wall -none "$f") 2>&1)
	n=$(echo "$out" | grep -cE 'warning|error')
	if [ "$n" = 0 ]; then
		kd_ok=$((kd_ok + 1))
	else
		kd_bad=$((kd_bad + 1))
		# kernel-doc may report a finding twice.
		echo "$out" | awk '!seen[$0]++' | sed 's/^/    /'
	fi
done
echo "kernel-doc: $kd_bad of $((kd_ok + kd_bad)) files with warnings"
result kernel-doc "$kd_ok" "$kd_bad"
step_end kernel-doc "$t"

# ---------------------------------------------------------------- coccicheck
t=$(now)
spatch_version=$(spatch --version 2>/dev/null | awk 'NR == 1 { print $3 }')
echo "=== kernel-check: make coccicheck MODE=report M=$CRYPTO (spatch $spatch_version)"
# About a minute for the directory on 2 cores; the report depends only on
# coccinelle, the scripts and the directory's sources: reuse it while
# they are unchanged.
mkdir -p "$CACHE/cocci"
find "$CACHE/cocci" -type f -mtime +30 -delete
key=$({ cat "$CACHE/linux.version"; echo "$spatch_version"
	cd "$TREE" && find "$CRYPTO" -maxdepth 1 -name '*.[ch]' | sort |
		xargs cat; } | sha256sum | cut -c1-32)
cc_log=$LOGS/coccicheck.log
if [ -f "$CACHE/cocci/$key" ]; then
	cp "$CACHE/cocci/$key" "$cc_log"
	echo "(unchanged sources: the report of an earlier run)"
elif make -C "$TREE" coccicheck MODE=report M="$CRYPTO" J="$JOBS" \
	 >"$cc_log" 2>&1; then
	cp "$cc_log" "$CACHE/cocci/$key"
else
	tail -n 20 "$cc_log" | sed 's/^/    /'
	echo "kernel-check: make coccicheck failed"
	echo "coccicheck-failed" >>"$cc_log"
fi
cc_ok=0
cc_bad=0
# Reports are "./<file>:<line>:<col>: <message>", relative to M=.
for f in $new_c; do
	b=${f##*/}
	reports=$(grep -F "./$b:" "$cc_log")
	if [ -z "$reports" ]; then
		cc_ok=$((cc_ok + 1))
	else
		cc_bad=$((cc_bad + 1))
		echo "$reports" | sed "s|^\./|    $CRYPTO/|"
	fi
done
grep -q '^coccicheck-failed' "$cc_log" && cc_bad=$((cc_bad + 1))
upstream=$(grep -E '^\./[^:]+:[0-9]+:' "$cc_log" |
	grep -vcF "$(printf './%s:\n' $(echo "$new_c" | sed 's|.*/||'))")
echo "coccicheck: $cc_bad of $((cc_ok + cc_bad)) new files with reports;" \
	"$upstream report(s) on upstream files (not gated)"
result coccicheck "$cc_ok" "$cc_bad"
step_end coccicheck "$t"

# ---------------------------------------------------------------- kunit
# kunit_run <result name> <build dir> <timeout> <kunitconfig>...
kunit_run() {
	local name=$1 dir=$2 timeout=$3
	shift 3
	local args=() f log json
	for f in "$@"; do
		args+=(--kunitconfig="$f")
	done
	log=$LOGS/$name.log
	json=$LOGS/$name.json
	# A log left by an earlier run must not be read as this run's.
	rm -f "$dir/test.log" "$json"
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py run \
		--arch=$ARCH --cross_compile=$CROSS_COMPILE "${args[@]}" \
		--build_dir="$dir" --jobs="$JOBS" --timeout="$timeout" \
		--json="$json") >"$log" 2>&1
	local rc=$?
	# kunit.py's phases, then what it printed from the boot on: the
	# results, with the messages of failed cases, and its summary.
	awk '/Starting KUnit Kernel/ { run = 1 }
	     run || /^\[[0-9:]+\] (Configuring|Building) KUnit|Elapsed time/' "$log" |
		sed 's/^/  /'
	local counts k_pass k_fail k_skip
	counts=$(python3 - "$json" <<'EOF'
import json, sys
try:
	root = json.load(open(sys.argv[1]))
except (OSError, ValueError):
	print("0 0 0")
	sys.exit(0)
res = {"PASS": 0, "SKIP": 0, "other": 0}
def walk(g):
	for c in g.get("test_cases", []):
		s = c.get("status")
		res[s if s in res else "other"] += 1
	for s in g.get("sub_groups", []):
		walk(s)
walk(root)
print(res["PASS"], res["other"], res["SKIP"])
EOF
)
	read -r k_pass k_fail k_skip <<<"$counts"
	if [ "$k_skip" -gt 0 ]; then
		echo "kernel-check: $k_skip KUnit case(s) skipped; a skipped case counts as failed"
	fi
	k_fail=$((k_fail + k_skip))
	if [ $((k_pass + k_fail)) -eq 0 ]; then
		echo "kernel-check: kunit.py ran no test (exit $rc); its log ends:"
		tail -n 40 "$log" | sed 's/^/    /'
		k_fail=1
	elif [ $rc -ne 0 ] && [ $k_fail -eq 0 ]; then
		echo "kernel-check: kunit.py exited $rc; its log ends:"
		tail -n 20 "$log" | sed 's/^/    /'
		k_fail=1
	fi
	# A splat fails the run even when every case passed.
	local splat=""
	if [ ! -f "$dir/test.log" ]; then
		echo "kernel log: none (the kernel did not run)"
	elif splat=$(python3 "$REPO/scripts/kernel-splat.py" "$dir/test.log"); then
		echo "kernel log: no splat ($(wc -l <"$dir/test.log") lines)"
	else
		echo "kernel-check: the kernel log of $name has a splat:"
		k_fail=$((k_fail + 1))
	fi
	[ -n "$splat" ] && echo "$splat" | head -n 80 | sed 's/^/    /'
	result "$name" "$k_pass" "$k_fail"
}

t=$(now)
echo "=== kernel-check: KUnit in qemu-system-s390x, $CRYPTO/.kunitconfig + kernel/kunitconfig"
kunit_run kunit "$CACHE/kunit" 300 "$KUNITCONFIG_TESTS" "$KUNITCONFIG"
step_end kunit "$t"

t=$(now)
echo "=== kernel-check: KUnit in qemu-system-s390x, the same + kernel/kunitconfig.debug"
grep -E '^CONFIG_' "$KUNITCONFIG_DEBUG" | sed 's/^/  /'
kunit_run kunit-debug "$CACHE/kunit-debug" 1200 "$KUNITCONFIG_TESTS" \
	"$KUNITCONFIG" "$KUNITCONFIG_DEBUG"
step_end kunit-debug "$t"

echo "=== kernel-check: logs in $LOGS"
step_end "kernel-check total" "$run_start"
exit $failed
