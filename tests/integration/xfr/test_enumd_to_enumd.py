#!/usr/bin/python3
"""enumd as a secondary of enumd: the first transfer is AXFR, every later
change (additions, deletions, a TTL change, over three versions, one of them
while the secondary is down) arrives by IXFR from the primary's journal, and
the secondary serves exactly the primary's RRsets after each step. A secondary
whose serial is older than the kept history gets the AXFR form and still
converges.
"""
import sys

from enumd_testlib import Checker, Enumd, free_port, soa_serial, wait_for
from enumd_testlib.xfr import (ZONE, check_same_rrsets, enumd_primary_config, enumd_secondary_config, run_in_lab,
                               write_lab_zone)

c = Checker()


def run(lab):
    tmp, zone_path = lab.tmp, lab.zone_path
    sport = free_port()

    primary = lab.start(Enumd(config=enumd_primary_config(f"{tmp}/pdb", zone_path, sport), workdir=tmp, name="primary"))

    secondary_config = enumd_secondary_config(f"{tmp}/sdb", {ZONE: (primary.port, True)})
    secondary = lab.start(Enumd(config=secondary_config, workdir=tmp, name="secondary", port=sport))
    wait_for(lambda: soa_serial(sport, ZONE) == 1, 20, "the secondary to transfer serial 1")
    c.check('event="AXFR in received"' in secondary.logs(), "the first transfer is an AXFR")
    steps = [
        (2, ("1.1.9.0.0.5.5.5.3.1.6",), '6.6.6.6.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:six@x.example.net!" .\n'),
        (3, ("1.1.9.0.0.5.5.5.3.1.6", "*.2.0.5.5.5.2.1.6"),
         '6.6.6.6.0.5.5.5.3.1.6 600 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:six@x.example.net!" .\n'),
        # Only the serial changes: still NOTIFYed and transferred.
        (4, ("1.1.9.0.0.5.5.5.3.1.6", "*.2.0.5.5.5.2.1.6"),
         '6.6.6.6.0.5.5.5.3.1.6 600 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:six@x.example.net!" .\n'),
    ]
    for serial, drop, extra in steps:
        write_lab_zone(zone_path, serial, extra, drop)
        primary.reload()
        wait_for(lambda: soa_serial(sport, ZONE) == serial, 15, f"the secondary to serve serial {serial}")
        check_same_rrsets(c, primary.port, sport, f"serial {serial}: the primary and the secondary")
    c.check(secondary.logs().count('event="IXFR in received"') >= 3, "all three changes arrived by IXFR")
    c.check(primary.logs().count('event="IXFR out" from=') >= 3, "the primary answered from its journal")

    # Two versions while the secondary is down: one IXFR spanning both at restart.
    secondary.stop()
    write_lab_zone(zone_path, 5, drop=("2.1.9.0.0.5.5.5.3.1.6",))
    primary.reload()
    wait_for(lambda: soa_serial(primary.port, ZONE) == 5, 10, "the primary to compile serial 5")
    write_lab_zone(zone_path, 6, drop=("2.1.9.0.0.5.5.5.3.1.6", "3.1.9.0.0.5.5.5.3.1.6"))
    primary.reload()
    wait_for(lambda: soa_serial(primary.port, ZONE) == 6, 10, "the primary to compile serial 6")
    secondary = lab.start(Enumd(config=secondary_config, workdir=tmp, name="secondary2", port=sport))
    wait_for(lambda: soa_serial(sport, ZONE) == 6, 20, "the restarted secondary to catch up to serial 6")
    c.check('event="IXFR in received"' in secondary.logs() and 'IXFR out" from="4" serial="6"' in primary.logs(),
            "the restarted secondary caught up 4 → 6 with one IXFR over two journal entries")
    check_same_rrsets(c, primary.port, sport, "serial 6: the primary and the secondary")


def main():
    return run_in_lab(c, "enumd-xfr-e2e-", run, lines=25)


if __name__ == "__main__":
    sys.exit(main())
