#!/bin/bash
# Compares sweeper binaries on the bench corpus: N rounds, each binary once
# per round in turn, pinned to one core, one thread; prints the fastest and
# the median CPU seconds (user + system) of each. Interleaving and the
# minimum are what make small differences visible on a noisy shared machine
# (bench/README.md). Not a timed test.
#
# usage: bench/sweep/compare.sh [-n ROUNDS] BIN...   (default 8 rounds)
#   SWEEP_CACHE=var/bench-sweep   where make bench-sweep put the corpus
set -eu
rounds=8
if [ "${1:-}" = -n ]; then
	rounds=$2
	shift 2
fi
[ $# -ge 1 ] || { echo "usage: $0 [-n ROUNDS] BIN..." >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time is missing (scripts/deps.sh installs package time)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${SWEEP_CACHE:-$root/var/bench-sweep}/corpus
[ -f "$corpus/iocs.tsv" ] || { echo "$0: no corpus in $corpus: run make bench-sweep first" >&2; exit 1; }
bins=()
for b in "$@"; do
	case $b in /*) ;; *) b=$(pwd)/$b ;; esac
	[ -x "$b" ] || { echo "$0: $b is not an executable" >&2; exit 1; }
	bins+=("$b")
done
cd "$corpus"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
declare -A times
for _ in $(seq "$rounds"); do
	for b in "${bins[@]}"; do
		/usr/bin/time -f "%U %S" -o "$out" taskset -c 0 "$b" sweep -q --iocs iocs.tsv \
			--threads 1 logs >/dev/null 2>&1 || true
		times[$b]="${times[$b]:-} $(tail -1 "$out" | awk '{print $1 + $2}')"
	done
done
for b in "${bins[@]}"; do
	echo "$b ${times[$b]}" | python3 -c '
import statistics, sys
f = sys.stdin.read().split()
v = [float(x) for x in f[1:]]
print("%-40s min %.2f s  median %.2f s  (%s)" % (f[0], min(v), statistics.median(v), " ".join(f[1:])))'
done
