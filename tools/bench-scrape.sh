#!/usr/bin/env bash
# Scrape throughput of /metrics under wrk (20 connections), on a tenant of 20 000 application
# segments and 2 000 App Connectors, with and without per-segment info, plain and gzip.
#
#   tools/bench-scrape.sh [EXPORTER_BIN [SIMULATOR_BIN]]
#
# Without arguments it builds the release binaries of this checkout. Give another build's
# binaries to compare side by side (the script passes only flags every version understands).
# Reports, per case: scrapes per second, p50/p99 latency, body bytes, and the exporter's
# resident memory after the run (VmRSS) and at its peak (VmHWM). Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
exporter=${1:-}
simulator=${2:-}
if [ -z "$exporter" ]; then
  cargo build --release --quiet --bin zpa-exporter --bin zpa-simulator
  exporter=target/release/zpa-exporter
  simulator=target/release/zpa-simulator
fi
duration=${BENCH_DURATION:-20s}
sim_port=19899
exp_port=19891
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$simulator" --listen "127.0.0.1:$sim_port" --segments 20000 --connectors 2000 --rate-limit off \
  >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$sim_port/__sim/stats" >/dev/null && break; sleep 0.1; done

kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

run_case() {
  local label=$1; shift
  ZPA_CLIENT_SECRET=sim-secret "$exporter" \
    --web.listen-address="127.0.0.1:$exp_port" --zpa.base-url="http://127.0.0.1:$sim_port" \
    --zpa.customer-id=216196257331281920 --zpa.client-id=sim-client \
    --zpa.rate-limit=10000/1s --poll.interval=1h --log.level=warn "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$exp_port/-/ready")" = 200 ] && break
    sleep 0.1
  done
  local bytes gzbytes
  bytes=$(curl -s "http://127.0.0.1:$exp_port/metrics" | wc -c)
  gzbytes=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$exp_port/metrics" | wc -c)
  for enc in identity gzip; do
    local out rps p50 p99
    out=$(wrk -t2 -c20 -d"$duration" --latency -H "Accept-Encoding: $enc" \
      "http://127.0.0.1:$exp_port/metrics")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '| %s | %s | %s | %s | %s | %s | %s MiB | %s MiB |\n' "$label" "$enc" "$rps" "$p50" "$p99" \
      "$([ "$enc" = gzip ] && echo "$gzbytes" || echo "$bytes")" \
      "$(( $(kb VmRSS "$pid") / 1024 ))" "$(( $(kb VmHWM "$pid") / 1024 ))"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| case | Accept-Encoding | scrapes/s | p50 | p99 | body bytes | RSS after | peak RSS |"
echo "|---|---|---|---|---|---|---|---|"
run_case "20k segments, 2k connectors"
run_case "same, per-segment info on" --collector.application_segments.info
