#!/usr/bin/env bash
# Stream job throughput and production-to-queryable latency on this machine (not part of CI).
# Usage: bench/stream-throughput.sh [records-for-the-saturated-phase (1000000)] [paced-rate-per-second (50000)]
#                                   [stage: end-to-end | broker | job | store (end-to-end)] [job parallelism (2)]
# The stages measure CPU per flow of each part alone, on the same records, so they add up to the
# end-to-end figure (StreamThroughputBenchmark says what each runs).
# Prints the figures and writes them to target/app/stream-throughput.txt. Run `uptime` beside it:
# other builds on the machine change the result. Works on a fresh clone: the modules the benchmark
# needs are built in the same reactor run (-am), never installed into ~/.m2. Maven runs offline
# (-o) unless MAVEN_OFFLINE is set empty (MAVEN_OFFLINE= bench/stream-throughput.sh: a first run on
# a machine without the dependencies); extra arguments for Maven (e.g.
# -Dagentwatch.bench.warm-up=100000) go in MAVEN_ARGS. Needs a libchdb.so, which the
# build fetches (deploy/chdb/fetch-libchdb.sh). Any failure stops the script with Maven's output.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/target/app/stream-throughput.txt"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rm -f "$out"
uptime
# shellcheck disable=SC2086
if ! mvn -B -q ${MAVEN_OFFLINE--o} -pl src -am test -Dtest=StreamThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dagentwatch.bench=true -Dagentwatch.bench.records="${1:-1000000}" -Dagentwatch.bench.rate="${2:-50000}" \
    -Dagentwatch.bench.stage="${3:-end-to-end}" -Dagentwatch.bench.parallelism="${4:-2}" \
    -Dagentwatch.bench.out="$out" ${MAVEN_ARGS:-} >"$log" 2>&1; then
  tail -n 80 "$log" >&2
  echo "bench/stream-throughput.sh: the benchmark run failed (the last 80 lines of Maven's output above)" >&2
  exit 1
fi
grep -E '^(generating|warm-up|saturated|paced|cpu)' "$log" || true # progress lines; the report below is what counts
uptime
if [ ! -s "$out" ]; then
  tail -n 80 "$log" >&2
  echo "bench/stream-throughput.sh: the benchmark wrote no report to $out (did it run? Maven's output above)" >&2
  exit 1
fi
cat "$out"
