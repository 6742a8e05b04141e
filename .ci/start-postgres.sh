#!/usr/bin/env bash
# Starts a local PostgreSQL for the integration tests, with fresh databases:
#   appdb   (owner app/app)         the ledger tests' database
#   unleash (owner unleash/unleash) the Unleash server's database
# listening on 127.0.0.1:5432 only. Run as root; idempotent: running it again recreates both
# databases empty. Installs PostgreSQL from Debian apt when it is missing.
# Stop it with: pg_ctlcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main stop
set -euo pipefail

HOST=127.0.0.1
PORT=5432

if [ "$(id -u)" -ne 0 ]; then
  echo "start-postgres.sh: must run as root (it installs and starts the system PostgreSQL); try: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -q
  apt-get install -y -q postgresql
fi

PGVER=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PGVER main"; then
  pg_createcluster "$PGVER" main --port="$PORT"
fi

# The options are given on the command line rather than written to postgresql.conf, so the
# system configuration is left as it was; a cluster already running with other settings
# (e.g. listening on every address) is restarted with ours.
OPTS="-c listen_addresses=$HOST -c port=$PORT"
if pg_ctlcluster "$PGVER" main status >/dev/null 2>&1; then
  settings=$(su postgres -c "psql -p $PORT -qtA -c 'show listen_addresses' -c 'show port'" 2>/dev/null | paste -sd' ' || true)
  if [ "$settings" != "$HOST $PORT" ]; then
    echo "start-postgres.sh: cluster $PGVER/main runs with listen_addresses/port '$settings'; restarting on $HOST:$PORT" >&2
    pg_ctlcluster "$PGVER" main stop
    pg_ctlcluster "$PGVER" main start -- -o "$OPTS"
  fi
else
  pg_ctlcluster "$PGVER" main start -- -o "$OPTS"
fi

for _ in $(seq 1 30); do
  pg_isready -h "$HOST" -p "$PORT" -q && break
  sleep 1
done
pg_isready -h "$HOST" -p "$PORT"

# WITH (FORCE) drops the databases even while a test or an Unleash server is still connected.
su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -q" <<'SQL'
SET client_min_messages = warning;
DROP DATABASE IF EXISTS unleash WITH (FORCE);
DROP DATABASE IF EXISTS appdb WITH (FORCE);
DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN CREATE ROLE app LOGIN PASSWORD 'app'; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'unleash') THEN CREATE ROLE unleash LOGIN PASSWORD 'unleash'; END IF;
END$$;
ALTER ROLE app LOGIN PASSWORD 'app';
ALTER ROLE unleash LOGIN PASSWORD 'unleash';
CREATE DATABASE appdb OWNER app;
CREATE DATABASE unleash OWNER unleash;
SQL

test "$(PGPASSWORD=app psql -h "$HOST" -p "$PORT" -U app -d appdb -tAc 'select 1')" = 1
test "$(PGPASSWORD=unleash psql -h "$HOST" -p "$PORT" -U unleash -d unleash -tAc 'select 1')" = 1
echo "PostgreSQL $PGVER ready on $HOST:$PORT (databases appdb, unleash)"
