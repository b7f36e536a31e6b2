#!/usr/bin/python3
"""Log lines a client can cause at will are rate limited (issue 12 item 11): a
flood of unauthenticated NOTIFYs writes at most 10 "NOTIFY refused" lines a
second, and the first line after a quiet spell says how many were left out
(suppressed=N), so the count of refusals is never lost."""
import os
import re
import socket
import sys
import time

import dns.message
import dns.opcode
import dns.rdatatype

from enumd_testlib import DATA_DIR, Checker, Enumd, Scratch, run_in_scratch

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
FLOOD = 300


def notify(e, s, i):
    m = dns.message.make_query("e164.arpa.", dns.rdatatype.SOA)
    m.set_opcode(dns.opcode.NOTIFY)
    m.id = i
    s.sendto(m.to_wire(), (e.host, e.port))


def refused_lines(e):
    return [line for line in e.logs().splitlines() if 'event="NOTIFY refused"' in line]


def scenario(s):
    e = s.start(Enumd(["--zone", LAB], workdir=s.tmp))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)  # room for every reply of the flood
    sock.settimeout(2.0)
    try:
        start = time.monotonic()
        # Batches of 50, each answered before the next goes out, so that no socket buffer drops one
        # (the server is slower under the sanitizers) and every NOTIFY reaches the server.
        replies = 0
        for first in range(0, FLOOD, 50):
            for i in range(first, min(first + 50, FLOOD)):
                notify(e, sock, i)
            for _ in range(first, min(first + 50, FLOOD)):
                try:
                    sock.recv(512)
                    replies += 1
                except socket.timeout:
                    break
        took = time.monotonic() - start
        c.check(replies == FLOOD, "every NOTIFY is still answered (NOTAUTH)", f"{replies} of {FLOOD}")
        lines = refused_lines(e)
        seconds = int(took) + 2
        c.check(1 <= len(lines) <= 10 * seconds, f"{FLOOD} refused NOTIFYs in {took:.2f} s: at most 10 log lines a second",
                f"{len(lines)} lines")
        time.sleep(1.2)
        notify(e, sock, FLOOD)
        sock.recv(512)
        time.sleep(0.2)
        lines = refused_lines(e)
        suppressed = sum(int(m.group(1)) for line in lines for m in [re.search(r'suppressed="(\d+)"', line)] if m)
        c.check(len(lines) + suppressed == FLOOD + 1,
                "the next line says how many were left out: lines + suppressed = refusals",
                f"{len(lines)} lines + {suppressed} suppressed for {FLOOD + 1}")
    finally:
        sock.close()


def main():
    return run_in_scratch(c, Scratch("enumd-loglimit-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
