#!/usr/bin/env bash
# Starts a local Unleash server (unleash-server 7.5.1, pinned in .ci/unleash/package-lock.json)
# for the integration tests, listening on 127.0.0.1:${UNLEASH_PORT:-4242} only, and checks that
# the seeded API tokens work:
#   admin token:   *:*.it-admin-token
#   client token:  default:development.it-client-token   (backend token, project default, env development)
# Needs PostgreSQL started by .ci/start-postgres.sh first: it recreates the empty `unleash` database
# (owner unleash/unleash), and Unleash seeds the tokens above only into an empty database.
# Idempotent: installs the npm packages only when the lock file changed, stops the server that an
# earlier run started (pid file .ci/unleash/unleash.pid) and starts a new one, which stays running
# after this script exits. Log: .ci/unleash/unleash.log. Stop it with: bash .ci/stop-unleash.sh
set -euo pipefail

cd "$(dirname "$0")/unleash"
DIR=$(pwd)
HOST=127.0.0.1
PORT=${UNLEASH_PORT:-4242}
URL="http://$HOST:$PORT"
ADMIN_TOKEN='*:*.it-admin-token'
CLIENT_TOKEN='default:development.it-client-token'
DATABASE_URL='postgres://unleash:unleash@127.0.0.1:5432/unleash'
PIDFILE="$DIR/unleash.pid"
LOG="$DIR/unleash.log"
STAMP="$DIR/node_modules/.ci-install-stamp"
t0=$(date +%s%3N)
ms() { date +%s%3N; }
secs_since() { local d=$(( $(ms) - $1 )); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }

say() { echo "start-unleash.sh: $*"; }
die() { echo "start-unleash.sh: $*" >&2; exit 1; }

# --- prerequisites: node >= 20 (unleash-server 7.5.1 declares node >=20), curl, jq, PostgreSQL
command -v node >/dev/null || die "node not found (need Node.js >= 20)"
command -v npm >/dev/null || die "npm not found"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "node $(node -v) is too old; unleash-server 7.5.1 needs >= 20"
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; install them (apt-get install ${missing[*]})"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
if command -v psql >/dev/null; then
  PGPASSWORD=unleash PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p 5432 -U unleash -d unleash -tAc 'select 1' >/dev/null 2>&1 \
    || die "cannot connect to $DATABASE_URL; run .ci/start-postgres.sh first"
fi

# --- stop the server an earlier run started (before npm ci replaces the files it runs from)
our_pid() {  # prints the pid from the pid file if that process is still our node server
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q 'start-unleash\.mjs' || return 1
  echo "$pid"
}
if pid=$(our_pid); then
  say "stopping the previous server (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid ignored SIGTERM for 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
fi
rm -f "$PIDFILE"
port_busy() {
  curl -sS -m 2 -o /dev/null "$URL/" 2>/dev/null && return 0
  command -v ss >/dev/null && ss -Hltn "sport = :$PORT" | grep -q .
}
if port_busy; then
  command -v ss >/dev/null && ss -ltnp "sport = :$PORT" >&2

  die "port $PORT is already in use by a process this script did not start; stop it or set UNLEASH_PORT"
fi

# --- npm packages: `npm ci` only when package.json, the lock file or node/npm changed
want_stamp=$( { sha256sum package.json package-lock.json; node -v; npm -v; } | sha256sum | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ] && [ -f node_modules/unleash-server/package.json ]; then
  say "node_modules up to date with package-lock.json, skipping npm ci"
else
  say "npm ci (unleash-server from package-lock.json) ..."
  t=$(ms)
  # --ignore-scripts: the server needs none of its dependencies' install scripts (a telemetry
  # postinstall, an optional native ssh2 build); npm 11 skips them anyway, older npm would not.
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$want_stamp" > "$STAMP"
  say "npm ci done in $(secs_since "$t") s"
fi
UNLEASH_VERSION=$(node -p 'require("./node_modules/unleash-server/package.json").version')

