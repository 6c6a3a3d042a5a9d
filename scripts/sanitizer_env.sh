# SPDX-License-Identifier: Apache-2.0
# Source this before running ctest in build-asan/ or build-tsan/ by hand:
#   source scripts/sanitizer_env.sh && (cd build-asan && ctest)
# Every report is fatal (the test fails); the suppression files list only
# findings inside the C libraries, each with its upstream issue.
_san_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/sanitizers
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:suppressions=$_san_root/asan.supp"
export LSAN_OPTIONS="suppressions=$_san_root/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$_san_root/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$_san_root/tsan.supp"
unset _san_root
