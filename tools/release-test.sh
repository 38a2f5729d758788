#!/usr/bin/env bash
# The release as a user gets it: build the archive, extract it into a temporary folder, and run index, stats, search
# and serve from there with nothing but Java on the PATH (no Maven, no source tree). Part of `./dreamsim test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
passed=0; failed=0
check() { # NAME CONDITION...: one line per check, counted
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "release test: ok: $name"
  else failed=$((failed + 1)); echo "release test: FAILED: $name" >&2; fi
}

ARCHIVE="$("$ROOT/dreamsim" dist | tail -1)"
TMP="$(mktemp -d)"; trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "$TMP"' EXIT
tar -C "$TMP" -xzf "$ARCHIVE"
REL="$(echo "$TMP"/dreamsim-*)"
# Only what the launcher itself uses: a shell, a few core tools, and Java through JAVA_HOME.
mkdir "$TMP/path"
for tool in bash env dirname awk cat sed; do ln -s "$(command -v "$tool")" "$TMP/path/$tool"; done
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
run() { (cd "$TMP" && env -i PATH="$TMP/path" HOME="$TMP" JAVA_HOME="$JAVA_HOME" "$REL/bin/dreamsim" "$@") || true; }

mkdir "$TMP/photos"
cp "$ROOT"/engine/src/test/resources/images/parity/*.jpg "$ROOT"/engine/src/test/resources/images/formats/rgb.png \
  "$TMP/photos/"
count="$(ls "$TMP/photos" | wc -l)"

# the model export runs from the release too: every script and requirements file of models/ must be in it
for f in "$ROOT"/models/*.py "$ROOT"/models/requirements*.txt; do
  check "the release has models/$(basename "$f")" test -f "$REL/models/$(basename "$f")"
done

run index --model test "$TMP/photos" > "$TMP/index.out" 2> "$TMP/index.err"
check "index adds every photo" grep -q "\"added\":$count," "$TMP/index.out"
# progress lines (one every five seconds on a slow machine) are the only stderr output of a successful run
check "index is quiet on success" bash -c "! grep -v '^dreamsim index: [0-9]*/[0-9]*+\\? files' '$TMP/index.err'"
check "the index is in the release's index-data/" test -n "$(ls "$REL/index-data")"

run stats > "$TMP/stats.out" 2> "$TMP/stats.err"
check "stats counts the photos" grep -q "\"documents\":$count," "$TMP/stats.out"
check "stats prints nothing on stderr" test ! -s "$TMP/stats.err"
run -v stats > /dev/null 2> "$TMP/verbose.err"
check "-v brings the diagnostics back" grep -q "vector" "$TMP/verbose.err"

run search --model test -k 1 "$TMP/photos/rgb.png" > "$TMP/search.out" 2> "$TMP/search.err"
check "search finds the photo itself first" grep -q "\"path\":\"$TMP/photos/rgb.png\",\"distance\":0" "$TMP/search.out"

# exec all the way down (subshell, env, launcher): $SERVER is the JVM itself, so killing it stops the server
(cd "$TMP" && exec env -i PATH="$TMP/path" HOME="$TMP" JAVA_HOME="$JAVA_HOME" "$REL/bin/dreamsim" serve --model test \
  --port 0 > "$TMP/serve.out" 2> "$TMP/serve.err") & SERVER=$!
for _ in $(seq 1 100); do grep -q '"url"' "$TMP/serve.out" 2>/dev/null && break; sleep 0.2; done
URL="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$TMP/serve.out")"
check "serve starts and prints its URL" test -n "$URL"
if [ -n "$URL" ]; then
  check "the server answers /api/health" bash -c "curl -sf '${URL}api/health' | grep -q '\"images\":$count'"
  check "the server searches by upload" bash -c \
    "curl -sf -F image=@$TMP/photos/rgb.png '${URL}api/search?k=1' | grep -q '\"distance\":0'"
  check "the server serves the page" bash -c "curl -sf '$URL' | grep -qi '<html'"
fi
kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true

echo "release test: $passed passed, $failed failed"
[ "$failed" = 0 ]
