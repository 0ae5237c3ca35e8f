#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make kernel-check`: the three kernel gates of the vfio_ap migration driver
# against Debian's linux-source-6.12, cross-built for s390x:
#   checkpatch --strict over our new files and every patch of the series,
#   a W=1 + sparse (C=1) build of drivers/s390/crypto with no warning from
#   our files, and the KUnit suites run by kunit.py in qemu-system-s390x.
#
# Cache (${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}):
#   pristine/      the unpacked source, never written after unpacking
#   work/          hard-linked copy of pristine; every file we change in it is
#                  first replaced by a real copy (rm, then cp: never through
#                  a link)
#   build/, kunit/ O= directories, kept so that warm runs are incremental
#   stage/         the series is applied here every run, with quilt, to fresh
#                  copies of the files it touches
#
# Each gate adds "RESULT <name> <passed> <failed>" to $APMIG_RESULTS (when
# set) and to stdout. Exit 0 when every gate passed, 1 when one failed,
# 2 when the environment is not usable.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$(pwd)
CACHE=${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}
TARBALL=/usr/src/linux-source-6.12.tar.xz
ARCH=s390
CROSS_COMPILE=s390x-linux-gnu-
JOBS=${APMIG_JOBS:-$(nproc)}
PATCHES=$REPO/kernel/patches
KUNITCONFIG=$REPO/kernel/kunitconfig
NEWDIR=drivers/s390/crypto
export ARCH CROSS_COMPILE
export LC_ALL=C

PRISTINE=$CACHE/pristine
WORK=$CACHE/work
STAGE=$CACHE/stage
BUILD=$CACHE/build
KUNIT=$CACHE/kunit
LOGS=$CACHE/logs

failed=0

die() {
	echo "kernel-check: $*" >&2
	exit 2
}

result() {
	echo "RESULT $1 $2 $3"
	[ -n "${APMIG_RESULTS:-}" ] && echo "RESULT $1 $2 $3" >>"$APMIG_RESULTS"
	[ "$3" -eq 0 ] || failed=1
}

now() {
	date +%s.%N
}

# Print the wall time of a step: step_end <name> <start>.
step_end() {
	awk -v n="$1" -v s="$2" -v e="$(now)" \
		'BEGIN { printf "--- %s: %.1f s\n", n, e - s }'
}

# The patches of the series, in order (comments and blank lines skipped).
series_patches() {
	[ -f "$PATCHES/series" ] || return 0
	sed -e 's/#.*//' "$PATCHES/series" | awk 'NF { print $1 }'
}

