#!/usr/bin/env bash
# Builds the Lotus reference harness into <repo>/.data/lotus-ref/lotus-ref.
# Pure Go (CGO_ENABLED=0): nothing here links filecoin-ffi.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export GOMODCACHE="${GOMODCACHE:-$repo/.data/go/mod}"
export GOCACHE="${GOCACHE:-$repo/.data/go/cache}"
export GOFLAGS=-mod=mod
export GOTOOLCHAIN=local
export CGO_ENABLED=0
out="$repo/.data/lotus-ref/lotus-ref"
mkdir -p "$(dirname "$out")"
cd "$here"
go build -trimpath -o "$out" .
echo "$out"
