#!/usr/bin/python3
"""Numbers as the numbering plans know them (issue 14, libphonenumber through numbering/phone_number.hpp), in the
tools only — ENUM itself serves any digit string:

 1. enumq against a real enumd: the text report names an AU number in its grouping and country
    (";; number: +61 3 5550 0912 (AU fixed-line), national (03) 5550 0912") and --json has the "number" object;
    a number no country can have (+999...) is named so, warned about on stderr, and still looked up.
 2. enumctl export: a comment before each number's records ("; +61 3 5550 0912 (AU fixed-line)", a range
    "; +61255502* (range)"), none with --no-number-comments; BIND's named-checkzone loads the commented file
    (tests/integration/zones/test_knot_lab.py serves the commented export of zones/examples/lab.yaml on Knot,
    tests/integration/zones/test_roundtrip.py loads such exports in BIND and NSD).
 3. enumctl import of that export writes the numbers in their international grouping ("+61 3 5550 0912"), plain
    digits where the plans do not know the number, ranges as digits; the YAML loads back to the same records
    (enumctl diff) and passes enumctl check.
"""
import json
import os
import re
import subprocess

from enumd_testlib import ENUMCTL, ENUMQ, Checker, Enumd, Scratch, enumq_json, run_in_scratch

c = Checker()

ZONE = """origin: e164.arpa.
ttl: 300
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}
ns: [ns1.example.net.]
numbers:
  - {number: "+61355500912", naptr: "sip:au@x.example"}
  - {number: "+999 1234 5678", naptr: "sip:nowhere@x.example"}
  - {number: "+61 2 5550 2*", naptr: "sip:range@x.example"}
"""

AU = {"e164": "+61355500912", "parsed": True, "international": "+61 3 5550 0912", "national": "(03) 5550 0912",
      "region": "AU", "type": "fixed-line", "possible": True, "valid": True}
NOWHERE = {"e164": "+99912345678", "parsed": True, "international": "+99912345678", "national": "", "region": "",
           "type": "unknown", "possible": False, "valid": False, "why": "no country has this country code"}


def run(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=60)


def enumq_text(port, number):
    return run(ENUMQ, number, "--server", f"127.0.0.1:{port}", "--timeout", "1000")


def check_enumq(port):
    r = enumq_text(port, "+61355500912")
    c.check(r.returncode == 0 and ";; number: +61 3 5550 0912 (AU fixed-line), national (03) 5550 0912\n" in r.stdout,
            "enumq names an AU number in its grouping, country and type", r.stdout + r.stderr)
    c.check("sip:au@x.example" in r.stdout and "numbering-plan" not in r.stderr,
            "the AU number is looked up, with no numbering-plan warning", r.stdout + r.stderr)
    rc, d = enumq_json(port, "+61 3 5550 0912")
    c.check(rc == 0 and d is not None and d.get("number") == AU, "enumq --json: the number object of an AU number",
            json.dumps(d))

    r = enumq_text(port, "+99912345678")
    c.check(";; number: +99912345678 (cannot exist: no country has this country code)\n" in r.stdout,
            "enumq names a number no country has as such", r.stdout)
    c.check("enumq: warning: number +99912345678 cannot exist: no country has this country code [numbering-plan]"
            in r.stderr, "enumq warns on stderr about a number that cannot exist", r.stderr)
    c.check(r.returncode == 0 and "sip:nowhere@x.example" in r.stdout,
            "the lookup goes on: ENUM serves any digit string", r.stdout + r.stderr)
    rc, d = enumq_json(port, "+99912345678")
    c.check(rc == 0 and d is not None and d.get("number") == NOWHERE and d.get("outcome") == "ok"
            and [t["uri"] for t in d.get("targets", [])] == ["sip:nowhere@x.example"],
            "enumq --json: the number object says possible=false, valid=false and why; the targets are there",
            json.dumps(d))

    # A possible length in no range the plan assigns: a warning, and the range answers.
    r = enumq_text(port, "+6125550234")
    c.check(r.returncode == 0 and "sip:range@x.example" in r.stdout
            and ";; number: +61 25550234 (not in the numbering plan of +61)\n" in r.stdout
            and "enumq: warning: number +6125550234 is not in the numbering plan of +61" in r.stderr
            and "[numbering-plan]" in r.stderr,
            "a number in no assigned range: warned about, answered by the range", r.stdout + r.stderr)
    # A dial prefix keeps its own warning, not a second one about the same digits.
    r = enumq_text(port, "0011 61 3 5550 0912")
    c.check("[dial-prefix]" in r.stderr and "[numbering-plan]" not in r.stderr,
            "a number starting with 0 gets the dial-prefix warning only", r.stderr)


