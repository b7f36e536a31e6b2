#!/usr/bin/python3
"""`enumctl check --origin O FILE` and `enumctl check O=FILE` read an RFC 1035 file without $ORIGIN
as `enumd --zone O=FILE` does (issue 13); ORIGIN= given with the file wins over --origin."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import ENUMCTL, Checker

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
    tmp = tempfile.mkdtemp(prefix="enumd-check-origin-")
    try:
        zone = os.path.join(tmp, "legacy.zone")
        with open(zone, "w") as f:
            f.write(ZONE)
        for args in (["--origin", "example.org", zone], ["--origin=example.org.", zone], [f"example.org={zone}"],
                     ["--origin", "other.test", f"example.org={zone}"]):
            out = run("check", *args)
            c.check(out.returncode == 0 and "zone example.org.: 4 records" in out.stdout,
                    f"check {' '.join(args)}: {out.returncode} {out.stdout}{out.stderr}")
        out = run("check", zone)
        c.check(out.returncode == 1 and "no $ORIGIN" in out.stderr, f"without an origin: {out.stderr}")
        for bad in (["--origin"], ["--origin", "a..b", zone]):
            out = run("check", *bad)
            c.check(out.returncode == 2, f"check {' '.join(bad)}: exit {out.returncode} {out.stderr}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
