#!/usr/bin/env bash
# Model runtime speed on random-weight models of the DreamSim variants' cost, ours next to plain ONNX Runtime in the
# same run, each beside its int8 copy (with the int8 copy's distance error), at the default threads (one per core)
# and at 1 thread, batch 8:
#   bench/model.sh [SECONDS]                   default 30 s per run; MODELS="ensemble vit_b32" (also: vit_b16)
# Makes models/bench-NAME.onnx once (/usr/bin/python3 with python3-torch) and its int8 copy with model quantize
# (python3-onnx). ensemble: three ViT-B/16, the default variant's cost; vit_b32: clip_vitb32 / open_clip_vitb32.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
./dreamsim --version >/dev/null   # builds first
for name in ${MODELS:-ensemble vit_b32}; do
  model="models/bench-${name//_/-}.onnx"; int8="${model%.onnx}-int8.onnx"
  if [ ! -f "$model" ]; then
    echo "bench/model.sh: making $model (random weights)" >&2
    /usr/bin/python3 models/make_bench_model.py "$name" >&2
  fi
  if [ ! -f "$int8" ]; then
    echo "bench/model.sh: making $int8 (model quantize)" >&2
    ./dreamsim model quantize "$model" "$int8" --min-speedup 0 >&2   # kept whatever its speed: measuring it is the point
  fi
  echo "bench/model.sh: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for threads in 0 1; do
    ./dreamsim bench model --model "$model" --int8 "$int8" --device cpu --threads "$threads" --batch 8 \
      --seconds "$seconds" 2> >(grep -v -e WARN -e INFO >&2)
  done
done
