#!/usr/bin/python3
"""Soak (issue 12): enumd under everything at once for a long time — is
anything lost or wrong, does memory stay flat, does CPU per query drift?

  tools/bench/soak.py                                  # 1,000,000 numbers, 30 minutes
  tools/bench/soak.py --numbers 100000 --minutes 3     # a quick look

What runs, all on 127.0.0.1, every loop bounded by --minutes:
  - enumd (2 threads) serving a bulk zone (tools/bench/gen_bulk.py: route sets and a CSV of
    --numbers numbers under e164.arpa.), with the provisioning API, transfers and NOTIFY to a
    Knot secondary, and recursion for 127.0.0.0/8 forwarded to an upstream;
  - the upstream: a second enumd serving soak.test. with a wildcard A record (every random
    name exists, so every recursion miss is a real upstream exchange);
  - Knot DNS as a secondary of e164.arpa. (AXFR at start, IXFR after every change batch);
  - dnsperf at a steady --qps of ENUM queries (hits and misses of the zone), and a second
    dnsperf at --recursion-qps of random names under soak.test. (mostly cache misses);
  - a reload (SIGHUP) every --reload-every seconds;
  - live changes: --changes-per-s API PUTs of a random number to another route, each checked
    right after its acknowledgement (the next query must see it: a miss counts as wrong);
  - a prober asking for --probes numbers that never change and comparing every answer with
    the answer they had at the start (a difference or a timeout counts as wrong/lost).
Every minute: enumd's RSS and PSS, its CPU seconds and the queries it answered (from
/metrics), so CPU per query over time. At the end: dnsperf's sent/completed/lost, probe and
change results, Knot's serial against enumd's and a sample of changed numbers on Knot.
Writes soak.json into --workdir; exit status 1 when anything was lost or wrong, or RSS grew by
more than 10 % from minute 2 to the end. Needs dnsperf, knot (apt-get when missing) and
dnspython (/usr/bin/python3). Processes are stopped by PID.
"""
import argparse
import base64
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

import dns.message
import dns.query
import dns.rcode

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration", "lib"))
import run as bench  # noqa: E402  (free_port, cpu_seconds, memory_kib, parse_dnsperf)

ZONE = "e164.arpa."
UPSTREAM_ZONE = "soak.test."
TOKEN = "soak-token-0123456789abcdef0123"
SECRET = base64.b64encode(b"enumd-soak-transfer-secret-32by!").decode()


