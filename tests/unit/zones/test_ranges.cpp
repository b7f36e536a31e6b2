#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "enumd/zones/ranges.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;

namespace {

const char* kHeader =
    "origin: e164.arpa.\n"
    "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
    "ns: [ns1.example.net.]\n";

/// "owner TYPE rdata" lines of the generated (or all) records, sorted.
std::vector<std::string> lines(const Zone& z, bool generated_only) {
    std::vector<std::string> out;
    for (const auto& r : z.records) {
        if (generated_only && !r.generated) continue;
        out.push_back(r.owner.to_text() + " " + enumd::dns::to_text(r.type) + " " + rdata_to_text(r.type, r.rdata));
    }
    std::sort(out.begin(), out.end());
    return out;
}

Zone load(const std::string& body) {
    Diagnostics d;
    auto z = load_yaml_zone_text(std::string(kHeader) + body, "t.yaml", d);
    for (const auto& i : d.items) UNSCOPED_INFO(i.to_text());
    REQUIRE_FALSE(d.has_errors());
    REQUIRE(z.has_value());
    return *z;
}

}  // namespace

TEST_CASE("An exception inside a range keeps the range for every other number (the lab zone)", "[ranges]") {
    Zone z = load(
        "numbers:\n"
        "  - {number: \"+61255502*\", naptr: {uri: \"sip:{number}@server2.example.net\", order: 100}}\n"
        "  - {number: \"+61255502345\", naptr: {uri: \"sip:info@server3.example.net\", order: 50}}\n");
    const std::string range = "NAPTR 100 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@server2.example.net!\" .";
    std::vector<std::string> expected = {
        "*.2.0.5.5.5.2.1.6.e164.arpa. " + range,     "*.3.2.0.5.5.5.2.1.6.e164.arpa. " + range,
        "*.4.3.2.0.5.5.5.2.1.6.e164.arpa. " + range, "*.5.4.3.2.0.5.5.5.2.1.6.e164.arpa. " + range,
        "3.2.0.5.5.5.2.1.6.e164.arpa. " + range,     "4.3.2.0.5.5.5.2.1.6.e164.arpa. " + range,
    };
    std::sort(expected.begin(), expected.end());
    CHECK(lines(z, true) == expected);
    // The exception itself keeps only its own record, not generated.
    std::vector<std::string> at_exception;
    for (const auto& r : z.records) {
        if (r.owner == *Name::from_text("5.4.3.2.0.5.5.5.2.1.6.e164.arpa.")) {
            CHECK_FALSE(r.generated);
            at_exception.push_back(rdata_to_text(r.type, r.rdata));
        }
    }
    CHECK(at_exception ==
          std::vector<std::string>{"50 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server3.example.net!\" ."});
    // The range node itself stays an empty non-terminal, as in the seed's BIND zone.
    for (const auto& r : z.records) CHECK_FALSE(r.owner == *Name::from_text("2.0.5.5.5.2.1.6.e164.arpa."));
}

TEST_CASE("A range without exceptions is one wildcard", "[ranges]") {
    Zone z = load("numbers:\n  - {number: \"+61255501*\", naptr: \"sip:info@server1.example.net\"}\n");
    CHECK(lines(z, true) == std::vector<std::string>{"*.1.0.5.5.5.2.1.6.e164.arpa. NAPTR 10 100 \"u\" \"E2U+sip\" "
                                                     "\"!^.*$!sip:info@server1.example.net!\" ."});
}

TEST_CASE("Nested ranges: the innermost range wins, the outer one fills the names between", "[ranges]") {
    Zone z = load(
        "numbers:\n"
        "  - {number: \"+6125*\", naptr: \"sip:outer@x.example\"}\n"
        "  - {number: \"+612555*\", naptr: \"sip:inner@x.example\"}\n"
        "  - {number: \"+61255501\", naptr: \"sip:exact@x.example\"}\n");
    auto rd = [](const char* who) {
        return std::string("NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:") + who + "@x.example!\" .";
    };
    std::vector<std::string> expected = {
        // outer range and the names the inner range adds inside it
        "*.5.2.1.6.e164.arpa. " + rd("outer"),
        "*.5.5.2.1.6.e164.arpa. " + rd("outer"),
        "5.5.2.1.6.e164.arpa. " + rd("outer"),
        "5.5.5.2.1.6.e164.arpa. " + rd("outer"),  // the inner range's node: a shorter number of the outer range
        // inner range and the names the exact number adds inside it
        "*.5.5.5.2.1.6.e164.arpa. " + rd("inner"),
        "*.0.5.5.5.2.1.6.e164.arpa. " + rd("inner"),
        "0.5.5.5.2.1.6.e164.arpa. " + rd("inner"),
        "*.1.0.5.5.5.2.1.6.e164.arpa. " + rd("inner"),
    };
    std::sort(expected.begin(), expected.end());
    CHECK(lines(z, true) == expected);
}

TEST_CASE("Ranges leave raw wildcards alone and refuse to define the same wildcard", "[ranges]") {
    std::vector<Record> records;
    Name star = *Name::from_text("*.1.6.e164.arpa.");
    records.push_back(Record{star, RrType::TXT, 60, {1, 'x'}, SourceLoc{"t", 1, 1}, false, {}});
    PrefixRange range{*Name::from_text("1.6.e164.arpa."),
                      {Record{Name{}, RrType::TXT, 60, {1, 'y'}, SourceLoc{"t", 2, 1}, false, {}}},
                      SourceLoc{"t", 2, 3}};
    Diagnostics d;
    expand_ranges(records, {range}, d);
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].to_text() ==
          "t:2:3: error: the range and a raw wildcard record *.1.6.e164.arpa. both define the same names; keep one of "
          "them");
    CHECK(records.size() == 1);
}

TEST_CASE("Generated records carry the range's TTL and source location", "[ranges]") {
    Zone z = load("numbers:\n  - {number: \"+61255501*\", ttl: 60, naptr: \"sip:a@b.example\"}\n");
    auto it = std::find_if(z.records.begin(), z.records.end(), [](const Record& r) { return r.generated; });
    REQUIRE(it != z.records.end());
    CHECK(it->ttl == 60);
    CHECK(it->loc.to_text() == "t.yaml:5:44");
}

TEST_CASE("A delegation inside a range is left to the child zone", "[ranges]") {
    Zone z = load(
        "numbers:\n"
        "  - {number: \"+61255502*\", naptr: \"sip:range@x.example\"}\n"
        "records:\n"
        "  - {name: 9.9.2.0.5.5.5.2.1.6, type: NS, data: ns.other.example.}\n");
    const std::string rd = "NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:range@x.example!\" .";
    std::vector<std::string> expected = {
        "*.2.0.5.5.5.2.1.6.e164.arpa. " + rd,
        "9.2.0.5.5.5.2.1.6.e164.arpa. " + rd,
        "*.9.2.0.5.5.5.2.1.6.e164.arpa. " + rd,
    };
    std::sort(expected.begin(), expected.end());
    CHECK(lines(z, true) == expected);
    Diagnostics d;
    validate_zone(z, d);
    CHECK(d.items.empty());
}
