#!/usr/bin/python3
"""enumd --config: file:line errors for unknown keys and bad values; the query
ACL (REFUSED from a loopback source outside it); IPv4 + IPv6 listeners; and
the answers seen through dig and kdig, UDP and TCP, with and without EDNS."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

import dns.message
import dns.query
import dns.rcode

from enumd_testlib import DATA_DIR, ENUMD, Checker, Enumd, free_port

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
EXAMPLE = os.path.join(DATA_DIR, "server", "example.zone")


def have_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def run_config(text):
    d = tempfile.mkdtemp(prefix="enumd-cfg-")
    try:
        path = os.path.join(d, "enumd.yaml")
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([ENUMD, "--config", path], capture_output=True, text=True, timeout=20)
        return p.returncode, p.stderr, path
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    # Configuration errors: all of them, each with file:line:column.
    rc, err, path = run_config(
        "listen: [\"127.0.0.1:5353\"]\n"
        "threads: lots\n"
        "zones: [" + LAB + "]\n"
        "colour: blue\n"
        "tcp: {idle_timeout_ms: 5, max_connections: 10}\n"
        "acl: {query: [\"10.0.0.0/33\"]}\n")
    c.check(rc == 2, f"bad config should exit 2, got {rc}")
    for needle in [f"{path}:2:10: error: threads must be an integer",
                   f"{path}:4:1: error: unknown key 'colour'",
                   f"{path}:5:24: error: idle_timeout_ms must be between",
                   f"{path}:6:15: error: '10.0.0.0/33' is not an address"]:
        c.check(needle in err, f"config error missing: {needle!r} in {err!r}")

    # A single listen address (not a list) is accepted.
    with Enumd(config=lambda port, _: f"listen: 127.0.0.1:{port}\nthreads: 1\nzones: [{LAB}]\n", threads=None) as one:
        c.check(one.query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR").rcode() == 0, "scalar listen works")

    # A zone with an error keeps enumd from starting, with file:line.
    d = tempfile.mkdtemp(prefix="enumd-badzone-")
    try:
        bad = os.path.join(d, "bad.zone")
        with open(LAB) as f:
            text = f.read()
        with open(bad, "w") as f:
            f.write(text + "x IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b\" .\n")
        p = subprocess.run([ENUMD, "--listen", f"127.0.0.1:{free_port()}", "--zone", bad],
                           capture_output=True, text=True, timeout=20)
        c.check(p.returncode == 1 and f"{bad}:" in p.stderr, f"bad zone at start: rc={p.returncode} {p.stderr!r}")
    finally:
        shutil.rmtree(d, ignore_errors=True)

    # ACL: only 127.0.0.1 may query; 127.0.0.2 is loopback but outside it.
    def acl_config(port, _control):
        listen = [f'"127.0.0.1:{port}"'] + ([f'"[::1]:{port}"'] if have_ipv6_loopback() else [])
        return (f"listen: [{', '.join(listen)}]\nthreads: 1\nzones: [{LAB}, {EXAMPLE}]\n"
                "acl: {query: [127.0.0.1/32, \"::1\"]}\nlogging: {level: warn}\n")

    with Enumd(config=acl_config, threads=None) as srv:
        port = srv.port
        q = dns.message.make_query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR")
        r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
        c.check(r.rcode() == 0 and r.answer, "allowed client gets the answer")
        r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2, source="127.0.0.2")
        c.check(r.rcode() == dns.rcode.REFUSED and not r.answer, f"client outside the ACL: {dns.rcode.to_text(r.rcode())}")
        r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=2, source="127.0.0.2")
        c.check(r.rcode() == dns.rcode.REFUSED, "TCP client outside the ACL must be REFUSED")
        if have_ipv6_loopback():
            r = dns.query.udp(q, "::1", port=port, timeout=2)
            c.check(r.rcode() == 0 and r.answer, "IPv6 listener answers")
            r = dns.query.tcp(q, "::1", port=port, timeout=2)
            c.check(r.rcode() == 0 and r.answer, "IPv6 TCP listener answers")
        else:
            print("note: no IPv6 loopback here, IPv6 listener not tested")

        # The same answers through dig and kdig.
        def dig(*args):
            p = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+norec", *args],
                               capture_output=True, text=True, timeout=20)
            return p.stdout
        for transport in ([], ["+tcp"]):
            for edns in (["+edns=0"], ["+noedns"]):
                out = dig(*transport, *edns, "NAPTR", "2.1.9.0.0.5.5.5.3.1.6.e164.arpa")
                label = " ".join(transport + edns)
                c.check("status: NOERROR" in out and "flags: qr aa;" in out and out.count("IN NAPTR\t10 100") == 2,
                        f"dig {label}: 50/50 pair\n{out}")
                c.check(("; EDNS: version: 0, flags:; udp: 1232" in out) == (edns == ["+edns=0"]),
                        f"dig {label}: OPT echo\n{out}")
        out = dig("A", "nope.e164.arpa")
        c.check("status: NXDOMAIN" in out and "e164.arpa.\t\t300\tIN\tSOA" in out, f"dig NXDOMAIN\n{out}")
        out = dig("+bufsize=512", "TXT", "big.example")
        c.check("flags: qr aa tc;" in out or "Truncated, retrying in TCP" in out, f"dig TC\n{out}")
        if shutil.which("kdig"):
            out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+tcp", "NAPTR",
                                  "0.0.0.2.0.5.5.5.2.1.6.e164.arpa"], capture_output=True, text=True,
                                 timeout=20).stdout
            c.check("status: NOERROR" in out and "0.0.0.2.0.5.5.5.2.1.6.e164.arpa." in out and "NAPTR" in out,
                    f"kdig wildcard\n{out}")
            out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+edns=1", "A", "host1.example"],
                                 capture_output=True, text=True, timeout=20).stdout
            c.check("BADVERS" in out, f"kdig +edns=1\n{out}")
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
