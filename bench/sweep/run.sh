#!/bin/sh
# Sweep benchmark (issue 6): `warroom sweep` with 1 and 2 threads beside
# grep -F -f, rg -F -f, a Hyperscan literal baseline and `cat > /dev/null`
# on one generated corpus, with seconds, MB/s, peak memory and precision and
# recall against the corpus truth. Prints one table. Not a timed test.
#
# usage: make bench-sweep   (or bench/sweep/run.sh)
#
#   SWEEP_SIZE=1G        corpus size (uncompressed log bytes, gen.py --size)
#   SWEEP_IOCS=100000    number of indicators (gen.py --iocs)
#   SWEEP_SEED=1         generator seed
#   SWEEP_CACHE=var/bench-sweep   where the corpus, tool outputs and hs_baseline live
#   SWEEP_SKIP=grep,rg   tools to leave out (sweep, hyperscan, grep, rg, cat)
#   SWEEP_THREADS="1 2"  thread counts for warroom sweep
#   SWEEP_RUNS=1         runs per tool; the table shows the fastest (and its memory)
#   WARROOM_BIN=build/warroom
#
# The corpus is generated once and again only when its parameters or gen.py
# change. No caches are dropped: one warm-up `cat` reads the corpus first, so
# every tool reads it from the page cache.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${WARROOM_BIN:-$root/build/warroom}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
size=${SWEEP_SIZE:-1G}
niocs=${SWEEP_IOCS:-100000}
seed=${SWEEP_SEED:-1}
cache=${SWEEP_CACHE:-$root/var/bench-sweep}
skip=,${SWEEP_SKIP:-},
threads=${SWEEP_THREADS:-1 2}
runs=${SWEEP_RUNS:-1}

say() { echo "bench-sweep: $*" >&2; }
skipped() { case $skip in *",$1,"*) return 0 ;; esac; return 1; }
[ -x /usr/bin/time ] || { say "/usr/bin/time is missing (scripts/deps.sh installs package time)"; exit 1; }

