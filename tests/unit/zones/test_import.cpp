#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "enumd/zones/diff.hpp"
#include "enumd/zones/import.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/yaml_loader.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;

namespace {

std::string diag_text(const Diagnostics& d) {
    std::string s;
    for (const auto& i : d.items) s += i.to_text() + "\n";
    return s;
}

/// A zone from RFC 1035 text (through a temporary file, as enumctl reads it).
Zone zone_from_text(const std::string& body, const char* origin = "e164.arpa.") {
    std::string tmpl = (std::filesystem::temp_directory_path() / "enumd-import-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    std::string path = tmpl + "/z.zone";
    std::ofstream(path) << "$ORIGIN " << origin
                        << "\n$TTL 3600\n"
                           "@ IN SOA ns1.example.net. hostmaster.example.net. 7 7200 3600 1209600 300\n"
                           "@ IN NS ns1.example.net.\n"
                        << body;
    Diagnostics diags;
    auto zones = load_rfc1035(path, std::nullopt, diags);
    std::filesystem::remove_all(tmpl);
    INFO(diag_text(diags));
    REQUIRE_FALSE(diags.has_errors());
    REQUIRE(zones.size() == 1);
    return zones[0];
}

/// The YAML of `zone` must load back to exactly the same RRsets.
void require_round_trip(const Zone& zone, const std::string& yaml) {
    Diagnostics diags;
    auto back = load_yaml_zone_text(yaml, "import.yaml", diags);
    INFO(yaml);
    INFO(diag_text(diags));
    REQUIRE(back.has_value());
    REQUIRE_FALSE(diags.has_errors());
    CHECK(diff_to_text(diff_zones({zone}, {*back})).empty());
}

}  // namespace

TEST_CASE("NAPTRs are written in the friendliest form that regenerates them exactly", "[import]") {
    struct Case {
        const char* rdata;     // NAPTR rdata at +61355500911
        const char* expected;  // a line of the YAML
    };
    const Case cases[] = {
        {R"(10 100 "u" "E2U+sip" "!^.*$!sip:info@server1.example.net!" .)", "    naptr: sip:info@server1.example.net"},
        {R"(20 100 "u" "E2U+sip" "!^.*$!sip:info@server1.example.net!" .)",
         "    naptr: {uri: sip:info@server1.example.net, order: 20}"},
        {R"(10 200 "u" "E2U+sip" "!^.*$!sip:info@server1.example.net!" .)",
         "    naptr: {uri: sip:info@server1.example.net, preference: 200}"},
        {R"(10 100 "u" "E2U+pstn:tel" "!^.*$!tel:+61355500911!" .)", "    naptr: tel:+61355500911"},
        {R"(10 100 "u" "E2U+email:mailto" "!^.*$!mailto:info@example.net!" .)", "    naptr: mailto:info@example.net"},
        {R"(10 100 "u" "E2U+sip:custom" "!^.*$!sip:a@x!" .)", "    naptr: {uri: sip:a@x, service: \"E2U+sip:custom\"}"},
        {R"(10 100 "u" "E2U+sip" "!^(.*)$!sip:\\1@server2.example.net!" .)",
         "    naptr: sip:{number}@server2.example.net"},
        {R"(10 100 "u" "E2U+sip" "!^\\+(.*)$!sip:\\1@server2.example.net!" .)",
         "    naptr: sip:{digits}@server2.example.net"},
        {R"(10 100 "u" "E2U+sip" "#^.*$#sip:a!b@x#" .)", "    naptr: sip:a!b@x"},
        // The seed's back-reference form is not the shorthand's: full fields, backslash kept.
        {R"(100 100 "u" "E2U+sip" "!(^.*$)!sip:+\\1@x!" .)",
         R"(    naptr: {order: 100, preference: 100, flags: "u", service: "E2U+sip", regexp: '!(^.*$)!sip:+\1@x!'})"},
        // Not a shorthand: a delimiter the shorthand would not choose.
        {R"(10 100 "u" "E2U+sip" "/^.*$/sip:a@x/" .)",
         R"(    naptr: {order: 10, preference: 100, flags: "u", service: "E2U+sip", regexp: '/^.*$/sip:a@x/'})"},
        {R"(10 100 "u" "E2U+sip" "!^.*$!sip:a@x!i" .)",
         R"(    naptr: {order: 10, preference: 100, flags: "u", service: "E2U+sip", regexp: '!^.*$!sip:a@x!i'})"},
    };
    for (const auto& c : cases) {
        INFO(c.rdata);
        Zone z = zone_from_text(std::string("1.1.9.0.0.5.5.5.3.1.6 IN NAPTR ") + c.rdata + "\n");
        ImportReport rep;
        auto yaml = zone_to_yaml(z, ImportOptions{}, &rep);
        REQUIRE(yaml.ok());
        INFO(*yaml);
        CHECK(yaml->find("  - number: \"+61355500911\"\n" + std::string(c.expected) + "\n") != std::string::npos);
        CHECK(rep.numbers == 1);
        require_round_trip(z, *yaml);
    }
}

TEST_CASE("owners that are not numbers, and non-NAPTR data at numbers, become generic records", "[import]") {
    Zone z = zone_from_text(
        "@ IN TXT \"lab\"\n"
        "www IN A 192.0.2.1\n"
        "www IN A 192.0.2.2\n"
        "1.1.9.0.0.5.5.5.3.1.6 IN TXT \"also a number\"\n"
        "1.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .\n"
        "1.2.3.4.5.6.7.8.9.0.1.2.3.4.5.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .\n"  // 16 digits
        "*.9 60 IN TXT \"a wildcard of TXT is no range\"\n");
    ImportReport rep;
    auto yaml = zone_to_yaml(z, ImportOptions{}, &rep);
    REQUIRE(yaml.ok());
    INFO(*yaml);
    for (const char* line : {
             "  - {name: \"@\", type: TXT, data: '\"lab\"'}",
             "  - {name: www, type: A, data: ['192.0.2.1', '192.0.2.2']}",
             "  - {name: 1.1.9.0.0.5.5.5.3.1.6, type: TXT, data: '\"also a number\"'}",
             "  - {name: 1.2.3.4.5.6.7.8.9.0.1.2.3.4.5.6, type: NAPTR, data: '10 100 \"u\" \"E2U+sip\" "
             "\"!^.*$!sip:a@x!\" .'}",
             "  - {name: \"*.9\", type: TXT, ttl: 60, data: '\"a wildcard of TXT is no range\"'}",
             "  - number: \"+61355500911\"\n    naptr: sip:a@x",
         }) {
        CHECK(yaml->find(std::string(line) + "\n") != std::string::npos);
    }
    CHECK(rep.numbers == 1);
    CHECK(rep.ranges == 0);
    require_round_trip(z, *yaml);
}

TEST_CASE("a wildcard becomes a range only when the names below it carry the range expansion", "[import]") {
    const std::string range = "100 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@server2.example.net!\" .\n";
    const std::string exception = "50 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server3.example.net!\" .\n";
    struct Case {
        const char* what;
        std::string body;
        std::size_t ranges, raw, generated;
        std::vector<std::string> present;  // YAML fragments
        std::vector<std::string> absent;
    };
    const Case cases[] = {
        {"a lone wildcard",
         "*.1.0.5.5.5.2.1.6 IN NAPTR " + range,
         1,
         0,
         0,
         {"  - number: \"+61255501*\"\n    naptr: {uri: \"sip:{number}@server2.example.net\", order: 100}\n"},
         {"records:"}},
        {"the seed's trap: an exception without the expansion stays raw",
         "*.2.0.5.5.5.2.1.6 IN NAPTR " + range + "5.4.3.2.0.5.5.5.2.1.6 IN NAPTR " + exception,
         0,
         1,
         0,
         {"name: \"*.2.0.5.5.5.2.1.6\", type: NAPTR", "  - number: \"+61255502345\"\n"},
         {"+61255502*"}},
        {"the compiler's expansion of a range with an exception",
         "*.2.0.5.5.5.2.1.6 IN NAPTR " + range + "3.2.0.5.5.5.2.1.6 IN NAPTR " + range +
             "*.3.2.0.5.5.5.2.1.6 IN NAPTR " + range + "4.3.2.0.5.5.5.2.1.6 IN NAPTR " + range +
             "*.4.3.2.0.5.5.5.2.1.6 IN NAPTR " + range + "5.4.3.2.0.5.5.5.2.1.6 IN NAPTR " + exception +
             "*.5.4.3.2.0.5.5.5.2.1.6 IN NAPTR " + range,
         1,
         0,
         5,
         {"  - number: \"+61255502*\"\n", "  - number: \"+61255502345\"\n"},
         {"records:", "+612555023\"", "+6125550234\""}},
        // The lone *.5.4.3.2.0.5.5.5.2.1.6 is a range of its own (nothing below it).
        {"an expansion with one copy missing stays raw",
         "*.2.0.5.5.5.2.1.6 IN NAPTR " + range + "3.2.0.5.5.5.2.1.6 IN NAPTR " + range +
             "*.3.2.0.5.5.5.2.1.6 IN NAPTR " + range + "4.3.2.0.5.5.5.2.1.6 IN NAPTR " + range +
             "5.4.3.2.0.5.5.5.2.1.6 IN NAPTR " + exception + "*.5.4.3.2.0.5.5.5.2.1.6 IN NAPTR " + range,
         1,
         2,
         0,
         {"name: \"*.2.0.5.5.5.2.1.6\", type: NAPTR", "name: \"*.3.2.0.5.5.5.2.1.6\", type: NAPTR",
          "  - number: \"+612555023\"\n", "  - number: \"+61255502345*\"\n"},
         {"+61255502*"}},
        {"a range beside a raw trap: each wildcard decided on its own",
         "*.1.0.5.5.5.2.1.6 IN NAPTR " + range + "*.2.0.5.5.5.2.1.6 IN NAPTR " + range +
             "5.4.3.2.0.5.5.5.2.1.6 IN NAPTR " + exception,
         1,
         1,
         0,
         {"  - number: \"+61255501*\"\n", "name: \"*.2.0.5.5.5.2.1.6\", type: NAPTR"},
         {"+61255502*"}},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        Zone z = zone_from_text(c.body);
        ImportReport rep;
        auto yaml = zone_to_yaml(z, ImportOptions{}, &rep);
        REQUIRE(yaml.ok());
        INFO(*yaml);
        CHECK(rep.ranges == c.ranges);
        CHECK(rep.raw_wildcards == c.raw);
        CHECK(rep.generated == c.generated);
        for (const auto& p : c.present) CHECK(yaml->find(p) != std::string::npos);
        for (const auto& a : c.absent) CHECK(yaml->find(a) == std::string::npos);
        require_round_trip(z, *yaml);
    }
}

TEST_CASE("nested ranges compiled from YAML import back as the ranges that were written", "[import]") {
    const std::string source =
        "origin: e164.arpa.\n"
        "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 5}\n"
        "ns: [ns1.example.net.]\n"
        "numbers:\n"
        "  - {number: \"+61255502*\", naptr: \"sip:{number}@outer.example.net\"}\n"
        "  - {number: \"+612555023*\", naptr: \"sip:{digits}@inner.example.net\"}\n"
        "  - {number: \"+61255502345\", naptr: sip:info@exception.example.net}\n"
        "  - {number: \"+61255502999\", naptr: sip:info@other.example.net}\n";
    Diagnostics diags;
    auto compiled = load_yaml_zone_text(source, "nested.yaml", diags);
    INFO(diag_text(diags));
    REQUIRE(compiled.has_value());
    REQUIRE_FALSE(diags.has_errors());
    // Forget which records the compiler generated: import sees a plain zone.
    for (auto& r : compiled->records) r.generated = false;
    ImportReport rep;
    auto yaml = import_zone(*compiled, ImportOptions{}, &rep);
    REQUIRE(yaml.ok());
    INFO(*yaml);
    CHECK(rep.form == "friendly");
    CHECK(rep.ranges == 2);
    CHECK(rep.numbers == 4);
    for (const char* p : {"  - number: \"+61255502*\"\n    naptr: sip:{number}@outer.example.net\n",
                          "  - number: \"+612555023*\"\n    naptr: sip:{digits}@inner.example.net\n",
                          "  - number: \"+61255502345\"\n", "  - number: \"+61255502999\"\n"})
        CHECK(yaml->find(p) != std::string::npos);
    CHECK(yaml->find("records:") == std::string::npos);
}

TEST_CASE("import_zone checks its YAML by loading it back, and says which form it kept", "[import]") {
    Zone z = zone_from_text(
        "1.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .\n"
        "*.1.0.5.5.5.2.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:b@x!\" .\n");
    ImportOptions options;
    options.source_name = "lab.zone";
    ImportReport rep;
    auto yaml = import_zone(z, options, &rep);
    REQUIRE(yaml.ok());
    CHECK(rep.form == "friendly");
    CHECK(yaml->rfind("# imported from lab.zone by enumctl import\n", 0) == 0);
    // The serial guard (zones/README.md): auto from the zone's serial, unless asked to keep it.
    CHECK(yaml->find("  serial: auto\n  min_serial: 7\n") != std::string::npos);
    options.keep_serial = true;
    yaml = import_zone(z, options, &rep);
    REQUIRE(yaml.ok());
    CHECK(yaml->find("  serial: 7\n") != std::string::npos);
    CHECK(yaml->find("min_serial") == std::string::npos);
    options.keep_serial = false;

    options.ranges = false;
    yaml = import_zone(z, options, &rep);
    REQUIRE(yaml.ok());
    CHECK(rep.form == "friendly without ranges");
    CHECK(yaml->find("name: \"*.1.0.5.5.5.2.1.6\"") != std::string::npos);

    options.plmns = false;
    yaml = import_zone(z, options, &rep);
    REQUIRE(yaml.ok());
    CHECK(rep.form == "friendly without ranges and PLMN blocks");

    options.numbers = false;
    yaml = import_zone(z, options, &rep);
    REQUIRE(yaml.ok());
    CHECK(rep.form == "generic");
    CHECK(yaml->find("numbers:") == std::string::npos);
    require_round_trip(z, *yaml);
}

TEST_CASE("ePDG names holding only addresses become PLMN blocks", "[import]") {
    struct Case {
        const char* what;
        const char* body;
        std::size_t plmns;
        const char* fragment;
    };
    const Case cases[] = {
        {"A and AAAA", "epdg.epc.mnc001.mcc505.pub IN A 192.0.2.11\nepdg.epc.mnc001.mcc505.pub IN AAAA 2001:db8::11\n",
         1, "plmns:\n  - mcc: \"505\"\n    mnc: \"001\"\n    epdg: [\"192.0.2.11\", \"2001:db8::11\"]\n"},
        {"a TTL of its own", "epdg.epc.mnc002.mcc505.pub 60 IN A 192.0.2.12\n", 1,
         "  - mcc: \"505\"\n    mnc: \"002\"\n    ttl: 60\n    epdg: [\"192.0.2.12\"]\n"},
        {"other data at the name",
         "epdg.epc.mnc003.mcc505.pub IN A 192.0.2.13\nepdg.epc.mnc003.mcc505.pub IN TXT \"x\"\n", 0,
         "{name: epdg.epc.mnc003.mcc505.pub, type: A, data: '192.0.2.13'}"},
        {"two TTLs", "epdg.epc.mnc003.mcc505.pub 60 IN A 192.0.2.13\nepdg.epc.mnc003.mcc505.pub IN AAAA 2001:db8::13\n",
         0, "{name: epdg.epc.mnc003.mcc505.pub, type: A, ttl: 60, data: '192.0.2.13'}"},
        {"not an ePDG name", "epdg.epc.mnc01.mcc505.pub IN A 192.0.2.14\n", 0,
         "{name: epdg.epc.mnc01.mcc505.pub, type: A, data: '192.0.2.14'}"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        Zone z = zone_from_text(c.body, "3gppnetwork.org.");
        ImportReport rep;
        auto yaml = zone_to_yaml(z, ImportOptions{}, &rep);
        REQUIRE(yaml.ok());
        INFO(*yaml);
        CHECK(rep.plmns == c.plmns);
        CHECK(yaml->find(c.fragment) != std::string::npos);
        require_round_trip(z, *yaml);
    }
}

TEST_CASE("numbers under a country zone carry the digits its origin implies", "[import]") {
    Zone z = zone_from_text(
        "1.1.9.0.0.5.5.5.3 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .\n"
        "*.2.0.5.5.5.2 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:b@x!\" .\n",
        "1.6.e164.arpa.");
    ImportReport rep;
    auto yaml = import_zone(z, ImportOptions{}, &rep);
    REQUIRE(yaml.ok());
    INFO(*yaml);
    CHECK(rep.form == "friendly");
    CHECK(yaml->find("  - number: \"+61255502*\"\n    naptr: sip:b@x\n") != std::string::npos);
    CHECK(yaml->find("  - number: \"+61355500911\"\n    naptr: sip:a@x\n") != std::string::npos);
}

TEST_CASE("the RFC 4592 2.2.1 example zone imports, sub.*.example. as an ordinary name", "[import][wildcard]") {
    // Issue 13: import refused it because the YAML format could not hold a '*' that is not leftmost.
    Zone z = zone_from_text(
        "example. 3600 NS ns.example.net.\n"
        "*.example. 3600 TXT \"this is a wildcard\"\n"
        "*.example. 3600 MX 10 host1.example.\n"
        "sub.*.example. 3600 TXT \"this is not a wildcard\"\n"
        "host1.example. 3600 A 192.0.2.1\n"
        "_ssh._tcp.host1.example. 3600 SRV 0 0 22 host1.example.\n"
        "_ssh._tcp.host2.example. 3600 SRV 0 0 22 host2.example.\n"
        "subdel.example. 3600 NS ns.example.com.\n"
        "subdel.example. 3600 NS ns.example.net.\n",
        "example.");
    ImportReport rep;
    auto yaml = import_zone(z, ImportOptions{}, &rep);
    REQUIRE(yaml.ok());
    INFO(*yaml);
    CHECK(yaml->find("sub.*") != std::string::npos);
    require_round_trip(z, *yaml);
}

TEST_CASE("numbers are written with the caller's text when it reads back as the same digits; ranges as digits",
          "[import]") {
    Zone z = zone_from_text(
        "1.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .\n"
        "2.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:b@x!\" .\n"
        "3.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:c@x!\" .\n"
        "*.2.0.5.5.5.2.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:d@x!\" .\n");
    ImportOptions options;
    std::vector<std::string> asked;
    options.number_text = [&](std::string_view digits) -> std::string {
        asked.emplace_back(digits);
        if (digits == "61355500911") return "+61 3 5550 0911";
        if (digits == "61355500912") return "+61 3 5550 0999";  // other digits: not taken
        return "tel:+61355500913";  // not a number's text: not taken
    };
    ImportReport rep;
    auto yaml = import_zone(z, options, &rep);
    REQUIRE(yaml.ok());
    INFO(*yaml);
    CHECK(rep.form == "friendly");
    CHECK(yaml->find("  - number: \"+61 3 5550 0911\"\n    naptr: sip:a@x\n") != std::string::npos);
    CHECK(yaml->find("  - number: \"+61355500912\"\n    naptr: sip:b@x\n") != std::string::npos);
    CHECK(yaml->find("  - number: \"+61355500913\"\n    naptr: sip:c@x\n") != std::string::npos);
    CHECK(yaml->find("  - number: \"+61255502*\"\n") != std::string::npos);
    CHECK(std::find(asked.begin(), asked.end(), "61255502") == asked.end());  // a range is never asked
    require_round_trip(z, *yaml);
}
