#!/usr/bin/env bash
# The demo council audited from its exported tiles by independent code (tests/tlog/audit, on
# Go's sumdb/note and sumdb/tlog), as docs/VERIFYING.md tells an auditor to; then each kind of
# tampering with the exported files is caught and named, and the CLI's proofs check out.
# Usage: audit_demo.sh <goldthread binary> <audit source folder> <build folder>. Exit 0 when all
# of it holds. The Go program is built here, against Debian's golang.org/x/mod, with no network.
set -euo pipefail
goldthread=$1 src=$2 build=$3
if ! command -v go >/dev/null || [[ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/note ]]; then
  echo "tlog.audit_demo needs golang-go and golang-golang-x-mod-dev:" \
       "GOLDTHREAD_WITH_TEST_TOOLS=1 bash deploy/install-deps.sh" >&2
  exit 1
fi
mkdir -p "$build"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$build/gocache" GOPROXY=off GOFLAGS= \
  go build -o "$build/audit" "$src/main.go"
audit=$build/audit
work=$(mktemp -d "$build/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

"$goldthread" demo --data-dir "$work/data" --today 2026-11-23 --years 1 > "$work/demo.out"
[[ $(stat -c %a "$work/data.log-key") == 600 ]] || fail "the log key is not mode 600"
"$goldthread" export tiles --data-dir "$work/data" --out "$work/tiles" | tee "$work/export.out"

# 1. The whole log, and one figure's history, from the tiles alone.
stream=$(find "$work/tiles/tile/entries" -type f | sort | xargs cat \
  | grep -ao 'demo/figure/[A-Z]*-[0-9]*/FY[0-9]*-Q[0-9]' | head -1 || true)
[[ -n "$stream" ]] || fail "no figure stream in the entry bundles"
"$audit" -dir "$work/tiles" -vkey "$work/tiles/verifier-key" -stream "$stream" | tee "$work/audit.out"
grep -q '^audit OK' "$work/audit.out" || fail "the untouched export did not audit"
grep -q "^stream OK: $stream" "$work/audit.out" || fail "the figure's history did not check"

# 2. Proofs printed by the CLI, checked by the independent code against the signed checkpoint.
size=$(sed -n 2p "$work/tiles/checkpoint")
"$goldthread" proof inclusion --data-dir "$work/data" --position 5 --tree-size "$size" > "$work/inclusion.json"
"$audit" -dir "$work/tiles" -vkey "$work/tiles/verifier-key" -proof "$work/inclusion.json" \
  | grep -q '^proof OK: leaf 4' || fail "inclusion proof"
"$goldthread" proof consistency --data-dir "$work/data" --old-size $((size / 3)) --tree-size "$size" > "$work/consistency.json"
"$audit" -dir "$work/tiles" -vkey "$work/tiles/verifier-key" -proof "$work/consistency.json" \
  | grep -q '^proof OK' || fail "consistency proof"
# A proof for the wrong position: the position changed, the hashes kept.
sed 's/"leaf_index":4/"leaf_index":5/' "$work/inclusion.json" > "$work/wrong.json"
if "$audit" -dir "$work/tiles" -vkey "$work/tiles/verifier-key" -proof "$work/wrong.json" 2>"$work/err"; then
  fail "an inclusion proof for the wrong position was accepted"
fi

# 3. Tampering with the exported files, one kind at a time, each caught with its name.
tamper() {  # <name> <file relative to the export> <byte offset> <expected message part>
  rm -rf "$work/t" && cp -r "$work/tiles" "$work/t"
  local file="$work/t/$2" old
  old=$(dd if="$file" bs=1 skip="$3" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
  printf "$(printf '\\%03o' $(( (old + 1) % 256 )))" | dd of="$file" bs=1 seek="$3" conv=notrunc 2>/dev/null
  if "$audit" -dir "$work/t" -vkey "$work/t/verifier-key" 2>"$work/err" >/dev/null; then
    fail "$1: not caught"
  fi
  grep -q "$4" "$work/err" || fail "$1: caught but not named: $(cat "$work/err")"
  echo "caught $1: $(cat "$work/err")"
}
tamper "a byte of an entry" tile/entries/000 100 "does not match the entries\|position\|GTE1\|cut short"
tamper "a byte of a hash tile" tile/0/000 40 "hash tile 0/0: hash 1 does not match"
# The root's first base64 character, on the checkpoint's third line.
root_offset=$(( $(sed -n 1p "$work/tiles/checkpoint" | wc -c) + $(sed -n 2p "$work/tiles/checkpoint" | wc -c) ))
tamper "the checkpoint's root" checkpoint "$root_offset" "does not verify"

# 4. The log today extends the exported checkpoint (goldthread's own check of the same thing).
"$goldthread" verify --data-dir "$work/data" --since-checkpoint "$work/tiles/checkpoint" | tee "$work/verify.out"
grep -q 'append-only extension' "$work/verify.out" || fail "verify --since-checkpoint"
# ...and a different history under the same key (another seed: what a rewrite leaves) does not.
"$goldthread" demo --data-dir "$work/other" --today 2026-11-23 --years 1 --seed 7 \
  --log-key "$work/data.log-key" > /dev/null
if "$goldthread" verify --data-dir "$work/other" --log-key "$work/data.log-key" \
     --since-checkpoint "$work/tiles/checkpoint" > "$work/verify-other.out"; then
  fail "verify --since-checkpoint accepted another history: $(cat "$work/verify-other.out")"
fi
grep -q '^FAILED against the checkpoint' "$work/verify-other.out" || fail "$(cat "$work/verify-other.out")"
echo "all held"
