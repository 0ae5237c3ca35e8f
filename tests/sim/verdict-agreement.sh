#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 'apmig check' (the library reading sysfs) and 'apmig migrate' (the driver
# on simulated hosts) must reach the same verdict on the same two trees:
# try every source mdev of every fixture host against every fixture host,
# with every destination mdev there and with an absent one.
# Usage: verdict-agreement.sh APMIG FIXTURES_DIR
set -u
apmig=$1
fixtures=$2
pairs=0
differ=0
for s in "$fixtures"/hosts/* "$fixtures"/hosts-cli/* "$fixtures"/hosts-bad/*; do
	[ -d "$s/devices/vfio_ap/matrix" ] || continue
	for u in $(ls "$s/devices/vfio_ap/matrix" | grep -- -); do
		for t in "$fixtures"/hosts/* "$fixtures"/hosts-cli/* "$fixtures"/hosts-bad/*; do
			[ -d "$t/bus" ] || continue
			for tu in "" $(ls "$t/devices/vfio_ap/matrix" 2>/dev/null | grep -- -); do
				set -- --source "$s" --target "$t"
				[ -n "$tu" ] && set -- "$@" --target-uuid "$tu"
				"$apmig" migrate "$@" "$u" >/dev/null 2>&1
				m=$?
				"$apmig" check "$@" "$u" >/dev/null 2>&1
				c=$?
				pairs=$((pairs + 1))
				if [ "$m" != "$c" ]; then
					differ=$((differ + 1))
					echo "differ: migrate $m, check $c: $s $u -> $t ${tu:-(same UUID)}"
				fi
			done
		done
	done
done
echo "$pairs pairs, $differ with different verdicts"
[ "$differ" = 0 ]
