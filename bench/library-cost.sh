#!/usr/bin/env bash
# What a library of N photos costs, size by size (docs/benchmarks.md, "What a library of N photos costs"): for each
# size in SIZES, in its own JVM each, one JSON line per run on stdout:
#   dedup    bench dedup --merge: build, merge into one segment, dedup from the graph's links (time, heap, RSS, pairs)
#   listing  bench listing: first, middle and last page of each order, by page number and by cursor
#   ann      bench/ann.sh N DIMS 200 with QUANT=none,int8: build, size on disk, p50/p99 and recall@10 next to hnswlib
#            and faiss in the same run (skipped when ANN=0; the peers need the vectors in memory: 3 GB at 1M x 768)
#   bench/library-cost.sh                              10k, 100k and 1M at 768 dimensions
#   SIZES="1000000" DIMS=1792 bench/library-cost.sh   the ensemble's width (1M x 1792 floats: 7.2 GB of vectors)
# Indexes are kept in WORK (default /tmp/dss-library-cost) and reused by later runs of the same size and dims.
# Long: building a float32 HNSW index grows a little faster than n (1M x 768 on the 2-core machine: about 20-30
# minutes idle for the build and as long again for the merge into one segment, estimated from the 100k runs; several
# times that under load). The dedup itself is linear in n. The listing index is built with LISTING_DIMS (16) since
# the listing reads no vectors.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${SIZES:-10000 100000 1000000}"
DIMS="${DIMS:-768}"
WORK="${WORK:-/tmp/dss-library-cost}"
mkdir -p "$WORK"
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for n in $SIZES; do
  "$ROOT/dreamsim" bench dedup --size "$n" --dims "$DIMS" --merge --index "$WORK/dedup-$n-$DIMS"
  "$ROOT/dreamsim" bench listing --size "$n" --dims "${LISTING_DIMS:-16}" --index "$WORK/listing-$n"
  if [ "${ANN:-1}" = 1 ]; then
    QUANT="${QUANT:-none,int8}" WORK="$WORK/ann-$n-$DIMS" "$ROOT/bench/ann.sh" "$n" "$DIMS" 200
  fi
  echo "# size $n done $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
