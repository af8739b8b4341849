#!/usr/bin/env bash
# Checks deploy/*.service and deploy/*.timer with systemd's own tools: `systemd-analyze verify`
# must print nothing (an unknown or misspelt option is only a warning there, so any output
# fails), and `systemd-analyze security` must rate goldthread.service's exposure at most 2.0
# (out of 10), so that sandboxing removed by mistake is noticed.
# Usage: deploy/check-units.sh <goldthread binary>   (the units' /usr/local/bin/goldthread is
# replaced by it, because verify checks that ExecStart= exists). Exits 77 (skipped, for ctest)
# when systemd-analyze is not installed.
set -euo pipefail
binary=$(realpath "$1")
deploy=$(cd "$(dirname "$0")" && pwd)
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is not installed: skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for unit in "$deploy"/goldthread*.service "$deploy"/goldthread*.timer; do
  sed "s#/usr/local/bin/goldthread#$binary#g" "$unit" >"$work/$(basename "$unit")"
done
cd "$work"
status=0
out=$(systemd-analyze verify ./*.service ./*.timer 2>&1) || status=$?
if [[ $status -ne 0 || -n "$out" ]]; then
  echo "systemd-analyze verify (exit $status):"
  echo "$out"
  exit 1
fi
systemd-analyze security --offline=true --threshold=20 ./goldthread.service | tail -n 1
echo "units OK:" *
