#!/usr/bin/env bash
# A plain MQTT → InfluxDB pipeline to compare IocCenter's ingest against:
#   iocc-bench --readings 300000 --compare bench/compare/naive-pipeline.sh
# mosquitto_sub (QoS1: it acknowledges each message on receipt, before anything is stored) piped into
# naive_pipeline.py (line protocol, batches to /write). Needs mosquitto-clients and python3. The bench sets
# IOCC_BENCH_BROKER_HOST / _PORT, IOCC_BENCH_INFLUX and IOCC_BENCH_DATABASE.
set -euo pipefail
mosquitto_sub -h "$IOCC_BENCH_BROKER_HOST" -p "$IOCC_BENCH_BROKER_PORT" -q 1 -v -i "naive-pipeline-$$" \
  -t 'ioc/v1/+/+/telemetry' | python3 "$(dirname "${BASH_SOURCE[0]}")/naive_pipeline.py"
