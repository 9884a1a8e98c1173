#!/usr/bin/env bash
# Builds IocCenter's images and starts the scaled-out stack (docker-compose.yml) on this Docker host:
#   deploy/stack/up.sh            build what changed, start or update the stack, wait until it is healthy
#   deploy/stack/smoke.sh         check it end to end
#   deploy/stack/down.sh [-v]     stop it (-v: and delete its data)
# Settings: deploy/stack/.env (written here on the first run with a fresh API key and admin password; ports too,
# see docker-compose.yml). IOCC_PROJECT names the compose project (default iocc).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log() { echo "[stack] $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The engine, the Debian base image and the service images (mosquitto, influxdb, redis).
bash "$root/deploy/prepare-docker.sh"
if ! command -v docker-compose >/dev/null 2>&1; then
  log "installing Debian's docker-compose"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq docker-compose >/dev/null
fi

# Secrets, made once and kept beside the compose file (mode 600, not in git).
if [ ! -f "$here/.env" ]; then
  secret() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
  ( umask 077; { echo "IOCC_ANALYTICS_API_KEY=$(secret)"; echo "IOCC_ADMIN_PASSWORD=$(secret)"; } > "$here/.env" )
  log "wrote $here/.env (the first admin's password is IOCC_ADMIN_PASSWORD there)"
fi
set -a; . "$here/.env"; set +a

# The applications: self-contained builds on debian:bookworm-slim, rebuilt when the build output changes.
build="$root/artifacts/stack"
image() {
  local name=$1 project=$2
  log "publishing $project"
  # Its own bin/obj (--artifacts-path): a publish must not rebuild the libraries in the repository's own output
  # folders, which a build or a test run may be using at the same time.
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained -p:DebugType=none \
    --artifacts-path "$build/.build" -o "$build/$name" --nologo -v quiet >/dev/null
  chmod -R a+rX,go-w "$build/$name" # the image's user reads it, whatever this shell's umask
  docker build --network host -q -t "iocc/$name:latest" -f "$root/deploy/docker/$name/Dockerfile" "$build/$name" >/dev/null
}
rm -rf "$build/ingest" "$build/analytics" "$build/dashboard"
image ingest ingest/IocCenter.Ingest.Host
image analytics analytics/IocCenter.Analytics.Host
image dashboard dashboard/IocCenter.Dashboard
docker build --network host -q -t iocc/lb:latest "$here/lb" >/dev/null

log "starting the stack"
cd "$here"
compose() { docker-compose -p "${IOCC_PROJECT:-iocc}" "$@"; }
compose up -d --remove-orphans || { compose ps; compose logs --tail 40; exit 1; }
log "waiting until every service is healthy"
for _ in $(seq 1 120); do
  unhealthy=$(compose ps | grep -cE 'starting|unhealthy|Exit' || true)
  [ "$unhealthy" -eq 0 ] && break
  sleep 2
done
compose ps
[ "$unhealthy" -eq 0 ] || { compose logs --tail 40; log "not healthy after 4 minutes"; exit 1; }
log "up: http://localhost:${IOCC_WEB_PORT:-5080} (admin / IOCC_ADMIN_PASSWORD in $here/.env), MQTT on port ${IOCC_MQTT_PORT:-1883}"
