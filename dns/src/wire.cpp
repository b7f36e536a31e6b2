#include "enumd/dns/wire.hpp"

#include "enumd/dns/client_subnet.hpp"
#include "enumd/dns/cookie.hpp"
#include "enumd/dns/rdata.hpp"

#include <cstring>

namespace enumd::dns {
// ---------------------------------------------------------------- reading

bool WireReader::read_u8(std::uint8_t& v) noexcept {
    if (remaining() < 1) return false;
    v = packet_[pos_++];
    return true;
}

bool WireReader::read_u16(std::uint16_t& v) noexcept {
    if (remaining() < 2) return false;
    v = static_cast<std::uint16_t>((packet_[pos_] << 8) | packet_[pos_ + 1]);
    pos_ += 2;
    return true;
}

bool WireReader::read_u32(std::uint32_t& v) noexcept {
    if (remaining() < 4) return false;
    v = (static_cast<std::uint32_t>(packet_[pos_]) << 24) | (static_cast<std::uint32_t>(packet_[pos_ + 1]) << 16) |
        (static_cast<std::uint32_t>(packet_[pos_ + 2]) << 8) | packet_[pos_ + 3];
    pos_ += 4;
    return true;
}

bool WireReader::skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
}

bool WireReader::read_name(Name& name) noexcept {
    // Name::from_wire returns an error string only on failure; its success path does not allocate.
    std::size_t off = pos_;
    auto r = Name::from_wire(packet_, off);
    if (!r) return false;
    name = r.value();
    pos_ = off;
    return true;
}

bool WireReader::read_question(Question& q) noexcept {
    std::uint16_t t = 0;
    if (!read_name(q.qname) || !read_u16(t) || !read_u16(q.qclass)) return false;
    q.qtype = static_cast<RrType>(t);
    return true;
}

bool WireReader::read_record(RecordView& rr) noexcept {
    std::uint16_t t = 0;
    std::uint16_t rdlen = 0;
    if (!read_name(rr.owner) || !read_u16(t) || !read_u16(rr.rrclass) || !read_u32(rr.ttl) || !read_u16(rdlen))
        return false;
    if (remaining() < rdlen) return false;
    rr.type = static_cast<RrType>(t);
    rr.rdata_offset = pos_;
    rr.rdata = packet_.subspan(pos_, rdlen);
    pos_ += rdlen;
    return true;
}

bool read_header(std::span<const std::uint8_t> packet, Header& h) noexcept {
    WireReader r(packet);
    return r.read_u16(h.id) && r.read_u16(h.flags) && r.read_u16(h.qdcount) && r.read_u16(h.ancount) &&
           r.read_u16(h.nscount) && r.read_u16(h.arcount);
}

namespace {

// The walk itself, inlined into both entry points: the query path pays for
// one call, as it did before the parser served responses too.
[[gnu::always_inline]] inline MessageParse walk(std::span<const std::uint8_t> packet, MessageView& out) noexcept {
    out.packet = packet;
    out.edns.reset();
    out.has_question = false;
    out.records_ok = false;
    out.records_read = 0;
    out.question_end = kHeaderSize;
    out.end = 0;
    out.tsig_offset = 0;
    out.tsig_last = false;
    if (!read_header(packet, out.header)) return MessageParse::Short;
    WireReader r(packet, kHeaderSize);
    if (out.header.qdcount > 0) {
        if (!r.read_question(out.question)) return MessageParse::FormErr;
        out.has_question = true;
        if (out.header.qdcount > 1) {
            Question other;
            for (std::size_t i = 1; i < out.header.qdcount; ++i) {
                if (!r.read_question(other)) return MessageParse::FormErr;
            }
        }
    }
    out.question_end = r.position();
    // One flat walk; the section of record `index` follows from the counts.
    const std::size_t an_end = out.header.ancount;
    const std::size_t ns_end = an_end + out.header.nscount;
    const std::size_t total = ns_end + out.header.arcount;
    out.section_offset = {out.question_end, out.question_end, out.question_end};
    bool bad_version = false;
    bool bad_opt = false;  // the walk goes on so that the record structure (TSIG) is known
    RecordView rr;
    for (std::size_t index = 0; index < total; ++index) {
        const std::size_t start = r.position();
        if (index == an_end) out.section_offset[1] = start;
        if (index == ns_end) out.section_offset[2] = start;
        if (!r.read_record(rr)) {
            out.records_read = index;
            return MessageParse::FormErr;
        }
        if (rr.type == RrType::TSIG && out.tsig_offset == 0) {
            out.tsig_offset = start;
            out.tsig_last = index + 1 == total && index >= ns_end;  // RFC 8945 §5.2
            continue;
        }
        if (rr.type != RrType::OPT) continue;
        // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
        if (index < ns_end || out.edns || !rr.owner.is_root()) {
            bad_opt = true;
            continue;
        }
        // Options must be well-formed TLVs inside RDLEN.
        std::size_t p = 0;
        bool malformed = false;
        Edns e;
        for (EdnsOption o; next_edns_option(rr.rdata, p, o, malformed);) {
            if (o.code == kEdnsClientSubnet && !e.has_client_subnet) {
                e.client_subnet = o.data;
                e.has_client_subnet = true;
                continue;
            }
            if (o.code != kEdnsCookie || !e.cookie.empty()) continue;
            // RFC 7873 §5.2.2: a COOKIE of the wrong length is FORMERR.
            if (!cookie_length_ok(o.data.size())) malformed = true;
            else e.cookie = o.data;
        }
        if (malformed) {
            bad_opt = true;
            continue;
        }
        e.udp_size = rr.rrclass < kMaxUdpPlain ? static_cast<std::uint16_t>(kMaxUdpPlain) : rr.rrclass;  // §6.2.3
        e.ext_rcode = static_cast<std::uint8_t>(rr.ttl >> 24);
        e.version = static_cast<std::uint8_t>((rr.ttl >> 16) & 0xFF);
        e.do_bit = (rr.ttl & 0x8000) != 0;
        out.edns = e;
        if (e.version != 0) bad_version = true;
    }
    out.end = r.position();
    if (an_end == total) out.section_offset[1] = out.end;
    if (ns_end == total) out.section_offset[2] = out.end;
    out.records_ok = true;
    out.records_read = total;
    if (bad_opt) return MessageParse::FormErr;
    return bad_version ? MessageParse::BadVers : MessageParse::Ok;
}

}  // namespace

