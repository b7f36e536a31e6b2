#!/usr/bin/python3
"""Every TCP write has a deadline (issue 12 item 3): clients that send queries
and never read their answers are disconnected within the idle timeout, so they
cannot hold the connection slots of their address (here 4) forever; a fresh
client from the same address is served afterwards."""
import os
import shutil
import socket
import struct
import sys
import tempfile
import time

import dns.message
import dns.query
import dns.rcode

from enumd_testlib import SOURCE_DIR, Checker, Enumd

c = Checker()
LAB = os.path.join(SOURCE_DIR, "tests", "data", "server", "lab.zone")
NUMBER = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."
IDLE_MS = 1000
SLOTS = 4


def stuck_client(e):
    """Connects with a tiny receive window and pipelines queries until the
    server stops reading (its replies fill both socket buffers)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((e.host, e.port))
    q = dns.message.make_query(NUMBER, "NAPTR", use_edns=0, payload=4096).to_wire()
    frame = struct.pack("!H", len(q)) + q
    s.setblocking(False)
    sent, stalled_since = 0, None
    burst = frame * 64
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            sent += s.send(burst)
            stalled_since = None
        except BlockingIOError:
            stalled_since = stalled_since or time.monotonic()
            if time.monotonic() - stalled_since > 0.3:
                break  # the server no longer reads: its writes to us are blocked
            time.sleep(0.01)
        except OSError:
            break  # already closed
    return s, sent


def closed_by_server(s, wait):
    """True when the server has closed `s` (EOF or reset after draining what it sent)."""
    s.setblocking(True)
    s.settimeout(wait)
    try:
        while True:
            if not s.recv(1 << 20):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def main():
    d = tempfile.mkdtemp(prefix="enumd-stuck-")
    try:
        return run(config_file(d))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def run(config):
    with Enumd(["--zone", LAB, "--config", config]) as e:
        clients = [stuck_client(e) for _ in range(SLOTS)]
        c.check(all(sent > 64 * 1024 for _, sent in clients),
                f"each stuck client got the server to stop reading: sent {[n for _, n in clients]}")
        started = time.monotonic()
        # Within the timeout (plus scheduling slack) the stuck clients are gone and their slots free. The slack
        # is bounded but generous: on a loaded machine (CI under ASan) the write deadline fires late, and until
        # then a new connection finds every slot taken and is reset.
        time.sleep(IDLE_MS / 1000 + 1.0)
        deadline = started + IDLE_MS / 1000 + 8
        while True:
            try:
                r = dns.query.tcp(dns.message.make_query(NUMBER, "NAPTR"), e.host, port=e.port, timeout=3)
                c.check(r.rcode() == dns.rcode.NOERROR and r.answer, "a fresh client is served after the stuck ones")
                break
            except (ConnectionResetError, ConnectionRefusedError, EOFError) as ex:
                if time.monotonic() < deadline:
                    time.sleep(0.25)
                    continue
                c.check(False, f"a fresh client is served after the stuck ones: {ex!r} "
                               f"({time.monotonic() - started:.1f} s after the stuck clients stalled)")
                break
            except Exception as ex:  # noqa: BLE001
                c.check(False, f"a fresh client is served after the stuck ones: {ex!r} "
                               f"({time.monotonic() - started:.1f} s after the stuck clients stalled)")
                break
        for s, _ in clients:
            c.check(closed_by_server(s, 3), "a client that never reads is disconnected")
            s.close()
        c.check(e.alive(), "enumd still answers UDP")
    return c.done()


def config_file(d):
    path = os.path.join(d, "enumd.yaml")
    with open(path, "w") as f:
        f.write(f"tcp: {{idle_timeout_ms: {IDLE_MS}, max_per_client: {SLOTS}}}\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
