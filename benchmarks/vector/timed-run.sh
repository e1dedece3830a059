#!/usr/bin/env bash
# timed-run.sh LOG COMMAND... : runs COMMAND with its output in LOG, then appends one line saying how much CPU time the
# rest of the machine used meanwhile (all CPUs' busy time from /proc/stat minus this command's own user + system time)
# and the hypervisor's steal time, so summarize.py and run-comparison.sh can tell a disturbed run from a clean one.
#
# TIMED_RUN_PRIORITY=N (root only): runs COMMAND with real-time priority N (SCHED_FIFO) and keeps every core busy with
# an idle spinner at real-time priority 1, so ordinary processes (other people's builds) get only the kernel's
# real-time throttling window (5% by default) while COMMAND runs: the same effect as an exclusive CPU lock, for machines
# where that lock cannot be had. The spinners never touch memory and yield to COMMAND's threads; their CPU time is not
# counted as other processes'.
set -uo pipefail
log=$1; shift
hz=$(getconf CLK_TCK)
stat() { awk '/^cpu /{print $2+$3+$4+$7+$8, $9}' /proc/stat; }
spinners=()
if [ -n "${TIMED_RUN_PRIORITY:-}" ]; then
  for _ in $(seq 1 "$(nproc)"); do chrt -f 1 bash -c 'while :; do :; done' & spinners+=($!); done
  set -- chrt -f "$TIMED_RUN_PRIORITY" "$@"
fi
spin_cpu() { local t=0 p; for p in "${spinners[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
read -r busy0 steal0 < <(stat)
spin0=$(spin_cpu)
TIMEFORMAT='%R %U %S'
{ time "$@" > "$log" 2>&1; } 2> "$log.time"
rc=$?
read -r busy1 steal1 < <(stat)
spin1=$(spin_cpu)
for p in "${spinners[@]}"; do kill "$p" 2>/dev/null; done
wait "${spinners[@]}" 2>/dev/null
read -r wall user sys < <(tail -1 "$log.time")
rm -f "$log.time"
awk -v b0="$busy0" -v b1="$busy1" -v s0="$steal0" -v s1="$steal1" -v p0="$spin0" -v p1="$spin1" -v hz="$hz" -v w="$wall" -v u="$user" -v s="$sys" -v n="$(nproc)" -v prio="${TIMED_RUN_PRIORITY:-}" 'BEGIN {
  others = (b1 - b0 - (p1 - p0)) / hz - u - s; if (others < 0) others = 0
  printf "cpu-usage: wall %.2f s, own cpu %.2f s, other processes %.2f s (%.1f%% of the machine), steal %.2f s%s\n", w, u + s, others, 100 * others / (w * n), (s1 - s0) / hz, prio == "" ? "" : ", real-time priority " prio " with idle spinners holding the other cores"
}' >> "$log"
exit $rc
