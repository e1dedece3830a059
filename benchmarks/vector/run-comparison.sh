#!/usr/bin/env bash
# Runs the vector-search comparison on this machine and writes benchmarks/results/vector-search/<date>.md:
#   1. the C references of ../shared/bench/vector/run.sh (read bandwidth, dot peak, flat.c, hnswlib 0.6.2),
#   2. the BenchmarkDotNet suites in benchmarks/LlmStrategies.Benchmarks/VectorSearch,
# back to back, each phase under the EXCLUSIVE CPU lock (nothing else runs meanwhile), then summarize.py computes
# the ratios. Only ratios measured in one run are meaningful; absolute figures move with the machine's load.
# Usage: benchmarks/vector/run-comparison.sh            (about 15 minutes; needs gcc, g++, python3, libhnswlib-dev)
# Env:   VECTOR_BENCH_DATA (default artifacts/vector-data; generated with gen.c when empty),
#        VECTOR_BENCH_PHASES (default "c flat hnsw"; "cflat" runs only bw_read and flat.c), VECTOR_BENCH_MILLION=1 adds the 1M x 384 HNSW job (long),
#        VECTOR_BENCH_RESULT_NAME (default "comparison": the results file is <date>-<name>.md).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=$(cd "$repo/../shared/bench/vector" 2>/dev/null && pwd) || { echo "../shared/bench/vector is missing: the references cannot run" >&2; exit 2; }
lock=/tmp/llmstrategies-cpu.lock
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
out="$repo/artifacts/vector-bench/$stamp"
export VECTOR_BENCH_DATA=${VECTOR_BENCH_DATA:-$repo/artifacts/vector-data}
export VECTOR_BENCH_OUT="$out"
phases=${VECTOR_BENCH_PHASES:-c flat hnsw}
mkdir -p "$out" "$VECTOR_BENCH_DATA"

dpkg -s libhnswlib-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libhnswlib-dev >/dev/null; }
if [ ! -s "$VECTOR_BENCH_DATA/gt.ivecs" ]; then
  gcc -O3 -march=native -fopenmp "$shared/gen.c" -lm -o "$out/gen"
  flock -s "$lock" "$out/gen" "$VECTOR_BENCH_DATA" 100000 384 1000 1000 1.0 1.0 20240601 10
fi
flock -s "$lock" dotnet build -c Release "$repo/benchmarks/LlmStrategies.Benchmarks" -v q -nologo >/dev/null

bdn() {  # runs BenchmarkDotNet suites matching the filters, alone on the machine
  flock -x "$lock" dotnet "$repo/benchmarks/LlmStrategies.Benchmarks/bin/Release/net10.0/LlmStrategies.Benchmarks.dll" \
    --filter "$@" --artifacts "$out/bdn" 2>&1 | tee -a "$out/bdn.log" | grep -E '^\| |Run time|ERROR|Exception' || true
}

case " $phases " in *" c "*)
  echo "== C references (run.sh), exclusive lock"
  flock -x "$lock" bash "$shared/run.sh" "$VECTOR_BENCH_DATA" 2>&1 | tee "$out/c-references.txt";;
esac
case " $phases " in *" cflat "*)
  # The flat references alone (bandwidth and flat.c), built exactly as run.sh builds them: a short re-check.
  echo "== C references: read bandwidth and flat.c only, exclusive lock"
  gcc -O3 -march=native -fopenmp "$shared/bw_read.c" -o "$out/bw_read"
  gcc -O3 -march=native -fopenmp -I"$shared" "$shared/flat.c" -o "$out/flat"
  flock -x "$lock" bash -c "OMP_NUM_THREADS=1 '$out/bw_read' 150 7; OMP_NUM_THREADS=1 '$out/flat' '$VECTOR_BENCH_DATA' single avx512x4 3; OMP_NUM_THREADS=1 '$out/flat' '$VECTOR_BENCH_DATA' batch 4x4 3" 2>&1 | tee "$out/c-references.txt";;
esac
case " $phases " in *" flat "*)
  echo "== BenchmarkDotNet: flat and int8, exclusive lock"
  bdn '*VectorSearch.FlatSearchBenchmarks*' '*VectorSearch.QuantizedSearchBenchmarks*';;
esac
case " $phases " in *" hnsw "*)
  echo "== BenchmarkDotNet: HNSW build then search, exclusive lock"
  rm -f "$out/hnsw-m16-efc200-t1.lsv"
  bdn '*VectorSearch.HnswBuildBenchmarks*'
  bdn '*VectorSearch.HnswSearchBenchmarks*';;
esac
if [ "${VECTOR_BENCH_MILLION:-}" = 1 ]; then
  echo "== BenchmarkDotNet: HNSW 1M x 384 (non-default job), exclusive lock"
  bdn '*VectorSearch.HnswMillionBenchmarks*'
fi

mkdir -p "$repo/benchmarks/results/vector-search"
result="$repo/benchmarks/results/vector-search/$(date -u +%Y-%m-%d)-${VECTOR_BENCH_RESULT_NAME:-comparison}.md"
python3 "$repo/benchmarks/vector/summarize.py" "$out" > "$result"
echo "wrote $result (raw outputs in $out)"
