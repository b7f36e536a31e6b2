#!/usr/bin/python3
"""enumd as a secondary.

- Knot DNS as primary (TSIG hmac-sha256): enumd transfers the lab zone and
  serves the same serial and RRsets; a change reloaded on Knot is NOTIFYed
  and enumd serves the new serial and RRsets within seconds.
- `enumctl zones` shows role, last transfer and next refresh.
- A restart serves the stored zone at once, without transferring again.
- The change arrives by IXFR (applied to the stored version, written in one
  transaction); the first transfer is AXFR.
- A primary killed mid-transfer leaves enumd serving the old version.
- A NOTIFY from an address that is not a primary is REFUSED.
"""
import os
import signal
import sys
import time

import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype

from enumd_testlib import Checker, Enumd, Knot, Proc, free_port, query_rrset, soa_serial, wait_for
from enumd_testlib.xfr import SECRET, ZONE, check_same_rrsets, enumd_secondary_config, run_in_lab, write_lab_zone

HERE = os.path.dirname(os.path.abspath(__file__))
c = Checker()


def run(lab):
    tmp, zone_path = lab.tmp, lab.zone_path
    eport = free_port()
    fport = free_port()
    state = os.path.join(tmp, "fake.state")
    with open(state, "w") as f:
        f.write("1")

    knot = lab.start(Knot(tmp, {ZONE: zone_path}, name="knot-primary", key_secret=SECRET, notify_port=eport, journal=True))
    fake = lab.start(Proc(["/usr/bin/python3", os.path.join(HERE, "fake_primary.py"), str(fport), state],
                os.path.join(tmp, "fake.log"), name="fake-primary"))
    wait_for(lambda: "ready" in fake.logs(), 10, "the fake primary")
    config = enumd_secondary_config(f"{tmp}/db", {ZONE: (knot.port, True), "fake.test.": (fport, False)})
    enumd = lab.start(Enumd(config=config, workdir=tmp, port=eport))
    wait_for(lambda: soa_serial(enumd.port, ZONE) == 1, 20, "enumd to transfer serial 1 from Knot")
    c.check(True, "enumd transferred the lab zone from Knot (TSIG) and serves serial 1")
    check_same_rrsets(c, knot.port, enumd.port, "enumd and Knot")

    # A change on the primary: Knot reloads, NOTIFYs enumd, enumd transfers.
    write_lab_zone(zone_path, 2, '7.7.7.7.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:seven@x.example.net!" .\n')
    t0 = time.monotonic()
    r = knot.knotc("zone-reload", ZONE)
    c.check(r.returncode == 0, f"knotc zone-reload: {r.stdout.strip()} {r.stderr.strip()}")
    wait_for(lambda: soa_serial(enumd.port, ZONE) == 2, 15, "enumd to serve serial 2 after Knot's NOTIFY")
    took = time.monotonic() - t0
    c.check(took < 15, f"enumd served serial 2 {took:.2f} s after the change (NOTIFY, refresh timer 3600 s)")
    c.check("NOTIFY received, refreshing" in enumd.logs(), "enumd logged the NOTIFY from Knot")
    c.check('event="IXFR in received"' in enumd.logs(), "enumd refreshed by IXFR from Knot's journal")
    expected = check_same_rrsets(c, knot.port, enumd.port, "after the change enumd and Knot")
    c.check(("7.7.7.7.0.5.5.5.3.1.6.e164.arpa.", dns.rdatatype.NAPTR) in expected, "the change has the added number")

    out = enumd.ctl("zones").stdout
    line = [l for l in out.splitlines() if l.startswith(ZONE)]
    c.check(line and "role=secondary" in line[0] and "last_transfer=20" in line[0] and "next_refresh=20" in line[0],
            f"enumctl zones: {line[0] if line else out!r}")

    # The fake primary: version 1 transfers; version 2 stalls after one message and is killed.
    wait_for(lambda: soa_serial(enumd.port, "fake.test.") == 1, 20, "enumd to transfer fake.test. serial 1")
    before, _ = query_rrset(enumd.port, "h7.fake.test.", "A")
    c.check(before is not None and before[1] == ["192.0.2.7"], f"fake.test. version 1 served: {before}")
    with open(state, "w") as f:
        f.write("2")
    n = dns.message.make_query("fake.test.", "SOA")
    n.set_opcode(dns.opcode.NOTIFY)
    n.flags |= dns.flags.AA
    resp = dns.query.udp(n, "127.0.0.1", port=enumd.port, timeout=2)
    c.check(resp.rcode() == dns.rcode.NOERROR and resp.opcode() == dns.opcode.NOTIFY,
            "NOTIFY from the primary's address is accepted")
    wait_for(lambda: "stalling after the first message" in fake.logs(), 15, "the fake primary to start streaming")
    fake.stop(signal.SIGKILL)
    wait_for(lambda: "in failed, old data keeps serving" in enumd.logs(), 20, "enumd to notice the broken transfer")
    after, _ = query_rrset(enumd.port, "h7.fake.test.", "A")
    c.check(soa_serial(enumd.port, "fake.test.") == 1 and after == before,
            "after the primary died mid-transfer enumd still serves version 1 (serial 1, same data)")

    # A NOTIFY from an address that is not the zone's primary is refused.
    resp = dns.query.udp(n, "127.0.0.1", port=enumd.port, timeout=2, source="127.0.0.2")
    c.check(resp.rcode() == dns.rcode.REFUSED, "NOTIFY from 127.0.0.2 (not a primary) is REFUSED")

    # Restart: the stored zones serve at once and nothing is transferred again.
    enumd.stop()
    enumd = lab.start(Enumd(config=config, workdir=tmp, port=eport, name="enumd2"))
    c.check(soa_serial(enumd.port, ZONE) == 2, "after a restart enumd serves serial 2 from its database at once")
    time.sleep(1.5)
    logs = enumd.logs()
    c.check('event="transfer in stored"' not in logs, "no transfer after the restart (serials unchanged)")
    out = enumd.ctl("zones").stdout
    c.check("up to date with" in out, f"the restarted secondary checked the primary's SOA: {out.strip()}")


def main():
    return run_in_lab(c, "enumd-xfr-secondary-", run)


if __name__ == "__main__":
    sys.exit(main())
