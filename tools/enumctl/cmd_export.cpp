// enumctl export FILE | --db DIR [--zone ORIGIN] [-o OUT]
// RFC 1035 text (export.hpp) from a YAML zone, an RFC 1035 zone file, or a
// compiled database, for BIND, Knot, NSD or a secondary.
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "enumd/zones/export.hpp"

namespace enumd::enumctl {
namespace {

constexpr const char* kUsage = "usage: enumctl export FILE|--db DIR [--zone ORIGIN] [-o OUT]\n";

}  // namespace

int cmd_export(int argc, char** argv) {
    std::optional<dns::Name> origin;
    std::string source;
    bool from_db = false;
    std::string out_path;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if ((a == "--zone" || a == "-o" || a == "--db") && i + 1 >= argc) {
            std::fputs(kUsage, stderr);
            return 2;
        }
        if (a == "--zone") {
            auto n = dns::Name::from_text(argv[++i]);
            if (!n) {
                std::fprintf(stderr, "enumctl export: bad zone name '%s': %s\n", argv[i], n.error().c_str());
                return 2;
            }
            origin = *n;
        } else if (a == "-o") {
            out_path = argv[++i];
        } else if (a == "--db" && source.empty()) {
            source = argv[++i];
            from_db = true;
        } else if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "enumctl export: unknown option '%s'\n%s", argv[i], kUsage);
            return 2;
        } else if (source.empty()) {
            source = argv[i];
        } else {
            std::fputs(kUsage, stderr);
            return 2;
        }
    }
    if (source.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
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
    std::string text = zones::export_rfc1035(zones.front());
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

}  // namespace enumd::enumctl
