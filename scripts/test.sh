#!/usr/bin/env bash
# Runs every DockerOps test against a real Docker engine.
#
# Where DOCKER_HOST already answers, that engine is used. Otherwise this installs Debian's
# docker.io and busybox-static if they are missing, starts a private dockerd on its own socket and
# data folder (touching no other engine), makes it a single-node swarm manager on 127.0.0.1 (for
# the overlay network tests), runs the tests, and stops the daemon again.
# Extra arguments go to `dotnet test` (for example: --filter FullyQualifiedName~Lifecycle).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test.sh] %s\n' "$*" >&2; }

engine_answers() {
  local host=$1
  case "$host" in
    unix://*) curl -sf --max-time 3 --unix-socket "${host#unix://}" http://engine/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -sf --max-time 3 "http://${host#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

install_missing() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || missing+=(busybox-static)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  # The image-pull tests run a local registry on 127.0.0.1 (the fixture starts and stops it).
  [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
  # The registry-login tests write its bcrypt password file with htpasswd.
  [ -x /usr/bin/htpasswd ] || missing+=(apache2-utils)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "Missing ${missing[*]} and not root: install them (apt-get install ${missing[*]}) or set DOCKER_HOST to an engine."
    exit 1
  fi
  log "Installing ${missing[*]} from Debian..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ENGINE_DIR=""
stop_engine() {
  [ -n "$ENGINE_DIR" ] || return 0
  if [ -f "$ENGINE_DIR/docker.pid" ]; then
    local pid
    pid=$(cat "$ENGINE_DIR/docker.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # The swarm's network namespaces stay bind-mounted under exec/netns after the daemon stops: unmount
  # every mount below the folder, deepest first, or rm cannot remove it.
  awk -v dir="$ENGINE_DIR/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r mount; do
    umount -l "$mount" 2>/dev/null || true
  done
  rm -rf "$ENGINE_DIR" 2>/dev/null || true
}

start_private_engine() {
  if [ "$(id -u)" -ne 0 ]; then
    log "No engine answers at ${DOCKER_HOST:-(DOCKER_HOST unset)} and starting one needs root. Set DOCKER_HOST to a running engine."
    exit 1
  fi
  ENGINE_DIR=$(mktemp -d /tmp/dockerops-engine.XXXXXX)
  trap stop_engine EXIT
  log "Starting a private dockerd in $ENGINE_DIR ..."
  dockerd --host "unix://$ENGINE_DIR/docker.sock" --data-root "$ENGINE_DIR/data" \
    --exec-root "$ENGINE_DIR/exec" --pidfile "$ENGINE_DIR/docker.pid" >"$ENGINE_DIR/dockerd.log" 2>&1 &
  export DOCKER_HOST="unix://$ENGINE_DIR/docker.sock"
  for _ in $(seq 1 150); do
    engine_answers "$DOCKER_HOST" && { log "Engine ready at $DOCKER_HOST"; make_swarm_manager; return 0; }
    sleep 0.2
  done
  log "The private dockerd did not answer within 30 s. Its log:"
  tail -n 40 "$ENGINE_DIR/dockerd.log" >&2 || true
  exit 1
}

is_swarm_manager() { [ "$(docker info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null)" = "true" ]; }

# Overlay networks need a swarm: the private engine becomes a single-node manager, listening on loopback only.
make_swarm_manager() {
  is_swarm_manager && return 0
  local port=2377
  while (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((20000 + RANDOM % 20000)); done
  if docker swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$port" >/dev/null; then
    log "The private engine is a single-node swarm manager (127.0.0.1:$port)"
  else
    log "docker swarm init failed on the private engine; the overlay network tests will fail. Its log:"
    tail -n 20 "$ENGINE_DIR/dockerd.log" >&2 || true
  fi
}

# --- Private PostgreSQL for the job-storage tests (Jobs:Storage=postgresql) ------------------------
# Tests that run DockerOps on PostgreSQL read an Npgsql connection string from
# DOCKEROPS_TEST_POSTGRES (a role that may create and drop databases; each test class makes its own).
# When it is unset, this starts a throwaway cluster on 127.0.0.1 at a free port, as the postgres
# user when run as root, and removes it at exit.
PG_DIR=""
stop_postgres() {
  [ -n "$PG_DIR" ] || return 0
  local pg_ctl
  pg_ctl=$(postgres_bin)/pg_ctl
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  else "$pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$PG_DIR"
}

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}

start_private_postgres() {
  if [ -n "${DOCKEROPS_TEST_POSTGRES:-}" ]; then
    log "Using the PostgreSQL in DOCKEROPS_TEST_POSTGRES"
    return 0
  fi
  if [ -z "$(postgres_bin)" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      log "PostgreSQL is missing and not root: apt-get install postgresql, or set DOCKEROPS_TEST_POSTGRES to a connection string."
      exit 1
    fi
    log "Installing postgresql from Debian..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local bin port password as=()
  bin=$(postgres_bin)
  port=$(free_port) || { log "No free port for PostgreSQL"; exit 1; }
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  PG_DIR=$(mktemp -d /tmp/dockerops-postgres.XXXXXX)
  local previous_exit_trap
  previous_exit_trap=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
  trap "stop_postgres; ${previous_exit_trap}" EXIT
  printf '%s\n' "$password" >"$PG_DIR/password"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  log "Starting a private PostgreSQL in $PG_DIR on 127.0.0.1:$port ..."
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U dockerops --auth=scram-sha-256 --pwfile="$PG_DIR/password" \
    --encoding=UTF8 --no-instructions >"$PG_DIR/initdb.log" 2>&1 || { tail -n 20 "$PG_DIR/initdb.log" >&2; exit 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_DIR -c fsync=off -c max_connections=300" start >/dev/null \
    || { log "PostgreSQL did not start. Its log:"; tail -n 40 "$PG_DIR/postgres.log" >&2; exit 1; }
  export DOCKEROPS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=dockerops;Password=$password;Database=postgres"
  log "PostgreSQL ready at 127.0.0.1:$port"
}
# --- end of the PostgreSQL block ---------------------------------------------------------------------

install_missing
if [ -n "${DOCKER_HOST:-}" ] && engine_answers "$DOCKER_HOST"; then
  log "Using the engine at $DOCKER_HOST"
  is_swarm_manager || log "That engine is not a swarm manager, so the overlay network tests will fail: run" \
    "'docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377' against it, or unset DOCKER_HOST to use a private engine."
else
  start_private_engine
fi
start_private_postgres

# Static checks: the deployment files parse, and the committed OpenAPI contract passes a standard linter.
static_failures=0
for compose in docker-compose.yml deploy/stack.yml; do
  if docker-compose -f "$compose" config -q; then
    log "docker-compose config: $compose is valid"
  else
    log "docker-compose config: $compose is NOT valid"; static_failures=$((static_failures + 1))
  fi
done
if docker-compose -f docker-compose.yml --profile postgres config -q; then
  log "docker-compose config: the postgres profile is valid"
else
  log "docker-compose config: the postgres profile is NOT valid"; static_failures=$((static_failures + 1))
fi
if command -v npx >/dev/null 2>&1; then
  if (cd "$(mktemp -d)" && npx --yes @redocly/cli@2.77.0 lint --format=summary "$OLDPWD/openapi/dockerops.v1.json") >&2; then
    log "OpenAPI lint: openapi/dockerops.v1.json passes"
  else
    log "OpenAPI lint: openapi/dockerops.v1.json FAILS"; static_failures=$((static_failures + 1))
  fi
else
  log "OpenAPI lint: npx is missing (install Node.js and npm)"; static_failures=$((static_failures + 1))
fi

results=$(mktemp)
set +e
dotnet test DockerOps.sln --blame-hang-timeout 10m "$@" 2>&1 | tee "$results"
status=${PIPESTATUS[0]}
set -e
[ "$static_failures" -eq 0 ] || { log "$static_failures static check(s) failed"; [ "$status" -ne 0 ] || status=1; }

# One closing line in the form CI reads: the totals over every test assembly.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
       }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$results"
rm -f "$results"
exit "$status"
