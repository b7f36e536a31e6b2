#!/usr/bin/python3
"""RFC 2136 UPDATE into enumd (issue 11): nsupdate (BIND) and knsupdate (Knot)
change a number and the next query sees it; the SOA serial moves by one per
update and an IXFR from the previous serial returns exactly the change;
failed prerequisites get their rcodes (YXDOMAIN, NXDOMAIN, YXRRSET, NXRRSET)
and change nothing; clients outside `update:`, unsigned or badly signed
requests and zones without `update:` are refused (REFUSED / NOTAUTH); the
zone's secondaries get a NOTIFY, at most one a second."""
import base64
import os
import socket
import subprocess
import sys
import time

import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.tsigkeyring
import dns.update

from enumd_testlib import (ROUTED_ZONE, Checker, Enumd, Scratch, enum_owner, query_rrset, run_in_scratch, soa_serial,
                           write_routed_zone)

c = Checker()
ZONE = ROUTED_ZONE
OTHER = "4.4.e164.arpa."
SECRET = base64.b64encode(b"enumd-update-test-secret-32byte!").decode()
WRONG = base64.b64encode(b"not-the-secret-enumd-knows-about").decode()
KEYRING = dns.tsigkeyring.from_text({"upd.": ("hmac-sha256", SECRET)})
WRONG_RING = dns.tsigkeyring.from_text({"upd.": ("hmac-sha256", WRONG)})
NUM = enum_owner("+61 3 5550 0999")
NAPTR = '10 100 "u" "E2U+sip" "!^.*$!sip:live@new.example!" .'

OTHER_YAML = """origin: 4.4.e164.arpa.
soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}
ns: [ns1.example.net.]
numbers:
  - {number: "+44 20 7946 0000", naptr: "sip:uk@one.example"}
"""


def config(tmp, notify_port):
    def make(port, control):
        return f"""listen: ["127.0.0.1:{port}"]
database: {tmp}/db
control: {control}
keys: [{{name: upd., algorithm: hmac-sha256, secret: "{SECRET}"}}]
zones:
  - file: {tmp}/zone.yaml
    update: {{allow: [127.0.0.1], keys: [upd.]}}
    transfer: {{allow: [127.0.0.1]}}
    notify: ["127.0.0.1:{notify_port}"]
  - file: {tmp}/other.yaml
"""
    return make


def send(e, upd, tcp=False):
    return (dns.query.tcp if tcp else dns.query.udp)(upd, "127.0.0.1", port=e.port, timeout=5)


def naptrs(e, owner):
    got, _ = query_rrset(e.port, owner, "NAPTR")
    return got[1] if got else []


def run_tool(tool, port, key, script):
    # Both take `-y [alg:]name:secret` and read the commands on stdin.
    cmd = [tool, "-y", key] if key else [tool]
    text = f"server 127.0.0.1 {port}\nzone {ZONE}\n" + script + "send\n"
    return subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=30)


def notifies(sock, within):
    """NOTIFY messages that reach `sock` within `within` seconds (each answered, as a secondary does)."""
    got = []
    end = time.monotonic() + within
    while time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            data, peer = sock.recvfrom(65535)
        except socket.timeout:
            break
        m = dns.message.from_wire(data)
        if m.opcode() == dns.opcode.NOTIFY:
            got.append(m)
            sock.sendto(dns.message.make_response(m).to_wire(), peer)
    return got


