#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make series`, `make qemu-series` and `make libvirt-series`: a mailable
# series, generated from PROJECT/series/ (the one source of truth) on the
# pristine upstream tree of scripts/PROJECT-source.sh, into build/series/,
# build/qemu-series/ or build/libvirt-series/ (0000-cover-letter.patch ..).
# PROJECT is kernel (Linux 7.3), qemu (QEMU 10.2) or libvirt (libvirt 11.3).
#
# PROJECT/series/ holds
#   series              the patch names, in order
#   NAME.msg            subject line, blank line, body (no Signed-off-by)
#   NAME.files          new files the patch adds whole, upstream tree paths,
#                       copied from PROJECT/<path> of this repository
#   NAME.diff           changes to upstream files (-p1), on the tree as the
#                       earlier patches leave it
#   cover-letter.msg    subject line, blank line, body of the cover letter
#
# Each patch is a commit on the branch apmig-series of the cached tree,
# made with `git commit -s`: the Signed-off-by is the git identity of whoever
# runs this (user.name and user.email as seen from this repository).
#
# Usage: series.sh PROJECT [--no-signoff] [--out DIR]
#   --no-signoff  commit without Signed-off-by; with no git identity the
#                 throwaway commits are made as "PROJECT-check
#                 <PROJECT-check@invalid>" (the PROJECT-check.sh gates only)
#   --out DIR     where the patches go (default above)
# Exit 1 when the series is broken, 2 when the environment is not usable.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$(pwd)
BRANCH=apmig-series
export LC_ALL=C

usage() {
	echo "usage: $0 kernel|qemu|libvirt [--no-signoff] [--out DIR]" >&2
	exit 2
}

# What differs between the projects; the rest is one procedure.
project=${1:-}
case "$project" in
kernel)
	CACHE=${APMIG_KERNEL_CACHE:-/var/cache/apmig-kernel}
	TREE=$CACHE/linux
	LOCKVAR=APMIG_KERNEL_LOCKED
	me=series
	out=$REPO/build/series ;;
qemu)
	CACHE=${APMIG_QEMU_CACHE:-/var/cache/apmig-qemu}
	TREE=$CACHE/qemu
	LOCKVAR=APMIG_QEMU_LOCKED
	me=qemu-series
	out=$REPO/build/qemu-series ;;
libvirt)
	CACHE=${APMIG_LIBVIRT_CACHE:-/var/cache/apmig-libvirt}
	TREE=$CACHE/libvirt
	LOCKVAR=APMIG_LIBVIRT_LOCKED
	me=libvirt-series
	out=$REPO/build/libvirt-series ;;
*) usage ;;
esac
shift
SERIES=$REPO/$project/series

signoff=1
while [ $# -gt 0 ]; do
	case "$1" in
	--no-signoff) signoff=0 ;;
	--out) out=$2; shift ;;
	*) usage ;;
	esac
	shift
done

fail() {
	echo "$me: $*" >&2
	exit 1
}

