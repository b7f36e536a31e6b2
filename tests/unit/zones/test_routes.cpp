// Route sets (zones/README.md "Route sets"): the YAML reader's errors, the
// expansion of a template, the stored route table, and the store serving a
// routed zone exactly as the same zone written out record by record.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "enumd/zones/diff.hpp"
#include "enumd/zones/export.hpp"
#include "enumd/zones/import.hpp"
#include "enumd/zones/naptr.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/route.hpp"
#include "enumd/zones/store.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;

namespace {

Name N(const std::string& s) {
    return *Name::from_text(s);
}

// Three lines: test bodies start on line 4.
const std::string kHeader =
    "origin: e164.arpa.\n"
    "soa: {mname: ns1.example.net., rname: hostmaster.example.net., serial: 1}\n"
    "ns: [ns1.example.net.]\n";

struct Loaded {
    std::optional<Zone> zone;
    Diagnostics diags;
    [[nodiscard]] std::string all() const {
        std::string s;
        for (const auto& d : diags.items) s += d.to_text() + "\n";
        return s;
    }
};

Loaded load(const std::string& body) {
    Loaded l;
    l.zone = load_yaml_zone_text(kHeader + body, "t.yaml", l.diags);
    if (l.zone) validate_zone(*l.zone, l.diags);
    return l;
}

/// The zone's NAPTRs as "owner ttl rdata-text" lines in record order.
std::vector<std::string> naptrs(const Zone& z) {
    std::vector<std::string> out;
    for (const auto& r : z.records) {
        if (r.type == RrType::NAPTR)
            out.push_back(r.owner.to_text() + " " + std::to_string(r.ttl) + " " + rdata_to_text(r.type, r.rdata));
    }
    return out;
}

const std::string kRoutes =
    "routes:\n"
    "  telstra: [{uri: \"sip:{number}@sip.telstra.example\", order: 10},\n"
    "            {uri: \"sip:{number}@backup.telstra.example\", order: 20}]\n"
    "  optus-pstn: {uri: \"tel:{number};npdi;rn={rn}\", service: \"E2U+pstn:tel\"}\n"
    "  full: {service: E2U+sip, regexp: \"!^(.*)$!sip:\\\\1;rn={rn}@x.example!\", order: 5, ttl: 60}\n";

}  // namespace

TEST_CASE("a number with route gets the route's records, with {rn} filled in", "[routes]") {
    Loaded l = load(kRoutes +
                    "numbers:\n"
                    "  - {number: \"+61 3 5550 0911\", route: telstra}\n"
                    "  - {number: \"+61355500912\", route: optus-pstn, rn: \"+61 4 0000 1234\", ttl: 120}\n"
                    "  - {number: \"+61355500913\", route: full, rn: \"61400009999\"}\n"
                    "  - {number: \"+61255502*\", route: telstra}\n");
    INFO(l.all());
    REQUIRE(l.zone);
    REQUIRE_FALSE(l.diags.has_errors());
    std::vector<std::string> got = naptrs(*l.zone);
    std::vector<std::string> want = {
        "1.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 10 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@sip.telstra.example!\" .",
        "1.1.9.0.0.5.5.5.3.1.6.e164.arpa. 3600 20 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@backup.telstra.example!\" "
        ".",
        "2.1.9.0.0.5.5.5.3.1.6.e164.arpa. 120 10 100 \"u\" \"E2U+pstn:tel\" "
        "\"!^(.*)$!tel:\\\\1;npdi;rn=+61400001234!\" .",
        "3.1.9.0.0.5.5.5.3.1.6.e164.arpa. 60 5 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1;rn=+61400009999@x.example!\" "
        ".",
        "*.2.0.5.5.5.2.1.6.e164.arpa. 3600 10 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@sip.telstra.example!\" .",
        "*.2.0.5.5.5.2.1.6.e164.arpa. 3600 20 100 \"u\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@backup.telstra.example!\" .",
    };
    CHECK(got == want);
    // Each record remembers its route and rn (1-based index into Zone::routes).
    REQUIRE(l.zone->routes.size() == 3);
    for (const auto& r : l.zone->records) {
        if (r.type != RrType::NAPTR) continue;
        CHECK(r.route.route != 0);
        if (r.owner == N("2.1.9.0.0.5.5.5.3.1.6.e164.arpa.")) CHECK(r.route.rn_digits() == "61400001234");
    }
}

