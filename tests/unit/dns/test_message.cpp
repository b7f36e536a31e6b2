#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "enumd/dns/response.hpp"
#include "enumd/dns/wire.hpp"

using namespace enumd::dns;

namespace {
Name N(const char* s) { return *Name::from_text(s); }

/// A message with one question and one record in each of the sections
/// named by `opt_in` (the OPT) and an A record elsewhere.
std::vector<std::uint8_t> message(std::uint16_t flags_word, int opt_in, bool second_opt = false) {
    std::array<std::uint8_t, 512> buf{};
    MessageWriter w(buf, buf.size());
    w.set_header(0x4242, flags_word);
    REQUIRE(w.add_question(N("e164.arpa."), RrType::NAPTR, 1));
    const std::uint8_t a[4] = {192, 0, 2, 1};
    const std::uint8_t opt_rdata[4] = {0, 3, 0, 0};  // an empty NSID option (RFC 5001 §2.3): a valid TLV
    for (int s = 0; s < 3; ++s) {
        auto sec = static_cast<Section>(s);
        REQUIRE(w.add_record(sec, N("a.e164.arpa."), RrType::A, 1, 60, a));
        if (s == opt_in) REQUIRE(w.add_record(sec, N("."), RrType::OPT, 1232, 0, opt_rdata));
    }
    if (second_opt) REQUIRE(w.add_opt(1232, 0, 0, false));
    return {w.data().begin(), w.data().end()};
}
}  // namespace

TEST_CASE("an OPT record anywhere but the additional section makes a query FORMERR", "[message]") {
    // RFC 6891 §6.1.1: OPT is a pseudo-record of the additional section; one at most.
    struct Case {
        const char* what;
        int opt_in;
        bool second_opt;
        QueryParse want;
    };
    for (const auto& c : std::vector<Case>{
             {"OPT in the additional section", 2, false, QueryParse::Ok},
             {"no OPT at all", -1, false, QueryParse::Ok},
             {"OPT in the answer section", 0, false, QueryParse::FormErr},
             {"OPT in the authority section", 1, false, QueryParse::FormErr},
             {"two OPTs in the additional section", 2, true, QueryParse::FormErr},
         }) {
        INFO(c.what);
        auto m = message(flags::RD, c.opt_in, c.second_opt);
        QueryView v;
        CHECK(parse_query(m, v) == c.want);
        if (c.want == QueryParse::Ok) CHECK(v.edns.has_value() == (c.opt_in == 2));
    }
}

TEST_CASE("responses parse into sections that iterate record by record", "[message]") {
    auto m = message(flags::QR | flags::AA, 2);
    MessageView v;
    REQUIRE(parse_response(m, v) == ResponseParse::Ok);
    CHECK(v.header.id == 0x4242);
    CHECK(v.question.qname == N("e164.arpa."));
    REQUIRE(v.edns.has_value());
    std::size_t counts[3] = {0, 0, 0};
    for (int s = 0; s < 3; ++s) {
        auto it = v.records(static_cast<Section>(s));
        RecordView rr;
        while (it.next(rr)) ++counts[s];
    }
    CHECK(counts[0] == 1);
    CHECK(counts[1] == 1);
    CHECK(counts[2] == 2);  // the A and the OPT
    CHECK(v.end == m.size());

    struct Case {
        const char* what;
        std::vector<std::uint8_t> packet;
        ResponseParse want;
    };
    auto cut = m;
    cut.resize(m.size() - 3);
    MessageView partial;
    CHECK(parse_response(cut, partial) == ResponseParse::Malformed);
    CHECK_FALSE(partial.records_ok);
    CHECK(partial.records_read == 3);  // of 4: the client may use what parsed (the stub does)
    CHECK(v.records_read == 4);
    for (const auto& c : std::vector<Case>{
             {"a query is not a response", message(0, 2), ResponseParse::NotResponse},
             {"a runt", {1, 2, 3}, ResponseParse::NotResponse},
             {"cut inside the last record", cut, ResponseParse::Malformed},
             {"OPT in the answer section", message(flags::QR, 0), ResponseParse::Malformed},
         }) {
        INFO(c.what);
        MessageView w;
        CHECK(parse_response(c.packet, w) == c.want);
    }
}

