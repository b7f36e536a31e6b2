#!/usr/bin/python3
"""DNS cookies (RFC 7873, server cookies of RFC 9018; issue 12 item 7) against
the real enumd: dig +cookie and kdig get a server cookie and dig calls it good;
the server cookie returned is accepted; a malformed COOKIE is FORMERR; a valid
cookie exempts a client from response rate limiting, a client cookie alone
does not; two servers sharing `cookies: {secret}` accept each other's cookies;
`cookies: {enabled: false}` sends none."""
import os
import re
import socket
import subprocess
import sys
import time

import dns.edns
import dns.flags
import dns.message
import dns.rcode

from enumd_testlib import DATA_DIR, Checker, Enumd, Scratch, run_in_scratch

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
NUMBER = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."
CLIENT = bytes.fromhex("2464c4abcf10c957")
SECRET = "e5e973e5a6b2a43f48e7dc849e37bfcf"
BURST = 40
RATE = 5
CONFIG = f"""rate_limit: {{mode: on, responses_per_second: {RATE}, slip: 0}}
cookies: {{secret: "{SECRET}"}}
"""


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    return p.stdout + p.stderr


def query(name, cookie=None):
    q = dns.message.make_query(name, "NAPTR", use_edns=0)
    if cookie is not None:
        q.use_edns(0, options=[dns.edns.GenericOption(dns.edns.COOKIE, cookie)])
    return q


def cookie_of(r):
    for o in r.options if r.edns >= 0 else []:
        if o.otype == dns.edns.COOKIE:
            return o.data  # dnspython 2.3 (Debian 12) keeps COOKIE as a GenericOption
    return None


def ask(e, q, source="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    s.settimeout(2)
    try:
        s.sendto(q.to_wire(), (e.host, e.port))
        return dns.message.from_wire(s.recv(65535))
    finally:
        s.close()


def burst(e, q, source):
    """BURST copies of q at once from `source`: how many were answered."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    s.settimeout(1.0)
    try:
        for i in range(BURST):
            q.id = i
            s.sendto(q.to_wire(), (e.host, e.port))
        got = 0
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                s.recv(65535)
            except socket.timeout:
                break
            got += 1
        return got
    finally:
        s.close()


def scenario(s):
    a = s.start(Enumd(["--zone", LAB], config=CONFIG, listen=True, name="a", workdir=s.tmp))
    # dig and kdig, as people use them.
    out = run(["dig", "@127.0.0.1", "-p", str(a.port), "+cookie", "+tries=1", "+time=3", "NAPTR", NUMBER])
    m = re.search(r"COOKIE: ([0-9a-f]{16})([0-9a-f]{32}) \(good\)", out)
    c.check(m is not None and "status: NOERROR" in out, "dig +cookie: a 16-octet server cookie, called good", out)
    if m:
        again = run(["dig", "@127.0.0.1", "-p", str(a.port), f"+cookie={m.group(1)}{m.group(2)}", "+tries=1",
                     "+time=3", "NAPTR", NUMBER])
        c.check("status: NOERROR" in again and "(good)" in again, "dig with the server cookie it was given", again)
    out = run(["kdig", "@127.0.0.1", "-p", str(a.port), "+cookie", "+timeout=3", "NAPTR", NUMBER])
    c.check(re.search(r"COOKIE: [0-9a-f]{48}\b", out, re.I) is not None, "kdig +cookie gets both halves (48 hex digits)",
            out)

    # The server cookie, and what it is worth under rate limiting.
    r = ask(a, query(NUMBER, CLIENT))
    full = cookie_of(r)
    c.check(full is not None and len(full) == 24 and full[:8] == CLIENT and full[8] == 1,
            "a client cookie alone gets the client cookie and a version-1 server cookie back", repr(full))
    c.check(r.rcode() == dns.rcode.NOERROR and r.answer, "and the answer")
    got = burst(a, query(NUMBER, full), "127.0.0.1")
    c.check(got == BURST, "a valid server cookie exempts the client from rate limiting", f"{got} of {BURST}")
    got = burst(a, query(NUMBER, CLIENT), "127.0.1.1")
    c.check(got <= 2 * RATE, "a client cookie alone does not", f"{got} of {BURST}")
    # The same cookie from another address is not valid there.
    got = burst(a, query(NUMBER, full), "127.0.4.1")
    c.check(got <= 2 * RATE, "a server cookie from another address is not honoured", f"{got} of {BURST}")

    # RFC 7873 §5.2.2: a malformed COOKIE (7 octets, or 9) is FORMERR.
    for bad in (CLIENT[:7], CLIENT + b"\x01"):
        r = ask(a, query(NUMBER, bad))
        c.check(r.rcode() == dns.rcode.FORMERR, f"a {len(bad)}-octet COOKIE is FORMERR",
                dns.rcode.to_text(r.rcode()))

    # A second server with the same secret accepts the first one's cookie (RFC 9018 anycast).
    b = s.start(Enumd(["--zone", LAB], config=CONFIG, listen=True, name="b", workdir=s.tmp))
    got = burst(b, query(NUMBER, full), "127.0.0.1")
    c.check(got == BURST, "a server sharing the secret honours the other's cookie", f"{got} of {BURST}")

    # Off: no COOKIE in the answer.
    off = s.start(Enumd(["--zone", LAB], config="cookies: {enabled: false}\n", listen=True, name="off",
                        workdir=s.tmp))
    r = ask(off, query(NUMBER, CLIENT))
    c.check(r.rcode() == dns.rcode.NOERROR and cookie_of(r) is None, "cookies: {enabled: false} sends none")


def main():
    return run_in_scratch(c, Scratch("enumd-cookies-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
