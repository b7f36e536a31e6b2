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
import socket
import subprocess
import sys
import tempfile
import time

import dns.rdatatype
import dns.zone

SOURCE_DIR = os.environ.get("SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
BUILD_DIR = os.environ.get("BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
ENUMCTL = os.path.join(BUILD_DIR, "bin", "enumctl")
ENUMD = os.path.join(BUILD_DIR, "bin", "enumd")
KNOTD = "/usr/sbin/knotd"
KDIG = shutil.which("kdig") or "/usr/bin/kdig"
ORIGIN = "e164.arpa."
LAB_YAML = os.path.join(SOURCE_DIR, "zones", "examples", "lab.yaml")
LAB_ZONE_RAW = os.path.join(SOURCE_DIR, "tests", "data", "lab.zone")

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

failures = []


def log(msg):
    print(msg, flush=True)


def check(cond, msg, detail=""):
    if cond:
        log("ok   " + msg)
    else:
        log("FAIL " + msg + (f": {detail}" if detail else ""))
        failures.append(msg)
    return cond


def qname_of(number):
    digits = number.lstrip("+")
    return ".".join(reversed(digits)) + "." + ORIGIN


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (bounded tries)."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            t.close()
            u.close()
        return port
    sys.exit("no free port on 127.0.0.1")


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


class Server:
    def __init__(self, label, argv, workdir, port):
        self.label, self.argv, self.workdir, self.port = label, argv, workdir, port
        self.proc = None
        self.logf = None

    def start(self):
        self.logf = open(os.path.join(self.workdir, self.label + ".log"), "w")
        self.proc = subprocess.Popen(self.argv, stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            r = kdig(self.port, ORIGIN, "SOA")
            if r is not None and r[0] == 0 and r[1]:
                return True
            time.sleep(0.2)
        self.stop()
        with open(os.path.join(self.workdir, self.label + ".log")) as f:
            log(f"{self.label} did not come up on 127.0.0.1:{self.port}:\n{f.read()}")
        return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        if self.logf:
            self.logf.close()
            self.logf = None


def knot(workdir, label, zone_file):
    """knotd in the foreground with a minimal configuration of its own."""
    d = os.path.join(workdir, label)
    os.makedirs(d)
    port = free_port()
    conf = os.path.join(d, "knot.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    rundir: "{d}"
    listen: 127.0.0.1@{port}
log:
  - target: stderr
    any: warning
database:
    storage: "{d}"
template:
  - id: default
    storage: "{d}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: {ORIGIN}
    file: "{zone_file}"
""")
    return Server(label, [KNOTD, "-c", conf], workdir, port)


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
    for tool in (KNOTD, KDIG, ENUMCTL):
        if not os.access(tool, os.X_OK):
            sys.exit(f"missing {tool} (apt-get install knot knot-dnsutils; build enumctl)")
    workdir = tempfile.mkdtemp(prefix="enumd-knot-lab-")
    servers = []
    try:
        exported = os.path.join(workdir, "lab.zone")
        out = subprocess.run([ENUMCTL, "export", LAB_YAML, "-o", exported], capture_output=True, text=True,
                             timeout=60)
        check(out.returncode == 0, f"enumctl export {LAB_YAML} exits 0", out.stderr.strip())
        if out.returncode != 0:
            return
        expected = expected_sets(exported)
        check(expected["range"] != expected["exception"], "the range and the exception route differently")

        # 1. The exported zone on Knot: every number gets its intended route.
        k = knot(workdir, "knot-export", exported)
        servers.append(k)
        if check(k.start(), f"knotd serves the exported lab zone on 127.0.0.1:{k.port}"):
            for number, route, why in CASES:
                q = qname_of(number)
                r = kdig(k.port, q)
                check(answers_route(r, q, route, expected),
                      f"Knot answers {number} with the {route} ({why})", f"got {r}, expected {expected[route]}")

        # 2. The trap: the seed's raw wildcards on the same server software.
        raw_expected = expected_sets(LAB_ZONE_RAW)
        t = knot(workdir, "knot-raw", LAB_ZONE_RAW)
        servers.append(t)
        if check(t.start(), f"knotd serves the raw-wildcard tests/data/lab.zone on 127.0.0.1:{t.port}"):
            for number, outcome in TRAP_CASES:
                q = qname_of(number)
                r = kdig(t.port, q)
                if outcome == "NXDOMAIN":
                    ok = r is not None and r[0] == 3 and not r[1]
                elif outcome == "NODATA":
                    ok = r is not None and r[0] == 0 and not r[1]
                else:
                    ok = answers_route(r, q, outcome, raw_expected)
                check(ok, f"raw wildcards on Knot: {number} gets {outcome}", f"got {r}")
        t.stop()

        # 3. enumd serving the YAML must answer exactly as Knot does.
        if not os.access(ENUMD, os.X_OK):
            log(f"SKIP enumd comparison: {ENUMD} does not exist yet")
            return
        port = free_port()
        e = Server("enumd", [ENUMD, "--listen", f"127.0.0.1:{port}", "--zone", LAB_YAML], workdir, port)
        servers.append(e)
        if not e.start():
            check(False, f"enumd serves {LAB_YAML} on 127.0.0.1:{port}")
            return
        for number, route, why in CASES:
            q = qname_of(number)
            a, b = kdig(k.port, q), kdig(port, q)
            check(a == b and b is not None, f"enumd answers {number} as Knot does ({route})", f"knot={a} enumd={b}")
        e.stop()
        # The raw-wildcard zone file: enumd is RFC-exact too, so it shows the same trap.
        port = free_port()
        e = Server("enumd-raw", [ENUMD, "--listen", f"127.0.0.1:{port}", "--zone", LAB_ZONE_RAW], workdir, port)
        servers.append(e)
        t = knot(workdir, "knot-raw-again", LAB_ZONE_RAW)
        servers.append(t)
        if not (check(e.start(), f"enumd serves {LAB_ZONE_RAW} on 127.0.0.1:{port}") and t.start()):
            return
        for number, outcome in TRAP_CASES:
            q = qname_of(number)
            a, b = kdig(t.port, q), kdig(port, q)
            check(a == b and b is not None, f"enumd answers {number} on the raw zone as Knot does ({outcome})",
                  f"knot={a} enumd={b}")
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
    if failures:
        log(f"{len(failures)} check(s) failed")
        sys.exit(1)
    log("all checks passed")
