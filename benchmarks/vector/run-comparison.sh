#!/usr/bin/env bash
# The one command that reproduces the vector-search comparison on any machine: the library (through its public API, in
# the Stopwatch harness benchmarks/VectorHarness) against the C references (benchmarks/vector/reference: flat.c and
# hnswlib 0.6.2 via hnsw_ref.cpp), both built on this machine (the references with -O3 -march=native), on the same data
# (gen.c), doing the same work, with the same thread counts. Library and reference runs alternate (A B A B ...), each
# pair is one round, and every ratio is computed within one round; summarize.py reports the median of the rounds and
# each round's ratio. A multi-thread reference run that is not at least 1.3x faster than the same round's one-thread run
# looks disturbed (another process had the cores) and is rerun, up to twice.
#
# Usage: benchmarks/vector/run-comparison.sh [PHASE ...]          (default: flat int8 hnsw)
#   flat     read bandwidth; flat single query (1 thread); flat batch of 1,000 (1 thread and all threads), 100k x 384
#   int8     int8 + float32 re-scoring vs float32 flat, two distinct candidate counts (multiplier 4 -> 42, 10 -> 100)
#   hnsw     HNSW M16 efC200 on 100k: build with 1 and all threads, memory per vector, search 1 thread and all threads
#   million  1M x 384 (opt-in, ~1 h on 2 cores): million-flat (flat batch with all threads) and million-hnsw (one HNSW
#            build each with all threads, then search), also runnable alone
# Env:  VECTOR_BENCH_THREADS   "all threads" (default: nproc)
#       VECTOR_BENCH_ROUNDS    alternating rounds per measurement (default 3)
#       VECTOR_BENCH_BUILD_ROUNDS  rounds of the HNSW 100k builds (default: VECTOR_BENCH_ROUNDS)
#       VECTOR_BENCH_INT8_ROUNDS   rounds of the int8 runs (default: VECTOR_BENCH_ROUNDS; each run alternates its passes)
#       VECTOR_BENCH_DATA      100k dataset folder (default artifacts/vector-data; generated when missing)
#       VECTOR_BENCH_DATA_1M   1M dataset folder (default artifacts/vector-data-1m; generated when missing)
#       VECTOR_BENCH_OUT       where the logs go (default artifacts/vector-bench/<UTC time>)
#       VECTOR_BENCH_SINGLE_QUERIES  queries of the single-query flat runs (default 1000, the main dataset); fewer runs
#                              gen.c again with Q set to that number: the same base rows and the first Q queries of the
#                              same seeded query sequence (the device profile uses 200 to fit its time)
#       VECTOR_BENCH_BUILD_THREADS  HNSW 100k build thread counts (default "1 all"; the device profile: "all")
#       VECTOR_BENCH_KIT       a folder made by prepare-device-kit.sh: use its published harness and reference sources
#                              (for a machine without the .NET SDK or network); default: build here with the SDK
#       VECTOR_BENCH_LOCK      command prefix for every timed run (default /tmp/llms/bench when it exists: the
#                              exclusive CPU lock of the shared development machine; empty elsewhere)
#       VECTOR_BENCH_PRIORITY  real-time priority for timed runs (root; see timed-run.sh): ordinary processes then get
#                              only the kernel's 5% real-time throttling window, for a shared machine where the
#                              exclusive lock cannot be had (default: none)
#       VECTOR_BENCH_RESULT    results markdown to write (default benchmarks/results/vector-search/<date>-<cpu>-<N>c.md;
#                              "-" for none)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kit=${VECTOR_BENCH_KIT:-}
threads=${VECTOR_BENCH_THREADS:-$(nproc)}
rounds=${VECTOR_BENCH_ROUNDS:-3}
build_rounds=${VECTOR_BENCH_BUILD_ROUNDS:-$rounds}
int8_rounds=${VECTOR_BENCH_INT8_ROUNDS:-$rounds}
data=${VECTOR_BENCH_DATA:-$repo/artifacts/vector-data}
data1m=${VECTOR_BENCH_DATA_1M:-$repo/artifacts/vector-data-1m}
out=${VECTOR_BENCH_OUT:-$repo/artifacts/vector-bench/$(date -u +%Y-%m-%dT%H%M%SZ)}
if [ -z "${VECTOR_BENCH_LOCK+set}" ]; then lock=$([ -x /tmp/llms/bench ] && echo /tmp/llms/bench || true); else lock=$VECTOR_BENCH_LOCK; fi
phases=${*:-flat int8 hnsw}
single_q=${VECTOR_BENCH_SINGLE_QUERIES:-1000}
build_threads=$(echo "${VECTOR_BENCH_BUILD_THREADS:-1 all}" | sed "s/all/$threads/")
mkdir -p "$out"
[ -n "${VECTOR_BENCH_PRIORITY:-}" ] && export TIMED_RUN_PRIORITY=$VECTOR_BENCH_PRIORITY
bin="$out/bin"
mkdir -p "$bin"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$out/run.log"; }

