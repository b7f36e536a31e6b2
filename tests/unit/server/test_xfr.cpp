#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "enumd/dns/wire.hpp"
#include "enumd/server/log.hpp"
#include "enumd/server/xfr.hpp"
#include "enumd/zones/store.hpp"
#include "server_fixtures.hpp"

using namespace enumd;
using namespace enumd::server;
using namespace enumd::testing;

namespace {

std::string naptr(const std::string& who) {
    return "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:" + who + "@example.net!\" .";
}

/// The lab zone at `serial`, with `numbers` extra NAPTR owners and knobs for a change.
zones::Zone zone(std::uint32_t serial, int numbers = 3, bool changed = false) {
    zones::Zone z = e164_apex(serial);
    for (int i = 0; i < numbers; ++i) {
        if (changed && i == 1) continue;  // removed in the changed version
        std::string owner = std::to_string(i % 10) + "." + std::to_string(i / 10 % 10) + "." + std::to_string(i / 100) +
                            ".5.5.5.3.1.6.e164.arpa.";
        z.records.push_back(rec(owner, dns::RrType::NAPTR, naptr("n" + std::to_string(i)), changed && i == 2 ? 60 : 3600));
    }
    if (changed) z.records.push_back(rec("9.9.9.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR, naptr("new")));
    return z;
}

struct Rr {
    std::string owner;
    dns::RrType type;
    std::uint32_t ttl;
    std::uint32_t serial;  // for SOA
};

/// Every answer record of every message (and the rcode of the first).
struct Transfer {
    std::vector<Rr> rrs;
    std::size_t messages = 0;
    int rcode = -1;
};

Transfer run(xfr::Service& svc, const std::vector<std::uint8_t>& q, const char* from = "127.0.0.1") {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, from, &sa.sin_addr);
    Transfer t;
    auto stream = svc.start_transfer(q, reinterpret_cast<const sockaddr*>(&sa));
    REQUIRE(stream);
    std::vector<std::uint8_t> out(65535);
    for (std::size_t n; (n = stream->next(out)) != 0;) {
        REQUIRE(t.messages < 100000);
        ++t.messages;
        std::span<const std::uint8_t> msg(out.data(), n);
        dns::Header h;
        REQUIRE(dns::read_header(msg, h));
        if (t.rcode < 0) t.rcode = h.rcode();
        dns::WireReader r(msg, dns::kHeaderSize);
        for (unsigned i = 0; i < h.qdcount; ++i) {
            dns::Question qq;
            REQUIRE(r.read_question(qq));
        }
        for (unsigned i = 0; i < h.ancount; ++i) {
            dns::RecordView rv;
            REQUIRE(r.read_record(rv));
            std::uint32_t serial = 0;
            if (rv.type == dns::RrType::SOA) {
                const std::uint8_t* p = rv.rdata.data() + rv.rdata.size() - 20;
                serial = (static_cast<std::uint32_t>(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
            }
            t.rrs.push_back({rv.owner.to_text(), rv.type, rv.ttl, serial});
        }
    }
    return t;
}

std::vector<std::uint8_t> xfr_query(dns::RrType type, std::uint32_t client_serial = 0) {
    std::vector<std::uint8_t> buf(512);
    dns::MessageWriter w(buf, 512);
    w.set_header(42, 0);
    w.add_question(N("e164.arpa."), type, 1);
    if (type == dns::RrType::IXFR) {
        auto soa = zones::rdata_from_text(dns::RrType::SOA,
                                          "ns1.example.net. hostmaster.example.net. " + std::to_string(client_serial) +
                                              " 3600 600 86400 300",
                                          N("."));
        w.add_record(dns::Section::Authority, N("e164.arpa."), dns::RrType::SOA, 1, 3600, *soa);
    }
    buf.resize(w.size());
    return buf;
}

xfr::Settings open_to_loopback() {
    xfr::Settings s;
    s.defaults.allow.add(*Acl::parse_entry("127.0.0.0/8"));
    s.defaults.allow_set = true;
    return s;
}

}  // namespace

TEST_CASE("a compile with a higher serial journals exactly the records removed and added", "[xfr][journal]") {
    TempDir dir("enumd-xfr");
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store.ok());
    REQUIRE((*store)->write({zone(1)}).ok());
    REQUIRE((*store)->write({zone(2, 3, true)}).ok());
    auto rd = (*store)->reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    const auto* zi = (*rd)->find_zone(N("e164.arpa."));
    REQUIRE(zi != nullptr);
    auto j = (*rd)->journal(*zi, 1);
    REQUIRE(j);
    CHECK(j->from_serial() == 1);
    CHECK(j->to_serial() == 2);
    std::vector<std::string> removed;
    std::vector<std::string> added;
    std::size_t off = 0;
    zones::JournalRecord r;
    for (std::uint32_t i = 0; j->next(off, r); ++i) {
        std::string s = r.owner.to_text() + " " + dns::to_text(r.type) + " " + std::to_string(r.ttl);
        (i < j->removed_count() ? removed : added).push_back(s);
    }
    CHECK(removed == std::vector<std::string>{"e164.arpa. SOA 3600", "1.0.0.5.5.5.3.1.6.e164.arpa. NAPTR 3600",
                                              "2.0.0.5.5.5.3.1.6.e164.arpa. NAPTR 3600"});
    CHECK(added == std::vector<std::string>{"e164.arpa. SOA 3600", "2.0.0.5.5.5.3.1.6.e164.arpa. NAPTR 60",
                                            "9.9.9.5.5.5.3.1.6.e164.arpa. NAPTR 3600"});
    CHECK_FALSE((*rd)->journal(*zi, 2));
}

TEST_CASE("the journal keeps a bounded chain and is cleared when the serial goes back", "[xfr][journal]") {
    TempDir dir("enumd-xfr");
    zones::Store::Options opt;
    opt.journal_depth = 3;
    auto store = zones::Store::open(dir.path.string(), opt);
    REQUIRE(store.ok());
    for (std::uint32_t s = 1; s <= 6; ++s) REQUIRE((*store)->write({zone(s, 3, s % 2 == 0)}).ok());
    auto rd = (*store)->reader();
    REQUIRE(rd.ok());
    auto has = [&](std::uint32_t from) {
        REQUIRE((*rd)->refresh());
        const auto* zi = (*rd)->find_zone(N("e164.arpa."));
        bool found = zi != nullptr && (*rd)->journal(*zi, from).has_value();
        (*rd)->release();
        return found;
    };
    struct Case {
        std::uint32_t from;
        bool kept;
    };
    for (const auto& c : std::vector<Case>{{1, false}, {2, false}, {3, true}, {4, true}, {5, true}, {6, false}}) {
        INFO("from serial " << c.from);
        CHECK(has(c.from) == c.kept);
    }
    REQUIRE((*store)->write({zone(4)}).ok());  // serial back to 4: history no longer chains
    for (std::uint32_t from : {3U, 4U, 5U}) CHECK_FALSE(has(from));
}

TEST_CASE("AXFR streams a large zone in many messages, SOA first and last, every record once", "[xfr]") {
    TempDir dir("enumd-xfr");
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store.ok());
    REQUIRE((*store)->write({zone(7, 900)}).ok());
    xfr::Settings s = open_to_loopback();
    s.message_size = 4096;
    xfr::Service svc(s, **store);
    Transfer t = run(svc, xfr_query(dns::RrType::AXFR));
    CHECK(t.rcode == 0);
    CHECK(t.messages > 5);
    REQUIRE(t.rrs.size() == 902 + 1);  // SOA + NS + 900 NAPTR, SOA again at the end
    CHECK(t.rrs.front().type == dns::RrType::SOA);
    CHECK(t.rrs.back().type == dns::RrType::SOA);
    std::size_t soas = 0;
    for (const auto& r : t.rrs) soas += r.type == dns::RrType::SOA ? 1 : 0;
    CHECK(soas == 2);
}

TEST_CASE("IXFR answers from the journal, in AXFR form when it does not reach back, one SOA when current", "[xfr]") {
    TempDir dir("enumd-xfr");
    zones::Store::Options opt;
    opt.journal_depth = 2;
    auto store = zones::Store::open(dir.path.string(), opt);
    REQUIRE(store.ok());
    for (std::uint32_t s = 1; s <= 4; ++s) REQUIRE((*store)->write({zone(s, 3, s % 2 == 0)}).ok());
    xfr::Service svc(open_to_loopback(), **store);
    struct Case {
        std::uint32_t client;
        std::vector<std::uint32_t> soa_serials;  // serials of the SOA records in order
        std::size_t records;
    };
    // Journal keeps 2→3 and 3→4. From 3: SOA4, [SOA3, -2 recs, SOA4, +2 recs], SOA4.
    for (const auto& c : std::vector<Case>{
             {3, {4, 3, 4, 4}, 8},
             {2, {4, 2, 3, 3, 4, 4}, 14},
             {1, {4, 4}, 5},  // AXFR form: SOA, NS, 3 NAPTR... (changed version has 3 numbers), SOA
             {4, {4}, 1},
             {5, {4}, 1},
         }) {
        INFO("client serial " << c.client);
        Transfer t = run(svc, xfr_query(dns::RrType::IXFR, c.client));
        std::vector<std::uint32_t> soas;
        for (const auto& r : t.rrs) {
            if (r.type == dns::RrType::SOA) soas.push_back(r.serial);
        }
        CHECK(soas == c.soa_serials);
        CHECK(t.rrs.size() == c.records + (c.client == 1 ? 1 : 0));
    }
}

TEST_CASE("transfers are refused outside the address ACL, without the required key, or with no policy", "[xfr]") {
    TempDir dir("enumd-xfr");
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store.ok());
    REQUIRE((*store)->write({zone(1)}).ok());
    struct Case {
        const char* what;
        xfr::Settings settings;
        const char* from;
        int rcode;
    };
    xfr::Settings none;
    xfr::Settings ten = none;
    ten.defaults.allow.add(*Acl::parse_entry("10.0.0.0/8"));
    ten.defaults.allow_set = true;
    xfr::Settings keyed = open_to_loopback();
    keyed.keys.push_back({N("xfr."), tsig::Algorithm::HmacSha256, {1, 2, 3, 4}});
    keyed.defaults.keys.push_back("xfr.");
    for (const auto& c : std::vector<Case>{{"no transfer policy", none, "127.0.0.1", 5},
                                           {"outside the allow list", ten, "127.0.0.1", 5},
                                           {"unsigned where a key is required", keyed, "127.0.0.1", 5},
                                           {"inside the allow list", open_to_loopback(), "127.0.0.1", 0}}) {
        INFO(c.what);
        xfr::Service svc(c.settings, **store);
        Transfer t = run(svc, xfr_query(dns::RrType::AXFR), c.from);
        CHECK(t.rcode == c.rcode);
        CHECK(t.messages == 1);
        if (c.rcode != 0) CHECK(t.rrs.empty());
    }
    // A zone we do not have: NOTAUTH (RFC 5936 §2.2.1).
    xfr::Service svc(open_to_loopback(), **store);
    std::vector<std::uint8_t> buf(512);
    dns::MessageWriter w(buf, 512);
    w.set_header(1, 0);
    w.add_question(N("example.org."), dns::RrType::AXFR, 1);
    buf.resize(w.size());
    CHECK(run(svc, buf).rcode == 9);
}