# The files a patch touches (its -p1 paths; a new file counts).
patch_files() {
	awk '
	/^--- / { old = $2; next }
	/^\+\+\+ / {
		f = $2
		if (f == "/dev/null")
			f = old
		sub(/^[^\/]*\//, "", f)
		print f
	}' "$1"
}

# The repository's new kernel files, relative to the kernel tree.
new_files() {
	(cd "$REPO/kernel" && {
		ls $NEWDIR/*.[ch] 2>/dev/null
		[ -d Documentation ] && find Documentation -type f
	}) | sort
}

# Replace dst by a real copy of src unless it already is one with the same
# content. Removing first means a hard link to pristine is never written.
install_file() {
	local src=$1 dst=$2
	if [ -f "$dst" ] && [ "$(stat -c %h "$dst")" = 1 ] &&
	   cmp -s "$src" "$dst"; then
		return 0
	fi
	mkdir -p "$(dirname "$dst")"
	rm -f "$dst"
	cp "$src" "$dst"
}

# ---------------------------------------------------------------- deps
t=$(now)
echo "=== kernel-check: dependencies"
sh scripts/install-deps.sh kernel || exit 2
[ -f "$TARBALL" ] || die "$TARBALL missing (Debian package linux-source-6.12)"
step_end dependencies "$t"

mkdir -p "$CACHE" || die "cannot create $CACHE"
exec 9>"$CACHE/lock"
flock 9 || die "cannot lock $CACHE"

# ---------------------------------------------------------------- tree
t=$(now)
echo "=== kernel-check: source tree in $CACHE"
version=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null)
stamp="linux-source-6.12 $version $(stat -c '%s %Y' "$TARBALL")"
if [ "$(cat "$CACHE/pristine.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "unpacking $TARBALL ($version)"
	rm -rf "$PRISTINE" "$WORK" "$BUILD" "$KUNIT" "$CACHE/work.files" \
		"$CACHE/pristine.stamp"
	mkdir -p "$PRISTINE.tmp" &&
	tar -xJf "$TARBALL" -C "$PRISTINE.tmp" --strip-components=1 &&
	mv "$PRISTINE.tmp" "$PRISTINE" || die "cannot unpack $TARBALL"
	echo "$stamp" >"$CACHE/pristine.stamp"
fi
if [ ! -f "$WORK/Makefile" ]; then
	rm -rf "$WORK" "$CACHE/work.files"
	cp -al "$PRISTINE" "$WORK.tmp" && mv "$WORK.tmp" "$WORK" ||
		die "cannot create the work tree"
fi
step_end "source tree" "$t"

# ---------------------------------------------------------------- series
t=$(now)
echo "=== kernel-check: apply kernel/patches/series"
rm -rf "$STAGE"
mkdir -p "$STAGE" "$LOGS"
touched=$(for p in $(series_patches); do
	[ -f "$PATCHES/$p" ] && patch_files "$PATCHES/$p"
done | sort -u)
for f in $touched; do
	if [ -f "$PRISTINE/$f" ]; then
		mkdir -p "$STAGE/$(dirname "$f")"
		cp "$PRISTINE/$f" "$STAGE/$f"
	fi
done
applied=0
series_ok=1
if [ -n "$(series_patches)" ]; then
	if (cd "$STAGE" && QUILT_PATCHES=$PATCHES QUILT_PC=.pc \
	    quilt --quiltrc=/dev/null push -a --fuzz=0) >"$LOGS/quilt.log" 2>&1; then
		applied=$(series_patches | wc -l)
	else
		series_ok=0
		cat "$LOGS/quilt.log"
		applied=$(cd "$STAGE" && QUILT_PATCHES=$PATCHES QUILT_PC=.pc \
			quilt --quiltrc=/dev/null applied 2>/dev/null | wc -l)
	fi
fi
echo "applied $applied patch(es), touching: $(echo $touched)"
result kernel-series "$applied" $((1 - series_ok))
[ $series_ok = 1 ] || { echo "kernel-check: the series does not apply" >&2; exit 1; }

# Bring the work tree to: pristine + series + our new files. A file we
# changed in an earlier run but no longer change goes back to pristine,
# as a real copy with a new time stamp so that make rebuilds it.
new=$(new_files)
wanted=$(printf '%s\n' $touched $new | sort -u)
touch "$CACHE/work.files"
old=$(cat "$CACHE/work.files")
# Record both lists first: an interrupted run still knows what it changed.
printf '%s\n' $old $wanted | sort -u >"$CACHE/work.files"
for f in $(comm -23 <(echo "$old") <(echo "$wanted")); do
	rm -f "$WORK/$f"
	[ -f "$PRISTINE/$f" ] && cp "$PRISTINE/$f" "$WORK/$f"
done
for f in $touched; do
	if [ -f "$STAGE/$f" ]; then
		install_file "$STAGE/$f" "$WORK/$f"
	else
		rm -f "$WORK/$f"
	fi
done
for f in $new; do
	install_file "$REPO/kernel/$f" "$WORK/$f"
done
echo "$wanted" | sed '/^$/d' >"$CACHE/work.files"
echo "copied $(echo "$new" | sed '/^$/d' | wc -l) new file(s) into the work tree"
step_end series "$t"

# ---------------------------------------------------------------- checkpatch
t=$(now)
echo "=== kernel-check: checkpatch --strict"
cp_ok=0
cp_bad=0
# One checkpatch per file, $JOBS at a time; reported in order below.
rm -rf "$LOGS/checkpatch"
mkdir -p "$LOGS/checkpatch" "$CACHE/checkpatch"
find "$CACHE/checkpatch" -type f -mtime +30 -delete
n=0
checks=()
for f in $new $(series_patches | sed 's|^|patches/|'); do
	n=$((n + 1))
	checks+=("$f")
	case "$f" in
	patches/*) src=$PATCHES/${f#patches/}; args=("$src") ;;
	*) src=$WORK/$f; args=(-f "$f") ;;
	esac
	# checkpatch's verdict depends only on the checkpatch of this source
	# tree, the name and the text it reads: reuse an earlier run's output.
	key=$({ cat "$CACHE/pristine.stamp"; echo "$f"; cat "$src"; } |
		sha256sum | cut -c1-32)
	if [ -f "$CACHE/checkpatch/$key" ]; then
		cp "$CACHE/checkpatch/$key" "$LOGS/checkpatch/$n"
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	(
		out=$LOGS/checkpatch/$n
		cd "$WORK" &&
		perl scripts/checkpatch.pl --strict --color=never "${args[@]}" \
			>"$out" 2>&1
		# A finding makes checkpatch fail: keep any output with a total.
		if grep -q '^total: ' "$out"; then
			cp "$out" "$CACHE/checkpatch/$key"
		fi
	) &
done
wait
n=0
for what in "${checks[@]}"; do
	n=$((n + 1))
	out=$LOGS/checkpatch/$n
	total=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings' "$out" | tail -n 1)
	printf '%-48s %s\n' "$what" "${total:-no total line}"
	if echo "$total" | grep -qE '^total: 0 errors, 0 warnings, 0 checks'; then
		cp_ok=$((cp_ok + 1))
	else
		cp_bad=$((cp_bad + 1))
		# The messages, without checkpatch's closing advice.
		awk '/^(ERROR|WARNING|CHECK):/ { on = 1 } /^total:/ { exit } on' \
			"$out" | sed '/^$/d; s/^/    /'
	fi
done
result checkpatch "$cp_ok" "$cp_bad"
step_end checkpatch "$t"

# ---------------------------------------------------------------- build
t=$(now)
echo "=== kernel-check: $NEWDIR, ARCH=$ARCH W=1 C=1 (sparse), vfio_ap as a module"
# The KUnit configuration with vfio_ap (and its tests) as a module: the
# gate also proves the module build.
mkdir -p "$BUILD"
{
	echo "CONFIG_MODULES=y"
	sed -e '/CONFIG_MODULES[ =]/d' -e 's/^\(CONFIG_VFIO_AP\)=y/\1=m/' \
		"$KUNITCONFIG"
} >"$BUILD/fragment.config"
build_ok=1
if ! cmp -s "$BUILD/fragment.config" "$BUILD/fragment.used" ||
   [ ! -f "$BUILD/.config" ]; then
	cp "$BUILD/fragment.config" "$BUILD/.config"
	if ! make -C "$WORK" O="$BUILD" olddefconfig >"$LOGS/build-config.log" 2>&1; then
		cat "$LOGS/build-config.log"
		build_ok=0
	fi
	# Every line of the fragment must have survived olddefconfig.
	while read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$BUILD/.config" || {
				echo "kernel-check: $line not in the build config (dependencies?)"
				build_ok=0
			} ;;
		esac
	done <"$BUILD/fragment.config"
	[ $build_ok = 1 ] && cp "$BUILD/fragment.config" "$BUILD/fragment.used"
fi
# Our objects are always recompiled so that their warnings show every run.
rm -f "$BUILD/$NEWDIR"/vfio_ap*.o
ours=$(printf '%s\n' $new $touched vfio_ap_ops.c vfio_ap_drv.c vfio_ap_private.h |
	grep -E '\.[ch]$' | sed 's|.*/||' | sort -u)
if [ $build_ok = 1 ]; then
	make_ok=1
	# -k: one broken file does not hide the warnings of the others.
	make -C "$WORK" O="$BUILD" -k -j"$JOBS" W=1 C=1 "$NEWDIR/" \
		>"$LOGS/build.log" 2>&1 || make_ok=0
	# "<path>/<file>:<line>[:<col>]: warning|error: ..." from gcc or sparse.
	pattern=$(echo "$ours" | sed 's/\./\\./g' | paste -sd'|')
	warnings=$(grep -E "(^|/)($pattern):[0-9]+(:[0-9]+)?: (warning|error)" \
		"$LOGS/build.log" | sort -u)
	others=$(grep -E ':[0-9]+(:[0-9]+)?: warning' "$LOGS/build.log" |
		grep -vcE "(^|/)($pattern):[0-9]+")
	if [ -n "$warnings" ]; then
		echo "warnings and errors in our files:"
		echo "$warnings" | sed 's/^/    /'
		build_ok=0
	fi
	if [ $make_ok = 0 ]; then
		build_ok=0
		# Errors, and make's own reasons (not its "Error 2" echoes).
		errors=$(grep -E ': (fatal )?error:|\*\*\* [^[]' "$LOGS/build.log" |
			grep -v 'Waiting for unfinished jobs' |
			grep -vxF -e "$warnings")
		if [ -n "$errors" ]; then
			echo "the build failed:"
			echo "$errors" | head -n 30 | sed 's/^/    /'
		elif [ -n "$warnings" ]; then
			echo "the build failed (errors above)"
		else
			echo "the build failed; its log ends:"
			tail -n 40 "$LOGS/build.log" | sed 's/^/    /'
		fi
	fi
	echo "our files: $(echo $ours)"
	echo "compiled: $(grep -cE '^  CC \[?M?\]? *' "$LOGS/build.log") object(s)," \
		"checked: $(grep -cE '^  CHECK ' "$LOGS/build.log") file(s);" \
		"$(echo "$warnings" | sed '/^$/d' | wc -l) warning(s) in our files," \
		"$others in upstream files (not gated)"
fi
result kernel-build-w1-sparse $build_ok $((1 - build_ok))
step_end "build W=1 C=1" "$t"

# ---------------------------------------------------------------- kunit
t=$(now)
echo "=== kernel-check: KUnit in qemu-system-s390x"
rm -f "$CACHE/kunit.json"
(cd "$WORK" && python3 tools/testing/kunit/kunit.py run \
	--arch=$ARCH --cross_compile=$CROSS_COMPILE \
	--kunitconfig="$KUNITCONFIG" --build_dir="$KUNIT" \
	--jobs="$JOBS" --json="$CACHE/kunit.json") >"$LOGS/kunit.log" 2>&1
kunit_rc=$?
# kunit.py's phases, then everything it printed from the boot on: the
# parsed results with the messages of failed cases and its summary.
awk '/Starting KUnit Kernel/ { run = 1 }
     run || /^\[[0-9:]+\] (Configuring|Building) KUnit/' "$LOGS/kunit.log" |
	sed 's/^/  /'
counts=$(python3 - "$CACHE/kunit.json" <<'EOF'
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
	echo "kernel-check: kunit.py ran no test (exit $kunit_rc); its log ends:"
	tail -n 40 "$LOGS/kunit.log"
	k_fail=1
elif [ $kunit_rc -ne 0 ] && [ $k_fail -eq 0 ]; then
	echo "kernel-check: kunit.py exited $kunit_rc; its log ends:"
	tail -n 20 "$LOGS/kunit.log"
	k_fail=1
fi
result kunit "$k_pass" "$k_fail"
step_end kunit "$t"

echo "=== kernel-check: logs in $LOGS"
exit $failed
