#!/usr/bin/python3
"""The serial guard (issue 13, zones/README.md "Serial guard"): `enumctl compile` refuses a zone
whose content changed under the stored serial or whose serial goes back (RFC 1982), naming the zone
and both serials, and writes nothing; --no-serial-guard takes it; `enumctl diff` says the same; and
`enumctl import` writes `serial: auto` from the zone's serial unless --keep-serial."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import ENUMCTL, Checker

c = Checker()


def zone_text(serial, extra=""):
    return f"""$ORIGIN example.org.
$TTL 300
@    IN SOA ns1 hostmaster {serial} 3600 600 604800 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
www  IN A   192.0.2.2
{extra}"""


def run(*args):
    return subprocess.run([ENUMCTL] + list(args), capture_output=True, text=True, timeout=60)


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-serial-")
    try:
        db = os.path.join(tmp, "db")
        zone = os.path.join(tmp, "example.zone")
        served = os.path.join(tmp, "served.zone")

        def write(path, serial, extra=""):
            with open(path, "w") as f:
                f.write(zone_text(serial, extra))

        write(zone, 7)
        write(served, 7)
        out = run("compile", "--db", db, zone)
        c.check(out.returncode == 0 and "serial 7" in out.stdout, f"first compile: {out.stdout}{out.stderr}")

        # New content, same serial: refused, nothing written; diff says why.
        write(zone, 7, "mail IN A 192.0.2.3\n")
        out = run("compile", "--db", db, zone)
        c.check(out.returncode == 1 and "zone example.org.: content changed but serial 7 is unchanged" in out.stderr
                and "nothing was written" in out.stderr, f"same serial over new content: {out.returncode} {out.stderr}")
        c.check(run("diff", "--db", db, served).returncode == 0, "the refused compile wrote nothing")
        out = run("diff", "--db", db, zone)
        c.check(out.returncode == 1 and "warning: zone example.org.: content changed but serial 7 unchanged: "
                "secondaries will not pick this up" in out.stdout, f"diff, same serial: {out.stdout}{out.stderr}")

        # A serial that goes back: refused, with both serials; RFC 1982 wrap-around is forward.
        write(zone, 6)
        out = run("compile", "--db", db, zone)
        c.check(out.returncode == 1 and "zone example.org.: serial 6 is not newer than the stored 7 (RFC 1982)"
                in out.stderr, f"lower serial: {out.returncode} {out.stderr}")
        out = run("diff", "--db", db, zone)
        c.check(out.returncode == 1 and "serial goes from 7 to 6, which is not newer (RFC 1982)" in out.stdout,
                f"diff, lower serial: {out.stdout}{out.stderr}")

        # A new serial is taken, diff has nothing to warn about; --no-serial-guard rolls back on purpose.
        write(zone, 8, "mail IN A 192.0.2.3\n")
        out = run("diff", "--db", db, zone)
        c.check(out.returncode == 1 and "warning:" not in out.stdout, f"diff, new serial: {out.stdout}")
        out = run("compile", "--db", db, zone)
        c.check(out.returncode == 0 and "serial 8" in out.stdout, f"new serial: {out.stdout}{out.stderr}")
        write(zone, 7)
        out = run("compile", "--db", db, "--no-serial-guard", zone)
        c.check(out.returncode == 0 and "serial 7" in out.stdout, f"--no-serial-guard: {out.stdout}{out.stderr}")

        # import: serial auto from the zone's serial, or kept with --keep-serial.
        out = run("import", served)
        c.check(out.returncode == 0 and "  serial: auto\n  min_serial: 7\n" in out.stdout, f"import: {out.stdout}")
        out = run("import", "--keep-serial", served)
        c.check(out.returncode == 0 and "  serial: 7\n" in out.stdout and "min_serial" not in out.stdout,
                f"import --keep-serial: {out.stdout}")
        yaml = os.path.join(tmp, "example.yaml")
        c.check(run("import", served, "-o", yaml).returncode == 0, "import -o")
        fresh = os.path.join(tmp, "fresh")
        out = run("compile", "--db", fresh, yaml)
        c.check(out.returncode == 0 and "serial 7" in out.stdout, f"imported zone starts at its serial: {out.stdout}")
        with open(yaml) as f:
            text = f.read()
        with open(yaml, "w") as f:
            f.write(text.replace("192.0.2.2", "192.0.2.9"))
        out = run("compile", "--db", fresh, yaml)
        c.check(out.returncode == 0 and "serial 8" in out.stdout, f"auto moves on from it: {out.stdout}{out.stderr}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
