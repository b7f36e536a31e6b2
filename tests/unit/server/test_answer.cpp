#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <random>
#include <vector>

#include "enumd/server/answer.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/store.hpp"

// Counts heap allocations so a test can prove the query path makes none.
// NOLINT: GCC cannot see that new and delete here are a matched malloc/free pair.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace enumd;

namespace {

dns::Name N(const std::string& s) { return *dns::Name::from_text(s); }

zones::Record rec(const std::string& owner, dns::RrType t, const std::string& data, std::uint32_t ttl = 3600) {
    zones::Record r;
    r.owner = N(owner);
    r.type = t;
    r.ttl = ttl;
    auto rd = zones::rdata_from_text(t, data, N("."));
    REQUIRE(rd.ok());
    r.rdata = *rd;
    return r;
}

struct Fixture {
    std::filesystem::path dir;
    std::unique_ptr<zones::Store> store;
    std::unique_ptr<zones::Reader> reader;
    Fixture() {
        std::random_device rd;
        dir = std::filesystem::temp_directory_path() / ("enumd-answer-" + std::to_string(rd()));
        auto s = zones::Store::open(dir.string());
        REQUIRE(s.ok());
        store = std::move(*s);
        zones::Zone z;
        z.origin = N("e164.arpa.");
        z.records = {
            rec("e164.arpa.", dns::RrType::SOA, "ns1.example.net. h.example.net. 7 3600 600 86400 300"),
            rec("e164.arpa.", dns::RrType::NS, "ns1.example.net."),
            rec("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR,
                "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" ."),
            rec("*.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR,
                "100 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:+\\\\1@server1.example.net!\" ."),
            rec("5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR,
                "50 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server2.example.net!\" ."),
            rec("sip.e164.arpa.", dns::RrType::NAPTR, "10 10 \"s\" \"SIP+D2U\" \"\" _sip._udp.sip.e164.arpa."),
            rec("_sip._udp.sip.e164.arpa.", dns::RrType::SRV, "10 10 5060 proxy.sip.e164.arpa."),
            rec("proxy.sip.e164.arpa.", dns::RrType::A, "192.0.2.7"),
        };
        REQUIRE(store->write({z}).ok());
        auto r = store->reader();
        REQUIRE(r.ok());
        reader = std::move(*r);
    }
    ~Fixture() {
        reader.reset();
        store.reset();
        std::filesystem::remove_all(dir);
    }
};

std::vector<std::uint8_t> make_query(const std::string& qname, dns::RrType t, bool edns = true) {
    std::array<std::uint8_t, 512> buf{};
    dns::MessageWriter w(buf, buf.size());
    w.set_header(0xBEEF, dns::flags::RD);
    REQUIRE(w.add_question(N(qname), t, 1));
    if (edns) REQUIRE(w.add_opt(1232, 0, 0, false));
    return {w.data().begin(), w.data().end()};
}

struct Parsed {
    dns::Header h;
    std::vector<dns::RecordView> answer, authority, additional;
};

Parsed parse(std::span<const std::uint8_t> msg) {
    Parsed p;
    REQUIRE(dns::read_header(msg, p.h));
    dns::WireReader r(msg, dns::kHeaderSize);
    dns::Question q;
    for (int i = 0; i < p.h.qdcount; ++i) REQUIRE(r.read_question(q));
    for (auto [count, vec] : {std::pair{p.h.ancount, &p.answer}, std::pair{p.h.nscount, &p.authority},
                              std::pair{p.h.arcount, &p.additional}}) {
        for (int i = 0; i < count; ++i) {
            dns::RecordView rv;
            REQUIRE(r.read_record(rv));
            vec->push_back(rv);
        }
    }
    return p;
}

}  // namespace

TEST_CASE("answers follow RFC 1034, 4592 and 2308 outcome by outcome", "[answer]") {
    Fixture f;
    struct Case {
        const char* qname;
        dns::RrType qtype;
        server::AnswerKind kind;
        int rcode;
        std::size_t answers;
        std::size_t authority;
    };
    const Case cases[] = {
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR, server::AnswerKind::Answer, 0, 1, 0},
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::A, server::AnswerKind::NoData, 0, 0, 1},
        {"2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR, server::AnswerKind::NxDomain, 3, 0, 1},
        {"0.0.0.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR, server::AnswerKind::Answer, 0, 1, 0},
        // the exception's empty non-terminal blocks the wildcard (RFC 4592 §2.2.2)
        {"0.4.3.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR, server::AnswerKind::NxDomain, 3, 0, 1},
        {"4.3.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR, server::AnswerKind::NoData, 0, 0, 1},
        {"example.com.", dns::RrType::A, server::AnswerKind::Refused, 5, 0, 0},
    };
    std::array<std::uint8_t, 65535> out{};
    for (const auto& c : cases) {
        INFO(c.qname);
        auto q = make_query(c.qname, c.qtype);
        REQUIRE(f.reader->refresh());
        auto res = server::answer_query(*f.reader, q, out, server::Transport::Udp, {});
        f.reader->release();
        CHECK(res.kind == c.kind);
        Parsed p = parse({out.data(), res.size});
        CHECK(p.h.id == 0xBEEF);
        CHECK(p.h.rcode() == c.rcode);
        CHECK(p.h.has(dns::flags::RD));
        CHECK(p.answer.size() == c.answers);
        CHECK(p.authority.size() == c.authority);
        if (c.authority == 1) CHECK(p.authority[0].ttl == 300);  // min(SOA TTL, MINIMUM)
    }
}

TEST_CASE("NAPTR with the s flag brings its SRV and the SRV target's address", "[answer]") {
    Fixture f;
    std::array<std::uint8_t, 65535> out{};
    auto q = make_query("sip.e164.arpa.", dns::RrType::NAPTR);
    REQUIRE(f.reader->refresh());
    auto res = server::answer_query(*f.reader, q, out, server::Transport::Udp, {});
    Parsed p = parse({out.data(), res.size});
    REQUIRE(p.additional.size() == 3);  // SRV, A, OPT
    CHECK(p.additional[0].type == dns::RrType::SRV);
    CHECK(p.additional[1].type == dns::RrType::A);
    server::AnswerOptions off;
    off.naptr_additional = false;
    res = server::answer_query(*f.reader, q, out, server::Transport::Udp, off);
    f.reader->release();
    CHECK(parse({out.data(), res.size}).additional.size() == 1);  // only OPT
}

TEST_CASE("the query path makes no heap allocation", "[answer]") {
    Fixture f;
    std::array<std::uint8_t, 65535> out{};
    std::vector<std::vector<std::uint8_t>> queries = {
        make_query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("7.7.7.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("9.9.9.9.e164.arpa.", dns::RrType::NAPTR, false),
        make_query("sip.e164.arpa.", dns::RrType::NAPTR),
        make_query("example.com.", dns::RrType::A),
    };
    REQUIRE(f.reader->refresh());  // first refresh loads the zone table (allocates, once)
    f.reader->release();
    long before = g_allocations.load();
    for (int round = 0; round < 100; ++round) {
        for (const auto& q : queries) {
            REQUIRE(f.reader->refresh());
            auto res = server::answer_query(*f.reader, q, out, server::Transport::Udp, {});
            f.reader->release();
            REQUIRE(res.size > 0);
        }
    }
    CHECK(g_allocations.load() - before == 0);
}

TEST_CASE("malformed queries never crash and get FORMERR or silence", "[answer]") {
    Fixture f;
    std::array<std::uint8_t, 65535> out{};
    auto base = make_query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR);
    std::mt19937 rng(42);
    for (int i = 0; i < 20000; ++i) {
        auto q = base;
        int flips = 1 + static_cast<int>(rng() % 8);
        for (int k = 0; k < flips; ++k) q[rng() % q.size()] = static_cast<std::uint8_t>(rng());
        if (i % 3 == 0) q.resize(rng() % q.size());
        REQUIRE(f.reader->refresh());
        auto res = server::answer_query(*f.reader, q, out, server::Transport::Udp, {});
        f.reader->release();
        if (res.size > 0) {
            dns::Header h;
            REQUIRE(dns::read_header({out.data(), res.size}, h));
            CHECK(h.qr());
            CHECK(res.size <= 1232);
        }
    }
}
