#!/usr/bin/python3
"""An AXFR into an enumd secondary: time to store it and the secondary's peak RSS.

  tools/bench/axfr_in.py --records 1000000             # 1M A records at distinct owners
  tools/bench/axfr_in.py --records 40000 --one-owner   # 40,000 A records at one owner (+10 % repeats)

What it does (traffic only to 127.0.0.1): writes an RFC 1035 zone, starts an
enumd primary serving it (transfers allowed to 127.0.0.1), waits for its SOA,
starts an enumd secondary of it with an empty database, waits until the
secondary answers the SOA, then reports the secondary's own figures from its
log ("transfer in stored": records, seconds) and its peak RSS (VmHWM from
/proc) against the RSS it had before the transfer (a secondary of a zone on a
port that does not answer, same binary). Servers are stopped by PID
(run.py's Server.stop). Not a test: a benchmark whose numbers go into notes.
"""

import argparse
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as bench  # noqa: E402

ORIGIN = "axfr.test."


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Primary(bench.Server):
    name = "primary"
    binary = None

    def command(self, threads):
        conf = os.path.join(self.workdir, "enumd.yaml")
        with open(conf, "w") as f:
            f.write('listen: ["127.0.0.1:%d"]\nthreads: 1\ndatabase: %s/db\n' % (self.port, self.workdir))
            f.write("zones:\n  - file: %s\n    origin: %s\n    transfer: {allow: [127.0.0.1]}\n"
                    % (self.zones[0][1], ORIGIN))
        return [self.binary, "--config", conf]


class Secondary(bench.Server):
    name = "secondary"
    binary = None
    primary_port = 0

    def command(self, threads):
        conf = os.path.join(self.workdir, "enumd.yaml")
        with open(conf, "w") as f:
            f.write('listen: ["127.0.0.1:%d"]\nthreads: 1\ndatabase: %s/db\n' % (self.port, self.workdir))
            f.write('zones:\n  - {origin: %s, primary: "127.0.0.1:%d"}\n' % (ORIGIN, self.primary_port))
        return [self.binary, "--config", conf]


def write_zone(path, records, one_owner):
    with open(path, "w") as f:
        f.write("$ORIGIN %s\n$TTL 3600\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n" % ORIGIN)
        for i in range(records):
            owner = "x" if one_owner else "n%d" % i
            f.write("%s A 10.%d.%d.%d\n" % (owner, (i >> 16) & 255, (i >> 8) & 255, i & 255))
        if one_owner:  # repeats the store must keep once (RFC 2181 §5)
            for i in range(0, records, 10):
                f.write("x A 10.%d.%d.%d\n" % ((i >> 16) & 255, (i >> 8) & 255, i & 255))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--one-owner", action="store_true", help="every record at one owner (the duplicate check)")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(bench.REPO, "build")))
    ap.add_argument("--workdir", default="/tmp/enumd-bench-axfr")
    ap.add_argument("--base-port", type=int, default=53700)
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()
    enumd_bin = os.path.join(args.build_dir, "bin", "enumd")
    Primary.binary = Secondary.binary = enumd_bin
    os.makedirs(args.workdir, exist_ok=True)
    zone = os.path.join(args.workdir, "axfr-%d%s.zone" % (args.records, "-one" if args.one_owner else ""))
    if not os.path.exists(zone):
        write_zone(zone, args.records, args.one_owner)
    pport = bench.free_port(args.base_port)
    primary = Primary(args.workdir, [(ORIGIN, zone, None)], pport)
    idle = Secondary(args.workdir + "/idle", [], bench.free_port(pport + 1))
    idle.primary_port = bench.free_port(idle.port + 1)  # nobody there: a secondary that never transfers
    secondary = Secondary(args.workdir, [], bench.free_port(idle.primary_port + 1))
    secondary.primary_port = pport
    try:
        t0 = primary.start("0", 1)
        while bench.udp_query(pport, ORIGIN, "SOA", timeout=0.2) is None or \
                bench.udp_query(pport, ORIGIN, "SOA", timeout=0.2)[0] != "NOERROR":
            if time.monotonic() - t0 > args.timeout or primary.proc.poll() is not None:
                sys.exit("bench: the primary did not start (%s/server.log)" % primary.workdir)
            time.sleep(0.2)
        bench.log("primary serves %s (%d records%s) after %.1f s"
                  % (ORIGIN, args.records, ", one owner" if args.one_owner else "", time.monotonic() - t0))
        os.makedirs(idle.workdir.rsplit("/", 1)[0], exist_ok=True)
        idle.start("1", 1)
        time.sleep(2)
        idle_rss = status_kib(idle.proc.pid, "VmHWM")
        idle.stop()
        t0 = secondary.start("1", 1)
        while True:
            r = bench.udp_query(secondary.port, ORIGIN, "SOA", timeout=0.2)
            if r and r[0] == "NOERROR" and r[1]:
                break
            if time.monotonic() - t0 > args.timeout or secondary.proc.poll() is not None:
                sys.exit("bench: the secondary did not transfer (%s/server.log)" % secondary.workdir)
            time.sleep(0.1)
        wall = time.monotonic() - t0
        hwm = status_kib(secondary.proc.pid, "VmHWM")
        rss = status_kib(secondary.proc.pid, "VmRSS")
        log = ""
        for _ in range(50):  # the log line follows the first answers by a moment
            with open(os.path.join(secondary.workdir, "server.log")) as f:
                log = f.read()
            if "transfer in stored" in log:
                break
            time.sleep(0.1)
    finally:
        for s in (secondary, idle, primary):
            s.stop()
    m = re.search(r'transfer in stored.*?records="?(\d+).*?seconds="?([\d.]+)', log)
    stored, secs = (m.group(1), float(m.group(2))) if m else ("?", float("nan"))
    print("AXFR of %d records%s: secondary stored %s records in %.3f s (first answer after %.1f s); "
          "peak RSS %.1f MB (an idle secondary: %.1f MB), RSS after %.1f MB"
          % (args.records, " at one owner (+10 % repeats)" if args.one_owner else "", stored, secs, wall,
             hwm / 1024, idle_rss / 1024, rss / 1024))


if __name__ == "__main__":
    main()