TEST_CASE("header fields are read and set in place", "[message]") {
    auto m = message(flags::QR | flags::RD | 3, 2);
    CHECK(header::id(m) == 0x4242);
    CHECK(header::rcode(m) == 3);
    CHECK(header::has(m, flags::RD));
    CHECK_FALSE(header::has(m, flags::RA));
    header::set(m, flags::RA);
    CHECK(header::has(m, flags::RA));
    CHECK(header::count(m, header::kArcount) == 2);
    header::set_count(m, header::kArcount, 7);
    CHECK(header::count(m, header::kArcount) == 7);
    std::vector<std::uint8_t> runt = {1};
    CHECK(header::flags(runt) == 0);
    CHECK(flags::opcode(Opcode::NOTIFY) == 0x2000);  // RFC 1996 §3.1: opcode 4
    header::set(m, flags::opcode(Opcode::NOTIFY));
    CHECK(header::opcode(m) == Opcode::NOTIFY);
}

TEST_CASE("a response starts from its query: ID, opcode, RD and CD echoed, question as asked", "[response]") {
    std::array<std::uint8_t, 512> qbuf{};
    MessageWriter qw(qbuf, qbuf.size());
    qw.set_header(0xBEEF, flags::RD | flags::CD | flags::AD);
    REQUIRE(qw.add_question(N("1.6.E164.arpa."), RrType::NAPTR, 1));
    REQUIRE(qw.add_opt(4096, 0, 0, true));
    std::vector<std::uint8_t> query(qw.data().begin(), qw.data().end());
    QueryView q;
    REQUIRE(parse_query(query, q) == QueryParse::Ok);

    struct Case {
        const char* what;
        Echo echo;
        std::uint16_t want_flags;
    };
    for (const auto& c : std::vector<Case>{
             {"default echo", Echo{}, flags::QR | flags::RD | flags::CD},
             {"without CD (transfers)", Echo{true, false}, flags::QR | flags::RD},
         }) {
        INFO(c.what);
        std::array<std::uint8_t, 512> out{};
        ResponseWriter w(out, udp_response_limit(q, 1232), q, c.echo);
        w.reserve_opt();
        REQUIRE(w.echo_question());
        std::size_t n = w.finish(static_cast<std::uint16_t>(Rcode::NXDOMAIN), OptOut{1232, true});
        std::span<const std::uint8_t> r(out.data(), n);
        MessageView v;
        REQUIRE(parse_response(r, v) == ResponseParse::Ok);
        CHECK(v.header.id == 0xBEEF);
        CHECK((v.header.flags & ~flags::RCODE) == c.want_flags);
        CHECK(v.header.rcode() == 3);
        CHECK(v.question.qname.to_text() == "1.6.E164.arpa.");  // the case as asked
        REQUIRE(v.edns.has_value());
        CHECK(v.edns->udp_size == 1232);
        CHECK(v.edns->do_bit);
    }
}

TEST_CASE("an OPT reserved up front always fits, and an extended rcode goes into it", "[response]") {
    std::array<std::uint8_t, 512> qbuf{};
    MessageWriter qw(qbuf, qbuf.size());
    qw.set_header(1, 0);
    REQUIRE(qw.add_question(N("e164.arpa."), RrType::TXT, 1));
    REQUIRE(qw.add_opt(512, 0, 0, false));
    QueryView q;
    REQUIRE(parse_query(qw.data(), q) == QueryParse::Ok);
    std::array<std::uint8_t, 512> out{};
    ResponseWriter w(out, 512, q);
    w.reserve_opt();
    REQUIRE(w.echo_question());
    std::vector<std::uint8_t> big(255, 'x');
    big[0] = 254;
    while (w.add_record(Section::Answer, N("e164.arpa."), RrType::TXT, 1, 60, big)) {
    }
    std::size_t n = w.finish(static_cast<std::uint16_t>(Rcode::BADVERS), OptOut{});
    CHECK(n <= 512);
    MessageView v;
    REQUIRE(parse_response(std::span<const std::uint8_t>(out.data(), n), v) == ResponseParse::Ok);
    REQUIRE(v.edns.has_value());
    CHECK(v.edns->ext_rcode == 1);  // 16 >> 4 (RFC 6891 §6.1.3)
    CHECK(v.header.rcode() == 0);
}

