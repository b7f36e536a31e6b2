#!/usr/bin/python3
"""Admin endpoints (issue 12 item 6): an idle TCP connection does not block
/metrics, an idle unix-socket client does not block `enumctl reload`, idle
admin connections are closed after the timeout, and the control socket is
mode 0600 even under umask 000 and serves only enumd's uid or root."""
import os
import socket
import stat
import subprocess
import sys
import time
import http.client
import urllib.request

from enumd_testlib import ENUMCTL, SOURCE_DIR, Checker, Enumd
from enumd_testlib.ports import closed_by_peer

c = Checker()
LAB = os.path.join(SOURCE_DIR, "tests", "data", "server", "lab.zone")
ADMIN_TIMEOUT = 5  # http/http_server.hpp, control/control_server.hpp


def scrape(e, timeout=3):
    with urllib.request.urlopen(f"http://{e.host}:{e.stats_port}/metrics", timeout=timeout) as r:
        return r.status, r.read().decode()


def enumctl(e, command, timeout=5):
    return subprocess.run([ENUMCTL, command, "--control", e.control], capture_output=True, text=True,
                          timeout=timeout)


def idle_tcp(e):
    s = socket.create_connection((e.host, e.stats_port))
    return s


def idle_unix(e):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(e.control)
    return s


def reloads_ok(e):
    for line in scrape(e)[1].splitlines():
        if line.startswith('enumd_reloads_total{result="ok"}'):
            return int(line.split()[-1])
    return None


def as_nobody():
    os.setgid(65534)
    os.setuid(65534)


def main():
    old = os.umask(0)  # enumd inherits umask 000: the control socket must still be 0600
    try:
        e = Enumd(["--zone", LAB], stats=True, control=True)
    finally:
        os.umask(old)
    with e:
        mode = stat.S_IMODE(os.stat(e.control).st_mode)
        c.check(mode == 0o600, f"control socket mode is 0600 under umask 000, got {oct(mode)}")

        # Idle clients that never send a request.
        tcp_idle = [idle_tcp(e) for _ in range(3)]
        unix_idle = [idle_unix(e) for _ in range(3)]
        t0 = time.monotonic()
        try:
            status, body = scrape(e)
            c.check(status == 200 and "enumd_" in body, "/metrics answers beside idle connections")
        except Exception as ex:  # noqa: BLE001
            c.check(False, f"/metrics answers beside idle connections: {ex!r}")
        try:
            p = enumctl(e, "reload")
            c.check(p.returncode == 0 and p.stdout.startswith("ok"), f"enumctl reload beside idle clients: {p.stdout!r}")
        except subprocess.TimeoutExpired:
            c.check(False, "enumctl reload beside idle clients timed out")
        try:
            p = enumctl(e, "stats")
            c.check(p.returncode == 0 and "enumd_" in p.stdout, "enumctl stats beside idle clients")
        except subprocess.TimeoutExpired:
            c.check(False, "enumctl stats beside idle clients timed out")
        c.check(time.monotonic() - t0 < ADMIN_TIMEOUT, "served at once, not after the idle clients time out")

        # The idle connections are closed after the admin timeout.
        wait = ADMIN_TIMEOUT + 2 - (time.monotonic() - t0)
        for s in tcp_idle + unix_idle:
            c.check(closed_by_peer(s, max(wait, 0.5)), "an idle admin connection is closed after the timeout")
            s.close()

        # HTTP on Boost.Beast: keep-alive, and clear statuses for what is not a scrape.
        conn = http.client.HTTPConnection(e.host, e.stats_port, timeout=3)
        for i in range(3):
            conn.request("GET", "/metrics")
            r = conn.getresponse()
            body = r.read().decode()
            c.check(r.status == 200 and "enumd_" in body and r.getheader("Content-Type", "").startswith("text/plain; version=0.0.4"),
                    f"request {i + 1} on one keep-alive connection: {r.status}")
        for method, path, want in (("GET", "/nope", 404), ("POST", "/metrics", 405), ("DELETE", "/", 405)):
            conn.request(method, path)
            r = conn.getresponse()
            r.read()
            c.check(r.status == want, f"{method} {path} answers {want}, got {r.status}")
        conn.request("POST", "/metrics", body=b"x" * 100)
        r = conn.getresponse()
        r.read()
        c.check(r.status == 413, f"a body on the metrics endpoint is refused with 413, got {r.status}")
        conn.close()

        # Another user may not use the control socket even when its mode is opened up.
        if os.geteuid() == 0:
            before = reloads_ok(e)
            os.chmod(os.path.dirname(e.control), 0o755)
            os.chmod(e.control, 0o666)
            p = subprocess.run([ENUMCTL, "reload", "--control", e.control], capture_output=True, text=True,
                               timeout=10, preexec_fn=as_nobody)
            c.check(p.returncode == 1 and p.stdout.startswith("error permission denied"),
                    f"uid nobody is refused by SO_PEERCRED: rc={p.returncode} {p.stdout!r} {p.stderr!r}")
            c.check(reloads_ok(e) == before, "the refused client did not reload")
        c.check(e.alive(), "enumd still answers")
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
