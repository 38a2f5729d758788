#!/usr/bin/env bash
# Whole-library dedup at scale: our HNSW-based `dreamsim dedup` path next to the exact all-pairs baseline, same
# synthetic vectors, same grouping rule, each size in its own JVM (clean peak-memory figures). One JSON line per run.
#   bench/dedup.sh                      sizes 10000 100000 (with brute force) and 1000000 (HNSW only)
#   SIZES="10000" BRUTE_MAX=10000 DIMS=768 bench/dedup.sh
#   RECALL=1 SIZES="30000" bench/dedup.sh   also the recall of the finder's pairs against exact all-pairs
#                                           (bench dedup-recall, thresholds 0.05,0.1,0.15; sizes up to BRUTE_MAX)
# Set INDEX_ROOT=DIR to keep the built indexes (reused by later runs with the same size and dims). The index is merged
# into one segment before the dedup (timed apart as merge_seconds), as 'dreamsim dedup --merge' does: the dedup reads
# each image's neighbours from that segment's graph; MERGE=0 leaves the segments (then every image is searched).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${SIZES:-10000 100000 1000000}"
BRUTE_MAX="${BRUTE_MAX:-100000}"
DIMS="${DIMS:-768}"
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), dims $DIMS" >&2
# the grouping logs its phase timings (neighbour queries vs grouping) at debug level
export DREAMSIM_JAVA_OPTS="${DREAMSIM_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.log.dss.search=debug"
for n in $SIZES; do
  args=(bench dedup --size "$n" --dims "$DIMS")
  [ "${MERGE:-1}" = 1 ] && args+=(--merge)
  [ "$n" -le "$BRUTE_MAX" ] && args+=(--brute)
  [ -n "${INDEX_ROOT:-}" ] && args+=(--index "$INDEX_ROOT/dedup-$n-$DIMS")
  "$ROOT/dreamsim" "${args[@]}"
  if [ "${RECALL:-0}" = 1 ] && [ "$n" -le "$BRUTE_MAX" ]; then
    "$ROOT/dreamsim" bench dedup-recall --size "$n" --dims "$DIMS" $([ "${MERGE:-1}" = 1 ] && echo --merge) \
      ${INDEX_ROOT:+--index "$INDEX_ROOT/dedup-$n-$DIMS"}
  fi
done
