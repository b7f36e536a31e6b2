#!/usr/bin/python3
"""BIND 9 as a secondary of enumd (skipped when named is not installed).

BIND transfers the ENUM lab zone with TSIG hmac-sha256 and serves the same
serial and RRsets as enumd; a compiled change is NOTIFYed and BIND refreshes
(by IXFR from enumd's journal) and serves the new serial and RRsets.
"""
import os
import shutil
import sys
import time

import dns.tsig

from xfr_harness import (sanitizer_reports, LAB, SECRET, Enumd, Proc, axfr_rrsets, compare_servers, free_port, soa_serial, tmpdir,
                         wait_for)

NAMED = shutil.which("named") or "/usr/sbin/named"
ZONE = "e164.arpa."
KEY = dns.tsig.Key("xfr.", SECRET, "hmac-sha256")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def write_zone(path, serial, extra=""):
    with open(LAB) as f:
        text = f.read().replace("hostmaster.example.net. 1 ", f"hostmaster.example.net. {serial} ")
    with open(path, "w") as f:
        f.write(text + extra)


def main():
    if not os.path.exists(NAMED):
        print("SKIP: named (bind9) is not installed")
        return 0
    tmp = tmpdir("enumd-xfr-bind-")
    zone_path = os.path.join(tmp, "lab.zone")
    write_zone(zone_path, 1)
    bport = free_port()

    def config(port, control):
        return f"""listen: ["127.0.0.1:{port}"]
database: {tmp}/db
control: {control}
keys:
  - name: xfr.
    algorithm: hmac-sha256
    secret: {SECRET}
zones:
  - file: {zone_path}
    transfer:
      allow: [127.0.0.1]
      keys: [xfr.]
    notify: [127.0.0.1:{bport}]
"""

    enumd = named = None
    try:
        enumd = Enumd(tmp, config)
        conf = os.path.join(tmp, "named.conf")
        with open(conf, "w") as f:
            f.write(f"""options {{
    directory "{tmp}";
    pid-file "{tmp}/named.pid";
    session-keyfile "{tmp}/session.key";
    listen-on port {bport} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    notify no;
    dnssec-validation no;
}};
key "xfr." {{ algorithm hmac-sha256; secret "{SECRET}"; }};
controls {{ }};
zone "e164.arpa" {{
    type secondary;
    primaries port {enumd.port} {{ 127.0.0.1 key "xfr."; }};
    file "{tmp}/e164.arpa.db";
    allow-notify {{ 127.0.0.1; }};
}};
""")
        named = Proc([NAMED, "-g", "-c", conf, "-n", "1"], os.path.join(tmp, "named.log"))
        wait_for(lambda: soa_serial(bport, ZONE) == 1, 30, "BIND to transfer serial 1")
        check(True, "BIND transferred the lab zone from enumd (TSIG) and serves serial 1")
        expected = axfr_rrsets(enumd.port, ZONE, keyring=KEY, keyname="xfr.")
        diffs = compare_servers(expected, enumd.port, bport)
        check(not diffs, f"BIND and enumd serve the same {len(expected)} RRsets" + (f": {diffs[:3]}" if diffs else ""))

        write_zone(zone_path, 2, '8.8.8.8.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:eight@x.example.net!" .\n')
        t0 = time.monotonic()
        enumd.reload()
        wait_for(lambda: soa_serial(bport, ZONE) == 2, 20, "BIND to serve serial 2 after NOTIFY")
        check(True, f"BIND served serial 2 {time.monotonic() - t0:.2f} s after the reload (NOTIFY)")
        check('event="IXFR out" from="1" serial="2"' in enumd.logs(), "BIND refreshed by IXFR from enumd's journal")
        expected = axfr_rrsets(enumd.port, ZONE, keyring=KEY, keyname="xfr.")
        diffs = compare_servers(expected, enumd.port, bport)
        check(not diffs, f"after IXFR BIND and enumd serve the same {len(expected)} RRsets" +
              (f": {diffs[:3]}" if diffs else ""))
    except AssertionError as e:
        failures.append(str(e))
        print("FAIL", e)
    finally:
        for p in (named, enumd):
            if p is not None:
                p.stop()
        if failures:
            for p, n in ((enumd, "enumd"), (named, "named")):
                if p is not None:
                    print(f"--- {n} log (tail)\n" + "\n".join(p.logs().splitlines()[-30:]))
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failure(s), {len(sanitizer_reports)} sanitizer report(s)")
    return 1 if failures or sanitizer_reports else 0


if __name__ == "__main__":
    sys.exit(main())
