// The one client exchange: matching, 0x20, EDNS fallback, connected sockets, transfer streams.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "enumd/dns/wire.hpp"
#include "enumd/resolver/exchange.hpp"
#include "scripted_server.hpp"

using namespace enumd;
using namespace enumd::resolver;
using namespace enumd::testing;

namespace {

dns::Name N(const char* s) { return *dns::Name::from_text(s); }

std::vector<std::uint8_t> message(std::uint16_t id, std::uint16_t flags, const char* qname, dns::RrType qtype) {
    std::vector<std::uint8_t> buf(512);
    dns::MessageWriter w(buf, buf.size());
    w.set_header(id, flags);
    if (qname != nullptr) w.add_question(N(qname), qtype, 1);
    buf.resize(w.size());
    return buf;
}

Request ask(const char* qname, dns::RrType qtype = dns::RrType::A) {
    Request r;
    r.qname = N(qname);
    r.qtype = qtype;
    r.timeout = std::chrono::milliseconds(300);
    return r;
}

Reply run_exchange(const ServerAddress& s, Request r) { return run_blocking(NetExchanger().exchange(s, std::move(r))); }

bool has_opt(std::span<const std::uint8_t> q) {
    dns::QueryView qv;
    return dns::parse_query(q, qv) == dns::QueryParse::Ok && qv.edns.has_value();
}

}  // namespace

TEST_CASE("a response answers a query only with QR, the same ID, opcode and question (its case too under 0x20)",
          "[exchange]") {
    const auto query = message(0x1234, 0, "Host.Example.", dns::RrType::NAPTR);
    constexpr std::uint16_t kQr = dns::flags::QR;
    constexpr std::uint16_t kNotify = static_cast<std::uint16_t>(static_cast<unsigned>(dns::Opcode::NOTIFY) << 11);
    struct Case {
        const char* what;
        std::vector<std::uint8_t> response;
        bool answers;  ///< under 0x20 (exact case); without it only the case row differs
    } cases[] = {
        {"the answer", message(0x1234, kQr, "Host.Example.", dns::RrType::NAPTR), true},
        {"another ID", message(0x1235, kQr, "Host.Example.", dns::RrType::NAPTR), false},
        {"QR clear (a query)", message(0x1234, 0, "Host.Example.", dns::RrType::NAPTR), false},
        {"another opcode", message(0x1234, kQr | kNotify, "Host.Example.", dns::RrType::NAPTR), false},
        {"another case (0x20)", message(0x1234, kQr, "host.example.", dns::RrType::NAPTR), false},
        {"another name", message(0x1234, kQr, "Other.Example.", dns::RrType::NAPTR), false},
        {"another type", message(0x1234, kQr, "Host.Example.", dns::RrType::A), false},
        {"no question", message(0x1234, kQr, nullptr, dns::RrType::A), false},
        {"too short", {0x12, 0x34, 0x80}, false},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        CHECK(answers(c.response, query, true) == c.answers);
        const bool case_only = std::string(c.what) == "another case (0x20)";
        CHECK(answers(c.response, query, false) == (c.answers || case_only));
    }
}

TEST_CASE("0x20 keeps the name and varies the case of its letters", "[exchange]") {
    const auto name = N("abcdefghijklmnop.qrstuvwxyz.example.");
    std::set<std::string> spellings;
    for (int i = 0; i < 16; ++i) {
        auto r = randomize_case(name);
        CHECK(r == name);
        spellings.insert(r.to_text());
    }
    CHECK(spellings.size() > 8);  // 2^36 spellings: repeats are vanishingly rare
    CHECK(randomize_case(N("1.2.3.e164.arpa.")) == N("1.2.3.e164.arpa."));
    CHECK(randomize_case(dns::Name{}).is_root());
}

TEST_CASE("IDs drawn from the kernel CSPRNG do not repeat in a short run", "[exchange]") {
    std::set<std::uint16_t> ids;
    for (int i = 0; i < 64; ++i) ids.insert(random_u16());
    CHECK(ids.size() >= 60);  // birthday bound: 64 draws of 16 bits collide rarely
}

