#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# wrk posting 1 KiB JSON over 64 keep-alive connections (wrk -t2 -c64) to:
#   1. nginx answering a static 202 (this machine's ceiling),
#   2. the webhook answering 202 without producing (route dryRun),
#   3. the webhook producing each request to the embedded Kafka (acks=all)
#      and answering 202 once the delivery report is in.
# Prints req/s, p50/p99 latency and the ratios per round (odd rounds start
# with nginx, even rounds with the Kafka route), and with several rounds the
# medians: the machine drifts by +-15 % over minutes, so use many short
# rounds (e.g. 5 s x 10) rather than a few long ones.
# Per target it also prints the CPU time per request (microseconds) of the
# server (nginx: master and workers; the webhook: all its threads, with the
# embedded Kafka), of wrk, and of the whole machine, and how much of the
# machine was idle: on two cores everything shares the same CPUs, so the
# req/s of each target follow from what one request costs. `steal` is the
# share of time the hypervisor ran other machines on this one's CPUs (a
# busy host): the script warns when it passes 3 %, as such figures are not
# comparable with a quiet host's.
# Usage: bench/webhook/run.sh [BUILD_DIR] [SECONDS] [ROUNDS]
# Needs: wrk, nginx (Debian nginx-light), build target bench_webhook_server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
seconds="${2:-10}"
rounds="${3:-1}"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$nginx_bin" ]] || { echo "nginx is not installed (apt-get install nginx-light)" >&2; exit 2; }

# shellcheck source=common.sh
source "$here/common.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

nginx_port="$(free_port)"
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 202 '{"status":"accepted"}'; }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx.err" &
pids+=($!)
nginx_pid=$!

start_server "$work/dry.port" --dry-run
dry_pid=$!
start_server "$work/kafka.port"
kafka_pid=$!
dry_port="$(head -1 "$work/dry.port")"
kafka_port="$(head -1 "$work/kafka.port")"
sleep 1

# Warm up (connections, producer metadata, topic leaders).
for p in "$nginx_port" "$dry_port" "$kafka_port"; do
  wrk -t2 -c64 -d2s -s "$here/post.lua" "http://127.0.0.1:$p/webhooks/orders" >/dev/null
done

to_ms() {  # "1.23ms" | "456.00us" | "1.02s" -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

hz="$(getconf CLK_TCK)"
# CPU ticks (user + system) of a process and its children (nginx's workers).
ticks() {
  awk -v p="$1" '{ sub(/^.*\) /, "") } $2 == p || FILENAME == "/proc/" p "/stat" { t += $12 + $13 } END { print t + 0 }' \
    /proc/[0-9]*/stat 2>/dev/null
}
# total, idle, steal (time the hypervisor gave this machine's CPUs to others)
machine() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6, $9 }' /proc/stat; }

run() {  # name port pid -> "rps p50 p99 non2xx server_us wrk_us machine_us idle% steal%"
  local out s1 s2 t1 i1 st1 t2 i2 st2 wrk_cpu
  s1="$(ticks "$3")"
  read -r t1 i1 st1 <<<"$(machine)"
  local TIMEFORMAT='%U %S'
  wrk_cpu="$( { time wrk -t2 -c64 -d"${seconds}s" --latency -s "$here/post.lua" "http://127.0.0.1:$2/webhooks/orders" \
    >"$work/wrk.$1.txt" 2>"$work/wrk.$1.err"; } 2>&1 )"
  s2="$(ticks "$3")"
  read -r t2 i2 st2 <<<"$(machine)"
  out="$(cat "$work/wrk.$1.txt")"
  local rps p50 p99 non n
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  n="$(awk '/requests in/ {print $1}' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  non="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  awk -v rps="${rps:-0}" -v p50="$p50" -v p99="$p99" -v non="${non:-0}" -v n="$n" -v hz="$hz" -v s="$((s2 - s1))" \
    -v w="$wrk_cpu" -v t="$((t2 - t1))" -v i="$((i2 - i1))" -v st="$((st2 - st1))" 'BEGIN {
    if (n + 0 == 0) { printf "%s %s %s %s - - - - -\n", rps, p50, p99, non; exit }  # wrk got no answer
    split(w, wu, " "); us = 1e6 / hz / n
    printf "%s %s %s %s %.1f %.1f %.1f %.0f %.0f\n", rps, p50, p99, non, s * us, (wu[1] + wu[2]) * 1e6 / n, (t - i - st) * us,
      100 * i / t, 100 * st / t }'
}

echo "webhook bench: wrk -t2 -c64 -d${seconds}s, 1 KiB JSON POST, keep-alive; $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-28s %12s %9s %9s %8s %10s %10s %10s %6s %6s\n' round target req/s p50_ms p99_ms non2xx \
  server_us wrk_us machine_us idle steal
