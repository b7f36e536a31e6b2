#!/usr/bin/python3
"""--watch follows every file a zone is compiled from, not only the zone file: an edit of its
numbers_csv file or of an included file reloads the zone on its own (issue 10: --watch ignored
CSV files), and a file added by a reload (a new include) is watched from then on."""
import os
import time

import dns.rcode

from enumd_testlib import Checker, Enumd, Scratch, enum_owner, run_in_scratch, wait_until

c = Checker()

ZONE = """origin: 1.6.e164.arpa.
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: auto}
ns: [ns1.example.net.]
routes:
  telstra: {uri: "sip:{number}@sip.telstra.example"}
numbers_csv: ported.csv
include: more.yaml
"""


def rcode(srv, digits):
    return srv.query(enum_owner(digits), "NAPTR").rcode()


def write(path, text):
    # A new mtime even on a coarse clock: the watcher compares modification times.
    with open(path, "w") as f:
        f.write(text)
    t = time.time() + 2
    os.utime(path, (t, t))


def body(s):
    write(s.path("zone.yaml"), ZONE)
    write(s.path("ported.csv"), "number,route\n+61355500001,telstra\n")
    write(s.path("more.yaml"), 'numbers:\n  - {number: "+61355500101", naptr: "sip:a@b.example"}\n')
    srv = s.start(Enumd(["--zone", s.path("zone.yaml"), "--watch"]))
    c.check(rcode(srv, "61355500001") == dns.rcode.NOERROR, "the CSV's number answers")
    c.check(rcode(srv, "61355500002") == dns.rcode.NXDOMAIN, "a number not yet in the CSV does not")

    write(s.path("ported.csv"), "number,route\n+61355500001,telstra\n+61355500002,telstra\n")
    c.check(wait_until(lambda: rcode(srv, "61355500002") == dns.rcode.NOERROR, 15),
            "an edit of the numbers_csv file alone reloads the zone", srv.tail())

    write(s.path("more.yaml"), 'numbers:\n  - {number: "+61355500102", naptr: "sip:a@b.example"}\n'
                               "include: extra.yaml\n")
    write(s.path("extra.yaml"), 'numbers:\n  - {number: "+61355500201", naptr: "sip:c@d.example"}\n')
    c.check(wait_until(lambda: rcode(srv, "61355500102") == dns.rcode.NOERROR
                       and rcode(srv, "61355500101") == dns.rcode.NXDOMAIN, 15),
            "an edit of an included file alone reloads the zone", srv.tail())
    c.check(rcode(srv, "61355500201") == dns.rcode.NOERROR, "the new include is read")

    write(s.path("extra.yaml"), 'numbers:\n  - {number: "+61355500202", naptr: "sip:c@d.example"}\n')
    c.check(wait_until(lambda: rcode(srv, "61355500202") == dns.rcode.NOERROR, 15),
            "the include added by a reload is watched from then on", srv.tail())
    c.check(srv.logs().count("file change seen") >= 3, "each reload says which file changed")


if __name__ == "__main__":
    raise SystemExit(run_in_scratch(c, Scratch("enumd-watch-sources-"), body))
