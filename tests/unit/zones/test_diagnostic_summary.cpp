#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "enumd/zones/diagnostic_summary.hpp"

using namespace enumd::zones;

namespace {

/// `n` warnings of `kind` on lines first.., and errors where `errors` says.
std::vector<Diagnostic> make(const std::vector<std::pair<std::string, int>>& runs) {
    std::vector<Diagnostic> out;
    int line = 1;
    for (const auto& [kind, n] : runs) {
        for (int i = 0; i < n; ++i, ++line) {
            Diagnostic d;
            d.severity = kind == "error" ? Diagnostic::Severity::Error : Diagnostic::Severity::Warning;
            d.loc = SourceLoc{"z.yaml", line, 3};
            d.message = kind + " " + std::to_string(i);
            if (kind != "error") d.kind = kind;
            out.push_back(d);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("warnings are summarised per kind, errors never hidden", "[summary]") {
    // Issue 13: a 100,000-number zone gave 7,027 identical preference warnings.
    struct Case {
        const char* what;
        std::vector<std::pair<std::string, int>> runs;
        SummaryOptions options;
        std::vector<std::string> lines;  // exact output
        std::size_t warnings, silenced;
    };
    SummaryOptions all;
    all.all = true;
    SummaryOptions quiet_pref;
    quiet_pref.silenced.insert("naptr-preference");
    SummaryOptions two;
    two.per_kind = 2;
    const std::string more7 =
        "... and 7 more naptr-preference warnings (--all-warnings shows them, --no-warn naptr-preference silences them)";
    const Case cases[] = {
        {"few warnings: all shown", {{"naptr-preference", 2}}, {},
         {"z.yaml:1:3: warning: naptr-preference 0 [naptr-preference]",
          "z.yaml:2:3: warning: naptr-preference 1 [naptr-preference]"}, 2, 0},
        {"12 of one kind: 5 then the count; errors all shown",
         {{"naptr-preference", 12}, {"error", 7}, {"dial-prefix", 1}}, {},
         {"z.yaml:1:3: warning: naptr-preference 0 [naptr-preference]",
          "z.yaml:2:3: warning: naptr-preference 1 [naptr-preference]",
          "z.yaml:3:3: warning: naptr-preference 2 [naptr-preference]",
          "z.yaml:4:3: warning: naptr-preference 3 [naptr-preference]",
          "z.yaml:5:3: warning: naptr-preference 4 [naptr-preference]", "z.yaml:13:3: error: error 0",
          "z.yaml:14:3: error: error 1", "z.yaml:15:3: error: error 2", "z.yaml:16:3: error: error 3",
          "z.yaml:17:3: error: error 4", "z.yaml:18:3: error: error 5", "z.yaml:19:3: error: error 6",
          "z.yaml:20:3: warning: dial-prefix 0 [dial-prefix]", more7},
         13, 0},
        {"--all-warnings", {{"ttl-mismatch", 7}}, all, {}, 7, 0},
        {"--no-warn naptr-preference", {{"naptr-preference", 12}, {"dial-prefix", 1}}, quiet_pref,
         {"z.yaml:13:3: warning: dial-prefix 0 [dial-prefix]"}, 13, 12},
        {"per kind, counted in the order first met", {{"occluded", 3}, {"duplicate", 3}}, two,
         {"z.yaml:1:3: warning: occluded 0 [occluded]", "z.yaml:2:3: warning: occluded 1 [occluded]",
          "z.yaml:4:3: warning: duplicate 0 [duplicate]", "z.yaml:5:3: warning: duplicate 1 [duplicate]",
          "... and 1 more occluded warning (--all-warnings shows them, --no-warn occluded silences them)",
          "... and 1 more duplicate warning (--all-warnings shows them, --no-warn duplicate silences them)"},
         6, 0},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        auto items = make(c.runs);
        auto s = summarise(items, c.options);
        auto lines = s.lines();
        if (c.options.all) {
            CHECK(lines.size() == items.size());
        } else {
            CHECK(lines == c.lines);
        }
        CHECK(s.warnings == c.warnings);
        CHECK(s.silenced == c.silenced);
    }
}

TEST_CASE("every warning kind has a stable short name", "[summary]") {
    for (const char* k :
         {"naptr-preference", "dial-prefix", "ttl-mismatch", "wildcard-shadowed", "duplicate", "occluded",
          "naptr-partial-match", "other"})
        CHECK(is_warning_kind(k));
    CHECK_FALSE(is_warning_kind("preference"));
    CHECK(warning_kind_names().find("naptr-preference, dial-prefix") == 0);
}
