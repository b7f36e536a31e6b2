#!/usr/bin/python3
"""Generate the benchmark zones and the dnsperf query file (deterministic, seeded).

Writes into OUTDIR:
  enum.zone        RFC 1035 ENUM zone (default origin 1.6.e164.arpa.): N numbers with
                   NAPTR records (single records, 2/3-record preference splits, order
                   failover) plus number ranges written as RFC 4592 wildcards.
  3gpp.zone        RFC 1035 zone 3gppnetwork.org.: ePDG A/AAAA per PLMN, IMS NAPTRs,
                   SIP SRV pools with their targets' A/AAAA.
  enum.yaml        the same ENUM content in enumd's YAML format (only when the format
  3gpp.yaml        is documented in zones/README.md; see --yaml)
  queries.txt      dnsperf input: ~70 % existing numbers, ~15 % numbers under ranges,
                   ~10 % NXDOMAIN, ~5 % 3GPP A/AAAA/SRV.
  expected.txt     a few (qname qtype rcode answer-count) lines for sanity checks.
  meta.json        counts (numbers, ranges, records, queries by class).

The ranges never contain an exact number, so RFC 4592 wildcard semantics and
enumd's longest-prefix semantics give the same answers for the same content.
No third-party modules needed.
"""

import argparse
import ipaddress
import json
import os
import random
import sys

CARRIERS = ["sbc1.carrier-a.example.net", "sbc2.carrier-a.example.net", "core.carrier-b.example.net",
            "edge1.carrier-c.example.net", "edge2.carrier-c.example.net", "voice.carrier-d.example.net"]
PBXES = ["pbx%d.enterprise.example.com" % i for i in range(1, 41)]
NS_NAMES = ["ns1.example.net.", "ns2.example.net."]


def rev(digits):
    """E.164 digits → reversed dotted labels (RFC 6116 §2.4)."""
    return ".".join(reversed(digits))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--numbers", type=int, default=1_000_000, help="explicit numbers in the ENUM zone")
    p.add_argument("--ranges", type=int, default=None, help="wildcard ranges (default numbers/100, at least 10)")
    p.add_argument("--plmns", type=int, default=300, help="PLMNs in the 3GPP zone")
    p.add_argument("--queries", type=int, default=500_000, help="lines in the dnsperf query file")
    p.add_argument("--cc", default="61", help="country code; the zone origin is <cc reversed>.e164.arpa.")
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--yaml", choices=["auto", "yes", "no"], default="auto",
                   help="write YAML too (auto: when zones/README.md documents the format)")
    p.add_argument("outdir")
    return p.parse_args()


