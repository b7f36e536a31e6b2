#!/usr/bin/python3
"""Views (zones/README.md "Views", issue 14) on a real enumd: one zone with two views, asked from
several loopback source addresses — each client gets its view's RRsets, the default's where the view
says nothing (per RRset), through CNAME chains, wildcards and NAPTR additional processing; a resolver
trusted with `client_subnet` gets the view of the EDNS Client Subnet it sends, with the ECS option
echoed and the scope of the network that chose (RFC 7871 §7.2.1); an untrusted one gets its own
address's view and no ECS option; a malformed ECS option is FORMERR (§6); AXFR carries the default."""
import os
import socket

import dns.edns
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from enumd_testlib import DATA_DIR, Checker, Enumd, Scratch, run_in_scratch

c = Checker()
ORIGIN = "mnc001.mcc505.pub.3gppnetwork.org."
EPDG = "epdg.epc." + ORIGIN
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
NUMBER = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."

ZONE = f"""origin: {ORIGIN}
ttl: 300
soa: {{mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}}
ns: [ns1.example.net.]
records:
  - {{name: epdg.epc, type: A, data: 192.0.2.11}}
  - {{name: epdg.epc, type: AAAA, data: "2001:db8::11"}}
  - {{name: alias, type: CNAME, data: epdg.epc}}
  - {{name: "*.tac", type: A, data: 192.0.2.50}}
  - {{name: visited, type: NAPTR, data: '10 10 "a" "x-3gpp-epdg:x-s2b-gtp" "" epdg.epc'}}
views:
  - name: au
    match: [127.0.0.3/32, 198.51.100.0/24]
    records:
      - {{name: epdg.epc, type: A, data: 203.0.113.61}}
      - {{name: "*.tac", type: A, data: 203.0.113.50}}
  - name: uk
    match: [127.0.0.4/30, 192.0.2.128/25]
    records:
      - {{name: epdg.epc, type: A, data: 203.0.113.44}}
"""


def config(zone):
    return f"""zones:
  - file: {zone}
    transfer: {{allow: [127.0.0.0/8]}}
  - file: {LAB}
    origin: e164.arpa.
client_subnet: {{trust: [127.0.0.2/32]}}
"""


def ask(srv, name, rdtype="A", source="127.0.0.1", ecs=None, raw_ecs=None, tcp=False):
    q = dns.message.make_query(name, rdtype, use_edns=0)
    if ecs is not None:
        address, prefix = ecs
        q.use_edns(0, options=[dns.edns.ECSOption(address, prefix, 0)])
    if raw_ecs is not None:
        q.use_edns(0, options=[dns.edns.GenericOption(8, raw_ecs)])
    if tcp:
        return dns.query.tcp(q, srv.host, port=srv.port, timeout=3, source=source)
    return dns.query.udp(q, srv.host, port=srv.port, timeout=3, source=source)


def addresses(r, section="answer", rdtype=dns.rdatatype.A, owner=None):
    out = []
    for rrset in getattr(r, section):
        if rrset.rdtype == rdtype and (owner is None or rrset.name.to_text() == owner):
            out += sorted(rd.to_text() for rd in rrset)
    return out


def ecs_of(r):
    for o in r.options if r.edns >= 0 else []:
        if o.otype == dns.edns.ECS:
            return (o.address, o.srclen, o.scopelen)
    return None


