#!/usr/bin/python3
"""Knot DNS as a secondary of enumd.

- Knot transfers the ENUM lab zone (AXFR, TSIG hmac-sha256) and serves the
  same serial and the same RRsets (one query per RRset against both).
- A change compiled on enumd (SIGHUP) is NOTIFYed; Knot refreshes by IXFR
  from enumd's journal well before its SOA refresh timer, and again serves
  the same RRsets.
- A Knot with the wrong TSIG secret never gets the zone (BADSIG); unsigned,
  wrongly signed and off-ACL transfers are refused (dnspython).
"""
import os
import shutil
import sys
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig

from xfr_harness import (sanitizer_reports, LAB, SECRET, WRONG_SECRET, Enumd, Knot, axfr_rrsets, compare_servers, free_port,
                         soa_serial, tmpdir, wait_for)

ZONE = "e164.arpa."
KEY = dns.tsig.Key("xfr.", SECRET, "hmac-sha256")
BAD_KEY = dns.tsig.Key("xfr.", WRONG_SECRET, "hmac-sha256")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def write_zone(path, serial, extra="", drop=None, ttl_change=False):
    with open(LAB) as f:
        lines = f.read().splitlines()
    out = []
    for line in lines:
        if " SOA " in line:
            line = line.replace("hostmaster.example.net. 1 ", f"hostmaster.example.net. {serial} ")
        if drop and line.startswith(drop):
            continue
        if ttl_change and line.startswith("5.4.3.2.0.5.5.5.2.1.6 IN"):
            line = line.replace("5.4.3.2.0.5.5.5.2.1.6 IN", "5.4.3.2.0.5.5.5.2.1.6 600 IN")
        out.append(line)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n" + extra)


def main():
    tmp = tmpdir("enumd-xfr-knot-")
    zone_path = os.path.join(tmp, "lab.zone")
    write_zone(zone_path, 1)
    kport = free_port()

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
    notify: [127.0.0.1:{kport}]
"""

    enumd = knot = knot_bad = None
    try:
        enumd = Enumd(tmp, config)
        knot = Knot(tmp, [ZONE], key_secret=SECRET, primary_port=enumd.port, port=kport)
        serial = wait_for(lambda: soa_serial(knot.port, ZONE) == 1, 20, "Knot to serve serial 1")
        check(serial is True, "Knot transferred the lab zone and serves serial 1")
        expected = axfr_rrsets(enumd.port, ZONE, keyring=KEY, keyname="xfr.")
        check(len(expected) >= 9, f"AXFR from enumd has {len(expected)} RRsets")
        diffs = compare_servers(expected, enumd.port, knot.port)
        check(not diffs, f"Knot and enumd serve the same {len(expected)} RRsets" + (f": {diffs[:3]}" if diffs else ""))

        # A change: one number added, one removed, one TTL changed, serial 2; SIGHUP → NOTIFY → IXFR.
        write_zone(zone_path, 2,
                   extra='9.9.9.9.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:new@server9.example.net!" .\n',
                   drop="1.1.9.0.0.5.5.5.3.1.6", ttl_change=True)
        t0 = time.monotonic()
        enumd.reload()
        wait_for(lambda: soa_serial(knot.port, ZONE) == 2, 15, "Knot to serve serial 2 after NOTIFY")
        took = time.monotonic() - t0
        check(took < 15, f"Knot served serial 2 {took:.2f} s after the reload (NOTIFY; its refresh timer is 3600 s)")
        logs = enumd.logs()
        check('event="IXFR out" from="1" serial="2"' in logs, "Knot refreshed by IXFR from enumd's journal")
        check("NOTIFY answered" in logs, "enumd logged Knot's answer to NOTIFY")
        expected2 = axfr_rrsets(enumd.port, ZONE, keyring=KEY, keyname="xfr.")
        check(("9.9.9.9.0.5.5.5.3.1.6.e164.arpa.", dns.rdatatype.NAPTR) in expected2 and
              ("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns.rdatatype.NAPTR) not in expected2,
              "enumd's new version has the added number and not the removed one")
        diffs = compare_servers(expected2, enumd.port, knot.port)
        check(not diffs, f"after IXFR Knot and enumd serve the same {len(expected2)} RRsets" +
              (f": {diffs[:3]}" if diffs else ""))
        gone, rcode = __import__("xfr_harness").query_rrset(knot.port, "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR")
        check(gone is None and rcode == dns.rcode.NXDOMAIN, "the removed number is NXDOMAIN on Knot")

        # enumctl zones shows the role and the NOTIFY outcome.
        out = enumd.ctl("zones").stdout
        check("role=primary" in out and "notified_serial=2" in out, f"enumctl zones: {out.strip()}")

        # Knot with the wrong secret never gets the zone.
        knot_bad = Knot(tmp, [ZONE], name="knot-bad", key_secret=WRONG_SECRET, primary_port=enumd.port)
        time.sleep(3)
        bad_serial = None
        try:
            bad_serial = soa_serial(knot_bad.port, ZONE)
        except dns.exception.DNSException:
            pass
        check(bad_serial is None, f"Knot with the wrong TSIG secret serves no zone (serial {bad_serial})")
        check('error="BADSIG"' in enumd.logs(), "enumd logged BADSIG for the wrong secret")

        # dnspython: unsigned, wrongly signed, and signed from outside the address ACL.
        def xfr_rcode(**kw):
            q = dns.message.make_query(ZONE, "AXFR")
            if "keyring" in kw:
                q.use_tsig(kw["keyring"], keyname="xfr.")
            try:
                r = dns.query.tcp(q, "127.0.0.1", port=enumd.port, timeout=3, source=kw.get("source"))
                return dns.rcode.to_text(r.rcode())
            except dns.tsig.PeerBadSignature:
                return "BADSIG"
            except dns.tsig.PeerError as e:
                return type(e).__name__
        check(xfr_rcode() == "REFUSED", "unsigned AXFR is REFUSED when the zone requires a key")
        check(xfr_rcode(keyring=BAD_KEY) == "BADSIG", "AXFR signed with the wrong secret → NOTAUTH/BADSIG")
        check(xfr_rcode(keyring=KEY, source="127.0.0.2") == "REFUSED", "signed AXFR from 127.0.0.2 (outside allow) REFUSED")
        check(xfr_rcode(keyring=KEY) == "NOERROR", "signed AXFR from 127.0.0.1 is served")
        q = dns.message.make_query(ZONE, "AXFR")
        r = dns.query.udp(q, "127.0.0.1", port=enumd.port, timeout=2)
        check(r.rcode() == dns.rcode.FORMERR, "AXFR over UDP is FORMERR")
    finally:
        for p in (knot_bad, knot, enumd):
            if p is not None:
                p.stop()
        if failures:
            for p, n in ((enumd, "enumd"), (knot, "knot")):
                if p is not None:
                    print(f"--- {n} log (tail)\n" + "\n".join(p.logs().splitlines()[-40:]))
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failure(s), {len(sanitizer_reports)} sanitizer report(s)")
    return 1 if failures or sanitizer_reports else 0


if __name__ == "__main__":
    sys.exit(main())
