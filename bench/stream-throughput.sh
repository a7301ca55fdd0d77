#!/bin/sh
# Stream job throughput and production-to-queryable latency on this machine (not part of CI).
# Usage: bench/stream-throughput.sh [records-for-the-saturated-phase (1000000)] [paced-rate-per-second (50000)]
# Prints the figures and writes them to target/app/stream-throughput.txt. Run `uptime` beside it:
# other builds on the machine change the result.
set -eu
cd "$(dirname "$0")/.."
mvn -q -B -o -pl schemas,store,stream-jobs,capture install -DskipTests
uptime
mvn -q -B -o -pl src test -Dtest=StreamThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dagentwatch.bench=true -Dagentwatch.bench.records="${1:-1000000}" -Dagentwatch.bench.rate="${2:-50000}" \
  -Dagentwatch.bench.out="$PWD/target/app/stream-throughput.txt" 2>&1 | grep -E '^(generating|warm-up|saturated|paced)' || true
uptime
cat target/app/stream-throughput.txt
