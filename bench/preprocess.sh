#!/usr/bin/env bash
# Decode + DreamSim preprocess speed on one core: Pillow's reference and draft paths (the peer) and ours, in the same
# run, plus our parity with Pillow's reference tensors. Needs /usr/bin/python3 with Pillow and numpy (Debian:
# python3-pil python3-numpy) and the anchor script ../shared/anchors/pillow_preprocess.py (or $PILLOW_ANCHOR).
#   bench/preprocess.sh [DIR]        DIR defaults to ../shared/data/photos
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$ROOT/../shared/data/photos}"
ANCHOR="${PILLOW_ANCHOR:-$ROOT/../shared/anchors/pillow_preprocess.py}"
PY=/usr/bin/python3
[ -d "$DIR" ] || { echo "preprocess.sh: no directory $DIR" >&2; exit 2; }
[ -f "$ANCHOR" ] || { echo "preprocess.sh: Pillow anchor script not found: $ANCHOR (set PILLOW_ANCHOR)" >&2; exit 2; }
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT

"$ROOT/dreamsim" --help >/dev/null # build first, outside the timings
echo "== Pillow reference tensors" >&2
taskset -c 0 "$PY" "$ANCHOR" tensors "$DIR" "$TMP/ref.f32" >&2
echo "== Pillow (one core)" >&2
pillow="$(taskset -c 0 "$PY" "$ANCHOR" bench "$DIR")"
echo "$pillow"
echo "== dreamsim (one core)" >&2
ours="$(taskset -c 0 "$ROOT/dreamsim" bench preprocess "$DIR" --threads 1 --reference "$TMP/ref.f32")"
echo "$ours"
draft="$(sed -n 's/^pillow-draft: \([0-9.]*\) img\/s.*/\1/p' <<<"$pillow")"
reference="$(sed -n 's/^pillow-reference: \([0-9.]*\) img\/s.*/\1/p' <<<"$pillow")"
mine="$(sed -n 's/.*"imagesPerSecond":\([0-9.]*\).*/\1/p' <<<"$ours")"
parity="$(sed -n 's/.*"meanAbsDiffOver255":\([0-9.]*\).*/\1/p' <<<"$ours")"
worst="$(sed -n 's/.*"worstImageMeanAbsDiffOver255":\([0-9.]*\).*/\1/p' <<<"$ours")"
awk -v m="$mine" -v d="$draft" -v r="$reference" -v p="$parity" -v w="$worst" 'BEGIN {
  printf "dreamsim %.1f img/s = %.2fx Pillow draft (%.1f img/s), %.2fx Pillow reference (%.1f img/s); ", m, m / d, d, m / r, r
  printf "mean |diff| vs Pillow reference %.3f/255 (worst image %.3f/255)\n", p, w }'
