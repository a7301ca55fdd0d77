#!/usr/bin/env bash
# Fetches the pinned chDB engine (libchdb.so, the ClickHouse engine as a library)
# from the npm registry into a cache directory, once. Prints the library's path.
#
#   AGENTWATCH_CHDB_VERSION  npm version of @chdb/lib-linux-x64-gnu   (default: the pinned one below)
#   AGENTWATCH_CACHE         cache root                                (default: ~/.cache/agentwatch)
#   AGENTWATCH_CHDB_LIB      use this libchdb.so instead; nothing is fetched
set -euo pipefail

pinned="26.7.3-stable.1"
version="${AGENTWATCH_CHDB_VERSION:-$pinned}"

if [ -n "${AGENTWATCH_CHDB_LIB:-}" ]; then
  [ -f "$AGENTWATCH_CHDB_LIB" ] || { echo "AGENTWATCH_CHDB_LIB=$AGENTWATCH_CHDB_LIB: no such file" >&2; exit 1; }
  echo "$AGENTWATCH_CHDB_LIB"; exit 0
fi

dir="${AGENTWATCH_CACHE:-$HOME/.cache/agentwatch}/chdb/$version"
lib="$dir/libchdb.so"
if [ -s "$lib" ]; then echo "$lib"; exit 0; fi

command -v npm >/dev/null || { echo "npm is needed to fetch chDB (Debian: apt-get install npm)" >&2; exit 1; }
mkdir -p "$dir"
work=$(mktemp -d "$dir/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "fetching chDB $version (about 180 MB, once) into $dir" >&2
(cd "$work" && npm pack --silent "@chdb/lib-linux-x64-gnu@$version" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/libchdb.so
# Move into place last so an interrupted fetch never leaves a half library behind.
mv "$work/package/libchdb.so" "$lib.part" && mv "$lib.part" "$lib"
echo "$lib"
