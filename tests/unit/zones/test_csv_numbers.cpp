// `numbers_csv:` (zones/README.md "Bulk numbers from CSV"): the rows a CSV
// file may hold, every error a row can have (file:line:column, the rest of the
// file still checked, a bounded count), and the include rules for its path.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "enumd/zones/bulk_numbers.hpp"
#include "enumd/zones/change.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "enumd/zones/store.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::RrType;
using enumd::testing::all_diags;
using enumd::testing::StoreFixture;
using enumd::testing::TempDir;
using enumd::testing::yaml_head;
using namespace enumd::zones;

namespace {

// Lines 1-3 head, 4-7 routes, 8-9 one YAML number, 10 the CSV.
const std::string kZone = yaml_head("1.6.e164.arpa.", "ns1.example.net.") +
                          "routes:\n"
                          "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10},\n"
                          "            {uri: \"sip:{number}@backup.telstra.example\", order: 20}]\n"
                          "  optus: {uri: \"tel:{number};npdi;rn={rn}\", service: \"E2U+pstn:tel\"}\n"
                          "numbers:\n"
                          "  - {number: \"+61 3 5550 0100\", naptr: \"sip:yaml@x.example\"}\n"
                          "numbers_csv: n.csv\n";

struct Loaded {
    std::optional<Zone> zone;
    Diagnostics diags;
    std::string csv;  // the CSV's path
};

Loaded load(const TempDir& dir, const std::string& csv, const std::string& zone = kZone) {
    Loaded l;
    std::string top = dir.write("zone.yaml", zone);
    l.csv = dir.write("n.csv", csv);
    l.zone = load_yaml_zone(top, l.diags);
    return l;
}

/// NAPTR records the zone has at `owner` (relative to 1.6.e164.arpa.), bulk numbers included.
std::size_t naptrs_at(const Zone& z, const std::string& owner) {
    auto name = *enumd::dns::Name::from_text(owner + ".1.6.e164.arpa.");
    std::size_t n = 0;
    for (const auto& r : z.records) n += (r.owner == name && r.type == RrType::NAPTR) ? 1 : 0;
    for (const auto& r : bulk_records(z)) n += (r.owner == name && r.type == RrType::NAPTR) ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("CSV rows: numbers as people write them, a route, an rn or one URI", "[yaml][csv]") {
    struct Case {
        std::string what;
        std::string csv;
        std::string owner;  // relative to 1.6.e164.arpa.
        std::size_t naptrs;
    };
    const std::vector<Case> cases = {
        {"a route", "number,route\n+61 3 5550 0911,telstra\n", "1.1.9.0.0.5.5.5.3", 2},
        {"a route with an rn", "number,route,rn\n+61355500912,optus,+61 4 0000 1234\n", "2.1.9.0.0.5.5.5.3", 1},
        {"one URI in the naptr column", "number,route,naptr\n61-3-5550-0913,,sip:info@x.example\n",
         "3.1.9.0.0.5.5.5.3", 1},
        {"CRLF line ends", "number,route\r\n+61355500911,telstra\r\n", "1.1.9.0.0.5.5.5.3", 2},
        {"a byte order mark", "\xEF\xBB\xBFnumber,route\n+61355500911,telstra\n", "1.1.9.0.0.5.5.5.3", 2},
        {"empty lines and comments", "\n# ported\nnumber,route\n\n  \n+61355500911,telstra\n# end\n\n",
         "1.1.9.0.0.5.5.5.3", 2},
        {"quoted fields and blanks", "number , route\n \"+61 3 5550 0911\" , \"telstra\"\n", "1.1.9.0.0.5.5.5.3", 2},
        {"columns in another order", "route,number\ntelstra,+61355500911\n", "1.1.9.0.0.5.5.5.3", 2},
        {"no newline at the end", "number,route\n+61355500911,telstra", "1.1.9.0.0.5.5.5.3", 2},
        {"fewer fields than columns", "number,route,rn\n+61355500911,telstra\n", "1.1.9.0.0.5.5.5.3", 2},
        {"a prefix range", "number,route\n+61 3 5551*,telstra\n", "*.1.5.5.5.3", 2},
    };
    for (const auto& c : cases) {
        TempDir dir("enumd-csv-test");
        auto l = load(dir, c.csv);
        INFO(c.what << "\n" << all_diags(l.diags));
        REQUIRE(l.zone.has_value());
        CHECK(l.diags.items.empty());
        CHECK(naptrs_at(*l.zone, c.owner) == c.naptrs);
        CHECK(naptrs_at(*l.zone, "0.0.1.0.0.5.5.5.3") == 1);  // the YAML number
    }
}

TEST_CASE("CSV errors carry file:line:column and the rest of the file is still read", "[yaml][csv]") {
    struct Case {
        std::string what;
        std::string rows;  // after the header "number,route,rn"; the bad row is line 2, a good one follows
        std::string error;  // after "<csv>:"
    };
    const std::vector<Case> cases = {
        {"unknown route", "+61355500911,nosuch,\n",
         "2:14: error: unknown route (routes are defined under the zone's top-level 'routes')"},
        {"a letter in the number", "+61 3 55x0 0911,telstra,\n",
         "2:9: error: not a number: digits with an optional leading '+' and the separators space, '-', '.', '/', "
         "'(' and ')'"},
        {"too many digits", "+61 3 5550 0911 12345,telstra,\n", "2:"},
        {"a number outside the zone", "+44 20 7946 0000,telstra,\n",
         "2:1: error: number +442079460000 is outside zone 1.6.e164.arpa. (its numbers start with +61)"},
        {"the same number twice in the file", "+61355500911,telstra,\n+61 3 5550 0911,telstra,\n",
         "3: error: number +61355500911 is defined twice (first at "},
        {"a number of the YAML part", "+61 3 5550 0100,telstra,\n",
         "2: error: number +61355500100 is defined twice (first at "},
        {"an rn without a route", "+61355500911,,+61400001234\n",
         "2:15: error: an rn (a routing number) is for rows with a route"},
        {"a route with {rn} without an rn", "+61355500911,optus,\n",
         "2:14: error: route 'optus' has {rn}: number +61355500911 needs an rn"},
        {"an rn for a route without {rn}", "+61355500911,telstra,+61400001234\n",
         "2:22: error: route 'telstra' has no {rn}: this rn would not be used"},
        {"an rn that is a range", "+61355500911,optus,+614*\n",
         "2:20: error: rn is one routing number (RFC 4694 §4): digits with an optional leading '+'"},
        {"too many columns", "+61355500911,telstra,,extra\n", "2:23: error: row has 4 columns, the header 3"},
        {"neither route nor naptr", "+61355500911,,\n",
         "2:1: error: number +61355500911 has neither a route nor a naptr"},
        {"no number", ",telstra,\n", "2:1: error: row without a number"},
        {"a quote not closed", "\"+61355500911,telstra,\n",
         "2:1: error: a quoted field must end with '\"' before the next ','"},
        {"text after a closing quote", "\"+61355500911\"x,telstra,\n",
         "2:15: error: a quoted field must end with '\"' before the next ','"},
        {"a line too long", std::string(5000, '1') + ",telstra,\n",
         "2:1: error: line longer than 4096 bytes (not a CSV row of numbers)"},
    };
    for (const auto& c : cases) {
        TempDir dir("enumd-csv-test");
        auto l = load(dir, "number,route,rn\n" + c.rows + "+61355500999,telstra,\n");
        INFO(c.what << "\n" << all_diags(l.diags));
        REQUIRE(l.zone.has_value());
        REQUIRE(l.diags.items.size() == 1);
        CHECK(l.diags.items[0].to_text().rfind(l.csv + ":" + c.error, 0) == 0);
        CHECK(naptrs_at(*l.zone, "9.9.9.0.0.5.5.5.3") == 2);  // the good row after the bad one
    }
}

TEST_CASE("A CSV header names known columns, once each, with a number and a route or naptr", "[yaml][csv]") {
    const std::string known = "the header line is number,route[,rn][,naptr] (columns in any order)";
    struct Case {
        std::string what;
        std::string csv;
        std::string error;  // after "<csv>:"
    };
    const std::vector<Case> cases = {
        {"an unknown column", "number,rute\n+61355500911,telstra\n",
         "1:8: error: header column 2 is not a known column; " + known},
        {"a repeated column", "number,route,route\n", "1:14: error: header column 3 repeats an earlier column"},
        {"no route or naptr column", "number,rn\n+61355500911,+614\n",
         "1:1: error: the header needs a 'number' column and 'route' or 'naptr'; " + known},
        {"too many header columns", "number,route,rn,naptr,x\n",
         "1:1: error: too many columns in the header: " + known},
        {"rows without a header (a number first)", "+61355500911,telstra\n",
         "1:1: error: header column 1 is not a known column; " + known},
        {"an empty file", "", "1:1: error: no header line: the first line names the columns (number,route[,rn])"},
        {"only comments", "# nothing\n\n", "1:1: error: no header line: the first line names the columns"},
    };
    for (const auto& c : cases) {
        TempDir dir("enumd-csv-test");
        auto l = load(dir, c.csv);
        INFO(c.what << "\n" << all_diags(l.diags));
        REQUIRE(l.zone.has_value());
        REQUIRE(l.diags.items.size() == 1);
        CHECK(l.diags.items[0].to_text().rfind(l.csv + ":" + c.error, 0) == 0);
        CHECK(naptrs_at(*l.zone, "1.1.9.0.0.5.5.5.3") == 0);  // a file without a good header gives no numbers
    }
}

TEST_CASE("A CSV of many bad rows reports the first 100 and counts the rest, quoting none", "[yaml][csv]") {
    TempDir dir("enumd-csv-test");
    std::string csv = "number,route\n";
    for (int i = 0; i < 150; ++i) csv += "SECRET-" + std::to_string(i) + ",SECRET\n";
    csv += "+61355500911,telstra\n";
    auto l = load(dir, csv);
    REQUIRE(l.zone.has_value());
    REQUIRE(l.diags.items.size() == 101);
    CHECK(l.diags.items[99].to_text().rfind(l.csv + ":101:1: error: not a number", 0) == 0);
    CHECK(l.diags.items[100].to_text() ==
          l.csv + ": error: 50 more errors in '" + l.csv + "' not shown (the first 100 are)");
    CHECK(all_diags(l.diags).find("SECRET") == std::string::npos);
    CHECK(naptrs_at(*l.zone, "1.1.9.0.0.5.5.5.3") == 2);
}

TEST_CASE("numbers_csv follows the include rules: under the zone's directory, a regular file, once", "[yaml][csv]") {
    TempDir dir("enumd-csv-test");
    dir.write("outside.csv", "number,route\n+61355500911,telstra\n");
    std::filesystem::create_directories(dir.path / "zone/sub");
    dir.write("zone/sub/part.yaml", "numbers_csv: ../n.csv\n");
    dir.write("zone/n.csv", "number,route\n+61355500911,telstra\n");
    std::filesystem::create_symlink(dir.path / "outside.csv", dir.path / "zone/link.csv");
    struct Case {
        std::string what;
        std::string entry;   // the numbers_csv value(s) in zone/zone.yaml
        std::string error;   // a part of the one error ("" : none)
        std::size_t naptrs;  // at +61355500911
    };
    const std::vector<Case> cases = {
        {"a file beside the zone", "n.csv", "", 2},
        {"from an include, relative to it", "[]\ninclude: sub/part.yaml", "", 2},
        {"../ out of the directory", "../outside.csv", "is outside", 0},
        {"a symlink that leads out", "link.csv", "is outside", 0},
        {"a device", "/dev/zero", "is outside", 0},
        {"a directory", "sub", "is a directory", 0},
        {"a missing file", "nothere.csv", "cannot read", 0},
        {"the same file twice", "[n.csv, ./n.csv]", "is already included in this zone", 2},
    };
    for (const auto& c : cases) {
        std::string zone = kZone.substr(0, kZone.find("numbers_csv:")) + "numbers_csv: " + c.entry + "\n";
        std::string top = dir.write("zone/zone.yaml", zone);
        Diagnostics d;
        auto z = load_yaml_zone(top, d);
        INFO(c.what << "\n" << all_diags(d));
        REQUIRE(z.has_value());
        if (c.error.empty()) {
            CHECK(d.items.empty());
        } else {
            REQUIRE(d.items.size() == 1);
            CHECK(d.items[0].message.find(c.error) != std::string::npos);
        }
        CHECK(naptrs_at(*z, "1.1.9.0.0.5.5.5.3") == c.naptrs);
    }
}

namespace {

/// A zone whose CSV meets every part of the YAML format a bulk number can meet.
const std::string kMixedZone =
    yaml_head("1.6.e164.arpa.", "ns1.example.net.") +
    "routes:\n"
    "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10},\n"
    "            {uri: \"sip:{number}@backup.telstra.example\", order: 20, ttl: 60}]\n"
    "  optus: {uri: \"tel:{number};npdi;rn={rn}\", service: \"E2U+pstn:tel\"}\n"
    "  byrn: [{uri: \"tel:{number};rn={rn}\", service: E2U+pstn:tel},\n"  // its order depends on the rn
    "         {uri: \"tel:{number};rn=+61400005555\", service: E2U+pstn:tel}]\n"
    "numbers:\n"
    "  - {number: \"+61255502*\", route: telstra}\n"         // a range: CSV numbers inside are exceptions
    "  - {number: \"+61 3 5550 0100\", naptr: \"sip:yaml@x.example\"}\n"
    "records:\n"
    "  - {name: 3.1.9.0.0.5.5.5.3, type: TXT, data: '\"txt\"'}\n"    // a CSV number's name has a record
    "  - {name: 7.7.7.7, type: NS, data: ns.child.example.}\n"         // a cut: CSV numbers below it
    "  - {name: \"*.8.8.8\", type: TXT, data: '\"wild\"'}\n"            // a wildcard: CSV numbers below it
    "  - {name: _x.4.4.4, type: TXT, data: '\"ent\"'}\n"               // 4.4.4 an ENT; a CSV number there
    "numbers_csv: n.csv\n";

std::string mixed_csv() {
    std::string csv = "number,route,rn\n";
    for (int i = 0; i < 3000; ++i) {
        std::string n = std::to_string(355500000 + i * 7);  // 3555…, across many blocks
        if (i % 20 == 0)
            csv += "+61" + n + ",optus,+6140000" + std::to_string(1000 + i) + "\n";
        else if (i % 31 == 0)
            csv += "+61" + n + ",byrn,+614000" + std::to_string(10000 + i * 3) + "\n";
        else
            csv += "+61" + n + ",telstra,\n";
    }
    csv += "+61255502345,optus,+61400000001\n"   // inside the range
           "+612555023,telstra,\n"                // inside the range, above the exception
           "+61355500913,telstra,\n"              // beside the TXT
           "+6177770001,telstra,\n"               // below the cut
           "+618881,telstra,\n"                   // below the wildcard's parent
           "+61444,telstra,\n"                    // at an ENT of the YAML part
           "+6135550010,telstra,\n";              // above the YAML number +61355500100
    return csv;
}

}  // namespace

TEST_CASE("Bulk numbers compile to the same database as the same numbers written as records", "[csv][store]") {
    for (std::size_t run : {kBulkRunEntries, std::size_t{64}, std::size_t{1}}) {
        TempDir dir("enumd-csv-test");
        std::string top = dir.write("zone.yaml", kMixedZone);
        dir.write("n.csv", mixed_csv());
        YamlLoadOptions options;
        options.bulk_run_entries = run;  // 64 and 1: spilled runs and their merge
        Diagnostics d;
        auto bulk = load_yaml_zone(top, d, options);
        INFO("run " << run << "\n" << all_diags(d));
        REQUIRE(bulk.has_value());
        REQUIRE_FALSE(d.has_errors());
        REQUIRE(bulk->bulk);
        CHECK(bulk->bulk->size() > 2900);  // the seven that meet the YAML part became records
        Zone records = *bulk;
        materialize_bulk(records);
        REQUIRE_FALSE(records.bulk);

        StoreFixture a({*bulk}, "enumd-csv-store");
        StoreFixture b({records}, "enumd-csv-store");
        std::size_t routed = 0;
        std::string da = enumd::testing::dump_zone(*a.store, *enumd::dns::Name::from_text("1.6.e164.arpa."), &routed);
        std::string db = enumd::testing::dump_zone(*b.store, *enumd::dns::Name::from_text("1.6.e164.arpa."));
        CHECK(da == db);
        CHECK(routed > 2800);  // references, not records (byrn with a mismatching rn: records)
        REQUIRE((a.reader->refresh() && b.reader->refresh()));
        const auto& ma = a.reader->zones()[0].meta;
        const auto& mb = b.reader->zones()[0].meta;
        CHECK(ma.content_hash == mb.content_hash);
        CHECK(ma.records == mb.records);
        CHECK(ma.nodes == mb.nodes);
        a.reader->release();
        b.reader->release();
        // A second compile of the same zone: nothing changed, the serial stays.
        auto again = a.store->write({*bulk});
        REQUIRE(again.ok());
        CHECK_FALSE(again->zones[0].changed);
    }
}

TEST_CASE("Repeated bulk numbers are found across sorted runs and files", "[csv]") {
    TempDir dir("enumd-csv-test");
    std::string zone = kZone.substr(0, kZone.find("numbers_csv:")) + "numbers_csv: [a.csv, b.csv]\n";
    std::string top = dir.write("zone.yaml", zone);
    std::string a = dir.write("a.csv", "number,route\n+61355500001,telstra\n+61355500002,telstra\n+61355500003,telstra\n");
    std::string b = dir.write("b.csv", "number,route\n+61355500003,telstra\n+61355500001,telstra\n");
    YamlLoadOptions options;
    options.bulk_run_entries = 2;
    Diagnostics d;
    auto z = load_yaml_zone(top, d, options);
    INFO(all_diags(d));
    REQUIRE(z.has_value());
    REQUIRE(d.items.size() == 2);
    CHECK(d.items[0].to_text() == b + ":3: error: number +61355500001 is defined twice (first at " + a + ":2)");
    CHECK(d.items[1].to_text() == b + ":2: error: number +61355500003 is defined twice (first at " + a + ":4)");
}

TEST_CASE("Live changes to CSV numbers survive a recompile of the zone file", "[csv][store]") {
    TempDir dir("enumd-csv-test");
    std::string top = dir.write("zone.yaml", kZone);
    dir.write("n.csv", "number,route,rn\n+61355500911,telstra,\n+61355500912,telstra,\n+61355500913,telstra,\n");
    Diagnostics d;
    auto z = load_yaml_zone(top, d);
    REQUIRE(z.has_value());
    REQUIRE_FALSE(d.has_errors());
    REQUIRE(z->bulk);
    StoreFixture s({*z}, "enumd-csv-store");
    const auto origin = *enumd::dns::Name::from_text("1.6.e164.arpa.");
    auto applied = s.store->apply(origin, {Change::delete_number("+61355500911"),
                                           Change::set_route("+61355500912", "optus", "+61400001234")});
    INFO((applied.report ? std::string() : (applied.issues.empty() ? "?" : applied.issues[0].to_text())));
    REQUIRE(applied.report);
    // Without the SOA line: a recompile under live overrides moves the serial on (zones/README.md "Live changes").
    auto without_soa = [&] {
        std::string all = enumd::testing::dump_zone(*s.store, origin);
        auto at = all.find("  SOA ");
        return all.erase(at, all.find('\n', at) - at);
    };
    std::string live = without_soa();
    // The file compiled again: the overrides are applied on top, the other numbers are the file's.
    REQUIRE(s.store->write({*z}).ok());
    std::string again = without_soa();
    CHECK(again == live);
    CHECK(again.find("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.") == std::string::npos);
    CHECK(again.find("rn=+61400001234") != std::string::npos);
    CHECK(again.find("3.1.9.0.0.5.5.5.3.1.6.e164.arpa. flags=0 rrsets=1") != std::string::npos);
}
