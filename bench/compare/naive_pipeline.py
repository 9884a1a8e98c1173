#!/usr/bin/env python3
"""What a quick MQTT -> InfluxDB integration looks like, for iocc-bench --compare: reads `topic payload` lines
(mosquitto_sub -v), turns each reading into line protocol and writes batches of up to 5,000 points, or what
arrived in the last 100 ms, to InfluxDB's /write. No journal, no validation, no dead letters."""
import json
import os
import sys
import threading
import urllib.parse
import urllib.request
from datetime import datetime

influx = os.environ["IOCC_BENCH_INFLUX"].rstrip("/")
database = os.environ["IOCC_BENCH_DATABASE"]
urllib.request.urlopen(urllib.request.Request(
    influx + "/query", data=urllib.parse.urlencode({"q": f'CREATE DATABASE "{database}"'}).encode(), method="POST"))
write_url = f"{influx}/write?db={urllib.parse.quote(database)}&precision=ms"
lock = threading.Lock()
pending = []


def flush():
    with lock:
        batch = pending[:]
        pending.clear()
    if batch:
        try:
            urllib.request.urlopen(urllib.request.Request(write_url, data="\n".join(batch).encode(), method="POST"))
        except OSError as e:  # HTTPError included: the batch is lost, as in most quick integrations
            print(f"write failed, {len(batch)} points dropped: {e}", file=sys.stderr)


def every_100_ms():
    while True:
        threading.Event().wait(0.1)
        flush()


threading.Thread(target=every_100_ms, daemon=True).start()
for line in sys.stdin:
    topic, _, payload = line.rstrip("\n").partition(" ")
    parts = topic.split("/")  # ioc/v1/{domain}/{device}/telemetry
    try:
        reading = json.loads(payload)
        ts = int(datetime.fromisoformat(reading["ts"].replace("Z", "+00:00")).timestamp() * 1000)
        # Every value as a float: a JSON number's form (41 or 41.5) must not change a field's type in InfluxDB.
        fields = ",".join(f"{k}={float(v)}" for k, v in reading["metrics"].items())
    except (ValueError, KeyError, TypeError, AttributeError):
        continue
    with lock:
        pending.append(f"{parts[2]},device={parts[3]} {fields} {ts}")
        full = len(pending) >= 5000
    if full:
        flush()
