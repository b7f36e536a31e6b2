// Live changes (issue 11, zones/README.md "Live changes"): Store::apply edits
// a compiled zone in one transaction — the result serves exactly what the
// same change compiled from the file serves, readers see it, the journal
// holds exactly the change, a failing item changes nothing, and the change
// survives a recompile of the file.
#include <algorithm>
#include <catch2/catch.hpp>
#include <lmdb.h>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "enumd/zones/change.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using enumd::testing::N;
using enumd::testing::TempDir;
using namespace enumd::zones;

namespace {

const std::string kHead =
    "origin: 1.6.e164.arpa.\n"
    "ttl: 600\n"
    "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 7}\n"
    "ns: [ns1.example.net.]\n"
    "routes:\n"
    "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10},\n"
    "            {uri: \"sip:{number}@backup.telstra.example\", order: 20}]\n"
    "  ported: \"tel:{number};npdi;rn={rn}\"\n"
    "numbers:\n"
    "  - {number: \"+61 3 5550 0911\", route: telstra}\n"
    "  - {number: \"+61 3 5550 0912\", naptr: \"sip:a@one.example\"}\n"
    "  - {number: \"+61 2 5550 2*\", naptr: \"sip:{number}@range.example\"}\n"
    "  - {number: \"+61 2 5550 2345\", naptr: \"sip:x@exception.example\"}\n";
const std::string kRecords =
    "records:\n"
    "  - {name: \"8.8\", type: NS, data: ns.child.example.}\n";

Zone load(const std::string& numbers_extra, const std::string& records = kRecords) {
    Diagnostics diags;
    auto z = load_yaml_zone_text(kHead + numbers_extra + records, "t.yaml", diags);
    INFO(enumd::testing::all_diags(diags));
    REQUIRE(z);
    validate_zone(*z, diags);
    REQUIRE(!diags.has_errors());
    return *z;
}

/// Every record but the SOA as "owner ttl TYPE rdata", sorted.
std::vector<std::string> content(Store& s) {
    auto z = s.load_zone(N("1.6.e164.arpa."));
    REQUIRE(z.ok());
    std::vector<std::string> out;
    for (const auto& r : z->records) {
        if (r.type == RrType::SOA) continue;
        out.push_back(r.owner.to_text() + " " + std::to_string(r.ttl) + " " + enumd::dns::to_text(r.type) + " " +
                      rdata_to_text(r.type, r.rdata));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Every node's owner and structural flags (apex, cut, wildcard child) in canonical order.
std::vector<std::string> shape(Store& s) {
    auto rd = s.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    std::vector<std::string> out;
    const auto mask = static_cast<std::uint8_t>(node_flags::kApex | node_flags::kDelegation | node_flags::kOccluded |
                                                node_flags::kWildcardChild);
    (*rd)->for_each_node(*(*rd)->find_zone(N("1.6.e164.arpa.")), [&](const Name& owner, NodeView v) {
        out.push_back(owner.to_text() + " " + std::to_string(v.flags() & mask));
        return true;
    });
    (*rd)->release();
    return out;
}

struct Db {
    TempDir dir{"enumd-live"};
    std::unique_ptr<Store> store;
    explicit Db(const Zone& z) {
        auto s = Store::open(dir.path.string());
        REQUIRE(s.ok());
        store = std::move(*s);
        REQUIRE(store->write({z}).ok());
    }
    std::uint32_t serial() {
        auto r = store->reader();
        REQUIRE(r.ok());
        REQUIRE((*r)->refresh());
        return (*r)->find_zone(N("1.6.e164.arpa."))->meta.serial;
    }
};

Naptr naptr(const std::string& uri) {
    Naptr n;
    n.service = "E2U+sip";
    n.regexp = "!^.*$!" + uri + "!";
    n.replacement = N(".");
    return n;
}

}  // namespace

TEST_CASE("a change set applied live serves exactly what the same change compiled from the file serves", "[live]") {
    struct Case {
        Case(std::string n, std::vector<Change> c, std::string numbers, std::string records = kRecords,
             std::string replace = {})
            : name(std::move(n)),
              changes(std::move(c)),
              numbers_after(std::move(numbers)),
              records_after(std::move(records)),
              replace_0912(std::move(replace)) {}
        std::string name;
        std::vector<Change> changes;
        std::string numbers_after;  // the file's extra numbers that mean the same
        std::string records_after;
        std::string replace_0912;  // the file's entry for +61355500912 after the change
    };
    const std::vector<Case> cases = {
        {"route on a new number",
         {Change::set_route("+61355500999", "telstra")},
         "  - {number: \"+61355500999\", route: telstra}\n"},
        {"route with a routing number",
         {Change::set_route("+61 3 5550 0950", "ported", "+61 4 0000 1234")},
         "  - {number: \"+61355500950\", route: ported, rn: \"+61400001234\"}\n"},
        {"explicit NAPTRs on a new number",
         {Change::set_naptr("+61355500960", {naptr("sip:n@x.example")})},
         "  - {number: \"+61355500960\", naptr: \"sip:n@x.example\"}\n"},
        {"a route for a number that had NAPTRs: its records are replaced",
         {Change::set_route("+61 3 5550 0912", "telstra")},
         "",
         kRecords,
         "{number: \"+61 3 5550 0912\", route: telstra}"},
        {"a number set inside a prefix range keeps the range for every other number",
         {Change::set_route("+61 2 5550 2399", "telstra")},
         "  - {number: \"+61255502399\", route: telstra}\n"},
        {"a number inside a range below an exception's empty non-terminal",
         {Change::set_naptr("+61 2 5550 2341", {naptr("sip:y@x.example")})},
         "  - {number: \"+61255502341\", naptr: \"sip:y@x.example\"}\n"},
        {"many changes in one set",
         {Change::set_route("+61355500970", "telstra"), Change::set_route("+61355500971", "telstra"),
          Change::set_route("+61355500970", "ported", "+61400000001")},
         "  - {number: \"+61355500970\", route: ported, rn: \"+61400000001\"}\n"
         "  - {number: \"+61355500971\", route: telstra}\n"},
        {"a record added at a new owner (RFC 2136)",
         {Change::add_rr(N("9.9.1.6.e164.arpa."), RrType::TXT, 600, *rdata_from_text(RrType::TXT, "\"hi\"", N(".")))},
         "",
         kRecords + "  - {name: \"9.9\", type: TXT, data: '\"hi\"'}\n"},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            Db live(load(""));
            std::uint32_t before = live.serial();
            auto r = live.store->apply(N("1.6.e164.arpa."), c.changes);
            INFO(r.error_text());
            REQUIRE(r.ok());
            CHECK(r.report->changed);
            CHECK(live.serial() == before + 1);
            std::string head = kHead;
            const std::string from = "{number: \"+61 3 5550 0912\", naptr: \"sip:a@one.example\"}";
            if (!c.replace_0912.empty()) head.replace(head.find(from), from.size(), c.replace_0912);
            Diagnostics d;
            auto after = load_yaml_zone_text(head + c.numbers_after + c.records_after, "t.yaml", d);
            REQUIRE(after);
            Db compiled(*after);
            CHECK(content(*live.store) == content(*compiled.store));
            CHECK(shape(*live.store) == shape(*compiled.store));  // the same nodes (ENTs) with the same flags
        }
    }
}

TEST_CASE("a reader sees a live change at its next refresh, and the change is journaled exactly", "[live]") {
    Db db(load(""));
    auto rd = db.store->reader();
    REQUIRE(rd.ok());
    Reader& r = **rd;
    REQUIRE(r.refresh());
    const Name owner = N("9.9.9.0.0.5.5.5.3.1.6.e164.arpa.");
    CHECK_FALSE(r.get(*r.find_zone(owner), owner).has_value());
    r.release();

    auto res = db.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61355500999", "ported", "+61400001234")});
    REQUIRE(res.ok());
    REQUIRE(r.refresh());
    const ZoneInfo& zi = *r.find_zone(owner);
    CHECK(zi.meta.serial == 8);
    auto node = r.get(zi, owner);
    REQUIRE(node.has_value());
    auto rs = node->find(RrType::NAPTR);
    REQUIRE(rs.has_value());
    std::size_t off = 0;
    std::span<const std::uint8_t> rdata;
    REQUIRE(rs->next(off, rdata));
    CHECK(rdata_to_text(RrType::NAPTR, {rdata.begin(), rdata.end()}) ==
          "10 100 \"u\" \"E2U+pstn:tel\" \"!^(.*)$!tel:\\\\1;npdi;rn=+61400001234!\" .");

    // RFC 1995 §4: old SOA, removed records, new SOA, added records — here only the added NAPTR.
    auto j = r.journal(zi, 7);
    REQUIRE(j.has_value());
    CHECK(j->from_serial() == 7);
    CHECK(j->to_serial() == 8);
    CHECK(j->removed_count() == 1);
    CHECK(j->added_count() == 2);
    std::vector<std::string> recs;
    std::size_t jo = 0;
    JournalRecord jr;
    while (j->next(jo, jr)) recs.push_back(jr.owner.to_text() + " " + enumd::dns::to_text(jr.type));
    CHECK(recs == std::vector<std::string>{"1.6.e164.arpa. SOA", "1.6.e164.arpa. SOA",
                                           "9.9.9.0.0.5.5.5.3.1.6.e164.arpa. NAPTR"});
    r.release();
}

TEST_CASE("no change reaches a name below a zone cut, whether the name exists (glue) or not", "[live]") {
    // 8.8 is delegated with in-zone glue at 1.2.8.8: that node exists, marked below the cut.
    Db db(load("", kRecords + "  - {name: \"8.8\", type: NS, data: 1.2.8.8.1.6.e164.arpa.}\n"
                              "  - {name: \"1.2.8.8\", type: A, data: 192.0.2.53}\n"));
    auto before = content(*db.store);
    struct Case {
        Change change;
        const char* what;
    };
    const Case cases[] = {
        {Change::set_route("+61 8 8 2 1", "telstra"), "number at the glue"},
        {Change::set_route("+61 8 8 2 1 7", "telstra"), "new number below the glue"},
        {Change::set_route("+61 8 8 3", "telstra"), "new number below the cut"},
        {Change::delete_number("+61 8 8 2 1"), "deleting the glue's name as a number"},
        {Change::add_rr(N("1.2.8.8.1.6.e164.arpa."), RrType::TXT, 60,
                        *rdata_from_text(RrType::TXT, "x", N("."))),
         "record at the glue"},
        {Change::add_rr(N("x.1.2.8.8.1.6.e164.arpa."), RrType::TXT, 60,
                        *rdata_from_text(RrType::TXT, "x", N("."))),
         "record below the glue"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        auto r = db.store->apply(N("1.6.e164.arpa."), {c.change});
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.error_text(), Catch::Contains("below the delegation at 8.8.1.6.e164.arpa."));
        CHECK(content(*db.store) == before);
    }
    // Beside the cut, a number still goes in.
    REQUIRE(db.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61 8 9 1", "telstra")}).ok());
}

TEST_CASE("a change set with one bad item changes nothing and names the item", "[live]") {
    struct Case {
        Change bad;
        ApplyFailure reason;
        std::string message;
    };
    Change bad_regexp = Change::set_naptr("+61355500931", {naptr("sip:x@y")});
    bad_regexp.naptrs[0].regexp = "!^(.*$!sip:x@y!";
    Change outside = Change::add_rr(N("example.org."), RrType::TXT, 60, *rdata_from_text(RrType::TXT, "x", N(".")));
    const std::vector<Case> cases = {
        {Change::set_route("+61355500931", "telstar"), ApplyFailure::Invalid, "unknown route 'telstar'"},
        {Change::set_route("+4420 7946 0000", "telstra"), ApplyFailure::NotZone, "outside zone"},
        {Change::set_route("+61355500931", "ported"), ApplyFailure::Invalid, "needs 'rn'"},
        {Change::set_route("+61355500931", "telstra", "+61400001234"), ApplyFailure::Invalid, "has no {rn}"},
        {Change::set_route("+6135550x0931", "telstra"), ApplyFailure::Invalid, "number '+6135550x0931'"},
        {bad_regexp, ApplyFailure::Invalid, "regexp"},
        {Change::set_naptr("+61355500931", {}), ApplyFailure::Invalid, "no NAPTR records"},
        {Change::set_route("+61 8 8 1234", "telstra"), ApplyFailure::Invalid,
         "below the delegation at 8.8.1.6.e164.arpa."},
        {Change::set_route("+6188", "telstra"), ApplyFailure::Invalid, "is a delegation"},
        {Change::delete_number("+61355500939"), ApplyFailure::NotFound, "has no records"},
        {outside, ApplyFailure::NotZone, "outside zone"},
    };
    for (const auto& c : cases) {
        Db db(load(""));
        auto before = content(*db.store);
        std::vector<Change> set = {Change::set_route("+61355500930", "telstra"), c.bad};
        set[1].where = "changes.csv:3";
        auto r = db.store->apply(N("1.6.e164.arpa."), set);
        INFO(c.message);
        REQUIRE_FALSE(r.ok());
        REQUIRE(r.issues.size() == 1);
        CHECK(r.issues[0].item == std::optional<std::size_t>(1));
        CHECK(r.issues[0].reason == c.reason);
        CHECK_THAT(r.error_text(), Catch::Contains("changes.csv:3: ") && Catch::Contains(c.message));
        CHECK(content(*db.store) == before);
        CHECK(db.serial() == 7);
        auto ov = db.store->overrides(N("1.6.e164.arpa."));
        REQUIRE(ov.ok());
        CHECK(ov->empty());
    }
}

TEST_CASE("RFC 2136 prerequisites fail with their own outcome and nothing changes", "[live][rfc2136]") {
    auto rd = [](RrType t, const std::string& text) { return *rdata_from_text(t, text, N(".")); };
    const Name num = N("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.");
    auto require = [&](ChangeKind k, const Name& owner, RrType t = RrType::NAPTR) {
        Change c;
        c.kind = k;
        c.owner = owner;
        c.type = t;
        return c;
    };
    Change value = require(ChangeKind::RequireRrsetValue, num);
    value.rdatas.push_back(rd(RrType::NAPTR, "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@one.example!\" ."));
    Change wrong_value = value;
    wrong_value.rdatas[0] = rd(RrType::NAPTR, "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:b@one.example!\" .");
    const Name absent = N("5.5.5.5.5.5.5.5.3.1.6.e164.arpa.");
    struct Case {
        Change pre;
        std::optional<ApplyFailure> fails;
    };
    const std::vector<Case> cases = {
        {require(ChangeKind::RequireName, num), std::nullopt},
        {require(ChangeKind::RequireName, absent), ApplyFailure::NxDomain},
        {require(ChangeKind::RequireNoName, absent), std::nullopt},
        {require(ChangeKind::RequireNoName, num), ApplyFailure::YxDomain},
        {require(ChangeKind::RequireRrset, num), std::nullopt},
        {require(ChangeKind::RequireRrset, num, RrType::TXT), ApplyFailure::NxRrset},
        {require(ChangeKind::RequireNoRrset, num, RrType::TXT), std::nullopt},
        {require(ChangeKind::RequireNoRrset, num), ApplyFailure::YxRrset},
        {value, std::nullopt},
        {wrong_value, ApplyFailure::NxRrset},
        // A routed number's RRset is compared as its records.
        {require(ChangeKind::RequireRrset, N("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.")), std::nullopt},
    };
    for (const auto& c : cases) {
        Db db(load(""));
        auto before = content(*db.store);
        auto r = db.store->apply(N("1.6.e164.arpa."),
                                 {c.pre, Change::add_rr(num, RrType::TXT, 60, rd(RrType::TXT, "\"live\""))});
        if (!c.fails) {
            INFO(r.error_text());
            CHECK(r.ok());
            CHECK(db.serial() == 8);
        } else {
            REQUIRE_FALSE(r.ok());
            CHECK(r.issues[0].reason == *c.fails);
            CHECK(content(*db.store) == before);
            CHECK(db.serial() == 7);
        }
    }
}

TEST_CASE("RFC 2136 updates follow §3.4.2: protected apex, CNAME exclusivity, no-op deletes", "[live][rfc2136]") {
    auto rd = [](RrType t, const std::string& text) { return *rdata_from_text(t, text, N(".")); };
    const Name apex = N("1.6.e164.arpa.");
    const Name num = N("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.");
    struct Case {
        std::string name;
        std::vector<Change> changes;
        bool changed;
    };
    const std::vector<Case> cases = {
        {"deleting the apex NS RRset is ignored", {Change::delete_rrset(apex, RrType::NS)}, false},
        {"deleting the last apex NS is ignored",
         {Change::delete_rr(apex, RrType::NS, rd(RrType::NS, "ns1.example.net."))},
         false},
        {"deleting all at the apex keeps SOA and NS", {Change::delete_name(apex)}, false},
        {"a CNAME beside a NAPTR is ignored",
         {Change::add_rr(num, RrType::CNAME, 60, rd(RrType::CNAME, "x.example."))},
         false},
        {"deleting an absent RRset is no change", {Change::delete_rrset(num, RrType::TXT)}, false},
        {"adding a record present already is no change",
         {Change::add_rr(num, RrType::NAPTR, 600,
                         rd(RrType::NAPTR, "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@one.example!\" ."))},
         false},
        {"deleting one record of a routed number",
         {Change::delete_rr(N("1.1.9.0.0.5.5.5.3.1.6.e164.arpa."), RrType::NAPTR,
                            rd(RrType::NAPTR,
                               "20 100 \"u\" \"E2U+sip\" "
                               "\"!^(.*)$!sip:\\\\1@backup.telstra.example!\" ."))},
         true},
        {"deleting a name", {Change::delete_name(num)}, true},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            Db db(load(""));
            auto before = content(*db.store);
            auto r = db.store->apply(apex, c.changes);
            INFO(r.error_text());
            REQUIRE(r.ok());
            CHECK(r.report->changed == c.changed);
            CHECK((content(*db.store) != before) == c.changed);
            CHECK(db.serial() == (c.changed ? 8U : 7U));
        }
    }
}

TEST_CASE("deleting a number removes its now-empty non-terminals; deleting one with descendants keeps the range",
          "[live]") {
    Db db(load(""));
    auto before = content(*db.store);
    REQUIRE(db.store->apply(N("1.6.e164.arpa."), {Change::set_naptr("+61355500988", {naptr("sip:z@z.example")})}).ok());
    REQUIRE(db.store->apply(N("1.6.e164.arpa."), {Change::delete_number("+61 3 5550 0988")}).ok());
    CHECK(content(*db.store) == before);
    CHECK(db.serial() == 9);
}

TEST_CASE("live changes survive a recompile of the file; a file that drops their route is refused", "[live]") {
    Db db(load(""));
    REQUIRE(db.store
                ->apply(N("1.6.e164.arpa."),
                        {Change::set_route("+61355500999", "telstra"), Change::delete_number("+61355500912")})
                .ok());
    auto live = content(*db.store);
    auto ov = db.store->overrides(N("1.6.e164.arpa."));
    REQUIRE(ov.ok());
    CHECK(ov->size() >= 2);

    // The same file again: the overrides are applied on top, the serial goes on from the served one.
    REQUIRE(db.store->write({load("")}).ok());
    CHECK(content(*db.store) == live);
    CHECK(db.serial() == 9);

    // A file without route 'telstra': refused with the reason, the served data stays.
    Diagnostics d;
    std::string no_telstra =
        "origin: 1.6.e164.arpa.\nttl: 600\n"
        "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 7}\n"
        "ns: [ns1.example.net.]\n"
        "numbers:\n  - {number: \"+61 3 5550 0912\", naptr: \"sip:a@one.example\"}\n";
    auto z = load_yaml_zone_text(no_telstra, "t.yaml", d);
    REQUIRE(z);
    auto w = db.store->write({*z});
    REQUIRE_FALSE(w.ok());
    CHECK_THAT(w.error(), Catch::Contains("route 'telstra'") && Catch::Contains("no longer defines"));
    CHECK(content(*db.store) == live);

    // Dropped overrides: the next compile serves the file alone.
    auto dropped = db.store->drop_overrides(N("1.6.e164.arpa."));
    REQUIRE(dropped.ok());
    CHECK(*dropped == ov->size());
    REQUIRE(db.store->write({*z}).ok());
    CHECK(content(*db.store) != live);
}

TEST_CASE("100,000 changes are one transaction: one serial, one journal entry", "[live][batch]") {
    Db db(load(""));
    std::vector<Change> batch;
    for (int i = 0; i < 100000; ++i)
        batch.push_back(Change::set_route("+617" + std::to_string(10000000 + i), "telstra"));
    auto r = db.store->apply(N("1.6.e164.arpa."), batch);
    INFO(r.error_text());
    REQUIRE(r.ok());
    CHECK(r.report->serial == 8);
    CHECK(r.report->records_added == 200000);
    CHECK(db.serial() == 8);
    batch.push_back(Change::set_route("+61355500999", "telstra"));
    auto too_many = db.store->apply(N("1.6.e164.arpa."), batch);
    REQUIRE_FALSE(too_many.ok());
    CHECK(too_many.issues[0].reason == ApplyFailure::TooLarge);
}

TEST_CASE("a change set over journal_max_records keeps its IXFR entry unless it is larger than the zone",
          "[live][journal]") {
    // Issue 11: batches of over ~200,000 journal records dropped the journal, so every secondary re-took the
    // whole (1M-number) zone by AXFR. The bound is now the larger of journal_max_records and the zone's size.
    TempDir dir{"enumd-live-journal"};
    Store::Options options;
    options.journal_max_records = 4;
    auto s = Store::open(dir.path.string(), options);
    REQUIRE(s.ok());
    auto& store = **s;
    REQUIRE(store.write({load("")}).ok());
    auto serial_and_journal = [&store](std::uint32_t from) {
        auto r = store.reader();
        REQUIRE(r.ok());
        REQUIRE((*r)->refresh());
        const ZoneInfo* z = (*r)->find_zone(N("1.6.e164.arpa."));
        return std::pair{z->meta.serial, (*r)->journal(*z, from).has_value()};
    };
    const std::uint32_t s0 = serial_and_journal(0).first;

    // 40 numbers × 2 NAPTRs: 80 records, more than the whole zone had — cut, and the report says why.
    std::vector<Change> big;
    for (int i = 0; i < 40; ++i) big.push_back(Change::set_route("+617" + std::to_string(10000000 + i), "telstra"));
    auto r1 = store.apply(N("1.6.e164.arpa."), big);
    REQUIRE(r1.ok());
    CHECK_FALSE(r1.report->history_cut.empty());
    CHECK_FALSE(serial_and_journal(s0).second);

    // 5 numbers × 2 NAPTRs: 10 records, over journal_max_records (4) but far below the zone's size — kept.
    std::vector<Change> small;
    for (int i = 0; i < 5; ++i) small.push_back(Change::set_route("+618" + std::to_string(10000000 + i), "telstra"));
    const std::uint32_t s1 = serial_and_journal(0).first;
    auto r2 = store.apply(N("1.6.e164.arpa."), small);
    REQUIRE(r2.ok());
    CHECK(r2.report->records_added == 10);
    CHECK(r2.report->history_cut.empty());
    auto [s2, kept] = serial_and_journal(s1);
    CHECK(s2 == s1 + 1);
    CHECK(kept);

    // Live changes commit many times a second, NOTIFY goes out once a second: the journal keeps more than 16
    // entries (the old depth) as long as they hold fewer records than the zone, so a secondary a few dozen
    // commits behind still gets an IXFR.
    for (int i = 0; i < 40; ++i)
        REQUIRE(store.apply(N("1.6.e164.arpa."), {Change::set_route("+619" + std::to_string(10000000 + i), "telstra")})
                    .ok());
    CHECK(serial_and_journal(s1).second);
    CHECK(serial_and_journal(0).first == s2 + 40);
}

TEST_CASE("the journal keeps its newest entries whether its tally is current, stale or gone", "[live][journal]") {
    // trim_journal keeps a per-zone tally (entries, records, newest key) instead of reading every kept entry
    // on each change set; a tally that does not match the journal (left by another enumd version) or is missing
    // must be noticed and recounted.
    TempDir dir{"enumd-live-tally"};
    Store::Options options;
    options.journal_depth = 5;
    const std::string zone = "1.6.e164.arpa.";
    std::uint32_t first = 0;
    std::uint32_t n = 0;
    auto apply_one = [&](Store& store) {
        ++n;
        REQUIRE(store.apply(N(zone), {Change::set_route("+617" + std::to_string(20000000 + n), "telstra")}).ok());
    };
    // The serials a journal entry starts from, among every serial since the compile.
    auto kept = [&](Store& store) {
        auto r = store.reader();
        REQUIRE(r.ok());
        REQUIRE((*r)->refresh());
        const ZoneInfo* z = (*r)->find_zone(N(zone));
        REQUIRE(z != nullptr);
        std::vector<std::uint32_t> froms;
        for (std::uint32_t s = first; s != z->meta.serial; ++s)
            if ((*r)->journal(*z, s)) froms.push_back(s);
        return std::pair{froms, z->meta.serial};
    };
    auto newest_five = [](std::uint32_t serial) {
        std::vector<std::uint32_t> v;
        for (std::uint32_t s = serial - 5; s != serial; ++s) v.push_back(s);
        return v;
    };
    // Rewrites the tally under the zone's journal prefix (2-byte length + origin key): nullopt deletes it.
    auto set_tally = [&](std::optional<std::string> value) {
        struct Env {  // closed however the checks end (LeakSanitizer)
            MDB_env* env = nullptr;
            MDB_txn* t = nullptr;
            ~Env() {
                if (t != nullptr) mdb_txn_abort(t);
                if (env != nullptr) mdb_env_close(env);
            }
        } e;
        REQUIRE(mdb_env_create(&e.env) == 0);
        mdb_env_set_maxdbs(e.env, 8);
        REQUIRE(mdb_env_open(e.env, dir.path.string().c_str(), 0, 0644) == 0);
        REQUIRE(mdb_txn_begin(e.env, nullptr, 0, &e.t) == 0);
        MDB_txn* t = e.t;
        MDB_dbi dbi = 0;
        REQUIRE(mdb_dbi_open(t, "journal", 0, &dbi) == 0);
        std::string ok = N(zone).to_lookup_key();
        std::string key{static_cast<char>(ok.size() >> 8), static_cast<char>(ok.size() & 0xFF)};
        key += ok;
        MDB_val k{key.size(), key.data()};
        MDB_val v;
        REQUIRE(mdb_get(t, dbi, &k, &v) == 0);  // the tally is there
        if (value) {
            MDB_val nv{value->size(), value->data()};
            REQUIRE(mdb_put(t, dbi, &k, &nv, 0) == 0);
        } else {
            REQUIRE(mdb_del(t, dbi, &k, nullptr) == 0);
        }
        e.t = nullptr;
        REQUIRE(mdb_txn_commit(t) == 0);
    };
    {
        auto s = Store::open(dir.path.string(), options);
        REQUIRE(s.ok());
        REQUIRE((*s)->write({load("")}).ok());
        first = kept(**s).second;
        for (int i = 0; i < 8; ++i) apply_one(**s);
        auto [froms, serial] = kept(**s);
        CHECK(serial == first + 8);
        CHECK(froms == newest_five(serial));
    }
    // Stale: says no entries, newest unknown. Counting on from it would keep six.
    set_tally(std::string(16, '\0') + "stale");
    {
        auto s = Store::open(dir.path.string(), options);
        REQUIRE(s.ok());
        apply_one(**s);
        auto [froms, serial] = kept(**s);
        CHECK(froms == newest_five(serial));
    }
    set_tally(std::nullopt);
    {
        auto s = Store::open(dir.path.string(), options);
        REQUIRE(s.ok());
        apply_one(**s);
        apply_one(**s);  // and the tally written by the recount is used by the next set
        auto [froms, serial] = kept(**s);
        CHECK(serial == first + 11);
        CHECK(froms == newest_five(serial));
    }
}

TEST_CASE("a change set after a recompile or a refused set uses the route sets as stored now", "[live]") {
    // Store::apply keeps the route sets and zone-file facts the last committed set decoded, for as long as the
    // stored bytes are the same. A recompile that changes a route's template, or a refused set that had added
    // an instance in its editor, must not leave the next set working on the old table.
    const std::string zone = "1.6.e164.arpa.";
    auto with_host = [](const std::string& host, const std::string& numbers) {
        std::string head = kHead;
        auto at = head.find("sip.telstra.example");
        REQUIRE(at != std::string::npos);
        head.replace(at, std::string("sip.telstra.example").size(), host);
        Diagnostics diags;
        auto z = load_yaml_zone_text(head + numbers + kRecords, "t.yaml", diags);
        INFO(enumd::testing::all_diags(diags));
        REQUIRE(z);
        validate_zone(*z, diags);
        REQUIRE(!diags.has_errors());
        return *z;
    };
    Db db(with_host("sip.telstra.example", ""));
    REQUIRE(db.store->apply(N(zone), {Change::set_route("+61355500920", "telstra")}).ok());
    REQUIRE(db.store->write({with_host("new.telstra.example", "")}).ok());  // the override is kept
    REQUIRE(db.store->apply(N(zone), {Change::set_route("+61355500921", "telstra")}).ok());
    // A refused set: its first item adds an instance (a TTL no number had), its second fails.
    Change odd_ttl = Change::set_route("+61355500930", "telstra");
    odd_ttl.ttl = 77;
    REQUIRE_FALSE(db.store->apply(N(zone), {odd_ttl, Change::set_route("+61355500931", "nosuchroute")}).ok());
    Change ttl_60 = Change::set_route("+61355500922", "telstra");
    ttl_60.ttl = 60;  // a new instance too, at the index the refused set had taken in its editor
    REQUIRE(db.store->apply(N(zone), {ttl_60}).ok());

    // The same numbers written in the file, compiled: byte for byte what is served.
    Db want(with_host("new.telstra.example", "  - {number: \"+61355500920\", route: telstra}\n"
                                             "  - {number: \"+61355500921\", route: telstra}\n"
                                             "  - {number: \"+61355500922\", route: telstra, ttl: 60}\n"));
    auto served = content(*db.store);
    CHECK(served == content(*want.store));
    for (const auto& line : served) CHECK(line.find("sip.telstra.example") == std::string::npos);
}

TEST_CASE("a reader decodes the route sets again only when a change set changed them", "[live]") {
    Db db(load(""));
    auto rd = db.store->reader();
    REQUIRE(rd.ok());
    Reader& r = **rd;
    const Name origin = N("1.6.e164.arpa.");
    auto routes_now = [&]() {
        REQUIRE(r.refresh());
        auto t = r.find_zone(origin)->routes;
        r.release();
        REQUIRE(t != nullptr);
        return t;
    };
    auto t0 = routes_now();
    // The first number on route "ported" adds an instance of it: the stored route sets change.
    REQUIRE(db.store->apply(origin, {Change::set_route("+61355500999", "ported", "+61400001234")}).ok());
    auto t1 = routes_now();
    CHECK(t1 != t0);
    CHECK(t1->instances.size() == t0->instances.size() + 1);
    // More numbers on routes already stored: a new serial, the same decoded table.
    REQUIRE(db.store->apply(origin, {Change::set_route("+61355500998", "ported", "+61400001235")}).ok());
    CHECK(routes_now() == t1);
    REQUIRE(db.store->apply(origin, {Change::set_route("+61355500997", "telstra")}).ok());
    CHECK(routes_now() == t1);
    CHECK(db.serial() == 10);
    // A recompile writes a new zone version: decoded from its own bytes.
    REQUIRE(db.store->write({load("  - {number: \"+61 3 5550 0913\", route: ported, rn: \"+61400000001\"}\n")}).ok());
    auto t3 = routes_now();
    CHECK(t3 != t1);
}

TEST_CASE("a number moved between route sets is journaled as exactly the records that differ", "[live][journal]") {
    // The journal builds a routed number's records from each route instance once per set: a move between routes,
    // to and from a routing number, between routing numbers, and onto the route it already has (no change).
    Db db(load("  - {number: \"+61 3 5550 0913\", route: ported, rn: \"+61400000001\"}\n"));
    auto journal = [&db](std::uint32_t from) {
        auto rd = db.store->reader();
        REQUIRE(rd.ok());
        REQUIRE((*rd)->refresh());
        const ZoneInfo& zi = *(*rd)->find_zone(N("1.6.e164.arpa."));
        auto j = (*rd)->journal(zi, from);
        REQUIRE(j.has_value());
        std::vector<std::string> out;
        std::size_t off = 0;
        JournalRecord jr;
        for (std::size_t i = 0; j->next(off, jr); ++i) {
            if (jr.type == RrType::SOA) continue;
            out.push_back(std::string(i <= j->removed_count() ? "- " : "+ ") + std::to_string(jr.ttl) + " " +
                          rdata_to_text(RrType::NAPTR, jr.rdata));
        }
        (*rd)->release();
        return out;
    };
    const std::string sip = "10 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@sip.telstra.example!\" .";
    const std::string backup = "20 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@backup.telstra.example!\" .";
    auto tel = [](const std::string& rn) {
        return "10 100 \"u\" \"E2U+pstn:tel\" \"!^(.*)$!tel:\\\\1;npdi;rn=" + rn + "!\" .";
    };
    const std::uint32_t s0 = db.serial();
    // telstra (two NAPTRs, no rn) → ported with an rn; the other number of the set moves the other way.
    auto r = db.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61355500911", "ported", "+61400000002"),
                                                   Change::set_route("+61355500913", "telstra")});
    REQUIRE(r.ok());
    CHECK(r.report->records_removed == 3);
    CHECK(r.report->records_added == 3);
    auto j = journal(s0);
    std::vector<std::string> want = {"- 600 " + backup, "- 600 " + sip, "- 600 " + tel("+61400000001"),
                                     "+ 600 " + tel("+61400000002"), "+ 600 " + backup, "+ 600 " + sip};
    std::sort(j.begin(), j.end());
    std::sort(want.begin(), want.end());
    CHECK(j == want);
    // Between routing numbers of one route: one record out, one in.
    r = db.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61355500911", "ported", "+61400000003")});
    REQUIRE(r.ok());
    CHECK(journal(s0 + 1) == std::vector<std::string>{"- 600 " + tel("+61400000002"), "+ 600 " + tel("+61400000003")});
    // The routes they already have: nothing changes, no serial.
    r = db.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61355500911", "ported", "+61400000003"),
                                              Change::set_route("+61355500913", "telstra")});
    REQUIRE(r.ok());
    CHECK_FALSE(r.report->changed);
    CHECK(db.serial() == s0 + 2);
}

