#!/usr/bin/env bash
# Stops the Unleash server started by .ci/start-unleash.sh (pid file .ci/unleash/unleash.pid).
# Idempotent: does nothing when it is not running.
set -euo pipefail
PIDFILE="$(cd "$(dirname "$0")" && pwd)/unleash/unleash.pid"
if [ ! -f "$PIDFILE" ]; then
  echo "stop-unleash.sh: not running (no pid file)"
  exit 0
fi
pid=$(cat "$PIDFILE")
if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q 'start-unleash\.mjs'; then
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop-unleash.sh: pid $pid ignored SIGTERM for 10 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  echo "stop-unleash.sh: stopped unleash-server (pid $pid)"
else
  echo "stop-unleash.sh: pid $pid from $PIDFILE is not a running unleash-server; removing the stale pid file"
fi
rm -f "$PIDFILE"
