#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run the test suite.
#   - every test not labelled `slow` or `bench`, on a RelWithDebInfo build;
#   - clang's thread-safety analysis over the libraries (build/tsa): any finding fails;
#   - the store tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
# Slow suites and benchmarks run on request: see README.md ("Tests").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)
GOLDTHREAD_WITH_TEST_TOOLS=1 bash deploy/install-deps.sh
bash deploy/build.sh build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir build/test -LE 'slow|bench' -j "$jobs" --output-on-failure --timeout 600
# -Wthread-safety: every GUARDED_BY / REQUIRES / EXCLUDES (store/base/thread_annotations.h)
# checked by clang, each finding an error. Only what the analysis needs: the libraries and the
# one executable, no tests, at -O0 without debug information; through ccache when present.
if [[ "${GOLDTHREAD_SKIP_TSA:-0}" != "1" ]]; then
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  CC=clang CXX=clang++ cmake -S . -B build/tsa -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DGOLDTHREAD_BUILD_TESTS=OFF "${launcher[@]}" -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
    -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror=thread-safety" >/dev/null
  cmake --build build/tsa -j "$jobs"
  echo "goldthread: -Wthread-safety build (clang, build/tsa): no findings"
fi
if [[ "${GOLDTHREAD_SKIP_SANITIZERS:-0}" != "1" ]]; then
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGOLDTHREAD_SANITIZE=ON >/dev/null
  cmake --build build/asan -j "$jobs" --target store_tests
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan -L store -LE 'slow|bench' -j "$jobs" --output-on-failure --timeout 900
fi
