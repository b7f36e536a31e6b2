#!/usr/bin/python3
"""Live reload: SIGHUP, `enumctl reload`, --watch; a broken zone keeps the old
data serving with file:line logged; the serial guard refuses new content under
the served serial and a serial that goes back (issue 13); and no query is lost
or answered wrongly while reloads happen under load."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import dns.message
import dns.rcode
import dns.rdatatype

from enumd_testlib import DATA_DIR, ENUMCTL, Checker, Enumd, wait_until

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
NEW_NAME = "7.1.9.0.0.5.5.5.3.1.6.e164.arpa."
NEW_RECORD = '7.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:info@new.example.net!" .\n'


def edit(zone, serial, add="", drop=()):
    """One write: the SOA serial set (lab.zone's SOA line), lines starting with `drop` removed, `add` appended."""
    with open(zone) as f:
        lines = [ln for ln in f if not any(ln.startswith(d) for d in drop)]
    lines = [f"@ IN SOA ns1.example.net. hostmaster.example.net. {serial} 3600 600 604800 300\n"
             if ln.startswith("@ IN SOA") else ln for ln in lines]
    with open(zone, "w") as f:
        f.writelines(lines + [add])


def rcode_of(srv, name):
    return srv.query(name, "NAPTR").rcode()


def load(srv, names, rounds, window=64, timeout=2.0):
    """Bounded load: `rounds` windows of `window` queries; returns (sent, lost, wrong)."""
    sent = lost = wrong = 0
    expected = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        for r in range(rounds):
            pending = {}
            for i in range(window):
                name = names[(r * window + i) % len(names)]
                q = dns.message.make_query(name, "NAPTR")
                q.id = (r * window + i) % 65536  # unique inside a window: responses match exactly
                pending[q.id] = name
                s.sendto(q.to_wire(), (srv.host, srv.port))
                sent += 1
            deadline = time.monotonic() + timeout
            while pending and time.monotonic() < deadline:
                try:
                    data = s.recv(4096)
                except socket.timeout:
                    break
                m = dns.message.from_wire(data)
                name = pending.pop(m.id, None)
                if name is None:
                    continue
                answer = (m.rcode(), sorted(rr.to_text() for rrset in m.answer for rr in rrset))
                if name in expected and expected[name] != answer:
                    wrong += 1
                expected.setdefault(name, answer)
            lost += len(pending)
    return sent, lost, wrong


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-reload-")
    try:
        zone = os.path.join(tmp, "lab.zone")
        shutil.copy(LAB, zone)
        with Enumd(["--zone", zone, "--watch"], control=True) as srv:
            c.check(rcode_of(srv, NEW_NAME) == dns.rcode.NXDOMAIN, "new number absent before the edit")

            # 1. SIGHUP picks up an edit.
            edit(zone, 2, add=NEW_RECORD)
            srv.signal(signal.SIGHUP)
            c.check(wait_until(lambda: rcode_of(srv, NEW_NAME) == dns.rcode.NOERROR, 10), "SIGHUP reload did not take")

            # 1b. The serial guard: new content under the served serial, or a serial that goes back, is
            # refused with the zone and both serials named, and the served data stays (secondaries would
            # never pick such a version up).
            other = "8.1.9.0.0.5.5.5.3.1.6.e164.arpa."
            for serial, says in ((2, "zone e164.arpa.: content changed but serial 2 is unchanged"),
                                 (1, "zone e164.arpa.: serial 1 is not newer than the stored 2")):
                edit(zone, serial, add=NEW_RECORD.replace("7.1.9", "8.1.9"), drop=("8.1.9",))
                out = subprocess.run([ENUMCTL, "reload", "--control", srv.control], capture_output=True, text=True)
                c.check(out.returncode == 1 and says in out.stdout + out.stderr,
                        f"serial {serial}: reload must be refused saying {says!r}: {out.returncode} {out.stdout}{out.stderr}")
                c.check(rcode_of(srv, other) == dns.rcode.NXDOMAIN and rcode_of(srv, NEW_NAME) == dns.rcode.NOERROR,
                        f"serial {serial}: the served data stays after the serial guard refused the reload")
            c.check("secondaries will not pick this up" in srv.logs(), "the refused reload is logged with the reason")
            edit(zone, 2, drop=("8.1.9",))  # back to what is served

            # 2. A broken edit is refused with file:line and the old data keeps serving.
            with open(zone, "a") as f:
                f.write("broken.number IN NAPTR 10 not-a-number\n")
            out = subprocess.run([ENUMCTL, "reload", "--control", srv.control], capture_output=True, text=True)
            c.check(out.returncode == 1, f"enumctl reload of a broken zone should exit 1, got {out.returncode}")
            c.check(f"{zone}:" in out.stdout + out.stderr, f"reload error lacks file:line: {out.stdout}{out.stderr}")
            c.check("reload refused" in srv.logs() and f"{zone}:" in srv.logs(), "reload failure not logged with file:line")
            c.check(rcode_of(srv, NEW_NAME) == dns.rcode.NOERROR, "old data must keep serving after a failed reload")
            c.check(rcode_of(srv, "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.") == dns.rcode.NOERROR, "old data lost")

            # 2b. An edit only the checks find (they run beside the reload's write): a CNAME beside the NAPTR
            # served at NEW_NAME. Refused with file:line, and the NAPTR keeps answering.
            edit(zone, 3, drop=("broken.number",), add="7.1.9.0.0.5.5.5.3.1.6 IN CNAME ns1.example.net.\n")
            out = subprocess.run([ENUMCTL, "reload", "--control", srv.control], capture_output=True, text=True)
            said = out.stdout + out.stderr
            c.check(out.returncode == 1 and f"{zone}:" in said and "beside other data" in said,
                    f"reload of a CNAME beside a NAPTR: exit 1 with file:line and the reason: {out.returncode} {said}")
            r = srv.query(NEW_NAME, "NAPTR")
            c.check(r.rcode() == dns.rcode.NOERROR and any(rr.rdtype == dns.rdatatype.NAPTR for rr in r.answer),
                    "the NAPTR keeps answering after the refused reload", str(r))

            # 3. Fixing the file (a new serial for new content): --watch reloads on its own.
            edit(zone, 3, drop=("broken.number", "7.1.9"))
            c.check(wait_until(lambda: rcode_of(srv, NEW_NAME) == dns.rcode.NXDOMAIN, 10), "--watch did not reload")

            # 4. enumctl reload answers ok with the serial.
            out = subprocess.run([ENUMCTL, "reload", "--control", srv.control], capture_output=True, text=True)
            c.check(out.returncode == 0 and out.stdout.startswith("ok") and "e164.arpa." in out.stdout,
                    f"enumctl reload: {out.returncode} {out.stdout!r} {out.stderr!r}")

            # 5. Reloads under load: nothing lost, nothing answered differently.
            names = [f"{d}.1.9.0.0.5.5.5.3.1.6.e164.arpa." for d in "1234"] + \
                    [f"{d}.0.4.3.2.0.5.5.5.2.1.6.e164.arpa." for d in "0123456789"] + \
                    ["5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", "9.9.9.9.e164.arpa."]
            import threading
            result = {}
            t = threading.Thread(target=lambda: result.update(r=load(srv, names, rounds=150)))
            t.start()
            reloads = 0
            while t.is_alive() and reloads < 20:
                os.utime(zone)  # content unchanged: swap the same data
                out = subprocess.run([ENUMCTL, "reload", "--control", srv.control], capture_output=True, text=True)
                reloads += out.returncode == 0
            t.join(timeout=120)
            sent, lost, wrong = result.get("r", (0, -1, -1))
            print(f"under load: {sent} queries, {lost} lost, {wrong} answered differently, {reloads} reloads")
            c.check(reloads >= 3, f"only {reloads} reloads happened during the load")
            c.check(sent > 0 and lost == 0 and wrong == 0, f"reload under load: sent={sent} lost={lost} wrong={wrong}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
