#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;
using namespace enumd::testing;

namespace {

const std::string kHead =
    "$ORIGIN e164.arpa.\n"
    "$TTL 3600\n"
    "@ IN SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
    "@ IN NS ns1.example.net.\n";

const Record* find(const Zone& z, const char* owner, RrType type) {
    Name n = N(owner);
    for (const auto& r : z.records)
        if (r.owner == n && r.type == type) return &r;
    return nullptr;
}

}  // namespace

TEST_CASE("a zone file loads with origin, TTLs, SOA and line numbers", "[rfc1035]") {
    TempDir dir("enumd-rfc1035");
    std::string path = dir.write("z.zone", kHead +
                                               "; comment line\n"
                                               "\n"
                                               "1.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 \"u\" \"E2U+sip\" "
                                               "\"!^.*$!sip:info@server1.example.net!\" .\n"
                                               "$TTL 60\n"
                                               "www 300 IN A 192.0.2.1\n"
                                               "    IN AAAA 2001:db8::1\n"
                                               "$ORIGIN 6.e164.arpa.\n"
                                               "2.1 IN TXT \"six\"\n");
    Diagnostics diags;
    auto zones = load_rfc1035(path, std::nullopt, diags);
    INFO(all_diags(diags));
    REQUIRE_FALSE(diags.has_errors());
    REQUIRE(zones.size() == 1);
    const Zone& z = zones[0];
    CHECK(z.origin == N("e164.arpa."));
    CHECK(z.records.size() == 6);
    struct Case {
        const char* owner;
        RrType type;
        std::uint32_t ttl;
        int line;
    };
    const Case cases[] = {
        {"e164.arpa.", RrType::SOA, 3600, 3},
        {"e164.arpa.", RrType::NS, 3600, 4},
        {"1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR, 3600, 7},
        {"www.e164.arpa.", RrType::A, 300, 9},
        {"www.e164.arpa.", RrType::AAAA, 60, 10},  // owner inherited from the previous line
        {"2.1.6.e164.arpa.", RrType::TXT, 60, 12},
    };
    for (const auto& c : cases) {
        INFO(c.owner << " " << enumd::dns::to_text(c.type));
        const Record* r = find(z, c.owner, c.type);
        REQUIRE(r != nullptr);
        CHECK(r->ttl == c.ttl);
        CHECK(r->loc.file == path);
        CHECK(r->loc.line == c.line);
    }
}

TEST_CASE("parse errors are reported as file:line errors, all of them, and good lines still load", "[rfc1035]") {
    TempDir dir("enumd-rfc1035");
    std::string path = dir.write("bad.zone", kHead +
                                                 "a IN A 192.0.2.300\n"           // line 5
                                                 "b IN A 192.0.2.1\n"             // line 6
                                                 "c IN NAPTR 10 \"u\" \"x\"\n"    // line 7: too few fields
                                                 "d IN BOGUSTYPE 1\n"             // line 8
                                                 "e IN AAAA 2001:db8::1\n"        // line 9
                                                 "$GENERATE 1-9 $ A 192.0.2.$\n"  // line 10: BIND only
                                                 "$FOO bar\n"                     // line 11
                                                 "$TTL forever\n"                 // line 12
                                                 "f IN A 192.0.2.6\n");
    Diagnostics diags;
    auto zones = load_rfc1035(path, std::nullopt, diags);
    REQUIRE(zones.size() == 1);
    CHECK(diags.error_count() == 6);
    std::vector<int> lines;
    for (const auto& d : diags.items) {
        CHECK(d.loc.file == path);
        lines.push_back(d.loc.line);
        CHECK(d.to_text().rfind(path + ":" + std::to_string(d.loc.line) + ": error: ", 0) == 0);
    }
    CHECK(lines == std::vector<int>{5, 7, 8, 10, 11, 12});
    CHECK(diags.items.at(3).message.find("$GENERATE is a BIND extension") != std::string::npos);
    CHECK(diags.items.at(4).message.find("unknown directive '$FOO'") != std::string::npos);
    CHECK(find(zones[0], "b.e164.arpa.", RrType::A) != nullptr);
    CHECK(find(zones[0], "f.e164.arpa.", RrType::A) != nullptr);
    CHECK(find(zones[0], "e.e164.arpa.", RrType::AAAA) != nullptr);
}

TEST_CASE("zone-level problems are errors: outside the origin, other class, no SOA, unknown origin", "[rfc1035]") {
    struct Case {
        const char* what;
        std::string text;
        std::optional<Name> origin;
        const char* message;  // a part of the expected message
        int line;
    };
    const Case cases[] = {
        {"out of zone", kHead + "x.example.net. IN A 192.0.2.1\n", std::nullopt, "outside the zone", 5},
        {"class CH", kHead + "x CH TXT \"x\"\n", std::nullopt, "class IN", 5},
        {"no SOA with origin", "x.e164.arpa. 60 IN A 192.0.2.1\n", N("e164.arpa."), "no SOA", 0},
        {"no SOA, no origin", "x.e164.arpa. 60 IN A 192.0.2.1\n", std::nullopt, "origin is unknown", 0},
        {"SOA not at the given origin", "$ORIGIN e164.arpa.\n6 IN SOA a. b. 1 1 1 1 1\n", N("e164.arpa."),
         "is not the origin", 2},
        {"second SOA", kHead + "@ IN SOA a. b. 2 1 1 1 1\n", std::nullopt, "second SOA", 5},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        TempDir dir("enumd-rfc1035");
        std::string path = dir.write("z.zone", c.text);
        Diagnostics diags;
        (void)load_rfc1035(path, c.origin, diags);
        INFO(all_diags(diags));
        REQUIRE(diags.error_count() == 1);
        CHECK(diags.items[0].message.find(c.message) != std::string::npos);
        CHECK(diags.items[0].loc.line == c.line);
    }
}

TEST_CASE("$ORIGIN is absolute or relative to the current origin (RFC 1035 5.1)", "[rfc1035]") {
    struct Case {
        const char* directives;  // lines before "x IN A 192.0.2.1"
        const char* owner;       // expected owner of x, or "" for an error
        const char* message;
    };
    const Case cases[] = {
        {"$ORIGIN 6.e164.arpa.\n", "x.6.e164.arpa.", ""},           {"$ORIGIN 6\n", "x.6.e164.arpa.", ""},
        {"$origin 6\n$ORIGIN 1\n", "x.1.6.e164.arpa.", ""},         {"$ORIGIN 6 ; a comment\n", "x.6.e164.arpa.", ""},
        {"$ORIGIN\n", "", "$ORIGIN needs exactly one domain name"}, {"$ORIGIN a..b\n", "", "is not a domain name"},
    };
    for (const auto& c : cases) {
        INFO(c.directives);
        TempDir dir("enumd-rfc1035");
        std::string path = dir.write("o.zone", kHead + c.directives + "x IN A 192.0.2.1\n");
        Diagnostics diags;
        auto zones = load_rfc1035(path, std::nullopt, diags);
        INFO(all_diags(diags));
        REQUIRE(zones.size() == 1);
        if (*c.owner != '\0') {
            CHECK_FALSE(diags.has_errors());
            CHECK(find(zones[0], c.owner, RrType::A) != nullptr);
        } else {
            REQUIRE(diags.error_count() == 1);
            CHECK(diags.items[0].loc.line == 5);
            CHECK(diags.items[0].message.find(c.message) != std::string::npos);
        }
    }
}

TEST_CASE("$TTL takes seconds or units and sets the TTL of records without one (RFC 2308 4)", "[rfc1035]") {
    struct Case {
        const char* ttl_text;
        std::uint32_t ttl;  // of "x IN A" after the directive; 0 when the directive is an error
    };
    const Case cases[] = {{"60", 60}, {"1h", 3600}, {"1h30m", 5400}, {"1W", 604800}, {"forever", 0}, {"5x", 0}};
    for (const auto& c : cases) {
        INFO(c.ttl_text);
        TempDir dir("enumd-rfc1035");
        std::string path = dir.write("t.zone", kHead + "$TTL " + c.ttl_text + "\nx IN A 192.0.2.1\n");
        Diagnostics diags;
        auto zones = load_rfc1035(path, std::nullopt, diags);
        INFO(all_diags(diags));
        REQUIRE(zones.size() == 1);
        const Record* x = find(zones[0], "x.e164.arpa.", RrType::A);
        REQUIRE(x != nullptr);
        if (c.ttl != 0) {
            CHECK_FALSE(diags.has_errors());
            CHECK(x->ttl == c.ttl);
        } else {
            REQUIRE(diags.error_count() == 1);
            CHECK(diags.items[0].loc.line == 5);
            CHECK(x->ttl == 3600);  // the previous $TTL stays
        }
    }
}

TEST_CASE("an origin given by the caller completes relative names of a file without $ORIGIN", "[rfc1035]") {
    TempDir dir("enumd-rfc1035");
    std::string path = dir.write("rel.zone",
                                 "@ 300 IN SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
                                 "@ 300 IN NS ns1\n"
                                 "1.1.9 300 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .\n");
    Diagnostics diags;
    auto zones = load_rfc1035(path, N("0.0.5.5.5.3.1.6.e164.arpa."), diags);
    INFO(all_diags(diags));
    CHECK_FALSE(diags.has_errors());
    REQUIRE(zones.size() == 1);
    CHECK(zones[0].origin == N("0.0.5.5.5.3.1.6.e164.arpa."));
    CHECK(find(zones[0], "1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", RrType::NAPTR) != nullptr);
    const Record* ns = find(zones[0], "0.0.5.5.5.3.1.6.e164.arpa.", RrType::NS);
    REQUIRE(ns != nullptr);
    CHECK(rdata_to_text(RrType::NS, ns->rdata) == "ns1.0.0.5.5.5.3.1.6.e164.arpa.");

    // Without the origin, the relative names cannot be placed.
    Diagnostics without;
    (void)load_rfc1035(path, std::nullopt, without);
    CHECK(without.has_errors());
}

TEST_CASE("$INCLUDE reads a file relative to the including one, with its own origin, lines per file", "[rfc1035]") {
    TempDir dir("enumd-rfc1035");
    dir.write("sub/ranges.zone",
              "; included\n"
              "*.1.0.5.5.5.2.1.6 IN NAPTR 100 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@server1.example.net!\" .\n");
    dir.write("sub/six.zone", "1.1 IN TXT \"relative to the include origin\"\n");
    std::string path = dir.write("main.zone", kHead +
                                                  "$INCLUDE sub/ranges.zone\n"
                                                  "$INCLUDE sub/six.zone 6.e164.arpa.\n"
                                                  "after IN A 192.0.2.1\n");
    Diagnostics diags;
    auto zones = load_rfc1035(path, std::nullopt, diags);
    INFO(all_diags(diags));
    REQUIRE_FALSE(diags.has_errors());
    REQUIRE(zones.size() == 1);
    const Record* w = find(zones[0], "*.1.0.5.5.5.2.1.6.e164.arpa.", RrType::NAPTR);
    REQUIRE(w != nullptr);
    CHECK(w->loc.file == (dir.path / "sub/ranges.zone").string());
    CHECK(w->loc.line == 2);
    CHECK(find(zones[0], "1.1.6.e164.arpa.", RrType::TXT) != nullptr);
    // The include's origin does not leak back into the including file.
    const Record* after = find(zones[0], "after.e164.arpa.", RrType::A);
    REQUIRE(after != nullptr);
    CHECK(after->loc.line == 7);
}

TEST_CASE("a missing file or a directory is an error, not a crash", "[rfc1035]") {
    TempDir dir("enumd-rfc1035");
    std::filesystem::create_directories(dir.path / "sub");
    for (const auto& [path, message] : {std::pair{(dir.path / "missing.zone").string(), "cannot open"},
                                        std::pair{(dir.path / "sub").string(), "is a directory"}}) {
        INFO(path);
        Diagnostics diags;
        auto zones = load_rfc1035(path, std::nullopt, diags);
        CHECK(zones.empty());
        REQUIRE(diags.error_count() == 1);
        CHECK(diags.items[0].loc.file == path);
        CHECK(diags.items[0].message.find(message) != std::string::npos);
    }
}

TEST_CASE("$INCLUDE problems are errors at the directive's line: missing file, loop", "[rfc1035]") {
    TempDir dir("enumd-rfc1035");
    dir.write("loop.zone", "$INCLUDE main.zone\n");
    std::string path = dir.write("main.zone", kHead +
                                                  "$INCLUDE missing.zone\n"
                                                  "$INCLUDE loop.zone\n");
    Diagnostics diags;
    auto zones = load_rfc1035(path, std::nullopt, diags);
    INFO(all_diags(diags));
    REQUIRE(diags.error_count() == 2);
    CHECK(diags.items[0].loc.line == 5);
    CHECK(diags.items[0].message.find("cannot open") != std::string::npos);
    CHECK(diags.items[1].loc.file == (dir.path / "loop.zone").string());
    CHECK(diags.items[1].loc.line == 1);
    CHECK(diags.items[1].message.find("loop") != std::string::npos);
}

TEST_CASE("NAPTR fields survive: tabs after quoted strings (ldns #157), back-references, quotes", "[rfc1035]") {
    struct Case {
        const char* line;    // as written in the zone file (after the owner)
        const char* text;    // as rdata_to_text prints it back
        std::string regexp;  // the regexp octets on the wire
    };
    const Case cases[] = {
        {"IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\"\t.", "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .",
         "!^.*$!sip:a@x!"},
        {"IN\tNAPTR\t10\t100\t\"u\"\t\"E2U+sip\"\t\"!^.*$!sip:a@x!\"\t.\t; tabs everywhere",
         "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@x!\" .", "!^.*$!sip:a@x!"},
        {"IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:+\\\\1@x!\" .",
         "10 100 \"u\" \"E2U+sip\" \"!(^.*$)!sip:+\\\\1@x!\" .", "!(^.*$)!sip:+\\1@x!"},
        {"IN NAPTR 100 10 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.net.",
         "100 10 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.net.", ""},
        {"IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:tab\there@x!\" .",  // a tab inside quotes stays a tab
         "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:tab\there@x!\" .", "!^.*$!sip:tab\there@x!"},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        TempDir dir("enumd-rfc1035");
        std::string path = dir.write("n.zone", kHead + "1.2.3\t" + c.line + "\n");
        Diagnostics diags;
        auto zones = load_rfc1035(path, std::nullopt, diags);
        INFO(all_diags(diags));
        REQUIRE_FALSE(diags.has_errors());
        const Record* r = find(zones.at(0), "1.2.3.e164.arpa.", RrType::NAPTR);
        REQUIRE(r != nullptr);
        CHECK(rdata_to_text(RrType::NAPTR, r->rdata) == c.text);
        // order(2) pref(2) flags service regexp: skip to the regexp string.
        std::size_t p = 4;
        p += 1 + r->rdata.at(p);
        p += 1 + r->rdata.at(p);
        std::size_t len = r->rdata.at(p);
        CHECK(std::string(r->rdata.begin() + static_cast<long>(p) + 1,
                          r->rdata.begin() + static_cast<long>(p + 1 + len)) == c.regexp);
    }
}

TEST_CASE("the lab and 3GPP test zones load without errors", "[rfc1035]") {
    struct Case {
        const char* file;
        const char* origin;
        std::size_t records;
    };
    const Case cases[] = {{"lab.zone", "e164.arpa.", 14}, {"3gpp.zone", "3gppnetwork.org.", 25}};
    for (const auto& c : cases) {
        INFO(c.file);
        Diagnostics diags;
        auto zones = load_rfc1035(std::string(ENUMD_SOURCE_DIR) + "/tests/data/" + c.file, std::nullopt, diags);
        INFO(all_diags(diags));
        CHECK_FALSE(diags.has_errors());
        REQUIRE(zones.size() == 1);
        CHECK(zones[0].origin == N(c.origin));
        CHECK(zones[0].records.size() == c.records);
    }
}

TEST_CASE("only .yaml and .yml files are taken for YAML", "[rfc1035]") {
    CHECK(looks_like_rfc1035("lab.zone"));
    CHECK(looks_like_rfc1035("e164.arpa.db"));
    CHECK(looks_like_rfc1035("zone"));
    CHECK_FALSE(looks_like_rfc1035("zones/examples/lab.yaml"));
    CHECK_FALSE(looks_like_rfc1035("x.yml"));
}

TEST_CASE("exact duplicate records in a zone file are merged with one warning per zone", "[rfc1035]") {
    struct Case {
        const char* name;
        std::string body;          // after kHead (lines 1-4)
        std::size_t records;       // after merging
        std::string warning;       // "" = none; else the whole diagnostic
        std::uint32_t www_a_ttl;   // TTL of www A 192.0.2.1 after merging
    };
    const Case cases[] = {
        {"no duplicates", "www IN A 192.0.2.1\nwww IN A 192.0.2.2\n", 4, "", 3600},
        {"one repeat", "www IN A 192.0.2.1\nwww IN A 192.0.2.1\n", 3,
         ":6: warning: zone e164.arpa.: 1 duplicate record merged, the first www.e164.arpa. A 192.0.2.1 (first at "
         "%:5): an RRset is a set (RFC 2181 §5.2), each record is served once with the lowest TTL of its copies",
         3600},
        {"repeats counted, owner case ignored, lowest TTL kept, the first repeat named",
         "www IN A 192.0.2.1\n"
         "x IN TXT \"a\"\n"
         "x IN TXT \"a\"\n"
         "WWW 60 IN A 192.0.2.1\n"
         "www IN A 192.0.2.1\n"
         "www IN AAAA 2001:db8::1\n"  // another type: not a repeat
         "x IN TXT \"A\"\n",          // other rdata: not a repeat
         6,
         ":7: warning: zone e164.arpa.: 3 duplicate records merged, the first x.e164.arpa. TXT \"a\" (first at "
         "%:6): an RRset is a set (RFC 2181 §5.2), each record is served once with the lowest TTL of its copies",
         60},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        TempDir dir("enumd-rfc1035");
        std::string path = dir.write("z.zone", kHead + c.body);
        Diagnostics diags;
        auto zones = load_rfc1035(path, std::nullopt, diags);
        REQUIRE_FALSE(diags.has_errors());
        REQUIRE(zones.size() == 1);
        CHECK(zones[0].records.size() == c.records);
        if (c.warning.empty()) {
            CHECK(diags.items.empty());
        } else {
            std::string want = path + c.warning;
            want.replace(want.find('%'), 1, path);
            REQUIRE(diags.items.size() == 1);
            CHECK(diags.items[0].to_text() == want);
        }
        const Record* www = find(zones[0], "www.e164.arpa.", RrType::A);
        REQUIRE(www != nullptr);
        CHECK(www->ttl == c.www_a_ttl);
        CHECK(www->loc.line == 5);  // the first copy is the one kept
    }
}

TEST_CASE("duplicates are found across a large file's halves (hashed and sorted on two threads)", "[rfc1035]") {
    // 300,002 records: more than merge_duplicates splits (2^18). Every 1,000th number of the first half is repeated
    // in the second half — owner upper-cased, TTL lower — and every 1,000th of the second half once more at the end.
    constexpr int kNumbers = 150000;
    auto owner_of = [](int i, bool upper) {
        std::string digits = std::to_string(1000000 + i), o;
        for (auto it = digits.rbegin(); it != digits.rend(); ++it) o += std::string(1, *it) + ".";
        return o + (upper ? "N" : "n");
    };
    auto line = [&](int i, bool upper, int ttl, int order) {
        return owner_of(i, upper) + " " + std::to_string(ttl) + " IN NAPTR " + std::to_string(order) +
               " 100 \"u\" \"E2U+sip\" \"!^.*$!sip:" + std::to_string(i) + "@example.net!\" .\n";
    };
    std::string text = kHead;
    for (int i = 0; i < kNumbers; ++i) text += line(i, false, 3600, 10) + line(i, false, 3600, 20);
    int repeats = 0;
    for (int i = 0; i < kNumbers / 2; i += 1000, ++repeats) text += line(i, true, 60, 20);
    for (int i = kNumbers / 2; i < kNumbers; i += 1000, ++repeats) text += line(i, false, 300, 10);
    TempDir dir("enumd-rfc1035");
    std::string path = dir.write("z.zone", text);
    Diagnostics diags;
    auto zones = load_rfc1035(path, std::nullopt, diags);
    REQUIRE_FALSE(diags.has_errors());
    REQUIRE(zones.size() == 1);
    CHECK(zones[0].records.size() == 2 + 2 * static_cast<std::size_t>(kNumbers));
    REQUIRE(diags.items.size() == 1);
    // The repeat met first in the file is the first upper-case one (named as written), of number 0's second record
    // (line 6).
    CHECK(diags.items[0].to_text() ==
          path + ":" + std::to_string(4 + 2 * kNumbers + 1) + ": warning: zone e164.arpa.: " + std::to_string(repeats) +
              " duplicate records merged, the first 0.0.0.0.0.0.1.N.e164.arpa. NAPTR 20 100 \"u\" \"E2U+sip\" "
              "\"!^.*$!sip:0@example.net!\" . (first at " + path + ":6): an RRset is a set (RFC 2181 §5.2), each record "
              "is served once with the lowest TTL of its copies");
    // The first copies stay, in file order, with the lowest TTL of their copies.
    const auto& recs = zones[0].records;
    CHECK(recs[2 + 1].ttl == 60);     // number 0, order 20: repeated at TTL 60
    CHECK(recs[2 + 0].ttl == 3600);   // number 0, order 10: not repeated
    CHECK(recs[2 + 2 * 75000].ttl == 300);  // number 75,000, order 10: repeated at TTL 300
    CHECK(recs[2 + 2 * 75000].loc.line == 4 + 2 * 75000 + 1);
    CHECK(recs.back().loc.line == 4 + 2 * kNumbers);
}

TEST_CASE("record data prints as text that parses back to the same wire, even a URI without a target", "[rfc1035]") {
    const auto origin = N("1.6.e164.arpa.");
    struct Case {
        RrType type;
        const char* text;
        const char* printed;
    };
    const Case cases[] = {
        {RrType::URI, "10 1 \"sip:a@example.net\"", "10 1 \"sip:a@example.net\""},
        // RFC 7553 allows an empty target; ldns keeps no field for it, so it prints generically (RFC 3597).
        {RrType::URI, "6 1 \"\"", "\\# 4 00060001"},
        {RrType::NAPTR, "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" .", "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" ."},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto wire = rdata_from_text(c.type, c.text, origin);
        REQUIRE(wire.ok());
        std::string printed = rdata_to_text(c.type, *wire);
        CHECK(printed == c.printed);
        auto again = rdata_from_text(c.type, printed, origin);
        REQUIRE(again.ok());
        CHECK(*again == *wire);
    }
    // A NUL byte would cut the text short where ldns reads it: refused, not silently truncated.
    auto nul = rdata_from_text(RrType::URI, std::string_view("6 1 \"\"\0\0b", 10), origin);
    REQUIRE_FALSE(nul.ok());
    CHECK_THAT(nul.error(), Catch::Contains("NUL"));
}
