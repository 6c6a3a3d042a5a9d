# SPDX-License-Identifier: Apache-2.0
# Sourced by bench/webhook/run.sh and wakeups.sh after they set `here` and
# `build`: checks for the bench server and wrk, warns about leftover bench
# servers, makes the scratch directory `work`, and stops what start_server
# (or the caller, through `pids`) started when the script exits.

server="$build/bench/webhook/bench_webhook_server"
[[ -x "$server" ]] || { echo "build it first: ninja -C $build bench_webhook_server" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

# Bench servers left running by an interrupted script take CPU from this run
# (each keeps an embedded Kafka with its timers), and their threads have the
# same names as this run's.
others="$( (grep -lx bench_webhook_s /proc/[0-9]*/comm 2>/dev/null || true) | wc -l)"
if (( others > 0 )); then
  echo "warning: $others other bench_webhook_server process(es) running; they take CPU from this run" \
    "(stop them: pkill -f bench_webhook_server)" >&2
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_server PORT_FILE [FLAGS...]: starts the bench server in the
# background ($! is its pid afterwards) and waits until it printed its port.
# Not in $(...): a subshell's pids+=() would be lost and the server left running.
start_server() {
  local file="$1"
  shift
  "$server" "$@" >"$file" 2>>"$work/server.log" &
  pids+=($!)
  for _ in $(seq 100); do [[ -s "$file" ]] && break; sleep 0.1; done
  [[ -s "$file" ]] || { echo "the bench server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
}
