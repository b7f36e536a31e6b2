// Views through the query pipeline (zones/README.md "Views", server/README.md "Views and EDNS
// Client Subnet"): the client's address chooses (IPv4, IPv6, IPv4-mapped folded to IPv4), a
// trusted resolver's ECS chooses instead and gets the option back with the RFC 7871 §7.2.1 scope,
// malformed ECS is FORMERR (§6), and neither a zone with views nor one without allocates.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "../../../server/src/query/pipeline.hpp"
#include "allocation_counter.hpp"
#include "enumd/dns/client_subnet.hpp"
#include "enumd/dns/wire.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "peer_address.hpp"
#include "server_fixtures.hpp"

using namespace enumd;
using enumd::testing::N;

namespace {

const std::string kZone =
    "origin: example.net.\n"
    "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
    "ns: [ns1.example.net.]\n"
    "records:\n"
    "  - {name: epdg, type: A, data: 192.0.2.1}\n"
    "  - {name: epdg, type: AAAA, data: \"2001:db8::1\"}\n"
    "  - {name: alias, type: CNAME, data: epdg}\n"
    "views:\n"
    "  - {name: au, match: [127.0.0.2/32, 198.51.100.0/24, \"2001:db8:a::/48\"], records: [{name: epdg, type: A, data: 203.0.113.61}]}\n"
    "  - {name: uk, match: [127.0.0.0/24, 192.0.2.128/25], records: [{name: epdg, type: A, data: 203.0.113.44}]}\n";

zones::Zone views_zone() {
    zones::Diagnostics d;
    auto z = zones::load_yaml_zone_text(kZone, "v.yaml", d);
    REQUIRE(z);
    zones::validate_zone(*z, d);
    for (const auto& i : d.items) UNSCOPED_INFO(i.to_text());
    REQUIRE_FALSE(d.has_errors());
    return *z;
}

zones::Zone plain_zone() {
    zones::Zone z;
    z.origin = N("example.org.");
    z.records = {enumd::testing::rec("example.org.", dns::RrType::SOA, "ns1.example.net. h.example.net. 1 3600 600 86400 300"),
                 enumd::testing::rec("example.org.", dns::RrType::NS, "ns1.example.net."),
                 enumd::testing::rec("www.example.org.", dns::RrType::A, "192.0.2.80")};
    return z;
}

std::vector<std::uint8_t> hex(const std::string& s) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
    return out;
}

/// A query, with an ECS option of `ecs_data` (hex option data) when given.
std::vector<std::uint8_t> make_query(const std::string& qname, dns::RrType t, const std::string& ecs_data = "") {
    std::array<std::uint8_t, 512> buf{};
    dns::MessageWriter w(buf, buf.size());
    w.set_header(0x1234, 0);
    REQUIRE(w.add_question(N(qname), t, 1));
    std::vector<std::uint8_t> opt;
    if (!ecs_data.empty()) {
        auto data = hex(ecs_data);
        opt = {0, 8, static_cast<std::uint8_t>(data.size() >> 8), static_cast<std::uint8_t>(data.size())};
        opt.insert(opt.end(), data.begin(), data.end());
    }
    REQUIRE(w.add_opt(1232, 0, 0, false, opt));
    return {w.data().begin(), w.data().end()};
}

struct Reply {
    int rcode = -1;
    std::vector<std::string> addresses;  // A rdata of the answer section, dotted
    std::string ecs;                     // the ECS option data, hex; empty without one
};

Reply read_reply(std::span<const std::uint8_t> msg) {
    Reply r;
    dns::MessageView v;
    REQUIRE(dns::parse_message(msg, v) == dns::MessageParse::Ok);
    r.rcode = v.header.rcode();
    auto recs = v.records(dns::Section::Answer);
    for (dns::RecordView rr; recs.next(rr);) {
        if (rr.type != dns::RrType::A || rr.rdata.size() != 4) continue;
        r.addresses.push_back(std::to_string(rr.rdata[0]) + "." + std::to_string(rr.rdata[1]) + "." +
                              std::to_string(rr.rdata[2]) + "." + std::to_string(rr.rdata[3]));
    }
    if (v.edns && v.edns->has_client_subnet) {
        static const char* d = "0123456789abcdef";
        for (auto c : v.edns->client_subnet) {
            r.ecs += d[c >> 4];
            r.ecs += d[c & 15];
        }
    }
    return r;
}

