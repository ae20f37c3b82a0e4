#!/usr/bin/env bash
# Installs Debian's native crypto libraries that the optional checks use:
# libwolfssl-dev (SAKKE/ECCSI cross-check test, side-by-side bench) and
# libsrtp2-dev (side-by-side SRTP bench), with a C compiler, and xmlsec1
# (XML encryption/signature cross-check of lib/kms-xml). Tests and the
# bench skip (saying why) where these are absent; this script never fails
# the CI run for a package it cannot get.
set -uo pipefail
need=()
[ -f /usr/include/wolfssl/wolfcrypt/sakke.h ] || need+=(libwolfssl-dev)
[ -f /usr/include/srtp2/srtp.h ] || need+=(libsrtp2-dev)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
  echo "installed: ${need[*]}"
else
  echo "warning: could not install ${need[*]}; the wolfSSL and xmlsec1 cross-checks and native bench rows will be skipped" >&2
fi
exit 0
