#!/usr/bin/env bash
# Configures and builds one build tree. Usage: deploy/build.sh <build-dir> <cmake args...>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1; shift
# Through ccache when the machine has it (a developer's rebuilds); CI's fresh machine has not.
launcher=()
if command -v ccache >/dev/null && [[ " $* " != *COMPILER_LAUNCHER* ]]; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
