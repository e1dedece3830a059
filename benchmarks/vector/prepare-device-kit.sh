#!/usr/bin/env bash
# Prepares everything the lent 16-core machine needs to run the vector comparison in one go, without the .NET SDK or
# network: a self-contained, trimmed publish of the Stopwatch harness, the C references' sources and hnswlib 0.6.2's
# headers, in a git-ignored folder (default artifacts/device-kit) that the device tool's `carry` sends along.
# Usage: benchmarks/vector/prepare-device-kit.sh [KIT_DIR]     (needs the .NET SDK and libhnswlib-dev here)
# Then, with the device tool: run(command="bash benchmarks/vector/device-run.sh a", carry=["artifacts/device-kit"],
# timeout_s=420), and again with "b" (the 1M part); see device-run.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
kit=${1:-$repo/artifacts/device-kit}
rm -rf "$kit"
mkdir -p "$kit/hnswlib-include"
${BUILD_LOCK:-$([ -x /tmp/llms/build ] && echo /tmp/llms/build || true)} dotnet publish "$repo/benchmarks/VectorHarness" -c Release -r linux-x64 \
  --self-contained true -p:PublishTrimmed=true -o "$kit/harness" -v q -nologo
cp -r "$repo/benchmarks/vector/reference" "$kit/reference"
[ -f /usr/include/hnswlib/hnswlib.h ] || { apt-get update -qq && apt-get install -y -qq libhnswlib-dev >/dev/null; }
cp -r /usr/include/hnswlib "$kit/hnswlib-include/hnswlib"
echo "harness: $("$kit/harness/VectorHarness" 2>&1 | head -1 || true)"
du -sh "$kit"
