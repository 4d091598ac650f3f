#!/usr/bin/env bash
# Installs Envoy on Debian or Ubuntu from the Envoy project's apt repository, unless it is there.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

if ! command -v envoy >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq ca-certificates curl gpg lsb-release >/dev/null
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://apt.envoyproxy.io/signing.key | gpg --dearmor --yes -o /etc/apt/keyrings/envoy-keyring.gpg
  echo "deb [signed-by=/etc/apt/keyrings/envoy-keyring.gpg] https://apt.envoyproxy.io $(lsb_release -cs) main" \
    >/etc/apt/sources.list.d/envoy.list
  apt-get update -qq
  apt-get install -y -qq envoy >/dev/null
fi
envoy --version
