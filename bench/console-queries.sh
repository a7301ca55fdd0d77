#!/bin/sh
# The console's named queries at ROWS flows rows in the embedded store, measured while a writer
# inserts flows at a steady rate as the stream job does (ConsoleQueryBenchmark; not part of CI).
# Usage: bench/console-queries.sh [ROWS (10000000)] [WRITER_ROWS_PER_S (2000)] [RUNS (11)]
# The filled store is kept in target/bench/console-ROWS and reused by the next run with the same
# ROWS (delete it to fill again). A run fills for at most 13 minutes, then stops and says so; the
# next run goes on with the fill, and times the queries once the store holds ROWS rows. FILL_ONLY=1:
# stop once filled (a run for the fill, another for the timings, each under 15 minutes). Figures go to target/bench/console-queries-ROWS.txt; the whole
# log beside it. Extra Maven flags from MVN_FLAGS (e.g. -o). Run `uptime` beside it: other work on
# the machine changes the result. RANGES=24h,30d and QUERIES=top_hosts,new_vendor_pairs time only
# those (the overview page is timed for each range); RAW_RUNS=0 skips the same queries on the records.
set -eu
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
rate="${2:-2000}"
runs="${3:-11}"
mkdir -p target/bench
# The named queries before the panel rollups (060), for the "raw" column: the records as those read them.
baseline="$PWD/target/bench/queries-before-060"
before="$(git log --diff-filter=A --format=%H -1 -- sql/migrations/060_vendor_totals.sql)~1"
rm -rf "$baseline" && mkdir -p "$baseline"
git archive "$before" sql/queries | tar -x -C "$baseline" --strip-components=2
out="$PWD/target/bench/console-queries-$rows.txt"
log="$out.log"
echo "load before: $(uptime)"
# shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
if ! mvn -B ${MVN_FLAGS:-} -pl store -am test -Dtest=ConsoleQueryBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dagentwatch.bench=true -Dagentwatch.bench.rows="$rows" -Dagentwatch.bench.rate="$rate" -Dagentwatch.bench.runs="$runs" \
    -Dagentwatch.bench.dir="$PWD/target/bench/console-$rows" -Dagentwatch.bench.fill-only="${FILL_ONLY:+true}" \
    -Dagentwatch.bench.baseline="$baseline" -Dagentwatch.bench.ranges="${RANGES:-}" -Dagentwatch.bench.queries="${QUERIES:-}" \
    -Dagentwatch.bench.raw-runs="${RAW_RUNS:-5}" \
    > "$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "console-queries: the benchmark failed; the whole log is $log" >&2
  exit 1
fi
grep '^bench: ' "$log" | sed 's/^bench: //' > "$out" || true
if grep -q 'the fill stopped' "$out" || [ -n "${FILL_ONLY:-}" ]; then
  echo "load after: $(uptime)"
  cat "$out"
  exit 0
fi
if ! grep -q 'overview page' "$out"; then
  tail -n 60 "$log" >&2
  echo "console-queries: the run printed no figures (is -Dagentwatch.bench honoured? see $log)" >&2
  exit 1
fi
echo "load after: $(uptime)"
cat "$out"
