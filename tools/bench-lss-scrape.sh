#!/usr/bin/env bash
# /metrics latency under wrk (2 threads, 20 connections) with and without a full-speed LSS
# User Activity stream (2 KB records, `cargo bench --bench lss_ingest -- --send`) into the same
# exporter, on the tenant of tools/bench-scrape.sh (20 000 segments, 2 000 App Connectors).
#
#   tools/bench-lss-scrape.sh          # BENCH_DURATION=20s by default
#
# Reports per case: scrapes/s, p50/p99 latency, LSS records parsed during the run, resident
# memory after the run. Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin zpa-exporter --bin zpa-simulator
cargo bench --quiet --bench lss_ingest --no-run 2>/dev/null
exporter=target/release/zpa-exporter
simulator=target/release/zpa-simulator
duration=${BENCH_DURATION:-20s}
seconds=${duration%s}
sim_port=19899
exp_port=19891
lss_port=19892
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$simulator" --listen "127.0.0.1:$sim_port" --segments 20000 --connectors 2000 --rate-limit off \
  >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$sim_port/__sim/stats" >/dev/null && break; sleep 0.1; done

ZPA_CLIENT_SECRET=sim-secret "$exporter" \
  --web.listen-address="127.0.0.1:$exp_port" --zpa.base-url="http://127.0.0.1:$sim_port" \
  --zpa.customer-id=216196257331281920 --zpa.client-id=sim-client \
  --zpa.rate-limit=10000/1s --poll.interval=1h --log.level=warn \
  --lss.listen-address="user_activity=127.0.0.1:$lss_port" >/dev/null 2>&1 &
pid=$!
pids+=($pid)
for _ in $(seq 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$exp_port/-/ready")" = 200 ] && break
  sleep 0.1
done

parsed() {
  curl -s "http://127.0.0.1:$exp_port/metrics" |
    awk 'index($0, "zpa_lss_records_parsed_total{log_type=\"zpn_trans_log\"}") == 1 {print $2}'
}
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

run_case() {
  local label=$1 out rps p50 p99 before after
  before=$(parsed)
  out=$(wrk -t2 -c20 -d"$duration" --latency "http://127.0.0.1:$exp_port/metrics")
  after=$(parsed)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '| %s | %s | %s | %s | %s | %s MiB |\n' "$label" "$rps" "$p50" "$p99" \
    "$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.0f", a - b}')" \
    "$(( $(kb VmRSS "$pid") / 1024 ))"
}

echo "| case | scrapes/s | p50 | p99 | LSS records parsed | RSS after |"
echo "|---|---|---|---|---|---|"
run_case "no LSS traffic"
# The stream starts first and outlasts wrk, so every scrape happens during full ingest.
LSS_BENCH_SECONDS=$((seconds + 4)) cargo bench --quiet --bench lss_ingest -- \
  --send "127.0.0.1:$lss_port" >/dev/null 2>&1 &
pids+=($!)
sleep 2
run_case "full LSS ingest"