MessageParse parse_message(std::span<const std::uint8_t> packet, MessageView& out) noexcept {
    return walk(packet, out);
}

QueryParse parse_query(std::span<const std::uint8_t> packet, QueryView& out) noexcept {
    // Checks in the order NSD uses: short or QR=1 → drop; then opcode; then counts.
    MessageParse m = walk(packet, out);
    if (m == MessageParse::Short || out.header.qr()) return QueryParse::Drop;
    if (out.header.qdcount != 1) {
        out.has_question = false;
    } else if (!out.has_question) {
        return QueryParse::FormErr;
    }
    if (out.header.opcode() != Opcode::QUERY) return QueryParse::NotImp;
    // RFC 9619: a QUERY carries exactly one question.
    if (out.header.qdcount != 1) return QueryParse::FormErr;
    if (m == MessageParse::FormErr) return QueryParse::FormErr;
    if (m == MessageParse::BadVers) return QueryParse::BadVers;
    return QueryParse::Ok;
}

ResponseParse parse_response(std::span<const std::uint8_t> packet, MessageView& out) noexcept {
    MessageParse m = parse_message(packet, out);
    if (m == MessageParse::Short || !out.header.qr()) return ResponseParse::NotResponse;
    if (m == MessageParse::FormErr) return ResponseParse::Malformed;
    return ResponseParse::Ok;
}

// ---------------------------------------------------------------- writing

MessageWriter::MessageWriter(std::span<std::uint8_t> buffer, std::size_t limit) noexcept
    : buf_(buffer), limit_(limit < buffer.size() ? limit : buffer.size()) {
    if (buf_.size() >= kHeaderSize) {
        std::memset(buf_.data(), 0, kHeaderSize);
        size_ = kHeaderSize;
    }
}

std::size_t MessageWriter::room() const noexcept {
    std::size_t lim = limit_ > reserved_ ? limit_ - reserved_ : 0;
    return lim > size_ ? lim - size_ : 0;
}

bool MessageWriter::put(const void* p, std::size_t n) noexcept {
    if (room() < n) return false;
    if (n == 0) return true;  // empty rdata may come as a null span: memcpy(…, nullptr, 0) is UB
    std::memcpy(buf_.data() + size_, p, n);
    size_ += n;
    return true;
}

bool MessageWriter::put_u16(std::uint16_t v) noexcept {
    std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    return put(b, 2);
}

bool MessageWriter::put_u32(std::uint32_t v) noexcept {
    std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                         static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    return put(b, 4);
}

void MessageWriter::set_header(std::uint16_t id, std::uint16_t fl) noexcept {
    buf_[0] = static_cast<std::uint8_t>(id >> 8);
    buf_[1] = static_cast<std::uint8_t>(id);
    set_flags(fl);
}

