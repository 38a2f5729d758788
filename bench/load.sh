#!/usr/bin/env bash
# Server under load, side by side: ./dreamsim bench load (Java client: searches by id and by upload at 1, 4, 16, 64
# clients) and wrk (C, the peer: id search and /api/health at the same concurrency) against one running server.
#   bench/load.sh [COUNT]          default 100000 synthetic documents
# The index holds synthetic clustered unit vectors with the test model's dimensions (1792), written straight
# through LibraryIndex (no 100k-image decode) and merged to one segment (MERGE=0 keeps the segments as written);
# it is cached in $LOAD_INDEX (default /tmp/dss-load-index).
# The server runs with --model test, so an upload search costs a real decode + test-model run + HNSW search.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT=${1:-100000}
INDEX=${LOAD_INDEX:-/tmp/dss-load-index}
PORT=${PORT:-18080}
SECONDS_PER=${SECONDS_PER:-10}
CLIENTS=${CLIENTS:-1,4,16,64}
IMAGE=${IMAGE:-$(ls "${DREAMSIM_SAMPLE_DATA:-/nonexistent}"/photos/*.jpg 2>/dev/null | head -1)}
if [ -z "$IMAGE" ]; then IMAGE="$ROOT/engine/src/test/resources/images/exif/orientation-1.jpg"; fi
URL="http://127.0.0.1:$PORT"

if ! ls "$INDEX"/segments_* >/dev/null 2>&1; then
  echo "bench/load.sh: writing $COUNT synthetic documents to $INDEX" >&2
  MERGE_FLAG=(); [ "${MERGE:-1}" = 1 ] && MERGE_FLAG=(--merge)
  "$ROOT/dreamsim" bench load --make-index "$INDEX" --count "$COUNT" "${MERGE_FLAG[@]}"
fi

"$ROOT/dreamsim" serve --index "$INDEX" --model test --device cpu --port "$PORT" > /dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/api/health" >/dev/null && break; sleep 0.5; done
curl -sf "$URL/api/health" >&2; echo >&2

echo "== dreamsim bench load (query image: $IMAGE)" >&2
"$ROOT/dreamsim" bench load --url "$URL" --clients "$CLIENTS" --seconds "$SECONDS_PER" --image "$IMAGE"

if command -v wrk >/dev/null; then
  # the same 1000 query ids as the Java client (the query image's nearest), one at random per request
  LUA=$(mktemp --suffix=.lua)
  { echo "ids = {"; curl -sf -F "image=@$IMAGE" "$URL/api/search?k=1000" | grep -o '"id":"[^"]*"' | cut -d'"' -f4 \
      | sed 's/.*/"&",/'; echo "}"
    echo 'request = function() return wrk.format("GET", "/api/search?k=20&id=" .. ids[math.random(#ids)]) end'; } > "$LUA"
  for c in ${CLIENTS//,/ }; do
    t=$(( c < 2 ? 1 : 2 ))
    echo "== wrk -t$t -c$c id search (random ids)" >&2
    wrk -t"$t" -c"$c" -d"${SECONDS_PER}s" --latency -s "$LUA" "$URL" | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|errors" || true
    echo "== wrk -t$t -c$c /api/health" >&2
    wrk -t"$t" -c"$c" -d"${SECONDS_PER}s" --latency "$URL/api/health" | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|errors" || true
  done
  rm -f "$LUA"
else
  echo "bench/load.sh: wrk not installed (apt-get install wrk): no peer figures" >&2
fi
