// Views (zones/README.md "Views", views.hpp): the YAML section and its errors, view
// selection by client address (first match, RFC 7871 scope), and the store serving a
// view's RRsets over the default per RRset while transfers see the default.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "enumd/zones/store.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/views.hpp"
#include "enumd/zones/yaml_loader.hpp"
#include "zone_fixtures.hpp"

using enumd::dns::Name;
using enumd::dns::RrType;
using namespace enumd::zones;
using enumd::testing::all_diags;
using enumd::testing::N;

namespace {

// Three lines: test bodies start on line 4.
const std::string kHead = enumd::testing::yaml_head("example.net.", "ns1.example.net.");

const std::string kRecords =
    "records:\n"                                                       // 4
    "  - {name: epdg, type: A, data: 192.0.2.1}\n"                     // 5
    "  - {name: epdg, type: AAAA, data: \"2001:db8::1\"}\n"            // 6
    "  - {name: epdg, type: TXT, data: '\"default\"'}\n"               // 7
    "  - {name: \"*.w\", type: A, data: 192.0.2.9}\n"                  // 8
    "  - {name: alias, type: CNAME, data: epdg}\n"                     // 9
    "  - {name: sub, type: NS, data: ns.sub}\n"                        // 10
    "  - {name: ns.sub, type: A, data: 192.0.2.53}\n";                 // 11

const std::string kViews =
    "views:\n"                                                         // 12
    "  - name: au\n"                                                   // 13
    "    match: [127.0.0.2/32, \"2001:db8:a::/48\"]\n"                 // 14
    "    records:\n"                                                   // 15
    "      - {name: epdg, type: A, data: [198.51.100.1, 198.51.100.2]}\n"
    "      - {name: \"*.w\", type: A, data: 198.51.100.9}\n"
    "  - name: uk\n"
    "    match: [127.0.0.0/24]\n"
    "    records:\n"
    "      - {name: epdg, type: A, data: 203.0.113.1}\n"
    "      - {name: epdg, type: TXT, data: '\"uk\"'}\n";

struct Loaded {
    std::optional<Zone> zone;
    Diagnostics diags;
};

Loaded load(const std::string& body) {
    Loaded l;
    l.zone = load_yaml_zone_text(kHead + body, "v.yaml", l.diags);
    if (l.zone) validate_zone(*l.zone, l.diags);
    return l;
}

ViewClient client(const std::string& text) {
    auto n = Network::from_text(text);
    REQUIRE(n.ok());
    ViewClient c;
    c.v6 = n->v6;
    c.address = n->address;
    return c;
}

/// The rdatas of `type` at `name` as text, for the reader's current client.
std::string rrset(Reader& rd, const std::string& name, RrType type) {
    const ZoneInfo* zi = rd.find_zone(N(name));
    REQUIRE(zi != nullptr);
    auto node = rd.get(*zi, N(name));
    if (!node) return "(no node)";
    auto rs = node->find(type);
    if (!rs) return "(none)";
    std::string out;
    std::size_t off = 0;
    std::span<const std::uint8_t> rdata;
    while (rs->next(off, rdata)) {
        if (!out.empty()) out += " ";
        out += rdata_to_text(type, std::vector<std::uint8_t>(rdata.begin(), rdata.end()));
    }
    return out;
}

}  // namespace

