#!/usr/bin/python3
"""Reload under load: are queries lost or answered wrongly while enumd swaps zones?

  tools/bench/reload.py                        # 100,000 numbers, 30 s of dnsperf, a reload every 5 s
  tools/bench/reload.py --numbers 1000000 --seconds 60 --every 15

enumd serves the generated RFC 1035 zones (--zone, compiled at start and on
SIGHUP). dnsperf (pinned to CPU 1, enumd to CPU 0) sends the benchmark mix at a
fixed rate below saturation, so a lost query means the reload lost it. Every
--every seconds the ENUM zone file is replaced (atomic rename) by the other of
two versions — the second has serial+1 and other URIs for 200 probe numbers —
and enumd gets SIGHUP. Meanwhile a probe loop asks for the probe numbers and
checks every answer is exactly the old or the new RRset (never NXDOMAIN, never
a mix, never silence), and the time from SIGHUP until the new serial answers
is measured.

Prints: dnsperf sent/completed/lost and rcodes, probe answers old/new/wrong/
timeouts, reload times. Exit status 1 when anything was lost or wrong.
"""

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import run as bench  # noqa: E402  (parse_dnsperf, free_port)

PROBES = 200


def log(msg):
    print("[reload %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def make_versions(zonedir, workdir):
    """Two versions of enum.zone: B has serial+1 and new URIs for the probe numbers."""
    with open(os.path.join(zonedir, "enum.zone")) as f:
        lines = f.readlines()
    origin = next(line.split()[1] for line in lines if line.startswith("$ORIGIN"))
    soa = next(i for i, line in enumerate(lines) if " SOA " in line)
    firsts = [i for i, line in enumerate(lines) if " NAPTR " in line and not line.startswith("*")]
    rng = random.Random(7)
    owners = sorted({lines[i].split()[0] for i in rng.sample(firsts, PROBES * 2)})[:PROBES]
    owner_set = set(owners)
    b = list(lines)
    b[soa] = b[soa].replace(" 2024060101 ", " 2024060102 ")
    for i, line in enumerate(b):
        if line.split(" ", 1)[0] in owner_set and " NAPTR " in line:
            b[i] = line.replace("!sip:", "!sip:reloaded-")
    paths = []
    for name, content in (("enum-a.zone", lines), ("enum-b.zone", b)):
        p = os.path.join(workdir, name)
        with open(p, "w") as f:
            f.writelines(content)
        paths.append(p)
    return origin, [o + "." + origin for o in owners], paths


def rrset_text(r):
    return sorted(rd.to_text() for rrset in r.answer for rd in rrset)


class Probe(threading.Thread):
    def __init__(self, port, names, expected):
        super().__init__(daemon=True)
        self.port, self.names, self.expected = port, names, expected  # expected[name] = ({old}, {new})
        self.stop = threading.Event()
        self.stats = {"old": 0, "new": 0, "wrong": 0, "timeout": 0}
        self.wrong = []

    def run(self):
        i = 0
        while not self.stop.is_set():
            name = self.names[i % len(self.names)]
            i += 1
            q = dns.message.make_query(name, "NAPTR")
            try:
                r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=1.0)
            except dns.exception.Timeout:
                self.stats["timeout"] += 1
                continue
            got = tuple(rrset_text(r))
            old, new = self.expected[name]
            if r.rcode() == dns.rcode.NOERROR and got == old:
                self.stats["old"] += 1
            elif r.rcode() == dns.rcode.NOERROR and got == new:
                self.stats["new"] += 1
            else:
                self.stats["wrong"] += 1
                if len(self.wrong) < 10:
                    self.wrong.append((name, dns.rcode.to_text(r.rcode()), got))


