#!/usr/bin/python3
"""The provisioning API (issue 11): numbers changed over HTTP/JSON on a real
enumd, seen by dig at once. Bearer tokens scoped to zones (401/403), PUT a
route (+rn) or explicit NAPTRs, GET, DELETE, an atomic batch (one bad item:
nothing applied, every bad item named), the serial moves, an IXFR from the
old serial holds exactly the change, the change survives a reload of the
file, and malformed requests get JSON errors and change nothing."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import dns.message
import dns.query
import dns.rdatatype

from enumd_testlib import Checker, Enumd, enum_owner, free_port

c = Checker()

ZONE = """origin: 1.6.e164.arpa.
ttl: 300
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 100}
ns: [ns1.example.net.]
routes:
  telstra:
    - {uri: "sip:{number}@sip.telstra.example", order: 10}
    - {uri: "sip:{number}@backup.telstra.example", order: 20}
  optus-pstn: {uri: "tel:{number};npdi;rn={rn}", service: "E2U+pstn:tel"}
numbers:
  - {number: "+61 3 5550 0911", route: telstra}
  - {number: "+61 3 5550 0912", route: optus-pstn, rn: "+61 4 0000 1234"}
"""

SECRET = "s3cret-provisioning-token-0123456789"
OTHER = "another-token-for-another-zone-xyz"


def naptrs(e, number):
    r = e.query(enum_owner(number), "NAPTR")
    out = []
    for rrset in r.answer:
        if rrset.rdtype == dns.rdatatype.NAPTR:
            out += sorted(f"{x.order} {x.preference} {x.service.decode()} {x.regexp.decode()}" for x in rrset)
    return out


def serial(e):
    r = e.query("1.6.e164.arpa.", "SOA")
    return r.answer[0][0].serial


class Api:
    def __init__(self, port, token=SECRET):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = token

    def call(self, method, path, body=None, token=None):
        headers = {}
        tok = self.token if token is None else token
        if tok:
            headers["Authorization"] = "Bearer " + tok
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        text = r.read().decode()
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        return r.status, doc, text


def main():
    d = tempfile.mkdtemp(prefix="enumd-api-")
    try:
        zone_path = os.path.join(d, "61.yaml")
        with open(zone_path, "w") as f:
            f.write(ZONE)
        for name, secret in (("prov.secret", SECRET), ("other.secret", OTHER)):
            p = os.path.join(d, name)
            with open(p, "w") as f:
                f.write(secret + "\n")
            os.chmod(p, 0o600)
        port = free_port()
        api_port = free_port()
        config = f"""listen: 127.0.0.1:{port}
threads: 2
database: {d}/db
zones:
  - file: {zone_path}
    transfer: {{allow: [127.0.0.1]}}
api:
  listen: 127.0.0.1:{api_port}
  tokens:
    - {{name: provisioning, secret_file: prov.secret, zones: [1.6.e164.arpa.]}}
    - {{name: other, secret_file: other.secret, zones: [4.4.e164.arpa.]}}
