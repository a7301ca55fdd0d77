#!/usr/bin/env bash
# Memory and start-up of the long-running roles, with the JVM settings they ship with
# (src/main/launcher/*.jvm.options), on this machine:
#   1. `agentwatch up` without feeds: seconds until /api/health answers 200, RSS after 60 s idle;
#   2. `agentwatch up --demo`: peak RSS (VmHWM) over --demo-seconds of the demo fleet (an upload
#      incident every 3 minutes);
#   3. `agentwatch sensor --interface lo` into that stack while tcpreplay sends a generated capture
#      onto lo at --pps packets/s for --sensor-seconds: peak RSS.
# Not run in CI (figures, not assertions); results go to BENCHMARKS.md, Memory. Needs root (live
# capture) and tcpreplay (apt-get install -y tcpreplay).
#   bench/stack-memory.sh [--demo-seconds 240] [--sensor-seconds 60] [--pps 50000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo_seconds=240 sensor_seconds=60 pps=50000
while [ $# -gt 0 ]; do
  case "$1" in
    --demo-seconds) demo_seconds=$2; shift 2 ;;
    --sensor-seconds) sensor_seconds=$2; shift 2 ;;
    --pps) pps=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v tcpreplay >/dev/null || { echo "missing tcpreplay: apt-get install -y tcpreplay" >&2; exit 1; }
cd "$root"
./agentwatch --version >/dev/null # build before anything is timed
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 5; rm -rf "$work"' EXIT
http=127.0.0.1:18090 kafka=19092

mb() { awk -v k="$2" '$1 == k":" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

start_up() { # start_up LOG ARGS...: starts up, waits for health; sets $startup to the seconds it took
  local log=$1; shift
  local t0; t0=$(date +%s.%N)
  ./agentwatch up --data-dir "$work/data" --http "$http" --set kafka.port=$kafka "$@" >"$log" 2>&1 &
  pids+=($!)
  until curl -sf "http://$http/api/health" >/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  startup=$(echo "$(date +%s.%N) - $t0" | bc)
}
stop_up() { kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; }

echo "1. up, no feeds"
start_up "$work/up1.log"
sleep 60
pid=${pids[-1]}
printf '   healthy after %.1f s; RSS idle %s MB (peak %s MB)\n' "$startup" "$(mb "$pid" VmRSS)" "$(mb "$pid" VmHWM)"
stop_up

echo "2. up --demo for ${demo_seconds} s"
start_up "$work/up2.log" --demo
stack=${pids[-1]}
pid=$stack
sleep "$demo_seconds"
printf '   RSS %s MB, peak %s MB\n' "$(mb "$pid" VmRSS)" "$(mb "$pid" VmHWM)"

echo "3. sensor on lo at ${pps} packets/s for ${sensor_seconds} s"
./agentwatch generate --flows 5000 --out "$work/traffic.pcap" >/dev/null 2>&1
./agentwatch sensor --interface lo --bootstrap-servers 127.0.0.1:$kafka --sensor-id bench-lo \
  --spool-dir "$work/spool" --metrics-listen off >"$work/sensor.log" 2>&1 &
pids+=($!)
sensor=${pids[-1]}
sleep 15 # start and warm-up
tcpreplay -i lo --pps="$pps" --loop=0 --duration="$sensor_seconds" "$work/traffic.pcap" >"$work/tcpreplay.log" 2>&1 || true
printf '   RSS %s MB, peak %s MB; tcpreplay: %s\n' "$(mb "$sensor" VmRSS)" "$(mb "$sensor" VmHWM)" \
  "$(grep -m1 'Actual:' "$work/tcpreplay.log" | sed 's/^ *//')"
kill -TERM "$sensor"; wait "$sensor" 2>/dev/null || true
kill -TERM "$stack"; wait "$stack" 2>/dev/null || true
