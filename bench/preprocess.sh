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
#   bench/preprocess.sh --heif [DIR] [ROUNDS] [N]
#       HEIC and AVIF: copies of DIR's first N JPEGs (default 10) made with heif-enc -q 90 (not timed); each round
#       runs heif-convert + Pillow's reference path on the HEICs (the peer: pillow-heif's libheif, then Pillow),
#       then dreamsim on the HEICs, the AVIFs and the same N JPEGs; parity of the HEIC tensors against Pillow's
#       preprocessing of heif-convert's PNGs. Also needs heif-enc and heif-convert (libheif-examples).
# Extra JVM options through DREAMSIM_JAVA_OPTS, e.g. -Ddss.turbojpeg=false to measure the OpenCV fallback.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HEIF=0
if [ "${1:-}" = --heif ]; then HEIF=1; shift; fi
DIR="${1:-${DREAMSIM_SAMPLE_DATA:-.}/photos}"
ROUNDS="${2:-3}"
COUNT="${3:-10}"
ANCHOR="${PILLOW_ANCHOR:-${DREAMSIM_PEERS:-.}/pillow_preprocess.py}"
PY=/usr/bin/python3
[ -d "$DIR" ] || { echo "preprocess.sh: no directory $DIR" >&2; exit 2; }
[ -f "$ANCHOR" ] || { echo "preprocess.sh: Pillow anchor script not found: $ANCHOR (set PILLOW_ANCHOR)" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "preprocess.sh: ROUNDS must be a positive integer: $ROUNDS" >&2; exit 2; }
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT

"$ROOT/dreamsim" --help >/dev/null # build first, outside the timings
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }      # a number in the JSON line
text() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2"; } # a string

