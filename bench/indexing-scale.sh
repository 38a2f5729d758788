#!/usr/bin/env bash
# Indexing a large library, size by size (docs/benchmarks.md, "Indexing throughput"): for each size N in SIZES,
# on a generated library of N small photo-like JPEGs (GEN_SIZE, default 320x240; made once in $GEN_DIR and reused:
# generating is not measured), with the test model on CPU, every step a real `./dreamsim` process of its own:
#   decode    `bench indexing --decode-only`: what the decode workers do to each file (read, sniff, hash, decode +
#             preprocess), no model, no index; run before and after the indexing, the bound is their mean
#   model     `bench model`: the test model alone on random tensors (the other bound: on 2 cores the decoders and
#             the model share the same cores, and the test model costs more per image than decoding a 320x240 JPEG)
#   index     `dreamsim index` into a fresh index: files/s (the run's own clock), the peak RSS (VmHWM of the
#             process) and the peak of its anonymous part (RssAnon, sampled every 0.2 s: the RSS without the
#             memory-mapped files, which include the index's own vector files), and from its GC log the largest heap after a collection (what is live)
#             and the largest heap the JVM committed (G1 grows it when collections take long, as under load: most
#             of the RSS; DREAMSIM_JAVA_OPTS=-Xmx... caps it)
#   kill      a second fresh index, killed with kill -9 once about half the files are done (the progress line),
#             then resumed: the resume's wall time, and `bench indexed-once` (every file exactly once, by id and
#             path) and `dreamsim check` (the index is healthy)
#   no-op     `dreamsim index` of the unchanged library again: wall time minus the fixed start of `dreamsim index`
#             (the median of 3 runs on an empty folder) measured in the same run
# One JSON line per size on stdout; progress on stderr.
#   bench/indexing-scale.sh [SIZES]     default "10000 100000"; indexes in $WORK (a temporary folder, removed)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${1:-10000 100000}"
GEN="${GEN_DIR:-/tmp/dss-gen}"
GEN_SIZE="${GEN_SIZE:-320x240}"
DS="$ROOT/dreamsim"
MODEL=(--model test --device cpu)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dss-indexing-scale.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$DS" --help >/dev/null # build first, outside the timings
load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" <<<"$2" | head -n 1; } # a number or true/false in a JSON line
log() { echo "indexing-scale: $*" >&2; }

