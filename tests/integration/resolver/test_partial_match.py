#!/usr/bin/python3
"""A NAPTR regexp that matches only part of the number (issue 13; resolver/README.md "Partial matches").

+61355500927 has "!^\\+(6|61)!sip:\\1-!": sed-style (RFC 3402 §3.2, enumd's default) the unmatched rest stays,
"sip:61-355500927"; `enumq --partial-match replacement-only` (Kamailio, Asterisk) gives "sip:61-". `enumctl check`
warns (naptr-partial-match) on that record and on no record whose regexp spans the whole number.
"""
import json
import os
import re
import subprocess

from enumd_testlib import DATA_DIR, ENUMCTL, ENUMQ, Checker, Enumd, Scratch, run_in_scratch, run_main

ZONE_FILE = os.path.join(DATA_DIR, "resolver", "e164.arpa.zone")
c = Checker()


def enumq(*args):
    out = subprocess.run([ENUMQ, *args], capture_output=True, text=True, timeout=60)
    try:
        return out.returncode, json.loads(out.stdout), out
    except json.JSONDecodeError:
        return out.returncode, None, out


def body(scratch):
    srv = scratch.start(Enumd(["--zone", f"e164.arpa={ZONE_FILE}"]))
    S = ["--server", f"127.0.0.1:{srv.port}", "--timeout", "1000", "--json"]
    cases = [
        ([], "sip:61-355500927", "rfc3403"),
        (["--partial-match", "sed"], "sip:61-355500927", "rfc3403"),
        (["--partial-match", "replacement-only"], "sip:61-", "rfc3403+replacement-only"),
    ]
    for extra, uri, mode in cases:
        rc, d, out = enumq("+61355500927", *extra, *S)
        c.check(rc == 0 and d and [t["uri"] for t in d["targets"]] == [uri] and d["mode"] == mode,
                f"enumq {' '.join(extra) or '(default)'}: {uri}", out.stdout[:400])
    # A regexp over the whole string reads the same either way.
    rc, d, out = enumq("+61355500911", "--partial-match", "replacement-only", "--service", "E2U+sip", *S)
    c.check(rc == 0 and d and [t["uri"] for t in d["targets"]] == ["sip:info@server1.example.net"],
            "a whole-string regexp gives the same URI in the replacement-only reading", out.stdout[:400])
    rc, _, out = enumq("+61355500927", "--partial-match", "kamailio", *S)
    c.check(rc == 2 and "kamailio" in out.stderr, "an unknown reading is a usage error")

    # enumctl check: one naptr-partial-match warning, at the record that has it.
    out = subprocess.run([ENUMCTL, "check", "--all-warnings", "--origin", "e164.arpa.", ZONE_FILE], capture_output=True,
                         text=True, timeout=60)
    text = out.stdout + out.stderr
    lines = [l for l in text.splitlines() if "[naptr-partial-match]" in l]
    with open(ZONE_FILE) as f:
        at = next(i for i, l in enumerate(f.read().splitlines(), 1) if l.startswith("7.2.9.0.0.5.5.5.3.1.6 "))
    c.check(len(lines) == 1 and re.search(rf":{at}(:\d+)?: warning: NAPTR regexp", lines[0]) is not None
            and "may match only part of the number" in lines[0], "enumctl check warns once, at the partial regexp",
            text[-1500:])
    quiet = subprocess.run([ENUMCTL, "check", "--no-warn", "naptr-partial-match", "--origin", "e164.arpa.", ZONE_FILE],
                           capture_output=True, text=True, timeout=60)
    c.check("naptr-partial-match" not in quiet.stdout + quiet.stderr, "--no-warn naptr-partial-match silences it")


def main():
    run_in_scratch(c, Scratch("enumd-partial-match-"), body)


if __name__ == "__main__":
    run_main(c, main)
