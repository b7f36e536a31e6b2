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
import sys
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig

from enumd_testlib import Checker, Enumd, Knot, free_port, query_rrset, soa_serial, wait_for
from enumd_testlib.xfr import (BAD_KEY, KEY, SECRET, WRONG_SECRET, ZONE, check_same_rrsets, enumd_primary_config,
                               run_in_lab, write_lab_zone)

c = Checker()


def run(lab):
    tmp, zone_path = lab.tmp, lab.zone_path
    kport = free_port()

    enumd = lab.start(Enumd(config=enumd_primary_config(f"{tmp}/db", zone_path, kport), workdir=tmp))
    knot = lab.start(Knot(tmp, secondary_zones=[ZONE], key_secret=SECRET, primary_port=enumd.port, port=kport, journal=True))
    serial = wait_for(lambda: soa_serial(knot.port, ZONE) == 1, 20, "Knot to serve serial 1")
    c.check(serial is True, "Knot transferred the lab zone and serves serial 1")
    expected = check_same_rrsets(c, enumd.port, knot.port, "Knot and enumd")
    c.check(len(expected) >= 9, f"AXFR from enumd has {len(expected)} RRsets")

    # A change: one number added, one removed, one TTL changed, serial 2; SIGHUP → NOTIFY → IXFR.
    write_lab_zone(zone_path, 2,
                   extra='9.9.9.9.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:new@server9.example.net!" .\n',
                   drop=("1.1.9.0.0.5.5.5.3.1.6",),
                   replace={"5.4.3.2.0.5.5.5.2.1.6 IN": "5.4.3.2.0.5.5.5.2.1.6 600 IN"})
    t0 = time.monotonic()
    enumd.reload()
    wait_for(lambda: soa_serial(knot.port, ZONE) == 2, 15, "Knot to serve serial 2 after NOTIFY")
    took = time.monotonic() - t0
    c.check(took < 15, f"Knot served serial 2 {took:.2f} s after the reload (NOTIFY; its refresh timer is 3600 s)")
    logs = enumd.logs()
    c.check('event="IXFR out" from="1" serial="2"' in logs, "Knot refreshed by IXFR from enumd's journal")
    c.check("NOTIFY answered" in logs, "enumd logged Knot's answer to NOTIFY")
    expected2 = check_same_rrsets(c, enumd.port, knot.port, "after IXFR Knot and enumd")
    c.check(("9.9.9.9.0.5.5.5.3.1.6.e164.arpa.", dns.rdatatype.NAPTR) in expected2 and
            ("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns.rdatatype.NAPTR) not in expected2,
            "enumd's new version has the added number and not the removed one")
    gone, rcode = query_rrset(knot.port, "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR")
    c.check(gone is None and rcode == dns.rcode.NXDOMAIN, "the removed number is NXDOMAIN on Knot")

    # enumctl zones shows the role and the NOTIFY outcome.
    out = enumd.ctl("zones").stdout
    c.check("role=primary" in out and "notified_serial=2" in out, f"enumctl zones: {out.strip()}")

    # Knot with the wrong secret never gets the zone.
    knot_bad = lab.start(Knot(tmp, secondary_zones=[ZONE], name="knot-bad", key_secret=WRONG_SECRET, primary_port=enumd.port,
                    journal=True))
    time.sleep(3)
    bad_serial = None
    try:
        bad_serial = soa_serial(knot_bad.port, ZONE)
    except dns.exception.DNSException:
        pass
    c.check(bad_serial is None, f"Knot with the wrong TSIG secret serves no zone (serial {bad_serial})")
    c.check('error="BADSIG"' in enumd.logs(), "enumd logged BADSIG for the wrong secret")

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
    c.check(xfr_rcode() == "REFUSED", "unsigned AXFR is REFUSED when the zone requires a key")
    c.check(xfr_rcode(keyring=BAD_KEY) == "BADSIG", "AXFR signed with the wrong secret → NOTAUTH/BADSIG")
    c.check(xfr_rcode(keyring=KEY, source="127.0.0.2") == "REFUSED", "signed AXFR from 127.0.0.2 (outside allow) REFUSED")
    c.check(xfr_rcode(keyring=KEY) == "NOERROR", "signed AXFR from 127.0.0.1 is served")
    q = dns.message.make_query(ZONE, "AXFR")
    r = dns.query.udp(q, "127.0.0.1", port=enumd.port, timeout=2)
    c.check(r.rcode() == dns.rcode.FORMERR, "AXFR over UDP is FORMERR")


def main():
    return run_in_lab(c, "enumd-xfr-knot-", run)


if __name__ == "__main__":
    sys.exit(main())
