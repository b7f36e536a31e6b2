#!/usr/bin/python3
"""Differential test: the same RFC 1035 zone files served by two servers, every
answer compared.

  differential.py --a knot --b enumd --enumd build/bin/enumd     # the real test
  differential.py --a knot --b knot                              # self-check of the harness

Both servers listen on free loopback ports. The query list is generated from
the zones: every owner, each of its ancestors down from the origin, children
below it (nonexistent names, names under wildcards), case variations, `*`
queried literally, the RFC 4592 §2.2.1 query list, out-of-zone names and
seeded random nonexistent names, each with several types. Each query goes out
over UDP and TCP, with and without EDNS(0) (and some with RD=1); a few names
also with EDNS version 1 (BADVERS), the DO bit, and a 512-octet EDNS buffer.

Compared, per query: timeout or not, rcode (extended included), the header
flags QR AA TC RD RA AD CD and the opcode, the question as echoed (case
included), OPT present or not, its version and DO bit, and the answer and authority
sections as sets of RRsets (owner, class, type, TTL, rdata in canonical form;
order-insensitive). When the response is truncated (TC=1) only the header is
compared: the RFCs leave what a truncated answer carries to the server.
The additional section is reported as a note (--additional strict compares it).

Exit status: 0 when no difference, 1 otherwise (each difference printed).
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.zone

from enumd_testlib import Enumd, Knot, Nsd, compare_responses, sanitizer_reports, stop_all

HERE = os.path.dirname(os.path.abspath(__file__))
ZONES = [("example.", "rfc4592.zone"), ("e164.arpa.", "lab.zone"), ("misc.test.", "misc.zone"),
         ("hard.test.", "hard.zone"), ("child.hard.test.", "hard-child.zone"), ("signed.hard.test.", "hard-signed.zone"),
         ("occluded.test.", "occluded.zone")]
TYPES = ["A", "AAAA", "MX", "TXT", "NS", "SOA", "CNAME", "SRV", "NAPTR"]
FEW_TYPES = ["A", "TXT", "NAPTR"]

# RFC 4592 §2.2.1: the queries the RFC walks through, plus a few more.
RFC4592_QUERIES = [
    ("host3.example.", "MX"), ("host3.example.", "A"), ("foo.bar.example.", "TXT"),
    ("host1.example.", "MX"), ("sub.*.example.", "MX"), ("_telnet._tcp.host1.example.", "SRV"),
    ("host.subdel.example.", "A"), ("ghost.*.example.", "MX"),
    ("*.example.", "TXT"), ("*.example.", "MX"), ("*.example.", "A"), ("_tcp.host1.example.", "SRV"),
    ("_ssh._tcp.host3.example.", "SRV"), ("foo.sub.*.example.", "TXT"), ("host2.example.", "A"),
    ("subdel.example.", "NS"), ("subdel.example.", "A"), ("a.b.c.subdel.example.", "MX"),
]


def log(msg):
    print(msg, flush=True)


# ------------------------------------------------------------------ servers

def start_server(kind, label, workdir, zones, enumd_binary):
    """One server on a free loopback port serving zones [(origin, path)], once it answers."""
    if kind == "knot":
        server = Knot(workdir, dict(zones), name=label)
    elif kind == "nsd":
        server = Nsd(workdir, dict(zones), name=label)
    else:
        server = Enumd([a for origin, path in zones for a in ("--zone", "%s=%s" % (origin, path))], threads=1,
                       name=label, workdir=workdir, binary=enumd_binary)
    log("%s: %s" % (label, " ".join(server.cmd)))
    log("%s: serving on 127.0.0.1:%d" % (label, server.port))
    return server


def imported(enumctl, zones, workdir):
    """Each zone file through `enumctl import`: [(origin, path of the YAML)]."""
    out = []
    for origin, path in zones:
        yaml = os.path.join(workdir, os.path.basename(path) + ".yaml")
        r = subprocess.run([enumctl, "import", "--origin", origin, path, "-o", yaml], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("differential: enumctl import %s failed:\n%s" % (path, r.stderr))
        log("imported %s: %s" % (path, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "ok"))
        out.append((origin, yaml))
    return out


# ------------------------------------------------------------------ queries

def vary_case(name, rng):
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)


def build_queries(zone_paths, seed):
    """Deterministic, de-duplicated list of (qname text, qtype text)."""
    rng = random.Random(seed)
    out, seen = [], set()

    def add(name, qtype):
        key = (name, qtype)
        if key not in seen:
            seen.add(key)
            out.append(key)

    for q in RFC4592_QUERIES:
        add(*q)
    for origin, path in zone_paths:
        zone = dns.zone.from_file(path, origin=origin, relativize=False, check_origin=True)
        zorigin = dns.name.from_text(origin)
        owners = sorted(zone.nodes.keys())
        names = set()
        for owner in owners:
            names.add(owner)
            # every ancestor down from the origin (empty non-terminals among them)
            n = owner
            while n != zorigin and len(n.labels) > len(zorigin.labels):
                n = n.parent()
                names.add(n)
        for n in sorted(names):
            text = n.to_text()
            for t in TYPES:
                add(text, t)
            # children: below a leaf, below a wildcard owner ('*' literal and synthesis)
            for child in ("nx", "a.b"):
                for t in FEW_TYPES:
                    add("%s.%s" % (child, text), t)
            if n.labels[0] == b"*":
                for t in FEW_TYPES + ["MX", "CNAME"]:
                    add("zz." + n.parent().to_text(), t)  # synthesized from the wildcard
            add(vary_case(text, rng), "A")
            add(vary_case(text, rng), "NAPTR")
        # random nonexistent names under the origin
        for _ in range(15):
            label = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-") for _ in range(rng.randint(1, 12)))
            add("%s.%s" % (label.strip("-") or "x", origin), rng.choice(TYPES))
    # ENUM: numbers around the exception and the ranges (the RFC 4592 trap)
    for digits in ("61255502345", "61255502346", "61255502340", "6125550234", "612555023", "61255502",
                   "612555023451", "61255502000", "61255501000", "6125550100", "61255501", "61355500911",
                   "61355500915", "6135550091", "613555009111"):
        add(".".join(reversed(digits)) + ".e164.arpa.", "NAPTR")
    # out of every zone: REFUSED (an authoritative-only server)
    for name, t in (("nothere.invalid.", "A"), ("com.", "SOA"), (".", "NS"), ("test.", "SOA"),
                    ("arpa.", "NS"), ("example.com.", "A")):
        add(name, t)
    # literal '*' with a case variation, and a query for type ANY? (RFC 8482 lets
    # servers differ: not sent) and an unknown type (NODATA)
    add("*.WC.misc.test.", "A")
    add("host.misc.test.", "TYPE65280")
    # DS lives on the parent side of a cut (RFC 4035 §3.1.4.1): not a referral
    add("deleg.misc.test.", "DS")
    add("subdel.example.", "DS")
    add("x.deleg.misc.test.", "DS")
    # …and when the child zone is served too, still by the parent (DS in it, or NODATA)
    add("child.hard.test.", "DS")
    add("signed.hard.test.", "DS")
    add("www.child.hard.test.", "DS")
    # through DNAMEs (RFC 6672), and the whole CNAME chain
    for qn in ("a.dn.hard.test.", "b.dn.hard.test.", "x.y.dn.hard.test.", "x.out.hard.test.", "c1.hard.test."):
        for t in ("A", "TXT", "CNAME", "DNAME"):
            add(qn, t)
    add("host1.example.", "TYPE65280")
    return out


# EDNS corner cases (RFC 6891) for a few names: unknown version -> BADVERS,
# DO bit set on a server without DNSSEC data, a 512-octet buffer (TC for big RRsets).
EDNS_VARIANTS = [("EDNS version 1", {"edns_version": 1}),
                 ("EDNS DO=1", {"use_edns": 0, "payload": 1232, "want_dnssec": True}),
                 ("EDNS payload 512", {"use_edns": 0, "payload": 512})]
EDNS_NAMES = [("host1.example.", "A"), ("big.misc.test.", "TXT"), ("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR"),
              ("nx.misc.test.", "A"), ("deleg.misc.test.", "NS"), ("nothere.invalid.", "A")]


def ask(port, qname, qtype, transport, edns, rd, edns_kw=None):
    if edns_kw is not None and "edns_version" in edns_kw:
        q = dns.message.make_query(qname, qtype)
        q.use_edns(edns_kw["edns_version"], payload=1232)  # make_query takes use_edns=1 as True (version 0)
    elif edns_kw is not None:
        q = dns.message.make_query(qname, qtype, **edns_kw)
    else:
        q = dns.message.make_query(qname, qtype, use_edns=0 if edns else None, payload=1232)
    q.flags = dns.flags.RD if rd else 0
    for attempt in range(2):
        try:
            if transport == "udp":
                return dns.query.udp(q, "127.0.0.1", port=port, timeout=1.5, ignore_trailing=False)
            return dns.query.tcp(q, "127.0.0.1", port=port, timeout=3)
        except dns.exception.Timeout:
            if attempt == 1:
                return None
        except (ConnectionError, EOFError):
            return None
    return None


class Tally:
    """Compares the two servers' responses to each query and counts (and prints) what differs."""

    def __init__(self, a_label, b_label, strict_additional):
        self.a_label, self.b_label, self.strict = a_label, b_label, strict_additional
        self.sent = self.diffs = self.notes = 0

    def compare(self, where, qname, ra, rb):
        self.sent += 1
        diffs, notes = compare_responses(self.a_label, ra, self.b_label, rb, qname, self.strict)
        if diffs:
            self.diffs += 1
            log("DIFFERENCE %s\n%s" % (where, "\n".join(diffs)))
        if notes:
            self.notes += 1
            log("note %s\n%s" % (where, "\n".join(notes)))


