#!/usr/bin/env bash
# Makes sure a Docker engine answers and IocCenter's service images exist, on a fresh
# Debian machine (as root, no registry reachable) or on a laptop with Docker.
# Idempotent: a second run does nothing but check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[prepare-docker] $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# 1. A Docker engine.
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing Debian's docker.io"
    apt_install docker.io
  fi
  if ! docker info >/dev/null 2>&1; then
    # A pid file left by a dockerd that died (a crash, a container or machine stopped without clean-up) makes a new
    # one refuse to start: "pid file found, ensure docker is not running". Removed only when no such process runs.
    if [ -f /var/run/docker.pid ] && ! ps -p "$(cat /var/run/docker.pid 2>/dev/null)" >/dev/null 2>&1; then
      log "removing a stale /var/run/docker.pid (no dockerd runs with its pid)"
      as_root rm -f /var/run/docker.pid
    fi
    log "starting dockerd"
    as_root bash -c 'nohup dockerd >/var/log/iocc-dockerd.log 2>&1 &'
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/iocc-dockerd.log"; exit 1; }
  fi
fi

# 2. The base image: pulled where a registry answers, built with debootstrap where not.
if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  if ! timeout 60 docker pull debian:bookworm-slim >/dev/null 2>&1; then
    log "no registry: building debian:bookworm-slim with debootstrap"
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
      | grep -oE 'https?://[^ ]+' | grep -v security | head -n 1 || true)
    rootfs=$(mktemp -d /tmp/iocc-rootfs.XXXXXX)
    as_root debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >/dev/null
    as_root tar -C "$rootfs" -c . | docker import - debian:bookworm-slim >/dev/null
    as_root rm -rf "$rootfs"
  fi
fi

# 3. Service images, rebuilt when their folder changes (the tag carries a content hash).
for dir in "$here"/images/*/; do
  name=$(basename "$dir")
  hash=$(cat "$dir"* | sha256sum | cut -c1-12)
  image="iocc-$name:$hash"
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    log "building $image"
    docker build --network host -q -t "$image" -t "iocc-$name:latest" "$dir" >/dev/null
  else
    docker tag "$image" "iocc-$name:latest"
  fi
done
log "engine and images ready"
