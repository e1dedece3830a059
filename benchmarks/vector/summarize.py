#!/usr/bin/env python3
"""Turns one run-comparison.sh output folder into the results markdown (stdout): machine, raw figures, ratios."""
import glob
import json
import math
import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone

out = sys.argv[1]


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:  # noqa: BLE001 - machine facts are best effort
        return "?"


# ---- BenchmarkDotNet -------------------------------------------------------------------------------------------
bdn = {}
for path in glob.glob(os.path.join(out, "bdn", "results", "*-report-full.json")):
    with open(path) as f:
        report = json.load(f)
    for b in report.get("Benchmarks", []):
        cls = b.get("Type", "")
        key = (cls, b.get("Method", ""), b.get("Parameters", ""))
        stats = b.get("Statistics") or {}
        mem = b.get("Memory") or {}
        bdn[key] = {"median_ns": stats.get("Median"), "alloc": mem.get("BytesAllocatedPerOperation")}
    host = report.get("HostEnvironmentInfo", {})


def med(cls, method, params=""):
    v = bdn.get((cls, method, params))
    return v["median_ns"] if v and v["median_ns"] else None


def alloc(cls, method, params=""):
    v = bdn.get((cls, method, params))
    return v["alloc"] if v else None


side = {}
side_path = os.path.join(out, "side-results.txt")
if os.path.exists(side_path):
    for line in open(side_path):
        parts = line.split()
        if len(parts) == 2:
            side[parts[0]] = float(parts[1])

# ---- C references -----------------------------------------------------------------------------------------------
c = open(os.path.join(out, "c-references.txt")).read() if os.path.exists(os.path.join(out, "c-references.txt")) else ""
bw = {}
for m in re.finditer(r"read-sum threads=(\d+) size=(\d+) MiB .*?median ([\d.]+)", c):
    bw[(int(m.group(1)), int(m.group(2)))] = float(m.group(3))
flat_single_c = re.search(r"flat single\s+\S+\s+threads=1 .*?QPS median ([\d.]+)", c)
flat_batch_c = re.search(r"flat batch\s+\S+\s+threads=1 .*?QPS median ([\d.]+).*?([\d.]+) GFLOP/s", c)
hnsw_build_c = {int(m.group(1)): float(m.group(2)) for m in re.finditer(r"hnswlib build: .*?threads=(\d+)\s+time ([\d.]+) s", c)}
hnsw_c = {}
blocks = re.split(r"(?=hnswlib build:)", c)
for block in blocks:
    t = re.search(r"threads=(\d+)", block)
    if not t or int(t.group(1)) != 1:
        continue
    for m in re.finditer(r"ef=\s*(\d+) recall@10 ([\d.]+)\s+QPS median (\d+)", block):
        hnsw_c[int(m.group(1))] = (float(m.group(2)), float(m.group(3)))
dot_peak = re.findall(r"nvec=\s*(\d+).*?avx512 \(1 q x 4 vec\)\s+GFLOP/s min\s+[\d.]+ median\s+([\d.]+)", c)

F = ""  # BenchmarkDotNet reports the type name without its namespace


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def ratio(a, b, digits=2):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.{digits}f}×"


lines = []
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
cpu = sh("lscpu | sed -n 's/^Model name:[ ]*//p' | head -1")
ram = sh("free -g | awk '/Mem:/{print $2}'")
l3 = sh("lscpu | sed -n 's/^L3 cache:[ ]*//p'")
osname = sh(". /etc/os-release && echo $PRETTY_NAME")
runtime = sh("dotnet --list-runtimes | grep NETCore | tail -1 | cut -d' ' -f2")
lines += [
    "# Vector search: .NET vs the machine's limits and the C references",
    "",
    f"- Date: {now} (run folder `{os.path.basename(out.rstrip('/'))}`)",
    f"- Machine: {cpu}, {sh('nproc')} cores, {ram} GiB RAM, {l3} L3; {osname}, kernel {platform.release()}",
    f"- .NET: SDK {sh('dotnet --version')}, runtime {runtime}; gcc {sh('gcc -dumpversion')}; hnswlib 0.6.2 (Debian libhnswlib-dev)",
    "- Data: ../shared/bench/vector/gen.c, 100,000 × 384 float32 L2-normalised, 1,000 queries, exact top-10 (inner product).",
    "- Method: C references (run.sh) then BenchmarkDotNet, back to back, each under the exclusive CPU lock. Medians. "
    "The machine is a shared VM: compare the ratios, not the absolute figures.",
    "",
]

