#!/usr/bin/env bash
# Checks a running stack (./up.sh) end to end, through its published ports only:
#   the load balancer answers; the three ingest instances are healthy; N readings published to mosquitto are all in
#   InfluxDB and every ingest instance took a share; an admin signs in through the load balancer and reads the
#   incidents (served by a dashboard instance from the analytics host).
# Prints one line per check and ends with "smoke: PASS" (exit 0) or "smoke: FAIL: why" (exit 1).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
set -a; . "$here/.env"; set +a
web="http://127.0.0.1:${IOCC_WEB_PORT:-5080}"
influx="http://127.0.0.1:${IOCC_INFLUX_PORT:-8086}"
mqtt="mqtt://127.0.0.1:${IOCC_MQTT_PORT:-1883}"
ingest_ports=("${IOCC_INGEST_PORT_1:-5091}" "${IOCC_INGEST_PORT_2:-5092}" "${IOCC_INGEST_PORT_3:-5093}")
readings=${SMOKE_READINGS:-20000}
prefix="smoke$(date +%s)"
fail() { echo "smoke: FAIL: $*"; exit 1; }
ok() { echo "smoke: ok: $*"; }
accepted() { curl -fsS "http://127.0.0.1:$1/metrics" | awk '/^ioc_ingest_readings_accepted_total/ { s += $NF } END { print s + 0 }'; }
stored() {
  local total=0 measurement field n
  for pair in traffic:avg_speed_kmh environment:pm25_ugm3 connectivity:latency_ms; do
    measurement=${pair%%:*}; field=${pair##*:}
    n=$(curl -fsS -G "$influx/query" --data-urlencode "db=ioc" \
        --data-urlencode "q=SELECT count($field) FROM $measurement WHERE device =~ /^$prefix-/" \
      | grep -oE '"values":\[\["[^"]*",[0-9]+' | grep -oE '[0-9]+$' || echo 0)
    total=$((total + n))
  done
  echo "$total"
}

curl -fsS -o /dev/null "$web/alive" || fail "the load balancer does not answer at $web"
ok "load balancer at $web"
before=()
for port in "${ingest_ports[@]}"; do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/health" || fail "ingest on port $port is not healthy"
  before+=("$(accepted "$port")")
done
ok "three ingest instances healthy"

dotnet build "$root/simulators/IocCenter.Simulators.Cli" -c Release --nologo -v quiet >/dev/null
dotnet "$root/simulators/IocCenter.Simulators.Cli/bin/Release/net10.0/iocc-simulate.dll" \
  --broker "$mqtt" --rate 2000 --count "$readings" --prefix "$prefix" --seed 7 >/dev/null
n=0
for _ in $(seq 1 60); do
  n=$(stored)
  [ "$n" -ge "$readings" ] && break
  sleep 2
done
[ "$n" -eq "$readings" ] || fail "published $readings readings, InfluxDB has $n"
ok "$readings readings published, $n stored"
for i in 0 1 2; do
  share=$(( $(accepted "${ingest_ports[$i]}") - ${before[$i]} ))
  [ "$share" -gt 0 ] || fail "ingest-$((i + 1)) took none of the readings"
  echo "smoke: ok: ingest-$((i + 1)) took $share"
done

jar=$(mktemp); trap 'rm -f "$jar"' EXIT
token=$(curl -fsS -c "$jar" -b "$jar" "$web/login" | grep -oE 'name="__RequestVerificationToken" value="[^"]+"' | sed -E 's/.*value="([^"]+)"/\1/')
code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$web/login" \
  --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "userName=admin" --data-urlencode "password=$IOCC_ADMIN_PASSWORD")
[ "$code" = "302" ] || fail "admin sign-in through the load balancer answered $code"
curl -fsS -b "$jar" "$web/api/me" | grep -q '"name":"admin"' || fail "/api/me does not know the admin"
curl -fsS -b "$jar" "$web/api/incidents?state=all" | grep -qE '^\[' || fail "/api/incidents is not a list"
ok "admin signed in through the load balancer; incidents served from the analytics host"
echo "smoke: PASS"
