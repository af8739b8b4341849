#!/usr/bin/env bash
# bench_web: the web pages under load with wrk, each beside the JSON route for the same read, in
# one run on the demo council. Prints RESULT lines; the goals (issue 13): each page at least
# 0.5x the rate of its JSON route, p99 at most 20 ms.
#
#   tests/bench/bench_web.sh <goldthread binary> [seconds]
#
# As the auditor: one figure's history page (/figures/HOU-01/FY2025-Q4/history, with its SVG
# chart) beside GET /api/v1/figures/HOU-01/FY2025-Q4/history, and one directorate's scorecard
# page beside GET /api/v1/scorecards/place/FY2025-Q4. 64 connections, 2 wrk threads; the web
# session is signed in once through the sign-in form, as a browser would.
set -euo pipefail
bin=${1:?usage: bench_web.sh <goldthread binary> [seconds]}
seconds=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/goldthread-bench-web-XXXXXX)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench_web: $tool is not installed" >&2; exit 2; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "# bench_web: ${seconds} s per run, 64 connections; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" demo --data-dir "$work/store" >"$work/demo.txt"
auditor=$(awk 'index($0, "(audit-khan)") {found=1} found && /token:/ {print $2; exit}' "$work/demo.txt")
read -r email password < <(awk '/^ +auditor,/ {print $2, $4}' "$work/store/demo-accounts.txt")

port=$(free_port)
"$bin" serve --data-dir "$work/store" --tenant demo --listen "127.0.0.1:$port" --rate-limit 0 \
  >"$work/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

# Sign in through the form: the anonymous session's CSRF token, then the signed-in cookie.
csrf=$(curl -fsS -c "$work/jar" "$base/sign-in" | sed -n 's/.*name="csrf_token" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -fsS -b "$work/jar" -c "$work/jar" -o /dev/null \
  --data-urlencode "csrf_token=$csrf" --data-urlencode "email=$email" \
  --data-urlencode "password=$password" "$base/sign-in"
cookie="gt_session=$(awk '$6 == "gt_session" {print $7}' "$work/jar" | tail -1)"

history_page=/figures/HOU-01/FY2025-Q4/history
history_json=/api/v1/figures/HOU-01/FY2025-Q4/history
scorecard_page=/scorecards/place/FY2025-Q4
scorecard_json=/api/v1/scorecards/place/FY2025-Q4
for p in "$history_page" "$scorecard_page"; do
  status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$p")
  [[ "$status" == 200 ]] || { echo "bench_web: $p answered $status" >&2; exit 1; }
done

run() {  # run <name> <path> [env...]
  local name=$1 path=$2
  shift 2
  env GT_NAME="$name" GT_PATH="$path" "$@" wrk -t2 -c64 -d"${seconds}s" -s "$here/wrk/get.lua" \
    "$base" | grep '^RESULT' | tee "$work/$name.txt"
}
run history_json "$history_json" GT_TOKEN="$auditor"
run history_page "$history_page" GT_COOKIE="$cookie"
run scorecard_json "$scorecard_json" GT_TOKEN="$auditor"
run scorecard_page "$scorecard_page" GT_COOKIE="$cookie"

value() { grep "^RESULT $1=" "$work"/*.txt | head -1 | cut -d= -f2; }
python3 - "$(value history_page_per_s)" "$(value history_json_per_s)" \
  "$(value scorecard_page_per_s)" "$(value scorecard_json_per_s)" \
  "$(value history_page_p99_ms)" "$(value scorecard_page_p99_ms)" \
  "$(value history_page_errors)" "$(value scorecard_page_errors)" \
  "$(value history_json_errors)" "$(value scorecard_json_errors)" <<'PY'
import sys
hp, hj, sp, sj, hp99, sp99, he, se, hje, sje = map(float, sys.argv[1:])
if hje or sje:
    sys.exit("bench_web: the JSON routes answered errors: no baseline to compare with")
print(f"RESULT history_page_ratio_vs_json={hp / hj:.2f}")
print(f"RESULT scorecard_page_ratio_vs_json={sp / sj:.2f}")
print(f"RESULT page_p99_ms={max(hp99, sp99):.2f}")
if he or se:
    sys.exit("bench_web: the pages answered errors under load")
PY
