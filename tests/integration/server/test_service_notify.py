#!/usr/bin/python3
"""systemd's notify protocol (issue 13): enumd started the way a Type=notify unit starts it, with
NOTIFY_SOCKET pointing at a unix datagram socket of this test, sends READY=1 only once its zones
answer, RELOADING=1 (with MONOTONIC_USEC) then READY=1 around a SIGHUP and an `enumctl reload`,
READY=1 after a refused reload too, WATCHDOG=1 pings with WATCHDOG_USEC set, and STOPPING=1 on
SIGTERM. Without NOTIFY_SOCKET nothing is sent (every other test)."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dns.message
import dns.query
import dns.rcode

from enumd_testlib import DATA_DIR, ENUMCTL, ENUMD, Checker, Proc, free_port, run_main

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
NAME = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."
WATCHDOG_USEC = 200000  # pings every 0.1 s


class Notifications:
    """The datagrams enumd sends to NOTIFY_SOCKET, as lists of lines with their arrival time."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.1)
        self.seen = []  # (monotonic time, [lines])

    def next_with(self, line, timeout):
        """The first datagram from now on that holds `line` (other datagrams are kept in self.seen)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            lines = data.decode().split("\n")
            self.seen.append((time.monotonic(), lines))
            if line in lines:
                return lines
        return None

    def drain(self):
        """The datagrams waiting now."""
        self.sock.settimeout(0.2)
        got = []
        try:
            while True:
                got.append(self.sock.recv(4096).decode().split("\n"))
        except socket.timeout:
            pass
        self.sock.settimeout(0.1)
        return got


def answers(port):
    q = dns.message.make_query(NAME, "NAPTR")
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=1)
    return r.rcode() == dns.rcode.NOERROR and len(r.answer) == 1


def status_of(lines):
    return next((l[len("STATUS="):] for l in lines if l.startswith("STATUS=")), "")


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-notify-")
    enumd = None
    try:
        zone = os.path.join(tmp, "lab.zone")
        shutil.copy(LAB, zone)
        note = Notifications(os.path.join(tmp, "notify.sock"))
        port = free_port("127.0.0.1")
        control = os.path.join(tmp, "enumd.sock")
        env = dict(os.environ, NOTIFY_SOCKET=note.sock.getsockname(), WATCHDOG_USEC=str(WATCHDOG_USEC))
        os.environ.update(env)  # Proc starts enumd with this process's environment
        enumd = Proc([ENUMD, "--listen", f"127.0.0.1:{port}", "--zone", zone, "--threads", "2", "--control", control],
                     os.path.join(tmp, "enumd.log"))

        ready = note.next_with("READY=1", 20)
        c.check(ready is not None, "READY=1 arrives after start", enumd.tail())
        if ready is None:
            return
        # Right after READY=1 the zone answers: no retry, no wait.
        try:
            ok = answers(port)
        except Exception as e:  # noqa: BLE001
            ok = False
            print(e)
        c.check(ok, "a query answers from the zone at once after READY=1")
        c.check(not any("READY=1" in lines for _, lines in note.seen[:-1]), "READY=1 is sent once at start")
        c.check("serving" in status_of(ready), "READY=1 comes with a STATUS line", repr(ready))

        # WATCHDOG=1 pings every half of WATCHDOG_USEC.
        t0 = time.monotonic()
        pings = 0
        while time.monotonic() - t0 < 1.0:
            if note.next_with("WATCHDOG=1", 1.0) is not None:
                pings += 1
        c.check(pings >= 4, f"WATCHDOG=1 pings with WATCHDOG_USEC={WATCHDOG_USEC} ({pings} in 1 s)")

        def reload_cycle(what, trigger, expect_status):
            note.seen.clear()
            trigger()
            rel = note.next_with("RELOADING=1", 10)
            c.check(rel is not None, f"{what}: RELOADING=1")
            if rel is None:
                return
            mono = next((l for l in rel if l.startswith("MONOTONIC_USEC=")), None)
            now_usec = time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6
            c.check(mono is not None and abs(now_usec - int(mono.split("=")[1])) < 10e6,
                    f"{what}: RELOADING=1 carries MONOTONIC_USEC of CLOCK_MONOTONIC", repr(rel))
            after = note.next_with("READY=1", 10)
            c.check(after is not None, f"{what}: READY=1 after RELOADING=1")
            if after is not None:
                c.check(expect_status in status_of(after), f"{what}: STATUS says '{expect_status}'", repr(after))

        reload_cycle("SIGHUP", lambda: enumd.signal(signal.SIGHUP), "reloaded")
        reload_cycle("enumctl reload",
                     lambda: subprocess.run([ENUMCTL, "reload", "--control", control], capture_output=True, timeout=30),
                     "reloaded")
        with open(zone, "a") as f:
            f.write("broken.number IN NAPTR 10 not-a-number\n")
        reload_cycle("a refused reload", lambda: enumd.signal(signal.SIGHUP), "reload refused")
        c.check(answers(port), "the old data answers after the refused reload")

        note.seen.clear()
        enumd.signal(signal.SIGTERM)
        stopping = note.next_with("STOPPING=1", 10)
        c.check(stopping is not None, "STOPPING=1 on SIGTERM")
        enumd.proc.wait(timeout=20)
        c.check(enumd.proc.returncode == 0, f"enumd exits 0 after SIGTERM (got {enumd.proc.returncode})")
    finally:
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC"):
            os.environ.pop(k, None)
        if enumd is not None:
            enumd.stop()
            if c.failures:
                print(enumd.tail())
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run_main(c, main)
