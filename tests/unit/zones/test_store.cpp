#include <catch2/catch.hpp>

#include <filesystem>
#include <algorithm>
#include <random>

#include "enumd/zones/export.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "../common/fixtures.hpp"

using namespace enumd;
using namespace enumd::testing;
using zones::Lookup;

namespace {

zones::Zone lab_zone(std::uint32_t serial = 1) {
    zones::Zone z = e164_apex(serial);
    z.records.push_back(rec("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR,
                            "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" ."));
    z.records.push_back(rec("*.1.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR,
                            "100 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" ."));
    z.records.push_back(rec("sub.e164.arpa.", dns::RrType::NS, "ns.sub.e164.arpa."));
    z.records.push_back(rec("ns.sub.e164.arpa.", dns::RrType::A, "192.0.2.53"));
    return z;
}

}  // namespace

TEST_CASE("lookups find exact names, empty non-terminals, closest enclosers and cuts", "[store]") {
    StoreFixture f({lab_zone()});
    zones::Reader& r = *f.reader;
    REQUIRE(r.refresh());
    const zones::ZoneInfo* z = r.find_zone(N("4.3.2.1.0.5.5.5.2.1.6.E164.ARPA."));
    REQUIRE(z != nullptr);
    CHECK(z->origin == N("e164.arpa."));
    CHECK(r.find_zone(N("example.com.")) == nullptr);

    struct Case {
        const char* qname;
        Lookup::Kind kind;
        std::size_t encloser_labels;  // for Nonexistent
        bool has_data;                // for Exact
    };
    const Case cases[] = {
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", Lookup::Kind::Exact, 0, true},
        {"1.1.9.0.0.5.5.5.3.1.6.E164.arpa.", Lookup::Kind::Exact, 0, true},
        {"5.5.5.3.1.6.e164.arpa.", Lookup::Kind::Exact, 0, false},  // empty non-terminal
        {"e164.arpa.", Lookup::Kind::Exact, 0, true},
        {"2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", Lookup::Kind::Nonexistent, 12, false},
        {"9.1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", Lookup::Kind::Nonexistent, 13, false},
        {"9.9.1.9.0.0.5.5.5.3.1.6.e164.arpa.", Lookup::Kind::Nonexistent, 12, false},
        {"4.3.2.1.0.5.5.5.2.1.6.e164.arpa.", Lookup::Kind::Nonexistent, 10, false},
        {"7.e164.arpa.", Lookup::Kind::Nonexistent, 2, false},
        {"zzz.e164.arpa.", Lookup::Kind::Nonexistent, 2, false},
        {"sub.e164.arpa.", Lookup::Kind::Delegation, 0, false},
        {"www.sub.e164.arpa.", Lookup::Kind::Delegation, 0, false},
        {"ns.sub.e164.arpa.", Lookup::Kind::Delegation, 0, false},
    };
    for (const auto& c : cases) {
        INFO(c.qname);
        Lookup l = r.lookup(*z, N(c.qname));
        CHECK(l.kind == c.kind);
        if (c.kind == Lookup::Kind::Nonexistent) CHECK(l.encloser_labels == c.encloser_labels);
        if (c.kind == Lookup::Kind::Exact) CHECK(l.node.empty() == !c.has_data);
        if (c.kind == Lookup::Kind::Delegation) CHECK(l.node_name == N("sub.e164.arpa."));
    }
    // The range's closest encloser carries the wildcard-child flag.
    Lookup l = r.lookup(*z, N("4.3.2.1.0.5.5.5.2.1.6.e164.arpa."));
    CHECK((l.encloser.flags() & zones::node_flags::kWildcardChild) != 0);
    auto naptr = r.get(*z, N("1.1.9.0.0.5.5.5.3.1.6.e164.arpa."))->find(dns::RrType::NAPTR);
    REQUIRE(naptr.has_value());
    CHECK(naptr->count == 1);
    CHECK(naptr->ttl == 3600);
    r.release();
}

TEST_CASE("auto serial increases only when the content changes", "[store]") {
    TempDir dir;
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store.ok());
    zones::Zone z = lab_zone(5);
    z.auto_serial = true;
    auto w1 = (*store)->write({z});
    REQUIRE(w1.ok());
    CHECK(w1->zones.at(0).serial == 5);
    auto w2 = (*store)->write({z});
    REQUIRE(w2.ok());
    CHECK_FALSE(w2->zones.at(0).changed);
    CHECK(w2->zones.at(0).serial == 5);
    z.records.push_back(rec("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR,
                            "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server2.example.net!\" ."));
    auto w3 = (*store)->write({z});
    REQUIRE(w3.ok());
    CHECK(w3->zones.at(0).changed);
    CHECK(w3->zones.at(0).serial == 6);
    auto loaded = (*store)->load_zone(N("e164.arpa."));
    REQUIRE(loaded.ok());
    auto soa = std::find_if(loaded->records.begin(), loaded->records.end(),
                            [](const zones::Record& r) { return r.type == dns::RrType::SOA; });
    REQUIRE(soa != loaded->records.end());
    CHECK(zones::parse_soa(soa->rdata)->serial == 6);
}

TEST_CASE("a reader keeps its snapshot until refresh while a write replaces the zone", "[store]") {
    StoreFixture f({lab_zone()});
    zones::Reader& r = *f.reader;
    REQUIRE(r.refresh());
    zones::Zone smaller = lab_zone(2);
    smaller.records.erase(smaller.records.begin() + 2);  // drop +61355500911
    REQUIRE(f.store->write({smaller}).ok());
    const auto* z = r.find_zone(N("e164.arpa."));
    REQUIRE(z != nullptr);
    CHECK(r.lookup(*z, N("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.")).kind == Lookup::Kind::Exact);
    REQUIRE(r.refresh());
    z = r.find_zone(N("e164.arpa."));
    REQUIRE(z != nullptr);
    CHECK(r.lookup(*z, N("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.")).kind == Lookup::Kind::Nonexistent);
    r.release();
}

TEST_CASE("pruning removes zones not in the write and load_zone round-trips records", "[store]") {
    TempDir dir;
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store.ok());
    zones::Zone other;
    other.origin = N("3gppnetwork.org.");
    other.records.push_back(rec("3gppnetwork.org.", dns::RrType::SOA, "ns1.example.net. h.example.net. 1 1 1 1 1"));
    other.records.push_back(rec("epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.", dns::RrType::A, "192.0.2.10"));
    REQUIRE((*store)->write({lab_zone(), other}).ok());
    auto loaded = (*store)->load_zone(N("3gppnetwork.org."));
    REQUIRE(loaded.ok());
    CHECK(loaded->records.size() == 2);
    zones::WriteOptions opts;
    opts.prune_others = true;
    auto w = (*store)->write({lab_zone()}, opts);
    REQUIRE(w.ok());
    REQUIRE(w->removed.size() == 1);
    CHECK(w->removed[0] == N("3gppnetwork.org."));
    CHECK_FALSE((*store)->load_zone(N("3gppnetwork.org.")).ok());
}

TEST_CASE("a record given twice is stored once, the first copy's TTL counting, at any RRset size", "[store]") {
    struct Case {
        std::size_t distinct;
        std::size_t repeats;  // of the first `repeats` records, with a lower TTL that must not count
    };
    // 20,000 at one owner: the old per-record scan was quadratic there (0.5 s; 40,000: 3 s).
    for (Case c : {Case{3, 1}, Case{20000, 20000}}) {
        INFO(c.distinct << " distinct, " << c.repeats << " repeated");
        TempDir dir;
        auto store = zones::Store::open(dir.path.string());
        REQUIRE(store.ok());
        zones::Zone z = lab_zone();
        auto addr = [](std::size_t k) {
            return "10." + std::to_string((k >> 16) & 255) + "." + std::to_string((k >> 8) & 255) + "." +
                   std::to_string(k & 255);
        };
        for (std::size_t k = 0; k < c.distinct; ++k)
            z.records.push_back(rec("x.e164.arpa.", dns::RrType::A, addr(k), 600 + static_cast<std::uint32_t>(k % 7)));
        for (std::size_t k = 0; k < c.repeats; ++k) z.records.push_back(rec("x.e164.arpa.", dns::RrType::A, addr(k), 60));
        auto w = (*store)->write({z});
        REQUIRE(w.ok());
        CHECK(w->zones.at(0).records == 6 + c.distinct);
        auto reader = (*store)->reader();
        REQUIRE(reader.ok());
        REQUIRE((*reader)->refresh());
        const zones::ZoneInfo* zi = (*reader)->find_zone(N("e164.arpa."));
        REQUIRE(zi != nullptr);
        auto node = (*reader)->get(*zi, N("x.e164.arpa."));
        REQUIRE(node.has_value());
        auto a = node->find(dns::RrType::A);
        REQUIRE(a.has_value());
        CHECK(a->count == c.distinct);
        CHECK(a->ttl == 600);  // the repeats' 60 does not count
        // Stored in rdata order, each once.
        std::size_t off = 0;
        std::span<const std::uint8_t> rd;
        std::vector<std::uint8_t> prev;
        std::size_t n = 0;
        while (a->next(off, rd)) {
            std::vector<std::uint8_t> cur(rd.begin(), rd.end());
            if (n++ > 0) CHECK(prev < cur);
            prev = cur;
        }
        CHECK(n == c.distinct);
        (*reader)->release();
    }
}

TEST_CASE("YAML zones still refuse a record given twice, naming the first copy", "[store][yaml]") {
    std::string text =
        "origin: e164.arpa.\nsoa: {mname: ns1.example.net., rname: h.example.net.}\nns: [ns1.example.net.]\n"
        "records:\n";
    const std::size_t kDistinct = 5000;
    for (std::size_t k = 0; k < kDistinct; ++k)
        text += "  - {name: x, type: A, data: 10.0." + std::to_string(k / 256) + "." + std::to_string(k % 256) + "}\n";
    text += "  - {name: x, type: A, data: 10.0.0.7}\n";  // line 5 + kDistinct repeats line 5 + 7
    zones::Diagnostics d;
    auto z = zones::load_yaml_zone_text(text, "t.yaml", d);
    REQUIRE(z.has_value());
    zones::validate_zone(*z, d);
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].to_text() == "t.yaml:" + std::to_string(5 + kDistinct) +
                                      ":30: error: duplicate record x.e164.arpa. A 10.0.0.7 (first at t.yaml:12:30)");
}

