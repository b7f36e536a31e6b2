#!/usr/bin/python3
"""End to end: Kamailio routes SIP INVITEs by ENUM through enumd.

Kamailio has no DNS server setting of its own; it uses the system resolver.
So the server in its resolv.conf must answer the ENUM zone authoritatively and
everything else recursively (issue 5; the seeds' "ENUM in Practice with
Kamailio" and "IMS DNS Failing").

The lab lives in two network namespaces this script creates (nothing touches
the host's network; traffic stays inside them):

  dns ns  10.199.53.1:53   enumd "edge" (tests/data/kamailio/edge.yaml):
                           e164.arpa. + lab.test. authoritative; recursion,
                           only for 10.199.53.2 (Kamailio), by forwarding:
                           3gppnetwork.org. to the GRX enumd, the rest to the
                           upstream enumd
          127.0.0.1:5353   enumd "upstream": elsewhere.test. authoritative
          127.0.0.2:5353   enumd "grx": mnc001.mcc001.3gppnetwork.org.
     | veth 10.199.53.0/30
  sip ns  10.199.53.2:5060 Kamailio (Debian package, enum module),
                           /etc/netns/<ns>/resolv.conf -> 10.199.53.1
          10.199.53.5:5060 listener A (sip.lab.test)
          10.199.53.6:5062 listener B (elsewhere.test and voice.elsewhere.test,
                           via SRV _sip._udp)
          10.199.53.6:5064 listener ims (ims.mnc001.mcc001.3gppnetwork.org via SRV)
          10.199.53.6:5060 decoy (reached only if Kamailio skipped the SRV)
          10.199.53.7      the test's UAC

Cases: INVITEs to E.164 numbers are rewritten by enum_query() to the URI from
the zone and reach the listener that DNS names; domains outside enumd's zones
(elsewhere.test, and the IMS domain through its per-domain forwarder; SRV + A)
resolve through enumd's recursion; numbers without
an E2U+sip record get Kamailio's 404. Needs root, iproute2 and the kamailio
package (installed with apt-get when missing; the test fails, not skips, when
it cannot be installed). Every wait is bounded; everything started is stopped
by PID and the namespaces and /etc/netns entries are removed on exit.
"""
import contextlib
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

import dns.flags
import dns.message
import dns.query
import dns.rcode

from enumd_testlib import DATA_DIR, ENUMD, Checker, Proc, wait_until

DATA = os.path.join(DATA_DIR, "kamailio")
KAMAILIO_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"
NEEDED_MODULES = ("tm", "sl", "rr", "pv", "textops", "maxfwd", "enum", "xlog")

# The address plan; tests/data/kamailio/*.zone and kamailio.cfg use the same.
DNS_ADDR = "10.199.53.1"      # edge enumd, the nameserver in Kamailio's resolv.conf
KAM_ADDR = "10.199.53.2"      # Kamailio, the only client allowed to recurse
LISTENER_A = "10.199.53.5"    # sip.lab.test.
LISTENER_B = "10.199.53.6"    # sip.elsewhere.test. (SRV port 5062)
UAC_ADDR = "10.199.53.7"      # the test's user agent
UPSTREAM = ("127.0.0.1", 5353)  # inside the dns namespace: elsewhere.test.
GRX = ("127.0.0.2", 5353)       # inside the dns namespace: 3gppnetwork.org. zones
STATS_PORT = 9153               # edge.yaml statistics

PREFIX = "enumd-kam-"
TAG = str(os.getpid())
NS_DNS = f"{PREFIX}dns-{TAG}"
NS_SIP = f"{PREFIX}sip-{TAG}"
VETH_DNS = f"ekd{TAG}"[:15]
VETH_SIP = f"eks{TAG}"[:15]

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)

c = Checker()


def log(msg):
    print(msg, flush=True)


def run(cmd, timeout=30, check_rc=True):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} -> {r.returncode}:\n{r.stdout}")
    return r


