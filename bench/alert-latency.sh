#!/usr/bin/env bash
# Time from the engine's `health_status: unhealthy` event to the alert reaching a local webhook
# receiver, over BENCH_INCIDENTS (default 25) incidents; prints p50 and p99.
#
# Needs DOCKER_HOST (unix://) with the test image dockerops-test/busybox:1 (scripts/test.sh imports
# it), the .NET SDK and python3. Starts DockerOps (Release) on loopback with its own data folder,
# watching only the containers this run creates; removes them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DOCKER_HOST:?set DOCKER_HOST to the engine (unix://...)}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RUN="bench-$$"
DATA=$(mktemp -d /tmp/dockerops-bench.XXXXXX)
API_PORT=$(free_port)
export BENCH_RECEIVER_PORT=$(free_port)
export BENCH_LABEL="dockerops.bench=$RUN"

dotnet build -c Release src/DockerOps.Api -v quiet -nologo >/dev/null
DOCKEROPS_DATA="$DATA" Health__Label="$BENCH_LABEL" \
  Alerts__Channels__0__Name=bench Alerts__Channels__0__Type=webhook \
  Alerts__Channels__0__Url="http://127.0.0.1:$BENCH_RECEIVER_PORT/hook" \
  Logging__LogLevel__Default=Warning \
  dotnet run -c Release --no-build --project src/DockerOps.Api -- --urls "http://127.0.0.1:$API_PORT" >"$DATA/service.log" 2>&1 &
SERVICE=$!
cleanup() {
  kill "$SERVICE" 2>/dev/null || true
  wait "$SERVICE" 2>/dev/null || true
  curl -s --unix-socket "${DOCKER_HOST#unix://}" -G "http://docker/containers/json" --data-urlencode all=1 \
    --data-urlencode "filters={\"label\":[\"$BENCH_LABEL\"]}" | python3 -c 'import json,sys; print("\n".join(c["Id"] for c in json.load(sys.stdin)))' |
    while read -r id; do curl -s -X DELETE --unix-socket "${DOCKER_HOST#unix://}" "http://docker/containers/$id?force=true" >/dev/null; done
  rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null || { echo "DockerOps did not start:"; tail -n 30 "$DATA/service.log"; exit 1; }
sleep 1  # let the watcher subscribe
python3 bench/alert_latency.py
