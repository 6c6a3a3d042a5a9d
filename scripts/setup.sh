#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian package libplatform needs (skipping what is present),
# and, with --services, starts the local RabbitMQ the tests use.
# Idempotent: run it as often as you like.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packages=$(grep -v '^\s*#' "$here/packages.txt" | tr -s ' \n' ' ')

missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages present"
fi

start_rabbitmq() {
  if timeout 15 rabbitmq-diagnostics -q check_running >/dev/null 2>&1; then
    echo "setup: rabbitmq already running"
  else
    echo "setup: starting rabbitmq-server"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    # `-detached` returns before the Erlang node registers with epmd, and
    # `await_startup` fails at once (exit 69) on a node it cannot see yet:
    # retry until the node answers, for at most two minutes.
    local deadline=$((SECONDS + 120))
    until rabbitmqctl -q await_startup >/dev/null 2>&1; do
      if (( SECONDS >= deadline )); then
        echo "setup: rabbitmq-server did not start within 120 s;" \
             "see /var/log/rabbitmq/ and run 'rabbitmqctl await_startup'" >&2
        exit 1
      fi
      sleep 1
    done
  fi
  # The seed's plugins; enabling an enabled plugin is a no-op.
  rabbitmq-plugins enable --quiet rabbitmq_federation rabbitmq_shovel rabbitmq_stream \
    rabbitmq_management rabbitmq_prometheus >/dev/null
  echo "setup: rabbitmq ready on 127.0.0.1:5672"
}

for arg in "$@"; do
  case "$arg" in
    --services) start_rabbitmq ;;
    *) echo "setup: unknown option '$arg' (use --services)" >&2; exit 2 ;;
  esac
done
