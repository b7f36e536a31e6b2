#!/usr/bin/python3
"""Every access list fails closed: an empty list allows nobody (issue 12 item 2).
Seen through dig and kdig against a real enumd: `transfer: {allow: []}` refuses
AXFR (and `allow: [127.0.0.1]` serves it), `acl: {query: []}` refuses queries,
`recursion: {allow: []}` refuses names outside our zones without RA."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import SOURCE_DIR, Checker, Enumd, free_port

c = Checker()
LAB = os.path.join(SOURCE_DIR, "tests", "data", "server", "lab.zone")
NUMBER = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    return p.stdout + p.stderr


def dig(e, *args):
    return run(["dig", "@127.0.0.1", "-p", str(e.port), "+tries=1", "+time=5"] + list(args))


def kdig_axfr(e, zone):
    return run(["kdig", "@127.0.0.1", "-p", str(e.port), "+timeout=5", "AXFR", zone])


def with_config(text, check):
    d = tempfile.mkdtemp(prefix="enumd-acl-")
    try:
        port = free_port()
        path = os.path.join(d, "enumd.yaml")
        with open(path, "w") as f:
            f.write(f"listen: 127.0.0.1:{port}\nthreads: 1\n" + text)
        with Enumd(["--config", path], port=port, listen=False) as e:
            check(e)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def transfer_empty(e):
    out = kdig_axfr(e, "e164.arpa.")
    c.check("REFUSED" in out and "SOA" not in out.split("REFUSED")[-1], f"transfer allow: [] refuses AXFR: {out!r}")
    out = dig(e, "AXFR", "e164.arpa.")
    c.check("Transfer failed" in out and "IN\tNAPTR" not in out, f"dig AXFR refused too: {out!r}")
    out = dig(e, "NAPTR", NUMBER)
    c.check("status: NOERROR" in out, f"queries are still answered: {out!r}")


def transfer_loopback(e):
    out = kdig_axfr(e, "e164.arpa.")
    c.check("NAPTR" in out and "REFUSED" not in out, f"transfer allow: [127.0.0.1] serves AXFR: {out!r}")


def query_empty(e):
    for args in (["NAPTR", NUMBER], ["+tcp", "NAPTR", NUMBER], ["SOA", "e164.arpa."]):
        out = dig(e, *args)
        c.check("status: REFUSED" in out, f"acl query: [] refuses {args}: {out!r}")


def recursion_empty(e):
    out = dig(e, "A", "www.example.com.")
    c.check("status: REFUSED" in out, f"recursion allow: [] refuses names outside our zones: {out!r}")
    flags = [l for l in out.splitlines() if l.startswith(";; flags:")]
    c.check(flags and " ra" not in flags[0].split(";")[2], f"no RA for a client outside the recursion ACL: {flags}")
    out = dig(e, "NAPTR", NUMBER)
    c.check("status: NOERROR" in out, f"local zones are still answered: {out!r}")


def main():
    with_config(f"zones: [{{file: {LAB}, transfer: {{allow: []}}}}]\n", transfer_empty)
    with_config(f"zones: [{{file: {LAB}, transfer: {{allow: [127.0.0.1]}}}}]\n", transfer_loopback)
    with_config(f"zones: [{LAB}]\nacl: {{query: []}}\n", query_empty)
    dead = free_port()  # a forwarder nobody listens on: recursing would time out into SERVFAIL
    with_config(f"zones: [{LAB}]\nrecursion: {{allow: [], forwarders: [\"127.0.0.1:{dead}\"], total_time_ms: 1000}}\n",
                recursion_empty)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
