#!/usr/bin/env bash
# Marked packets (see create_iptables.sh) are looked up in table 100, whose only route says that
# every address is local: the kernel delivers them to the proxy's socket instead of forwarding them.
# Safe to run twice.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

readonly MARK=1 TABLE=100 PREF=100

if [ -z "$(ip rule list pref "$PREF" fwmark "$MARK" lookup "$TABLE")" ]; then
  ip rule add pref "$PREF" fwmark "$MARK" lookup "$TABLE"
fi
ip route replace local 0.0.0.0/0 dev lo table "$TABLE"

ip rule list pref "$PREF"
ip route show table "$TABLE"
