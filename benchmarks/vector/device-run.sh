#!/usr/bin/env bash
# Runs the vector comparison on the lent 16-core machine (no .NET SDK, no network) from the kit made by
# prepare-device-kit.sh, writing logs and the results markdown under $OUT (what the device tool brings back).
# Two parts, each sized to run once within a 7-minute timeout with room for one rerun of either in a 15-minute loan:
#   a  flat (single query on 200 queries, batch 1 thread and all threads) and HNSW 100k (build with all threads, memory,
#      search with 1 thread and all threads), 3 alternating rounds each          (estimate on 16 cores: ~3 min)
#   b  1M × 384: data generation, flat batch with all threads (3 rounds), one HNSW build each with all threads,
#      HNSW search (3 rounds)                                                     (estimate on 16 cores: ~5 min)
# Usage (device tool): bash benchmarks/vector/device-run.sh a|b     carry: ["artifacts/device-kit"]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
part=${1:?part a or b}
out=${OUT:-$repo/artifacts/device-out}
kit=${VECTOR_BENCH_KIT:-$repo/artifacts/device-kit}
[ -x "$kit/harness/VectorHarness" ] || { echo "no kit at $kit: run benchmarks/vector/prepare-device-kit.sh first and carry it" >&2; exit 2; }
export VECTOR_BENCH_KIT=$kit VECTOR_BENCH_LOCK= VECTOR_BENCH_ROUNDS=3
export VECTOR_BENCH_DATA=/tmp/vector-data VECTOR_BENCH_DATA_1M=/tmp/vector-data-1m
export VECTOR_BENCH_SINGLE_QUERIES=200 VECTOR_BENCH_BUILD_THREADS=all VECTOR_BENCH_RETRY_WAIT=5
export VECTOR_BENCH_OUT=$out/vector-$part VECTOR_BENCH_RESULT=$out/vector-$part.md
case $part in
  a) "$here/run-comparison.sh" flat hnsw;;
  b) "$here/run-comparison.sh" million;;
  *) echo "part must be a or b" >&2; exit 2;;
esac