// ZoneInfo::plain: a zone without wildcards, zone cuts or DNAMEs answers a missing name from one B-tree look
// (Reader::lookup reads no closest encloser). What must hold: the mark is there only while nothing in the zone
// needs the encloser — a live change that adds a range, a cut or a DNAME takes it away at once, a compile
// writes it only when it found none of them, and lookups give the same kinds either way.
namespace {

const std::string kPlain =
    "origin: 1.6.e164.arpa.\n"
    "ttl: 600\n"
    "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 7}\n"
    "ns: [ns1.example.net.]\n"
    "routes:\n"
    "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10}]\n"
    "numbers:\n"
    "  - {number: \"+61 3 5550 0911\", route: telstra}\n"
    "  - {number: \"+61 3 5550 0912\", naptr: \"sip:a@one.example\"}\n";

Zone load_text(const std::string& text) {
    Diagnostics diags;
    auto z = load_yaml_zone_text(text, "p.yaml", diags);
    INFO(enumd::testing::all_diags(diags));
    REQUIRE(z);
    validate_zone(*z, diags);
    REQUIRE(!diags.has_errors());
    return *z;
}

bool is_plain(Store& s) {
    auto rd = s.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    bool plain = (*rd)->find_zone(N("1.6.e164.arpa."))->plain;
    (*rd)->release();
    return plain;
}

/// The lookup's kind, and for a name that does not exist the encloser's flags and whether it has a DNAME.
struct Looked {
    Lookup::Kind kind;
    std::uint8_t encloser_flags = 0;
    bool encloser_dname = false;
};
Looked look(Store& s, const std::string& name) {
    auto rd = s.reader();
    REQUIRE(rd.ok());
    REQUIRE((*rd)->refresh());
    const Name q = N(name);
    Lookup l = (*rd)->lookup(*(*rd)->find_zone(q), q);
    Looked out{l.kind, l.encloser.flags(), l.encloser.find(RrType::DNAME).has_value()};
    (*rd)->release();
    return out;
}

/// One RRset added live, as RFC 2136 adds it (rdata in presentation form).
ApplyResult add_live(Store& s, const std::string& owner, RrType type, const std::string& rdata) {
    return s.apply(N("1.6.e164.arpa."), {Change::add_rr(N(owner), type, 600, *rdata_from_text(type, rdata, N(".")))});
}

}  // namespace