bytes_ = side.get("flat.bytes", 100000 * 384 * 4)
flops = side.get("flat.flops_per_query", 2 * 100000 * 384)
read_ns = med(F + "FlatSearchBenchmarks", "ReadSum")
single_ns = med(F + "FlatSearchBenchmarks", "SingleQueryTop10")
batch_ns = med(F + "FlatSearchBenchmarks", "Batch1000Top10")
batch2_ns = med(F + "FlatSearchBenchmarks", "Batch1000Top10TwoThreads")
bw_net = bytes_ / read_ns if read_ns else None  # bytes per ns = GB/s
scan = bytes_ / single_ns if single_ns else None
single_qps = 1e9 / single_ns if single_ns else None
batch_qps = 1e9 / batch_ns if batch_ns else None
batch2_qps = 1e9 / batch2_ns if batch2_ns else None
gflops = flops / batch_ns if batch_ns else None
c_single = float(flat_single_c.group(1)) if flat_single_c else None
c_batch = float(flat_batch_c.group(1)) if flat_batch_c else None
c_gflops = float(flat_batch_c.group(2)) if flat_batch_c else None

q = F + "QuantizedSearchBenchmarks"
int8 = {}
for mult in (1, 4):
    f32 = med(q, "Float32SingleQueryTop10", f"RescoreMultiplier={mult}")
    i8 = med(q, "Int8SingleQueryTop10", f"RescoreMultiplier={mult}")
    int8[mult] = (f32, i8, side.get(f"int8.x{mult}.recall"))

hs = F + "HnswSearchBenchmarks"
ours = {}
for ef in (10, 20, 40, 80, 160):
    ns = med(hs, "SearchTop10", f"EfSearch={ef}")
    ours[ef] = (side.get(f"hnsw.ef{ef}.recall"), 1e9 / ns if ns else None)
# BenchmarkDotNet's figure (the whole Build invocation) when present, else the setup's stopwatch.
build = {t: (med("HnswBuildBenchmarks", "Build", f"Threads={t}") or 0) / 1e9 or side.get(f"hnsw.build.t{t}.seconds") for t in (1, 2)}
build = {t: v or None for t, v in build.items()}


def qps_at_recall(curve, target):
    """Our QPS at a given recall, interpolating log(QPS) linearly in recall between measured efSearch points."""
    pts = sorted((r, qq) for r, qq in curve if r is not None and qq)
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= target <= r1:
            if r1 == r0:
                return max(q0, q1)
            w = (target - r0) / (r1 - r0)
            return math.exp(math.log(q0) * (1 - w) + math.log(q1) * w)
    if pts and target <= pts[0][0]:
        return pts[0][1]
    return None


curve = list(ours.values())
equal = {ef: (rc, qc, qps_at_recall(curve, rc)) for ef, (rc, qc) in hnsw_c.items()}

lines += ["## Headline", "", "| measurement | .NET (this library) | reference | ratio | goal |", "|---|---|---|---|---|"]
lines.append(f"| flat single query, top-10 (1 thread) | {fmt(single_qps)} QPS = {fmt(scan, 2)} GB/s scanned | read-sum {fmt(bw_net, 2)} GB/s (.NET, same buffer size) | {ratio(scan, bw_net, 3)} of bandwidth | ≥ 0.90× |")
lines.append(f"| flat single query vs flat.c | {fmt(single_qps)} QPS | flat.c {fmt(c_single)} QPS | {ratio(single_qps, c_single, 3)} | ≥ 0.9× |")
lines.append(f"| flat batch of 1,000, top-10 (1 thread) | {fmt(batch_qps)} QPS = {fmt(gflops)} GFLOP/s | flat.c blocked {fmt(c_batch)} QPS = {fmt(c_gflops)} GFLOP/s | {ratio(batch_qps, c_batch)} | ≥ 0.9× |")
f32, i8, rec = int8.get(4, (None, None, None))
lines.append(f"| int8 + float32 re-scoring (×4 candidates), single query | {fmt(1e9 / i8 if i8 else None)} QPS, recall@10 {fmt(rec, 4)} | float32 flat {fmt(1e9 / f32 if f32 else None)} QPS | {ratio(f32, i8)} | ≥ 3× at recall ≥ 0.99 |")
f32, i8, rec = int8.get(1, (None, None, None))
lines.append(f"| int8 + re-scoring (k+32 candidates), single query | {fmt(1e9 / i8 if i8 else None)} QPS, recall@10 {fmt(rec, 4)} | float32 flat {fmt(1e9 / f32 if f32 else None)} QPS | {ratio(f32, i8)} | ≥ 3× at recall ≥ 0.99 |")
for ef, (rc, qc, qo) in sorted(equal.items()):
    if rc >= 0.95:
        lines.append(f"| HNSW QPS at hnswlib's recall {rc:.4f} (hnswlib ef={ef}) | {fmt(qo, 0)} QPS (interpolated) | hnswlib {fmt(qc, 0)} QPS | {ratio(qo, qc)} | ≥ 1.0× |")
