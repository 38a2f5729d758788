#!/usr/bin/env bash
# The embedded index against SolrCloud collections of 1, 2 and 4 shards, side by side in one run, on the ANN
# benchmark's embedding-like unit vectors (bench/ann.sh generates them, cached in $ANN_DATA, default /tmp/dss-ann):
#   bench/solr.sh [N [DIMS [QUERIES]]]        default 100000 1792 1000
#   SHARDS=1,2,4 SOLR_NODES=2 SOLR_HEAP=2g SOLR_PORT=18983 bench/solr.sh 20000 1792 500
# Starts a throwaway local cluster (./dreamsim cluster start: ZooKeeper and SOLR_NODES nodes, a JVM each, SOLR_HEAP
# each) and stops it at the end.
# Same M / efConstruction / ef (topK per shard) for every index; build = one client thread, then one segment per shard.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${1:-100000}; D=${2:-1792}; Q=${3:-1000}
DATA=${ANN_DATA:-/tmp/dss-ann}
PORT=${SOLR_PORT:-18983}
GENERATE_ONLY=1 "$ROOT/bench/ann.sh" "$N" "$D" "$Q"
V="$DATA/vectors-$N-$D.f32"; QF="$DATA/queries-$N-$D-$Q.f32"

"$ROOT/dreamsim" --version >/dev/null   # builds first, so the cluster's start is not timed against a build
"$ROOT/dreamsim" cluster start --nodes "${SOLR_NODES:-2}" --port "$PORT" --heap "${SOLR_HEAP:-2g}" \
  > "$DATA/cluster.json" 2> "$DATA/cluster.log" &
CLUSTER=$!
trap 'kill "$CLUSTER" 2>/dev/null || true; wait "$CLUSTER" 2>/dev/null || true' EXIT
for _ in $(seq 240); do [ -s "$DATA/cluster.json" ] && break; kill -0 "$CLUSTER" 2>/dev/null || break; sleep 0.5; done
[ -s "$DATA/cluster.json" ] || { echo "the cluster did not start: see $DATA/cluster.log" >&2; exit 1; }

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== cluster: ${SOLR_NODES:-2} Solr 9.10.1 nodes, a JVM each (-Xmx${SOLR_HEAP:-2g}), on this machine"
"$ROOT/dreamsim" bench solr --vectors "$V" --queries "$QF" --dims "$D" --solr "solr://127.0.0.1:$PORT" \
  --shards "${SHARDS:-1,2,4}"
