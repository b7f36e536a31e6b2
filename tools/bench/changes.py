#!/usr/bin/python3
"""Live number changes under query load (issue 11): how many changes per
second the provisioning API takes, and how soon a change answers.

  tools/bench/changes.py                         # 100,000 numbers, 10 s per phase
  tools/bench/changes.py --numbers 1000000 --seconds 20 --qps 20000

A routed national zone (tests/differential/gen_routed.py) is compiled with
enumctl and served by enumd (pinned to CPU 0) with the API on loopback.
dnsperf (CPU 1) sends NAPTR queries for existing numbers at a fixed rate for
the whole run, so a lost query means a change lost it. Then:
  1. batches: --batches POSTs of --batch-size route changes each (wall time per batch; the rate is
     given over all of them and over those after the first, which also pays for fresh memory);
  2. Knot follows: knotd (started here, as tests/integration/xfr do; CPU 1, --knot-cpu) is a
     secondary of enumd (NOTIFY, TSIG); once it has caught up, one batch of
     --follow changes over the API, then the time until Knot serves enumd's
     new serial, and whether it came by IXFR (enumd's log);
  3. single requests: wrk (CPU 1, --connections keep-alive connections) PUTs a
     random existing number to another route for --seconds; requests/s and
     wrk's latency percentiles (request to durable reply);
  4. change-to-visible: --probes sequential PUTs, each followed by NAPTR
     queries until the new route answers; p50/p99 from sending the PUT. Interleaved
     with them, the floor: a GET of a number and one query for it (the same round
     trips without a change): what the host's scheduling costs the instrument.
dnsperf is stopped, then, without query load, the anchor:
  5. RFC 2136: --updates single updates sent one after another by one nsupdate
     (TSIG hmac-sha256), each acknowledged after its durable commit — to enumd
     and to BIND 9 (named started here on loopback, scratch directory, the same
     zone as RFC 1035 text from `enumctl export`, `update-policy` for the key).
Prints a table with the commands' figures; exit status 1 when dnsperf lost
queries, a probe never saw its change, or a check failed. Needs dnsperf, wrk,
knotd and named (apt-get when missing). Traffic goes to 127.0.0.1 only;
processes are stopped by PID.
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
import threading
import time
import http.client
import urllib.request

import base64

import dns.message
import dns.query

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration", "lib"))
import run as bench  # noqa: E402  (parse_dnsperf, free_port, cpu_seconds)
from enumd_testlib.peers import Knot  # noqa: E402  (knotd as a secondary, as tests/integration/xfr start it)

ZONE = "1.6.e164.arpa."
TOKEN = "bench-token-0123456789abcdef"
UPD_SECRET = base64.b64encode(b"enumd-bench-update-secret-32byte").decode()
XFR_SECRET = base64.b64encode(b"enumd-bench-xfr-secret-32-bytes!").decode()


def log(msg):
    print("[changes %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def owner(number):
    return ".".join(reversed(number.lstrip("+"))) + ".e164.arpa."


def generate(n, workdir):
    top = subprocess.run([os.path.join(REPO, "tests", "differential", "gen_routed.py"), str(n),
                          os.path.join(workdir, "zone"), "--national", "61"],
                         capture_output=True, text=True, check=True).stdout.strip()
    numbers, routes = [], set()
    pat = re.compile(r'number: "(\+\d+)", route: (op\d+)(, rn)?')
    for dirpath, _, files in os.walk(os.path.join(workdir, "zone")):
        for name in files:
            with open(os.path.join(dirpath, name)) as f:
                for line in f:
                    m = pat.search(line)
                    if m:
                        routes.add(m.group(2))
                        if not m.group(3):
                            numbers.append(m.group(1))
    return top, numbers


def sip_routes(top):
    """Routes without {rn} (a change to them needs no routing number)."""
    with open(top) as f:
        text = f.read()
    return sorted(set(re.findall(r"^  (op\d+): \[?\{uri: \"sip:", text, re.M)))


class Api:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method, path, body):
        return self.call_raw(method, path, json.dumps(body))

    def call_raw(self, method, path, body):
        self.conn.request(method, path, body=body, headers={"Authorization": "Bearer " + TOKEN})
        r = self.conn.getresponse()
        return r.status, json.loads(r.read() or b"null")


def soa_serial(port):
    try:
        r = dns.query.udp(dns.message.make_query(ZONE, "SOA"), "127.0.0.1", port=port, timeout=0.5)
    except Exception:  # noqa: BLE001  (not up yet, or busy: the caller polls)
        return None
    for rrset in r.answer:
        if rrset.rdtype == 6:
            return rrset[0].serial
    return None


def nsupdate_rate(port, numbers, updates, tag):
    """`updates` single RFC 2136 updates (a NAPTR each for an existing number, TSIG) sent one after another by
    one nsupdate; (updates/s, exit status, stderr tail)."""
    script = [f"server 127.0.0.1 {port}", f"zone {ZONE}"]
    for i, number in enumerate(numbers[:updates]):
        script += [f'update add {owner(number)} 300 NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:{tag}{i}@upd.example!" .',
                   "send"]
    t = time.monotonic()
    p = subprocess.run(["nsupdate", "-y", f"hmac-sha256:upd.:{UPD_SECRET}"], input="\n".join(script) + "\n",
                       capture_output=True, text=True, timeout=600)
    return updates / (time.monotonic() - t), p.returncode, p.stderr.strip()[-200:]


def start_named(workdir, zone_text, port):
    """BIND 9 as the anchor: the same zone as RFC 1035 text, updates allowed for the key upd. (pinned to CPU 0
    like enumd)."""
    d = os.path.join(workdir, "named")
    os.makedirs(d, exist_ok=True)
    shutil.copy(zone_text, os.path.join(d, "zone.db"))
    conf = os.path.join(d, "named.conf")
    with open(conf, "w") as f:
        f.write(f"""options {{
    directory "{d}";
    pid-file "{d}/named.pid";
    session-keyfile "{d}/session.key";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify no;
}};
controls {{ }};
key "upd." {{ algorithm hmac-sha256; secret "{UPD_SECRET}"; }};
zone "{ZONE}" {{
    type primary;
    file "{d}/zone.db";
    update-policy {{ grant upd. zonesub ANY; }};
}};
""")
    log_path = os.path.join(d, "named.log")
    proc = subprocess.Popen(["taskset", "-c", "0", "/usr/sbin/named", "-g", "-c", conf, "-n", "1"],
                            stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    return proc, log_path


LIVE_PARTS = ("change", "edit", "commit", "sync", "query")


def live_histograms(stats_port):
    """enumd's writer histograms from /metrics: {part: {upper bound in s: cumulative count}}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{stats_port}/metrics", timeout=10) as r:
        text = r.read().decode()
    out = {part: {} for part in LIVE_PARTS}
    for m in re.finditer(r'^enumd_live_(\w+)_seconds_bucket\{le="([^"]+)"\} (\d+)$', text, re.M):
        if m.group(1) in out:
            out[m.group(1)][float(m.group(2))] = int(m.group(3))
    # Each query's time in enumd from its receipt to its answer (not its wait in the socket's queue).
    for m in re.finditer(r'^enumd_query_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$', text, re.M):
        out["query"][float(m.group(1))] = int(m.group(2))
    return out


