# SPDX-License-Identifier: GPL-2.0
# Shared by the series gates (scripts/kernel-check.sh, scripts/qemu-check.sh,
# scripts/libvirt-check.sh), which source it after setting:
#   GATE        their name, e.g. kernel-check (prefix of every message)
#   PROJECT     kernel, qemu or libvirt (the directory of the series, series.sh's
#               argument, the RESULT <PROJECT>-series line)
#   REPO CACHE TREE LOGS SERIES_OUT
# A gate adds "RESULT <name> <passed> <failed>" to stdout and, when set,
# to $APMIG_RESULTS (scripts/check.sh adds them up).

failed=0

die() {
	echo "$GATE: $*" >&2
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

# Take the cache for this gate alone: create $CACHE, $LOGS and any further
# directories given, hold $CACHE/lock (fd 9) for the rest of the gate, tell
# series.sh through <LOCKVAR>=1 that it is held, and clear the old logs.
# gate_lock <LOCKVAR> [DIR ...]
gate_lock() {
	local lockvar=$1
	shift
	mkdir -p "$CACHE" "$LOGS" "$@" || die "cannot create $CACHE"
	exec 9>"$CACHE/lock"
	flock 9 || die "cannot lock $CACHE"
	export "$lockvar=1"
	rm -f "$LOGS"/*.log
}

# Generate the series into $SERIES_OUT and `git am` it onto a fresh branch
# apmig-check of the pristine tree. Sets signoff (0 without a git
# identity: checkpatch must then skip the Signed-off-by check), patches,
# N and commits. Exits the gate when the series does not apply.
gate_series() {
	local make_target=series rc p applied=0

	[ "$PROJECT" = kernel ] || make_target=$PROJECT-series
	signoff=1
	if [ -z "$(git -C "$REPO" config user.name)" ] ||
	   [ -z "$(git -C "$REPO" config user.email)" ]; then
		signoff=0
		echo "$GATE: no git identity (user.name, user.email): the series" \
			"is generated without Signed-off-by and checkpatch runs with" \
			"--no-signoff; \`make $make_target\` needs the identity"
		# The throwaway commits of git am need a committer.
		export GIT_AUTHOR_NAME=$GATE GIT_AUTHOR_EMAIL=$GATE@invalid
		export GIT_COMMITTER_NAME=$GATE GIT_COMMITTER_EMAIL=$GATE@invalid
	fi
	if [ $signoff = 1 ]; then
		bash scripts/series.sh "$PROJECT" --out "$SERIES_OUT"
	else
		bash scripts/series.sh "$PROJECT" --no-signoff --out "$SERIES_OUT"
	fi
	rc=$?
	if [ $rc -ne 0 ]; then
		result "$PROJECT-series" 0 1
		exit $rc
	fi
	mapfile -t patches < <(ls "$SERIES_OUT"/[0-9]*.patch |
			       grep -v '/0000-cover-letter')
	N=${#patches[@]}

	echo "--- git am onto a fresh branch of the pristine tree"
	cd "$TREE" || die "no $TREE"
	git checkout -q -f -B apmig-check pristine && git clean -q -f -d -x ||
		die "cannot reset $TREE"
	for p in "${patches[@]}"; do
		if ! git am -q "$p" >"$LOGS/am.log" 2>&1; then
			sed 's/^/    /' "$LOGS/am.log"
			git am --abort >/dev/null 2>&1
			echo "$GATE: ${p##*/} does not apply"
			break
		fi
		applied=$((applied + 1))
	done
	cd "$REPO" || exit 2
	echo "applied $applied/$N patch(es) with git am"
	result "$PROJECT-series" "$applied" $((applied < N))
	[ $applied = "$N" ] || exit 1
	mapfile -t commits < <(git -C "$TREE" rev-list --reverse pristine..apmig-check)
}
