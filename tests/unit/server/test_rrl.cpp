#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "../../../server/src/query/rrl.hpp"
#include "enumd/dns/wire.hpp"
#include "peer_address.hpp"

using namespace enumd;
using namespace enumd::server;
using Verdict = query::ResponseRateLimiter::Verdict;

namespace {

/// A query (or, with `answers`, a response with that many A records after the question) for `name`.
std::vector<std::uint8_t> message(const std::string& name, std::uint16_t qtype = 1, int answers = 0) {
    std::vector<std::uint8_t> m = {0x12, 0x34, static_cast<std::uint8_t>(answers != 0 ? 0x84 : 0), 0, 0, 1, 0, 0, 0, 0, 0, 0};
    std::size_t start = 0;
    while (start < name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        m.push_back(static_cast<std::uint8_t>(dot - start));
        for (std::size_t i = start; i < dot; ++i) m.push_back(static_cast<std::uint8_t>(name[i]));
        start = dot + 1;
    }
    m.insert(m.end(), {0, static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype), 0, 1});
    for (int i = 0; i < answers; ++i) m.insert(m.end(), {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1});
    m[7] = static_cast<std::uint8_t>(answers);
    return m;
}

AnswerResult result(AnswerKind kind, std::uint8_t domain_labels = 0) {
    AnswerResult r;
    r.kind = kind;
    r.size = 100;
    r.domain_labels = domain_labels;
    return r;
}

struct Tally {
    int sent = 0, slipped = 0, dropped = 0;
};

Tally run(query::ResponseRateLimiter& rrl, const sockaddr_storage& from, const std::vector<std::uint8_t>& q,
          const AnswerResult& r, int n, std::uint32_t sec) {
    Tally t;
    for (int i = 0; i < n; ++i) {
        switch (rrl.account(reinterpret_cast<const sockaddr*>(&from), q, r, sec)) {
            case Verdict::Send: ++t.sent; break;
            case Verdict::Slip: ++t.slipped; break;
            case Verdict::Drop: ++t.dropped; break;
        }
    }
    return t;
}

RrlConfig config(unsigned rate, unsigned slip) {
    RrlConfig c;
    c.mode = RrlConfig::Mode::On;
    c.responses_per_second = rate;
    c.slip = slip;
    return c;
}

}  // namespace

TEST_CASE("RRL: beyond the rate every slip-th response is truncated, the rest dropped", "[rrl]") {
    struct Case {
        unsigned slip;
        int slipped, dropped;  // of 30 responses beyond a rate of 10
    };
    for (const Case& c : {Case{1, 30, 0}, Case{2, 15, 15}, Case{3, 10, 20}, Case{0, 0, 30}}) {
        INFO("slip " << c.slip);
        query::ResponseRateLimiter rrl(config(10, c.slip));
        Tally t = run(rrl, enumd::testing::peer_address("192.0.2.7"), message("1.2.3.e164.arpa", 35), result(AnswerKind::Answer), 40, 100);
        CHECK(t.sent == 10);
        CHECK(t.slipped == c.slipped);
        CHECK(t.dropped == c.dropped);
    }
}

TEST_CASE("RRL: a new second starts a new count", "[rrl]") {
    query::ResponseRateLimiter rrl(config(5, 0));
    auto from = enumd::testing::peer_address("192.0.2.7");
    auto q = message("www.example.net");
    CHECK(run(rrl, from, q, result(AnswerKind::Answer), 8, 1000).sent == 5);
    CHECK(run(rrl, from, q, result(AnswerKind::Answer), 8, 1001).sent == 5);
}

