#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "enumd/dns/rdata.hpp"
#include "enumd/dns/serial.hpp"
#include "enumd/dns/wire.hpp"

using namespace enumd::dns;

namespace {
Name N(const char* s) { return *Name::from_text(s); }

std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
std::vector<std::uint8_t> wire(const char* name) {
    auto n = N(name);
    return {n.wire().begin(), n.wire().end()};
}
std::vector<std::uint8_t> str(const std::string& s) {
    std::vector<std::uint8_t> out;
    out.push_back(static_cast<std::uint8_t>(s.size()));
    for (char ch : s) out.push_back(static_cast<std::uint8_t>(ch));  // GCC 12 -Warray-bounds misfires on insert
    return out;
}
}  // namespace

TEST_CASE("SOA fields round-trip and the timers are read from the tail", "[rdata]") {
    Soa soa{N("ns1.example.net."), N("hostmaster.example.net."), 2024061201, 7200, 3600, 1209600, 300};
    auto rd = write_soa(soa);
    auto back = read_soa(rd);
    REQUIRE(back.has_value());
    CHECK(back->mname == soa.mname);
    CHECK(back->rname == soa.rname);
    CHECK(back->serial == 2024061201);
    CHECK(back->minimum == 300);
    auto t = soa_timers(rd);
    REQUIRE(t.has_value());
    CHECK(t->serial == 2024061201);
    CHECK(t->refresh == 7200);
    CHECK(t->retry == 3600);
    CHECK(t->expire == 1209600);
    CHECK(t->minimum == 300);

    struct Case {
        const char* what;
        std::vector<std::uint8_t> rdata;
        bool whole;
        bool timers;
    };
    auto extra = rd;
    extra.push_back(0);
    std::vector<std::uint8_t> roots(22, 0);
    for (const auto& c : std::vector<Case>{{"one octet too many", extra, false, true},
                                           {"two root names and the timers", roots, true, true},
                                           {"shorter than the timers", std::vector<std::uint8_t>(21, 0), false, false},
                                           {"empty", {}, false, false}}) {
        INFO(c.what);
        CHECK(read_soa(c.rdata).has_value() == c.whole);
        CHECK(soa_timers(c.rdata).has_value() == c.timers);
    }
}

TEST_CASE("NAPTR, SRV, MX, A and AAAA read through their table rows", "[rdata]") {
    auto naptr = cat({{0, 10, 0, 100}, str("u"), str("E2U+sip"), str("!^.*$!sip:info@example.net!"), wire(".")});
    auto n = read_naptr(naptr);
    REQUIRE(n.has_value());
    CHECK(n->order == 10);
    CHECK(n->preference == 100);
    CHECK(std::string(n->flags.begin(), n->flags.end()) == "u");
    CHECK(std::string(n->services.begin(), n->services.end()) == "E2U+sip");
    CHECK(std::string(n->regexp.begin(), n->regexp.end()) == "!^.*$!sip:info@example.net!");
    CHECK(n->replacement.size() == 1);
    auto cut = naptr;
    cut.resize(8);
    CHECK_FALSE(read_naptr(cut).has_value());
    CHECK(rdata_target(RrType::NAPTR, naptr)->is_root());

    auto srv = cat({{0, 10, 0, 20, 0x13, 0xC4}, wire("sip.example.net.")});
    auto s = read_srv(srv);
    REQUIRE(s.has_value());
    CHECK(s->priority == 10);
    CHECK(s->weight == 20);
    CHECK(s->port == 5060);
    CHECK(*Name::from_uncompressed(s->target) == N("sip.example.net."));
    CHECK_FALSE(read_srv(std::vector<std::uint8_t>{0, 1, 0, 2, 0, 3}).has_value());

    auto mx = cat({{0, 5}, wire("mail.example.net.")});
    REQUIRE(read_mx(mx).has_value());
    CHECK(read_mx(mx)->preference == 5);

    CHECK(read_a(std::vector<std::uint8_t>{192, 0, 2, 1}).has_value());
    CHECK_FALSE(read_a(std::vector<std::uint8_t>{192, 0, 2}).has_value());
    CHECK(read_aaaa(std::vector<std::uint8_t>(16, 1)).has_value());
    CHECK_FALSE(read_aaaa(std::vector<std::uint8_t>(4, 1)).has_value());
}

TEST_CASE("the table says where names are and which may be compressed", "[rdata]") {
    struct Case {
        RrType type;
        std::uint8_t names;
        std::uint8_t prefix;
        bool compressible;
    };
    for (const auto& c : std::vector<Case>{{RrType::NS, 1, 0, true},
                                           {RrType::CNAME, 1, 0, true},
                                           {RrType::SOA, 2, 0, true},
                                           {RrType::MX, 1, 2, true},
                                           {RrType::SRV, 1, 6, false},
                                           {RrType::NAPTR, 1, 4, false},
                                           {RrType::DNAME, 1, 0, false},
                                           {RrType::TXT, 0, 0, false},
                                           {RrType::A, 0, 0, false},
                                           {RrType::HINFO, 0, 0, false}}) {
        INFO(to_text(c.type));
        RdataNames rn = rdata_names(c.type);
        CHECK(rn.count == c.names);
        CHECK(rn.fixed_prefix == c.prefix);
        CHECK(rn.compressible == c.compressible);
    }
    CHECK(rdata_layout(RrType::OPT) != nullptr);
    CHECK(rdata_layout(RrType::HINFO) == nullptr);
}

TEST_CASE("TXT strings and EDNS options iterate and stop at a malformed one", "[rdata]") {
    auto txt = cat({str("a"), str(""), str("hello")});
    std::size_t off = 0;
    bool bad = false;
    std::vector<std::string> got;
    for (std::span<const std::uint8_t> s; next_char_string(txt, off, s, bad);) got.emplace_back(s.begin(), s.end());
    CHECK(got == std::vector<std::string>{"a", "", "hello"});
    CHECK_FALSE(bad);
    std::vector<std::uint8_t> overrun = {5, 'a'};
    off = 0;
    std::span<const std::uint8_t> s;
    CHECK_FALSE(next_char_string(overrun, off, s, bad));
    CHECK(bad);

    std::vector<std::uint8_t> opts = {0, 10, 0, 2, 0xAB, 0xCD, 0, 12, 0, 0};
    off = 0;
    bad = false;
    std::vector<std::uint16_t> codes;
    for (EdnsOption o; next_edns_option(opts, off, o, bad);) codes.push_back(o.code);
    CHECK(codes == std::vector<std::uint16_t>{10, 12});
    CHECK_FALSE(bad);
    std::vector<std::uint8_t> short_opt = {0, 10, 0, 9, 1};
    off = 0;
    EdnsOption o;
    CHECK_FALSE(next_edns_option(short_opt, off, o, bad));
    CHECK(bad);
}

TEST_CASE("serials compare in RFC 1982 arithmetic", "[serial]") {
    struct Case {
        std::uint32_t a, b;
        bool lt;
    };
    for (const auto& c : std::vector<Case>{{1, 2, true},
                                           {2, 1, false},
                                           {5, 5, false},
                                           {0xFFFFFFFF, 0, true},  // wraps
                                           {0, 0xFFFFFFFF, false},
                                           {1, 0x80000000, true},
                                           {1, 0x80000002, false}}) {
        INFO(c.a << " < " << c.b);
        CHECK(serial_lt(c.a, c.b) == c.lt);
        CHECK(serial_gt(c.b, c.a) == c.lt);
    }
}
