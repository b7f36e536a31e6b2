#!/usr/bin/python3
"""`numbers_csv:` end to end (issue 10): a YAML zone with route sets takes its numbers from a
CSV file beside it; `enumctl compile` stores it and enumd --db (and enumd --zone) answer the
CSV's numbers with the route's NAPTRs, the rn in place, NXDOMAIN for a number not in it; a CSV
with an error keeps the compile from committing and names the file and line."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import ENUMCTL, Checker, Enumd, enum_owner

c = Checker()

ZONE = """origin: 1.6.e164.arpa.
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}
ns: [ns1.example.net.]
routes:
  telstra: [{uri: "sip:{number}@sip.telstra.example", order: 10}, {uri: "sip:{number}@backup.telstra.example", order: 20}]
  optus: {uri: "tel:{number};npdi;rn={rn}", service: "E2U+pstn:tel"}
numbers_csv: ported.csv
"""

CSV = "\ufeffnumber,route,rn\r\n" + "".join(
    f"+61 3 5550 {i:04d},telstra,\r\n" if i % 10 else f"+61 3 5550 {i:04d},optus,+61 4 0000 {i:04d}\r\n"
    for i in range(1000))


def run(*args):
    return subprocess.run([ENUMCTL] + list(args), capture_output=True, text=True, timeout=120)


def check_answers(srv):
    r = srv.query(enum_owner("61355500007"), "NAPTR")
    texts = sorted(rr.to_text() for rrset in r.answer for rr in rrset)
    c.check(r.rcode() == 0 and texts == [
        '10 100 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@sip.telstra.example!" .',
        '20 100 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@backup.telstra.example!" .'], f"routed number: {r}")
    r = srv.query(enum_owner("61355500010"), "NAPTR")
    texts = [rr.to_text() for rrset in r.answer for rr in rrset]
    c.check(r.rcode() == 0 and len(texts) == 1 and "rn=+61400000010" in texts[0], f"number with an rn: {r}")
    r = srv.query(enum_owner("61355501000"), "NAPTR")
    c.check(r.rcode() == 3, f"a number not in the CSV is NXDOMAIN: {r}")


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-csv-")
    try:
        zone = os.path.join(tmp, "ported.yaml")
        with open(zone, "w") as f:
            f.write(ZONE)
        with open(os.path.join(tmp, "ported.csv"), "w", newline="") as f:
            f.write(CSV)
        db = os.path.join(tmp, "db")
        out = run("compile", "--db", db, zone)
        c.check(out.returncode == 0 and "zone 1.6.e164.arpa.:" in out.stdout, f"compile: {out.stdout}{out.stderr}")
        with Enumd(["--db", db]) as from_db, Enumd(["--zone", zone]) as from_zone:
            for srv in (from_db, from_zone):
                check_answers(srv)
        # A bad row: nothing is committed, the error names the file and line.
        with open(os.path.join(tmp, "ported.csv"), "a") as f:
            f.write("+61 3 5550 0001,nosuch,\n")
        out = run("compile", "--db", db, zone)
        c.check(out.returncode == 1 and "ported.csv:1002:" in out.stderr and "unknown route" in out.stderr,
                f"compile of a bad CSV must fail with file:line: {out.returncode} {out.stderr}")
        with Enumd(["--db", db]) as from_db:
            check_answers(from_db)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
