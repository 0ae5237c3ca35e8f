# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/kernel-source.sh and scripts/qemu-source.sh: import an
# unpacked upstream tree into git as one reproducible commit.

# pristine_import DIR DATE MAINTAINER SUBJECT BODY
# Make DIR a git repository whose one commit, tagged pristine, holds DIR
# exactly as it is (-f: what upstream's .gitignore names too). Author and
# committer are the package's maintainer, the date is the package's, so the
# commit id is the same on every machine. Branch apmig-base is checked out.
# Returns non-zero when git fails.
pristine_import() {
	local dir=$1 date=$2 maintainer=$3 subject=$4 body=$5 email

	email=${maintainer##*<}
	(
		cd "$dir" &&
		git init -q . &&
		git config gc.auto 0 &&
		git config core.abbrev 12 &&
		git config core.fsmonitor false &&
		git add -f -A . &&
		export GIT_AUTHOR_NAME="${maintainer% <*}" \
		       GIT_COMMITTER_NAME="${maintainer% <*}" \
		       GIT_AUTHOR_EMAIL="${email%>}" \
		       GIT_COMMITTER_EMAIL="${email%>}" \
		       GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" &&
		git commit -q --no-verify -m "$subject" -m "$body" &&
		git tag -f pristine >/dev/null &&
		git checkout -q -B apmig-base pristine
	)
}