struct PipelineFixture : enumd::testing::StoreFixture {
    server::ThreadStats stats;
    server::AnswerOptions options;
    server::Acl everyone = server::Acl::everyone();
    server::Acl trusted;
    server::query::Pipeline pipeline;
    explicit PipelineFixture(bool ecs)
        : StoreFixture({views_zone(), plain_zone()}, "enumd-views"),
          trusted([] {
              server::Acl a;
              a.add(*server::Acl::parse_entry("127.0.0.9/32"));
              a.add(*server::Acl::parse_entry("::9"));
              return a;
          }()),
          pipeline(server::query::PipelineParts{reader.get(), &stats, &options, &everyone, nullptr, nullptr, nullptr,
                                                nullptr, nullptr, ecs ? &trusted : nullptr}) {}
    Reply ask(const std::vector<std::uint8_t>& q, const std::string& peer) {
        std::array<std::uint8_t, 65535> out{};
        sockaddr_storage sa = enumd::testing::peer_address(peer);
        auto h = pipeline.handle(q, out, server::Transport::Udp, reinterpret_cast<const sockaddr*>(&sa));
        REQUIRE(h.next == server::query::Next::Send);
        REQUIRE(h.size > 0);
        return read_reply({out.data(), h.size});
    }
};

}  // namespace

TEST_CASE("the client's address chooses the view: IPv4, IPv6, IPv4-mapped, first match, else the default",
          "[views]") {
    PipelineFixture f(false);
    struct Case {
        std::string peer;
        std::string qname;
        std::vector<std::string> a;
    };
    const std::vector<Case> cases = {
        {"127.0.0.2", "epdg.example.net.", {"203.0.113.61"}},          // au before uk (both hold it)
        {"127.0.0.5", "epdg.example.net.", {"203.0.113.44"}},          // uk
        {"::ffff:127.0.0.2", "epdg.example.net.", {"203.0.113.61"}},   // mapped: matched as IPv4
        {"::ffff:127.0.0.5", "epdg.example.net.", {"203.0.113.44"}},
        {"2001:db8:a::7", "epdg.example.net.", {"203.0.113.61"}},
        {"2001:db8:b::7", "epdg.example.net.", {"192.0.2.1"}},
        {"10.1.2.3", "epdg.example.net.", {"192.0.2.1"}},
        {"127.0.0.2", "alias.example.net.", {"203.0.113.61"}},         // through the CNAME
        {"127.0.0.2", "www.example.org.", {"192.0.2.80"}},             // a zone without views
    };
    for (const auto& c : cases) {
        INFO(c.peer << " " << c.qname);
        Reply r = f.ask(make_query(c.qname, dns::RrType::A), c.peer);
        CHECK(r.rcode == 0);
        CHECK(r.addresses == c.a);
        CHECK(r.ecs.empty());
    }
    // Without client_subnet configured, ECS is an unknown option: ignored, not echoed, even malformed.
    // (198.51.100.0/24 would choose au; 127.0.0.9 is uk's.)
    Reply r = f.ask(make_query("epdg.example.net.", dns::RrType::A, "00011800c63364"), "127.0.0.9");
    CHECK(r.addresses == std::vector<std::string>{"203.0.113.44"});
    CHECK(r.ecs.empty());
    r = f.ask(make_query("epdg.example.net.", dns::RrType::A, "0003"), "127.0.0.9");
    CHECK(r.rcode == 0);
}

