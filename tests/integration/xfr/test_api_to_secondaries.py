#!/usr/bin/python3
"""Secondaries follow live changes (issue 11): numbers changed through the
provisioning API on an enumd primary reach a Knot and a BIND secondary by
NOTIFY and IXFR from enumd's journal, and both end with exactly enumd's
RRsets — after single changes, a batch of 500 and deletions."""
import json
import sys
import time
import http.client

from enumd_testlib import (ROUTED_ZONE, Bind, Checker, Enumd, Knot, free_port, soa_serial, wait_for, write_routed_zone,
                           write_secret)
from enumd_testlib.xfr import SECRET, check_same_rrsets, run_in_lab, tsig_keys_yaml

c = Checker()
ZONE = ROUTED_ZONE
TOKEN = "secondaries-test-token-0123456789"
ROUTES = {"telstra": '[{uri: "sip:{number}@sip.telstra.example", order: 10}, '
                     '{uri: "sip:{number}@backup.telstra.example", order: 20}]',
          "ported": '{uri: "tel:{number};npdi;rn={rn}", service: "E2U+pstn:tel"}'}
NUMBERS = ['{number: "+61 3 5550 0912", route: ported, rn: "+61 4 0000 1234"}',
           '{number: "+61 2 5550 2*", route: telstra}']


def api_call(port, method, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=json.dumps(body), headers={"Authorization": "Bearer " + TOKEN})
    r = conn.getresponse()
    doc = json.loads(r.read() or b"null")
    conn.close()
    return r.status, doc


def run(lab):
    tmp = lab.tmp
    zone_path = write_routed_zone(tmp, "61.yaml", ttl=300, routes=ROUTES, numbers=NUMBERS)
    secret = write_secret(tmp, TOKEN, "token")
    kport, bport, api_port = free_port(), free_port(), free_port()

    def config(port, control):
        return f"""listen: ["127.0.0.1:{port}"]
database: {tmp}/db
control: {control}
{tsig_keys_yaml()}zones:
  - file: {zone_path}
    transfer: {{allow: [127.0.0.1], keys: [xfr.]}}
    notify: ["127.0.0.1:{kport}", "127.0.0.1:{bport}"]
api: {{listen: "127.0.0.1:{api_port}", tokens: [{{name: t, secret_file: {secret}, zones: [{ZONE}]}}]}}
"""

    enumd = lab.start(Enumd(config=config, workdir=tmp))
    knot = lab.start(Knot(tmp, secondary_zones=[ZONE], key_secret=SECRET, primary_port=enumd.port, port=kport,
                          journal=True))
    lab.start(Bind(tmp, secondary_zones=[ZONE], primary_port=enumd.port, key_secret=SECRET, port=bport))
    for name, port in (("Knot", knot.port), ("BIND", bport)):
        c.check(wait_for(lambda p=port: soa_serial(p, ZONE) == 1, 30, f"{name} to serve serial 1") is True,
                f"{name} transferred the zone")

    nums = f"/v1/zones/{ZONE}/numbers/"
    rounds = [
        ("one number set", [("PUT", nums + "+61355500913", {"route": "ported", "rn": "+61 4 0000 9999"})]),
        ("one number inside a range", [("PUT", nums + "+61255502345", {"naptr": ['10 10 "u" "E2U+sip" "!^.*$!sip:x@exception.example!" .']})]),
        ("a batch of 500", [("POST", f"/v1/zones/{ZONE}/changes",
                             {"changes": [{"action": "set", "number": f"+613555{10000 + i}", "route": "telstra"}
                                          for i in range(500)]})]),
        ("deletions", [("DELETE", nums + "+61355500911", None), ("DELETE", nums + "+61355510007", None)]),
    ]
    for what, calls in rounds:
        serial = None
        for method, path, body in calls:
            status, doc = api_call(api_port, method, path, body)
            c.check(status == 200, f"{what}: {method} {path} → {status} {str(doc)[:200]}")
            serial = (doc or {}).get("serial", serial)
        t0 = time.monotonic()
        for name, port in (("Knot", knot.port), ("BIND", bport)):
            ok = wait_for(lambda p=port: soa_serial(p, ZONE) == serial, 20, f"{name} to serve serial {serial}")
            c.check(ok is True, f"{what}: {name} serves serial {serial} {time.monotonic() - t0:.1f} s after the change")
        for name, port in (("Knot", knot.port), ("BIND", bport)):
            check_same_rrsets(c, enumd.port, port, f"{what}: {name} and enumd", zone=ZONE)
    logs = enumd.logs()
    c.check(logs.count('event="IXFR out"') >= 6, "the secondaries refreshed by IXFR from enumd's journal")


def main():
    return run_in_lab(c, "enumd-api-secondaries-", run)


if __name__ == "__main__":
    sys.exit(main())
