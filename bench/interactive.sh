#!/usr/bin/env bash
# What a person at the page feels while the library indexes: a `serve --library` on a generated library of N
# photo-like JPEGs with a ViT-B/16-cost model (models/make_bench_model.py; one DreamSim backbone):
#   1. upload-search latency during the background indexing run, then idle on the same server once it has ended
#      (the peer: the same server, same image, same index, without the indexing), in ROUNDS rounds on fresh indexes;
#      a person pauses a second between two uploads (also measured back to back, the worst case);
#   2. a first page of 60 thumbnails, 12 requests at a time: on the cache the indexing server filled, then on a
#      fresh cache (as for images indexed by another process), alone and while 4 clients keep uploading;
#   3. the CLI's start cost: `embed` of one file with the default device and with --device cpu, alternated.
#   bench/interactive.sh [N [ROUNDS [UPLOADS]]]      default 360 images, 3 rounds, 10 uploads per phase
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-360}"; ROUNDS="${2:-3}"; UPLOADS="${3:-10}"
GEN=${GEN_DIR:-/tmp/dss-gen}; LIB="$GEN/interactive-$N"
VIT=models/bench-vit-b16.onnx
PORT=${PORT:-18431}; URL="http://127.0.0.1:$PORT"
./dreamsim --version >/dev/null   # builds first
[ -f "$VIT" ] || /usr/bin/python3 models/make_bench_model.py vit_b16 >&2
if [ "$(find "$LIB" -name '*.jpg' 2>/dev/null | wc -l)" -lt "$N" ]; then
  ./dreamsim bench indexing --model test --generate "$N" --model-seconds 0 "$LIB" >/dev/null 2>&1
fi
QUERY="$(find "$LIB" -name '*.jpg' | sort | sed -n 1p)"   # sed reads to the end: no SIGPIPE under pipefail
WORK="$(mktemp -d)"; SERVER=""
stop() { [ -z "$SERVER" ] || { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=""; }; }
trap 'stop; rm -rf "$WORK"' EXIT
serve() {  # INDEX THUMBNAILS
  ./dreamsim serve --library "$LIB" --index "$1" --thumbnails "$2" --model "$VIT" --device cpu --port "$PORT" \
    >"$WORK/serve.log" 2>&1 & SERVER=$!
  until curl -sf "$URL/api/health" >/dev/null; do
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }; sleep 0.2
  done
}
bench() { ./dreamsim bench interactive --url "$URL" "$@" 2>/dev/null; }
echo "bench/interactive.sh: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load: $(cut -d' ' -f1-3 /proc/loadavg); $N images, model $VIT"
for round in $(seq "$ROUNDS"); do
  rm -rf "$WORK/index" "$WORK/thumbs"
  serve "$WORK/index" "$WORK/thumbs"
  echo "round $round: $(bench --measure uploads --image "$QUERY" --uploads "$UPLOADS" --while-indexing)"
  echo "round $round, back to back: $(bench --measure uploads --image "$QUERY" --uploads "$UPLOADS" --while-indexing --pause-ms 0)"
  echo "round $round: $(bench --measure uploads --image "$QUERY" --uploads "$UPLOADS")"
  echo "round $round, grid made while indexing: $(bench --measure thumbnails --thumbnails 60 --concurrency 12)"
  stop
  rm -rf "$WORK/thumbs"; serve "$WORK/index" "$WORK/thumbs"   # the whole index, a cold thumbnail cache
  echo "round $round, cold cache: $(bench --measure thumbnails --thumbnails 60 --concurrency 12)"
  stop
  rm -rf "$WORK/thumbs"; serve "$WORK/index" "$WORK/thumbs"
  echo "round $round, cold cache, upload storm: $(bench --measure thumbnails --thumbnails 60 --concurrency 12 --upload-storm 4 --image "$QUERY")"
  stop
done
echo "-- CLI start: embed of one file, default device against --device cpu (seconds, alternated)"
for _ in $(seq "$ROUNDS"); do
  for device in auto cpu; do
    start=$(date +%s.%N)
    ./dreamsim embed --model "$VIT" --device "$device" "$QUERY" >/dev/null 2>&1
    echo "embed --device $device: $(echo "$(date +%s.%N) - $start" | bc) s"
  done
done