die() {
	echo "$me: $*" >&2
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
  \`make $me\`. Set yours first:
    git config --global user.name 'Your Name'
    git config --global user.email you@example.org"
	fi
	name="$project-check"
	email="$project-check@invalid"
fi
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email

# ---------------------------------------------------------------- sources
[ -f "$SERIES/series" ] || fail "$project/series/series missing"
patches=$(list "$SERIES/series")
[ -n "$patches" ] || fail "$project/series/series names no patch"
[ -f "$SERIES/cover-letter.msg" ] || fail "$project/series/cover-letter.msg missing"
for p in $patches; do
	[ -f "$SERIES/$p.msg" ] || fail "$p: $project/series/$p.msg missing"
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
		fail "$project/series/$b belongs to no patch in $project/series/series"
done
# Every new file is in exactly one patch, and every file the repository
# keeps in upstream tree paths is in one.
owned=$(for p in $patches; do
	[ -f "$SERIES/$p.files" ] && list "$SERIES/$p.files"
done | sort)
dup=$(echo "$owned" | uniq -d)
[ -z "$dup" ] || fail "in the .files of more than one patch: $(echo $dup)"
have=$(cd "$REPO/$project" && find . -mindepth 2 -type f ! -path './series/*' |
	sed 's|^\./||' | sort)
orphans=$(comm -23 <(echo "$have") <(echo "$owned"))
[ -z "$orphans" ] || fail "in no patch's .files: $(echo "$orphans" |
	sed "s|^|$project/|" | paste -sd' ')"
missing=$(comm -13 <(echo "$have") <(echo "$owned"))
[ -z "$missing" ] || fail "listed in .files but missing: $(echo "$missing" |
	sed "s|^|$project/|" | paste -sd' ')"

# ---------------------------------------------------------------- tree
if [ -z "${!LOCKVAR:-}" ]; then
	mkdir -p "$CACHE" || die "cannot create $CACHE"
	exec 9>"$CACHE/lock"
	flock 9 || die "cannot lock $CACHE"
	export "$LOCKVAR=1"
fi
bash "scripts/$project-source.sh" || exit 2
version=$(cat "$CACHE/${TREE##*/}.version")
cd "$TREE" || die "no $TREE"
git checkout -q -f -B $BRANCH pristine && git clean -q -f -d -x ||
	die "cannot reset $TREE to pristine"
base=$(git rev-parse pristine)
case "$project" in
kernel) uversion=$(make -s kernelversion 2>/dev/null) ;;
qemu) uversion=$(cat VERSION) ;;
libvirt) uversion=$(sed -n "s/^ *version: '\([0-9.]*\)',\$/\1/p" meson.build | head -n 1) ;;
esac
[ -n "$uversion" ] || die "cannot tell the upstream version of $TREE"

# ---------------------------------------------------------------- commits
n=0
for p in $patches; do
	n=$((n + 1))
	if [ -f "$SERIES/$p.files" ]; then
		for f in $(list "$SERIES/$p.files"); do
			git cat-file -e "$base:$f" 2>/dev/null &&
				fail "$p: $f is an upstream file: change it in $p.diff"
			mkdir -p "$(dirname "$f")" &&
				cp "$REPO/$project/$f" "$f" &&
				git add -f "$f" || die "$p: cannot add $f"
		done
	fi
	if [ -f "$SERIES/$p.diff" ] &&
	   ! git apply --index "$SERIES/$p.diff"; then
		fail "$p: $project/series/$p.diff does not apply after patch $((n - 1))"
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
python3 - "$project" "$cover" "$SERIES/cover-letter.msg" "$version" "$uversion" "$base" <<'EOF' ||
import re, sys
project, cover, msg, version, uversion, base = sys.argv[1:]
with open(msg) as f:
	subject, _, body = f.read().partition("\n")
body = body.strip("\n")
if project == "kernel":
	# 7.3.0-rc7 is tagged v7.3-rc7, 7.3.1 v7.3.1
	m = re.match(r"(\d+)\.(\d+)\.(\d+)(.*)", uversion)
	tag = "v%s.%s%s%s" % (m[1], m[2], "" if m[3] == "0" else "." + m[3], m[4]) if m else uversion
	body += f"""

Based on the source of Debian's linux-source-7.3 {version}
(Linux {uversion}, i.e. {tag}). The base-commit below is that source
imported into git unchanged as a single commit, which is not in Linus'
tree: the import is reproducible (same package, same commit id)."""
elif project == "libvirt":
	body += f"""

Based on the upstream tarball of Debian's source package libvirt {version}
(libvirt {uversion}, i.e. v{uversion}), without Debian's patches. The
base-commit below is that tarball imported into git unchanged as a single
commit, which is not in libvirt's tree: the import is reproducible (same
package, same commit id)."""
else:
	body += f"""

Based on the upstream tarball of Debian's source package qemu {version}
(QEMU {uversion}, i.e. v{uversion}), without Debian's patches. The
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
EOF
	fail "cannot fill the cover letter"

echo "$me: $n patches on Debian's $project source $version ($uversion)," \
	"base-commit $base"
[ $signoff = 1 ] || echo "$me: generated without Signed-off-by"
ls "$out" | sed "s|^|  ${out#"$REPO"/}/|"
