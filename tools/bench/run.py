#!/usr/bin/python3
"""Side-by-side benchmark: enumd vs Knot DNS vs NSD on the same generated zones.

  tools/bench/run.py                      # full: 1,000,000 numbers, 5 rounds x 10 s
  tools/bench/run.py --quick              # 100,000 numbers, 3 rounds x 5 s (a couple of minutes)
  tools/bench/run.py --numbers 1000000 --rounds 5 --seconds 10 --servers knot,nsd

What it does (bounded in time everywhere; traffic only to 127.0.0.1):
  1. installs dnsperf, knot, nsd with apt-get when missing (needs root);
  2. generates the zones and the query mix with gen_zone.py (cached per size+seed);
  3. when build/bin/enumctl exists: the compile benchmark (enumctl compile of the
     YAML zone if gen_zone wrote one, else of the RFC 1035 zone) -> records/s, DB size;
  4. starts every server on its own loopback port, pinned with taskset to CPU 0,
     one worker, and measures the time to first answer (polls the ENUM SOA and
     the 3GPP SOA until both answer NOERROR with AA);
  5. checks a few answers every server must give (expected.txt);
  6. dnsperf rounds (pinned to CPU 1), round-robin over the servers, measuring per
     round qps, lost queries, latency avg/stddev and the server's CPU time
     (utime+stime of the whole process tree from /proc/PID/stat) per answered
     query; PSS/RSS (smaps_rollup) after the rounds; medians over rounds;
  7. both-cores phase: each server restarted with two workers on CPUs 0-1,
     dnsperf with two threads on CPUs 0-1;
  8. prints the table with absolute numbers and ratios enumd/Knot, enumd/NSD,
     and writes results.json into the work directory.

enumd is skipped with a note when its binary does not exist yet. Servers are
stopped by PID. Not a test: a benchmark whose numbers go into the notes.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# ---------------------------------------------------------------- helpers

def ensure_packages():
    need = [pkg for binary, pkg in (("dnsperf", "dnsperf"), ("knotd", "knot"), ("nsd", "nsd"))
            if shutil.which(binary) is None and not os.path.exists("/usr/sbin/" + binary)]
    if need:
        log("installing " + " ".join(need))
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends"] + need, check=True)
        # the Debian packages enable system services on port 53; we start our own
        for svc in ("knot", "nsd"):
            subprocess.run(["systemctl", "disable", "--now", svc], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def free_port(start):
    """First port >= start free for both UDP and TCP on 127.0.0.1."""
    port = start
    while port < start + 1000:
        ok = True
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return port
        port += 1
    raise RuntimeError("no free port near %d" % start)


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


QTYPES = {"A": 1, "NS": 2, "SOA": 6, "AAAA": 28, "SRV": 33, "NAPTR": 35}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def udp_query(port, name, qtype, timeout=0.2, rd=False):
    """One UDP query (RD=1 when `rd`); returns (rcode text, AA, ancount) or None on timeout."""
    qid = random.randrange(65536)
    pkt = struct.pack("!HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 0) + encode_name(name) + struct.pack("!HH", QTYPES[qtype], 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(pkt, ("127.0.0.1", port))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data, _ = s.recvfrom(65535)
            if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                flags, _, an = struct.unpack("!HHH", data[2:8])
                return RCODES.get(flags & 0xF, str(flags & 0xF)), bool(flags & 0x0400), an
    except (socket.timeout, ConnectionRefusedError):
        return None
    finally:
        s.close()
    return None


def descendants(pid):
    """pid and all its descendants (scan of /proc; NSD forks its workers)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def cpu_seconds(pids, children=False):
    """utime+stime of the given processes (all their threads), in seconds; with `children`, the CPU of
    their reaped children instead (cutime+cstime: enumd's reload compiles run in child processes)."""
    ticks = 0
    first = 13 if children else 11  # utime, stime are fields 14, 15 of stat(5); cutime, cstime 16, 17
    for p in pids:
        try:
            with open("/proc/%d/stat" % p) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ticks += int(fields[first]) + int(fields[first + 1])
    return ticks / CLK_TCK


