#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build a Release binary, and run goldthread
# on its embedded default (RocksDB under ./var/). Extra arguments go to `goldthread`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash deploy/install-deps.sh
bash deploy/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DGOLDTHREAD_BUILD_TESTS=OFF
mkdir -p var
bin=build/release/adapters/goldthread
if [[ $# -gt 0 ]]; then exec "$bin" "$@"; fi
if "$bin" --help 2>/dev/null | grep -q '^ *serve'; then
  [[ -e var/goldthread/CURRENT ]] || "$bin" demo --data-dir var/goldthread
  exec "$bin" serve --data-dir var/goldthread --listen 127.0.0.1:8080
fi
# Until the server lands (see the open issues), show what the binary can do on the store.
"$bin" verify --data-dir var/goldthread 2>/dev/null || echo "goldthread: no store yet in var/goldthread"
"$bin" --help