TEST_CASE("RRL: what shares a limit and what does not", "[rrl]") {
    struct Case {
        const char* what;
        std::string from_a, from_b;
        std::string name_a, name_b;
        AnswerKind kind;
        std::uint8_t domain_labels;
        bool shared;
    };
    const std::vector<Case> cases = {
        {"one /24 is one client", "192.0.2.1", "192.0.2.200", "a.example.net", "a.example.net", AnswerKind::Answer, 0,
         true},
        {"another /24 is another client", "192.0.2.1", "192.0.3.1", "a.example.net", "a.example.net",
         AnswerKind::Answer, 0, false},
        {"one IPv6 /56", "2001:db8:0:100::1", "2001:db8:0:1ff::2", "a.example.net", "a.example.net",
         AnswerKind::Answer, 0, true},
        {"another IPv6 /56", "2001:db8:0:100::1", "2001:db8:0:200::1", "a.example.net", "a.example.net",
         AnswerKind::Answer, 0, false},
        {"answers: names are counted apart", "192.0.2.1", "192.0.2.1", "a.example.net", "b.example.net",
         AnswerKind::Answer, 0, false},
        {"answers: case does not matter", "192.0.2.1", "192.0.2.1", "a.example.net", "A.Example.NET",
         AnswerKind::Answer, 0, true},
        {"NXDOMAIN: random names under one zone share its limit", "192.0.2.1", "192.0.2.1", "x1.example.net",
         "q9z.example.net", AnswerKind::NxDomain, 2, true},
        {"NXDOMAIN: two zones are apart", "192.0.2.1", "192.0.2.1", "x1.example.net", "x1.example.org",
         AnswerKind::NxDomain, 2, false},
        {"referrals: one delegation", "192.0.2.1", "192.0.2.1", "a.sub.example.net", "b.c.sub.example.net",
         AnswerKind::Referral, 3, true},
        {"errors: one limit per client", "192.0.2.1", "192.0.2.1", "a.example.com", "b.example.org",
         AnswerKind::Refused, 0, true},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        query::ResponseRateLimiter rrl(config(10, 0));
        auto r = result(c.kind, c.domain_labels);
        CHECK(run(rrl, enumd::testing::peer_address(c.from_a), message(c.name_a), r, 10, 7).sent == 10);
        // The second key's budget is gone when it shares the first's.
        CHECK(run(rrl, enumd::testing::peer_address(c.from_b), message(c.name_b), r, 10, 7).sent == (c.shared ? 0 : 10));
    }
}

TEST_CASE("RRL: the slipped response is the header and question with TC and no records", "[rrl]") {
    auto m = message("1.2.3.e164.arpa", 35, 3);
    const std::size_t question_end = m.size() - 3 * 16;
    std::size_t n = query::slip_response(m, m.size());
    REQUIRE(n == question_end);
    CHECK(dns::header::has(m, dns::flags::TC));
    CHECK(dns::header::has(m, dns::flags::QR));
    CHECK(dns::header::id(m) == 0x1234);
    CHECK(dns::header::count(m, 0) == 1);
    CHECK(dns::header::count(m, 1) == 0);
    CHECK(dns::header::count(m, 2) == 0);
    CHECK(dns::header::count(m, 3) == 0);
    // A runt is not sent.
    std::vector<std::uint8_t> runt(5, 0);
    CHECK(query::slip_response(runt, runt.size()) == 0);
}

TEST_CASE("RRL: the slipped response keeps the OPT and its server cookie", "[rrl]") {
    // RFC 6891 §7: a request with OPT gets OPT back; RFC 7873 §5.2.3: with the cookie, so the
    // client's retry carries a valid one and is not limited.
    auto m = message("1.2.3.e164.arpa", 35, 2);
    const std::size_t question_end = m.size() - 2 * 16;
    // one authority record (an SOA-sized blob under the root), then the OPT with a 24-octet COOKIE
    m.insert(m.end(), {0, 0, 6, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4});
    std::vector<std::uint8_t> opt = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 28, 0, 10, 0, 24};
    for (std::uint8_t i = 0; i < 24; ++i) opt.push_back(static_cast<std::uint8_t>(0xA0 + i));
    m.insert(m.end(), opt.begin(), opt.end());
    m[9] = 1;   // NSCOUNT
    m[11] = 1;  // ARCOUNT
    std::size_t n = query::slip_response(m, m.size());
    REQUIRE(n == question_end + opt.size());
    CHECK(dns::header::has(m, dns::flags::TC));
    CHECK(dns::header::count(m, 1) == 0);
    CHECK(dns::header::count(m, 2) == 0);
    CHECK(dns::header::count(m, 3) == 1);
    CHECK(std::vector<std::uint8_t>(m.begin() + static_cast<long>(question_end), m.begin() + static_cast<long>(n)) == opt);
    dns::MessageView view;
    CHECK(dns::parse_message(std::span<const std::uint8_t>(m.data(), n), view) == dns::MessageParse::Ok);
    REQUIRE(view.edns.has_value());
    CHECK(view.edns->cookie.size() == 24);
}