def check_export_import(s, zone):
    exported = s.path("numbers.zone")
    r = run(ENUMCTL, "export", zone, "-o", exported)
    if not c.check(r.returncode == 0, "enumctl export exits 0", r.stderr):
        return
    lines = open(exported).read().splitlines()

    def before(owner_prefix):
        """The line before the first record of the owner."""
        for i, line in enumerate(lines):
            if line.startswith(owner_prefix + "\t"):
                return lines[i - 1]
        return None

    for owner, comment in (("2.1.9.0.0.5.5.5.3.1.6", "; +61 3 5550 0912 (AU fixed-line)"),
                           ("8.7.6.5.4.3.2.1.9.9.9", "; +99912345678 (cannot exist: no country has this country code)"),
                           ("*.2.0.5.5.5.2.1.6", "; +61255502* (range)")):
        got = before(owner)
        c.check(got == comment, f"export: {comment!r} before the records of {owner}", f"got {got!r}")
    checkzone = "/usr/bin/named-checkzone"
    if os.access(checkzone, os.X_OK):
        r = run(checkzone, "-q", "e164.arpa", exported)
        c.check(r.returncode == 0, "named-checkzone loads the commented export", r.stdout + r.stderr)
    else:
        print(f"SKIP {checkzone}: not installed")

    r = run(ENUMCTL, "export", "--no-number-comments", zone)
    comments = [line for line in r.stdout.splitlines() if line.startswith(";")]
    c.check(r.returncode == 0 and comments == ["; zone e164.arpa., 5 records"],
            "export --no-number-comments: the header line is the only comment", r.stdout + r.stderr)

    imported = s.path("imported.yaml")
    r = run(ENUMCTL, "import", exported, "-o", imported)
    if not c.check(r.returncode == 0, "enumctl import of the commented export exits 0", r.stderr):
        return
    text = open(imported).read()
    for needle in ('number: "+61 3 5550 0912"', 'number: "+99912345678"', 'number: "+61255502*"'):
        c.check(needle in text, f"import writes {needle}", text)
    r = run(ENUMCTL, "diff", zone, imported)
    c.check(r.returncode == 0 and r.stdout == "", "the imported YAML holds the zone's records (enumctl diff)",
            r.stdout + r.stderr)
    r = run(ENUMCTL, "check", imported)
    c.check(r.returncode == 0 and "0 errors" in r.stdout, "enumctl check of the imported YAML: no errors",
            r.stdout + r.stderr)
    c.check("number +99912345678 cannot exist" in r.stderr and "[numbering-plan]" in r.stderr,
            "enumctl check warns about the number that cannot exist", r.stderr)


def check_many(s):
    """enumctl check of 3,000 numbers asks the plans on two threads: the warnings still come in file order."""
    path = s.path("many.zone")
    bad_lines = {}
    with open(path, "w") as f:
        f.write("$ORIGIN e164.arpa.\n$TTL 3600\n@ SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
                "@ NS ns1.example.net.\n")
        line = 4
        for i in range(3000):
            # Every 500th a number of no country (+999...), at both ends of the list and in the middle.
            digits = ("99912%06d" if i % 500 == 7 else "6135550%04d") % i
            owner = ".".join(reversed(digits))
            f.write(f'{owner} NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:x@example.net!" .\n')
            line += 1
            if i % 500 == 7:
                bad_lines["+" + digits] = line
    r = run(ENUMCTL, "check", "--all-warnings", path)
    got = [(m.group(2), int(m.group(1))) for m in re.finditer(r"many\.zone:(\d+).*number (\+\d+) cannot exist", r.stderr)]
    c.check(got == sorted(bad_lines.items(), key=lambda kv: kv[1]),
            "enumctl check of 3,000 numbers: each impossible one warned once, at its line, in file order",
            f"got {got[:8]} of {len(got)}; want {sorted(bad_lines.items(), key=lambda kv: kv[1])[:8]}")


def body(s):
    check_many(s)
    zone = s.path("numbers.yaml")
    with open(zone, "w") as f:
        f.write(ZONE)
    srv = s.start(Enumd(["--zone", zone]))
    check_enumq(srv.port)
    check_export_import(s, zone)


if __name__ == "__main__":
    raise SystemExit(run_in_scratch(c, Scratch("enumd-number-plans-"), body))
