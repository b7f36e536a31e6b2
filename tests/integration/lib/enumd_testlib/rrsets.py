"""RRset comparison, independent of enumd's own code (dnspython): responses
section by section (the differential tests), a transfer against one query per
RRset on two servers (the transfer tests), zone files as record sets (the
round trips), and the queries these need. Every query goes to 127.0.0.1."""
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.zone

HOST = "127.0.0.1"


# ------------------------------------------------------------------ queries

def soa_serial(port, zone, keyring=None, keyname=None):
    """The serial a server answers for zone's SOA over UDP (signed with keyring), or None."""
    q = dns.message.make_query(zone, "SOA")
    if keyring:
        q.use_tsig(keyring, keyname=keyname)
    r = dns.query.udp(q, HOST, port=port, timeout=1)
    for rr in r.answer:
        if rr.rdtype == dns.rdatatype.SOA:
            return rr[0].serial
    return None


def query_rrset(port, owner, rdtype, tcp=False):
    """((ttl, sorted rdata texts) or None, rcode) of one RD=0 query for owner/rdtype."""
    if isinstance(rdtype, str):
        rdtype = dns.rdatatype.from_text(rdtype)
    q = dns.message.make_query(owner, rdtype)
    q.flags &= ~dns.flags.RD
    r = (dns.query.tcp if tcp else dns.query.udp)(q, HOST, port=port, timeout=2)
    for rr in r.answer:
        if rr.rdtype == rdtype and rr.name.to_text().lower() == owner.lower():
            return (rr.ttl, sorted(x.to_text() for x in rr)), r.rcode()
    return None, r.rcode()


# ------------------------------------------------------------------ whole zones

def axfr_rrsets(port, zone, keyring=None, keyname=None, timeout=30):
    """The zone as transferred: {(owner, type): (ttl, sorted rdata texts)}."""
    kw = {"keyring": keyring, "keyname": keyname} if keyring else {}
    z = dns.zone.from_xfr(dns.query.xfr(HOST, zone, port=port, timeout=timeout, lifetime=timeout, relativize=False,
                                        **kw), relativize=False)
    out = {}
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            out[(name.to_text(), rds.rdtype)] = (rds.ttl, sorted(r.to_text() for r in rds))
    return out


