#!/usr/bin/python3
"""Route sets against Knot DNS (issue 10): a YAML zone of a few thousand
numbers written with route sets (gen_routed.py) is served by enumd, which
keeps a reference per number and builds the NAPTRs when it answers; the same
zone expanded to RFC 1035 text (`enumctl export`) is served by Knot. Every
number, numbers inside the prefix ranges and beside their exceptions, empty
non-terminals, missing numbers and other types are asked of both over UDP and
TCP, with and without EDNS: 0 differences. Then an AXFR from enumd must be
exactly the expanded zone file, record for record (what a secondary gets).

    PYTHONPATH=tests/integration/lib tests/differential/test_routes_vs_knot.py [--numbers 3000]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

import dns.rdatatype
import dns.zone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from differential import Tally, ask, log  # noqa: E402  (the differential harness's query and comparison)
from enumd_testlib import ENUMCTL, Enumd, Knot, axfr_rrsets, sanitizer_reports, stop_all  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGIN = "e164.arpa."


def owner(digits):
    return ".".join(reversed(digits)) + "." + ORIGIN


def zone_rrsets(path):
    """The zone file as axfr_rrsets gives a transfer: {(owner, type): (ttl, sorted rdata texts)}."""
    z = dns.zone.from_file(path, origin=ORIGIN, relativize=False)
    return {(name.to_text(), rds.rdtype): (rds.ttl, sorted(r.to_text() for r in rds))
            for name, node in z.nodes.items() for rds in node.rdatasets}


def build_queries(top, rng):
    """(qname, type) for every number and range, their neighbourhood, and misses."""
    numbers = []
    for dirpath, _, files in os.walk(os.path.dirname(top)):
        for name in files:
            with open(os.path.join(dirpath, name)) as f:
                numbers += [line.split('"')[1] for line in f if line.startswith('  - {number: "+')]
    queries = []
    for n in numbers:
        digits = n[1:].rstrip("*")
        if n.endswith("*"):
            # inside the range: at it, below it, a longer number, and its parent (an ENT)
            for extra in ("", "5", "55", "123", "98765"):
                queries.append((owner(digits + extra), "NAPTR"))
            queries.append((owner(digits[:-1]), "NAPTR"))
        else:
            queries.append((owner(digits), "NAPTR"))
            if rng.random() < 0.05:
                queries += [(owner(digits), t) for t in ("ANY", "A", "TXT")]
                queries.append((owner(digits + "7"), "NAPTR"))  # below a number: NXDOMAIN
                queries.append((owner(digits[:-3]), "NAPTR"))  # an empty non-terminal: NODATA
    for _ in range(200):
        queries.append((owner("1" + "".join(rng.choice("0123456789") for _ in range(10))), "NAPTR"))
    return queries


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--numbers", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=4694)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not Knot.available():
        sys.exit("test_routes_vs_knot: knotd missing (apt-get install knot)")
    workdir = tempfile.mkdtemp(prefix="enumd-routes-")
    rng = random.Random(args.seed)
    top = subprocess.run([sys.executable, os.path.join(HERE, "gen_routed.py"), str(args.numbers),
                          os.path.join(workdir, "zone"), "--routes", "30", "--seed", str(args.seed)],
                         check=True, capture_output=True, text=True).stdout.strip()
    expanded = os.path.join(workdir, "expanded.zone")
    subprocess.run([ENUMCTL, "export", top, "-o", expanded], check=True)
    tally = Tally("knot", "enumd", False)
    failures = 0
    knot = enumd = None
    try:
        knot = Knot(workdir, {ORIGIN: expanded}, name="knot")
        enumd = Enumd(["--zone", top, "--allow-transfer", "127.0.0.1"], threads=1, name="enumd", workdir=workdir)
        queries = build_queries(top, rng)
        log("%d numbers, %d names x types" % (args.numbers, len(queries)))
        for i, (qname, qtype) in enumerate(queries):
            variants = [("udp", True)] + ([("udp", False), ("tcp", True), ("tcp", False)] if i % 10 == 0 else [])
            for transport, edns in variants:
                where = "%s %s over %s%s" % (qname, qtype, transport.upper(), " +EDNS" if edns else "")
                tally.compare(where, qname, ask(knot.port, qname, qtype, transport, edns, False),
                              ask(enumd.port, qname, qtype, transport, edns, False))
        # What a secondary gets: the expanded zone, record for record.
        want = zone_rrsets(expanded)
        got = axfr_rrsets(enumd.port, ORIGIN)
        naptr_sets = sum(1 for (_, t) in want if t == dns.rdatatype.NAPTR)
        if got != want:
            failures += 1
            for key in sorted(set(want) | set(got)):
                if want.get(key) != got.get(key):
                    log("AXFR DIFFERENCE %s %s: zone file %s, enumd %s"
                        % (key[0], dns.rdatatype.to_text(key[1]), want.get(key), got.get(key)))
        log("AXFR from enumd: %d RRsets (%d NAPTR), %s the expanded zone file"
            % (len(got), naptr_sets, "equal to" if got == want else "DIFFERENT from"))
    finally:
        stop_all(knot, enumd)
        if args.keep or tally.diffs or failures:
            log("work directory kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log("%d queries per server: %d with differences, %d with notes (knot on the expanded zone vs enumd on route sets)"
        % (tally.sent, tally.diffs, tally.notes))
    return 1 if tally.diffs or failures or sanitizer_reports or tally.sent < 2000 else 0


if __name__ == "__main__":
    sys.exit(main())