TEST_CASE("a zone is plain until a live change adds a wildcard, a zone cut or a DNAME", "[live][plain]") {
    Db db(load_text(kPlain));
    CHECK(is_plain(*db.store));
    CHECK(look(*db.store, "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.").kind == Lookup::Kind::Exact);
    CHECK(look(*db.store, "5.5.5.3.1.6.e164.arpa.").kind == Lookup::Kind::Exact);  // an empty non-terminal
    CHECK(look(*db.store, "3.1.9.0.0.5.5.5.3.1.6.e164.arpa.").kind == Lookup::Kind::Nonexistent);
    CHECK(look(*db.store, "7.7.1.6.e164.arpa.").kind == Lookup::Kind::Nonexistent);
    // Numbers come and go without touching the mark.
    REQUIRE(db.store->apply(N("1.6.e164.arpa."), {Change::set_route("+61 3 5550 0999", "telstra")}).ok());
    REQUIRE(db.store->apply(N("1.6.e164.arpa."), {Change::delete_number("+61 3 5550 0912")}).ok());
    CHECK(is_plain(*db.store));
    CHECK(look(*db.store, "2.1.9.0.0.5.5.5.3.1.6.e164.arpa.").kind == Lookup::Kind::Nonexistent);

    SECTION("a wildcard (a range, as RFC 2136 adds one: live number changes take single numbers)") {
        auto r = add_live(*db.store, "*.3.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR,
                          "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:r@range.example!\" .");
        INFO(r.error_text());
        REQUIRE(r.ok());
        CHECK_FALSE(is_plain(*db.store));
        // The encloser is read again: its wildcard child synthesises the answer (RFC 4592).
        Looked l = look(*db.store, "7.7.3.0.5.5.5.2.1.6.e164.arpa.");
        CHECK(l.kind == Lookup::Kind::Nonexistent);
        CHECK((l.encloser_flags & node_flags::kWildcardChild) != 0);
    }
    SECTION("a zone cut") {
        REQUIRE(add_live(*db.store, "8.8.1.6.e164.arpa.", RrType::NS, "ns.child.example.").ok());
        CHECK_FALSE(is_plain(*db.store));
        CHECK(look(*db.store, "1.2.8.8.1.6.e164.arpa.").kind == Lookup::Kind::Delegation);
    }
    SECTION("a DNAME") {
        REQUIRE(add_live(*db.store, "7.7.1.6.e164.arpa.", RrType::DNAME, "e164.example.").ok());
        CHECK_FALSE(is_plain(*db.store));
        Looked l = look(*db.store, "1.7.7.1.6.e164.arpa.");
        CHECK(l.kind == Lookup::Kind::Nonexistent);
        CHECK(l.encloser_dname);
    }
    // The live change is kept over a recompile of the file (an override), and the compile sees it.
    REQUIRE(db.store->write({load_text(kPlain)}).ok());
    CHECK_FALSE(is_plain(*db.store));
}

