#!/usr/bin/env bash
# ONNX Runtime's intra-op spinning (DREAMSIM_ORT_SPINNING=1, ORT's default) against sleeping waits (=0), and the
# default thread count against one thread, on a ViT-B/16-cost model at batch 8: alternating runs of
# `bench model`, first on the machine as it is (run it idle), then beside a competing process that keeps every
# core busy (the situation of a library indexing while the machine does other work). Prints the median img/s of
# each setting per condition.
#   bench/spinning.sh [ROUNDS [SECONDS]]       default 5 rounds of 10 s per run
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"; seconds="${2:-10}"
model=models/bench-vit-b16.onnx
./dreamsim --version >/dev/null   # builds first
[ -f "$model" ] || /usr/bin/python3 models/make_bench_model.py vit_b16 >&2
rate() {  # SPIN THREADS -> our img/s from one bench model run
  DREAMSIM_ORT_SPINNING="$1" ./dreamsim bench model --model "$model" --device cpu --threads "$2" --batch 8 \
    --seconds "$seconds" --rounds 1 --no-int8 2>/dev/null | /usr/bin/python3 -c 'import json, sys; print(json.loads(sys.stdin.read().splitlines()[-1])["ours"]["img_per_sec"])'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() {
  local condition="$1" spin_on="" spin_off="" one=""
  echo "bench/spinning.sh: $condition, $(date -u +%FT%TZ), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for _ in $(seq "$rounds"); do
    spin_on+="$(rate 1 0)"$'\n'; spin_off+="$(rate 0 0)"$'\n'; one+="$(rate 1 1)"$'\n'
  done
  printf '%s: spinning %.2f img/s, no spinning %.2f img/s, one thread %.2f img/s (medians of %d)\n' "$condition" \
    "$(printf '%s' "$spin_on" | median)" "$(printf '%s' "$spin_off" | median)" "$(printf '%s' "$one" | median)" "$rounds"
}
measure "as is"
# the competitor: one busy loop per core, niced like nothing (a user's other work)
pids=()
for _ in $(seq "$(nproc)"); do sh -c 'while :; do :; done' & pids+=($!); done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
measure "beside $(nproc) busy processes"
