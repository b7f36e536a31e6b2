// enumctl import [--origin ORIGIN] FILE [-o OUT.yaml]
// An RFC 1035 zone file (read with ldns) as the YAML zone format, in the
// friendliest form that loads back to the same RRsets (import.hpp); numbers in
// the international grouping when the plans know them (phone_number.hpp).
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "enumd/numbering/phone_number.hpp"
#include "enumd/zones/import.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/validate.hpp"

namespace enumd::enumctl {
namespace {

void print(const zones::Diagnostics& diags) {
    for (const auto& d : diags.items) std::fprintf(stderr, "%s\n", d.to_text().c_str());
}

struct ImportSettings {
    std::string origin_text;
    std::string file;
    std::string out_path;
    bool keep_serial = false;
};

int run_import(const ImportSettings& s) {
    std::optional<dns::Name> origin;
    if (!s.origin_text.empty()) origin = *dns::Name::from_text(s.origin_text);  // checked by domain_name()
    const std::string& file = s.file;
    const std::string& out_path = s.out_path;
    const bool keep_serial = s.keep_serial;
    if (!zones::looks_like_rfc1035(file)) {
        std::fprintf(stderr, "enumctl import: %s is already YAML; import reads RFC 1035 zone files\n", file.c_str());
        return 2;
    }
    zones::Diagnostics diags;
    auto loaded = zones::load_rfc1035(file, origin, diags);
    for (const auto& z : loaded) zones::validate_zone(z, diags);
    print(diags);
    if (loaded.empty() || diags.has_errors()) {
        std::fprintf(stderr, "enumctl import: %s: %zu error(s), nothing imported\n", file.c_str(), diags.error_count());
        return 1;
    }
    const zones::Zone& zone = loaded.front();
    zones::ImportOptions options;
    options.source_name = file;
    options.keep_serial = keep_serial;
    options.number_text = [](std::string_view digits) {
        return numbering::grouped_e164(digits, numbering::describe_e164(digits));
    };
    zones::ImportReport report;
    auto yaml = zones::import_zone(zone, options, &report);
    if (!yaml) {
        std::fprintf(stderr, "enumctl import: %s: %s\n", file.c_str(), yaml.error().c_str());
        return 1;
    }
    if (out_path.empty() || out_path == "-") {
        std::fwrite(yaml->data(), 1, yaml->size(), stdout);
    } else {
        std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
        out << *yaml;
        out.close();
        if (!out) {
            std::fprintf(stderr, "enumctl import: cannot write %s\n", out_path.c_str());
            return 2;
        }
    }
    std::fprintf(stderr,
                 "imported %s from %s: %zu records; %zu numbers and ranges (%zu ranges), %zu NAPTR shorthands, "
                 "%zu PLMN blocks, %zu generated records left to the range expansion, %zu raw wildcards, "
                 "%zu generic records (form: %s)\n",
                 zone.origin.to_text().c_str(), file.c_str(), zone.records.size(), report.numbers, report.ranges,
                 report.naptr_shorthands, report.plmns, report.generated, report.raw_wildcards, report.generic_records,
                 report.form.c_str());
    return 0;
}

}  // namespace

Run add_import(CLI::App& root) {
    auto s = std::make_shared<ImportSettings>();
    CLI::App* cmd = root.add_subcommand("import", "an RFC 1035 zone file as the YAML zone format");
    cmd->add_option("FILE", s->file, "the RFC 1035 zone file")->required();
    cmd->add_option("--origin", s->origin_text, "the zone's origin when the file has no $ORIGIN")
        ->type_name("ORIGIN")
        ->check(domain_name());
    cmd->add_flag("--keep-serial", s->keep_serial,
                  "write the serial as an explicit number (default: 'serial: auto' with 'min_serial:' the zone's "
                  "serial, so later compiles move it forward)");
    cmd->add_option("-o", s->out_path, "write the YAML to OUT.yaml instead of stdout")->type_name("OUT.yaml");
    return [s] { return run_import(*s); };
}

}  // namespace enumd::enumctl