# ---- build: references here with -march=native; the harness from the kit or with the SDK -------------------------------
src=${kit:+$kit/reference}
src=${src:-$here/reference}
hnswinc=${kit:+$kit/hnswlib-include}
hnswinc=${hnswinc:-/usr/include}
[ -f "$hnswinc/hnswlib/hnswlib.h" ] || { echo "hnswlib headers not found under $hnswinc (apt-get install libhnswlib-dev, or use a kit)" >&2; exit 2; }
gcc -O3 -march=native -fopenmp "$src/gen.c" -lm -o "$bin/gen"
gcc -O3 -march=native -fopenmp "$src/bw_read.c" -o "$bin/bw_read"
gcc -O3 -march=native -fopenmp -I"$src" "$src/flat.c" -o "$bin/flat"
g++ -O3 -march=native -pthread -I"$hnswinc" -I"$src" "$src/hnsw_ref.cpp" -o "$bin/hnsw_ref"
if [ -n "$kit" ]; then
  harness=("$kit/harness/VectorHarness")
else
  ${lock:+/tmp/llms/build} dotnet publish "$repo/benchmarks/VectorHarness" -c Release -o "$bin/harness" -v q -nologo >/dev/null
  harness=(dotnet "$bin/harness/VectorHarness.dll")
fi
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "cores: $(nproc)  threads used: $threads  rounds: $rounds"
  lscpu | grep -E '^(Model name|Thread|Core|Socket|L1d|L2|L3|NUMA node\(s\))' || true
  echo "simd: $(grep -o -w -E 'avx2|avx512f|avx512_vnni|avx512_bf16|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "memory: $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "kernel: $(uname -r)  gcc: $(gcc -dumpfullversion)  harness: ${harness[*]}"
  echo "timing: ${VECTOR_BENCH_PRIORITY:+real-time priority $VECTOR_BENCH_PRIORITY with idle spinners on every core (timed-run.sh); }lock: ${lock:-none}"
} > "$out/machine.txt"
log "machine: $(head -3 "$out/machine.txt" | tr '\n' ' ')"

ensure_data() {  # folder N [Q]
  [ -s "$1/gt.ivecs" ] && return
  log "generating $2 x 384, ${3:-1000} queries in $1 (gen.c, seed 20240601)"
  mkdir -p "$1"
  ${lock:+/tmp/llms/build} "$bin/gen" "$1" "$2" 384 "${3:-1000}" 1000 1.0 1.0 20240601 10 > "$1/gen.log" 2>&1
}

