#!/usr/bin/python3
"""TCP per RFC 7766: idle connections are closed after the idle timeout,
connection limits per client hold, a connection survives many pipelined
queries, and a half-sent query does not stall the server."""
import os
import socket
import struct
import sys
import time

import dns.message

from enumd_testlib import DATA_DIR, Checker, Enumd
from enumd_testlib.ports import closed_by_peer

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")


def framed(name, qid):
    q = dns.message.make_query(name, "NAPTR")
    q.id = qid
    w = q.to_wire()
    return struct.pack("!H", len(w)) + w


def read_msg(s):
    hdr = b""
    while len(hdr) < 2:
        chunk = s.recv(2 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    n = struct.unpack("!H", hdr)[0]
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            return None
        body += chunk
    return dns.message.from_wire(body)


def main():
    def config(port, _control):
        return (f'listen: ["127.0.0.1:{port}"]\nthreads: 2\nzones: [{LAB}]\n'
                "tcp: {idle_timeout_ms: 700, max_connections: 50, max_per_client: 3}\n")

    with Enumd(config=config, threads=None) as srv:
        port = srv.port
        # 1. 500 pipelined queries on one connection, all answered.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"".join(framed("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", i) for i in range(500)))
            ids = set()
            for _ in range(500):
                m = read_msg(s)
                if m is None:
                    break
                ids.add(m.id)
            c.check(ids == set(range(500)), f"pipelined: {len(ids)} of 500 answered")
        # 2. An idle connection is closed after the idle timeout, not before.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            t0 = time.monotonic()
            c.check(closed_by_peer(s, 5), "idle connection was not closed")
            took = time.monotonic() - t0
            c.check(0.5 < took < 3, f"idle close after {took:.2f} s, expected ≈0.7 s")
        # 3. A half-sent query is also idle: closed, and the server keeps answering UDP.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(framed("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", 1)[:7])
            c.check(closed_by_peer(s, 5), "a half-sent query kept the connection open")
        c.check(srv.query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR").rcode() == 0, "UDP still answers")
        # 4. Per-client limit: the 4th concurrent connection is closed at once.
        conns = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(4)]
        time.sleep(0.2)
        fourth_closed = closed_by_peer(conns[3], 0.4)
        c.check(fourth_closed, "4th connection from one client should be refused (max_per_client 3)")
        conns[0].sendall(framed("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", 7))
        conns[0].settimeout(3)
        m = read_msg(conns[0])
        c.check(m is not None and m.id == 7, "connections within the limit still work")
        for s in conns:
            s.close()
        # Another client address is counted separately.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.3", 0))
        s.settimeout(3)
        s.connect(("127.0.0.1", port))
        s.sendall(framed("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", 9))
        m = read_msg(s)
        c.check(m is not None and m.id == 9, "a different client is not limited by the first one")
        s.close()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
