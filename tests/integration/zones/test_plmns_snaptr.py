#!/usr/bin/python3
"""S-NAPTR node selection and AMF names from a `plmns` block, end to end (issue 14): enumd serves the
records the zone compiler generates from `snaptr` and `amf` entries, and the client library's
S-NAPTR selection (`enumq snaptr`, RFC 3958 / TS 29.303) finds them under the names it builds itself
(numbering/gpp_names.hpp on both sides). PGW candidates come by NAPTR order, only those offering the
asked protocol; an SGW list for the TAI pairs with the topologically closest PGW (TS 29.303 Annex C),
not the best-ranked one; an "s" record at the 5GS TAI name leads through SRV to an AMF; the AMF Name,
Set and Instance names (TS 23.003 §28.3.2.5/7/8) answer with their addresses."""
import json

from enumd_testlib import Checker, Enumd, Scratch, enumq_json, query_rrset, run_in_scratch

c = Checker()
NODE = ".node.epc.mnc012.mcc345.3gppnetwork.org"

ZONE = """origin: 3gppnetwork.org.
ttl: 300
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}
ns: [ns1.example.net.]
plmns:
  - mcc: "345"
    mnc: "12"
    amf:
      - {name: amf1, region: "48", set: "001", pointer: "01", addresses: 192.0.2.61}
      - {name: amf2, region: "48", set: "001", pointer: "02", addresses: 192.0.2.62}
    snaptr:
      - {apn: internet, service: "x-3gpp-pgw:x-s5-gtp:x-s8-gtp", order: 10,
         node: topon.s5.pgw2.east.node.epc.mnc012.mcc345, addresses: 192.0.2.72}
      - {apn: internet, service: "x-3gpp-pgw:x-s5-gtp", order: 20,
         node: topon.s5.pgw1.west.node.epc.mnc012.mcc345, addresses: 192.0.2.71}
      - {tac: "0b1a", service: "x-3gpp-sgw:x-s5-gtp", node: topon.s5.sgw1.west.node.epc.mnc012.mcc345,
         addresses: 192.0.2.91}
      - tac_5gs: "0b1a21"
        service: "x-3gpp-amf:x-n2"
        node: _n2._sctp.amfset1.5gc.mnc012.mcc345
        srv:
          - {host: amf1.amf.5gc.mnc012.mcc345, port: 38412, priority: 10, weight: 100}
"""


def snaptr(port, *args):
    rc, d = enumq_json(port, "snaptr", *args)
    return rc, d or {}


def hosts(d, key="targets"):
    return [(t["host"], t["address"]) for t in d.get(key, [])]


def body(s):
    zone = s.path("3gpp.yaml")
    with open(zone, "w") as f:
        f.write(ZONE)
    srv = s.start(Enumd(["--zone", zone]))
    apn = ["--apn", "internet", "--mcc", "345", "--mnc", "12"]

    rc, d = snaptr(srv.port, *apn, "--app-service", "x-3gpp-pgw", "--app-protocol", "x-s5-gtp")
    c.check(rc == 0 and hosts(d) == [("topon.s5.pgw2.east" + NODE, "192.0.2.72"),
                                     ("topon.s5.pgw1.west" + NODE, "192.0.2.71")],
            "x-s5-gtp: both PGWs, in NAPTR order, at their generated addresses", json.dumps(d))
    rc, d = snaptr(srv.port, *apn, "--app-service", "x-3gpp-pgw", "--app-protocol", "x-s8-gtp")
    c.check(rc == 0 and hosts(d) == [("topon.s5.pgw2.east" + NODE, "192.0.2.72")],
            "x-s8-gtp: only the record that lists it", json.dumps(d))

    tai = "tac-lb1a.tac-hb0b.tac.epc.mnc012.mcc345.3gppnetwork.org"
    rc, d = snaptr(srv.port, *apn, "--app-service", "x-3gpp-pgw", "--app-protocol", "x-s5-gtp",
                   "--pair", tai, "--pair-service", "x-3gpp-sgw", "--pair-protocol", "x-s5-gtp")
    pair = d.get("pair", {})
    c.check(rc == 0 and pair.get("first") == "topon.s5.pgw1.west" + NODE
            and pair.get("second") == "topon.s5.sgw1.west" + NODE,
            "Annex C: the SGW of the TAI pairs with the PGW of its site, not the first-ranked one", json.dumps(d))

    rc, d = snaptr(srv.port, "tac-lb21.tac-mb1a.tac-hb0b.5gstac.5gc.mnc012.mcc345.3gppnetwork.org",
                   "--app-service", "x-3gpp-amf", "--app-protocol", "x-n2")
    t = (d.get("targets") or [{}])[0]
    c.check(rc == 0 and t.get("host") == "amf1.amf.5gc.mnc012.mcc345.3gppnetwork.org" and t.get("port") == 38412
            and t.get("address") == "192.0.2.61", "an \"s\" record at the 5GS TAI name: SRV to the AMF, its address",
            json.dumps(d))

    five = ".5gc.mnc012.mcc345.3gppnetwork.org."
    for owner, want in (("amf1.amf" + five, ["192.0.2.61"]), ("amf2.amf" + five, ["192.0.2.62"]),
                        ("set001.region48.amfset" + five, ["192.0.2.61", "192.0.2.62"]),
                        ("pt02.set001.region48.amfi" + five, ["192.0.2.62"])):
        got, rcode = query_rrset(srv.port, owner, "A")
        c.check(got is not None and sorted(got[1]) == want, f"{owner} A answers {want}", f"{got} rcode={rcode}")


if __name__ == "__main__":
    raise SystemExit(run_in_scratch(c, Scratch("enumd-plmns-snaptr-"), body))
