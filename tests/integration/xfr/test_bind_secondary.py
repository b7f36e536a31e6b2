#!/usr/bin/python3
"""BIND 9 as a secondary of enumd (skipped when named is not installed).

BIND transfers the ENUM lab zone with TSIG hmac-sha256 and serves the same
serial and RRsets as enumd; a compiled change is NOTIFYed and BIND refreshes
(by IXFR from enumd's journal) and serves the new serial and RRsets.
"""
import sys
import time

from enumd_testlib import Bind, Checker, Enumd, free_port, soa_serial, wait_for
from enumd_testlib.xfr import SECRET, ZONE, check_same_rrsets, enumd_primary_config, run_in_lab, write_lab_zone

c = Checker()


def run(lab):
    tmp, zone_path = lab.tmp, lab.zone_path
    bport = free_port()

    enumd = lab.start(Enumd(config=enumd_primary_config(f"{tmp}/db", zone_path, bport), workdir=tmp))
    lab.start(Bind(tmp, secondary_zones=[ZONE], primary_port=enumd.port, key_secret=SECRET, port=bport))
    wait_for(lambda: soa_serial(bport, ZONE) == 1, 30, "BIND to transfer serial 1")
    c.check(True, "BIND transferred the lab zone from enumd (TSIG) and serves serial 1")
    check_same_rrsets(c, enumd.port, bport, "BIND and enumd")

    write_lab_zone(zone_path, 2, '8.8.8.8.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:eight@x.example.net!" .\n')
    t0 = time.monotonic()
    enumd.reload()
    wait_for(lambda: soa_serial(bport, ZONE) == 2, 20, "BIND to serve serial 2 after NOTIFY")
    c.check(True, f"BIND served serial 2 {time.monotonic() - t0:.2f} s after the reload (NOTIFY)")
    c.check('event="IXFR out" from="1" serial="2"' in enumd.logs(), "BIND refreshed by IXFR from enumd's journal")
    check_same_rrsets(c, enumd.port, bport, "after IXFR BIND and enumd")


def main():
    if not Bind.available():
        print("SKIP: named (bind9) is not installed")
        return 0
    return run_in_lab(c, "enumd-xfr-bind-", run, lines=30)


if __name__ == "__main__":
    sys.exit(main())
