#!/usr/bin/env bash
# IocCenter's one test command: prepares a Docker engine and the service images (real mosquitto and
# InfluxDB from Debian's packages) and Debian's Chromium, runs every test assembly (unit, integration,
# dashboard + browser), and ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! ./deploy/prepare-docker.sh; then
  echo "Docker could not be prepared; integration tests cannot run." >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# The browser tests drive Debian's Chromium (Playwright never downloads browsers here); the embedded broker's tests
# use Debian's mosquitto_pub / mosquitto_sub as their clients.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests" >&2
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
if ! command -v mosquitto_pub >/dev/null 2>&1 || ! command -v mosquitto_sub >/dev/null 2>&1; then
  echo "installing Debian's mosquitto-clients for the embedded broker's tests" >&2
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq mosquitto-clients >/dev/null
fi

# The e-mail channel's tests send through Debian's aiosmtpd, a real SMTP server, run with Debian's /usr/bin/python3.
if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  echo "installing Debian's python3-aiosmtpd for the e-mail channel's tests" >&2
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-aiosmtpd >/dev/null
fi

# Testcontainers against this engine (see ENVIRONMENT.md): no reaper image, loopback, and the engine's API version.
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
api=$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null || echo "")
if [ -n "$api" ] && [ "$(printf '%s\n' "$api" 1.44 | sort -V | head -n 1)" != "1.44" ]; then
  export DOCKER_API_VERSION="$api"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results=$(mktemp -d)
# The whole solution first: some tests run programs no test project references (iocc-ingest, killed with
# SIGKILL); a build error shows again, and counts, in the test step below.
dotnet build IocCenter.sln -c Release > "$results/build.log" 2>&1 || tail -n 30 "$results/build.log"
dotnet test IocCenter.sln -c Release --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}

# Sum over all test assemblies from their TRX files, so a run that executed nothing shows as such.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the build or the runner itself failed
fi
rm -rf "$results"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