TEST_CASE("route mistakes are errors at file:line:column", "[routes]") {
    struct Case {
        std::string body;
        std::string where;  // "t.yaml:L:C"
        std::string part;
    };
    const std::string routes = "routes:\n  r: \"sip:{number}@a.example\"\n  p: \"tel:{number};npdi;rn={rn}\"\n";
    // routes is lines 4-6, numbers: line 7, the first entry line 8.
    const std::vector<Case> cases = {
        {routes + "numbers:\n  - {number: \"+61355500911\", route: nope}\n", "t.yaml:8:37", "unknown route 'nope'"},
        {routes + "numbers:\n  - {number: \"+61355500911\", route: r, naptr: \"sip:x@y.example\"}\n", "t.yaml:8:47",
         "has 'route' and 'naptr'"},
        {routes + "numbers:\n  - {number: \"+61355500911\", route: p}\n", "t.yaml:8:37", "needs 'rn'"},
        {routes + "numbers:\n  - {number: \"+61355500911\", route: r, rn: \"+61400001234\"}\n", "t.yaml:8:44",
         "has no {rn}"},
        {routes + "numbers:\n  - {number: \"+61355500911\", rn: \"+61400001234\"}\n", "t.yaml:8:34",
         "'rn' (a routing number) is for numbers with 'route'"},
        {routes + "numbers:\n  - {number: \"+61355500911\", route: p, rn: \"+61 4x\"}\n", "t.yaml:8:44", "rn: letter"},
        {routes + "numbers:\n  - {number: \"+61355500911\", route: p, rn: \"+614*\"}\n", "t.yaml:8:44", "not a range"},
        {routes + "numbers:\n  - {number: \"+61355500911\", naptr: \"tel:{number};rn={rn}\"}\n", "t.yaml:8:37",
         "{rn} (a routing number) is a placeholder of route sets"},
        {"routes:\n  r: \"sip:{numbr}@a.example\"\n", "t.yaml:5:6", "unknown placeholder {numbr}"},
        {"routes:\n  r: {service: \"E2U+{rn}\", regexp: \"!^.*$!sip:a@b!\"}\n", "t.yaml:5:16",
         "{rn} goes into 'uri' or 'regexp'"},
        {"routes:\n  r: \"sip:a@b.example\"\n  r: \"sip:c@d.example\"\n", "t.yaml:6:3", "defined twice"},
        {"routes:\n  \"bad name\": \"sip:a@b.example\"\n", "t.yaml:5:3", "a route name is"},
        {"routes:\n  r:\n", "t.yaml:5:3", "has no NAPTR entries"},
        {"routes:\n  r: {service: E2U+sip, regexp: \"!^(.*$!x!\"}\n", "t.yaml:5:6", "route 'r': NAPTR regexp"},
        {"routes: [a, b]\n", "t.yaml:4:9", "'routes' must be a mapping"},
        {"routes:\n  r: {uri: \"sip:{number}@a.example\", regexp: \"!x!y!\"}\n", "t.yaml:5:46", "not both"},
    };
    for (const auto& c : cases) {
        Loaded l = load(c.body);
        INFO("body:\n" << c.body << "\ndiagnostics:\n" << l.all());
        CHECK(l.diags.has_errors());
        bool found = false;
        for (const auto& d : l.diags.items) {
            std::string t = d.to_text();
            found = found || (t.rfind(c.where + ": error: ", 0) == 0 && t.find(c.part) != std::string::npos);
        }
        CHECK(found);
    }
}

