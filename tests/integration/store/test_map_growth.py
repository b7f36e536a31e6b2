#!/usr/bin/python3
"""The LMDB map grows (issue 10): a database started with a tiny map takes a zone far larger than it
while enumd serves from it throughout (enumd adopts the map `enumctl compile` grew), and a compile killed
with kill -9 mid-way leaves the old data serving and the database usable."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from enumd_testlib import ENUMCTL, Checker, Enumd
from enumd_testlib.zonefiles import write_numbers_zone

c = Checker()
TINY = str(1 << 20)  # 1 MiB: 256 pages


def compile_zone(db, zone):
    return subprocess.run([ENUMCTL, "compile", "--db", db, "--map-size", TINY, zone], capture_output=True, text=True,
                          timeout=300)


class Prober(threading.Thread):
    """Queries the first number without pause and counts the hosts answered, failures and errors."""

    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv = srv
        self.stop = threading.Event()
        self.hosts = {}
        self.bad = []

    def run(self):
        while not self.stop.is_set():
            try:
                r = self.srv.query("0.0.0.0.0.0.0.0.3.1.6.e164.arpa.", "NAPTR", timeout=1)
                host = r.answer[0][0].to_text().split("@")[1].split("!")[0] if r.rcode() == 0 and r.answer else None
                if host is None:
                    self.bad.append(f"rcode {r.rcode()}")
                self.hosts[host] = self.hosts.get(host, 0) + 1
            except Exception as e:  # noqa: BLE001 - a lost answer is what we count
                self.bad.append(repr(e))

    def latest(self):
        return self.srv.query("0.0.0.0.0.0.0.0.3.1.6.e164.arpa.", "NAPTR").answer[0][0].to_text()


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-growth-")
    try:
        db = os.path.join(tmp, "db")
        small = os.path.join(tmp, "small.zone")
        grown = os.path.join(tmp, "grown.zone")
        big = os.path.join(tmp, "big.zone")
        write_numbers_zone(small, 100, 1, "old.example.net")
        write_numbers_zone(grown, 50000, 2, "grown.example.net")  # ~10 MB of database: 10x the initial map
        write_numbers_zone(big, 300000, 3, "killed.example.net")
        out = compile_zone(db, small)
        c.check(out.returncode == 0, f"initial compile: {out.stdout}{out.stderr}")
        size0 = os.path.getsize(os.path.join(db, "data.mdb"))

        with Enumd(["--db", db, "--map-size", TINY]) as srv:
            prober = Prober(srv)
            prober.start()
            # 1. A zone ten times the map, compiled by another process while enumd answers.
            out = compile_zone(db, grown)
            c.check(out.returncode == 0 and "50002 records" in out.stdout, f"compile past the map: {out.stdout}{out.stderr}")
            c.check(os.path.getsize(os.path.join(db, "data.mdb")) > 8 * (1 << 20), "the database grew past the map")
            time.sleep(0.5)
            c.check("grown.example.net" in prober.latest(), f"enumd serves the grown map: {prober.latest()}")
            # enumd logs taking the grown size (a remap holds its queries up: an operator sees each one).
            adopted = re.findall(r'event="map size adopted" from_mib="(\d+)" to_mib="(\d+)" waited_ms="[0-9.]+"',
                                 srv.logs())
            c.check(len(adopted) >= 1 and all(int(a) < int(b) for a, b in adopted) and int(adopted[-1][1]) >= 8,
                    f"the adoption is logged with its wait: {adopted}")

            # 2. kill -9 of a compile mid-way: once its transaction writes pages, or after parsing when it never
            # spills (LMDB keeps dirty pages in memory up to its limit).
            size1 = os.path.getsize(os.path.join(db, "data.mdb"))
            p = subprocess.Popen([ENUMCTL, "compile", "--db", db, big], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            start = time.monotonic()
            killed_at = None
            while p.poll() is None and time.monotonic() - start < 120:
                if os.path.getsize(os.path.join(db, "data.mdb")) > size1:
                    killed_at = "while its transaction wrote pages"
                    break
                time.sleep(0.002)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed_at = killed_at or "before it wrote pages"
            p.wait()
            c.check(p.returncode == -signal.SIGKILL, f"the compile was killed (it ended with {p.returncode} first)")
            print(f"compile of 300,000 numbers killed {killed_at}, {time.monotonic() - start:.2f} s in")
            time.sleep(0.3)
            c.check("grown.example.net" in prober.latest(), f"the old data keeps serving: {prober.latest()}")
            prober.stop.set()
            prober.join()
            print(f"answers while compiling: {prober.hosts}")
            c.check(not prober.bad, f"every query answered throughout: {prober.bad[:5]}")
            c.check(set(prober.hosts) <= {"old.example.net", "grown.example.net"},
                    f"only committed versions are served: {prober.hosts}")

            # 3. The database stays usable: listed, and the next compile goes in and is served.
            out = subprocess.run([ENUMCTL, "zones", "--db", db], capture_output=True, text=True)
            c.check(out.returncode == 0 and "50002" in out.stdout, f"enumctl zones after the kill: {out.stdout}{out.stderr}")
            write_numbers_zone(small, 100, 4, "after.example.net")
            out = compile_zone(db, small)
            c.check(out.returncode == 0, f"compile after the kill: {out.stdout}{out.stderr}")
            c.check("after.example.net" in prober.latest(), f"enumd serves the next compile: {prober.latest()}")
        print(f"data.mdb: {size0} bytes at first, {os.path.getsize(os.path.join(db, 'data.mdb'))} at the end")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
