"""Knot DNS, BIND 9 and NSD as peers of enumd: each configured in its own
directory under the test's workdir, listening on 127.0.0.1 only, waited for
until it answers, stopped by its PID (Proc)."""
import os
import shutil
import signal
import subprocess
import time

import dns.message
import dns.query
import dns.rcode

from .ports import free_port
from .process import Proc

KNOTD = shutil.which("knotd") or "/usr/sbin/knotd"
KNOTC = shutil.which("knotc") or "/usr/sbin/knotc"
NAMED = shutil.which("named") or "/usr/sbin/named"
NSD = shutil.which("nsd") or "/usr/sbin/nsd"


class _Peer(Proc):
    """A server started from a config file in self.dir; ready when every zone it
    loads from a file answers its SOA (or, with none, when it answers at all)."""

    binary = None

    def __init__(self, workdir, name, port, cmd, file_zones, timeout):
        super().__init__(cmd, os.path.join(workdir, name + ".log"), name=name, cwd=self.dir)
        self.port = port
        pending = list(file_zones) or [None]
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            if not self.alive():
                break
            try:
                q = dns.message.make_query(pending[0] or "probe.invalid.", "SOA" if pending[0] else "A")
                r = dns.query.udp(q, "127.0.0.1", port=port, timeout=0.2)
                if pending[0] is None or (r.rcode() == dns.rcode.NOERROR and r.answer):
                    pending.pop(0)
                    continue
            except Exception:  # noqa: BLE001 - not answering yet
                pass
            time.sleep(0.05)
        if pending:
            text = self.logs()
            self.stop()
            raise RuntimeError(f"{name} did not answer for {pending[0] or 'a probe'} on 127.0.0.1:{port} "
                               f"within {timeout} s:\n{text[-3000:]}")

    @classmethod
    def available(cls):
        return os.access(cls.binary, os.X_OK)

    @staticmethod
    def _prepare(workdir, name, port):
        d = os.path.join(workdir, name)
        os.makedirs(d, exist_ok=True)
        return d, port or free_port()


class Knot(_Peer):
    """knotd serving `zones` ({origin: zone file}) and/or a secondary of the
    server on primary_port for `secondary_zones`. With key_secret, transfers and
    NOTIFYs are signed with the TSIG key xfr. (hmac-sha256). notify_port: where
    the file zones' NOTIFYs go. journal=True keeps changes (zonefile-load:
    difference) so a reloaded file zone is served by IXFR."""

    binary = KNOTD

    def __init__(self, workdir, zones=None, *, secondary_zones=(), name="knot", port=None, key_secret=None,
                 primary_port=None, notify_port=None, journal=False, timeout=30):
        self.dir, port = self._prepare(workdir, name, port)
        zones = zones or {}
        key = ["    key: xfr."] if key_secret else []
        conf = ["server:", f'    rundir: "{self.dir}"', f"    listen: 127.0.0.1@{port}",
                "    tcp-workers: 1", "    udp-workers: 1", "    background-workers: 1",
                "log:", "  - target: stderr", "    any: info",
                "database:", f'    storage: "{self.dir}"',
                "control:", f'    listen: "{self.dir}/knot.sock"']
        if key_secret:
            conf += ["key:", "  - id: xfr.", "    algorithm: hmac-sha256", f"    secret: {key_secret}"]
        remotes = []
        if primary_port:
            remotes += ["  - id: primary", f"    address: 127.0.0.1@{primary_port}"] + key
        if notify_port:
            remotes += ["  - id: secondary", f"    address: 127.0.0.1@{notify_port}"] + key
        if remotes:
            conf += ["remote:"] + remotes
        conf += ["acl:", "  - id: from_primary", "    address: 127.0.0.1", "    action: notify"] + key
        conf += ["  - id: to_secondary", "    address: 127.0.0.1", "    action: transfer"] + key
        conf += ["template:", "  - id: default", f'    storage: "{self.dir}"', "    zonefile-sync: -1",
                 f"    journal-content: {'changes' if journal else 'none'}", "    semantic-checks: off",
                 "zone:"]
        for origin in secondary_zones:
            conf += [f"  - domain: {origin}", "    master: primary", "    acl: from_primary", "    zonefile-load: none"]
        for origin, path in zones.items():
            conf += [f"  - domain: {origin}", f'    file: "{path}"',
                     f"    zonefile-load: {'difference' if journal else 'whole'}", "    acl: to_secondary"]
            if notify_port:
                conf += ["    notify: secondary"]
        self.conf_path = os.path.join(self.dir, "knot.conf")
        with open(self.conf_path, "w") as f:
            f.write("\n".join(conf) + "\n")
        super().__init__(workdir, name, port, [KNOTD, "-c", self.conf_path], zones, timeout)

    def knotc(self, *args):
        return subprocess.run([KNOTC, "-c", self.conf_path] + list(args), capture_output=True, text=True,
                              timeout=60)


