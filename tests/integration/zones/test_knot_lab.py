#!/usr/bin/python3
"""The Knot proof: zones/examples/lab.yaml, exported to RFC 1035 by
`enumctl export`, served by a real Knot DNS (knotd on 127.0.0.1), answers
every number around the exception +61255502345 with the intended route:
the exception for exactly +61255502345, the range +61255502* for every other
number that starts with +61255502 -- shorter, longer, siblings, and numbers
longer than the exception itself.

It also shows the trap the range expansion exists for: the seed's zone with
raw RFC 4592 wildcards (tests/data/lab.zone) gives NXDOMAIN on Knot for
+61255502340 and NODATA for +6125550234.

When build/bin/enumd exists, enumd serving lab.yaml, and the raw
tests/data/lab.zone, must give the same answers as Knot for every number
(rcode, answer owner, type, TTL, rdata);
that part is skipped with a note while enumd does not exist.

Queries go only to 127.0.0.1 with kdig @127.0.0.1 -p PORT. Every wait is
bounded; servers are stopped by PID.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import dns.rdatatype
import dns.zone

from enumd_testlib import DATA_DIR, ENUMCTL, ENUMD, SOURCE_DIR, Checker, Enumd, Knot, stop_all

KDIG = shutil.which("kdig") or "/usr/bin/kdig"
ORIGIN = "e164.arpa."
LAB_YAML = os.path.join(SOURCE_DIR, "zones", "examples", "lab.yaml")
LAB_ZONE_RAW = os.path.join(DATA_DIR, "lab.zone")

RANGE_NODE = "2.0.5.5.5.2.1.6." + ORIGIN      # +61255502*
EXCEPTION = "5.4.3.2.0.5.5.5.2.1.6." + ORIGIN  # +61255502345
RANGE1_NODE = "1.0.5.5.5.2.1.6." + ORIGIN     # +61255501*

# (number, expected route, why)
CASES = [
    ("+61255502345", "exception", "the exception itself"),
    ("+61255502000", "range", "a number of the range far from the exception"),
    ("+61255502300", "range", "a sibling under the empty non-terminal 3.2.0.5.5.5.2.1.6"),
    ("+61255502399", "range", "a sibling under 3.2.0.5.5.5.2.1.6"),
    ("+6125550234", "range", "shorter than the exception: an empty non-terminal in raw DNS"),
    ("+612555023", "range", "shorter still: the other empty non-terminal"),
    ("+61255502340", "range", "a sibling of the exception (NXDOMAIN with raw wildcards)"),
    ("+61255502346", "range", "the next number after the exception"),
    ("+61255502349", "range", "a sibling of the exception"),
    ("+612555023459", "range", "longer than the exception: the exception is exact"),
    ("+6125550234599", "range", "longer than the exception by two digits"),
    ("+6125550299999", "range", "a long number in the range"),
    ("+61255501234", "range1", "the other range, +61255501*"),
]

# The trap: the seed's raw wildcards on an RFC-exact server.
TRAP_CASES = [
    ("+61255502340", "NXDOMAIN"),
    ("+612555023459", "NXDOMAIN"),
    ("+6125550234", "NODATA"),
    ("+61255502345", "exception"),
    ("+61255502000", "range"),
]

c = Checker()


def qname_of(number):
    digits = number.lstrip("+")
    return ".".join(reversed(digits)) + "." + ORIGIN


def kdig(port, qname, qtype="NAPTR"):
    """(rcode, [(owner, type, ttl, rdata hex)]) from kdig +json, or None on no answer."""
    out = subprocess.run(
        [KDIG, "@127.0.0.1", "-p", str(port), "+json", "+norecurse", "+time=2", "+retry=1", qtype, qname],
        capture_output=True, text=True, timeout=15)
    if out.returncode != 0 or not out.stdout.strip().startswith("{"):
        return None
    try:
        msg = json.loads(out.stdout)
    except json.JSONDecodeError:  # kdig adds ";; WARNING" lines when nothing answers
        return None
    if "RCODE" not in msg:
        return None
    answer = sorted((rr["NAME"].lower(), rr["TYPE"], rr["TTL"], rr["RDATAHEX"].upper())
                    for rr in msg.get("answerRRs", []))
    return msg["RCODE"], answer


def started(start):
    """The server start() returns once it answers, or None when it did not come up (its log is printed)."""
    try:
        return start()
    except RuntimeError as e:
        print(e, flush=True)
        return None


def serving(server, what):
    return c.check(server is not None, what + (f" on 127.0.0.1:{server.port}" if server else ""))


def expected_sets(zone_file):
    """Expected answers per route, from the zone text the server loads."""
    z = dns.zone.from_file(zone_file, origin=ORIGIN, relativize=False, check_origin=True)

    def rrset(owner):
        rds = z.find_rdataset(owner, dns.rdatatype.NAPTR)
        return rds.ttl, sorted(rd.to_digestable().hex().upper() for rd in rds)

    return {
        "range": rrset("*." + RANGE_NODE),
        "exception": rrset(EXCEPTION),
        "range1": rrset("*." + RANGE1_NODE),
    }


def answers_route(result, qname, route, expected):
    ttl, rdatas = expected[route]
    return result is not None and result[0] == 0 and result[1] == sorted(
        (qname.lower(), 35, ttl, h) for h in rdatas)


def main():
    for tool in (Knot.binary, KDIG, ENUMCTL):
        if not os.access(tool, os.X_OK):
            sys.exit(f"missing {tool} (apt-get install knot knot-dnsutils; build enumctl)")
    workdir = tempfile.mkdtemp(prefix="enumd-knot-lab-")
    servers = []
    try:
        exported = os.path.join(workdir, "lab.zone")
        out = subprocess.run([ENUMCTL, "export", LAB_YAML, "-o", exported], capture_output=True, text=True,
                             timeout=60)
        c.check(out.returncode == 0, f"enumctl export {LAB_YAML} exits 0", out.stderr.strip())
        if out.returncode != 0:
            return
        expected = expected_sets(exported)
        c.check(expected["range"] != expected["exception"], "the range and the exception route differently")

        # 1. The exported zone on Knot: every number gets its intended route.
        k = started(lambda: Knot(workdir, {ORIGIN: exported}, name="knot-export"))
        servers.append(k)
        if serving(k, "knotd serves the exported lab zone"):
            for number, route, why in CASES:
                q = qname_of(number)
                r = kdig(k.port, q)
                c.check(answers_route(r, q, route, expected),
                        f"Knot answers {number} with the {route} ({why})", f"got {r}, expected {expected[route]}")

        # 2. The trap: the seed's raw wildcards on the same server software.
        raw_expected = expected_sets(LAB_ZONE_RAW)
        t = started(lambda: Knot(workdir, {ORIGIN: LAB_ZONE_RAW}, name="knot-raw"))
        servers.append(t)
        if serving(t, "knotd serves the raw-wildcard tests/data/lab.zone"):
            for number, outcome in TRAP_CASES:
                q = qname_of(number)
                r = kdig(t.port, q)
                if outcome == "NXDOMAIN":
                    ok = r is not None and r[0] == 3 and not r[1]
                elif outcome == "NODATA":
                    ok = r is not None and r[0] == 0 and not r[1]
                else:
                    ok = answers_route(r, q, outcome, raw_expected)
                c.check(ok, f"raw wildcards on Knot: {number} gets {outcome}", f"got {r}")
            t.stop()

        # 3. enumd serving the YAML must answer exactly as Knot does.
        if not os.access(ENUMD, os.X_OK):
            print(f"SKIP enumd comparison: {ENUMD} does not exist yet")
            return
        e = started(lambda: Enumd(["--zone", LAB_YAML], threads=None, name="enumd"))
        servers.append(e)
        if not serving(e, f"enumd serves {LAB_YAML}") or k is None:
            return
        for number, route, why in CASES:
            q = qname_of(number)
            a, b = kdig(k.port, q), kdig(e.port, q)
            c.check(a == b and b is not None, f"enumd answers {number} as Knot does ({route})", f"knot={a} enumd={b}")
        e.stop()
        # The raw-wildcard zone file: enumd is RFC-exact too, so it shows the same trap.
        e = started(lambda: Enumd(["--zone", LAB_ZONE_RAW], threads=None, name="enumd-raw"))
        servers.append(e)
        t = started(lambda: Knot(workdir, {ORIGIN: LAB_ZONE_RAW}, name="knot-raw-again"))
        servers.append(t)
        if not (serving(e, f"enumd serves {LAB_ZONE_RAW}") and t is not None):
            return
        for number, outcome in TRAP_CASES:
            q = qname_of(number)
            a, b = kdig(t.port, q), kdig(e.port, q)
            c.check(a == b and b is not None, f"enumd answers {number} on the raw zone as Knot does ({outcome})",
                    f"knot={a} enumd={b}")
    finally:
        stop_all(*servers)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(c.done())
