#!/usr/bin/python3
"""Writes the bulk benchmark's data for N routed numbers (zones/README.md "Bulk numbers from CSV"):

    tools/bench/gen_bulk.py N OUTDIR [--routes 300] [--seed 10]

- OUTDIR/bulk.yaml: origin e164.arpa., ROUTES route sets (as tests/differential/gen_routed.py: SIP
  failover pairs, single SIP, tel: with npdi;rn={rn}) and `numbers_csv: numbers.csv`;
- OUTDIR/numbers.csv: `number,route,rn`, N numbers of a realistic country mix (weights below), in
  allocated 10,000-number blocks filled 30-90 % as a numbering plan is, 5 % with an rn (ported);
  written in block order, not sorted by number (the loader sorts);
- OUTDIR/hit.txt, OUTDIR/miss.txt: 100,000 dnsperf NAPTR queries each, for numbers in the CSV and for
  numbers that are not (missing numbers of allocated blocks, at most half, and numbers of unallocated
  blocks), shuffled.

The RFC 1035 zone for Knot is the compiled database's `enumctl export` (tools/bench/bulk.py), so both
servers serve the same records. Deterministic for a seed; 100 M numbers take a few minutes.
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "differential"))
import gen_routed  # noqa: E402

# country code, digits after it, share of the numbers (rough shares of large ENUM/portability data)
COUNTRIES = [("1", 10, 30), ("49", 11, 12), ("44", 10, 10), ("33", 9, 10), ("81", 10, 10), ("55", 11, 12),
             ("61", 9, 8), ("27", 9, 8)]
QUERIES = 100000


def owner(digits):
    return ".".join(reversed(digits)) + ".e164.arpa."


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--routes", type=int, default=300)
    ap.add_argument("--seed", type=int, default=10)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    rs = gen_routed.routes(args.routes)
    plain = [r[0] for r in rs if not r[2]]
    ported = [r[0] for r in rs if r[2]]
    with open(os.path.join(args.outdir, "bulk.yaml"), "w") as f:
        f.write("origin: e164.arpa.\nttl: 3600\n"
                "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
                "ns: [ns1.example.net.]\nroutes:\n")
        for name, yaml, _ in rs:
            f.write("  %s: %s\n" % (name, yaml))
        f.write("numbers_csv: numbers.csv\n")

    total_weight = sum(w for _, _, w in COUNTRIES)
    hit_rate = min(1.0, 2.0 * QUERIES / max(1, args.n))
    hits, misses = [], []
    blocks = set()
    written = 0
    with open(os.path.join(args.outdir, "numbers.csv"), "w") as out:
        out.write("number,route,rn\n")
        while written < args.n:
            x = rng.uniform(0, total_weight)
            for cc, length, w in COUNTRIES:
                x -= w
                if x <= 0:
                    break
            block = cc + rng.choice("23456789") + "".join(rng.choice("0123456789") for _ in range(length - 5))
            if block in blocks:
                continue
            blocks.add(block)
            want = min(args.n - written, max(1, int(10000 * rng.uniform(0.3, 0.9))))
            subs = rng.sample(range(10000), want)
            chosen = rng.choices(plain, k=want)
            rows = ["+%s%04d,%s,\n" % (block, s, r) for s, r in zip(subs, chosen)]
            for i in rng.sample(range(want), int(want * 0.05 + rng.random())):  # 5 % ported, with an rn
                rn = rng.choice(COUNTRIES)[0] + "4" + "%08d" % rng.randrange(10 ** 8)
                rows[i] = "+%s%04d,%s,+%s\n" % (block, subs[i], rng.choice(ported), rn)
            out.write("".join(rows))
            written += want
            for s in rng.sample(subs, min(len(subs), int(len(subs) * hit_rate) + 1)):
                hits.append("%s%04d" % (block, s))
            if want < 10000 and len(misses) < QUERIES // 2:
                taken = set(subs)
                for _ in range(max(1, min(50, QUERIES * 3000 // args.n))):
                    s = rng.randrange(10000)
                    if s not in taken:
                        misses.append("%s%04d" % (block, s))
    # numbers of blocks nobody allocated: half of the misses
    while len(misses) < QUERIES:
        cc, length, _ = rng.choice(COUNTRIES)
        block = cc + rng.choice("23456789") + "".join(rng.choice("0123456789") for _ in range(length - 5))
        if block not in blocks:
            misses.append("%s%04d" % (block, rng.randrange(10000)))
    for name, items in (("hit.txt", hits), ("miss.txt", misses)):
        rng.shuffle(items)
        with open(os.path.join(args.outdir, name), "w") as f:
            f.writelines("%s NAPTR\n" % owner(d) for d in items[:QUERIES])
    print(os.path.join(args.outdir, "bulk.yaml"))


if __name__ == "__main__":
    main()
