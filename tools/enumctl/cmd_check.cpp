/// enumctl check FILE...: loads and validates zone files (YAML or RFC 1035),
/// prints every diagnostic as "file:line:col: error|warning: sentence" on
/// stderr and a summary per zone on stdout. Exit 0 (warnings allowed),
/// 1 on errors, 2 on usage errors.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <tuple>
#include <vector>

#include "commands.hpp"
#include "enumd/cli/progress_line.hpp"
#include "enumd/numbering/e164.hpp"
#include "enumd/numbering/phone_number.hpp"
#include "enumd/zones/bulk_numbers.hpp"
#include "enumd/zones/progress.hpp"
#include "enumd/zones/rdata_text.hpp"
#include "enumd/zones/zone_source.hpp"

namespace enumd::enumctl {

void add_warning_options(CLI::App& cmd, zones::SummaryOptions& options, std::vector<std::string>& silenced) {
    cmd.add_flag("--all-warnings", options.all, "show every warning (default: the first 5 of each kind, then a count)");
    cli::repeatable(cmd.add_option("--no-warn", silenced, "do not show warnings of KIND (repeatable; kinds below); errors always show"))
        ->type_name("KIND")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string {
                return zones::is_warning_kind(v) ? "" : "'" + v + "' is not one of: " + zones::warning_kind_names();
            },
            ""));
}

CLI::Validator domain_name() {
    return CLI::Validator(
        [](std::string& v) -> std::string {
            auto name = dns::Name::from_text(v);
            return !v.empty() && name ? std::string() : "'" + v + "' is not a domain name";
        },
        "");
}

CLI::Validator zone_source() {
    return CLI::Validator(
        [](std::string& v) -> std::string {
            return zones::parse_zone_source(v) ? std::string() : "'" + v + "' is not [ORIGIN=]FILE";
        },
        "");
}

void add_control_option(CLI::App& cmd, std::string& path) {
    cmd.add_option("-c,--control", path, "the running enumd's control socket (its --control)")
        ->type_name("PATH")
        ->default_str(kDefaultControl);
}

zones::Summary print_diagnostics(const zones::Diagnostics& diags, const zones::SummaryOptions& options) {
    auto summary = zones::summarise(diags.items, options);
    for (const auto& line : summary.lines()) std::fprintf(stderr, "%s\n", line.c_str());
    return summary;
}

std::string warning_help() {
    std::string s =
        "Warnings are summarised per kind: the first 5 with file:line, then the count of the rest.\n"
        "Warning kinds (--no-warn KIND):\n";
    for (const auto& k : zones::warning_kinds()) {
        s += "  ";
        s += k.name;
        s.append(k.name.size() < 18 ? 18 - k.name.size() : 1, ' ');
        s += k.about;
        s += '\n';
    }
    return s;
}

