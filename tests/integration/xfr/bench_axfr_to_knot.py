#!/usr/bin/python3
"""Benchmark (not a test): transfer a compiled zone from enumd to Knot DNS.

usage: bench_axfr_to_knot.py DB_DIR ORIGIN
  DB_DIR from `enumctl compile --db DB_DIR enum.zone` (zone from
  tools/bench/gen_zone.py --numbers 1000000). Starts enumd on the database
  (one worker thread) and a Knot secondary on loopback ports, waits for Knot
  to serve the serial, and prints: Knot's own AXFR timing line, wall time
  from Knot's start to the served serial, enumd's CPU time for the transfer
  and its anonymous memory before, during and after (streaming: it must not grow
  with the zone), and the latency of SOA queries sent to enumd during the transfer.
"""
import os
import re
import shutil
import sys
import tempfile
import time

from enumd_testlib import ENUMD, Knot, Proc, free_port, soa_serial, stop_all, wait_for


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    anon = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                anon = int(line.split()[1]) // 1024
    return cpu, anon


def main():
    db, origin = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="enumd-xfr-bench-")
    port = free_port()
    enumd = knot = None
    try:
        enumd = Proc([ENUMD, "--db", db, "--listen", f"127.0.0.1:{port}", "--threads", "1", "--allow-transfer",
                      "127.0.0.1"], os.path.join(tmp, "enumd.log"), name="enumd")
        want = wait_for(lambda: soa_serial(port, origin), 60, "enumd to answer")
        time.sleep(0.5)
        cpu0, hwm0 = proc_stat(enumd.proc.pid)
        t0 = time.monotonic()
        knot = Knot(tmp, secondary_zones=[origin], primary_port=port, journal=True)
        # While Knot transfers, enumd (one worker thread) keeps answering queries.
        lat = []
        peak_anon = hwm0
        while soa_serial(knot.port, origin) != want:
            if time.monotonic() - t0 > 600:
                raise AssertionError("Knot did not get the zone in 600 s")
            q0 = time.monotonic()
            soa_serial(port, origin)
            lat.append(time.monotonic() - q0)
            peak_anon = max(peak_anon, proc_stat(enumd.proc.pid)[1])
            time.sleep(0.05)
        wall = time.monotonic() - t0
        cpu1, hwm1 = proc_stat(enumd.proc.pid)
        line = [l for l in knot.logs().splitlines() if "AXFR, incoming" in l and "finished" in l]
        print(f"zone {origin} serial {want}")
        print("knot: " + (line[-1] if line else "(no AXFR finished line)"))
        m = re.search(r"finished, ([0-9.]+) seconds, (\d+) messages, (\d+) bytes", line[-1] if line else "")
        if m:
            secs, msgs, size = float(m.group(1)), int(m.group(2)), int(m.group(3))
            print(f"AXFR to Knot: {secs:.2f} s, {msgs} messages, {size / 1e6:.1f} MB, {size / 1e6 / secs:.1f} MB/s")
        print(f"wall time from Knot start to serial served: {wall:.2f} s")
        print(f"enumd CPU for the transfer: {cpu1 - cpu0:.2f} s; anonymous RSS before {hwm0} MB, "
              f"peak during {peak_anon} MB, after {hwm1} MB (the LMDB map is file-backed)")
        lat.sort()
        if lat:
            print(f"queries to enumd during the transfer: {len(lat)}, median {lat[len(lat) // 2] * 1000:.1f} ms, "
                  f"max {lat[-1] * 1000:.1f} ms")
    finally:
        stop_all(knot, enumd)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
