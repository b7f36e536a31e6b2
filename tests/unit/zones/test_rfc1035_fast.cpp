#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../../../zones/src/rfc1035_fast.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;
using namespace enumd::testing;

namespace {

const std::string kHead =
    "$ORIGIN e164.arpa.\n"
    "$TTL 300\n"
    "@ IN SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 300\n"
    "prev IN NS ns1.example.net.\n";

/// Records (owner octets with their case, type, TTL, rdata, line) and diagnostics, as text to compare.
std::string load_text(const std::string& text, const std::optional<Name>& origin, bool ldns_only) {
    Rfc1035Options options;
    options.ldns_only = ldns_only;
    options.follow_includes = false;
    Diagnostics diags;
    auto zones = load_rfc1035_text(text, "t.zone", origin, diags, options);
    std::string s;
    for (const auto& z : zones) {
        s += "zone " + z.origin.to_text() + "\n";
        for (const auto& r : z.records) {
            s += std::to_string(r.loc.line) + " " + r.owner.to_text() + " [";
            for (std::uint8_t b : r.owner.wire()) s += std::to_string(b) + ",";
            s += "] " + std::to_string(r.ttl) + " " + enumd::dns::to_text(r.type) + " " +
                 rdata_to_text(r.type, r.rdata) + "\n";
        }
    }
    for (const auto& d : diags.items) s += d.to_text() + "\n";
    return s;
}

struct Case {
    const char* what;
    std::string entry;  ///< one entry, appended to kHead
    bool fast;          ///< the fast path takes it (else ldns reads it)
};

// Each entry is read by both paths, which must agree; `fast` says which path reads it.
const Case kCases[] = {
    {"a Knot export line",
     "0.0.0.0.6.6.8.4.1.2.1 3600 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@sbc1.example!\" .", true},
    {"tabs between fields and after a quoted string (ldns #157)",
     "1\t3600\tIN\tNAPTR\t10 100 \"u\"\t\"E2U+sip\"\t\"!^.*$!sip:a@b!\"\t.", true},
    {"a quoted string holding ; and a tab", "2 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a;b\t@c!\" .", true},
    {"quoted strings with no blank between them", "3 IN NAPTR 10 100 \"u\"\"E2U+sip\" \"\" .", true},
    {"escapes \\DDD and \\X in a string", "4 IN TXT \"\\065\\\"b\\\\\" c\\;d e\\032f", true},
    {"escapes in names: a dot, a blank, \\DDD", "a\\.b\\032c\\065 IN PTR x\\.y.example.", true},
    {"an empty string and a trailing comment", "5 IN TXT \"\" ; \"not data\"", true},
    {"a blank owner: the previous owner", "  IN A 192.0.2.1", true},
    {"\"@\": the origin", "@ IN A 192.0.2.2", true},
    {"a relative owner and relative rdata names", "sub IN MX 10 mail", true},
    {"TTL then class", "6 60 IN A 192.0.2.3", true},
    {"TTL without class, lower-case type", "7 60 aaaa 2001:db8::1", true},
    {"class without TTL, lower-case class", "8 in srv 0 5 5060 sip.example.", true},
    {"type alone: the $TTL", "9 CNAME @", true},
    {"TTL units", "10 1h30m IN DNAME example.", true},
    {"a TTL with trailing letters, as ldns reads it", "11 60x IN A 192.0.2.4", true},
    {"SOA timers in units", "@ IN SOA ns1 hostmaster 2 1h 30m 2w 1d", true},
    {"CRLF line end", "12 IN A 192.0.2.5\r", true},
    {"class before TTL: ldns takes the TTL for the type", "13 IN 60 A 192.0.2.6", false},
    {"parentheses", "14 IN SOA ns1 hostmaster ( 3 1 2 3 4 )", false},
    {"RFC 3597 generic data", "15 IN A \\# 4 c0000207", false},
    {"TYPEnnn", "16 IN TYPE1 192.0.2.8", false},
    {"a class other than IN", "17 CH A 192.0.2.9", false},
    {"an unknown type", "18 IN HINFO \"a\" \"b\"", false},
    {"an owner starting with @", "@x IN A 192.0.2.10", false},
    {"a name whose first label is @", "19 IN PTR @.example.", false},
    {"a bad address", "20 IN A 192.0.2.256", false},
    {"a number out of range", "21 IN MX 65536 mail", false},
    {"a negative number", "22 IN MX -1 mail", false},
    {"too many fields", "23 IN A 192.0.2.1 192.0.2.2", false},
    {"too few fields", "24 IN NAPTR 10 100 \"u\"", false},
    {"an unclosed quote", "25 IN TXT \"abc", false},
    {"a backslash before the line break", "26 IN TXT abc\\", false},
    {"a string of 255 octets", "27 IN TXT \"" + std::string(255, 'a') + "\"", true},
    {"a label of 63 octets", "28 IN CNAME " + std::string(63, 'a'), true},
    {"a string over 255 octets", "27 IN TXT \"" + std::string(256, 'a') + "\"", false},
    {"a label over 63 octets", "28 IN CNAME " + std::string(64, 'a'), false},
    {"a bad escape", "29 IN TXT \\1x", false},
    {"a quote inside a bare token", "30 IN TXT a\"b", false},
    {"a CR inside a quoted string", "31 IN TXT \"a\rb\"", false},
};

}  // namespace

