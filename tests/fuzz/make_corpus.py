#!/usr/bin/python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/ (run once; the files are committed).

packet:     real queries and responses made with dnspython (EDNS, several types,
            compression pointers, NAPTR/SRV/SOA rdata), plus hand-made malformed ones.
name_text:  presentation-format names, escapes, relative names with an origin after '\\n'.
rdata_text: first octet = index into the type table of fuzz_rdata_text.cpp, then rdata text.
answer:     option octet + a query for the zones of tests/differential (fuzz_answer.cpp).
naptr_regexp: a NAPTR regexp field, optionally '\n' and the string it is applied to (fuzz_naptr_regexp.cpp).
upstream:   responses from an upstream server: referrals, glue, CNAME chains, negative answers (fuzz_upstream.cpp).
transfer_in: option octet + length-prefixed transfer reply messages (fuzz_transfer_in.cpp).
csv:        hand-written; the first octet picks the reader (fuzz_csv.cpp).
rfc1035:    hand-written zone files: plain lines, and lines the fast path leaves to ldns (fuzz_rfc1035.cpp).
Libfuzzer adds what it finds to these directories when run with them as corpus.
"""

import hashlib
import os

import dns.flags
import dns.message
import dns.rrset

HERE = os.path.dirname(os.path.abspath(__file__))
# keep in the order of kTypes in fuzz_rdata_text.cpp
RDATA_TYPES = ["A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "NAPTR", "DNAME", "CAA", "HINFO",
               "SSHFP", "TLSA", "URI", "LOC", "SPF", "SVCB", "HTTPS"]


_ids = iter(range(0x1000, 0x10000))


def make_query(*args, **kw):
    """dns.message.make_query with a deterministic ID, so reruns write the same files."""
    q = dns.message.make_query(*args, **kw)
    q.id = next(_ids)
    return q


def put(target, content):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(content).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(content)


def packets():
    qs = [("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR", True), ("www.example.com.", "A", False),
          ("_sip._udp.ims.mnc001.mcc505.3gppnetwork.org.", "SRV", True), ("example.", "SOA", True),
          ("*.example.", "TXT", False), ("MiXeD.CaSe.Example.", "AAAA", True), (".", "NS", False)]
    for name, qtype, edns in qs:
        q = make_query(name, qtype, use_edns=0 if edns else None, payload=1232)
        put("packet", q.to_wire())
    # responses with compression in owners and rdata
    q = make_query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR", use_edns=0)
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    r.answer.append(dns.rrset.from_text("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", 3600, "IN", "NAPTR",
                                        '10 100 "u" "E2U+sip" "!^.*$!sip:info@server1.example.net!" .',
                                        '20 100 "s" "SIP+D2U" "" _sip._udp.e164.arpa.'))
    r.authority.append(dns.rrset.from_text("e164.arpa.", 3600, "IN", "NS", "ns1.e164.arpa.", "ns2.example.net."))
    r.additional.append(dns.rrset.from_text("ns1.e164.arpa.", 3600, "IN", "A", "192.0.2.1"))
    put("packet", r.to_wire())
    q = make_query("nx.example.", "A")
    r = dns.message.make_response(q)
    r.set_rcode(3)
    r.authority.append(dns.rrset.from_text("example.", 300, "IN", "SOA",
                                           "ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300"))
    put("packet", r.to_wire())
    q = make_query("_sip._udp.example.", "SRV")
    r = dns.message.make_response(q)
    r.answer.append(dns.rrset.from_text("_sip._udp.example.", 60, "IN", "SRV", "10 60 5060 host.example.",
                                        "20 40 5061 host2.example."))
    r.answer.append(dns.rrset.from_text("www.example.", 60, "IN", "CNAME", "host.example."))
    r.answer.append(dns.rrset.from_text("example.", 60, "IN", "MX", "10 mail.example."))
    r.answer.append(dns.rrset.from_text("example.", 60, "IN", "TXT", '"hello" "world"'))
    put("packet", r.to_wire())
    # malformed: short header, QR set, pointer loop, label past the end, two OPTs, BADVERS
    put("packet", b"\x12\x34\x01")
    put("packet", b"\x12\x34\x81\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01")
    put("packet", b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01")
    put("packet", b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x3f" + b"a" * 10)
    opt = b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"
    head = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x02"
    put("packet", head + b"\x07example\x00\x00\x01\x00\x01" + opt + opt)
    put("packet", head[:-1] + b"\x01" + b"\x07example\x00\x00\x01\x00\x01" + b"\x00\x00\x29\x04\xd0\x00\x01\x00\x00\x00\x00")
    put("packet", b"\x12\x34\x28\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x00\x00\x06\x00\x01")  # UPDATE


def names():
    for t in ["www.example.com.", "www.example.com", "@\n1.6.e164.arpa.", "1.1.9\n1.6.e164.arpa.", ".",
              "a\\.b.example.", "\\000\\001\\255.x.", "\\065BC.example.", "*.example.", "sub.*.example.",
              "a" * 63 + ".example.", ".".join(["a"] * 127) + ".", "_sip._udp.ims.mnc001.mcc505.3gppnetwork.org.",
              "MiXeD.CaSe.", "x..y.", "\\", "\\09", "a\\ b.", '"quoted".', "@"]:
        put("name_text", t.encode())


def rdatas():
    samples = {
        "A": ["192.0.2.1", "0.0.0.0"], "AAAA": ["2001:db8::1", "::"], "NS": ["ns1.example.net.", "ns1"],
        "CNAME": ["host", "@"], "SOA": ["ns1.example.net. hostmaster.example.net. 2024060101 7200 3600 1209600 300",
                                      "ns1 hostmaster ( 1 2 3 4 5 )"],
        "PTR": ["host.example."], "MX": ["10 mail.example.", "0 ."],
        "TXT": ['"hello world"', '"a" "b" "c"', '"with \\"escaped\\" quote"', '""', "plain"],
        "SRV": ["10 60 5060 host.example.", "0 0 0 ."],
        "NAPTR": ['10 100 "u" "E2U+sip" "!^.*$!sip:info@server1.example.net!" .',
                  '100 100 "u" "E2U+sip" "!(^.*$)!sip:\\\\1@server2.example.net!" .',
                  '10 10 "s" "SIP+D2U" "" _sip._udp.example.', '10 100 "u" "E2U+sip" "!^.*$!sip:a@b!"\t.'],
        "DNAME": ["example.net."], "CAA": ['0 issue "letsencrypt.org"'], "HINFO": ['"PC" "Linux"'],
        "SSHFP": ["1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac"],
        "TLSA": ["3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"],
        "URI": ['10 1 "sip:info@example.net"'], "LOC": ["52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m"],
        "SPF": ['"v=spf1 -all"'], "SVCB": ["1 svc.example. alpn=h2"], "HTTPS": ["1 . alpn=h3,h2 port=443"],
    }
    for i, t in enumerate(RDATA_TYPES):
        for text in samples[t]:
            put("rdata_text", bytes([i]) + text.encode())


def answers():
    """Option octet (bit 0 TCP, bit 1 no NAPTR additional) + a query for fuzz_answer."""
    qs = [("host3.example.", "MX"), ("sub.*.example.", "MX"), ("host.subdel.example.", "A"), ("ghost.*.example.", "MX"),
          ("_ssh._tcp.host1.example.", "SRV"), ("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR"),
          ("6.4.3.2.0.5.5.5.2.1.6.e164.arpa.", "NAPTR"), ("0.0.0.1.0.5.5.5.2.1.6.e164.arpa.", "NAPTR"),
          ("www.misc.test.", "A"), ("loop1.misc.test.", "A"), ("towild.misc.test.", "TXT"), ("sip.misc.test.", "NAPTR"),
          ("x.deleg.misc.test.", "A"), ("deleg.misc.test.", "DS"), ("big.misc.test.", "TXT"), ("b.c.ent.misc.test.", "A"),
          ("MiXeD.cAsE.misc.test.", "A"), ("nothere.invalid.", "A"), ("misc.test.", "ANY"), ("misc.test.", "SOA")]
    for i, (name, qtype) in enumerate(qs):
        for opt in (0, 1, 2):
            edns = (i + opt) % 2 == 0
            q = make_query(name, qtype, use_edns=0 if edns else None, payload=1232 if i % 3 else 512)
            put("answer", bytes([opt]) + q.to_wire())
    q = make_query("host1.example.", "A")
    q.use_edns(1, payload=1232)
    put("answer", b"\0" + q.to_wire())


def upstream():
    """Responses a recursor or stub gets: answers with CNAME chains in and out of bailiwick, referrals with
    glue (in and out of bailiwick), NXDOMAIN/NODATA with SOA, NAPTR/SRV answers with additional records."""
    def resp(qname, qtype, answer=(), authority=(), additional=(), rcode=0, aa=True):
        r = dns.message.make_response(make_query(qname, qtype, use_edns=0))
        if aa:
            r.flags |= dns.flags.AA
        r.set_rcode(rcode)
        for sec, rrs in ((r.answer, answer), (r.authority, authority), (r.additional, additional)):
            for name, rtype, *datas in rrs:
                sec.append(dns.rrset.from_text(name, 300, "IN", rtype, *datas))
        put("upstream", r.to_wire())
    soa = "ns.example. hostmaster.example. 1 7200 3600 1209600 300"
    resp("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR",
         [("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR", '10 100 "u" "E2U+sip" "!^.*$!sip:info@server1.example.net!" .',
           '20 100 "s" "SIP+D2U" "" _sip._udp.e164.arpa.')],
         [("e164.arpa.", "NS", "ns1.e164.arpa.")], [("ns1.e164.arpa.", "A", "192.0.2.1"),
                                                    ("_sip._udp.e164.arpa.", "SRV", "10 60 5060 sip.e164.arpa.")])
    resp("www.example.", "A", [("www.example.", "CNAME", "a.example."), ("a.example.", "CNAME", "b.other."),
                               ("b.other.", "A", "192.0.2.7"), ("a.example.", "A", "192.0.2.8")])
    resp("www.sub.example.", "A", [], [("sub.example.", "NS", "ns1.sub.example.", "ns.other.")],
         [("ns1.sub.example.", "A", "192.0.2.53"), ("ns.other.", "A", "198.51.100.1"),
          ("ns1.sub.example.", "AAAA", "2001:db8::53")], aa=False)
    resp("nx.example.", "A", [], [("example.", "SOA", soa)], rcode=3)
    resp("nodata.example.", "AAAA", [], [("example.", "SOA", soa), ("other.", "SOA", soa)])
    resp("_sip._udp.example.", "SRV", [("_sip._udp.example.", "SRV", "10 60 5060 host.example.", "20 40 5061 host2.example.",
                                        "20 40 5061 host2.example.")], [], [("host.example.", "A", "192.0.2.9")])
    resp("epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.", "AAAA",
         [("epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.", "AAAA", "2001:db8::1", "2001:db8::2")])


def transfers():
    """Transfer replies for zone.test. (fuzz_transfer_in.cpp): option octet (1 = IXFR from our serial 5), then
    messages with 16-bit lengths: AXFR in one and in three messages, IXFR with two versions, up to date, AXFR
    answering an IXFR, a newer SOA only, a wrong zone, and a reply cut short."""
    soa = "ns1.zone.test. h.zone.test. %d 3600 600 86400 300"

    def msg(records, qtype="AXFR"):
        r = dns.message.make_response(make_query("zone.test.", qtype))
        r.flags |= dns.flags.AA
        for name, rtype, data in records:
            r.answer.append(dns.rrset.from_text(name, 300, "IN", rtype, data))
        w = r.to_wire()
        return len(w).to_bytes(2, "big") + w

    zone = [("zone.test.", "NS", "ns1.zone.test."), ("ns1.zone.test.", "A", "192.0.2.53"),
            ("1.1.9.zone.test.", "NAPTR", '10 100 "u" "E2U+sip" "!^.*$!sip:a@b.example!" .'),
            ("_sip._udp.zone.test.", "SRV", "10 60 5060 sip.zone.test."), ("sip.zone.test.", "AAAA", "2001:db8::1")]
    s7 = ("zone.test.", "SOA", soa % 7)
    put("transfer_in", b"\x00" + msg([s7] + zone + [s7]))
    put("transfer_in", b"\x00" + msg([s7] + zone[:2]) + msg(zone[2:]) + msg([s7]))
    s5, s6 = ("zone.test.", "SOA", soa % 5), ("zone.test.", "SOA", soa % 6)
    ixfr = [s7, s5, zone[2], s6, ("2.2.9.zone.test.", "NAPTR", '10 100 "u" "E2U+sip" "!^.*$!sip:c@d.example!" .'),
            s6, ("2.2.9.zone.test.", "NAPTR", '10 100 "u" "E2U+sip" "!^.*$!sip:c@d.example!" .'), s7, zone[4], s7]
    put("transfer_in", b"\x01" + msg(ixfr, "IXFR"))
    put("transfer_in", b"\x01" + msg(ixfr[:5], "IXFR") + msg(ixfr[5:], "IXFR"))
    put("transfer_in", b"\x01" + msg([s5], "IXFR"))
    put("transfer_in", b"\x01" + msg([s7], "IXFR"))
    put("transfer_in", b"\x01" + msg([s7] + zone + [s7], "IXFR"))
    put("transfer_in", b"\x00" + msg([("other.test.", "SOA", soa % 7)] + zone + [s7]))
    put("transfer_in", b"\x00" + msg([s7] + zone)[:-9])


def naptr_regexps():
    """RFC 3402 expressions as ENUM records carry them, with and without an application unique string."""
    for t in ["!^.*$!sip:info@server1.example.net!", "!(^.*$)!sip:\\1@server2.example.net!",
              "!^\\+(.*)$!sip:\\1@server2.example.net!", "!^\\+61(1|12)!x\\1!\n+61123",
              "#^\\+44#00#\n+4420", "|^\\+(1\\|2)+$|ok|\n+1|2", "!^\\+SIP$!upper!i\n+sip",
              "!^(\\+)(1)(2)(3)(4)(5)(6)(7)(8)$!\\9\\8\\7\\6\\5\\4\\3\\2\\1!\n+12345678",
              "x^a\\x(b)$x\\1x\naxb", "!^([0-9]{2,3})([[:digit:]]*)$!tel:+\\1-\\2!\n61355500911",
              "!(a|ab)(c|bcd)(d*)!\\3\\2\\1!\nabcd", "!(5|55)*!x!\n555", "!((a)|b)+!\\2!\nab",
              "!^(\\+)(1|1)*(1|1)*(1|1)*\\1x$!x!\n+111111111111111111111111111111",
              "!^\\+((1+)+)+x$!x!\n+111111111111111111111111111111",
              "!^(.*)\\1$!\\1!\n+6161", "![]a]*[^]]!x!\n]]a]b", "!a{,2}!x!\naaa", "!a{x!y!\na{x",
              "!^.*$!sip:\\1@x!", "!^(.*$!x!", "!^.*$!x!g", "!!x!", "1x1x1", "!^.*$!\\0!", "!a**?+!x!\naaa"]:
        put("naptr_regexp", t.encode())


if __name__ == "__main__":
    naptr_regexps()
    answers()
    packets()
    names()
    rdatas()
    upstream()  # last: make_query IDs are drawn in order, so the earlier seeds keep their bytes
    transfers()
    for t in ("packet", "name_text", "rdata_text", "answer", "naptr_regexp", "upstream", "transfer_in"):
        print(t, len(os.listdir(os.path.join(HERE, "corpus", t))))
