#!/usr/bin/python3
"""BIND 9 as primary for enumd (skipped when named is not installed).

enumd transfers the lab zone from BIND with TSIG and serves the same serial
and RRsets; a change loaded by BIND (rndc-less: SIGHUP) is NOTIFYed and
arrives by IXFR (BIND's ixfr-from-differences); a second enumd configured
with the wrong TSIG secret never serves the zone.
"""
import os
import shutil
import signal
import sys
import time

import dns.tsig

from xfr_harness import (sanitizer_reports, LAB, SECRET, WRONG_SECRET, Enumd, Proc, axfr_rrsets, compare_servers,
                         free_port, soa_serial, tmpdir, wait_for)

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
    tmp = tmpdir("enumd-xfr-bindp-")
    zone_path = os.path.join(tmp, "lab.zone")
    write_zone(zone_path, 1)
    bport = free_port()
    eport = free_port()

    def config(secret):
        def make(port, control):
            return f"""listen: ["127.0.0.1:{port}"]
database: {tmp}/db-{port}
control: {control}
keys: [{{name: xfr., algorithm: hmac-sha256, secret: "{secret}"}}]
zones:
  - {{origin: e164.arpa., primary: "127.0.0.1:{bport}", key: xfr.}}
"""
        return make

    named = enumd = bad = None
    try:
        conf = os.path.join(tmp, "named.conf")
        with open(conf, "w") as f:
            f.write(f"""options {{
    directory "{tmp}";
    pid-file "{tmp}/named.pid";
    session-keyfile "{tmp}/session.key";
    listen-on port {bport} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify explicit;
}};
key "xfr." {{ algorithm hmac-sha256; secret "{SECRET}"; }};
controls {{ }};
zone "e164.arpa" {{
    type primary;
    file "{zone_path}";
    ixfr-from-differences yes;
    allow-transfer {{ key "xfr."; }};
    also-notify {{ 127.0.0.1 port {eport} key "xfr."; }};
}};
""")
        named = Proc([NAMED, "-g", "-c", conf, "-n", "1"], os.path.join(tmp, "named.log"))
        wait_for(lambda: soa_serial(bport, ZONE) == 1, 30, "BIND to load the zone")
        enumd = Enumd(tmp, config(SECRET), port=eport)
        wait_for(lambda: soa_serial(eport, ZONE) == 1, 20, "enumd to transfer serial 1 from BIND")
        check(True, "enumd transferred the lab zone from BIND (TSIG) and serves serial 1")
        expected = axfr_rrsets(bport, ZONE, keyring=KEY, keyname="xfr.")
        diffs = compare_servers(expected, bport, eport)
        check(not diffs, f"enumd and BIND serve the same {len(expected)} RRsets" + (f": {diffs[:3]}" if diffs else ""))

        write_zone(zone_path, 2, '5.5.5.5.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:five@x.example.net!" .\n')
        time.sleep(1.1)  # BIND compares file mtimes in seconds
        t0 = time.monotonic()
        named.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: soa_serial(eport, ZONE) == 2, 20, "enumd to serve serial 2 after BIND's NOTIFY")
        check(True, f"enumd served serial 2 {time.monotonic() - t0:.2f} s after BIND reloaded (NOTIFY)")
        check('event="IXFR in received"' in enumd.logs(), "the change arrived by IXFR from BIND")
        expected = axfr_rrsets(bport, ZONE, keyring=KEY, keyname="xfr.")
        diffs = compare_servers(expected, bport, eport)
        check(not diffs, f"after the change enumd and BIND serve the same {len(expected)} RRsets")

        bad = Enumd(tmp, config(WRONG_SECRET), name="enumd-bad")
        time.sleep(3)
        check(soa_serial(bad.port, ZONE) is None, "enumd with the wrong TSIG secret does not serve the zone")
        out = bad.ctl("zones").stdout
        check('event="refresh failed' in bad.logs() and "TSIG" in bad.logs() and "TSIG" in out,
              f"the failed refresh is logged and shown as a TSIG problem: {out.strip()}")
    except AssertionError as e:
        failures.append(str(e))
        print("FAIL", e)
    finally:
        for p in (bad, enumd, named):
            if p is not None:
                p.stop()
        if failures:
            for p, n in ((enumd, "enumd"), (bad, "enumd-bad"), (named, "named")):
                if p is not None:
                    print(f"--- {n} log (tail)\n" + "\n".join(p.logs().splitlines()[-25:]))
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failure(s), {len(sanitizer_reports)} sanitizer report(s)")
    return 1 if failures or sanitizer_reports else 0


if __name__ == "__main__":
    sys.exit(main())
