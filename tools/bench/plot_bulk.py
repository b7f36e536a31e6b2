#!/usr/bin/python3
"""Plots tools/bench/bulk.py's results: CPU µs per query (numbers in the zone, and missing ones) and
database bytes per number against the number count, per server (Debian's python3-matplotlib).

    tools/bench/plot_bulk.py tools/bench/results/bulk.json tools/bench/results/bulk.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f:
        results = json.load(f)
    ns = [r["n"] for r in results]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    for server, style in (("enumd", "o-"), ("knot", "s--")):
        for qs, alpha in (("hit", 1.0), ("miss", 0.55)):
            key = "%s_%s_cpu_us_per_q" % (server, qs)
            pts = [(r["n"], r[key]) for r in results if key in r]
            if pts:
                a.plot([p[0] for p in pts], [p[1] for p in pts], style, alpha=alpha,
                       label="%s, %s" % ("Knot" if server == "knot" else "enumd",
                                         "numbers in the zone" if qs == "hit" else "missing numbers"))
    a.set_xscale("log")
    a.set_xlabel("numbers in the zone")
    a.set_ylabel("server CPU µs per query (one worker)")
    a.set_ylim(bottom=0)
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    b.plot(ns, [r["db_bytes_per_number"] for r in results], "o-", label="enumd (LMDB, route sets)")
    b.axhline(40, color="grey", linestyle=":", label="target: 40")
    b.set_xscale("log")
    b.set_xlabel("numbers in the zone")
    b.set_ylabel("database bytes per number")
    b.set_ylim(bottom=0)
    b.legend(fontsize=8)
    b.grid(alpha=0.3)
    fig.suptitle("enumd: CSV route-set numbers (tools/bench/bulk.py)")
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main()