TEST_CASE("the serial guard refuses content under an unchanged serial and serials that do not move forward",
          "[store][serial]") {
    // zones/README.md "Serial guard"; RFC 1982 §3.2 comparison, as secondaries apply it.
    struct Case {
        const char* what;
        std::uint32_t first;
        std::uint32_t second;
        bool second_changes_content;
        bool second_auto;
        bool guard;
        const char* refused;     // part of the error, or nullptr when the write goes through
        std::uint32_t stored;    // serial after the second write
    };
    const Case cases[] = {
        {"same content, same serial", 5, 5, false, false, true, nullptr, 5},
        {"new content, same serial", 5, 5, true, false, true, "content changed but serial 5 is unchanged", 5},
        {"new content, higher serial", 5, 6, true, false, true, nullptr, 6},
        {"same content, lower serial", 5, 4, false, false, true, "serial 4 is not newer than the stored 5", 5},
        {"new content, lower serial", 2026120201, 2026113001, true, false, true, "is not newer", 2026120201},
        {"wrap-around is newer (RFC 1982)", 0xFFFFFFF0u, 3, true, false, true, nullptr, 3},
        {"2^31 apart is undefined, not newer", 5, 5u + 0x80000000u, true, false, true, "is not newer", 5},
        {"guard off: the same serial is taken", 5, 5, true, false, false, nullptr, 5},
        {"guard off: a lower serial is taken", 5, 4, true, false, false, nullptr, 4},
        {"serial: auto moves on by itself", 5, 1, true, true, true, nullptr, 6},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        TempDir dir;
        auto store = zones::Store::open(dir.path.string());
        REQUIRE(store.ok());
        zones::WriteOptions opts;
        opts.serial_guard = c.guard;
        REQUIRE((*store)->write({lab_zone(c.first)}, opts).ok());
        zones::Zone next = lab_zone(c.second);
        next.auto_serial = c.second_auto;
        if (c.second_changes_content)
            next.records.push_back(rec("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR,
                                       "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:new@server1.example.net!\" ."));
        auto w = (*store)->write({next}, opts);
        if (c.refused != nullptr) {
            REQUIRE_FALSE(w.ok());
            CHECK(w.error().find(c.refused) != std::string::npos);
            CHECK(w.error().find("zone e164.arpa.") != std::string::npos);
        } else {
            REQUIRE(w.ok());
        }
        // A refused write leaves the stored version as it was: serial and records.
        auto loaded = (*store)->load_zone(N("e164.arpa."));
        REQUIRE(loaded.ok());
        std::optional<std::uint32_t> serial;
        bool has_new = false;
        for (const auto& r : loaded->records) {
            if (r.type == dns::RrType::SOA) serial = zones::parse_soa(r.rdata)->serial;
            has_new = has_new || r.owner == N("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.");
        }
        CHECK(serial == c.stored);
        CHECK(has_new == (c.refused == nullptr && c.second_changes_content));
    }
}

