#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build a Release binary, and run goldthread
# on its embedded default (RocksDB under ./var/goldthread), with a demo council the first time.
# Extra arguments go to `goldthread`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash deploy/install-deps.sh
bash deploy/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DGOLDTHREAD_BUILD_TESTS=OFF
mkdir -p var
bin=build/release/bin/goldthread
if [[ $# -gt 0 ]]; then exec "$bin" "$@"; fi
data=var/goldthread
# First run: a demo council (Ashcombe Borough Council, three years of quarterly cycles and the
# current quarter in progress), made by running the real workflow in simulation. It prints one
# API token per role. Delete var/goldthread to start again.
if [[ ! -e "$data" ]]; then
  "$bin" demo --data-dir "$data"
fi
if [[ -r "$data/demo-accounts.txt" ]]; then
  echo
  cat "$data/demo-accounts.txt"
  echo
fi
echo "goldthread: open http://127.0.0.1:8080/ in a browser (Ctrl-C stops it)"
exec "$bin" serve --data-dir "$data" --listen 127.0.0.1:8080
