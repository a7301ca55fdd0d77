#!/usr/bin/env bash
# Builds a self-contained AgentWatch directory: what deploy/systemd expects in /opt/agentwatch.
#   deploy/package.sh [--out DIR]        (default: target/agentwatch-VERSION)
# DIR then holds lib/ (the application jar and every dependency), jvm.options, the `agentwatch`
# launcher, and deploy/ (systemd unit, sample configuration, chDB fetcher). It needs only a Java 17
# runtime and libpcap where it runs: no Maven, no ~/.m2, nothing under /root or /home (the unit's
# ProtectHome=yes hides those), nothing written next to the program (ProtectSystem=strict).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [--out DIR]" >&2; exit 2 ;;
  esac
done

cd "$root"
echo "package: building (mvn package, tests skipped)" >&2
mvn -q -B -DskipTests package
app="$root/target/app"
jar=$(ls "$app"/agentwatch-*.jar | head -n 1)
version=$(basename "$jar" .jar); version=${version#agentwatch-}
out=${out:-"$root/target/agentwatch-$version"}

rm -rf "$out"
mkdir -p "$out/lib" "$out/deploy"
cp "$jar" "$out/lib/"
# classpath.txt has no final newline: read the last entry too, and stay in this shell so that
# `exit` stops the script.
while IFS= read -r dependency || [ -n "$dependency" ]; do
  [ -n "$dependency" ] || continue
  if [ -e "$out/lib/$(basename "$dependency")" ]; then
    echo "package: two dependencies are named $(basename "$dependency"); cannot flatten lib/" >&2
    exit 1
  fi
  cp "$dependency" "$out/lib/"
done < <(tr ':' '\n' < "$app/classpath.txt")
cp "$app"/*jvm.options "$out/"
cp -r deploy/systemd deploy/chdb deploy/README.md "$out/deploy/"

cat > "$out/agentwatch" <<'LAUNCHER'
#!/usr/bin/env bash
# AgentWatch, installed: runs the packaged jars (see deploy/README.md).
# Environment: JAVA (java binary), AGENTWATCH_JAVA_OPTS (extra JVM flags), AGENTWATCH_CHDB_LIB
# (libchdb.so for `up`; deploy/chdb/fetch-libchdb.sh fetches it).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
role_flags=()
case "${1:-}" in
  sensor) role_flags=(@"$here/sensor.jvm.options") ;;
  up) role_flags=(@"$here/stack.jvm.options") ;;
esac
# shellcheck disable=SC2086
exec "${JAVA:-java}" @"$here/jvm.options" ${role_flags[@]+"${role_flags[@]}"} ${AGENTWATCH_JAVA_OPTS:-} -cp "$here/lib/*" io.agentwatch.cli.AgentWatch "$@"
LAUNCHER
chmod 0755 "$out/agentwatch"

echo "package: $out ($(du -sh "$out" | cut -f1), $(ls "$out/lib" | wc -l) jars); install with:" >&2
echo "  install -d /opt/agentwatch && cp -a $out/. /opt/agentwatch/" >&2
