#!/usr/bin/env bash
# Model runtime speed on a ViT-B/16-cost model (one DreamSim backbone; the ensemble costs three), ours next to plain
# ONNX Runtime usage in the same run, at batch 1 and 8 with 2 threads (the figures quoted in notes/model.md).
#   bench/model.sh [SECONDS]      needs /usr/bin/python3 with python3-torch once, to make models/bench-vit-b16.onnx
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if [ ! -f models/bench-vit-b16.onnx ]; then
  echo "bench/model.sh: making models/bench-vit-b16.onnx (random-weight ViT-B/16, 343 MB)" >&2
  /usr/bin/python3 models/make_vit_b16.py >&2
fi
echo "bench/model.sh: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for batch in 1 8; do
  ./dreamsim bench model --model models/bench-vit-b16.onnx --device cpu --threads 2 --batch "$batch" --seconds "$seconds"
done
