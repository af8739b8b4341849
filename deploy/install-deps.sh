#!/usr/bin/env bash
# Installs the Debian 12 packages goldthread needs to build, test and run, skipping the
# ones already present. Runs apt-get as root, or through sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata python3
  librocksdb-dev libboost1.81-dev libprotobuf-dev protobuf-compiler libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libcli11-dev libhowardhinnant-date-dev
  libcurl4-openssl-dev
  libsodium-dev  # Argon2id password hashing and web session tokens (adapters/web)
  libkainjow-mustache-dev  # the web pages' HTML templates (header-only; escapes by default)
  # .xlsx exports (goldthread export scorecard|trail --format xlsx): a small, well-kept C
  # library that writes Office Open XML; hand-writing the zip and XML parts would be the
  # alternative.
  libxlsxwriter-dev
)
# Tools the test suites and benchmarks drive from outside (python3 checks of exports and
# notifications; python3-prometheus-client parses /metrics output as a second, independent
# reader; python3-aiosmtpd is the real SMTP server on loopback that the e-mail delivery tests
# send to; python3-openpyxl reads the .xlsx exports and python3-icalendar the calendar feed;
# wrk load, nginx baseline; clang for deploy/test.sh's -Wthread-safety build). Installed only
# when asked for.
# Node.js and npm install GOV.UK Frontend at build time (never needed at run time).
PACKAGES+=(nodejs)
if [[ "${GOLDTHREAD_WITH_TEST_TOOLS:-0}" == "1" ]]; then
  PACKAGES+=(python3 python3-prometheus-client python3-aiosmtpd python3-openpyxl python3-icalendar
             clang)
  # The Merkle tree's known answers (tests/tlog): Go and its golang.org/x/mod/sumdb/tlog, an
  # independent implementation of the same tree, from Debian (no module download).
  PACKAGES+=(golang-go golang-golang-x-mod-dev)
  # The browser tests: Debian's Chromium, driven by playwright-core from npm (tests/web).
  PACKAGES+=(chromium chromium-driver)
fi
if [[ "${GOLDTHREAD_WITH_BENCH_TOOLS:-0}" == "1" ]]; then
  PACKAGES+=(wrk nginx-light hyperfine curl bc python3)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "goldthread: all build packages present"
else
  echo "goldthread: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian's nodejs leaves npm to its own package; NodeSource's includes it.
if ! command -v npm >/dev/null; then
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends npm
fi

# Front-end packages, exactly as locked: GOV.UK Frontend for the build; for the tests,
# playwright-core (it drives Debian's Chromium; it downloads no browser) and axe-core.
root=$(cd "$(dirname "$0")/.." && pwd)
npm_ci() {
  if [[ ! -e "$1/node_modules/.package-lock.json" || "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]]; then
    npm ci --prefix "$1" --no-audit --no-fund --loglevel=error
  fi
}
npm_ci "$root/adapters/web/frontend"
if [[ "${GOLDTHREAD_WITH_TEST_TOOLS:-0}" == "1" ]]; then
  npm_ci "$root/tests/web"
fi
