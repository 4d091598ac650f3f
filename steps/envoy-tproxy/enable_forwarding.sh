#!/usr/bin/env bash
# Lets the router forward packets between the client's network and the web server's network.
# Runtime only: add net.ipv4.ip_forward=1 to /etc/sysctl.d/ to keep it after a reboot.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

sysctl -w net.ipv4.ip_forward=1
