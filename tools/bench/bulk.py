#!/usr/bin/python3
"""Carrier scale (issue 10): N routed numbers from CSV, compiled and served, at several N, beside Knot.

    tools/bench/bulk.py                         # 1M and 10M numbers, Knot at both
    tools/bench/bulk.py --sizes 1000000,10000000,100000000 --knot-max 10000000
    tools/bench/bulk.py --sizes 100000 --rounds 2 --seconds 3     # a quick look

Per size N (data from gen_bulk.py, cached in --workdir per size):
  1. `enumctl compile` of bulk.yaml (its numbers.csv): wall and CPU seconds, peak RSS (wait4), numbers per
     CPU second; database bytes per number (`mdb_stat -e`: pages in use × page size, B-tree included);
  2. enumd --db on it: seconds to the first answer; Knot (N ≤ --knot-max) on `enumctl export` of the same
     database: seconds to the first answer (its load);
  3. with every size's servers running at once, dnsperf rounds interleaved size by size, server by server
     and query set by set (hit.txt: numbers in the CSV, miss.txt: numbers not in it), each server pinned to
     CPU 0 with one worker, dnsperf to CPU 1, bounded by --seconds and ten passes over the 100,000 queries:
     CPU µs per answered query (utime+stime of the server's process tree), medians over --rounds, after
     --warmup unmeasured rounds (page cache warm); the growth with N as the median of each round's ratio
     to the smallest size (the same minutes of the host for both); PSS after the rounds.
Writes results.json and bulk.md (the table) into --out (default tools/bench/results/), and the plot
with plot_bulk.py. Loopback only; servers stopped by PID. A benchmark, not a test.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  server classes, dnsperf, /proc readers

HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, file=sys.stderr, flush=True)


def timed(cmd, **kw):
    """Runs cmd; (returncode, wall s, user+sys s, peak RSS MiB) of the child."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, **kw)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, time.monotonic() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def db_bytes(db):
    out = subprocess.run(["mdb_stat", "-e", db], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Number of pages used:\s+(\d+)", out).group(1))
    psize = int(re.search(r"Page size:\s+(\d+)", out).group(1))
    return pages * psize


class EnumdDb(run.Enumd):
    pass


def measure(server, queries, args):
    pids = server.refresh_pids()
    c0 = run.cpu_seconds(pids)
    cmd = ["taskset", "-c", "1", "dnsperf", "-s", "127.0.0.1", "-p", str(server.port), "-d", queries,
           "-l", str(args.seconds), "-n", "10", "-c", "4", "-q", "100", "-t", "2"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 60)
    c1 = run.cpu_seconds(pids)
    r = run.parse_dnsperf(p.stdout)
    r["cpu_us_per_q"] = (c1 - c0) * 1e6 / r["completed"] if r["completed"] else float("nan")
    return r


def prepare(n, args, enumctl, enumd_bin):
    """Compiles size n and starts its servers; (results, servers, data directory)."""
    data = os.path.join(args.workdir, "n%d" % n)
    if not os.path.exists(os.path.join(data, "hit.txt")):
        log("generating %d numbers" % n)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_bulk.py"), str(n), data], check=True,
                       stdout=subprocess.DEVNULL)
    db = os.path.join(args.workdir, "db%d" % n)
    shutil.rmtree(db, ignore_errors=True)
    log("compiling %d numbers" % n)
    rc, wall, cpu, rss = timed([enumctl, "compile", "--db", db, os.path.join(data, "bulk.yaml")],
                               stdout=subprocess.DEVNULL)
    if rc != 0:
        raise RuntimeError("enumctl compile failed at %d" % n)
    res = {"n": n, "compile_wall_s": wall, "compile_cpu_s": cpu, "compile_peak_rss_mib": rss,
           "numbers_per_cpu_s": n / cpu, "db_bytes": db_bytes(db)}
    res["db_bytes_per_number"] = res["db_bytes"] / n
    log("compile: %.1f s wall, %.1f s CPU, %.0f MiB peak, %.1f B/number" %
        (wall, cpu, rss, res["db_bytes_per_number"]))
    servers = []
    port = 20000 + (n % 1000)
    e = EnumdDb(args.workdir, [("e164.arpa.", None, None)], run.free_port(port))
    e.binary, e.db = enumd_bin, db
    servers.append(e)
    if n <= args.knot_max:
        zone = os.path.join(args.workdir, "knot%d.zone" % n)
        if not os.path.exists(zone):
            log("exporting %d numbers for Knot" % n)
            # Without the '; +61 ...' comments, which Knot skips anyway: libphonenumber's look-up per number
            # made the export 77 s per million numbers (zones/README.md "Numbers in import and export").
            subprocess.run([enumctl, "export", "--db", db, "--zone", "e164.arpa.", "--no-number-comments", "-o", zone],
                           check=True)
        servers.append(run.Knot(args.workdir, [("e164.arpa.", zone, None)], run.free_port(port + 100)))
    else:
        res["knot"] = "not run: N above --knot-max %d (its memory grows with the zone)" % args.knot_max
    try:
        for s in servers:
            t0 = s.start("0", 1)
            first = s.wait_first_answer(t0, args.start_limit)
            res["%s_first_answer_s" % s.name] = first
            log("%s: first answer after %s s" % (s.name, first))
            if first is None:
                raise RuntimeError("%s did not answer" % s.name)
    except BaseException:
        for s in servers:
            s.stop()
        raise
    return res, servers, data


