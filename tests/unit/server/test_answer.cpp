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
#include "enumd/zones/yaml_loader.hpp"
#include "../common/fixtures.hpp"
#include "allocation_counter.hpp"

// Counts heap allocations so a test can prove the query path makes none.
// NOLINT: GCC cannot see that new and delete here are a matched malloc/free pair.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<long> g_allocations{0};
}
long heap_allocations() noexcept { return g_allocations.load(); }  // allocation_counter.hpp
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
using enumd::testing::N;
using enumd::testing::rec;

namespace {

zones::Zone lab_zone() {
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
    return z;
}

/// The store every case answers from: the lab zone unless the case brings its own.
struct Fixture : enumd::testing::StoreFixture {
    Fixture() : Fixture(std::vector<zones::Zone>{lab_zone()}) {}
    explicit Fixture(const std::vector<zones::Zone>& zs) : StoreFixture(zs, "enumd-answer") {}
};

std::vector<std::uint8_t> make_query(const std::string& qname, dns::RrType t, bool edns = true) {
    std::array<std::uint8_t, 512> buf{};
    dns::MessageWriter w(buf, buf.size());
    w.set_header(0xBEEF, dns::flags::RD);
    REQUIRE(w.add_question(N(qname), t, 1));
    if (edns) REQUIRE(w.add_opt(1232, 0, 0, false));
    return {w.data().begin(), w.data().end()};
}

/// Heap allocations made answering every query 100 times over UDP, after a first refresh that loads
/// the zone table (and its route sets) — which allocates, once.
long allocations_answering(Fixture& f, const std::vector<std::vector<std::uint8_t>>& queries) {
    std::array<std::uint8_t, 65535> out{};
    REQUIRE(f.reader->refresh());
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
    return g_allocations.load() - before;
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
    std::vector<std::vector<std::uint8_t>> queries = {
        make_query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("7.7.7.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("9.9.9.9.e164.arpa.", dns::RrType::NAPTR, false),
        make_query("sip.e164.arpa.", dns::RrType::NAPTR),
        make_query("example.com.", dns::RrType::A),
    };
    CHECK(allocations_answering(f, queries) == 0);
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

namespace {

zones::Zone zone_of(const std::string& origin, std::vector<zones::Record> records) {
    zones::Zone z;
    z.origin = N(origin);
    z.records = std::move(records);
    return z;
}

Parsed ask(Fixture& f, const std::string& qname, dns::RrType t, std::array<std::uint8_t, 65535>& out) {
    auto q = make_query(qname, t);
    REQUIRE(f.reader->refresh());
    auto res = server::answer_query(*f.reader, q, out, server::Transport::Udp, {});
    f.reader->release();
    REQUIRE(res.size > 0);
    return parse({out.data(), res.size});
}

/// The name in CNAME/DNAME rdata, read from the message (it may be compressed).
std::string target_of(std::span<const std::uint8_t> msg, const dns::RecordView& rv) {
    std::size_t off = rv.rdata_offset;
    auto t = dns::Name::from_wire(msg, off);
    REQUIRE(t.ok());
    return t->to_text();
}

// A zone for the answer-path cases found by the generative differential run
// against Knot, NSD and BIND (issue 12 item 12).
std::vector<zones::Zone> hard_zones() {
    const char* soa = "ns1.hard.test. h.hard.test. 1 3600 600 86400 300";
    std::vector<zones::Record> hard = {
        rec("hard.test.", dns::RrType::SOA, soa),
        rec("hard.test.", dns::RrType::NS, "ns1.hard.test."),
        rec("hard.test.", dns::RrType::A, "192.0.2.1"),
        rec("ns1.hard.test.", dns::RrType::A, "192.0.2.53"),
        rec("d.hard.test.", dns::RrType::NS, "ns1.other."),
        rec("child.hard.test.", dns::RrType::NS, "ns1.hard.test."),
        rec("signed.hard.test.", dns::RrType::NS, "ns1.hard.test."),
        rec("signed.hard.test.", dns::RrType::DS, "12345 8 1 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE"),
        rec("dn.hard.test.", dns::RrType::DNAME, "target.hard.test.", 600),
        rec("a.target.hard.test.", dns::RrType::A, "192.0.2.9"),
        rec("out.hard.test.", dns::RrType::DNAME, "elsewhere.example."),
        // spelling: the zone writes the owners in lower case, the rdata that names them does not
        rec("www.hard.test.", dns::RrType::CNAME, "Host.HARD.test."),
        rec("host.hard.test.", dns::RrType::A, "192.0.2.10"),
        rec("mx.hard.test.", dns::RrType::MX, "10 Mail.Hard.Test."),
        rec("mail.hard.test.", dns::RrType::A, "192.0.2.25"),
    };
    for (int i = 1; i <= 9; ++i) {
        std::string next = i == 9 ? "end.hard.test." : std::string("c") + std::to_string(i + 1) + ".hard.test.";
        hard.push_back(rec(std::string("c") + std::to_string(i) + ".hard.test.", dns::RrType::CNAME, next));
    }
    hard.push_back(rec("end.hard.test.", dns::RrType::A, "192.0.2.8"));
    std::vector<zones::Record> child = {
        rec("child.hard.test.", dns::RrType::SOA, "ns1.hard.test. h.hard.test. 5 3600 600 86400 60"),
        rec("child.hard.test.", dns::RrType::NS, "ns1.hard.test."),
        rec("www.child.hard.test.", dns::RrType::A, "192.0.2.77"),
    };
    std::vector<zones::Record> signed_child = {
        rec("signed.hard.test.", dns::RrType::SOA, "ns1.hard.test. h.hard.test. 5 3600 600 86400 60"),
        rec("signed.hard.test.", dns::RrType::NS, "ns1.hard.test."),
    };
    return {zone_of("hard.test.", hard), zone_of("child.hard.test.", child),
            zone_of("signed.hard.test.", signed_child)};
}

}  // namespace

TEST_CASE("a referral never invents glue for a server name outside the zone", "[answer]") {
    Fixture f(hard_zones());
    std::array<std::uint8_t, 65535> out{};
    Parsed p = ask(f, "x.d.hard.test.", dns::RrType::A, out);
    CHECK(p.h.rcode() == 0);
    CHECK_FALSE(p.h.has(dns::flags::AA));
    REQUIRE(p.authority.size() == 1);
    CHECK(p.authority[0].type == dns::RrType::NS);
    // Only the OPT: ns1.other. is not ours, so there is no address to give.
    REQUIRE(p.additional.size() == 1);
    CHECK(p.additional[0].type == dns::RrType::OPT);
}

TEST_CASE("DS at a cut whose child zone is also served comes from the parent", "[answer]") {
    Fixture f(hard_zones());
    std::array<std::uint8_t, 65535> out{};
    // The parent holds a DS RRset: it is the answer (RFC 4035 §3.1.4.1).
    Parsed p = ask(f, "signed.hard.test.", dns::RrType::DS, out);
    CHECK(p.h.rcode() == 0);
    CHECK(p.h.has(dns::flags::AA));
    REQUIRE(p.answer.size() == 1);
    CHECK(p.answer[0].type == dns::RrType::DS);
    // No DS in the parent: NODATA with the parent's SOA, not the child's.
    p = ask(f, "child.hard.test.", dns::RrType::DS, out);
    CHECK(p.h.rcode() == 0);
    CHECK(p.answer.empty());
    REQUIRE(p.authority.size() == 1);
    CHECK(p.authority[0].type == dns::RrType::SOA);
    CHECK(p.authority[0].owner.to_text() == "hard.test.");
    // Other types at the child apex are still the child's.
    p = ask(f, "child.hard.test.", dns::RrType::SOA, out);
    REQUIRE(p.answer.size() == 1);
    CHECK(p.answer[0].owner.to_text() == "child.hard.test.");
}

TEST_CASE("a CNAME chain of max_cname_chain links ends in its record", "[answer]") {
    Fixture f(hard_zones());
    std::array<std::uint8_t, 65535> out{};
    // c2 → … → c9 → end: 8 CNAMEs (the default limit) and the A.
    Parsed p = ask(f, "c2.hard.test.", dns::RrType::A, out);
    REQUIRE(p.answer.size() == 9);
    CHECK(p.answer[7].type == dns::RrType::CNAME);
    CHECK(p.answer[8].type == dns::RrType::A);
    CHECK(p.answer[8].owner.to_text() == "end.hard.test.");
    // One link more than the limit: the chain stops after 8 CNAMEs.
    p = ask(f, "c1.hard.test.", dns::RrType::A, out);
    CHECK(p.answer.size() == 8);
    CHECK(p.answer.back().type == dns::RrType::CNAME);
}

TEST_CASE("owners reached through rdata keep the zone's spelling, names keep their own", "[answer]") {
    Fixture f(hard_zones());
    std::array<std::uint8_t, 65535> out{};
    // Knot, NSD and BIND answer host.hard.test. A in the zone's spelling; a case-insensitive
    // compression pointer or the CNAME target's spelling made it Host.HARD.test. (issue 12 item 12).
    Parsed p = ask(f, "www.hard.test.", dns::RrType::A, out);
    REQUIRE(p.answer.size() == 2);
    CHECK(target_of({out.data(), out.size()}, p.answer[0]) == "Host.HARD.test.");  // rdata as written
    CHECK(p.answer[1].owner.to_text() == "host.hard.test.");
    // The same for additional-section owners named by rdata.
    p = ask(f, "mx.hard.test.", dns::RrType::MX, out);
    REQUIRE(p.answer.size() == 1);
    bool found = false;
    for (const auto& r : p.additional)
        if (r.type == dns::RrType::A) {
            CHECK(r.owner.to_text() == "mail.hard.test.");
            found = true;
        }
    CHECK(found);
    // A 0x20 question keeps its spelling in the echo and the answer's owner.
    p = ask(f, "HoSt.hard.TEST.", dns::RrType::A, out);
    REQUIRE(p.answer.size() == 1);
    CHECK(p.answer[0].owner.to_text() == "HoSt.hard.TEST.");
}

TEST_CASE("DNAME is applied: DNAME, synthesised CNAME, then the target's records", "[answer]") {
    Fixture f(hard_zones());
    std::array<std::uint8_t, 65535> out{};
    Parsed p = ask(f, "a.dn.hard.test.", dns::RrType::A, out);
    CHECK(p.h.rcode() == 0);
    CHECK(p.h.has(dns::flags::AA));
    REQUIRE(p.answer.size() == 3);
    CHECK(p.answer[0].type == dns::RrType::DNAME);
    CHECK(p.answer[0].owner.to_text() == "dn.hard.test.");
    CHECK(p.answer[1].type == dns::RrType::CNAME);
    CHECK(p.answer[1].owner.to_text() == "a.dn.hard.test.");
    CHECK(p.answer[1].ttl == 600);  // RFC 6672 §3.3: the DNAME's TTL
    CHECK(target_of(out, p.answer[1]) == "a.target.hard.test.");
    CHECK(p.answer[2].type == dns::RrType::A);
    // The substituted name does not exist: NXDOMAIN after the DNAME and CNAME.
    p = ask(f, "b.dn.hard.test.", dns::RrType::A, out);
    CHECK(p.h.rcode() == 3);
    CHECK(p.answer.size() == 2);
    // A target outside the zone: DNAME and CNAME, the client goes on (RFC 1034 §4.3.2 step 3a).
    p = ask(f, "x.out.hard.test.", dns::RrType::A, out);
    CHECK(p.h.rcode() == 0);
    REQUIRE(p.answer.size() == 2);
    CHECK(target_of(out, p.answer[1]) == "x.elsewhere.example.");
    // The DNAME owner itself is an ordinary name.
    p = ask(f, "dn.hard.test.", dns::RrType::DNAME, out);
    REQUIRE(p.answer.size() == 1);
    CHECK(p.answer[0].type == dns::RrType::DNAME);
}

TEST_CASE("DNAME substitution longer than 255 octets is YXDOMAIN", "[answer]") {
    std::string longtarget;
    for (int i = 0; i < 3; ++i) longtarget += std::string(60, 'a' + i) + ".";
    longtarget += "hard.test.";
    auto zs = hard_zones();
    zs[0].records.push_back(rec("long.hard.test.", dns::RrType::DNAME, longtarget));
    Fixture f(zs);
    std::array<std::uint8_t, 65535> out{};
    std::string q = std::string(60, 'x') + "." + std::string(60, 'y') + ".long.hard.test.";
    Parsed p = ask(f, q, dns::RrType::A, out);
    CHECK(p.h.rcode() == 6);  // RFC 6672 §2.2
    REQUIRE(p.answer.size() == 1);
    CHECK(p.answer[0].type == dns::RrType::DNAME);
}

namespace {

/// A zone with route sets (zones/README.md "Route sets"), and the same zone
/// with the references dropped: the records a secondary or Knot would serve.
std::vector<zones::Zone> routed_zone(bool keep_routes) {
    const std::string text =
        "origin: e164.arpa.\n"
        "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
        "ns: [ns1.example.net.]\n"
        "routes:\n"
        "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10},\n"
        "            {uri: \"sip:{number}@backup.telstra.example\", order: 20}]\n"
        "  optus-pstn: {uri: \"tel:{number};npdi;rn={rn}\", service: \"E2U+pstn:tel\"}\n"
        "  pool: [{service: SIP+D2U, flags: s, regexp: '', replacement: _sip._udp.sip, order: 1},\n"
        "         {uri: \"sip:{digits};rn={rn}@a.example\", order: 2}]\n"
        "  big: [" + [] {
            std::string list;
            for (int i = 0; i < 40; ++i)
                list += std::string(i ? ", " : "") + "{uri: \"sip:{number}@host" + std::to_string(i) +
                        ".a-rather-long-domain-name.example\", order: " + std::to_string(i) + "}";
            return list;
        }() + "]\n"
        "numbers:\n"
        "  - {number: \"+61 3 5550 0911\", route: telstra}\n"
        "  - {number: \"+61355500912\", route: optus-pstn, rn: \"+61400001234\", ttl: 120}\n"
        "  - {number: \"+61355500913\", route: pool, rn: \"+61400001235\"}\n"
        "  - {number: \"+61355500914\", route: big}\n"
        "  - {number: \"+61255502*\", route: telstra}\n"
        "  - {number: \"+61255502345\", route: optus-pstn, rn: \"+61400000001\"}\n"
        "records:\n"
        "  - {name: 1.1.9.0.0.5.5.5.3.1.6, type: TXT, data: '\"hello\"'}\n"
        "  - {name: _sip._udp.sip, type: SRV, data: 10 10 5060 proxy.sip}\n"
        "  - {name: proxy.sip, type: A, data: 192.0.2.7}\n";
    zones::Diagnostics d;
    auto z = zones::load_yaml_zone_text(text, "routed.yaml", d);
    REQUIRE(z);
    REQUIRE_FALSE(d.has_errors());
    if (!keep_routes) {
        z->routes.clear();
        for (auto& r : z->records) r.route = zones::RouteRef{};
    }
    return {*z};
}

}  // namespace

TEST_CASE("a routed zone answers byte for byte as its expanded records", "[answer][routes]") {
    Fixture routed(routed_zone(true));
    Fixture plain(routed_zone(false));
    std::vector<std::pair<std::string, dns::RrType>> asks = {
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR},  // route + a typed TXT beside it
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::ANY},    // RFC 8482: the first RRset in type order
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::TXT},
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::A},  // NODATA
        {"2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR},
        {"2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::ANY},
        {"3.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR},  // "s" → SRV + A additional
        {"4.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR},  // 40 records: TC over plain UDP
        {"7.7.7.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR},  // the range's wildcard
        {"3.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR},      // a generated copy at an ENT
        {"9.4.3.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR},  // the * child of an ENT
        {"5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR},  // the exception
        {"1.5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR},  // below the exception: the range
        {"9.9.9.9.e164.arpa.", dns::RrType::NAPTR},                // NXDOMAIN
        {"5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR},            // ENT: NODATA
    };
    std::array<std::uint8_t, 65535> a{};
    std::array<std::uint8_t, 65535> b{};
    for (const auto& [name, type] : asks) {
        for (bool edns : {true, false}) {
            for (auto transport : {server::Transport::Udp, server::Transport::Tcp}) {
                INFO(name << " " << dns::to_text(type) << " edns=" << edns
                          << " tcp=" << (transport == server::Transport::Tcp));
                auto q = make_query(name, type, edns);
                REQUIRE(routed.reader->refresh());
                REQUIRE(plain.reader->refresh());
                auto ra = server::answer_query(*routed.reader, q, a, transport, {});
                auto rb = server::answer_query(*plain.reader, q, b, transport, {});
                routed.reader->release();
                plain.reader->release();
                REQUIRE(ra.size > 0);
                CHECK(std::vector<std::uint8_t>(a.begin(), a.begin() + static_cast<long>(ra.size)) ==
                      std::vector<std::uint8_t>(b.begin(), b.begin() + static_cast<long>(rb.size)));
            }
        }
    }
    // The big route truncates over plain UDP and fits over TCP.
    auto q = make_query("4.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR, false);
    REQUIRE(routed.reader->refresh());
    CHECK(server::answer_query(*routed.reader, q, a, server::Transport::Udp, {}).truncated);
    CHECK(parse(std::span<const std::uint8_t>(a.data(),
                                              server::answer_query(*routed.reader, q, a, server::Transport::Tcp, {}).size))
              .answer.size() == 40);
    routed.reader->release();
}

TEST_CASE("answering from route sets makes no heap allocation", "[answer][routes]") {
    Fixture f(routed_zone(true));
    std::vector<std::vector<std::uint8_t>> queries = {
        make_query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("3.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("4.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR, false),
        make_query("7.7.7.2.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR),
        make_query("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::ANY),
    };
    CHECK(allocations_answering(f, queries) == 0);  // route sets are loaded by the first refresh
}