# --- start in the background, in its own session so it survives this script
say "starting unleash-server $UNLEASH_VERSION on $URL (log: $LOG)"
t=$(ms)
# A clean environment: Unleash reads many variables (HTTP_HOST, BASE_URI_PATH, AUTH_TYPE, ...), so
# only the ones below reach it. NODE_ENV=production as in Unleash's own container image.
# --unhandled-rejections=warn: a failed background task of the server (e.g. recording the lifecycle of a
# flag archived and deleted at once) is logged instead of ending the process in the middle of the tests.
nohup setsid env -i \
  PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 TZ=UTC \
  NODE_ENV=production \
  DATABASE_URL="$DATABASE_URL" DATABASE_SSL=false \
  HTTP_PORT="$PORT" UNLEASH_URL="$URL" \
  SEND_TELEMETRY=false CHECK_VERSION=false SCARF_ANALYTICS=false \
  LOG_LEVEL=warn \
  INIT_ADMIN_API_TOKENS="$ADMIN_TOKEN" \
  INIT_BACKEND_API_TOKENS="$CLIENT_TOKEN" \
  node --unhandled-rejections=warn "$DIR/start-unleash.mjs" > "$LOG" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$PIDFILE"

deadline=$((SECONDS + 60))
until curl -fsS -m 2 -o /dev/null "$URL/health" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "---- tail of $LOG" >&2; tail -n 40 "$LOG" >&2
    rm -f "$PIDFILE"
    die "unleash-server exited during start-up"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "---- tail of $LOG" >&2; tail -n 40 "$LOG" >&2
    die "unleash-server not healthy on $URL/health after 60 s (pid $pid left running; stop it with .ci/stop-unleash.sh)"
  fi
  sleep 0.3
done
say "healthy after $(secs_since "$t") s: $(curl -fsS -m 2 "$URL/health")"

# --- check the seeded tokens with a throw-away flag: admin token creates it and turns it on in
# development, client token sees it enabled, then it is archived and deleted for good.
FLAG="ci-token-check-$$"
api() {  # api METHOD PATH TOKEN [JSON]; prints the status code, body in $BODY_FILE
  local method=$1 path=$2 token=$3 data=${4:-}
  local args=(-sS -m 10 -o "$BODY_FILE" -w '%{http_code}' -X "$method" -H "Authorization: $token")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' -d "$data")
  curl "${args[@]}" "$URL$path"
}
expect() {  # expect WANTED_STATUS STATUS WHAT
  [ "$2" = "$1" ] || { echo "---- response body:" >&2; cat "$BODY_FILE" >&2; echo >&2; die "$3: HTTP $2, expected $1"; }
}
BODY_FILE=$(mktemp)
trap 'rm -f "$BODY_FILE"' EXIT

st=$(api POST /api/admin/projects/default/features "$ADMIN_TOKEN" "{\"name\":\"$FLAG\",\"type\":\"release\"}")
expect 201 "$st" "admin token: create flag $FLAG"
st=$(api POST "/api/admin/projects/default/features/$FLAG/environments/development/on" "$ADMIN_TOKEN")
expect 200 "$st" "admin token: enable $FLAG in development"
seen=""
for _ in $(seq 1 50); do  # the client API may lag behind the admin API by about a second
  st=$(api GET /api/client/features "$CLIENT_TOKEN")
  expect 200 "$st" "client token: GET /api/client/features"
  seen=$(jq -r --arg f "$FLAG" '.features[] | select(.name == $f) | .enabled' "$BODY_FILE")
  [ "$seen" = true ] && break
  sleep 0.2
done
[ "$seen" = true ] || die "client token: $FLAG not listed as enabled by /api/client/features (got '${seen:-absent}')"
st=$(api DELETE "/api/admin/projects/default/features/$FLAG" "$ADMIN_TOKEN")
expect 202 "$st" "admin token: archive $FLAG"
st=$(api DELETE "/api/admin/archive/$FLAG" "$ADMIN_TOKEN")
expect 200 "$st" "admin token: delete $FLAG from the archive"
st=$(api GET /api/admin/projects/default/features "$CLIENT_TOKEN")
expect 403 "$st" "client token on the admin API"
say "tokens OK (admin token: create/enable/archive/delete; client token: reads the enabled flag)"

say "ready in $(secs_since "$t0") s: unleash-server $UNLEASH_VERSION on node $(node -v), $URL (pid $pid)"
echo "UNLEASH_URL=$URL"
echo "UNLEASH_ADMIN_TOKEN=$ADMIN_TOKEN"
echo "UNLEASH_CLIENT_TOKEN=$CLIENT_TOKEN"