echo "(*_us: CPU time per request in microseconds; idle: share of the machine's CPU time left idle;"
echo " steal: share the hypervisor gave to other machines; figures taken with steal above a few % are not comparable)"
row='%-8s %-28s %12s %9s %9s %8s %10s %10s %10s %5s%% %5s%%\n'
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
all_n="" all_d="" all_k="" all_r="" all_p="" all_sn="" all_sd="" all_sk="" all_wn="" all_wd="" all_wk="" all_in="" all_id="" all_ik="" all_st=""
for round in $(seq "$rounds"); do
  # Odd rounds run nginx first, even rounds the Kafka route first: the
  # machine's throughput drifts over minutes, and neither side should always
  # get the same slot.
  if (( round % 2 )); then
    read -r n_rps n_p50 n_p99 n_non n_srv n_wrk n_all n_idle n_steal <<<"$(run nginx "$nginx_port" "$nginx_pid")"
    read -r d_rps d_p50 d_p99 d_non d_srv d_wrk d_all d_idle d_steal <<<"$(run dry "$dry_port" "$dry_pid")"
    read -r k_rps k_p50 k_p99 k_non k_srv k_wrk k_all k_idle k_steal <<<"$(run kafka "$kafka_port" "$kafka_pid")"
  else
    read -r k_rps k_p50 k_p99 k_non k_srv k_wrk k_all k_idle k_steal <<<"$(run kafka "$kafka_port" "$kafka_pid")"
    read -r d_rps d_p50 d_p99 d_non d_srv d_wrk d_all d_idle d_steal <<<"$(run dry "$dry_port" "$dry_pid")"
    read -r n_rps n_p50 n_p99 n_non n_srv n_wrk n_all n_idle n_steal <<<"$(run nginx "$nginx_port" "$nginx_pid")"
  fi
  printf "$row" "$round" "nginx return 202" "$n_rps" "$n_p50" "$n_p99" "$n_non" "$n_srv" "$n_wrk" "$n_all" "$n_idle" "$n_steal"
  printf "$row" "$round" "webhook, no produce" "$d_rps" "$d_p50" "$d_p99" "$d_non" "$d_srv" "$d_wrk" "$d_all" "$d_idle" "$d_steal"
  printf "$row" "$round" "webhook -> Kafka acks=all" "$k_rps" "$k_p50" "$k_p99" "$k_non" "$k_srv" "$k_wrk" "$k_all" "$k_idle" "$k_steal"
  awk -v n="$n_rps" -v d="$d_rps" -v k="$k_rps" -v p="$k_p99" 'BEGIN {
    printf "         ratios: kafka/nginx %.2f (goal >= 0.50), no-produce/nginx %.2f, kafka/no-produce %.2f; kafka p99 %.2f ms (goal < 20)\n",
      k / n, d / n, k / d, p }'
  all_n+=" $n_rps" all_d+=" $d_rps" all_k+=" $k_rps" all_p+=" $k_p99"
  all_sn+=" $n_srv" all_sd+=" $d_srv" all_sk+=" $k_srv" all_wn+=" $n_wrk" all_wd+=" $d_wrk" all_wk+=" $k_wrk"
  all_in+=" $n_idle" all_id+=" $d_idle" all_ik+=" $k_idle"
  all_st+=" $n_steal $d_steal $k_steal"
  all_r+=" $(awk -v n="$n_rps" -v k="$k_rps" 'BEGIN { printf "%.3f", k / n }')"
done
if (( rounds > 1 )); then
  m_n="$(median <<<"$all_n")" m_d="$(median <<<"$all_d")" m_k="$(median <<<"$all_k")"
  m_r="$(median <<<"$all_r")"
  lo="$(tr ' ' '\n' <<<"$all_r" | grep -v '^$' | sort -g | head -1)"
  hi="$(tr ' ' '\n' <<<"$all_r" | grep -v '^$' | sort -g | tail -1)"
  p_hi="$(tr ' ' '\n' <<<"$all_p" | grep -v '^$' | sort -g | tail -1)"
  echo "summary over $rounds rounds: median req/s nginx $m_n, no produce $m_d, Kafka $m_k"
  echo "         median CPU per request, server + wrk: nginx $(median <<<"$all_sn") + $(median <<<"$all_wn") us," \
    "no produce $(median <<<"$all_sd") + $(median <<<"$all_wd") us, Kafka $(median <<<"$all_sk") + $(median <<<"$all_wk") us;" \
    "machine idle: $(median <<<"$all_in") %, $(median <<<"$all_id") %, $(median <<<"$all_ik") %"
  awk -v r="$m_r" -v lo="$lo" -v hi="$hi" -v p="$p_hi" 'BEGIN {
    printf "         kafka/nginx median of rounds %.2f (goal >= 0.50; rounds %.2f-%.2f), worst kafka p99 %.2f ms (goal < 20)\n",
      r, lo, hi, p }'
fi
st_hi="$(tr ' ' '\n' <<<"$all_st" | grep -v '^[-]*$' | sort -g | tail -1)"
if (( ${st_hi:-0} > 3 )); then
  echo "warning: the hypervisor took up to ${st_hi} % of this machine's CPU time (steal) during a measurement;" \
    "the host is busy, and these figures are not comparable with runs without steal" >&2
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
