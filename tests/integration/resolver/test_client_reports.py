#!/usr/bin/python3
"""Honest client reports (issue 13): what enumq and the library say when the lookup does not succeed.

- nothing listens on the port: "unreachable" (ICMP port unreachable on the connected UDP socket) at once, exit 8,
  ENUMD_EUNREACHABLE from the C API — not "timeout" after the whole timeout;
- a server that stays silent: "timeout", exit 4;
- a zone behind an ACL that REFUSEs us: "refused", exit 7, in ENUM, SIP (RFC 3263) and ePDG lookups, ENUMD_EREFUSED;
- --json carries the servers as a list and the visited-country row as its own boolean field;
- a number in national form (leading 0) gets enumctl check's dial-prefix warning;
- the exit-code table of `enumq --help` is the one tools/enumq/README.md documents, usage errors exit 2.
"""
import json
import os
import re
import socket
import subprocess
import time

from enumd_testlib import BUILD_DIR, DATA_DIR, ENUMQ, SOURCE_DIR, Checker, Enumd, Scratch, free_port, run_in_scratch, run_main

DATA = os.path.join(DATA_DIR, "resolver")
ZONES = [("e164.arpa", "e164.arpa.zone"), ("3gppnetwork.org", "3gppnetwork.org.zone"), ("example.net", "example.net.zone")]
C_CLIENT = os.path.join(BUILD_DIR, "bin/enumd_c_api_client")
ENUMD_EREFUSED, ENUMD_EUNREACHABLE = -10, -11
c = Checker()