TEST_CASE("a compile marks a zone plain only when no node needs its closest encloser", "[store][plain]") {
    struct Case {
        const char* what;
        std::string extra;
        bool plain;
    };
    const Case cases[] = {
        {"numbers and routes only", "", true},
        {"a range", "  - {number: \"+61 2 5550 2*\", naptr: \"sip:{number}@range.example\"}\n", false},
        {"a wildcard record", "records:\n  - {name: \"*.9\", type: TXT, data: x}\n", false},
        {"a wildcard at the apex", "records:\n  - {name: \"*\", type: TXT, data: x}\n", false},
        {"a zone cut", "records:\n  - {name: \"8.8\", type: NS, data: ns.child.example.}\n", false},
        {"a DNAME", "records:\n  - {name: \"7.7\", type: DNAME, data: e164.example.}\n", false},
        {"a view", "views:\n  - {name: a, match: [10.0.0.0/8]}\n", false},
    };
    TempDir dir{"enumd-plain"};
    auto s = Store::open(dir.path.string());
    REQUIRE(s.ok());
    for (const auto& c : cases) {
        INFO(c.what);
        // Each write replaces the zone, in both directions: the mark follows what the new version holds.
        REQUIRE((*s)->write({load_text(kPlain + c.extra)}).ok());
        CHECK(is_plain(**s) == c.plain);
        REQUIRE((*s)->write({load_text(kPlain)}).ok());
        CHECK(is_plain(**s));
    }
}