TEST_CASE("error responses have one shape: question echoed, OPT only when asked and allowed", "[response]") {
    struct Case {
        const char* what;
        bool edns;
        bool with_opt;
        std::uint16_t arcount;
    };
    for (const auto& c : std::vector<Case>{{"REFUSED to an EDNS query", true, true, 1},
                                           {"FORMERR never carries OPT", true, false, 0},
                                           {"no EDNS, no OPT", false, true, 0}}) {
        INFO(c.what);
        std::array<std::uint8_t, 512> qbuf{};
        MessageWriter qw(qbuf, qbuf.size());
        qw.set_header(7, flags::RD);
        REQUIRE(qw.add_question(N("e164.arpa."), RrType::SOA, 1));
        if (c.edns) REQUIRE(qw.add_opt(1232, 0, 0, false));
        QueryView q;
        REQUIRE(parse_query(qw.data(), q) == QueryParse::Ok);
        std::array<std::uint8_t, 512> out{};
        ResponseWriter w(out, 512, q);
        std::size_t n = w.error(Rcode::REFUSED, c.with_opt);
        std::span<const std::uint8_t> r(out.data(), n);
        CHECK(header::rcode(r) == 5);
        CHECK(header::count(r, header::kQdcount) == 1);
        CHECK(header::count(r, header::kArcount) == c.arcount);
    }
    // SERVFAIL when nothing can be read: the header alone.
    std::vector<std::uint8_t> q = {0, 9, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
    std::array<std::uint8_t, 512> out{};
    std::size_t n = header_only_response(q, out, Rcode::SERVFAIL, Echo{true, false});
    REQUIRE(n == kHeaderSize);
    std::span<const std::uint8_t> r(out.data(), n);
    CHECK(header::id(r) == 9);
    CHECK(header::flags(r) == (flags::QR | flags::RD | 2));
    q[2] |= 0x80;  // a response gets no answer
    CHECK(header_only_response(q, out, Rcode::SERVFAIL) == 0);
}

TEST_CASE("COOKIE options: the first one is kept, a wrong length is FORMERR (RFC 7873 §5.2.2)", "[message][cookie]") {
    struct Case {
        std::vector<std::size_t> lengths;  // COOKIE options in the OPT, in order
        QueryParse want;
        std::size_t kept;  // the length of the cookie the view keeps
    };
    for (const Case& c : {Case{{}, QueryParse::Ok, 0}, Case{{8}, QueryParse::Ok, 8}, Case{{24}, QueryParse::Ok, 24},
                          Case{{40}, QueryParse::Ok, 40}, Case{{16, 8}, QueryParse::Ok, 16},
                          Case{{7}, QueryParse::FormErr, 0}, Case{{9}, QueryParse::FormErr, 0},
                          Case{{15}, QueryParse::FormErr, 0}, Case{{41}, QueryParse::FormErr, 0},
                          Case{{0}, QueryParse::FormErr, 0}}) {
        INFO(c.lengths.size() << " options, first " << (c.lengths.empty() ? 0 : c.lengths[0]));
        std::vector<std::uint8_t> rdata;
        for (std::size_t len : c.lengths) {
            rdata.insert(rdata.end(), {0, 10, 0, static_cast<std::uint8_t>(len)});
            for (std::size_t i = 0; i < len; ++i) rdata.push_back(static_cast<std::uint8_t>(i + 1));
        }
        std::vector<std::uint8_t> buf(512);
        MessageWriter w(buf, buf.size());
        w.set_header(1, 0);
        REQUIRE(w.add_question(N("e164.arpa."), RrType::NAPTR, 1));
        REQUIRE(w.add_record(Section::Additional, N("."), RrType::OPT, 1232, 0, rdata));
        std::vector<std::uint8_t> m(w.data().begin(), w.data().end());
        QueryView v;
        CHECK(parse_query(m, v) == c.want);
        if (c.want == QueryParse::Ok) {
            REQUIRE(v.edns.has_value());
            CHECK(v.edns->cookie.size() == c.kept);
        }
    }
}