def measure_all(prepared, args):
    """dnsperf rounds over every size's servers at once, interleaved: size by size, server by server, query set
    by query set within each round, so a host that slows down for minutes weighs on every size alike. The
    query cost's growth with N is the median over the rounds of each round's ratio to the smallest size."""
    # Unmeasured passes first: enumd's pages of the database are read from the file on first touch
    # (at 100M, 3.66 GB of map), Knot's were all read at its load. Without them the first rounds
    # measure page faults, not lookups (the 2026-12-04 100M "hit" figure: +24 % over 1M).
    for _ in range(args.warmup):
        for res, servers, data in prepared:
            for s in servers:
                for qs in ("hit", "miss"):
                    measure(s, os.path.join(data, qs + ".txt"), args)
    rounds = [{} for _ in prepared]
    for _ in range(args.rounds):
        for i, (res, servers, data) in enumerate(prepared):
            for s in servers:
                for qs in ("hit", "miss"):
                    r = measure(s, os.path.join(data, qs + ".txt"), args)
                    rounds[i].setdefault("%s_%s" % (s.name, qs), []).append(r)
    for (res, servers, data), rs_by_key in zip(prepared, rounds):
        for key, rs in rs_by_key.items():
            res[key + "_cpu_us_per_q"] = statistics.median(r["cpu_us_per_q"] for r in rs)
            res[key + "_rounds_cpu_us_per_q"] = [r["cpu_us_per_q"] for r in rs]
            res[key + "_qps"] = statistics.median(r["qps"] for r in rs)
            res[key + "_lost"] = sum(r["lost"] for r in rs)
            res[key + "_rcodes"] = rs[-1]["rcodes"]
            base = rounds[0].get(key)
            if base is not None:
                res[key + "_vs_smallest"] = statistics.median(
                    r["cpu_us_per_q"] / b["cpu_us_per_q"] for r, b in zip(rs, base))
        for s in servers:
            pss, _ = run.memory_kib(s.refresh_pids())
            res["%s_pss_mib" % s.name] = pss / 1024.0


def table(results):
    rows = [("numbers", lambda r: "{:,}".format(r["n"])),
            ("compile wall / CPU, s", lambda r: "%.1f / %.1f" % (r["compile_wall_s"], r["compile_cpu_s"])),
            ("numbers per CPU second", lambda r: "{:,.0f}".format(r["numbers_per_cpu_s"])),
            ("compile peak RSS, MiB", lambda r: "%.0f" % r["compile_peak_rss_mib"]),
            ("DB bytes / number", lambda r: "%.1f" % r["db_bytes_per_number"]),
            ("enumd first answer, s", lambda r: "%.2f" % r["enumd_first_answer_s"]),
            ("Knot first answer (load), s", lambda r: ("%.1f" % r["knot_first_answer_s"])
             if "knot_first_answer_s" in r else "—"),
            ("enumd CPU µs/query, hit / miss", lambda r: "%.2f / %.2f" % (r["enumd_hit_cpu_us_per_q"],
                                                                           r["enumd_miss_cpu_us_per_q"])),
            ("enumd cost ÷ smallest N's, hit / miss", lambda r: "%.3f / %.3f" % (
                r["enumd_hit_vs_smallest"], r["enumd_miss_vs_smallest"])),
            ("Knot CPU µs/query, hit / miss", lambda r: ("%.2f / %.2f" % (r["knot_hit_cpu_us_per_q"],
                                                                           r["knot_miss_cpu_us_per_q"]))
             if "knot_hit_cpu_us_per_q" in r else "—"),
            ("enumd / Knot PSS, MiB", lambda r: "%.0f / %s" % (r["enumd_pss_mib"], ("%.0f" % r["knot_pss_mib"])
                                                              if "knot_pss_mib" in r else "—"))]
    out = "| | " + " | ".join("{:,}".format(r["n"]) for r in results) + " |\n"
    out += "|---" * (len(results) + 1) + "|\n"
    for name, f in rows[1:]:
        out += "| %s | %s |\n" % (name, " | ".join(f(r) for r in results))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--knot-max", type=int, default=10000000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured rounds before the measured ones")
    ap.add_argument("--start-limit", type=float, default=1800)
    ap.add_argument("--workdir", default="/tmp/enumd-bench-bulk")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(run.REPO, "build")))
    ap.add_argument("--keep", action="store_true", help="keep the databases")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    enumctl = os.path.join(os.path.abspath(args.build_dir), "bin", "enumctl")
    enumd_bin = os.path.join(os.path.abspath(args.build_dir), "bin", "enumd")
    path = os.path.join(args.out, "bulk.json")
    prepared = []
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            prepared.append(prepare(n, args, enumctl, enumd_bin))
        measure_all(prepared, args)
    finally:
        for _, servers, _ in prepared:
            for s in servers:
                s.stop()
        if not args.keep:
            for res, _, _ in prepared:
                shutil.rmtree(os.path.join(args.workdir, "db%d" % res["n"]), ignore_errors=True)
    results = [res for res, _, _ in prepared]
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(args.out, "bulk.md"), "w") as f:
        f.write(table(results))
    print(table(results))
    subprocess.run([os.path.join(HERE, "plot_bulk.py"), path, os.path.join(args.out, "bulk.png")])


if __name__ == "__main__":
    main()
