#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "enumd/zones/export.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;
using namespace enumd::testing;

namespace {

Record R(const char* owner, RrType type, std::uint32_t ttl, const char* data, const Name& origin) {
    auto rd = rdata_from_text(type, data, origin);
    REQUIRE(rd.ok());
    return Record{N(owner), type, ttl, *rd, {}, false, {}};
}

using RrTuple = std::tuple<std::string, std::uint16_t, std::uint32_t, std::vector<std::uint8_t>>;
std::set<RrTuple> as_set(const Zone& z) {
    std::set<RrTuple> s;
    for (const auto& r : z.records)
        s.emplace(r.owner.lowercased().to_text(), static_cast<std::uint16_t>(r.type), r.ttl, r.rdata);
    return s;
}

Zone load(const std::string& path) {
    Diagnostics diags;
    auto zones = load_rfc1035(path, std::nullopt, diags);
    INFO(all_diags(diags));
    REQUIRE_FALSE(diags.has_errors());
    REQUIRE(zones.size() == 1);
    return zones[0];
}

}  // namespace

TEST_CASE("export writes $ORIGIN, $TTL, the SOA first, then canonical order, one record per line", "[export]") {
    Name origin = N("e164.arpa.");
    Zone z;
    z.origin = origin;
    z.records = {
        R("*.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, "100 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:+\\\\1@x!\" .",
          origin),
        R("e164.arpa.", RrType::NS, 3600, "ns1.example.net.", origin),
        R("2.0.5.5.5.2.1.6.e164.arpa.", RrType::TXT, 60, "\"range\"", origin),
        R("e164.arpa.", RrType::SOA, 3600, "ns1.example.net. h.example.net. 1 2 3 4 5", origin),
        R("a.e164.arpa.", RrType::A, 3600, "192.0.2.2", origin),
        R("a.e164.arpa.", RrType::A, 3600, "192.0.2.1", origin),
        R("a.e164.arpa.", RrType::A, 3600, "192.0.2.1", origin),  // a duplicate, written once
    };
    std::string text = export_rfc1035(z);
    const std::string expected =
        "; zone e164.arpa., 6 records\n"
        "$ORIGIN e164.arpa.\n"
        "$TTL 3600\n"
        "@\t3600\tIN\tSOA\tns1.example.net. h.example.net. 1 2 3 4 5\n"
        "@\t3600\tIN\tNS\tns1.example.net.\n"
        "2.0.5.5.5.2.1.6\t60\tIN\tTXT\t\"range\"\n"
        "*.2.0.5.5.5.2.1.6\t3600\tIN\tNAPTR\t100 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:+\\\\1@x!\" .\n"
        "a\t3600\tIN\tA\t192.0.2.1\n"
        "a\t3600\tIN\tA\t192.0.2.2\n";
    CHECK(text == expected);
    ExportOptions absolute;
    absolute.relative_owners = false;
    absolute.header = false;
    CHECK(export_rfc1035(z, absolute).find("\na.e164.arpa.\t3600\tIN\tA\t192.0.2.1\n") != std::string::npos);
}

TEST_CASE("owners are written relative to the origin", "[export]") {
    struct Case {
        const char* owner;
        const char* origin;
        const char* text;
    };
    const Case cases[] = {
        {"e164.arpa.", "e164.arpa.", "@"},
        {"1.6.e164.arpa.", "e164.arpa.", "1.6"},
        {"*.1.6.E164.ARPA.", "e164.arpa.", "*.1.6"},
        {"a\\.b.example.", "example.", "a\\.b"},
        {"x.example.net.", "e164.arpa.", "x.example.net."},
        {"x.", ".", "x"},
    };
    for (const auto& c : cases) {
        INFO(c.owner << " in " << c.origin);
        CHECK(relative_owner_text(N(c.owner), N(c.origin)) == c.text);
    }
}

TEST_CASE("exported text loads back to the same records (lab, 3GPP, back-references)", "[export]") {
    TempDir dir("enumd-export");
    for (const char* file : {"lab.zone", "3gpp.zone"}) {
        INFO(file);
        Zone z = load(std::string(ENUMD_SOURCE_DIR) + "/tests/data/" + file);
        std::string out = dir.write(std::string("out-") + file, export_rfc1035(z));
        Zone back = load(out);
        CHECK(back.origin == z.origin);
        CHECK(as_set(back) == as_set(z));
        CHECK(back.records.size() == z.records.size());
    }
}

