#!/usr/bin/python3
"""Recursion cache hits: enumd against Unbound, both forwarding to the same upstream.

  tools/bench/recursion.py                     # 1,000 names, 5 rounds x 10 s
  tools/bench/recursion.py --names 10000 --rounds 7 --seconds 10

What it does (bounded in time everywhere; traffic only to 127.0.0.1):
  1. writes a zone of N A records (h0 .. hN-1.rec.test., TTL one day) and
     starts enumd as its authoritative server: the upstream (CPU 1);
  2. starts enumd forwarding everything to it (`recursion: {forwarders: …}`,
     one worker thread) and Unbound forwarding everything to it (forward-zone
     ".", one thread, `unbound -d -c CONF`, never the system service), each
     pinned with taskset to CPU 0;
  3. warms both caches: every name asked once (RD=1) and checked NOERROR with
     one answer;
  4. dnsperf rounds (pinned to CPU 1, -l SECONDS) over the same cached names,
     interleaved round by round (enumd, Unbound, enumd, …); per round qps,
     lost queries and the server's CPU time per answered query (utime+stime
     of its process from /proc, run.py's measure_round);
  5. prints medians and the ratio enumd/Unbound of CPU µs per query, checks
     that enumd answered the rounds from the worker (its
     enumd_recursion_cache_hits_on_worker_total) and writes
     recursion.json into the work directory.

Servers are stopped by PID (run.py's Server.stop). Not a test: a benchmark
whose numbers go into the notes.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as bench  # noqa: E402  (the helpers of the main benchmark: ports, CPU from /proc, dnsperf, stop by PID)

ORIGIN = "rec.test."


def rd_query(port, name, timeout=1.0):
    """One UDP query for NAME A with RD=1: True when it answered NOERROR with at least one record."""
    r = bench.udp_query(port, name, "A", timeout, rd=True)
    return bool(r and r[0] == "NOERROR" and r[2] >= 1)


class Upstream(bench.Server):
    """enumd serving the zone of N names: what both recursors forward to."""
    name = "upstream"
    binary = None

    def command(self, threads):
        return [self.binary, "--listen", "127.0.0.1:%d" % self.port, "--threads", str(threads),
                "--zone", "%s=%s" % (ORIGIN, self.zones[0][1])]


class EnumdForwarder(bench.Server):
    name = "enumd"
    binary = None
    upstream_port = 0
    stats_port = 0

    def command(self, threads):
        conf = os.path.join(self.workdir, "enumd.yaml")
        local = os.path.join(self.workdir, "local.zone")
        with open(local, "w") as f:  # enumd serves at least one zone; nothing is asked from it
            f.write("$ORIGIN local.bench.\n$TTL 3600\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\n"
                    "ns A 127.0.0.1\n")
        with open(conf, "w") as f:
            f.write('listen: ["127.0.0.1:%d"]\nthreads: %d\n' % (self.port, threads))
            f.write('zones: [{file: "%s", origin: local.bench.}]\n' % local)
            f.write('statistics: {listen: "127.0.0.1:%d"}\n' % self.stats_port)
            f.write('recursion:\n  allow: [127.0.0.0/8]\n  forwarders: ["127.0.0.1:%d"]\n' % self.upstream_port)
        return [self.binary, "--config", conf]

    def worker_hits(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.stats_port, timeout=5) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith("enumd_recursion_cache_hits_on_worker_total "):
                        return int(float(line.split()[1]))
        except OSError:
            return None
        return None


class Unbound(bench.Server):
    name = "unbound"
    upstream_port = 0

    def command(self, threads):
        conf = os.path.join(self.workdir, "unbound.conf")
        d = self.workdir
        with open(conf, "w") as f:
            f.write("server:\n")
            f.write("    interface: 127.0.0.1@%d\n    port: %d\n    num-threads: %d\n" % (self.port, self.port, threads))
            f.write("    do-ip6: no\n    do-daemonize: no\n    use-syslog: no\n    logfile: \"\"\n    verbosity: 0\n")
            f.write("    username: \"\"\n    chroot: \"\"\n    directory: \"%s\"\n    pidfile: \"%s/unbound.pid\"\n" % (d, d))
            f.write("    access-control: 127.0.0.0/8 allow\n    do-not-query-localhost: no\n")
            f.write("    module-config: \"iterator\"\n    auto-trust-anchor-file: \"\"\n")
            # RFC 6761: .test is a local-use name; Unbound would refuse it without this.
            f.write("    local-zone: \"test.\" nodefault\n")
            f.write("remote-control:\n    control-enable: no\n")
            f.write("forward-zone:\n    name: \".\"\n    forward-addr: 127.0.0.1@%d\n" % self.upstream_port)
        return ["/usr/sbin/unbound", "-d", "-c", conf]


def wait_answer(server, name, limit=60):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if server.proc.poll() is not None:
            return False
        if rd_query(server.port, name, timeout=0.2):
            return True
        time.sleep(0.05)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--names", type=int, default=1000, help="cached names the rounds ask (one A record each)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=10, help="dnsperf -l per round")
    ap.add_argument("--outstanding", type=int, default=100, help="dnsperf -q")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(bench.REPO, "build")))
    ap.add_argument("--workdir", default="/tmp/enumd-bench-recursion")
    ap.add_argument("--base-port", type=int, default=53600)
    args = ap.parse_args()
    if os.cpu_count() < 2:
        sys.exit("bench: needs two CPUs (servers on CPU 0, dnsperf and the upstream on CPU 1)")
    enumd_bin = os.path.join(args.build_dir, "bin", "enumd")
    if not os.path.exists(enumd_bin):
        sys.exit("bench: no %s (build it first)" % enumd_bin)
    if not os.path.exists("/usr/sbin/unbound"):
        sys.exit("bench: no /usr/sbin/unbound (apt-get install unbound; only the binary is run)")
    if shutil.which("dnsperf") is None:
        sys.exit("bench: no dnsperf (apt-get install dnsperf)")
    os.makedirs(args.workdir, exist_ok=True)

    zone = os.path.join(args.workdir, "rec.zone")
    names = ["h%d.%s" % (i, ORIGIN) for i in range(args.names)]
    with open(zone, "w") as f:
        f.write("$ORIGIN %s\n$TTL 86400\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n" % ORIGIN)
        for i in range(args.names):
            f.write("h%d A 10.%d.%d.%d\n" % (i, (i >> 16) & 255, (i >> 8) & 255, i & 255))
    queries = os.path.join(args.workdir, "queries.txt")
    with open(queries, "w") as f:
        for n in names:
            f.write("%s A\n" % n)

    port = bench.free_port(args.base_port)
    up = Upstream(args.workdir, [(ORIGIN, zone, None)], port)
    Upstream.binary = enumd_bin
    enumd = EnumdForwarder(args.workdir, [], bench.free_port(port + 1))
    EnumdForwarder.binary = enumd_bin
    enumd.upstream_port = port
    enumd.stats_port = bench.free_port(enumd.port + 1)
    unbound = Unbound(args.workdir, [], bench.free_port(enumd.stats_port + 1))
    unbound.upstream_port = port
    servers = [enumd, unbound]
    results = {"args": vars(args), "rounds": {s.name: [] for s in servers}}
    try:
        up.start("1", 1)
        if not wait_answer(up, names[0]):
            sys.exit("bench: the upstream enumd does not answer (see %s/server.log)" % up.workdir)
        for s in servers:
            s.start("0", 1)
            if not wait_answer(s, names[0]):
                sys.exit("bench: %s does not answer (see %s/server.log)" % (s.name, s.workdir))
            bad = 0
            for n in names:  # warm the cache: every name once
                bad += not rd_query(s.port, n)
            bench.log("%s: warmed %d names (%d failed)" % (s.name, len(names), bad))
            if bad:
                sys.exit("bench: %s did not answer every name" % s.name)
        hits0 = enumd.worker_hits()
        for rnd in range(args.rounds):
            for s in servers:
                r = bench.measure_round(s, queries, args.seconds, "1", 1, args.outstanding)
                results["rounds"][s.name].append(r)
                bench.log("round %d %-8s %9.0f qps  lost %d  %.2f µs CPU/query  %s"
                          % (rnd + 1, s.name, r["qps"], r["lost"], r["cpu_us_per_q"], r["rcodes"]))
        hits1 = enumd.worker_hits()
        completed = sum(r["completed"] for r in results["rounds"]["enumd"])
        results["enumd_worker_hits"] = None if hits0 is None or hits1 is None else hits1 - hits0
        results["enumd_completed"] = completed
    finally:
        for s in servers + [up]:
            s.stop()

    med = {}
    for s in servers:
        rs = results["rounds"][s.name]
        med[s.name] = {k: statistics.median(r[k] for r in rs) for k in ("qps", "cpu_us_per_q", "lost")}
    results["median"] = med
    ratio = med["enumd"]["cpu_us_per_q"] / med["unbound"]["cpu_us_per_q"]
    results["ratio_cpu_enumd_unbound"] = ratio
    print()
    print("| %d cached names, %d rounds x %d s, dnsperf -q %d | qps (median) | CPU µs/query (median) | lost (median) |"
          % (args.names, args.rounds, args.seconds, args.outstanding))
    print("|---|---|---|---|")
    for s in servers:
        m = med[s.name]
        print("| %s | %.0f | %.2f | %d |" % (s.name, m["qps"], m["cpu_us_per_q"], m["lost"]))
    print()
    print("CPU per cache hit, enumd / Unbound: %.2f" % ratio)
    if results["enumd_worker_hits"] is not None:
        print("enumd answered %d of %d round queries on the worker (message cache)"
              % (results["enumd_worker_hits"], results["enumd_completed"]))
    with open(os.path.join(args.workdir, "recursion.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
