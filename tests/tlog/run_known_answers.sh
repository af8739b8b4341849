#!/usr/bin/env bash
# ctest tlog.go_known_answers: builds tlogcheck (Go, against Debian's golang.org/x/mod in
# /usr/share/gocode; no network, no module download), prints a real store's tree with
# tlog_vectors and has tlogcheck compare every root, proof and stored hash with
# golang.org/x/mod/sumdb/tlog. Fails on the first difference.
# Usage: run_known_answers.sh <tlog_vectors> <tlogcheck source folder> <work folder>
set -euo pipefail
vectors=$1 src=$2 work=$3
if ! command -v go >/dev/null || [[ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ]]; then
  echo "tlog.go_known_answers needs golang-go and golang-golang-x-mod-dev:" \
       "GOLDTHREAD_WITH_TEST_TOOLS=1 bash deploy/install-deps.sh" >&2
  exit 1
fi
mkdir -p "$work"
export GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$work/gocache" GOPROXY=off GOFLAGS=
go build -o "$work/tlogcheck" "$src/main.go"
store=$(mktemp -d "$work/store.XXXXXX")
trap 'rm -rf "$store"' EXIT
"$vectors" "$store/db" > "$work/vectors.txt"
"$work/tlogcheck" < "$work/vectors.txt"