def log(msg):
    print("[soak %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def owner(number):
    return ".".join(reversed(number.lstrip("+"))) + "." + ZONE


def naptr_text(port, qname, timeout=1.0):
    """The sorted NAPTR rdata texts of qname (or 'RCODE' for a negative answer); None on timeout."""
    try:
        r = dns.query.udp(dns.message.make_query(qname, "NAPTR"), "127.0.0.1", port=port, timeout=timeout)
    except Exception:
        return None
    if r.rcode() != dns.rcode.NOERROR:
        return dns.rcode.to_text(r.rcode())
    return "|".join(sorted(rd.to_text() for rrset in r.answer for rd in rrset))


def soa_serial(port, zone):
    try:
        r = dns.query.udp(dns.message.make_query(zone, "SOA"), "127.0.0.1", port=port, timeout=1)
        return r.answer[0][0].serial if r.answer else None
    except Exception:
        return None


def metrics(port):
    """{name: summed value} of enumd's /metrics."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/metrics")
        text = c.getresponse().read().decode()
    except Exception:
        return {}
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+)(\{[^}]*\})? ([0-9.e+]+)$", line)
        if m:
            out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(3))
    return out


def proc_cpu(pid):
    """(own, reaped children's) CPU seconds of pid: enumd's reload compiles run in children."""
    return bench.cpu_seconds([pid]), bench.cpu_seconds([pid], children=True)


class Stop:
    def __init__(self, end):
        self.end = end
        self.event = threading.Event()

    def wait(self, seconds):
        """Sleeps up to `seconds`; True when the soak is over."""
        return self.event.wait(max(0.0, min(seconds, self.end - time.monotonic()))) or time.monotonic() >= self.end


def reloader(e, stop, every, out):
    while not stop.wait(every):
        os.kill(e.pid, signal.SIGHUP)
        out["reloads"] += 1


def changer(api_port, port, numbers, routes, rate, stop, out, changed):
    conn = http.client.HTTPConnection("127.0.0.1", api_port, timeout=60)
    rng = random.Random(21)
    interval = 1.0 / rate
    nxt = time.monotonic()
    while not stop.wait(nxt - time.monotonic()):
        nxt += interval
        number, route = rng.choice(numbers), rng.choice(routes)
        t = time.monotonic()
        try:
            conn.request("PUT", f"/v1/zones/{ZONE}/numbers/{number}", body=json.dumps({"route": route}),
                         headers={"Authorization": "Bearer " + TOKEN})
            r = conn.getresponse()
            r.read()
        except Exception as ex:
            out["change_errors"] += 1
            out.setdefault("change_error_samples", []).append(str(ex)[:200])
            conn = http.client.HTTPConnection("127.0.0.1", api_port, timeout=60)
            continue
        if r.status != 200:
            out["change_errors"] += 1
            continue
        got = naptr_text(port, owner(number))
        out["visible_ms"].append((time.monotonic() - t) * 1000)
        out["changes"] += 1
        if got is None or (".%s.example" % route) not in got:
            out["change_not_visible"] += 1
            if len(out.setdefault("change_wrong_samples", [])) < 20:
                out["change_wrong_samples"].append([number, route, got])
        changed[number] = got


def prober(port, probes, expected, stop, out):
    i = 0
    while not stop.wait(0.01):
        number = probes[i % len(probes)]
        i += 1
        got = naptr_text(port, owner(number))
        out["probes"] += 1
        if got is None:
            out["probe_timeouts"] += 1
        elif got != expected[number]:
            out["probe_wrong"] += 1
            if len(out.setdefault("probe_wrong_samples", [])) < 20:
                out["probe_wrong_samples"].append([number, expected[number], got])


def udp_drops(port):
    """Datagrams the kernel dropped (/proc/net/udp{,6} "drops": receive buffer full) on the UDP sockets
    bound to `port` (enumd's), and on every other UDP socket (dnsperf's replies, Knot, the upstream)."""
    ours = others = 0
    for path in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    drops = int(cols[-1])
                    if int(cols[1].rsplit(":", 1)[1], 16) == port:
                        ours += drops
                    else:
                        others += drops
        except OSError:
            pass
    return ours, others


def monitor(e, stats_port, stop, rows):
    """Every minute: memory of the serving process, its CPU (and its compile children's) per query, and
    the UDP datagrams the kernel dropped on enumd's sockets and on the others'."""
    t0 = time.monotonic()
    (last_cpu, last_child), m = proc_cpu(e.pid), metrics(stats_port)
    last_q = m.get("enumd_queries_total", 0) + m.get("enumd_recursion_queries_total", 0)
    while not stop.wait(60):
        cpu, child = proc_cpu(e.pid)
        m = metrics(stats_port)
        q = m.get("enumd_queries_total", 0) + m.get("enumd_recursion_queries_total", 0)
        pss, rss = bench.memory_kib([e.pid])
        row = {"minute": round((time.monotonic() - t0) / 60, 1), "rss_mb": rss / 1024, "pss_mb": pss / 1024,
               "cpu_s": cpu - last_cpu, "compile_cpu_s": child - last_child, "queries": q - last_q,
               "cpu_us_per_q": (cpu - last_cpu) * 1e6 / (q - last_q) if q > last_q else None,
               "cache_bytes": m.get("enumd_recursion_cache_bytes"), "reloads": m.get("enumd_reloads_total")}
        row["udp_drops_enumd"], row["udp_drops_others"] = udp_drops(e.port)
        rows.append(row)
        log("minute %4.1f: RSS %.1f MB, PSS %.1f MB, %.0f queries (%.0f/s), serving CPU %.1f s = %s us/query, "
            "compile CPU %.1f s, recursion cache %s B, UDP drops so far enumd %d others %d"
            % (row["minute"], row["rss_mb"], row["pss_mb"], row["queries"], row["queries"] / 60, row["cpu_s"],
               "%.2f" % row["cpu_us_per_q"] if row["cpu_us_per_q"] else "-", row["compile_cpu_s"],
               row["cache_bytes"], row["udp_drops_enumd"], row["udp_drops_others"]))
        last_cpu, last_child, last_q = cpu, child, q


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--numbers", type=int, default=1000000)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--qps", type=int, default=30000, help="dnsperf's steady ENUM query rate")
    ap.add_argument("--recursion-qps", type=int, default=2000)
    ap.add_argument("--changes-per-s", type=float, default=20)
    ap.add_argument("--reload-every", type=float, default=10)
    ap.add_argument("--probes", type=int, default=500)
    ap.add_argument("--workdir", default="/tmp/enumd-soak")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(REPO, "build")))
    args = ap.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    os.environ["BUILD_DIR"] = args.build_dir  # enumd_testlib starts this build's binaries
    from enumd_testlib import Enumd, Knot  # noqa: E402  (after BUILD_DIR is set)

    for tool, package in (("dnsperf", "dnsperf"), ("knotd", "knot")):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True)
    enumctl = os.path.join(args.build_dir, "bin", "enumctl")
    os.makedirs(args.workdir, exist_ok=True)
    data = os.path.join(args.workdir, "data-%d" % args.numbers)
    if not os.path.exists(os.path.join(data, "hit.txt")):
        log(f"generating {args.numbers} numbers")
        subprocess.run([os.path.join(HERE, "gen_bulk.py"), str(args.numbers), data], check=True,
                       stdout=subprocess.DEVNULL)
    top = os.path.join(data, "bulk.yaml")
    with open(top) as f:
        routes = re.findall(r"^  (op\d+): \[?\{uri: \"sip:", f.read(), re.M)
    with open(os.path.join(data, "numbers.csv")) as f:
        next(f)
        rows = [line.split(",") for line in f]
    plain = [r[0] for r in rows if not r[2].strip()]  # numbers without an rn: any SIP route fits them
    del rows
    rng = random.Random(5)
    probes = rng.sample(plain, args.probes)
    probe_set = set(probes)
    changeable = [n for n in rng.sample(plain, min(len(plain), 200000)) if n not in probe_set]

    run = os.path.join(args.workdir, "run")
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(run)
    db = os.path.join(run, "db")
    t0 = time.monotonic()
    subprocess.run([enumctl, "compile", "--db", db, top], check=True, capture_output=True)
    log(f"compiled {args.numbers} numbers in {time.monotonic() - t0:.1f} s")

    with open(os.path.join(run, "upstream.yaml"), "w") as f:
        f.write(f"origin: {UPSTREAM_ZONE}\nsoa: {{mname: ns.{UPSTREAM_ZONE}, rname: h.{UPSTREAM_ZONE}, serial: 1}}\n"
                f"ns: [ns.{UPSTREAM_ZONE}]\nrecords:\n  - {{name: '*', type: A, ttl: 300, data: 192.0.2.1}}\n"
                f"  - {{name: ns, type: A, data: 127.0.0.1}}\n")
    token = os.path.join(run, "token")
    with open(token, "w") as f:
        f.write(TOKEN)
    os.chmod(token, 0o600)
    recq = os.path.join(run, "recursion.txt")
    with open(recq, "w") as f:
        for i in range(500000):
            f.write("r%08x.%s A\n" % (rng.getrandbits(32), UPSTREAM_ZONE))
    enumq = os.path.join(run, "enum.txt")
    with open(enumq, "w") as out, open(os.path.join(data, "hit.txt")) as hit, open(os.path.join(data, "miss.txt")) as miss:
        for i, (h, m) in enumerate(zip(hit, miss)):
            out.write(h)
            if i % 9 == 0:
                out.write(m)  # about 10 % misses (NXDOMAIN)

    procs = []
    perf = []
    result = {"args": vars(args)}
    try:
        up = Enumd(["--zone", os.path.join(run, "upstream.yaml"), "--db", os.path.join(run, "updb")], threads=1,
                   workdir=os.path.join(run), name="upstream", timeout=60)
        procs.append(up)
        kport, api_port = bench.free_port(15600), bench.free_port(15700)

        def config(port, control):
            return f"""listen: ["127.0.0.1:{port}"]
threads: 2
database: {db}
control: {control}
keys: [{{name: xfr., algorithm: hmac-sha256, secret: "{SECRET}"}}]
api: {{listen: 127.0.0.1:{api_port}, tokens: [{{name: soak, secret_file: {token}, zones: [{ZONE}]}}]}}
recursion: {{enabled: true, allow: [127.0.0.0/8], forwarders: ["127.0.0.1:{up.port}"]}}
zones:
  - file: {top}
    transfer: {{allow: [127.0.0.1], keys: [xfr.]}}
    notify: ["127.0.0.1:{kport}"]
"""
        e = Enumd(config=config, stats=True, control=True, threads=None, workdir=run, timeout=600)
        procs.append(e)
        log(f"enumd up (port {e.port}, API {api_port}, metrics {e.stats_port}); upstream on {up.port}")
        expected = {n: naptr_text(e.port, owner(n)) for n in probes}
        bad = [n for n, v in expected.items() if v is None or "E2U" not in v]
        if bad:
            raise SystemExit(f"probe numbers without their NAPTRs at the start: {bad[:5]}")
        knot = Knot(run, secondary_zones=[ZONE], key_secret=SECRET, primary_port=e.port, port=kport, journal=True,
                    timeout=60)
        procs.append(knot)
        t = time.monotonic()
        while soa_serial(knot.port, ZONE) is None and time.monotonic() - t < 600:
            time.sleep(1)
        log(f"Knot serves serial {soa_serial(knot.port, ZONE)} after {time.monotonic() - t:.0f} s (AXFR)")

        seconds = int(args.minutes * 60)
        for name, queries, qps in (("enum", enumq, args.qps), ("recursion", recq, args.recursion_qps)):
            # -b 4096: 4 MiB socket buffers, so replies are not dropped while dnsperf waits for a core
            # (the default 208 KiB holds about 35 ms of replies at 20k qps).
            # To a file: dnsperf prints a line per timed-out query, and a pipe nobody reads until the
            # end fills up and stops dnsperf (the load would silently fall to nothing).
            out_path = os.path.join(run, "dnsperf-%s.txt" % name)
            perf.append((name, out_path, subprocess.Popen(
                ["dnsperf", "-s", "127.0.0.1", "-p", str(e.port), "-d", queries, "-l", str(seconds), "-Q", str(qps),
                 "-t", "2", "-c", "4", "-q", "500", "-b", "4096"], stdout=open(out_path, "w"), stderr=subprocess.STDOUT)))
        stop = Stop(time.monotonic() + seconds)
        out = {"reloads": 0, "changes": 0, "change_errors": 0, "change_not_visible": 0, "visible_ms": [],
               "probes": 0, "probe_wrong": 0, "probe_timeouts": 0}
        changed, rows = {}, []
        threads = [threading.Thread(target=reloader, args=(e, stop, args.reload_every, out)),
                   threading.Thread(target=changer, args=(api_port, e.port, changeable, routes, args.changes_per_s,
                                                          stop, out, changed)),
                   threading.Thread(target=prober, args=(e.port, probes, expected, stop, out)),
                   threading.Thread(target=monitor, args=(e, e.stats_port, stop, rows))]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=seconds + 300)
        for name, out_path, p in perf:
            p.wait(timeout=120)
            with open(out_path) as f:
                result["dnsperf_" + name] = bench.parse_dnsperf(f.read())
        result["udp_drops_enumd"], result["udp_drops_others"] = udp_drops(e.port)
        time.sleep(5)  # the last NOTIFY/IXFR
        es, ks = soa_serial(e.port, ZONE), soa_serial(knot.port, ZONE)
        sample = list(changed)[-200:]
        knot_diff = [n for n in sample if naptr_text(knot.port, owner(n)) != naptr_text(e.port, owner(n))]
        # a change outlives the reloads after it (the zone file never has it)
        reverted = [n for n in sample if naptr_text(e.port, owner(n)) != changed[n]]
        result.update({"changes_reverted": len(reverted), "changes_reverted_samples": reverted[:10]})
        result.update({"live": {k: v for k, v in out.items() if k != "visible_ms"}, "minutes": rows,
                       "enumd_serial": es, "knot_serial": ks, "knot_differs": len(knot_diff)})
        vis = sorted(out["visible_ms"])
        if vis:
            result["live"]["visible_ms_p50"] = vis[len(vis) // 2]
            result["live"]["visible_ms_p99"] = vis[min(len(vis) - 1, len(vis) * 99 // 100)]
    finally:
        for _, _, p in perf:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        for p in reversed(procs):
            p.stop()
    with open(os.path.join(args.workdir, "soak.json"), "w") as f:
        json.dump(result, f, indent=1)

    failed = False
    for name in ("enum", "recursion"):
        r = result.get("dnsperf_" + name, {})
        log(f"dnsperf {name}: sent {r.get('sent')}, completed {r.get('completed')}, lost {r.get('lost')}, "
            f"{r.get('qps', 0):.0f} qps, rcodes {r.get('rcodes')}")
        failed |= name == "enum" and r.get("lost", 1) > 0
    live = result.get("live", {})
    log(f"reloads {live.get('reloads')}; changes {live.get('changes')} (errors {live.get('change_errors')}, "
        f"not visible at once {live.get('change_not_visible')}, change-to-visible p50 "
        f"{live.get('visible_ms_p50', 0):.1f} ms p99 {live.get('visible_ms_p99', 0):.1f} ms)")
    log(f"UDP datagrams dropped by the kernel: on enumd's sockets {result.get('udp_drops_enumd')}, "
        f"on the others (dnsperf, Knot, upstream) {result.get('udp_drops_others')}")
    log(f"probes {live.get('probes')}: wrong {live.get('probe_wrong')}, timeouts {live.get('probe_timeouts')}")
    log(f"serial enumd {result.get('enumd_serial')}, Knot {result.get('knot_serial')}; "
        f"{result.get('knot_differs')} of the last 200 changed numbers differ on Knot, "
        f"{result.get('changes_reverted')} no longer answer as changed")
    failed |= bool(live.get("change_errors") or live.get("change_not_visible") or live.get("probe_wrong") or
                   live.get("probe_timeouts") or result.get("knot_differs") or result.get("changes_reverted"))
    rows = result.get("minutes", [])
    if len(rows) >= 3:
        growth = rows[-1]["rss_mb"] / rows[1]["rss_mb"] - 1
        cpus = [r["cpu_us_per_q"] for r in rows if r["cpu_us_per_q"]]
        log(f"RSS minute {rows[1]['minute']}: {rows[1]['rss_mb']:.1f} MB -> end {rows[-1]['rss_mb']:.1f} MB "
            f"({growth * 100:+.1f} %); CPU us/query first/median/last "
            f"{cpus[0]:.2f}/{statistics.median(cpus):.2f}/{cpus[-1]:.2f}")
        failed |= growth > 0.10
    log("FAILED" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
