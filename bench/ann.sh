#!/usr/bin/env bash
# Vector index alone, side by side: our Lucene index (./dreamsim bench ann) then hnswlib and faiss
# ($DREAMSIM_PEERS/hnsw_peers.py) on the same embedding-like unit vectors, same M / efConstruction / ef.
#   bench/ann.sh [N [DIMS [QUERIES]]]        default 100000 768 1000
#   QUANT=none,int8 bench/ann.sh 1000000 768 200   (storages to build; default all four)
# Vectors are generated once (numpy, fixed seed) and cached in $ANN_DATA (default /tmp/dss-ann).
# Build speed: Lucene uses one writer thread (+ a merge to one segment); the peers run with PEER_THREADS (1).
# PEERS=0 skips the peers (e.g. more storages on vectors the peers already ran on); GENERATE_ONLY=1 only writes the files.
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

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$ROOT/dreamsim" bench ann --vectors "$V" --queries "$QF" --dims "$D" ${QUANT:+--quantization "$QUANT"}
if [ "${PEERS:-1}" != 0 ]; then
  "$PY" "${DREAMSIM_PEERS:?set DREAMSIM_PEERS to the folder of the peer scripts}/hnsw_peers.py" "$V" "$D" --queries "$QF" --threads "${PEER_THREADS:-1}"
fi