namespace {

/// "numbering-plan" warnings: a number (an owner with NAPTRs under e164.arpa, written in the file, not generated)
/// that the numbering plans say cannot exist — an unknown country code or a length the country has no number of
/// (libphonenumber's metadata, numbering/phone_number.hpp). Once per number. Only here, not when compiling: the
/// metadata changes with the plans, the zone does not. Numbers starting with 0 have their own warning (dial-prefix).
/// CSV numbers are not checked (a carrier file of 10^8 numbers would take minutes).
/// libphonenumber (PhoneNumberUtil is thread-safe) is asked on two threads, each about half the numbers; the
/// warnings come out in record order.
void check_numbering_plans(const std::vector<zones::Zone>& zones, zones::Diagnostics& diags) {
    for (const auto& z : zones) {
        std::set<std::string> seen;
        std::vector<std::pair<std::string, const zones::Record*>> numbers;
        for (const auto& r : z.records) {
            if (r.generated || r.type != dns::RrType::NAPTR) continue;
            // The owner's digits under e164.arpa (RFC 6116 §2.4, reversed back); none below a wildcard label.
            std::string digits = numbering::digits_from_owner(r.owner, numbering::default_enum_suffix()).value_or("");
            if (digits.empty() || digits[0] == '0' || !seen.insert(digits).second) continue;
            numbers.emplace_back(std::move(digits), &r);
        }
        std::vector<std::optional<std::string>> found(numbers.size());
        auto ask = [&](std::size_t from, std::size_t to) {
            for (std::size_t i = from; i < to; ++i) found[i] = numbering::impossible_number_warning(numbers[i].first);
        };
        const std::size_t half = numbers.size() / 2;
        if (half >= 1000) {
            std::thread other(ask, half, numbers.size());
            ask(0, half);
            other.join();
        } else {
            ask(0, numbers.size());
        }
        for (std::size_t i = 0; i < numbers.size(); ++i)
            if (found[i]) diags.warning(numbers[i].second->loc, "numbering-plan", std::move(*found[i]));
    }
}

struct CheckSettings {
    std::vector<std::string> sources;  ///< "[ORIGIN=]FILE"
    std::string origin;                ///< --origin
    bool quiet = false;
    bool print = false;
    zones::SummaryOptions summary_options;
    std::vector<std::string> silenced;
};

int run_check(CheckSettings& s) {
    std::vector<zones::ZoneSource> files;
    for (const auto& text : s.sources) files.push_back(*zones::parse_zone_source(text));  // checked by zone_source()
    // --origin: for RFC 1035 files given without ORIGIN=, as enumd --zone takes them
    std::optional<dns::Name> origin;
    if (!s.origin.empty()) origin = *dns::Name::from_text(s.origin);
    zones::SummaryOptions summary_options = s.summary_options;
    summary_options.silenced.insert(s.silenced.begin(), s.silenced.end());
    const bool quiet = s.quiet;
    const bool print = s.print;
    for (auto& f : files)
        if (!f.origin && origin) f.origin = origin;
    zones::Diagnostics diags;
    cli::ProgressLine progress_line("enumctl check: ", [] { return zones::progress().line(); });
    auto zones = zones::load_zone_sources(files, diags);
    check_numbering_plans(zones, diags);
    progress_line.stop();
    // Reading order: by file (as first met), then line and column.
    std::map<std::string, std::size_t> file_rank;
    for (const auto& d : diags.items) file_rank.emplace(d.loc.file, file_rank.size());
    std::stable_sort(diags.items.begin(), diags.items.end(), [&](const auto& a, const auto& b) {
        auto ka = std::tuple(file_rank[a.loc.file], a.loc.line, a.loc.column);
        auto kb = std::tuple(file_rank[b.loc.file], b.loc.line, b.loc.column);
        return ka < kb;
    });
    const zones::Summary summary = print_diagnostics(diags, summary_options);
    const std::size_t warnings = summary.warnings;
    if (!quiet) {
        for (const auto& z : zones) {
            std::size_t generated = 0;
            for (const auto& r : z.records) generated += r.generated ? 1 : 0;
            std::string bulk = z.bulk ? ", " + std::to_string(z.bulk->size()) + " numbers from CSV" : "";
            std::printf("zone %s: %zu records (%zu generated)%s%s\n", z.origin.to_text().c_str(), z.records.size(),
                        generated, bulk.c_str(), z.auto_serial ? ", serial auto" : "");
        }
    }
    if (print) {
        for (const auto& z : zones) {
            for (const auto& r : z.records)
                std::printf("%s%s\n", zones::record_to_text(r.owner, r.ttl, r.type, r.rdata).c_str(),
                            r.generated ? " ;g" : "");
            for (const auto& r : zones::bulk_records(z))
                std::printf("%s\n", zones::record_to_text(r.owner, r.ttl, r.type, r.rdata).c_str());
        }
    }
    std::size_t errors = diags.error_count();
    std::string silenced = summary.silenced > 0 ? " (" + std::to_string(summary.silenced) + " silenced)" : "";
    std::printf("%zu error%s, %zu warning%s%s\n", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
                silenced.c_str());
    return errors == 0 ? 0 : 1;
}

}  // namespace

Run add_check(CLI::App& root) {
    auto s = std::make_shared<CheckSettings>();
    CLI::App* cmd = root.add_subcommand("check", "validate zone files (YAML or RFC 1035): errors and warnings as file:line");
    cmd->add_flag("-q,--quiet", s->quiet, "no per-zone summary");
    cmd->add_flag("-p,--print", s->print, "print the records the zone compiles to (';g' marks generated)");
    cmd->add_option("--origin", s->origin, "origin of RFC 1035 files without $ORIGIN given without ORIGIN= (as enumd --zone)")
        ->type_name("ORIGIN")
        ->check(domain_name());
    add_warning_options(*cmd, s->summary_options, s->silenced);
    cmd->add_option("FILE", s->sources, "[ORIGIN=]FILE: .yaml/.yml the YAML format, anything else RFC 1035")
        ->required()
        ->check(zone_source());
    cmd->footer("Prints all errors and the warnings; exit 1 when there is an error.\n" + warning_help());
    return [s] { return run_check(*s); };
}

}  // namespace enumd::enumctl
