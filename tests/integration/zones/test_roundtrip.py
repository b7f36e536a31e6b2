#!/usr/bin/python3
"""Round trips through enumctl, compared independently of enumd's own code:
every zone is read with dnspython as a set of (owner, type, TTL, rdata).

 1. RFC 1035 → import → YAML → export → RFC 1035 gives the same RRsets, for the
    seed's lab zone (tests/data/lab.zone) and a 3GPP zone (tests/data/3gpp.zone);
    the YAML uses the friendly forms (numbers in their international grouping, shorthands, a range) where they fit.
 2. The example YAML zones → export → import → export give the same RRsets.
 3. compile into LMDB → export --db gives what exporting the YAML gives.
 4. enumctl diff: exit 0 for equal zones, 1 with the changed RRsets shown, 2 on errors.
 5. Every exported zone file loads in BIND (named-checkzone) and NSD (nsd-checkzone)
    when those tools are installed (Debian bind9-utils, nsd); Knot serves them in
    test_knot_lab.py.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import DATA_DIR as DATA, ENUMCTL, SOURCE_DIR, Checker, zone_file_records

EXAMPLES = os.path.join(SOURCE_DIR, "zones", "examples")
c = Checker()


def enumctl(*args):
    return subprocess.run([ENUMCTL, *args], capture_output=True, text=True, timeout=120)


CHECKERS = [("named-checkzone", ["/usr/bin/named-checkzone", "-q"]), ("nsd-checkzone", ["/usr/sbin/nsd-checkzone"])]
exported = []  # (path, origin) of every zone file enumctl export wrote


def other_servers_load(path, origin):
    for label, argv in CHECKERS:
        if not os.access(argv[0], os.X_OK):
            print(f"SKIP {label}: not installed")
            continue
        r = subprocess.run([*argv, origin.rstrip("."), path], capture_output=True, text=True, timeout=60)
        c.check(r.returncode == 0, f"{label} loads the exported {os.path.basename(path)}", r.stdout + r.stderr)


def same_rrsets(a, b, origin, what):
    sa, sb = zone_file_records(a, origin), zone_file_records(b, origin)
    detail = f"only in {a}: {sorted(sa - sb)[:5]} only in {b}: {sorted(sb - sa)[:5]}"
    return c.check(sa == sb and len(sa) > 0, f"{what}: {len(sa)} records, same (owner, type, TTL, rdata)", detail)


def main(work):
    # 1. RFC 1035 → YAML → RFC 1035.
    friendly = {
        "lab.zone": ['number: "+61255501*"', 'number: "+61 3 5550 0911"', "naptr: sip:info@server1.example.net",
                     "{uri: sip:info@server2.example.net, order: 20}", "{uri: sip:info@server3.example.net, preference: 200}",
                     # the seed's raw wildcard under which an exception sits stays raw: a range would change answers
                     'name: "*.2.0.5.5.5.2.1.6", type: NAPTR'],
        "3gpp.zone": ['  - mcc: "505"\n    mnc: "001"\n    epdg: ["192.0.2.11", "2001:db8:505:1::11"]\n', "type: SRV"],
    }
    origins = {"lab.zone": "e164.arpa.", "3gpp.zone": "3gppnetwork.org."}
    for name, origin in origins.items():
        src = os.path.join(DATA, name)
        yaml_path = os.path.join(work, name + ".yaml")
        back = os.path.join(work, name + ".back")
        r = enumctl("import", src, "-o", yaml_path)
        if not c.check(r.returncode == 0, f"enumctl import {name} exits 0", r.stderr):
            continue
        text = open(yaml_path).read()
        for needle in friendly[name]:
            c.check(needle in text, f"import of {name} writes {needle!r}", text)
        r = enumctl("export", yaml_path, "-o", back)
        if c.check(r.returncode == 0, f"enumctl export of the imported {name} exits 0", r.stderr):
            exported.append((back, origin))
            same_rrsets(src, back, origin, f"{name} → import → export")
            r = enumctl("diff", src, back)
            c.check(r.returncode == 0 and r.stdout == "", f"enumctl diff {name} and its round trip: no difference",
                    r.stdout + r.stderr)

    # 2. YAML examples → RFC 1035 → YAML → RFC 1035.
    for name, origin in (("lab.yaml", "e164.arpa."), ("3gpp.yaml", "3gppnetwork.org.")):
        src = os.path.join(EXAMPLES, name)
        if not os.path.exists(src):
            print(f"SKIP {src} does not exist yet")
            continue
        z1, y2, z2 = (os.path.join(work, name + s) for s in (".1.zone", ".2.yaml", ".2.zone"))
        steps = [("export", src, "-o", z1), ("import", z1, "-o", y2), ("export", y2, "-o", z2)]
        ok = True
        for step in steps:
            r = enumctl(*step)
            ok = ok and c.check(r.returncode == 0, f"enumctl {' '.join(os.path.basename(s) for s in step)} exits 0",
                                r.stderr)
        if not ok:
            continue
        exported.append((z1, origin))
        same_rrsets(z1, z2, origin, f"{name} → export → import → export")
        r = enumctl("diff", src, y2)
        c.check(r.returncode == 0, f"enumctl diff {name} and its re-import: no difference", r.stdout + r.stderr)
        if name == "lab.yaml":
            text = open(y2).read()
            for needle in ('number: "+61255502*"', "{number}", 'number: "+61 2 5550 2345"'):
                c.check(needle in text, f"re-import of the exported lab zone writes {needle!r} (the range, not its copies)",
                        text)
            c.check("3.2.0.5.5.5.2.1.6" not in text, "re-import leaves the expansion's copies to the range", text)

            # 3. compile → export --db.
            db = os.path.join(work, "db")
            r = enumctl("compile", "--db", db, src)
            if c.check(r.returncode == 0, "enumctl compile --db of lab.yaml exits 0", r.stderr):
                z3 = os.path.join(work, "lab.db.zone")
                r = enumctl("export", "--db", db, "--zone", "e164.arpa.", "-o", z3)
                if c.check(r.returncode == 0, "enumctl export --db --zone e164.arpa. exits 0", r.stderr):
                    same_rrsets(z1, z3, origin, "lab.yaml exported vs compiled and exported from LMDB")
                r = enumctl("diff", "--db", db, src)
                c.check(r.returncode == 0, "enumctl diff --db DIR lab.yaml: no difference", r.stdout + r.stderr)

    # 3b. A database with several zones: export needs --zone; diff --zone compares one.
    lab_yaml, gpp_yaml = os.path.join(EXAMPLES, "lab.yaml"), os.path.join(EXAMPLES, "3gpp.yaml")
    if os.path.exists(lab_yaml) and os.path.exists(gpp_yaml):
        db2 = os.path.join(work, "db2")
        r = enumctl("compile", "--db", db2, lab_yaml, gpp_yaml)
        if c.check(r.returncode == 0, "enumctl compile --db of lab.yaml and 3gpp.yaml exits 0", r.stderr):
            r = enumctl("export", "--db", db2)
            c.check(r.returncode == 2 and "--zone" in r.stderr and "3gppnetwork.org." in r.stderr
                    and "e164.arpa." in r.stderr, "export of a two-zone database without --zone exits 2 and lists them",
                    r.stderr)
            r = enumctl("export", "--db", db2, "--zone", "3gppnetwork.org.")
            c.check(r.returncode == 0 and "$ORIGIN 3gppnetwork.org." in r.stdout,
                    "export --db --zone 3gppnetwork.org. writes that zone", r.stderr)
            r = enumctl("diff", "--zone", "3gppnetwork.org", "--db", db2, gpp_yaml)
            c.check(r.returncode == 0, "diff --zone 3gppnetwork.org --db DIR 3gpp.yaml: no difference",
                    r.stdout + r.stderr)
            r = enumctl("diff", "--db", db2, lab_yaml)
            c.check(r.returncode == 1 and "zone 3gppnetwork.org. (zone removed)" in r.stdout,
                    "diff of the two-zone database against lab.yaml alone shows 3gppnetwork.org. removed", r.stdout)
            r = enumctl("export", "--db", db2, "--zone", "nowhere.example.")
            c.check(r.returncode == 1 and "nowhere.example." in r.stderr, "export of a zone not in the database fails",
                    r.stderr)

    # 5. The exported files load in BIND and NSD.
    for path, origin in exported:
        other_servers_load(path, origin)

    # 4. diff exit statuses and output.
    lab = os.path.join(DATA, "lab.zone")
    changed = os.path.join(work, "lab-changed.zone")
    with open(lab) as f:
        text = f.read()
    text = text.replace("sip:info@server3.example.net!\" .\n", "sip:info@server4.example.net!\" .\n", 1)
    text += "7.4.3.2.0.5.5.5.2.1.6 300 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:+\\\\1@x.example.net!\" .\n"
    with open(changed, "w") as f:
        f.write(text)
    r = enumctl("diff", lab, changed)
    c.check(r.returncode == 1, "enumctl diff exits 1 when the zones differ", r.stdout + r.stderr)
    for needle in ("zone e164.arpa.: 1 RRset added, 0 removed, 1 changed",
                   "~ 3.1.9.0.0.5.5.5.3.1.6.e164.arpa. NAPTR (changed, TTL 3600)",
                   "-     10 200 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server3.example.net!\" .",
                   "+     10 200 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server4.example.net!\" .",
                   "+ 7.4.3.2.0.5.5.5.2.1.6.e164.arpa. NAPTR (added, TTL 300)",
                   "+     10 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:+\\\\1@x.example.net!\" ."):
        c.check(needle in r.stdout, f"diff output shows {needle!r}", r.stdout)
    r = enumctl("diff", lab, os.path.join(work, "missing.zone"))
    c.check(r.returncode == 2, "enumctl diff exits 2 when an input cannot be read", r.stdout + r.stderr)
    bad = os.path.join(work, "bad.zone")
    with open(bad, "w") as f:
        f.write(open(lab).read() + "broken IN A 192.0.2.300\n")
    r = enumctl("diff", lab, bad)
    c.check(r.returncode == 2 and "bad.zone:" in r.stderr, "enumctl diff exits 2 with file:line on a bad zone",
            r.stderr)
    r = enumctl("import", bad)
    c.check(r.returncode == 1 and f"{bad}:" in r.stderr, "enumctl import exits 1 with file:line on a bad zone",
            r.stderr)


if __name__ == "__main__":
    if not os.access(ENUMCTL, os.X_OK):
        sys.exit(f"missing {ENUMCTL}: build enumctl first")
    work = tempfile.mkdtemp(prefix="enumd-roundtrip-")
    try:
        main(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(c.done())
