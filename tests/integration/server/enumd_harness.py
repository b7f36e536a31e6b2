"""Start the real enumd on a loopback port for integration tests.

Used by the test_*.py scripts in this directory (Debian's python3 with
python3-dnspython). Stops only the process it started, by PID.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dns.message
import dns.query
import dns.rdatatype

BUILD_DIR = os.environ.get("BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../../build"))
SOURCE_DIR = os.environ.get("SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../../.."))
ENUMD = os.path.join(BUILD_DIR, "bin", "enumd")
ENUMCTL = os.path.join(BUILD_DIR, "bin", "enumctl")


def free_port(host="127.0.0.1"):
    """A port free for both UDP and TCP on host."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind((host, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


class Enumd:
    def __init__(self, args, host="127.0.0.1", port=None, stats=False, control=False, listen=True):
        self.host = host
        self.port = port or free_port(host)
        self.tmp = tempfile.mkdtemp(prefix="enumd-test-")
        self.control = os.path.join(self.tmp, "control.sock") if control else None
        self.stats_port = free_port(host) if stats else None
        self.log_path = os.path.join(self.tmp, "enumd.log")
        cmd = [ENUMD] + (["--listen", f"{host}:{self.port}", "--threads", "2"] if listen else []) + list(args)
        if self.control:
            cmd += ["--control", self.control]
        if self.stats_port:
            cmd += ["--stats-listen", f"{host}:{self.stats_port}"]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        self.started = time.monotonic()
        self.first_answer = None
        deadline = time.monotonic() + 20
        probe_timeout = 0.2
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"enumd exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                q = dns.message.make_query("probe.invalid.", "A")
                dns.query.udp(q, self.host, port=self.port, timeout=probe_timeout)
                self.first_answer = time.monotonic() - self.started
                return
            except Exception:
                # A recursive enumd may spend its whole time budget on the probe.
                probe_timeout = min(probe_timeout * 2, 3.0)
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("enumd did not answer within 20 s:\n" + self.logs())

    def logs(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def query(self, qname, rdtype, tcp=False, edns=-1, payload=1232, want_dnssec=False, timeout=2):
        q = dns.message.make_query(qname, rdtype, use_edns=edns, payload=payload, want_dnssec=want_dnssec)
        if tcp:
            return dns.query.tcp(q, self.host, port=self.port, timeout=timeout)
        return dns.query.udp(q, self.host, port=self.port, timeout=timeout, ignore_trailing=False)

    def raw_udp(self, payload, timeout=1.0):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(payload, (self.host, self.port))
            try:
                return s.recv(65535)
            except socket.timeout:
                return None

    def alive(self):
        r = self.query("probe.invalid.", "A")
        return r is not None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        if os.environ.get("ENUMD_TEST_SHOW_LOG"):
            print(self.logs())
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Checker:
    """Collects failures so one run reports all of them."""

    def __init__(self):
        self.failures = []
        self.count = 0

    def check(self, cond, what):
        self.count += 1
        if not cond:
            self.failures.append(what)
            print("FAIL:", what, flush=True)

    def done(self):
        print(f"{self.count - len(self.failures)}/{self.count} checks passed")
        return 1 if self.failures else 0
