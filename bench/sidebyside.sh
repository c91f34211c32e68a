#!/usr/bin/env bash
# Side by side: the same load (bench/load) against `debate serve` (embedded store, fsync
# on) and against the floor (bench/relayhub), in one run, each measured with its own
# process's CPU and memory. Usage:
#
#   bench/sidebyside.sh [ROOMS] [STUDENTS] [RATE] [DURATION]     # defaults: 100 30 1 30s
#
# debate serve runs with limits opened for one address (the generator is one address).
set -euo pipefail
rooms=${1:-100} students=${2:-30} rate=${3:-1} duration=${4:-30s}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $serve_pid $hub_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/debate" ./cmd/debate
go build -o "$work/relayhub" ./bench/relayhub
go build -o "$work/load" ./bench/load

"$work/debate" serve --addr 127.0.0.1:18080 --data-dir "$work/data" --log-level warn \
  --join-rate 100000 --join-burst 100000 --room-join-rate 100000 --room-join-burst 100000 \
  --create-rate 10000 --create-burst 10000 --max-connections 0 --max-connections-per-address 0 \
  --max-rooms 0 --metrics=false > "$work/serve.out" 2>&1 &
serve_pid=$!
"$work/relayhub" --addr 127.0.0.1:18090 > "$work/hub.out" 2>&1 &
hub_pid=$!
for port in 18080 18090; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
echo "machine: $(nproc) cores, $(uname -sr), $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/load" --url http://127.0.0.1:18090 --pid $hub_pid --rooms "$rooms" --students "$students" --rate "$rate" --duration "$duration" --label floor
"$work/load" --url http://127.0.0.1:18080 --pid $serve_pid --rooms "$rooms" --students "$students" --rate "$rate" --duration "$duration" --label "debate-serve"
