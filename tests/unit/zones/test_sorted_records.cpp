// Records streamed into the store (sorted_records.hpp): the external sort, and
// a zone written from the stream stored exactly as the same zone written from
// Zone::records (issue 12 item 8: transfers in no longer held in memory).

#include <catch2/catch.hpp>
#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "enumd/zones/sorted_records.hpp"
#include "zone_fixtures.hpp"

using namespace enumd;
using namespace enumd::testing;

namespace {

struct Plain {
    std::string key;
    std::uint16_t type;
    std::uint32_t ttl;
    std::vector<std::uint8_t> rdata;
};

std::vector<Plain> read_all(const zones::SortedRecords& s) {
    std::vector<Plain> out;
    REQUIRE(s.for_each([&](const zones::SortedRecord& r) {
        out.push_back({std::string(r.key), r.type, r.ttl, {r.rdata.begin(), r.rdata.end()}});
        return true;
    }));
    return out;
}

}  // namespace

TEST_CASE("RecordSorter: (key, type, rdata) order, repeats in input order, in memory and spilled", "[sorted_records]") {
    std::mt19937 rng(7);
    std::vector<Plain> input;
    for (int i = 0; i < 3000; ++i) {
        Plain p;
        p.key = std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 4));
        p.key.push_back('\0');
        p.type = static_cast<std::uint16_t>(1 + rng() % 3);
        p.ttl = static_cast<std::uint32_t>(i);  // the input position: which copy of a repeat came first
        p.rdata.resize(rng() % 5);
        for (auto& b : p.rdata) b = static_cast<std::uint8_t>(rng() % 3);
        input.push_back(p);
    }
    auto expected = input;
    std::stable_sort(expected.begin(), expected.end(), [](const Plain& a, const Plain& b) {
        if (a.key != b.key) return a.key < b.key;
        if (a.type != b.type) return a.type < b.type;
        return zones::rdata_less(a.rdata, b.rdata);
    });
    for (std::size_t run_bytes : {std::size_t{1} << 30, std::size_t{700}, std::size_t{1}}) {
        INFO("run bytes " << run_bytes);
        zones::RecordSorter sorter({}, run_bytes);
        for (const auto& p : input) REQUIRE(sorter.add(p.key, p.type, p.ttl, p.rdata));
        auto sorted = sorter.finish();
        REQUIRE(sorted);
        CHECK(sorted->size() == input.size());
        auto got = read_all(*sorted);
        REQUIRE(got.size() == expected.size());
        bool same = true;
        for (std::size_t i = 0; i < got.size(); ++i)
            same = same && got[i].key == expected[i].key && got[i].type == expected[i].type &&
                   got[i].ttl == expected[i].ttl && got[i].rdata == expected[i].rdata;
        CHECK(same);
        CHECK(read_all(*sorted).size() == got.size());  // read again: a write attempt may run twice
    }
}

TEST_CASE("RecordSorter refuses what cannot be stored", "[sorted_records]") {
    zones::RecordSorter sorter;
    std::vector<std::uint8_t> rd(3);
    CHECK_FALSE(sorter.add(std::string(600, 'a'), 1, 1, rd));
    CHECK(sorter.error().find("too long") != std::string::npos);
    CHECK(sorter.finish() == nullptr);
}