mkdir -p "$cache"
case $cache in /*) ;; *) cache=$(cd "$cache" && pwd) ;; esac
corpus=$cache/corpus
outdir=$cache/out

# ---- the corpus, generated once per parameter set
want="gen.py $(sha256sum "$here/gen.py" | cut -c1-16) seed=$seed size=$size iocs=$niocs"
have=$(cat "$corpus/params" 2>/dev/null || true)
if [ "$want" != "$have" ] || [ ! -f "$corpus/manifest.json" ]; then
	say "generating the corpus ($size, $niocs indicators, seed $seed) into $corpus ..."
	rm -rf "$corpus" "$corpus.tmp"
	python3 "$here/gen.py" --out "$corpus.tmp" --seed "$seed" --iocs "$niocs" --size "$size" 2>"$cache/gen.log" ||
		{ tail -5 "$cache/gen.log" >&2; exit 1; }
	echo "$want" >"$corpus.tmp/params"
	mv "$corpus.tmp" "$corpus"
fi
cd "$corpus"
files=$(find logs -type f | LC_ALL=C sort)
nfiles=$(echo "$files" | wc -l)
bytes=$(echo "$files" | xargs stat -c %s | awk '{s += $1} END {printf "%d", s}')
nlines=$(python3 -c 'import json; print(json.load(open("manifest.json"))["lines"])')
nvalues=$(wc -l <iocs.txt)
ntruth=$(($(wc -l <truth.tsv) - 1))
ndecoys=$(($(wc -l <decoys.tsv) - 1))

# ---- the Hyperscan baseline, outside the warroom build
hs=$cache/hs_baseline
if ! skipped hyperscan && { [ ! -x "$hs" ] || [ -n "$(find "$here/hs_baseline.c" -newer "$hs")" ]; }; then
	if pkg-config --exists libhs 2>/dev/null; then
		# shellcheck disable=SC2046
		cc -std=c17 -O2 -Wall -o "$hs" "$here/hs_baseline.c" $(pkg-config --cflags --libs libhs) ||
			{ say "hs_baseline does not build"; rm -f "$hs"; }
	else
		say "libhs not found (scripts/deps.sh installs libhyperscan-dev); no Hyperscan row"
	fi
fi

rm -rf "$outdir"
mkdir -p "$outdir"
table=$outdir/table
notes=$outdir/notes
: >"$table"
: >"$notes"

# row NAME NOTES [MESSAGE]: a row without measurement (skipped, not built, failed)
row() {
	printf '%-22s %8s %9s %7s %9s %9s %10s %8s %17s  %s\n' "$1" - - - - - - - - "$2" >>"$table"
}

# measure ID NAME FORMAT NOTES CMD...: wall seconds (date), CPU seconds and peak RSS
# (/usr/bin/time), MB/s of each, and precision/recall of the output scored in FORMAT (tsv, grep, none);
# the files of the run are $outdir/ID.*
measure() {
	id=$1 name=$2 fmt=$3 note=$4
	shift 4
	out=$outdir/$id.out
	[ "$fmt" = none ] && out=/dev/null
	best=
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		say "running $name$([ "$runs" = 1 ] || echo " (run $i of $runs)") ..."
		t0=$(date +%s.%N)
		set +e
		/usr/bin/time -o "$outdir/$id.time.$i" -f '%e %M %U %S' "$@" >"$out" 2>"$outdir/$id.err"
		rc=$?
		set -e
		t1=$(date +%s.%N)
		if [ "$rc" -gt 1 ]; then
			say "$name failed (exit $rc): $(head -c 300 "$outdir/$id.err")"
			row "$name" "FAILED (exit $rc, see $outdir/$id.err)"
			return 0
		fi
		el=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
		if [ -z "$best" ] || awk -v a="$el" -v b="$best" 'BEGIN {exit !(a < b)}'; then
			best=$el
			mv "$outdir/$id.time.$i" "$outdir/$id.time"
		else
			rm -f "$outdir/$id.time.$i"
		fi
	done
	t0=0 t1=$best
	kib=$(tail -n1 "$outdir/$id.time" | awk '{print $2}')
	cpu=$(tail -n1 "$outdir/$id.time" | awk '{printf "%.2f", $3 + $4}')
	cmbs=$(awk -v n="$bytes" -v c="$cpu" 'BEGIN {if (c > 0) printf "%.0f", n / 1e6 / c; else print "-"}')
	sec=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
	mbs=$(awk -v n="$bytes" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / 1e6 / (b - a)}')
	mib=$(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}')
	p=- r=- counts=-
	if [ "$fmt" != none ]; then
		s=$(python3 "$here/score.py" --corpus "$corpus" --format "$fmt" --details "$outdir/$id.details" "$out")
		p=$(echo "$s" | sed 's/.*precision=\([^ ]*\).*/\1/')
		r=$(echo "$s" | sed 's/.*recall=\([^ ]*\).*/\1/')
		counts=$(echo "$s" | sed 's/tp=\([0-9]*\) fp=\([0-9]*\) fn=\([0-9]*\).*/\1\/\2\/\3/')
		[ -s "$out" ] || note="$note; NO OUTPUT, see $outdir/$id.err"
	fi
	printf '%-22s %8s %9s %7s %9s %9s %10s %8s %17s  %s\n' "$name" "$sec" "$mbs" "$cpu" "$cmbs" "$mib" "$p" "$r" "$counts" "$note" >>"$table"
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
say "warm-up: cat of the whole corpus into the page cache"
# shellcheck disable=SC2086
cat $files >/dev/null

# ---- warroom sweep
if skipped sweep; then
	for t in $threads; do row "warroom sweep -t$t" "skipped (SWEEP_SKIP)"; done
elif ! "$bin" sweep --help 2>&1 | grep -q -- --iocs; then
	for t in $threads; do row "warroom sweep -t$t" "not built ($bin has no sweep command)"; done
else
	for t in $threads; do
		measure "sweep-t$t" "warroom sweep -t$t" tsv "$t thread$([ "$t" = 1 ] || echo s), exact matching" \
			"$bin" sweep --iocs iocs.tsv --format tsv --threads "$t" logs
	done
fi

# ---- Hyperscan literal baseline
if skipped hyperscan; then
	row "hyperscan literals" "skipped (SWEEP_SKIP)"
elif [ ! -x "$hs" ]; then
	row "hyperscan literals" "not built (libhyperscan-dev missing)"
