#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/store.hpp"

using namespace enumd;
using zones::Lookup;

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

zones::Zone lab_zone(std::uint32_t serial = 1) {
    zones::Zone z;
    z.origin = N("e164.arpa.");
    z.records.push_back(rec("e164.arpa.", dns::RrType::SOA,
                            "ns1.example.net. hostmaster.example.net. " + std::to_string(serial) + " 3600 600 86400 300"));
    z.records.push_back(rec("e164.arpa.", dns::RrType::NS, "ns1.example.net."));
    z.records.push_back(rec("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", dns::RrType::NAPTR,
                            "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" ."));
    z.records.push_back(rec("*.1.0.5.5.5.2.1.6.e164.arpa.", dns::RrType::NAPTR,
                            "100 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" ."));
    z.records.push_back(rec("sub.e164.arpa.", dns::RrType::NS, "ns.sub.e164.arpa."));
    z.records.push_back(rec("ns.sub.e164.arpa.", dns::RrType::A, "192.0.2.53"));
    return z;
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / ("enumd-store-" + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("lookups find exact names, empty non-terminals, closest enclosers and cuts", "[store]") {
    TempDir dir;
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store.ok());
    REQUIRE((*store)->write({lab_zone()}).ok());
    auto reader = (*store)->reader();
    REQUIRE(reader.ok());
    zones::Reader& r = **reader;
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
    TempDir dir;
    auto store = zones::Store::open(dir.path.string());
    REQUIRE(store.ok());
    REQUIRE((*store)->write({lab_zone()}).ok());
    auto reader = (*store)->reader();
    REQUIRE(reader.ok());
    zones::Reader& r = **reader;
    REQUIRE(r.refresh());
    zones::Zone smaller = lab_zone(2);
    smaller.records.erase(smaller.records.begin() + 2);  // drop +61355500911
    REQUIRE((*store)->write({smaller}).ok());
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
