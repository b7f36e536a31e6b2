#!/usr/bin/python3
"""Compile and load show progress on a terminal, and nothing extra otherwise (issue 13, "Readable output for big
zones"): enumctl compile, enumctl check and enumd --zone's first compile rewrite one stderr line (records, rate,
share of the bytes, ETA) when stderr is a terminal — here a pseudo-terminal — and clear it when done; with stderr
on a pipe, or TERM=dumb, not a byte of it appears."""
import os
import pty
import select
import subprocess
import sys
import time

import dns.message
import dns.query

from enumd_testlib import ENUMCTL, ENUMD, SANITIZED, Checker, Scratch, free_port, run_in_scratch

c = Checker()
# Enough that reading outlasts the 0.5 s before the line shows a rate (zones/src/progress.cpp) on a fast
# machine: plain lines like these take the zone reader's fast path, about a million a second (300,000 were
# read in 0.3 s); a third under ASan, which is about three times slower.
NUMBERS = 300000 if SANITIZED else 1000000
CLEAR = "\r\x1b[K"


def write_zone(path):
    with open(path, "w") as f:
        f.write("$ORIGIN e164.arpa.\n$TTL 3600\n")
        f.write("@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 604800 300\n")
        f.write("@ IN NS ns1.example.net.\n")
        for i in range(NUMBERS):
            owner = ".".join(str(61300000000 + i)[::-1])
            # One regexp for all, as in a routed zone: the checks of a NAPTR are made once per distinct one.
            f.write(f'{owner} IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:info@example.net!" .\n')


def drain(fd, until, out):
    """Reads the pty master into `out` until `until()` is true, then whatever is still on its way."""
    settled = False
    while True:
        r, _, _ = select.select([fd], [], [], 0.5 if settled else 0.2)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: every slave end closed
                return
            if not data:
                return
            out.append(data.decode("utf-8", "replace"))
        elif settled:
            return
        else:
            settled = until()


def on_tty(cmd, term="xterm", timeout=240):
    """Runs cmd with stderr on a pseudo-terminal; (exit code, stdout, the terminal's bytes)."""
    master, slave = pty.openpty()
    env = dict(os.environ, TERM=term)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    got = []
    try:
        deadline = time.monotonic() + timeout
        drain(master, lambda: p.poll() is not None or time.monotonic() > deadline, got)
        out = p.communicate(timeout=max(1, deadline - time.monotonic()))[0].decode()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)
    return p.returncode, out, "".join(got)


def check_line(what, tty, prefix):
    """The terminal saw progress lines from `prefix` that name records, a rate and a share, and was left clear."""
    frames = [f for f in tty.split(CLEAR) if f]
    shown = [f for f in frames if f.startswith(prefix)]
    c.check(any("reading" in f and "records" in f and "/s" in f and "% of" in f for f in shown),
            f"{what}: a progress line with records, rate and share of bytes", repr(shown[:3]))
    c.check(all("\n" not in f for f in shown), f"{what}: the progress line is rewritten in place (no newline)",
            repr(shown[:3]))
    # What follows the last CLEAR is the program's own output: no progress text is left standing.
    c.check(tty.endswith(CLEAR) or prefix not in tty.rsplit(CLEAR, 1)[-1],
            f"{what}: the line is cleared at the end", repr(tty[-200:]))
    return shown


def body(s):
    zone = s.path("big.zone")
    write_zone(zone)

    code, out, tty = on_tty([ENUMCTL, "compile", "--db", s.path("db1"), zone])
    c.check(code == 0 and "records in" in out, f"enumctl compile on a terminal: exit {code}, stdout {out!r}")
    shown = check_line("enumctl compile", tty, "enumctl compile: ")
    print(f"enumctl compile showed {len(shown)} progress lines, e.g. {shown[len(shown) // 2] if shown else ''!r}")

    # The same compile with stderr on a pipe: the output is what it always was, with no progress at all.
    p = subprocess.run([ENUMCTL, "compile", "--db", s.path("db2"), zone], capture_output=True, text=True,
                       timeout=240)
    c.check(p.returncode == 0 and "records in" in p.stdout, f"enumctl compile to a pipe: exit {p.returncode}")
    c.check(p.stderr == "", "enumctl compile to a pipe writes nothing extra on stderr", repr(p.stderr[:200]))

    code, out, tty = on_tty([ENUMCTL, "compile", "--db", s.path("db3"), zone], term="dumb")
    c.check(code == 0 and tty == "", "TERM=dumb: no progress line", repr(tty[:200]))

    code, out, tty = on_tty([ENUMCTL, "check", zone])
    c.check(code == 0 and "0 errors" in out, f"enumctl check on a terminal: exit {code}, stdout {out[-200:]!r}")
    check_line("enumctl check", tty, "enumctl check: ")

    # enumd --zone: its first compile (in a child process) shows the line; the server then answers.
    port = free_port("127.0.0.1")
    master, slave = pty.openpty()
    p = subprocess.Popen([ENUMD, "--listen", f"127.0.0.1:{port}", "--threads", "1", "--db", s.path("db4"),
                          "--zone", zone], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave,
                         env=dict(os.environ, TERM="xterm"))
    os.close(slave)
    got = []
    answered = []

    def ready():
        if p.poll() is not None:
            return True
        try:
            q = dns.message.make_query("0.0.0.0.0.0.0.0.3.1.6.e164.arpa.", "NAPTR")
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=0.2)
            answered.append(bool(r.answer))
            return True
        except Exception:  # noqa: BLE001 - not answering yet
            return False

    try:
        deadline = time.monotonic() + 240
        drain(master, lambda: ready() or time.monotonic() > deadline, got)
    finally:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        os.close(master)
    c.check(answered == [True], "enumd --zone answers after its first compile", f"exit {p.returncode}")
    check_line("enumd --zone", "".join(got), "enumd: ")


if __name__ == "__main__":
    s = Scratch("enumd-progress-")
    sys.exit(run_in_scratch(c, s, body))
