#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one libFuzzer target for a while:
#   bench/fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
# TARGET: spec | validate | endpoint | kubeconfig | flow_file | header_mapping |
# webhook_auth | webhook_http | webhook_json. Builds build-fuzz/ with
# clang++-14 (-fsanitize=fuzzer,address,undefined, library included) on first
# use, starts from the seed corpus tests/fuzz/corpus/TARGET and grows a
# working corpus in build-fuzz/fuzz-corpus/TARGET. A crash, leak or timeout
# (10 s per input) stops it and leaves the input in build-fuzz/fuzz-artifacts/:
# add it to tests/data/fuzz/TARGET/ and a regression test, then fix it.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET SECONDS [libFuzzer flags...]   (targets: spec validate endpoint kubeconfig flow_file header_mapping webhook_auth webhook_http webhook_json)" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seeds=$root/tests/fuzz/corpus/$target
[ -d "$seeds" ] || { echo "run.sh: no target '$target' (no $seeds)" >&2; exit 2; }

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++-14 -DPLATFORM_BUILD_FUZZ=ON -DPLATFORM_BUILD_TESTS=ON \
    -DPLATFORM_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS="-fno-sanitize-recover=all" \
    -DPLATFORM_BUILD_PYTHON=OFF -DPLATFORM_BUILD_CLI=OFF -DPLATFORM_BUILD_BENCH=OFF \
    -DPLATFORM_BUILD_EXAMPLES=OFF >/dev/null
fi
cmake --build "$build" --target "fuzz_$target"

corpus=$build/fuzz-corpus/$target
artifacts=$build/fuzz-artifacts/$target/
mkdir -p "$corpus" "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Seeds first, new inputs into the working corpus; -jobs keeps to one core.
"$build/tests/fuzz/fuzz_$target" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" "$@"
echo "fuzz_$target: corpus $(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1)"
