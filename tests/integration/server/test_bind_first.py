#!/usr/bin/python3
"""enumd binds its DNS sockets before it compiles a zone (issue 13): with the port already taken
(TCP or UDP), it exits non-zero at once with a message naming the address, and nothing of the
compile is logged before the failure."""
import os
import socket
import subprocess
import time

from enumd_testlib import DATA_DIR, ENUMD, Checker, free_port, run_main

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")


def start_on_taken(port, kind):
    t0 = time.monotonic()
    out = subprocess.run([ENUMD, "--listen", f"127.0.0.1:{port}", "--zone", LAB, "--threads", "2"],
                         capture_output=True, text=True, timeout=60)
    took = time.monotonic() - t0
    text = out.stdout + out.stderr
    c.check(out.returncode == 1, f"{kind} port taken: enumd exits 1 (got {out.returncode})", text)
    c.check(took < 5, f"{kind} port taken: it exits at once ({took:.2f} s)")
    c.check(f"cannot listen on {kind} 127.0.0.1:{port}" in text and "in use" in text,
            f"{kind} port taken: the message names the protocol, the address and the reason", text)
    c.check("compiled" not in text and "zone " not in text,
            f"{kind} port taken: no compile work logged before the failure", text)


def main():
    port = free_port("127.0.0.1")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))
        s.listen(1)
        start_on_taken(port, "tcp")
    port = free_port("127.0.0.1")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", port))
        start_on_taken(port, "udp")


if __name__ == "__main__":
    run_main(c, main)