TEST_CASE("a zone written from streamed records is stored as the same zone from records", "[sorted_records][store]") {
    // Everything the node flags depend on: a delegation with glue and occluded data below it (and a nested
    // cut there), wildcards under the apex, under an empty non-terminal and under a node with records,
    // repeats with other TTLs (RFC 2181 §5), several types at one owner, names in mixed case.
    zones::Zone full;
    full.origin = N("zone.test.");
    const std::vector<zones::Record> apex = {
        rec("zone.test.", dns::RrType::SOA, "ns1.zone.test. h.zone.test. 7 3600 600 86400 300"),
        rec("zone.test.", dns::RrType::NS, "ns1.zone.test."),
        rec("zone.test.", dns::RrType::MX, "10 mail.zone.test."),
    };
    std::vector<zones::Record> rest = {
        rec("ns1.zone.test.", dns::RrType::A, "192.0.2.1"),
        rec("*.zone.test.", dns::RrType::TXT, "\"apex wildcard\""),
        rec("*.x.y.zone.test.", dns::RrType::A, "192.0.2.2"),
        rec("a.zone.test.", dns::RrType::A, "192.0.2.3"),
        rec("*.a.zone.test.", dns::RrType::A, "192.0.2.4"),
        rec("b.a.zone.test.", dns::RrType::A, "192.0.2.5"),
        rec("Sub.zone.test.", dns::RrType::NS, "ns.sub.zone.test."),
        rec("sub.zone.test.", dns::RrType::NS, "ns.other.test."),
        rec("ns.sub.zone.test.", dns::RrType::A, "192.0.2.6"),
        rec("deep.below.sub.zone.test.", dns::RrType::TXT, "\"occluded\""),
        rec("inner.sub.zone.test.", dns::RrType::NS, "ns.inner.test."),
        rec("after.zone.test.", dns::RrType::A, "192.0.2.7", 600),
        rec("after.zone.test.", dns::RrType::A, "192.0.2.7", 60),  // a repeat: its TTL does not count
        rec("after.zone.test.", dns::RrType::A, "192.0.2.8", 900),
        rec("after.zone.test.", dns::RrType::AAAA, "2001:db8::7"),
        rec("after.zone.test.", dns::RrType::TXT, "\"t\""),
        rec("1.2.3.zone.test.", dns::RrType::NAPTR, "10 10 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" ."),
        rec("1.2.3.zone.test.", dns::RrType::NAPTR, "20 10 \"u\" \"E2U+sip\" \"!^.*$!sip:c@b!\" ."),
    };
    for (int i = 0; i < 200; ++i)
        rest.push_back(rec(std::to_string(i % 10) + "." + std::to_string(i) + ".n.zone.test.", dns::RrType::A,
                           "198.51.100." + std::to_string(i % 250)));
    full.records = apex;
    full.records.insert(full.records.end(), rest.begin(), rest.end());

    zones::Zone streamed;
    streamed.origin = full.origin;
    streamed.records = apex;
    zones::RecordSorter sorter({}, 512);  // many runs: the merge is what writes
    const std::string origin_key = full.origin.to_lookup_key();
    std::reverse(rest.begin(), rest.end());  // arrival order does not matter, except among repeats
    std::stable_partition(rest.begin(), rest.end(), [](const zones::Record& r) { return r.ttl != 60; });
    for (const auto& r : rest)
        REQUIRE(sorter.add(r.owner.to_lookup_key().substr(origin_key.size()), static_cast<std::uint16_t>(r.type), r.ttl,
                           r.rdata));
    streamed.streamed = sorter.finish();
    REQUIRE(streamed.streamed);

    StoreFixture a({full}, "enumd-stream-a");
    StoreFixture b({streamed}, "enumd-stream-b");
    std::string da = dump_zone(*a.store, full.origin);
    std::string db = dump_zone(*b.store, full.origin);
    CHECK(db == da);
    CHECK(da.find("a.zone.test. flags=8") != std::string::npos);     // wildcard parent with records
    CHECK(da.find("zone.test. flags=9") != std::string::npos);       // the apex, a wildcard parent
    CHECK(da.find("x.y.zone.test. flags=8") != std::string::npos);   // an empty non-terminal one
    CHECK(da.find("below.sub.zone.test. flags=4") != std::string::npos);  // an occluded ENT
    CHECK(da.find("A 600 192.0.2.7") != std::string::npos);
    for (auto* f : {&a, &b}) REQUIRE(f->reader->refresh());
    const auto* za = a.reader->find_zone(full.origin);
    const auto* zb = b.reader->find_zone(full.origin);
    REQUIRE(za != nullptr);
    REQUIRE(zb != nullptr);
    CHECK(zb->meta.content_hash == za->meta.content_hash);
    CHECK(zb->meta.records == za->meta.records);
    CHECK(zb->meta.nodes == za->meta.nodes);
}