def body(s):
    zone = s.path("views.yaml")
    with open(zone, "w") as f:
        f.write(ZONE)
    srv = s.start(Enumd(config=config(zone), listen=True, workdir=s.tmp))

    # By source address: the default (127.0.0.1, 127.0.0.9), au (127.0.0.3), uk (127.0.0.4/30).
    for source, want in (("127.0.0.1", "192.0.2.11"), ("127.0.0.9", "192.0.2.11"), ("127.0.0.3", "203.0.113.61"),
                         ("127.0.0.5", "203.0.113.44"), ("127.0.0.7", "203.0.113.44")):
        r = ask(srv, EPDG, source=source)
        c.check(addresses(r) == [want] and r.rcode() == dns.rcode.NOERROR, f"A {EPDG} from {source}: {want}",
                r.to_text())
        c.check(ecs_of(r) is None, f"no ECS option in the answer to {source}, which sent none", r.to_text())
    r = ask(srv, EPDG, source="127.0.0.3", tcp=True)
    c.check(addresses(r) == ["203.0.113.61"], "over TCP too", r.to_text())

    # Per RRset: au replaces A only; AAAA is the default's.
    r = ask(srv, EPDG, "AAAA", source="127.0.0.3")
    c.check(addresses(r, rdtype=dns.rdatatype.AAAA) == ["2001:db8::11"], "au: AAAA falls back to the default",
            r.to_text())
    # A CNAME chain ends at the view's RRset.
    r = ask(srv, "alias." + ORIGIN, source="127.0.0.3")
    c.check(addresses(r, owner=EPDG) == ["203.0.113.61"] and r.answer[0].rdtype == dns.rdatatype.CNAME,
            "au: alias CNAME -> epdg.epc -> au's A", r.to_text())
    # A wildcard the view overrides synthesises the view's RRset, with the query name as owner (RFC 4592).
    for source, want in (("127.0.0.3", "203.0.113.50"), ("127.0.0.5", "192.0.2.50"), ("127.0.0.1", "192.0.2.50")):
        r = ask(srv, "tac-lb1a.tac." + ORIGIN, source=source)
        c.check(addresses(r, owner="tac-lb1a.tac." + ORIGIN) == [want], f"wildcard from {source}: {want}",
                r.to_text())
    # NAPTR "a" flag: the additional addresses are the view's (RFC 3403 §4).
    for source, want in (("127.0.0.3", "203.0.113.61"), ("127.0.0.1", "192.0.2.11")):
        r = ask(srv, "visited." + ORIGIN, "NAPTR", source=source)
        c.check(addresses(r, "additional", owner=EPDG) == [want], f"NAPTR additional A from {source}: {want}",
                r.to_text())
    # Names that do not exist do not exist in any view (RFC 2308 NXDOMAIN with the SOA).
    r = ask(srv, "nope.epc." + ORIGIN, source="127.0.0.3")
    c.check(r.rcode() == dns.rcode.NXDOMAIN and r.authority and r.authority[0].rdtype == dns.rdatatype.SOA,
            "au: NXDOMAIN with the SOA", r.to_text())
    r = ask(srv, EPDG, "TXT", source="127.0.0.3")
    c.check(r.rcode() == dns.rcode.NOERROR and not r.answer and r.authority, "au: NODATA", r.to_text())

    # A trusted resolver (127.0.0.2) speaks for its clients: the ECS subnet chooses, the option is echoed with
    # the scope that chose (au's /24; uk's /25; the default: 2 bits tell 10/8 from every view network).
    for (address, prefix), want, scope in ((("198.51.100.0", 24), "203.0.113.61", 24),
                                           (("192.0.2.128", 25), "203.0.113.44", 25),
                                           (("10.0.0.0", 8), "192.0.2.11", 2)):
        r = ask(srv, EPDG, source="127.0.0.2", ecs=(address, prefix))
        c.check(addresses(r) == [want] and ecs_of(r) == (address, prefix, scope),
                f"trusted resolver, ECS {address}/{prefix}: {want}, scope {scope}", r.to_text())
    # SOURCE PREFIX-LENGTH 0: the client withheld its address; the resolver's own (default) chooses, scope 0.
    r = ask(srv, EPDG, source="127.0.0.2", ecs=("0.0.0.0", 0))
    c.check(addresses(r) == ["192.0.2.11"] and ecs_of(r) == ("0.0.0.0", 0, 0), "ECS /0: scope 0", r.to_text())
    # A zone without views: the answer does not depend on the address (scope 0).
    r = ask(srv, NUMBER, "NAPTR", source="127.0.0.2", ecs=("198.51.100.0", 24))
    c.check(r.answer and ecs_of(r) == ("198.51.100.0", 24, 0), "zone without views: scope 0", r.to_text())
    # An untrusted client's ECS is ignored: its own address chooses, and no option comes back (RFC 7871 §7.1.2).
    r = ask(srv, EPDG, source="127.0.0.3", ecs=("192.0.2.128", 25))
    c.check(addresses(r) == ["203.0.113.61"] and ecs_of(r) is None, "untrusted ECS: its own view, no ECS option",
            r.to_text())
    # RFC 7871 §6: malformed ECS is FORMERR, from anyone (FAMILY 3; bits beyond the prefix; /33).
    for raw, what in ((bytes.fromhex("00031800c63364"), "FAMILY 3"),
                      (bytes.fromhex("00011100c63381"), "address bits beyond /17"),
                      (bytes.fromhex("00012100c633640700"), "/33 for IPv4")):
        for source in ("127.0.0.2", "127.0.0.9"):
            r = ask(srv, EPDG, source=source, raw_ecs=raw)
            c.check(r.rcode() == dns.rcode.FORMERR, f"ECS {what} from {source}: FORMERR", r.to_text())

    # AXFR carries the default view, whoever asks.
    msgs = list(dns.query.xfr(srv.host, ORIGIN, port=srv.port, source="127.0.0.3", timeout=5, relativize=False))
    got = []
    for m in msgs:
        got += addresses(m, owner=EPDG)
    c.check(got == ["192.0.2.11"], "AXFR from au's address carries the default A only", repr(got))


if __name__ == "__main__":
    raise SystemExit(run_in_scratch(c, Scratch("enumd-views-"), body))
