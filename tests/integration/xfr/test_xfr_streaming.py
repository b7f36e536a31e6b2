#!/usr/bin/python3
"""Transfers stream and never block query answering.

A 100,000-number zone (tools/bench/gen_zone.py) is served by enumd with ONE
worker thread. A client asks for AXFR and then stops reading (its socket
buffers fill, enumd's write waits); meanwhile UDP and TCP queries are all
answered promptly, and a second, normal AXFR (dnspython) receives the whole
zone — SOA first and last, every record once, many messages — while
enumd's anonymous memory stays small (the zone is never built in memory).
Also IXFR with dnspython: up to date → one SOA; unknown old serial → AXFR form.
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

import dns.exception
import dns.message
import dns.query
import dns.rdatatype

from enumd_testlib import ENUMD, SOURCE_DIR, Checker, Proc, free_port, soa_serial, wait_for

c = Checker()


def anon_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) // 1024
    return -1


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-xfr-stream-")
    enumd = None
    stalled = None
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(SOURCE_DIR, "tools", "bench", "gen_zone.py"), "--numbers",
                        "100000", "--queries", "100", "--yaml", "no", tmp], check=True, capture_output=True, timeout=120)
        origin = "1.6.e164.arpa."
        records = sum(1 for line in open(os.path.join(tmp, "enum.zone"))
                      if line.strip() and not line.startswith((";", "$")))
        port = free_port()
        enumd = Proc([ENUMD, "--listen", f"127.0.0.1:{port}", "--threads", "1", "--zone",
                      os.path.join(tmp, "enum.zone"), "--db", os.path.join(tmp, "db"), "--allow-transfer", "127.0.0.1"],
                     os.path.join(tmp, "enumd.log"), name="enumd")
        serial = wait_for(lambda: soa_serial(port, origin), 180, "enumd to compile and answer", step=0.2)
        anon_before = anon_mb(enumd.proc.pid)

        # The stalled client: AXFR asked, nothing read, small receive buffer.
        stalled = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(("127.0.0.1", port))
        q = dns.message.make_query(origin, "AXFR").to_wire()
        stalled.sendall(struct.pack("!H", len(q)) + q)
        time.sleep(0.5)

        # A worker blocked on the stalled transfer would never answer again, so a query is
        # retried a few times (a loaded CI machine may lose one) but never waits for the transfer.
        # Latency is reported, not asserted: these VMs stall in bursts.
        worst = 0.0
        answered = 0
        for i in range(200):
            t0 = time.monotonic()
            tcp = i % 10 == 0
            m = dns.message.make_query(origin, "SOA")
            for _ in range(3):
                try:
                    r = (dns.query.tcp if tcp else dns.query.udp)(m, "127.0.0.1", port=port, timeout=3)
                    answered += 1 if r.answer else 0
                    break
                except dns.exception.Timeout:
                    continue
            worst = max(worst, time.monotonic() - t0)
        c.check(answered == 200, f"{answered}/200 UDP+TCP queries answered while a transfer is stalled "
                                 f"(slowest {worst * 1000:.1f} ms)")

        # A normal AXFR alongside: the whole zone, SOA first and last.
        msgs = 0
        rrs = []
        for m in dns.query.xfr("127.0.0.1", origin, port=port, timeout=30, lifetime=120, relativize=False):
            msgs += 1
            for rrset in m.answer:
                for rd in rrset:
                    rrs.append((rrset.name, rrset.rdtype, rd))
        c.check(rrs[0][1] == dns.rdatatype.SOA and rrs[-1][1] == dns.rdatatype.SOA, "SOA first and last")
        c.check(sum(1 for r in rrs if r[1] == dns.rdatatype.SOA) == 2, "exactly two SOA records")
        c.check(len(rrs) == records + 1, f"{len(rrs)} records = {records} in the zone file + closing SOA")
        c.check(msgs > 50, f"streamed in {msgs} messages")
        anon_after = anon_mb(enumd.proc.pid)
        c.check(anon_after < anon_before + 64,
                f"enumd anonymous memory {anon_before} MB before, {anon_after} MB after the transfers")

        # IXFR with dnspython (RFC 1995): current serial → one SOA; unknown serial → AXFR form.
        q = dns.message.make_query(origin, "IXFR")
        q.authority.append(dns.rrset.from_text(origin, 0, "IN", "SOA", f". . {serial} 0 0 0 0"))
        r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=5)
        c.check(len(r.answer) == 1 and r.answer[0].rdtype == dns.rdatatype.SOA, "IXFR at the current serial: one SOA")
        r = dns.query.udp(q, "127.0.0.1", port=port, timeout=5)
        c.check(len(r.answer) == 1 and r.answer[0][0].serial == serial, "IXFR over UDP: the current SOA")
        n = 0
        for m in dns.query.xfr("127.0.0.1", origin, rdtype=dns.rdatatype.IXFR, serial=(serial - 5) % 2**32, port=port,
                               timeout=30, lifetime=120, relativize=False):
            n += sum(len(rrset) for rrset in m.answer)
        c.check(n == records + 1, f"IXFR from an unknown serial falls back to the AXFR form ({n} records)")
    finally:
        if stalled is not None:
            stalled.close()
        if enumd is not None:
            enumd.stop()
            if c.failures:
                print(enumd.logs()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