else
	measure hyperscan "hyperscan literals" tsv "@HS@" "$hs" iocs.tsv logs
	c=$(sed -n 's/.*compile [0-9]* literals \([0-9.]*\) s.*/\1/p' "$outdir/hyperscan.err" 2>/dev/null || true)
	sed -i "s|@HS@|1 thread, substrings, caseless; incl. ${c:-?} s pattern compilation|" "$table"
fi

# ---- grep and ripgrep, substring matching
if skipped grep; then
	row "grep -F" "skipped (SWEEP_SKIP)"
else
	measure grep "grep -F" grep "1 thread, substrings, case-sensitive" env LC_ALL=C grep -F -r -n -o -f iocs.txt logs
fi
for j in 1 2; do
	if skipped rg; then
		row "rg -F -j$j" "skipped (SWEEP_SKIP)"
	else
		measure "rg-j$j" "rg -F -j$j" grep "$j thread$([ "$j" = 1 ] || echo s), substrings, case-sensitive" \
			rg --no-config -u -F -n -o --no-heading -j"$j" -f iocs.txt logs
	fi
done

# ---- the floor
if skipped cat; then
	row "cat > /dev/null" "skipped (SWEEP_SKIP)"
else
	# shellcheck disable=SC2086
	measure cat "cat > /dev/null" none "reads the corpus, matches nothing" cat $files
fi

# ---- the table
mb=$(awk -v n="$bytes" 'BEGIN {printf "%.1f", n / 1e6}')
mi=$(awk -v n="$bytes" 'BEGIN {printf "%.1f", n / 1048576}')
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "Sweep benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "corpus: $mb MB ($mi MiB) uncompressed, $nfiles files, $nlines lines, 6 log formats; $niocs indicators ($nvalues distinct values), seed $seed"
echo "truth: $ntruth (file, line, indicator) rows; $ndecoys planted near-miss decoys"
echo "machine: $cpu, $(nproc) CPU(s), $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB; load average before the runs $load, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "page cache warm: one cat of the corpus before the runs, no drop_caches; $([ "$runs" = 1 ] && echo "one run per tool" || echo "fastest of $runs runs per tool")"
echo
printf '%-22s %8s %9s %7s %9s %9s %10s %8s %17s  %s\n' tool seconds MB/s "CPU s" "MB/s/CPU" "peak MiB" precision recall "TP/FP/FN" notes
printf '%-22s %8s %9s %7s %9s %9s %10s %8s %17s  %s\n' ---------------------- -------- --------- ------- --------- --------- ---------- -------- ----------------- -----
cat "$table"
echo
echo "Seconds: wall clock, start-up and indicator loading included; MB/s = corpus bytes / seconds."
echo "CPU s: user + system time of that run (all threads); MB/s/CPU = corpus bytes / CPU s, the"
echo "throughput per core (the issue's target: 1 GB/s per core)."
echo "Precision and recall over the set of (file, line, indicator) triples against truth.tsv; for the"
echo "substring tools each match of an indicator's text claims that indicator on that line."
echo "Command lines, run in $corpus:"
echo "  warroom sweep -tN      $bin sweep --iocs iocs.tsv --format tsv --threads N logs"
echo "  hyperscan literals     $hs iocs.tsv logs   (bench/sweep/hs_baseline.c: hs_compile_lit_multi, HS_FLAG_CASELESS, block mode, mmap per file)"
echo "  grep -F                LC_ALL=C grep -F -r -n -o -f iocs.txt logs   ($(grep --version | head -1))"
echo "  rg -F -jN              rg --no-config -u -F -n -o --no-heading -jN -f iocs.txt logs   ($(rg --version 2>/dev/null | head -1))"
echo "  cat > /dev/null        cat logs/*/* > /dev/null"
echo "Outputs, stderr, and per-tool FP/FN lists (*.details): $outdir"

# the sweeper should be exact: show what it got wrong
for d in "$outdir"/sweep-t*.details; do
	[ -s "$d" ] || continue
	echo
	echo "warroom sweep -t$(basename "$d" .details | sed 's/sweep-t//'): $(grep -c '^FP' "$d" || true) false positives, $(grep -c '^FN' "$d" || true) false negatives; the first ones:"
	grep '^FP' "$d" | head -10
	grep '^FN' "$d" | head -10
done
exit 0
