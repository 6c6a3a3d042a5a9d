#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command: installs what is missing, builds, and runs the
# main job on the embedded default.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --services
"$root/scripts/build.sh"
ctl="${BUILD_DIR:-$root/build}/bindings/cli/platformctl"
out="$root/out"
"$ctl" render --out "$out/manifests" --summary
"$ctl" validate "$out/manifests"