void MessageWriter::set_flags(std::uint16_t fl) noexcept {
    buf_[2] = static_cast<std::uint8_t>(fl >> 8);
    buf_[3] = static_cast<std::uint8_t>(fl);
}

std::uint16_t MessageWriter::flags() const noexcept {
    return static_cast<std::uint16_t>((buf_[2] << 8) | buf_[3]);
}

void MessageWriter::set_rcode(std::uint8_t rcode) noexcept {
    set_flags(static_cast<std::uint16_t>((flags() & 0xFFF0) | (rcode & 0x0F)));
}

void MessageWriter::sync_counts() noexcept {
    for (int i = 0; i < 3; ++i) {
        buf_[6 + 2 * i] = static_cast<std::uint8_t>(counts_[i] >> 8);
        buf_[7 + 2 * i] = static_cast<std::uint8_t>(counts_[i]);
    }
}

MessageWriter::Mark MessageWriter::mark() const noexcept {
    return Mark{size_, {counts_[0], counts_[1], counts_[2]}, ncompress_};
}

void MessageWriter::rollback(const Mark& m) noexcept {
    size_ = m.size;
    for (int i = 0; i < 3; ++i) counts_[i] = m.counts[i];
    ncompress_ = m.compress_entries;
    sync_counts();
}

// Does the (possibly compressed) name at buffer offset `off` equal labels
// [first, end) of `name`? Octet for octet, case included: a pointer copies the
// spelling it points at, so a case-insensitive match would print one name in
// another's case (an owner reached by a CNAME in the spelling of the CNAME's
// target, rdata in the question's case). BIND 9.10+ preserves case the same
// way (its `no-case-compress` is the opt-out); the cost is a longer name only
// where two spellings of one name meet in a response (0x20 queries).
std::optional<std::uint16_t> MessageWriter::find_suffix(const Name& name, std::size_t first) const noexcept {
    auto wire = name.wire();
    std::size_t start = 0;
    for (std::size_t i = 0; i < first; ++i) start += 1 + wire[start];
    for (std::size_t e = 0; e < ncompress_; ++e) {
        std::size_t off = compress_[e];
        std::size_t p = start;
        bool match = true;
        int hops = 0;
        while (true) {
            std::uint8_t l = buf_[off];
            if ((l & 0xC0) == 0xC0) {
                off = static_cast<std::size_t>(((l & 0x3F) << 8) | buf_[off + 1]);
                if (++hops > 64) {
                    match = false;
                    break;
                }
                continue;
            }
            if (l != wire[p] || std::memcmp(&buf_[off + 1], &wire[p + 1], l) != 0) {
                match = false;
                break;
            }
            if (l == 0) break;
            off += 1 + l;
            p += 1 + l;
        }
        if (match) return static_cast<std::uint16_t>(compress_[e]);
    }
    return std::nullopt;
}

bool MessageWriter::write_name(const Name& name, bool compress) noexcept {
    auto wire = name.wire();
    std::size_t labels = name.label_count();
    std::size_t pos = 0;
    std::size_t begin = size_;
    std::size_t entries_before = ncompress_;
    // Label offsets of this name become compression targets only once the whole
    // name is written: matching a suffix against a half-written name reads past
    // size_ (stale buffer octets) and can emit a pointer to itself (a loop).
    std::array<std::uint16_t, kMaxLabels> mine{};
    std::size_t nmine = 0;
    auto publish = [&]() noexcept {
        for (std::size_t k = 0; k < nmine && ncompress_ < kMaxCompress; ++k) compress_[ncompress_++] = mine[k];
    };
    for (std::size_t i = 0; i < labels; ++i) {
        if (compress) {
            if (auto ptr = find_suffix(name, i)) {
                std::uint16_t v = static_cast<std::uint16_t>(0xC000 | *ptr);
                if (!put_u16(v)) {
                    size_ = begin;
                    ncompress_ = entries_before;
                    return false;
                }
                publish();
                return true;
            }
        }
        std::size_t l = wire[pos];
        std::size_t here = size_;
        if (!put(wire.data() + pos, 1 + l)) {
            size_ = begin;
            ncompress_ = entries_before;
            return false;
        }
        // Only offsets below 0x4000 can be pointed at (14-bit pointers).
        if (here < 0x4000) mine[nmine++] = static_cast<std::uint16_t>(here);
        pos += 1 + l;
    }
    std::uint8_t zero = 0;
    if (!put(&zero, 1)) {
        size_ = begin;
        ncompress_ = entries_before;
        return false;
    }
    publish();
    return true;
}

