#!/usr/bin/python3
"""A dead forwarder on loopback (issue 13, "Metrics"): the SERVFAIL carries an Extended DNS Error (RFC 8914:
23 Network Error for the ICMP port unreachable) when the client sent EDNS, and no OPT when it did not; the
failure is logged once per 10 s, not once per query; the recursive answers count in enumd_queries_total,
enumd_responses_total{rcode="SERVFAIL"} and the latency histogram, whose buckets reach seconds."""
import re
import sys
import urllib.request

import dns.edns
import dns.message
import dns.query
import dns.rcode

from enumd_testlib import SOURCE_DIR, Checker, Enumd, free_port

c = Checker()
LAB = f"{SOURCE_DIR}/tests/data/server/lab.zone"


def metrics(e):
    with urllib.request.urlopen(f"http://{e.host}:{e.stats_port}/metrics", timeout=5) as r:
        return r.read().decode()


def value(text, pattern):
    m = re.search(r"^" + pattern + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def main():
    dead = free_port()  # nothing listens there: the kernel answers ICMP port unreachable
    with Enumd(["--zone", LAB, "--forward", f"127.0.0.1:{dead}"], stats=True) as e:
        before = metrics(e)
        q = dns.message.make_query("www.example.com.", "A", use_edns=0, payload=1232)
        r = dns.query.udp(q, e.host, port=e.port, timeout=5)
        c.check(r.rcode() == dns.rcode.SERVFAIL, f"a name behind the dead forwarder: SERVFAIL ({dns.rcode.to_text(r.rcode())})")
        ede = [o for o in r.options if o.otype == dns.edns.EDE]
        c.check(len(ede) == 1 and ede[0].code in (22, 23),
                "the SERVFAIL carries an Extended DNS Error 22 or 23 (RFC 8914)", f"options {r.options}")
        if ede:
            c.check(ede[0].code == 23 and str(dead) in (ede[0].text or ""),
                    f"EDE 23 Network Error naming the forwarder: {ede[0].code} {ede[0].text!r}")
        plain = dns.query.udp(dns.message.make_query("www.example.net.", "A"), e.host, port=e.port, timeout=5)
        c.check(plain.rcode() == dns.rcode.SERVFAIL and plain.edns < 0, "without EDNS: SERVFAIL and no OPT")
        for i in range(5):
            dns.query.udp(dns.message.make_query(f"n{i}.example.org.", "A", use_edns=0), e.host, port=e.port, timeout=5)
        lines = [l for l in e.logs().splitlines() if "upstreams failed" in l]
        c.check(len(lines) == 1, f"7 failures within 10 s: one log line ({len(lines)})", "\n".join(lines[:3]))
        c.check(lines and str(dead) in lines[0], "the log line names the forwarder", lines[0] if lines else "")

        after = metrics(e)
        grew = lambda p: value(after, p) - value(before, p)  # noqa: E731
        udp = grew(re.escape('enumd_queries_total{transport="udp"}'))
        c.check(udp >= 7, f"recursive answers count in enumd_queries_total (+{udp})")
        c.check(grew(re.escape('enumd_responses_total{rcode="SERVFAIL"}')) >= 7, "… and in enumd_responses_total SERVFAIL")
        c.check(grew("enumd_query_duration_seconds_count") >= 7, "… and in the latency histogram")
        c.check(grew("enumd_recursive_responses_total") >= 7, "enumd_recursive_responses_total counts them")
        les = [float(x) for x in re.findall(r'^enumd_query_duration_seconds_bucket\{le="([0-9.e+-]+)"\}', after, re.M)]
        c.check(les and max(les) >= 1.0, f"the histogram's buckets reach seconds (largest finite {max(les) if les else None})")
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
