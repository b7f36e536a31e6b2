#!/usr/bin/python3
"""Recursion in a lab hierarchy on loopback: enumd instances as root
(127.0.0.11), TLD (127.0.0.12) and leaf (127.0.0.13); a recursive enumd
iterates from hints, caches positive and negative answers, never caches
out-of-bailiwick data, serves stale data when upstreams die, forwards,
keeps its local zones first, and refuses clients outside its ACL."""
import os
import sys
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode

from enumd_testlib import DATA_DIR, Checker, Enumd, free_port

DATA = os.path.join(DATA_DIR, "recursion")
c = Checker()


def z(name):
    return os.path.join(DATA, name)


def recursive_config(port, iteration_port, minimised=False):
    return f"""listen: ["127.0.0.1:{port}"]
threads: 2
zones: [{z('local-override.zone')}]
recursion:
{"  qname_minimisation: true" + chr(10) if minimised else ""}  allow: [127.0.0.1/32]
  root_hints: {z('root.hints')}
  iteration_port: {iteration_port}
  timeout_ms: 400
  total_time_ms: 3000
  cache: {{serve_stale: true, stale_ttl: 30, max_negative_ttl: 60}}
"""


def below_example_test_config(port, iteration_port, kind, local_zone=False):
    """A recursive enumd that sends example.test. to the leaf (kind: forward_zones or
    stub_zones) and iterates the rest."""
    zones = f"zones: [{z('local-override.zone')}]\n" if local_zone else ""
    return f"""listen: ["127.0.0.1:{port}"]
{zones}recursion:
  root_hints: {z('root.hints')}
  iteration_port: {iteration_port}
  timeout_ms: 200
  total_time_ms: 800
  {kind}: [{{zone: example.test., servers: ["127.0.0.13:{iteration_port}"]}}]
"""


def q(srv, name, rdtype, source=None, tcp=False):
    m = dns.message.make_query(name, rdtype)  # RD set by default
    if tcp:
        return dns.query.tcp(m, srv.host, port=srv.port, timeout=10, source=source)
    return dns.query.udp(m, srv.host, port=srv.port, timeout=10, source=source)


def addrs(r):
    return sorted(rr.to_text() for rrset in r.answer for rr in rrset if rrset.rdtype == 1)


