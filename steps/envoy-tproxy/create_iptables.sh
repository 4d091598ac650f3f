#!/usr/bin/env bash
# The router's mangle rules: TCP to port 80 goes to the proxy's port by TPROXY (no NAT), and every
# packet of a connection that already has a socket here is marked for local delivery.
# Safe to run twice: a rule that exists is not added again.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

readonly PROXY_PORT=15001 MARK=1

mangle() { iptables -t mangle "$@"; }

mangle -S DIVERT >/dev/null 2>&1 || mangle -N DIVERT
mangle -C DIVERT -j MARK --set-mark "$MARK" 2>/dev/null || mangle -A DIVERT -j MARK --set-mark "$MARK"
mangle -C DIVERT -j ACCEPT 2>/dev/null || mangle -A DIVERT -j ACCEPT

# First: packets of established connections (the client's to the proxy, and the web server's
# replies to the proxy's upstream connection, which is bound to the client's address).
mangle -C PREROUTING -p tcp -m socket -j DIVERT 2>/dev/null || mangle -I PREROUTING 1 -p tcp -m socket -j DIVERT
# Then: a new connection to port 80 goes to the proxy, its destination left as it is.
mangle -C PREROUTING -p tcp --dport 80 -j TPROXY --tproxy-mark "$MARK/$MARK" --on-port "$PROXY_PORT" 2>/dev/null ||
  mangle -A PREROUTING -p tcp --dport 80 -j TPROXY --tproxy-mark "$MARK/$MARK" --on-port "$PROXY_PORT"

mangle -S PREROUTING | grep -e DIVERT -e TPROXY
mangle -S DIVERT