if [ "$HEIF" = 1 ]; then
  command -v heif-enc >/dev/null && command -v heif-convert >/dev/null \
    || { echo "preprocess.sh --heif: heif-enc/heif-convert not found (apt-get install libheif-examples)" >&2; exit 2; }
  [[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || { echo "preprocess.sh: N must be a positive integer: $COUNT" >&2; exit 2; }
  mkdir -p "$TMP/jpeg" "$TMP/heic" "$TMP/avif" "$TMP/png"
  find "$DIR" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) -printf '%f\n' | sort | head -n "$COUNT" \
    > "$TMP/names"
  [ -s "$TMP/names" ] || { echo "preprocess.sh: no JPEG in $DIR" >&2; exit 2; }
  echo "== heif-enc -q 90: HEIC and AVIF copies of $(wc -l <"$TMP/names") JPEGs (not timed)" >&2
  while IFS= read -r f; do
    ln -s "$(cd "$DIR" && pwd)/$f" "$TMP/jpeg/$f"
    printf '%s\0%s\0' "$DIR/$f" "$TMP/heic/${f%.*}.heic" "$DIR/$f" "$TMP/avif/${f%.*}.avif"
  done <"$TMP/names" | xargs -0 -n 2 -P "$(nproc)" sh -c 'heif-enc -q 90 -o "$2" "$1" >/dev/null' heif-enc
  heif_peer() { # heif-convert + Pillow's reference path on the HEICs: img/s, img per CPU second (children included)
    taskset -c 0 "$PY" - "$ANCHOR" "$TMP/heic" "$TMP/png" "${1:-}" <<'PY'
import glob, importlib.util, os, resource, subprocess, sys, time
import numpy as np
spec = importlib.util.spec_from_file_location('anchor', sys.argv[1])
anchor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(anchor)
files = sorted(glob.glob(os.path.join(sys.argv[2], '*.heic')))
def one(f):
    png = os.path.join(sys.argv[3], os.path.basename(f) + '.png')
    subprocess.run(['heif-convert', f, png], check=True, stdout=subprocess.DEVNULL)
    return anchor.reference(png)
def cpu():
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + c.ru_utime + c.ru_stime
one(files[0])
wall, c0 = time.perf_counter(), cpu()
tensors = [one(f) for f in files]
wall, c = time.perf_counter() - wall, cpu() - c0
print(f'heif-convert+pillow: {len(files) / wall:.1f} img/s, {len(files) / c:.1f} img per CPU second ({len(files)} files)')
if sys.argv[4]:  # reference tensors for our parity check, named like the HEIC files
    with open(sys.argv[4], 'wb') as o:
        for t in tensors:
            o.write(t.astype('<f4').tobytes())
    with open(sys.argv[4] + '.txt', 'w') as o:
        o.write('\n'.join(os.path.basename(f) for f in files) + '\n')
PY
  }
  echo "== Pillow reference tensors of heif-convert's PNGs" >&2
  heif_peer "$TMP/heic-ref.f32" >&2
  for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round/$ROUNDS: heif-convert + Pillow, then dreamsim on HEIC, AVIF, JPEG (one core each)" >&2
    peer="$(heif_peer)"
    echo "$peer" >&2
    heic="$(taskset -c 0 "$ROOT/dreamsim" bench preprocess "$TMP/heic" --threads 1 --reference "$TMP/heic-ref.f32")"
    avif="$(taskset -c 0 "$ROOT/dreamsim" bench preprocess "$TMP/avif" --threads 1)"
    jpeg="$(taskset -c 0 "$ROOT/dreamsim" bench preprocess "$TMP/jpeg" --threads 1)"
    printf '%s\n%s\n%s\n' "$heic" "$avif" "$jpeg"
    awk -v k="$round" -v pw="$(sed -n 's/^heif-convert+pillow: \([0-9.]*\) img\/s.*/\1/p' <<<"$peer")" \
        -v pc="$(sed -n 's/.* img\/s, \([0-9.]*\) img per CPU.*/\1/p' <<<"$peer")" \
        -v hw="$(field images_per_second "$heic")" -v hc="$(field images_per_cpu_second "$heic")" \
        -v aw="$(field images_per_second "$avif")" -v ac="$(field images_per_cpu_second "$avif")" \
        -v jw="$(field images_per_second "$jpeg")" -v jc="$(field images_per_cpu_second "$jpeg")" \
        -v p="$(field mean_abs_diff_over_255 "$heic")" -v w="$(field worst_image_mean_abs_diff_over_255 "$heic")" \
        -v l="$(text libheif "$heic")" 'BEGIN {
      printf "round %d: HEIC %.1f img/s = %.2fx heif-convert+Pillow (%.1f img/s); ", k, hw, hw / pw, pw
      printf "per CPU second HEIC %.1f = %.2fx heif-convert+Pillow (%.1f); ", hc, hc / pc, pc
      printf "AVIF %.1f img/s (%.1f per CPU s); JPEG %.1f img/s (%.1f per CPU s); ", aw, ac, jw, jc
      printf "HEIC mean |diff| vs Pillow on heif-convert PNG %.3f/255 (worst %.3f/255); libheif %s\n", p, w, l }' \
      | tee -a "$TMP/rounds"
  done
  median() { sort -n | awk -v what="$1" '{ v[NR] = $1 } END {
    printf "median over %d rounds, %s: %.2fx heif-convert+Pillow (min %.2fx, max %.2fx)\n", NR, what, v[int((NR + 1) / 2)], v[1], v[NR] }'; }
  sed -n 's/.*HEIC [0-9.]* img\/s = \([0-9.]*\)x.*/\1/p' "$TMP/rounds" | median "HEIC wall clock"
  sed -n 's/.*per CPU second HEIC [0-9.]* = \([0-9.]*\)x.*/\1/p' "$TMP/rounds" | median "HEIC per CPU second"
  exit 0
fi

echo "== Pillow reference tensors" >&2
taskset -c 0 "$PY" "$ANCHOR" tensors "$DIR" "$TMP/ref.f32" >&2
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
