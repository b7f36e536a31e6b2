#!/usr/bin/python3
"""enumctl compile skips what did not change, as enumd's reloads do (issue 11, "File-managed data and live changes
coexist"; zones/README.md "Reloads"): a file whose bytes — and its includes' — are those of the database's last
compile is not read again, so its zone keeps its serial (and its live changes and IXFR history) and shows as
(unchanged); an edit of the file or of an include compiles it again; --force reads everything; --prune never
removes a zone only because its file was skipped."""
import os
import re
import shutil
import subprocess
import sys
import time

from enumd_testlib import ENUMCTL, SOURCE_DIR, Checker, Scratch, run_in_scratch

c = Checker()
WARNING = "naptr-preference"  # lab.yaml's +61355500913 has preferences 100/100/200 at one order


def compile_(db, *files, extra=()):
    p = subprocess.run([ENUMCTL, "compile", "--db", db, *extra, *files], capture_output=True, text=True, timeout=120)
    serials = dict(re.findall(r"^zone (\S+): .*serial (\d+)", p.stdout, re.M))
    unchanged = set(re.findall(r"^zone (\S+): .*\(unchanged\)$", p.stdout, re.M))
    return p, serials, unchanged


def body(s):
    shutil.copytree(os.path.join(SOURCE_DIR, "zones", "examples"), s.path("zones"))
    lab = s.path("zones/lab.yaml")
    gpp = s.path("zones/3gpp.yaml")
    db = s.path("db")
    time.sleep(0.1)  # the files are older than the compile's start, so their fingerprint is kept

    p, first, unchanged = compile_(db, lab, gpp)
    c.check(p.returncode == 0 and set(first) == {"e164.arpa.", "3gppnetwork.org."} and not unchanged,
            f"the first compile writes both zones: {p.stdout!r}")
    c.check(WARNING in p.stderr, "the first compile shows lab.yaml's warning", p.stderr[-300:])

    p, again, unchanged = compile_(db, lab, gpp, extra=["--prune"])
    c.check(p.returncode == 0 and unchanged == {"e164.arpa.", "3gppnetwork.org."},
            f"compiling the same files again: both zones (unchanged): {p.stdout!r}")
    c.check(again == first, f"their serials stay: {first} → {again}")
    c.check(WARNING not in p.stderr, "the unchanged files are not read again (no warning)", p.stderr[-300:])
    c.check("removed" not in p.stdout, "--prune keeps the zones of skipped files", p.stdout)
    c.check("no zone read" in p.stdout, "the summary says nothing was read", p.stdout)

    p, forced, unchanged = compile_(db, lab, gpp, extra=["--force"])
    c.check(p.returncode == 0 and WARNING in p.stderr, "--force reads the files again (the warning is back)",
            p.stderr[-300:])
    c.check(forced == first, f"the same content keeps its serial under --force too: {forced}")

    # An edit of an include (lab.d/ranges.yaml) reads lab.yaml's zone again, even when its records stay the same.
    with open(s.path("zones/lab.d/ranges.yaml"), "a") as f:
        f.write("# an operator's comment: bytes change, records do not\n")
    time.sleep(0.1)
    p, edited, unchanged = compile_(db, lab, gpp)
    c.check(p.returncode == 0 and WARNING in p.stderr and edited == first and "no zone read" not in p.stdout,
            "a comment-only edit of an include reads lab.yaml again; records and serials stay the same",
            p.stdout + p.stderr[-300:])
    with open(lab) as f:
        text = f.read()
    # A real change: one more number in lab.yaml (serial: auto moves forward).
    text = text.replace("numbers:\n", "numbers:\n  - {number: \"+61 3 5550 0999\", naptr: \"sip:new@example.net\"}\n", 1)
    with open(lab, "w") as f:
        f.write(text)
    time.sleep(0.1)
    p, changed, unchanged = compile_(db, lab, gpp)
    c.check(p.returncode == 0 and unchanged == {"3gppnetwork.org."},
            f"after adding a number only 3gpp.yaml's zone is (unchanged): {p.stdout!r}", p.stderr[-500:])
    c.check(int(changed.get("e164.arpa.", 0)) > int(first["e164.arpa."]),
            f"e164.arpa.'s serial moves forward: {first['e164.arpa.']} → {changed.get('e164.arpa.')}")
    c.check(changed.get("3gppnetwork.org.") == first["3gppnetwork.org."], "3gppnetwork.org. keeps its serial")
    out = subprocess.run([ENUMCTL, "export", "--db", db, "--zone", "e164.arpa."], capture_output=True, text=True,
                         timeout=60).stdout
    c.check("sip:new@example.net" in out, "the new number is in the database")


if __name__ == "__main__":
    s = Scratch("enumd-compile-unchanged-")
    sys.exit(run_in_scratch(c, s, body))