TEST_CASE("the fast path reads plain lines and leaves the rest to ldns", "[rfc1035]") {
    Name origin = N("e164.arpa.");
    Name prev = N("prev.e164.arpa.");
    rfc1035_fast::State state;
    state.origin = &origin;
    state.prev = &prev;
    state.default_ttl = 300;
    for (const auto& c : kCases) {
        INFO(c.what << ": " << c.entry);
        std::string text = c.entry + "\n";
        rfc1035_fast::Entry entry;
        std::size_t next = 0;
        CHECK(rfc1035_fast::read_entry(text, 0, state, entry, next) == c.fast);
        if (c.fast) CHECK(next == text.size());
    }
}

TEST_CASE("the fast path and ldns give the same records and diagnostics", "[rfc1035]") {
    for (const auto& c : kCases) {
        INFO(c.what << ": " << c.entry);
        for (const auto& origin : {std::optional<Name>(N("e164.arpa.")), std::optional<Name>()}) {
            std::string text = kHead + c.entry + "\n";
            CHECK(load_text(text, origin, false) == load_text(text, origin, true));
        }
    }
}

TEST_CASE("the fast path follows $ORIGIN, $TTL, blank owners and comment lines as ldns does", "[rfc1035]") {
    const std::string text = kHead +
                             "; a comment line\n"
                             "\n"
                             "1 IN NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" .\n"
                             "  IN NAPTR 20 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@c!\" .\n"
                             "; between a record and its blank-owner sibling\n"
                             "\tIN TXT \"still 1\"\n"
                             "$ORIGIN 4.4\n"
                             "2 IN A 192.0.2.1\n"
                             "$TTL 1h\n"
                             "3 IN TXT ( \"a\"\n"
                             "   \"b\" )\n"             // multi-line: ldns
                             "  IN AAAA 2001:db8::2\n"  // blank owner after an ldns record
                             "$ORIGIN e164.arpa.\n"
                             "$TTL 0\n"
                             "4 IN A 192.0.2.3\n"  // ldns reads a $TTL of 0 as none: 3600
                             "@ IN TXT apex\n"
                             "  IN TXT \"after @\"\n";
    std::string fast = load_text(text, N("e164.arpa."), false);
    std::string ldns = load_text(text, N("e164.arpa."), true);
    CHECK(fast == ldns);
    // The blank owners above got the previous owners, across the ldns record too.
    CHECK(fast.find("\n10 1.e164.arpa. [") != std::string::npos);
    CHECK(fast.find("\n16 3.4.4.e164.arpa. [") != std::string::npos);
    CHECK(fast.find("\n21 e164.arpa. [") != std::string::npos);
    CHECK(fast.find("3600 A 192.0.2.3") != std::string::npos);
}

TEST_CASE("the fast path gives the wire ldns gives for escapes, case and relative names", "[rfc1035]") {
    Name origin = N("Example.");
    rfc1035_fast::State state;
    state.origin = &origin;
    state.default_ttl = 0;
    rfc1035_fast::Entry e;
    std::size_t next = 0;
    std::string text = "A\\.b\\032 IN NAPTR 1 2 \"U\" \"\\069\" \"!\\\\1!\" Rel\n";
    REQUIRE(rfc1035_fast::read_entry(text, 0, state, e, next));
    CHECK(e.owner_given);
    CHECK(e.ttl == 3600);
    const std::vector<std::uint8_t> owner = {4, 'A', '.', 'b', ' ', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 0};
    CHECK(std::vector<std::uint8_t>(e.owner.wire().begin(), e.owner.wire().end()) == owner);
    const std::vector<std::uint8_t> rdata = {0, 1,   0,   2,   1, 'U', 1,   'E', 4,   '!', '\\', '1', '!',
                                             3, 'R', 'e', 'l', 7, 'E', 'x', 'a', 'm', 'p', 'l',  'e', 0};
    CHECK(e.rdata == rdata);
}
