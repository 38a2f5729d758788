#!/usr/bin/env bash
# Assembles the release archive from a fresh `mvn package` (./dreamsim dist runs the build, then this):
#   target/dreamsim-VERSION/{bin/dreamsim, lib/*.jar, models/ (export tooling, test model), index-data/, docs/}
#   target/dreamsim-VERSION.tar.gz
# The production jars and their runtime dependencies only: the tools module (eval, bench) stays out.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -1)"
NAME="dreamsim-$VERSION"
OUT="$ROOT/target/$NAME"
rm -rf "$OUT" "$OUT.tar.gz"
mkdir -p "$OUT/bin" "$OUT/lib" "$OUT/models/test" "$OUT/index-data"
cp "$ROOT/dreamsim" "$OUT/bin/dreamsim"
for module in engine web indexer; do cp "$ROOT/$module/target/$module-$VERSION.jar" "$OUT/lib/"; done
tr ":" "\n" < "$ROOT/indexer/target/runtime-classpath.txt" | while read -r jar || [ -n "$jar" ]; do
  case "$jar" in */target/*) ;; ?*) cp "$jar" "$OUT/lib/";; esac # our own modules' jars are copied above
done
cp "$ROOT"/models/*.py "$ROOT"/models/requirements*.txt "$ROOT/models/.gitignore" "$OUT/models/"
cp -r "$ROOT"/models/test/. "$OUT/models/test/"
cp -r "$ROOT/docs" "$ROOT/README.md" "$OUT/"
# The jars are compressed already: the fastest gzip level costs little size
tar -C "$ROOT/target" -cf - "$NAME" | gzip -1 > "$OUT.tar.gz"
echo "$OUT.tar.gz"
