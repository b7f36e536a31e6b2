#include <catch2/catch.hpp>
#include <string>

#include "enumd/zones/diff.hpp"
#include "enumd/zones/rdata_text.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;

namespace {

Name N(const char* s) {
    auto r = Name::from_text(s);
    REQUIRE(r.ok());
    return *r;
}

Record R(const char* owner, RrType type, std::uint32_t ttl, const char* data) {
    auto rd = rdata_from_text(type, data, N("e164.arpa."));
    REQUIRE(rd.ok());
    return Record{N(owner), type, ttl, *rd, {}, false, {}};
}

const char* kSoa = "ns1.example.net. h.example.net. 1 7200 3600 1209600 300";
const char* kRange = "100 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:\\\\1@server2.example.net!\" .";
const char* kS1 = "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" .";
const char* kS2 = "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server2.example.net!\" .";
const char* kS3 = "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server3.example.net!\" .";

Zone base() {
    Zone z;
    z.origin = N("e164.arpa.");
    z.records = {
        R("e164.arpa.", RrType::SOA, 3600, kSoa),
        R("e164.arpa.", RrType::NS, 3600, "ns1.example.net."),
        R("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, 3600, kS1),
        R("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, 3600, kS2),
        R("*.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, kRange),
    };
    return z;
}

}  // namespace

TEST_CASE("identical zones have no difference, whatever the record order and duplicates", "[diff]") {
    Zone a = base();
    Zone b = base();
    std::swap(b.records[2], b.records[3]);
    b.records.push_back(b.records[4]);
    CHECK(diff_zones({a}, {b}).empty());
    CHECK(diff_to_text(diff_zones({a}, {b})).empty());
}

TEST_CASE("changes are reported RRset by RRset: added, removed, changed records and TTLs", "[diff]") {
    struct Case {
        const char* what;
        void (*edit)(Zone&);
        std::size_t added, removed, changed;
        const char* text;  // the whole report
    };
    const Case cases[] = {
        {"a new number",
         [](Zone& z) { z.records.push_back(R("5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 300, kS3)); }, 1, 0, 0,
         "zone e164.arpa.: 1 RRset added, 0 removed, 0 changed\n"
         "+ 5.4.3.2.0.5.5.5.2.1.6.e164.arpa. NAPTR (added, TTL 300)\n"
         "+     10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server3.example.net!\" .\n"},
        {"a range removed", [](Zone& z) { z.records.pop_back(); }, 0, 1, 0,
         "zone e164.arpa.: 0 RRsets added, 1 removed, 0 changed\n"
         "- *.2.0.5.5.5.2.1.6.e164.arpa. NAPTR (removed, TTL 3600)\n"
         "-     100 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:\\\\1@server2.example.net!\" .\n"},
        {"one record of a 50/50 split replaced",
         [](Zone& z) { z.records[3] = R("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, 3600, kS3); }, 0, 0, 1,
         "zone e164.arpa.: 0 RRsets added, 0 removed, 1 changed\n"
         "~ 2.1.9.0.0.5.5.5.3.1.6.e164.arpa. NAPTR (changed, TTL 3600)\n"
         "      10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" .\n"
         "-     10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server2.example.net!\" .\n"
         "+     10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server3.example.net!\" .\n"},
        {"a TTL change only", [](Zone& z) { z.records[1].ttl = 86400; }, 0, 0, 1,
         "zone e164.arpa.: 0 RRsets added, 0 removed, 1 changed\n"
         "~ e164.arpa. NS (changed, TTL 3600 -> 86400)\n"
         "      ns1.example.net.\n"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        Zone after = base();
        c.edit(after);
        auto diffs = diff_zones({base()}, {after});
        REQUIRE(diffs.size() == 1);
        DiffCounts n = count_changes(diffs[0]);
        CHECK(n.added == c.added);
        CHECK(n.removed == c.removed);
        CHECK(n.changed == c.changed);
        CHECK(diff_to_text(diffs) == c.text);
    }
}

TEST_CASE("zones present on one side only are whole-zone additions or removals", "[diff]") {
    Zone other;
    other.origin = N("3gppnetwork.org.");
    other.records = {R("3gppnetwork.org.", RrType::SOA, 300, kSoa),
                     R("epdg.epc.mnc001.mcc505.pub.3gppnetwork.org.", RrType::A, 300, "192.0.2.11")};
    auto diffs = diff_zones({base(), other}, {base()});
    REQUIRE(diffs.size() == 1);
    CHECK(diffs[0].kind == ZoneDiff::Kind::Removed);
    CHECK(count_changes(diffs[0]).removed == 2);
    CHECK(diff_to_text(diffs).rfind("zone 3gppnetwork.org. (zone removed): 0 RRsets added, 2 removed", 0) == 0);

    diffs = diff_zones({base()}, {other, base()});
    REQUIRE(diffs.size() == 1);
    CHECK(diffs[0].kind == ZoneDiff::Kind::Added);
    CHECK(count_changes(diffs[0]).added == 2);
}

TEST_CASE("RRsets come out in canonical order with sorted, unique rdata", "[diff]") {
    Zone z = base();
    z.records.push_back(z.records[2]);
    auto sets = rrsets_of(z);
    REQUIRE(sets.size() == 4);
    CHECK(sets[0].owner == N("e164.arpa."));
    CHECK(sets[0].type == RrType::NS);
    CHECK(sets[1].type == RrType::SOA);
    CHECK(sets[2].owner == N("*.2.0.5.5.5.2.1.6.e164.arpa."));
    CHECK(sets[3].owner == N("2.1.9.0.0.5.5.5.3.1.6.e164.arpa."));
    CHECK(sets[3].rdatas.size() == 2);
    CHECK(sets[3].rdatas[0] < sets[3].rdatas[1]);
}

TEST_CASE("RRsets the compiler generated are marked as generated in the report", "[diff]") {
    Zone after = base();
    Record copy = R("*.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, kRange);
    copy.generated = true;
    after.records.push_back(copy);
    Record typed = R("5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, kS3);
    after.records.push_back(typed);
    std::string text = diff_to_text(diff_zones({base()}, {after}));
    CHECK(text.find("+ *.3.2.0.5.5.5.2.1.6.e164.arpa. NAPTR (added, TTL 3600, generated)\n") != std::string::npos);
    CHECK(text.find("+ 5.4.3.2.0.5.5.5.2.1.6.e164.arpa. NAPTR (added, TTL 3600)\n") != std::string::npos);
    // The same content typed on one side and generated on the other is no change.
    Zone marked = base();
    for (auto& r : marked.records) r.generated = true;
    CHECK(diff_zones({base()}, {marked}).empty());
}

TEST_CASE("serial_problems: a diff says when secondaries will not follow the change", "[diff][serial]") {
    // zones/README.md "Serial guard"; RFC 1982 §3.2.
    struct Case {
        const char* what;
        const char* new_soa;
        bool new_content;
        bool new_auto;
        const char* problem;  // part of the one sentence, or nullptr: none
    };
    const Case cases[] = {
        {"content changed, serial unchanged", "ns1.example.net. h.example.net. 1 7200 3600 1209600 300", true, false,
         "zone e164.arpa.: content changed but serial 1 unchanged: secondaries will not pick this up"},
        {"content changed, serial raised", "ns1.example.net. h.example.net. 2 7200 3600 1209600 300", true, false,
         nullptr},
        {"serial lowered", "ns1.example.net. h.example.net. 0 7200 3600 1209600 300", false, false,
         "serial goes from 1 to 0, which is not newer (RFC 1982)"},
        {"only the SOA's refresh changed", "ns1.example.net. h.example.net. 1 100 3600 1209600 300", false, false,
         nullptr},
        {"new side serial: auto", "ns1.example.net. h.example.net. 1 7200 3600 1209600 300", true, true, nullptr},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        Zone before = base();
        Zone after = base();
        after.records[0] = R("e164.arpa.", RrType::SOA, 3600, c.new_soa);
        after.auto_serial = c.new_auto;
        if (c.new_content) after.records.push_back(R("3.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, 3600, kS3));
        auto diffs = diff_zones({before}, {after});
        auto problems = serial_problems({before}, {after}, diffs);
        if (c.problem == nullptr) {
            CHECK(problems.empty());
        } else {
            REQUIRE(problems.size() == 1);
            CHECK(problems[0].find(c.problem) != std::string::npos);
        }
    }
}