class EnumZone:
    """The ENUM content, kept abstract so both writers emit the same records."""

    def __init__(self, rng, cc, nnumbers, nranges):
        self.cc = cc
        self.origin = rev(cc) + ".e164.arpa."
        self.numbers = []      # list of (digits, [(order, pref, regexp)]) sorted by digits
        self.ranges = []       # list of (prefix digits, [(order, pref, regexp)])
        nsn_len = 9            # national significant number length (Australia-like)
        # Numbers: allocated 10,000-number blocks (cc + 5 digits), each filled 30-90 %.
        block_first = "2347"
        blocks_used = set()
        numbers = []
        while len(numbers) < nnumbers:
            block = rng.choice(block_first) + "%04d" % rng.randrange(10_000)
            if block in blocks_used:
                continue
            blocks_used.add(block)
            fill = rng.uniform(0.3, 0.9)
            want = min(nnumbers - len(numbers), max(1, int(10_000 * fill)))
            for sub in rng.sample(range(10_000), want):
                numbers.append(cc + block + "%04d" % sub)
        numbers.sort()
        self.blocks = sorted(blocks_used)
        for digits in numbers:
            self.numbers.append((digits, self._naptrs_for_number(rng, digits)))
        self.number_set = set(numbers)
        # Ranges: 1,000-number prefixes (cc + 6 digits) in blocks starting with 8,
        # disjoint from every explicit number.
        prefixes = set()
        while len(prefixes) < nranges:
            prefixes.add(cc + "8" + "%05d" % rng.randrange(100_000))
        for prefix in sorted(prefixes):
            pbx = rng.choice(PBXES)
            if rng.random() < 0.5:
                # back-reference form: the dialled number lands in the URI (RFC 3402 §3.2),
                # as enumd's YAML placeholder {number} writes it
                naptrs = [(100, 10, "!^(.*)$!sip:\\1@%s!" % pbx, "sip:{number}@%s" % pbx)]
            else:
                naptrs = [(100, 10, "!^.*$!sip:reception@%s!" % pbx, "sip:reception@%s" % pbx)]
            self.ranges.append((prefix, naptrs))
        assert nsn_len == 9

    @staticmethod
    def _naptrs_for_number(rng, digits):
        """(order, preference, regexp, uri) tuples; regexp is what the YAML shorthand derives."""
        def rec(order, pref, host):
            uri = "sip:+%s@%s" % (digits, host)
            return (order, pref, "!^.*$!%s!" % uri, uri)
        r = rng.random()
        if r < 0.70:      # single record
            return [rec(10, 100, rng.choice(CARRIERS))]
        hosts = rng.sample(CARRIERS, 3)
        if r < 0.85:      # 50/50 split
            return [rec(10, 100, hosts[0]), rec(10, 100, hosts[1])]
        if r < 0.93:      # order failover 10 then 20
            return [rec(10, 100, hosts[0]), rec(20, 100, hosts[1])]
        # 25/25/50 split (the seed's example; check warns that preferences are not weights)
        return [rec(10, 100, hosts[0]), rec(10, 100, hosts[1]), rec(10, 200, hosts[2])]

    def record_count(self):
        return sum(len(n) for _, n in self.numbers) + sum(len(n) for _, n in self.ranges) + 1 + len(NS_NAMES)