def compare_servers(expected, port_a, port_b, skip_types=()):
    """One TCP query per RRset of `expected` (axfr_rrsets) against both servers:
    [(owner, type, expected, a, b)] for each RRset where they or it differ."""
    diffs = []
    for (owner, rdtype), want in sorted(expected.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if rdtype in skip_types:
            continue
        a, _ = query_rrset(port_a, owner, rdtype, tcp=True)
        b, _ = query_rrset(port_b, owner, rdtype, tcp=True)
        if a != b or a != want:
            diffs.append((owner, dns.rdatatype.to_text(rdtype), want, a, b))
    return diffs


def zone_file_records(path, origin):
    """{(owner, type, ttl, rdata in canonical wire form)} of an RFC 1035 zone file."""
    z = dns.zone.from_file(path, origin=origin, relativize=False, check_origin=True)
    return {(name.to_text().lower(), rd.rdtype, ttl, rd.to_digestable(z.origin))
            for name, ttl, rd in z.iterate_rdatas()}


# ------------------------------------------------------------------ responses

FLAG_NAMES = [("QR", dns.flags.QR), ("AA", dns.flags.AA), ("TC", dns.flags.TC), ("RD", dns.flags.RD),
              ("RA", dns.flags.RA), ("AD", dns.flags.AD), ("CD", dns.flags.CD)]


def flags_text(flags):
    return " ".join(n for n, bit in FLAG_NAMES if flags & bit) or "-"


def rrset_key(rrset):
    """An RRset as a comparable value: owner (lower-case), class, type, TTL, canonical rdata."""
    rdatas = frozenset(rd.to_digestable() for rd in rrset)
    return (rrset.name.to_text().lower(), rrset.rdclass, rrset.rdtype, rrset.ttl, rdatas)


def _rrset_text(rrset):
    return "\n".join("      " + line for line in rrset.to_text().splitlines())


def section_diff(name, a_label, a_sec, b_label, b_sec):
    """Lines naming each RRset only one of two sections holds (order-insensitive)."""
    out = []
    a_map = {rrset_key(r): r for r in a_sec}
    b_map = {rrset_key(r): r for r in b_sec}
    for k in sorted(set(a_map) - set(b_map), key=str):
        out.append("    %s only from %s:\n%s" % (name, a_label, _rrset_text(a_map[k])))
    for k in sorted(set(b_map) - set(a_map), key=str):
        out.append("    %s only from %s:\n%s" % (name, b_label, _rrset_text(b_map[k])))
    return out


def compare_responses(a_label, ra, b_label, rb, qname, strict_additional=False):
    """(differences, notes) between two responses to the query for qname (None =
    no answer): rcode, opcode, header flags, the question as echoed (case
    included), OPT version and DO bit, answer and authority as RRsets; the
    additional section is a note unless strict_additional; with TC=1 from both,
    the header only (RFC 2181 §9: what a truncated answer carries is the server's choice)."""
    if ra is None or rb is None:
        if ra is None and rb is None:
            return [], []
        return ["    %s: %s, %s: %s" % (a_label, "no answer" if ra is None else "answered",
                                        b_label, "no answer" if rb is None else "answered")], []
    diffs, notes = [], []
    if ra.rcode() != rb.rcode():
        diffs.append("    rcode: %s %s, %s %s" % (a_label, dns.rcode.to_text(ra.rcode()),
                                                  b_label, dns.rcode.to_text(rb.rcode())))
    if ra.opcode() != rb.opcode():
        diffs.append("    opcode: %s %s, %s %s" % (a_label, ra.opcode(), b_label, rb.opcode()))
    if ra.flags & ~0x780F != rb.flags & ~0x780F:  # flag bits only (opcode and rcode compared above)
        diffs.append("    flags: %s [%s], %s [%s]" % (a_label, flags_text(ra.flags), b_label, flags_text(rb.flags)))
    for label, r in ((a_label, ra), (b_label, rb)):
        if len(r.question) != 1 or r.question[0].name.to_text() != qname:
            got = r.question[0].name.to_text() if r.question else "(none)"
            diffs.append("    question: %s echoed %s, asked %s" % (label, got, qname))
    if (ra.edns >= 0) != (rb.edns >= 0) or (ra.edns >= 0 and ra.edns != rb.edns):
        diffs.append("    EDNS: %s version %d, %s version %d (-1 = no OPT)" % (a_label, ra.edns, b_label, rb.edns))
    elif ra.edns >= 0 and (ra.ednsflags & dns.flags.DO) != (rb.ednsflags & dns.flags.DO):
        diffs.append("    EDNS DO bit (RFC 3225 §3: copied into the response): %s %s, %s %s"
                     % (a_label, bool(ra.ednsflags & dns.flags.DO), b_label, bool(rb.ednsflags & dns.flags.DO)))
    elif ra.edns >= 0 and ra.payload != rb.payload:
        notes.append("    EDNS payload: %s %d, %s %d" % (a_label, ra.payload, b_label, rb.payload))
    if (ra.flags & dns.flags.TC) and (rb.flags & dns.flags.TC):
        return diffs, notes
    diffs += section_diff("answer", a_label, ra.answer, b_label, rb.answer)
    diffs += section_diff("authority", a_label, ra.authority, b_label, rb.authority)
    add_a = [r for r in ra.additional if r.rdtype != dns.rdatatype.OPT]
    add_b = [r for r in rb.additional if r.rdtype != dns.rdatatype.OPT]
    extra = section_diff("additional", a_label, add_a, b_label, add_b)
    (diffs if strict_additional else notes).extend(extra)
    return diffs, notes
