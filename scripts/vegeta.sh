#!/usr/bin/env bash
# Installs Vegeta (MIT; the HTTP load generator `npm run bench` drives: constant arrival
# rate, or closed loop with a fixed number of workers) from the Go module proxy at a pinned
# version, and caches the binary under .data/vegeta/<version>/vegeta.
#
#   bash scripts/vegeta.sh          # install if missing, print the binary's path
#   bash scripts/vegeta.sh path     # print the path only (exit 1 when not installed)
#
# Env: VEGETA_VERSION (default v12.13.0), VEGETA_BIN (use this binary; nothing is built).
# k6 is not used: the Go module list of this workplace marks go.k6.io/k6 not-to-use (AGPL).
# CI's tests never depend on this binary.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${VEGETA_VERSION:-v12.13.0}"
if [[ -n "${VEGETA_BIN:-}" ]]; then echo "$VEGETA_BIN"; exit 0; fi
dir="$PWD/.data/vegeta/$version"
bin="$dir/vegeta"
if [[ "${1:-}" == "path" ]]; then
  [[ -x "$bin" ]] || { echo "vegeta $version is not installed: run bash scripts/vegeta.sh" >&2; exit 1; }
  echo "$bin"; exit 0
fi
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "vegeta: Go is needed to build vegeta ($version)" >&2; exit 1; }
mkdir -p "$dir"
export GOPATH="$PWD/.data/go" GOMODCACHE="$PWD/.data/go/mod" GOCACHE="$PWD/.data/go/cache"
export GOFLAGS="${GOFLAGS:--mod=mod}" CGO_ENABLED=0
echo "vegeta: building github.com/tsenart/vegeta/v12@$version ..." >&2
start=$(date +%s)
GOBIN="$dir.tmp" go install "github.com/tsenart/vegeta/v12@$version" >&2 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  sleep 30
  kill -0 "$pid" 2>/dev/null && echo "vegeta: still building, $(( $(date +%s) - start )) s" >&2
done
wait "$pid"
mv "$dir.tmp/vegeta" "$bin"; rmdir "$dir.tmp"
echo "vegeta: built in $(( $(date +%s) - start )) s" >&2
"$bin" -version >&2
echo "$bin"
