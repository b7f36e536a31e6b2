/// Fuzz target: a received DNS message. parse_query must classify every input
/// without reading out of bounds; every record WireReader accepts must survive
/// decompression, a round trip through MessageWriter and a second read.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "enumd/dns/name.hpp"
#include "enumd/dns/wire.hpp"
#include "fuzz_check.hpp"

using namespace enumd::dns;

namespace {

void check_name(const Name& n) {
    // Text and lookup-key forms are inverses of the wire form (case kept by text).
    auto back = Name::from_text(n.to_text());
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back->equals(n));
    FUZZ_CHECK(back->wire_size() == n.wire_size());
    auto key = n.to_lookup_key();
    auto from_key = Name::from_lookup_key(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
    FUZZ_CHECK(from_key.ok());
    FUZZ_CHECK(from_key->equals(n));
    FUZZ_CHECK(key_label_count(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key.data()),
                                                             key.size())) == n.label_count());
}

struct Rec {
    Name owner;
    RrType type;
    std::uint16_t rrclass;
    std::uint32_t ttl;
    std::vector<std::uint8_t> rdata;  // uncompressed
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> packet(data, size);

    QueryView q;
    QueryParse verdict = parse_query(packet, q);
    if (verdict == QueryParse::Ok) {
        FUZZ_CHECK(q.has_question);
        FUZZ_CHECK(q.question_end <= size);
        check_name(q.question.qname);
        // A server echoes the question verbatim and adds OPT: must always fit.
        std::array<std::uint8_t, 512> out{};
        MessageWriter w(out, out.size());
        w.set_header(q.header.id, flags::QR);
        // A question is at most 255 + 4 octets: it always fits 512 with room for OPT.
        FUZZ_CHECK(w.add_question_raw(packet.subspan(kHeaderSize, q.question_end - kHeaderSize), q.question.qname));
        w.add_opt(kDefaultEdnsSize, 0, 0, false);
        FUZZ_CHECK(w.size() <= out.size());
    }

    // Walk the whole message as a response would be read: every section.
    Header h;
    if (!read_header(packet, h)) return 0;
    WireReader r(packet, kHeaderSize);
    for (std::size_t i = 0; i < h.qdcount; ++i) {
        Question question;
        if (!r.read_question(question)) return 0;
        check_name(question.qname);
    }
    std::vector<Rec> recs;
    std::size_t total = static_cast<std::size_t>(h.ancount) + h.nscount + h.arcount;
    for (std::size_t i = 0; i < total && i < 256; ++i) {
        RecordView rr;
        if (!r.read_record(rr)) break;
        FUZZ_CHECK(rr.rdata_offset + rr.rdata.size() <= size);
        check_name(rr.owner);
        std::array<std::uint8_t, kMaxMessage> buf;
        auto n = decompress_rdata(packet, rr, buf);
        if (!n) continue;
        FUZZ_CHECK(*n <= buf.size());
        std::span<const std::uint8_t> plain(buf.data(), *n);
        if (auto target = rdata_target(rr.type, plain)) check_name(*target);
        recs.push_back(Rec{rr.owner, rr.type, rr.rrclass, rr.ttl, std::vector<std::uint8_t>(plain.begin(), plain.end())});
    }

    // Round trip: write what was read (with compression), read it back, compare.
    std::vector<std::uint8_t> out(kMaxMessage);
    MessageWriter w(out, out.size());
    w.set_header(0x1234, flags::QR | flags::AA);
    std::vector<const Rec*> written;
    for (const Rec& rec : recs) {
        if (rec.type == RrType::OPT) continue;
        if (w.add_record(Section::Answer, rec.owner, rec.type, rec.rrclass, rec.ttl, rec.rdata)) written.push_back(&rec);
    }
    FUZZ_CHECK(w.count(Section::Answer) == written.size());
    FUZZ_CHECK(w.size() <= out.size());
    std::span<const std::uint8_t> again = w.data();
    Header h2;
    FUZZ_CHECK(read_header(again, h2));
    FUZZ_CHECK(h2.ancount == written.size());
    WireReader r2(again, kHeaderSize);
    for (const Rec* rec : written) {
        RecordView rr;
        FUZZ_CHECK(r2.read_record(rr));
        FUZZ_CHECK(rr.owner.equals(rec->owner));
        FUZZ_CHECK(rr.type == rec->type && rr.rrclass == rec->rrclass && rr.ttl == rec->ttl);
        std::array<std::uint8_t, kMaxMessage> buf;
        auto n = decompress_rdata(again, rr, buf);
        FUZZ_CHECK(n.has_value());
        FUZZ_CHECK(*n == rec->rdata.size());
        FUZZ_CHECK(std::equal(rec->rdata.begin(), rec->rdata.end(), buf.begin()));
    }
    FUZZ_CHECK(r2.remaining() == 0);
    return 0;
}