def zone_text_string(s):
    """A <character-string> in zone-file syntax (RFC 1035 §5.1): quote, escape \\ and "."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_enum_rfc1035(z, path):
    cc_len = len(z.cc)
    with open(path, "w") as f:
        f.write("; generated by tools/bench/gen_zone.py — %d numbers, %d ranges\n" % (len(z.numbers), len(z.ranges)))
        f.write("$ORIGIN %s\n$TTL 3600\n" % z.origin)
        f.write("@ IN SOA ns1.example.net. hostmaster.example.net. 2024060101 7200 3600 1209600 300\n")
        for ns in NS_NAMES:
            f.write("@ IN NS %s\n" % ns)
        out = []
        for digits, naptrs in z.numbers:
            owner = rev(digits[cc_len:])
            for order, pref, regexp, _ in naptrs:
                out.append('%s IN NAPTR %d %d "u" "E2U+sip" %s .\n' % (owner, order, pref, zone_text_string(regexp)))
            if len(out) > 10_000:
                f.writelines(out)
                out.clear()
        for prefix, naptrs in z.ranges:
            owner = "*." + rev(prefix[cc_len:])
            for order, pref, regexp, _ in naptrs:
                out.append('%s IN NAPTR %d %d "u" "E2U+sip" %s .\n' % (owner, order, pref, zone_text_string(regexp)))
        f.writelines(out)


class GppZone:
    """PLMNs with ePDG addresses and an IMS P-CSCF pool, written exactly as enumd's
    YAML `plmns` block generates them (zones/README.md): pool
    pcscf.ims.mncXXX.mccYYY, transports udp/tcp/tls, RFC 3263 NAPTRs at
    ims.mncXXX.mccYYY with order 10 and preferences 10/20/30."""

    TRANSPORTS = [("udp", "_sip._udp", "SIP+D2U", 5060), ("tcp", "_sip._tcp", "SIP+D2T", 5060),
                  ("tls", "_sips._tcp", "SIPS+D2T", 5061)]

    def __init__(self, rng, nplmns):
        self.origin = "3gppnetwork.org."
        self.plmns = []
        seen = set()
        while len(self.plmns) < nplmns:
            mcc = "%03d" % rng.randrange(200, 800)
            mnc = ("%02d" if rng.random() < 0.6 else "%03d") % rng.randrange(1, 100)
            if (mcc, mnc.zfill(3)) in seen:
                continue
            seen.add((mcc, mnc.zfill(3)))
            i = len(self.plmns)
            epdg4 = ["10.%d.%d.%d" % (i // 250, i % 250, k + 1) for k in range(2)]
            epdg6 = [str(ipaddress.IPv6Address("2001:db8:%x::%x" % (i, k + 1))) for k in range(2)]
            pool = []
            for k in range(rng.randint(2, 4)):
                pool.append({"host": "pcscf%d" % (k + 1), "priority": 10 if k < 2 else 20,
                             "weight": rng.choice([10, 20, 50]),
                             "v4": "10.%d.%d.%d" % (100 + i // 250, i % 250, k + 1),
                             "v6": str(ipaddress.IPv6Address("2001:db8:1:%x::%x" % (i, k + 1)))})
            self.plmns.append({"mcc": mcc, "mnc": mnc, "epdg4": epdg4, "epdg6": epdg6, "pool": pool})

    @staticmethod
    def names(p):
        m = "mnc%s.mcc%s" % (p["mnc"].zfill(3), p["mcc"])
        return {"epdg": "epdg.epc.%s.pub" % m, "ims": "ims.%s" % m, "pool": "pcscf.ims.%s" % m}

    def record_count(self):
        return 1 + len(NS_NAMES) + sum(4 + 3 + 5 * len(p["pool"]) for p in self.plmns)


def write_3gpp_rfc1035(z, path):
    with open(path, "w") as f:
        f.write("; generated by tools/bench/gen_zone.py — %d PLMNs\n" % len(z.plmns))
        f.write("$ORIGIN %s\n$TTL 3600\n" % z.origin)
        f.write("@ IN SOA ns1.example.net. hostmaster.example.net. 2024060101 7200 3600 1209600 300\n")
        for ns in NS_NAMES:
            f.write("@ IN NS %s\n" % ns)
        for p in z.plmns:
            n = z.names(p)
            for a in p["epdg4"]:
                f.write("%s IN A %s\n" % (n["epdg"], a))
            for a in p["epdg6"]:
                f.write("%s IN AAAA %s\n" % (n["epdg"], a))
            # RFC 3263 §4.1 NAPTRs pointing at the SRV pool ("s" flag)
            for k, (_, srv, service, _) in enumerate(z.TRANSPORTS):
                f.write('%s IN NAPTR 10 %d "s" "%s" "" %s.%s\n' % (n["ims"], 10 * (k + 1), service, srv, n["pool"]))
            for _, srv, _, port in z.TRANSPORTS:
                for m in p["pool"]:
                    f.write("%s.%s IN SRV %d %d %d %s.%s\n" % (srv, n["pool"], m["priority"], m["weight"], port,
                                                               m["host"], n["ims"]))
            for m in p["pool"]:
                f.write("%s.%s IN A %s\n" % (m["host"], n["ims"], m["v4"]))
                f.write("%s.%s IN AAAA %s\n" % (m["host"], n["ims"], m["v6"]))


def write_queries(rng, ez, gz, nqueries, path):
    cc_len = len(ez.cc)
    n_exist = int(nqueries * 0.70)
    n_range = int(nqueries * 0.15)
    n_nx = int(nqueries * 0.10)
    n_gpp = nqueries - n_exist - n_range - n_nx
    lines = []
    for _ in range(n_exist):
        digits = ez.numbers[rng.randrange(len(ez.numbers))][0]
        lines.append("%s.%s NAPTR\n" % (rev(digits[cc_len:]), ez.origin))
    for _ in range(n_range):
        prefix = ez.ranges[rng.randrange(len(ez.ranges))][0]
        digits = prefix + "%03d" % rng.randrange(1000)
        lines.append("%s.%s NAPTR\n" % (rev(digits[cc_len:]), ez.origin))
    made = 0
    while made < n_nx:
        if rng.random() < 0.5:
            # a missing number inside an allocated block: NXDOMAIN below existing ENTs
            digits = ez.cc + rng.choice(ez.blocks) + "%04d" % rng.randrange(10_000)
        else:
            # an unallocated block (first digit 5 is never used)
            digits = ez.cc + "5" + "%08d" % rng.randrange(100_000_000)
        if digits in ez.number_set:
            continue
        lines.append("%s.%s NAPTR\n" % (rev(digits[cc_len:]), ez.origin))
        made += 1
    for _ in range(n_gpp):
        p = gz.plmns[rng.randrange(len(gz.plmns))]
        n = gz.names(p)
        r = rng.random()
        if r < 0.4:
            lines.append("%s.%s A\n" % (n["epdg"], gz.origin))
        elif r < 0.6:
            lines.append("%s.%s AAAA\n" % (n["epdg"], gz.origin))
        else:
            lines.append("_sip._udp.%s.%s SRV\n" % (n["pool"], gz.origin))
    rng.shuffle(lines)
    with open(path, "w") as f:
        f.writelines(lines)
    return {"existing": n_exist, "range": n_range, "nxdomain": n_nx, "3gpp": n_gpp}


def write_expected(ez, gz, path):
    """A handful of queries with the rcode and answer count every server must give."""
    cc_len = len(ez.cc)
    with open(path, "w") as f:
        for digits, naptrs in ez.numbers[:: max(1, len(ez.numbers) // 5)][:5]:
            f.write("%s.%s NAPTR NOERROR %d\n" % (rev(digits[cc_len:]), ez.origin, len(naptrs)))
        for prefix, naptrs in ez.ranges[:3]:
            f.write("%s.%s NAPTR NOERROR %d\n" % (rev((prefix + "123")[cc_len:]), ez.origin, len(naptrs)))
        f.write("%s.%s NAPTR NXDOMAIN 0\n" % (rev((ez.cc + "555555555")[cc_len:]), ez.origin))
        p = gz.plmns[0]
        n = gz.names(p)
        f.write("%s.%s A NOERROR 2\n" % (n["epdg"], gz.origin))
        f.write("_sip._udp.%s.%s SRV NOERROR %d\n" % (n["pool"], gz.origin, len(p["pool"])))


def yaml_wanted(mode):
    if mode == "no":
        return False
    here = os.path.dirname(os.path.abspath(__file__))
    readme = os.path.join(here, "..", "..", "zones", "README.md")
    present = os.path.exists(readme)
    if mode == "yes" and not present:
        sys.exit("gen_zone: --yaml yes, but zones/README.md (the YAML format) does not exist yet")
    return present


def main():
    a = parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = random.Random(a.seed)
    nranges = a.ranges if a.ranges is not None else max(10, a.numbers // 100)
    ez = EnumZone(rng, a.cc, a.numbers, nranges)
    gz = GppZone(rng, a.plmns)
    write_enum_rfc1035(ez, os.path.join(a.outdir, "enum.zone"))
    write_3gpp_rfc1035(gz, os.path.join(a.outdir, "3gpp.zone"))
    mix = write_queries(rng, ez, gz, a.queries, os.path.join(a.outdir, "queries.txt"))
    write_expected(ez, gz, os.path.join(a.outdir, "expected.txt"))
    wrote_yaml = False
    if yaml_wanted(a.yaml):
        import gen_yaml  # noqa: E402 — lives beside this file, written against zones/README.md
        gen_yaml.write_enum(ez, os.path.join(a.outdir, "enum.yaml"))
        gen_yaml.write_3gpp(gz, os.path.join(a.outdir, "3gpp.yaml"))
        wrote_yaml = True
    meta = {"seed": a.seed, "enum_origin": ez.origin, "gpp_origin": gz.origin,
            "numbers": len(ez.numbers), "ranges": len(ez.ranges), "plmns": len(gz.plmns),
            "enum_records": ez.record_count(), "gpp_records": gz.record_count(),
            "queries": mix, "yaml": wrote_yaml}
    with open(os.path.join(a.outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
