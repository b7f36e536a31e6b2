#!/usr/bin/python3
"""`enumctl compile` and `enumctl check` take ORIGIN=FILE exactly as `enumd --zone` does (issue 10):
a zone file without $ORIGIN compiles under the origin given, and enumd --db serves what
enumd --zone ORIGIN=FILE serves. `enumctl check --origin O FILE` does the same (issue 13);
ORIGIN= given with the file wins over --origin."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import ENUMCTL, Checker, Enumd

c = Checker()

ZONE = """$TTL 300
@    IN SOA ns1 hostmaster 7 3600 600 604800 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
www  IN A   192.0.2.2
"""


def run(*args):
    return subprocess.run([ENUMCTL] + list(args), capture_output=True, text=True, timeout=60)


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-origin-")
    try:
        zone = os.path.join(tmp, "legacy.zone")
        with open(zone, "w") as f:
            f.write(ZONE)
        db = os.path.join(tmp, "db")
        out = run("check", f"example.org={zone}")
        c.check(out.returncode == 0 and "zone example.org.: 4 records" in out.stdout,
                f"check ORIGIN=FILE: {out.returncode} {out.stdout}{out.stderr}")
        for args in (["--origin", "example.org", zone], ["--origin=example.org.", zone],
                     ["--origin", "other.test", f"example.org={zone}"]):
            out = run("check", *args)
            c.check(out.returncode == 0 and "zone example.org.: 4 records" in out.stdout,
                    f"check {' '.join(args)}: {out.returncode} {out.stdout}{out.stderr}")
        for bad in (["--origin"], ["--origin", "a..b", zone]):
            out = run("check", *bad)
            c.check(out.returncode == 2, f"check {' '.join(bad)}: exit {out.returncode} {out.stderr}")
        out = run("check", zone)
        c.check(out.returncode == 1 and "no $ORIGIN" in out.stderr, f"check without the origin must fail: {out.stderr}")
        out = run("compile", "--db", db, f"example.org={zone}")
        c.check(out.returncode == 0 and "zone example.org.: 4 records" in out.stdout and "serial 7" in out.stdout,
                f"compile ORIGIN=FILE: {out.returncode} {out.stdout}{out.stderr}")
        for bad in ("example.org=", "a..b=" + zone):
            out = run("compile", "--db", db, bad)
            c.check(out.returncode == 2 and "is not [ORIGIN=]FILE" in out.stderr, f"compile {bad!r}: {out.stderr}")
        with Enumd(["--db", db]) as from_db, Enumd(["--zone", f"example.org={zone}"]) as from_zone:
            for srv in (from_db, from_zone):
                r = srv.query("www.example.org.", "A")
                c.check(r.rcode() == 0 and r.answer and r.answer[0][0].to_text() == "192.0.2.2",
                        f"{' '.join(srv.cmd)}: www.example.org A: {r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
