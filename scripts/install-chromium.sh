#!/usr/bin/env bash
# Installs Debian's Chromium for the browser-driven login tests. Playwright's
# own browser download cannot work here; the suite launches /usr/bin/chromium
# through executablePath instead.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
chromium --version
