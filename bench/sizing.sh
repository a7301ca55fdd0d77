#!/usr/bin/env bash
# The measured inputs of deploy/SIZING.md (not part of CI): flows per host (the demo fleet and the
# public captures in testdata/), Avro bytes per flow record on the wire (raw and zstd-batched), and
# bytes per row on disk per table and per flows column (system.parts_columns on a filled, merged
# embedded store). Prints them and writes target/app/sizing.txt.
#   bench/sizing.sh [hosts-in-the-filled-store (1200)]
# Works on a fresh clone (builds with -pl src -am, never installs); fails loudly. Maven runs offline
# unless MAVEN_OFFLINE is set empty.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/target/app/sizing.txt"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rm -f "$out"
# shellcheck disable=SC2086
if ! mvn -B -q ${MAVEN_OFFLINE--o} -pl src -am test -Dtest=SizingBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dagentwatch.bench=true -Dagentwatch.bench.hosts="${1:-1200}" -Dagentwatch.bench.out="$out" >"$log" 2>&1; then
  tail -n 80 "$log" >&2
  echo "bench/sizing.sh: the benchmark run failed (the last 80 lines of Maven's output above)" >&2
  exit 1
fi
if [ ! -s "$out" ]; then
  tail -n 80 "$log" >&2
  echo "bench/sizing.sh: the benchmark wrote no report to $out (did it run? Maven's output above)" >&2
  exit 1
fi
cat "$out"
