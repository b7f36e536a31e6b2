// Change sets from text (change.hpp): `enumctl set --naptr` NAPTRs and the
// CSV files of `enumctl apply` — every row a change with its file:line, or
// every bad row reported.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "enumd/zones/change.hpp"
#include "enumd/zones/naptr.hpp"
#include "zone_fixtures.hpp"

using namespace enumd::zones;
using enumd::testing::TempDir;

TEST_CASE("a NAPTR is a URI or the presentation form", "[live][csv]") {
    struct Case {
        std::string text;
        std::string service;
        std::string regexp;  // empty: refused
    };
    const std::vector<Case> cases = {
        {"sip:info@pbx.example", "E2U+sip", "!^.*$!sip:info@pbx.example!"},
        {"sip:{number}@pbx.example", "E2U+sip", "!^(.*)$!sip:\\1@pbx.example!"},
        {"tel:+61355500911", "E2U+pstn:tel", "!^.*$!tel:+61355500911!"},
        {"10 50 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b.example!\" .", "E2U+sip", "!^.*$!sip:a@b.example!"},
        {"no-scheme", "", ""},
        {"", "", ""},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto n = naptr_from_text(c.text);
        REQUIRE(n.ok() == !c.regexp.empty());
        if (n) {
            CHECK(n->service == c.service);
            CHECK(n->regexp == c.regexp);
        }
    }
}

TEST_CASE("a change CSV gives one change per row with file:line, or every bad row", "[live][csv]") {
    TempDir dir("enumd-change-csv");
    struct Case {
        std::string text;
        std::vector<ChangeKind> kinds;    // when good
        std::vector<std::string> errors;  // "LINE: text" fragments
    };
    const std::vector<Case> cases = {
        {"action,number,route,rn\nset,+61355500911,telstra,\ndelete,+61355500912,,\nset,+61355500913,ported,+"
         "61400001234\n",
         {ChangeKind::SetRoute, ChangeKind::DeleteNumber, ChangeKind::SetRoute},
         {}},
        {"\xEF\xBB\xBFnumber,route,rn\r\n# issue 10's files: every row a set\r\n\r\n\"+61 3 5550 0911\",telstra,\r\n",
         {ChangeKind::SetRoute},
         {}},
        {"rn,route,number,action\n,telstra,+61355500911,set\n", {ChangeKind::SetRoute}, {}},
        {"action,number,naptr\nset,+61355500911,sip:a@b.example\n", {ChangeKind::SetNaptr}, {}},
        {"action,number,route,rn\nmove,+61355500911,telstra,\nset,,telstra,\ndelete,+61355500912,telstra,\n"
         "set,+61355500913,,\nset,\"+6135550,telstra\n",
         {},
         {":2: action 'move'", ":3: no number", ":4: 'delete' takes only the number",
          ":5: 'set' needs 'route' or 'naptr'", ":6: a quote is not closed"}},
        {"action,number,colour\n", {}, {":1: unknown column 'colour'"}},
        {"action,route\n", {}, {":1: the header has no 'number' column"}},
        {"", {}, {"empty"}},
    };
    int n = 0;
    for (const auto& c : cases) {
        std::string path = dir.write("c" + std::to_string(++n) + ".csv", c.text);
        INFO(c.text);
        ChangeFile f = read_change_csv(path);
        std::string all;
        for (const auto& e : f.errors) all += e + "\n";
        INFO(all);
        REQUIRE(f.errors.size() == c.errors.size());
        for (std::size_t i = 0; i < c.errors.size(); ++i) CHECK_THAT(f.errors[i], Catch::Contains(c.errors[i]));
        if (c.errors.empty()) {
            std::vector<ChangeKind> kinds;
            for (const auto& ch : f.changes) kinds.push_back(ch.kind);
            CHECK(kinds == c.kinds);
            for (const auto& ch : f.changes) CHECK_THAT(ch.where, Catch::StartsWith(path + ":"));
        }
    }
}
