"""What the transfer tests (tests/integration/xfr/) share: the TSIG key xfr.
with its secret and a wrong one, the lab zone written with a serial, enumd's
primary and secondary configs, the check that two servers serve the same zone,
and `run_in_lab`: a test's temporary directory, its servers and its end."""
import base64
import os

import dns.tsig

from .paths import DATA_DIR
from .process import Scratch, run_in_scratch
from .rrsets import axfr_rrsets, compare_servers

SECRET = base64.b64encode(b"enumd-transfer-test-secret-32by").decode()
WRONG_SECRET = base64.b64encode(b"not-the-secret-the-primary-uses").decode()
KEY = dns.tsig.Key("xfr.", SECRET, "hmac-sha256")
BAD_KEY = dns.tsig.Key("xfr.", WRONG_SECRET, "hmac-sha256")
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
ZONE = "e164.arpa."


def write_lab_zone(path, serial, extra="", drop=(), replace=None):
    """tests/data/server/lab.zone (e164.arpa., serial 1) with `serial` in its SOA,
    the lines starting with a prefix in `drop` left out, each `replace` old → new
    applied, and `extra` records appended."""
    out = []
    with open(LAB) as f:
        for line in f.read().splitlines():
            if any(line.startswith(d) for d in drop):
                continue
            line = line.replace("hostmaster.example.net. 1 ", f"hostmaster.example.net. {serial} ")
            for old, new in (replace or {}).items():
                line = line.replace(old, new)
            out.append(line)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n" + extra)


def tsig_keys_yaml(secret=SECRET):
    """The `keys:` entry of an enumd config for the key xfr."""
    return f'keys: [{{name: xfr., algorithm: hmac-sha256, secret: "{secret}"}}]\n'


def enumd_primary_config(database, zone_path, notify_port):
    """make(port, control) for an enumd that serves zone_path as primary:
    transfers to 127.0.0.1 signed with xfr., NOTIFY to 127.0.0.1:notify_port."""
    def make(port, control):
        return f"""listen: ["127.0.0.1:{port}"]
database: {database}
control: {control}
{tsig_keys_yaml()}zones:
  - file: {zone_path}
    transfer: {{allow: [127.0.0.1], keys: [xfr.]}}
    notify: ["127.0.0.1:{notify_port}"]
"""
    return make


def enumd_secondary_config(database, primaries, secret=SECRET):
    """make(port, control) for an enumd that is a secondary: primaries is
    {origin: (port on 127.0.0.1, signed with xfr.?)}; database may name {port}."""
    def make(port, control):
        zones = "".join(f'  - {{origin: {origin}, primary: "127.0.0.1:{p}"{", key: xfr." if signed else ""}}}\n'
                        for origin, (p, signed) in primaries.items())
        return f"""listen: ["127.0.0.1:{port}"]
database: {database.format(port=port)}
control: {control}
{tsig_keys_yaml(secret)}zones:
{zones}"""
    return make


def check_same_rrsets(checker, reference_port, other_port, what, zone=ZONE):
    """The zone as AXFR (signed) from reference_port, then one query per RRset
    to both servers: a check that both serve exactly it. Returns the RRsets."""
    expected = axfr_rrsets(reference_port, zone, keyring=KEY, keyname="xfr.")
    diffs = compare_servers(expected, reference_port, other_port)
    checker.check(not diffs, f"{what}: the same {len(expected)} RRsets", f"{diffs[:3]}")
    return expected


class Lab(Scratch):
    """A transfer test's Scratch directory holding the lab zone at serial 1 (zone_path)."""

    def __init__(self, prefix):
        super().__init__(prefix)
        self.zone_path = self.path("lab.zone")
        write_lab_zone(self.zone_path, 1)


def run_in_lab(checker, prefix, body, lines=40):
    """body(lab) in a fresh Lab, ended as run_in_scratch ends it."""
    return run_in_scratch(checker, Lab(prefix), body, lines=lines)
