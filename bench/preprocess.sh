#!/usr/bin/env bash
# Decode + DreamSim preprocess speed on one core: Pillow's reference and draft paths (the peer) and ours, run
# alternately for several rounds (the machine may be shared: each round's ratio compares neighbours in time, and
# the median ratio is the figure to quote), plus our parity with Pillow's reference tensors. Besides wall-clock
# images/s, both sides report images per CPU second of their process (Pillow: the anchor's own draft() timed with
# time.process_time()), which other processes sharing the core disturb much less. Needs /usr/bin/python3
# with Pillow and numpy (Debian: python3-pil python3-numpy) and the peer script pillow_preprocess.py
# in $DREAMSIM_PEERS (or $PILLOW_ANCHOR). Each round also times the camera-RAW path: the same JPEGs wrapped as the
# previews of minimal DNG files (`bench preprocess --as-dng`), next to the JPEG figure.
#   bench/preprocess.sh [DIR] [ROUNDS]     DIR defaults to $DREAMSIM_SAMPLE_DATA/photos, ROUNDS to 3
# Extra JVM options through DREAMSIM_JAVA_OPTS, e.g. -Ddss.turbojpeg=false to measure the OpenCV fallback.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-${DREAMSIM_SAMPLE_DATA:-.}/photos}"
ROUNDS="${2:-3}"
ANCHOR="${PILLOW_ANCHOR:-${DREAMSIM_PEERS:-.}/pillow_preprocess.py}"
PY=/usr/bin/python3
[ -d "$DIR" ] || { echo "preprocess.sh: no directory $DIR" >&2; exit 2; }
[ -f "$ANCHOR" ] || { echo "preprocess.sh: Pillow anchor script not found: $ANCHOR (set PILLOW_ANCHOR)" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "preprocess.sh: ROUNDS must be a positive integer: $ROUNDS" >&2; exit 2; }
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT

"$ROOT/dreamsim" --help >/dev/null # build first, outside the timings
echo "== Pillow reference tensors" >&2
taskset -c 0 "$PY" "$ANCHOR" tensors "$DIR" "$TMP/ref.f32" >&2
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }      # a number in the JSON line
text() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2"; } # a string
pillow_cpu() { # images per CPU second of the anchor's draft path
  taskset -c 0 "$PY" - "$ANCHOR" "$DIR" <<'PY'
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location('anchor', sys.argv[1])
anchor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(anchor)
files = anchor.files(sys.argv[2])
anchor.draft(files[0])
start = time.process_time()
for f in files:
    anchor.draft(f)
print(f'{len(files) / (time.process_time() - start):.1f}')
PY
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round/$ROUNDS: Pillow, then dreamsim (one core each)" >&2
  pillow="$(taskset -c 0 "$PY" "$ANCHOR" bench "$DIR")"
  echo "$pillow" >&2
  draftCpu="$(pillow_cpu)"
  echo "pillow-draft: $draftCpu img per CPU second" >&2
  ours="$(taskset -c 0 "$ROOT/dreamsim" bench preprocess "$DIR" --threads 1 --reference "$TMP/ref.f32")"
  echo "$ours"
  # the camera-RAW preview path: the same JPEGs wrapped as DNG previews (no Pillow peer: Pillow reads no RAW)
  dng="$(taskset -c 0 "$ROOT/dreamsim" bench preprocess "$DIR" --threads 1 --as-dng --reference "$TMP/ref.f32")"
  echo "$dng"
  awk -v k="$round" -v d="$(field images_per_second "$dng")" -v j="$(field images_per_second "$ours")" \
      -v p="$(field mean_abs_diff_over_255 "$dng")" 'BEGIN {
    printf "round %d: RAW (DNG preview) %.1f img/s = %.2fx the JPEG files; mean |diff| vs Pillow %.3f/255\n", k, d, d / j, p }'
  draft="$(sed -n 's/^pillow-draft: \([0-9.]*\) img\/s.*/\1/p' <<<"$pillow")"
  reference="$(sed -n 's/^pillow-reference: \([0-9.]*\) img\/s.*/\1/p' <<<"$pillow")"
  mine="$(field images_per_second "$ours")"
  awk -v m="$mine" -v d="$draft" -v r="$reference" -v k="$round" -v mc="$(field images_per_cpu_second "$ours")" -v dc="$draftCpu" -v p="$(field mean_abs_diff_over_255 "$ours")" \
      -v w="$(field worst_image_mean_abs_diff_over_255 "$ours")" -v j="$(text jpeg_decoder "$ours")" 'BEGIN {
    printf "round %d: dreamsim %.1f img/s = %.2fx Pillow draft (%.1f img/s), %.2fx Pillow reference (%.1f img/s); ", k, m, m / d, d, m / r, r
    printf "per CPU second %.1f = %.2fx Pillow draft (%.1f); ", mc, mc / dc, dc
    printf "mean |diff| vs Pillow reference %.3f/255 (worst image %.3f/255); JPEG decoder: %s\n", p, w, j }' | tee -a "$TMP/rounds"
done
median() { sort -n | awk -v what="$1" '{ v[NR] = $1 } END {
  printf "median over %d rounds, %s: %.2fx Pillow draft (min %.2fx, max %.2fx)\n", NR, what, v[int((NR + 1) / 2)], v[1], v[NR] }'; }
sed -n 's/.* = \([0-9.]*\)x Pillow draft ([0-9.]* img\/s).*/\1/p' "$TMP/rounds" | median "wall clock"
sed -n 's/.*per CPU second [0-9.]* = \([0-9.]*\)x.*/\1/p' "$TMP/rounds" | median "per CPU second"