class Bind(_Peer):
    """named serving `primary_zones` ({origin: zone file}; ixfr-from-differences,
    transfers to 127.0.0.1 or to the key xfr., NOTIFY to each port in `notify`)
    and/or a secondary of 127.0.0.1:primary_port for `secondary_zones`.
    reload() (SIGHUP) re-reads changed zone files."""

    binary = NAMED

    def __init__(self, workdir, *, primary_zones=None, secondary_zones=(), primary_port=None, key_secret=None,
                 notify=(), name="named", port=None, timeout=30):
        self.dir, port = self._prepare(workdir, name, port)
        primary_zones = primary_zones or {}
        key = ' key "xfr."' if key_secret else ""
        allow_transfer = 'key "xfr."' if key_secret else "127.0.0.1"
        conf = [
            "options {",
            f'    directory "{self.dir}";',
            f'    pid-file "{self.dir}/named.pid";',
            f'    session-keyfile "{self.dir}/session.key";',
            f"    listen-on port {port} {{ 127.0.0.1; }};",
            "    listen-on-v6 { none; };",
            "    recursion no;",
            "    dnssec-validation no;",
            f"    notify {'explicit' if notify else 'no'};",
            "};",
            "controls { };",
        ]
        if key_secret:
            conf += [f'key "xfr." {{ algorithm hmac-sha256; secret "{key_secret}"; }};']
        for origin, path in primary_zones.items():
            conf += [f'zone "{origin}" {{', "    type primary;", f'    file "{path}";',
                     "    ixfr-from-differences yes;",
                     f"    allow-transfer {{ {allow_transfer}; }};"]
            if notify:
                conf += ["    also-notify { " + " ".join(f"127.0.0.1 port {p}{key};" for p in notify) + " };"]
            conf += ["};"]
        for origin in secondary_zones:
            conf += [f'zone "{origin}" {{', "    type secondary;",
                     f"    primaries port {primary_port} {{ 127.0.0.1{key}; }};",
                     f'    file "{self.dir}/{origin.rstrip(".") or "root"}.db";',
                     "    allow-notify { 127.0.0.1; };", "};"]
        self.conf_path = os.path.join(self.dir, "named.conf")
        with open(self.conf_path, "w") as f:
            f.write("\n".join(conf) + "\n")
        super().__init__(workdir, name, port, [NAMED, "-g", "-c", self.conf_path, "-n", "1"], primary_zones, timeout)

    def reload(self):
        self.signal(signal.SIGHUP)


class Nsd(_Peer):
    """nsd in the foreground serving `zones` ({origin: zone file}), without
    privileges, chroot or remote control; every file it writes is in self.dir."""

    binary = NSD

    def __init__(self, workdir, zones, *, name="nsd", port=None, timeout=30):
        self.dir, port = self._prepare(workdir, name, port)
        conf = ["server:", f"    ip-address: 127.0.0.1@{port}", "    do-ip6: no", "    server-count: 1",
                '    username: ""', '    chroot: ""', f'    zonesdir: "{self.dir}"', '    database: ""',
                f'    zonelistfile: "{self.dir}/zone.list"', f'    xfrdfile: "{self.dir}/xfrd.state"',
                f'    xfrdir: "{self.dir}"', f'    pidfile: "{self.dir}/nsd.pid"', "    verbosity: 1",
                "remote-control:", "    control-enable: no"]
        for origin, path in zones.items():
            conf += ["zone:", f"    name: {origin}", f'    zonefile: "{path}"']
        self.conf_path = os.path.join(self.dir, "nsd.conf")
        with open(self.conf_path, "w") as f:
            f.write("\n".join(conf) + "\n")
        super().__init__(workdir, name, port, [NSD, "-d", "-c", self.conf_path], zones, timeout)
