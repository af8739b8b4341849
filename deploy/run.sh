#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build a Release binary, and run goldthread
# on its embedded default (RocksDB under ./var/goldthread). Extra arguments go to `goldthread`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash deploy/install-deps.sh
bash deploy/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DGOLDTHREAD_BUILD_TESTS=OFF
mkdir -p var
bin=build/release/adapters/goldthread
if [[ $# -gt 0 ]]; then exec "$bin" "$@"; fi
data=var/goldthread
if [[ ! -e "$data/CURRENT" ]]; then
  if "$bin" --help 2>/dev/null | grep -q '^ *demo'; then
    "$bin" demo --data-dir "$data"
  else
    # Until `goldthread demo` lands: an empty council with its first administrator.
    "$bin" init --data-dir "$data" --council-name "Demo Borough Council" --admin-name "Demo Admin"
    echo "goldthread: administrator token (shown once):"
    "$bin" token create --data-dir "$data" --person admin --label "quick start"
  fi
fi
exec "$bin" serve --data-dir "$data" --listen 127.0.0.1:8080
