#!/usr/bin/python3
"""A secondary does not hold an incoming transfer in memory (issue 12 item 8).

enumd, secondary of an enumd primary serving 200,000 numbers, takes the zone
by AXFR and then one changed number by IXFR. The records go from the reply
into an external sort (temporary files, runs of 64 MiB) and from there into
the store's write transaction node by node; an IXFR is applied to the stored
version read node by node. Before, the secondary built the zone as Record
objects and a node map: 1,400 bytes of peak memory per record for the AXFR,
2,068 for the IXFR (which loaded the whole stored zone). The peak resident memory (VmHWM) is checked per record
against an idle enumd's, for the AXFR and (after clear_refs resets the peak)
for the IXFR. Under the sanitizers the figures are reported, not checked.
"""
import os
import re

from enumd_testlib import SANITIZED, Checker, Enumd, Scratch, free_port, run_in_scratch, soa_serial, wait_for
from enumd_testlib.zonefiles import write_numbers_zone

c = Checker()
NUMBERS = 200_000
RECORDS = NUMBERS + 2
ZONE = "e164.arpa."
# Measured on 200,002 records: before, AXFR 1,400 and IXFR 2,068 bytes per record; now 192 and 343 (LMDB's dirty
# pages, the sort's entries, and for the IXFR the stored version's pages read through the map).
MAX_AXFR_BYTES_PER_RECORD = 500
MAX_IXFR_BYTES_PER_RECORD = 700


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def check_naptr(secondary, digits, uri, what):
    """The NAPTR of 613<digits> on the secondary holds `uri`."""
    r = secondary.query(".".join(reversed(digits)) + ".3.1.6." + ZONE, "NAPTR")
    c.check(len(r.answer) == 1 and uri in r.answer[0].to_text(), what, r.to_text())


def check_peak(what, grown_kb, limit):
    """Peak memory growth per record of the zone, checked unless under the sanitizers."""
    per_record = grown_kb * 1024 / RECORDS
    print(f"{what}: {grown_kb / 1024:.1f} MB, {per_record:.0f} bytes per record")
    if not SANITIZED:
        c.check(per_record < limit, f"{what}: {per_record:.0f} < {limit} B/record")


def body(s):
    zone = s.path("numbers.zone")
    write_numbers_zone(zone, NUMBERS, 1, "sip.example.net")
    sport = free_port()
    primary = s.start(Enumd(["--zone", zone, "--db", s.path("pdb"), "--allow-transfer", "127.0.0.1",
                             "--notify", f"127.0.0.1:{sport}"], threads=1,
                            name="primary", workdir=s.tmp, timeout=180))
    idle = s.start(Enumd(["--db", s.path("idle-db")], threads=1, name="idle", workdir=s.tmp))
    idle_kb = status_kb(idle.pid, "VmHWM")
    secondary = s.start(Enumd(["--db", s.path("sdb"), "--secondary", f"{ZONE}=127.0.0.1:{primary.port}"], threads=1,
                              name="secondary", workdir=s.tmp, port=sport))
    wait_for(lambda: soa_serial(secondary.port, ZONE) == 1, 180, "the secondary to transfer serial 1")
    logs = secondary.logs()
    c.check('event="AXFR in received"' in logs, "the first transfer is an AXFR")
    m = re.search(r'event="transfer in stored".*records="(\d+)"', logs)
    c.check(m is not None and int(m.group(1)) == RECORDS, f"the AXFR stored {RECORDS} records ({m and m.group(1)})")
    check_naptr(secondary, "00000012", "sip:12@sip.example.net", "a transferred number answers")
    check_peak(f"AXFR of {RECORDS} records, secondary peak over an idle enumd's",
               status_kb(secondary.pid, "VmHWM") - idle_kb, MAX_AXFR_BYTES_PER_RECORD)

    # One number changes: the IXFR is applied to the stored version read node by node.
    with open(f"/proc/{secondary.pid}/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS
    before = status_kb(secondary.pid, "VmHWM")
    with open(zone) as f:
        text = f.read()
    text = text.replace(" 1 3600 600 604800 300", " 2 3600 600 604800 300", 1)
    text = text.replace("!sip:12@sip.example.net!", "!sip:twelve@sip.example.net!", 1)
    with open(zone, "w") as f:
        f.write(text)
    primary.reload()
    wait_for(lambda: soa_serial(secondary.port, ZONE) == 2, 120, "the secondary to follow serial 2")
    c.check('event="IXFR in received"' in secondary.logs(), "the change arrived by IXFR")
    check_naptr(secondary, "00000012", "sip:twelve@", "the changed number answers its new URI")
    check_naptr(secondary, "00000013", "sip:13@", "an unchanged number still answers")
    check_peak(f"IXFR of one change to {RECORDS} records, secondary peak growth",
               status_kb(secondary.pid, "VmHWM") - before, MAX_IXFR_BYTES_PER_RECORD)


if __name__ == "__main__":
    raise SystemExit(run_in_scratch(c, Scratch("enumd-secmem-"), body))
