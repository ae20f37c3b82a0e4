#!/usr/bin/env bash
# Installs Debian's SIPp (package sip-tester), the independent SIP peer the
# lib/sip interop self-test talks to. The test skips, naming this script,
# when sipp is absent; a failed install here does not fail CI by itself.
set -uo pipefail
if command -v sipp >/dev/null 2>&1; then sipp -v 2>/dev/null | head -n 2; exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends sip-tester >/dev/null; }; then
  echo "install-sip-peers: could not install sip-tester; the SIPp interop self-test will be skipped" >&2
  exit 0
fi
sipp -v 2>/dev/null | head -n 2 || true