TEST_CASE("queries carry the requested records, flags and OPT, and are signed last", "[exchange]") {
    Request r = ask("example.", dns::RrType::IXFR);
    r.records.push_back({dns::Section::Authority, N("example."), dns::RrType::SOA, 60, std::vector<std::uint8_t>(22, 0)});
    r.edns_size.reset();
    std::size_t signed_size = 0;
    r.sign = [&](std::vector<std::uint8_t>& m) {
        signed_size = m.size();
        m.push_back(0xAA);
    };
    auto q = build_request(7, r, true);
    dns::Header h;
    REQUIRE(dns::read_header(q, h));
    CHECK(h.id == 7);
    CHECK(h.qdcount == 1);
    CHECK(h.nscount == 1);
    CHECK(h.arcount == 0);  // no OPT when none is asked for
    CHECK(signed_size + 1 == q.size());
    CHECK(q.back() == 0xAA);
}

TEST_CASE("FORMERR or NOTIMP to a query with OPT is asked again without it when the caller wants", "[exchange]") {
    for (std::uint8_t rcode : {std::uint8_t{1}, std::uint8_t{4}}) {
        ScriptedServer srv([rcode](const dns::QueryView& qv, std::span<const std::uint8_t> q) {
            return std::vector<Datagram>{{has_opt(q) ? respond(qv, 0, 0, rcode) : respond(qv, 1), false}};
        });
        Request r = ask("old.example.");
        r.edns_fallback = true;
        Reply with = run_exchange(srv.address(), r);
        REQUIRE(with.answered());
        CHECK(with.without_edns);
        CHECK(with.rcode() == 0);
        r.edns_fallback = false;
        Reply without = run_exchange(srv.address(), r);
        REQUIRE(without.answered());
        CHECK_FALSE(without.without_edns);
        CHECK(without.rcode() == rcode);
    }
}

TEST_CASE("over UDP only the server's address answers: a datagram from another port is never seen", "[exchange]") {
    ScriptedServer srv([](const dns::QueryView& qv, auto) {
        return std::vector<Datagram>{{respond(qv, 1, 0, 0, false, false, 7), true}};  // right ID, other source
    });
    Reply r = run_exchange(srv.address(), ask("spoofed.example."));
    CHECK(r.outcome == Outcome::Timeout);
}

TEST_CASE("a truncated answer is asked again over TCP, unless the caller says not to", "[exchange]") {
    ScriptedServer srv([](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 0, 0, 0, true), false}}; },
                       [](const dns::QueryView& qv, auto) { return std::vector<Datagram>{{respond(qv, 40), false}}; });
    Reply r = run_exchange(srv.address(), ask("big.example."));
    REQUIRE(r.answered());
    CHECK(r.over_tcp);
    dns::Header h;
    REQUIRE(dns::read_header(r.message, h));
    CHECK(h.ancount == 40);
    Request no_tcp = ask("big.example.");
    no_tcp.tcp_on_truncation = false;
    Reply t = run_exchange(srv.address(), no_tcp);
    REQUIRE(t.answered());
    CHECK_FALSE(t.over_tcp);
}

TEST_CASE("a transfer stream hands over every message with the query's ID and stops at a stranger", "[exchange]") {
    auto continuation = [](const dns::QueryView& qv, std::uint16_t id_delta) {
        std::vector<std::uint8_t> buf(64);
        dns::MessageWriter w(buf, buf.size());
        w.set_header(static_cast<std::uint16_t>(qv.header.id + id_delta), dns::flags::QR);  // RFC 5936 §2.2.1: no question
        buf.resize(w.size());
        return buf;
    };
    auto serve = [&](std::uint16_t last_delta) {
        return [=](const dns::QueryView& qv, auto) {
            return std::vector<Datagram>{{respond(qv, 1), false}, {continuation(qv, 0), false}, {continuation(qv, last_delta), false}};
        };
    };
    auto count = [](const ServerAddress& s, int stop_after, Reply& out) {
        int n = 0;
        Request r = ask("example.", dns::RrType::AXFR);
        r.tcp_only = true;
        r.edns_size.reset();
        out = run_blocking(NetExchanger().stream(s, r, [&](std::span<const std::uint8_t>) { return ++n < stop_after; }));
        return n;
    };
    ScriptedServer good([](auto&, auto) { return std::vector<Datagram>{}; }, serve(0));
    Reply r;
    CHECK(count(good.address(), 3, r) == 3);
    CHECK(r.answered());
    ScriptedServer bad([](auto&, auto) { return std::vector<Datagram>{}; }, serve(1));
    CHECK(count(bad.address(), 3, r) == 2);
    CHECK(r.outcome == Outcome::NetworkError);
}
