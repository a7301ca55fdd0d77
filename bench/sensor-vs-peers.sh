#!/usr/bin/env bash
# Sensor benchmark: generates a large synthetic TLS capture, then measures whole-process wall time
# and peak RSS of `agentwatch flows`, softflowd and ndpiReader on it, N rounds of all three
# (best and median), in the same run; and the sensor's heap per active flow. Not run in CI (timings are not assertions).
#   bench/sensor-vs-peers.sh [--flows 40000] [--runs 3] [--capture FILE]
# Needs: apt-get install -y softflowd libndpi-bin time
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
flows=40000 runs=3 capture="${TMPDIR:-/tmp}/agentwatch-bench.pcap"
while [ $# -gt 0 ]; do
  case "$1" in
    --flows) flows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --capture) capture=$2; shift 2 ;;
    *) echo "usage: $0 [--flows N] [--runs N] [--capture FILE]" >&2; exit 2 ;;
  esac
done
for tool in softflowd ndpiReader /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y softflowd libndpi-bin time" >&2; exit 1; }
done

cd "$root"
# Build (and record the AppCDS archive) before anything is timed.
./agentwatch --version >/dev/null
./agentwatch flows --read "$root/testdata/flowtest/pcap/tls12.pcap" >/dev/null
if [ ! -f "$capture" ]; then
  ./agentwatch generate --out "$capture" --flows "$flows"
fi
packets=$(./agentwatch flows --read "$capture" --format jsonl 2>&1 >/dev/null | grep -o '[0-9]* packets read' | cut -d' ' -f1)
sni_missing=$(./agentwatch flows --read "$capture" --format jsonl 2>/dev/null | grep -c '"sni":null' || true)
echo "input: $capture, $(du -h "$capture" | cut -f1), $packets packets, $flows TLS flows, flows without SNI: $sni_missing"
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

timing=$(mktemp)
results=$(mktemp)
trap 'rm -f "$timing" "$results"' EXIT
# One round runs the three tools one after another, so a slow spell of the (shared) machine hits
# them alike; the order rotates from round to round and each run starts after a 2 s pause, so no
# tool always follows ndpiReader's 8 s at full load. Each tool's best and median over the rounds
# are reported, with the peak RSS of its best run.
run() { # name command...
  local name=$1; shift
  sleep 2
  /usr/bin/time -f "%e %M" -o "$timing" "$@" >/dev/null 2>/dev/null || true
  echo "$name $(tail -1 "$timing")" >> "$results"
}
run_tool() {
  case $1 in
    0) run sensor ./agentwatch flows --read "$capture" --format jsonl ;;
    1) run softflowd softflowd -r "$capture" -n 127.0.0.1:9 ;;
    2) run ndpiReader ndpiReader -i "$capture" -q ;;
  esac
}
for round in $(seq 0 $((runs - 1))); do
  for tool in 0 1 2; do
    run_tool $(( (round + tool) % 3 ))
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
summary() { # name -> "best median rss_of_best"
  sort -k2 -n <(grep "^$1 " "$results") | awk '{w[NR]=$2; r[NR]=$3} END {
    m = NR % 2 ? w[(NR+1)/2] : (w[NR/2] + w[NR/2+1]) / 2; printf "%s %.2f %d", w[1], m, r[1] / 1024 }'
}
sensor=$(summary sensor) softflowd=$(summary softflowd) ndpi=$(summary ndpiReader)
printf "%-36s %8s %10s %8s  (%s rounds)\n" tool "best s" "median s" "RSS MB" "$runs"
for row in "agentwatch flows --format jsonl:$sensor" "softflowd -r:$softflowd" "ndpiReader -i:$ndpi"; do
  name=${row%%:*} values=${row#*:}
  read -r best median rss <<< "$values"
  printf "%-36s %8s %10s %8s\n" "$name" "$best" "$median" "$rss"
done
read -r s_best s_median _ <<< "$sensor"; read -r f_best f_median _ <<< "$softflowd"; read -r n_best n_median _ <<< "$ndpi"
awk -v sb="$s_best" -v sm="$s_median" -v fb="$f_best" -v fm="$f_median" -v nb="$n_best" -v nm="$n_median" \
  'BEGIN{printf "sensor/softflowd %.2f best, %.2f median (target <= 1); sensor/ndpiReader %.2f best, %.2f median (target <= 0.25)\n", sb/fb, sm/fm, sb/nb, sm/nm}'

# The capture module with what it depends on, built in this reactor run (-am): works on a fresh clone.
heap_log=$(mvn -q -B -o -pl capture -am test -Dtest=FlowMemoryBenchmark -Dagentwatch.bench=true \
  -Dsurefire.failIfNoSpecifiedTests=false 2>&1) || { tail -n 60 <<< "$heap_log" >&2; echo "FlowMemoryBenchmark failed (Maven's output above)" >&2; exit 1; }
grep "heap per active flow" <<< "$heap_log" || { echo "FlowMemoryBenchmark printed no 'heap per active flow' line" >&2; exit 1; }