def soa_serial(port, origin):
    try:
        r = dns.query.udp(dns.message.make_query(origin, "SOA"), "127.0.0.1", port=port, timeout=0.2)
        return r.answer[0][0].serial if r.answer else None
    except (dns.exception.Timeout, OSError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--numbers", type=int, default=100_000)
    ap.add_argument("--seconds", type=int, default=30, help="dnsperf duration")
    ap.add_argument("--every", type=float, default=5, help="seconds between reloads")
    ap.add_argument("--rate", type=int, default=20000, help="dnsperf -Q (below saturation)")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(REPO, "build")))
    ap.add_argument("--workdir", default="/tmp/enumd-reload")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    enumd = os.path.join(args.build_dir, "bin", "enumd")
    if not os.access(enumd, os.X_OK):
        log("NOTE: %s does not exist; nothing to measure" % enumd)
        return 0
    os.makedirs(args.workdir, exist_ok=True)
    zonedir = os.path.join(args.workdir, "zones-%d-%d" % (args.numbers, args.seed))
    if not os.path.exists(os.path.join(zonedir, "meta.json")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_zone.py"), "--numbers", str(args.numbers),
                        "--seed", str(args.seed), "--yaml", "no", zonedir], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(zonedir, "meta.json")) as f:
        meta = json.load(f)
    origin, probes, versions = make_versions(zonedir, args.workdir)
    live = os.path.join(args.workdir, "enum.zone")
    tmp = live + ".new"
    with open(versions[0]) as f:
        text_a = f.read()
    with open(versions[1]) as f:
        text_b = f.read()
    with open(live, "w") as f:
        f.write(text_a)

    port = bench.free_port(53500)
    cmd = ["taskset", "-c", "0", enumd, "--listen", "127.0.0.1:%d" % port, "--threads", "1",
           "--zone", "%s=%s" % (origin, live), "--zone", "%s=%s" % (meta["gpp_origin"], os.path.join(zonedir, "3gpp.zone"))]
    logf = open(os.path.join(args.workdir, "enumd.log"), "w")
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT)
    try:
        t0 = time.monotonic()
        while soa_serial(port, origin) is None:
            if proc.poll() is not None or time.monotonic() - t0 > 600:
                log("enumd did not start; see %s/enumd.log" % args.workdir)
                return 1
            time.sleep(0.1)
        log("enumd serving after %.2f s (port %d)" % (time.monotonic() - t0, port))

        # what the probe names answer in each version
        expected = {}
        for name in probes:
            r = dns.query.udp(dns.message.make_query(name, "NAPTR"), "127.0.0.1", port=port, timeout=1)
            old = tuple(rrset_text(r))
            new = tuple(sorted(t.replace("!sip:", "!sip:reloaded-") for t in old))
            expected[name] = (old, new)
            if not old:
                log("probe %s has no answer before any reload" % name)
                return 1

        perf = subprocess.Popen(["taskset", "-c", "1", "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d",
                                 os.path.join(zonedir, "queries.txt"), "-l", str(args.seconds), "-Q", str(args.rate),
                                 "-c", "4", "-q", "100", "-t", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        probe = Probe(port, probes, expected)
        probe.start()
        reloads = []
        serial = 2024060101
        start = time.monotonic()
        while time.monotonic() - start + args.every + 2 < args.seconds:
            time.sleep(args.every)
            serial = 2024060102 if serial == 2024060101 else 2024060101
            with open(tmp, "w") as f:
                f.write(text_b if serial == 2024060102 else text_a)
            os.rename(tmp, live)
            t = time.monotonic()
            proc.send_signal(signal.SIGHUP)
            while soa_serial(port, origin) != serial and time.monotonic() - t < 120:
                time.sleep(0.02)
            took = time.monotonic() - t
            reloads.append(took)
            log("reload to serial %d visible after %.2f s" % (serial, took))
        out, _ = perf.communicate(timeout=args.seconds + 60)
        probe.stop.set()
        probe.join(timeout=5)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        logf.close()
    r = bench.parse_dnsperf(out)
    print()
    print("dnsperf at %d qps for %d s with %d reloads of a %d-number zone:" % (args.rate, args.seconds, len(reloads),
                                                                           meta["numbers"]))
    print("  sent %d, completed %d, lost %d; %s" % (r["sent"], r["completed"], r["lost"], r["rcodes"]))
    print("  latency avg %.0f us, stddev %.0f us" % (r["lat_avg_us"], r["lat_sd_us"]))
    print("probe answers: %(old)d old, %(new)d new, %(wrong)d wrong, %(timeout)d timeouts" % probe.stats)
    for w in probe.wrong:
        print("  WRONG %s %s %s" % w)
    if reloads:
        print("reload until the new serial answers: min %.2f s, max %.2f s" % (min(reloads), max(reloads)))
    bad = r["lost"] or probe.stats["wrong"] or probe.stats["timeout"] or not reloads
    print("RESULT: %s" % ("queries lost or wrong during reloads" if bad else "no query lost or wrong"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
