#!/usr/bin/python3
"""Readable output for big zones (issue 13): `enumctl check` and `compile` show per kind of warning
the first 5 with file:line, then "... and N more KIND warnings"; --all-warnings shows all,
--no-warn KIND silences a kind, errors are never hidden; enumd's log summarises the same way."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import ENUMCTL, Checker, Enumd

c = Checker()


def zone_text(numbers):
    lines = ["origin: e164.arpa.",
             "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}",
             "ns: [ns1.example.net.]",
             "numbers:"]
    for i in range(numbers):
        # Preferences 100/200 in one order: a naptr-preference warning per number.
        lines.append(f'  - {{number: "+6135550{i:04d}", naptr: [{{uri: "sip:a@x.example", preference: 100}}, '
                     f'{{uri: "sip:b@x.example", preference: 200}}]}}')
    lines.append('  - {number: "+0011 61 3 5550 0000", naptr: "sip:c@x.example"}')  # dial-prefix
    return "\n".join(lines) + "\n"


def run(*args):
    return subprocess.run([ENUMCTL] + list(args), capture_output=True, text=True, timeout=60)


def pref_lines(err):
    return [ln for ln in err.splitlines() if ln.endswith("[naptr-preference]")]


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-warnsum-")
    try:
        zone = os.path.join(tmp, "big.yaml")
        with open(zone, "w") as f:
            f.write(zone_text(12))
        out = run("check", zone)
        c.check(out.returncode == 0 and len(pref_lines(out.stderr)) == 5 and
                "... and 7 more naptr-preference warnings" in out.stderr and
                "[dial-prefix]" in out.stderr and "0 errors, 13 warnings" in out.stdout,
                f"check summarises: {out.returncode} {out.stdout}{out.stderr}")
        c.check(all(ln.startswith(zone + ":") for ln in pref_lines(out.stderr)), "shown warnings have file:line")
        out = run("check", "--all-warnings", zone)
        c.check(len(pref_lines(out.stderr)) == 12 and "more" not in out.stderr, f"--all-warnings: {out.stderr}")
        out = run("check", "--no-warn", "naptr-preference", "--no-warn", "dial-prefix", zone)
        c.check(out.returncode == 0 and "warning" not in out.stderr and "0 errors, 13 warnings (13 silenced)" in out.stdout,
                f"--no-warn twice: {out.stdout}{out.stderr}")
        out = run("check", "--no-warn", "preference", zone)
        c.check(out.returncode == 2 and "naptr-preference" in out.stderr, f"unknown kind: {out.returncode} {out.stderr}")
        out = run("help", "check") if False else run("check", "--help")
        c.check(out.returncode == 0 and "naptr-preference" in out.stdout and "--no-warn KIND" in out.stdout,
                f"check --help lists the kinds: {out.stdout}")
        # Errors are never hidden, not even by --no-warn.
        with open(zone, "a") as f:
            f.write("".join(f'  - {{number: "+61 3 5550 {i:04d}x", naptr: "sip:e@x.example"}}\n' for i in range(8)))
        out = run("check", "--no-warn", "naptr-preference", zone)
        c.check(out.returncode == 1 and out.stderr.count(": error: ") == 8, f"errors all shown: {out.stderr}")
        # compile summarises the same way; enumd's log too.
        with open(zone, "w") as f:
            f.write(zone_text(12))
        out = run("compile", "--db", os.path.join(tmp, "db"), zone)
        c.check(out.returncode == 0 and len(pref_lines(out.stderr)) == 5 and
                "... and 7 more naptr-preference warnings" in out.stderr, f"compile summarises: {out.stderr}")
        with Enumd(["--zone", zone]) as srv:
            logs = srv.logs()
            c.check(logs.count("zone warning") >= 6 and "zone warnings not shown" in logs and "7" in logs,
                    f"enumd logs the summary: {logs[-2000:]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
