#!/usr/bin/env bash
# End-to-end indexing throughput, with the peers that bound it measured in the same run:
#   decode+preprocess: Pillow ($DREAMSIM_PEERS/pillow_preprocess.py bench, one core)
#   model alone:       ./dreamsim bench model (our Embedder and plain ONNX Runtime on random tensors)
# on $DREAMSIM_SAMPLE_DATA/photos (45 photos, 10-12 MP) and on a generated library of photo-like 1024x768 JPEGs,
# with the test model and with a ViT-B/16-cost model (one DreamSim backbone; the ensemble costs three).
#   bench/indexing.sh [SYNTHETIC_N [VIT_N]]     default 10000 500; images cached in $GEN_DIR (default /tmp/dss-gen)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}; VIT_N=${2:-500}
GEN=${GEN_DIR:-/tmp/dss-gen}
PHOTOS="${DREAMSIM_SAMPLE_DATA:?set DREAMSIM_SAMPLE_DATA to the sample data folder}/photos"
PEERS="${DREAMSIM_PEERS:?set DREAMSIM_PEERS to the folder of the peer scripts}"
VIT=models/bench-vit-b16.onnx
PY=/usr/bin/python3
if [ ! -f "$VIT" ]; then
  echo "bench/indexing.sh: making $VIT (random-weight ViT-B/16)" >&2
  "$PY" models/make_bench_model.py vit_b16 >&2
fi
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load: $(cut -d' ' -f1-3 /proc/loadavg)"
run() { ./dreamsim bench indexing --device cpu "$@" 2> >(grep -v -e WARN -e INFO -e WARNING -e '^[A-Z][a-z][a-z] [0-9]' >&2); }

echo "-- photos: ours, then the peers"
run --model test "$PHOTOS"
run --model "$VIT" "$PHOTOS"
"$PY" "$PEERS/pillow_preprocess.py" bench "$PHOTOS"
./dreamsim bench model --model "$VIT" --device cpu --threads 2 --batch 8 --seconds 20 2>/dev/null

echo "-- generated library: $N images with the test model, the first $VIT_N with the ViT-B/16-cost model"
run --model test --generate "$N" "$GEN/lib-$N"
mkdir -p "$GEN/vit-$VIT_N"
mapfile -t first < <(find "$GEN/lib-$N" -name '*.jpg' | sort | head -n "$VIT_N")  # not a pipeline: head's SIGPIPE
ln -sf "${first[@]}" "$GEN/vit-$VIT_N/"
run --model "$VIT" "$GEN/vit-$VIT_N"
"$PY" "$PEERS/pillow_preprocess.py" bench "$GEN/lib-$N/000"
