#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion offers exactly the commands of 'apmig --help', its
# global options, and for each command the options of 'apmig COMMAND --help'.
#
# Usage: completion-vs-help.sh APMIG COMPLETION_FILE
set -u
apmig=$1; comp=$2; fail=0
# shellcheck source=/dev/null
. "$comp"
# complete the words "$@" (the last one being completed)
complete_words() {
	COMP_WORDS=(apmig "$@"); COMP_CWORD=$#; COMPREPLY=()
	_apmig
	printf '%s\n' "${COMPREPLY[@]}" | sort -u
}
opts_of() {
	sed -n 's/^  *\(-[a-zA-Z]\), \(--[a-z][a-z-]*\).*/\1\n\2/p; s/^  *\(--[a-z][a-z-]*\).*/\1/p' | sort -u
}
same() { # $1 what, $2 expected, $3 offered
	[ "$2" = "$3" ] && return
	echo "$1: the completion differs from --help:"
	diff <(printf '%s\n' "$2") <(printf '%s\n' "$3")
	fail=1
}
cmds=$("$apmig" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
same "commands" "$(printf '%s\nhelp\n' "$cmds" | sort -u)" "$(complete_words '')"
same "global options" "$("$apmig" --help | sed -n '/^Options:/,/^$/p' | opts_of)" "$(complete_words -)"
for c in $cmds; do
	# -h, --help: every command has them, demo's --help does not list them
	same "$c options" "$("$apmig" "$c" --help | opts_of | grep -v -x -e -h -e --help)" \
		"$(complete_words "$c" - | grep '^-' | grep -v -x -e -h -e --help)"
done
[ "$(complete_words ch)" = check ] || { echo "'apmig ch' does not complete to check"; fail=1; }
[ $fail = 0 ] && echo "the completion offers the commands and options of --help"
exit $fail
