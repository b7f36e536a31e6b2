// Hostile input: mutated responses, random rdata and random expressions must
// be refused or handled, never crash (run under ASan/UBSan in CI builds).
#include <catch2/catch.hpp>

#include <random>

#include "enumd/dns/wire.hpp"
#include "enumd/numbering/enumservice.hpp"
#include "enumd/numbering/subst_expr.hpp"
#include "enumd/resolver/naptr.hpp"
#include "enumd/resolver/sip_locate.hpp"
#include "enumd/resolver/stub.hpp"

using namespace enumd;
using namespace enumd::resolver;

namespace {

std::vector<std::uint8_t> naptr_response(std::uint16_t id, const dns::Name& q) {
    std::vector<std::uint8_t> buf(2048);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(id, dns::flags::QR | dns::flags::AA);
    w.add_question(q, dns::RrType::NAPTR, 1);
    NaptrRecord r;
    r.order = 10;
    r.preference = 100;
    r.flags.assign(1, 'u');  // not = "u": GCC 12 falsely flags that (-Wrestrict)
    r.services = "E2U+sip";
    r.regexp = "!^.*$!sip:info@server1.example.net!";
    r.replacement = *dns::Name::from_text("example.net.");
    auto rd = to_rdata(r);
    for (int i = 0; i < 3; ++i) w.add_record(dns::Section::Answer, q, dns::RrType::NAPTR, 1, 3600, rd);
    buf.resize(w.size());
    return buf;
}

}  // namespace

TEST_CASE("mutated responses never crash the response parser", "[robustness]") {
    auto q = *dns::Name::from_text("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.");
    auto good = naptr_response(0x4242, q);
    auto parsed = parse_response(good, 0x4242, q, dns::RrType::NAPTR);
    REQUIRE(parsed.matches);
    REQUIRE(parsed.answer.records.size() == 3);
    std::mt19937 rng(7);
    int matched = 0;
    for (int i = 0; i < 20000; ++i) {
        auto pkt = good;
        int flips = 1 + static_cast<int>(rng() % 8);
        for (int f = 0; f < flips; ++f) pkt[rng() % pkt.size()] = static_cast<std::uint8_t>(rng());
        if (rng() % 4 == 0) pkt.resize(rng() % pkt.size());
        auto r = parse_response(pkt, 0x4242, q, dns::RrType::NAPTR);
        if (!r.matches) continue;
        ++matched;
        for (const auto& rr : r.answer.records) {
            auto n = parse_naptr_rdata(rr.rdata);
            if (n) CHECK(to_rdata(*n).size() <= rr.rdata.size());
        }
    }
    CHECK(matched > 0);
}

TEST_CASE("random bytes as NAPTR rdata, SIP URIs and substitution expressions are refused or handled", "[robustness]") {
    std::mt19937 rng(11);
    const std::string alphabet = "!^$.*+?()[]{}|\\/0123456789abi:@;=- \t\"";
    int parsed = 0;
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> rd(rng() % 64);
        for (auto& b : rd) b = static_cast<std::uint8_t>(rng());
        (void)parse_naptr_rdata(rd);
        std::string s(rng() % 24, ' ');
        for (auto& c : s) c = alphabet[rng() % alphabet.size()];
        auto e = numbering::SubstExpr::parse(s);
        if (e) {
            ++parsed;
            (void)e->apply("+61355500912");
        }
        (void)parse_sip_uri("sip:" + s);
        (void)numbering::parse_service_field(s);
    }
    CHECK(parsed > 0);
}