TEST_CASE("a route with an error is reported once, not at every number using it", "[routes]") {
    Loaded l = load(
        "routes:\n  r: {service: E2U+sip, regexp: \"!^(.*$!x!\"}\n"
        "numbers:\n  - {number: \"+61355500911\", route: r}\n  - {number: \"+61355500912\", route: r}\n");
    CHECK(l.diags.error_count() == 1);
}

TEST_CASE("a routing number too long for the regexp is an error at the number", "[routes]") {
    std::string uri = "tel:{number};npdi;rn={rn};" + std::string(220, 'x');
    Loaded l = load("routes:\n  p: {uri: \"" + uri + "\", service: E2U+pstn:tel}\n" +
                    "numbers:\n  - {number: \"+61355500911\", route: p, rn: \"+614000012345678\"}\n");
    INFO(l.all());
    CHECK(l.diags.has_errors());
    CHECK(l.all().find("t.yaml:7:") != std::string::npos);
}

TEST_CASE("expanding a route NAPTR writes the rn with its '+' at every marker", "[routes]") {
    struct Case {
        std::string regexp;  // kRnMarker as '#'
        std::string rn;
        std::string want;
    };
    const std::vector<Case> cases = {
        {"!^.*$!tel:x;rn=#!", "61400001234", "!^.*$!tel:x;rn=+61400001234!"},
        {"!^.*$!a#b#!", "1", "!^.*$!a+1b+1!"},
        {"!^.*$!sip:a@b!", "", "!^.*$!sip:a@b!"},
    };
    for (const auto& c : cases) {
        RouteNaptr t;
        t.order = 7;
        t.preference = 9;
        t.service = "E2U+pstn:tel";
        t.regexp = c.regexp;
        std::replace(t.regexp.begin(), t.regexp.end(), '#', kRnMarker);
        auto got = expand_route_naptr(t, c.rn);
        REQUIRE(got.ok());
        Naptr want{7, 9, "u", "E2U+pstn:tel", c.want, Name{}};
        CHECK(*got == *encode_naptr(want));
    }
    RouteNaptr big;
    big.service = "E2U+sip";
    big.regexp = std::string(250, 'a') + kRnMarker;
    CHECK_FALSE(expand_route_naptr(big, "123456").ok());  // 257 octets
    CHECK(expand_route_naptr(big, "123").ok());           // 254
}

TEST_CASE("a route table survives encode and decode", "[routes]") {
    RouteTable t;
    RouteNaptr a{{10, 100, "u", "E2U+sip", "!^(.*)$!sip:\\1@a!", Name{}}, std::nullopt};
    RouteNaptr b{{20, 50, "s", "SIP+D2U", "", N("_sip._udp.example.net.")}, std::nullopt};
    RouteNaptr c{{1, 2, "u", "E2U+pstn:tel", std::string("!^.*$!tel:+1;rn=") + kRnMarker + "!", Name{}}, std::nullopt};
    t.instances.push_back({3600, {a, b}});
    t.instances.push_back({60, {c}});
    auto back = decode_route_table(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(encode_route_table(t).data()), encode_route_table(t).size()));
    REQUIRE(back);
    REQUIRE(back->instances.size() == 2);
    CHECK(back->instances[0].ttl == 3600);
    CHECK(back->instances[1].ttl == 60);
    REQUIRE(back->instances[0].records.size() == 2);
    CHECK(back->instances[0].records[1].replacement == b.replacement);
    CHECK(back->instances[1].records[0].regexp == c.regexp);
    std::string blob = encode_route_table(t);
    blob.pop_back();
    CHECK_FALSE(decode_route_table(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(blob.data()), blob.size())));
}

