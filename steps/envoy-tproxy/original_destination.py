#!/usr/bin/env python3
"""A transparent TCP proxy that stands in for Envoy on the router (standard library only).

It shows the two ways a proxy learns where an intercepted connection was going:

* TPROXY (iptables -t mangle ... -j TPROXY): nothing is rewritten. The proxy's listening socket
  has IP_TRANSPARENT, so the kernel hands it connections addressed to other hosts, and the
  accepted socket's local address IS the original destination.
* REDIRECT or DNAT (iptables -t nat ...): the kernel rewrote the destination to the proxy's own
  address; getsockopt(SOL_IP, SO_ORIGINAL_DST) asks conntrack for the address before NAT.

It tries SO_ORIGINAL_DST first and keeps its answer only when it differs from the local address
(a NAT happened); otherwise the local address is the answer. Envoy's original_dst listener filter
does the same. Upstream, it connects from the client's own address (IP_TRANSPARENT, then bind),
as Envoy's original_src listener filter does, so the web server sees the real client.

The log lines imitate Envoy's: [time][thread][level][component] message.
Needs CAP_NET_ADMIN (IP_TRANSPARENT): run it as root.
"""

import argparse
import datetime
import errno
import itertools
import socket
import struct
import sys
import threading

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h; not in the socket module
IP_TRANSPARENT = getattr(socket, "IP_TRANSPARENT", 19)  # linux/in.h

connection_ids = itertools.count()
log_lock = threading.Lock()


def log(level, component, message):
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    with log_lock:
        print(f"[{now}][{threading.get_native_id()}][{level}][{component}] {message}", flush=True)


def address(pair):
    return f"{pair[0]}:{pair[1]}"


def nat_original_destination(conn):
    """The destination before NAT, from conntrack; (None, reason) when there was no NAT entry."""
    try:
        raw = conn.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    except OSError as error:
        name = errno.errorcode.get(error.errno, str(error.errno))
        return None, f"{name}: no NAT entry"
    port, packed = struct.unpack_from("!2xH4s", raw)
    return (socket.inet_ntoa(packed), port), None


def pump(source, target, counter, key):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
            counter[key] += len(data)
    except OSError:
        pass
    finally:
        # Pass the end of the stream on, so that the other side sees it too.
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def handle(conn, args):
    cid = next(connection_ids)
    peer = conn.getpeername()
    local = conn.getsockname()
    log("debug", "filter", f"original_dst: new connection accepted from {address(peer)}")

    nat_destination, reason = nat_original_destination(conn)
    nat_text = address(nat_destination) if nat_destination else f"none ({reason})"
    log("debug", "filter", f"original_dst: local address {address(local)}, SO_ORIGINAL_DST {nat_text}")
    if nat_destination is not None and nat_destination != local:
        destination = nat_destination
        how = "from SO_ORIGINAL_DST (the destination was rewritten: REDIRECT/DNAT)"
    else:
        destination = local
        how = "from the socket's local address (TPROXY: no NAT)"
    log("info", "filter", f"original_dst: original destination {address(destination)}, {how}")

    if destination == local and local[1] == args.port:
        # A connection made to the proxy's own port, not intercepted: forwarding it would loop.
        log("warning", "filter", f"[C{cid}] {address(destination)} is the proxy itself; closing")
        conn.close()
        return

    upstream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if args.original_src:
            upstream.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
            upstream.bind((peer[0], 0))
            source = f"{peer[0]} (original source)"
        else:
            source = "this host's own address"
        log("debug", "upstream", f"Created host {address(destination)}.")
        log("debug", "connection", f"[C{cid}] connecting to {address(destination)} from {source}")
        upstream.settimeout(10)
        upstream.connect(destination)
        upstream.settimeout(None)
    except OSError as error:
        log("warning", "connection", f"[C{cid}] upstream connection to {address(destination)} failed: {error}")
        upstream.close()
        conn.close()
        return
    log("debug", "connection", f"[C{cid}] connected")

    counter = {"up": 0, "down": 0}
    up = threading.Thread(target=pump, args=(conn, upstream, counter, "up"), daemon=True)
    up.start()
    pump(upstream, conn, counter, "down")
    up.join()
    upstream.close()
    conn.close()
    log("debug", "connection", f"[C{cid}] closed: {counter['up']} bytes up, {counter['down']} bytes down")


def serve(conn, args):
    try:
        handle(conn, args)
    except OSError as error:
        # A client that went away mid-way (a reset): one line, not a traceback.
        log("warning", "connection", f"connection ended: {error}")
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=15001, help="port the TPROXY rule sends to (default 15001)")
    parser.add_argument(
        "--no-original-src",
        dest="original_src",
        action="store_false",
        help="connect upstream from this host's address instead of the client's",
    )
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        # TPROXY delivers only to a socket with IP_TRANSPARENT (Envoy: transparent: true).
        listener.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
        listener.bind((args.listen, args.port))
    except PermissionError:
        sys.exit("IP_TRANSPARENT needs CAP_NET_ADMIN: run this script as root")
    listener.listen(128)
    log("info", "main", f"listener on {args.listen}:{args.port} (IP_TRANSPARENT): starting main dispatch loop")
    try:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn, args), daemon=True).start()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
