#!/usr/bin/env bash
# Live-capture benchmark: replays the sensor benchmark's capture onto the loopback interface with
# tcpreplay at fixed packet rates while `agentwatch flows --interface lo` captures (as shipped, and
# with --no-warm-up: started cold), and reports how many packets the sensor read and libpcap dropped;
# dumpcap (writing to /dev/null) is measured the same way as the reference. Not run in CI (rates are not assertions). Needs root or CAP_NET_RAW.
#   bench/live-capture.sh [--capture FILE] [--seconds 10] [RATE ...]   (default rates: 50000 100000 150000 top)
# Needs: apt-get install -y tcpreplay wireshark-common (dumpcap); the capture from bench/sensor-vs-peers.sh.
# On lo the kernel counts every packet twice (sent and received), so libpcap's "received" is twice
# what tcpreplay sent; compare "read" with the packets sent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
capture="${TMPDIR:-/tmp}/agentwatch-bench.pcap" seconds=10 rates=()
while [ $# -gt 0 ]; do
  case "$1" in
    --capture) capture=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) rates+=("$1"); shift ;;
  esac
done
[ ${#rates[@]} -gt 0 ] || rates=(50000 100000 150000 top)
for tool in tcpreplay dumpcap; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y tcpreplay wireshark-common" >&2; exit 1; }
done
[ -f "$capture" ] || { echo "no capture at $capture: run bench/sensor-vs-peers.sh first (it generates it)" >&2; exit 1; }
cd "$root"
./agentwatch --version >/dev/null # build before anything is timed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# replay RATE: sends for about $seconds (at top speed: the same number of packets as 100 000/s)
replay() {
  local rate=$1 limit
  if [ "$rate" = top ]; then
    limit=$((100000 * seconds))
    tcpreplay -i lo --topspeed --limit="$limit" "$capture" 2>&1
  else
    limit=$((rate * seconds))
    tcpreplay -i lo --pps="$rate" --limit="$limit" "$capture" 2>&1
  fi | awk '/Actual:/ {sent=$2} /Rated:/ {pps=$(NF-1)} END {printf "%s %s", sent, pps}'
}

printf "%-10s %-22s %10s %12s %12s %10s\n" rate tool "sent" "sent pps" "read" "dropped"
for rate in "${rates[@]}"; do
  # The sensor as shipped (JIT warm-up before the capture opens), then started cold.
  for variant in "" --no-warm-up; do
    ./agentwatch flows --interface lo --format jsonl $variant >/dev/null 2>"$work/sensor.err" &
    sensor=$!
    for _ in $(seq 300); do grep -q ': capturing' "$work/sensor.err" && break; sleep 0.1; done
    sleep 3
    read -r sent pps <<< "$(replay "$rate")"
    sleep 2
    kill -TERM "$sensor"; wait "$sensor" || true
    summary=$(tail -1 "$work/sensor.err")
    read_packets=$(sed -E 's/.*: ([0-9]+) packets read.*/\1/' <<< "$summary")
    dropped=$(sed -E 's/.*dropped ([0-9]+),.*/\1/' <<< "$summary")
    printf "%-10s %-22s %10s %12.0f %12s %10s\n" "$rate" "agentwatch $variant" "$sent" "$pps" "$read_packets" "$dropped"
  done

  dumpcap -i lo -w /dev/null -q 2>"$work/dumpcap.err" &
  reference=$!
  sleep 2
  read -r sent pps <<< "$(replay "$rate")"
  sleep 1
  kill -TERM "$reference"; wait "$reference" || true
  counts=$(sed -nE "s#.*received/dropped on interface .*': ([0-9]+)/([0-9]+).*#\1/\2#p" "$work/dumpcap.err")
  counts=${counts:-?/?}
  printf "%-10s %-22s %10s %12.0f %12s %10s\n" "$rate" dumpcap "$sent" "$pps" "${counts%/*}" "${counts#*/}"
done
