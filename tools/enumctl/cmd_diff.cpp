// enumctl diff [--zone ORIGIN] OLD NEW
// What a change would do, RRset by RRset (diff.hpp). OLD and NEW are each a
// YAML zone, an RFC 1035 zone file, or "--db DIR". Exit status as diff(1):
// 0 no difference, 1 differences, 2 trouble (including errors in an input).
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "enumd/zones/diff.hpp"
#include "enumd/zones/export.hpp"

namespace enumd::enumctl {
namespace {

constexpr const char* kUsage =
    "usage: enumctl diff [--zone ORIGIN] OLD NEW\n"
    "  OLD, NEW: a YAML zone, an RFC 1035 zone file, or --db DIR\n";

struct Source {
    std::string path;
    bool db = false;
};

}  // namespace

int cmd_diff(int argc, char** argv) {
    std::optional<dns::Name> origin;
    Source sides[2];
    int n = 0;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if ((a == "--zone" || a == "--db") && i + 1 >= argc) {
            std::fputs(kUsage, stderr);
            return 2;
        }
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (a == "--zone") {
            auto name = dns::Name::from_text(argv[++i]);
            if (!name) {
                std::fprintf(stderr, "enumctl diff: bad zone name '%s': %s\n", argv[i], name.error().c_str());
                return 2;
            }
            origin = *name;
            continue;
        }
        if (n == 2 || (a != "--db" && !a.empty() && a[0] == '-' && a != "-")) {
            std::fputs(kUsage, stderr);
            return 2;
        }
        if (a == "--db")
            sides[n++] = Source{argv[++i], true};
        else
            sides[n++] = Source{argv[i], false};
    }
    if (n != 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::vector<zones::Zone> loaded[2];
    std::size_t errors = 0;
    for (int s = 0; s < 2; ++s) {
        zones::Diagnostics diags;
        loaded[s] = zones::load_zone_source(sides[s].path, sides[s].db, origin, diags);
        // Only errors: warnings about the inputs are `enumctl check`'s business, not the diff's.
        for (const auto& d : diags.items)
            if (d.severity == zones::Diagnostic::Severity::Error) std::fprintf(stderr, "%s\n", d.to_text().c_str());
        errors += diags.error_count();
    }
    if (errors > 0) {
        std::fprintf(stderr, "enumctl diff: %zu error(s) in the inputs, no comparison made\n", errors);
        return 2;
    }
    auto diffs = zones::diff_zones(loaded[0], loaded[1]);
    if (diffs.empty()) return 0;
    std::string text = zones::diff_to_text(diffs);
    // The serial guard's sentences follow the report (zones/README.md "Serial guard").
    for (const auto& p : zones::serial_problems(loaded[0], loaded[1], diffs)) text += "warning: " + p + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 1;
}

}  // namespace enumd::enumctl
