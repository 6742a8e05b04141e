#!/usr/bin/env bash
# Installs Prometheus' promtool (Debian's `prometheus` package) for the observability kit's checks:
# `promtool check rules`, `promtool test rules` and the dashboard's PromQL (ObservabilityPromtoolTest).
# Run as root; idempotent. The package's service is not started (nothing here needs it running).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-prometheus.sh: must run as root (it installs Debian packages); try: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! command -v promtool >/dev/null; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends prometheus
fi
promtool --version 2>&1 | head -1