# One timed run, alone on the machine (under the lock where there is one). timed-run.sh appends how much CPU other
# processes used meanwhile; a run where they used more than 6% of the machine is rerun (three times at most), the disturbed
# log kept beside it.
timed() {  # name command...
  local name=$1; shift
  for attempt in 1 2 3 4; do
    log "run $name"
    $lock "$here/timed-run.sh" "$out/$name.log" "$@" || { log "FAILED: $name (see $out/$name.log)"; return 1; }
    local busy seconds
    busy=$(sed -n 's/.*(\([0-9.]*\)% of the machine).*/\1/p' "$out/$name.log")
    seconds=$(sed -n 's/.*other processes \([0-9.]*\) s.*/\1/p' "$out/$name.log")
    # Disturbed: others used more than 6% of the machine (the real-time throttling window is 5%) and more than 0.05 s
    # (a few clock ticks: /proc/stat counts in 10 ms ticks, so very short runs read coarse percentages).
    if awk -v b="${busy:-0}" -v t="${seconds:-0}" 'BEGIN{exit !(b <= 6 || t <= 0.05)}'; then return 0; fi
    [ "$attempt" = 4 ] && { log "$name: still disturbed (${busy}%) after 3 reruns; kept, and marked in the summary"; return 0; }
    log "$name: other processes used ${busy}% of the machine meanwhile; rerun $attempt after ${VECTOR_BENCH_RETRY_WAIT:-20} s"
    cp "$out/$name.log" "$out/$name.disturbed-$attempt.log"
    sleep "${VECTOR_BENCH_RETRY_WAIT:-20}"
  done
}

qps() { grep -o 'QPS median [0-9.]*' "$1" | head -1 | awk '{print $3}'; }
build_s() { grep -o 'time [0-9.]* s' "$1" | head -1 | awk '{print $2}'; }

# A T-thread reference run whose figure is not 1.3x its one-thread figure looks disturbed: rerun it (twice at most).
checked_ref() {  # name single_log metric(qps|build) command...
  local name=$1 single=$2 metric=$3; shift 3
  for attempt in 1 2 3; do
    timed "$name" "$@"
    [ "$threads" -gt 1 ] || return 0
    local one many ok
    if [ "$metric" = qps ]; then one=$(qps "$single"); many=$(qps "$out/$name.log"); ok=$(awk -v a="$many" -v b="$one" 'BEGIN{print (a >= 1.3*b) ? 1 : 0}')
    else one=$(build_s "$single"); many=$(build_s "$out/$name.log"); ok=$(awk -v a="$many" -v b="$one" 'BEGIN{print (a*1.3 <= b) ? 1 : 0}'); fi
    [ "$ok" = 1 ] && return 0
    log "reference $name looks disturbed ($metric: $threads threads $many vs 1 thread $one); rerun $attempt"
    cp "$out/$name.log" "$out/$name.disturbed-$attempt.log"
  done
}

for phase in $phases; do case $phase in
flat)
  ensure_data "$data" 100000
  single=$data
  [ "$single_q" = 1000 ] || { single=$data-q$single_q; ensure_data "$single" 100000 "$single_q"; }
  for r in $(seq 1 "$rounds"); do
    timed "r$r-dotnet-readsum" "${harness[@]}" readsum "$data" --reps 5
    timed "r$r-c-readsum" env OMP_NUM_THREADS=1 "$bin/bw_read" 150 5
    timed "r$r-dotnet-flat-single" "${harness[@]}" flat-single "$single" --reps 3
    timed "r$r-c-flat-single" env OMP_NUM_THREADS=1 "$bin/flat" "$single" single avx512x4 3
    timed "r$r-dotnet-flat-batch-t1" "${harness[@]}" flat-batch "$data" --threads 1 --reps 3
    timed "r$r-c-flat-batch-t1" env OMP_NUM_THREADS=1 "$bin/flat" "$data" batch 4x4 3
    if [ "$threads" -gt 1 ]; then
      timed "r$r-dotnet-flat-batch-t$threads" "${harness[@]}" flat-batch "$data" --threads "$threads" --reps 3
      checked_ref "r$r-c-flat-batch-t$threads" "$out/r$r-c-flat-batch-t1.log" qps env OMP_NUM_THREADS="$threads" OMP_PROC_BIND=spread "$bin/flat" "$data" batch 4x4 3
    fi
  done;;
