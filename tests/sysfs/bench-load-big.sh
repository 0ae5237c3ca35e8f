#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the 256 cards x 256 domains host in a scratch directory and time
# loading it: bench-load-big.sh PYTHON3 MKHOSTS.PY BENCH_BINARY
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
"$1" "$2" "$tmp" --big
awk -v s="$start" -v e="$(date +%s.%N)" \
	'BEGIN { printf "built the tree in %.1f s\n", e - s }' </dev/null
"$3" "$tmp/big"
