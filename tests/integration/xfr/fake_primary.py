#!/usr/bin/python3
"""A minimal primary for fake.test. on 127.0.0.1 (UDP SOA + TCP AXFR) whose
version 2 transfer stalls after the first message, so the test can kill it
mid-stream. usage: fake_primary.py PORT STATEFILE  (STATEFILE holds 1 or 2)."""
import socket
import struct
import sys
import threading
import time

import dns.message
import dns.rrset

port, state_path = int(sys.argv[1]), sys.argv[2]
ORIGIN = "fake.test."


def version():
    with open(state_path) as f:
        return int(f.read().strip() or "1")


def soa(v):
    return dns.rrset.from_text(ORIGIN, 300, "IN", "SOA", f"ns.fake.test. admin.fake.test. {v} 3600 600 86400 60")


def records(v):
    out = [dns.rrset.from_text(ORIGIN, 300, "IN", "NS", "ns.fake.test."),
           dns.rrset.from_text("ns.fake.test.", 300, "IN", "A", "192.0.2.53")]
    for i in range(2000):
        out.append(dns.rrset.from_text(f"h{i}.fake.test.", 300, "IN", "A", f"192.0.{2 if v == 1 else 3}.{i % 250}"))
    return out


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, peer = s.recvfrom(4096)
        try:
            q = dns.message.from_wire(data)
        except Exception:  # noqa: BLE001 - junk is ignored
            continue
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        r.answer.append(soa(version()))
        s.sendto(r.to_wire(), peer)


def send(conn, msg):
    w = msg.to_wire(max_size=65535)
    conn.sendall(struct.pack("!H", len(w)) + w)


def tcp():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4)
    while True:
        conn, _ = s.accept()
        n = struct.unpack("!H", conn.recv(2))[0]
        data = b""
        while len(data) < n:
            data += conn.recv(n - len(data))
        q = dns.message.from_wire(data)
        v = version()
        rrs = [soa(v)] + records(v) + [soa(v)]
        chunks = [rrs[i:i + 100] for i in range(0, len(rrs), 100)]
        for k, chunk in enumerate(chunks):
            r = dns.message.make_response(q)
            r.flags |= dns.flags.AA
            if k > 0:
                r.question = []
            r.answer = chunk
            send(conn, r)
            if v == 2:
                print("stalling after the first message", flush=True)
                time.sleep(3600)  # the test kills us here
        conn.close()


threading.Thread(target=udp, daemon=True).start()
print("ready", flush=True)
tcp()
