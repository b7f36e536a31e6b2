#!/usr/bin/python3
"""A `plmns` block end to end (issue 14): the names the zone compiler generates from a few lines
per PLMN are the names a phone asks for. enumd serves a YAML zone whose ePDG records all come from
`plmns` (operator, sos., TAC, 5GS TAC and LAC forms, visited-country NAPTRs), and `enumq epdg --imsi`
(the library's AOSP-order selection) must find every one of them: the same builder
(numbering/gpp_names.hpp) on both sides, so a spelling drift in either shows up here as a name
that does not resolve."""
import json

from enumd_testlib import Checker, Enumd, Scratch, enumq_json, run_in_scratch

c = Checker()
PUB = ".pub.3gppnetwork.org"

ZONE = """origin: 3gppnetwork.org.
ttl: 300
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}
ns: [ns1.example.net.]
plmns:
  - mcc: "505"
    mnc: "01"
    epdg: [192.0.2.11, "2001:db8:505:1::11"]
    epdg_sos: 192.0.2.15
    epdg_areas:
      - {tac: "0b1a", epdg: 192.0.2.31, epdg_sos: 192.0.2.35}
      - {tac_5gs: "0b1a21", epdg: 192.0.2.32}
      - {lac: "01ab", epdg: 192.0.2.33}
    visited_country: {order: 20, preference: 10}
  - mcc: "505"
    mnc: "02"
    epdg: 198.51.100.12
    visited_country: {order: 10, preference: 10}
  - mcc: "234"
    mnc: "15"
    epdg: 203.0.113.15
"""


def enumq(port, *args):
    return enumq_json(port, "epdg", *args)


def body(s):
    zone = s.path("3gpp.yaml")
    with open(zone, "w") as f:
        f.write(ZONE)
    srv = s.start(Enumd(["--zone", zone]))

    # A phone of 505-01 at home, in TAC 0b1a / 5GS TAC 0b1a21 / LAC 01ab: the operator name, then the
    # location names in AOSP EpdgSelector's order, every one answered from the generated records.
    rc, d = enumq(srv.port, "--imsi", "505011234567890", "--tac", "0b1a", "--5gs-tac", "0b1a21", "--lac", "01ab")
    c.check(rc == 0 and d is not None and [t["fqdn"] for t in d["tried"]] == [
        "epdg.epc.mnc001.mcc505" + PUB,
        "lac01ab.epdg.epc.mnc001.mcc505" + PUB,
        "tac-lb1a.tac-hb0b.tac.epdg.epc.mnc001.mcc505" + PUB,
        "tac-lb21.tac-mb1a.tac-hb0b.5gstac.epdg.epc.mnc001.mcc505" + PUB], "the names asked, in AOSP order",
        json.dumps(d))
    c.check(d is not None and d.get("addresses") == ["192.0.2.11", "2001:db8:505:1::11", "192.0.2.33", "192.0.2.31",
                                                     "192.0.2.32"],
            "every generated ePDG name answers, addresses in the order IKE tries them", json.dumps(d))

    # Emergency: the sos. forms the block generated (operator and TAC), the ordinary name as fallback.
    rc, d = enumq(srv.port, "--imsi", "505011234567890", "--sos", "--tac", "0b1a")
    c.check(rc == 0 and d is not None and [t["fqdn"] for t in d["tried"]] == [
        "sos.epdg.epc.mnc001.mcc505" + PUB, "epdg.epc.mnc001.mcc505" + PUB,
        "tac-lb1a.tac-hb0b.tac.sos.epdg.epc.mnc001.mcc505" + PUB], "sos. names asked", json.dumps(d))
    c.check(d is not None and d.get("addresses", [None])[0] == "192.0.2.15" and "192.0.2.35" in d["addresses"],
            "the generated sos. records answer", json.dumps(d))

    # A UK phone roaming in Australia: the visited-country NAPTRs the two Australian blocks generated
    # ("a" flag, order 10 for 505-02 before order 20 for 505-01), then the home PLMN's name.
    rc, d = enumq(srv.port, "--imsi", "234150123456789", "--visited", "505")
    naptr = [t for t in (d or {}).get("tried", []) if t.get("query") == "NAPTR"]
    c.check(rc == 0 and len(naptr) == 1 and naptr[0]["fqdn"] == "epdg.epc.mcc505.visited-country" + PUB
            and naptr[0].get("targets") == ["epdg.epc.mnc002.mcc505" + PUB, "epdg.epc.mnc001.mcc505" + PUB],
            "visited-country NAPTR targets in order/preference order", json.dumps(d))
    addrs = (d or {}).get("addresses", [])
    c.check(addrs[:3] == ["198.51.100.12", "192.0.2.11", "2001:db8:505:1::11"] and "203.0.113.15" in addrs,
            "visited operators' ePDGs first, the home ePDG after", json.dumps(d))


if __name__ == "__main__":
    raise SystemExit(run_in_scratch(c, Scratch("enumd-plmns-epdg-"), body))
