// enumctl diff [--zone ORIGIN] OLD NEW
// What a change would do, RRset by RRset (diff.hpp). OLD and NEW are each a
// YAML zone, an RFC 1035 zone file, or "--db DIR". Exit status as diff(1):
// 0 no difference, 1 differences, 2 trouble (including errors in an input).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "enumd/zones/diff.hpp"
#include "enumd/zones/export.hpp"

namespace enumd::enumctl {
namespace {

struct Source {
    std::string path;
    bool db = false;
};

struct DiffSettings {
    std::string zone;
    std::vector<std::string> files;
    std::vector<std::string> dbs;
    CLI::Option* file_opt = nullptr;
    CLI::Option* db_opt = nullptr;
};

int run_diff(const CLI::App& cmd, const DiffSettings& settings) {
    std::optional<dns::Name> origin;
    if (!settings.zone.empty()) origin = *dns::Name::from_text(settings.zone);  // checked by domain_name()
    // OLD and NEW in the order given: a file and --db DIR may come in either order.
    std::vector<Source> sides;
    std::size_t next_file = 0, next_db = 0;
    for (const CLI::Option* o : cmd.parse_order()) {
        if (o == settings.file_opt && next_file < settings.files.size()) sides.push_back(Source{settings.files[next_file++], false});
        if (o == settings.db_opt && next_db < settings.dbs.size()) sides.push_back(Source{settings.dbs[next_db++], true});
    }
    if (sides.size() != 2) {
        std::fprintf(stderr, "enumctl diff: give two zones, OLD and NEW (each a file or --db DIR), not %zu\n"
                             "(see enumctl diff --help)\n", sides.size());
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

}  // namespace

Run add_diff(CLI::App& root) {
    auto s = std::make_shared<DiffSettings>();
    CLI::App* cmd = root.add_subcommand("diff", "what a change would do, RRset by RRset: enumctl diff OLD NEW");
    cmd->add_option("--zone", s->zone, "compare only this zone (a database or file may hold several)")
        ->type_name("ORIGIN")
        ->check(domain_name());
    s->db_opt = cli::repeatable(cmd->add_option("--db", s->dbs, "a compiled database as OLD or NEW, in the place it is given")
                    ->type_name("DIR"));
    s->file_opt = cmd->add_option("OLD_NEW", s->files, "OLD and NEW: a YAML zone or an RFC 1035 zone file (or --db DIR)")
                      ->type_name("FILE");
    cmd->footer("Exit status as diff(1): 0 no difference, 1 differences, 2 trouble (an input with errors included).");
    return [cmd, s] { return run_diff(*cmd, *s); };
}

}  // namespace enumd::enumctl
