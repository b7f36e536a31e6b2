#!/usr/bin/python3
"""Live number changes under query load (issue 11): how many changes per
second the provisioning API takes, and how soon a change answers.

  tools/bench/changes.py                         # 100,000 numbers, 10 s per phase
  tools/bench/changes.py --numbers 1000000 --seconds 20 --qps 20000

A routed national zone (tests/differential/gen_routed.py) is compiled with
enumctl and served by enumd (pinned to CPU 0) with the API on loopback.
dnsperf (CPU 1) sends NAPTR queries for existing numbers at a fixed rate for
the whole run, so a lost query means a change lost it. Then:
  1. batches: --batches POSTs of --batch-size route changes each (wall time per batch);
  2. single requests: wrk (CPU 1, --connections keep-alive connections) PUTs a
     random existing number to another route for --seconds; requests/s and
     wrk's latency percentiles (request to durable reply);
  3. change-to-visible: --probes sequential PUTs, each followed by NAPTR
     queries until the new route answers; p50/p99 from sending the PUT.
Prints a table with the commands' figures; exit status 1 when dnsperf lost
queries or a probe never saw its change. Needs dnsperf and wrk (apt-get
when missing). Traffic goes to 127.0.0.1 only; processes are stopped by PID.
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
import subprocess
import sys
import time
import http.client

import dns.message
import dns.query

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import run as bench  # noqa: E402  (parse_dnsperf, free_port, cpu_seconds)

ZONE = "1.6.e164.arpa."
TOKEN = "bench-token-0123456789abcdef"


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
        self.conn.request(method, path, body=json.dumps(body), headers={"Authorization": "Bearer " + TOKEN})
        r = self.conn.getresponse()
        return r.status, json.loads(r.read() or b"null")


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
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--probes", type=int, default=200)
    ap.add_argument("--workdir", default="/tmp/enumd-bench-changes")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(REPO, "build")))
    args = ap.parse_args()
    for tool, package in (("dnsperf", "dnsperf"), ("wrk", "wrk")):
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

    port, api_port = bench.free_port(15400), bench.free_port(15500)
    secret = os.path.join(args.workdir, "token")
    with open(secret, "w") as f:
        f.write(TOKEN)
    os.chmod(secret, 0o600)
    cfg = os.path.join(args.workdir, "enumd.yaml")
    with open(cfg, "w") as f:
        f.write(f"listen: 127.0.0.1:{port}\nthreads: 1\ndatabase: {db}\nzones: [{top}]\n"
                f"api: {{listen: 127.0.0.1:{api_port}, tokens: [{{name: bench, secret_file: {secret}, zones: [{ZONE}]}}]}}\n")
    queries = os.path.join(args.workdir, "queries.txt")
    rng = random.Random(5)
    with open(queries, "w") as f:
        for number in rng.sample(numbers, min(len(numbers), 100000)):
            f.write(owner(number) + " NAPTR\n")
    server = subprocess.Popen(["taskset", "-c", "0", enumd, "--config", cfg], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(args.workdir, "enumd.log"), "w"))
    failed = False
    try:
        for _ in range(600):
            if bench.udp_query(port, ZONE, "SOA") is not None:
                break
            time.sleep(0.1)
        total = args.seconds * 2 + 60 + args.batches * 5
        perf = subprocess.Popen(["taskset", "-c", "1", "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries,
                                 "-l", str(total), "-Q", str(args.qps), "-t", "2", "-c", "4"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        cpu0 = bench.cpu_seconds([server.pid])
        api = Api(api_port)
        path = f"/v1/zones/{ZONE}/"

        # 1. batches
        times = []
        for b in range(args.batches):
            changes = [{"action": "set", "number": n, "route": rng.choice(routes)}
                       for n in rng.sample(numbers, min(args.batch_size, len(numbers)))]
            t = time.monotonic()
            status, doc = api.call("POST", path + "changes", {"changes": changes})
            times.append(time.monotonic() - t)
            if status != 200:
                log(f"batch {b}: {status} {str(doc)[:300]}")
                failed = True
        batch_rate = args.batch_size * len(times) / sum(times)
        log(f"batches: {args.batches} x {args.batch_size}: median {statistics.median(times) * 1000:.0f} ms per batch, "
            f"{batch_rate:,.0f} changes/s")

        # 2. single requests with wrk
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

        # 3. change-to-visible
        visible, missed = [], 0
        for i in range(args.probes):
            number = rng.choice(numbers)
            route = routes[i % len(routes)]
            host = route + ".example"
            t = time.monotonic()
            status, _ = api.call("PUT", path + "numbers/" + number, {"route": route})
            seen = False
            for _ in range(100):
                r = dns.query.udp(dns.message.make_query(owner(number), "NAPTR"), "127.0.0.1", port=port, timeout=1)
                if any(host in rd.to_text() for rrset in r.answer for rd in rrset):
                    seen = True
                    break
            if seen:
                visible.append(time.monotonic() - t)
            else:
                missed += 1
        log(f"change-to-visible over {args.probes} probes: p50 {percentile(visible, 50) * 1000:.2f} ms, "
            f"p99 {percentile(visible, 99) * 1000:.2f} ms, never seen {missed}")
        failed = failed or missed > 0
        cpu1 = bench.cpu_seconds([server.pid])
        perf.send_signal(signal.SIGINT)  # dnsperf stops and prints its statistics
        out = perf.communicate(timeout=60)[0]
        r = bench.parse_dnsperf(out)
        log(f"dnsperf during the run: sent {r['sent']}, completed {r['completed']}, lost {r['lost']}, "
            f"rcodes {r['rcodes']}; enumd CPU {cpu1 - cpu0:.1f} s")
        failed = failed or r["lost"] > 0
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
