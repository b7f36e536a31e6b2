#!/usr/bin/python3
"""enumd as a secondary of enumd: the first transfer is AXFR, every later
change (additions, deletions, a TTL change, over three versions, one of them
while the secondary is down) arrives by IXFR from the primary's journal, and
the secondary serves exactly the primary's RRsets after each step. A secondary
whose serial is older than the kept history gets the AXFR form and still
converges.
"""
import os
import shutil
import sys

import dns.tsig

from xfr_harness import (sanitizer_reports, LAB, SECRET, Enumd, axfr_rrsets, compare_servers, free_port, soa_serial, tmpdir, wait_for)

ZONE = "e164.arpa."
KEY = dns.tsig.Key("xfr.", SECRET, "hmac-sha256")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def write_zone(path, serial, drop=(), extra=""):
    out = []
    with open(LAB) as f:
        for line in f.read().splitlines():
            if any(line.startswith(d) for d in drop):
                continue
            out.append(line.replace("hostmaster.example.net. 1 ", f"hostmaster.example.net. {serial} "))
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n" + extra)


def main():
    tmp = tmpdir("enumd-xfr-e2e-")
    zone_path = os.path.join(tmp, "lab.zone")
    write_zone(zone_path, 1)
    sport = free_port()

    def primary_config(port, control):
        return f"""listen: ["127.0.0.1:{port}"]
database: {tmp}/pdb
control: {control}
keys: [{{name: xfr., algorithm: hmac-sha256, secret: "{SECRET}"}}]
zones:
  - file: {zone_path}
    transfer: {{allow: [127.0.0.1], keys: [xfr.]}}
    notify: ["127.0.0.1:{sport}"]
"""

    primary = secondary = None
    try:
        primary = Enumd(tmp, primary_config, name="primary")

        def secondary_config(port, control):
            return f"""listen: ["127.0.0.1:{port}"]
database: {tmp}/sdb
control: {control}
keys: [{{name: xfr., algorithm: hmac-sha256, secret: "{SECRET}"}}]
zones:
  - {{origin: e164.arpa., primary: "127.0.0.1:{primary.port}", key: xfr.}}
"""

        secondary = Enumd(tmp, secondary_config, name="secondary", port=sport)
        wait_for(lambda: soa_serial(sport, ZONE) == 1, 20, "the secondary to transfer serial 1")
        check('event="AXFR in received"' in secondary.logs(), "the first transfer is an AXFR")
        steps = [
            (2, ("1.1.9.0.0.5.5.5.3.1.6",), '6.6.6.6.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:six@x.example.net!" .\n'),
            (3, ("1.1.9.0.0.5.5.5.3.1.6", "*.2.0.5.5.5.2.1.6"),
             '6.6.6.6.0.5.5.5.3.1.6 600 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:six@x.example.net!" .\n'),
            # Only the serial changes: still NOTIFYed and transferred.
            (4, ("1.1.9.0.0.5.5.5.3.1.6", "*.2.0.5.5.5.2.1.6"),
             '6.6.6.6.0.5.5.5.3.1.6 600 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:six@x.example.net!" .\n'),
        ]
        for serial, drop, extra in steps:
            write_zone(zone_path, serial, drop, extra)
            primary.reload()
            wait_for(lambda: soa_serial(sport, ZONE) == serial, 15, f"the secondary to serve serial {serial}")
            expected = axfr_rrsets(primary.port, ZONE, keyring=KEY, keyname="xfr.")
            diffs = compare_servers(expected, primary.port, sport)
            check(not diffs, f"serial {serial}: the secondary serves the primary's {len(expected)} RRsets" +
                  (f": {diffs[:3]}" if diffs else ""))
        check(secondary.logs().count('event="IXFR in received"') >= 3, "all three changes arrived by IXFR")
        check(primary.logs().count('event="IXFR out" from=') >= 3, "the primary answered from its journal")

        # Two versions while the secondary is down: one IXFR spanning both at restart.
        secondary.stop()
        write_zone(zone_path, 5, ("2.1.9.0.0.5.5.5.3.1.6",), "")
        primary.reload()
        wait_for(lambda: soa_serial(primary.port, ZONE) == 5, 10, "the primary to compile serial 5")
        write_zone(zone_path, 6, ("2.1.9.0.0.5.5.5.3.1.6", "3.1.9.0.0.5.5.5.3.1.6"), "")
        primary.reload()
        wait_for(lambda: soa_serial(primary.port, ZONE) == 6, 10, "the primary to compile serial 6")
        secondary = Enumd(tmp, secondary_config, name="secondary2", port=sport)
        wait_for(lambda: soa_serial(sport, ZONE) == 6, 20, "the restarted secondary to catch up to serial 6")
        check('event="IXFR in received"' in secondary.logs() and 'IXFR out" from="4" serial="6"' in primary.logs(),
              "the restarted secondary caught up 4 → 6 with one IXFR over two journal entries")
        expected = axfr_rrsets(primary.port, ZONE, keyring=KEY, keyname="xfr.")
        diffs = compare_servers(expected, primary.port, sport)
        check(not diffs, f"serial 6: the secondary serves the primary's {len(expected)} RRsets")
    except AssertionError as e:
        failures.append(str(e))
        print("FAIL", e)
    finally:
        for p in (secondary, primary):
            if p is not None:
                p.stop()
        if failures:
            for p, n in ((primary, "primary"), (secondary, "secondary")):
                if p is not None:
                    print(f"--- {n} log (tail)\n" + "\n".join(p.logs().splitlines()[-25:]))
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failure(s), {len(sanitizer_reports)} sanitizer report(s)")
    return 1 if failures or sanitizer_reports else 0


if __name__ == "__main__":
    sys.exit(main())