def scenario(s, nsock):
    tmp = s.tmp
    write_routed_zone(tmp, serial=10, ttl=600, numbers=['{number: "+61 3 5550 0912", naptr: "sip:a@one.example"}'])
    with open(os.path.join(tmp, "other.yaml"), "w") as f:
        f.write(OTHER_YAML)
    e = s.start(Enumd(config=config(tmp, nsock.getsockname()[1]), control=False))
    notifies(nsock, 0.5)  # the start's NOTIFY
    s0 = soa_serial(e.port, ZONE)

    # 1. nsupdate adds a number, signed: NOERROR, visible at once, serial + 1, IXFR = the change.
    p = run_tool("nsupdate", e.port, f"hmac-sha256:upd.:{SECRET}", f"update add {NUM} 300 NAPTR {NAPTR}\n")
    c.check(p.returncode == 0, "nsupdate add: exit 0", p.stdout + p.stderr)
    c.check(naptrs(e, NUM) == [NAPTR], "the next query answers the added NAPTR", str(naptrs(e, NUM)))
    s1 = soa_serial(e.port, ZONE)
    c.check(s1 == s0 + 1, "the serial moved by one", f"{s0} -> {s1}")
    msgs = list(dns.query.xfr("127.0.0.1", ZONE, rdtype=dns.rdatatype.IXFR, serial=s0, port=e.port, timeout=5,
                              relativize=False))
    rrs = [(rr.name.to_text(), dns.rdatatype.to_text(rr.rdtype), [x.to_text() for x in rr])
           for m in msgs for rr in m.answer]
    types = [t for _, t, _ in rrs]
    c.check(types == ["SOA", "SOA", "SOA", "NAPTR", "SOA"] and rrs[3][0] == NUM and rrs[3][2] == [NAPTR],
            "IXFR from the previous serial is exactly the added record", str(rrs))
    got = notifies(nsock, 2.0)
    c.check(len(got) == 1, "one NOTIFY to the configured secondary", f"{len(got)}")

    # 2. knsupdate replaces it (delete the RRset, add another), over TCP as knsupdate does with -v.
    p = subprocess.run(["knsupdate", "-v", "-y", f"hmac-sha256:upd.:{SECRET}"], capture_output=True, text=True,
                       timeout=30,
                       input=f"server 127.0.0.1 {e.port}\nzone {ZONE}\nupdate delete {NUM} NAPTR\n"
                             f"update add {NUM} 300 NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:knot@new.example!\" .\n"
                             "send\n")
    c.check(p.returncode == 0, "knsupdate replace: exit 0", p.stdout + p.stderr)
    c.check(naptrs(e, NUM) == ['10 100 "u" "E2U+sip" "!^.*$!sip:knot@new.example!" .'],
            "the replaced NAPTR answers", str(naptrs(e, NUM)))
    c.check(soa_serial(e.port, ZONE) == s1 + 1, "serial + 1 again")

    # 3. Prerequisites: each failing one gets its rcode and nothing changes.
    before = soa_serial(e.port, ZONE)
    cases = [
        ("prereq nxdomain on an existing name", lambda u: u.absent(NUM), dns.rcode.YXDOMAIN),
        ("prereq yxdomain on a missing name", lambda u: u.present("5.5.5.5.5.5.1.6.e164.arpa."), dns.rcode.NXDOMAIN),
        ("prereq nxrrset on an existing RRset", lambda u: u.absent(NUM, "NAPTR"), dns.rcode.YXRRSET),
        ("prereq yxrrset on a missing RRset", lambda u: u.present(NUM, "TXT"), dns.rcode.NXRRSET),
        ("prereq RRset value that differs", lambda u: u.present(NUM, "NAPTR", NAPTR), dns.rcode.NXRRSET),
    ]
    for what, prereq, rcode in cases:
        u = dns.update.UpdateMessage(ZONE, keyring=KEYRING, keyname="upd.")
        prereq(u)
        u.add(NUM, 300, "TXT", '"must not appear"')
        r = send(e, u)
        c.check(r.rcode() == rcode, f"{what}: {dns.rcode.to_text(rcode)}", dns.rcode.to_text(r.rcode()))
    c.check(soa_serial(e.port, ZONE) == before and query_rrset(e.port, NUM, "TXT")[0] is None,
            "failed prerequisites changed nothing")
    p = run_tool("nsupdate", e.port, f"hmac-sha256:upd.:{SECRET}", f"prereq nxdomain {NUM}\nupdate add {NUM} 60 TXT x\n")
    c.check(p.returncode != 0 and "YXDOMAIN" in (p.stdout + p.stderr), "nsupdate reports YXDOMAIN",
            p.stdout + p.stderr)

    # 4. Who may update: fail closed.
    u = dns.update.UpdateMessage(ZONE)
    u.add(NUM, 60, "TXT", '"unsigned"')
    c.check(send(e, u).rcode() == dns.rcode.REFUSED, "unsigned update (keys required): REFUSED")
    u = dns.update.UpdateMessage(OTHER, keyring=KEYRING, keyname="upd.")
    u.add("0.0.0.0.6.4.9.7.0.2.4.4.e164.arpa.", 60, "TXT", '"x"')
    c.check(send(e, u).rcode() == dns.rcode.REFUSED, "a zone without update: REFUSED")
    u = dns.update.UpdateMessage("example.org.", keyring=KEYRING, keyname="upd.")
    u.add("x.example.org.", 60, "TXT", '"x"')
    c.check(send(e, u).rcode() == dns.rcode.NOTAUTH, "a zone enumd does not serve: NOTAUTH")
    u = dns.update.UpdateMessage(ZONE, keyring=WRONG_RING, keyname="upd.")
    u.add(NUM, 60, "TXT", '"badly signed"')
    try:
        r = send(e, u)
        c.check(False, "bad TSIG: NOTAUTH/BADSIG", f"got {dns.rcode.to_text(r.rcode())}")
    except dns.tsig.PeerBadSignature:
        c.check(True, "bad TSIG: NOTAUTH with TSIG error BADSIG")
    p = run_tool("nsupdate", e.port, f"hmac-sha256:upd.:{WRONG}", f"update add {NUM} 60 TXT x\n")
    c.check(p.returncode != 0, "nsupdate with a wrong secret fails", p.stdout + p.stderr)
    u = dns.update.UpdateMessage(ZONE, keyring=KEYRING, keyname="upd.")
    u.add("www.example.org.", 60, "TXT", '"x"')
    c.check(send(e, u).rcode() == dns.rcode.NOTZONE, "an update outside the zone: NOTZONE")
    c.check(query_rrset(e.port, NUM, "TXT")[0] is None, "refused updates changed nothing")

    # 5. A burst of updates: every one acknowledged, NOTIFYs coalesced to at most one a second.
    notifies(nsock, 1.2)
    start = time.monotonic()
    for i in range(20):
        u = dns.update.UpdateMessage(ZONE, keyring=KEYRING, keyname="upd.")
        u.replace(NUM, 60, "TXT", f'"burst {i}"')
        r = send(e, u, tcp=(i % 2 == 1))
        if r.rcode() != dns.rcode.NOERROR:
            c.check(False, f"burst update {i}", dns.rcode.to_text(r.rcode()))
    took = time.monotonic() - start
    got = notifies(nsock, 1.5 + took)
    c.check(1 <= len(got) <= int(took) + 2, "burst NOTIFYs coalesced (at most one a second)",
            f"{len(got)} in {took:.2f} s")
    c.check(query_rrset(e.port, NUM, "TXT")[0][1] == ['"burst 19"'], "the last update of the burst answers")

    # 6. The live changes survive a reload of the file (overrides, zones/README.md "Live changes").
    e.reload()
    time.sleep(1.0)
    c.check(query_rrset(e.port, NUM, "TXT")[0] is not None and naptrs(e, NUM) != [],
            "live changes survive a reload of the zone file")


def main():
    nsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    nsock.bind(("127.0.0.1", 0))
    try:
        return run_in_scratch(c, Scratch("enumd-update-"), lambda s: scenario(s, nsock))
    finally:
        nsock.close()


if __name__ == "__main__":
    sys.exit(main())
