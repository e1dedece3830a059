#!/usr/bin/env bash
# timed-run.sh LOG COMMAND... : runs COMMAND with its output in LOG, then appends one line saying how much CPU time the
# rest of the machine used meanwhile (all CPUs' busy time from /proc/stat minus this command's own user + system time)
# and the hypervisor's steal time, so summarize.py and run-comparison.sh can tell a disturbed run from a clean one.
set -uo pipefail
log=$1; shift
hz=$(getconf CLK_TCK)
stat() { awk '/^cpu /{print $2+$3+$4+$7+$8, $9}' /proc/stat; }
read -r busy0 steal0 < <(stat)
TIMEFORMAT='%R %U %S'
{ time "$@" > "$log" 2>&1; } 2> "$log.time"
rc=$?
read -r busy1 steal1 < <(stat)
read -r wall user sys < "$log.time"
rm -f "$log.time"
awk -v b0="$busy0" -v b1="$busy1" -v s0="$steal0" -v s1="$steal1" -v hz="$hz" -v w="$wall" -v u="$user" -v s="$sys" -v n="$(nproc)" 'BEGIN {
  others = (b1 - b0) / hz - u - s; if (others < 0) others = 0
  printf "cpu-usage: wall %.2f s, own cpu %.2f s, other processes %.2f s (%.1f%% of the machine), steal %.2f s\n", w, u + s, others, 100 * others / (w * n), (s1 - s0) / hz
}' >> "$log"
exit $rc