"""
        cfg = os.path.join(d, "enumd.yaml")
        with open(cfg, "w") as f:
            f.write(config)
        with Enumd(["--config", cfg], port=port, listen=False, control=True, stats=True) as e:
            run_checks(e, api_port, d)
        # A world-readable secret is refused at start, with the reason.
        os.chmod(os.path.join(d, "prov.secret"), 0o644)
        p = subprocess.run([e.proc.args[0], "--config", cfg], capture_output=True, text=True, timeout=30)
        c.check(p.returncode != 0 and "readable by every user" in p.stderr,
                f"a world-readable secret_file is refused: rc={p.returncode} {p.stderr[-300:]!r}")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return c.done()


def run_checks(e, api_port, d):
    api = Api(api_port)
    nums = "/v1/zones/1.6.e164.arpa./numbers/"

    # Authentication and scope.
    status, doc, _ = api.call("GET", nums + "+61355500911", token="")
    c.check(status == 401 and "bearer" in doc["error"].lower(), f"no token: 401 ({status})")
    status, doc, _ = api.call("GET", nums + "+61355500911", token="wrong-token-wrong-token-wrong")
    c.check(status == 401, f"an unknown token: 401 ({status})")
    status, doc, _ = api.call("PUT", nums + "+61355500911", {"route": "telstra"}, token=OTHER)
    c.check(status == 403 and "may not change" in doc["error"], f"a token of another zone: 403 ({status} {doc})")
    status, doc, _ = api.call("GET", "/v1/zones")
    c.check(status == 200 and doc["zones"] == [{"zone": "1.6.e164.arpa.", "serial": 100}],
            f"GET /v1/zones lists the token's zones with serials: {doc}")

    # GET a number as served.
    status, doc, _ = api.call("GET", nums + "%2B61%203%205550%200911")
    c.check(status == 200 and len(doc["naptr"]) == 2 and doc["naptr"][0]["regexp"].startswith("!^"),
            f"GET a number (percent-encoded, as people write it): {status} {doc}")
    status, doc, _ = api.call("GET", nums + "+61355500999")
    c.check(status == 404, f"GET a number without records: 404 ({status})")

    # PUT a route with rn: visible to the next query, serial +1.
    s0 = serial(e)
    status, doc, _ = api.call("PUT", nums + "+61355500913", {"route": "optus-pstn", "rn": "+61 4 0000 9999"})
    c.check(status == 200 and doc["changed"] and doc["serial"] == s0 + 1, f"PUT route+rn: {status} {doc}")
    got = naptrs(e, "+61355500913")
    c.check(got == ["10 100 E2U+pstn:tel !^(.*)$!tel:\\1;npdi;rn=+61400009999!"],
            f"the next query sees the new number: {got}")
    c.check(serial(e) == s0 + 1, "the SOA serial moved by one")

    # IXFR from the old serial: exactly the change (RFC 1995).
    q = dns.message.make_query("1.6.e164.arpa.", "IXFR")
    q.authority = [dns.rrset.from_text("1.6.e164.arpa.", 0, "IN", "SOA",
                                       f"ns1.example.net. hostmaster.example.net. {s0} 1 1 1 1")]
    ixfr = dns.query.tcp(q, "127.0.0.1", port=e.port, timeout=5)
    added = [str(rr) for rrset in ixfr.answer if rrset.rdtype == dns.rdatatype.NAPTR for rr in rrset]
    c.check(len(added) == 1 and "rn=+61400009999" in added[0], f"IXFR from {s0} holds the added NAPTR: {added}")

    # PUT explicit NAPTRs (object and presentation text), then a route again.
    body = {"naptr": [{"order": 10, "preference": 50, "flags": "u", "service": "E2U+sip",
                       "regexp": "!^.*$!sip:direct@example.net!", "replacement": "."},
                      '20 50 "u" "E2U+sip" "!^.*$!sip:second@example.net!" .'], "ttl": 60}
    status, doc, _ = api.call("PUT", nums + "+61355500911", body)
    c.check(status == 200, f"PUT explicit NAPTRs: {status} {doc}")
    got = naptrs(e, "+61355500911")
    c.check(got == ["10 50 E2U+sip !^.*$!sip:direct@example.net!", "20 50 E2U+sip !^.*$!sip:second@example.net!"],
            f"explicit NAPTRs served: {got}")

    # Refusals change nothing.
    s1 = serial(e)
    for body, want, what in (
        ({"route": "nosuch"}, 400, "unknown route"),
        ({"route": "optus-pstn"}, 400, "a route with {rn} needs rn"),
        ({"route": "telstra", "naptr": []}, 400, "route and naptr together"),
        ({"naptr": [{"regexp": "!^(.*$!x!", "service": "E2U+sip"}]}, 400, "a regexp that does not compile"),
        ({"route": "telstra", "colour": "red"}, 400, "an unknown key"),
        ("{not json", 400, "a body that is not JSON"),
    ):
        status, doc, text = api.call("PUT", nums + "+61355500914", body)
        c.check(status == want and doc is not None and doc.get("error"), f"{what}: {status} {text.strip()[:200]}")
    status, doc, _ = api.call("PUT", "/v1/zones/1.6.e164.arpa./numbers/+4420000000", {"route": "telstra"})
    c.check(status == 400 and "outside" in json.dumps(doc), f"a number outside the zone: {status} {doc}")
    status, doc, _ = api.call("DELETE", nums + "+61355500999")
    c.check(status == 404, f"DELETE a number that has no records: 404 ({status} {doc})")
    c.check(serial(e) == s1, "refused requests did not move the serial")
    c.check(naptrs(e, "+61355500914") == [], "refused requests added nothing")

    # Batch: atomic; a bad item refuses everything and is named.
    batch = {"changes": [{"action": "set", "number": f"+6135551{i:04d}", "route": "telstra"} for i in range(2000)]}
    batch["changes"].append({"action": "set", "number": "+61355520000", "route": "nosuch"})
    batch["changes"].append({"action": "frobnicate", "number": "+61355520001"})
    status, doc, _ = api.call("POST", "/v1/zones/1.6.e164.arpa./changes", batch)
    items = sorted(i["item"] for i in (doc or {}).get("issues", []))
    c.check(status == 400 and items == [2001], f"an invalid action is named before anything is applied: {status} {items}")
    batch["changes"].pop()
    status, doc, _ = api.call("POST", "/v1/zones/1.6.e164.arpa./changes", batch)
    items = [(i["item"], i.get("number")) for i in (doc or {}).get("issues", [])]
    c.check(status == 400 and items == [(2000, "+61355520000")], f"an unknown route is named: {status} {items}")
    c.check(naptrs(e, "+61355510000") == [] and serial(e) == s1, "the refused batch applied nothing")
    batch["changes"].pop()
    batch["changes"].append({"action": "delete", "number": "+61355500912"})
    status, doc, _ = api.call("POST", "/v1/zones/1.6.e164.arpa./changes", batch)
    c.check(status == 200 and doc["changes"] == 2001 and doc["serial"] == s1 + 1, f"a batch of 2001: {status} {doc}")
    c.check(len(naptrs(e, "+61355511999")) == 2 and naptrs(e, "+61355500912") == [],
            "the batch's sets and its delete are served")
    status, doc, _ = api.call("GET", nums + "+61355500913")
    c.check(status == 200 and doc["naptr"][0]["regexp"] == "!^(.*)$!tel:\\1;npdi;rn=+61400009999!",
            f"GET shows the live change: {doc}")
    too_many = {"changes": [{"action": "delete", "number": "+61355500911"}] * 100001}
    status, doc, _ = api.call("POST", "/v1/zones/1.6.e164.arpa./changes", too_many)
    c.check(status == 413, f"more than 100,000 changes: 413 ({status})")

    # Live changes survive a reload of the file (zones/README.md "Live changes").
    p = e.ctl("reload")
    c.check(p.returncode == 0, f"enumctl reload: {p.stdout} {p.stderr}")
    c.check(naptrs(e, "+61355500913") == ["10 100 E2U+pstn:tel !^(.*)$!tel:\\1;npdi;rn=+61400009999!"]
            and naptrs(e, "+61355500912") == [], "live changes are still served after a reload")

    # Method and path errors.
    status, _, _ = api.call("PATCH", nums + "+61355500911", {"route": "telstra"})
    c.check(status == 405, f"PATCH: 405 ({status})")
    status, _, _ = api.call("GET", "/v2/zones")
    c.check(status == 404, f"an unknown path: 404 ({status})")
    # The writer's counters: every set counted, commits only for sets that changed records.
    with urllib.request.urlopen(f"http://127.0.0.1:{e.stats_port}/metrics", timeout=5) as r:
        metrics = dict(line.split() for line in r.read().decode().splitlines() if line.startswith("enumd_live_"))
    sets, commits = int(metrics.get("enumd_live_change_sets_total", -1)), int(metrics.get("enumd_live_commits_total", -1))
    # Sequential requests: 9 sets reached the writer (2 PUTs, 5 refused, 2 batches), 3 changed records.
    c.check(sets == 9 and commits == 3, f"/metrics counts change sets ({sets}) and commits ({commits})")
    # Where their time went: every set from submission to reply, each committing transaction's edit and commit,
    # and the syncs that made them durable (one per commit here: the requests came one after another).
    count = {name: int(metrics.get(f"enumd_live_{name}_seconds_count", -1)) for name in ("change", "edit", "commit", "sync")}
    c.check(count == {"change": 9, "edit": 3, "commit": 3, "sync": 3}, f"/metrics times sets and commits: {count}")
    c.check(all(metrics.get(f'enumd_live_{name}_seconds_bucket{{le="+Inf"}}') == str(n) for name, n in count.items())
            and float(metrics.get("enumd_live_commit_seconds_sum", 0)) > 0, "the histograms end at their counts")
    c.check(e.alive(), "enumd still answers")


if __name__ == "__main__":
    sys.exit(main())
