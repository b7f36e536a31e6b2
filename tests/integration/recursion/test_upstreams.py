#!/usr/bin/python3
"""Recursor against a scripted upstream (dnspython on 127.0.0.31): EDNS
fallback for an old server, TC → TCP, random IDs and source ports, the cache
bound with LRU eviction, hits answered on the worker, and prefetch before expiry."""
import socketserver
import struct
import sys
import threading
import time
import urllib.request

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rrset

from enumd_testlib import Checker, Enumd, free_port

c = Checker()
UP = "127.0.0.31"
seen = []  # (transport, source port, id, qname, has_edns)
lock = threading.Lock()
BIG = ["x" * 200 + str(i) for i in range(10)]


def respond(wire, transport, port):
    q = dns.message.from_wire(wire)
    name = str(q.question[0].name).lower()
    with lock:
        seen.append((transport, port, q.id, name, q.edns >= 0))
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    if name == "edns.fallback.test.":
        if q.edns >= 0:
            r.set_rcode(dns.rcode.FORMERR)  # an old server that does not know EDNS
            r.use_edns(False)
        else:
            r.answer.append(dns.rrset.from_text(name, 300, "IN", "A", "192.0.2.1"))
    elif name == "big.tc.test.":
        if transport == "udp":
            r.flags |= dns.flags.TC
        else:
            r.answer.append(dns.rrset.from_text_list(name, 300, "IN", "TXT", [f'"{t}"' for t in BIG]))
    elif name == "pref.test.":
        r.answer.append(dns.rrset.from_text(name, 10, "IN", "A", "192.0.2.10"))
    elif name.endswith(".many.test."):
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "A", "192.0.2.20"))
    else:
        r.set_rcode(dns.rcode.NXDOMAIN)
    return r.to_wire(max_size=65535 if transport == "tcp" else 512)


class Udp(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(respond(data, "udp", self.client_address[1]), self.client_address)


class Tcp(socketserver.BaseRequestHandler):
    def handle(self):
        n = struct.unpack("!H", self.request.recv(2))[0]
        data = b""
        while len(data) < n:
            data += self.request.recv(n - len(data))
        out = respond(data, "tcp", self.client_address[1])
        self.request.sendall(struct.pack("!H", len(out)) + out)


def count(name, transport=None):
    with lock:
        return sum(1 for s in seen if s[3] == name and (transport is None or s[0] == transport))


def main():
    port = free_port(UP)
    udp = socketserver.ThreadingUDPServer((UP, port), Udp)
    tcp = socketserver.ThreadingTCPServer((UP, port), Tcp)
    for s in (udp, tcp):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    srv = Enumd(config=lambda rport, _: f"""listen: ["127.0.0.1:{rport}"]
threads: 2
recursion:
  forwarders: ["{UP}:{port}"]
  prefetch: true
  timeout_ms: 500
  cache: {{max_entries: 4}}
""", threads=None, stats=True)
    try:
        t_pref = time.monotonic()
        r = srv.query("pref.test.", "A", edns=0)
        c.check([x.to_text() for s in r.answer for x in s] == ["192.0.2.10"], f"pref.test: {r.answer}")

        # EDNS fallback: FORMERR to the EDNS query, then asked again without OPT.
        r = srv.query("edns.fallback.test.", "A", edns=0)
        c.check(r.rcode() == 0 and r.answer and r.answer[0][0].to_text() == "192.0.2.1", f"EDNS fallback: {r}")
        with lock:
            kinds = [s[4] for s in seen if s[3] == "edns.fallback.test."]
        c.check(kinds[:2] == [True, False], f"first with EDNS, then without: {kinds}")

        # TC → TCP: the upstream truncates over UDP; the recursor asks over TCP.
        r = srv.query("big.tc.test.", "TXT", tcp=True)
        c.check(len(r.answer) == 1 and len(r.answer[0]) == 10, f"TC answer completed over TCP: {r.answer}")
        c.check(count("big.tc.test.", "tcp") >= 1, "the recursor never used TCP")
        r = srv.query("big.tc.test.", "TXT", edns=0)  # from cache, too big for 1232 octets
        c.check(bool(r.flags & dns.flags.TC) and not r.answer, "a too-big cached answer sets TC over UDP")

        # Random IDs and source ports.
        for i in range(6):
            srv.query(f"n{i}.many.test.", "A")
        with lock:
            ports = {s[1] for s in seen if s[0] == "udp"}
            ids = {s[2] for s in seen}
        c.check(len(ports) >= 5, f"source ports not random: {sorted(ports)}")
        c.check(len(ids) >= 5, f"query IDs not random: {sorted(ids)}")

        # Cache bound: 4 entries, more names → evictions, answers still right.
        r = srv.query("n0.many.test.", "A")
        c.check(r.answer and r.answer[0][0].to_text() == "192.0.2.20", "evicted name resolved again")
        body = urllib.request.urlopen(f"http://127.0.0.1:{srv.stats_port}/metrics", timeout=3).read().decode()
        ev = [ln for ln in body.splitlines() if ln.startswith("enumd_recursion_cache_evictions_total ")]
        ent = [ln for ln in body.splitlines() if ln.startswith("enumd_recursion_cache_entries ")]
        c.check(ev and int(ev[0].split()[1]) > 0, f"no evictions counted: {ev}")
        c.check(ent and int(ent[0].split()[1]) <= 4, f"cache above its bound: {ent}")

        # A repeated question is a cache hit answered by the worker that received it (no thread hop).
        r = srv.query("n0.many.test.", "A")
        c.check(r.answer and r.answer[0][0].to_text() == "192.0.2.20" and r.answer[0].ttl <= 300, "cached answer")
        c.check(bool(r.flags & dns.flags.RA), "RA on an answer from the message cache")
        body = urllib.request.urlopen(f"http://127.0.0.1:{srv.stats_port}/metrics", timeout=3).read().decode()
        wh = [ln for ln in body.splitlines() if ln.startswith("enumd_recursion_cache_hits_on_worker_total ")]
        c.check(wh and int(wh[0].split()[1]) >= 1, f"no hit answered on the worker: {wh}")

        # Prefetch: a hit in the last 10 % of the 10 s TTL refreshes it in the background.
        before = count("pref.test.")
        r = srv.query("pref.test.", "A")  # keeps pref.test. recently used
        wait = 9.3 - (time.monotonic() - t_pref)
        if wait > 0:
            time.sleep(wait)
        r = srv.query("pref.test.", "A")
        c.check(r.answer and r.answer[0].ttl <= 1, f"near-expiry hit served from cache (ttl {r.answer[0].ttl if r.answer else None})")
        deadline = time.monotonic() + 3
        while count("pref.test.") <= before and time.monotonic() < deadline:
            time.sleep(0.05)
        c.check(count("pref.test.") > before, "no prefetch query went upstream")
        t_seen = time.monotonic()  # the prefetch reached the upstream by now: its answer carries a fresh 10 s
        time.sleep(1.0)
        r = srv.query("pref.test.", "A")
        # The refreshed entry counts down from 10 s from about t_seen (a loaded machine delays the query above,
        # not the entry's age); the old one would be at 0 or gone.
        fresh = 10 - (time.monotonic() - t_seen) - 1.5
        c.check(r.answer and r.answer[0].ttl >= max(2, fresh),
                f"prefetched data has a fresh TTL: {r.answer[0].ttl if r.answer else None} (at least {fresh:.1f})")
    finally:
        srv.stop()
        udp.shutdown()
        tcp.shutdown()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
