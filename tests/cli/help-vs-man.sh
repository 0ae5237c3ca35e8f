#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every option a command's --help lists (its "  -x, --long" lines) must be
# documented in that command's section (.SS) of apmig(8), every option of
# 'apmig --help' in its OPTIONS section, and every command 'apmig --help'
# lists must have a section.
#
# Usage: help-vs-man.sh APMIG MANPAGE
set -u
apmig=$1; man=$2; fail=0
cmds=$("$apmig" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || { echo "'$apmig --help' lists no command"; exit 1; }
# $1: the --help text, $2: the man page section, $3: what for messages
check_opts() {
	opts=$(printf '%s\n' "$1" | sed -n 's/^  *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\1\2/p' | tr -d ',')
	for o in $opts; do
		case $o in -h|--help) continue ;; esac
		printf '%s\n' "$2" | grep -q -E -e "(^|[^a-z-])$o([^a-z-]|$)" || { echo "$3: $o is in --help, not in the man page"; fail=1; }
	done
}
main_sec=$(awk '/^\.S[SH]/ { on = ($0 ~ "^\\.SH OPTIONS") } on' "$man" | sed 's/\\-/-/g')
[ -n "$main_sec" ] || { echo "no OPTIONS section in $man"; fail=1; }
main_opts=$("$apmig" --help | sed -n '/^Options:/,/^$/p')
[ -n "$main_opts" ] || { echo "'$apmig --help' lists no option"; fail=1; }
check_opts "$main_opts" "$main_sec" "apmig"
for c in $cmds; do
	sec=$(awk -v c="$c" '/^\.S[SH]/ { on = ($0 ~ "^\\.SS \"?" c "([ \"]|$)") } on' "$man" | sed 's/\\-/-/g')
	if [ -z "$sec" ]; then echo "$c: no section in $man"; fail=1; continue; fi
	check_opts "$("$apmig" "$c" --help)" "$sec" "$c"
done
exit $fail
