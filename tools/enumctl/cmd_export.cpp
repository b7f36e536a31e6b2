// enumctl export FILE | --db DIR [--zone ORIGIN] [-o OUT] [--no-number-comments]
// RFC 1035 text (export.hpp) from a YAML zone, an RFC 1035 zone file, or a
// compiled database, for BIND, Knot, NSD or a secondary; each number named in
// a comment as the numbering plans group it (libphonenumber, phone_number.hpp).
// enumctl export --db DIR [--zone ORIGIN] --yaml OUT.yaml: the zone as served, live changes included, as a
// YAML zone and OUT.csv of its routed numbers, to compile back from (backup.hpp).
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "enumd/numbering/phone_number.hpp"
#include "enumd/zones/backup.hpp"
#include "enumd/zones/export.hpp"

namespace enumd::enumctl {
namespace {

struct ExportSettings {
    std::string zone;
    std::string file;
    std::string db;
    std::string out_path;
    std::string yaml_path;
    bool no_number_comments = false;
};

/// --yaml: the backup form (backup.hpp), from a database only.
int run_backup(const ExportSettings& s) {
    auto store = zones::Store::open(s.db, zones::Store::Options{.read_only = true});
    if (!store) {
        std::fprintf(stderr, "enumctl export: %s\n", store.error().c_str());
        return 1;
    }
    std::optional<dns::Name> origin;
    if (!s.zone.empty()) {
        origin = *dns::Name::from_text(s.zone);  // checked by domain_name()
    } else {
        auto rd = (*store)->reader();
        std::vector<dns::Name> all;
        if (rd && (*rd)->refresh()) {
            for (const auto& z : (*rd)->zones()) all.push_back(z.origin);
            (*rd)->release();
        }
        if (all.size() != 1) {
            std::fprintf(stderr, "enumctl export: %s holds %zu zones; choose one with --zone ORIGIN\n", s.db.c_str(),
                         all.size());
            for (const auto& o : all) std::fprintf(stderr, "  %s\n", o.to_text().c_str());
            return 2;
        }
        origin = all.front();
    }
    zones::ImportOptions options;
    options.number_text = [](std::string_view digits) {
        return numbering::grouped_e164(digits, numbering::describe_e164(digits));
    };
    auto report = zones::write_backup(**store, *origin, s.yaml_path, options);
    if (!report) {
        std::fprintf(stderr, "enumctl export: zone %s: %s\n", origin->to_text().c_str(), report.error().c_str());
        return 1;
    }
    std::fprintf(stderr, "exported zone %s (serial %u) to %s: %llu records in YAML (form: %s), %zu route sets",
                 origin->to_text().c_str(), report->serial, s.yaml_path.c_str(),
                 static_cast<unsigned long long>(report->yaml_records), report->yaml.form.c_str(), report->routes);
    if (report->csv_numbers > 0)
        std::fprintf(stderr, ", %llu routed numbers in %s", static_cast<unsigned long long>(report->csv_numbers),
                     report->csv_path.c_str());
    std::fprintf(stderr, "\n");
    return 0;
}

int run_export(const ExportSettings& s) {
    if (!s.yaml_path.empty()) return run_backup(s);
    std::optional<dns::Name> origin;
    if (!s.zone.empty()) origin = *dns::Name::from_text(s.zone);  // checked by domain_name()
    const bool from_db = !s.db.empty();
    const std::string source = from_db ? s.db : s.file;
    const std::string& out_path = s.out_path;
    zones::Diagnostics diags;
    auto zones = zones::load_zone_source(source, from_db, origin, diags);
    for (const auto& d : diags.items) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    if (diags.has_errors()) {
        std::fprintf(stderr, "enumctl export: %s: %zu error(s), nothing exported\n", source.c_str(),
                     diags.error_count());
        return 1;
    }
    if (zones.size() != 1) {
        // One master file holds one zone (RFC 1035 §5).
        std::fprintf(stderr, "enumctl export: %s holds %zu zones; choose one with --zone ORIGIN\n", source.c_str(),
                     zones.size());
        for (const auto& z : zones) std::fprintf(stderr, "  %s\n", z.origin.to_text().c_str());
        return 2;
    }
    if (const auto& views = zones.front().views; !views.empty()) {
        // RFC 1035 text has no views: the zone's own records (the default view) are what transfers carry too.
        std::string names;
        for (const auto& v : views) names += (names.empty() ? "" : ", ") + v.name;
        std::fprintf(stderr, "enumctl export: zone %s: the default view is exported, not its %zu view(s) (%s)\n",
                     zones.front().origin.to_text().c_str(), views.size(), names.c_str());
    }
    zones::ExportOptions options;
    if (!s.no_number_comments)
        options.number_comment = [](std::string_view digits) {
            return numbering::number_label(digits, numbering::describe_e164(digits));
        };
    std::string text = zones::export_rfc1035(zones.front(), options);
    if (out_path.empty() || out_path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return 0;
    }
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        std::fprintf(stderr, "enumctl export: cannot write %s\n", out_path.c_str());
        return 2;
    }
    return 0;
}

}  // namespace

Run add_export(CLI::App& root) {
    auto s = std::make_shared<ExportSettings>();
    CLI::App* cmd = root.add_subcommand("export", "RFC 1035 zone file text from a YAML zone, a zone file or the database");
    auto* file = cmd->add_option("FILE", s->file, "a YAML zone or an RFC 1035 zone file");
    auto* db = cmd->add_option("--db", s->db, "export from this compiled database instead of a FILE")->type_name("DIR");
    file->excludes(db);
    db->excludes(file);
    cmd->add_option("--zone", s->zone, "the zone to export when the source holds several")
        ->type_name("ORIGIN")
        ->check(domain_name());
    cmd->add_option("-o", s->out_path, "write to OUT instead of stdout")->type_name("OUT");
    cmd->add_flag("--no-number-comments", s->no_number_comments,
                  "no '; +61 3 5550 0911 (AU fixed-line)' comment before each number's records");
    auto* yaml = cmd->add_option("--yaml", s->yaml_path,
                                 "with --db: the zone as it is served (live changes included) as a YAML zone OUT.yaml "
                                 "and its routed numbers as OUT.csv beside it (numbers_csv), for backup; compile it "
                                 "back with enumctl compile")
                     ->type_name("OUT.yaml");
    cmd->callback([file, db, yaml] {
        if (file->count() + db->count() == 0) throw CLI::RequiredError("FILE or --db DIR");
        if (yaml->count() > 0 && db->count() == 0) throw CLI::ValidationError("--yaml", "needs --db DIR");
    });
    return [s] { return run_export(*s); };
}

}  // namespace enumd::enumctl
