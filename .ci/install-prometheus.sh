#!/usr/bin/env bash
# Installs Debian's `prometheus` and `prometheus-alertmanager` packages: promtool for the
# observability kit's checks (`promtool check rules`, `promtool test rules`, the dashboard's PromQL:
# ObservabilityPromtoolTest), and the two servers, which FleetReflexEndToEndTest starts itself on
# loopback on free ports with its own configuration, so the packages' own services (started or not,
# as the machine's init allows) are not used. Run as root; idempotent.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-prometheus.sh: must run as root (it installs Debian packages); try: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! command -v promtool >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends prometheus prometheus-alertmanager
fi
promtool --version 2>&1 | head -1
prometheus-alertmanager --version 2>&1 | head -1
