#include "enumd/zones/zone_source.hpp"

#include <filesystem>
#include <map>

#include "enumd/zones/progress.hpp"
#include "enumd/zones/rfc1035.hpp"
#include "enumd/zones/source_hash.hpp"
#include "enumd/zones/validate.hpp"
#include "enumd/zones/yaml_loader.hpp"

namespace enumd::zones {

std::optional<ZoneSource> parse_zone_source(const std::string& text) {
    ZoneSource z;
    auto eq = text.find('=');
    if (eq != std::string::npos) {
        auto n = dns::Name::from_text(text.substr(0, eq));
        if (!n) return std::nullopt;
        z.origin = *n;
        z.file = text.substr(eq + 1);
    } else {
        z.file = text;
    }
    if (z.file.empty()) return std::nullopt;
    return z;
}

std::vector<Zone> load_zone_sources(const std::vector<ZoneSource>& sources, Diagnostics& diags) {
    std::vector<Zone> zones;
    std::map<std::string, SourceLoc> origins;
    for (const auto& source : sources) {
        const std::string& path = source.file;
        std::vector<Zone> got;
        const std::int64_t started = source_clock_now();  // before the first byte is read
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            diags.error(SourceLoc{path, 0, 0}, "'" + path + "' is a directory, not a zone file");
            continue;
        }
        progress().phase(Progress::Phase::Reading);
        if (is_yaml_path(path)) {
            if (auto z = load_yaml_zone(path, diags)) got.push_back(std::move(*z));
        } else {
            got = load_rfc1035(path, source.origin, diags);
        }
        const std::string spec = source_spec(source);
        for (auto& z : got) {
            // The fingerprint of the bytes just parsed (source_hash.hpp): none when a file changed meanwhile.
            z.source_hash = hash_sources(spec, z.source_files, started).value_or(0);
            progress().phase(Progress::Phase::Checking);
            validate_zone(z, diags);
            auto [it, fresh] = origins.emplace(z.origin.lowercased().to_text(), z.loc);
            if (!fresh)
                diags.error(z.loc, "zone " + z.origin.to_text() + " is also defined at " + it->second.to_text());
            zones.push_back(std::move(z));
        }
    }
    return zones;
}

std::vector<Zone> load_zone_files(const std::vector<std::string>& paths, Diagnostics& diags) {
    std::vector<ZoneSource> sources;
    sources.reserve(paths.size());
    for (const auto& p : paths) sources.push_back(ZoneSource{std::nullopt, p});
    return load_zone_sources(sources, diags);
}

}  // namespace enumd::zones
