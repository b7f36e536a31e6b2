#!/usr/bin/python3
"""Writes a YAML zone of N routed numbers (zones/README.md "Route sets"):
a country mix under e164.arpa., ROUTES route sets (SIP failover pairs,
single SIP, tel: with npdi;rn={rn}), 5 % of the numbers with an rn, 2 % with
their own TTL, and a few prefix ranges with exceptions inside them. Numbers
go into include files of at most 100,000 (the 64 MiB include bound).

    tests/differential/gen_routed.py N OUTDIR [--routes 300] [--seed 10] [--national 61]

prints the top-level file's path. --national CC writes a national zone
(origin <CC reversed>.e164.arpa.) whose numbers fill allocated 10,000-number
blocks 30-90 %, as tools/bench/gen_zone.py does: the shape of a portability
database. Without it numbers are spread at random over eight countries. Used by test_routes_vs_knot.py (a few
thousand numbers) and for measuring database bytes per number (1,000,000).
"""
import argparse
import os
import random

COUNTRIES = [("61", 9), ("44", 10), ("1", 10), ("49", 10), ("33", 9), ("81", 10), ("55", 11), ("27", 9)]
CHUNK = 100000


def routes(n):
    """[(name, yaml entry, uses_rn)]: every third route is a ported-number (rn) route."""
    out = []
    for i in range(n):
        name = "op%03d" % i
        if i % 3 == 0:
            out.append((name, '{uri: "tel:{number};npdi;rn={rn}", service: "E2U+pstn:tel"}', True))
        elif i % 3 == 1:
            out.append((name, '[{uri: "sip:{number}@sbc1.op%03d.example", order: 10}, '
                              '{uri: "sip:{number}@sbc2.op%03d.example", order: 20}]' % (i, i), False))
        else:
            out.append((name, '{uri: "sip:{digits}@core.op%03d.example", preference: 50}' % i, False))
    return out


def national_numbers(count, rng, cc):
    """Numbers in allocated 10,000-number blocks (cc + 5 digits), each filled 30-90 %."""
    out, blocks = [], set()
    while len(out) < count:
        block = rng.choice("2347") + "%04d" % rng.randrange(10000)
        if block in blocks:
            continue
        blocks.add(block)
        want = min(count - len(out), max(1, int(10000 * rng.uniform(0.3, 0.9))))
        out += [cc + block + "%04d" % sub for sub in rng.sample(range(10000), want)]
    return sorted(out)


def numbers(count, rng):
    seen = set()
    while len(seen) < count:
        cc, length = rng.choice(COUNTRIES)
        seen.add(cc + "".join(rng.choice("0123456789") for _ in range(length)))
    return sorted(seen)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--routes", type=int, default=300)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--ranges", type=int, default=20, help="prefix ranges, each with an exception inside")
    ap.add_argument("--national", metavar="CC", help="a national zone of block-allocated numbers")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rs = routes(args.routes)
    plain = [r for r in rs if not r[2]]
    ported = [r for r in rs if r[2]]
    os.makedirs(os.path.join(args.outdir, "numbers.d"), exist_ok=True)

    def entry(digits, prefix=""):
        if rng.random() < 0.05:
            rn = rng.choice(COUNTRIES)[0] + "4" + "".join(rng.choice("0123456789") for _ in range(8))
            line = '  - {number: "+%s%s", route: %s, rn: "+%s"' % (digits, prefix, rng.choice(ported)[0], rn)
        else:
            line = '  - {number: "+%s%s", route: %s' % (digits, prefix, rng.choice(plain)[0])
        if rng.random() < 0.02:
            line += ", ttl: %d" % rng.choice([60, 300, 86400])
        return line + "}\n"

    nums = national_numbers(args.n, rng, args.national) if args.national else numbers(args.n, rng)
    origin = (".".join(reversed(args.national)) + ".e164.arpa.") if args.national else "e164.arpa."
    includes = []
    for start in range(0, len(nums), CHUNK):
        rel = "numbers.d/%04d.yaml" % (start // CHUNK)
        includes.append(rel)
        with open(os.path.join(args.outdir, rel), "w") as f:
            f.write("numbers:\n")
            f.writelines(entry(d) for d in nums[start:start + CHUNK])
    top = os.path.join(args.outdir, "routed.yaml")
    with open(top, "w") as f:
        f.write("origin: " + origin + "\nttl: 3600\n"
                "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
                "ns: [ns1.example.net.]\nroutes:\n")
        for name, yaml, _ in rs:
            f.write("  %s: %s\n" % (name, yaml))
        f.write("include: [%s]\n" % ", ".join(includes))
        f.write("numbers:\n")
        taken = set(nums)
        for i in range(args.ranges):
            # 99<i>… (8<i>… nationally) is where no number is generated: ranges never hold one
            base = (args.national + "8%02d%03d" % (i, rng.randrange(1000))) if args.national \
                else "99%02d%04d" % (i, rng.randrange(10000))
            f.write(entry(base, "*"))
            exception = base + "%03d" % rng.randrange(1000)
            if exception not in taken:
                f.write(entry(exception))
    print(top)


if __name__ == "__main__":
    main()