TEST_CASE("a client network is CIDR text with no address bits beyond its prefix", "[views]") {
    struct Case {
        std::string text;
        std::string shown;  // empty: refused
        std::string error;  // part of the refusal
    };
    const std::vector<Case> cases = {
        {"192.0.2.0/24", "192.0.2.0/24", ""},
        {"192.0.2.7", "192.0.2.7/32", ""},
        {"0.0.0.0/0", "0.0.0.0/0", ""},
        {"2001:db8::/32", "2001:db8::/32", ""},
        {"::1", "::1/128", ""},
        {"192.0.2.1/24", "", "bits set beyond its /24 prefix (did you mean 192.0.2.0/24?)"},
        {"192.0.2.0/33", "", "longer than 32 bits"},
        {"2001:db8::/129", "", "longer than 128 bits"},
        {"192.0.2.0/", "", "must be a number"},
        {"192.0.2.0/x", "", "must be a number"},
        {"192.0.2", "", "is not an IPv4 or IPv6 address"},
        {"example.net", "", "is not an IPv4 or IPv6 address"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto n = Network::from_text(c.text);
        if (c.shown.empty()) {
            REQUIRE_FALSE(n.ok());
            CHECK(n.error().find(c.error) != std::string::npos);
        } else {
            REQUIRE(n.ok());
            CHECK(n->to_text() == c.shown);
        }
    }
}

TEST_CASE("the first view whose networks hold the client wins, IPv4 and IPv6 apart, else the default", "[views]") {
    Loaded l = load(kRecords + kViews);
    INFO(all_diags(l.diags));
    REQUIRE(l.zone);
    REQUIRE_FALSE(l.diags.has_errors());
    REQUIRE(l.zone->views.size() == 2);
    ViewTable t;
    for (const auto& v : l.zone->views) t.views.push_back({v.name, v.match, {}});
    struct Case {
        std::string client;
        int view;
        unsigned scope;  // RFC 7871 §7.2.1
    };
    const std::vector<Case> cases = {
        {"127.0.0.2", 0, 32},       // au's /32, tried before uk's /24
        {"127.0.0.3", 1, 32},       // uk: 31 bits shared with au's 127.0.0.2/32, so 32 decide
        {"127.0.0.200", 1, 25},     // uk: 24 bits with au's network, the 25th tells them apart
        {"127.0.1.1", -1, 24},      // default: the 24th bit leaves 127.0.0.0/24
        {"10.0.0.1", -1, 2},        // default: 10/8 and 127/8 differ in the second bit
        {"2001:db8:a::5", 0, 48},   // au's IPv6 network
        {"2001:db8:b::5", -1, 48},  // outside it by the 48th bit
        {"::ffff:127.0.0.2", -1, 3},  // not folded here: the server folds mapped addresses to IPv4
    };
    for (const auto& c : cases) {
        INFO(c.client);
        ViewClient vc = client(c.client);
        CHECK(t.select(vc) == c.view);
        CHECK(t.scope(vc, t.select(vc)) == c.scope);
    }
    ViewTable none;
    CHECK(none.select(client("127.0.0.2")) == -1);
    CHECK(none.scope(client("127.0.0.2"), -1) == 0);  // no views: the answer does not depend on the address
}

TEST_CASE("view mistakes are errors at their file:line", "[views]") {
    struct Case {
        std::string views;  // starts on line 12
        std::string where;
        std::string error;
    };
    const std::vector<Case> cases = {
        {"views:\n  - {name: a, match: [10.0.0.0/8], colour: red}\n", "v.yaml:13", "colour"},
        {"views:\n  - {name: a, match: [10.0.0.1/8]}\n", "v.yaml:13", "bits set beyond its /8 prefix"},
        {"views:\n  - {name: a, match: [10.0.0.0/40]}\n", "v.yaml:13", "longer than 32 bits"},
        {"views:\n  - {name: a, match: []}\n", "v.yaml:13", "empty 'match'"},
        {"views:\n  - {name: a}\n", "v.yaml:13", "needs 'match'"},
        {"views:\n  - {match: [10.0.0.0/8]}\n", "v.yaml:13", "needs 'name'"},
        {"views:\n  - {name: 'a b', match: [10.0.0.0/8]}\n", "v.yaml:13", "view name 'a b'"},
        {"views:\n  - {name: a, match: [10.0.0.0/8]}\n  - {name: a, match: [11.0.0.0/8]}\n", "v.yaml:14",
         "view 'a' is defined twice"},
        {"views:\n  - {name: a, match: [10.0.0.0/8]}\n  - {name: b, match: [10.0.0.0/8]}\n", "v.yaml:14",
         "already matched by view 'a' (v.yaml:13"},
        {"views:\n  - {name: a, match: [10.0.0.0/8, 10.0.0.0/8]}\n", "v.yaml:13", "already matched by view 'a'"},
        {"views:\n  - name: a\n    match: [10.0.0.0/8]\n    records:\n      - {name: epdg.example.org., type: A, data: "
         "192.0.2.2}\n",
         "v.yaml:16", "is outside zone example.net."},
        {"views:\n  - name: a\n    match: [10.0.0.0/8]\n    records:\n      - {name: nowhere, type: A, data: 192.0.2.2}\n",
         "v.yaml:16", "does not exist in the default view"},
        {"views:\n  - name: a\n    match: [10.0.0.0/8]\n    records:\n      - {name: epdg, type: CNAME, data: alias}\n",
         "v.yaml:16", "would have a CNAME beside other data"},
        {"views:\n  - name: a\n    match: [10.0.0.0/8]\n    records:\n      - {name: alias, type: A, data: 192.0.2.2}\n",
         "v.yaml:16", "would have a CNAME beside other data"},
        {"views:\n  - name: a\n    match: [10.0.0.0/8]\n    records:\n      - {name: '@', type: NS, data: ns9.example.net.}\n",
         "v.yaml:16", "a view cannot replace NS"},
        {"views:\n  - name: a\n    match: [10.0.0.0/8]\n    records:\n      - {name: ns.sub, type: A, data: 192.0.2.2}\n",
         "v.yaml:16", "at or below a zone cut"},
        {"views:\n  - name: a\n    match: [10.0.0.0/8]\n    records:\n      - {name: epdg, type: A, data: 300.1.1.1}\n",
         "v.yaml:16", ""},
    };
    for (const auto& c : cases) {
        INFO(c.views);
        Loaded l = load(kRecords + c.views);
        std::string all = all_diags(l.diags);
        INFO(all);
        CHECK(l.diags.has_errors());
        bool found = false;
        for (const auto& d : l.diags.items) {
            if (d.severity == Diagnostic::Severity::Error && d.to_text().rfind(c.where + ":", 0) == 0 &&
                d.message.find(c.error) != std::string::npos)
                found = true;
        }
        CHECK(found);
    }
}

TEST_CASE("a network inside an earlier view's network is a warning: it never selects its view", "[views]") {
    Loaded l = load(kRecords + "views:\n  - {name: a, match: [10.0.0.0/8]}\n  - {name: b, match: [10.1.0.0/16]}\n");
    INFO(all_diags(l.diags));
    CHECK_FALSE(l.diags.has_errors());
    REQUIRE(l.diags.items.size() == 1);
    CHECK(l.diags.items[0].to_text().rfind("v.yaml:14:", 0) == 0);
    CHECK(l.diags.items[0].message.find("lies inside 10.0.0.0/8 of view 'a'") != std::string::npos);
}

TEST_CASE("the store serves a view's RRsets over the default per RRset; transfers walk the default", "[views]") {
    Loaded l = load(kRecords + kViews);
    INFO(all_diags(l.diags));
    REQUIRE(l.zone);
    REQUIRE_FALSE(l.diags.has_errors());
    enumd::testing::StoreFixture f({*l.zone});
    Reader& rd = *f.reader;
    REQUIRE(rd.refresh());
    const ZoneInfo* zi = rd.find_zone(N("example.net."));
    REQUIRE(zi != nullptr);
    REQUIRE(zi->views != nullptr);

    struct Case {
        std::string client;  // empty: no client set (the default view)
        std::string name;
        RrType type;
        std::string rdata;
    };
    const std::vector<Case> cases = {
        {"", "epdg.example.net.", RrType::A, "192.0.2.1"},
        {"127.0.0.2", "epdg.example.net.", RrType::A, "198.51.100.1 198.51.100.2"},
        {"127.0.0.2", "epdg.example.net.", RrType::AAAA, "2001:db8::1"},  // not overridden: the default's
        {"127.0.0.2", "epdg.example.net.", RrType::TXT, "\"default\""},
        {"127.0.0.9", "epdg.example.net.", RrType::A, "203.0.113.1"},
        {"127.0.0.9", "epdg.example.net.", RrType::TXT, "\"uk\""},
        {"10.0.0.1", "epdg.example.net.", RrType::A, "192.0.2.1"},
        {"2001:db8:a::1", "epdg.example.net.", RrType::A, "198.51.100.1 198.51.100.2"},
        {"127.0.0.2", "*.w.example.net.", RrType::A, "198.51.100.9"},  // the wildcard's own node
        {"127.0.0.9", "*.w.example.net.", RrType::A, "192.0.2.9"},
        {"127.0.0.2", "alias.example.net.", RrType::CNAME, "epdg.example.net."},
    };
    for (const auto& c : cases) {
        INFO(c.client << " " << c.name);
        if (c.client.empty()) {
            rd.set_view_client(nullptr);
        } else {
            ViewClient vc = client(c.client);
            rd.set_view_client(&vc);
        }
        CHECK(rrset(rd, c.name, c.type) == c.rdata);
    }

    // lookup() gives the exact node with the view laid over it.
    ViewClient au = client("127.0.0.2");
    rd.set_view_client(&au);
    Lookup lk = rd.lookup(*zi, N("epdg.example.net."));
    REQUIRE(lk.kind == Lookup::Kind::Exact);
    REQUIRE(lk.node.find(RrType::A));
    CHECK(lk.node.find(RrType::A)->count == 2);
    // Iteration: every type once, the view's A in place of the default's.
    std::vector<std::pair<RrType, std::uint16_t>> seen;
    std::size_t off = 0;
    RrsetView rs;
    while (lk.node.next(off, rs)) seen.emplace_back(rs.type, rs.count);
    CHECK(seen == std::vector<std::pair<RrType, std::uint16_t>>{{RrType::A, 2}, {RrType::TXT, 1}, {RrType::AAAA, 1}});

    // Transfers and export walk the default view, whoever the reader's client is.
    std::string walked;
    rd.for_each_node(*zi, [&](const Name& owner, NodeView node) {
        if (owner.equals(N("epdg.example.net."))) {
            auto a = node.find(RrType::A);
            REQUIRE(a);
            walked = std::to_string(a->count);
        }
        return true;
    });
    CHECK(walked == "1");
    rd.release();

    // A recompile without the views drops them.
    Loaded plain = load(kRecords);
    REQUIRE(plain.zone);
    REQUIRE(f.store->write({*plain.zone}).ok());
    REQUIRE(rd.refresh());
    zi = rd.find_zone(N("example.net."));
    REQUIRE(zi != nullptr);
    CHECK(zi->views == nullptr);
    CHECK(rrset(rd, "epdg.example.net.", RrType::A) == "192.0.2.1");
    rd.set_view_client(nullptr);
    rd.release();
}