TEST_CASE("a trusted resolver's ECS chooses the view and comes back with the scope that chose", "[views]") {
    PipelineFixture f(true);
    struct Case {
        std::string peer;
        std::string qname;
        std::string ecs;  // query option data, hex
        int rcode;
        std::vector<std::string> a;
        std::string reply_ecs;  // option data in the reply, hex
    };
    const std::vector<Case> cases = {
        // 198.51.100.0/24 → au, scope 24 (the matched network)
        {"127.0.0.9", "epdg.example.net.", "00011800c63364", 0, {"203.0.113.61"}, "00011818c63364"},
        // 192.0.2.128/25 → uk: 25 bits, and au's networks are further off
        {"127.0.0.9", "epdg.example.net.", "00011900c0000280", 0, {"203.0.113.44"}, "00011919c0000280"},
        // 10.0.0.0/8 → default: 2 bits keep 10/8 clear of every view network
        {"127.0.0.9", "epdg.example.net.", "000108000a", 0, {"192.0.2.1"}, "000108020a"},
        // IPv6 2001:db8:a::/48 → au from an IPv6 resolver
        {"::9", "epdg.example.net.", "0002300020010db8000a", 0, {"203.0.113.61"}, "0002303020010db8000a"},
        // SOURCE 0: the resolver's own address (127.0.0.9 → uk) chooses, scope 0
        {"127.0.0.9", "epdg.example.net.", "00010000", 0, {"203.0.113.44"}, "00010000"},
        // a zone without views: scope 0
        {"127.0.0.9", "www.example.org.", "00011800c63364", 0, {"192.0.2.80"}, "00011800c63364"},
        // untrusted: its own address chooses (127.0.0.5 → uk), no option back
        {"127.0.0.5", "epdg.example.net.", "00011800c63364", 0, {"203.0.113.44"}, ""},
        // malformed, from anyone: FORMERR (RFC 7871 §6)
        {"127.0.0.9", "epdg.example.net.", "00031800c63364", 1, {}, ""},
        {"127.0.0.5", "epdg.example.net.", "00012100c633640700", 1, {}, ""},
        {"127.0.0.9", "epdg.example.net.", "00011100c63381", 1, {}, ""},
        {"127.0.0.9", "epdg.example.net.", "00011800c6336400", 1, {}, ""},
        {"127.0.0.9", "epdg.example.net.", "00011818c63364", 1, {}, ""},
    };
    for (const auto& c : cases) {
        INFO(c.peer << " " << c.qname << " ECS " << c.ecs);
        Reply r = f.ask(make_query(c.qname, dns::RrType::A, c.ecs), c.peer);
        CHECK(r.rcode == c.rcode);
        CHECK(r.addresses == c.a);
        CHECK(r.ecs == c.reply_ecs);
    }
}

TEST_CASE("answering with views, by address or by ECS, makes no heap allocation", "[views][answer]") {
    PipelineFixture f(true);
    const std::vector<std::pair<std::vector<std::uint8_t>, std::string>> queries = {
        {make_query("epdg.example.net.", dns::RrType::A), "127.0.0.2"},
        {make_query("alias.example.net.", dns::RrType::A), "2001:db8:a::1"},
        {make_query("epdg.example.net.", dns::RrType::A, "00011800c63364"), "127.0.0.9"},
        {make_query("www.example.org.", dns::RrType::A, "00011800c63364"), "127.0.0.9"},
        {make_query("nope.example.net.", dns::RrType::A), "127.0.0.5"},
    };
    std::vector<sockaddr_storage> peers;
    for (const auto& q : queries) peers.push_back(enumd::testing::peer_address(q.second));
    std::array<std::uint8_t, 65535> out{};
    auto once = [&] {
        for (std::size_t i = 0; i < queries.size(); ++i)
            REQUIRE(f.pipeline.handle(queries[i].first, out, server::Transport::Udp,
                                      reinterpret_cast<const sockaddr*>(&peers[i]))
                        .size > 0);
    };
    once();  // the first refresh loads the zone table and the views (allocates, once)
    long before = heap_allocations();
    for (int round = 0; round < 100; ++round) once();
    CHECK(heap_allocations() - before == 0);
}
