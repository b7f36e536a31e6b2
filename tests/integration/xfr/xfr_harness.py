"""Helpers for the transfer tests: enumd from a config, Knot DNS as a peer.

Debian's python3 with python3-dnspython; every process is started here and
stopped by its PID; everything listens on 127.0.0.1 only.
"""
import base64
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import dns.message
import dns.query
import dns.rdatatype
import dns.tsigkeyring
import dns.zone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from enumd_harness import ENUMCTL, ENUMD, SOURCE_DIR, free_port  # noqa: E402,F401

KNOTD = shutil.which("knotd") or "/usr/sbin/knotd"
SECRET = base64.b64encode(b"enumd-transfer-test-secret-32by").decode()
WRONG_SECRET = base64.b64encode(b"not-the-secret-the-primary-uses").decode()
LAB = os.path.join(SOURCE_DIR, "tests", "data", "server", "lab.zone")


# Sanitizer reports found in the logs of stopped processes (ASan/UBSan builds).
sanitizer_reports = []


class Proc:
    """A child process with a log file, stopped by PID; a sanitizer report in
    its log is recorded in sanitizer_reports (tests fail on it)."""

    def __init__(self, cmd, log_path, cwd=None):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=cwd)

    def logs(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        text = self.logs()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in text:
                at = text.index(marker)
                sanitizer_reports.append(text[max(0, at - 200):at + 3000])
                print(f"SANITIZER REPORT in {self.log_path}:\n" + text[max(0, at - 200):at + 3000])
                break


def wait_for(pred, timeout, what, step=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = pred()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - retried until the deadline
            last = e
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def soa_serial(port, zone, keyring=None, keyname=None):
    q = dns.message.make_query(zone, "SOA")
    if keyring:
        q.use_tsig(keyring, keyname=keyname)
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=1)
    for rr in r.answer:
        if rr.rdtype == dns.rdatatype.SOA:
            return rr[0].serial
    return None


class Enumd(Proc):
    """enumd from a YAML config; make_config(port, control) returns its text."""

    def __init__(self, tmp, make_config, name="enumd", port=None):
        self.port = port or free_port()
        self.control = os.path.join(tmp, name + ".sock")
        cfg = os.path.join(tmp, name + ".yaml")
        with open(cfg, "w") as f:
            f.write(make_config(self.port, self.control))
        super().__init__([ENUMD, "--config", cfg, "--threads", "2"], os.path.join(tmp, name + ".log"))
        wait_for(lambda: self._probe(), 20, "enumd to answer")

    def _probe(self):
        if not self.alive():
            raise RuntimeError("enumd exited:\n" + self.logs())
        q = dns.message.make_query("probe.invalid.", "A")
        dns.query.udp(q, "127.0.0.1", port=self.port, timeout=0.2)
        return True

    def ctl(self, *args):
        return subprocess.run([ENUMCTL] + list(args) + ["--control", self.control], capture_output=True, text=True,
                              timeout=60)

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)


class Knot(Proc):
    """knotd as a secondary of (or primary for) a server on 127.0.0.1."""

    def __init__(self, tmp, zones, name="knot", key_secret=None, primary_port=None, notify_port=None,
                 primary_zones=None, port=None):
        self.port = port or free_port()
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        conf = [
            "server:",
            f"    rundir: {self.dir}",
            f"    listen: 127.0.0.1@{self.port}",
            "    tcp-workers: 1",
            "    udp-workers: 1",
            "    background-workers: 1",
            "log:",
            "  - target: stderr",
            "    any: info",
            "database:",
            f"    storage: {self.dir}",
            "control:",
            f"    listen: {self.dir}/knot.sock",
        ]
        if key_secret:
            conf += ["key:", "  - id: xfr.", "    algorithm: hmac-sha256", f"    secret: {key_secret}"]
        if primary_port:
            conf += ["remote:", "  - id: primary", f"    address: 127.0.0.1@{primary_port}"]
            if key_secret:
                conf += ["    key: xfr."]
        conf += ["acl:", "  - id: from_primary", "    address: 127.0.0.1", "    action: notify"]
        if key_secret:
            conf += ["    key: xfr."]
        conf += ["  - id: to_secondary", "    address: 127.0.0.1", "    action: transfer"]
        if key_secret:
            conf += ["    key: xfr."]
        if notify_port:
            conf += ["remote:" if not primary_port else "", "  - id: secondary", f"    address: 127.0.0.1@{notify_port}"]
            if key_secret:
                conf += ["    key: xfr."]
        conf += ["template:", "  - id: default", f"    storage: {self.dir}", "    zonefile-sync: -1",
                 "    journal-content: changes", "    semantic-checks: off"]
        conf += ["zone:"]
        for z in zones:
            conf += [f"  - domain: {z}", "    master: primary", "    acl: from_primary",
                     "    zonefile-load: none"]
        for z, path in (primary_zones or {}).items():
            conf += [f"  - domain: {z}", f"    file: {path}", "    zonefile-load: difference",
                     "    acl: to_secondary"]
            if notify_port:
                conf += ["    notify: secondary"]
        self.conf_path = os.path.join(self.dir, "knot.conf")
        with open(self.conf_path, "w") as f:
            f.write("\n".join(c for c in conf if c != "") + "\n")
        super().__init__([KNOTD, "-c", self.conf_path], os.path.join(tmp, name + ".log"))
        wait_for(lambda: self._probe(), 20, "knotd to answer")

    def _probe(self):
        if not self.alive():
            raise RuntimeError("knotd exited:\n" + self.logs())
        q = dns.message.make_query("probe.invalid.", "A")
        dns.query.udp(q, "127.0.0.1", port=self.port, timeout=0.2)
        return True

    def knotc(self, *args):
        return subprocess.run(["knotc", "-c", self.conf_path] + list(args), capture_output=True, text=True,
                              timeout=60)


def axfr_rrsets(port, zone, keyring=None, keyname=None, timeout=30):
    """The zone as transferred: {(name, type): (ttl, sorted rdata texts)}."""
    kw = {"keyring": keyring, "keyname": keyname} if keyring else {}
    z = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", zone, port=port, timeout=timeout, lifetime=timeout, relativize=False, **kw),
                          relativize=False)
    out = {}
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            owner = name.to_text()
            out[(owner, rds.rdtype)] = (rds.ttl, sorted(r.to_text() for r in rds))
    return out


def query_rrset(port, owner, rdtype, tcp=False):
    if isinstance(rdtype, str):
        rdtype = dns.rdatatype.from_text(rdtype)
    q = dns.message.make_query(owner, rdtype)
    q.flags &= ~dns.flags.RD
    r = (dns.query.tcp if tcp else dns.query.udp)(q, "127.0.0.1", port=port, timeout=2)
    for rr in r.answer:
        if rr.rdtype == rdtype and rr.name.to_text().lower() == owner.lower():
            return (rr.ttl, sorted(x.to_text() for x in rr)), r.rcode()
    return None, r.rcode()


def compare_servers(expected, port_a, port_b, skip_types=()):
    """One query per RRset against both servers; returns a list of differences."""
    diffs = []
    for (owner, rdtype), want in sorted(expected.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if rdtype in skip_types:
            continue
        a, _ = query_rrset(port_a, owner, rdtype, tcp=True)
        b, _ = query_rrset(port_b, owner, rdtype, tcp=True)
        if a != b or a != want:
            diffs.append((owner, dns.rdatatype.to_text(rdtype), want, a, b))
    return diffs


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)
