#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make qemu-series`: the mailable QEMU series, generated from qemu/series/
# (the one source of truth) on the pristine QEMU 10.2 tree of
# scripts/qemu-source.sh, into build/qemu-series/ (0000-cover-letter.patch ..).
#
# qemu/series/ holds, as kernel/series/ does for the kernel
#   series              the patch names, in order
#   NAME.msg            subject line, blank line, body (no Signed-off-by)
#   NAME.files          new files the patch adds whole, QEMU tree paths,
#                       copied from qemu/<path> of this repository
#   NAME.diff           changes to upstream files (-p1), on the tree as the
#                       earlier patches leave it
#   cover-letter.msg    subject line, blank line, body of the cover letter
#
# Each patch is a commit on the branch apmig-series of the cached tree,
# made with `git commit -s`: the Signed-off-by is the git identity of whoever
# runs this (user.name and user.email as seen from this repository).
#
# Usage: qemu-series.sh [--no-signoff] [--out DIR]
#   --no-signoff  commit without Signed-off-by; with no git identity the
#                 throwaway commits are made as "qemu-check
#                 <qemu-check@invalid>" (scripts/qemu-check.sh only)
#   --out DIR     where the patches go (default: build/qemu-series)
# Exit 1 when the series is broken, 2 when the environment is not usable.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$(pwd)
SERIES=$REPO/qemu/series
CACHE=${APMIG_QEMU_CACHE:-/var/cache/apmig-qemu}
TREE=$CACHE/qemu
BRANCH=apmig-series
export LC_ALL=C

signoff=1
out=$REPO/build/qemu-series
while [ $# -gt 0 ]; do
	case "$1" in
	--no-signoff) signoff=0 ;;
	--out) out=$2; shift ;;
	*) echo "usage: $0 [--no-signoff] [--out DIR]" >&2; exit 2 ;;
	esac
	shift
done

fail() {
	echo "qemu-series: $*" >&2
	exit 1
}

die() {
	echo "qemu-series: $*" >&2
	exit 2
}

# Comments and blank lines of the list files are skipped.
list() {
	sed -e 's/#.*//' "$1" | awk 'NF { print $1 }'
}

