#!/bin/sh
# Platform benchmark: binary size, start-up time, and requests per second
# on loopback with wrk (2 threads, 64 connections, 10 s each), for the
# orgs list beside the cheapest routes as peers. Prints one table.
# usage: make bench   (or bench/run.sh with WARROOM_BIN set)
set -eu
bin=${WARROOM_BIN:-build/warroom}
dur=${BENCH_SECONDS:-10}
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/deps.sh installs it)" >&2; exit 1; }

db="$tmp/bench.db"
"$bin" --db "$db" init >/dev/null
"$bin" --db "$db" demo >/dev/null
echo "bench-password-long" | "$bin" --db "$db" user add bench --role analyst --password-stdin >/dev/null
token=$("$bin" --db "$db" token create bench 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start=$(date +%s.%N)
WARROOM_ACCESS_LOG=0 "$bin" --db "$db" serve --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.005; done
ready=$(date +%s.%N)

size=$(stat -c %s "$bin")
stripped=$(strip -o "$tmp/stripped" "$bin" && stat -c %s "$tmp/stripped")
printf '%-44s %s\n' "binary size (as built, with debug info)" "$(( size / 1024 )) KiB"
printf '%-44s %s\n' "binary size (stripped)" "$(( stripped / 1024 )) KiB"
printf '%-44s %s ms\n' "start-up to first /health answer" "$(echo "($ready - $start) * 1000" | bc -l | cut -d. -f1)"
echo
printf '%-38s %12s %10s %10s\n' "route (wrk -t2 -c64 -d${dur}s)" "requests/s" "p50" "p99"
run() {
	name=$1; shift
	out=$(wrk -t2 -c64 -d"${dur}s" --latency "$@" 2>&1)
	rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
	non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
	printf '%-38s %12s %10s %10s%s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:+  (non-2xx: $non2xx)}"
}
u="http://127.0.0.1:$port"
run "GET /health (no auth, no db)" "$u/health"
run "GET /js/app.js (embedded static file)" "$u/js/app.js"
run "GET /api/v1/me (token auth)" -H "Authorization: Bearer $token" "$u/api/v1/me"
run "GET /api/v1/orgs?limit=50" -H "Authorization: Bearer $token" "$u/api/v1/orgs?limit=50"
run "GET /api/v1/orgs?limit=500 (all towns)" -H "Authorization: Bearer $token" "$u/api/v1/orgs?limit=500"