TEST_CASE("number owners get a comment naming the number, from the formatter the caller passes", "[export]") {
    Name origin = N("1.6.e164.arpa.");
    Zone z;
    z.origin = origin;
    const char* a = "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .";
    const char* b = "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:b@x!\" .";
    z.records = {
        R("1.6.e164.arpa.", RrType::SOA, 3600, "ns1.example.net. h.example.net. 1 2 3 4 5", origin),
        R("1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),                         // the apex: no number
        R("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::TXT, 3600, "\"t\"", origin),  // a TXT first: the comment
        R("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),       // still leads the owner
        R("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),       // the formatter says nothing
        R("4.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::TXT, 3600, "\"no NAPTR\"", origin),
        R("sip.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),  // not digits
        // The range +61255502* with the exception +61255502345, as the expansion writes them (ranges.hpp) ...
        R("*.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),
        R("3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),
        R("*.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),
        R("4.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),
        R("*.4.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),
        R("5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, b, origin),
        R("*.5.4.3.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),
        // ... a nested range of its own, and a number inside the range that routes as the range does.
        R("*.9.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, b, origin),
        R("7.2.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR, 3600, a, origin),
    };
    std::vector<std::string> asked;
    ExportOptions options;
    options.header = false;
    options.number_comment = [&](std::string_view digits) {
        asked.emplace_back(digits);
        return digits == "61355500912" ? std::string() : "+" + std::string(digits) + " (named)";
    };
    const std::string text = export_rfc1035(z, options);
    auto line = [](const char* owner, const char* naptr) {
        return std::string(owner) + "\t3600\tIN\tNAPTR\t" + naptr + "\n";
    };
    const std::string expected =
        "$ORIGIN 1.6.e164.arpa.\n"
        "$TTL 3600\n"
        "@\t3600\tIN\tSOA\tns1.example.net. h.example.net. 1 2 3 4 5\n" +
        line("@", a) +
        "; +61255502* (range)\n" + line("*.2.0.5.5.5.2", a) +
        "; +612555023 (copy of a range)\n" + line("3.2.0.5.5.5.2", a) +
        "; +612555023* (copy of a range)\n" + line("*.3.2.0.5.5.5.2", a) +
        "; +6125550234 (copy of a range)\n" + line("4.3.2.0.5.5.5.2", a) +
        "; +6125550234* (copy of a range)\n" + line("*.4.3.2.0.5.5.5.2", a) +
        "; +61255502345 (named)\n" + line("5.4.3.2.0.5.5.5.2", b) +
        "; +61255502345* (copy of a range)\n" + line("*.5.4.3.2.0.5.5.5.2", a) +
        "; +612555027 (named)\n" + line("7.2.0.5.5.5.2", a) +
        "; +612555029* (range)\n" + line("*.9.2.0.5.5.5.2", b) +
        "; +61355500911 (named)\n"
        "1.1.9.0.0.5.5.5.3\t3600\tIN\tTXT\t\"t\"\n" +
        line("1.1.9.0.0.5.5.5.3", a) + line("2.1.9.0.0.5.5.5.3", a) +
        "4.1.9.0.0.5.5.5.3\t3600\tIN\tTXT\t\"no NAPTR\"\n" + line("sip", a);
    CHECK(text == expected);
    CHECK(asked == std::vector<std::string>{"61255502345", "612555027", "61355500911", "61355500912"});
    options.number_comment = nullptr;  // enumctl export --no-number-comments
    CHECK(export_rfc1035(z, options).find(';') == std::string::npos);
}

TEST_CASE("an export with number comments loads back to the same records", "[export]") {
    TempDir dir("enumd-export-comments");
    Zone z = load(std::string(ENUMD_SOURCE_DIR) + "/tests/data/lab.zone");
    ExportOptions options;
    options.number_comment = [](std::string_view digits) { return "+" + std::string(digits) + " ; (a comment)"; };
    const std::string text = export_rfc1035(z, options);
    CHECK(text.find("\n; +61355500911 ; (a comment)\n") != std::string::npos);
    Zone back = load(dir.write("lab-commented.zone", text));
    CHECK(as_set(back) == as_set(z));
}