# run_sampled OUT ERR CMD...: runs CMD in the background (stdout to OUT, stderr to ERR), sampling its peak RSS;
# sets WALL (seconds), PEAK_KB (VmHWM), ANON_KB (the largest RssAnon seen) and RC. The launcher execs java in the same process, so $! is the JVM.
run_sampled() {
  local out="$1" err="$2"; shift 2
  local start; start="$(now)"
  "$@" >"$out" 2>"$err" &
  local pid=$! hwm anon
  PEAK_KB=0; ANON_KB=0
  while kill -0 "$pid" 2>/dev/null; do
    read -r hwm anon < <(awk '/^VmHWM:/ {h = $2} /^RssAnon:/ {a = $2} END {print h + 0, a + 0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
    [ "${hwm:-0}" -gt "$PEAK_KB" ] && PEAK_KB="$hwm"
    [ "${anon:-0}" -gt "$ANON_KB" ] && ANON_KB="$anon"
    sleep 0.2
  done
  RC=0; wait "$pid" || RC=$?
  WALL="$(awk -v s="$start" -v e="$(now)" 'BEGIN {printf "%.2f", e - s}')"
}

jvm_start() { # median of 3 runs of `index` on an empty folder: the fixed start to subtract (the JVM, loading the
  # codecs' native libraries and classes, opening an index: several seconds more than `--version`)
  local i s
  mkdir -p "$WORK/empty-lib"
  for i in 1 2 3; do
    s="$(now)"; "$DS" index --index "$WORK/empty-index" "${MODEL[@]}" "$WORK/empty-lib" >/dev/null 2>&1
    awk -v s="$s" -v e="$(now)" 'BEGIN {printf "%.2f\n", e - s}'
  done | sort -n | sed -n 2p
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load: $(load)" >&2
for n in $SIZES; do
  lib="$GEN/scale-$GEN_SIZE-$n"
  load0="$(load)"
  log "$n: library $lib (generated once), decode-only"
  decode1="$("$DS" bench indexing --generate "$n" --gen-size "$GEN_SIZE" --decode-only "$lib" 2>"$WORK/gen.err")" \
    || { cat "$WORK/gen.err" >&2; exit 1; }

  log "$n: index into a fresh index (load $(load))"
  run_sampled "$WORK/full.json" "$WORK/full.err" env DREAMSIM_JAVA_OPTS="${DREAMSIM_JAVA_OPTS:-} -Xlog:gc:file=$WORK/gc-$n.log" \
    "$DS" index --index "$WORK/full-$n" "${MODEL[@]}" "$lib"
  [ "$RC" = 0 ] || { tail -n 20 "$WORK/full.err" >&2; log "index failed ($RC)"; exit 1; }
  full="$(cat "$WORK/full.json")"; full_wall="$WALL"; full_peak="$PEAK_KB"; full_anon="$ANON_KB"
  # "GC(7) Pause Young (Normal) (G1 Evacuation Pause) 147M->84M(1452M) 23.4ms": after 84 MB, committed 1452 MB
  live_mb="$(grep -o '[0-9]*M->[0-9]*M' "$WORK/gc-$n.log" | sed 's/.*->\([0-9]*\)M/\1/' | sort -n | tail -n 1)"
  committed_mb="$(grep -o 'M([0-9]*M)' "$WORK/gc-$n.log" | tr -dc '0-9\n' | sort -n | tail -n 1)"

  log "$n: decode-only again"
  decode2="$("$DS" bench indexing --decode-only "$lib" 2>/dev/null)"
  model="$("$DS" bench model "${MODEL[@]}" --seconds 10 2>/dev/null)"
  model_rate="$(sed -n 's/.*"ours":{"img_per_sec":\([0-9.]*\).*/\1/p' <<<"$model")"

  log "$n: index into another fresh index, kill -9 at about half (load $(load))"
  "$DS" index --index "$WORK/killed-$n" "${MODEL[@]}" "$lib" >"$WORK/killed.json" 2>"$WORK/killed.err" &
  pid=$!
  done_at_kill=0
  while kill -0 "$pid" 2>/dev/null; do
    done_at_kill="$(sed -n 's/^dreamsim index: \([0-9]*\)\/.*/\1/p' "$WORK/killed.err" | tail -n 1)"
    [ -n "$done_at_kill" ] && [ "$done_at_kill" -ge $((n / 2)) ] && break
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null || log "the run ended before it could be killed: raise N"
  wait "$pid" 2>/dev/null || true
  committed="$(field documents "$("$DS" stats --index "$WORK/killed-$n" 2>/dev/null)")"
  log "$n: killed after $done_at_kill files done, $committed committed; resuming"
  run_sampled "$WORK/resume.json" "$WORK/resume.err" "$DS" index --index "$WORK/killed-$n" "${MODEL[@]}" "$lib"
  [ "$RC" = 0 ] || { tail -n 20 "$WORK/resume.err" >&2; log "resume failed ($RC)"; exit 1; }
  resume="$(cat "$WORK/resume.json")"; resume_wall="$WALL"
  once="$("$DS" bench indexed-once "$lib" --index "$WORK/killed-$n" 2>/dev/null || true)"
  check="$("$DS" check --index "$WORK/killed-$n" 2>/dev/null || true)"
  rm -rf "$WORK/killed-$n"

  log "$n: JVM start, then the no-op re-run (load $(load))"
  jvm="$(jvm_start)"
  run_sampled "$WORK/noop.json" "$WORK/noop.err" "$DS" index --index "$WORK/full-$n" "${MODEL[@]}" "$lib"
  [ "$RC" = 0 ] || { tail -n 20 "$WORK/noop.err" >&2; log "no-op re-run failed ($RC)"; exit 1; }
  noop="$(cat "$WORK/noop.json")"; noop_wall="$WALL"; noop_peak="$PEAK_KB"
  rm -rf "$WORK/full-$n"

  d1="$(field files_per_second "$decode1")"; d2="$(field files_per_second "$decode2")"
  awk -v n="$n" -v gen="$GEN_SIZE" -v date="$(date -u +%FT%TZ)" -v l0="$load0" -v l1="$(load)" \
      -v d1="$d1" -v d2="$d2" -v m="${model_rate:-0}" -v threads="$(field decode_threads "$decode1")" \
      -v live="${live_mb:-0}" -v heap="${committed_mb:-0}" -v added="$(field added "$full")" -v secs="$(field seconds "$full")" -v fwall="$full_wall" -v fpeak="$full_peak" -v fanon="$full_anon" \
      -v kdone="$done_at_kill" -v kcommitted="${committed:-0}" -v radded="$(field added "$resume")" \
      -v runchanged="$(field unchanged "$resume")" -v rsecs="$(field seconds "$resume")" -v rwall="$resume_wall" \
      -v once="$(field exactly_once "$once")" -v docs="$(field documents "$once")" \
      -v healthy="$(field healthy "$check")" \
      -v jvm="$jvm" -v nunchanged="$(field unchanged "$noop")" -v nsecs="$(field seconds "$noop")" \
      -v nwall="$noop_wall" -v npeak="$noop_peak" 'BEGIN {
    bound = (d1 + d2) / 2; rate = added / secs
    printf "{\"bench\":\"indexing-scale\",\"date\":\"%s\",\"files\":%d,\"image_size\":\"%s\",\"model\":\"test\",", date, n, gen
    printf "\"device\":\"cpu\",\"load_start\":\"%s\",\"load_end\":\"%s\",", l0, l1
    printf "\"decode_only_files_per_second\":[%s,%s],\"decode_threads\":%s,", d1, d2, threads
    printf "\"index_added\":%d,\"index_seconds\":%s,\"index_wall_seconds\":%s,", added, secs, fwall
    printf "\"index_files_per_second\":%.1f,\"fraction_of_decode_only\":%.3f,\"index_peak_rss_mb\":%.0f,\"index_peak_rss_anon_mb\":%.0f,", rate, rate / bound, fpeak / 1024, fanon / 1024
    printf "\"model_alone_files_per_second\":%.1f,\"fraction_of_model_alone\":%.3f,", m, (m > 0 ? rate / m : 0)
    printf "\"index_heap_after_gc_max_mb\":%d,\"index_heap_committed_max_mb\":%d,", live, heap
    printf "\"kill_after_files_done\":%d,\"committed_at_kill\":%d,\"resume_added\":%d,\"resume_unchanged\":%d,", kdone, kcommitted, radded, runchanged
    printf "\"resume_seconds\":%s,\"resume_wall_seconds\":%s,\"resumed_documents\":%d,\"exactly_once\":%s,\"check_healthy\":%s,", rsecs, rwall, docs, once == "" ? "false" : once, healthy == "" ? "false" : healthy
    printf "\"jvm_start_seconds\":%s,\"noop_unchanged\":%d,\"noop_seconds\":%s,\"noop_wall_seconds\":%s,", jvm, nunchanged, nsecs, nwall
    printf "\"noop_beyond_jvm_start_seconds\":%.2f,\"noop_peak_rss_mb\":%.0f}\n", nwall - jvm, npeak / 1024 }'
done