def memory_kib(pids):
    """(PSS, RSS) in KiB summed over the processes, from smaps_rollup."""
    pss = rss = 0
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss


# ---------------------------------------------------------------- servers

class Server:
    name = "?"

    def __init__(self, workdir, zones, port):
        self.workdir = os.path.join(workdir, self.name)
        self.zones = zones  # list of (origin, rfc1035 path, yaml path or None)
        self.port = port
        self.proc = None
        self.pids = []
        self.log = None

    def command(self, threads):
        raise NotImplementedError

    def start(self, cpus, threads):
        if os.path.isdir(self.workdir):
            shutil.rmtree(self.workdir)
        os.makedirs(self.workdir)
        cmd = ["taskset", "-c", cpus] + self.command(threads)
        self.log = open(os.path.join(self.workdir, "server.log"), "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir)
        return t0

    def wait_first_answer(self, t0, limit):
        """Seconds from start until every zone's SOA answers NOERROR+AA (None on timeout)."""
        pending = [origin for origin, _, _ in self.zones]
        while pending and time.monotonic() - t0 < limit:
            if self.proc.poll() is not None:
                return None
            r = udp_query(self.port, pending[0], "SOA", timeout=0.05)
            if r and r[0] == "NOERROR" and r[1] and r[2] >= 1:
                pending.pop(0)
                continue
            time.sleep(0.01)
        if pending:
            return None
        return time.monotonic() - t0

    def refresh_pids(self):
        self.pids = descendants(self.proc.pid)
        return self.pids

    def stop(self):
        if self.proc is None:
            return
        pids = descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for p in pids[1:]:  # children that outlived the parent, by PID
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None
        if self.log:
            self.log.close()


class Knot(Server):
    name = "knot"

    def command(self, threads):
        conf = os.path.join(self.workdir, "knot.conf")
        with open(conf, "w") as f:
            f.write("server:\n    rundir: \"%s\"\n    listen: 127.0.0.1@%d\n" % (self.workdir, self.port))
            f.write("    udp-workers: %d\n    tcp-workers: 1\n    background-workers: 1\n" % threads)
            f.write("log:\n  - target: stderr\n    any: notice\n")
            f.write("database:\n    storage: \"%s/db\"\n" % self.workdir)
            f.write("control:\n    listen: \"%s/knot.sock\"\n" % self.workdir)
            f.write("template:\n  - id: default\n    storage: \"%s\"\n" % self.workdir)
            f.write("    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n")
            f.write("    semantic-checks: off\n")
            f.write("zone:\n")
            for origin, path, _ in self.zones:
                f.write("  - domain: %s\n    file: \"%s\"\n" % (origin, path))
        return ["/usr/sbin/knotd", "-c", conf]


class Nsd(Server):
    name = "nsd"

    def command(self, threads):
        conf = os.path.join(self.workdir, "nsd.conf")
        d = self.workdir
        with open(conf, "w") as f:
            f.write("server:\n    ip-address: 127.0.0.1@%d\n    server-count: %d\n" % (self.port, threads))
            f.write("    username: \"\"\n    chroot: \"\"\n    zonesdir: \"%s\"\n" % d)
            # NSD 4.6: database "" reads the zone files at start, no nsd.db compile step
            f.write("    database: \"\"\n    zonelistfile: \"%s/zone.list\"\n" % d)
            f.write("    xfrdfile: \"%s/xfrd.state\"\n    xfrdir: \"%s\"\n" % (d, d))
            f.write("    pidfile: \"%s/nsd.pid\"\n    verbosity: 1\n    do-ip6: no\n" % d)
            f.write("    reuseport: yes\n")
            # Debian builds NSD with response rate limiting on (200 qps per /24): off for a benchmark
            f.write("    rrl-ratelimit: 0\n    rrl-whitelist-ratelimit: 0\n")
            f.write("remote-control:\n    control-enable: no\n")
            for origin, path, _ in self.zones:
                f.write("zone:\n    name: %s\n    zonefile: \"%s\"\n" % (origin, path))
        return ["/usr/sbin/nsd", "-d", "-c", conf]


class Enumd(Server):
    name = "enumd"
    binary = None
    db = None  # a database compiled by enumctl: serve it with --db
    config = None  # --enumd-config: a config file for settings the command line lacks (rate_limit, cookies)

    def command(self, threads):
        cmd = [self.binary, "--listen", "127.0.0.1:%d" % self.port, "--threads", str(threads)]
        if self.config:
            cmd += ["--config", self.config]
        if self.db:
            return cmd + ["--db", self.db]
        for origin, path, yaml_path in self.zones:
            # a YAML file names its origin; a zone file gets it as ORIGIN=
            cmd += ["--zone", yaml_path if yaml_path else "%s=%s" % (origin, path)]
        return cmd


class EnumdBase(Enumd):
    """An older enumd build (--baseline-build-dir) beside the current one: before/after in one run."""
    name = "enumd-base"
    binary = None
    db = None
    config = None


# ---------------------------------------------------------------- dnsperf

def parse_dnsperf(text):
    def num(pattern, cast=float, default=None):
        m = re.search(pattern, text)
        return cast(m.group(1)) if m else default
    r = {
        "sent": num(r"Queries sent:\s+(\d+)", int, 0),
        "completed": num(r"Queries completed:\s+(\d+)", int, 0),
        "lost": num(r"Queries lost:\s+(\d+)", int, 0),
        "qps": num(r"Queries per second:\s+([\d.]+)", float, 0.0),
        "lat_avg_us": num(r"Average Latency \(s\):\s+([\d.]+)", float, 0.0) * 1e6,
        "lat_sd_us": num(r"Latency StdDev \(s\):\s+([\d.]+)", float, 0.0) * 1e6,
    }
    m = re.search(r"Response codes:\s+(.*)", text)
    r["rcodes"] = m.group(1).strip() if m else ""
    return r


def run_dnsperf(port, queries, seconds, cpus, threads, outstanding):
    cmd = ["taskset", "-c", cpus, "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries,
           "-l", str(seconds), "-T", str(threads), "-c", str(4 * threads), "-q", str(outstanding), "-t", "2"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if p.returncode != 0:
        raise RuntimeError("dnsperf failed: " + p.stderr[-500:])
    return parse_dnsperf(p.stdout)


def measure_round(server, queries, seconds, cpus, threads, outstanding):
    pids = server.refresh_pids()
    c0 = cpu_seconds(pids)
    r = run_dnsperf(server.port, queries, seconds, cpus, threads, outstanding)
    c1 = cpu_seconds(pids)
    r["cpu_s"] = c1 - c0
    r["cpu_us_per_q"] = (c1 - c0) * 1e6 / r["completed"] if r["completed"] else float("nan")
    return r


def check_expected(server, expected_path):
    bad = []
    with open(expected_path) as f:
        for line in f:
            qname, qtype, rcode, count = line.split()
            got = udp_query(server.port, qname, qtype, timeout=1.0)
            if got is None or got[0] != rcode or got[2] != int(count):
                bad.append("%s %s: want %s/%s got %s" % (qname, qtype, rcode, count, got))
    return bad


# ---------------------------------------------------------------- phases

def compile_benchmark(enumctl, zonedir, meta, workdir, dbname="compiled-db"):
    """enumctl compile of the ENUM zone: records/s and database size."""
    src = os.path.join(zonedir, "enum.yaml")
    if not os.path.exists(src):
        src = os.path.join(zonedir, "enum.zone")
    db = os.path.join(workdir, dbname)
    if os.path.isdir(db):
        shutil.rmtree(db)
    os.makedirs(db)
    gpp = os.path.join(zonedir, "3gpp.yaml" if src.endswith(".yaml") else "3gpp.zone")
    cmd = [enumctl, "compile", "--db", db, src, gpp]
    log("compile: " + " ".join(cmd))
    t0 = time.monotonic()
    with open(os.path.join(workdir, dbname + ".log"), "w+") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru1 = os.wait4(p.pid, 0)  # this child's own rusage: CPU and peak RSS
        p.returncode = os.waitstatus_to_exitcode(status)
        dt = time.monotonic() - t0
        cpu = ru1.ru_utime + ru1.ru_stime  # robust against a busy machine, unlike wall time
        if p.returncode != 0:
            out.seek(0)
            log("compile FAILED (%d): %s" % (p.returncode, out.read()[-1000:]))
            return None, None
    size = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(db) for f in files)
    records = meta["enum_records"] + meta["gpp_records"]
    res = {"source": os.path.basename(src), "seconds": dt, "cpu_seconds": cpu, "records": records,
           "records_per_s": records / dt, "records_per_cpu_s": records / cpu if cpu else None, "db_bytes": size,
           "max_rss_mb": ru1.ru_maxrss / 1024}
    log("compile: %d records in %.2f s (%.2f s CPU) = %.0f records/s (%.0f per CPU second), database %.1f MB"
        % (records, dt, cpu, records / dt, records / cpu if cpu else 0, size / 1e6))
    return res, db


def phase(servers, args, zonedir, cpus_server, cpus_perf, threads, rounds, label):
    queries = os.path.join(zonedir, "queries.txt")
    res = {s.name: {"rounds": []} for s in servers}
    live = []
    for s in servers:
        t0 = s.start(cpus_server, threads)
        t = s.wait_first_answer(t0, args.load_timeout)
        if t is None:
            log("%s: no answer within %d s (see %s/server.log); skipped" % (s.name, args.load_timeout, s.workdir))
            s.stop()
            res[s.name]["error"] = "no first answer"
            continue
        res[s.name]["first_answer_s"] = t
        # CPU the server spent until then (a busy machine stretches wall time, not this)
        res[s.name]["load_cpu_s"] = cpu_seconds(s.refresh_pids())
        log("%s [%s]: first answer after %.2f s, %.2f s CPU (port %d)"
            % (s.name, label, t, res[s.name]["load_cpu_s"], s.port))
        bad = check_expected(s, os.path.join(zonedir, "expected.txt"))
        if bad:
            log("%s: WRONG ANSWERS:\n  %s" % (s.name, "\n  ".join(bad)))
            res[s.name]["wrong_answers"] = bad
        live.append(s)
    try:
        for r in range(rounds):
            for s in live:  # round-robin, so drift in the machine hits every server alike
                m = measure_round(s, queries, args.seconds, cpus_perf, threads, args.outstanding)
                res[s.name]["rounds"].append(m)
                log("%s [%s] round %d: %.0f qps, %.2f us CPU/query, lat %.0f/%.0f us, lost %d, %s"
                    % (s.name, label, r + 1, m["qps"], m["cpu_us_per_q"], m["lat_avg_us"], m["lat_sd_us"],
                       m["lost"], m["rcodes"]))
        for s in live:
            pss, rss = memory_kib(s.refresh_pids())
            res[s.name]["pss_mb"] = pss / 1024
            res[s.name]["rss_mb"] = rss / 1024
    finally:
        for s in live:
            s.stop()
    for s in live:
        rs = res[s.name]["rounds"]
        if rs:
            for key in ("qps", "cpu_us_per_q", "lat_avg_us", "lat_sd_us", "lost"):
                res[s.name][key] = statistics.median(x[key] for x in rs)
    return res


METRICS = [("first_answer_s", "first answer s", "%.2f"), ("load_cpu_s", "CPU to 1st ans s", "%.2f"),
           ("qps", "qps", "%.0f"),
           ("cpu_us_per_q", "CPU us/query", "%.2f"), ("pss_mb", "PSS MB", "%.1f"), ("rss_mb", "RSS MB", "%.1f"),
           ("lat_avg_us", "latency avg us", "%.0f"), ("lat_sd_us", "latency sd us", "%.0f"),
           ("lost", "lost queries", "%d")]


def table(res, label):
    names = [n for n in ("enumd", "enumd-base", "knot", "nsd") if n in res and "qps" in res[n]]
    ratios = []
    if "enumd" in names:
        ratios += [("enumd", "enumd-base"), ("enumd", "knot"), ("enumd", "nsd"), ("enumd-base", "knot")]
    else:
        ratios += [("nsd", "knot")]
    ratios = [(a, b) for a, b in ratios if a in names and b in names]
    head = ["%-16s" % label] + ["%12s" % n for n in names] + ["%18s" % ("%s/%s" % r) for r in ratios]
    lines = ["".join(head)]
    for key, title, fmt in METRICS:
        row = ["%-16s" % title]
        for n in names:
            v = res[n].get(key)
            row.append("%12s" % (fmt % v if v is not None else "-"))
        for a, b in ratios:
            va, vb = res[a].get(key), res[b].get(key)
            row.append("%18s" % ("%.2f" % (va / vb) if va is not None and vb else "-"))
        lines.append("".join(row))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="--numbers 100000 --rounds 3 --seconds 5")
    ap.add_argument("--numbers", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--seconds", type=int, default=None)
    ap.add_argument("--both-rounds", type=int, default=None, help="rounds in the both-cores phase")
    ap.add_argument("--no-both", action="store_true", help="skip the both-cores phase")
    ap.add_argument("--servers", default="enumd,knot,nsd")
    ap.add_argument("--baseline-build-dir", default=None,
                    help="an older build to run beside --build-dir as 'enumd-base' (before/after in one run)")
    ap.add_argument("--enumd-config", default=None, help="a config file for enumd (listen/threads/db stay on the "
                    "command line), e.g. rate_limit or cookies settings")
    ap.add_argument("--baseline-config", default=None, help="the config file of enumd-base (without "
                    "--baseline-build-dir: the same build), e.g. to compare RRL on with RRL off")
    ap.add_argument("--outstanding", type=int, default=100,
                    help="dnsperf -q (more overflows the servers' default socket buffers: lost queries)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(REPO, "build")))
    ap.add_argument("--workdir", default="/tmp/enumd-bench")
    ap.add_argument("--base-port", type=int, default=53400)
    ap.add_argument("--load-timeout", type=int, default=300)
    args = ap.parse_args()
    quick = {"numbers": 100_000, "rounds": 3, "seconds": 5}
    full = {"numbers": 1_000_000, "rounds": 5, "seconds": 10}
    for k, v in (quick if args.quick else full).items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    if args.both_rounds is None:
        args.both_rounds = args.rounds
    if os.cpu_count() < 2:
        sys.exit("bench: needs two CPUs (server on CPU 0, dnsperf on CPU 1)")

    ensure_packages()
    os.makedirs(args.workdir, exist_ok=True)
    zonedir = os.path.join(args.workdir, "zones-%d-%d" % (args.numbers, args.seed))
    stamp = os.path.join(zonedir, "meta.json")
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(os.path.join(HERE, "gen_zone.py")):
        log("generating %d numbers into %s" % (args.numbers, zonedir))
        subprocess.run([sys.executable, os.path.join(HERE, "gen_zone.py"), "--numbers", str(args.numbers),
                        "--seed", str(args.seed), zonedir], check=True, stdout=subprocess.DEVNULL)
    with open(stamp) as f:
        meta = json.load(f)
    log("zones: %d numbers, %d ranges, %d + %d records"
        % (meta["numbers"], meta["ranges"], meta["enum_records"], meta["gpp_records"]))

    def yaml_or_none(name):
        p = os.path.join(zonedir, name)
        return p if os.path.exists(p) else None
    zones = [(meta["enum_origin"], os.path.join(zonedir, "enum.zone"), yaml_or_none("enum.yaml")),
             (meta["gpp_origin"], os.path.join(zonedir, "3gpp.zone"), yaml_or_none("3gpp.yaml"))]

    results = {"meta": meta, "args": vars(args)}
    wanted = args.servers.split(",")
    args.build_dir = os.path.abspath(args.build_dir)  # the servers run in their own directories
    enumd_bin = os.path.join(args.build_dir, "bin", "enumd")
    enumctl_bin = os.path.join(args.build_dir, "bin", "enumctl")
    if "enumd" in wanted and not os.access(enumd_bin, os.X_OK):
        log("NOTE: %s does not exist yet; enumd skipped" % enumd_bin)
        wanted.remove("enumd")
    if os.access(enumctl_bin, os.X_OK):
        comp, db = compile_benchmark(enumctl_bin, zonedir, meta, args.workdir)
        results["compile"] = comp
        Enumd.db = db
    else:
        log("NOTE: %s does not exist yet; compile benchmark skipped" % enumctl_bin)
    Enumd.binary = enumd_bin

    if "enumd" in wanted:
        # Start-up from zone files (compiled at start into a private database), once.
        db, Enumd.db = Enumd.db, None
        e = Enumd(args.workdir, zones, free_port(args.base_port))
        t = e.wait_first_answer(e.start("0", 1), args.load_timeout)
        cpu = cpu_seconds(e.refresh_pids()) if e.proc and e.proc.poll() is None else None
        e.stop()
        Enumd.db = db
        results["enumd_zone_files_first_answer_s"] = t
        results["enumd_zone_files_load_cpu_s"] = cpu
        log("enumd from zone files (%s): first answer after %s s, %s s CPU"
            % ("YAML" if zones[0][2] else "RFC 1035", "%.2f" % t if t is not None else "never",
               "%.2f" % cpu if cpu is not None else "?"))

    Enumd.config = os.path.abspath(args.enumd_config) if args.enumd_config else None
    if args.baseline_config and not args.baseline_build_dir:
        args.baseline_build_dir = args.build_dir  # the same build with another configuration
    if args.baseline_build_dir:
        EnumdBase.config = os.path.abspath(args.baseline_config) if args.baseline_config else None
        EnumdBase.binary = os.path.join(os.path.abspath(args.baseline_build_dir), "bin", "enumd")
        base_ctl = os.path.join(os.path.abspath(args.baseline_build_dir), "bin", "enumctl")
        if os.access(base_ctl, os.X_OK):  # its own database: the format may differ between builds
            results["compile_base"], EnumdBase.db = compile_benchmark(base_ctl, zonedir, meta, args.workdir,
                                                                      "compiled-db-base")
        wanted.insert(1, "enumd-base")

    classes = {"enumd": Enumd, "enumd-base": EnumdBase, "knot": Knot, "nsd": Nsd}
    port = args.base_port
    servers = []
    for n in wanted:
        port = free_port(port)
        servers.append(classes[n](args.workdir, zones, port))
        port += 1

    results["one_core"] = phase(servers, args, zonedir, "0", "1", 1, args.rounds, "1 core")
    if not args.no_both:
        results["both_cores"] = phase(servers, args, zonedir, "0,1", "0,1", 2, args.both_rounds, "2 cores")

    with open(os.path.join(args.workdir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print()
    print("zone: %d numbers (+%d ranges), %d records; %d s x %d rounds, medians"
          % (meta["numbers"], meta["ranges"], meta["enum_records"] + meta["gpp_records"], args.seconds, args.rounds))
    if results.get("compile"):
        c = results["compile"]
        print("enumctl compile (%s): %.2f s wall, %.2f s CPU, %.0f records/s (%.0f per CPU second), "
              "database %.1f MB, max RSS %.0f MB" % (c["source"], c["seconds"], c["cpu_seconds"], c["records_per_s"],
                                                     c["records_per_cpu_s"] or 0, c["db_bytes"] / 1e6,
                                                     c["max_rss_mb"]))
    if results.get("enumd_zone_files_first_answer_s") is not None:
        print("enumd first answer when started from the zone files: %.2f s, %.2f s CPU (from the compiled "
              "database: below)" % (results["enumd_zone_files_first_answer_s"],
                                   results["enumd_zone_files_load_cpu_s"] or 0))
    print(table(results["one_core"], "server 1 core"))
    if "both_cores" in results:
        print()
        print(table(results["both_cores"], "both cores"))
    print("\nresults: %s" % os.path.join(args.workdir, "results.json"))


if __name__ == "__main__":
    main()