bool MessageWriter::add_question(const Name& qname, RrType qtype, std::uint16_t qclass) noexcept {
    Mark m = mark();
    if (!write_name(qname, true) || !put_u16(static_cast<std::uint16_t>(qtype)) || !put_u16(qclass)) {
        rollback(m);
        return false;
    }
    buf_[5] = static_cast<std::uint8_t>(buf_[5] + 1);
    return true;
}

bool MessageWriter::add_records_raw(std::span<const std::uint8_t> records, std::uint16_t an,
                                    std::uint16_t ns) noexcept {
    if (counts_[0] > 0xFFFF - an || counts_[1] > 0xFFFF - ns || !put(records.data(), records.size())) return false;
    counts_[0] = static_cast<std::uint16_t>(counts_[0] + an);
    counts_[1] = static_cast<std::uint16_t>(counts_[1] + ns);
    sync_counts();
    return true;
}

bool MessageWriter::add_question_raw(std::span<const std::uint8_t> raw, const Name& qname) noexcept {
    // The raw question may contain a compression pointer only in a malformed
    // query; callers pass the re-encoded qname in that case via add_question.
    if (!put(raw.data(), raw.size())) return false;
    std::size_t off = kHeaderSize;
    for (std::size_t i = 0; i < qname.label_count() && ncompress_ < kMaxCompress; ++i) {
        compress_[ncompress_++] = static_cast<std::uint16_t>(off);
        off += 1 + buf_[off];
    }
    buf_[4] = 0;
    buf_[5] = 1;
    return true;
}

bool MessageWriter::add_record(Section s, const Name& owner, RrType type, std::uint16_t rrclass, std::uint32_t ttl,
                               std::span<const std::uint8_t> rdata) noexcept {
    Mark m = mark();
    auto fail = [&]() {
        rollback(m);
        return false;
    };
    if (!write_name(owner, true) || !put_u16(static_cast<std::uint16_t>(type)) || !put_u16(rrclass) ||
        !put_u32(ttl))
        return fail();
    std::size_t rdlen_at = size_;
    if (!put_u16(0)) return fail();
    RdataNames rn = rdata_names(type);
    if (rn.count == 0 || !rn.compressible) {
        if (!put(rdata.data(), rdata.size())) return fail();
    } else {
        // RFC 1035 types: compress embedded names.
        std::size_t p = 0;
        if (rn.fixed_prefix > 0) {
            if (rdata.size() < rn.fixed_prefix || !put(rdata.data(), rn.fixed_prefix)) return fail();
            p = rn.fixed_prefix;
        }
        for (std::uint8_t k = 0; k < rn.count; ++k) {
            auto n = Name::from_uncompressed(rdata.subspan(p));
            if (!n) return fail();
            if (!write_name(*n, true)) return fail();
            p += n->wire_size();
        }
        if (p < rdata.size() && !put(rdata.data() + p, rdata.size() - p)) return fail();
    }
    std::size_t rdlen = size_ - rdlen_at - 2;
    buf_[rdlen_at] = static_cast<std::uint8_t>(rdlen >> 8);
    buf_[rdlen_at + 1] = static_cast<std::uint8_t>(rdlen);
    ++counts_[static_cast<int>(s)];
    sync_counts();
    return true;
}

bool MessageWriter::add_opt(std::uint16_t udp_size, std::uint8_t ext_rcode, std::uint8_t version, bool do_bit,
                            std::span<const std::uint8_t> options) noexcept {
    // RFC 6891 §6.1.2: root owner, TYPE 41, CLASS = UDP payload size, TTL = extended rcode | version | DO.
    std::uint8_t rec[kOptRecordSize + kMaxOptOptions] = {0,
                                                         0,
                                                         static_cast<std::uint8_t>(RrType::OPT),
                                                         static_cast<std::uint8_t>(udp_size >> 8),
                                                         static_cast<std::uint8_t>(udp_size),
                                                         ext_rcode,
                                                         version,
                                                         static_cast<std::uint8_t>(do_bit ? 0x80 : 0),
                                                         0,
                                                         0,
                                                         0};
    if (options.size() > kMaxOptOptions) return false;
    store_u16(rec + 9, static_cast<std::uint16_t>(options.size()));
    if (!options.empty()) std::memcpy(rec + kOptRecordSize, options.data(), options.size());
    const std::size_t n = kOptRecordSize + options.size();
    std::size_t saved = reserved_;
    reserved_ = 0;
    bool ok = put(rec, n);
    reserved_ = ok && saved >= n ? saved - n : (ok ? 0 : saved);
    if (!ok) return false;
    ++counts_[2];
    sync_counts();
    return true;
}

}  // namespace enumd::dns
