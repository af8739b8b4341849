#!/usr/bin/env bash
# bench_http: the HTTP API under load with wrk, beside nginx serving a static JSON file of the
# same size on the same machine (the box's HTTP ceiling). Prints RESULT lines.
#
#   tests/bench/bench_http.sh <goldthread binary> [seconds]
#
# The server holds the demo council (`goldthread demo`: three years of quarterly history run
# through the real workflow). Reads: one figure's history and one directorate's scorecard, as
# the auditor. Writes: figure submissions, each a different figure, durable (fsync) before the
# 201, by a data entry officer of a bench service with 600 indicators. 64 connections, 2 wrk
# threads. The rate limit is turned off for the run (--rate-limit 0).
set -euo pipefail
bin=${1:?usage: bench_http.sh <goldthread binary> [seconds]}
seconds=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/goldthread-bench-http-XXXXXX)
chmod 755 "$work"  # nginx workers (nobody) read the static file from here
server_pid=""
nginx_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench_http: $tool is not installed" >&2; exit 2; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "# bench_http: ${seconds} s per run, 64 connections; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" demo --data-dir "$work/store" >"$work/demo.txt"
token_of() { awk -v who="($1)" 'index($0, who) {found=1} found && /token:/ {print $2; exit}' "$work/demo.txt"; }
admin=$(token_of admin-cole)
perf=$(token_of perf-shah)
auditor=$(token_of audit-khan)

port=$(free_port)
"$bin" serve --data-dir "$work/store" --tenant demo --listen "127.0.0.1:$port" --rate-limit 0 \
  >"$work/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

post() {  # post <token> <path> <json>: fails the bench on anything but 2xx
  local status
  status=$(curl -sS -o "$work/post.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -d "$3" "$base$2")
  if [[ "$status" != 2* ]]; then
    echo "bench_http: POST $2 answered $status: $(cat "$work/post.out")" >&2
    exit 1
  fi
}
post "$admin" /api/v1/org-units \
  '{"unitId":"bench","kind":"ORG_UNIT_KIND_SERVICE","name":"Bench service","parentUnitId":"corporate"}'
post "$admin" /api/v1/people '{"personId":"bench-entry","name":"Bench Entry","homeUnitId":"bench"}'
post "$admin" /api/v1/people/bench-entry/roles \
  '{"role":"ROLE_DATA_ENTRY","scopeUnitId":"bench","effectiveFrom":{"iso":"1980-01-01"}}'
entry=$(curl -fsS -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"personId":"bench-entry","label":"bench"}' "$base/api/v1/tokens" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
indicators=600
for i in $(seq 0 $((indicators - 1))); do
  post "$perf" /api/v1/indicators "{\"indicatorId\":\"BENCH-$i\",\"definition\":{\"title\":\"Bench $i\",\
\"definition\":\"load\",\"methodOfCalculation\":\"n\",\"unit\":\"%\",\"decimalPlaces\":1,\"validMin\":0,\
\"validMax\":100,\"polarity\":\"POLARITY_HIGHER_IS_BETTER\",\"frequency\":\"FREQUENCY_QUARTERLY\",\
\"owningUnitId\":\"bench\",\"dataSource\":\"bench\",\"perspective\":\"PERSPECTIVE_PROCESS\"}}"
done

history_path=/api/v1/figures/HOU-01/FY2025-Q4/history
scorecard_path=/api/v1/scorecards/place/FY2025-Q4
curl -fsS -H "Authorization: Bearer $auditor" "$base$history_path" >"$work/history.json"
curl -fsS -H "Authorization: Bearer $auditor" "$base$scorecard_path" >"$work/scorecard.json"

# The baseline: nginx serving a file the size of the figure history, same wrk settings.
mkdir -p "$work/nginx/html" "$work/nginx/logs"
cp "$work/history.json" "$work/nginx/html/static.json"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $work/nginx/html; default_type application/json; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/logs/stderr" &
nginx_pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$nginx_port/static.json" >/dev/null && break; sleep 0.1; done

run() {  # run <name> <script> <url> [env...]
  local name=$1 script=$2 url=$3
  shift 3
  env GT_NAME="$name" "$@" wrk -t2 -c64 -d"${seconds}s" -s "$here/wrk/$script" "$url" |
    grep '^RESULT' | tee "$work/$name.txt"
}
run nginx_static get.lua "http://127.0.0.1:$nginx_port/static.json" GT_PATH=/static.json
run history get.lua "$base" GT_PATH="$history_path" GT_TOKEN="$auditor"
run scorecard get.lua "$base" GT_PATH="$scorecard_path" GT_TOKEN="$auditor"
run submit submit.lua "$base" GT_TOKEN="$entry" GT_INDICATORS=$indicators

value() { grep "^RESULT $1=" "$work"/*.txt | head -1 | cut -d= -f2; }
python3 - "$(value nginx_static_per_s)" "$(value history_per_s)" "$(value scorecard_per_s)" \
  "$(value history_p99_ms)" "$(value scorecard_p99_ms)" <<'PY'
import sys
nginx, history, scorecard, history_p99, scorecard_p99 = map(float, sys.argv[1:])
print(f"RESULT history_ratio_vs_nginx={history / nginx:.2f}")
print(f"RESULT scorecard_ratio_vs_nginx={scorecard / nginx:.2f}")
# The read figures the goals speak of: the slower of the two read routes.
print(f"RESULT read_ratio_vs_nginx={min(history, scorecard) / nginx:.2f}")
print(f"RESULT read_p99_ms={max(history_p99, scorecard_p99):.2f}")
PY
echo "RESULT submit_per_s=$(value submit_per_s)"
echo "RESULT submit_p99_ms=$(value submit_p99_ms)"
echo "# history response $(wc -c <"$work/history.json") bytes, scorecard $(wc -c <"$work/scorecard.json") bytes"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
