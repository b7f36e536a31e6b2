#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::RrType;
using namespace enumd::zones;
using namespace enumd::testing;

namespace {

const std::string kHeader = yaml_head("example.net.", "ns1.example.org.");
const std::string kEnumHeader = yaml_head("e164.arpa.", "ns1.example.org.");

Diagnostics check(const std::string& text) {
    Diagnostics d;
    auto z = load_yaml_zone_text(text, "t.yaml", d);
    REQUIRE(z.has_value());
    validate_zone(*z, d);
    return d;
}

std::vector<std::string> texts(const Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& i : d.items) out.push_back(i.to_text());
    return out;
}

struct Case {
    std::string body;
    std::vector<std::string> expected;  // every diagnostic, in order
};

void run(const std::vector<Case>& cases, const std::string& header) {
    for (const auto& c : cases) {
        INFO(c.body);
        CHECK(texts(check(header + c.body)) == c.expected);
    }
}

}  // namespace

TEST_CASE("Zone-level errors name the record and the rule", "[validate][errors]") {
    run(
        {
            {"records:\n"
             "  - {name: www, type: CNAME, data: host}\n"
             "  - {name: www, type: A, data: 192.0.2.1}\n",
             {"t.yaml:5:36: error: CNAME at www.example.net. beside other data (A at t.yaml:6:32): a CNAME owner can "
              "have "
              "no other records (RFC 2181 §10.1)"}},
            {"records:\n"
             "  - {name: alias, type: CNAME, data: host}\n"
             "  - {name: _sip._udp, type: SRV, data: 10 10 5060 alias}\n"
             "  - {name: '@', type: MX, data: 10 alias}\n"
             "  - {name: sub, type: NS, data: alias}\n",
             {"t.yaml:6:40: error: SRV target alias.example.net. of _sip._udp.example.net. is a CNAME in this zone; it "
              "must "
              "name the host itself (RFC 2181 §10.3, RFC 2782)",
              "t.yaml:7:33: error: MX target alias.example.net. of example.net. is a CNAME in this zone; it must name "
              "the "
              "host itself (RFC 2181 §10.3, RFC 2782)",
              "t.yaml:8:33: error: NS target alias.example.net. of sub.example.net. is a CNAME in this zone; it must "
              "name "
              "the host itself (RFC 2181 §10.3, RFC 2782)"}},
            {"records:\n  - {name: www.example.com., type: A, data: 192.0.2.1}\n",
             {"t.yaml:5:45: error: owner www.example.com. is outside the zone example.net."}},
            {"records:\n"
             "  - {name: sub, type: NS, data: ns.sub}\n"
             "  - {name: ns.sub, type: A, data: 192.0.2.53}\n"
             "  - {name: www.sub, type: TXT, data: hidden}\n"
             "  - {name: sub, type: TXT, data: beside}\n",
             {"t.yaml:7:38: error: TXT record at www.sub.example.net. is hidden under the delegation at "
              "sub.example.net.: "
              "only glue addresses of NS targets belong below a zone cut (RFC 1034 §4.2.1)",
              "t.yaml:8:34: error: TXT record at sub.example.net. sits beside a delegation (NS) there and would never "
              "be "
              "answered: only NS, DS and glue belong at a zone cut (RFC 1034 §4.2.1)"}},
            {"records:\n"
             "  - {name: www, type: A, data: 192.0.2.1}\n"
             "  - {name: WWW, type: A, data: 192.0.2.1}\n",
             {"t.yaml:6:32: error: duplicate record WWW.example.net. A 192.0.2.1 (first at t.yaml:5:32)"}},
            {"records:\n  - {name: '@', type: NAPTR, data: '10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:\\\\2@b!\" .'}\n",
             {"t.yaml:5:36: error: NAPTR regexp back-reference \\2 refers to group 2 but the pattern '^.*$' has 0 "
              "groups "
              "(at example.net.)"}},
        },
        kHeader);
}

TEST_CASE("The model is validated whatever format it came from", "[validate][errors]") {
    Zone z;
    z.origin = N("example.net.");
    z.loc = SourceLoc{"z.zone", 1, 0};
    Soa soa{N("ns1.example.net."), N("h.example.net."), 1, 2, 3, 4, 5};
    z.records.push_back(Record{N("www.example.net."), RrType::SOA, 60, encode_soa(soa),
                               SourceLoc{"z.zone", 3, 0}, false, {}});
    z.records.push_back(Record{N("www.example.net."),
                               RrType::A,
                               0x80000000U,
                               {192, 0, 2, 1},
                               SourceLoc{"z.zone", 4, 0},
                               false,
                               {}});
    Diagnostics d;
    validate_zone(z, d);
    CHECK(texts(d) == std::vector<std::string>{
                          "z.zone:3: error: SOA record at www.example.net., which is not the zone apex example.net.",
                          "z.zone:4: error: TTL 2147483648 of www.example.net. A is above 2147483647 (RFC 2181 §8)",
                          "z.zone:1: error: zone example.net. has no SOA record",
                          "z.zone:1: error: zone example.net. has no NS records at its apex",
                      });
}