namespace {

struct TempStore {
    std::filesystem::path dir;
    std::unique_ptr<Store> store;
    TempStore() {
        std::random_device rd;
        dir = std::filesystem::temp_directory_path() / ("enumd-routes-" + std::to_string(rd()));
        auto s = Store::open(dir.string());
        REQUIRE(s.ok());
        store = std::move(*s);
    }
    ~TempStore() {
        store.reset();
        std::filesystem::remove_all(dir);
    }
};

/// The same zone with every route reference dropped: what the expanded records alone give.
Zone expanded(Zone z) {
    z.routes.clear();
    for (auto& r : z.records) r.route = RouteRef{};
    return z;
}

const std::string kRoutedZone = kRoutes +
                                "numbers:\n"
                                "  - {number: \"+61 3 5550 0911\", route: telstra}\n"
                                "  - {number: \"+61355500912\", route: optus-pstn, rn: \"+61400001234\", ttl: 120}\n"
                                "  - {number: \"+61355500913\", route: full, rn: \"61400009999\"}\n"
                                "  - {number: \"+61355500914\", route: telstra, ttl: 30}\n"
                                "  - {number: \"+61255502*\", route: telstra}\n"
                                "  - {number: \"+61255502345\", route: optus-pstn, rn: \"+61400000001\"}\n"
                                "  - {number: \"+61255502346\", naptr: \"sip:typed@x.example\"}\n"
                                "records:\n"
                                "  - {name: 3.1.9.0.0.5.5.5.3.1.6, type: TXT, data: '\"a\"'}\n"
                                "  - {name: 4.1.9.0.0.5.5.5.3.1.6, type: NAPTR,\n"
                                "     data: '99 1 \"u\" \"E2U+sip\" \"!^.*$!sip:extra@x.example!\" .'}\n"
                                "  - {name: 4.1.9.0.0.5.5.5.3.1.6, type: A, data: 192.0.2.1}\n";

}  // namespace

TEST_CASE("a routed zone reads back node by node exactly as its expanded records", "[routes][store]") {
    Loaded l = load(kRoutedZone);
    INFO(l.all());
    REQUIRE(l.zone);
    REQUIRE_FALSE(l.diags.has_errors());
    TempStore routed;
    TempStore plain;
    auto wr = routed.store->write({*l.zone});
    REQUIRE(wr.ok());
    auto wp = plain.store->write({expanded(*l.zone)});
    REQUIRE(wp.ok());
    CHECK(wr->zones[0].records == wp->zones[0].records);
    CHECK(wr->zones[0].nodes == wp->zones[0].nodes);
    std::size_t routed_nodes = 0;
    std::string a = enumd::testing::dump_zone(*routed.store, N("e164.arpa."), &routed_nodes);
    std::string b = enumd::testing::dump_zone(*plain.store, N("e164.arpa."));
    CHECK(a == b);
    // Stored as references: the two plain numbers, the range's wildcard and its
    // generated copies, the exception; not 4.1.9… (its NAPTR merged with a typed one).
    CHECK(routed_nodes >= 8);
    // The content hash is the expanded zone's: auto serial does not move on a change of form.
    auto ra = routed.store->reader();
    auto rb = plain.store->reader();
    REQUIRE(((*ra)->refresh() && (*rb)->refresh()));
    CHECK((*ra)->zones()[0].meta.content_hash == (*rb)->zones()[0].meta.content_hash);
    CHECK((*ra)->zones()[0].routes != nullptr);
    CHECK((*rb)->zones()[0].routes == nullptr);
    // load_zone (export, diff) sees ordinary records.
    auto back = routed.store->load_zone(N("e164.arpa."));
    REQUIRE(back.ok());
    for (const auto& r : back->records) CHECK(r.route.route == 0);
}

