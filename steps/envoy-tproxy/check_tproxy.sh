#!/usr/bin/env bash
# Checks that this kernel runs what the router's rules need: the TPROXY target and the socket match.
# It adds them to a scratch chain, which it removes again; the real chains are not touched.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -- "$0" "$@"; fi

# Stock Debian and Ubuntu kernels ship these as modules, which iptables loads on demand; loading
# them first makes a missing one fail with its own name. A kernel with them built in has nothing
# to load (and may have no modprobe at all).
if command -v modprobe >/dev/null && [ -d "/lib/modules/$(uname -r)" ]; then
  for module in nf_tproxy_ipv4 xt_TPROXY xt_socket; do
    modprobe "$module" 2>/dev/null || echo "note: modprobe $module failed; fine if the kernel has it built in" >&2
  done
fi

readonly CHAIN=TPROXY_CHECK
remove_chain() {
  iptables -t mangle -F "$CHAIN" 2>/dev/null || true
  iptables -t mangle -X "$CHAIN" 2>/dev/null || true
}
trap remove_chain EXIT
remove_chain
iptables -t mangle -N "$CHAIN"

missing=0
try_rule() {
  local what=$1 error
  shift
  if error=$(iptables -t mangle -A "$CHAIN" "$@" 2>&1); then
    echo "$what: ok"
  else
    echo "$what: missing (${error%%$'\n'*})"
    missing=1
  fi
}
try_rule "TPROXY target" -p tcp --dport 80 -j TPROXY --on-port 15001 --tproxy-mark 0x1/0x1
try_rule "socket match" -p tcp -m socket -j RETURN

if [ "$missing" -ne 0 ]; then
  cat >&2 <<'HELP'
This kernel lacks TPROXY support (CONFIG_NETFILTER_XT_TARGET_TPROXY, CONFIG_NETFILTER_XT_MATCH_SOCKET).
On Ubuntu, install the extra modules of the running kernel: sudo apt-get install linux-modules-extra-$(uname -r)
HELP
  exit 1
fi