TEST_CASE("a zone of CSV numbers is plain unless a row is a range", "[store][plain][csv]") {
    TempDir dir{"enumd-plain-csv"};
    const std::string zone = kPlain + "numbers_csv: n.csv\n";
    auto s = Store::open((dir.path / "db").string());
    REQUIRE(s.ok());
    for (const auto& [csv, plain] : std::vector<std::pair<std::string, bool>>{
             {"number,route\n+61355501000,telstra\n+61355501001,telstra\n", true},
             {"number,route\n+61355501000,telstra\n+61 3 5551*,telstra\n", false},
         }) {
        INFO(csv);
        std::string top = dir.write("zone.yaml", zone);
        dir.write("n.csv", csv);
        Diagnostics diags;
        auto z = load_yaml_zone(top, diags);
        INFO(enumd::testing::all_diags(diags));
        REQUIRE(z);
        validate_zone(*z, diags);
        REQUIRE(!diags.has_errors());
        REQUIRE((*s)->write({*z}).ok());
        CHECK(is_plain(**s) == plain);
        Looked l = look(**s, "3.3.3.1.5.5.5.3.1.6.e164.arpa.");
        CHECK(l.kind == Lookup::Kind::Nonexistent);
        CHECK((l.encloser_flags & node_flags::kWildcardChild) == (plain ? 0 : node_flags::kWildcardChild));
    }
}