TEST_CASE("A raw wildcard shadowed by names below its parent is a warning", "[validate][warnings]") {
    auto d = check(
        kEnumHeader +
        "records:\n"
        "  - {name: '*.2.0.5.5.5.2.1.6', type: NAPTR, data: '100 100 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" .'}\n"
        "  - {name: '5.4.3.2.0.5.5.5.2.1.6', type: NAPTR, data: '50 100 \"u\" \"E2U+sip\" \"!^.*$!sip:c@d!\" .'}\n");
    CHECK(
        texts(d) ==
        std::vector<std::string>{
            "t.yaml:5:52: warning: wildcard *.2.0.5.5.5.2.1.6.e164.arpa. is shadowed: 5.4.3.2.0.5.5.5.2.1.6.e164.arpa. "
            "exists below 2.0.5.5.5.2.1.6.e164.arpa., so names under 3.2.0.5.5.5.2.1.6.e164.arpa. do not match the "
            "wildcard and get NXDOMAIN (RFC 4592 §2.2.1); for a number range write it as a prefix in `numbers` "
            "(\"+...*\"), which keeps the prefix meaning"});
    CHECK_FALSE(d.has_errors());
    // The same routes written as a prefix range: no warning.
    auto ok = check(kEnumHeader +
                    "numbers:\n"
                    "  - {number: '+61255502*', naptr: 'sip:a@b.example'}\n"
                    "  - {number: '+61255502345', naptr: 'sip:c@d.example'}\n");
    CHECK(ok.items.empty());
}

TEST_CASE("A NAPTR regexp that may match part of the number is a warning", "[validate][warnings]") {
    auto d = check(kEnumHeader + "numbers:\n  - {number: '+1 555 1234', naptr: 'sip:a@b.example'}\n"
                                 "records:\n  - {name: '9.9.9.9.5.5.5.1', type: NAPTR, "
                                 "data: '10 10 \"u\" \"E2U+sip\" \"!^\\\\+1!sip:!\" .'}\n");
    auto t = texts(d);
    REQUIRE(t.size() == 1);
    CHECK(t[0].find("warning: NAPTR regexp \"!^\\+1!sip:!\" may match only part of the number") != std::string::npos);
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].kind == "naptr-partial-match");
}

TEST_CASE("A dial prefix where the country code belongs is a warning under e164.arpa", "[validate][warnings]") {
    auto d = check(kEnumHeader + "numbers:\n  - {number: '0011 61 3 5550 0911', naptr: 'sip:a@b.example'}\n");
    CHECK(texts(d) ==
          std::vector<std::string>{
              "t.yaml:5:44: warning: number +001161355500911 under e164.arpa starts with 0: no country code "
              "does, so this looks like a national or international dial prefix (such as 0011 or 00) written "
              "before the country code"});
    // A private ENUM tree has no such rule.
    auto p = check(
        "origin: enum.example.net.\nsoa: {mname: ns1.example.org., rname: h.example.net.}\nns: [ns1.example.org.]\n"
        "numbers:\n  - {number: '0011 61 3 5550 0911', naptr: 'sip:a@b.example'}\n");
    CHECK(p.items.empty());
}

TEST_CASE("NAPTR preferences used like weights are a warning", "[validate][warnings]") {
    auto d = check(
        kEnumHeader +
        "numbers:\n"
        "  - number: '+61355500913'\n"
        "    naptr:\n"
        "      - {uri: 'sip:1@a.example', preference: 100}\n"
        "      - {uri: 'sip:2@a.example', preference: 100}\n"
        "      - {uri: 'sip:3@a.example', preference: 200}\n"
        "  - number: '+61355500912'\n"
        "    naptr: ['sip:1@a.example', 'sip:2@a.example']\n"
        "  - number: '+61355500914'\n"
        "    naptr: [{uri: 'sip:1@a.example', order: 10}, {uri: 'sip:2@a.example', order: 20, preference: 50}]\n");
    CHECK(texts(d) ==
          std::vector<std::string>{
              "t.yaml:9:9: warning: NAPTRs at 3.1.9.0.0.5.5.5.3.1.6.e164.arpa. with order 10 have preferences "
              "100/100/200: preference is an order, not a weight — clients use preference 100 and try the "
              "others only if it fails (RFC 3403 §4.1); use equal preferences to share load"});
}

