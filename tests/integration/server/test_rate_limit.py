#!/usr/bin/python3
"""Response rate limiting (issue 12 item 7), against the real enumd on loopback:
beyond `responses_per_second` per client network a burst gets every slip-th
response truncated (TC, no records) and the rest dropped; TCP is not limited;
another /24 has its own budget; exempt networks and the default `auto` mode on
a loopback listener are not limited; random NXDOMAIN names under one zone share
one limit; the metrics count what was slipped and dropped."""
import os
import socket
import sys
import time
import urllib.request

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode

from enumd_testlib import DATA_DIR, Checker, Enumd, Scratch, run_in_scratch

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
NUMBER = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."
BURST = 40
RATE = 5


def burst(e, source, names, rdtype="NAPTR", cookie=None):
    """Sends one datagram per name from `source` at once, then reads replies for
    a second: (full answers, truncated answers, no reply)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    s.settimeout(1.0)
    try:
        for i, name in enumerate(names):
            q = dns.message.make_query(name, rdtype)
            if cookie is not None:  # EDNS with a client cookie (RFC 7873 §4.1)
                q.use_edns(0, options=[dns.edns.GenericOption(10, cookie)])
            q.id = i
            s.sendto(q.to_wire(), (e.host, e.port))
        full = tc = 0
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                break
            r = dns.message.from_wire(data)
            if r.flags & dns.flags.TC:
                c.check(not r.answer and not r.authority and not r.additional,
                        "a truncated reply carries no records", r.to_text())
                if cookie is not None:
                    # RFC 6891 §7 (OPT back) and RFC 7873 §5.2.3 (the server cookie, for the retry)
                    got = [o.data for o in r.options if o.otype == 10]
                    c.check(r.edns == 0 and len(got) == 1 and got[0][:8] == cookie and len(got[0]) == 24,
                            "a truncated reply to an EDNS query keeps its OPT with a server cookie", r.to_text())
                tc += 1
            else:
                full += 1
        return full, tc, len(names) - full - tc
    finally:
        s.close()


def metric(e, name):
    body = urllib.request.urlopen(f"http://127.0.0.1:{e.stats_port}/metrics", timeout=3).read().decode()
    for line in body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def scenario(s):
    config = f"""rate_limit:
  mode: on
  responses_per_second: {RATE}
  slip: 2
  exempt: [127.0.2.0/24]
"""
    e = s.start(Enumd(["--zone", LAB], config=config, listen=True, stats=True, workdir=s.tmp))
    # One second's budget per key; a burst that straddles a second boundary may get two.
    full, tc, lost = burst(e, "127.0.0.1", [NUMBER] * BURST)
    c.check(RATE <= full <= 2 * RATE, f"{BURST} identical queries: {RATE} answered in full per second", f"{full}")
    c.check(tc >= (BURST - 2 * RATE) // 2 - 1 and lost >= (BURST - 2 * RATE) // 2 - 1,
            "beyond the rate every 2nd reply is truncated, the others dropped (slip: 2)",
            f"full {full}, truncated {tc}, no reply {lost}")
    # With EDNS and a client cookie the truncated replies keep OPT and carry a server cookie.
    full, tc, lost = burst(e, "127.0.4.1", [NUMBER] * BURST, cookie=b"\x01\x02\x03\x04\x05\x06\x07\x08")
    c.check(tc >= (BURST - 2 * RATE) // 2 - 1, "an EDNS+cookie burst is limited too (its cookie is not yet valid)",
            f"full {full}, truncated {tc}, no reply {lost}")
    # TCP is not limited: a client told TC gets its answer there.
    r = dns.query.tcp(dns.message.make_query(NUMBER, "NAPTR"), e.host, port=e.port, timeout=3)
    c.check(r.rcode() == dns.rcode.NOERROR and r.answer, "TCP answers in full while UDP is limited")
    # Another /24 has its own budget.
    full, _, _ = burst(e, "127.0.1.1", [NUMBER] * RATE)
    c.check(full == RATE, "another /24 is not limited by the first one's burst", f"{full} of {RATE}")
    # Exempt networks are never limited.
    full, tc, lost = burst(e, "127.0.2.1", [NUMBER] * BURST)
    c.check(full == BURST, "an exempt network gets every answer", f"full {full}, truncated {tc}, no reply {lost}")
    # Random nonexistent numbers under one zone share the zone's limit (BIND/Knot keying).
    names = [f"{i % 10}.{i // 10 % 10}.9.9.9.9.9.3.1.6.e164.arpa." for i in range(BURST)]
    full, tc, lost = burst(e, "127.0.3.1", names)
    c.check(full <= 2 * RATE and tc + lost >= BURST - 2 * RATE,
            "random NXDOMAIN names under one zone are limited together", f"full {full}, truncated {tc}, lost {lost}")
    slipped = metric(e, 'enumd_rate_limited_total{action="slipped"}')
    dropped = metric(e, 'enumd_rate_limited_total{action="dropped"}')
    c.check(slipped is not None and slipped >= 10 and dropped is not None and dropped >= 10,
            "the metrics count slipped and dropped responses", f"slipped {slipped}, dropped {dropped}")
    e.stop()

    # The default (`auto`): a loopback listener is not limited.
    e = s.start(Enumd(["--zone", LAB], name="auto", workdir=s.tmp))
    full, tc, lost = burst(e, "127.0.0.1", [NUMBER] * BURST)
    c.check(full == BURST, "mode auto does not limit a loopback listener", f"full {full}, truncated {tc}, lost {lost}")


def main():
    return run_in_scratch(c, Scratch("enumd-rrl-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
