#!/usr/bin/env bash
# IocCenter's run command (until the all-in-one dashboard host lands): makes sure Debian's mosquitto and
# InfluxDB run on this machine's loopback, then runs the ingest service and a simulated Đồng Tháp fleet.
# Ctrl+C stops everything it started. Data lives under ./data.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root=$(pwd)
data="$root/data"
mkdir -p "$data/services/mosquitto" "$data/services/influxdb"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v mosquitto >/dev/null 2>&1 || ! command -v influxd >/dev/null 2>&1; then
  echo "Cài đặt / installing mosquitto and influxdb from Debian's packages ..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq mosquitto influxdb >/dev/null
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; return 1; }

if ! port_open 1883; then
  sed -e 's/^listener 1883 0.0.0.0/listener 1883 127.0.0.1/' deploy/images/mosquitto/mosquitto.conf > "$data/services/mosquitto/mosquitto.conf"
  mosquitto -c "$data/services/mosquitto/mosquitto.conf" >"$data/services/mosquitto/log.txt" 2>&1 & pids+=($!)
  wait_port 1883
  echo "mosquitto: mqtt://127.0.0.1:1883"
fi
if ! port_open 8086; then
  sed -e "s#/var/lib/influxdb#$data/services/influxdb#g" -e 's#bind-address = ":8086"#bind-address = "127.0.0.1:8086"#' \
      deploy/images/influxdb/influxdb.conf > "$data/services/influxdb/influxdb.conf"
  influxd -config "$data/services/influxdb/influxdb.conf" >"$data/services/influxdb/log.txt" 2>&1 & pids+=($!)
  wait_port 8086
  echo "influxd: http://127.0.0.1:8086"
fi

echo "Biên dịch / building ..."
for project in ingest/IocCenter.Ingest.Host simulators/IocCenter.Simulators.Cli; do
  dotnet build "$project" -c Release -v q -nologo >"$data/build.log" 2>&1 || { cat "$data/build.log"; exit 1; }
done
simulate=(dotnet simulators/IocCenter.Simulators.Cli/bin/Release/net10.0/iocc-simulate.dll)
"${simulate[@]}" --registry-out "$data/devices.json" --registry-only true >/dev/null
dotnet ingest/IocCenter.Ingest.Host/bin/Release/net10.0/iocc-ingest.dll \
  --Devices:RegistryPath="$data/devices.json" "$@" & pids+=($!)
# Devices start once ingest has subscribed (/health is 200), so its first session misses nothing.
for _ in $(seq 1 300); do curl -sf -o /dev/null http://127.0.0.1:5081/health && break; sleep 0.2; done
"${simulate[@]}" --interval 5s >"$data/simulator.log" 2>&1 &
sim=$!; pids+=($sim)
echo
echo "IocCenter đang chạy / is running:"
echo "  ingest   http://127.0.0.1:5081/health  ·  /metrics"
echo "  InfluxDB http://127.0.0.1:8086  (database 'ioc': influx -database ioc -execute 'SELECT COUNT(*) FROM traffic')"
echo "  sự cố / incidents: mosquitto_sub -t 'ioc/v1/incidents/#' -v   ·   store: $data/analytics/incidents.db"
echo "  Ctrl+C để dừng / to stop"
wait "$sim"
