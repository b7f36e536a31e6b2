// enumctl import [--origin ORIGIN] FILE [-o OUT.yaml]
// An RFC 1035 zone file (read with ldns) as the YAML zone format, in the
// friendliest form that loads back to the same RRsets (import.hpp).
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "enumd/zones/import.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/validate.hpp"

namespace enumd::enumctl {
namespace {

constexpr const char* kUsage =
    "usage: enumctl import [--origin ORIGIN] [--keep-serial] FILE [-o OUT.yaml]\n"
    "  writes 'serial: auto' with 'min_serial:' the zone's serial (later compiles move it forward);\n"
    "  --keep-serial writes the serial as an explicit number instead\n";

void print(const zones::Diagnostics& diags) {
    for (const auto& d : diags.items) std::fprintf(stderr, "%s\n", d.to_text().c_str());
}

}  // namespace

int cmd_import(int argc, char** argv) {
    std::optional<dns::Name> origin;
    std::string file;
    std::string out_path;
    bool keep_serial = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if ((a == "--origin" || a == "-o") && i + 1 >= argc) {
            std::fputs(kUsage, stderr);
            return 2;
        }
        if (a == "--origin") {
            auto n = dns::Name::from_text(argv[++i]);
            if (!n) {
                std::fprintf(stderr, "enumctl import: bad origin '%s': %s\n", argv[i], n.error().c_str());
                return 2;
            }
            origin = *n;
        } else if (a == "-o") {
            out_path = argv[++i];
        } else if (a == "--keep-serial") {
            keep_serial = true;
        } else if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "enumctl import: unknown option '%s'\n%s", argv[i], kUsage);
            return 2;
        } else if (file.empty()) {
            file = argv[i];
        } else {
            std::fputs(kUsage, stderr);
            return 2;
        }
    }
    if (file.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
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

}  // namespace enumd::enumctl