for t in (1, 2):
    ours_b, theirs_b = build.get(t), hnsw_build_c.get(t)
    if ours_b is None and theirs_b is None:
        continue
    lines.append(f"| HNSW build M=16 efC=200, {t} thread{'s' if t > 1 else ''} | {fmt(ours_b, 1)} s | hnswlib {fmt(theirs_b, 1)} s | {ratio(ours_b, theirs_b)} time | ≤ 1.25× |")
allocs = [(k[1] + (f" ({k[2]})" if k[2] else ""), v["alloc"]) for k, v in sorted(bdn.items()) if "Search" in k[0] and k[1] != "ReadSum"]
worst = max((a for _, a in allocs if a is not None), default=None)
lines.append(f"| allocations per query, every search benchmark | max {fmt(worst, 0)} B/op | — | — | 0 B |")
lines.append("")

hnsw_rows = [] if not any(q for _, q in ours.values()) and not hnsw_c else (10, 20, 40, 80, 160)
if hnsw_rows:
    lines += ["## HNSW, single-thread search, top-10 (M = 16, efConstruction = 200)", "",
              "| efSearch | .NET recall@10 | .NET QPS | hnswlib recall@10 | hnswlib QPS | QPS ratio (same ef) |", "|---|---|---|---|---|---|"]
for ef in hnsw_rows:
    ro, qo = ours[ef]
    rc, qc = hnsw_c.get(ef, (None, None))
    lines.append(f"| {ef} | {fmt(ro, 4)} | {fmt(qo, 0)} | {fmt(rc, 4)} | {fmt(qc, 0)} | {ratio(qo, qc)} |")
if hnsw_rows:
    lines.append("")

million = [(ef, side.get(f"hnsw1m.ef{ef}.recall"), med("HnswMillionBenchmarks", "SearchTop10", f"EfSearch={ef}")) for ef in (40, 80, 160)]
if any(ns for _, _, ns in million):
    lines += ["## HNSW on 1,000,000 × 384 (non-default job; built with 2 threads, searched with 1)", "",
              f"Build time: {fmt(side.get('hnsw1m.build.t2.seconds'), 1)} s (one timed build, 2 threads).", "",
              "| efSearch | recall@10 | QPS | allocated/op |", "|---|---|---|---|"]
    for ef, rec, ns in million:
        lines.append(f"| {ef} | {fmt(rec, 4)} | {fmt(1e9 / ns if ns else None, 0)} | {fmt(alloc('HnswMillionBenchmarks', 'SearchTop10', f'EfSearch={ef}'), 0)} B |")
    lines.append("")

lines += ["## Raw BenchmarkDotNet figures (median per operation; batch and search rows are per query)", "",
          "| suite | benchmark | parameters | median | allocated/op |", "|---|---|---|---|---|"]
for (cls, method, params), v in sorted(bdn.items()):
    ns = v["median_ns"]
    shown = "n/a" if ns is None else (f"{ns / 1e6:,.3f} ms" if ns >= 1e6 else f"{ns / 1e3:,.2f} µs")
    lines.append(f"| {cls.replace(F, '')} | {method} | {params or '—'} | {shown} | {fmt(v['alloc'], 0)} B |")
lines.append("")
lines += ["## Side results (recall, build times) written by the benchmark setups", "", "```"] + [f"{k} {v}" for k, v in sorted(side.items())] + ["```", ""]
lines += ["## C reference output (../shared/bench/vector/run.sh, same run)", "", "```", c.strip(), "```", ""]
print("\n".join(lines))
