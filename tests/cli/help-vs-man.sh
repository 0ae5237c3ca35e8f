#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every option a command's --help lists (its "  -x, --long" lines) must be
# documented in that command's section (.SS) of apmig(8), and every command
# 'apmig --help' lists must have a section.
#
# Usage: help-vs-man.sh APMIG MANPAGE
set -u
apmig=$1; man=$2; fail=0
cmds=$("$apmig" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || { echo "'$apmig --help' lists no command"; exit 1; }
for c in $cmds; do
	sec=$(awk -v c="$c" '/^\.S[SH]/ { on = ($0 ~ "^\\.SS \"?" c "([ \"]|$)") } on' "$man" | sed 's/\\-/-/g')
	if [ -z "$sec" ]; then echo "$c: no section in $man"; fail=1; continue; fi
	opts=$("$apmig" "$c" --help | sed -n 's/^  *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\1\2/p' | tr -d ',')
	for o in $opts; do
		case $o in -h|--help) continue ;; esac
		printf '%s\n' "$sec" | grep -q -E -e "(^|[^a-z-])$o([^a-z-]|$)" || { echo "$c: $o is in --help, not in the man page"; fail=1; }
	done
done
exit $fail
