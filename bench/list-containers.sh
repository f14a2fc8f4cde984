#!/usr/bin/env bash
# How much does DockerOps add on top of the engine when listing containers?
#
# Starts the API (Release build) against DOCKER_HOST (a unix:// socket), creates 300 labelled
# containers (created, not started), then in one run takes interleaved samples of
#   GET /api/v1/containers?all=true   (DockerOps)
#   GET /containers/json?all=1         (the engine itself, over its socket)
# after a warm-up, and prints both medians and their ratio (target: at most 1.3).
# Everything it creates carries the label dockerops.bench=<run id> and is removed on exit, even on failure.
#
# Settings: CONTAINERS (300), SAMPLES (200 per side), WARMUP (30 per side), PORT (a free one).
set -euo pipefail
cd "$(dirname "$0")/.."

CONTAINERS=${CONTAINERS:-300}
SAMPLES=${SAMPLES:-200}
WARMUP=${WARMUP:-30}
IMAGE=${IMAGE:-dockerops-test/busybox:1}
TARGET=1.3

log() { printf '[bench] %s\n' "$*" >&2; }

host=${DOCKER_HOST:-unix:///var/run/docker.sock}
case "$host" in
  unix://*) SOCKET=${host#unix://} ;;
  *) log "DOCKER_HOST must be a unix:// socket (got $host): the engine side is measured over it."; exit 1 ;;
esac
curl -sf --max-time 3 --unix-socket "$SOCKET" http://engine/_ping >/dev/null || { log "No engine answers at $host."; exit 1; }
curl -sf --unix-socket "$SOCKET" "http://engine/images/$IMAGE/json" >/dev/null ||
  { log "Image $IMAGE is missing; run ./scripts/test.sh once (it imports it) or set IMAGE."; exit 1; }

RUN_ID="bench-$$-$(date +%s)"
LABEL="dockerops.bench=$RUN_ID"
WORK=$(mktemp -d /tmp/dockerops-bench.XXXXXX)
API_PID=""

cleanup() {
  set +e
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null
  local filter ids
  filter=$(printf '{"label":["%s"]}' "$LABEL" | jq -sRr @uri)
  ids=$(curl -sf --unix-socket "$SOCKET" "http://engine/containers/json?all=1&filters=$filter" | jq -r '.[].Id')
  if [ -n "$ids" ]; then
    log "Removing $(echo "$ids" | wc -l) bench containers..."
    echo "$ids" | xargs -P 4 -I{} curl -s -o /dev/null --unix-socket "$SOCKET" -X DELETE "http://engine/containers/{}?force=1&v=1"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

command -v jq >/dev/null || { log "jq is required (apt-get install jq)."; exit 1; }

log "Building the API (Release)..."
dotnet build src/DockerOps.Api -c Release -o "$WORK/api" -v q -nologo >"$WORK/build.log" 2>&1 ||
  { tail -n 30 "$WORK/build.log" >&2; exit 1; }

PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
API="http://127.0.0.1:$PORT"
# A throwaway admin key and data folder; the rate limit is lifted so that it is not what gets measured.
KEY=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
AUTH="Authorization: Bearer $KEY"
DOCKEROPS_ADMIN_KEY="$KEY" DOCKEROPS_DATA="$WORK/data" \
  Limits__RateTokenLimit=1000000 Limits__RateTokensPerPeriod=1000000 \
  Docker__Host="$host" Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$WORK/api/DockerOps.Api.dll" --urls "$API" >"$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$API/readyz" >/dev/null 2>&1 && break
  kill -0 "$API_PID" 2>/dev/null || { log "The API exited:"; cat "$WORK/api.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "$API/readyz" >/dev/null || { log "The API did not become ready."; cat "$WORK/api.log" >&2; exit 1; }

log "Creating $CONTAINERS labelled containers..."
body=$(jq -nc --arg image "$IMAGE" --arg run "$RUN_ID" \
  '{Image: $image, Cmd: ["sleep", "3600"], Labels: {"dockerops.bench": $run, "team": "bench"}}')
seq 1 "$CONTAINERS" | xargs -P 4 -I{} curl -sf -o /dev/null --unix-socket "$SOCKET" \
  -H 'content-type: application/json' -d "$body" "http://engine/containers/create?name=$RUN_ID-{}"
listed=$(curl -sf -H "$AUTH" "$API/api/v1/containers?all=true&label=$LABEL" | jq length)
[ "$listed" -eq "$CONTAINERS" ] || { log "Expected $CONTAINERS bench containers, the API lists $listed."; exit 1; }
total=$(curl -sf --unix-socket "$SOCKET" 'http://engine/containers/json?all=1' | jq length)
log "The engine holds $total containers in all ($CONTAINERS of them this run's)."

api_sample() { curl -sf -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$API/api/v1/containers?all=true"; }
engine_sample() { curl -sf -o /dev/null -w '%{time_total}\n' --unix-socket "$SOCKET" 'http://engine/containers/json?all=1'; }

log "Warming up ($WARMUP requests each)..."
for _ in $(seq 1 "$WARMUP"); do api_sample >/dev/null; engine_sample >/dev/null; done

log "Measuring $SAMPLES interleaved samples each..."
: >"$WORK/api.txt"; : >"$WORK/engine.txt"
for i in $(seq 1 "$SAMPLES"); do
  # Alternate which goes first so that neither side always follows the other's cache warm-up.
  if [ $((i % 2)) -eq 0 ]; then
    api_sample >>"$WORK/api.txt"; engine_sample >>"$WORK/engine.txt"
  else
    engine_sample >>"$WORK/engine.txt"; api_sample >>"$WORK/api.txt"
  fi
done

median_ms() { sort -g "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m * 1000 }'; }
api_ms=$(median_ms "$WORK/api.txt")
engine_ms=$(median_ms "$WORK/engine.txt")
ratio=$(awk -v a="$api_ms" -v e="$engine_ms" 'BEGIN { printf "%.2f", a / e }')
verdict=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r <= t) ? "within" : "ABOVE" }')

echo "containers listed: $total (of which $CONTAINERS created by this run), samples: $SAMPLES each, interleaved"
echo "engine  GET /containers/json?all=1      median ${engine_ms} ms"
echo "DockerOps GET /api/v1/containers?all=true median ${api_ms} ms"
echo "ratio: $ratio ($verdict the target of $TARGET)"
