#!/usr/bin/python3
"""A worker that stalls does not lose the queries that arrive meanwhile (issue 12 soak): enumd's UDP
sockets get a 4 MiB receive buffer by default (`udp: {receive_buffer}`), so a burst of 3,000 queries
sent while enumd is stopped (SIGSTOP) is answered in full once it runs again. With
`receive_buffer: 0` (the system's default, 208 KiB on Linux) the kernel drops most of the same burst:
that run shows the test measures the buffer and not the sender."""
import os
import select
import signal
import socket
import time

import dns.message
import dns.rcode

from enumd_testlib import SOURCE_DIR, Checker, Enumd, run_main

c = Checker()
LAB = os.path.join(SOURCE_DIR, "tests", "data", "server", "lab.zone")
BURST = 3000
SO_RCVBUFFORCE = 33  # <asm-generic/socket.h>; Python does not name it


def burst_answered(e):
    """Stops enumd, sends BURST queries with distinct IDs from one socket (so one worker socket gets
    them all), resumes it and counts the distinct IDs answered."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:  # room for every reply: root may pass net.core.rmem_max
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
    s.connect((e.host, e.port))
    e.signal(signal.SIGSTOP)
    try:
        for i in range(BURST):
            q = dns.message.make_query("e164.arpa.", "SOA", use_edns=False)
            q.id = i
            s.send(q.to_wire())
    finally:
        e.signal(signal.SIGCONT)
    seen = set()
    deadline = time.monotonic() + 10
    while len(seen) < BURST and time.monotonic() < deadline:
        ready, _, _ = select.select([s], [], [], 1.0)
        if not ready:
            if seen:
                break  # a second of silence after answers began: the rest were dropped
            continue
        r = dns.message.from_wire(s.recv(65535))
        if r.rcode() == dns.rcode.NOERROR:
            seen.add(r.id)
    s.close()
    return len(seen)


def main():
    with Enumd(["--zone", LAB], threads=1) as e:
        got = burst_answered(e)
        c.check(got == BURST, f"default receive buffer: all {BURST} queries of the burst answered (got {got})")
    with open("/proc/sys/net/core/rmem_default") as f:
        rmem_default = int(f.read())
    with Enumd(["--zone", LAB], threads=1, listen=True, config="udp: {receive_buffer: 0}\n") as e:
        got = burst_answered(e)
        if rmem_default <= 1 << 20:  # each queued query costs a socket buffer of at least 768 octets
            c.check(got < BURST, f"receive_buffer 0 (rmem_default {rmem_default}): the kernel drops part of "
                                 f"the burst (answered {got} of {BURST})")
        c.check(got > 0, f"receive_buffer 0: enumd still answers ({got})")


if __name__ == "__main__":
    run_main(c, main)