# ---------------------------------------------------------------- identity
name=$(git -C "$REPO" config user.name)
email=$(git -C "$REPO" config user.email)
if [ -z "$name" ] || [ -z "$email" ]; then
	if [ $signoff = 1 ]; then
		die "no git identity: the patches are signed off by whoever runs
  \`make qemu-series\`. Set yours first:
    git config --global user.name 'Your Name'
    git config --global user.email you@example.org"
	fi
	name="qemu-check"
	email="qemu-check@invalid"
fi
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email

# ---------------------------------------------------------------- sources
[ -f "$SERIES/series" ] || fail "qemu/series/series missing"
patches=$(list "$SERIES/series")
[ -n "$patches" ] || fail "qemu/series/series names no patch"
[ -f "$SERIES/cover-letter.msg" ] || fail "qemu/series/cover-letter.msg missing"
for p in $patches; do
	[ -f "$SERIES/$p.msg" ] || fail "$p: qemu/series/$p.msg missing"
	[ -f "$SERIES/$p.files" ] || [ -f "$SERIES/$p.diff" ] ||
		fail "$p: neither $p.files nor $p.diff: an empty patch"
done
for m in "$SERIES"/*.msg; do
	# Subject, blank line, body; git adds the Signed-off-by.
	[ -n "$(sed -n 1p "$m")" ] && [ -z "$(sed -n 2p "$m")" ] ||
		fail "${m#"$REPO"/}: want a subject line, then a blank line"
	! grep -qi '^signed-off-by:' "$m" ||
		fail "${m#"$REPO"/}: no Signed-off-by here, git commit -s adds it"
done
for f in "$SERIES"/*; do
	b=${f##*/}
	case "$b" in
	series|cover-letter.msg) continue ;;
	esac
	echo "$patches" | grep -qxF "${b%.*}" ||
		fail "qemu/series/$b belongs to no patch in qemu/series/series"
done
# Every new file is in exactly one patch, and every file the repository
# keeps in QEMU tree paths is in one.
owned=$(for p in $patches; do
	[ -f "$SERIES/$p.files" ] && list "$SERIES/$p.files"
done | sort)
dup=$(echo "$owned" | uniq -d)
[ -z "$dup" ] || fail "in the .files of more than one patch: $(echo $dup)"
have=$(cd "$REPO/qemu" && find . -mindepth 2 -type f ! -path './series/*' |
	sed 's|^\./||' | sort)
orphans=$(comm -23 <(echo "$have") <(echo "$owned"))
[ -z "$orphans" ] || fail "in no patch's .files: $(echo "$orphans" |
	sed 's|^|qemu/|' | paste -sd' ')"
missing=$(comm -13 <(echo "$have") <(echo "$owned"))
[ -z "$missing" ] || fail "listed in .files but missing: $(echo "$missing" |
	sed 's|^|qemu/|' | paste -sd' ')"

# ---------------------------------------------------------------- tree
if [ -z "${APMIG_QEMU_LOCKED:-}" ]; then
	mkdir -p "$CACHE" || die "cannot create $CACHE"
	exec 9>"$CACHE/lock"
	flock 9 || die "cannot lock $CACHE"
	export APMIG_QEMU_LOCKED=1
fi
bash scripts/qemu-source.sh || exit 2
version=$(cat "$CACHE/qemu.version")
cd "$TREE" || die "no $TREE"
git checkout -q -f -B $BRANCH pristine && git clean -q -f -d -x ||
	die "cannot reset $TREE to pristine"
base=$(git rev-parse pristine)
qversion=$(cat VERSION)

# ---------------------------------------------------------------- commits
n=0
for p in $patches; do
	n=$((n + 1))
	if [ -f "$SERIES/$p.files" ]; then
		for f in $(list "$SERIES/$p.files"); do
			git cat-file -e "$base:$f" 2>/dev/null &&
				fail "$p: $f is an upstream file: change it in $p.diff"
			mkdir -p "$(dirname "$f")" &&
				cp "$REPO/qemu/$f" "$f" &&
				git add -f "$f" || die "$p: cannot add $f"
		done
	fi
	if [ -f "$SERIES/$p.diff" ] &&
	   ! git apply --index "$SERIES/$p.diff"; then
		fail "$p: qemu/series/$p.diff does not apply after patch $((n - 1))"
	fi
	sob=()
	[ $signoff = 1 ] && sob=(-s)
	git commit -q --no-verify "${sob[@]}" -F "$SERIES/$p.msg" ||
		fail "$p: git commit failed"
done

# ---------------------------------------------------------------- mail
rm -rf "$out" && mkdir -p "$out" || die "cannot create $out"
git format-patch -q --cover-letter --base=pristine --filename-max-length=100 -o "$out" \
	pristine..$BRANCH || fail "git format-patch failed"
cover=$out/0000-cover-letter.patch
[ -f "$cover" ] || fail "git format-patch wrote no cover letter"
# git's cover letter with our subject and body; its shortlog, diffstat and
# base-commit stay.
python3 - "$cover" "$SERIES/cover-letter.msg" "$version" "$qversion" "$base" <<'PY' ||
import sys
cover, msg, version, qversion, base = sys.argv[1:]
with open(msg) as f:
	subject, _, body = f.read().partition("\n")
body = body.strip("\n")
body += f"""

Based on the upstream tarball of Debian's source package qemu {version}
(QEMU {qversion}, i.e. v{qversion}), without Debian's patches. The
base-commit below is that tarball imported into git unchanged as a single
commit, which is not in QEMU's tree: the import is reproducible (same
package, same commit id)."""
with open(cover) as f:
	text = f.read()
if "*** SUBJECT HERE ***" not in text or "*** BLURB HERE ***" not in text:
	sys.exit("cover letter: git's placeholders not found")
text = text.replace("*** SUBJECT HERE ***", subject.strip(), 1)
text = text.replace("*** BLURB HERE ***", body, 1)
with open(cover, "w") as f:
	f.write(text)
PY
	fail "cannot fill the cover letter"

echo "qemu-series: $n patches on Debian qemu $version (QEMU $qversion)," \
	"base-commit $base"
[ $signoff = 1 ] || echo "qemu-series: generated without Signed-off-by"
ls "$out" | sed "s|^|  ${out#"$REPO"/}/|"