TEST_CASE("a route whose records sort differently per rn is stored as records", "[routes][store]") {
    // Two records equal up to the rn: their order depends on the rn's digits.
    Loaded l = load(
        "routes:\n"
        "  p: [{uri: \"tel:{number};rn={rn}\", service: E2U+pstn:tel},\n"
        "      {uri: \"tel:{number};rn=+61400005555\", service: E2U+pstn:tel}]\n"
        "numbers:\n"
        "  - {number: \"+61355500911\", route: p, rn: \"+61400001111\"}\n"
        "  - {number: \"+61355500912\", route: p, rn: \"+61400009999\"}\n");
    INFO(l.all());
    REQUIRE(l.zone);
    REQUIRE_FALSE(l.diags.has_errors());
    TempStore routed;
    TempStore plain;
    REQUIRE(routed.store->write({*l.zone}).ok());
    REQUIRE(plain.store->write({expanded(*l.zone)}).ok());
    std::size_t routed_nodes = 0;
    CHECK(enumd::testing::dump_zone(*routed.store, N("e164.arpa."), &routed_nodes) == enumd::testing::dump_zone(*plain.store, N("e164.arpa.")));
    CHECK(routed_nodes == 1);  // the first sets the instance's order; the second does not match it
}

TEST_CASE("the IXFR journal of a routed zone holds expanded records", "[routes][store]") {
    Loaded one = load(kRoutedZone);
    std::string changed = kRoutedZone;
    changed.replace(changed.find("rn: \"+61400000001\""), 18, "rn: \"+61400000002\"");
    Loaded two;
    two.zone = load_yaml_zone_text(std::string(kHeader).replace(kHeader.find("serial: 1"), 9, "serial: 2") + changed,
                                   "t.yaml", two.diags);
    REQUIRE(one.zone);
    REQUIRE(two.zone);
    TempStore s;
    REQUIRE(s.store->write({*one.zone}).ok());
    REQUIRE(s.store->write({*two.zone}).ok());
    auto rd = s.store->reader();
    REQUIRE((*rd)->refresh());
    const ZoneInfo* zi = (*rd)->find_zone(N("e164.arpa."));
    REQUIRE(zi != nullptr);
    auto j = (*rd)->journal(*zi, 1);
    REQUIRE(j);
    std::vector<std::string> recs;
    std::size_t off = 0;
    JournalRecord r;
    while (j->next(off, r))
        recs.push_back(r.owner.to_text() + " " + enumd::dns::to_text(r.type) + " " +
                       rdata_to_text(r.type, std::vector<std::uint8_t>(r.rdata.begin(), r.rdata.end())));
    REQUIRE(recs.size() == 4);  // old SOA, the old NAPTR, new SOA, the new NAPTR
    CHECK(recs[1].find("rn=+61400000001") != std::string::npos);
    CHECK(recs[3].find("rn=+61400000002") != std::string::npos);
}

TEST_CASE("export and diff of a routed database show the expanded zone", "[routes][export]") {
    Loaded l = load(kRoutedZone);
    REQUIRE(l.zone);
    REQUIRE_FALSE(l.diags.has_errors());
    TempStore routed;
    TempStore plain;
    REQUIRE(routed.store->write({*l.zone}).ok());
    REQUIRE(plain.store->write({expanded(*l.zone)}).ok());
    Diagnostics d;
    auto from_routed = load_zones_from_db(routed.dir.string(), std::nullopt, d);
    auto from_plain = load_zones_from_db(plain.dir.string(), std::nullopt, d);
    REQUIRE(from_routed.size() == 1);
    REQUIRE(from_plain.size() == 1);
    // RFC 1035 text: what Knot, NSD or BIND load.
    std::string text = export_rfc1035(from_routed[0]);
    CHECK(text == export_rfc1035(from_plain[0]));
    CHECK(text.find("rn=+61400001234") != std::string::npos);
    // The YAML file itself and its database differ in nothing (diff compares records).
    for (const auto& zd : diff_zones({*l.zone}, from_routed)) CHECK(zd.changes.empty());
    // YAML export writes records (numbers with naptr); it loads back to the same RRsets.
    auto yaml = import_zone(from_routed[0], ImportOptions{});
    REQUIRE(yaml.ok());
    CHECK(yaml->find("route:") == std::string::npos);
}
