#!/usr/bin/python3
"""enumd --zone FILE does not keep the compile's memory (issue 10): the first compile runs in a child
process, so after its first answer enumd's PSS is what enumd --db of the same data gives, not the
hundreds of MB that parsing and building the zone took."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import ENUMCTL, SANITIZED, Checker, Enumd

c = Checker()
NUMBERS = 100000


def write_zone(path):
    with open(path, "w") as f:
        f.write("$ORIGIN e164.arpa.\n$TTL 3600\n")
        f.write("@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 604800 300\n")
        f.write("@ IN NS ns1.example.net.\n")
        for i in range(NUMBERS):
            owner = ".".join(str(61300000000 + i)[::-1])
            f.write(f'{owner} IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:{i}@example.net!" .\n')


def pss_mb(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return None


def measure(args):
    with Enumd(args, threads=1, timeout=300) as srv:
        r = srv.query("0.0.0.0.0.0.0.0.3.1.6.e164.arpa.", "NAPTR")
        c.check(r.rcode() == 0 and r.answer, f"{args}: the first number answers")
        return pss_mb(srv.proc.pid)


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-start-")
    try:
        zone = os.path.join(tmp, "big.zone")
        write_zone(zone)
        db = os.path.join(tmp, "db")
        out = subprocess.run([ENUMCTL, "compile", "--db", db, zone], capture_output=True, text=True, timeout=300)
        c.check(out.returncode == 0, f"compile: {out.stderr}")
        from_db = measure(["--db", db])
        from_zone = measure(["--zone", zone])
        print(f"PSS after the first answer, {NUMBERS} numbers: --db {from_db:.1f} MB, --zone {from_zone:.1f} MB")
        # Compiled in enumd itself, these 100,000 numbers left well over 100 MB behind. Under ASan the
        # figures are mostly its shadow memory and quarantine (CI saw 87 vs 69 MB): not compared there.
        if SANITIZED:
            print("skip --zone keeps no compile memory: a sanitizer build's PSS is not enumd's")
        else:
            c.check(from_zone < from_db + 16, f"--zone keeps no compile memory: {from_zone:.1f} MB vs {from_db:.1f} MB")
        # Errors still stop the start, reported by the child's diagnostics.
        bad = os.path.join(tmp, "bad.zone")
        with open(bad, "w") as f:
            f.write("$ORIGIN e164.arpa.\n@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 604800 300\n"
                    "x IN A 192.0.2.300\n")
        try:
            Enumd(["--zone", bad], timeout=20).stop()
            c.check(False, "a zone with an error must keep enumd from starting")
        except RuntimeError as e:
            c.check("bad.zone:3" in str(e) and "not starting" in str(e), f"the child's diagnostics: {e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