TEST_CASE("The example zones pass check without errors", "[validate][examples]") {
    for (const char* f : {"zones/examples/lab.yaml", "zones/examples/3gpp.yaml"}) {
        INFO(f);
        Diagnostics d;
        auto zones = load_zone_files({std::string(ENUMD_SOURCE_DIR) + "/" + f}, d);
        for (const auto& i : d.items) UNSCOPED_INFO(i.to_text());
        CHECK(zones.size() == 1);
        CHECK_FALSE(d.has_errors());
    }
}

TEST_CASE("Different TTLs inside one RRset are a warning", "[validate][warnings]") {
    auto d = check(kHeader +
                   "records:\n"
                   "  - {name: www, type: A, data: 192.0.2.1, ttl: 300}\n"
                   "  - {name: www, type: A, data: 192.0.2.2, ttl: 60}\n"
                   "  - {name: www, type: AAAA, data: '2001:db8::1', ttl: 60}\n");
    CHECK(texts(d) == std::vector<std::string>{
                          "t.yaml:6:32: warning: the A records at www.example.net. have different TTLs (60 to 300): an "
                          "RRset has one TTL (RFC 2181 §5.2), so 60 is served for all of them"});
}

TEST_CASE("Occluded data: RFC 1035 input loads with one warning per delegation, YAML refuses it",
          "[validate][warnings]") {
    // Knot, NSD and BIND load a master file with data at or below a cut and
    // never answer it; enumd does the same for RFC 1035 input (issue 12).
    const std::string path = "occluded-validate.zone";
    {
        std::ofstream f(path);
        f << "$ORIGIN example.net.\n$TTL 300\n"
             "@ SOA ns1 h 1 2 3 4 5\n"      // 3
             "@ NS ns1\n"                   // 4
             "ns1 A 192.0.2.1\n"            // 5
             "sub NS ns.sub\n"              // 6
             "ns.sub A 192.0.2.53\n"        // 7
             "sub TXT beside\n"             // 8
             "www.sub TXT hidden\n"         // 9
             "deep.www.sub A 192.0.2.9\n"   // 10
             "other NS ns.elsewhere.org.\n"  // 11
             "x.other A 192.0.2.7\n";        // 12
    }
    Diagnostics d;
    auto zones = load_rfc1035(path, std::nullopt, d);
    std::remove(path.c_str());
    REQUIRE(zones.size() == 1);
    validate_zone(zones[0], d);
    CHECK(d.error_count() == 0);
    CHECK(texts(d) ==
          std::vector<std::string>{
              "occluded-validate.zone:12: warning: 1 record (this one) at or below the delegation at "
              "other.example.net. is occluded: loaded but never answered, because only NS, DS and glue belong at or "
              "below a zone cut (RFC 1034 §4.2.1)",
              "occluded-validate.zone:8: warning: 3 records (the first here) at or below the delegation at "
              "sub.example.net. are occluded: loaded but never answered, because only NS, DS and glue belong at or "
              "below a zone cut (RFC 1034 §4.2.1)",
          });
}

TEST_CASE("NAPTR rdata that does not decode is an error, whatever part is broken", "[validate]") {
    // order 10, preference 100, "u", "E2U+sip", "!^.*$!sip:a@b!", then the replacement
    const std::vector<std::uint8_t> head = {0,   10,  0,   100, 1,   'u', 7,   'E', '2', 'U', '+', 's', 'i', 'p',
                                            14,  '!', '^', '.', '*', '$', '!', 's', 'i', 'p', ':', 'a', '@', 'b', '!'};
    auto with = [&](std::vector<std::uint8_t> tail) {
        std::vector<std::uint8_t> r = head;
        r.insert(r.end(), tail.begin(), tail.end());
        return r;
    };
    struct RdataCase {
        const char* what;
        std::vector<std::uint8_t> rdata;
        bool malformed;
    };
    const RdataCase cases[] = {
        {"root replacement", with({0}), false},
        {"a replacement name", with({3, 'f', 'o', 'o', 0}), false},
        {"shorter than order and preference", {0, 10, 0}, true},
        {"a string past the end", {0, 10, 0, 100, 5, 'u'}, true},
        {"no replacement", head, true},
        {"a replacement without its root label", with({3, 'f', 'o', 'o'}), true},
        {"octets after the replacement", with({0, 0}), true},
        {"a label over 63 octets", with({64}), true},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        Zone z = e164_apex(1);
        Record r;
        r.owner = N("1.e164.arpa.");
        r.type = RrType::NAPTR;
        r.ttl = 60;
        r.rdata = c.rdata;
        z.records.push_back(r);
        Diagnostics d;
        validate_zone(z, d);
        bool malformed = false;
        for (const auto& t : texts(d))
            malformed |= t.find("NAPTR rdata at 1.e164.arpa. is malformed") != std::string::npos;
        CHECK(malformed == c.malformed);
    }
}