TEST_CASE("records in any order build the nodes the sorted records build", "[store]") {
    // The node table is built from the records in their order and sorted only when they were not in key order
    // (build_zone): an owner whose records are apart, the apex last, wildcards and empty non-terminals must
    // come out the same, node by node.
    zones::Zone sorted = lab_zone();
    sorted.records.push_back(rec("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR,
                                 "20 100 \"u\" \"E2U+sip\" \"!^.*$!sip:backup@server2.example.net!\" ."));
    sorted.records.push_back(rec("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::TXT, "\"two types\""));
    sorted.records.push_back(rec("*.7.e164.arpa.", dns::RrType::TXT, "\"wild\""));
    sorted.records.push_back(rec("9.8.7.e164.arpa.", dns::RrType::TXT, "\"deep\""));
    sorted.records.push_back(rec("e164.arpa.", dns::RrType::TXT, "\"apex\""));
    TempDir dir_a;
    auto a = zones::Store::open(dir_a.path.string());
    REQUIRE(a.ok());
    REQUIRE((*a)->write({sorted}).ok());
    auto want = (*a)->load_zone(N("e164.arpa."));
    REQUIRE(want.ok());
    const std::string want_text = zones::export_rfc1035(*want);
    std::mt19937 rng(20261205);
    for (int round = 0; round < 8; ++round) {
        zones::Zone shuffled = sorted;
        std::shuffle(shuffled.records.begin(), shuffled.records.end(), rng);
        if (round == 0) std::reverse(shuffled.records.begin(), shuffled.records.end());
        TempDir dir_b;
        auto b = zones::Store::open(dir_b.path.string());
        REQUIRE(b.ok());
        REQUIRE((*b)->write({shuffled}).ok());
        auto got = (*b)->load_zone(N("e164.arpa."));
        REQUIRE(got.ok());
        CHECK(zones::export_rfc1035(*got) == want_text);
        auto reader = (*b)->reader();
        REQUIRE(reader.ok());
        zones::Reader& r = **reader;
        REQUIRE(r.refresh());
        const zones::ZoneInfo* z = r.find_zone(N("e164.arpa."));
        REQUIRE(z != nullptr);
        CHECK(r.lookup(*z, N("5.5.5.3.1.6.e164.arpa.")).kind == Lookup::Kind::Exact);  // empty non-terminal
        CHECK(r.lookup(*z, N("8.7.e164.arpa.")).kind == Lookup::Kind::Exact);          // empty non-terminal
        Lookup wild_parent = r.lookup(*z, N("7.e164.arpa."));
        REQUIRE(wild_parent.kind == Lookup::Kind::Exact);
        CHECK((wild_parent.node.flags() & zones::node_flags::kWildcardChild) != 0);
        CHECK(r.lookup(*z, N("ns.sub.e164.arpa.")).kind == Lookup::Kind::Delegation);
        auto node = r.get(*z, N("1.1.9.0.0.5.5.5.3.1.6.e164.arpa."));
        REQUIRE(node.has_value());
        auto naptr = node->find(dns::RrType::NAPTR);
        REQUIRE(naptr.has_value());
        CHECK(naptr->count == 2);
        CHECK(node->find(dns::RrType::TXT).has_value());
        r.release();
    }
}
