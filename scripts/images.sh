#!/usr/bin/env bash
# Build every image the compose file runs, without a registry:
#   filf-base:bookworm   Debian 12 minbase from debootstrap, imported (docker import)
#   fil-follower:local   the project (Dockerfile: production dependencies, non-root, HEALTHCHECK)
#   filf-postgres:local  PostgreSQL 15 from Debian's package (docker/postgres)
#   filf-cassandra:local Apache Cassandra 5.0: Debian's Java 17 and the Maven Central jars
#                        scripts/cassandra.sh fetches (docker/cassandra)
# Installs Debian's docker.io, docker-compose and debootstrap when missing, and starts dockerd
# when no engine answers (its log in .data/dockerd.log). Re-running rebuilds only what changed.
#
#   scripts/images.sh [all|base|app|postgres|cassandra]     (npm run images)
# Environment: DEBIAN_MIRROR (default: the first URI of the host's apt sources), IMAGES_SKIP_BUILD=1
# (skip `npm run build`; dist/ must exist), CASSANDRA_LIB_DIR (where the jars are fetched to,
# default .data/cassandra/lib).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGE="$ROOT/.data/images"
log() { printf '[images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
what="${1:-all}"

ensure_engine() {
  if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null || ! command -v debootstrap >/dev/null; then
    log "installing docker.io, docker-compose, debootstrap (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends docker.io docker-compose debootstrap >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get install -y --no-install-recommends docker.io docker-compose debootstrap >/dev/null; }
  fi
  if ! docker info >/dev/null 2>&1; then
    mkdir -p "$ROOT/.data"
    log "starting dockerd (log: .data/dockerd.log)"
    nohup dockerd >"$ROOT/.data/dockerd.log" 2>&1 &
    echo $! >"$ROOT/.data/dockerd.pid"
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || die "dockerd did not answer within 60 s (see .data/dockerd.log)"
  fi
}

mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local m
  m="$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1 | sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//; s/ .*//')"
  echo "${m:-http://deb.debian.org/debian}"
}

build_base() {
  if docker image inspect filf-base:bookworm >/dev/null 2>&1; then log "filf-base:bookworm exists"; return; fi
  local rootfs="$STAGE/rootfs"
  rm -rf "$rootfs"
  mkdir -p "$STAGE"
  log "debootstrap minbase bookworm from $(mirror)"
  local t0=$SECONDS
  debootstrap --variant=minbase bookworm "$rootfs" "$(mirror)" >"$STAGE/debootstrap.log" 2>&1 || { tail -20 "$STAGE/debootstrap.log" >&2; die "debootstrap failed"; }
  tar -C "$rootfs" -c . | docker import - filf-base:bookworm >/dev/null
  rm -rf "$rootfs"
  log "filf-base:bookworm imported in $((SECONDS - t0)) s"
}

build_app() {
  [[ "${IMAGES_SKIP_BUILD:-0}" == 1 ]] || (cd "$ROOT" && npm run build --silent)
  local ctx="$STAGE/app"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -r "$ROOT/dist" "$ROOT/migrations" "$ROOT/package.json" "$ROOT/package-lock.json" "$ctx/"
  rm -rf "$ctx/dist/test" "$ctx/dist/bench"
  cp "$(node -p process.execPath)" "$ctx/node"
  cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$ctx/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca.crt"
  local t0=$SECONDS
  docker build -q -t fil-follower:local -f "$ROOT/Dockerfile" "$ctx" >/dev/null
  log "fil-follower:local built in $((SECONDS - t0)) s"
}

build_postgres() {
  local t0=$SECONDS
  docker build -q -t filf-postgres:local "$ROOT/docker/postgres" >/dev/null
  log "filf-postgres:local built in $((SECONDS - t0)) s"
}

build_cassandra() {
  local lib="${CASSANDRA_LIB_DIR:-$ROOT/.data/cassandra/lib}" ctx="$STAGE/cassandra"
  CASSANDRA_LIB_DIR="$lib" bash "$ROOT/scripts/cassandra.sh" fetch
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp "$ROOT/docker/cassandra/Dockerfile" "$ROOT/scripts/cassandra.sh" "$ctx/"
  cp -r "$ROOT/scripts/cassandra" "$ctx/cassandra"
  # hard links: the jars (about 80 MB) are not copied twice on one file system
  cp -al "$lib" "$ctx/lib" 2>/dev/null || cp -r "$lib" "$ctx/lib"
  local t0=$SECONDS
  docker build -q -t filf-cassandra:local "$ctx" >/dev/null
  log "filf-cassandra:local built in $((SECONDS - t0)) s"
}

ensure_engine
case "$what" in
  all) build_base; build_app; build_postgres; build_cassandra ;;
  cassandra) build_base; build_cassandra ;;
  base) build_base ;;
  app) build_base; build_app ;;
  postgres) build_base; build_postgres ;;
  *) die "unknown target $what (all|base|app|postgres|cassandra)" ;;
esac
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(filf-|fil-follower)' >&2 || true
