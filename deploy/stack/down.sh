#!/usr/bin/env bash
# Stops the stack; with -v also deletes its volumes (every reading, incident and user in it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
docker-compose -p "${IOCC_PROJECT:-iocc}" down --remove-orphans "$@"