def main():
    port = free_port("127.0.0.11", "127.0.0.12", "127.0.0.13")
    root = Enumd(["--zone", z("root.zone")], host="127.0.0.11", port=port)
    tld = Enumd(["--zone", z("test.zone"), "--zone", z("other.zone")], host="127.0.0.12", port=port)
    leaf = Enumd(["--zone", z("example.test.zone"), "--zone", z("override.test.zone")], host="127.0.0.13", port=port)
    rec = Enumd(config=lambda p, _: recursive_config(p, port), threads=None, stats=True)
    try:
        # 1. Iteration from the hints: answer, RA set, not authoritative.
        r = q(rec, "www.example.test.", "A")
        c.check(r.rcode() == 0 and addrs(r) == ["192.0.2.80"], f"iterated answer: {r}")
        c.check(bool(r.flags & dns.flags.RA) and not (r.flags & dns.flags.AA), "RA set, AA clear on recursion")
        r = q(rec, "alias.example.test.", "A", tcp=True)
        c.check(addrs(r) == ["192.0.2.80"] and len(r.answer) == 2, f"CNAME chain over TCP: {r.answer}")
        # 1b. The same with QNAME minimisation (RFC 9156) on a second resolver.
        with Enumd(config=lambda p, _: recursive_config(p, port, minimised=True), threads=None) as recmin:
            r = q(recmin, "www.example.test.", "A")
            c.check(addrs(r) == ["192.0.2.80"], f"minimised iteration: {r}")
            r = q(recmin, "nx.deeper.example.test.", "A")
            c.check(r.rcode() == dns.rcode.NXDOMAIN, f"minimised NXDOMAIN: {dns.rcode.to_text(r.rcode())}")
        # 2. Negative answer with the SOA (RFC 2308), then cached.
        r = q(rec, "nx.example.test.", "A")
        c.check(r.rcode() == dns.rcode.NXDOMAIN and r.authority and r.authority[0].rdtype == 6,
                f"NXDOMAIN with SOA: {r}")
        r = q(rec, "www.example.test.", "AAAA")
        c.check(r.rcode() == 0 and not r.answer and r.authority, "NODATA with SOA")
        # 3. Local zones win over recursion.
        r = q(rec, "host.override.test.", "A")
        c.check(addrs(r) == ["10.0.0.1"] and bool(r.flags & dns.flags.AA), f"local zone first: {r.answer}")
        # 4. Out-of-bailiwick additional data is not cached: mail.other. stays unresolvable.
        r = q(rec, "mx.test.", "MX")
        c.check(r.rcode() == 0 and r.answer, "MX answer from the TLD")
        r = q(rec, "mail.other.", "A")
        c.check(r.rcode() == dns.rcode.NXDOMAIN and "6.6.6.6" not in addrs(r),
                f"out-of-bailiwick record leaked into the cache: {r}")
        # 5. The ACL: 127.0.0.2 is loopback but not allowed to recurse.
        r = q(rec, "www.example.test.", "A", source="127.0.0.2")
        c.check(r.rcode() == dns.rcode.REFUSED and not r.answer and not (r.flags & dns.flags.RA),
                f"outside the recursion ACL: {dns.rcode.to_text(r.rcode())}")
        r = q(rec, "host.override.test.", "A", source="127.0.0.2")
        c.check(addrs(r) == ["10.0.0.1"] and not (r.flags & dns.flags.RA), "local zones still answer everyone")
        # 6. Cache: the whole hierarchy goes away; cached data still answers.
        r = q(rec, "short.example.test.", "A")
        c.check(addrs(r) == ["192.0.2.81"] and r.answer[0].ttl <= 2, "short-TTL record")
        leaf.stop()
        tld.stop()
        root.stop()
        r = q(rec, "www.example.test.", "A")
        c.check(addrs(r) == ["192.0.2.80"] and r.answer[0].ttl <= 3600, "cached answer with servers gone")
        r = q(rec, "nx.example.test.", "A")
        c.check(r.rcode() == dns.rcode.NXDOMAIN, "negative answer cached")
        # 7. Expiry + serve-stale (RFC 8767): the 2 s record answers with the stale TTL.
        time.sleep(3)
        r = q(rec, "short.example.test.", "A")
        c.check(addrs(r) == ["192.0.2.81"] and r.answer[0].ttl == 30, f"serve-stale: {r.answer}")
        r = q(rec, "never.example.test.", "A")
        c.check(r.rcode() == dns.rcode.SERVFAIL, f"uncached name with dead upstreams: {dns.rcode.to_text(r.rcode())}")
        import urllib.request
        body = urllib.request.urlopen(f"http://127.0.0.1:{rec.stats_port}/metrics", timeout=3).read().decode()
        c.check("enumd_recursion_stale_answers_total 1" in body and "enumd_recursion_cache_hits_total" in body,
                "recursion counters in /metrics")
    finally:
        for s in (rec, leaf, tld, root):
            s.stop()

    # 8. Forwarding: a forwarder (here the leaf itself) answers for everything.
    with Enumd(["--zone", z("example.test.zone")], host="127.0.0.13", port=port) as leaf:
        with Enumd(["--forward", f"127.0.0.13:{port}"]) as fwd:
            r = q(fwd, "www.example.test.", "A")
            c.check(addrs(r) == ["192.0.2.80"] and bool(r.flags & dns.flags.RA), f"forwarded: {r}")
            r = q(fwd, "nothing.example.test.", "A")
            c.check(r.rcode() == dns.rcode.NXDOMAIN and r.authority, "forwarded NXDOMAIN with SOA")
        # Per-domain forwarding: only example.test. goes to the leaf; the rest iterates (dead root → SERVFAIL).
        with Enumd(config=lambda p2, _: below_example_test_config(p2, port, "forward_zones", local_zone=True),
                   threads=None) as fz:
            r = q(fz, "www.example.test.", "A")
            c.check(addrs(r) == ["192.0.2.80"], f"per-domain forwarder: {r}")
            r = q(fz, "www.elsewhere.test.", "A")
            c.check(r.rcode() == dns.rcode.SERVFAIL, "names outside the forward zone iterate (root is down)")
        # Stub zone: iterate below example.test. starting at the leaf (RD clear), root still down.
        with Enumd(config=lambda p3, _: below_example_test_config(p3, port, "stub_zones"), threads=None) as st:
            r = q(st, "alias.example.test.", "A")
            c.check(addrs(r) == ["192.0.2.80"], f"stub zone: {r}")
            r = q(st, "nothing.example.test.", "A")
            c.check(r.rcode() == dns.rcode.NXDOMAIN, "stub zone NXDOMAIN")
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
