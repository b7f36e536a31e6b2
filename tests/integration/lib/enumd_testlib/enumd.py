"""The enumd fixture: the real binary on a loopback port."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dns.message
import dns.query

from .paths import ENUMCTL, ENUMD, ENUMQ
from .ports import free_port
from .process import Proc


class Enumd(Proc):
    """enumd started from command-line `args` and/or a YAML `config`, and
    waited for until it answers a query.

    config: the YAML text, or a function (port, control_path) -> text for a
    config that names its own listen address and control socket. Without a
    config enumd gets `--listen host:port`; with one, only when listen=True.
    threads: `--threads N` unless None. control=True adds `--control` (the path
    is always self.control); stats=True adds `--stats-listen` on a free port.
    workdir: where the log, config and socket go (default: a private temporary
    directory, removed by stop()). binary: another enumd than BUILD_DIR's.
    Used as a context manager or stopped by hand.
    """

    def __init__(self, args=(), *, config=None, host="127.0.0.1", port=None, threads=2, stats=False,
                 control=False, listen=None, name="enumd", workdir=None, timeout=20, binary=ENUMD):
        self.host = host
        self.port = port or free_port(host)
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="enumd-test-")
        self.control = os.path.join(self.workdir, name + ".sock")
        self.stats_port = free_port(host) if stats else None
        cmd = [binary]
        if config is not None:
            self.config_path = os.path.join(self.workdir, name + ".yaml")
            with open(self.config_path, "w") as f:
                f.write(config(self.port, self.control) if callable(config) else config)
            cmd += ["--config", self.config_path]
        if listen if listen is not None else config is None:
            cmd += ["--listen", f"{host}:{self.port}"]
        if threads:
            cmd += ["--threads", str(threads)]
        cmd += list(args)
        if control:
            cmd += ["--control", self.control]
        if stats:
            cmd += ["--stats-listen", f"{host}:{self.stats_port}"]
        super().__init__(cmd, os.path.join(self.workdir, name + ".log"), name=name)
        self.started = time.monotonic()
        self.first_answer = None
        self._wait_ready(timeout)

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        probe_timeout = 0.2
        while time.monotonic() < deadline:
            if not self.alive():
                text = self.logs()
                self.stop()
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{text}")
            try:
                q = dns.message.make_query("probe.invalid.", "A")
                dns.query.udp(q, self.host, port=self.port, timeout=probe_timeout)
                self.first_answer = time.monotonic() - self.started
                return
            except Exception:  # noqa: BLE001 - not answering yet
                # A recursive enumd may spend its whole time budget on the probe.
                probe_timeout = min(probe_timeout * 2, 3.0)
                time.sleep(0.05)
        text = self.logs()
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout} s:\n{text}")

    def query(self, qname, rdtype, tcp=False, edns=-1, payload=1232, want_dnssec=False, timeout=2, source=None):
        q = dns.message.make_query(qname, rdtype, use_edns=edns, payload=payload, want_dnssec=want_dnssec)
        if tcp:
            return dns.query.tcp(q, self.host, port=self.port, timeout=timeout, source=source)
        return dns.query.udp(q, self.host, port=self.port, timeout=timeout, source=source, ignore_trailing=False)

    def raw_udp(self, payload, timeout=1.0):
        """Send octets as they are; the reply's octets, or None when none came."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(payload, (self.host, self.port))
            try:
                return s.recv(65535)
            except socket.timeout:
                return None

    def reload(self):
        self.signal(signal.SIGHUP)

    def ctl(self, *args):
        """enumctl ARGS --control <this enumd's socket>."""
        return subprocess.run([ENUMCTL] + list(args) + ["--control", self.control], capture_output=True, text=True,
                              timeout=60)

    def stop(self, sig=None):
        super().stop(sig)
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def enumq_json(port, *args, timeout_ms=1000):
    """(exit status, parsed JSON or None) of `enumq ARGS --server 127.0.0.1:PORT --json`; output that is not
    JSON is printed with the status, for the test's log."""
    out = subprocess.run([ENUMQ, *args, "--server", f"127.0.0.1:{port}", "--timeout", str(timeout_ms), "--json"],
                         capture_output=True, text=True, timeout=60)
    try:
        return out.returncode, json.loads(out.stdout)
    except json.JSONDecodeError:
        print(f"enumq {' '.join(args)}: rc {out.returncode}, not JSON:\n{out.stdout}\n{out.stderr}")
        return out.returncode, None
