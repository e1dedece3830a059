#!/usr/bin/env python3
"""Turns one run-comparison.sh log folder into the results markdown (stdout).

Every ratio is computed within one round (rN-dotnet-X beside rN-c-X, timed one after the other); the table shows the
median over rounds and each round's ratio. HNSW is compared at equal recall: each side's queries/s at recall 0.95 and
0.99 is interpolated (log queries/s linear in recall) on that side's own efSearch curve of the same round.
"""
import glob
import math
import os
import re
import statistics
import sys

out = sys.argv[1]


def read(name):
    path = os.path.join(out, name + ".log")
    return open(path).read() if os.path.exists(path) else None


def rounds():
    found = set()
    for path in glob.glob(os.path.join(out, "r*-*.log")):
        m = re.match(r"r(\d+)-", os.path.basename(path))
        if m and ".disturbed" not in path:
            found.add(int(m.group(1)))
    return sorted(found)


def num(pattern, text, group=1):
    m = re.search(pattern, text or "")
    return float(m.group(group)) if m else None


def qps(text):
    return num(r"QPS median ([\d.]+)", text)


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


machine = open(os.path.join(out, "machine.txt")).read() if os.path.exists(os.path.join(out, "machine.txt")) else ""
threads = int(num(r"threads used: (\d+)", machine) or 1)
R = rounds()
lines = ["# Vector search: LlmStrategies.VectorSearch against flat.c and hnswlib, same machine, same work", ""]
lines += ["Machine and run (from `machine.txt` of the run folder `" + os.path.basename(out.rstrip("/")) + "`):", "", "```", machine.strip(), "```", ""]
lines += [
    "Method: `benchmarks/vector/run-comparison.sh` — the library through its public API in the Stopwatch harness "
    "(`benchmarks/VectorHarness`), the C references built here with `-O3 -march=native`, on gen.c data "
    "(L2-normalised, 1,000 clusters, seed 20240601, exact top-10 by inner product). Each process does one warm-up pass "
    "and 3 timed passes (median reported); library and reference processes alternate (A B A B ...), one pair per round; "
    "each ratio below is from one round, the table shows the median of the rounds and every round's ratio. A run during "
    "which other processes used more than 6% of the machine (and 0.05 s), or a multi-thread reference not 1.3× its one-thread "
    "figure, was rerun (logs `*.disturbed-N.log`).",
    "",
]

rows = []  # (measurement, ours, reference, ratios, goal)


def pair(ours_name, ref_name, extract_ours, extract_ref, higher_is_better=True):
    ours, refs, ratios = [], [], []
    for r in R:
        o = extract_ours(read(f"r{r}-{ours_name}"))
        c = extract_ref(read(f"r{r}-{ref_name}"))
        ours.append(o)
        refs.append(c)
        if o is not None and c not in (None, 0):
            ratios.append(o / c if higher_is_better else c / o)
    return med(ours), med(refs), ratios


def ratio_cell(ratios):
    if not ratios:
        return "n/a"
    return f"**{med(ratios):.2f}×** ({', '.join(f'{x:.2f}' for x in ratios)})"


def add(label, ours_name, ref_name, unit, goal, extract_ours=qps, extract_ref=qps, higher_is_better=True, digits=1):
    o, c, ratios = pair(ours_name, ref_name, extract_ours, extract_ref, higher_is_better)
    if o is None and c is None:
        return
    rows.append((label, f"{fmt(o, digits)} {unit}", f"{fmt(c, digits)} {unit}", ratio_cell(ratios), goal))


add("read bandwidth, 1 thread (.NET read-sum vs bw_read.c)", "dotnet-readsum", "c-readsum", "GB/s", "—",
    extract_ours=lambda t: num(r"GB/s median ([\d.]+)", t), extract_ref=lambda t: num(r"GB/s: min [\d.]+\s+median ([\d.]+)", t), digits=2)
add("flat single query, top-10, 1 thread (vs flat.c avx512x4)", "dotnet-flat-single", "c-flat-single", "QPS", "≥ 0.95×")
add("flat batch of 1,000, 1 thread (vs flat.c blocked 4×4)", "dotnet-flat-batch-t1", "c-flat-batch-t1", "QPS", "—")
if threads > 1:
    add(f"flat batch of 1,000, {threads} threads (vs flat.c, {threads} OpenMP threads)", f"dotnet-flat-batch-t{threads}", f"c-flat-batch-t{threads}", "QPS", "≥ 0.95×")
    add(f"flat batch of 1,000 on **1M** × 384, {threads} threads", f"dotnet-1m-flat-batch-t{threads}", f"c-1m-flat-batch-t{threads}", "QPS", "≥ 0.95×")


def build_time(t):
    return num(r"time ([\d.]+) s", t)


for t in sorted({1, threads}):
    add(f"HNSW build 100k, M16 efC200, {t} thread{'s' if t > 1 else ''} (time; ratio = hnswlib time / ours)", f"dotnet-hnsw-build-t{t}", f"c-hnsw-build-t{t}", "s", "≥ 1× (faster)",
        extract_ours=build_time, extract_ref=build_time, higher_is_better=False)
add(f"HNSW build **1M**, {threads} threads (one build each)", f"dotnet-1m-hnsw-build-t{threads}", f"c-1m-hnsw-build-t{threads}", "s", "—",
    extract_ours=build_time, extract_ref=build_time, higher_is_better=False)


