#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# platformctl demo for 5 s at 200 msgs/s: exit 0, "lost 0" in the summary,
# every stage delivered every order, and the HTML report written.
set -uo pipefail
ctl=$1 out=$2
rm -rf "$out" && mkdir -p "$out"
"$ctl" demo --duration 5 --rate 200 --html "$out/report.html" >"$out/stdout.txt" 2>"$out/stderr.txt"
rc=$?
cat "$out/stdout.txt"
cat "$out/stderr.txt" >&2
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$rc" -eq 0 ] || fail "platformctl demo exited $rc"
grep -q "^validated [0-9]* documents in [0-9]* files: ok" "$out/stdout.txt" || fail "no validation line"
grep -q "result: lost 0, duplicates [0-9]*, rejected 0: ok" "$out/stdout.txt" || fail "summary does not say lost 0"
sent=$(awk '$1 == "sent" {print $NF}' "$out/stdout.txt")
[ "$sent" = 1000 ] || fail "expected 1000 orders sent (5 s x 200/s), got '$sent'"
for stage in webhook transformer 'kafka->rabbitmq' 'rabbitmq->kafka' notifications; do
  n=$(grep -F "delivered by $stage " "$out/stdout.txt" | awk '{print $NF}')
  [ "${n:-0}" -ge 1000 ] || fail "stage $stage delivered '${n}' < 1000"
done
[ -s "$out/report.html" ] || fail "no HTML report"
grep -q '<polyline class="series"' "$out/report.html" || fail "report has no chart lines"
if grep -Eq '(src|href)="(https?:)?//' "$out/report.html"; then fail "report loads external resources"; fi
echo "demo_run: ok"
