#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command: installs what is missing, starts the local
# RabbitMQ, builds, and runs the main job on the embedded default
# (`platformctl demo`: render + validate the platform, embedded Kafka with the
# seed's topics, the four data-flow patterns at once, a summary and an HTML
# report). Extra arguments go to `platformctl demo`, e.g. --duration 30 --rate 2000.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --services
"$root/scripts/build.sh"
ctl="${BUILD_DIR:-$root/build}/bindings/cli/platformctl"
out="$root/out"
mkdir -p "$out"
"$ctl" demo --html "$out/demo-report.html" "$@"
