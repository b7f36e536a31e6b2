#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "enumd/dns/wire.hpp"

using namespace enumd::dns;

namespace {
Name N(const char* s) { return *Name::from_text(s); }

std::vector<std::uint8_t> query(const char* qname, RrType t, std::uint16_t flags_word = 0, bool edns = false,
                                std::uint8_t version = 0) {
    std::array<std::uint8_t, 512> buf{};
    MessageWriter w(buf, buf.size());
    w.set_header(0x1234, flags_word);
    REQUIRE(w.add_question(N(qname), t, 1));
    if (edns) {
        REQUIRE(w.add_opt(4096, 0, version, false));
    }
    return {w.data().begin(), w.data().end()};
}
}  // namespace

TEST_CASE("a query parses back to its question and EDNS", "[wire]") {
    auto q = query("4.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, flags::RD, true);
    QueryView v;
    REQUIRE(parse_query(q, v) == QueryParse::Ok);
    CHECK(v.header.id == 0x1234);
    CHECK(v.question.qname.to_text() == "4.1.9.0.0.5.5.5.3.1.6.e164.arpa.");
    CHECK(v.question.qtype == RrType::NAPTR);
    REQUIRE(v.edns.has_value());
    CHECK(v.edns->udp_size == 4096);
}

TEST_CASE("query checks come in NSD's order", "[wire]") {
    QueryView v;
    std::vector<std::uint8_t> tiny = {1, 2, 3};
    CHECK(parse_query(tiny, v) == QueryParse::Drop);
    CHECK(parse_query(query("a.", RrType::A, flags::QR), v) == QueryParse::Drop);
    auto notify = query("a.", RrType::SOA, static_cast<std::uint16_t>(static_cast<int>(Opcode::STATUS) << 11));
    CHECK(parse_query(notify, v) == QueryParse::NotImp);
    CHECK(parse_query(query("a.", RrType::A, 0, true, 1), v) == QueryParse::BadVers);
    auto two = query("a.", RrType::A);
    two[5] = 2;  // QDCOUNT 2 but only one question present
    CHECK(parse_query(two, v) == QueryParse::FormErr);
    auto zero = query("a.", RrType::A);
    zero[5] = 0;
    CHECK(parse_query(zero, v) == QueryParse::FormErr);
    auto cut = query("example.", RrType::A);
    cut.resize(cut.size() - 3);
    CHECK(parse_query(cut, v) == QueryParse::FormErr);
}

TEST_CASE("compression pointers that loop or point forward are rejected", "[wire]") {
    std::vector<std::uint8_t> pkt = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
    QueryView v;
    CHECK(parse_query(pkt, v) == QueryParse::FormErr);
    std::vector<std::uint8_t> fwd = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 14, 0, 0, 1, 0, 1};
    CHECK(parse_query(fwd, v) == QueryParse::FormErr);
}

TEST_CASE("the writer compresses owners and RFC 1035 rdata names but not SRV/NAPTR targets", "[wire]") {
    std::array<std::uint8_t, 512> buf{};
    MessageWriter w(buf, buf.size());
    Name q = N("example.com.");
    REQUIRE(w.add_question(q, RrType::NS, 1));
    std::size_t after_q = w.size();
    Name ns = N("ns1.example.com.");
    REQUIRE(w.add_record(Section::Answer, q, RrType::NS, 1, 300, ns.wire()));
    // owner → 2-octet pointer; rdata "ns1" + pointer = 4 + 2.
    CHECK(w.size() - after_q == 2 + 10 + 6);
    std::vector<std::uint8_t> srv = {0, 10, 0, 5, 0x13, 0xC4};
    srv.insert(srv.end(), ns.wire().begin(), ns.wire().end());
    std::size_t before = w.size();
    REQUIRE(w.add_record(Section::Additional, q, RrType::SRV, 1, 300, srv));
    CHECK(w.size() - before == 2 + 10 + srv.size());
    CHECK(w.count(Section::Answer) == 1);
    CHECK(w.count(Section::Additional) == 1);

    // Parse it back: the NS rdata decompresses to the full name.
    std::span<const std::uint8_t> msg = w.data();
    WireReader r(msg, kHeaderSize);
    Question qq;
    REQUIRE(r.read_question(qq));
    RecordView rr;
    REQUIRE(r.read_record(rr));
    std::array<std::uint8_t, 300> out{};
    auto n = decompress_rdata(msg, rr, out);
    REQUIRE(n.has_value());
    CHECK(*Name::from_uncompressed({out.data(), *n}) == ns);
}

TEST_CASE("a record that does not fit is not written at all", "[wire]") {
    std::array<std::uint8_t, 512> buf{};
    MessageWriter w(buf, 40);
    REQUIRE(w.add_question(N("example.com."), RrType::TXT, 1));
    std::vector<std::uint8_t> txt(30, 'x');
    txt[0] = 29;
    auto size = w.size();
    CHECK_FALSE(w.add_record(Section::Answer, N("example.com."), RrType::TXT, 1, 1, txt));
    CHECK(w.size() == size);
    CHECK(w.count(Section::Answer) == 0);
}

TEST_CASE("rdata targets are found for the types that carry one", "[wire]") {
    Name t = N("sip.example.net.");
    std::vector<std::uint8_t> naptr = {0, 10, 0, 100, 1, 's', 7, 'S', 'I', 'P', '+', 'D', '2', 'U', 0};
    naptr.insert(naptr.end(), t.wire().begin(), t.wire().end());
    auto got = rdata_target(RrType::NAPTR, naptr);
    REQUIRE(got.has_value());
    CHECK(*got == t);
    CHECK_FALSE(rdata_target(RrType::A, std::vector<std::uint8_t>{1, 2, 3, 4}).has_value());
}

TEST_CASE("a name is never compressed against itself while being written", "[wire]") {
    // Regression (found by fuzz_packet): writing 5.5.5.3.1.6.e164.arpa. after
    // 5.5.3.1.6.e164.arpa. once produced a pointer into the half-written name.
    std::array<std::uint8_t, 512> buf{};
    MessageWriter w(buf, buf.size());
    Name a = N("5.5.3.1.6.e164.arpa.");
    Name b = N("5.5.5.3.1.6.e164.arpa.");
    REQUIRE(w.add_question(a, RrType::NAPTR, 1));
    REQUIRE(w.add_record(Section::Answer, b, RrType::A, 1, 60, std::vector<std::uint8_t>{1, 2, 3, 4}));
    REQUIRE(w.add_record(Section::Answer, a, RrType::A, 1, 60, std::vector<std::uint8_t>{5, 6, 7, 8}));
    std::span<const std::uint8_t> msg = w.data();
    WireReader r(msg, kHeaderSize);
    Question q;
    REQUIRE(r.read_question(q));
    RecordView rr;
    REQUIRE(r.read_record(rr));
    CHECK(rr.owner == b);
    REQUIRE(r.read_record(rr));
    CHECK(rr.owner == a);
}
