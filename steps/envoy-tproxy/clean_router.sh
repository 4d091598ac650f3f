#!/usr/bin/env bash
# Undoes create_iptables.sh and create_routes.sh, removes the proxy's log, and shows what is left.
# Safe to run twice, and after a run that stopped half way.
# Usage: clean_router.sh [LOG_DIR]
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

readonly PROXY_PORT=15001 MARK=1 TABLE=100 PREF=100

mangle() { iptables -t mangle "$@"; }

while mangle -D PREROUTING -p tcp --dport 80 -j TPROXY --tproxy-mark "$MARK/$MARK" --on-port "$PROXY_PORT" 2>/dev/null; do :; done
while mangle -D PREROUTING -p tcp -m socket -j DIVERT 2>/dev/null; do :; done
if mangle -S DIVERT >/dev/null 2>&1; then
  mangle -F DIVERT
  mangle -X DIVERT
fi
while ip rule del pref "$PREF" fwmark "$MARK" lookup "$TABLE" 2>/dev/null; do :; done
ip route flush table "$TABLE" 2>/dev/null || true

if [ -n "${1:-}" ]; then
  rm -f "$1/envoy.log"
  rmdir "$1" 2>/dev/null || true
fi

count() { grep -c "$@" || true; }
echo "mangle rules left: $(mangle -S | count -e DIVERT -e TPROXY)"
echo "ip rules for table $TABLE left: $(ip rule list | count "lookup $TABLE")"
echo "routes in table $TABLE left: $(ip route show table "$TABLE" | count .)"