def curve(text, t):
    pts = []
    for m in re.finditer(rf"search threads={t}: ef=\s*(\d+) recall@10 ([\d.]+)\s+QPS median ([\d.]+)", text or ""):
        pts.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
    return pts


def at_recall(pts, target):
    """QPS at `target` recall: log(QPS) linear in recall between the two measured efSearch points around it."""
    pts = sorted((r, q) for _, r, q in pts)
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= target <= r1:
            if r1 == r0:
                return max(q0, q1)
            w = (target - r0) / (r1 - r0)
            return math.exp(math.log(q0) * (1 - w) + math.log(q1) * w)
    return None


hnsw_rows = []
for scale, prefix in (("100k", ""), ("1M", "1m-")):
    for t in sorted({1, threads}):
        for target in (0.95, 0.99):
            ours, refs, ratios = [], [], []
            for r in R:
                o = at_recall(curve(read(f"r{r}-dotnet-{prefix}hnsw-search"), t), target)
                c = at_recall(curve(read(f"r{r}-c-{prefix}hnsw-search"), t), target)
                ours.append(o)
                refs.append(c)
                if o and c:
                    ratios.append(o / c)
            if any(ours) or any(refs):
                goal = "≥ 1.2×" if t == 1 else "—"
                rows.append((f"HNSW {scale} search at recall@10 = {target}, {t} thread{'s' if t > 1 else ''} (QPS interpolated)", f"{fmt(med(ours), 0)} QPS", f"{fmt(med(refs), 0)} QPS", ratio_cell(ratios), goal))

for scale, prefix in (("100k", ""), ("1M", "1m-")):
    bo = [num(r"dotnet hnsw memory: N=\d+\s+([\d.]+) bytes/vector", read(f"r1-dotnet-{prefix}hnsw-build-t{t}")) for t in sorted({1, threads})]
    bc = [num(r"hnswlib memory: N=\d+\s+([\d.]+) bytes/vector", read(f"r1-c-{prefix}hnsw-build-t{t}")) for t in sorted({1, threads})]
    o, c = med(bo), med(bc)
    if o or c:
        rows.append((f"HNSW {scale} memory, bytes per vector (ratio = hnswlib / ours)", f"{fmt(o, 0)} B", f"{fmt(c, 0)} B", f"**{c / o:.2f}×**" if o and c else "n/a", "≥ 1× (≤ hnswlib's)"))

int8 = []
for m in (4, 10):
    texts = [read(f"r{r}-dotnet-int8-m{m}") for r in R]
    texts = [t for t in texts if t]
    if not texts:
        continue
    cand = int(num(r"candidates=(\d+)", texts[0]))
    int8.append(cand)
    speedups = [num(r"speed-up per alternating pass median ([\d.]+)", t) for t in texts]
    recall = num(r"recall@10 ([\d.]+)", texts[0])
    flat_qps = med([num(r"int8-float32.*QPS median ([\d.]+)", t) for t in texts])
    rows.append((f"int8 + float32 re-scoring, {cand} candidates (multiplier {m}), 1 thread; recall@10 {recall:.4f}",
                 f"{fmt(med([qps(t) for t in texts]))} QPS", f"float32 flat {fmt(flat_qps)} QPS",
                 ratio_cell([s for s in speedups if s]), "—"))
if len(int8) != len(set(int8)):
    raise SystemExit(f"two int8 configurations kept the same number of candidates ({int8}): they are the same setting")

allocs = [float(a) for path in glob.glob(os.path.join(out, "r*-dotnet-*.log")) for a in re.findall(r"allocated/query ([\d.]+) B", open(path).read())]
rows.append(("bytes allocated per query, every .NET search run (all threads)", f"max {fmt(max(allocs) if allocs else None, 0)} B", "—", "—", "0 B"))

lines += ["## Results", "", "| measurement | LlmStrategies | reference | ratio: median (each round) | goal |", "|---|---|---|---|---|"]
lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]
lines += ["", "Ratios above 1 favour LlmStrategies (for build time and memory the ratio is the reference's figure over ours).", ""]

disturbed = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "*.disturbed-*.log")))
still = []
for path in sorted(glob.glob(os.path.join(out, "r*-*.log"))):
    if ".disturbed-" in path:
        continue
    text = open(path).read()
    busy = num(r"\(([\d.]+)% of the machine\)", text)
    seconds = num(r"other processes ([\d.]+) s", text)
    if busy is not None and busy > 6 and (seconds or 0) > 0.05:
        still.append(f"`{os.path.basename(path)[:-4]}` ({busy:.0f}%)")
lines += ["## Reruns", "", ("Runs rerun because other processes used more than 6% of the machine meanwhile (or a multi-thread reference was not 1.3× its one-thread figure): "
          + ", ".join(f"`{d}`" for d in disturbed)) if disturbed else "No run was rerun.", ""]
lines += [("Runs kept although still disturbed after three reruns (their rounds' ratios are less reliable): " + ", ".join(still)) if still else "Every run kept was undisturbed (other processes used at most 6% of the machine, or under 0.05 s).", ""]

lines += ["## Raw output, round by round", ""]
for path in sorted(glob.glob(os.path.join(out, "r*-*.log"))):
    name = os.path.basename(path)[:-4]
    text = "\n".join(l for l in open(path).read().splitlines() if l.strip() and not l.startswith("dotnet data:"))
    lines += [f"`{name}`", "", "```", text, "```", ""]
print("\n".join(lines))