@contextlib.contextmanager
def netns(name):
    """Run the block (this thread only) in network namespace `name`; sockets
    created inside keep that namespace after the block."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
        try:
            yield
        finally:
            if _libc.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back to the test's namespace")
    finally:
        os.close(target)
        os.close(own)


# ---------------------------------------------------------------- kamailio --

def modules_present():
    return all(os.path.exists(os.path.join(KAMAILIO_MODULES, m + ".so")) for m in NEEDED_MODULES)


def ensure_kamailio():
    """Install the Debian package when it is missing; a failure is fatal."""
    if shutil.which("kamailio") and modules_present():
        return True
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    out = ""
    # Other tests may hold the dpkg lock under `ctest -j`: wait for it.
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=120"]
    for step in (apt + ["install", "-y", "kamailio"], apt + ["update"], apt + ["install", "-y", "kamailio"]):
        log("installing Kamailio: " + " ".join(step))
        try:
            r = subprocess.run(step, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=240, env=env)
            out = r.stdout
        except subprocess.TimeoutExpired:
            out = f"{' '.join(step)} timed out after 240 s"
        if shutil.which("kamailio") and modules_present():
            return True
    c.check(False, f"Kamailio is not installed and `apt-get install -y kamailio` did not install it "
            f"(no route to the Debian mirror?). This test needs the kamailio package with the modules "
            f"{', '.join(NEEDED_MODULES)} in {KAMAILIO_MODULES}. Last output:\n{out[-3000:]}")
    return False


# ----------------------------------------------------------------- the lab --

class Lab:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="enumd-kamailio-")
        self.procs = []      # Proc, each named
        self.namespaces = []

    def start(self, name, ns, cmd):
        # `ip netns exec` execs the command: the PID is the program's own.
        p = Proc(["ip", "netns", "exec", ns] + cmd, os.path.join(self.tmp, name + ".log"), name=name,
                 stdin=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def log_of(self, name):
        return next((p.logs() for p in self.procs if p.name == name), "")

    def add_namespace(self, ns):
        run(["ip", "netns", "add", ns])
        self.namespaces.append(ns)

    def cleanup(self):
        for p in reversed(self.procs):
            p.stop()
        for ns in self.namespaces:
            kill_namespace_processes(ns)
            run(["ip", "netns", "delete", ns], check_rc=False)
            shutil.rmtree(f"/etc/netns/{ns}", ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


def kill_namespace_processes(ns):
    """Kamailio's children, should its main process have died first: every
    process in a namespace this test created is one it started."""
    r = run(["ip", "netns", "pids", ns], check_rc=False)
    for pid in r.stdout.split():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), signal.SIGKILL)


def sweep_stale_namespaces():
    """Namespaces left by an earlier run of this test that was SIGKILLed (for
    example by a ctest timeout): their PID suffix is no longer alive."""
    r = run(["ip", "netns", "list"], check_rc=False)
    for line in r.stdout.splitlines():
        m = re.match(rf"^({re.escape(PREFIX)}(?:dns|sip)-(\d+))\b", line)
        if not m or os.path.exists(f"/proc/{m.group(2)}"):
            continue
        log(f"removing stale namespace {m.group(1)}")
        kill_namespace_processes(m.group(1))
        run(["ip", "netns", "delete", m.group(1)], check_rc=False)
        shutil.rmtree(f"/etc/netns/{m.group(1)}", ignore_errors=True)


def build_network(lab):
    lab.add_namespace(NS_DNS)
    lab.add_namespace(NS_SIP)
    run(["ip", "link", "add", VETH_DNS, "netns", NS_DNS, "type", "veth", "peer", "name", VETH_SIP,
         "netns", NS_SIP])
    d = ["ip", "netns", "exec", NS_DNS, "ip"]
    s = ["ip", "netns", "exec", NS_SIP, "ip"]
    for cmd in (d + ["link", "set", "lo", "up"],
                d + ["addr", "add", f"{DNS_ADDR}/30", "dev", VETH_DNS],
                d + ["link", "set", VETH_DNS, "up"],
                d + ["route", "add", "10.199.53.4/30", "via", KAM_ADDR],
                s + ["link", "set", "lo", "up"],
                s + ["addr", "add", f"{KAM_ADDR}/30", "dev", VETH_SIP],
                s + ["link", "set", VETH_SIP, "up"]):
        run(cmd)
    for a in (LISTENER_A, LISTENER_B, UAC_ADDR):
        run(s + ["addr", "add", f"{a}/32", "dev", "lo"])
    os.makedirs(f"/etc/netns/{NS_SIP}", exist_ok=True)
    with open(f"/etc/netns/{NS_SIP}/resolv.conf", "w") as f:
        f.write(f"nameserver {DNS_ADDR}\noptions timeout:1 attempts:2\n")


# ------------------------------------------------------------------- DNS ---

def dns_query(ns, server, port, qname, rdtype, source=None, timeout=2.0):
    with netns(ns):
        return dns.query.udp(dns.message.make_query(qname, rdtype), server, port=port, timeout=timeout,
                             source=source)


def wait_dns(lab, name, ns, server, port, qname, rdtype, deadline_s=20):
    deadline = time.monotonic() + deadline_s
    proc = next(p for p in lab.procs if p.name == name)
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{name} exited with {proc.proc.returncode}:\n{lab.log_of(name)}")
        with contextlib.suppress(Exception):
            return dns_query(ns, server, port, qname, rdtype, timeout=0.5)
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer within {deadline_s} s:\n{lab.log_of(name)}")


def metrics(port):
    with netns(NS_DNS):
        body = urllib.request.urlopen(f"http://{DNS_ADDR}:{port}/metrics", timeout=3).read().decode()
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^(enumd_recursion_\w+) (\S+)$", body, re.M)}


def texts(r, rdtype):
    return sorted(rr.to_text() for rrset in r.answer for rr in rrset if rrset.rdtype == rdtype)


# ------------------------------------------------------------------- SIP ---

def parse_sip(data):
    text = data.decode("utf-8", errors="replace")
    head = text.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.append((k.strip().lower(), v.strip()))
    return lines[0], headers, text


def header(headers, name):
    return next((v for k, v in headers if k == name), None)


class Listener(threading.Thread):
    """A UAS that records every request and answers INVITEs 486 Busy Here
    (a final answer that needs no dialog), copying the Vias back."""

    def __init__(self, name, addr, port):
        super().__init__(daemon=True)
        self.name_ = name
        with netns(NS_SIP):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((addr, port))
        self.sock.settimeout(0.2)
        self.requests = []        # (start line, headers, raw text)
        self.lock = threading.Lock()
        self.stop_ = threading.Event()

    def run(self):
        while not self.stop_.is_set():
            try:
                data, src = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            start, headers, text = parse_sip(data)
            if start.startswith("SIP/2.0"):
                continue
            with self.lock:
                self.requests.append((start, headers, text))
            if start.startswith("INVITE "):
                reply = ["SIP/2.0 486 Busy Here"]
                reply += [f"Via: {v}" for k, v in headers if k in ("via", "v")]
                reply += [f"From: {header(headers, 'from')}",
                          f"To: {header(headers, 'to')};tag={self.name_}-uas",
                          f"Call-ID: {header(headers, 'call-id')}",
                          f"CSeq: {header(headers, 'cseq')}",
                          "Content-Length: 0", "", ""]
                with contextlib.suppress(OSError):
                    self.sock.sendto("\r\n".join(reply).encode(), src)

    def invites(self, call_id):
        with self.lock:
            return [r for r in self.requests
                    if r[0].startswith("INVITE ") and header(r[1], "call-id") == call_id]

    def all_call_ids(self):
        with self.lock:
            return {header(r[1], "call-id") for r in self.requests}

    def close(self):
        self.stop_.set()
        self.join(timeout=2)
        self.sock.close()


class Uac:
    def __init__(self):
        with netns(NS_SIP):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((UAC_ADDR, 0))
        self.port = self.sock.getsockname()[1]

    def request(self, method, ruri, to_uri, call_id, timeout=10.0):
        """Send a request to Kamailio; return the final response's start line
        and headers (ACKing a negative INVITE answer), or None on timeout."""
        branch = "z9hG4bK-" + uuid.uuid4().hex[:16]
        frm = f"<sip:alice@{UAC_ADDR}>;tag={uuid.uuid4().hex[:8]}"
        via = f"SIP/2.0/UDP {UAC_ADDR}:{self.port};branch={branch};rport"
        msg = "\r\n".join([
            f"{method} {ruri} SIP/2.0",
            f"Via: {via}",
            "Max-Forwards: 70",
            f"From: {frm}",
            f"To: <{to_uri}>",
            f"Call-ID: {call_id}",
            f"CSeq: 1 {method}",
            f"Contact: <sip:alice@{UAC_ADDR}:{self.port}>",
            "Content-Length: 0", "", ""])
        self.sock.sendto(msg.encode(), (KAM_ADDR, 5060))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                return None
            start, headers, _ = parse_sip(data)
            if header(headers, "call-id") != call_id or not start.startswith("SIP/2.0 "):
                continue
            code = int(start.split()[1])
            if code < 200:
                continue
            if method == "INVITE" and code >= 300:
                ack = "\r\n".join([
                    f"ACK {ruri} SIP/2.0", f"Via: {via}", "Max-Forwards: 70", f"From: {frm}",
                    f"To: {header(headers, 'to')}", f"Call-ID: {call_id}", "CSeq: 1 ACK",
                    "Content-Length: 0", "", ""])
                self.sock.sendto(ack.encode(), (KAM_ADDR, 5060))
            return start, headers

    def close(self):
        self.sock.close()


# ------------------------------------------------------------------ main ---

def main():
    if not c.check(os.geteuid() == 0, "running as root (network namespaces need it)"):
        return 1
    if not c.check(os.access(ENUMD, os.X_OK), f"{ENUMD} is built (make enumd)"):
        return 1
    if not shutil.which("ip"):
        run(["apt-get", "install", "-y", "iproute2"], timeout=240, check_rc=False)
    if not ensure_kamailio():
        return 1
    log(subprocess.run(["kamailio", "-v"], stdout=subprocess.PIPE, text=True).stdout.splitlines()[0])

    sweep_stale_namespaces()
    lab = Lab()
    completed = False
    listeners = []
    uac = None
    # SIGTERM (ctest, a user) runs the same cleanup as a normal exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        build_network(lab)

        # 1. DNS: the upstream (elsewhere.test) and the edge enumd Kamailio uses.
        lab.start("enumd-upstream", NS_DNS, [ENUMD, "--listen", f"{UPSTREAM[0]}:{UPSTREAM[1]}", "--threads", "1",
                                             "--zone", os.path.join(DATA, "elsewhere.test.zone")])
        wait_dns(lab, "enumd-upstream", NS_DNS, UPSTREAM[0], UPSTREAM[1], "elsewhere.test.", "SOA")
        lab.start("enumd-grx", NS_DNS, [ENUMD, "--listen", f"{GRX[0]}:{GRX[1]}", "--threads", "1",
                                        "--zone", os.path.join(DATA, "mnc001.mcc001.3gppnetwork.org.zone")])
        wait_dns(lab, "enumd-grx", NS_DNS, GRX[0], GRX[1], "mnc001.mcc001.3gppnetwork.org.", "SOA")
        stats_port = STATS_PORT
        lab.start("enumd-edge", NS_DNS, [ENUMD, "--config", os.path.join(DATA, "edge.yaml")])
        wait_dns(lab, "enumd-edge", NS_DNS, DNS_ADDR, 53, "e164.arpa.", "SOA")

        # 2. What Kamailio will ask, asked from Kamailio's address first.
        r = dns_query(NS_SIP, DNS_ADDR, 53, "2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR", source=KAM_ADDR)
        c.check(texts(r, 35) == ['10 100 "u" "E2U+sip" "!^.*$!sip:info@sip.lab.test!" .']
                and bool(r.flags & dns.flags.AA), f"edge enumd answers the ENUM NAPTR authoritatively: {r.answer}")
        # (A name Kamailio will not ask, so its own lookups below all miss enumd's cache.)
        r = dns_query(NS_SIP, DNS_ADDR, 53, "ns.elsewhere.test.", "A", source=KAM_ADDR)
        c.check(texts(r, 1) == ["127.0.0.1"] and bool(r.flags & dns.flags.RA) and not r.flags & dns.flags.AA,
                f"ns.elsewhere.test. resolves through recursion for Kamailio's address: {r.answer}")
        r = dns_query(NS_SIP, DNS_ADDR, 53, "_sip._udp.elsewhere.test.", "SRV", source=LISTENER_A)
        c.check(r.rcode() == dns.rcode.REFUSED and not r.answer,
                f"a client outside the recursion ACL is refused: {dns.rcode.to_text(r.rcode())}")
        before = metrics(stats_port)

        # 3. The SIP side: listeners, then Kamailio (config checked first).
        listeners = [Listener("A", LISTENER_A, 5060), Listener("B", LISTENER_B, 5062),
                     Listener("ims", LISTENER_B, 5064), Listener("decoy", LISTENER_B, 5060)]
        for lst in listeners:
            lst.start()
        la, lb, lims, decoy = listeners
        cfg = os.path.join(DATA, "kamailio.cfg")
        r = run(["ip", "netns", "exec", NS_SIP, "kamailio", "-c", "-f", cfg], check_rc=False)
        if not c.check(r.returncode == 0, "kamailio -c accepts tests/data/kamailio/kamailio.cfg"):
            log(r.stdout)
            return 1
        rundir = os.path.join(lab.tmp, "kamailio-run")
        os.makedirs(rundir)
        kam = lab.start("kamailio", NS_SIP, ["kamailio", "-f", cfg, "-DD", "-E", "-m", "32", "-M", "8",
                                             "-Y", rundir, "-w", rundir])
        uac = Uac()
        ready = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and kam.alive():
            ready = uac.request("OPTIONS", f"sip:{KAM_ADDR}", f"sip:{KAM_ADDR}", "ready-" + uuid.uuid4().hex,
                                timeout=0.5)
            if ready:
                break
        if not c.check(ready is not None and ready[0].startswith("SIP/2.0 200"),
                       f"Kamailio is up and answers OPTIONS: {ready and ready[0]}"):
            return 1

        # 4. INVITEs. (R-URI, expected listener, expected R-URI there or the expected final code)
        cases = [
            ("+61355500912 (single NAPTR) -> sip:info@sip.lab.test, A record from enumd's own zone",
             f"sip:+61355500912@{KAM_ADDR}", la, "sip:info@sip.lab.test", 486),
            ("+61355500914 (back-reference regexp) -> sip:61355500914@sip.lab.test",
             f"sip:+61355500914@{KAM_ADDR}", la, "sip:61355500914@sip.lab.test", 486),
            ("+61355500913 -> sip:info@elsewhere.test: ENUM answered locally, SRV and A through recursion",
             f"sip:+61355500913@{KAM_ADDR}", lb, "sip:info@elsewhere.test", 486),
            ("sip:bob@voice.elsewhere.test (no ENUM): SRV and A through recursion",
             "sip:bob@voice.elsewhere.test", lb, "sip:bob@voice.elsewhere.test", 486),
            ("+61355500916 -> sip:+61355500916@ims.mnc001.mcc001.3gppnetwork.org: SRV and A through the "
             "per-domain forwarder (the seed's IMS DNS case)",
             f"sip:+61355500916@{KAM_ADDR}", lims, "sip:+61355500916@ims.mnc001.mcc001.3gppnetwork.org", 486),
            ("+61355500999 (no NAPTR, NXDOMAIN) -> Kamailio answers 404",
             f"sip:+61355500999@{KAM_ADDR}", None, None, 404),
            ("+61355500915 (only E2U+email:mailto) -> no SIP route, 404",
             f"sip:+61355500915@{KAM_ADDR}", None, None, 404),
        ]
        sent = []
        for what, ruri, target, want_ruri, want_code in cases:
            call_id = uuid.uuid4().hex + "@" + UAC_ADDR
            sent.append(call_id)
            t0 = time.monotonic()
            resp = uac.request("INVITE", ruri, ruri, call_id, timeout=10)
            took = time.monotonic() - t0
            code = int(resp[0].split()[1]) if resp else None
            c.check(code == want_code, f"{what}: final response {resp and resp[0]} in {took:.2f} s")
            if target is not None:
                got = wait_until(lambda: target.invites(call_id), 5, step=0.05)
                lines = sorted({g[0] for g in got})
                c.check(lines == [f"INVITE {want_ruri} SIP/2.0"],
                        f"{what}: listener {target.name_} received {lines}")
                if got:
                    rr = header(got[0][1], "record-route") or ""
                    c.check(KAM_ADDR in rr, f"{what}: the INVITE came through Kamailio (Record-Route {rr})")
            for other in listeners:
                if other is not target:
                    c.check(not other.invites(call_id), f"{what}: nothing reached listener {other.name_}")

        # Kamailio had to look up six names outside enumd's zones: SRV
        # _sip._udp.elsewhere.test, A sip.elsewhere.test, SRV
        # _sip._udp.voice.elsewhere.test, A pbx.elsewhere.test, SRV
        # _sip._udp.ims.mnc001..., A scscf1.ims.mnc001...; none was in enumd's
        # cache, so each is a recursion and an upstream query.
        after = metrics(stats_port)
        for k in ("enumd_recursion_queries_total", "enumd_recursion_upstream_queries_total"):
            c.check(after.get(k, 0) - before.get(k, 0) >= 6,
                    f"Kamailio's lookups outside enumd's zones went through its recursion: {k} "
                    f"{before.get(k)} -> {after.get(k)}")
        stray = decoy.all_call_ids() - {None}
        c.check(not stray, f"the decoy (A record port 5060, SRV skipped) received nothing: {stray}")
        c.check(kam.alive(), "Kamailio is still running")
        completed = True
        return 0 if not c.failures else 1
    finally:
        if c.failures or not completed:
            for p in lab.procs:
                log(f"----- {p.name} log (last 6000 characters) -----\n{p.logs()[-6000:]}")
            for lst in listeners:
                with lst.lock:
                    log(f"----- listener {lst.name_} received {len(lst.requests)} requests -----")
                    for start, _, text in lst.requests[-10:]:
                        log(text)
        elif os.environ.get("VERBOSE"):
            log(lab.log_of("kamailio"))
        for lst in listeners:
            lst.close()
        if uac:
            uac.close()
        lab.cleanup()


if __name__ == "__main__":
    rc = main()
    sys.exit(c.done() or rc)
