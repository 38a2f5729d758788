#!/usr/bin/env bash
# Vector index alone, side by side: our Lucene index (./dreamsim bench ann) then hnswlib and faiss
# (bench/ann_peers.py) on the same embedding-like unit vectors, the same exact ground truth, the same M /
# efConstruction, and the same sweep of ef (Lucene's candidates) 10..800; ours also at the product's default
# settings. Then the recall-QPS plot and the Markdown tables (bench/ann_plot.py).
#   bench/ann.sh [N [DIMS [QUERIES]]]        default 100000 768 1000
#   QUANT=none,int8 bench/ann.sh 1000000 768 200   (storages to build; default all four)
#   EF=50,100,200 ...      another sweep (then the product default, filters and recall@k are not measured)
#   CROSSOVER=1000,2000,5000,10000,20000 ...   also time graph against exact search on the first N vectors
#   WORK=DIR ...           build the indexes in DIR and keep them (the peers' too, in DIR/peers): a later run with
#                          the same WORK reuses them, so the queries can be re-measured without the builds
#   ONLY_DEFAULT=1 PEERS=0 WORK=DIR ...   re-measure only the product's default settings on kept indexes
# Vectors are generated once (numpy, fixed seed) and cached in $ANN_DATA (default /tmp/dss-ann), with the ground
# truth. Points, tables and the plot go to $OUT (default $ANN_DATA/results-N-DIMS-QUERIES-<time>); PLOT=FILE.png
# writes the plot there instead. Build speed: Lucene uses one writer thread (+ a merge to one segment); the peers
# build with PEER_THREADS (1). PEERS=0 skips the peers, LUCENE=0 ours.
# GENERATE_ONLY=1 only writes the vector files (bench/solr.sh reuses them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${1:-100000}; D=${2:-768}; Q=${3:-1000}
DATA=${ANN_DATA:-/tmp/dss-ann}; mkdir -p "$DATA"
V="$DATA/vectors-$N-$D.f32"; QF="$DATA/queries-$N-$D-$Q.f32"
PY=/usr/bin/python3   # Debian's python3-numpy, python3-hnswlib, python3-faiss

if [ ! -f "$V" ] || [ ! -f "$QF" ]; then
  echo "generating $N x $D vectors and $Q queries in $DATA" >&2
  "$PY" - "$N" "$D" "$Q" "$V" "$QF" <<'PY'
# Embedding-like and harder than isotropic clusters: points live near a 96-d subspace with a decaying spectrum
# (like real embeddings), clusters of uneven size and spread, a shared offset (random pairs have cosine ~0.15
# as real embeddings do), and isotropic noise that leaves nearest neighbours at cosine ~0.45: hnswlib's
# recall@10 at M=16, ef=100 is below 1 (0.95-0.98). Queries are fresh samples, not perturbed copies of the data.
import sys, numpy as np
n, d, nq, vpath, qpath = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rng = np.random.default_rng(12345)
r, noise, common = 96, 1.2, 0.6
B = np.linalg.qr(rng.normal(size=(d, r)))[0].astype('f4')
spec = (np.arange(1, r + 1) ** -0.7).astype('f4')
C = max(n // 100, 10)
w = 1.0 / np.arange(1, C + 1) ** 0.8; w /= w.sum()
centres = (rng.normal(size=(C, r)) * spec).astype('f4')
spread = rng.uniform(0.5, 1.2, size=C).astype('f4')
mu = rng.normal(size=d).astype('f4'); mu *= common / np.linalg.norm(mu)
def sample(m):
    j = rng.choice(C, size=m, p=w)
    x = (centres[j] + rng.normal(size=(m, r)).astype('f4') * spec * spread[j, None]) @ B.T
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    x += mu + rng.normal(size=(m, d)).astype('f4') * (noise / np.sqrt(d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype('<f4')
with open(vpath, 'wb') as f:
    for s in range(0, n, 50000): sample(min(50000, n - s)).tofile(f)
sample(nq).tofile(qpath)
PY
fi
[ "${GENERATE_ONLY:-0}" = 1 ] && exit 0   # bench/solr.sh: the same vectors, another benchmark

GT="$DATA/truth-$N-$D-$Q.i32"
OUT=${OUT:-$DATA/results-$N-$D-$Q-$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$OUT"
PLOT=${PLOT:-$OUT/ann-$N-$D.png}
CPU="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== $(date -u +%FT%TZ) $CPU; load: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT" | tee "$OUT/run.txt"
if [ "${LUCENE:-1}" != 0 ]; then
  "$ROOT/dreamsim" bench ann --vectors "$V" --queries "$QF" --dims "$D" --ground-truth "$GT" --out "$OUT" \
    ${QUANT:+--quantization "$QUANT"} ${EF:+--ef "$EF"} ${CROSSOVER:+--crossover "$CROSSOVER"} \
    ${WORK:+--work "$WORK" --keep} ${ONLY_DEFAULT:+--only-default} | tee -a "$OUT/run.txt"
fi
if [ "${PEERS:-1}" != 0 ]; then
  "$PY" "$ROOT/bench/ann_peers.py" "$V" "$D" --queries "$QF" --ground-truth "$GT" --threads "${PEER_THREADS:-1}" \
    ${WORK:+--keep "$WORK/peers"} \
    --out "$OUT" ${EF:+--ef "$EF"} | tee -a "$OUT/run.txt"
fi
echo "== $(date -u +%FT%TZ) done; load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.txt"
"$PY" "$ROOT/bench/ann_plot.py" "$OUT" --png "$PLOT" --title-extra "$CPU, load $(cut -d' ' -f1 /proc/loadavg) at the end" \
  | tee "$OUT/tables.md"
