#!/usr/bin/env bash
# What verifying an index costs per GB, in alternating rounds next to a peer; medians. One JSON line.
#   ours: dreamsim bench verify DIR, in-process times of the server's background verification (the CRC32 of every
#         byte of every file), the fast check (serve's check before it opens the index) and the full check
#         (`dreamsim check`: the checksums plus Lucene's structure checks)
#   peer: Python's zlib.crc32 (C) reading every file of the index in 1 MiB blocks: the floor for reading and
#         checksumming the same bytes
#   bench/verify.sh [DIR]          default: $VERIFY_INDEX or /tmp/dss-verify-index, made when absent with
#                                  COUNT (default 100000) synthetic 1792-d documents (bench load --make-index)
#   ROUNDS=5 bench/verify.sh DIR
# The files are in the page cache after the first round, which is dropped: the figures are CPU, not the disk.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INDEX=${1:-${VERIFY_INDEX:-/tmp/dss-verify-index}}
ROUNDS=${ROUNDS:-5}
if ! ls "$INDEX"/segments_* >/dev/null 2>&1; then
  echo "bench/verify.sh: writing ${COUNT:-100000} synthetic documents to $INDEX" >&2
  "$ROOT/dreamsim" bench load --make-index "$INDEX" --count "${COUNT:-100000}"
fi
peer() {
  python3 - "$INDEX" <<'PY'
import os, sys, time, zlib
d, n, t0 = sys.argv[1], 0, time.perf_counter()
for name in sorted(os.listdir(d)):
    crc = 0
    with open(os.path.join(d, name), 'rb') as f:
        while chunk := f.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
            n += len(chunk)
print(time.perf_counter() - t0, n)
PY
}
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$2'])" "$1"; }
verify=(); fast=(); full=(); crc=(); bytes=0
for round in $(seq 0 "$ROUNDS"); do
  ours=$("$ROOT/dreamsim" bench verify "$INDEX" | tail -1)
  read -r p _ < <(peer)
  echo "round $round ($(cut -d' ' -f1 /proc/loadavg)): $ours peer_crc32_seconds=$p" >&2
  [ "$round" = 0 ] && continue # warms the page cache
  bytes=$(field "$ours" bytes)
  verify+=("$(field "$ours" verify_seconds)"); fast+=("$(field "$ours" fast_check_seconds)")
  full+=("$(field "$ours" full_check_seconds)"); crc+=("$p")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mv=$(median "${verify[@]}"); mq=$(median "${fast[@]}"); mf=$(median "${full[@]}"); mp=$(median "${crc[@]}")
gb=$(echo "$bytes / 1000000000" | bc -l)
printf '{"date":"%s","bytes":%s,"rounds":%s,"load":"%s","verify_s":%.2f,"fast_check_s":%.2f,"full_check_s":%.2f,"peer_crc32_s":%.2f,"verify_s_per_gb":%.2f,"full_check_s_per_gb":%.2f,"peer_s_per_gb":%.2f,"verify_over_peer":%.2f}\n' \
  "$(date -u +%FT%TZ)" "$bytes" "$ROUNDS" "$(cut -d' ' -f1-3 /proc/loadavg)" "$mv" "$mq" "$mf" "$mp" \
  "$(echo "$mv / $gb" | bc -l)" "$(echo "$mf / $gb" | bc -l)" "$(echo "$mp / $gb" | bc -l)" "$(echo "$mv / $mp" | bc -l)"