PERTURBATIONS = {
    "lab.zone": ("server1.example.net!\" .\n; +61355500912", "server9.example.net!\" .\n; +61355500912"),
    "misc.zone": ("short  5     IN A", "short  6     IN A"),
    "rfc4592.zone": ("host1.example.           3600     A     192.0.2.1\n", ""),
}


def perturbed(zone_paths, workdir):
    out = []
    for origin, path in zone_paths:
        with open(path) as f:
            text = f.read()
        if os.path.basename(path) not in PERTURBATIONS:
            out.append((origin, path))  # zones without a perturbation are served unchanged
            continue
        old, new = PERTURBATIONS[os.path.basename(path)]
        assert old in text, "perturbation of %s does not apply" % path
        copy = os.path.join(workdir, "perturbed-" + os.path.basename(path))
        with open(copy, "w") as f:
            f.write(text.replace(old, new, 1))
        out.append((origin, copy))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", default="knot", choices=["knot", "enumd", "nsd"])
    ap.add_argument("--b", default="enumd", choices=["knot", "enumd", "nsd"])
    ap.add_argument("--enumd", default=None, help="path of the enumd binary")
    ap.add_argument("--seed", type=int, default=4592)
    ap.add_argument("--additional", choices=["note", "strict"], default="note")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (server logs)")
    ap.add_argument("--list", action="store_true", help="print the query list and exit")
    ap.add_argument("--zone", action="append", metavar="ORIGIN=FILE",
                    help="serve these zone files instead of tests/differential/zones (repeatable)")
    ap.add_argument("--import-with", metavar="ENUMCTL",
                    help="serve B from the YAML that `ENUMCTL import` makes of each zone file (A keeps the "
                         "RFC 1035 files): import must keep every RRset (issue 13)")
    ap.add_argument("--query-file", help="also send 'name type' lines from this file (e.g. a dnsperf input)")
    ap.add_argument("--sample", type=int, default=2000, help="lines taken from --query-file (seeded sample)")
    ap.add_argument("--perturb", action="store_true",
                    help="self-check: serve B from altered copies of the zones (a changed TTL, a changed "
                         "NAPTR, a removed record); the run must then report differences")
    args = ap.parse_args()

    if args.zone:
        zone_paths = [(z.split("=", 1)[0], os.path.abspath(z.split("=", 1)[1])) for z in args.zone]
        # large zones: owners and their neighbours would be too many; sample the file instead
        queries = [] if args.query_file else build_queries(zone_paths, args.seed)
    else:
        zone_paths = [(o, os.path.join(HERE, "zones", f)) for o, f in ZONES]
        queries = build_queries(zone_paths, args.seed)
    if args.query_file:
        with open(args.query_file) as f:
            lines = [tuple(line.split()[:2]) for line in f if line.strip()]
        rng = random.Random(args.seed)
        queries += rng.sample(lines, min(args.sample, len(lines)))
    if args.list:
        for q in queries:
            print("%s %s" % q)
        return 0
    if "enumd" in (args.a, args.b):
        if not args.enumd or not os.access(args.enumd, os.X_OK):
            sys.exit("differential: --enumd must name the enumd binary")
    for kind, peer in (("knot", Knot), ("nsd", Nsd)):
        if kind in (args.a, args.b) and not peer.available():
            sys.exit("differential: %s missing (apt-get install %s)" % (peer.binary, kind))

    workdir = tempfile.mkdtemp(prefix="enumd-differential-")
    enumd_binary = os.path.abspath(args.enumd) if args.enumd else None
    a_label = args.a + ("-a" if args.a == args.b else "")
    b_label = args.b + ("-b" if args.a == args.b else "")
    tally = Tally(a_label, b_label, args.additional == "strict")
    sa = sb = None
    try:
        sa = start_server(args.a, a_label, workdir, zone_paths, enumd_binary)
        b_paths = perturbed(zone_paths, workdir) if args.perturb else zone_paths
        if args.import_with:
            b_paths = imported(args.import_with, b_paths, workdir)
        sb = start_server(args.b, b_label, workdir, b_paths, enumd_binary)
        variants = [("udp", False), ("udp", True), ("tcp", False), ("tcp", True)]
        for i, (qname, qtype) in enumerate(queries):
            for transport, edns in variants:
                rd = i % 5 == 0
                where = "%s %s over %s%s%s" % (qname, qtype, transport.upper(), " +EDNS" if edns else "",
                                               " RD=1" if rd else "")
                tally.compare(where, qname, ask(sa.port, qname, qtype, transport, edns, rd),
                              ask(sb.port, qname, qtype, transport, edns, rd))
        if not args.zone:
            for qname, qtype in EDNS_NAMES:
                for what, kw in EDNS_VARIANTS:
                    for transport in ("udp", "tcp"):
                        where = "%s %s over %s %s" % (qname, qtype, transport.upper(), what)
                        tally.compare(where, qname, ask(sa.port, qname, qtype, transport, True, False, kw),
                                      ask(sb.port, qname, qtype, transport, True, False, kw))
    finally:
        stop_all(sa, sb)
        if args.keep or tally.diffs:
            log("work directory kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log("%d names x types, %d queries per server: %d with differences, %d with notes (%s vs %s)"
        % (len(queries), tally.sent, tally.diffs, tally.notes, a_label, b_label))
    return 1 if tally.diffs or sanitizer_reports else 0


if __name__ == "__main__":
    sys.exit(main())
