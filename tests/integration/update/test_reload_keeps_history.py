#!/usr/bin/python3
"""A reload of unchanged files keeps live changes, the serial and the IXFR
history (issue 11, "stale content hash"; zones/README.md "Reloads").

A zone with numbers_csv gets a live change over the API; SIGHUP and `enumctl
reload` without a file change must leave it alone: serial unchanged, the change
still answered, and an IXFR from the serial before the change still answered as
an IXFR (before the fix, every reload recompiled the zone, bumped the serial and
dropped the journal: secondaries re-took the whole zone by AXFR every time).
Then a real edit of the CSV file: the reload compiles, the serial moves forward,
the new number answers, the live change is still applied over the file, and the
recompile is journaled: an IXFR carries just the new number."""
import http.client
import json
import os
import sys
import time

import dns.message
import dns.query
import dns.rdatatype

from enumd_testlib import (Checker, Enumd, Scratch, enum_owner, free_port, query_rrset, run_in_scratch, soa_serial,
                           wait_for)

c = Checker()
ZONE = "1.6.e164.arpa."
SECRET = "reload-keeps-history-token-0123456789"
ZONE_YAML = """origin: 1.6.e164.arpa.
ttl: 300
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: auto}
ns: [ns1.example.net.]
routes:
  telstra: "sip:{number}@sip.telstra.example"
  optus: "sip:{number}@sip.optus.example"
numbers_csv: numbers.csv
"""


def naptr(e, number):
    got, rcode = query_rrset(e.port, enum_owner(number), "NAPTR")
    return (got[1] if got else []), rcode


def ixfr_kind(e, serial):
    """'IXFR' when the answer to an IXFR from `serial` is incremental (RFC 1995 §4: the second record is the
    client's SOA), 'AXFR' when it is the whole zone, 'up to date' for a single SOA."""
    msgs = list(dns.query.xfr("127.0.0.1", ZONE, rdtype=dns.rdatatype.IXFR, serial=serial, port=e.port, timeout=10,
                              relativize=False))
    rrs = [rr for m in msgs for rrset in m.answer for rr in [rrset]]
    if len(rrs) == 1:
        return "up to date"
    second = rrs[1]
    return "IXFR" if second.rdtype == dns.rdatatype.SOA and second[0].serial == serial else "AXFR"


def api_put(port, number, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("PUT", f"/v1/zones/{ZONE}/numbers/{number}", body=json.dumps(body),
                 headers={"Authorization": "Bearer " + SECRET, "Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, r.read().decode()


def scenario(s):
    tmp = s.tmp
    with open(os.path.join(tmp, "zone.yaml"), "w") as f:
        f.write(ZONE_YAML)
    with open(os.path.join(tmp, "numbers.csv"), "w") as f:
        f.write("number,route\n")
        for i in range(2000):
            f.write(f"+6125550{i:04d},{'telstra' if i % 2 else 'optus'}\n")
    with open(os.path.join(tmp, "prov.secret"), "w") as f:
        f.write(SECRET + "\n")
    os.chmod(os.path.join(tmp, "prov.secret"), 0o600)
    time.sleep(0.05)  # the files are older than the first compile (a file written during it is never trusted)
    api_port = free_port()
    config = f"""database: {tmp}/db
zones:
  - file: {tmp}/zone.yaml
    transfer: {{allow: [127.0.0.1]}}
api:
  listen: 127.0.0.1:{api_port}
  tokens:
    - {{name: provisioning, secret_file: {tmp}/prov.secret, zones: [{ZONE}]}}
"""
    e = s.start(Enumd(config=config, listen=True, control=True, workdir=tmp))
    s0 = soa_serial(e.port, ZONE)
    status, text = api_put(api_port, "+61255500001", {"route": "optus"})
    c.check(status == 200, "API PUT of a CSV number", f"{status} {text}")
    s1 = soa_serial(e.port, ZONE)
    c.check(s1 == s0 + 1, "the live change has its own serial", f"{s0} -> {s1}")
    c.check("sip.optus.example" in str(naptr(e, "+61255500001")[0]), "the live change answers")
    c.check(ixfr_kind(e, s0) == "IXFR", "IXFR from the previous serial is incremental before any reload")

    # SIGHUP, then enumctl reload: no file changed.
    reloads = e.logs().count("reloaded")
    e.reload()
    wait_for(lambda: e.logs().count("reloaded") > reloads, 60, "the SIGHUP reload")
    p = e.ctl("reload")
    c.check(p.returncode == 0 and "(unchanged)" in p.stdout, "enumctl reload: the zone is unchanged",
            p.stdout + p.stderr)
    c.check(soa_serial(e.port, ZONE) == s1, "reloads of unchanged files keep the serial",
            f"{s1} -> {soa_serial(e.port, ZONE)}")
    c.check("sip.optus.example" in str(naptr(e, "+61255500001")[0]), "the live change still answers")
    kind = ixfr_kind(e, s0)
    c.check(kind == "IXFR", "IXFR from the serial before the live change is still an IXFR, not an AXFR", kind)
    c.check("IXFR history cut" not in e.logs(), "no history was cut")

    # A real edit of the CSV file: compiled, serial forward, the override still applied.
    with open(os.path.join(tmp, "numbers.csv"), "a") as f:
        f.write("+61255509999,telstra\n")
    p = e.ctl("reload")
    s2 = soa_serial(e.port, ZONE)
    c.check(p.returncode == 0 and "(unchanged)" not in p.stdout, "an edited CSV file is compiled",
            p.stdout + p.stderr)
    c.check(s2 == s1 + 1, "the serial moves forward from the served one", f"{s1} -> {s2}")
    c.check("sip.telstra.example" in str(naptr(e, "+61255509999")[0]), "the new CSV number answers")
    c.check("sip.optus.example" in str(naptr(e, "+61255500001")[0]), "the live change is still applied over the file")
    # The recompile is journaled (the stored versions compared): secondaries follow by IXFR, carrying the
    # one new number, and the chain from before the live change still holds.
    c.check("IXFR history cut" not in e.logs(), "the recompile of the CSV cuts no history", e.tail(5))
    c.check(ixfr_kind(e, s1) == "IXFR", "IXFR from before the recompile is incremental")
    msgs = list(dns.query.xfr("127.0.0.1", ZONE, rdtype=dns.rdatatype.IXFR, serial=s1, port=e.port, timeout=10,
                              relativize=False))
    owners = {rrset.name.to_text() for m in msgs for rrset in m.answer if rrset.rdtype == dns.rdatatype.NAPTR}
    c.check(owners == {enum_owner("+61255509999")}, "the IXFR carries just the new number", repr(owners))
    c.check(ixfr_kind(e, s0) == "IXFR", "IXFR from the serial before the live change is still incremental")
    # And the edited files reload as unchanged again.
    p = e.ctl("reload")
    c.check(p.returncode == 0 and "(unchanged)" in p.stdout and soa_serial(e.port, ZONE) == s2,
            "the next reload of the edited files changes nothing", p.stdout)


def main():
    return run_in_scratch(c, Scratch("enumd-reload-hist-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
