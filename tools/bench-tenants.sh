#!/usr/bin/env bash
# Many small tenants in one exporter (issue 19): memory and CPU per tenant, and the scrape at that
# size.
#
#   tools/bench-tenants.sh [TENANTS [EXPORTER_BIN [SIMULATOR_BIN]]]      # TENANTS defaults to 200
#
# One simulator process serves TENANTS small tenants (`zpa-simulator --tenants N`, 40 segments,
# 10 App Connectors each, ZPA's 20 GETs per 10 s enforced per tenant); one exporter reads them all
# from a tenants file with default intervals. The same is run with one tenant as the baseline.
# Per run, once every tenant is ready (`/-/ready` lists each as ready): the exporter's resident
# memory (VmRSS) and threads, the CPU it spends over BENCH_WINDOW seconds of steady polling (from
# /proc/<pid>/stat, user + system), then wrk (2 threads, 20 connections, BENCH_DURATION) on
# /metrics, plain and gzip: scrapes/s, p50, p99 and body bytes. Per tenant = (N-tenant run -
# 1-tenant run) / (N - 1). Without arguments it builds the release binaries. Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${1:-200}
exporter=${2:-}
simulator=${3:-}
if [ -z "$exporter" ]; then
  cargo build --release --quiet --bin zpa-exporter --bin zpa-simulator
  exporter=target/release/zpa-exporter
  simulator=target/release/zpa-simulator
fi
window=${BENCH_WINDOW:-120}
duration=${BENCH_DURATION:-15s}
sim_port=19898
exp_port=19890
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$simulator" --listen "127.0.0.1:$sim_port" --tenants "$tenants" --segments 40 --connectors 10 \
  --microtenants 2 --log.level=warn >"$work/sim.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$sim_port/__sim/tenants" >/dev/null && break
  sleep 0.1
done

# "  customer id C: client id K, client secret S, OneAPI client id O" per simulated tenant.
keys() { awk '/^  customer id / {gsub(":", "", $3); gsub(",", "", $6); gsub(",", "", $9); print $3, $6, $9}' "$work/sim.out"; }

# tenants file of the first $1 simulated tenants
write_file() {
  local n=$1 file="$work/tenants-$1.yml" i=0
  printf 'tenants:\n' >"$file"
  while read -r customer client secret; do
    [ "$i" -lt "$n" ] || break
    printf '%s' "$secret" >"$work/secret-$i"
    printf '  - name: t%03d\n    customer_id: "%s"\n    base_url: http://127.0.0.1:%s\n    auth:\n      legacy:\n        client_id: %s\n        client_secret_file: secret-%s\n' \
      "$i" "$customer" "$sim_port" "$client" "$i" >>"$file"
    i=$((i + 1))
  done < <(keys)
  echo "$file"
}

kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }
# user + system CPU of a process, in clock ticks
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

run() {
  local n=$1 file pid start
  file=$(write_file "$n")
  "$exporter" --web.listen-address="127.0.0.1:$exp_port" --config.file="$file" --log.level=warn \
    >/dev/null 2>&1 &
  pid=$!
  start=$(date +%s.%N)
  for _ in $(seq 3000); do
    # "Ready" alone, or one "<tenant>: ready" line per tenant
    [ "$(curl -s "http://127.0.0.1:$exp_port/-/ready" | grep -cE '(^Ready|: ready)$' || true)" -ge "$n" ] && break
    sleep 0.2
  done
  local ready_s cpu0 cpu1 rss threads bytes gzbytes
  ready_s=$(echo "$(date +%s.%N) - $start" | bc)
  cpu0=$(ticks "$pid")
  sleep "$window"
  cpu1=$(ticks "$pid")
  rss=$(kb VmRSS "$pid")
  threads=$(kb Threads "$pid")
  bytes=$(curl -s "http://127.0.0.1:$exp_port/metrics" | wc -c)
  gzbytes=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$exp_port/metrics" | wc -c)
  echo "RUN tenants=$n ready_s=$ready_s rss_kib=$rss threads=$threads cpu_s=$(echo "scale=3; ($cpu1 - $cpu0) / $hz" | bc) window_s=$window body=$bytes gzip_body=$gzbytes"
  for enc in identity gzip; do
    local out
    out=$(wrk -t2 -c20 -d"$duration" --latency -H "Accept-Encoding: $enc" \
      "http://127.0.0.1:$exp_port/metrics")
    echo "SCRAPE tenants=$n enc=$enc rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out") p50=$(awk '$1 == "50%" {print $2}' <<<"$out") p99=$(awk '$1 == "99%" {print $2}' <<<"$out") peak_rss_kib=$(kb VmHWM "$pid")"
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

run 1 | tee "$work/one"
run "$tenants" | tee "$work/many"
awk -v n="$tenants" '
  /^RUN/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[FILENAME, kv[1]] = kv[2] } }
  END {
    one = ARGV[1]; many = ARGV[2]
    printf "per tenant: %.0f KiB RSS, %.2f ms CPU per second of polling (%.4f%% of a core)\n",
      (v[many, "rss_kib"] - v[one, "rss_kib"]) / (n - 1),
      1000 * (v[many, "cpu_s"] - v[one, "cpu_s"]) / (n - 1) / v[many, "window_s"],
      100 * (v[many, "cpu_s"] - v[one, "cpu_s"]) / (n - 1) / v[many, "window_s"]
  }' "$work/one" "$work/many"
