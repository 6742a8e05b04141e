#!/usr/bin/env bash
# Installs Debian's chromium package, which the report render check of examples/spring-boot-checkout
# (ReportRenderTest) uses to look at the demo's HTML report as a picture. Idempotent; runs as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if command -v chromium >/dev/null; then
  echo "chromium already installed: $(chromium --version 2>/dev/null || true)"
  exit 0
fi
apt-get update -q
apt-get install -y -q chromium
chromium --version