int8)
  ensure_data "$data" 100000
  for r in $(seq 1 "$int8_rounds"); do
    for m in 4 10; do timed "r$r-dotnet-int8-m$m" "${harness[@]}" int8 "$data" --multiplier "$m" --reps 3; done
  done;;
hnsw)
  ensure_data "$data" 100000
  for r in $(seq 1 "$build_rounds"); do
    first=${build_threads%% *}
    for t in $build_threads; do
      save=(); hsave=(); [ "$r" = 1 ] && [ "$t" = "$first" ] && { save=(--save "$out/dotnet-100k.lsv"); hsave=(save "$out/hnswlib-100k.bin"); }
      timed "r$r-dotnet-hnsw-build-t$t" "${harness[@]}" hnsw "$data" --threads "$t" --ef 40 --reps 1 "${save[@]}"
      if [ "$t" = 1 ] || [ ! -s "$out/r$r-c-hnsw-build-t1.log" ]; then timed "r$r-c-hnsw-build-t$t" "$bin/hnsw_ref" "$data" "$t" 16 200 1 40 1 "${hsave[@]}"
      else checked_ref "r$r-c-hnsw-build-t$t" "$out/r$r-c-hnsw-build-t1.log" build "$bin/hnsw_ref" "$data" "$t" 16 200 1 40 1 "${hsave[@]}"; fi
    done
  done
  for r in $(seq 1 "$rounds"); do
    timed "r$r-dotnet-hnsw-search" "${harness[@]}" hnsw "$data" --load "$out/dotnet-100k.lsv" --threads "$threads" --ef 10,20,40,80,160 --reps 3
    timed "r$r-c-hnsw-search" "$bin/hnsw_ref" "$data" 1 16 200 3 10,20,40,80,160 "$threads" load "$out/hnswlib-100k.bin"
  done;;
million|million-flat|million-hnsw)
  ensure_data "$data1m" 1000000
  [ "$phase" = million-hnsw ] || for r in $(seq 1 "$rounds"); do
    timed "r$r-dotnet-1m-flat-batch-t$threads" "${harness[@]}" flat-batch "$data1m" --threads "$threads" --reps 3
    timed "r$r-c-1m-flat-batch-t$threads" env OMP_NUM_THREADS="$threads" OMP_PROC_BIND=spread "$bin/flat" "$data1m" batch 4x4 3
  done
  [ "$phase" = million-flat ] && continue
  timed "r1-dotnet-1m-hnsw-build-t$threads" "${harness[@]}" hnsw "$data1m" --threads "$threads" --ef 40 --reps 1 --save "$out/dotnet-1m.lsv"
  timed "r1-c-1m-hnsw-build-t$threads" "$bin/hnsw_ref" "$data1m" "$threads" 16 200 1 40 1 save "$out/hnswlib-1m.bin"
  for r in $(seq 1 "$rounds"); do
    timed "r$r-dotnet-1m-hnsw-search" "${harness[@]}" hnsw "$data1m" --load "$out/dotnet-1m.lsv" --threads "$threads" --ef 40,80,160,320 --reps 3
    timed "r$r-c-1m-hnsw-search" "$bin/hnsw_ref" "$data1m" 1 16 200 3 40,80,160,320 "$threads" load "$out/hnswlib-1m.bin"
  done;;
*) echo "unknown phase '$phase' (flat, int8, hnsw, million, million-flat, million-hnsw)" >&2; exit 2;;
esac; done
rm -f "$out"/*.lsv "$out"/*.bin

result=${VECTOR_BENCH_RESULT:-$repo/benchmarks/results/vector-search/$(date -u +%Y-%m-%d)-$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//' | tr 'A-Z' 'a-z')-$(nproc)c.md}
if [ "$result" != - ] && command -v python3 >/dev/null; then
  mkdir -p "$(dirname "$result")"
  python3 "$here/summarize.py" "$out" > "$result"
  log "wrote $result"
fi
log "logs in $out"
