#!/bin/sh
# Intel benchmark (make bench-intel): import 1,000,000 indicators from CSV
# and a 100,000-indicator STIX 2.1 bundle into a fresh database, then build
# and sign one town's pack over the API. Seconds and peak memory
# (/usr/bin/time -v); target: 1M in < 30 s and < 1 GB. Prints one table.
# BENCH_CSV_N / BENCH_STIX_N change the sizes.
set -eu
bin=${WARROOM_BIN:-build/warroom}
n=${BENCH_CSV_N:-1000000}
m=${BENCH_STIX_N:-100000}
here=$(dirname "$0")
tmp=$(mktemp -d)
pid=
trap 'test -n "$pid" && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
db="$tmp/bench.db"
"$bin" --db "$db" init >/dev/null
"$bin" --db "$db" demo >/dev/null
python3 "$here/gen.py" csv "$n" "$tmp/iocs.csv"
python3 "$here/gen.py" stix "$m" "$tmp/bundle.json"

# "/usr/bin/time -v" lines -> seconds and MiB
measure() {
	label=$1
	shift
	/usr/bin/time -v "$@" >"$tmp/out" 2>"$tmp/time" || { cat "$tmp/time" >&2; exit 1; }
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tmp/time")
	kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time")
	printf '%-46s %10s s %10s MiB\n' "$label" "$secs" "$((kib / 1024))"
}

printf '%-46s %12s %14s\n' "step" "time" "peak memory"
measure "import $n indicators (CSV, new)" "$bin" --db "$db" import csv "$tmp/iocs.csv"
measure "import $n indicators (CSV, all merged)" "$bin" --db "$db" import csv "$tmp/iocs.csv"
measure "import STIX bundle of $m indicators" "$bin" --db "$db" import stix "$tmp/bundle.json"
"$bin" --db "$db" import warninglist "$here/../../tests/fixtures/warninglists" >/dev/null
measure "warninglists re-flag of every indicator" "$bin" --db "$db" import warninglist "$here/../../tests/fixtures/warninglists"

# one town's pack, built and signed by the server
echo "bench-password-long" | "$bin" --db "$db" user add bench_spoc --role spoc --org 44021 --password-stdin >/dev/null
token=$("$bin" --db "$db" token create bench_spoc 2>/dev/null | tail -1 | awk '{print $NF}')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
WARROOM_ACCESS_LOG=0 "$bin" --db "$db" serve --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.05; done
t=$(curl -s -o "$tmp/pack.json" -w '%{time_total}' -H "Authorization: Bearer $token" \
	"http://127.0.0.1:$port/api/v1/packs/current")
count=$(python3 -c "import json,sys; print(len(json.load(open('$tmp/pack.json'))['indicators']))")
printf '%-46s %10s s %10s\n' "pack for Gent: $count indicators, signed" "$t" "$(( $(stat -c %s "$tmp/pack.json") / 1048576 )) MiB"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
