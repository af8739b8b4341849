#!/usr/bin/env bash
# bench_serve_startup: how long `goldthread serve` takes to be ready (/readyz answers 200) on the
# 3M-event benchmark history, and its resident memory once ready. The history is the one
# bench_projections generates and caches under /tmp/goldthread-bench; each run serves a fresh
# copy of it (serve writes checkpoints and the scheduler's events), on a simulated clock that
# starts just before the history's last cycle ends, so the same work is due at every run.
#
# Usage: bench_serve_startup.sh <goldthread> <bench_projections> [runs]. Prints RESULT lines:
#   serve_startup_seconds (median of the runs), serve_rss_mib (VmRSS 2 s after ready),
#   serve_peak_rss_mib (VmHWM).
set -euo pipefail
bin=$1; gen=$2; runs=${3:-3}
cache=/tmp/goldthread-bench
if ! ls -d "$cache"/large-history-*/COMPLETE >/dev/null 2>&1; then
  "$gen" --reps 1 --only load --cache "$cache" >/dev/null
fi
src=$(dirname "$(ls -d "$cache"/large-history-*/COMPLETE | head -1)")
echo "# history: $src; load average $(cut -d' ' -f1-3 /proc/loadavg)"
times=(); rss=0; hwm=0
for i in $(seq "$runs"); do
  work=$(mktemp -d /tmp/bench-serve-XXXXXX)
  cp -r "$src/store" "$work/store"
  port=$(( 20000 + RANDOM % 20000 ))
  start=$(date +%s.%N)
  "$bin" serve --data-dir "$work/store" --tenant bench --workflow peterborough-monthly \
    --listen "127.0.0.1:$port" --simulate --simulate-start 2025-03-01T00:00:00Z \
    >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/serve.log" >&2; exit 1; fi
    sleep 0.05
  done
  end=$(date +%s.%N)
  sleep 2
  rss=$(awk '/VmRSS/{print int($2/1024)}' "/proc/$pid/status")
  hwm=$(awk '/VmHWM/{print int($2/1024)}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$work"
  t=$(echo "$end - $start" | bc)
  echo "# run $i: ready after $t s, rss $rss MiB, peak $hwm MiB"
  times+=("$t")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "RESULT serve_startup_seconds=$median"
echo "RESULT serve_rss_mib=$rss"
echo "RESULT serve_peak_rss_mib=$hwm"
