#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds libplatform into ${BUILD_DIR:-build}. Extra arguments go to cmake's configure step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} \
  -DPython3_EXECUTABLE=/usr/bin/python3 "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
