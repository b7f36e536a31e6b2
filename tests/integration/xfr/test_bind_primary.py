#!/usr/bin/python3
"""BIND 9 as primary for enumd (skipped when named is not installed).

enumd transfers the lab zone from BIND with TSIG and serves the same serial
and RRsets; a change loaded by BIND (rndc-less: SIGHUP) is NOTIFYed and
arrives by IXFR (BIND's ixfr-from-differences); a second enumd configured
with the wrong TSIG secret never serves the zone.
"""
import sys
import time

from enumd_testlib import Bind, Checker, Enumd, free_port, soa_serial, wait_for
from enumd_testlib.xfr import (SECRET, WRONG_SECRET, ZONE, check_same_rrsets, enumd_secondary_config, run_in_lab,
                               write_lab_zone)

c = Checker()


def run(lab):
    tmp, zone_path = lab.tmp, lab.zone_path
    eport = free_port()

    def config(secret):
        return enumd_secondary_config(f"{tmp}/db-{{port}}", {ZONE: (named.port, True)}, secret)

    named = lab.start(Bind(tmp, primary_zones={ZONE: zone_path}, key_secret=SECRET, notify=[eport]))
    wait_for(lambda: soa_serial(named.port, ZONE) == 1, 30, "BIND to load the zone")
    enumd = lab.start(Enumd(config=config(SECRET), workdir=tmp, port=eport))
    wait_for(lambda: soa_serial(eport, ZONE) == 1, 20, "enumd to transfer serial 1 from BIND")
    c.check(True, "enumd transferred the lab zone from BIND (TSIG) and serves serial 1")
    check_same_rrsets(c, named.port, eport, "enumd and BIND")

    write_lab_zone(zone_path, 2, '5.5.5.5.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:five@x.example.net!" .\n')
    time.sleep(1.1)  # BIND compares file mtimes in seconds
    t0 = time.monotonic()
    named.reload()
    wait_for(lambda: soa_serial(eport, ZONE) == 2, 20, "enumd to serve serial 2 after BIND's NOTIFY")
    c.check(True, f"enumd served serial 2 {time.monotonic() - t0:.2f} s after BIND reloaded (NOTIFY)")
    c.check('event="IXFR in received"' in enumd.logs(), "the change arrived by IXFR from BIND")
    check_same_rrsets(c, named.port, eport, "after the change enumd and BIND")

    bad = lab.start(Enumd(config=config(WRONG_SECRET), workdir=tmp, name="enumd-bad"))
    time.sleep(3)
    c.check(soa_serial(bad.port, ZONE) is None, "enumd with the wrong TSIG secret does not serve the zone")
    out = bad.ctl("zones").stdout
    c.check('event="refresh failed' in bad.logs() and "TSIG" in bad.logs() and "TSIG" in out,
            f"the failed refresh is logged and shown as a TSIG problem: {out.strip()}")


def main():
    if not Bind.available():
        print("SKIP: named (bind9) is not installed")
        return 0
    return run_in_lab(c, "enumd-xfr-bindp-", run, lines=25)


if __name__ == "__main__":
    sys.exit(main())
