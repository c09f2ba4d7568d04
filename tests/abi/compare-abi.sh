#!/bin/sh
# Compares the layout/constant lines printed by abi_probe built against our
# headers ($1) and against FreeRDP WinPR's ($2). Every name both print must
# have the same value, and they must share enough names for the comparison
# to mean something.
set -eu
ours=$("$1") || { echo "our probe failed"; exit 1; }
theirs=$("$2") || { echo "WinPR probe failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' "$ours" | sort > "$tmp/ours"
printf '%s\n' "$theirs" | sort > "$tmp/theirs"
join "$tmp/ours" "$tmp/theirs" > "$tmp/both"
common=$(wc -l < "$tmp/both")
differ=$(awk '$2 != $3' "$tmp/both")
only_ours=$(join -v1 "$tmp/ours" "$tmp/theirs" | awk '{print $1}' | tr '\n' ' ')
echo "compared $common names with WinPR; not in WinPR: ${only_ours:-none}"
if [ -n "$differ" ]; then
	echo "differences (name ours winpr):"
	printf '%s\n' "$differ"
	exit 1
fi
if [ "$common" -lt 100 ]; then
	echo "only $common names in common: the comparison is too thin"
	exit 1
fi
echo "1 passed, 0 failed"