def live_times(before, after):
    """What the writer did between two snapshots, per part: count, p50/p99 bucket bounds and the slowest bucket, ms
    (a bucket's upper bound: the figures are powers of two)."""
    parts = []
    for part in LIVE_PARTS:
        bounds = sorted(after[part])
        counts = [after[part][b] - before[part].get(b, 0) for b in bounds]
        n = counts[-1] if counts else 0
        if n == 0:
            continue

        def bound(q):
            return next(b for b, c in zip(bounds, counts) if c >= q * n) * 1000

        slowest = next(b for b, c in zip(bounds, counts) if c == n) * 1000
        parts.append(f"{part} {n}x p50 <={bound(0.5):g} p99 <={bound(0.99):g} max <={slowest:g}")
    return "; ".join(parts) + " (ms)"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--numbers", type=int, default=100000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--qps", type=int, default=20000, help="dnsperf's fixed query rate")
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=10000)
    ap.add_argument("--batch-streams", type=int, default=1,
                    help="connections posting batches at once (each waits for its reply before the next)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--probes", type=int, default=200)
    ap.add_argument("--follow", type=int, default=10000, help="changes Knot must follow by IXFR (one batch)")
    ap.add_argument("--updates", type=int, default=500, help="single RFC 2136 updates, to enumd and to BIND")
    ap.add_argument("--prober-nice", type=int, default=-10,
                    help="nice value of the change-to-visible prober while it probes (0: unchanged)")
    ap.add_argument("--no-knot", action="store_true")
    ap.add_argument("--knot-cpu", default="1",
                    help="CPUs of the Knot secondary (taskset list; '' leaves it unpinned): by default beside the "
                         "load generators, so that enumd has CPU 0 to itself as in every other benchmark")
    ap.add_argument("--no-bind", action="store_true")
    ap.add_argument("--workdir", default="/tmp/enumd-bench-changes")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(REPO, "build")))
    args = ap.parse_args()
    for tool, package in (("dnsperf", "dnsperf"), ("wrk", "wrk"), ("nsupdate", "bind9-dnsutils")):
        if shutil.which(tool) is None:
            subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True)
    enumd = os.path.join(args.build_dir, "bin", "enumd")
    enumctl = os.path.join(args.build_dir, "bin", "enumctl")
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    log(f"generating {args.numbers} routed numbers")
    top, numbers = generate(args.numbers, args.workdir)
    routes = sip_routes(top)
    db = os.path.join(args.workdir, "db")
    t0 = time.monotonic()
    subprocess.run([enumctl, "compile", "--db", db, top], check=True, capture_output=True)
    log(f"compiled in {time.monotonic() - t0:.1f} s; {len(numbers)} numbers without rn, {len(routes)} sip routes")

    zone_text = os.path.join(args.workdir, "zone.db")
    if not args.no_bind:  # the same zone for BIND, before any change
        subprocess.run([enumctl, "export", "--db", db, "--zone", ZONE, "-o", zone_text], check=True,
                       capture_output=True)
    port, api_port, stats_port = bench.free_port(15400), bench.free_port(15500), bench.free_port(15800)
    knot_port, named_port = bench.free_port(15600), bench.free_port(15700)
    secret = os.path.join(args.workdir, "token")
    with open(secret, "w") as f:
        f.write(TOKEN)
    os.chmod(secret, 0o600)
    cfg = os.path.join(args.workdir, "enumd.yaml")
    with open(cfg, "w") as f:
        f.write(f"listen: 127.0.0.1:{port}\nthreads: 1\ndatabase: {db}\n"
                f"keys: [{{name: upd., algorithm: hmac-sha256, secret: \"{UPD_SECRET}\"}},\n"
                f"       {{name: xfr., algorithm: hmac-sha256, secret: \"{XFR_SECRET}\"}}]\n"
                f"zones:\n  - file: {top}\n    update: {{allow: [127.0.0.1], keys: [upd.]}}\n"
                f"    transfer: {{allow: [127.0.0.1], keys: [xfr.]}}\n"
                + ("" if args.no_knot else f"    notify: [\"127.0.0.1:{knot_port}\"]\n") +
                f"api: {{listen: 127.0.0.1:{api_port}, tokens: [{{name: bench, secret_file: {secret}, zones: [{ZONE}]}}]}}\n")
    queries = os.path.join(args.workdir, "queries.txt")
    rng = random.Random(5)
    with open(queries, "w") as f:
        for number in rng.sample(numbers, min(len(numbers), 100000)):
            f.write(owner(number) + " NAPTR\n")
    server = subprocess.Popen(["taskset", "-c", "0", enumd, "--config", cfg, "--stats-listen",
                               f"127.0.0.1:{stats_port}"], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(args.workdir, "enumd.log"), "w"))
    failed = False
    knot = named = None
    figures = {}
    try:
        for _ in range(600):
            if bench.udp_query(port, ZONE, "SOA") is not None:
                break
            time.sleep(0.1)
        if not args.no_knot:  # the secondary takes its first AXFR before the load starts
            knot = Knot(args.workdir, secondary_zones=[ZONE], key_secret=XFR_SECRET, primary_port=port,
                        port=knot_port, journal=True, timeout=60)
            if args.knot_cpu:  # every thread of it (-a), started unpinned by the test library
                subprocess.run(["taskset", "-a", "-p", "-c", args.knot_cpu, str(knot.proc.pid)], check=True,
                               stdout=subprocess.DEVNULL)
            t = time.monotonic()
            while soa_serial(knot_port) != soa_serial(port) and time.monotonic() - t < 600:
                time.sleep(0.5)
            log(f"knot: first AXFR of the zone in {time.monotonic() - t:.1f} s (serial {soa_serial(knot_port)})")
        total = args.seconds * 2 + 120 + args.batches * 5
        perf = subprocess.Popen(["taskset", "-c", "1", "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries,
                                 "-l", str(total), "-Q", str(args.qps), "-t", "2", "-c", "4"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        cpu0 = bench.cpu_seconds([server.pid])
        api = Api(api_port)
        path = f"/v1/zones/{ZONE}/"

        # Where the writer's time goes in each phase (enumd's /metrics histograms, diffed around the phase).
        phase_start = live_histograms(stats_port)

        def phase_times(name):
            nonlocal phase_start
            now = live_histograms(stats_port)
            log(f"writer (and queries) during {name}: {live_times(phase_start, now)}")
            phase_start = now

        # 1. batches: --batch-streams connections, each POSTing its share one after another (a provisioning
        # system with several requests in flight: the writer commits what is queued together). The bodies are
        # encoded before the clock starts: the figure is enumd's, not Python's JSON encoder's.
        bodies = []
        for b in range(args.batches):
            changes = [{"action": "set", "number": n, "route": rng.choice(routes)}
                       for n in rng.sample(numbers, min(args.batch_size, len(numbers)))]
            bodies.append(json.dumps({"changes": changes}))
        times = []
        statuses = []

        def stream(mine):
            conn = Api(api_port)
            for body in mine:
                t = time.monotonic()
                status, doc = conn.call_raw("POST", path + "changes", body)
                times.append(time.monotonic() - t)
                statuses.append((status, str(doc)[:300]))

        threads = [threading.Thread(target=stream, args=(bodies[i::args.batch_streams],))
                   for i in range(args.batch_streams)]
        t_all = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.monotonic() - t_all
        for status, doc in statuses:
            if status != 200:
                log(f"batch: {status} {doc}")
                failed = True
        batch_rate = args.batch_size * len(times) / wall
        # The first batch after enumd's start also pays for fresh memory (LMDB's page buffers, the
        # writer's heap: page faults, about 2x a later batch): the steady rate is over the others,
        # each of them timed from request to durable reply (one connection: nothing overlaps).
        later = times[1:] if args.batch_streams == 1 and len(times) > 1 else times
        steady_rate = args.batch_size * len(later) / sum(later)
        figures["batch"] = (batch_rate, statistics.median(times), steady_rate, times[0])
        log(f"batches: {args.batches} x {args.batch_size} over {args.batch_streams} connection(s): median "
            f"{statistics.median(times) * 1000:.0f} ms per batch, {batch_rate:,.0f} changes/s over all, "
            f"{steady_rate:,.0f}/s after the first; each, ms: {' '.join('%.0f' % (x * 1000) for x in times)}")

        phase_times("the batches")
        # 2. Knot follows one batch of --follow changes by IXFR (first caught up with the batches above).
        if knot is not None:
            changes = [{"action": "set", "number": n, "route": rng.choice(routes)}
                       for n in rng.sample(numbers, min(args.follow, len(numbers)))]
            t = time.monotonic()
            while soa_serial(knot_port) != soa_serial(port) and time.monotonic() - t < 300:
                time.sleep(0.2)
            before = soa_serial(port)
            t = time.monotonic()
            status, doc = api.call("POST", path + "changes", {"changes": changes})
            acked = time.monotonic() - t
            want = soa_serial(port)
            while soa_serial(knot_port) != want and time.monotonic() - t < 300:
                time.sleep(0.01)
            followed = time.monotonic() - t
            got = soa_serial(knot_port)
            with open(os.path.join(args.workdir, "enumd.log")) as f:  # enumd logs each transfer it sends
                ixfr = re.search(r'event="IXFR out" from="\d+" serial="%d"' % want, f.read()) is not None
            log(f"knot followed {len(changes)} changes: API ack {acked * 1000:.0f} ms, Knot serves serial {got} "
                f"(enumd {want}) {followed:.2f} s after the request, by {'IXFR' if ixfr else 'AXFR or not at all'}")
            figures["knot"] = (len(changes), acked, followed, ixfr, got == want)
            failed = failed or got != want or not ixfr or status != 200
        # 3. single requests with wrk
        phase_start = live_histograms(stats_port)
        lua = os.path.join(args.workdir, "put.lua")
        sample = rng.sample(numbers, min(20000, len(numbers)))
        with open(lua, "w") as f:
            f.write("local numbers = {" + ",".join('"%s"' % n for n in sample) + "}\n")
            f.write("local routes = {" + ",".join('"%s"' % r for r in routes) + "}\n")
            f.write('wrk.method = "PUT"\nwrk.headers["Authorization"] = "Bearer %s"\n' % TOKEN)
            f.write("request = function()\n  local n = numbers[math.random(#numbers)]\n"
                    "  local body = '{\"route\": \"' .. routes[math.random(#routes)] .. '\"}'\n"
                    f"  return wrk.format(nil, \"{path}numbers/\" .. n, nil, body)\nend\n")
        w = subprocess.run(["taskset", "-c", "1", "wrk", "-t", "1", "-c", str(args.connections), "-d",
                            f"{args.seconds}s", "--latency", "-s", lua, f"http://127.0.0.1:{api_port}"],
                           capture_output=True, text=True, timeout=args.seconds + 60)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", w.stdout).group(1))
        lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", w.stdout, re.M))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", w.stdout)
        log(f"single PUTs (wrk, {args.connections} connections): {rps:,.0f} changes/s, p50 {lat.get('50')} "
            f"p99 {lat.get('99')}, non-2xx {non2xx.group(1) if non2xx else 0}")
        failed = failed or bool(non2xx)
        figures["single"] = (rps, lat.get("50"), lat.get("99"), non2xx.group(1) if non2xx else "0")

        phase_times("the single PUTs")
        # 4. change-to-visible. The answer's arrival is also read from the kernel's receive timestamp of the
        # prober's socket (SO_TIMESTAMPNS): the prober is a Python process sharing two CPUs with dnsperf, Knot and
        # enumd, and its own wake-up after the answer arrived is not enumd's latency. Both are reported.
        visible, at_socket, missed, acks = [], [], 0, []
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        probe.settimeout(1)
        probe.connect(("127.0.0.1", port))
        # The prober is the instrument, not the system measured: on two CPUs saturated by dnsperf, Knot and enumd it
        # waited up to ~16 ms to be scheduled after an answer had arrived. --prober-nice (as root) lets it run first;
        # enumd keeps its own priority. Linux: nice applies to this thread; restored after the probes.
        niced = False
        if args.prober_nice:
            try:
                os.setpriority(os.PRIO_PROCESS, 0, args.prober_nice)
                niced = True
            except OSError as e:
                log(f"prober keeps its priority: {e}")
        floor = []
        for i in range(args.probes):
            number = rng.choice(numbers)
            # The floor, interleaved with the probes so that both see the same minutes of the host: the same two
            # round trips (the API, then one NAPTR query) without a change — a GET of the number, which the
            # HTTP thread answers from a snapshot without the writer. What a probe takes above it is the write.
            t = time.monotonic()
            status, _ = api.call_raw("GET", path + "numbers/" + number, None)
            probe.send(dns.message.make_query(owner(number), "NAPTR").to_wire())
            recv_stamped(probe)
            if status == 200:
                floor.append(time.monotonic() - t)
            route = routes[i % len(routes)]
            host = route + ".example"
            t = time.monotonic()
            t_wall = time.clock_gettime(time.CLOCK_REALTIME)  # the clock of the kernel's timestamps
            status, _ = api.call("PUT", path + "numbers/" + number, {"route": route})
            acked = time.monotonic() - t
            seen = False
            for asked in range(1, 101):
                sent = time.monotonic()
                probe.send(dns.message.make_query(owner(number), "NAPTR").to_wire())
                data, arrived = recv_stamped(probe)
                r = dns.message.from_wire(data)
                if any(host in rd.to_text() for rrset in r.answer for rd in rrset):
                    seen = True
                    break
            if seen:
                visible.append(time.monotonic() - t)
                at_socket.append(arrived - t_wall if arrived is not None else visible[-1])
                acks.append((visible[-1], acked, asked, time.monotonic() - sent, at_socket[-1]))
            else:
                missed += 1
        probe.close()
        if niced:
            os.setpriority(os.PRIO_PROCESS, 0, 0)
        # The slowest probes with their PUT's acknowledgement, the queries it took (1: the first query after the
        # acknowledgement saw the change), the last query's round trip and when the answer reached the socket:
        # a slow commit, a slow query, or a slow prober?
        worst = ", ".join(f"{v * 1000:.1f} (ack {a * 1000:.1f}, {n} quer{'y' if n == 1 else 'ies'}, last {q * 1000:.1f}, "
                          f"at the socket {k * 1000:.1f})" for v, a, n, q, k in sorted(acks, reverse=True)[:3])
        log(f"probes whose first query after the acknowledgement did not see the change: "
            f"{sum(1 for _, _, n, _, _ in acks if n > 1)}")
        log(f"change-to-visible over {args.probes} probes: p50 {percentile(visible, 50) * 1000:.2f} ms, "
            f"p99 {percentile(visible, 99) * 1000:.2f} ms as the prober saw it; p50 "
            f"{percentile(at_socket, 50) * 1000:.2f} ms, p99 {percentile(at_socket, 99) * 1000:.2f} ms to the answer's "
            f"arrival at its socket; never seen {missed}; slowest, ms: {worst}")
        log(f"the floor, {len(floor)} GETs of a number each followed by one query for it (no change), interleaved "
            f"with the probes: p50 {percentile(floor, 50) * 1000:.2f} ms, p99 {percentile(floor, 99) * 1000:.2f} ms, "
            f"max {max(floor) * 1000:.2f} ms")
        failed = failed or missed > 0 or len(floor) != args.probes
        figures["visible"] = (percentile(visible, 50) * 1000, percentile(visible, 99) * 1000, missed,
                              percentile(at_socket, 50) * 1000, percentile(at_socket, 99) * 1000,
                              percentile(floor, 50) * 1000, percentile(floor, 99) * 1000)

        phase_times("the probes")
        cpu1 = bench.cpu_seconds([server.pid])
        perf.send_signal(signal.SIGINT)  # dnsperf stops and prints its statistics
        out = perf.communicate(timeout=60)[0]
        r = bench.parse_dnsperf(out)
        log(f"dnsperf during the run: sent {r['sent']}, completed {r['completed']}, lost {r['lost']}, "
            f"rcodes {r['rcodes']}; enumd CPU {cpu1 - cpu0:.1f} s")
        failed = failed or r["lost"] > 0
        figures["dnsperf"] = (r["sent"], r["completed"], r["lost"], r["rcodes"])

        # 5. RFC 2136 single updates, enumd then BIND, no query load.
        rate, rc, err = nsupdate_rate(port, rng.sample(numbers, args.updates), args.updates, "enumd")
        log(f"nsupdate to enumd: {args.updates} single updates, {rate:,.0f} updates/s (exit {rc} {err})")
        figures["rfc2136_enumd"] = (rate, rc)
        failed = failed or rc != 0
        if not args.no_bind:
            named, named_log = start_named(args.workdir, zone_text, named_port)
            t = time.monotonic()
            while soa_serial(named_port) is None and time.monotonic() - t < 600 and named.poll() is None:
                time.sleep(0.5)
            log(f"named: zone loaded in {time.monotonic() - t:.1f} s")
            rate, rc, err = nsupdate_rate(named_port, rng.sample(numbers, args.updates), args.updates, "bind")
            log(f"nsupdate to BIND: {args.updates} single updates, {rate:,.0f} updates/s (exit {rc} {err})")
            figures["rfc2136_bind"] = (rate, rc)
        print_table(args, figures)
    finally:
        for p in (named, server):
            if p is not None and p.poll() is None:
                p.terminate()
                p.wait(timeout=60)
        if knot is not None:
            knot.stop()
    return 1 if failed else 0


SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; Python's socket module may not name it


def recv_stamped(sock):
    """One datagram and the kernel's receive time of it (CLOCK_REALTIME seconds; None if not given)."""
    data, ancillary, _, _ = sock.recvmsg(65535, 1024)
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
            sec, nsec = struct.unpack("qq", value[:16])
            return data, sec + nsec / 1e9
    return data, None


def print_table(args, f):
    """The run's figures side by side (tools/bench/README.md "Live changes")."""
    print(f"\n| what ({args.numbers:,} numbers, dnsperf {args.qps:,} qps during 1-4) | figure | target |")
    print("|---|---|---|")
    if "batch" in f:
        rate, median, steady, first = f["batch"]
        print(f"| enumd, API batches of {args.batch_size:,} ({args.batch_streams} connection"
              f"{'s' if args.batch_streams > 1 else ''}) | {steady:,.0f} changes/s after the first batch; "
              f"{rate:,.0f}/s with it ({first * 1000:.0f} ms, the first after start); median "
              f"{median * 1000:.0f} ms per batch | ≥ 50,000/s |")
    if "single" in f:
        rps, p50, p99, non2xx = f["single"]
        print(f"| enumd, single API PUTs ({args.connections} connections) | {rps:,.0f} changes/s "
              f"(p50 {p50}, p99 {p99}, non-2xx {non2xx}) | ≥ 5,000/s |")
    if "visible" in f:
        p50, p99, missed, k50, k99, f50, f99 = f["visible"]
        print(f"| enumd, change-to-visible ({args.probes} probes): PUT sent → answer read by the prober; → answer "
              f"at its socket (kernel timestamp) | p50 {p50:.2f} ms, p99 {p99:.2f} ms; p50 {k50:.2f} ms, "
              f"p99 {k99:.2f} ms; never seen {missed} | p99 ≤ 10 ms |")
        print(f"| … the floor: a GET of the number and one query, no change, interleaved with the probes | p50 "
              f"{f50:.2f} ms, p99 {f99:.2f} ms | |")
    if "knot" in f:
        n, acked, followed, ixfr, same = f["knot"]
        print(f"| Knot secondary follows {n:,} changes | {followed:.2f} s from the request "
              f"(ack {acked * 1000:.0f} ms), {'IXFR' if ixfr else 'not by IXFR'}{'' if same else ', NOT caught up'} | |")
    if "dnsperf" in f:
        sent, completed, lost, rcodes = f["dnsperf"]
        print(f"| dnsperf during 1-4 | {sent:,} sent, {completed:,} answered, {lost} lost, {rcodes} | 0 lost |")
    if "rfc2136_enumd" in f:
        print(f"| RFC 2136, nsupdate one after another → enumd | {f['rfc2136_enumd'][0]:,.0f} updates/s | |")
    if "rfc2136_bind" in f:
        print(f"| RFC 2136, nsupdate one after another → BIND 9 | {f['rfc2136_bind'][0]:,.0f} updates/s | anchor |")


if __name__ == "__main__":
    sys.exit(main())