def enumq(*args):
    started = time.monotonic()
    out = subprocess.run([ENUMQ, *args], capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    try:
        data = json.loads(out.stdout)
    except json.JSONDecodeError:
        data = None
    return out.returncode, data, out, took


def c_api(server, number, expected):
    out = subprocess.run([C_CLIENT, server, number, str(expected)], capture_output=True, text=True, timeout=60)
    return out.returncode == 0, (out.stdout + out.stderr).strip()


def zone_args():
    return [a for origin, fname in ZONES for a in ("--zone", f"{origin}={os.path.join(DATA, fname)}")]


def body(scratch):
    # --- Nothing listens: refused at once, not a timeout -------------------------------------------
    closed = f"127.0.0.1:{free_port()}"
    rc, d, out, took = enumq("+61355500911", "--server", closed, "--timeout", "3000", "--json")
    c.check(rc == 8 and d and d["outcome"] == "unreachable", "closed port: outcome unreachable, exit 8",
            f"exit {rc}, {out.stdout[:300]} {out.stderr[:300]}")
    c.check(took < 1.5, f"closed port: reported in {took:.2f} s, well under the 3 s timeout")
    rc, d, out, took = enumq("sip", "sip:x@example.net", "--server", closed, "--timeout", "3000", "--json")
    c.check(rc == 8 and d and d["outcome"] == "unreachable" and took < 1.5, "closed port: SIP lookup unreachable at once",
            f"exit {rc} after {took:.2f} s")
    ok, text = c_api(closed, "+61355500911", ENUMD_EUNREACHABLE)
    c.check(ok, "C API: ENUMD_EUNREACHABLE for a closed port", text)

    # --- A silent server: a timeout stays a timeout --------------------------------------------------
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        rc, d, out, took = enumq("+61355500911", "--server", f"127.0.0.1:{port}", "--timeout", "200", "--json")
        c.check(rc == 4 and d and d["outcome"] == "timeout" and took >= 0.2, "silent server: timeout, exit 4",
                f"exit {rc} after {took:.2f} s: {out.stdout[:300]}")

    # --- An ACL that REFUSEs this client: "refused", not "servfail" ----------------------------------
    srv = scratch.start(Enumd(zone_args() + ["--allow-query", "192.0.2.1/32"]))
    S = ["--server", f"127.0.0.1:{srv.port}", "--timeout", "1000"]
    rc, d, out, _ = enumq("+61355500911", *S, "--json")
    c.check(rc == 7 and d and d["outcome"] == "refused", "ENUM behind a refusing ACL: refused, exit 7",
            f"exit {rc}: {out.stdout[:300]}")
    rc, d, out, _ = enumq("sip", "sip:alice@ims.mnc001.mcc001.3gppnetwork.org", *S, "--json")
    c.check(rc == 7 and d and d["outcome"] == "refused", "SIP behind a refusing ACL: refused, exit 7",
            f"exit {rc}: {out.stdout[:300]}")
    rc, d, out, _ = enumq("epdg", "--mcc", "505", "--mnc", "01", *S, "--json")
    c.check(rc == 7 and d and [e["status"] for e in d["epdg"]] == ["refused"], "ePDG behind a refusing ACL: refused, exit 7",
            f"exit {rc}: {out.stdout[:300]}")
    rc, d, out, _ = enumq("epdg", "--imsi", "505011234567890", *S, "--json")
    c.check(rc == 7 and d and {t["status"] for t in d["tried"]} == {"REFUSED"}, "epdg --imsi behind a refusing ACL: exit 7",
            f"exit {rc}: {out.stdout[:300]}")
    ok, text = c_api(f"127.0.0.1:{srv.port}", "+61355500911", ENUMD_EREFUSED)
    c.check(ok, "C API: ENUMD_EREFUSED behind a refusing ACL", text)

    # --- JSON shape: lists as lists, the visited-country flag as its own field ------------------------
    open_srv = scratch.start(Enumd(zone_args()))
    server = f"127.0.0.1:{open_srv.port}"
    S = ["--server", server, "--timeout", "1000"]
    rc, d, out, _ = enumq("+61355500911", *S, "--json")
    c.check(rc == 0 and d and d["servers"] == [server] and d["servers_from"] == "explicit",
            "--json: servers is a list of addresses, servers_from says where they came from", out.stdout[:300])
    rc, d, out, _ = enumq("--epdg-country", "505", "--mnc", "01", "--visited", *S, "--json")
    rows = d["epdg"] if d else []
    c.check(rc == 0 and [(r["plmn"], r["mcc"], r["visited_country"]) for r in rows] == [("505-01", "505", False), (None, "505", True)]
            and rows[1]["addresses"] == ["203.0.113.99"], "--json: the visited-country row is flagged, not a PLMN text",
            out.stdout[:500])

    # --- National form: the dial-prefix warning of enumctl check ----------------------------------------
    rc, d, out, _ = enumq("03 5550 0911", *S, "--json")
    c.check(d is not None and "number +0355500911 starts with 0: no country code does, so this looks like a national "
            "or international dial prefix (such as 0011 or 00) written before the country code [dial-prefix]" in out.stderr,
            "a number starting with 0 gets the dial-prefix warning", out.stderr[:300])
    rc, d, out, _ = enumq("+61355500911", *S, "--json")
    c.check("dial-prefix" not in out.stderr, "no warning for a number with its country code")

    # --- Exit codes: one table in --help and the README; usage errors exit 2 -----------------------------
    help_text = subprocess.run([ENUMQ, "--help"], capture_output=True, text=True, timeout=60).stdout
    footer = help_text[help_text.index("exit: "):]
    in_help = dict((int(n), w) for n, w in re.findall(r"(\d) ([A-Za-z]+)", footer))
    with open(os.path.join(SOURCE_DIR, "tools/enumq/README.md")) as f:
        readme = dict((int(n), w) for n, w in re.findall(r"^\| (\d) \| ([A-Za-z]+)", f.read(), re.M))
    c.check(in_help == readme and sorted(readme) == list(range(9)), "enumq --help and README list the same exit codes",
            f"help {in_help}, README {readme}")
    cases = [
        (["--no-such-option"], 2), (["enum", "+61355500911", "+61355500912"], 2), (["+61355500911", "--timeout", "x"], 2),
        (["+61ab", *S], 1), (["+4420", *S], 6), (["sip", "sip:x@missing.example.net", *S], 6), (["+61355500923", *S], 3),
    ]
    for argv, status in cases:
        rc, _, out, _ = enumq(*argv)
        c.check(rc == status, f"enumq {' '.join(argv[:3])}: exit {status}", f"exit {rc}: {out.stderr[:200]}")


def main():
    if not os.path.exists(C_CLIENT):
        c.fail(f"C client built ({C_CLIENT})")
    run_in_scratch(c, Scratch("enumd-client-reports-"), body)


if __name__ == "__main__":
    run_main(c, main)
