#!/usr/bin/env bash
# Sensor benchmark: generates a large synthetic TLS capture, then measures whole-process wall time
# and peak RSS of `agentwatch flows`, softflowd and ndpiReader on it, best of N runs each, in the
# same run; and the sensor's heap per active flow. Not run in CI (timings are not assertions).
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
./agentwatch flows --read "$root/../shared/corpus/flowtest/pcap/tls12.pcap" >/dev/null 2>&1 \
  || ./agentwatch --version >/dev/null
./agentwatch flows --read "$root/../shared/corpus/flowtest/pcap/tls12.pcap" >/dev/null 2>&1 || true
if [ ! -f "$capture" ]; then
  ./agentwatch generate --out "$capture" --flows "$flows"
fi
packets=$(./agentwatch flows --read "$capture" --format jsonl 2>&1 >/dev/null | grep -o '[0-9]* packets read' | cut -d' ' -f1)
sni_missing=$(./agentwatch flows --read "$capture" --format jsonl 2>/dev/null | grep -c '"sni":null' || true)
echo "input: $capture, $(du -h "$capture" | cut -f1), $packets packets, $flows TLS flows, flows without SNI: $sni_missing"
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
# best-of-N wall time and the RSS of that run: "seconds kilobytes"
measure() {
  local best="" best_rss="" out
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$timing" "$@" >/dev/null 2>/dev/null || true
    out=$(tail -1 "$timing")
    local wall=${out% *} rss=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall best_rss=$rss; fi
  done
  echo "$best $best_rss"
}
sensor=$(measure ./agentwatch flows --read "$capture" --format jsonl)
softflowd=$(measure softflowd -r "$capture" -n 127.0.0.1:9)
ndpi=$(measure ndpiReader -i "$capture" -q)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-40s %8s %10s\n" tool "wall s" "RSS MB"
for row in "agentwatch flows --format jsonl:$sensor" "softflowd -r:$softflowd" "ndpiReader -i:$ndpi"; do
  name=${row%%:*} values=${row#*:}
  printf "%-40s %8s %10d\n" "$name" "${values% *}" "$(( ${values#* } / 1024 ))"
done
awk -v s="${sensor% *}" -v f="${softflowd% *}" -v n="${ndpi% *}" \
  'BEGIN{printf "sensor/softflowd %.2f (target <= 1), sensor/ndpiReader %.2f (target <= 0.25)\n", s/f, s/n}'

mvn -q -B -o -pl capture test -Dtest=FlowMemoryBenchmark -Dagentwatch.bench=true -Dsurefire.failIfNoSpecifiedTests=false 2>/dev/null \
  | grep "heap per active flow" || echo "heap per active flow: run mvn -pl capture -am install first"
