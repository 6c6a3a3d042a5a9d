#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Who wakes whom, per HTTP request, on the webhook's Kafka route under the
# bench's load (wrk -t2 -c64, bench/webhook/post.lua): records the
# scheduler's wake-up events of the whole machine for a few seconds with
# `perf sched record` and prints, per pair of threads (grouped by name), how
# many times one woke the other per request, and each of the server's
# threads' CPU time per request. On a virtual machine a wake-up of a thread
# on the other, idle CPU is expensive, so this shows where the Kafka route's
# time goes besides the work itself.
# Usage: bench/webhook/wakeups.sh [BUILD_DIR] [SECONDS] [server flags...]
#   e.g. bench/webhook/wakeups.sh build 2 --dry-run
# Needs: perf (Debian linux-perf), root or kernel.perf_event_paranoid <= -1,
# wrk, curl, build target bench_webhook_server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
seconds="${2:-2}"
shift $(($# < 2 ? $# : 2))
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is not installed (apt-get install curl)" >&2; exit 2; }
# shellcheck source=common.sh
source "$here/common.sh"

start_server "$work/port" "$@"
pid=$!
base="http://127.0.0.1:$(head -1 "$work/port")"
url="$base/webhooks/orders"
wrk -t2 -c64 -d2s -s "$here/post.lua" "$url" >/dev/null  # warm up

# Per thread of the server: name and CPU ticks (user + system).
threads() { for t in /proc/"$pid"/task/*; do echo "$(tr ' ' _ <"$t/comm") $(awk '{ print $14 + $15 }' "$t/stat")"; done; }
# Requests the server has answered so far (its /metrics).
answered() { curl -fsS "$base/metrics" | awk '/^webhook_requests_total/ { n += $NF } END { printf "%d", n }'; }
# One wrk run: CPU times first (tracing costs CPU itself), then the trace.
wrk -t2 -c64 -d"$((2 * seconds + 2))s" -s "$here/post.lua" "$url" >"$work/wrk.txt" &
wrk_pid=$!
pids+=("$wrk_pid")
sleep 1
threads >"$work/cpu.before"
r0="$(answered)"
sleep "$seconds"
threads >"$work/cpu.after"
r1="$(answered)"
perf sched record -a -o "$work/sched.data" -- sleep "$seconds" >/dev/null 2>"$work/perf.err" ||
  { echo "perf sched record failed:" >&2; cat "$work/perf.err" >&2; exit 1; }
r2="$(answered)"
wait "$wrk_pid"
(( r1 > r0 && r2 > r1 )) || { echo "the server answered no requests under wrk:" >&2; cat "$work/wrk.txt" "$work/server.log" >&2; exit 1; }
echo "server flags: ${*:-(Kafka route)}; wrk -t2 -c64: $((r1 - r0)) requests in ${seconds} s measuring CPU," \
  "$((r2 - r1)) in ${seconds} s traced"

echo
echo "wake-ups per request while traced (waker -> woken; threads grouped by name, digits dropped; top 12):"
perf sched timehist -w -i "$work/sched.data" 2>/dev/null |
  sed -n 's/^ *[0-9.]* *\[[0-9]*\] *\(.*\)\[[0-9/]*\] *awakened: \(.*\)\[[0-9/]*\].*$/\1\t\2/p' |
  sed 's/[0-9]*\t/\t/; s/[0-9]*$//' | sort | uniq -c | sort -rn | head -12 |
  awk -F'\t' -v n="$((r2 - r1))" '{ split($1, a, " "); c = a[1]; sub(/^ *[0-9]+ /, "", $1)
    printf "  %-20s -> %-20s %7.3f\n", $1, $2, c / n }'

echo
echo "the server's threads, CPU time per request (microseconds; measured before the trace):"
hz="$(getconf CLK_TCK)"
paste "$work/cpu.before" "$work/cpu.after" |
  awk -v n="$((r1 - r0))" -v hz="$hz" '{ sub(/[0-9]+$/, "", $1); c[$1] += $4 - $2 }
    END { for (t in c) if (c[t] > 0) printf "  %-20s %7.2f\n", t, c[t] * 1e6 / hz / n }' | sort -k2 -rn
